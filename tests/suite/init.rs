//! `ismsc init`: the starter project checks to exactly the undecided controls, is laid out
//! canonically, lists every control of the catalogue, and a second `init` changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;

use crate::cli::ismsc;
use crate::harness::{compile, path_str, scratch, tree};

/// `ismsc init DIR ARGS` on a fixed date; panics unless it succeeds.
pub fn init(dir: &Path, args: &[&str]) {
    let dir = path_str(dir);
    let mut argv = vec!["init", dir.as_str(), "--today", "2026-11-22"];
    argv.extend(args);
    let (code, out, err) = ismsc(&argv);
    assert_eq!(code, 0, "init failed: {out}{err}");
}

fn json_codes(project: &Path) -> Vec<(String, String)> {
    let (code, out, err) = ismsc(&[
        "check",
        &path_str(project),
        "--format",
        "json",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 1, "{err}");
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn starter_reports_only_undecided(standard: &str, expected: usize) {
    let dir = scratch(&format!("init-{}", standard.replace(':', "-"))).join("acme");
    init(
        &dir,
        &[
            "--standard",
            standard,
            "--organization",
            "Acme \"Cloud\" GmbH",
        ],
    );
    let findings = json_codes(&dir);
    assert_eq!(findings.len(), expected, "{findings:#?}");
    assert!(
        findings.iter().all(|(code, _)| code == "E0401"),
        "only undecided controls: {findings:#?}"
    );
    // Every control of the standard, once.
    let catalog = ismsc(&["catalog", standard, "--format", "json"]).1;
    let catalog: Value = serde_json::from_str(&catalog).expect("catalog JSON");
    let ids: Vec<&str> = catalog["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids.len(), expected);
    for id in &ids {
        let n = findings
            .iter()
            .filter(|(_, m)| m.starts_with(&format!("`{id}` (")))
            .count();
        assert_eq!(n, 1, "{id} is reported {n} times");
    }
    // The applicability file lists each control with its id, title and theme.
    let applicability =
        std::fs::read_to_string(dir.join("applicability.isms")).expect("applicability.isms");
    for r in catalog["requirements"].as_array().expect("requirements") {
        let (id, title, group) = (
            r["id"].as_str().unwrap_or(""),
            r["title"].as_str().unwrap_or(""),
            r["group"].as_str().unwrap_or(""),
        );
        let line = applicability
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("// {id} ")))
            .unwrap_or_else(|| panic!("no line for {id}"));
        assert!(
            line.contains(title) && line.ends_with(&format!("[{group}]")),
            "{line}"
        );
    }
    // The organisation is in the documents, escaped as a string of the language.
    let analysis = compile(&dir);
    assert_eq!(
        analysis
            .model
            .isms
            .as_ref()
            .and_then(|i| i.organization.as_deref()),
        Some("Acme \"Cloud\" GmbH")
    );
    // Human output: one report for all of them.
    let (_, _, human) = ismsc(&["check", &path_str(&dir), "--today", "2026-11-22"]);
    assert_eq!(human.matches("E0401\n").count(), 1, "{human}");
    assert!(human.contains(&format!("{expected} Annex A controls have no decision")));
    assert!(human.trim_end().ends_with(&format!("{expected} errors")));
    // The starter is in the formatter's canonical layout: `ismsc fmt --check` passes and a
    // run of `ismsc fmt` writes nothing.
    let (code, out, err) = ismsc(&["fmt", "--check", &path_str(&dir)]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let before = snapshot_of(&dir);
    let (code, out, err) = ismsc(&["fmt", &path_str(&dir)]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    assert_eq!(snapshot_of(&dir), before, "contents and modification times");
}

#[test]
fn init_2022_then_check_reports_exactly_the_93_undecided_controls() {
    starter_reports_only_undecided("iso27001:2022", 93);
}

#[test]
fn init_2013_then_check_reports_exactly_the_114_undecided_controls() {
    starter_reports_only_undecided("iso27001:2013", 114);
}

/// The grouped report of the undecided controls, as a person sees it.
#[test]
fn undecided_controls_are_one_report_for_people() {
    let dir = scratch("init-human").join("acme");
    init(&dir, &["--organization", "Acme Cloud GmbH"]);
    let (code, _, human) = ismsc(&["check", &path_str(&dir), "--today", "2026-11-22"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(human);
}

fn snapshot_of(dir: &Path) -> BTreeMap<String, (Vec<u8>, Option<SystemTime>)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (Vec<u8>, Option<SystemTime>)>) {
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            let rel = path_str(path.strip_prefix(root).expect("below"));
            let mtime = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
            if path.is_dir() {
                out.insert(format!("{rel}/"), (Vec::new(), mtime));
                walk(root, &path, out);
            } else {
                out.insert(rel, (std::fs::read(&path).expect("read"), mtime));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn a_second_init_exits_2_and_changes_nothing() {
    let dir = scratch("init-twice").join("isms");
    init(&dir, &[]);
    let before = snapshot_of(&dir);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (code, _, err) = ismsc(&["init", &path_str(&dir), "--organization", "Other"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("already has an `isms.toml`"), "{err}");
    assert_eq!(snapshot_of(&dir), before, "contents and modification times");

    // A folder holding one file of the starter is refused too, before anything is written.
    let other = scratch("init-clash").join("isms");
    std::fs::create_dir_all(&other).expect("mkdir");
    std::fs::write(other.join("people.isms"), "// mine\n").expect("write");
    let before = snapshot_of(&other);
    let (code, _, err) = ismsc(&["init", &path_str(&other)]);
    assert_eq!(code, 2);
    assert!(err.contains("`people.isms`"), "{err}");
    assert_eq!(snapshot_of(&other), before);

    // A folder inside a project is refused: the project's checks would read the new files.
    let inner = dir.join("sub");
    let (code, _, err) = ismsc(&["init", &path_str(&inner)]);
    assert_eq!(code, 2);
    assert!(err.contains("inside the ISMS project"), "{err}");
    assert!(!inner.exists());
}

/// In a sub-folder of a git work tree, the workflow and the pre-commit configuration go to
/// its root and name the project by its path from there; `.gitattributes` stays with the
/// project. An existing workflow is left alone.
#[test]
fn init_in_a_subfolder_of_a_repository() {
    let repo = scratch("init-repo");
    std::fs::create_dir_all(repo.join(".git")).expect("mkdir .git");
    std::fs::create_dir_all(repo.join(".github/workflows")).expect("mkdir");
    let theirs = "# my own\n";
    std::fs::write(repo.join(".pre-commit-config.yaml"), theirs).expect("write");
    std::fs::write(repo.join(".gitattributes"), "*.png binary").expect("write");
    let project = repo.join("compliance/isms");
    let (code, _, err) = ismsc(&["init", &path_str(&project), "--today", "2026-11-22"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("left `.pre-commit-config.yaml` as it was"),
        "{err}"
    );
    let workflow =
        std::fs::read_to_string(repo.join(".github/workflows/isms.yml")).expect("workflow");
    let yaml: serde_yaml::Value = serde_yaml::from_str(&workflow).expect("YAML");
    let step = &yaml["jobs"]["isms"]["steps"][1];
    assert_eq!(step["with"]["project"].as_str(), Some("compliance/isms"));
    assert_eq!(
        std::fs::read_to_string(repo.join(".pre-commit-config.yaml")).expect("read"),
        theirs
    );
    assert_eq!(
        std::fs::read_to_string(project.join(".gitattributes")).expect("read"),
        "*.isms linguist-language=HCL\n"
    );
    // The repository's own .gitattributes is not touched.
    assert_eq!(
        std::fs::read_to_string(repo.join(".gitattributes")).expect("read"),
        "*.png binary"
    );
    assert!(!project.join(".github").exists());
    // Findings are relative to the repository root.
    let (_, out, _) = ismsc(&[
        "check",
        &path_str(&project),
        "--format",
        "short",
        "--today",
        "2026-11-22",
    ]);
    assert!(
        out.lines()
            .all(|l| l.contains(" compliance/isms/applicability.isms:")),
        "{out}"
    );
}

/// `init` into a folder without `.git` anywhere above: the CI files go with the project.
#[test]
fn init_outside_a_repository_keeps_everything_in_the_folder() {
    let dir: PathBuf = scratch("init-norepo").join("isms");
    if crate::harness::repo_root_of(&dir).is_some() {
        eprintln!("skipped: the temporary folder is inside a git work tree");
        return;
    }
    init(&dir, &[]);
    let files = tree(&dir);
    for f in [
        ".github/workflows/isms.yml",
        ".pre-commit-config.yaml",
        ".gitattributes",
        "isms.toml",
        "applicability.isms",
        "policies/information-security.md",
    ] {
        assert!(files.contains_key(f), "{f} missing: {:?}", files.keys());
    }
    let workflow = String::from_utf8_lossy(&files[".github/workflows/isms.yml"]).into_owned();
    assert!(workflow.contains("project: '.'"), "{workflow}");
    assert_eq!(
        String::from_utf8_lossy(&files["isms.toml"]),
        "[project]\nname = \"isms\"\n"
    );
}
