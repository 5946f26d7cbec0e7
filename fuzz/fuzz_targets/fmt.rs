//! The formatter never panics and never fails one of its safety checks (such a failure is a
//! bug of ismsc, whatever the input), and what it returns formats to itself (`isms_fuzz::fmt`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| isms_fuzz::fmt(data));
