//! The documents of the check and act records: `audit-programme.json`,
//! `nonconformities.json` and `management-reviews.json`, made from the facts' records
//! (`facts::records`), which judged them against the date of the analysis (`as_of`).

use serde::Serialize;

use super::SCHEMA_VERSION;
use crate::facts::records::{Covered, ItemState};
use crate::facts::{Facts, Field, Node};
use crate::model::{
    Action, Data, Entity, EntityId, Link, Model, Source, Subject, Text, REVIEW_INPUTS,
};

/// `audit-programme.json`: the audits of the programme, and for each clause and applicable
/// Annex A control which audits cover it and how it stands in the current cycle.
#[derive(Clone, Debug, Serialize)]
pub struct AuditProgrammeDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The organisation, from the `isms` block.
    pub organization: Option<String>,
    /// The ISMS title, from the `isms` block.
    pub isms: Option<String>,
    /// The date the states are judged against (`--today`), `YYYY-MM-DD`.
    pub as_of: String,
    /// The current audit cycle; `null` without a dated audit.
    pub cycle: Option<ProgrammeCycle>,
    /// Counts over the audits and the items.
    pub summary: ProgrammeSummary,
    /// Every audit, by date.
    pub audits: Vec<AuditEntry>,
    /// The top-level clauses in catalogue order, then the applicable requirements in SoA
    /// order.
    pub coverage: Vec<ProgrammeRow>,
}

/// The current cycle of the programme.
#[derive(Clone, Debug, Serialize)]
pub struct ProgrammeCycle {
    /// `[audit] cycle`, e.g. `3y`.
    pub length: String,
    /// Its first day.
    pub start: String,
    /// Its last day.
    pub end: String,
}

/// Counts over the programme.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProgrammeSummary {
    /// Audits.
    pub audits: usize,
    /// Audits performed.
    pub performed: usize,
    /// Audits planned and not yet due.
    pub planned: usize,
    /// Audits past their planned date and not performed.
    pub overdue: usize,
    /// Items the programme must cover.
    pub items: usize,
    /// Items audited in the current cycle.
    pub items_audited: usize,
    /// Items with an audit planned in the cycle.
    pub items_planned: usize,
    /// Items whose audit in the cycle is overdue.
    pub items_overdue: usize,
    /// Items no audit of the cycle covers.
    pub items_missing: usize,
}

/// One audit.
#[derive(Clone, Debug, Serialize)]
pub struct AuditEntry {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// `performed`, `planned` or `overdue`.
    pub status: &'static str,
    /// `YYYY-MM-DD`.
    pub planned: Option<String>,
    /// `YYYY-MM-DD`.
    pub performed: Option<String>,
    /// Whether it falls in the current cycle.
    pub in_cycle: bool,
    /// Id of the lead auditor.
    pub lead: Option<String>,
    /// Ids of the further auditors.
    pub auditors: Vec<String>,
    /// What it covers, as written (`8`, `9.2`, `A.5.17`, `mfa`).
    pub covers: Vec<String>,
    /// The audit criteria.
    pub criteria: Option<String>,
    /// The report's file, project-relative, when given as `file(…)`.
    pub report_file: Option<String>,
    /// The report's text.
    pub report: Option<String>,
    /// Ids of the nonconformities found in it.
    pub findings: Vec<String>,
    /// The entities behind the ids, for the emitters that link them (not serialised).
    #[serde(skip)]
    pub refs: AuditRefs,
}

/// The entities of an audit entry.
#[derive(Clone, Debug)]
pub struct AuditRefs {
    /// The audit.
    pub audit: EntityId,
    /// The lead auditor.
    pub lead: Option<EntityId>,
    /// Of `findings`.
    pub findings: Vec<EntityId>,
}

/// One clause or requirement of the programme.
#[derive(Clone, Debug, Serialize)]
pub struct ProgrammeRow {
    /// `clause` or `requirement`.
    pub kind: &'static str,
    /// `8`, `A.5.17`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// In the current cycle: `audited`, `planned`, `overdue` or `missing`.
    pub status: &'static str,
    /// Id of the latest performed audit that covers it.
    pub last_audit: Option<String>,
    /// Its date, `YYYY-MM-DD`.
    pub last_audited: Option<String>,
    /// Id of the first audit not performed that covers it.
    pub next_audit: Option<String>,
    /// Its planned date.
    pub next_planned: Option<String>,
    /// Ids of every audit that covers it, by date.
    pub audits: Vec<String>,
    /// The audits behind `audits` (not serialised).
    #[serde(skip)]
    pub audit_refs: Vec<EntityId>,
}

/// `nonconformities.json`: the nonconformities and their corrective actions (clause 10.2).
#[derive(Clone, Debug, Serialize)]
pub struct NonconformityRegisterDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The organisation, from the `isms` block.
    pub organization: Option<String>,
    /// The ISMS title, from the `isms` block.
    pub isms: Option<String>,
    /// The date the states are judged against, `YYYY-MM-DD`.
    pub as_of: String,
    /// Counts.
    pub summary: NonconformitySummary,
    /// Every nonconformity, in model order.
    pub nonconformities: Vec<NonconformityEntry>,
}

/// Counts over the register.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NonconformitySummary {
    /// Entries.
    pub total: usize,
    /// Open entries (overdue ones included).
    pub open: usize,
    /// Open entries with an action past its due date.
    pub overdue: usize,
    /// Closed entries.
    pub closed: usize,
    /// `major` entries.
    pub major: usize,
    /// `minor` entries.
    pub minor: usize,
    /// `observation` entries.
    pub observations: usize,
    /// `opportunity` entries.
    pub opportunities: usize,
    /// Actions not done of open entries.
    pub actions_open: usize,
    /// Of those, actions past their due date.
    pub actions_overdue: usize,
}

/// One nonconformity.
#[derive(Clone, Debug, Serialize)]
pub struct NonconformityEntry {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// `major`, `minor`, `observation` or `opportunity`.
    pub severity: Option<&'static str>,
    /// `open` or `closed`, as recorded.
    pub status: Option<&'static str>,
    /// `open`, `overdue` (open, with an action past due) or `closed`.
    pub state: &'static str,
    /// Where it was found: an audit or review id, or `certification`, `incident`, …
    pub source: Option<String>,
    /// `audit`, `review`, `certification`, `incident`, `complaint`, `monitoring` or `other`.
    pub source_kind: Option<&'static str>,
    /// `YYYY-MM-DD`.
    pub raised: Option<String>,
    /// What it is against, as written.
    pub against: Vec<String>,
    /// Id of its owner.
    pub owner: Option<String>,
    /// What was found.
    pub description: Option<String>,
    /// The correction.
    pub correction: Option<String>,
    /// The root cause.
    pub root_cause: Option<String>,
    /// The corrective actions.
    pub actions: Vec<ActionEntry>,
    /// Id of who verified the effectiveness.
    pub verified_by: Option<String>,
    /// When, `YYYY-MM-DD`.
    pub verified_on: Option<String>,
    /// How effectiveness was verified.
    pub effectiveness: Option<String>,
    /// Ids of the risks whose treating controls it is against (directly or through an
    /// Annex A control they satisfy).
    pub risks: Vec<String>,
    /// The entities behind the ids (not serialised).
    #[serde(skip)]
    pub refs: NonconformityRefs,
}

/// The entities of a nonconformity entry.
#[derive(Clone, Debug)]
pub struct NonconformityRefs {
    /// The nonconformity.
    pub nc: EntityId,
    /// The audit or review that found it.
    pub source: Option<EntityId>,
    /// Its owner.
    pub owner: Option<EntityId>,
    /// Of `risks`.
    pub risks: Vec<EntityId>,
}

/// One action of a nonconformity or a review.
#[derive(Clone, Debug, Serialize)]
pub struct ActionEntry {
    /// What is to be done.
    pub title: String,
    /// Id of its owner.
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    /// `YYYY-MM-DD`.
    pub done: Option<String>,
    /// `done`, `open` or `overdue`.
    pub status: &'static str,
    /// The owner behind `owner` (not serialised).
    #[serde(skip)]
    pub owner_ref: Option<EntityId>,
}

/// `management-reviews.json`: the management reviews, their inputs, decisions and actions
/// (clause 9.3): the minutes.
#[derive(Clone, Debug, Serialize)]
pub struct ManagementReviewsDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The organisation, from the `isms` block.
    pub organization: Option<String>,
    /// The ISMS title, from the `isms` block.
    pub isms: Option<String>,
    /// The date the states are judged against, `YYYY-MM-DD`.
    pub as_of: String,
    /// `[management_review] interval`, e.g. `12mo`.
    pub interval: String,
    /// Id of the last review held.
    pub last_review: Option<String>,
    /// When the next review is due, `YYYY-MM-DD`.
    pub next_due: Option<String>,
    /// Every review, by date.
    pub reviews: Vec<ReviewEntry>,
}

/// One management review.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewEntry {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// `YYYY-MM-DD`.
    pub held: Option<String>,
    /// `held` or `planned`.
    pub status: &'static str,
    /// Id of the chair.
    pub chair: Option<String>,
    /// Ids of the attendees.
    pub attendees: Vec<String>,
    /// Each input of clause 9.3.2, in the clause's order, with what was presented.
    pub inputs: Vec<ReviewInputEntry>,
    /// The inputs not recorded (field names), for a review held.
    pub missing_inputs: Vec<String>,
    /// The decisions.
    pub decisions: Vec<String>,
    /// The actions.
    pub actions: Vec<ActionEntry>,
    /// The minutes' file, project-relative, when given as `file(…)`.
    pub minutes_file: Option<String>,
    /// The minutes' text.
    pub minutes: Option<String>,
    /// Ids of the nonconformities raised in it.
    pub findings: Vec<String>,
    /// The review (not serialised).
    #[serde(skip)]
    pub review: EntityId,
}

/// One input of a management review.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewInputEntry {
    /// The field of `inputs`, e.g. `previous_actions`.
    pub key: &'static str,
    /// Its item of clause 9.3.2, e.g. `a)`.
    pub item: &'static str,
    /// What the input is.
    pub input: &'static str,
    /// What was presented; `null` when not recorded.
    pub text: Option<String>,
}

/// The id of a link's target, or as written when it did not resolve.
fn id_of(model: &Model, l: &Link) -> String {
    model
        .target(l)
        .map(|e| e.id.clone())
        .unwrap_or_else(|| l.name.clone())
}

fn isms(model: &Model) -> (Option<String>, Option<String>) {
    let i = model.isms.as_ref();
    (
        i.and_then(|i| i.organization.clone()),
        i.and_then(|i| i.title.clone()),
    )
}

fn text(t: &Option<Text>) -> (Option<String>, Option<String>) {
    match t {
        Some(t) => (t.path.clone(), Some(t.content.clone())),
        None => (None, None),
    }
}

fn actions(model: &Model, list: &[Action], facts: &Facts) -> Vec<ActionEntry> {
    let today = facts.records.settings.today;
    list.iter()
        .map(|a| ActionEntry {
            title: a.title.clone(),
            owner: a.owner.as_ref().map(|l| id_of(model, l)),
            due: a.due.map(|d| d.to_string()),
            done: a.done.map(|d| d.to_string()),
            status: crate::facts::records::ActionState::of(a, today).as_str(),
            owner_ref: a.owner.as_ref().and_then(|l| l.target),
        })
        .collect()
}

fn entity_data(model: &Model, id: EntityId) -> Option<(&Entity, &Data)> {
    model.entity(id).map(|e| (e, &e.data))
}

impl AuditProgrammeDoc {
    /// The audit programme of the analysis.
    pub fn new(model: &Model, facts: &Facts) -> AuditProgrammeDoc {
        let p = &facts.records.programme;
        let (organization, isms) = isms(model);
        let mut summary = ProgrammeSummary::default();
        let mut audits = Vec::with_capacity(p.audits.len());
        for a in &p.audits {
            let Some((e, Data::Audit(d))) = entity_data(model, a.audit) else {
                continue;
            };
            summary.audits += 1;
            match a.state {
                crate::facts::records::AuditState::Performed => summary.performed += 1,
                crate::facts::records::AuditState::Planned => summary.planned += 1,
                crate::facts::records::AuditState::Overdue => summary.overdue += 1,
            }
            let (report_file, report) = text(&d.report);
            audits.push(AuditEntry {
                id: e.id.clone(),
                title: e.title.clone(),
                status: a.state.as_str(),
                planned: d.planned.map(|x| x.to_string()),
                performed: d.performed.map(|x| x.to_string()),
                in_cycle: a.in_cycle,
                lead: d.lead.as_ref().map(|l| id_of(model, l)),
                auditors: d.auditors.iter().map(|l| id_of(model, l)).collect(),
                covers: d.covers.iter().map(Subject::written).collect(),
                criteria: d.criteria.clone(),
                report_file,
                report,
                findings: a
                    .findings
                    .iter()
                    .filter_map(|f| model.entity(*f))
                    .map(|f| f.id.clone())
                    .collect(),
                refs: AuditRefs {
                    audit: a.audit,
                    lead: d.lead.as_ref().and_then(|l| l.target),
                    findings: a.findings.clone(),
                },
            });
        }
        let audit_at = |i: usize| p.audits.get(i).and_then(|a| model.entity(a.audit));
        let mut coverage = Vec::with_capacity(p.items.len());
        for item in &p.items {
            let (kind, id, title) = match item.item {
                Covered::Clause(c) => match model.clause(c) {
                    Some(c) => ("clause", c.id.clone(), c.title.clone()),
                    None => continue,
                },
                Covered::Requirement(r) => match model.requirement(r) {
                    Some(r) => ("requirement", r.id.clone(), r.title.clone()),
                    None => continue,
                },
            };
            summary.items += 1;
            match item.state {
                ItemState::Audited => summary.items_audited += 1,
                ItemState::Planned => summary.items_planned += 1,
                ItemState::Overdue => summary.items_overdue += 1,
                ItemState::Missing => summary.items_missing += 1,
            }
            let date = |i: Option<usize>| i.and_then(|i| p.audits.get(i)).and_then(|a| a.date);
            coverage.push(ProgrammeRow {
                kind,
                id,
                title,
                status: item.state.as_str(),
                last_audit: item.last.and_then(audit_at).map(|e| e.id.clone()),
                last_audited: date(item.last).map(|d| d.to_string()),
                next_audit: item.next.and_then(audit_at).map(|e| e.id.clone()),
                next_planned: date(item.next).map(|d| d.to_string()),
                audits: item
                    .audits
                    .iter()
                    .filter_map(|i| audit_at(*i))
                    .map(|e| e.id.clone())
                    .collect(),
                audit_refs: item
                    .audits
                    .iter()
                    .filter_map(|i| p.audits.get(*i))
                    .map(|a| a.audit)
                    .collect(),
            });
        }
        AuditProgrammeDoc {
            schema_version: SCHEMA_VERSION,
            organization,
            isms,
            as_of: facts.records.settings.today.to_string(),
            cycle: p.cycle.map(|c| ProgrammeCycle {
                length: facts.records.settings.audit_cycle.to_string(),
                start: c.start.to_string(),
                end: c.last_day().to_string(),
            }),
            summary,
            audits,
            coverage,
        }
    }
}

impl NonconformityRegisterDoc {
    /// The nonconformity register of the analysis.
    pub fn new(model: &Model, facts: &Facts) -> NonconformityRegisterDoc {
        let (organization, isms) = isms(model);
        let mut summary = NonconformitySummary::default();
        let mut out = Vec::with_capacity(facts.records.findings.len());
        // The risks whose treating controls each control is.
        for f in &facts.records.findings {
            let Some((e, Data::Nonconformity(n))) = entity_data(model, f.nc) else {
                continue;
            };
            summary.total += 1;
            let state = f.state.as_str();
            match f.state {
                crate::facts::records::FindingState::Closed => summary.closed += 1,
                crate::facts::records::FindingState::Overdue => {
                    summary.open += 1;
                    summary.overdue += 1;
                }
                crate::facts::records::FindingState::Open => summary.open += 1,
            }
            match n.severity.map(|s| s.value) {
                Some(crate::model::FindingSeverity::Major) => summary.major += 1,
                Some(crate::model::FindingSeverity::Minor) => summary.minor += 1,
                Some(crate::model::FindingSeverity::Observation) => summary.observations += 1,
                Some(crate::model::FindingSeverity::Opportunity) => summary.opportunities += 1,
                None => {}
            }
            if f.state != crate::facts::records::FindingState::Closed {
                for a in &f.actions {
                    match a {
                        crate::facts::records::ActionState::Open => summary.actions_open += 1,
                        crate::facts::records::ActionState::Overdue => {
                            summary.actions_open += 1;
                            summary.actions_overdue += 1;
                        }
                        crate::facts::records::ActionState::Done => {}
                    }
                }
            }
            let (source, source_kind, source_ref) = match &n.source {
                Some(Source::Record(l)) => (
                    Some(id_of(model, l)),
                    model.target(l).map(|t| t.kind.keyword()),
                    l.target,
                ),
                Some(Source::Kind(k)) => (
                    Some(k.value.as_str().to_string()),
                    Some(k.value.as_str()),
                    None,
                ),
                None => (None, None, None),
            };
            let risks = risks_of(model, facts, f.nc);
            out.push(NonconformityEntry {
                id: e.id.clone(),
                title: e.title.clone(),
                severity: n.severity.map(|s| s.value.as_str()),
                status: n.status.map(|s| s.value.as_str()),
                state,
                source,
                source_kind,
                raised: n.raised.map(|d| d.to_string()),
                against: n.against.iter().map(Subject::written).collect(),
                owner: n.owner.as_ref().map(|l| id_of(model, l)),
                description: n.description.clone(),
                correction: n.correction.clone(),
                root_cause: n.root_cause.clone(),
                actions: actions(model, &n.actions, facts),
                verified_by: n.verified.as_ref().map(|s| id_of(model, &s.who)),
                verified_on: n.verified.as_ref().map(|s| s.date.to_string()),
                effectiveness: n.effectiveness.clone(),
                risks: risks
                    .iter()
                    .filter_map(|r| model.entity(*r))
                    .map(|r| r.id.clone())
                    .collect(),
                refs: NonconformityRefs {
                    nc: f.nc,
                    source: source_ref,
                    owner: n.owner.as_ref().and_then(|l| l.target),
                    risks,
                },
            });
        }
        NonconformityRegisterDoc {
            schema_version: SCHEMA_VERSION,
            organization,
            isms,
            as_of: facts.records.settings.today.to_string(),
            summary,
            nonconformities: out,
        }
    }

    /// The ids of the nonconformities raised against the treating controls of `risk`, in
    /// model order.
    pub fn of_risk(&self, risk: EntityId) -> Vec<&NonconformityEntry> {
        self.nonconformities
            .iter()
            .filter(|n| n.refs.risks.contains(&risk))
            .collect()
    }
}

/// The risks whose treating controls `nc` is against, directly or through a requirement
/// they satisfy, in model order.
pub(super) fn risks_of(model: &Model, facts: &Facts, nc: EntityId) -> Vec<EntityId> {
    let Some(Data::Nonconformity(n)) = model.entity(nc).map(|e| &e.data) else {
        return Vec::new();
    };
    let mut controls: Vec<EntityId> = Vec::new();
    for s in &n.against {
        match s {
            Subject::Entity(l) => controls.extend(l.target),
            Subject::Requirement(r) => {
                if let Some(req) = r.target {
                    controls.extend(
                        facts
                            .index
                            .referring(Node::Requirement(req), Field::Satisfies)
                            .into_iter()
                            .map(|(c, _)| c),
                    );
                }
            }
            Subject::Clause(_) => {}
        }
    }
    let mut risks: Vec<EntityId> = controls
        .iter()
        .flat_map(|c| facts.index.referring(Node::Entity(*c), Field::TreatedBy))
        .map(|(r, _)| r)
        .collect();
    risks.sort_unstable();
    risks.dedup();
    risks
}

impl ManagementReviewsDoc {
    /// The management reviews of the analysis.
    pub fn new(model: &Model, facts: &Facts) -> ManagementReviewsDoc {
        let (organization, isms) = isms(model);
        let r = &facts.records;
        let mut reviews = Vec::with_capacity(r.reviews.len());
        for state in &r.reviews {
            let Some((e, Data::Review(d))) = entity_data(model, state.review) else {
                continue;
            };
            let inputs = REVIEW_INPUTS
                .iter()
                .map(|(key, item, input)| ReviewInputEntry {
                    key,
                    item,
                    input,
                    text: d.inputs.as_ref().and_then(|i| {
                        i.given
                            .iter()
                            .find(|(k, _)| k == key)
                            .map(|(_, t)| t.content.clone())
                    }),
                })
                .collect();
            let (minutes_file, minutes) = text(&d.minutes);
            let findings = facts
                .index
                .referring(Node::Entity(state.review), Field::Source)
                .into_iter()
                .filter_map(|(n, _)| model.entity(n))
                .map(|n| n.id.clone())
                .collect();
            reviews.push(ReviewEntry {
                id: e.id.clone(),
                title: e.title.clone(),
                held: d.held.map(|x| x.to_string()),
                status: if state.held { "held" } else { "planned" },
                chair: d.chair.as_ref().map(|l| id_of(model, l)),
                attendees: d.attendees.iter().map(|l| id_of(model, l)).collect(),
                inputs,
                missing_inputs: state.missing_inputs.iter().map(|s| s.to_string()).collect(),
                decisions: d.decisions.clone(),
                actions: actions(model, &d.actions, facts),
                minutes_file,
                minutes,
                findings,
                review: state.review,
            });
        }
        ManagementReviewsDoc {
            schema_version: SCHEMA_VERSION,
            organization,
            isms,
            as_of: r.settings.today.to_string(),
            interval: r.settings.review_interval.to_string(),
            last_review: r
                .last_review
                .and_then(|x| model.entity(x))
                .map(|e| e.id.clone()),
            next_due: r.next_review_due.map(|d| d.to_string()),
            reviews,
        }
    }
}
