//! Property tests: no input panics, hangs or overflows the parser or the checker.

use proptest::prelude::*;

use crate::harness::compile_text;

/// Fragments that look like the language, so generated inputs reach deep into the grammar.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("control".to_string()),
        Just("risk".to_string()),
        Just("person".to_string()),
        Just("applicability".to_string()),
        Just("isms".to_string()),
        Just("framework".to_string()),
        Just("mapping".to_string()),
        Just("scale".to_string()),
        Just("file(".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("=".to_string()),
        Just(",".to_string()),
        Just(":".to_string()),
        Just("@".to_string()),
        Just("->".to_string()),
        Just("\"".to_string()),
        Just("\"\"\"".to_string()),
        Just("//".to_string()),
        Just("/*".to_string()),
        Just("\n".to_string()),
        Just("A.5.17".to_string()),
        Just("iso27001:2022".to_string()),
        Just("iso27001:2013/A.9.4.2".to_string()),
        Just("2026-02-30".to_string()),
        Just("90d".to_string()),
        "[a-z][a-z0-9_-]{0,6}",
        "[0-9]{1,12}",
        "\"[^\"\\\\]{0,8}\"",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(token(), 0..60)) {
        let text = tokens.join(" ");
        let _ = compile_text("soup.isms", &text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let _ = compile_text("any.isms", &text);
    }

    #[test]
    fn a_broken_item_does_not_hide_the_next(junk in "[a-z{}=\\[\\]\" ]{0,20}") {
        let text = format!("control broken {{ {junk}\nperson p \"P\" {{ role = 1 }}\n");
        let a = compile_text("r.isms", &text);
        // The person after the broken item is still checked: its wrong type is reported.
        prop_assert!(a.diagnostics.iter().any(|d| d.code.as_str() == "E0203" && d.message.contains("integer")),
            "{:?}", a.diagnostics.iter().map(|d| (d.code, d.message.clone())).collect::<Vec<_>>());
    }
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let text = format!(
        "control c \"t\" {{ x = {}{} }}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let a = compile_text("deep.isms", &text);
    assert!(a.diagnostics.iter().any(|d| d.code.as_str() == "E0002"));
    let text = format!("isms {}{}", "a { ".repeat(10_000), "}".repeat(10_000));
    let a = compile_text("deep2.isms", &text);
    assert!(a.diagnostics.iter().any(|d| d.code.as_str() == "E0002"));
}

#[test]
fn the_deepest_accepted_nesting_parses_on_a_small_stack() {
    // Nesting is refused beyond MAX_DEPTH before pest runs; at the limit pest recurses once per
    // level, which must fit the 2 MiB stack of a test thread (a debug build's large frames).
    let depth = ismsc_core::syntax::MAX_DEPTH;
    let text = format!("isms {}{}", "a { ".repeat(depth), "}".repeat(depth));
    let a = compile_text("deep.isms", &text);
    assert!(
        !a.diagnostics
            .iter()
            .any(|d| d.code.as_str() == "E0002" || d.code.as_str() == "E0001"),
        "{:?}",
        a.diagnostics.first()
    );
}

/// A piece of a large file: items, and text blocks and comments whose lines start like items
/// (where the parser may cut a file into parts), and broken items.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z][a-z0-9]{0,6}".prop_map(|id| format!("person {id} \"P\" {{ role = \"r\" }}\n")),
        2 => Just("policy p \"T\" {\n  text = \"\"\"\ncontrol inside \"not an item\" {\n  \"\"\"\n}\n".to_string()),
        2 => Just("/*\nrisk in_comment \"x\" {\n*/\n".to_string()),
        1 => Just("control broken { owner = \n".to_string()),
        1 => Just("// risk r \"a comment line\" {\n".to_string()),
    ]
}

/// The parse of a project of one file: the trees and the findings.
fn parsed(text: &str) -> (Vec<ismsc_core::syntax::ast::File>, Vec<String>) {
    use ismsc_core::source::{Origin, SourceMap};
    let mut sources = SourceMap::default();
    let file = sources.add("big.isms", text.to_string(), Origin::Project);
    let mut one = ismsc_core::diag::Diagnostics::new();
    let whole = ismsc_core::syntax::parse_file(&sources, file, &mut one);
    let parts = ismsc_core::syntax::parse_files(&sources, &[file]);
    let render = |d: &ismsc_core::diag::Diagnostic| {
        format!("{} {:?} {}", d.code.as_str(), d.primary.span, d.message)
    };
    let mut a: Vec<String> = one.iter().map(render).collect();
    let mut trees = vec![whole];
    for (tree, found) in parts {
        trees.push(tree);
        a.push("--".into());
        a.extend(found.iter().map(render));
    }
    (trees, a)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Cutting a large file into parts parsed in parallel gives what parsing it whole gives.
    #[test]
    fn parsing_in_parts_equals_parsing_whole(pieces in prop::collection::vec(piece(), 1..40), repeat in 1usize..6) {
        // Repeated until well past the size at which a file is cut into parts.
        let unit = pieces.concat();
        let times = (300_000 / unit.len().max(1)).max(1) / repeat;
        let text = unit.repeat(times.max(1));
        let (trees, findings) = parsed(&text);
        prop_assert_eq!(trees.first(), trees.get(1));
        let split = findings.iter().position(|l| l == "--").unwrap_or(0);
        prop_assert_eq!(&findings[..split], &findings[split + 1..]);
    }
}

#[test]
fn a_large_valid_file_parsed_in_parts_equals_the_whole() {
    // Only items and comments: every cut falls between items, so the parts are all used.
    let mut text = String::new();
    for i in 0..6_000 {
        text.push_str(&format!(
            "// person {i}\nperson p{i} \"Person {i} — Grüße\" {{ role = \"r\" email = \"p{i}@example.com\" }}\n"
        ));
    }
    assert!(text.len() > 300_000);
    let (trees, findings) = parsed(&text);
    assert_eq!(trees.first(), trees.get(1));
    assert_eq!(findings, ["--"]);
    assert_eq!(trees.get(1).map(|t| t.items.len()), Some(6_000));
}

/// The fast parser against pest: when the fast parser accepts a text, pest accepts it with no
/// finding and gives the same tree. Returns whether the fast parser accepted it.
fn fast_agrees_with_pest(name: &str, text: &str) -> bool {
    use ismsc_core::source::FileId;
    let fast = ismsc_core::syntax::parse_fast(FileId::default(), text);
    let pest = ismsc_core::syntax::parse_pest(FileId::default(), text);
    if let Some(fast) = &fast {
        let (tree, found) =
            pest.unwrap_or_else(|| panic!("{name}: fast accepts what pest refuses"));
        assert!(
            found.is_empty(),
            "{name}: fast accepts what lowering reports: {:?}",
            found.iter().next()
        );
        assert_eq!(&tree, fast, "{name}: the trees differ");
    }
    fast.is_some()
}

/// Every `.isms` file below `dir`.
fn isms_files(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if e.file_name() != "dist" {
                isms_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "isms") {
            let text = std::fs::read_to_string(&p).expect("UTF-8 fixture");
            out.push((p.display().to_string(), text));
        }
    }
}

#[test]
fn the_fast_parser_gives_pests_tree_on_every_file_of_the_repository() {
    let root = crate::harness::repo();
    let mut valid: Vec<(String, String)> = ismsc_core::stdlib::FILES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    isms_files(&root.join("examples"), &mut valid);
    isms_files(&root.join("tests/ui/pass"), &mut valid);
    isms_files(&root.join("tests/emit"), &mut valid);
    assert!(valid.len() > 20, "{}", valid.len());
    // Well-formed files take the fast path.
    for (name, text) in &valid {
        assert!(fast_agrees_with_pest(name, text), "{name} is left to pest");
    }
    // Every kind of value, statement and header, with comments in awkward places.
    let every_shape = r#"
// leading
framework own:1 "Own" { group g "G" { requirement R.1 "R" { control_type = [preventive] } } }
mapping own:1 -> iso27001:2022 { R.1 equal A.5.1 /* c */ R.1 subset A.5.2; }
clause 6.1.3 "Clause" { }
control c "T" {
  a = ciso
  b = ciso @ 2026-01-01 // after a sign-off
  c = ciso @ 2026-01-01 until 2027-02-28
  d = [x, k: "reason", 2026-01-01, 3, true, iso27001:2022, iso27001:2013/A.9.4.2, y @ 2026-01-02,]
  e = scale { low = 1, high = 3 }
  f = file("x.md")
  g = """
      line one
        indented
      """
  h = 12mo, i = 90d; j = 2w k = 1y
  l = "esc \" \\ \n \t end" m = false n = 4294967295
  residual { likelihood = low impact = high }
  evidence "E" { at = "https://x" }
  A.5.1 excluded "why"
  A.5.2 included
  A.5.3 equal A.5.4
  A.5.5 satisfied
}
/* trailing */
"#;
    assert!(
        fast_agrees_with_pest("every shape", every_shape),
        "left to pest"
    );
    // Broken ones agree or are left to pest.
    let mut broken = Vec::new();
    isms_files(&root.join("tests/ui/fail"), &mut broken);
    assert!(broken.len() > 50, "{}", broken.len());
    for (name, text) in &broken {
        fast_agrees_with_pest(name, text);
    }
}

/// Pieces of the language, well formed and not, for comparing the two parsers.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("control".to_string()),
        Just("risk".to_string()),
        Just("residual".to_string()),
        Just("scale".to_string()),
        Just("file".to_string()),
        Just("until".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        Just("excluded".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("=".to_string()),
        Just(",".to_string()),
        Just(";".to_string()),
        Just(":".to_string()),
        Just("@".to_string()),
        Just("->".to_string()),
        Just("/".to_string()),
        Just("\"\"\"".to_string()),
        Just("\"\"\"\n  text\n\"\"\"".to_string()),
        Just("// c\n".to_string()),
        Just("/* c */".to_string()),
        Just("\n".to_string()),
        Just("\u{FEFF}".to_string()),
        Just("A.5.17".to_string()),
        Just("6.1.3".to_string()),
        Just("iso27001:2022".to_string()),
        Just("iso27001:2013/A.9.4.2".to_string()),
        Just("2026-02-28".to_string()),
        Just("2026-02-30".to_string()),
        Just("90d".to_string()),
        Just("12mo".to_string()),
        Just("12mox".to_string()),
        Just("4294967296".to_string()),
        Just("7".to_string()),
        Just("1.5".to_string()),
        "[a-z][a-z0-9_.-]{0,5}",
        "\"[^\"\\\\\n]{0,6}\"",
        Just("\"a\\\"b\\\\c\\nd\\te\"".to_string()),
        Just("\"bad \\q escape\"".to_string()),
    ]
}

/// A well-formed item with generated values, so that the fast path is taken often.
fn item() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("ciso".to_string()),
        Just("ciso @ 2026-01-01".to_string()),
        Just("ciso @ 2026-01-01 until 2027-01-01 // c".to_string()),
        Just("[a, b: \"r\", 2026-01-01, 3, true, iso27001:2022, ]".to_string()),
        Just("scale { low = 1, high = 3 }".to_string()),
        Just("file(\"x.md\")".to_string()),
        Just("\"\"\"\n    a\n      b\n    \"\"\"".to_string()),
        Just("12mo".to_string()),
        Just("iso27001:2013/A.5.1".to_string()),
        fragment(),
    ];
    (
        "[a-z]{1,6}",
        prop::collection::vec(("[a-z]{1,5}", value), 0..5),
        prop::collection::vec(fragment(), 0..3),
    )
        .prop_map(|(id, fields, extra)| {
            let mut s = format!("control {id} \"T\" {{\n");
            for (name, value) in fields {
                s.push_str(&format!("  {name} = {value}\n"));
            }
            s.push_str("  A.5.1 excluded \"r\"\n  A.5.2 included\n");
            s.push_str(&extra.join(" "));
            s.push_str("\n}\n");
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn the_fast_parser_agrees_with_pest_on_token_soup(tokens in prop::collection::vec(fragment(), 0..40)) {
        fast_agrees_with_pest("soup", &tokens.join(" "));
    }

    #[test]
    fn the_fast_parser_agrees_with_pest_on_items(items in prop::collection::vec(item(), 1..4)) {
        fast_agrees_with_pest("items", &items.concat());
    }
}
