//! Fixture-driven snapshots of every diagnostic.
//!
//! `tests/ui/pass/*` must produce no errors; `tests/ui/fail/**/CODE-name.isms` (or a folder
//! `CODE-name/` holding a multi-file project) must produce at least the code in its name.

use std::path::Path;

use crate::harness::{compile, only_codes, render, retain_codes};

fn fixture_code(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let code = name.split('-').next()?;
    (code.len() == 5 && (code.starts_with('E') || code.starts_with('W'))).then(|| code.to_string())
}

/// A fixture is a `.isms` file, or the folder of an `isms.toml`.
fn project_of(path: &Path) -> &Path {
    if path.ends_with("isms.toml") {
        path.parent().unwrap_or(path)
    } else {
        path
    }
}

#[test]
fn fail_fixtures() {
    insta::glob!("../ui/fail", "*/{*.isms,*/isms.toml}", |path| {
        let path = project_of(path);
        let mut analysis = compile(path);
        if let Some(codes) = only_codes(path) {
            retain_codes(&mut analysis, &codes);
        }
        let text = render(&analysis);
        let code = fixture_code(path)
            .unwrap_or_else(|| panic!("{}: name must start with a code", path.display()));
        assert!(
            analysis.diagnostics.iter().any(|d| d.code.as_str() == code),
            "{} does not produce {code}:\n{text}",
            path.display()
        );
        for d in &analysis.diagnostics {
            assert!(
                !d.help.is_empty(),
                "{}: {} has no help",
                path.display(),
                d.code
            );
        }
        insta::assert_snapshot!(text);
    });
}

#[test]
fn pass_fixtures() {
    insta::glob!("../ui/pass", "{*.isms,*/isms.toml}", |path| {
        let path = project_of(path);
        let mut analysis = compile(path);
        if let Some(codes) = only_codes(path) {
            retain_codes(&mut analysis, &codes);
        }
        let text = render(&analysis);
        assert!(
            !analysis.has_errors(),
            "{} has errors:\n{text}",
            path.display()
        );
        insta::assert_snapshot!(text);
    });
}
