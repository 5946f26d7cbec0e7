//! The pest parser, driven one top-level item at a time, and its error messages.

use pest::error::{ErrorVariant, InputLocation};
use pest::Parser as _;

use super::ast;
use super::lower::Lowerer;
use super::MAX_DEPTH;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "syntax/grammar.pest"]
pub(super) struct IsmsParser;

/// Keywords that start a top-level item; after a syntax error, parsing resumes at the next
/// line that starts with one of them.
pub const ITEM_KEYWORDS: &[&str] = &[
    "isms",
    "person",
    "team",
    "party",
    "asset",
    "scope",
    "classification",
    "risk_method",
    "risk",
    "control",
    "policy",
    "obligation",
    "context",
    "objective",
    "applicability",
    "framework",
    "mapping",
    "clauses",
];

/// Parses a whole file.
pub(super) fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> ast::File {
    let mut out = ast::File {
        file,
        ..Default::default()
    };
    if let Some(at) = too_deep(text) {
        diags.push(
            Diagnostic::new(
                Code::E0002,
                Span::new(file, at, at + 1),
                format!("brackets and braces are nested more than {MAX_DEPTH} levels deep"),
            )
            .primary_label("nested too deeply here")
            .help("flatten the structure: items do not nest this deeply"),
        );
        return out;
    }
    // Fast path: a file without syntax errors is parsed in one call. Only a file with an
    // error is parsed item by item, so that every broken item is reported.
    if let Some((whole, found)) = parse_part(file, text, (0, text.len())) {
        diags.append(found);
        return whole;
    }
    let mut pos = 0;
    while pos <= text.len() {
        let rest = text.get(pos..).unwrap_or("");
        match IsmsParser::parse(Rule::one, rest) {
            Ok(mut pairs) => {
                let Some(one) = pairs.next() else { break };
                let mut lowerer = Lowerer::new(file, pos, diags, &mut out.comments);
                let mut end = None;
                for pair in one.into_inner() {
                    match pair.as_rule() {
                        Rule::COMMENT => lowerer.comment(pair),
                        Rule::item => {
                            end = Some(pair.as_span().end());
                            let item = lowerer.item(pair, 0);
                            out.items.push(item);
                        }
                        _ => {}
                    }
                }
                match end {
                    Some(end) if end > 0 => pos += end,
                    _ => break,
                }
            }
            Err(err) => {
                let at = match err.location {
                    InputLocation::Pos(p) => p,
                    InputLocation::Span((s, _)) => s,
                };
                let next = resync(text, pos, pos + at);
                let (message, label) = match &err.variant {
                    ErrorVariant::ParsingError {
                        positives,
                        negatives: _,
                    } => {
                        let expected = expected(positives);
                        let found = found(rest, at);
                        (
                            format!("expected {expected}, found {found}"),
                            format!("expected {expected}"),
                        )
                    }
                    ErrorVariant::CustomError { message } => (message.clone(), message.clone()),
                };
                let start = pos + at;
                let mut d = if next.is_some_and(|n| n <= start) {
                    // The item ran into the next item: it was not closed.
                    let n = next.unwrap_or(start);
                    let end_prev = text[..n].trim_end().len();
                    Diagnostic::new(
                        Code::E0001,
                        Span::new(file, end_prev, end_prev),
                        "expected `}` to close this item before the next item begins",
                    )
                    .primary_label("expected `}` here")
                } else {
                    let end = (start + token_len(text, start)).min(text.len());
                    Diagnostic::new(Code::E0001, Span::new(file, start, end), message)
                        .primary_label(label)
                };
                d = d.label(Span::new(file, pos + leading_blank(rest), pos + leading_blank(rest)), "in the item that starts here")
                    .help("check the item against the syntax in docs/language.md; the items after it are still checked");
                d.secondary.retain(|l| l.span.start != d.primary.span.start);
                diags.push(d);
                match next {
                    Some(n) if n > pos => pos = n,
                    _ => break,
                }
            }
        }
    }
    out.comments.sort_by_key(|c| c.span.start);
    out
}

/// The offset of the first line after `from` that starts with an item keyword at column 0.
fn resync(text: &str, item_start: usize, _err: usize) -> Option<usize> {
    let first_line_end = text
        .get(item_start..)?
        .find('\n')
        .map(|i| item_start + i + 1)?;
    let mut at = first_line_end;
    // Skip the blank lines and comments that lead into the broken item.
    let lead = leading_blank(text.get(item_start..)?);
    if item_start + lead >= first_line_end {
        at = item_start + lead;
        at = text.get(at..)?.find('\n').map(|i| at + i + 1)?;
    }
    while at < text.len() {
        let line = text.get(at..)?;
        if starts_item(line) {
            return Some(at);
        }
        at = line.find('\n').map(|i| at + i + 1)?;
    }
    None
}

/// Whether `line` starts with an item keyword followed by a blank, `{` or a title.
fn starts_item(line: &str) -> bool {
    let len = line
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
        .count();
    let (word, after) = line.split_at(len);
    ITEM_KEYWORDS.contains(&word)
        && matches!(after.bytes().next(), Some(b' ' | b'\t' | b'{' | b'"'))
}

/// A file at least this long is cut into parts of about this size, parsed in parallel.
const PART: usize = 64 * 1024;

/// Where a file may be cut into parts, each ending where the next begins: `0`, then the
/// start of the first line after every [`PART`] bytes that starts with an item keyword, then
/// the end. A cut may fall inside a text block or a comment; [`parse_part`] then fails on the
/// part before it, and the file is parsed whole.
pub(super) fn parts(text: &str) -> Vec<(usize, usize)> {
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
        if text.get(at..).is_some_and(starts_item) {
            cuts.push(at);
            at += PART;
        }
    }
    cuts.push(text.len());
    cuts.windows(2)
        .filter_map(|w| Some((*w.first()?, *w.get(1)?)))
        .collect()
}

/// One part of a file, the text from `start` to `end`, parsed and lowered on its own: the
/// items, the comments and the findings of lowering; `None` when the part has a syntax error
/// (or ends inside an item), so the whole file must go through [`parse`].
pub(super) fn parse_part(
    file: FileId,
    text: &str,
    (start, end): (usize, usize),
) -> Option<(ast::File, Diagnostics)> {
    let part = text.get(start..end)?;
    if let Some(fast) = super::fast::parse(file, part, start) {
        return Some((fast, Diagnostics::new()));
    }
    pest_part(file, part, start)
}

/// [`parse_part`] through pest only: the items, comments and findings of lowering, or `None`
/// on a syntax error.
pub(super) fn pest_part(
    file: FileId,
    part: &str,
    start: usize,
) -> Option<(ast::File, Diagnostics)> {
    let pairs = IsmsParser::parse(Rule::all_items, part).ok()?;
    let mut out = ast::File {
        file,
        ..Default::default()
    };
    let mut diags = Diagnostics::new();
    let mut lowerer = Lowerer::new(file, start, &mut diags, &mut out.comments);
    for all in pairs {
        for pair in all.into_inner() {
            match pair.as_rule() {
                Rule::COMMENT => lowerer.comment(pair),
                Rule::item => {
                    let item = lowerer.item(pair, 0);
                    out.items.push(item);
                }
                _ => {}
            }
        }
    }
    // Lowering meets comments level by level, not in source order.
    out.comments.sort_by_key(|c| c.span.start);
    Some((out, diags))
}

/// Length of blanks and comments at the start of `s`.
fn leading_blank(s: &str) -> usize {
    let mut i = 0;
    let b = s.as_bytes();
    loop {
        while i < b.len() && (b[i] as char).is_ascii_whitespace() {
            i += 1;
        }
        if s[i..].starts_with("//") {
            i += s[i..].find('\n').unwrap_or(s.len() - i);
        } else if s[i..].starts_with("/*") {
            match s[i..].find("*/") {
                Some(e) => i += e + 2,
                None => return i,
            }
        } else {
            return i;
        }
    }
}

/// Length of the token at `at`, for the error span.
fn token_len(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    let n: usize = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        .map(char::len_utf8)
        .sum();
    if n > 0 {
        n
    } else {
        rest.chars().next().map(char::len_utf8).unwrap_or(0)
    }
}

/// How the text at the error position is named in the message.
fn found(rest: &str, at: usize) -> String {
    let tail = rest.get(at..).unwrap_or("");
    let Some(c) = tail.chars().next() else {
        return "the end of the file".into();
    };
    if c == '"' {
        let line = tail.lines().next().unwrap_or("");
        let closed = line.get(1..).is_some_and(|rest| {
            let mut escaped = false;
            rest.chars().any(|ch| {
                let end = ch == '"' && !escaped;
                escaped = ch == '\\' && !escaped;
                end
            })
        });
        return if closed || tail.starts_with("\"\"\"") {
            "a string".into()
        } else {
            "a string that is not closed on its line".into()
        };
    }
    if tail.starts_with("/*") {
        return "a comment that is never closed".into();
    }
    let n = token_len(tail, 0);
    let tok: String = tail[..n].chars().take(40).collect();
    format!("`{}`", tok.replace('`', "'"))
}

/// The words for what the parser expected.
fn expected(rules: &[Rule]) -> String {
    // `:` and `@` are only ever alternatives inside lists (pairs and sign-offs): naming
    // them next to `,` or `]` confuses more than it helps.
    let has_other = rules.iter().any(|r| !matches!(r, Rule::colon | Rule::at));
    let mut words: Vec<&str> = rules
        .iter()
        .filter(|r| !(has_other && matches!(r, Rule::colon | Rule::at)))
        .filter_map(|r| describe(*r))
        .collect();
    words.sort_unstable();
    words.dedup();
    match words.len() {
        0 => "something else".into(),
        1 => words[0].into(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

/// A rule as words; `None` for rules that never show up alone.
pub(super) fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::item | Rule::keyword => "an item keyword such as `control`",
        Rule::head_name | Rule::head_id | Rule::framework_ref => "an id",
        Rule::title => "a title string",
        Rule::body | Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::entry | Rule::field | Rule::field_name => "a field name",
        Rule::statement => "a statement",
        Rule::verb => "a word such as `excluded`",
        Rule::statement_arg => "a string",
        Rule::value | Rule::list_value | Rule::list_elem => "a value",
        Rule::pair => "a `name: \"reason\"` pair",
        Rule::string | Rule::text_block => "a string",
        Rule::date => "a date",
        Rule::path | Rule::word => "a name",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::eq => "`=`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::at => "`@`",
        Rule::arrow => "`->`",
        Rule::kw_until => "`until`",
        Rule::EOI => "the end of the file",
        _ => return None,
    })
}

/// The offset where nesting first exceeds [`MAX_DEPTH`], skipping strings and comments.
pub(super) fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                if text[i..].starts_with("\"\"\"") {
                    i += text[i + 3..]
                        .find("\"\"\"")
                        .map(|e| e + 6)
                        .unwrap_or(b.len() - i);
                    continue;
                }
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i += text[i..].find('\n').unwrap_or(b.len() - i);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += text[i..].find("*/").map(|e| e + 1).unwrap_or(b.len() - i);
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{parse, parts, PART};
    use crate::diag::Diagnostics;
    use crate::source::FileId;

    #[test]
    fn comments_are_in_source_order() {
        let text = "// 1\ncontrol c /* 2 */ \"T\" {\n  // 3\n  inner { // 4\n    x = [ // 5\n 1 ] }\n  // 6\n  y = 2 // 7\n}\n// 8\n";
        for broken in [false, true] {
            // A trailing broken item sends the file down the item-by-item path.
            let text = if broken {
                format!("{text}control {{")
            } else {
                text.to_string()
            };
            let file = parse(FileId::default(), &text, &mut Diagnostics::new());
            let order: Vec<&str> = file.comments.iter().map(|c| c.text.as_str()).collect();
            let all = [
                "// 1", "/* 2 */", "// 3", "// 4", "// 5", "// 6", "// 7", "// 8",
            ];
            // The comments that lead into a broken item are part of what failed to parse.
            let kept = if broken { &all[..7] } else { &all[..] };
            assert_eq!(order, kept, "broken: {broken}");
        }
    }

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
