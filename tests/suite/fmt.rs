//! The formatter: one snapshot per layout rule and per comment position (`tests/fmt/`),
//! every `.isms` file of the repository through the four safety checks, the repository kept
//! formatted, the starter of `init` and the importer's output canonical, whitespace scrambled
//! and comments placed anywhere formatting to the same bytes (proptests), and `ismsc fmt` as
//! a user runs it (the "done when" of its issue).

use std::path::{Path, PathBuf};

use ismsc_core::fmt::{format, FmtError};
use ismsc_core::source::FileId;
use ismsc_core::syntax::ast::{Body, Entry, File, Item, Value, ValueKind};
use ismsc_core::syntax::parse_text;
use proptest::prelude::*;

use crate::cli::{ismsc, ismsc_with_input};
use crate::harness::{path_str, repo, scratch, tree};

/// Formats a text that must be formattable.
fn fmt(text: &str) -> String {
    match format(text) {
        Ok(out) => out,
        Err(FmtError::Syntax(d)) => panic!(
            "syntax errors: {:?}",
            d.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
        ),
        Err(FmtError::Internal(e)) => panic!("{e}"),
    }
}

fn comments(text: &str) -> Vec<String> {
    parse_text(FileId::default(), text)
        .0
        .comments
        .iter()
        .map(|c| c.text.clone())
        .collect()
}

// ----- snapshots of the layout rules and the comment positions ----------------------------

/// Each file of `tests/fmt/` shows one rule of the layout or one position of comments: its
/// snapshot holds the input and the output. The output formats to itself and keeps every
/// comment.
#[test]
fn layout_and_comment_snapshots() {
    insta::glob!("../fmt", "*.isms", |path| {
        let input = std::fs::read_to_string(path).expect("read fixture");
        let out = fmt(&input);
        assert_eq!(fmt(&out), out, "{}: not idempotent", path.display());
        assert_eq!(comments(&out), comments(&input), "{}", path.display());
        assert!(out.is_empty() || out.ends_with('\n') && !out.ends_with("\n\n"));
        if !path.ends_with("layout-text-blocks.isms") {
            assert!(
                !out.lines().any(|l| l.ends_with([' ', '\t'])),
                "{}: trailing whitespace",
                path.display()
            );
        }
        insta::assert_snapshot!(format!("{input}\n----- formatted\n{out}"));
    });
}

// ----- the repository --------------------------------------------------------------------

/// Every `.isms` file below the repository root (not `target/`, `.git/`, `node_modules/`),
/// by its path relative to the root.
fn repository_files() -> Vec<(String, PathBuf)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                // `tests/ui/fail/load/` is about reading files, not about text: bytes that are
                // not UTF-8, links out of the project.
                if !matches!(name.as_str(), "target" | ".git" | "node_modules" | "dist")
                    && !p.ends_with("tests/ui/fail/load")
                {
                    walk(root, &p, out);
                }
            } else if name.ends_with(".isms") {
                let rel = p
                    .strip_prefix(root)
                    .expect("below the root")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, p));
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo(), &repo(), &mut out);
    out.sort();
    assert!(out.len() > 100, "found only {} .isms files", out.len());
    out
}

/// Files that are about layout or syntax, kept as they are: the formatter's own inputs, the
/// syntax-error fixtures, the shapes of error recovery (which read the indentation), the
/// editor grammar's tests (whose assertions point at columns), and the templates of `init`
/// (with placeholders; their output is checked instead).
const NOT_FORMATTED: &[&str] = &[
    "tests/fmt/",
    "tests/ui/fail/syntax/",
    "tests/recovery/",
    "editors/vscode/test/",
    "compiler/core/src/init/",
];

/// Every `.isms` file of the repository goes through the four checks (which run inside every
/// `format`): the only refusals are files with syntax errors, and those are all expected.
#[test]
fn every_isms_file_of_the_repository_passes_the_four_checks() {
    let mut refused = Vec::new();
    for (rel, path) in repository_files() {
        let text = std::fs::read_to_string(&path).expect("read");
        match format(&text) {
            Ok(out) => assert_eq!(format(&out).ok().as_deref(), Some(out.as_str()), "{rel}"),
            Err(FmtError::Syntax(_)) => refused.push(rel),
            Err(FmtError::Internal(e)) => panic!("{rel}: {e}"),
        }
    }
    for rel in &refused {
        assert!(
            [
                "tests/ui/fail/syntax/",
                "tests/recovery/",
                "editors/vscode/test/grammar/",
                "compiler/core/src/init/"
            ]
            .iter()
            .any(|p| rel.starts_with(p)),
            "{rel} has syntax errors"
        );
    }
    assert!(refused.iter().any(|r| r.contains("E0001")), "{refused:?}");
}

/// The repository's own `.isms` files (the stdlib, the examples, the fixtures that are not
/// about layout) are in the canonical layout: `ismsc fmt` on them changes nothing.
#[test]
fn the_repository_is_formatted() {
    let mut unformatted = Vec::new();
    for (rel, path) in repository_files() {
        if NOT_FORMATTED.iter().any(|p| rel.starts_with(p)) {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        if format(&text).ok().as_deref() != Some(text.as_str()) {
            unformatted.push(rel);
        }
    }
    assert!(
        unformatted.is_empty(),
        "not in the canonical layout (run `ismsc fmt` on them): {unformatted:?}"
    );
}

/// The examples of the documentation are in the canonical layout too.
#[test]
fn the_documentation_shows_the_canonical_layout() {
    for doc in ["docs/language.md", "README.md"] {
        let text = std::fs::read_to_string(repo().join(doc)).expect("read");
        let mut blocks = 0;
        for block in text.split("```isms\n").skip(1) {
            let block = &block[..block.find("```").expect("closed block")];
            assert_eq!(fmt(block), block, "{doc}");
            blocks += 1;
        }
        assert!(blocks > 0, "{doc}");
    }
}

/// The files of `ismsc init` come out of the formatter unchanged, for both standards.
#[test]
fn the_starter_is_formatted() {
    for standard in ["iso27001:2022", "iso27001:2013"] {
        let starter = ismsc_core::init::starter(&ismsc_core::init::StarterOptions {
            organization: "Acme \"Cloud\" GmbH".into(),
            name: "acme".into(),
            standard: standard.into(),
            today: crate::harness::TODAY,
            project_path: ".".into(),
        })
        .expect("starter");
        for f in starter.project.iter().filter(|f| f.path.ends_with(".isms")) {
            assert_eq!(fmt(&f.content), f.content, "{standard}: {}", f.path);
        }
    }
}

// ----- rules that a snapshot does not show -----------------------------------------------

#[test]
fn syntax_errors_are_refused_with_their_findings() {
    for (text, code) in [
        ("control c { owner = }", "E0001"),
        (
            &format!("isms {}{}", "a { ".repeat(60), "}".repeat(60)),
            "E0002",
        ),
        ("control c { due = 2026-02-30 }", "E0003"),
        ("control c { n = 12x }", "E0004"),
        ("control c { s = \"\\q\" }", "E0005"),
        ("control c {", "E0001"),
        ("control c { text = \"\"\"\n never closed\n", "E0001"),
    ] {
        match format(text) {
            Err(FmtError::Syntax(d)) => {
                assert!(d.iter().any(|d| d.code.as_str() == code), "{text}")
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

/// The deepest nesting the parser accepts formats on the 2 MiB stack of a test thread (a
/// debug build's frames), and a deeper one is refused as a syntax error, not a stack overflow.
#[test]
fn the_deepest_nesting_formats_on_a_small_stack() {
    let depth = ismsc_core::syntax::MAX_DEPTH;
    let text = format!("isms {}{}\n", "a { ".repeat(depth), "}".repeat(depth));
    let out = fmt(&text);
    assert!(out.lines().count() > depth, "{out}");
    assert_eq!(fmt(&out), out);
    let deeper = format!(
        "isms {}{}\n",
        "a { ".repeat(10 * depth),
        "}".repeat(10 * depth)
    );
    assert!(matches!(format(&deeper), Err(FmtError::Syntax(_))));
}

#[test]
fn empty_and_blank_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt(" \n\n\t\n"), "");
    assert_eq!(fmt("\u{feff}person p { }"), "person p {}\n");
}

/// The line break of the first line is kept: a CRLF file stays CRLF, also inside block
/// comments and text blocks, and formats to itself.
#[test]
fn crlf_files_stay_crlf() {
    let text = "control c \"C\" {\r\n\towner = ciso  \r\n /* a\r\n  b */\r\n  text = \"\"\"\r\n      x\r\n        y\r\n      \"\"\"\r\n}\r\n";
    let out = fmt(text);
    assert_eq!(
        out,
        "control c \"C\" {\r\n  owner = ciso\r\n  /* a\r\n  b */\r\n  text = \"\"\"\r\n    x\r\n      y\r\n    \"\"\"\r\n}\r\n"
    );
    assert_eq!(fmt(&out), out);
    assert_eq!(fmt("person p { }\r\n"), "person p {}\r\n");
    // A file whose first line ends in LF is LF throughout.
    assert_eq!(fmt("// a\nperson p {\r\n}\r\n"), "// a\nperson p {}\n");
}

#[test]
fn the_off_comment_has_a_few_spellings_and_needs_its_own_line() {
    for off in [
        "// ismsc-fmt: off",
        "//ismsc-fmt: off",
        "// ismsc-fmt: off  (a hand-made table)",
    ] {
        let text = format!("{off}\nperson p   \"P\" {{ role  =  \"r\" }}\n");
        assert_eq!(fmt(&text), text, "{off}");
    }
    for not_off in [
        "// ismsc-fmt: offline",
        "/* ismsc-fmt: off */",
        "// ismsc-fmt: on",
    ] {
        let text = format!("{not_off}\nperson p   \"P\" {{ role  =  \"r\" }}\n");
        assert_eq!(
            fmt(&text),
            format!("{not_off}\nperson p \"P\" {{ role = \"r\" }}\n"),
            "{not_off}"
        );
    }
    // A trailing comment of the item before is not a comment on the line before.
    let text = "person a { } // ismsc-fmt: off\nperson b   { }\n";
    assert_eq!(fmt(text), "person a {} // ismsc-fmt: off\nperson b {}\n");
}

/// Text blocks keep their value byte for byte, whatever their indentation and whichever
/// line they start on.
#[test]
fn text_blocks_keep_their_value() {
    let cases = [
        "x = \"\"\"\n    a\n\n      b  \n\t\tc\n    \"\"\"",
        "x = \"\"\"a\n  b\"\"\"",
        "x = \"\"\" \n  a\n  \"\"\"",
        "x = \"\"\"\n\n  a\n  \"\"\"",
        "x = \"\"\"\n      \n  a\n  \"\"\"",
        "x = \"\"\"\"\"\"",
        "x = \"\"\"   \"\"\"",
    ];
    let value = |text: &str| -> String {
        let tree = parse_text(FileId::default(), text).0;
        match &tree.items[0].body.entries[0] {
            Entry::Field(f) => match &f.value.kind {
                ValueKind::Str(s) => s.value.clone(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    };
    for case in cases {
        let text = format!("policy p {{\n{case}\n}}\n");
        let out = fmt(&text);
        assert_eq!(value(&out), value(&text), "{case:?} → {out:?}");
    }
}

/// Suppressions (`// ismsc-allow(CODE): reason`) belong to the item or entry below them:
/// formatting keeps every comment with its entry, so the same findings are silenced (and the
/// same reported) before and after, wherever the comments were written.
#[test]
fn suppressions_silence_the_same_findings_after_formatting() {
    let text = r#"isms "Acme" { organization = "Acme" standard = mini:1 owner = ciso }
person ciso "Dana Weber" { role = "CISO" }
framework mini:1 "Mini" {
  requirement M.1 "Access control" {}
  requirement M.2 "Cabling" { implied_by = [site] }
  requirement M.3 "Guards" { implied_by = [site] }
  requirement M.4 "Keys" { implied_by = [site] }
}
asset office "Office" { type = site owner = ciso }
control mfa "MFA" { satisfies = [M.1] owner = ciso status = implemented }
applicability { // ismsc-allow(W0407): after the brace, for the first statement
  M.2 excluded "The operator does it"
  // ismsc-allow(W0407): before the separator of the entry above
  , M.3 excluded "No guards" /* ismsc-allow(W0407): trailing, silences nothing */
  // ismsc-allow(W0407): own line, for the entry below
  M.4 excluded "No keys"
}
"#;
    let findings = |text: &str| {
        let a = crate::harness::compile_text("main.isms", text);
        let list = |d: &[ismsc_core::diag::Diagnostic]| -> Vec<(String, String)> {
            d.iter()
                .map(|d| (d.code.as_str().to_string(), d.message.clone()))
                .collect()
        };
        (list(&a.diagnostics), list(&a.suppressed))
    };
    let before = findings(text);
    assert!(!before.1.is_empty(), "{before:?}");
    let out = fmt(text);
    assert_eq!(findings(&out), before, "{out}");
    assert_eq!(findings(&scramble(&out, 5)), before);
}

/// Widths are counted in characters: a one-line body of 100 characters (but more bytes) fits.
#[test]
fn widths_count_characters_not_bytes() {
    let role = "ü".repeat(100 - "person p { role = \"\" }".len());
    let text = format!("person p {{ role = \"{role}\" }}\n");
    assert_eq!(text.chars().count(), 101);
    assert_eq!(fmt(&text), text);
    let longer = format!("person p {{ role = \"{role}ü\" }}\n");
    assert_eq!(
        fmt(&longer),
        format!("person p {{\n  role = \"{role}ü\"\n}}\n")
    );
}

/// What `ismsc import oscal-catalog` writes is in the canonical layout.
#[test]
fn imported_catalogs_are_formatted() {
    let json = r#"{"catalog": {"metadata": {"title": "Sample catalog", "version": "1.0"},
        "groups": [{"id": "ac", "title": "Access control", "controls": [
          {"id": "ac-1", "title": "Policy", "props": [
            {"name": "label", "value": "AC-1"},
            {"name": "level", "value": "low"}, {"name": "level", "value": "moderate"},
            {"name": "level", "value": "high"}, {"name": "family", "value": "access control and the many words of a long property value"},
            {"name": "baseline", "value": "an extra long value to make the list wrap past the width of the line"},
            {"name": "baseline", "value": "and a second one"}]},
          {"id": "ac-2", "title": "Accounts", "controls": [{"id": "ac-2.1", "title": "Automated"}]}]}]}}"#;
    let out = ismsc_core::import::oscal::catalog(
        json,
        &ismsc_core::import::oscal::CatalogOptions {
            framework: None,
            source: "sample.json".into(),
        },
    )
    .expect("imports");
    assert_eq!(fmt(&out.text), out.text);
    assert!(out.text.contains("baseline = [\n"), "{}", out.text);
}

// ----- scrambled whitespace and comments anywhere (proptests) ----------------------------

/// A small deterministic generator for the scrambler.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn blanks(&mut self, min: u64, max: u64) -> String {
        let n = min + self.below(max - min + 1);
        (0..n)
            .map(|_| if self.below(3) == 0 { '\t' } else { ' ' })
            .collect()
    }
}

/// Spans of the items and entries that `// ismsc-fmt: off` leaves as written.
fn left_as_written(file: &File) -> Vec<(usize, usize)> {
    fn off(t: &ismsc_core::syntax::ast::Trivia) -> bool {
        t.leading()
            .last()
            .is_some_and(|c| c.text.starts_with("// ismsc-fmt: off"))
    }
    fn body(b: &Body, out: &mut Vec<(usize, usize)>) {
        for e in &b.entries {
            if off(e.trivia()) {
                out.push((e.span().start as usize, e.span().end as usize));
            } else if let Entry::Block(i) = e {
                body(&i.body, out);
            }
        }
    }
    let mut out = Vec::new();
    for i in &file.items {
        if off(&i.trivia) {
            out.push((i.span.start as usize, i.span.end as usize));
        } else {
            body(&i.body, &mut out);
        }
    }
    out
}

/// Spans of the text blocks of a tree.
fn text_blocks(file: &File) -> Vec<(usize, usize)> {
    fn value(v: &Value, out: &mut Vec<(usize, usize)>) {
        match &v.kind {
            ValueKind::Str(s) | ValueKind::File(s) if s.block => {
                out.push((s.span.start as usize, s.span.end as usize))
            }
            ValueKind::Pair(p) if p.value.block => {
                out.push((p.value.span.start as usize, p.value.span.end as usize))
            }
            ValueKind::List(items) => items.iter().for_each(|i| value(i, out)),
            ValueKind::Scale(b) => body(b, out),
            _ => {}
        }
    }
    fn body(b: &Body, out: &mut Vec<(usize, usize)>) {
        for e in &b.entries {
            match e {
                Entry::Field(f) => value(&f.value, out),
                Entry::Block(i) => item(i, out),
                Entry::Statement(s) => {
                    if let Some(a) = &s.arg {
                        value(a, out)
                    }
                }
                Entry::Error(_) => {}
            }
        }
    }
    fn item(i: &Item, out: &mut Vec<(usize, usize)>) {
        if let Some(t) = i.title.as_ref().filter(|t| t.block) {
            out.push((t.span.start as usize, t.span.end as usize));
        }
        body(&i.body, out);
    }
    let mut out = Vec::new();
    file.items.iter().for_each(|i| item(i, &mut out));
    out
}

/// `text` with the whitespace the layout does not keep scrambled: every line's indentation
/// (spaces and tabs), blanks at the ends of lines, blank lines doubled, the blanks around
/// `=` and between the words of statements. Text blocks move as a whole (their value is
/// unchanged) and the lines of block comments stay as they are.
pub fn scramble(text: &str, seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    // Blanks inside lines, from the end so that earlier offsets stay valid.
    let tree = parse_text(FileId::default(), text).0;
    let verbatim = left_as_written(&tree);
    let mut gaps: Vec<(usize, usize, u64)> = Vec::new();
    fn body_gaps(
        text: &str,
        b: &Body,
        comments: &[(usize, usize)],
        gaps: &mut Vec<(usize, usize, u64)>,
    ) {
        let clean = |from: usize, to: usize| {
            from <= to
                && !comments.iter().any(|&(s, _)| s >= from && s < to)
                && text
                    .get(from..to)
                    .is_some_and(|g| !g.contains(['\n', '\r']))
        };
        for e in &b.entries {
            match e {
                Entry::Field(f) => {
                    let (n, v) = (f.name.span.end as usize, f.value.span.start as usize);
                    if let Some(eq) = text.get(n..v).and_then(|g| g.find('=')).map(|i| n + i) {
                        if clean(n, eq) {
                            gaps.push((n, eq, 0));
                        }
                        if clean(eq + 1, v) {
                            gaps.push((eq + 1, v, 0));
                        }
                    }
                    if let ValueKind::Scale(inner) = &f.value.kind {
                        body_gaps(text, inner, comments, gaps);
                    }
                }
                Entry::Statement(s) => {
                    let (a, b) = (s.subject.span.end as usize, s.verb.span.start as usize);
                    if clean(a, b) {
                        gaps.push((a, b, 1));
                    }
                    if let Some(arg) = &s.arg {
                        let (a, b) = (s.verb.span.end as usize, arg.span.start as usize);
                        if clean(a, b) {
                            gaps.push((a, b, 1));
                        }
                    }
                }
                Entry::Block(i) => body_gaps(text, &i.body, comments, gaps),
                Entry::Error(_) => {}
            }
        }
    }
    let comment_spans: Vec<(usize, usize)> = tree
        .comments
        .iter()
        .map(|c| (c.span.start as usize, c.span.end as usize))
        .collect();
    for item in &tree.items {
        body_gaps(text, &item.body, &comment_spans, &mut gaps);
    }
    gaps.retain(|&(from, _, _)| !verbatim.iter().any(|&(s, e)| from >= s && from < e));
    gaps.sort();
    let mut text = text.to_string();
    for (from, to, min) in gaps.into_iter().rev() {
        let blanks = rng.blanks(min, 3);
        text.replace_range(from..to, &blanks);
    }
    // Lines.
    let tree = parse_text(FileId::default(), &text).0;
    let blocks = text_blocks(&tree);
    let verbatim = left_as_written(&tree);
    let long_comments: Vec<(usize, usize)> = tree
        .comments
        .iter()
        .filter(|c| c.text.contains('\n'))
        .map(|c| (c.span.start as usize, c.span.end as usize))
        .collect();
    let shifts: Vec<String> = blocks.iter().map(|_| rng.blanks(0, 4)).collect();
    let inside =
        |spans: &[(usize, usize)], at: usize| spans.iter().position(|&(s, e)| at > s && at < e);
    let mut out = String::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.strip_suffix('\n').unwrap_or(line);
        let newline = if line.ends_with('\n') { "\n" } else { "" };
        if inside(&long_comments, start).is_some() || inside(&verbatim, start).is_some() {
            out.push_str(line);
            continue;
        }
        if let Some(i) = inside(&blocks, start) {
            out.push_str(&shifts[i]);
            out.push_str(line);
            continue;
        }
        let end = start + content.len();
        let trailing_ok = inside(&blocks, end).is_none()
            && inside(&long_comments, end).is_none()
            && inside(&verbatim, end).is_none();
        let body = content.trim_start_matches([' ', '\t']);
        if body.is_empty() {
            for _ in 0..1 + rng.below(3) {
                out.push_str(&rng.blanks(0, 2));
                out.push('\n');
            }
            continue;
        }
        out.push_str(&rng.blanks(0, 8));
        out.push_str(body);
        if trailing_ok {
            out.push_str(&rng.blanks(0, 3));
        }
        out.push_str(newline);
    }
    out
}

/// The valid texts the properties start from: the examples and the layout fixtures.
fn corpus() -> &'static [String] {
    static CORPUS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        repository_files()
            .into_iter()
            .filter(|(rel, _)| rel.starts_with("examples/") || rel.starts_with("tests/fmt/"))
            .map(|(_, p)| std::fs::read_to_string(p).expect("read"))
            .filter(|t| format(t).is_ok())
            .collect()
    })
}

/// Token boundaries of a text, where a comment may be put: before and after every name,
/// value, list element, brace and entry.
fn boundaries(text: &str) -> Vec<usize> {
    let tree = parse_text(FileId::default(), text).0;
    let mut out = Vec::new();
    fn value(v: &Value, out: &mut Vec<usize>) {
        out.push(v.span.start as usize);
        out.push(v.span.end as usize);
        match &v.kind {
            ValueKind::List(items) => {
                out.push(v.span.start as usize + 1);
                out.push((v.span.end as usize).saturating_sub(1));
                items.iter().for_each(|i| value(i, out));
            }
            ValueKind::Pair(p) => out.push(p.key.span.end as usize),
            ValueKind::SignOff(s) => out.push(s.who.span.end as usize),
            ValueKind::Scale(b) => body(b, out),
            _ => {}
        }
    }
    fn body(b: &Body, out: &mut Vec<usize>) {
        out.push(b.span.start as usize + 1);
        out.push((b.span.end as usize).saturating_sub(1));
        for e in &b.entries {
            out.push(e.span().start as usize);
            out.push(e.span().end as usize);
            match e {
                Entry::Field(f) => {
                    out.push(f.name.span.end as usize);
                    value(&f.value, out);
                }
                Entry::Block(i) => item(i, out),
                Entry::Statement(s) => {
                    out.push(s.subject.span.end as usize);
                    out.push(s.verb.span.end as usize);
                }
                Entry::Error(_) => {}
            }
        }
    }
    fn item(i: &Item, out: &mut Vec<usize>) {
        out.push(i.span.start as usize);
        out.push(i.keyword.span.end as usize);
        if let Some(t) = &i.title {
            out.push(t.span.start as usize);
            out.push(t.span.end as usize);
        }
        out.push(i.body.span.start as usize);
        body(&i.body, out);
        out.push(i.span.end as usize);
    }
    tree.items.iter().for_each(|i| item(i, &mut out));
    out.push(text.len());
    out.sort_unstable();
    out.dedup();
    out
}

/// `text` with comments put at token boundaries: `(boundary, kind)` with kind 0 a block
/// comment, 1 a line comment, 2 a line comment on a line of its own.
fn with_comments(text: &str, picks: &[(prop::sample::Index, u8)]) -> String {
    let spots = boundaries(text);
    let mut chosen: Vec<(usize, u8, usize)> = picks
        .iter()
        .enumerate()
        .map(|(n, (i, kind))| (*i.get(&spots), *kind, n))
        .collect();
    chosen.sort();
    let mut out = text.to_string();
    for (at, kind, n) in chosen.into_iter().rev() {
        let comment = match kind {
            0 => format!(" /* c{n} */ "),
            1 => format!(" // c{n}\n"),
            _ => format!("\n// c{n}\n"),
        };
        out.insert_str(at, &comment);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Comments put anywhere between tokens are kept (the formatter's own check) and the
    /// result is a fixed point; the result with its whitespace scrambled formats back to the
    /// same bytes.
    #[test]
    fn comments_anywhere_and_scrambled_whitespace_give_the_same_bytes(
        file in any::<prop::sample::Index>(),
        picks in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3), 0..6),
        seed in any::<u64>(),
    ) {
        let corpus = corpus();
        let base = &corpus[file.index(corpus.len())];
        let text = with_comments(base, &picks);
        let canonical = match format(&text) {
            Ok(out) => out,
                        Err(FmtError::Internal(e)) => panic!("{e}\n{text}"),
            // Comments between tokens never make a valid text invalid.
            Err(FmtError::Syntax(d)) => panic!("{:?}\n{text}", d.iter().map(|d| &d.message).collect::<Vec<_>>()),
        };
        prop_assert_eq!(comments(&canonical), comments(&text));
        prop_assert_eq!(fmt(&canonical), canonical.clone());
        let scrambled = scramble(&canonical, seed);
        prop_assert_eq!(fmt(&scrambled), canonical);
    }

    /// Whatever the text, the formatter does not panic, and what it returns is a fixed point.
    #[test]
    fn any_text_formats_or_is_refused(text in "\\PC{0,200}") {
        match format(&text) {
            Ok(out) => prop_assert_eq!(fmt(&out), out),
            Err(FmtError::Syntax(_)) => {}
            Err(FmtError::Internal(e)) => panic!("{e}\n{text:?}"),
        }
    }
}

/// Every file of the corpus, scrambled, formats back to itself (a deterministic complement of
/// the proptest: every file, several seeds).
#[test]
fn every_example_scrambled_formats_back() {
    for text in corpus() {
        let canonical = fmt(text);
        for seed in 1..4u64 {
            let scrambled = scramble(&canonical, seed * 7919);
            assert_eq!(fmt(&scrambled), canonical);
        }
    }
}

// ----- `ismsc fmt` --------------------------------------------------------------------------

fn modified(p: &Path) -> std::time::SystemTime {
    std::fs::metadata(p)
        .and_then(|m| m.modified())
        .expect("modification time")
}

fn copy_dir(from: &Path, to: &Path) {
    for (rel, content) in tree(from) {
        let dest = to.join(&rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        std::fs::write(dest, content).expect("write");
    }
}

/// The "done when" of the formatter's issue, on each example: a scrambled copy formats to the
/// bytes of the example; comments are all there; `ismsc check` reports the same before and
/// after; `--check` exits 1 before and 0 after; a second run writes nothing.
#[test]
fn the_examples_scrambled_format_back_byte_for_byte() {
    for example in ["acme", "startup", "transition-2013"] {
        let original = repo().join("examples").join(example);
        let dir = scratch(&format!("fmt-done-{example}"));
        copy_dir(&original, &dir);
        let mut scrambled_any = false;
        for (rel, content) in tree(&original) {
            if rel.ends_with(".isms") {
                let text = String::from_utf8(content).expect("UTF-8");
                let s = scramble(&text, rel.len() as u64 * 31 + 7);
                scrambled_any |= s != text;
                std::fs::write(dir.join(&rel), s).expect("write");
            }
        }
        assert!(scrambled_any);
        let project = path_str(&dir);
        let json = |p: &str| ismsc(&["check", p, "--format", "json", "--today", "2026-11-22"]);
        let before = json(&project);
        let (code, out, _) = ismsc(&["fmt", "--check", &project]);
        assert_eq!(code, 1, "{example}: --check before");
        assert!(out.lines().count() > 3, "{out}");

        let (code, _, err) = ismsc(&["fmt", &project]);
        assert_eq!(code, 0, "{example}: {err}");
        assert!(err.starts_with("formatted "), "{err}");
        assert_eq!(tree(&dir), tree(&original), "{example}: not byte-identical");
        let after = json(&project);
        assert_eq!(before, after, "{example}: findings changed");
        assert_eq!(ismsc(&["fmt", "--check", &project]).0, 0, "{example}");

        let times: Vec<_> = tree(&dir)
            .keys()
            .map(|rel| modified(&dir.join(rel)))
            .collect();
        let (code, out, err) = ismsc(&["fmt", &project]);
        assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
        let again: Vec<_> = tree(&dir)
            .keys()
            .map(|rel| modified(&dir.join(rel)))
            .collect();
        assert_eq!(times, again, "{example}: a second run wrote files");
    }
}

/// Findings with positions: formatting a project that has warnings changes where they are
/// but not what they are.
#[test]
fn formatting_keeps_the_findings() {
    let dir = scratch("fmt-findings");
    copy_dir(&repo().join("tests/ui/pass/warnings-only"), &dir);
    let main = dir.join("main.isms");
    let text = std::fs::read_to_string(&main).expect("read");
    std::fs::write(&main, scramble(&text, 99)).expect("write");
    let findings = || -> Vec<(String, String)> {
        let (_, out, _) = ismsc(&[
            "check",
            &path_str(&dir),
            "--format",
            "json",
            "--today",
            "2026-11-22",
        ]);
        let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        doc["diagnostics"]
            .as_array()
            .expect("array")
            .iter()
            .map(|d| (d["code"].to_string(), d["message"].to_string()))
            .collect()
    };
    let before = findings();
    assert!(!before.is_empty());
    assert_eq!(ismsc(&["fmt", &path_str(&dir)]).0, 0);
    assert_eq!(findings(), before);
}

/// A file with a syntax error is left byte-identical and reported as `ismsc check` reports
/// it; the other files are formatted; the exit code is 1.
#[test]
fn a_file_with_a_syntax_error_is_left_as_it_is() {
    let dir = scratch("fmt-syntax");
    std::fs::write(dir.join("isms.toml"), "[project]\nname = \"x\"\n").expect("write");
    let broken = "control c \"C\" {\n    owner =   ciso\n  status = \n";
    std::fs::write(dir.join("broken.isms"), broken).expect("write");
    std::fs::write(dir.join("fine.isms"), "person p   \"P\" { role = \"r\" }\n").expect("write");
    let (code, out, err) = ismsc(&["fmt", &path_str(&dir)]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("broken.isms")).expect("read"),
        broken
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("fine.isms")).expect("read"),
        "person p \"P\" { role = \"r\" }\n"
    );
    assert!(err.contains("E0001"), "{err}");
    assert!(err.contains("broken.isms:"), "{err}");
    assert!(
        err.contains("has syntax errors, so it was not formatted"),
        "{err}"
    );
    // `--check` reports it the same way.
    let (code, _, err) = ismsc(&["fmt", "--check", &path_str(&dir)]);
    assert_eq!(code, 1);
    assert!(err.contains("E0001"), "{err}");
}

#[test]
fn check_lists_and_diff_shows_what_would_change() {
    let dir = scratch("fmt-check");
    let a = dir.join("a.isms");
    let b = dir.join("sub/b.isms");
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::write(&a, "person a \"A\" {\n role = \"r\"\n}\n").expect("write");
    std::fs::write(&b, "person b \"B\" { role = \"r\" }\n").expect("write");
    let time = modified(&a);
    let (code, out, err) = ismsc(&["fmt", "--check", &path_str(&dir)]);
    assert_eq!(code, 1);
    assert_eq!(out, format!("{}\n", path_str(&a)));
    assert!(
        err.contains("1 file of 2 not in the canonical layout"),
        "{err}"
    );
    let (code, out, _) = ismsc(&["fmt", "--diff", &path_str(&a)]);
    assert_eq!(code, 1);
    assert!(out.contains("@@ -1,3 +1,3 @@"), "{out}");
    assert!(out.contains("\n- role = \"r\"\n+  role = \"r\"\n"), "{out}");
    assert!(
        out.starts_with(&format!("--- a/{}\n+++ b/{}\n", path_str(&a), path_str(&a))),
        "{out}"
    );
    assert_eq!(modified(&a), time, "--check and --diff write nothing");
    // Files and folders may be mixed; each file once.
    let (code, _, err) = ismsc(&["fmt", &path_str(&a), &path_str(&dir), &path_str(&b)]);
    assert_eq!(code, 0);
    assert_eq!(err, "formatted 1 file of 2\n");
    assert_eq!(
        std::fs::read_to_string(&a).expect("read"),
        "person a \"A\" {\n  role = \"r\"\n}\n"
    );
    // No temporary file is left beside it.
    assert_eq!(tree(&dir).len(), 2);
    assert_eq!(ismsc(&["fmt", "--check", &path_str(&dir)]).0, 0);
    // A path that does not exist is an I/O error.
    assert_eq!(ismsc(&["fmt", &path_str(&dir.join("missing.isms"))]).0, 2);
}

#[test]
fn standard_input_to_standard_output() {
    let (code, out, err) = ismsc_with_input(&["fmt", "-"], "person p   { role = \"r\" }");
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "person p { role = \"r\" }\n", "")
    );
    let (code, out, _) = ismsc_with_input(&["fmt", "--stdin"], "person p { role = \"r\" }\n");
    assert_eq!((code, out.as_str()), (0, "person p { role = \"r\" }\n"));
    // With --check: the exit code, and the name it stands for.
    let (code, out, _) = ismsc_with_input(
        &[
            "fmt",
            "--check",
            "--stdin",
            "--stdin-filepath",
            "isms/people.isms",
        ],
        "person p   { }",
    );
    assert_eq!((code, out.as_str()), (1, "isms/people.isms\n"));
    let (code, out, _) = ismsc_with_input(&["fmt", "--check", "-"], "person p {}\n");
    assert_eq!((code, out.as_str()), (0, ""));
    // A syntax error: nothing on standard output (an editor keeps its buffer), the findings
    // on standard error under the given name.
    let (code, out, err) = ismsc_with_input(
        &["fmt", "-", "--stdin-filepath", "isms/people.isms"],
        "person p { role = }",
    );
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("isms/people.isms:1:"), "{err}");
    // Usage errors.
    assert_eq!(ismsc_with_input(&["fmt", "-", "a.isms"], "").0, 2);
    assert_eq!(
        ismsc_with_input(&["fmt", "--stdin-filepath", "a.isms", "b.isms"], "").0,
        2
    );
    assert_eq!(ismsc_with_input(&["fmt", "-"], "\u{0}\u{ff}").0, 1);
}

/// Only files that change are written: the others keep their modification time; a link is
/// followed and kept.
#[test]
fn only_changed_files_are_written() {
    let dir = scratch("fmt-mtime");
    std::fs::write(dir.join("isms.toml"), "[project]\nname = \"x\"\n").expect("write");
    std::fs::write(dir.join("same.isms"), "person a \"A\" { role = \"r\" }\n").expect("write");
    std::fs::write(
        dir.join("other.isms"),
        "person b \"B\"   { role = \"r\" }\n",
    )
    .expect("write");
    let same = modified(&dir.join("same.isms"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(ismsc(&["fmt", &path_str(&dir)]).0, 0);
    assert_eq!(modified(&dir.join("same.isms")), same);
    #[cfg(unix)]
    {
        let target = dir.join("target.isms");
        std::fs::write(&target, "person c   \"C\" {}\n").expect("write");
        let link = scratch("fmt-link").join("link.isms");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        assert_eq!(ismsc(&["fmt", &path_str(&link)]).0, 0);
        assert!(std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read_to_string(&target).expect("read"),
            "person c \"C\" {}\n"
        );
    }
}
