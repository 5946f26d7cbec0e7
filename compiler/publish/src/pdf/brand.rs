//! The project's branding on every PDF: the accent colour, the body and heading fonts, the
//! logo (large on the first page, small in the running header) and the footer line.
//!
//! A project that declares nothing gets the documents as they always were: [`Look::new`] is
//! `None` and no source is touched. Otherwise [`Look::apply`] rewrites the fixed parts of
//! the generated source (the preamble and the page setup, which hold no user text); the
//! brand's own strings go through [`escape`] and [`string`] like every other.

use ismsc_core::brand::Brand;
use ismsc_core::diag::{Code, Diagnostic};
use typst::foundations::Bytes;

use super::engine::{Extras, Fonts};
use super::markup::{escape, string};

/// The branding, ready for the typesetter.
pub struct Look {
    /// The accent colour, `#rrggbb`.
    pub color: Option<String>,
    /// The family of the body font.
    pub body: Option<String>,
    /// The family of the heading font.
    pub heading: Option<String>,
    /// The virtual path of the logo (`/brand/logo.svg`).
    pub logo: Option<String>,
    /// The footer line.
    pub footer: Option<String>,
    /// The fonts: the project's first.
    pub fonts: Fonts,
    /// The logo's bytes at its virtual path.
    pub files: Vec<(String, Bytes)>,
}

/// The bundled body font, the fallback of the project's.
const BODY_FALLBACK: &str = "Libertinus Serif";

impl Look {
    /// The look of `brand`; `None` for a project that declares no branding. A font typst
    /// cannot read is E0015 (and the bundled font is used).
    pub fn new(brand: &Brand) -> (Option<Look>, Vec<Diagnostic>) {
        let mut found = Vec::new();
        if brand.is_default() {
            return (None, found);
        }
        let project: Vec<&ismsc_core::brand::Asset> = [&brand.font, &brand.heading_font]
            .into_iter()
            .flatten()
            .collect();
        let data: Vec<&[u8]> = project.iter().map(|a| a.bytes.as_slice()).collect();
        let fonts = Fonts::new(&data);
        let mut families = fonts.families.clone().into_iter();
        let mut family = |asset: &Option<ismsc_core::brand::Asset>, key: &str| {
            let asset = asset.as_ref()?;
            let name = families.next().flatten();
            if name.is_none() {
                found.push(
                    Diagnostic::new(
                        Code::E0015,
                        asset.setting.span,
                        format!(
                            "`{}`, the `{key}` of `[publish]`, is not a font the typesetter can read",
                            asset.setting.path
                        ),
                    )
                    .primary_label("named here")
                    .help("name an intact `.ttf` or `.otf` font file; the bundled font is used meanwhile"),
                );
            }
            name
        };
        let body = family(&brand.font, "font");
        let heading = family(&brand.heading_font, "heading_font");
        let mut files = Vec::new();
        let logo = brand.logo.as_ref().map(|l| {
            let path = format!("/{}", l.asset.setting.path);
            files.push((path.clone(), Bytes::new(l.asset.bytes.to_vec())));
            path
        });
        let look = Look {
            color: brand.color.clone(),
            body,
            heading,
            logo,
            footer: brand.footer.clone(),
            fonts,
            files,
        };
        (Some(look), found)
    }

    /// What the typesetter needs beyond the source: the fonts and the logo.
    pub fn extras(&self) -> Extras<'_> {
        Extras {
            fonts: Some(&self.fonts),
            files: self.files.clone(),
            inputs: None,
        }
    }

    /// The typst image of the logo at `height`, or nothing.
    pub fn logo_image(&self, height: &str) -> Option<String> {
        self.logo
            .as_ref()
            .map(|p| format!("image({}, height: {height})", string(p)))
    }

    /// Applies the branding to a document's source (made with the preamble and the page
    /// setup of this module's parent).
    pub fn apply(&self, src: &str) -> String {
        let mut src = src.to_string();
        if let Some(c) = &self.color {
            src = src.replacen(
                "#let accent = rgb(\"#1f3864\")",
                &format!("#let accent = rgb({})", string(c)),
                1,
            );
            // The rules of the running header and footer take the accent colour.
            src = src.replace("stroke: 0.4pt + luma(180))", "stroke: 0.4pt + accent)");
        }
        let mut fonts = String::new();
        if let Some(f) = &self.body {
            fonts.push_str(&format!(
                "#set text(font: ({}, {}))\n",
                string(f),
                string(BODY_FALLBACK)
            ));
        }
        if let Some(f) = self.heading.as_ref().or(self.body.as_ref()) {
            fonts.push_str(&format!(
                "#show heading: set text(font: ({}, {}))\n",
                string(f),
                string(BODY_FALLBACK)
            ));
        }
        if !fonts.is_empty() {
            let line = "#set text(font: \"Libertinus Serif\", size: 10.5pt, lang: \"en\", hyphenate: auto)\n";
            src = src.replacen(line, &format!("{line}{fonts}"), 1);
        }
        if let (Some(big), Some(small)) = (self.logo_image("1.1cm"), self.logo_image("0.9em")) {
            src = src.replacen(
                "  header: context if here().page() > 1 {\n",
                &format!("  header: context if here().page() == 1 {{\n    align(right + bottom, {big})\n  }} else {{\n"),
                1,
            );
            src = src.replacen(
                "grid(columns: (1fr, auto), align: (left, right), [",
                &format!("grid(columns: (1fr, auto), align: (left, right), [#box(baseline: 15%, {small}) #h(0.4em) "),
                1,
            );
        }
        if let Some(footer) = &self.footer {
            let end = "[Page #counter(page).display() of #counter(page).final().first()])\n";
            src = src.replacen(
                end,
                &format!(
                    "{end}    align(center, text(size: 7.5pt)[{}])\n",
                    escape(footer)
                ),
                1,
            );
        }
        src
    }
}
