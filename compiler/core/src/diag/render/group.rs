//! Findings that form a list, shown as one report.
//!
//! A project that has just started leaves most of the Annex A controls undecided: one E0401
//! per control, all at the same place. For people (and for GitHub annotations, of which a
//! step shows only ten) they are one report that lists each control with its title; JSON,
//! SARIF and JUnit keep one finding per control, since tools track them one by one.
//!
//! Findings are grouped when they have a [`Diagnostic::subject`], the same code and severity
//! and the same primary span, and there are at least two of them. The group takes the place
//! of its first finding, so the order of the output is kept.

use std::borrow::Cow;

use crate::diag::{Code, Diagnostic};

/// The findings to show, with each group of listed findings folded into one report.
pub fn group(diags: &[Diagnostic]) -> Vec<Cow<'_, Diagnostic>> {
    let mut out: Vec<Cow<'_, Diagnostic>> = Vec::with_capacity(diags.len());
    let mut done = vec![false; diags.len()];
    for (i, d) in diags.iter().enumerate() {
        if done.get(i).copied().unwrap_or(true) {
            continue;
        }
        if d.subject.is_none() {
            out.push(Cow::Borrowed(d));
            continue;
        }
        let members: Vec<usize> = (i..diags.len())
            .filter(|&j| {
                diags.get(j).is_some_and(|o| {
                    o.subject.is_some()
                        && o.code == d.code
                        && o.severity == d.severity
                        && o.primary.span == d.primary.span
                })
            })
            .collect();
        for &j in &members {
            if let Some(slot) = done.get_mut(j) {
                *slot = true;
            }
        }
        if members.len() < 2 {
            out.push(Cow::Borrowed(d));
            continue;
        }
        let subjects: Vec<&(String, String)> = members
            .iter()
            .filter_map(|&j| diags.get(j).and_then(|o| o.subject.as_ref()))
            .collect();
        out.push(Cow::Owned(folded(d, &subjects)));
    }
    out
}

/// One report for the findings about `subjects`, in the place of `first`.
fn folded(first: &Diagnostic, subjects: &[&(String, String)]) -> Diagnostic {
    let n = subjects.len();
    let example = subjects.first().map(|(id, _)| id.as_str()).unwrap_or("…");
    let (message, label, help, heading) = match first.code {
        Code::E0401 => (
            format!("{n} Annex A controls have no decision in the Statement of Applicability"),
            format!("no decision for these {n} controls"),
            format!(
                "decide each control: satisfy it with a control (`satisfies = [{example}]`), or \
                 write `{example} included \"…\"` or `{example} excluded \"…\"` in an \
                 `applicability` block; `ismsc soa --undecided` lists them as a table"
            ),
            "undecided:",
        ),
        Code::E0801 => (
            format!("{n} clauses and Annex A controls are covered by no audit of the current audit cycle"),
            "the audit programme".to_string(),
            "plan audits in the cycle that cover them (`covers = [8, A.5.7, a-control]`); the programme covers every clause and every applicable Annex A control within `[audit] cycle` of isms.toml (3 years by default)".to_string(),
            "not covered:",
        ),
        Code::E0806 => (
            format!("{n} inputs of clause 9.3.2 are missing from the management review"),
            format!("{n} inputs missing"),
            "write what was presented on each input in the `inputs` block, even to say there was nothing to report".to_string(),
            "missing:",
        ),
        code => (
            format!("{n} findings: {}", code.summary()),
            format!("{n} findings here"),
            first.help.clone(),
            "about:",
        ),
    };
    let width = subjects
        .iter()
        .map(|(id, _)| id.chars().count())
        .max()
        .unwrap_or(0);
    let mut list = String::from(heading);
    for (id, title) in subjects {
        let pad = " ".repeat(width.saturating_sub(id.chars().count()));
        list.push_str(&format!("\n  {id}{pad}  {title}"));
    }
    let mut d = Diagnostic::new(first.code, first.primary.span, message).primary_label(label);
    d.severity = first.severity;
    d.help = help;
    // A note of the first finding is about its subject alone (when E0801's item was last
    // audited): not kept for the list.
    if first.code != Code::E0801 {
        d.notes = first.notes.clone();
    }
    d.notes.push(list);
    d
}
