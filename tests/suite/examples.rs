//! Every bundled example project checks clean.

use crate::harness::{compile, render, repo};

#[test]
fn examples_check_clean() {
    let dir = repo().join("examples");
    let mut projects: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("isms.toml").is_file())
        .collect();
    projects.sort();
    assert!(!projects.is_empty(), "no example projects found");
    for p in projects {
        let analysis = compile(&p);
        assert!(
            analysis.diagnostics.is_empty(),
            "{} is not clean:\n{}",
            p.display(),
            render(&analysis)
        );
    }
}
