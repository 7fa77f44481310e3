//! Fuzz target: see `failcast_fuzz::framing`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| failcast_fuzz::framing(data));
