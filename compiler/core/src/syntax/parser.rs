//! The parser: tokens to the syntax tree, in one pass, recovering from every error.
//!
//! It is a recursive-descent parser of `grammar.pest` (the grammar of record, which a test
//! holds it to: on text pest accepts, this parser reports nothing and builds the tree pest's
//! parse describes; on text pest refuses, it reports an error). Each decision the grammar makes
//! by ordered choice is made here by looking at most five tokens ahead.
//!
//! Where pest would give up, this parser reports one error in words and goes on:
//! - a broken entry of a body (a field, statement or block) becomes an [`Entry::Error`] or a
//!   field whose value is [`ValueKind::Invalid`]; the item keeps its kind, id, title and every
//!   well-formed entry, and is marked [`Item::recovered`];
//! - a list keeps the elements read before a missing `,` or `]`, and a field's value followed
//!   by `,` and more elements is read as a list whose `[` is missing;
//! - a body that runs into the next top-level item (or the end of the file) was not closed:
//!   one error, and the item ends there. Such an item is read again with the indentation as a
//!   hint, so that a `}` missing from a nested block is reported there and not at the item;
//! - at the top level, anything that is not an item is skipped up to the next line that starts
//!   an item.
//!
//! Nesting deeper than [`MAX_DEPTH`] is reported (E0002) and skipped without recursion.

use std::collections::VecDeque;

use super::ast::{
    self, Body, Comment, Date, Duration, DurationUnit, Entry, ErrorEntry, Field, FrameworkRef,
    HeadName, Item, Name, Pair, Qualified, SignOff, Statement, Str, Trivia, Value, ValueKind,
};
use super::lexer::{Lexer, Tok, Token, ITEM_KEYWORDS};
use super::MAX_DEPTH;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

/// Parses `text`, which starts at byte `base` of `file`. Never fails: problems go to `diags`.
/// The [`Ending`] says whether the text ended outside any item, so that a file cut into parts
/// at item boundaries parses to the same tree part by part as whole.
pub(super) fn parse(
    file: FileId,
    text: &str,
    base: usize,
    diags: &mut Diagnostics,
) -> (ast::File, Ending) {
    let mut p = Parser {
        text,
        file,
        base,
        lx: Lexer::new(file, text, base),
        look: VecDeque::new(),
        diags: Vec::new(),
        depth: 0,
        taken: 0,
        prev_end: 0,
        hint_indent: false,
        eof_in_item: false,
        unwinding: false,
        unclosed_blocks: 0,
        counted: 0,
        syntax_count: 0,
    };
    let mut items = Vec::new();
    p.items(&mut items);
    let eof = p.peek(0);
    let eof_blank = eof.blank_before;
    // A comment or text block never closed may be closed past the end of this part.
    let open_at_end = !p.lx.unclosed_comments.is_empty() || p.unclosed_blocks > 0;
    let dangling = p.leading(&eof).0;
    for (start, end) in std::mem::take(&mut p.lx.unclosed_comments) {
        p.diags.push(
            Diagnostic::new(
                Code::E0001,
                p.span(start, start + 2),
                "this comment is never closed",
            )
            .primary_label("`/*` without `*/`")
            .help(
                "close the comment with `*/`; parsing went on at the next line that starts an item",
            )
            .label(p.span(end, end), "read as a comment up to here"),
        );
    }
    for d in p.diags {
        diags.push(d);
    }
    let ending = Ending {
        clean: !p.eof_in_item && !open_at_end,
        blank: eof_blank,
    };
    (
        ast::File {
            file,
            items,
            comments: p.lx.comments,
            dangling,
        },
        ending,
    )
}

/// How a parsed text ended.
#[derive(Clone, Copy, Debug)]
pub(super) struct Ending {
    /// Outside any item (not inside an unclosed item, text block or comment).
    pub clean: bool,
    /// After a blank line.
    pub blank: bool,
}

struct Parser<'a> {
    text: &'a str,
    file: FileId,
    base: usize,
    lx: Lexer<'a>,
    /// Tokens lexed but not consumed.
    look: VecDeque<Token>,
    diags: Vec<Diagnostic>,
    depth: usize,
    /// Comments attached to a node (or known to lie inside one) so far.
    taken: u32,
    /// End of the last token consumed.
    prev_end: u32,
    /// Whether a `}` that starts a line left of its block's keyword closes an outer block
    /// (set while an unclosed item is read again).
    hint_indent: bool,
    /// Whether the end of the text was met inside an item.
    eof_in_item: bool,
    /// Set when a body met the next item: every open body closes without consuming it.
    unwinding: bool,
    /// Text blocks never closed.
    unclosed_blocks: usize,
    /// Of `diags`, how many were counted by [`Parser::syntax_errors`], and how many of those
    /// were syntax errors.
    counted: usize,
    syntax_count: usize,
}

/// Where a block's keyword and id are, to name it in messages.
#[derive(Clone, Copy)]
struct Label {
    keyword: Token,
    name: Option<(u32, u32)>,
}

/// How a body ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Close {
    /// With its `}`.
    Brace,
    /// At the next top-level item or the end of the text: it was not closed.
    Open,
    /// Before a `}` that the indentation gives to an outer block.
    Outer,
}

/// What a token is, in words, for "found …".
fn found(t: &Token, text: &str) -> String {
    match t.kind {
        Tok::Eof => "the end of the file".into(),
        Tok::Str | Tok::TextBlock => "a string".into(),
        Tok::UnclosedStr => "a string that is not closed on its line".into(),
        Tok::UnclosedTextBlock => "a text block that is never closed".into(),
        _ => {
            let s = text.get(t.start as usize..t.end as usize).unwrap_or("");
            match s.chars().next() {
                Some(c)
                    if s.chars().count() == 1
                        && (c.is_control() || !c.is_ascii() && !c.is_alphanumeric()) =>
                {
                    format!("the character U+{:04X}", c as u32)
                }
                _ => {
                    let short: String = s.chars().take(40).collect();
                    format!("`{}`", short.replace('`', "'"))
                }
            }
        }
    }
}

impl<'a> Parser<'a> {
    // ----- tokens --------------------------------------------------------------------------

    fn peek(&mut self, n: usize) -> Token {
        while self.look.len() <= n {
            let t = self.lx.next();
            self.look.push_back(t);
            if t.kind == Tok::Eof {
                break;
            }
        }
        match self.look.get(n) {
            Some(t) => *t,
            // Past the end: the end again.
            None => self.look.back().copied().unwrap_or(Token {
                kind: Tok::Eof,
                start: self.text.len() as u32,
                end: self.text.len() as u32,
                mid: 0,
                comments: 0,
                comments_end: 0,
                line_start: true,
                blank_before: false,
            }),
        }
    }

    fn kind(&mut self, n: usize) -> Tok {
        self.peek(n).kind
    }

    fn bump(&mut self) -> Token {
        let t = self.peek(0);
        if t.kind != Tok::Eof {
            self.look.pop_front();
            self.prev_end = t.end;
        }
        t
    }

    fn str_of(&self, t: &Token) -> &'a str {
        self.text
            .get(t.start as usize..t.end as usize)
            .unwrap_or("")
    }

    fn span(&self, start: u32, end: u32) -> Span {
        Span::new(
            self.file,
            self.base + start as usize,
            self.base + end as usize,
        )
    }

    fn tspan(&self, t: &Token) -> Span {
        self.span(t.start, t.end)
    }

    fn name(&self, t: &Token) -> Name {
        Name {
            text: self.str_of(t).into(),
            span: self.tspan(t),
        }
    }

    /// Whether token `n` is the word `w`.
    fn is_word(&mut self, n: usize, w: &str) -> bool {
        let t = self.peek(n);
        t.kind == Tok::Word && self.str_of(&t) == w
    }

    /// The column (in bytes) where the line of byte `at` starts its content.
    fn indent_of(&self, at: u32) -> usize {
        let before = self.text.get(..at as usize).unwrap_or("");
        let line_start = before.rfind(['\n', '\r']).map(|i| i + 1).unwrap_or(0);
        let line = self.text.get(line_start..).unwrap_or("");
        line.len() - line.trim_start_matches([' ', '\t']).len()
    }

    fn column(&self, at: u32) -> usize {
        let before = self.text.get(..at as usize).unwrap_or("");
        let line_start = before.rfind(['\n', '\r']).map(|i| i + 1).unwrap_or(0);
        at as usize - line_start
    }

    // ----- trivia --------------------------------------------------------------------------

    /// The comments before token `t` not yet attached, as a node's leading comments, and
    /// whether a blank line precedes them.
    fn leading(&mut self, t: &Token) -> (Vec<Comment>, bool) {
        let from = self.taken.max(t.comments);
        let comments: Vec<Comment> = self
            .lx
            .comments
            .get(from as usize..t.comments_end as usize)
            .map(<[Comment]>::to_vec)
            .unwrap_or_default();
        self.taken = self.taken.max(t.comments_end);
        let blank = comments
            .first()
            .map(|c| c.blank_before)
            .unwrap_or(t.blank_before);
        (comments, blank)
    }

    /// After a node: the comment that trails it on its last line, if any. Comments inside the
    /// node stay in the file's list only.
    fn trailing(&mut self) -> Option<Comment> {
        let next = self.peek(0);
        self.taken = self.taken.max(next.comments);
        let c = self.lx.comments.get(next.comments as usize)?;
        if c.own_line || next.comments >= next.comments_end {
            return None;
        }
        self.taken = next.comments + 1;
        Some(c.clone())
    }

    fn trivia(&mut self, t: &Token) -> Trivia {
        let (leading, blank_before) = self.leading(t);
        Trivia::new(leading, blank_before)
    }

    // ----- errors --------------------------------------------------------------------------

    fn error(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diags.push(
            Diagnostic::new(Code::E0001, span, message)
                .primary_label(label)
                .help(help),
        );
    }

    /// "expected X, found Y" where X is missing: at the end of the line that lacks it when
    /// `t` is on a later line, else at `t`.
    fn expected(&mut self, what: &str, t: &Token, help: &str) {
        let message = format!("expected {what}, found {}", found(t, self.text));
        // What is missing belongs where the line that lacks it ends, not on the next line.
        let span = if t.kind == Tok::Eof || (t.line_start && self.prev_end > 0) {
            self.span(self.prev_end, self.prev_end)
        } else {
            self.tspan(t)
        };
        self.error(span, message, format!("expected {what}"), help);
    }

    /// "expected X, found Y" where Y is the mistake: at `t`.
    fn unexpected(&mut self, what: &str, t: &Token, help: &str) {
        let message = format!("expected {what}, found {}", found(t, self.text));
        let span = if t.kind == Tok::Eof {
            self.span(self.prev_end, self.prev_end)
        } else {
            self.tspan(t)
        };
        self.error(span, message, format!("expected {what}"), help);
    }

    // ----- shapes --------------------------------------------------------------------------

    /// Whether a block or item starts at token `n`: `word id? title? {` (the id a framework,
    /// a mapping or a plain id).
    fn block_shape(&mut self, n: usize) -> bool {
        if self.kind(n) != Tok::Word {
            return false;
        }
        let mut i = n + 1;
        match self.kind(i) {
            Tok::Framework => {
                i += 1;
                if self.kind(i) == Tok::Arrow && self.kind(i + 1) == Tok::Framework {
                    i += 2;
                }
            }
            Tok::Word => i += 1,
            Tok::Atom if self.head_id(i) => i += 1,
            _ => {}
        }
        if matches!(self.kind(i), Tok::Str | Tok::TextBlock) {
            i += 1;
        }
        self.kind(i) == Tok::LBrace
    }

    /// Whether token `n` may be a header id (`head_id`): letters, digits, `.`, `-`, `_`.
    fn head_id(&mut self, n: usize) -> bool {
        let t = self.peek(n);
        match t.kind {
            Tok::Word => true,
            Tok::Atom => !self.str_of(&t).contains(':'),
            _ => false,
        }
    }

    /// Whether a top-level item starts at token `n`.
    fn item_start(&mut self, n: usize) -> bool {
        let t = self.peek(n);
        t.kind == Tok::Word && is_item_keyword(self.str_of(&t)) && self.block_shape(n)
    }

    /// Whether token `n` may be a requirement reference in a statement: an id (which may
    /// start with a digit) or a qualified reference.
    fn req_ref(&mut self, n: usize) -> bool {
        self.head_id(n) || self.kind(n) == Tok::Qualified
    }

    /// Whether token `n` begins a new entry on its own line: the place to resume after an
    /// error in a body.
    fn entry_start(&mut self, n: usize) -> bool {
        let t = self.peek(n);
        t.line_start && matches!(t.kind, Tok::Word | Tok::Atom | Tok::Qualified)
    }

    // ----- top level -----------------------------------------------------------------------

    fn items(&mut self, items: &mut Vec<Item>) {
        loop {
            let t = self.peek(0);
            match t.kind {
                Tok::Eof => return,
                Tok::Word => {
                    if let Some(item) = self.top_item() {
                        items.push(item);
                    }
                }
                Tok::RBrace => {
                    self.error(
                        self.tspan(&t),
                        "unexpected `}`: no item is open here",
                        "nothing to close",
                        "remove it, or check that the item before it is not closed twice",
                    );
                    self.bump();
                }
                _ => {
                    self.unexpected(
                        "an item keyword such as `control`",
                        &t,
                        "every top-level item starts with its keyword: `control mfa \"Title\" { … }`",
                    );
                    self.skip_to_item();
                }
            }
        }
    }

    /// Skips at least one token, then up to the next line that starts an item.
    fn skip_to_item(&mut self) {
        self.bump();
        loop {
            let t = self.peek(0);
            if t.kind == Tok::Eof || (t.line_start && t.kind == Tok::Word && self.item_start(0)) {
                return;
            }
            self.bump();
        }
    }

    /// A top-level item; `None` when what starts with a word is no item at all. An item that
    /// is not closed is read a second time with the indentation as a hint, so that the error
    /// names the block whose `}` is missing.
    fn top_item(&mut self) -> Option<Item> {
        let kw = self.peek(0);
        let saved = (self.diags.len(), self.taken, self.prev_end);
        self.unwinding = false;
        let (item, close) = self.item()?;
        if close != Close::Open || self.hint_indent {
            return Some(item);
        }
        // Read it again from its keyword.
        let dropped = self
            .diags
            .get(saved.0..self.counted.max(saved.0))
            .map(|ds| {
                ds.iter()
                    .filter(|d| matches!(d.code, Code::E0001 | Code::E0002))
                    .count()
            })
            .unwrap_or(0);
        self.syntax_count -= dropped;
        self.counted = self.counted.min(saved.0);
        self.diags.truncate(saved.0);
        self.taken = saved.1;
        self.prev_end = saved.2;
        self.look.clear();
        self.look.push_back(kw);
        self.lx.reset(kw.end as usize, kw.comments_end as usize);
        self.unwinding = false;
        self.eof_in_item = false;
        self.hint_indent = true;
        let again = self.item();
        self.hint_indent = false;
        again.map(|(item, _)| item)
    }

    /// `keyword head_name? title? body` at token 0 (a word). At the top level a header that
    /// is not followed by `{` is reported and, when the next lines look like the body, read
    /// as a body without its `{`.
    fn item(&mut self) -> Option<(Item, Close)> {
        let kw = self.peek(0);
        let trivia = self.trivia(&kw);
        let nested = self.depth > 0;
        let errors_before = self.syntax_errors();
        self.bump();
        let keyword = self.name(&kw);
        let name = match self.kind(0) {
            Tok::Framework => {
                let a = self.bump();
                let a = self.framework(&a);
                if self.kind(0) == Tok::Arrow && self.kind(1) == Tok::Framework {
                    self.bump();
                    let b = self.bump();
                    Some(HeadName::Mapping(a, self.framework(&b)))
                } else {
                    Some(HeadName::Framework(a))
                }
            }
            // Not the next line's field name: `risk_method` then `likelihood = …`.
            Tok::Word | Tok::Atom
                if self.head_id(0)
                    && self.kind(1) != Tok::Eq
                    && !(self.peek(0).line_start && self.item_start(0)) =>
            {
                let t = self.bump();
                Some(HeadName::Id(self.name(&t)))
            }
            _ => None,
        };
        let title = match self.kind(0) {
            Tok::Str | Tok::TextBlock | Tok::UnclosedStr | Tok::UnclosedTextBlock => {
                Some(self.string())
            }
            _ => None,
        };
        // How messages name the block: made only when one is reported.
        let label = Label {
            keyword: kw,
            name: name.as_ref().map(|n| {
                let sp = n.span();
                (sp.start - self.base as u32, sp.end - self.base as u32)
            }),
        };
        let (body, close) = if self.kind(0) == Tok::LBrace {
            self.body(true, label)
        } else {
            let t = self.peek(0);
            let known = ITEM_KEYWORDS.contains(&keyword.text.as_str());
            let body_follows = !nested
                && t.line_start
                && (t.kind == Tok::RBrace || (t.kind == Tok::Word && self.kind(1) == Tok::Eq));
            if nested {
                // Entries only call this for a block shape; unreachable in practice.
                let span = self.span(self.prev_end, self.prev_end);
                (self.empty_body(span), Close::Brace)
            } else if !known && !body_follows {
                // Not an item: a word at the top level that starts nothing.
                self.unexpected(
                    "an item keyword such as `control`",
                    &kw,
                    "every top-level item starts with its keyword: `control mfa \"Title\" { … }`",
                );
                loop {
                    let t = self.peek(0);
                    if t.kind == Tok::Eof || (t.line_start && self.item_start(0)) {
                        break;
                    }
                    self.bump();
                }
                return None;
            } else {
                let what = match (&name, &title) {
                    (None, None) => "an id, a title or `{`",
                    (Some(_), None) => "a title or `{`",
                    _ => "`{`",
                };
                self.expected(
                    what,
                    &t,
                    "an item is written `keyword id \"Title\" { … }`, its fields between the braces",
                );
                let starts = self.span(kw.start, kw.end);
                let named = self.label_text(label);
                if let Some(d) = self.diags.pop() {
                    self.diags
                        .push(d.label(starts, format!("{named} starts here")));
                }
                if body_follows {
                    self.body(false, label)
                } else {
                    loop {
                        let t = self.peek(0);
                        if t.kind == Tok::Eof || (t.line_start && self.item_start(0)) {
                            break;
                        }
                        self.bump();
                    }
                    let span = self.span(self.prev_end, self.prev_end);
                    (self.empty_body(span), Close::Brace)
                }
            }
        };
        let end = body.span.end.max(kw.end + self.base as u32);
        let mut item = Item {
            span: Span::new(self.file, kw.start as usize + self.base, end as usize),
            keyword,
            name,
            title,
            body,
            trivia,
            recovered: false,
        };
        item.recovered = self.syntax_errors() > errors_before;
        if !nested && !self.unwinding {
            item.trivia.set_trailing(self.trailing());
        }
        Some((item, close))
    }

    fn empty_body(&self, span: Span) -> Body {
        Body {
            entries: Vec::new(),
            span,
            multiline: false,
            dangling: Vec::new(),
        }
    }

    /// The number of syntax errors (E0001, E0002) reported so far, counted without a scan
    /// (an item asks before and after itself).
    fn syntax_errors(&mut self) -> usize {
        while self.counted < self.diags.len() {
            if let Some(d) = self.diags.get(self.counted) {
                if matches!(d.code, Code::E0001 | Code::E0002) {
                    self.syntax_count += 1;
                }
            }
            self.counted += 1;
        }
        self.syntax_count
    }

    fn framework(&self, t: &Token) -> FrameworkRef {
        FrameworkRef {
            key: self.str_of(t).to_string(),
            span: self.tspan(t),
        }
    }

    // ----- bodies --------------------------------------------------------------------------

    /// The entries of a body, from its `{` (when `open`) to its `}`. `label` names the block
    /// in messages.
    fn body(&mut self, open: bool, label: Label) -> (Body, Close) {
        let kw = &label.keyword;
        let first = self.peek(0);
        let start = first.start;
        if open {
            self.bump();
        }
        if self.depth >= MAX_DEPTH {
            return self.too_deep(first);
        }
        self.depth += 1;
        let kw_indent = self.indent_of(kw.start);
        let mut entries: Vec<Entry> = Vec::new();
        let close = loop {
            let t = self.peek(0);
            // Read again after an unclosed item: a line that starts left of a nested block's
            // keyword (or, for `}`, left of it) belongs to the block around it.
            if self.hint_indent && self.depth > 1 && t.line_start && t.kind != Tok::Eof {
                let column = self.column(t.start);
                if column < kw_indent || (column == kw_indent && t.kind != Tok::RBrace) {
                    let before = format!("before {}", found(&t, self.text));
                    self.unclosed(label, &before);
                    break Close::Outer;
                }
            }
            match t.kind {
                Tok::RBrace => break Close::Brace,
                Tok::Eof => {
                    self.unclosed(label, "before the end of the file");
                    self.eof_in_item = true;
                    self.unwinding = true;
                    break Close::Open;
                }
                Tok::Word if self.item_start(0) => {
                    self.unclosed(label, "before the next item begins");
                    self.unwinding = true;
                    break Close::Open;
                }
                Tok::Comma | Tok::Semi => {
                    self.error(
                        self.tspan(&t),
                        format!("unexpected {}", found(&t, self.text)),
                        "no entry before it",
                        "`,` and `;` may only follow an entry",
                    );
                    self.bump();
                }
                _ => {
                    let more = self.entry(&mut entries);
                    if self.unwinding {
                        break Close::Open;
                    }
                    if matches!(self.kind(0), Tok::Comma | Tok::Semi) {
                        self.bump();
                    }
                    let trailing = self.trailing();
                    if let Some(last) = entries.last_mut() {
                        set_trailing(last, trailing);
                    }
                    if !more {
                        break Close::Open;
                    }
                }
            }
        };
        self.depth -= 1;
        let mut dangling = Vec::new();
        let end = if close == Close::Brace {
            let t = self.peek(0);
            dangling = self.leading(&t).0;
            self.bump().end
        } else {
            self.prev_end.max(start)
        };
        let multiline = self
            .text
            .get(start as usize..end as usize)
            .is_some_and(|s| s.contains(['\n', '\r']));
        (
            Body {
                entries,
                span: self.span(start, end),
                multiline,
                dangling,
            },
            close,
        )
    }

    /// How messages name a block: "`control mfa`".
    fn label_text(&self, label: Label) -> String {
        let kw = self.str_of(&label.keyword);
        match label.name {
            Some((start, end)) => format!(
                "`{kw} {}`",
                self.text.get(start as usize..end as usize).unwrap_or("")
            ),
            None => format!("`{kw}`"),
        }
    }

    /// Reports the `}` missing from the block `label`.
    fn unclosed(&mut self, label: Label, before: &str) {
        let kw = &label.keyword;
        let label = &self.label_text(label);
        let at = self.prev_end;
        let d = Diagnostic::new(
            Code::E0001,
            self.span(at, at),
            format!("expected `}}` to close {label} {before}"),
        )
        .primary_label("expected `}` here")
        .label(self.span(kw.start, kw.end), format!("{label} starts here"))
        .help("add the missing `}`; the items after it are still checked");
        self.diags.push(d);
    }

    /// A body nested deeper than [`MAX_DEPTH`]: reported and skipped, without recursion.
    fn too_deep(&mut self, open: Token) -> (Body, Close) {
        self.diags.push(
            Diagnostic::new(
                Code::E0002,
                self.tspan(&open),
                format!("braces are nested more than {MAX_DEPTH} levels deep"),
            )
            .primary_label("nested too deeply here")
            .help("flatten the structure: items do not nest this deeply"),
        );
        let mut level = 1usize;
        let close = loop {
            let t = self.peek(0);
            match t.kind {
                Tok::Eof => {
                    self.eof_in_item = true;
                    break Close::Open;
                }
                Tok::LBrace => level += 1,
                Tok::RBrace => {
                    level -= 1;
                    if level == 0 {
                        self.bump();
                        break Close::Brace;
                    }
                }
                _ => {}
            }
            self.bump();
        };
        let span = self.span(open.start, self.prev_end.max(open.end));
        (self.empty_body(span), close)
    }

    /// Skips a broken entry's tokens up to where the next entry can start: a token that
    /// begins a line, the body's `}`, the next item or the end. With `force`, at least one
    /// token is skipped. Returns where the skipped part ends and the ids written in it.
    fn sync(&mut self, force: bool) -> (u32, Vec<Name>) {
        let mut names = Vec::new();
        let mut level = 0usize;
        let mut first = true;
        loop {
            let t = self.peek(0);
            let at_boundary = match t.kind {
                Tok::Eof => true,
                Tok::RBrace if level == 0 => true,
                _ if t.line_start && self.item_start(0) => true,
                _ => level == 0 && self.entry_start(0) && !(first && force),
            };
            if at_boundary && !(first && force && !matches!(t.kind, Tok::Eof | Tok::RBrace)) {
                break;
            }
            match t.kind {
                Tok::LBrace | Tok::LBracket | Tok::LParen => level += 1,
                Tok::RBrace | Tok::RBracket | Tok::RParen => level = level.saturating_sub(1),
                Tok::Word | Tok::Atom => names.push(self.name(&t)),
                Tok::Qualified => names.push(self.name(&t)),
                _ => {}
            }
            self.bump();
            first = false;
        }
        (self.prev_end, names)
    }

    /// One entry of a body, pushed to `entries` (a broken field may push the field and the
    /// broken rest). Returns `false` when the body cannot go on.
    fn entry(&mut self, entries: &mut Vec<Entry>) -> bool {
        let t = self.peek(0);
        match t.kind {
            Tok::Word => match self.kind(1) {
                Tok::Eq => self.field(entries),
                _ if self.block_shape(0) => {
                    if let Some((item, _)) = self.item() {
                        entries.push(Entry::Block(Box::new(item)));
                    }
                }
                Tok::Word if self.kind(2) == Tok::Eq || !t.line_start => {
                    // A word alone: `owner` on its own line before the next field (its `=` and
                    // value missing), or a stray word after an entry on the same line.
                    let trivia = self.trivia(&t);
                    self.bump();
                    let name = self.name(&t);
                    if t.line_start {
                        self.error(
                            self.span(t.end, t.end),
                            format!(
                                "expected `=` and a value after the field name `{}`",
                                name.text
                            ),
                            "expected `= value` here",
                            format!("write `{} = …`, or remove the line", name.text),
                        );
                    } else {
                        self.error(
                            name.span,
                            format!("unexpected `{}` after the entry before it", name.text),
                            "belongs to nothing",
                            "remove it, or start the next entry on a line of its own: `name = value`",
                        );
                    }
                    entries.push(Entry::Error(ErrorEntry {
                        span: name.span,
                        names: vec![name],
                        trivia,
                    }));
                }
                Tok::Word if !(self.peek(1).line_start && self.item_start(1)) => {
                    let trivia = self.trivia(&t);
                    entries.push(self.statement(trivia));
                }
                _ if !t.line_start => {
                    let trivia = self.trivia(&t);
                    self.bump();
                    let name = self.name(&t);
                    self.error(
                        name.span,
                        format!("unexpected `{}` after the entry before it", name.text),
                        "belongs to nothing",
                        "remove it, or start the next entry on a line of its own: `name = value`",
                    );
                    let (end, mut names) = self.sync(false);
                    names.insert(0, name);
                    entries.push(Entry::Error(ErrorEntry {
                        span: self.span(t.start, end.max(t.end)),
                        names,
                        trivia,
                    }));
                }
                _ => {
                    // `owner ciso`-like with a value that is no word: the `=` is missing.
                    let trivia = self.trivia(&t);
                    self.bump();
                    let name = self.name(&t);
                    let next = self.peek(0);
                    self.error(
                        self.span(t.end, t.end),
                        format!(
                            "expected `=` after the field name `{}`, found {}",
                            name.text,
                            found(&next, self.text)
                        ),
                        "expected `=` here",
                        format!("fields are written `{} = value`", name.text),
                    );
                    let value = if !next.line_start && self.value_start(0) {
                        self.value(true)
                    } else {
                        None
                    };
                    let value = value.unwrap_or(Value {
                        kind: ValueKind::Invalid,
                        span: self.span(t.end, t.end),
                    });
                    entries.push(Entry::Field(Field {
                        span: Span {
                            end: value.span.end.max(name.span.end),
                            ..name.span
                        },
                        name,
                        value,
                        trivia,
                    }));
                }
            },
            Tok::Atom | Tok::Qualified if self.req_ref(0) => {
                let trivia = self.trivia(&t);
                entries.push(self.statement(trivia));
            }
            _ => {
                let trivia = self.trivia(&t);
                self.unexpected(
                    "a field name",
                    &t,
                    "a body holds fields (`name = value`), blocks and statements, one after the other",
                );
                let (end, names) = self.sync(true);
                entries.push(Entry::Error(ErrorEntry {
                    span: self.span(t.start, end.max(t.end)),
                    names,
                    trivia,
                }));
            }
        }
        true
    }

    /// Whether a value can start at token `n`.
    fn value_start(&mut self, n: usize) -> bool {
        matches!(
            self.kind(n),
            Tok::Word
                | Tok::Atom
                | Tok::Framework
                | Tok::Qualified
                | Tok::Str
                | Tok::TextBlock
                | Tok::UnclosedStr
                | Tok::UnclosedTextBlock
                | Tok::LBracket
        )
    }

    /// `name = value`, at a word followed by `=`.
    fn field(&mut self, entries: &mut Vec<Entry>) {
        let n = self.peek(0);
        let trivia = self.trivia(&n);
        self.bump();
        let eq = self.bump();
        let name = self.name(&n);
        match self
            .value(true)
            .map(|v| self.list_without_bracket(v, &name))
        {
            Some(value) => entries.push(Entry::Field(Field {
                span: Span {
                    end: value.span.end.max(name.span.end),
                    ..name.span
                },
                name,
                value,
                trivia,
            })),
            None => {
                let at = self.peek(0);
                let (end, names) =
                    if matches!(at.kind, Tok::RBrace | Tok::Eof) || self.entry_start(0) {
                        (self.prev_end, Vec::new())
                    } else {
                        self.sync(false)
                    };
                entries.push(Entry::Field(Field {
                    span: self.span(n.start, eq.end),
                    name,
                    value: Value {
                        kind: ValueKind::Invalid,
                        span: self.span(eq.end, eq.end),
                    },
                    trivia,
                }));
                if end > eq.end || !names.is_empty() {
                    entries.push(Entry::Error(ErrorEntry {
                        span: self.span(eq.end, end.max(eq.end)),
                        names,
                        trivia: Trivia::default(),
                    }));
                }
            }
        }
    }

    /// After a field's first value: a `,` then more elements that end in `,` or `]` are a
    /// list whose `[` is missing (`controls = mfa,` then one element per line). Reported once,
    /// and read as the list, so that its references are kept and nothing else is reported.
    fn list_without_bracket(&mut self, first: Value, name: &Name) -> Value {
        let element = |p: &mut Self, n: usize| {
            matches!(
                p.kind(n),
                Tok::Word | Tok::Atom | Tok::Qualified | Tok::Framework | Tok::Str
            ) && matches!(p.kind(n + 1), Tok::Comma | Tok::RBracket)
        };
        if matches!(
            first.kind,
            ValueKind::List(_) | ValueKind::Scale(_) | ValueKind::Invalid
        ) || self.kind(0) != Tok::Comma
            || !element(self, 1)
        {
            return first;
        }
        self.error(
            Span {
                end: first.span.start,
                ..first.span
            },
            format!("expected `[` before the list of `{}`", name.text),
            "expected `[` here",
            format!("a list is written in brackets: `{} = [a, b]`", name.text),
        );
        let start = first.span.start;
        let mut items = vec![first];
        let mut end = self.prev_end;
        while self.kind(0) == Tok::Comma {
            self.bump();
            end = self.prev_end;
            if !element(self, 0) {
                break;
            }
            let t = self.bump();
            items.push(self.single(&t));
            end = self.prev_end;
        }
        if self.kind(0) == Tok::RBracket {
            end = self.bump().end;
        }
        Value {
            kind: ValueKind::List(items),
            span: Span::new(self.file, start as usize, end as usize + self.base),
        }
    }

    /// The value of a one-token list element (an id, a requirement, a framework, a string, a
    /// number) at `t`, already consumed.
    fn single(&mut self, t: &Token) -> Value {
        let s = self.str_of(t);
        match t.kind {
            Tok::Str => {
                let inner = s.get(1..s.len().saturating_sub(1)).unwrap_or("");
                Value {
                    kind: ValueKind::Str(Str {
                        value: self.unescape(inner, t.start + 1),
                        span: self.tspan(t),
                        block: false,
                    }),
                    span: self.tspan(t),
                }
            }
            Tok::Qualified => {
                let (framework, id) = self.split_qualified(t);
                Value {
                    kind: ValueKind::Qualified(Box::new(Qualified { framework, id })),
                    span: self.tspan(t),
                }
            }
            Tok::Framework => Value {
                kind: ValueKind::Framework(self.framework(t)),
                span: self.tspan(t),
            },
            _ if s.bytes().next().is_some_and(|b| b.is_ascii_digit()) => self.number(t),
            _ => Value {
                kind: ValueKind::Ref(self.name(t)),
                span: self.tspan(t),
            },
        }
    }

    /// `subject verb argument?`, at a requirement reference or word.
    fn statement(&mut self, trivia: Trivia) -> Entry {
        let s = self.bump();
        let (framework, subject) = if s.kind == Tok::Qualified {
            let (f, id) = self.split_qualified(&s);
            (Some(f), id)
        } else {
            (None, self.name(&s))
        };
        let next_field = |p: &mut Self| p.peek(0).line_start && p.kind(1) == Tok::Eq;
        if self.kind(0) != Tok::Word
            || (self.peek(0).line_start && self.item_start(0))
            || next_field(self)
        {
            let v = self.peek(0);
            self.expected(
                &format!("a word such as `excluded` after `{}`", self.str_of(&s)),
                &v,
                "a statement is written `A.7.12 excluded \"why\"`; a field is written `name = value`",
            );
            let (end, mut names) =
                if matches!(v.kind, Tok::RBrace | Tok::Eof) || self.entry_start(0) {
                    (self.prev_end, Vec::new())
                } else {
                    self.sync(false)
                };
            names.insert(0, self.name(&s));
            return Entry::Error(ErrorEntry {
                span: self.span(s.start, end.max(s.end)),
                names,
                trivia,
            });
        }
        let v = self.bump();
        let verb = self.name(&v);
        let arg = match self.kind(0) {
            Tok::Str | Tok::TextBlock | Tok::UnclosedStr | Tok::UnclosedTextBlock => {
                let st = self.string();
                Some(Value {
                    span: st.span,
                    kind: ValueKind::Str(st),
                })
            }
            _ if self.req_ref(0)
                && !(self.peek(0).line_start && self.item_start(0))
                && self.kind(1) != Tok::Eq
                && !(self.kind(1) == Tok::Word
                    && (matches!(self.kind(2), Tok::Str | Tok::TextBlock) || self.req_ref(2))) =>
            {
                let a = self.bump();
                Some(if a.kind == Tok::Qualified {
                    let (framework, id) = self.split_qualified(&a);
                    Value {
                        kind: ValueKind::Qualified(Box::new(Qualified { framework, id })),
                        span: self.tspan(&a),
                    }
                } else {
                    Value {
                        kind: ValueKind::Ref(self.name(&a)),
                        span: self.tspan(&a),
                    }
                })
            }
            _ => None,
        };
        let end = arg.as_ref().map(|a| a.span.end).unwrap_or(verb.span.end);
        Entry::Statement(Box::new(Statement {
            span: Span {
                end,
                ..self.tspan(&s)
            },
            framework,
            subject,
            verb,
            arg,
            trivia,
        }))
    }

    fn split_qualified(&self, t: &Token) -> (FrameworkRef, Name) {
        let fw = FrameworkRef {
            key: self
                .text
                .get(t.start as usize..t.mid as usize)
                .unwrap_or("")
                .to_string(),
            span: self.span(t.start, t.mid),
        };
        let id = Name {
            text: self
                .text
                .get(t.mid as usize + 1..t.end as usize)
                .unwrap_or("")
                .into(),
            span: self.span(t.mid + 1, t.end),
        };
        (fw, id)
    }

    // ----- values --------------------------------------------------------------------------

    /// A value (in a field: `top`) or a list value; `None` after reporting what is not one.
    fn value(&mut self, top: bool) -> Option<Value> {
        let t = self.peek(0);
        let s = self.str_of(&t);
        let alpha = s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
        match t.kind {
            Tok::Word if top && s == "scale" && self.kind(1) == Tok::LBrace => {
                self.bump();
                let (body, _) = self.body(
                    true,
                    Label {
                        keyword: t,
                        name: None,
                    },
                );
                Some(Value {
                    span: Span {
                        end: body.span.end,
                        ..self.tspan(&t)
                    },
                    kind: ValueKind::Scale(Box::new(body)),
                })
            }
            Tok::Word | Tok::Atom if alpha && self.kind(1) == Tok::At => self.sign_off(),
            Tok::Word if top && s == "file" && self.kind(1) == Tok::LParen => self.file_call(),
            Tok::LBracket if top => Some(self.list()),
            Tok::LBracket => {
                self.error(
                    self.tspan(&t),
                    "a list cannot hold a list",
                    "a list inside a list",
                    "write the elements into the outer list",
                );
                // Skip the inner list without recursion.
                let mut level = 0usize;
                loop {
                    match self.kind(0) {
                        Tok::LBracket => level += 1,
                        Tok::RBracket => {
                            level = level.saturating_sub(1);
                            if level == 0 {
                                self.bump();
                                break;
                            }
                        }
                        Tok::Eof | Tok::RBrace => break,
                        _ if self.peek(0).line_start && self.item_start(0) => break,
                        _ => {}
                    }
                    self.bump();
                }
                None
            }
            Tok::Str | Tok::TextBlock | Tok::UnclosedStr | Tok::UnclosedTextBlock => {
                let st = self.string();
                Some(Value {
                    span: st.span,
                    kind: ValueKind::Str(st),
                })
            }
            Tok::Atom if s.bytes().next().is_some_and(|b| b.is_ascii_digit()) => {
                self.bump();
                Some(self.number(&t))
            }
            Tok::Qualified => {
                self.bump();
                let (framework, id) = self.split_qualified(&t);
                Some(Value {
                    kind: ValueKind::Qualified(Box::new(Qualified { framework, id })),
                    span: self.tspan(&t),
                })
            }
            Tok::Framework => {
                self.bump();
                Some(Value {
                    kind: ValueKind::Framework(self.framework(&t)),
                    span: self.tspan(&t),
                })
            }
            Tok::Word if s == "true" || s == "false" => {
                self.bump();
                Some(Value {
                    kind: ValueKind::Bool(s == "true"),
                    span: self.tspan(&t),
                })
            }
            Tok::Word if t.line_start && self.item_start(0) => {
                self.error(
                    self.span(self.prev_end, self.prev_end),
                    format!("expected a value, found the next item `{s}`"),
                    "expected a value here",
                    "write the value after `=`, or remove the field",
                );
                None
            }
            Tok::Word if t.line_start && self.kind(1) == Tok::Eq => {
                // The next field: this one has no value.
                self.error(
                    self.span(self.prev_end, self.prev_end),
                    format!("expected a value, found the next field `{s}`"),
                    "expected a value here",
                    "write the value after `=`, or remove the field",
                );
                None
            }
            Tok::Word if t.line_start && !self.peek(1).line_start && self.block_shape(0) => {
                // A nested block on the next line (`evidence x "…" {`, its header on one
                // line): this field has no value, and the block stays a block. A word alone on
                // its line is the value, whatever follows on the next ones.
                self.error(
                    self.span(self.prev_end, self.prev_end),
                    format!("expected a value, found the nested block `{s}`"),
                    "expected a value here",
                    "write the value after `=`, or remove the field",
                );
                None
            }
            Tok::Word | Tok::Atom if alpha => {
                self.bump();
                Some(Value {
                    kind: ValueKind::Ref(self.name(&t)),
                    span: self.tspan(&t),
                })
            }
            _ => {
                self.expected(
                    "a value",
                    &t,
                    "values are strings, dates, durations, numbers, ids, lists `[…]`, sign-offs `who @ date` and `file(\"…\")`",
                );
                None
            }
        }
    }

    /// `who @ date (until date)?`.
    fn sign_off(&mut self) -> Option<Value> {
        let who_t = self.bump();
        let who = self.name(&who_t);
        self.bump();
        let date = self.sign_off_date("`@`")?;
        let mut end = self.prev_end;
        let mut until = None;
        if self.is_word(0, "until") {
            self.bump();
            until = Some(self.sign_off_date("`until`")?);
            end = self.prev_end;
        }
        let span = self.span(who_t.start, end);
        let kind = match (date, until) {
            (Some(date), None) => ValueKind::SignOff(Box::new(SignOff {
                who,
                date,
                until: None,
            })),
            (Some(date), Some(Some(u))) => ValueKind::SignOff(Box::new(SignOff {
                who,
                date,
                until: Some(u),
            })),
            _ => ValueKind::Invalid,
        };
        Some(Value { kind, span })
    }

    /// The date after `@` or `until`: `Some(None)` when it was reported as invalid.
    fn sign_off_date(&mut self, after: &str) -> Option<Option<Date>> {
        let t = self.peek(0);
        let s = self.str_of(&t);
        if t.kind == Tok::Atom && date_shape(s) {
            self.bump();
            return Some(self.date(&t));
        }
        self.expected(
            &format!("a date after {after}"),
            &t,
            "a sign-off is written `who @ 2026-02-01`, optionally `until 2027-02-01`",
        );
        None
    }

    /// `file("path")`.
    fn file_call(&mut self) -> Option<Value> {
        let f = self.bump();
        self.bump();
        let t = self.peek(0);
        if !matches!(
            t.kind,
            Tok::Str | Tok::TextBlock | Tok::UnclosedStr | Tok::UnclosedTextBlock
        ) {
            self.expected(
                "a string with the path",
                &t,
                "write `file(\"policies/access-control.md\")`",
            );
            return None;
        }
        let path = self.string();
        let close = self.peek(0);
        if close.kind != Tok::RParen {
            self.expected(
                "`)`",
                &close,
                "write `file(\"policies/access-control.md\")`",
            );
            return None;
        }
        self.bump();
        Some(Value {
            kind: ValueKind::File(path),
            span: self.span(f.start, close.end),
        })
    }

    /// `[ element, … ]`, keeping the elements read before an error.
    fn list(&mut self) -> Value {
        let open = self.bump();
        let mut items = Vec::new();
        let mut want_element = true;
        let end = loop {
            let t = self.peek(0);
            // What can never continue a list: the list was not closed.
            let over = matches!(t.kind, Tok::RBrace | Tok::Eof)
                || (t.line_start && self.item_start(0))
                || (t.line_start && t.kind == Tok::Word && self.kind(1) == Tok::Eq);
            if over {
                self.error(
                    self.span(self.prev_end, self.prev_end),
                    format!(
                        "expected `]` to close the list, found {}",
                        found(&t, self.text)
                    ),
                    "expected `]` here",
                    "close the list with `]`",
                );
                break self.prev_end;
            }
            match t.kind {
                Tok::RBracket => {
                    self.bump();
                    break t.end;
                }
                Tok::Comma if want_element => {
                    self.error(
                        self.tspan(&t),
                        "expected a list element, found `,`",
                        "an empty element",
                        "remove the extra `,`",
                    );
                    self.bump();
                }
                Tok::Comma => {
                    self.bump();
                    want_element = true;
                }
                _ if !want_element => {
                    if self.value_start(0) {
                        self.error(
                            self.span(self.prev_end, self.prev_end),
                            format!("expected `,` or `]`, found {}", found(&t, self.text)),
                            "expected `,` here",
                            "separate list elements with `,`: `[A.5.15, A.8.5]`",
                        );
                        want_element = true;
                    } else {
                        self.expected(
                            "`,` or `]`",
                            &t,
                            "separate list elements with `,` and close the list with `]`",
                        );
                        self.bump();
                    }
                }
                _ => {
                    let before = self.prev_end;
                    match self.list_element() {
                        Some(v) => items.push(v),
                        None => {
                            if self.prev_end == before && self.kind(0) != Tok::RBracket {
                                self.bump();
                            }
                        }
                    }
                    want_element = false;
                }
            }
        };
        Value {
            kind: ValueKind::List(items),
            span: self.span(open.start, end),
        }
    }

    /// A `key: "reason"` pair or a list value.
    fn list_element(&mut self) -> Option<Value> {
        let t = self.peek(0);
        let alpha = self
            .str_of(&t)
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic());
        if matches!(t.kind, Tok::Word | Tok::Atom) && alpha && self.kind(1) == Tok::Colon {
            self.bump();
            self.bump();
            let v = self.peek(0);
            if !matches!(
                v.kind,
                Tok::Str | Tok::TextBlock | Tok::UnclosedStr | Tok::UnclosedTextBlock
            ) {
                self.expected(
                    "a string after `:`",
                    &v,
                    "a pair is written `payroll: \"the reason\"`",
                );
                return None;
            }
            let value = self.string();
            return Some(Value {
                span: Span {
                    end: value.span.end,
                    ..self.tspan(&t)
                },
                kind: ValueKind::Pair(Box::new(Pair {
                    key: self.name(&t),
                    value,
                })),
            });
        }
        self.value(false)
    }

    /// A literal that starts with a digit: a date, a duration, an integer or malformed.
    fn number(&mut self, t: &Token) -> Value {
        let s = self.str_of(t);
        let span = self.tspan(t);
        let kind = if date_shape(s) {
            self.date(t)
                .map(ValueKind::Date)
                .unwrap_or(ValueKind::Invalid)
        } else if let Some((digits, unit)) = duration_shape(s) {
            match digits.parse::<u32>() {
                Ok(amount) if amount <= 100_000 => ValueKind::Duration(Duration { amount, unit }),
                _ => {
                    self.diags.push(
                        Diagnostic::new(Code::E0004, span, format!("the duration `{s}` is too long"))
                            .primary_label("more than 100000 units")
                            .help("durations are at most 100000 units; write `1y` rather than `365d` where you can"),
                    );
                    ValueKind::Invalid
                }
            }
        } else if s.bytes().all(|b| b.is_ascii_digit()) {
            match s.parse::<u32>() {
                Ok(n) => ValueKind::Int(n),
                Err(_) => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0004,
                            span,
                            format!("the integer `{s}` is too large"),
                        )
                        .primary_label("larger than 4294967295")
                        .help("integers in the language fit in 32 bits"),
                    );
                    ValueKind::Invalid
                }
            }
        } else {
            self.diags.push(
                Diagnostic::new(
                    Code::E0004,
                    span,
                    format!("`{s}` is not a valid date, duration or integer"),
                )
                .primary_label("malformed literal")
                .help("write dates as `2026-02-01`, durations as `90d`, `2w`, `12mo` or `1y`, integers as `6`; ids start with a letter"),
            );
            ValueKind::Invalid
        };
        Value { kind, span }
    }

    /// A date token in the calendar, or `None` after reporting why it is not.
    fn date(&mut self, t: &Token) -> Option<Date> {
        let s = self.str_of(t);
        if let Some(d) = Date::parse(s) {
            return Some(d);
        }
        let part =
            |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
        let (year, month, day) = (part(0..4), part(5..7), part(8..10));
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let why = if !(1..=12).contains(&month) {
            format!("there is no month {month}")
        } else if day == 0 {
            "there is no day 0".to_string()
        } else {
            let days = (28..=31)
                .rev()
                .find(|&d| Date::new(year as u16, month as u8, d as u8).is_some())
                .unwrap_or(31);
            let name = MONTHS.get(month as usize - 1).copied().unwrap_or("");
            format!("{name} {year} has {days} days")
        };
        self.diags.push(
            Diagnostic::new(
                Code::E0003,
                self.tspan(t),
                format!("`{s}` is not a date in the calendar: {why}"),
            )
            .primary_label("no such day")
            .help("dates are written `YYYY-MM-DD` and must exist (months 01-12, days within the month)"),
        );
        None
    }

    /// The string or text block at token 0, unescaped (text blocks: dedented); one that is not
    /// closed is reported and read to where it stops.
    fn string(&mut self) -> Str {
        let t = self.bump();
        let raw = self.str_of(&t);
        let span = self.tspan(&t);
        match t.kind {
            Tok::TextBlock | Tok::UnclosedTextBlock => {
                let closed = t.kind == Tok::TextBlock;
                if !closed {
                    self.unclosed_blocks += 1;
                    self.error(
                        self.span(t.start, t.start + 3),
                        "this text block is never closed",
                        "`\"\"\"` without its closing `\"\"\"`",
                        "close the text block with `\"\"\"`; parsing went on at the next line that is `}` or starts an item",
                    );
                }
                let inner = raw
                    .get(3..raw.len().saturating_sub(if closed { 3 } else { 0 }))
                    .unwrap_or("");
                Str {
                    value: dedent(inner),
                    span,
                    block: true,
                }
            }
            _ => {
                let closed = t.kind == Tok::Str;
                if !closed {
                    self.error(
                        span,
                        "this string is not closed on its line",
                        "expected `\"` at the end",
                        "close the string with `\"` on the same line; use a `\"\"\"` text block for text over several lines",
                    );
                }
                let inner = raw
                    .get(1..raw.len().saturating_sub(if closed { 1 } else { 0 }))
                    .unwrap_or("");
                Str {
                    value: self.unescape(inner, t.start + 1),
                    span,
                    block: false,
                }
            }
        }
    }

    /// The value of a string's inside (which starts at `at`); unknown escapes are reported
    /// (E0005) and kept as the escaped character.
    fn unescape(&mut self, inner: &str, at: u32) -> String {
        if !inner.contains('\\') {
            return inner.to_string();
        }
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
                    let start = at + i as u32;
                    let end = at + (j + other.len_utf8()) as u32;
                    let shown: String = if other.is_control() {
                        format!("U+{:04X}", other as u32)
                    } else {
                        other.to_string()
                    };
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0005,
                            self.span(start, end),
                            format!("unknown escape `\\{shown}` in a string"),
                        )
                        .primary_label("unknown escape")
                        .help("strings know the escapes `\\\"`, `\\\\`, `\\n` and `\\t`; use a `\"\"\"` text block for raw text"),
                    );
                    value.push(other);
                }
                None => value.push('\\'),
            }
        }
        value
    }
}

/// Sets the trailing comment of an entry.
fn set_trailing(entry: &mut Entry, comment: Option<Comment>) {
    if comment.is_none() {
        return;
    }
    match entry {
        Entry::Field(f) => f.trivia.set_trailing(comment),
        Entry::Block(b) => b.trivia.set_trailing(comment),
        Entry::Statement(s) => s.trivia.set_trailing(comment),
        Entry::Error(e) => e.trivia.set_trailing(comment),
    }
}

/// `YYYY-MM-DD` in shape (not yet checked against the calendar).
fn date_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// `90d`, `2w`, `12mo`, `1y`: the digits and the unit.
fn duration_shape(s: &str) -> Option<(&str, DurationUnit)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (num, unit) = s.split_at(digits);
    let unit = match unit {
        "d" => DurationUnit::Days,
        "w" => DurationUnit::Weeks,
        "mo" => DurationUnit::Months,
        "y" => DurationUnit::Years,
        _ => return None,
    };
    Some((num, unit))
}

/// Removes the first line break, the common indentation and trailing blank space of a
/// `"""` text block.
pub fn dedent(inner: &str) -> String {
    let inner = inner
        .strip_prefix("\r\n")
        .or_else(|| inner.strip_prefix('\n'))
        .or_else(|| inner.strip_prefix('\r'))
        .unwrap_or(inner);
    let lines: Vec<&str> = split_lines(inner).collect();
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

/// The lines of `s`, ended by `\r\n`, `\n` or a lone `\r`.
fn split_lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.find(['\n', '\r']) {
            Some(i) => {
                let line = &r[..i];
                let skip = if r[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&r[i + skip..]);
                Some(line)
            }
            None => {
                rest = None;
                (!r.is_empty()).then_some(r)
            }
        }
    })
}

/// Whether `s` is one of [`ITEM_KEYWORDS`] (a match, faster than a search of the list).
fn is_item_keyword(s: &str) -> bool {
    matches!(
        s,
        "isms"
            | "person"
            | "team"
            | "party"
            | "asset"
            | "scope"
            | "classification"
            | "risk_method"
            | "risk"
            | "control"
            | "policy"
            | "procedure"
            | "standard"
            | "guideline"
            | "obligation"
            | "context"
            | "objective"
            | "audit"
            | "nonconformity"
            | "review"
            | "role"
            | "competence"
            | "applicability"
            | "framework"
            | "mapping"
            | "clauses"
            | "document"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_item_keyword_match_is_the_list() {
        for k in super::ITEM_KEYWORDS {
            assert!(super::is_item_keyword(k));
        }
        assert!(!super::is_item_keyword("residual"));
    }
}
