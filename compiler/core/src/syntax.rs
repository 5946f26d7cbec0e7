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
    // Join the parts of each file: `Ok(None)` no part yet, `Err` a part failed.
    let mut joined: Vec<Result<Option<(ast::File, Diagnostics)>, ()>> =
        texts.iter().map(|_| Ok(None)).collect();
    for (&(i, _), part) in jobs.iter().zip(parsed) {
        let Some(slot) = joined.get_mut(i) else {
            continue;
        };
        *slot = match (std::mem::replace(slot, Err(())), part) {
            (Ok(None), Some(part)) => Ok(Some(part)),
            (Ok(Some((mut whole, mut diags))), Some((part, found))) => {
                whole.items.extend(part.items);
                whole.comments.extend(part.comments);
                diags.append(found);
                Ok(Some((whole, diags)))
            }
            _ => Err(()),
        };
    }
    // A file with a failed part, or none (nested too deeply), is parsed whole for recovery.
    let whole = |&(file, text): &(FileId, &str)| {
        let mut diags = Diagnostics::new();
        (parser::parse(file, text, &mut diags), diags)
    };
    let redo: Vec<(FileId, &str)> = joined
        .iter()
        .zip(&texts)
        .filter(|(j, _)| !matches!(j, Ok(Some(_))))
        .map(|(_, t)| *t)
        .collect();
    let mut redone = crate::par::map(&redo, PARSE_STACK, whole).into_iter();
    joined
        .into_iter()
        .zip(&texts)
        .map(|(j, t)| match j {
            Ok(Some(done)) => done,
            _ => redone.next().unwrap_or_else(|| whole(t)),
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
