//! Rendering findings: for people (miette), as JSON (the shape the specification fixes),
//! as SARIF 2.1.0 (for code-scanning dashboards, `sarif.rs`), as GitHub workflow commands
//! (`github.rs`) and as a JUnit XML report (`junit.rs`). Findings that form a list (the
//! undecided Annex A controls) are one report for people (`group.rs`).
//!
//! Labels in another file than the primary one are shown as related reports, each with its
//! own file, because one miette snippet shows one file.

mod github;
pub mod group;
mod junit;
mod sarif;
mod snippet;

pub use github::github;
pub use junit::junit;
pub use sarif::{sarif, SrcRoot};

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use serde_json::{json, Value};

use self::snippet::View;
use super::{Code, Diagnostic, Label, Severity};
use crate::source::{FileId, SourceMap};
use crate::text::{visible, visible_line};

/// Labels within this many lines of the primary label share its snippet; farther ones get a
/// snippet of their own.
const NEAR_LINES: usize = 4;

/// How to render for people.
#[derive(Clone, Copy, Debug)]
pub struct HumanStyle {
    /// ANSI colours.
    pub color: bool,
    /// Wrap width.
    pub width: usize,
}

/// Renders findings for people, followed by a summary line.
pub fn human(diags: &[Diagnostic], sources: &SourceMap, style: HumanStyle) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut out = String::new();
    let shown = group::group(diags);
    // Mistakes of the language first: what follows in a file may only be read once they are
    // fixed; then the findings about the ISMS, each group in the usual order.
    let (language, isms): (Vec<_>, Vec<_>) = shown
        .iter()
        .map(|d| &**d)
        .partition(|d| d.code.is_language());
    for d in language.into_iter().chain(isms) {
        let report = Report::new(d, sources);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", d.code, d.message));
        }
        out.push('\n');
    }
    out.push_str(&summary(diags));
    out.push('\n');
    out
}

/// "2 errors, 1 warning" or "no problems found".
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems found".into(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// One line per finding: `E0102 error file:line:col message`.
pub fn short(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diags {
        let (file, line, col, _, _) = position(sources, &d.primary);
        out.push_str(&format!(
            "{} {} {}:{}:{} {}\n",
            d.code,
            d.severity.as_str(),
            visible_line(&file),
            line,
            col,
            visible_line(&d.message)
        ));
    }
    out
}

/// `(file, line, column, end line, end column)`, 1-based.
fn position(sources: &SourceMap, label: &Label) -> (String, usize, usize, usize, usize) {
    let name = sources.name(label.span.file).to_string();
    match sources.get(label.span.file) {
        Some(f) => {
            let (l, c) = f.line_col(label.span.start as usize);
            let (el, ec) = f.line_col(label.span.end as usize);
            (name, l, c, el, ec)
        }
        None => (name, 1, 1, 1, 1),
    }
}

/// The JSON document of `--format json`: the findings, and (as `suppressions`) the findings
/// silenced by `ismsc-allow` comments among `diags`, each with its reason.
pub fn json(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let one = |d: &Diagnostic| {
        let (file, line, column, end_line, end_column) = position(sources, &d.primary);
        let labels: Vec<Value> = std::iter::once(&d.primary)
            .chain(&d.secondary)
            .map(|l| {
                let (file, line, column, end_line, end_column) = position(sources, l);
                json!({
                    "file": file, "line": line, "column": column,
                    "end_line": end_line, "end_column": end_column,
                    "message": l.message,
                })
            })
            .collect();
        let mut v = json!({
            "code": d.code.as_str(),
            "slug": d.code.slug(),
            "severity": d.severity.as_str(),
            "message": d.message,
            "file": file,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "help": d.help,
            "notes": d.notes,
            "labels": labels,
        });
        if let (Some(s), Some(obj)) = (&d.suppressed, v.as_object_mut()) {
            let (file, line, column, _, _) = position(
                sources,
                &Label {
                    span: s.at,
                    message: None,
                },
            );
            obj.insert(
                "suppression".into(),
                json!({ "reason": s.reason, "file": file, "line": line, "column": column }),
            );
        }
        v
    };
    let (silenced, active): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        diags.iter().partition(|d| d.suppressed.is_some());
    let errors = active
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let doc = json!({
        "diagnostics": active.iter().map(|d| one(d)).collect::<Vec<_>>(),
        "suppressions": silenced.iter().map(|d| one(d)).collect::<Vec<_>>(),
        "summary": {
            "errors": errors,
            "warnings": active.len() - errors,
            "suppressed": silenced.len(),
        },
    });
    crate::emit::json::to_json(&doc)
}

/// The adapter that shows one [`Diagnostic`] (or one file's part of it) through miette.
struct Report<'a> {
    code: Option<Code>,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    labels: Vec<&'a Label>,
    source: Option<View<'a>>,
    related: Vec<Report<'a>>,
}

impl<'a> Report<'a> {
    fn new(d: &'a Diagnostic, sources: &'a SourceMap) -> Report<'a> {
        let file = d.primary.span.file;
        let mut help = d.help.clone();
        for n in &d.notes {
            help.push_str("\nnote: ");
            help.push_str(n);
        }
        let mut others: Vec<FileId> = d
            .secondary
            .iter()
            .map(|l| l.span.file)
            .filter(|f| *f != file)
            .collect();
        others.sort();
        others.dedup();
        let related_report = |labels: Vec<&'a Label>, file: FileId| {
            let message = labels
                .first()
                .and_then(|l| l.message.clone())
                .unwrap_or_else(|| "related".into());
            Report {
                code: None,
                severity: miette::Severity::Advice,
                message: visible_line(&message).into_owned(),
                help: None,
                source: source(sources, file, &labels),
                labels,
                related: Vec::new(),
            }
        };
        // Labels of the primary's file far from it get snippets of their own, so a report
        // never prints every line between two distant places.
        let line = |l: &Label| {
            sources
                .get(l.span.file)
                .map(|f| f.line_col(l.span.start as usize).0)
                .unwrap_or(0)
        };
        let primary_line = line(&d.primary);
        let (near, mut far): (Vec<&Label>, Vec<&Label>) = d
            .secondary
            .iter()
            .filter(|l| l.span.file == file)
            .partition(|l| line(l).abs_diff(primary_line) <= NEAR_LINES);
        far.sort_by_key(|l| (line(l), l.span.start));
        let mut clusters: Vec<Vec<&Label>> = Vec::new();
        for l in far {
            match clusters.last_mut() {
                Some(c) if c.last().is_some_and(|p| line(l) - line(p) <= NEAR_LINES) => c.push(l),
                _ => clusters.push(vec![l]),
            }
        }
        let labels: Vec<&Label> = std::iter::once(&d.primary).chain(near).collect();
        let mut related: Vec<Report> = clusters
            .into_iter()
            .map(|labels| related_report(labels, file))
            .collect();
        related.extend(others.into_iter().map(|other| {
            let labels: Vec<&Label> = d
                .secondary
                .iter()
                .filter(|l| l.span.file == other)
                .collect();
            related_report(labels, other)
        }));
        Report {
            code: Some(d.code),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            message: visible_line(&d.message).into_owned(),
            help: Some(visible(&help).into_owned()),
            source: source(sources, file, &labels),
            labels,
            related,
        }
    }
}

/// What the snippet shows of `file` for `labels` (none for an empty file: the findings about a
/// file that could not be read name it in their message).
fn source<'a>(sources: &'a SourceMap, file: FileId, labels: &[&Label]) -> Option<View<'a>> {
    let f = sources.get(file).filter(|f| !f.text.is_empty())?;
    let spans: Vec<_> = labels.iter().map(|l| l.span.range()).collect();
    Some(View::new(f, &spans))
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let view = self.source.as_ref()?;
        Some(Box::new(self.labels.iter().enumerate().map(|(i, l)| {
            let span = view.span(l.span.start as usize, l.span.end as usize);
            let message = l.message.as_deref().map(|m| visible_line(m).into_owned());
            if i == 0 && self.code.is_some() {
                LabeledSpan::new_primary_with_span(message, span)
            } else {
                LabeledSpan::new_with_span(message, span)
            }
        })))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}
