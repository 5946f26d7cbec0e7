//! The syntax tree as indented text, for review (`ismsc debug ast`).

use std::fmt::Write as _;

use super::ast::{Body, Comment, Entry, File, HeadName, Item, Trivia, Value, ValueKind};
use crate::source::Span;

struct Out<'a> {
    text: &'a str,
    /// Where each line starts (after `\r\n`, `\n` or a lone `\r`).
    lines: Vec<usize>,
    s: String,
}

impl Out<'_> {
    fn at(&self, span: Span) -> String {
        let pos = |offset: usize| {
            let line = self.lines.partition_point(|&l| l <= offset).max(1);
            let start = self.lines.get(line - 1).copied().unwrap_or(0);
            let col = self
                .text
                .get(start..offset)
                .map(|s| s.chars().count())
                .unwrap_or(0)
                + 1;
            format!("{line}:{col}")
        };
        format!("{}-{}", pos(span.start as usize), pos(span.end as usize))
    }

    fn line(&mut self, depth: usize, what: &str) {
        let _ = writeln!(self.s, "{}{what}", "  ".repeat(depth));
    }

    fn trivia(&mut self, depth: usize, t: &Trivia) {
        if t.blank_before {
            self.line(depth, "(blank line)");
        }
        for c in t.leading() {
            self.comment(depth, "leading", c);
        }
    }

    fn trailing(&mut self, depth: usize, t: &Trivia) {
        if let Some(c) = t.trailing() {
            self.comment(depth, "trailing", c);
        }
    }

    fn comment(&mut self, depth: usize, role: &str, c: &Comment) {
        let at = self.at(c.span);
        self.line(depth, &format!("{role} comment {at} {:?}", c.text));
    }

    fn item(&mut self, depth: usize, i: &Item) {
        self.trivia(depth, &i.trivia);
        let name = match &i.name {
            Some(HeadName::Id(n)) => format!(" id {}", n.text),
            Some(HeadName::Framework(f)) => format!(" framework {}", f.key),
            Some(HeadName::Mapping(a, b)) => format!(" mapping {} -> {}", a.key, b.key),
            None => String::new(),
        };
        let title = i
            .title
            .as_ref()
            .map(|t| format!(" title {:?}", t.value))
            .unwrap_or_default();
        let recovered = if i.recovered { " (recovered)" } else { "" };
        let at = self.at(i.span);
        self.line(
            depth,
            &format!("{} {at}{name}{title}{recovered}", i.keyword.text),
        );
        self.body(depth + 1, &i.body);
        self.trailing(depth, &i.trivia);
    }

    fn body(&mut self, depth: usize, b: &Body) {
        let layout = if b.multiline {
            "multi-line"
        } else {
            "one line"
        };
        let at = self.at(b.span);
        self.line(depth, &format!("body {at} {layout}"));
        for e in &b.entries {
            match e {
                Entry::Field(f) => {
                    self.trivia(depth + 1, &f.trivia);
                    let at = self.at(f.span);
                    self.line(depth + 1, &format!("field {} {at}", f.name.text));
                    self.value(depth + 2, &f.value);
                    self.trailing(depth + 1, &f.trivia);
                }
                Entry::Block(i) => self.item(depth + 1, i),
                Entry::Statement(st) => {
                    self.trivia(depth + 1, &st.trivia);
                    let fw = st
                        .framework
                        .as_ref()
                        .map(|f| format!("{}/", f.key))
                        .unwrap_or_default();
                    let at = self.at(st.span);
                    self.line(
                        depth + 1,
                        &format!("statement {at} {fw}{} {}", st.subject.text, st.verb.text),
                    );
                    if let Some(a) = &st.arg {
                        self.value(depth + 2, a);
                    }
                    self.trailing(depth + 1, &st.trivia);
                }
                Entry::Error(err) => {
                    self.trivia(depth + 1, &err.trivia);
                    let names: Vec<&str> = err.names.iter().map(|n| n.text.as_str()).collect();
                    let at = self.at(err.span);
                    self.line(depth + 1, &format!("error {at} names {names:?}"));
                    self.trailing(depth + 1, &err.trivia);
                }
            }
        }
        for c in &b.dangling {
            self.comment(depth + 1, "dangling", c);
        }
    }

    fn value(&mut self, depth: usize, v: &Value) {
        let at = self.at(v.span);
        let what = match &v.kind {
            ValueKind::Str(s) if s.block => format!("text block {:?}", s.value),
            ValueKind::Str(s) => format!("string {:?}", s.value),
            ValueKind::Date(d) => format!("date {d}"),
            ValueKind::Duration(d) => format!("duration {d}"),
            ValueKind::Int(n) => format!("integer {n}"),
            ValueKind::Bool(b) => format!("boolean {b}"),
            ValueKind::Ref(n) => format!("ref {}", n.text),
            ValueKind::Qualified(q) => format!("ref {}/{}", q.framework.key, q.id.text),
            ValueKind::Framework(f) => format!("framework {}", f.key),
            ValueKind::List(items) => {
                self.line(depth, &format!("list {at}"));
                for i in items {
                    self.value(depth + 1, i);
                }
                return;
            }
            ValueKind::Pair(p) => format!("pair {} {:?}", p.key.text, p.value.value),
            ValueKind::SignOff(s) => match s.until {
                Some(u) => format!("sign-off {} @ {} until {u}", s.who.text, s.date),
                None => format!("sign-off {} @ {}", s.who.text, s.date),
            },
            ValueKind::File(p) => format!("file {:?}", p.value),
            ValueKind::Scale(b) => {
                self.line(depth, &format!("scale {at}"));
                self.body(depth + 1, b);
                return;
            }
            ValueKind::Invalid => "invalid".to_string(),
        };
        self.line(depth, &format!("{what} {at}"));
    }
}

pub(super) fn file(f: &File, text: &str) -> String {
    let bytes = text.as_bytes();
    let mut lines = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            lines.push(i + 1);
        }
    }
    let mut out = Out {
        text,
        lines,
        s: String::new(),
    };
    for i in &f.items {
        out.item(0, i);
    }
    for c in &f.dangling {
        out.comment(0, "dangling", c);
    }
    out.s
}
