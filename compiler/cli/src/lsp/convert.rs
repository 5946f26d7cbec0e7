//! Conversions between the compiler's places (files, byte spans) and the protocol's (URIs,
//! line/character positions in the negotiated encoding). The one module that knows both.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use ismsc_core::source::{Encoding, FileId, Origin, SourceFile, SourceMap, Span};
use lsp_types::{Location, Position, Range, Uri};

/// The `file://` URI of an absolute path, percent-encoded.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        // `C:/…` on Windows.
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).ok()
}

/// The path of a `file://` URI (percent-decoded); `None` for another scheme.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file://host/path`: only the empty host and `localhost` are local.
    let rest = match rest.find('/') {
        Some(0) => rest,
        Some(i) if rest.get(..i) == Some("localhost") => rest.get(i..)?,
        _ => return None,
    };
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = rest
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                decoded.push(v);
                i += 3;
                continue;
            }
        }
        decoded.push(b);
        i += 1;
    }
    let mut path = String::from_utf8(decoded).ok()?;
    // `/c:/x` → `c:/x` on Windows.
    let b = path.as_bytes();
    if b.len() >= 3 && b[0] == b'/' && b[2] == b':' && b[1].is_ascii_alphabetic() {
        path.remove(0);
    }
    Some(PathBuf::from(path))
}

/// The protocol position of a byte offset.
pub fn position(file: &SourceFile, offset: usize, enc: Encoding) -> Position {
    let (line, character) = file.position(offset, enc);
    Position { line, character }
}

/// The protocol range of a byte range.
pub fn range(file: &SourceFile, start: usize, end: usize, enc: Encoding) -> Range {
    Range {
        start: position(file, start, enc),
        end: position(file, end.max(start), enc),
    }
}

/// The protocol range of a span of `file`.
pub fn span_range(file: &SourceFile, span: Span, enc: Encoding) -> Range {
    range(file, span.start as usize, span.end as usize, enc)
}

/// The byte offset of a protocol position (clamped, see [`SourceFile::offset`]).
pub fn offset(file: &SourceFile, pos: Position, enc: Encoding) -> usize {
    file.offset(pos.line, pos.character, enc)
}

/// Where the files of one project are: turns file ids of its analysis into URIs.
#[derive(Clone, Debug)]
pub struct Locator {
    /// The project's folder.
    pub root: PathBuf,
    /// The folder the standard library is written to, when it could be.
    pub stdlib: Option<PathBuf>,
    /// The URI of a document that is not on disk (an `untitled:` buffer), by its name.
    pub virtual_doc: Option<(String, Uri)>,
}

/// The display name of a stdlib file without its `<stdlib>/` prefix.
pub fn stdlib_rel(name: &str) -> Option<&str> {
    name.strip_prefix("<stdlib>/")
}

impl Locator {
    /// The URI of a file of `sources`.
    pub fn uri(&self, sources: &SourceMap, file: FileId) -> Option<Uri> {
        let f = sources.get(file)?;
        match f.origin {
            Origin::Stdlib => {
                let rel = stdlib_rel(&f.name)?;
                path_to_uri(&self.stdlib.as_ref()?.join(rel))
            }
            Origin::Project => {
                if let Some((name, uri)) = &self.virtual_doc {
                    if *name == f.name {
                        return Some(uri.clone());
                    }
                }
                path_to_uri(&self.root.join(&f.name))
            }
        }
    }

    /// The location of a span.
    pub fn location(&self, sources: &SourceMap, span: Span, enc: Encoding) -> Option<Location> {
        let file = sources.get(span.file)?;
        Some(Location {
            uri: self.uri(sources, span.file)?,
            range: span_range(file, span, enc),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip_with_spaces_and_unicode() {
        let p = Path::new("/tmp/my project/Grüße #1/risks.isms");
        let uri = path_to_uri(p).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///tmp/my%20project/Gr%C3%BC%C3%9Fe%20%231/risks.isms"
        );
        assert_eq!(uri_to_path(&uri).unwrap(), p);
        let other = Uri::from_str("untitled:Untitled-1").unwrap();
        assert_eq!(uri_to_path(&other), None);
        let host = Uri::from_str("file://server/share/x.isms").unwrap();
        assert_eq!(uri_to_path(&host), None);
    }
}
