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
pub const BUILD_FILES: [&str; 8] = [
    "soa.json",
    "soa.csv",
    "risk-register.json",
    "risk-register.csv",
    "risk-treatment-plan.json",
    "risk-treatment-plan.csv",
    "graph.dot",
    "graph.mmd",
];

/// The machine-readable files, in the order of [`BUILD_FILES`].
pub fn data(analysis: &Analysis) -> Option<Vec<OutputFile>> {
    let (model, graph) = (&analysis.model, &analysis.graph);
    let soa = dto::SoaDoc::from_model(model)?;
    let risks = dto::RiskRegisterDoc::from_model(model);
    let plan = dto::TreatmentPlanDoc::from_register(model, &risks);
    let contents = [
        json::to_json(&soa),
        csv::soa_doc_csv(&soa),
        json::to_json(&risks),
        csv::risk_register_doc_csv(&risks),
        json::to_json(&plan),
        csv::treatment_plan_doc_csv(&plan),
        graph.to_dot(model),
        graph.to_mermaid(model),
    ];
    Some(
        BUILD_FILES
            .iter()
            .zip(contents)
            .map(|(name, content)| OutputFile::text(*name, content))
            .collect(),
    )
}
