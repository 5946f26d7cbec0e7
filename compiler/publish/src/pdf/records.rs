//! The controlled PDFs of the check and act records: the audit programme
//! (`pdf/audit-programme.pdf`), the nonconformity register (`pdf/nonconformities.pdf`) and
//! the minutes of each management review (`pdf/management-review-<id>.pdf`). Like every PDF
//! of the build, their source is the fixed preamble plus data in which every user string is
//! escaped.

use super::markup::{self, escape};
use super::{capitalize, cover, header_left, ids, or_missing, page_setup, PREAMBLE};
use ismsc_core::emit::dto::{
    ActionEntry, AuditProgrammeDoc, ManagementReviewsDoc, NonconformityRegisterDoc, ReviewEntry,
};
use ismsc_core::model::{Data, EntityId, Model};

/// A person or team by name with its id, or the id as written.
fn name_of(model: &Model, id: Option<EntityId>, written: Option<&str>) -> String {
    match id.and_then(|i| model.entity(i)) {
        Some(e) if e.title.is_some() => {
            format!("{} #note[({})]", escape(e.display()), escape(&e.id))
        }
        Some(e) => escape(&e.id),
        None => or_missing(written.map(str::to_string)),
    }
}

/// The document control table of a record, as the policies have it.
fn document_control(src: &mut String, rows: &[(&str, String)]) {
    src.push_str(
        "#text(size: 10.5pt, weight: \"bold\", fill: accent)[Document control]\n#v(2pt)\n\
         #table(columns: (4.2cm, 1fr), stroke: 0.5pt + luma(175), inset: (x: 7pt, y: 4.5pt),\n  \
         fill: (x, _) => if x == 0 { luma(238) },\n",
    );
    for (label, value) in rows {
        src.push_str(&format!("  [*{}*], [{}],\n", escape(label), value));
    }
    src.push_str(")\n#v(0.3cm)\n");
}

fn controlled_note(src: &mut String) {
    src.push_str(
        "#note[This is a controlled record of the information security management system, \
         generated from the ISMS sources, where the authoritative version is kept; printed \
         or downloaded copies are uncontrolled.]\n#v(0.3cm)\n",
    );
}

fn state(s: &str) -> String {
    escape(&capitalize(&s.replace('-', " ")))
}

/// The start of a record's register (A4 landscape, small type): the preamble and the page
/// set-up, the organisation and `title` in the header, the ISMS in the footer.
fn register_start(
    title: &str,
    organization: Option<&str>,
    isms: Option<&str>,
    stamp: Option<&str>,
) -> String {
    let mut src = String::from(PREAMBLE);
    src.push_str("#set text(size: 8.5pt)\n#set par(justify: false)\n");
    let footer = isms.map(escape).unwrap_or_else(|| escape(title));
    src.push_str(&page_setup(
        title,
        organization,
        true,
        &header_left(organization, title),
        &footer,
        None,
        None,
        stamp,
    ));
    src
}

/// The typst source of the audit programme (A4 landscape).
pub fn audit_programme_source(
    model: &Model,
    doc: &AuditProgrammeDoc,
    stamp: Option<&str>,
) -> String {
    let organization = doc.organization.as_deref();
    let title = "Internal audit programme";
    let mut src = register_start(title, organization, doc.isms.as_deref(), stamp);
    let sum = &doc.summary;
    let mut lines = Vec::new();
    if let Some(i) = &doc.isms {
        lines.push(format!("#strong[ISMS:] {}", escape(i)));
    }
    if let Some(c) = &doc.cycle {
        lines.push(format!(
            "#strong[Audit cycle:] {} — the current cycle runs from {} to {}.",
            escape(
                &ismsc_core::syntax::ast::Duration::parse(&c.length)
                    .map(super::duration_words)
                    .unwrap_or_else(|| c.length.clone())
            ),
            escape(&c.start),
            escape(&c.end)
        ));
    }
    lines.push(format!(
        "#strong[As of {}:] {} audits ({} performed, {} planned, {} overdue); of {} clauses and controls, {} audited, {} planned, {} overdue and {} not covered in the current cycle (ISO/IEC 27001 9.2.2).",
        escape(&doc.as_of),
        sum.audits,
        sum.performed,
        sum.planned,
        sum.overdue,
        sum.items,
        sum.items_audited,
        sum.items_planned,
        sum.items_overdue,
        sum.items_missing
    ));
    src.push_str(&cover(organization, title, &lines));
    let owner = model.isms.as_ref().and_then(|i| i.owner.as_ref());
    document_control(
        &mut src,
        &[
            (
                "Owner",
                name_of(
                    model,
                    owner.and_then(|l| l.target),
                    owner.map(|l| l.name.as_str()),
                ),
            ),
            (
                "ISMS version",
                or_missing(model.isms.as_ref().and_then(|i| i.version.clone())),
            ),
            ("Status as of", escape(&doc.as_of)),
        ],
    );
    controlled_note(&mut src);

    src.push_str("= Audits\n");
    if doc.audits.is_empty() {
        src.push_str("#note[The programme has no audits yet.]\n");
    } else {
        src.push_str(
            "#table(columns: (2.2cm, 1fr, 1.8cm, 1.9cm, 1.9cm, 3.2cm, 5.2cm, 2.6cm),\n  \
             table.header([ID], [Audit], [Status], [Planned], [Performed], [Lead auditor], [Covers], [Findings]),\n",
        );
        for a in &doc.audits {
            let mut audit = or_missing(a.title.clone());
            if let Some(c) = &a.criteria {
                audit.push_str(&format!(" \\ #note[Criteria: {}]", escape(c)));
            }
            if let Some(f) = &a.report_file {
                audit.push_str(&format!(" \\ #note[Report: {}]", escape(f)));
            }
            src.push_str(&format!(
                "  [{}], [{}], [{}], [{}], [{}], [{}], [{}], [{}],\n",
                escape(&a.id),
                audit,
                state(a.status),
                or_missing(a.planned.clone()),
                or_missing(a.performed.clone()),
                name_of(model, a.refs.lead, a.lead.as_deref()),
                ids(&a.covers),
                ids(&a.findings),
            ));
        }
        src.push_str(")\n");
    }

    src.push_str("#pagebreak(weak: true)\n= Coverage of the current cycle\n");
    if doc.coverage.is_empty() {
        src.push_str("#note[Nothing to cover.]\n");
        return src;
    }
    src.push_str(
        "Every clause of the standard and every applicable Annex A control, with the audits that cover it: the last performed and the next planned.\n\n\
         #table(columns: (2.2cm, 1fr, 2.2cm, 4.2cm, 4.2cm),\n  \
         table.header([Clause or control], [Title], [Status], [Last audited], [Next planned]),\n",
    );
    for r in &doc.coverage {
        let id = if r.kind == "clause" {
            format!("Clause {}", escape(&r.id))
        } else {
            escape(&r.id)
        };
        let dated = |audit: &Option<String>, date: &Option<String>| match (audit, date) {
            (Some(a), Some(d)) => format!("{} #note[{}]", escape(d), escape(a)),
            _ => "#missing".to_string(),
        };
        let status = match r.status {
            "missing" | "overdue" => {
                format!("#text(fill: rgb(\"#b42318\"))[*{}*]", state(r.status))
            }
            other => state(other),
        };
        src.push_str(&format!(
            "  [{id}], [{}], [{status}], [{}], [{}],\n",
            escape(&r.title),
            dated(&r.last_audit, &r.last_audited),
            dated(&r.next_audit, &r.next_planned),
        ));
    }
    src.push_str(")\n");
    src
}

fn actions_cell(model: &Model, actions: &[ActionEntry]) -> String {
    if actions.is_empty() {
        return "#missing".to_string();
    }
    actions
        .iter()
        .map(|a| {
            let mut when = Vec::new();
            if let Some(d) = &a.due {
                when.push(format!("due {}", escape(d)));
            }
            if let Some(d) = &a.done {
                when.push(format!("done {}", escape(d)));
            }
            format!(
                "{} \\ #note[{} · {} · {}]",
                escape(&a.title),
                name_of(model, a.owner_ref, a.owner.as_deref()),
                when.join(", "),
                state(a.status)
            )
        })
        .collect::<Vec<_>>()
        .join(" \\ ")
}

/// The typst source of the nonconformity register (A4 landscape).
pub fn nonconformities_source(
    model: &Model,
    doc: &NonconformityRegisterDoc,
    stamp: Option<&str>,
) -> String {
    let organization = doc.organization.as_deref();
    let title = "Nonconformities and corrective actions";
    let mut src = register_start(title, organization, doc.isms.as_deref(), stamp);
    let sum = &doc.summary;
    let mut lines = Vec::new();
    if let Some(i) = &doc.isms {
        lines.push(format!("#strong[ISMS:] {}", escape(i)));
    }
    lines.push(format!(
        "#strong[As of {}:] {} findings, {} open ({} with an overdue action) and {} closed; {} major, {} minor, {} observations, {} opportunities for improvement; {} corrective actions open, {} overdue (ISO/IEC 27001 10.2).",
        escape(&doc.as_of),
        sum.total,
        sum.open,
        sum.overdue,
        sum.closed,
        sum.major,
        sum.minor,
        sum.observations,
        sum.opportunities,
        sum.actions_open,
        sum.actions_overdue
    ));
    src.push_str(&cover(organization, title, &lines));
    controlled_note(&mut src);
    src.push_str(
        "#table(columns: (2.3cm, 1fr, 1.9cm, 1.5cm, 2.3cm, 2.4cm, 5.4cm, 3cm),\n  \
         table.header([ID], [Finding], [Severity], [State], [Found], [Against], [Corrective actions], [Verification]),\n",
    );
    for n in &doc.nonconformities {
        let mut finding = or_missing(n.title.clone());
        for (k, v) in [
            ("Finding", &n.description),
            ("Correction", &n.correction),
            ("Root cause", &n.root_cause),
        ] {
            if let Some(v) = v {
                finding.push_str(&format!(" \\ #note[#strong[{k}:] {}]", escape(v)));
            }
        }
        finding.push_str(&format!(
            " \\ #note[#strong[Owner:] {}]",
            name_of(model, n.refs.owner, n.owner.as_deref())
        ));
        if !n.risks.is_empty() {
            finding.push_str(&format!(
                " \\ #note[#strong[Risks:] {}]",
                escape(&n.risks.join(", "))
            ));
        }
        let verification = match (&n.verified_by, &n.verified_on) {
            (Some(by), Some(on)) => {
                let who = model.entity(n.refs.nc).and_then(|e| match &e.data {
                    Data::Nonconformity(d) => d.verified.as_ref().and_then(|v| v.who.target),
                    _ => None,
                });
                format!(
                    "{} #note[{}]{}",
                    name_of(model, who, Some(by)),
                    escape(on),
                    n.effectiveness
                        .as_deref()
                        .map(|e| format!(" \\ #note[{}]", escape(e)))
                        .unwrap_or_default()
                )
            }
            _ => "#note[not verified]".to_string(),
        };
        src.push_str(&format!(
            "  [{}], [{}], [{}], [{}], [{} \\ #note[{}]], [{}], [{}], [{}],\n",
            escape(&n.id),
            finding,
            or_missing(n.severity.map(capitalize)),
            state(n.state),
            or_missing(n.source.clone()),
            escape(n.raised.as_deref().unwrap_or("")),
            ids(&n.against),
            actions_cell(model, &n.actions),
            verification,
        ));
    }
    src.push_str(")\n");
    src
}

/// The typst source of the minutes of one management review (A4 portrait).
pub fn review_source(
    model: &Model,
    doc: &ManagementReviewsDoc,
    r: &ReviewEntry,
    stamp: Option<&str>,
) -> String {
    let organization = doc.organization.as_deref();
    let title = r.title.clone().unwrap_or_else(|| r.id.clone());
    let mut src = String::from(PREAMBLE);
    src.push_str(&page_setup(
        &title,
        organization,
        false,
        &header_left(organization, &title),
        &escape(&r.id),
        None,
        None,
        stamp,
    ));
    src.push_str(&cover(
        organization,
        &title,
        &["#caps[Minutes of the management review (ISO/IEC 27001 9.3)]".to_string()],
    ));
    let review = model.entity(r.review).and_then(|e| match &e.data {
        Data::Review(d) => Some(d),
        _ => None,
    });
    let chair = review.and_then(|d| d.chair.as_ref());
    let attendees: Vec<String> = review
        .map(|d| {
            d.attendees
                .iter()
                .map(|l| name_of(model, l.target, Some(&l.name)))
                .collect()
        })
        .unwrap_or_default();
    document_control(
        &mut src,
        &[
            ("Record ID", escape(&r.id)),
            ("Held", or_missing(r.held.clone())),
            ("Status", state(r.status)),
            (
                "Chair",
                name_of(
                    model,
                    chair.and_then(|l| l.target),
                    chair.map(|l| l.name.as_str()),
                ),
            ),
            (
                "Attendees",
                if attendees.is_empty() {
                    "#missing".to_string()
                } else {
                    attendees.join(", ")
                },
            ),
            ("Minutes file", or_missing(r.minutes_file.clone())),
        ],
    );
    controlled_note(&mut src);
    src.push_str("== Inputs (clause 9.3.2)\n#table(columns: (1.4cm, 5cm, 1fr),\n  table.header([Item], [Input], [Presented]),\n");
    for i in &r.inputs {
        let text = match &i.text {
            Some(t) => escape(t),
            None if r.status == "held" => {
                "#text(fill: rgb(\"#b42318\"))[*not recorded*]".to_string()
            }
            None => "#missing".to_string(),
        };
        src.push_str(&format!(
            "  [{}], [{}], [{text}],\n",
            escape(i.item),
            escape(&capitalize(i.input))
        ));
    }
    src.push_str(")\n== Decisions (clause 9.3.3)\n");
    if r.decisions.is_empty() {
        src.push_str("#note[No decisions are recorded.]\n");
    } else {
        for d in &r.decisions {
            src.push_str(&format!("+ {}\n", escape(d)));
        }
    }
    src.push_str("== Actions\n");
    if r.actions.is_empty() {
        src.push_str("#note[No actions.]\n");
    } else {
        src.push_str("#table(columns: (1fr, 3.6cm, 2cm, 2cm, 1.8cm),\n  table.header([Action], [Owner], [Due], [Done], [Status]),\n");
        for a in &r.actions {
            src.push_str(&format!(
                "  [{}], [{}], [{}], [{}], [{}],\n",
                escape(&a.title),
                name_of(model, a.owner_ref, a.owner.as_deref()),
                or_missing(a.due.clone()),
                or_missing(a.done.clone()),
                state(a.status)
            ));
        }
        src.push_str(")\n");
    }
    if !r.findings.is_empty() {
        src.push_str(&format!(
            "== Nonconformities raised\n{}\n",
            escape(&r.findings.join(", "))
        ));
    }
    if let Some(m) = r.minutes.as_deref().filter(|m| !m.trim().is_empty()) {
        src.push_str("#pagebreak(weak: true)\n== Minutes\n");
        src.push_str(&markup::markdown(m, 2, Some(&title)));
    }
    src
}
