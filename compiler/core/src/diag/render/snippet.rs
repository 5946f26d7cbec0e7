//! What a snippet of the rendering for people shows of a file: a [`View`].
//!
//! miette is handed only the lines the report's labels are on, with one line of context
//! around them, not the file, and each of those lines is made safe to print:
//!
//! - **escaped**: control and bidirectional characters are shown by their stand-ins
//!   (`crate::text::visible`: `␛` for ESC, `<U+202E>`), so a source line cannot retitle or
//!   clear the terminal of whoever reads a CI log, nor reorder what it shows;
//! - **clipped**: a line longer than [`MAX_LINE`] bytes is cut to a window around its labels,
//!   with `…` where text was left out, so no column is ever past what miette can format (it
//!   panicked past column 65,535) and no long line floods the log;
//! - **line ends** are `\r\n`, `\n` and a lone `\r`, as everywhere else.
//!
//! Labels are mapped from offsets in the file to offsets in the view; line numbers and the
//! column in the header stay those of the file. Building a view costs the length of the lines
//! it shows (bounded by the window), so rendering is linear in the number of findings, where
//! reading a span of the whole text would cost the text's length per finding.
//!
//! A file that is not `.isms` source (the manifest, a policy text) is shown by its labelled
//! lines only, without context: no finding echoes more of such a file than the line it is
//! about.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::SourceFile;
use crate::text::{stand_in, visible_line};

/// Lines longer than this many bytes are clipped to a window.
pub const MAX_LINE: usize = 400;
/// How much of a clipped line is shown before its first label, in bytes.
const LEAD: usize = 80;
/// How much of a clipped line is shown after its last label, in bytes.
const TAIL: usize = 80;
/// Lines of context shown around the labels (miette's default).
const CONTEXT: usize = 1;
/// The most lines between two labels' lines that are shown rather than left out: labels that
/// close are shown in one run of lines, as miette shows them in a whole text.
const GAP: usize = 4;
/// Where text was left out of a clipped line.
const ELLIPSIS: &str = "…";

/// One line of the file, as shown.
#[derive(Debug)]
struct Line {
    /// 0-based line number in the file.
    number: usize,
    /// The line in the file, without its line break.
    orig: Range<usize>,
    /// The part of `orig` shown.
    window: Range<usize>,
    /// Where the line starts in the view's text.
    start: usize,
    /// Its length in the view, without the `\n` that ends it.
    len: usize,
    /// The length of the leading `…`, if the line is clipped at its start.
    lead: usize,
}

/// The shown lines of one file for one report (see the module's doc).
#[derive(Debug)]
pub struct View<'a> {
    file: &'a SourceFile,
    name: String,
    text: String,
    lines: Vec<Line>,
    context: usize,
}

/// `offset` moved back to the start of the character it is in.
fn floor_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// `offset` moved on to the end of the character it is in.
fn ceil_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset < text.len() && !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// The length `s` has once its hazards are replaced by their stand-ins.
fn shown_len(s: &str) -> usize {
    s.chars()
        .map(|c| stand_in(c).map_or(c.len_utf8(), |t| t.len()))
        .sum()
}

impl<'a> View<'a> {
    /// The view of `file` for labels on `spans` (byte ranges of the file).
    pub fn new(file: &'a SourceFile, spans: &[Range<usize>]) -> View<'a> {
        let context = if file.name.ends_with(".isms") {
            CONTEXT
        } else {
            0
        };
        let len = file.text.len();
        // Context stops at the last line that has text: the empty "line" after a final line
        // break is shown only when a label is on it.
        let ends_with_break = file.text.ends_with(['\n', '\r']);
        let last_line = file
            .line_count()
            .saturating_sub(if ends_with_break { 2 } else { 1 });
        let mut wanted: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| {
                let (start, end) = (s.start.min(len), s.end.min(len).max(s.start.min(len)));
                let first = file.line_of(start);
                let last = file.line_of(if end > start { end - 1 } else { start });
                (
                    first.saturating_sub(context),
                    (last + context).min(last_line).max(last),
                )
            })
            .collect();
        wanted.sort_unstable();
        // Runs of lines closer than `GAP` are shown as one, with the lines between them.
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for (a, b) in wanted {
            match ranges.last_mut() {
                Some(last) if a <= last.1 + 1 + GAP => last.1 = last.1.max(b),
                _ => ranges.push((a, b)),
            }
        }
        let mut view = View {
            file,
            name: visible_line(&file.name).into_owned(),
            text: String::new(),
            lines: Vec::new(),
            context,
        };
        for (a, b) in ranges {
            for number in a..=b {
                let Some((orig, _)) = file.line_range(number) else {
                    continue;
                };
                let points: Vec<usize> = spans
                    .iter()
                    .flat_map(|s| [s.start, s.end])
                    .filter(|p| orig.start <= *p && *p <= orig.end)
                    .collect();
                let window = window(&file.text, &orig, &points);
                view.push_line(number, orig, window);
            }
        }
        view
    }

    fn push_line(&mut self, number: usize, orig: Range<usize>, window: Range<usize>) {
        let start = self.text.len();
        let lead = if window.start > orig.start {
            self.text.push_str(ELLIPSIS);
            ELLIPSIS.len()
        } else {
            0
        };
        for c in self.file.text.get(window.clone()).unwrap_or("").chars() {
            match stand_in(c) {
                Some(shown) => self.text.push_str(&shown),
                None => self.text.push(c),
            }
        }
        if window.end < orig.end {
            self.text.push_str(ELLIPSIS);
        }
        let len = self.text.len() - start;
        self.text.push('\n');
        self.lines.push(Line {
            number,
            orig,
            window,
            start,
            len,
            lead,
        });
    }

    /// Where the offset `offset` of the file is in the view.
    pub fn map(&self, offset: usize) -> usize {
        let i = self.lines.partition_point(|l| l.orig.start <= offset);
        let Some(line) = self.lines.get(i.saturating_sub(1)) else {
            return 0;
        };
        if offset < line.orig.start {
            return line.start;
        }
        if offset > line.orig.end {
            // In the line break: the span takes it, unless the next line shown is not the
            // next line of the file.
            let next_follows = self
                .lines
                .get(i)
                .is_some_and(|next| next.number == line.number + 1);
            return line.start + line.len + usize::from(next_follows);
        }
        if offset <= line.window.start {
            return line.start
                + if offset == line.window.start {
                    line.lead
                } else {
                    0
                };
        }
        if offset > line.window.end {
            return line.start + line.len;
        }
        let text = &self.file.text;
        let upto = floor_boundary(text, offset);
        line.start + line.lead + shown_len(text.get(line.window.start..upto).unwrap_or(""))
    }

    /// A span of the file as a span of the view.
    pub fn span(&self, start: usize, end: usize) -> SourceSpan {
        let a = self.map(start);
        let b = self.map(end.max(start)).max(a);
        SourceSpan::from((a, b - a))
    }

    /// The index of the line that holds the view offset `offset`.
    fn line_at(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1)
    }

    /// The file's offset shown at the view offset `offset` (for the header's column).
    fn unmap(&self, offset: usize) -> usize {
        let Some(line) = self.lines.get(self.line_at(offset)) else {
            return 0;
        };
        let mut shown = line.start + line.lead;
        if offset <= shown {
            return line.window.start;
        }
        let text = self.file.text.get(line.window.clone()).unwrap_or("");
        for (i, c) in text.char_indices() {
            shown += stand_in(c).map_or(c.len_utf8(), |t| t.len());
            if shown > offset {
                return line.window.start + i;
            }
        }
        line.window.end
    }
}

/// The window of a line `orig` shown around the label points on it.
fn window(text: &str, orig: &Range<usize>, points: &[usize]) -> Range<usize> {
    if orig.len() <= MAX_LINE {
        return orig.clone();
    }
    let (lo, hi) = match (points.iter().min(), points.iter().max()) {
        (Some(&lo), Some(&hi)) => (lo, hi),
        _ => (orig.start, orig.start),
    };
    let start = lo.saturating_sub(LEAD).max(orig.start);
    let end = hi
        .saturating_add(TAIL)
        .min(start + MAX_LINE)
        .min(orig.end)
        .max(start);
    floor_boundary(text, start)..ceil_boundary(text, end)
}

impl SourceCode for View<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if start > self.text.len() || self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let a = self.line_at(start);
        let b = if end > start {
            self.line_at(end - 1)
        } else {
            a
        };
        let (mut first, mut last) = (a, b.max(a));
        for _ in 0..before.min(self.context) {
            match self.lines.get(first.wrapping_sub(1)) {
                Some(prev) if first > 0 && prev.number + 1 == self.lines[first].number => {
                    first -= 1
                }
                _ => break,
            }
        }
        for _ in 0..after.min(self.context) {
            match self.lines.get(last + 1) {
                Some(next) if next.number == self.lines[last].number + 1 => last += 1,
                _ => break,
            }
        }
        let (Some(top), Some(bottom)) = (self.lines.get(first), self.lines.get(last)) else {
            return Err(MietteError::OutOfBounds);
        };
        let data_start = top.start;
        let data_end = (bottom.start + bottom.len + 1).min(self.text.len());
        let data = self
            .text
            .as_bytes()
            .get(data_start..data_end)
            .ok_or(MietteError::OutOfBounds)?;
        let (line, column) = if before == 0 && after == 0 {
            // The header's `file:line:column`: the file's own, not the view's.
            let (l, c) = self.file.line_col(self.unmap(start));
            (l - 1, c - 1)
        } else {
            (top.number, 0)
        };
        // miette joins the contexts of two labels when the first one's `line + line_count`
        // reaches the second's line: counting to the end of the run of lines `bottom` is in
        // joins exactly the labels whose lines the view shows together.
        let mut run_end = last;
        while self
            .lines
            .get(run_end + 1)
            .is_some_and(|next| next.number == self.lines[run_end].number + 1)
        {
            run_end += 1;
        }
        let run_last = self.lines.get(run_end).map_or(bottom.number, |l| l.number);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::from((data_start, data_end - data_start)),
            line,
            column,
            run_last - top.number + 1,
        )))
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;
    use crate::source::Origin;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("a.isms", text, Origin::Project)
    }

    #[test]
    fn lines_around_labels_are_shown_and_mapped() {
        let f = file("l0\nl1\nl2\nl3\nl4\nl5\n");
        let v = View::new(&f, &[9..11]);
        assert_eq!(v.text, "l2\nl3\nl4\n");
        assert_eq!(v.map(9), 3);
        assert_eq!(v.map(11), 5);
        // Two labels a few lines apart are shown with the lines between them; two far apart
        // give two runs of lines.
        let v = View::new(&f, &[0..2, 15..17]);
        assert_eq!(v.text, "l0\nl1\nl2\nl3\nl4\nl5\n");
        let f = file(&(0..30).map(|i| format!("l{i:02}\n")).collect::<String>());
        let v = View::new(&f, &[0..3, 80..83]);
        assert_eq!(v.text, "l00\nl01\nl19\nl20\nl21\n");
        assert_eq!(v.map(80), 12);
    }

    #[test]
    fn controls_and_bidi_are_shown_escaped_and_labels_follow() {
        let f = file("a\u{1b}[2J = \u{202e}x\n");
        let v = View::new(&f, &[11..12]);
        assert_eq!(v.text, "a\u{241b}[2J = <U+202E>x\n");
        let at = v.map(11);
        assert_eq!(&v.text[at..at + 1], "x");
    }

    #[test]
    fn long_lines_are_clipped_around_the_label() {
        let text = format!("{}TARGET{}\n", "x".repeat(70_000), "y".repeat(1000));
        let f = file(&text);
        let v = View::new(&f, &[70_000..70_006]);
        assert!(v.text.len() < MAX_LINE + 20, "{}", v.text.len());
        assert!(v.text.starts_with(ELLIPSIS) && v.text.ends_with("…\n"));
        let span = v.span(70_000, 70_006);
        assert_eq!(&v.text[span.offset()..span.offset() + span.len()], "TARGET");
        // The header still tells the file's column.
        let header = v.read_span(&span, 0, 0).map(|c| c.column()).ok();
        assert_eq!(header, Some(70_000));
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let f = file("a\rb\rc");
        let v = View::new(&f, &[2..3]);
        assert_eq!(v.text, "a\nb\nc\n");
    }
}
