//! Fuzz target: see `failcast_fuzz::ingest`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| failcast_fuzz::ingest(data));
