//! What an auditor reviewing the published outputs would check (issue "Documents an auditor
//! signs off"): a realistic project with one unapproved policy, no approval of its SoA and an
//! ISMS `version`, published in every format; and the defects an audit of the outputs found,
//! each pinned.

use std::collections::BTreeMap;

use calamine::{Data, Reader, Xlsx};
use ismsc_core::emit::{self, Docs};
use ismsc_core::Analysis;
use ismsc_publish::{BuildOptions, Output};

use crate::harness::repo;
use crate::recovery::{analyze_files, project_files};

/// Replaces `from` by `to` in one file of a project, which must hold it.
fn edit(files: &mut [(String, String)], name: &str, from: &str, to: &str) {
    let (_, text) = files
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name}"));
    assert!(text.contains(from), "{name} lacks {from:?}");
    *text = text.replacen(from, to, 1);
}

/// The startup example with the policy `data-handling` not approved, the SoA not approved and
/// the risk R-06 (owned by the engineering lead) accepted by the CEO.
fn drafted() -> Analysis {
    let mut files = project_files(&repo().join("examples/startup"));
    edit(
        &mut files,
        "policies.isms",
        "  owner          = data-lead\n  approved       = ceo @ 2026-03-16\n",
        "  owner          = data-lead\n",
    );
    edit(
        &mut files,
        "documents.isms",
        "  owner          = cto\n  approved       = ceo @ 2026-06-03\n  version        = \"1.1\"\n  classification = internal\n",
        "  owner          = cto\n  version        = \"1.1\"\n  classification = internal\n",
    );
    edit(
        &mut files,
        "risks.isms",
        "  accepted      = eng-lead @ 2026-06-01 until 2027-02-26",
        "  accepted      = ceo @ 2026-06-01 until 2027-02-26",
    );
    analyze_files(files)
}

/// Every output of a build, by name.
fn build(analysis: &Analysis, outputs: Vec<Output>) -> BTreeMap<String, Vec<u8>> {
    let options = BuildOptions {
        outputs,
        timestamp: None,
        history: None,
    };
    ismsc_publish::build(analysis, &options)
        .expect("the build has files")
        .into_iter()
        .map(|f| (f.name, f.content))
        .collect()
}

/// The text of a PDF, as extracted, and with all white space removed.
fn pdf_text(name: &str, files: &BTreeMap<String, Vec<u8>>) -> (String, String) {
    let pdf = files
        .get(name)
        .unwrap_or_else(|| panic!("no {name}: {:?}", files.keys()));
    let text = pdf_extract::extract_text_from_mem(pdf)
        .unwrap_or_else(|e| panic!("{name}: no text extracted: {e}"));
    let squashed = text.chars().filter(|c| !c.is_whitespace()).collect();
    (text, squashed)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn utf8(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        files
            .get(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone(),
    )
    .expect("UTF-8")
}

fn cells(wb: &mut Xlsx<std::io::Cursor<Vec<u8>>>, sheet: &str) -> Vec<String> {
    let range = wb.worksheet_range(sheet).expect("sheet");
    range
        .used_cells()
        .filter_map(|(_, _, c)| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_drafted_project_is_published_as_drafts() {
    let a = drafted();

    // `ismsc check` warns that R-06 was accepted by someone other than its owner, by name.
    let w0507: Vec<&str> = a
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "W0507")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(w0507.len(), 1, "{w0507:?}");
    assert!(
        w0507[0].contains("R-06") && w0507[0].contains("Kenji Watanabe"),
        "{}",
        w0507[0]
    );
    assert!(
        a.diagnostics.iter().any(|d| d.code.as_str() == "W0602"),
        "the unapproved policy is reported"
    );

    let files = build(
        &a,
        vec![Output::Pdf, Output::Data, Output::Xlsx, Output::Site],
    );

    // The unapproved policy's PDF says DRAFT; the approved ones do not.
    let (_, draft) = pdf_text("pdf/data-handling.pdf", &files);
    assert!(draft.contains("DRAFT"), "data-handling.pdf is not marked");
    assert!(
        !draft.contains("Thisisacontrolleddocument"),
        "a draft calls itself a controlled document"
    );
    for approved in ["pdf/infosec-policy.pdf", "pdf/acceptable-use.pdf"] {
        let (_, text) = pdf_text(approved, &files);
        assert!(text.contains("Thisisacontrolleddocument"), "{approved}");
        assert!(!text.contains("DRAFT"), "{approved} is marked DRAFT");
        assert!(!text.contains("OVERDUE"), "{approved} is marked OVERDUE");
    }

    // The SoA carries the version and says DRAFT: PDF, JSON, workbook.
    let (_, soa) = pdf_text("pdf/soa.pdf", &files);
    assert!(soa.contains("DRAFT"), "soa.pdf is not marked DRAFT");
    assert!(soa.contains("Version1.1"), "soa.pdf lacks its version");
    let json: serde_json::Value =
        serde_json::from_str(&utf8(&files, "soa.json")).expect("soa.json");
    assert_eq!(json["document"]["status"], "draft");
    assert_eq!(json["document"]["version"], "1.1");
    assert_eq!(json["document"]["isms_version"], "1.1");
    let mut wb = Xlsx::new(std::io::Cursor::new(
        files.get("soa.xlsx").expect("soa.xlsx").clone(),
    ))
    .expect("xlsx");
    let cover = cells(&mut wb, ismsc_publish::xlsx::COVER_SHEET);
    assert!(cover.iter().any(|c| c == "DRAFT"), "{cover:?}");
    assert!(cover.iter().any(|c| c == "1.1"), "{cover:?}");

    // The register PDF names the owners by name and prints each acceptance rationale, which
    // the register CSV also has.
    let register = Docs::new(&a).register;
    let (_, reg) = pdf_text("pdf/risk-register.pdf", &files);
    let csv = utf8(&files, "risk-register.csv");
    for r in &register.risks {
        if let Some(owner) = &r.owner {
            let name = &register.people[owner].name;
            assert!(
                reg.contains(&squash(name)),
                "{}: owner {name} not named",
                r.id
            );
        }
        if let Some(d) = &r.description {
            // The first words: the PDF wraps the rest.
            let head: String = d.split_whitespace().take(6).collect();
            assert!(reg.contains(&head), "{}: rationale not printed", r.id);
            assert!(
                csv.contains(d.as_str()),
                "{}: rationale not in the CSV",
                r.id
            );
        }
    }
    assert!(register
        .risks
        .iter()
        .any(|r| r.accepted.is_some() && r.description.is_some()));

    // soa.csv has no column internal to the catalogue.
    let soa_csv = utf8(&files, "soa.csv");
    let header: Vec<&str> = soa_csv.lines().next().unwrap_or("").split(',').collect();
    for internal in ["note", "implied_by", "new", "title_27002"] {
        assert!(!header.contains(&internal), "soa.csv has {internal}");
    }
    assert!(header.contains(&"control_type"), "{header:?}");

    // The site claims nothing the data contradicts: one policy is a draft.
    let index = utf8(&files, "site/index.html");
    assert!(!index.contains("approved, versioned and reviewed"));
    assert!(
        index.contains("1 draft"),
        "the overview does not count the draft"
    );
    let page = utf8(&files, "site/policies/data-handling.html");
    assert!(page.contains("DRAFT"), "the policy page is not marked");
    let page = utf8(&files, "site/soa.html");
    assert!(
        page.contains("<strong>DRAFT</strong>"),
        "soa.html is not marked"
    );
    let page = utf8(&files, "site/policies/infosec-policy.html");
    assert!(
        !page.contains("<strong>DRAFT</strong>"),
        "an approved policy is marked"
    );
}

#[test]
fn an_overdue_policy_is_published_overdue() {
    let mut files = project_files(&repo().join("examples/startup"));
    edit(
        &mut files,
        "policies.isms",
        "  approved       = ceo @ 2026-03-16\n",
        "  approved       = ceo @ 2024-03-16\n",
    );
    // The SoA's approval is older than its review interval too.
    edit(
        &mut files,
        "documents.isms",
        "  approved       = ceo @ 2026-06-03\n  version        = \"1.1\"\n  classification = internal\n",
        "  approved       = ceo @ 2025-06-03\n  version        = \"1.1\"\n  classification = internal\n",
    );
    let a = analyze_files(files);
    assert!(a.diagnostics.iter().any(|d| d.code.as_str() == "W0601"));
    assert!(a.diagnostics.iter().any(|d| d.code.as_str() == "W0705"));
    let files = build(&a, vec![Output::Pdf, Output::Data]);
    let (_, text) = pdf_text("pdf/data-handling.pdf", &files);
    assert!(text.contains("OVERDUE"), "an overdue policy is not marked");
    let (_, text) = pdf_text("pdf/soa.pdf", &files);
    assert!(text.contains("OVERDUE"), "an overdue SoA is not marked");
    let json: serde_json::Value =
        serde_json::from_str(&utf8(&files, "soa.json")).expect("soa.json");
    assert_eq!(json["document"]["status"], "overdue");
    assert_eq!(json["document"]["next_review"], "2026-06-03");
}

/// Supporting utilities and cabling security were justified by the risk of unauthorised
/// physical access to the office, because the control that treats it also satisfies them.
#[test]
fn a_risk_justifies_only_the_controls_it_needs() {
    let a = crate::harness::compile(&repo().join("examples/acme"));
    let soa = emit::dto::SoaDoc::new(&a.model, &a.facts).expect("SoA");
    let row = |id: &str| {
        soa.controls
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no {id}"))
    };
    for id in ["A.7.11", "A.7.12"] {
        let c = row(id);
        assert!(
            c.reasons.iter().all(|r| r.kind != "risk"),
            "{id} is justified by a risk that does not need it: {:?}",
            c.reasons
        );
        assert!(!c.reasons.is_empty(), "{id} has no reason at all");
    }
    // A risk that names a control in `requires` justifies it.
    assert!(row("A.5.17")
        .reasons
        .iter()
        .any(|r| r.kind == "risk" && r.ids.iter().any(|i| i == "R-001")));
}

/// The treatment plan lists each open action once, not every implemented control once per
/// risk, and records the risk owners' approval.
#[test]
fn the_treatment_plan_is_the_open_actions_approved_by_the_risk_owners() {
    let a = crate::harness::compile(&repo().join("examples/acme"));
    let plan = Docs::new(&a).plan;
    let mut controls: Vec<&str> = plan
        .open_actions
        .iter()
        .map(|a| a.control.as_str())
        .collect();
    let n = controls.len();
    controls.sort_unstable();
    controls.dedup();
    assert_eq!(controls.len(), n, "an open action is listed twice");
    assert!(plan
        .open_actions
        .iter()
        .all(|a| a.status != "implemented" && a.due.is_some()));
    assert!(plan.owner_approvals.iter().all(|o| o.approved));
    assert_eq!(plan.document.status, "approved");
    let files = build(&a, vec![Output::Pdf]);
    let (_, text) = pdf_text("pdf/risk-treatment-plan.pdf", &files);
    assert!(
        text.contains("riskownershaveapprovedthisplan"),
        "no approval shown"
    );
}

/// The register PDF states the risk criteria and shows a heat map before and after treatment.
#[test]
fn the_register_states_its_criteria_and_both_heat_maps() {
    let a = crate::harness::compile(&repo().join("examples/acme"));
    let files = build(&a, vec![Output::Pdf]);
    let (_, text) = pdf_text("pdf/risk-register.pdf", &files);
    for s in [
        "Riskcriteria",
        "Acceptance:",
        "Heatmaps",
        "Beforetreatment",
        "Aftertreatment",
    ] {
        assert!(text.contains(s), "risk-register.pdf lacks {s}");
    }
}

/// Letter-spaced labels extract as words, and evidence links are links.
#[test]
fn labels_extract_as_words_and_evidence_links_are_links() {
    let a = crate::harness::compile(&repo().join("examples/acme"));
    let files = build(&a, vec![Output::Pdf, Output::Site]);
    let (text, _) = pdf_text("pdf/infosec-policy.pdf", &files);
    assert!(
        text.contains("SECURITY"),
        "the label does not extract as words"
    );
    // Evidence addresses are links on the SoA page and in the SoA PDF.
    let soa = utf8(&files, "site/soa.html");
    let evidence = Docs::new(&a)
        .soa
        .expect("SoA")
        .controls
        .iter()
        .flat_map(|c| c.evidence.clone())
        .find_map(|e| e.at.filter(|at| at.starts_with("https://")))
        .expect("evidence with an address");
    assert!(
        soa.contains(&format!("href=\"{}\"", evidence.replace('&', "&amp;"))),
        "{evidence} is not a link on soa.html"
    );
    let pdf = files.get("pdf/soa.pdf").expect("soa.pdf");
    let needle = format!("/URI({evidence})");
    assert!(
        pdf.windows(needle.len()).any(|w| w == needle.as_bytes()),
        "soa.pdf has no link to {evidence}"
    );
}

/// The acceptances in force name the score that was accepted for what it is, never the
/// inherent score under "Residual".
#[test]
fn acceptances_show_the_score_that_remains() {
    let a = crate::harness::compile(&repo().join("examples/acme"));
    let files = build(&a, vec![Output::Site]);
    let index = utf8(&files, "site/index.html");
    let table = index
        .split("id=\"acceptances\"")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("the acceptances in force");
    assert!(table.contains("<th>Accepted score</th>") && !table.contains("<th>Residual</th>"));
    let register = Docs::new(&a).register;
    let unrated = register
        .risks
        .iter()
        .filter(|r| r.accepted.is_some() && r.residual.is_none())
        .count();
    assert_eq!(
        table.matches("inherent, not rated after treatment").count(),
        unrated
    );
    let pending = register
        .risks
        .iter()
        .filter(|r| r.accepted.is_some() && r.current_basis == "assessed")
        .count();
    assert!(pending > 0);
    assert!(table.matches(" today <span").count() >= pending);
}

/// Rows of the SoA never split across pages: every page of the table starts, after its
/// repeated header, with a row's id or a theme's heading, never with the continued part of a
/// row.
#[test]
fn soa_rows_never_split_across_pages() {
    let a = crate::harness::compile(&repo().join("examples/acme"));
    let files = build(&a, vec![Output::Pdf]);
    let pdf = files.get("pdf/soa.pdf").expect("soa.pdf");
    let pages = pdf_extract::extract_text_from_mem_by_pages(pdf).expect("pages");
    assert!(pages.len() > 5, "{} pages", pages.len());
    let header = "StatusDue";
    let mut continued = 0;
    for (i, page) in pages.iter().enumerate().skip(1) {
        let text = squash(page);
        let Some(at) = text.find(header) else {
            continue;
        };
        continued += 1;
        let rest = &text[at + header.len()..];
        assert!(
            rest.starts_with("A.")
                || ["Organizational", "People", "Physical", "Technological"]
                    .iter()
                    .any(|t| rest.starts_with(t)),
            "page {} starts with {}",
            i + 1,
            &rest[..rest.len().min(120)]
        );
    }
    assert!(
        continued > 5,
        "the table's header is repeated on {continued} pages"
    );
}

/// An objective carries its `status`: one past due without a result is reported even when
/// it claims to be achieved, and one management withdrew is not evaluated.
#[test]
fn objectives_have_a_status_and_need_a_result() {
    let a = crate::harness::compile_text(
        "main.isms",
        r#"
person ciso "Dana Weber" { role = "CISO" }

objective obj-mfa "Every account uses phishing-resistant MFA" {
  owner   = ciso
  measure = "Share of accounts with a FIDO2 key"
  target  = "100%"
  due     = 2026-06-30
  status  = achieved
}

objective obj-old "Certify the old data centre" {
  owner  = ciso
  target = "Certified"
  due    = 2026-03-31
  status = withdrawn
}

objective obj-soa "Every control decided" {
  owner  = ciso
  target = "All of them"
  due    = 2027-03-31
  status = open
}
"#,
    );
    let w0811: Vec<&ismsc_core::diag::Diagnostic> = a
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "W0811")
        .collect();
    assert_eq!(w0811.len(), 1, "{:?}", w0811);
    assert!(w0811[0].message.contains("obj-mfa"));
    // `status` is a field of an objective, its words known.
    assert!(
        a.diagnostics
            .iter()
            .all(|d| !d.message.contains("status") && !d.message.contains("withdrawn")),
        "{:?}",
        a.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let files = build(&a, vec![Output::Site]);
    let index = utf8(&files, "site/index.html");
    assert!(index.contains("<td data-label=\"Status\">withdrawn</td>"));
}

/// `ismsc diff` tells a new version or approval of the SoA from the previous one.
#[test]
fn diff_shows_a_new_approval_of_the_soa() {
    let before = analyze_files(project_files(&repo().join("examples/startup")));
    let after = drafted();
    let diff = ismsc_core::diff::Diff::new(&before, &after, crate::harness::TODAY);
    let isms = diff
        .changes
        .iter()
        .find(|c| c.section == ismsc_core::diff::Section::Isms)
        .expect("a change of the ISMS");
    let (was, now) = isms.fields.get("soa_approved").expect("soa_approved");
    assert_eq!(was, &serde_json::json!(["ceo @ 2026-06-03"]));
    assert_eq!(now, &serde_json::json!([]));
    assert!(
        !isms.fields.contains_key("soa_version"),
        "the version is the same"
    );
}
