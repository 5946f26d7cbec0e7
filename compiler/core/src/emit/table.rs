//! The SoA as a plain-text table for the terminal (`ismsc soa`): fixed column widths, no
//! colour, one line per requirement, then the counts.

use std::fmt::Write;

use super::dto::{CatalogDoc, CoverageDoc, SoaDoc};
use crate::driver::Analysis;

const ID: usize = 9;
const TITLE: usize = 48;
const APPLICABLE: usize = 10;
const STATUS: usize = 15;

/// Cuts `s` to at most `width` characters, ending with `…` when cut; line breaks and tabs
/// become spaces so that every row stays on one line, and other control and bidirectional
/// characters are shown by their stand-ins (`crate::text::visible`).
fn cell(s: &str, width: usize) -> String {
    let clean: String = crate::text::visible(s)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    if clean.chars().count() <= width {
        return clean;
    }
    let mut cut: String = clean.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Left-aligns `s` in `width` characters (counting characters, not bytes).
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// The table of a document.
pub fn soa_doc_table(doc: &SoaDoc) -> String {
    let mut out = String::new();
    let name = doc
        .isms
        .as_deref()
        .or(doc.organization.as_deref())
        .unwrap_or("ISMS");
    let _ = writeln!(
        out,
        "Statement of Applicability: {} ({})\n",
        cell(name, 80),
        doc.standard
    );
    let _ = writeln!(
        out,
        "{}  {}  {}  {}  IMPLEMENTED BY",
        pad("ID", ID),
        pad("TITLE", TITLE),
        pad("APPLICABLE", APPLICABLE),
        pad("STATUS", STATUS)
    );
    for c in &doc.controls {
        let applicable = match c.decision {
            "included" => "yes",
            "excluded" => "no",
            _ => "undecided",
        };
        let line = format!(
            "{}  {}  {}  {}  {}",
            pad(&cell(&c.id, ID), ID),
            pad(&cell(&c.title, TITLE), TITLE),
            pad(applicable, APPLICABLE),
            pad(c.status, STATUS),
            cell(&c.implemented_by.join(", "), 200)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let s = &doc.summary;
    let _ = writeln!(out, "\n{} controls: {}", s.total, s.counts());
    out
}

/// The coverage of a framework for the terminal (`ismsc coverage`): id, grade, title and what
/// it is covered through, then the counts.
pub fn coverage_doc_table(doc: &CoverageDoc) -> String {
    let mut out = String::new();
    let title = doc.title.as_deref().unwrap_or(&doc.framework);
    let _ = writeln!(
        out,
        "Coverage of {} ({}) through {}\n",
        cell(title, 80),
        doc.framework,
        doc.standard
    );
    let _ = writeln!(
        out,
        "{}  {}  {}  THROUGH",
        pad("ID", ID),
        pad("COVERAGE", STATUS),
        pad("TITLE", TITLE)
    );
    for r in &doc.requirements {
        let line = format!(
            "{}  {}  {}  {}",
            pad(&cell(&r.id, ID), ID),
            pad(r.coverage, STATUS),
            pad(&cell(&r.title, TITLE), TITLE),
            cell(&r.through.join(", "), 200)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let s = &doc.summary;
    let _ = writeln!(
        out,
        "\n{} requirements: {} full, {} partial, {} none, {} not applicable",
        s.total, s.full, s.partial, s.none, s.not_applicable
    );
    for a in &doc.attribution {
        let _ = writeln!(out, "{}", crate::text::visible(a));
    }
    out
}

/// The table of a catalogue (`ismsc catalog`): id, title and group of each requirement, then
/// the count.
pub fn catalog_doc_table(doc: &CatalogDoc) -> String {
    const GROUP: usize = 16;
    let id_width = doc
        .requirements
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(2, 16);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({})\n",
        cell(doc.title.as_deref().unwrap_or(&doc.framework), 80),
        doc.framework
    );
    let _ = writeln!(
        out,
        "{}  {}  TITLE",
        pad("ID", id_width),
        pad("GROUP", GROUP)
    );
    for r in &doc.requirements {
        let line = format!(
            "{}  {}  {}",
            pad(&cell(&r.id, id_width), id_width),
            pad(&cell(&r.group, GROUP), GROUP),
            cell(&r.title, 100)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let n = doc.requirements.len();
    let _ = writeln!(out, "\n{n} requirement{}", if n == 1 { "" } else { "s" });
    out
}

/// The table of the project's SoA; `None` when the project has no known standard.
pub fn soa_table(analysis: &Analysis) -> Option<String> {
    SoaDoc::new(&analysis.model, &analysis.facts).map(|doc| soa_doc_table(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_by_characters() {
        assert_eq!(cell("abc", 3), "abc");
        assert_eq!(cell("abcd", 3), "ab…");
        assert_eq!(cell("äöüß", 3), "äö…");
        assert_eq!(cell("a\nb", 5), "a b");
        assert_eq!(cell("a\u{1b}[2J", 9), "a\u{241b}[2J");
        assert_eq!(cell("\u{202e}x", 9), "<U+202E>x");
        assert_eq!(pad("ä", 3), "ä  ");
    }
}
