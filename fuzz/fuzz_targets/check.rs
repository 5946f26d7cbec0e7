//! The whole pipeline, every renderer of findings and every data output never panic, and no
//! output holds a raw control or bidirectional character (`isms_fuzz::check`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| isms_fuzz::check(data));
