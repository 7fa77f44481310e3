/work/main/target/debug/deps/ref_cast_impl-1560ed611f03c2d6.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/ref-cast-impl-1.0.27/src/lib.rs

/work/main/target/debug/deps/libref_cast_impl-1560ed611f03c2d6.so: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/ref-cast-impl-1.0.27/src/lib.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/ref-cast-impl-1.0.27/src/lib.rs:

# env-dep:CARGO_PKG_VERSION_PATCH=27
