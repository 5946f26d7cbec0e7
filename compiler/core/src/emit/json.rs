//! JSON: `soa.json` and `risk-register.json` (the DTOs of [`super::dto`]), and every other
//! JSON ismsc writes (`--format json` and `sarif`, OSCAL), pretty-printed by [`to_json`].
//!
//! JSON escapes C0 controls by construction; [`to_json`] also writes DEL, the C1 controls and
//! the bidirectional formatting characters (`crate::text`) as `\u` escapes. The data stays
//! exact (a JSON reader gets the same characters back), and the bytes hold no character that
//! a terminal would interpret or that would reorder the text in an editor.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::dto::{RiskRegisterDoc, SoaDoc};
use crate::driver::Analysis;

/// Pretty JSON with a trailing newline, hazards escaped.
pub fn to_json<T: Serialize>(doc: &T) -> String {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Safe(PrettyFormatter::new()));
    // The documents are plain values with string keys written to memory: this cannot fail.
    if doc.serialize(&mut ser).is_err() {
        return "{}\n".into();
    }
    let mut text = String::from_utf8(out).unwrap_or_default();
    text.push('\n');
    text
}

/// serde_json's pretty formatter, writing hazards as `\u` escapes.
struct Safe(PrettyFormatter<'static>);

impl Formatter for Safe {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if crate::text::is_hazard(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// `soa.json` of the project; `None` when the project has no known standard.
pub fn soa_json(analysis: &Analysis) -> Option<String> {
    SoaDoc::new(&analysis.model, &analysis.facts).map(|doc| to_json(&doc))
}

/// `risk-register.json` of the project.
pub fn risk_register_json(analysis: &Analysis) -> String {
    to_json(&RiskRegisterDoc::new(&analysis.model, &analysis.facts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hazards_are_escaped_and_the_data_kept() {
        let value = serde_json::json!({ "t": "a\u{1b}[2J\u{9b}\u{202e}b\u{7f}é", "n": [1, 2] });
        let text = to_json(&value);
        assert!(
            text.contains(r#""a\u001b[2J\u009b\u202eb\u007fé""#),
            "{text}"
        );
        assert!(!text.chars().any(crate::text::is_hazard));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        assert_eq!(
            text,
            format!(
                "{}\n",
                serde_json::to_string_pretty(&serde_json::json!({"n": [1, 2], "t": "x"})).unwrap()
            )
            .replace("\"x\"", r#""a\u001b[2J\u009b\u202eb\u007fé""#)
        );
    }
}
