//! `pdf/`: the policies, the Statement of Applicability and the risk register as PDF, made
//! in-process with typst as a library (no external program).
//!
//! Each document is written as typst source ([`policy_source`], [`soa_source`],
//! [`risk_register_source`]): a fixed preamble of set and show rules, then the document's data,
//! in which every user string goes through [`markup::escape`] or [`markup::string`] and policy
//! text through [`markup::markdown`]. [`engine`] compiles the source with the fonts bundled in
//! the binary. Documents carry a stable identifier and no creation date (unless
//! `--timestamp` prints one), so two builds give byte-identical PDFs.
//!
//! A document that fails to compile is a bug of this module, not of the user's input; it is
//! left out of the build, which reports which and why (`emit::Built::failed`).

pub mod engine;
pub mod markup;
pub mod records;

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::{BuildOptions, Progress};
use ismsc_core::emit::dto::{RiskRating, RiskRegisterDoc, SoaDoc, TreatmentPlanDoc};
use ismsc_core::emit::{Docs, OutputFile};
use ismsc_core::history::Revision;
use ismsc_core::model::{Data, Entity, Kind, Link, Model, Policy};
use ismsc_core::syntax::ast::{Duration, DurationUnit};

use self::markup::{escape, string};

/// The folder of the PDFs in the build output.
pub const DIR: &str = "pdf";

/// One PDF that could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdfError {
    /// The file it would have been, e.g. `pdf/soa.pdf`.
    pub file: String,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "could not make `{}`: {}", self.file, self.message)
    }
}

/// The typst source of every document, with its file name: `pdf/<policy-id>.pdf` for each
/// policy in model order, then `pdf/soa.pdf` (when the project has a known standard),
/// `pdf/risk-register.pdf`, and the records the project keeps: `pdf/audit-programme.pdf`
/// (with audits), `pdf/nonconformities.pdf` (with nonconformities) and
/// `pdf/management-review-<id>.pdf` for each management review.
pub(crate) fn sources(model: &Model, made: &Docs, options: &BuildOptions) -> Vec<(String, String)> {
    let stamp = options.timestamp.as_deref();
    let history = options.history.as_ref();
    let limit = history.map_or(0, |h| h.limit);
    let mut docs = Vec::new();
    for (_, e) in model.of_kind(Kind::Policy) {
        let Data::Policy(p) = &e.data else { continue };
        let mut src = policy_source(model, e, p, stamp);
        if let Some(h) = history {
            src.push_str(&revision_table(h.policy(&e.id), limit, true));
        }
        docs.push((format!("{DIR}/{}.pdf", e.id), src));
    }
    if let Some(soa) = &made.soa {
        let mut src = soa_source(soa, stamp);
        if let Some(h) = history {
            src.push_str(&revision_table(&h.soa, limit, false));
        }
        docs.push((format!("{DIR}/soa.pdf"), src));
    }
    let mut src = risk_register_source(&made.register, &made.plan, stamp);
    if let Some(h) = history {
        src.push_str(&revision_table(&h.register, limit, false));
    }
    docs.push((format!("{DIR}/risk-register.pdf"), src));
    if !made.programme.audits.is_empty() {
        docs.push((
            format!("{DIR}/audit-programme.pdf"),
            records::audit_programme_source(model, &made.programme, stamp),
        ));
    }
    if !made.nonconformities.nonconformities.is_empty() {
        docs.push((
            format!("{DIR}/nonconformities.pdf"),
            records::nonconformities_source(model, &made.nonconformities, stamp),
        ));
    }
    for r in &made.reviews.reviews {
        docs.push((
            format!("{DIR}/management-review-{}.pdf", r.id),
            records::review_source(model, &made.reviews, r, stamp),
        ));
    }
    docs
}

/// Compiles the documents, on as many threads as there are cores, each on a large stack and
/// with panics caught, so a typst failure costs one document and never the build. Each
/// finished document is a step of `progress`.
pub(crate) fn render(
    docs: &[(String, String)],
    progress: &dyn Progress,
) -> Vec<Result<OutputFile, PdfError>> {
    if docs.is_empty() {
        return Vec::new();
    }
    let results = ismsc_core::par::map(docs, 64 << 20, |(name, source)| {
        let result = catch_unwind(AssertUnwindSafe(|| {
            engine::compile(source.clone(), &format!("ismsc/{name}"))
        }))
        .unwrap_or_else(|_| Err("the typesetter panicked".to_string()))
        .map(|content| OutputFile {
            name: name.clone(),
            content,
        })
        .map_err(|message| PdfError {
            file: name.clone(),
            message,
        });
        progress.step(name);
        result
    });
    // Free typst's memoization cache: a later build gains little from it.
    typst::comemo::evict(0);
    results
}

/// The set and show rules every document starts with; no user text.
const PREAMBLE: &str = r##"
#let accent = rgb("#1f3864")
#let muted = luma(95)
#set text(font: "Libertinus Serif", size: 10.5pt, lang: "en", hyphenate: auto)
#set par(justify: true, leading: 0.6em, spacing: 0.95em)
#show heading: set text(fill: accent)
#show heading: it => block(above: 1.5em, below: 0.75em, sticky: true, it)
#show heading.where(level: 1): set text(size: 16pt)
#show heading.where(level: 2): set text(size: 13.5pt)
#show heading.where(level: 3): set text(size: 11.5pt)
#show heading.where(level: 4): set text(size: 10.5pt)
#show raw: set text(font: "DejaVu Sans Mono", size: 0.82em)
#show raw.where(block: true): it => block(fill: luma(244), inset: 8pt, radius: 2pt, width: 100%, it)
#show link: set text(fill: accent)
#show quote.where(block: true): it => block(inset: (left: 10pt, y: 2pt), stroke: (left: 2pt + luma(190)), it.body)
#set list(indent: 0.6em, body-indent: 0.5em)
#set enum(indent: 0.6em, body-indent: 0.5em)
#set table(stroke: 0.5pt + luma(175), inset: (x: 5pt, y: 4pt), fill: (_, y) => if y == 0 { luma(232) })
#show table: set par(justify: false)
#show table.cell.where(y: 0): set text(weight: "bold")
#let caps(body) = text(size: 8.5pt, fill: muted, tracking: 0.08em, upper(body))
#let note(body) = text(size: 0.88em, fill: muted, body)
#let missing = text(fill: muted)[—]
"##;

/// `#set document(..)` and the page setup with running header and footer.
fn page_setup(
    title: &str,
    organization: Option<&str>,
    landscape: bool,
    header_left: &str,
    footer_left: &str,
    marking: Option<&str>,
    stamp: Option<&str>,
) -> String {
    let author = organization
        .map(|o| format!(", author: {}", string(o)))
        .unwrap_or_default();
    let marking = marking
        .map(|m| format!("#caps[{}]", escape(m)))
        .unwrap_or_default();
    let stamp = stamp
        .map(|s| format!("#h(1em) Generated {}", escape(s)))
        .unwrap_or_default();
    format!(
        r##"#set document(title: {title}{author})
#set page(
  paper: "a4",
  flipped: {landscape},
  margin: (x: {x}, top: 2.6cm, bottom: 2.4cm),
  header: context if here().page() > 1 {{
    set text(size: 8.5pt, fill: muted)
    grid(columns: (1fr, auto), align: (left, right), [{header_left}], [{marking}])
    v(-4pt)
    line(length: 100%, stroke: 0.4pt + luma(180))
  }},
  footer: context {{
    set text(size: 8.5pt, fill: muted)
    line(length: 100%, stroke: 0.4pt + luma(180))
    v(-4pt)
    grid(columns: (1fr, auto, 1fr), align: (left, center, right),
      [{footer_left}{stamp}], [{marking}],
      [Page #counter(page).display() of #counter(page).final().first()])
  }},
)
"##,
        title = string(title),
        x = if landscape { "1.8cm" } else { "2.3cm" },
    )
}

/// A person or team as "Name" with its role or kind below, or the id if unresolved.
fn who(model: &Model, link: Option<&Link>) -> String {
    let Some(link) = link else {
        return "#missing".to_string();
    };
    let Some(e) = model.target(link) else {
        return escape(&link.name);
    };
    let detail = match &e.data {
        Data::Person(p) => p.role.clone(),
        Data::Team(_) => Some("Team".to_string()),
        Data::Party(_) => Some("Interested party".to_string()),
        _ => None,
    };
    let mut out = escape(e.display());
    if let Some(d) = detail {
        out.push_str(&format!(" \\ #note[{}]", escape(&d)));
    }
    out
}

fn duration_words(d: Duration) -> String {
    let (one, many) = match d.unit {
        DurationUnit::Days => ("day", "days"),
        DurationUnit::Weeks => ("week", "weeks"),
        DurationUnit::Months => ("month", "months"),
        DurationUnit::Years => ("year", "years"),
    };
    format!("{} {}", d.amount, if d.amount == 1 { one } else { many })
}

/// The revision table at the end of a document: the commits that changed its sources, newest
/// first (with the document's version for a policy); nothing without revisions.
pub fn revision_table(revisions: &[Revision], limit: usize, with_version: bool) -> String {
    if revisions.is_empty() {
        return String::new();
    }
    let mut src = String::from("\n#heading(level: 2)[Revision history]\n");
    src.push_str(&format!(
        "#note[The changes of this document's sources in the version control of the ISMS (git), newest first{}.]\n",
        if revisions.len() >= limit {
            format!("; the last {limit}")
        } else {
            String::new()
        }
    ));
    if with_version {
        src.push_str(
            "#table(columns: (1.6cm, 2.1cm, 3.4cm, 1.7cm, 1fr),\n  table.header([Version], [Date], [Author], [Commit], [Summary]),\n",
        );
    } else {
        src.push_str(
            "#table(columns: (2.4cm, 5cm, 2.2cm, 1fr),\n  table.header([Date], [Author], [Commit], [Summary]),\n",
        );
    }
    for r in revisions {
        let version = if with_version {
            format!("[{}], ", or_missing(r.version.clone()))
        } else {
            String::new()
        };
        src.push_str(&format!(
            "  {version}[{}], [{}], [#raw({})], [{}],\n",
            escape(&r.date),
            escape(&r.author),
            string(&r.commit),
            escape(&r.summary),
        ));
    }
    src.push_str(")\n");
    src
}

fn or_missing(value: Option<String>) -> String {
    value
        .map(|v| escape(&v))
        .unwrap_or_else(|| "#missing".to_string())
}

/// The typst source of one policy: title page with document control, the policy text, the
/// Annex A controls it covers.
pub fn policy_source(model: &Model, e: &Entity, p: &Policy, stamp: Option<&str>) -> String {
    let organization = model.isms.as_ref().and_then(|i| i.organization.as_deref());
    let title = e.display();
    let classification = p.classification.as_ref().map(|c| c.text.as_str());
    let version = p.version.as_deref();
    let mut src = String::from(PREAMBLE);
    let header_left = match organization {
        Some(o) => format!("{} #h(0.4em)·#h(0.4em) {}", escape(o), escape(title)),
        None => escape(title),
    };
    let footer_left = match version {
        Some(v) => format!(
            "{} #h(0.4em)·#h(0.4em) Version {}",
            escape(&e.id),
            escape(v)
        ),
        None => escape(&e.id),
    };
    src.push_str(&page_setup(
        title,
        organization,
        false,
        &header_left,
        &footer_left,
        classification,
        stamp,
    ));

    // The title page.
    let approved = p.approved.as_ref();
    let next_review = match (approved, p.review) {
        (Some(a), Some(r)) => Some(a.date.plus(r).to_string()),
        _ => None,
    };
    let parent = p.parent.as_ref().map(|l| match model.target(l) {
        Some(t) => format!("{} ({})", t.display(), t.id),
        None => l.name.clone(),
    });
    let rows: Vec<(&str, String)> = vec![
        ("Organization", or_missing(organization.map(str::to_string))),
        ("Policy", escape(title)),
        ("Document ID", escape(&e.id)),
        ("Owner", who(model, p.owner.as_ref())),
        ("Approved by", who(model, approved.map(|a| &a.who))),
        (
            "Approval date",
            or_missing(approved.map(|a| a.date.to_string())),
        ),
        ("Version", or_missing(version.map(str::to_string))),
        ("Classification", or_missing(classification.map(capitalize))),
        (
            "Effective date",
            or_missing(p.effective.map(|d| d.to_string())),
        ),
        ("Review interval", or_missing(p.review.map(duration_words))),
        ("Next review", or_missing(next_review)),
        ("Parent policy", or_missing(parent)),
    ];
    src.push_str("#v(0.5cm)\n");
    if let Some(o) = organization {
        src.push_str(&format!(
            "#text(size: 11pt, weight: \"bold\", fill: accent, tracking: 0.06em, upper[{}])\n",
            escape(o)
        ));
    }
    src.push_str("#v(-2pt)\n#line(length: 100%, stroke: 1.4pt + accent)\n#v(2.6cm)\n");
    src.push_str("#caps[Information security policy]\n#v(2pt)\n");
    src.push_str(&format!(
        "#block(text(size: 26pt, weight: \"bold\", fill: accent, hyphenate: false)[{}])\n",
        escape(title)
    ));
    if let Some(v) = version {
        src.push_str(&format!(
            "#text(size: 12pt, fill: muted)[Version {}]\n",
            escape(v)
        ));
    }
    src.push_str(
        "#v(1.6cm)\n#text(size: 11pt, weight: \"bold\", fill: accent)[Document control]\n#v(2pt)\n",
    );
    src.push_str(
        "#table(columns: (4.2cm, 1fr), stroke: 0.5pt + luma(175), inset: (x: 7pt, y: 5.5pt),\n  \
         fill: (x, _) => if x == 0 { luma(238) },\n",
    );
    for (label, value) in rows {
        src.push_str(&format!("  [*{}*], [{}],\n", escape(label), value));
    }
    src.push_str(")\n#v(1fr)\n");
    src.push_str(
        "#note[This is a controlled document of the information security management system. \
         The authoritative version is kept in the ISMS sources; printed or downloaded copies are \
         uncontrolled. Changes require the approval recorded above.]\n",
    );
    src.push_str("#pagebreak()\n");

    // The policy text.
    match p.text.as_ref().filter(|t| !t.content.trim().is_empty()) {
        Some(text) => src.push_str(&markup::markdown(&text.content, 0, Some(title))),
        None => src.push_str(&format!(
            "#heading(level: 2)[{}]\n#note[The text of this policy is not recorded in the ISMS.]\n",
            escape(title)
        )),
    }

    // The Annex A controls it covers.
    src.push_str("\n#heading(level: 2)[Annex A controls covered]\n");
    let covered: Vec<(String, String)> = p
        .covers
        .iter()
        .map(|q| {
            let title = q
                .target
                .and_then(|r| model.requirement(r))
                .map(|r| r.title.clone())
                .unwrap_or_default();
            (q.written(), title)
        })
        .collect();
    if covered.is_empty() {
        src.push_str("#note[This policy covers no Annex A control.]\n");
    } else {
        src.push_str("#table(columns: (2.2cm, 1fr), table.header([Control], [Title]),\n");
        for (id, title) in covered {
            src.push_str(&format!("  [{}], [{}],\n", escape(&id), escape(&title)));
        }
        src.push_str(")\n");
    }
    src
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The cover block of the tabular documents: organisation, title, subtitle lines.
fn cover(organization: Option<&str>, title: &str, lines: &[String]) -> String {
    let mut src = String::new();
    if let Some(o) = organization {
        src.push_str(&format!(
            "#text(size: 10pt, weight: \"bold\", fill: accent, tracking: 0.06em, upper[{}])\n",
            escape(o)
        ));
    }
    src.push_str("#v(-2pt)\n#line(length: 100%, stroke: 1.2pt + accent)\n");
    src.push_str(&format!(
        "#text(size: 20pt, weight: \"bold\", fill: accent)[{}]\n\n",
        escape(title)
    ));
    for l in lines {
        src.push_str(l);
        src.push_str(" \\\n");
    }
    src.push_str("#v(0.4cm)\n");
    src
}

fn ids(list: &[String]) -> String {
    if list.is_empty() {
        "#missing".to_string()
    } else {
        escape(&list.join(", "))
    }
}

/// The typst source of the Statement of Applicability (A4 landscape).
pub fn soa_source(soa: &SoaDoc, stamp: Option<&str>) -> String {
    let organization = soa.organization.as_deref();
    let title = "Statement of Applicability";
    let mut src = String::from(PREAMBLE);
    src.push_str("#set text(size: 8.5pt)\n#set par(justify: false)\n");
    let standard = soa
        .standard_title
        .clone()
        .unwrap_or_else(|| soa.standard.clone());
    let header_left = match organization {
        Some(o) => format!("{} #h(0.4em)·#h(0.4em) {title}", escape(o)),
        None => title.to_string(),
    };
    src.push_str(&page_setup(
        title,
        organization,
        true,
        &header_left,
        &escape(&standard),
        None,
        stamp,
    ));
    let s = &soa.summary;
    let mut lines = vec![format!("#strong[Standard:] {}", escape(&standard))];
    if let Some(i) = &soa.isms {
        lines.push(format!("#strong[ISMS:] {}", escape(i)));
    }
    lines.push(format!(
        "#strong[Controls:] {} in total, {}",
        s.total,
        s.counts()
    ));
    src.push_str(&cover(organization, title, &lines));
    src.push_str(
        "#table(columns: (1.3cm, 5.2cm, 1.7cm, 1fr, 3.6cm, 2.8cm, 2.2cm),\n  \
         table.header([ID], [Control], [Applicable], [Justification], [Implemented by], [Policies], [Status]),\n",
    );
    let mut theme: Option<&str> = None;
    for c in &soa.controls {
        if theme != Some(c.theme.as_str()) {
            theme = Some(c.theme.as_str());
            let name = if c.theme_title.is_empty() {
                &c.theme
            } else {
                &c.theme_title
            };
            src.push_str(&format!(
                "  table.cell(colspan: 7, fill: luma(232))[*{}*],\n",
                escape(name)
            ));
        }
        let applicable = match c.decision {
            "included" => "Yes",
            "excluded" => "No",
            _ => "Undecided",
        };
        src.push_str(&format!(
            "  [{}], [{}], [{}], [{}], [{}], [{}], [{}],\n",
            escape(&c.id),
            escape(&c.title),
            applicable,
            or_missing(c.justification.clone()),
            ids(&c.implemented_by),
            ids(&c.policies),
            escape(&capitalize(&c.status.replace('-', " "))),
        ));
    }
    src.push_str(")\n");
    src
}

fn rating(r: &RiskRating) -> String {
    let level = |l: &Option<String>| l.clone().unwrap_or_else(|| "?".to_string());
    let mut out = format!(
        "{} × {}",
        escape(&level(&r.likelihood)),
        escape(&level(&r.impact))
    );
    if let Some(s) = r.score {
        out.push_str(&format!(" \\ #strong[{s}]"));
    }
    out
}

/// The typst source of the risk register (A4 landscape).
pub fn risk_register_source(
    reg: &RiskRegisterDoc,
    plan: &TreatmentPlanDoc,
    stamp: Option<&str>,
) -> String {
    let organization = reg.organization.as_deref();
    let title = "Risk register";
    let mut src = String::from(PREAMBLE);
    src.push_str("#set text(size: 8.5pt)\n#set par(justify: false)\n");
    let header_left = match organization {
        Some(o) => format!("{} #h(0.4em)·#h(0.4em) {title}", escape(o)),
        None => title.to_string(),
    };
    let footer = reg
        .isms
        .as_deref()
        .map(escape)
        .unwrap_or_else(|| title.to_string());
    src.push_str(&page_setup(
        title,
        organization,
        true,
        &header_left,
        &footer,
        None,
        stamp,
    ));
    let mut lines = Vec::new();
    if let Some(i) = &reg.isms {
        lines.push(format!("#strong[ISMS:] {}", escape(i)));
    }
    lines.push(format!("#strong[Risks:] {}", reg.risks.len()));
    if let Some(t) = reg.accept_at_or_below {
        lines.push(format!(
            "#strong[Acceptance:] a risk scoring {t} or less is acceptable. Ratings read likelihood × impact, with the score below."
        ));
    }
    src.push_str(&cover(organization, title, &lines));
    if reg.risks.is_empty() {
        src.push_str("#note[The ISMS records no risks.]\n");
        return src;
    }
    src.push_str(
        "#table(columns: (1.4cm, 1fr, 2cm, 2.8cm, 2cm, 1.7cm, 3.6cm, 2cm, 3.2cm),\n  \
         table.header([ID], [Risk], [Owner], [Assets], [Inherent], [Treatment], [Controls], [Residual], [Acceptance]),\n",
    );
    for r in &reg.risks {
        let mut risk = or_missing(r.title.clone());
        if let Some(t) = &r.threat {
            risk.push_str(&format!(" \\ #note[Threat: {}]", escape(t)));
        }
        if let Some(v) = &r.vulnerability {
            risk.push_str(&format!(" \\ #note[Vulnerability: {}]", escape(v)));
        }
        let mut controls = ids(&r.controls);
        if !r.requires.is_empty() {
            controls.push_str(&format!(
                " \\ #note[Requires {}]",
                escape(&r.requires.join(", "))
            ));
        }
        if !r.nonconformities.is_empty() {
            controls.push_str(&format!(
                " \\ #note[Nonconformities: {}]",
                escape(&r.nonconformities.join(", "))
            ));
        }
        let mut acceptance = if r.acceptable {
            "Within appetite".to_string()
        } else {
            "Above appetite".to_string()
        };
        if let Some(a) = &r.accepted {
            acceptance.push_str(&format!(
                " \\ #note[Accepted by {} on {}{}]",
                escape(&a.by),
                escape(&a.on),
                a.until
                    .as_ref()
                    .map(|u| format!(" until {}", escape(u)))
                    .unwrap_or_default()
            ));
        }
        src.push_str(&format!(
            "  [{}], [{}], [{}], [{}], [{}], [{}], [{}], [{}], [{}],\n",
            escape(&r.id),
            risk,
            or_missing(r.owner.clone()),
            ids(&r.assets),
            rating(&r.inherent),
            or_missing(r.treatment.as_deref().map(capitalize)),
            controls,
            r.residual
                .as_ref()
                .map(rating)
                .unwrap_or_else(|| "#missing".to_string()),
            acceptance,
        ));
    }
    src.push_str(")\n");
    treatment_plan(&mut src, plan);
    src
}

/// The risk treatment plan after the register: one row per action.
fn treatment_plan(src: &mut String, plan: &TreatmentPlanDoc) {
    let sum = &plan.summary;
    src.push_str(&format!(
        "#pagebreak(weak: true)\n= Risk treatment plan\n{} actions for {} risks: {} implemented, {} partial, {} planned. Each risk owner approves the plan and the risk that remains (ISO/IEC 27001 6.1.3 e and f).\n\n",
        sum.actions, sum.risks, sum.implemented, sum.partial, sum.planned
    ));
    src.push_str(
        "#table(columns: (1.4cm, 1.7cm, 1fr, 2.6cm, 2.2cm, 2cm, 3cm),\n  \
         table.header([Risk], [Treatment], [Control], [Owner], [Status], [Due], [Satisfies]),\n",
    );
    for a in &plan.actions {
        let control = match (&a.control, &a.control_title) {
            (Some(id), Some(t)) => format!("{} \\ #note[{}]", escape(id), escape(t)),
            (Some(id), None) => escape(id),
            (None, _) => "#note[no control]".to_string(),
        };
        src.push_str(&format!(
            "  [{}], [{}], [{}], [{}], [{}], [{}], [{}],\n",
            escape(&a.risk),
            or_missing(a.treatment.as_deref().map(capitalize)),
            control,
            or_missing(a.control_owner.clone()),
            or_missing(a.status.as_deref().map(capitalize)),
            or_missing(a.due.clone()),
            if a.satisfies.is_empty() {
                "#missing".to_string()
            } else {
                escape(&a.satisfies.join(", "))
            },
        ));
    }
    src.push_str(")\n");
}
