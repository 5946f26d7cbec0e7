//! Syntax: text to syntax tree. The only module that knows pest.
//!
//! **Architecture Invariant:** no pest type leaves this module, and parsing never fails: a
//! broken item becomes a diagnostic and parsing resumes at the next top-level item keyword.
//! The module knows nothing of the standard library, the model or the outputs.

pub mod ast;
mod fast;
mod lower;
mod parser;

use crate::diag::Diagnostics;
use crate::source::{FileId, SourceMap};

pub use parser::ITEM_KEYWORDS;

/// Whether `c` may continue an id (the grammar's `path`): an ASCII letter or digit, `.`, `-`
/// or `_`.
pub fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
}

/// `s` with every character that may not stand in an id replaced by `with`.
pub fn id_chars(s: &str, with: char) -> String {
    s.chars()
        .map(|c| if is_id_char(c) { c } else { with })
        .collect()
}

/// The deepest nesting of braces and brackets the parser accepts.
pub const MAX_DEPTH: usize = 48;

/// The stack of a thread that parses: pest recurses once per nesting level, and nesting is
/// limited to [`MAX_DEPTH`] before pest runs, so this is ample.
const PARSE_STACK: usize = 16 << 20;

/// Parses files of the map on every core: each file's tree and findings, in the order of
/// `files`. A large file is cut at top-level items and its parts parsed in parallel; a file
/// with a syntax error (or nested too deeply) is parsed whole, item by item, so every broken
/// item is reported. The result is the same as [`parse_file`] on each file in turn.
pub fn parse_files(sources: &SourceMap, files: &[FileId]) -> Vec<(ast::File, Diagnostics)> {
    let texts: Vec<(FileId, &str)> = files
        .iter()
        .map(|&f| (f, sources.get(f).map(|s| s.text.as_str()).unwrap_or("")))
        .collect();
    let jobs: Vec<(usize, (usize, usize))> = texts
        .iter()
        .enumerate()
        .filter(|(_, (_, text))| parser::too_deep(text).is_none())
        .flat_map(|(i, (_, text))| parser::parts(text).into_iter().map(move |p| (i, p)))
        .collect();
    let parsed = crate::par::map(&jobs, PARSE_STACK, |&(i, range)| {
        let (file, text) = texts.get(i).copied()?;
        parser::parse_part(file, text, range)
    });
    // Join the parts of each file; a file with a part that failed, or no parts, is redone.
    let mut joined: Vec<Option<(ast::File, Diagnostics)>> = Vec::new();
    joined.resize_with(texts.len(), || None);
    let mut failed = vec![false; texts.len()];
    for (&(i, _), part) in jobs.iter().zip(parsed) {
        let (Some(slot), Some(bad)) = (joined.get_mut(i), failed.get_mut(i)) else {
            continue;
        };
        match (part, slot.as_mut()) {
            (Some(part), None) => *slot = Some(part),
            (Some((file, found)), Some((whole, diags))) => {
                whole.items.extend(file.items);
                whole.comments.extend(file.comments);
                diags.append(found);
            }
            (None, _) => *bad = true,
        }
    }
    let redo: Vec<usize> = (0..texts.len())
        .filter(|&i| failed.get(i) != Some(&false) || joined.get(i).is_none_or(Option::is_none))
        .collect();
    let redone = crate::par::map(&redo, PARSE_STACK, |&i| {
        let (file, text) = texts.get(i).copied().unwrap_or_default();
        let mut diags = Diagnostics::new();
        (parser::parse(file, text, &mut diags), diags)
    });
    for (i, result) in redo.into_iter().zip(redone) {
        if let Some(slot) = joined.get_mut(i) {
            *slot = Some(result);
        }
    }
    joined
        .into_iter()
        .zip(&texts)
        .map(|(slot, &(file, _))| {
            slot.unwrap_or_else(|| {
                let file = ast::File {
                    file,
                    ..Default::default()
                };
                (file, Diagnostics::new())
            })
        })
        .collect()
}

/// Parses one file of the map. Never fails: problems go to `diags`.
pub fn parse_file(sources: &SourceMap, file: FileId, diags: &mut Diagnostics) -> ast::File {
    let text = sources.get(file).map(|f| f.text.as_str()).unwrap_or("");
    parser::parse(file, text, diags)
}

/// For tests: `text` through the fast parser alone (`None` when it leaves the text to pest).
#[doc(hidden)]
pub fn parse_fast(file: FileId, text: &str) -> Option<ast::File> {
    fast::parse(file, text, 0)
}

/// For tests: `text` through pest and lowering alone, as one part: the tree and the findings
/// of lowering, or `None` on a syntax error.
#[doc(hidden)]
pub fn parse_pest(file: FileId, text: &str) -> Option<(ast::File, Diagnostics)> {
    parser::pest_part(file, text, 0)
}
