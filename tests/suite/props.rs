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
    // Lists hold no lists: the first inner `[` is reported and the rest skipped, without
    // recursion.
    let text = format!(
        "control c \"t\" {{ x = {}{} }}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let a = compile_text("deep.isms", &text);
    let codes: Vec<&str> = a.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"E0001"), "{codes:?}");
    let text = format!(
        "control c \"t\" {{ x = {} }}",
        "scale { a = ".repeat(10_000)
    );
    let a = compile_text("deep1.isms", &text);
    assert!(a.diagnostics.iter().any(|d| d.code.as_str() == "E0002"));
    let text = format!("isms {}{}", "a { ".repeat(10_000), "}".repeat(10_000));
    let a = compile_text("deep2.isms", &text);
    assert!(a.diagnostics.iter().any(|d| d.code.as_str() == "E0002"));
}

#[test]
fn the_deepest_accepted_nesting_parses_on_a_small_stack() {
    // Nesting is refused beyond MAX_DEPTH; at the limit the parser recurses a few frames per
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
