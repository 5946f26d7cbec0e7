//! Position-free comparison of syntax trees and comments: the formatter's checks 2 and 3.
//!
//! Two trees are the same when they hold the same items, entries and values in the same
//! order, whatever their spans, trivia and line breaks (`Body::multiline`, `Trivia`,
//! `Item::recovered` and all spans are ignored). Each difference is reported with the path
//! of the node where it is, for the bug report.

use crate::syntax::ast::{Body, Comment, Entry, File, HeadName, Item, Str, Value, ValueKind};

/// `Ok` when the trees are the same; else where they first differ.
pub(super) fn same_file(a: &File, b: &File) -> Result<(), String> {
    if a.items.len() != b.items.len() {
        return Err(format!(
            "{} items instead of {}",
            b.items.len(),
            a.items.len()
        ));
    }
    for (i, (x, y)) in a.items.iter().zip(&b.items).enumerate() {
        item(x, y).map_err(|e| format!("item {}{e}", i + 1))?;
    }
    Ok(())
}

/// `Ok` when the comments are the same texts in the same order (line breaks and trailing
/// blanks of the lines of a block comment aside); else the first that differs.
pub(super) fn same_comments(a: &[Comment], b: &[Comment]) -> Result<(), String> {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if x.text != y.text && normalized(&x.text) != normalized(&y.text) {
            return Err(format!(
                "comment {} `{}` became `{}`",
                i + 1,
                x.text,
                y.text
            ));
        }
    }
    if a.len() != b.len() {
        return Err(format!("{} comments instead of {}", b.len(), a.len()));
    }
    Ok(())
}

/// A comment's text with `\n` line breaks and no trailing blanks on its lines.
pub(super) fn normalized(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    unified
        .split('\n')
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A difference; the callers put the path of the node in front of it on the way up.
fn differ(what: &str, x: impl std::fmt::Debug, y: impl std::fmt::Debug) -> String {
    format!(": {what} {x:?} became {y:?}")
}

pub(super) fn item(a: &Item, b: &Item) -> Result<(), String> {
    if a.keyword.text != b.keyword.text {
        return Err(differ("keyword", &a.keyword.text, &b.keyword.text));
    }
    let head = |h: &Option<HeadName>| -> Vec<String> {
        match h {
            None => Vec::new(),
            Some(HeadName::Id(n)) => vec![n.text.to_string()],
            Some(HeadName::Framework(f)) => vec![f.key.clone()],
            Some(HeadName::Mapping(x, y)) => vec![x.key.clone(), "->".into(), y.key.clone()],
        }
    };
    let (ha, hb) = (head(&a.name), head(&b.name));
    if ha != hb {
        return Err(differ("name", ha, hb));
    }
    match (&a.title, &b.title) {
        (None, None) => {}
        (Some(x), Some(y)) => string(x, y).map_err(|e| format!(", title{e}"))?,
        (x, y) => return Err(differ("title", x.is_some(), y.is_some())),
    }
    body(&a.body, &b.body).map_err(|e| format!(" `{}`{e}", a.keyword.text))
}

fn body(a: &Body, b: &Body) -> Result<(), String> {
    if a.entries.len() != b.entries.len() {
        return Err(differ(
            "number of entries",
            a.entries.len(),
            b.entries.len(),
        ));
    }
    for (i, (x, y)) in a.entries.iter().zip(&b.entries).enumerate() {
        entry(x, y).map_err(|e| format!(", entry {}{e}", i + 1))?;
    }
    Ok(())
}

fn entry(a: &Entry, b: &Entry) -> Result<(), String> {
    match (a, b) {
        (Entry::Field(x), Entry::Field(y)) => {
            if x.name.text != y.name.text {
                return Err(differ("field", &x.name.text, &y.name.text));
            }
            value(&x.value, &y.value).map_err(|e| format!(" `{}`{e}", x.name.text))
        }
        (Entry::Block(x), Entry::Block(y)) => item(x, y),
        (Entry::Statement(x), Entry::Statement(y)) => {
            let words = |s: &crate::syntax::ast::Statement| {
                (
                    s.framework.as_ref().map(|f| f.key.clone()),
                    s.subject.text.to_string(),
                    s.verb.text.to_string(),
                )
            };
            if words(x) != words(y) {
                return Err(differ("statement", words(x), words(y)));
            }
            match (&x.arg, &y.arg) {
                (None, None) => Ok(()),
                (Some(p), Some(q)) => value(p, q),
                (p, q) => Err(differ("argument", p.is_some(), q.is_some())),
            }
        }
        (Entry::Error(x), Entry::Error(y)) => {
            let names = |e: &crate::syntax::ast::ErrorEntry| -> Vec<String> {
                e.names.iter().map(|n| n.text.to_string()).collect()
            };
            if names(x) != names(y) {
                return Err(differ("broken entry", names(x), names(y)));
            }
            Ok(())
        }
        _ => Err(differ("kind of entry", kind(a), kind(b))),
    }
}

fn kind(e: &Entry) -> &'static str {
    match e {
        Entry::Field(_) => "field",
        Entry::Block(_) => "block",
        Entry::Statement(_) => "statement",
        Entry::Error(_) => "broken entry",
    }
}

fn string(a: &Str, b: &Str) -> Result<(), String> {
    if a.value != b.value || a.block != b.block {
        return Err(differ("string", (&a.value, a.block), (&b.value, b.block)));
    }
    Ok(())
}

fn value(a: &Value, b: &Value) -> Result<(), String> {
    use ValueKind as K;
    match (&a.kind, &b.kind) {
        (K::Str(x), K::Str(y)) | (K::File(x), K::File(y)) => string(x, y),
        (K::Date(x), K::Date(y)) if x == y => Ok(()),
        (K::Duration(x), K::Duration(y)) if x == y => Ok(()),
        (K::Int(x), K::Int(y)) if x == y => Ok(()),
        (K::Bool(x), K::Bool(y)) if x == y => Ok(()),
        (K::Ref(x), K::Ref(y)) if x.text == y.text => Ok(()),
        (K::Framework(x), K::Framework(y)) if x.key == y.key => Ok(()),
        (K::Qualified(x), K::Qualified(y))
            if x.framework.key == y.framework.key && x.id.text == y.id.text =>
        {
            Ok(())
        }
        (K::List(x), K::List(y)) => {
            if x.len() != y.len() {
                return Err(differ("list length", x.len(), y.len()));
            }
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                value(p, q).map_err(|e| format!(", element {}{e}", i + 1))?;
            }
            Ok(())
        }
        (K::Pair(x), K::Pair(y)) if x.key.text == y.key.text => string(&x.value, &y.value),
        (K::SignOff(x), K::SignOff(y))
            if x.who.text == y.who.text && x.date == y.date && x.until == y.until =>
        {
            Ok(())
        }
        (K::Scale(x), K::Scale(y)) => body(x, y).map_err(|e| format!(", scale{e}")),
        (K::Invalid, K::Invalid) => Ok(()),
        (x, y) => Err(differ("value", x.describe(), y.describe())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use crate::syntax::parse_text;

    fn tree(text: &str) -> File {
        parse_text(FileId::default(), text).0
    }

    #[test]
    fn whitespace_and_separators_do_not_matter() {
        let a = tree("control c \"T\" { owner = x, satisfies = [A.1, A.2] }");
        let b = tree("control   c\n\"T\"\n{\n owner = x\n satisfies = [\nA.1,\nA.2,\n]\n}\n");
        assert_eq!(same_file(&a, &b), Ok(()));
    }

    #[test]
    fn every_difference_is_found() {
        let base = "control c \"T\" { owner = x  due = 2026-01-01  n = [a, b]  evidence \"E\" { at = \"u\" } }";
        let a = tree(base);
        for other in [
            "control c \"T2\" { owner = x  due = 2026-01-01  n = [a, b]  evidence \"E\" { at = \"u\" } }",
            "control d \"T\" { owner = x  due = 2026-01-01  n = [a, b]  evidence \"E\" { at = \"u\" } }",
            "control c \"T\" { owner = y  due = 2026-01-01  n = [a, b]  evidence \"E\" { at = \"u\" } }",
            "control c \"T\" { owner = x  due = 2026-01-02  n = [a, b]  evidence \"E\" { at = \"u\" } }",
            "control c \"T\" { owner = x  due = 2026-01-01  n = [b, a]  evidence \"E\" { at = \"u\" } }",
            "control c \"T\" { owner = x  due = 2026-01-01  n = [a]  evidence \"E\" { at = \"u\" } }",
            "control c \"T\" { owner = x  due = 2026-01-01  n = [a, b]  evidence \"E\" { at = \"v\" } }",
            "control c \"T\" { owner = x  due = 2026-01-01  n = [a, b] }",
            "control c \"T\" { due = 2026-01-01  owner = x  n = [a, b]  evidence \"E\" { at = \"u\" } }",
            "control c \"T\" { owner = x  due = 2026-01-01  n = [a, b]  evidence \"E\" { at = \"\"\"\nu\n\"\"\" } }",
        ] {
            assert!(same_file(&a, &tree(other)).is_err(), "{other}");
        }
    }

    #[test]
    fn comments_compare_by_text_and_order() {
        let a = tree("// a\nperson p { } /* b\n  c */");
        let b = tree("// a\nperson p { }\n/* b   \r\n  c */\n");
        assert_eq!(same_comments(&a.comments, &b.comments), Ok(()));
        let c = tree("/* b\n  c */ person p { } // a");
        assert!(same_comments(&a.comments, &c.comments).is_err());
        let d = tree("// a\nperson p { }");
        assert!(same_comments(&a.comments, &d.comments).is_err());
    }
}
