//! Source files, spans and line lookup.
//!
//! Every text the compiler reads (user files, the embedded standard library, test inputs)
//! lives in one [`SourceMap`] and is named by a [`FileId`]. A [`Span`] is a byte range in
//! one file. Stages after loading never touch the file system: they read the map.

use std::fmt;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// The file the range belongs to.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span in `file` from `start` to `end` (byte offsets).
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both (they must be in the same file; otherwise `self`).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Byte range as `usize`.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether `offset` lies inside the span (end inclusive, for cursors).
    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset <= (self.end as usize)
    }
}

/// Where a file comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The embedded standard library.
    Stdlib,
    /// The user's project.
    Project,
}

/// How the columns of a position are counted: the position encodings of the Language Server
/// Protocol. Lines are counted the same way in both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Columns in UTF-8 bytes.
    Utf8,
    /// Columns in UTF-16 code units (the protocol's default).
    Utf16,
}

/// One source file: its display name, text and line starts.
///
/// Lines end at `\r\n`, `\n` or a lone `\r`, as in the lexer and in editors. Positions are computed in
/// constant time whatever the length of a line: `chars` holds, for every block of
/// [`BLOCK`] bytes, how many characters and UTF-16 units come before it, so a column is two
/// look-ups and a count within one block (a file of one 64 MB line with a finding on every
/// word must not take time quadratic in its length).
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the project root with `/` separators, or `<stdlib>/…`.
    pub name: String,
    /// The full text.
    pub text: String,
    /// Where the file comes from.
    pub origin: Origin,
    line_starts: Vec<usize>,
    /// `(characters, UTF-16 units)` before each block of [`BLOCK`] bytes, made when a column
    /// is first asked for (most files, the stdlib's among them, never are).
    chars: std::sync::OnceLock<Vec<(u32, u32)>>,
}

/// The block size of the column index of [`SourceFile`].
const BLOCK: usize = 1024;

/// Byte offsets at which a line starts: 0, and after every `\r\n`, `\n` and lone `\r`.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        let ends = match b {
            b'\n' => true,
            b'\r' => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        };
        if ends {
            starts.push(i + 1);
        }
    }
    starts
}

/// Characters and UTF-16 units in `bytes` (a part of UTF-8 text, perhaps cut inside a
/// character: a character counts where its first byte is).
fn count_units(bytes: &[u8]) -> (u32, u32) {
    let mut chars = 0u32;
    let mut wide = 0u32;
    for &b in bytes {
        if b & 0xC0 != 0x80 {
            chars += 1;
            if b >= 0xF0 {
                wide += 1;
            }
        }
    }
    (chars, chars + wide)
}

fn column_index(text: &str) -> Vec<(u32, u32)> {
    let mut index = Vec::with_capacity(text.len() / BLOCK + 1);
    let (mut chars, mut units) = (0u32, 0u32);
    for block in text.as_bytes().chunks(BLOCK) {
        index.push((chars, units));
        let (c, u) = count_units(block);
        chars = chars.wrapping_add(c);
        units = units.wrapping_add(u);
    }
    index.push((chars, units));
    index
}

impl SourceFile {
    /// A file named `name` holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>, origin: Origin) -> SourceFile {
        let text = text.into();
        SourceFile {
            name: name.into(),
            line_starts: line_starts(&text),
            chars: std::sync::OnceLock::new(),
            text,
            origin,
        }
    }

    /// `(characters, UTF-16 units)` in the text before `offset` (at most the text's length).
    fn units_before(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let block = offset / BLOCK;
        let index = self.chars.get_or_init(|| column_index(&self.text));
        let (c, u) = index.get(block).copied().unwrap_or((0, 0));
        let (dc, du) = count_units(
            self.text
                .as_bytes()
                .get(block * BLOCK..offset)
                .unwrap_or(&[]),
        );
        (c.wrapping_add(dc) as usize, u.wrapping_add(du) as usize)
    }

    /// The 0-based line that holds a byte offset (the last line for one past the end).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// The byte range of a 0-based line without its line break, and the offset where the
    /// next line starts (the text's length for the last line); `None` past the last line.
    pub fn line_range(&self, line: usize) -> Option<(std::ops::Range<usize>, usize)> {
        let start = *self.line_starts.get(line)?;
        let next = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        let mut end = next;
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some((start..end, next))
    }

    /// 1-based line and column (in characters) of a byte offset. An offset past the end is
    /// the end; one inside a character is that character's start.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char(&self.text, offset);
        let line = self.line_of(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let col = self.units_before(offset).0 - self.units_before(start).0;
        (line + 1, col + 1)
    }

    /// The 0-based line and column of a byte offset, the column counted in `encoding`. An
    /// offset past the end is the end; one inside a character is that character's start.
    pub fn position(&self, offset: usize, encoding: Encoding) -> (u32, u32) {
        let offset = floor_char(&self.text, offset);
        let line = self.line_of(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let col = match encoding {
            Encoding::Utf8 => offset - start,
            Encoding::Utf16 => self.units_before(offset).1 - self.units_before(start).1,
        };
        (to_u32(line), to_u32(col))
    }

    /// The byte offset of a 0-based line and column counted in `encoding`. A column past the
    /// end of its line is the end of the line (before its line break), a line past the last
    /// is the end of the text, and a column inside a character (between the two halves of a
    /// UTF-16 surrogate pair, or inside a UTF-8 sequence) is that character's start.
    pub fn offset(&self, line: u32, col: u32, encoding: Encoding) -> usize {
        let Some((range, _)) = self.line_range(line as usize) else {
            return self.text.len();
        };
        let text = self.text.get(range.clone()).unwrap_or("");
        let col = col as usize;
        let mut units = 0;
        for (i, ch) in text.char_indices() {
            let width = match encoding {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
            };
            if units + width > col {
                return range.start + i;
            }
            units += width;
        }
        range.end
    }

    /// Byte offset of a 0-based line and a 0-based UTF-16 column (the LSP's positions).
    pub fn offset_of_utf16(&self, line: usize, col16: usize) -> usize {
        self.offset(to_u32(line), to_u32(col16), Encoding::Utf16)
    }

    /// 0-based line and UTF-16 column of a byte offset (the LSP's positions).
    pub fn utf16_position(&self, offset: usize) -> (usize, usize) {
        let (line, col) = self.position(offset, Encoding::Utf16);
        (line as usize, col as usize)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// `offset`, at most the text's length, moved back to the start of the character it is in.
fn floor_char(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// All files of one compilation.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(
        &mut self,
        name: impl Into<String>,
        text: impl Into<String>,
        origin: Origin,
    ) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(name, text, origin));
        id
    }

    /// The file with this id.
    ///
    /// # Panics
    /// Never for ids this map handed out; ids are not shared between maps.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Display name of a file (`?` for a foreign id).
    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.name.as_str()).unwrap_or("?")
    }

    /// Text of a span (empty for a foreign or out-of-range span).
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|f| f.text.get(span.range()))
            .unwrap_or("")
    }

    /// Every file, with its id.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Renames a file (its display name); `false` for a foreign id. The command line uses it
    /// to show project files relative to the repository root (`--path-base`).
    pub fn rename(&mut self, id: FileId, name: impl Into<String>) -> bool {
        match self.files.get_mut(id.0 as usize) {
            Some(f) => {
                f.name = name.into();
                true
            }
            None => false,
        }
    }

    /// Finds a file by display name.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.iter().find(|(_, f)| f.name == name).map(|(id, _)| id)
    }
}

impl fmt::Display for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_end_ends_a_line() {
        let f = SourceFile::new("a.isms", "a\rb\r\nc\nd", Origin::Project);
        assert_eq!(f.line_count(), 4);
        assert_eq!(f.line_col(2), (2, 1));
        assert_eq!(f.line_col(5), (3, 1));
        assert_eq!(f.line_col(7), (4, 1));
        // The `\n` of a `\r\n` belongs to the line it ends.
        assert_eq!(f.line_col(4), (2, 3));
        assert_eq!(f.line_range(1), Some((2..3, 5)));
        assert_eq!(f.line_range(3), Some((7..8, 8)));
        assert_eq!(f.line_range(4), None);
    }

    #[test]
    fn columns_count_characters_across_blocks() {
        let text = format!("{}\n{}x", "é".repeat(3000), "😀".repeat(2000));
        let f = SourceFile::new("a.isms", text.clone(), Origin::Project);
        let x = text.len() - 1;
        assert_eq!(f.line_col(x), (2, 2001));
        assert_eq!(f.utf16_position(x), (1, 4000));
        assert_eq!(f.line_col(6000), (1, 3001));
        // An offset inside a character is that character's start.
        assert_eq!(f.line_col(1), (1, 1));
        assert_eq!(f.position(x, Encoding::Utf8), (1, 8000));
    }
}
