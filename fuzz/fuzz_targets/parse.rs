//! The parser never panics, whatever the bytes (`isms_fuzz::parse`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| isms_fuzz::parse(data));
