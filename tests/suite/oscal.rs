//! `oscal/` and `ismsc import oscal-catalog`.
//!
//! - every OSCAL file of every example validates against the NIST JSON schema of its model
//!   (OSCAL 1.2.1, from `../shared/schemas/oscal/v1.2.1/`; skipped with a message when
//!   `../shared` is absent);
//! - the SSP has one implemented requirement per control of the standard;
//! - the documents are internally consistent (unique UUIDs, every `#uuid` link and every
//!   party, role and component they name is declared) and two builds are byte-identical;
//! - round trip: importing the exported `catalog.json` gives back the same framework;
//! - the importer turns NIST's catalogs into `.isms` that compiles clean.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ismsc_core::emit::OutputFile;
use ismsc_core::import::oscal::{catalog, CatalogOptions, Imported};
use ismsc_core::model::Model;
use ismsc_core::Analysis;
use ismsc_publish::{BuildOptions, Output};
use serde_json::Value;

use crate::cli::ismsc;
use crate::harness::{compile, compile_text, repo, shared};

fn examples() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("examples"))
        .expect("examples/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("isms.toml").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no example projects");
    dirs
}

fn options() -> BuildOptions {
    BuildOptions {
        outputs: vec![Output::Oscal],
        ..BuildOptions::default()
    }
}

fn oscal_of(analysis: &Analysis) -> Vec<OutputFile> {
    assert!(!analysis.has_errors(), "the example has errors");
    ismsc_publish::build(analysis, &options()).expect("the example has a standard")
}

/// The OSCAL files of a project: name in `oscal/` → parsed JSON.
fn documents(project: &Path) -> BTreeMap<String, Value> {
    oscal_of(&compile(project))
        .into_iter()
        .map(|f| {
            let name = f
                .name
                .strip_prefix("oscal/")
                .unwrap_or_else(|| panic!("{} is outside oscal/", f.name))
                .to_string();
            let doc = serde_json::from_slice(&f.content)
                .unwrap_or_else(|e| panic!("{}: not JSON: {e}", f.name));
            (name, doc)
        })
        .collect()
}

/// The schema file of a document, by its top-level key.
fn schema_file(doc: &Value) -> &'static str {
    let key = doc
        .as_object()
        .and_then(|o| o.keys().next())
        .expect("one top-level key");
    match key.as_str() {
        "catalog" => "oscal_catalog_schema.json",
        "profile" => "oscal_profile_schema.json",
        "system-security-plan" => "oscal_ssp_schema.json",
        "plan-of-action-and-milestones" => "oscal_poam_schema.json",
        "mapping-collection" => "oscal_mapping_schema.json",
        "assessment-plan" => "oscal_assessment-plan_schema.json",
        "assessment-results" => "oscal_assessment-results_schema.json",
        other => panic!("unexpected OSCAL model `{other}`"),
    }
}

fn compile_schema(dir: &Path, file: &str) -> jsonschema::JSONSchema {
    let text = std::fs::read_to_string(dir.join(file)).expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::JSONSchema::options()
        .should_validate_formats(true)
        .compile(&schema)
        .unwrap_or_else(|e| panic!("{file} does not compile: {e}"))
}

fn errors(schema: &jsonschema::JSONSchema, doc: &Value) -> Vec<String> {
    match schema.validate(doc) {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect(),
    }
}

#[test]
fn every_oscal_file_validates_against_the_nist_schema() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is absent, so the OSCAL schemas are not there");
        return;
    };
    let dir = shared.join("schemas/oscal/v1.2.1");
    let mut schemas: BTreeMap<&str, jsonschema::JSONSchema> = BTreeMap::new();
    let mut checked = 0;
    for project in examples() {
        let docs = documents(&project);
        for expected in ["catalog.json", "profile.json", "ssp.json"] {
            assert!(
                docs.contains_key(expected),
                "{}: no {expected}",
                project.display()
            );
        }
        for (name, doc) in &docs {
            let file = schema_file(doc);
            let schema = schemas
                .entry(file)
                .or_insert_with(|| compile_schema(&dir, file));
            let errs = errors(schema, doc);
            assert!(
                errs.is_empty(),
                "{}: oscal/{name} does not match {file}:\n{}",
                project.display(),
                errs.join("\n")
            );
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} documents checked");

    // The validator really checks the patterns (`\p{L}` tokens, UUIDs) and the formats.
    let docs = documents(&repo().join("examples/acme"));
    let mut bad = docs["catalog.json"].clone();
    bad["catalog"]["groups"][0]["controls"][0]["id"] = "1 not a token".into();
    bad["catalog"]["uuid"] = "not-a-uuid".into();
    bad["catalog"]["metadata"]["last-modified"] = "2026-01-01".into();
    let schema = compile_schema(&dir, "oscal_catalog_schema.json");
    let errs = errors(&schema, &bad).join("\n");
    for path in [
        "/catalog/groups/0",
        "/catalog/uuid",
        "/catalog/metadata/last-modified",
    ] {
        assert!(
            errs.contains(path),
            "no error at {path} for a broken catalog:\n{errs}"
        );
    }
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map(Vec::as_slice).unwrap_or(&[])
}

#[test]
fn ssp_has_one_implemented_requirement_per_control() {
    for (project, count) in [("acme", 93), ("startup", 93), ("transition-2013", 114)] {
        let docs = documents(&repo().join("examples").join(project));
        let ssp = &docs["ssp.json"]["system-security-plan"];
        let reqs = array(&ssp["control-implementation"], "implemented-requirements");
        assert_eq!(reqs.len(), count, "{project}: implemented requirements");
        let catalog_ids: BTreeSet<&str> = all_control_ids(&docs["catalog.json"]["catalog"]);
        let mut seen = BTreeSet::new();
        for r in reqs {
            let id = r["control-id"].as_str().expect("control-id");
            assert!(
                catalog_ids.contains(id),
                "{project}: `{id}` is not in catalog.json"
            );
            assert!(seen.insert(id), "{project}: `{id}` twice");
            let by = array(r, "by-components");
            assert_eq!(by.len(), 1, "{project}: {id}: one by-component");
            let state = by[0]["implementation-status"]["state"]
                .as_str()
                .expect("state");
            assert!(
                ["implemented", "partial", "planned", "not-applicable"].contains(&state),
                "{project}: {id}: state `{state}`"
            );
        }
        assert_eq!(
            array(&ssp["system-implementation"], "components")[0]["type"],
            "this-system"
        );
    }

    // acme: A.8.30 is excluded, with its justification; A.5.15 is implemented, with reasons.
    let docs = documents(&repo().join("examples/acme"));
    let reqs = array(
        &docs["ssp.json"]["system-security-plan"]["control-implementation"],
        "implemented-requirements",
    );
    let find = |id: &str| {
        reqs.iter()
            .find(|r| r["control-id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
    };
    let excluded = &array(find("a.8.30"), "by-components")[0];
    assert_eq!(excluded["implementation-status"]["state"], "not-applicable");
    assert!(excluded["remarks"]
        .as_str()
        .is_some_and(|r| r.contains("does not outsource")));
    let included = find("a.5.15");
    let props: Vec<(&str, &str)> = array(included, "props")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or(""),
                p["value"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for expected in [
        ("label", "A.5.15"),
        ("inclusion-reason", "risk"),
        ("implemented-by", "identity-lifecycle"),
    ] {
        assert!(
            props.contains(&expected),
            "A.5.15 lacks {expected:?}: {props:?}"
        );
    }
    // the profile selects exactly the applicable controls (92 of 93)
    let profile = &docs["profile.json"]["profile"];
    let ids = array(
        &array(&array(profile, "imports")[0], "include-controls")[0],
        "with-ids",
    );
    assert_eq!(ids.len(), 92);
    assert!(!ids.iter().any(|i| i == "a.8.30"));
}

fn all_control_ids(catalog: &Value) -> BTreeSet<&str> {
    fn walk<'a>(v: &'a Value, out: &mut BTreeSet<&'a str>) {
        for c in array(v, "controls") {
            out.extend(c["id"].as_str());
            walk(c, out);
        }
        for g in array(v, "groups") {
            walk(g, out);
        }
    }
    let mut out = BTreeSet::new();
    walk(catalog, &mut out);
    out
}

/// Every value of `key` anywhere in `v`.
fn values<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k == key {
                    out.push(x);
                }
                values(x, key, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| values(x, key, out)),
        _ => {}
    }
}

fn strings<'a>(v: &'a Value, key: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    values(v, key, &mut found);
    let mut out = Vec::new();
    for f in found {
        match f {
            Value::String(s) => out.push(s.as_str()),
            Value::Array(a) => out.extend(a.iter().filter_map(Value::as_str)),
            _ => {}
        }
    }
    out
}

#[test]
fn documents_are_consistent() {
    for project in examples() {
        let docs = documents(&project);
        for (name, doc) in &docs {
            let what = format!("{}: {name}", project.display());
            // trestle rejects a document with a UUID used twice
            let uuids: Vec<&str> = strings(doc, "uuid");
            let unique: BTreeSet<&str> = uuids.iter().copied().collect();
            assert_eq!(uuids.len(), unique.len(), "{what}: a UUID is used twice");
            // `#uuid` links point at back-matter resources
            let resources: BTreeSet<&str> = strings(&doc[doc_key(doc)]["back-matter"], "uuid")
                .into_iter()
                .collect();
            for href in strings(doc, "href") {
                if let Some(target) = href.strip_prefix('#') {
                    assert!(resources.contains(target), "{what}: dangling link {href}");
                } else {
                    assert!(
                        docs.contains_key(href)
                            || href.starts_with("../site/")
                            || href.starts_with("https://")
                            || href.starts_with("http://"),
                        "{what}: href `{href}` names no file of the build"
                    );
                }
            }
            // parties and roles named are declared
            let metadata = &doc[doc_key(doc)]["metadata"];
            let parties: BTreeSet<&str> = array(metadata, "parties")
                .iter()
                .filter_map(|p| p["uuid"].as_str())
                .collect();
            let roles: BTreeSet<&str> = array(metadata, "roles")
                .iter()
                .filter_map(|r| r["id"].as_str())
                .collect();
            for key in [
                "party-uuids",
                "party-uuid",
                "actor-uuid",
                "member-of-organizations",
            ] {
                for p in strings(doc, key) {
                    assert!(parties.contains(p), "{what}: {key} {p} is not a party");
                }
            }
            for key in ["role-id", "role-ids"] {
                for r in strings(doc, key) {
                    assert!(roles.contains(r), "{what}: role `{r}` is not declared");
                }
            }
        }
        let ssp = &docs["ssp.json"]["system-security-plan"];
        let components: BTreeSet<&str> = array(&ssp["system-implementation"], "components")
            .iter()
            .filter_map(|c| c["uuid"].as_str())
            .collect();
        for c in strings(ssp, "component-uuid") {
            assert!(components.contains(c), "component {c} is not declared");
        }
        if let Some(poam) = docs.get("risks.json") {
            let poam = &poam["plan-of-action-and-milestones"];
            let risks: BTreeSet<&str> = array(poam, "risks")
                .iter()
                .filter_map(|r| r["uuid"].as_str())
                .collect();
            assert_eq!(array(poam, "poam-items").len(), risks.len());
            for r in strings(poam, "risk-uuid") {
                assert!(risks.contains(r), "poam-item names an unknown risk {r}");
            }
            // the same system as the SSP
            assert_eq!(
                poam["system-id"]["id"],
                ssp["system-characteristics"]["system-ids"][0]["id"]
            );
        }
        if let Some(mapping) = docs.get("mapping.json") {
            for m in array(&mapping["mapping-collection"], "mappings") {
                for (side, items) in [("source", "sources"), ("target", "targets")] {
                    let file = m[format!("{side}-resource")]["href"]
                        .as_str()
                        .expect("href");
                    let ids = all_control_ids(&docs[file]["catalog"]);
                    for map in array(m, "maps") {
                        for item in array(map, items) {
                            let id = item["id-ref"].as_str().expect("id-ref");
                            assert!(ids.contains(id), "{file} has no control `{id}`");
                        }
                    }
                }
            }
        }
    }
}

fn doc_key(doc: &Value) -> &str {
    doc.as_object()
        .and_then(|o| o.keys().next())
        .map(String::as_str)
        .unwrap_or("")
}

#[test]
fn risks_carry_initial_and_adjusted_ratings() {
    let docs = documents(&repo().join("examples/acme"));
    let poam = &docs["risks.json"]["plan-of-action-and-milestones"];
    let risks = array(poam, "risks");
    let r2 = risks
        .iter()
        .find(|r| {
            array(r, "props")
                .iter()
                .any(|p| p["name"] == "risk" && p["value"] == "R-002")
        })
        .expect("R-002");
    // accepted by the CEO: deviation approved, logged
    assert_eq!(r2["status"], "deviation-approved");
    assert_eq!(
        array(&r2["risk-log"], "entries")[0]["start"],
        "2026-03-10T00:00:00Z"
    );
    let facets: Vec<(String, String, String)> = array(r2, "characterizations")
        .iter()
        .flat_map(|c| array(c, "facets"))
        .map(|f| {
            (
                f["props"][0]["value"].as_str().unwrap_or("").to_string(),
                f["name"].as_str().unwrap_or("").to_string(),
                f["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for (state, name, value) in [
        ("initial", "likelihood", "possible"),
        ("initial", "impact", "severe"),
        ("initial", "score", "15"),
        ("adjusted", "likelihood", "unlikely"),
        ("adjusted", "impact", "major"),
        ("adjusted", "score", "8"),
    ] {
        assert!(
            facets.contains(&(state.into(), name.into(), value.into())),
            "R-002 lacks the {state} {name} {value}: {facets:?}"
        );
    }
    assert!(array(r2, "remediations").iter().any(|r| r["title"]
        .as_str()
        .is_some_and(|t| t.contains("Tenant isolation"))));
}

#[test]
fn builds_are_byte_identical_and_dated_by_the_isms() {
    for project in examples() {
        let first = oscal_of(&compile(&project));
        let second = oscal_of(&compile(&project));
        assert_eq!(first, second, "{}: two builds differ", project.display());
    }
    let acme = compile(&repo().join("examples/acme"));
    let docs = oscal_of(&acme);
    let ssp = docs
        .iter()
        .find(|f| f.name == "oscal/ssp.json")
        .expect("ssp.json");
    let ssp: Value = serde_json::from_slice(&ssp.content).expect("JSON");
    assert_eq!(
        ssp["system-security-plan"]["metadata"]["last-modified"], "2026-01-01T00:00:00Z",
        "the `effective` date of the isms block"
    );
    // `--timestamp` sets it, when OSCAL can take it
    for (stamp, expected) in [
        ("2026-05-04T03:02:01Z", "2026-05-04T03:02:01Z"),
        ("2026-05-04", "2026-05-04T00:00:00Z"),
        ("last tuesday", "2026-01-01T00:00:00Z"),
    ] {
        let mut stamped = options();
        stamped.timestamp = Some(stamp.into());
        let files = ismsc_publish::build(&acme, &stamped).expect("files");
        for f in &files {
            let doc: Value = serde_json::from_slice(&f.content).expect("JSON");
            assert_eq!(
                doc[doc_key(&doc)]["metadata"]["last-modified"],
                expected,
                "{} with --timestamp {stamp}",
                f.name
            );
        }
    }
}

/// The framework's structure: per requirement its id, title, groups and attributes.
type Shape = Vec<(
    String,
    String,
    Vec<(String, String)>,
    Vec<(String, Vec<String>)>,
)>;

fn shape(model: &Model, key: &str) -> Shape {
    model
        .requirements_of(key)
        .map(|(_, r)| {
            (
                r.id.clone(),
                r.title.clone(),
                r.groups.clone(),
                r.attributes.clone(),
            )
        })
        .collect()
}

fn import(json: &str, framework: Option<&str>, source: &str) -> Imported {
    catalog(
        json,
        &CatalogOptions {
            framework: framework.map(String::from),
            source: source.into(),
        },
    )
    .unwrap_or_else(|e| panic!("{source}: {e}"))
}

/// Compiles an imported framework on its own: the only finding is the missing `isms` block.
fn compile_imported(imported: &Imported, what: &str) -> Analysis {
    let analysis = compile_text("imported.isms", &imported.text);
    let other: Vec<&str> = analysis
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .filter(|c| *c != "E0109")
        .collect();
    assert!(
        other.is_empty(),
        "{what}: the imported framework does not compile clean: {other:?}\n{}",
        imported.text
    );
    analysis
}

#[test]
fn importing_the_exported_catalog_gives_back_the_framework() {
    for project in examples() {
        let analysis = compile(&project);
        let files = oscal_of(&analysis);
        for f in files.iter().filter(|f| f.name.starts_with("oscal/catalog")) {
            let json = String::from_utf8_lossy(&f.content);
            let doc: Value = serde_json::from_str(&json).expect("JSON");
            let original = doc["catalog"]["metadata"]["props"][0]["value"]
                .as_str()
                .expect("the framework property")
                .to_string();
            // the key written by ismsc comes back by default
            assert_eq!(import(&json, None, &f.name).key, original);
            let imported = import(&json, Some("roundtrip:1"), &f.name);
            assert!(imported.ids_from_labels);
            let back = compile_imported(&imported, &f.name);
            let expected = shape(&analysis.model, &original);
            assert!(!expected.is_empty());
            assert_eq!(
                shape(&back.model, "roundtrip:1"),
                expected,
                "{}: {} does not round-trip",
                project.display(),
                f.name
            );
        }
    }
}

#[test]
fn mixed_groups_and_an_own_standard_round_trip() {
    // A group that holds requirements and groups, requirements outside any group, and ids that
    // differ only in case: OSCAL groups hold either groups or controls, so the exporter wraps
    // runs of requirements, and the importer dissolves the wrappers.
    let text = r#"
isms "Mixed" {
  organization = "Mixed Ltd"
  standard     = mix:1
}
framework mix:1 "Mixed catalogue" {
  requirement TOP.1 "Top first" {}
  group G "Group" {
    requirement G.1 "Direct one" { level = [low, "very high"] }
    group G.SUB "Sub" {
      requirement g.1 "Same id in lower case" {}
    }
    requirement G.2 "Direct two" {}
  }
  requirement TOP.2 "Top last" {}
}
"#;
    let analysis = compile_text("mixed.isms", text);
    let files = ismsc_publish::build(&analysis, &options()).expect("a standard");
    let catalog_file = files
        .iter()
        .find(|f| f.name == "oscal/catalog.json")
        .expect("catalog.json");
    let json = String::from_utf8_lossy(&catalog_file.content);
    if let Some(shared) = shared() {
        let schema = compile_schema(
            &shared.join("schemas/oscal/v1.2.1"),
            "oscal_catalog_schema.json",
        );
        let doc: Value = serde_json::from_str(&json).expect("JSON");
        let errs = errors(&schema, &doc);
        assert!(errs.is_empty(), "{}\n{json}", errs.join("\n"));
        let ids = all_control_ids(&doc["catalog"]);
        assert!(ids.contains("g.1") && ids.contains("g.1-2"), "{ids:?}");
    }
    let imported = import(&json, Some("mix-back:1"), "catalog.json");
    let back = compile_imported(&imported, "mixed");
    assert_eq!(
        shape(&back.model, "mix-back:1"),
        shape(&analysis.model, "mix:1")
    );
}

#[test]
fn importer_reads_nist_catalogs() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is absent, so NIST's catalogs are not there");
        return;
    };
    let data = shared.join("data/oscal-content");
    for (file, requirements, groups) in [
        ("basic-catalog.json", 4, 4),
        (
            "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog-min.json",
            287,
            18,
        ),
    ] {
        let json = std::fs::read_to_string(data.join(file)).expect("catalog");
        let imported = import(&json, None, file);
        assert_eq!(imported.requirements, requirements, "{file}");
        assert_eq!(imported.groups, groups, "{file}");
        let analysis = compile_imported(&imported, file);
        let reqs = shape(&analysis.model, &imported.key);
        assert_eq!(
            reqs.len(),
            requirements,
            "{file}: requirements in the model"
        );
        if file.starts_with("NIST_SP") {
            let ac21 = reqs
                .iter()
                .find(|r| r.0 == "ac-2.1")
                .expect("the enhancement ac-2.1");
            assert_eq!(ac21.1, "Automated System Account Management");
            assert_eq!(
                ac21.2,
                vec![("ac".to_string(), "Access Control".to_string())]
            );
            assert!(ac21.3.contains(&("parent".into(), vec!["ac-2".into()])));
            assert!(ac21.3.contains(&("label".into(), vec!["AC-2(1)".into()])));
        }
    }
}

#[test]
fn import_command_line() {
    let dir = std::env::temp_dir().join(format!("ismsc-oscal-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p.to_string_lossy().into_owned()
    };
    let malformed = write("malformed.json", "{\"catalog\": {\"groups\": [");
    let (code, out, err) = ismsc(&["import", "oscal-catalog", &malformed]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("is not valid JSON"), "{err}");

    let profile = write("profile.json", "{\"profile\": {}}");
    let (code, _, err) = ismsc(&["import", "oscal-catalog", &profile]);
    assert_eq!(code, 2);
    assert!(err.contains("is an OSCAL profile, not a catalog"), "{err}");

    let missing = dir.join("missing.json").to_string_lossy().into_owned();
    assert_eq!(ismsc(&["import", "oscal-catalog", &missing]).0, 2);

    let good = write(
        "good.json",
        r#"{"catalog": {"uuid": "x", "metadata": {"title": "Tiny \"quoted\" catalog"},
            "controls": [{"id": "t-1", "title": "First"}]}}"#,
    );
    assert_eq!(
        ismsc(&["import", "oscal-catalog", &good, "--framework", "not a key"]).0,
        2
    );
    let (code, out, _) = ismsc(&["import", "oscal-catalog", &good]);
    assert_eq!(code, 0);
    assert!(
        out.contains("framework tiny-quoted-catalog:1 \"Tiny \\\"quoted\\\" catalog\" {"),
        "{out}"
    );
    let target = dir.join("tiny.isms");
    let (code, out, err) = ismsc(&[
        "import",
        "oscal-catalog",
        &good,
        "--framework",
        "tiny:2",
        "--out",
        &target.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("1 requirement in 0 groups"), "{err}");
    let text = std::fs::read_to_string(&target).expect("written");
    assert!(text.contains("requirement t-1 \"First\" {}"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The audit programme as an assessment plan, the audits performed and their findings as
/// assessment results: valid against the NIST schemas, and saying what the sources say.
#[test]
fn audits_are_assessment_results_that_validate() {
    let project = repo().join("tests/ui/pass/records");
    let docs = documents(&project);
    let plan = &docs["assessment-plan.json"]["assessment-plan"];
    let results = &docs["assessment-results.json"]["assessment-results"];
    // Every audit is a task of the plan, at its date; the results import the plan.
    let tasks = array(plan, "tasks");
    assert_eq!(tasks.len(), 3);
    assert_eq!(
        tasks[2]["timing"]["on-date"]["date"],
        "2027-03-08T00:00:00Z"
    );
    assert_eq!(plan["import-ssp"]["href"], "ssp.json");
    assert_eq!(results["import-ap"]["href"], "assessment-plan.json");
    // One result per audit performed (the one planned for 2027 has none).
    let rs = array(results, "results");
    assert_eq!(rs.len(), 2);
    assert_eq!(rs[0]["start"], "2026-03-10T00:00:00Z");
    // The first audit covered clauses only: no control, and the clauses as properties.
    let sel = &array(&rs[0]["reviewed-controls"], "control-selections")[0];
    assert!(sel["include-all"].is_object());
    assert_eq!(
        array(sel, "exclude-controls").len(),
        3,
        "every control, less every control"
    );
    assert_eq!(array(sel, "props").len(), 7, "clauses 4 to 10");
    // The second covered M.2 and, through `mfa`, M.1.
    let sel = &array(&rs[1]["reviewed-controls"], "control-selections")[0];
    let ids: Vec<&str> = array(sel, "include-controls")
        .iter()
        .filter_map(|c| c["control-id"].as_str())
        .collect();
    assert_eq!(ids, ["m.1", "m.2"]);
    // The findings of the first audit: the minor nonconformity against M.1 is not
    // satisfied; the opportunity for improvement is.
    let findings = array(&rs[0], "findings");
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0]["target"]["target-id"], "m.1");
    assert_eq!(findings[0]["target"]["status"]["state"], "not-satisfied");
    assert_eq!(findings[1]["target"]["status"]["state"], "satisfied");
    assert!(findings[0]["remarks"]
        .as_str()
        .is_some_and(|r| r.contains("Root cause: The enrolment campaign")));

    let Some(shared) = shared() else {
        eprintln!("skipped the schema check: ../shared is absent");
        return;
    };
    let dir = shared.join("schemas/oscal/v1.2.1");
    for name in ["assessment-plan.json", "assessment-results.json"] {
        let doc = &docs[name];
        let file = schema_file(doc);
        let errs = errors(&compile_schema(&dir, file), doc);
        assert!(errs.is_empty(), "oscal/{name}:\n{}", errs.join("\n"));
    }
}
