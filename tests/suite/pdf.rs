//! `pdf/`: the PDFs of the policies, the SoA and the risk register, typeset in-process. Their
//! text is extracted again to prove what they say; user text must print literally.

use std::collections::BTreeMap;

use ismsc_core::Analysis;
use ismsc_publish::{BuildOptions, Output};

use crate::harness;

fn pdf_options() -> BuildOptions {
    BuildOptions {
        outputs: vec![Output::Pdf],
        timestamp: None,
        history: None,
    }
}

/// The PDFs of a project by file name, and no error.
fn pdfs(analysis: &Analysis) -> BTreeMap<String, Vec<u8>> {
    let options = pdf_options();
    let built = ismsc_publish::build_with_progress(analysis, &options, &()).expect("a standard");
    assert!(built.failed.is_empty(), "{:?}", built.failed);
    built
        .files
        .into_iter()
        .map(|f| (f.name, f.content))
        .collect()
}

/// The text of a PDF, with all white space removed (line breaks and justification make the
/// extracted spacing unreliable).
pub fn text_of(name: &str, pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "{name} is not a PDF");
    let text = pdf_extract::extract_text_from_mem(pdf)
        .unwrap_or_else(|e| panic!("{name}: no text extracted: {e}"));
    squash(&text)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Like [`squash`], also without hyphens, which justified text may add at line ends.
fn squash_words(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{ad}' && *c != '‐')
        .collect()
}

/// The lines of running text of a policy's markdown: those that start with a capital letter
/// and hold no markup or typographic quotes, which the typesetter may render differently.
fn plain_lines(md: &str) -> Vec<String> {
    md.lines()
        .map(str::trim)
        .filter(|l| {
            l.len() > 20
                && l.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && !l.contains(['*', '`', '[', '_', '|', '"', '\'', '<', '\\'])
                && !l.contains("--")
                && !l.contains("...")
        })
        .map(String::from)
        .collect()
}

#[test]
fn acme_pdfs_show_the_policies_soa_and_risk_register() {
    let root = harness::repo().join("examples/acme");
    let analysis = harness::compile(&root);
    let files = pdfs(&analysis);

    // Byte-identical across builds.
    let again = pdfs(&analysis);
    assert!(files == again, "two PDF builds of acme differ");

    let model = &analysis.model;
    let policies: Vec<_> = model
        .of_kind(ismsc_core::model::Kind::Policy)
        .map(|(_, e)| e)
        .collect();
    // The policies, the SoA, the risk register, the treatment plan, the audit programme, the
    // nonconformity register and the minutes of each management review.
    let reviews = model.of_kind(ismsc_core::model::Kind::Review).count();
    assert_eq!(
        files.len(),
        policies.len() + 5 + reviews,
        "{:?}",
        files.keys()
    );
    for e in policies {
        let name = format!("pdf/{}.pdf", e.id);
        let pdf = files.get(&name).unwrap_or_else(|| panic!("no {name}"));
        let text = text_of(&name, pdf);
        let ismsc_core::model::Data::Policy(p) = &e.data else {
            panic!("{} is not a policy", e.id)
        };
        let title = e.title.as_deref().unwrap_or(&e.id);
        assert!(text.contains(&squash(title)), "{name} lacks its title");
        let owner = p
            .owner
            .as_ref()
            .and_then(|o| model.target(o))
            .map(|o| o.display().to_string())
            .unwrap_or_else(|| panic!("{name} has no owner"));
        assert!(
            text.contains(&squash(&owner)),
            "{name} lacks its owner {owner}"
        );
        assert!(
            text.contains("Documentcontrol"),
            "{name} lacks document control"
        );
        assert!(
            text.contains("AnnexAcontrolscovered"),
            "{name} lacks its controls"
        );
        for q in &p.covers {
            assert!(text.contains(&q.id), "{name} lacks {}", q.id);
        }
        let md = &p
            .text
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no text"))
            .content;
        // Every line of running text of the policy is in its PDF.
        let lines = plain_lines(md);
        assert!(lines.len() >= 3, "{name}: only {} plain lines", lines.len());
        let words = squash_words(&text);
        for line in lines {
            assert!(
                words.contains(&squash_words(&line)),
                "{name} lacks the line {line:?}"
            );
        }
    }

    let soa = text_of("soa.pdf", &files["pdf/soa.pdf"]);
    for id in [
        "StatementofApplicability",
        "A.5.1",
        "A.8.34",
        "AcmeCloudGmbH",
    ] {
        assert!(soa.contains(id), "soa.pdf lacks {id}");
    }
    let risks = text_of("risk-register.pdf", &files["pdf/risk-register.pdf"]);
    // The title its `document risk-register` item gives it.
    assert!(
        risks.contains("Riskassessmentreportandriskregister"),
        "risk-register.pdf lacks its title"
    );
    for (_, r) in model.of_kind(ismsc_core::model::Kind::Risk) {
        assert!(risks.contains(&r.id), "risk-register.pdf lacks {}", r.id);
    }
    // The treatment plan is a document of its own: every open action is named in it, with
    // its due date; the implemented treating controls are summarised apart.
    let plan_text = text_of(
        "risk-treatment-plan.pdf",
        &files["pdf/risk-treatment-plan.pdf"],
    );
    assert!(plan_text.contains("Risktreatmentplan"));
    let plan = ismsc_core::emit::Docs::new(&analysis).plan;
    assert!(!plan.open_actions.is_empty());
    for a in &plan.open_actions {
        assert!(
            plan_text.contains(&squash(&a.control)),
            "the plan lacks {}",
            a.control
        );
        if let Some(due) = &a.due {
            assert!(plan_text.contains(due), "the plan lacks the due date {due}");
        }
    }
    for c in &plan.implemented {
        assert!(
            plan_text.contains(&squash(&c.control)),
            "the plan lacks the implemented {}",
            c.control
        );
    }
}

#[test]
fn user_text_prints_literally() {
    let analysis = harness::compile_text(
        "main.isms",
        r####"
person ciso "Dana <b>Weber</b>" { role = "CISO #1 $x$ *b* _i_ @r <l> \\ `c` = end" }

policy hostile "<script>alert(1)</script>" {
  owner    = ciso
  approved = ciso @ 2026-02-01
  version  = "=1+1"
  review   = 12mo
  text     = """
    # Heading *not* #emph

    Cells start =HYPERLINK("x") and #set page(width: 1cm) #{1+1} $a^2$ 2 * 3 a_b_c @ref <tag> back\slash and `#raw` end.

    <script>alert(2)</script>

    - item with #hash
    """
}
"####,
    );
    let files = pdfs(&analysis);
    let pdf = &files["pdf/hostile.pdf"];
    let text = text_of("hostile.pdf", pdf);
    for literal in [
        "<script>alert(1)</script>",
        "<script>alert(2)</script>",
        "Dana<b>Weber</b>",
        "CISO#1$x$*b*_i_@r<l>\\`c`=end",
        "=1+1",
        "=HYPERLINK(\"x\")",
        "#setpage(width:1cm)",
        "#{1+1}",
        "$a^2$",
        "2*3",
        "a_b_c",
        "@ref",
        "<tag>",
        "back\\slash",
        "#raw",
        "#hash",
    ] {
        assert!(
            text.contains(&squash(literal)),
            "{literal:?} not printed literally in {text}"
        );
    }
}

#[test]
fn a_procedure_is_published_as_a_pdf_and_a_page_that_name_its_kind() {
    let root = harness::repo().join("examples/acme");
    let analysis = harness::compile(&root);
    let files = pdfs(&analysis);
    let text = text_of(
        "incident-response-runbook.pdf",
        &files["pdf/incident-response-runbook.pdf"],
    );
    for expected in [
        "INFORMATIONSECURITYPROCEDURE",
        "SecurityIncidentResponseProcedure",
        "ProcedureSecurityIncidentResponseProcedure",
        "ParentpolicyIncidentManagementPolicy(incident-management)",
        "2.Triage(within30minutes)",
    ] {
        assert!(
            text.to_uppercase().contains(&expected.to_uppercase()),
            "the procedure's PDF lacks {expected}: {text}"
        );
    }
    assert!(!text.contains("thispolicy"), "{text}");
    let site = ismsc_publish::build(
        &analysis,
        &BuildOptions {
            outputs: vec![Output::Site],
            timestamp: None,
            history: None,
        },
    )
    .expect("a build");
    let page = site
        .iter()
        .find(|f| f.name == "site/policies/crypto-standard.html")
        .expect("a page for the standard");
    let html = String::from_utf8_lossy(&page.content);
    assert!(
        html.contains("Standard · <code>crypto-standard</code>"),
        "{html}"
    );
    assert!(html.contains("Cryptographic Standard"));
    assert!(html.contains("Argon2id"));
}
