//! Coverage of the frameworks a project opts into (`frameworks = [...]`), graded from the
//! SoA and the mappings: do the work once, report it against many frameworks.
//!
//! For each requirement of an opted-in framework:
//! - **not-applicable** when an `excluded` decision names it;
//! - **full** when an implemented control satisfies it directly, or an applicable, implemented
//!   requirement of the standard covers it wholly through a mapping (`equal`, or the
//!   standard's requirement a `superset` of it);
//! - **partial** when a control satisfies it directly but is only planned or partial, or an
//!   applicable requirement of the standard relates to it in any other way (`subset`,
//!   `intersects`, or a whole relation whose requirement is not implemented yet);
//! - **none** otherwise.
//!
//! Each row names the requirements of the standard it is covered through and the project's
//! controls behind it.

use super::index::{Field, Node, RefIndex};
use super::soa::{Applicability, Soa, Status};
use crate::model::{ControlStatus, Data, EntityId, Model, Relation, ReqId, Verdict};

/// How well a requirement is covered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grade {
    /// Excluded with a justification.
    NotApplicable,
    /// Not covered.
    None,
    /// Partly covered.
    Partial,
    /// Wholly covered.
    Full,
}

impl Grade {
    /// `"full"`, `"partial"`, `"none"`, `"not-applicable"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::NotApplicable => "not-applicable",
            Grade::None => "none",
            Grade::Partial => "partial",
            Grade::Full => "full",
        }
    }
}

/// One requirement of an opted-in framework.
#[derive(Clone, Debug)]
pub struct Row {
    /// The requirement.
    pub req: ReqId,
    /// Its grade.
    pub grade: Grade,
    /// The applicable requirements of the standard it is covered through, in catalogue order.
    pub through: Vec<ReqId>,
    /// The project's controls behind it: those satisfying it directly and those implementing
    /// the requirements it is covered through, in model order.
    pub controls: Vec<EntityId>,
    /// The `excluded` decision, if any (index in `Model::decisions`).
    pub exclusion: Option<usize>,
}

/// The coverage of one framework.
#[derive(Clone, Debug)]
pub struct Coverage {
    /// The framework (index in `Model::frameworks`).
    pub framework: usize,
    /// One row per requirement, in catalogue order.
    pub rows: Vec<Row>,
    /// The mappings the grades come from (indices in `Model::mappings`).
    pub mappings: Vec<usize>,
}

/// The coverage of every opted-in framework, in the order opted in.
pub(super) fn derive(model: &Model, index: &RefIndex, soa: Option<&Soa>) -> Vec<Coverage> {
    let Some(soa) = soa else {
        return Vec::new();
    };
    // The SoA row of each requirement of the standard.
    let mut row_of: Vec<Option<usize>> = vec![None; model.requirements.len()];
    for (i, r) in soa.rows.iter().enumerate() {
        if let Some(slot) = row_of.get_mut(r.req.0 as usize) {
            *slot = Some(i);
        }
    }
    model
        .opted_in()
        .into_iter()
        .map(|fw| framework(model, index, soa, &row_of, fw))
        .collect()
}

/// The coverage of one framework, opted into or not (`ismsc coverage --framework KEY` for a
/// framework the project does not opt into yet); `None` without an SoA.
pub fn of_framework(
    model: &Model,
    index: &RefIndex,
    soa: Option<&Soa>,
    fw: usize,
) -> Option<Coverage> {
    let soa = soa?;
    let mut row_of: Vec<Option<usize>> = vec![None; model.requirements.len()];
    for (i, r) in soa.rows.iter().enumerate() {
        if let Some(slot) = row_of.get_mut(r.req.0 as usize) {
            *slot = Some(i);
        }
    }
    Some(framework(model, index, soa, &row_of, fw))
}

fn framework(
    model: &Model,
    index: &RefIndex,
    soa: &Soa,
    row_of: &[Option<usize>],
    fw: usize,
) -> Coverage {
    let key = model
        .frameworks
        .get(fw)
        .map(|f| f.key.as_str())
        .unwrap_or("");
    let std_key = soa.standard.as_str();
    // Each requirement's relations to requirements of the standard, from the mappings between
    // the two in either direction, read once: (requirement of the standard, whole).
    let mut related: Vec<Vec<(ReqId, bool)>> = vec![Vec::new(); model.requirements.len()];
    let mut mappings = Vec::new();
    for (m, mapping) in model.mappings.iter().enumerate() {
        let forward = mapping.from == key && mapping.to == std_key;
        let backward = mapping.from == std_key && mapping.to == key;
        if !forward && !backward {
            continue;
        }
        mappings.push(m);
        for l in &mapping.links {
            let (Some(from), Some(to)) = (l.from.target, l.to.target) else {
                continue;
            };
            // `whole`: the standard's requirement covers all of the framework's.
            let (ours, theirs, whole) = if forward {
                (
                    from,
                    to,
                    matches!(l.relation, Relation::Equal | Relation::Subset),
                )
            } else {
                (
                    to,
                    from,
                    matches!(l.relation, Relation::Equal | Relation::Superset),
                )
            };
            if let Some(v) = related.get_mut(ours.0 as usize) {
                v.push((theirs, whole));
            }
        }
    }
    let mut rows = Vec::new();
    for (i, r) in model.requirements.iter().enumerate() {
        if r.framework != fw {
            continue;
        }
        let req = ReqId(i as u32);
        let node = Node::Requirement(req);
        // An `excluded` decision: the first in model order.
        let exclusion = index
            .referrers(node)
            .into_iter()
            .filter_map(|(n, _)| match n {
                Node::Site(super::index::Site::Decision(d)) => Some(d as usize),
                _ => None,
            })
            .filter(|d| {
                model
                    .decisions
                    .get(*d)
                    .is_some_and(|x| x.verdict == Verdict::Excluded)
            })
            .min();
        let direct: Vec<EntityId> = index
            .referring(node, Field::Satisfies)
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        let mut grade = Grade::None;
        for c in &direct {
            let implemented = matches!(
                model.entity(*c).map(|e| &e.data),
                Some(Data::Control(ctl)) if ctl.status.map(|s| s.value) == Some(ControlStatus::Implemented)
            );
            grade = grade.max(if implemented {
                Grade::Full
            } else {
                Grade::Partial
            });
        }
        let mut through = Vec::new();
        let mut controls = direct;
        for &(theirs, whole) in related.get(i).map(Vec::as_slice).unwrap_or(&[]) {
            let Some(row) = row_of
                .get(theirs.0 as usize)
                .copied()
                .flatten()
                .and_then(|r| soa.rows.get(r))
            else {
                continue;
            };
            if row.applicability != Applicability::Applicable {
                continue;
            }
            through.push(theirs);
            controls.extend(row.implemented_by.iter().copied());
            grade = grade.max(if whole && row.status == Status::Implemented {
                Grade::Full
            } else {
                Grade::Partial
            });
        }
        if exclusion.is_some() {
            grade = Grade::NotApplicable;
        }
        through.sort_unstable();
        through.dedup();
        controls.sort_unstable();
        controls.dedup();
        rows.push(Row {
            req,
            grade,
            through,
            controls,
            exclusion,
        });
    }
    Coverage {
        framework: fw,
        rows,
        mappings,
    }
}
