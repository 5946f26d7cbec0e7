//! `ismsc diff`: one change of each class between `tests/diff/before` and `tests/diff/after`,
//! a project against itself, the human and markdown reports (snapshots), the JSON document,
//! `--fail-on`, the size cap of the pull-request comment, and a realistic change of an example
//! compared from two folders and from a git repository built in the test (`--since HEAD~1`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ismsc_core::diff::{classes, render, ChangeKind, Diff};
use serde_json::Value;

use crate::cli::ismsc;
use crate::harness::{compile, git, have_git, path_str, repo, scratch, TODAY};

const DATE: &str = "2026-11-22";

fn fixture(side: &str) -> PathBuf {
    repo().join("tests/diff").join(side)
}

fn fixture_diff() -> Diff {
    Diff::new(
        &compile(&fixture("before")),
        &compile(&fixture("after")),
        TODAY,
    )
}

#[test]
fn the_fixture_has_one_change_of_each_class() {
    let diff = fixture_diff();
    let missing: Vec<&str> = classes::ALL
        .iter()
        .filter(|c| !diff.has_class(c.id))
        .map(|c| c.id)
        .collect();
    assert!(missing.is_empty(), "no change of class {missing:?}");
    for c in &diff.changes {
        assert!(!c.fields.is_empty(), "{c:?} has no fields");
        for (name, (before, after)) in &c.fields {
            assert_ne!(before, after, "{} {} {name}", c.id, c.class.id);
        }
        match c.kind {
            ChangeKind::Added => assert!(c.fields.values().all(|(b, _)| b.is_null())),
            ChangeKind::Removed => assert!(c.fields.values().all(|(_, a)| a.is_null())),
            ChangeKind::Changed => {}
        }
    }
    // Specific rules of the class table.
    let class_of = |kind: &str, id: &str| -> BTreeSet<&str> {
        diff.changes
            .iter()
            .filter(|c| c.section.as_str() == kind && c.id == id)
            .map(|c| c.class.id)
            .collect()
    };
    assert!(class_of("soa", "F.1").contains("newly-excluded"));
    assert!(class_of("soa", "F.2").contains("applicability-flipped"));
    assert_eq!(
        class_of("soa", "F.3"),
        BTreeSet::from(["justification-changed"])
    );
    assert_eq!(class_of("soa", "F.4"), BTreeSet::from(["status-advanced"]));
    assert_eq!(class_of("soa", "F.5"), BTreeSet::from(["status-regressed"]));
    assert_eq!(class_of("risk", "R-3"), BTreeSet::from(["residual-up"]));
    assert_eq!(
        class_of("risk", "R-9"),
        BTreeSet::from(["acceptance-expiring"])
    );
    assert_eq!(
        class_of("person", "kim-novak"),
        BTreeSet::from(["entity-renamed"])
    );
    assert!(
        class_of("person", "kim").is_empty(),
        "a rename is no removal"
    );
    // The sort: by section, then ids with numbers compared as numbers.
    let soa: Vec<&str> = diff
        .changes
        .iter()
        .filter(|c| c.section.as_str() == "soa")
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(soa.last(), Some(&"F.10"), "{soa:?}");
}

#[test]
fn a_project_against_itself_has_no_change() {
    for project in [fixture("after"), repo().join("examples/acme")] {
        let p = path_str(&project);
        let (code, out, err) = ismsc(&["diff", &p, &p, "--today", DATE]);
        assert_eq!((code, err.as_str()), (0, ""), "{out}");
        assert!(out.ends_with("\nNo changes.\n"), "{out}");
        let (code, out, _) = ismsc(&["diff", &p, &p, "--format", "json", "--fail-on", "info"]);
        assert_eq!(code, 0);
        let doc: Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(doc["changes"], Value::Array(Vec::new()));
        assert_eq!(doc["summary"]["text"], "no changes");
    }
}

#[test]
fn human_and_markdown_reports() {
    let diff = fixture_diff();
    insta::assert_snapshot!("human", render::human(&diff, "before", "after"));
    let md = render::markdown(&diff, "before", "after", render::GITHUB_COMMENT_LIMIT);
    insta::assert_snapshot!("markdown", md);
    // Through the command line: the same report, on standard output.
    let (code, out, _) = ismsc(&[
        "diff",
        &path_str(&fixture("before")),
        &path_str(&fixture("after")),
        "--format",
        "markdown",
        "--today",
        DATE,
    ]);
    assert_eq!(code, 0);
    assert!(out.starts_with(render::MARKER), "{out}");
    assert!(out.contains("> [!WARNING]"));
}

#[test]
fn the_markdown_report_stays_under_its_limit() {
    let diff = fixture_diff();
    for limit in [2_500, 6_000] {
        let md = render::markdown(&diff, "before", "after", limit);
        assert!(md.len() <= limit, "{} > {limit}", md.len());
        assert!(md.contains("not shown"), "{md}");
        assert!(md.starts_with(render::MARKER));
    }
    // Two unrelated projects: every row and item differs; still one comment GitHub takes.
    let (code, out, _) = ismsc(&[
        "diff",
        &path_str(&repo().join("examples/acme")),
        &path_str(&repo().join("examples/startup")),
        "--format",
        "markdown",
        "--today",
        DATE,
    ]);
    assert_eq!(code, 0);
    assert!(
        out.chars().count() < render::GITHUB_COMMENT_LIMIT,
        "{}",
        out.len()
    );
    assert!(out.contains("<details>"), "long sections are folded");
}

#[test]
fn json_and_fail_on() {
    let (before, after) = (path_str(&fixture("before")), path_str(&fixture("after")));
    let (code, out, _) = ismsc(&["diff", &before, &after, "--format", "json", "--today", DATE]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["format_version"], "1.0");
    let changes = doc["changes"].as_array().expect("changes");
    for c in changes {
        for key in ["kind", "id", "change", "class", "fields"] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
        for (_, f) in c["fields"].as_object().expect("fields") {
            assert!(f.get("before").is_some() && f.get("after").is_some(), "{f}");
        }
    }
    let newly = changes
        .iter()
        .find(|c| c["class"] == "newly-excluded")
        .expect("newly excluded");
    assert_eq!(newly["kind"], "soa");
    assert_eq!(newly["id"], "F.1");
    assert_eq!(newly["fields"]["decision"]["before"], "included");
    assert_eq!(newly["fields"]["decision"]["after"], "excluded");
    assert_eq!(
        doc["summary"]["changes"].as_u64(),
        Some(changes.len() as u64)
    );
    // The gate.
    let run = |extra: &[&str]| {
        let mut args = vec!["diff", before.as_str(), after.as_str(), "--format", "json"];
        args.extend(extra);
        ismsc(&args).0
    };
    assert_eq!(run(&["--fail-on", "newly-excluded"]), 1);
    assert_eq!(run(&["--fail-on", "warning"]), 1);
    assert_eq!(run(&["--fail-on", "isms-changed,risk-added"]), 1);
    let (code, _, _) = ismsc(&["diff", &after, &after, "--fail-on", "newly-excluded"]);
    assert_eq!(code, 0);
    let (code, _, err) = ismsc(&["diff", &before, &after, "--fail-on", "excluded"]);
    assert_eq!(code, 2);
    assert!(err.contains("newly-excluded"), "{err}");
    // Usage: one folder without --since, three folders, a missing folder.
    assert_eq!(ismsc(&["diff", &before]).0, 2);
    assert_eq!(ismsc(&["diff", &before, &after, &after]).0, 2);
    assert_eq!(ismsc(&["diff", &before, "/no/such/project"]).0, 2);
}

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

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).expect("read");
    assert!(text.contains(from), "{} lacks {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).expect("write");
}

/// The realistic change of the issue on a copy of the startup example: an exclusion turned
/// into a satisfied control, a risk added, a residual lowered, a control retitled, a policy
/// re-approved.
fn realistic_change(project: &Path) {
    edit(
        &project.join("applicability.isms"),
        "  A.8.30 excluded \"Kiln does not outsource development",
        "  // A.8.30 is now satisfied by secure-development.\n  // was: \"Kiln does not outsource development",
    );
    edit(
        &project.join("controls.isms"),
        "    A.8.29,\n    A.8.31,",
        "    A.8.29,\n    A.8.30,\n    A.8.31,",
    );
    let risks = project.join("risks.isms");
    edit(
        &risks,
        "residual      { likelihood = possible  impact = minor }\n}\n\nrisk R-03",
        "residual      { likelihood = unlikely  impact = minor }\n}\n\nrisk R-03",
    );
    let mut text = std::fs::read_to_string(&risks).expect("read");
    text.push_str(
        "\nrisk R-10 \"Office coffee machine on the guest network\" {\n  owner      = ops-lead\n  likelihood = rare\n  impact     = negligible\n  treatment  = accept\n}\n",
    );
    std::fs::write(&risks, text).expect("write");
    edit(
        &project.join("controls.isms"),
        "\"Supplier security review and cloud shared responsibility\"",
        "\"Supplier assurance and cloud shared responsibility\"",
    );
    edit(
        &project.join("policies.isms"),
        "approved       = ceo @ 2026-02-23\n  version        = \"1.1\"",
        "approved       = ceo @ 2026-11-02\n  version        = \"1.1\"",
    );
}

/// The changes `ismsc diff OLD NEW --format json` reports between two folders (exit 0).
fn folder_changes(old: &Path, new: &Path) -> Vec<Value> {
    let (code, out, err) = ismsc(&[
        "diff",
        &path_str(old),
        &path_str(new),
        "--format",
        "json",
        "--today",
        DATE,
    ]);
    assert_eq!(code, 0, "{err}");
    changes_of(&out)
}

/// `(kind, id)` of each change.
fn kinds_and_ids(changes: &[Value]) -> BTreeSet<(String, String)> {
    changes
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap_or("").to_string(),
                c["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn changes_of(json: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(json).expect("JSON");
    doc["changes"].as_array().cloned().unwrap_or_default()
}

#[test]
fn a_realistic_change_from_folders_and_from_git() {
    let dir = scratch("diff-realistic");
    let (old, new) = (dir.join("old"), dir.join("new"));
    copy_dir(&repo().join("examples/startup"), &old);
    copy_dir(&old, &new);
    realistic_change(&new);
    let changes = folder_changes(&old, &new);
    let things = kinds_and_ids(&changes);
    let expected: BTreeSet<(String, String)> = [
        ("soa", "A.8.30"),
        ("risk", "R-02"),
        ("risk", "R-10"),
        ("action", "R-10/-"),
        ("control", "supplier-management"),
        ("control", "secure-development"),
        ("policy", "infosec-policy"),
    ]
    .into_iter()
    .map(|(k, i)| (k.to_string(), i.to_string()))
    .collect();
    assert_eq!(things, expected, "{changes:#?}");
    let class = |kind: &str, id: &str| -> Vec<&str> {
        changes
            .iter()
            .filter(|c| c["kind"] == kind && c["id"] == id)
            .filter_map(|c| c["class"].as_str())
            .collect()
    };
    assert!(class("soa", "A.8.30").contains(&"applicability-flipped"));
    assert_eq!(class("risk", "R-02"), ["residual-down"]);
    assert_eq!(class("risk", "R-10"), ["risk-added"]);
    assert_eq!(class("control", "supplier-management"), ["entity-retitled"]);
    assert_eq!(
        class("policy", "infosec-policy"),
        ["policy-approval-changed"]
    );
    let flip = changes
        .iter()
        .find(|c| c["class"] == "applicability-flipped")
        .expect("flip");
    assert_eq!(flip["fields"]["decision"]["before"], "excluded");
    assert_eq!(flip["fields"]["decision"]["after"], "included");
    let residual = &changes
        .iter()
        .find(|c| c["class"] == "residual-down")
        .expect("residual")["fields"]["residual"];
    assert_eq!(residual["before"]["score"], 6);
    assert_eq!(residual["after"]["score"], 4);

    // The same two versions as two commits: `--since HEAD~1` reports the same changes.
    if !have_git("the --since part of a_realistic_change_from_folders_and_from_git") {
        return;
    }
    let root = dir.join("repo");
    let project = root.join("compliance/isms");
    copy_dir(&old, &project);
    assert!(git(&root, &["init", "-q"]));
    assert!(git(&root, &["add", "-A"]));
    assert!(git(&root, &["commit", "-q", "-m", "Audit 2026 baseline"]));
    assert!(git(&root, &["tag", "audit-2026"]));
    std::fs::remove_dir_all(&project).expect("rm");
    copy_dir(&new, &project);
    assert!(git(&root, &["add", "-A"]));
    assert!(git(&root, &["commit", "-q", "-m", "Transition work"]));
    let since = |rev: &str, cwd_project: &Path| {
        ismsc(&[
            "diff",
            "--since",
            rev,
            &path_str(cwd_project),
            "--format",
            "json",
            "--today",
            DATE,
        ])
    };
    let (code, out, err) = since("HEAD~1", &project);
    assert_eq!(code, 0, "{err}");
    assert_eq!(changes_of(&out), changes);
    // A tag works as well; HEAD against the clean work tree gives nothing.
    let (code, out, _) = since("audit-2026", &project);
    assert_eq!((code, changes_of(&out)), (0, changes.clone()));
    let (code, out, _) = since("HEAD", &project);
    assert_eq!((code, changes_of(&out)), (0, Vec::new()));
    // An unknown revision, a folder outside git: usage errors.
    let (code, _, err) = since("no-such-tag", &project);
    assert_eq!(code, 2);
    assert!(err.contains("`no-such-tag` is not a commit"), "{err}");
    let (code, _, err) = since("HEAD~1", &old);
    assert_eq!(code, 2, "{err}");
}

/// docs/diff.md lists every class of the table with its title, clause and level.
#[test]
fn the_documentation_lists_every_class() {
    let docs = std::fs::read_to_string(repo().join("docs/diff.md")).expect("docs/diff.md");
    for c in classes::ALL {
        let row = format!(
            "| `{}` | {} | {} | {} |",
            c.id,
            c.title,
            c.clause,
            c.level.as_str()
        );
        assert!(docs.contains(&row), "docs/diff.md lacks the row {row}");
    }
    let rows = docs.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(
        rows,
        classes::ALL.len(),
        "docs/diff.md lists a class that does not exist"
    );
}

/// The check and act records are compared like the other items: a nonconformity closed and
/// verified, an audit performed later and a management review's input reworded are each one
/// change with the fields before and after.
#[test]
fn records_of_clauses_9_and_10_are_compared() {
    let dir = scratch("diff-records");
    let (old, new) = (dir.join("old"), dir.join("new"));
    copy_dir(&repo().join("examples/acme"), &old);
    copy_dir(&repo().join("examples/acme"), &new);
    edit(
        &new.join("improvement.isms"),
        "    due   = 2027-01-31\n  }\n  status = open",
        "    due   = 2027-01-31\n    done  = 2026-11-20\n  }\n  status        = closed\n  verified      = ciso @ 2026-11-21\n  effectiveness = \"Checked on the Q3 review.\"",
    );
    edit(
        &new.join("audits.isms"),
        "  performed = 2026-10-27",
        "  performed = 2026-10-28",
    );
    edit(
        &new.join("reviews.isms"),
        "    improvement      = \"Automate",
        "    improvement      = \"Automate soon",
    );
    let changes = folder_changes(&old, &new);
    let kinds = kinds_and_ids(&changes);
    for (kind, id) in [
        ("nonconformity", "NC-2026-03"),
        ("audit", "IA-2026-2"),
        ("review", "MR-2026-10"),
    ] {
        assert!(
            kinds.contains(&(kind.to_string(), id.to_string())),
            "{kind} {id} not reported: {kinds:?}"
        );
    }
    let nc = changes
        .iter()
        .find(|c| c["id"] == "NC-2026-03")
        .expect("the nonconformity");
    assert_eq!(nc["fields"]["status"]["before"], "open");
    assert_eq!(nc["fields"]["status"]["after"], "closed");
    let audit = changes
        .iter()
        .find(|c| c["id"] == "IA-2026-2")
        .expect("the audit");
    assert_eq!(audit["fields"]["performed"]["after"], "2026-10-28");
}
