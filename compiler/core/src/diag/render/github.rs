//! `--format github`: GitHub Actions workflow commands, which GitHub shows as annotations on
//! the lines of a pull request, without code scanning.
//!
//! One line per finding: `::error file=…,line=…,endLine=…,col=…,endColumn=…,title=E0102::…`
//! (`::warning` for warnings). The message, help and notes are the data of the command,
//! escaped as GitHub's runner unescapes them (`%`, CR and LF); property values also escape
//! `:` and `,`. Control and bidirectional characters are shown by their stand-ins first. A finding in the embedded standard library has no file of the repository,
//! so it is annotated without one. GitHub shows only ten annotations of each level per step,
//! so the undecided Annex A controls are one annotation listing them (`group`). The last line
//! is the summary, as plain log text.

use super::{group::group, position, summary};
use crate::diag::{Diagnostic, Severity};
use crate::source::{Origin, SourceMap};

/// The workflow commands for the findings, then the summary line.
pub fn github(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in group(diags).iter().map(|d| &**d) {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        let in_project = sources
            .get(d.primary.span.file)
            .is_some_and(|f| f.origin == Origin::Project);
        if in_project {
            let (file, line, col, end_line, end_col) = position(sources, &d.primary);
            props.push(format!("file={}", property(&file)));
            props.push(format!("line={line}"));
            props.push(format!("endLine={end_line}"));
            // Columns only make sense on one line; GitHub ignores them otherwise.
            if end_line == line {
                props.push(format!("col={col}"));
                props.push(format!("endColumn={}", end_col.max(col + 1)));
            }
        }
        props.push(format!("title={}", property(d.code.as_str())));
        let mut text = d.message.clone();
        text.push_str(&format!("\nhelp: {}", d.help));
        for n in &d.notes {
            text.push_str(&format!("\nnote: {n}"));
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            data(&text)
        ));
    }
    out.push_str(&format!("ismsc: {}\n", summary(diags)));
    out
}

/// Escapes the data of a workflow command (after `::`): control and bidirectional
/// characters are shown by their stand-ins (`crate::text::visible`), so nothing reaches the
/// log that a terminal would interpret, then `%` and line breaks as the runner unescapes them.
pub(crate) fn data(s: &str) -> String {
    crate::text::visible(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub(crate) fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_runner() {
        assert_eq!(data("100% a\nb"), "100%25 a%0Ab");
        assert_eq!(data("a\r\nb\u{1b}]0;x\u{7}"), "a%0Ab\u{241b}]0;x\u{2407}");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(data("a:b,c"), "a:b,c");
    }
}
