//! The command line, driven in-process: exit codes, `--format json` and `--format sarif`.

use std::path::Path;

use ismsc::cli::{run, Io};
use serde_json::Value;

use crate::harness::repo;

/// Runs `ismsc ARGS`; returns (exit code, stdout, stderr).
pub fn ismsc(args: &[&str]) -> (u8, String, String) {
    ismsc_with_input(args, "")
}

/// Runs `ismsc ARGS` with `input` on standard input; returns (exit code, stdout, stderr).
pub fn ismsc_with_input(args: &[&str], input: &str) -> (u8, String, String) {
    let mut input = input.as_bytes();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut argv = vec!["ismsc".into()];
    argv.extend(args.iter().map(|a| std::ffi::OsString::from(*a)));
    let code = run(
        argv,
        &mut Io {
            input: &mut input,
            out: &mut out,
            err: &mut err,
            err_is_terminal: false,
        },
    );
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

fn fixture(rel: &str) -> String {
    repo()
        .join("tests/ui")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn exit_codes() {
    let pass = fixture("pass/minimal");
    assert_eq!(ismsc(&["check", &pass, "--today", "2026-11-22"]).0, 0);
    let fail = fixture("fail/resolve/E0102-multi-file");
    assert_eq!(ismsc(&["check", &fail, "--today", "2026-11-22"]).0, 1);
    assert_eq!(ismsc(&["check", "/no/such/project/anywhere"]).0, 2);
    assert_eq!(ismsc(&["check", &pass, "--today", "2026-02-30"]).0, 2);
    assert_eq!(ismsc(&["frobnicate"]).0, 2);
    assert_eq!(ismsc(&["explain", "E9999"]).0, 2);
    let (code, out, _) = ismsc(&["explain", "E0102"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("# E0102: unknown-reference"));
}

#[test]
fn json_format_has_the_specified_shape() {
    let fail = fixture("fail/resolve/E0102-multi-file");
    let (code, out, _) = ismsc(&["check", &fail, "--format", "json", "--today", "2026-11-22"]);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).expect("valid JSON");
    let diags = doc["diagnostics"].as_array().expect("diagnostics array");
    assert!(!diags.is_empty());
    for d in diags {
        for key in [
            "code",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "help",
        ] {
            assert!(d.get(key).is_some(), "missing {key} in {d}");
        }
        assert!(matches!(d["severity"].as_str(), Some("error" | "warning")));
        assert!(d["line"].as_u64().unwrap_or(0) >= 1);
        assert!(d["column"].as_u64().unwrap_or(0) >= 1);
        let file = d["file"].as_str().unwrap_or("");
        assert!(
            !Path::new(file).is_absolute(),
            "file must be relative: {file}"
        );
    }
    let keys: Vec<(String, u64, u64)> = diags
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "diagnostics are sorted by file, then position"
    );
}

#[test]
fn sarif_format_is_sarif_2_1_0() {
    let fail = fixture("fail/resolve/E0102-multi-file");
    let (_, out, _) = ismsc(&["check", &fail, "--format", "sarif", "--today", "2026-11-22"]);
    let doc: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "ismsc");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(
            !uri.starts_with('/') && !uri.contains('<'),
            "uri relative to the root: {uri}"
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap_or(0) >= 1);
        assert!(matches!(
            r["level"].as_str(),
            Some("error" | "warning" | "note")
        ));
    }
}

#[test]
fn graph_is_deterministic() {
    let pass = fixture("pass/minimal");
    let (c1, a, _) = ismsc(&["graph", &pass, "--format", "dot"]);
    let (_, b, _) = ismsc(&["graph", &pass, "--format", "dot"]);
    assert_eq!(c1, 0);
    assert_eq!(a, b);
    assert!(a.starts_with("digraph isms {"));
    assert!(
        a.contains("\"control:mfa\" -> \"minimal:1/M.1\" [label=\"satisfies\"]"),
        "{a}"
    );
    let (_, m, _) = ismsc(&["graph", &pass, "--format", "mermaid"]);
    assert!(m.starts_with("flowchart LR"));
    assert!(m.contains("-->|satisfies|"));
}

#[test]
fn readiness_lists_the_records_the_language_does_not_hold() {
    let acme = repo().join("examples/acme").to_string_lossy().into_owned();
    let (code, out, _) = ismsc(&["check", &acme, "--readiness", "--today", "2026-11-22"]);
    assert_eq!(code, 0);
    assert!(out.contains("7.5.1 b): Documented information"), "{out}");
    assert!(out.contains("8.1: Documented information"), "{out}");
    // acme holds its audits, reviews, nonconformities, results and competences in the language.
    for recorded in ["4.3:", "7.2:", "9.1:", "9.2.2:", "9.3.3:", "10.2"] {
        assert!(!out.contains(recorded), "{recorded} is recorded: {out}");
    }
    let (_, json, _) = ismsc(&[
        "check",
        &acme,
        "--readiness",
        "--format",
        "json",
        "--today",
        "2026-11-22",
    ]);
    let doc: Value = serde_json::from_str(&json).expect("JSON");
    assert!(
        doc["readiness"].as_array().is_some_and(|r| r.len() == 2),
        "{json}"
    );
}

#[test]
fn warnings_pass_unless_denied() {
    let warn = fixture("pass/warnings-only");
    let (code, out, _) = ismsc(&["check", &warn, "--format", "short", "--today", "2026-11-22"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("W0602 warning"), "{out}");
    let (code, out, _) = ismsc(&[
        "check",
        &warn,
        "--format",
        "short",
        "--deny-warnings",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("W0602 error"), "{out}");
}
