//! The driver: loads a project, runs the stages in order and owns the diagnostics.
//!
//! ```text
//!  load ──> parse ──> lower ──> resolve ──> facts ──> check ──> (emit)
//!  I/O      syntax    model     model       facts     check
//! ```
//!
//! Loading is the only stage that touches the file system (through [`Fs`], so the language
//! server and tests can feed files from memory). Every later stage is pure and never fails.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::diag::{Code, Diagnostic, Diagnostics, Severity};
use crate::facts::Facts;
use crate::manifest::{self, Manifest};
use crate::model::lower::{normalize, AuxFiles};
use crate::model::{self, Model};
use crate::source::{FileId, Origin, SourceMap};
use crate::syntax::ast::{self, Date, Entry, ValueKind};
use crate::{check, stdlib, syntax};

/// Why a file named by `file(...)` could not be read.
#[derive(Debug)]
pub enum FsError {
    /// No such file.
    NotFound,
    /// It resolves outside the project (through a link).
    Outside,
    /// It exists but is not a readable UTF-8 text file.
    Unreadable(String),
}

/// Where the files named by `file(...)` come from.
pub trait Fs {
    /// Reads a project-relative path (already normalised, with `/` separators).
    fn read(&self, rel: &str) -> Result<String, FsError>;
}

/// Files under a project folder on disk.
#[derive(Debug)]
pub struct DiskFs {
    root: PathBuf,
}

impl DiskFs {
    /// The files under `root` (canonicalised when it can be, so that links are judged against
    /// the real folder).
    pub fn new(root: &Path) -> DiskFs {
        DiskFs {
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        }
    }
}

/// Files on disk with some of them replaced by texts in memory: the language server's view,
/// where a file open in the editor is read as its unsaved buffer.
#[derive(Debug)]
pub struct OverlayFs {
    /// What is not in `buffers` is read from here.
    pub disk: DiskFs,
    /// Project-relative path → the editor's text.
    pub buffers: BTreeMap<String, String>,
}

impl Fs for OverlayFs {
    fn read(&self, rel: &str) -> Result<String, FsError> {
        match self.buffers.get(rel) {
            Some(text) => Ok(text.clone()),
            None => self.disk.read(rel),
        }
    }
}

impl Fs for DiskFs {
    fn read(&self, rel: &str) -> Result<String, FsError> {
        let path = self.root.join(rel);
        let real = path.canonicalize().map_err(|_| FsError::NotFound)?;
        if !real.starts_with(&self.root) {
            return Err(FsError::Outside);
        }
        if real.is_dir() {
            return Err(FsError::Unreadable("it is a folder".into()));
        }
        std::fs::read_to_string(&real).map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData => FsError::Unreadable("it is not UTF-8 text".into()),
            _ => FsError::Unreadable(e.to_string()),
        })
    }
}

/// Files held in memory (tests, the language server's unsaved buffers).
#[derive(Debug, Default)]
pub struct MemFs {
    /// Project-relative path → content.
    pub files: BTreeMap<String, String>,
}

impl Fs for MemFs {
    fn read(&self, rel: &str) -> Result<String, FsError> {
        self.files.get(rel).cloned().ok_or(FsError::NotFound)
    }
}

/// What the compiler reads: the sources (stdlib first) and where `file(...)` looks.
pub struct Input {
    /// Every source: the stdlib, `isms.toml` and the `.isms` files.
    pub sources: SourceMap,
    /// The `.isms` files to compile, stdlib first, then by name.
    pub isms_files: Vec<FileId>,
    /// The manifest file, if the project has one.
    pub manifest: Option<FileId>,
    /// Where `file(...)` reads.
    pub fs: Box<dyn Fs>,
}

impl Input {
    fn with_stdlib() -> (SourceMap, Vec<FileId>) {
        let mut sources = SourceMap::new();
        let files = stdlib::FILES
            .iter()
            .map(|(name, text)| sources.add(*name, *text, Origin::Stdlib))
            .collect();
        (sources, files)
    }

    /// A project from memory: `.isms` files are compiled, `isms.toml` is the manifest, other
    /// files are readable through `file(...)`.
    pub fn from_memory(files: Vec<(String, String)>) -> Input {
        let mut fs = MemFs::default();
        let mut sources = Vec::with_capacity(files.len());
        for (name, text) in files {
            if name == "isms.toml" || name.ends_with(".isms") {
                sources.push((name, text));
            } else {
                fs.files.insert(name, text);
            }
        }
        Input::from_files(sources, Box::new(fs))
    }

    /// A project whose `isms.toml` and `.isms` files are given as `(project-relative path,
    /// text)` (other names are ignored), and whose `file(...)` values are read through `fs`.
    /// The language server builds its input so: the files it read from disk, with the
    /// editor's unsaved buffers over them.
    pub fn from_files(files: Vec<(String, String)>, fs: Box<dyn Fs>) -> Input {
        let (mut sources, mut isms_files) = Self::with_stdlib();
        let mut files = files;
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        let mut manifest = None;
        for (name, text) in files {
            if name == "isms.toml" {
                manifest = Some(sources.add(name, text, Origin::Project));
            } else if name.ends_with(".isms") {
                isms_files.push(sources.add(name, text, Origin::Project));
            }
        }
        Input {
            sources,
            isms_files,
            manifest,
            fs,
        }
    }

    /// A project folder on disk: `isms.toml` and every `.isms` file below it, except in
    /// hidden folders, `dist/` and `target/`. Fails only on I/O errors.
    pub fn from_dir(root: &Path) -> io::Result<Input> {
        let root = root.canonicalize()?;
        if !root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("`{}` is not a folder", root.display()),
            ));
        }
        let (mut sources, mut isms_files) = Self::with_stdlib();
        let mut found = Vec::new();
        walk(&root, &root, &mut found)?;
        found.sort();
        let manifest_path = root.join("isms.toml");
        let manifest = if manifest_path.is_file() {
            Some(sources.add(
                "isms.toml",
                std::fs::read_to_string(&manifest_path)?,
                Origin::Project,
            ))
        } else {
            None
        };
        if manifest.is_none() && found.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                "not an ISMS project: the folder has no `isms.toml` and no `.isms` files",
            ));
        }
        for rel in found {
            let text = std::fs::read_to_string(root.join(&rel))?;
            isms_files.push(sources.add(rel, text, Origin::Project));
        }
        Ok(Input {
            sources,
            isms_files,
            manifest,
            fs: Box::new(DiskFs { root }),
        })
    }
}

/// The `.isms` files below a folder, as `from_dir` finds them (hidden folders, `dist/` and
/// `target/` at its top and links that lead outside it skipped): paths relative to it with
/// `/` separators, sorted. `ismsc fmt` formats these.
pub fn isms_files(root: &Path) -> io::Result<Vec<String>> {
    let root = root.canonicalize()?;
    let mut found = Vec::new();
    walk(&root, &root, &mut found)?;
    found.sort();
    Ok(found)
}

/// Collects project-relative paths of `.isms` files, skipping hidden folders, `dist` and
/// `target`, and links that lead outside the project.
fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_symlink() {
            // Follow a link only when it stays inside the project, and never into folders.
            match path.canonicalize() {
                Ok(real) if real.starts_with(root) && real.is_file() => {}
                _ => continue,
            }
        } else if ty.is_dir() {
            if dir == root && (name == "dist" || name == "target") {
                continue;
            }
            walk(root, &path, out)?;
            continue;
        }
        if name.ends_with(".isms") {
            if let Ok(rel) = path.strip_prefix(root) {
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(rel.join("/"));
            }
        }
    }
    Ok(())
}

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
}

impl Analysis {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
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
pub fn analyze(input: Input, options: &Options) -> Analysis {
    analyze_cached(input, options, &mut ParseCache::new())
}

/// [`analyze`], reusing the trees of the files that `cache` parsed before and keeping the new
/// ones there: the one pipeline, with the parse stage memoised per file.
pub fn analyze_cached(input: Input, options: &Options, cache: &mut ParseCache) -> Analysis {
    let Input {
        mut sources,
        isms_files,
        manifest: manifest_file,
        fs,
    } = input;
    let mut diags = Diagnostics::new();
    let mut stdlib_diags = Diagnostics::new();

    // A project without `isms.toml` is told so at the manifest's place, an empty stand-in.
    let manifest_file = match manifest_file {
        Some(f) => Some(f),
        None if isms_files
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
    let manifest = manifest::read(&sources, manifest_file, &mut diags);

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

    let aux = load_aux(&mut sources, &asts, fs.as_ref());
    let mut model = model::lower::lower(&sources, &asts, &aux, &mut diags);
    model::resolve::resolve(&mut model, &mut diags);
    let facts = Facts::derive(&model);
    check::run(&sources, &model, &facts, options.today, &mut diags);
    check::frameworks::check(&manifest, &model, &facts, &mut diags);

    // The stdlib is compiled with the project; any finding in it is a bug of ours.
    for d in stdlib_diags.into_vec() {
        diags.push(d.note(
            "this finding is in the embedded standard library: please report it as a bug of ismsc",
        ));
    }
    // Findings silenced where they were reviewed: kept apart, listed in JSON and SARIF.
    let mut suppressed = crate::diag::suppress::apply(&asts, &mut diags);
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
    }
}

/// Reads every file named by `file(...)` into the source map.
fn load_aux(sources: &mut SourceMap, asts: &[Arc<ast::File>], fs: &dyn Fs) -> AuxFiles {
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
        if aux.loaded.contains_key(&rel) || aux.outside.contains(&rel) {
            continue;
        }
        match fs.read(&rel) {
            Ok(text) => {
                let id = sources.add(rel.clone(), text, Origin::Project);
                aux.loaded.insert(rel, id);
            }
            Err(FsError::Outside) => {
                aux.outside.insert(rel);
            }
            Err(FsError::Unreadable(why)) => {
                aux.unreadable.insert(rel, why);
            }
            Err(FsError::NotFound) => {}
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
