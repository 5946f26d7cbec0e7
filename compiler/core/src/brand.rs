//! `[publish]` in `isms.toml`: the organisation's branding of the published documents (logo,
//! accent colour, fonts, footer) and its own document templates.
//!
//! The manifest reader ([`read_section`]) checks the keys and values; the driver then reads
//! the files ([`load`]) under the rules of `file(...)`: inside the project, regular files,
//! within `[limits] file`. A file that is missing, unreadable or not of its kind (a logo that
//! is no SVG or PNG image, a font that is no TrueType or OpenType font) is E0015, a colour
//! that is not hex E0016. The publishing crate receives the bytes in [`Brand`] and never
//! reads the file system itself.

use std::collections::BTreeMap;
use std::sync::Arc;

use toml_edit::{Item, Key};

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::driver::{Fs, FsError};
use crate::manifest::{entries, size};
use crate::model::lower::{normalize, PathError};
use crate::source::{FileId, Origin, SourceMap, Span};

/// A document whose typst template a project may replace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Template {
    /// Each policy (`policy_template`, function `policy(doc)`).
    Policy,
    /// The Statement of Applicability (`soa_template`, function `soa(doc)`).
    Soa,
    /// The risk register (`register_template`, function `register(doc)`).
    Register,
}

impl Template {
    /// Every template, in key order.
    pub const ALL: [Template; 3] = [Template::Policy, Template::Soa, Template::Register];

    /// The key of `[publish]` that names it.
    pub fn key(self) -> &'static str {
        match self {
            Template::Policy => "policy_template",
            Template::Soa => "soa_template",
            Template::Register => "register_template",
        }
    }

    /// The typst function the template defines.
    pub fn function(self) -> &'static str {
        match self {
            Template::Policy => "policy",
            Template::Soa => "soa",
            Template::Register => "register",
        }
    }
}

/// A file named in `[publish]`: its project-relative path and where it is named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The path, relative to the project root, with `/` separators.
    pub path: String,
    /// The value in `isms.toml`.
    pub span: Span,
}

/// What `[publish]` declares, as written (checked, not yet read).
#[derive(Clone, Debug, Default)]
pub struct Publish {
    /// `logo`.
    pub logo: Option<Setting>,
    /// `color`, as `#rrggbb` in lower case.
    pub color: Option<String>,
    /// `font`: the body font.
    pub font: Option<Setting>,
    /// `heading_font`.
    pub heading_font: Option<Setting>,
    /// `footer`: a line of text in every page's footer.
    pub footer: Option<String>,
    /// `policy_template`, `soa_template`, `register_template`.
    pub templates: BTreeMap<Template, Setting>,
    /// The branding read from the files, filled in by the driver ([`load`]).
    pub brand: Brand,
}

/// The kind of a logo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// An SVG image.
    Svg,
    /// A PNG image.
    Png,
}

impl ImageFormat {
    /// The file extension (and typst's format name).
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
        }
    }

    /// The media type.
    pub fn mime(self) -> &'static str {
        match self {
            ImageFormat::Svg => "image/svg+xml",
            ImageFormat::Png => "image/png",
        }
    }
}

/// A file of the branding, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asset {
    /// Where it is named in `isms.toml` (its path and the value's span).
    pub setting: Setting,
    /// Its content.
    pub bytes: Arc<Vec<u8>>,
}

/// The logo, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logo {
    /// The file.
    pub asset: Asset,
    /// SVG or PNG.
    pub format: ImageFormat,
}

/// A template of the project, read into the source map (so a template error points into it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateFile {
    /// Where it is named in `isms.toml`.
    pub setting: Setting,
    /// Its text in the source map.
    pub file: FileId,
}

/// The branding the published documents apply; all `None` (the default look) when the
/// project declares nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Brand {
    /// The logo.
    pub logo: Option<Logo>,
    /// The accent colour, `#rrggbb`.
    pub color: Option<String>,
    /// The body font.
    pub font: Option<Asset>,
    /// The heading font.
    pub heading_font: Option<Asset>,
    /// The footer line.
    pub footer: Option<String>,
    /// The project's templates.
    pub templates: BTreeMap<Template, TemplateFile>,
}

impl Brand {
    /// Whether the project declares no branding and no template (the default look).
    pub fn is_default(&self) -> bool {
        *self == Brand::default()
    }
}

const KEYS: [&str; 8] = [
    "logo",
    "color",
    "font",
    "heading_font",
    "footer",
    "policy_template",
    "soa_template",
    "register_template",
];

/// A colour `#rgb` or `#rrggbb` as `#rrggbb` in lower case.
pub fn parse_color(text: &str) -> Option<String> {
    let hex = text.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let hex = hex.to_ascii_lowercase();
    match hex.len() {
        6 => Some(format!("#{hex}")),
        3 => Some(format!(
            "#{}",
            hex.chars().flat_map(|c| [c, c]).collect::<String>()
        )),
        _ => None,
    }
}

/// Reads `[publish]`; a wrong key or value is E0010, a colour that is not hex E0016, a path
/// that leaves the project E0015.
pub fn read_section(
    item: &Item,
    header: Span,
    file: FileId,
    at: &dyn Fn(&Key) -> Span,
    diags: &mut Diagnostics,
) -> Publish {
    let mut p = Publish::default();
    let Some(table) = item.as_table_like() else {
        diags.push(
            Diagnostic::new(Code::E0010, header, "`publish` must be a section")
                .primary_label("not a section")
                .help("write `[publish]` on a line of its own, with `logo = \"…\"` below it"),
        );
        return p;
    };
    for (key, value) in entries(table) {
        let name = key.get();
        let span = value
            .span()
            .map_or_else(|| at(key), |r| Span::new(file, r.start, r.end));
        if !KEYS.contains(&name) {
            diags.push(
                Diagnostic::new(
                    Code::E0010,
                    at(key),
                    format!("`[publish]` has no key `{name}`"),
                )
                .primary_label("unknown key")
                .help(format!(
                    "`[publish]` takes {}",
                    KEYS.map(|k| format!("`{k}`")).join(", ")
                )),
            );
            continue;
        }
        let Some(text) = value.as_str() else {
            diags.push(
                Diagnostic::new(
                    Code::E0010,
                    span,
                    format!("`{name}` in `[publish]` must be a string"),
                )
                .primary_label("not a string")
                .help(format!("write `{name} = \"…\"`")),
            );
            continue;
        };
        match name {
            "color" => match parse_color(text) {
                Some(c) => p.color = Some(c),
                None => diags.push(
                    Diagnostic::new(
                        Code::E0016,
                        span,
                        "`color` in `[publish]` is not a hex colour",
                    )
                    .primary_label("expected `#rrggbb` or `#rgb`")
                    .help("write the accent colour as a hex colour, e.g. `color = \"#0b5fff\"`"),
                ),
            },
            "footer" => {
                let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if !line.is_empty() {
                    p.footer = Some(line);
                }
            }
            _ => {
                let setting = match normalize("isms.toml", text) {
                    Ok(path) => Setting { path, span },
                    Err(e) => {
                        let why = match e {
                            PathError::Absolute => "is an absolute path",
                            PathError::Escapes => "leads out of the project folder",
                            PathError::Empty => "is empty",
                        };
                        diags.push(
                            Diagnostic::new(
                                Code::E0015,
                                span,
                                format!("the path of `{name}` in `[publish]` {why}"),
                            )
                            .primary_label("not a path inside the project")
                            .help("name a file inside the project, relative to `isms.toml`, e.g. `logo = \"brand/logo.svg\"`"),
                        );
                        continue;
                    }
                };
                match name {
                    "logo" => p.logo = Some(setting),
                    "font" => p.font = Some(setting),
                    "heading_font" => p.heading_font = Some(setting),
                    "policy_template" => {
                        p.templates.insert(Template::Policy, setting);
                    }
                    "soa_template" => {
                        p.templates.insert(Template::Soa, setting);
                    }
                    _ => {
                        p.templates.insert(Template::Register, setting);
                    }
                }
            }
        }
    }
    p
}

/// Reads the files `[publish]` names into [`Publish::brand`]; each that cannot be read or is
/// not of its kind is E0015 at its value in `isms.toml`.
pub fn load(
    publish: &mut Publish,
    sources: &mut SourceMap,
    fs: &dyn Fs,
    limit: u64,
    diags: &mut Diagnostics,
) {
    let mut brand = Brand {
        color: publish.color.clone(),
        footer: publish.footer.clone(),
        ..Brand::default()
    };
    if let Some(s) = &publish.logo {
        if let Some(bytes) = read(fs, s, "logo", limit, diags) {
            match image_format(&bytes) {
                Some(format) => {
                    brand.logo = Some(Logo {
                        asset: Asset {
                            setting: s.clone(),
                            bytes: Arc::new(bytes),
                        },
                        format,
                    })
                }
                None => diags.push(not_of_kind(
                    s,
                    "logo",
                    "an SVG or PNG image",
                    "save the logo as SVG (best: it stays sharp at every size) or PNG",
                )),
            }
        }
    }
    for (key, setting, slot) in [
        ("font", &publish.font, &mut brand.font),
        (
            "heading_font",
            &publish.heading_font,
            &mut brand.heading_font,
        ),
    ] {
        let Some(s) = setting else { continue };
        if let Some(bytes) = read(fs, s, key, limit, diags) {
            if is_font(&bytes) {
                *slot = Some(Asset {
                    setting: s.clone(),
                    bytes: Arc::new(bytes),
                });
            } else {
                diags.push(not_of_kind(
                    s,
                    key,
                    "a TrueType or OpenType font",
                    "name a `.ttf` or `.otf` font file; the bundled fonts are used when none is set",
                ));
            }
        }
    }
    for (template, s) in &publish.templates {
        let key = template.key();
        match fs.read(&s.path, limit) {
            Ok(text) => {
                let file = sources.add(s.path.clone(), text, Origin::Project);
                brand.templates.insert(
                    *template,
                    TemplateFile {
                        setting: s.clone(),
                        file,
                    },
                );
            }
            Err(FsError::NotUtf8 { line, column }) => diags.push(not_of_kind(
                s,
                key,
                &format!("a typst file of UTF-8 text (the first invalid byte is at line {line}, column {column})"),
                "save the template as UTF-8",
            )),
            Err(e) => diags.push(unreadable(s, key, e, limit)),
        }
    }
    publish.brand = brand;
}

fn read(
    fs: &dyn Fs,
    s: &Setting,
    key: &str,
    limit: u64,
    diags: &mut Diagnostics,
) -> Option<Vec<u8>> {
    match fs.read_bytes(&s.path, limit) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            diags.push(unreadable(s, key, e, limit));
            None
        }
    }
}

fn unreadable(s: &Setting, key: &str, e: FsError, limit: u64) -> Diagnostic {
    let path = &s.path;
    let (why, help) = match e {
        FsError::NotFound => (
            "does not exist".to_string(),
            "put the file into the project, or correct the path (relative to `isms.toml`)"
                .to_string(),
        ),
        FsError::Outside => (
            "is a link that leads outside the project".to_string(),
            "ismsc reads only files inside the project folder; put the file itself into the project".to_string(),
        ),
        FsError::TooLarge { limit } => (
            format!("is larger than the limit of {}", size(limit)),
            "set a higher limit with `[limits] file = \"…\"` in `isms.toml` (at most 1 GiB), or use a smaller file".to_string(),
        ),
        FsError::Unreadable(why) => (
            format!("cannot be read: {why}"),
            "make it a readable regular file".to_string(),
        ),
        FsError::NotUtf8 { .. } => (
            "cannot be read".to_string(),
            format!("make it a readable file of at most {}", size(limit)),
        ),
    };
    Diagnostic::new(
        Code::E0015,
        s.span,
        format!("`{path}`, the `{key}` of `[publish]`, {why}"),
    )
    .primary_label("named here")
    .help(help)
}

fn not_of_kind(s: &Setting, key: &str, kind: &str, help: &str) -> Diagnostic {
    Diagnostic::new(
        Code::E0015,
        s.span,
        format!("`{}`, the `{key}` of `[publish]`, is not {kind}", s.path),
    )
    .primary_label("named here")
    .help(help.to_string())
}

/// SVG (UTF-8 text with an `<svg` element) or PNG (its signature), or neither.
pub fn image_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(ImageFormat::Png);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let head = text.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with('<') && text.contains("<svg")).then_some(ImageFormat::Svg)
}

/// Whether the bytes start as a TrueType or OpenType font (or collection).
pub fn is_font(bytes: &[u8]) -> bool {
    bytes.len() > 12
        && [&b"\x00\x01\x00\x00"[..], b"OTTO", b"true", b"ttcf"]
            .iter()
            .any(|m| bytes.starts_with(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colors() {
        assert_eq!(parse_color("#0B5FFF").as_deref(), Some("#0b5fff"));
        assert_eq!(parse_color("#abc").as_deref(), Some("#aabbcc"));
        assert_eq!(parse_color("0b5fff"), None);
        assert_eq!(parse_color("#0b5ffg"), None);
        assert_eq!(parse_color("#0b5f"), None);
        assert_eq!(parse_color("#é"), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(
            image_format(b"\x89PNG\r\n\x1a\n...."),
            Some(ImageFormat::Png)
        );
        assert_eq!(
            image_format(b"<?xml version=\"1.0\"?><svg xmlns=\"\"/>"),
            Some(ImageFormat::Svg)
        );
        assert_eq!(image_format(b"GIF89a"), None);
        assert!(is_font(b"\x00\x01\x00\x00.............."));
        assert!(!is_font(b"<svg>.............."));
    }
}
