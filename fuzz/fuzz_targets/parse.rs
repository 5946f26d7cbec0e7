//! The parser never panics, whatever the bytes.
#![no_main]

use ismsc_core::diag::Diagnostics;
use ismsc_core::source::{Origin, SourceMap};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = SourceMap::new();
    let file = sources.add("fuzz.isms", text, Origin::Project);
    let mut diags = Diagnostics::new();
    let _ = ismsc_core::syntax::parse_file(&sources, file, &mut diags);
});
