//! The driver: loads a project, runs the stages in order and owns the diagnostics.
//!
//! ```text
//!  load ──> parse ──> lower ──> resolve ──> facts ──> check ──> (emit)
//!  I/O      syntax    model     model       facts     check
//! ```
//!
//! Loading is the only stage that touches the file system (through [`Fs`], so the language
//! server and tests can feed files from memory). Every later stage is pure and never fails.

mod load;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap;

pub(crate) use load::reason;
pub use load::{isms_files, read_text_file, DiskFs, Fs, FsError, Input, MemFs, OverlayFs};

use crate::diag::{Code, Diagnostic, Diagnostics, Severity};
use crate::facts::Facts;
use crate::manifest::{self, Manifest};
use crate::model::lower::{normalize, AuxError, AuxFiles};
use crate::model::{self, Model};
use crate::source::{FileId, Origin, SourceMap};
use crate::syntax::ast::{self, Date, Entry, ValueKind};
use crate::{check, syntax};

/// Settings of one run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The date that date-based checks judge against.
    pub today: Date,
    /// Report warnings as errors.
    pub deny_warnings: bool,
}

/// Everything the compiler knows about a project after checking.
#[derive(Debug)]
pub struct Analysis {
    /// Every source, including the files read through `file(...)`.
    pub sources: SourceMap,
    /// The syntax trees of the `.isms` files, in load order (shared with the [`ParseCache`]).
    pub asts: Vec<Arc<ast::File>>,
    /// The manifest.
    pub manifest: Manifest,
    /// The lowered, resolved model.
    pub model: Model,
    /// What is derived from the model once: the reference index, the SoA, the register and
    /// the treatment plan.
    pub facts: Facts,
    /// Findings, sorted by file and position, with the project's severities applied.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by `// ismsc-allow(…): reason` comments, each with its
    /// suppression, sorted the same way: not counted, but listed in JSON and SARIF.
    pub suppressed: Vec<Diagnostic>,
    /// Whether the project could not be read whole (see [`Input::load_errors`]); the checks
    /// of the model did not run then.
    pub load_failed: bool,
}

impl Analysis {
    /// The syntax trees of the project's own `.isms` files: those [`analyze_cached`] kept, or,
    /// after [`analyze`] freed them, parsed again from the sources (for the tools that edit or
    /// read the text item by item: `migrate`, the document history).
    pub fn project_trees(&self) -> Vec<Arc<ast::File>> {
        let project = |id: FileId| {
            self.sources
                .get(id)
                .is_some_and(|f| f.origin == Origin::Project && f.name.ends_with(".isms"))
        };
        if !self.asts.is_empty() {
            return self
                .asts
                .iter()
                .filter(|t| project(t.file))
                .cloned()
                .collect();
        }
        let files: Vec<FileId> = self
            .sources
            .iter()
            .map(|(id, _)| id)
            .filter(|id| project(*id))
            .collect();
        syntax::parse_files(&self.sources, &files)
            .into_iter()
            .map(|(tree, _)| Arc::new(tree))
            .collect()
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Whether reading failed: the project could not be read whole, or a file it names could
    /// not be (E0011–E0014). The command line exits with 2 then, whatever the format.
    pub fn io_failed(&self) -> bool {
        self.load_failed || self.diagnostics.iter().any(|d| d.code.is_io())
    }
}

/// The syntax trees of files parsed before, each kept with the text it was parsed from, so
/// that an analysis re-parses only the files that changed (the language server keeps one
/// between analyses). A tree is reused for a file of the same id, name and text: spans hold
/// the file's id, so a file whose id changed is parsed again.
#[derive(Debug, Default)]
pub struct ParseCache {
    files: FxHashMap<FileId, Parsed>,
}

/// One file's tree and the findings of parsing it.
#[derive(Debug)]
struct Parsed {
    name: String,
    text: String,
    tree: Arc<ast::File>,
    found: Vec<Diagnostic>,
}

impl ParseCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many files it holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The trees of `files` (and their parse findings), parsing only those not in the cache
    /// (in parallel, as [`syntax::parse_files`] does) and keeping exactly `files` afterwards.
    pub fn parse(
        &mut self,
        sources: &SourceMap,
        files: &[FileId],
    ) -> Vec<(Arc<ast::File>, Diagnostics)> {
        let fresh = |id: &FileId, cached: &Parsed| {
            sources
                .get(*id)
                .is_some_and(|f| f.name == cached.name && f.text == cached.text)
        };
        let missing: Vec<FileId> = files
            .iter()
            .copied()
            .filter(|id| !self.files.get(id).is_some_and(|c| fresh(id, c)))
            .collect();
        for (tree, found) in syntax::parse_files(sources, &missing) {
            let Some(file) = sources.get(tree.file) else {
                continue;
            };
            self.files.insert(
                tree.file,
                Parsed {
                    name: file.name.clone(),
                    text: file.text.clone(),
                    tree: Arc::new(tree),
                    found: found.into_vec(),
                },
            );
        }
        let wanted: rustc_hash::FxHashSet<FileId> = files.iter().copied().collect();
        self.files.retain(|id, _| wanted.contains(id));
        files
            .iter()
            .map(|id| match self.files.get(id) {
                Some(p) => {
                    let mut found = Diagnostics::new();
                    for d in &p.found {
                        found.push(d.clone());
                    }
                    (Arc::clone(&p.tree), found)
                }
                // Unreachable: every file was parsed above; an empty tree keeps it total.
                None => (
                    Arc::new(ast::File {
                        file: *id,
                        ..ast::File::default()
                    }),
                    Diagnostics::new(),
                ),
            })
            .collect()
    }
}

/// Runs every stage. Never fails; problems are in [`Analysis::diagnostics`].
///
/// The syntax trees are freed as soon as the model is lowered (before the facts are derived),
/// so [`Analysis::asts`] is empty: a batch run never needs them again, and at 100,000 items
/// they are the largest structure in memory. [`analyze_cached`] keeps them.
pub fn analyze(input: Input, options: &Options) -> Analysis {
    run(input, options, &mut ParseCache::new(), false)
}

/// [`analyze`], reusing the trees of the files that `cache` parsed before and keeping the new
/// ones there: the one pipeline, with the parse stage memoised per file.
pub fn analyze_cached(input: Input, options: &Options, cache: &mut ParseCache) -> Analysis {
    run(input, options, cache, true)
}

/// The pipeline; `keep_trees` false frees the trees (and empties `cache`) after lowering.
fn run(input: Input, options: &Options, cache: &mut ParseCache, keep_trees: bool) -> Analysis {
    let Input {
        mut sources,
        isms_files,
        manifest: manifest_file,
        manifest_unread,
        fs,
        load_errors,
    } = input;
    let mut diags = Diagnostics::new();
    let mut stdlib_diags = Diagnostics::new();
    let load_failed = !load_errors.is_empty();
    for d in load_errors {
        diags.push(d);
    }

    // A project without `isms.toml` is told so at the manifest's place, an empty stand-in
    // (unless it has one that could not be read, which loading reported).
    let manifest_file = match manifest_file {
        Some(f) => Some(f),
        None if !manifest_unread
            && isms_files
                .iter()
                .any(|f| sources.get(*f).is_some_and(|s| s.origin == Origin::Project)) =>
        {
            let f = sources.add("isms.toml", "", Origin::Project);
            diags.push(
                Diagnostic::new(
                    Code::E0010,
                    crate::source::Span::new(f, 0, 0),
                    "the project has no `isms.toml`",
                )
                .primary_label("expected here, at the project's root")
                .help("create `isms.toml` at the project root with `[project]` and `name = \"…\"`"),
            );
            None
        }
        None => None,
    };
    let mut manifest = manifest::read(&sources, manifest_file, &mut diags);
    let file_limit = manifest.limits.file;
    crate::brand::load(
        &mut manifest.publish,
        &mut sources,
        fs.as_ref(),
        file_limit,
        &mut diags,
    );

    let mut asts = Vec::with_capacity(isms_files.len());
    for (ast, found) in cache.parse(&sources, &isms_files) {
        let origin = sources.get(ast.file).map(|f| f.origin);
        let sink = if origin == Some(Origin::Stdlib) {
            &mut stdlib_diags
        } else {
            &mut diags
        };
        sink.append(found);
        asts.push(ast);
    }

    let aux = load_aux(&mut sources, &asts, fs.as_ref(), manifest.limits.file);
    // Suppressions are read from the comments of the trees; without `keep_trees` the trees
    // are not needed after lowering, which frees each item as soon as it is lowered.
    let suppressions = crate::diag::suppress::collect(&asts);
    // A project not read whole is not judged: what is missing would show as findings that
    // are not there (its ids unknown, its controls undecided).
    let mut semantic = Diagnostics::new();
    let mut model = if keep_trees {
        model::lower::lower(&sources, &asts, &aux, &mut semantic)
    } else {
        *cache = ParseCache::new();
        model::lower::lower_owned(&sources, std::mem::take(&mut asts), &aux, &mut semantic)
    };
    model::resolve::resolve(&mut model, &mut semantic);
    let facts = Facts::derive(
        &model,
        crate::facts::Settings {
            today: options.today,
            audit_cycle: manifest.audit_cycle(),
            review_interval: manifest.review_interval(),
        },
    );
    if !load_failed {
        check::run(&sources, &model, &facts, options.today, &mut semantic);
        check::frameworks::check(&manifest, &model, &facts, &mut semantic);
        diags.append(semantic);
    }
    let mut read: Vec<FileId> = isms_files.clone();
    read.extend(manifest_file);
    read.extend(aux.loaded.values().copied());
    crate::text::report_bidi(&sources, &read, &mut diags);

    // The stdlib is compiled with the project; any finding in it is a bug of ours.
    for d in stdlib_diags.into_vec() {
        diags.push(d.note(
            "this finding is in the embedded standard library: please report it as a bug of ismsc",
        ));
    }
    // Findings silenced where they were reviewed: kept apart, listed in JSON and SARIF.
    let mut suppressed = suppressions.apply(&mut diags);
    manifest.apply_lints(&mut diags, options.deny_warnings);
    diags.sort(&sources);
    let mut silenced = Diagnostics::new();
    for d in suppressed.drain(..) {
        silenced.push(d);
    }
    silenced.sort(&sources);
    Analysis {
        sources,
        asts,
        manifest,
        model,
        facts,
        diagnostics: diags.into_vec(),
        suppressed: silenced.into_vec(),
        load_failed,
    }
}

/// Reads every file named by `file(...)` into the source map, each of at most `limit` bytes.
fn load_aux(sources: &mut SourceMap, asts: &[Arc<ast::File>], fs: &dyn Fs, limit: u64) -> AuxFiles {
    let mut aux = AuxFiles::default();
    let mut wanted = Vec::new();
    for file in asts {
        let from = sources.name(file.file).to_string();
        if sources.get(file.file).map(|f| f.origin) == Some(Origin::Stdlib) {
            continue;
        }
        for item in &file.items {
            collect_files(&item.body.entries, &from, &mut wanted);
        }
    }
    wanted.sort();
    wanted.dedup();
    for rel in wanted {
        match fs.read(&rel, limit) {
            Ok(text) => {
                let id = sources.add(rel.clone(), text, Origin::Project);
                aux.loaded.insert(rel, id);
            }
            Err(FsError::Outside) => {
                aux.outside.insert(rel);
            }
            Err(FsError::NotFound) => {}
            Err(FsError::Unreadable(why)) => {
                aux.failed.insert(rel, AuxError::Unreadable(why));
            }
            Err(FsError::TooLarge { limit }) => {
                aux.failed.insert(rel, AuxError::TooLarge { limit });
            }
            Err(FsError::NotUtf8 { line, column }) => {
                aux.failed.insert(rel, AuxError::NotUtf8 { line, column });
            }
        }
    }
    aux
}

fn collect_files(entries: &[Entry], from: &str, out: &mut Vec<String>) {
    for e in entries {
        match e {
            Entry::Field(f) => {
                if let ValueKind::File(path) = &f.value.kind {
                    if let Ok(rel) = normalize(from, &path.value) {
                        out.push(rel);
                    }
                }
            }
            Entry::Block(b) => collect_files(&b.body.entries, from, out),
            Entry::Statement(_) | Entry::Error(_) => {}
        }
    }
}

/// The root of the git work tree that holds `dir`: the nearest folder, `dir` itself or above
/// it, with a `.git` entry (a folder, or the file of a linked work tree or submodule). No git
/// binary is needed; `None` outside a work tree.
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}
