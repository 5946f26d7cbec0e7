//! The Statement of Applicability, derived from the graph.
//!
//! For every requirement of the project's standard: whether it is applicable (a control
//! satisfies it, or an `included` decision names it), excluded (an `excluded` decision) or
//! undecided; the reasons for inclusion (risks treated by its controls or requiring it,
//! obligations calling for its controls, explicit `included` statements); the implementing
//! controls with their aggregated status, owners, policies and evidence. It is derived once per
//! analysis, from the reference index ([`super::Facts::soa`]); the checks and every SoA output
//! read that one result.

use super::index::{Field, Node, RefIndex, Site};
use crate::model::{
    ControlStatus, Data, Decision, EntityId, Model, ObligationKind, ReqId, Verdict,
};

/// Whether a requirement is in the SoA as applicable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// Applicable: satisfied by a control or explicitly included.
    Applicable,
    /// Excluded with an `excluded` decision.
    Excluded,
    /// No decision at all: a gap.
    Undecided,
}

/// Where a reason for inclusion comes from (ISO/IEC 27001 6.1.3 d).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReasonKind {
    /// Risk treatment.
    Risk,
    /// A legal obligation.
    Legal,
    /// A regulatory obligation.
    Regulatory,
    /// A contractual obligation.
    Contractual,
    /// Business requirement or best practice (an explicit `included`).
    Business,
}

impl ReasonKind {
    /// `"risk"`, `"legal"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Risk => "risk",
            ReasonKind::Legal => "legal",
            ReasonKind::Regulatory => "regulatory",
            ReasonKind::Contractual => "contractual",
            ReasonKind::Business => "business",
        }
    }
}

/// One reason for including a requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// Its kind.
    pub kind: ReasonKind,
    /// The risks or obligations behind it (empty for business reasons).
    pub sources: Vec<EntityId>,
    /// The explicit justification text, for business reasons.
    pub text: Option<String>,
}

/// Aggregated implementation status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// No decision yet (the row is undecided).
    Undecided,
    /// Excluded.
    NotApplicable,
    /// Applicable, but no control implements it.
    NotImplemented,
    /// Every implementing control is planned.
    Planned,
    /// Some implementation exists.
    Partial,
    /// Every implementing control is implemented.
    Implemented,
}

impl Status {
    /// `"implemented"`, `"not-applicable"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Undecided => "undecided",
            Status::NotApplicable => "not-applicable",
            Status::NotImplemented => "not-implemented",
            Status::Planned => "planned",
            Status::Partial => "partial",
            Status::Implemented => "implemented",
        }
    }
}

/// One row of the SoA.
#[derive(Clone, Debug)]
pub struct Row {
    /// The requirement.
    pub req: ReqId,
    /// Applicable, excluded or undecided.
    pub applicability: Applicability,
    /// The `excluded` decision, if any (index in `Model::decisions`).
    pub exclusion: Option<usize>,
    /// The `included` decision, if any (index in `Model::decisions`).
    pub inclusion: Option<usize>,
    /// Controls that satisfy it, in model order.
    pub implemented_by: Vec<EntityId>,
    /// Risks treated by those controls or requiring the requirement.
    pub risks: Vec<EntityId>,
    /// Obligations that call for those controls.
    pub obligations: Vec<EntityId>,
    /// Reasons for inclusion, by kind.
    pub reasons: Vec<Reason>,
    /// Aggregated status.
    pub status: Status,
    /// Policies of the implementing controls and policies that cover it.
    pub policies: Vec<EntityId>,
    /// Owners of the implementing controls.
    pub owners: Vec<EntityId>,
}

impl Row {
    /// The `excluded` decision.
    pub fn exclusion<'m>(&self, model: &'m Model) -> Option<&'m Decision> {
        self.exclusion.and_then(|i| model.decisions.get(i))
    }

    /// The `included` decision.
    pub fn inclusion<'m>(&self, model: &'m Model) -> Option<&'m Decision> {
        self.inclusion.and_then(|i| model.decisions.get(i))
    }
}

/// The SoA of the project's standard.
#[derive(Clone, Debug)]
pub struct Soa {
    /// The standard's key.
    pub standard: String,
    /// One row per requirement, in catalogue order.
    pub rows: Vec<Row>,
}

fn ordered(mut v: Vec<EntityId>) -> Vec<EntityId> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Derives the SoA from the reference index; `None` when the project has no (known)
/// standard. Only [`super::Facts::derive`] calls it: every consumer reads the one result.
pub(super) fn derive(model: &Model, index: &RefIndex) -> Option<Soa> {
    let standard = model.standard()?;
    let fw = model.framework_index(standard)?;
    let entities_of = |node: Node, field: Field| -> Vec<EntityId> {
        index
            .referring(node, field)
            .into_iter()
            .map(|(e, _)| e)
            .collect()
    };
    let mut rows = Vec::new();
    for (i, r) in model.requirements.iter().enumerate() {
        if r.framework != fw {
            continue;
        }
        let req = ReqId(i as u32);
        let node = Node::Requirement(req);
        let controls = ordered(entities_of(node, Field::Satisfies));
        let mut risks = entities_of(node, Field::Requires);
        let mut policies = entities_of(node, Field::Covers);
        // The first `excluded` and the first `included` decision, in model order.
        let mut excluded = None;
        let mut included = None;
        for (site, _) in index.referrers(node) {
            let Node::Site(Site::Decision(d)) = site else {
                continue;
            };
            let d = d as usize;
            let slot = match model.decisions.get(d).map(|x| x.verdict) {
                Some(Verdict::Excluded) => &mut excluded,
                Some(Verdict::Included) => &mut included,
                None => continue,
            };
            if slot.is_none_or(|s: usize| d < s) {
                *slot = Some(d);
            }
        }
        let mut obligations = Vec::new();
        let mut owners = Vec::new();
        let mut status: Option<Status> = None;
        for c in &controls {
            let cn = Node::Entity(*c);
            risks.extend(entities_of(cn, Field::TreatedBy));
            obligations.extend(entities_of(cn, Field::CallsFor));
            if let Some(Data::Control(ctl)) = model.entity(*c).map(|e| &e.data) {
                owners.extend(ctl.owner.as_ref().and_then(|o| o.target));
                policies.extend(ctl.policies.iter().filter_map(|p| p.target));
                let s = match ctl.status.map(|w| w.value) {
                    Some(ControlStatus::Implemented) => Status::Implemented,
                    Some(ControlStatus::Partial) => Status::Partial,
                    _ => Status::Planned,
                };
                status = Some(match (status, s) {
                    (None, s) => s,
                    (Some(a), b) if a == b => a,
                    // a mix of states is partial, unless everything is merely planned
                    (Some(_), _) => Status::Partial,
                });
            }
        }
        let risks = ordered(risks);
        let obligations = ordered(obligations);
        let applicability = if excluded.is_some() {
            Applicability::Excluded
        } else if !controls.is_empty() || included.is_some() {
            Applicability::Applicable
        } else {
            Applicability::Undecided
        };
        let status = match applicability {
            Applicability::Excluded => Status::NotApplicable,
            Applicability::Undecided => Status::Undecided,
            Applicability::Applicable => status.unwrap_or(Status::NotImplemented),
        };
        let mut reasons = Vec::new();
        if !risks.is_empty() {
            reasons.push(Reason {
                kind: ReasonKind::Risk,
                sources: risks.clone(),
                text: None,
            });
        }
        for (kind, word) in [
            (ReasonKind::Legal, ObligationKind::Legal),
            (ReasonKind::Regulatory, ObligationKind::Regulatory),
            (ReasonKind::Contractual, ObligationKind::Contractual),
        ] {
            let of_kind: Vec<EntityId> = obligations
                .iter()
                .copied()
                .filter(|o| {
                    matches!(model.entity(*o).map(|e| &e.data), Some(Data::Obligation(ob)) if ob.kind.is_some_and(|k| k.value == word))
                })
                .collect();
            if !of_kind.is_empty() {
                reasons.push(Reason {
                    kind,
                    sources: of_kind,
                    text: None,
                });
            }
        }
        if let Some(d) = included
            .and_then(|i| model.decisions.get(i))
            .filter(|d| d.reason.as_deref().is_some_and(|r| !r.trim().is_empty()))
        {
            reasons.push(Reason {
                kind: ReasonKind::Business,
                sources: Vec::new(),
                text: d.reason.clone(),
            });
        }
        rows.push(Row {
            req,
            applicability,
            exclusion: excluded,
            inclusion: included,
            implemented_by: controls,
            risks,
            obligations,
            reasons,
            status,
            policies: ordered(policies),
            owners: ordered(owners),
        });
    }
    Some(Soa {
        standard: standard.to_string(),
        rows,
    })
}
