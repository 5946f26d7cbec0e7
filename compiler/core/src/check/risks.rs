//! E0501–E0506, W0507, W0508: every risk has an owner, a rating and a treatment, a risk to
//! mitigate names its controls, the residual risk is not higher than the inherent one, a
//! residual risk above the acceptance threshold is accepted by someone, and by the risk owner
//! (ISO/IEC 27001 6.1.3 f), and a risk is not counted acceptable only through controls that
//! are not implemented yet.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::facts::register::Basis;
use crate::facts::Facts;
use crate::model::{Data, EntityId, Model, SignOff, Treatment};

/// "`ceo` (Luis Ortega)".
fn named(model: &Model, id: EntityId) -> String {
    match model.entity(id) {
        Some(e) => match &e.title {
            Some(t) => format!("`{}` ({t})", e.id),
            None => format!("`{}`", e.id),
        },
        None => String::new(),
    }
}

/// W0507: a residual risk accepted by someone other than its owner.
fn acceptance_by_owner(
    model: &Model,
    e: &crate::model::Entity,
    owner: Option<&crate::model::Link>,
    accepted: &SignOff,
    diags: &mut Diagnostics,
) {
    let (Some(owner_link), Some(who)) = (owner, accepted.who.target) else {
        return;
    };
    let Some(owner) = owner_link.target else {
        return;
    };
    if model.speaks_for(who, owner) {
        return;
    }
    diags.push(
        Diagnostic::new(
            Code::W0507,
            accepted.who.span,
            format!(
                "the risk that remains of `{}` was accepted by {}, not by its owner {}",
                e.id,
                named(model, who),
                named(model, owner)
            ),
        )
        .primary_label("accepted by someone else")
        .label(owner_link.span, "the risk owner")
        .help(format!(
            "ISO/IEC 27001 6.1.3 f) asks the risk owners to accept the residual risks: record the owner's acceptance (`accepted = {} @ …`), or make whoever accepts the risk its owner",
            model.entity(owner).map(|o| o.id.as_str()).unwrap_or("owner")
        )),
    );
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub(super) fn check(model: &Model, facts: &Facts, diags: &mut Diagnostics) {
    let method = model.risk_method.as_ref();
    for assessed in &facts.register.risks {
        let Some(e) = model.entity(assessed.risk) else {
            continue;
        };
        let Data::Risk(r) = &e.data else { continue };
        // What a broken risk lacks may be what could not be read: its mistake is reported.
        if e.recovered {
            continue;
        }
        if r.owner.is_none() {
            diags.push(
                Diagnostic::new(Code::E0501, e.id_span, format!("risk `{}` has no owner", e.id))
                    .primary_label("no `owner`")
                    .help("add `owner = …` (a person or team): ISO/IEC 27001 6.1.2 c) 2) requires a risk owner, who approves the treatment and accepts the residual risk"),
            );
        }
        if r.inherent.likelihood.is_none() || r.inherent.impact.is_none() {
            let missing = match (&r.inherent.likelihood, &r.inherent.impact) {
                (None, None) => "`likelihood` and `impact`",
                (None, _) => "`likelihood`",
                _ => "`impact`",
            };
            diags.push(
                Diagnostic::new(Code::E0505, e.id_span, format!("risk `{}` has no {missing}", e.id))
                    .primary_label("not rated")
                    .help("rate the risk with levels of the risk method's scales, e.g. `likelihood = likely  impact = severe`"),
            );
        }
        let treatment = r.treatment.map(|w| w.value);
        if treatment.is_none() {
            diags.push(
                Diagnostic::new(Code::E0506, e.id_span, format!("risk `{}` has no treatment", e.id))
                    .primary_label("no `treatment`")
                    .help("decide how the risk is treated (ISO/IEC 27001 6.1.3 a): `treatment = mitigate`, `accept`, `avoid` or `transfer`"),
            );
        }
        if treatment == Some(Treatment::Mitigate) && r.controls.is_empty() && r.requires.is_empty()
        {
            let span = r.treatment.as_ref().map(|w| w.span).unwrap_or(e.id_span);
            diags.push(
                Diagnostic::new(Code::E0502, span, format!("risk `{}` is to be mitigated, but names no controls", e.id))
                    .primary_label("`mitigate` without `controls`")
                    .help("list the treating controls with `controls = [...]`, or choose another treatment (`accept`, `avoid`, `transfer`)"),
            );
        }
        if let Some(a) = &r.accepted {
            acceptance_by_owner(model, e, r.owner.as_ref(), a, diags);
        }
        // Scores are judged only against a method that was read whole.
        let Some(method) = method.filter(|m| !m.recovered) else {
            continue;
        };
        let (inherent, residual) = (assessed.inherent, assessed.residual);
        if let (Some(i), Some(res), Some(block)) = (inherent, residual, r.residual.as_ref()) {
            if res > i {
                diags.push(
                    Diagnostic::new(Code::E0504, block.span, format!("the residual risk of `{}` ({res}) is higher than its inherent risk ({i})", e.id))
                        .primary_label(format!("residual score {res}"))
                        .label(e.id_span, format!("inherent score {i}"))
                        .help("treatment cannot make a risk worse: check the residual levels, or re-assess the inherent risk"),
                );
            }
        }
        // The risk that remains: the residual if assessed, else the inherent one.
        let Some(remaining) = residual.or(inherent) else {
            continue;
        };
        if let (true, false, Some(now), None) = (
            assessed.acceptable,
            assessed.acceptable_now,
            assessed.current,
            r.accepted.as_ref(),
        ) {
            // A treating control with a reported mistake may lack what could not be read.
            let readable = assessed
                .pending
                .iter()
                .all(|c| model.entity(*c).is_some_and(|c| !c.recovered));
            if !assessed.pending.is_empty() && readable {
                let threshold = method.accept_at_or_below.unwrap_or(0);
                let names: Vec<String> = assessed
                    .pending
                    .iter()
                    .filter_map(|c| model.entity(*c))
                    .map(|c| format!("`{}`", c.id))
                    .collect();
                let span = match (assessed.basis, &r.current) {
                    (Basis::Assessed, Some(cur)) => cur.span,
                    _ => r.residual.as_ref().map(|b| b.span).unwrap_or(e.id_span),
                };
                let mut d = Diagnostic::new(
                    Code::W0508,
                    span,
                    format!(
                        "risk `{}` is acceptable only once {} {} implemented: today it scores {now}, above the acceptance threshold {threshold}",
                        e.id,
                        join_and(&names),
                        if names.len() == 1 { "is" } else { "are" }
                    ),
                )
                .primary_label(match assessed.basis {
                    Basis::Assessed => format!("current score {now} > {threshold}"),
                    _ => format!("acceptable after treatment ({remaining} ≤ {threshold})"),
                });
                for l in &r.controls {
                    if l.target.is_some_and(|t| assessed.pending.contains(&t)) {
                        d = d.label(l.span, "not implemented yet");
                    }
                }
                if assessed.basis == Basis::Pending {
                    d = d.note("without a `current` rating, the inherent rating stands until the treating controls are implemented");
                }
                let owner = r
                    .owner
                    .as_ref()
                    .and_then(|o| model.target(o))
                    .map(|o| o.id.as_str())
                    .unwrap_or("owner");
                let accept = format!("record the owner's acceptance of the risk until the controls are in place: `accepted = {owner} @ 2026-02-01 until 2026-09-30`");
                diags.push(d.help(match assessed.basis {
                    Basis::Assessed => format!("implement the controls, or {accept}"),
                    _ => format!("rate the risk as it stands today with `current {{ likelihood = …  impact = … }}`, or {accept}"),
                }));
            }
        }
        if !assessed.acceptable && r.accepted.is_none() {
            let threshold = method.accept_at_or_below.unwrap_or(0);
            let span = r.residual.as_ref().map(|b| b.span).unwrap_or(e.id_span);
            let which = if residual.is_some() {
                "residual"
            } else {
                "inherent"
            };
            diags.push(
                Diagnostic::new(
                    Code::E0503,
                    span,
                    format!("the {which} risk of `{}` scores {remaining}, above the acceptance threshold {threshold}, and nobody accepted it", e.id),
                )
                .primary_label(format!("{which} score {remaining} > {threshold}"))
                .label(method.threshold_span, "the acceptance threshold is set here")
                .help("treat the risk further, or record the risk owner's acceptance: `accepted = owner @ 2026-02-01 until 2027-02-01`"),
            );
        }
    }
}
