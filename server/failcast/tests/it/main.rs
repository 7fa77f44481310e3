//! The failcast crate's integration tests, one binary.

mod fuzz_corpus;
