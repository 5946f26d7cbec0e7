//! One mistake, one finding: each typing mistake seeded into `examples/acme` gives exactly one
//! error on its line and nothing else; the recovery shapes of `tests/recovery/` keep their
//! broken items (snapshots of the findings and the syntax tree); deleting a token never gives
//! a finding outside the item it touched; suppressions silence with a visible reason.

use std::path::Path;

use ismsc_core::{analyze, Analysis, Input};
use proptest::prelude::*;

use crate::harness::{options, repo};

/// The files of a project folder (`.isms`, `isms.toml` and what `file(...)` reads).
pub(crate) fn project_files(dir: &Path) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if e.file_name() != "dist" {
                    walk(root, &p, out);
                }
            } else if let (Ok(text), Ok(rel)) = (std::fs::read_to_string(&p), p.strip_prefix(root))
            {
                out.push((rel.to_string_lossy().replace('\\', "/"), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

pub(crate) fn analyze_files(files: Vec<(String, String)>) -> Analysis {
    analyze(Input::from_memory(files), &options())
}

/// `CODE file:line message` of each finding.
pub(crate) fn findings(a: &Analysis) -> Vec<String> {
    a.diagnostics
        .iter()
        .map(|d| {
            let f = a.sources.get(d.primary.span.file);
            let line = f
                .map(|f| f.line_col(d.primary.span.start as usize).0)
                .unwrap_or(0);
            format!(
                "{} {}:{} {}",
                d.code.as_str(),
                a.sources.name(d.primary.span.file),
                line,
                d.message
            )
        })
        .collect()
}

/// A typing mistake: in `file`, replace the first `find` by `with`; expect exactly one
/// finding, `code`, on the line where `find` was.
struct Seed {
    what: &'static str,
    file: &'static str,
    find: &'static str,
    with: &'static str,
    code: &'static str,
    /// Where the finding belongs when it is not where the text changed: the line of this
    /// text (a deleted closing brace or quote is reported where its line ends).
    at: Option<&'static str>,
}

const SEEDS: &[Seed] = &[
    Seed { what: "missing }", file: "controls-technological.isms", find: "    every     = 90d\n  }\n}\n", with: "    every     = 90d\n  }\n", code: "E0001", at: Some("    every     = 90d\n  }") },
    Seed { what: "missing } of a nested block", file: "controls-technological.isms", find: "    every     = 30d\n  }\n", with: "    every     = 30d\n", code: "E0001", at: Some("    every     = 30d") },
    Seed { what: "missing ]", file: "controls-technological.isms", find: "satisfies   = [A.5.17, A.8.5, nist-csf:2.0/PR.AA-03, nis2:2022/11.7]", with: "satisfies   = [A.5.17, A.8.5, nist-csf:2.0/PR.AA-03, nis2:2022/11.7", code: "E0001", at: None },
    Seed { what: "missing ,", file: "controls-technological.isms", find: "satisfies   = [A.5.17, A.8.5, nist-csf", with: "satisfies   = [A.5.17 A.8.5, nist-csf", code: "E0001", at: None },
    Seed { what: "missing =", file: "controls-technological.isms", find: "  owner       = it-ops\n  status      = implemented\n  policy      = access-control", with: "  owner         it-ops\n  status      = implemented\n  policy      = access-control", code: "E0001", at: None },
    Seed { what: "missing = before a list", file: "risks.isms", find: "controls      = [mfa,", with: "controls        [mfa,", code: "E0001", at: None },
    Seed { what: "missing closing quote", file: "risks.isms", find: "\"Remaining password-based sign-ins for a few non-SSO tools; long-lived browser sessions\"", with: "\"Remaining password-based sign-ins for a few non-SSO tools; long-lived browser sessions", code: "E0001", at: None },
    Seed { what: "misspelled field", file: "controls-technological.isms", find: "satisfies   = [A.5.17, A.8.5, nist-csf", with: "satisifes   = [A.5.17, A.8.5, nist-csf", code: "E0201", at: None },
    Seed { what: "misspelled keyword", file: "controls-technological.isms", find: "control mfa ", with: "contrl mfa ", code: "E0107", at: None },
    Seed { what: "garbage line in a body", file: "risks.isms", find: "  identified    = 2025-11-12\n}", with: "  identified    = 2025-11-12\n  ]]] ???\n}", code: "E0001", at: None },
    Seed { what: "garbage line between items", file: "risks.isms", find: "\nrisk R-002 ", with: "\n@@ not an item @@\nrisk R-002 ", code: "E0001", at: None },
    Seed { what: "empty list element", file: "risks.isms", find: "controls      = [mfa,", with: "controls      = [mfa, ,", code: "E0001", at: None },
    Seed { what: "impossible date", file: "policies.isms", find: "approved       = ceo @ 2026-01-20", with: "approved       = ceo @ 2026-13-20", code: "E0003", at: None },
    Seed { what: "missing value", file: "risks.isms", find: "  impact        = severe\n  treatment     = mitigate\n  controls      = [mfa,", with: "  impact        =\n  treatment     = mitigate\n  controls      = [mfa,", code: "E0001", at: None },
    Seed { what: "missing {", file: "people.isms", find: "{", with: "", code: "E0001", at: None },
    Seed { what: "unclosed text block", file: "risks.isms", find: "    reputation. Risks are reassessed at least yearly and after every SEV1 incident or major change.\n    \"\"\"", with: "    reputation. Risks are reassessed at least yearly and after every SEV1 incident or major change.", code: "E0001", at: Some("  description        = \"\"\"") },
    Seed { what: "stray token after a value", file: "controls-technological.isms", find: "  status      = implemented\n  policy      = access-control\n  description = \"All workforce", with: "  status      = implemented implemented\n  policy      = access-control\n  description = \"All workforce", code: "E0001", at: None },
];

#[test]
fn acme_is_clean() {
    let a = analyze_files(project_files(&repo().join("examples/acme")));
    assert_eq!(findings(&a), Vec::<String>::new());
}

#[test]
fn one_typing_mistake_in_acme_gives_one_finding_on_its_line() {
    let files = project_files(&repo().join("examples/acme"));
    let mut failures = Vec::new();
    for seed in SEEDS {
        let mut files = files.clone();
        let Some((_, text)) = files.iter_mut().find(|(n, _)| n == seed.file) else {
            panic!("{}: no file {}", seed.what, seed.file);
        };
        let at = text
            .find(seed.find)
            .unwrap_or_else(|| panic!("{}: `{}` not found", seed.what, seed.find));
        // The line of the mistake: where the replaced text and the original first differ.
        let differ = seed
            .find
            .bytes()
            .zip(seed.with.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let mut line = text[..at + differ].matches('\n').count() + 1;
        *text = format!(
            "{}{}{}",
            &text[..at],
            seed.with,
            &text[at + seed.find.len()..]
        );
        if let Some(marker) = seed.at {
            // The marker nearest the mistake, at or before its end (not an earlier text like it).
            let pos = text
                .get(..at + seed.with.len())
                .and_then(|t| t.rfind(marker))
                .unwrap_or_else(|| panic!("{}: `{marker}` not found", seed.what));
            // The last line of the marker.
            line = text[..pos + marker.len()].matches('\n').count() + 1;
        }
        let a = analyze_files(files);
        let got = findings(&a);
        let want_prefix = format!("{} {}:", seed.code, seed.file);
        let ok = got.len() == 1
            && got[0].starts_with(&want_prefix)
            && a.diagnostics.iter().all(|d| {
                a.sources
                    .get(d.primary.span.file)
                    .map(|f| f.line_col(d.primary.span.start as usize).0)
                    .is_some_and(|l| l == line)
            });
        if !ok {
            failures.push(format!("{} (line {line}): {got:#?}", seed.what));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_broken_item_keeps_its_id_for_references() {
    // The unclosed `mfa` is still the control every risk and policy names.
    let mut files = project_files(&repo().join("examples/acme"));
    if let Some((_, text)) = files
        .iter_mut()
        .find(|(n, _)| n == "controls-technological.isms")
    {
        *text = text.replacen(
            "    every     = 90d\n  }\n}\n",
            "    every     = 90d\n  }\n",
            1,
        );
    }
    let a = analyze_files(files);
    assert!(a.model.index.contains_key("mfa"));
    assert!(
        !findings(&a).iter().any(|f| f.starts_with("E0102")),
        "{:#?}",
        findings(&a)
    );
}

#[test]
fn recovery_shapes() {
    insta::glob!("../recovery", "*.isms", |path| {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let a = crate::harness::compile_text(&name, &text);
        // The first line says which findings the fixture is about; the others come from the
        // fixture being a one-file project (no scope, policy, …) and are left out.
        let codes: Vec<String> = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// expect: "))
            .map(|l| l.split_whitespace().map(String::from).collect())
            .unwrap_or_default();
        let got: Vec<String> = findings(&a)
            .into_iter()
            .filter(|f| {
                !f.starts_with("E0109")
                    && !f.starts_with("E07")
                    && !f.starts_with("W07")
                    && !f.starts_with("E0401")
            })
            .collect();
        let got_codes: Vec<String> = got.iter().map(|f| f[..5].to_string()).collect();
        assert_eq!(got_codes, codes, "{name}: {got:#?}");
        let (tree, _) =
            ismsc_core::syntax::parse_text(ismsc_core::source::FileId::default(), &text);
        let dump = ismsc_core::syntax::dump(&tree, &text);
        insta::assert_snapshot!(format!(
            "----- FINDINGS\n{}\n----- TREE\n{dump}",
            got.join("\n")
        ));
    });
}

/// Tokens whose deletion loses structure, not meaning: punctuation, strings, numbers and field
/// names (not item keywords, ids or references, whose deletion changes what the ISMS says).
fn deletable(text: &str) -> Vec<(usize, usize)> {
    let (tree, _) = ismsc_core::syntax::parse_text(ismsc_core::source::FileId::default(), text);
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    let in_comment = |at: usize| {
        tree.comments
            .iter()
            .any(|c| (c.span.start as usize) <= at && at < c.span.end as usize)
    };
    while i < b.len() {
        let c = b[i];
        if in_comment(i) {
            i += 1;
            continue;
        }
        match c {
            b'{' | b'}' | b'[' | b']' | b'(' | b')' | b'=' | b',' | b'@' => {
                out.push((i, i + 1));
                i += 1;
            }
            b'"' => {
                let end = if text[i..].starts_with("\"\"\"") {
                    text[i + 3..].find("\"\"\"").map(|e| i + 3 + e + 3)
                } else {
                    text[i + 1..].find('"').map(|e| i + 1 + e + 1)
                };
                let end = end.unwrap_or(b.len());
                out.push((i, end));
                i = end;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                let end = i + text[i..]
                    .find(|c: char| {
                        !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
                    })
                    .unwrap_or(b.len() - i);
                let numeric = c.is_ascii_digit();
                // A field name: a word followed by `=`.
                let field = c.is_ascii_lowercase()
                    && text[end..].trim_start_matches([' ', '\t']).starts_with('=');
                if numeric || field {
                    out.push((i, end));
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// Deleting one token of a valid project gives findings about the item it touched only.
    #[test]
    fn deleting_a_token_touches_one_item(file in 0usize..4, pick in any::<prop::sample::Index>()) {
        let names = ["risks.isms", "controls-technological.isms", "policies.isms", "people.isms"];
        let files = project_files(&repo().join("examples/acme"));
        let name = names[file];
        let text = files.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()).unwrap_or_default();
        let tokens = deletable(&text);
        prop_assume!(!tokens.is_empty());
        let (start, end) = tokens[pick.index(tokens.len())];
        let edited = format!("{}{}", &text[..start], &text[end..]);
        // The touched item: from the last line starting an item at or before the deletion to
        // the next such line after it.
        let item_line = |t: &str, at: usize| ismsc_core::syntax::ITEM_KEYWORDS.iter().any(|k| t[at..].starts_with(&format!("{k} ")));
        let line_starts: Vec<usize> = std::iter::once(0).chain(edited.match_indices('\n').map(|(i, _)| i + 1)).filter(|&i| i < edited.len()).collect();
        let from = line_starts.iter().copied().filter(|&l| l <= start && item_line(&edited, l)).max().unwrap_or(0);
        let to = line_starts.iter().copied().filter(|&l| l > start && item_line(&edited, l)).min().unwrap_or(edited.len());
        let mut files = files.clone();
        if let Some((_, t)) = files.iter_mut().find(|(n, _)| n == name) {
            *t = edited.clone();
        }
        let a = analyze_files(files);
        for d in &a.diagnostics {
            let in_file = a.sources.name(d.primary.span.file) == name;
            let s = d.primary.span.start as usize;
            prop_assert!(in_file && from <= s && s <= to,
                "deleting {:?} at {start} ({name}) gave a finding outside {from}..{to}: {} {}",
                &text[start..end], d.code.as_str(), d.message);
        }
    }
}

#[test]
fn suppressed_findings_are_listed_with_their_reason() {
    let text = r#"
isms "Acme ISMS" { organization = "Acme" standard = mini:1 owner = ciso }
person ciso "Dana Weber" { role = "CISO" }
framework mini:1 "Mini control set" {
  requirement M.1 "Access control" {}
  requirement M.2 "Cabling security" { implied_by = [site] }
}
asset office "Berlin office" { type = site owner = ciso }
control mfa "MFA" { satisfies = [M.1] owner = ciso status = implemented }
applicability {
  M.1 included "Customers require it"
  // ismsc-allow(W0407): the office is a serviced desk space; the landlord runs all cabling
  M.2 excluded "The building operator handles cabling"
}
"#;
    let a = crate::harness::compile_text("main.isms", text);
    assert!(!a.diagnostics.iter().any(|d| d.code.as_str() == "W0407"));
    assert_eq!(a.suppressed.len(), 1);
    let all: Vec<_> = a.diagnostics.iter().chain(&a.suppressed).cloned().collect();
    let json: serde_json::Value =
        serde_json::from_str(&ismsc_core::diag::render::json(&all, &a.sources)).expect("JSON");
    let s = &json["suppressions"][0];
    assert_eq!(s["code"], "W0407");
    assert_eq!(
        s["suppression"]["reason"],
        "the office is a serviced desk space; the landlord runs all cabling"
    );
    assert_eq!(s["suppression"]["line"], 12);
    assert_eq!(json["summary"]["suppressed"], 1);
    assert!(!json["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .any(|d| d["code"] == "W0407"));
    // An error of the language is never silenced.
    let broken = text
        .replace("// ismsc-allow(W0407)", "// ismsc-allow(W0407, E0102)")
        .replace("owner = ciso status", "owner = cisoo status");
    let a = crate::harness::compile_text("main.isms", &broken);
    let codes: Vec<&str> = a.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(
        codes.contains(&"E0102") && codes.contains(&"W0020"),
        "{codes:?}"
    );
}
