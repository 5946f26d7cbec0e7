//! The static HTML site (`site/`): every relative link resolves, one page per policy with its
//! text, user text is escaped and never becomes script, builds are byte-identical, and a small
//! page is pinned in a snapshot.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ismsc_core::emit;
use ismsc_core::model::{Data, Kind};
use ismsc_core::{analyze, Analysis, Input};
use ismsc_publish::{site, BuildOptions, Output};

use crate::harness::{compile, options, repo};

/// The site of a project as `name → text`, names with the `site/` prefix.
fn site_of(analysis: &Analysis, timestamp: Option<&str>) -> BTreeMap<String, String> {
    let options = BuildOptions {
        outputs: vec![Output::Site],
        timestamp: timestamp.map(String::from),
        history: None,
    };
    ismsc_publish::build(analysis, &options)
        .expect("the build has files")
        .into_iter()
        .map(|f| {
            let text = String::from_utf8(f.content).expect("the site is UTF-8");
            (f.name, text)
        })
        .collect()
}

fn acme() -> Analysis {
    let input = Input::from_dir(&repo().join("examples/acme"));
    analyze(input, &options())
}

/// The values of every `href="…"` and `src="…"` attribute of a page.
fn targets(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// Joins a relative link to the folder of the page that holds it (`site/policies/x.html`).
fn resolve(page: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Every relative link of every page names a file of the build, and its `#fragment` an id of
/// that page.
fn assert_links_resolve(files: &BTreeMap<String, String>) {
    let mut checked = 0;
    for (page, html) in files.iter().filter(|(n, _)| n.ends_with(".html")) {
        for link in targets(html) {
            let lower = link.to_ascii_lowercase();
            if lower.starts_with("http:")
                || lower.starts_with("https:")
                || lower.starts_with("mailto:")
            {
                continue;
            }
            assert!(
                !lower.contains(':'),
                "{page}: link `{link}` has a scheme the site does not use"
            );
            let (path, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link.as_str(), None),
            };
            let target = if path.is_empty() {
                page.clone()
            } else {
                resolve(page, path).unwrap_or_else(|| panic!("{page}: `{link}` leaves the output"))
            };
            let text = files.get(&target).unwrap_or_else(|| {
                panic!("{page}: `{link}` names `{target}`, which the build does not write")
            });
            if let Some(f) = fragment {
                assert!(
                    text.contains(&format!(" id=\"{f}\"")),
                    "{page}: `{link}`: `{target}` has no element with id `{f}`"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn every_internal_link_of_acme_resolves() {
    let files = site_of(&acme(), None);
    for page in [
        "site/index.html",
        "site/scope.html",
        "site/policies/index.html",
        "site/controls.html",
        "site/risks.html",
        "site/soa.html",
        "site/traceability.html",
        "site/style.css",
    ] {
        assert!(files.contains_key(page), "no {page}");
    }
    assert_links_resolve(&files);
}

#[test]
fn every_page_links_every_other_in_the_nav_bar() {
    let files = site_of(&acme(), None);
    for (page, html) in files.iter().filter(|(n, _)| n.ends_with(".html")) {
        let root = if page.starts_with("site/policies/") || page.starts_with("site/frameworks/") {
            "../"
        } else {
            ""
        };
        for target in [
            "index.html",
            "scope.html",
            "policies/index.html",
            "controls.html",
            "risks.html",
            "soa.html",
            // acme opts into frameworks.
            "frameworks/index.html",
            "traceability.html",
        ] {
            assert!(
                html.contains(&format!("href=\"{root}{target}\"")),
                "{page} does not link {target}"
            );
        }
        assert!(
            html.contains(&format!("href=\"{root}style.css\"")),
            "{page}"
        );
        assert_eq!(html.matches("aria-current=\"page\"").count(), 1, "{page}");
    }
}

#[test]
fn one_page_per_policy_with_its_text() {
    let analysis = acme();
    let files = site_of(&analysis, None);
    let policies: Vec<_> = analysis.model.of_kind(Kind::Policy).collect();
    assert_eq!(
        policies.len(),
        14,
        "12 policies, a procedure and a standard"
    );
    let pages = files
        .keys()
        .filter(|n| n.starts_with("site/policies/") && !n.ends_with("/index.html"))
        .count();
    assert_eq!(pages, policies.len(), "one page per policy");
    for (_, e) in &policies {
        let Data::Policy(p) = &e.data else {
            unreachable!()
        };
        let page = files
            .get(&format!("site/policies/{}.html", e.id))
            .unwrap_or_else(|| panic!("no page for policy {}", e.id));
        let title = e.title.as_deref().expect("acme policies have titles");
        assert!(page.contains(&format!("<h1>{title}</h1>")), "{}", e.id);
        // The text is rendered: its first paragraph is on the page.
        let text = &p.text.as_ref().expect("acme policies have text").content;
        let sentence = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#') && !l.contains(['*', '`', '[', '|']))
            .expect("a plain line");
        assert!(
            page.contains(&site::escape(sentence)),
            "{}: `{sentence}` is not on the page",
            e.id
        );
        // The metadata: next review = approval + review interval.
        let next = p
            .approved
            .as_ref()
            .expect("approved")
            .date
            .plus(p.review.expect("review"));
        assert!(page.contains(&format!("Next review {next}")), "{}", e.id);
    }
    let access = &files["site/policies/access-control.html"];
    assert!(access.contains("Shared or generic accounts are not permitted for people."));
    assert!(
        access.contains("<h3 id=\"1-purpose\">1. Purpose</h3>"),
        "headings move one level down"
    );
    assert!(
        access.contains("href=\"../soa.html#A.5.15\""),
        "covered controls link to the SoA"
    );
    assert!(
        access.contains("href=\"../controls.html#control-mfa\""),
        "implementing controls"
    );
    assert_eq!(
        access.matches("<h1>").count(),
        1,
        "the page title is the only h1"
    );
    let bc = &files["site/policies/bcdr.html"];
    assert!(
        bc.contains("<td>Acme SaaS platform</td><td>4 hours</td>"),
        "markdown tables render"
    );
}

#[test]
fn soa_and_risk_pages_of_acme() {
    let analysis = acme();
    let files = site_of(&analysis, None);
    let soa = &files["site/soa.html"];
    let doc =
        emit::dto::SoaDoc::new(&analysis.model, &analysis.facts).expect("acme has a standard");
    for c in &doc.controls {
        assert!(
            soa.contains(&format!("<tr id=\"{}\" class=\"row-{}\">", c.id, c.status)),
            "{}",
            c.id
        );
    }
    assert!(soa.contains("type=\"radio\""), "the SoA filter");
    assert!(!soa.contains("<script"), "no script is needed");

    let risks = &files["site/risks.html"];
    // Each map is drawn twice, for wide screens and for phones; the wide drawing shows every id.
    let wide: Vec<&str> = risks
        .split("<svg class=\"chart heatmap wide\"")
        .skip(1)
        .map(|rest| rest.split("</svg>").next().unwrap_or(""))
        .collect();
    assert_eq!(wide.len(), 2, "inherent and residual");
    assert_eq!(
        risks.matches("<svg class=\"chart heatmap narrow\"").count(),
        2
    );
    let register = emit::dto::RiskRegisterDoc::new(&analysis.model, &analysis.facts);
    for r in &register.risks {
        assert!(
            risks.contains(&format!("<tr id=\"risk-{}\">", r.id)),
            "{}",
            r.id
        );
        let link = format!("href=\"#risk-{}\"", r.id);
        let in_maps: usize = wide.iter().map(|m| m.matches(&link).count()).sum();
        let expected = 1 + usize::from(r.residual.is_some());
        assert_eq!(
            in_maps, expected,
            "{} is in each heat map it has a rating for",
            r.id
        );
    }
    // The treatment plan: one row per open action (planned or partial control), the
    // implemented treating controls summarised apart.
    let plan = ismsc_core::emit::Docs::new(&analysis).plan;
    let section = risks
        .split("id=\"treatment-plan\"")
        .nth(1)
        .and_then(|rest| rest.split("<tbody>").nth(1))
        .and_then(|rest| rest.split("</table>").next())
        .expect("a treatment plan");
    assert_eq!(
        section.matches("<tr>").count(),
        plan.open_actions.len(),
        "one row per open action"
    );
    let index = &files["site/index.html"];
    assert!(index.contains("Annex A coverage by theme"));
    assert!(index.contains("Organizational controls"));
    assert!(index.contains("No warnings"), "acme is clean on 2026-11-22");
    // The acceptances in force, soonest to expire first, each linked to its risk.
    let accepted: Vec<&emit::dto::RiskEntry> = register
        .risks
        .iter()
        .filter(|r| r.accepted.is_some())
        .collect();
    assert!(!accepted.is_empty());
    let table = index
        .split("id=\"acceptances\"")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .expect("a table of acceptances");
    let mut positions = Vec::new();
    for r in &accepted {
        let link = format!("href=\"risks.html#risk-{}\"", r.id);
        let at = table
            .find(&link)
            .unwrap_or_else(|| panic!("{} not listed", r.id));
        let until = r.accepted.as_ref().and_then(|a| a.until.clone());
        positions.push((until.is_none(), until, at));
    }
    positions.sort();
    assert!(
        positions.windows(2).all(|w| w[0].2 < w[1].2),
        "not ordered by expiry: {positions:?}"
    );
}

#[test]
fn warnings_need_attention_with_their_place() {
    let mut opts = options();
    opts.today = ismsc_core::syntax::ast::Date::parse("2027-03-01").expect("date");
    let input = Input::from_dir(&repo().join("examples/acme"));
    let analysis = analyze(input, &opts);
    assert!(!analysis.has_errors());
    let files = site_of(&analysis, None);
    let index = &files["site/index.html"];
    assert!(
        index.contains("<span class=\"code-tag\">W0601</span>"),
        "overdue review"
    );
    assert!(
        index.contains("<span class=\"code-tag\">W0603</span>"),
        "stale evidence"
    );
    assert!(
        index.contains("<code>policies.isms:6</code>"),
        "file:line of the finding"
    );
    assert!(index.contains("policy <code>infosec-policy</code> was due for review on 2027-01-20"));
    let policy = &files["site/policies/infosec-policy.html"];
    assert!(
        policy.contains("id=\"attention\""),
        "the policy page shows its own warning"
    );
    assert_links_resolve(&files);
}

const HOSTILE: &str = r#"
isms "<script>alert('isms')</script>" {
  organization = "Evil <b onmouseover=alert(1)>Corp</b>"
  standard     = minimal:1
  owner        = ciso
  description  = "</title><script>alert(2)</script>"
}

framework minimal:1 "Minimal <script>" {
  group access "Access <svg onload=alert(1)>" {
    requirement M.1 "Strong authentication" { control_type = [preventive] }
  }
}

person ciso "<img src=x onerror=alert(3)>" { role = "\"><script>alert(4)</script>" }

asset laptops "Laptops\"><script>alert(5)</script>" { type = hardware owner = ciso classification = internal }

scope {
  description = "<script>alert(6)</script>"
  includes    = [laptops]
}

risk_method {
  likelihood = scale { low = 1, high = 3 }
  impact     = scale { low = 1, high = 3 }
  accept_at_or_below = 3
}

risk R-1 "<script>alert(7)</script>" {
  owner      = ciso
  assets     = [laptops]
  threat     = "<iframe src=x onload=alert(8)>"
  likelihood = high
  impact     = high
  treatment  = mitigate
  controls   = [mfa]
  residual { likelihood = low  impact = high }
}

control mfa "<script>alert(9)</script>" {
  satisfies   = [M.1]
  owner       = ciso
  status      = implemented
  policy      = xss
  description = "<style>body{display:none}</style>"
  evidence "<script>alert(10)</script>" { at = "https://example.com/\"><script>alert(11)</script>" collected = 2026-10-01 every = 90d }
}

policy xss "<script>alert(1)</script>" {
  owner    = ciso
  approved = ciso @ 2026-02-01
  review   = 12mo
  covers   = [M.1]
  text     = """
    # Policy

    <script>alert(12)</script>

    Hello <img src=x onerror=alert(13)> world.

    [x](javascript:alert(1)) [y](JAVASCRIPT:alert(1)) [z](<java	script:alert(1)>)
    [d](data:text/html;base64,PHNjcmlwdD4=) ![i](javascript:alert(1))

    <a href="jav&#x61;script:alert(14)">a</a> [e](jav&#x61;script:alert(15))
    """
}
"#;

#[test]
fn user_text_never_becomes_markup() {
    let input = Input::from_memory(vec![
        ("hostile.isms".into(), HOSTILE.into()),
        ("isms.toml".into(), "[project]\nname = \"hostile\"\n".into()),
    ]);
    let analysis = analyze(input, &options());
    let files = site_of(&analysis, None);
    assert!(files.contains_key("site/policies/xss.html"));
    for (name, text) in &files {
        let lower = text.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{name} has a script tag");
        assert!(
            !lower.contains("javascript:"),
            "{name} has a javascript: URL"
        );
        for tag in [
            "<img",
            "<iframe",
            "<style",
            "<svg onload",
            "<b ",
            "<a href=\"javascript",
        ] {
            assert!(!lower.contains(tag), "{name} has `{tag}`");
        }
        assert!(
            !lower.contains(" onerror=") || lower.contains("&lt;img src=x onerror="),
            "{name}"
        );
    }
    let policy = &files["site/policies/xss.html"];
    assert!(
        policy.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the title is shown as text"
    );
    assert!(
        policy.contains("Hello &lt;img src=x onerror=alert(13)&gt; world."),
        "inline HTML as text"
    );
    assert!(
        policy.contains("<span class=\"unlinked\">x</span>"),
        "the link text stays, unlinked"
    );
    assert_links_resolve_loosely(&files);
}

/// Like [`assert_links_resolve`], for a project too small to have 100 links.
fn assert_links_resolve_loosely(files: &BTreeMap<String, String>) {
    for (page, html) in files.iter().filter(|(n, _)| n.ends_with(".html")) {
        for link in targets(html) {
            if link.starts_with("https:") || link.starts_with('#') {
                continue;
            }
            let path = link.split('#').next().unwrap_or("");
            let target = resolve(page, path).expect("inside the output");
            assert!(files.contains_key(&target), "{page}: {link}");
        }
    }
}

#[test]
fn builds_are_byte_identical_and_stamped_only_on_request() {
    let a = site_of(&acme(), None);
    let b = site_of(&acme(), None);
    assert_eq!(a, b);
    assert!(
        a.values().all(|t| !t.contains("Built ")),
        "no time stamp by default"
    );
    let stamped = site_of(&acme(), Some("2026-11-22T09:30:00Z"));
    assert!(stamped["site/index.html"].contains("Built 2026-11-22T09:30:00Z."));
    assert!(stamped["site/soa.html"].contains("Built 2026-11-22T09:30:00Z."));
}

#[test]
fn minimal_index_snapshot() {
    let analysis = compile(&repo().join("tests/ui/pass/minimal"));
    let files = site_of(&analysis, None);
    assert_links_resolve_loosely(&files);
    insta::assert_snapshot!("minimal_index_html", files["site/index.html"]);
}

#[test]
fn the_full_build_links_the_data_files() {
    let analysis = acme();
    let options = BuildOptions {
        outputs: vec![Output::Data, Output::Site],
        timestamp: None,
        history: None,
    };
    let files: BTreeMap<String, String> = ismsc_publish::build(&analysis, &options)
        .expect("files")
        .into_iter()
        .map(|f| (f.name, String::from_utf8(f.content).expect("UTF-8")))
        .collect();
    assert!(files["site/index.html"].contains("href=\"../soa.json\""));
    assert_links_resolve(&files);
}

/// Every fixture of `tests/ui`: the projects with `isms.toml`, and the single `.isms` files.
fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.join("isms.toml").is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read fixture folder")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            fixtures(&p, out);
        } else if p.extension().is_some_and(|e| e == "isms") {
            out.push(p);
        }
    }
}

#[test]
fn every_fixture_builds_a_site_with_working_links() {
    // Broken projects too: the site is built from whatever model the analysis has, so a
    // dangling reference, a missing standard or an odd risk method must not break it.
    let mut all = Vec::new();
    fixtures(&repo().join("tests/ui"), &mut all);
    assert!(all.len() > 40, "{} fixtures", all.len());
    for path in all {
        let analysis = compile(&path);
        let files = site_of(&analysis, None);
        assert!(files.contains_key("site/index.html"), "{}", path.display());
        assert_links_resolve_loosely(&files);
        for (name, text) in &files {
            assert!(!text.contains("<script"), "{}: {name}", path.display());
        }
    }
}

#[test]
fn extreme_risk_methods_do_not_break_the_heat_map() {
    let text = r#"
isms "Edge" { organization = "Edge" standard = iso27001:2022 owner = p }
person p "P" {}
risk_method {
  likelihood = scale { low = 4294967295, high = 4294967295 }
  impact     = scale { low = 0, high = 4294967295 }
  accept_at_or_below = 4294967295
}
risk R-1 "r" { owner = p likelihood = high impact = high treatment = accept }
risk R-2 "r" { owner = p likelihood = low impact = low treatment = accept residual { likelihood = low impact = low } }
"#;
    let analysis = crate::harness::compile_text("edge.isms", text);
    let files = site_of(&analysis, None);
    assert!(files["site/risks.html"].contains("chart heatmap wide"));
}

#[test]
fn policy_pages_never_collide() {
    let text = r##"
isms "P" { organization = "P" owner = p }
person p "P" {}
policy index "Index policy" { owner = p text = "# Index policy\n\nAbout the index." }
policy Dup "Upper" { owner = p }
policy dup "Lower" { owner = p }
"##;
    let analysis = crate::harness::compile_text("p.isms", text);
    let files = site_of(&analysis, None);
    let pages: Vec<&String> = files
        .keys()
        .filter(|n| n.starts_with("site/policies/"))
        .collect();
    assert_eq!(pages.len(), 4, "{pages:?}");
    let lower: std::collections::BTreeSet<String> =
        pages.iter().map(|p| p.to_lowercase()).collect();
    assert_eq!(lower.len(), 4, "{pages:?}");
    assert!(files["site/policies/index.html"].contains("<h1>Policies</h1>"));
    assert_links_resolve_loosely(&files);
}
