//! The formatter: one canonical layout for `.isms` text, every comment kept.
//!
//! [`format`] parses the text, refuses it when it has syntax errors (E0001–E0005), prints the
//! syntax tree in the canonical layout (`print`), and checks the result before returning it:
//!
//! 1. the output parses without errors;
//! 2. its syntax tree equals the input's, ignoring positions and whitespace (`same`);
//! 3. its comments are the input's, in the same order;
//! 4. formatting it again changes nothing.
//!
//! A failed check is an [`FmtError::Internal`]: a bug of ismsc, never a reason to write.
//! The layout is documented in `docs/language.md` ("Layout"); in short: two-space
//! indentation, one blank line between items (one-line items written on consecutive lines
//! stay together), blank lines between entries kept but collapsed to one, `=` aligned over
//! runs of consecutive one-line fields and statements aligned in columns, one-line bodies kept
//! one-line when they fit in [`WIDTH`] columns, lists wrapped one element per line when they do
//! not fit (or hold a comment, or end with a comma), text blocks re-indented with their value
//! unchanged, no trailing whitespace, one final newline. There are no options.
//!
//! Comments are printed by position (Gleam's approach): before each token, every comment that
//! starts before it is printed, on its own line when it was written on its own line, else at
//! the end of the current line. `// ismsc-fmt: off` as the last comment before an item or an
//! entry leaves that item or entry as written.
//!
//! **Architecture Invariant:** this is the one formatter: `ismsc fmt`, the importers, `init`
//! and (later) the language server all call [`format`]; nothing else lays out `.isms` text.

mod print;
mod same;

use crate::diag::{Code, Diagnostics};
use crate::source::FileId;
use crate::syntax;

/// The width the layout fits lines into, in characters (strings and comments are never
/// broken, so a line may be longer).
pub const WIDTH: usize = 100;

/// The comment that leaves the next item or entry as written.
pub const OFF: &str = "// ismsc-fmt: off";

/// Why a text was not formatted.
#[derive(Debug)]
pub enum FmtError {
    /// The text has syntax errors (E0001–E0005), reported as `ismsc check` reports them.
    Syntax(Diagnostics),
    /// A safety check failed: a bug of the formatter.
    Internal(InternalError),
}

/// A failed safety check of the formatter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalError {
    /// Which check failed.
    pub check: Check,
    /// What differs, for the bug report.
    pub detail: String,
}

/// The four checks every formatting passes before its result is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The output parses without errors.
    Parses,
    /// The output's syntax tree equals the input's, ignoring positions and whitespace.
    SameTree,
    /// The output's comments are the input's, in order.
    SameComments,
    /// Formatting the output again changes nothing.
    Idempotent,
}

impl Check {
    /// What the check asserts, in words.
    pub fn describe(self) -> &'static str {
        match self {
            Check::Parses => "the formatted text does not parse",
            Check::SameTree => "the formatted text means something else than the original",
            Check::SameComments => "the formatted text does not keep the comments",
            Check::Idempotent => "formatting the formatted text changes it again",
        }
    }
}

impl std::fmt::Display for InternalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "internal error of the formatter: {} ({}); nothing was written. This is a bug of ismsc: please report it, with the file",
            self.check.describe(),
            self.detail
        )
    }
}

impl std::error::Error for InternalError {}

/// Whether a finding is a syntax error that makes a text unformattable.
pub fn is_syntax_error(code: Code) -> bool {
    matches!(
        code,
        Code::E0001 | Code::E0002 | Code::E0003 | Code::E0004 | Code::E0005
    )
}

/// Whether two items say the same, whatever their layout: the same keyword, name, title,
/// entries and values in the same order (spans, comments and line breaks ignored).
pub fn same_item(a: &syntax::ast::Item, b: &syntax::ast::Item) -> bool {
    same::item(a, b).is_ok()
}

/// Formats a text in the canonical layout, after checking the result (see the module
/// documentation).
pub fn format(text: &str) -> Result<String, FmtError> {
    format_source(FileId::default(), text)
}

/// [`format`] for the text of `file` of a source map, so that its syntax errors point into it.
pub fn format_source(file: FileId, text: &str) -> Result<String, FmtError> {
    let (tree, diags) = syntax::parse_text(file, text);
    if diags.iter().any(|d| is_syntax_error(d.code)) {
        return Err(FmtError::Syntax(diags));
    }
    let out = print::print(text, &tree);
    check(&tree, &out).map_err(FmtError::Internal)?;
    Ok(out)
}

/// The four checks of the module documentation, on the tree of the input and the output.
fn check(input: &syntax::ast::File, out: &str) -> Result<(), InternalError> {
    let fail = |check, detail: String| InternalError { check, detail };
    let (tree, diags) = syntax::parse_text(input.file, out);
    if let Some(d) = diags.iter().find(|d| is_syntax_error(d.code)) {
        return Err(fail(
            Check::Parses,
            format!("{} at byte {}: {}", d.code, d.primary.span.start, d.message),
        ));
    }
    same::same_file(input, &tree).map_err(|d| fail(Check::SameTree, d))?;
    same::same_comments(&input.comments, &tree.comments)
        .map_err(|d| fail(Check::SameComments, d))?;
    let again = print::print(out, &tree);
    if again != out {
        let line = out
            .lines()
            .zip(again.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| out.lines().count().min(again.lines().count()));
        let at = |text: &str| text.lines().nth(line).unwrap_or("").to_string();
        return Err(fail(
            Check::Idempotent,
            format!("line {} `{}` became `{}`", line + 1, at(out), at(&again)),
        ));
    }
    Ok(())
}
