//! `ismsc lsp`: the language server.
//!
//! One thread runs the whole server over `lsp-server`'s channels, in the order messages
//! arrive (no concurrent handlers, so edits apply in order). Each project (a folder with an
//! `isms.toml`, or a lone file) keeps the text of its files as read from disk, the editor's
//! open documents over them, and a [`ParseCache`]; it is analysed by the same
//! `ismsc_core::analyze_cached` as `ismsc check` runs, re-parsing only the files that changed.
//!
//! **When it analyses.** Notifications (edits, opened and closed documents, files changed on
//! disk) only mark projects dirty. A dirty project is analysed after a quiet period with no
//! message (100 ms by default; Gleam's buffering), or at once before a request is answered,
//! so an answer always reflects the latest text. After each analysis the diagnostics of every
//! file of the project are published, and those of files now clean are cleared.
//!
//! **Robustness.** A panic in a handler or in an analysis is caught: the request is answered
//! with an error and the server keeps running. Malformed messages are logged and skipped. The
//! server ends only on `exit` (or when the client closes its input).

mod actions;
mod complete;
mod convert;
mod cursor;
mod hover;
mod navigate;
mod outline;
mod transport;

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crossbeam_channel::RecvTimeoutError;
use ismsc_core::diag::{Code, Diagnostic as Finding, Severity};
use ismsc_core::driver::{DiskFs, OverlayFs, ParseCache};
use ismsc_core::source::{Encoding, FileId, Origin, SourceFile};
use ismsc_core::syntax::ast::{self, Date};
use ismsc_core::{Analysis, Input, Options};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde_json::Value;

use convert::Locator;
pub use convert::{path_to_uri, uri_to_path};

/// The text of a formatted document (the engine of `ismsc fmt`, with its self-checks), or
/// `None` when it cannot be formatted: syntax errors, or a self-check that failed (then the
/// file is left as it is). The one place the server calls the formatter.
pub fn format_document(text: &str) -> Option<String> {
    ismsc_core::fmt::format(text).ok()
}

/// Whether [`format_document`] formats at all (the capability is advertised only then).
const FORMATTER: bool = true;

/// How long the server waits for quiet before it analyses, by default.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// Runs the server over standard input and output until `exit`; returns the process's exit
/// code (0 after `shutdown` then `exit`, 1 for an `exit` without `shutdown`, as the protocol
/// asks).
pub fn run_stdio() -> u8 {
    let (connection, writer) = transport::stdio();
    let code = serve(connection);
    // Every sender is dropped by now: the writer flushes what is left and ends.
    let _ = writer.join();
    code
}

/// Runs the server over a connection until `exit` or until the client side is dropped; the
/// exit code as [`run_stdio`]. Tests drive it through `Connection::memory()`.
pub fn serve(connection: Connection) -> u8 {
    let Connection { sender, receiver } = connection;
    let mut server: Option<Server> = None;
    loop {
        let dirty = server.as_ref().is_some_and(Server::dirty);
        let msg = if dirty {
            let wait = server
                .as_ref()
                .map(|s| s.config.debounce)
                .unwrap_or(DEBOUNCE);
            match receiver.recv_timeout(wait) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(s) = server.as_mut() {
                        s.refresh();
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return 1,
            }
        } else {
            match receiver.recv() {
                Ok(m) => m,
                Err(_) => return 1,
            }
        };
        match msg {
            Message::Request(req) => {
                let response = match server.as_mut() {
                    None if req.method == "initialize" => {
                        match serde_json::from_value::<lsp::InitializeParams>(req.params) {
                            Ok(params) => {
                                let (s, result) = Server::new(sender.clone(), params);
                                server = Some(s);
                                Response::new_ok(req.id, result)
                            }
                            Err(e) => Response::new_err(
                                req.id,
                                ErrorCode::InvalidParams as i32,
                                format!("invalid initialize parameters: {e}"),
                            ),
                        }
                    }
                    None => Response::new_err(
                        req.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized yet".into(),
                    ),
                    Some(s) => s.request(req),
                };
                let _ = sender.send(Message::Response(response));
            }
            Message::Notification(n) if n.method == "exit" => {
                return match server {
                    Some(s) if s.shutdown => 0,
                    _ => 1,
                };
            }
            Message::Notification(n) => {
                if let Some(s) = server.as_mut() {
                    s.notification(n);
                }
            }
            // Answers to our requests (capability registration): nothing to do.
            Message::Response(_) => {}
        }
    }
}

/// Settings from `initializationOptions` (all optional):
/// `{"debounceMs": 100, "today": "2026-11-22", "cacheDir": "/path", "allowPanicRequest": false}`.
#[derive(Clone, Debug)]
pub struct Config {
    /// The quiet period before an analysis.
    pub debounce: Duration,
    /// The date checks judge against (default: the system clock's today).
    pub today: Option<Date>,
    /// Where the standard library and the code pages are written (default: the user's
    /// cache folder).
    pub cache_dir: Option<PathBuf>,
    /// Answers the request `ismsc/internal/panic` by panicking (`allowPanicRequest`): the
    /// tests' way to prove that a panic in a handler costs one answer, not the server.
    pub panic_request: bool,
}

impl Config {
    fn from_options(options: Option<&Value>) -> Config {
        let get = |k: &str| options.and_then(|o| o.get(k));
        Config {
            debounce: get("debounceMs")
                .and_then(Value::as_u64)
                .map(|ms| Duration::from_millis(ms.min(10_000)))
                .unwrap_or(DEBOUNCE),
            today: get("today").and_then(Value::as_str).and_then(Date::parse),
            cache_dir: get("cacheDir").and_then(Value::as_str).map(PathBuf::from),
            panic_request: get("allowPanicRequest")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        }
    }
}

/// What the client can take.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ClientCaps {
    pub snippets: bool,
    pub markdown: bool,
    pub related_information: bool,
    pub watch_dynamically: bool,
    pub hierarchical_symbols: bool,
}

/// An open document.
struct Doc {
    text: String,
    version: i32,
}

/// How a project holds its files.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Mode {
    /// A folder with `isms.toml`: every `.isms` file below it.
    Folder,
    /// One file outside any project, checked on its own (by its file name).
    Lone(String),
    /// A buffer that is not on disk (`untitled:`), by the name it is analysed under.
    Virtual(String, lsp::Uri),
}

/// One project and its latest analysis.
struct Project {
    root: PathBuf,
    mode: Mode,
    /// Project-relative path → text, as read from disk (`.isms` files and `isms.toml`).
    disk: BTreeMap<String, String>,
    cache: ParseCache,
    analysis: Option<Analysis>,
    dirty: bool,
    /// URI → the diagnostics published last.
    published: BTreeMap<String, (lsp::Uri, Vec<lsp::Diagnostic>)>,
}

/// The server's state after `initialize`.
pub(crate) struct Server {
    sender: crossbeam_channel::Sender<Message>,
    enc: Encoding,
    config: Config,
    caps: ClientCaps,
    /// URI (as text) → open document.
    docs: BTreeMap<String, Doc>,
    projects: Vec<Project>,
    /// Where the standard library and the code pages were written, when they could be.
    stdlib_dir: Option<PathBuf>,
    pages_dir: Option<PathBuf>,
    /// The project asked about last: the catalogue's documents are answered with its facts.
    last_project: usize,
    shutdown: bool,
    next_request: i32,
}

/// A request's answer: a JSON value, or an error code and message.
type Answer = Result<Value, (ErrorCode, String)>;

/// What a request handler sees of the document it is about.
pub(crate) struct Ctx<'a> {
    pub analysis: &'a Analysis,
    pub file: FileId,
    pub src: &'a SourceFile,
    pub tree: Option<&'a ast::File>,
    pub enc: Encoding,
    pub loc: &'a Locator,
    pub caps: ClientCaps,
    pub today: Date,
    /// Whether the document is a project file (not the catalogue).
    pub editable: bool,
}

impl Ctx<'_> {
    /// The byte offset of a position in this document.
    pub fn offset(&self, pos: lsp::Position) -> usize {
        convert::offset(self.src, pos, self.enc)
    }

    /// The range of a span of this analysis (any file).
    pub fn range(&self, span: ismsc_core::source::Span) -> Option<lsp::Range> {
        let file = self.analysis.sources.get(span.file)?;
        Some(convert::span_range(file, span, self.enc))
    }

    /// The location of a span of this analysis.
    pub fn location(&self, span: ismsc_core::source::Span) -> Option<lsp::Location> {
        self.loc.location(&self.analysis.sources, span, self.enc)
    }

    /// The URI of a file of this analysis.
    pub fn uri(&self, file: FileId) -> Option<lsp::Uri> {
        self.loc.uri(&self.analysis.sources, file)
    }
}

fn to_value<T: serde::Serialize>(v: T) -> Answer {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn params<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

/// The semantic token legend (see `outline::TOKEN_TYPES`).
fn capabilities(enc: Encoding) -> lsp::ServerCapabilities {
    use lsp::*;
    ServerCapabilities {
        position_encoding: Some(match enc {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(complete::TRIGGERS.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        document_formatting_provider: FORMATTER.then_some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: outline::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: Some(true),
                ..Default::default()
            },
        )),
        inlay_hint_provider: Some(OneOf::Left(true)),
        ..Default::default()
    }
}

impl Server {
    fn new(
        sender: crossbeam_channel::Sender<Message>,
        p: lsp::InitializeParams,
    ) -> (Server, Value) {
        let config = Config::from_options(p.initialization_options.as_ref());
        let offered = p
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.clone())
            .unwrap_or_default();
        let enc = if offered.contains(&lsp::PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let td = p.capabilities.text_document.as_ref();
        let caps = ClientCaps {
            snippets: td
                .and_then(|t| t.completion.as_ref())
                .and_then(|c| c.completion_item.as_ref())
                .and_then(|c| c.snippet_support)
                .unwrap_or(false),
            markdown: td
                .and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref())
                .is_none_or(|f| f.contains(&lsp::MarkupKind::Markdown)),
            related_information: td
                .and_then(|t| t.publish_diagnostics.as_ref())
                .and_then(|d| d.related_information)
                .unwrap_or(false),
            watch_dynamically: p
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            hierarchical_symbols: td
                .and_then(|t| t.document_symbol.as_ref())
                .and_then(|d| d.hierarchical_document_symbol_support)
                .unwrap_or(false),
        };
        let cache = config.cache_dir.clone().or_else(default_cache_dir);
        let (stdlib_dir, pages_dir) = match cache.as_deref().and_then(materialize) {
            Some((s, p)) => (Some(s), Some(p)),
            None => (None, None),
        };
        let mut server = Server {
            sender,
            enc,
            config,
            caps,
            docs: BTreeMap::new(),
            projects: Vec::new(),
            stdlib_dir,
            pages_dir,
            last_project: 0,
            shutdown: false,
            next_request: 0,
        };
        // The workspace's own projects are loaded at once, so that the diagnostics of every
        // file are there before one is opened.
        let folders: Vec<PathBuf> = p
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| uri_to_path(&f.uri))
            .chain(
                #[allow(deprecated)]
                p.root_uri.as_ref().and_then(uri_to_path),
            )
            .collect();
        for folder in folders {
            if folder.join("isms.toml").is_file() {
                server.folder_project(&folder);
            }
        }
        let result = lsp::InitializeResult {
            capabilities: capabilities(enc),
            server_info: Some(lsp::ServerInfo {
                name: "ismsc".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        let value = serde_json::to_value(result).unwrap_or(Value::Null);
        (server, value)
    }

    fn dirty(&self) -> bool {
        self.projects.iter().any(|p| p.dirty)
    }

    fn today(&self) -> Date {
        self.config.today.unwrap_or_else(crate::cli::today)
    }

    fn send(&self, msg: Message) {
        let _ = self.sender.send(msg);
    }

    // ----- projects ------------------------------------------------------------------------

    /// The project of a folder with `isms.toml`, loaded if new; its index.
    fn folder_project(&mut self, root: &Path) -> usize {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        if let Some(i) = self
            .projects
            .iter()
            .position(|p| p.mode == Mode::Folder && p.root == root)
        {
            return i;
        }
        let mut disk = BTreeMap::new();
        let mut names = ismsc_core::driver::isms_files(&root).unwrap_or_default();
        names.push("isms.toml".into());
        for name in names {
            if let Ok(text) = read_project_file(&root.join(&name)) {
                disk.insert(name, text);
            }
        }
        self.projects.push(Project {
            root,
            mode: Mode::Folder,
            disk,
            cache: ParseCache::new(),
            analysis: None,
            dirty: true,
            published: BTreeMap::new(),
        });
        self.projects.len() - 1
    }

    /// Where a document belongs: its project (made if needed) and its name there.
    fn home(&mut self, uri: &lsp::Uri) -> Option<(usize, String)> {
        let Some(path) = uri_to_path(uri) else {
            // A buffer not on disk: a project of its own.
            if let Some(i) = self
                .projects
                .iter()
                .position(|p| matches!(&p.mode, Mode::Virtual(_, u) if u == uri))
            {
                let Mode::Virtual(name, _) = &self.projects.get(i)?.mode else {
                    return None;
                };
                return Some((i, name.clone()));
            }
            let last = uri.as_str().rsplit(['/', ':']).next().unwrap_or("untitled");
            let mut name = ismsc_core::syntax::id_chars(last, '-');
            if !name.ends_with(".isms") {
                name.push_str(".isms");
            }
            self.projects.push(Project {
                root: std::env::temp_dir(),
                mode: Mode::Virtual(name.clone(), uri.clone()),
                disk: BTreeMap::new(),
                cache: ParseCache::new(),
                analysis: None,
                dirty: true,
                published: BTreeMap::new(),
            });
            return Some((self.projects.len() - 1, name));
        };
        if self.stdlib_name(&path).is_some() {
            return None;
        }
        let path = canonical(&path);
        let dir = path.parent()?;
        if let Some(root) = dir.ancestors().find(|d| d.join("isms.toml").is_file()) {
            let rel = relative(&path, root)?;
            if is_project_file(&rel) {
                let i = self.folder_project(root);
                return Some((i, rel));
            }
        }
        let name = path.file_name()?.to_string_lossy().into_owned();
        let dir = dir.to_path_buf();
        if let Some(i) = self
            .projects
            .iter()
            .position(|p| p.root == dir && p.mode == Mode::Lone(name.clone()))
        {
            return Some((i, name));
        }
        self.projects.push(Project {
            root: dir,
            mode: Mode::Lone(name.clone()),
            disk: BTreeMap::new(),
            cache: ParseCache::new(),
            analysis: None,
            dirty: true,
            published: BTreeMap::new(),
        });
        Some((self.projects.len() - 1, name))
    }

    /// The project and name of an open document without making anything.
    fn find_home(&self, uri: &lsp::Uri) -> Option<(usize, String)> {
        match uri_to_path(uri) {
            None => self
                .projects
                .iter()
                .enumerate()
                .find_map(|(i, p)| match &p.mode {
                    Mode::Virtual(name, u) if u == uri => Some((i, name.clone())),
                    _ => None,
                }),
            Some(path) => {
                let path = canonical(&path);
                self.projects
                    .iter()
                    .enumerate()
                    .find_map(|(i, p)| match &p.mode {
                        Mode::Folder => relative(&path, &p.root)
                            .filter(|rel| is_project_file(rel))
                            .map(|rel| (i, rel)),
                        Mode::Lone(name) => (path.parent() == Some(p.root.as_path())
                            && path
                                .file_name()
                                .is_some_and(|f| f.to_string_lossy() == *name))
                        .then(|| (i, name.clone())),
                        Mode::Virtual(..) => None,
                    })
            }
        }
    }

    /// The name of a document of the materialised standard library (`<stdlib>/…`).
    fn stdlib_name(&self, path: &Path) -> Option<String> {
        let dir = self.stdlib_dir.as_ref()?;
        let rel = relative(&canonical(path), &canonical(dir))?;
        Some(format!("<stdlib>/{rel}"))
    }

    /// The project files' texts with the open documents over them.
    fn files_of(&self, i: usize) -> Vec<(String, String)> {
        let Some(p) = self.projects.get(i) else {
            return Vec::new();
        };
        let mut files = p.disk.clone();
        for (uri, doc) in &self.docs {
            let Ok(uri) = uri.parse::<lsp::Uri>() else {
                continue;
            };
            if let Some((j, name)) = self.find_home(&uri) {
                if j == i {
                    files.insert(name, doc.text.clone());
                }
            }
        }
        files.into_iter().collect()
    }

    fn locator(&self, p: &Project) -> Locator {
        Locator {
            root: p.root.clone(),
            stdlib: self.stdlib_dir.clone(),
            virtual_doc: match &p.mode {
                Mode::Virtual(name, uri) => Some((name.clone(), uri.clone())),
                _ => None,
            },
        }
    }

    /// Analyses every dirty project and publishes what changed.
    fn refresh(&mut self) {
        let today = self.today();
        for i in 0..self.projects.len() {
            if !self.projects.get(i).is_some_and(|p| p.dirty) {
                continue;
            }
            let files = self.files_of(i);
            let Some(p) = self.projects.get_mut(i) else {
                continue;
            };
            p.dirty = false;
            let fs = OverlayFs {
                disk: DiskFs::new(&p.root),
                buffers: BTreeMap::new(),
            };
            let input = Input::from_files(files, Box::new(fs));
            let options = Options {
                today,
                deny_warnings: false,
            };
            let cache = &mut p.cache;
            match catch_unwind(AssertUnwindSafe(|| {
                ismsc_core::driver::analyze_cached(input, &options, cache)
            })) {
                Ok(a) => p.analysis = Some(a),
                Err(e) => {
                    eprintln!(
                        "ismsc lsp: internal error while analysing {}: {}; please report it",
                        p.root.display(),
                        panic_text(&e)
                    );
                    p.cache = ParseCache::new();
                }
            }
            self.publish(i);
        }
    }

    /// Publishes the diagnostics of project `i` that changed since the last time.
    fn publish(&mut self, i: usize) {
        let Some(p) = self.projects.get(i) else {
            return;
        };
        let Some(analysis) = &p.analysis else {
            return;
        };
        let loc = self.locator(p);
        let mut now: BTreeMap<String, (lsp::Uri, Vec<lsp::Diagnostic>)> = BTreeMap::new();
        for d in &analysis.diagnostics {
            let Some(file) = analysis.sources.get(d.primary.span.file) else {
                continue;
            };
            if file.origin == Origin::Stdlib {
                continue;
            }
            // A lone file is not a project: what a project as a whole lacks (a manifest, the
            // `isms` block, documented information) is not reported about it.
            if matches!(p.mode, Mode::Lone(_) | Mode::Virtual(..))
                && matches!(
                    d.code,
                    Code::E0010 | Code::E0109 | Code::E0701 | Code::W0702
                )
            {
                continue;
            }
            let Some(uri) = loc.uri(&analysis.sources, d.primary.span.file) else {
                continue;
            };
            let diag = self.to_lsp(analysis, &loc, d, file);
            now.entry(uri.as_str().to_string())
                .or_insert_with(|| (uri.clone(), Vec::new()))
                .1
                .push(diag);
        }
        let mut notes = Vec::new();
        for (key, (uri, diags)) in &now {
            if p.published.get(key).map(|(_, d)| d) != Some(diags) {
                notes.push((uri.clone(), diags.clone()));
            }
        }
        for (key, (uri, _)) in &p.published {
            if !now.contains_key(key) {
                notes.push((uri.clone(), Vec::new()));
            }
        }
        for (uri, diagnostics) in notes {
            let version = self.docs.get(uri.as_str()).map(|d| d.version);
            self.send(Message::Notification(Notification::new(
                "textDocument/publishDiagnostics".into(),
                lsp::PublishDiagnosticsParams {
                    uri,
                    diagnostics,
                    version,
                },
            )));
        }
        if let Some(p) = self.projects.get_mut(i) {
            p.published = now;
        }
    }

    /// Clears what project `i` published (before it is dropped).
    fn unpublish(&mut self, i: usize) {
        let Some(p) = self.projects.get_mut(i) else {
            return;
        };
        let published = std::mem::take(&mut p.published);
        for (_, (uri, _)) in published {
            self.send(Message::Notification(Notification::new(
                "textDocument/publishDiagnostics".into(),
                lsp::PublishDiagnosticsParams {
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                },
            )));
        }
    }

    fn to_lsp(
        &self,
        analysis: &Analysis,
        loc: &Locator,
        d: &Finding,
        file: &SourceFile,
    ) -> lsp::Diagnostic {
        let mut message = d.message.clone();
        if let Some(label) = &d.primary.message {
            message.push_str(&format!(" ({label})"));
        }
        let mut related = Vec::new();
        for l in &d.secondary {
            let Some(location) = loc.location(&analysis.sources, l.span, self.enc) else {
                continue;
            };
            let text = l.message.clone().unwrap_or_default();
            if self.caps.related_information {
                related.push(lsp::DiagnosticRelatedInformation {
                    location,
                    message: text,
                });
            } else {
                let (line, col) = analysis
                    .sources
                    .get(l.span.file)
                    .map(|f| f.line_col(l.span.start as usize))
                    .unwrap_or((0, 0));
                message.push_str(&format!(
                    "\nrelated: {}:{line}:{col}: {text}",
                    analysis.sources.name(l.span.file)
                ));
            }
        }
        for n in &d.notes {
            message.push_str(&format!("\nnote: {n}"));
        }
        if !d.help.is_empty() {
            message.push_str(&format!("\nhelp: {}", d.help));
        }
        let page = self
            .pages_dir
            .as_ref()
            .and_then(|dir| path_to_uri(&dir.join(format!("{}.md", d.code))));
        lsp::Diagnostic {
            range: convert::span_range(file, d.primary.span, self.enc),
            severity: Some(match d.severity {
                Severity::Error => lsp::DiagnosticSeverity::ERROR,
                Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            }),
            code: Some(lsp::NumberOrString::String(d.code.as_str().into())),
            code_description: page.map(|href| lsp::CodeDescription { href }),
            source: Some("ismsc".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: (d.code == Code::W0021).then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
            data: None,
        }
    }

    // ----- notifications -------------------------------------------------------------------

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let result = catch_unwind(AssertUnwindSafe(|| self.notify(n)));
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("ismsc lsp: {method}: {}", e.1),
            Err(e) => eprintln!(
                "ismsc lsp: internal error in {method}: {}; please report it",
                panic_text(&e)
            ),
        }
    }

    fn notify(&mut self, n: Notification) -> Result<(), (ErrorCode, String)> {
        match n.method.as_str() {
            "initialized" => self.register_watchers(),
            "textDocument/didOpen" => {
                let p: lsp::DidOpenTextDocumentParams = params(n.params)?;
                let key = p.text_document.uri.as_str().to_string();
                self.docs.insert(
                    key,
                    Doc {
                        text: p.text_document.text,
                        version: p.text_document.version,
                    },
                );
                if let Some((i, _)) = self.home(&p.text_document.uri) {
                    if let Some(project) = self.projects.get_mut(i) {
                        project.dirty = true;
                    }
                }
            }
            "textDocument/didChange" => {
                let p: lsp::DidChangeTextDocumentParams = params(n.params)?;
                let enc = self.enc;
                let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) else {
                    return Err((
                        ErrorCode::InvalidParams,
                        "change of a document that is not open".into(),
                    ));
                };
                for change in p.content_changes {
                    apply_change(&mut doc.text, change, enc);
                }
                doc.version = p.text_document.version;
                if let Some((i, _)) = self.find_home(&p.text_document.uri) {
                    if let Some(project) = self.projects.get_mut(i) {
                        project.dirty = true;
                    }
                }
            }
            "textDocument/didClose" => {
                let p: lsp::DidCloseTextDocumentParams = params(n.params)?;
                let home = self.find_home(&p.text_document.uri);
                self.docs.remove(p.text_document.uri.as_str());
                if let Some((i, _)) = home {
                    let lone = self.projects.get(i).is_some_and(|p| p.mode != Mode::Folder);
                    if lone {
                        self.unpublish(i);
                        self.projects.remove(i);
                        self.last_project = 0;
                    } else if let Some(project) = self.projects.get_mut(i) {
                        project.dirty = true;
                    }
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let p: lsp::DidChangeWatchedFilesParams = params(n.params)?;
                for change in p.changes {
                    self.disk_changed(&change.uri, change.typ);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Asks the client to report changes of `.isms`, `isms.toml` and markdown files on disk,
    /// when it can be asked (clients that cannot are expected to send them anyway, as the VS
    /// Code extension does).
    fn register_watchers(&mut self) {
        if !self.caps.watch_dynamically {
            return;
        }
        let watchers = ["**/*.isms", "**/isms.toml", "**/*.md"]
            .into_iter()
            .map(|g| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(g.into()),
                kind: None,
            })
            .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp::Registration {
            id: "ismsc-watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.next_request += 1;
        self.send(Message::Request(Request::new(
            RequestId::from(format!("ismsc-{}", self.next_request)),
            "client/registerCapability".into(),
            lsp::RegistrationParams {
                registrations: vec![registration],
            },
        )));
    }

    /// A file was created, changed or deleted on disk.
    fn disk_changed(&mut self, uri: &lsp::Uri, typ: lsp::FileChangeType) {
        let Some(path) = uri_to_path(uri) else {
            return;
        };
        let path = canonical(&path);
        let name = path.file_name().map(|f| f.to_string_lossy().into_owned());
        if name.as_deref() == Some("isms.toml") && typ == lsp::FileChangeType::CREATED {
            // A new project: lone files below it move into it.
            if let Some(dir) = path.parent() {
                let moved: Vec<usize> = self
                    .projects
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| matches!(p.mode, Mode::Lone(_)) && p.root.starts_with(dir))
                    .map(|(i, _)| i)
                    .collect();
                for i in moved.into_iter().rev() {
                    self.unpublish(i);
                    self.projects.remove(i);
                }
                self.last_project = 0;
                self.folder_project(dir);
                let open: Vec<String> = self.docs.keys().cloned().collect();
                for key in open {
                    if let Ok(u) = key.parse::<lsp::Uri>() {
                        if self.find_home(&u).is_none() {
                            self.home(&u);
                        }
                    }
                }
            }
        }
        for p in &mut self.projects {
            if p.mode != Mode::Folder {
                if let Mode::Lone(n) = &p.mode {
                    if path.parent() == Some(p.root.as_path()) && name.as_deref() == Some(n) {
                        p.dirty = true;
                    }
                }
                continue;
            }
            let Some(rel) = relative(&path, &p.root) else {
                continue;
            };
            p.dirty = true;
            if !(rel == "isms.toml" || is_project_file(&rel)) {
                // Another file (a policy's markdown): read again through `file(...)`.
                continue;
            }
            match typ {
                lsp::FileChangeType::DELETED => {
                    p.disk.remove(&rel);
                }
                _ => match read_project_file(&path) {
                    Ok(text) => {
                        p.disk.insert(rel, text);
                    }
                    Err(_) => {
                        p.disk.remove(&rel);
                    }
                },
            }
        }
    }

    // ----- requests ------------------------------------------------------------------------

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let method = req.method.clone();
        if self.shutdown {
            return Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            );
        }
        if method == "shutdown" {
            self.shutdown = true;
            return Response::new_ok(id, ());
        }
        // Answers reflect the latest text: analyse what changed first.
        self.refresh();
        let result = catch_unwind(AssertUnwindSafe(|| self.answer(&req.method, req.params)));
        match result {
            Ok(Ok(value)) => Response {
                id,
                response_result: Ok(value),
            },
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(e) => {
                let text = panic_text(&e);
                eprintln!("ismsc lsp: internal error in {method}: {text}; please report it");
                Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("ismsc lsp: internal error in {method}: {text}; please report it"),
                )
            }
        }
    }

    fn answer(&mut self, method: &str, raw: Value) -> Answer {
        match method {
            "textDocument/hover" => {
                let p: lsp::HoverParams = params(raw)?;
                let tdp = p.text_document_position_params;
                self.with_doc(&tdp.text_document.uri, |cx| {
                    to_value(hover::hover(cx, tdp.position))
                })
            }
            "textDocument/definition" => {
                let p: lsp::GotoDefinitionParams = params(raw)?;
                let tdp = p.text_document_position_params;
                self.with_doc(&tdp.text_document.uri, |cx| {
                    to_value(navigate::definition(cx, tdp.position))
                })
            }
            "textDocument/references" => {
                let p: lsp::ReferenceParams = params(raw)?;
                let tdp = p.text_document_position;
                let decl = p.context.include_declaration;
                self.with_doc(&tdp.text_document.uri, |cx| {
                    to_value(navigate::references(cx, tdp.position, decl))
                })
            }
            "textDocument/documentHighlight" => {
                let p: lsp::DocumentHighlightParams = params(raw)?;
                let tdp = p.text_document_position_params;
                self.with_doc(&tdp.text_document.uri, |cx| {
                    to_value(navigate::highlight(cx, tdp.position))
                })
            }
            "textDocument/prepareRename" => {
                let p: lsp::TextDocumentPositionParams = params(raw)?;
                self.with_doc(&p.text_document.uri, |cx| {
                    navigate::prepare_rename(cx, p.position).and_then(to_value)
                })
            }
            "textDocument/rename" => {
                let p: lsp::RenameParams = params(raw)?;
                let tdp = p.text_document_position;
                self.with_doc(&tdp.text_document.uri, |cx| {
                    navigate::rename(cx, tdp.position, &p.new_name).and_then(to_value)
                })
            }
            "textDocument/completion" => {
                let p: lsp::CompletionParams = params(raw)?;
                let tdp = p.text_document_position;
                self.with_doc(&tdp.text_document.uri, |cx| {
                    to_value(complete::complete(cx, tdp.position))
                })
            }
            "textDocument/codeAction" => {
                let p: lsp::CodeActionParams = params(raw)?;
                let uri = p.text_document.uri.clone();
                self.with_doc(&uri, |cx| to_value(actions::actions(cx, &p)))
            }
            "textDocument/documentSymbol" => {
                let p: lsp::DocumentSymbolParams = params(raw)?;
                self.with_doc(&p.text_document.uri, |cx| {
                    to_value(outline::document_symbols(cx))
                })
            }
            "workspace/symbol" => {
                let p: lsp::WorkspaceSymbolParams = params(raw)?;
                let mut out = Vec::new();
                for project in &self.projects {
                    let Some(analysis) = &project.analysis else {
                        continue;
                    };
                    let loc = self.locator(project);
                    outline::workspace_symbols(analysis, &loc, self.enc, &p.query, &mut out);
                }
                out.sort_by(|a, b| a.0.cmp(&b.0));
                out.dedup_by(|a, b| a.0 == b.0 && a.1.location == b.1.location);
                out.truncate(outline::MAX_SYMBOLS);
                to_value(out.into_iter().map(|(_, s)| s).collect::<Vec<_>>())
            }
            "textDocument/foldingRange" => {
                let p: lsp::FoldingRangeParams = params(raw)?;
                self.with_doc(&p.text_document.uri, |cx| to_value(outline::folding(cx)))
            }
            "textDocument/semanticTokens/full" => {
                let p: lsp::SemanticTokensParams = params(raw)?;
                self.with_doc(&p.text_document.uri, |cx| {
                    to_value(outline::semantic_tokens(cx, None))
                })
            }
            "textDocument/semanticTokens/range" => {
                let p: lsp::SemanticTokensRangeParams = params(raw)?;
                self.with_doc(&p.text_document.uri, |cx| {
                    to_value(outline::semantic_tokens(cx, Some(p.range)))
                })
            }
            "textDocument/inlayHint" => {
                let p: lsp::InlayHintParams = params(raw)?;
                self.with_doc(&p.text_document.uri, |cx| {
                    to_value(outline::inlay_hints(cx, p.range))
                })
            }
            "textDocument/formatting" => {
                let p: lsp::DocumentFormattingParams = params(raw)?;
                let Some(doc) = self.docs.get(p.text_document.uri.as_str()) else {
                    return Ok(Value::Null);
                };
                let Some(formatted) = format_document(&doc.text) else {
                    return Ok(Value::Null);
                };
                if formatted == doc.text {
                    return to_value(Vec::<lsp::TextEdit>::new());
                }
                let src = SourceFile::new("", doc.text.clone(), Origin::Project);
                to_value(vec![lsp::TextEdit {
                    range: convert::range(&src, 0, doc.text.len(), self.enc),
                    new_text: formatted,
                }])
            }
            "ismsc/internal/panic" if self.config.panic_request => {
                panic!("ismsc/internal/panic was asked for")
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("ismsc lsp does not handle `{method}`"),
            )),
        }
    }

    /// Runs `f` on the analysed document `uri`; `null` when the document is unknown.
    fn with_doc(&mut self, uri: &lsp::Uri, f: impl FnOnce(&Ctx<'_>) -> Answer) -> Answer {
        let (index, name, editable) = match uri_to_path(uri).and_then(|p| self.stdlib_name(&p)) {
            Some(name) => {
                let i = if self
                    .projects
                    .get(self.last_project)
                    .is_some_and(|p| p.analysis.is_some())
                {
                    self.last_project
                } else {
                    match self.projects.iter().position(|p| p.analysis.is_some()) {
                        Some(i) => i,
                        None => return Ok(Value::Null),
                    }
                };
                (i, name, false)
            }
            None => match self.find_home(uri) {
                Some((i, name)) => (i, name, true),
                None => return Ok(Value::Null),
            },
        };
        self.last_project = index;
        let Some(project) = self.projects.get(index) else {
            return Ok(Value::Null);
        };
        let Some(analysis) = &project.analysis else {
            return Ok(Value::Null);
        };
        let Some(file) = analysis.sources.find(&name) else {
            return Ok(Value::Null);
        };
        let Some(src) = analysis.sources.get(file) else {
            return Ok(Value::Null);
        };
        let loc = self.locator(project);
        let cx = Ctx {
            analysis,
            file,
            src,
            tree: analysis.asts.iter().find(|t| t.file == file).map(|t| &**t),
            enc: self.enc,
            loc: &loc,
            caps: self.caps,
            today: self.today(),
            editable,
        };
        f(&cx)
    }
}

/// Applies one change event to a document's text.
fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent, enc: Encoding) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let src = SourceFile::new("", std::mem::take(text), Origin::Project);
            let start = convert::offset(&src, range.start, enc);
            let end = convert::offset(&src, range.end, enc).max(start);
            let mut new = src.text;
            if new.is_char_boundary(start) && new.is_char_boundary(end) {
                new.replace_range(start..end, &change.text);
            }
            *text = new;
        }
    }
}

/// Applies change events in order to a text, as the server does (for tests).
pub fn apply_changes(
    text: &str,
    changes: Vec<lsp::TextDocumentContentChangeEvent>,
    utf8: bool,
) -> String {
    let enc = if utf8 {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    };
    let mut text = text.to_string();
    for c in changes {
        apply_change(&mut text, c, enc);
    }
    text
}

fn panic_text(e: &Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| e.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    // A file not on disk (yet): its folder's real path and its name.
    match (
        path.parent().and_then(|d| d.canonicalize().ok()),
        path.file_name(),
    ) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// `path` relative to `root`, with `/`; `None` outside it.
fn relative(path: &Path, root: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Whether a project-relative path is one of the project's `.isms` files by the rules of
/// `driver::isms_files` (or its manifest).
fn is_project_file(rel: &str) -> bool {
    if rel == "isms.toml" {
        return true;
    }
    let parts: Vec<&str> = rel.split('/').collect();
    rel.ends_with(".isms")
        && !parts.iter().any(|p| p.starts_with('.'))
        && !(parts.len() > 1 && matches!(parts.first(), Some(&"dist") | Some(&"target")))
}

/// The user's cache folder for ismsc: `$XDG_CACHE_HOME/ismsc`, `~/.cache/ismsc`,
/// `%LOCALAPPDATA%\ismsc`, else the temporary folder's `ismsc`.
fn default_cache_dir() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = var("XDG_CACHE_HOME")
        .or_else(|| var("LOCALAPPDATA"))
        .or_else(|| var("HOME").map(|h| h.join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    Some(base.join("ismsc"))
}

/// Writes the standard library's files and the pages of the diagnostic codes under `cache`,
/// in a folder named after the version and the content (so two builds never share one), read
/// only; returns the two folders. Files already there with the right content are kept.
fn materialize(cache: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |s: &str| {
        for b in s.bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for (name, text) in ismsc_core::stdlib::FILES {
        feed(name);
        feed(text);
    }
    for code in Code::ALL {
        feed(code.page());
    }
    let dir = cache.join(format!("{}-{:012x}", env!("CARGO_PKG_VERSION"), hash >> 16));
    let stdlib = dir.join("stdlib");
    let pages = dir.join("diagnostics");
    let mut files: Vec<(PathBuf, &str)> = Vec::new();
    for (name, text) in ismsc_core::stdlib::FILES {
        files.push((stdlib.join(convert::stdlib_rel(name)?), text));
    }
    for code in Code::ALL {
        files.push((pages.join(format!("{code}.md")), code.page()));
    }
    for (path, text) in files {
        if std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
            continue;
        }
        let parent = path.parent()?;
        std::fs::create_dir_all(parent).ok()?;
        // Through the one atomic writer: a reader sees the old copy or the new one.
        if ismsc_core::emit::write::write_atomic(&path, text.as_bytes()).is_err() {
            // Another server wrote it meanwhile: fine if it is right.
            if !std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
                return None;
            }
        }
        if let Ok(meta) = std::fs::metadata(&path) {
            let mut perms = meta.permissions();
            perms.set_readonly(true);
            let _ = std::fs::set_permissions(&path, perms);
        }
    }
    Some((canonical(&stdlib), canonical(&pages)))
}

/// A project file's text, read as `ismsc check` reads it: a regular file (a named pipe would
/// block the server) of at most the default limit of `.isms` files.
fn read_project_file(path: &Path) -> Result<String, String> {
    ismsc_core::driver::read_text_file(path, ismsc_core::manifest::Limits::default().isms)
}
