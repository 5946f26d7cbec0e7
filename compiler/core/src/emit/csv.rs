//! `soa.csv` and `risk-register.csv`: one header row, one row per control or risk.
//!
//! The columns come from the DTOs of [`super::dto`]; lists are joined with `"; "`, booleans
//! are `yes`/`no`, absent values are empty cells. Every cell goes through [`guard`], so no
//! text a user wrote can be read as a formula by a spreadsheet, nor reach a terminal or a
//! spreadsheet with a control or bidirectional character in it.

use super::dto::{
    ActionEntry, AuditProgrammeDoc, CatalogDoc, CoverageDoc, ManagementReviewsDoc,
    NonconformityRegisterDoc, RiskEntry, RiskRating, RiskRegisterDoc, SoaControl, SoaDoc,
    TreatmentPlanDoc,
};
use crate::driver::Analysis;

/// Protects a cell against formula injection (CSV injection): a cell that starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a spreadsheet shows it
/// as text instead of evaluating it. Control and bidirectional characters are then shown by
/// their stand-ins (`crate::text::visible`).
pub fn guard(cell: &str) -> String {
    let guarded = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    match crate::text::visible(&guarded) {
        std::borrow::Cow::Borrowed(_) => guarded,
        std::borrow::Cow::Owned(shown) => shown,
    }
}

fn list(items: &[String]) -> String {
    items.join("; ")
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// Writes one header and the rows, guarding every cell.
fn write(header: &[String], rows: &[Vec<String>]) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let mut ok = w.write_record(header.iter().map(|c| guard(c))).is_ok();
    for row in rows {
        ok &= w.write_record(row.iter().map(|c| guard(c))).is_ok();
    }
    // Writing to memory cannot fail; `flexible` rules out the only other error.
    debug_assert!(ok);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The columns of `soa.csv` before the attribute columns.
pub const SOA_COLUMNS: [&str; 15] = [
    "id",
    "title",
    "theme",
    "theme_title",
    "applicable",
    "decision",
    "justification",
    "reasons",
    "status",
    "implemented_by",
    "risks",
    "obligations",
    "policies",
    "owners",
    "evidence",
];

/// The reasons of a row in words, one per reason: `risk: R-1, R-4`, `legal: gdpr`, or
/// `business: <text>` (shared with `soa.xlsx`).
pub fn reasons(c: &SoaControl) -> Vec<String> {
    c.reasons
        .iter()
        .map(|r| {
            let mut what = r.ids.clone();
            what.extend(r.text.clone());
            if what.is_empty() {
                r.kind.to_string()
            } else {
                format!("{}: {}", r.kind, what.join(", "))
            }
        })
        .collect()
}

/// The evidence of a row in words, one per piece: `control: title [collected] <at>` (shared
/// with `soa.xlsx`).
pub fn evidence(c: &SoaControl) -> Vec<String> {
    c.evidence
        .iter()
        .map(|e| {
            let mut s = format!("{}: {}", e.control, e.title);
            if let Some(d) = &e.collected {
                s.push_str(&format!(" [{d}]"));
            }
            if let Some(at) = &e.at {
                s.push_str(&format!(" <{at}>"));
            }
            s
        })
        .collect()
}

fn soa_row(c: &SoaControl, attributes: &[String]) -> Vec<String> {
    let reasons = reasons(c);
    let evidence = evidence(c);
    let mut row = vec![
        c.id.clone(),
        c.title.clone(),
        c.theme.clone(),
        c.theme_title.clone(),
        yes_no(c.applicable),
        c.decision.to_string(),
        opt(&c.justification),
        list(&reasons),
        c.status.to_string(),
        list(&c.implemented_by),
        list(&c.risks),
        list(&c.obligations),
        list(&c.policies),
        list(&c.owners),
        list(&evidence),
    ];
    row.extend(
        attributes
            .iter()
            .map(|a| c.attributes.get(a).map(|v| list(v)).unwrap_or_default()),
    );
    row
}

/// `soa.csv` of a document: [`SOA_COLUMNS`], then one column per attribute name the
/// catalogue uses (sorted).
pub fn soa_doc_csv(doc: &SoaDoc) -> String {
    let mut attributes: Vec<String> = doc
        .controls
        .iter()
        .flat_map(|c| c.attributes.keys().cloned())
        .collect();
    attributes.sort();
    attributes.dedup();
    let mut header: Vec<String> = SOA_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.extend(attributes.iter().cloned());
    let rows: Vec<Vec<String>> = doc
        .controls
        .iter()
        .map(|c| soa_row(c, &attributes))
        .collect();
    write(&header, &rows)
}

/// `soa.csv` of the project; `None` when the project has no known standard.
pub fn soa_csv(analysis: &Analysis) -> Option<String> {
    SoaDoc::new(&analysis.model, &analysis.facts).map(|doc| soa_doc_csv(&doc))
}

/// The columns of `risk-register.csv`.
pub const RISK_COLUMNS: [&str; 20] = [
    "id",
    "title",
    "owner",
    "assets",
    "threat",
    "vulnerability",
    "inherent_likelihood",
    "inherent_impact",
    "inherent_score",
    "treatment",
    "controls",
    "requires",
    "residual_likelihood",
    "residual_impact",
    "residual_score",
    "acceptable",
    "accepted_by",
    "accepted_on",
    "accepted_until",
    "nonconformities",
];

fn rating_cells(r: Option<&RiskRating>) -> [String; 3] {
    match r {
        Some(r) => [
            opt(&r.likelihood),
            opt(&r.impact),
            r.score.map(|s| s.to_string()).unwrap_or_default(),
        ],
        None => Default::default(),
    }
}

fn risk_row(r: &RiskEntry) -> Vec<String> {
    let [il, ii, is] = rating_cells(Some(&r.inherent));
    let [rl, ri, rs] = rating_cells(r.residual.as_ref());
    let (by, on, until) = match &r.accepted {
        Some(a) => (a.by.clone(), a.on.clone(), opt(&a.until)),
        None => Default::default(),
    };
    vec![
        r.id.clone(),
        opt(&r.title),
        opt(&r.owner),
        list(&r.assets),
        opt(&r.threat),
        opt(&r.vulnerability),
        il,
        ii,
        is,
        opt(&r.treatment),
        list(&r.controls),
        list(&r.requires),
        rl,
        ri,
        rs,
        yes_no(r.acceptable),
        by,
        on,
        until,
        list(&r.nonconformities),
    ]
}

/// `risk-register.csv` of a document.
pub fn risk_register_doc_csv(doc: &RiskRegisterDoc) -> String {
    let header: Vec<String> = RISK_COLUMNS.iter().map(|c| c.to_string()).collect();
    let rows: Vec<Vec<String>> = doc.risks.iter().map(risk_row).collect();
    write(&header, &rows)
}

/// The columns of `risk-treatment-plan.csv`, in order (the keys of a treatment action).
pub const TREATMENT_COLUMNS: [&str; 13] = [
    "risk",
    "risk_title",
    "risk_owner",
    "treatment",
    "control",
    "control_title",
    "control_owner",
    "status",
    "due",
    "satisfies",
    "remaining_score",
    "acceptable",
    "accepted_by",
];

/// `risk-treatment-plan.csv`: one row per action of the plan.
pub fn treatment_plan_doc_csv(doc: &TreatmentPlanDoc) -> String {
    let header: Vec<String> = TREATMENT_COLUMNS.iter().map(|c| c.to_string()).collect();
    let rows: Vec<Vec<String>> = doc
        .actions
        .iter()
        .map(|a| {
            vec![
                a.risk.clone(),
                opt(&a.risk_title),
                opt(&a.risk_owner),
                opt(&a.treatment),
                opt(&a.control),
                opt(&a.control_title),
                opt(&a.control_owner),
                opt(&a.status),
                opt(&a.due),
                list(&a.satisfies),
                a.remaining_score.map(|n| n.to_string()).unwrap_or_default(),
                yes_no(a.acceptable),
                opt(&a.accepted_by),
            ]
        })
        .collect();
    write(&header, &rows)
}

/// The columns of `audit-programme.csv`: one row per clause and applicable Annex A control.
pub const PROGRAMME_COLUMNS: [&str; 9] = [
    "kind",
    "id",
    "title",
    "status",
    "last_audit",
    "last_audited",
    "next_audit",
    "next_planned",
    "audits",
];

/// `audit-programme.csv`: what the programme covers, and how, row by row.
pub fn audit_programme_doc_csv(doc: &AuditProgrammeDoc) -> String {
    let header: Vec<String> = PROGRAMME_COLUMNS.iter().map(|c| c.to_string()).collect();
    let rows: Vec<Vec<String>> = doc
        .coverage
        .iter()
        .map(|r| {
            vec![
                r.kind.to_string(),
                r.id.clone(),
                r.title.clone(),
                r.status.to_string(),
                opt(&r.last_audit),
                opt(&r.last_audited),
                opt(&r.next_audit),
                opt(&r.next_planned),
                list(&r.audits),
            ]
        })
        .collect();
    write(&header, &rows)
}

/// An action in words: `title (owner, due DATE, done DATE | open | overdue)` (shared with
/// the workbook).
pub fn action(a: &ActionEntry) -> String {
    let mut parts = Vec::new();
    parts.extend(a.owner.clone());
    if let Some(d) = &a.due {
        parts.push(format!("due {d}"));
    }
    match &a.done {
        Some(d) => parts.push(format!("done {d}")),
        None => parts.push(a.status.to_string()),
    }
    format!("{} ({})", a.title, parts.join(", "))
}

/// The columns of `nonconformities.csv`.
pub const NONCONFORMITY_COLUMNS: [&str; 18] = [
    "id",
    "title",
    "severity",
    "status",
    "state",
    "source",
    "source_kind",
    "raised",
    "against",
    "owner",
    "description",
    "correction",
    "root_cause",
    "actions",
    "verified_by",
    "verified_on",
    "effectiveness",
    "risks",
];

/// `nonconformities.csv`: one row per nonconformity; its actions in one cell, one per line.
pub fn nonconformities_doc_csv(doc: &NonconformityRegisterDoc) -> String {
    let header: Vec<String> = NONCONFORMITY_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .collect();
    let rows: Vec<Vec<String>> = doc
        .nonconformities
        .iter()
        .map(|n| {
            vec![
                n.id.clone(),
                opt(&n.title),
                n.severity.unwrap_or_default().to_string(),
                n.status.unwrap_or_default().to_string(),
                n.state.to_string(),
                opt(&n.source),
                n.source_kind.unwrap_or_default().to_string(),
                opt(&n.raised),
                list(&n.against),
                opt(&n.owner),
                opt(&n.description),
                opt(&n.correction),
                opt(&n.root_cause),
                n.actions.iter().map(action).collect::<Vec<_>>().join("\n"),
                opt(&n.verified_by),
                opt(&n.verified_on),
                opt(&n.effectiveness),
                list(&n.risks),
            ]
        })
        .collect();
    write(&header, &rows)
}

/// The columns of `management-reviews.csv`: the minutes, one row per entry of a review.
pub const REVIEW_COLUMNS: [&str; 7] = [
    "review", "held", "chair", "section", "item", "topic", "text",
];

/// `management-reviews.csv`: per review, one row per input of clause 9.3.2 (`section`
/// `input`), then per decision and per action.
pub fn management_reviews_doc_csv(doc: &ManagementReviewsDoc) -> String {
    let header: Vec<String> = REVIEW_COLUMNS.iter().map(|c| c.to_string()).collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for r in &doc.reviews {
        let head = |section: &str, item: &str, topic: &str, text: String| {
            vec![
                r.id.clone(),
                opt(&r.held),
                opt(&r.chair),
                section.to_string(),
                item.to_string(),
                topic.to_string(),
                text,
            ]
        };
        for i in &r.inputs {
            rows.push(head("input", i.item, i.input, opt(&i.text)));
        }
        for (n, d) in r.decisions.iter().enumerate() {
            rows.push(head("decision", &(n + 1).to_string(), "", d.clone()));
        }
        for (n, a) in r.actions.iter().enumerate() {
            rows.push(head("action", &(n + 1).to_string(), "", action(a)));
        }
    }
    write(&header, &rows)
}

/// `risk-register.csv` of the project.
pub fn risk_register_csv(analysis: &Analysis) -> String {
    risk_register_doc_csv(&RiskRegisterDoc::new(&analysis.model, &analysis.facts))
}

/// The columns of `ismsc catalog --format csv` before the attribute columns.
pub const CATALOG_COLUMNS: [&str; 4] = ["id", "title", "group", "group_title"];

/// The columns of `coverage/KEY.csv`.
pub const COVERAGE_COLUMNS: [&str; 8] = [
    "id",
    "title",
    "group",
    "group_title",
    "coverage",
    "through",
    "controls",
    "justification",
];

/// `coverage/KEY.csv`: one row per requirement of the framework.
pub fn coverage_doc_csv(doc: &CoverageDoc) -> String {
    let header: Vec<String> = COVERAGE_COLUMNS.iter().map(|c| c.to_string()).collect();
    let rows: Vec<Vec<String>> = doc
        .requirements
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.title.clone(),
                r.group.clone(),
                r.group_title.clone(),
                r.coverage.to_string(),
                list(&r.through),
                list(&r.controls),
                r.justification.clone().unwrap_or_default(),
            ]
        })
        .collect();
    write(&header, &rows)
}

/// `ismsc catalog --format csv`: [`CATALOG_COLUMNS`], then one column per attribute name the
/// catalogue uses (sorted), values joined with `"; "`.
pub fn catalog_doc_csv(doc: &CatalogDoc) -> String {
    let mut attributes: Vec<String> = doc
        .requirements
        .iter()
        .flat_map(|r| r.attributes.keys().cloned())
        .collect();
    attributes.sort();
    attributes.dedup();
    let mut header: Vec<String> = CATALOG_COLUMNS.iter().map(|c| c.to_string()).collect();
    header.extend(attributes.iter().cloned());
    let rows: Vec<Vec<String>> = doc
        .requirements
        .iter()
        .map(|r| {
            let mut row = vec![
                r.id.clone(),
                r.title.clone(),
                r.group.clone(),
                r.group_title.clone(),
            ];
            row.extend(
                attributes
                    .iter()
                    .map(|a| r.attributes.get(a).map(|v| list(v)).unwrap_or_default()),
            );
            row
        })
        .collect();
    write(&header, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_prefixes_formula_starters() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-1+2", "@SUM(A1)", "\tx"] {
            assert_eq!(guard(bad), format!("'{bad}"));
        }
        // A carriage return is a line break once guarded.
        assert_eq!(guard("\rx"), "'\nx");
    }

    #[test]
    fn guard_shows_controls_and_bidi() {
        assert_eq!(guard("a\u{1b}[2Jb"), "a\u{241b}[2Jb");
        assert_eq!(guard("=\u{202e}1"), "'=<U+202E>1");
    }

    #[test]
    fn guard_leaves_other_text_alone() {
        for fine in ["", "A.5.1", "R-001", "a = b", " =x", "'quoted", "yes"] {
            assert_eq!(guard(fine), fine);
        }
    }

    #[test]
    fn every_cell_is_guarded_and_quoted_as_csv() {
        let header = vec!["a".to_string(), "b".to_string()];
        let rows = vec![vec!["=1+1".to_string(), "x, \"y\"\nz".to_string()]];
        assert_eq!(write(&header, &rows), "a,b\n'=1+1,\"x, \"\"y\"\"\nz\"\n");
    }
}
