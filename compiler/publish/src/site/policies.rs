//! `policies/index.html` and one page per policy, `policies/<id>.html`.

use std::collections::{BTreeMap, BTreeSet};

use super::markdown::{self, Links};
use super::overview::message;
use super::{
    chips_or_dash, escape, interval, revisions, slug, status_badge, Nav, OutputFile, Site,
};
use ismsc_core::facts::control::State;
use ismsc_core::model::{Data, Entity, EntityId, Kind, Policy, WrittenKind};
use ismsc_core::syntax::ast::Date;

/// When a policy is next due for review: approval (else the effective date) plus the review
/// interval.
pub(super) fn next_review(p: &Policy) -> Option<Date> {
    let from = p.approved.as_ref().map(|a| a.date).or(p.effective)?;
    Some(from.plus(p.review?))
}

/// A policy's status as a badge: approved, draft, or overdue for review.
fn state_badge(state: State) -> &'static str {
    match state {
        State::Approved => "<span class=\"badge st-implemented\">Approved</span>",
        State::Draft => "<span class=\"badge draft\">Draft</span>",
        State::Overdue => "<span class=\"badge draft\">Overdue</span>",
    }
}

/// The policies in tree order (each parent before its children, in model order), with depth.
fn tree<'m>(s: &Site<'m>) -> Vec<(usize, EntityId, &'m Entity, &'m Policy)> {
    let all: Vec<(EntityId, &Entity, &Policy)> = s
        .model
        .of_kind(Kind::Policy)
        .filter_map(|(id, e)| match &e.data {
            Data::Policy(p) => Some((id, e, p.as_ref())),
            _ => None,
        })
        .collect();
    let ids: BTreeSet<EntityId> = all.iter().map(|(id, _, _)| *id).collect();
    let mut children: BTreeMap<EntityId, Vec<usize>> = BTreeMap::new();
    let mut roots = Vec::new();
    for (i, (id, _, p)) in all.iter().enumerate() {
        match p.parent.as_ref().and_then(|l| l.target) {
            Some(parent) if ids.contains(&parent) && parent != *id => {
                children.entry(parent).or_default().push(i)
            }
            _ => roots.push(i),
        }
    }
    let mut out = Vec::with_capacity(all.len());
    let mut seen = BTreeSet::new();
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|i| (*i, 0)).collect();
    while let Some((i, depth)) = stack.pop() {
        let Some((id, e, p)) = all.get(i) else {
            continue;
        };
        if !seen.insert(*id) {
            continue;
        }
        out.push((depth, *id, *e, *p));
        if let Some(kids) = children.get(id) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    // Policies in a parent cycle are reached from no root: list them at the top level.
    for (id, e, p) in &all {
        if !seen.contains(id) {
            out.push((0, *id, *e, *p));
        }
    }
    out
}

/// `policies/index.html`, then every policy page.
pub(super) fn pages(s: &Site) -> Vec<OutputFile> {
    let mut out = vec![index(s)];
    for (_, id, e, p) in tree(s) {
        out.push(page(s, id, e, p));
    }
    out
}

fn index(s: &Site) -> OutputFile {
    let root = "../";
    let list = tree(s);
    let mut h = String::from(
        "<header class=\"page-head\"><p class=\"eyebrow\">Clause 5.2 and A.5.1</p><h1>Policies</h1></header>\n",
    );
    if list.is_empty() {
        h.push_str("<p>The project has no policies yet.</p>\n");
        return s.page("policies/index.html", Nav::Policies, "Policies", &h);
    }
    let others = list
        .iter()
        .filter(|(_, _, _, p)| p.written != WrittenKind::Policy)
        .count();
    let policies = list.len() - others;
    if others == 0 {
        h.push_str(&format!(
            "<p>{} {}, with their owner, approval, version and next review. Sub-policies are listed under the policy they belong to.</p>\n",
            list.len(),
            if list.len() == 1 { "policy" } else { "policies" }
        ));
    } else {
        h.push_str(&format!(
            "<p>{policies} {} and {others} other controlled {} (procedures, standards, guidelines), with their owner, approval, version and next review. Each is listed under the policy it belongs to.</p>\n",
            if policies == 1 { "policy" } else { "policies" },
            if others == 1 { "document" } else { "documents" }
        ));
    }
    h.push_str("<div class=\"table-wrap\"><table class=\"reflow policies\">\n<thead><tr><th>Policy</th><th>Status</th><th>Owner</th><th>Version</th><th>Classification</th><th>Approved</th><th>Next review</th><th>Covers</th></tr></thead>\n<tbody>\n");
    for (depth, id, e, p) in &list {
        let href = s
            .policy_pages
            .get(id)
            .and_then(|f| f.strip_prefix("policies/"))
            .unwrap_or("index.html");
        let warn = if s.warnings_in(e.span).is_empty() {
            String::new()
        } else {
            format!(
                " <a class=\"badge warn\" href=\"{}#attention\">needs attention</a>",
                escape(href)
            )
        };
        h.push_str(&format!(
            "<tr class=\"depth-{}\"><td data-label=\"Policy\" class=\"main-cell\"><a class=\"strong\" href=\"{}\">{}</a>{warn}<div class=\"id\">{}</div></td><td data-label=\"Status\">{}</td><td data-label=\"Owner\">{}</td><td data-label=\"Version\">{}</td><td data-label=\"Classification\">{}</td><td data-label=\"Approved\" class=\"nowrap\">{}</td><td data-label=\"Next review\" class=\"nowrap\">{}</td><td data-label=\"Covers\">{}</td></tr>\n",
            (*depth).min(3),
            escape(href),
            escape(e.display()),
            match p.written {
                WrittenKind::Policy => escape(&e.id),
                other => format!("{} · {}", other.as_str(), escape(&e.id)),
            },
            state_badge(s.control.policy(p).state),
            p.owner.as_ref().map(|l| s.link_name(root, l)).unwrap_or_else(|| "—".into()),
            escape(p.version.as_deref().unwrap_or("—")),
            p.classification
                .as_ref()
                .map(|w| format!("<span class=\"badge cls\">{}</span>", escape(&w.text)))
                .unwrap_or_else(|| "—".into()),
            p.approved.as_ref().map(|a| a.date.to_string()).unwrap_or_else(|| "—".into()),
            next_review(p).map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            chips_or_dash(
                p.covers
                    .iter()
                    .filter_map(|r| r.target.map(|t| s.req_ref(root, t, &r.written())))
                    .collect()
            ),
        ));
    }
    h.push_str("</tbody></table></div>\n");
    s.page("policies/index.html", Nav::Policies, "Policies", &h)
}

fn row(out: &mut String, term: &str, value: &str) {
    out.push_str(&format!(
        "<div><dt>{}</dt><dd>{value}</dd></div>",
        escape(term)
    ));
}

fn page(s: &Site, id: EntityId, e: &Entity, p: &Policy) -> OutputFile {
    let root = "../";
    let file = s
        .policy_pages
        .get(&id)
        .cloned()
        .unwrap_or_else(|| format!("policies/{}.html", slug(&e.id)));

    // The markdown, with relative links to other policies' texts made into page links.
    let texts: BTreeMap<String, String> = s
        .model
        .of_kind(Kind::Policy)
        .filter_map(|(pid, pe)| match &pe.data {
            Data::Policy(pp) => {
                let path = pp.text.as_ref()?.path.clone()?;
                let page = s
                    .policy_pages
                    .get(&pid)?
                    .strip_prefix("policies/")?
                    .to_string();
                Some((path, page))
            }
            _ => None,
        })
        .collect();
    let resolve = |path: &str| texts.get(path).cloned();
    let base = p
        .text
        .as_ref()
        .and_then(|t| t.path.as_deref())
        .and_then(|path| path.rsplit_once('/').map(|(dir, _)| dir))
        .unwrap_or("");
    let rendered = p.text.as_ref().map(|t| {
        markdown::render(
            &t.content,
            Some(e.display()),
            &Links {
                base,
                resolve: &resolve,
            },
            &[
                "main",
                "document-control",
                "toc",
                "history",
                "covers",
                "implemented-by",
                "attention",
            ],
        )
    });

    let mut h = String::new();
    h.push_str(&format!(
        "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"index.html\">Policies</a> <span aria-hidden=\"true\">›</span> <span>{}</span></nav>\n",
        escape(e.display())
    ));
    let mut sub = Vec::new();
    if let Some(v) = &p.version {
        sub.push(format!("Version {}", escape(v)));
    }
    if let Some(c) = &p.classification {
        sub.push(format!(
            "<span class=\"badge cls\">{}</span>",
            escape(&c.text)
        ));
    }
    if let Some(a) = &p.approved {
        sub.push(format!(
            "Approved {} by {}",
            a.date,
            s.link_name(root, &a.who)
        ));
    }
    if let Some(n) = next_review(p) {
        sub.push(format!("Next review {n}"));
    }
    let state = s.control.policy(p);
    sub.insert(0, state_badge(state.state).to_string());
    h.push_str(&format!(
        "<header class=\"doc-head\"><p class=\"eyebrow\">{} · <code>{}</code></p><h1>{}</h1><p class=\"doc-sub\">{}</p></header>\n",
        p.written.label(),
        escape(&e.id),
        escape(e.display()),
        sub.join(" <span class=\"sep\" aria-hidden=\"true\">·</span> ")
    ));
    match state.state {
        State::Approved => {}
        State::Draft => h.push_str(&format!("<p class=\"callout draft\"><strong>DRAFT</strong> — this {} has no recorded approval. It is not in force, and this page is not a controlled copy.</p>\n", e.noun())),
        State::Overdue => h.push_str(&format!(
            "<p class=\"callout draft\"><strong>OVERDUE</strong> — this {} was due for review on {}. Until it is reviewed and approved again, this page is not a controlled copy.</p>\n",
            e.noun(),
            state.next_review.map(|d| d.to_string()).unwrap_or_default()
        )),
    }

    // Document control.
    let mut dl = String::new();
    if let Some(o) = &p.owner {
        row(&mut dl, "Owner", &s.link_name(root, o));
    }
    match &p.approved {
        Some(a) => {
            row(&mut dl, "Approved by", &s.link_name(root, &a.who));
            row(&mut dl, "Approved on", &a.date.to_string());
            if let Some(u) = a.until {
                row(&mut dl, "Approval valid until", &u.to_string());
            }
        }
        None => row(
            &mut dl,
            "Approval",
            "<span class=\"badge warn\">not approved</span>",
        ),
    }
    if let Some(v) = &p.version {
        row(&mut dl, "Version", &escape(v));
    }
    if let Some(c) = &p.classification {
        row(
            &mut dl,
            "Classification",
            &format!("<span class=\"badge cls\">{}</span>", escape(&c.text)),
        );
    }
    if let Some(d) = p.effective {
        row(&mut dl, "Effective", &d.to_string());
    }
    if let Some(r) = p.review {
        row(&mut dl, "Review interval", &escape(&interval(r)));
    }
    if let Some(n) = next_review(p) {
        row(&mut dl, "Next review", &format!("<strong>{n}</strong>"));
    }
    if let Some(parent) = &p.parent {
        row(&mut dl, "Part of", &s.link_name(root, parent));
    }
    let mut all_policies = true;
    let subs: Vec<String> = s
        .model
        .of_kind(Kind::Policy)
        .filter_map(|(cid, c)| match &c.data {
            Data::Policy(cp) if cp.parent.as_ref().and_then(|l| l.target) == Some(id) => {
                all_policies &= cp.written == WrittenKind::Policy;
                Some(format!("<li>{}</li>", s.ref_name(root, cid)))
            }
            _ => None,
        })
        .collect();
    if !subs.is_empty() {
        row(
            &mut dl,
            if all_policies {
                "Sub-policies"
            } else {
                "Documents under it"
            },
            &format!("<ul class=\"plain\">{}</ul>", subs.join("")),
        );
    }
    if let Some(path) = p.text.as_ref().and_then(|t| t.path.as_deref()) {
        row(&mut dl, "Source", &format!("<code>{}</code>", escape(path)));
    }
    let mut control = format!(
        "<section class=\"meta-card\" id=\"document-control\"><h2>Document control</h2><dl class=\"meta\">{dl}</dl></section>\n"
    );
    let history = s.options.history.as_ref();
    control.push_str(&revisions(
        history,
        history.map_or(&[], |h| h.policy(&e.id)),
        true,
    ));
    if let Some(r) = &rendered {
        if r.toc.len() > 1 {
            control.push_str("<nav class=\"meta-card toc\" id=\"toc\" aria-label=\"On this page\"><h2>On this page</h2><ul class=\"plain\">");
            for (hid, text) in &r.toc {
                control.push_str(&format!(
                    "<li><a href=\"#{}\">{}</a></li>",
                    escape(hid),
                    escape(text)
                ));
            }
            control.push_str("</ul></nav>\n");
        }
    }

    // What it covers and what implements it.
    let mut links = String::new();
    let warnings = s.warnings_in(e.span);
    if !warnings.is_empty() {
        links.push_str("<section class=\"meta-card attention-card\" id=\"attention\"><h2>Needs attention</h2><ul class=\"plain\">");
        for w in warnings {
            links.push_str(&format!(
                "<li><span class=\"code-tag\">{}</span> {}</li>",
                escape(w.diag.code.as_str()),
                message(&w.diag.message)
            ));
        }
        links.push_str("</ul></section>\n");
    }
    let covers: Vec<String> = p
        .covers
        .iter()
        .map(|r| {
            let title = r
                .target
                .and_then(|t| s.model.requirement(t))
                .map(|q| escape(&q.title))
                .unwrap_or_default();
            let chip = match r.target {
                Some(t) => s.req_ref(root, t, &r.written()),
                None => format!("<span class=\"ref req\">{}</span>", escape(&r.written())),
            };
            format!("<li>{chip} <span class=\"req-title\">{title}</span></li>")
        })
        .collect();
    links.push_str(&format!(
        "<section class=\"meta-card\" id=\"covers\"><h2>{} covered</h2>{}</section>\n",
        if s.annex == "Annex A" {
            "Annex A controls"
        } else {
            "Requirements"
        },
        if covers.is_empty() {
            "<p class=\"muted\">None declared (<code>covers</code>).</p>".to_string()
        } else {
            format!("<ul class=\"plain req-list\">{}</ul>", covers.join(""))
        }
    ));
    let implementing: Vec<String> = s
        .model
        .of_kind(Kind::Control)
        .filter_map(|(cid, c)| match &c.data {
            Data::Control(ctl) if ctl.policies.iter().any(|l| l.target == Some(id)) => {
                let reqs: Vec<String> = ctl
                    .satisfies
                    .iter()
                    .filter_map(|r| r.target.map(|t| s.req_ref(root, t, &r.written())))
                    .collect();
                Some(format!(
                    "<li><div class=\"ctl-line\">{} {}</div><div class=\"ctl-title\">{}</div><div>{}</div></li>",
                    s.ref_id(root, cid),
                    status_badge(ctl.status.as_ref().map(|w| w.value.as_str()).unwrap_or("planned")),
                    escape(c.display()),
                    chips_or_dash(reqs)
                ))
            }
            _ => None,
        })
        .collect();
    links.push_str(&format!(
        "<section class=\"meta-card\" id=\"implemented-by\"><h2>Implemented by</h2>{}</section>\n",
        if implementing.is_empty() {
            "<p class=\"muted\">No control names this policy.</p>".to_string()
        } else {
            format!(
                "<ul class=\"plain ctl-list\">{}</ul>",
                implementing.join("")
            )
        }
    ));

    let article = match &rendered {
        Some(r) if !r.html.trim().is_empty() => r.html.clone(),
        _ => "<p class=\"muted\">This policy has no text (<code>text</code>).</p>".to_string(),
    };
    h.push_str(&format!(
        "<div class=\"doc-layout\">\n<aside class=\"doc-control\">{control}</aside>\n<article class=\"prose\">\n{article}</article>\n<aside class=\"doc-links\">{links}</aside>\n</div>\n"
    ));
    s.page(&file, Nav::Policies, e.display(), &h)
}
