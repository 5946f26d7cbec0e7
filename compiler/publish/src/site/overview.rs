//! `index.html` (the ISMS at a glance) and `scope.html` (scope, context, parties, people,
//! assets).

use super::charts::{self, Bar, Segment};
use super::{chips_or_dash, escape, prose, slug, Nav, OutputFile, Site};
use crate::Output;
use ismsc_core::emit::{BUILD_FILES, COVERAGE_DIR};
use ismsc_core::facts::control::State;
use ismsc_core::model::{Data, Kind};

/// Escapes a message and shows its `` `quoted` `` parts as code.
pub(super) fn message(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", escape(part))
            } else {
                escape(part)
            }
        })
        .collect()
}

/// Counts of one group of SoA rows.
#[derive(Default)]
pub(super) struct Counts {
    pub total: usize,
    pub applicable: usize,
    pub implemented: usize,
    pub partial: usize,
    pub planned: usize,
    pub not_implemented: usize,
    pub excluded: usize,
    pub undecided: usize,
}

impl Counts {
    pub(super) fn add(&mut self, decision: &str, status: &str) {
        self.total += 1;
        match decision {
            "included" => self.applicable += 1,
            "excluded" => self.excluded += 1,
            _ => self.undecided += 1,
        }
        if decision == "included" {
            match status {
                "implemented" => self.implemented += 1,
                "partial" => self.partial += 1,
                "planned" => self.planned += 1,
                _ => self.not_implemented += 1,
            }
        }
    }

    fn segments(&self) -> Vec<Segment> {
        vec![
            Segment {
                class: "implemented",
                name: "Implemented",
                count: self.implemented,
            },
            Segment {
                class: "partial",
                name: "Partial",
                count: self.partial,
            },
            Segment {
                class: "planned",
                name: "Planned",
                count: self.planned,
            },
            Segment {
                class: "not-implemented",
                name: "Not implemented",
                count: self.not_implemented,
            },
            Segment {
                class: "undecided",
                name: "Undecided",
                count: self.undecided,
            },
            Segment {
                class: "excluded",
                name: "Excluded",
                count: self.excluded,
            },
        ]
    }
}

/// Counts of the SoA rows per theme, in catalogue order: `(theme id, theme title, counts)`.
pub(super) fn per_theme(s: &Site) -> Vec<(String, String, Counts)> {
    let mut themes: Vec<(String, String, Counts)> = Vec::new();
    let Some(soa) = s.soa else {
        return themes;
    };
    for c in &soa.controls {
        let i = match themes.iter().position(|(t, _, _)| *t == c.theme) {
            Some(i) => i,
            None => {
                themes.push((c.theme.clone(), c.theme_title.clone(), Counts::default()));
                themes.len() - 1
            }
        };
        if let Some(t) = themes.get_mut(i) {
            t.2.add(c.decision, c.status);
        }
    }
    themes
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn fact(out: &mut String, term: &str, value: &str) {
    out.push_str(&format!(
        "<div><dt>{}</dt><dd>{value}</dd></div>",
        escape(term)
    ));
}

fn card(out: &mut String, href: &str, class: &str, label: &str, big: &str, sub: &str) {
    out.push_str(&format!(
        "<a class=\"card{class}\" href=\"{href}\"><span class=\"card-label\">{}</span><span class=\"card-big\">{big}</span><span class=\"card-sub\">{sub}</span></a>",
        escape(label)
    ));
}

/// `index.html`.
pub(super) fn index(s: &Site) -> OutputFile {
    let root = "";
    let m = s.model;
    let isms = m.isms.as_ref();
    let mut h = String::new();

    // Key facts.
    h.push_str("<section class=\"hero\">\n<p class=\"eyebrow\">Information security management system</p>\n");
    h.push_str(&format!("<h1>{}</h1>\n", escape(&s.name)));
    if let Some(d) = isms.and_then(|i| i.description.as_deref()) {
        h.push_str(&format!("<div class=\"lead\">{}</div>\n", prose(d)));
    }
    let mut facts = String::new();
    if let Some(o) = isms.and_then(|i| i.organization.as_deref()) {
        fact(&mut facts, "Organization", &escape(o));
    }
    if let Some((key, _)) = isms.and_then(|i| i.standard.as_ref()) {
        let title = s
            .soa
            .as_ref()
            .and_then(|d| d.standard_title.clone())
            .unwrap_or_else(|| key.clone());
        fact(
            &mut facts,
            "Standard",
            &format!("{} <code>{}</code>", escape(&title), escape(key)),
        );
    }
    if let Some(owner) = isms.and_then(|i| i.owner.as_ref()) {
        let role = s
            .model
            .target(owner)
            .and_then(|e| match &e.data {
                Data::Person(p) => p.role.clone(),
                _ => None,
            })
            .map(|r| format!("<span class=\"muted\">{}</span>", escape(&r)))
            .unwrap_or_default();
        fact(
            &mut facts,
            "Owner",
            &format!("{} {role}", s.link_name(root, owner)),
        );
    }
    if let Some(v) = isms.and_then(|i| i.version.as_deref()) {
        fact(&mut facts, "Version", &escape(v));
    }
    if let Some(d) = isms.and_then(|i| i.effective) {
        fact(&mut facts, "Effective", &d.to_string());
    }
    if !facts.is_empty() {
        h.push_str(&format!("<dl class=\"facts\">{facts}</dl>\n"));
    }
    h.push_str("</section>\n");

    // Tiles.
    let soa_sum = s.soa.map(|d| &d.summary);
    let risks = &s.register.risks;
    let threshold = s.register.accept_at_or_below;
    let remaining_above: Vec<&ismsc_core::emit::dto::RiskEntry> =
        risks.iter().filter(|r| r.above(threshold)).collect();
    let accepted = remaining_above
        .iter()
        .filter(|r| r.accepted.is_some())
        .count();
    // What the policies' document control says, counted from the data.
    let (mut approved, mut drafts, mut overdue, mut unversioned, mut policies) = (0, 0, 0, 0, 0);
    for (_, e) in m.of_kind(Kind::Policy) {
        let Data::Policy(p) = &e.data else { continue };
        policies += 1;
        match s.control.policy(p).state {
            State::Approved => approved += 1,
            State::Draft => drafts += 1,
            State::Overdue => overdue += 1,
        }
        if p.version.is_none() {
            unversioned += 1;
        }
    }
    let mut policy_note = vec![format!("{approved} approved and in review")];
    if drafts > 0 {
        policy_note.push(format!("{drafts} draft"));
    }
    if overdue > 0 {
        policy_note.push(format!("{overdue} overdue for review"));
    }
    if unversioned > 0 {
        policy_note.push(format!("{unversioned} without version"));
    }
    let controls: Vec<&str> = m
        .of_kind(Kind::Control)
        .map(|(_, e)| match &e.data {
            Data::Control(c) => c
                .status
                .as_ref()
                .map(|w| w.value.as_str())
                .unwrap_or("planned"),
            _ => "planned",
        })
        .collect();
    let count = |st: &str| controls.iter().filter(|c| **c == st).count();

    h.push_str("<section class=\"cards\" aria-label=\"Summary\">\n");
    if let Some(sum) = soa_sum {
        card(
            &mut h,
            "soa.html",
            "",
            s.annex,
            &format!("{}<small>/{}</small>", sum.applicable, sum.total),
            &format!(
                "applicable · {} implemented, {} partial, {} planned",
                sum.implemented, sum.partial, sum.planned
            ),
        );
    }
    card(
        &mut h,
        "risks.html",
        if remaining_above.len() > accepted {
            " warn"
        } else {
            ""
        },
        "Risks",
        &risks.len().to_string(),
        &format!(
            "{} above threshold after treatment, {} accepted",
            remaining_above.len(),
            accepted
        ),
    );
    card(
        &mut h,
        "controls.html",
        "",
        "Controls",
        &controls.len().to_string(),
        &format!(
            "{} implemented, {} partial, {} planned",
            count("implemented"),
            count("partial"),
            count("planned")
        ),
    );
    card(
        &mut h,
        "policies/index.html",
        if drafts + overdue > 0 { " warn" } else { "" },
        "Policies",
        &policies.to_string(),
        &escape(&policy_note.join(", ")),
    );
    let programme = &s.programme.summary;
    if programme.audits > 0 {
        card(
            &mut h,
            "audits.html",
            if programme.items_missing + programme.items_overdue + programme.overdue > 0 {
                " warn"
            } else {
                ""
            },
            "Audit programme",
            &format!(
                "{}<small>/{}</small>",
                programme.items_audited, programme.items
            ),
            &format!(
                "audited this cycle · {} planned, {} overdue, {} not covered",
                programme.items_planned, programme.items_overdue, programme.items_missing
            ),
        );
    }
    let ncs = &s.nonconformities.summary;
    if ncs.total > 0 {
        card(
            &mut h,
            "nonconformities.html",
            if ncs.overdue > 0 { " warn" } else { "" },
            "Nonconformities",
            &ncs.open.to_string(),
            &format!(
                "open, {} with an overdue action · {} closed",
                ncs.overdue, ncs.closed
            ),
        );
    }
    let (open_actions, overdue_actions) = open_actions(s);
    let attention = if open_actions > 0 {
        format!(
            "{} · {} open actions, {} overdue",
            if s.warnings.is_empty() {
                "no warnings"
            } else {
                "warnings from the checks"
            },
            open_actions,
            overdue_actions
        )
    } else if s.warnings.is_empty() {
        "no warnings".to_string()
    } else {
        "warnings from the checks".to_string()
    };
    card(
        &mut h,
        "#attention",
        if s.warnings.is_empty() && overdue_actions == 0 {
            " ok"
        } else {
            " warn"
        },
        "Needs attention",
        &s.warnings.len().to_string(),
        &attention,
    );
    h.push_str("</section>\n");

    // Scope in brief.
    if let Some(scope) = &m.scope {
        h.push_str("<section class=\"panel\">\n<h2>Scope</h2>\n");
        if let Some(d) = &scope.description {
            h.push_str(&prose(d));
        }
        h.push_str(&format!(
            "<p class=\"more\"><a href=\"scope.html\">Scope, context, interested parties and assets</a> · {} in scope, {} out of scope</p>\n</section>\n",
            plural(scope.includes.len(), "item", "items"),
            plural(scope.excludes.len(), "item", "items"),
        ));
    }

    // Coverage per theme.
    let themes = per_theme(s);
    if let Some(sum) = soa_sum {
        h.push_str(&format!(
            "<section class=\"panel\" id=\"coverage\">\n<h2>{} coverage by theme</h2>\n",
            s.annex
        ));
        h.push_str(&format!(
            "<p>{} controls: {}.</p>\n",
            sum.total,
            sum.counts()
        ));
        let bars: Vec<Bar> = themes
            .iter()
            .map(|(_, title, c)| Bar {
                label: title.clone(),
                note: format!("{} of {} applicable", c.applicable, c.total),
                segments: c.segments(),
            })
            .collect();
        h.push_str(&format!(
            "<figure class=\"chart-figure\">{}<figcaption>{}</figcaption></figure>\n",
            charts::stacked_bars(
                "coverage-chart",
                &format!("{} coverage by theme", s.annex),
                &bars
            ),
            charts::legend(&legend_for(&themes))
        ));
        h.push_str(
            "<p class=\"more\"><a href=\"soa.html\">Statement of Applicability</a></p>\n</section>\n",
        );
    }

    // Risks by level.
    h.push_str("<section class=\"panel\" id=\"risk-levels\">\n<h2>Risks by level</h2>\n");
    if risks.is_empty() {
        h.push_str("<p>The risk register is empty.</p>\n");
    } else {
        let tally = |score: &dyn Fn(&ismsc_core::emit::dto::RiskEntry) -> Option<u32>| {
            let (mut ok, mut above, mut none) = (0, 0, 0);
            for r in risks {
                match (score(r), threshold) {
                    (Some(sc), Some(t)) if sc <= t => ok += 1,
                    (Some(_), Some(_)) => above += 1,
                    _ => none += 1,
                }
            }
            vec![
                Segment {
                    class: "ok",
                    name: "Acceptable",
                    count: ok,
                },
                Segment {
                    class: "above",
                    name: "Above threshold",
                    count: above,
                },
                Segment {
                    class: "none",
                    name: "Not scored",
                    count: none,
                },
            ]
        };
        let before = tally(&|r| r.inherent.score);
        let after = tally(&|r| r.remaining_score());
        let note = |segs: &[Segment]| {
            format!(
                "{} acceptable, {} above",
                segs.first().map(|s| s.count).unwrap_or(0),
                segs.get(1).map(|s| s.count).unwrap_or(0)
            )
        };
        let bars = vec![
            Bar {
                label: "Before treatment".into(),
                note: note(&before),
                segments: before,
            },
            Bar {
                label: "After treatment".into(),
                note: note(&after),
                segments: after,
            },
        ];
        match threshold {
            Some(t) => h.push_str(&format!(
                "<p>{} in the register; a score at or below <strong>{t}</strong> is acceptable. Risks without a residual rating count with their inherent one.</p>\n",
                plural(risks.len(), "risk", "risks")
            )),
            None => h.push_str("<p>No acceptance threshold is declared (<code>accept_at_or_below</code> in <code>risk_method</code>).</p>\n"),
        }
        h.push_str(&format!(
            "<figure class=\"chart-figure\">{}<figcaption>{}</figcaption></figure>\n",
            charts::stacked_bars("risk-level-chart", "Risks by level", &bars),
            charts::legend(&[
                ("ok", "Acceptable"),
                ("above", "Above threshold"),
                ("none", "Not scored"),
            ])
        ));
        if !remaining_above.is_empty() {
            let open: Vec<String> = remaining_above
                .iter()
                .filter(|r| r.accepted.is_none())
                .map(|r| s.entity_chips(root, &[r.refs.risk]))
                .collect();
            if open.is_empty() {
                h.push_str(&format!(
                    "<p>Every risk above the threshold after treatment has a recorded acceptance ({accepted}).</p>\n"
                ));
            } else {
                h.push_str(&format!(
                    "<p class=\"callout warn\">Above the threshold after treatment without a recorded acceptance: {}</p>\n",
                    open.join(" ")
                ));
            }
        }
        h.push_str("<p class=\"more\"><a href=\"risks.html\">Risk heat map and register</a></p>\n");
    }
    h.push_str("</section>\n");

    // Needs attention.
    h.push_str("<section class=\"panel\" id=\"attention\">\n<h2>Needs attention</h2>\n");
    if s.warnings.is_empty() {
        h.push_str("<p class=\"callout ok\">No warnings: no overdue review, stale evidence or expired acceptance was found.</p>\n");
    } else {
        h.push_str(&format!(
            "<p>{} from <code>ismsc check</code>: overdue reviews, stale evidence, expired acceptances and other findings that do not fail the build.</p>\n<ul class=\"attention\">\n",
            plural(s.warnings.len(), "warning", "warnings")
        ));
        for w in &s.warnings {
            h.push_str(&format!(
                "<li><span class=\"code-tag\">{}</span><div class=\"attention-body\"><p class=\"attention-msg\">{}</p><p class=\"attention-where\"><code>{}</code>{}</p>{}</div></li>\n",
                escape(w.diag.code.as_str()),
                message(&w.diag.message),
                escape(&w.place),
                w.item
                    .and_then(|id| {
                        let e = s.model.entity(id)?;
                        let href = s.href(root, id)?;
                        Some(format!(
                            " · <a href=\"{}\">{} {}</a>",
                            escape(&href),
                            e.noun(),
                            escape(&e.id)
                        ))
                    })
                    .unwrap_or_default(),
                if w.diag.help.is_empty() {
                    String::new()
                } else {
                    format!("<p class=\"attention-help\">{}</p>", message(&w.diag.help))
                }
            ));
        }
        h.push_str("</ul>\n");
    }
    if open_actions > 0 {
        h.push_str(&format!(
            "<p class=\"callout{}\">Actions of nonconformities and management reviews not done yet: <strong>{open_actions}</strong>, of which <strong>{overdue_actions}</strong> past their due date. See <a href=\"nonconformities.html\">nonconformities</a> and <a href=\"reviews.html\">management reviews</a>.</p>\n",
            if overdue_actions > 0 { " warn" } else { "" }
        ));
    }
    acceptances(&mut h, s, root, risks);
    h.push_str("</section>\n");

    // Objectives.
    let objectives: Vec<_> = m.of_kind(Kind::Objective).collect();
    if !objectives.is_empty() {
        h.push_str("<section class=\"panel\" id=\"objectives\">\n<h2>Information security objectives</h2>\n<div class=\"table-wrap\"><table class=\"reflow\">\n<thead><tr><th>Objective</th><th>Owner</th><th>Measure</th><th>Target</th><th>Due</th><th>Status</th><th>Latest result</th><th>Controls</th></tr></thead>\n<tbody>\n");
        for (_, e) in objectives {
            let Data::Objective(o) = &e.data else {
                continue;
            };
            h.push_str(&format!(
                "<tr id=\"objective-{}\"><td data-label=\"Objective\" class=\"main-cell\"><strong>{}</strong><div class=\"id\">{}</div></td><td data-label=\"Owner\">{}</td><td data-label=\"Measure\">{}</td><td data-label=\"Target\">{}</td><td data-label=\"Due\" class=\"nowrap\">{}</td><td data-label=\"Status\">{}</td><td data-label=\"Latest result\">{}</td><td data-label=\"Controls\">{}</td></tr>\n",
                escape(&slug(&e.id)),
                escape(e.display()),
                escape(&e.id),
                o.owner.as_ref().map(|l| s.link_name(root, l)).unwrap_or_else(|| "—".into()),
                escape(o.measure.as_deref().unwrap_or("—")),
                escape(o.target.as_deref().unwrap_or("—")),
                o.due.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                o.status
                    .map(|st| st.value.as_str().to_string())
                    .unwrap_or_else(|| "<span class=\"none\">—</span>".into()),
                latest_result(&o.results),
                chips_or_dash(o.controls.iter().map(|l| s.link_id(root, l)).collect()),
            ));
        }
        h.push_str("</tbody></table></div>\n</section>\n");
    }

    // Machine-readable files of the same build.
    if s.options.outputs.contains(&Output::Data) {
        h.push_str("<section class=\"panel\" id=\"downloads\">\n<h2>Machine-readable files</h2>\n<ul class=\"downloads\">");
        for f in BUILD_FILES {
            h.push_str(&format!("<li><a href=\"../{f}\"><code>{f}</code></a></li>"));
        }
        for c in s.coverage {
            for ext in ["json", "csv"] {
                let f = format!("{COVERAGE_DIR}/{}.{ext}", c.slug());
                h.push_str(&format!(
                    "<li><a href=\"../{}\"><code>{}</code></a></li>",
                    escape(&f),
                    escape(&f)
                ));
            }
        }
        h.push_str("</ul>\n</section>\n");
    }

    s.page("index.html", Nav::Overview, &s.name, &h)
}

/// The latest measurement result: its value, whether it met the target, and when.
pub(super) fn latest_result(results: &[ismsc_core::model::Measurement]) -> String {
    match ismsc_core::model::latest(results) {
        Some(r) => format!(
            "{} {}<div class=\"muted nowrap\">{}</div>",
            escape(r.value.as_deref().unwrap_or("—")),
            super::records::state_badge(match r.met {
                Some(true) => "met",
                Some(false) => "not-met",
                None => "",
            }),
            r.measured.map(|d| d.to_string()).unwrap_or_default()
        ),
        None => "<span class=\"none\">—</span>".to_string(),
    }
}

/// The actions of open nonconformities and of management reviews not done yet, and how
/// many of them are overdue.
fn open_actions(s: &Site) -> (usize, usize) {
    let ncs = &s.nonconformities.summary;
    let (mut open, mut overdue) = (ncs.actions_open, ncs.actions_overdue);
    for r in &s.reviews.reviews {
        for a in &r.actions {
            match a.status {
                "open" => open += 1,
                "overdue" => {
                    open += 1;
                    overdue += 1;
                }
                _ => {}
            }
        }
    }
    (open, overdue)
}

/// The legend of the coverage chart: only the categories that occur.
pub(super) fn legend_for(themes: &[(String, String, Counts)]) -> Vec<(&'static str, &'static str)> {
    let mut any = Counts::default();
    for (_, _, c) in themes {
        any.implemented += c.implemented;
        any.partial += c.partial;
        any.planned += c.planned;
        any.not_implemented += c.not_implemented;
        any.undecided += c.undecided;
        any.excluded += c.excluded;
    }
    any.segments()
        .into_iter()
        .filter(|s| {
            s.count > 0 || matches!(s.class, "implemented" | "partial" | "planned" | "excluded")
        })
        .map(|s| (s.class, s.name))
        .collect()
}

/// `scope.html`.
pub(super) fn scope(s: &Site) -> OutputFile {
    let root = "";
    let m = s.model;
    let mut h = String::from("<header class=\"page-head\"><p class=\"eyebrow\">Clauses 4.1 – 4.3</p><h1>Scope and context</h1></header>\n");
    let mut toc = vec![];

    if let Some(scope) = &m.scope {
        toc.push(("scope", "Scope"));
        h.push_str("<section class=\"panel\" id=\"scope\">\n<h2>Scope of the ISMS</h2>\n");
        if let Some(d) = &scope.description {
            h.push_str(&prose(d));
        }
        if !scope.includes.is_empty() {
            h.push_str("<h3>In scope</h3>\n<dl class=\"groups\">\n");
            for kind in [
                Kind::Asset,
                Kind::Team,
                Kind::Person,
                Kind::Party,
                Kind::Control,
                Kind::Policy,
                Kind::Risk,
                Kind::Obligation,
                Kind::Objective,
            ] {
                let items: Vec<String> = scope
                    .includes
                    .iter()
                    .filter(|l| s.model.target(l).is_some_and(|e| e.kind == kind))
                    .map(|l| format!("<li>{}</li>", s.link_name(root, l)))
                    .collect();
                if !items.is_empty() {
                    h.push_str(&format!(
                        "<div><dt>{}</dt><dd><ul class=\"inline-list\">{}</ul></dd></div>\n",
                        match kind {
                            Kind::Asset => "Assets",
                            Kind::Team => "Teams",
                            Kind::Person => "People",
                            Kind::Party => "Interested parties",
                            Kind::Control => "Controls",
                            Kind::Policy => "Policies",
                            Kind::Risk => "Risks",
                            Kind::Obligation => "Obligations",
                            Kind::Objective => "Objectives",
                            Kind::Audit => "Audits",
                            Kind::Nonconformity => "Nonconformities",
                            Kind::Review => "Management reviews",
                            Kind::Role => "Roles",
                            Kind::Competence => "Competences",
                        },
                        items.join("")
                    ));
                }
            }
            let unresolved: Vec<String> = scope
                .includes
                .iter()
                .filter(|l| l.target.is_none())
                .map(|l| format!("<li>{}</li>", escape(&l.name)))
                .collect();
            if !unresolved.is_empty() {
                h.push_str(&format!(
                    "<div><dt>Other</dt><dd><ul class=\"inline-list\">{}</ul></dd></div>\n",
                    unresolved.join("")
                ));
            }
            h.push_str("</dl>\n");
        }
        if !scope.excludes.is_empty() {
            h.push_str("<h3>Out of scope</h3>\n<div class=\"table-wrap\"><table class=\"reflow\">\n<thead><tr><th>Excluded</th><th>Reason</th></tr></thead>\n<tbody>\n");
            for (l, reason) in &scope.excludes {
                h.push_str(&format!(
                    "<tr><td data-label=\"Excluded\" class=\"main-cell\">{}</td><td data-label=\"Reason\">{}</td></tr>\n",
                    s.link_name(root, l),
                    escape(reason)
                ));
            }
            h.push_str("</tbody></table></div>\n");
        }
        if !scope.interfaces.is_empty() {
            h.push_str("<h3>Interfaces and dependencies</h3>\n<ul>\n");
            for i in &scope.interfaces {
                h.push_str(&format!("<li>{}</li>\n", escape(i)));
            }
            h.push_str("</ul>\n");
        }
        h.push_str("</section>\n");
    }

    if let Some(ctx) = &m.context {
        toc.push(("context", "Context"));
        h.push_str("<section class=\"panel\" id=\"context\">\n<h2>Context of the organization</h2>\n<div class=\"columns\">\n");
        for (title, items) in [
            ("Issues", &ctx.issues),
            ("Internal issues", &ctx.internal),
            ("External issues", &ctx.external),
        ] {
            if items.is_empty() {
                continue;
            }
            h.push_str(&format!("<div><h3>{title}</h3>\n<ul>\n"));
            for i in items {
                h.push_str(&format!("<li>{}</li>\n", escape(i)));
            }
            h.push_str("</ul></div>\n");
        }
        h.push_str("</div>\n");
        if let Some(c) = &ctx.climate_change {
            h.push_str(&format!(
                "<h3>Climate change</h3>\n<div class=\"callout\">{}</div>\n",
                prose(c)
            ));
        }
        h.push_str("</section>\n");
    }

    let parties: Vec<_> = m.of_kind(Kind::Party).collect();
    if !parties.is_empty() {
        toc.push(("parties", "Interested parties"));
        h.push_str("<section class=\"panel\" id=\"parties\">\n<h2>Interested parties</h2>\n<div class=\"party-grid\">\n");
        for (_, e) in parties {
            let Data::Party(p) = &e.data else { continue };
            h.push_str(&format!(
                "<article class=\"party\" id=\"party-{}\"><h3>{}</h3>",
                escape(&slug(&e.id)),
                escape(e.display())
            ));
            if let Some(d) = &p.description {
                h.push_str(&format!("<p class=\"muted\">{}</p>", escape(d)));
            }
            if !p.needs.is_empty() {
                h.push_str("<ul>");
                for n in &p.needs {
                    h.push_str(&format!("<li>{}</li>", escape(n)));
                }
                h.push_str("</ul>");
            }
            h.push_str("</article>\n");
        }
        h.push_str("</div>\n</section>\n");
    }

    let teams: Vec<_> = m.of_kind(Kind::Team).collect();
    let people: Vec<_> = m.of_kind(Kind::Person).collect();
    if !teams.is_empty() || !people.is_empty() {
        toc.push(("organization", "People and teams"));
        h.push_str("<section class=\"panel\" id=\"organization\">\n<h2>People and teams</h2>\n");
        if !teams.is_empty() {
            h.push_str("<div class=\"table-wrap\"><table class=\"reflow\">\n<thead><tr><th>Team</th><th>Lead</th><th>Members</th><th>Part of</th></tr></thead>\n<tbody>\n");
            for (_, e) in teams {
                let Data::Team(t) = &e.data else { continue };
                let members: Vec<String> = t.members.iter().map(|l| s.link_name(root, l)).collect();
                h.push_str(&format!(
                    "<tr id=\"who-{}\"><td data-label=\"Team\" class=\"main-cell\"><strong>{}</strong><div class=\"id\">{}</div></td><td data-label=\"Lead\">{}</td><td data-label=\"Members\">{}</td><td data-label=\"Part of\">{}</td></tr>\n",
                    escape(&slug(&e.id)),
                    escape(e.display()),
                    escape(&e.id),
                    t.lead.as_ref().map(|l| s.link_name(root, l)).unwrap_or_else(|| "—".into()),
                    if members.is_empty() { "—".to_string() } else { members.join(", ") },
                    t.parent.as_ref().map(|l| s.link_name(root, l)).unwrap_or_else(|| "—".into()),
                ));
            }
            h.push_str("</tbody></table></div>\n");
        }
        if !people.is_empty() {
            h.push_str("<div class=\"table-wrap\"><table class=\"reflow\">\n<thead><tr><th>Person</th><th>Role</th><th>Evidence of competence</th></tr></thead>\n<tbody>\n");
            for (_, e) in people {
                let Data::Person(p) = &e.data else { continue };
                let evidence: Vec<String> = p
                    .evidence
                    .iter()
                    .map(|q| {
                        let mut when = Vec::new();
                        if let Some(k) = q.kind {
                            when.push(k.value.as_str().to_string());
                        }
                        if let Some(d) = q.obtained {
                            when.push(format!("obtained {d}"));
                        }
                        if let Some(d) = q.expires {
                            when.push(format!("expires {d}"));
                        }
                        format!(
                            "<li>{} {}<div class=\"muted\">{}</div></li>",
                            s.link_id(root, &q.competence),
                            escape(q.title.as_deref().unwrap_or("")),
                            escape(&when.join(", "))
                        )
                    })
                    .collect();
                h.push_str(&format!(
                    "<tr id=\"who-{}\"><td data-label=\"Person\" class=\"main-cell\"><strong>{}</strong><div class=\"id\">{}</div></td><td data-label=\"Role\">{}</td><td data-label=\"Evidence of competence\">{}</td></tr>\n",
                    escape(&slug(&e.id)),
                    escape(e.display()),
                    escape(&e.id),
                    escape(p.role.as_deref().unwrap_or("—")),
                    if evidence.is_empty() {
                        "<span class=\"none\">—</span>".to_string()
                    } else {
                        format!("<ul class=\"plain\">{}</ul>", evidence.join(""))
                    },
                ));
            }
            h.push_str("</tbody></table></div>\n");
        }
        h.push_str("</section>\n");
    }

    let roles: Vec<_> = m.of_kind(Kind::Role).collect();
    let competences: Vec<_> = m.of_kind(Kind::Competence).collect();
    if !roles.is_empty() || !competences.is_empty() {
        toc.push(("competence", "Competence"));
        h.push_str("<section class=\"panel\" id=\"competence\">\n<h2>Roles and competence <span class=\"muted\">(clause 7.2)</span></h2>\n");
        if !roles.is_empty() {
            h.push_str("<div class=\"table-wrap\"><table class=\"reflow\">\n<thead><tr><th>Role</th><th>Holders</th><th>Requires</th></tr></thead>\n<tbody>\n");
            for (_, e) in roles {
                let Data::Role(r) = &e.data else { continue };
                let holders: Vec<String> = r.holders.iter().map(|l| s.link_name(root, l)).collect();
                let mut cell = format!(
                    "<strong>{}</strong><div class=\"id\">{}</div>",
                    escape(e.display()),
                    escape(&e.id)
                );
                if let Some(d) = &r.description {
                    cell.push_str(&format!("<div class=\"desc\">{}</div>", prose(d)));
                }
                for w in s.warnings_in(e.span) {
                    cell.push_str(&format!(
                        "<div class=\"inline-warn\"><span class=\"code-tag\">{}</span> {}</div>",
                        escape(w.diag.code.as_str()),
                        message(&w.diag.message)
                    ));
                }
                h.push_str(&format!(
                    "<tr id=\"role-{}\"><td data-label=\"Role\" class=\"main-cell\">{cell}</td><td data-label=\"Holders\">{}</td><td data-label=\"Requires\">{}</td></tr>\n",
                    escape(&slug(&e.id)),
                    if holders.is_empty() { "—".to_string() } else { holders.join(", ") },
                    chips_or_dash(r.requires.iter().map(|l| s.link_id(root, l)).collect()),
                ));
            }
            h.push_str("</tbody></table></div>\n");
        }
        if !competences.is_empty() {
            h.push_str("<h3>Competences</h3>\n<dl class=\"groups\">\n");
            for (_, e) in competences {
                let Data::Competence(c) = &e.data else {
                    continue;
                };
                h.push_str(&format!(
                    "<div id=\"competence-{}\"><dt><code>{}</code></dt><dd>{}{}</dd></div>\n",
                    escape(&slug(&e.id)),
                    escape(&e.id),
                    escape(e.display()),
                    c.description
                        .as_deref()
                        .map(|d| format!("<div class=\"muted\">{}</div>", escape(d)))
                        .unwrap_or_default()
                ));
            }
            h.push_str("</dl>\n");
        }
        h.push_str("</section>\n");
    }

    let assets: Vec<_> = m.of_kind(Kind::Asset).collect();
    if !assets.is_empty() {
        toc.push(("assets", "Assets"));
        h.push_str(&format!(
            "<section class=\"panel\" id=\"assets\">\n<h2>Assets</h2>\n<p>{} in the inventory.</p>\n<div class=\"table-wrap\"><table class=\"reflow\">\n<thead><tr><th>Asset</th><th>Type</th><th>Owner</th><th>Classification</th><th>Depends on</th></tr></thead>\n<tbody>\n",
            plural(assets.len(), "asset", "assets")
        ));
        for (_, e) in assets {
            let Data::Asset(a) = &e.data else { continue };
            let desc = a
                .description
                .as_deref()
                .map(|d| format!("<div class=\"desc\">{}</div>", escape(d)))
                .unwrap_or_default();
            h.push_str(&format!(
                "<tr id=\"asset-{}\"><td data-label=\"Asset\" class=\"main-cell\"><strong>{}</strong><div class=\"id\">{}</div>{desc}</td><td data-label=\"Type\">{}</td><td data-label=\"Owner\">{}</td><td data-label=\"Classification\">{}</td><td data-label=\"Depends on\">{}</td></tr>\n",
                escape(&slug(&e.id)),
                escape(e.display()),
                escape(&e.id),
                escape(a.asset_type.as_ref().map(|w| w.value.as_str()).unwrap_or("—")),
                a.owner.as_ref().map(|l| s.link_name(root, l)).unwrap_or_else(|| "—".into()),
                a.classification
                    .as_ref()
                    .map(|w| format!("<span class=\"badge cls\">{}</span>", escape(&w.text)))
                    .unwrap_or_else(|| "—".into()),
                chips_or_dash(a.depends_on.iter().map(|l| s.link_id(root, l)).collect()),
            ));
        }
        h.push_str("</tbody></table></div>\n");
        let levels: Vec<String> = m
            .classification
            .levels
            .iter()
            .map(|w| format!("<span class=\"badge cls\">{}</span>", escape(&w.text)))
            .collect();
        if !levels.is_empty() {
            h.push_str(&format!(
                "<p class=\"muted\">Classification levels, lowest first: {}</p>\n",
                levels.join(" → ")
            ));
        }
        h.push_str("</section>\n");
    }

    if toc.len() > 1 {
        let links: Vec<String> = toc
            .iter()
            .map(|(id, t)| format!("<li><a href=\"#{id}\">{t}</a></li>"))
            .collect();
        let nav = format!(
            "<nav class=\"page-toc\" aria-label=\"On this page\"><ul>{}</ul></nav>\n",
            links.join("")
        );
        if let Some(i) = h.find("</header>\n") {
            h.insert_str(i + "</header>\n".len(), &nav);
        }
    }
    if m.scope.is_none() && m.context.is_none() {
        h.push_str(
            "<p>The project has no <code>scope</code> or <code>context</code> block yet.</p>\n",
        );
    }
    s.page("scope.html", Nav::Scope, "Scope and context", &h)
}

/// The risk acceptances in force, soonest to expire first (open-ended ones last): what
/// management has signed for and must look at again.
fn acceptances(
    h: &mut String,
    s: &Site<'_>,
    root: &str,
    risks: &[ismsc_core::emit::dto::RiskEntry],
) {
    let mut accepted: Vec<(
        &ismsc_core::emit::dto::RiskEntry,
        &ismsc_core::emit::dto::RiskAcceptance,
    )> = risks
        .iter()
        .filter_map(|r| r.accepted.as_ref().map(|a| (r, a)))
        .collect();
    if accepted.is_empty() {
        return;
    }
    // `YYYY-MM-DD` sorts as text; `None` (no end) after every date.
    accepted.sort_by(|(ra, a), (rb, b)| {
        (a.until.is_none(), &a.until, &ra.id).cmp(&(b.until.is_none(), &b.until, &rb.id))
    });
    h.push_str(&format!(
        "<h3 id=\"acceptances\">Risk acceptances in force</h3>\n<p>{} with a recorded acceptance, soonest to expire first; each needs a new decision before it ends.</p>\n<div class=\"table-wrap\"><table class=\"reflow\">\n<thead><tr><th>Risk</th><th>Accepted score</th><th>Accepted by</th><th>On</th><th>Until</th></tr></thead>\n<tbody>\n",
        plural(accepted.len(), "residual risk", "residual risks")
    ));
    for (r, a) in accepted {
        // What was accepted, named for what it is: the residual rating, the risk as it stands
        // today while controls are pending, or the inherent one of a risk not rated after
        // treatment.
        let num = |x: Option<u32>| x.map(|n| n.to_string()).unwrap_or_else(|| "—".into());
        let score = match (&r.residual, &r.current) {
            (Some(_), Some(c)) if !r.acceptable_now && r.acceptable => {
                format!(
                    "{} today <span class=\"muted\">(residual {})</span>",
                    num(c.score),
                    num(r.residual.as_ref().and_then(|x| x.score))
                )
            }
            (Some(res), _) => format!("{} <span class=\"muted\">residual</span>", num(res.score)),
            (None, _) => format!(
                "{} <span class=\"muted\">inherent, not rated after treatment</span>",
                num(r.inherent.score)
            ),
        };
        h.push_str(&format!(
            "<tr><td data-label=\"Risk\" class=\"main-cell\">{} {}</td><td data-label=\"Accepted score\">{}</td><td data-label=\"Accepted by\">{}</td><td data-label=\"On\" class=\"nowrap\">{}</td><td data-label=\"Until\" class=\"nowrap\">{}</td></tr>\n",
            s.entity_chips(root, &[r.refs.risk]),
            escape(r.title.as_deref().unwrap_or("")),
            score,
            match r.refs.accepted_by {
                Some(id) => s.ref_name(root, id),
                None => escape(&a.by),
            },
            escape(&a.on),
            escape(a.until.as_deref().unwrap_or("open-ended")),
        ));
    }
    h.push_str("</tbody></table></div>\n");
}
