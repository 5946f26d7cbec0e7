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
