//! Diagnostics: the one data type every stage reports problems with.
//!
//! A [`Diagnostic`] has a registered [`Code`], a severity, a message, a primary label,
//! secondary labels (possibly in other files), notes and a help line. Stages push them into a
//! [`Diagnostics`] sink and carry on; nothing here knows how they are shown. Rendering for
//! people (miette), JSON and SARIF lives in `diag::render`.

pub mod codes;
pub mod render;
pub mod suppress;

pub use codes::Code;

use crate::source::{SourceMap, Span};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Reported, but the project still passes.
    Warning,
    /// The project fails the check (exit code 1).
    Error,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with an optional message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub message: Option<String>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The registered code.
    pub code: Code,
    /// Severity after the project's lint configuration is applied.
    pub severity: Severity,
    /// Lower-case sentence without a final period; user input in backticks.
    pub message: String,
    /// The offending text.
    pub primary: Label,
    /// Related places, possibly in other files.
    pub secondary: Vec<Label>,
    /// Extra facts (`note: …`).
    pub notes: Vec<String>,
    /// What to do about it.
    pub help: String,
    /// What the finding is about, as `(id, title)`, when findings of one code at one place
    /// form a list: the rendering for people shows such findings as one report listing them
    /// (`diag::render::group`); JSON and SARIF keep one finding each.
    pub subject: Option<(String, String)>,
    /// Set when a `// ismsc-allow(…): reason` comment silenced it (`diag::suppress`).
    pub suppressed: Option<suppress::Suppression>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity, a primary span and a message.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            primary: Label {
                span,
                message: None,
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: code.summary().to_string(),
            subject: None,
            suppressed: None,
        }
    }

    /// Sets what the finding is about, for grouped rendering (see [`Diagnostic::subject`]).
    pub fn subject(mut self, id: impl Into<String>, title: impl Into<String>) -> Self {
        self.subject = Some((id.into(), title.into()));
        self
    }

    /// Sets the message of the primary label.
    pub fn primary_label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = Some(message.into());
        self
    }

    /// Adds a secondary label.
    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: Some(message.into()),
        });
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }
}

/// The sink every stage reports into.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reports a finding.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Moves every finding of `other` here, after the ones already reported.
    pub fn append(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Moves the findings for which `take` gives a suppression into `out`, marked with it.
    pub fn retain_or_take(
        &mut self,
        mut take: impl FnMut(&Diagnostic) -> Option<suppress::Suppression>,
        out: &mut Vec<Diagnostic>,
    ) {
        let mut kept = Vec::with_capacity(self.items.len());
        for mut d in std::mem::take(&mut self.items) {
            match take(&d) {
                Some(s) => {
                    d.suppressed = Some(s);
                    out.push(d);
                }
                None => kept.push(d),
            }
        }
        self.items = kept;
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of findings.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The findings, in report order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Mutable access, for applying the lint configuration.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Diagnostic> {
        self.items.iter_mut()
    }

    /// Drops findings for which `keep` is false.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.items.retain(keep);
    }

    /// Sorts by file name, then position, then code (the order every output uses).
    pub fn sort(&mut self, sources: &SourceMap) {
        self.items.sort_by(|a, b| {
            let ka = (
                sources.name(a.primary.span.file),
                a.primary.span.start,
                a.primary.span.end,
                a.code,
            );
            let kb = (
                sources.name(b.primary.span.file),
                b.primary.span.start,
                b.primary.span.end,
                b.code,
            );
            // Stable: findings at one place keep the order the checks made them in
            // (catalogue order for Annex A findings).
            ka.cmp(&kb)
        });
        // Drop exact repeats (a finding reported twice through two paths).
        let mut seen = std::collections::HashSet::new();
        self.items
            .retain(|d| seen.insert((d.code, d.primary.span, d.message.clone())));
    }

    /// Takes the findings out.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}
