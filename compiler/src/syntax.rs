//! Syntax: text to syntax tree. The only module that knows pest.
//!
//! **Architecture Invariant:** no pest type leaves this module, and parsing never fails: a
//! broken item becomes a diagnostic and parsing resumes at the next top-level item keyword.
//! The module knows nothing of the standard library, the model or the outputs.

pub mod ast;
mod lower;
mod parser;

use crate::diag::Diagnostics;
use crate::source::{FileId, SourceMap};

pub use parser::ITEM_KEYWORDS;

/// The deepest nesting of braces and brackets the parser accepts.
pub const MAX_DEPTH: usize = 48;

/// Parses one file of the map. Never fails: problems go to `diags`.
pub fn parse_file(sources: &SourceMap, file: FileId, diags: &mut Diagnostics) -> ast::File {
    let text = sources.get(file).map(|f| f.text.as_str()).unwrap_or("");
    parser::parse(file, text, diags)
}
