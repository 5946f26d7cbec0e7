//! `controls.html`, `risks.html` (heat maps and register), `soa.html` and
//! `traceability.html`.

use std::collections::BTreeMap;

use super::charts::{self, CellRisks};
use super::markdown::{safe_href, Links};
use super::overview::{message, per_theme};
use super::{
    chips_or_dash, escape, interval, midpoint, prose, revisions, slug, status_badge, Nav,
    OutputFile, Site,
};
use ismsc_core::model::{Data, EntityId, Kind, Link};

/// An address that can be a link (`http`, `https`, `mailto`), else `None`.
fn external(at: &str) -> Option<String> {
    let none = |_: &str| None;
    safe_href(
        at,
        &Links {
            base: "",
            resolve: &none,
        },
    )
    .filter(|h| h.starts_with("http:") || h.starts_with("https:") || h.starts_with("mailto:"))
}

/// Control → the risks it treats, the obligations calling for it.
fn control_uses(
    s: &Site,
) -> (
    BTreeMap<EntityId, Vec<EntityId>>,
    BTreeMap<EntityId, Vec<EntityId>>,
) {
    let mut risks: BTreeMap<EntityId, Vec<EntityId>> = BTreeMap::new();
    let mut obligations: BTreeMap<EntityId, Vec<EntityId>> = BTreeMap::new();
    for (id, e) in s.model.of_kind(Kind::Risk) {
        if let Data::Risk(r) = &e.data {
            for c in r.controls.iter().filter_map(|l| l.target) {
                let v = risks.entry(c).or_default();
                if !v.contains(&id) {
                    v.push(id);
                }
            }
        }
    }
    for (id, e) in s.model.of_kind(Kind::Obligation) {
        if let Data::Obligation(o) = &e.data {
            for c in o.controls.iter().filter_map(|l| l.target) {
                let v = obligations.entry(c).or_default();
                if !v.contains(&id) {
                    v.push(id);
                }
            }
        }
    }
    (risks, obligations)
}

/// A treatment as a badge; the class comes from a closed list.
fn treatment_badge(treatment: Option<&str>) -> String {
    match treatment {
        Some(t) => {
            let class = match t {
                "mitigate" | "accept" | "avoid" | "transfer" => t,
                _ => "other",
            };
            format!("<span class=\"badge tr-{class}\">{}</span>", escape(t))
        }
        None => "—".to_string(),
    }
}

/// `controls.html`.
pub(super) fn controls(s: &Site) -> OutputFile {
    let root = "";
    let (treats, called) = control_uses(s);
    let all: Vec<_> = s.model.of_kind(Kind::Control).collect();
    let mut h = String::from("<header class=\"page-head\"><p class=\"eyebrow\">Clause 6.1.3 and Annex A</p><h1>Controls</h1></header>\n");
    if all.is_empty() {
        h.push_str("<p>The project has no controls yet.</p>\n");
        return s.page("controls.html", Nav::Controls, "Controls", &h);
    }
    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, e) in &all {
        if let Data::Control(c) = &e.data {
            *by_status
                .entry(
                    c.status
                        .as_ref()
                        .map(|w| w.value.as_str())
                        .unwrap_or("planned"),
                )
                .or_default() += 1;
        }
    }
    let summary: Vec<String> = ["implemented", "partial", "planned"]
        .iter()
        .filter_map(|st| {
            by_status
                .get(st)
                .map(|n| format!("{} {n}", status_badge(st)))
        })
        .collect();
    h.push_str(&format!(
        "<p class=\"summary-line\">{} controls: {}</p>\n",
        all.len(),
        summary.join(" ")
    ));
    h.push_str("<div class=\"table-wrap\"><table class=\"reflow controls\">\n<thead><tr><th>Control</th><th>Status</th><th>Owner</th><th>Satisfies</th><th>Policy</th><th>Treats risks</th><th>Evidence</th></tr></thead>\n<tbody>\n");
    for (id, e) in &all {
        let Data::Control(c) = &e.data else { continue };
        let status = c
            .status
            .as_ref()
            .map(|w| w.value.as_str())
            .unwrap_or("planned");
        let mut cell = format!(
            "<strong>{}</strong><div class=\"id\">{}</div>",
            escape(e.display()),
            escape(&e.id)
        );
        if let Some(d) = &c.description {
            cell.push_str(&format!("<div class=\"desc\">{}</div>", prose(d)));
        }
        if let (Some(due), true) = (c.due, status != "implemented") {
            cell.push_str(&format!("<div class=\"due\">Due {due}</div>"));
        }
        if c.measure.is_some() || !c.results.is_empty() {
            cell.push_str(&format!(
                "<div class=\"measure\"><span class=\"k\">Measure</span> {}{} <span class=\"k\">Latest</span> {}</div>",
                escape(c.measure.as_deref().unwrap_or("—")),
                c.target
                    .as_deref()
                    .map(|t| format!(" <span class=\"k\">Target</span> {}", escape(t)))
                    .unwrap_or_default(),
                super::overview::latest_result(&c.results),
            ));
        }
        let obligations = called.get(id).map(Vec::as_slice).unwrap_or(&[]);
        if !obligations.is_empty() {
            let chips: Vec<String> = obligations.iter().map(|o| s.ref_id(root, *o)).collect();
            cell.push_str(&format!(
                "<div class=\"also\">Required by {}</div>",
                chips.join(" ")
            ));
        }
        for w in s.warnings_in(e.span) {
            cell.push_str(&format!(
                "<div class=\"inline-warn\"><span class=\"code-tag\">{}</span> {}</div>",
                escape(w.diag.code.as_str()),
                message(&w.diag.message)
            ));
        }
        let evidence: Vec<String> = c
            .evidence
            .iter()
            .map(|ev| {
                let title = match ev.at.as_deref().and_then(external) {
                    Some(href) => format!(
                        "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                        escape(&href),
                        escape(&ev.title)
                    ),
                    None => escape(&ev.title),
                };
                let mut when = Vec::new();
                if let Some(d) = ev.collected {
                    when.push(format!("collected {d}"));
                }
                if let Some(every) = ev.every {
                    when.push(interval(every));
                }
                let at = match ev.at.as_deref() {
                    Some(a) if external(a).is_none() => {
                        format!("<div class=\"muted\">{}</div>", escape(a))
                    }
                    _ => String::new(),
                };
                format!(
                    "<li>{title}<div class=\"muted\">{}</div>{at}</li>",
                    escape(&when.join(", "))
                )
            })
            .collect();
        h.push_str(&format!(
            "<tr id=\"control-{}\"><td data-label=\"Control\" class=\"main-cell\">{cell}</td><td data-label=\"Status\">{}</td><td data-label=\"Owner\">{}</td><td data-label=\"Satisfies\">{}</td><td data-label=\"Policy\">{}</td><td data-label=\"Treats risks\">{}</td><td data-label=\"Evidence\">{}</td></tr>\n",
            escape(&slug(&e.id)),
            status_badge(status),
            c.owner.as_ref().map(|l| s.link_name(root, l)).unwrap_or_else(|| "—".into()),
            chips_or_dash(
                c.satisfies
                    .iter()
                    .map(|r| match r.target {
                        Some(t) => s.req_ref(root, t, &r.written()),
                        None => format!("<span class=\"ref req\">{}</span>", escape(&r.written())),
                    })
                    .collect()
            ),
            chips_or_dash(c.policies.iter().map(|l| s.link_id(root, l)).collect()),
            chips_or_dash(
                treats
                    .get(id)
                    .map(|v| v.iter().map(|r| s.ref_id(root, *r)).collect())
                    .unwrap_or_default()
            ),
            if evidence.is_empty() {
                "<span class=\"none\">—</span>".to_string()
            } else {
                format!("<ul class=\"plain evidence\">{}</ul>", evidence.join(""))
            },
        ));
    }
    h.push_str("</tbody></table></div>\n");
    s.page("controls.html", Nav::Controls, "Controls", &h)
}

/// `risks.html`.
pub(super) fn risks(s: &Site) -> OutputFile {
    let root = "";
    let reg = s.register;
    let mut h = String::from("<header class=\"page-head\"><p class=\"eyebrow\">Clauses 6.1.2, 6.1.3 and 8.2</p><h1>Risks</h1></header>\n");
    h.push_str(&s.document_control(root, &reg.document));

    // Heat maps.
    if let Some(grid) = &s.grid {
        let mut inherent: CellRisks = BTreeMap::new();
        let mut residual: CellRisks = BTreeMap::new();
        let mut unrated = Vec::new();
        for r in &reg.risks {
            let title = r.title.clone().unwrap_or_default();
            if let Some(cell) = grid.cell(
                r.inherent.likelihood.as_deref(),
                r.inherent.impact.as_deref(),
            ) {
                inherent
                    .entry(cell)
                    .or_default()
                    .push((r.id.clone(), title.clone()));
            }
            match &r.residual {
                Some(res) => {
                    if let Some(cell) = grid.cell(res.likelihood.as_deref(), res.impact.as_deref())
                    {
                        residual
                            .entry(cell)
                            .or_default()
                            .push((r.id.clone(), title));
                    }
                }
                None => unrated.push(r.refs.risk),
            }
        }
        h.push_str("<section class=\"panel\" id=\"heat-map\">\n<h2>Heat map</h2>\n");
        match grid.threshold {
            Some(t) => h.push_str(&format!(
                "<p>Each cell is a likelihood and an impact of the project's risk method; its number is the score, and its colour says how the score stands against the acceptance threshold of <strong>{t}</strong>. Select a risk to see it in the register.</p>\n"
            )),
            None => h.push_str("<p>Each cell is a likelihood and an impact of the project's risk method, with its score. No acceptance threshold is declared, so cells are not coloured by acceptability.</p>\n"),
        }
        h.push_str("<div class=\"heatmaps\">\n");
        h.push_str(&format!(
            "<figure class=\"heatmap-figure\"><figcaption>Before treatment <span class=\"muted\">(inherent)</span></figcaption>{}</figure>\n",
            charts::heat_map("hm-inherent", "Inherent risk heat map", grid, &inherent, &[&residual])
        ));
        h.push_str(&format!(
            "<figure class=\"heatmap-figure\"><figcaption>After treatment <span class=\"muted\">(residual)</span></figcaption>{}</figure>\n",
            charts::heat_map("hm-residual", "Residual risk heat map", grid, &residual, &[&inherent])
        ));
        h.push_str("</div>\n");
        if let Some(t) = grid.threshold {
            let mid = midpoint(t, grid.max);
            let mut items = vec![("ok".to_string(), format!("≤ {t}: acceptable"))];
            if mid > t {
                items.push((
                    "above".into(),
                    format!("{}–{mid}: above threshold", t.saturating_add(1)),
                ));
            }
            if grid.max > mid {
                items.push((
                    "high".into(),
                    format!(
                        "{}–{}: well above threshold",
                        mid.saturating_add(1),
                        grid.max
                    ),
                ));
            }
            h.push_str("<ul class=\"legend\">");
            for (class, text) in items {
                h.push_str(&format!(
                    "<li><span class=\"swatch hm-{class}\" aria-hidden=\"true\"></span>{}</li>",
                    escape(&text)
                ));
            }
            h.push_str("</ul>\n");
        }
        if !unrated.is_empty() {
            h.push_str(&format!(
                "<p class=\"muted\">Not rated after treatment (their inherent rating stands): {}</p>\n",
                s.entity_chips(root, &unrated)
            ));
        }
        h.push_str("</section>\n");
    }

    // Method.
    if let Some(method) = &s.model.risk_method {
        h.push_str("<section class=\"panel\" id=\"method\">\n<h2>Risk method</h2>\n");
        if let Some(d) = &method.description {
            h.push_str(&prose(d));
        }
        h.push_str("<div class=\"columns\">");
        for (title, scale) in [
            ("Likelihood", &method.likelihood),
            ("Impact", &method.impact),
        ] {
            h.push_str(&format!(
                "<div><h3>{title}</h3><table class=\"compact\"><thead><tr><th>Level</th><th class=\"al-right\">Value</th></tr></thead><tbody>"
            ));
            for (w, v) in &scale.levels {
                h.push_str(&format!(
                    "<tr><td>{}</td><td class=\"al-right\">{v}</td></tr>",
                    escape(&w.text)
                ));
            }
            h.push_str("</tbody></table></div>");
        }
        h.push_str("</div>\n");
        h.push_str(&format!(
            "<p>Score: {}. {}</p>\n",
            if method.matrix.is_some() {
                "the cell of the declared risk matrix"
            } else {
                "likelihood × impact"
            },
            match method.accept_at_or_below {
                Some(t) => format!("A risk is acceptable when its score is at or below <strong>{t}</strong>; above it, the remaining risk needs a recorded acceptance."),
                None => "No acceptance threshold is declared.".to_string(),
            }
        ));
        h.push_str("</section>\n");
    }

    // Register.
    h.push_str("<section class=\"panel\" id=\"register\">\n<h2>Risk register</h2>\n");
    if reg.risks.is_empty() {
        h.push_str("<p>The risk register is empty.</p>\n</section>\n");
        return s.page("risks.html", Nav::Risks, "Risks", &h);
    }
    h.push_str("<p>Ratings: <strong>inherent</strong> before treatment; <strong>today</strong> with the controls implemented so far; <strong>residual</strong> once every treating control is implemented (the target).</p>\n");
    h.push_str("<div class=\"table-wrap\"><table class=\"reflow risks\">\n<thead><tr><th>Risk</th><th>Owner</th><th>Inherent</th><th>Treatment</th><th>Today</th><th>Residual</th></tr></thead>\n<tbody>\n");
    for (r, (_, e)) in reg.risks.iter().zip(s.model.of_kind(Kind::Risk)) {
        let Data::Risk(risk) = &e.data else { continue };
        let mut cell = format!(
            "<div class=\"risk-id\">{}</div><strong>{}</strong>",
            escape(&r.id),
            escape(r.title.as_deref().unwrap_or(""))
        );
        let mut details = Vec::new();
        if let Some(t) = &r.threat {
            details.push(format!(
                "<div><span class=\"k\">Threat</span> {}</div>",
                escape(t)
            ));
        }
        if let Some(v) = &r.vulnerability {
            details.push(format!(
                "<div><span class=\"k\">Vulnerability</span> {}</div>",
                escape(v)
            ));
        }
        if let Some(d) = &risk.description {
            details.push(format!(
                "<div><span class=\"k\">{}</span> {}</div>",
                if r.accepted.is_some() {
                    "Acceptance rationale"
                } else {
                    "Note"
                },
                escape(d)
            ));
        }
        if let Some(i) = &r.identified {
            details.push(format!(
                "<div><span class=\"k\">Identified</span> {}</div>",
                escape(i)
            ));
        }
        if !risk.assets.is_empty() {
            let chips: Vec<String> = risk.assets.iter().map(|l| s.link_id(root, l)).collect();
            details.push(format!(
                "<div><span class=\"k\">Assets</span> {}</div>",
                chips.join(" ")
            ));
        }
        if !r.refs.nonconformities.is_empty() {
            details.push(format!(
                "<div><span class=\"k\">Nonconformities</span> {}</div>",
                s.entity_chips(root, &r.refs.nonconformities)
            ));
        }
        if !details.is_empty() {
            cell.push_str(&format!("<div class=\"desc\">{}</div>", details.join("")));
        }
        for w in s.warnings_in(e.span) {
            cell.push_str(&format!(
                "<div class=\"inline-warn\"><span class=\"code-tag\">{}</span> {}</div>",
                escape(w.diag.code.as_str()),
                message(&w.diag.message)
            ));
        }
        let above = r.above(reg.accept_at_or_below);
        let acceptance = match &r.accepted {
            Some(a) => {
                let who = s
                    .model
                    .index
                    .get(&a.by)
                    .map(|id| s.ref_name(root, *id))
                    .unwrap_or_else(|| escape(&a.by));
                format!(
                    "<div class=\"accepted\">Accepted by {who} on <span class=\"nowrap\">{}</span>{}</div>",
                    escape(&a.on),
                    a.until
                        .as_ref()
                        .map(|u| format!(", until <span class=\"nowrap\">{}</span>", escape(u)))
                        .unwrap_or_default()
                )
            }
            None if above => {
                "<div><span class=\"badge warn\">above threshold, not accepted</span></div>"
                    .to_string()
            }
            None => String::new(),
        };
        let treatment = treatment_badge(r.treatment.as_deref());
        let mut controls: Vec<String> = risk
            .controls
            .iter()
            .map(|l| {
                let chip = s.link_id(root, l);
                match l.target.and_then(|t| s.model.entity(t)) {
                    Some(c) if r.pending_controls.contains(&c.id) => {
                        format!("{chip}<span class=\"pending\" title=\"not implemented yet\">pending</span>")
                    }
                    _ => chip,
                }
            })
            .collect();
        controls.extend(risk.requires.iter().map(|q| match q.target {
            Some(t) => s.req_ref(root, t, &q.written()),
            None => format!("<span class=\"ref req\">{}</span>", escape(&q.written())),
        }));
        let controls = if controls.is_empty() {
            String::new()
        } else {
            format!(
                "<div class=\"treat-controls\">{}</div>",
                chips_or_dash(controls)
            )
        };
        h.push_str(&format!(
            "<tr id=\"risk-{}\"><td data-label=\"Risk\" class=\"main-cell\">{cell}</td><td data-label=\"Owner\">{}</td><td data-label=\"Inherent\">{}</td><td data-label=\"Treatment\">{treatment}{controls}</td><td data-label=\"Today\">{}</td><td data-label=\"Residual\">{}{acceptance}</td></tr>\n",
            escape(&slug(&r.id)),
            risk.owner.as_ref().map(|l| s.link_name(root, l)).unwrap_or_else(|| "—".into()),
            s.score_pill(r.inherent.likelihood.as_deref(), r.inherent.impact.as_deref(), r.inherent.score),
            {
                let pill = match &r.current {
                    Some(c) => s.score_pill(c.likelihood.as_deref(), c.impact.as_deref(), c.score),
                    None => "—".to_string(),
                };
                let note = match r.current_basis {
                    "assessed" => "",
                    "treated" => "<div class=\"small muted\">controls in place</div>",
                    _ => "<div class=\"small muted\">inherent: controls pending</div>",
                };
                let warn = if r.acceptable && !r.acceptable_now && r.accepted.is_none() {
                    "<div><span class=\"badge warn\">acceptable only once implemented</span></div>"
                } else {
                    ""
                };
                format!("{pill}{note}{warn}")
            },
            match &r.residual {
                Some(res) => s.score_pill(res.likelihood.as_deref(), res.impact.as_deref(), res.score),
                None => "<span class=\"none\">not rated</span>".to_string(),
            },
        ));
    }
    h.push_str("</tbody></table></div>\n</section>\n");
    treatment_plan(s, root, &mut h);
    let history = s.options.history.as_ref();
    h.push_str(&revisions(
        history,
        history.map_or(&[], |h| &h.register),
        false,
    ));
    s.page("risks.html", Nav::Risks, "Risks", &h)
}

/// The risk treatment plan (6.1.3 e)): its document control and the risk owners' approval as
/// recorded, the open actions (treating controls not implemented yet) with owner, due date and
/// the risks they serve, and the implemented ones summarised apart.
fn treatment_plan(s: &Site, root: &str, h: &mut String) {
    let plan = s.plan;
    let sum = &plan.summary;
    h.push_str("<section class=\"panel\" id=\"treatment-plan\">\n<h2>Risk treatment plan</h2>\n");
    h.push_str(&s.document_control(root, &plan.document));
    let approved = plan.owner_approvals.iter().filter(|o| o.approved).count();
    let missing: Vec<String> = plan
        .owner_approvals
        .iter()
        .filter(|o| !o.approved)
        .map(|o| s.ref_name(root, o.owner_ref))
        .collect();
    h.push_str(&format!(
        "<p{}>Risk owners' approval (6.1.3 f): <strong>{approved} of {}</strong> risk owners have approved this plan{}.</p>\n",
        if missing.is_empty() { "" } else { " class=\"callout warn\"" },
        plan.owner_approvals.len(),
        if missing.is_empty() {
            String::new()
        } else {
            format!("; not recorded for {}", missing.join(", "))
        }
    ));
    h.push_str(&format!(
        "<p>{} open {} ({} partial, {} planned) for {} risks; {} treating controls are implemented.</p>\n",
        sum.open,
        if sum.open == 1 { "action" } else { "actions" },
        plan.open_actions.iter().filter(|a| a.status == "partial").count(),
        plan.open_actions.iter().filter(|a| a.status != "partial").count(),
        sum.risks,
        sum.implemented_controls
    ));
    if plan.open_actions.is_empty() {
        h.push_str("<p class=\"callout ok\">Every treating control is implemented: no action is open.</p>\n");
    } else {
        h.push_str("<div class=\"table-wrap\"><table class=\"reflow\">\n<thead><tr><th>Control</th><th>Owner</th><th>Status</th><th>Due</th><th>Risks it treats</th></tr></thead>\n<tbody>\n");
        for a in &plan.open_actions {
            h.push_str(&format!(
                "<tr><td data-label=\"Control\" class=\"main-cell\"><strong>{}</strong> {}</td><td data-label=\"Owner\">{}</td><td data-label=\"Status\">{}</td><td data-label=\"Due\" class=\"nowrap\">{}</td><td data-label=\"Risks it treats\">{}</td></tr>\n",
                escape(a.control_title.as_deref().unwrap_or(&a.control)),
                s.ref_id(root, a.refs.control),
                a.refs
                    .owner
                    .map(|o| s.ref_name(root, o))
                    .unwrap_or_else(|| "—".into()),
                status_badge(&a.status),
                escape(a.due.as_deref().unwrap_or("—")),
                s.entity_chips(root, &a.refs.risks),
            ));
        }
        h.push_str("</tbody></table></div>\n");
    }
    if !plan.implemented.is_empty() {
        h.push_str(&format!(
            "<details class=\"implemented\"><summary>{} treating controls already implemented</summary>\n<ul class=\"plain\">",
            plan.implemented.len()
        ));
        for c in &plan.implemented {
            h.push_str(&format!(
                "<li>{} {} <span class=\"muted\">treats {}</span></li>",
                s.ref_id(root, c.control_ref),
                escape(c.control_title.as_deref().unwrap_or("")),
                escape(&c.risks.join(", "))
            ));
        }
        h.push_str("</ul></details>\n");
    }
    h.push_str("</section>\n");
}

/// The statuses the SoA can be filtered by: `(status, label)`.
const FILTERS: [(&str, &str); 6] = [
    ("all", "All"),
    ("implemented", "Implemented"),
    ("partial", "Partial"),
    ("planned", "Planned"),
    ("not-implemented", "Not implemented"),
    ("not-applicable", "Excluded"),
];

/// `soa.html`.
pub(super) fn soa(s: &Site) -> OutputFile {
    let root = "";
    let mut h = String::from("<header class=\"page-head\"><p class=\"eyebrow\">Clause 6.1.3 d</p><h1>Statement of Applicability</h1></header>\n");
    let Some(doc) = s.soa else {
        h.push_str("<p>The project declares no known standard (<code>standard</code> in the <code>isms</code> block), so it has no Statement of Applicability.</p>\n");
        return s.page("soa.html", Nav::Soa, "Statement of Applicability", &h);
    };
    h.push_str(&s.document_control(root, &doc.document));
    let sum = &doc.summary;
    h.push_str(&format!(
        "<p class=\"lead-small\">{}{} — {} controls: {}.</p>\n",
        escape(doc.standard_title.as_deref().unwrap_or(&doc.standard)),
        doc.organization
            .as_deref()
            .map(|o| format!(" for {}", escape(o)))
            .unwrap_or_default(),
        sum.total,
        sum.counts()
    ));

    let themes = per_theme(s);
    let counts: BTreeMap<&str, usize> = FILTERS
        .iter()
        .map(|(f, _)| {
            let n = match *f {
                "all" => doc.controls.len(),
                st => doc.controls.iter().filter(|c| c.status == st).count(),
            };
            (*f, n)
        })
        .collect();

    // The filter: radio buttons before the tables; CSS hides the rows of other statuses.
    // Without CSS support every row stays visible.
    h.push_str("<div class=\"soa\">\n");
    for (f, _) in FILTERS {
        h.push_str(&format!(
            "<input class=\"filter-input\" type=\"radio\" name=\"soa-status\" id=\"f-{f}\"{}>\n",
            if f == "all" { " checked" } else { "" }
        ));
    }
    h.push_str("<div class=\"filter-bar\" role=\"group\" aria-label=\"Filter by status\"><span class=\"filter-title\">Status</span>");
    for (f, label) in FILTERS {
        h.push_str(&format!(
            "<label for=\"f-{f}\" class=\"chip chip-{f}\">{label} <span class=\"count\">{}</span></label>",
            counts.get(f).copied().unwrap_or(0)
        ));
    }
    h.push_str("</div>\n");
    h.push_str(
        "<nav class=\"theme-nav\" aria-label=\"Themes\"><span class=\"filter-title\">Theme</span>",
    );
    for (id, title, c) in &themes {
        h.push_str(&format!(
            "<a class=\"chip\" href=\"#theme-{}\">{} <span class=\"count\">{}</span></a>",
            escape(&slug(id)),
            escape(title),
            c.total
        ));
    }
    h.push_str("</nav>\n");

    h.push_str("<div class=\"soa-tables\">\n");
    for (theme, title, c) in &themes {
        h.push_str(&format!(
            "<section class=\"theme\" id=\"theme-{}\"><h2>{} <span class=\"muted\">{} of {} applicable</span></h2>\n",
            escape(&slug(theme)),
            escape(title),
            c.applicable,
            c.total
        ));
        h.push_str("<div class=\"table-wrap\"><table class=\"reflow soa-table\">\n<thead><tr><th>Control</th><th>Applicable</th><th>Justification</th><th>Implemented by</th><th>Policies and evidence</th></tr></thead>\n<tbody>\n");
        for row in doc.controls.iter().filter(|r| &r.theme == theme) {
            let applicable = match row.decision {
                "included" => "<span class=\"yes\">Yes</span>",
                "excluded" => "<span class=\"no\">No</span>",
                _ => "<span class=\"badge st-undecided\">Undecided</span>",
            };
            let justification = match row.decision {
                "excluded" => row
                    .justification
                    .as_deref()
                    .map(|j| format!("<div class=\"exclusion\">{}</div>", escape(j)))
                    .unwrap_or_else(|| "<span class=\"badge warn\">no justification</span>".into()),
                "included" if !row.reasons.is_empty() => {
                    let items: Vec<String> = row
                        .reasons
                        .iter()
                        .zip(row.refs.reasons.iter())
                        .map(|(r, sources)| {
                            let label = match r.kind {
                                "risk" => "Risk",
                                "legal" => "Legal",
                                "regulatory" => "Regulatory",
                                "contractual" => "Contractual",
                                _ => "Business",
                            };
                            let mut what: Vec<String> =
                                sources.iter().map(|e| s.ref_id(root, *e)).collect();
                            if let Some(t) = &r.text {
                                what.push(format!(
                                    "<span class=\"reason-text\">{}</span>",
                                    escape(t)
                                ));
                            }
                            format!(
                                "<li><span class=\"reason-kind rk-{}\">{label}</span> {}</li>",
                                match r.kind {
                                    "risk" | "legal" | "regulatory" | "contractual" => r.kind,
                                    _ => "business",
                                },
                                what.join(" ")
                            )
                        })
                        .collect();
                    format!("<ul class=\"plain reasons\">{}</ul>", items.join(""))
                }
                _ => "<span class=\"none\">—</span>".to_string(),
            };
            let evidence: Vec<String> = row
                .evidence
                .iter()
                .map(|ev| {
                    let title = match ev.at.as_deref().and_then(crate::web_link) {
                        Some(url) => format!(
                            "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                            escape(url),
                            escape(&ev.title)
                        ),
                        None => escape(&ev.title),
                    };
                    format!(
                        "<li>{}{}</li>",
                        title,
                        ev.collected
                            .as_deref()
                            .map(|d| format!(" <span class=\"muted nowrap\">{}</span>", escape(d)))
                            .unwrap_or_default()
                    )
                })
                .collect();
            let status_class = match row.status {
                "implemented" | "partial" | "planned" | "not-implemented" | "not-applicable"
                | "undecided" => row.status,
                _ => "other",
            };
            let owners: Vec<String> = row
                .refs
                .owners
                .iter()
                .map(|e| s.ref_name(root, *e))
                .collect();
            let owners = if owners.is_empty() {
                String::new()
            } else {
                format!("<div class=\"owners\">Owner: {}</div>", owners.join(", "))
            };
            let evidence = if evidence.is_empty() {
                String::new()
            } else {
                format!("<ul class=\"plain evidence\">{}</ul>", evidence.join(""))
            };
            let policies = if row.policies.is_empty() && evidence.is_empty() {
                "<span class=\"none\">—</span>".to_string()
            } else if row.policies.is_empty() {
                evidence
            } else {
                format!("{}{evidence}", s.entity_chips(root, &row.refs.policies))
            };
            let due = row
                .due
                .as_deref()
                .map(|d| format!("<div class=\"due\">Due {}</div>", escape(d)))
                .unwrap_or_default();
            h.push_str(&format!(
                "<tr id=\"{}\" class=\"row-{status_class}\"><td data-label=\"Control\" class=\"main-cell\"><span class=\"req-id\">{}</span> <span class=\"req-name\">{}</span></td><td data-label=\"Applicable\"><div>{applicable}</div>{}{due}</td><td data-label=\"Justification\" class=\"justification\">{justification}</td><td data-label=\"Implemented by\">{}{owners}</td><td data-label=\"Policies and evidence\">{policies}</td></tr>\n",
                escape(&slug(&row.id)),
                escape(&row.id),
                escape(&row.title),
                status_badge(row.status),
                s.entity_chips(root, &row.refs.implemented_by),
            ));
        }
        h.push_str("</tbody></table></div>\n</section>\n");
    }
    h.push_str("</div>\n</div>\n");
    let history = s.options.history.as_ref();
    h.push_str(&revisions(history, history.map_or(&[], |h| &h.soa), false));
    s.page("soa.html", Nav::Soa, "Statement of Applicability", &h)
}

/// The rows of one item in a traceability table: `(control cell, status cell, requirement
/// cell)` per control, then the requirements it names directly.
fn trace_rows(s: &Site, root: &str, controls: &[Link], direct: Vec<String>) -> Vec<[String; 3]> {
    let mut rows = Vec::new();
    for l in controls {
        let Some(t) = l.target else {
            rows.push([escape(&l.name), String::new(), String::new()]);
            continue;
        };
        let Some(Data::Control(c)) = s.model.entity(t).map(|e| &e.data) else {
            continue;
        };
        let reqs: Vec<String> = c
            .satisfies
            .iter()
            .map(|r| match r.target {
                Some(q) => s.req_ref(root, q, &r.written()),
                None => format!("<span class=\"ref req\">{}</span>", escape(&r.written())),
            })
            .collect();
        let title = s
            .model
            .entity(t)
            .and_then(|e| e.title.as_deref())
            .map(|x| format!("<div class=\"muted small\">{}</div>", escape(x)))
            .unwrap_or_default();
        rows.push([
            format!("{}{title}", s.ref_id(root, t)),
            status_badge(
                c.status
                    .as_ref()
                    .map(|w| w.value.as_str())
                    .unwrap_or("planned"),
            ),
            chips_or_dash(reqs),
        ]);
    }
    if !direct.is_empty() {
        rows.push([
            "<em class=\"muted\">named directly (<code>requires</code>)</em>".to_string(),
            String::new(),
            chips_or_dash(direct),
        ]);
    }
    rows
}

/// `traceability.html`.
pub(super) fn traceability(s: &Site) -> OutputFile {
    let root = "";
    let annex = s.annex;
    let mut h = format!("<header class=\"page-head\"><p class=\"eyebrow\">Clause 6.1.3 b – d</p><h1>Traceability</h1></header>\n<p>How each risk is treated: the controls that treat it and the {annex} controls they satisfy, then the same for the legal, regulatory and contractual obligations. Together they are the reasons for inclusion in the <a href=\"soa.html\">Statement of Applicability</a>.</p>\n<nav class=\"page-toc\" aria-label=\"On this page\"><ul><li><a href=\"#risks\">Risk → control → {annex}</a></li><li><a href=\"#obligations\">Obligation → control → {annex}</a></li></ul></nav>\n");

    h.push_str(&format!(
        "<section class=\"panel\" id=\"risks\">\n<h2>Risk → control → {annex}</h2>\n"
    ));
    let risks: Vec<_> = s.model.of_kind(Kind::Risk).collect();
    if risks.is_empty() {
        h.push_str("<p>The risk register is empty.</p>\n");
    } else {
        h.push_str(&format!("<div class=\"table-wrap\"><table class=\"trace\">\n<thead><tr><th>Risk</th><th>Treatment and remaining risk</th><th>Control</th><th>Status</th><th>{annex}</th></tr></thead>\n<tbody>\n"));
        for ((rid, e), entry) in risks.iter().zip(&s.register.risks) {
            let Data::Risk(r) = &e.data else { continue };
            let direct: Vec<String> = r
                .requires
                .iter()
                .map(|q| match q.target {
                    Some(t) => s.req_ref(root, t, &q.written()),
                    None => format!("<span class=\"ref req\">{}</span>", escape(&q.written())),
                })
                .collect();
            let rows = trace_rows(s, root, &r.controls, direct);
            let remaining = entry
                .residual
                .as_ref()
                .map(|x| (x.likelihood.as_deref(), x.impact.as_deref(), x.score))
                .unwrap_or((
                    entry.inherent.likelihood.as_deref(),
                    entry.inherent.impact.as_deref(),
                    entry.inherent.score,
                ));
            push_trace_group(&mut h, rows, |span| {
                format!(
                    "<tr class=\"group-start\"><td rowspan=\"{span}\" class=\"main-cell\">{}<div class=\"small\">{}</div></td><td rowspan=\"{span}\">{}<div class=\"remaining\">{}</div></td>",
                    s.ref_id(root, *rid),
                    escape(e.title.as_deref().unwrap_or("")),
                    treatment_badge(r.treatment.as_ref().map(|w| w.value.as_str())),
                    s.score_pill(remaining.0, remaining.1, remaining.2),
                )
            });
        }
        h.push_str("</tbody></table></div>\n");
    }
    h.push_str("</section>\n");

    h.push_str(&format!(
        "<section class=\"panel\" id=\"obligations\">\n<h2>Obligation → control → {annex}</h2>\n"
    ));
    let obligations: Vec<_> = s.model.of_kind(Kind::Obligation).collect();
    if obligations.is_empty() {
        h.push_str("<p>The project records no obligations.</p>\n");
    } else {
        h.push_str(&format!("<div class=\"table-wrap\"><table class=\"trace\">\n<thead><tr><th>Obligation</th><th>Kind</th><th>Control</th><th>Status</th><th>{annex}</th></tr></thead>\n<tbody>\n"));
        for (_, e) in obligations {
            let Data::Obligation(o) = &e.data else {
                continue;
            };
            let rows = trace_rows(s, root, &o.controls, Vec::new());
            push_trace_group(&mut h, rows, |span| {
                format!(
                    "<tr class=\"group-start\" id=\"obligation-{}\"><td rowspan=\"{span}\" class=\"main-cell\"><strong>{}</strong><div class=\"id\">{}</div>{}{}</td><td rowspan=\"{span}\">{}</td>",
                    escape(&slug(&e.id)),
                    escape(e.display()),
                    escape(&e.id),
                    o.reference
                        .as_deref()
                        .map(|r| format!("<div class=\"small muted\">{}</div>", escape(r)))
                        .unwrap_or_default(),
                    o.description
                        .as_deref()
                        .map(|d| format!("<div class=\"small\">{}</div>", escape(d)))
                        .unwrap_or_default(),
                    escape(o.kind.as_ref().map(|w| w.value.as_str()).unwrap_or("—")),
                )
            });
        }
        h.push_str("</tbody></table></div>\n");
    }
    h.push_str("</section>\n");
    s.page("traceability.html", Nav::Traceability, "Traceability", &h)
}

/// One group of the traceability tables: the rows of control, status and requirements of one
/// risk or obligation ("no control" when there are none), the first row led by the cells
/// `lead` makes for the group's row span.
fn push_trace_group(
    h: &mut String,
    mut rows: Vec<[String; 3]>,
    lead: impl FnOnce(usize) -> String,
) {
    if rows.is_empty() {
        rows.push([
            "<span class=\"none\">no control</span>".to_string(),
            String::new(),
            "<span class=\"none\">—</span>".to_string(),
        ]);
    }
    let span = rows.len();
    let mut lead = Some(lead);
    for [control, status, reqs] in rows {
        match lead.take() {
            Some(f) => h.push_str(&f(span)),
            None => h.push_str("<tr>"),
        }
        h.push_str(&format!(
            "<td>{control}</td><td>{status}</td><td>{reqs}</td></tr>\n"
        ));
    }
}
