//! Risk scoring and the register: each risk's scores under the project's risk method, and the
//! treatment plan, derived once per analysis.

use crate::model::{Data, EntityId, Kind, Model, Rating, RiskMethod};

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
                let acceptable = match (method, remaining) {
                    (Some(m), Some(s)) => acceptable(m, s),
                    _ => false,
                };
                Some(Assessed {
                    risk: id,
                    inherent,
                    residual,
                    remaining,
                    acceptable,
                })
            })
            .collect();
        Register { risks }
    }
}

/// The risk treatment plan (ISO/IEC 27001 6.1.3 e): per risk in register order, one action
/// per treating control in the order the risk lists them, or one action without a control.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The actions.
    pub actions: Vec<Action>,
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
            actions.extend(controls.into_iter().map(|c| Action {
                risk: i,
                control: Some(c),
            }));
        }
        Plan { actions }
    }
}
