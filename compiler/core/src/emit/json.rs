//! `soa.json` and `risk-register.json`: the DTOs of [`super::dto`], pretty-printed.

use serde::Serialize;

use super::dto::{RiskRegisterDoc, SoaDoc};
use crate::driver::Analysis;

/// Pretty JSON with a trailing newline.
pub fn to_json<T: Serialize>(doc: &T) -> String {
    // The DTOs are plain structs with string keys written to memory: this cannot fail.
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    text
}

/// `soa.json` of the project; `None` when the project has no known standard.
pub fn soa_json(analysis: &Analysis) -> Option<String> {
    SoaDoc::new(&analysis.model, &analysis.facts).map(|doc| to_json(&doc))
}

/// `risk-register.json` of the project.
pub fn risk_register_json(analysis: &Analysis) -> String {
    to_json(&RiskRegisterDoc::new(&analysis.model, &analysis.facts))
}
