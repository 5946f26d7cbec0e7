//! `ismsc build` with every output, through the command line: a build of acme has every file
//! the publishing contract names and two builds are byte-identical; a hostile project (HTML,
//! script, typst markup, spreadsheet formulas and `javascript:` links in every user text) is
//! harmless in every output.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use ismsc_core::model::Kind;

use crate::cli::ismsc;
use crate::harness::{compile, path_str, repo, scratch, tree};

const TODAY: &str = "2026-11-22";

/// Builds `project` with the default outputs into `out`, and returns every file written.
fn build(project: &Path, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let (code, _, err) = ismsc(&[
        "build",
        &path_str(project),
        "--out",
        &path_str(out),
        "--today",
        TODAY,
    ]);
    assert_eq!(code, 0, "{err}");
    let mut files = tree(out);
    // The marker that makes the folder ismsc's is not one of the outputs.
    assert!(files.remove(ismsc_core::emit::write::MARKER).is_some());
    assert!(
        err.contains(&format!("wrote {} files", files.len())),
        "{err}"
    );
    files
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    let bytes = files
        .get(name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", files.keys()));
    String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("{name} is not UTF-8"))
}

#[test]
fn a_build_of_acme_has_every_output_and_is_byte_identical() {
    let project = repo().join("examples/acme");
    let dir = scratch("publish-acme");
    let a = build(&project, &dir.join("a"));
    let b = build(&project, &dir.join("b"));
    let differing: Vec<&String> = a
        .iter()
        .filter(|(name, content)| b.get(*name) != Some(content))
        .map(|(name, _)| name)
        .collect();
    assert!(differing.is_empty(), "differ between builds: {differing:?}");
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the two builds wrote different files"
    );

    let analysis = compile(&project);
    let policies: Vec<String> = analysis
        .model
        .of_kind(Kind::Policy)
        .map(|(_, e)| e.id.clone())
        .collect();
    assert!(policies.len() >= 10, "{policies:?}");
    let mut expected: Vec<String> = [
        "soa.json",
        "soa.csv",
        "soa.xlsx",
        "risk-register.json",
        "risk-register.csv",
        "risk-treatment-plan.json",
        "risk-treatment-plan.csv",
        "graph.dot",
        "graph.mmd",
        "site/index.html",
        "site/style.css",
        "site/controls.html",
        "site/risks.html",
        "site/soa.html",
        "site/traceability.html",
        "pdf/soa.pdf",
        "pdf/risk-register.pdf",
        "oscal/catalog.json",
        "oscal/profile.json",
        "oscal/ssp.json",
        "oscal/risks.json",
        "oscal/mapping.json",
    ]
    .map(String::from)
    .to_vec();
    expected.extend(policies.iter().map(|p| format!("pdf/{p}.pdf")));
    for name in &expected {
        assert!(a.contains_key(name), "no {name} in {:?}", a.keys());
    }
    // One site page per policy.
    let pages = a
        .keys()
        .filter(|k| k.starts_with("site/") && k.contains("polic"))
        .count();
    assert!(pages >= policies.len(), "{pages} policy pages");
    // The graph files describe the project.
    assert!(text(&a, "graph.dot").starts_with("digraph"));
    assert!(
        text(&a, "graph.mmd").starts_with("flowchart")
            || text(&a, "graph.mmd").starts_with("graph")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every string of a JSON document.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out);
        }),
        _ => {}
    }
}

#[test]
fn a_hostile_project_is_harmless_in_every_output() {
    let project = repo().join("tests/publish/hostile");
    let dir = scratch("publish-hostile");
    let files = build(&project, &dir.join("dist"));

    // The site: no element, attribute or URL comes from user text.
    let mut pages = 0;
    for (name, _) in files.iter().filter(|(n, _)| n.starts_with("site/")) {
        pages += 1;
        // Escaped text holds no `<`, so every `<…>` is markup the site wrote itself.
        let html = text(&files, name).to_ascii_lowercase();
        for tag in html.split('<').skip(1).filter_map(|t| t.split('>').next()) {
            let element = tag.split([' ', '/', '\n']).next().unwrap_or_default();
            assert!(
                !["script", "iframe", "img", "object", "embed"].contains(&element),
                "{name} has a <{tag}>"
            );
            for bad in ["onerror", "javascript:", "evil.example"] {
                assert!(!tag.contains(bad), "{name} has the tag <{tag}>");
            }
        }
    }
    assert!(pages >= 8, "{pages} site files");
    let policy_page = files
        .keys()
        .find(|k| k.starts_with("site/") && k.contains("access-control"))
        .unwrap_or_else(|| panic!("no page of the policy in {:?}", files.keys()));
    let page = text(&files, policy_page);
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("=HYPERLINK("),
        "the policy text is shown as text"
    );

    // CSV: every cell that starts like a formula is quoted with an apostrophe.
    for name in ["soa.csv", "risk-register.csv"] {
        let csv = text(&files, name);
        for line in csv.lines() {
            for cell in line.split(',') {
                let cell = cell.trim_start_matches('"');
                assert!(
                    !cell.starts_with(['=', '+', '@']),
                    "{name}: a cell starts like a formula: {line}"
                );
            }
        }
    }

    // The workbook: no formula anywhere, no text that starts like one.
    let bytes = files.get("soa.xlsx").expect("soa.xlsx").clone();
    let mut wb = Xlsx::new(Cursor::new(bytes)).expect("a workbook");
    for sheet in wb.sheet_names() {
        let formulas = wb.worksheet_formula(&sheet).expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet} has formulas"
        );
        let range = wb.worksheet_range(&sheet).expect("sheet");
        for (_, _, cell) in range.used_cells() {
            if let Data::String(s) = cell {
                assert!(!s.starts_with(['=', '+', '-', '@']), "{sheet}: {s:?}");
            }
        }
    }

    // JSON and OSCAL: valid documents that carry user text only as strings, unchanged.
    let mut titles = 0;
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".json")) {
        let doc: serde_json::Value =
            serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
        let mut all = Vec::new();
        strings(&doc, &mut all);
        titles += usize::from(all.iter().any(|s| s == "<script>alert(1)</script>"));
    }
    // The SoA, the register, the plan and the SSP carry the ISMS title as a value of its own
    // (the other OSCAL documents put it inside longer titles).
    assert!(
        titles >= 4,
        "the hostile title is a string value in {titles} documents"
    );
    let ssp: serde_json::Value =
        serde_json::from_str(&text(&files, "oscal/ssp.json")).expect("the SSP is JSON");
    let mut in_ssp = Vec::new();
    strings(&ssp, &mut in_ssp);
    assert!(
        in_ssp.iter().any(|s| s == "<script>alert(1)</script>"),
        "the policy title is kept as data in the SSP"
    );

    // The graph files: labels cannot close their quotes or open HTML.
    let mmd = text(&files, "graph.mmd");
    assert!(!mmd.contains("<script") && !mmd.contains("<img"), "{mmd}");
    let dot = text(&files, "graph.dot");
    for line in dot.lines().filter(|l| l.contains("label=")) {
        let unescaped_quotes = line
            .char_indices()
            .filter(|&(i, c)| c == '"' && !line[..i].ends_with('\\'))
            .count();
        assert_eq!(unescaped_quotes % 2, 0, "{line}");
    }

    // The PDF of the policy prints the text literally: nothing in it was run as typst code.
    let pdf = files
        .get("pdf/access-control.pdf")
        .expect("the policy's PDF");
    let pdf_text: String = pdf_extract::extract_text_from_mem(pdf)
        .expect("text")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for literal in [
        "<script>alert(1)</script>",
        "=HYPERLINK(",
        "#setpage(width:1cm)",
        "#{1+1}",
        "<script>alert(2)</script>",
    ] {
        assert!(
            pdf_text.contains(literal),
            "{literal:?} not printed in {pdf_text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Records the progress a build reports.
#[derive(Default)]
struct Recorder {
    total: std::sync::Mutex<Option<usize>>,
    steps: std::sync::Mutex<Vec<String>>,
}

impl ismsc_publish::Progress for Recorder {
    fn start(&self, total: usize) {
        *self.total.lock().expect("lock") = Some(total);
    }
    fn step(&self, what: &str) {
        self.steps.lock().expect("lock").push(what.to_string());
    }
}

#[test]
fn a_build_reports_one_step_per_output_and_per_pdf() {
    let analysis = compile(&repo().join("examples/acme"));
    let recorder = Recorder::default();
    let built = ismsc_publish::build_with_progress(
        &analysis,
        &ismsc_publish::BuildOptions::default(),
        &recorder,
    )
    .expect("a standard");
    assert!(built.failed.is_empty(), "{:?}", built.failed);
    let steps = recorder.steps.lock().expect("lock").clone();
    let total = recorder
        .total
        .lock()
        .expect("lock")
        .expect("start was called");
    assert_eq!(steps.len(), total, "{steps:?}");
    let pdfs: Vec<&String> = steps.iter().filter(|s| s.starts_with("pdf/")).collect();
    let written_pdfs = built
        .files
        .iter()
        .filter(|f| f.name.starts_with("pdf/"))
        .count();
    assert_eq!(pdfs.len(), written_pdfs, "{steps:?}");
    for kind in ["data", "soa.xlsx", "site/", "oscal/"] {
        assert_eq!(
            steps.iter().filter(|s| *s == kind).count(),
            1,
            "{kind} in {steps:?}"
        );
    }
    // The outputs come in their fixed order, whichever thread finished a PDF first.
    let position = |what: &str| steps.iter().position(|s| s == what).expect("a step");
    assert!(position("data") < position("soa.xlsx"));
    assert!(position("site/") < position("pdf/soa.pdf"));
    assert!(position("pdf/soa.pdf") < position("oscal/"));
}
