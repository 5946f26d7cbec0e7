//! What the server shows of a document's structure: document and workspace symbols, folding
//! ranges, semantic tokens (ids coloured by the kind of what they name) and inlay hints
//! (risk scores, and how far away a due or review date is).

use ismsc_core::facts::Node;
use ismsc_core::model::{Data, Kind};
use ismsc_core::source::{Encoding, Origin, SourceFile, Span};
use ismsc_core::syntax::ast::{self, Date, Entry, HeadName, Item, Value, ValueKind};
use ismsc_core::Analysis;
use lsp_types as lsp;

use super::convert::{self, Locator};
use super::cursor::walk_values;
use super::Ctx;

/// At most this many workspace symbols are answered.
pub const MAX_SYMBOLS: usize = 500;

fn symbol_kind(keyword: &str) -> lsp::SymbolKind {
    use lsp::SymbolKind as S;
    match Kind::of_item_keyword(keyword) {
        Some(Kind::Person) => S::VARIABLE,
        Some(Kind::Team) => S::CLASS,
        Some(Kind::Party) => S::INTERFACE,
        Some(Kind::Asset) => S::STRUCT,
        Some(Kind::Risk) => S::EVENT,
        Some(Kind::Control) => S::FUNCTION,
        Some(Kind::Policy) => S::FILE,
        Some(Kind::Obligation) => S::KEY,
        Some(Kind::Objective) => S::CONSTANT,
        Some(Kind::Audit | Kind::Review) => S::EVENT,
        Some(Kind::Nonconformity) => S::OBJECT,
        Some(Kind::Role) => S::CLASS,
        Some(Kind::Competence) => S::PROPERTY,
        None => match keyword {
            "isms" => S::MODULE,
            "document" => S::FILE,
            "framework" | "mapping" | "clauses" => S::PACKAGE,
            "requirement" | "clause" => S::ENUM_MEMBER,
            "evidence" | "residual" | "current" | "matrix" | "documented" | "result" | "action"
            | "inputs" => S::FIELD,
            _ => S::NAMESPACE,
        },
    }
}

fn head_text(item: &Item) -> Option<String> {
    match &item.name {
        Some(HeadName::Id(n)) => Some(n.text.to_string()),
        Some(HeadName::Framework(f)) => Some(f.key.clone()),
        Some(HeadName::Mapping(a, b)) => Some(format!("{} → {}", a.key, b.key)),
        None => None,
    }
}

#[allow(deprecated)]
fn symbol(cx: &Ctx<'_>, item: &Item) -> Option<lsp::DocumentSymbol> {
    let range = cx.range(item.span)?;
    let selection = item
        .name
        .as_ref()
        .map(HeadName::span)
        .and_then(|s| cx.range(s))
        .unwrap_or_else(|| cx.range(item.keyword.span).unwrap_or(range));
    let title = item.title.as_ref().map(|t| t.value.clone());
    let (name, detail) = match head_text(item) {
        Some(id) => (
            id,
            Some(match &title {
                Some(t) => format!("{} · {t}", item.keyword.text),
                None => item.keyword.text.to_string(),
            }),
        ),
        None => (
            match &title {
                Some(t) => format!("{} \"{t}\"", item.keyword.text),
                None => item.keyword.text.to_string(),
            },
            None,
        ),
    };
    let mut children = Vec::new();
    for e in &item.body.entries {
        match e {
            Entry::Block(b) => children.extend(symbol(cx, b)),
            Entry::Statement(s) => {
                let (Some(r), Some(sel)) = (cx.range(s.span), cx.range(s.subject.span)) else {
                    continue;
                };
                let name = match &s.framework {
                    Some(f) => format!("{}/{}", f.key, s.subject.text),
                    None => s.subject.text.to_string(),
                };
                children.push(lsp::DocumentSymbol {
                    name,
                    detail: Some(s.verb.text.to_string()),
                    kind: lsp::SymbolKind::ENUM_MEMBER,
                    tags: None,
                    deprecated: None,
                    range: r,
                    selection_range: sel,
                    children: None,
                });
            }
            Entry::Field(_) | Entry::Error(_) => {}
        }
    }
    Some(lsp::DocumentSymbol {
        name: if name.is_empty() { "?".into() } else { name },
        detail,
        kind: symbol_kind(&item.keyword.text),
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: (!children.is_empty()).then_some(children),
    })
}

/// The outline of a document: its items and their nested blocks and decisions.
#[allow(deprecated)]
pub fn document_symbols(cx: &Ctx<'_>) -> Option<lsp::DocumentSymbolResponse> {
    let tree = cx.tree?;
    let symbols: Vec<lsp::DocumentSymbol> =
        tree.items.iter().filter_map(|i| symbol(cx, i)).collect();
    if cx.caps.hierarchical_symbols {
        return Some(lsp::DocumentSymbolResponse::Nested(symbols));
    }
    let uri = cx.uri(cx.file)?;
    let mut flat = Vec::new();
    fn flatten(
        s: lsp::DocumentSymbol,
        parent: Option<&str>,
        uri: &lsp::Uri,
        out: &mut Vec<lsp::SymbolInformation>,
    ) {
        let name = s.name.clone();
        out.push(lsp::SymbolInformation {
            name: s.name,
            kind: s.kind,
            tags: None,
            deprecated: None,
            location: lsp::Location::new(uri.clone(), s.range),
            container_name: parent.map(str::to_string),
        });
        for c in s.children.into_iter().flatten() {
            flatten(c, Some(&name), uri, out);
        }
    }
    for s in symbols {
        flatten(s, None, &uri, &mut flat);
    }
    Some(lsp::DocumentSymbolResponse::Flat(flat))
}

/// How well `query` matches `text`: `None` when not at all, lower is better (0 exact, 1
/// prefix, 2 substring, 3 subsequence; case ignored).
fn rank(query: &str, text: &str) -> Option<u8> {
    if query.is_empty() {
        return Some(3);
    }
    let q = query.to_lowercase();
    let t = text.to_lowercase();
    if t == q {
        Some(0)
    } else if t.starts_with(&q) {
        Some(1)
    } else if t.contains(&q) {
        Some(2)
    } else {
        let mut chars = t.chars();
        q.chars().all(|c| chars.any(|x| x == c)).then_some(3)
    }
}

/// The project's entities and the standard's requirements matching `query`, each with a sort
/// key (match quality, then name).
#[allow(deprecated)]
pub fn workspace_symbols(
    a: &Analysis,
    loc: &Locator,
    enc: Encoding,
    query: &str,
    out: &mut Vec<(String, lsp::SymbolInformation)>,
) {
    let m = &a.model;
    for e in &m.entities {
        let best = [
            rank(query, &e.id),
            e.title
                .as_deref()
                .and_then(|t| rank(query, t))
                .map(|r| r + 1),
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(r) = best else { continue };
        let Some(location) = loc.location(&a.sources, e.id_span, enc) else {
            continue;
        };
        out.push((
            format!("{r}{}", e.id),
            lsp::SymbolInformation {
                name: e.id.clone(),
                kind: symbol_kind(e.kind.keyword()),
                tags: None,
                deprecated: None,
                location,
                container_name: Some(match &e.title {
                    Some(t) => format!("{} · {t}", e.kind.keyword()),
                    None => e.kind.keyword().into(),
                }),
            },
        ));
    }
    let Some(standard) = m.standard() else { return };
    for (_, r) in m.requirements_of(standard) {
        let best = [rank(query, &r.id), rank(query, &r.title).map(|x| x + 1)]
            .into_iter()
            .flatten()
            .min();
        let Some(rk) = best else { continue };
        let Some(location) = loc.location(&a.sources, r.span, enc) else {
            continue;
        };
        out.push((
            format!("{}{}", rk + 1, r.id),
            lsp::SymbolInformation {
                name: r.id.clone(),
                kind: lsp::SymbolKind::ENUM_MEMBER,
                tags: None,
                deprecated: None,
                location,
                container_name: Some(format!("{standard} · {}", r.title)),
            },
        ));
    }
}

// ----- folding -------------------------------------------------------------------------------

/// Folding ranges: items, nested blocks, lists and text blocks over several lines, runs of
/// comments.
pub fn folding(cx: &Ctx<'_>) -> Option<Vec<lsp::FoldingRange>> {
    let tree = cx.tree?;
    let src = cx.src;
    let mut out = Vec::new();
    let mut push =
        |start: usize, end: usize, kind: Option<lsp::FoldingRangeKind>, keep_last: bool| {
            let (l1, _) = src.position(start, cx.enc);
            let (l2, _) = src.position(end, cx.enc);
            let last = if keep_last { l2.saturating_sub(1) } else { l2 };
            if last > l1 {
                out.push(lsp::FoldingRange {
                    start_line: l1,
                    start_character: None,
                    end_line: last,
                    end_character: None,
                    kind,
                    collapsed_text: None,
                });
            }
        };
    fn items<'t>(item: &'t Item, out: &mut Vec<&'t Item>) {
        out.push(item);
        for e in &item.body.entries {
            if let Entry::Block(b) = e {
                items(b, out);
            }
        }
    }
    let mut all = Vec::new();
    for i in &tree.items {
        items(i, &mut all);
    }
    for i in all {
        // The closing brace stays visible.
        push(
            i.span.start as usize,
            i.body.span.end.saturating_sub(1) as usize,
            None,
            true,
        );
    }
    walk_values(tree, &mut |_, _, v| match &v.kind {
        ValueKind::List(_) => push(
            v.span.start as usize,
            v.span.end.saturating_sub(1) as usize,
            None,
            true,
        ),
        ValueKind::Str(s) if s.block => {
            push(s.span.start as usize, s.span.end as usize, None, false)
        }
        ValueKind::Scale(b) => push(
            b.span.start as usize,
            b.span.end.saturating_sub(1) as usize,
            None,
            true,
        ),
        _ => {}
    });
    for i in &tree.items {
        if let Some(t) = i.title.as_ref().filter(|t| t.block) {
            push(t.span.start as usize, t.span.end as usize, None, false);
        }
    }
    // Runs of comments on lines of their own, and block comments over several lines.
    let mut run: Option<(usize, usize, u32)> = None;
    let comment = Some(lsp::FoldingRangeKind::Comment);
    for c in &tree.comments {
        let (line, _) = src.position(c.span.start as usize, cx.enc);
        let (end_line, _) = src.position(c.span.end as usize, cx.enc);
        if end_line > line {
            push(
                c.span.start as usize,
                c.span.end as usize,
                comment.clone(),
                false,
            );
        }
        run = match run {
            Some((s, _, last)) if c.own_line && line == last + 1 && !c.blank_before => {
                Some((s, c.span.end as usize, end_line))
            }
            previous => {
                if let Some((s, e, _)) = previous {
                    push(s, e, comment.clone(), false);
                }
                c.own_line
                    .then_some((c.span.start as usize, c.span.end as usize, end_line))
            }
        };
    }
    if let Some((s, e, _)) = run {
        push(s, e, comment, false);
    }
    out.sort_by_key(|f| (f.start_line, f.end_line));
    out.dedup_by(|a, b| a.start_line == b.start_line && a.end_line == b.end_line);
    Some(out)
}

// ----- semantic tokens -----------------------------------------------------------------------

/// The token types, in legend order: standard types only, so every editor colours them.
const TOKEN_TYPES: &[&str] = &[
    "keyword",       // 0 item and block keywords, `included`, `true`
    "property",      // 1 field names
    "string",        // 2 strings, titles, `file(…)` paths
    "number",        // 3 numbers, dates, durations
    "comment",       // 4
    "enumMember",    // 5 requirement ids, vocabulary words, levels
    "variable",      // 6 person
    "class",         // 7 team
    "interface",     // 8 party
    "struct",        // 9 asset
    "event",         // 10 risk
    "function",      // 11 control
    "type",          // 12 policy
    "parameter",     // 13 obligation
    "typeParameter", // 14 objective
    "namespace",     // 15 frameworks
];

/// The token modifiers, in legend order: two standard ones, then one per kind of item (declared
/// in the VS Code extension, so themes can tell kinds apart beyond the standard types).
const TOKEN_MODIFIERS: &[&str] = &[
    "declaration",
    "defaultLibrary",
    "person",
    "team",
    "party",
    "asset",
    "risk",
    "control",
    "policy",
    "obligation",
    "objective",
    "audit",
    "nonconformity",
    "review",
    "role",
    "competence",
];

/// The legend advertised at initialisation.
pub fn legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TOKEN_TYPES
            .iter()
            .map(|t| lsp::SemanticTokenType::new(t))
            .collect(),
        token_modifiers: TOKEN_MODIFIERS
            .iter()
            .map(|t| lsp::SemanticTokenModifier::new(t))
            .collect(),
    }
}

const DECLARATION: u32 = 1;
const DEFAULT_LIBRARY: u32 = 2;

fn kind_token(k: Kind) -> (u32, u32) {
    let ty = match k {
        Kind::Person => 6,
        Kind::Team => 7,
        Kind::Party => 8,
        Kind::Asset => 9,
        Kind::Risk => 10,
        Kind::Control => 11,
        Kind::Policy => 12,
        Kind::Obligation => 13,
        Kind::Objective => 14,
        Kind::Audit | Kind::Review | Kind::Nonconformity => 10,
        Kind::Role => 7,
        Kind::Competence => 1,
    };
    (ty, 1 << (2 + k as u32))
}

struct Tokens<'a> {
    cx: &'a Ctx<'a>,
    raw: Vec<(usize, usize, u32, u32)>,
}

impl Tokens<'_> {
    fn add(&mut self, span: Span, ty: u32, mods: u32) {
        if span.file == self.cx.file && span.end > span.start {
            self.raw
                .push((span.start as usize, span.end as usize, ty, mods));
        }
    }

    /// A name that may be a resolved reference.
    fn reference(&mut self, span: Span, fallback: Option<u32>) {
        let a = self.cx.analysis;
        match a.facts.index.at(span.file, span.start as usize) {
            Some((_, Node::Entity(e), _)) => {
                if let Some(x) = a.model.entity(e) {
                    let (t, m) = kind_token(x.kind);
                    self.add(span, t, m);
                }
            }
            Some((_, Node::Requirement(r), _)) => {
                let lib = a
                    .model
                    .requirement(r)
                    .and_then(|q| a.sources.get(q.span.file))
                    .is_some_and(|f| f.origin == Origin::Stdlib);
                self.add(span, 5, if lib { DEFAULT_LIBRARY } else { 0 });
            }
            _ => {
                if let Some(t) = fallback {
                    self.add(span, t, 0);
                }
            }
        }
    }

    fn value(&mut self, v: &Value, words: bool) {
        match &v.kind {
            ValueKind::Str(_) => self.add(v.span, 2, 0),
            ValueKind::File(p) => self.add(p.span, 2, 0),
            ValueKind::Date(_) | ValueKind::Duration(_) | ValueKind::Int(_) => {
                self.add(v.span, 3, 0)
            }
            ValueKind::Bool(_) => self.add(v.span, 0, 0),
            ValueKind::Ref(n) => self.reference(n.span, words.then_some(5)),
            ValueKind::Qualified(q) => {
                self.add(q.framework.span, 15, 0);
                self.reference(v.span, Some(5));
            }
            ValueKind::Framework(f) => self.add(f.span, 15, 0),
            ValueKind::List(items) => {
                for i in items {
                    self.value(i, words);
                }
            }
            ValueKind::Pair(p) => {
                self.reference(p.key.span, None);
                self.add(p.value.span, 2, 0);
            }
            ValueKind::SignOff(s) => {
                self.reference(s.who.span, None);
                // The dates: what follows the `@`.
                let text = self.cx.src.text.get(v.span.range()).unwrap_or("");
                if let Some(at) = text.find('@') {
                    let mut i = at + 1;
                    for part in text.get(at + 1..).unwrap_or("").split_whitespace() {
                        let Some(pos) = text.get(i..).and_then(|t| t.find(part)) else {
                            break;
                        };
                        let start = i + pos;
                        let ty = if part == "until" { 0 } else { 3 };
                        self.add(
                            Span::new(
                                v.span.file,
                                v.span.start as usize + start,
                                v.span.start as usize + start + part.len(),
                            ),
                            ty,
                            0,
                        );
                        i = start + part.len();
                    }
                }
            }
            ValueKind::Scale(b) => {
                let kw = Span::new(
                    v.span.file,
                    v.span.start as usize,
                    v.span.start as usize + "scale".len(),
                );
                if self.cx.src.text.get(kw.range()) == Some("scale") {
                    self.add(kw, 0, 0);
                }
                self.body(b, true);
            }
            ValueKind::Invalid => {}
        }
    }

    fn body(&mut self, body: &ast::Body, words: bool) {
        for e in &body.entries {
            match e {
                Entry::Field(f) => {
                    self.add(f.name.span, if words { 5 } else { 1 }, 0);
                    // Bare words in a field that takes a vocabulary or a level are values.
                    self.value(&f.value, true);
                }
                Entry::Block(b) => self.item(b),
                Entry::Statement(s) => {
                    if let Some(f) = &s.framework {
                        self.add(f.span, 15, 0);
                    }
                    self.reference(s.subject.span, Some(5));
                    self.add(s.verb.span, 0, 0);
                    if let Some(arg) = &s.arg {
                        self.value(arg, true);
                    }
                }
                Entry::Error(_) => {}
            }
        }
    }

    fn item(&mut self, item: &Item) {
        self.add(item.keyword.span, 0, 0);
        match &item.name {
            Some(HeadName::Id(n)) => match Kind::of_item_keyword(&item.keyword.text) {
                Some(k) => {
                    let (t, m) = kind_token(k);
                    self.add(n.span, t, m | DECLARATION);
                }
                None => self.add(n.span, 5, DECLARATION),
            },
            Some(HeadName::Framework(f)) => self.add(f.span, 15, DECLARATION),
            Some(HeadName::Mapping(a, b)) => {
                self.add(a.span, 15, 0);
                self.add(b.span, 15, 0);
            }
            None => {}
        }
        if let Some(t) = &item.title {
            self.add(t.span, 2, 0);
        }
        let words = item.keyword.text == "matrix";
        self.body(&item.body, words);
    }
}

/// The semantic tokens of the document (of a range of it, when given).
pub fn semantic_tokens(
    cx: &Ctx<'_>,
    range: Option<lsp::Range>,
) -> Option<lsp::SemanticTokensResult> {
    let tree = cx.tree?;
    let mut t = Tokens {
        cx,
        raw: Vec::new(),
    };
    for item in &tree.items {
        t.item(item);
    }
    for c in &tree.comments {
        t.add(c.span, 4, 0);
    }
    let mut raw = t.raw;
    raw.sort_by_key(|r| (r.0, r.1));
    // No overlaps: a later token starting inside an earlier one is dropped.
    let mut kept: Vec<(usize, usize, u32, u32)> = Vec::with_capacity(raw.len());
    for r in raw {
        if kept.last().is_some_and(|k| r.0 < k.1) {
            continue;
        }
        kept.push(r);
    }
    let src = cx.src;
    let mut data = Vec::with_capacity(kept.len());
    let (mut last_line, mut last_col) = (0u32, 0u32);
    for (start, end, ty, mods) in kept {
        for (s, e) in split_lines(src, start, end) {
            let (line, col) = src.position(s, cx.enc);
            let (_, end_col) = src.position(e, cx.enc);
            if let Some(r) = range {
                if line < r.start.line || line > r.end.line {
                    continue;
                }
            }
            let length = end_col.saturating_sub(col);
            if length == 0 {
                continue;
            }
            let delta_line = line - last_line;
            let delta_start = if delta_line == 0 { col - last_col } else { col };
            data.push(lsp::SemanticToken {
                delta_line,
                delta_start,
                length,
                token_type: ty,
                token_modifiers_bitset: mods,
            });
            last_line = line;
            last_col = col;
        }
    }
    Some(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens {
        result_id: None,
        data,
    }))
}

/// A byte range cut at line ends (tokens may not span lines).
fn split_lines(src: &SourceFile, start: usize, end: usize) -> Vec<(usize, usize)> {
    let first = src.line_of(start);
    let last = src.line_of(end);
    if first == last {
        return vec![(start, end)];
    }
    (first..=last)
        .filter_map(|l| {
            let (r, _) = src.line_range(l)?;
            let s = r.start.max(start);
            let e = r.end.min(end);
            (e > s).then_some((s, e))
        })
        .collect()
}

// ----- inlay hints ---------------------------------------------------------------------------

fn days(from: Date, to: Date) -> i64 {
    to.day_number() - from.day_number()
}

fn when(today: Date, date: Date, past: &str) -> String {
    match days(today, date) {
        0 => "today".into(),
        1 => "tomorrow".into(),
        n if n > 0 => format!("in {n} days"),
        -1 => format!("{past} yesterday"),
        n => format!("{past} {} days ago", -n),
    }
}

fn field<'t>(item: &'t Item, name: &str) -> Option<&'t ast::Field> {
    item.body.entries.iter().find_map(|e| match e {
        Entry::Field(f) if f.name.text == name => Some(f),
        _ => None,
    })
}

/// Inlay hints: risk scores after the ratings, and dates put in relation to today.
pub fn inlay_hints(cx: &Ctx<'_>, range: lsp::Range) -> Option<Vec<lsp::InlayHint>> {
    let tree = cx.tree?;
    let a = cx.analysis;
    let m = &a.model;
    let from = cx.offset(range.start);
    let to = cx.offset(range.end);
    let mut out = Vec::new();
    let mut hint = |at: usize, label: String, tooltip: Option<String>| {
        if at < from || at > to {
            return;
        }
        out.push(lsp::InlayHint {
            position: convert::position(cx.src, at, cx.enc),
            label: lsp::InlayHintLabel::String(label),
            kind: None,
            text_edits: None,
            tooltip: tooltip.map(lsp::InlayHintTooltip::String),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    };
    let threshold = m.risk_method.as_ref().and_then(|r| r.accept_at_or_below);
    for item in &tree.items {
        let Some(HeadName::Id(id)) = &item.name else {
            continue;
        };
        let Some(&eid) = m.index.get(id.text.as_str()) else {
            continue;
        };
        let Some(entity) = m.entity(eid) else {
            continue;
        };
        if entity.id_span != id.span {
            continue;
        }
        match &entity.data {
            Data::Risk(r) => {
                let assessed = a.facts.register.risks.iter().find(|x| x.risk == eid);
                let end_of = |rating: &ismsc_core::model::Rating| {
                    [rating.likelihood.as_ref(), rating.impact.as_ref()]
                        .into_iter()
                        .flatten()
                        .map(|w| w.span.end as usize)
                        .max()
                };
                if let (Some(at), Some(score)) =
                    (end_of(&r.inherent), assessed.and_then(|x| x.inherent))
                {
                    let label = format!("score {score}");
                    hint(
                        at,
                        label,
                        Some("inherent risk: likelihood × impact under the risk method".into()),
                    );
                }
                if let Some(res) = &r.residual {
                    if let (Some(at), Some(score)) =
                        (end_of(res), assessed.and_then(|x| x.residual))
                    {
                        let verdict = match (threshold, assessed.map(|x| x.acceptable)) {
                            (Some(t), Some(true)) => format!(" ≤ {t}, acceptable"),
                            (Some(t), Some(false)) => format!(" > {t}, needs acceptance"),
                            _ => String::new(),
                        };
                        hint(
                            at,
                            format!("residual {score}{verdict}"),
                            Some("residual risk after treatment".into()),
                        );
                    }
                }
                if let Some(acc) = &r.accepted {
                    if let Some(until) = acc.until {
                        hint(
                            acc.span.end as usize,
                            format!("expires {}", when(cx.today, until, "expired")),
                            None,
                        );
                    }
                }
            }
            Data::Control(c) => {
                let done = c
                    .status
                    .is_some_and(|s| s.value == ismsc_core::model::ControlStatus::Implemented);
                if let (Some(due), Some(f), false) = (c.due, field(item, "due"), done) {
                    hint(
                        f.value.span.end as usize,
                        when(cx.today, due, "was due"),
                        None,
                    );
                }
                for (ev, b) in
                    c.evidence
                        .iter()
                        .zip(item.body.entries.iter().filter_map(|e| match e {
                            Entry::Block(b)
                                if b.keyword.text == "evidence" && b.title.is_some() =>
                            {
                                Some(b)
                            }
                            _ => None,
                        }))
                {
                    if let (Some(collected), Some(every), Some(f)) =
                        (ev.collected, ev.every, field(b, "every"))
                    {
                        let next = collected.plus(every);
                        hint(
                            f.value.span.end as usize,
                            format!("next {next}, {}", when(cx.today, next, "was due")),
                            None,
                        );
                    }
                }
            }
            Data::Policy(p) => {
                if let (Some(ap), Some(review), Some(f)) =
                    (&p.approved, p.review, field(item, "review"))
                {
                    let next = ap.date.plus(review);
                    hint(
                        f.value.span.end as usize,
                        format!("review {next}, {}", when(cx.today, next, "was due")),
                        None,
                    );
                }
            }
            Data::Objective(o) => {
                if let (Some(due), Some(f)) = (o.due, field(item, "due")) {
                    hint(
                        f.value.span.end as usize,
                        when(cx.today, due, "was due"),
                        None,
                    );
                }
            }
            _ => {}
        }
    }
    Some(out)
}
