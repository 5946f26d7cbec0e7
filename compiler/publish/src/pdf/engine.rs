//! Typst as a library: a minimal in-memory `World` (one source, the bundled fonts and the
//! project's, only the files handed to it, no packages, no clock) and the compilation of one
//! source to PDF bytes.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, Duration, Smart};
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

/// The fonts of one build: the project's own (`[publish] font`, `heading_font`) first, then
/// the bundled ones, which stay the fallback.
pub struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// The family name of each project font, in the order given (`None`: not a font typst
    /// can read).
    pub families: Vec<Option<String>>,
}

impl Fonts {
    /// The project's font files (each may be a collection) before the bundled fonts.
    pub fn new(extra: &[&[u8]]) -> Fonts {
        let mut fonts = Vec::new();
        let mut families = Vec::new();
        for data in extra {
            let found: Vec<Font> = Font::iter(Bytes::new(data.to_vec())).collect();
            families.push(found.first().map(|f| f.info().family.clone()));
            fonts.extend(found);
        }
        fonts.extend(ASSETS.fonts.iter().cloned());
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            families,
        }
    }
}

/// What a document may use beyond its source: the build's fonts, files at virtual paths
/// (the body of a templated document, the template, the logo) and `sys.inputs`.
#[derive(Default)]
pub struct Extras<'a> {
    /// The fonts; the bundled ones when `None`.
    pub fonts: Option<&'a Fonts>,
    /// Absolute virtual path (`/brand/logo.svg`) → content.
    pub files: Vec<(String, Bytes)>,
    /// `sys.inputs`; the standard library's when `None`.
    pub inputs: Option<Dict>,
}

/// A typst error, with the virtual path and byte range of the file it is in when known.
#[derive(Debug)]
pub struct Failure {
    /// The errors, one line each.
    pub message: String,
    /// Where the first error is: a virtual path and a byte range.
    pub at: Option<(String, std::ops::Range<usize>)>,
}

fn file_id(path: &str) -> Option<FileId> {
    let path = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, path).intern())
}

/// The one file of every document.
fn main_id() -> Option<FileId> {
    file_id("/main.typ")
}

/// A world of one source text and the files of its [`Extras`].
struct Doc<'a> {
    main: Source,
    library: Option<LazyHash<Library>>,
    fonts: Option<&'a Fonts>,
    files: Vec<(FileId, Bytes)>,
}

impl Doc<'_> {
    fn bytes(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, b)| b.clone())
            .ok_or(FileError::AccessDenied)
    }
}

impl World for Doc<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library.as_ref().unwrap_or(&ASSETS.library)
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.map_or(&ASSETS.book, |f| &f.book)
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.bytes(id)?;
        let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.bytes(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        match self.fonts {
            Some(f) => f.fonts.get(index).cloned(),
            None => ASSETS.fonts.get(index).cloned(),
        }
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Compiles typst source text to PDF bytes. `ident` is the document's stable identifier
/// (the PDF `/ID` is derived from it, so builds are byte-identical). An error means the
/// generated source was wrong: a bug of the generator, never of the user's text.
pub fn compile(source: String, ident: &str) -> Result<Vec<u8>, String> {
    compile_with(source, ident, Extras::default()).map_err(|f| f.message)
}

/// [`compile`] with the fonts, files and inputs of `extras`; a failure says where it is, so
/// an error in a project's template can be shown in the template.
pub fn compile_with(source: String, ident: &str, extras: Extras<'_>) -> Result<Vec<u8>, Failure> {
    let id = main_id().ok_or_else(|| Failure {
        message: "no file id for the document source".to_string(),
        at: None,
    })?;
    let files = extras
        .files
        .into_iter()
        .filter_map(|(path, bytes)| Some((file_id(&path)?, bytes)))
        .collect();
    let world = Doc {
        main: Source::new(id, source),
        library: extras
            .inputs
            .map(|inputs| LazyHash::new(Library::builder().with_inputs(inputs).build())),
        fonts: extras.fonts,
        files,
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| failure(&world, &errors))?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("ismsc {}", env!("CARGO_PKG_VERSION")))),
        timestamp: None,
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| failure(&world, &errors))
}

/// The typst errors as one line each, with the offending source text when known.
fn failure(world: &Doc<'_>, errors: &[SourceDiagnostic]) -> Failure {
    use typst::WorldExt;
    let message = errors
        .iter()
        .map(|e| {
            let snippet = world
                .range(e.span)
                .and_then(|r| world.main.text().get(r))
                .filter(|_| e.span.id() == Some(world.main.id()))
                .map(|s| format!(" at `{}`", s.chars().take(80).collect::<String>()))
                .unwrap_or_default();
            format!("{}{snippet}", e.message)
        })
        .collect::<Vec<_>>()
        .join("; ");
    let at = errors.iter().find_map(|e| {
        let id = e.span.id()?;
        let range = world.range(e.span)?;
        Some((id.get().vpath().get_with_slash().to_string(), range))
    });
    Failure { message, at }
}
