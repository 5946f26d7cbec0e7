//! `soa.xlsx`: the Statement of Applicability and the risk register as one Excel workbook,
//! the file an auditor asks for.
//!
//! - Sheet [`COVER_SHEET`]: the document control of the three documents (version, status,
//!   owner, approval, classification, review), the ISMS and its scope; a draft or overdue
//!   document is marked so, here, in every sheet's printed header and in the file's
//!   properties.
//! - Sheet [`SOA_SHEET`]: a header row, then one row per requirement of the standard in
//!   catalogue order (the rows of [`SoaDoc`]), a column per kind of reason for inclusion.
//! - Sheet [`EVIDENCE_SHEET`]: the evidence of the implementing controls, its address a link.
//! - Sheet [`RISK_SHEET`]: a header row, then one row per risk in model order (the rows of
//!   [`RiskRegisterDoc`]).
//! - Sheet [`PLAN_SHEET`]: a header row, then one row per open action of the risk treatment
//!   plan (a treating control not implemented yet), and sheet [`IMPLEMENTED_SHEET`] the
//!   treating controls already implemented (the rows of [`TreatmentPlanDoc`]).
//! - Sheets [`PROGRAMME_SHEET`] (one row per clause and applicable Annex A control: which
//!   audits cover it, when, and its state in the cycle), [`AUDITS_SHEET`] (one row per audit),
//!   [`NC_SHEET`] (the nonconformity register) and [`REVIEW_SHEET`] (the management review
//!   minutes, one row per input, decision and action).
//! - One sheet per framework the project opts into, named `Coverage <key>` (`:` as `-`): a
//!   header row, then one row per requirement with its coverage (the rows of [`CoverageDoc`]).
//!
//! Every sheet has a bold, filled, frozen header row, an autofilter over the table, wrapped
//! text in the long columns and print settings (landscape, one page wide, header repeated).
//!
//! **No user text becomes a formula:** every text cell is written with `write_string`, never
//! with a method that guesses the type, and goes through the CSV [`guard`] as well, so the
//! text stays harmless when the sheet is exported to CSV again.
//!
//! **Deterministic:** the document's creation date is fixed ([`FIXED_CREATED`]) unless
//! [`BuildOptions::timestamp`] gives one, and the zip entries carry a fixed date, so two
//! builds of the same project give byte-identical files.

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Image, Workbook,
    Worksheet, XlsxError,
};

use std::collections::BTreeMap;

use crate::{web_link, BuildOptions};
use ismsc_core::brand::{Brand, ImageFormat};
use ismsc_core::emit::csv::{self, guard};
use ismsc_core::emit::dto::{
    name_and_id, AuditEntry, AuditProgrammeDoc, CoverageDoc, CoverageRequirement, DocumentControl,
    ImplementedControl, ManagementReviewsDoc, NonconformityEntry, NonconformityRegisterDoc,
    OpenAction, ProgrammeRow, RiskEntry, RiskRating, RiskRegisterDoc, SoaControl, SoaDoc,
    TreatmentPlanDoc, Who,
};
use ismsc_core::emit::{Docs, OutputFile};
use ismsc_core::model::Model;
use ismsc_core::text::visible;

/// The name of the workbook in the output folder.
pub const FILE: &str = "soa.xlsx";

/// The name of the first sheet, the document control.
pub const COVER_SHEET: &str = "Document control";

/// The name of the sheet of the Statement of Applicability.
pub const SOA_SHEET: &str = "Statement of Applicability";

/// The name of the sheet of the evidence, with its links.
pub const EVIDENCE_SHEET: &str = "Evidence";

/// The name of the sheet of the treating controls already implemented.
pub const IMPLEMENTED_SHEET: &str = "Implemented controls";

/// The name of the second sheet, the risk register.
pub const RISK_SHEET: &str = "Risk register";

/// The name of the third sheet, the risk treatment plan.
pub const PLAN_SHEET: &str = "Treatment plan";

/// The name of the sheet of the audit programme.
pub const PROGRAMME_SHEET: &str = "Audit programme";

/// The name of the sheet of the audits.
pub const AUDITS_SHEET: &str = "Audits";

/// The name of the sheet of the nonconformity register.
pub const NC_SHEET: &str = "Nonconformities";

/// The name of the sheet of the management review minutes.
pub const REVIEW_SHEET: &str = "Management reviews";

/// The creation date written into the document properties when no time stamp is given,
/// `1980-01-01T00:00:00Z` (the date the zip entries carry as well).
pub const FIXED_CREATED: &str = "1980-01-01T00:00:00Z";

/// Excel's limit on the length of a cell's text, in UTF-16 code units.
const MAX_CELL_LEN: usize = 32_767;

/// One column of a sheet: its header, its width in characters, and whether its text wraps.
struct Column {
    header: &'static str,
    width: f64,
    wrap: bool,
}

const fn col(header: &'static str, width: f64, wrap: bool) -> Column {
    Column {
        header,
        width,
        wrap,
    }
}

/// The columns of the SoA sheet: a column per kind of reason for inclusion (ISO/IEC 27001
/// 6.1.3 d), the exclusion's justification in the business column.
const SOA_COLUMNS: [Column; 16] = [
    col("ID", 9.0, false),
    col("Title", 34.0, true),
    col("Theme", 18.0, true),
    col("Applicable", 11.0, false),
    col("Decision", 11.0, false),
    col("Risk", 14.0, true),
    col("Legal", 12.0, true),
    col("Regulatory", 12.0, true),
    col("Contractual", 13.0, true),
    col("Business reason / exclusion justification", 44.0, true),
    col("Status", 15.0, false),
    col("Due", 12.0, false),
    col("Implemented by", 34.0, true),
    col("Owners", 24.0, true),
    col("Policies", 20.0, true),
    col("Evidence", 44.0, true),
];

/// The columns of the evidence sheet.
const EVIDENCE_COLUMNS: [Column; 5] = [
    col("Control", 22.0, true),
    col("Evidence", 40.0, true),
    col("Collected", 12.0, false),
    col("Where", 60.0, true),
    col("Annex A", 22.0, true),
];

/// The columns of the risk register sheet.
const RISK_COLUMNS: [Column; 28] = [
    col("ID", 9.0, false),
    col("Title", 34.0, true),
    col("Owner", 22.0, true),
    col("Assets", 20.0, true),
    col("Threat", 34.0, true),
    col("Vulnerability", 34.0, true),
    col("Description and acceptance rationale", 44.0, true),
    col("Identified", 12.0, false),
    col("Inherent likelihood", 12.0, true),
    col("Inherent impact", 12.0, true),
    col("Inherent score", 10.0, false),
    col("Treatment", 12.0, false),
    col("Controls", 22.0, true),
    col("Pending controls", 18.0, true),
    col("Requires", 16.0, true),
    col("Today likelihood", 12.0, true),
    col("Today impact", 12.0, true),
    col("Today score", 10.0, false),
    col("Today basis", 12.0, false),
    col("Target likelihood", 12.0, true),
    col("Target impact", 12.0, true),
    col("Target score", 10.0, false),
    col("Acceptable (target)", 11.0, false),
    col("Acceptable today", 11.0, false),
    col("Accepted by", 22.0, true),
    col("Accepted on", 12.0, false),
    col("Accepted until", 12.0, false),
    col("Nonconformities", 16.0, true),
];

/// The columns of the audit programme sheet.
const PROGRAMME_COLUMNS: [Column; 9] = [
    col("Kind", 11.0, false),
    col("ID", 9.0, false),
    col("Title", 40.0, true),
    col("Status", 11.0, false),
    col("Last audit", 14.0, false),
    col("Last audited", 12.0, false),
    col("Next audit", 14.0, false),
    col("Next planned", 12.0, false),
    col("Audits", 30.0, true),
];

/// The columns of the audits sheet.
const AUDITS_COLUMNS: [Column; 11] = [
    col("ID", 12.0, false),
    col("Title", 40.0, true),
    col("Status", 11.0, false),
    col("Planned", 12.0, false),
    col("Performed", 12.0, false),
    col("Lead auditor", 14.0, true),
    col("Auditors", 16.0, true),
    col("Covers", 36.0, true),
    col("Criteria", 30.0, true),
    col("Findings", 16.0, true),
    col("Report", 24.0, true),
];

/// The columns of the nonconformity sheet.
const NC_COLUMNS: [Column; 16] = [
    col("ID", 12.0, false),
    col("Title", 34.0, true),
    col("Severity", 12.0, false),
    col("State", 10.0, false),
    col("Source", 14.0, true),
    col("Raised", 12.0, false),
    col("Against", 18.0, true),
    col("Owner", 14.0, true),
    col("Description", 40.0, true),
    col("Correction", 34.0, true),
    col("Root cause", 34.0, true),
    col("Corrective actions", 46.0, true),
    col("Verified by", 14.0, true),
    col("Verified on", 12.0, false),
    col("Effectiveness", 34.0, true),
    col("Risks", 14.0, true),
];

/// The columns of the management review sheet.
const REVIEW_COLUMNS: [Column; 6] = [
    col("Review", 12.0, false),
    col("Held", 12.0, false),
    col("Chair", 12.0, true),
    col("Item", 9.0, false),
    col("Topic", 40.0, true),
    col("Minutes", 70.0, true),
];

/// The columns of the treatment plan sheet: the open actions.
const PLAN_COLUMNS: [Column; 7] = [
    col("Control", 18.0, true),
    col("Control title", 40.0, true),
    col("Owner", 24.0, true),
    col("Status", 12.0, false),
    col("Due", 12.0, false),
    col("Risks it treats", 22.0, true),
    col("Satisfies", 18.0, true),
];

/// The columns of the sheet of implemented treating controls.
const IMPLEMENTED_COLUMNS: [Column; 3] = [
    col("Control", 22.0, true),
    col("Control title", 50.0, true),
    col("Risks it treats", 30.0, true),
];

/// The columns of a coverage sheet.
const COVERAGE_COLUMNS: [Column; 7] = [
    col("ID", 12.0, false),
    col("Title", 48.0, true),
    col("Group", 28.0, true),
    col("Coverage", 14.0, false),
    col("Through", 24.0, true),
    col("Controls", 28.0, true),
    col("Justification", 40.0, true),
];

/// Light fills: the header, and the cells whose value is a verdict.
const HEADER_FILL: u32 = 0xD9E1F2;
const GREEN: u32 = 0xC6EFCE;
const YELLOW: u32 = 0xFFEB9C;
const BLUE: u32 = 0xDDEBF7;
const RED: u32 = 0xFFC7CE;
const GREY: u32 = 0xEDEDED;
const LINK_BLUE: u32 = 0x0563C1;

/// One cell of a data row.
enum Cell {
    /// Text, guarded and written as a string; empty text leaves the cell blank.
    Text(String),
    /// A number the compiler computed (a risk score); `None` leaves the cell blank.
    Number(Option<u32>),
    /// Text on a light fill of the given RGB colour.
    Filled(String, u32),
    /// A link: its text and its address (an `http(s)` or `mailto` address).
    Link(String, String),
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt(s: &Option<String>) -> Cell {
    text(s.clone().unwrap_or_default())
}

/// Lists of ids, joined as in the CSV files.
fn list(items: &[String]) -> Cell {
    text(items.join("; "))
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "Yes"
    } else {
        "No"
    }
}

fn status_fill(status: &str) -> u32 {
    match status {
        "implemented" => GREEN,
        "partial" => YELLOW,
        "planned" => BLUE,
        "not-implemented" => RED,
        _ => GREY,
    }
}

/// Cuts text to Excel's cell limit, at a character boundary, marking the cut with `…`.
fn fit(s: String) -> String {
    if s.encode_utf16().count() <= MAX_CELL_LEN {
        return s;
    }
    let mut units = 0;
    let mut end = 0;
    for (i, ch) in s.char_indices() {
        if units + ch.len_utf16() > MAX_CELL_LEN - 1 {
            break;
        }
        units += ch.len_utf16();
        end = i + ch.len_utf8();
    }
    let mut cut = s[..end].to_string();
    cut.push('…');
    cut
}

/// The text a cell holds: guarded against formulas, within Excel's limit.
fn cell_text(s: &str) -> String {
    fit(guard(s))
}

/// People and teams by name, each with its id beside it, one per line.
fn who_list(people: &BTreeMap<String, Who>, ids: &[String]) -> Cell {
    text(
        ids.iter()
            .map(|id| name_and_id(people, id))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

fn who(people: &BTreeMap<String, Who>, id: &Option<String>) -> Cell {
    text(
        id.as_deref()
            .map(|i| name_and_id(people, i))
            .unwrap_or_default(),
    )
}

/// The reasons of one kind of a row: the ids behind them, or the text.
fn reasons_of(c: &SoaControl, kind: &str) -> Cell {
    text(
        c.reasons
            .iter()
            .filter(|r| r.kind == kind)
            .flat_map(|r| r.ids.iter().cloned().chain(r.text.iter().cloned()))
            .collect::<Vec<_>>()
            .join("; "),
    )
}

fn soa_row(model: &Model, c: &SoaControl, people: &BTreeMap<String, Who>) -> Vec<Cell> {
    let decision = if c.decision == "undecided" {
        Cell::Filled(c.decision.to_string(), RED)
    } else {
        text(c.decision)
    };
    let business = match c.decision {
        "excluded" => opt(&c.justification),
        _ => reasons_of(c, "business"),
    };
    // Each implementing control by its title, with its id beside it.
    let implemented: Vec<String> = c
        .refs
        .implemented_by
        .iter()
        .filter_map(|id| model.entity(*id))
        .map(|e| match &e.title {
            Some(t) => format!("{t} ({})", e.id),
            None => e.id.clone(),
        })
        .collect();
    vec![
        text(c.id.clone()),
        text(c.title.clone()),
        text(c.theme_title.clone()),
        text(yes_no(c.applicable)),
        decision,
        reasons_of(c, "risk"),
        reasons_of(c, "legal"),
        reasons_of(c, "regulatory"),
        reasons_of(c, "contractual"),
        business,
        Cell::Filled(c.status.to_string(), status_fill(c.status)),
        opt(&c.due),
        text(implemented.join("\n")),
        who_list(people, &c.owners),
        list(&c.policies),
        text(csv::evidence(c).join("\n")),
    ]
}

/// The evidence of the SoA, once per control and title, with the Annex A controls it serves.
fn evidence_rows(soa: &SoaDoc) -> Vec<Vec<Cell>> {
    /// Control, title, collected, where, and the Annex A controls it serves.
    type Row = (String, String, Option<String>, Option<String>, Vec<String>);
    let mut rows: Vec<Row> = Vec::new();
    for c in &soa.controls {
        for e in &c.evidence {
            match rows.iter_mut().find(|r| r.0 == e.control && r.1 == e.title) {
                Some(r) => {
                    if !r.4.contains(&c.id) {
                        r.4.push(c.id.clone());
                    }
                }
                None => rows.push((
                    e.control.clone(),
                    e.title.clone(),
                    e.collected.clone(),
                    e.at.clone(),
                    vec![c.id.clone()],
                )),
            }
        }
    }
    rows.into_iter()
        .map(|(control, title, collected, at, reqs)| {
            let at = match at.as_deref().and_then(web_link) {
                Some(url) => Cell::Link(url.to_string(), url.to_string()),
                None => text(at.unwrap_or_default()),
            };
            vec![
                text(control),
                text(title),
                text(collected.unwrap_or_default()),
                at,
                text(reqs.join("; ")),
            ]
        })
        .collect()
}

fn plan_row(a: &OpenAction, people: &BTreeMap<String, Who>) -> Vec<Cell> {
    vec![
        text(a.control.clone()),
        opt(&a.control_title),
        who(people, &a.owner),
        Cell::Filled(a.status.clone(), status_fill(&a.status)),
        opt(&a.due),
        list(&a.risks),
        list(&a.satisfies),
    ]
}

fn implemented_row(c: &ImplementedControl) -> Vec<Cell> {
    vec![
        text(c.control.clone()),
        opt(&c.control_title),
        list(&c.risks),
    ]
}

fn rating_cells(r: Option<&RiskRating>) -> [Cell; 3] {
    match r {
        Some(r) => [opt(&r.likelihood), opt(&r.impact), Cell::Number(r.score)],
        None => [text(""), text(""), Cell::Number(None)],
    }
}

fn verdict(b: bool) -> Cell {
    Cell::Filled(yes_no(b).to_string(), if b { GREEN } else { RED })
}

fn risk_row(r: &RiskEntry, people: &BTreeMap<String, Who>) -> Vec<Cell> {
    let [il, ii, is] = rating_cells(Some(&r.inherent));
    let [rl, ri, rs] = rating_cells(r.residual.as_ref());
    let [cl, ci, cs] = rating_cells(r.current.as_ref());
    let (by, on, until) = match &r.accepted {
        Some(a) => (
            Some(a.by.clone()),
            a.on.clone(),
            a.until.clone().unwrap_or_default(),
        ),
        None => (None, String::new(), String::new()),
    };
    vec![
        text(r.id.clone()),
        opt(&r.title),
        who(people, &r.owner),
        list(&r.assets),
        opt(&r.threat),
        opt(&r.vulnerability),
        opt(&r.description),
        opt(&r.identified),
        il,
        ii,
        is,
        opt(&r.treatment),
        list(&r.controls),
        list(&r.pending_controls),
        list(&r.requires),
        cl,
        ci,
        cs,
        text(r.current_basis),
        rl,
        ri,
        rs,
        verdict(r.acceptable),
        verdict(r.acceptable_now),
        who(people, &by),
        text(on),
        text(until),
        list(&r.nonconformities),
    ]
}

/// The fill of a state of the check and act records.
fn state_fill(state: &str) -> u32 {
    match state {
        "audited" | "performed" | "done" | "closed" | "held" => GREEN,
        "planned" | "open" => BLUE,
        "overdue" | "missing" => RED,
        _ => GREY,
    }
}

fn programme_row(r: &ProgrammeRow) -> Vec<Cell> {
    vec![
        text(r.kind),
        text(r.id.clone()),
        text(r.title.clone()),
        Cell::Filled(r.status.to_string(), state_fill(r.status)),
        opt(&r.last_audit),
        opt(&r.last_audited),
        opt(&r.next_audit),
        opt(&r.next_planned),
        list(&r.audits),
    ]
}

fn audit_row(a: &AuditEntry) -> Vec<Cell> {
    vec![
        text(a.id.clone()),
        opt(&a.title),
        Cell::Filled(a.status.to_string(), state_fill(a.status)),
        opt(&a.planned),
        opt(&a.performed),
        opt(&a.lead),
        list(&a.auditors),
        list(&a.covers),
        opt(&a.criteria),
        list(&a.findings),
        opt(&a.report_file),
    ]
}

fn nc_row(n: &NonconformityEntry) -> Vec<Cell> {
    let severity = n.severity.unwrap_or_default();
    let fill = match severity {
        "major" => RED,
        "minor" => YELLOW,
        _ => GREY,
    };
    vec![
        text(n.id.clone()),
        opt(&n.title),
        Cell::Filled(severity.to_string(), fill),
        Cell::Filled(n.state.to_string(), state_fill(n.state)),
        opt(&n.source),
        opt(&n.raised),
        list(&n.against),
        opt(&n.owner),
        opt(&n.description),
        opt(&n.correction),
        opt(&n.root_cause),
        text(
            n.actions
                .iter()
                .map(csv::action)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        opt(&n.verified_by),
        opt(&n.verified_on),
        opt(&n.effectiveness),
        list(&n.risks),
    ]
}

fn review_rows(doc: &ManagementReviewsDoc) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for r in &doc.reviews {
        let head = |item: String, topic: String, minutes: Cell| {
            vec![
                text(r.id.clone()),
                opt(&r.held),
                opt(&r.chair),
                text(item),
                text(topic),
                minutes,
            ]
        };
        for i in &r.inputs {
            let minutes = match &i.text {
                Some(t) => text(t.clone()),
                None if r.status == "held" => Cell::Filled("not recorded".into(), RED),
                None => text(""),
            };
            rows.push(head(i.item.to_string(), i.input.to_string(), minutes));
        }
        for d in &r.decisions {
            rows.push(head("9.3.3".into(), "Decision".into(), text(d.clone())));
        }
        for a in &r.actions {
            rows.push(head(
                "9.3.3".into(),
                "Action".into(),
                Cell::Filled(csv::action(a), state_fill(a.status)),
            ));
        }
    }
    rows
}

fn coverage_row(r: &CoverageRequirement) -> Vec<Cell> {
    let fill = match r.coverage {
        "full" => GREEN,
        "partial" => YELLOW,
        "none" => RED,
        _ => GREY,
    };
    let group = if r.group_title.is_empty() {
        r.group.clone()
    } else {
        format!("{} {}", r.group, r.group_title)
    };
    vec![
        text(r.id.clone()),
        text(r.title.clone()),
        text(group),
        Cell::Filled(r.coverage.to_string(), fill),
        list(&r.through),
        list(&r.controls),
        opt(&r.justification),
    ]
}

/// The name of a framework's coverage sheet: `Coverage <key>` within Excel's 31 characters,
/// without the characters a sheet name may not hold, and unlike the names already `taken`
/// (compared without case, as Excel does).
fn coverage_sheet_name(doc: &CoverageDoc, taken: &mut Vec<String>) -> String {
    let clean: String = format!("Coverage {}", doc.slug())
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' | '\'' => '-',
            c if c.is_control() => '-',
            c => c,
        })
        .collect();
    let base: String = clean.chars().take(31).collect();
    let mut name = base.clone();
    let mut n = 2;
    while taken
        .iter()
        .any(|t| t.to_lowercase() == name.to_lowercase())
    {
        let suffix = format!(" {n}");
        let keep = 31 - suffix.chars().count();
        name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// The printed header and footer of a sheet of a document: its title and marking (`DRAFT`,
/// `OVERDUE`) on every page, its version and classification, the page number.
fn print_marks(ws: &mut Worksheet, organization: Option<&str>, d: &DocumentControl) {
    // `&` starts a control code in Excel's header syntax: doubled, it prints as itself.
    let esc = |s: &str| s.replace('&', "&&");
    let mut left = esc(&d.title);
    if let Some(o) = organization {
        left = format!("{} — {left}", esc(o));
    }
    let right = d
        .marking()
        .map(|m| format!("&\"-,Bold\"{m}"))
        .unwrap_or_default();
    ws.set_header(format!("&L{left}&R{right}"));
    let version = d
        .version
        .as_ref()
        .or(d.isms_version.as_ref())
        .map(|v| format!("Version {}", esc(v)))
        .unwrap_or_default();
    let class = d
        .classification
        .as_deref()
        .map(|c| esc(&c.to_uppercase()))
        .unwrap_or_default();
    ws.set_footer(format!("&L{version}&C{class}&RPage &P of &N"));
}

/// Writes one table: the header, the rows, the widths, the frozen header and the filter.
fn table(ws: &mut Worksheet, columns: &[Column], rows: &[Vec<Cell>]) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(HEADER_FILL))
        .set_border_bottom(FormatBorder::Thin);
    let plain = Format::new().set_align(FormatAlign::Top);
    let wrapped = plain.clone().set_text_wrap();
    for (c, column) in (0u16..).zip(columns) {
        ws.set_column_width(c, column.width)?;
        ws.write_string_with_format(0, c, column.header, &header)?;
    }
    let mut last_row = 0;
    for (r, row) in (1u32..).zip(rows) {
        for ((c, cell), column) in (0u16..).zip(row).zip(columns) {
            let base = if column.wrap { &wrapped } else { &plain };
            match cell {
                Cell::Text(s) => {
                    ws.write_string_with_format(r, c, cell_text(s), base)?;
                }
                Cell::Number(Some(n)) => {
                    ws.write_number_with_format(r, c, *n, base)?;
                }
                Cell::Number(None) => {}
                Cell::Filled(s, rgb) => {
                    let filled = base.clone().set_background_color(Color::RGB(*rgb));
                    ws.write_string_with_format(r, c, cell_text(s), &filled)?;
                }
                Cell::Link(s, url) => {
                    // An address Excel refuses (too long, malformed) stays text.
                    let link = Format::new()
                        .set_align(FormatAlign::Top)
                        .set_text_wrap()
                        .set_font_color(Color::RGB(LINK_BLUE))
                        .set_underline(rust_xlsxwriter::FormatUnderline::Single);
                    let url = rust_xlsxwriter::Url::new(url.as_str()).set_text(cell_text(s));
                    if ws.write_url_with_format(r, c, url, &link).is_err() {
                        ws.write_string_with_format(r, c, cell_text(s), base)?;
                    }
                }
            }
        }
        last_row = r;
    }
    let last_col = (0u16..).zip(columns).map(|(c, _)| c).last().unwrap_or(0);
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, last_row, last_col)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The document properties: titles from the project, the SoA's version and status (`DRAFT`
/// in the title and keywords of a draft), its owner, and a creation date: the SoA's latest
/// approval, else a fixed date, so two builds are byte-identical; `--timestamp` replaces it.
fn properties(soa: &SoaDoc, options: &BuildOptions) -> Result<DocProperties, XlsxError> {
    let d = &soa.document;
    let fixed = ExcelDateTime::parse_from_str(FIXED_CREATED)?;
    let approved = d
        .approved
        .iter()
        .map(|a| a.on.as_str())
        .max()
        .and_then(|on| ExcelDateTime::parse_from_str(on).ok());
    let created = options
        .timestamp
        .as_deref()
        .and_then(|t| ExcelDateTime::parse_from_str(t).ok())
        .or(approved)
        .unwrap_or(fixed);
    let mut title = d.title.clone();
    if let Some(org) = &soa.organization {
        title.push_str(&format!(" — {}", visible(org)));
    }
    if let Some(m) = d.marking() {
        title = format!("{m} — {title}");
    }
    let status = match d.status {
        "approved" => "Approved",
        "overdue" => "Overdue for review",
        _ => "Draft",
    };
    let mut props = DocProperties::new()
        .set_title(title)
        .set_subject(visible(
            soa.standard_title.as_deref().unwrap_or(&soa.standard),
        ))
        .set_author("ismsc")
        .set_status(status)
        .set_category("Statement of Applicability")
        .set_custom_property("Document status", status)
        .set_creation_datetime(&created);
    if let Some(m) = d.marking() {
        props = props.set_keywords(m);
    }
    if let Some(v) = &d.version {
        props = props.set_custom_property("Version", v.as_str());
    }
    if let Some(v) = &d.isms_version {
        props = props.set_custom_property("ISMS version", v.as_str());
    }
    if let Some(c) = &d.classification {
        props = props.set_custom_property("Classification", c.as_str());
    }
    if let Some(owner) = &d.owner {
        props = props.set_manager(name_and_id(&soa.people, owner));
    }
    if let Some(org) = &soa.organization {
        props = props.set_company(visible(org));
    }
    if let Some(t) = &options.timestamp {
        props = props.set_comment(format!("Generated {t}"));
    }
    Ok(props)
}

/// The cover sheet: the ISMS, the document control of each document of the workbook, and the
/// scope.
fn cover(
    ws: &mut Worksheet,
    soa: &SoaDoc,
    docs: [(&DocumentControl, &BTreeMap<String, Who>, &str); 3],
    options: &BuildOptions,
    brand: &Brand,
) -> Result<(), XlsxError> {
    let mut title = Format::new().set_bold().set_font_size(16);
    if let Some(c) = brand.color.as_deref().and_then(color) {
        title = title.set_font_color(Color::RGB(c));
    }
    let bold = Format::new().set_bold().set_align(FormatAlign::Top);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(HEADER_FILL))
        .set_border_bottom(FormatBorder::Thin);
    let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let alert = wrapped
        .clone()
        .set_bold()
        .set_font_color(Color::RGB(0x9C0006))
        .set_background_color(Color::RGB(RED));
    let widths = [26.0, 30.0, 12.0, 14.0, 16.0, 28.0, 36.0, 16.0, 14.0, 14.0];
    for (c, w) in (0u16..).zip(widths) {
        ws.set_column_width(c, w)?;
    }
    ws.write_string_with_format(
        0,
        0,
        cell_text(soa.organization.as_deref().unwrap_or("")),
        &bold,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "Statement of Applicability, risk register and risk treatment plan",
        &title,
    )?;
    let standard = soa.standard_title.as_deref().unwrap_or(&soa.standard);
    let facts: Vec<(&str, String)> = vec![
        ("ISMS", soa.isms.clone().unwrap_or_default()),
        (
            "ISMS version",
            soa.document.isms_version.clone().unwrap_or_default(),
        ),
        ("Standard", standard.to_string()),
        ("ISMS scope", soa.document.scope.clone().unwrap_or_default()),
        ("Generated", options.timestamp.clone().unwrap_or_default()),
    ];
    let mut row = 3u32;
    for (label, value) in facts {
        if value.is_empty() {
            continue;
        }
        ws.write_string_with_format(row, 0, label, &bold)?;
        ws.merge_range(row, 1, row, 6, &cell_text(value.trim()), &wrapped)?;
        if label == "ISMS scope" {
            ws.set_row_height(row, 60)?;
        }
        row += 1;
    }
    row += 1;
    let columns = [
        "Document",
        "Title",
        "Version",
        "Status",
        "Owner",
        "Approved by",
        "Approved on",
        "Classification",
        "Review interval",
        "Next review",
    ];
    for (c, h) in (0u16..).zip(columns) {
        ws.write_string_with_format(row, c, h, &header)?;
    }
    for (d, people, sheet) in docs {
        row += 1;
        let status = match d.status {
            "approved" => "Approved".to_string(),
            "overdue" => "OVERDUE".to_string(),
            _ => "DRAFT".to_string(),
        };
        let approvers: Vec<String> = d
            .approved
            .iter()
            .map(|a| name_and_id(people, &a.by))
            .collect();
        let dates: Vec<&str> = d.approved.iter().map(|a| a.on.as_str()).collect();
        let cells = [
            sheet.to_string(),
            d.title.clone(),
            d.version.clone().unwrap_or_default(),
            status,
            d.owner
                .as_deref()
                .map(|o| name_and_id(people, o))
                .unwrap_or_default(),
            approvers.join("\n"),
            dates.join("\n"),
            d.classification.clone().unwrap_or_default(),
            d.review.clone().unwrap_or_default(),
            d.next_review.clone().unwrap_or_default(),
        ];
        for (c, v) in (0u16..).zip(cells) {
            let f = if c == 3 && d.marking().is_some() {
                &alert
            } else {
                &wrapped
            };
            ws.write_string_with_format(row, c, cell_text(&v), f)?;
        }
    }
    row += 2;
    ws.merge_range(
        row,
        0,
        row,
        6,
        "A document marked DRAFT has no recorded approval; one marked OVERDUE is past its review date. Neither is a controlled copy.",
        &wrapped,
    )?;
    ws.set_row_height(row, 30)?;
    if let Some(line) = &brand.footer {
        row += 2;
        ws.merge_range(row, 0, row, 6, &cell_text(line), &wrapped)?;
    }
    // The logo beside the title: a PNG (the workbook format holds no SVG); one the writer
    // cannot read is left out rather than costing the workbook.
    if let Some(logo) = brand.logo.as_ref().filter(|l| l.format == ImageFormat::Png) {
        if let Ok(image) = Image::new_from_buffer(&logo.asset.bytes) {
            let image = image.set_scale_to_size(180, 48, true).set_alt_text("Logo");
            ws.insert_image(0, 6, &image)?;
        }
    }
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    print_marks(ws, soa.organization.as_deref(), &soa.document);
    Ok(())
}

/// `#rrggbb` as a number.
fn color(hex: &str) -> Option<u32> {
    u32::from_str_radix(hex.strip_prefix('#')?, 16).ok()
}

/// The documents of the workbook.
struct Sheets<'a> {
    model: &'a Model,
    soa: &'a SoaDoc,
    risks: &'a RiskRegisterDoc,
    plan: &'a TreatmentPlanDoc,
    programme: &'a AuditProgrammeDoc,
    nonconformities: &'a NonconformityRegisterDoc,
    reviews: &'a ManagementReviewsDoc,
    coverage: &'a [CoverageDoc],
}

/// The bytes of `soa.xlsx`.
fn workbook(d: &Sheets<'_>, options: &BuildOptions, brand: &Brand) -> Result<Vec<u8>, XlsxError> {
    let (model, soa, risks, plan) = (d.model, d.soa, d.risks, d.plan);
    let mut wb = Workbook::new();
    wb.set_properties(&properties(soa, options)?);
    let org = soa.organization.as_deref();
    cover(
        wb.add_worksheet().set_name(COVER_SHEET)?,
        soa,
        [
            (&soa.document, &soa.people, SOA_SHEET),
            (&risks.document, &risks.people, RISK_SHEET),
            (&plan.document, &plan.people, PLAN_SHEET),
        ],
        options,
        brand,
    )?;
    let rows: Vec<Vec<Cell>> = soa
        .controls
        .iter()
        .map(|c| soa_row(model, c, &soa.people))
        .collect();
    let ws = wb.add_worksheet().set_name(SOA_SHEET)?;
    table(ws, &SOA_COLUMNS, &rows)?;
    print_marks(ws, org, &soa.document);
    let rows = evidence_rows(soa);
    let ws = wb.add_worksheet().set_name(EVIDENCE_SHEET)?;
    table(ws, &EVIDENCE_COLUMNS, &rows)?;
    print_marks(ws, org, &soa.document);
    let rows: Vec<Vec<Cell>> = risks
        .risks
        .iter()
        .map(|r| risk_row(r, &risks.people))
        .collect();
    let ws = wb.add_worksheet().set_name(RISK_SHEET)?;
    table(ws, &RISK_COLUMNS, &rows)?;
    print_marks(ws, org, &risks.document);
    let rows: Vec<Vec<Cell>> = plan
        .open_actions
        .iter()
        .map(|a| plan_row(a, &plan.people))
        .collect();
    let ws = wb.add_worksheet().set_name(PLAN_SHEET)?;
    table(ws, &PLAN_COLUMNS, &rows)?;
    print_marks(ws, org, &plan.document);
    let rows: Vec<Vec<Cell>> = plan.implemented.iter().map(implemented_row).collect();
    let ws = wb.add_worksheet().set_name(IMPLEMENTED_SHEET)?;
    table(ws, &IMPLEMENTED_COLUMNS, &rows)?;
    print_marks(ws, org, &plan.document);
    let rows: Vec<Vec<Cell>> = d.programme.coverage.iter().map(programme_row).collect();
    table(
        wb.add_worksheet().set_name(PROGRAMME_SHEET)?,
        &PROGRAMME_COLUMNS,
        &rows,
    )?;
    let rows: Vec<Vec<Cell>> = d.programme.audits.iter().map(audit_row).collect();
    table(
        wb.add_worksheet().set_name(AUDITS_SHEET)?,
        &AUDITS_COLUMNS,
        &rows,
    )?;
    let rows: Vec<Vec<Cell>> = d
        .nonconformities
        .nonconformities
        .iter()
        .map(nc_row)
        .collect();
    table(wb.add_worksheet().set_name(NC_SHEET)?, &NC_COLUMNS, &rows)?;
    table(
        wb.add_worksheet().set_name(REVIEW_SHEET)?,
        &REVIEW_COLUMNS,
        &review_rows(d.reviews),
    )?;
    let mut taken = vec![
        COVER_SHEET.to_string(),
        SOA_SHEET.to_string(),
        EVIDENCE_SHEET.to_string(),
        RISK_SHEET.to_string(),
        PLAN_SHEET.to_string(),
        IMPLEMENTED_SHEET.to_string(),
        PROGRAMME_SHEET.to_string(),
        AUDITS_SHEET.to_string(),
        NC_SHEET.to_string(),
        REVIEW_SHEET.to_string(),
    ];
    for doc in d.coverage {
        let rows: Vec<Vec<Cell>> = doc.requirements.iter().map(coverage_row).collect();
        let name = coverage_sheet_name(doc, &mut taken);
        table(wb.add_worksheet().set_name(name)?, &COVERAGE_COLUMNS, &rows)?;
    }
    wb.save_to_buffer()
}

/// `soa.xlsx` of the project: the SoA, the risk register, the treatment plan and the check
/// and act sheets, and a coverage sheet per framework the project opts into. Empty when the
/// project has no known standard (and so no SoA), or when the workbook cannot be written (more
/// risks than a sheet has rows, 1,048,575).
pub fn files(model: &Model, docs: &Docs, options: &BuildOptions) -> Vec<OutputFile> {
    branded_files(model, docs, options, &Brand::default())
}

/// [`files`] with the project's branding on the cover sheet: the title in the accent colour,
/// the footer line, and a PNG logo.
pub fn branded_files(
    model: &Model,
    docs: &Docs,
    options: &BuildOptions,
    brand: &Brand,
) -> Vec<OutputFile> {
    let Some(soa) = &docs.soa else {
        return Vec::new();
    };
    let sheets = Sheets {
        model,
        soa,
        risks: &docs.register,
        plan: &docs.plan,
        programme: &docs.programme,
        nonconformities: &docs.nonconformities,
        reviews: &docs.reviews,
        coverage: &docs.coverage,
    };
    match workbook(&sheets, options, brand) {
        Ok(content) => vec![OutputFile {
            name: FILE.to_string(),
            content,
        }],
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(key: &str) -> CoverageDoc {
        CoverageDoc {
            schema_version: 1,
            framework: key.to_string(),
            title: None,
            standard: String::new(),
            attribution: Vec::new(),
            summary: Default::default(),
            requirements: Vec::new(),
            mappings: 0,
        }
    }

    #[test]
    fn coverage_sheet_names_are_valid_and_distinct() {
        let mut taken = vec![SOA_SHEET.to_string()];
        assert_eq!(
            coverage_sheet_name(&doc("nist-csf:2.0"), &mut taken),
            "Coverage nist-csf-2.0"
        );
        let long = doc("a-very-long-framework-key-of-a-project:2026");
        let first = coverage_sheet_name(&long, &mut taken);
        let second = coverage_sheet_name(&long, &mut taken);
        assert_eq!(first.chars().count(), 31);
        assert_eq!(second.chars().count(), 31);
        assert!(second.ends_with(" 2"), "{second}");
        assert_ne!(first, second);
        let odd = coverage_sheet_name(&doc("x[1]*?'"), &mut taken);
        assert!(!odd.contains(['[', ']', '*', '?', '\'', ':']), "{odd}");
    }

    #[test]
    fn fit_keeps_short_text() {
        assert_eq!(fit("abc".into()), "abc");
        let exact = "x".repeat(MAX_CELL_LEN);
        assert_eq!(fit(exact.clone()), exact);
    }

    #[test]
    fn fit_cuts_long_text_at_a_character_boundary() {
        let long = "é😀".repeat(MAX_CELL_LEN);
        let cut = fit(long);
        assert!(cut.encode_utf16().count() <= MAX_CELL_LEN);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn cell_text_is_guarded() {
        assert_eq!(cell_text("=1+1"), "'=1+1");
        assert_eq!(cell_text("R-1"), "R-1");
    }

    #[test]
    fn the_fixed_creation_date_parses() {
        assert!(ExcelDateTime::parse_from_str(FIXED_CREATED).is_ok());
    }
}
