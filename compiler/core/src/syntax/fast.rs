//! The fast path of parsing: a hand-written recursive-descent parser for the grammar of
//! `grammar.pest`, for text that is entirely well formed.
//!
//! It gives exactly the tree that pest and `lower.rs` give (property-tested against them in
//! `tests/suite/props.rs`), in a fraction of the time, or `None` as soon as anything is not
//! plainly valid: a syntax error, and also every literal that lowering would report (a date
//! not in the calendar, an integer or duration too large, a malformed number, an unknown
//! escape). The caller then parses the text with pest, which gives the messages; so this
//! parser never reports anything and never has to agree with pest on an error.
//!
//! Each rule follows its pest counterpart, ordered choice and all: the first alternative
//! that matches wins, and a failed alternative leaves no trace (the position and the
//! comments collected are both rolled back).

use super::ast::{
    Body, Comment, Date, Duration, DurationUnit, Entry, Field, FrameworkRef, HeadName, Item, Name,
    Statement, Str, Value, ValueKind,
};
use super::lower::dedent;
use crate::source::{FileId, Span};

/// Parses `text` (which starts at byte `base` of its file) as a sequence of items: the tree
/// pest and lowering would give, with comments in source order, or `None` when the text has
/// anything the slow path must judge.
pub(super) fn parse(file: FileId, text: &str, base: usize) -> Option<super::ast::File> {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
        file,
        base,
        comments: Vec::new(),
    };
    let mut items = Vec::new();
    p.skip()?;
    while p.pos < p.src.len() {
        items.push(p.item()?);
        p.skip()?;
    }
    let mut comments = p.comments;
    comments.sort_by_key(|c| c.span.start);
    Some(super::ast::File {
        file,
        items,
        comments,
    })
}

struct Parser<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    file: FileId,
    base: usize,
    comments: Vec<Comment>,
}

/// A point to roll back to.
#[derive(Clone, Copy)]
struct Mark {
    pos: usize,
    comments: usize,
}

fn is_alpha(b: u8) -> bool {
    b.is_ascii_alphabetic()
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// `word_char`: what continues a word.
fn is_word_char(b: u8) -> bool {
    is_alnum(b) || b == b'-' || b == b'_'
}

impl<'a> Parser<'a> {
    fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            comments: self.comments.len(),
        }
    }

    fn reset(&mut self, m: Mark) {
        self.pos = m.pos;
        self.comments.truncate(m.comments);
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn at(&self, s: &str) -> bool {
        self.src
            .get(self.pos..)
            .is_some_and(|r| r.starts_with(s.as_bytes()))
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base + start, self.base + end)
    }

    fn slice(&self, start: usize, end: usize) -> Option<&'a str> {
        self.text.get(start..end)
    }

    /// The implicit `(WHITESPACE | COMMENT)*` between tokens; `None` on an unclosed `/*`.
    fn skip(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(0xEF) if self.at("\u{FEFF}") => self.pos += 3,
                Some(b'/') if self.at("//") => {
                    let start = self.pos;
                    let rest = self.src.get(start..).unwrap_or_default();
                    let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                    self.pos = start + len;
                    self.comment(start, self.pos)?;
                }
                Some(b'/') if self.at("/*") => {
                    let start = self.pos;
                    let close = self.text.get(start + 2..)?.find("*/")?;
                    self.pos = start + 2 + close + 2;
                    self.comment(start, self.pos)?;
                }
                _ => return Some(()),
            }
        }
    }

    fn comment(&mut self, start: usize, end: usize) -> Option<()> {
        let text = self.slice(start, end)?.trim_end();
        self.comments.push(Comment {
            text: text.to_string(),
            span: self.span(start, start + text.len()),
        });
        Some(())
    }

    /// A literal token.
    fn lit(&mut self, s: &str) -> Option<()> {
        if self.at(s) {
            self.pos += s.len();
            Some(())
        } else {
            None
        }
    }

    /// A keyword: `s` not followed by a word character.
    fn keyword(&mut self, s: &str) -> Option<()> {
        let after = self.src.get(self.pos + s.len()).copied();
        if self.at(s) && !after.is_some_and(is_word_char) {
            self.pos += s.len();
            Some(())
        } else {
            None
        }
    }

    /// Bytes from the position while `f` holds, after a first byte for which `first` holds.
    fn run(&mut self, first: fn(u8) -> bool, rest: fn(u8) -> bool) -> Option<(usize, usize)> {
        let start = self.pos;
        if !self.peek().is_some_and(first) {
            return None;
        }
        let mut end = start + 1;
        while self.src.get(end).copied().is_some_and(rest) {
            end += 1;
        }
        self.pos = end;
        Some((start, end))
    }

    fn name(&self, (start, end): (usize, usize)) -> Option<Name> {
        Some(Name {
            text: self.slice(start, end)?.to_string(),
            span: self.span(start, end),
        })
    }

    /// `word`: a letter, then letters, digits, `-`, `_`.
    fn word(&mut self) -> Option<(usize, usize)> {
        self.run(is_alpha, is_word_char)
    }

    /// `path`: a letter, then letters, digits, `-`, `_`, `.`.
    fn path(&mut self) -> Option<(usize, usize)> {
        self.run(is_alpha, |b| is_word_char(b) || b == b'.')
    }

    /// `framework_ref`: `word ":" version`.
    fn framework_ref(&mut self) -> Option<(usize, usize)> {
        let m = self.mark();
        let r = (|| {
            let (start, _) = self.word()?;
            self.lit(":")?;
            let (_, end) = self.run(
                |b| is_alnum(b) || matches!(b, b'.' | b'-' | b'_'),
                |b| is_alnum(b) || matches!(b, b'.' | b'-' | b'_'),
            )?;
            Some((start, end))
        })();
        if r.is_none() {
            self.reset(m);
        }
        r
    }

    /// `item = keyword ~ head_name? ~ title? ~ body`.
    fn item(&mut self) -> Option<Item> {
        let m = self.mark();
        let r = self.item_inner();
        if r.is_none() {
            self.reset(m);
        }
        r
    }

    fn item_inner(&mut self) -> Option<Item> {
        let kw = self.word()?;
        let keyword = self.name(kw)?;
        self.skip()?;
        let name = self.head_name();
        if name.is_some() {
            self.skip()?;
        }
        let title = if self.peek() == Some(b'"') {
            let t = self.string()?;
            self.skip()?;
            Some(t)
        } else {
            None
        };
        let body = self.body()?;
        Some(Item {
            keyword,
            name,
            title,
            span: self.span(kw.0, body_end(&body, self.base)),
            body,
        })
    }

    /// `head_name = framework_ref ~ (arrow ~ framework_ref)? | head_id`.
    fn head_name(&mut self) -> Option<HeadName> {
        if let Some(a) = self.framework_ref() {
            let a = self.fw(a)?;
            let m = self.mark();
            let mapped = (|| {
                self.skip()?;
                self.lit("->")?;
                self.skip()?;
                let b = self.framework_ref()?;
                self.fw(b)
            })();
            return match mapped {
                Some(b) => Some(HeadName::Mapping(a, b)),
                None => {
                    self.reset(m);
                    Some(HeadName::Framework(a))
                }
            };
        }
        let id = self.run(
            |b| is_alnum(b) || b == b'_',
            |b| is_alnum(b) || matches!(b, b'.' | b'-' | b'_'),
        )?;
        Some(HeadName::Id(self.name(id)?))
    }

    fn fw(&self, (start, end): (usize, usize)) -> Option<FrameworkRef> {
        Some(FrameworkRef {
            key: self.slice(start, end)?.to_string(),
            span: self.span(start, end),
        })
    }

    /// `body = { lbrace ~ entry* ~ rbrace }`, where an entry may end with `,` or `;`.
    fn body(&mut self) -> Option<Body> {
        let start = self.pos;
        self.lit("{")?;
        self.skip()?;
        let mut entries = Vec::new();
        while self.peek() != Some(b'}') {
            entries.push(self.entry()?);
            self.skip()?;
            if matches!(self.peek(), Some(b',' | b';')) {
                self.pos += 1;
                self.skip()?;
            }
        }
        self.pos += 1;
        Some(Body {
            entries,
            span: self.span(start, self.pos),
        })
    }

    /// `(field | item | statement)`.
    fn entry(&mut self) -> Option<Entry> {
        if let Some(f) = self.attempt(Self::field) {
            return Some(Entry::Field(f));
        }
        if let Some(i) = self.item() {
            return Some(Entry::Block(i));
        }
        self.attempt(Self::statement).map(Entry::Statement)
    }

    /// Runs `f`, rolling back when it fails.
    fn attempt<T>(&mut self, f: fn(&mut Self) -> Option<T>) -> Option<T> {
        let m = self.mark();
        let r = f(self);
        if r.is_none() {
            self.reset(m);
        }
        r
    }

    /// `field = field_name ~ eq ~ value`.
    fn field(&mut self) -> Option<Field> {
        let n = self.word()?;
        let name = self.name(n)?;
        self.skip()?;
        self.lit("=")?;
        self.skip()?;
        let value = self.value(true)?;
        Some(Field {
            span: Span {
                end: value.span.end.max(name.span.end),
                ..self.span(n.0, n.1)
            },
            name,
            value,
        })
    }

    /// `statement = path ~ verb ~ statement_arg?`, where the argument is a string, or a path
    /// that does not start the next statement (`!(verb ~ (string | path))` after it).
    fn statement(&mut self) -> Option<Statement> {
        let s = self.path()?;
        let subject = self.name(s)?;
        self.skip()?;
        let v = self.word()?;
        let verb = self.name(v)?;
        let m = self.mark();
        self.skip()?;
        let arg = if self.peek() == Some(b'"') {
            // `string`, not a text block: before `"""` it is `""`, as in pest.
            let s = self.string()?;
            Some(Value {
                span: s.span,
                kind: ValueKind::Str(s),
            })
        } else if let Some(p) = self.path() {
            let after = self.mark();
            let next_statement = (|| {
                self.skip()?;
                self.word()?;
                self.skip()?;
                if self.peek() == Some(b'"') {
                    self.string().map(|_| ())
                } else {
                    self.path().map(|_| ())
                }
            })()
            .is_some();
            self.reset(after);
            if next_statement {
                None
            } else {
                Some(Value {
                    kind: ValueKind::Ref(self.name(p)?),
                    span: self.span(p.0, p.1),
                })
            }
        } else {
            None
        };
        if arg.is_none() {
            self.reset(m);
        }
        let end = arg.as_ref().map(|a| a.span.end).unwrap_or(verb.span.end);
        Some(Statement {
            span: Span {
                end,
                ..self.span(s.0, s.1)
            },
            subject,
            verb,
            arg,
        })
    }

    /// `value` (in a field: `top`) or `list_value` (in a list): the alternatives in pest's
    /// order; a list value has no `scale`, `file(…)` or nested list.
    fn value(&mut self, top: bool) -> Option<Value> {
        let start = self.pos;
        let first = self.peek()?;
        if top && self.at("scale") {
            let m = self.mark();
            let scale = (|| {
                self.keyword("scale")?;
                self.skip()?;
                self.body()
            })();
            match scale {
                Some(body) => {
                    return Some(Value {
                        span: self.span(start, self.pos),
                        kind: ValueKind::Scale(body),
                    })
                }
                None => self.reset(m),
            }
        }
        if is_alpha(first) {
            if let Some(v) = self.attempt(Self::sign_off) {
                return Some(v);
            }
        }
        if top && self.at("file") {
            let m = self.mark();
            let file = (|| {
                self.keyword("file")?;
                self.skip()?;
                self.lit("(")?;
                self.skip()?;
                let s = self.string()?;
                self.skip()?;
                self.lit(")")?;
                Some(s)
            })();
            match file {
                Some(s) => {
                    return Some(Value {
                        span: self.span(start, self.pos),
                        kind: ValueKind::File(s),
                    })
                }
                None => self.reset(m),
            }
        }
        if top && first == b'[' {
            if let Some(v) = self.attempt(Self::list) {
                return Some(v);
            }
        }
        if first == b'"' {
            // text_block before string, as in pest; either way a string.
            return self.string_value();
        }
        if first.is_ascii_digit() {
            return self.number();
        }
        for (word, b) in [("true", true), ("false", false)] {
            if self.keyword(word).is_some() {
                return Some(Value {
                    span: self.span(start, self.pos),
                    kind: ValueKind::Bool(b),
                });
            }
        }
        if let Some(v) = self.attempt(Self::qualified_ref) {
            return Some(v);
        }
        if let Some(r) = self.framework_ref() {
            return Some(Value {
                kind: ValueKind::Framework(self.fw(r)?),
                span: self.span(r.0, r.1),
            });
        }
        let p = self.path()?;
        Some(Value {
            kind: ValueKind::Ref(self.name(p)?),
            span: self.span(p.0, p.1),
        })
    }

    /// `sign_off = path ~ at ~ date ~ (kw_until ~ date)?`.
    fn sign_off(&mut self) -> Option<Value> {
        let p = self.path()?;
        let who = self.name(p)?;
        self.skip()?;
        self.lit("@")?;
        self.skip()?;
        let (date, mut end) = self.date()?;
        let m = self.mark();
        let until = (|| {
            self.skip()?;
            self.keyword("until")?;
            self.skip()?;
            self.date()
        })();
        let until = match until {
            Some((d, e)) => {
                end = e;
                Some(d)
            }
            None => {
                self.reset(m);
                None
            }
        };
        Some(Value {
            kind: ValueKind::SignOff { who, date, until },
            span: self.span(p.0, end),
        })
    }

    /// A `date` token that names a day of the calendar, and where it ends.
    fn date(&mut self) -> Option<(Date, usize)> {
        let start = self.pos;
        let shape = self.src.get(start..start + 10)?;
        let digit = |i: usize| shape.get(i).is_some_and(u8::is_ascii_digit);
        let ok = (0..4).all(digit)
            && shape.get(4) == Some(&b'-')
            && (5..7).all(digit)
            && shape.get(7) == Some(&b'-')
            && (8..10).all(digit)
            && !self.src.get(start + 10).copied().is_some_and(is_word_char);
        if !ok {
            return None;
        }
        let date = Date::parse(self.slice(start, start + 10)?)?;
        self.pos = start + 10;
        Some((date, self.pos))
    }

    /// `date | duration | integer`; `malformed` (and any literal lowering would report) is
    /// `None`.
    fn number(&mut self) -> Option<Value> {
        let start = self.pos;
        if let Some((d, end)) = self.date() {
            return Some(Value {
                kind: ValueKind::Date(d),
                span: self.span(start, end),
            });
        }
        let digits = self
            .src
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let end = start + digits;
        let amount: u32 = self.slice(start, end)?.parse().ok()?;
        for (unit, u) in [
            ("mo", DurationUnit::Months),
            ("d", DurationUnit::Days),
            ("w", DurationUnit::Weeks),
            ("y", DurationUnit::Years),
        ] {
            let after = end + unit.len();
            if self.src.get(end..after) == Some(unit.as_bytes())
                && !self.src.get(after).copied().is_some_and(is_word_char)
            {
                if amount > 100_000 {
                    return None;
                }
                self.pos = after;
                return Some(Value {
                    kind: ValueKind::Duration(Duration { amount, unit: u }),
                    span: self.span(start, after),
                });
            }
        }
        if self.src.get(end).copied().is_some_and(is_word_char) {
            return None;
        }
        self.pos = end;
        Some(Value {
            kind: ValueKind::Int(amount),
            span: self.span(start, end),
        })
    }

    /// `qualified_ref = word ":" version "/" path`.
    fn qualified_ref(&mut self) -> Option<Value> {
        let (start, fw_end) = self.framework_ref()?;
        self.lit("/")?;
        let (id_start, end) = self.path()?;
        Some(Value {
            kind: ValueKind::Qualified {
                framework: self.fw((start, fw_end))?,
                id: self.name((id_start, end))?,
            },
            span: self.span(start, end),
        })
    }

    /// `list = [ (list_elem (, list_elem)* ,?)? ]`, an element a `key: "string"` pair or a
    /// list value.
    fn list(&mut self) -> Option<Value> {
        let start = self.pos;
        self.lit("[")?;
        self.skip()?;
        let mut items = Vec::new();
        if self.peek() != Some(b']') {
            items.push(self.list_elem()?);
            loop {
                let m = self.mark();
                self.skip()?;
                if self.lit(",").is_none() {
                    self.reset(m);
                    break;
                }
                self.skip()?;
                if self.peek() == Some(b']') {
                    break;
                }
                items.push(self.list_elem()?);
            }
        }
        self.skip()?;
        self.lit("]")?;
        Some(Value {
            kind: ValueKind::List(items),
            span: self.span(start, self.pos),
        })
    }

    fn list_elem(&mut self) -> Option<Value> {
        if let Some(pair) = self.attempt(Self::pair) {
            return Some(pair);
        }
        self.value(false)
    }

    /// `pair = path ~ colon ~ string`.
    fn pair(&mut self) -> Option<Value> {
        let p = self.path()?;
        let key = self.name(p)?;
        self.skip()?;
        self.lit(":")?;
        self.skip()?;
        if self.at("\"\"\"") {
            // `string` matches `""` here and the rest fails.
            return None;
        }
        let value = self.string()?;
        let end = (value.span.end as usize).saturating_sub(self.base);
        Some(Value {
            kind: ValueKind::Pair { key, value },
            span: self.span(p.0, end),
        })
    }

    fn string_value(&mut self) -> Option<Value> {
        let s = self.string_or_block()?;
        Some(Value {
            span: s.span,
            kind: ValueKind::Str(s),
        })
    }

    /// `text_block | string`.
    fn string_or_block(&mut self) -> Option<Str> {
        if self.at("\"\"\"") {
            let start = self.pos;
            let close = self.text.get(start + 3..)?.find("\"\"\"")?;
            let inner = self.slice(start + 3, start + 3 + close)?;
            self.pos = start + 3 + close + 3;
            return Some(Str {
                value: dedent(inner),
                span: self.span(start, self.pos),
                block: true,
            });
        }
        self.string()
    }

    /// `string`: one line between quotes, with the escapes `\"`, `\\`, `\n`, `\t` (any other
    /// escape is a finding, so `None`). Before `"""` it is the empty string `""`, as in pest.
    fn string(&mut self) -> Option<Str> {
        let start = self.pos;
        self.lit("\"")?;
        let mut value = String::new();
        let mut run = self.pos;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\n' => return None,
                b'\\' => {
                    value.push_str(self.slice(run, self.pos)?);
                    let escaped = match self.src.get(self.pos + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'n' => '\n',
                        b't' => '\t',
                        _ => return None,
                    };
                    value.push(escaped);
                    self.pos += 2;
                    run = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        value.push_str(self.slice(run, self.pos)?);
        self.pos += 1;
        Some(Str {
            value,
            span: self.span(start, self.pos),
            block: false,
        })
    }
}

/// The end of a body, relative to the parsed text.
fn body_end(body: &Body, base: usize) -> usize {
    (body.span.end as usize).saturating_sub(base)
}
