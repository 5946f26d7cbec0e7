//! Syntax: text to syntax tree.
//!
//! One hand-written parser (`lexer`, `parser`) builds the tree; `grammar.pest` is the grammar
//! of record, which a test-only pest oracle holds the parser to.
//!
//! **Architecture Invariant:** parsing never fails and never drops an item: a broken entry
//! becomes an error node, a broken item keeps its kind, id, title and every well-formed entry,
//! and each mistake is reported once. The module knows nothing of the standard library, the
//! model or the outputs.

pub mod ast;
mod lexer;
mod parser;

use crate::diag::Diagnostics;
use crate::source::{FileId, SourceMap};

pub use lexer::ITEM_KEYWORDS;
pub use parser::dedent;

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

/// The deepest nesting of bodies (items, blocks, scales) the parser accepts; deeper ones are
/// reported (E0002) and skipped without recursion.
pub const MAX_DEPTH: usize = 48;

/// The stack of a thread that parses: the parser recurses a few frames per nesting level, and
/// nesting is limited to [`MAX_DEPTH`], so this is ample.
const PARSE_STACK: usize = 8 << 20;

/// A file at least this long is cut into parts of about this size, parsed in parallel.
const PART: usize = 64 * 1024;

/// Parses files of the map on every core: each file's tree and findings, in the order of
/// `files`. A large file is cut at lines that start an item and its parts are parsed in
/// parallel; when a part ends inside an item (the cut fell into a text block, a comment or an
/// unclosed item), the file is parsed whole instead. The result is always that of
/// [`parse_file`] on each file in turn.
pub fn parse_files(sources: &SourceMap, files: &[FileId]) -> Vec<(ast::File, Diagnostics)> {
    let texts: Vec<(FileId, &str)> = files
        .iter()
        .map(|&f| (f, sources.get(f).map(|s| s.text.as_str()).unwrap_or("")))
        .collect();
    let jobs: Vec<(usize, (usize, usize))> = texts
        .iter()
        .enumerate()
        .flat_map(|(i, (_, text))| parts(text).into_iter().map(move |p| (i, p)))
        .collect();
    let parsed = crate::par::map(&jobs, PARSE_STACK, |&(i, (start, end))| {
        let (file, text) = texts.get(i).copied()?;
        let part = text.get(start..end)?;
        let mut diags = Diagnostics::new();
        let (tree, ending) = parser::parse(file, part, start, &mut diags);
        Some((tree, diags, ending.clean || end == text.len(), ending.blank))
    });
    // Join the parts of each file: `Ok(None)` no part yet, `Err` a part ended inside an item.
    let mut joined: Vec<Joined> = texts.iter().map(|_| Ok(None)).collect();
    for (&(i, _), part) in jobs.iter().zip(parsed) {
        let Some(slot) = joined.get_mut(i) else {
            continue;
        };
        *slot = match (std::mem::replace(slot, Err(())), part) {
            (Ok(None), Some((tree, diags, true, blank))) => Ok(Some((tree, diags, blank))),
            (
                Ok(Some((mut whole, mut diags, blank_before))),
                Some((mut part, found, true, blank)),
            ) => {
                // What ended the previous part leads into this part's first item.
                if let Some(first) = part.items.first_mut() {
                    let before = std::mem::take(&mut whole.dangling);
                    first.trivia.blank_before = before
                        .first()
                        .map(|c| c.blank_before)
                        .unwrap_or(blank_before);
                    first.trivia.prepend_leading(before);
                } else {
                    let mut before = std::mem::take(&mut whole.dangling);
                    before.append(&mut part.dangling);
                    part.dangling = before;
                }
                whole.items.extend(part.items);
                whole.comments.extend(part.comments);
                whole.dangling = part.dangling;
                diags.append(found);
                Ok(Some((whole, diags, blank)))
            }
            _ => Err(()),
        };
    }
    let whole = |&(file, text): &(FileId, &str)| {
        let mut diags = Diagnostics::new();
        (parser::parse(file, text, 0, &mut diags).0, diags)
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
            Ok(Some((tree, diags, _))) => (tree, diags),
            _ => redone.next().unwrap_or_else(|| whole(t)),
        })
        .collect()
}

/// A file's parts joined so far: `Ok(None)` no part yet, `Ok(Some((tree, findings, ended
/// after a blank line)))`, `Err` a part ended inside an item.
type Joined = Result<Option<(ast::File, Diagnostics, bool)>, ()>;

/// Parses one file of the map. Never fails: problems go to `diags`.
pub fn parse_file(sources: &SourceMap, file: FileId, diags: &mut Diagnostics) -> ast::File {
    let text = sources.get(file).map(|f| f.text.as_str()).unwrap_or("");
    parser::parse(file, text, 0, diags).0
}

/// Parses a text on its own (tests, the formatter): the tree and the findings.
pub fn parse_text(file: FileId, text: &str) -> (ast::File, Diagnostics) {
    let mut diags = Diagnostics::new();
    let tree = parser::parse(file, text, 0, &mut diags).0;
    (tree, diags)
}

/// Where a file may be cut into parts, each ending where the next begins: `0`, then the
/// start of the first line after every [`PART`] bytes that starts with an item keyword, then
/// the end.
fn parts(text: &str) -> Vec<(usize, usize)> {
    let mut cuts = vec![0];
    let mut at = PART;
    while at < text.len() {
        // Bytes, not `str`: `at` may fall inside a character; a line start never does.
        let newline = text
            .as_bytes()
            .get(at..)
            .and_then(|r| r.iter().position(|&b| b == b'\n'));
        let Some(line) = newline.map(|i| at + i + 1) else {
            break;
        };
        at = line;
        if text.get(at..).is_some_and(lexer::starts_item_line) {
            cuts.push(at);
            at += PART;
        }
    }
    cuts.push(text.len());
    cuts.windows(2)
        .filter_map(|w| Some((*w.first()?, *w.get(1)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{parts, PART};

    #[test]
    fn parts_cut_at_item_lines_and_cover_the_file() {
        let mut text = String::new();
        while text.len() < 3 * PART {
            text.push_str("person p \"Grüße — ü\" { role = \"r\" }\n  risk not-at-column-0\n");
        }
        let cut = parts(&text);
        assert!(cut.len() >= 3, "{cut:?}");
        assert_eq!(cut.first().map(|p| p.0), Some(0));
        assert_eq!(cut.last().map(|p| p.1), Some(text.len()));
        for w in cut.windows(2) {
            assert_eq!(w[0].1, w[1].0);
            assert!(
                text[w[1].0..].starts_with("person "),
                "{:?}",
                &text[w[1].0..][..20]
            );
        }
        // A small file is one part.
        assert_eq!(parts("person p { }\n"), [(0, 13)]);
    }
}

/// The tree of `file` (parsed from `text`) as indented text, for review: every item, entry,
/// value and error node with its place (`line:column`), and the comments and blank lines
/// attached to each node (`ismsc debug ast FILE`, and the recovery fixtures' snapshots).
pub fn dump(file: &ast::File, text: &str) -> String {
    dump::file(file, text)
}

mod dump;
