//! Risk scoring and the register: each risk's scores under the project's risk method, and the
//! treatment plan, derived once per analysis.

use crate::model::{ControlStatus, Data, EntityId, Kind, Model, Rating, RiskMethod};

/// The score of a rating: the declared matrix's cell, or likelihood × impact. `None` when
/// the rating is incomplete or names levels the method does not have.
pub fn score(method: &RiskMethod, rating: &Rating) -> Option<u32> {
    let l = rating.likelihood.as_ref()?;
    let i = rating.impact.as_ref()?;
    let lv = method.likelihood.value(&l.text)?;
    let iv = method.impact.value(&i.text)?;
    if let Some(matrix) = &method.matrix {
        let col = method
            .impact
            .levels
            .iter()
            .position(|(w, _)| w.text == i.text)?;
        let (_, row) = matrix.iter().find(|(w, _)| w.text == l.text)?;
        return row.get(col).copied();
    }
    Some(lv.saturating_mul(iv))
}

/// Whether a score is at or below the acceptance threshold.
pub fn acceptable(method: &RiskMethod, score: u32) -> bool {
    method.accept_at_or_below.is_some_and(|t| score <= t)
}

/// The assessed risks, in model order: each risk's scores under the method, derived once per
/// analysis.
#[derive(Clone, Debug, Default)]
pub struct Register {
    /// One entry per risk, in model order.
    pub risks: Vec<Assessed>,
}

/// One risk's scores.
#[derive(Clone, Debug)]
pub struct Assessed {
    /// The risk.
    pub risk: EntityId,
    /// The inherent score, when both levels are known.
    pub inherent: Option<u32>,
    /// The residual score, when a residual rating is given and both its levels are known.
    pub residual: Option<u32>,
    /// The score of what remains: the residual if assessed, else the inherent.
    pub remaining: Option<u32>,
    /// Whether what remains is at or below the acceptance threshold.
    pub acceptable: bool,
    /// The score today, with the controls implemented so far (see [`Basis`]).
    pub current: Option<u32>,
    /// Where the score today comes from.
    pub basis: Basis,
    /// The treating controls not implemented yet (`planned`, `partial`, or without status).
    pub pending: Vec<EntityId>,
    /// Whether the score today is at or below the acceptance threshold.
    pub acceptable_now: bool,
}

/// Where a risk's score today comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// A `current { … }` rating of the risk as it stands.
    Assessed,
    /// Every treating control is implemented (or there are none): the residual (else the
    /// inherent) rating holds today.
    Treated,
    /// Treating controls are pending and no `current` rating is given: the inherent rating
    /// stands until they are implemented.
    Pending,
}

impl Basis {
    /// `"assessed"`, `"treated"`, `"pending"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Assessed => "assessed",
            Basis::Treated => "treated",
            Basis::Pending => "pending",
        }
    }
}

/// Whether a control is not implemented yet (a control without status counts as planned).
pub fn pending(model: &Model, control: EntityId) -> bool {
    match model.entity(control).map(|e| &e.data) {
        Some(Data::Control(c)) => c.status.map(|w| w.value) != Some(ControlStatus::Implemented),
        _ => false,
    }
}

impl Register {
    /// The register of a resolved model.
    pub(super) fn derive(model: &Model) -> Register {
        let method = model.risk_method.as_ref();
        let risks = model
            .of_kind(Kind::Risk)
            .filter_map(|(id, e)| {
                let Data::Risk(r) = &e.data else { return None };
                let inherent = method.and_then(|m| score(m, &r.inherent));
                let residual = r
                    .residual
                    .as_ref()
                    .and_then(|res| method.and_then(|m| score(m, res)));
                let remaining = residual.or(inherent);
                let judge = |score: Option<u32>| match (method, score) {
                    (Some(m), Some(s)) => acceptable(m, s),
                    _ => false,
                };
                let mut pending_controls: Vec<EntityId> = Vec::new();
                for c in r.controls.iter().filter_map(|l| l.target) {
                    if pending(model, c) && !pending_controls.contains(&c) {
                        pending_controls.push(c);
                    }
                }
                let (current, basis) = match &r.current {
                    Some(cur) => (method.and_then(|m| score(m, cur)), Basis::Assessed),
                    None if pending_controls.is_empty() => (remaining, Basis::Treated),
                    None => (inherent, Basis::Pending),
                };
                Some(Assessed {
                    risk: id,
                    inherent,
                    residual,
                    remaining,
                    acceptable: judge(remaining),
                    current,
                    basis,
                    pending: pending_controls,
                    acceptable_now: judge(current),
                })
            })
            .collect();
        Register { risks }
    }
}

/// The risk treatment plan (ISO/IEC 27001 6.1.3 e): per risk in register order, one action
/// per treating control in the order the risk lists them, or one action without a control.
/// The plan proper is [`Plan::open`]: one action per treating control not implemented yet,
/// with the risks it serves; the implemented ones are [`Plan::implemented`].
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Every line of risk and treating control.
    pub actions: Vec<Action>,
    /// The treating controls not implemented yet, each once, in the order they first appear
    /// (risk by risk), with the indices in [`Register::risks`] of the risks they treat.
    pub open: Vec<(EntityId, Vec<usize>)>,
    /// The treating controls already implemented, in the same order, with their risks.
    pub implemented: Vec<(EntityId, Vec<usize>)>,
}

/// One action of the plan: a risk and a control that treats it.
#[derive(Clone, Copy, Debug)]
pub struct Action {
    /// Index of the risk in [`Register::risks`].
    pub risk: usize,
    /// The treating control; `None` for a risk treated without controls.
    pub control: Option<EntityId>,
}

impl Plan {
    /// The plan of a register.
    pub(super) fn derive(model: &Model, register: &Register) -> Plan {
        let mut actions = Vec::new();
        let mut open: Vec<(EntityId, Vec<usize>)> = Vec::new();
        let mut implemented: Vec<(EntityId, Vec<usize>)> = Vec::new();
        // Where each control is in `open` or `implemented` (first seen, first listed).
        let mut at: rustc_hash::FxHashMap<EntityId, usize> = Default::default();
        for (i, a) in register.risks.iter().enumerate() {
            let controls: Vec<EntityId> = match model.entity(a.risk).map(|e| &e.data) {
                Some(Data::Risk(r)) => r
                    .controls
                    .iter()
                    .filter_map(|l| l.target)
                    .filter(|t| model.entity(*t).is_some())
                    .collect(),
                _ => Vec::new(),
            };
            if controls.is_empty() {
                actions.push(Action {
                    risk: i,
                    control: None,
                });
            }
            for c in &controls {
                let list = if pending(model, *c) {
                    &mut open
                } else {
                    &mut implemented
                };
                match at.get(c).and_then(|&k| list.get_mut(k)) {
                    // Risks come in order: a risk naming a control twice is listed once.
                    Some((_, risks)) if risks.last() != Some(&i) => risks.push(i),
                    Some(_) => {}
                    None => {
                        at.insert(*c, list.len());
                        list.push((*c, vec![i]));
                    }
                }
            }
            actions.extend(controls.into_iter().map(|c| Action {
                risk: i,
                control: Some(c),
            }));
        }
        Plan {
            actions,
            open,
            implemented,
        }
    }
}
