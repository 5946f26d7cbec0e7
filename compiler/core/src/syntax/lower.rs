//! Lowering: pest pairs to the owned syntax tree, with literal validation (E0003–E0005).

use pest::iterators::Pair;

use super::ast::{
    Body, Comment, Date, Duration, DurationUnit, Entry, Field, FrameworkRef, HeadName, Item, Name,
    Statement, Str, Value, ValueKind,
};
use super::parser::Rule;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

/// Walks the pairs of one top-level item.
pub(super) struct Lowerer<'a> {
    file: FileId,
    base: usize,
    diags: &'a mut Diagnostics,
    comments: &'a mut Vec<Comment>,
}

impl<'a> Lowerer<'a> {
    pub(super) fn new(
        file: FileId,
        base: usize,
        diags: &'a mut Diagnostics,
        comments: &'a mut Vec<Comment>,
    ) -> Self {
        Lowerer {
            file,
            base,
            diags,
            comments,
        }
    }

    /// The span of a pair, without the blanks pest counts at its end when an optional part
    /// after them did not match.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let len = pair.as_str().trim_end().len();
        Span::new(
            self.file,
            self.base + s.start(),
            self.base + s.start() + len,
        )
    }

    fn name(&self, pair: &Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    /// Records a comment.
    pub(super) fn comment(&mut self, pair: Pair<'_, Rule>) {
        let span = self.span(&pair);
        self.comments.push(Comment {
            text: pair.as_str().trim_end().to_string(),
            span,
        });
    }

    /// The children of a pair, with comments taken out and recorded.
    fn children<'i>(&mut self, pair: Pair<'i, Rule>) -> Vec<Pair<'i, Rule>> {
        let mut out = Vec::new();
        for p in pair.into_inner() {
            if p.as_rule() == Rule::COMMENT {
                self.comment(p);
            } else {
                out.push(p);
            }
        }
        out
    }

    /// `item`.
    pub(super) fn item(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Item {
        let span = self.span(&pair);
        let mut keyword = Name {
            text: String::new(),
            span,
        };
        let mut name = None;
        let mut title = None;
        let mut body = Body {
            entries: Vec::new(),
            span,
        };
        for p in self.children(pair) {
            match p.as_rule() {
                Rule::keyword => keyword = self.name(&p),
                Rule::head_name => name = Some(self.head_name(p)),
                Rule::title => {
                    if let Some(s) = self.children(p).into_iter().next() {
                        title = Some(self.string(&s));
                    }
                }
                Rule::body => body = self.body(p, depth),
                _ => {}
            }
        }
        Item {
            keyword,
            name,
            title,
            body,
            span,
        }
    }

    fn head_name(&mut self, pair: Pair<'_, Rule>) -> HeadName {
        let span = self.span(&pair);
        let parts = self.children(pair);
        let fws: Vec<FrameworkRef> = parts
            .iter()
            .filter(|p| p.as_rule() == Rule::framework_ref)
            .map(|p| FrameworkRef {
                key: p.as_str().to_string(),
                span: self.span(p),
            })
            .collect();
        match (fws.first(), fws.get(1)) {
            (Some(a), Some(b)) => HeadName::Mapping(a.clone(), b.clone()),
            (Some(a), None) => HeadName::Framework(a.clone()),
            _ => HeadName::Id(Name {
                text: parts
                    .first()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                span: parts.first().map(|p| self.span(p)).unwrap_or(span),
            }),
        }
    }

    fn body(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Body {
        let span = self.span(&pair);
        let mut entries = Vec::new();
        for p in self.children(pair) {
            if p.as_rule() != Rule::entry {
                continue;
            }
            for e in self.children(p) {
                match e.as_rule() {
                    Rule::field => entries.push(Entry::Field(self.field(e, depth))),
                    Rule::item => entries.push(Entry::Block(self.item(e, depth + 1))),
                    Rule::statement => entries.push(Entry::Statement(self.statement(e, depth))),
                    _ => {}
                }
            }
        }
        Body { entries, span }
    }

    fn field(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Field {
        let span = self.span(&pair);
        let mut name = Name {
            text: String::new(),
            span,
        };
        let mut value = Value {
            kind: ValueKind::Invalid,
            span,
        };
        for p in self.children(pair) {
            match p.as_rule() {
                Rule::field_name => name = self.name(&p),
                Rule::value => value = self.value(p, depth),
                _ => {}
            }
        }
        // The field ends where its value ends (see the sign-off in `scalar`).
        let span = Span {
            end: value.span.end.max(name.span.end),
            ..span
        };
        Field { name, value, span }
    }

    fn statement(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Statement {
        let span = self.span(&pair);
        let mut subject = None;
        let mut verb = None;
        let mut arg = None;
        for p in self.children(pair) {
            match p.as_rule() {
                Rule::path => subject = Some(self.name(&p)),
                Rule::verb => verb = Some(self.name(&p)),
                Rule::statement_arg => {
                    if let Some(inner) = self.children(p).into_iter().next() {
                        arg = Some(self.scalar(inner, depth));
                    }
                }
                _ => {}
            }
        }
        // pest's span of a statement without an argument runs over the blanks after it.
        let end = arg
            .as_ref()
            .map(|a| a.span.end)
            .or(verb.as_ref().map(|v: &Name| v.span.end))
            .unwrap_or(span.end);
        let span = Span { end, ..span };
        let blank = Name {
            text: String::new(),
            span,
        };
        Statement {
            subject: subject.unwrap_or_else(|| blank.clone()),
            verb: verb.unwrap_or(blank),
            arg,
            span,
        }
    }

    /// `value` or `list_value`: unwraps to the one inner literal.
    fn value(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Value {
        let span = self.span(&pair);
        match self.children(pair).into_iter().next() {
            Some(inner) => self.scalar(inner, depth),
            None => Value {
                kind: ValueKind::Invalid,
                span,
            },
        }
    }

    fn scalar(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Value {
        let mut span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::string | Rule::text_block => ValueKind::Str(self.string(&pair)),
            Rule::date => match Date::parse(pair.as_str()) {
                Some(d) => ValueKind::Date(d),
                None => {
                    self.invalid_date(&pair);
                    ValueKind::Invalid
                }
            },
            Rule::duration => self.duration(&pair),
            Rule::integer => match pair.as_str().parse::<u32>() {
                Ok(n) => ValueKind::Int(n),
                Err(_) => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0004,
                            span,
                            format!("the integer `{}` is too large", pair.as_str()),
                        )
                        .primary_label("larger than 4294967295")
                        .help("integers in the language fit in 32 bits"),
                    );
                    ValueKind::Invalid
                }
            },
            Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
            Rule::path => ValueKind::Ref(self.name(&pair)),
            Rule::framework_ref => ValueKind::Framework(FrameworkRef {
                key: pair.as_str().to_string(),
                span,
            }),
            Rule::qualified_ref => {
                let text = pair.as_str();
                let (fw, id) = text.split_once('/').unwrap_or((text, ""));
                let fw_end = span.start as usize + fw.len();
                ValueKind::Qualified {
                    framework: FrameworkRef {
                        key: fw.to_string(),
                        span: Span::new(self.file, span.start as usize, fw_end),
                    },
                    id: Name {
                        text: id.to_string(),
                        span: Span::new(self.file, fw_end + 1, span.end as usize),
                    },
                }
            }
            Rule::list => {
                let mut items = Vec::new();
                for p in self.children(pair) {
                    if p.as_rule() == Rule::list_elem {
                        if let Some(inner) = self.children(p).into_iter().next() {
                            let v = if inner.as_rule() == Rule::list_value {
                                self.value(inner, depth)
                            } else {
                                self.scalar(inner, depth)
                            };
                            items.push(v);
                        }
                    }
                }
                ValueKind::List(items)
            }
            Rule::pair => {
                let parts = self.children(pair);
                let key = parts
                    .iter()
                    .find(|p| p.as_rule() == Rule::path)
                    .map(|p| self.name(p));
                let value = parts
                    .iter()
                    .find(|p| p.as_rule() == Rule::string)
                    .map(|p| self.string(p));
                match (key, value) {
                    (Some(key), Some(value)) => ValueKind::Pair { key, value },
                    _ => ValueKind::Invalid,
                }
            }
            Rule::sign_off => {
                let parts = self.children(pair);
                // pest's span of a sign-off without `until` runs over the blanks and comments
                // after it: end it at its last token.
                if let Some(last) = parts.last() {
                    span.end = self.span(last).end;
                }
                let who = parts
                    .iter()
                    .find(|p| p.as_rule() == Rule::path)
                    .map(|p| self.name(p));
                let mut dates = Vec::new();
                for p in parts.iter().filter(|p| p.as_rule() == Rule::date) {
                    match Date::parse(p.as_str()) {
                        Some(d) => dates.push(Some(d)),
                        None => {
                            self.invalid_date(p);
                            dates.push(None);
                        }
                    }
                }
                match (who, dates.first().copied().flatten()) {
                    (Some(who), Some(date)) if dates.iter().all(Option::is_some) => {
                        ValueKind::SignOff {
                            who,
                            date,
                            until: dates.get(1).copied().flatten(),
                        }
                    }
                    _ => ValueKind::Invalid,
                }
            }
            Rule::file_call => {
                match self
                    .children(pair)
                    .into_iter()
                    .find(|p| p.as_rule() == Rule::string)
                {
                    Some(s) => ValueKind::File(self.string(&s)),
                    None => ValueKind::Invalid,
                }
            }
            Rule::scale => {
                let body = self
                    .children(pair)
                    .into_iter()
                    .find(|p| p.as_rule() == Rule::body);
                match body {
                    Some(b) => ValueKind::Scale(self.body(b, depth + 1)),
                    None => ValueKind::Invalid,
                }
            }
            Rule::malformed => {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0004,
                        span,
                        format!(
                            "`{}` is not a valid date, duration or integer",
                            pair.as_str()
                        ),
                    )
                    .primary_label("malformed literal")
                    .help("write dates as `2026-02-01`, durations as `90d`, `2w`, `12mo` or `1y`, integers as `6`; ids start with a letter"),
                );
                ValueKind::Invalid
            }
            Rule::value | Rule::list_value => return self.value(pair, depth),
            _ => ValueKind::Invalid,
        };
        Value { kind, span }
    }

    fn invalid_date(&mut self, pair: &Pair<'_, Rule>) {
        let span = self.span(pair);
        self.diags.push(
            Diagnostic::new(
                Code::E0003,
                span,
                format!("`{}` is not a date in the calendar", pair.as_str()),
            )
            .primary_label("no such day")
            .help("dates are written `YYYY-MM-DD` and must exist (months 01-12, days within the month)"),
        );
    }

    fn duration(&mut self, pair: &Pair<'_, Rule>) -> ValueKind {
        let text = pair.as_str();
        let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let unit = match &text[digits.len()..] {
            "d" => DurationUnit::Days,
            "w" => DurationUnit::Weeks,
            "mo" => DurationUnit::Months,
            _ => DurationUnit::Years,
        };
        match digits.parse::<u32>() {
            Ok(amount) if amount <= 100_000 => ValueKind::Duration(Duration { amount, unit }),
            _ => {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0004,
                        self.span(pair),
                        format!("the duration `{text}` is too long"),
                    )
                    .primary_label("more than 100000 units")
                    .help("durations are at most 100000 units; write `1y` rather than `365d` where you can"),
                );
                ValueKind::Invalid
            }
        }
    }

    /// A string or text block, unescaped (text blocks: dedented).
    fn string(&mut self, pair: &Pair<'_, Rule>) -> Str {
        let span = self.span(pair);
        let raw = pair.as_str();
        if pair.as_rule() == Rule::text_block || raw.starts_with("\"\"\"") {
            let inner = raw.get(3..raw.len().saturating_sub(3)).unwrap_or("");
            return Str {
                value: dedent(inner),
                span,
                block: true,
            };
        }
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        let mut value = String::with_capacity(inner.len());
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => value.push('"'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((j, other)) => {
                    let start = span.start as usize + 1 + i;
                    let end = span.start as usize + 1 + j + other.len_utf8();
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0005,
                            Span::new(self.file, start, end),
                            format!("unknown escape `\\{other}` in a string"),
                        )
                        .primary_label("unknown escape")
                        .help("strings know the escapes `\\\"`, `\\\\`, `\\n` and `\\t`; use a `\"\"\"` text block for raw text"),
                    );
                    value.push(other);
                }
                None => value.push('\\'),
            }
        }
        Str {
            value,
            span,
            block: false,
        }
    }
}

/// Removes the first line break, the common indentation and trailing blank space of a
/// `"""` text block.
pub fn dedent(inner: &str) -> String {
    let inner = inner
        .strip_prefix("\r\n")
        .or_else(|| inner.strip_prefix('\n'))
        .unwrap_or(inner);
    let lines: Vec<&str> = inner.lines().collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<&str> = lines
        .iter()
        .map(|l| {
            l.get(indent..)
                .unwrap_or_else(|| l.trim_start_matches([' ', '\t']))
        })
        .collect();
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    let mut s = out.join("\n");
    if !s.is_empty() {
        s.push('\n');
    }
    s
}
