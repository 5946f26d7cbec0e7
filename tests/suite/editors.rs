//! The VS Code extension in `editors/vscode`: its own test suite (`npm test`: the manifest and
//! language configuration, the client against a stand-in `vscode` API, every `.isms` file of the
//! repository highlighted without an invalid token, the TextMate grammar's unit tests and its
//! snapshot) run from `cargo test`, so that a change to the language that breaks the editor
//! grammar fails here. Without `node` and `npm` on `PATH` the test is skipped, not failed.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The first `name` on `PATH` (with the Windows suffixes), as `Command` should run it.
fn which(name: &str) -> Option<PathBuf> {
    let suffixes: &[&str] = if cfg!(windows) {
        &[".exe", ".cmd", ""]
    } else {
        &[""]
    };
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        suffixes
            .iter()
            .map(|s| dir.join(format!("{name}{s}")))
            .find(|p| p.is_file())
    })
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Runs `program args` in `dir`; panics with the whole output unless it succeeds.
fn run(program: &Path, args: &[&str], dir: &Path) -> String {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} {}: {e}", program.display(), args.join(" ")));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "`{} {}` in {} failed ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        program
            .file_name()
            .unwrap_or(OsStr::new("?"))
            .to_string_lossy(),
        args.join(" "),
        dir.display(),
        output.status,
    );
    format!("{stdout}{stderr}")
}

/// `node --version` is `v20.20.2`: the major version.
fn node_major(node: &Path) -> Option<u32> {
    let out = Command::new(node).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .trim_start_matches('v')
        .split('.')
        .next()?
        .parse()
        .ok()
}

#[test]
fn vscode_extension_tests_pass() {
    let (Some(node), Some(npm)) = (which("node"), which("npm")) else {
        println!("skipped: node/npm not found");
        return;
    };
    match node_major(&node) {
        Some(major) if major >= 20 => {}
        other => {
            println!("skipped: node {other:?} is older than 20, which editors/vscode needs");
            return;
        }
    }

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors/vscode");
    let lock = dir.join("package-lock.json");
    assert!(lock.is_file(), "{} is missing", lock.display());

    // npm writes node_modules/.package-lock.json on every install: it dates the tree.
    let modules = dir.join("node_modules");
    let installed = modified(&modules.join(".package-lock.json")).or_else(|| modified(&modules));
    let stale = match (installed, modified(&lock)) {
        (Some(installed), Some(lock)) => installed < lock,
        _ => true,
    };
    if stale {
        run(&npm, &["ci", "--no-audit", "--no-fund"], &dir);
    }

    let out = run(&npm, &["test"], &dir);
    // All three stages ran (each fails `npm test` on its own): node's test runner, the
    // grammar's unit tests and the snapshot test.
    assert!(out.contains("# fail 0"), "node --test did not run:\n{out}");
    assert!(
        out.contains("test/grammar/items.test.isms"),
        "the grammar unit tests did not run:\n{out}"
    );
    assert!(
        out.contains("test/snap/realistic.isms"),
        "the snapshot test did not run:\n{out}"
    );
}
