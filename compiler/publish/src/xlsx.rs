//! `soa.xlsx`: the Statement of Applicability and the risk register as one Excel workbook,
//! the file an auditor asks for.
//!
//! - Sheet [`SOA_SHEET`]: a header row, then one row per requirement of the standard in
//!   catalogue order (the rows of [`SoaDoc`]).
//! - Sheet [`RISK_SHEET`]: a header row, then one row per risk in model order (the rows of
//!   [`RiskRegisterDoc`]).
//! - Sheet [`PLAN_SHEET`]: a header row, then one row per action of the risk treatment plan
//!   (the rows of [`TreatmentPlanDoc`]).
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
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use crate::BuildOptions;
use ismsc_core::emit::csv::{self, guard};
use ismsc_core::emit::dto::{
    AuditEntry, AuditProgrammeDoc, CoverageDoc, CoverageRequirement, ManagementReviewsDoc,
    NonconformityEntry, NonconformityRegisterDoc, ProgrammeRow, RiskEntry, RiskRating,
    RiskRegisterDoc, SoaControl, SoaDoc, TreatmentAction, TreatmentPlanDoc,
};
use ismsc_core::emit::{Docs, OutputFile};
use ismsc_core::text::visible;

/// The name of the workbook in the output folder.
pub const FILE: &str = "soa.xlsx";

/// The name of the first sheet, the Statement of Applicability.
pub const SOA_SHEET: &str = "Statement of Applicability";

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

/// The columns of the SoA sheet.
const SOA_COLUMNS: [Column; 12] = [
    col("ID", 9.0, false),
    col("Title", 38.0, true),
    col("Theme", 22.0, true),
    col("Applicable", 11.0, false),
    col("Decision", 11.0, false),
    col("Justification", 50.0, true),
    col("Reasons", 28.0, true),
    col("Status", 15.0, false),
    col("Implemented by", 24.0, true),
    col("Owners", 16.0, true),
    col("Policies", 20.0, true),
    col("Evidence", 50.0, true),
];

/// The columns of the risk register sheet.
const RISK_COLUMNS: [Column; 20] = [
    col("ID", 9.0, false),
    col("Title", 34.0, true),
    col("Owner", 14.0, true),
    col("Assets", 20.0, true),
    col("Threat", 34.0, true),
    col("Vulnerability", 34.0, true),
    col("Inherent likelihood", 12.0, true),
    col("Inherent impact", 12.0, true),
    col("Inherent score", 10.0, false),
    col("Treatment", 12.0, false),
    col("Controls", 22.0, true),
    col("Requires", 16.0, true),
    col("Residual likelihood", 12.0, true),
    col("Residual impact", 12.0, true),
    col("Residual score", 10.0, false),
    col("Acceptable", 11.0, false),
    col("Accepted by", 14.0, true),
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

/// The columns of the treatment plan sheet.
const PLAN_COLUMNS: [Column; 12] = [
    col("Risk", 9.0, false),
    col("Risk title", 34.0, true),
    col("Risk owner", 14.0, true),
    col("Treatment", 12.0, false),
    col("Control", 18.0, true),
    col("Control title", 34.0, true),
    col("Control owner", 14.0, true),
    col("Status", 15.0, false),
    col("Due", 12.0, false),
    col("Satisfies", 16.0, true),
    col("Remaining score", 10.0, false),
    col("Accepted by", 14.0, true),
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

/// One cell of a data row.
enum Cell {
    /// Text, guarded and written as a string; empty text leaves the cell blank.
    Text(String),
    /// A number the compiler computed (a risk score); `None` leaves the cell blank.
    Number(Option<u32>),
    /// Text on a light fill of the given RGB colour.
    Filled(String, u32),
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

fn soa_row(c: &SoaControl) -> Vec<Cell> {
    let decision = if c.decision == "undecided" {
        Cell::Filled(c.decision.to_string(), RED)
    } else {
        text(c.decision)
    };
    vec![
        text(c.id.clone()),
        text(c.title.clone()),
        text(c.theme_title.clone()),
        text(yes_no(c.applicable)),
        decision,
        opt(&c.justification),
        text(csv::reasons(c).join("; ")),
        Cell::Filled(c.status.to_string(), status_fill(c.status)),
        list(&c.implemented_by),
        list(&c.owners),
        list(&c.policies),
        text(csv::evidence(c).join("\n")),
    ]
}

fn plan_row(a: &TreatmentAction) -> Vec<Cell> {
    let status = match &a.status {
        Some(st) => Cell::Filled(st.clone(), status_fill(st)),
        None => text(""),
    };
    vec![
        text(a.risk.clone()),
        opt(&a.risk_title),
        opt(&a.risk_owner),
        opt(&a.treatment),
        opt(&a.control),
        opt(&a.control_title),
        opt(&a.control_owner),
        status,
        opt(&a.due),
        list(&a.satisfies),
        Cell::Number(a.remaining_score),
        opt(&a.accepted_by),
    ]
}

fn rating_cells(r: Option<&RiskRating>) -> [Cell; 3] {
    match r {
        Some(r) => [opt(&r.likelihood), opt(&r.impact), Cell::Number(r.score)],
        None => [text(""), text(""), Cell::Number(None)],
    }
}

fn risk_row(r: &RiskEntry) -> Vec<Cell> {
    let [il, ii, is] = rating_cells(Some(&r.inherent));
    let [rl, ri, rs] = rating_cells(r.residual.as_ref());
    let (by, on, until) = match &r.accepted {
        Some(a) => (
            a.by.clone(),
            a.on.clone(),
            a.until.clone().unwrap_or_default(),
        ),
        None => Default::default(),
    };
    let acceptable = Cell::Filled(
        yes_no(r.acceptable).to_string(),
        if r.acceptable { GREEN } else { RED },
    );
    vec![
        text(r.id.clone()),
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
        acceptable,
        text(by),
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

/// The document properties: titles from the project, and the creation date.
fn properties(soa: &SoaDoc, options: &BuildOptions) -> Result<DocProperties, XlsxError> {
    let fixed = ExcelDateTime::parse_from_str(FIXED_CREATED)?;
    let created = options
        .timestamp
        .as_deref()
        .and_then(|t| ExcelDateTime::parse_from_str(t).ok())
        .unwrap_or(fixed);
    let mut title = "Statement of Applicability".to_string();
    if let Some(org) = &soa.organization {
        title.push_str(&format!(" — {}", visible(org)));
    }
    let mut props = DocProperties::new()
        .set_title(title)
        .set_subject(visible(
            soa.standard_title.as_deref().unwrap_or(&soa.standard),
        ))
        .set_author("ismsc")
        .set_creation_datetime(&created);
    if let Some(org) = &soa.organization {
        props = props.set_company(visible(org));
    }
    if let Some(t) = &options.timestamp {
        props = props.set_comment(format!("Generated {t}"));
    }
    Ok(props)
}

/// The documents of the workbook.
struct Sheets<'a> {
    soa: &'a SoaDoc,
    risks: &'a RiskRegisterDoc,
    plan: &'a TreatmentPlanDoc,
    programme: &'a AuditProgrammeDoc,
    nonconformities: &'a NonconformityRegisterDoc,
    reviews: &'a ManagementReviewsDoc,
    coverage: &'a [CoverageDoc],
}

/// The bytes of `soa.xlsx`.
fn workbook(d: &Sheets<'_>, options: &BuildOptions) -> Result<Vec<u8>, XlsxError> {
    let (soa, risks, plan) = (d.soa, d.risks, d.plan);
    let mut wb = Workbook::new();
    wb.set_properties(&properties(soa, options)?);
    let rows: Vec<Vec<Cell>> = soa.controls.iter().map(soa_row).collect();
    table(wb.add_worksheet().set_name(SOA_SHEET)?, &SOA_COLUMNS, &rows)?;
    let rows: Vec<Vec<Cell>> = risks.risks.iter().map(risk_row).collect();
    table(
        wb.add_worksheet().set_name(RISK_SHEET)?,
        &RISK_COLUMNS,
        &rows,
    )?;
    let rows: Vec<Vec<Cell>> = plan.actions.iter().map(plan_row).collect();
    table(
        wb.add_worksheet().set_name(PLAN_SHEET)?,
        &PLAN_COLUMNS,
        &rows,
    )?;
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
        SOA_SHEET.to_string(),
        RISK_SHEET.to_string(),
        PLAN_SHEET.to_string(),
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
pub fn files(docs: &Docs, options: &BuildOptions) -> Vec<OutputFile> {
    let Some(soa) = &docs.soa else {
        return Vec::new();
    };
    let sheets = Sheets {
        soa,
        risks: &docs.register,
        plan: &docs.plan,
        programme: &docs.programme,
        nonconformities: &docs.nonconformities,
        reviews: &docs.reviews,
        coverage: &docs.coverage,
    };
    match workbook(&sheets, options) {
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
