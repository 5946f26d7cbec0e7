//! The layout rules that the compiler cannot enforce by itself: facts are derived once and
//! read everywhere; emitters and checks do not look entities up by name.

use std::path::Path;

use crate::harness::repo;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            if let Ok(text) = std::fs::read_to_string(&p) {
                out.push((p.display().to_string(), text));
            }
        }
    }
}

#[test]
fn checks_and_emitters_read_the_facts_and_never_look_ids_up_by_name() {
    let root = repo();
    let mut files = Vec::new();
    for dir in [
        "compiler/core/src/check",
        "compiler/core/src/emit",
        "compiler/publish/src",
    ] {
        sources(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20, "{}", files.len());
    // The SoA derivation and the index are built by `Facts::derive` only (they are
    // `pub(super)` to `facts`, so the compiler refuses any other caller); what stays possible is
    // a second reverse index or a lookup by name, which this test refuses.
    let forbidden = [
        (".index.get(", "look entities up by their id string"),
        ("index.contains_key(", "look entities up by their id string"),
        ("RefIndex::build", "build a reference index of its own"),
        ("tarjan_scc", "walk a graph of its own"),
        ("DiGraph::", "build a graph of its own"),
    ];
    let mut found = Vec::new();
    for (path, text) in &files {
        for (pattern, what) in forbidden {
            if text.contains(pattern) {
                found.push(format!("{path} {what} (`{pattern}`)"));
            }
        }
    }
    // The cycle check is the one check that runs an algorithm: on the index's own graph.
    found.retain(|f| !(f.contains("check/structure.rs") && f.contains("tarjan_scc")));
    assert!(
        found.is_empty(),
        "read the facts instead:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_core_crate_does_not_depend_on_publishing() {
    let manifest =
        std::fs::read_to_string(repo().join("compiler/core/Cargo.toml")).unwrap_or_default();
    for dep in [
        "typst",
        "rust_xlsxwriter",
        "pulldown-cmark",
        "ismsc-publish",
    ] {
        let in_deps = manifest
            .split("[dev-dependencies]")
            .next()
            .is_some_and(|deps| deps.contains(dep));
        assert!(!in_deps, "the core crate depends on {dep}");
    }
}
