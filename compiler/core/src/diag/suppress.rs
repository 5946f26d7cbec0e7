//! Suppressions with a reason: `// ismsc-allow(W0407): the office is a serviced desk space`
//! on the line before an item or an entry silences findings of that code inside it.
//!
//! A suppression is a reviewed decision, so it must say why; it stays visible to an auditor:
//! suppressed findings are listed in JSON and SARIF. Mistakes of the language (E0001–E0299)
//! cannot be silenced. A suppression that is malformed (no reason, unknown code, a language
//! code) is W0020 and silences nothing; one that silences nothing is W0021.

use super::{Code, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{Comment, Entry, File, Item, Trivia};

/// Why a finding was silenced, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The reason written after the codes.
    pub reason: String,
    /// The comment.
    pub at: Span,
}

/// One `ismsc-allow` comment and what it covers.
#[derive(Debug)]
struct Allow {
    codes: Vec<Code>,
    reason: String,
    comment: Span,
    target: Span,
    used: bool,
}

const MARKER: &str = "ismsc-allow";

/// The suppressions written in a project's files, read from their trees (so the trees can be
/// freed before the findings they apply to are known).
#[derive(Debug, Default)]
pub struct Suppressions {
    allows: Vec<Allow>,
    problems: Vec<Diagnostic>,
}

/// Reads the suppressions written in `files` (reporting the malformed ones when applied).
pub fn collect(files: &[std::sync::Arc<File>]) -> Suppressions {
    let mut allows = Vec::new();
    let mut problems = Vec::new();
    for f in files {
        // Most files have no suppression at all: skip their trees.
        if !f.comments.iter().any(|c| c.text.contains(MARKER)) {
            continue;
        }
        for item in &f.items {
            collect_item(item, &mut allows, &mut problems);
        }
    }
    Suppressions { allows, problems }
}

/// Applies the suppressions written in `files` to `diags`: returns the findings silenced
/// (each with its [`Suppression`]) and reports malformed and unused suppressions.
pub fn apply(files: &[std::sync::Arc<File>], diags: &mut Diagnostics) -> Vec<Diagnostic> {
    collect(files).apply(diags)
}

impl Suppressions {
    /// Applies them to `diags`: returns the findings silenced (each with its
    /// [`Suppression`]) and reports malformed and unused suppressions.
    pub fn apply(self, diags: &mut Diagnostics) -> Vec<Diagnostic> {
        let Suppressions {
            mut allows,
            mut problems,
        } = self;
        let mut silenced = Vec::new();
        if !allows.is_empty() {
            diags.retain_or_take(
                |d| {
                    let a = allows.iter_mut().find(|a| {
                        a.codes.contains(&d.code)
                            && a.target.file == d.primary.span.file
                            && a.target.start <= d.primary.span.start
                            && d.primary.span.end <= a.target.end
                    })?;
                    a.used = true;
                    Some(Suppression {
                        reason: a.reason.clone(),
                        at: a.comment,
                    })
                },
                &mut silenced,
            );
        }
        for a in allows.iter().filter(|a| !a.used) {
            let codes: Vec<&str> = a.codes.iter().map(|c| c.as_str()).collect();
            problems.push(
                Diagnostic::new(
                    Code::W0021,
                    a.comment,
                    format!("this suppression of {} silences nothing", list(&codes)),
                )
                .primary_label("nothing to silence here")
                .help("remove it: the finding it was written for is gone, or it is reported outside the item or entry below the comment"),
            );
        }
        for p in problems {
            diags.push(p);
        }
        silenced
    }
}

fn list(codes: &[&str]) -> String {
    let quoted: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
    quoted.join(", ")
}

fn collect_item(item: &Item, allows: &mut Vec<Allow>, problems: &mut Vec<Diagnostic>) {
    collect_trivia(&item.trivia, item.span, allows, problems);
    for e in &item.body.entries {
        match e {
            Entry::Block(b) => collect_item(b, allows, problems),
            other => collect_trivia(other.trivia(), other.span(), allows, problems),
        }
    }
}

fn collect_trivia(
    trivia: &Trivia,
    target: Span,
    allows: &mut Vec<Allow>,
    problems: &mut Vec<Diagnostic>,
) {
    for c in trivia.leading() {
        if let Some(a) = parse(c, target, problems) {
            allows.push(a);
        }
    }
}

/// Reads `// ismsc-allow(CODE, …): reason`; `None` for any other comment, or (after reporting
/// W0020) for a malformed one.
fn parse(c: &Comment, target: Span, problems: &mut Vec<Diagnostic>) -> Option<Allow> {
    let body = c.text.strip_prefix("//")?.trim_start();
    let rest = body.strip_prefix(MARKER)?;
    let bad = |message: String, help: &str| {
        Diagnostic::new(Code::W0020, c.span, message)
            .primary_label("this suppression silences nothing")
            .help(help.to_string())
    };
    let Some(inner) = rest.strip_prefix('(').and_then(|r| r.split_once(')')) else {
        problems.push(bad(
            "a suppression names its codes in parentheses".into(),
            "write `// ismsc-allow(W0407): why the finding does not apply here`",
        ));
        return None;
    };
    let (names, after) = inner;
    let reason = after
        .trim_start()
        .strip_prefix(':')
        .map(str::trim)
        .unwrap_or("");
    let mut codes = Vec::new();
    let mut ok = true;
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match Code::parse(name) {
            Some(code) if code.is_language() => {
                ok = false;
                problems.push(bad(
                    format!("`{}` cannot be suppressed: it is a mistake of the language", code.as_str()),
                    "fix the mistake; only findings about the ISMS (E0300 and above, and warnings) can be suppressed",
                ));
            }
            Some(code) => codes.push(code),
            None => {
                ok = false;
                let known = Code::ALL.iter().flat_map(|c| [c.as_str(), c.slug()]);
                let help = match did_you_mean(name, known) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "name a code such as `W0407` or its slug; `ismsc explain CODE` describes each".into(),
                };
                problems.push(bad(format!("`{name}` is not a diagnostic code"), &help));
            }
        }
    }
    if codes.is_empty() && ok {
        problems.push(bad(
            "a suppression names no code".into(),
            "write `// ismsc-allow(W0407): why the finding does not apply here`",
        ));
        return None;
    }
    if reason.is_empty() {
        problems.push(bad(
            "a suppression must say why".into(),
            "add the reason after a colon: `// ismsc-allow(W0407): the office is a serviced desk space`; an auditor reads it",
        ));
        return None;
    }
    if !ok {
        return None;
    }
    Some(Allow {
        codes,
        reason: reason.to_string(),
        comment: c.span,
        target,
        used: false,
    })
}
