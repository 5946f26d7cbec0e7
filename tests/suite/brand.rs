//! `[publish]`: the branding (logo, accent colour, fonts, footer) of the PDFs, the site and
//! the workbook, and the project's own policy template, on the fixture `tests/publish/branded`
//! (the startup example with a logo, a colour, a body font and a footer).

use std::collections::BTreeMap;
use std::path::Path;

use ismsc_core::diag::Code;
use ismsc_publish::{BuildOptions, Output};

use crate::harness::{compile, repo, scratch};
use crate::pdf::text_of;

fn fixture() -> std::path::PathBuf {
    repo().join("tests/publish/branded")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("make folder");
    for entry in std::fs::read_dir(from).expect("read fixture").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}

/// A copy of the fixture whose `isms.toml` has `edit` applied.
fn variant(name: &str, edit: impl Fn(String) -> String) -> std::path::PathBuf {
    let dir = scratch(&format!("brand-{name}"));
    copy_dir(&fixture(), &dir);
    let manifest = dir.join("isms.toml");
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    std::fs::write(&manifest, edit(text)).expect("write manifest");
    dir
}

/// Every output file of a project, with no failure and no finding of the build.
fn build(dir: &Path, outputs: &[Output]) -> BTreeMap<String, Vec<u8>> {
    let analysis = compile(dir);
    assert!(
        !analysis.has_errors(),
        "{:?}",
        analysis
            .diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    );
    let options = BuildOptions {
        outputs: outputs.to_vec(),
        timestamp: None,
        history: None,
    };
    let built = ismsc_publish::build_with_progress(&analysis, &options, &()).expect("a standard");
    assert!(built.failed.is_empty(), "{:?}", built.failed);
    assert!(built.diagnostics.is_empty(), "{:?}", built.diagnostics);
    built
        .files
        .into_iter()
        .map(|f| (f.name, f.content))
        .collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn policies(files: &BTreeMap<String, Vec<u8>>) -> Vec<(&String, &Vec<u8>)> {
    files
        .iter()
        .filter(|(n, _)| {
            n.starts_with("pdf/")
                && !n.contains("soa")
                && !n.contains("risk")
                && !n.contains("audit")
                && !n.contains("review")
                && !n.contains("nonconformities")
        })
        .collect()
}

#[test]
fn branded_pdfs_embed_the_font_and_print_the_footer() {
    let files = build(&fixture(), &[Output::Pdf]);
    let pdfs: Vec<_> = files.iter().filter(|(n, _)| n.ends_with(".pdf")).collect();
    assert!(pdfs.len() >= 5, "{:?}", files.keys().collect::<Vec<_>>());
    for (name, pdf) in pdfs {
        // The body font, DejaVu Sans Mono, is embedded (a subset, `ABCDEF+DejaVuSansMono`);
        // the bundled body font is not needed at all.
        assert!(
            contains(pdf, b"+DejaVuSansMono"),
            "{name} does not embed the project's font"
        );
        assert!(
            !contains(pdf, b"LibertinusSerif"),
            "{name} still sets its text in the bundled font"
        );
        let text = text_of(name, pdf);
        assert!(text.contains("NorthwindLabs·Internal"), "{name}: no footer");
    }
    // Where the tools are installed, the font listing says so too.
    let dir = scratch("brand-pdffonts");
    let path = dir.join("policy.pdf");
    std::fs::write(&path, &files["pdf/infosec-policy.pdf"]).expect("write pdf");
    if let Ok(out) = std::process::Command::new("pdffonts").arg(&path).output() {
        let listing = String::from_utf8_lossy(&out.stdout);
        assert!(listing.contains("DejaVuSansMono"), "{listing}");
        assert!(
            listing
                .lines()
                .filter(|l| l.contains('+'))
                .all(|l| l.contains(" yes ")),
            "every font embedded: {listing}"
        );
    }
}

#[test]
fn a_png_logo_is_an_image_of_every_pdf_and_of_the_workbook() {
    let dir = variant("png", |t| t.replace("brand/logo.svg", "brand/logo.png"));
    let files = build(&dir, &[Output::Pdf, Output::Xlsx]);
    for (name, pdf) in files.iter().filter(|(n, _)| n.ends_with(".pdf")) {
        assert!(contains(pdf, b"/Subtype/Image"), "{name} shows no logo");
    }
    let xlsx = &files["soa.xlsx"];
    assert!(
        contains(xlsx, b"xl/media/image1.png"),
        "no logo on the cover"
    );
}

#[test]
fn the_site_shows_the_logo_the_colour_and_the_font() {
    let files = build(&fixture(), &[Output::Site]);
    let logo = std::fs::read(fixture().join("brand/logo.svg")).expect("logo");
    assert_eq!(files.get("site/brand/logo.svg"), Some(&logo));
    assert!(files.contains_key("site/brand/body.ttf"));
    let css = String::from_utf8_lossy(&files["site/style.css"]).into_owned();
    assert!(css.contains("--accent: #0b5fff;"), "{css}");
    assert!(css.contains("src: url(\"brand/body.ttf\")"), "{css}");
    for (name, page) in files.iter().filter(|(n, _)| n.ends_with(".html")) {
        let html = String::from_utf8_lossy(page);
        let depth = name.matches('/').count() - 1;
        let src = format!("src=\"{}brand/logo.svg\"", "../".repeat(depth));
        assert!(html.contains(&src), "{name} shows no logo");
        assert!(
            html.contains("Northwind Labs · Internal"),
            "{name}: no footer"
        );
        assert!(
            html.contains("font-src 'self'"),
            "{name}: the font is blocked"
        );
    }
}

#[test]
fn a_project_without_branding_keeps_the_default_look() {
    let dir = variant("plain", |_| "[project]\nname = \"plain\"\n".to_string());
    let files = build(&dir, &[Output::Site, Output::Pdf]);
    assert!(!files.keys().any(|n| n.contains("brand/")));
    let css = String::from_utf8_lossy(&files["site/style.css"]).into_owned();
    assert!(!css.contains("branding"));
    let policy = &files["pdf/infosec-policy.pdf"];
    assert!(contains(policy, b"LibertinusSerif"));
    assert!(!contains(policy, b"DejaVuSansMono"));
}

#[test]
fn branded_builds_are_byte_identical() {
    let outputs = [Output::Pdf, Output::Site, Output::Xlsx];
    assert_eq!(build(&fixture(), &outputs), build(&fixture(), &outputs));
}

#[test]
fn a_policy_template_of_the_project_makes_the_policy_pdfs() {
    let dir = variant("template", |t| {
        format!("{t}policy_template = \"templates/policy.typ\"\n")
    });
    let files = build(&dir, &[Output::Pdf]);
    for (name, pdf) in policies(&files) {
        let text = text_of(name, pdf);
        // Only the project's template prints this line.
        assert!(text.contains("NORTHWINDPOLICYHANDBOOK"), "{name}: {text}");
        assert!(contains(pdf, b"+DejaVuSansMono"), "{name}: font");
    }
    let policy = text_of("infosec", &files["pdf/infosec-policy.pdf"]);
    assert!(policy.contains("InformationSecurityPolicy"));
    assert!(policy.contains("RhysLlewellyn"), "the owner: {policy}");
    assert!(policy.contains("Merchantstrust"), "the body: {policy}");
    assert!(policy.contains("A.5.15"), "the covered controls");
    // The SoA is not a policy: the built-in document.
    let soa = text_of("soa", &files["pdf/soa.pdf"]);
    assert!(!soa.contains("NORTHWINDPOLICYHANDBOOK"));
    // And the template's output is deterministic.
    assert_eq!(files, build(&dir, &[Output::Pdf]));
}

#[test]
fn the_exported_template_is_the_fixtures_start() {
    let (code, out, _) = crate::cli::ismsc(&["template", "export", "policy"]);
    assert_eq!(code, 0);
    let fixture = std::fs::read_to_string(fixture().join("templates/policy.typ"))
        .expect("the fixture's template");
    // The fixture's template is the exported one with one line changed.
    assert_eq!(
        fixture.replace(
            "upper(\"Northwind \" + doc.kind + \" handbook\")",
            "upper(\"Information security \" + doc.kind)"
        ),
        out
    );
}

#[test]
fn the_example_of_docs_templates_md_typesets() {
    let page = std::fs::read_to_string(repo().join("docs/templates.md")).expect("the page");
    let start = page
        .find("```typ\n// templates/policy.typ")
        .expect("the complete example")
        + "```typ\n".len();
    let end = start + page[start..].find("```").expect("its end");
    let dir = variant("docs-example", |t| {
        format!("{t}policy_template = \"templates/policy.typ\"\n")
    });
    std::fs::write(dir.join("templates/policy.typ"), &page[start..end]).expect("write");
    let files = build(&dir, &[Output::Pdf]);
    let text = text_of("infosec", &files["pdf/infosec-policy.pdf"]);
    assert!(text.contains("Controlscovered"), "{text}");
    assert!(text.contains("RhysLlewellyn"), "{text}");
}

#[test]
fn soa_and_register_templates_make_those_pdfs() {
    let page = std::fs::read_to_string(repo().join("docs/templates.md")).expect("the page");
    let start = page
        .find("```typ\n// templates/soa.typ")
        .expect("the SoA example")
        + "```typ\n".len();
    let end = start + page[start..].find("```").expect("its end");
    let dir = variant("soa-template", |t| {
        format!("{t}soa_template = \"templates/soa.typ\"\nregister_template = \"templates/register.typ\"\n")
    });
    std::fs::write(dir.join("templates/soa.typ"), &page[start..end]).expect("write");
    std::fs::write(
        dir.join("templates/register.typ"),
        "#let register(doc) = [Custom register of #doc.organization: #doc.data.risks.len() risks, #doc.control.status. #for r in doc.data.risks [#r.id ]]\n",
    )
    .expect("write");
    let files = build(&dir, &[Output::Pdf]);
    let soa = text_of("soa", &files["pdf/soa.pdf"]);
    assert!(soa.contains("A.5.1Policiesforinformationsecurity"), "{soa}");
    let register = text_of("register", &files["pdf/risk-register.pdf"]);
    assert!(
        register.contains("CustomregisterofKilnAnalyticsLtd:9risks"),
        "{register}"
    );
    // The policies keep the built-in template.
    let policy = text_of("infosec", &files["pdf/infosec-policy.pdf"]);
    assert!(policy.contains("INFORMATIONSECURITYPOLICY"), "{policy}");
}

/// The findings of a build whose template fails.
fn template_errors(name: &str, template: &str) -> Vec<ismsc_core::diag::Diagnostic> {
    let dir = variant(name, |t| {
        format!("{t}policy_template = \"templates/policy.typ\"\n")
    });
    std::fs::write(dir.join("templates/policy.typ"), template).expect("write template");
    let analysis = compile(&dir);
    assert!(!analysis.has_errors());
    let options = BuildOptions {
        outputs: vec![Output::Pdf],
        timestamp: None,
        history: None,
    };
    let built = ismsc_publish::build_with_progress(&analysis, &options, &()).expect("a standard");
    assert!(built.failed.is_empty(), "{:?}", built.failed);
    assert!(!built
        .files
        .iter()
        .any(|f| f.name == "pdf/infosec-policy.pdf"));
    let names: Vec<String> = built
        .diagnostics
        .iter()
        .map(|d| analysis.sources.name(d.primary.span.file).to_string())
        .collect();
    assert!(names.iter().all(|n| n == &names[0]), "{names:?}");
    built.diagnostics
}

#[test]
fn a_template_error_points_into_the_template() {
    let found = template_errors(
        "template-error",
        "#let policy(doc) = {\n  text(doc.no_such_field)\n}\n",
    );
    assert_eq!(found.len(), 1, "shown once for all policies: {found:?}");
    let d = &found[0];
    assert_eq!(d.code, Code::E0015);
    assert!(d.message.contains("no_such_field"), "{}", d.message);
    // Line 2, where `doc.no_such_field` is.
    assert_eq!(
        d.primary.span.start as usize,
        "#let policy(doc) = {\n  text(doc.".len()
    );
}

#[test]
fn a_template_reads_nothing_outside_what_it_is_given() {
    for (name, template) in [
        ("read-outside", "#let policy(doc) = read(\"/etc/passwd\")\n"),
        ("read-inside", "#let policy(doc) = read(\"/isms.toml\")\n"),
        ("no-function", "#let other(doc) = []\n"),
    ] {
        let found = template_errors(name, template);
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(found[0].code, Code::E0015);
    }
}

#[test]
fn a_font_the_typesetter_cannot_read_is_reported() {
    let dir = variant("broken-font", |t| t);
    // A TrueType signature and nothing behind it.
    let mut bytes = b"\x00\x01\x00\x00".to_vec();
    bytes.extend([0u8; 64]);
    std::fs::write(dir.join("brand/Body.ttf"), bytes).expect("write font");
    let analysis = compile(&dir);
    let options = BuildOptions {
        outputs: vec![Output::Pdf],
        timestamp: None,
        history: None,
    };
    let built = ismsc_publish::build_with_progress(&analysis, &options, &()).expect("a standard");
    assert_eq!(
        built.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(),
        [Code::E0015]
    );
}

#[test]
fn brand_files_are_read_inside_the_project_only() {
    let dir = variant("outside", |t| t);
    let outside = scratch("brand-outside-target");
    std::fs::write(outside.join("logo.svg"), "<svg/>").expect("write");
    std::fs::remove_file(dir.join("brand/logo.svg")).expect("remove logo");
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.join("logo.svg"), dir.join("brand/logo.svg")).expect("link");
    let analysis = compile(&dir);
    let found: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::E0015)
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].message.contains("outside") || found[0].message.contains("does not exist"),
        "{}",
        found[0].message
    );
}

/// A part of a Word package, as text (empty when the package has no such part).
fn docx_part(docx: &[u8], name: &str) -> String {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(docx)) else {
        panic!("not a zip package");
    };
    let Ok(mut file) = zip.by_name(name) else {
        return String::new();
    };
    let mut text = String::new();
    std::io::Read::read_to_string(&mut file, &mut text).expect("UTF-8 part");
    text
}

#[test]
fn word_documents_carry_the_colour_the_footer_and_a_png_logo() {
    let dir = variant("docx-png", |t| {
        t.replace("brand/logo.svg", "brand/logo.png")
    });
    let files = build(&dir, &[Output::Docx]);
    let docs: Vec<_> = files
        .iter()
        .filter(|(n, _)| n.starts_with("docx/"))
        .collect();
    assert!(!docs.is_empty(), "no Word files: {:?}", files.keys());
    let logo = std::fs::read(dir.join("brand/logo.png")).expect("logo");
    for (name, docx) in docs {
        let styles = docx_part(docx, "word/styles.xml");
        assert!(
            styles.contains("w:val=\"0B5FFF\""),
            "{name}: no accent colour"
        );
        assert!(
            !styles.contains("1F3864"),
            "{name}: the default colour is left"
        );
        let footer = docx_part(docx, "word/footer1.xml");
        assert!(
            footer.contains("Northwind Labs · Internal"),
            "{name}: {footer}"
        );
        let document = docx_part(docx, "word/document.xml");
        assert!(document.contains("<w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>"));
        assert!(document.contains("<w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/>"));
        let header = docx_part(docx, "word/header1.xml");
        assert!(header.contains("r:embed=\"rIdLogo\""), "{name}: {header}");
        assert!(
            roxmltree::Document::parse(&header).is_ok(),
            "{name}: header XML"
        );
        assert!(
            roxmltree::Document::parse(&footer).is_ok(),
            "{name}: footer XML"
        );
        let rels = docx_part(docx, "word/_rels/header1.xml.rels");
        assert!(rels.contains("media/logo.png"), "{name}: {rels}");
        let types = docx_part(docx, "[Content_Types].xml");
        assert!(types.contains("/word/header1.xml") && types.contains("/word/footer1.xml"));
        let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(docx.as_slice())) else {
            panic!("{name}: not a zip");
        };
        let mut bytes = Vec::new();
        let mut media = zip.by_name("word/media/logo.png").expect("the logo's part");
        std::io::Read::read_to_end(&mut media, &mut bytes).expect("logo bytes");
        assert_eq!(bytes, logo, "{name}: the logo is not the project's");
    }
    // An SVG logo has no place in a Word file without a PNG beside it: left out; the colour
    // and the footer stay. A project without [publish] gets none of it.
    let svg = build(&fixture(), &[Output::Docx]);
    for (name, docx) in svg.iter().filter(|(n, _)| n.starts_with("docx/")) {
        assert!(docx_part(docx, "word/header1.xml").is_empty(), "{name}");
        assert!(!docx_part(docx, "word/footer1.xml").is_empty(), "{name}");
    }
    let plain = variant("docx-plain", |_| {
        "[project]\nname = \"plain\"\n".to_string()
    });
    for (name, docx) in build(&plain, &[Output::Docx])
        .iter()
        .filter(|(n, _)| n.starts_with("docx/"))
    {
        assert!(
            docx_part(docx, "word/styles.xml").contains("1F3864"),
            "{name}"
        );
        assert!(docx_part(docx, "word/footer1.xml").is_empty(), "{name}");
        assert!(!docx_part(docx, "word/document.xml").contains("headerReference"));
    }
}
