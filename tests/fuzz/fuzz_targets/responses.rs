#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vpptoken_fuzz::responses(data));
