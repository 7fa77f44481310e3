//! Fuzz target: see `failcast_fuzz::document`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| failcast_fuzz::document(data));
