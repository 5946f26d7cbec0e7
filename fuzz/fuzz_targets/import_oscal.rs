//! The OSCAL importer never panics, and what it makes is `.isms` text without syntax errors
//! or raw control characters (`isms_fuzz::import_oscal`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| isms_fuzz::import_oscal(data));
