//! Characters a reader must see rather than have interpreted.
//!
//! User text reaches terminals, CI logs, spreadsheets, browsers and PDF viewers. Two kinds
//! of character in it can attack whoever reads the output:
//!
//! - **control characters**: C0 (`U+0000`–`U+001F`) other than tab and line feed, DEL and
//!   C1 (`U+0080`–`U+009F`). `ESC ] 0 ; … BEL` retitles a terminal, `ESC [ 2 J` clears it,
//!   `U+009B` is an 8-bit CSI, a carriage return overwrites the line already shown;
//! - **bidirectional formatting characters** ([`BIDI`]): they reorder the text around them,
//!   so what is shown differs from what is stored (Trojan Source, CVE-2021-42574).
//!
//! [`visible`] replaces each of them by a visible stand-in, as rustc does in its snippets: a
//! C0 control or DEL by its Unicode control picture (`␛` for ESC, one column wide, so
//! underlines stay aligned), anything else by its code point written `<U+202E>`. Line breaks
//! (`\r\n`, a lone `\r`) become `\n`, the language's line end. Every renderer of user text
//! for people goes through it; JSON writes these characters as `\u` escapes instead
//! (`emit::json`), which keeps the data exact.

use std::borrow::Cow;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap, Span};

/// The bidirectional formatting characters of Trojan Source: the embeddings, overrides and
/// isolates and the two characters that end them (rustc's
/// `text_direction_codepoint_in_literal` lint flags the same nine).
pub const BIDI: [(char, &str); 9] = [
    ('\u{202A}', "LEFT-TO-RIGHT EMBEDDING"),
    ('\u{202B}', "RIGHT-TO-LEFT EMBEDDING"),
    ('\u{202C}', "POP DIRECTIONAL FORMATTING"),
    ('\u{202D}', "LEFT-TO-RIGHT OVERRIDE"),
    ('\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
    ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
    ('\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
    ('\u{2068}', "FIRST STRONG ISOLATE"),
    ('\u{2069}', "POP DIRECTIONAL ISOLATE"),
];

/// Whether `c` is one of the [`BIDI`] characters.
pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The Unicode name of a [`BIDI`] character.
pub fn bidi_name(c: char) -> Option<&'static str> {
    BIDI.iter().find(|(b, _)| *b == c).map(|(_, name)| *name)
}

/// Whether `c` must not reach a reader as itself: a control character other than tab and
/// line feed, or a [`BIDI`] character.
pub fn is_hazard(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || is_bidi(c)
}

/// Whether `s` holds any character [`visible`] would replace.
pub fn has_hazard(s: &str) -> bool {
    s.chars().any(is_hazard)
}

/// The stand-in [`visible`] shows for a hazard (`None` for any other character). A `\r` is
/// shown as `␍` here; [`visible`] treats line breaks before it asks.
pub fn stand_in(c: char) -> Option<Cow<'static, str>> {
    match c {
        '\u{0}'..='\u{1F}' if c != '\t' && c != '\n' => {
            let picture = char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}');
            Some(Cow::Owned(picture.to_string()))
        }
        '\u{7F}' => Some(Cow::Borrowed("\u{2421}")),
        c if is_hazard(c) => Some(Cow::Owned(format!("<U+{:04X}>", c as u32))),
        _ => None,
    }
}

/// `s` with every hazard replaced by its [`stand_in`], and `\r\n` and lone `\r` as `\n`.
/// Borrows when there is nothing to replace, which is almost always.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hazard) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            chars.next_if_eq(&'\n');
            out.push('\n');
            continue;
        }
        match stand_in(c) {
            Some(shown) => out.push_str(&shown),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `s` for one line of a terminal: [`visible`], and line breaks as `␊` too.
pub fn visible_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hazard(c) || c == '\n') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(visible(s).replace('\n', "\u{240A}"))
}

/// The most characters one W0006 finding labels; the message counts the rest.
const MAX_LABELS: usize = 8;

/// Reports W0006 for every line of `files` that holds a [`BIDI`] character: one finding
/// per line, a label on each character (at most [`MAX_LABELS`]). Linear in the text.
pub fn report_bidi(sources: &SourceMap, files: &[FileId], diags: &mut Diagnostics) {
    for &id in files {
        let Some(file) = sources.get(id) else {
            continue;
        };
        let mut line: Option<(usize, Vec<(usize, char)>)> = None;
        for (at, c) in bidi_positions(&file.text) {
            let n = file.line_of(at);
            match &mut line {
                Some((current, found)) if *current == n => found.push((at, c)),
                _ => {
                    if let Some((_, found)) = line.take() {
                        diags.push(bidi_finding(id, &found));
                    }
                    line = Some((n, vec![(at, c)]));
                }
            }
        }
        if let Some((_, found)) = line {
            diags.push(bidi_finding(id, &found));
        }
    }
}

/// The [`BIDI`] characters of `text` with their offsets. Each is encoded as `E2 80 xx` or
/// `E2 81 xx`, so only the characters that start with the byte `E2` are decoded.
fn bidi_positions(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || loop {
        let at = from + bytes.get(from..)?.iter().position(|&b| b == 0xE2)?;
        from = at + 1;
        if let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) {
            if is_bidi(c) {
                return Some((at, c));
            }
        }
    })
}

fn bidi_finding(file: FileId, found: &[(usize, char)]) -> Diagnostic {
    let span = |at: usize, c: char| Span::new(file, at, at + c.len_utf8());
    let label = |c: char| format!("U+{:04X} {}", c as u32, bidi_name(c).unwrap_or(""));
    let (first_at, first) = found.first().copied().unwrap_or((0, '\u{202E}'));
    let mut kinds: Vec<char> = found.iter().map(|(_, c)| *c).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let names: Vec<String> = kinds.iter().map(|c| format!("`{}`", label(*c))).collect();
    let message = if found.len() == 1 {
        format!(
            "a bidirectional control character changes how this line is shown: {}",
            names.join(", ")
        )
    } else {
        format!(
            "{} bidirectional control characters change how this line is shown: {}",
            found.len(),
            names.join(", ")
        )
    };
    let mut d = Diagnostic::new(Code::W0006, span(first_at, first), message)
        .primary_label(label(first))
        .help("text around it may read differently from what ismsc reads (Trojan Source); remove the character, or, where right-to-left text needs it, allow the code in `isms.toml` with `W0006 = \"allow\"`");
    for &(at, c) in found.iter().skip(1).take(MAX_LABELS - 1) {
        d = d.label(span(at, c), label(c));
    }
    if found.len() > MAX_LABELS {
        d = d.note(format!(
            "{} more on this line are not marked",
            found.len() - MAX_LABELS
        ));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_pictures_and_bidi_code_points() {
        assert_eq!(visible("a\u{1b}]0;x\u{7}b"), "a\u{241B}]0;x\u{2407}b");
        assert_eq!(visible("\u{0}\u{7f}\u{9b}"), "\u{2400}\u{2421}<U+009B>");
        assert_eq!(visible("x\u{202E}y"), "x<U+202E>y");
        assert_eq!(visible("a\r\nb\rc\td\n"), "a\nb\nc\td\n");
        assert!(matches!(visible("plain text, é"), Cow::Borrowed(_)));
        assert_eq!(visible_line("a\nb"), "a\u{240A}b");
    }

    #[test]
    fn the_nine_are_bidi() {
        for (c, _) in BIDI {
            assert!(is_bidi(c) && is_hazard(c) && bidi_name(c).is_some());
        }
        assert!(!is_bidi('\u{200E}'));
        assert!(!is_hazard('\t') && !is_hazard('\n') && is_hazard('\r'));
    }
}
