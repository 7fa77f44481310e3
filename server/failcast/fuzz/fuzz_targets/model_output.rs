//! Fuzz target: see `failcast_fuzz::model_output`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| failcast_fuzz::model_output(data));
