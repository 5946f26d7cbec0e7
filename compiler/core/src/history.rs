//! Document history from git: the revisions of each policy, of the Statement of Applicability
//! and of the risk register, for the revision tables of the published documents (ISO/IEC
//! 27001 7.5.3: changes of documented information are controlled).
//!
//! A policy's revisions are the commits that changed its text file (`text = file(...)`) or
//! its item (the `policy` block, compared as the formatter compares trees: layout and comments
//! ignored, so reformatting is no revision); each revision shows the policy's `version` as committed then. The SoA's are the
//! commits that changed a file holding an `applicability` block, a control or the `isms`
//! block; the register's those that changed a file holding a risk or the `risk_method`.
//! Revisions are newest first, at most [`Options::limit`] per document.
//!
//! Everything comes from the commits of `HEAD` (uncommitted changes are not revisions), read
//! through `git` ([`crate::git`]) with output that depends on no local setting, so a given
//! commit always gives the same tables. Outside a git work tree, without git, or when git
//! fails, there is no history and no error.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::git::{self, Commit};
use crate::model::{Data, Kind};
use crate::source::{FileId, Origin};
use crate::syntax::ast::{Entry, HeadName, Item, ValueKind};
use crate::Analysis;

/// How many revisions a document shows by default.
pub const DEFAULT_LIMIT: usize = 10;

/// How many commits of a policy's files are looked at to find its revisions, per revision
/// shown (commits that change other policies of the same file are skipped).
const SCAN_FACTOR: usize = 20;

/// One revision of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// The document's version as committed then (policies only).
    pub version: Option<String>,
    /// The author date, `YYYY-MM-DD`.
    pub date: String,
    /// The author.
    pub author: String,
    /// The first seven characters of the commit id.
    pub commit: String,
    /// The commit's subject line.
    pub summary: String,
}

/// The revisions of every document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// Policy id → its revisions, newest first.
    pub policies: BTreeMap<String, Vec<Revision>>,
    /// The Statement of Applicability's revisions, newest first.
    pub soa: Vec<Revision>,
    /// The risk register's revisions, newest first.
    pub register: Vec<Revision>,
    /// At most this many revisions are kept per document.
    pub limit: usize,
}

impl History {
    /// The revisions of a policy (empty when none are known).
    pub fn policy(&self, id: &str) -> &[Revision] {
        self.policies.get(id).map_or(&[], Vec::as_slice)
    }
}

/// Settings of the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// At most this many revisions per document.
    pub limit: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limit: DEFAULT_LIMIT,
        }
    }
}

fn revision(c: &Commit, version: Option<String>) -> Revision {
    Revision {
        version,
        date: c.date.clone(),
        author: c.author.clone(),
        commit: c.id.chars().take(7).collect(),
        summary: c.subject.clone(),
    }
}

/// The history of the project in folder `project`, analysed as `analysis`; `None` outside a
/// git work tree or when git cannot tell.
pub fn of_project(project: &Path, analysis: &Analysis, options: Options) -> Option<History> {
    if options.limit == 0 || crate::driver::repository_root(&project.canonicalize().ok()?).is_none()
    {
        return None;
    }
    let place = git::place(project).ok()?;
    let in_repo = |name: &str| format!("{}{name}", place.prefix);
    let sources = &analysis.sources;

    // The files of the SoA and of the register.
    let mut soa_files = BTreeSet::new();
    let mut register_files = BTreeSet::new();
    for file in &analysis.project_trees() {
        let Some(f) = sources.get(file.file) else {
            continue;
        };
        if f.origin != Origin::Project {
            continue;
        }
        for item in &file.items {
            match item.keyword.text.as_str() {
                "applicability" | "control" | "isms" => {
                    soa_files.insert(in_repo(&f.name));
                }
                "risk" | "risk_method" => {
                    register_files.insert(in_repo(&f.name));
                }
                _ => {}
            }
        }
    }
    let plain = |files: &BTreeSet<String>| -> Option<Vec<Revision>> {
        let files: Vec<String> = files.iter().cloned().collect();
        Some(
            git::log(&place.root, &files, options.limit)
                .ok()?
                .iter()
                .map(|c| revision(c, None))
                .collect(),
        )
    };
    let soa = plain(&soa_files)?;
    let register = plain(&register_files)?;

    // The policies: each with the file of its item and of its text.
    struct Wanted {
        id: String,
        item_file: String,
        text_file: Option<String>,
    }
    let mut wanted = Vec::new();
    for (_, e) in analysis.model.of_kind(Kind::Policy) {
        let Data::Policy(p) = &e.data else { continue };
        wanted.push(Wanted {
            id: e.id.clone(),
            item_file: in_repo(sources.name(e.span.file)),
            text_file: p.text.as_ref().and_then(|t| t.path.as_deref()).map(in_repo),
        });
    }
    let mut paths: BTreeSet<String> = BTreeSet::new();
    for w in &wanted {
        paths.insert(w.item_file.clone());
        paths.extend(w.text_file.clone());
    }
    let scan = options.limit.saturating_mul(SCAN_FACTOR);
    let commits = git::log(
        &place.root,
        &paths.iter().cloned().collect::<Vec<_>>(),
        scan.saturating_mul(wanted.len().max(1)),
    )
    .ok()?;
    // The blobs to compare: each policy file at each commit that touched the policy's files,
    // and before it.
    let mut names: BTreeSet<String> = BTreeSet::new();
    for w in &wanted {
        for c in commits.iter().filter(|c| touches(c, w)) {
            names.insert(format!("{}:{}", c.id, w.item_file));
            if c.paths.contains(&w.item_file) {
                names.insert(format!("{}^:{}", c.id, w.item_file));
            }
        }
    }
    let names: Vec<String> = names.into_iter().collect();
    let blobs = git::blobs(&place.root, &names).ok()?;
    let mut items: BTreeMap<&str, BTreeMap<String, (Item, Option<String>)>> = BTreeMap::new();
    for (name, blob) in names.iter().zip(blobs) {
        let text = blob
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        items.insert(name.as_str(), policies_in(&text));
    }
    let item = |name: &str, id: &str| items.get(name).and_then(|m| m.get(id));

    fn touches(c: &Commit, w: &Wanted) -> bool {
        c.paths.contains(&w.item_file) || w.text_file.as_ref().is_some_and(|t| c.paths.contains(t))
    }

    let mut policies = BTreeMap::new();
    for w in &wanted {
        let mut revisions = Vec::new();
        for c in commits.iter().filter(|c| touches(c, w)) {
            if revisions.len() >= options.limit {
                break;
            }
            let now = item(&format!("{}:{}", c.id, w.item_file), &w.id);
            let text_changed = w.text_file.as_ref().is_some_and(|t| c.paths.contains(t));
            let before = item(&format!("{}^:{}", c.id, w.item_file), &w.id);
            let item_changed = c.paths.contains(&w.item_file)
                && match (now, before) {
                    (Some((a, _)), Some((b, _))) => !crate::fmt::same_item(a, b),
                    (None, None) => false,
                    _ => true,
                };
            // A commit from before the policy existed in this file is not its revision.
            if now.is_none() && !item_changed {
                continue;
            }
            if text_changed || item_changed {
                revisions.push(revision(c, now.and_then(|(_, v)| v.clone())));
            }
        }
        policies.insert(w.id.clone(), revisions);
    }
    Some(History {
        policies,
        soa,
        register,
        limit: options.limit,
    })
}

/// The policies (and procedures, standards, guidelines) of a text: id → (the item, its `version`).
fn policies_in(text: &str) -> BTreeMap<String, (Item, Option<String>)> {
    let mut out = BTreeMap::new();
    if text.is_empty() {
        return out;
    }
    let (file, _) = crate::syntax::parse_text(FileId::default(), text);
    for item in file
        .items
        .into_iter()
        .filter(|i| crate::model::WrittenKind::parse(&i.keyword.text).is_some())
    {
        let Some(HeadName::Id(name)) = &item.name else {
            continue;
        };
        let id = name.text.to_string();
        let version = item.body.entries.iter().find_map(|e| match e {
            Entry::Field(f) if f.name.text == "version" => match &f.value.kind {
                ValueKind::Str(s) => Some(s.value.clone()),
                _ => None,
            },
            _ => None,
        });
        out.entry(id).or_insert((item, version));
    }
    out
}
