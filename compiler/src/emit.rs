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

use crate::model::graph::IsmsGraph;
use crate::model::Model;

pub use self::csv::{risk_register_csv, soa_csv};
pub use self::json::{risk_register_json, soa_json};
pub use self::table::soa_table;

/// One file of the build output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Its name in the output folder.
    pub name: &'static str,
    /// Its content.
    pub content: String,
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

/// Every file of `ismsc build`, in the order of [`BUILD_FILES`]; `None` when the project has
/// no known standard (and so no SoA).
pub fn build(model: &Model, graph: &IsmsGraph) -> Option<Vec<OutputFile>> {
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
            .map(|(name, content)| OutputFile { name, content })
            .collect(),
    )
}
