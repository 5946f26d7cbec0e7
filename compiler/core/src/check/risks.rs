//! E0501–E0505: every risk has an owner and a rating, a risk to mitigate names its
//! controls, the residual risk is not higher than the inherent one, and a residual risk above
//! the acceptance threshold is accepted by someone (ISO/IEC 27001 6.1.3 f).

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::facts::Facts;
use crate::model::{Data, Model, Treatment};

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
