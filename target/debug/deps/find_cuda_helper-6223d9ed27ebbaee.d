/work/main/target/debug/deps/find_cuda_helper-6223d9ed27ebbaee.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/find_cuda_helper-0.2.0/src/lib.rs

/work/main/target/debug/deps/libfind_cuda_helper-6223d9ed27ebbaee.rlib: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/find_cuda_helper-0.2.0/src/lib.rs

/work/main/target/debug/deps/libfind_cuda_helper-6223d9ed27ebbaee.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/find_cuda_helper-0.2.0/src/lib.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/find_cuda_helper-0.2.0/src/lib.rs:
