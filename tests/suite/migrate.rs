//! `ismsc migrate`: `examples/transition-2013` (all 114 controls decided) moved to the 2022
//! edition leaves exactly the 11 new controls undecided, keeps every comment and carries the
//! exclusion justifications; the plan writes nothing; `tests/migrate/merges-splits` shows
//! merges, splits and the dropped exclusions (snapshot).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::cli::ismsc;
use crate::harness::{path_str, repo, scratch, tree};

const DATE: &str = "2026-11-22";

/// Copies a folder.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            if entry.file_name() != "dist" {
                copy_dir(&path, &target);
            }
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// The comments of a text, one per line that has one, trimmed.
fn comments(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.find("//").map(|i| l[i..].trim().to_string()))
        .collect()
}

/// The 2022 controls no 2013 control maps to, from the stdlib's mapping and catalogue.
fn new_in_2022() -> BTreeSet<String> {
    let mapping =
        std::fs::read_to_string(repo().join("stdlib/mappings/iso27001-2013-to-2022.isms"))
            .expect("mapping");
    let reached: BTreeSet<String> = mapping
        .lines()
        .map(str::split_whitespace)
        .filter_map(|mut w| {
            let (_, relation, to) = (w.next()?, w.next()?, w.next()?);
            ["equal", "subset", "superset", "intersects"]
                .contains(&relation)
                .then(|| to.to_string())
        })
        .collect();
    let (_, out, _) = ismsc(&["catalog", "iso27001:2022", "--format", "json"]);
    let catalog: Value = serde_json::from_str(&out).expect("catalog JSON");
    catalog["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .filter(|id| !reached.contains(*id))
        .map(String::from)
        .collect()
}

#[test]
fn transition_2013_moves_to_2022_with_only_the_new_controls_undecided() {
    let new = new_in_2022();
    let issue: BTreeSet<String> = [
        "A.5.7", "A.5.23", "A.5.30", "A.7.4", "A.8.9", "A.8.10", "A.8.11", "A.8.12", "A.8.16",
        "A.8.23", "A.8.28",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(new, issue);

    let project = scratch("migrate-transition").join("isms");
    copy_dir(&repo().join("examples/transition-2013"), &project);
    let p = path_str(&project);
    let before = tree(&project);

    // The plan: a unified diff and the decisions; nothing written.
    let (code, diff, report) = ismsc(&["migrate", &p, "--to", "iso27001:2022", "--today", DATE]);
    assert_eq!(code, 0, "{report}");
    assert!(diff.starts_with("--- a/"), "{diff}");
    assert!(diff.contains("+  standard     = iso27001:2022"), "{diff}");
    assert!(
        report.contains("A.11.1.6 excluded → A.7.2: exclusion dropped"),
        "{report}"
    );
    assert!(
        report.contains("After the migration, `ismsc check` reports 11 × E0401."),
        "{report}"
    );
    assert!(report.contains("Nothing was written"), "{report}");
    assert_eq!(tree(&project), before, "the plan changed files");

    // Written.
    let (code, _, report) = ismsc(&["migrate", &p, "--write", "--today", DATE]);
    assert_eq!(code, 0, "{report}");
    // isms.isms, applicability.isms, controls.isms, policies.isms and the `requires` of risks.isms.
    assert!(report.contains("Wrote 5 files"), "{report}");
    let after = tree(&project);
    let (_, out, _) = ismsc(&["check", &p, "--format", "json", "--today", DATE]);
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    let findings = doc["diagnostics"].as_array().expect("diagnostics");
    let codes: BTreeSet<&str> = findings.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, BTreeSet::from(["E0401"]), "{out}");
    let undecided: BTreeSet<String> = findings
        .iter()
        .filter_map(|d| d["message"].as_str())
        .filter_map(|m| m.strip_prefix('`')?.split('`').next().map(String::from))
        .collect();
    assert_eq!(undecided, new);
    assert_eq!(findings.len(), 11);

    // Every comment kept; the justification of the exclusion carried to the 2022 id.
    for (name, old) in &before {
        let (Ok(old), Some(Ok(new))) = (
            String::from_utf8(old.clone()),
            after.get(name).map(|b| String::from_utf8(b.clone())),
        ) else {
            continue;
        };
        for c in comments(&old) {
            assert!(new.contains(&c), "{name} lost the comment {c:?}");
        }
    }
    let applicability = String::from_utf8(after["applicability.isms"].clone()).expect("UTF-8");
    assert!(
        applicability.contains("A.8.30 excluded \"Harbourline does not outsource development"),
        "{applicability}"
    );
    for id in &new {
        assert!(applicability.contains(&format!("// TODO {id} ")), "{id}");
    }
    // The result is in the canonical layout, and a second migration has nothing to do.
    let (code, out, err) = ismsc(&["fmt", "--check", &p]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = ismsc(&["migrate", &p]);
    assert_eq!(code, 2);
    assert!(err.contains("on `iso27001:2022` already"), "{err}");
}

#[test]
fn merges_splits_and_dropped_exclusions() {
    let fixture = repo().join("tests/migrate/merges-splits");
    let p = path_str(&fixture);
    let before = tree(&fixture);
    let (code, diff, report) = ismsc(&["migrate", &p, "--today", DATE]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(tree(&fixture), before);
    let report = report.replace(&p, "tests/migrate/merges-splits");
    insta::assert_snapshot!(format!("{diff}----- REPORT\n{report}"));
    // The dropped exclusions leave no excluded-and-satisfied control and no control decided
    // twice.
    let after = report
        .lines()
        .find(|l| l.starts_with("After the migration"))
        .expect("after line");
    assert!(
        !after.contains("E0403") && !after.contains("E0408"),
        "{after}"
    );
    // Usage: an unknown edition, a project that is not a folder.
    let (code, _, err) = ismsc(&["migrate", &p, "--to", "iso27001:2099"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no mapping from `iso27001:2013` to `iso27001:2099`"),
        "{err}"
    );
    assert_eq!(ismsc(&["migrate", "/no/such/project"]).0, 2);
}
