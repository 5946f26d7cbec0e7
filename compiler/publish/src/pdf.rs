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

pub mod brand;
pub mod engine;
pub mod markup;
pub mod records;
pub mod template;

use std::panic::{catch_unwind, AssertUnwindSafe};

use std::collections::BTreeMap;

use crate::{web_link, BuildOptions, Progress};
use ismsc_core::driver::Analysis;
use ismsc_core::emit::dto::{
    DocumentControl, RiskEntry, RiskMethodDoc, RiskRating, RiskRegisterDoc, SoaControl, SoaDoc,
    TreatmentPlanDoc, Who,
};
use ismsc_core::emit::{Docs, OutputFile};
use ismsc_core::facts::control::{Controlled, State};
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

/// One PDF to make: its file name, its typst source, and, when a template of the project
/// makes it, the template's data and files.
pub(crate) struct Job {
    name: String,
    source: String,
    templated: Option<(template::Templated, ismsc_core::brand::TemplateFile)>,
}

impl Job {
    fn plain(name: String, source: String) -> Job {
        Job {
            name,
            source,
            templated: None,
        }
    }
}

/// Why a PDF was not made.
pub(crate) enum Failed {
    /// A bug of ismsc: the generated source did not compile.
    Bug(PdfError),
    /// A template of the project failed (E0015).
    Template(Box<ismsc_core::diag::Diagnostic>),
}

/// The typst source of every document, with its file name: `pdf/<policy-id>.pdf` for each
/// policy in model order, then `pdf/soa.pdf` (when the project has a known standard),
/// `pdf/risk-register.pdf`, `pdf/risk-treatment-plan.pdf`, and the records the project
/// keeps: `pdf/audit-programme.pdf` (with audits), `pdf/nonconformities.pdf` (with
/// nonconformities) and `pdf/management-review-<id>.pdf` for each management review.
pub(crate) fn sources(
    analysis: &Analysis,
    made: &Docs,
    options: &BuildOptions,
    look: Option<&brand::Look>,
) -> Vec<Job> {
    let model = &analysis.model;
    let stamp = options.timestamp.as_deref();
    let history = options.history.as_ref();
    let limit = history.map_or(0, |h| h.limit);
    let brand = &analysis.manifest.publish.brand;
    let policy_template = brand.templates.get(&ismsc_core::brand::Template::Policy);
    let mut docs = Vec::new();
    for (_, e) in model.of_kind(Kind::Policy) {
        let Data::Policy(p) = &e.data else { continue };
        let state = analysis.facts.control.policy(p);
        let name = format!("{DIR}/{}.pdf", e.id);
        if let Some(file) = policy_template {
            let t = template::policy(model, e, p, state, brand, look, file, &analysis.sources);
            docs.push(Job {
                name,
                source: template::main_source(ismsc_core::brand::Template::Policy),
                templated: Some((t, file.clone())),
            });
            continue;
        }
        let mut src = policy_source(model, e, p, state, stamp);
        if let Some(h) = history {
            src.push_str(&revision_table(h.policy(&e.id), limit, true));
        }
        docs.push(Job::plain(name, src));
    }
    let template_of = |t: ismsc_core::brand::Template| brand.templates.get(&t);
    let organization = model.isms.as_ref().and_then(|i| i.organization.as_deref());
    if let (Some(soa), Some(file)) = (&made.soa, template_of(ismsc_core::brand::Template::Soa)) {
        let t = template::data_document(
            ismsc_core::brand::Template::Soa,
            "soa",
            organization,
            &soa.document,
            soa,
            brand,
            look,
            file,
            &analysis.sources,
        );
        docs.push(Job {
            name: format!("{DIR}/soa.pdf"),
            source: template::main_source(ismsc_core::brand::Template::Soa),
            templated: Some((t, file.clone())),
        });
    } else if let Some(soa) = &made.soa {
        let mut src = soa_source(model, soa, stamp);
        if let Some(h) = history {
            src.push_str(&revision_table(&h.soa, limit, false));
        }
        docs.push(Job::plain(format!("{DIR}/soa.pdf"), src));
    }
    // The register and the treatment plan both derive from the risks: the register's
    // revisions are theirs.
    if let Some(file) = template_of(ismsc_core::brand::Template::Register) {
        let t = template::data_document(
            ismsc_core::brand::Template::Register,
            "risk-register",
            organization,
            &made.register.document,
            &made.register,
            brand,
            look,
            file,
            &analysis.sources,
        );
        docs.push(Job {
            name: format!("{DIR}/risk-register.pdf"),
            source: template::main_source(ismsc_core::brand::Template::Register),
            templated: Some((t, file.clone())),
        });
    } else {
        let mut src = risk_register_source(&made.register, stamp);
        if let Some(h) = history {
            src.push_str(&revision_table(&h.register, limit, false));
        }
        docs.push(Job::plain(format!("{DIR}/risk-register.pdf"), src));
    }
    let mut src = treatment_plan_source(&made.plan, &made.register, stamp);
    if let Some(h) = history {
        src.push_str(&revision_table(&h.register, limit, false));
    }
    docs.push(Job::plain(format!("{DIR}/risk-treatment-plan.pdf"), src));
    if !made.programme.audits.is_empty() {
        docs.push(Job::plain(
            format!("{DIR}/audit-programme.pdf"),
            records::audit_programme_source(model, &made.programme, stamp),
        ));
    }
    if !made.nonconformities.nonconformities.is_empty() {
        docs.push(Job::plain(
            format!("{DIR}/nonconformities.pdf"),
            records::nonconformities_source(model, &made.nonconformities, stamp),
        ));
    }
    for r in &made.reviews.reviews {
        docs.push(Job::plain(
            format!("{DIR}/management-review-{}.pdf", r.id),
            records::review_source(model, &made.reviews, r, stamp),
        ));
    }
    if let Some(look) = look {
        for job in docs.iter_mut().filter(|j| j.templated.is_none()) {
            job.source = look.apply(&job.source);
        }
    }
    docs
}

/// Compiles the documents, on as many threads as there are cores, each on a large stack and
/// with panics caught, so a typst failure costs one document and never the build. Each
/// finished document is a step of `progress`.
pub(crate) fn render(
    docs: &[Job],
    look: Option<&brand::Look>,
    progress: &dyn Progress,
) -> Vec<Result<OutputFile, Failed>> {
    if docs.is_empty() {
        return Vec::new();
    }
    let results = ismsc_core::par::map(docs, 64 << 20, |job| {
        let name = &job.name;
        let extras = match &job.templated {
            Some((t, _)) => t.extras(look),
            None => look.map(brand::Look::extras).unwrap_or_default(),
        };
        let result = catch_unwind(AssertUnwindSafe(|| {
            engine::compile_with(job.source.clone(), &format!("ismsc/{name}"), extras)
        }))
        .unwrap_or_else(|_| {
            Err(engine::Failure {
                message: "the typesetter panicked".to_string(),
                at: None,
            })
        })
        .map(|content| OutputFile {
            name: name.clone(),
            content,
        })
        .map_err(|failure| match &job.templated {
            Some((t, file)) => Failed::Template(Box::new(template::diagnostic(
                t.template, file, name, &failure,
            ))),
            None => Failed::Bug(PdfError {
                file: name.clone(),
                message: failure.message,
            }),
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
#set table.cell(breakable: false)
#let caps(body) = text(size: 8.5pt, fill: muted, weight: "semibold", upper(body))
#let alert = rgb("#b3261e")
#let banner(body) = block(width: 100%, inset: (x: 10pt, y: 7pt), radius: 2pt, fill: rgb("#fbe9e7"), stroke: 0.8pt + alert, text(fill: alert, body))
#let note(body) = text(size: 0.88em, fill: muted, body)
#let missing = text(fill: muted)[—]
"##;

/// `#set document(..)` and the page setup with running header and footer. A document that
/// is not a controlled copy (`status` is `DRAFT` or `OVERDUE`) says so on every page (in the
/// header, the footer and across the page) and in its metadata (title and keywords).
#[allow(clippy::too_many_arguments)]
fn page_setup(
    title: &str,
    organization: Option<&str>,
    landscape: bool,
    header_left: &str,
    footer_left: &str,
    marking: Option<&str>,
    status: Option<&str>,
    stamp: Option<&str>,
) -> String {
    let author = organization
        .map(|o| format!(", author: {}", string(o)))
        .unwrap_or_default();
    let mut marking = marking
        .map(|m| format!("#caps[{}]", escape(m)))
        .unwrap_or_default();
    let (meta_title, keywords, background) = match status {
        Some(st) => {
            marking = format!(
                "#text(fill: alert, weight: \"bold\")[{}] #h(0.6em) {marking}",
                escape(st)
            );
            (
                format!("{st} — {title}"),
                format!(", keywords: ({},)", string(st)),
                format!(
                    "  background: rotate(-35deg, text(size: 96pt, weight: \"bold\", fill: alert.transparentize(88%))[{}]),\n",
                    escape(st)
                ),
            )
        }
        None => (title.to_string(), String::new(), String::new()),
    };
    let stamp = stamp
        .map(|s| format!("#h(1em) Generated {}", escape(s)))
        .unwrap_or_default();
    format!(
        r##"#set document(title: {title}{author}{keywords})
#set page(
  paper: "a4",
  flipped: {landscape},
  margin: (x: {x}, top: 2.6cm, bottom: 2.4cm),
{background}  header: context if here().page() > 1 {{
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
        title = string(&meta_title),
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
/// Annex A controls it covers. A policy that is not approved, or past its review date, is
/// marked `DRAFT` or `OVERDUE` on every page and says why on its title page.
pub fn policy_source(
    model: &Model,
    e: &Entity,
    p: &Policy,
    state: Controlled,
    stamp: Option<&str>,
) -> String {
    let organization = model.isms.as_ref().and_then(|i| i.organization.as_deref());
    let title = e.display();
    let classification = p.classification.as_ref().map(|c| c.text.as_str());
    let version = p.version.as_deref();
    // "policy", "procedure", "standard", "guideline": the same document under its own name.
    let noun = p.written.as_str();
    let mut src = String::from(PREAMBLE);
    let header_left = header_left(organization, title);
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
        state.state.marking(),
        stamp,
    ));

    // The title page.
    let approved = p.approved.as_ref();
    let next_review = state.next_review.map(|d| d.to_string());
    let parent = p.parent.as_ref().map(|l| match model.target(l) {
        Some(t) => format!("{} ({})", t.display(), t.id),
        None => l.name.clone(),
    });
    let rows: Vec<(&str, String)> = vec![
        ("Organization", or_missing(organization.map(str::to_string))),
        (p.written.label(), escape(title)),
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
            "#text(size: 11pt, weight: \"bold\", fill: accent, upper[{}])\n",
            escape(o)
        ));
    }
    src.push_str("#v(-2pt)\n#line(length: 100%, stroke: 1.4pt + accent)\n#v(2.6cm)\n");
    src.push_str(&format!("#caps[Information security {noun}]\n#v(2pt)\n"));
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
    match state.state {
        State::Approved => {}
        State::Draft => src.push_str(&format!(
            "#v(0.6cm)\n#banner[*DRAFT* — this {noun} has no recorded approval. It is not in force and this is not a controlled copy.]\n",
        )),
        State::Overdue => src.push_str(&format!(
            "#v(0.6cm)\n#banner[*OVERDUE* — this {noun} was due for review on {}. Until it is reviewed and approved again, this is not a controlled copy.]\n",
            state
                .next_review
                .map(|d| d.to_string())
                .unwrap_or_default()
        )),
    }
    src.push_str(
        "#v(1.2cm)\n#text(size: 11pt, weight: \"bold\", fill: accent)[Document control]\n#v(2pt)\n",
    );
    src.push_str(
        "#table(columns: (4.2cm, 1fr), stroke: 0.5pt + luma(175), inset: (x: 7pt, y: 5.5pt),\n  \
         fill: (x, _) => if x == 0 { luma(238) },\n",
    );
    for (label, value) in rows {
        src.push_str(&format!("  [*{}*], [{}],\n", escape(label), value));
    }
    src.push_str(")\n#v(1fr)\n");
    src.push_str(&control_note(state.state));
    src.push_str("#pagebreak()\n");

    // The policy text.
    match p.text.as_ref().filter(|t| !t.content.trim().is_empty()) {
        Some(text) => src.push_str(&markup::markdown(&text.content, 0, Some(title))),
        None => src.push_str(&format!(
            "#heading(level: 2)[{}]\n#note[The text of this {noun} is not recorded in the ISMS.]\n",
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
        src.push_str(&format!("#note[This {noun} covers no Annex A control.]\n"));
    } else {
        src.push_str("#table(columns: (2.2cm, 1fr), table.header([Control], [Title]),\n");
        for (id, title) in covered {
            src.push_str(&format!("  [{}], [{}],\n", escape(&id), escape(&title)));
        }
        src.push_str(")\n");
    }
    src
}

/// The note at the foot of a title page: what kind of copy this is.
fn control_note(state: State) -> String {
    match state {
        State::Approved => "#note[This is a controlled document of the information security management system. \
             The authoritative version is kept in the ISMS sources; printed or downloaded copies are \
             uncontrolled. Changes require the approval recorded above.]\n"
            .to_string(),
        State::Draft => "#note[This is a draft: no approval is recorded, so it is not a controlled document of the \
             information security management system and must not be relied on as one.]\n"
            .to_string(),
        State::Overdue => "#note[This document is past its review date: it is not a controlled copy until it is \
             reviewed and its approval recorded again.]\n"
            .to_string(),
    }
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
            "#text(size: 10pt, weight: \"bold\", fill: accent, upper[{}])\n",
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
    src.push_str("#v(0.3cm)\n");
    src
}

/// A person or team of a document by id: the name, with the role (or "Team") below in small
/// print; the id when the document does not know it.
fn person(people: &BTreeMap<String, Who>, id: &str) -> String {
    match people.get(id) {
        Some(w) => {
            let detail = match (w.kind, &w.role) {
                (_, Some(r)) => Some(r.clone()),
                ("team", None) => Some("Team".to_string()),
                _ => None,
            };
            match detail {
                Some(d) => format!("{} \\ #note[{}]", escape(&w.name), escape(&d)),
                None => escape(&w.name),
            }
        }
        None => escape(id),
    }
}

/// A person or team on one line: "Dana Weber (CISO)".
fn person_inline(people: &BTreeMap<String, Who>, id: &str) -> String {
    match people.get(id) {
        Some(w) => match &w.role {
            Some(r) => format!("{} #note[({})]", escape(&w.name), escape(r)),
            None => escape(&w.name),
        },
        None => escape(id),
    }
}

fn opt_person(people: &BTreeMap<String, Who>, id: Option<&String>) -> String {
    id.map(|i| person(people, i))
        .unwrap_or_else(|| "#missing".to_string())
}

/// The document control of a document `ismsc` writes, as a table of two label–value pairs per
/// row, after a banner when it is a draft or overdue. `extra` rows come first (the standard,
/// the ISMS).
fn title_block(
    d: &DocumentControl,
    people: &BTreeMap<String, Who>,
    organization: Option<&str>,
    extra: &[(&str, String)],
) -> String {
    let mut src = String::new();
    match d.status {
        "draft" => src.push_str(&format!(
            "#banner[*DRAFT* — no approval of this {} is recorded (`document {}` in the ISMS sources). It is not a controlled copy.]\n#v(4pt)\n",
            escape(&d.title.to_lowercase()),
            escape(d.kind)
        )),
        "overdue" => src.push_str(&format!(
            "#banner[*OVERDUE* — this document was due for review on {}. Until it is reviewed and approved again, it is not a controlled copy.]\n#v(4pt)\n",
            or_missing(d.next_review.clone())
        )),
        _ => {}
    }
    let approvals = if d.approved.is_empty() {
        "#text(fill: alert)[not approved]".to_string()
    } else {
        d.approved
            .iter()
            .map(|a| {
                format!(
                    "{} #note[on {}{}]",
                    person_inline(people, &a.by),
                    escape(&a.on),
                    a.until
                        .as_ref()
                        .map(|u| format!(" until {}", escape(u)))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(" \\ ")
    };
    let status = match d.status {
        "approved" => "Approved".to_string(),
        "overdue" => "#text(fill: alert, weight: \"bold\")[Overdue for review]".to_string(),
        _ => "#text(fill: alert, weight: \"bold\")[Draft]".to_string(),
    };
    let mut rows: Vec<(&str, String)> = vec![
        ("Organization", or_missing(organization.map(str::to_string))),
        ("Document", escape(&d.title)),
    ];
    rows.extend(extra.iter().cloned());
    rows.extend([
        ("Version", or_missing(d.version.clone())),
        ("ISMS version", or_missing(d.isms_version.clone())),
        ("Status", status),
        ("Owner", opt_person(people, d.owner.as_ref())),
        ("Approved by", approvals),
        (
            "Classification",
            or_missing(d.classification.as_deref().map(capitalize)),
        ),
        ("Effective date", or_missing(d.effective.clone())),
        ("Review interval", or_missing(d.review.clone())),
        ("Next review", or_missing(d.next_review.clone())),
    ]);
    src.push_str(
        "#table(columns: (3.2cm, 1fr, 3.2cm, 1fr), stroke: 0.5pt + luma(175), inset: (x: 6pt, y: 4pt),\n  fill: (x, _) => if calc.even(x) { luma(238) },\n",
    );
    for pair in rows.chunks(2) {
        for (label, value) in pair {
            src.push_str(&format!("  [*{}*], [{}],\n", escape(label), value));
        }
        if pair.len() == 1 {
            src.push_str("  [], [],\n");
        }
    }
    if let Some(scope) = &d.scope {
        src.push_str(&format!(
            "  [*ISMS scope*], table.cell(colspan: 3)[{}],\n",
            escape(scope)
        ));
    }
    src.push_str(")\n");
    src
}

/// The header's left part: organisation and title.
pub(super) fn header_left(organization: Option<&str>, title: &str) -> String {
    match organization {
        Some(o) => format!("{} #h(0.4em)·#h(0.4em) {}", escape(o), escape(title)),
        None => escape(title),
    }
}

/// The footer's left part: the document and its version.
fn footer_left(d: &DocumentControl) -> String {
    match d.version.as_ref().or(d.isms_version.as_ref()) {
        Some(v) => format!(
            "{} #h(0.4em)·#h(0.4em) Version {}",
            escape(&d.title),
            escape(v)
        ),
        None => escape(&d.title),
    }
}

/// The reasons of one kind of an SoA row: the ids behind them, or the text.
fn reason_cell(c: &SoaControl, kind: &str) -> String {
    let parts: Vec<String> = c
        .reasons
        .iter()
        .filter(|r| r.kind == kind)
        .flat_map(|r| r.ids.iter().cloned().chain(r.text.iter().cloned()))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        escape(&parts.join(", "))
    }
}

/// The typst source of the Statement of Applicability (A4 landscape): the document control,
/// then one row per requirement with a column per kind of reason (ISO/IEC 27001 6.1.3 d), then
/// the evidence with its links.
pub fn soa_source(model: &Model, soa: &SoaDoc, stamp: Option<&str>) -> String {
    let organization = soa.organization.as_deref();
    let d = &soa.document;
    let title = d.title.as_str();
    let mut src = String::from(PREAMBLE);
    src.push_str("#set text(size: 8.5pt)\n#set par(justify: false)\n");
    let standard = soa
        .standard_title
        .clone()
        .unwrap_or_else(|| soa.standard.clone());
    src.push_str(&page_setup(
        title,
        organization,
        true,
        &header_left(organization, title),
        &footer_left(d),
        d.classification.as_deref(),
        d.marking(),
        stamp,
    ));
    let s = &soa.summary;
    src.push_str(&cover(
        organization,
        title,
        &[format!(
            "#strong[Controls:] {} in total, {}",
            s.total,
            s.counts()
        )],
    ));
    let mut extra = vec![("Standard", escape(&standard))];
    if let Some(i) = &soa.isms {
        extra.push(("ISMS", escape(i)));
    }
    src.push_str(&title_block(d, &soa.people, organization, &extra));
    src.push_str(
        "#v(0.3cm)\n#note[Reasons for inclusion (ISO/IEC 27001 6.1.3 d): *Risk* — the risks of the register that need the control; *Legal*, *Regulatory*, *Contractual* — the obligations that call for it; *Business* — a business requirement or good practice. An excluded control gives its justification in the same column. Due: the date by which a partial or planned control is to be implemented.]\n#v(0.2cm)\n",
    );
    src.push_str(
        "#table(columns: (1.2cm, 3.6cm, 1.3cm, 1.7cm, 1.5cm, 1.6cm, 1.6cm, 1fr, 4.6cm, 2cm, 1.7cm),\n  \
         table.header([ID], [Control], [Applic\\-able], [Risk], [Legal], [Regu\\-latory], [Contrac\\-tual], [Business reason / exclusion justification], [Implemented by], [Status], [Due]),\n",
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
                "  table.cell(colspan: 11, fill: luma(232))[*{}*],\n",
                escape(name)
            ));
        }
        let applicable = match c.decision {
            "included" => "Yes",
            "excluded" => "No",
            _ => "Undecided",
        };
        let business = match c.decision {
            "excluded" => or_missing(c.justification.clone()),
            _ => reason_cell(c, "business"),
        };
        // Each implementing control by its title, with its id beside it.
        let mut implemented: Vec<String> = c
            .refs
            .implemented_by
            .iter()
            .filter_map(|id| model.entity(*id))
            .map(|e| match &e.title {
                Some(t) => format!("{} #note[({})]", escape(t), escape(&e.id)),
                None => escape(&e.id),
            })
            .collect();
        if implemented.is_empty() {
            implemented.push("#missing".to_string());
        }
        let mut cell = implemented.join(" \\ ");
        if !c.owners.is_empty() {
            let owners: Vec<String> = c
                .owners
                .iter()
                .map(|o| escape(ismsc_core::emit::dto::name_of(&soa.people, o)))
                .collect();
            cell.push_str(&format!(" \\ #note[Owner: {}]", owners.join(", ")));
        }
        if !c.policies.is_empty() {
            cell.push_str(&format!(
                " \\ #note[Policies: {}]",
                escape(&c.policies.join(", "))
            ));
        }
        src.push_str(&format!(
            "  [{}], [{}], [{}], [{}], [{}], [{}], [{}], [{}], [{}], [{}], [{}],\n",
            escape(&c.id),
            escape(&c.title),
            applicable,
            reason_cell(c, "risk"),
            reason_cell(c, "legal"),
            reason_cell(c, "regulatory"),
            reason_cell(c, "contractual"),
            business,
            cell,
            escape(&capitalize(&c.status.replace('-', " "))),
            c.due.as_deref().map(escape).unwrap_or_default(),
        ));
    }
    src.push_str(")\n");
    soa_evidence(&mut src, soa);
    src
}

/// The evidence of the implementing controls, once per control, with its address as a link.
fn soa_evidence(src: &mut String, soa: &SoaDoc) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut rows = String::new();
    for c in &soa.controls {
        for e in &c.evidence {
            if seen.contains(&(e.control.as_str(), e.title.as_str())) {
                continue;
            }
            seen.push((&e.control, &e.title));
            let at = match e.at.as_deref() {
                Some(a) => match web_link(a) {
                    Some(url) => format!("#link({})[{}]", string(url), escape(url)),
                    None => escape(a),
                },
                None => "#missing".to_string(),
            };
            rows.push_str(&format!(
                "  [{}], [{}], [{}], [{}],\n",
                escape(&e.control),
                escape(&e.title),
                or_missing(e.collected.clone()),
                at
            ));
        }
    }
    if rows.is_empty() {
        return;
    }
    src.push_str("\n#heading(level: 2)[Evidence]\n#note[Where the operation of each implementing control is recorded; links open the record.]\n#v(2pt)\n");
    src.push_str(
        "#table(columns: (3.4cm, 1fr, 2cm, 1fr),\n  table.header([Control], [Evidence], [Collected], [Where]),\n",
    );
    src.push_str(&rows);
    src.push_str(")\n");
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

/// How a score stands against the threshold: `ok`, `above`, `high` (past halfway from the
/// threshold to the highest score), or `none`.
fn band(score: Option<u32>, threshold: Option<u32>, max: u32) -> &'static str {
    match (score, threshold) {
        (Some(s), Some(t)) if s <= t => "ok",
        (Some(s), Some(t)) if u64::from(s) > (u64::from(t) + u64::from(max.max(t))) / 2 => "high",
        (Some(_), Some(_)) => "above",
        _ => "none",
    }
}

fn band_fill(band: &str) -> &'static str {
    match band {
        "ok" => "rgb(\"#d8eed9\")",
        "above" => "rgb(\"#fbe3b0\")",
        "high" => "rgb(\"#f4c0bb\")",
        _ => "luma(245)",
    }
}

/// The risk criteria of the method: what the levels mean, the scales, the scoring and the
/// threshold (ISO/IEC 27001 6.1.2 a).
fn criteria(src: &mut String, m: &RiskMethodDoc) {
    src.push_str("\n#heading(level: 2)[Risk criteria]\n");
    if let Some(d) = &m.description {
        for para in d.split("\n\n") {
            let para = para.trim();
            if !para.is_empty() {
                src.push_str(&escape(para));
                src.push_str("\n\n");
            }
        }
    }
    let scale = |name: &str, levels: &[ismsc_core::emit::dto::ScaleLevel]| {
        let mut t = format!("#table(columns: (auto, auto), table.header([{name}], [Value]),\n");
        for l in levels {
            t.push_str(&format!("  [{}], [{}],\n", escape(&l.level), l.value));
        }
        t.push_str(")\n");
        t
    };
    let rule = format!(
        "*Score:* {}. {}",
        if m.scoring == "matrix" {
            "the cell of the declared risk matrix (below)"
        } else {
            "likelihood value × impact value"
        },
        match m.accept_at_or_below {
            Some(t) => format!("*Acceptance:* a risk scoring *{t}* or less is acceptable; above it, the risk that remains is treated further or accepted by its owner (6.1.3 f)."),
            None => "No acceptance threshold is declared.".to_string(),
        }
    );
    src.push_str(&format!(
        "#grid(columns: (auto, auto, 1fr), column-gutter: 14pt,\n  [{}], [{}], [{}])\n",
        scale("Likelihood", &m.likelihood),
        scale("Impact", &m.impact),
        rule
    ));
}

/// The order of the heat maps: likelihood levels highest value first (rows from the top),
/// impact levels lowest first (columns from the left), as indices into the method's scales.
fn grid_order(m: &RiskMethodDoc) -> (Vec<usize>, Vec<usize>) {
    let mut rows: Vec<usize> = (0..m.likelihood.len()).collect();
    rows.sort_by_key(|i| std::cmp::Reverse(m.likelihood.get(*i).map(|l| l.value)));
    let mut cols: Vec<usize> = (0..m.impact.len()).collect();
    cols.sort_by_key(|i| m.impact.get(*i).map(|l| l.value));
    (rows, cols)
}

/// One heat map: a cell per likelihood and impact, coloured by its score against the
/// threshold, listing the ids of the risks in it.
fn heat_map(
    m: &RiskMethodDoc,
    caption: &str,
    place: &dyn Fn(&RiskEntry) -> Option<(String, String)>,
    risks: &[RiskEntry],
) -> String {
    let (rows, cols) = grid_order(m);
    let max = m
        .scores
        .iter()
        .flatten()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0);
    let mut t = format!(
        "#block(breakable: false)[#text(weight: \"bold\", fill: accent)[{}]\n#table(columns: (2.2cm,{} ), align: center + horizon, inset: 3pt,\n  table.header([#note[likelihood ↓ impact →]], {}),\n",
        escape(caption),
        " 1fr,".repeat(cols.len()),
        cols.iter()
            .filter_map(|c| m.impact.get(*c))
            .map(|l| format!("[{}]", escape(&l.level)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for r in &rows {
        let Some(level) = m.likelihood.get(*r) else {
            continue;
        };
        t.push_str(&format!("  [*{}*],", escape(&level.level)));
        for c in &cols {
            let Some(impact) = m.impact.get(*c) else {
                continue;
            };
            let score = m
                .scores
                .get(*r)
                .and_then(|row| row.get(*c))
                .copied()
                .flatten();
            let ids: Vec<String> = risks
                .iter()
                .filter(|x| place(x).is_some_and(|(l, i)| l == level.level && i == impact.level))
                .map(|x| escape(&x.id))
                .collect();
            t.push_str(&format!(
                " table.cell(fill: {})[{}{}],",
                band_fill(band(score, m.accept_at_or_below, max)),
                score
                    .map(|s| format!("#text(fill: muted)[{s}]"))
                    .unwrap_or_default(),
                if ids.is_empty() {
                    String::new()
                } else {
                    format!(" \\ #strong[{}]", ids.join(", "))
                }
            ));
        }
        t.push('\n');
    }
    t.push_str(")]\n");
    t
}

/// Both heat maps, before treatment (inherent) and after it (residual, the target), side by
/// side, with the legend.
fn heat_maps(src: &mut String, m: &RiskMethodDoc, risks: &[RiskEntry]) {
    let inherent =
        |r: &RiskEntry| Some((r.inherent.likelihood.clone()?, r.inherent.impact.clone()?));
    let residual = |r: &RiskEntry| {
        let x = r.residual.as_ref()?;
        Some((x.likelihood.clone()?, x.impact.clone()?))
    };
    src.push_str("\n#heading(level: 2)[Heat maps]\n");
    src.push_str(&format!(
        "#grid(columns: (1fr, 1fr), column-gutter: 16pt,\n  [{}], [{}])\n",
        heat_map(m, "Before treatment (inherent)", &inherent, risks),
        heat_map(m, "After treatment (residual, target)", &residual, risks),
    ));
    let unrated: Vec<&str> = risks
        .iter()
        .filter(|r| r.residual.is_none())
        .map(|r| r.id.as_str())
        .collect();
    let mut legend = format!(
        "#note[Rows: likelihood, highest first; columns: impact. Each cell shows its score and the risks in it. #box(width: 7pt, height: 7pt, fill: {}) acceptable #h(6pt) #box(width: 7pt, height: 7pt, fill: {}) above the threshold #h(6pt) #box(width: 7pt, height: 7pt, fill: {}) well above it.",
        band_fill("ok"),
        band_fill("above"),
        band_fill("high")
    );
    if !unrated.is_empty() {
        legend.push_str(&format!(
            " Not rated after treatment: {}.",
            escape(&unrated.join(", "))
        ));
    }
    legend.push_str("]\n");
    src.push_str(&legend);
}

/// "Within appetite" or "Above appetite" for a score.
fn appetite(acceptable: bool) -> &'static str {
    if acceptable {
        "Within appetite"
    } else {
        "Above appetite"
    }
}

/// The typst source of the risk register (A4 landscape): the document control, the risk
/// criteria, both heat maps, then one row per risk with its owner, ratings (inherent, today,
/// target), treatment, acceptance and its rationale.
pub fn risk_register_source(reg: &RiskRegisterDoc, stamp: Option<&str>) -> String {
    let organization = reg.organization.as_deref();
    let d = &reg.document;
    let title = d.title.as_str();
    let mut src = String::from(PREAMBLE);
    src.push_str("#set text(size: 8.5pt)\n#set par(justify: false)\n");
    src.push_str(&page_setup(
        title,
        organization,
        true,
        &header_left(organization, title),
        &footer_left(d),
        d.classification.as_deref(),
        d.marking(),
        stamp,
    ));
    src.push_str(&cover(
        organization,
        title,
        &[format!("#strong[Risks:] {}", reg.risks.len())],
    ));
    let mut extra = Vec::new();
    if let Some(i) = &reg.isms {
        extra.push(("ISMS", escape(i)));
    }
    src.push_str(&title_block(d, &reg.people, organization, &extra));
    if let Some(m) = &reg.method {
        criteria(&mut src, m);
        if !reg.risks.is_empty() {
            heat_maps(&mut src, m, &reg.risks);
        }
    }
    src.push_str("\n#pagebreak(weak: true)\n#heading(level: 2)[Register]\n");
    if reg.risks.is_empty() {
        src.push_str("#note[The ISMS records no risks.]\n");
        return src;
    }
    src.push_str("#note[Ratings read likelihood × impact, with the score below. *Today*: the risk with the controls implemented so far; *Target*: the residual risk once every treating control is implemented.]\n#v(2pt)\n");
    src.push_str(
        "#table(columns: (1.3cm, 1fr, 2.7cm, 2.3cm, 1.8cm, 3.4cm, 1.9cm, 1.9cm, 3.4cm),\n  \
         table.header([ID], [Risk], [Owner], [Assets], [Inherent], [Treatment and controls], [Today], [Target], [Acceptance]),\n",
    );
    for r in &reg.risks {
        src.push_str(&register_row(reg, r));
    }
    src.push_str(")\n");
    src
}

fn register_row(reg: &RiskRegisterDoc, r: &RiskEntry) -> String {
    let mut risk = format!("#strong[{}]", or_missing(r.title.clone()));
    if let Some(t) = &r.threat {
        risk.push_str(&format!(" \\ #note[Threat: {}]", escape(t)));
    }
    if let Some(v) = &r.vulnerability {
        risk.push_str(&format!(" \\ #note[Vulnerability: {}]", escape(v)));
    }
    if let Some(d) = &r.description {
        let label = if r.accepted.is_some() {
            "Acceptance rationale"
        } else {
            "Note"
        };
        risk.push_str(&format!(" \\ #note[#emph[{label}:] {}]", escape(d)));
    }
    if let Some(i) = &r.identified {
        risk.push_str(&format!(" \\ #note[Identified {}]", escape(i)));
    }
    let mut controls = or_missing(r.treatment.as_deref().map(capitalize));
    if !r.controls.is_empty() {
        let list: Vec<String> = r
            .controls
            .iter()
            .map(|c| {
                if r.pending_controls.contains(c) {
                    format!("{} #text(fill: alert)[(pending)]", escape(c))
                } else {
                    escape(c)
                }
            })
            .collect();
        controls.push_str(&format!(" \\ {}", list.join(", ")));
    }
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
    let today = match &r.current {
        Some(c) => {
            let mut t = rating(c);
            t.push_str(match r.current_basis {
                "assessed" => "",
                "treated" => " \\ #note[controls in place]",
                _ => " \\ #note[inherent: controls pending]",
            });
            t
        }
        None => "#missing".to_string(),
    };
    let target = r
        .residual
        .as_ref()
        .map(rating)
        .unwrap_or_else(|| "#note[not rated]".to_string());
    let mut acceptance = format!("{} (target)", appetite(r.acceptable));
    if r.acceptable && !r.acceptable_now {
        acceptance.push_str(" \\ #text(fill: alert)[Above appetite today]");
    }
    match &r.accepted {
        Some(a) => {
            acceptance.push_str(&format!(
                " \\ Accepted by {} on {}{}",
                person_inline(&reg.people, &a.by),
                escape(&a.on),
                a.until
                    .as_ref()
                    .map(|u| format!(" until {}", escape(u)))
                    .unwrap_or_default()
            ));
            if a.by.as_str() != r.owner.as_deref().unwrap_or(a.by.as_str()) {
                acceptance.push_str(" #text(fill: alert)[(not the risk owner)]");
            }
        }
        None if !r.acceptable => {
            acceptance.push_str(" \\ #text(fill: alert)[No acceptance recorded]");
        }
        None => {}
    }
    format!(
        "  [{}], [{}], [{}], [{}], [{}], [{}], [{}], [{}], [{}],\n",
        escape(&r.id),
        risk,
        opt_person(&reg.people, r.owner.as_ref()),
        ids(&r.assets),
        rating(&r.inherent),
        controls,
        today,
        target,
        acceptance,
    )
}

fn ids(list: &[String]) -> String {
    if list.is_empty() {
        "#missing".to_string()
    } else {
        escape(&list.join(", "))
    }
}

/// The typst source of the risk treatment plan (ISO/IEC 27001 6.1.3 e, f; A4 landscape): its
/// document control and approvals, the open actions (controls not implemented yet) with owner,
/// due date and the risks they serve, the risks treated without controls, and the treating
/// controls already implemented, summarised apart.
pub fn treatment_plan_source(
    plan: &TreatmentPlanDoc,
    reg: &RiskRegisterDoc,
    stamp: Option<&str>,
) -> String {
    let organization = plan.organization.as_deref();
    let d = &plan.document;
    let title = d.title.as_str();
    let mut src = String::from(PREAMBLE);
    src.push_str("#set text(size: 8.5pt)\n#set par(justify: false)\n");
    src.push_str(&page_setup(
        title,
        organization,
        true,
        &header_left(organization, title),
        &footer_left(d),
        d.classification.as_deref(),
        d.marking(),
        stamp,
    ));
    let sum = &plan.summary;
    src.push_str(&cover(
        organization,
        title,
        &[format!(
            "#strong[Open actions:] {} controls to implement ({} partial, {} planned) for {} risks; {} treating controls implemented",
            sum.open,
            plan.open_actions.iter().filter(|a| a.status == "partial").count(),
            plan.open_actions.iter().filter(|a| a.status != "partial").count(),
            sum.risks,
            sum.implemented_controls
        )],
    ));
    let mut extra = Vec::new();
    if let Some(i) = &plan.isms {
        extra.push(("ISMS", escape(i)));
    }
    src.push_str(&title_block(d, &plan.people, organization, &extra));

    // The risk owners' approval (6.1.3 f), as recorded.
    let approved: Vec<&str> = plan
        .owner_approvals
        .iter()
        .filter(|o| o.approved)
        .map(|o| o.owner.as_str())
        .collect();
    let missing: Vec<String> = plan
        .owner_approvals
        .iter()
        .filter(|o| !o.approved)
        .map(|o| person_inline(&plan.people, &o.owner))
        .collect();
    src.push_str(&format!(
        "\n#v(0.2cm)\n*Risk owners' approval (6.1.3 f):* {} of {} risk owners have approved this plan.{}\n",
        approved.len(),
        plan.owner_approvals.len(),
        if missing.is_empty() {
            String::new()
        } else {
            format!(" Not recorded for: {}.", missing.join(", "))
        }
    ));

    src.push_str("\n#heading(level: 2)[Open actions]\n");
    if plan.open_actions.is_empty() {
        src.push_str("#note[Every treating control is implemented: no action is open.]\n");
    } else {
        src.push_str(
            "#table(columns: (1fr, 3cm, 1.6cm, 1.8cm, 4.2cm, 3.6cm),\n  \
             table.header([Control], [Owner], [Status], [Due], [Risks it treats], [Satisfies]),\n",
        );
        for a in &plan.open_actions {
            let control = match &a.control_title {
                Some(t) => format!("#strong[{}] \\ #note[{}]", escape(t), escape(&a.control)),
                None => escape(&a.control),
            };
            src.push_str(&format!(
                "  [{}], [{}], [{}], [{}], [{}], [{}],\n",
                control,
                opt_person(&plan.people, a.owner.as_ref()),
                escape(&capitalize(&a.status)),
                or_missing(a.due.clone()),
                ids(&a.risks),
                ids(&a.satisfies),
            ));
        }
        src.push_str(")\n");
    }

    // Risks treated without controls: the treatment decision is the plan.
    let decisions: Vec<&RiskEntry> = reg.risks.iter().filter(|r| r.controls.is_empty()).collect();
    if !decisions.is_empty() {
        src.push_str("\n#heading(level: 2)[Risks treated without controls]\n");
        src.push_str(
            "#table(columns: (1.4cm, 1fr, 3cm, 2cm, 1.8cm, 1fr),\n  \
             table.header([Risk], [Title], [Owner], [Treatment], [Score], [Acceptance]),\n",
        );
        for r in decisions {
            let acceptance = match &r.accepted {
                Some(a) => format!(
                    "Accepted by {} on {}",
                    person_inline(&reg.people, &a.by),
                    escape(&a.on)
                ),
                None => appetite(r.acceptable).to_string(),
            };
            src.push_str(&format!(
                "  [{}], [{}], [{}], [{}], [{}], [{}],\n",
                escape(&r.id),
                or_missing(r.title.clone()),
                opt_person(&reg.people, r.owner.as_ref()),
                or_missing(r.treatment.as_deref().map(capitalize)),
                or_missing(r.remaining_score().map(|s| s.to_string())),
                acceptance,
            ));
        }
        src.push_str(")\n");
    }

    src.push_str("\n#heading(level: 2)[Treating controls already implemented]\n");
    if plan.implemented.is_empty() {
        src.push_str("#note[None yet.]\n");
    } else {
        src.push_str(&format!(
            "{} controls are in place and need no action; each is listed once, with the risks it treats.\n#v(2pt)\n#table(columns: (1fr, 3.4cm, 1fr, 3.4cm), table.header([Control], [Risks], [Control], [Risks]),\n",
            plan.implemented.len(),
        ));
        for c in &plan.implemented {
            src.push_str(&format!(
                "  [{} #note[({})]], [{}],\n",
                escape(c.control_title.as_deref().unwrap_or(&c.control)),
                escape(&c.control),
                ids(&c.risks)
            ));
        }
        if plan.implemented.len() % 2 == 1 {
            src.push_str("  [], [],\n");
        }
        src.push_str(")\n");
    }
    src
}
