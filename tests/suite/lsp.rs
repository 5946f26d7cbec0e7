//! `ismsc lsp` driven in-process as an editor drives it, through `Connection::memory()`: the
//! server's real message loop in a thread, a client here that sends requests and
//! notifications and waits for answers and published diagnostics. Each test works on a copy
//! of an example project, so edits on disk are its own.

// `lsp_types::Uri` keys (workspace edits) hash and compare by their text.
#![allow(clippy::mutable_key_type)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use serde_json::{json, Value};

use crate::harness::{repo, scratch};

const WAIT: Duration = Duration::from_secs(20);

/// Copies a folder (files and subfolders) to `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name();
        if name == "dist" {
            continue;
        }
        if p.is_dir() {
            copy_dir(&p, &to.join(name));
        } else {
            std::fs::copy(&p, to.join(name)).unwrap();
        }
    }
}

/// A copy of `examples/NAME` in a scratch folder of its own, canonical.
pub fn project(example: &str, test: &str) -> PathBuf {
    let dir = scratch(&format!("lsp-{test}"));
    let root = dir.join(example);
    copy_dir(&repo().join("examples").join(example), &root);
    root.canonicalize().unwrap()
}

pub fn uri(path: &Path) -> lsp::Uri {
    ismsc::lsp::path_to_uri(path).unwrap()
}

pub struct Client {
    conn: Connection,
    server: Option<JoinHandle<u8>>,
    next: i32,
    /// Notifications received while waiting for something else.
    pending: Vec<Notification>,
    pub root: PathBuf,
    /// The latest diagnostics published per URI.
    pub published: HashMap<String, Vec<lsp::Diagnostic>>,
    /// The text of open documents, as the client holds it.
    pub texts: HashMap<String, (String, i32)>,
    pub init: lsp::InitializeResult,
}

impl Client {
    /// Starts a server on `root` with these initialization options (merged over a fixed
    /// date, no quiet period and a scratch cache folder) and client capabilities.
    pub fn start_with(root: &Path, options: Value, capabilities: Value) -> Client {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || ismsc::lsp::serve(server));
        let cache = root.parent().unwrap().join("cache");
        let mut init_options = json!({"debounceMs": 0, "today": "2026-11-22", "cacheDir": cache});
        if let (Some(o), Some(extra)) = (init_options.as_object_mut(), options.as_object()) {
            for (k, v) in extra {
                o.insert(k.clone(), v.clone());
            }
        }
        let mut c = Client {
            conn: client,
            server: Some(handle),
            next: 0,
            pending: Vec::new(),
            root: root.to_path_buf(),
            published: HashMap::new(),
            texts: HashMap::new(),
            init: lsp::InitializeResult::default(),
        };
        let result = c.request_raw(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": capabilities,
                "initializationOptions": init_options,
            }),
        );
        c.init = serde_json::from_value(result.unwrap()).unwrap();
        c.notify_raw("initialized", json!({}));
        c
    }

    pub fn start(root: &Path) -> Client {
        Client::start_with(
            root,
            json!({}),
            json!({
                "textDocument": {
                    "publishDiagnostics": {"relatedInformation": true},
                    "completion": {"completionItem": {"snippetSupport": true}},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "documentSymbol": {"hierarchicalDocumentSymbolSupport": true}
                }
            }),
        )
    }

    fn take(&mut self, n: Notification) {
        if n.method == lsp::notification::PublishDiagnostics::METHOD {
            if let Ok(p) = serde_json::from_value::<lsp::PublishDiagnosticsParams>(n.params.clone())
            {
                self.published
                    .insert(p.uri.as_str().to_string(), p.diagnostics);
            }
        }
        self.pending.push(n);
    }

    /// Sends a request and waits for its answer (an error's message as `Err`).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Result<Value, (i32, String)> {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Message::Request(Request {
                id: id.clone(),
                method: method.into(),
                params,
            }))
            .unwrap();
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left) {
                Ok(Message::Response(Response {
                    id: rid,
                    response_result,
                })) if rid == id => {
                    return response_result.map_err(|e| (e.code, e.message));
                }
                Ok(Message::Notification(n)) => self.take(n),
                Ok(_) => {}
                Err(e) => panic!("no answer to {method}: {e}"),
            }
        }
    }

    pub fn request<R: lsp::request::Request>(&mut self, params: R::Params) -> R::Result {
        let value = self
            .request_raw(R::METHOD, serde_json::to_value(params).unwrap())
            .unwrap_or_else(|e| panic!("{} failed: {e:?}", R::METHOD));
        serde_json::from_value(value).unwrap()
    }

    pub fn notify_raw(&mut self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification {
                method: method.into(),
                params,
            }))
            .unwrap();
    }

    /// Makes the server analyse what changed and publish it: a request is answered only
    /// after that, and its answer comes after the diagnostics it published.
    pub fn sync(&mut self) {
        self.request_raw("workspace/symbol", json!({"query": "\u{0}"}))
            .unwrap();
    }

    /// The diagnostics of `uri` now (after [`Client::sync`]); none if none were published.
    pub fn diagnostics(&mut self, uri: &lsp::Uri) -> Vec<lsp::Diagnostic> {
        self.sync();
        self.published
            .get(uri.as_str())
            .cloned()
            .unwrap_or_default()
    }

    /// Asserts the diagnostics of `uri` now satisfy `ok`; returns them.
    pub fn diagnostics_until(
        &mut self,
        uri: &lsp::Uri,
        ok: impl Fn(&[lsp::Diagnostic]) -> bool,
    ) -> Vec<lsp::Diagnostic> {
        let d = self.diagnostics(uri);
        assert!(
            ok(&d),
            "unexpected diagnostics for {}: {d:#?}",
            uri.as_str()
        );
        d
    }

    /// Waits, without asking anything, until diagnostics for `uri` that satisfy `ok` are
    /// published (after the quiet period); returns them.
    pub fn wait_published(
        &mut self,
        uri: &lsp::Uri,
        ok: impl Fn(&[lsp::Diagnostic]) -> bool,
    ) -> Vec<lsp::Diagnostic> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(d) = self.published.get(uri.as_str()) {
                if ok(d) {
                    return d.clone();
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.conn.receiver.recv_timeout(left) {
                Ok(Message::Notification(n)) => self.take(n),
                Ok(_) => {}
                Err(_) => panic!(
                    "no matching diagnostics for {} (last: {:#?})",
                    uri.as_str(),
                    self.published.get(uri.as_str())
                ),
            }
        }
    }

    /// Opens a project file as the editor would (its text from disk).
    pub fn open(&mut self, rel: &str) -> lsp::Uri {
        let path = self.root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        let u = uri(&path);
        self.open_text(&u, &text);
        u
    }

    pub fn open_text(&mut self, u: &lsp::Uri, text: &str) {
        self.texts
            .insert(u.as_str().to_string(), (text.to_string(), 1));
        self.notify_raw(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": "isms", "version": 1, "text": text}}),
        );
    }

    /// The position (UTF-16) of the `nth` occurrence of `needle` in an open document, plus
    /// `shift` characters.
    pub fn pos(&self, u: &lsp::Uri, needle: &str, nth: usize, shift: u32) -> lsp::Position {
        let (text, _) = &self.texts[u.as_str()];
        let at = text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("`{needle}` #{nth} not in {}", u.as_str()))
            .0;
        let before = &text[..at];
        let line = before.matches('\n').count() as u32;
        let col = before.rsplit('\n').next().unwrap().encode_utf16().count() as u32;
        lsp::Position::new(line, col + shift)
    }

    /// Replaces the `nth` occurrence of `needle` in an open document by `with`, as one
    /// incremental change.
    pub fn replace(&mut self, u: &lsp::Uri, needle: &str, nth: usize, with: &str) {
        let start = self.pos(u, needle, nth, 0);
        let end = lsp::Position::new(
            start.line,
            start.character + needle.encode_utf16().count() as u32,
        );
        self.edit(u, lsp::Range::new(start, end), with);
    }

    /// Applies one incremental change to an open document.
    pub fn edit(&mut self, u: &lsp::Uri, range: lsp::Range, with: &str) {
        let (text, version) = self.texts.get(u.as_str()).cloned().unwrap();
        let change = lsp::TextDocumentContentChangeEvent {
            range: Some(range),
            range_length: None,
            text: with.to_string(),
        };
        let new = ismsc::lsp::apply_changes(&text, vec![change.clone()], false);
        self.texts
            .insert(u.as_str().to_string(), (new, version + 1));
        self.notify_raw(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": version + 1}, "contentChanges": [change]}),
        );
    }

    /// Applies a workspace edit's changes to the open documents (as an editor does).
    pub fn apply(&mut self, edit: &lsp::WorkspaceEdit) {
        for (u, edits) in edit.changes.clone().unwrap_or_default() {
            let mut edits = edits;
            // From the end, so earlier ranges stay valid.
            edits.sort_by_key(|e| std::cmp::Reverse((e.range.start.line, e.range.start.character)));
            for e in edits {
                if !self.texts.contains_key(u.as_str()) {
                    let path = ismsc::lsp::uri_to_path(&u).unwrap();
                    let text = std::fs::read_to_string(path).unwrap();
                    self.open_text(&u, &text);
                }
                self.edit(&u, e.range, &e.new_text);
            }
        }
    }

    /// `shutdown`, then `exit`; the server's exit code.
    pub fn stop(mut self) -> u8 {
        self.request_raw("shutdown", Value::Null).unwrap();
        self.notify_raw("exit", Value::Null);
        self.server.take().unwrap().join().unwrap()
    }

    pub fn td(u: &lsp::Uri) -> lsp::TextDocumentIdentifier {
        lsp::TextDocumentIdentifier { uri: u.clone() }
    }

    pub fn at(u: &lsp::Uri, pos: lsp::Position) -> lsp::TextDocumentPositionParams {
        lsp::TextDocumentPositionParams {
            text_document: Client::td(u),
            position: pos,
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Some(h) = self.server.take() {
            let _ = self.conn.sender.send(Message::Notification(Notification {
                method: "exit".into(),
                params: Value::Null,
            }));
            let _ = h.join();
        }
    }
}

fn codes(d: &[lsp::Diagnostic]) -> Vec<String> {
    d.iter()
        .filter_map(|d| match &d.code {
            Some(lsp::NumberOrString::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn text_at(path: &Path, range: lsp::Range) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let line = text.lines().nth(range.start.line as usize).unwrap();
    let chars: Vec<u16> = line.encode_utf16().collect();
    String::from_utf16(&chars[range.start.character as usize..range.end.character as usize])
        .unwrap()
}

fn hover_text(h: Option<lsp::Hover>) -> String {
    match h.map(|h| h.contents) {
        Some(lsp::HoverContents::Markup(m)) => m.value,
        other => panic!("no markup hover: {other:?}"),
    }
}

#[test]
fn a_seeded_typo_is_reported_on_its_line_offered_its_fix_and_cleared_after_it() {
    let root = project("acme", "typo");
    let mut c = Client::start(&root);
    assert_eq!(
        c.init.capabilities.position_encoding,
        Some(lsp::PositionEncodingKind::UTF16)
    );
    let risks = c.open("risks.isms");
    // The project checks clean: risks.isms has nothing to report.
    c.request::<lsp::request::DocumentSymbolRequest>(lsp::DocumentSymbolParams {
        text_document: Client::td(&risks),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    });
    assert!(codes(
        c.published
            .get(risks.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    )
    .is_empty());

    c.replace(&risks, "owner         = ciso", 0, "owner         = cisoo");
    let line = c.pos(&risks, "cisoo", 0, 0).line;
    // Published after the quiet period, without a request.
    let d = c.wait_published(&risks, |d| !d.is_empty());
    assert_eq!(codes(&d), ["E0102"], "{d:#?}");
    assert_eq!(d[0].range.start.line, line);
    assert!(
        d[0].message.contains("`cisoo` is not defined"),
        "{}",
        d[0].message
    );
    assert!(
        d[0].message.contains("did you mean `ciso`?"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].severity, Some(lsp::DiagnosticSeverity::ERROR));
    let page = d[0].code_description.as_ref().unwrap().href.clone();
    let page = ismsc::lsp::uri_to_path(&page).unwrap();
    assert!(page.ends_with("E0102.md"), "{}", page.display());
    assert!(std::fs::read_to_string(&page).unwrap().contains("E0102"));

    let actions = c
        .request::<lsp::request::CodeActionRequest>(lsp::CodeActionParams {
            text_document: Client::td(&risks),
            range: d[0].range,
            context: lsp::CodeActionContext {
                diagnostics: d.clone(),
                ..Default::default()
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let fix = actions
        .iter()
        .find_map(|a| match a {
            lsp::CodeActionOrCommand::CodeAction(a) if a.title == "Replace `cisoo` with `ciso`" => {
                Some(a.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(fix.is_preferred, Some(true));
    assert_eq!(fix.diagnostics.as_deref(), Some(&d[..1]));
    c.apply(fix.edit.as_ref().unwrap());
    assert!(c.texts[risks.as_str()].0.contains("owner         = ciso\n"));
    // Cleared, again without a request.
    c.wait_published(&risks, |d| d.is_empty());
    assert_eq!(c.stop(), 0);
}

#[test]
fn an_edit_in_one_file_changes_the_diagnostics_of_another() {
    let root = project("acme", "cross");
    let mut c = Client::start(&root);
    let people = c.open("people.isms");
    let risks = uri(&root.join("risks.isms"));
    c.replace(&people, "person ciso", 0, "person ciso-x");
    // Every file that names `ciso` now reports it, though only people.isms is open.
    let d = c.diagnostics_until(&risks, |d| d.len() >= 2);
    assert!(codes(&d).iter().all(|c| c == "E0102"), "{d:#?}");
    let isms = uri(&root.join("isms.isms"));
    let d = c.diagnostics_until(&isms, |d| !d.is_empty());
    assert!(codes(&d).contains(&"E0102".to_string()), "{d:#?}");
    // Undone: every file is cleared.
    c.replace(&people, "person ciso-x", 0, "person ciso");
    c.diagnostics_until(&risks, |d| d.is_empty());
    c.diagnostics_until(&isms, |d| d.is_empty());
}

#[test]
fn definition_crosses_files_and_reaches_the_catalogue_and_policy_texts() {
    let root = project("acme", "definition");
    let mut c = Client::start(&root);
    let risks = c.open("risks.isms");
    let pos = c.pos(&risks, "ciso", 0, 2);
    let def = c
        .request::<lsp::request::GotoDefinition>(lsp::GotoDefinitionParams {
            text_document_position_params: Client::at(&risks, pos),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let lsp::GotoDefinitionResponse::Link(links) = def else {
        panic!("{def:?}")
    };
    assert_eq!(links[0].target_uri, uri(&root.join("people.isms")));
    assert_eq!(
        text_at(&root.join("people.isms"), links[0].target_selection_range),
        "ciso"
    );
    assert_eq!(
        links[0].origin_selection_range.map(|r| r.start.character),
        Some(pos.character - 2)
    );

    // An Annex A id opens the catalogue, written read-only under the cache folder.
    let controls = c.open("controls-technological.isms");
    let pos = c.pos(&controls, "A.5.17", 0, 3);
    let def = c
        .request::<lsp::request::GotoDefinition>(lsp::GotoDefinitionParams {
            text_document_position_params: Client::at(&controls, pos),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let lsp::GotoDefinitionResponse::Link(links) = def else {
        panic!("{def:?}")
    };
    let path = ismsc::lsp::uri_to_path(&links[0].target_uri).unwrap();
    assert!(
        path.starts_with(root.parent().unwrap().join("cache")),
        "{}",
        path.display()
    );
    assert!(
        path.ends_with("stdlib/iso27001-2022/annex-a.isms"),
        "{}",
        path.display()
    );
    assert_eq!(text_at(&path, links[0].target_selection_range), "A.5.17");
    assert!(std::fs::metadata(&path).unwrap().permissions().readonly());

    // Hover works inside the catalogue too, with the project's SoA.
    let catalogue = uri(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    c.open_text(&catalogue, &text);
    let pos = c.pos(&catalogue, "A.5.17", 0, 1);
    let h = c.request::<lsp::request::HoverRequest>(lsp::HoverParams {
        text_document_position_params: Client::at(&catalogue, pos),
        work_done_progress_params: Default::default(),
    });
    assert!(hover_text(h).contains("implemented by: `mfa`"));

    // `file("…")` opens the policy's text.
    let policies = c.open("policies.isms");
    let pos = c.pos(&policies, "policies/access-control.md", 0, 4);
    let def = c
        .request::<lsp::request::GotoDefinition>(lsp::GotoDefinitionParams {
            text_document_position_params: Client::at(&policies, pos),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let lsp::GotoDefinitionResponse::Link(links) = def else {
        panic!("{def:?}")
    };
    assert_eq!(
        links[0].target_uri,
        uri(&root.join("policies/access-control.md"))
    );
}

#[test]
fn references_and_rename_reach_every_file_that_names_the_entity() {
    let root = project("acme", "rename");
    let mut c = Client::start(&root);
    let people = c.open("people.isms");
    let pos = c.pos(&people, "person ciso", 0, 8);
    let refs = c
        .request::<lsp::request::References>(lsp::ReferenceParams {
            text_document_position: Client::at(&people, pos),
            context: lsp::ReferenceContext {
                include_declaration: true,
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    // Every `ciso` written as a reference in the project, found by reading the files.
    let mut expected = 1; // the definition
    let mut files = std::collections::BTreeSet::new();
    for f in ismsc_core::driver::isms_files(&root).unwrap() {
        let text = std::fs::read_to_string(root.join(&f)).unwrap();
        let n = text
            .match_indices("ciso")
            .filter(|(i, _)| {
                let before = text[..*i].chars().last().unwrap_or(' ');
                let after = text[i + 4..].chars().next().unwrap_or(' ');
                !(before.is_alphanumeric() || before == '-' || before == '"' || before == '_')
                    && !(after.is_alphanumeric() || after == '-' || after == '_' || after == '"')
                    && !text[..*i].ends_with("person ")
                    && !text[..*i]
                        .rsplit('\n')
                        .next()
                        .unwrap()
                        .trim_start()
                        .starts_with("//")
            })
            .count();
        if n > 0 {
            files.insert(uri(&root.join(&f)).as_str().to_string());
        }
        expected += n;
    }
    assert_eq!(refs.len(), expected, "{refs:#?}");
    let found: std::collections::BTreeSet<String> =
        refs.iter().map(|l| l.uri.as_str().to_string()).collect();
    assert!(files.len() >= 4, "{files:?}");
    assert!(files.is_subset(&found), "{files:?} {found:?}");

    // Rename: prepared on the id, refused for Annex A ids, taken or invalid ids.
    let prep = c.request::<lsp::request::PrepareRenameRequest>(Client::at(&people, pos));
    assert!(
        matches!(prep, Some(lsp::PrepareRenameResponse::RangeWithPlaceholder { ref placeholder, .. }) if placeholder == "ciso")
    );
    let controls = c.open("controls-technological.isms");
    let annex = c.pos(&controls, "A.5.17", 0, 1);
    let refused = c.request_raw(
        "textDocument/prepareRename",
        serde_json::to_value(Client::at(&controls, annex)).unwrap(),
    );
    assert!(refused.unwrap_err().1.contains("catalogue"));
    for (new, why) in [
        ("cto", "already the id of a person"),
        ("9lives", "start with a letter"),
        ("a.b", "may not stand"),
        ("true", "boolean"),
    ] {
        let r = c.request_raw(
            "textDocument/rename",
            json!({"textDocument": {"uri": people}, "position": pos, "newName": new}),
        );
        assert!(r.as_ref().unwrap_err().1.contains(why), "{new}: {r:?}");
    }
    let edit = c
        .request::<lsp::request::Rename>(lsp::RenameParams {
            text_document_position: Client::at(&people, pos),
            new_name: "security-officer".into(),
            work_done_progress_params: Default::default(),
        })
        .unwrap();
    let changes = edit.changes.clone().unwrap();
    let edited: std::collections::BTreeSet<String> =
        changes.keys().map(|u| u.as_str().to_string()).collect();
    assert_eq!(edited, found);
    assert_eq!(changes.values().map(Vec::len).sum::<usize>(), expected);
    c.apply(&edit);
    // Renamed everywhere: every file still checks clean.
    for f in &files {
        let u = lsp::Uri::from_str(f).unwrap();
        c.diagnostics_until(&u, |d| d.is_empty());
    }
    let h = c.request::<lsp::request::HoverRequest>(lsp::HoverParams {
        text_document_position_params: Client::at(&people, pos),
        work_done_progress_params: Default::default(),
    });
    assert!(hover_text(h).starts_with("person **`security-officer`** — Dana Weber"));
}

#[test]
fn hover_shows_annex_a_controls_entities_and_fields() {
    let root = project("acme", "hover");
    let mut c = Client::start(&root);
    let controls = c.open("controls-technological.isms");
    let hover = |c: &mut Client, needle: &str, nth: usize, shift: u32| {
        let pos = c.pos(&controls, needle, nth, shift);
        hover_text(c.request::<lsp::request::HoverRequest>(lsp::HoverParams {
            text_document_position_params: Client::at(&controls, pos),
            work_done_progress_params: Default::default(),
        }))
    };
    // Inside a list.
    let h = hover(&mut c, "A.5.17", 0, 2);
    assert!(
        h.starts_with("**A.5.17** Authentication information"),
        "{h}"
    );
    assert!(h.contains("Theme: **Organizational controls**"), "{h}");
    for attribute in [
        "control type",
        "properties",
        "concepts",
        "capabilities",
        "domains",
        "identity and access management",
    ] {
        assert!(h.contains(attribute), "{attribute}: {h}");
    }
    assert!(h.contains("- applicable: yes"), "{h}");
    assert!(h.contains("- status: implemented"), "{h}");
    assert!(
        h.contains("implemented by: `mfa` Phishing-resistant MFA"),
        "{h}"
    );
    assert!(h.contains("- reason: risk treatment: `R-001`"), "{h}");
    let h = hover(&mut c, "owner       = it-ops", 0, 16);
    assert!(h.starts_with("team **`it-ops`**"), "{h}");
    assert!(h.contains("Referred to"), "{h}");
    let h = hover(&mut c, "control mfa", 0, 9);
    assert!(h.contains("- status: implemented"), "{h}");
    assert!(h.contains("- satisfies: `A.5.17`, `A.8.5`"), "{h}");
    let h = hover(&mut c, "satisfies", 0, 1);
    assert!(
        h.starts_with("**`satisfies`** — a list of requirement ids"),
        "{h}"
    );
    // A risk: its scores.
    let risks = c.open("risks.isms");
    let pos = c.pos(&risks, "R-001", 0, 1);
    let h = hover_text(c.request::<lsp::request::HoverRequest>(lsp::HoverParams {
        text_document_position_params: Client::at(&risks, pos),
        work_done_progress_params: Default::default(),
    }));
    assert!(h.contains("- inherent risk: likely × severe = 20"), "{h}");
    assert!(h.contains("- residual risk: rare × severe = 5"), "{h}");
    // An excluded control's justification.
    let applicability = c.open("applicability.isms");
    let pos = c.pos(&applicability, "A.8.30", 0, 1);
    let h = hover_text(c.request::<lsp::request::HoverRequest>(lsp::HoverParams {
        text_document_position_params: Client::at(&applicability, pos),
        work_done_progress_params: Default::default(),
    }));
    assert!(h.contains("- applicable: no (excluded)"), "{h}");
    assert!(
        h.contains("- justification: Acme does not outsource"),
        "{h}"
    );
}

fn labels(r: Option<lsp::CompletionResponse>) -> Vec<(String, Option<String>)> {
    match r {
        Some(lsp::CompletionResponse::List(l)) => {
            l.items.into_iter().map(|i| (i.label, i.detail)).collect()
        }
        Some(lsp::CompletionResponse::Array(a)) => {
            a.into_iter().map(|i| (i.label, i.detail)).collect()
        }
        None => Vec::new(),
    }
}

fn complete(c: &mut Client, u: &lsp::Uri, pos: lsp::Position) -> Vec<(String, Option<String>)> {
    labels(
        c.request::<lsp::request::Completion>(lsp::CompletionParams {
            text_document_position: Client::at(u, pos),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            context: None,
        }),
    )
}

#[test]
fn completion_offers_what_the_place_takes() {
    let root = project("acme", "completion");
    let mut c = Client::start(&root);
    let risks = c.open("risks.isms");
    // `owner = |`: persons and teams, never risks, assets or controls.
    c.replace(&risks, "owner         = ciso", 0, "owner         = ");
    let pos = c.pos(&risks, "owner         = \n", 0, 16);
    let items = complete(&mut c, &risks, pos);
    let ids: Vec<&str> = items.iter().map(|(l, _)| l.as_str()).collect();
    assert!(
        ids.contains(&"ciso") && ids.contains(&"security") && ids.contains(&"engineering"),
        "{ids:?}"
    );
    assert!(
        !ids.iter()
            .any(|i| i.starts_with("R-") || *i == "mfa" || *i == "customer-data"),
        "{ids:?}"
    );
    let (_, detail) = items.iter().find(|(l, _)| l == "ciso").unwrap();
    assert_eq!(detail.as_deref(), Some("person · Dana Weber"));
    // Typing narrows the list.
    c.edit(&risks, lsp::Range::new(pos, pos), "ci");
    let items = complete(
        &mut c,
        &risks,
        lsp::Position::new(pos.line, pos.character + 2),
    );
    assert!(items.iter().any(|(l, _)| l == "ciso"));
    assert!(
        items
            .iter()
            .all(|(l, _)| l.contains('c') && l.contains('i')),
        "{items:?}"
    );

    // Inside a list of controls: controls only, those already listed left out.
    let pos = c.pos(&risks, "controls      = [mfa, ", 0, 22);
    let ids: Vec<String> = complete(&mut c, &risks, pos)
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert!(
        ids.contains(&"sdlc".to_string()) && !ids.contains(&"mfa".to_string()),
        "{ids:?}"
    );
    assert!(!ids.iter().any(|i| i == "ciso"), "{ids:?}");

    // A vocabulary and a scale.
    let pos = c.pos(&risks, "treatment     = mitigate", 0, 16);
    let ids: Vec<String> = complete(&mut c, &risks, pos)
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert_eq!(ids, ["mitigate", "accept", "avoid", "transfer"]);
    let pos = c.pos(&risks, "impact        = severe", 0, 16);
    let ids: Vec<String> = complete(&mut c, &risks, pos)
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert_eq!(ids, ["negligible", "minor", "moderate", "major", "severe"]);

    // Field names of a control, the present ones left out; Annex A ids with their titles.
    let controls = c.open("controls-technological.isms");
    let pos = c.pos(&controls, "  satisfies   = [A.5.17, A.8.5, nist-csf", 0, 0);
    c.edit(&controls, lsp::Range::new(pos, pos), "  \n");
    let items = complete(&mut c, &controls, lsp::Position::new(pos.line, 2));
    let names: Vec<&str> = items.iter().map(|(l, _)| l.as_str()).collect();
    assert!(
        names.contains(&"due") && names.contains(&"evidence"),
        "{names:?}"
    );
    assert!(
        !names.contains(&"owner") && !names.contains(&"satisfies"),
        "{names:?}"
    );
    let pos = c.pos(&controls, "[A.5.17, A.8.5,", 0, 9);
    let items = complete(&mut c, &controls, pos);
    let (_, detail) = items.iter().find(|(l, _)| l == "A.5.15").unwrap();
    assert_eq!(
        detail.as_deref(),
        Some("Access control · Organizational controls")
    );
    assert!(!items.iter().any(|(l, _)| l == "A.5.17"), "already listed");
    assert_eq!(items.len(), 93 - 1);
    // Item keywords at the top level; nothing inside a string.
    let items = complete(&mut c, &controls, lsp::Position::new(0, 0));
    assert!(items.iter().any(|(l, _)| l == "control"));
    let pos = c.pos(&controls, "Managed endpoints", 0, 3);
    assert!(complete(&mut c, &controls, pos).is_empty());
}

#[test]
fn code_actions_add_decisions_fields_and_stubs() {
    let root = project("acme", "actions");
    let mut c = Client::start(&root);
    let applicability = c.open("applicability.isms");
    // Dropping A.8.30's exclusion leaves it undecided.
    c.replace(
        &applicability,
        "  A.8.30 excluded",
        0,
        "  // A.8.30 excluded",
    );
    let d = c.diagnostics_until(&applicability, |d| codes(d) == ["E0401"]);
    let undecided = d[0].clone();
    assert!(undecided.message.contains("`A.8.30`"), "{undecided:?}");
    let actions = c
        .request::<lsp::request::CodeActionRequest>(lsp::CodeActionParams {
            text_document: Client::td(&applicability),
            range: undecided.range,
            context: lsp::CodeActionContext {
                diagnostics: vec![undecided.clone()],
                ..Default::default()
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let include = actions
        .iter()
        .find_map(|a| match a {
            lsp::CodeActionOrCommand::CodeAction(a)
                if a.title == "Exclude `A.8.30` in the Statement of Applicability" =>
            {
                Some(a.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("{actions:#?}"));
    c.apply(include.edit.as_ref().unwrap());
    let text = &c.texts[applicability.as_str()].0;
    // In catalogue order: after the last decision, A.7.12's, on a line of its own.
    let a712 = text.find("  A.7.12 included").unwrap();
    let new = text
        .find("\n  A.8.30 excluded \"TODO: why this control is not needed\"\n}")
        .unwrap();
    assert!(a712 < new, "{text}");
    c.diagnostics_until(&applicability, |d| d.is_empty());

    // A missing required field.
    let controls = c.open("controls-technological.isms");
    c.replace(&controls, "  status      = implemented\n", 0, "");
    let d = c.diagnostics_until(&controls, |d| codes(d) == ["E0202"]);
    let actions = c
        .request::<lsp::request::CodeActionRequest>(lsp::CodeActionParams {
            text_document: Client::td(&controls),
            range: d[0].range,
            context: lsp::CodeActionContext::default(),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let titles: Vec<String> = actions
        .iter()
        .filter_map(|a| match a {
            lsp::CodeActionOrCommand::CodeAction(a) => Some(a.title.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(titles, ["Add `status = planned`"]);
    let lsp::CodeActionOrCommand::CodeAction(add) = &actions[0] else {
        panic!()
    };
    c.apply(add.edit.as_ref().unwrap());
    c.diagnostics_until(&controls, |d| d.is_empty());

    // A stub for an unknown owner: a person or a team, each where others of its kind live.
    c.replace(
        &controls,
        "owner       = it-ops",
        0,
        "owner       = soc-team",
    );
    let d = c.diagnostics_until(&controls, |d| codes(d) == ["E0102"]);
    let actions = c
        .request::<lsp::request::CodeActionRequest>(lsp::CodeActionParams {
            text_document: Client::td(&controls),
            range: d[0].range,
            context: lsp::CodeActionContext::default(),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let titles: Vec<String> = actions
        .iter()
        .filter_map(|a| match a {
            lsp::CodeActionOrCommand::CodeAction(a) => Some(a.title.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        titles,
        [
            "Create person `soc-team` in people.isms",
            "Create team `soc-team` in people.isms"
        ]
    );
    let lsp::CodeActionOrCommand::CodeAction(team) = &actions[1] else {
        panic!()
    };
    c.apply(team.edit.as_ref().unwrap());
    let people = uri(&root.join("people.isms"));
    assert!(c.texts[people.as_str()]
        .0
        .ends_with("\nteam soc-team \"Soc team\" {\n}\n"));
    c.diagnostics_until(&controls, |d| d.is_empty());
}

#[test]
fn symbols_folding_tokens_and_hints_answer() {
    let root = project("acme", "outline");
    let mut c = Client::start(&root);
    let risks = c.open("risks.isms");
    let symbols = c
        .request::<lsp::request::DocumentSymbolRequest>(lsp::DocumentSymbolParams {
            text_document: Client::td(&risks),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let lsp::DocumentSymbolResponse::Nested(symbols) = symbols else {
        panic!()
    };
    let r1 = symbols.iter().find(|s| s.name == "R-001").unwrap();
    assert_eq!(r1.kind, lsp::SymbolKind::EVENT);
    assert_eq!(
        r1.detail.as_deref(),
        Some("risk · Customer data exposed through compromised workforce credentials")
    );
    assert_eq!(r1.children.as_ref().unwrap()[0].name, "residual");
    assert_eq!(symbols[0].name, "risk_method");

    #[allow(deprecated)]
    let found = c.request::<lsp::request::WorkspaceSymbolRequest>(lsp::WorkspaceSymbolParams {
        query: "workforce".into(),
        ..Default::default()
    });
    let Some(lsp::WorkspaceSymbolResponse::Flat(found)) = found else {
        panic!()
    };
    let names: Vec<&str> = found.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.contains(&"mfa") && names.contains(&"R-001"),
        "{names:?}"
    );
    let found = c.request::<lsp::request::WorkspaceSymbolRequest>(lsp::WorkspaceSymbolParams {
        query: "A.5.17".into(),
        ..Default::default()
    });
    let Some(lsp::WorkspaceSymbolResponse::Flat(found)) = found else {
        panic!()
    };
    assert_eq!(found[0].name, "A.5.17");

    let folds = c
        .request::<lsp::request::FoldingRangeRequest>(lsp::FoldingRangeParams {
            text_document: Client::td(&risks),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let r1_line = c.pos(&risks, "risk R-001", 0, 0).line;
    let r1_end = c.pos(&risks, "  identified    = 2025-11-12\n}", 0, 0).line;
    assert!(
        folds
            .iter()
            .any(|f| f.start_line == r1_line && f.end_line == r1_end),
        "{folds:#?}"
    );
    assert!(folds.iter().any(|f| f.start_line == 0
        && f.end_line == 1
        && f.kind == Some(lsp::FoldingRangeKind::Comment)));
    let text_block = c.pos(&risks, "description        = \"\"\"", 0, 0).line;
    assert!(
        folds
            .iter()
            .any(|f| f.start_line == text_block && f.end_line == text_block + 5),
        "{folds:#?}"
    );

    let tokens = c
        .request::<lsp::request::SemanticTokensFullRequest>(lsp::SemanticTokensParams {
            text_document: Client::td(&risks),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .unwrap();
    let lsp::SemanticTokensResult::Tokens(tokens) = tokens else {
        panic!()
    };
    let legend = match c
        .init
        .capabilities
        .semantic_tokens_provider
        .clone()
        .unwrap()
    {
        lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(o) => o.legend,
        lsp::SemanticTokensServerCapabilities::SemanticTokensRegistrationOptions(o) => {
            o.semantic_tokens_options.legend
        }
    };
    // Decode: the token at `owner = ciso` of R-001 is a person (variable, modifier person).
    let (mut line, mut col) = (0, 0);
    let at = c.pos(&risks, "= ciso", 0, 2);
    let mut seen = None;
    for t in &tokens.data {
        if t.delta_line > 0 {
            line += t.delta_line;
            col = t.delta_start;
        } else {
            col += t.delta_start;
        }
        if line == at.line && col == at.character {
            seen = Some((
                legend.token_types[t.token_type as usize]
                    .as_str()
                    .to_string(),
                t.token_modifiers_bitset,
                t.length,
            ));
        }
    }
    let (ty, mods, len) = seen.expect("a token at `ciso`");
    assert_eq!((ty.as_str(), len), ("variable", 4));
    let person = legend
        .token_modifiers
        .iter()
        .position(|m| m.as_str() == "person")
        .unwrap();
    assert_eq!(mods, 1 << person);

    let hints = c
        .request::<lsp::request::InlayHintRequest>(lsp::InlayHintParams {
            text_document: Client::td(&risks),
            range: lsp::Range::new(lsp::Position::new(0, 0), lsp::Position::new(10_000, 0)),
            work_done_progress_params: Default::default(),
        })
        .unwrap();
    let texts: Vec<String> = hints
        .iter()
        .map(|h| match &h.label {
            lsp::InlayHintLabel::String(s) => s.clone(),
            lsp::InlayHintLabel::LabelParts(p) => p.iter().map(|p| p.value.clone()).collect(),
        })
        .collect();
    // likely (4) × severe (5), residual rare (1) × severe (5), threshold 6.
    assert_eq!(texts[0], "score 20");
    assert_eq!(texts[1], "residual 5 ≤ 6, acceptable");
    let at = c.pos(&risks, "impact        = severe", 0, 22);
    assert_eq!(hints[0].position, at);
    assert!(
        texts.iter().any(|t| t == "expires in 108 days"),
        "{texts:?}"
    );
}

#[test]
fn the_server_survives_bad_input_and_exits_only_on_exit() {
    let root = project("startup", "robust");
    let mut c = Client::start_with(&root, json!({"allowPanicRequest": true}), json!({}));
    let u = c.open("risks.isms");
    // Malformed parameters: an error, not a crash.
    let e = c
        .request_raw("textDocument/hover", json!({"textDocument": 5}))
        .unwrap_err();
    assert_eq!(e.0, lsp_server::ErrorCode::InvalidParams as i32);
    // A panic in a handler: an error answer, and the server goes on.
    let e = c
        .request_raw("ismsc/internal/panic", json!({}))
        .unwrap_err();
    assert_eq!(e.0, lsp_server::ErrorCode::InternalError as i32);
    assert!(e.1.contains("internal error"), "{e:?}");
    let e = c
        .request_raw("textDocument/unknown", json!({}))
        .unwrap_err();
    assert_eq!(e.0, lsp_server::ErrorCode::MethodNotFound as i32);
    // Positions past the end of a line or of the file are clamped, not refused.
    let h = c.request_raw(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 100000, "character": 100000}}),
    );
    assert!(h.is_ok());
    let h = c.request_raw(
        "textDocument/completion",
        json!({"textDocument": {"uri": u}, "position": {"line": 3, "character": 100000}}),
    );
    assert!(h.is_ok());
    // An edit whose range is past the end and a change of a document not open are ignored.
    c.notify_raw(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"range": {"start": {"line": 9999, "character": 0}, "end": {"line": 9999, "character": 5}}, "text": "x"}]}),
    );
    c.notify_raw("textDocument/didChange", json!({"textDocument": {"uri": "file:///nowhere.isms", "version": 2}, "contentChanges": []}));
    c.notify_raw("textDocument/didOpen", json!({"nonsense": true}));
    // Still answering; after `shutdown` requests are refused, `exit` ends it with 0.
    let r = c
        .request_raw("workspace/symbol", json!({"query": "ceo"}))
        .unwrap();
    assert!(r.as_array().is_some_and(|a| !a.is_empty()));
    c.request_raw("shutdown", Value::Null).unwrap();
    let e = c
        .request_raw("workspace/symbol", json!({"query": "ceo"}))
        .unwrap_err();
    assert_eq!(e.0, lsp_server::ErrorCode::InvalidRequest as i32);
    c.notify_raw("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), 0);

    // `exit` without `shutdown`: exit code 1, as the protocol says.
    let mut c = Client::start(&root);
    c.notify_raw("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), 1);
}

#[test]
fn files_created_deleted_and_renamed_on_disk_are_picked_up() {
    let root = project("startup", "watched");
    let mut c = Client::start(&root);
    let risks = c.open("risks.isms");
    let owner = c.texts[risks.as_str()]
        .0
        .split("owner")
        .nth(1)
        .unwrap()
        .split('\n')
        .next()
        .unwrap()
        .trim_start_matches([' ', '='])
        .to_string();
    c.replace(&risks, &format!("= {owner}"), 0, "= auditor");
    let d = c.diagnostics_until(&risks, |d| codes(d).contains(&"E0102".to_string()));
    assert!(d.iter().any(|d| d.message.contains("`auditor`")));
    // A new file on disk defines it.
    let extra = root.join("extra.isms");
    std::fs::write(
        &extra,
        "person auditor \"Ada Audit\" { role = \"Internal auditor\" }\n",
    )
    .unwrap();
    c.notify_raw(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&extra), "type": 1}]}),
    );
    c.diagnostics_until(&risks, |d| {
        !d.iter().any(|d| d.message.contains("`auditor`"))
    });
    // Renamed on disk (a deletion and a creation): still defined.
    let moved = root.join("people-extra.isms");
    std::fs::rename(&extra, &moved).unwrap();
    c.notify_raw(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&extra), "type": 3}, {"uri": uri(&moved), "type": 1}]}),
    );
    let r = c
        .request_raw("workspace/symbol", json!({"query": "auditor"}))
        .unwrap();
    let file = r[0]["location"]["uri"].as_str().unwrap().to_string();
    assert!(file.ends_with("people-extra.isms"), "{file}");
    // Deleted: reported again.
    std::fs::remove_file(&moved).unwrap();
    c.notify_raw(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&moved), "type": 3}]}),
    );
    c.diagnostics_until(&risks, |d| {
        d.iter().any(|d| d.message.contains("`auditor`"))
    });
}

#[test]
fn lone_files_and_unsaved_buffers_are_checked_on_their_own() {
    let root = project("startup", "lone");
    let dir = root.parent().unwrap().join("loose");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("draft.isms");
    std::fs::write(
        &file,
        "person p \"P\" { role = \"x\" }\ncontrol c \"C\" { owner = q status = implemented }\n",
    )
    .unwrap();
    let mut c = Client::start(&root);
    let u = uri(&file);
    c.open_text(&u, &std::fs::read_to_string(&file).unwrap());
    let d = c.diagnostics_until(&u, |d| !d.is_empty());
    // The unknown owner, and no complaint about a manifest a lone file cannot have.
    assert_eq!(codes(&d), ["E0102"], "{d:#?}");
    let untitled = lsp::Uri::from_str("untitled:Untitled-1").unwrap();
    c.open_text(&untitled, "contol x \"X\" { }\n");
    let d = c.diagnostics_until(&untitled, |d| !d.is_empty());
    assert!(codes(&d).contains(&"E0107".to_string()), "{d:#?}");
    // Closing the lone file clears what was published for it.
    c.notify_raw("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    c.diagnostics_until(&u, |d| d.is_empty());
}

#[test]
fn utf8_positions_are_used_when_the_client_offers_them() {
    let root = project("startup", "utf8");
    let mut c = Client::start_with(
        &root,
        json!({}),
        json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
    );
    assert_eq!(
        c.init.capabilities.position_encoding,
        Some(lsp::PositionEncodingKind::UTF8)
    );
    let path = root.join("emoji.isms");
    let text = "person \u{1F600}x \"😀\" { }\nperson p \"Zoë 😀\" { role = \"r\" }  control c \"C\" { owner = qq status = planned }\n";
    std::fs::write(&path, text).unwrap();
    let u = uri(&path);
    c.open_text(&u, text);
    let d = c.diagnostics_until(&u, |d| codes(d).contains(&"E0102".to_string()));
    let unknown = d.iter().find(|d| d.message.contains("`qq`")).unwrap();
    let line = text.lines().nth(1).unwrap();
    let byte = line.find("qq").unwrap() as u32;
    assert_eq!(unknown.range.start, lsp::Position::new(1, byte));
    assert_eq!(unknown.range.end, lsp::Position::new(1, byte + 2));
}

#[test]
fn formatting_uses_the_engine_of_ismsc_fmt_and_leaves_broken_files_alone() {
    let root = project("startup", "format");
    let mut c = Client::start(&root);
    assert!(c.init.capabilities.document_formatting_provider.is_some());
    let u = c.open("people.isms");
    let canonical = c.texts[u.as_str()].0.clone();
    let format = |c: &mut Client| {
        c.request_raw(
            "textDocument/formatting",
            json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
        )
        .unwrap()
    };
    // The examples are kept in the canonical layout: nothing to change.
    assert_eq!(format(&mut c), json!([]));
    // Scrambled whitespace: one edit back to the canonical text.
    let pos = c.pos(&u, "person ", 0, 0);
    c.edit(
        &u,
        lsp::Range::new(pos, lsp::Position::new(pos.line, pos.character + 7)),
        "person    ",
    );
    let edits: Vec<lsp::TextEdit> = serde_json::from_value(format(&mut c)).unwrap();
    assert_eq!(edits.len(), 1);
    c.apply(&lsp::WorkspaceEdit {
        changes: Some([(u.clone(), edits)].into_iter().collect()),
        ..Default::default()
    });
    assert_eq!(c.texts[u.as_str()].0, canonical);
    // A syntax error: no edit.
    c.edit(&u, lsp::Range::new(pos, pos), "person {{ ");
    assert_eq!(format(&mut c), Value::Null);
}

#[test]
fn requests_see_the_latest_text_even_within_the_quiet_period() {
    let root = project("startup", "quiet");
    // A long quiet period: only a request can make the server analyse before it ends.
    let mut c = Client::start_with(&root, json!({"debounceMs": 5000}), json!({}));
    let u = c.open("people.isms");
    let first = c.texts[u.as_str()].0.find("person ").unwrap();
    let id_line = c.texts[u.as_str()].0[..first].matches('\n').count() as u32;
    let start = std::time::Instant::now();
    c.edit(
        &u,
        lsp::Range::new(
            lsp::Position::new(id_line, 0),
            lsp::Position::new(id_line, 0),
        ),
        "person fresh \"Fresh Person\" { }\n",
    );
    let h = c.request::<lsp::request::HoverRequest>(lsp::HoverParams {
        text_document_position_params: Client::at(&u, lsp::Position::new(id_line, 8)),
        work_done_progress_params: Default::default(),
    });
    assert!(hover_text(h).starts_with("person **`fresh`** — Fresh Person"));
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "the request waited for the quiet period"
    );
}
