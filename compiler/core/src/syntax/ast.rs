//! The syntax tree: an owned, spanned value with no semantics.
//!
//! The tree keeps every item in source order and every comment, so the formatter can print
//! the file back and the language server can find what is under the cursor. Nothing here
//! knows which keywords or fields exist; lowering to the model decides that.

use compact_str::CompactString;

use crate::source::{FileId, Span};

/// One parsed file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    /// The file.
    pub file: FileId,
    /// Top-level items in source order: every item whose keyword was read, broken or not.
    pub items: Vec<Item>,
    /// Every comment, in source order (also attached to the nodes as [`Trivia`]).
    pub comments: Vec<Comment>,
    /// Comments after the last item.
    pub dangling: Vec<Comment>,
}

/// A comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Its text, including `//` or `/* */`.
    pub text: String,
    /// Where it is.
    pub span: Span,
    /// Whether it is the first thing on its line (else it trails code on that line).
    pub own_line: bool,
    /// Whether a blank line precedes it.
    pub blank_before: bool,
}

/// What surrounds a node without being part of it: the formatter prints it back, the language
/// server folds it, suppressions are read from it.
///
/// Most nodes have no comment, so the comments live behind one pointer that is empty for them
/// (the tree of a large project is mostly fields, and this keeps each one small).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trivia {
    /// The comments, if any.
    comments: Option<Box<Attached>>,
    /// Whether a blank line precedes the node (before its leading comments, if any).
    pub blank_before: bool,
}

/// The comments attached to a node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Attached {
    leading: Vec<Comment>,
    trailing: Option<Comment>,
}

impl Trivia {
    /// Trivia with these leading comments.
    pub fn new(leading: Vec<Comment>, blank_before: bool) -> Trivia {
        let comments = if leading.is_empty() {
            None
        } else {
            Some(Box::new(Attached {
                leading,
                trailing: None,
            }))
        };
        Trivia {
            comments,
            blank_before,
        }
    }

    /// Comments before the node, since the previous node of the same body or file.
    pub fn leading(&self) -> &[Comment] {
        self.comments
            .as_deref()
            .map_or(&[], |c| c.leading.as_slice())
    }

    /// A comment after the node on its last line.
    pub fn trailing(&self) -> Option<&Comment> {
        self.comments.as_deref().and_then(|c| c.trailing.as_ref())
    }

    /// Sets the comment after the node on its last line.
    pub fn set_trailing(&mut self, comment: Option<Comment>) {
        match (&mut self.comments, comment) {
            (Some(c), comment) => c.trailing = comment,
            (None, None) => {}
            (None, Some(comment)) => {
                self.comments = Some(Box::new(Attached {
                    leading: Vec::new(),
                    trailing: Some(comment),
                }))
            }
        }
    }

    /// Puts `before` in front of the leading comments.
    pub fn prepend_leading(&mut self, before: Vec<Comment>) {
        if before.is_empty() {
            return;
        }
        match &mut self.comments {
            Some(c) => {
                c.leading.splice(0..0, before);
            }
            None => {
                self.comments = Some(Box::new(Attached {
                    leading: before,
                    trailing: None,
                }))
            }
        }
    }
}

/// A word with its span: a keyword, a field name, an id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// The text (inline when short, as nearly every id and keyword is).
    pub text: CompactString,
    /// Where it is.
    pub span: Span,
}

/// A framework reference: `iso27001:2022`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameworkRef {
    /// `iso27001:2022`.
    pub key: String,
    /// Where it is.
    pub span: Span,
}

/// The name part of an item header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadName {
    /// `control mfa …`, `requirement A.5.1 …`, `clause 6.1.3 …`.
    Id(Name),
    /// `framework iso27001:2022 …`.
    Framework(FrameworkRef),
    /// `mapping iso27001:2013 -> iso27001:2022 …`.
    Mapping(FrameworkRef, FrameworkRef),
}

impl HeadName {
    /// The span of the whole name.
    pub fn span(&self) -> Span {
        match self {
            HeadName::Id(n) => n.span,
            HeadName::Framework(f) => f.span,
            HeadName::Mapping(a, b) => a.span.to(b.span),
        }
    }
}

/// An item or a nested block: `keyword name? "title"? { body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// `control`, `risk`, `residual`, `evidence`, …
    pub keyword: Name,
    /// The id, if any.
    pub name: Option<HeadName>,
    /// The title string, if any.
    pub title: Option<Str>,
    /// The entries between the braces.
    pub body: Body,
    /// From the keyword to the closing brace (or to where a broken item ends).
    pub span: Span,
    /// Comments and blank lines around it.
    pub trivia: Trivia,
    /// Whether a syntax error was found inside it: lowering then trusts what it holds but
    /// does not report what it lacks.
    pub recovered: bool,
}

/// `{ … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// Entries in source order.
    pub entries: Vec<Entry>,
    /// From `{` to `}`.
    pub span: Span,
    /// Whether it was written over several lines (else on one line).
    pub multiline: bool,
    /// Comments after the last entry, before `}`.
    pub dangling: Vec<Comment>,
}

/// One entry of a body.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// `name = value`.
    Field(Field),
    /// A nested block.
    Block(Box<Item>),
    /// `A.7.12 excluded "…"`.
    Statement(Box<Statement>),
    /// Something that is none of these: a syntax error, already reported.
    Error(ErrorEntry),
}

impl Entry {
    /// Where the entry is.
    pub fn span(&self) -> Span {
        match self {
            Entry::Field(f) => f.span,
            Entry::Block(b) => b.span,
            Entry::Statement(s) => s.span,
            Entry::Error(e) => e.span,
        }
    }

    /// Its comments and blank lines.
    pub fn trivia(&self) -> &Trivia {
        match self {
            Entry::Field(f) => &f.trivia,
            Entry::Block(b) => &b.trivia,
            Entry::Statement(s) => &s.trivia,
            Entry::Error(e) => &e.trivia,
        }
    }
}

/// A broken entry: what the parser skipped.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorEntry {
    /// What was skipped.
    pub span: Span,
    /// The ids and references written in it (`A.5.17`, `ciso`), so that what they would
    /// have decided is not reported as missing.
    pub names: Vec<Name>,
    /// Comments and blank lines around it.
    pub trivia: Trivia,
}

/// `name = value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The field name.
    pub name: Name,
    /// The value.
    pub value: Value,
    /// The whole field.
    pub span: Span,
    /// Comments and blank lines around it.
    pub trivia: Trivia,
}

/// `subject verb argument?`.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// The framework of a qualified subject: `iso27001:2013` in
    /// `iso27001:2013/A.9.4.2 excluded "…"`.
    pub framework: Option<FrameworkRef>,
    /// `A.7.12`.
    pub subject: Name,
    /// `excluded`.
    pub verb: Name,
    /// `"…"` or `A.5.1`.
    pub arg: Option<Value>,
    /// The whole statement.
    pub span: Span,
    /// Comments and blank lines around it.
    pub trivia: Trivia,
}

/// A string literal after unescaping, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    /// The value.
    pub value: String,
    /// Where it is (with the quotes).
    pub span: Span,
    /// Whether it was written as a `"""` text block.
    pub block: bool,
}

/// A calendar date, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
}

impl Date {
    /// A date if it exists in the proleptic Gregorian calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (day >= 1 && day <= days).then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD` (only the shape; `None` for impossible dates).
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.split('-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        if it.next().is_some() {
            return None;
        }
        Date::new(y, m, d)
    }

    /// Days since 0000-03-01, for arithmetic.
    pub fn day_number(self) -> i64 {
        let (y, m) = if self.month <= 2 {
            (i64::from(self.year) - 1, i64::from(self.month) + 9)
        } else {
            (i64::from(self.year), i64::from(self.month) - 3)
        };
        365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + i64::from(self.day) - 1
    }

    /// This date plus a duration (months and years keep the day, clamped to the month's end).
    pub fn plus(self, d: Duration) -> Date {
        let (mut year, mut month) = (i64::from(self.year), i64::from(self.month));
        let months = match d.unit {
            DurationUnit::Months => i64::from(d.amount),
            DurationUnit::Years => i64::from(d.amount) * 12,
            _ => 0,
        };
        month += months;
        year += (month - 1).div_euclid(12);
        month = (month - 1).rem_euclid(12) + 1;
        let year = year.clamp(0, 9999) as u16;
        let mut day = self.day;
        let base = loop {
            if let Some(date) = Date::new(year, month as u8, day) {
                break date;
            }
            day -= 1;
        };
        let days = match d.unit {
            DurationUnit::Days => i64::from(d.amount),
            DurationUnit::Weeks => i64::from(d.amount) * 7,
            _ => 0,
        };
        Date::from_day_number(base.day_number() + days)
    }

    /// Inverse of [`Date::day_number`].
    pub fn from_day_number(n: i64) -> Date {
        let n = n.clamp(0, 3_652_424);
        let mut y = (10000 * n + 14780) / 3_652_425;
        let mut ddd = n - (365 * y + y / 4 - y / 100 + y / 400);
        if ddd < 0 {
            y -= 1;
            ddd = n - (365 * y + y / 4 - y / 100 + y / 400);
        }
        let mi = (100 * ddd + 52) / 3060;
        let mm = (mi + 2) % 12 + 1;
        y += (mi + 2) / 12;
        let dd = ddd - (mi * 306 + 5) / 10 + 1;
        Date {
            year: y.clamp(0, 9999) as u16,
            month: mm as u8,
            day: dd as u8,
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Unit of a duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationUnit {
    /// `d`
    Days,
    /// `w`
    Weeks,
    /// `mo`
    Months,
    /// `y`
    Years,
}

/// `90d`, `12mo`, `1y`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duration {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: DurationUnit,
}

impl Duration {
    /// Parses `90d`, `2w`, `12mo` or `1y` (as in the language; `None` for anything else).
    pub fn parse(s: &str) -> Option<Duration> {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let (num, unit) = s.split_at(digits);
        let unit = match unit {
            "d" => DurationUnit::Days,
            "w" => DurationUnit::Weeks,
            "mo" => DurationUnit::Months,
            "y" => DurationUnit::Years,
            _ => return None,
        };
        Some(Duration {
            amount: num.parse().ok()?,
            unit,
        })
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            DurationUnit::Days => "d",
            DurationUnit::Weeks => "w",
            DurationUnit::Months => "mo",
            DurationUnit::Years => "y",
        };
        write!(f, "{}{}", self.amount, unit)
    }
}

/// A value with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// What it is.
    pub kind: ValueKind,
    /// Where it is.
    pub span: Span,
}

/// `iso27001:2013/A.9.4.2`.
#[derive(Clone, Debug, PartialEq)]
pub struct Qualified {
    /// `iso27001:2013`.
    pub framework: FrameworkRef,
    /// `A.9.4.2`.
    pub id: Name,
}

/// `payroll: "reason"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// `payroll`.
    pub key: Name,
    /// `"reason"`.
    pub value: Str,
}

/// `ceo @ 2026-02-01 until 2027-02-01`.
#[derive(Clone, Debug, PartialEq)]
pub struct SignOff {
    /// `ceo`.
    pub who: Name,
    /// `2026-02-01`.
    pub date: Date,
    /// Optional expiry.
    pub until: Option<Date>,
}

/// The kinds of value.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    /// `"…"` or `"""…"""`.
    Str(Str),
    /// `2026-02-01`.
    Date(Date),
    /// `90d`.
    Duration(Duration),
    /// `6`.
    Int(u32),
    /// `true`.
    Bool(bool),
    /// An id or a requirement id, written bare.
    Ref(Name),
    /// `iso27001:2013/A.9.4.2`.
    Qualified(Box<Qualified>),
    /// `iso27001:2022`.
    Framework(FrameworkRef),
    /// `[ … ]`.
    List(Vec<Value>),
    /// `payroll: "reason"` (only in lists).
    Pair(Box<Pair>),
    /// `ceo @ 2026-02-01 until 2027-02-01`.
    SignOff(Box<SignOff>),
    /// `file("…")`.
    File(Str),
    /// `scale { … }`.
    Scale(Box<Body>),
    /// A literal that was reported as invalid, or a value that is missing or broken (a
    /// syntax error), while parsing; later stages skip it.
    Invalid,
}

impl ValueKind {
    /// How the kind is named in messages ("found a date").
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(s) if s.block => "a text block",
            ValueKind::Str(_) => "a string",
            ValueKind::Date(_) => "a date",
            ValueKind::Duration(_) => "a duration",
            ValueKind::Int(_) => "an integer",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Ref(_) => "a name",
            ValueKind::Qualified(_) => "a qualified requirement id",
            ValueKind::Framework(_) => "a framework",
            ValueKind::List(_) => "a list",
            ValueKind::Pair(_) => "a `name: \"reason\"` pair",
            ValueKind::SignOff(_) => "a sign-off",
            ValueKind::File(_) => "a `file(...)`",
            ValueKind::Scale(_) => "a scale",
            ValueKind::Invalid => "an invalid value",
        }
    }
}
