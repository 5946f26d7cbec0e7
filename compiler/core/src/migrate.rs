//! `ismsc migrate`: moves a project to another edition of its standard (2013 → 2022) through
//! the standard library's `mapping` between the two.
//!
//! The rewrite works on the syntax trees of the project's files and the spans they record:
//! each requirement id of the old edition in `satisfies`, `covers` and `requires` becomes the
//! ids the mapping gives (a split gives several, a merge keeps the first occurrence in a list),
//! `standard` names the new edition, and each applicability statement is rewritten for the new
//! ids with its justification:
//!
//! - statements that merge into one new id become one statement whose justification joins
//!   theirs (two decisions of one control would be E0408);
//! - an exclusion whose new control is also reached from a satisfied old control (or from an
//!   `included` statement) is dropped, because an excluded and satisfied control is E0403; its
//!   justification stays in the file as a comment;
//! - the new edition's controls that no old control maps to are added to the first
//!   `applicability` block as commented TODO lines with their titles, to be decided.
//!
//! Every edited file then goes through the formatter (`fmt::format`), so comments and the
//! layout are kept and nothing else lays out `.isms` text. Every decision is reported. The
//! module computes the new texts; the command line shows them as a diff or writes them.
//!
//! **Architecture Invariant:** no control id is written here: which old id becomes which new
//! one, and which controls are new, comes from the `mapping` in `stdlib/mappings/`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::diag::Severity;
use crate::model::{Data, Kind, Model, Verdict};
use crate::source::{FileId, Origin};
use crate::syntax::ast::{Entry, File, Item, Statement, Value, ValueKind};
use crate::{analyze, Analysis, Input, Options};

/// A file the migration changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewrite {
    /// Its project-relative name.
    pub name: String,
    /// Its text now.
    pub old: String,
    /// Its text after the migration, in the canonical layout.
    pub new: String,
}

/// One decision of the migration, where it was taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The project-relative file.
    pub file: String,
    /// The line (1-based), 0 for the file as a whole.
    pub line: usize,
    /// What was decided.
    pub text: String,
}

/// What a migration does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    /// The edition the project is on.
    pub from: String,
    /// The edition it moves to.
    pub to: String,
    /// The files that change, in load order.
    pub files: Vec<Rewrite>,
    /// Every decision, in file and line order.
    pub notes: Vec<Note>,
    /// The controls of the new edition with no predecessor: (id, title), in catalogue order.
    pub new_controls: Vec<(String, String)>,
    /// The codes `ismsc check` reports on the migrated project (as errors or warnings), with
    /// their counts, in code order.
    pub findings_after: Vec<(String, usize)>,
}

/// Why a project cannot be migrated; the message is ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrateError(pub String);

impl std::fmt::Display for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The migration of an analysed project to the edition `to` (e.g. `iso27001:2022`).
pub fn migrate(
    analysis: &Analysis,
    to: &str,
    options: &Options,
) -> Result<Migration, MigrateError> {
    let model = &analysis.model;
    let Some(from) = model.standard().map(str::to_string) else {
        return Err(MigrateError(
            "the project names no known `standard` in its `isms` block, so there is nothing to migrate from".into(),
        ));
    };
    if from == to {
        return Err(MigrateError(format!("the project is on `{to}` already")));
    }
    let Some(mapping) = model.mappings.iter().find(|m| m.from == from && m.to == to) else {
        return Err(MigrateError(format!(
            "the catalogue has no mapping from `{from}` to `{to}`, so the project cannot be migrated"
        )));
    };
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for link in &mapping.links {
        let targets = map.entry(link.from.id.clone()).or_default();
        if !targets.contains(&link.to.id) {
            targets.push(link.to.id.clone());
        }
    }
    let reached: BTreeSet<&str> = map.values().flatten().map(String::as_str).collect();
    let new_controls: Vec<(String, String)> = model
        .requirements_of(to)
        .filter(|(_, r)| !reached.contains(r.id.as_str()))
        .map(|(_, r)| (r.id.clone(), r.title.clone()))
        .collect();

    let trees = analysis.project_trees();
    let mut m = Migrator {
        analysis,
        trees: &trees,
        from: &from,
        to,
        map: &map,
        edits: BTreeMap::new(),
        notes: Vec::new(),
    };
    m.standard();
    m.lists();
    m.statements();
    m.new_controls(&new_controls);

    // The edited texts, through the formatter.
    let mut files = Vec::new();
    for (file, mut edits) in std::mem::take(&mut m.edits) {
        let Some(source) = analysis.sources.get(file) else {
            continue;
        };
        edits.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(a.0.end.cmp(&b.0.end)));
        let mut text = String::with_capacity(source.text.len() + 256);
        let mut at = 0;
        for (range, with) in &edits {
            if range.start < at {
                return Err(MigrateError(format!(
                    "internal error of the migration: two changes overlap in `{}`; nothing was written. This is a bug of ismsc: please report it",
                    source.name
                )));
            }
            text.push_str(source.text.get(at..range.start).unwrap_or(""));
            text.push_str(with);
            at = range.end;
        }
        text.push_str(source.text.get(at..).unwrap_or(""));
        let formatted = crate::fmt::format(&text).map_err(|e| {
            MigrateError(match e {
                crate::fmt::FmtError::Internal(e) => format!("`{}`: {e}", source.name),
                crate::fmt::FmtError::Syntax(_) => format!(
                    "internal error of the migration: the rewritten `{}` does not parse; nothing was written. This is a bug of ismsc: please report it",
                    source.name
                ),
            })
        })?;
        if formatted != source.text {
            files.push(Rewrite {
                name: source.name.clone(),
                old: source.text.clone(),
                new: formatted,
            });
        }
    }
    let mut notes = m.notes;
    notes.sort_by(|a, b| {
        let order = |n: &Note| analysis.sources.find(&n.file).map(|f| f.0);
        order(a).cmp(&order(b)).then(a.line.cmp(&b.line))
    });
    let findings_after = check_after(analysis, &files, options);
    Ok(Migration {
        from,
        to: to.to_string(),
        files,
        notes,
        new_controls,
        findings_after,
    })
}

/// The findings of the migrated project, counted by code.
fn check_after(analysis: &Analysis, files: &[Rewrite], options: &Options) -> Vec<(String, usize)> {
    let mut project: Vec<(String, String)> = Vec::new();
    for (_, f) in analysis.sources.iter() {
        if f.origin != Origin::Project {
            continue;
        }
        let text = files
            .iter()
            .find(|r| r.name == f.name)
            .map_or_else(|| f.text.clone(), |r| r.new.clone());
        project.push((f.name.clone(), text));
    }
    let after = analyze(Input::from_memory(project), options);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for d in &after.diagnostics {
        if matches!(d.severity, Severity::Error | Severity::Warning) {
            *counts.entry(d.code.as_str().to_string()).or_default() += 1;
        }
    }
    counts.into_iter().collect()
}

/// A string literal of the language for `s`.
fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Joins justifications: each once, in order, as sentences.
fn join_reasons(reasons: &[&str]) -> String {
    let mut out = String::new();
    let mut seen = BTreeSet::new();
    for r in reasons {
        let r = r.trim();
        if r.is_empty() || !seen.insert(r) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if out.ends_with(['.', '!', '?']) {
                " "
            } else {
                "; "
            });
        }
        out.push_str(r);
    }
    out
}

/// How one statement's new id is decided.
#[derive(Clone, Debug)]
enum Outcome {
    /// Written, with the justifications of every statement merged into it.
    Written(Vec<usize>),
    /// Merged into the statement that writes it.
    Merged,
    /// An exclusion dropped: why.
    Dropped(String),
}

/// One applicability statement of the old edition.
struct Old<'a> {
    file: FileId,
    statement: &'a Statement,
    id: String,
    verdict: Verdict,
    reason: Option<String>,
    /// Its new ids with what becomes of each.
    targets: Vec<(String, Outcome)>,
}

struct Migrator<'a> {
    analysis: &'a Analysis,
    /// The project's syntax trees.
    trees: &'a [std::sync::Arc<File>],
    from: &'a str,
    to: &'a str,
    map: &'a BTreeMap<String, Vec<String>>,
    /// Per file: (byte range, replacement).
    edits: BTreeMap<FileId, Vec<(Range<usize>, String)>>,
    notes: Vec<Note>,
}

impl<'a> Migrator<'a> {
    fn model(&self) -> &'a Model {
        &self.analysis.model
    }

    /// The project's syntax trees.
    fn files(&self) -> impl Iterator<Item = &'a File> + 'a {
        self.trees.iter().map(|f| &**f)
    }

    fn text(&self, file: FileId) -> &'a str {
        self.analysis
            .sources
            .get(file)
            .map(|f| f.text.as_str())
            .unwrap_or("")
    }

    fn note(&mut self, file: FileId, offset: usize, text: String) {
        let (name, line) = match self.analysis.sources.get(file) {
            Some(f) => (f.name.clone(), f.line_col(offset).0),
            None => (String::new(), 0),
        };
        self.notes.push(Note {
            file: name,
            line,
            text,
        });
    }

    fn edit(&mut self, file: FileId, range: Range<usize>, with: String) {
        self.edits.entry(file).or_default().push((range, with));
    }

    /// The old-edition id a value names: a bare id (the project's standard) or one qualified
    /// with the old edition.
    fn old_id(&self, v: &Value) -> Option<String> {
        match &v.kind {
            ValueKind::Ref(n) => Some(n.text.to_string()),
            ValueKind::Qualified(q) if q.framework.key == self.from => Some(q.id.text.to_string()),
            _ => None,
        }
    }

    /// `standard = OLD` becomes `standard = NEW`.
    fn standard(&mut self) {
        for file in self.files() {
            for item in file.items.iter().filter(|i| i.keyword.text == "isms") {
                for e in &item.body.entries {
                    let Entry::Field(f) = e else { continue };
                    if f.name.text != "standard" {
                        continue;
                    }
                    if let ValueKind::Framework(fr) = &f.value.kind {
                        if fr.key == self.from {
                            self.edit(file.file, fr.span.range(), self.to.to_string());
                            self.note(
                                file.file,
                                fr.span.range().start,
                                format!("standard: {} → {}", self.from, self.to),
                            );
                        }
                    }
                }
            }
        }
    }

    /// The ids in `satisfies`, `covers` and `requires`.
    fn lists(&mut self) {
        let fields: [(&str, &str); 3] = [
            ("control", "satisfies"),
            ("policy", "covers"),
            ("risk", "requires"),
        ];
        let files: Vec<&File> = self.files().collect();
        for file in files {
            for item in &file.items {
                let Some((_, field)) = fields.iter().find(|(k, _)| *k == item.keyword.text) else {
                    continue;
                };
                for e in &item.body.entries {
                    let Entry::Field(f) = e else { continue };
                    if f.name.text == *field {
                        self.list(file.file, item, field, &f.value);
                    }
                }
            }
        }
    }

    fn list(&mut self, file: FileId, item: &Item, field: &str, value: &Value) {
        let owner = match &item.name {
            Some(crate::syntax::ast::HeadName::Id(n)) => {
                format!("{} `{}`", item.keyword.text, n.text)
            }
            _ => item.keyword.text.to_string(),
        };
        let (elements, single) = match &value.kind {
            ValueKind::List(items) => (items.iter().collect::<Vec<_>>(), false),
            _ => (vec![value], true),
        };
        let text = self.text(file);
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut steps: Vec<String> = Vec::new();
        let mut deleted: Vec<Range<usize>> = Vec::new();
        for v in &elements {
            let Some(id) = self.old_id(v) else {
                continue;
            };
            let Some(targets) = self.map.get(&id) else {
                steps.push(format!("{id} kept (no counterpart in {})", self.to));
                continue;
            };
            let fresh: Vec<&String> = targets.iter().filter(|t| !seen.contains(*t)).collect();
            let span = v.span.range();
            if fresh.is_empty() {
                steps.push(format!("{id} → {} (merged)", targets.join(", ")));
                if single {
                    continue;
                }
                // The element goes, with the comma that separates it from the next one or,
                // for the last, from the one before.
                deleted.push(span.clone());
                match comma_after(text, span.end) {
                    Some(c) => deleted.push(c..c + 1),
                    None => {
                        if let Some(c) = comma_before(text, span.start, &deleted) {
                            deleted.push(c..c + 1);
                        }
                    }
                }
                continue;
            }
            let new: Vec<String> = fresh.iter().map(|t| (*t).clone()).collect();
            seen.extend(new.iter().cloned());
            let listed: Vec<&str> = targets
                .iter()
                .filter(|t| !new.contains(t))
                .map(String::as_str)
                .collect();
            steps.push(if listed.is_empty() {
                format!("{id} → {}", new.join(", "))
            } else {
                format!(
                    "{id} → {} ({} listed already)",
                    new.join(", "),
                    listed.join(", ")
                )
            });
            let with = if single && new.len() > 1 {
                format!("[{}]", new.join(", "))
            } else {
                new.join(", ")
            };
            self.edit(file, span, with);
        }
        for r in deleted {
            self.edit(file, r, String::new());
        }
        if !steps.is_empty() {
            self.note(
                file,
                value.span.range().start,
                format!("{owner} {field}: {}", steps.join("; ")),
            );
        }
    }

    /// The applicability statements.
    fn statements(&mut self) {
        let model = self.model();
        // The new ids reached by a satisfied old control: new id → (control, old id).
        let mut satisfied: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (_, e) in model.of_kind(Kind::Control) {
            let Data::Control(c) = &e.data else { continue };
            for q in &c.satisfies {
                let Some(r) = q.target.and_then(|t| model.requirement(t)) else {
                    continue;
                };
                let key = model.frameworks.get(r.framework).map(|f| f.key.as_str());
                if key != Some(self.from) {
                    continue;
                }
                for t in self.map.get(&r.id).into_iter().flatten() {
                    satisfied
                        .entry(t.clone())
                        .or_insert_with(|| (e.id.clone(), r.id.clone()));
                }
            }
        }
        let mut olds: Vec<Old<'a>> = Vec::new();
        let files: Vec<&'a File> = self.files().collect();
        for file in files {
            for item in file
                .items
                .iter()
                .filter(|i| i.keyword.text == "applicability")
            {
                for e in &item.body.entries {
                    let Entry::Statement(s) = e else { continue };
                    let id = match &s.framework {
                        None => s.subject.text.clone(),
                        Some(f) if f.key == self.from => s.subject.text.clone(),
                        Some(_) => continue,
                    };
                    let verdict = match s.verb.text.as_str() {
                        "included" => Verdict::Included,
                        "excluded" => Verdict::Excluded,
                        _ => continue,
                    };
                    let reason = s.arg.as_ref().and_then(|a| match &a.kind {
                        ValueKind::Str(st) => Some(st.value.clone()),
                        _ => None,
                    });
                    olds.push(Old {
                        file: file.file,
                        statement: s,
                        id: id.to_string(),
                        verdict,
                        reason,
                        targets: Vec::new(),
                    });
                }
            }
        }
        // The new ids an `included` statement reaches: new id → old id.
        let mut included: BTreeMap<String, String> = BTreeMap::new();
        for o in olds.iter().filter(|o| o.verdict == Verdict::Included) {
            for t in self.map.get(&o.id).into_iter().flatten() {
                included.entry(t.clone()).or_insert_with(|| o.id.clone());
            }
        }
        // Who writes each new id: the first statement of its verdict that reaches it.
        let mut writer: BTreeMap<(String, bool), usize> = BTreeMap::new();
        for i in 0..olds.len() {
            let Some((id, verdict)) = olds.get(i).map(|o| (o.id.clone(), o.verdict)) else {
                continue;
            };
            let targets = self.map.get(&id).cloned().unwrap_or_default();
            let mut outcomes = Vec::new();
            for t in targets {
                let excluded = verdict == Verdict::Excluded;
                let outcome = if excluded && satisfied.contains_key(&t) {
                    let (c, via) = satisfied.get(&t).cloned().unwrap_or_default();
                    Outcome::Dropped(format!("{t} is satisfied by control `{c}` (through {via})"))
                } else if excluded && included.contains_key(&t) {
                    let via = included.get(&t).cloned().unwrap_or_default();
                    Outcome::Dropped(format!("{t} is included (through {via})"))
                } else {
                    match writer.get(&(t.clone(), excluded)) {
                        Some(&w) => {
                            if let Some(Old { targets, .. }) = olds.get_mut(w) {
                                for (tt, out) in targets.iter_mut() {
                                    if *tt == t {
                                        if let Outcome::Written(v) = out {
                                            v.push(i);
                                        }
                                    }
                                }
                            }
                            Outcome::Merged
                        }
                        None => {
                            writer.insert((t.clone(), excluded), i);
                            Outcome::Written(vec![i])
                        }
                    }
                };
                outcomes.push((t, outcome));
            }
            if let Some(o) = olds.get_mut(i) {
                o.targets = outcomes;
            }
        }
        for o in &olds {
            self.statement(o, &olds);
        }
    }

    /// The replacement of one old statement.
    fn statement(&mut self, o: &Old<'_>, all: &[Old<'_>]) {
        let text = self.text(o.file);
        let s = o.statement;
        let span = s.span.range();
        let verb = &s.verb.text;
        if !self.map.contains_key(&o.id) {
            self.note(
                o.file,
                span.start,
                format!("{} {verb}: kept, no counterpart in {}", o.id, self.to),
            );
            return;
        }
        let original_arg = s
            .arg
            .as_ref()
            .and_then(|a| text.get(a.span.range()))
            .unwrap_or("");
        let mut lines: Vec<String> = Vec::new();
        let mut told: Vec<String> = Vec::new();
        for (t, outcome) in &o.targets {
            match outcome {
                Outcome::Written(members) => {
                    let reasons: Vec<&str> = members
                        .iter()
                        .filter_map(|m| all.get(*m))
                        .filter_map(|m| m.reason.as_deref())
                        .collect();
                    let merged_from: Vec<&str> = members
                        .iter()
                        .filter_map(|m| all.get(*m))
                        .map(|m| m.id.as_str())
                        .filter(|id| *id != o.id)
                        .collect();
                    let joined = join_reasons(&reasons);
                    let arg = if o.reason.as_deref().map(str::trim) == Some(joined.as_str()) {
                        original_arg.to_string()
                    } else if joined.is_empty() {
                        String::new()
                    } else {
                        literal(&joined)
                    };
                    lines.push(format!("{t} {verb} {arg}").trim_end().to_string());
                    let what = if o.verdict == Verdict::Excluded {
                        "justification"
                    } else {
                        "reason"
                    };
                    told.push(if merged_from.is_empty() {
                        format!("→ {t} {verb}, {what} carried over")
                    } else {
                        format!(
                            "→ {t} {verb}, merged with {} ({what}s joined)",
                            merged_from.join(", ")
                        )
                    });
                }
                Outcome::Merged => {
                    told.push(format!("→ {t}: merged into the statement that decides it"))
                }
                Outcome::Dropped(why) => {
                    lines.push(format!(
                        "// ismsc migrate: the {from} exclusion of {id} was dropped: {why}. It read: {reason}",
                        from = self.from,
                        id = o.id,
                        reason = o.reason.as_deref().map(literal).unwrap_or_default()
                    ));
                    told.push(format!(
                        "→ {t}: exclusion dropped, {why} (an excluded and satisfied control is E0403); its justification is kept as a comment"
                    ));
                }
            }
        }
        // A statement that goes entirely takes its line with it, unless something else is
        // on that line (a trailing comment stays).
        let range = if lines.is_empty() {
            whole_line(text, span.clone())
        } else {
            span.clone()
        };
        self.edit(o.file, range, lines.join("\n"));
        self.note(
            o.file,
            span.start,
            format!("{} {verb} {}", o.id, told.join("; ")),
        );
    }

    /// The new edition's new controls, as TODO lines in the first `applicability` block (a new
    /// one beside the `isms` block when the project has none).
    fn new_controls(&mut self, controls: &[(String, String)]) {
        if controls.is_empty() {
            return;
        }
        let width = controls
            .iter()
            .map(|(id, _)| id.chars().count())
            .max()
            .unwrap_or(0);
        let mut lines = vec![format!(
            "// TODO: the {n} controls new in {to}, with no predecessor in {from}: decide each (a control's `satisfies`, or `ID included \"why\"` / `ID excluded \"why not\"` here) and delete its line.",
            n = controls.len(),
            to = self.to,
            from = self.from
        )];
        for (id, title) in controls {
            let pad = " ".repeat(width.saturating_sub(id.chars().count()));
            lines.push(format!("// TODO {id}{pad}  {title}"));
        }
        let block = lines.join("\n");
        let ids: Vec<&str> = controls.iter().map(|(id, _)| id.as_str()).collect();
        let summary = format!(
            "{} controls new in {} added as TODO lines to decide: {}",
            controls.len(),
            self.to,
            ids.join(", ")
        );
        let mut target: Option<(FileId, usize)> = None;
        let mut isms_file: Option<FileId> = None;
        for file in self.files() {
            let text = self.text(file.file);
            for item in &file.items {
                if item.keyword.text == "isms" && isms_file.is_none() {
                    isms_file = Some(file.file);
                }
                if item.keyword.text == "applicability" && target.is_none() {
                    let close = item.body.span.range().end.saturating_sub(1);
                    if text.get(close..close + 1) == Some("}") {
                        target = Some((file.file, close));
                    }
                }
            }
        }
        match (
            target,
            isms_file.or_else(|| self.files().next().map(|f| f.file)),
        ) {
            (Some((file, at)), _) => {
                self.edit(file, at..at, format!("\n{block}\n"));
                self.note(file, at, summary);
            }
            (None, Some(file)) => {
                let end = self.text(file).len();
                self.edit(file, end..end, format!("\napplicability {{\n{block}\n}}\n"));
                self.note(file, end, summary);
            }
            (None, None) => {}
        }
    }
}

/// `span` widened to its whole line(s), line break included, when nothing but blanks shares
/// them; else `span` itself.
fn whole_line(text: &str, span: Range<usize>) -> Range<usize> {
    let before = text.get(..span.start).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let after = text.get(span.end..).unwrap_or("");
    let line_end = after.find('\n').map_or(text.len(), |i| span.end + i + 1);
    let blank = |s: &str| {
        s.chars()
            .all(|c| c == ' ' || c == '\t' || c == '\r' || c == '\n')
    };
    if blank(text.get(line_start..span.start).unwrap_or("x"))
        && blank(text.get(span.end..line_end).unwrap_or("x"))
    {
        line_start..line_end
    } else {
        span
    }
}

/// The position of the `,` after `end`, over blanks and comments, if the next token is one.
fn comma_after(text: &str, end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = end;
    while let Some(&b) = bytes.get(i) {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b',' => return Some(i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|b| *b != b'\n') {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len()
                    && !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/'))
                {
                    i += 1;
                }
                i += 2;
            }
            _ => return None,
        }
    }
    None
}

/// The position of the `,` before `start`, over blanks and text already deleted.
fn comma_before(text: &str, start: usize, deleted: &[Range<usize>]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = start;
    while i > 0 {
        i -= 1;
        if deleted.iter().any(|r| r.contains(&i)) {
            continue;
        }
        match bytes.get(i) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => {}
            Some(b',') => return Some(i),
            _ => return None,
        }
    }
    None
}
