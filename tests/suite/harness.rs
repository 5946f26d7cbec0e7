//! Shared helpers: compile a fixture and render its findings deterministically.

use std::path::{Path, PathBuf};

use ismsc_core::diag::render::{self, HumanStyle};
use ismsc_core::syntax::ast::Date;
use ismsc_core::{analyze, Analysis, Input, Options};

/// The date fixtures are judged against.
pub const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 22,
};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The shared reference folder beside the repository, if present.
pub fn shared() -> Option<PathBuf> {
    let p = repo().parent()?.join("shared");
    p.is_dir().then_some(p)
}

/// Options with the fixed date.
pub fn options() -> Options {
    Options {
        today: TODAY,
        deny_warnings: false,
    }
}

/// Compiles a fixture: a folder is a project on disk; a file is a one-file project in memory
/// with a default manifest.
pub fn compile(path: &Path) -> Analysis {
    if path.is_dir() {
        let input = Input::from_dir(path);
        return analyze(input, &options());
    }
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    compile_text(&name, &text)
}

/// Compiles one `.isms` text as a project with a default manifest.
pub fn compile_text(name: &str, text: &str) -> Analysis {
    let input = Input::from_memory(vec![
        (name.to_string(), text.to_string()),
        ("isms.toml".into(), "[project]\nname = \"fixture\"\n".into()),
    ]);
    analyze(input, &options())
}

/// The codes a fixture limits its snapshot to, from a first line `// fixture: only E0104 E0105`
/// in its `.isms` file (or in the first `.isms` file of a folder fixture). Used where a fixture
/// needs a standard but is about one finding, not the 90 undecided Annex A controls that come
/// with an otherwise empty project.
pub fn only_codes(path: &Path) -> Option<Vec<String>> {
    let file = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "isms"))
            .collect();
        files.sort();
        files.into_iter().next()?
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(file).ok()?;
    let rest = text.lines().next()?.strip_prefix("// fixture: only ")?;
    Some(rest.split_whitespace().map(String::from).collect())
}

/// Keeps the findings whose code is listed.
pub fn retain_codes(a: &mut Analysis, codes: &[String]) {
    a.diagnostics
        .retain(|d| codes.iter().any(|c| c == d.code.as_str()));
}

/// The snapshot text: one line per finding, then the rendering for people.
pub fn render(a: &Analysis) -> String {
    let mut out = String::from("----- CODES\n");
    out.push_str(&render::short(&a.diagnostics, &a.sources));
    out.push_str("----- DIAGNOSTICS\n");
    out.push_str(&render::human(
        &a.diagnostics,
        &a.sources,
        HumanStyle {
            color: false,
            width: 80,
        },
    ));
    out
}

/// A path as a command-line argument.
pub fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// A fresh, empty folder for one test, named after it.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ismsc-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

/// Every file below a folder, by its path relative to it with `/` separators.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let name = path
                    .strip_prefix(root)
                    .expect("below the root")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let content = std::fs::read(&path).expect("read output file");
                out.insert(name, content);
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The root of the git work tree around `dir` (or its nearest existing ancestor), if any.
pub fn repo_root_of(dir: &Path) -> Option<PathBuf> {
    ismsc_core::driver::repository_root(dir)
}

/// Whether `git` can be run; prints why a test is skipped when not.
pub fn have_git(test: &str) -> bool {
    let ok = std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("skipped {test}: `git` is not installed");
    }
    ok
}

/// Runs `git ARGS` in `dir` as Dana Weber on 2026-11-01, whatever the user's configuration;
/// whether it succeeded.
pub fn git(dir: &Path, args: &[&str]) -> bool {
    git_as(dir, args, "Dana Weber", "2026-11-01T10:00:00Z")
}

/// Runs `git ARGS` in `dir` as `author` at `date` (commits are then the same on every run).
pub fn git_as(dir: &Path, args: &[&str], author: &str, date: &str) -> bool {
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            &format!("user.name={author}"),
            "-c",
            "user.email=isms@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .is_ok_and(|o| o.status.success())
}
