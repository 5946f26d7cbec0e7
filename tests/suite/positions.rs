//! Positions as the language server counts them (`SourceFile::position` and `offset`): lines
//! end at `\r\n`, `\n` or a lone `\r`; columns in UTF-8 bytes or UTF-16 units; a column past
//! the end of a line clamps to it, a line past the last to the end of the text. Checked
//! against a direct computation over text made of emoji, combining characters and every kind
//! of line end, and the server's incremental edits against edits of the string.

use ismsc_core::source::{Encoding, Origin, SourceFile};
use lsp_types as lsp;
use proptest::prelude::*;

fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a",
        "Z",
        " ",
        "=",
        "é",
        "e\u{301}",
        "😀",
        "👩\u{200d}👩\u{200d}👧",
        "中",
        "\n",
        "\r\n",
        "\r",
        "\t",
    ])
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..60).prop_map(|p| p.concat())
}

/// Line starts computed the plain way.
fn starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut s = vec![0];
    for i in 0..b.len() {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            s.push(i + 1);
        }
    }
    s
}

fn width(s: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 => s.encode_utf16().count(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn positions_and_offsets_agree(text in text()) {
        let f = SourceFile::new("t.isms", text.clone(), Origin::Project);
        let starts = starts(&text);
        prop_assert_eq!(f.line_count(), starts.len());
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            for (o, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                let line = starts.iter().rposition(|&s| s <= o).unwrap();
                let col = width(&text[starts[line]..o], enc);
                prop_assert_eq!(f.position(o, enc), (line as u32, col as u32));
                // Between the `\r` and the `\n` of a line end is not a place a cursor can be.
                let inside_crlf = o > 0 && text.as_bytes()[o - 1] == b'\r' && text.as_bytes().get(o) == Some(&b'\n');
                if !inside_crlf {
                    prop_assert_eq!(f.offset(line as u32, col as u32, enc), o);
                }
            }
            for (line, &start) in starts.iter().enumerate() {
                let next = starts.get(line + 1).copied().unwrap_or(text.len());
                let end = text[start..next].trim_end_matches(['\n', '\r']).len() + start;
                // Past the end of a line: its end, before the line break.
                prop_assert_eq!(f.offset(line as u32, u32::MAX, enc), end);
                prop_assert_eq!(f.offset(line as u32, width(&text[start..end], enc) as u32 + 1, enc), end);
            }
            prop_assert_eq!(f.offset(starts.len() as u32, 0, enc), text.len());
            prop_assert_eq!(f.offset(u32::MAX, u32::MAX, enc), text.len());
            // Offsets inside a character and past the end are moved to a character's start.
            for o in 0..=text.len() + 2 {
                let (l, c) = f.position(o, enc);
                let back = f.offset(l, c, enc);
                prop_assert!(text.is_char_boundary(back));
                prop_assert!(back <= o.min(text.len()));
            }
        }
    }

    #[test]
    fn a_column_inside_a_surrogate_pair_is_the_start_of_its_character(prefix in text()) {
        let line_text = format!("{}😀x", prefix.replace(['\n', '\r'], ""));
        let f = SourceFile::new("t.isms", line_text.clone(), Origin::Project);
        let before = line_text.len() - "😀x".len();
        let col = line_text[..before].encode_utf16().count() as u32;
        prop_assert_eq!(f.offset(0, col + 1, Encoding::Utf16), before);
        prop_assert_eq!(f.offset(0, col + 2, Encoding::Utf16), before + 4);
        prop_assert_eq!(f.offset(0, line_text[..before].len() as u32 + 2, Encoding::Utf8), before);
    }

    #[test]
    fn incremental_edits_equal_edits_of_the_string(
        text in text(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), text()), 1..6),
        utf8 in any::<bool>(),
    ) {
        let enc = if utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        let mut expected = text.clone();
        let mut changes = Vec::new();
        for (a, b, with) in edits {
            let f = SourceFile::new("t.isms", expected.clone(), Origin::Project);
            // Any two cursor places of the current text.
            let places: Vec<usize> = expected
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(expected.len()))
                .filter(|&o| !(o > 0 && expected.as_bytes()[o - 1] == b'\r' && expected.as_bytes().get(o) == Some(&b'\n')))
                .collect();
            let (x, y) = (*a.get(&places), *b.get(&places));
            let (start, end) = (x.min(y), x.max(y));
            let pos = |o: usize| {
                let (line, character) = f.position(o, enc);
                lsp::Position { line, character }
            };
            changes.push(lsp::TextDocumentContentChangeEvent {
                range: Some(lsp::Range::new(pos(start), pos(end))),
                range_length: None,
                text: with.clone(),
            });
            expected.replace_range(start..end, &with);
        }
        prop_assert_eq!(ismsc::lsp::apply_changes(&text, changes, utf8), expected);
    }
}
