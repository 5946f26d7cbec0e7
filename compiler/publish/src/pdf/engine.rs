//! Typst as a library: a minimal in-memory `World` (one source, the bundled fonts, no files,
//! no packages, no clock) and the compilation of one source to PDF bytes.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The standard library and the fonts, made once per process.
struct Assets {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Assets {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// The one file of every document.
fn main_id() -> Option<FileId> {
    let path = VirtualPath::new("/main.typ").ok()?;
    Some(RootedPath::new(VirtualRoot::Project, path).intern())
}

/// A world of one source text.
struct Doc {
    main: Source,
}

impl World for Doc {
    fn library(&self) -> &LazyHash<Library> {
        &ASSETS.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &ASSETS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        ASSETS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Compiles typst source text to PDF bytes. `ident` is the document's stable identifier
/// (the PDF `/ID` is derived from it, so builds are byte-identical). An error means the
/// generated source was wrong: a bug of the generator, never of the user's text.
pub fn compile(source: String, ident: &str) -> Result<Vec<u8>, String> {
    let id = main_id().ok_or("no file id for the document source")?;
    let world = Doc {
        main: Source::new(id, source),
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| messages(&world, &errors))?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("ismsc {}", env!("CARGO_PKG_VERSION")))),
        timestamp: None,
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| messages(&world, &errors))
}

/// The typst errors as one line each, with the offending source text when known.
fn messages(world: &Doc, errors: &[SourceDiagnostic]) -> String {
    use typst::WorldExt;
    errors
        .iter()
        .map(|e| {
            let snippet = world
                .range(e.span)
                .and_then(|r| world.main.text().get(r))
                .map(|s| format!(" at `{}`", s.chars().take(80).collect::<String>()))
                .unwrap_or_default();
            format!("{}{snippet}", e.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}
