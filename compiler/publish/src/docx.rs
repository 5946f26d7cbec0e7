//! `docx/`: every policy, procedure, standard and guideline as a Word document, for those who
//! edit where Word is.
//!
//! Each document is WordprocessingML written here and zipped with the `zip` crate: the title,
//! the document-control table, the text converted from markdown (headings, paragraphs,
//! emphasis, links, lists, tables, quotes, code) and the Annex A controls it covers. Every
//! paragraph takes one of Word's built-in styles (Title, Subtitle, Heading 1–3, List
//! Paragraph, Quote, Table Grid, Hyperlink), so a company's template restyles it. The file
//! has fixed document properties and zip timestamps: two builds are byte-identical (a
//! `--timestamp` is printed in the document, never taken from the clock).
//!
//! **Invariant:** user text reaches the XML only through [`xml`], which escapes markup and
//! drops the characters XML 1.0 cannot hold, so no field can break the document.

use std::io::{Cursor, Write};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::{web_link, BuildOptions};
use ismsc_core::brand::{Brand, ImageFormat};
use ismsc_core::driver::Analysis;
use ismsc_core::emit::OutputFile;
use ismsc_core::facts::control::{Controlled, State};
use ismsc_core::model::{Data, Entity, Kind, Link, Model, Policy};
use ismsc_core::syntax::ast::{Duration, DurationUnit};

/// The folder of the Word documents in the build output.
pub const DIR: &str = "docx";

/// `docx/<id>.docx` for every policy, procedure, standard and guideline, in model order.
pub fn files(analysis: &Analysis, options: &BuildOptions) -> Vec<OutputFile> {
    let model = &analysis.model;
    let mut out = Vec::new();
    for (_, e) in model.of_kind(Kind::Policy) {
        let Data::Policy(p) = &e.data else { continue };
        let state = analysis.facts.control.policy(p);
        let doc = document_xml(model, e, p, state, options.timestamp.as_deref());
        if let Some(content) = package(model, e, p, &doc, &analysis.manifest.publish.brand) {
            out.push(OutputFile {
                name: format!("{DIR}/{}.docx", e.id),
                content,
            });
        }
    }
    out
}

/// Text for XML character data and attribute values: markup escaped, and the characters
/// XML 1.0 cannot hold (controls other than tab and line breaks, lone surrogates cannot
/// occur in a `str`, U+FFFE and U+FFFF) shown by their stand-ins or left out.
pub fn xml(text: &str) -> String {
    let text = ismsc_core::text::visible(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Character formatting of a run.
#[derive(Clone, Copy, Default)]
struct Fmt {
    bold: bool,
    italic: bool,
    strike: bool,
    code: bool,
}

/// A run of text with its formatting; tabs and line breaks inside become `w:tab`/`w:br`.
fn run(text: &str, f: Fmt) -> String {
    let mut props = String::new();
    if f.code {
        props.push_str("<w:rFonts w:ascii=\"Consolas\" w:hAnsi=\"Consolas\" w:cs=\"Consolas\"/>");
    }
    if f.bold {
        props.push_str("<w:b/>");
    }
    if f.italic {
        props.push_str("<w:i/>");
    }
    if f.strike {
        props.push_str("<w:strike/>");
    }
    let mut out = String::from("<w:r>");
    if !props.is_empty() {
        out.push_str(&format!("<w:rPr>{props}</w:rPr>"));
    }
    let escaped = xml(text);
    for (i, line) in escaped.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, part) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !part.is_empty() {
                out.push_str(&format!(
                    "<w:t xml:space=\"preserve\">{}</w:t>",
                    part.trim_end_matches('\r')
                ));
            }
        }
    }
    out.push_str("</w:r>");
    out
}

/// A paragraph of `style` (none: Normal) holding `runs`.
fn para(style: Option<&str>, extra: &str, runs: &str) -> String {
    let mut props = String::new();
    if let Some(s) = style {
        props.push_str(&format!("<w:pStyle w:val=\"{s}\"/>"));
    }
    props.push_str(extra);
    if props.is_empty() {
        format!("<w:p>{runs}</w:p>")
    } else {
        format!("<w:p><w:pPr>{props}</w:pPr>{runs}</w:p>")
    }
}

/// A table in the Table Grid style; the first row is a header row when `header` is set.
fn table(rows: &[Vec<String>], header: bool) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let mut out = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>",
    );
    for _ in 0..cols {
        out.push_str(&format!("<w:gridCol w:w=\"{}\"/>", 9000 / cols));
    }
    out.push_str("</w:tblGrid>");
    for (i, row) in rows.iter().enumerate() {
        out.push_str("<w:tr>");
        if header && i == 0 {
            out.push_str("<w:trPr><w:tblHeader/></w:trPr>");
        }
        for c in 0..cols {
            let cell = row.get(c).map(String::as_str).unwrap_or("");
            // A cell must hold a paragraph.
            let cell = if cell.contains("<w:p>") || cell.contains("<w:p ") {
                cell.to_string()
            } else {
                para(None, "", cell)
            };
            out.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr>{cell}</w:tc>"
            ));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

/// The name of a person, team or party, with their role; the name as written when it does
/// not resolve; a dash without one.
fn who(model: &Model, link: Option<&Link>) -> String {
    let Some(link) = link else {
        return "—".to_string();
    };
    let Some(e) = model.target(link) else {
        return link.name.clone();
    };
    match &e.data {
        Data::Person(p) => match &p.role {
            Some(r) => format!("{} ({r})", e.display()),
            None => e.display().to_string(),
        },
        _ => e.display().to_string(),
    }
}

/// `word/document.xml` of one document, with the parts it refers to.
struct Doc {
    /// `word/document.xml`.
    xml: String,
    /// The targets of its hyperlinks: relationship `rIdLink{i}`.
    links: Vec<String>,
    /// Its lists: `(numbering instance, ordered, start)`.
    nums: Vec<(u32, bool, u64)>,
}

/// `word/document.xml` of one document.
fn document_xml(
    model: &Model,
    e: &Entity,
    p: &Policy,
    state: Controlled,
    stamp: Option<&str>,
) -> Doc {
    let title = e.display();
    let noun = p.written.as_str();
    let organization = model.isms.as_ref().and_then(|i| i.organization.as_deref());
    let mut body = String::new();
    if let Some(o) = organization {
        body.push_str(&para(Some("Subtitle"), "", &run(o, Fmt::default())));
    }
    body.push_str(&para(Some("Title"), "", &run(title, Fmt::default())));
    let mut sub = format!("Information security {noun}");
    if let Some(v) = &p.version {
        sub.push_str(&format!(" · Version {v}"));
    }
    body.push_str(&para(Some("Subtitle"), "", &run(&sub, Fmt::default())));
    let bold = Fmt {
        bold: true,
        ..Fmt::default()
    };
    match state.state {
        State::Approved => {}
        State::Draft => body.push_str(&para(
            None,
            "",
            &run(
                &format!("DRAFT — this {noun} has no recorded approval. It is not in force and this is not a controlled copy."),
                bold,
            ),
        )),
        State::Overdue => body.push_str(&para(
            None,
            "",
            &run(
                &format!(
                    "OVERDUE — this {noun} was due for review on {}. Until it is reviewed and approved again, this is not a controlled copy.",
                    state.next_review.map(|d| d.to_string()).unwrap_or_default()
                ),
                bold,
            ),
        )),
    }

    // Document control.
    body.push_str(&para(
        Some("Heading1"),
        "",
        &run("Document control", Fmt::default()),
    ));
    let approved = p.approved.as_ref();
    let dash = || "—".to_string();
    let parent = p.parent.as_ref().map(|l| match model.target(l) {
        Some(t) => format!("{} ({})", t.display(), t.id),
        None => l.name.clone(),
    });
    let rows: Vec<(&str, String)> = vec![
        (
            "Organization",
            organization.map(str::to_string).unwrap_or_else(dash),
        ),
        (p.written.label(), title.to_string()),
        ("Document ID", e.id.clone()),
        ("Owner", who(model, p.owner.as_ref())),
        ("Approved by", who(model, approved.map(|a| &a.who))),
        (
            "Approval date",
            approved.map(|a| a.date.to_string()).unwrap_or_else(dash),
        ),
        ("Version", p.version.clone().unwrap_or_else(dash)),
        (
            "Classification",
            p.classification
                .as_ref()
                .map(|c| c.text.clone())
                .unwrap_or_else(dash),
        ),
        (
            "Effective date",
            p.effective.map(|d| d.to_string()).unwrap_or_else(dash),
        ),
        (
            "Review interval",
            p.review.map(duration_words).unwrap_or_else(dash),
        ),
        (
            "Next review",
            state
                .next_review
                .map(|d| d.to_string())
                .unwrap_or_else(dash),
        ),
        ("Parent policy", parent.unwrap_or_else(dash)),
        ("Status", status_word(state.state).to_string()),
    ];
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(k, v)| vec![run(k, bold), run(&v, Fmt::default())])
        .collect();
    body.push_str(&table(&rows, false));

    // The text.
    let mut md = Markdown::default();
    match p.text.as_ref().filter(|t| !t.content.trim().is_empty()) {
        Some(text) => md.convert(&text.content, title),
        None => {
            md.out
                .push_str(&para(Some("Heading1"), "", &run(title, Fmt::default())));
            md.out.push_str(&para(
                None,
                "",
                &run(
                    &format!("The text of this {noun} is not recorded in the ISMS."),
                    Fmt {
                        italic: true,
                        ..Fmt::default()
                    },
                ),
            ));
        }
    }
    body.push_str(&md.out);

    // The Annex A controls it covers.
    body.push_str(&para(
        Some("Heading1"),
        "",
        &run("Annex A controls covered", Fmt::default()),
    ));
    if p.covers.is_empty() {
        body.push_str(&para(
            None,
            "",
            &run(
                &format!("This {noun} covers no Annex A control."),
                Fmt::default(),
            ),
        ));
    } else {
        let mut rows = vec![vec![run("Control", bold), run("Title", bold)]];
        for q in &p.covers {
            let t = q
                .target
                .and_then(|r| model.requirement(r))
                .map(|r| r.title.clone())
                .unwrap_or_default();
            rows.push(vec![
                run(&q.written(), Fmt::default()),
                run(&t, Fmt::default()),
            ]);
        }
        body.push_str(&table(&rows, true));
    }
    if let Some(s) = stamp {
        body.push_str(&para(
            None,
            "",
            &run(&format!("Generated {s}"), Fmt::default()),
        ));
    }

    let mut doc = String::from(XML_DECL);
    doc.push_str("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>");
    doc.push_str(&body);
    doc.push_str("<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1417\" w:right=\"1417\" w:bottom=\"1134\" w:left=\"1417\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>");
    Doc {
        xml: doc,
        links: md.links,
        nums: md.nums,
    }
}

/// "12 months", "1 year", "90 days".
fn duration_words(d: Duration) -> String {
    let (one, many) = match d.unit {
        DurationUnit::Days => ("day", "days"),
        DurationUnit::Weeks => ("week", "weeks"),
        DurationUnit::Months => ("month", "months"),
        DurationUnit::Years => ("year", "years"),
    };
    format!("{} {}", d.amount, if d.amount == 1 { one } else { many })
}

fn status_word(s: State) -> &'static str {
    match s {
        State::Approved => "Approved",
        State::Draft => "Draft",
        State::Overdue => "Overdue for review",
    }
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Markdown converted to WordprocessingML paragraphs and tables.
#[derive(Default)]
struct Markdown {
    /// The converted blocks.
    out: String,
    /// The runs of the paragraph being written.
    runs: String,
    /// The style and properties of the paragraph being written.
    style: Option<(&'static str, String)>,
    fmt: Fmt,
    /// The link being written: the index of its relationship.
    link: Option<usize>,
    /// Every link target, in order: relationship `rIdLink{i}`.
    links: Vec<String>,
    /// The open lists: the numbering instance of each.
    lists: Vec<u32>,
    /// Numbering instances used: `(num id, ordered, start)`.
    nums: Vec<(u32, bool, u64)>,
    /// Inside a block quote.
    quote: usize,
    /// The table being written: rows of cells, each cell its runs.
    table: Option<Vec<Vec<String>>>,
    in_cell: bool,
    /// The heading level the text's top headings take (the first level found becomes 1).
    shift: Option<u8>,
    code_block: bool,
}

impl Markdown {
    fn convert(&mut self, text: &str, title: &str) {
        let options =
            Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
        let events: Vec<Event<'_>> = Parser::new_ext(text, options).collect();
        let events = crate::pdf::markup::without_title(&events, title);
        // The highest heading level left becomes Heading 1.
        let top = events
            .iter()
            .filter_map(|e| match e {
                Event::Start(Tag::Heading { level, .. }) => Some(level_number(*level)),
                _ => None,
            })
            .min()
            .unwrap_or(1);
        self.shift = Some(top.saturating_sub(1));
        for e in events {
            self.event(e);
        }
        self.flush();
    }

    /// Ends the paragraph being written, if any.
    fn flush(&mut self) {
        if self.runs.is_empty() && self.style.is_none() {
            return;
        }
        let runs = std::mem::take(&mut self.runs);
        let (style, extra) = self.style.take().unwrap_or(("", String::new()));
        if runs.is_empty() {
            return;
        }
        let style = if style.is_empty() {
            (self.quote > 0).then_some("Quote")
        } else {
            Some(style)
        };
        let p = para(style, &extra, &runs);
        match (&mut self.table, self.in_cell) {
            (Some(rows), true) => {
                if let Some(cell) = rows.last_mut().and_then(|r| r.last_mut()) {
                    cell.push_str(&p);
                }
            }
            _ => self.out.push_str(&p),
        }
    }

    fn text(&mut self, t: &str) {
        let r = self.wrap_link(run(t, self.fmt));
        if self.in_cell {
            // Cell text is kept as runs; the cell's paragraph is made when the table ends.
            if let Some(cell) = self
                .table
                .as_mut()
                .and_then(|rows| rows.last_mut())
                .and_then(|r| r.last_mut())
            {
                cell.push_str(&r);
            }
            return;
        }
        self.runs.push_str(&r);
    }

    fn wrap_link(&self, r: String) -> String {
        match self.link {
            Some(i) => format!(
                "<w:hyperlink r:id=\"rIdLink{i}\" w:history=\"1\">{}</w:hyperlink>",
                r.replacen(
                    "<w:r>",
                    "<w:r><w:rPr><w:rStyle w:val=\"Hyperlink\"/></w:rPr>",
                    1
                )
                .replace("</w:rPr><w:rPr>", "")
            ),
            None => r,
        }
    }

    fn event(&mut self, e: &Event<'_>) {
        match e {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(t) => {
                if self.code_block {
                    let code = Fmt {
                        code: true,
                        ..self.fmt
                    };
                    let text = t.strip_suffix('\n').unwrap_or(t);
                    if !self.runs.is_empty() {
                        self.runs.push_str("<w:r><w:br/></w:r>");
                    }
                    self.runs.push_str(&run(text, code));
                } else {
                    self.text(t);
                }
            }
            Event::Code(t) => {
                let saved = self.fmt;
                self.fmt.code = true;
                self.text(t);
                self.fmt = saved;
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                if !t.trim_start().starts_with("<!--") {
                    self.text(t);
                }
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(t),
            Event::FootnoteReference(t) => self.text(&format!("[{t}]")),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.runs.push_str("<w:r><w:br/></w:r>"),
            Event::Rule => {
                self.flush();
                self.out.push_str("<w:p><w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"auto\"/></w:pBdr></w:pPr></w:p>");
            }
            Event::TaskListMarker(done) => self.text(if *done { "☒ " } else { "☐ " }),
        }
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                // A list item's text continues its paragraph; a new one starts otherwise.
                if self
                    .style
                    .as_ref()
                    .is_some_and(|(s, _)| *s == "ListParagraph")
                    && self.runs.is_empty()
                {
                    return;
                }
                self.flush();
            }
            Tag::Heading { level, .. } => {
                self.flush();
                let n = level_number(*level)
                    .saturating_sub(self.shift.unwrap_or(0))
                    .clamp(1, 3);
                let style = match n {
                    1 => "Heading1",
                    2 => "Heading2",
                    _ => "Heading3",
                };
                self.style = Some((style, String::new()));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.quote += 1;
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.code_block = true;
                self.style = Some(("NoSpacing", String::new()));
            }
            Tag::List(start) => {
                self.flush();
                let id = self.nums.len() as u32 + 1;
                self.nums.push((id, start.is_some(), start.unwrap_or(1)));
                self.lists.push(id);
            }
            Tag::Item => {
                self.flush();
                let level = self.lists.len().saturating_sub(1).min(8);
                let num = self.lists.last().copied().unwrap_or(1);
                self.style = Some((
                    "ListParagraph",
                    format!(
                        "<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{num}\"/></w:numPr>"
                    ),
                ));
            }
            Tag::Table(_) => {
                self.flush();
                self.table = Some(Vec::new());
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(rows) = &mut self.table {
                    rows.push(Vec::new());
                }
                // The header row is bold.
                self.fmt.bold = matches!(tag, Tag::TableHead);
            }
            Tag::TableCell => {
                if let Some(row) = self.table.as_mut().and_then(|rows| rows.last_mut()) {
                    row.push(String::new());
                }
                self.in_cell = true;
            }
            Tag::Emphasis => self.fmt.italic = true,
            Tag::Strong => self.fmt.bold = true,
            Tag::Strikethrough => self.fmt.strike = true,
            Tag::Link { dest_url, .. } => {
                if let Some(url) = web_link(dest_url) {
                    self.links.push(url.to_string());
                    self.link = Some(self.links.len() - 1);
                }
            }
            Tag::Image { .. } => {}
            _ => {}
        }
    }

    fn in_list_item(&self) -> bool {
        self.style
            .as_ref()
            .is_some_and(|(s, _)| *s == "ListParagraph")
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            // A list item's paragraph ends with the item.
            TagEnd::Paragraph if !self.in_list_item() => self.flush(),
            TagEnd::Heading(_) | TagEnd::Item => self.flush(),
            TagEnd::CodeBlock => {
                self.flush();
                self.code_block = false;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::TableCell => self.in_cell = false,
            TagEnd::Table => {
                self.in_cell = false;
                self.fmt.bold = false;
                if let Some(rows) = self.table.take() {
                    self.out.push_str(&table(&rows, true));
                }
            }
            TagEnd::Emphasis => self.fmt.italic = false,
            TagEnd::Strong => self.fmt.bold = false,
            TagEnd::Strikethrough => self.fmt.strike = false,
            TagEnd::Link => self.link = None,
            _ => {}
        }
    }
}

fn level_number(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The zip package of one document; `None` only if the zip writer fails (it writes to
/// memory, so it does not).
fn package(model: &Model, e: &Entity, p: &Policy, doc: &Doc, brand: &Brand) -> Option<Vec<u8>> {
    let parts = BrandParts::of(brand);
    let body = parts.section(&doc.xml);
    let body = body.as_str();
    let links = &doc.links;
    let mut rels = String::from(XML_DECL);
    rels.push_str("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/><Relationship Id=\"rIdNumbering\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>");
    rels.push_str(&parts.relationships);
    for (i, url) in links.iter().enumerate() {
        rels.push_str(&format!("<Relationship Id=\"rIdLink{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink\" Target=\"{}\" TargetMode=\"External\"/>", xml(url)));
    }
    rels.push_str("</Relationships>");
    let organization = model.isms.as_ref().and_then(|i| i.organization.as_deref());
    let core = format!(
        "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><dc:identifier>{}</dc:identifier>{}</cp:coreProperties>",
        xml(e.display()),
        p.written.label(),
        xml(organization.unwrap_or("")),
        xml(&e.id),
        p.version
            .as_deref()
            .map(|v| format!("<cp:version>{}</cp:version>", xml(v)))
            .unwrap_or_default(),
    );
    let numbering = numbering_xml(&doc.nums);
    let styles = styles_xml(brand.color.as_deref());
    let content_types = CONTENT_TYPES.replace("</Types>", &format!("{}</Types>", parts.types));
    let mut files: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
        ("word/document.xml", body.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
    ];
    for (name, content) in &parts.files {
        files.push((name, content.as_slice()));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, content) in files {
        zip.start_file(name, options).ok()?;
        zip.write_all(content).ok()?;
    }
    zip.finish().ok().map(Cursor::into_inner)
}

/// `word/numbering.xml`: a bullet and a decimal definition, and one instance per list of the
/// text (each numbered list restarts at its own start).
fn numbering_xml(nums: &[(u32, bool, u64)]) -> String {
    let mut out = String::from(XML_DECL);
    out.push_str(
        "<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    );
    for (abs, ordered) in [(1, false), (2, true)] {
        out.push_str(&format!("<w:abstractNum w:abstractNumId=\"{abs}\"><w:multiLevelType w:val=\"hybridMultilevel\"/>"));
        for lvl in 0..9 {
            let (fmt, text) = if ordered {
                ("decimal", format!("%{}.", lvl + 1))
            } else {
                ("bullet", ["•", "◦", "▪"][lvl % 3].to_string())
            };
            out.push_str(&format!(
                "<w:lvl w:ilvl=\"{lvl}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{fmt}\"/><w:lvlText w:val=\"{text}\"/><w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"{}\" w:hanging=\"360\"/></w:pPr></w:lvl>",
                720 * (lvl + 1)
            ));
        }
        out.push_str("</w:abstractNum>");
    }
    for (id, ordered, start) in nums {
        out.push_str(&format!(
            "<w:num w:numId=\"{id}\"><w:abstractNumId w:val=\"{}\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"{start}\"/></w:lvlOverride></w:num>",
            if *ordered { 2 } else { 1 }
        ));
    }
    if nums.is_empty() {
        out.push_str("<w:num w:numId=\"1\"><w:abstractNumId w:val=\"1\"/></w:num>");
    }
    out.push_str("</w:numbering>");
    out
}

/// `word/styles.xml`: the built-in styles, with the project's accent colour (`[publish]
/// color`) on the title and the headings in place of the default dark blue.
fn styles_xml(color: Option<&str>) -> String {
    match color.map(|c| c.trim_start_matches('#').to_ascii_uppercase()) {
        Some(hex) if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            STYLES.replace("w:val=\"1F3864\"", &format!("w:val=\"{hex}\""))
        }
        _ => STYLES.to_string(),
    }
}

/// What the branding adds to a document's package: a header with the logo (a PNG; Word
/// shows SVG only beside a PNG fallback, so an SVG logo is left out, as in the workbook), a
/// footer with the footer line, their relationships, content types and section references.
#[derive(Default)]
struct BrandParts {
    /// `<Relationship …/>` elements for `word/_rels/document.xml.rels`.
    relationships: String,
    /// `<Default …/>` and `<Override …/>` elements for `[Content_Types].xml`.
    types: String,
    /// `<w:headerReference …/>` and `<w:footerReference …/>` for the section.
    references: String,
    /// The parts themselves.
    files: Vec<(&'static str, Vec<u8>)>,
}

const HEADER_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml";
const FOOTER_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

impl BrandParts {
    fn of(brand: &Brand) -> BrandParts {
        let mut parts = BrandParts::default();
        let png = brand
            .logo
            .as_ref()
            .filter(|l| l.format == ImageFormat::Png)
            .and_then(|l| png_size(&l.asset.bytes).map(|size| (l, size)));
        if let Some((logo, (w, h))) = png {
            // At most 12 mm high and 50 mm wide, in proportion (EMU: 36,000 per mm).
            let (max_w, max_h) = (50u64 * 36_000, 12u64 * 36_000);
            let (w, h) = (u64::from(w.max(1)), u64::from(h.max(1)));
            let (cx, cy) = if w * max_h > h * max_w {
                (max_w, h * max_w / w)
            } else {
                (w * max_h / h, max_h)
            };
            let header = format!(
                "{XML_DECL}<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"{REL}\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><w:p><w:pPr><w:pStyle w:val=\"Header\"/><w:jc w:val=\"right\"/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"1\" name=\"Logo\"/><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic><pic:nvPicPr><pic:cNvPr id=\"0\" name=\"logo.png\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"rIdLogo\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p></w:hdr>"
            );
            let header_rels = format!(
                "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rIdLogo\" Type=\"{REL}/image\" Target=\"media/logo.png\"/></Relationships>"
            );
            parts.relationships.push_str(&format!(
                "<Relationship Id=\"rIdHeader\" Type=\"{REL}/header\" Target=\"header1.xml\"/>"
            ));
            parts.types.push_str(&format!(
                "<Default Extension=\"png\" ContentType=\"image/png\"/><Override PartName=\"/word/header1.xml\" ContentType=\"{HEADER_TYPE}\"/>"
            ));
            parts
                .references
                .push_str("<w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/>");
            parts.files.push(("word/header1.xml", header.into_bytes()));
            parts
                .files
                .push(("word/_rels/header1.xml.rels", header_rels.into_bytes()));
            parts
                .files
                .push(("word/media/logo.png", logo.asset.bytes.as_ref().clone()));
        }
        if let Some(footer) = brand.footer.as_deref().filter(|f| !f.trim().is_empty()) {
            let xml_footer = format!(
                "{XML_DECL}<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"{REL}\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/><w:jc w:val=\"center\"/></w:pPr><w:r><w:rPr><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:ftr>",
                xml(footer)
            );
            parts.relationships.push_str(&format!(
                "<Relationship Id=\"rIdFooter\" Type=\"{REL}/footer\" Target=\"footer1.xml\"/>"
            ));
            parts.types.push_str(&format!(
                "<Override PartName=\"/word/footer1.xml\" ContentType=\"{FOOTER_TYPE}\"/>"
            ));
            parts
                .references
                .push_str("<w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>");
            parts
                .files
                .push(("word/footer1.xml", xml_footer.into_bytes()));
        }
        parts
    }

    /// The document with the header and footer referenced from its section (they come first
    /// in `w:sectPr`).
    fn section(&self, document: &str) -> String {
        if self.references.is_empty() {
            return document.to_string();
        }
        document.replacen("<w:sectPr>", &format!("<w:sectPr>{}", self.references), 1)
    }
}

/// The width and height of a PNG from its header (`IHDR`), if it is one.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(..8)? != b"\x89PNG\r\n\x1a\n" || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
    let h = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
    Some((w, h))
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>";

/// Word's built-in styles, by their built-in names, so that a template's styles replace them.
const STYLES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Calibri\" w:hAnsi=\"Calibri\" w:cs=\"Calibri\" w:eastAsia=\"Calibri\"/><w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/><w:lang w:val=\"en-GB\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>",
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"120\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"1F3864\"/><w:sz w:val=\"52\"/><w:szCs w:val=\"52\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Subtitle\"><w:name w:val=\"Subtitle\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:rPr><w:color w:val=\"595959\"/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"360\" w:after=\"120\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"1F3864\"/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"80\"/><w:outlineLvl w:val=\"1\"/></w:pPr><w:rPr><w:b/><w:color w:val=\"1F3864\"/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading3\"><w:name w:val=\"heading 3\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"200\" w:after=\"60\"/><w:outlineLvl w:val=\"2\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List Paragraph\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"40\"/><w:ind w:left=\"720\"/><w:contextualSpacing/></w:pPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"Quote\"><w:name w:val=\"Quote\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:ind w:left=\"720\" w:right=\"720\"/></w:pPr><w:rPr><w:i/><w:color w:val=\"404040\"/></w:rPr></w:style>",
    "<w:style w:type=\"paragraph\" w:styleId=\"NoSpacing\"><w:name w:val=\"No Spacing\"/><w:qFormat/><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:style>",
    "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/></w:style>",
    "<w:style w:type=\"character\" w:styleId=\"Hyperlink\"><w:name w:val=\"Hyperlink\"/><w:basedOn w:val=\"DefaultParagraphFont\"/><w:rPr><w:color w:val=\"0563C1\"/><w:u w:val=\"single\"/></w:rPr></w:style>",
    "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:semiHidden/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>",
    "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:basedOn w:val=\"TableNormal\"/><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr><w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/></w:tblBorders></w:tblPr></w:style>",
    "</w:styles>",
);
