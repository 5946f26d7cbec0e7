//! The changes for people (terraform-plan style), for a pull-request comment (markdown) and
//! for tools (JSON through the DTO `emit::dto::DiffDoc`). Pure and deterministic.

use std::collections::BTreeMap;

use serde_json::Value;

use super::classes::{self, Class, Level};
use super::{Change, ChangeKind, Diff, Section};
use crate::emit::dto::{DiffChange, DiffDoc, DiffField, DiffSummary, DIFF_FORMAT_VERSION};

/// GitHub refuses a comment longer than this many characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// The first line of the markdown report, so that CI can find and update its own comment.
pub const MARKER: &str = "<!-- ismsc diff -->";

/// A section with more rows than this is folded in `<details>` in the markdown report.
const FOLD_ROWS: usize = 10;

/// The one-line summary: "SoA: 3 rows changed (1 newly excluded) · Risks: 1 added, 1 residual
/// down"; "no changes" when nothing changed.
pub fn summary(diff: &Diff) -> String {
    let mut parts = Vec::new();
    for section in Section::ALL {
        let changes: Vec<&Change> = diff
            .changes
            .iter()
            .filter(|c| c.section == section)
            .collect();
        if changes.is_empty() {
            continue;
        }
        let mut counts: Vec<(&'static Class, usize)> = Vec::new();
        for c in &changes {
            match counts.iter_mut().find(|(k, _)| k.id == c.class.id) {
                Some((_, n)) => *n += 1,
                None => counts.push((c.class, 1)),
            }
        }
        counts.sort_by_key(|(k, _)| classes::rank(k));
        let list = counts
            .iter()
            .map(|(k, n)| format!("{n} {}", k.short))
            .collect::<Vec<_>>()
            .join(", ");
        if section == Section::Soa {
            let rows = diff.changed_in(section);
            parts.push(format!(
                "{}: {rows} {} changed ({list})",
                section.short(),
                section.noun(rows)
            ));
        } else {
            parts.push(format!("{}: {list}", section.short()));
        }
    }
    if parts.is_empty() {
        "no changes".to_string()
    } else {
        parts.join(" · ")
    }
}

/// A value in one short line: strings quoted, lists and objects as compact JSON, a policy text
/// by its number of lines, cut to `max` characters.
fn show(field: &str, v: &Value, max: usize) -> String {
    let text = match v {
        Value::Null => "none".to_string(),
        Value::String(s) if field == "text" => {
            let n = s.lines().count();
            format!("({n} line{})", if n == 1 { "" } else { "s" })
        }
        other => serde_json::to_string(other).unwrap_or_default(),
    };
    cut(&text, max)
}

/// A changed value before and after, each in one short line: where both are long, what tells
/// them apart — the elements a list gained and lost, the part of a text from a little before
/// where it starts to differ.
fn pair(field: &str, before: &Value, after: &Value, max: usize) -> (String, String) {
    let (b, a) = (
        show(field, before, usize::MAX),
        show(field, after, usize::MAX),
    );
    let fits = b.chars().count() <= max && a.chars().count() <= max;
    // From a little before the first difference.
    let window = |b: &str, a: &str| {
        let common = b.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
        let skip = common.saturating_sub(12);
        let tail = |s: &str| {
            if skip == 0 {
                cut(s, max)
            } else {
                cut(
                    &format!("…{}", s.chars().skip(skip).collect::<String>()),
                    max,
                )
            }
        };
        (tail(b), tail(a))
    };
    match (before, after) {
        _ if fits => (b, a),
        (Value::Array(x), Value::Array(y)) => {
            let text = |v: &Value| serde_json::to_string(v).unwrap_or_default();
            let xs: Vec<String> = x.iter().map(text).collect();
            let ys: Vec<String> = y.iter().map(text).collect();
            let gone: Vec<&str> = xs
                .iter()
                .filter(|v| !ys.contains(v))
                .map(String::as_str)
                .collect();
            let new: Vec<&str> = ys
                .iter()
                .filter(|v| !xs.contains(v))
                .map(String::as_str)
                .collect();
            let items = |n: usize| format!("[{n} item{}]", if n == 1 { "" } else { "s" });
            let mut after = items(ys.len());
            if !new.is_empty() {
                after.push_str(&format!(" + {}", new.join(", ")));
            }
            if !gone.is_empty() {
                after.push_str(&format!(" - {}", gone.join(", ")));
            }
            if after.chars().count() <= max {
                (items(xs.len()), after)
            } else {
                window(&b, &a)
            }
        }
        (Value::String(_), Value::String(_)) if field != "text" => window(&b, &a),
        (Value::Object(_), Value::Object(_)) => window(&b, &a),
        _ => (cut(&b, max), cut(&a, max)),
    }
}

fn cut(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut s: String = one_line.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The changes of one thing, grouped: (section, id) → its changes in order.
fn by_thing(diff: &Diff) -> Vec<Vec<&Change>> {
    let mut out: Vec<Vec<&Change>> = Vec::new();
    for c in &diff.changes {
        match out.last_mut() {
            Some(group)
                if group
                    .first()
                    .is_some_and(|f| f.section == c.section && f.id == c.id) =>
            {
                group.push(c)
            }
            _ => out.push(vec![c]),
        }
    }
    out
}

/// The symbol of a thing: `+` added, `-` removed, `~` changed.
fn symbol(group: &[&Change]) -> char {
    group
        .first()
        .map(|c| c.kind.symbol())
        .unwrap_or(ChangeKind::Changed.symbol())
}

/// The fields of a thing's changes, each once, with the titles of the classes behind it.
fn fields<'a>(group: &[&'a Change]) -> Vec<(&'a str, &'a (Value, Value), Vec<&'static str>)> {
    let mut out: Vec<(&str, &(Value, Value), Vec<&'static str>)> = Vec::new();
    for c in group {
        for (name, pair) in &c.fields {
            match out.iter_mut().find(|(n, _, _)| *n == name.as_str()) {
                Some((_, _, titles)) => {
                    if !titles.contains(&c.class.title) {
                        titles.push(c.class.title);
                    }
                }
                None => out.push((name.as_str(), pair, vec![c.class.title])),
            }
        }
    }
    out
}

/// For people, in the style of `terraform plan`: per section, `+` added, `-` removed and `~`
/// changed things, each changed field with its value before and after and the class it
/// counts for; then the one-line summary.
pub fn human(diff: &Diff, old: &str, new: &str) -> String {
    let mut out = format!("ismsc diff: {old} -> {new}\n");
    if diff.is_empty() {
        out.push_str("\nNo changes.\n");
        return out;
    }
    let groups = by_thing(diff);
    for section in Section::ALL {
        let groups: Vec<&Vec<&Change>> = groups
            .iter()
            .filter(|g| g.first().is_some_and(|c| c.section == section))
            .collect();
        if groups.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", section.heading()));
        for group in groups {
            let Some(first) = group.first() else { continue };
            let title = first
                .title
                .as_deref()
                .map(|t| format!("  {}", cut(t, 70)))
                .unwrap_or_default();
            let sym = symbol(group);
            if first.kind != ChangeKind::Changed {
                out.push_str(&format!(
                    "  {sym} {}{title}  # {}\n",
                    first.id, first.class.title
                ));
                continue;
            }
            out.push_str(&format!("  {sym} {}{title}\n", first.id));
            let fields = fields(group);
            let width = fields
                .iter()
                .map(|(n, _, _)| n.chars().count())
                .max()
                .unwrap_or(0);
            for (name, (before, after), titles) in fields {
                let (b, a) = pair(name, before, after, 60);
                out.push_str(&format!(
                    "      ~ {name:<width$} = {b} -> {a}  # {}\n",
                    titles.join(", ")
                ));
            }
        }
    }
    out.push_str(&format!("\nSummary: {}.\n", summary(diff)));
    out
}

/// Text for a markdown table cell: one line, `|` and markdown punctuation escaped, HTML
/// characters as entities, and `@` kept from mentioning anyone.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@\u{200b}"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// An id in a table cell, as code.
fn md_id(id: &str) -> String {
    if id.contains('`') {
        md(id)
    } else {
        format!("`{}`", id.replace('|', "\\|"))
    }
}

/// A value in a table cell, as code (which neither mentions nor links).
fn md_value(field: &str, v: &Value, max: usize) -> String {
    md_code(&show(field, v, max))
}

/// A shown value as code in a table cell.
fn md_code(text: &str) -> String {
    let text = text.replace('|', "\\|");
    if text.contains('`') {
        md(&text)
    } else {
        format!("`{text}`")
    }
}

/// The cells of one change: before and after, one `field: value` per line.
fn md_values(change: &Change) -> (String, String) {
    if change.kind == ChangeKind::Added || change.kind == ChangeKind::Removed {
        return (String::new(), String::new());
    }
    let mut before = Vec::new();
    let mut after = Vec::new();
    for (name, (b, a)) in &change.fields {
        let (b, a) = pair(name, b, a, 100);
        before.push(format!("{}: {}", md(name), md_code(&b)));
        after.push(format!("{}: {}", md(name), md_code(&a)));
    }
    (before.join("<br>"), after.join("<br>"))
}

fn md_row(change: &Change) -> String {
    let (before, after) = md_values(change);
    format!(
        "| {} | {} | {} | {} | {} | {} |\n",
        change.kind.symbol(),
        md_id(&change.id),
        change
            .title
            .as_deref()
            .map(|t| md(&cut(t, 80)))
            .unwrap_or_default(),
        change.class.title,
        before,
        after
    )
}

/// For a pull-request comment: a marker line, the summary first, a warning block for the
/// changes of level `warning` (new exclusions, regressions, higher residual risk, removed
/// risks, expiring acceptances), then one table per section, folded in `<details>` when it
/// has more than ten rows. Kept under `limit` characters (GitHub's comment limit is
/// [`GITHUB_COMMENT_LIMIT`]): rows that do not fit are left out and counted, with a pointer
/// to the full report.
pub fn markdown(diff: &Diff, old: &str, new: &str, limit: usize) -> String {
    let mut out = format!("{MARKER}\n### ISMS changes\n\n");
    out.push_str(&format!("**{}**\n\n", md(&capitalize(&summary(diff)))));
    out.push_str(&format!(
        "Compared with `ismsc diff`: {} → {}.\n",
        md_id(old),
        md_id(new)
    ));
    if diff.is_empty() {
        out.push_str(
            "\nThe Statement of Applicability, the risk register, the treatment plan and the ISMS's items are the same.\n",
        );
        return out;
    }
    // What must fit after the tables in any case: the pointer to the full report.
    let reserve = 400;
    let budget = limit.saturating_sub(reserve);
    let mut left_out = 0usize;
    let warnings: Vec<&Change> = diff
        .changes
        .iter()
        .filter(|c| c.class.level == Level::Warning)
        .collect();
    if !warnings.is_empty() {
        let mut block = format!(
            "\n> [!WARNING]\n> **{} {} the ISMS weaker in an auditor's eyes** (new exclusions, regressions, higher or removed risks, expiring acceptances):\n",
            warnings.len(),
            if warnings.len() == 1 { "change makes" } else { "changes make" }
        );
        for c in &warnings {
            // The decision and its justification say what a flip is; other changes are
            // their fields.
            let key: Vec<(&String, &(Value, Value))> = if c.fields.contains_key("decision") {
                c.fields
                    .iter()
                    .filter(|(k, _)| *k == "decision" || *k == "justification")
                    .collect()
            } else {
                c.fields.iter().collect()
            };
            let detail = if c.kind != ChangeKind::Changed || key.is_empty() {
                String::new()
            } else {
                let side = |after: bool| {
                    key.iter()
                        .map(|(k, (b, a))| {
                            format!("{}: {}", md(k), md_value(k, if after { a } else { b }, 60))
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                format!(" ({} → {})", side(false), side(true))
            };
            let line = format!(
                "> - {} {}: {}{detail}\n",
                md_id(&c.id),
                c.title
                    .as_deref()
                    .map(|t| md(&cut(t, 80)))
                    .unwrap_or_default(),
                c.class.title
            );
            if out.len() + block.len() + line.len() > budget {
                left_out += 1;
            } else {
                block.push_str(&line);
            }
        }
        out.push_str(&block);
    }
    let header =
        "| | ID | Title | Change | Before | After |\n| --- | --- | --- | --- | --- | --- |\n";
    for section in Section::ALL {
        let rows: Vec<&Change> = diff
            .changes
            .iter()
            .filter(|c| c.section == section)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let things = diff.changed_in(section);
        let title = format!(
            "{}: {things} {} changed",
            section.heading(),
            section.noun(things)
        );
        let fold = rows.len() > FOLD_ROWS;
        let (open, close) = if fold {
            (
                format!(
                    "\n<details><summary>{} ({} changes)</summary>\n\n",
                    md(&title),
                    rows.len()
                ),
                "\n</details>\n".to_string(),
            )
        } else {
            (format!("\n#### {}\n\n", md(&title)), String::new())
        };
        if out.len() + open.len() + header.len() + close.len() > budget {
            left_out += rows.len();
            continue;
        }
        let mut table = String::from(header);
        let mut shown = 0;
        for c in &rows {
            let row = md_row(c);
            if out.len() + open.len() + table.len() + row.len() + close.len() > budget {
                break;
            }
            table.push_str(&row);
            shown += 1;
        }
        if shown == 0 {
            left_out += rows.len();
            continue;
        }
        left_out += rows.len() - shown;
        out.push_str(&open);
        out.push_str(&table);
        out.push_str(&close);
    }
    if left_out > 0 {
        out.push_str(&format!(
            "\n**{left_out} {} not shown**: this comment is kept under GitHub's limit of {GITHUB_COMMENT_LIMIT} characters. The full report is `ismsc diff --format human` (or `--format json`) of the same versions, in the job's log.\n",
            if left_out == 1 { "change is" } else { "changes are" }
        ));
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The JSON document of a diff.
pub fn doc(diff: &Diff, old: &str, new: &str) -> DiffDoc {
    let mut by_class: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_level: BTreeMap<String, usize> = BTreeMap::new();
    for c in &diff.changes {
        *by_class.entry(c.class.id.to_string()).or_default() += 1;
        *by_level
            .entry(c.class.level.as_str().to_string())
            .or_default() += 1;
    }
    DiffDoc {
        format_version: DIFF_FORMAT_VERSION,
        old: old.to_string(),
        new: new.to_string(),
        summary: DiffSummary {
            text: summary(diff),
            changes: diff.changes.len(),
            by_class,
            by_level,
        },
        changes: diff
            .changes
            .iter()
            .map(|c| DiffChange {
                kind: c.section.as_str(),
                id: c.id.clone(),
                title: c.title.clone(),
                change: c.kind.as_str(),
                class: c.class.id,
                class_title: c.class.title,
                clause: c.class.clause,
                level: c.class.level.as_str(),
                fields: c
                    .fields
                    .iter()
                    .map(|(k, (b, a))| {
                        (
                            k.clone(),
                            DiffField {
                                before: b.clone(),
                                after: a.clone(),
                            },
                        )
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// `ismsc diff --format json`.
pub fn json(diff: &Diff, old: &str, new: &str) -> String {
    crate::emit::json::to_json(&doc(diff, old, new))
}
