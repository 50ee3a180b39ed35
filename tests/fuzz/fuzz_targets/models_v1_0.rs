#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vpptoken_fuzz::models_v1_0(data));
