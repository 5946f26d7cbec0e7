//! E0701, W0702–W0705: documented information that clauses 4–10 mandate, and its control
//! (7.5.2, 7.5.3). Which item kind expresses which document comes from the standard library
//! (`documented … { expressed_by = … }`).

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::facts::control::State;
use crate::facts::Facts;
use crate::model::{ControlStatus, Data, DocKind, Documented, Kind, Model};
use crate::source::{Origin, SourceMap, Span};

/// The documented information that applies to the project: its standard's, or the 2022
/// edition's clauses when the standard has none of its own.
fn applicable(model: &Model) -> Vec<&Documented> {
    let standard = model.standard().unwrap_or("");
    let own: Vec<&Documented> = model
        .documented
        .iter()
        .filter(|d| d.framework == standard)
        .collect();
    if !own.is_empty() {
        return own;
    }
    let first = model
        .documented
        .first()
        .map(|d| d.framework.clone())
        .unwrap_or_default();
    model
        .documented
        .iter()
        .filter(|d| d.framework == first)
        .collect()
}

fn present(model: &Model, kind: &str) -> bool {
    match kind {
        "scope" => model.scope.is_some(),
        "risk_method" => model.risk_method.is_some(),
        "context" => model.context.is_some(),
        "applicability" => {
            !model.decisions.is_empty() || model.of_kind(Kind::Control).next().is_some()
        }
        // Measurement results are blocks of objectives and controls.
        "result" => model.entities.iter().any(|e| match &e.data {
            Data::Objective(o) => !o.results.is_empty(),
            Data::Control(c) => !c.results.is_empty(),
            _ => false,
        }),
        other => Kind::from_keyword(other).is_some_and(|k| model.of_kind(k).next().is_some()),
    }
}

/// Where findings about the project as a whole are labelled: the `isms` header, or the start
/// of the first project file.
fn anchor(sources: &SourceMap, model: &Model) -> Option<Span> {
    if let Some(isms) = &model.isms {
        return Some(Span::new(
            isms.span.file,
            isms.span.start as usize,
            isms.span.start as usize + 4,
        ));
    }
    // The first project file; without any `.isms` file, the manifest.
    let first = |isms: bool| {
        sources
            .iter()
            .find(|(_, f)| f.origin == Origin::Project && (f.name.ends_with(".isms") || !isms))
            .map(|(id, _)| Span::new(id, 0, 0))
    };
    first(true).or_else(|| first(false))
}

/// W0703, W0704, W0705: evidence of implemented controls, the identification of policies,
/// the review of the documents `ismsc` writes.
fn control(model: &Model, facts: &Facts, diags: &mut Diagnostics) {
    for e in &model.entities {
        if e.recovered {
            continue;
        }
        match &e.data {
            Data::Control(c) => {
                let implemented = c.status.filter(|w| w.value == ControlStatus::Implemented);
                if let (Some(st), true) = (implemented, c.evidence.is_empty()) {
                    diags.push(
                        Diagnostic::new(Code::W0703, st.span, format!("control `{}` is implemented, but records no evidence", e.id))
                            .primary_label("implemented without evidence")
                            .help("record where an auditor finds that the control operates: `evidence \"Quarterly access review record\" { at = \"https://…\" collected = 2026-01-15 every = 90d }` (ISO/IEC 27001 7.5, 9.1)"),
                    );
                }
            }
            Data::Policy(p) => {
                let mut missing = Vec::new();
                if p.version.is_none() {
                    missing.push("`version`");
                }
                if p.classification.is_none() {
                    missing.push("`classification`");
                }
                if p.effective.is_none() {
                    missing.push("`effective`");
                }
                if missing.is_empty() {
                    continue;
                }
                let list = match missing.as_slice() {
                    [one] => one.to_string(),
                    [a, b] => format!("{a} or {b}"),
                    _ => "`version`, `classification` or `effective` date".to_string(),
                };
                diags.push(
                    Diagnostic::new(Code::W0704, e.id_span, format!("{} `{}` has no {list}", e.noun(), e.id))
                        .primary_label(format!("missing {}", missing.join(", ")))
                        .help("identify the controlled document (ISO/IEC 27001 7.5.2 a): write its `version = \"1.0\"`, its `classification = internal` and the date it takes `effective = 2026-02-01`"),
                );
            }
            _ => {}
        }
    }
    for d in &model.documents {
        let state = facts.control.document(d.kind);
        if state.state != State::Overdue {
            continue;
        }
        let (Some(due), Some(review)) = (state.next_review, d.review) else {
            continue;
        };
        let label = match state.approved_on {
            Some(on) => format!("approved {on}, reviewed every {review}"),
            None => format!("reviewed every {review}"),
        };
        let what = match d.kind {
            DocKind::Soa => "the Statement of Applicability",
            DocKind::RiskRegister => "the risk register",
            DocKind::TreatmentPlan => "the risk treatment plan",
        };
        diags.push(
            Diagnostic::new(Code::W0705, d.key_span, format!("{what} (`document {}`) was due for review on {due}", d.kind.as_str()))
                .primary_label(label)
                .help("review the document and record the new approval in `approved`; until then it is published marked OVERDUE"),
        );
    }
}

pub(super) fn check(sources: &SourceMap, model: &Model, facts: &Facts, diags: &mut Diagnostics) {
    control(model, facts, diags);
    let Some(at) = anchor(sources, model) else {
        return;
    };
    let no_files = !sources
        .iter()
        .any(|(_, f)| f.origin == Origin::Project && f.name.ends_with(".isms"));
    if no_files {
        diags.push(
            Diagnostic::new(Code::E0109, at, "the project has no `.isms` files")
                .primary_label("a manifest and nothing else")
                .help("write the ISMS as `.isms` files beside `isms.toml`, starting with an `isms \"Title\" { … }` block; `ismsc init` writes a starter project"),
        );
        return;
    }
    if model.isms.is_none() {
        // Without the `isms` block there is no ISMS to hold the documents to: say that once.
        diags.push(
            Diagnostic::new(Code::E0109, at, "the project declares no `isms` block")
                .primary_label("in this project")
                .help("add `isms \"Title\" { organization = \"…\" standard = iso27001:2022 owner = … }` to one file"),
        );
        return;
    }
    // One finding per missing item kind, naming every document it would provide.
    let mut missing: Vec<(&str, Vec<&Documented>)> = Vec::new();
    for d in applicable(model) {
        let Some(kind) = d.expressed_by.as_deref() else {
            continue;
        };
        if present(model, kind) {
            continue;
        }
        match missing.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, docs)) => docs.push(d),
            None => missing.push((kind, vec![d])),
        }
    }
    for (kind, docs) in missing {
        let clauses: Vec<&str> = docs.iter().map(|d| d.clause.as_str()).collect();
        let mut diag = Diagnostic::new(
            Code::E0701,
            at,
            format!(
                "the ISMS has no `{kind}`: documented information required by clause{} {} is missing",
                if clauses.len() == 1 { "" } else { "s" },
                clauses.join(", ")
            ),
        )
        .primary_label(format!("no `{kind}` in this project"));
        for d in &docs {
            diag = diag.note(format!("clause {}: {}", d.clause, d.title));
        }
        diags.push(diag.help(format!(
            "declare the missing item, `{kind} …`; docs/language.md shows its fields"
        )));
    }
    let climate = model
        .context
        .as_ref()
        .and_then(|c| c.climate_change.as_ref())
        .filter(|c| !c.trim().is_empty());
    if climate.is_none() {
        let span = model
            .context
            .as_ref()
            .map(|c| {
                Span::new(
                    c.span.file,
                    c.span.start as usize,
                    c.span.start as usize + 7,
                )
            })
            .unwrap_or(at);
        diags.push(
            Diagnostic::new(Code::W0702, span, "the ISMS does not say whether climate change is a relevant issue")
                .primary_label("no `climate_change` determination")
                .help("ISO/IEC 27001:2022/Amd 1:2024 adds to clause 4.1: write `climate_change = \"…\"` in the `context` block, even to say it is not relevant"),
        );
    }
}

/// The documented information the `.isms` files do not hold, for `check --readiness`:
/// `(clause, name)` pairs an auditor will ask for outside them. That is what the language
/// does not express, and the records it does (`recorded_by`: audits, reviews, results …) that
/// the project does not keep yet.
pub fn readiness(model: &Model) -> Vec<(String, String)> {
    applicable(model)
        .into_iter()
        .filter(|d| d.expressed_by.is_none())
        .filter(|d| !d.recorded_by.as_deref().is_some_and(|k| present(model, k)))
        .map(|d| (d.clause.clone(), d.title.clone()))
        .collect()
}
