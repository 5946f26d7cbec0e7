//! `risks.json`: the risk register as an OSCAL plan-of-action-and-milestones.
//!
//! Each risk becomes a `risk` with two characterizations, the inherent rating (facets with
//! `state` `initial`) and the residual one (`adjusted`), each with the facets `likelihood`,
//! `impact` and `score` in the ismsc system [`NS`]; its treating controls are its
//! `remediations`; an acceptance is a `risk-log` entry. Its `status`:
//!
//! - `deviation-approved`: the remaining risk was accepted (`accepted = who @ date`);
//! - `closed`: the remaining risk is within the acceptance threshold and every treating
//!   control is implemented (or there is none);
//! - `remediating`: it has treating controls, not all implemented;
//! - `open`: otherwise.
//!
//! One `poam-item` per risk refers to it.

use super::ssp::{organization, parties, party, roles};
use super::types::*;
use super::{line, midnight, prop, text, Ctx, NS};
use ismsc_core::emit::dto::{RiskEntry, RiskRating, RiskRegisterDoc};
use ismsc_core::model::{Data, Entity, EntityId, Kind};

/// `risks.json`.
pub(crate) fn poam(ctx: &Ctx<'_>, register: &RiskRegisterDoc) -> PoamDoc {
    let mut metadata = ctx.metadata(
        format!("{}: risk register", ctx.system_name()),
        ctx.version.clone(),
    );
    metadata.props.extend(
        register
            .accept_at_or_below
            .and_then(|t| prop("accept-at-or-below", &t.to_string())),
    );
    metadata.roles = roles();
    metadata.parties = parties(ctx);
    metadata.remarks = Some(
        "The risk register of the ISMS (ISO/IEC 27001 6.1.2, 6.1.3 and 8.2, 8.3), written by ismsc. Likelihood, impact and score are facets in the ismsc system; the facet property `state` is `initial` for the inherent and `adjusted` for the residual rating.".into(),
    );
    let risks: Vec<Risk> = register.risks.iter().map(|r| risk(ctx, r)).collect();
    let items = register
        .risks
        .iter()
        .zip(&risks)
        .map(|(r, o)| PoamItem {
            uuid: ctx.uuid("poam-item", &r.id),
            title: o.title.clone(),
            description: treatment_text(ctx, r),
            props: prop("risk", &r.id).into_iter().collect(),
            related_risks: vec![RiskRef {
                risk_uuid: o.uuid.clone(),
            }],
        })
        .collect();
    PoamDoc {
        plan_of_action_and_milestones: Poam {
            uuid: ctx.uuid("poam", "risks"),
            metadata,
            import_ssp: Href {
                href: "ssp.json".into(),
            },
            system_id: SystemId {
                identifier_type: "https://ietf.org/rfc/rfc4122",
                id: ctx.uuid("system", "isms"),
            },
            risks,
            poam_items: items,
        },
    }
}

fn control<'m>(
    ctx: &Ctx<'m>,
    id: EntityId,
) -> Option<(&'m Entity, &'m ismsc_core::model::Control)> {
    let e = ctx.model.entity(id)?;
    match &e.data {
        Data::Control(c) => Some((e, c)),
        _ => None,
    }
}

fn control_status(c: &ismsc_core::model::Control) -> &str {
    c.status
        .as_ref()
        .map(|s| s.value.as_str())
        .unwrap_or("planned")
}

fn treatment_text(ctx: &Ctx<'_>, r: &RiskEntry) -> String {
    let controls: Vec<String> = r
        .controls
        .iter()
        .zip(&r.refs.controls)
        .map(|(id, e)| match control(ctx, *e) {
            Some((e, c)) => format!("{} (`{id}`, {})", e.display(), control_status(c)),
            None => format!("`{id}`"),
        })
        .collect();
    match (&r.treatment, controls.is_empty()) {
        (Some(t), true) => format!("Treatment: {t}."),
        (Some(t), false) => format!("Treatment: {t}, through {}.", controls.join(", ")),
        (None, false) => format!("Treated through {}.", controls.join(", ")),
        (None, true) => "No treatment is recorded.".into(),
    }
}

fn characterization(
    ctx: &Ctx<'_>,
    r: &RiskEntry,
    rating: &RiskRating,
    state: &str,
) -> Option<Characterization> {
    let state_prop = || Prop {
        name: "state".into(),
        ns: None,
        value: state.into(),
        remarks: None,
    };
    let mut facets = Vec::new();
    for (name, value) in [
        ("likelihood", rating.likelihood.clone()),
        ("impact", rating.impact.clone()),
        ("score", rating.score.map(|s| s.to_string())),
    ] {
        if let Some(value) = value.as_deref().and_then(line) {
            facets.push(Facet {
                name,
                system: NS,
                value,
                props: vec![state_prop()],
            });
        }
    }
    if facets.is_empty() {
        return None;
    }
    let owner = r.owner.as_deref().and_then(|o| {
        let e = ctx.model.entity(r.refs.owner?)?;
        matches!(e.kind, Kind::Person | Kind::Team).then(|| party(ctx, o))
    });
    let actor = match owner {
        Some(p) => Actor {
            kind: "party",
            actor_uuid: p,
            role_id: Some("risk-owner".into()),
        },
        None => Actor {
            kind: "party",
            actor_uuid: organization(ctx),
            role_id: None,
        },
    };
    Some(Characterization {
        origin: Origin {
            actors: vec![actor],
        },
        facets,
    })
}

fn risk(ctx: &Ctx<'_>, r: &RiskEntry) -> Risk {
    let model = ctx.model;
    let entity = model.entity(r.refs.risk);
    let data = entity.and_then(|e| match &e.data {
        Data::Risk(d) => Some(d.as_ref()),
        _ => None,
    });
    let title = r
        .title
        .as_deref()
        .and_then(line)
        .unwrap_or_else(|| r.id.clone());
    let mut props: Vec<Prop> = Vec::new();
    props.extend(prop("risk", &r.id));
    props.extend(r.treatment.as_deref().and_then(|t| prop("treatment", t)));
    props.extend(r.owner.as_deref().and_then(|o| prop("owner", o)));
    props.extend(r.assets.iter().filter_map(|a| prop("asset", a)));
    props.extend(r.requires.iter().filter_map(|q| prop("requires", q)));
    props.extend(prop("acceptable", if r.acceptable { "yes" } else { "no" }));
    props.extend(
        data.and_then(|d| d.identified)
            .and_then(|d| prop("identified", &d.to_string())),
    );

    let states: Vec<(&str, Option<&ismsc_core::model::Control>)> = r
        .controls
        .iter()
        .zip(&r.refs.controls)
        .map(|(id, e)| (id.as_str(), control(ctx, *e).map(|(_, c)| c)))
        .collect();
    let all_implemented = states
        .iter()
        .all(|(_, c)| c.is_some_and(|c| control_status(c) == "implemented"));
    let status = if r.accepted.is_some() {
        "deviation-approved"
    } else if r.acceptable && all_implemented {
        "closed"
    } else if !states.is_empty() {
        "remediating"
    } else {
        "open"
    };
    let deadline = states
        .iter()
        .filter_map(|(_, c)| *c)
        .filter(|c| control_status(c) != "implemented")
        .filter_map(|c| c.due)
        .max()
        .and_then(midnight);

    let remediations = r
        .controls
        .iter()
        .zip(&r.refs.controls)
        .filter_map(|(id, entity)| {
            let (e, c) = control(ctx, *entity)?;
            let status = control_status(c);
            let mut props: Vec<Prop> = Vec::new();
            props.extend(prop("control", id));
            props.extend(prop("status", status));
            props.extend(c.due.and_then(|d| prop("due", &d.to_string())));
            props.extend(
                c.satisfies
                    .iter()
                    .filter(|q| q.target.is_some())
                    .filter_map(|q| prop("satisfies", &q.written())),
            );
            Some(Response {
                uuid: ctx.uuid("response", &format!("{}/{id}", r.id)),
                lifecycle: if status == "implemented" {
                    "completed"
                } else {
                    "planned"
                },
                title: line(e.display()).unwrap_or_else(|| id.clone()),
                description: c
                    .description
                    .as_deref()
                    .and_then(text)
                    .unwrap_or_else(|| format!("The control `{id}` of the ISMS.")),
                props,
            })
        })
        .collect();

    let risk_log = r.accepted.as_ref().and_then(|a| {
        let on = ismsc_core::syntax::ast::Date::parse(&a.on).and_then(midnight)?;
        let end = a
            .until
            .as_deref()
            .and_then(ismsc_core::syntax::ast::Date::parse)
            .and_then(midnight);
        let who = model
            .index
            .get(&a.by)
            .and_then(|i| model.entity(*i))
            .map(|e| e.display().to_string())
            .unwrap_or_else(|| a.by.clone());
        let until = a
            .until
            .as_deref()
            .map(|u| format!(" until {u}"))
            .unwrap_or_default();
        Some(RiskLog {
            entries: vec![LogEntry {
                uuid: ctx.uuid("risk-log-entry", &format!("{}/accepted", r.id)),
                title: "Remaining risk accepted".into(),
                description: format!(
                    "The remaining risk was accepted by {who} (`{}`) on {}{until}.",
                    a.by, a.on
                ),
                start: on,
                end,
                logged_by: vec![LoggedBy {
                    party_uuid: party(ctx, &a.by),
                }],
                status_change: "deviation-approved",
            }],
        })
    });

    let field = |v: Option<&str>| v.and_then(line).unwrap_or_else(|| "not recorded".into());
    let assets = if r.assets.is_empty() {
        "none recorded".to_string()
    } else {
        r.assets
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let statement = format!(
        "Threat: {}\n\nVulnerability: {}\n\nAssets at risk: {assets}.",
        field(r.threat.as_deref()),
        field(r.vulnerability.as_deref()),
    );
    let description = data
        .and_then(|d| d.description.as_deref())
        .and_then(text)
        .unwrap_or_else(|| format!("{title} (risk `{}` of the risk register).", r.id));

    let mut characterizations = Vec::new();
    characterizations.extend(characterization(ctx, r, &r.inherent, "initial"));
    if let Some(res) = &r.residual {
        characterizations.extend(characterization(ctx, r, res, "adjusted"));
    }
    Risk {
        uuid: ctx.uuid("risk", &r.id),
        title,
        description,
        statement,
        props,
        status,
        characterizations,
        deadline,
        remediations,
        risk_log,
    }
}
