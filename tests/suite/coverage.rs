//! The coverage check on the real Annex A: a project missing two decisions fails with exactly
//! two findings naming them, and passes once they are decided.

use ismsc_core::{analyze, Input};

use crate::harness::{options, repo};

/// The acme example as in-memory files, with `edit` applied to each `.isms` text.
pub fn acme(edit: impl Fn(&str, String) -> String) -> Vec<(String, String)> {
    let root = repo().join("examples/acme");
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).expect("readable").flatten() {
            let p = e.path();
            if p.is_dir() {
                // Not the output of a build of the example, as the compiler does not read it.
                if e.file_name() != "dist" {
                    stack.push(p);
                }
                continue;
            }
            let rel = p
                .strip_prefix(&root)
                .expect("below root")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).expect("text");
            let text = if rel.ends_with(".isms") {
                edit(&rel, text)
            } else {
                text
            };
            files.push((rel, text));
        }
    }
    files
}

#[test]
fn two_missing_decisions_give_exactly_two_findings() {
    let clean = analyze(Input::from_memory(acme(|_, t| t)), &options());
    assert!(clean.diagnostics.is_empty(), "{:?}", clean.diagnostics);

    // Drop the exclusion of A.8.30 and take A.7.12 out of the only control that satisfies it.
    let broken = acme(|name, text| match name {
        "applicability.isms" => text
            .lines()
            .filter(|l| {
                !l.trim_start().starts_with("A.8.30 excluded")
                    && !l.trim_start().starts_with("A.7.12 included")
            })
            .map(|l| format!("{l}\n"))
            .collect(),
        "controls-people-physical.isms" => text.replace("A.7.11, A.7.12]", "A.7.11]"),
        _ => text,
    });
    let a = analyze(Input::from_memory(broken), &options());
    let codes: Vec<_> = a
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.message.clone()))
        .collect();
    let gaps: Vec<_> = codes.iter().filter(|(c, _)| *c == "E0401").collect();
    assert_eq!(gaps.len(), 2, "{codes:?}");
    assert!(gaps[0].1.contains("`A.7.12`"), "{gaps:?}");
    assert!(gaps[1].1.contains("`A.8.30`"), "{gaps:?}");
    assert_eq!(codes.len(), 2, "nothing else is reported: {codes:?}");
    assert!(a.has_errors());
}
