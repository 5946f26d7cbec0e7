//! Typst source text from user text: escaping, and markdown converted to typst markup.
//!
//! **Invariant:** user text reaches typst only through [`escape`] (markup) or [`string`]
//! (string literals), so nothing a user writes is interpreted as typst syntax: a `#`, `$`,
//! `*`, `_`, `@`, `<` or `\` in a title or a policy prints as itself.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// User text as typst markup that prints literally.
///
/// Every ASCII character other than letters, digits and the space is written with a
/// backslash escape (typst reads `\c` as the character `c` for any non-space `c`), so no
/// markup syntax (`#`, `$`, `*`, `_`, `=`, `-`, `+`, `/`, `@`, `<`, `[`, `` ` ``, `\`, `~`,
/// quotes, `http://` links, shorthands like `--` or `...`) can start. Line breaks and tabs
/// become spaces and other control and bidirectional characters are shown by their
/// stand-ins (`ismsc_core::text::visible`), so the text stays one inline run and shows what
/// it holds.
pub fn escape(text: &str) -> String {
    let text = ismsc_core::text::visible(text);
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// User text as a typst string literal, quotes included (for `raw(...)`, links and metadata);
/// control and bidirectional characters are shown by their stand-ins.
pub fn string(text: &str) -> String {
    let text = ismsc_core::text::visible(text);
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// How deep block and inline containers may nest in the typst output; deeper markdown is
/// flattened, so no policy text can make the typst parser recurse without bound.
const MAX_NESTING: usize = 24;

/// Markdown (CommonMark with tables and strikethrough) as typst markup.
///
/// Block structure is written as function calls with content blocks (`#list([..], [..])`,
/// `#heading(level: 2)[..]`), not as indentation-sensitive markup, so any nesting converts
/// faithfully. Text goes through [`escape`]; code through [`string`]. Raw HTML is printed as
/// text (HTML comments are dropped), images show their description, and links keep their
/// target only for `http`, `https` and `mailto`. Headings are shifted down by
/// `heading_offset` levels; a first level-1 heading equal to `skip_title` is left out (the
/// document's title page already shows it).
pub fn markdown(text: &str, heading_offset: u8, skip_title: Option<&str>) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events: Vec<Event<'_>> = Parser::new_ext(text, options).collect();
    let mut events = &events[..];
    if let Some(title) = skip_title {
        events = without_title(events, title);
    }
    let mut w = Writer {
        out: String::with_capacity(text.len() * 2),
        stack: Vec::new(),
        heading_offset,
        code: None,
    };
    for event in events {
        w.event(event);
    }
    // Close whatever malformed input left open (pulldown-cmark balances its events, but a
    // missing end must never leave a typst bracket open).
    if w.code.is_some() {
        w.event(&Event::End(TagEnd::CodeBlock));
    }
    while let Some(open) = w.stack.pop() {
        w.out.push_str(open.close);
    }
    w.out
}

/// The events after a leading level-1 heading whose text is `title`, else all of them.
pub(crate) fn without_title<'a, 'e>(events: &'a [Event<'e>], title: &str) -> &'a [Event<'e>] {
    let Some(Event::Start(Tag::Heading {
        level: HeadingLevel::H1,
        ..
    })) = events.first()
    else {
        return events;
    };
    let Some(end) = events
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
    else {
        return events;
    };
    let mut heading = String::new();
    for e in &events[1..end] {
        if let Event::Text(t) | Event::Code(t) = e {
            heading.push_str(t);
        }
    }
    if normalize(&heading) == normalize(title) {
        &events[end + 1..]
    } else {
        events
    }
}

fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One open container: what closes it (empty when it was flattened).
struct Open {
    close: &'static str,
}

struct Writer {
    out: String,
    stack: Vec<Open>,
    heading_offset: u8,
    /// The text of the code block being read.
    code: Option<String>,
}

impl Writer {
    fn open(&mut self, start: &str, close: &'static str) {
        if self.stack.len() >= MAX_NESTING {
            self.stack.push(Open { close: "" });
        } else {
            self.out.push_str(start);
            self.stack.push(Open { close });
        }
    }

    fn close(&mut self) {
        if let Some(open) = self.stack.pop() {
            self.out.push_str(open.close);
        }
    }

    fn event(&mut self, event: &Event<'_>) {
        if let Some(code) = &mut self.code {
            match event {
                Event::Text(t) => code.push_str(t),
                Event::End(_) => {
                    let code = string(code.trim_end_matches('\n'));
                    self.out.push_str(&code);
                    self.out.push_str(")\n\n");
                    self.code = None;
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(_) => self.close(),
            Event::Text(t) => self.out.push_str(&escape(t)),
            Event::Code(t) => {
                self.out.push_str("#raw(");
                self.out.push_str(&string(t));
                self.out.push(')');
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                let t = t.trim();
                if !(t.starts_with("<!--") && t.ends_with("-->")) {
                    self.out.push_str(&escape(t));
                    self.out.push(' ');
                }
            }
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.out.push_str("#linebreak()"),
            Event::Rule => self
                .out
                .push_str("\n#line(length: 100%, stroke: 0.5pt + luma(160))\n"),
            Event::TaskListMarker(done) => {
                self.out.push_str(if *done { "☑ " } else { "☐ " });
            }
            Event::FootnoteReference(t) => {
                self.out.push_str(&escape(&format!("[{t}]")));
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.out.push_str(&escape(t)),
        }
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Paragraph => self.open("", "\n\n"),
            Tag::Heading { level, .. } => {
                let level = (*level as u8).saturating_add(self.heading_offset).min(6);
                self.open(&format!("\n#heading(level: {level})["), "]\n\n");
            }
            Tag::BlockQuote(_) => self.open("\n#quote(block: true)[", "]\n\n"),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
                    CodeBlockKind::Indented => "",
                };
                // The code arrives as text events, gathered into one string until its end.
                self.out.push_str("\n#raw(block: true, ");
                if !lang.is_empty() {
                    self.out.push_str("lang: ");
                    self.out.push_str(&string(lang));
                    self.out.push_str(", ");
                }
                self.code = Some(String::new());
            }
            Tag::List(Some(start)) => {
                let start = (*start).min(u64::from(u32::MAX));
                self.open(&format!("\n#enum(start: {start}, "), ")\n\n");
            }
            Tag::List(None) => self.open("\n#list(", ")\n\n"),
            Tag::Item => self.open("[", "], "),
            Tag::Table(aligns) => {
                let columns = aligns.len().max(1);
                let align: Vec<&str> = aligns
                    .iter()
                    .map(|a| match a {
                        Alignment::Center => "center",
                        Alignment::Right => "right",
                        Alignment::None | Alignment::Left => "left",
                    })
                    .collect();
                self.open(
                    &format!(
                        "\n#table(columns: {columns}, align: ({},), ",
                        if align.is_empty() {
                            "left".to_string()
                        } else {
                            align.join(", ")
                        }
                    ),
                    ")\n\n",
                );
            }
            Tag::TableHead => self.open("table.header(", "), "),
            Tag::TableRow => self.open("", ""),
            Tag::TableCell => self.open("[", "], "),
            Tag::Emphasis => self.open("#emph[", "]"),
            Tag::Strong => self.open("#strong[", "]"),
            Tag::Strikethrough => self.open("#strike[", "]"),
            Tag::Link { dest_url, .. } => {
                let url = dest_url.trim();
                let lower = url.to_ascii_lowercase();
                if ["http://", "https://", "mailto:"]
                    .iter()
                    .any(|p| lower.starts_with(p))
                {
                    self.open(&format!("#link({})[", string(url)), "]");
                } else {
                    self.open("", "");
                }
            }
            Tag::Image { .. } => self.open("\\[", "\\]"),
            Tag::FootnoteDefinition(_)
            | Tag::HtmlBlock
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_)
            | Tag::Superscript
            | Tag::Subscript => self.open("", ""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::syntax::{parse, SyntaxDiagnostic, SyntaxKind, SyntaxNode};

    /// The syntax errors of parsed markup.
    fn errors(root: &SyntaxNode) -> Vec<SyntaxDiagnostic> {
        root.errors_and_warnings().0
    }

    /// The kinds of every leaf of the parsed markup.
    fn leaves(node: &SyntaxNode, out: &mut Vec<SyntaxKind>) {
        if node.children().len() == 0 {
            out.push(node.kind());
        }
        for child in node.children() {
            leaves(child, out);
        }
    }

    /// Escaped text parses as text, escapes and spaces only: no markup can start.
    fn only_text(s: &str) {
        let escaped = escape(s);
        let root = parse(&escaped);
        assert!(errors(&root).is_empty(), "{escaped:?}: {:?}", errors(&root));
        let mut kinds = Vec::new();
        leaves(&root, &mut kinds);
        for k in kinds {
            assert!(
                matches!(
                    k,
                    SyntaxKind::Text | SyntaxKind::Escape | SyntaxKind::Space | SyntaxKind::Markup
                ),
                "{s:?} escaped as {escaped:?} has a {k:?}"
            );
        }
    }

    #[test]
    fn escape_leaves_no_markup() {
        for s in [
            "<script>alert(1)</script>",
            "=HYPERLINK(\"x\")",
            "# $x$ *bold* _em_ @ref <label> \\ back`tick` [a](b) ~ -- ... 'q' \"q\"",
            "= Heading",
            "- item",
            "+ item",
            "/ term: x",
            "1. first",
            "http://example.com/a_b",
            "#let x = 1; #x",
            "\\u{41} \\",
            "a\nb\r\nc\td\u{0}e",
            "-5 -? :smile: $$",
            "Grüße, 日本語, emoji 🎉",
            "",
        ] {
            only_text(s);
        }
        assert_eq!(escape("a#b"), "a\\#b");
        assert_eq!(escape("x\ny"), "x y");
    }

    #[test]
    fn string_literals_round_trip() {
        let s = "quote \" back \\ line\nnew \u{1} end";
        let src = format!("#{}", string(s));
        let root = parse(&src);
        assert!(errors(&root).is_empty(), "{src:?}: {:?}", errors(&root));
        let mut kinds = Vec::new();
        leaves(&root, &mut kinds);
        assert!(kinds.contains(&SyntaxKind::Str), "{kinds:?}");
    }

    #[test]
    fn markdown_converts_blocks_and_inlines() {
        let md = "# Title\n\nSome *em* and **strong** and `co#de`.\n\n## 1. Part\n\n- one\n- two\n  1. nested\n\n> quote\n\n```rust\nfn x() {}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<div>html</div>\n\n[link](https://example.com) [bad](javascript:alert(1))\n";
        let out = markdown(md, 0, Some("title"));
        assert!(!out.contains("Title"), "{out}");
        assert!(out.contains("#emph[em]"), "{out}");
        assert!(out.contains("#strong[strong]"), "{out}");
        assert!(out.contains("#raw(\"co#de\")"), "{out}");
        assert!(out.contains("#heading(level: 2)[1\\. Part]"), "{out}");
        assert!(
            out.contains("#list(") && out.contains("#enum(start: 1, "),
            "{out}"
        );
        assert!(out.contains("#quote(block: true)"), "{out}");
        assert!(
            out.contains("#raw(block: true, lang: \"rust\", \"fn x() {}\")"),
            "{out}"
        );
        assert!(out.contains("#table(columns: 2"), "{out}");
        assert!(out.contains("\\<div\\>html\\<\\/div\\>"), "{out}");
        assert!(
            out.contains("#link(\"https://example.com\")[link]"),
            "{out}"
        );
        assert!(!out.contains("javascript"), "{out}");
        let root = parse(&out);
        assert!(errors(&root).is_empty(), "{out}: {:?}", errors(&root));
    }

    #[test]
    fn deep_markdown_is_flattened() {
        let md = format!("{}deep", "> ".repeat(5000));
        let out = markdown(&md, 0, None);
        assert!(
            out.matches("#quote").count() <= MAX_NESTING,
            "{}",
            out.len()
        );
        assert!(out.contains("deep"));
        let md = format!("{}x{}", "*a ".repeat(3000), " a*".repeat(3000));
        let out = markdown(&md, 0, None);
        assert!(errors(&parse(&out)).is_empty());
    }
}
