//! E0401–E0408, W0406, W0407: the Annex A decisions of the Statement of Applicability
//! (ISO/IEC 27001 6.1.3 c, d).

use std::collections::{BTreeMap, HashMap};

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::facts::soa::Applicability;
use crate::facts::{Facts, Field, Node};
use crate::model::{Data, EntityId, Model, ReqId, Verdict};
use crate::source::{Origin, SourceMap, Span};

pub(super) fn check(sources: &SourceMap, model: &Model, facts: &Facts, diags: &mut Diagnostics) {
    decided_twice(model, diags);
    for d in &model.decisions {
        if d.verdict != Verdict::Excluded {
            continue;
        }
        match d.reason.as_deref().map(str::trim) {
            None | Some("") => diags.push(
                Diagnostic::new(Code::E0402, d.span, format!("the exclusion of `{}` has no justification", d.req.id))
                    .primary_label("excluded without a reason")
                    .help(format!("say why the control is not needed: `{} excluded \"…\"` (ISO/IEC 27001 6.1.3 d requires the justification)", d.req.id)),
            ),
            Some(reason) if vacuous(reason) => diags.push(
                Diagnostic::new(Code::W0409, d.span, format!("the exclusion of `{}` is justified by \"{reason}\", which says nothing", d.req.id))
                    .primary_label("not a justification")
                    .help("say why the control is not needed here, in a sentence an auditor can check: what the organisation does not have or does not do"),
            ),
            Some(_) => {}
        }
    }
    let Some(table) = &facts.soa else {
        return;
    };
    let anchor = model
        .applicability_spans
        .first()
        .copied()
        .or_else(|| {
            model.isms.as_ref().map(|i| {
                Span::new(
                    i.span.file,
                    i.span.start as usize,
                    i.span.start as usize + 4,
                )
            })
        })
        .or_else(|| {
            sources
                .iter()
                .find(|(_, f)| f.origin == Origin::Project && f.name.ends_with(".isms"))
                .map(|(id, _)| Span::new(id, 0, 0))
        });
    let in_scope_types = in_scope_asset_types(model);
    // Applicable requirements without a reason, by the control they are applicable through.
    let mut unjustified: BTreeMap<EntityId, Vec<ReqId>> = BTreeMap::new();
    // Requirements named where a reported mistake hid them: not undecided, only unreadable.
    let shadowed: std::collections::HashSet<ReqId> =
        model.shadowed.iter().filter_map(|r| r.target).collect();

    for row in &table.rows {
        let Some(req) = model.requirement(row.req) else {
            continue;
        };
        let title = &req.title;
        match row.applicability {
            Applicability::Undecided => {
                if shadowed.contains(&row.req) {
                    continue;
                }
                let Some(at) = anchor else { continue };
                diags.push(
                    Diagnostic::new(Code::E0401, at, format!("`{}` ({title}) has no decision in the Statement of Applicability", req.id))
                        .primary_label(format!("no decision for `{}`", req.id))
                        .subject(req.id.clone(), title.clone())
                        .help(format!(
                            "satisfy it with a control (`satisfies = [{id}]`) or exclude it with a justification in an `applicability` block: `{id} excluded \"…\"`",
                            id = req.id
                        )),
                );
            }
            Applicability::Excluded => {
                let Some(decision) = row.exclusion(model) else {
                    continue;
                };
                let satisfying = satisfying_spans(model, facts, row.req);
                let risk_links = risk_needs(model, facts, row.req);
                if !risk_links.is_empty() {
                    let mut d = Diagnostic::new(
                        Code::E0404,
                        decision.span,
                        format!(
                            "`{}` ({title}) is excluded, but the treatment of a risk needs it",
                            req.id
                        ),
                    )
                    .primary_label("excluded here");
                    for (span, label) in &risk_links {
                        d = d.label(*span, label.clone());
                    }
                    diags.push(d.help("a control that treats a risk is necessary (6.1.3 b): remove the exclusion, or change the risk treatment"));
                } else if !satisfying.is_empty() {
                    let mut d = Diagnostic::new(
                        Code::E0403,
                        decision.span,
                        format!(
                            "`{}` ({title}) is excluded, but a control satisfies it",
                            req.id
                        ),
                    )
                    .primary_label("excluded here");
                    for (span, control) in &satisfying {
                        d = d.label(*span, format!("satisfied by control `{control}`"));
                    }
                    diags.push(d.help("a control is either applicable or excluded: remove the exclusion, or remove it from the control's `satisfies`"));
                } else if let Some(ty) = req
                    .attribute("implied_by")
                    .iter()
                    .find(|t| in_scope_types.contains_key(t.as_str()))
                {
                    let (asset_id, asset_span) = &in_scope_types[ty.as_str()];
                    diags.push(
                        Diagnostic::new(
                            Code::W0407,
                            decision.span,
                            format!("`{}` ({title}) is excluded while {} asset `{asset_id}` is in scope", req.id, article(ty)),
                        )
                        .primary_label("excluded here")
                        .label(*asset_span, format!("{ty} asset in scope"))
                        .help("check that the justification explains why the control is not needed despite that asset, or include the control"),
                    );
                }
            }
            Applicability::Applicable => {
                if row.implemented_by.is_empty() {
                    if let Some(decision) = row.inclusion(model) {
                        diags.push(
                            Diagnostic::new(Code::W0406, decision.span, format!("`{}` ({title}) is included, but no control satisfies it", req.id))
                                .primary_label("included here")
                                .help(format!("add a control with `satisfies = [{}]`; until then the SoA shows it as not implemented", req.id)),
                        );
                    }
                } else if row.reasons.is_empty() {
                    // Reported once per control (its first implementing control), below.
                    if let Some(&control) = row.implemented_by.first() {
                        unjustified.entry(control).or_default().push(row.req);
                    }
                }
            }
        }
    }
    for (control, reqs) in unjustified {
        // Named in a broken entry or an unknown field: its reason may be what could not be read.
        if model.shadowed_entities.binary_search(&control).is_ok() {
            continue;
        }
        let Some(entity) = model.entity(control) else {
            continue;
        };
        let Data::Control(ctl) = &entity.data else {
            continue;
        };
        // The `satisfies` entries of the control that name these requirements.
        let spans: Vec<(Span, &str)> = reqs
            .iter()
            .filter_map(|r| {
                let link = ctl.satisfies.iter().find(|l| l.target == Some(*r))?;
                Some((link.span, model.requirement(*r)?.id.as_str()))
            })
            .collect();
        let Some(&(first, _)) = spans.first() else {
            continue;
        };
        let ids: Vec<String> = spans.iter().map(|(_, id)| format!("`{id}`")).collect();
        let message = match ids.as_slice() {
            [one] => format!(
                "{one} ({}) is applicable through control `{}`, but nothing says why",
                reqs.first()
                    .and_then(|r| model.requirement(*r))
                    .map(|r| r.title.as_str())
                    .unwrap_or(""),
                entity.id
            ),
            [init @ .., last] => format!(
                "{} and {last} are applicable through control `{}`, but nothing says why",
                init.join(", "),
                entity.id
            ),
            [] => continue,
        };
        let mut d = Diagnostic::new(Code::E0405, first, message)
            .primary_label(format!("applicable through `{}`", entity.id));
        for (span, _) in spans.iter().skip(1) {
            d = d.label(*span, "applicable through it as well");
        }
        let example = spans.first().map(|(_, id)| *id).unwrap_or("A.5.1");
        diags.push(d.help(format!(
            "link control `{}` to a risk (`controls = [{}]` in a risk) or an obligation, or state the reason for each: `{example} included \"…\"` (6.1.3 d)",
            entity.id, entity.id
        )));
    }
}

/// Whether an exclusion's justification says nothing: a placeholder (`n/a`, `not applicable`,
/// `none`, `tbd`, `-`) or a few characters (fewer than three words and twelve letters).
fn vacuous(reason: &str) -> bool {
    let words: Vec<String> = reason
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let letters: usize = words.iter().map(|w| w.chars().count()).sum();
    const PLACEHOLDERS: &[&str] = &[
        "n a",
        "na",
        "not applicable",
        "not relevant",
        "none",
        "no",
        "tbd",
        "todo",
        "tbc",
        "not needed",
        "not required",
        "nothing",
        "see above",
        "x",
    ];
    words.is_empty()
        || PLACEHOLDERS.contains(&words.join(" ").as_str())
        || (words.len() < 3 && letters < 12)
}

fn article(word: &str) -> String {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}

/// Two decisions for one requirement.
fn decided_twice(model: &Model, diags: &mut Diagnostics) {
    let mut first: HashMap<ReqId, (Span, Verdict)> = HashMap::new();
    for d in &model.decisions {
        let Some(t) = d.req.target else { continue };
        match first.get(&t) {
            Some((span, verdict)) => {
                let word = |v: &Verdict| {
                    if *v == Verdict::Included {
                        "included"
                    } else {
                        "excluded"
                    }
                };
                diags.push(
                    Diagnostic::new(
                        Code::E0408,
                        d.span,
                        format!("`{}` is decided twice", d.req.id),
                    )
                    .primary_label(format!("{} here", word(&d.verdict)))
                    .label(*span, format!("first {} here", word(verdict)))
                    .help("keep one decision per Annex A control"),
                );
            }
            None => {
                first.insert(t, (d.span, d.verdict));
            }
        }
    }
}

/// `(span of the satisfies entry, control id)` for each control that satisfies `req`.
fn satisfying_spans(model: &Model, facts: &Facts, req: ReqId) -> Vec<(Span, String)> {
    facts
        .index
        .referring(Node::Requirement(req), Field::Satisfies)
        .into_iter()
        .filter_map(|(c, span)| Some((span, model.entity(c)?.id.clone())))
        .collect()
}

/// Places where a risk's treatment needs `req`: its `requires`, or a treating control that
/// satisfies `req`; risk by risk in model order, `requires` first.
fn risk_needs(model: &Model, facts: &Facts, req: ReqId) -> Vec<(Span, String)> {
    let node = Node::Requirement(req);
    let mut found: Vec<(EntityId, u8, u32, Span, String)> = Vec::new();
    for (risk, span) in facts.index.referring(node, Field::Requires) {
        if let Some(e) = model.entity(risk) {
            found.push((
                risk,
                0,
                span.start,
                span,
                format!("risk `{}` requires it", e.id),
            ));
        }
    }
    for (control, _) in facts.index.referring(node, Field::Satisfies) {
        let Some(c) = model.entity(control) else {
            continue;
        };
        for (risk, span) in facts
            .index
            .referring(Node::Entity(control), Field::TreatedBy)
        {
            if let Some(e) = model.entity(risk) {
                found.push((
                    risk,
                    1,
                    span.start,
                    span,
                    format!(
                        "risk `{}` is treated by `{}`, which satisfies it",
                        e.id, c.id
                    ),
                ));
            }
        }
    }
    found.sort_by_key(|(risk, kind, start, _, _)| (*risk, *kind, *start));
    found.dedup_by_key(|(risk, kind, start, _, _)| (*risk, *kind, *start));
    found
        .into_iter()
        .map(|(_, _, _, span, label)| (span, label))
        .collect()
}

/// Asset types in scope (assets not listed in the scope's `excludes`), with the first asset
/// of each type.
fn in_scope_asset_types(model: &Model) -> HashMap<&str, (String, Span)> {
    let excluded: Vec<_> = model
        .scope
        .as_ref()
        .map(|s| s.excludes.iter().filter_map(|(l, _)| l.target).collect())
        .unwrap_or_default();
    let mut out = HashMap::new();
    for (id, e) in model.of_kind(crate::model::Kind::Asset) {
        if excluded.contains(&id) {
            continue;
        }
        if let Data::Asset(a) = &e.data {
            if let Some(t) = &a.asset_type {
                out.entry(t.value.as_str())
                    .or_insert_with(|| (e.id.clone(), e.id_span));
            }
        }
    }
    out
}
