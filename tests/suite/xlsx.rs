//! `soa.xlsx`: read back with calamine: the SoA sheet (one row per Annex A control, in
//! catalogue order), the risk register sheet, the formula-injection guard (no user text is a
//! formula or starts like one), and byte-identical builds.

use std::io::Cursor;
use std::path::PathBuf;

use calamine::{Data, Range, Reader, Xlsx};
use ismsc_core::emit::dto::{RiskRegisterDoc, SoaDoc};
use ismsc_core::Analysis;
use ismsc_publish::{xlsx, BuildOptions, Output};

use crate::cli::ismsc;
use crate::harness::{compile, compile_text, repo};

fn acme() -> PathBuf {
    repo().join("examples/acme")
}

fn options(timestamp: Option<&str>) -> BuildOptions {
    BuildOptions {
        outputs: vec![Output::Xlsx],
        timestamp: timestamp.map(String::from),
        history: None,
    }
}

/// The bytes of `soa.xlsx`, the one file of an xlsx-only build.
fn workbook(analysis: &Analysis, timestamp: Option<&str>) -> Vec<u8> {
    let files =
        ismsc_publish::build(analysis, &options(timestamp)).expect("the project has a standard");
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["soa.xlsx"]);
    files
        .into_iter()
        .next()
        .map(|f| f.content)
        .unwrap_or_default()
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).expect("soa.xlsx is a workbook calamine reads")
}

fn sheet(wb: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    wb.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet `{name}`: {e}"))
}

fn string(range: &Range<Data>, row: usize, col: usize) -> String {
    match range.get((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => panic!("cell ({row}, {col}) is not text: {other:?}"),
    }
}

fn column(range: &Range<Data>, col: usize) -> Vec<String> {
    (1..range.height()).map(|r| string(range, r, col)).collect()
}

fn header(range: &Range<Data>) -> Vec<String> {
    (0..range.width()).map(|c| string(range, 0, c)).collect()
}

/// `A.5.10` → `(5, 10)`.
fn annex_a_key(id: &str) -> (u32, u32) {
    let mut parts = id
        .strip_prefix("A.")
        .unwrap_or_else(|| panic!("`{id}` is not an Annex A id"))
        .split('.')
        .map(|p| p.parse::<u32>().expect("numeric"));
    (
        parts.next().expect("clause"),
        parts.next().expect("control"),
    )
}

#[test]
fn acme_soa_sheet_has_one_row_per_annex_a_control_in_order() {
    let analysis = compile(&acme());
    let mut wb = open(workbook(&analysis, None));
    assert_eq!(
        wb.sheet_names(),
        [
            xlsx::COVER_SHEET,
            xlsx::SOA_SHEET,
            xlsx::EVIDENCE_SHEET,
            xlsx::RISK_SHEET,
            xlsx::PLAN_SHEET,
            xlsx::IMPLEMENTED_SHEET,
            xlsx::PROGRAMME_SHEET,
            xlsx::AUDITS_SHEET,
            xlsx::NC_SHEET,
            xlsx::REVIEW_SHEET,
            // The frameworks acme opts into.
            "Coverage nis2-2022",
            "Coverage nist-csf-2.0"
        ]
    );
    let soa = sheet(&mut wb, xlsx::SOA_SHEET);
    assert_eq!(soa.start(), Some((0, 0)));
    assert_eq!(soa.height(), 1 + 93, "a header and 93 controls");
    assert_eq!(
        header(&soa),
        [
            "ID",
            "Title",
            "Theme",
            "Applicable",
            "Decision",
            "Risk",
            "Legal",
            "Regulatory",
            "Contractual",
            "Business reason / exclusion justification",
            "Status",
            "Due",
            "Implemented by",
            "Owners",
            "Policies",
            "Evidence"
        ]
    );
    let ids = column(&soa, 0);
    assert_eq!(ids.first().map(String::as_str), Some("A.5.1"));
    assert_eq!(ids.last().map(String::as_str), Some("A.8.34"));
    let keys: Vec<(u32, u32)> = ids.iter().map(|id| annex_a_key(id)).collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "ids not in Annex A order: {ids:?}"
    );
    // The rows are the rows of soa.json, cell for cell where the values are plain.
    let doc = SoaDoc::new(&analysis.model, &analysis.facts).expect("standard");
    let expect = |f: fn(&ismsc_core::emit::dto::SoaControl) -> String| -> Vec<String> {
        doc.controls.iter().map(f).collect()
    };
    assert_eq!(ids, expect(|c| c.id.clone()));
    assert_eq!(column(&soa, 1), expect(|c| c.title.clone()));
    assert_eq!(column(&soa, 2), expect(|c| c.theme_title.clone()));
    assert_eq!(
        column(&soa, 3),
        expect(|c| if c.applicable { "Yes" } else { "No" }.to_string())
    );
    assert_eq!(column(&soa, 4), expect(|c| c.decision.to_string()));
    assert_eq!(column(&soa, 10), expect(|c| c.status.to_string()));
    assert_eq!(
        column(&soa, 11),
        expect(|c| c.due.clone().unwrap_or_default())
    );
    // A column per kind of reason (the usual auditor template): the risks that need the
    // control, by id.
    fn reasons(kind: &str, c: &ismsc_core::emit::dto::SoaControl) -> String {
        c.reasons
            .iter()
            .filter(|r| r.kind == kind)
            .flat_map(|r| r.ids.iter().cloned().chain(r.text.iter().cloned()))
            .collect::<Vec<_>>()
            .join("; ")
    }
    for (col, kind) in [
        (5, "risk"),
        (6, "legal"),
        (7, "regulatory"),
        (8, "contractual"),
    ] {
        let want: Vec<String> = doc.controls.iter().map(|c| reasons(kind, c)).collect();
        assert_eq!(column(&soa, col), want, "{kind}");
    }
    assert!(
        column(&soa, 5).iter().any(|r| r.starts_with("R-")),
        "{:?}",
        column(&soa, 5)
    );
    // Planned and partial rows carry their due date.
    for (i, c) in doc.controls.iter().enumerate() {
        if c.status == "planned" || c.status == "partial" {
            assert!(
                !string(&soa, i + 1, 11).is_empty(),
                "{} has no due date",
                c.id
            );
        }
    }
    // Implementing controls by title, with the id beside it.
    let a5_17 = 1 + ids.iter().position(|i| i == "A.5.17").expect("A.5.17");
    assert!(
        string(&soa, a5_17, 12).contains("(mfa)"),
        "{}",
        string(&soa, a5_17, 12)
    );
}

#[test]
fn acme_risk_register_sheet_has_one_row_per_risk() {
    let analysis = compile(&acme());
    let mut wb = open(workbook(&analysis, None));
    let risks = sheet(&mut wb, xlsx::RISK_SHEET);
    let doc = RiskRegisterDoc::new(&analysis.model, &analysis.facts);
    assert!(!doc.risks.is_empty());
    assert_eq!(risks.height(), 1 + doc.risks.len());
    let head = header(&risks);
    assert_eq!(head.len(), 28);
    assert_eq!(head[0], "ID");
    assert_eq!(head[2], "Owner");
    assert_eq!(head[6], "Description and acceptance rationale");
    assert_eq!(head[7], "Identified");
    assert_eq!(head[10], "Inherent score");
    assert_eq!(head[17], "Today score");
    assert_eq!(head[21], "Target score");
    assert_eq!(head[22], "Acceptable (target)");
    assert_eq!(head[27], "Nonconformities");
    let ids: Vec<String> = doc.risks.iter().map(|r| r.id.clone()).collect();
    assert_eq!(column(&risks, 0), ids);
    for (i, r) in doc.risks.iter().enumerate() {
        // Scores are numbers, so the column sorts and filters as numbers.
        let score = risks.get((i + 1, 10));
        match r.inherent.score {
            Some(s) => assert_eq!(score, Some(&Data::Float(f64::from(s))), "{}", r.id),
            None => assert!(matches!(score, None | Some(Data::Empty)), "{}", r.id),
        }
        let acceptable = if r.acceptable { "Yes" } else { "No" };
        assert_eq!(string(&risks, i + 1, 22), acceptable, "{}", r.id);
        assert_eq!(string(&risks, i + 1, 12), r.controls.join("; "), "{}", r.id);
        // The acceptance rationale and the identification date.
        assert_eq!(
            string(&risks, i + 1, 6),
            r.description.clone().unwrap_or_default(),
            "{}",
            r.id
        );
        assert_eq!(
            string(&risks, i + 1, 7),
            r.identified.clone().unwrap_or_default(),
            "{}",
            r.id
        );
        // The owner by name, the id beside it.
        if let Some(owner) = &r.owner {
            let name = &doc.people[owner].name;
            assert_eq!(
                string(&risks, i + 1, 2),
                format!("{name} ({owner})"),
                "{}",
                r.id
            );
        }
        assert_eq!(
            string(&risks, i + 1, 27),
            r.nonconformities.join("; "),
            "{}",
            r.id
        );
    }
}

#[test]
fn acme_treatment_plan_sheet_has_one_row_per_action() {
    let analysis = compile(&acme());
    let mut wb = open(workbook(&analysis, None));
    let plan = sheet(&mut wb, xlsx::PLAN_SHEET);
    let doc = ismsc_core::emit::Docs::new(&analysis).plan;
    // The plan lists the open actions only, each control once; the implemented treating
    // controls are summarised on a sheet of their own.
    assert!(!doc.open_actions.is_empty());
    assert!(doc
        .open_actions
        .iter()
        .all(|a| a.status == "planned" || a.status == "partial"));
    assert_eq!(plan.height(), 1 + doc.open_actions.len());
    let head = header(&plan);
    assert_eq!(head[0], "Control");
    assert_eq!(head[2], "Owner");
    assert_eq!(head[4], "Due");
    assert_eq!(head[5], "Risks it treats");
    for (i, a) in doc.open_actions.iter().enumerate() {
        assert_eq!(string(&plan, i + 1, 0), a.control);
        assert_eq!(string(&plan, i + 1, 4), a.due.clone().unwrap_or_default());
        assert_eq!(string(&plan, i + 1, 5), a.risks.join("; "));
    }
    let implemented = sheet(&mut wb, xlsx::IMPLEMENTED_SHEET);
    assert_eq!(implemented.height(), 1 + doc.implemented.len());
    let mut controls = column(&implemented, 0);
    let n = controls.len();
    controls.sort();
    controls.dedup();
    assert_eq!(controls.len(), n, "each implemented control once");
}

/// The small emitter project, with a policy title and a risk threat that are formulas.
fn hostile() -> Analysis {
    let text = std::fs::read_to_string(repo().join("tests/emit/small/small.isms"))
        .expect("tests/emit/small/small.isms");
    let formula = r#""=HYPERLINK(\"http://x\",\"y\")""#;
    let policy = r#"policy access-control "Access Control Policy""#;
    let threat = r#"threat        = "=HYPERLINK(\"x\")""#;
    assert!(text.contains(policy) && text.contains(threat));
    let text = text
        .replace(policy, &format!("policy access-control {formula}"))
        .replace(threat, &format!("threat        = {formula}"));
    compile_text("small.isms", &text)
}

#[test]
fn user_text_is_never_a_formula() {
    let mut wb = open(workbook(&hostile(), None));
    for name in [
        xlsx::COVER_SHEET,
        xlsx::SOA_SHEET,
        xlsx::EVIDENCE_SHEET,
        xlsx::RISK_SHEET,
        xlsx::PLAN_SHEET,
        xlsx::IMPLEMENTED_SHEET,
        xlsx::PROGRAMME_SHEET,
        xlsx::AUDITS_SHEET,
        xlsx::NC_SHEET,
        xlsx::REVIEW_SHEET,
    ] {
        // No cell holds a formula.
        let formulas = wb.worksheet_formula(name).expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{name} has formulas: {:?}",
            formulas.used_cells().collect::<Vec<_>>()
        );
        // No text starts like a formula.
        for (r, c, cell) in sheet(&mut wb, name).used_cells() {
            if let Data::String(s) = cell {
                assert!(
                    !s.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{name} ({r}, {c}) starts like a formula: {s:?}"
                );
            }
        }
    }
    let soa = sheet(&mut wb, xlsx::SOA_SHEET);
    let ids = column(&soa, 0);
    let row = |id: &str| 1 + ids.iter().position(|i| i == id).expect("row");
    // The exclusion text of S.4 is a formula in the sources.
    assert!(
        string(&soa, row("S.4"), 9).starts_with("'=HYPERLINK("),
        "{}",
        string(&soa, row("S.4"), 9)
    );
    // Policies are listed by id: the hostile title does not reach the sheet.
    assert_eq!(string(&soa, row("S.2"), 14), "access-control");

    let risks = sheet(&mut wb, xlsx::RISK_SHEET);
    assert_eq!(
        string(&risks, 1, 4),
        r#"'=HYPERLINK("http://x","y")"#,
        "threat of R-1"
    );
    assert!(string(&risks, 1, 5).starts_with("'-passwords"));
    assert!(string(&risks, 2, 1).starts_with("'+Loss"));
}

#[test]
fn two_builds_are_byte_identical() {
    let analysis = compile(&acme());
    let a = workbook(&analysis, None);
    let b = workbook(&compile(&acme()), None);
    assert!(a.starts_with(b"PK"), "a zip file");
    assert!(a == b, "two builds of soa.xlsx differ");
    // A time stamp is the only thing that changes the bytes, and it does so deterministically.
    let stamp = Some("2026-11-22T10:00:00Z");
    let c = workbook(&analysis, stamp);
    assert!(c != a, "the time stamp is written");
    assert!(c == workbook(&analysis, stamp));
}

#[test]
fn build_format_xlsx_writes_only_the_workbook() {
    let dir = std::env::temp_dir().join(format!("ismsc-xlsx-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dir.join("dist");
    let project = acme().to_string_lossy().into_owned();
    let out_s = out.to_string_lossy().into_owned();
    let args = [
        "build",
        &project,
        "--out",
        &out_s,
        "--format",
        "xlsx",
        "--today",
        "2026-11-22",
    ];
    let (code, _, err) = ismsc(&args);
    assert_eq!(code, 0, "{err}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("output folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [ismsc_core::emit::write::MARKER, xlsx::FILE]);
    let written = std::fs::read(out.join(xlsx::FILE)).expect("soa.xlsx");
    assert!(written == workbook(&compile(&acme()), None));
    let _ = std::fs::remove_dir_all(&dir);
}
