//! Policy markdown to HTML, safe by construction.
//!
//! CommonMark with tables, strikethrough and task lists, rendered event by event:
//! - every text goes through [`escape`]; raw HTML (blocks and inline) is shown as text,
//!   except `<br>`, which becomes a line break, and HTML comments, which are dropped;
//! - a link keeps its target only when it is `http`, `https`, `mailto`, a `#fragment` of the
//!   page, or a relative link to the text file of another policy (rewritten to that policy's
//!   page); any other target (`javascript:`, `data:`, a file the site does not have) leaves the
//!   link's text without a link;
//! - images are never loaded (the site fetches nothing): an image becomes a link to it when
//!   its address is `http(s)`, else its alternative text;
//! - headings move one level down (the page title is the only `h1`) and get GitHub-style ids;
//!   a first `# heading` equal to the policy title is dropped, since the page shows the title.

use std::collections::BTreeSet;

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::escape;

/// The rendered text and its outline.
pub(super) struct Rendered {
    /// The HTML.
    pub html: String,
    /// The top-level sections: `(id, text)`.
    pub toc: Vec<(String, String)>,
}

/// Where relative links of the text may lead.
pub(super) struct Links<'a> {
    /// The folder of the markdown file, project-relative (`policies`), or empty.
    pub base: &'a str,
    /// A project-relative path → the href of its page, if the site has one.
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
}

/// Whether a link target is safe to keep, and as what. `None` drops the link.
pub(super) fn safe_href(url: &str, links: &Links<'_>) -> Option<String> {
    // Browsers ignore ASCII whitespace and control characters inside a scheme
    // (`java\tscript:`), so the scheme is judged without them.
    let squashed: String = url
        .chars()
        .filter(|c| !c.is_ascii_control() && !c.is_whitespace())
        .collect();
    if squashed.is_empty() {
        return None;
    }
    if squashed.starts_with('#') {
        return Some(squashed);
    }
    if let Some(colon) = squashed.find(':') {
        let scheme = &squashed[..colon];
        if !scheme.contains(['/', '?', '#']) {
            return matches!(
                scheme.to_ascii_lowercase().as_str(),
                "http" | "https" | "mailto"
            )
            .then_some(squashed);
        }
    }
    if squashed.starts_with("//") {
        return Some(format!("https:{squashed}"));
    }
    let (path, fragment) = match squashed.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (squashed.as_str(), None),
    };
    let path = path.split('?').next().unwrap_or("");
    let target = normalize(links.base, path)?;
    let href = (links.resolve)(&target)?;
    Some(match fragment {
        Some(f) if !f.is_empty() => format!("{href}#{f}"),
        _ => href,
    })
}

/// Joins a relative path to a folder and removes `.` and `..`; `None` above the root or for
/// an absolute path.
fn normalize(base: &str, path: &str) -> Option<String> {
    if path.starts_with('/') || path.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A GitHub-style id for a heading: lower case, letters, digits, `-` and `_`; spaces become
/// `-`; unique on the page.
fn heading_id(text: &str, used: &mut BTreeSet<String>) -> String {
    let mut id: String = text
        .trim()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_lowercase().collect::<String>())
            } else if c == ' ' {
                Some("-".to_string())
            } else {
                None
            }
        })
        .collect();
    if id.is_empty() {
        id = "section".to_string();
    }
    let mut candidate = id.clone();
    let mut n = 1;
    while used.contains(&candidate) {
        candidate = format!("{id}-{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// The plain text of the events from `start` (a `Start`) to its matching `End`, and the index
/// of that `End`.
fn text_until_end(events: &[Event<'_>], start: usize) -> (String, usize) {
    let mut text = String::new();
    let mut depth = 0usize;
    let mut i = start;
    while let Some(e) = events.get(i) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (text, i);
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
        i += 1;
    }
    (text, events.len().saturating_sub(1))
}

/// Removes `<!-- … -->` comments from raw HTML; an unclosed comment runs to the end.
fn strip_comments(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        match rest[i + 4..].find("-->") {
            Some(j) => rest = &rest[i + 4 + j + 3..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

fn is_line_break(html: &str) -> bool {
    let compact: String = html
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(compact.as_str(), "<br>" | "<br/>")
}

fn level(l: HeadingLevel) -> usize {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Whether two titles are the same for people: case and spacing aside.
fn same_title(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// Renders markdown. `title` is the page title (a first `# heading` equal to it is dropped);
/// `reserved` are ids the page already uses.
pub(super) fn render(
    text: &str,
    title: Option<&str>,
    links: &Links<'_>,
    reserved: &[&str],
) -> Rendered {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events: Vec<Event<'_>> = Parser::new_ext(text, options).collect();
    let mut used: BTreeSet<String> = reserved.iter().map(|s| s.to_string()).collect();
    let mut out = String::with_capacity(text.len() * 3 / 2);
    let mut headings: Vec<(usize, String, String)> = Vec::new();

    let mut i = 0;
    if let (
        Some(Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        })),
        Some(t),
    ) = (events.first(), title)
    {
        let (h, end) = text_until_end(&events, 0);
        if same_title(&h, t) {
            i = end + 1;
        }
    }

    // For each open link: whether it was kept (and so needs `</a>`).
    let mut link_stack: Vec<bool> = Vec::new();
    let mut aligns: Vec<Alignment> = Vec::new();
    let mut in_head = false;
    let mut cell = 0usize;
    let mut in_html_block = false;
    let mut html_block = String::new();

    while let Some(event) = events.get(i) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => out.push_str("<p>"),
                Tag::Heading { level: l, .. } => {
                    let (h, _) = text_until_end(&events, i);
                    let id = heading_id(&h, &mut used);
                    let n = (level(*l) + 1).min(6);
                    headings.push((n, id.clone(), h.trim().to_string()));
                    out.push_str(&format!("<h{n} id=\"{}\">", escape(&id)));
                }
                Tag::BlockQuote(_) => out.push_str("<blockquote>\n"),
                Tag::CodeBlock(_) => out.push_str("<pre><code>"),
                Tag::HtmlBlock => {
                    in_html_block = true;
                    html_block.clear();
                }
                Tag::List(Some(start)) if *start != 1 => {
                    out.push_str(&format!("<ol start=\"{start}\">\n"))
                }
                Tag::List(Some(_)) => out.push_str("<ol>\n"),
                Tag::List(None) => out.push_str("<ul>\n"),
                Tag::Item => out.push_str("<li>"),
                Tag::FootnoteDefinition(name) => out.push_str(&format!(
                    "<div class=\"footnote\"><sup>{}</sup> ",
                    escape(name)
                )),
                Tag::DefinitionList => out.push_str("<dl>\n"),
                Tag::DefinitionListTitle => out.push_str("<dt>"),
                Tag::DefinitionListDefinition => out.push_str("<dd>"),
                Tag::Table(a) => {
                    aligns = a.clone();
                    out.push_str("<div class=\"table-wrap\"><table>\n");
                }
                Tag::TableHead => {
                    in_head = true;
                    cell = 0;
                    out.push_str("<thead><tr>");
                }
                Tag::TableRow => {
                    cell = 0;
                    out.push_str("<tr>");
                }
                Tag::TableCell => {
                    let class = match aligns.get(cell) {
                        Some(Alignment::Left) => " class=\"al-left\"",
                        Some(Alignment::Center) => " class=\"al-center\"",
                        Some(Alignment::Right) => " class=\"al-right\"",
                        _ => "",
                    };
                    out.push_str(if in_head { "<th" } else { "<td" });
                    out.push_str(class);
                    out.push('>');
                }
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => out.push_str("<strong>"),
                Tag::Strikethrough => out.push_str("<del>"),
                Tag::Superscript => out.push_str("<sup>"),
                Tag::Subscript => out.push_str("<sub>"),
                Tag::Link {
                    dest_url, title, ..
                } => match safe_href(dest_url, links) {
                    Some(href) => {
                        let external = href.starts_with("http:") || href.starts_with("https:");
                        out.push_str(&format!("<a href=\"{}\"", escape(&href)));
                        if !title.is_empty() {
                            out.push_str(&format!(" title=\"{}\"", escape(title)));
                        }
                        if external {
                            out.push_str(" rel=\"noopener noreferrer\"");
                        }
                        out.push('>');
                        link_stack.push(true);
                    }
                    None => {
                        out.push_str("<span class=\"unlinked\">");
                        link_stack.push(false);
                    }
                },
                Tag::Image { dest_url, .. } => {
                    let (alt, end) = text_until_end(&events, i);
                    let alt = if alt.trim().is_empty() {
                        "image".to_string()
                    } else {
                        alt
                    };
                    match safe_href(dest_url, links).filter(|h| h.starts_with("http")) {
                        Some(href) => out.push_str(&format!(
                            "<a class=\"image-link\" href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                            escape(&href),
                            escape(&alt)
                        )),
                        None => out.push_str(&format!(
                            "<span class=\"image-omitted\">{}</span>",
                            escape(&alt)
                        )),
                    }
                    i = end;
                }
                Tag::MetadataBlock(_) => {
                    let (_, end) = text_until_end(&events, i);
                    i = end;
                }
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => out.push_str("</p>\n"),
                TagEnd::Heading(l) => {
                    let n = (level(*l) + 1).min(6);
                    out.push_str(&format!("</h{n}>\n"));
                }
                TagEnd::BlockQuote(_) => out.push_str("</blockquote>\n"),
                TagEnd::CodeBlock => out.push_str("</code></pre>\n"),
                TagEnd::HtmlBlock => {
                    in_html_block = false;
                    let visible = strip_comments(&html_block);
                    if !visible.trim().is_empty() {
                        out.push_str("<pre class=\"raw-html\"><code>");
                        out.push_str(&escape(visible.trim_end()));
                        out.push_str("</code></pre>\n");
                    }
                }
                TagEnd::List(true) => out.push_str("</ol>\n"),
                TagEnd::List(false) => out.push_str("</ul>\n"),
                TagEnd::Item => out.push_str("</li>\n"),
                TagEnd::FootnoteDefinition => out.push_str("</div>\n"),
                TagEnd::DefinitionList => out.push_str("</dl>\n"),
                TagEnd::DefinitionListTitle => out.push_str("</dt>\n"),
                TagEnd::DefinitionListDefinition => out.push_str("</dd>\n"),
                TagEnd::Table => out.push_str("</tbody></table></div>\n"),
                TagEnd::TableHead => {
                    in_head = false;
                    out.push_str("</tr></thead>\n<tbody>\n");
                }
                TagEnd::TableRow => out.push_str("</tr>\n"),
                TagEnd::TableCell => {
                    out.push_str(if in_head { "</th>" } else { "</td>" });
                    cell += 1;
                }
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong => out.push_str("</strong>"),
                TagEnd::Strikethrough => out.push_str("</del>"),
                TagEnd::Superscript => out.push_str("</sup>"),
                TagEnd::Subscript => out.push_str("</sub>"),
                TagEnd::Link => match link_stack.pop() {
                    Some(true) => out.push_str("</a>"),
                    _ => out.push_str("</span>"),
                },
                // Images and metadata are consumed whole at their start.
                TagEnd::Image | TagEnd::MetadataBlock(_) => {}
            },
            Event::Text(t) => out.push_str(&escape(t)),
            Event::Code(t) => {
                out.push_str("<code>");
                out.push_str(&escape(t));
                out.push_str("</code>");
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                out.push_str("<code class=\"math\">");
                out.push_str(&escape(t));
                out.push_str("</code>");
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if in_html_block {
                    html_block.push_str(h);
                } else if is_line_break(h) {
                    out.push_str("<br>");
                } else {
                    out.push_str(&escape(&strip_comments(h)));
                }
            }
            Event::FootnoteReference(name) => out.push_str(&format!(
                "<sup class=\"footnote-ref\">{}</sup>",
                escape(name)
            )),
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>\n"),
            Event::Rule => out.push_str("<hr>\n"),
            Event::TaskListMarker(done) => out.push_str(if *done {
                "<span class=\"task done\" aria-label=\"done\">☑</span> "
            } else {
                "<span class=\"task\" aria-label=\"open\">☐</span> "
            }),
        }
        i += 1;
    }
    // Close what malformed input left open (pulldown-cmark balances its events, but a
    // dropped link may still be pending if the text ends inside it).
    for kept in link_stack.into_iter().rev() {
        out.push_str(if kept { "</a>" } else { "</span>" });
    }

    let top = headings.iter().map(|(n, _, _)| *n).min().unwrap_or(0);
    let toc = headings
        .into_iter()
        .filter(|(n, _, _)| *n == top)
        .map(|(_, id, text)| (id, text))
        .collect();
    Rendered { html: out, toc }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        let resolve = |p: &str| (p == "policies/other.md").then(|| "other.html".to_string());
        let links = Links {
            base: "policies",
            resolve: &resolve,
        };
        render(md, Some("Title"), &links, &[]).html
    }

    #[test]
    fn raw_html_is_text() {
        let out = html("<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> there");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
        assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"), "{out}");
    }

    #[test]
    fn comments_are_dropped_and_br_kept() {
        let out = html("<!-- internal note -->\n\na<br/>b <!-- x -->");
        assert!(!out.contains("internal note"), "{out}");
        assert!(out.contains("a<br>b"), "{out}");
    }

    #[test]
    fn unsafe_links_lose_their_target() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java%0ascript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "<java\tscript:alert(1)>",
            "missing.md",
            "/etc/passwd",
            "../../outside.md",
        ] {
            let out = html(&format!("[x]({url})"));
            assert!(!out.contains("href"), "{url}: {out}");
            assert!(out.contains(">x<"), "{url}: {out}");
        }
    }

    #[test]
    fn safe_links_are_kept() {
        assert!(html("[a](https://example.com/a?b=1&c=2)")
            .contains("href=\"https://example.com/a?b=1&amp;c=2\""));
        assert!(html("[a](mailto:x@example.com)").contains("href=\"mailto:x@example.com\""));
        assert!(html("[a](#scope)").contains("href=\"#scope\""));
        assert!(html("[a](other.md#roles)").contains("href=\"other.html#roles\""));
        assert!(html("[a](./other.md)").contains("href=\"other.html\""));
    }

    #[test]
    fn images_are_not_loaded() {
        let out = html("![diagram](https://example.com/x.png) ![local](x.png)");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("href=\"https://example.com/x.png\""), "{out}");
        assert!(
            out.contains("<span class=\"image-omitted\">local</span>"),
            "{out}"
        );
    }

    #[test]
    fn headings_shift_and_get_ids() {
        let r = render(
            "# Title\n\n## 1. Purpose\n\ntext\n\n## 1. Purpose\n\n### Detail",
            Some("title"),
            &Links {
                base: "",
                resolve: &|_| None,
            },
            &["main"],
        );
        assert!(!r.html.contains(">Title<"), "{}", r.html);
        assert!(
            r.html.contains("<h3 id=\"1-purpose\">1. Purpose</h3>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h3 id=\"1-purpose-1\">"), "{}", r.html);
        assert!(r.html.contains("<h4 id=\"detail\">"), "{}", r.html);
        assert_eq!(r.toc.len(), 2);
    }

    #[test]
    fn tables_render() {
        let out = html("| a | b |\n| --- | ---: |\n| 1 | 2 |");
        assert!(
            out.contains("<th>a</th><th class=\"al-right\">b</th>"),
            "{out}"
        );
        assert!(
            out.contains("<td>1</td><td class=\"al-right\">2</td>"),
            "{out}"
        );
    }
}
