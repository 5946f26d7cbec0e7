//! What is compared: one record per SoA row, risk, treatment action and entity, each a map of
//! field name to JSON value, made from the output documents (`emit::Docs`) and the model.
//!
//! The SoA rows, the risks and the treatment actions are the rows of `soa.json`,
//! `risk-register.json` and `risk-treatment-plan.json` as serialised, so what is compared is
//! what those files say; the other entities are read from the model field by field. Text is
//! never compared as text: a reformatted file, a moved item or a reordered list of
//! requirements gives the same records.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::Section;
use crate::emit::Docs;
use crate::model::{Data, Entity, Kind, Link, Model, ReqLink, SignOff};
use crate::Analysis;

/// One compared thing: its section, id, title and fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Which section it belongs to.
    pub section: Section,
    /// Its id (a requirement id, an entity id, `RISK/CONTROL` for a treatment action).
    pub id: String,
    /// Its title, for people.
    pub title: Option<String>,
    /// Field name → value.
    pub fields: BTreeMap<String, Value>,
}

/// Every record of an analysis, by section and id.
pub type Records = BTreeMap<(Section, String), Record>;

/// The records of an analysis.
pub fn records(analysis: &Analysis) -> Records {
    let docs = Docs::new(analysis);
    let model = &analysis.model;
    let mut out = Records::new();
    let mut add = |r: Record| {
        out.insert((r.section, r.id.clone()), r);
    };
    if let Some(isms) = &model.isms {
        let mut f = BTreeMap::new();
        put(&mut f, "title", opt(&isms.title));
        put(&mut f, "organization", opt(&isms.organization));
        put(
            &mut f,
            "standard",
            opt(&isms.standard.as_ref().map(|(k, _)| k.clone())),
        );
        put(
            &mut f,
            "frameworks",
            list(isms.frameworks.iter().map(|(k, _)| k.clone())),
        );
        put(&mut f, "owner", link_opt(model, isms.owner.as_ref()));
        put(
            &mut f,
            "effective",
            opt(&isms.effective.map(|d| d.to_string())),
        );
        put(&mut f, "version", opt(&isms.version));
        put(&mut f, "description", opt(&isms.description));
        if let Some(scope) = &model.scope {
            put(&mut f, "scope", opt(&scope.description));
            put(
                &mut f,
                "scope_includes",
                list(scope.includes.iter().map(|l| link_name(model, l))),
            );
            put(
                &mut f,
                "scope_excludes",
                list(
                    scope
                        .excludes
                        .iter()
                        .map(|(l, why)| format!("{}: {why}", link_name(model, l))),
                ),
            );
        }
        // The document control of the documents ismsc writes (`document soa { … }`): a new
        // version or approval of the SoA, the register or the plan is a change of the ISMS.
        for d in &model.documents {
            let key = d.kind.as_str();
            put(&mut f, &format!("{key}_version"), opt(&d.version));
            put(
                &mut f,
                &format!("{key}_approved"),
                list(
                    d.approved
                        .iter()
                        .map(|a| format!("{} @ {}", link_name(model, &a.who), a.date)),
                ),
            );
            put(
                &mut f,
                &format!("{key}_review"),
                opt(&d.review.map(|r| r.to_string())),
            );
        }
        add(Record {
            section: Section::Isms,
            id: "isms".into(),
            title: isms.title.clone(),
            fields: f,
        });
    }
    if let Some(soa) = &docs.soa {
        for row in &soa.controls {
            add(Record {
                section: Section::Soa,
                id: row.id.clone(),
                title: Some(row.title.clone()),
                fields: object(row),
            });
        }
    }
    for risk in &docs.register.risks {
        let mut fields = object(risk);
        // What follows from the treating controls' status is reported with the controls; a
        // risk changes its picture today only through its own `current` rating.
        for derived in ["current_basis", "pending_controls", "acceptable_now"] {
            fields.remove(derived);
        }
        if risk.current_basis != "assessed" {
            fields.remove("current");
        }
        add(Record {
            section: Section::Risk,
            id: risk.id.clone(),
            title: risk.title.clone(),
            fields,
        });
    }
    for a in &docs.plan.actions {
        let id = format!("{}/{}", a.risk, a.control.as_deref().unwrap_or("-"));
        let mut f = BTreeMap::new();
        put(&mut f, "risk", json!(a.risk));
        put(&mut f, "control", opt(&a.control));
        put(&mut f, "control_owner", opt(&a.control_owner));
        put(&mut f, "status", opt(&a.status));
        put(&mut f, "due", opt(&a.due));
        add(Record {
            section: Section::Action,
            id,
            title: Some(match (&a.risk_title, &a.control_title) {
                (Some(r), Some(c)) => format!("{r} → {c}"),
                (Some(r), None) => r.clone(),
                (None, Some(c)) => c.clone(),
                (None, None) => a.risk.clone(),
            }),
            fields: f,
        });
    }
    for e in &model.entities {
        if e.kind == Kind::Risk {
            continue;
        }
        if let Some(r) = entity(model, e) {
            add(r);
        }
    }
    out
}

/// A DTO as a map of its serialised fields.
fn object<T: serde::Serialize>(dto: &T) -> BTreeMap<String, Value> {
    match serde_json::to_value(dto) {
        Ok(Value::Object(map)) => map.into_iter().collect(),
        _ => BTreeMap::new(),
    }
}

fn put(fields: &mut BTreeMap<String, Value>, name: &str, value: Value) {
    fields.insert(name.to_string(), value);
}

fn opt(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::String(s.clone()))
}

fn list(items: impl Iterator<Item = String>) -> Value {
    Value::Array(items.map(Value::String).collect())
}

/// The id a link names: its target's id, or the id as written when it did not resolve.
fn link_name(model: &Model, l: &Link) -> String {
    model
        .target(l)
        .map(|e| e.id.clone())
        .unwrap_or_else(|| l.name.clone())
}

fn link_opt(model: &Model, l: Option<&Link>) -> Value {
    l.map_or(Value::Null, |l| Value::String(link_name(model, l)))
}

fn links(model: &Model, ls: &[Link]) -> Value {
    list(ls.iter().map(|l| link_name(model, l)))
}

/// Requirements as written, sorted: the order of a `satisfies` list means nothing.
fn reqs(rs: &[ReqLink]) -> Value {
    let mut v: Vec<String> = rs.iter().map(ReqLink::written).collect();
    v.sort();
    v.dedup();
    list(v.into_iter())
}

fn date(d: Option<crate::syntax::ast::Date>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.to_string()))
}

/// A text's content (a `file(...)` by its content, so an edit of the file is a change).
fn text(t: Option<&crate::model::Text>) -> Value {
    t.map_or(Value::Null, |t| Value::String(t.content.clone()))
}

/// What an audit covers or a nonconformity is against, as written, sorted.
fn subjects(model: &Model, items: &[crate::model::Subject]) -> Value {
    let mut v: Vec<String> = items
        .iter()
        .map(|s| match s {
            crate::model::Subject::Clause(c) => c.id.clone(),
            crate::model::Subject::Requirement(r) => r.written(),
            crate::model::Subject::Entity(l) => link_name(model, l),
        })
        .collect();
    v.sort();
    v.dedup();
    list(v.into_iter())
}

/// Corrective or review actions, in written order.
fn actions(model: &Model, list: &[crate::model::Action]) -> Value {
    Value::Array(
        list.iter()
            .map(|a| {
                json!({
                    "title": a.title,
                    "owner": a.owner.as_ref().map(|l| link_name(model, l)),
                    "due": a.due.map(|d| d.to_string()),
                    "done": a.done.map(|d| d.to_string()),
                })
            })
            .collect(),
    )
}

fn sign_off(model: &Model, s: Option<&SignOff>) -> Value {
    s.map_or(Value::Null, |s| {
        json!({
            "by": link_name(model, &s.who),
            "on": s.date.to_string(),
            "until": s.until.map(|d| d.to_string()),
        })
    })
}

/// The record of an entity other than a risk (risks are the register's rows).
fn entity(model: &Model, e: &Entity) -> Option<Record> {
    let mut f = BTreeMap::new();
    put(&mut f, "title", opt(&e.title));
    let section = match &e.data {
        Data::Person(p) => {
            put(&mut f, "role", opt(&p.role));
            put(&mut f, "email", opt(&p.email));
            Section::Person
        }
        Data::Team(t) => {
            put(&mut f, "lead", link_opt(model, t.lead.as_ref()));
            put(&mut f, "members", links(model, &t.members));
            put(&mut f, "parent", link_opt(model, t.parent.as_ref()));
            Section::Team
        }
        Data::Party(p) => {
            put(&mut f, "needs", list(p.needs.iter().cloned()));
            put(&mut f, "description", opt(&p.description));
            Section::Party
        }
        Data::Asset(a) => {
            put(
                &mut f,
                "type",
                opt(&a.asset_type.map(|t| t.value.as_str().to_string())),
            );
            put(&mut f, "owner", link_opt(model, a.owner.as_ref()));
            put(
                &mut f,
                "classification",
                opt(&a.classification.as_ref().map(|w| w.text.clone())),
            );
            put(&mut f, "description", opt(&a.description));
            put(&mut f, "depends_on", links(model, &a.depends_on));
            Section::Asset
        }
        Data::Control(c) => {
            put(&mut f, "satisfies", reqs(&c.satisfies));
            put(&mut f, "owner", link_opt(model, c.owner.as_ref()));
            put(
                &mut f,
                "status",
                opt(&c.status.map(|s| s.value.as_str().to_string())),
            );
            put(&mut f, "due", opt(&c.due.map(|d| d.to_string())));
            put(&mut f, "policies", links(model, &c.policies));
            put(&mut f, "description", opt(&c.description));
            put(
                &mut f,
                "evidence",
                Value::Array(
                    c.evidence
                        .iter()
                        .map(|ev| {
                            json!({
                                "title": ev.title,
                                "at": ev.at,
                                "collected": ev.collected.map(|d| d.to_string()),
                                "every": ev.every.map(|d| d.to_string()),
                            })
                        })
                        .collect(),
                ),
            );
            Section::Control
        }
        Data::Policy(p) => {
            // A procedure, standard or guideline says so; a policy, as before, does not.
            if p.written != crate::model::WrittenKind::Policy {
                put(&mut f, "kind", opt(&Some(p.written.as_str().to_string())));
            }
            put(&mut f, "owner", link_opt(model, p.owner.as_ref()));
            put(&mut f, "approved", sign_off(model, p.approved.as_ref()));
            put(&mut f, "version", opt(&p.version));
            put(
                &mut f,
                "classification",
                opt(&p.classification.as_ref().map(|w| w.text.clone())),
            );
            put(&mut f, "review", opt(&p.review.map(|d| d.to_string())));
            put(&mut f, "covers", reqs(&p.covers));
            put(
                &mut f,
                "text",
                opt(&p.text.as_ref().map(|t| t.content.clone())),
            );
            put(&mut f, "parent", link_opt(model, p.parent.as_ref()));
            put(
                &mut f,
                "effective",
                opt(&p.effective.map(|d| d.to_string())),
            );
            Section::Policy
        }
        Data::Obligation(o) => {
            put(
                &mut f,
                "kind",
                opt(&o.kind.map(|k| k.value.as_str().to_string())),
            );
            put(&mut f, "controls", links(model, &o.controls));
            put(&mut f, "description", opt(&o.description));
            put(&mut f, "reference", opt(&o.reference));
            Section::Obligation
        }
        Data::Objective(o) => {
            put(&mut f, "owner", link_opt(model, o.owner.as_ref()));
            put(&mut f, "measure", opt(&o.measure));
            put(&mut f, "target", opt(&o.target));
            put(&mut f, "due", opt(&o.due.map(|d| d.to_string())));
            put(&mut f, "controls", links(model, &o.controls));
            Section::Objective
        }
        Data::Audit(a) => {
            put(&mut f, "planned", date(a.planned));
            put(&mut f, "performed", date(a.performed));
            put(&mut f, "lead", link_opt(model, a.lead.as_ref()));
            put(&mut f, "auditors", links(model, &a.auditors));
            put(&mut f, "covers", subjects(model, &a.covers));
            put(&mut f, "criteria", opt(&a.criteria));
            put(&mut f, "report", text(a.report.as_ref()));
            put(&mut f, "description", opt(&a.description));
            Section::Audit
        }
        Data::Nonconformity(n) => {
            let source = n.source.as_ref().map(|s| match s {
                crate::model::Source::Record(l) => link_name(model, l),
                crate::model::Source::Kind(k) => k.value.as_str().to_string(),
            });
            put(&mut f, "source", opt(&source));
            put(&mut f, "raised", date(n.raised));
            put(
                &mut f,
                "severity",
                opt(&n.severity.map(|s| s.value.as_str().to_string())),
            );
            put(&mut f, "against", subjects(model, &n.against));
            put(&mut f, "owner", link_opt(model, n.owner.as_ref()));
            put(&mut f, "description", opt(&n.description));
            put(&mut f, "correction", opt(&n.correction));
            put(&mut f, "root_cause", opt(&n.root_cause));
            put(&mut f, "actions", actions(model, &n.actions));
            put(
                &mut f,
                "status",
                opt(&n.status.map(|s| s.value.as_str().to_string())),
            );
            put(&mut f, "verified", sign_off(model, n.verified.as_ref()));
            put(&mut f, "effectiveness", opt(&n.effectiveness));
            Section::Nonconformity
        }
        Data::Review(r) => {
            put(&mut f, "held", date(r.held));
            put(&mut f, "chair", link_opt(model, r.chair.as_ref()));
            put(&mut f, "attendees", links(model, &r.attendees));
            if let Some(inputs) = &r.inputs {
                for (name, t) in &inputs.given {
                    put(&mut f, &format!("inputs.{name}"), text(Some(t)));
                }
            }
            put(&mut f, "decisions", list(r.decisions.iter().cloned()));
            put(&mut f, "actions", actions(model, &r.actions));
            put(&mut f, "minutes", text(r.minutes.as_ref()));
            put(&mut f, "description", opt(&r.description));
            Section::Review
        }
        Data::Role(r) => {
            put(&mut f, "holders", links(model, &r.holders));
            put(&mut f, "requires", links(model, &r.requires));
            put(&mut f, "description", opt(&r.description));
            Section::Role
        }
        Data::Competence(c) => {
            put(&mut f, "description", opt(&c.description));
            Section::Competence
        }
        Data::Risk(_) => return None,
    };
    Some(Record {
        section,
        id: e.id.clone(),
        title: e.title.clone(),
        fields: f,
    })
}
