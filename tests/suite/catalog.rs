//! `ismsc catalog` (the catalogue at hand) and the filters of `ismsc soa`.

use serde_json::Value;

use crate::cli::ismsc;
use crate::harness::{path_str, repo, scratch};
use crate::init::init;

fn json(args: &[&str]) -> Value {
    let (code, out, err) = ismsc(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).expect("JSON")
}

#[test]
fn catalog_json_has_the_specified_shape() {
    let doc = json(&["catalog", "--format", "json"]);
    assert_eq!(doc["framework"], "iso27001:2022");
    assert_eq!(doc["title"], "ISO/IEC 27001:2022 Annex A");
    let reqs = doc["requirements"].as_array().expect("requirements");
    assert_eq!(reqs.len(), 93);
    for r in reqs {
        assert!(r["id"].is_string() && r["title"].is_string() && r["group"].is_string());
        assert!(r["attributes"].is_object());
    }
    assert_eq!(reqs[0]["id"], "A.5.1");
    assert_eq!(reqs[0]["group"], "organizational");
    assert_eq!(
        reqs[0]["attributes"]["control_type"],
        serde_json::json!(["preventive"])
    );
    let themes: Vec<&str> = reqs.iter().filter_map(|r| r["group"].as_str()).collect();
    for (theme, n) in [
        ("organizational", 37),
        ("people", 8),
        ("physical", 14),
        ("technological", 34),
    ] {
        assert_eq!(themes.iter().filter(|t| **t == theme).count(), n, "{theme}");
    }
    let old = json(&["catalog", "iso27001:2013", "--format", "json"]);
    assert_eq!(old["requirements"].as_array().map(Vec::len), Some(114));
}

#[test]
fn catalog_filters_by_theme_and_attribute() {
    let doc = json(&[
        "catalog",
        "--attribute",
        "concepts=protect",
        "--attribute",
        "control_type=preventive",
        "--format",
        "json",
    ]);
    let reqs = doc["requirements"].as_array().expect("requirements");
    assert!(!reqs.is_empty() && reqs.len() < 93, "{}", reqs.len());
    for r in reqs {
        let has = |name: &str, value: &str| {
            r["attributes"][name]
                .as_array()
                .is_some_and(|v| v.iter().any(|x| x == value))
        };
        assert!(
            has("concepts", "protect") && has("control_type", "preventive"),
            "{r}"
        );
    }
    let all = json(&["catalog", "--format", "json"]);
    let expected = all["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|r| {
            let has = |name: &str, value: &str| {
                r["attributes"][name]
                    .as_array()
                    .is_some_and(|v| v.iter().any(|x| x == value))
            };
            has("concepts", "protect") && has("control_type", "preventive")
        })
        .count();
    assert_eq!(reqs.len(), expected);

    let tech = json(&["catalog", "--theme", "technological", "--format", "json"]);
    assert_eq!(tech["requirements"].as_array().map(Vec::len), Some(34));
    let two = json(&["catalog", "--theme", "people,physical", "--format", "json"]);
    assert_eq!(two["requirements"].as_array().map(Vec::len), Some(22));
    // Any group level: the 2013 control objective A.9.4.
    let objective = json(&[
        "catalog",
        "iso27001:2013",
        "--group",
        "A.9.4",
        "--format",
        "json",
    ]);
    let ids: Vec<&str> = objective["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, ["A.9.4.1", "A.9.4.2", "A.9.4.3", "A.9.4.4", "A.9.4.5"]);
}

#[test]
fn catalog_refuses_what_it_does_not_have() {
    for (args, says) in [
        (
            vec!["catalog", "iso27001:2099"],
            "no framework `iso27001:2099`",
        ),
        (
            vec!["catalog", "--theme", "technologic"],
            "has no group `technologic`",
        ),
        (
            vec!["catalog", "--attribute", "concept=protect"],
            "no attribute `concept`",
        ),
        (
            vec!["catalog", "--attribute", "concepts=protects"],
            "the values of `concepts` are",
        ),
        (vec!["catalog", "--attribute", "concepts"], "NAME=VALUE"),
    ] {
        let (code, out, err) = ismsc(&args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty());
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn catalog_csv_and_table() {
    let (code, csv, _) = ismsc(&["catalog", "--format", "csv"]);
    assert_eq!(code, 0);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "id,title,group,group_title,capabilities,concepts,control_type,domains,implied_by,new,note,properties,title_27002"
        )
    );
    assert_eq!(lines.count(), 93);
    assert!(csv.contains("\nA.5.7,Threat intelligence,organizational,Organizational controls,"));
    let (code, table, _) = ismsc(&[
        "catalog",
        "--theme",
        "physical",
        "--attribute",
        "control_type=detective",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(table);
    let (code, list, _) = ismsc(&["catalog", "--list"]);
    assert_eq!(code, 0);
    assert!(
        list.contains("iso27001:2022") && list.contains("  93  "),
        "{list}"
    );
}

#[test]
fn catalog_reads_a_projects_own_frameworks() {
    let fixture = path_str(&repo().join("tests/ci/project"));
    let doc = json(&[
        "catalog",
        "mini:1",
        "--project",
        &fixture,
        "--format",
        "json",
    ]);
    assert_eq!(doc["requirements"].as_array().map(Vec::len), Some(4));
    assert_eq!(ismsc(&["catalog", "mini:1"]).0, 2);
}

fn soa_schema() -> jsonschema::JSONSchema {
    let text = std::fs::read_to_string(repo().join("docs/schema/soa.schema.json")).expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("JSON");
    jsonschema::JSONSchema::compile(&schema).expect("compiles")
}

#[test]
fn a_partial_soa_shows_undecided_rows() {
    let dir = scratch("soa-partial").join("isms");
    init(&dir, &[]);
    let p = path_str(&dir);
    let (code, out, err) = ismsc(&["soa", &p, "--format", "json", "--today", "2026-11-22"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("93 errors") && err.contains("93 controls undecided"),
        "{err}"
    );
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    assert!(soa_schema().is_valid(&doc));
    let controls = doc["controls"].as_array().expect("controls");
    assert_eq!(controls.len(), 93);
    for c in controls {
        assert_eq!(c["decision"], "undecided");
        assert_eq!(c["status"], "undecided");
        assert_eq!(c["applicable"], false);
    }
    assert_eq!(doc["summary"]["undecided"], 93);
    assert_eq!(doc["summary"]["not_implemented"], 0);
    let (_, table, _) = ismsc(&["soa", &p, "--theme", "people", "--today", "2026-11-22"]);
    insta::assert_snapshot!(table);

    // Errors of the language itself still refuse: the SoA would come from a partial model.
    std::fs::write(dir.join("broken.isms"), "control x {\n").expect("write");
    let (code, out, err) = ismsc(&["soa", &p, "--today", "2026-11-22"]);
    assert_eq!(code, 1);
    assert!(out.is_empty() && err.contains("E0001"), "{err}");
}

#[test]
fn soa_filters_keep_the_shape_of_soa_json() {
    let acme = path_str(&repo().join("examples/acme"));
    let full = json(&["soa", &acme, "--format", "json", "--today", "2026-11-22"]);
    let schema = soa_schema();
    let count = |doc: &Value| doc["controls"].as_array().map_or(0, Vec::len);
    let implemented = json(&[
        "soa",
        &acme,
        "--format",
        "json",
        "--status",
        "implemented",
        "--today",
        "2026-11-22",
    ]);
    assert!(schema.is_valid(&implemented));
    assert_eq!(
        Some(count(&implemented) as u64),
        full["summary"]["implemented"].as_u64()
    );
    assert_eq!(
        implemented["summary"]["total"].as_u64(),
        Some(count(&implemented) as u64)
    );
    for key in [
        "schema_version",
        "standard",
        "standard_title",
        "organization",
        "isms",
    ] {
        assert_eq!(implemented[key], full[key], "{key}");
    }
    let tech = json(&[
        "soa",
        &acme,
        "--format",
        "json",
        "--theme",
        "technological",
        "--status",
        "implemented,partial",
        "--today",
        "2026-11-22",
    ]);
    for c in tech["controls"].as_array().expect("controls") {
        assert_eq!(c["theme"], "technological");
        assert!(
            matches!(c["status"].as_str(), Some("implemented" | "partial")),
            "{c}"
        );
    }
    let undecided = json(&[
        "soa",
        &acme,
        "--format",
        "json",
        "--undecided",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(count(&undecided), 0, "acme decides every control");
    let (code, csv, _) = ismsc(&[
        "soa",
        &acme,
        "--format",
        "csv",
        "--theme",
        "people",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 0);
    assert_eq!(csv.lines().count(), 1 + 8);
    let (code, _, err) = ismsc(&["soa", &acme, "--theme", "cloud"]);
    assert_eq!(code, 2);
    assert!(err.contains("has no theme `cloud`"), "{err}");
}
