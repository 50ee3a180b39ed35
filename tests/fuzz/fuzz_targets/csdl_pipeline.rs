#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vpptoken_fuzz::csdl_pipeline(data));
