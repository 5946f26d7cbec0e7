//! The reference index: the resolved ISMS as a petgraph graph, built once per analysis.
//!
//! Nodes are every entity, every requirement of every framework, every management-system
//! clause, and the places that refer without being entities (the `isms` and `scope` blocks,
//! each `applicability` decision, each `mapping`). Each edge is one resolved reference, from where it is written to what it
//! names, with the field that makes it and the span where it is written. So "what satisfies
//! `A.5.17`", "which risks does `mfa` treat" and "who refers to `ciso`" are lookups of the
//! edges at one node, never scans of the model; the SoA, the checks, the graph outputs and the
//! language server all read it.
//!
//! Node indices are fixed: entity `i` is node `i`, requirement `j` is node `entities + j`,
//! clause `k` is node `entities + requirements + k`, then the sites in the order of [`Site`]'s
//! construction. Edges are added in model order,
//! entity by entity, so every walk is deterministic.

use std::fmt::Write as _;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use petgraph::Direction;

use std::sync::OnceLock;

use crate::model::{
    ClauseId, ClauseLink, Data, EntityId, Link, Model, ReqId, ReqLink, Source, Subject,
};
use crate::source::{FileId, Span};

/// A node of the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    /// A named item.
    Entity(EntityId),
    /// A requirement of a framework.
    Requirement(ReqId),
    /// A management-system clause (`9.2`).
    Clause(ClauseId),
    /// A place that refers without being an entity.
    Site(Site),
}

/// A place that refers to entities or requirements without being an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Site {
    /// The `isms` block (its `owner`).
    Isms,
    /// The `scope` block (`includes`, `excludes`).
    Scope,
    /// The decision at this index of `Model::decisions`.
    Decision(u32),
    /// The mapping at this index of `Model::mappings`.
    Mapping(u32),
}

/// The field that makes a reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// `owner` of an asset, risk, control, policy, objective, nonconformity or the `isms`
    /// block.
    Owner,
    /// `lead` of a team, the lead auditor of an audit.
    Lead,
    /// `members` of a team.
    Member,
    /// `parent` of a team or policy.
    Parent,
    /// `depends_on` of an asset.
    DependsOn,
    /// `assets` of a risk.
    Asset,
    /// `controls` of a risk: the controls that treat it.
    TreatedBy,
    /// `accepted` of a risk: who accepted what remains.
    AcceptedBy,
    /// `requires` of a risk: requirements its treatment needs.
    Requires,
    /// `policy` of a control.
    Policy,
    /// `satisfies` of a control.
    Satisfies,
    /// `approved` of a policy.
    ApprovedBy,
    /// `covers` of a policy or an audit.
    Covers,
    /// `auditors` of an audit.
    Auditor,
    /// `source` of a nonconformity: the audit or review that found it.
    Source,
    /// `against` of a nonconformity.
    Against,
    /// `owner` of an action of a nonconformity or a review.
    Assignee,
    /// `verified` of a nonconformity: who verified the effectiveness of its actions.
    VerifiedBy,
    /// `chair` of a review.
    Chair,
    /// `attendees` of a review.
    Attendee,
    /// `by` of a measurement result.
    MeasuredBy,
    /// `holders` of a role.
    Holder,
    /// `requires` of a role: the competences it requires.
    NeedsCompetence,
    /// `evidence` of a person: the competence it proves.
    Proves,
    /// `controls` of an obligation: the controls it calls for.
    CallsFor,
    /// `controls` of an objective: the controls that serve it.
    ServedBy,
    /// `includes` of the scope.
    Includes,
    /// `excludes` of the scope.
    Excludes,
    /// The requirement an `applicability` decision is about.
    Decides,
    /// The left-hand requirement of a mapping line.
    MapsFrom,
    /// The right-hand requirement of a mapping line.
    MapsTo,
}

impl Field {
    /// How the graph outputs label the edge.
    pub fn label(self) -> &'static str {
        match self {
            Field::Owner => "owner",
            Field::Lead => "lead",
            Field::Member => "member",
            Field::Parent => "parent",
            Field::DependsOn => "depends_on",
            Field::Asset => "asset",
            Field::TreatedBy => "treated_by",
            Field::AcceptedBy => "accepted_by",
            Field::Requires => "requires",
            Field::Policy => "policy",
            Field::Satisfies => "satisfies",
            Field::ApprovedBy => "approved_by",
            Field::Covers => "covers",
            Field::Auditor => "auditor",
            Field::Source => "found_in",
            Field::Against => "against",
            Field::Assignee => "assigned_to",
            Field::VerifiedBy => "verified_by",
            Field::Chair => "chair",
            Field::Attendee => "attendee",
            Field::MeasuredBy => "measured_by",
            Field::Holder => "holder",
            Field::NeedsCompetence => "requires",
            Field::Proves => "evidence_of",
            Field::CallsFor => "requires",
            Field::ServedBy => "served_by",
            Field::Includes => "includes",
            Field::Excludes => "excludes",
            Field::Decides => "decides",
            Field::MapsFrom => "maps_from",
            Field::MapsTo => "maps_to",
        }
    }
}

/// One resolved reference: the field that makes it and where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ref {
    /// The field.
    pub field: Field,
    /// Where the reference is written.
    pub span: Span,
}

/// The index.
#[derive(Debug, Default)]
pub struct RefIndex {
    graph: StableDiGraph<Node, Ref>,
    entities: usize,
    requirements: usize,
    clauses: usize,
    decisions: usize,
    /// Edges whose source is an entity: the first this many (they are added first).
    entity_edges: usize,
    /// Every edge by where it is written, sorted by file and start: made on the first
    /// [`RefIndex::at`] (the language server's "what is under the cursor"), never by `check`.
    by_place: OnceLock<Vec<(Span, EdgeIndex)>>,
}

impl RefIndex {
    /// Builds the index of a resolved model, in one pass over its references.
    pub fn build(model: &Model) -> RefIndex {
        let mut sites = vec![Site::Isms, Site::Scope];
        sites.extend((0..model.decisions.len() as u32).map(Site::Decision));
        sites.extend((0..model.mappings.len() as u32).map(Site::Mapping));
        let mut graph = StableDiGraph::with_capacity(
            model.entities.len() + model.requirements.len() + model.clauses.len() + sites.len(),
            model.entities.len() * 4,
        );
        for i in 0..model.entities.len() {
            graph.add_node(Node::Entity(EntityId(i as u32)));
        }
        for j in 0..model.requirements.len() {
            graph.add_node(Node::Requirement(ReqId(j as u32)));
        }
        for k in 0..model.clauses.len() {
            graph.add_node(Node::Clause(ClauseId(k as u32)));
        }
        for s in &sites {
            graph.add_node(Node::Site(*s));
        }
        let mut index = RefIndex {
            graph,
            entities: model.entities.len(),
            requirements: model.requirements.len(),
            clauses: model.clauses.len(),
            decisions: model.decisions.len(),
            entity_edges: 0,
            by_place: OnceLock::new(),
        };
        for (i, e) in model.entities.iter().enumerate() {
            let from = index.entity(EntityId(i as u32));
            let mut links: Vec<(Field, &Link)> = Vec::new();
            let mut reqs: Vec<(Field, &ReqLink)> = Vec::new();
            let mut clauses: Vec<(Field, &ClauseLink)> = Vec::new();
            match &e.data {
                Data::Party(_) | Data::Competence(_) => {}
                Data::Person(p) => {
                    links.extend(p.evidence.iter().map(|q| (Field::Proves, &q.competence)));
                }
                Data::Audit(a) => {
                    links.extend(a.lead.iter().map(|l| (Field::Lead, l)));
                    links.extend(a.auditors.iter().map(|l| (Field::Auditor, l)));
                    subjects(
                        Field::Covers,
                        &a.covers,
                        &mut links,
                        &mut reqs,
                        &mut clauses,
                    );
                }
                Data::Nonconformity(n) => {
                    if let Some(Source::Record(l)) = &n.source {
                        links.push((Field::Source, l));
                    }
                    subjects(
                        Field::Against,
                        &n.against,
                        &mut links,
                        &mut reqs,
                        &mut clauses,
                    );
                    links.extend(n.owner.iter().map(|l| (Field::Owner, l)));
                    links.extend(
                        n.actions
                            .iter()
                            .filter_map(|a| a.owner.as_ref())
                            .map(|l| (Field::Assignee, l)),
                    );
                    links.extend(n.verified.iter().map(|s| (Field::VerifiedBy, &s.who)));
                }
                Data::Review(r) => {
                    links.extend(r.chair.iter().map(|l| (Field::Chair, l)));
                    links.extend(r.attendees.iter().map(|l| (Field::Attendee, l)));
                    links.extend(
                        r.actions
                            .iter()
                            .filter_map(|a| a.owner.as_ref())
                            .map(|l| (Field::Assignee, l)),
                    );
                }
                Data::Role(r) => {
                    links.extend(r.holders.iter().map(|l| (Field::Holder, l)));
                    links.extend(r.requires.iter().map(|l| (Field::NeedsCompetence, l)));
                }
                Data::Team(t) => {
                    links.extend(t.lead.iter().map(|l| (Field::Lead, l)));
                    links.extend(t.members.iter().map(|l| (Field::Member, l)));
                    links.extend(t.parent.iter().map(|l| (Field::Parent, l)));
                }
                Data::Asset(a) => {
                    links.extend(a.owner.iter().map(|l| (Field::Owner, l)));
                    links.extend(a.depends_on.iter().map(|l| (Field::DependsOn, l)));
                }
                Data::Risk(r) => {
                    links.extend(r.owner.iter().map(|l| (Field::Owner, l)));
                    links.extend(r.assets.iter().map(|l| (Field::Asset, l)));
                    links.extend(r.controls.iter().map(|l| (Field::TreatedBy, l)));
                    links.extend(r.accepted.iter().map(|s| (Field::AcceptedBy, &s.who)));
                    reqs.extend(r.requires.iter().map(|q| (Field::Requires, q)));
                }
                Data::Control(c) => {
                    links.extend(c.owner.iter().map(|l| (Field::Owner, l)));
                    links.extend(c.policies.iter().map(|l| (Field::Policy, l)));
                    reqs.extend(c.satisfies.iter().map(|r| (Field::Satisfies, r)));
                    links.extend(
                        c.results
                            .iter()
                            .filter_map(|r| r.by.as_ref())
                            .map(|l| (Field::MeasuredBy, l)),
                    );
                }
                Data::Policy(p) => {
                    links.extend(p.owner.iter().map(|l| (Field::Owner, l)));
                    links.extend(p.approved.iter().map(|s| (Field::ApprovedBy, &s.who)));
                    links.extend(p.parent.iter().map(|l| (Field::Parent, l)));
                    reqs.extend(p.covers.iter().map(|r| (Field::Covers, r)));
                }
                Data::Obligation(o) => {
                    links.extend(o.controls.iter().map(|l| (Field::CallsFor, l)))
                }
                Data::Objective(o) => {
                    links.extend(o.owner.iter().map(|l| (Field::Owner, l)));
                    links.extend(o.controls.iter().map(|l| (Field::ServedBy, l)));
                    links.extend(
                        o.results
                            .iter()
                            .filter_map(|r| r.by.as_ref())
                            .map(|l| (Field::MeasuredBy, l)),
                    );
                }
            }
            for (field, l) in links {
                index.link(from, l, field);
            }
            for (field, r) in reqs {
                index.req_link(from, r, field);
            }
            for (field, c) in clauses {
                index.clause_link(from, c, field);
            }
        }
        index.entity_edges = index.graph.edge_count();
        if let Some(isms) = &model.isms {
            let from = index.site(Site::Isms);
            if let Some(l) = &isms.owner {
                index.link(from, l, Field::Owner);
            }
        }
        if let Some(scope) = &model.scope {
            let from = index.site(Site::Scope);
            for l in &scope.includes {
                index.link(from, l, Field::Includes);
            }
            for (l, _) in &scope.excludes {
                index.link(from, l, Field::Excludes);
            }
        }
        for (i, d) in model.decisions.iter().enumerate() {
            let from = index.site(Site::Decision(i as u32));
            index.req_link(from, &d.req, Field::Decides);
        }
        for (i, m) in model.mappings.iter().enumerate() {
            let from = index.site(Site::Mapping(i as u32));
            for l in &m.links {
                index.req_link(from, &l.from, Field::MapsFrom);
                index.req_link(from, &l.to, Field::MapsTo);
            }
        }
        index
    }

    fn link(&mut self, from: NodeIndex, l: &Link, field: Field) {
        if let Some(t) = l.target {
            let to = self.entity(t);
            self.graph.add_edge(
                from,
                to,
                Ref {
                    field,
                    span: l.span,
                },
            );
        }
    }

    fn req_link(&mut self, from: NodeIndex, r: &ReqLink, field: Field) {
        if let Some(t) = r.target {
            let to = self.requirement(t);
            self.graph.add_edge(
                from,
                to,
                Ref {
                    field,
                    span: r.span,
                },
            );
        }
    }

    fn clause_link(&mut self, from: NodeIndex, c: &ClauseLink, field: Field) {
        if let Some(t) = c.target {
            let to = self.clause(t);
            self.graph.add_edge(
                from,
                to,
                Ref {
                    field,
                    span: c.span,
                },
            );
        }
    }

    fn clause(&self, id: ClauseId) -> NodeIndex {
        NodeIndex::new(self.entities + self.requirements + id.0 as usize)
    }

    fn entity(&self, id: EntityId) -> NodeIndex {
        NodeIndex::new(id.0 as usize)
    }

    fn requirement(&self, id: ReqId) -> NodeIndex {
        NodeIndex::new(self.entities + id.0 as usize)
    }

    fn site(&self, s: Site) -> NodeIndex {
        let at = match s {
            Site::Isms => 0,
            Site::Scope => 1,
            Site::Decision(i) => 2 + i as usize,
            Site::Mapping(i) => 2 + self.decisions + i as usize,
        };
        NodeIndex::new(self.entities + self.requirements + self.clauses + at)
    }

    /// The node index of `node`.
    pub fn node_index(&self, node: Node) -> NodeIndex {
        match node {
            Node::Entity(e) => self.entity(e),
            Node::Requirement(r) => self.requirement(r),
            Node::Clause(c) => self.clause(c),
            Node::Site(s) => self.site(s),
        }
    }

    /// The underlying graph (for algorithms such as cycle detection).
    pub fn graph(&self) -> &StableDiGraph<Node, Ref> {
        &self.graph
    }

    /// The references to `node`: who refers to it, by which field, from where, in the order
    /// they were written (model order).
    pub fn referrers(&self, node: Node) -> Vec<(Node, Ref)> {
        self.edges(node, Direction::Incoming)
    }

    /// The references `node` makes, in the order they were written.
    pub fn references(&self, node: Node) -> Vec<(Node, Ref)> {
        self.edges(node, Direction::Outgoing)
    }

    fn edges(&self, node: Node, dir: Direction) -> Vec<(Node, Ref)> {
        let n = self.node_index(node);
        let mut out: Vec<(EdgeIndex, Node, Ref)> = self
            .graph
            .edges_directed(n, dir)
            .filter_map(|e| {
                let other = if dir == Direction::Incoming {
                    e.source()
                } else {
                    e.target()
                };
                Some((e.id(), *self.graph.node_weight(other)?, *e.weight()))
            })
            .collect();
        out.sort_by_key(|(id, _, _)| *id);
        out.into_iter().map(|(_, n, r)| (n, r)).collect()
    }

    /// The resolved reference written at byte `offset` of `file` (its span holds the offset,
    /// end included): where it is written from, what it names, and the reference itself.
    pub fn at(&self, file: FileId, offset: usize) -> Option<(Node, Node, Ref)> {
        let places = self.by_place.get_or_init(|| {
            let mut v: Vec<(Span, EdgeIndex)> = self
                .graph
                .edge_references()
                .map(|e| (e.weight().span, e.id()))
                .collect();
            v.sort_by_key(|(s, id)| (s.file, s.start, s.end, *id));
            v
        });
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        let after = places.partition_point(|(s, _)| (s.file, s.start) <= (file, offset));
        places
            .get(..after)?
            .iter()
            .rev()
            .take_while(|(s, _)| s.file == file)
            // References never nest: only the last few that start before the offset can hold it.
            .take(4)
            .find(|(s, _)| s.end >= offset)
            .and_then(|(_, e)| {
                let (a, b) = self.graph.edge_endpoints(*e)?;
                Some((
                    *self.graph.node_weight(a)?,
                    *self.graph.node_weight(b)?,
                    *self.graph.edge_weight(*e)?,
                ))
            })
    }

    /// Every resolved reference: where it is written from, what it names, the reference; in
    /// the order they were added (model order).
    pub fn all(&self) -> impl Iterator<Item = (Node, Node, Ref)> + '_ {
        (&self.graph).edge_references().filter_map(|e| {
            Some((
                *self.graph.node_weight(e.source())?,
                *self.graph.node_weight(e.target())?,
                *e.weight(),
            ))
        })
    }

    /// The entities that refer to `node` through `field`, each with the span of the
    /// reference, in model order (an entity may appear once per reference).
    pub fn referring(&self, node: Node, field: Field) -> Vec<(EntityId, Span)> {
        self.referrers(node)
            .into_iter()
            .filter(|(_, r)| r.field == field)
            .filter_map(|(n, r)| match n {
                Node::Entity(e) => Some((e, r.span)),
                _ => None,
            })
            .collect()
    }

    /// What `entity` refers to through `field`, in the order written.
    pub fn referred(&self, entity: EntityId, field: Field) -> Vec<(Node, Span)> {
        self.references(Node::Entity(entity))
            .into_iter()
            .filter(|(_, r)| r.field == field)
            .map(|(n, r)| (n, r.span))
            .collect()
    }

    /// The nodes and edges the graph outputs show: every entity, then the requirements the
    /// entities refer to in the order first referred to; the entities' references.
    fn shown(&self) -> (Vec<Node>, Vec<(Node, Node, Field)>) {
        let mut nodes: Vec<Node> = (0..self.entities)
            .map(|i| Node::Entity(EntityId(i as u32)))
            .collect();
        let mut seen = vec![false; self.requirements];
        let mut seen_clauses = vec![false; self.clauses];
        let mut edges = Vec::with_capacity(self.entity_edges);
        for e in (&self.graph).edge_references().take(self.entity_edges) {
            let (Some(a), Some(b)) = (
                self.graph.node_weight(e.source()),
                self.graph.node_weight(e.target()),
            ) else {
                continue;
            };
            let first = match b {
                Node::Requirement(r) => seen.get_mut(r.0 as usize),
                Node::Clause(c) => seen_clauses.get_mut(c.0 as usize),
                _ => None,
            };
            if let Some(s) = first {
                if !*s {
                    *s = true;
                    nodes.push(*b);
                }
            }
            edges.push((*a, *b, e.weight().field));
        }
        (nodes, edges)
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
            Node::Clause(id) => match model.clause(id) {
                Some(c) => (
                    format!("{}/clause {}", c.framework, c.id),
                    format!("clause {}\n{}", c.id, c.title),
                    "clause",
                ),
                None => (String::new(), String::new(), ""),
            },
            Node::Site(_) => (String::new(), String::new(), ""),
        }
    }

    /// The graph in Graphviz DOT.
    pub fn to_dot(&self, model: &Model) -> String {
        let mut out = String::from(
            "digraph isms {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n",
        );
        let (nodes, edges) = self.shown();
        for node in &nodes {
            let (id, label, class) = Self::label(model, *node);
            let _ = writeln!(
                out,
                "  \"{}\" [label=\"{}\", class=\"{}\"];",
                dot_escape(&id),
                dot_escape(&label),
                class
            );
        }
        for (a, b, field) in edges {
            let (a, _, _) = Self::label(model, a);
            let (b, _, _) = Self::label(model, b);
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\" [label=\"{}\"];",
                dot_escape(&a),
                dot_escape(&b),
                field.label()
            );
        }
        out.push_str("}\n");
        out
    }

    /// The graph as a Mermaid flowchart.
    pub fn to_mermaid(&self, model: &Model) -> String {
        let mut out = String::from("flowchart LR\n");
        let (nodes, edges) = self.shown();
        let mut ids: std::collections::HashMap<Node, String> =
            std::collections::HashMap::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            let (_, label, class) = Self::label(model, *node);
            let mid = format!("n{i}");
            let _ = writeln!(out, "  {mid}[\"{}\"]:::{class}", mermaid_escape(&label));
            ids.insert(*node, mid);
        }
        for (a, b, field) in edges {
            if let (Some(a), Some(b)) = (ids.get(&a), ids.get(&b)) {
                let _ = writeln!(out, "  {a} -->|{}| {b}", field.label());
            }
        }
        out
    }
}

/// Sorts the references of a list of subjects by what they name.
fn subjects<'a>(
    field: Field,
    list: &'a [Subject],
    links: &mut Vec<(Field, &'a Link)>,
    reqs: &mut Vec<(Field, &'a ReqLink)>,
    clauses: &mut Vec<(Field, &'a ClauseLink)>,
) {
    for s in list {
        match s {
            Subject::Clause(c) => clauses.push((field, c)),
            Subject::Requirement(r) => reqs.push((field, r)),
            Subject::Entity(l) => links.push((field, l)),
        }
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
