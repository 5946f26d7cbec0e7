//! The registry's consistency, in the style of rustc's tidy check: every code has a page
//! whose example fires it, a fixture whose snapshot holds it, and an emitter; every page has
//! a code; no code literal is written outside the registry.

use std::collections::BTreeSet;
use std::path::Path;

use ismsc_core::diag::Code;
use ismsc_core::{analyze, Analysis, Input};

use crate::harness::{compile_text, options, repo, scratch};

fn files_below(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_below(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// A page's `isms fail` example, with the manifest of its `toml manifest` block when it has one
/// (a default manifest otherwise).
fn compile_page_example(page: &str, src: &str) -> ismsc_core::Analysis {
    let manifest = page.find("```toml manifest").and_then(|i| {
        let rest = page.get(i + "```toml manifest".len()..)?;
        let end = rest.find("\n```")?;
        Some(rest[..end].trim_start_matches('\n').to_string())
    });
    match manifest {
        Some(toml) => analyze(
            Input::from_memory(vec![
                ("isms.toml".into(), toml),
                ("main.isms".into(), src.to_string()),
            ]),
            &options(),
        ),
        None => compile_text("main.isms", src),
    }
}

/// The first fenced block whose info string is `lang fail`.
fn example(page: &str, lang: &str) -> Option<String> {
    let fence = format!("```{lang} fail");
    let start = page.find(&fence)? + fence.len();
    let rest = &page[start..];
    let end = rest.find("\n```")?;
    Some(rest[..end].trim_start_matches('\n').to_string())
}

/// The project a page's ```sh fail example makes: the commands run with bash in an empty
/// folder (for what only a file system can hold: links, pipes, bytes that are not UTF-8),
/// and the folder is checked.
fn shell_example(code: Code, script: &str) -> Analysis {
    let dir = scratch(&format!("page-{code}")).join("project");
    std::fs::create_dir_all(&dir).expect("project folder");
    let status = std::process::Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(&dir)
        .status()
        .expect("bash runs");
    assert!(status.success(), "the ```sh example of {code}.md fails");
    let analysis = analyze(Input::from_dir(&dir), &options());
    if let Some(parent) = dir.parent() {
        let _ = std::fs::remove_dir_all(parent);
    }
    analysis
}

/// What the page's failing example compiles to: a ```toml fail manifest, a ```sh fail
/// project, or an ```isms fail file.
fn page_example(code: Code, page: &str) -> Option<Analysis> {
    if let Some(toml) = example(page, "toml") {
        return Some(analyze(
            Input::from_memory(vec![
                ("isms.toml".into(), toml),
                ("main.isms".into(), String::new()),
            ]),
            &options(),
        ));
    }
    if let Some(script) = example(page, "sh") {
        return Some(shell_example(code, &script));
    }
    example(page, "isms").map(|src| compile_page_example(page, &src))
}

#[test]
fn every_code_has_a_page_with_a_failing_example() {
    for &code in Code::ALL {
        let page = code.page();
        assert!(
            page.starts_with(&format!("# {}: {}", code.as_str(), code.slug())),
            "docs/diagnostics/{code}.md must start with `# {code}: {}`",
            code.slug()
        );
        let analysis = page_example(code, page)
            .unwrap_or_else(|| panic!("{code}.md has no ```isms, ```toml or ```sh fail example"));
        assert!(
            analysis.diagnostics.iter().any(|d| d.code == code),
            "the example of {code}.md does not produce {code}; it produces {:?}",
            analysis
                .diagnostics
                .iter()
                .map(|d| d.code.as_str())
                .collect::<Vec<_>>()
        );
    }
}

/// The page's example output is what the compiler prints today. Run the suite with
/// `ISMSC_BLESS_DOCS=1` to rewrite the outputs after a deliberate change of wording.
#[test]
fn page_outputs_are_current() {
    let bless = std::env::var_os("ISMSC_BLESS_DOCS").is_some();
    let mut stale = Vec::new();
    for &code in Code::ALL {
        let path = repo().join(format!("docs/diagnostics/{code}.md"));
        let page = std::fs::read_to_string(&path).unwrap_or_default();
        if example(&page, "toml").is_some() {
            continue;
        }
        let Some(mut analysis) = page_example(code, &page) else {
            continue;
        };
        // The page shows the findings of its own code.
        analysis.diagnostics.retain(|d| d.code == code);
        let rendered = ismsc_core::diag::render::human(
            &analysis.diagnostics,
            &analysis.sources,
            ismsc_core::diag::render::HumanStyle {
                color: false,
                width: 100,
            },
        );
        let expected = rendered
            .trim_end()
            .rsplit_once('\n')
            .map(|(body, _summary)| body.trim_end().to_string())
            .unwrap_or_default();
        let Some(start) = page.find("```text\n").map(|i| i + 8) else {
            continue;
        };
        let Some(len) = page[start..].find("\n```") else {
            continue;
        };
        let current = page[start..start + len].trim_end();
        if current != expected {
            if bless {
                let mut updated = page.clone();
                updated.replace_range(start..start + len, &expected);
                std::fs::write(&path, updated).expect("page is writable");
            } else {
                stale.push(code.as_str());
            }
        }
    }
    assert!(stale.is_empty(), "the example output of these pages is stale (rerun with ISMSC_BLESS_DOCS=1 and review the diff): {stale:?}");
}

#[test]
fn every_page_has_a_code() {
    let dir = repo().join("docs/diagnostics");
    for entry in std::fs::read_dir(&dir)
        .expect("docs/diagnostics exists")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "README.md" {
            continue;
        }
        let stem = name.trim_end_matches(".md");
        assert!(
            Code::parse(stem).is_some(),
            "docs/diagnostics/{name} has no code in the registry"
        );
        let index = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
        assert!(
            index.contains(&format!("[{stem}]")),
            "docs/diagnostics/README.md does not list {stem}"
        );
    }
}

#[test]
fn every_code_has_a_fixture_and_an_emitter() {
    let mut fixtures = Vec::new();
    files_below(&repo().join("tests/ui/fail"), &mut fixtures);
    let mut snapshots = Vec::new();
    files_below(&repo().join("tests/suite/snapshots"), &mut snapshots);
    let snapshot_text: String = snapshots
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let mut sources = Vec::new();
    files_below(&repo().join("compiler"), &mut sources);
    let source_text: String = sources
        .iter()
        .filter(|p| !p.ends_with("codes.rs"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    for &code in Code::ALL {
        let c = code.as_str();
        assert!(
            fixtures.iter().any(|p| p
                .to_string_lossy()
                .split('/')
                .any(|part| part.starts_with(&format!("{c}-")))),
            "no fixture tests/ui/fail/*/{c}-*.isms"
        );
        assert!(
            snapshot_text.contains(&format!("\n{c} ")),
            "no snapshot shows {c}"
        );
        assert!(
            source_text.contains(&format!("Code::{c}")),
            "nothing in compiler/ emits {c}"
        );
    }
}

#[test]
fn no_code_literal_outside_the_registry() {
    let mut sources = Vec::new();
    files_below(&repo().join("compiler"), &mut sources);
    let registered: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    for p in sources.iter().filter(|p| !p.ends_with("codes.rs")) {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        for (i, _) in text.match_indices('"') {
            let lit = text.get(i + 1..i + 6).unwrap_or("");
            let is_code = lit.len() == 5
                && (lit.starts_with('E') || lit.starts_with('W'))
                && lit[1..].chars().all(|c| c.is_ascii_digit())
                && text.get(i + 6..i + 7) == Some("\"");
            assert!(
                !is_code,
                "{} writes the code literal {lit}; use Code::{lit}",
                p.display()
            );
            let _ = &registered;
        }
    }
}

#[test]
fn codes_are_unique_and_slugs_distinct() {
    let codes: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let slugs: BTreeSet<&str> = Code::ALL.iter().map(|c| c.slug()).collect();
    assert_eq!(codes.len(), Code::ALL.len());
    assert_eq!(slugs.len(), Code::ALL.len());
    for &c in Code::ALL {
        assert_eq!(Code::parse(c.as_str()), Some(c));
        assert_eq!(Code::parse(c.slug()), Some(c));
    }
}
