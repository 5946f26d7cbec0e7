//! `site/`: the ISMS as a static HTML site.
//!
//! Pages (all under `site/`):
//!
//! | page | what it shows |
//! | --- | --- |
//! | `index.html` | the ISMS at a glance: key facts, Annex A coverage per theme, risks by level, the warnings that need attention, objectives |
//! | `scope.html` | scope, context (4.1), interested parties (4.2), people and teams, assets |
//! | `policies/index.html`, `policies/<id>.html` | the policies, each with its markdown rendered and its metadata |
//! | `controls.html` | every control: status, owner, what it satisfies, policies, risks, evidence |
//! | `risks.html` | the risk heat maps (inherent and residual, SVG) and the risk register |
//! | `soa.html` | the Statement of Applicability, filterable by status without JavaScript |
//! | `traceability.html` | risk → control → Annex A, and obligation → control → Annex A |
//! | `audits.html` | the audit programme (what is audited when, what is overdue or not covered) and the audits |
//! | `nonconformities.html` | the nonconformities and their corrective actions |
//! | `reviews.html` | the management review minutes: inputs, decisions, actions |
//! | `style.css` | the one stylesheet |
//!
//! **Rules.** Every text that comes from the user goes through [`escape`], the one escaping
//! function; policy markdown goes through `markdown::render`, which never passes raw HTML
//! through and drops links whose scheme is not `http`, `https` or `mailto`. The site has no
//! script, fetches nothing and links only relatively, so it reads the same from `file://`
//! and from a web server. Like every renderer it is deterministic: no clock, except the
//! time stamp of `--timestamp` in the footer.

mod charts;
mod frameworks;
mod markdown;
mod overview;
mod policies;
mod records;
mod registers;

use std::collections::{BTreeMap, BTreeSet};

use crate::BuildOptions;
use ismsc_core::diag::{Diagnostic, Severity};
use ismsc_core::driver::Analysis;
use ismsc_core::emit::dto::{
    AuditProgrammeDoc, CoverageDoc, DocumentControl, ManagementReviewsDoc,
    NonconformityRegisterDoc, RiskRegisterDoc, SoaDoc, TreatmentPlanDoc,
};
use ismsc_core::emit::Docs;
use ismsc_core::emit::OutputFile;
use ismsc_core::facts::register as risk;
use ismsc_core::history::{History, Revision};
use ismsc_core::model::{Data, EntityId, Kind, Link, Model, ReqId, RiskMethod, Word};
use ismsc_core::source::Span;
use ismsc_core::syntax::ast::{Duration, DurationUnit};

/// The folder of the site in the build output.
pub const DIR: &str = "site";

const LAYOUT: &str = include_str!("site/layout.html");
const STYLE: &str = include_str!("site/style.css");

/// Every file of the site, `site/…`, in a fixed order.
pub fn files(analysis: &Analysis, docs: &Docs, options: &BuildOptions) -> Vec<OutputFile> {
    let site = Site::new(analysis, docs, options);
    let brand = &analysis.manifest.publish.brand;
    let mut out = vec![OutputFile::text(
        format!("{DIR}/style.css"),
        format!("{STYLE}{}", brand_css(brand)),
    )];
    if let Some(logo) = &brand.logo {
        out.push(OutputFile {
            name: format!("{DIR}/{}", logo_file(logo)),
            content: logo.asset.bytes.to_vec(),
        });
    }
    for (font, name) in [(&brand.font, "body"), (&brand.heading_font, "heading")] {
        if let Some(f) = font {
            out.push(OutputFile {
                name: format!("{DIR}/brand/{name}.{}", font_extension(f)),
                content: f.bytes.to_vec(),
            });
        }
    }
    out.push(overview::index(&site));
    out.push(overview::scope(&site));
    out.extend(policies::pages(&site));
    out.push(registers::controls(&site));
    out.push(registers::risks(&site));
    out.push(registers::soa(&site));
    out.extend(frameworks::pages(&site));
    out.push(registers::traceability(&site));
    out.push(records::audits(&site));
    out.push(records::nonconformities(&site));
    out.push(records::reviews(&site));
    out
}

/// Where the site keeps the logo: `brand/logo.svg` or `brand/logo.png`.
fn logo_file(logo: &ismsc_core::brand::Logo) -> String {
    format!("brand/logo.{}", logo.format.extension())
}

/// `ttf` or `otf`, after the font's own signature.
fn font_extension(font: &ismsc_core::brand::Asset) -> &'static str {
    if font.bytes.starts_with(b"OTTO") {
        "otf"
    } else {
        "ttf"
    }
}

/// The stylesheet's branded part, after the built-in rules: the accent colour as the CSS
/// variables, the project's fonts, the logo's frame. Empty for a project without branding.
fn brand_css(brand: &ismsc_core::brand::Brand) -> String {
    let mut css = String::new();
    let mut root = String::new();
    if let Some(c) = &brand.color {
        // `parse_color` made it `#rrggbb`: nothing else reaches the stylesheet.
        root.push_str(&format!("  --accent: {c};\n  --accent-ink: {c};\n"));
    }
    for (font, name, var) in [
        (&brand.font, "body", "--font"),
        (&brand.heading_font, "heading", "--heading-font"),
    ] {
        if let Some(f) = font {
            let ext = font_extension(f);
            let format = if ext == "otf" { "opentype" } else { "truetype" };
            css.push_str(&format!(
                "@font-face {{ font-family: \"isms-{name}\"; src: url(\"brand/{name}.{ext}\") format(\"{format}\"); }}\n"
            ));
            root.push_str(&format!(
                "  {var}: \"isms-{name}\", -apple-system, BlinkMacSystemFont, \"Segoe UI\", system-ui, Roboto, Arial, sans-serif;\n"
            ));
        }
    }
    if !root.is_empty() {
        css.push_str(&format!(":root {{\n{root}}}\n"));
    }
    if brand.heading_font.is_some() {
        css.push_str("h1, h2, h3, h4 { font-family: var(--heading-font); }\n");
    }
    if brand.logo.is_some() {
        css.push_str(".brand-logo { height: 34px; width: auto; max-width: 180px; flex: none; background: #fff; border-radius: 6px; padding: 3px 6px; }\n");
    }
    if brand.footer.is_some() {
        css.push_str(".brand-footer { display: block; margin-bottom: 4px; color: var(--ink); }\n");
    }
    if css.is_empty() {
        return css;
    }
    format!("\n/* The project's branding ([publish] in isms.toml). */\n{css}")
}

/// Escapes text for HTML element content and for quoted attribute values: `&`, `<`, `>`,
/// `"` and `'`; control and bidirectional characters are shown by their stand-ins
/// (`ismsc_core::text::visible`: `␛`, `<U+202E>`), so no text reorders the page around it.
/// Every user text of the site goes through this function.
pub fn escape(text: &str) -> String {
    let text = ismsc_core::text::visible(text);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An id made safe for a file name and a URL fragment: ASCII letters, digits, `.`, `-` and
/// `_` stay, anything else becomes `-`. Ids of the language already have this shape.
fn slug(id: &str) -> String {
    let s = ismsc_core::syntax::id_chars(id, '-');
    if s.is_empty() || s.starts_with('.') {
        format!("_{s}")
    } else {
        s
    }
}

/// Fills `{{name}}` placeholders of a template in one pass, so that a value is never read
/// as a placeholder itself. Unknown placeholders stay as written.
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + vars.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let key = &after[..j];
        match vars.iter().find(|(k, _)| *k == key) {
            Some((_, v)) => out.push_str(v),
            None => {
                out.push_str("{{");
                out.push_str(key);
                out.push_str("}}");
            }
        }
        rest = &after[j + 2..];
    }
    out.push_str(rest);
    out
}

/// Splits a text into paragraphs at blank lines, escaped, each in `<p>`.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut para: Vec<&str> = Vec::new();
    let flush = |para: &mut Vec<&str>, out: &mut String| {
        if !para.is_empty() {
            out.push_str("<p>");
            out.push_str(&escape(&para.join(" ")));
            out.push_str("</p>\n");
            para.clear();
        }
    };
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            flush(&mut para, &mut out);
        } else {
            para.push(line);
        }
    }
    flush(&mut para, &mut out);
    out
}

/// The pages of the navigation bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Nav {
    Overview,
    Scope,
    Policies,
    Controls,
    Risks,
    Soa,
    Frameworks,
    Traceability,
    Audits,
    Nonconformities,
    Reviews,
}

/// `(page, file, label, tooltip)` in the order of the navigation bar.
const NAV: [(Nav, &str, &str, &str); 11] = [
    (
        Nav::Overview,
        "index.html",
        "Overview",
        "The ISMS at a glance",
    ),
    (
        Nav::Scope,
        "scope.html",
        "Scope",
        "Scope, context, interested parties and assets",
    ),
    (Nav::Policies, "policies/index.html", "Policies", "Policies"),
    (Nav::Controls, "controls.html", "Controls", "Controls"),
    (
        Nav::Risks,
        "risks.html",
        "Risks",
        "Risk heat map and register",
    ),
    (Nav::Soa, "soa.html", "SoA", "Statement of Applicability"),
    (
        Nav::Frameworks,
        "frameworks/index.html",
        "Frameworks",
        "Coverage of the other frameworks",
    ),
    (
        Nav::Traceability,
        "traceability.html",
        "Traceability",
        "Risk → control → Annex A",
    ),
    (
        Nav::Audits,
        "audits.html",
        "Audits",
        "The audit programme and the internal audits",
    ),
    (
        Nav::Nonconformities,
        "nonconformities.html",
        "Nonconformities",
        "Nonconformities and corrective actions",
    ),
    (
        Nav::Reviews,
        "reviews.html",
        "Reviews",
        "Management review minutes",
    ),
];

/// A warning of the analysis with its place, for "needs attention".
struct Warning<'a> {
    diag: &'a Diagnostic,
    /// `file:line`.
    place: String,
    /// The item the finding is about: the innermost item whose text holds it.
    item: Option<EntityId>,
}

/// The likelihood × impact grid of the risk method, with the score of every cell.
pub(super) struct Grid {
    /// Likelihood levels, highest value first (rows from the top).
    likelihood: Vec<String>,
    /// Impact levels, lowest value first (columns from the left).
    impact: Vec<String>,
    /// `scores[row][col]`.
    scores: Vec<Vec<Option<u32>>>,
    /// The acceptance threshold.
    threshold: Option<u32>,
    /// The highest score of the grid.
    max: u32,
}

impl Grid {
    fn new(method: &RiskMethod) -> Option<Grid> {
        let mut likelihood: Vec<(&Word, u32)> = method
            .likelihood
            .levels
            .iter()
            .map(|(w, v)| (w, *v))
            .collect();
        let mut impact: Vec<(&Word, u32)> =
            method.impact.levels.iter().map(|(w, v)| (w, *v)).collect();
        if likelihood.is_empty() || impact.is_empty() {
            return None;
        }
        // Stable sorts keep the written order of levels with equal values.
        likelihood.sort_by_key(|l| std::cmp::Reverse(l.1));
        impact.sort_by_key(|i| i.1);
        let scores: Vec<Vec<Option<u32>>> = likelihood
            .iter()
            .map(|(l, _)| {
                impact
                    .iter()
                    .map(|(i, _)| {
                        let rating = ismsc_core::model::Rating {
                            likelihood: Some((*l).clone()),
                            impact: Some((*i).clone()),
                            span: Span::default(),
                        };
                        risk::score(method, &rating)
                    })
                    .collect()
            })
            .collect();
        let max = scores
            .iter()
            .flatten()
            .flatten()
            .copied()
            .max()
            .unwrap_or(0);
        Some(Grid {
            likelihood: likelihood.iter().map(|(w, _)| w.text.clone()).collect(),
            impact: impact.iter().map(|(w, _)| w.text.clone()).collect(),
            scores,
            threshold: method.accept_at_or_below,
            max,
        })
    }

    /// The cell of a rating, `(row, col)`.
    fn cell(&self, likelihood: Option<&str>, impact: Option<&str>) -> Option<(usize, usize)> {
        let row = self
            .likelihood
            .iter()
            .position(|l| Some(l.as_str()) == likelihood)?;
        let col = self
            .impact
            .iter()
            .position(|i| Some(i.as_str()) == impact)?;
        Some((row, col))
    }
}

/// The score halfway between the threshold and the highest score: above it a risk is "well
/// above threshold".
pub(super) fn midpoint(threshold: u32, max: u32) -> u32 {
    let (t, m) = (u64::from(threshold), u64::from(max.max(threshold)));
    u32::try_from((t + m) / 2).unwrap_or(u32::MAX)
}

/// How a score stands against the acceptance threshold: the CSS class suffix of its colour.
pub(super) fn band(score: Option<u32>, threshold: Option<u32>, max: u32) -> &'static str {
    match (score, threshold) {
        (Some(s), Some(t)) if s <= t => "ok",
        (Some(s), Some(t)) if s > midpoint(t, max) => "high",
        (Some(_), Some(_)) => "above",
        _ => "none",
    }
}

/// Everything the pages read, computed once.
pub(super) struct Site<'a> {
    model: &'a Model,
    /// Whether each controlled document is approved, a draft or overdue.
    control: &'a ismsc_core::facts::control::Control,
    options: &'a BuildOptions,
    /// The project's branding (the default look when it declares none).
    brand: &'a ismsc_core::brand::Brand,
    soa: Option<&'a SoaDoc>,
    /// The coverage of each framework the project opts into.
    coverage: &'a [CoverageDoc],
    register: &'a RiskRegisterDoc,
    plan: &'a TreatmentPlanDoc,
    programme: &'a AuditProgrammeDoc,
    nonconformities: &'a NonconformityRegisterDoc,
    reviews: &'a ManagementReviewsDoc,
    grid: Option<Grid>,
    /// The framework of the project's standard.
    standard: Option<usize>,
    /// Policy → its page, `policies/<id>.html`.
    policy_pages: BTreeMap<EntityId, String>,
    warnings: Vec<Warning<'a>>,
    /// The name of the site: the ISMS title, else the organisation, else "ISMS".
    name: String,
    /// What the requirements of the standard are called: "Annex A" for ISO/IEC 27001,
    /// else "Requirements".
    annex: &'static str,
}

impl<'a> Site<'a> {
    fn new(analysis: &'a Analysis, docs: &'a Docs, options: &'a BuildOptions) -> Site<'a> {
        let model = &analysis.model;
        let standard = model.standard().and_then(|s| model.framework_index(s));
        // One page per policy, named by its id; `index` is the list of policies, and names
        // are compared without case so the site also works on case-insensitive file systems.
        let mut used: BTreeSet<String> = BTreeSet::from(["index".to_string()]);
        let mut policy_pages = BTreeMap::new();
        for (id, e) in model.of_kind(Kind::Policy) {
            let base = slug(&e.id);
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.to_lowercase()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            policy_pages.insert(id, format!("policies/{name}.html"));
        }
        let warnings = analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| {
                let span = d.primary.span;
                let place = match analysis.sources.get(span.file) {
                    Some(f) => {
                        let (line, _) = f.line_col(span.start as usize);
                        format!("{}:{line}", f.name)
                    }
                    None => String::new(),
                };
                let item = model
                    .entities
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| {
                        e.span.file == span.file
                            && e.span.start <= span.start
                            && span.end <= e.span.end
                    })
                    .min_by_key(|(_, e)| e.span.end - e.span.start)
                    .map(|(i, _)| EntityId(u32::try_from(i).unwrap_or(u32::MAX)));
                Warning {
                    diag: d,
                    place,
                    item,
                }
            })
            .collect();
        let isms = model.isms.as_ref();
        let name = isms
            .and_then(|i| i.title.clone())
            .or_else(|| isms.and_then(|i| i.organization.clone()))
            .unwrap_or_else(|| "ISMS".to_string());
        let annex = match model.standard() {
            Some(k) if k.starts_with("iso27001") => "Annex A",
            _ => "Requirements",
        };
        Site {
            annex,
            model,
            control: &analysis.facts.control,
            options,
            brand: &analysis.manifest.publish.brand,
            soa: docs.soa.as_ref(),
            coverage: &docs.coverage,
            register: &docs.register,
            plan: &docs.plan,
            programme: &docs.programme,
            nonconformities: &docs.nonconformities,
            reviews: &docs.reviews,
            grid: model.risk_method.as_ref().and_then(Grid::new),
            standard,
            policy_pages,
            warnings,
            name,
        }
    }

    /// A whole page: the layout around `main`. `file` is the page's path under `site/`.
    fn page(&self, file: &str, nav: Nav, title: &str, main: &str) -> OutputFile {
        let root = "../".repeat(file.matches('/').count());
        let mut links = String::new();
        for (page, href, label, tip) in NAV {
            // The frameworks page exists only for a project that opts into some.
            if page == Nav::Frameworks && self.coverage.is_empty() {
                continue;
            }
            let current = if page == nav {
                " aria-current=\"page\""
            } else {
                ""
            };
            links.push_str(&format!(
                "<li><a href=\"{root}{href}\" title=\"{}\"{current}>{}</a></li>",
                escape(tip),
                escape(label)
            ));
        }
        let org = self
            .model
            .isms
            .as_ref()
            .and_then(|i| i.organization.as_deref())
            .filter(|o| *o != self.name)
            .map(|o| format!("<span class=\"org\">{}</span>", escape(o)))
            .unwrap_or_default();
        let mut footer = format!(
            "Generated by <strong>ismsc</strong> from the ISMS sources of {}.",
            escape(
                self.model
                    .isms
                    .as_ref()
                    .and_then(|i| i.organization.as_deref())
                    .unwrap_or(&self.name)
            )
        );
        if let Some(ts) = &self.options.timestamp {
            footer.push_str(&format!(" Built {}.", escape(ts)));
        }
        let page_title = if title == self.name {
            escape(title)
        } else {
            format!("{} · {}", escape(title), escape(&self.name))
        };
        let brand = self.brand;
        if let Some(line) = &brand.footer {
            footer = format!(
                "<span class=\"brand-footer\">{}</span>{footer}",
                escape(line)
            );
        }
        let mut html = fill(
            LAYOUT,
            &[
                ("title", &page_title),
                ("root", &root),
                ("site", &escape(&self.name)),
                ("org", &org),
                ("nav", &links),
                ("main", main),
                ("footer", &footer),
            ],
        );
        if let Some(logo) = &brand.logo {
            html = html.replacen(
                "<span class=\"mark\" aria-hidden=\"true\"></span>",
                &format!(
                    "<img class=\"brand-logo\" src=\"{root}{}\" alt=\"\">",
                    logo_file(logo)
                ),
                1,
            );
        }
        if brand.font.is_some() || brand.heading_font.is_some() {
            // The project's fonts are files of the site: allowed, and nothing else.
            html = html.replacen(
                "img-src 'self' data:;",
                "img-src 'self' data:; font-src 'self';",
                1,
            );
        }
        OutputFile::text(format!("{DIR}/{file}"), html)
    }

    /// Where an entity is shown, relative to `root`; `None` for an entity no page lists.
    fn href(&self, root: &str, id: EntityId) -> Option<String> {
        let e = self.model.entity(id)?;
        let a = slug(&e.id);
        Some(match e.kind {
            Kind::Person | Kind::Team => format!("{root}scope.html#who-{a}"),
            Kind::Party => format!("{root}scope.html#party-{a}"),
            Kind::Asset => format!("{root}scope.html#asset-{a}"),
            Kind::Risk => format!("{root}risks.html#risk-{a}"),
            Kind::Control => format!("{root}controls.html#control-{a}"),
            Kind::Policy => format!("{root}{}", self.policy_pages.get(&id)?),
            Kind::Obligation => format!("{root}traceability.html#obligation-{a}"),
            Kind::Objective => format!("{root}index.html#objective-{a}"),
            Kind::Audit => format!("{root}audits.html#audit-{a}"),
            Kind::Nonconformity => format!("{root}nonconformities.html#nc-{a}"),
            Kind::Review => format!("{root}reviews.html#review-{a}"),
            Kind::Role => format!("{root}scope.html#role-{a}"),
            Kind::Competence => format!("{root}scope.html#competence-{a}"),
        })
    }

    /// A link to an entity showing its id, with its title as tooltip.
    fn ref_id(&self, root: &str, id: EntityId) -> String {
        let Some(e) = self.model.entity(id) else {
            return String::new();
        };
        let tip = e
            .title
            .as_deref()
            .map(|t| format!(" title=\"{}\"", escape(t)))
            .unwrap_or_default();
        match self.href(root, id) {
            Some(h) => format!(
                "<a class=\"ref\" href=\"{}\"{tip}>{}</a>",
                escape(&h),
                escape(&e.id)
            ),
            None => format!("<span class=\"ref\"{tip}>{}</span>", escape(&e.id)),
        }
    }

    /// A link to an entity showing its title (or id).
    fn ref_name(&self, root: &str, id: EntityId) -> String {
        let Some(e) = self.model.entity(id) else {
            return String::new();
        };
        let tip = match &e.data {
            Data::Person(p) => p.role.clone(),
            _ => Some(e.id.clone()),
        }
        .map(|t| format!(" title=\"{}\"", escape(&t)))
        .unwrap_or_default();
        match self.href(root, id) {
            Some(h) => format!(
                "<a href=\"{}\"{tip}>{}</a>",
                escape(&h),
                escape(e.display())
            ),
            None => escape(e.display()),
        }
    }

    /// A reference as written in the source: linked by id when it resolved.
    fn link_id(&self, root: &str, link: &Link) -> String {
        match link.target {
            Some(t) => self.ref_id(root, t),
            None => format!("<span class=\"ref\">{}</span>", escape(&link.name)),
        }
    }

    /// A reference shown by name (owners, approvers).
    fn link_name(&self, root: &str, link: &Link) -> String {
        match link.target {
            Some(t) => self.ref_name(root, t),
            None => escape(&link.name),
        }
    }

    /// Entities joined as chips, or an em dash when there are none.
    fn entity_chips(&self, root: &str, ids: &[EntityId]) -> String {
        chips_or_dash(ids.iter().map(|e| self.ref_id(root, *e)).collect())
    }

    /// A requirement: linked to its SoA row when it belongs to the project's standard.
    fn req_ref(&self, root: &str, id: ReqId, written: &str) -> String {
        let Some(req) = self.model.requirement(id) else {
            return format!("<span class=\"ref req\">{}</span>", escape(written));
        };
        let tip = escape(&req.title);
        if self.soa.is_some() && Some(req.framework) == self.standard {
            format!(
                "<a class=\"ref req\" href=\"{root}soa.html#{}\" title=\"{tip}\">{}</a>",
                escape(&slug(&req.id)),
                escape(written)
            )
        } else if let Some(doc) = self
            .model
            .frameworks
            .get(req.framework)
            .and_then(|f| self.coverage.iter().find(|c| c.framework == f.key))
        {
            // A requirement of an opted-in framework: its row on the framework's page.
            format!(
                "<a class=\"ref req\" href=\"{root}{}#req-{}\" title=\"{tip}\">{}</a>",
                escape(&frameworks::page_of(doc)),
                escape(&slug(&req.id)),
                escape(written)
            )
        } else {
            format!(
                "<span class=\"ref req\" title=\"{tip}\">{}</span>",
                escape(written)
            )
        }
    }

    /// The warnings whose primary label lies inside a span (an item's warnings).
    fn warnings_in(&self, span: Span) -> Vec<&Warning<'a>> {
        self.warnings
            .iter()
            .filter(|w| {
                let s = w.diag.primary.span;
                s.file == span.file && s.start >= span.start && s.end <= span.end
            })
            .collect()
    }

    /// A score as a coloured pill with its levels as tooltip.
    fn score_pill(
        &self,
        likelihood: Option<&str>,
        impact: Option<&str>,
        score: Option<u32>,
    ) -> String {
        let (threshold, max) = match &self.grid {
            Some(g) => (g.threshold, g.max),
            None => (None, 0),
        };
        let levels = format!("{} × {}", likelihood.unwrap_or("?"), impact.unwrap_or("?"));
        match score {
            Some(s) => format!(
                "<span class=\"score lvl-{}\" title=\"{}\">{s}</span> <span class=\"levels\">{}</span>",
                band(Some(s), threshold, max),
                escape(&format!("likelihood × impact: {levels}")),
                escape(&levels)
            ),
            None if likelihood.is_none() && impact.is_none() => "—".to_string(),
            None => format!(
                "<span class=\"score lvl-none\">?</span> <span class=\"levels\">{}</span>",
                escape(&levels)
            ),
        }
    }
}

impl Site<'_> {
    /// The document control of a document `ismsc` writes, as a card: a `DRAFT` or
    /// `OVERDUE` banner when it is not a controlled copy, then its identity and approval.
    fn document_control(&self, root: &str, d: &DocumentControl) -> String {
        let mut h = String::new();
        match d.status {
            "draft" => h.push_str(&format!(
                "<p class=\"callout draft\"><strong>DRAFT</strong> — no approval of this document is recorded (<code>document {}</code> in the ISMS sources). It is not a controlled copy.</p>\n",
                escape(d.kind)
            )),
            "overdue" => h.push_str(&format!(
                "<p class=\"callout draft\"><strong>OVERDUE</strong> — this document was due for review on {}. Until it is reviewed and approved again, it is not a controlled copy.</p>\n",
                escape(d.next_review.as_deref().unwrap_or("—"))
            )),
            _ => {}
        }
        let mut dl = String::new();
        let mut row = |term: &str, value: String| {
            dl.push_str(&format!(
                "<div><dt>{}</dt><dd>{value}</dd></div>",
                escape(term)
            ));
        };
        row("Version", escape(d.version.as_deref().unwrap_or("—")));
        if let Some(v) = &d.isms_version {
            row("ISMS version", escape(v));
        }
        row(
            "Status",
            match d.status {
                "approved" => "<span class=\"badge st-implemented\">Approved</span>".to_string(),
                "overdue" => "<span class=\"badge draft\">Overdue for review</span>".to_string(),
                _ => "<span class=\"badge draft\">Draft</span>".to_string(),
            },
        );
        row(
            "Owner",
            d.refs
                .owner
                .map(|o| self.ref_name(root, o))
                .unwrap_or_else(|| "—".into()),
        );
        row(
            "Approved by",
            if d.approved.is_empty() {
                "—".to_string()
            } else {
                d.approved
                    .iter()
                    .zip(&d.refs.approved)
                    .map(|(a, who)| {
                        format!(
                            "{} <span class=\"muted nowrap\">{}</span>",
                            self.ref_name(root, *who),
                            escape(&a.on)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("<br>")
            },
        );
        if let Some(c) = &d.classification {
            row(
                "Classification",
                format!("<span class=\"badge cls\">{}</span>", escape(c)),
            );
        }
        if let Some(e) = &d.effective {
            row("Effective", escape(e));
        }
        if let Some(r) = &d.review {
            row("Review interval", escape(r));
        }
        if let Some(n) = &d.next_review {
            row("Next review", escape(n));
        }
        h.push_str(&format!(
            "<section class=\"meta-card doc-control\" id=\"document-control\"><h2>Document control</h2><dl class=\"meta\">{dl}</dl></section>\n"
        ));
        h
    }
}

/// An interval in words: `12mo` → "every 12 months", `1y` → "every year".
pub(super) fn interval(d: Duration) -> String {
    let unit = match (d.unit, d.amount) {
        (DurationUnit::Days, 1) => "day",
        (DurationUnit::Days, _) => "days",
        (DurationUnit::Weeks, 1) => "week",
        (DurationUnit::Weeks, _) => "weeks",
        (DurationUnit::Months, 1) => "month",
        (DurationUnit::Months, _) => "months",
        (DurationUnit::Years, 1) => "year",
        (DurationUnit::Years, _) => "years",
    };
    if d.amount == 1 {
        format!("every {unit}")
    } else {
        format!("every {} {unit}", d.amount)
    }
}

/// The revision history of a document from git: a card with a list (`card`, beside a
/// policy) or a panel with a table (below the SoA and the register); nothing without
/// revisions.
fn revisions(history: Option<&History>, revs: &[Revision], card: bool) -> String {
    let Some(h) = history else {
        return String::new();
    };
    if revs.is_empty() {
        return String::new();
    }
    let note = format!(
        "The changes of the sources in the version control of the ISMS (git), newest first{}.",
        if revs.len() >= h.limit {
            format!("; the last {}", h.limit)
        } else {
            String::new()
        }
    );
    if card {
        let mut out = String::from(
            "<section class=\"meta-card\" id=\"history\"><h2>Revision history</h2><ul class=\"plain revisions\">",
        );
        for r in revs {
            let version = r
                .version
                .as_deref()
                .map(|v| format!("<strong>{}</strong> · ", escape(v)))
                .unwrap_or_default();
            out.push_str(&format!(
                "<li>{version}{} · {} · <code>{}</code><div class=\"muted\">{}</div></li>",
                escape(&r.date),
                escape(&r.author),
                escape(&r.commit),
                escape(&r.summary)
            ));
        }
        out.push_str(&format!("</ul><p class=\"muted\">{note}</p></section>\n"));
        return out;
    }
    let mut out = format!(
        "<section class=\"panel\" id=\"history\">\n<h2>Revision history</h2>\n<p>{note}</p>\n<div class=\"table-wrap\"><table class=\"reflow revisions\">\n<thead><tr><th>Date</th><th>Author</th><th>Commit</th><th>Summary</th></tr></thead>\n<tbody>\n"
    );
    for r in revs {
        out.push_str(&format!(
            "<tr><td data-label=\"Date\" class=\"nowrap\">{}</td><td data-label=\"Author\">{}</td><td data-label=\"Commit\"><code>{}</code></td><td data-label=\"Summary\">{}</td></tr>\n",
            escape(&r.date),
            escape(&r.author),
            escape(&r.commit),
            escape(&r.summary)
        ));
    }
    out.push_str("</tbody></table></div>\n</section>\n");
    out
}

/// Chips separated by spaces, or an em dash.
fn chips_or_dash(chips: Vec<String>) -> String {
    if chips.is_empty() {
        "<span class=\"none\">—</span>".to_string()
    } else {
        format!("<span class=\"chips\">{}</span>", chips.join(" "))
    }
}

/// The words of a status, for people.
fn status_label(status: &str) -> &'static str {
    match status {
        "implemented" => "Implemented",
        "partial" => "Partial",
        "planned" => "Planned",
        "not-implemented" => "Not implemented",
        "not-applicable" => "Excluded",
        "undecided" => "Undecided",
        _ => "Unknown",
    }
}

/// A status as a coloured badge; the class comes from a closed list.
fn status_badge(status: &str) -> String {
    let class = match status {
        "implemented" | "partial" | "planned" | "not-implemented" | "not-applicable"
        | "undecided" => status,
        _ => "other",
    };
    format!(
        "<span class=\"badge st-{class}\">{}</span>",
        status_label(status)
    )
}
