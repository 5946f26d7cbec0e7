//! Completion: item keywords at the top level, the field names of the body, ids filtered by
//! the kinds the field accepts (`owner` offers persons and teams, never risks), the words of
//! closed vocabularies and scales, and requirement ids with their titles.

use ismsc_core::model::lower::{body_fields, field_doc, Ty};
use ismsc_core::model::{Kind, KindSet};
use ismsc_core::syntax::ast::{Entry, ValueKind};
use lsp_types as lsp;

use super::cursor::{enclosing, place, Place};
use super::{convert, Ctx};

/// The characters that open the completion list by themselves.
pub const TRIGGERS: &[&str] = &["=", "[", ",", " ", "."];

/// At most this many items are sent; the list is then marked incomplete, so the editor asks
/// again as the user types.
const MAX_ITEMS: usize = 400;

/// Item keywords, with what they are.
const ITEMS: &[(&str, &str, bool)] = &[
    ("isms", "the ISMS itself (one per project)", false),
    ("scope", "the scope of the ISMS (clause 4.3)", false),
    (
        "context",
        "internal and external issues (clause 4.1)",
        false,
    ),
    (
        "risk_method",
        "scales and the acceptance threshold (clause 6.1.2)",
        false,
    ),
    ("classification", "the classification scheme", false),
    (
        "applicability",
        "Annex A decisions: `A.7.12 excluded \"…\"`",
        false,
    ),
    ("person", "a person", true),
    ("team", "a team", true),
    ("party", "an interested party (clause 4.2)", true),
    ("asset", "an asset", true),
    ("risk", "a risk", true),
    ("control", "a control", true),
    ("policy", "a policy", true),
    (
        "procedure",
        "a procedure: how a task is done, under document control",
        true,
    ),
    (
        "standard",
        "a standard: mandatory rules that implement a policy",
        true,
    ),
    ("guideline", "a guideline: recommended practice", true),
    (
        "obligation",
        "a legal, regulatory or contractual obligation",
        true,
    ),
    (
        "objective",
        "an information security objective (clause 6.2)",
        true,
    ),
    (
        "document",
        "document control of `soa`, `risk-register` or `treatment-plan` (clause 7.5)",
        true,
    ),
];

struct Items<'a> {
    cx: &'a Ctx<'a>,
    word: String,
    range: lsp::Range,
    out: Vec<(u8, lsp::CompletionItem)>,
}

impl Items<'_> {
    /// Adds a candidate if it matches what is typed (a case-insensitive subsequence).
    fn push(
        &mut self,
        rank: u8,
        label: &str,
        kind: lsp::CompletionItemKind,
        detail: Option<String>,
        insert: Option<(String, bool)>,
        doc: Option<String>,
    ) {
        if !matches(&self.word, label) {
            return;
        }
        let (text, snippet) = insert.unwrap_or_else(|| (label.to_string(), false));
        let item = lsp::CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            detail,
            documentation: doc.map(|d| {
                lsp::Documentation::MarkupContent(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: d,
                })
            }),
            sort_text: Some(format!("{rank}{label}")),
            filter_text: Some(label.to_string()),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                range: self.range,
                new_text: text,
            })),
            insert_text_format: Some(if snippet {
                lsp::InsertTextFormat::SNIPPET
            } else {
                lsp::InsertTextFormat::PLAIN_TEXT
            }),
            ..Default::default()
        };
        self.out.push((rank, item));
    }

    fn done(mut self) -> lsp::CompletionResponse {
        self.out
            .sort_by(|a, b| (&a.1.sort_text, &a.1.label).cmp(&(&b.1.sort_text, &b.1.label)));
        self.out.dedup_by(|a, b| a.1.label == b.1.label);
        let incomplete = self.out.len() > MAX_ITEMS;
        self.out.truncate(MAX_ITEMS);
        lsp::CompletionResponse::List(lsp::CompletionList {
            is_incomplete: incomplete,
            items: self.out.into_iter().map(|(_, i)| i).collect(),
        })
    }
}

/// Whether `label` holds the characters of `typed` in order (ignoring case).
fn matches(typed: &str, label: &str) -> bool {
    let mut label = label.chars().flat_map(char::to_lowercase);
    typed
        .chars()
        .flat_map(char::to_lowercase)
        .all(|c| label.any(|l| l == c))
}

fn kind_icon(k: Kind) -> lsp::CompletionItemKind {
    match k {
        Kind::Person | Kind::Team | Kind::Party => lsp::CompletionItemKind::VARIABLE,
        Kind::Asset => lsp::CompletionItemKind::STRUCT,
        Kind::Risk => lsp::CompletionItemKind::EVENT,
        Kind::Control => lsp::CompletionItemKind::FUNCTION,
        Kind::Policy => lsp::CompletionItemKind::MODULE,
        Kind::Obligation => lsp::CompletionItemKind::INTERFACE,
        Kind::Objective => lsp::CompletionItemKind::CONSTANT,
        Kind::Audit | Kind::Review => lsp::CompletionItemKind::EVENT,
        Kind::Nonconformity => lsp::CompletionItemKind::ENUM_MEMBER,
        Kind::Role | Kind::Competence => lsp::CompletionItemKind::PROPERTY,
    }
}

/// The completion at a position.
pub fn complete(cx: &Ctx<'_>, pos: lsp::Position) -> Option<lsp::CompletionResponse> {
    let offset = cx.offset(pos);
    let (place, start) = place(cx, offset);
    let word = cx.src.text.get(start..offset).unwrap_or("").to_string();
    let range = convert::range(cx.src, start, offset, cx.enc);
    let mut items = Items {
        cx,
        word,
        range,
        out: Vec::new(),
    };
    match place {
        Place::Nothing => return None,
        Place::TopLevel => top_level(&mut items),
        Place::FieldName { path } => field_names(&mut items, &path, offset),
        Place::Value { path, field, list } => values(&mut items, &path, &field, list, offset),
        Place::Decision => decisions(&mut items),
        Place::Verdict => {
            for (w, d) in [
                ("included", "applicable: give the reason for inclusion"),
                (
                    "excluded",
                    "not applicable: give the justification (6.1.3 d)",
                ),
            ] {
                let insert = if items.cx.caps.snippets {
                    (format!("{w} \"$1\""), true)
                } else {
                    (w.to_string(), false)
                };
                items.push(
                    0,
                    w,
                    lsp::CompletionItemKind::KEYWORD,
                    Some(d.into()),
                    Some(insert),
                    None,
                );
            }
        }
    }
    Some(items.done())
}

fn top_level(items: &mut Items<'_>) {
    for (kw, what, named) in ITEMS {
        let insert = if items.cx.caps.snippets {
            if *named {
                (
                    format!("{kw} ${{1:id}} \"${{2:Title}}\" {{\n  $0\n}}"),
                    true,
                )
            } else {
                (format!("{kw} {{\n  $0\n}}"), true)
            }
        } else {
            (kw.to_string(), false)
        };
        items.push(
            if *named { 0 } else { 1 },
            kw,
            lsp::CompletionItemKind::KEYWORD,
            Some((*what).into()),
            Some(insert),
            None,
        );
    }
}

fn field_names(items: &mut Items<'_>, path: &[String], offset: usize) {
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    let Some((fields, blocks)) = body_fields(&keys) else {
        return;
    };
    // The fields already given in this body are not offered again.
    let present: Vec<String> = items
        .cx
        .tree
        .map(|t| enclosing(t, offset))
        .and_then(|chain| chain.last().copied())
        .map(|item| {
            item.body
                .entries
                .iter()
                .filter_map(|e| match e {
                    Entry::Field(f) if !f.name.span.contains(offset) => {
                        Some(f.name.text.to_string())
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    // `owne|r = x`: only the name is replaced.
    let rest = items.cx.src.text.get(offset..).unwrap_or("");
    let has_value = rest
        .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
        .trim_start_matches([' ', '\t'])
        .starts_with('=');
    for spec in fields {
        if present.iter().any(|p| p == spec.name()) {
            continue;
        }
        let insert = if has_value {
            spec.name().to_string()
        } else {
            format!("{} = ", spec.name())
        };
        let doc = field_doc(&keys, spec.name());
        items.push(
            if spec.required() { 0 } else { 1 },
            spec.name(),
            lsp::CompletionItemKind::FIELD,
            Some(format!(
                "{}{}",
                spec.ty().describe(),
                if spec.required() { " (required)" } else { "" }
            )),
            Some((insert, false)),
            (!doc.is_empty()).then(|| doc.to_string()),
        );
    }
    for b in blocks {
        let insert = if items.cx.caps.snippets {
            match *b {
                "evidence" => ("evidence \"$1\" {\n  $0\n}".to_string(), true),
                _ => (format!("{b} {{\n  $0\n}}"), true),
            }
        } else {
            (b.to_string(), false)
        };
        items.push(
            2,
            b,
            lsp::CompletionItemKind::STRUCT,
            Some("nested block".into()),
            Some(insert),
            None,
        );
    }
}

fn entities(items: &mut Items<'_>, kinds: KindSet, taken: &[String]) {
    let model = &items.cx.analysis.model;
    let mut found = Vec::new();
    for e in &model.entities {
        if !kinds.contains(e.kind) || taken.contains(&e.id) {
            continue;
        }
        found.push((e.id.clone(), e.kind, e.title.clone()));
    }
    for (id, kind, title) in found {
        items.push(
            0,
            &id,
            kind_icon(kind),
            Some(match &title {
                Some(t) => format!("{} · {t}", kind.keyword()),
                None => kind.keyword().to_string(),
            }),
            None,
            None,
        );
    }
}

fn requirements(items: &mut Items<'_>, taken: &[String], undecided_first: bool) {
    let a = items.cx.analysis;
    let m = &a.model;
    let qualified = items.word.contains(':');
    let standard = m.standard().map(str::to_string);
    let undecided: Vec<u32> = a
        .facts
        .soa
        .as_ref()
        .map(|soa| {
            soa.rows
                .iter()
                .filter(|r| r.applicability == ismsc_core::facts::soa::Applicability::Undecided)
                .map(|r| r.req.0)
                .collect()
        })
        .unwrap_or_default();
    let mut found = Vec::new();
    for (i, r) in m.requirements.iter().enumerate() {
        let Some(fw) = m.frameworks.get(r.framework) else {
            continue;
        };
        let own = Some(&fw.key) == standard.as_ref();
        let label = if own && !qualified {
            r.id.clone()
        } else if qualified {
            format!("{}/{}", fw.key, r.id)
        } else {
            continue;
        };
        if taken.contains(&label) {
            continue;
        }
        let rank = if undecided_first && undecided.contains(&(i as u32)) {
            0
        } else {
            1
        };
        let theme = r.groups.first().map(|(_, t)| t.as_str()).unwrap_or("");
        found.push((rank, label, format!("{} · {theme}", r.title), i));
    }
    for (rank, label, detail, i) in found {
        // Catalogue order, not alphabetical (A.5.10 after A.5.9).
        items.push(
            rank,
            &label,
            lsp::CompletionItemKind::ENUM_MEMBER,
            Some(detail),
            None,
            None,
        );
        if let Some((_, item)) = items.out.last_mut() {
            if item.label == label {
                item.sort_text = Some(format!("{rank}{i:06}"));
            }
        }
    }
}

fn words(items: &mut Items<'_>, words: &[String], detail: &str) {
    for (i, w) in words.iter().enumerate() {
        items.push(
            0,
            w,
            lsp::CompletionItemKind::ENUM_MEMBER,
            Some(detail.to_string()),
            None,
            None,
        );
        if let Some((_, item)) = items.out.last_mut() {
            if item.label == *w {
                item.sort_text = Some(format!("0{i:04}"));
            }
        }
    }
}

fn values(items: &mut Items<'_>, path: &[String], field: &str, list: bool, offset: usize) {
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    let Some((fields, _)) = body_fields(&keys) else {
        return;
    };
    let Some(spec) = fields.iter().find(|s| s.name() == field) else {
        return;
    };
    // The ids already in the list are not offered again.
    let mut taken = Vec::new();
    if list {
        if let Some(item) = items
            .cx
            .tree
            .map(|t| enclosing(t, offset))
            .and_then(|c| c.last().copied())
        {
            for e in &item.body.entries {
                if let Entry::Field(f) = e {
                    if f.name.text == field {
                        if let ValueKind::List(elems) = &f.value.kind {
                            for el in elems {
                                if el.span.contains(offset) {
                                    continue;
                                }
                                match &el.kind {
                                    ValueKind::Ref(n) => taken.push(n.text.to_string()),
                                    ValueKind::Pair(p) => taken.push(p.key.text.to_string()),
                                    ValueKind::Qualified(q) => {
                                        taken.push(format!("{}/{}", q.framework.key, q.id.text))
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let m = &items.cx.analysis.model;
    match spec.ty() {
        Ty::Ref(k) | Ty::Refs(k) | Ty::Pairs(k) => entities(items, k, &taken),
        Ty::SignOff | Ty::SignOffs => entities(items, KindSet::of(&[Kind::Person]), &taken),
        Ty::Reqs => requirements(items, &taken, false),
        Ty::Enum(ws) => {
            let ws: Vec<String> = ws.iter().map(|w| w.to_string()).collect();
            words(items, &ws, field);
        }
        Ty::Level => {
            let levels: Vec<String> = match (keys.first().copied(), field) {
                (_, "classification") => m
                    .classification
                    .levels
                    .iter()
                    .map(|w| w.text.to_string())
                    .collect(),
                (Some("risk"), "likelihood") => m
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
                (Some("risk"), "impact") => m
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
            words(items, &levels, &format!("{field} level"));
        }
        Ty::Framework | Ty::Frameworks => {
            let keys: Vec<String> = m.frameworks.iter().map(|f| f.key.clone()).collect();
            words(items, &keys, "framework");
        }
        Ty::Date => {
            let today = items.cx.today.to_string();
            items.push(
                0,
                &today,
                lsp::CompletionItemKind::VALUE,
                Some("today".into()),
                None,
                None,
            );
        }
        Ty::Duration => {
            let ds: Vec<String> = ["30d", "90d", "6mo", "12mo", "1y", "2y"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            words(items, &ds, "duration");
        }
        _ => {}
    }
}

fn decisions(items: &mut Items<'_>) {
    // Requirements already decided in this block are still offered (a second decision is
    // reported), but the undecided ones come first.
    requirements(items, &[], true);
}
