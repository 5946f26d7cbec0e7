//! The lexer: text to tokens, on demand, with the trivia between them.
//!
//! Tokens follow the lexical rules of `grammar.pest`: a run of id characters is one token
//! (maximal munch), so `A.5.17`, `R-001`, `2026-02-01` and `12mo` are each one token and the
//! parser classifies them; `word:version` and `word:version/id` written without blanks are
//! framework and qualified references. Comments are collected in source order as they are
//! met; every token knows which comments, line breaks and blank lines precede it, which is
//! what the parser attaches to the nodes as trivia.
//!
//! The lexer never fails: a character that starts no token is an [`Tok::Unknown`] token, an
//! unclosed string, text block or block comment is a token (or comment) of its own kind that
//! the parser reports.

use super::ast::Comment;
use crate::source::{FileId, Span};

/// The kinds of token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    /// A letter, then letters, digits, `-`, `_`: keywords, field names, verbs, plain ids.
    Word,
    /// Any other run of id characters: `A.5.17`, `21.2.a`, `_x`, and runs that start with a
    /// digit (dates, durations, integers, malformed numbers, clause numbers).
    Atom,
    /// `iso27001:2022` (`mid` is the end of the framework key, here the whole token).
    Framework,
    /// `iso27001:2013/A.9.4.2` (`mid` is the end of the framework key).
    Qualified,
    /// `"…"`, closed on its line.
    Str,
    /// `"…` not closed on its line: the token runs to the end of the line.
    UnclosedStr,
    /// `"""…"""`.
    TextBlock,
    /// `"""…` never closed: the token runs to where the parser should resume.
    UnclosedTextBlock,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `=`
    Eq,
    /// `,`
    Comma,
    /// `;`
    Semi,
    /// `:`
    Colon,
    /// `@`
    At,
    /// `->`
    Arrow,
    /// A character that starts no token.
    Unknown,
    /// The end of the text.
    Eof,
}

/// One token with the trivia before it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    /// What it is.
    pub kind: Tok,
    /// Byte range in the lexed text.
    pub start: u32,
    /// End of the byte range.
    pub end: u32,
    /// For [`Tok::Framework`] and [`Tok::Qualified`]: where the framework key ends.
    pub mid: u32,
    /// The comments before it: `comments..comments_end` in [`Lexer::comments`].
    pub comments: u32,
    /// End of the comments before it.
    pub comments_end: u32,
    /// Whether a line break precedes it (or it starts the text).
    pub line_start: bool,
    /// Whether a blank line precedes it (after its last comment, if any).
    pub blank_before: bool,
}

/// The top-level item keywords: a block that starts with one of them is an item, never a
/// nested block, so the parser knows an unclosed item when it meets the next one.
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
    "procedure",
    "standard",
    "guideline",
    "obligation",
    "context",
    "objective",
    "audit",
    "nonconformity",
    "review",
    "role",
    "competence",
    "applicability",
    "framework",
    "mapping",
    "clauses",
    "document",
];

fn is_id_start(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_atom_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')
}

fn is_word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

/// Produces tokens one at a time.
pub(super) struct Lexer<'a> {
    text: &'a str,
    src: &'a [u8],
    pos: usize,
    file: FileId,
    base: usize,
    /// Every comment met so far, in source order.
    pub comments: Vec<Comment>,
    /// Comments that are never closed (`/*` without `*/`), as byte ranges, for the parser
    /// to report.
    pub unclosed_comments: Vec<(u32, u32)>,
}

impl<'a> Lexer<'a> {
    /// A lexer over `text`, which starts at byte `base` of `file`.
    pub fn new(file: FileId, text: &'a str, base: usize) -> Self {
        Lexer {
            text,
            src: text.as_bytes(),
            pos: 0,
            file,
            base,
            comments: Vec::new(),
            unclosed_comments: Vec::new(),
        }
    }

    /// Goes back to byte `pos`, forgetting the comments from index `comments` on.
    pub fn reset(&mut self, pos: usize, comments: usize) {
        self.pos = pos;
        self.comments.truncate(comments);
        self.unclosed_comments
            .retain(|&(start, _)| (start as usize) < pos);
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    /// The next token.
    pub fn next(&mut self) -> Token {
        let comments = self.comments.len() as u32;
        let mut line_start = self.pos == 0;
        // Line breaks since the last non-blank thing (token or comment): two make a blank line.
        let mut breaks = 0u32;
        let mut blank_before = false;
        loop {
            match self.at(self.pos) {
                Some(b'\n') => {
                    self.pos += 1;
                    line_start = true;
                    breaks += 1;
                }
                Some(b'\r') => {
                    // `\r\n` is one line break, a lone `\r` is one too.
                    self.pos += 1;
                    if self.at(self.pos) == Some(b'\n') {
                        self.pos += 1;
                    }
                    line_start = true;
                    breaks += 1;
                }
                Some(b' ' | b'\t') => self.pos += 1,
                Some(0xEF) if self.src.get(self.pos..self.pos + 3) == Some(b"\xEF\xBB\xBF") => {
                    self.pos += 3
                }
                Some(b'/') if self.at(self.pos + 1) == Some(b'/') => {
                    let start = self.pos;
                    let len = self.src[start..]
                        .iter()
                        .position(|&b| b == b'\n' || b == b'\r')
                        .unwrap_or(self.src.len() - start);
                    self.pos = start + len;
                    self.comment(start, self.pos, breaks >= 2, line_start);
                    blank_before = false;
                    breaks = 0;
                    line_start = false;
                }
                Some(b'/') if self.at(self.pos + 1) == Some(b'*') => {
                    let start = self.pos;
                    let end = match self.text.get(start + 2..).and_then(|r| r.find("*/")) {
                        Some(close) => start + 2 + close + 2,
                        None => {
                            let end = resume_point(self.text, start);
                            self.unclosed_comments.push((start as u32, end as u32));
                            end
                        }
                    };
                    self.pos = end;
                    self.comment(start, end, breaks >= 2, line_start);
                    blank_before = false;
                    breaks = 0;
                    line_start = false;
                }
                _ => break,
            }
            if breaks >= 2 {
                blank_before = true;
            }
        }
        let start = self.pos;
        // A token right after one that ended a line (a text block, a comment) starts a line too.
        line_start |= matches!(
            start.checked_sub(1).and_then(|i| self.at(i)),
            Some(b'\n' | b'\r')
        );
        let (kind, end, mid) = self.token(start);
        self.pos = end;
        Token {
            kind,
            start: start as u32,
            end: end as u32,
            mid: mid as u32,
            comments,
            comments_end: self.comments.len() as u32,
            line_start,
            blank_before,
        }
    }

    fn comment(&mut self, start: usize, end: usize, blank_before: bool, own_line: bool) {
        let text = self.text.get(start..end).unwrap_or("").trim_end();
        self.comments.push(Comment {
            text: text.to_string(),
            span: self.span(start, start + text.len()),
            own_line,
            blank_before,
        });
    }

    /// The token at `start`: its kind, end and (for references) where the key ends.
    fn token(&self, start: usize) -> (Tok, usize, usize) {
        let Some(b) = self.at(start) else {
            return (Tok::Eof, start, start);
        };
        let one = |k| (k, start + 1, start + 1);
        match b {
            b'{' => one(Tok::LBrace),
            b'}' => one(Tok::RBrace),
            b'[' => one(Tok::LBracket),
            b']' => one(Tok::RBracket),
            b'(' => one(Tok::LParen),
            b')' => one(Tok::RParen),
            b'=' => one(Tok::Eq),
            b',' => one(Tok::Comma),
            b';' => one(Tok::Semi),
            b':' => one(Tok::Colon),
            b'@' => one(Tok::At),
            b'-' if self.at(start + 1) == Some(b'>') => (Tok::Arrow, start + 2, start + 2),
            b'"' => self.string(start),
            b if b.is_ascii_digit() => {
                // A number-like run also takes `:` (`12:30` is one malformed literal).
                let mut end = start + 1;
                while self.at(end).is_some_and(|c| is_atom_char(c) || c == b':') {
                    end += 1;
                }
                (Tok::Atom, end, end)
            }
            b if is_id_start(b) => self.id(start),
            _ => {
                let len = self
                    .text
                    .get(start..)
                    .and_then(|r| r.chars().next())
                    .map(char::len_utf8)
                    .unwrap_or(1);
                (Tok::Unknown, start + len, start + len)
            }
        }
    }

    /// A run starting with a letter or `_`: a word, an atom, or a framework or qualified
    /// reference when `:` follows a word without blanks.
    fn id(&self, start: usize) -> (Tok, usize, usize) {
        let alpha = self.at(start).is_some_and(|b| b.is_ascii_alphabetic());
        let mut end = start + 1;
        while self.at(end).is_some_and(is_word_char) {
            end += 1;
        }
        let word_end = end;
        while self.at(end).is_some_and(is_atom_char) {
            end += 1;
        }
        if end > word_end || !alpha {
            return (Tok::Atom, end, end);
        }
        // `word:version`, then `/id`.
        if self.at(end) == Some(b':') && self.at(end + 1).is_some_and(is_atom_char) {
            let mut key_end = end + 1;
            while self.at(key_end).is_some_and(is_atom_char) {
                key_end += 1;
            }
            if self.at(key_end) == Some(b'/') && self.at(key_end + 1).is_some_and(is_id_start) {
                let mut id_end = key_end + 1;
                while self.at(id_end).is_some_and(is_atom_char) {
                    id_end += 1;
                }
                return (Tok::Qualified, id_end, key_end);
            }
            return (Tok::Framework, key_end, key_end);
        }
        (Tok::Word, end, end)
    }

    /// `"…"` on one line or a `"""` text block.
    fn string(&self, start: usize) -> (Tok, usize, usize) {
        if self.src.get(start..start + 3) == Some(b"\"\"\"") {
            return match self.text.get(start + 3..).and_then(|r| r.find("\"\"\"")) {
                Some(close) => {
                    let end = start + 3 + close + 3;
                    (Tok::TextBlock, end, end)
                }
                None => {
                    let end = resume_point(self.text, start);
                    (Tok::UnclosedTextBlock, end, end)
                }
            };
        }
        let mut i = start + 1;
        loop {
            match self.at(i) {
                Some(b'"') => return (Tok::Str, i + 1, i + 1),
                Some(b'\\') if self.at(i + 1).is_some_and(|c| c != b'\n' && c != b'\r') => {
                    // An escape takes the whole next character.
                    let len = self
                        .text
                        .get(i + 1..)
                        .and_then(|r| r.chars().next())
                        .map(char::len_utf8)
                        .unwrap_or(1);
                    i += 1 + len;
                }
                None | Some(b'\n' | b'\r') => return (Tok::UnclosedStr, i, i),
                Some(_) => i += 1,
            }
        }
    }
}

/// Where parsing resumes after a text block or block comment that is never closed: before
/// the first later line that is only `}` or starts with an item keyword at its first column,
/// else at the end of the text.
fn resume_point(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = start;
    loop {
        let Some(nl) = bytes
            .get(at..)
            .and_then(|r| r.iter().position(|&b| b == b'\n' || b == b'\r'))
        else {
            return text.len();
        };
        let mut line = at + nl + 1;
        if bytes.get(at + nl) == Some(&b'\r') && bytes.get(line) == Some(&b'\n') {
            line += 1;
        }
        let rest = text.get(line..).unwrap_or("");
        let first = rest.lines().next().unwrap_or("");
        if first.trim() == "}" || starts_item_line(rest) {
            return line;
        }
        at = line;
    }
}

/// Whether `line` starts, at its first column, with an item keyword followed by a blank, `{`
/// or a title.
pub(super) fn starts_item_line(line: &str) -> bool {
    let len = line.bytes().take_while(|&c| is_word_char(c)).count();
    let (word, after) = line.split_at(len);
    ITEM_KEYWORDS.contains(&word)
        && matches!(after.bytes().next(), Some(b' ' | b'\t' | b'{' | b'"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Tok, &str)> {
        let mut lx = Lexer::new(FileId::default(), text, 0);
        let mut out = Vec::new();
        loop {
            let t = lx.next();
            if t.kind == Tok::Eof {
                break;
            }
            out.push((t.kind, &text[t.start as usize..t.end as usize]));
        }
        out
    }

    #[test]
    fn runs_of_id_characters_are_one_token() {
        assert_eq!(
            kinds("A.5.17 R-001 2026-02-01 12mo iso27001:2022 iso27001:2013/A.9.4.2 nis2:2022/21.2.a x->y"),
            vec![
                (Tok::Atom, "A.5.17"),
                (Tok::Word, "R-001"),
                (Tok::Atom, "2026-02-01"),
                (Tok::Atom, "12mo"),
                (Tok::Framework, "iso27001:2022"),
                (Tok::Qualified, "iso27001:2013/A.9.4.2"),
                (Tok::Qualified, "nis2:2022/21.2.a"),
                (Tok::Word, "x-"),
                (Tok::Unknown, ">"),
                (Tok::Word, "y"),
            ]
        );
        assert_eq!(
            kinds("a: \"b\" a:\"b\" -> 12:30"),
            vec![
                (Tok::Word, "a"),
                (Tok::Colon, ":"),
                (Tok::Str, "\"b\""),
                (Tok::Word, "a"),
                (Tok::Colon, ":"),
                (Tok::Str, "\"b\""),
                (Tok::Arrow, "->"),
                (Tok::Atom, "12:30"),
            ]
        );
    }

    #[test]
    fn strings_text_blocks_and_comments() {
        assert_eq!(
            kinds("\"a\\\"b\" \"open\n\"\"\"x\ny\"\"\" // c\n/* d */ #"),
            vec![
                (Tok::Str, "\"a\\\"b\""),
                (Tok::UnclosedStr, "\"open"),
                (Tok::TextBlock, "\"\"\"x\ny\"\"\""),
                (Tok::Unknown, "#"),
            ]
        );
        let mut lx = Lexer::new(FileId::default(), "a // c\n\n// d\nb /* e */", 0);
        let a = lx.next();
        let b = lx.next();
        assert!(!b.blank_before && b.line_start);
        assert_eq!(a.comments, 0);
        assert_eq!(b.comments, 0);
        let texts: Vec<_> = lx
            .comments
            .iter()
            .map(|c| (c.text.as_str(), c.own_line, c.blank_before))
            .collect();
        assert_eq!(texts, [("// c", false, false), ("// d", true, true)]);
        let _ = lx.next();
        assert_eq!(lx.comments.len(), 3);
    }

    #[test]
    fn an_unclosed_text_block_ends_before_the_next_item() {
        let text = "policy p {\n  text = \"\"\"\n  words\n}\ncontrol c { }\n";
        let kinds = kinds(text);
        assert_eq!(kinds[5], (Tok::UnclosedTextBlock, "\"\"\"\n  words\n"));
        assert_eq!(kinds[6], (Tok::RBrace, "}"));
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let mut lx = Lexer::new(FileId::default(), "a // c\rb", 0);
        let _ = lx.next();
        let b = lx.next();
        assert_eq!(b.kind, Tok::Word);
        assert!(b.line_start);
        assert_eq!(lx.comments[0].text, "// c");
    }
}
