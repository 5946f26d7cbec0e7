//! `assessment-plan.json` and `assessment-results.json`: the internal audit programme as an
//! OSCAL assessment plan, and the audits performed with their findings as assessment results.
//!
//! - The plan has one `task` (`action`) per audit, at its date (performed, else planned), and
//!   reviews the Annex A controls the programme covers.
//! - The results have one `result` per audit performed, starting on its `performed` date, with
//!   the controls it covered (an Annex A control named, or satisfied by a control named) and
//!   the clauses as `clause` properties; an audit of clauses only reviews no control (every
//!   control, less every control: a selection cannot be empty). Each nonconformity whose
//!   `source` is the audit is a `finding`, whose target is the first Annex A control it is
//!   against (else the clause or item, as a token): `not-satisfied` for a major or minor
//!   nonconformity, `satisfied` (reason `other`) for an observation or an opportunity.

use super::types::*;
use super::{line, midnight, prop, text, token, Ctx};
use ismsc_core::emit::dto::{AuditEntry, AuditProgrammeDoc, NonconformityRegisterDoc, SoaDoc};
use ismsc_core::model::{Data, ReqId, Subject};

/// The control ids of the standard's catalog an audit covers, in catalogue order.
fn controls_of(ctx: &Ctx<'_>, a: &AuditEntry) -> Vec<String> {
    let model = ctx.model;
    let Some(Data::Audit(d)) = model.entity(a.refs.audit).map(|e| &e.data) else {
        return Vec::new();
    };
    let mut reqs: Vec<ReqId> = Vec::new();
    for s in &d.covers {
        match s {
            Subject::Requirement(r) => reqs.extend(r.target),
            Subject::Entity(l) => {
                if let Some(Data::Control(c)) = model.target(l).map(|e| &e.data) {
                    reqs.extend(c.satisfies.iter().filter_map(|q| q.target));
                }
            }
            Subject::Clause(_) => {}
        }
    }
    reqs.sort_unstable();
    reqs.dedup();
    let std = ctx.standard();
    reqs.into_iter()
        .filter_map(|r| model.requirement(r))
        .filter(|r| r.framework == std.framework)
        .filter_map(|r| std.ids.control(&r.id).map(str::to_string))
        .collect()
}

/// The clauses an audit covers, as written.
fn clauses_of(ctx: &Ctx<'_>, a: &AuditEntry) -> Vec<String> {
    match ctx.model.entity(a.refs.audit).map(|e| &e.data) {
        Some(Data::Audit(d)) => d
            .covers
            .iter()
            .filter_map(|s| match s {
                Subject::Clause(c) => Some(c.id.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A selection of `controls`; when there are none, every control less every control.
fn selection(
    controls: Vec<String>,
    all: &[String],
    clauses: &[String],
    description: Option<String>,
) -> ControlSelection {
    let props = clauses.iter().filter_map(|c| prop("clause", c)).collect();
    if controls.is_empty() {
        return ControlSelection {
            description: Some(
                description.unwrap_or_else(|| {
                    "No control of the catalog: the management-system clauses only (see the `clause` properties).".to_string()
                }),
            ),
            props,
            include_all: Some(IncludeAll {}),
            include_controls: Vec::new(),
            exclude_controls: all
                .iter()
                .map(|c| ControlById {
                    control_id: c.clone(),
                })
                .collect(),
        };
    }
    ControlSelection {
        description,
        props,
        include_all: None,
        include_controls: controls
            .into_iter()
            .map(|c| ControlById { control_id: c })
            .collect(),
        exclude_controls: Vec::new(),
    }
}

fn all_controls(ctx: &Ctx<'_>, soa: &SoaDoc) -> Vec<String> {
    let std = ctx.standard();
    soa.controls
        .iter()
        .filter_map(|c| std.ids.control(&c.id).map(str::to_string))
        .collect()
}

/// `assessment-plan.json`: `None` without audits.
pub(crate) fn plan(
    ctx: &Ctx<'_>,
    soa: &SoaDoc,
    programme: &AuditProgrammeDoc,
) -> Option<AssessmentPlanDoc> {
    if programme.audits.is_empty() {
        return None;
    }
    let all = all_controls(ctx, soa);
    let mut covered: Vec<String> = Vec::new();
    let mut clauses: Vec<String> = Vec::new();
    let mut tasks = Vec::new();
    for a in &programme.audits {
        let controls = controls_of(ctx, a);
        for c in &controls {
            if !covered.contains(c) {
                covered.push(c.clone());
            }
        }
        for c in clauses_of(ctx, a) {
            if !clauses.contains(&c) {
                clauses.push(c);
            }
        }
        let date = a.performed.as_deref().or(a.planned.as_deref());
        let mut props: Vec<Prop> = prop("audit", &a.id).into_iter().collect();
        props.extend(prop("status", a.status));
        props.extend(a.lead.as_deref().and_then(|l| prop("lead-auditor", l)));
        tasks.push(Task {
            uuid: ctx.uuid("task", &a.id),
            kind: "action",
            title: line(a.title.as_deref().unwrap_or(&a.id)).unwrap_or_else(|| a.id.clone()),
            description: line(&format!("Covers {}.", a.covers.join(", "))),
            props,
            timing: date
                .and_then(ismsc_core::syntax::ast::Date::parse)
                .and_then(midnight)
                .map(|date| Timing {
                    on_date: OnDate { date },
                }),
        });
    }
    // In catalogue order.
    covered.sort_by_key(|c| all.iter().position(|x| x == c));
    let mut metadata = ctx.metadata(
        format!("{}: internal audit programme", ctx.system_name()),
        ctx.version.clone(),
    );
    metadata.props.extend(
        programme
            .cycle
            .as_ref()
            .and_then(|c| prop("audit-cycle", &c.length)),
    );
    metadata.remarks = Some(
        "The internal audit programme of the ISMS (ISO/IEC 27001 9.2.2), written by ismsc: one task per audit, planned or performed.".into(),
    );
    Some(AssessmentPlanDoc {
        assessment_plan: AssessmentPlan {
            uuid: ctx.uuid("assessment-plan", "programme"),
            metadata,
            import_ssp: Href {
                href: "ssp.json".into(),
            },
            reviewed_controls: ReviewedControls {
                description: Some(
                    "The Annex A controls the programme covers, and the management-system clauses (the `clause` properties).".into(),
                ),
                control_selections: vec![selection(covered, &all, &clauses, None)],
            },
            tasks,
        },
    })
}

/// `assessment-results.json`: `None` without an audit performed.
pub(crate) fn results(
    ctx: &Ctx<'_>,
    soa: &SoaDoc,
    programme: &AuditProgrammeDoc,
    register: &NonconformityRegisterDoc,
) -> Option<AssessmentResultsDoc> {
    let all = all_controls(ctx, soa);
    let std = ctx.standard();
    let mut results = Vec::new();
    for a in &programme.audits {
        let Some(start) = a
            .performed
            .as_deref()
            .and_then(ismsc_core::syntax::ast::Date::parse)
            .and_then(midnight)
        else {
            continue;
        };
        let clauses = clauses_of(ctx, a);
        let mut props: Vec<Prop> = prop("audit", &a.id).into_iter().collect();
        props.extend(a.lead.as_deref().and_then(|l| prop("lead-auditor", l)));
        props.extend(a.report_file.as_deref().and_then(|f| prop("report", f)));
        let mut findings = Vec::new();
        for n in register
            .nonconformities
            .iter()
            .filter(|n| a.refs.findings.contains(&n.refs.nc))
        {
            let Some(Data::Nonconformity(d)) = ctx.model.entity(n.refs.nc).map(|e| &e.data) else {
                continue;
            };
            let target = d
                .against
                .iter()
                .find_map(|s| match s {
                    Subject::Requirement(r) => r
                        .target
                        .and_then(|t| ctx.model.requirement(t))
                        .filter(|q| q.framework == std.framework)
                        .and_then(|q| std.ids.control(&q.id))
                        .map(str::to_string),
                    _ => None,
                })
                .or_else(|| {
                    d.against.first().map(|s| match s {
                        Subject::Clause(c) => token(&format!("clause-{}", c.id)),
                        other => token(&other.written()),
                    })
                })
                .unwrap_or_else(|| "isms".to_string());
            let is_nc = matches!(n.severity, Some("major" | "minor"));
            let mut fprops: Vec<Prop> = prop("nonconformity", &n.id).into_iter().collect();
            fprops.extend(n.severity.and_then(|s| prop("severity", s)));
            fprops.extend(prop("status", n.state));
            fprops.extend(n.raised.as_deref().and_then(|r| prop("raised", r)));
            let mut remarks = Vec::new();
            for (k, v) in [
                ("Correction", &n.correction),
                ("Root cause", &n.root_cause),
                ("Effectiveness", &n.effectiveness),
            ] {
                if let Some(v) = v {
                    remarks.push(format!("{k}: {v}"));
                }
            }
            for act in &n.actions {
                remarks.push(format!(
                    "Corrective action: {}",
                    ismsc_core::emit::csv::action(act)
                ));
            }
            findings.push(Finding {
                uuid: ctx.uuid("finding", &n.id),
                title: line(n.title.as_deref().unwrap_or(&n.id)).unwrap_or_else(|| n.id.clone()),
                description: n
                    .description
                    .as_deref()
                    .and_then(text)
                    .unwrap_or_else(|| format!("Nonconformity {}.", n.id)),
                props: fprops,
                target: FindingTarget {
                    kind: "objective-id",
                    target_id: target,
                    status: ObjectiveStatus {
                        state: if is_nc { "not-satisfied" } else { "satisfied" },
                        reason: Some(if is_nc { "fail" } else { "other" }),
                    },
                },
                remarks: text(&remarks.join("\n\n")),
            });
        }
        results.push(AuditResult {
            uuid: ctx.uuid("result", &a.id),
            title: line(a.title.as_deref().unwrap_or(&a.id)).unwrap_or_else(|| a.id.clone()),
            description: a
                .report
                .as_deref()
                .and_then(text)
                .unwrap_or_else(|| format!("Internal audit {}.", a.id)),
            start,
            props,
            reviewed_controls: ReviewedControls {
                description: None,
                control_selections: vec![selection(controls_of(ctx, a), &all, &clauses, None)],
            },
            findings,
        });
    }
    if results.is_empty() {
        return None;
    }
    let mut metadata = ctx.metadata(
        format!("{}: internal audit results", ctx.system_name()),
        ctx.version.clone(),
    );
    metadata.remarks = Some(
        "The internal audits performed (ISO/IEC 27001 9.2.2) and their findings, written by ismsc: one result per audit; each nonconformity found in it is a finding.".into(),
    );
    Some(AssessmentResultsDoc {
        assessment_results: AssessmentResults {
            uuid: ctx.uuid("assessment-results", "audits"),
            metadata,
            import_ap: Href {
                href: "assessment-plan.json".into(),
            },
            results,
        },
    })
}
