//! The properties the fuzz targets check, one function per target.
//!
//! The test suite compiles this same file (`tests/suite/fuzz_regressions.rs` includes it),
//! so every input a fuzzer found (kept in `tests/fuzz-regressions/TARGET/`) is replayed by
//! `cargo test` through exactly the code the fuzzer ran. Each function panics when the
//! property does not hold; a panic inside ismsc is a finding of its own.
//!
//! - [`parse`]: the parser never panics, whatever the bytes;
//! - [`check`]: the whole pipeline and every renderer of findings and every data output
//!   never panic, and no output holds a raw control or bidirectional character;
//! - [`import_oscal`]: the OSCAL importer never panics, and what it makes is `.isms` text
//!   without syntax errors and without raw control or bidirectional characters;
//! - [`fmt`]: the formatter never panics and never fails one of its safety checks, and what
//!   it returns formats to itself;
//! - [`project_fs`]: a project folder made from the bytes (files, links in and out of it,
//!   named pipes, sockets, devices, sparse files, odd encodings and names) is loaded and
//!   checked without panic or hang, nothing outside it is read into any output, and every
//!   failure to read is a finding.

use std::path::Path;

use ismsc_core::diag::render::{self, HumanStyle, SrcRoot};
use ismsc_core::diag::{Code, Diagnostic};
use ismsc_core::source::{FileId, SourceMap};
use ismsc_core::syntax::ast::Date;
use ismsc_core::text::is_hazard;
use ismsc_core::{analyze, Analysis, Input, Options};

/// The text of a canary file outside the project: no output may ever hold it.
pub const CANARY: &str = "CANARY-7f3a-outside-the-project";

fn options() -> Options {
    Options {
        today: Date {
            year: 2026,
            month: 11,
            day: 22,
        },
        deny_warnings: false,
    }
}

/// Panics when `text` holds a raw control (other than tab and line feed) or bidirectional
/// character.
pub fn assert_no_hazard(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| is_hazard(*c)) {
        panic!("{what} holds the raw character U+{:04X}", c as u32);
    }
}

/// Every rendering of the findings, and every data output, checked for hazards; returns
/// them all as one text (for the canary check).
fn render_all(a: &Analysis) -> String {
    let d: &[Diagnostic] = &a.diagnostics;
    let s: &SourceMap = &a.sources;
    let root = SrcRoot::at(Path::new("/project"), "the project folder");
    let mut all = String::new();
    for (what, text) in [
        (
            "human",
            render::human(
                d,
                s,
                HumanStyle {
                    color: false,
                    width: 80,
                },
            ),
        ),
        ("short", render::short(d, s)),
        ("json", render::json(d, s)),
        ("sarif", render::sarif(d, s, &root)),
        ("github", render::github(d, s)),
        ("junit", render::junit(d, s, "fuzz")),
    ] {
        assert_no_hazard(what, &text);
        all.push_str(&text);
    }
    // Colours only add the renderer's own escape sequences.
    let _ = render::human(
        d,
        s,
        HumanStyle {
            color: true,
            width: 100,
        },
    );
    let docs = ismsc_core::emit::Docs::new(a);
    for file in ismsc_core::emit::data(a, &docs).unwrap_or_default() {
        let text = String::from_utf8_lossy(&file.content);
        assert_no_hazard(&file.name, &text);
        all.push_str(&text);
    }
    if let Some(table) = ismsc_core::emit::soa_table(a) {
        assert_no_hazard("the SoA table", &table);
    }
    all
}

/// Target `parse`: the parser, on any bytes (read as UTF-8, invalid bytes replaced).
pub fn parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = ismsc_core::syntax::parse_text(FileId::default(), &text);
}

/// Target `check`: a one-file project made of the bytes, through every stage and renderer.
/// The input's first line, when it starts with `#toml `, is the manifest's `[lints]` and
/// `[limits]` part.
pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (manifest, source) = match text.strip_prefix("#toml ") {
        Some(rest) => {
            let (first, body) = rest.split_once('\n').unwrap_or((rest, ""));
            (
                format!("[project]\nname = \"fuzz\"\n{}\n", first.replace(';', "\n")),
                body.to_string(),
            )
        }
        None => (
            "[project]\nname = \"fuzz\"\n".to_string(),
            text.into_owned(),
        ),
    };
    let input = Input::from_memory(vec![
        ("isms.toml".into(), manifest),
        ("main.isms".into(), source),
        ("policy.md".into(), "# Policy\n\nText.\n".into()),
    ]);
    let a = analyze(input, &options());
    render_all(&a);
}

/// Target `import_oscal`: the importer on any bytes; what it makes parses without syntax
/// errors and holds no raw hazard.
pub fn import_oscal(data: &[u8]) {
    let json = String::from_utf8_lossy(data);
    let options = ismsc_core::import::oscal::CatalogOptions {
        framework: None,
        source: "fuzz.json".into(),
    };
    let Ok(imported) = ismsc_core::import::oscal::catalog(&json, &options) else {
        return;
    };
    assert_no_hazard("the imported text", &imported.text);
    let (_, found) = ismsc_core::syntax::parse_text(FileId::default(), &imported.text);
    let syntax: Vec<String> = found
        .iter()
        .filter(|d| d.code <= Code::E0005)
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(
        syntax.is_empty(),
        "the imported text has syntax errors: {syntax:?}\n{}",
        imported.text
    );
}

/// Target `fmt`: the formatter never panics and never fails one of its safety checks (such a
/// failure is a bug of ismsc, whatever the input), and what it returns formats to itself.
pub fn fmt(data: &[u8]) {
    use ismsc_core::fmt::{format, FmtError};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match format(text) {
        Ok(out) => assert_eq!(
            format(&out).ok().as_deref(),
            Some(out.as_str()),
            "not a fixed point"
        ),
        Err(FmtError::Syntax(_)) => {}
        Err(FmtError::Internal(e)) => panic!("{e}"),
    }
}

/// The names a project entry of [`project_fs`] can have: nested, hidden, skipped, the
/// manifest, policy texts, and names that are no plain text.
const NAMES: [&[u8]; 16] = [
    b"isms.toml",
    b"main.isms",
    b"b.isms",
    b"sub/c.isms",
    b"sub/deep/d.isms",
    b"policy.md",
    b"sub/policy.md",
    b"dist/e.isms",
    b".hidden/f.isms",
    b"sub",
    b"x.isms/g.isms",
    b"esc\x1b[2J.isms",
    b"\xe2\x80\xaertl.isms",
    b"latin\xe9.isms",
    b"line\nbreak.isms",
    b"sub/../up.isms",
];

/// Reads `n` bytes, or what is left.
fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (head, tail) = data.split_at(n.min(data.len()));
    *data = tail;
    head
}

fn byte(data: &mut &[u8]) -> u8 {
    take(data, 1).first().copied().unwrap_or(0)
}

/// Target `project_fs`: makes a project in the empty folder `dir` from the bytes and checks
/// it. Each entry is `kind name_index length_hi length_lo content…`; the kinds are regular
/// file, UTF-16 file, Latin-1 file, folder, link (into, out of, nowhere, to itself, to a
/// folder, to `/dev/zero`), named pipe, socket, device node (where the user may make one)
/// and sparse file over its limit. `outside` is a folder beside it that holds the canary.
pub fn project_fs(data: &[u8], dir: &Path, outside: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let _ = std::fs::create_dir_all(outside);
    let canary = outside.join("secret.isms");
    let _ = std::fs::write(&canary, format!("person leak \"{CANARY}\" {{}}\n"));
    let _ = std::fs::write(outside.join("secret.md"), CANARY);
    let mut data = data;
    let mut entries = 0;
    while !data.is_empty() && entries < 24 {
        entries += 1;
        let kind = byte(&mut data) % 12;
        let name = NAMES[usize::from(byte(&mut data)) % NAMES.len()];
        let len = usize::from(u16::from_be_bytes([byte(&mut data), byte(&mut data)]) % 4096);
        let content = take(&mut data, len);
        let path = dir.join(std::ffi::OsStr::from_bytes(name));
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        // What an earlier entry made here goes first: writing would follow a link out of the
        // project (over the canary) or open a pipe, which blocks the harness itself.
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                if kind != 5 {
                    let _ = std::fs::remove_dir_all(&path);
                }
            }
            Ok(_) => {
                let _ = std::fs::remove_file(&path);
            }
            Err(_) => {}
        }
        let _ = match kind {
            0..=2 => std::fs::write(&path, content),
            3 => {
                let utf16: Vec<u8> = [0xFF, 0xFE]
                    .into_iter()
                    .chain(
                        String::from_utf8_lossy(content)
                            .encode_utf16()
                            .flat_map(u16::to_le_bytes),
                    )
                    .collect();
                std::fs::write(&path, utf16)
            }
            4 => std::fs::write(
                &path,
                content.iter().map(|&b| b | 0x80).collect::<Vec<u8>>(),
            ),
            5 => std::fs::create_dir_all(&path),
            6 => {
                let target = match content.first().copied().unwrap_or(0) % 7 {
                    0 => canary.clone(),
                    1 => outside.join("secret.md"),
                    2 => dir.join("main.isms"),
                    3 => dir.join("nowhere.isms"),
                    4 => path.clone(),
                    5 => dir.join("sub"),
                    _ => Path::new("/dev/zero").to_path_buf(),
                };
                std::os::unix::fs::symlink(target, &path)
            }
            7 => make_node(&path, NodeKind::Fifo),
            8 => std::os::unix::net::UnixListener::bind(&path).map(drop),
            9 => make_node(&path, NodeKind::Zero),
            10 => std::fs::File::create(&path).and_then(|f| f.set_len(2 << 30)),
            _ => std::fs::write(&path, content.repeat(8)),
        };
    }
    let a = analyze(Input::from_dir(dir), &options());
    for d in &a.diagnostics {
        assert!(!d.help.is_empty(), "{} has no help", d.code);
        if d.code.is_io() {
            assert!(a.io_failed(), "{} without an I/O failure", d.code);
        }
    }
    let all = render_all(&a);
    assert!(
        !all.contains(CANARY),
        "a file outside the project reached an output"
    );
    assert!(
        a.sources.iter().all(|(_, f)| !f.text.contains(CANARY)),
        "a file outside the project was read"
    );
}

enum NodeKind {
    Fifo,
    Zero,
}

/// A named pipe, or a character device like `/dev/zero` (only as root; else nothing).
fn make_node(path: &Path, kind: NodeKind) -> std::io::Result<()> {
    use rustix::fs::{mknodat, FileType, Mode, CWD};
    let (ty, dev) = match kind {
        NodeKind::Fifo => (FileType::Fifo, 0),
        NodeKind::Zero => (FileType::CharacterDevice, rustix::fs::makedev(1, 5)),
    };
    mknodat(CWD, path, ty, Mode::from_bits_truncate(0o644), dev).map_err(std::io::Error::from)
}
