//! The emitters: `soa.json` against its published schema, the CSV files (snapshots and the
//! formula-injection guard), and `ismsc soa` / `ismsc build` (determinism, atomicity).

use std::path::{Path, PathBuf};

use ismsc_core::emit;
use serde_json::Value;

use crate::cli::ismsc;
use crate::harness::{compile, path_str, repo, scratch, tree as files};

const TODAY: &str = "2026-11-22";

fn example(name: &str) -> PathBuf {
    repo().join("examples").join(name)
}

fn small() -> PathBuf {
    repo().join("tests/emit/small")
}

fn schema() -> jsonschema::JSONSchema {
    let text = std::fs::read_to_string(repo().join("docs/schema/soa.schema.json"))
        .expect("docs/schema/soa.schema.json");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::JSONSchema::compile(&schema).expect("the schema compiles")
}

fn assert_valid(schema: &jsonschema::JSONSchema, doc: &Value, what: &str) {
    if let Err(errors) = schema.validate(doc) {
        let errors: Vec<String> = errors
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        panic!(
            "{what} does not match soa.schema.json:\n{}",
            errors.join("\n")
        );
    }
}

fn soa_of(project: &Path) -> Value {
    let analysis = compile(project);
    let text = emit::soa_json(&analysis).expect("the project has a standard");
    assert!(text.ends_with("}\n"), "pretty JSON with a trailing newline");
    serde_json::from_str(&text).expect("soa.json is JSON")
}

#[test]
fn soa_json_of_every_example_matches_the_schema() {
    let schema = schema();
    for (name, rows) in [("acme", 93), ("startup", 93), ("transition-2013", 114)] {
        let project = example(name);
        let analysis = compile(&project);
        let doc = soa_of(&project);
        assert_valid(&schema, &doc, name);
        assert_eq!(doc["schema_version"], 1);
        let controls = doc["controls"].as_array().expect("controls");
        assert_eq!(controls.len(), rows, "{name}: one row per requirement");
        assert_eq!(doc["summary"]["total"], rows);

        // In catalogue order, with the catalogue's titles and themes.
        let standard = doc["standard"].as_str().expect("standard");
        let catalogue: Vec<_> = analysis.model.requirements_of(standard).collect();
        assert_eq!(catalogue.len(), rows);
        for (row, (_, req)) in controls.iter().zip(&catalogue) {
            assert_eq!(row["id"], req.id.as_str(), "{name}");
            assert_eq!(row["title"], req.title.as_str(), "{name}: {}", req.id);
            assert_eq!(row["theme"], req.groups[0].0.as_str(), "{name}: {}", req.id);
        }

        for row in controls {
            let id = &row["id"];
            match row["decision"].as_str() {
                Some("excluded") => {
                    let j = row["justification"].as_str().unwrap_or("");
                    assert!(
                        !j.trim().is_empty(),
                        "{name}: {id} excluded without justification"
                    );
                    assert_eq!(row["applicable"], false);
                }
                Some("included") => {
                    assert_eq!(row["applicable"], true);
                    if name == "acme" {
                        let reasons = row["reasons"].as_array().expect("reasons");
                        assert!(
                            !reasons.is_empty(),
                            "acme: {id} is applicable without a reason"
                        );
                        assert!(row["justification"].is_string(), "acme: {id}");
                    }
                }
                other => panic!("{name}: {id} has decision {other:?}"),
            }
        }
    }
}

#[test]
fn soa_json_themes_follow_the_edition() {
    let doc = soa_of(&example("acme"));
    let first = &doc["controls"][0];
    assert_eq!(first["id"], "A.5.1");
    assert_eq!(first["theme"], "organizational");
    assert_eq!(first["theme_title"], "Organizational controls");
    assert_eq!(first["attributes"]["control_type"][0], "preventive");
    assert_eq!(doc["standard"], "iso27001:2022");
    assert!(doc["organization"].is_string());

    let doc = soa_of(&example("transition-2013"));
    assert_eq!(doc["standard"], "iso27001:2013");
    assert_eq!(doc["controls"][0]["theme"], "A.5");
    let last = doc["controls"]
        .as_array()
        .and_then(|c| c.last())
        .expect("rows");
    assert_eq!(last["theme"], "A.18");
}

#[test]
fn the_schema_is_strict() {
    let schema = schema();
    let doc = soa_of(&small());
    assert_valid(&schema, &doc, "small");
    type Breaker = fn(&mut Value);
    let broken: [(&str, Breaker); 6] = [
        ("unknown decision", |d| {
            d["controls"][0]["decision"] = "maybe".into()
        }),
        ("unknown status", |d| {
            d["controls"][0]["status"] = "done".into()
        }),
        ("unknown reason kind", |d| {
            d["controls"][0]["reasons"][0]["kind"] = "whim".into()
        }),
        ("extra key", |d| d["controls"][0]["extra"] = 1.into()),
        ("missing key", |d| {
            d["controls"][0].as_object_mut().map(|o| o.remove("status"));
        }),
        ("excluded but applicable", |d| {
            d["controls"][3]["applicable"] = true.into()
        }),
    ];
    for (what, break_it) in broken {
        let mut d = doc.clone();
        break_it(&mut d);
        assert!(
            !schema.is_valid(&d),
            "the schema accepts a document with {what}"
        );
    }
}

#[test]
fn soa_of_the_small_project() {
    let doc = soa_of(&small());
    let rows = doc["controls"].as_array().expect("controls");
    let pick = |i: usize, key: &str| rows[i][key].clone();
    let statuses: Vec<Value> = (0..5).map(|i| pick(i, "status")).collect();
    assert_eq!(
        statuses,
        [
            "implemented",
            "partial",
            "planned",
            "not-applicable",
            "not-implemented"
        ]
        .map(Value::from)
        .to_vec()
    );
    // The justification names the risks and obligations by title, with their ids.
    assert_eq!(
        pick(0, "justification"),
        "Risk treatment: Account takeover through a phished password (R-1); Legal: GDPR (gdpr)"
    );
    assert_eq!(
        pick(1, "justification"),
        "Risk treatment: Account takeover through a phished password (R-1)"
    );
    assert_eq!(
        pick(4, "justification"),
        "Business: Customers ask for yearly awareness training"
    );
    // JSON carries the user's text unchanged; only the CSV is guarded.
    assert!(pick(3, "justification")
        .as_str()
        .is_some_and(|j| j.starts_with("=HYPERLINK(")));
    assert_eq!(pick(0, "evidence")[0]["collected"], "2026-10-01");
    assert_eq!(pick(0, "obligations")[0], "gdpr");
    assert_eq!(pick(0, "owners")[0], "ops");
    assert_eq!(doc["summary"]["not_implemented"], 1);
}

/// No cell of a CSV text starts with a formula character (the first character of the text,
/// or of a field after a separator or a line break, unquoted or quoted).
fn assert_guarded(csv: &str) {
    for bad in ['=', '+', '-', '@'] {
        assert!(!csv.starts_with(bad), "{csv}");
        for sep in [",", "\n", ",\"", "\n\""] {
            let needle = format!("{sep}{bad}");
            assert!(
                !csv.contains(&needle),
                "unguarded cell `{needle}` in:\n{csv}"
            );
        }
    }
}

#[test]
fn soa_csv_snapshot() {
    let analysis = compile(&small());
    let csv = emit::soa_csv(&analysis).expect("the project has a standard");
    assert_guarded(&csv);
    assert!(csv.contains("'=HYPERLINK("), "{csv}");
    insta::assert_snapshot!("small_soa_csv", csv);
}

#[test]
fn risk_register_csv_snapshot() {
    let analysis = compile(&small());
    let csv = emit::risk_register_csv(&analysis);
    assert_guarded(&csv);
    for guarded in ["'=HYPERLINK(", "'+Loss", "'-passwords"] {
        assert!(csv.contains(guarded), "{guarded} in {csv}");
    }
    insta::assert_snapshot!("small_risk_register_csv", csv);
}

#[test]
fn treatment_plan_of_the_small_project() {
    let analysis = compile(&small());
    let doc = ismsc_core::emit::Docs::new(&analysis).plan;
    // R-1 is treated by mfa, R-2 by backups: one action each, in risk order.
    let rows: Vec<String> = doc
        .actions
        .iter()
        .map(|a| format!("{} {:?} {:?} {:?}", a.risk, a.control, a.status, a.due))
        .collect();
    assert_eq!(
        rows,
        [
            r#"R-1 Some("mfa") Some("implemented") None"#,
            r#"R-2 Some("backups") Some("planned") Some("2027-06-30")"#,
        ]
    );
    assert_eq!(doc.summary.risks, 2);
    assert_eq!(doc.summary.actions, 2);
    assert_eq!((doc.summary.implemented, doc.summary.planned), (1, 1));
    let r2 = &doc.actions[1];
    assert_eq!(r2.control_owner.as_deref(), Some("ops"));
    assert_eq!(r2.satisfies, ["S.3"]);
    assert_eq!(r2.accepted_by.as_deref(), Some("ciso"));
    let csv = emit::csv::treatment_plan_doc_csv(&doc);
    assert_guarded(&csv);
    assert!(csv.contains("'+Loss"), "{csv}");
    insta::assert_snapshot!("small_treatment_plan_csv", csv);
}

#[test]
fn a_risk_without_controls_is_in_the_plan_with_its_treatment() {
    let analysis = crate::harness::compile_text(
        "main.isms",
        "person p \"P\" { role = \"r\" }\nrisk R-9 \"Flood\" { owner = p treatment = transfer }\n",
    );
    let doc = ismsc_core::emit::Docs::new(&analysis).plan;
    assert_eq!(doc.actions.len(), 1);
    let a = &doc.actions[0];
    assert_eq!(
        (a.risk.as_str(), a.treatment.as_deref()),
        ("R-9", Some("transfer"))
    );
    assert!(a.control.is_none() && a.status.is_none());
    assert_eq!(doc.summary.actions, 0);
}

#[test]
fn soa_table_snapshot() {
    let (code, out, err) = ismsc(&["soa", &path_str(&small()), "--today", TODAY]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("small_soa_table", out);
}

#[test]
fn risk_register_json_of_the_small_project() {
    let analysis = compile(&small());
    let doc: Value = serde_json::from_str(&emit::risk_register_json(&analysis)).expect("JSON");
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["accept_at_or_below"], 3);
    let r1 = &doc["risks"][0];
    assert_eq!(r1["id"], "R-1");
    assert_eq!(r1["inherent"]["score"], 9);
    assert_eq!(r1["residual"]["score"], 3);
    assert_eq!(r1["acceptable"], true);
    assert_eq!(r1["requires"][0], "S.2");
    assert!(r1["accepted"].is_null());
    let r2 = &doc["risks"][1];
    assert_eq!(r2["residual"]["score"], 4);
    assert_eq!(r2["acceptable"], false);
    assert_eq!(r2["accepted"]["by"], "ciso");
    assert_eq!(r2["accepted"]["on"], "2026-03-01");
    assert_eq!(r2["accepted"]["until"], "2027-03-01");
}

#[test]
fn build_is_deterministic_and_matches_soa() {
    let dir = scratch("deterministic");
    let (a, b) = (dir.join("a"), dir.join("b"));
    let project = path_str(&example("acme"));
    for out in [&a, &b] {
        let (code, _, err) = ismsc(&[
            "build",
            &project,
            "--out",
            &path_str(out),
            "--format",
            "data",
            "--today",
            TODAY,
        ]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("wrote 18 files"), "{err}");
    }
    let (fa, fb) = (files(&a), files(&b));
    let names: Vec<&str> = fa.keys().map(String::as_str).collect();
    // The data files, and the coverage of the two frameworks acme opts into.
    let mut expected = emit::BUILD_FILES.to_vec();
    expected.push(emit::write::MARKER);
    expected.extend([
        "coverage/nis2-2022.csv",
        "coverage/nis2-2022.json",
        "coverage/nist-csf-2.0.csv",
        "coverage/nist-csf-2.0.json",
    ]);
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(fa, fb, "two builds of the same project differ");

    let (code, json, _) = ismsc(&["soa", &project, "--format", "json", "--today", TODAY]);
    assert_eq!(code, 0);
    assert_eq!(json.as_bytes(), fa["soa.json"].as_slice());
    let (code, csv, _) = ismsc(&["soa", &project, "--format", "csv", "--today", TODAY]);
    assert_eq!(code, 0);
    assert_eq!(csv.as_bytes(), fa["soa.csv"].as_slice());

    // Building again into an existing output replaces it, leaving no temporary folders.
    let (code, _, err) = ismsc(&[
        "build",
        &project,
        "--out",
        &path_str(&a),
        "--format",
        "data",
        "--today",
        TODAY,
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(files(&a), fb);
    let left: Vec<String> = std::fs::read_dir(&dir)
        .expect("scratch")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "leftovers: {left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_build_leaves_the_previous_output() {
    let dir = scratch("failed");
    let out = dir.join("dist");
    let out_s = path_str(&out);
    let (code, _, err) = ismsc(&[
        "build",
        &path_str(&small()),
        "--out",
        &out_s,
        "--today",
        TODAY,
    ]);
    assert_eq!(code, 0, "{err}");
    // Warnings are printed but do not stop the build.
    for d in &compile(&small()).diagnostics {
        assert!(
            err.contains(d.code.as_str()),
            "{} not printed: {err}",
            d.code.as_str()
        );
    }
    let before = files(&out);

    let broken = repo().join("tests/emit/broken");
    let (code, stdout, err) = ismsc(&[
        "build",
        &path_str(&broken),
        "--out",
        &out_s,
        "--today",
        TODAY,
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("E0102"), "the diagnostics are printed: {err}");
    assert!(stdout.is_empty());
    assert_eq!(files(&out), before, "the previous output is untouched");
    let left = std::fs::read_dir(&dir).expect("scratch").count();
    assert_eq!(left, 1, "no temporary folder is left");

    let (code, stdout, err) = ismsc(&["soa", &path_str(&broken), "--today", TODAY]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "no SoA for a project with errors");
    assert!(err.contains("E0102"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn build_refuses_to_replace_a_folder_it_did_not_write() {
    let dir = scratch("foreign");
    let keep = dir.join("notes.txt");
    std::fs::write(&keep, "mine").expect("write");
    let (code, _, err) = ismsc(&[
        "build",
        &path_str(&small()),
        "--out",
        &path_str(&dir),
        "--today",
        TODAY,
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("was not written by ismsc") && err.contains(emit::write::MARKER),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&keep).expect("kept"), "mine");

    let (code, _, err) = ismsc(&[
        "build",
        &path_str(&small()),
        "--out",
        &path_str(&keep),
        "--today",
        TODAY,
    ]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read_to_string(&keep).expect("kept"), "mine");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn build_writes_into_dist_by_default() {
    let dir = scratch("default");
    let project = dir.join("small");
    std::fs::create_dir_all(&project).expect("mkdir");
    for f in ["isms.toml", "small.isms"] {
        std::fs::copy(small().join(f), project.join(f)).expect("copy");
    }
    // The output folder is not read back as sources: a second build writes the same files.
    let mut builds = Vec::new();
    for _ in 0..2 {
        let (code, _, err) = ismsc(&[
            "build",
            &path_str(&project),
            "--format",
            "data",
            "--today",
            TODAY,
        ]);
        assert_eq!(code, 0, "{err}");
        builds.push(files(&project.join("dist")));
    }
    assert_eq!(
        builds[0].len(),
        emit::BUILD_FILES.len() + 1,
        "the files and the marker"
    );
    assert_eq!(builds[0], builds[1]);
    let _ = std::fs::remove_dir_all(&dir);
}
