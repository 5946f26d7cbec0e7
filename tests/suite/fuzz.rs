//! The fuzz targets (`fuzz/`): every input a fuzzer found a bug with is replayed through the
//! same property, and a smoke run of every target for 60 s when `ISMSC_FUZZ_SMOKE=1`.
//!
//! The properties are `fuzz/src/lib.rs`, included here as it is, so `cargo test` runs the
//! exact code the fuzzers run, on stable and without libFuzzer.

use std::path::{Path, PathBuf};

use crate::harness::{repo, scratch};

#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod props;

const TARGETS: [&str; 5] = ["parse", "check", "import_oscal", "project_fs", "fmt"];

/// The inputs kept for a target, by name.
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = repo().join("tests/fuzz-regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Runs one input through its target's property.
fn replay(target: &str, data: &[u8], scratch_dir: &Path) {
    match target {
        "parse" => props::parse(data),
        "check" => props::check(data),
        "import_oscal" => props::import_oscal(data),
        "fmt" => props::fmt(data),
        _ => {
            let dir = scratch_dir.join("project");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("project folder");
            props::project_fs(data, &dir, &scratch_dir.join("outside"));
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

#[test]
fn fuzz_regressions_replay() {
    let dir = scratch("fuzz-regressions");
    let mut replayed = 0;
    for target in TARGETS {
        for input in inputs(target) {
            let data = std::fs::read(&input).expect("regression input");
            let (tx, rx) = std::sync::mpsc::channel();
            let scratch_dir = dir.clone();
            std::thread::spawn(move || {
                replay(target, &data, &scratch_dir);
                let _ = tx.send(());
            });
            // A hang is a failure too (the fuzzers stop an input after 10 s).
            if rx.recv_timeout(std::time::Duration::from_secs(60)).is_err() {
                panic!("{} hangs or panics in `{target}`", input.display());
            }
            replayed += 1;
        }
    }
    assert!(replayed > 0, "tests/fuzz-regressions holds no input");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether `cargo +nightly fuzz` can run here.
fn fuzz_tools() -> Result<(), String> {
    let nightly = std::process::Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.starts_with("nightly"))
        })
        .unwrap_or(false);
    if !nightly {
        return Err("no nightly toolchain (`rustup toolchain install nightly`)".into());
    }
    let fuzz = std::process::Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .env_remove("RUSTUP_TOOLCHAIN")
        .output()
        .is_ok_and(|o| o.status.success());
    if !fuzz {
        return Err("no cargo-fuzz (`cargo install cargo-fuzz`)".into());
    }
    Ok(())
}

/// Every target for 60 s (`fuzz/run.sh TARGET 60`), when `ISMSC_FUZZ_SMOKE=1` and the nightly
/// toolchain and cargo-fuzz are installed; `.ci/run` sets the variable when they are. A run of
/// the suite without it stays as quick as before: the test says it skipped.
#[test]
fn fuzz_smoke_every_target_for_a_minute() {
    if std::env::var_os("ISMSC_FUZZ_SMOKE").is_none_or(|v| v != "1") {
        eprintln!("fuzz smoke skipped: set ISMSC_FUZZ_SMOKE=1 to run every fuzz target for 60 s");
        return;
    }
    if let Err(missing) = fuzz_tools() {
        eprintln!("fuzz smoke skipped: {missing}");
        return;
    }
    let run = repo().join("fuzz/run.sh");
    for target in TARGETS {
        let status = std::process::Command::new("bash")
            .arg(&run)
            .args([target, "60"])
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET_DIR")
            .env_remove("RUSTFLAGS")
            .status()
            .expect("bash runs fuzz/run.sh");
        assert!(
            status.success(),
            "fuzz target `{target}` found a crash: see fuzz/artifacts/{target}/ and fuzz/logs/{target}.log"
        );
    }
}
