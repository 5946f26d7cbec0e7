//! What is under the cursor: the reference or definition at an offset (from the facts'
//! reference index and the model), the body that holds it (from the syntax tree), and for
//! completion, what may be written there (from the tree, with a look at the text for what
//! the parser could not read yet).

use ismsc_core::facts::Node;
use ismsc_core::model::lower::normalize;
use ismsc_core::model::{EntityId, ReqId};
use ismsc_core::source::Span;
use ismsc_core::syntax::ast::{self, Entry, Item, Value, ValueKind};
use ismsc_core::syntax::is_id_char;

use super::Ctx;

/// What a place in the text names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An entity.
    Entity(EntityId),
    /// A requirement of a framework.
    Requirement(ReqId),
    /// A project file named by `file("…")` (project-relative).
    File(String),
}

/// A name under the cursor: what it names and where it is written.
#[derive(Clone, Debug)]
pub struct Hit {
    pub target: Target,
    pub span: Span,
}

/// The name at `offset` of the document: a resolved reference (from the reference index), the
/// id of an entity or requirement where it is defined, or a `file("…")` path.
pub fn hit(cx: &Ctx<'_>, offset: usize) -> Option<Hit> {
    let a = cx.analysis;
    if let Some((_, to, r)) = a.facts.index.at(cx.file, offset) {
        let target = match to {
            Node::Entity(e) => Target::Entity(e),
            Node::Requirement(q) => Target::Requirement(q),
            Node::Site(_) | Node::Clause(_) => return None,
        };
        return Some(Hit {
            target,
            span: r.span,
        });
    }
    if let Some(i) = a
        .model
        .entities
        .iter()
        .position(|e| e.id_span.file == cx.file && e.id_span.contains(offset))
    {
        return Some(Hit {
            target: Target::Entity(EntityId(i as u32)),
            span: a.model.entities.get(i)?.id_span,
        });
    }
    if let Some(i) = a
        .model
        .requirements
        .iter()
        .position(|r| r.span.file == cx.file && r.span.contains(offset))
    {
        return Some(Hit {
            target: Target::Requirement(ReqId(i as u32)),
            span: a.model.requirements.get(i)?.span,
        });
    }
    let tree = cx.tree?;
    let mut found = None;
    walk_values(tree, &mut |_, _, v| {
        if let ValueKind::File(path) = &v.kind {
            if path.span.contains(offset) {
                found = Some(path.clone());
            }
        }
    });
    let path = found?;
    let rel = normalize(&cx.src.name, &path.value).ok()?;
    Some(Hit {
        target: Target::File(rel),
        span: path.span,
    })
}

/// What [`walk_values`] calls: the path of keywords, the field name, the value.
pub type Visit<'f, 't> = dyn FnMut(&[&'t str], Option<&'t str>, &'t Value) + 'f;

/// Calls `f(path of keywords, field name, value)` for every value of the tree, lists and
/// their elements included (statement arguments with no field name).
pub fn walk_values<'t>(tree: &'t ast::File, f: &mut Visit<'_, 't>) {
    fn value<'t>(path: &[&'t str], field: Option<&'t str>, v: &'t Value, f: &mut Visit<'_, 't>) {
        f(path, field, v);
        match &v.kind {
            ValueKind::List(items) => {
                for i in items {
                    value(path, field, i, f);
                }
            }
            ValueKind::Scale(body) => body_values(path, body, f),
            _ => {}
        }
    }
    fn body_values<'t>(path: &[&'t str], body: &'t ast::Body, f: &mut Visit<'_, 't>) {
        for e in &body.entries {
            match e {
                Entry::Field(field) => value(path, Some(&field.name.text), &field.value, f),
                Entry::Statement(s) => {
                    if let Some(arg) = &s.arg {
                        value(path, None, arg, f);
                    }
                }
                Entry::Block(b) => {
                    let mut inner = path.to_vec();
                    inner.push(&b.keyword.text);
                    body_values(&inner, &b.body, f);
                }
                Entry::Error(_) => {}
            }
        }
    }
    for item in &tree.items {
        body_values(&[&item.keyword.text], &item.body, f);
    }
}

/// The items and nested blocks whose body holds `offset`, outermost first.
pub fn enclosing(tree: &ast::File, offset: usize) -> Vec<&Item> {
    fn inside(item: &Item, offset: usize) -> bool {
        let body = item.body.span;
        let open = body.start as usize;
        // A body whose `}` is missing ends where the parser stopped reading it.
        let close = if item.recovered {
            body.end.max(item.span.end) as usize
        } else {
            body.end as usize
        };
        open < offset
            && (offset < close || (item.recovered && offset == close))
            && body.end > body.start
    }
    let mut chain = Vec::new();
    let mut items: Vec<&Item> = tree.items.iter().collect();
    while let Some(item) = items.into_iter().find(|i| inside(i, offset)) {
        chain.push(item);
        items = item
            .body
            .entries
            .iter()
            .filter_map(|e| match e {
                Entry::Block(b) => Some(&**b),
                _ => None,
            })
            .collect();
    }
    chain
}

/// Where the cursor is, for completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// Where an item starts.
    TopLevel,
    /// Where a field (or a nested block) of the body `path` starts.
    FieldName { path: Vec<String> },
    /// The value of `field` in the body `path`; `list` inside `[ … ]`.
    Value {
        path: Vec<String>,
        field: String,
        list: bool,
    },
    /// Where a decision of an `applicability` block starts (a requirement id).
    Decision,
    /// After a decision's requirement id (`included` or `excluded`).
    Verdict,
    /// Inside a string, a comment, a title: nothing to complete.
    Nothing,
}

/// The word being typed that ends at `offset`: id characters, `:` and `/` (qualified ids).
pub fn word_start(text: &str, offset: usize) -> usize {
    let mut start = offset.min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = text.get(..start).unwrap_or("");
    for (i, c) in before.char_indices().rev() {
        if is_id_char(c) || c == ':' || c == '/' {
            start = i;
        } else {
            break;
        }
    }
    start
}

/// What may be written at `offset`, and where the word being typed starts.
pub fn place(cx: &Ctx<'_>, offset: usize) -> (Place, usize) {
    let text = cx.src.text.as_str();
    let offset = {
        let mut o = offset.min(text.len());
        while o > 0 && !text.is_char_boundary(o) {
            o -= 1;
        }
        o
    };
    let start = word_start(text, offset);
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind(['\n', '\r']))
        .map(|i| i + 1)
        .unwrap_or(0);
    let before_on_line = text.get(line_start..start).unwrap_or("");
    if in_string_or_comment(before_on_line) || in_tree_text(cx.tree, offset) {
        return (Place::Nothing, start);
    }
    let chain = cx.tree.map(|t| enclosing(t, offset)).unwrap_or_default();
    let path: Vec<String> = chain.iter().map(|i| i.keyword.text.to_string()).collect();
    let before = before_on_line.trim();
    if path.is_empty() {
        let place = if before.is_empty() {
            Place::TopLevel
        } else {
            Place::Nothing
        };
        return (place, start);
    }
    if path.first().map(String::as_str) == Some("applicability") {
        let words = before.split_whitespace().count();
        let place = match words {
            0 => Place::Decision,
            1 if !before.contains(['{', '"', '=']) => Place::Verdict,
            _ => Place::Nothing,
        };
        return (place, start);
    }
    // The tree's field under the cursor, when the parser could read it.
    if let Some(item) = chain.last() {
        for e in &item.body.entries {
            if let Entry::Field(f) = e {
                let value = f.value.span;
                let after_eq = f.name.span.end as usize <= offset;
                if after_eq && value.start as usize <= offset && offset <= value.end as usize {
                    if let ValueKind::Ref(_) | ValueKind::List(_) | ValueKind::Qualified { .. } =
                        &f.value.kind
                    {
                        let list = matches!(f.value.kind, ValueKind::List(_));
                        return (
                            Place::Value {
                                path,
                                field: f.name.text.to_string(),
                                list,
                            },
                            start,
                        );
                    }
                }
            }
        }
    }
    if let Some(field) = before.strip_suffix('=').map(str::trim_end) {
        if let Some(name) = last_word(field) {
            return (
                Place::Value {
                    path,
                    field: name.to_string(),
                    list: false,
                },
                start,
            );
        }
    }
    if let Some(field) = open_list(text, start) {
        return (
            Place::Value {
                path,
                field,
                list: true,
            },
            start,
        );
    }
    if before.is_empty() || before.ends_with('{') {
        return (Place::FieldName { path }, start);
    }
    (Place::Nothing, start)
}

/// The last word of `s`, when it is a field name.
fn last_word(s: &str) -> Option<&str> {
    let w = s
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()?;
    (!w.is_empty() && w.starts_with(|c: char| c.is_ascii_alphabetic())).then_some(w)
}

/// Whether the end of a line's text is inside a string or a `//` comment.
fn in_string_or_comment(line: &str) -> bool {
    let mut in_str = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_str => {
                chars.next();
            }
            '"' => in_str = !in_str,
            '/' if !in_str && chars.peek() == Some(&'/') => return true,
            _ => {}
        }
    }
    in_str
}

/// Whether `offset` is inside a text block, a string or a block comment of the tree.
fn in_tree_text(tree: Option<&ast::File>, offset: usize) -> bool {
    let Some(tree) = tree else { return false };
    let strictly = |s: Span| (s.start as usize) < offset && offset < s.end as usize;
    if tree.comments.iter().any(|c| strictly(c.span)) {
        return true;
    }
    let mut inside = false;
    walk_values(tree, &mut |_, _, v| match &v.kind {
        ValueKind::Str(s) | ValueKind::File(s) if strictly(s.span) => inside = true,
        _ => {}
    });
    for item in &tree.items {
        if item.title.as_ref().is_some_and(|t| strictly(t.span)) {
            inside = true;
        }
    }
    inside
}

/// When the text before `at` is inside `name = [ …` (ids, commas, line breaks), the field's
/// name.
fn open_list(text: &str, at: usize) -> Option<String> {
    let before = text.get(..at)?;
    let mut chars = before.char_indices().rev();
    let open = loop {
        let (i, c) = chars.next()?;
        match c {
            '[' => break i,
            c if c.is_whitespace() || c == ',' || c == ':' || c == '/' || is_id_char(c) => {}
            _ => return None,
        }
    };
    let head = before.get(..open)?.trim_end();
    let head = head.strip_suffix('=')?.trim_end();
    last_word(head).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_found_across_lines() {
        let t = "risk r {\n  controls = [\n    mfa,\n    ba";
        assert_eq!(open_list(t, t.len() - 2).as_deref(), Some("controls"));
        assert_eq!(open_list("owner = x", 8), None);
        assert_eq!(open_list("x = [\"a\", b", 10), None);
        assert!(in_string_or_comment("  title = \"abc"));
        assert!(!in_string_or_comment("  title = \"a\\\"b\" "));
        assert!(in_string_or_comment("  // owner = "));
        assert_eq!(word_start("owner = iso27001:2013/A.9", 25), 8);
        assert_eq!(word_start("x = R-00", 8), 4);
    }
}
