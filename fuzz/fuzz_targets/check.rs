//! The whole pipeline (parse, lower, resolve, every check, every renderer of findings) never
//! panics, whatever the text of a one-file project.
#![no_main]

use ismsc_core::diag::render::{self, HumanStyle};
use ismsc_core::syntax::ast::Date;
use ismsc_core::{analyze, Input, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let input = Input::from_memory(vec![
        ("isms.toml".into(), "[project]\nname = \"fuzz\"\n".into()),
        ("main.isms".into(), text.to_string()),
    ]);
    let options = Options {
        today: Date { year: 2026, month: 11, day: 22 },
        deny_warnings: false,
    };
    let a = analyze(input, &options);
    let _ = render::human(&a.diagnostics, &a.sources, HumanStyle { color: false, width: 80 });
    let _ = render::json(&a.diagnostics, &a.sources);
    let _ = render::sarif(&a.diagnostics, &a.sources);
});
