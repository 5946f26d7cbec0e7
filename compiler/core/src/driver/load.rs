//! Loading a project: the one place that reads the file system (besides `emit::write`,
//! which writes it).
//!
//! The project folder is untrusted: in CI it is the checkout of a pull request. So:
//!
//! - **confinement**: `isms.toml`, every `.isms` file and every `file(...)` is read only
//!   when its real path (links resolved) lies inside the project folder; a link that leads
//!   out is reported (E0014, E0207) and nothing outside is opened;
//! - **regular files only**: a named pipe, socket or device is never opened (opening a FIFO
//!   blocks forever, reading `/dev/zero` never ends); the type is checked before and after
//!   opening;
//! - **limits**: a file larger than its limit ([`Limits`]) is not read, and no read takes
//!   more than the limit plus one byte, whatever the file claims its size is;
//! - **every failure is a finding** with a code, the file and the reason (E0010 for a folder
//!   that is no project, E0011 unreadable, E0012 not UTF-8, E0013 too large, E0014 a link
//!   out of the project), so CI shows it in every output format; the command line exits with
//!   2 when one is reported.
//!
//! Folders are walked with a work list, not recursion, so no depth of folders overflows the
//! stack; links to folders are not followed, so there are no cycles.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::manifest::{self, size, Limits};
use crate::source::{FileId, Origin, SourceMap, Span};
use crate::stdlib;

/// Why a file named by `file(...)` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FsError {
    /// No such file.
    NotFound,
    /// It resolves outside the project (through a link).
    Outside,
    /// It exists but cannot be read: a folder, a named pipe or device, no permission, a path
    /// too long, an I/O error. The reason is ready to print.
    Unreadable(String),
    /// It is larger than the limit (in bytes).
    TooLarge {
        /// The limit it exceeds.
        limit: u64,
    },
    /// It is not UTF-8 text: the first invalid byte is at this 1-based line and column.
    NotUtf8 {
        /// Line of the first invalid byte.
        line: usize,
        /// Column (in characters) of the first invalid byte.
        column: usize,
    },
}

/// Where the files named by `file(...)` come from.
pub trait Fs {
    /// Reads a project-relative path (already normalised, with `/` separators), refusing a
    /// file of more than `limit` bytes.
    fn read(&self, rel: &str, limit: u64) -> Result<String, FsError>;

    /// Reads a project-relative path as bytes (a logo, a font), under the same rules as
    /// [`Fs::read`] but without asking for UTF-8.
    fn read_bytes(&self, rel: &str, limit: u64) -> Result<Vec<u8>, FsError> {
        self.read(rel, limit).map(String::into_bytes)
    }
}

/// Files under a project folder on disk.
#[derive(Debug)]
pub struct DiskFs {
    root: PathBuf,
}

impl Fs for DiskFs {
    fn read(&self, rel: &str, limit: u64) -> Result<String, FsError> {
        let path = self.root.join(rel);
        let real = match path.canonicalize() {
            Ok(real) => real,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(FsError::NotFound),
            Err(e) => return Err(FsError::Unreadable(reason(&e))),
        };
        if !real.starts_with(&self.root) {
            return Err(FsError::Outside);
        }
        match read_text(&real, limit) {
            Ok(text) => Ok(text),
            Err(ReadError::NotFound) => Err(FsError::NotFound),
            Err(ReadError::NotRegular(kind)) => Err(FsError::Unreadable(format!(
                "it is {kind}, not a regular file"
            ))),
            Err(ReadError::Io(why)) => Err(FsError::Unreadable(why)),
            Err(ReadError::TooLarge) => Err(FsError::TooLarge { limit }),
            Err(ReadError::NotUtf8 { shown, at }) => {
                let f = crate::source::SourceFile::new(rel, shown, Origin::Project);
                let (line, column) = f.line_col(at);
                Err(FsError::NotUtf8 { line, column })
            }
        }
    }

    fn read_bytes(&self, rel: &str, limit: u64) -> Result<Vec<u8>, FsError> {
        let real = self.confined(rel)?;
        read_raw(&real, limit).map_err(|e| match e {
            ReadError::NotFound => FsError::NotFound,
            ReadError::NotRegular(kind) => {
                FsError::Unreadable(format!("it is {kind}, not a regular file"))
            }
            ReadError::TooLarge => FsError::TooLarge { limit },
            ReadError::Io(why) | ReadError::NotUtf8 { shown: why, .. } => FsError::Unreadable(why),
        })
    }
}

impl DiskFs {
    /// The real path of `rel` when it lies inside the project.
    fn confined(&self, rel: &str) -> Result<PathBuf, FsError> {
        let path = self.root.join(rel);
        let real = match path.canonicalize() {
            Ok(real) => real,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(FsError::NotFound),
            Err(e) => return Err(FsError::Unreadable(reason(&e))),
        };
        if !real.starts_with(&self.root) {
            return Err(FsError::Outside);
        }
        Ok(real)
    }

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
    fn read(&self, rel: &str, limit: u64) -> Result<String, FsError> {
        match self.buffers.get(rel) {
            Some(text) if text.len() as u64 > limit => Err(FsError::TooLarge { limit }),
            Some(text) => Ok(text.clone()),
            None => self.disk.read(rel, limit),
        }
    }

    fn read_bytes(&self, rel: &str, limit: u64) -> Result<Vec<u8>, FsError> {
        match self.buffers.get(rel) {
            Some(_) => self.read(rel, limit).map(String::into_bytes),
            None => self.disk.read_bytes(rel, limit),
        }
    }
}

/// Files held in memory (tests, the fuzz targets, the language server's unsaved buffers).
#[derive(Debug, Default)]
pub struct MemFs {
    /// Project-relative path → content.
    pub files: BTreeMap<String, String>,
}

impl Fs for MemFs {
    fn read(&self, rel: &str, limit: u64) -> Result<String, FsError> {
        match self.files.get(rel) {
            Some(text) if text.len() as u64 > limit => Err(FsError::TooLarge { limit }),
            Some(text) => Ok(text.clone()),
            None => Err(FsError::NotFound),
        }
    }
}

/// What the compiler reads: the sources (stdlib first) and where `file(...)` looks.
pub struct Input {
    /// Every source: the stdlib, `isms.toml` and the `.isms` files (and, for a file that
    /// could not be read, an entry with its name, so that findings can name it).
    pub sources: SourceMap,
    /// The `.isms` files to compile, stdlib first, then by name.
    pub isms_files: Vec<FileId>,
    /// The manifest file, if the project has one that could be read.
    pub manifest: Option<FileId>,
    /// Whether the project has an `isms.toml` that could not be read (reported in
    /// `load_errors`, so not again as a missing manifest).
    pub manifest_unread: bool,
    /// Where `file(...)` reads.
    pub fs: Box<dyn Fs>,
    /// What went wrong reading the project (E0010 for a folder that is no project,
    /// E0011–E0014): when any, the project was not read whole, and only these findings, the
    /// manifest's and those of syntax are reported.
    pub load_errors: Vec<Diagnostic>,
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
            manifest_unread: false,
            fs,
            load_errors: Vec::new(),
        }
    }

    /// A project folder on disk: `isms.toml` and every `.isms` file below it, except in
    /// hidden folders, `dist/` and `target/`. Never fails: what cannot be read is in
    /// [`Input::load_errors`].
    pub fn from_dir(root: &Path) -> Input {
        let (sources, isms_files) = Self::with_stdlib();
        let mut loader = Loader {
            root: root.to_path_buf(),
            sources,
            errors: Vec::new(),
        };
        let Some(real_root) = loader.root() else {
            return loader.finish(isms_files, None, PathBuf::new());
        };
        loader.root = real_root.clone();
        let manifest = loader.manifest();
        let limits = manifest
            .and_then(|id| loader.sources.get(id))
            .map(|f| manifest::limits(&f.text))
            .unwrap_or_default();
        let found = loader.walk();
        if manifest.is_none() && found.is_empty() && loader.errors.is_empty() {
            let id = loader.sources.add(".", "", Origin::Project);
            loader.errors.push(
                Diagnostic::new(
                    Code::E0010,
                    Span::new(id, 0, 0),
                    format!(
                        "`{}` is not an ISMS project: it has no `isms.toml` and no `.isms` files",
                        root.display()
                    ),
                )
                .help("run ismsc on the folder that holds `isms.toml`, or start a project there with `ismsc init`"),
            );
        }
        let mut isms_files = isms_files;
        for entry in found {
            if let Some(id) = loader.read_isms(entry, limits.isms) {
                isms_files.push(id);
            }
        }
        loader.finish(isms_files, manifest, real_root)
    }
}

/// The `.isms` files below a folder, as `Input::from_dir` finds them (hidden folders, `dist/`
/// and `target/` at its top, and links that lead outside it or nowhere skipped): paths
/// relative to it with `/` separators, sorted. `ismsc fmt` formats these; it reads each with
/// [`read_text_file`], which refuses what is not a regular file. Fails when the folder, or
/// one below it, cannot be read.
pub fn isms_files(root: &Path) -> io::Result<Vec<String>> {
    let mut loader = Loader {
        root: root.canonicalize()?,
        sources: SourceMap::new(),
        errors: Vec::new(),
    };
    let found = loader.walk();
    if let Some(d) = loader.errors.first() {
        return Err(io::Error::other(d.message.clone()));
    }
    Ok(found
        .into_iter()
        .filter(|f| matches!(f.kind, EntryKind::File | EntryKind::Special(_)))
        .map(|f| f.rel)
        .collect())
}

/// A `.isms` entry the walk found.
struct Found {
    /// Project-relative display name, `/`-separated.
    rel: String,
    /// The path to read.
    path: PathBuf,
    /// What the entry is.
    kind: EntryKind,
}

enum EntryKind {
    /// A regular file, or a link to one inside the project (`path` is then the real path).
    File,
    /// A link that leads outside the project.
    Outside,
    /// A link that leads nowhere, or cannot be resolved; the reason.
    Broken(String),
    /// Something that is not a regular file: a named pipe, socket or device.
    Special(&'static str),
}

struct Loader {
    root: PathBuf,
    sources: SourceMap,
    errors: Vec<Diagnostic>,
}

impl Loader {
    fn finish(self, isms_files: Vec<FileId>, manifest: Option<FileId>, root: PathBuf) -> Input {
        let manifest_unread = manifest.is_none()
            && self
                .errors
                .iter()
                .any(|d| self.sources.name(d.primary.span.file) == "isms.toml");
        Input {
            sources: self.sources,
            isms_files,
            manifest,
            manifest_unread,
            fs: Box::new(DiskFs { root }),
            load_errors: self.errors,
        }
    }

    /// Reports a problem with the file or folder `rel`, which gets an empty entry in the map.
    fn report(&mut self, code: Code, rel: &str, message: String, help: &str) {
        let id = self.sources.add(rel, "", Origin::Project);
        self.errors
            .push(Diagnostic::new(code, Span::new(id, 0, 0), message).help(help));
    }

    /// The project folder with links resolved, or `None` (reported) when it cannot be read.
    fn root(&mut self) -> Option<PathBuf> {
        let shown = self.root.display().to_string();
        let failure = match self.root.canonicalize() {
            Ok(real) if real.is_dir() => return Some(real),
            Ok(_) => "it is not a folder".to_string(),
            Err(e) => reason(&e),
        };
        self.report(
            Code::E0011,
            ".",
            format!("the project folder `{shown}` cannot be read: {failure}"),
            "name the folder that holds the project's `isms.toml`",
        );
        None
    }

    /// Reads `isms.toml`, if there is one.
    fn manifest(&mut self) -> Option<FileId> {
        let rel = "isms.toml";
        let path = self.root.join(rel);
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(e) => {
                self.unreadable(rel, &reason(&e));
                return None;
            }
        };
        let (path, kind) = if meta.file_type().is_symlink() {
            match self.resolve_link(&path) {
                Ok(real) => (real, EntryKind::File),
                Err(kind) => (path, kind),
            }
        } else {
            match special(&meta) {
                Some(kind) => (path, EntryKind::Special(kind)),
                None => (path, EntryKind::File),
            }
        };
        self.read(
            Found {
                rel: rel.into(),
                path,
                kind,
            },
            Limits::MANIFEST,
            "the manifest's own limit is fixed, since it is read before its settings: keep `isms.toml` to the project's settings",
        )
    }

    fn read_isms(&mut self, found: Found, limit: u64) -> Option<FileId> {
        self.read(
            found,
            limit,
            "set a higher limit with `[limits] isms = \"…\"` in `isms.toml` (at most 1 GiB), or split the file",
        )
    }

    fn unreadable(&mut self, rel: &str, why: &str) {
        self.report(
            Code::E0011,
            rel,
            format!("`{rel}` cannot be read: {why}"),
            "make it readable by the user that runs ismsc; the project was not checked as a whole",
        );
    }

    /// Reads one file the walk found (or the manifest) into the source map.
    fn read(&mut self, found: Found, limit: u64, raise: &str) -> Option<FileId> {
        let rel = found.rel;
        match found.kind {
            EntryKind::File => {}
            EntryKind::Outside => {
                self.report(
                    Code::E0014,
                    &rel,
                    format!("`{rel}` is a link that leads outside the project"),
                    "ismsc reads only files inside the project folder, and read nothing outside it; put the file itself into the project instead of a link",
                );
                return None;
            }
            EntryKind::Broken(why) => {
                self.unreadable(&rel, &why);
                return None;
            }
            EntryKind::Special(kind) => {
                self.report(
                    Code::E0011,
                    &rel,
                    format!("`{rel}` cannot be read: it is {kind}, not a regular file"),
                    "ismsc reads regular files only (reading a pipe or device could block or never end); replace it by a file, or rename it",
                );
                return None;
            }
        }
        match read_text(&found.path, limit) {
            Ok(text) => Some(self.sources.add(rel, text, Origin::Project)),
            Err(ReadError::NotFound) => {
                self.unreadable(&rel, "it no longer exists");
                None
            }
            Err(ReadError::Io(why)) => {
                self.unreadable(&rel, &why);
                None
            }
            Err(ReadError::NotRegular(kind)) => {
                self.report(
                    Code::E0011,
                    &rel,
                    format!("`{rel}` cannot be read: it is {kind}, not a regular file"),
                    "ismsc reads regular files only; replace it by a file",
                );
                None
            }
            Err(ReadError::TooLarge) => {
                self.report(
                    Code::E0013,
                    &rel,
                    format!("`{rel}` is larger than the limit of {}", size(limit)),
                    raise,
                );
                None
            }
            Err(ReadError::NotUtf8 { shown, at }) => {
                let id = self.sources.add(rel.clone(), shown, Origin::Project);
                let end = self
                    .sources
                    .get(id)
                    .and_then(|f| f.text.get(at..))
                    .and_then(|rest| rest.chars().next())
                    .map_or(at, |c| at + c.len_utf8());
                self.errors.push(
                    Diagnostic::new(
                        Code::E0012,
                        Span::new(id, at, end),
                        format!("`{rel}` is not UTF-8 text"),
                    )
                    .primary_label("the first byte that is not UTF-8")
                    .help("save the file as UTF-8 (editors call it \"UTF-8\" or \"Unicode (UTF-8)\"); the file was not checked"),
                );
                None
            }
        }
    }

    /// The real path of a link that leads to a regular file inside the project, or what is
    /// wrong with it.
    fn resolve_link(&self, path: &Path) -> Result<PathBuf, EntryKind> {
        match path.canonicalize() {
            Ok(real) if !real.starts_with(&self.root) => Err(EntryKind::Outside),
            Ok(real) => match fs::metadata(&real) {
                Ok(meta) => match special(&meta) {
                    Some(kind) => Err(EntryKind::Special(kind)),
                    None => Ok(real),
                },
                Err(e) => Err(EntryKind::Broken(reason(&e))),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(EntryKind::Broken("it is a link that leads nowhere".into()))
            }
            Err(e) => Err(EntryKind::Broken(reason(&e))),
        }
    }

    /// The `.isms` entries below the root, skipping hidden entries, `dist/` and `target/` at
    /// the root, links to folders, and folders that cannot be read (reported).
    fn walk(&mut self) -> Vec<Found> {
        let mut found = Vec::new();
        let mut todo = vec![(self.root.clone(), String::new())];
        while let Some((dir, rel_dir)) = todo.pop() {
            let shown_dir = if rel_dir.is_empty() {
                ".".to_string()
            } else {
                format!("{rel_dir}/")
            };
            let entries = match fs::read_dir(&dir).and_then(|it| it.collect::<Result<Vec<_>, _>>())
            {
                Ok(entries) => entries,
                Err(e) => {
                    let why = reason(&e);
                    self.report(
                        Code::E0011,
                        &shown_dir,
                        format!("the folder `{shown_dir}` cannot be read: {why}"),
                        "the `.isms` files in it were not checked; make it readable by the user that runs ismsc, or move it out of the project",
                    );
                    continue;
                }
            };
            for entry in entries {
                let name = entry.file_name();
                let shown = name.to_string_lossy();
                if shown.starts_with('.') {
                    continue;
                }
                let rel = if rel_dir.is_empty() {
                    shown.to_string()
                } else {
                    format!("{rel_dir}/{shown}")
                };
                let path = entry.path();
                let ty = match entry.file_type() {
                    Ok(ty) => ty,
                    Err(e) => {
                        if shown.ends_with(".isms") {
                            self.unreadable(&rel, &reason(&e));
                        }
                        continue;
                    }
                };
                if ty.is_dir() {
                    if rel_dir.is_empty() && (shown == "dist" || shown == "target") {
                        continue;
                    }
                    todo.push((path, rel));
                    continue;
                }
                if !shown.ends_with(".isms") {
                    continue;
                }
                let (path, kind) = if ty.is_symlink() {
                    if path.is_dir() {
                        // A link to a folder is not followed.
                        continue;
                    }
                    match self.resolve_link(&path) {
                        Ok(real) => (real, EntryKind::File),
                        Err(kind) => (path, kind),
                    }
                } else if ty.is_file() {
                    (path, EntryKind::File)
                } else {
                    (path, EntryKind::Special(special_type(&ty)))
                };
                found.push(Found { rel, path, kind });
            }
        }
        found.sort_by(|a, b| a.rel.cmp(&b.rel));
        found
    }
}

/// Reads a regular file of at most `limit` bytes as UTF-8 text, for a command that reads
/// one file it is given (`ismsc import`); the error is a reason ready to print ("it is a
/// character device, not a regular file").
pub fn read_text_file(path: &Path, limit: u64) -> Result<String, String> {
    read_text(path, limit).map_err(|e| match e {
        ReadError::NotFound => "it does not exist".to_string(),
        ReadError::NotRegular(kind) => format!("it is {kind}, not a regular file"),
        ReadError::TooLarge => format!("it is larger than the limit of {}", size(limit)),
        ReadError::NotUtf8 { shown, at } => {
            let (line, column) =
                crate::source::SourceFile::new("", shown, Origin::Project).line_col(at);
            format!(
                "it is not UTF-8 text (the first invalid byte is at line {line}, column {column})"
            )
        }
        ReadError::Io(why) => why,
    })
}

/// Why a file could not be read into text.
enum ReadError {
    NotFound,
    /// Not a regular file: what it is ("a named pipe (FIFO)").
    NotRegular(&'static str),
    TooLarge,
    /// Not UTF-8: the text up to the end of the line of the first invalid byte (with
    /// U+FFFD for invalid bytes), and the offset of that byte.
    NotUtf8 {
        shown: String,
        at: usize,
    },
    Io(String),
}

/// Reads a regular file of at most `limit` bytes as UTF-8 text (a leading byte order mark is
/// kept; the lexer skips it).
fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_raw(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let end = bytes
            .get(at..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n' || b == b'\r'))
            .map_or(bytes.len(), |i| at + i);
        let shown = String::from_utf8_lossy(bytes.get(..end).unwrap_or(&[])).into_owned();
        ReadError::NotUtf8 { shown, at }
    })
}

/// Reads a regular file of at most `limit` bytes.
fn read_raw(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = fs::metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(reason(&e)),
    })?;
    if let Some(kind) = special(&meta) {
        return Err(ReadError::NotRegular(kind));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge);
    }
    let file = fs::File::open(path).map_err(|e| ReadError::Io(reason(&e)))?;
    // The file may have been swapped since it was looked at.
    let opened = file.metadata().map_err(|e| ReadError::Io(reason(&e)))?;
    if let Some(kind) = special(&opened) {
        return Err(ReadError::NotRegular(kind));
    }
    let capacity = usize::try_from(opened.len().min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(reason(&e)))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// What a non-regular file is, for a message; `None` for a regular file.
fn special(meta: &fs::Metadata) -> Option<&'static str> {
    if meta.is_file() {
        None
    } else {
        Some(special_type(&meta.file_type()))
    }
}

fn special_type(ty: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ty.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ty.is_socket() {
            return "a socket";
        }
        if ty.is_char_device() {
            return "a character device";
        }
        if ty.is_block_device() {
            return "a block device";
        }
    }
    if ty.is_dir() {
        "a folder"
    } else if ty.is_symlink() {
        "a link"
    } else {
        "not a regular file"
    }
}

/// The error number of a path too long: ENAMETOOLONG, or ERROR_FILENAME_EXCED_RANGE on Windows.
#[cfg(any(target_os = "linux", target_os = "android"))]
const NAME_TOO_LONG: i32 = 36;
#[cfg(windows)]
const NAME_TOO_LONG: i32 = 206;
#[cfg(not(any(target_os = "linux", target_os = "android", windows)))]
const NAME_TOO_LONG: i32 = 63;

/// The reason of an I/O error for a message: lower case, without the OS error number.
pub(crate) fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => return "it does not exist".into(),
        io::ErrorKind::PermissionDenied => return "permission denied".into(),
        _ => {}
    }
    if e.raw_os_error() == Some(NAME_TOO_LONG) {
        return "the path is too long".into();
    }
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => text.as_str(),
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "an I/O error".into(),
    }
}
