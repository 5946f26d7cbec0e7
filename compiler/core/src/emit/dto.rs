//! The output types: plain data in the shape of the published documents.
//!
//! **API Boundary:** these are the only `Serialize` types of the compiler. The model can
//! change freely; what a user's tooling reads is what is declared here, versioned by
//! `schema_version` (and, for `soa.json`, by `docs/schema/soa.schema.json`). Keys are
//! `snake_case`; every list is in a defined order (catalogue order for requirements, model
//! order for items) and maps are `BTreeMap`s, so the same model always gives the same bytes.

mod records;

use std::collections::BTreeMap;

use serde::Serialize;

pub use self::records::*;

use crate::facts::control::Controlled;
use crate::facts::coverage::{Coverage, Grade};
use crate::facts::soa::{Applicability, Reason, ReasonKind};
use crate::facts::Facts;
use crate::model::{ControlStatus, Data, DocKind, EntityId, Link, Model, Rating};

/// The version of the output formats; raised on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// `soa.json`: the Statement of Applicability.
#[derive(Clone, Debug, Serialize)]
pub struct SoaDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The standard's key, e.g. `iso27001:2022`.
    pub standard: String,
    /// The standard's title from the catalogue.
    pub standard_title: Option<String>,
    /// The organisation, from the `isms` block.
    pub organization: Option<String>,
    /// The ISMS title, from the `isms` block.
    pub isms: Option<String>,
    /// The document control of the SoA (`document soa`): version, status, owner, approval.
    pub document: DocumentControl,
    /// The people and teams the document names, by id: their names and roles.
    pub people: BTreeMap<String, Who>,
    /// Counts over the rows.
    pub summary: SoaSummary,
    /// One row per requirement of the standard, in catalogue order.
    pub controls: Vec<SoaControl>,
}

/// Counts over the rows of the SoA.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SoaSummary {
    /// Rows.
    pub total: usize,
    /// Applicable rows.
    pub applicable: usize,
    /// Excluded rows.
    pub excluded: usize,
    /// Rows without a decision.
    pub undecided: usize,
    /// Rows with status `implemented`.
    pub implemented: usize,
    /// Rows with status `partial`.
    pub partial: usize,
    /// Rows with status `planned`.
    pub planned: usize,
    /// Rows with status `not-implemented`.
    pub not_implemented: usize,
}

impl SoaSummary {
    /// The counts over `controls`.
    pub fn of(controls: &[SoaControl]) -> SoaSummary {
        let mut s = SoaSummary {
            total: controls.len(),
            ..SoaSummary::default()
        };
        for c in controls {
            match c.decision {
                "included" => s.applicable += 1,
                "excluded" => s.excluded += 1,
                _ => s.undecided += 1,
            }
            match c.status {
                "implemented" => s.implemented += 1,
                "partial" => s.partial += 1,
                "planned" => s.planned += 1,
                "not-implemented" => s.not_implemented += 1,
                _ => {}
            }
        }
        s
    }

    /// The counts in words, after the total: "92 applicable, 1 excluded, 0 undecided;
    /// 82 implemented, 8 partial, 2 planned, 0 not implemented".
    pub fn counts(&self) -> String {
        format!(
            "{} applicable, {} excluded, {} undecided; {} implemented, {} partial, {} planned, \
             {} not implemented",
            self.applicable,
            self.excluded,
            self.undecided,
            self.implemented,
            self.partial,
            self.planned,
            self.not_implemented
        )
    }
}

/// One requirement (Annex A control) in the SoA.
#[derive(Clone, Debug, Serialize)]
pub struct SoaControl {
    /// The requirement id, e.g. `A.5.1`.
    pub id: String,
    /// Its title from the catalogue.
    pub title: String,
    /// The outermost group id, e.g. `organizational` (2022) or `A.5` (2013).
    pub theme: String,
    /// The outermost group title, e.g. `Organizational controls`.
    pub theme_title: String,
    /// True when applicable; false when excluded or undecided.
    pub applicable: bool,
    /// `included`, `excluded` or `undecided`.
    pub decision: &'static str,
    /// The exclusion text, or a readable summary of the reasons for inclusion.
    pub justification: Option<String>,
    /// The reasons for inclusion, by kind.
    pub reasons: Vec<SoaReason>,
    /// `implemented`, `partial`, `planned`, `not-implemented`, `not-applicable` (excluded) or
    /// `undecided` (no decision yet).
    pub status: &'static str,
    /// Ids of the controls that satisfy it.
    pub implemented_by: Vec<String>,
    /// Ids of the risks behind it.
    pub risks: Vec<String>,
    /// Ids of the obligations behind it.
    pub obligations: Vec<String>,
    /// Ids of the policies of its controls, and of policies that cover it.
    pub policies: Vec<String>,
    /// Ids of the owners of its controls.
    pub owners: Vec<String>,
    /// Evidence recorded on its controls.
    pub evidence: Vec<SoaEvidence>,
    /// For a `partial` or `planned` row, the latest `due` date of its controls not
    /// implemented yet, `YYYY-MM-DD`.
    pub due: Option<String>,
    /// The requirement's attributes from the catalogue, e.g. `control_type`.
    pub attributes: BTreeMap<String, Vec<String>>,
    /// The names of the attributes the catalogue publishes for people (`soa.csv`), a subset
    /// of `attributes` (not serialised).
    #[serde(skip)]
    pub published: Vec<String>,
    /// The entities behind the ids above, for the emitters that link them (not serialised).
    #[serde(skip)]
    pub refs: SoaRefs,
}

/// The entities of an SoA row, typed, in the order of their ids.
#[derive(Clone, Debug, Default)]
pub struct SoaRefs {
    /// Of `implemented_by`.
    pub implemented_by: Vec<EntityId>,
    /// Of `risks`.
    pub risks: Vec<EntityId>,
    /// Of `obligations`.
    pub obligations: Vec<EntityId>,
    /// Of `policies`.
    pub policies: Vec<EntityId>,
    /// Of `owners`.
    pub owners: Vec<EntityId>,
    /// Of each reason's `ids`.
    pub reasons: Vec<Vec<EntityId>>,
}

/// One reason for including a requirement.
#[derive(Clone, Debug, Serialize)]
pub struct SoaReason {
    /// `risk`, `legal`, `regulatory`, `contractual` or `business`.
    pub kind: &'static str,
    /// The risks or obligations behind it (empty for `business`).
    pub ids: Vec<String>,
    /// The text of an explicit `included` statement.
    pub text: Option<String>,
}

/// One piece of evidence of an implementing control.
#[derive(Clone, Debug, Serialize)]
pub struct SoaEvidence {
    /// The control that records it.
    pub control: String,
    /// Its title.
    pub title: String,
    /// Where it is kept.
    pub at: Option<String>,
    /// When it was last collected, `YYYY-MM-DD`.
    pub collected: Option<String>,
}

/// `risk-register.json`: every risk with its assessment and treatment.
#[derive(Clone, Debug, Serialize)]
pub struct RiskRegisterDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The organisation, from the `isms` block.
    pub organization: Option<String>,
    /// The ISMS title, from the `isms` block.
    pub isms: Option<String>,
    /// The acceptance threshold of the risk method.
    pub accept_at_or_below: Option<u32>,
    /// The document control of the register (`document risk-register`).
    pub document: DocumentControl,
    /// The risk criteria: the method's scales, scores and description.
    pub method: Option<RiskMethodDoc>,
    /// The people and teams the document names, by id: their names and roles.
    pub people: BTreeMap<String, Who>,
    /// The risks, in model order.
    pub risks: Vec<RiskEntry>,
}

/// A person or team named by a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Who {
    /// `person` or `team`.
    pub kind: &'static str,
    /// The name (the item's title), or the id without one.
    pub name: String,
    /// A person's role.
    pub role: Option<String>,
}

/// One approval of a controlled document.
#[derive(Clone, Debug, Serialize)]
pub struct Approval {
    /// Id of who approved.
    pub by: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    /// `YYYY-MM-DD`, if limited.
    pub until: Option<String>,
}

/// The document control of a document `ismsc` writes, from its `document` item (ISO/IEC
/// 27001 7.5.2, 7.5.3): what identifies it and whether it is approved.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentControl {
    /// `soa`, `risk-register` or `treatment-plan`.
    pub kind: &'static str,
    /// Its title.
    pub title: String,
    /// `approved`, `draft` (no approval, or no `document` item) or `overdue` (past its next
    /// review on `--today`).
    pub status: &'static str,
    /// The document's version, if given.
    pub version: Option<String>,
    /// The version of the ISMS (`version` of the `isms` block).
    pub isms_version: Option<String>,
    /// Id of the owner.
    pub owner: Option<String>,
    /// The approvals, in written order.
    pub approved: Vec<Approval>,
    /// The classification level.
    pub classification: Option<String>,
    /// The review interval as written (`12mo`).
    pub review: Option<String>,
    /// The latest approval (else the effective date) plus the review interval, `YYYY-MM-DD`.
    pub next_review: Option<String>,
    /// The effective date, `YYYY-MM-DD`.
    pub effective: Option<String>,
    /// The ISMS scope the document refers to (the `scope` block's description).
    pub scope: Option<String>,
    /// The entities behind the ids above, for the emitters that link them (not serialised).
    #[serde(skip)]
    pub refs: DocumentRefs,
}

/// The entities of a document control, typed.
#[derive(Clone, Debug, Default)]
pub struct DocumentRefs {
    /// The owner.
    pub owner: Option<EntityId>,
    /// The approvers, in the order of `approved`.
    pub approved: Vec<EntityId>,
}

impl DocumentControl {
    /// The document control of one kind of document.
    pub fn new(model: &Model, facts: &Facts, kind: DocKind) -> DocumentControl {
        let d = model.document(kind);
        let state: Controlled = facts.control.document(kind);
        let link_id = |l: &Link| model.target(l).map(|e| e.id.clone());
        DocumentControl {
            kind: kind.as_str(),
            title: d
                .map(|d| d.display().to_string())
                .unwrap_or_else(|| kind.default_title().to_string()),
            status: state.state.as_str(),
            version: d.and_then(|d| d.version.clone()),
            isms_version: model.isms.as_ref().and_then(|i| i.version.clone()),
            owner: d.and_then(|d| d.owner.as_ref()).and_then(link_id),
            approved: d
                .map(|d| {
                    d.approved
                        .iter()
                        .filter_map(|a| {
                            Some(Approval {
                                by: link_id(&a.who)?,
                                on: a.date.to_string(),
                                until: a.until.map(|u| u.to_string()),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
            classification: d
                .and_then(|d| d.classification.as_ref())
                .map(|w| w.text.clone()),
            review: d.and_then(|d| d.review).map(|r| r.to_string()),
            next_review: state.next_review.map(|n| n.to_string()),
            effective: d.and_then(|d| d.effective).map(|e| e.to_string()),
            scope: model.scope.as_ref().and_then(|s| s.description.clone()),
            refs: DocumentRefs {
                owner: d.and_then(|d| d.owner.as_ref()).and_then(|o| o.target),
                approved: d
                    .map(|d| d.approved.iter().filter_map(|a| a.who.target).collect())
                    .unwrap_or_default(),
            },
        }
    }

    /// `DRAFT`, `OVERDUE`, or `None` for an approved document: the marking every page and
    /// the file's metadata carry.
    pub fn marking(&self) -> Option<&'static str> {
        match self.status {
            "draft" => Some("DRAFT"),
            "overdue" => Some("OVERDUE"),
            _ => None,
        }
    }

    /// The people it names (owner and approvers).
    fn ids(&self) -> impl Iterator<Item = EntityId> + '_ {
        self.refs
            .owner
            .iter()
            .chain(self.refs.approved.iter())
            .copied()
    }
}

/// The risk criteria of the method (6.1.2 a): its scales, its scores and its threshold.
#[derive(Clone, Debug, Serialize)]
pub struct RiskMethodDoc {
    /// What the levels mean, in words (`description` of `risk_method`).
    pub description: Option<String>,
    /// The likelihood levels in written order.
    pub likelihood: Vec<ScaleLevel>,
    /// The impact levels in written order.
    pub impact: Vec<ScaleLevel>,
    /// `product` (likelihood × impact) or `matrix` (a declared matrix).
    pub scoring: &'static str,
    /// The score of every cell: one row per likelihood level, one score per impact level,
    /// both in written order; `null` where the method gives none.
    pub scores: Vec<Vec<Option<u32>>>,
    /// The acceptance threshold.
    pub accept_at_or_below: Option<u32>,
}

/// One level of a scale.
#[derive(Clone, Debug, Serialize)]
pub struct ScaleLevel {
    /// Its name.
    pub level: String,
    /// Its value.
    pub value: u32,
}

/// The people and teams among `ids`, by id, with their names and roles.
fn people(model: &Model, ids: impl IntoIterator<Item = EntityId>) -> BTreeMap<String, Who> {
    let mut out = BTreeMap::new();
    for id in ids {
        let Some(e) = model.entity(id) else {
            continue;
        };
        if out.contains_key(&e.id) {
            continue;
        }
        let (kind, role) = match &e.data {
            Data::Person(p) => ("person", p.role.clone()),
            Data::Team(_) => ("team", None),
            _ => continue,
        };
        out.insert(
            e.id.clone(),
            Who {
                kind,
                name: e.display().to_string(),
                role,
            },
        );
    }
    out
}

/// "Dana Weber (ciso)": a name with its id beside it, for a spreadsheet cell; the id alone
/// when the document does not know it.
pub fn name_and_id(people: &BTreeMap<String, Who>, id: &str) -> String {
    match people.get(id) {
        Some(w) if w.name != id => format!("{} ({id})", w.name),
        _ => id.to_string(),
    }
}

/// The name of a person or team, or the id when the document does not know it.
pub fn name_of<'a>(people: &'a BTreeMap<String, Who>, id: &'a str) -> &'a str {
    people.get(id).map(|w| w.name.as_str()).unwrap_or(id)
}

/// `risk-treatment-plan.json`: the risk treatment plan of ISO/IEC 27001 6.1.3 e) — for each
/// risk its treatment, and one action per treating control with who does it, how far it is
/// and by when; the remaining risk and its acceptance beside it.
#[derive(Clone, Debug, Serialize)]
pub struct TreatmentPlanDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The organisation, from the `isms` block.
    pub organization: Option<String>,
    /// The ISMS title, from the `isms` block.
    pub isms: Option<String>,
    /// The document control of the plan (`document treatment-plan`), with its approvals.
    pub document: DocumentControl,
    /// The people and teams the document names, by id: their names and roles.
    pub people: BTreeMap<String, Who>,
    /// Counts over the actions.
    pub summary: TreatmentSummary,
    /// Risk by risk in model order, each risk's controls in the order the risk lists them; a
    /// risk without controls has one action without a control.
    pub actions: Vec<TreatmentAction>,
    /// The plan proper: one action per treating control not implemented yet (`planned`,
    /// `partial`), with its owner, due date and the risks it serves, in the order the controls
    /// first appear.
    pub open_actions: Vec<OpenAction>,
    /// The treating controls already implemented, each once, with the risks they treat.
    pub implemented: Vec<ImplementedControl>,
    /// Each risk owner, and whether an approval of the plan was given by them (or, for a
    /// team, by its lead or a member): 6.1.3 f) asks the risk owners to approve the plan.
    pub owner_approvals: Vec<OwnerApproval>,
}

/// A treating control not implemented yet, and what it is for.
#[derive(Clone, Debug, Serialize)]
pub struct OpenAction {
    /// The control's id.
    pub control: String,
    /// Its title.
    pub control_title: Option<String>,
    /// Id of its owner, who carries out the action.
    pub owner: Option<String>,
    /// `planned` or `partial` (a control without status counts as planned).
    pub status: String,
    /// Its due date, `YYYY-MM-DD`.
    pub due: Option<String>,
    /// The ids of the risks it treats, in register order.
    pub risks: Vec<String>,
    /// The requirements it satisfies, as written.
    pub satisfies: Vec<String>,
    /// The entities behind the ids (not serialised).
    #[serde(skip)]
    pub refs: OpenRefs,
}

/// The entities of an open action, typed.
#[derive(Clone, Debug)]
pub struct OpenRefs {
    /// The control.
    pub control: EntityId,
    /// Its owner.
    pub owner: Option<EntityId>,
    /// Of `risks`.
    pub risks: Vec<EntityId>,
}

/// An implemented treating control and the risks it treats.
#[derive(Clone, Debug, Serialize)]
pub struct ImplementedControl {
    /// The control's id.
    pub control: String,
    /// Its title.
    pub control_title: Option<String>,
    /// The ids of the risks it treats, in register order.
    pub risks: Vec<String>,
    /// The control (not serialised).
    #[serde(skip)]
    pub control_ref: EntityId,
}

/// A risk owner and whether they approved the treatment plan.
#[derive(Clone, Debug, Serialize)]
pub struct OwnerApproval {
    /// Id of the risk owner.
    pub owner: String,
    /// Whether one of the plan's approvals is theirs.
    pub approved: bool,
    /// The owner (not serialised).
    #[serde(skip)]
    pub owner_ref: EntityId,
}

/// Counts over the actions of the treatment plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TreatmentSummary {
    /// Risks in the plan.
    pub risks: usize,
    /// Actions with a control.
    pub actions: usize,
    /// Actions whose control is `implemented`.
    pub implemented: usize,
    /// Actions whose control is `partial`.
    pub partial: usize,
    /// Actions whose control is `planned` (or has no status).
    pub planned: usize,
    /// Treating controls not implemented yet (the open actions), each counted once.
    pub open: usize,
    /// Treating controls implemented, each counted once.
    pub implemented_controls: usize,
}

/// One line of the treatment plan: a risk and one control that treats it.
#[derive(Clone, Debug, Serialize)]
pub struct TreatmentAction {
    /// The risk's id.
    pub risk: String,
    /// The risk's title.
    pub risk_title: Option<String>,
    /// Id of the risk owner, who approves the plan and accepts what remains.
    pub risk_owner: Option<String>,
    /// `mitigate`, `accept`, `avoid` or `transfer`.
    pub treatment: Option<String>,
    /// The control's id; `None` for a risk treated without controls.
    pub control: Option<String>,
    /// The control's title.
    pub control_title: Option<String>,
    /// Id of the control's owner, who carries out the action.
    pub control_owner: Option<String>,
    /// `implemented`, `partial` or `planned` (a control without status counts as planned).
    pub status: Option<String>,
    /// The control's due date, `YYYY-MM-DD`.
    pub due: Option<String>,
    /// The requirements the control satisfies, as written (`A.8.5`).
    pub satisfies: Vec<String>,
    /// The score of the risk that remains (residual if assessed, else inherent).
    pub remaining_score: Option<u32>,
    /// Whether that score is at or below the acceptance threshold.
    pub acceptable: bool,
    /// Id of who accepted the remaining risk, if recorded.
    pub accepted_by: Option<String>,
    /// The entities behind the ids above, for the emitters that link them (not serialised).
    #[serde(skip)]
    pub refs: ActionRefs,
}

/// The entities of a treatment action, typed.
#[derive(Clone, Debug)]
pub struct ActionRefs {
    /// The risk.
    pub risk: EntityId,
    /// The treating control.
    pub control: Option<EntityId>,
    /// The control's owner.
    pub control_owner: Option<EntityId>,
}

impl TreatmentPlanDoc {
    /// The treatment plan of the analysis, beside the register made of the same facts.
    pub fn new(model: &Model, facts: &Facts, register: &RiskRegisterDoc) -> TreatmentPlanDoc {
        let link_id = |l: &crate::model::Link| model.target(l).map(|e| e.id.clone());
        let mut actions = Vec::with_capacity(facts.plan.actions.len());
        let mut summary = TreatmentSummary {
            risks: register.risks.len(),
            ..TreatmentSummary::default()
        };
        for a in &facts.plan.actions {
            let Some(r) = register.risks.get(a.risk) else {
                continue;
            };
            let control = a.control.and_then(|c| model.entity(c));
            let c = control.and_then(|e| match &e.data {
                Data::Control(c) => Some(c),
                _ => None,
            });
            let action = TreatmentAction {
                risk: r.id.clone(),
                risk_title: r.title.clone(),
                risk_owner: r.owner.clone(),
                treatment: r.treatment.clone(),
                control: control.map(|e| e.id.clone()),
                control_title: control.and_then(|e| e.title.clone()),
                control_owner: c.and_then(|c| c.owner.as_ref()).and_then(link_id),
                status: control.map(|_| {
                    c.and_then(|c| c.status)
                        .map(|w| w.value)
                        .unwrap_or(ControlStatus::Planned)
                        .as_str()
                        .to_string()
                }),
                due: c.and_then(|c| c.due).map(|d| d.to_string()),
                satisfies: c
                    .map(|c| c.satisfies.iter().map(|q| q.written()).collect())
                    .unwrap_or_default(),
                remaining_score: r.remaining_score(),
                acceptable: r.acceptable,
                accepted_by: r.accepted.as_ref().map(|a| a.by.clone()),
                refs: ActionRefs {
                    risk: r.refs.risk,
                    control: a.control,
                    control_owner: c.and_then(|c| c.owner.as_ref()).and_then(|o| o.target),
                },
            };
            if control.is_some() {
                summary.actions += 1;
                match action.status.as_deref() {
                    Some("implemented") => summary.implemented += 1,
                    Some("partial") => summary.partial += 1,
                    _ => summary.planned += 1,
                }
            }
            actions.push(action);
        }
        let control_of = |c: EntityId| {
            let e = model.entity(c)?;
            match &e.data {
                Data::Control(ctl) => Some((e, ctl)),
                _ => None,
            }
        };
        let risk_ids = |risks: &[usize]| -> (Vec<String>, Vec<EntityId>) {
            risks
                .iter()
                .filter_map(|i| register.risks.get(*i))
                .map(|r| (r.id.clone(), r.refs.risk))
                .unzip()
        };
        let open_actions: Vec<OpenAction> = facts
            .plan
            .open
            .iter()
            .filter_map(|(c, risks)| {
                let (e, ctl) = control_of(*c)?;
                let (ids, refs) = risk_ids(risks);
                Some(OpenAction {
                    control: e.id.clone(),
                    control_title: e.title.clone(),
                    owner: ctl.owner.as_ref().and_then(link_id),
                    status: ctl
                        .status
                        .map(|w| w.value)
                        .unwrap_or(ControlStatus::Planned)
                        .as_str()
                        .to_string(),
                    due: ctl.due.map(|d| d.to_string()),
                    risks: ids,
                    satisfies: ctl.satisfies.iter().map(|q| q.written()).collect(),
                    refs: OpenRefs {
                        control: *c,
                        owner: ctl.owner.as_ref().and_then(|o| o.target),
                        risks: refs,
                    },
                })
            })
            .collect();
        let implemented: Vec<ImplementedControl> = facts
            .plan
            .implemented
            .iter()
            .filter_map(|(c, risks)| {
                let (e, _) = control_of(*c)?;
                Some(ImplementedControl {
                    control: e.id.clone(),
                    control_title: e.title.clone(),
                    risks: risk_ids(risks).0,
                    control_ref: *c,
                })
            })
            .collect();
        summary.open = open_actions.len();
        summary.implemented_controls = implemented.len();
        let plan_doc = model.document(DocKind::TreatmentPlan);
        let approvers: Vec<EntityId> = plan_doc
            .map(|d| d.approved.iter().filter_map(|a| a.who.target).collect())
            .unwrap_or_default();
        let mut owner_approvals: Vec<OwnerApproval> = Vec::new();
        for r in &register.risks {
            let (Some(owner), Some(id)) = (r.refs.owner, r.owner.as_ref()) else {
                continue;
            };
            if owner_approvals.iter().any(|o| &o.owner == id) {
                continue;
            }
            owner_approvals.push(OwnerApproval {
                owner: id.clone(),
                approved: approvers.iter().any(|a| model.speaks_for(*a, owner)),
                owner_ref: owner,
            });
        }
        let document = DocumentControl::new(model, facts, DocKind::TreatmentPlan);
        let people = people(
            model,
            document
                .ids()
                .chain(
                    register
                        .risks
                        .iter()
                        .flat_map(|r| r.refs.owner.into_iter().chain(r.refs.accepted_by)),
                )
                .chain(actions.iter().flat_map(|a| a.refs.control_owner))
                .chain(open_actions.iter().flat_map(|a| a.refs.owner)),
        );
        TreatmentPlanDoc {
            schema_version: SCHEMA_VERSION,
            organization: register.organization.clone(),
            isms: register.isms.clone(),
            document,
            people,
            summary,
            actions,
            open_actions,
            implemented,
            owner_approvals,
        }
    }
}

/// One risk of the register.
#[derive(Clone, Debug, Serialize)]
pub struct RiskEntry {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// Id of its owner.
    pub owner: Option<String>,
    /// Ids of the assets at risk.
    pub assets: Vec<String>,
    /// The threat.
    pub threat: Option<String>,
    /// The vulnerability.
    pub vulnerability: Option<String>,
    /// The rating before treatment.
    pub inherent: RiskRating,
    /// `mitigate`, `accept`, `avoid` or `transfer`.
    pub treatment: Option<String>,
    /// Ids of the treating controls.
    pub controls: Vec<String>,
    /// Requirements the treatment needs, as written (`A.8.24`).
    pub requires: Vec<String>,
    /// The rating after treatment, if assessed.
    pub residual: Option<RiskRating>,
    /// Whether the remaining risk (residual if assessed, else inherent) is at or below the
    /// acceptance threshold.
    pub acceptable: bool,
    /// The acceptance of the remaining risk, if recorded.
    pub accepted: Option<RiskAcceptance>,
    /// Ids of the nonconformities raised against its treating controls (directly or through
    /// an Annex A control they satisfy), in model order.
    pub nonconformities: Vec<String>,
    /// The risk's `description`: what it is, and the rationale of its acceptance.
    pub description: Option<String>,
    /// When it was identified, `YYYY-MM-DD`.
    pub identified: Option<String>,
    /// The rating today, with the controls implemented so far: the `current` rating if
    /// assessed; the residual (else inherent) rating once every treating control is
    /// implemented; else the inherent rating (see `current_basis`).
    pub current: Option<RiskRating>,
    /// Where `current` comes from: `assessed` (a `current` rating), `treated` (every treating
    /// control implemented), `pending` (controls pending, no `current` rating: the inherent).
    pub current_basis: &'static str,
    /// Whether the score today is at or below the acceptance threshold.
    pub acceptable_now: bool,
    /// Ids of the treating controls not implemented yet.
    pub pending_controls: Vec<String>,
    /// The entities behind the ids above, for the emitters that link them (not serialised).
    #[serde(skip)]
    pub refs: RiskRefs,
}

/// The entities of a risk entry, typed.
#[derive(Clone, Debug)]
pub struct RiskRefs {
    /// The risk.
    pub risk: EntityId,
    /// Its owner.
    pub owner: Option<EntityId>,
    /// Who accepted what remains.
    pub accepted_by: Option<EntityId>,
    /// Of `controls`, in their order.
    pub controls: Vec<EntityId>,
    /// Of `nonconformities`.
    pub nonconformities: Vec<EntityId>,
}

impl RiskEntry {
    /// The score of the risk that remains: the residual one if assessed, else the inherent.
    pub fn remaining_score(&self) -> Option<u32> {
        self.residual
            .as_ref()
            .and_then(|x| x.score)
            .or(self.inherent.score)
    }

    /// Whether the remaining score is above `threshold` (false when either is unknown).
    pub fn above(&self, threshold: Option<u32>) -> bool {
        matches!((self.remaining_score(), threshold), (Some(s), Some(t)) if s > t)
    }
}

/// Likelihood, impact and their score.
#[derive(Clone, Debug, Serialize)]
pub struct RiskRating {
    /// Likelihood level.
    pub likelihood: Option<String>,
    /// Impact level.
    pub impact: Option<String>,
    /// The score under the risk method, when both levels are known.
    pub score: Option<u32>,
}

/// Who accepted a risk, when, and until when.
#[derive(Clone, Debug, Serialize)]
pub struct RiskAcceptance {
    /// Id of the person or team.
    pub by: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    /// `YYYY-MM-DD`, if limited.
    pub until: Option<String>,
}

fn ids(model: &Model, ids: &[EntityId]) -> Vec<String> {
    ids.iter()
        .filter_map(|id| model.entity(*id))
        .map(|e| e.id.clone())
        .collect()
}

fn reason_label(kind: ReasonKind) -> &'static str {
    match kind {
        ReasonKind::Risk => "Risk treatment",
        ReasonKind::Legal => "Legal",
        ReasonKind::Regulatory => "Regulatory",
        ReasonKind::Contractual => "Contractual",
        ReasonKind::Business => "Business",
    }
}

/// "Risk treatment: R-001 Customer data exposed…; Legal: EU GDPR (gdpr); Business: text",
/// the sentence an auditor reads: the titles of the risks and obligations behind each reason.
fn summarize(model: &Model, reasons: &[Reason]) -> Option<String> {
    let parts: Vec<String> = reasons
        .iter()
        .map(|r| {
            let label = reason_label(r.kind);
            let mut what: Vec<String> = r
                .sources
                .iter()
                .filter_map(|id| model.entity(*id))
                .map(|e| match &e.title {
                    Some(t) => format!("{t} ({})", e.id),
                    None => e.id.clone(),
                })
                .collect();
            what.extend(r.text.clone());
            if what.is_empty() {
                label.to_string()
            } else {
                format!("{label}: {}", what.join(", "))
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

impl SoaDoc {
    /// The SoA of the project's standard; `None` when the project has no known standard.
    pub fn new(model: &Model, facts: &Facts) -> Option<SoaDoc> {
        let soa = facts.soa.as_ref()?;
        let standard_title = model
            .framework_index(&soa.standard)
            .and_then(|i| model.frameworks.get(i))
            .and_then(|f| f.title.clone());
        let mut controls = Vec::with_capacity(soa.rows.len());
        for row in &soa.rows {
            let Some(req) = model.requirement(row.req) else {
                continue;
            };
            let (theme, theme_title) = req.groups.first().cloned().unwrap_or_default();
            let reasons: Vec<SoaReason> = row
                .reasons
                .iter()
                .map(|r| SoaReason {
                    kind: r.kind.as_str(),
                    ids: ids(model, &r.sources),
                    text: r.text.clone(),
                })
                .collect();
            let (decision, justification) = match row.applicability {
                Applicability::Applicable => ("included", summarize(model, &row.reasons)),
                Applicability::Excluded => (
                    "excluded",
                    row.exclusion(model).and_then(|d| d.reason.clone()),
                ),
                Applicability::Undecided => ("undecided", None),
            };
            let mut evidence = Vec::new();
            for c in &row.implemented_by {
                let Some(e) = model.entity(*c) else { continue };
                let Data::Control(ctl) = &e.data else {
                    continue;
                };
                evidence.extend(ctl.evidence.iter().map(|ev| SoaEvidence {
                    control: e.id.clone(),
                    title: ev.title.clone(),
                    at: ev.at.clone(),
                    collected: ev.collected.map(|d| d.to_string()),
                }));
            }
            let mut attributes = BTreeMap::new();
            for (name, values) in &req.attributes {
                attributes
                    .entry(name.clone())
                    .or_insert_with(|| values.clone());
            }
            let published: Vec<String> = match model
                .frameworks
                .get(req.framework)
                .and_then(|f| f.published.as_ref())
            {
                Some(names) => attributes
                    .keys()
                    .filter(|k| names.contains(k))
                    .cloned()
                    .collect(),
                None => attributes.keys().cloned().collect(),
            };
            controls.push(SoaControl {
                id: req.id.clone(),
                title: req.title.clone(),
                theme,
                theme_title,
                applicable: row.applicability == Applicability::Applicable,
                decision,
                justification,
                reasons,
                status: row.status.as_str(),
                implemented_by: ids(model, &row.implemented_by),
                risks: ids(model, &row.risks),
                obligations: ids(model, &row.obligations),
                policies: ids(model, &row.policies),
                owners: ids(model, &row.owners),
                evidence,
                due: row.due.map(|d| d.to_string()),
                attributes,
                published,
                refs: SoaRefs {
                    implemented_by: row.implemented_by.clone(),
                    risks: row.risks.clone(),
                    obligations: row.obligations.clone(),
                    policies: row.policies.clone(),
                    owners: row.owners.clone(),
                    reasons: row.reasons.iter().map(|r| r.sources.clone()).collect(),
                },
            });
        }
        let isms = model.isms.as_ref();
        let document = DocumentControl::new(model, facts, DocKind::Soa);
        let people = people(
            model,
            document
                .ids()
                .chain(controls.iter().flat_map(|c| c.refs.owners.iter().copied())),
        );
        Some(SoaDoc {
            schema_version: SCHEMA_VERSION,
            standard: soa.standard.clone(),
            standard_title,
            organization: isms.and_then(|i| i.organization.clone()),
            isms: isms.and_then(|i| i.title.clone()),
            document,
            people,
            summary: SoaSummary::of(&controls),
            controls,
        })
    }

    /// Keeps the rows for which `keep` is true (`ismsc soa --undecided`, `--theme`,
    /// `--status`); the summary then counts the rows kept.
    pub fn retain(&mut self, keep: impl FnMut(&SoaControl) -> bool) {
        self.controls.retain(keep);
        self.summary = SoaSummary::of(&self.controls);
    }
}

/// The risk criteria of a method, with the score of every cell.
fn method_doc(m: &crate::model::RiskMethod) -> RiskMethodDoc {
    let level = |(w, v): &(crate::model::Word, u32)| ScaleLevel {
        level: w.text.clone(),
        value: *v,
    };
    let scores = m
        .likelihood
        .levels
        .iter()
        .map(|(l, _)| {
            m.impact
                .levels
                .iter()
                .map(|(i, _)| {
                    crate::facts::register::score(
                        m,
                        &Rating {
                            likelihood: Some(l.clone()),
                            impact: Some(i.clone()),
                            span: m.span,
                        },
                    )
                })
                .collect()
        })
        .collect();
    RiskMethodDoc {
        description: m.description.clone(),
        likelihood: m.likelihood.levels.iter().map(level).collect(),
        impact: m.impact.levels.iter().map(level).collect(),
        scoring: if m.matrix.is_some() {
            "matrix"
        } else {
            "product"
        },
        scores,
        accept_at_or_below: m.accept_at_or_below,
    }
}

fn rating(r: &Rating, score: Option<u32>) -> RiskRating {
    RiskRating {
        likelihood: r.likelihood.as_ref().map(|w| w.text.clone()),
        impact: r.impact.as_ref().map(|w| w.text.clone()),
        score,
    }
}

impl RiskRegisterDoc {
    /// The risk register of the analysis.
    pub fn new(model: &Model, facts: &Facts) -> RiskRegisterDoc {
        let method = model.risk_method.as_ref();
        let link_id = |l: &crate::model::Link| model.target(l).map(|e| e.id.clone());
        // The nonconformities against each risk's controls.
        let mut against: Vec<(EntityId, EntityId)> = Vec::new();
        for f in &facts.records.findings {
            for r in records::risks_of(model, facts, f.nc) {
                against.push((r, f.nc));
            }
        }
        let mut risks = Vec::with_capacity(facts.register.risks.len());
        for assessed in &facts.register.risks {
            let Some(e) = model.entity(assessed.risk) else {
                continue;
            };
            let Data::Risk(r) = &e.data else { continue };
            let ncs: Vec<EntityId> = against
                .iter()
                .filter(|(risk, _)| *risk == assessed.risk)
                .map(|(_, nc)| *nc)
                .collect();
            risks.push(RiskEntry {
                id: e.id.clone(),
                title: e.title.clone(),
                owner: r.owner.as_ref().and_then(link_id),
                assets: r.assets.iter().filter_map(link_id).collect(),
                threat: r.threat.clone(),
                vulnerability: r.vulnerability.clone(),
                inherent: rating(&r.inherent, assessed.inherent),
                treatment: r.treatment.map(|w| w.value.as_str().to_string()),
                controls: r.controls.iter().filter_map(link_id).collect(),
                requires: r
                    .requires
                    .iter()
                    .filter(|q| q.target.is_some())
                    .map(|q| q.written())
                    .collect(),
                residual: r
                    .residual
                    .as_ref()
                    .map(|res| rating(res, assessed.residual)),
                acceptable: assessed.acceptable,
                accepted: r.accepted.as_ref().and_then(|a| {
                    Some(RiskAcceptance {
                        by: link_id(&a.who)?,
                        on: a.date.to_string(),
                        until: a.until.map(|d| d.to_string()),
                    })
                }),
                nonconformities: ids(model, &ncs),
                description: r.description.clone(),
                identified: r.identified.map(|d| d.to_string()),
                current: match assessed.basis {
                    crate::facts::register::Basis::Assessed => {
                        r.current.as_ref().map(|c| rating(c, assessed.current))
                    }
                    crate::facts::register::Basis::Treated => match &r.residual {
                        Some(res) => Some(rating(res, assessed.current)),
                        None => Some(rating(&r.inherent, assessed.current)),
                    },
                    crate::facts::register::Basis::Pending => {
                        Some(rating(&r.inherent, assessed.current))
                    }
                },
                current_basis: assessed.basis.as_str(),
                acceptable_now: assessed.acceptable_now,
                pending_controls: ids(model, &assessed.pending),
                refs: RiskRefs {
                    risk: assessed.risk,
                    owner: r.owner.as_ref().and_then(|o| o.target),
                    accepted_by: r.accepted.as_ref().and_then(|a| a.who.target),
                    controls: r.controls.iter().filter_map(|l| l.target).collect(),
                    nonconformities: ncs,
                },
            });
        }
        let isms = model.isms.as_ref();
        let document = DocumentControl::new(model, facts, DocKind::RiskRegister);
        let people = people(
            model,
            document.ids().chain(
                risks
                    .iter()
                    .flat_map(|r| r.refs.owner.into_iter().chain(r.refs.accepted_by)),
            ),
        );
        RiskRegisterDoc {
            schema_version: SCHEMA_VERSION,
            organization: isms.and_then(|i| i.organization.clone()),
            isms: isms.and_then(|i| i.title.clone()),
            accept_at_or_below: method.and_then(|m| m.accept_at_or_below),
            document,
            method: method.map(method_doc),
            people,
            risks,
        }
    }
}

/// `coverage/KEY.json`: the coverage of one framework the project opts into, graded from the
/// SoA and the mappings (see `facts::coverage`).
#[derive(Clone, Debug, Serialize)]
pub struct CoverageDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The framework's key, e.g. `nist-csf:2.0`.
    pub framework: String,
    /// Its title.
    pub title: Option<String>,
    /// The project's standard, whose controls the coverage comes through.
    pub standard: String,
    /// Whose data the framework and its mappings are, and under which licence.
    pub attribution: Vec<String>,
    /// Counts by grade.
    pub summary: CoverageSummary,
    /// One row per requirement, in catalogue order.
    pub requirements: Vec<CoverageRequirement>,
    /// How many mappings relate the framework to the standard (not serialised).
    #[serde(skip)]
    pub mappings: usize,
}

/// Counts of a coverage by grade.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CoverageSummary {
    /// Rows.
    pub total: usize,
    /// `full` rows.
    pub full: usize,
    /// `partial` rows.
    pub partial: usize,
    /// `none` rows.
    pub none: usize,
    /// `not-applicable` rows.
    pub not_applicable: usize,
}

/// One requirement of a framework and how it is covered.
#[derive(Clone, Debug, Serialize)]
pub struct CoverageRequirement {
    /// Its id, e.g. `PR.AA-01`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The outermost group's id (e.g. the CSF function).
    pub group: String,
    /// That group's title.
    pub group_title: String,
    /// `full`, `partial`, `none` or `not-applicable`.
    pub coverage: &'static str,
    /// The standard's requirements it is covered through (applicable ones), e.g. `A.5.15`.
    pub through: Vec<String>,
    /// Ids of the project's controls behind it.
    pub controls: Vec<String>,
    /// The exclusion's justification, when not applicable.
    pub justification: Option<String>,
    /// The entities behind `controls`, for the emitters that link them (not serialised).
    #[serde(skip)]
    pub control_refs: Vec<EntityId>,
    /// Every enclosing group, outermost first: `(id, title)` (not serialised).
    #[serde(skip)]
    pub groups: Vec<(String, String)>,
}

impl CoverageDoc {
    /// The document of one framework's coverage.
    pub fn new(model: &Model, c: &Coverage) -> CoverageDoc {
        let fw = model.frameworks.get(c.framework);
        let mut attribution: Vec<String> =
            fw.and_then(|f| f.attribution.clone()).into_iter().collect();
        attribution.extend(
            c.mappings
                .iter()
                .filter_map(|m| model.mappings.get(*m))
                .filter_map(|m| m.attribution.clone()),
        );
        let mut summary = CoverageSummary::default();
        let requirements: Vec<CoverageRequirement> = c
            .rows
            .iter()
            .filter_map(|row| {
                let r = model.requirement(row.req)?;
                summary.total += 1;
                match row.grade {
                    Grade::Full => summary.full += 1,
                    Grade::Partial => summary.partial += 1,
                    Grade::None => summary.none += 1,
                    Grade::NotApplicable => summary.not_applicable += 1,
                }
                let (group, group_title) = r.groups.first().cloned().unwrap_or_default();
                Some(CoverageRequirement {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    group,
                    group_title,
                    coverage: row.grade.as_str(),
                    through: row
                        .through
                        .iter()
                        .filter_map(|q| model.requirement(*q))
                        .map(|q| q.id.clone())
                        .collect(),
                    controls: ids(model, &row.controls),
                    justification: row
                        .exclusion
                        .and_then(|d| model.decisions.get(d))
                        .and_then(|d| d.reason.clone()),
                    control_refs: row.controls.clone(),
                    groups: r.groups.clone(),
                })
            })
            .collect();
        CoverageDoc {
            schema_version: SCHEMA_VERSION,
            framework: fw.map(|f| f.key.clone()).unwrap_or_default(),
            title: fw.and_then(|f| f.title.clone()),
            standard: model.standard().unwrap_or("").to_string(),
            attribution,
            summary,
            requirements,
            mappings: c.mappings.len(),
        }
    }

    /// The file name of this coverage in `coverage/`, without extension: the key with `:`
    /// and `/` as `-` (`nist-csf-2.0`).
    pub fn slug(&self) -> String {
        self.framework.replace([':', '/'], "-")
    }
}

/// `ismsc catalog`: the requirements of one framework, from the embedded catalogue (or a
/// project's own `framework`).
#[derive(Clone, Debug, Serialize)]
pub struct CatalogDoc {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The framework's key, e.g. `iso27001:2022`.
    pub framework: String,
    /// Its title.
    pub title: Option<String>,
    /// Its requirements, in catalogue order.
    pub requirements: Vec<CatalogRequirement>,
}

/// One requirement of a catalogue.
#[derive(Clone, Debug, Serialize)]
pub struct CatalogRequirement {
    /// Its id, e.g. `A.5.1`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The outermost group (the theme of Annex A 2022, the clause of 2013).
    pub group: String,
    /// That group's title.
    pub group_title: String,
    /// Every enclosing group, outermost first.
    pub groups: Vec<String>,
    /// The attributes, e.g. `control_type`.
    pub attributes: BTreeMap<String, Vec<String>>,
}

/// What `ismsc catalog` keeps: requirements in any of `groups` (at any level; all when
/// empty) that have every `attributes` pair.
#[derive(Clone, Debug, Default)]
pub struct CatalogFilter {
    /// Group ids, e.g. `technological` or `A.9.4`.
    pub groups: Vec<String>,
    /// `(name, value)` pairs, e.g. `("concepts", "protect")`.
    pub attributes: Vec<(String, String)>,
}

impl CatalogDoc {
    /// The catalogue of framework `key`; `None` when no such framework is declared.
    pub fn from_model(model: &Model, key: &str) -> Option<CatalogDoc> {
        let fw = model.frameworks.get(model.framework_index(key)?)?;
        let requirements = model
            .requirements_of(key)
            .map(|(_, r)| {
                let (group, group_title) = r.groups.first().cloned().unwrap_or_default();
                let mut attributes = BTreeMap::new();
                for (name, values) in &r.attributes {
                    attributes
                        .entry(name.clone())
                        .or_insert_with(|| values.clone());
                }
                CatalogRequirement {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    group,
                    group_title,
                    groups: r.groups.iter().map(|(id, _)| id.clone()).collect(),
                    attributes,
                }
            })
            .collect();
        Some(CatalogDoc {
            schema_version: SCHEMA_VERSION,
            framework: fw.key.clone(),
            title: fw.title.clone(),
            requirements,
        })
    }

    /// Keeps the requirements that pass `filter`. A group, attribute or value that no
    /// requirement of the catalogue has is an error naming the ones it has, so a typo does
    /// not pass for an empty result.
    pub fn filter(&mut self, filter: &CatalogFilter) -> Result<(), String> {
        for g in &filter.groups {
            if !self.requirements.iter().any(|r| r.groups.contains(g)) {
                let mut known: Vec<&str> = Vec::new();
                for r in &self.requirements {
                    for id in &r.groups {
                        if !known.contains(&id.as_str()) {
                            known.push(id);
                        }
                    }
                }
                return Err(format!(
                    "`{}` has no group `{g}`; its groups are: {}",
                    self.framework,
                    list_or_none(&known)
                ));
            }
        }
        for (name, value) in &filter.attributes {
            let values: Vec<&str> = {
                let mut v: Vec<&str> = self
                    .requirements
                    .iter()
                    .flat_map(|r| r.attributes.get(name).into_iter().flatten())
                    .map(String::as_str)
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            if values.is_empty() {
                let mut names: Vec<&str> = self
                    .requirements
                    .iter()
                    .flat_map(|r| r.attributes.keys())
                    .map(String::as_str)
                    .collect();
                names.sort_unstable();
                names.dedup();
                return Err(format!(
                    "the requirements of `{}` have no attribute `{name}`; they have: {}",
                    self.framework,
                    list_or_none(&names)
                ));
            }
            if !values.contains(&value.as_str()) {
                return Err(format!(
                    "no requirement of `{}` has `{name} = {value}`; the values of `{name}` are: {}",
                    self.framework,
                    list_or_none(&values)
                ));
            }
        }
        self.requirements.retain(|r| {
            (filter.groups.is_empty() || filter.groups.iter().any(|g| r.groups.contains(g)))
                && filter
                    .attributes
                    .iter()
                    .all(|(n, v)| r.attributes.get(n).is_some_and(|vs| vs.contains(v)))
        });
        Ok(())
    }
}

fn list_or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// The version of `ismsc diff --format json`, read as terraform reads its `format_version`:
/// a new minor version only adds keys (ignore the keys you do not know), a new major version
/// changes or removes some.
pub const DIFF_FORMAT_VERSION: &str = "1.0";

/// `ismsc diff --format json`: every change between two versions of a project.
#[derive(Clone, Debug, Serialize)]
pub struct DiffDoc {
    /// [`DIFF_FORMAT_VERSION`].
    pub format_version: &'static str,
    /// The old version, as named on the command line (a folder or a git revision).
    pub old: String,
    /// The new version, as named on the command line.
    pub new: String,
    /// Counts of the changes.
    pub summary: DiffSummary,
    /// The changes, sorted by kind (in the order of the sections), id (numbers compared as
    /// numbers) and class (in the order of the class table).
    pub changes: Vec<DiffChange>,
}

/// Counts of the changes of a diff.
#[derive(Clone, Debug, Serialize)]
pub struct DiffSummary {
    /// The one-line summary people read, e.g. "SoA: 3 rows changed (1 newly excluded) ·
    /// Risks: 1 added, 1 residual down".
    pub text: String,
    /// Changes.
    pub changes: usize,
    /// Changes by class id.
    pub by_class: BTreeMap<String, usize>,
    /// Changes by level (`info`, `notice`, `warning`).
    pub by_level: BTreeMap<String, usize>,
}

/// One change of one class.
#[derive(Clone, Debug, Serialize)]
pub struct DiffChange {
    /// `isms`, `soa`, `risk`, `action`, `control`, `policy`, `obligation`, `objective`,
    /// `asset`, `person`, `team` or `party`.
    pub kind: &'static str,
    /// The id: a requirement id for `soa`, `RISK/CONTROL` for `action` (`-` for a risk
    /// without controls), the (new) entity id otherwise.
    pub id: String,
    /// The title.
    pub title: Option<String>,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// The class id, e.g. `newly-excluded`.
    pub class: &'static str,
    /// The class's title.
    pub class_title: &'static str,
    /// The clause of ISO/IEC 27001 the class concerns.
    pub clause: &'static str,
    /// `info`, `notice` or `warning`.
    pub level: &'static str,
    /// The fields behind the change, by name; `null` where absent.
    pub fields: BTreeMap<String, DiffField>,
}

/// A field before and after.
#[derive(Clone, Debug, Serialize)]
pub struct DiffField {
    /// The value in the old version (`null` when absent).
    pub before: serde_json::Value,
    /// The value in the new version (`null` when absent).
    pub after: serde_json::Value,
}
