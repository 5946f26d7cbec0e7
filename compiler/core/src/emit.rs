//! Emitters of the core: the output documents and the machine-readable files.
//!
//! - [`dto`]: the output types, the core's `Serialize` types, versioned by
//!   [`dto::SCHEMA_VERSION`];
//! - [`json`], [`csv`], [`table`]: pure renderers from the DTOs to text;
//! - [`write`]: the atomic replacement of the output folder.
//!
//! The workbook, the site, the PDFs and OSCAL are in the publishing crate (`ismsc-publish`),
//! which builds on these DTOs.
//!
//! Every renderer is deterministic: the same model gives byte-identical text (no clock, no
//! hash-map order).

pub mod csv;
pub mod dto;
pub mod json;
pub mod table;
pub mod write;

use crate::driver::Analysis;

pub use self::csv::{risk_register_csv, soa_csv};
pub use self::json::{risk_register_json, soa_json};
pub use self::table::soa_table;

/// One file of the build output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Its path in the output folder, with `/` separators (`soa.json`, `site/index.html`).
    pub name: String,
    /// Its content.
    pub content: Vec<u8>,
}

impl OutputFile {
    /// A text file.
    pub fn text(name: impl Into<String>, content: String) -> Self {
        OutputFile {
            name: name.into(),
            content: content.into_bytes(),
        }
    }
}

/// The names of the machine-readable files [`build`] produces (`--format data`), in the
/// order it produces them.
pub const BUILD_FILES: [&str; 14] = [
    "soa.json",
    "soa.csv",
    "risk-register.json",
    "risk-register.csv",
    "risk-treatment-plan.json",
    "risk-treatment-plan.csv",
    "audit-programme.json",
    "audit-programme.csv",
    "nonconformities.json",
    "nonconformities.csv",
    "management-reviews.json",
    "management-reviews.csv",
    "graph.dot",
    "graph.mmd",
];

/// The output documents of an analysis, made once per build from its facts and handed to
/// every emitter.
#[derive(Clone, Debug)]
pub struct Docs {
    /// `soa.json`; `None` without a known standard.
    pub soa: Option<dto::SoaDoc>,
    /// `risk-register.json`.
    pub register: dto::RiskRegisterDoc,
    /// `risk-treatment-plan.json`.
    pub plan: dto::TreatmentPlanDoc,
    /// `coverage/KEY.json`, one per framework the project opts into, in that order.
    pub coverage: Vec<dto::CoverageDoc>,
    /// `audit-programme.json`.
    pub programme: dto::AuditProgrammeDoc,
    /// `nonconformities.json`.
    pub nonconformities: dto::NonconformityRegisterDoc,
    /// `management-reviews.json`.
    pub reviews: dto::ManagementReviewsDoc,
}

impl Docs {
    /// The documents of `analysis`.
    pub fn new(analysis: &Analysis) -> Docs {
        let (model, facts) = (&analysis.model, &analysis.facts);
        let register = dto::RiskRegisterDoc::new(model, facts);
        let plan = dto::TreatmentPlanDoc::new(model, facts, &register);
        Docs {
            soa: dto::SoaDoc::new(model, facts),
            register,
            plan,
            coverage: facts
                .coverage
                .iter()
                .map(|c| dto::CoverageDoc::new(model, c))
                .collect(),
            programme: dto::AuditProgrammeDoc::new(model, facts),
            nonconformities: dto::NonconformityRegisterDoc::new(model, facts),
            reviews: dto::ManagementReviewsDoc::new(model, facts),
        }
    }
}

/// The machine-readable files, in the order of [`BUILD_FILES`], then `coverage/KEY.json` and
/// `.csv` per opted-in framework; `None` without a known standard (and so no SoA).
pub fn data(analysis: &Analysis, docs: &Docs) -> Option<Vec<OutputFile>> {
    let (model, index) = (&analysis.model, &analysis.facts.index);
    let soa = docs.soa.as_ref()?;
    let contents = [
        json::to_json(soa),
        csv::soa_doc_csv(soa),
        json::to_json(&docs.register),
        csv::risk_register_doc_csv(&docs.register),
        json::to_json(&docs.plan),
        csv::treatment_plan_doc_csv(&docs.plan),
        json::to_json(&docs.programme),
        csv::audit_programme_doc_csv(&docs.programme),
        json::to_json(&docs.nonconformities),
        csv::nonconformities_doc_csv(&docs.nonconformities),
        json::to_json(&docs.reviews),
        csv::management_reviews_doc_csv(&docs.reviews),
        index.to_dot(model),
        index.to_mermaid(model),
    ];
    let mut files: Vec<OutputFile> = BUILD_FILES
        .iter()
        .zip(contents)
        .map(|(name, content)| OutputFile::text(*name, content))
        .collect();
    for c in &docs.coverage {
        let slug = c.slug();
        files.push(OutputFile::text(
            format!("{COVERAGE_DIR}/{slug}.json"),
            json::to_json(c),
        ));
        files.push(OutputFile::text(
            format!("{COVERAGE_DIR}/{slug}.csv"),
            csv::coverage_doc_csv(c),
        ));
    }
    Some(files)
}

/// The folder of the coverage files in the output.
pub const COVERAGE_DIR: &str = "coverage";
