//! CI output and set-ups: paths relative to the repository root in every format, SARIF
//! against the SARIF 2.1.0 schema, GitHub annotations and the JUnit report (snapshots, and
//! the JUnit schema), and the command lines of `action.yml`, `.pre-commit-hooks.yaml`, the
//! files `ismsc init` writes and `docs/ci.md`, run against real projects.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use serde_yaml::Value as Yaml;

use crate::cli::ismsc;
use crate::harness::{path_str, repo, scratch};
use crate::init::init;

/// The CI fixture project (an error in each of two files, a warning, two undecided controls).
fn fixture() -> PathBuf {
    repo().join("tests/ci/project")
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

/// A git work tree (a `.git` folder is all it takes) with a copy of `project` at
/// `compliance/isms`; returns (repository root, project folder).
fn repo_with(name: &str, project: &Path) -> (PathBuf, PathBuf) {
    let root = scratch(name);
    std::fs::create_dir_all(root.join(".git")).expect("mkdir .git");
    let dir = root.join("compliance/isms");
    copy_dir(project, &dir);
    (root, dir)
}

fn check(project: &Path, format: &str, extra: &[&str]) -> (u8, String, String) {
    let p = path_str(project);
    let mut args = vec![
        "check",
        p.as_str(),
        "--format",
        format,
        "--today",
        "2026-11-22",
    ];
    args.extend(extra);
    ismsc(&args)
}

#[test]
fn every_format_names_files_from_the_repository_root() {
    let (root, dir) = repo_with("paths", &fixture());
    let prefix = "compliance/isms/";
    let (code, _, human) = check(&dir, "human", &[]);
    assert_eq!(code, 1);
    assert!(
        human.contains(&format!("╭─[{prefix}risks.isms:12:22]")),
        "{human}"
    );
    assert!(!human.contains("─[risks.isms"), "{human}");

    let (_, short, _) = check(&dir, "short", &[]);
    for line in short.lines() {
        assert!(
            line.split(' ')
                .nth(2)
                .is_some_and(|f| f.starts_with(prefix)),
            "{line}"
        );
    }

    let (_, json, _) = check(&dir, "json", &[]);
    let doc: Value = serde_json::from_str(&json).expect("JSON");
    for d in doc["diagnostics"].as_array().expect("diagnostics") {
        assert!(
            d["file"].as_str().is_some_and(|f| f.starts_with(prefix)),
            "{d}"
        );
        for l in d["labels"].as_array().expect("labels") {
            assert!(
                l["file"].as_str().is_some_and(|f| f.starts_with(prefix)),
                "{l}"
            );
        }
    }

    let (_, sarif, _) = check(&dir, "sarif", &[]);
    let doc: Value = serde_json::from_str(&sarif).expect("SARIF");
    let run = &doc["runs"][0];
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("base uri");
    let real_root = root.canonicalize().expect("canonical root");
    assert_eq!(base, format!("file://{}/", path_str(&real_root)));
    let mut related = 0;
    for r in run["results"].as_array().expect("results") {
        let locations = r["locations"].as_array().into_iter().flatten();
        let others = r["relatedLocations"].as_array().into_iter().flatten();
        for l in locations.chain(others) {
            let uri = l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri");
            assert!(uri.starts_with(prefix), "{uri}");
            assert_eq!(
                l["physicalLocation"]["artifactLocation"]["uriBaseId"],
                "%SRCROOT%"
            );
        }
        related += r["relatedLocations"].as_array().map_or(0, Vec::len);
        assert!(r["partialFingerprints"]["ismsc/v1"]
            .as_str()
            .is_some_and(|f| f.len() == 16));
    }
    assert!(
        related > 0,
        "the fixture has a finding with a label in another file"
    );

    let (_, github, _) = check(&dir, "github", &[]);
    for line in github.lines().filter(|l| l.starts_with("::")) {
        assert!(
            line.contains(&format!("file={}", prefix.replace(',', "%2C"))),
            "{line}"
        );
    }

    let (_, junit, _) = check(&dir, "junit", &[]);
    let xml = roxmltree::Document::parse(&junit).expect("XML");
    for case in xml.descendants().filter(|n| n.has_tag_name("testcase")) {
        assert!(case
            .attribute("classname")
            .is_some_and(|c| c.starts_with(prefix)));
    }

    // `--path-base` the project folder: paths relative to the project again.
    let (_, short, _) = check(&dir, "short", &["--path-base", &path_str(&dir)]);
    assert!(short.contains(" risks.isms:12:22 "), "{short}");
    // A base that does not hold the project is a usage error.
    let elsewhere = scratch("paths-elsewhere");
    let (code, _, err) = check(&dir, "short", &["--path-base", &path_str(&elsewhere)]);
    assert_eq!(code, 2);
    assert!(
        err.contains("is not inside the `--path-base` folder"),
        "{err}"
    );
}

/// A finding's fingerprint does not move with its line; a changed message changes it.
#[test]
fn sarif_fingerprints_survive_moved_lines() {
    let (_, dir) = repo_with("fingerprints", &fixture());
    let fingerprints = |dir: &Path| -> BTreeMap<String, String> {
        let (_, sarif, _) = check(dir, "sarif", &[]);
        let doc: Value = serde_json::from_str(&sarif).expect("SARIF");
        doc["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                (
                    r["message"]["text"].as_str().unwrap_or("").to_string(),
                    r["partialFingerprints"]["ismsc/v1"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                )
            })
            .collect()
    };
    let before = fingerprints(&dir);
    let risks = dir.join("risks.isms");
    let text = std::fs::read_to_string(&risks).expect("read");
    std::fs::write(&risks, format!("// a new first line\n\n{text}")).expect("write");
    assert_eq!(fingerprints(&dir), before);
    let values: std::collections::BTreeSet<&String> = before.values().collect();
    assert_eq!(
        values.len(),
        before.len(),
        "distinct findings, distinct fingerprints"
    );
}

fn sarif_schema() -> jsonschema::JSONSchema {
    let text = std::fs::read_to_string(repo().join("tests/schemas/sarif-schema-2.1.0.json"))
        .expect("the SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("JSON schema");
    jsonschema::JSONSchema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .compile(&schema)
        .expect("the SARIF schema compiles")
}

fn schema_errors(schema: &jsonschema::JSONSchema, doc: &Value) -> Vec<String> {
    match schema.validate(doc) {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect(),
    }
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let schema = sarif_schema();
    let starter = scratch("sarif-starter").join("isms");
    init(&starter, &[]);
    let (_, fixture_dir) = repo_with("sarif", &fixture());
    let clean = repo().join("examples/startup");
    for project in [fixture_dir, starter, clean] {
        let (_, sarif, _) = check(&project, "sarif", &[]);
        let doc: Value = serde_json::from_str(&sarif).expect("SARIF");
        let errors = schema_errors(&schema, &doc);
        assert!(errors.is_empty(), "{}: {errors:#?}", project.display());
        assert!(doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].is_string());
    }
    // The schema is not a formality: a broken log fails it.
    let (_, sarif, _) = check(&fixture(), "sarif", &[]);
    let mut broken: Value = serde_json::from_str(&sarif).expect("SARIF");
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!schema_errors(&schema, &broken).is_empty());
}

#[test]
fn github_annotations() {
    let base = path_str(&repo());
    let (code, out, _) = check(&fixture(), "github", &["--path-base", &base]);
    assert_eq!(code, 1);
    // One line per finding, the two undecided controls as one annotation.
    assert_eq!(
        out.lines().filter(|l| l.starts_with("::error ")).count(),
        4,
        "{out}"
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("::warning ")).count(),
        1,
        "{out}"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn junit_report() {
    let base = path_str(&repo());
    let (code, out, _) = check(&fixture(), "junit", &["--path-base", &base]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn junit_validates_against_the_common_junit_schema() {
    let xsd = std::fs::read_to_string(repo().join("tests/schemas/junit-10.xsd")).expect("XSD");
    let schema = Xsd::parse(&xsd);
    let starter = scratch("junit-starter").join("isms");
    init(&starter, &[]);
    for project in [fixture(), starter, repo().join("examples/startup")] {
        let (_, xml, _) = check(&project, "junit", &[]);
        let errors = schema.validate(&xml);
        assert!(
            errors.is_empty(),
            "{}: {errors:#?}\n{xml}",
            project.display()
        );
        let doc = roxmltree::Document::parse(&xml).expect("XML");
        let suite = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite"))
            .expect("a testsuite");
        let cases = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .count();
        assert_eq!(suite.attribute("tests"), Some(cases.to_string().as_str()));
    }
    // A clean project is one passing case.
    let (code, xml, _) = check(&repo().join("examples/startup"), "junit", &[]);
    assert_eq!(code, 0);
    assert!(xml.contains("<testcase classname=\"ismsc check startup\" name=\"ismsc check\"/>"));
    // The validator is not a formality.
    let bad = "<testsuites><testsuite name=\"x\" tests=\"1\" failures=\"0\"><testcase/></testsuite></testsuites>";
    assert_eq!(schema.validate(bad).len(), 2, "{:?}", schema.validate(bad));
}

/// The part of XML Schema that `junit-10.xsd` uses: global elements with a complex type
/// (attributes, required or not; child elements by reference, in sequences and choices that
/// the schema makes unordered and unbounded; mixed content) or a simple string type, and a
/// named complex type. Order and counts of children are not checked: every content model of
/// the schema is a repeatable choice (or a sequence of optional items), so any order passes.
struct Xsd {
    elements: BTreeMap<String, Decl>,
}

#[derive(Clone, Debug, Default)]
struct Decl {
    attributes: BTreeMap<String, (bool, String)>,
    children: Vec<String>,
    text: bool,
}

impl Xsd {
    fn parse(text: &str) -> Xsd {
        let doc = roxmltree::Document::parse(text).expect("the XSD is XML");
        let root = doc.root_element();
        let mut types: BTreeMap<String, Decl> = BTreeMap::new();
        for t in root.children().filter(|n| n.has_tag_name("complexType")) {
            types.insert(
                t.attribute("name").unwrap_or("").to_string(),
                Self::complex(t),
            );
        }
        let mut elements = BTreeMap::new();
        for e in root.children().filter(|n| n.has_tag_name("element")) {
            let name = e.attribute("name").expect("a named element").to_string();
            let decl = match (
                e.attribute("type"),
                e.children().find(|n| n.has_tag_name("complexType")),
            ) {
                (_, Some(ct)) => Self::complex(ct),
                (Some("xs:string"), None) => Decl {
                    text: true,
                    ..Decl::default()
                },
                (Some(t), None) => types
                    .get(t)
                    .cloned()
                    .unwrap_or_else(|| panic!("unknown type {t}")),
                (None, None) => Decl::default(),
            };
            elements.insert(name, decl);
        }
        Xsd { elements }
    }

    fn complex(ct: roxmltree::Node) -> Decl {
        let mut decl = Decl {
            text: ct.attribute("mixed") == Some("true"),
            ..Decl::default()
        };
        for n in ct.descendants() {
            if n.has_tag_name("attribute") {
                decl.attributes.insert(
                    n.attribute("name").unwrap_or("").to_string(),
                    (
                        n.attribute("use") == Some("required"),
                        n.attribute("type").unwrap_or("xs:string").to_string(),
                    ),
                );
            } else if n.has_tag_name("element") {
                let name = n.attribute("ref").or(n.attribute("name")).unwrap_or("");
                decl.children.push(name.to_string());
            }
        }
        decl
    }

    fn validate(&self, xml: &str) -> Vec<String> {
        let doc = match roxmltree::Document::parse(xml) {
            Ok(d) => d,
            Err(e) => return vec![format!("not XML: {e}")],
        };
        let mut errors = Vec::new();
        self.element(doc.root_element(), &mut errors);
        errors
    }

    fn element(&self, node: roxmltree::Node, errors: &mut Vec<String>) {
        let name = node.tag_name().name();
        let Some(decl) = self.elements.get(name) else {
            errors.push(format!("<{name}> is not declared"));
            return;
        };
        for a in node.attributes() {
            match decl.attributes.get(a.name()) {
                None => errors.push(format!("<{name}> has no attribute `{}`", a.name())),
                Some((_, ty)) if ty != "xs:string" => errors.push(format!(
                    "<{name} {}>: type {ty} is not checked here",
                    a.name()
                )),
                Some(_) => {}
            }
        }
        for (attr, (required, _)) in &decl.attributes {
            if *required && node.attribute(attr.as_str()).is_none() {
                errors.push(format!("<{name}> lacks the required attribute `{attr}`"));
            }
        }
        for child in node.children() {
            if child.is_element() {
                let c = child.tag_name().name();
                if !decl.children.iter().any(|k| k == c) {
                    errors.push(format!("<{c}> is not allowed in <{name}>"));
                }
                self.element(child, errors);
            } else if child.is_text() && !decl.text && !child.text().unwrap_or("").trim().is_empty()
            {
                errors.push(format!("<{name}> holds text"));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// action.yml, run as GitHub would, with `cargo`, `ismsc` and `gh` replaced by recorders whose
// `ismsc` calls are then replayed through the real command line.

/// What a run of the action did.
#[derive(Debug, Default)]
struct ActionRun {
    /// Each `cargo` call's arguments.
    cargo: Vec<Vec<String>>,
    /// Each `ismsc` call: (working folder, arguments).
    ismsc: Vec<(PathBuf, Vec<String>)>,
    /// Each `gh` call's arguments.
    gh: Vec<Vec<String>>,
    /// Each `uses:` step that ran: (action, evaluated `with`).
    uses: Vec<(String, BTreeMap<String, String>)>,
    /// What the steps added to the PATH.
    path: Vec<String>,
}

/// Evaluates `${{ … }}` in `text`.
fn interpolate(text: &str, ctx: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("closed expression") + start;
        out.push_str(&evaluate(rest[start + 3..end].trim(), ctx));
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The expressions the action and the starter workflow use: a context value, or a comparison
/// of one with a string literal. Anything else fails the test, so the files stay in the
/// subset this test can run.
fn evaluate(expr: &str, ctx: &BTreeMap<String, String>) -> String {
    let value = |e: &str| -> String {
        let e = e.trim();
        if let Some(lit) = e.strip_prefix('\'').and_then(|e| e.strip_suffix('\'')) {
            return lit.to_string();
        }
        ctx.get(e)
            .cloned()
            .unwrap_or_else(|| panic!("the test cannot evaluate `{e}`"))
    };
    for (op, eq) in [("==", true), ("!=", false)] {
        if let Some((a, b)) = expr.split_once(op) {
            return ((value(a) == value(b)) == eq).to_string();
        }
    }
    value(expr)
}

/// Runs the steps of `action.yml` in `workspace` with `inputs`, on a push.
fn run_action(workspace: &Path, inputs: &[(&str, &str)], scratch_dir: &Path) -> ActionRun {
    run_action_on(workspace, inputs, &[], scratch_dir)
}

/// Runs the steps of `action.yml` in `workspace` with `inputs` and these values of the
/// `github` context (by default a push: no pull request).
fn run_action_on(
    workspace: &Path,
    inputs: &[(&str, &str)],
    github: &[(&str, &str)],
    scratch_dir: &Path,
) -> ActionRun {
    let text = std::fs::read_to_string(repo().join("action.yml")).expect("action.yml");
    let action: Yaml = serde_yaml::from_str(&text).expect("action.yml is YAML");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let mut ctx: BTreeMap<String, String> = BTreeMap::new();
    for (name, input) in action["inputs"].as_mapping().expect("inputs") {
        let name = name.as_str().expect("input name");
        assert!(
            input["description"].is_string(),
            "input {name} has a description"
        );
        let default = match &input["default"] {
            Yaml::String(s) => s.clone(),
            Yaml::Null => String::new(),
            other => panic!("default of {name} must be a string: {other:?}"),
        };
        ctx.insert(format!("inputs.{name}"), default);
    }
    for (k, v) in inputs {
        assert!(
            ctx.contains_key(&format!("inputs.{k}")),
            "the action has no input {k}"
        );
        ctx.insert(format!("inputs.{k}"), (*v).to_string());
    }
    ctx.insert("github.token".into(), "a-token".into());
    ctx.insert("github.event.pull_request.number".into(), String::new());
    for (k, v) in github {
        ctx.insert(format!("github.{k}"), (*v).to_string());
    }
    let bin = scratch_dir.join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir bin");
    let log = scratch_dir.join("calls.log");
    for tool in ["cargo", "ismsc", "gh"] {
        let shim = bin.join(tool);
        std::fs::write(
            &shim,
            format!(
                "#!/bin/sh\n{{ printf '%s' \"{tool}\"; printf '\\037%s' \"$PWD\" \"$@\"; printf '\\n'; }} >> '{}'\n",
                path_str(&log)
            ),
        )
        .expect("write shim");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }
    let home = scratch_dir.join("home");
    std::fs::create_dir_all(&home).expect("mkdir home");
    let mut run = ActionRun::default();
    for (i, step) in action["runs"]["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .enumerate()
    {
        if let Some(cond) = step["if"].as_str() {
            if evaluate(cond, &ctx) != "true" {
                continue;
            }
        }
        let id = step["id"].as_str().map(String::from);
        if let Some(uses) = step["uses"].as_str() {
            let mut with = BTreeMap::new();
            if let Some(map) = step["with"].as_mapping() {
                for (k, v) in map {
                    let v = match v {
                        Yaml::String(s) => s.clone(),
                        other => serde_yaml::to_string(other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    with.insert(k.as_str().unwrap_or("").to_string(), interpolate(&v, &ctx));
                }
            }
            if uses.starts_with("actions/cache@") {
                // A first run: nothing in the cache.
                if let Some(id) = &id {
                    ctx.insert(format!("steps.{id}.outputs.cache-hit"), "false".into());
                }
            }
            run.uses.push((uses.to_string(), with));
            continue;
        }
        let script = step["run"]
            .as_str()
            .unwrap_or_else(|| panic!("step {i} runs nothing"));
        assert_eq!(
            step["shell"].as_str(),
            Some("bash"),
            "a composite step names its shell"
        );
        let script_file = scratch_dir.join(format!("step-{i}.sh"));
        std::fs::write(&script_file, interpolate(script, &ctx)).expect("write script");
        let output = scratch_dir.join(format!("step-{i}.output"));
        let path_file = scratch_dir.join(format!("step-{i}.path"));
        let mut cmd = std::process::Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .current_dir(workspace)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    path_str(&bin),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("HOME", &home)
            .env("RUNNER_OS", "Linux")
            .env("GITHUB_ACTION_PATH", repo())
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_PATH", &path_file)
            .env("GITHUB_REPOSITORY", "acme/isms")
            .env("GITHUB_STEP_SUMMARY", scratch_dir.join("summary.md"))
            .env("RUNNER_TEMP", scratch_dir);
        if let Some(env) = step["env"].as_mapping() {
            for (k, v) in env {
                let v = v.as_str().unwrap_or("");
                cmd.env(k.as_str().unwrap_or(""), interpolate(v, &ctx));
            }
        }
        let result = cmd.output().expect("bash runs");
        assert!(
            result.status.success(),
            "step {i} failed: {}",
            String::from_utf8_lossy(&result.stderr)
        );
        if let (Some(id), Ok(text)) = (&id, std::fs::read_to_string(&output)) {
            for line in text.lines() {
                if let Some((k, v)) = line.split_once('=') {
                    ctx.insert(format!("steps.{id}.outputs.{k}"), v.to_string());
                }
            }
        }
        if let Ok(text) = std::fs::read_to_string(&path_file) {
            run.path.extend(text.lines().map(String::from));
        }
    }
    for line in std::fs::read_to_string(&log).unwrap_or_default().lines() {
        let mut parts = line.split('\u{1f}').map(String::from);
        let tool = parts.next().unwrap_or_default();
        let cwd = PathBuf::from(parts.next().unwrap_or_default());
        let args: Vec<String> = parts.collect();
        match tool.as_str() {
            "cargo" => run.cargo.push(args),
            "gh" => run.gh.push(args),
            _ => run.ismsc.push((cwd, args)),
        }
    }
    run
}

/// Replays an `ismsc` call through the real command line, from its working folder.
fn replay(cwd: &Path, args: &[String]) -> (u8, String, String) {
    let mut args: Vec<String> = args.to_vec();
    // The project argument is relative to the working folder of the step (after `--since
    // REV` for `ismsc diff`).
    for p in args.iter_mut().skip(1) {
        if !p.starts_with('-')
            && Path::new(p.as_str()).is_relative()
            && cwd.join(p.as_str()).exists()
        {
            *p = path_str(&cwd.join(p.as_str()));
        }
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    ismsc(&refs)
}

#[cfg(unix)]
#[test]
fn the_action_runs_as_written() {
    // A clean project (the startup example), checked and built.
    let (workspace, _) = repo_with("action", &repo().join("examples/startup"));
    let tmp = scratch("action-run");
    let run = run_action(
        &workspace,
        &[
            ("project", "compliance/isms"),
            ("build", "true"),
            ("today", "2026-11-22"),
        ],
        &tmp,
    );
    // ismsc is installed from the action's own checkout, locked, into a cached folder.
    assert_eq!(run.cargo.len(), 1, "{run:?}");
    let install = &run.cargo[0];
    let at = |flag: &str| {
        install
            .iter()
            .position(|a| a == flag)
            .and_then(|i| install.get(i + 1))
    };
    assert_eq!(install.first().map(String::as_str), Some("install"));
    assert!(install.iter().any(|a| a == "--locked"));
    let path = PathBuf::from(at("--path").expect("--path"));
    let manifest = std::fs::read_to_string(path.join("Cargo.toml")).expect("the package exists");
    assert!(manifest.contains("name = \"ismsc\"") && manifest.contains("[[bin]]"));
    let root = at("--root").expect("--root");
    assert!(run.path.contains(&format!("{root}/bin")), "{run:?}");
    let cache = run
        .uses
        .iter()
        .find(|(u, _)| u.starts_with("actions/cache@"))
        .expect("cache");
    assert!(cache.1["key"].starts_with("ismsc-Linux-"), "{cache:?}");
    assert!(root.ends_with(".ismsc") && cache.1["path"] == "~/.ismsc");

    // check with annotations, then build; both succeed on the clean project.
    let calls: Vec<&Vec<String>> = run.ismsc.iter().map(|(_, a)| a).collect();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[0][..4],
        ["check", "compliance/isms", "--format", "github"]
    );
    assert!(calls[0].ends_with(&["--today".into(), "2026-11-22".into()]));
    assert_eq!(calls[1][..2], ["build", "compliance/isms"]);
    for (cwd, args) in &run.ismsc {
        let (code, out, err) = replay(cwd, args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
    // The upload names the folder the build wrote.
    let upload = run
        .uses
        .iter()
        .find(|(u, _)| u.starts_with("actions/upload-artifact@"))
        .expect("upload");
    assert_eq!(upload.1["name"], "isms-documents");
    let dist = workspace.join(&upload.1["path"]);
    assert!(dist.join("soa.json").is_file(), "{}", dist.display());

    // Without `build`, only the check runs; `deny-warnings` is passed on.
    let tmp = scratch("action-run-2");
    let run = run_action(
        &workspace,
        &[("project", "compliance/isms"), ("deny-warnings", "true")],
        &tmp,
    );
    let calls: Vec<&Vec<String>> = run.ismsc.iter().map(|(_, a)| a).collect();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].contains(&"--deny-warnings".to_string()));
    assert!(!run
        .uses
        .iter()
        .any(|(u, _)| u.starts_with("actions/upload-artifact@")));

    // The starter's workflow drives the action: a pull request checks, and the findings of
    // the new project are annotations.
    let repo_dir = scratch("action-starter");
    std::fs::create_dir_all(repo_dir.join(".git")).expect("mkdir .git");
    init(&repo_dir.join("compliance/isms"), &[]);
    let workflow =
        std::fs::read_to_string(repo_dir.join(".github/workflows/isms.yml")).expect("workflow");
    let workflow: Yaml = serde_yaml::from_str(&workflow).expect("YAML");
    let step = &workflow["jobs"]["isms"]["steps"][1];
    assert!(step["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("ismsc/ismsc@")));
    for (event, builds) in [("pull_request", false), ("push", true)] {
        let mut ctx = BTreeMap::new();
        ctx.insert("github.event_name".to_string(), event.to_string());
        let base = if event == "pull_request" {
            "0123abc"
        } else {
            ""
        };
        ctx.insert(
            "github.event.pull_request.base.sha".to_string(),
            base.to_string(),
        );
        let inputs: Vec<(String, String)> = step["with"]
            .as_mapping()
            .expect("with")
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().unwrap_or("").to_string(),
                    interpolate(v.as_str().unwrap_or(""), &ctx),
                )
            })
            .collect();
        let inputs: Vec<(&str, &str)> = inputs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let tmp = scratch(&format!("action-starter-{event}"));
        let run = run_action(&repo_dir, &inputs, &tmp);
        assert_eq!(
            run.ismsc.iter().any(|(_, a)| a[0] == "build"),
            builds,
            "{event}"
        );
        // A pull request is compared with its base first; the check follows.
        let diffs = run.ismsc.iter().filter(|(_, a)| a[0] == "diff").count();
        assert_eq!(diffs, usize::from(event == "pull_request"), "{event}");
        let (cwd, args) = run
            .ismsc
            .iter()
            .find(|(_, a)| a[0] == "check")
            .expect("a check");
        let (code, out, _) = replay(cwd, args);
        assert_eq!(code, 1);
        assert!(
            out.starts_with("::error file=compliance/isms/applicability.isms,"),
            "{out}"
        );
        assert!(
            out.contains("93 Annex A controls have no decision"),
            "{out}"
        );
    }
}

/// On a pull request with `diff-base`, the action compares the project with the base commit,
/// puts the markdown in the job summary and posts it as the one comment of the pull request
/// (found by its marker, so later runs update it); the `ismsc diff` call works as written.
#[cfg(unix)]
#[test]
fn the_action_comments_what_changed() {
    use crate::harness::{git, have_git};
    if !have_git("the_action_comments_what_changed") {
        return;
    }
    let workspace = scratch("action-diff");
    let project = workspace.join("compliance/isms");
    copy_dir(&repo().join("examples/startup"), &project);
    assert!(git(&workspace, &["init", "-q"]));
    assert!(git(&workspace, &["add", "-A"]));
    assert!(git(&workspace, &["commit", "-q", "-m", "Baseline"]));
    let risks = project.join("risks.isms");
    let text = std::fs::read_to_string(&risks).expect("read");
    std::fs::write(
        &risks,
        text.replacen(
            "residual      { likelihood = possible  impact = minor }",
            "residual      { likelihood = unlikely  impact = minor }",
            1,
        ),
    )
    .expect("write");
    assert!(git(
        &workspace,
        &["commit", "-q", "-am", "Lower a residual risk"]
    ));
    let tmp = scratch("action-diff-run");
    let run = run_action_on(
        &workspace,
        &[
            ("project", "compliance/isms"),
            ("diff-base", "HEAD~1"),
            ("today", "2026-11-22"),
        ],
        &[
            ("event_name", "pull_request"),
            ("event.pull_request.number", "7"),
        ],
        &tmp,
    );
    let calls: Vec<&Vec<String>> = run.ismsc.iter().map(|(_, a)| a).collect();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[0][..6],
        [
            "diff",
            "--since",
            "HEAD~1",
            "compliance/isms",
            "--format",
            "markdown"
        ]
    );
    assert_eq!(calls[1][0], "check");
    let (cwd, args) = &run.ismsc[0];
    let (code, out, err) = replay(cwd, args);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("<!-- ismsc diff -->\n"), "{out}");
    assert!(out.contains("Risks: 1 residual down"), "{out}");
    // The comment: looked for by its marker, then posted (no earlier comment here).
    assert_eq!(run.gh.len(), 2, "{:?}", run.gh);
    assert_eq!(run.gh[0][..2], ["api", "repos/acme/isms/issues/7/comments"]);
    assert!(run.gh[0].iter().any(|a| a.contains("<!-- ismsc diff -->")));
    assert_eq!(
        run.gh[1][..4],
        [
            "api",
            "--method",
            "POST",
            "repos/acme/isms/issues/7/comments"
        ]
    );
    // With `comment: false`, or on a push, nothing is posted.
    let tmp = scratch("action-diff-run-2");
    let run = run_action_on(
        &workspace,
        &[
            ("project", "compliance/isms"),
            ("diff-base", "HEAD~1"),
            ("comment", "false"),
        ],
        &[("event.pull_request.number", "7")],
        &tmp,
    );
    assert!(run.gh.is_empty(), "{:?}", run.gh);
    assert_eq!(run.ismsc[0].1[0], "diff");
}

/// Splits a command line of a hook or a doc into words (no quoting beyond '…' and "…").
fn words(line: &str) -> Vec<String> {
    line.split_whitespace()
        .map(|w| w.trim_matches(|c| c == '\'' || c == '"').to_string())
        .collect()
}

/// Runs `entry args files` of a pre-commit hook through the real command line, as pre-commit
/// does: the names of the matching files are passed unless `pass_filenames: false` (pre-commit's
/// default is to pass them).
fn run_hook(hook: &Yaml, args: &[String], files: &[String]) -> (u8, String, String) {
    let entry = words(hook["entry"].as_str().expect("entry"));
    assert_eq!(entry.first().map(String::as_str), Some("ismsc"), "{hook:?}");
    assert_eq!(hook["language"].as_str(), Some("system"));
    let pattern = hook["files"].as_str().expect("files");
    let mut argv: Vec<String> = entry[1..].to_vec();
    argv.extend(args.iter().cloned());
    if hook["pass_filenames"].as_bool() != Some(false) {
        // The patterns are `\.isms$` and `(\.isms|isms\.toml)$`.
        let matches = |f: &&String| {
            f.ends_with(".isms") || (pattern.contains("isms\\.toml") && f.ends_with("isms.toml"))
        };
        argv.extend(files.iter().filter(matches).cloned());
    }
    let refs: Vec<&str> = argv.iter().map(String::as_str).collect();
    ismsc(&refs)
}

#[test]
fn the_pre_commit_hooks_run_as_written() {
    let text = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).expect("hooks");
    let hooks: Yaml = serde_yaml::from_str(&text).expect("YAML");
    let hooks = hooks.as_sequence().expect("a list of hooks");
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["ismsc-check", "ismsc-fmt"]);
    let clean = path_str(&repo().join("examples/startup"));
    let starter = scratch("hooks").join("isms");
    init(&starter, &[]);
    let staged: Vec<String> = crate::harness::tree(&starter)
        .keys()
        .map(|rel| path_str(&starter.join(rel)))
        .collect();
    for hook in hooks {
        let id = hook["id"].as_str().unwrap_or("");
        let files = hook["files"].as_str().expect("files");
        assert!(files.contains(".isms"), "{files}");
        if id == "ismsc-fmt" {
            // The starter is in the canonical layout: the hook passes and writes nothing.
            assert_eq!(hook["pass_filenames"].as_bool(), Some(true));
            let before = crate::harness::tree(&starter);
            let (code, out, err) = run_hook(hook, &[], &staged);
            assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
            assert_eq!(crate::harness::tree(&starter), before);
            // A staged file out of the layout is formatted, and the hook says so.
            let people = starter.join("people.isms");
            let text = std::fs::read_to_string(&people).expect("read");
            std::fs::write(&people, text.replace("  role", "\trole")).expect("write");
            let (code, _, err) = run_hook(hook, &[], &staged);
            assert_eq!(code, 0, "{err}");
            assert_eq!(err, "formatted 1 file of 8\n");
            assert_eq!(std::fs::read_to_string(&people).expect("read"), text);
            // With `--check`, it fails and changes nothing.
            std::fs::write(&people, text.replace("  role", "\trole")).expect("write");
            let (code, out, _) = run_hook(hook, &["--check".into()], &staged);
            assert_eq!(code, 1);
            assert_eq!(out.trim(), path_str(&people));
            std::fs::write(&people, &text).expect("write");
            continue;
        }
        assert_eq!(hook["pass_filenames"].as_bool(), Some(false));
        let (code, _, err) = run_hook(
            hook,
            &[clean.clone(), "--today".into(), "2026-11-22".into()],
            &staged,
        );
        assert_eq!(code, 0, "{id}: {err}");
        let (code, _, err) = run_hook(hook, &[path_str(&starter)], &staged);
        assert_eq!(code, 1, "{id} fails while controls are undecided");
        assert!(
            err.contains("93 Annex A controls have no decision"),
            "{err}"
        );
    }

    // The local hook of the starter's .pre-commit-config.yaml.
    let config = std::fs::read_to_string(starter.join(".pre-commit-config.yaml")).expect("config");
    let config: Yaml = serde_yaml::from_str(&config).expect("YAML");
    let repo0 = &config["repos"][0];
    assert_eq!(repo0["repo"].as_str(), Some("local"));
    let hook = &repo0["hooks"][0];
    let args: Vec<String> = hook["args"]
        .as_sequence()
        .expect("args")
        .iter()
        .map(|a| a.as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(args, ["."]);
    let (code, _, err) = run_hook(hook, &[path_str(&starter)], &staged);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("93 Annex A controls have no decision"),
        "{err}"
    );
    // Its format hook: the staged files are in the canonical layout.
    let hook = &repo0["hooks"][1];
    assert_eq!(hook["id"].as_str(), Some("ismsc-fmt"));
    let (code, out, err) = run_hook(hook, &[], &staged);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

/// The fenced blocks of `lang` in a markdown text.
fn blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let fence = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body.find("\n```").expect("closed block");
        out.push(&body[..=end]);
        rest = &body[end..];
    }
    out
}

/// docs/ci.md is true: its workflow and local hook are what `init` writes, its GitLab job's
/// `ismsc` command writes a JUnit report, and its remote hook names a declared hook.
#[test]
fn docs_ci_is_true() {
    let docs = std::fs::read_to_string(repo().join("docs/ci.md")).expect("docs/ci.md");
    let yaml = blocks(&docs, "yaml");
    let root = scratch("docs-ci");
    std::fs::create_dir_all(root.join(".git")).expect("mkdir .git");
    let project = root.join("compliance/isms");
    init(&project, &[]);
    let without_comments = |text: &str| -> String {
        text.lines()
            .skip_while(|l| l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let workflow =
        std::fs::read_to_string(root.join(".github/workflows/isms.yml")).expect("workflow");
    assert!(
        yaml.iter()
            .any(|b| b.trim_end() == without_comments(&workflow).trim_end()),
        "docs/ci.md shows the workflow `init` writes:\n{workflow}"
    );
    let hooks = std::fs::read_to_string(root.join(".pre-commit-config.yaml")).expect("config");
    assert!(
        yaml.iter()
            .any(|b| b.trim_end() == without_comments(&hooks).trim_end()),
        "docs/ci.md shows the pre-commit configuration `init` writes:\n{hooks}"
    );
    // The GitLab job.
    let gitlab = yaml
        .iter()
        .find(|b| b.contains("reports:"))
        .expect("the GitLab job");
    let job: Yaml = serde_yaml::from_str(gitlab).expect("YAML");
    let report = job["isms"]["artifacts"]["reports"]["junit"]
        .as_str()
        .expect("junit report");
    assert_eq!(job["isms"]["artifacts"]["when"].as_str(), Some("always"));
    let script = job["isms"]["script"].as_sequence().expect("script");
    let mut ran = 0;
    for line in script.iter().filter_map(|l| l.as_str()) {
        let (command, target) = line.split_once('>').expect("a redirection to the report");
        assert_eq!(target.trim(), report);
        let mut argv = words(command);
        assert_eq!(argv.remove(0), "ismsc");
        // The job runs at the repository root.
        argv[1] = path_str(&root.join(&argv[1]));
        let refs: Vec<&str> = argv.iter().map(String::as_str).collect();
        let (code, out, _) = ismsc(&refs);
        assert_eq!(code, 1, "the job fails while controls are undecided");
        let doc = roxmltree::Document::parse(&out).expect("a JUnit report");
        let failures = doc
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count();
        assert_eq!(failures, 93);
        ran += 1;
    }
    assert_eq!(ran, 1);
    // The remote hook names a hook of .pre-commit-hooks.yaml.
    let remote = yaml
        .iter()
        .find(|b| b.contains("repo: https://github.com/ismsc/ismsc"))
        .expect("remote hook");
    let remote: Yaml = serde_yaml::from_str(remote).expect("YAML");
    let declared = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).expect("hooks");
    let id = remote["repos"][0]["hooks"][0]["id"].as_str().expect("id");
    assert!(declared.contains(&format!("- id: {id}\n")));
}
