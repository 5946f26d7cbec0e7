//! The project's own document templates (`[publish] policy_template`): a typst file that
//! defines `policy(doc)`, called with the document as typst data.
//!
//! The document reaches the template as a dictionary in `sys.inputs`, built here from the
//! model: no user text is spliced into typst source. Only the body, the policy's markdown, is
//! typst markup, made by [`markup::markdown`] (which escapes every character of the text)
//! into a file of its own that the generated main file includes. The template sees the files
//! handed to the typesetter and nothing else: itself, the logo and the body.

use ismsc_core::brand::{Brand, Template};
use ismsc_core::diag::{Code, Diagnostic};
use ismsc_core::facts::control::{Controlled, State};
use ismsc_core::model::{Entity, Model, Policy};
use ismsc_core::source::{SourceMap, Span};
use typst::foundations::{Array, Bytes, Dict, IntoValue, Str, Value};

use super::brand::Look;
use super::engine::{Extras, Failure};
use super::markup;

/// The built-in policy template, written against the same contract
/// (`ismsc template export policy`).
pub const POLICY: &str = include_str!("templates/policy.typ");

/// The virtual path of the generated body.
const BODY: &str = "/.ismsc/body.typ";

/// A document made with a template of the project.
pub struct Templated {
    /// Which template.
    pub template: Template,
    /// The document as data (`sys.inputs.document`).
    pub inputs: Dict,
    /// The template, the body and the logo at their virtual paths.
    pub files: Vec<(String, Bytes)>,
}

impl Templated {
    /// What the typesetter needs: `look`'s fonts and these files and inputs.
    pub fn extras<'a>(&self, look: Option<&'a Look>) -> Extras<'a> {
        let mut files = self.files.clone();
        if let Some(l) = look {
            files.extend(l.files.iter().cloned());
        }
        Extras {
            fonts: look.map(|l| &l.fonts),
            files,
            inputs: Some(self.inputs.clone()),
        }
    }
}

/// The main file of a templated document: it imports the template's function and calls it
/// with the document. Only fixed text; the paths come from `sys.inputs`.
pub fn main_source(template: Template) -> String {
    let f = template.function();
    format!(
        "#import sys.inputs.template: {f}\n#{f}(sys.inputs.document + (body: include sys.inputs.body))\n"
    )
}

fn text(s: Option<String>) -> Value {
    match s {
        Some(s) => Value::Str(Str::from(ismsc_core::text::visible(&s).into_owned())),
        None => Value::None,
    }
}

fn dict(pairs: Vec<(&str, Value)>) -> Dict {
    let mut d = Dict::new();
    for (k, v) in pairs {
        d.insert(Str::from(k), v);
    }
    d
}

/// The `brand` entry of every document.
pub fn brand_value(brand: &Brand, look: Option<&Look>) -> Value {
    dict(vec![
        ("color", text(brand.color.clone())),
        ("logo", text(look.and_then(|l| l.logo.clone()))),
        ("footer", text(brand.footer.clone())),
        ("font", text(look.and_then(|l| l.body.clone()))),
        ("heading_font", text(look.and_then(|l| l.heading.clone()))),
    ])
    .into_value()
}

/// The name of a person or team a link leads to, or its id.
fn name(model: &Model, link: Option<&ismsc_core::model::Link>) -> Option<String> {
    let link = link?;
    Some(
        model
            .target(link)
            .map_or_else(|| link.name.clone(), |e| e.display().to_string()),
    )
}

/// A policy as the template's `doc`, with its body.
#[allow(clippy::too_many_arguments)]
pub fn policy(
    model: &Model,
    e: &Entity,
    p: &Policy,
    state: Controlled,
    brand: &Brand,
    look: Option<&Look>,
    file: &ismsc_core::brand::TemplateFile,
    sources: &SourceMap,
) -> Templated {
    let organization = model.isms.as_ref().and_then(|i| i.organization.clone());
    let approved = p.approved.as_ref();
    let status = match state.state {
        State::Approved => "approved",
        State::Draft => "draft",
        State::Overdue => "overdue",
    };
    let control = dict(vec![
        ("owner", text(name(model, p.owner.as_ref()))),
        ("approved_by", text(name(model, approved.map(|a| &a.who)))),
        ("approval_date", text(approved.map(|a| a.date.to_string()))),
        ("version", text(p.version.clone())),
        (
            "classification",
            text(p.classification.as_ref().map(|c| c.text.clone())),
        ),
        ("effective", text(p.effective.map(|d| d.to_string()))),
        ("review_interval", text(p.review.map(super::duration_words))),
        (
            "next_review",
            text(state.next_review.map(|d| d.to_string())),
        ),
        (
            "parent",
            text(p.parent.as_ref().map(|l| match model.target(l) {
                Some(t) => format!("{} ({})", t.display(), t.id),
                None => l.name.clone(),
            })),
        ),
        ("status", text(Some(status.to_string()))),
        ("marking", text(state.state.marking().map(str::to_string))),
    ]);
    let covers: Array = p
        .covers
        .iter()
        .map(|q| {
            let title = q
                .target
                .and_then(|r| model.requirement(r))
                .map(|r| r.title.clone());
            dict(vec![
                ("id", text(Some(q.written()))),
                ("title", text(title)),
            ])
            .into_value()
        })
        .collect();
    let title = e.display().to_string();
    let body = match p.text.as_ref().filter(|t| !t.content.trim().is_empty()) {
        Some(t) => markup::markdown(&t.content, 0, Some(&title)),
        None => String::new(),
    };
    let document = dict(vec![
        ("kind", text(Some(p.written.as_str().to_string()))),
        ("id", text(Some(e.id.clone()))),
        ("title", text(Some(title))),
        ("organization", text(organization)),
        ("control", control.into_value()),
        ("covers", covers.into_value()),
        ("brand", brand_value(brand, look)),
    ]);
    made(Template::Policy, document, body, file, sources)
}

/// A JSON value (of the documents `soa.json`, `risk-register.json`) as typst data: objects
/// become dictionaries (keys in the JSON's order), arrays arrays, strings strings.
pub fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::None,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => text(Some(s.clone())),
        serde_json::Value::Array(items) => {
            items.iter().map(from_json).collect::<Array>().into_value()
        }
        serde_json::Value::Object(map) => {
            let mut d = Dict::new();
            for (k, v) in map {
                d.insert(Str::from(k.as_str()), from_json(v));
            }
            d.into_value()
        }
    }
}

/// The SoA or the risk register as the template's `doc`: `title`, `organization`, `control`
/// (the document control as in `soa.json`, with `marking`), `brand`, an empty `body`, and
/// the whole document as in its JSON output under `data`.
#[allow(clippy::too_many_arguments)]
pub fn data_document<T: serde::Serialize>(
    template: Template,
    id: &str,
    organization: Option<&str>,
    control: &ismsc_core::emit::dto::DocumentControl,
    data: &T,
    brand: &Brand,
    look: Option<&Look>,
    file: &ismsc_core::brand::TemplateFile,
    sources: &SourceMap,
) -> Templated {
    let mut control_value = serde_json::to_value(control).map_or(Value::None, |v| from_json(&v));
    if let Value::Dict(d) = &mut control_value {
        d.insert(
            Str::from("marking"),
            text(control.marking().map(str::to_string)),
        );
    }
    let data = serde_json::to_value(data).map_or(Value::None, |v| from_json(&v));
    let document = dict(vec![
        ("kind", text(Some(template.function().to_string()))),
        ("id", text(Some(id.to_string()))),
        ("title", text(Some(control.title.clone()))),
        ("organization", text(organization.map(str::to_string))),
        ("control", control_value),
        ("covers", Array::new().into_value()),
        ("brand", brand_value(brand, look)),
        ("data", data),
    ]);
    made(template, document, String::new(), file, sources)
}

/// The inputs and files of a templated document.
fn made(
    template: Template,
    document: Dict,
    body: String,
    file: &ismsc_core::brand::TemplateFile,
    sources: &SourceMap,
) -> Templated {
    let template_path = format!("/{}", file.setting.path);
    let template_text = sources
        .get(file.file)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let inputs = dict(vec![
        ("document", document.into_value()),
        ("template", text(Some(template_path.clone()))),
        ("body", text(Some(BODY.to_string()))),
    ]);
    Templated {
        template,
        inputs,
        files: vec![
            (template_path, Bytes::from_string(template_text)),
            (BODY.to_string(), Bytes::from_string(body)),
        ],
    }
}

/// A template's failure as E0015: in the template where typst says so, else at the template's
/// name in `isms.toml`.
pub fn diagnostic(
    template: Template,
    file: &ismsc_core::brand::TemplateFile,
    name: &str,
    f: &Failure,
) -> Diagnostic {
    let key = template.key();
    let function = template.function();
    let inside = f.at.as_ref().and_then(|(path, range)| {
        (path.trim_start_matches('/') == file.setting.path)
            .then(|| Span::new(file.file, range.start, range.end))
    });
    let message: String = f.message.chars().take(300).collect();
    match inside {
        Some(span) => Diagnostic::new(
            Code::E0015,
            span,
            format!("the template `{}` fails to typeset `{name}`: {message}", file.setting.path),
        )
        .primary_label("here")
        .help(format!(
            "fix the template; docs/templates.md describes what `{key}` receives (`ismsc template export policy` prints the built-in policy template)"
        )),
        None => Diagnostic::new(
            Code::E0015,
            file.setting.span,
            format!("the template `{}` fails to typeset `{name}`: {message}", file.setting.path),
        )
        .primary_label("this template")
        .help(format!("a template defines `#let {function}(doc) = …` and reads only the files handed to it (itself, the logo); see docs/templates.md")),
    }
}
