//! W0601–W0605: findings that time brings, judged against `--today`.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::model::{ControlStatus, Data, Model};
use crate::syntax::ast::Date;

pub(super) fn check(model: &Model, today: Date, diags: &mut Diagnostics) {
    for e in &model.entities {
        match &e.data {
            Data::Policy(p) => {
                match &p.approved {
                    // An approval that could not be read was reported as such.
                    None if e.recovered => {}
                    None => diags.push(
                        Diagnostic::new(Code::W0602, e.id_span, format!("{} `{}` has no approval", e.noun(), e.id))
                            .primary_label("no `approved`")
                            .help("record the approval by top management: `approved = ceo @ 2026-02-01` (ISO/IEC 27001 5.2, 7.5.2 c)"),
                    ),
                    Some(a) => {
                        if let Some(every) = p.review {
                            let due = a.date.plus(every);
                            if due < today {
                                diags.push(
                                    Diagnostic::new(Code::W0601, a.span, format!("{} `{}` was due for review on {due}", e.noun(), e.id))
                                        .primary_label(format!("approved {}, reviewed every {every}", a.date))
                                        .help(format!("review the {} and record the new approval date in `approved`", e.noun())),
                                );
                            }
                        }
                    }
                }
            }
            Data::Control(c) => {
                let status = c.status.map(|w| w.value);
                if let (Some(due), Some(ControlStatus::Planned | ControlStatus::Partial)) =
                    (c.due, status)
                {
                    if due < today {
                        let span = c.status.as_ref().map(|w| w.span).unwrap_or(e.id_span);
                        diags.push(
                            Diagnostic::new(Code::W0604, span, format!("control `{}` is still {} but was due on {due}", e.id, status.map(ControlStatus::as_str).unwrap_or("")))
                                .primary_label("past due")
                                .help("implement the control and set `status = implemented`, or agree a new `due` date"),
                        );
                    }
                }
                for ev in &c.evidence {
                    if let (Some(collected), Some(every)) = (ev.collected, ev.every) {
                        let due = collected.plus(every);
                        if due < today {
                            diags.push(
                                Diagnostic::new(Code::W0603, ev.span, format!("evidence \"{}\" of control `{}` is stale: due again on {due}", ev.title, e.id))
                                    .primary_label(format!("collected {collected}, every {every}"))
                                    .help("collect the evidence again and update `collected`"),
                            );
                        }
                    }
                }
            }
            Data::Risk(r) => {
                if let Some(a) = &r.accepted {
                    if let Some(until) = a.until {
                        if until < today {
                            diags.push(
                                Diagnostic::new(Code::W0605, a.span, format!("the acceptance of risk `{}` expired on {until}", e.id))
                                    .primary_label("expired")
                                    .help("re-assess the risk and renew the acceptance with a new `until` date, or treat it further"),
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
}
