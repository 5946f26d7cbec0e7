//! `audits.html` (the audit programme and the audits, clause 9.2), `nonconformities.html`
//! (the nonconformities and corrective actions, clause 10.2) and `reviews.html` (the
//! management review minutes, clause 9.3), from the documents of the build.

use super::markdown::{self, Links};
use super::overview::message;
use super::{chips_or_dash, escape, prose, slug, Nav, OutputFile, Site};
use ismsc_core::emit::dto::{ActionEntry, AuditEntry, NonconformityEntry, ReviewEntry};
use ismsc_core::model::{Data, EntityId};

/// A state of the records as a coloured badge; the class comes from a closed list.
pub(super) fn state_badge(state: &str) -> String {
    let (class, label) = match state {
        "audited" => ("implemented", "Audited"),
        "performed" => ("implemented", "Performed"),
        "done" => ("implemented", "Done"),
        "closed" => ("implemented", "Closed"),
        "held" => ("implemented", "Held"),
        "met" => ("implemented", "Met"),
        "planned" => ("planned", "Planned"),
        "open" => ("partial", "Open"),
        "overdue" => ("not-implemented", "Overdue"),
        "missing" => ("not-implemented", "Not covered"),
        "not-met" => ("not-implemented", "Not met"),
        _ => ("other", "Unknown"),
    };
    format!("<span class=\"badge st-{class}\">{label}</span>")
}

/// A severity of a finding as a badge.
fn severity_badge(severity: Option<&str>) -> String {
    let (class, label) = match severity {
        Some("major") => ("not-implemented", "Major"),
        Some("minor") => ("partial", "Minor"),
        Some("observation") => ("other", "Observation"),
        Some("opportunity") => ("planned", "Opportunity"),
        _ => ("other", "—"),
    };
    format!("<span class=\"badge st-{class}\">{label}</span>")
}

/// An entity by id, linked, or the text as written.
fn by_id(s: &Site, root: &str, id: Option<EntityId>, written: &str) -> String {
    match id {
        Some(e) => s.ref_id(root, e),
        None => format!("<span class=\"ref\">{}</span>", escape(written)),
    }
}

/// Markdown of a report or minutes, rendered as the policies are.
fn text_block(text: &str) -> String {
    let resolve = |_: &str| None;
    markdown::render(
        text,
        None,
        &Links {
            base: "",
            resolve: &resolve,
        },
        &[],
    )
    .html
}

fn actions_list(s: &Site, root: &str, actions: &[ActionEntry]) -> String {
    if actions.is_empty() {
        return "<span class=\"none\">—</span>".to_string();
    }
    let items: Vec<String> = actions
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
                "<li>{} {}<div class=\"muted\">{} · {}</div></li>",
                state_badge(a.status),
                escape(&a.title),
                match a.owner_ref {
                    Some(o) => s.ref_name(root, o),
                    None => escape(a.owner.as_deref().unwrap_or("—")),
                },
                when.join(", ")
            )
        })
        .collect();
    format!("<ul class=\"plain actions\">{}</ul>", items.join(""))
}

/// The audit programme and the audits.
pub(super) fn audits(s: &Site) -> OutputFile {
    let root = "";
    let p = s.programme;
    let mut h = String::from("<header class=\"page-head\"><p class=\"eyebrow\">Clause 9.2</p><h1>Internal audit</h1></header>\n");
    if p.audits.is_empty() {
        h.push_str("<p>The project records no audit programme yet: declare the planned and performed internal audits as <code>audit</code> items.</p>\n");
        return s.page("audits.html", Nav::Audits, "Internal audit", &h);
    }
    let sum = &p.summary;
    h.push_str("<section class=\"panel\" id=\"programme\">\n<h2>Audit programme</h2>\n");
    match &p.cycle {
        Some(c) => h.push_str(&format!(
            "<p>The programme covers every clause and every applicable {} within an audit cycle of <strong>{}</strong>; the current cycle runs from <span class=\"nowrap\">{}</span> to <span class=\"nowrap\">{}</span>. As of {}: {} audits ({} performed, {} planned, {} overdue); of {} items, {} audited, {} planned, {} overdue and {} not covered in this cycle.</p>\n",
            if s.annex == "Annex A" { "Annex A control" } else { "requirement" },
            escape(
                &ismsc_core::syntax::ast::Duration::parse(&c.length)
                    .map(|d| super::interval(d).trim_start_matches("every ").to_string())
                    .unwrap_or_else(|| c.length.clone())
            ),
            escape(&c.start),
            escape(&c.end),
            escape(&p.as_of),
            sum.audits,
            sum.performed,
            sum.planned,
            sum.overdue,
            sum.items,
            sum.items_audited,
            sum.items_planned,
            sum.items_overdue,
            sum.items_missing,
        )),
        None => h.push_str("<p>No audit of the programme has a date.</p>\n"),
    }
    if sum.items_missing > 0 || sum.items_overdue > 0 {
        h.push_str(&format!(
            "<p class=\"callout warn\">{} items are not covered in the current cycle and {} wait for an overdue audit.</p>\n",
            sum.items_missing, sum.items_overdue
        ));
    }
    h.push_str("<div class=\"table-wrap\"><table class=\"reflow programme\">\n<thead><tr><th>Clause or control</th><th>Status</th><th>Last audited</th><th>Next planned</th><th>Audits</th></tr></thead>\n<tbody>\n");
    for r in &p.coverage {
        let what = if r.kind == "clause" {
            format!("Clause {}", escape(&r.id))
        } else {
            format!(
                "<a class=\"ref req\" href=\"soa.html#{}\">{}</a>",
                escape(&slug(&r.id)),
                escape(&r.id)
            )
        };
        let dated = |audit: &Option<String>, date: &Option<String>| match (audit, date) {
            (Some(a), Some(d)) => format!(
                "<span class=\"nowrap\">{}</span> <span class=\"muted\">{}</span>",
                escape(d),
                escape(a)
            ),
            _ => "<span class=\"none\">—</span>".to_string(),
        };
        h.push_str(&format!(
            "<tr id=\"item-{}\"><td data-label=\"Item\" class=\"main-cell\"><strong>{what}</strong> {}</td><td data-label=\"Status\">{}</td><td data-label=\"Last audited\">{}</td><td data-label=\"Next planned\">{}</td><td data-label=\"Audits\">{}</td></tr>\n",
            escape(&slug(&format!("{}-{}", r.kind, r.id))),
            escape(&r.title),
            state_badge(r.status),
            dated(&r.last_audit, &r.last_audited),
            dated(&r.next_audit, &r.next_planned),
            s.entity_chips(root, &r.audit_refs),
        ));
    }
    h.push_str("</tbody></table></div>\n</section>\n");

    h.push_str("<section class=\"panel\" id=\"audits\">\n<h2>Audits</h2>\n");
    for a in &p.audits {
        audit(s, root, a, &mut h);
    }
    h.push_str("</section>\n");
    s.page("audits.html", Nav::Audits, "Internal audit", &h)
}

fn audit(s: &Site, root: &str, a: &AuditEntry, h: &mut String) {
    let Some(e) = s.model.entity(a.refs.audit) else {
        return;
    };
    let Data::Audit(d) = &e.data else { return };
    h.push_str(&format!(
        "<article class=\"record\" id=\"audit-{}\">\n<h3>{} <span class=\"id\">{}</span> {}</h3>\n<dl class=\"facts\">",
        escape(&slug(&a.id)),
        escape(e.display()),
        escape(&a.id),
        state_badge(a.status),
    ));
    let fact = |h: &mut String, term: &str, value: String| {
        h.push_str(&format!(
            "<div><dt>{}</dt><dd>{value}</dd></div>",
            escape(term)
        ));
    };
    fact(
        h,
        "Planned",
        a.planned
            .as_deref()
            .map(escape)
            .unwrap_or_else(|| "—".into()),
    );
    fact(
        h,
        "Performed",
        a.performed
            .as_deref()
            .map(escape)
            .unwrap_or_else(|| "—".into()),
    );
    fact(
        h,
        "Lead auditor",
        d.lead
            .as_ref()
            .map(|l| s.link_name(root, l))
            .unwrap_or_else(|| "—".into()),
    );
    if !d.auditors.is_empty() {
        let names: Vec<String> = d.auditors.iter().map(|l| s.link_name(root, l)).collect();
        fact(h, "Auditors", names.join(", "));
    }
    h.push_str("</dl>\n");
    let covers: Vec<String> = d
        .covers
        .iter()
        .map(|c| match c {
            ismsc_core::model::Subject::Clause(c) => {
                format!("<span class=\"ref\">clause {}</span>", escape(&c.id))
            }
            ismsc_core::model::Subject::Requirement(r) => match r.target {
                Some(t) => s.req_ref(root, t, &r.written()),
                None => format!("<span class=\"ref req\">{}</span>", escape(&r.written())),
            },
            ismsc_core::model::Subject::Entity(l) => s.link_id(root, l),
        })
        .collect();
    h.push_str(&format!(
        "<p><span class=\"k\">Covers</span> {}</p>\n",
        chips_or_dash(covers)
    ));
    if let Some(c) = &a.criteria {
        h.push_str(&format!(
            "<p><span class=\"k\">Criteria</span> {}</p>\n",
            escape(c)
        ));
    }
    if !a.findings.is_empty() {
        h.push_str(&format!(
            "<p><span class=\"k\">Findings</span> {}</p>\n",
            s.entity_chips(root, &a.refs.findings)
        ));
    }
    for w in s.warnings_in(e.span) {
        h.push_str(&format!(
            "<div class=\"inline-warn\"><span class=\"code-tag\">{}</span> {}</div>",
            escape(w.diag.code.as_str()),
            message(&w.diag.message)
        ));
    }
    if let Some(r) = a.report.as_deref().filter(|r| !r.trim().is_empty()) {
        h.push_str(&format!(
            "<details class=\"report\"><summary>Audit report{}</summary>\n<div class=\"prose\">{}</div></details>\n",
            a.report_file
                .as_deref()
                .map(|f| format!(" <span class=\"muted\">{}</span>", escape(f)))
                .unwrap_or_default(),
            text_block(r)
        ));
    }
    h.push_str("</article>\n");
}

/// The nonconformity register.
pub(super) fn nonconformities(s: &Site) -> OutputFile {
    let root = "";
    let doc = s.nonconformities;
    let mut h = String::from("<header class=\"page-head\"><p class=\"eyebrow\">Clause 10.2</p><h1>Nonconformities and corrective actions</h1></header>\n");
    if doc.nonconformities.is_empty() {
        h.push_str("<p>The project records no nonconformity.</p>\n");
        return s.page(
            "nonconformities.html",
            Nav::Nonconformities,
            "Nonconformities",
            &h,
        );
    }
    let sum = &doc.summary;
    h.push_str(&format!(
        "<p class=\"summary-line\">{} findings as of {}: {} open ({} with an overdue action), {} closed · {} major, {} minor, {} observations, {} opportunities for improvement · {} corrective actions open, {} overdue.</p>\n",
        sum.total,
        escape(&doc.as_of),
        sum.open,
        sum.overdue,
        sum.closed,
        sum.major,
        sum.minor,
        sum.observations,
        sum.opportunities,
        sum.actions_open,
        sum.actions_overdue,
    ));
    h.push_str("<div class=\"table-wrap\"><table class=\"reflow nonconformities\">\n<thead><tr><th>Finding</th><th>Severity</th><th>State</th><th>Found</th><th>Against</th><th>Corrective actions</th><th>Verification</th></tr></thead>\n<tbody>\n");
    for n in &doc.nonconformities {
        row(s, root, n, &mut h);
    }
    h.push_str("</tbody></table></div>\n");
    s.page(
        "nonconformities.html",
        Nav::Nonconformities,
        "Nonconformities",
        &h,
    )
}

fn row(s: &Site, root: &str, n: &NonconformityEntry, h: &mut String) {
    let Some(e) = s.model.entity(n.refs.nc) else {
        return;
    };
    let Data::Nonconformity(d) = &e.data else {
        return;
    };
    let mut cell = format!(
        "<strong>{}</strong><div class=\"id\">{}</div>",
        escape(e.display()),
        escape(&n.id)
    );
    let mut details = Vec::new();
    for (k, v) in [
        ("Finding", &n.description),
        ("Correction", &n.correction),
        ("Root cause", &n.root_cause),
    ] {
        if let Some(v) = v {
            details.push(format!(
                "<div><span class=\"k\">{k}</span> {}</div>",
                escape(v)
            ));
        }
    }
    details.push(format!(
        "<div><span class=\"k\">Owner</span> {}</div>",
        d.owner
            .as_ref()
            .map(|l| s.link_name(root, l))
            .unwrap_or_else(|| "—".into())
    ));
    if !n.refs.risks.is_empty() {
        details.push(format!(
            "<div><span class=\"k\">Risks</span> {}</div>",
            s.entity_chips(root, &n.refs.risks)
        ));
    }
    cell.push_str(&format!("<div class=\"desc\">{}</div>", details.join("")));
    for w in s.warnings_in(e.span) {
        cell.push_str(&format!(
            "<div class=\"inline-warn\"><span class=\"code-tag\">{}</span> {}</div>",
            escape(w.diag.code.as_str()),
            message(&w.diag.message)
        ));
    }
    let found = format!(
        "{}<div class=\"muted nowrap\">{}</div>",
        by_id(s, root, n.refs.source, n.source.as_deref().unwrap_or("—")),
        escape(n.raised.as_deref().unwrap_or(""))
    );
    let against: Vec<String> = d
        .against
        .iter()
        .map(|c| match c {
            ismsc_core::model::Subject::Clause(c) => {
                format!("<span class=\"ref\">clause {}</span>", escape(&c.id))
            }
            ismsc_core::model::Subject::Requirement(r) => match r.target {
                Some(t) => s.req_ref(root, t, &r.written()),
                None => format!("<span class=\"ref req\">{}</span>", escape(&r.written())),
            },
            ismsc_core::model::Subject::Entity(l) => s.link_id(root, l),
        })
        .collect();
    let verification = match (&d.verified, &n.effectiveness) {
        (Some(v), eff) => format!(
            "{} <span class=\"nowrap\">{}</span>{}",
            s.link_name(root, &v.who),
            v.date,
            eff.as_deref()
                .map(|t| format!("<div class=\"muted\">{}</div>", escape(t)))
                .unwrap_or_default()
        ),
        (None, _) => "<span class=\"none\">not verified</span>".to_string(),
    };
    h.push_str(&format!(
        "<tr id=\"nc-{}\"><td data-label=\"Finding\" class=\"main-cell\">{cell}</td><td data-label=\"Severity\">{}</td><td data-label=\"State\">{}</td><td data-label=\"Found\">{found}</td><td data-label=\"Against\">{}</td><td data-label=\"Corrective actions\">{}</td><td data-label=\"Verification\">{verification}</td></tr>\n",
        escape(&slug(&n.id)),
        severity_badge(n.severity),
        state_badge(n.state),
        chips_or_dash(against),
        actions_list(s, root, &n.actions),
    ));
}

/// The management review minutes.
pub(super) fn reviews(s: &Site) -> OutputFile {
    let root = "";
    let doc = s.reviews;
    let mut h = String::from("<header class=\"page-head\"><p class=\"eyebrow\">Clause 9.3</p><h1>Management reviews</h1></header>\n");
    if doc.reviews.is_empty() {
        h.push_str("<p>The project records no management review yet.</p>\n");
        return s.page("reviews.html", Nav::Reviews, "Management reviews", &h);
    }
    h.push_str(&format!(
        "<p>Top management reviews the ISMS <strong>{}</strong>.{}</p>\n",
        escape(
            &ismsc_core::syntax::ast::Duration::parse(&doc.interval)
                .map(super::interval)
                .unwrap_or_else(|| doc.interval.clone())
        ),
        match (&doc.last_review, &doc.next_due) {
            (Some(last), Some(next)) => format!(
                " The last review held is {}; the next one is due by <span class=\"nowrap\">{}</span>.",
                escape(last),
                escape(next)
            ),
            _ => String::new(),
        }
    ));
    for r in &doc.reviews {
        review(s, root, r, &mut h);
    }
    s.page("reviews.html", Nav::Reviews, "Management reviews", &h)
}

fn review(s: &Site, root: &str, r: &ReviewEntry, h: &mut String) {
    let Some(e) = s.model.entity(r.review) else {
        return;
    };
    let Data::Review(d) = &e.data else { return };
    h.push_str(&format!(
        "<section class=\"panel\" id=\"review-{}\">\n<h2>{} <span class=\"id\">{}</span> {}</h2>\n<dl class=\"facts\">",
        escape(&slug(&r.id)),
        escape(e.display()),
        escape(&r.id),
        state_badge(r.status),
    ));
    h.push_str(&format!(
        "<div><dt>Held</dt><dd>{}</dd></div><div><dt>Chair</dt><dd>{}</dd></div>",
        escape(r.held.as_deref().unwrap_or("—")),
        d.chair
            .as_ref()
            .map(|l| s.link_name(root, l))
            .unwrap_or_else(|| "—".into())
    ));
    if !d.attendees.is_empty() {
        let names: Vec<String> = d.attendees.iter().map(|l| s.link_name(root, l)).collect();
        h.push_str(&format!(
            "<div><dt>Attendees</dt><dd>{}</dd></div>",
            names.join(", ")
        ));
    }
    h.push_str("</dl>\n");
    for w in s.warnings_in(e.span) {
        h.push_str(&format!(
            "<div class=\"inline-warn\"><span class=\"code-tag\">{}</span> {}</div>",
            escape(w.diag.code.as_str()),
            message(&w.diag.message)
        ));
    }
    h.push_str("<h3>Inputs (clause 9.3.2)</h3>\n<div class=\"table-wrap\"><table class=\"reflow minutes\">\n<thead><tr><th>Item</th><th>Input</th><th>Presented</th></tr></thead>\n<tbody>\n");
    for i in &r.inputs {
        let text = match &i.text {
            Some(t) => prose(t),
            None if r.status == "held" => {
                "<span class=\"badge st-not-implemented\">not recorded</span>".to_string()
            }
            None => "<span class=\"none\">—</span>".to_string(),
        };
        h.push_str(&format!(
            "<tr><td data-label=\"Item\" class=\"nowrap\">{}</td><td data-label=\"Input\">{}</td><td data-label=\"Presented\">{text}</td></tr>\n",
            escape(i.item),
            escape(i.input),
        ));
    }
    h.push_str("</tbody></table></div>\n<h3>Decisions (clause 9.3.3)</h3>\n");
    if r.decisions.is_empty() {
        h.push_str("<p class=\"none\">—</p>\n");
    } else {
        h.push_str("<ol>");
        for dcs in &r.decisions {
            h.push_str(&format!("<li>{}</li>", escape(dcs)));
        }
        h.push_str("</ol>\n");
    }
    h.push_str(&format!(
        "<h3>Actions</h3>\n{}\n",
        actions_list(s, root, &r.actions)
    ));
    if !r.findings.is_empty() {
        let ids: Vec<EntityId> = s
            .nonconformities
            .nonconformities
            .iter()
            .filter(|n| n.refs.source == Some(r.review))
            .map(|n| n.refs.nc)
            .collect();
        h.push_str(&format!(
            "<p><span class=\"k\">Nonconformities raised</span> {}</p>\n",
            s.entity_chips(root, &ids)
        ));
    }
    if let Some(m) = r.minutes.as_deref().filter(|m| !m.trim().is_empty()) {
        h.push_str(&format!(
            "<details class=\"report\"><summary>Minutes{}</summary>\n<div class=\"prose\">{}</div></details>\n",
            r.minutes_file
                .as_deref()
                .map(|f| format!(" <span class=\"muted\">{}</span>", escape(f)))
                .unwrap_or_default(),
            text_block(m)
        ));
    }
    h.push_str("</section>\n");
}
