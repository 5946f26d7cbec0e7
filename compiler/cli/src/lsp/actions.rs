//! Quick fixes for the findings under the cursor: the did-you-mean replacement from a
//! finding's help, a missing Annex A decision added to the `applicability` block (in
//! catalogue order), a missing required field added to its item, and a stub item for an
//! unknown id.

use std::collections::HashMap;

use ismsc_core::diag::{Code, Diagnostic as Finding};
use ismsc_core::model::lower::{body_fields, Ty};
use ismsc_core::model::{Kind, KindSet, Model, OWNER};
use ismsc_core::source::{FileId, Origin, Span};
use ismsc_core::syntax::ast::{self, Entry, HeadName, Item, ValueKind};
use lsp_types as lsp;

use super::{convert, Ctx};

/// The replacement a finding's help proposes: "did you mean `X`?".
pub fn suggestion(help: &str) -> Option<&str> {
    let rest = help.split("did you mean `").nth(1)?;
    let end = rest.find("`?")?;
    rest.get(..end).filter(|s| !s.is_empty())
}

/// One text insertion or replacement in a file of the analysis.
struct Edit {
    file: FileId,
    start: usize,
    end: usize,
    text: String,
}

// `Uri` hashes and compares by its text: the lint's interior mutability is a cache.
#[allow(clippy::mutable_key_type)]
fn action(
    cx: &Ctx<'_>,
    title: String,
    edits: Vec<Edit>,
    diag: Option<lsp::Diagnostic>,
    preferred: bool,
) -> Option<lsp::CodeActionOrCommand> {
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for e in edits {
        let src = cx.analysis.sources.get(e.file)?;
        let uri = cx.uri(e.file)?;
        changes.entry(uri).or_default().push(lsp::TextEdit {
            range: convert::range(src, e.start, e.end, cx.enc),
            new_text: e.text,
        });
    }
    Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: diag.map(|d| vec![d]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }),
        is_preferred: preferred.then_some(true),
        ..Default::default()
    }))
}

/// The quick fixes for the findings in the requested range.
pub fn actions(cx: &Ctx<'_>, p: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
    if !cx.editable {
        return Vec::new();
    }
    let from = cx.offset(p.range.start);
    let to = cx.offset(p.range.end).max(from);
    let mut out = Vec::new();
    for d in &cx.analysis.diagnostics {
        let s = d.primary.span;
        if s.file != cx.file || (s.end as usize) < from || (s.start as usize) > to {
            continue;
        }
        // The client's copy of the finding, so the editor links the fix to it.
        let range = cx.range(s);
        let client = p
            .context
            .diagnostics
            .iter()
            .find(|c| {
                Some(c.range) == range
                    && c.code == Some(lsp::NumberOrString::String(d.code.as_str().into()))
            })
            .cloned();
        fixes(cx, d, client, &mut out);
    }
    out
}

fn fixes(
    cx: &Ctx<'_>,
    d: &Finding,
    diag: Option<lsp::Diagnostic>,
    out: &mut Vec<lsp::CodeActionOrCommand>,
) {
    let a = cx.analysis;
    let span = d.primary.span;
    if let Some(new) = suggestion(&d.help) {
        let old = a.sources.slice(span);
        // In a qualified id only the part after the framework is the id.
        let (start, old) = match old.rfind('/') {
            Some(i) if !new.contains('/') => {
                (span.start as usize + i + 1, old.get(i + 1..).unwrap_or(""))
            }
            _ => (span.start as usize, old),
        };
        if !old.is_empty() {
            out.extend(action(
                cx,
                format!("Replace `{old}` with `{new}`"),
                vec![Edit {
                    file: span.file,
                    start,
                    end: span.end as usize,
                    text: new.to_string(),
                }],
                diag.clone(),
                true,
            ));
        }
    }
    match d.code {
        Code::E0401 => {
            if let Some((id, _)) = &d.subject {
                decision(cx, id, diag.clone(), out);
            }
        }
        Code::E0202 => missing_fields(cx, span, diag.clone(), out),
        Code::E0102 => stubs(cx, span, diag.clone(), out),
        _ => {}
    }
}

/// The indentation of the line that holds `offset`.
fn indent_at(text: &str, offset: usize) -> String {
    let line_start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map(|i| i + 1)
        .unwrap_or(0);
    text.get(line_start..)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// Where to add `line` at the end of `item`'s body: before its `}`, on a line of its own
/// when the body spans lines, else inline.
fn append_to_body(text: &str, item: &Item, line: &str) -> Option<(usize, String)> {
    let body = item.body.span;
    let close = (body.end as usize).checked_sub(1)?;
    if text.get(close..close + 1) != Some("}") {
        return None;
    }
    let line_start = text.get(..close)?.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let before_close = text.get(line_start..close)?;
    if before_close.trim().is_empty() && line_start > body.start as usize {
        let indent = match item.body.entries.last() {
            Some(e) => indent_at(text, e.span().start as usize),
            None => format!("{}  ", indent_at(text, item.span.start as usize)),
        };
        Some((line_start, format!("{indent}{line}\n")))
    } else {
        let pad = if before_close.ends_with(' ') { "" } else { " " };
        Some((close, format!("{pad}{line} ")))
    }
}

/// Adds a decision for requirement `id` to the project's `applicability` block, after the
/// decisions of the requirements before it in the catalogue.
fn decision(
    cx: &Ctx<'_>,
    id: &str,
    diag: Option<lsp::Diagnostic>,
    out: &mut Vec<lsp::CodeActionOrCommand>,
) {
    let a = cx.analysis;
    let m = &a.model;
    let Some(standard) = m.standard() else { return };
    let Some(target) = m.req_index.get(standard, id) else {
        return;
    };
    // The first applicability block of the project.
    let block = a
        .asts
        .iter()
        .filter(|t| {
            a.sources
                .get(t.file)
                .is_some_and(|f| f.origin == Origin::Project)
        })
        .flat_map(|t| t.items.iter())
        .find(|i| i.keyword.text == "applicability");
    for (verdict, reason) in [
        ("excluded", "TODO: why this control is not needed"),
        ("included", "TODO: why this control applies"),
    ] {
        let line = format!("{id} {verdict} \"{reason}\"");
        let edit = match block {
            Some(item) => {
                let file = item.span.file;
                let Some(text) = a.sources.get(file).map(|f| f.text.as_str()) else {
                    continue;
                };
                // After the last decision of an earlier requirement, else before the first.
                let mut after: Option<(ismsc_core::model::ReqId, Span)> = None;
                let mut first: Option<Span> = None;
                for e in &item.body.entries {
                    let Entry::Statement(s) = e else { continue };
                    first = first.or(Some(s.span));
                    let Some(r) = m.req_index.get(standard, &s.subject.text) else {
                        continue;
                    };
                    if r < target && after.is_none_or(|(b, _)| r > b) {
                        after = Some((r, s.span));
                    }
                }
                match (after, first) {
                    (Some((_, s)), _) => {
                        let end = s.end as usize;
                        let eol = text
                            .get(end..)
                            .and_then(|t| t.find('\n'))
                            .map(|i| end + i + 1);
                        match eol {
                            Some(at) => Edit {
                                file,
                                start: at,
                                end: at,
                                text: format!("{}{line}\n", indent_at(text, s.start as usize)),
                            },
                            None => continue,
                        }
                    }
                    (None, Some(s)) => {
                        let at = text
                            .get(..s.start as usize)
                            .and_then(|t| t.rfind('\n'))
                            .map(|i| i + 1)
                            .unwrap_or(0);
                        Edit {
                            file,
                            start: at,
                            end: at,
                            text: format!("{}{line}\n", indent_at(text, s.start as usize)),
                        }
                    }
                    (None, None) => match append_to_body(text, item, &line) {
                        Some((at, t)) => Edit {
                            file,
                            start: at,
                            end: at,
                            text: t,
                        },
                        None => continue,
                    },
                }
            }
            None => {
                let len = cx.src.text.len();
                let sep = if cx.src.text.ends_with('\n') {
                    "\n"
                } else {
                    "\n\n"
                };
                Edit {
                    file: cx.file,
                    start: len,
                    end: len,
                    text: format!("{sep}applicability {{\n  {line}\n}}\n"),
                }
            }
        };
        let what = if verdict == "included" {
            "Include"
        } else {
            "Exclude"
        };
        out.extend(action(
            cx,
            format!(
                "{what} `{id}` in the Statement of Applicability{}",
                if block.is_some() {
                    ""
                } else {
                    " (new `applicability` block)"
                }
            ),
            vec![edit],
            diag.clone(),
            false,
        ));
    }
}

/// A value to start a required field with.
fn placeholder(m: &Model, ty: Ty, today: &str, path: &[&str], field: &str) -> String {
    let first_of = |k: KindSet| -> Option<String> {
        if k == OWNER {
            if let Some(owner) = m
                .isms
                .as_ref()
                .and_then(|i| i.owner.as_ref())
                .filter(|l| l.target.is_some())
            {
                return Some(owner.name.clone());
            }
        }
        m.entities
            .iter()
            .find(|e| k.contains(e.kind))
            .map(|e| e.id.clone())
    };
    match ty {
        Ty::Str | Ty::Text => "\"\"".into(),
        Ty::Strs | Ty::Refs(_) | Ty::Reqs | Ty::Pairs(_) | Ty::Frameworks | Ty::Subjects(_) => {
            "[]".into()
        }
        Ty::Bool => "false".into(),
        Ty::Source => ismsc_core::model::SourceKind::WORDS
            .first()
            .copied()
            .unwrap_or("incident")
            .into(),
        Ty::Date => today.into(),
        Ty::Duration => "12mo".into(),
        Ty::Int => "0".into(),
        Ty::Ref(k) => first_of(k).unwrap_or_else(|| "TODO".into()),
        Ty::Framework => m.standard().unwrap_or("iso27001:2022").into(),
        Ty::Enum(words) => words.first().copied().unwrap_or("").into(),
        Ty::Level => {
            let levels: Vec<String> = match (path.first().copied(), field) {
                (_, "classification") => m
                    .classification
                    .levels
                    .iter()
                    .map(|w| w.text.to_string())
                    .collect(),
                (_, "likelihood") => m
                    .risk_method
                    .as_ref()
                    .map(|r| {
                        r.likelihood
                            .levels
                            .iter()
                            .map(|(w, _)| w.text.to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
                (_, "impact") => m
                    .risk_method
                    .as_ref()
                    .map(|r| {
                        r.impact
                            .levels
                            .iter()
                            .map(|(w, _)| w.text.to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            levels.first().cloned().unwrap_or_else(|| "TODO".into())
        }
        Ty::SignOff => format!(
            "{} @ {today}",
            first_of(KindSet::of(&[Kind::Person])).unwrap_or_else(|| "TODO".into())
        ),
        Ty::Scale => "scale { low = 1, high = 3 }".into(),
        Ty::Words => "[public, internal, confidential]".into(),
    }
}

/// The item or nested block whose header is at `span`, with the keywords down to it.
fn item_at(tree: &ast::File, span: Span) -> Option<(Vec<&str>, &Item)> {
    fn find<'t>(item: &'t Item, span: Span, path: &mut Vec<&'t str>) -> Option<&'t Item> {
        path.push(&item.keyword.text);
        let header = item.name.as_ref().map(HeadName::span);
        if header == Some(span) || item.keyword.span == span {
            return Some(item);
        }
        for e in &item.body.entries {
            if let Entry::Block(b) = e {
                if b.span.contains(span.start as usize) {
                    if let Some(found) = find(b, span, path) {
                        return Some(found);
                    }
                }
            }
        }
        path.pop();
        None
    }
    tree.items.iter().find_map(|i| {
        let mut path = Vec::new();
        find(i, span, &mut path).map(|found| (path, found))
    })
}

/// Adds each required field the item lacks.
fn missing_fields(
    cx: &Ctx<'_>,
    span: Span,
    diag: Option<lsp::Diagnostic>,
    out: &mut Vec<lsp::CodeActionOrCommand>,
) {
    let Some(tree) = cx.tree else { return };
    let Some((path, item)) = item_at(tree, span) else {
        return;
    };
    let Some((fields, _)) = body_fields(&path) else {
        return;
    };
    let present: Vec<&str> = item
        .body
        .entries
        .iter()
        .filter_map(|e| match e {
            Entry::Field(f) => Some(f.name.text.as_str()),
            _ => None,
        })
        .collect();
    let today = cx.today.to_string();
    let missing: Vec<String> = fields
        .iter()
        .filter(|f| f.required() && !present.contains(&f.name()))
        .map(|f| {
            format!(
                "{} = {}",
                f.name(),
                placeholder(&cx.analysis.model, f.ty(), &today, &path, f.name())
            )
        })
        .collect();
    for line in &missing {
        if let Some((at, text)) = append_to_body(&cx.src.text, item, line) {
            out.extend(action(
                cx,
                format!("Add `{line}`"),
                vec![Edit {
                    file: cx.file,
                    start: at,
                    end: at,
                    text,
                }],
                diag.clone(),
                false,
            ));
        }
    }
}

/// The kinds a reference at `span` accepts, from the field it is written in.
fn expected(cx: &Ctx<'_>, span: Span) -> Option<KindSet> {
    let tree = cx.tree?;
    let mut found = None;
    super::cursor::walk_values(tree, &mut |path, field, v| {
        let hit = match &v.kind {
            ValueKind::Ref(n) => n.span == span,
            ValueKind::Pair(p) => p.key.span == span,
            ValueKind::SignOff(s) => s.who.span == span,
            _ => false,
        };
        if !hit {
            return;
        }
        let Some(field) = field else { return };
        let Some((fields, _)) = body_fields(path) else {
            return;
        };
        found = fields
            .iter()
            .find(|f| f.name() == field)
            .and_then(|f| match f.ty() {
                Ty::Ref(k) | Ty::Refs(k) | Ty::Pairs(k) => Some(k),
                Ty::SignOff => Some(KindSet::of(&[Kind::Person])),
                _ => None,
            });
    });
    found
}

/// "security-lead" → "Security lead".
fn title_of(id: &str) -> String {
    let words = id.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Creates a stub item for an unknown id, of each kind the field accepts, in the file that
/// holds most items of that kind.
fn stubs(
    cx: &Ctx<'_>,
    span: Span,
    diag: Option<lsp::Diagnostic>,
    out: &mut Vec<lsp::CodeActionOrCommand>,
) {
    let a = cx.analysis;
    let m = &a.model;
    let id = a.sources.slice(span).to_string();
    if super::navigate::invalid_id(&id).is_some() {
        return;
    }
    let Some(kinds) = expected(cx, span) else {
        return;
    };
    let today = cx.today.to_string();
    for kind in Kind::ALL.into_iter().filter(|k| kinds.contains(*k)) {
        let mut counts: HashMap<FileId, usize> = HashMap::new();
        for (_, e) in m.of_kind(kind) {
            *counts.entry(e.id_span.file).or_default() += 1;
        }
        let file = counts
            .into_iter()
            .filter(|(f, _)| {
                a.sources
                    .get(*f)
                    .is_some_and(|s| s.origin == Origin::Project)
            })
            .max_by_key(|(f, n)| (*n, std::cmp::Reverse(*f)))
            .map(|(f, _)| f)
            .unwrap_or(cx.file);
        let Some(text) = a.sources.get(file).map(|f| f.text.as_str()) else {
            continue;
        };
        let keyword = kind.keyword();
        let fields: Vec<String> = body_fields(&[keyword])
            .map(|(fs, _)| {
                fs.iter()
                    .filter(|f| f.required())
                    .map(|f| {
                        format!(
                            "  {} = {}\n",
                            f.name(),
                            placeholder(m, f.ty(), &today, &[keyword], f.name())
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let sep = if text.is_empty() || text.ends_with("\n\n") {
            ""
        } else if text.ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        let stub = format!(
            "{sep}{keyword} {id} \"{}\" {{\n{}}}\n",
            title_of(&id),
            fields.concat()
        );
        let name = a.sources.name(file).to_string();
        out.extend(action(
            cx,
            format!("Create {keyword} `{id}` in {name}"),
            vec![Edit {
                file,
                start: text.len(),
                end: text.len(),
                text: stub,
            }],
            diag.clone(),
            false,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_read_from_the_help() {
        assert_eq!(suggestion("did you mean `ciso`?"), Some("ciso"));
        assert_eq!(
            suggestion("did you mean `implemented`? `status` is one of …"),
            Some("implemented")
        );
        assert_eq!(suggestion("define a person with this id"), None);
        assert_eq!(title_of("security-lead"), "Security lead");
    }
}
