//! Emitters: the documents `ismsc build` writes, through serialisable DTOs.
//!
//! - [`dto`]: the output types, the only `Serialize` types of the compiler, versioned by
//!   [`dto::SCHEMA_VERSION`];
//! - [`json`], [`csv`], [`table`]: pure renderers from the DTOs to text;
//! - [`write`]: the atomic replacement of the output folder.
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

/// The names of the files [`build`] produces, in the order it produces them.
pub const BUILD_FILES: [&str; 6] = [
    "soa.json",
    "soa.csv",
    "risk-register.json",
    "risk-register.csv",
    "graph.dot",
    "graph.mmd",
];

/// The kinds of output `ismsc build --format` chooses from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Output {
    /// `soa.json`, `soa.csv`, `risk-register.json`, `risk-register.csv`, `graph.dot`, `graph.mmd`.
    Data,
    /// `soa.xlsx`: the auditor's workbook.
    Xlsx,
    /// `site/`: the static HTML site.
    Site,
    /// `pdf/`: the policies, the SoA and the risk register as PDF.
    Pdf,
    /// `oscal/`: the OSCAL document set.
    Oscal,
}

impl Output {
    /// Every kind, in build order.
    pub const ALL: [Output; 5] = [
        Output::Data,
        Output::Xlsx,
        Output::Site,
        Output::Pdf,
        Output::Oscal,
    ];
}

/// Settings of one build.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Which outputs to produce.
    pub outputs: Vec<Output>,
    /// A time stamp to print in the documents (`--timestamp`); `None` keeps builds
    /// byte-identical.
    pub timestamp: Option<String>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            outputs: Output::ALL.to_vec(),
            timestamp: None,
        }
    }
}

/// Every file of `ismsc build` for the chosen outputs; `None` when the project has no known
/// standard (and so no SoA).
pub fn build(analysis: &Analysis, options: &BuildOptions) -> Option<Vec<OutputFile>> {
    let mut files = Vec::new();
    // Each output adds its files here, in the order of `Output::ALL`.
    if options.outputs.contains(&Output::Data) {
        files.extend(data(analysis)?);
    }
    Some(files)
}

/// The machine-readable files, in the order of [`BUILD_FILES`].
fn data(analysis: &Analysis) -> Option<Vec<OutputFile>> {
    let (model, graph) = (&analysis.model, &analysis.graph);
    let soa = dto::SoaDoc::from_model(model)?;
    let risks = dto::RiskRegisterDoc::from_model(model);
    let contents = [
        json::to_json(&soa),
        csv::soa_doc_csv(&soa),
        json::to_json(&risks),
        csv::risk_register_doc_csv(&risks),
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
