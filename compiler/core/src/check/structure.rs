//! E0301: hierarchies that must be acyclic (policy parents, team parents).

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::graph::IsmsGraph;
use crate::model::{Data, EntityId, Kind, Link, Model};

pub(super) fn check(model: &Model, _graph: &IsmsGraph, diags: &mut Diagnostics) {
    for (kind, what) in [(Kind::Policy, "policy"), (Kind::Team, "team")] {
        let parent = |d: &Data| -> Option<Link> {
            match d {
                Data::Policy(p) => p.parent.clone(),
                Data::Team(t) => t.parent.clone(),
                _ => None,
            }
        };
        let members: Vec<(EntityId, Option<Link>)> = model
            .of_kind(kind)
            .map(|(id, e)| (id, parent(&e.data)))
            .collect();
        let mut g: DiGraph<EntityId, ()> = DiGraph::new();
        let mut index = std::collections::HashMap::new();
        for (id, _) in &members {
            index.insert(*id, g.add_node(*id));
        }
        for (id, p) in &members {
            if let (Some(a), Some(b)) = (
                index.get(id),
                p.as_ref()
                    .and_then(|l| l.target)
                    .and_then(|t| index.get(&t)),
            ) {
                g.add_edge(*a, *b, ());
            }
        }
        let mut cycles = tarjan_scc(&g);
        cycles.sort();
        for scc in cycles {
            let self_loop = scc.len() == 1 && scc.first().is_some_and(|n| g.contains_edge(*n, *n));
            if scc.len() < 2 && !self_loop {
                continue;
            }
            let mut members_of_scc: Vec<EntityId> = scc
                .iter()
                .filter_map(|n| g.node_weight(*n).copied())
                .collect();
            members_of_scc.sort();
            let link_of = |id: EntityId| {
                members
                    .iter()
                    .find(|(m, _)| *m == id)
                    .and_then(|(_, l)| l.clone())
            };
            // Walk the parents from the first member, so the message reads in parent order.
            let mut ids: Vec<EntityId> = Vec::new();
            let mut cur = members_of_scc.first().copied();
            while let Some(c) = cur {
                if ids.contains(&c) {
                    break;
                }
                ids.push(c);
                cur = link_of(c).and_then(|l| l.target);
            }
            let Some(first) = ids.first().and_then(|id| model.entity(*id)) else {
                continue;
            };
            let mut names: Vec<String> = ids
                .iter()
                .filter_map(|id| model.entity(*id))
                .map(|e| format!("`{}`", e.id))
                .collect();
            names.push(format!("`{}`", first.id));
            let Some(first_link) = link_of(ids[0]) else {
                continue;
            };
            let mut d = Diagnostic::new(
                Code::E0301,
                first_link.span,
                format!("the {what} hierarchy has a cycle: {}", names.join(" → ")),
            )
            .primary_label(format!(
                "`{}` names `{}` as its parent",
                first.id, first_link.name
            ));
            for id in ids.iter().skip(1) {
                if let (Some(e), Some(l)) = (model.entity(*id), link_of(*id)) {
                    d = d.label(
                        l.span,
                        format!("`{}` names `{}` as its parent", e.id, l.name),
                    );
                }
            }
            diags.push(d.help(format!(
                "a {what} cannot be its own ancestor: remove one `parent` to break the cycle"
            )));
        }
    }
}
