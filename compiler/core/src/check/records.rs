//! E0801–W0813: the check and act phases of the ISMS — the audit programme and its audits
//! (clause 9.2), nonconformities and corrective actions (clause 10.2), management reviews
//! (clause 9.3), measurement results of objectives (clause 9.1) and competence (clause 7.2).
//! Errors where a record is incomplete; warnings where time is the cause. All of it is read
//! from the facts' records (`facts::records`) and the reference index.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::facts::index::{Field, Node};
use crate::facts::records::{ActionState, AuditState, Covered, ItemState};
use crate::facts::Facts;
use crate::model::{
    latest, Action, Data, Entity, EntityId, FindingStatus, Kind, Link, Model, Subject,
    REVIEW_INPUTS,
};
use crate::source::Span;
use crate::syntax::ast::Date;

pub(super) fn check(model: &Model, facts: &Facts, diags: &mut Diagnostics) {
    let today = facts.records.settings.today;
    programme(model, facts, diags);
    for (i, e) in model.entities.iter().enumerate() {
        let id = EntityId(i as u32);
        match &e.data {
            Data::Audit(a) if !e.recovered => {
                independence(model, facts, e, a, diags);
                if a.performed.is_some() && a.report.is_none() {
                    diags.push(
                        Diagnostic::new(
                            Code::E0803,
                            e.id_span,
                            format!("audit `{}` was performed but has no report", e.id),
                        )
                        .primary_label("no `report`")
                        .help("record the audit report: `report = file(\"audits/….md\")` or a text; clause 9.2.2 f) asks that the results be reported to management"),
                    );
                }
            }
            Data::Nonconformity(n) if !e.recovered => {
                let is_nc = n.severity.is_some_and(|s| s.value.is_nonconformity());
                let open = n.status.map(|s| s.value) != Some(FindingStatus::Closed);
                if is_nc {
                    let mut missing = Vec::new();
                    if n.root_cause.as_deref().is_none_or(|t| t.trim().is_empty()) {
                        missing.push("`root_cause`");
                    }
                    if n.actions.is_empty() {
                        missing.push("corrective `action`");
                    }
                    if !missing.is_empty() {
                        let severity = n.severity.map(|s| s.value.as_str()).unwrap_or("");
                        diags.push(
                            Diagnostic::new(
                                Code::E0804,
                                e.id_span,
                                format!(
                                    "{severity} nonconformity `{}` has no {}",
                                    e.id,
                                    missing.join(" and no ")
                                ),
                            )
                            .primary_label(format!("no {}", missing.join(" and no ")))
                            .help("clause 10.2 b) and c) ask for the causes and the actions to remove them: write `root_cause = \"…\"` and an `action \"…\" { owner = …  due = … }`"),
                        );
                    }
                    if !open && n.verified.is_none() {
                        let at = n.status.map(|s| s.span).unwrap_or(e.id_span);
                        diags.push(
                            Diagnostic::new(
                                Code::E0805,
                                at,
                                format!(
                                    "nonconformity `{}` is closed but nobody verified the effectiveness of its actions",
                                    e.id
                                ),
                            )
                            .primary_label("closed without `verified`")
                            .help("record who verified the effectiveness and when, `verified = ciso @ 2026-06-30`, and how in `effectiveness = \"…\"` (clause 10.2 d), or set `status = open`"),
                        );
                    }
                }
                if open {
                    actions_overdue(e, &n.actions, today, "nonconformity", diags);
                }
            }
            Data::Review(r) if !e.recovered => {
                review(facts, id, e, r, diags);
                actions_overdue(e, &r.actions, today, "review", diags);
            }
            Data::Objective(o) if !e.recovered => {
                objective(model, facts, id, e, o, today, diags);
            }
            Data::Role(r) if !e.recovered => {
                competence(model, e, r, today, diags);
            }
            _ => {}
        }
    }
    if let (Some(last), Some(due)) = (facts.records.last_review, facts.records.next_review_due) {
        if due < today {
            if let Some(e) = model.entity(last) {
                let interval = facts.records.settings.review_interval;
                let held = match &e.data {
                    Data::Review(r) => r.held.map(|d| d.to_string()).unwrap_or_default(),
                    _ => String::new(),
                };
                diags.push(
                    Diagnostic::new(
                        Code::W0810,
                        e.id_span,
                        format!("the last management review, `{}`, was held on {held}: the next one was due on {due}", e.id),
                    )
                    .primary_label(format!("the last review held; reviews are due every {interval}"))
                    .help("hold the management review and record it as a `review`; the interval is `[management_review] interval` in isms.toml (12 months by default)"),
                );
            }
        }
    }
}

/// E0801 and W0808: the programme within its cycle.
fn programme(model: &Model, facts: &Facts, diags: &mut Diagnostics) {
    let p = &facts.records.programme;
    let Some(cycle) = p.cycle else {
        return;
    };
    // Findings about the programme are placed at its first audit in the sources.
    let Some(anchor) = model.of_kind(Kind::Audit).next().map(|(_, e)| e.id_span) else {
        return;
    };
    let years = facts.records.settings.audit_cycle;
    // What a broken audit covers may be what could not be read: its mistake is reported, and
    // nothing is said missing from the programme until it is fixed.
    let broken = model.of_kind(Kind::Audit).any(|(_, e)| e.recovered);
    for item in &p.items {
        if broken || item.state != ItemState::Missing {
            continue;
        }
        let (id, title, what) = match item.item {
            Covered::Clause(c) => {
                let Some(c) = model.clause(c) else { continue };
                (c.id.clone(), c.title.clone(), format!("clause {}", c.id))
            }
            Covered::Requirement(r) => {
                let Some(r) = model.requirement(r) else {
                    continue;
                };
                (r.id.clone(), r.title.clone(), format!("`{}`", r.id))
            }
        };
        let example = match item.item {
            Covered::Clause(_) if id.contains('.') => format!("\"{id}\""),
            _ => id.clone(),
        };
        let mut d = Diagnostic::new(
            Code::E0801,
            anchor,
            format!(
                "no audit of the cycle {} to {} covers {what} ({title})",
                cycle.start,
                cycle.last_day()
            ),
        )
        .primary_label("the audit programme")
        .help(format!(
            "plan an audit in the cycle that covers it, `covers = [{example}]`; the programme covers every clause and every applicable Annex A control within `[audit] cycle` of isms.toml ({years} here)"
        ))
        .subject(id, title);
        if let Some(last) = item.last.and_then(|i| p.audits.get(i)) {
            if let (Some(e), Some(date)) = (model.entity(last.audit), last.date) {
                d = d.note(format!("last audited by `{}` on {date}", e.id));
            }
        }
        diags.push(d);
    }
    for a in &p.audits {
        if a.state != AuditState::Overdue {
            continue;
        }
        let Some(e) = model.entity(a.audit) else {
            continue;
        };
        let date = a.date.map(|d| d.to_string()).unwrap_or_default();
        diags.push(
            Diagnostic::new(
                Code::W0808,
                e.id_span,
                format!(
                    "audit `{}` was planned for {date} and is not recorded as performed",
                    e.id
                ),
            )
            .primary_label("overdue")
            .help(
                "record `performed = …` and the report, or plan it again with a new `planned` date",
            ),
        );
    }
}

/// The people a person or team reference stands for: the person, or the team's lead and
/// members.
fn people(model: &Model, l: &Link) -> Vec<EntityId> {
    let Some(t) = l.target else {
        return Vec::new();
    };
    match model.entity(t).map(|e| &e.data) {
        Some(Data::Person(_)) => vec![t],
        Some(Data::Team(team)) => {
            let mut out: Vec<EntityId> = team
                .lead
                .iter()
                .chain(&team.members)
                .filter_map(|m| m.target)
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        }
        _ => Vec::new(),
    }
}

/// Whether `person` is the owner `owner` stands for (the person, or a lead or member of the
/// team).
fn owns(model: &Model, owner: Option<&Link>, person: EntityId) -> bool {
    owner.is_some_and(|o| people(model, o).contains(&person))
}

/// E0802: an auditor who audits their own work (clause 9.2.2 c).
fn independence(
    model: &Model,
    facts: &Facts,
    e: &Entity,
    a: &crate::model::Audit,
    diags: &mut Diagnostics,
) {
    let isms_owner = model.isms.as_ref().and_then(|i| i.owner.as_ref());
    let mut seen: Vec<EntityId> = Vec::new();
    for auditor in a.lead.iter().chain(&a.auditors) {
        let Some(person) = auditor.target else {
            continue;
        };
        if seen.contains(&person) {
            continue;
        }
        seen.push(person);
        // What of the audit is theirs: (where it is written, what it is).
        let mut own: Vec<(Span, String)> = Vec::new();
        // The clauses are theirs as a whole: one label, on the first.
        let clauses: Vec<&crate::model::ClauseLink> = a
            .covers
            .iter()
            .filter_map(|s| match s {
                Subject::Clause(c) if c.target.is_some() => Some(c),
                _ => None,
            })
            .collect();
        if let Some(first) = clauses.first() {
            if owns(model, isms_owner, person) {
                let ids: Vec<&str> = clauses.iter().map(|c| c.id.as_str()).collect();
                own.push((
                    first.span,
                    format!(
                        "clause{} {}, as owner of the ISMS",
                        if ids.len() == 1 { "" } else { "s" },
                        ids.join(", ")
                    ),
                ));
            }
        }
        for s in &a.covers {
            match s {
                Subject::Clause(_) => {}
                Subject::Entity(l) => {
                    let Some(t) = model.target(l) else { continue };
                    let owner = match &t.data {
                        Data::Control(c) => c.owner.as_ref(),
                        Data::Policy(p) => p.owner.as_ref(),
                        _ => None,
                    };
                    if owns(model, owner, person) {
                        own.push((l.span, format!("{} `{}`, as its owner", t.noun(), t.id)));
                    }
                }
                Subject::Requirement(r) => {
                    let Some(req) = r.target else { continue };
                    let theirs: Vec<String> = facts
                        .index
                        .referring(Node::Requirement(req), Field::Satisfies)
                        .into_iter()
                        .filter_map(|(c, _)| model.entity(c))
                        .filter(|c| match &c.data {
                            Data::Control(ctl) => owns(model, ctl.owner.as_ref(), person),
                            _ => false,
                        })
                        .map(|c| format!("`{}`", c.id))
                        .collect();
                    if !theirs.is_empty() {
                        own.push((
                            r.span,
                            format!("`{}`, as owner of {}", r.written(), theirs.join(", ")),
                        ));
                    }
                }
            }
        }
        if own.is_empty() {
            continue;
        }
        let name = model
            .entity(person)
            .map(|p| p.id.clone())
            .unwrap_or_default();
        let mut d = Diagnostic::new(
            Code::E0802,
            auditor.span,
            format!("`{name}` audits their own work in audit `{}`", e.id),
        )
        .primary_label(format!("`{name}` is responsible for what the audit covers"))
        .help("choose auditors who are not responsible for what they audit, or leave those items to another auditor of the audit (clause 9.2.2 c: objectivity and impartiality)");
        for (span, what) in own {
            d = d.label(span, what);
        }
        diags.push(d);
    }
}

/// W0809: actions past their due date.
fn actions_overdue(e: &Entity, actions: &[Action], today: Date, of: &str, diags: &mut Diagnostics) {
    for a in actions {
        if ActionState::of(a, today) != ActionState::Overdue {
            continue;
        }
        let due = a.due.map(|d| d.to_string()).unwrap_or_default();
        diags.push(
            Diagnostic::new(
                Code::W0809,
                a.span,
                format!("action \"{}\" of {of} `{}` was due on {due}", a.title, e.id),
            )
            .primary_label("not done")
            .help("record `done = …` once it is done, or agree a new `due` date with its owner"),
        );
    }
}

/// E0806: a review held without an input or without decisions.
fn review(
    facts: &Facts,
    id: EntityId,
    e: &Entity,
    r: &crate::model::Review,
    diags: &mut Diagnostics,
) {
    let Some(state) = facts.records.review(id) else {
        return;
    };
    if !state.held {
        return;
    }
    match &r.inputs {
        None => diags.push(
            Diagnostic::new(
                Code::E0806,
                e.id_span,
                format!(
                    "management review `{}` records none of the inputs of clause 9.3.2",
                    e.id
                ),
            )
            .primary_label("no `inputs` block")
            .help(format!(
                "add `inputs {{ … }}` with what was presented on each input: {}",
                REVIEW_INPUTS
                    .iter()
                    .map(|(n, _, _)| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ),
        Some(inputs) => {
            for name in &state.missing_inputs {
                let (item, what) = REVIEW_INPUTS
                    .iter()
                    .find(|(n, _, _)| n == name)
                    .map(|(_, i, w)| (*i, *w))
                    .unwrap_or(("", ""));
                diags.push(
                    Diagnostic::new(
                        Code::E0806,
                        inputs.span,
                        format!("management review `{}` has no input `{name}`: {what}", e.id),
                    )
                    .primary_label(format!("input {item} of clause 9.3.2 is missing"))
                    .help(format!(
                        "write what was presented on it, `{name} = \"…\"`, even to say there was nothing to report"
                    ))
                    .subject(name.to_string(), what.to_string()),
                );
            }
        }
    }
    if r.decisions.iter().all(|d| d.trim().is_empty()) {
        diags.push(
            Diagnostic::new(
                Code::E0806,
                e.id_span,
                format!("management review `{}` records no decisions", e.id),
            )
            .primary_label("no `decisions`")
            .help("clause 9.3.3 asks for the decisions on improvement and on changes to the ISMS: `decisions = [\"…\"]`"),
        );
    }
}

/// W0811, W0812: an objective past due without a result, or whose latest result misses its
/// target, unless a nonconformity raised since is handling it.
fn objective(
    model: &Model,
    facts: &Facts,
    id: EntityId,
    e: &Entity,
    o: &crate::model::Objective,
    today: Date,
    diags: &mut Diagnostics,
) {
    let Some(due) = o.due else { return };
    if due >= today {
        return;
    }
    // An objective management withdrew is no longer evaluated.
    let status = o.status.map(|s| s.value);
    if status == Some(crate::model::ObjectiveStatus::Withdrawn) {
        return;
    }
    let Some(last) = latest(&o.results) else {
        let mut d = Diagnostic::new(
            Code::W0811,
            e.id_span,
            format!("objective `{}` was due on {due} and has no result", e.id),
        )
        .primary_label("no `result`");
        if let Some(st) = o
            .status
            .filter(|s| s.value == crate::model::ObjectiveStatus::Achieved)
        {
            d = d.label(st.span, "achieved, by what measurement?");
        }
        diags.push(d.help("record what was measured: `result { measured = …  value = \"…\"  met = true }` (clause 9.1, 6.2 e), or `status = withdrawn` if management no longer pursues it"));
        return;
    };
    if last.met != Some(false) {
        return;
    }
    // A nonconformity raised against the objective since the result handles the miss.
    let handled = facts
        .index
        .referring(Node::Entity(id), Field::Against)
        .into_iter()
        .filter_map(|(nc, _)| model.entity(nc))
        .any(|nc| match &nc.data {
            Data::Nonconformity(n) => match (n.raised, last.measured) {
                (Some(raised), Some(measured)) => raised >= measured,
                _ => false,
            },
            _ => false,
        });
    if handled {
        return;
    }
    let measured = last.measured.map(|d| d.to_string()).unwrap_or_default();
    diags.push(
        Diagnostic::new(
            Code::W0812,
            last.span,
            format!(
                "objective `{}` was due on {due} and its latest result, of {measured}, misses the target",
                e.id
            ),
        )
        .primary_label("`met = false`")
        .help("raise a nonconformity against the objective (`against = [the-objective]`) with the actions to reach it, or set a new target and `due` date"),
    );
}

/// E0807, W0813: a role's holders and the evidence of the competences it requires.
fn competence(
    model: &Model,
    e: &Entity,
    r: &crate::model::Role,
    today: Date,
    diags: &mut Diagnostics,
) {
    for holder in &r.holders {
        for person in people(model, holder) {
            let Some(p) = model.entity(person) else {
                continue;
            };
            let Data::Person(pd) = &p.data else { continue };
            // What a broken person lacks may be what could not be read: its mistake is reported.
            if p.recovered {
                continue;
            }
            for need in &r.requires {
                let Some(c) = need.target else { continue };
                let evidence: Vec<&crate::model::Qualification> = pd
                    .evidence
                    .iter()
                    .filter(|q| q.competence.target == Some(c))
                    .collect();
                let valid = evidence
                    .iter()
                    .any(|q| q.expires.is_none_or(|x| x >= today));
                if valid {
                    continue;
                }
                let competence = model.entity(c).map(|c| c.id.clone()).unwrap_or_default();
                match evidence.iter().filter_map(|q| q.expires.map(|x| (x, q.span))).max() {
                    Some((expired, span)) => diags.push(
                        Diagnostic::new(
                            Code::W0813,
                            span,
                            format!(
                                "the evidence of `{}` for competence `{competence}` expired on {expired}",
                                p.id
                            ),
                        )
                        .primary_label("expired")
                        .label(holder.span, format!("holds role `{}`, which requires it", e.id))
                        .help("renew the certificate or training and record the new evidence with its dates"),
                    ),
                    None => {
                        let mut d = Diagnostic::new(
                            Code::E0807,
                            holder.span,
                            format!(
                                "`{}` holds role `{}` but has no evidence of competence `{competence}`",
                                p.id, e.id
                            ),
                        )
                        .primary_label(format!("no evidence of `{competence}`"))
                        .label(need.span, "required here")
                        .help(format!(
                            "record it in the person: `evidence {competence} \"What proves it\" {{ kind = training  obtained = … }}` (clause 7.2 d)"
                        ));
                        if holder.target != Some(person) {
                            d = d.note(format!("`{}` is a member of `{}`", p.id, holder.name));
                        }
                        diags.push(d);
                    }
                }
            }
        }
    }
}
