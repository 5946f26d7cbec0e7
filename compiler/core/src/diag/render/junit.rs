//! `--format junit`: a JUnit XML report, for the test-report views of GitLab and Jenkins.
//!
//! One `testsuite` (in a `testsuites` root) and one `testcase` per finding: an error is a
//! `failure`, a warning a `skipped` case whose message says so (it does not fail the
//! pipeline, but shows). The case's `classname` is the file, its `name` the code and the
//! message: no line number, so a CI server that tracks a test across runs tracks the finding
//! while the lines around it move. The failure's text is the finding in one-line form with
//! its help and notes. A project without findings gives one passing case, `ismsc check`, so a
//! clean run shows as passed rather than as an empty report. No times or time stamps, so the
//! report is deterministic. The structure follows the Jenkins `junit-10.xsd` schema, which
//! GitLab and Jenkins both read.

use super::position;
use crate::diag::{Diagnostic, Severity};
use crate::source::SourceMap;

/// The JUnit XML report of the findings, as one test suite named `suite`.
pub fn junit(diags: &[Diagnostic], sources: &SourceMap, suite: &str) -> String {
    let failures = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let skipped = diags.len() - failures;
    let tests = diags.len().max(1);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"ismsc\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n",
        attr(suite)
    ));
    if diags.is_empty() {
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"ismsc check\"/>\n",
            attr(suite)
        ));
    }
    for d in diags {
        let (file, line, col, _, _) = position(sources, &d.primary);
        let name = format!("{} {}", d.code, d.message);
        let mut text = format!(
            "{file}:{line}:{col}: {} {}: {}\nhelp: {}",
            d.severity.as_str(),
            d.code,
            d.message,
            d.help
        );
        for n in &d.notes {
            text.push_str(&format!("\nnote: {n}"));
        }
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\">\n",
            attr(&file),
            attr(&name)
        ));
        match d.severity {
            Severity::Error => out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                d.code,
                attr(&d.message),
                text_node(&text)
            )),
            Severity::Warning => out.push_str(&format!(
                "      <skipped type=\"{}\" message=\"{}\">{}</skipped>\n",
                d.code,
                attr(&format!("warning: {}", d.message)),
                text_node(&text)
            )),
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Characters XML 1.0 cannot hold at all become U+FFFD.
fn legal(c: char) -> char {
    match c {
        '\t' | '\n' | '\r' => c,
        c if (c as u32) < 0x20 => '\u{FFFD}',
        '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
        c => c,
    }
}

/// Escapes text content (control and bidirectional characters shown by their stand-ins).
fn text_node(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::text::visible(s).chars().map(legal) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value (in double quotes), keeping line breaks and tabs (control and
/// bidirectional characters shown by their stand-ins).
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::text::visible(s).chars().map(legal) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            attr("a<\"b\">&'\n"),
            "a&lt;&quot;b&quot;&gt;&amp;&apos;&#10;"
        );
        assert_eq!(text_node("a<b>&\u{1}"), "a&lt;b&gt;&amp;\u{2401}");
        assert_eq!(attr("\u{202e}x"), "&lt;U+202E&gt;x");
    }
}
