//! The printer: a syntax tree and its text to the canonical layout.
//!
//! The tree gives the structure; the text gives the exact tokens (strings keep their escapes
//! as written, numbers and ids their spelling) and the positions of the punctuation the tree
//! does not record (`=`, `@`, `->`, `,`). Comments are printed by position: before each token,
//! every comment that starts before it (`comments_before`), on a line of its own when it was
//! written so, else at the end of the current line. Whitespace is decided here and nowhere
//! else: what goes before the next token is a pending [`Gap`], and the largest gap asked for
//! wins, so "a blank line" and "a space" asked for at one place give a blank line.
//!
//! Layout decisions depend only on the tree, the comments and the author's choices that the
//! layout keeps (blank lines, one-line bodies, a comma after the last element of a list), never
//! on the rest of the input's whitespace, so the output is the same whatever that whitespace,
//! and formatting it again changes nothing.

use super::{OFF, WIDTH};
use crate::source::Span;
use crate::syntax::ast::{
    Body, Comment, Entry, Field, File, HeadName, Item, Statement, Str, Value, ValueKind,
};

/// Spaces per level of indentation.
const INDENT: usize = 2;

/// What goes before the next thing written; the larger wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Space,
    /// Between the entries of a one-line body that have no separator.
    TwoSpaces,
    Line,
    /// A blank line, unless right after an opening brace or bracket.
    Blank,
}

/// How an entry of a run of consecutive one-line entries is aligned.
#[derive(Clone, Copy, Debug)]
enum Align {
    /// The field name padded to this width.
    Field(usize),
    /// The subject and the verb of a statement padded to these widths.
    Statement(usize, usize),
}

/// The canonical layout of `src`, whose tree is `file`.
pub(super) fn print(src: &str, file: &File) -> String {
    let first_break = src.find('\n');
    let crlf = first_break.is_some_and(|i| i > 0 && src.as_bytes().get(i - 1) == Some(&b'\r'));
    let mut p = Printer {
        src,
        comments: &file.comments,
        next: 0,
        out: String::with_capacity(src.len() + src.len() / 8),
        gap: Gap::None,
        indent: 0,
        line_indent: 0,
        after_open: true,
        nl: if crlf { "\r\n" } else { "\n" },
        line_comment: false,
        comment_column: None,
    };
    p.file(file);
    p.out
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Whether a comment is `// ismsc-fmt: off` (also without the blank, or with words after it).
fn is_off(text: &str) -> bool {
    let canonical = OFF.trim_start_matches('/').trim_start();
    text.strip_prefix("//")
        .map(str::trim_start)
        .and_then(|t| t.strip_prefix(canonical))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
}

fn start(s: Span) -> usize {
    s.start as usize
}

fn end(s: Span) -> usize {
    s.end as usize
}

struct Printer<'a> {
    src: &'a str,
    /// Every comment of the file, in source order.
    comments: &'a [Comment],
    /// The first comment not printed yet.
    next: usize,
    out: String,
    gap: Gap,
    /// The indentation of the next line.
    indent: usize,
    /// The indentation of the current line.
    line_indent: usize,
    /// Nothing but comments on the same line since an opening brace or bracket (or the start
    /// of the file): a blank line is not kept here.
    after_open: bool,
    /// The line break: the one the input's first line ends with.
    nl: &'static str,
    /// The current line ends with a `//` comment: nothing more may go on it.
    line_comment: bool,
    /// The column the next comment at the end of a line starts in (trailing comments of
    /// consecutive lines are aligned).
    comment_column: Option<usize>,
}

impl<'a> Printer<'a> {
    // ----- text and positions ------------------------------------------------------------

    fn text(&self, from: usize, to: usize) -> &'a str {
        self.src.get(from..to).unwrap_or("")
    }

    fn span_text(&self, s: Span) -> &'a str {
        self.text(start(s), end(s))
    }

    /// Whether a comment starts in `from..to`.
    fn has_comments(&self, from: usize, to: usize) -> bool {
        let i = self.comments.partition_point(|c| start(c.span) < from);
        self.comments.get(i).is_some_and(|c| start(c.span) < to)
    }

    /// Whether the last comment in `from..to` is `// ismsc-fmt: off` on a line of its own: the
    /// node at `to` is then left as written.
    fn off_before(&self, from: usize, to: usize) -> bool {
        let i = self.comments.partition_point(|c| start(c.span) < to);
        i.checked_sub(1)
            .and_then(|i| self.comments.get(i))
            .is_some_and(|c| start(c.span) >= from && c.own_line && is_off(&c.text))
    }

    /// Whether a comment on a line of its own starts in `from..to`.
    fn own_line_comment(&self, from: usize, to: usize) -> bool {
        let i = self.comments.partition_point(|c| start(c.span) < from);
        self.comments
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| start(c.span) < to)
            .any(|c| c.own_line)
    }

    /// Where each entry's surroundings begin: the end of the entry before it, or the inside
    /// of the opening brace. Comments there belong before the entry (its separator is printed
    /// right after the entry before it).
    fn after_previous(&self, body: &Body) -> Vec<usize> {
        let mut at = start(body.span) + 1;
        body.entries
            .iter()
            .map(|e| std::mem::replace(&mut at, end(e.span())))
            .collect()
    }

    /// Whether a blank line lies in the whitespace just before `pos`.
    fn blank_before(&self, pos: usize) -> bool {
        let bytes = self.src.as_bytes().get(..pos).unwrap_or(&[]);
        let mut breaks = 0;
        // Backwards over blanks (a byte order mark is three bytes, all above 0x7F).
        for (i, &b) in bytes.iter().enumerate().rev() {
            match b {
                // `\r\n` is one line break, a lone `\r` one too.
                b'\n' => breaks += 1,
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => breaks += 1,
                b'\r' | b' ' | b'\t' | 0xEF | 0xBB | 0xBF => {}
                _ => break,
            }
            if breaks >= 2 {
                return true;
            }
        }
        false
    }

    /// The first byte in `from..to` outside comments for which `want` holds.
    fn find(&self, from: usize, to: usize, want: impl Fn(u8) -> bool) -> Option<usize> {
        let bytes = self.src.as_bytes();
        let mut k = self.comments.partition_point(|c| start(c.span) < from);
        let mut i = from;
        while i < to {
            while self.comments.get(k).is_some_and(|c| start(c.span) < i) {
                k += 1;
            }
            if let Some(c) = self.comments.get(k).filter(|c| start(c.span) == i) {
                i = end(c.span).max(i + 1);
                k += 1;
                continue;
            }
            if want(*bytes.get(i)?) {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    /// The next token in `from..to`, skipping blanks and comments: one punctuation character
    /// or a run of id characters (inside a sign-off: `@`, dates, `until`).
    fn next_token(&self, from: usize, to: usize) -> Option<(usize, usize)> {
        let at = self.find(from, to, |b| {
            !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0xEF | 0xBB | 0xBF)
        })?;
        let bytes = self.src.as_bytes();
        let is_id = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_');
        let mut e = at;
        while e < to && bytes.get(e).copied().is_some_and(is_id) {
            e += 1;
        }
        Some((at, e.max(at + 1).min(to)))
    }

    /// The separator (`,` or `;`) written after an entry that ends at `from`, before `to`.
    fn separator(&self, from: usize, to: usize) -> Option<&'static str> {
        self.separator_at(from, to).map(|(_, sep)| sep)
    }

    /// [`Printer::separator`] and where it is.
    fn separator_at(&self, from: usize, to: usize) -> Option<(usize, &'static str)> {
        let at = self.find(from, to, |b| b == b',' || b == b';')?;
        let sep = if self.src.as_bytes().get(at) == Some(&b';') {
            ";"
        } else {
            ","
        };
        Some((at, sep))
    }

    /// Writes the separator of an entry: after the comments written before it, which so keep
    /// the entry they belong to (suppressions are read from the comments before an entry).
    fn put_separator(&mut self, at: usize, sep: &str) {
        self.comments_before(at);
        if self.gap == Gap::Space {
            self.gap = Gap::None;
        }
        self.put(sep);
    }

    // ----- output --------------------------------------------------------------------------

    fn want(&mut self, gap: Gap) {
        self.gap = self.gap.max(gap);
    }

    fn flush(&mut self) {
        match self.gap {
            Gap::None => {}
            Gap::Space => self.out.push(' '),
            Gap::TwoSpaces => self.out.push_str("  "),
            Gap::Line | Gap::Blank => {
                self.line_comment = false;
                if !self.out.is_empty() {
                    self.out.push_str(self.nl);
                    if self.gap == Gap::Blank && !self.after_open {
                        self.out.push_str(self.nl);
                    }
                    self.pad(self.indent);
                }
                self.line_indent = self.indent;
            }
        }
        self.gap = Gap::None;
    }

    fn pad(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    /// Writes a token.
    fn put(&mut self, token: &str) {
        self.comment_column = None;
        self.flush();
        self.out.push_str(token);
        self.after_open = false;
    }

    /// Writes the token at `pos`, after the comments before it.
    fn put_at(&mut self, pos: usize, token: &str) {
        self.comments_before(pos);
        self.put(token);
    }

    /// Writes the text of `span` as one token, after the comments before it.
    fn put_span(&mut self, span: Span) {
        self.put_at(start(span), self.span_text(span));
    }

    /// Prints every comment not printed yet that starts before `pos`.
    fn comments_before(&mut self, pos: usize) {
        while let Some(c) = self.comments.get(self.next) {
            if start(c.span) >= pos {
                break;
            }
            self.next += 1;
            self.comment(c);
        }
    }

    fn comment(&mut self, c: &Comment) {
        // After a `//` comment (written after a separator moved before it), a comment that
        // followed on the same line goes on a line of its own.
        let column = self.comment_column.take();
        if c.own_line || self.line_comment {
            self.want(if c.blank_before {
                Gap::Blank
            } else {
                Gap::Line
            });
            self.flush();
            self.after_open = false;
        } else if let Some(column) = column {
            let line = self.out.rsplit('\n').next().unwrap_or("");
            self.pad(column.saturating_sub(width(line)).max(1));
        } else {
            // At the end of the current line, whatever is pending for the next token; a block
            // comment right after an opening bracket without a blank.
            let glued = self.out.is_empty()
                || self.out.ends_with(' ')
                || c.text.starts_with("/*") && self.out.ends_with(['(', '[']);
            if !glued {
                self.out.push(' ');
            }
        }
        if c.text.starts_with("/*") && c.text.contains(['\n', '\r']) {
            let text = super::same::normalized(&c.text).replace('\n', self.nl);
            self.out.push_str(&text);
        } else {
            self.out.push_str(&c.text);
        }
        if c.text.starts_with("//") {
            self.want(Gap::Line);
            self.line_comment = true;
        } else {
            self.want(Gap::Space);
        }
    }

    /// Writes a closing `]` or `)` at `pos`: no blank before it, even after a comment.
    fn put_close(&mut self, pos: usize, token: &str) {
        self.comments_before(pos);
        if self.gap == Gap::Space {
            self.gap = Gap::None;
        }
        self.put(token);
    }

    /// The width the comments in `from..to` add to a line, a blank before each; `None` when
    /// one of them ends its line (a `//` comment) or spans lines.
    fn inline_comments(&self, from: usize, to: usize) -> Option<usize> {
        let first = self.comments.partition_point(|c| start(c.span) < from);
        let mut w = 0;
        for c in self.comments.get(first..).unwrap_or(&[]) {
            if start(c.span) >= to {
                break;
            }
            if c.text.starts_with("//") || c.text.contains(['\n', '\r']) {
                return None;
            }
            w += 1 + width(&c.text);
        }
        Some(w)
    }

    /// Writes the text of `span` as it is, and skips the comments inside it.
    fn verbatim(&mut self, span: Span) {
        self.comments_before(start(span));
        self.flush();
        self.out.push_str(self.span_text(span));
        self.after_open = false;
        while self
            .comments
            .get(self.next)
            .is_some_and(|c| start(c.span) < end(span))
        {
            self.next += 1;
        }
    }

    /// Before an item, an entry or a list element on its own line: the comments before it,
    /// then a line break (a blank line when one was written there).
    fn line_start(&mut self, pos: usize) {
        self.comments_before(pos);
        self.want(if self.blank_before(pos) {
            Gap::Blank
        } else {
            Gap::Line
        });
    }

    // ----- the file ------------------------------------------------------------------------

    fn file(&mut self, file: &File) {
        let mut at = 0;
        let off: Vec<bool> = file
            .items
            .iter()
            .map(|item| {
                let from = std::mem::replace(&mut at, end(item.span));
                self.off_before(from, start(item.span))
            })
            .collect();
        let one_line: Vec<bool> = file
            .items
            .iter()
            .zip(&off)
            .map(|(item, &off)| self.item_one_line(item, 0, off))
            .collect();
        for (i, item) in file.items.iter().enumerate() {
            if i > 0 {
                // One blank line between items; one-line items written on consecutive lines
                // stay together.
                let together = !item.trivia.blank_before
                    && one_line.get(i - 1).copied().unwrap_or(false)
                    && one_line.get(i).copied().unwrap_or(false);
                self.want(if together { Gap::Line } else { Gap::Blank });
            }
            self.line_start(start(item.span));
            let flat = one_line.get(i).copied().unwrap_or(false);
            self.item(item, flat, 0, off.get(i).copied().unwrap_or(false));
        }
        self.comments_before(usize::MAX);
        if !self.out.is_empty() {
            self.out.push_str(self.nl);
        }
    }

    /// Whether an item is printed on one line.
    fn item_one_line(&self, item: &Item, indent: usize, off: bool) -> bool {
        if off {
            return !self.span_text(item.span).contains(['\n', '\r']);
        }
        self.item_flat(item, indent)
    }

    /// Whether an item's body is printed on one line: it was written so, holds no comment
    /// that ends its line, and the whole item fits.
    fn item_flat(&self, item: &Item, indent: usize) -> bool {
        let Some(w) = self.flat_item(item) else {
            return false;
        };
        self.inline_comments(start(item.span), end(item.span))
            .is_some_and(|c| indent + w + c <= WIDTH)
    }

    // ----- items and bodies ----------------------------------------------------------------

    /// An item or a nested block, at the current indentation.
    fn item(&mut self, item: &Item, flat: bool, pad: usize, off: bool) {
        if off {
            self.verbatim(item.span);
            return;
        }
        let base = self.indent;
        self.put_span(item.keyword.span);
        self.pad(pad.saturating_sub(width(&item.keyword.text)));
        self.indent = base + INDENT;
        match &item.name {
            None => {}
            Some(HeadName::Id(n)) => {
                self.want(Gap::Space);
                self.put_span(n.span);
            }
            Some(HeadName::Framework(f)) => {
                self.want(Gap::Space);
                self.put_span(f.span);
            }
            Some(HeadName::Mapping(a, b)) => {
                self.want(Gap::Space);
                self.put_span(a.span);
                let arrow = self
                    .find(end(a.span), start(b.span), |c| c == b'-')
                    .unwrap_or(end(a.span));
                self.want(Gap::Space);
                self.put_at(arrow, "->");
                self.want(Gap::Space);
                self.put_span(b.span);
            }
        }
        if let Some(title) = &item.title {
            self.want(Gap::Space);
            self.string(title);
        }
        self.want(Gap::Space);
        self.body(&item.body, flat, base);
        self.indent = base;
    }

    /// `{ … }`: on one line (`flat`), or one entry per line at `base` plus one level, the
    /// closing brace at `base`.
    fn body(&mut self, body: &Body, flat: bool, base: usize) {
        let saved = self.indent;
        let open = start(body.span);
        let close = end(body.span).saturating_sub(1).max(open);
        self.put_at(open, "{");
        if body.entries.is_empty() && !self.has_comments(open, close) {
            self.put("}");
            self.indent = saved;
            return;
        }
        if flat {
            let n = body.entries.len();
            for (i, e) in body.entries.iter().enumerate() {
                self.want(Gap::Space);
                self.entry(e, None, true, false);
                let next = body
                    .entries
                    .get(i + 1)
                    .map(|n| start(n.span()))
                    .unwrap_or(close);
                match self.separator_at(end(e.span()), next) {
                    Some((at, sep)) => self.put_separator(at, sep),
                    None if i + 1 < n => self.want(Gap::TwoSpaces),
                    None => {}
                }
            }
            self.want(Gap::Space);
            self.put_at(close, "}");
            self.indent = saved;
            return;
        }
        let inner = base + INDENT;
        self.indent = inner;
        self.after_open = true;
        let aligns = self.aligns(body, inner);
        let columns = self.comment_columns(body, &aligns, inner);
        let after = self.after_previous(body);
        for (i, e) in body.entries.iter().enumerate() {
            let from = after.get(i).copied().unwrap_or(open);
            let off = self.off_before(from, start(e.span()));
            self.line_start(start(e.span()));
            self.entry(e, aligns.get(i).copied().flatten(), false, off);
            let next = body
                .entries
                .get(i + 1)
                .map(|n| start(n.span()))
                .unwrap_or(close);
            if let Some((at, sep)) = self.separator_at(end(e.span()), next) {
                self.put_separator(at, sep);
            }
            self.comment_column = columns.get(i).copied().flatten();
        }
        self.comments_before(close);
        self.indent = base;
        self.gap = Gap::Line;
        self.put("}");
        self.indent = saved;
    }

    /// One entry at the current indentation; `flat` inside a one-line body.
    fn entry(&mut self, e: &Entry, align: Option<Align>, flat: bool, off: bool) {
        if off {
            self.verbatim(e.span());
            return;
        }
        match e {
            Entry::Field(f) => self.field(f, align, flat),
            Entry::Block(b) => {
                let flat = flat || self.item_flat(b, self.indent);
                let pad = match align {
                    Some(Align::Field(w)) => w,
                    _ => 0,
                };
                self.item(b, flat, pad, false);
            }
            Entry::Statement(s) => self.statement(s, align),
            // Files with syntax errors are refused before printing; kept as written.
            Entry::Error(x) => self.verbatim(x.span),
        }
    }

    fn field(&mut self, f: &Field, align: Option<Align>, flat: bool) {
        let base = self.indent;
        self.put_span(f.name.span);
        let name = width(&f.name.text);
        if let Some(Align::Field(w)) = align {
            self.pad(w.saturating_sub(name));
        }
        self.indent = base + INDENT;
        let eq = self
            .find(end(f.name.span), start(f.value.span), |b| b == b'=')
            .unwrap_or(end(f.name.span));
        self.want(Gap::Space);
        self.put_at(eq, "=");
        self.want(Gap::Space);
        self.value(&f.value, flat, base + name + 3);
        self.indent = base;
    }

    fn statement(&mut self, s: &Statement, align: Option<Align>) {
        let base = self.indent;
        let subject = Span {
            start: s.span.start,
            end: s.subject.span.end,
            ..s.span
        };
        self.put_span(subject);
        let (sw, vw) = match align {
            Some(Align::Statement(a, b)) => (a, b),
            _ => (0, 0),
        };
        self.pad(sw.saturating_sub(width(self.span_text(subject))));
        self.indent = base + INDENT;
        self.want(Gap::Space);
        self.put_span(s.verb.span);
        if let Some(arg) = &s.arg {
            self.pad(vw.saturating_sub(width(&s.verb.text)));
            self.want(Gap::Space);
            self.value(arg, false, 0);
        }
        self.indent = base;
    }

    // ----- alignment -----------------------------------------------------------------------

    /// The alignment of each entry of a multi-line body. A run is a sequence of consecutive
    /// one-line fields (or statements) without a blank line or a comment line between them
    /// and without a comment inside them; a field whose value takes several lines is the last
    /// of its run; a nested block (but a one-line block of only a keyword, which lines up
    /// with the fields), a field among statements or a statement among fields ends a run.
    fn aligns(&self, body: &Body, indent: usize) -> Vec<Option<Align>> {
        let entries = &body.entries;
        let after = self.after_previous(body);
        let mut out: Vec<Option<Align>> = vec![None; entries.len()];
        let mut run: Vec<usize> = Vec::new();
        let mut run_kind = 0u8;
        for (i, e) in entries.iter().enumerate() {
            let span = e.span();
            let from = after.get(i).copied().unwrap_or(start(span));
            let breaks = self.own_line_comment(from, start(span)) || self.blank_before(start(span));
            let off = self.off_before(from, start(span));
            let kind = match e {
                _ if off || self.has_comments(start(span), end(span)) => 0,
                Entry::Field(_) => 1,
                Entry::Block(b) if self.keyword_block(b, indent) => 1,
                Entry::Statement(_) => 2,
                _ => 0,
            };
            if breaks || kind != run_kind {
                self.close_run(entries, &mut run, &mut out);
            }
            run_kind = kind;
            if kind == 0 {
                continue;
            }
            run.push(i);
            if self.entry_multiline(e, indent) {
                self.close_run(entries, &mut run, &mut out);
                run_kind = 0;
            }
        }
        self.close_run(entries, &mut run, &mut out);
        out
    }

    /// The column of the trailing comment of each entry of a multi-line body: the trailing
    /// comments of consecutive aligned one-line entries that each have one (a chain) start in
    /// one column, one space after the longest of their lines; a lone trailing comment follows
    /// its line after one space (`None`).
    fn comment_columns(
        &self,
        body: &Body,
        aligns: &[Option<Align>],
        indent: usize,
    ) -> Vec<Option<usize>> {
        let entries = &body.entries;
        let close = end(body.span).saturating_sub(1);
        let after = self.after_previous(body);
        // The width of each entry's line, when it may take part in a chain.
        let widths: Vec<Option<usize>> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let align = aligns.get(i).copied().flatten()?;
                let next = entries.get(i + 1).map(|n| start(n.span())).unwrap_or(close);
                // A comment after it (and after its separator) on its line.
                let sep = self.separator_at(end(e.span()), next);
                let after = sep.map(|(at, _)| at + 1).unwrap_or(end(e.span()));
                self.comments
                    .get(
                        self.comments
                            .partition_point(|c| start(c.span) < end(e.span()))..,
                    )
                    .and_then(|rest| rest.first())
                    .filter(|c| {
                        start(c.span) >= after
                            && start(c.span) < next
                            && !c.own_line
                            && !c.text.contains(['\n', '\r'])
                    })?;
                if self.entry_multiline(e, indent) {
                    return None;
                }
                self.line_width(e, align, indent)
                    .map(|w| w + usize::from(sep.is_some()))
            })
            .collect();
        let mut out = vec![None; entries.len()];
        let mut chain: Vec<usize> = Vec::new();
        let close_chain = |chain: &mut Vec<usize>, out: &mut Vec<Option<usize>>| {
            if chain.len() > 1 {
                let column = chain
                    .iter()
                    .filter_map(|&i| widths.get(i).copied().flatten())
                    .max()
                    .unwrap_or(0)
                    + 1;
                for &i in chain.iter() {
                    if let Some(slot) = out.get_mut(i) {
                        *slot = Some(column);
                    }
                }
            }
            chain.clear();
        };
        for (i, e) in entries.iter().enumerate() {
            let from = after.get(i).copied().unwrap_or(start(e.span()));
            let breaks =
                self.own_line_comment(from, start(e.span())) || self.blank_before(start(e.span()));
            if breaks || widths.get(i).copied().flatten().is_none() {
                close_chain(&mut chain, &mut out);
            }
            if widths.get(i).copied().flatten().is_some() {
                chain.push(i);
            }
        }
        close_chain(&mut chain, &mut out);
        out
    }

    /// The width of the line of a one-line entry of a run, from the margin.
    fn line_width(&self, e: &Entry, align: Align, indent: usize) -> Option<usize> {
        Some(match (e, align) {
            (Entry::Field(f), Align::Field(w)) => {
                indent + w.max(width(&f.name.text)) + 3 + self.flat_value(&f.value)?
            }
            (Entry::Block(b), Align::Field(w)) => {
                indent + w.max(width(&b.keyword.text)) + 1 + self.flat_body(&b.body)?
            }
            (Entry::Statement(s), Align::Statement(sw, vw)) => {
                let subject = width(self.text(start(s.span), end(s.subject.span)));
                let mut w = indent + sw.max(subject) + 1;
                match &s.arg {
                    Some(arg) => w += vw.max(width(&s.verb.text)) + 1 + self.flat_value(arg)?,
                    None => w += width(&s.verb.text),
                }
                w
            }
            _ => return None,
        })
    }

    fn close_run(&self, entries: &[Entry], run: &mut Vec<usize>, out: &mut [Option<Align>]) {
        let members: Vec<&Entry> = run.iter().filter_map(|&i| entries.get(i)).collect();
        let (mut name, mut subject, mut verb) = (0, 0, 0);
        for e in &members {
            match e {
                Entry::Field(f) => name = name.max(width(&f.name.text)),
                Entry::Block(b) => name = name.max(width(&b.keyword.text)),
                Entry::Statement(s) => {
                    subject = subject.max(width(self.text(start(s.span), end(s.subject.span))));
                    if s.arg.is_some() {
                        verb = verb.max(width(&s.verb.text));
                    }
                }
                _ => {}
            }
        }
        for &i in run.iter() {
            if let (Some(slot), Some(e)) = (out.get_mut(i), entries.get(i)) {
                *slot = match e {
                    Entry::Field(_) | Entry::Block(_) => Some(Align::Field(name)),
                    Entry::Statement(_) => Some(Align::Statement(subject, verb)),
                    _ => None,
                };
            }
        }
        run.clear();
    }

    /// Whether a nested block takes part in a run of fields: a block of only a keyword and a
    /// one-line body (`residual { likelihood = rare  impact = severe }`), whose keyword is then
    /// padded like a field name, its `{` in the column of the `=`.
    fn keyword_block(&self, b: &Item, indent: usize) -> bool {
        b.name.is_none() && b.title.is_none() && self.item_flat(b, indent)
    }

    /// Whether an entry without comments inside takes more than one line.
    fn entry_multiline(&self, e: &Entry, indent: usize) -> bool {
        match e {
            Entry::Block(b) => !self.keyword_block(b, indent),
            Entry::Field(f) => self.value_multiline(&f.value, indent + width(&f.name.text) + 3),
            Entry::Statement(s) => s.arg.as_ref().is_some_and(|a| self.value_multiline(a, 0)),
            _ => true,
        }
    }

    /// Whether a value without comments inside, starting at column `prefix`, takes more than
    /// one line.
    fn value_multiline(&self, v: &Value, prefix: usize) -> bool {
        match &v.kind {
            ValueKind::Str(s) => s.block && !s.value.is_empty(),
            ValueKind::List(_) => self.list_wraps(v, prefix),
            ValueKind::Scale(body) => !self.scale_flat(v, body, prefix),
            _ => false,
        }
    }

    // ----- values --------------------------------------------------------------------------

    /// A value; `flat` inside a one-line body; `prefix` is the column where it starts when it
    /// is a field's value, not counting the alignment.
    fn value(&mut self, v: &Value, flat: bool, prefix: usize) {
        match &v.kind {
            ValueKind::Str(s) => self.string(s),
            ValueKind::List(items) => {
                let wrap = !flat && self.list_wraps(v, prefix);
                self.list(v, items, wrap);
            }
            ValueKind::Pair(pair) => {
                let (key, value) = (&pair.key, &pair.value);
                self.put_span(key.span);
                let colon = self
                    .find(end(key.span), start(value.span), |b| b == b':')
                    .unwrap_or(end(key.span));
                self.put_at(colon, ":");
                self.want(Gap::Space);
                self.string(value);
            }
            ValueKind::SignOff(sign) => {
                let who = &sign.who;
                self.put_span(who.span);
                let mut at = end(who.span);
                while let Some((s, e)) = self.next_token(at, end(v.span)) {
                    self.want(Gap::Space);
                    self.put_at(s, self.text(s, e));
                    at = e;
                }
            }
            ValueKind::File(path) => {
                let from = start(v.span);
                self.put_at(from, "file");
                let open = self
                    .find(from + 4, start(path.span), |b| b == b'(')
                    .unwrap_or(from + 4);
                self.put_at(open, "(");
                self.string(path);
                let close = self
                    .find(end(path.span), end(v.span), |b| b == b')')
                    .unwrap_or(end(path.span));
                self.put_close(close, ")");
            }
            ValueKind::Scale(body) => {
                self.put_at(start(v.span), "scale");
                self.want(Gap::Space);
                let flat = flat || self.scale_flat(v, body, prefix);
                let base = self.line_indent;
                self.body(body, flat, base);
            }
            _ => self.put_span(v.span),
        }
    }

    /// A string as written, or a text block re-indented one level deeper than the line it
    /// starts on, its value unchanged.
    fn string(&mut self, s: &Str) {
        if !s.block {
            self.put_span(s.span);
            return;
        }
        self.comments_before(start(s.span));
        if s.value.is_empty() {
            self.put("\"\"\"\"\"\"");
            return;
        }
        self.put("\"\"\"");
        let indent = self.line_indent + INDENT;
        let value = s.value.strip_suffix('\n').unwrap_or(&s.value);
        for line in value.split('\n') {
            self.out.push_str(self.nl);
            if !line.is_empty() {
                self.pad(indent);
                self.out.push_str(line);
            }
        }
        self.out.push_str(self.nl);
        self.pad(indent);
        self.out.push_str("\"\"\"");
    }

    /// `[a, b]`, or one element per line with a comma after each.
    fn list(&mut self, v: &Value, items: &[Value], wrap: bool) {
        let open = start(v.span);
        let close = end(v.span).saturating_sub(1).max(open);
        self.put_at(open, "[");
        if !wrap {
            for (i, el) in items.iter().enumerate() {
                if i > 0 {
                    self.put(",");
                    self.want(Gap::Space);
                }
                self.value(el, true, 0);
            }
            self.put_close(close, "]");
            return;
        }
        let saved = self.indent;
        let line = self.line_indent;
        self.indent = line + INDENT;
        self.after_open = true;
        for el in items {
            self.line_start(start(el.span));
            self.value(el, true, 0);
            self.put(",");
        }
        self.comments_before(close);
        self.indent = line;
        self.gap = Gap::Line;
        self.put("]");
        self.indent = saved;
    }

    /// Whether a list is written one element per line: its last element is followed by a
    /// comma, an element takes several lines, it holds a comment that ends its line, or it
    /// does not fit on the line from column `prefix`.
    fn list_wraps(&self, v: &Value, prefix: usize) -> bool {
        !self.fits(v, prefix)
    }

    /// Whether a scale's body is printed on one line: it was written so, holds no comment
    /// that ends its line and fits from column `prefix`.
    fn scale_flat(&self, v: &Value, body: &Body, prefix: usize) -> bool {
        !body.multiline && self.fits(v, prefix)
    }

    /// Whether a value fits on one line from column `prefix`, with the comments inside it.
    fn fits(&self, v: &Value, prefix: usize) -> bool {
        let Some(w) = self.flat_value(v) else {
            return false;
        };
        self.inline_comments(start(v.span), end(v.span))
            .is_some_and(|c| prefix + w + c <= WIDTH)
    }

    // ----- widths on one line --------------------------------------------------------------

    // The widths below leave the comments out: the callers add them (`inline_comments`).

    /// The width of an item printed on one line; `None` when it is not printed so: its body
    /// was written over several lines, or it holds a text block or a list that ends with a
    /// comma.
    fn flat_item(&self, item: &Item) -> Option<usize> {
        if item.body.multiline {
            return None;
        }
        let mut w = width(&item.keyword.text);
        w += match &item.name {
            None => 0,
            Some(HeadName::Id(n)) => 1 + width(&n.text),
            Some(HeadName::Framework(f)) => 1 + width(&f.key),
            Some(HeadName::Mapping(a, b)) => 1 + width(&a.key) + 4 + width(&b.key),
        };
        if let Some(title) = &item.title {
            w += 1 + self.flat_str(title)?;
        }
        Some(w + 1 + self.flat_body(&item.body)?)
    }

    fn flat_body(&self, body: &Body) -> Option<usize> {
        let open = start(body.span);
        let close = end(body.span).saturating_sub(1).max(open);
        if body.entries.is_empty() {
            return Some(2);
        }
        let n = body.entries.len();
        let mut w = 4;
        for (i, e) in body.entries.iter().enumerate() {
            w += self.flat_entry(e)?;
            let next = body
                .entries
                .get(i + 1)
                .map(|n| start(n.span()))
                .unwrap_or(close);
            let last = i + 1 == n;
            w += match self.separator(end(e.span()), next) {
                Some(_) if last => 1,
                Some(_) => 2,
                None if last => 0,
                None => 2,
            };
        }
        Some(w)
    }

    fn flat_entry(&self, e: &Entry) -> Option<usize> {
        match e {
            Entry::Field(f) => Some(width(&f.name.text) + 3 + self.flat_value(&f.value)?),
            Entry::Block(b) => self.flat_item(b),
            Entry::Statement(s) => {
                let mut w =
                    width(self.text(start(s.span), end(s.subject.span))) + 1 + width(&s.verb.text);
                if let Some(arg) = &s.arg {
                    w += 1 + self.flat_value(arg)?;
                }
                Some(w)
            }
            Entry::Error(_) => None,
        }
    }

    fn flat_str(&self, s: &Str) -> Option<usize> {
        match (s.block, s.value.is_empty()) {
            (true, true) => Some(6),
            (true, false) => None,
            (false, _) => Some(width(self.span_text(s.span))),
        }
    }

    fn flat_value(&self, v: &Value) -> Option<usize> {
        match &v.kind {
            ValueKind::Str(s) => self.flat_str(s),
            ValueKind::List(items) => {
                let close = end(v.span).saturating_sub(1);
                if let Some(last) = items.last() {
                    if self.find(end(last.span), close, |b| b == b',').is_some() {
                        return None;
                    }
                }
                let mut w = 2;
                for (i, el) in items.iter().enumerate() {
                    w += self.flat_value(el)? + if i > 0 { 2 } else { 0 };
                }
                Some(w)
            }
            ValueKind::Pair(pair) => Some(width(&pair.key.text) + 2 + self.flat_str(&pair.value)?),
            ValueKind::SignOff(sign) => {
                let who = &sign.who;
                let mut w = width(&who.text);
                let mut at = end(who.span);
                while let Some((s, e)) = self.next_token(at, end(v.span)) {
                    w += 1 + width(self.text(s, e));
                    at = e;
                }
                Some(w)
            }
            ValueKind::File(path) => Some(6 + self.flat_str(path)?),
            ValueKind::Scale(body) => {
                if body.multiline {
                    return None;
                }
                Some(6 + self.flat_body(body)?)
            }
            _ => Some(width(self.span_text(v.span))),
        }
    }
}
