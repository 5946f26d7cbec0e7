//! The resolved ISMS as a petgraph graph, and its DOT and Mermaid renderings.
//!
//! Nodes are the project's named items and the requirements they reference; edges are
//! labelled with the field that makes them. Node and edge order follow the model's order, so
//! the renderings are deterministic.

use std::collections::HashMap;
use std::fmt::Write as _;

use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use super::{Data, EntityId, Link, Model, ReqId, ReqLink};

/// A node of the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// A named item.
    Entity(EntityId),
    /// A framework requirement.
    Requirement(ReqId),
}

/// The graph with lookups from model ids to nodes.
#[derive(Debug, Default)]
pub struct IsmsGraph {
    /// Edges are labelled with the field name.
    pub graph: StableDiGraph<Node, &'static str>,
    entities: HashMap<EntityId, NodeIndex>,
    requirements: HashMap<ReqId, NodeIndex>,
}

impl IsmsGraph {
    /// Builds the graph of the project's items (stdlib requirements appear only when used).
    pub fn build(model: &Model) -> IsmsGraph {
        let mut g = IsmsGraph::default();
        for (i, _) in model.entities.iter().enumerate() {
            let id = EntityId(i as u32);
            let n = g.graph.add_node(Node::Entity(id));
            g.entities.insert(id, n);
        }
        for (i, e) in model.entities.iter().enumerate() {
            let from = EntityId(i as u32);
            let mut links: Vec<(&'static str, &Link)> = Vec::new();
            let mut reqs: Vec<(&'static str, &ReqLink)> = Vec::new();
            match &e.data {
                Data::Person(_) | Data::Party(_) => {}
                Data::Team(t) => {
                    links.extend(t.lead.iter().map(|l| ("lead", l)));
                    links.extend(t.members.iter().map(|l| ("member", l)));
                    links.extend(t.parent.iter().map(|l| ("parent", l)));
                }
                Data::Asset(a) => {
                    links.extend(a.owner.iter().map(|l| ("owner", l)));
                    links.extend(a.depends_on.iter().map(|l| ("depends_on", l)));
                }
                Data::Risk(r) => {
                    links.extend(r.owner.iter().map(|l| ("owner", l)));
                    links.extend(r.assets.iter().map(|l| ("asset", l)));
                    links.extend(r.controls.iter().map(|l| ("treated_by", l)));
                    links.extend(r.accepted.iter().map(|s| ("accepted_by", &s.who)));
                    reqs.extend(r.requires.iter().map(|q| ("requires", q)));
                }
                Data::Control(c) => {
                    links.extend(c.owner.iter().map(|l| ("owner", l)));
                    links.extend(c.policies.iter().map(|l| ("policy", l)));
                    reqs.extend(c.satisfies.iter().map(|r| ("satisfies", r)));
                }
                Data::Policy(p) => {
                    links.extend(p.owner.iter().map(|l| ("owner", l)));
                    links.extend(p.approved.iter().map(|s| ("approved_by", &s.who)));
                    links.extend(p.parent.iter().map(|l| ("parent", l)));
                    reqs.extend(p.covers.iter().map(|r| ("covers", r)));
                }
                Data::Obligation(o) => links.extend(o.controls.iter().map(|l| ("requires", l))),
                Data::Objective(o) => {
                    links.extend(o.owner.iter().map(|l| ("owner", l)));
                    links.extend(o.controls.iter().map(|l| ("served_by", l)));
                }
            }
            let Some(&a) = g.entities.get(&from) else {
                continue;
            };
            for (label, l) in links {
                if let Some(b) = l.target.and_then(|t| g.entities.get(&t).copied()) {
                    g.graph.add_edge(a, b, label);
                }
            }
            for (label, r) in reqs {
                if let Some(t) = r.target {
                    let b = g.requirement_node(t);
                    g.graph.add_edge(a, b, label);
                }
            }
        }
        g
    }

    fn requirement_node(&mut self, id: ReqId) -> NodeIndex {
        if let Some(&n) = self.requirements.get(&id) {
            return n;
        }
        let n = self.graph.add_node(Node::Requirement(id));
        self.requirements.insert(id, n);
        n
    }

    /// The node of an entity.
    pub fn entity_node(&self, id: EntityId) -> Option<NodeIndex> {
        self.entities.get(&id).copied()
    }

    fn label(model: &Model, node: Node) -> (String, String, &'static str) {
        match node {
            Node::Entity(id) => match model.entity(id) {
                Some(e) => (
                    format!("{}:{}", e.kind.keyword(), e.id),
                    format!("{}\n{}", e.id, e.display()),
                    e.kind.keyword(),
                ),
                None => (String::new(), String::new(), ""),
            },
            Node::Requirement(id) => match model.requirement(id) {
                Some(r) => {
                    let fw = model
                        .frameworks
                        .get(r.framework)
                        .map(|f| f.key.as_str())
                        .unwrap_or("");
                    (
                        format!("{fw}/{}", r.id),
                        format!("{}\n{}", r.id, r.title),
                        "requirement",
                    )
                }
                None => (String::new(), String::new(), ""),
            },
        }
    }

    fn nodes(&self) -> Vec<(NodeIndex, Node)> {
        self.graph
            .node_indices()
            .filter_map(|n| self.graph.node_weight(n).map(|w| (n, *w)))
            .collect()
    }

    /// The graph in Graphviz DOT.
    pub fn to_dot(&self, model: &Model) -> String {
        let mut out = String::from(
            "digraph isms {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
        );
        let nodes = self.nodes();
        for (_, node) in &nodes {
            let (id, label, class) = Self::label(model, *node);
            let _ = writeln!(
                out,
                "  \"{}\" [label=\"{}\", class=\"{}\"];",
                dot_escape(&id),
                dot_escape(&label),
                class
            );
        }
        for e in (&self.graph).edge_references() {
            let (Some(a), Some(b)) = (
                self.graph.node_weight(e.source()),
                self.graph.node_weight(e.target()),
            ) else {
                continue;
            };
            let (a, _, _) = Self::label(model, *a);
            let (b, _, _) = Self::label(model, *b);
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\" [label=\"{}\"];",
                dot_escape(&a),
                dot_escape(&b),
                e.weight()
            );
        }
        out.push_str("}\n");
        out
    }

    /// The graph as a Mermaid flowchart.
    pub fn to_mermaid(&self, model: &Model) -> String {
        let mut out = String::from("flowchart LR\n");
        let nodes = self.nodes();
        let mut ids = HashMap::new();
        for (i, (n, node)) in nodes.iter().enumerate() {
            let (_, label, class) = Self::label(model, *node);
            let mid = format!("n{i}");
            let _ = writeln!(out, "  {mid}[\"{}\"]:::{class}", mermaid_escape(&label));
            ids.insert(*n, mid);
        }
        for e in (&self.graph).edge_references() {
            if let (Some(a), Some(b)) = (ids.get(&e.source()), ids.get(&e.target())) {
                let _ = writeln!(out, "  {a} -->|{}| {b}", e.weight());
            }
        }
        out
    }
}

/// Text for a quoted DOT string: `\\` and `"` escaped, a line break as `\\n`, control and
/// bidirectional characters shown by their stand-ins (`crate::text::visible`).
fn dot_escape(s: &str) -> String {
    crate::text::visible(s)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Text for a quoted Mermaid label. Mermaid decodes `#name;` and `#123;` entity codes in
/// labels, so `#` itself is written as an entity first (else `#lt;script#gt;` would become a
/// tag), then `"`, `<`, `>`, `&` and `;` (which ends a statement) as entities, a line break
/// as `<br/>`, and control and bidirectional characters by their stand-ins.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in crate::text::visible(s).chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            ';' => out.push_str("#59;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br/>"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_labels_hold_no_markup() {
        assert_eq!(
            mermaid_escape("#lt;script#gt; \"a\"; <b>&`x`"),
            "#35;lt#59;script#35;gt#59; #quot;a#quot;#59; #lt;b#gt;#amp;#96;x#96;"
        );
        assert_eq!(
            mermaid_escape("a\nb\u{1b}\u{202e}"),
            "a<br/>b\u{241b}#lt;U+202E#gt;"
        );
    }

    #[test]
    fn dot_strings_hold_no_raw_controls() {
        assert_eq!(dot_escape("a\"b\\\n\u{7}"), "a\\\"b\\\\\\n\u{2407}");
    }
}
