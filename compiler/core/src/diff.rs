//! `ismsc diff`: what changed between two versions of a project, as an auditor reads it.
//!
//! ```text
//!  old project ──analyze──> records ─┐
//!                                    ├─ compare ──> changes (one class each) ──> render
//!  new project ──analyze──> records ─┘
//! ```
//!
//! Both versions go through the same [`crate::analyze`]; what is compared are [`records`]: the
//! rows of the SoA, the risk register and the treatment plan as their JSON documents have
//! them, and the entities field by field. Never text: a reformatted file gives no change.
//! Each change has one class of the table in [`classes`] (id, title, clause, level); a thing
//! that changed in several ways gives one change per class, each with the fields behind it.
//! [`render`] prints the changes for people (terraform-plan style), for a pull-request comment
//! (markdown) and for tools (JSON, the DTO `emit::dto::DiffDoc`).
//!
//! Changes are sorted by section, then id (numbers in ids compared as numbers, so `A.5.9`
//! comes before `A.5.10`), then class; nothing depends on hash-map order or the clock
//! (`--today` decides what "expiring" means).

pub mod classes;
pub mod records;
pub mod render;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use self::classes::Class;
use self::records::{Record, Records};
use crate::syntax::ast::Date;

/// An acceptance whose `until` falls within this many days of `--today` is expiring.
pub const EXPIRING_DAYS: i64 = 90;

/// The sections of a diff, in the order reports show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// The `isms` block and the scope.
    Isms,
    /// The rows of the Statement of Applicability.
    Soa,
    /// The risks of the register.
    Risk,
    /// The actions of the treatment plan.
    Action,
    /// Controls.
    Control,
    /// Policies.
    Policy,
    /// Obligations.
    Obligation,
    /// Objectives.
    Objective,
    /// Assets.
    Asset,
    /// People.
    Person,
    /// Teams.
    Team,
    /// Interested parties.
    Party,
    /// Internal audits (clause 9.2).
    Audit,
    /// Nonconformities and corrective actions (clause 10.2).
    Nonconformity,
    /// Management reviews (clause 9.3).
    Review,
    /// Roles (clause 7.2).
    Role,
    /// Competences (clause 7.2).
    Competence,
}

impl Section {
    /// Every section, in report order.
    pub const ALL: [Section; 17] = [
        Section::Isms,
        Section::Soa,
        Section::Risk,
        Section::Action,
        Section::Control,
        Section::Policy,
        Section::Obligation,
        Section::Objective,
        Section::Asset,
        Section::Person,
        Section::Team,
        Section::Party,
        Section::Audit,
        Section::Nonconformity,
        Section::Review,
        Section::Role,
        Section::Competence,
    ];

    /// The `kind` of its changes in JSON: `soa`, `risk`, `control`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Isms => "isms",
            Section::Soa => "soa",
            Section::Risk => "risk",
            Section::Action => "action",
            Section::Control => "control",
            Section::Policy => "policy",
            Section::Obligation => "obligation",
            Section::Objective => "objective",
            Section::Asset => "asset",
            Section::Person => "person",
            Section::Team => "team",
            Section::Party => "party",
            Section::Audit => "audit",
            Section::Nonconformity => "nonconformity",
            Section::Review => "review",
            Section::Role => "role",
            Section::Competence => "competence",
        }
    }

    /// Its heading in reports.
    pub fn heading(self) -> &'static str {
        match self {
            Section::Isms => "ISMS",
            Section::Soa => "Statement of Applicability",
            Section::Risk => "Risk register",
            Section::Action => "Risk treatment plan",
            Section::Control => "Controls",
            Section::Policy => "Policies",
            Section::Obligation => "Obligations",
            Section::Objective => "Objectives",
            Section::Asset => "Assets",
            Section::Person => "People",
            Section::Team => "Teams",
            Section::Party => "Interested parties",
            Section::Audit => "Internal audits",
            Section::Nonconformity => "Nonconformities",
            Section::Review => "Management reviews",
            Section::Role => "Roles",
            Section::Competence => "Competences",
        }
    }

    /// Its short name in the summary line: `SoA`, `Risks`, …
    pub fn short(self) -> &'static str {
        match self {
            Section::Isms => "ISMS",
            Section::Soa => "SoA",
            Section::Risk => "Risks",
            Section::Action => "Treatment plan",
            Section::Control => "Controls",
            Section::Policy => "Policies",
            Section::Obligation => "Obligations",
            Section::Objective => "Objectives",
            Section::Asset => "Assets",
            Section::Person => "People",
            Section::Team => "Teams",
            Section::Party => "Parties",
            Section::Audit => "Audits",
            Section::Nonconformity => "Nonconformities",
            Section::Review => "Reviews",
            Section::Role => "Roles",
            Section::Competence => "Competences",
        }
    }

    /// What one thing of the section is called, for "3 rows changed".
    pub fn noun(self, n: usize) -> &'static str {
        match (self, n == 1) {
            (Section::Soa, true) => "row",
            (Section::Soa, false) => "rows",
            (Section::Action, true) => "action",
            (Section::Action, false) => "actions",
            (Section::Isms, _) => "block",
            (_, true) => "item",
            (_, false) => "items",
        }
    }

    /// Whether its things are entities, which can be renamed.
    fn is_entity(self) -> bool {
        !matches!(self, Section::Isms | Section::Soa | Section::Action)
    }
}

/// Whether a thing was added, removed or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// In both, different.
    Changed,
}

impl ChangeKind {
    /// `added`, `removed` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }

    /// The symbol of terraform's plans: `+`, `-`, `~`.
    pub fn symbol(self) -> char {
        match self {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        }
    }
}

/// Changed fields: name → (before, after).
pub type Fields = BTreeMap<String, (Value, Value)>;

/// One change of one class.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Its section.
    pub section: Section,
    /// The id of the thing (the new id of a renamed entity).
    pub id: String,
    /// Its title (the new one, or the old one of a removed thing).
    pub title: Option<String>,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// Its class.
    pub class: &'static Class,
    /// The fields behind it: name → (before, after); `null` where absent.
    pub fields: Fields,
}

/// Everything that changed between two versions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    /// Every change, sorted (see the module documentation).
    pub changes: Vec<Change>,
}

impl Diff {
    /// Compares two analyses; `today` decides which acceptances are expiring.
    pub fn new(old: &crate::Analysis, new: &crate::Analysis, today: Date) -> Diff {
        compare(&records::records(old), &records::records(new), today)
    }

    /// Whether anything changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether a change of this class is present.
    pub fn has_class(&self, id: &str) -> bool {
        self.changes.iter().any(|c| c.class.id == id)
    }

    /// The distinct things changed in a section.
    pub fn changed_in(&self, section: Section) -> usize {
        self.changes
            .iter()
            .filter(|c| c.section == section)
            .map(|c| c.id.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// Compares two sets of records.
pub fn compare(old: &Records, new: &Records, today: Date) -> Diff {
    let mut changes = Vec::new();
    for section in Section::ALL {
        let olds: Vec<&Record> = old.values().filter(|r| r.section == section).collect();
        let news: Vec<&Record> = new.values().filter(|r| r.section == section).collect();
        let new_ids: BTreeSet<&str> = news.iter().map(|r| r.id.as_str()).collect();
        let old_ids: BTreeSet<&str> = olds.iter().map(|r| r.id.as_str()).collect();
        let mut removed: Vec<&Record> = olds
            .iter()
            .copied()
            .filter(|r| !new_ids.contains(r.id.as_str()))
            .collect();
        let mut added: Vec<&Record> = news
            .iter()
            .copied()
            .filter(|r| !old_ids.contains(r.id.as_str()))
            .collect();
        // An entity whose id went and another of the same title came was renamed.
        if section.is_entity() {
            let mut pairs = Vec::new();
            for r in &removed {
                let Some(title) = r.title.as_deref().filter(|t| !t.is_empty()) else {
                    continue;
                };
                let candidates: Vec<&&Record> = added
                    .iter()
                    .filter(|a| a.title.as_deref() == Some(title))
                    .collect();
                let same_title_gone = removed
                    .iter()
                    .filter(|o| o.title.as_deref() == Some(title))
                    .count();
                if let ([a], 1) = (candidates.as_slice(), same_title_gone) {
                    if !pairs.iter().any(|(_, b): &(&Record, &Record)| b.id == a.id) {
                        pairs.push((*r, **a));
                    }
                }
            }
            for (o, n) in &pairs {
                removed.retain(|r| r.id != o.id);
                added.retain(|a| a.id != n.id);
                let mut fields = BTreeMap::new();
                fields.insert(
                    "id".to_string(),
                    (Value::String(o.id.clone()), Value::String(n.id.clone())),
                );
                changes.push(Change {
                    section,
                    id: n.id.clone(),
                    title: n.title.clone(),
                    kind: ChangeKind::Changed,
                    class: &classes::ENTITY_RENAMED,
                    fields,
                });
                changed(section, o, n, today, &mut changes);
            }
        }
        for r in removed {
            changes.push(whole(section, r, ChangeKind::Removed));
        }
        for a in added {
            changes.push(whole(section, a, ChangeKind::Added));
        }
        for n in &news {
            if let Some(o) = old.get(&(section, n.id.clone())) {
                changed(section, o, n, today, &mut changes);
            }
        }
    }
    changes.sort_by(|a, b| {
        a.section
            .cmp(&b.section)
            .then_with(|| natural(&a.id, &b.id))
            .then_with(|| classes::rank(a.class).cmp(&classes::rank(b.class)))
    });
    Diff { changes }
}

/// Compares strings with runs of digits compared as numbers: `A.5.9` < `A.5.10`, `R-2` <
/// `R-10`.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let n = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let m = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (p, q) = (&x[..n], &y[..m]);
                let strip = |s: &[u8]| -> usize { s.iter().take_while(|c| **c == b'0').count() };
                let (p, q) = (&p[strip(p)..], &q[strip(q)..]);
                let ord = p.len().cmp(&q.len()).then_with(|| p.cmp(q));
                if ord != Ordering::Equal {
                    return ord;
                }
                x = &x[n..];
                y = &y[m..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// A thing added or removed as a whole: its non-empty fields.
fn whole(section: Section, r: &Record, kind: ChangeKind) -> Change {
    let class = match (section, kind) {
        (Section::Risk, ChangeKind::Added) => &classes::RISK_ADDED,
        (Section::Risk, _) => &classes::RISK_REMOVED,
        (Section::Action, ChangeKind::Added) => &classes::ACTION_ADDED,
        (Section::Action, _) => &classes::ACTION_REMOVED,
        (Section::Soa, _) => &classes::SOA_ROW_CHANGED,
        (Section::Isms, _) => &classes::ISMS_CHANGED,
        (_, ChangeKind::Added) => &classes::ENTITY_ADDED,
        (_, _) => &classes::ENTITY_REMOVED,
    };
    let fields = r
        .fields
        .iter()
        .filter(|(_, v)| !is_empty(v))
        .map(|(k, v)| {
            let pair = if kind == ChangeKind::Added {
                (Value::Null, v.clone())
            } else {
                (v.clone(), Value::Null)
            };
            (k.clone(), pair)
        })
        .collect();
    Change {
        section,
        id: r.id.clone(),
        title: r.title.clone(),
        kind,
        class,
        fields,
    }
}

/// The changes of a thing in both versions, one per class.
fn changed(section: Section, old: &Record, new: &Record, today: Date, out: &mut Vec<Change>) {
    let null = Value::Null;
    let names: BTreeSet<&String> = old.fields.keys().chain(new.fields.keys()).collect();
    let mut diff = Fields::new();
    for name in names {
        let before = old.fields.get(name).unwrap_or(&null);
        let after = new.fields.get(name).unwrap_or(&null);
        if before != after {
            diff.insert(name.clone(), (before.clone(), after.clone()));
        }
    }
    if diff.is_empty() {
        return;
    }
    let mut classified = Classified {
        diff,
        changes: Vec::new(),
    };
    match section {
        Section::Soa => soa_row(&mut classified),
        Section::Risk => risk(&mut classified, today),
        Section::Action => classified.take(
            &classes::ACTION_CHANGED,
            &["status", "due", "control_owner", "control", "risk"],
        ),
        Section::Isms => {}
        Section::Control => {
            status(
                &mut classified,
                "status",
                &["planned", "partial", "implemented"],
                (&classes::CONTROL_ADVANCED, &classes::CONTROL_REGRESSED),
            );
            entity_common(&mut classified);
        }
        Section::Policy => {
            classified.take(&classes::POLICY_APPROVAL, &["approved"]);
            classified.take(&classes::POLICY_VERSION, &["version"]);
            classified.take(&classes::POLICY_REVIEW, &["review"]);
            classified.take(&classes::POLICY_TEXT, &["text"]);
            entity_common(&mut classified);
        }
        _ => entity_common(&mut classified),
    }
    let rest = match section {
        Section::Soa => &classes::SOA_ROW_CHANGED,
        Section::Risk => &classes::RISK_CHANGED,
        Section::Action => &classes::ACTION_CHANGED,
        Section::Isms => &classes::ISMS_CHANGED,
        _ => &classes::ENTITY_CHANGED,
    };
    let remaining: Vec<String> = classified.diff.keys().cloned().collect();
    let names: Vec<&str> = remaining.iter().map(String::as_str).collect();
    classified.take(rest, &names);
    for (class, fields) in classified.changes {
        out.push(Change {
            section,
            id: new.id.clone(),
            title: new.title.clone().or_else(|| old.title.clone()),
            kind: ChangeKind::Changed,
            class,
            fields,
        });
    }
}

/// The changed fields of one thing, handed out to classes.
struct Classified {
    /// The fields not handed out yet.
    diff: Fields,
    /// Each class with its fields.
    changes: Vec<(&'static Class, Fields)>,
}

impl Classified {
    fn has(&self, name: &str) -> bool {
        self.diff.contains_key(name)
    }

    fn get(&self, name: &str) -> Option<&(Value, Value)> {
        self.diff.get(name)
    }

    /// Gives the changed fields among `names` to `class` (nothing if none changed).
    fn take(&mut self, class: &'static Class, names: &[&str]) {
        let fields: Fields = names
            .iter()
            .filter_map(|n| self.diff.remove(*n).map(|v| (n.to_string(), v)))
            .collect();
        if !fields.is_empty() {
            self.changes.push((class, fields));
        }
    }

    /// Gives `names` to `class` without removing them (a field behind two classes).
    fn share(&mut self, class: &'static Class, names: &[&str]) {
        let fields: Fields = names
            .iter()
            .filter_map(|n| self.diff.get(*n).map(|v| (n.to_string(), v.clone())))
            .collect();
        if !fields.is_empty() {
            self.changes.push((class, fields));
        }
    }
}

/// Title, owner and the rest, for every entity.
fn entity_common(c: &mut Classified) {
    c.take(&classes::ENTITY_RETITLED, &["title"]);
    c.take(&classes::OWNER_CHANGED, &["owner"]);
}

/// A status that moved along `order` (lowest first) advanced or regressed.
fn status(
    c: &mut Classified,
    field: &str,
    order: &[&str],
    (up, down): (&'static Class, &'static Class),
) {
    let Some((before, after)) = c.get(field) else {
        return;
    };
    let pos = |v: &Value| v.as_str().and_then(|s| order.iter().position(|o| *o == s));
    let class = match (pos(before), pos(after)) {
        (Some(b), Some(a)) if a > b => up,
        (Some(b), Some(a)) if a < b => down,
        _ => return,
    };
    c.take(class, &[field]);
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The reasons of an SoA row as (kind, source) units: one per risk or obligation, one per
/// explicit text.
fn reason_units(v: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for r in v.as_array().into_iter().flatten() {
        let kind = r["kind"].as_str().unwrap_or("").to_string();
        let ids = strings(&r["ids"]);
        if ids.is_empty() {
            out.insert((kind, r["text"].as_str().unwrap_or("").to_string()));
        } else {
            out.extend(ids.into_iter().map(|id| (kind.clone(), id)));
        }
    }
    out
}

fn soa_row(c: &mut Classified) {
    if let Some((_, after)) = c.get("decision") {
        let class = if after.as_str() == Some("excluded") {
            &classes::NEWLY_EXCLUDED
        } else {
            &classes::APPLICABILITY_FLIPPED
        };
        c.take(
            class,
            &["decision", "applicable", "justification", "status"],
        );
    }
    status(
        c,
        "status",
        &["not-implemented", "planned", "partial", "implemented"],
        (&classes::STATUS_ADVANCED, &classes::STATUS_REGRESSED),
    );
    if let Some((before, after)) = c.get("implemented_by").cloned() {
        let (b, a) = (strings(&before), strings(&after));
        if a.difference(&b).next().is_some() {
            c.share(&classes::IMPLEMENTATION_ADDED, &["implemented_by"]);
        }
        if b.difference(&a).next().is_some() {
            c.share(&classes::IMPLEMENTATION_REMOVED, &["implemented_by"]);
        }
        if a != b {
            c.diff.remove("implemented_by");
        }
    }
    if let Some((before, after)) = c.get("reasons").cloned() {
        let (b, a) = (reason_units(&before), reason_units(&after));
        let gained = a.difference(&b).next().is_some();
        let lost = b.difference(&a).next().is_some();
        // The justification of an included row is the summary of its reasons.
        let fields: &[&str] = &["reasons", "justification"];
        if gained {
            c.share(&classes::REASON_GAINED, fields);
        }
        if lost {
            c.share(&classes::REASON_LOST, fields);
        }
        if gained || lost {
            c.diff.remove("reasons");
            c.diff.remove("justification");
        }
    }
    c.take(&classes::JUSTIFICATION_CHANGED, &["justification"]);
}

fn score(v: &Value) -> Option<u64> {
    v.get("score").and_then(Value::as_u64)
}

fn risk(c: &mut Classified, today: Date) {
    c.take(&classes::ENTITY_RETITLED, &["title"]);
    c.take(&classes::RISK_OWNER_CHANGED, &["owner"]);
    c.take(
        &classes::TREATMENT_CHANGED,
        &["treatment", "controls", "requires"],
    );
    // Whether the risk is acceptable follows its remaining score: the residual one if
    // assessed, else the inherent one.
    let residual_assessed = c
        .get("residual")
        .map(|(b, a)| !b.is_null() && !a.is_null())
        .unwrap_or(false);
    for (field, up, down) in [
        ("residual", &classes::RESIDUAL_UP, &classes::RESIDUAL_DOWN),
        ("inherent", &classes::INHERENT_UP, &classes::INHERENT_DOWN),
    ] {
        let Some((before, after)) = c.get(field) else {
            continue;
        };
        let class = match (score(before), score(after)) {
            (Some(b), Some(a)) if a > b => up,
            (Some(b), Some(a)) if a < b => down,
            _ => continue,
        };
        let with_acceptable = (field == "residual") == residual_assessed;
        if with_acceptable && c.has("acceptable") {
            c.take(class, &[field, "acceptable"]);
        } else {
            c.take(class, &[field]);
        }
    }
    if let Some((before, after)) = c.get("accepted").cloned() {
        let until = |v: &Value| v.get("until").and_then(Value::as_str).and_then(Date::parse);
        let soon = |d: Option<Date>| {
            d.is_some_and(|d| d.day_number() < today.day_number() + EXPIRING_DAYS)
        };
        let class = match (before.is_null(), after.is_null()) {
            (true, false) => Some(&classes::ACCEPTANCE_ADDED),
            (false, true) => Some(&classes::ACCEPTANCE_REMOVED),
            (false, false) if soon(until(&after)) && !soon(until(&before)) => {
                Some(&classes::ACCEPTANCE_EXPIRING)
            }
            _ => None,
        };
        if let Some(class) = class {
            c.take(class, &["accepted"]);
        }
    }
}
