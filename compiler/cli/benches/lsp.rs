//! Latency of `ismsc lsp` as an editor sees it, driven in-process through
//! `Connection::memory()` on generated projects of 1k and 10k entities (the realistic shape of
//! `compiler/core/benches/check.rs`, written as one file per kind of item, as projects are):
//!
//! - `edit_to_diagnostics`: a keystroke in `risks.isms` (a typo in an owner, then its fix)
//!   until the file's diagnostics are published, with no quiet period (`debounceMs: 0`): the
//!   re-analysis of the whole project (only the edited file is parsed again) and the publish;
//! - `completion`: `owner = |` in a risk (persons and teams of the whole project);
//! - `hover`: an Annex A id in a control's `satisfies` (title, attributes, the SoA row).
//!
//! Run with `cargo bench -p ismsc --bench lsp`. Besides criterion's report, each benchmark
//! prints its p50, p95 and maximum over every iteration measured.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

/// The realistic shape, one file per kind: `n` entities against the 93 Annex A controls.
fn realistic(n: usize) -> Vec<(String, String)> {
    let mut isms = String::from(
        "isms \"Generated\" { organization = \"Gen\" standard = iso27001:2022 owner = p0 }\n\
         scope { description = \"all\" }\n\
         context { climate_change = \"not relevant\" }\n\
         risk_method {\n  likelihood = scale { low = 1, high = 3 }\n  impact = scale { low = 1, high = 3 }\n  accept_at_or_below = 4\n}\n\
         objective o \"Objective\" { owner = p0 }\n",
    );
    isms.push_str("team t0 \"Team\" { lead = p0 }\n");
    let annex: Vec<String> = (1..=37)
        .map(|i| format!("A.5.{i}"))
        .chain((1..=8).map(|i| format!("A.6.{i}")))
        .chain((1..=14).map(|i| format!("A.7.{i}")))
        .chain((1..=34).map(|i| format!("A.8.{i}")))
        .collect();
    let (mut people, mut assets, mut policies, mut controls, mut risks) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    );
    for i in 0..(n / 5).max(1) {
        let req = &annex[i % annex.len()];
        people.push_str(&format!(
            "person p{i} \"Person {i}\" {{\n  role = \"Engineer\"\n}}\n\n"
        ));
        assets.push_str(&format!(
            "asset a{i} \"Asset {i}\" {{\n  type = information\n  owner = p{i}\n  classification = internal\n}}\n\n"
        ));
        policies.push_str(&format!(
            "policy pol{i} \"Policy {i}\" {{\n  owner = p{i}\n  approved = p0 @ 2026-06-01\n  review = 12mo\n  covers = [{req}]\n}}\n\n"
        ));
        controls.push_str(&format!(
            "control c{i} \"Control {i}\" {{\n  satisfies = [{req}]\n  owner = p{i}\n  status = implemented\n  policy = pol{i}\n}}\n\n"
        ));
        risks.push_str(&format!(
            "risk r{i} \"Risk {i}\" {{\n  owner = p{i}\n  assets = [a{i}]\n  likelihood = high\n  impact = high\n  treatment = mitigate\n  controls = [c{i}]\n  residual {{ likelihood = low impact = high }}\n}}\n\n"
        ));
    }
    vec![
        (
            "isms.toml".into(),
            "[project]\nname = \"generated\"\n".into(),
        ),
        ("isms.isms".into(), isms),
        ("people.isms".into(), people),
        ("assets.isms".into(), assets),
        ("policies.isms".into(), policies),
        ("controls.isms".into(), controls),
        ("risks.isms".into(), risks),
    ]
}

struct Session {
    conn: Connection,
    server: Option<std::thread::JoinHandle<u8>>,
    next: i32,
    risks: String,
    controls: String,
    /// The risks file as the editor holds it.
    text: String,
    version: i32,
}

fn uri(p: &Path) -> String {
    ismsc::lsp::path_to_uri(p)
        .map(|u| u.as_str().to_string())
        .unwrap_or_default()
}

impl Session {
    fn start(root: &Path) -> Session {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || ismsc::lsp::serve(server));
        let mut s = Session {
            conn: client,
            server: Some(handle),
            next: 0,
            risks: uri(&root.join("risks.isms")),
            controls: uri(&root.join("controls.isms")),
            text: std::fs::read_to_string(root.join("risks.isms")).unwrap_or_default(),
            version: 1,
        };
        s.request(
            "initialize",
            json!({"processId": null, "rootUri": uri(root), "capabilities": {},
                   "initializationOptions": {"debounceMs": 0, "today": "2026-11-22",
                                             "cacheDir": root.join(".cache")}}),
        );
        s.notify("initialized", json!({}));
        for (u, file) in [
            (s.risks.clone(), "risks.isms"),
            (s.controls.clone(), "controls.isms"),
        ] {
            let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
            s.notify(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": u, "languageId": "isms", "version": 1, "text": text}}),
            );
        }
        // The first analysis.
        s.request("workspace/symbol", json!({"query": "p0"}));
        s
    }

    fn notify(&self, method: &str, params: Value) {
        let _ = self.conn.sender.send(Message::Notification(Notification {
            method: method.into(),
            params,
        }));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        let _ = self.conn.sender.send(Message::Request(Request {
            id: id.clone(),
            method: method.into(),
            params,
        }));
        loop {
            match self.conn.receiver.recv_timeout(Duration::from_secs(60)) {
                Ok(Message::Response(r)) if r.id == id => {
                    return r.response_result.unwrap_or(Value::Null);
                }
                Ok(_) => {}
                Err(e) => panic!("no answer to {method}: {e}"),
            }
        }
    }

    /// Toggles a typo in the first risk's owner and waits for the diagnostics it causes.
    fn keystroke(&mut self) {
        let typo = self.text.contains("owner = p0x\n");
        let (line, col) = self
            .text
            .lines()
            .enumerate()
            .find_map(|(l, t)| t.find("owner = p0").map(|c| (l, c + "owner = p0".len())))
            .unwrap_or((1, 12));
        let (range, new) = if typo {
            (
                json!({"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}),
                "",
            )
        } else {
            (
                json!({"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}),
                "x",
            )
        };
        self.text = if typo {
            self.text.replacen("owner = p0x\n", "owner = p0\n", 1)
        } else {
            self.text.replacen("owner = p0\n", "owner = p0x\n", 1)
        };
        self.version += 1;
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": self.risks, "version": self.version},
                   "contentChanges": [{"range": range, "text": new}]}),
        );
        loop {
            match self.conn.receiver.recv_timeout(Duration::from_secs(60)) {
                Ok(Message::Notification(n)) if n.method == "textDocument/publishDiagnostics" => {
                    if n.params["uri"] == self.risks.as_str() {
                        let errors = n.params["diagnostics"].as_array().map_or(0, Vec::len);
                        assert_eq!(errors > 0, !typo, "{}", n.params);
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => panic!("no diagnostics after an edit: {e}"),
            }
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        if let Some(h) = self.server.take() {
            let _ = h.join();
        }
    }
}

fn write_project(n: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ismsc-bench-lsp-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (name, text) in realistic(n) {
        let _ = std::fs::create_dir_all(&dir);
        std::fs::write(dir.join(name), text).expect("write the generated project");
    }
    dir.canonicalize().unwrap_or(dir)
}

fn report(name: &str, samples: &mut [Duration]) {
    if samples.is_empty() {
        return;
    }
    samples.sort();
    let at =
        |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
    println!(
        "{name}: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms over {} iterations",
        at(0.50).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3,
        samples.len()
    );
}

fn bench(c: &mut Criterion) {
    for n in [1_000usize, 10_000] {
        let root = write_project(n);
        let mut s = Session::start(&root);
        let mut group = c.benchmark_group(format!("lsp/{n}"));
        group.sample_size(20);
        group.measurement_time(Duration::from_secs(if n > 1000 { 12 } else { 4 }));
        group.warm_up_time(Duration::from_secs(1));

        let mut samples = Vec::new();
        group.bench_function("edit_to_diagnostics", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = Instant::now();
                    s.keystroke();
                    let d = t.elapsed();
                    samples.push(d);
                    total += d;
                }
                total
            })
        });
        report(&format!("lsp/{n}/edit_to_diagnostics"), &mut samples);

        // `owner = |` of the first risk (with the typo fixed).
        if s.text.contains("owner = p0x\n") {
            s.keystroke();
        }
        let line = s
            .text
            .lines()
            .position(|t| t.contains("owner = p0"))
            .unwrap_or(1);
        let risks = s.risks.clone();
        let mut samples = Vec::new();
        group.bench_function("completion", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = Instant::now();
                    let r = s.request(
                        "textDocument/completion",
                        json!({"textDocument": {"uri": risks}, "position": {"line": line, "character": 10}}),
                    );
                    let d = t.elapsed();
                    assert!(r["items"].as_array().is_some_and(|i| !i.is_empty()), "{r}");
                    samples.push(d);
                    total += d;
                }
                total
            })
        });
        report(&format!("lsp/{n}/completion"), &mut samples);

        let controls = s.controls.clone();
        let mut samples = Vec::new();
        group.bench_function("hover", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let t = Instant::now();
                    let r = s.request(
                        "textDocument/hover",
                        json!({"textDocument": {"uri": controls}, "position": {"line": 1, "character": 16}}),
                    );
                    let d = t.elapsed();
                    assert!(r["contents"]["value"].as_str().is_some_and(|v| v.contains("A.5.1")), "{r}");
                    samples.push(d);
                    total += d;
                }
                total
            })
        });
        report(&format!("lsp/{n}/hover"), &mut samples);
        group.finish();
        drop(s);
        let _ = std::fs::remove_dir_all(&root);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
