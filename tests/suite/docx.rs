//! `docx/`: every policy, procedure, standard and guideline as a Word document. The files
//! are opened again (zip, then `word/document.xml` parsed as XML) to prove what they say.

use std::collections::BTreeMap;
use std::io::Read;

use ismsc_core::model::Kind;
use ismsc_core::Analysis;
use ismsc_publish::{BuildOptions, Output};

use crate::harness;

fn docx_options(timestamp: Option<&str>) -> BuildOptions {
    BuildOptions {
        outputs: vec![Output::Docx],
        timestamp: timestamp.map(str::to_string),
        history: None,
    }
}

/// The Word documents of a project by file name.
fn docxs(analysis: &Analysis, timestamp: Option<&str>) -> BTreeMap<String, Vec<u8>> {
    let built = ismsc_publish::build_with_progress(analysis, &docx_options(timestamp), &())
        .expect("a build");
    built
        .files
        .into_iter()
        .map(|f| (f.name, f.content))
        .collect()
}

/// One part of a Word document.
fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip package");
    let mut file = zip.by_name(name).unwrap_or_else(|_| panic!("no {name}"));
    let mut text = String::new();
    file.read_to_string(&mut text).expect("UTF-8");
    text
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A paragraph read back: its style (empty for Normal) and its text.
#[derive(Debug)]
struct Para {
    style: String,
    text: String,
}

/// The text of an element: its `w:t`, with `w:tab` and `w:br` as a space.
fn text_of(node: roxmltree::Node) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if d.tag_name().namespace() != Some(W) {
            continue;
        }
        match d.tag_name().name() {
            "t" => out.push_str(d.text().unwrap_or("")),
            "tab" | "br" => out.push(' '),
            _ => {}
        }
    }
    out
}

/// The body's paragraphs outside tables, and its tables as rows of cell texts.
fn read(document: &str) -> (Vec<Para>, Vec<Vec<Vec<String>>>) {
    let doc = roxmltree::Document::parse(document).expect("well-formed XML");
    let body = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "body")))
        .expect("a body");
    let mut paras = Vec::new();
    let mut tables = Vec::new();
    for n in body.children() {
        if n.has_tag_name((W, "p")) {
            let style = n
                .descendants()
                .find(|d| d.has_tag_name((W, "pStyle")))
                .and_then(|d| d.attribute((W, "val")))
                .unwrap_or("")
                .to_string();
            paras.push(Para {
                style,
                text: text_of(n),
            });
        } else if n.has_tag_name((W, "tbl")) {
            let rows = n
                .children()
                .filter(|r| r.has_tag_name((W, "tr")))
                .map(|r| {
                    r.children()
                        .filter(|c| c.has_tag_name((W, "tc")))
                        .map(text_of)
                        .collect()
                })
                .collect();
            tables.push(rows);
        }
    }
    (paras, tables)
}

fn styled<'a>(paras: &'a [Para], style: &str) -> Vec<&'a str> {
    paras
        .iter()
        .filter(|p| p.style == style)
        .map(|p| p.text.as_str())
        .collect()
}

#[test]
fn a_procedure_reads_back_as_written() {
    let analysis = harness::compile(&harness::repo().join("examples/acme"));
    let files = docxs(&analysis, None);
    // One document per policy, procedure, standard and guideline, and nothing else.
    let ids: Vec<String> = analysis
        .model
        .of_kind(Kind::Policy)
        .map(|(_, e)| format!("docx/{}.docx", e.id))
        .collect();
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), {
        let mut ids = ids.clone();
        ids.sort();
        ids
    });

    let docx = &files["docx/incident-response-runbook.docx"];
    let (paras, tables) = read(&part(docx, "word/document.xml"));
    assert_eq!(
        styled(&paras, "Title"),
        ["Security Incident Response Procedure"]
    );
    assert!(styled(&paras, "Subtitle").contains(&"Information security procedure · Version 1.3"));
    let h1 = styled(&paras, "Heading1");
    for h in [
        "Document control",
        "1. Purpose",
        "2. Triage (within 30 minutes)",
        "3. Containment and evidence",
        "5. Closure",
        "Annex A controls covered",
    ] {
        assert!(h1.contains(&h), "no Heading 1 {h:?} in {h1:?}");
    }
    // The markdown's own title is the document's Title, not repeated as a heading.
    assert!(!h1.contains(&"Security Incident Response Procedure"));
    let items = styled(&paras, "ListParagraph");
    assert!(
        items.contains(
            &"Acknowledge the report in the #security-report channel or the paging tool."
        ),
        "{items:?}"
    );
    assert!(items
        .iter()
        .any(|i| i.starts_with("Preserve evidence before changing systems")));
    assert!(paras.iter().any(|p| p.style.is_empty()
        && p.text
            .starts_with("This procedure sets out the steps the on-call security engineer")));

    // The document-control table, as the item says.
    let control = &tables[0];
    let row = |k: &str| {
        control
            .iter()
            .find(|r| r.first().map(String::as_str) == Some(k))
            .and_then(|r| r.get(1).cloned())
            .unwrap_or_else(|| panic!("no row {k}"))
    };
    assert_eq!(row("Procedure"), "Security Incident Response Procedure");
    assert_eq!(row("Document ID"), "incident-response-runbook");
    assert_eq!(row("Owner"), "Security Team");
    assert!(row("Approved by").starts_with("Dana Weber"));
    assert_eq!(row("Approval date"), "2026-05-18");
    assert_eq!(row("Version"), "1.3");
    assert_eq!(row("Classification"), "internal");
    assert_eq!(row("Effective date"), "2026-05-18");
    assert_eq!(row("Next review"), "2027-05-18");
    assert_eq!(
        row("Parent policy"),
        "Incident Management Policy (incident-management)"
    );
    // The markdown table, header first.
    let severity = &tables[1];
    assert_eq!(
        severity[0],
        [
            "Severity",
            "Example",
            "Incident commander",
            "Update cadence"
        ]
    );
    assert_eq!(
        severity[1],
        [
            "SEV1",
            "Customer data exposed or platform down",
            "CISO",
            "Every 30 minutes"
        ]
    );
    // The Annex A controls covered.
    let covered = tables.last().expect("a table of controls");
    assert_eq!(covered.len(), 6, "a header and five controls");

    // Emphasis, strong text and the link survive.
    let xml = part(docx, "word/document.xml");
    assert!(xml.contains("<w:b/></w:rPr><w:t xml:space=\"preserve\">before</w:t>"));
    assert!(
        xml.contains("<w:i/></w:rPr><w:t xml:space=\"preserve\">Incident Management Policy</w:t>")
    );
    assert!(xml.contains("<w:hyperlink r:id=\"rIdLink0\""));
    let rels = part(docx, "word/_rels/document.xml.rels");
    assert!(rels.contains(
        "Id=\"rIdLink0\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink\" Target=\"https://wiki.acme.example/security/forensics\" TargetMode=\"External\""
    ));
    // Word's built-in styles, by their built-in names, so a template restyles them.
    let styles = part(docx, "word/styles.xml");
    for name in [
        "Title",
        "heading 1",
        "heading 2",
        "heading 3",
        "List Paragraph",
        "Table Grid",
    ] {
        assert!(
            styles.contains(&format!("<w:name w:val=\"{name}\"/>")),
            "{name}"
        );
    }
    // Numbered lists restart at their own start.
    let numbering = part(docx, "word/numbering.xml");
    assert!(numbering.contains("<w:startOverride w:val=\"1\"/>"));
    // Fixed document properties: no date from the clock.
    let core = part(docx, "docProps/core.xml");
    assert!(core.contains("<dc:title>Security Incident Response Procedure</dc:title>"));
    assert!(!core.contains("dcterms:created"));
}

#[test]
fn word_documents_are_byte_identical_across_builds_and_only_on_request() {
    let analysis = harness::compile(&harness::repo().join("examples/acme"));
    assert_eq!(docxs(&analysis, None), docxs(&analysis, None));
    // A time stamp is printed when asked for.
    let stamped = docxs(&analysis, Some("2026-11-22 10:00 UTC"));
    let (paras, _) = read(&part(
        &stamped["docx/crypto-standard.docx"],
        "word/document.xml",
    ));
    assert!(paras
        .iter()
        .any(|p| p.text == "Generated 2026-11-22 10:00 UTC"));
    // The default build writes no Word documents.
    let built = ismsc_publish::build(&analysis, &BuildOptions::default()).expect("a build");
    assert!(built.iter().all(|f| !f.name.starts_with("docx/")));
}

#[test]
fn hostile_text_cannot_break_the_xml() {
    let analysis = harness::compile_text(
        "main.isms",
        "person ciso \"Dana <b>&amp; Weber\" { role = \"CISO ]]> \u{1} x\" }\n\
         procedure hostile \"<w:p>a & b</w:p> \u{0}\u{b}\u{ffff}\" {\n  \
           owner    = ciso\n  \
           approved = ciso @ 2026-02-01\n  \
           version  = \"<1&2>\"\n  \
           review   = 12mo\n  \
           text     = \"\"\"\n    \
             ## Part <one> & \"two\"\n\n    \
             Text with </w:t></w:r> and &lt; and a [link](https://example.com/?a=1&b=<2>) and \u{7}bell.\n\n    \
             | <a> | & |\n    \
             |---|---|\n    \
             | ]]> | '\"' |\n    \
             \"\"\"\n\
         }\n",
    );
    let files = docxs(&analysis, None);
    let docx = &files["docx/hostile.docx"];
    for name in [
        "word/document.xml",
        "word/_rels/document.xml.rels",
        "docProps/core.xml",
        "word/numbering.xml",
    ] {
        let xml = part(docx, name);
        roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}\n{xml}"));
    }
    let (paras, tables) = read(&part(docx, "word/document.xml"));
    let all: String = paras.iter().map(|p| format!("{}\n", p.text)).collect();
    assert!(all.contains("Part <one> & \"two\""), "{all}");
    // `&lt;` is markdown for `<`; control characters show as their stand-ins.
    assert!(
        all.contains("Text with </w:t></w:r> and < and a link and ␇bell."),
        "{all}"
    );
    assert!(all.contains("<w:p>a & b</w:p> ␀␋"), "{all}");
    assert!(tables
        .iter()
        .any(|t| t.iter().any(|r| r.contains(&"<1&2>".to_string()))));
    assert!(tables
        .iter()
        .any(|t| t.first() == Some(&vec!["<a>".to_string(), "&".to_string()])));
}
