//! Document history from git, on a repository built in the test: each policy's revisions are
//! the commits that changed its text file or its item (not those that only reformatted it or
//! touched another policy), with the version as committed; the SoA's and the register's are
//! the commits of their sources; newest first, bounded; shown on the site and in the PDFs;
//! absent outside git and with `--no-history`; deterministic.

use std::collections::BTreeMap;
use std::path::Path;

use ismsc_core::history::{self, Revision};

use crate::cli::ismsc;
use crate::harness::{compile, git_as, have_git, path_str, scratch, tree};

const DATE: &str = "2026-11-22";

const ISMS: &str = r#"isms "History ISMS" {
  organization = "History Ltd"
  standard     = hist:1
  owner        = ciso
}

framework hist:1 "History control set" {
  group all "All" {
    requirement H.1 "Policies" { control_type = [preventive] }
    requirement H.2 "Access" { control_type = [preventive] }
  }
}

person ciso "Dana Weber" { role = "CISO" }

asset laptops "Laptops" { type = hardware  owner = ciso  classification = internal }

scope {
  description = "All of History Ltd."
  includes    = [laptops]
}

context {
  issues         = ["Customers ask for evidence"]
  climate_change = "Not relevant: no premises"
}

objective evidence "Evidence for customers" {
  owner   = ciso
  measure = "Questionnaires answered"
  target  = "All"
}
"#;

const CONTROLS: &str = r#"control policy-set "Policy set" {
  satisfies = [H.1]
  owner     = ciso
  status    = implemented
}

control access-reviews "Access reviews" {
  satisfies = [H.2]
  owner     = ciso
  status    = implemented
}
"#;

const RISKS: &str = r#"risk_method {
  likelihood         = scale { low = 1, high = 3 }
  impact             = scale { low = 1, high = 3 }
  accept_at_or_below = 3
}

risk R-1 "Phishing" {
  owner      = ciso
  likelihood = high
  impact     = high
  treatment  = mitigate
  controls   = [policy-set, access-reviews]
  residual   { likelihood = low  impact = high }
}
"#;

fn policies(version: &str, approved: &str, comment: &str) -> String {
    format!(
        r#"policy infosec "Information Security Policy" {{
  owner    = ciso{comment}
  approved = ciso @ {approved}
  version  = "{version}"
  review   = 12mo
  covers   = [H.1]
  text     = "We protect information."
}}

policy access "Access Policy" {{
  owner    = ciso
  approved = ciso @ 2026-01-10
  version  = "1.0"
  review   = 12mo
  covers   = [H.2]
  text     = file("policies/access.md")
}}
"#
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// A repository with the project in `compliance/isms` and five commits; returns the project.
fn repository(name: &str) -> Option<std::path::PathBuf> {
    let root = scratch(name);
    let project = root.join("compliance/isms");
    let commit = |message: &str, author: &str, date: &str| {
        assert!(git_as(&root, &["add", "-A"], author, date));
        assert!(git_as(
            &root,
            &["commit", "-q", "-m", message],
            author,
            date
        ));
    };
    if !git_as(&root, &["init", "-q"], "x", "2026-01-01T00:00:00Z") {
        return None;
    }
    write(&project, "isms.toml", "[project]\nname = \"history\"\n");
    write(&project, "isms.isms", ISMS);
    write(&project, "controls.isms", CONTROLS);
    write(&project, "risks.isms", RISKS);
    write(
        &project,
        "policies.isms",
        &policies("1.0", "2026-01-10", ""),
    );
    write(
        &project,
        "policies/access.md",
        "# Access Policy\n\nAccess on need to know.\n",
    );
    commit("Set up the ISMS", "Dana Weber", "2026-01-10T09:00:00Z");
    write(
        &project,
        "policies/access.md",
        "# Access Policy\n\nAccess on need to know, reviewed every quarter.\n",
    );
    commit(
        "Reword the access policy",
        "Ola Berg",
        "2026-03-02T09:00:00Z",
    );
    write(
        &project,
        "policies.isms",
        &policies("1.1", "2026-04-01", ""),
    );
    commit(
        "Approve the information security policy 1.1",
        "Dana Weber",
        "2026-04-01T09:00:00Z",
    );
    // A comment and blanks only: no revision of the policy.
    write(
        &project,
        "policies.isms",
        &policies("1.1", "2026-04-01", " // the CISO owns it")
            .replace("  review   = 12mo", "  review = 12mo"),
    );
    commit(
        "Explain the owner in a comment",
        "Ola Berg",
        "2026-05-05T09:00:00Z",
    );
    write(
        &project,
        "risks.isms",
        &RISKS.replace(
            "residual   { likelihood = low  impact = high }",
            "residual   { likelihood = low  impact = low }",
        ),
    );
    commit(
        "Lower the residual risk of R-1",
        "Ola Berg",
        "2026-06-06T09:00:00Z",
    );
    Some(project)
}

fn summaries(revs: &[Revision]) -> Vec<(&str, Option<&str>)> {
    revs.iter()
        .map(|r| (r.summary.as_str(), r.version.as_deref()))
        .collect()
}

#[test]
fn revisions_come_from_the_commits_of_each_document() {
    if !have_git("revisions_come_from_the_commits_of_each_document") {
        return;
    }
    let Some(project) = repository("history-revisions") else {
        println!("skipped: `git init` failed");
        return;
    };
    let analysis = compile(&project);
    assert!(
        !analysis.has_errors(),
        "{}",
        crate::harness::render(&analysis)
    );
    let h = history::of_project(&project, &analysis, history::Options { limit: 10 })
        .expect("a history inside git");
    assert_eq!(
        summaries(h.policy("infosec")),
        [
            ("Approve the information security policy 1.1", Some("1.1")),
            ("Set up the ISMS", Some("1.0")),
        ]
    );
    assert_eq!(
        summaries(h.policy("access")),
        [
            ("Reword the access policy", Some("1.0")),
            ("Set up the ISMS", Some("1.0")),
        ]
    );
    let first = &h.policy("access")[0];
    assert_eq!(first.author, "Ola Berg");
    assert_eq!(first.date, "2026-03-02");
    assert_eq!(first.commit.len(), 7);
    let soa: Vec<&str> = h.soa.iter().map(|r| r.summary.as_str()).collect();
    assert_eq!(soa, ["Set up the ISMS"]);
    let register: Vec<&str> = h.register.iter().map(|r| r.summary.as_str()).collect();
    assert_eq!(
        register,
        ["Lower the residual risk of R-1", "Set up the ISMS"]
    );
    // Bounded to the last N.
    let one =
        history::of_project(&project, &analysis, history::Options { limit: 1 }).expect("history");
    assert_eq!(summaries(one.policy("infosec")).len(), 1);
    assert_eq!(one.register.len(), 1);
    assert_eq!(one.register[0].summary, "Lower the residual risk of R-1");
}

fn site_and_pdfs(project: &Path, out: &Path, extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut args = vec![
        "build".to_string(),
        path_str(project),
        "--out".into(),
        path_str(out),
        "--format".into(),
        "site,pdf".into(),
        "--today".into(),
        DATE.into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = ismsc(&refs);
    assert_eq!(code, 0, "{err}");
    tree(out)
}

#[test]
fn the_site_and_the_pdfs_show_the_revision_tables() {
    if !have_git("the_site_and_the_pdfs_show_the_revision_tables") {
        return;
    }
    let Some(project) = repository("history-build") else {
        return;
    };
    let dir = project
        .parent()
        .and_then(Path::parent)
        .expect("root")
        .join("out");
    let a = site_and_pdfs(&project, &dir.join("a"), &[]);
    let b = site_and_pdfs(&project, &dir.join("b"), &[]);
    assert_eq!(a, b, "two builds of one commit differ");
    let page = String::from_utf8(a["site/policies/infosec.html"].clone()).expect("UTF-8");
    assert!(page.contains("<h2>Revision history</h2>"), "{page}");
    assert!(page.contains("Approve the information security policy 1.1"));
    assert!(!page.contains("Explain the owner in a comment"));
    for name in ["site/soa.html", "site/risks.html"] {
        let page = String::from_utf8(a[name].clone()).expect("UTF-8");
        assert!(page.contains("id=\"history\""), "{name}");
    }
    let risks = String::from_utf8(a["site/risks.html"].clone()).expect("UTF-8");
    assert!(risks.contains("Lower the residual risk of R-1"));
    let pdf = crate::pdf::text_of("infosec.pdf", &a["pdf/infosec.pdf"]);
    assert!(pdf.contains("Revisionhistory"), "{pdf}");
    assert!(
        pdf.contains("Approvetheinformationsecuritypolicy1.1"),
        "{pdf}"
    );
    let register = crate::pdf::text_of("risk-register.pdf", &a["pdf/risk-register.pdf"]);
    assert!(register.contains("LowertheresidualriskofR-1"), "{register}");

    // `--no-history`, and a copy outside git: no tables, no error.
    let none = site_and_pdfs(&project, &dir.join("c"), &["--no-history"]);
    let page = String::from_utf8(none["site/policies/infosec.html"].clone()).expect("UTF-8");
    assert!(!page.contains("Revision history"));
    let outside = scratch("history-outside");
    for (name, content) in tree(&project) {
        write(&outside, &name, &String::from_utf8(content).expect("UTF-8"));
    }
    let plain = site_and_pdfs(&outside, &dir.join("d"), &[]);
    assert_eq!(
        plain, none,
        "outside git the build is the one without history"
    );
}
