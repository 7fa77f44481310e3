/work/main/target/debug/deps/tree_sitter_language-441b61c7956972d3.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tree-sitter-language-0.1.9/src/language.rs

/work/main/target/debug/deps/libtree_sitter_language-441b61c7956972d3.rlib: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tree-sitter-language-0.1.9/src/language.rs

/work/main/target/debug/deps/libtree_sitter_language-441b61c7956972d3.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tree-sitter-language-0.1.9/src/language.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tree-sitter-language-0.1.9/src/language.rs:
