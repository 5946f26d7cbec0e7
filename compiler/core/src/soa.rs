//! The Statement of Applicability, derived from the graph.
//!
//! For every requirement of the project's standard: whether it is applicable (a control
//! satisfies it, or an `included` decision names it), excluded (an `excluded` decision) or
//! undecided; the reasons for inclusion (risks treated by its controls or requiring it,
//! obligations calling for its controls, explicit `included` statements); the implementing
//! controls with their aggregated status, owners, policies and evidence. The checks and every
//! SoA output read this one derivation.

use std::collections::BTreeSet;

use crate::model::{Data, Decision, EntityId, Model, ReqId, Verdict};

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
pub struct Row<'m> {
    /// The requirement.
    pub req: ReqId,
    /// Applicable, excluded or undecided.
    pub applicability: Applicability,
    /// The `excluded` decision, if any.
    pub exclusion: Option<&'m Decision>,
    /// The `included` decision, if any.
    pub inclusion: Option<&'m Decision>,
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

/// The SoA of the project's standard.
#[derive(Clone, Debug)]
pub struct Soa<'m> {
    /// The standard's key.
    pub standard: &'m str,
    /// One row per requirement, in catalogue order.
    pub rows: Vec<Row<'m>>,
}

fn ordered(set: BTreeSet<EntityId>) -> Vec<EntityId> {
    set.into_iter().collect()
}

/// Derives the SoA; `None` when the project has no (known) standard.
pub fn derive(model: &Model) -> Option<Soa<'_>> {
    let standard = model.standard()?;
    let fw = model.framework_index(standard)?;
    let n = model.requirements.len();
    let mut satisfied_by: Vec<BTreeSet<EntityId>> = vec![BTreeSet::new(); n];
    let mut covered_by: Vec<BTreeSet<EntityId>> = vec![BTreeSet::new(); n];
    let mut required_by: Vec<BTreeSet<EntityId>> = vec![BTreeSet::new(); n];
    // control → risks treating it, obligations calling for it
    let mut control_risks: Vec<BTreeSet<EntityId>> = vec![BTreeSet::new(); model.entities.len()];
    let mut control_obligations: Vec<BTreeSet<EntityId>> =
        vec![BTreeSet::new(); model.entities.len()];
    for (i, e) in model.entities.iter().enumerate() {
        let id = EntityId(i as u32);
        match &e.data {
            Data::Control(c) => {
                for r in c.satisfies.iter().filter_map(|r| r.target) {
                    satisfied_by[r.0 as usize].insert(id);
                }
            }
            Data::Policy(p) => {
                for r in p.covers.iter().filter_map(|r| r.target) {
                    covered_by[r.0 as usize].insert(id);
                }
            }
            Data::Risk(r) => {
                for c in r.controls.iter().filter_map(|l| l.target) {
                    control_risks[c.0 as usize].insert(id);
                }
                for q in r.requires.iter().filter_map(|q| q.target) {
                    required_by[q.0 as usize].insert(id);
                }
            }
            Data::Obligation(o) => {
                for c in o.controls.iter().filter_map(|l| l.target) {
                    control_obligations[c.0 as usize].insert(id);
                }
            }
            _ => {}
        }
    }
    let mut excluded: Vec<Option<&Decision>> = vec![None; n];
    let mut included: Vec<Option<&Decision>> = vec![None; n];
    for d in &model.decisions {
        let Some(t) = d.req.target else { continue };
        let slot = match d.verdict {
            Verdict::Excluded => &mut excluded[t.0 as usize],
            Verdict::Included => &mut included[t.0 as usize],
        };
        if slot.is_none() {
            *slot = Some(d);
        }
    }

    let mut rows = Vec::new();
    for (i, r) in model.requirements.iter().enumerate() {
        if r.framework != fw {
            continue;
        }
        let controls = &satisfied_by[i];
        let mut risks: BTreeSet<EntityId> = required_by[i].clone();
        let mut obligations = BTreeSet::new();
        let mut owners = BTreeSet::new();
        let mut policies = covered_by[i].clone();
        let mut status: Option<Status> = None;
        for c in controls {
            risks.extend(control_risks[c.0 as usize].iter().copied());
            obligations.extend(control_obligations[c.0 as usize].iter().copied());
            if let Some(Data::Control(ctl)) = model.entity(*c).map(|e| &e.data) {
                owners.extend(ctl.owner.as_ref().and_then(|o| o.target));
                policies.extend(ctl.policies.iter().filter_map(|p| p.target));
                let s = match ctl.status.as_ref().map(|w| w.text.as_str()) {
                    Some("implemented") => Status::Implemented,
                    Some("partial") => Status::Partial,
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
        let applicability = if excluded[i].is_some() {
            Applicability::Excluded
        } else if !controls.is_empty() || included[i].is_some() {
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
                sources: risks.iter().copied().collect(),
                text: None,
            });
        }
        for (kind, word) in [
            (ReasonKind::Legal, "legal"),
            (ReasonKind::Regulatory, "regulatory"),
            (ReasonKind::Contractual, "contractual"),
        ] {
            let of_kind: Vec<EntityId> = obligations
                .iter()
                .copied()
                .filter(|o| {
                    matches!(model.entity(*o).map(|e| &e.data), Some(Data::Obligation(ob)) if ob.kind.as_ref().is_some_and(|k| k.text == word))
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
        if let Some(d) =
            included[i].filter(|d| d.reason.as_deref().is_some_and(|r| !r.trim().is_empty()))
        {
            reasons.push(Reason {
                kind: ReasonKind::Business,
                sources: Vec::new(),
                text: d.reason.clone(),
            });
        }
        rows.push(Row {
            req: ReqId(i as u32),
            applicability,
            exclusion: excluded[i],
            inclusion: included[i],
            implemented_by: controls.iter().copied().collect(),
            risks: ordered(risks),
            obligations: ordered(obligations),
            reasons,
            status,
            policies: ordered(policies),
            owners: ordered(owners),
        });
    }
    Some(Soa { standard, rows })
}
