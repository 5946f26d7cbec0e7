//! `ssp.json`: the Statement of Applicability as an OSCAL system-security-plan.
//!
//! The system is the ISMS: its name is the `isms` title, its boundary the `scope`. Persons,
//! teams and the organisation are parties; persons and teams are also users, with the roles
//! they hold; the assets are inventory items. One `implemented-requirement` per control of
//! the standard carries one `by-component` on the `this-system` component with the
//! implementation status and the justification; reasons for inclusion, owners, risks and
//! evidence are properties in the ismsc namespace. Policies and obligations are back-matter
//! resources that the requirements link to.

use super::types::*;
use super::{core_prop, line, prop, text, Ctx};
use ismsc_core::emit::dto::{SoaControl, SoaDoc};
use ismsc_core::model::{Asset, Data, Entity, Kind, Model};

/// The roles every document declares: `(id, title, description)`.
pub(crate) const ROLES: [(&str, &str, &str); 7] = [
    (
        "isms-owner",
        "ISMS owner",
        "Owns the information security management system (the `owner` of the `isms` block).",
    ),
    (
        "control-owner",
        "Control owner",
        "Owns a control of the ISMS.",
    ),
    ("policy-owner", "Policy owner", "Owns a policy."),
    ("policy-approver", "Policy approver", "Approved a policy."),
    ("asset-owner", "Asset owner", "Owns an asset."),
    ("risk-owner", "Risk owner", "Owns a risk."),
    (
        "risk-acceptor",
        "Risk acceptor",
        "Accepted the remaining risk of a risk.",
    ),
];

/// The declared roles.
pub(crate) fn roles() -> Vec<Role> {
    ROLES
        .iter()
        .map(|(id, title, description)| Role {
            id: (*id).into(),
            title: (*title).into(),
            description: (*description).into(),
        })
        .collect()
}

/// The UUID of the organisation's party.
pub(crate) fn organization(ctx: &Ctx<'_>) -> String {
    ctx.uuid("organization", "")
}

/// The UUID of a person's or team's party.
pub(crate) fn party(ctx: &Ctx<'_>, id: &str) -> String {
    ctx.uuid("party", id)
}

fn plausible_email(s: &str) -> bool {
    let mut parts = s.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None)
            if !local.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace)
    )
}

/// The organisation, then every person and team in load order.
pub(crate) fn parties(ctx: &Ctx<'_>) -> Vec<Party> {
    let model = ctx.model;
    let org = organization(ctx);
    let org_name = model
        .isms
        .as_ref()
        .and_then(|i| i.organization.as_deref())
        .and_then(line)
        .unwrap_or_else(|| ctx.system_name());
    let mut out = vec![Party {
        uuid: org.clone(),
        kind: "organization",
        name: org_name,
        short_name: line(&ctx.project),
        props: Vec::new(),
        email_addresses: Vec::new(),
        member_of_organizations: Vec::new(),
    }];
    // person or team id → the teams it belongs to
    let mut teams_of: Vec<(String, String)> = Vec::new();
    for (_, e) in model.of_kind(Kind::Team) {
        let Data::Team(t) = &e.data else { continue };
        for l in t.members.iter().chain(&t.lead) {
            if let Some(m) = model.target(l) {
                let pair = (m.id.clone(), e.id.clone());
                if !teams_of.contains(&pair) {
                    teams_of.push(pair);
                }
            }
        }
        if let Some(p) = t.parent.as_ref().and_then(|l| model.target(l)) {
            teams_of.push((e.id.clone(), p.id.clone()));
        }
    }
    for e in &model.entities {
        let (kind, props, email) = match &e.data {
            Data::Person(p) => (
                "person",
                p.role
                    .as_deref()
                    .and_then(|r| core_prop("job-title", r))
                    .into_iter()
                    .collect(),
                p.email
                    .as_deref()
                    .map(str::trim)
                    .filter(|m| plausible_email(m))
                    .map(str::to_string),
            ),
            Data::Team(_) => ("organization", Vec::new(), None),
            _ => continue,
        };
        let mut member_of = vec![org.clone()];
        member_of.extend(
            teams_of
                .iter()
                .filter(|(m, _)| *m == e.id)
                .map(|(_, t)| party(ctx, t)),
        );
        out.push(Party {
            uuid: party(ctx, &e.id),
            kind,
            name: line(e.display()).unwrap_or_else(|| e.id.clone()),
            short_name: Some(e.id.clone()),
            props,
            email_addresses: email.into_iter().collect(),
            member_of_organizations: member_of,
        });
    }
    out
}

/// The party of a person or team link, if it resolves to one.
pub(crate) fn party_of(ctx: &Ctx<'_>, link: Option<&ismsc_core::model::Link>) -> Option<String> {
    let e = ctx.model.target(link?)?;
    matches!(e.kind, Kind::Person | Kind::Team).then(|| party(ctx, &e.id))
}

/// The roles an entity holds in the model, in [`ROLES`] order.
fn roles_held(model: &Model, id: &str) -> Vec<String> {
    let is = |l: Option<&ismsc_core::model::Link>| {
        l.and_then(|l| model.target(l)).is_some_and(|e| e.id == id)
    };
    let mut held = [false; ROLES.len()];
    held[0] = is(model.isms.as_ref().and_then(|i| i.owner.as_ref()));
    for e in &model.entities {
        match &e.data {
            Data::Control(c) => held[1] |= is(c.owner.as_ref()),
            Data::Policy(p) => {
                held[2] |= is(p.owner.as_ref());
                held[3] |= is(p.approved.as_ref().map(|a| &a.who));
            }
            Data::Asset(a) => held[4] |= is(a.owner.as_ref()),
            Data::Risk(r) => {
                held[5] |= is(r.owner.as_ref());
                held[6] |= is(r.accepted.as_ref().map(|a| &a.who));
            }
            _ => {}
        }
    }
    ROLES
        .iter()
        .zip(held)
        .filter(|(_, h)| *h)
        .map(|((id, _, _), _)| (*id).to_string())
        .collect()
}

/// `ssp.json`.
pub(crate) fn ssp(ctx: &Ctx<'_>, soa: &SoaDoc) -> SspDoc {
    let model = ctx.model;
    let isms = model.isms.as_ref();
    let system = ctx.uuid("component", "this-system");
    let mut metadata = ctx.metadata(
        format!("{}: Statement of Applicability", ctx.system_name()),
        ctx.version.clone(),
    );
    metadata.props.extend(prop("standard", &soa.standard));
    metadata.roles = roles();
    metadata.parties = parties(ctx);
    let owner = party_of(ctx, isms.and_then(|i| i.owner.as_ref()));
    metadata
        .responsible_parties
        .extend(owner.clone().map(|p| ResponsibleParty {
            role_id: "isms-owner".into(),
            party_uuids: vec![p],
        }));
    metadata.remarks = Some(format!(
        "The Statement of Applicability of ISO/IEC 27001 6.1.3 d) against {}, written by ismsc: one implemented requirement per control, its applicability, implementation status and justification on the by-component of the ISMS.",
        soa.standard_title.as_deref().unwrap_or(&soa.standard)
    ));

    let scope = model.scope.as_ref();
    let description = isms
        .and_then(|i| i.description.as_deref())
        .and_then(text)
        .or_else(|| scope.and_then(|s| s.description.as_deref()).and_then(text))
        .unwrap_or_else(|| {
            format!(
                "The information security management system {}.",
                ctx.system_name()
            )
        });
    let effective = isms.and_then(|i| i.effective);
    let state = if effective.is_some() {
        "operational"
    } else {
        "under-development"
    };
    let mut sc_props: Vec<Prop> = Vec::new();
    sc_props.extend(
        isms.and_then(|i| i.effective)
            .and_then(|d| prop("effective", &d.to_string())),
    );
    sc_props.extend(
        isms.and_then(|i| i.version.as_deref())
            .and_then(|v| prop("isms-version", v)),
    );
    let characteristics = SystemCharacteristics {
        system_ids: vec![SystemId {
            identifier_type: "https://ietf.org/rfc/rfc4122",
            id: ctx.uuid("system", "isms"),
        }],
        system_name: ctx.system_name(),
        system_name_short: line(&ctx.project),
        description: description.clone(),
        props: sc_props,
        security_sensitivity_level: sensitivity(model),
        system_information: SystemInformation {
            information_types: information_types(ctx),
        },
        status: Status {
            state,
            remarks: effective.map(|d| format!("The ISMS is in effect since {d}.")),
        },
        authorization_boundary: Described {
            description: boundary(ctx),
        },
    };

    let users = model
        .entities
        .iter()
        .filter(|e| matches!(e.kind, Kind::Person | Kind::Team))
        .map(|e| User {
            uuid: ctx.uuid("user", &e.id),
            title: line(e.display()).unwrap_or_else(|| e.id.clone()),
            short_name: e.id.clone(),
            props: prop("kind", e.kind.keyword()).into_iter().collect(),
            role_ids: roles_held(model, &e.id),
        })
        .collect();
    let component = Component {
        uuid: system.clone(),
        kind: "this-system",
        title: ctx.system_name(),
        description,
        props: Vec::new(),
        status: Status {
            state,
            remarks: None,
        },
        responsible_roles: owner
            .map(|p| ResponsibleRole {
                role_id: "isms-owner".into(),
                party_uuids: vec![p],
            })
            .into_iter()
            .collect(),
    };
    let inventory_items = model
        .of_kind(Kind::Asset)
        .filter_map(|(_, e)| {
            let Data::Asset(a) = &e.data else { return None };
            let mut props: Vec<Prop> = Vec::new();
            props.extend(prop("asset", &e.id));
            props.extend(
                a.asset_type
                    .as_ref()
                    .and_then(|t| prop("asset-type", t.value.as_str())),
            );
            props.extend(
                a.classification
                    .as_ref()
                    .and_then(|c| prop("classification", &c.text)),
            );
            props.extend(prop(
                "in-scope",
                if in_scope(model, &e.id) { "yes" } else { "no" },
            ));
            Some(InventoryItem {
                uuid: ctx.uuid("inventory-item", &e.id),
                description: asset_description(e, a),
                props,
                responsible_parties: party_of(ctx, a.owner.as_ref())
                    .map(|p| ResponsibleParty {
                        role_id: "asset-owner".into(),
                        party_uuids: vec![p],
                    })
                    .into_iter()
                    .collect(),
            })
        })
        .collect();

    let implemented = soa
        .controls
        .iter()
        .map(|row| implemented_requirement(ctx, row, &system))
        .collect();
    let std_title = soa.standard_title.as_deref().unwrap_or(&soa.standard);
    let resources = resources(ctx);
    SspDoc {
        system_security_plan: Ssp {
            uuid: ctx.uuid("ssp", &soa.standard),
            metadata,
            import_profile: Href {
                href: "profile.json".into(),
            },
            system_characteristics: characteristics,
            system_implementation: SystemImplementation {
                users,
                components: vec![component],
                inventory_items,
            },
            control_implementation: ControlImplementation {
                description: format!(
                    "The Statement of Applicability against {std_title}: {} controls, {} applicable, {} excluded, {} undecided; {} implemented, {} partially implemented, {} planned, {} not implemented.",
                    soa.summary.total,
                    soa.summary.applicable,
                    soa.summary.excluded,
                    soa.summary.undecided,
                    soa.summary.implemented,
                    soa.summary.partial,
                    soa.summary.planned,
                    soa.summary.not_implemented
                ),
                implemented_requirements: implemented,
            },
            back_matter: (!resources.is_empty()).then_some(BackMatter { resources }),
        },
    }
}

fn in_scope(model: &Model, id: &str) -> bool {
    model.scope.as_ref().is_some_and(|s| {
        s.includes
            .iter()
            .any(|l| model.target(l).is_some_and(|e| e.id == id))
    })
}

/// The highest classification level of the assets in scope (of all assets when the scope
/// names none), in the order of the classification scheme.
fn sensitivity(model: &Model) -> Option<String> {
    let levels = &model.classification.levels;
    let rank = |w: &str| levels.iter().position(|l| l.text == w);
    let assets: Vec<(&Entity, &ismsc_core::model::Asset)> = model
        .of_kind(Kind::Asset)
        .filter_map(|(_, e)| match &e.data {
            Data::Asset(a) => Some((e, a)),
            _ => None,
        })
        .collect();
    let scoped: Vec<_> = assets
        .iter()
        .filter(|(e, _)| in_scope(model, &e.id))
        .collect();
    let pool: Vec<_> = if scoped.is_empty() {
        assets.iter().collect()
    } else {
        scoped
    };
    pool.iter()
        .filter_map(|(_, a)| a.classification.as_ref())
        .filter_map(|c| rank(&c.text).map(|r| (r, c.text.clone())))
        .max()
        .map(|(_, t)| t)
}

/// One information type per asset of type `information`, or one for the whole scope.
fn information_types(ctx: &Ctx<'_>) -> Vec<InformationType> {
    let model = ctx.model;
    let mut out: Vec<InformationType> = model
        .of_kind(Kind::Asset)
        .filter_map(|(_, e)| {
            let Data::Asset(a) = &e.data else { return None };
            if a.asset_type.as_ref().map(|t| t.value.as_str()) != Some("information") {
                return None;
            }
            let mut props: Vec<Prop> = Vec::new();
            props.extend(prop("asset", &e.id));
            props.extend(
                a.classification
                    .as_ref()
                    .and_then(|c| prop("classification", &c.text)),
            );
            Some(InformationType {
                uuid: ctx.uuid("information-type", &e.id),
                title: line(e.display()).unwrap_or_else(|| e.id.clone()),
                description: asset_description(e, a),
                props,
            })
        })
        .collect();
    if out.is_empty() {
        out.push(InformationType {
            uuid: ctx.uuid("information-type", "scope"),
            title: "Information in the scope of the ISMS".into(),
            description: "The project declares no asset of type `information`.".into(),
            props: Vec::new(),
        });
    }
    out
}

/// The scope: its description, what is in and out, and the interfaces.
fn boundary(ctx: &Ctx<'_>) -> String {
    let model = ctx.model;
    let Some(scope) = model.scope.as_ref() else {
        return "The project declares no `scope`.".into();
    };
    let mut parts: Vec<String> = Vec::new();
    parts.extend(scope.description.as_deref().and_then(text));
    let named = |e: &Entity| format!("{} (`{}`)", e.display(), e.id);
    let includes: Vec<String> = scope
        .includes
        .iter()
        .filter_map(|l| model.target(l))
        .map(named)
        .collect();
    if !includes.is_empty() {
        parts.push(format!("In scope: {}.", includes.join(", ")));
    }
    let excludes: Vec<String> = scope
        .excludes
        .iter()
        .map(|(l, why)| {
            let what = model.target(l).map(named).unwrap_or_else(|| l.name.clone());
            format!("- {what}: {}", line(why).unwrap_or_default())
        })
        .collect();
    if !excludes.is_empty() {
        parts.push(format!("Out of scope:\n\n{}", excludes.join("\n")));
    }
    let interfaces: Vec<String> = scope
        .interfaces
        .iter()
        .filter_map(|i| line(i))
        .map(|i| format!("- {i}"))
        .collect();
    if !interfaces.is_empty() {
        parts.push(format!(
            "Interfaces and dependencies:\n\n{}",
            interfaces.join("\n")
        ));
    }
    if parts.is_empty() {
        "The scope block has no description.".into()
    } else {
        parts.join("\n\n")
    }
}

/// The UUID of a policy's or obligation's back-matter resource.
fn resource_uuid(ctx: &Ctx<'_>, kind: &str, id: &str) -> String {
    ctx.uuid(&format!("resource/{kind}"), id)
}

/// Policies, then obligations, in load order.
fn resources(ctx: &Ctx<'_>) -> Vec<Resource> {
    let model = ctx.model;
    let link_id =
        |l: Option<&ismsc_core::model::Link>| l.and_then(|l| model.target(l)).map(|e| e.id.clone());
    let mut out = Vec::new();
    for (_, e) in model.of_kind(Kind::Policy) {
        let Data::Policy(p) = &e.data else { continue };
        let mut props: Vec<Prop> = Vec::new();
        props.extend(core_prop("type", "policy"));
        props.extend(p.version.as_deref().and_then(|v| core_prop("version", v)));
        props.extend(prop("policy", &e.id));
        props.extend(link_id(p.owner.as_ref()).and_then(|o| prop("owner", &o)));
        if let Some(a) = &p.approved {
            props.extend(link_id(Some(&a.who)).and_then(|w| prop("approved-by", &w)));
            props.extend(prop("approved-on", &a.date.to_string()));
        }
        props.extend(p.effective.and_then(|d| prop("effective", &d.to_string())));
        props.extend(
            p.classification
                .as_ref()
                .and_then(|c| prop("classification", &c.text)),
        );
        props.extend(p.review.and_then(|r| prop("review", &r.to_string())));
        props.extend(link_id(p.parent.as_ref()).and_then(|x| prop("parent", &x)));
        let rlinks = if ctx.site {
            vec![Rlink {
                href: format!("../site/policies/{}.html", e.id),
                media_type: Some("text/html"),
            }]
        } else {
            Vec::new()
        };
        out.push(Resource {
            uuid: resource_uuid(ctx, "policy", &e.id),
            title: line(e.display()).unwrap_or_else(|| e.id.clone()),
            description: None,
            props,
            rlinks,
        });
    }
    for (_, e) in model.of_kind(Kind::Obligation) {
        let Data::Obligation(o) = &e.data else {
            continue;
        };
        let kind = match o.kind.as_ref().map(|k| k.value.as_str()) {
            Some("legal") => Some("law"),
            Some("regulatory") => Some("regulation"),
            Some("contractual") => Some("agreement"),
            _ => None,
        };
        let mut props: Vec<Prop> = Vec::new();
        props.extend(kind.and_then(|k| core_prop("type", k)));
        props.extend(prop("obligation", &e.id));
        props.extend(
            o.kind
                .as_ref()
                .and_then(|k| prop("obligation-kind", k.value.as_str())),
        );
        let reference = o.reference.as_deref().map(str::trim).unwrap_or_default();
        let is_url = (reference.starts_with("https://") || reference.starts_with("http://"))
            && !reference.contains(char::is_whitespace);
        if !is_url {
            props.extend(prop("reference", reference));
        }
        out.push(Resource {
            uuid: resource_uuid(ctx, "obligation", &e.id),
            title: line(e.display()).unwrap_or_else(|| e.id.clone()),
            description: o.description.as_deref().and_then(text),
            props,
            rlinks: if is_url {
                vec![Rlink {
                    href: reference.to_string(),
                    media_type: None,
                }]
            } else {
                Vec::new()
            },
        });
    }
    out
}

/// `(state, remarks)` of the implementation status of one row.
fn implementation_status(row: &SoaControl) -> (&'static str, Option<String>) {
    match (row.decision, row.status) {
        ("excluded", _) => ("not-applicable", row.justification.clone()),
        ("undecided", _) => (
            "planned",
            Some("Undecided: the SoA records no decision for this control yet (neither a control that satisfies it nor an `included` or `excluded` statement).".into()),
        ),
        (_, "implemented") => ("implemented", None),
        (_, "partial") => ("partial", None),
        (_, "planned") => ("planned", None),
        _ => (
            "planned",
            Some("Applicable, but no control of the ISMS implements it yet.".into()),
        ),
    }
}

fn implemented_requirement(
    ctx: &Ctx<'_>,
    row: &SoaControl,
    system: &str,
) -> ImplementedRequirement {
    let model = ctx.model;
    let std = ctx.standard();
    let mut props: Vec<Prop> = Vec::new();
    props.extend(prop("label", &row.id));
    props.extend(prop("decision", row.decision));
    props.extend(prop("status", row.status));
    for r in &row.reasons {
        props.extend(prop("inclusion-reason", r.kind));
    }
    for (name, ids) in [
        ("implemented-by", &row.implemented_by),
        ("risk", &row.risks),
        ("obligation", &row.obligations),
        ("owner", &row.owners),
        ("policy", &row.policies),
    ] {
        props.extend(ids.iter().filter_map(|id| prop(name, id)));
    }
    for ev in &row.evidence {
        if let Some(mut p) = prop("evidence", &ev.title) {
            let mut where_when = vec![format!("control `{}`", ev.control)];
            where_when.extend(
                ev.at
                    .as_deref()
                    .and_then(line)
                    .map(|a| format!("kept at {a}")),
            );
            where_when.extend(ev.collected.as_ref().map(|c| format!("collected {c}")));
            p.remarks = Some(where_when.join("; "));
            props.push(p);
        }
    }
    let mut links = Vec::new();
    for (id, e) in row.policies.iter().zip(&row.refs.policies) {
        links.push(Link {
            href: format!("#{}", resource_uuid(ctx, "policy", id)),
            rel: Some("policy".into()),
            text: model.entity(*e).and_then(|e| line(e.display())),
        });
    }
    for (id, e) in row.obligations.iter().zip(&row.refs.obligations) {
        links.push(Link {
            href: format!("#{}", resource_uuid(ctx, "obligation", id)),
            rel: Some("obligation".into()),
            text: model.entity(*e).and_then(|e| line(e.display())),
        });
    }
    let owners: Vec<String> = row
        .owners
        .iter()
        .zip(&row.refs.owners)
        .filter(|(_, e)| {
            model
                .entity(**e)
                .is_some_and(|e| matches!(e.kind, Kind::Person | Kind::Team))
        })
        .map(|(id, _)| party(ctx, id))
        .collect();
    let (state, status_remarks) = implementation_status(row);
    let implementers: Vec<String> = row
        .implemented_by
        .iter()
        .zip(&row.refs.implemented_by)
        .map(|(id, e)| match model.entity(*e) {
            Some(e) => match &e.data {
                Data::Control(c) => format!(
                    "- {} (`{}`, {})",
                    line(e.display()).unwrap_or_default(),
                    e.id,
                    c.status
                        .as_ref()
                        .map(|s| s.value.as_str())
                        .unwrap_or("planned")
                ),
                _ => format!("- `{id}`"),
            },
            None => format!("- `{id}`"),
        })
        .collect();
    let description = match row.decision {
        "excluded" => {
            "Not applicable: excluded from the ISMS, see the remarks for the justification."
                .to_string()
        }
        "undecided" => "No applicability decision has been recorded.".to_string(),
        _ if implementers.is_empty() => {
            "Applicable; no control of the ISMS implements it yet.".to_string()
        }
        _ => format!(
            "Implemented by the controls of the ISMS:\n\n{}",
            implementers.join("\n")
        ),
    };
    ImplementedRequirement {
        uuid: ctx.uuid("implemented-requirement", &row.id),
        control_id: std
            .ids
            .control(&row.id)
            .map(str::to_string)
            .unwrap_or_else(|| super::token(&row.id)),
        props,
        links,
        responsible_roles: if owners.is_empty() {
            Vec::new()
        } else {
            vec![ResponsibleRole {
                role_id: "control-owner".into(),
                party_uuids: owners,
            }]
        },
        by_components: vec![ByComponent {
            component_uuid: system.to_string(),
            uuid: ctx.uuid("by-component", &row.id),
            description,
            implementation_status: Status {
                state,
                remarks: status_remarks,
            },
            remarks: row.justification.as_deref().and_then(text),
        }],
    }
}

/// An asset's description for OSCAL: its own, else its title, else its id.
fn asset_description(e: &Entity, a: &Asset) -> String {
    a.description
        .as_deref()
        .and_then(text)
        .or_else(|| line(e.display()))
        .unwrap_or_else(|| e.id.clone())
}
