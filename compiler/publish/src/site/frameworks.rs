//! `frameworks/index.html` and `frameworks/<key>.html`: the coverage of every framework the
//! project opts into (`frameworks = [...]`), graded from the SoA and the mappings.

use ismsc_core::emit::dto::{CoverageDoc, CoverageRequirement, CoverageSummary};
use ismsc_core::emit::OutputFile;

use crate::Output;

use super::charts::{self, Bar, Segment};
use super::{chips_or_dash, escape, slug, Nav, Site};

/// The grades in the order the bars and legends show them: `(grade, CSS class, label)`.
const GRADES: [(&str, &str, &str); 4] = [
    ("full", "implemented", "Full"),
    ("partial", "partial", "Partial"),
    ("none", "not-implemented", "None"),
    ("not-applicable", "excluded", "Not applicable"),
];

/// The page of a framework, relative to the site's root.
pub(super) fn page_of(doc: &CoverageDoc) -> String {
    format!("frameworks/{}.html", doc.slug())
}

/// The segments of a bar of `summary`.
fn segments(summary: &CoverageSummary) -> Vec<Segment> {
    GRADES
        .iter()
        .map(|(grade, class, label)| Segment {
            class,
            name: label,
            count: match *grade {
                "full" => summary.full,
                "partial" => summary.partial,
                "none" => summary.none,
                _ => summary.not_applicable,
            },
        })
        .collect()
}

/// "12 full, 40 partial, 3 none" (the grades that occur).
fn counts(summary: &CoverageSummary) -> String {
    let parts: Vec<String> = segments(summary)
        .into_iter()
        .filter(|s| s.count > 0)
        .map(|s| format!("{} {}", s.count, s.name.to_lowercase()))
        .collect();
    if parts.is_empty() {
        "no requirements".to_string()
    } else {
        parts.join(", ")
    }
}

/// The share of requirements covered at least partly among those that apply, for a bar's note.
fn note(summary: &CoverageSummary) -> String {
    let applicable = summary.total - summary.not_applicable;
    let covered = summary.full + summary.partial;
    if applicable == 0 {
        "not applicable".to_string()
    } else {
        format!("{covered} of {applicable} covered")
    }
}

fn legend() -> String {
    let items: Vec<(&str, &str)> = GRADES.iter().map(|(_, c, l)| (*c, *l)).collect();
    charts::legend(&items)
}

fn badge(grade: &str) -> String {
    let (class, label) = GRADES
        .iter()
        .find(|(g, _, _)| *g == grade)
        .map(|(_, c, l)| (*c, *l))
        .unwrap_or(("other", "Unknown"));
    format!("<span class=\"badge st-{class}\">{label}</span>")
}

fn attribution(doc: &CoverageDoc) -> String {
    if doc.attribution.is_empty() {
        return String::new();
    }
    let items: Vec<String> = doc
        .attribution
        .iter()
        .map(|a| format!("<li>{}</li>", escape(a)))
        .collect();
    format!(
        "<section class=\"panel attribution\" id=\"sources\"><h2>Sources</h2><ul>{}</ul></section>\n",
        items.join("")
    )
}

/// Every page: the index, then one per framework in the order opted in.
pub(super) fn pages(s: &Site) -> Vec<OutputFile> {
    if s.coverage.is_empty() {
        return Vec::new();
    }
    let mut out = vec![index(s)];
    out.extend(s.coverage.iter().map(|doc| framework(s, doc)));
    out
}

/// `frameworks/index.html`: one bar per framework.
fn index(s: &Site) -> OutputFile {
    let root = "../";
    let mut h = String::from(
        "<header class=\"page-head\"><p class=\"eyebrow\">Coverage</p><h1>Frameworks</h1></header>\n",
    );
    h.push_str(&format!(
        "<p class=\"lead-small\">How the controls of the ISMS cover the frameworks it opts into, graded from the Statement of Applicability and the catalogues' mappings to {}. <strong>Full</strong>: an implemented control satisfies the requirement, or an applicable, implemented requirement of the standard covers all of it. <strong>Partial</strong>: the controls are not implemented yet, or the standard's requirement covers only part of it. <strong>Not applicable</strong>: excluded with a justification.</p>\n",
        escape(s.model.standard().unwrap_or("the standard"))
    ));
    let bars: Vec<Bar> = s
        .coverage
        .iter()
        .map(|doc| Bar {
            label: doc.title.clone().unwrap_or_else(|| doc.framework.clone()),
            note: note(&doc.summary),
            segments: segments(&doc.summary),
        })
        .collect();
    h.push_str(&format!(
        "<section class=\"panel\"><figure class=\"chart-figure\">{}<figcaption>{}</figcaption></figure>\n",
        charts::stacked_bars("frameworks-chart", "Coverage by framework", &bars),
        legend()
    ));
    h.push_str("<div class=\"table-wrap\"><table class=\"reflow\">\n<thead><tr><th>Framework</th><th>Requirements</th><th>Coverage</th><th>Files</th></tr></thead>\n<tbody>\n");
    for doc in s.coverage {
        let name = escape(&doc.slug());
        // The data files, when they are part of the same build.
        let files = if s.options.outputs.contains(&Output::Data) {
            format!(
                "<a href=\"{root}../coverage/{name}.json\"><code>{name}.json</code></a> <a href=\"{root}../coverage/{name}.csv\"><code>{name}.csv</code></a>"
            )
        } else {
            "<span class=\"none\">—</span>".to_string()
        };
        h.push_str(&format!(
            "<tr><td data-label=\"Framework\"><a href=\"{}.html\">{}</a> <code>{}</code></td><td data-label=\"Requirements\">{}</td><td data-label=\"Coverage\">{}</td><td data-label=\"Files\">{}</td></tr>\n",
            name,
            escape(doc.title.as_deref().unwrap_or(&doc.framework)),
            escape(&doc.framework),
            doc.summary.total,
            escape(&counts(&doc.summary)),
            files,
        ));
    }
    h.push_str("</tbody></table></div>\n</section>\n");
    s.page("frameworks/index.html", Nav::Frameworks, "Frameworks", &h)
}

/// The level of groups the page shows: the outermost groups of the catalogue, unless it has
/// fewer than three; then the level below (NIS 2's two parts: the Directive's points and the
/// Implementing Regulation's sections).
fn depth(doc: &CoverageDoc) -> usize {
    let mut top: Vec<&str> = doc.requirements.iter().map(|r| r.group.as_str()).collect();
    top.dedup();
    usize::from(top.len() < 3)
}

/// The groups the page shows, in catalogue order: `(id, title, summary)`.
fn groups(doc: &CoverageDoc, depth: usize) -> Vec<(&str, &str, CoverageSummary)> {
    let mut out: Vec<(&str, &str, CoverageSummary)> = Vec::new();
    for r in &doc.requirements {
        let (id, title) = group_of(r, depth);
        let pos = match out.iter().position(|(g, _, _)| *g == id) {
            Some(p) => p,
            None => {
                out.push((id, title, CoverageSummary::default()));
                out.len() - 1
            }
        };
        if let Some((_, _, sum)) = out.get_mut(pos) {
            sum.total += 1;
            match r.coverage {
                "full" => sum.full += 1,
                "partial" => sum.partial += 1,
                "none" => sum.none += 1,
                _ => sum.not_applicable += 1,
            }
        }
    }
    out
}

/// The group of a requirement at `depth` (0 the outermost), or its deepest one above it.
fn group_of(r: &CoverageRequirement, depth: usize) -> (&str, &str) {
    r.groups
        .get(depth)
        .or_else(|| r.groups.last())
        .map(|(i, t)| (i.as_str(), t.as_str()))
        .unwrap_or(("", ""))
}

/// `frameworks/<key>.html`: bars per group, then a table per group.
fn framework(s: &Site, doc: &CoverageDoc) -> OutputFile {
    let root = "../";
    let file = page_of(doc);
    let title = doc.title.clone().unwrap_or_else(|| doc.framework.clone());
    let mut h = format!(
        "<header class=\"page-head\"><p class=\"eyebrow\">Coverage · <code>{}</code></p><h1>{}</h1></header>\n",
        escape(&doc.framework),
        escape(&title)
    );
    let standard = if doc.standard.is_empty() {
        "the standard"
    } else {
        &doc.standard
    };
    let how = if doc.mappings == 0 {
        format!(
            "No mapping relates it to {}: its requirements are covered by the controls that satisfy them directly",
            escape(standard)
        )
    } else {
        format!(
            "Covered through the mapping to {} and by the controls of the ISMS",
            escape(standard)
        )
    };
    h.push_str(&format!(
        "<p class=\"lead-small\">{} requirements: {}. {how}; <a href=\"index.html\">how coverage is graded</a>.</p>\n",
        doc.summary.total,
        escape(&counts(&doc.summary)),
    ));
    let depth = depth(doc);
    let groups = groups(doc, depth);
    let bars: Vec<Bar> = groups
        .iter()
        .map(|(id, gt, sum)| Bar {
            label: if gt.is_empty() || gt == id {
                id.to_string()
            } else {
                format!("{id} {gt}")
            },
            note: note(sum),
            segments: segments(sum),
        })
        .collect();
    h.push_str(
        "<nav class=\"theme-nav\" aria-label=\"Groups\"><span class=\"filter-title\">Group</span>",
    );
    for (id, gt, sum) in &groups {
        h.push_str(&format!(
            "<a class=\"chip\" href=\"#group-{}\" title=\"{}\">{} <span class=\"count\">{}</span></a>",
            escape(&slug(id)),
            escape(gt),
            escape(if id.is_empty() { "Requirements" } else { id }),
            sum.total
        ));
    }
    h.push_str("</nav>\n");
    h.push_str(&format!(
        "<section class=\"panel\"><figure class=\"chart-figure\">{}<figcaption>{}</figcaption></figure></section>\n",
        charts::stacked_bars(
            &format!("coverage-{}", slug(&doc.framework)),
            &format!("{title} coverage by group"),
            &bars
        ),
        legend()
    ));
    for (id, gt, sum) in &groups {
        h.push_str(&format!(
            "<section class=\"theme\" id=\"group-{}\"><h2>{} <span class=\"muted\">{}</span></h2>\n",
            escape(&slug(id)),
            escape(&match (id.is_empty(), gt.is_empty()) {
                (true, _) => "Requirements".to_string(),
                (false, true) => id.to_string(),
                (false, false) => format!("{id} {gt}"),
            }),
            escape(&counts(sum))
        ));
        h.push_str("<div class=\"table-wrap\"><table class=\"reflow\">\n<thead><tr><th>Requirement</th><th>Coverage</th><th>Through</th><th>Controls</th></tr></thead>\n<tbody>\n");
        for r in doc
            .requirements
            .iter()
            .filter(|r| group_of(r, depth).0 == *id)
        {
            h.push_str(&row(s, root, r));
        }
        h.push_str("</tbody></table></div>\n</section>\n");
    }
    h.push_str(&attribution(doc));
    s.page(&file, Nav::Frameworks, &title, &h)
}

fn row(s: &Site, root: &str, r: &CoverageRequirement) -> String {
    let through: Vec<String> = r
        .through
        .iter()
        .map(|t| {
            if s.soa.is_some() {
                format!(
                    "<a class=\"ref req\" href=\"{root}soa.html#{}\">{}</a>",
                    escape(&slug(t)),
                    escape(t)
                )
            } else {
                format!("<span class=\"ref req\">{}</span>", escape(t))
            }
        })
        .collect();
    let mut coverage = badge(r.coverage);
    if let Some(j) = &r.justification {
        coverage.push_str(&format!("<div class=\"exclusion\">{}</div>", escape(j)));
    }
    format!(
        "<tr id=\"req-{}\"><td data-label=\"Requirement\"><code>{}</code> {}</td><td data-label=\"Coverage\">{coverage}</td><td data-label=\"Through\">{}</td><td data-label=\"Controls\">{}</td></tr>\n",
        escape(&slug(&r.id)),
        escape(&r.id),
        escape(&r.title),
        chips_or_dash(through),
        s.entity_chips(root, &r.control_refs),
    )
}
