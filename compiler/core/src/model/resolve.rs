//! Name resolution: every [`Link`] and [`ReqLink`] gets its target, or one diagnostic
//! (E0102 unknown reference, E0103 wrong kind, E0104 unknown requirement, E0105 unknown
//! framework, E0204 unknown level).

use super::{
    ClauseId, ClauseLink, Data, EntityId, Kind, Link, Model, ReqLink, Source, Subject, Word,
};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::suggest::did_you_mean;

/// Resolves every reference of the model in place.
pub fn resolve(model: &mut Model, diags: &mut Diagnostics) {
    let kinds: Vec<(Kind, crate::source::Span, &'static str)> = model
        .entities
        .iter()
        .map(|e| (e.kind, e.id_span, e.noun()))
        .collect();
    let names = Names {
        index: &model.index,
        kinds: &kinds,
    };

    // The standard.
    let mut standard = None;
    if let Some(isms) = &model.isms {
        if let Some((key, span)) = &isms.standard {
            if model.frameworks.iter().any(|f| &f.key == key) {
                standard = Some(key.clone());
            } else {
                diags.push(unknown_framework(model, key, *span));
            }
        }
    }
    // The frameworks opted into.
    if let Some(isms) = &model.isms {
        for (key, span) in &isms.frameworks {
            if !model.frameworks.iter().any(|f| &f.key == key) {
                diags.push(unknown_framework(model, key, *span));
            }
        }
    }
    let reqs = Reqs {
        model_index: &model.req_index,
        frameworks: model.frameworks.iter().map(|f| f.key.clone()).collect(),
        requirements: &model.requirements,
        standard: standard.clone(),
        successors: model
            .mappings
            .iter()
            .flat_map(|m| {
                m.links.iter().map(move |l| {
                    (
                        l.from.id.clone(),
                        (m.from.clone(), m.to.clone(), l.to.id.clone()),
                    )
                })
            })
            .collect(),
    };

    // The clauses that apply to the project, by number.
    let clauses_key = model.clauses_key().map(str::to_string);
    let clauses: Vec<(String, ClauseId)> = model
        .clauses_in_use()
        .map(|(id, c)| (c.id.clone(), id))
        .collect();

    let mut req_links: Vec<&mut ReqLink> = Vec::new();
    let mut links: Vec<&mut Link> = Vec::new();
    let mut clause_links: Vec<&mut ClauseLink> = Vec::new();
    let mut levels: Vec<(LevelKind, &mut Word)> = Vec::new();
    for e in &mut model.entities {
        match &mut e.data {
            Data::Party(_) | Data::Competence(_) => {}
            Data::Person(p) => {
                links.extend(p.evidence.iter_mut().map(|q| &mut q.competence));
            }
            Data::Audit(a) => {
                links.extend(a.lead.as_mut());
                links.extend(a.auditors.iter_mut());
                for s in a.covers.iter_mut() {
                    match s {
                        Subject::Clause(c) => clause_links.push(c),
                        Subject::Requirement(r) => req_links.push(r),
                        Subject::Entity(l) => links.push(l),
                    }
                }
            }
            Data::Nonconformity(n) => {
                if let Some(Source::Record(l)) = n.source.as_mut() {
                    links.push(l);
                }
                for s in n.against.iter_mut() {
                    match s {
                        Subject::Clause(c) => clause_links.push(c),
                        Subject::Requirement(r) => req_links.push(r),
                        Subject::Entity(l) => links.push(l),
                    }
                }
                links.extend(n.owner.as_mut());
                links.extend(n.actions.iter_mut().filter_map(|a| a.owner.as_mut()));
                links.extend(n.verified.as_mut().map(|s| &mut s.who));
            }
            Data::Review(r) => {
                links.extend(r.chair.as_mut());
                links.extend(r.attendees.iter_mut());
                links.extend(r.actions.iter_mut().filter_map(|a| a.owner.as_mut()));
            }
            Data::Role(r) => {
                links.extend(r.holders.iter_mut());
                links.extend(r.requires.iter_mut());
            }
            Data::Team(t) => {
                links.extend(t.lead.as_mut());
                links.extend(t.members.iter_mut());
                links.extend(t.parent.as_mut());
            }
            Data::Asset(a) => {
                links.extend(a.owner.as_mut());
                links.extend(a.depends_on.iter_mut());
                levels.extend(
                    a.classification
                        .as_mut()
                        .map(|w| (LevelKind::Classification, w)),
                );
            }
            Data::Risk(r) => {
                links.extend(r.owner.as_mut());
                links.extend(r.assets.iter_mut());
                links.extend(r.controls.iter_mut());
                req_links.extend(r.requires.iter_mut());
                links.extend(r.accepted.as_mut().map(|s| &mut s.who));
                levels.extend(
                    r.inherent
                        .likelihood
                        .as_mut()
                        .map(|w| (LevelKind::Likelihood, w)),
                );
                levels.extend(r.inherent.impact.as_mut().map(|w| (LevelKind::Impact, w)));
                for res in r.residual.iter_mut().chain(r.current.iter_mut()) {
                    levels.extend(res.likelihood.as_mut().map(|w| (LevelKind::Likelihood, w)));
                    levels.extend(res.impact.as_mut().map(|w| (LevelKind::Impact, w)));
                }
            }
            Data::Control(c) => {
                links.extend(c.owner.as_mut());
                links.extend(c.policies.iter_mut());
                req_links.extend(c.satisfies.iter_mut());
                links.extend(c.results.iter_mut().filter_map(|r| r.by.as_mut()));
            }
            Data::Policy(p) => {
                links.extend(p.owner.as_mut());
                links.extend(p.approved.as_mut().map(|s| &mut s.who));
                links.extend(p.parent.as_mut());
                levels.extend(
                    p.classification
                        .as_mut()
                        .map(|w| (LevelKind::Classification, w)),
                );
                req_links.extend(p.covers.iter_mut());
            }
            Data::Obligation(o) => links.extend(o.controls.iter_mut()),
            Data::Objective(o) => {
                links.extend(o.owner.as_mut());
                links.extend(o.controls.iter_mut());
                links.extend(o.results.iter_mut().filter_map(|r| r.by.as_mut()));
            }
        }
    }
    if let Some(isms) = &mut model.isms {
        links.extend(isms.owner.as_mut());
    }
    for d in &mut model.documents {
        links.extend(d.owner.as_mut());
        links.extend(d.approved.iter_mut().map(|s| &mut s.who));
        levels.extend(
            d.classification
                .as_mut()
                .map(|w| (LevelKind::Classification, w)),
        );
    }
    if let Some(scope) = &mut model.scope {
        links.extend(scope.includes.iter_mut());
        links.extend(scope.excludes.iter_mut().map(|(l, _)| l));
    }
    for d in &mut model.decisions {
        req_links.push(&mut d.req);
    }

    for link in links {
        names.resolve(link, diags);
    }
    for c in clause_links {
        resolve_clause(c, &clauses, clauses_key.as_deref(), diags);
    }
    if standard.is_some() || req_links.iter().any(|r| r.framework.is_some()) {
        for r in req_links {
            reqs.resolve(r, diags, &model.frameworks);
        }
    }
    // Ids written where they could not be read: resolved when they can be, never reported.
    let standard_key = model
        .isms
        .as_ref()
        .and_then(|i| i.standard.as_ref())
        .map(|(k, _)| k.clone());
    for r in &mut model.shadowed {
        if r.framework.is_none() {
            if let Some(&e) = model.index.get(&r.id) {
                model.shadowed_entities.push(e);
            }
        }
        let Some(key) = r.framework.clone().or_else(|| standard_key.clone()) else {
            continue;
        };
        r.target = model.req_index.get(&key, &r.id);
    }
    model.shadowed_entities.sort_unstable();
    model.shadowed_entities.dedup();
    for m in &mut model.mappings {
        let mut ok = true;
        for (key, span) in [(&m.from, m.span), (&m.to, m.span)] {
            if !model.frameworks.iter().any(|f| &f.key == key) {
                diags.push(
                    Diagnostic::new(Code::E0105, span, format!("framework `{key}` is not declared"))
                        .primary_label("unknown framework")
                        .help("declare it with `framework KEY \"Title\" { … }` or use one of the standard library's"),
                );
                ok = false;
            }
        }
        if ok {
            for l in &mut m.links {
                reqs.resolve(&mut l.from, diags, &model.frameworks);
                reqs.resolve(&mut l.to, diags, &model.frameworks);
            }
        }
    }

    let classification: Vec<String> = model
        .classification
        .levels
        .iter()
        .map(|w| w.text.clone())
        .collect();
    let (likelihood, impact): (Vec<String>, Vec<String>) = match &model.risk_method {
        Some(m) => (
            m.likelihood
                .levels
                .iter()
                .map(|(w, _)| w.text.clone())
                .collect(),
            m.impact
                .levels
                .iter()
                .map(|(w, _)| w.text.clone())
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    for (kind, word) in levels {
        let (scheme, what, help) = match kind {
            LevelKind::Classification if !model.classification.recovered => (&classification, "classification level", "the levels come from the `classification { levels = [...] }` block, by default `public`, `internal`, `confidential`, `restricted`"),
            LevelKind::Likelihood if model.risk_method.as_ref().is_some_and(|m| !m.recovered) => (&likelihood, "likelihood level", "the levels come from `likelihood = scale { … }` in `risk_method`"),
            LevelKind::Impact if model.risk_method.as_ref().is_some_and(|m| !m.recovered) => (&impact, "impact level", "the levels come from `impact = scale { … }` in `risk_method`"),
            _ => continue,
        };
        if !scheme.contains(&word.text) {
            let mut d = Diagnostic::new(
                Code::E0204,
                word.span,
                format!("`{}` is not a {what}", word.text),
            )
            .primary_label(format!("unknown {what}"));
            d = match did_you_mean(&word.text, scheme.iter().map(String::as_str)) {
                Some(s) => d.help(format!("did you mean `{s}`? {help}")),
                None => d.help(format!(
                    "expected one of {}; {help}",
                    scheme
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            diags.push(d);
        }
    }
}

/// Resolves a clause number against the clauses of the project (E0104 when it has none such).
fn resolve_clause(
    c: &mut ClauseLink,
    clauses: &[(String, ClauseId)],
    key: Option<&str>,
    diags: &mut Diagnostics,
) {
    let Some(key) = key else {
        return;
    };
    if let Some((_, id)) = clauses.iter().find(|(n, _)| *n == c.id) {
        c.target = Some(*id);
        return;
    }
    let numbers = clauses.iter().map(|(n, _)| n.as_str());
    let mut d = Diagnostic::new(
        Code::E0104,
        c.span,
        format!("`{}` is not a clause of `{key}`", c.id),
    )
    .primary_label(format!("unknown in `{key}`"));
    d = match crate::suggest::nearest_number(&c.id, numbers.clone())
        .or_else(|| did_you_mean(&c.id, numbers))
    {
        Some(s) => d.help(format!("did you mean `{s}`? a clause is written as its number, `8` or `\"9.2\"`")),
        None => d.help("a clause is written as its number, `8` or `\"9.2\"`, such as the top-level clauses of the standard and their subclauses"),
    };
    diags.push(d);
}

#[derive(Clone, Copy)]
enum LevelKind {
    Classification,
    Likelihood,
    Impact,
}

struct Names<'a> {
    index: &'a rustc_hash::FxHashMap<String, EntityId>,
    /// Each entity's kind, where its id is written, and how messages name it.
    kinds: &'a [(Kind, crate::source::Span, &'static str)],
}

impl Names<'_> {
    fn resolve(&self, link: &mut Link, diags: &mut Diagnostics) {
        let Some(&id) = self.index.get(&link.name) else {
            let expected = link.expects.describe();
            let wanted = self
                .index
                .iter()
                .filter(|(_, id)| {
                    self.kinds
                        .get(id.0 as usize)
                        .is_some_and(|(k, _, _)| link.expects.contains(*k))
                })
                .map(|(n, _)| n.as_str());
            let mut d = Diagnostic::new(
                Code::E0102,
                link.span,
                format!("`{}` is not defined", link.name),
            )
            .primary_label(format!("expected {expected} id"));
            d = match did_you_mean(&link.name, wanted) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!(
                    "define {expected} with this id, or fix the reference"
                )),
            };
            diags.push(d);
            return;
        };
        let Some((kind, def, noun)) = self.kinds.get(id.0 as usize) else {
            return;
        };
        if !link.expects.contains(*kind) {
            diags.push(
                Diagnostic::new(
                    Code::E0103,
                    link.span,
                    format!(
                        "expected {}, found {} `{}`",
                        link.expects.describe(),
                        noun,
                        link.name
                    ),
                )
                .primary_label(match *noun {
                    // "a procedure", "a standard", "a guideline".
                    n if n != kind.keyword() => format!("this is a {n}"),
                    _ => format!("this is {}", kind.with_article()),
                })
                .label(*def, format!("`{}` is defined here", link.name))
                .help(format!("this field takes {}", link.expects.describe())),
            );
            return;
        }
        link.target = Some(id);
    }
}

struct Reqs<'a> {
    model_index: &'a super::ReqIndex,
    frameworks: Vec<String>,
    requirements: &'a [super::Requirement],
    standard: Option<String>,
    /// Requirement id → (its framework, the mapped framework, the mapped id).
    successors: Vec<(String, (String, String, String))>,
}

impl Reqs<'_> {
    fn resolve(&self, r: &mut ReqLink, diags: &mut Diagnostics, frameworks: &[super::Framework]) {
        let key = match (&r.framework, &self.standard) {
            (Some(k), _) => k.clone(),
            (None, Some(s)) => s.clone(),
            (None, None) => return,
        };
        let Some(fw) = self.frameworks.iter().position(|k| *k == key) else {
            let span = r.span;
            diags.push(unknown_framework_in(frameworks, &key, span));
            return;
        };
        if let Some(id) = self.model_index.get(&key, &r.id) {
            r.target = Some(id);
            return;
        }
        let candidates = self
            .requirements
            .iter()
            .filter(|q| q.framework == fw)
            .map(|q| q.id.as_str());
        let mut d = Diagnostic::new(
            Code::E0104,
            r.span,
            format!("`{}` is not a requirement of `{key}`", r.id),
        )
        .primary_label(format!("unknown in `{key}`"));
        let moved: Vec<&(String, String, String)> = self
            .successors
            .iter()
            // Only another edition of the same framework (`iso27001:2013` for
            // `iso27001:2022`): a control of another framework did not "become" anything.
            .filter(|(id, (from, to, _))| {
                *id == r.id && *to == key && from.split(':').next() == key.split(':').next()
            })
            .map(|(_, m)| m)
            .collect();
        if let (Some((from, _, _)), None) = (moved.first(), &r.framework) {
            let to: Vec<String> = moved.iter().map(|(_, _, t)| format!("`{t}`")).collect();
            d = d
                .note(format!(
                    "`{}` is a control of `{from}`; in `{key}` it became {}",
                    r.id,
                    to.join(" and ")
                ))
                .help(format!(
                    "write the `{key}` id ({}), or `{from}/{}` to name the old control",
                    to.join(" or "),
                    r.id
                ));
            diags.push(d);
            return;
        }
        let candidates: Vec<&str> = candidates.collect();
        let suggestion = crate::suggest::nearest_number(&r.id, candidates.iter().copied())
            .or_else(|| did_you_mean(&r.id, candidates.iter().copied()));
        d = match suggestion {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None if r.framework.is_none() => d.help(format!(
                "bare ids name requirements of the project's standard `{key}`; write `framework:version/ID` for another framework"
            )),
            None => d.help(format!("check the id against the `{key}` catalogue")),
        };
        diags.push(d);
    }
}

fn unknown_framework(model: &Model, key: &str, span: crate::source::Span) -> Diagnostic {
    unknown_framework_in(&model.frameworks, key, span)
}

fn unknown_framework_in(
    frameworks: &[super::Framework],
    key: &str,
    span: crate::source::Span,
) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::E0105,
        span,
        format!("framework `{key}` is not declared"),
    )
    .primary_label("unknown framework");
    d = match did_you_mean(key, frameworks.iter().map(|f| f.key.as_str())) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!(
            "known frameworks: {}",
            frameworks
                .iter()
                .map(|f| format!("`{}`", f.key))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    };
    d
}
