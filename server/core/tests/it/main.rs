//! The core crate's integration tests, one binary: property tests of the
//! document model and the tidy checks that hold the crate graph to the
//! architecture.

mod document_properties;
mod tidy;
