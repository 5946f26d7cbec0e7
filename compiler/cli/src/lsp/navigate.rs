//! Go to definition, find references, document highlights and rename: every answer is a
//! lookup in the facts' reference index (who refers to what, from where), never a search of
//! the text.

use std::collections::HashMap;

use ismsc_core::facts::Node;
use ismsc_core::model::EntityId;
use ismsc_core::source::{Origin, Span};
use lsp_server::ErrorCode;
use lsp_types as lsp;

use super::cursor::{hit, Target};
use super::{convert, Ctx};

/// The spans that name `node`: its definition first (when asked), then every reference in
/// model order; references written in the catalogue are left out unless `catalogue`.
fn spans_of(cx: &Ctx<'_>, node: Node, definition: bool, catalogue: bool) -> Vec<Span> {
    let a = cx.analysis;
    let mut out = Vec::new();
    if definition {
        match node {
            Node::Entity(e) => out.extend(a.model.entity(e).map(|e| e.id_span)),
            Node::Requirement(r) => out.extend(a.model.requirement(r).map(|r| r.span)),
            Node::Site(_) | Node::Clause(_) => {}
        }
    }
    for (_, r) in a.facts.index.referrers(node) {
        let project = a
            .sources
            .get(r.span.file)
            .is_some_and(|f| f.origin == Origin::Project);
        if project || catalogue {
            out.push(r.span);
        }
    }
    // Ids written where they could not be read still name it (rename keeps them in step).
    if let Node::Entity(e) = node {
        if let Some(entity) = a.model.entity(e) {
            out.extend(
                a.model
                    .shadowed
                    .iter()
                    .filter(|s| s.framework.is_none() && s.id == entity.id)
                    .map(|s| s.span),
            );
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(*s));
    out
}

fn node_of(t: &Target) -> Option<Node> {
    match t {
        Target::Entity(e) => Some(Node::Entity(*e)),
        Target::Requirement(r) => Some(Node::Requirement(*r)),
        Target::File(_) => None,
    }
}

/// Where the name under the cursor is defined: an entity's id, a requirement in its
/// catalogue (a file of the materialised standard library), a `file("…")`'s file.
pub fn definition(cx: &Ctx<'_>, pos: lsp::Position) -> Option<lsp::GotoDefinitionResponse> {
    let h = hit(cx, cx.offset(pos))?;
    let a = cx.analysis;
    let location = match &h.target {
        Target::Entity(e) => cx.location(a.model.entity(*e)?.id_span)?,
        Target::Requirement(r) => cx.location(a.model.requirement(*r)?.span)?,
        Target::File(rel) => {
            let path = cx.loc.root.join(rel);
            if !path.is_file() {
                return None;
            }
            lsp::Location {
                uri: convert::path_to_uri(&path)?,
                range: lsp::Range::default(),
            }
        }
    };
    let origin = cx.range(h.span);
    Some(lsp::GotoDefinitionResponse::Link(vec![lsp::LocationLink {
        origin_selection_range: origin,
        target_uri: location.uri,
        target_range: location.range,
        target_selection_range: location.range,
    }]))
}

/// Every place that names what is under the cursor, across the project.
pub fn references(
    cx: &Ctx<'_>,
    pos: lsp::Position,
    declaration: bool,
) -> Option<Vec<lsp::Location>> {
    let h = hit(cx, cx.offset(pos))?;
    let node = node_of(&h.target)?;
    let spans = spans_of(cx, node, declaration, !cx.editable);
    Some(spans.into_iter().filter_map(|s| cx.location(s)).collect())
}

/// The places in this document that name what is under the cursor.
pub fn highlight(cx: &Ctx<'_>, pos: lsp::Position) -> Option<Vec<lsp::DocumentHighlight>> {
    let h = hit(cx, cx.offset(pos))?;
    let node = node_of(&h.target)?;
    let def = spans_of(cx, node, true, true).first().copied();
    Some(
        spans_of(cx, node, true, true)
            .into_iter()
            .filter(|s| s.file == cx.file)
            .filter_map(|s| {
                Some(lsp::DocumentHighlight {
                    range: cx.range(s)?,
                    kind: Some(if Some(s) == def {
                        lsp::DocumentHighlightKind::WRITE
                    } else {
                        lsp::DocumentHighlightKind::READ
                    }),
                })
            })
            .collect(),
    )
}

type Refusal = (ErrorCode, String);

fn refuse(message: impl Into<String>) -> Refusal {
    (ErrorCode::RequestFailed, message.into())
}

/// The entity under the cursor, when it can be renamed.
fn renamable(cx: &Ctx<'_>, pos: lsp::Position) -> Result<(EntityId, Span), Refusal> {
    let Some(h) = hit(cx, cx.offset(pos)) else {
        return Err(refuse("there is no id to rename here"));
    };
    match h.target {
        Target::Entity(e) => {
            let entity = cx
                .analysis
                .model
                .entity(e)
                .ok_or_else(|| refuse("unknown entity"))?;
            let origin = cx
                .analysis
                .sources
                .get(entity.id_span.file)
                .map(|f| f.origin);
            if origin != Some(Origin::Project) {
                return Err(refuse(format!(
                    "`{}` is defined by the standard library and cannot be renamed",
                    entity.id
                )));
            }
            Ok((e, h.span))
        }
        Target::Requirement(r) => {
            let id = cx
                .analysis
                .model
                .requirement(r)
                .map(|q| q.id.clone())
                .unwrap_or_default();
            Err(refuse(format!(
                "`{id}` is a requirement of a framework's catalogue; only the ids of persons, teams, parties, assets, risks, controls, policies, obligations and objectives can be renamed"
            )))
        }
        Target::File(_) => Err(refuse(
            "a `file(\"…\")` path is not an id; rename the file instead",
        )),
    }
}

/// The range to rename and the id in it, when the cursor is on an entity's id.
pub fn prepare_rename(
    cx: &Ctx<'_>,
    pos: lsp::Position,
) -> Result<lsp::PrepareRenameResponse, Refusal> {
    let (e, span) = renamable(cx, pos)?;
    let id = cx
        .analysis
        .model
        .entity(e)
        .map(|x| x.id.clone())
        .unwrap_or_default();
    let range = cx.range(span).ok_or_else(|| refuse("no range"))?;
    Ok(lsp::PrepareRenameResponse::RangeWithPlaceholder {
        range,
        placeholder: id,
    })
}

/// Why `new` cannot be an id, if it cannot (the rules of lowering: a letter first, then
/// letters, digits, `-` and `_`; not a word the grammar reads as a value).
pub fn invalid_id(new: &str) -> Option<String> {
    if !new.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Some(format!(
            "`{new}` is not a valid id: ids start with a letter"
        ));
    }
    if let Some(c) = new
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Some(format!(
            "`{new}` is not a valid id: `{c}` may not stand in an id (letters, digits, `-` and `_`)"
        ));
    }
    if matches!(new, "true" | "false") {
        return Some(format!(
            "`{new}` is not a valid id: it is read as a boolean"
        ));
    }
    None
}

/// Renames an entity: its definition and every reference, in every file.
// `Uri` hashes and compares by its text: the lint's interior mutability is a cache.
#[allow(clippy::mutable_key_type)]
pub fn rename(cx: &Ctx<'_>, pos: lsp::Position, new: &str) -> Result<lsp::WorkspaceEdit, Refusal> {
    let (e, _) = renamable(cx, pos)?;
    let a = cx.analysis;
    let old = a.model.entity(e).map(|x| x.id.as_str()).unwrap_or("");
    if let Some(why) = invalid_id(new) {
        return Err((ErrorCode::InvalidParams, why));
    }
    if new != old {
        if let Some(other) = a.model.entities.iter().find(|x| x.id == new) {
            return Err((
                ErrorCode::InvalidParams,
                format!(
                    "`{new}` is already the id of {} (ids are unique across the project, whatever their kind)",
                    other.kind.with_article()
                ),
            ));
        }
    }
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for span in spans_of(cx, Node::Entity(e), true, false) {
        let Some(loc) = cx.location(span) else {
            continue;
        };
        changes.entry(loc.uri).or_default().push(lsp::TextEdit {
            range: loc.range,
            new_text: new.to_string(),
        });
    }
    Ok(lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}
