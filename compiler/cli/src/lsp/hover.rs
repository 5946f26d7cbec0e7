//! Hover: an Annex A id shows its title, theme, attributes and its row of the Statement of
//! Applicability; an entity its kind, title, owner and key fields; a field name what it takes.

use std::fmt::Write as _;

use ismsc_core::facts::soa::{Applicability, ReasonKind};
use ismsc_core::facts::Node;
use ismsc_core::model::lower::{body_fields, field_doc};
use ismsc_core::model::{Data, EntityId, Model, ReqId};
use ismsc_core::source::Span;
use ismsc_core::syntax::ast::Entry;
use lsp_types as lsp;

use super::cursor::{enclosing, hit, Target};
use super::Ctx;

/// The hover at a position.
pub fn hover(cx: &Ctx<'_>, pos: lsp::Position) -> Option<lsp::Hover> {
    let offset = cx.offset(pos);
    let (text, span) = match hit(cx, offset) {
        Some(h) => {
            let text = match &h.target {
                Target::Entity(e) => entity(cx, *e)?,
                Target::Requirement(r) => requirement(cx, *r)?,
                Target::File(rel) => format!("`{rel}`: a file of the project, read by `file(...)`"),
            };
            (text, h.span)
        }
        None => field_name(cx, offset)?,
    };
    let contents = if cx.caps.markdown {
        lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: text,
        }
    } else {
        lsp::MarkupContent {
            kind: lsp::MarkupKind::PlainText,
            value: text.replace(['`', '*'], ""),
        }
    };
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(contents),
        range: cx.range(span),
    })
}

/// "`mfa` (Phishing-resistant MFA)", for lists.
pub fn named(model: &Model, e: EntityId) -> String {
    match model.entity(e) {
        Some(x) => match &x.title {
            Some(t) => format!("`{}` {}", x.id, t),
            None => format!("`{}`", x.id),
        },
        None => "?".into(),
    }
}

fn names(model: &Model, ids: &[EntityId]) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    ids.iter()
        .map(|e| named(model, *e))
        .collect::<Vec<_>>()
        .join(", ")
}

fn link_name(model: &Model, link: Option<&ismsc_core::model::Link>) -> String {
    match link {
        Some(l) => match l.target {
            Some(t) => named(model, t),
            None => format!("`{}` (unresolved)", l.name),
        },
        None => "—".into(),
    }
}

/// An Annex A control (or any requirement): title, theme, attributes, SoA row.
fn requirement(cx: &Ctx<'_>, r: ReqId) -> Option<String> {
    let a = cx.analysis;
    let m = &a.model;
    let req = m.requirement(r)?;
    let fw = m.frameworks.get(req.framework)?;
    let mut s = format!("**{}** {}\n\n", req.id, req.title);
    let _ = write!(s, "{}", fw.title.as_deref().unwrap_or(&fw.key));
    for (id, title) in &req.groups {
        let _ = write!(s, " › {title}");
        if title.is_empty() {
            let _ = write!(s, "{id}");
        }
    }
    if let Some((_, theme)) = req.groups.first() {
        let _ = write!(s, "\n\nTheme: **{theme}**");
    }
    s.push_str("\n\n");
    if !req.attributes.is_empty() {
        s.push_str("| attribute | values |\n| --- | --- |\n");
        for (name, values) in &req.attributes {
            let _ = writeln!(
                s,
                "| {} | {} |",
                name.replace('_', " "),
                values.join(", ").replace('_', " ")
            );
        }
        s.push('\n');
    }
    let row = a
        .facts
        .soa
        .as_ref()
        .filter(|soa| soa.standard == fw.key)
        .and_then(|soa| soa.rows.iter().find(|row| row.req == r));
    if let Some(row) = row {
        s.push_str("**Statement of Applicability**\n\n");
        let applicable = match row.applicability {
            Applicability::Applicable => "yes",
            Applicability::Excluded => "no (excluded)",
            Applicability::Undecided => {
                "undecided: no control satisfies it and no decision names it"
            }
        };
        let _ = writeln!(s, "- applicable: {applicable}");
        let _ = writeln!(s, "- status: {}", row.status.as_str());
        if row.applicability == Applicability::Applicable {
            let _ = writeln!(s, "- implemented by: {}", names(m, &row.implemented_by));
        }
        if let Some(d) = row.exclusion(m) {
            let _ = writeln!(
                s,
                "- justification: {}",
                d.reason.as_deref().unwrap_or("— (none)")
            );
        }
        for reason in &row.reasons {
            let what = match reason.kind {
                ReasonKind::Risk => "risk treatment",
                ReasonKind::Legal => "legal obligation",
                ReasonKind::Regulatory => "regulatory obligation",
                ReasonKind::Contractual => "contractual obligation",
                ReasonKind::Business => "business requirement",
            };
            match &reason.text {
                Some(t) => {
                    let _ = writeln!(s, "- reason: {what}: {t}");
                }
                None => {
                    let _ = writeln!(s, "- reason: {what}: {}", names(m, &reason.sources));
                }
            }
        }
        if !row.owners.is_empty() {
            let _ = writeln!(s, "- owners: {}", names(m, &row.owners));
        }
        if !row.policies.is_empty() {
            let _ = writeln!(s, "- policies: {}", names(m, &row.policies));
        }
    }
    Some(s.trim_end().to_string())
}

/// An entity: kind, title, owner, key fields and who refers to it.
fn entity(cx: &Ctx<'_>, e: EntityId) -> Option<String> {
    let a = cx.analysis;
    let m = &a.model;
    let x = m.entity(e)?;
    let mut s = format!("{} **`{}`**", x.noun(), x.id);
    if let Some(t) = &x.title {
        let _ = write!(s, " — {t}");
    }
    s.push_str("\n\n");
    let mut field = |name: &str, value: String| {
        let _ = writeln!(s, "- {name}: {value}");
    };
    let reqs = |r: &[ismsc_core::model::ReqLink]| {
        if r.is_empty() {
            "—".to_string()
        } else {
            r.iter()
                .map(|r| format!("`{}`", r.written()))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    match &x.data {
        Data::Person(p) => {
            if let Some(r) = &p.role {
                field("role", r.clone());
            }
            if let Some(r) = &p.email {
                field("email", r.clone());
            }
        }
        Data::Team(t) => {
            field("lead", link_name(m, t.lead.as_ref()));
            field("members", t.members.len().to_string());
        }
        Data::Party(p) => {
            if !p.needs.is_empty() {
                field("needs", p.needs.join("; "));
            }
        }
        Data::Asset(asset) => {
            field(
                "type",
                asset
                    .asset_type
                    .map(|t| t.value.as_str())
                    .unwrap_or("—")
                    .into(),
            );
            field("owner", link_name(m, asset.owner.as_ref()));
            if let Some(c) = &asset.classification {
                field("classification", c.text.to_string());
            }
        }
        Data::Risk(r) => {
            field("owner", link_name(m, r.owner.as_ref()));
            field(
                "treatment",
                r.treatment.map(|t| t.value.as_str()).unwrap_or("—").into(),
            );
            let assessed = a.facts.register.risks.iter().find(|x| x.risk == e);
            let level = |l: &Option<ismsc_core::model::Word>| {
                l.as_ref()
                    .map(|w| w.text.to_string())
                    .unwrap_or_else(|| "?".into())
            };
            let inherent = format!(
                "{} × {}{}",
                level(&r.inherent.likelihood),
                level(&r.inherent.impact),
                assessed
                    .and_then(|x| x.inherent)
                    .map(|v| format!(" = {v}"))
                    .unwrap_or_default()
            );
            field("inherent risk", inherent);
            if let Some(res) = &r.residual {
                field(
                    "residual risk",
                    format!(
                        "{} × {}{}",
                        level(&res.likelihood),
                        level(&res.impact),
                        assessed
                            .and_then(|x| x.residual)
                            .map(|v| format!(" = {v}"))
                            .unwrap_or_default()
                    ),
                );
            }
            if let Some(x) = assessed {
                if x.remaining.is_some() {
                    field(
                        "acceptable",
                        if x.acceptable {
                            "yes"
                        } else {
                            "no, above the threshold"
                        }
                        .into(),
                    );
                }
            }
            let controls: Vec<EntityId> = r.controls.iter().filter_map(|l| l.target).collect();
            field("controls", names(m, &controls));
            if !r.requires.is_empty() {
                field("requires", reqs(&r.requires));
            }
            if let Some(acc) = &r.accepted {
                field("accepted", format!("by `{}` on {}", acc.who.name, acc.date));
            }
        }
        Data::Control(c) => {
            field("owner", link_name(m, c.owner.as_ref()));
            field(
                "status",
                c.status.map(|t| t.value.as_str()).unwrap_or("—").into(),
            );
            if let Some(d) = c.due {
                field("due", d.to_string());
            }
            field("satisfies", reqs(&c.satisfies));
            if !c.evidence.is_empty() {
                field("evidence", c.evidence.len().to_string());
            }
        }
        Data::Policy(p) => {
            field("owner", link_name(m, p.owner.as_ref()));
            if let Some(v) = &p.version {
                field("version", v.clone());
            }
            match &p.approved {
                Some(ap) => field("approved", format!("by `{}` on {}", ap.who.name, ap.date)),
                None => field("approved", "not yet".into()),
            }
            if let Some(r) = p.review {
                field("review", format!("every {r}"));
            }
            if !p.covers.is_empty() {
                field("covers", reqs(&p.covers));
            }
        }
        Data::Obligation(o) => {
            field(
                "kind",
                o.kind.map(|k| k.value.as_str()).unwrap_or("—").into(),
            );
            if let Some(r) = &o.reference {
                field("reference", r.clone());
            }
        }
        Data::Objective(o) => {
            field("owner", link_name(m, o.owner.as_ref()));
            if let Some(t) = &o.target {
                field("target", t.clone());
            }
            if let Some(d) = o.due {
                field("due", d.to_string());
            }
        }
        Data::Audit(au) => {
            if let Some(d) = au.planned {
                field("planned", d.to_string());
            }
            match au.performed {
                Some(d) => field("performed", d.to_string()),
                None => field("performed", "not yet".into()),
            }
            field("lead", link_name(m, au.lead.as_ref()));
            if !au.covers.is_empty() {
                field(
                    "covers",
                    format!("{} clauses, controls or items", au.covers.len()),
                );
            }
        }
        Data::Nonconformity(n) => {
            field(
                "severity",
                n.severity.map(|s| s.value.as_str()).unwrap_or("—").into(),
            );
            field(
                "status",
                n.status.map(|s| s.value.as_str()).unwrap_or("—").into(),
            );
            field("owner", link_name(m, n.owner.as_ref()));
            if let Some(d) = n.raised {
                field("raised", d.to_string());
            }
            if !n.actions.is_empty() {
                field("actions", n.actions.len().to_string());
            }
            if let Some(v) = &n.verified {
                field("verified", format!("by `{}` on {}", v.who.name, v.date));
            }
        }
        Data::Review(r) => {
            if let Some(d) = r.held {
                field("held", d.to_string());
            }
            field("chair", link_name(m, r.chair.as_ref()));
            if !r.decisions.is_empty() {
                field("decisions", r.decisions.len().to_string());
            }
            if !r.actions.is_empty() {
                field("actions", r.actions.len().to_string());
            }
        }
        Data::Role(r) => {
            let holders: Vec<EntityId> = r.holders.iter().filter_map(|l| l.target).collect();
            field("holders", names(m, &holders));
            let requires: Vec<EntityId> = r.requires.iter().filter_map(|l| l.target).collect();
            field("requires", names(m, &requires));
        }
        Data::Competence(c) => {
            if let Some(d) = &c.description {
                field("description", d.clone());
            }
        }
    }
    let referrers = a.facts.index.referrers(Node::Entity(e));
    if !referrers.is_empty() {
        let mut by: Vec<String> = Vec::new();
        for (from, r) in &referrers {
            let who = match from {
                Node::Entity(f) => m.entity(*f).map(|x| format!("`{}`", x.id)),
                _ => Some("the ISMS".into()),
            };
            if let Some(who) = who {
                let entry = format!("{who} ({})", r.field.label());
                if !by.contains(&entry) {
                    by.push(entry);
                }
            }
        }
        let shown: Vec<String> = by.iter().take(8).cloned().collect();
        let more = by.len().saturating_sub(shown.len());
        let _ = write!(
            s,
            "\nReferred to {} time{} by {}{}",
            referrers.len(),
            if referrers.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    Some(s.trim_end().to_string())
}

/// A field name under the cursor: what it takes and what it means.
fn field_name(cx: &Ctx<'_>, offset: usize) -> Option<(String, Span)> {
    let tree = cx.tree?;
    let chain = enclosing(tree, offset);
    let inner = chain.last()?;
    let path: Vec<&str> = chain.iter().map(|i| i.keyword.text.as_str()).collect();
    for e in &inner.body.entries {
        let Entry::Field(f) = e else { continue };
        if !f.name.span.contains(offset) {
            continue;
        }
        let (fields, _) = body_fields(&path)?;
        let spec = fields.iter().find(|s| s.name() == f.name.text)?;
        let mut s = format!(
            "**`{}`** — {}{}",
            spec.name(),
            spec.ty().describe(),
            if spec.required() { " (required)" } else { "" }
        );
        let doc = field_doc(&path, spec.name());
        if !doc.is_empty() {
            let _ = write!(s, "\n\n{doc}");
        }
        return Some((s, f.name.span));
    }
    None
}
