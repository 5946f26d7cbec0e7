//! E0301: hierarchies that must be acyclic (policy parents, team parents).

use petgraph::algo::tarjan_scc;
use petgraph::visit::EdgeFiltered;

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::facts::{Facts, Field, Node};
use crate::model::{Data, EntityId, Kind, Link, Model};

pub(super) fn check(model: &Model, facts: &Facts, diags: &mut Diagnostics) {
    // The cycles of `parent` references, found on the reference index itself.
    let graph = facts.index.graph();
    let parents = EdgeFiltered::from_fn(graph, |e| e.weight().field == Field::Parent);
    let mut cycles: Vec<Vec<EntityId>> = tarjan_scc(&parents)
        .into_iter()
        .filter_map(|scc| {
            let self_loop = scc.len() == 1
                && scc.first().is_some_and(|n| {
                    graph
                        .edges_connecting(*n, *n)
                        .any(|e| e.weight().field == Field::Parent)
                });
            if scc.len() < 2 && !self_loop {
                return None;
            }
            let mut ids: Vec<EntityId> = scc
                .iter()
                .filter_map(|n| match graph.node_weight(*n) {
                    Some(Node::Entity(e)) => Some(*e),
                    _ => None,
                })
                .collect();
            ids.sort();
            Some(ids)
        })
        .collect();
    cycles.sort();
    for (kind, what) in [(Kind::Policy, "policy"), (Kind::Team, "team")] {
        let parent = |id: EntityId| -> Option<Link> {
            match model.entity(id).map(|e| &e.data) {
                Some(Data::Policy(p)) => p.parent.clone(),
                Some(Data::Team(t)) => t.parent.clone(),
                _ => None,
            }
        };
        for members_of_scc in cycles.iter().filter(|c| {
            c.first()
                .and_then(|id| model.entity(*id))
                .is_some_and(|e| e.kind == kind)
        }) {
            let link_of = parent;
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
