//! Hostile input and faults (issue 11): every reproducer of the attack on ismsc as a test.
//! No input panics, hangs, reads outside the project, loses a file or makes ismsc print a
//! raw control character; every failure to read is a finding in every format, with exit 2.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use ismsc_core::diag::Code;
use ismsc_core::emit::{write, OutputFile};
use ismsc_core::text::is_hazard;
use ismsc_core::{analyze, Input};

use crate::cli::ismsc;
use crate::harness::{options, path_str, repo, scratch, tree};

const TODAY: &str = "2026-11-22";
const FORMATS: [&str; 6] = ["human", "short", "json", "sarif", "github", "junit"];
const MANIFEST: &str = "[project]\nname = \"hostile\"\n";

/// Runs the command line with `args`, failing the test when it takes longer than `secs`
/// (a hang is a failure, not a stuck suite).
fn ismsc_within(secs: u64, args: &[&str]) -> (u8, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let _ = tx.send(ismsc(&args));
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("`ismsc {}` did not finish in {secs} s", "…"))
}

/// A project folder holding `files` (path → bytes) and a manifest unless one is given.
fn project(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = scratch(name).join("project");
    std::fs::create_dir_all(&dir).expect("project folder");
    if !files.iter().any(|(p, _)| *p == "isms.toml") {
        std::fs::write(dir.join("isms.toml"), MANIFEST).expect("manifest");
    }
    for (path, bytes) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(path, bytes).expect("write");
    }
    dir
}

fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir.parent().unwrap_or(dir));
}

/// Asserts that `text` holds no character a terminal or viewer would interpret.
fn assert_no_hazard(what: &str, text: &str) {
    if let Some((i, c)) = text.char_indices().find(|(_, c)| is_hazard(*c)) {
        let from = text[..i].char_indices().rev().nth(40).map_or(0, |(j, _)| j);
        panic!("{what} holds U+{:04X} after {:?}", c as u32, &text[from..i]);
    }
}

/// Checks `dir` in every format: the exit code of each run, and its output (stdout and
/// stderr) per format.
fn check_all(dir: &Path) -> Vec<(&'static str, u8, String)> {
    FORMATS
        .iter()
        .map(|f| {
            let (code, out, err) = ismsc_within(
                60,
                &["check", &path_str(dir), "--format", f, "--today", TODAY],
            );
            (*f, code, format!("{out}{err}"))
        })
        .collect()
}

// ----- 1. no panic -------------------------------------------------------------------------

#[test]
fn a_label_past_column_65535_renders_clipped() {
    let line = format!(
        "person a \"A\" {{ role = \"{}\" foo = 1 }}\n",
        "x".repeat(65_520)
    );
    let dir = project("col", &[("a.isms", line.as_bytes())]);
    let (code, _, err) = ismsc_within(60, &["check", &path_str(&dir), "--today", TODAY]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("person `a` has no field `foo`"), "{err}");
    // The header keeps the file's column; the line is cut around the label.
    assert!(err.contains("a.isms:1:65546]"), "{err}");
    assert!(
        err.contains("…xxx") && err.contains("\" foo = 1 }"),
        "{err}"
    );
    assert!(
        err.lines().all(|l| l.chars().count() < 600),
        "a line was not clipped"
    );
    remove(&dir);
}

// ----- 2. confinement: the manifest, and no secret in any output ---------------------------

#[cfg(unix)]
#[test]
fn a_manifest_that_links_out_of_the_project_is_not_read() {
    let dir = project(
        "manifest-link",
        &[("people.isms", b"person ciso \"Dana\" { role = \"CISO\" }\n")],
    );
    let outside = dir.parent().expect("scratch").join("environ");
    std::fs::write(&outside, "SECRET=hunter2\0PATH=/usr/bin\0[project\n").expect("secret");
    std::fs::remove_file(dir.join("isms.toml")).expect("remove manifest");
    std::os::unix::fs::symlink(&outside, dir.join("isms.toml")).expect("link");
    for (format, code, output) in check_all(&dir) {
        assert_eq!(code, 2, "{format}: {output}");
        assert!(output.contains("E0014"), "{format}: {output}");
        assert!(
            !output.contains("hunter2"),
            "{format} echoes the file: {output}"
        );
    }
    remove(&dir);
}

#[test]
fn a_manifest_error_echoes_only_its_line() {
    let manifest = "[project\ntoken = \"hunter2\"\nname = \"x\"\n";
    let dir = project(
        "manifest-line",
        &[("isms.toml", manifest.as_bytes()), ("a.isms", b"\n")],
    );
    for (format, code, output) in check_all(&dir) {
        assert_eq!(code, 1, "{format}: {output}");
        assert!(output.contains("E0010"), "{format}: {output}");
        assert!(
            !output.contains("hunter2"),
            "{format} echoes another line: {output}"
        );
    }
    remove(&dir);
}

#[cfg(unix)]
#[test]
fn links_out_of_the_project_are_refused_and_not_followed() {
    let dir = project("links", &[("a.isms", b"person ciso \"Dana\" { role = \"CISO\" }\npolicy p \"P\" { owner = ciso text = file(\"p.md\") }\n")]);
    let outside = dir.parent().expect("scratch").join("secret.isms");
    std::fs::write(&outside, "person hunter2 \"Secret\" { role = \"x\" }\n").expect("secret");
    std::os::unix::fs::symlink(&outside, dir.join("b.isms")).expect("link");
    std::os::unix::fs::symlink(&outside, dir.join("p.md")).expect("link");
    let a = analyze(Input::from_dir(&dir), &options());
    let codes: Vec<Code> = a.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&Code::E0014), "{codes:?}");
    assert!(a.io_failed());
    assert!(
        a.sources.iter().all(|(_, f)| !f.text.contains("hunter2")),
        "the target was read"
    );
    remove(&dir);
}

// ----- 3. no hang: only regular files are read ----------------------------------------------

/// Makes a named pipe (with `mkfifo`, which every Unix has).
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_never_opened() {
    let dir = project(
        "fifo",
        &[("a.isms", b"person ciso \"Dana\" { role = \"CISO\" }\npolicy p \"P\" { owner = ciso text = file(\"p.md\") }\n")],
    );
    mkfifo(&dir.join("x.isms"));
    mkfifo(&dir.join("p.md"));
    for (format, code, output) in check_all(&dir) {
        assert_eq!(code, 2, "{format}: {output}");
        assert!(
            output.contains("E0011") && output.contains("x.isms"),
            "{format}: {output}"
        );
    }
    // A policy text through `file(...)` that is a pipe, in a project that is otherwise read.
    std::fs::remove_file(dir.join("x.isms")).expect("remove pipe");
    let (code, out, _) = ismsc_within(30, &["check", &path_str(&dir), "--format", "short"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("E0011 error a.isms:2:41 file `p.md` cannot be read: it is a named pipe (FIFO), not a regular file"),
        "{out}"
    );
    remove(&dir);
}

#[cfg(unix)]
#[test]
fn import_refuses_a_device_and_large_input() {
    let (code, _, err) = ismsc_within(30, &["import", "oscal-catalog", "/dev/zero"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("it is a character device, not a regular file"),
        "{err}"
    );
    let dir = scratch("import-large");
    let big = dir.join("big.json");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(ismsc_core::manifest::Limits::IMPORT + 1)
        .expect("sparse file");
    let (code, _, err) = ismsc_within(30, &["import", "oscal-catalog", &path_str(&big)]);
    assert_eq!(code, 2);
    assert!(err.contains("larger than the limit of 64 MiB"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

// ----- 4. memory: size limits ---------------------------------------------------------------

#[test]
fn files_over_their_limit_are_not_read() {
    let dir = project(
        "limits",
        &[("a.isms", b"person ciso \"Dana\" { role = \"CISO\" }\npolicy p \"P\" { owner = ciso text = file(\"p.md\") }\n")],
    );
    // A 2 GiB policy text (sparse: no disk, no memory) would take 4 GiB to read.
    let f = std::fs::File::create(dir.join("p.md")).expect("create");
    f.set_len(2 * 1024 * 1024 * 1024).expect("sparse file");
    let (code, out, _) = ismsc_within(30, &["check", &path_str(&dir), "--format", "short"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("E0013 error a.isms:2:41 file `p.md` is larger than the limit of 16 MiB"),
        "{out}"
    );

    // An `.isms` file over 64 MiB and a manifest over 16 MiB.
    let f = std::fs::File::create(dir.join("huge.isms")).expect("create");
    f.set_len(65 * 1024 * 1024).expect("sparse file");
    let (code, out, _) = ismsc_within(30, &["check", &path_str(&dir), "--format", "short"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("E0013 error huge.isms:1:1 `huge.isms` is larger than the limit of 64 MiB"),
        "{out}"
    );
    std::fs::remove_file(dir.join("huge.isms")).expect("remove");
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("isms.toml"))
        .expect("manifest");
    f.set_len(17 * 1024 * 1024).expect("sparse manifest");
    let (code, out, _) = ismsc_within(30, &["check", &path_str(&dir), "--format", "short"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("E0013 error isms.toml:1:1 `isms.toml` is larger than the limit of 16 MiB"),
        "{out}"
    );

    // The project may set its limits, up to 1 GiB.
    std::fs::write(
        dir.join("isms.toml"),
        format!("{MANIFEST}\n[limits]\nfile = \"1 KiB\"\nisms = \"2 GiB\"\n"),
    )
    .expect("manifest");
    std::fs::write(dir.join("p.md"), "x".repeat(2000)).expect("policy");
    let (_, out, _) = ismsc_within(30, &["check", &path_str(&dir), "--format", "short"]);
    assert!(out.contains("larger than the limit of 1 KiB"), "{out}");
    assert!(
        out.contains(
            "E0010 error isms.toml:6:1 `isms` in `[limits]` must be between 1 byte and 1024 MiB"
        ),
        "{out}"
    );
    remove(&dir);
}

// ----- 5. every failure to read is a finding, in every format, exit 2 -----------------------

#[test]
fn invalid_utf8_is_a_finding_in_every_format() {
    for (name, files) in [
        (
            "utf8-source",
            vec![("a.isms", &b"person ciso \"Ren\xe9\" { role = \"x\" }\n"[..])],
        ),
        (
            "utf8-manifest",
            vec![
                ("isms.toml", &b"[project]\nname = \"M\xfcller\"\n"[..]),
                ("a.isms", b"\n"),
            ],
        ),
    ] {
        let dir = project(name, &files);
        let file = files[0].0;
        for (format, code, output) in check_all(&dir) {
            assert_eq!(code, 2, "{name} {format}: {output}");
            assert!(output.contains("E0012"), "{name} {format}: {output}");
            assert!(
                output.contains(file),
                "{name} {format} does not name {file}: {output}"
            );
        }
        let (_, json, _) = ismsc(&["check", &path_str(&dir), "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        let d = &doc["diagnostics"][0];
        assert_eq!(d["code"], "E0012");
        assert_eq!(d["file"], file);
        assert!(d["help"].as_str().is_some_and(|h| !h.is_empty()));
        remove(&dir);
    }
}

#[cfg(unix)]
#[test]
fn unreadable_entries_are_findings() {
    let dir = project(
        "unreadable",
        &[("a.isms", b"person ciso \"Dana\" { role = \"CISO\" }\n")],
    );
    // A link that leads nowhere.
    std::os::unix::fs::symlink(dir.join("gone.isms"), dir.join("b.isms")).expect("link");
    // A folder deeper than the longest path the system takes.
    let name = "d".repeat(200);
    let script = format!(
        "cd '{}' && for i in $(seq 24); do mkdir {name} && cd {name}; done && echo > deep.isms",
        dir.display()
    );
    let made = std::process::Command::new("bash")
        .args(["-c", &script])
        .status();
    assert!(made.is_ok_and(|s| s.success()));
    let a = analyze(Input::from_dir(&dir), &options());
    let found: Vec<String> = a
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d.code,
                a.sources.name(d.primary.span.file),
                d.message
            )
        })
        .collect();
    assert!(
        found.iter().any(|f| f
            .starts_with("E0011 b.isms `b.isms` cannot be read: it is a link that leads nowhere")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("E0011 ") && f.contains("the path is too long")),
        "{found:?}"
    );
    assert!(a.io_failed() && a.load_failed);
    // Without read permission (root reads everything, so only as another user).
    let locked = dir.join("locked");
    std::fs::create_dir(&locked).expect("folder");
    std::fs::write(locked.join("c.isms"), "\n").expect("file");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read_dir(&locked).is_err() {
        let a = analyze(Input::from_dir(&dir), &options());
        assert!(
            a.diagnostics
                .iter()
                .any(|d| d.code == Code::E0011 && d.message.contains("permission denied")),
            "{:?}",
            a.diagnostics
        );
    } else {
        eprintln!("skipped the permission case: this user reads folders without permission (root)");
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let _ = std::process::Command::new("rm")
        .args(["-rf", &path_str(dir.parent().expect("scratch"))])
        .status();
}

#[test]
fn a_missing_or_empty_project_folder_is_a_finding() {
    let dir = scratch("no-project");
    for (target, code) in [(dir.join("missing"), "E0011"), (dir.clone(), "E0010")] {
        for (format, exit, output) in check_all(&target) {
            assert_eq!(exit, 2, "{format}: {output}");
            assert!(output.contains(code), "{format}: {output}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// ----- 6. lone CR line ends -------------------------------------------------------------------

#[test]
fn a_lone_carriage_return_ends_a_line() {
    let text = b"// fixture\rperson a \"A\" {\r  role = 1\r}\r";
    let dir = project("lone-cr", &[("a.isms", text)]);
    let (_, out, _) = ismsc(&["check", &path_str(&dir), "--format", "short"]);
    assert!(out.contains("E0203 error a.isms:3:10"), "{out}");
    let (_, _, err) = ismsc(&["check", &path_str(&dir)]);
    assert!(err.contains(" 3 │   role = 1\n"), "{err}");
    assert!(!err.contains('\r'), "{err:?}");
    remove(&dir);
}

// ----- 7. linear: recovery and manifest --------------------------------------------------------

/// The time of `ismsc check --format FORMAT` on a project whose `a.isms` and manifest are
/// made by `make(n)`.
fn time_check(name: &str, format: &str, n: usize, make: &dyn Fn(usize) -> (String, String)) -> f64 {
    let (isms, manifest) = make(n);
    let dir = project(
        &format!("{name}-{n}"),
        &[
            ("isms.toml", manifest.as_bytes()),
            ("a.isms", isms.as_bytes()),
        ],
    );
    let start = std::time::Instant::now();
    let (code, _, _) = ismsc_within(120, &["check", &path_str(&dir), "--format", format]);
    let took = start.elapsed().as_secs_f64();
    assert_eq!(code, 1);
    remove(&dir);
    took
}

/// Work 4 times as large takes less than 10 times as long (quadratic work takes 16 times).
fn assert_linear(name: &str, format: &str, n: usize, make: &dyn Fn(usize) -> (String, String)) {
    let small = time_check(name, format, n, make).max(0.02);
    let large = time_check(name, format, 4 * n, make);
    assert!(
        large < 10.0 * small,
        "{name}: {n} took {small:.2} s, {} took {large:.2} s",
        4 * n
    );
}

#[test]
fn many_broken_lines_are_reported_in_linear_time() {
    let broken = |n: usize| {
        let isms: String = (0..n)
            .map(|i| format!("control c{i} \"T\" {{ status = = }}\n"))
            .collect();
        (isms, MANIFEST.to_string())
    };
    // Human rendering read the whole file for every finding: 10,000 took 112 s.
    assert_linear("broken-human", "human", 2_000, &broken);
    assert_linear("broken-short", "short", 5_000, &broken);
}

#[test]
fn a_manifest_with_many_keys_is_read_in_linear_time() {
    let keys = |n: usize| {
        let mut manifest = format!("{MANIFEST}[lints]\n");
        for i in 0..n {
            manifest.push_str(&format!("k{i} = \"deny\"\n"));
        }
        ("isms \"x\" {}\n".to_string(), manifest)
    };
    assert_linear("lint-keys", "short", 5_000, &keys);
}

// ----- 8. writes that never lose data ---------------------------------------------------------

fn small() -> PathBuf {
    repo().join("tests/emit/small")
}

fn build_into(out: &Path) -> (u8, String) {
    let (code, _, err) = ismsc(&[
        "build",
        &path_str(&small()),
        "--out",
        &path_str(out),
        "--format",
        "data",
        "--today",
        TODAY,
    ]);
    (code, err)
}

#[test]
fn build_never_deletes_a_folder_it_did_not_write() {
    let dir = scratch("thesis");
    let out = dir.join("u");
    std::fs::create_dir_all(out.join("pdf")).expect("folders");
    std::fs::write(out.join("pdf/thesis.pdf"), "my thesis").expect("thesis");
    let (code, err) = build_into(&out);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("was not written by ismsc"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("pdf/thesis.pdf")).expect("kept"),
        "my thesis"
    );
    // An empty folder is taken, and marked as ismsc's from then on.
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).expect("folder");
    let (code, err) = build_into(&empty);
    assert_eq!(code, 0, "{err}");
    assert!(empty.join(write::MARKER).is_file());
    let (code, err) = build_into(&empty);
    assert_eq!(code, 0, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A folder with the marker and one file, as a killed build leaves it.
fn leftover(path: &Path, content: &str) {
    std::fs::create_dir_all(path).expect("folder");
    std::fs::write(path.join(write::MARKER), "").expect("marker");
    std::fs::write(path.join("soa.json"), content).expect("file");
}

#[test]
fn leftovers_of_killed_builds_are_cleaned_up() {
    let dir = scratch("leftovers");
    let out = dir.join("dist");
    leftover(&dir.join("dist.tmp-4242-0"), "half");
    leftover(&dir.join("dist.old-4242-1"), "old");
    // Not recognised: no marker, or not the name of a build's folder.
    std::fs::create_dir_all(dir.join("dist.tmp-1-2")).expect("folder");
    leftover(&dir.join("dist.backup"), "mine");
    let (code, err) = build_into(&out);
    assert_eq!(code, 0, "{err}");
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .expect("scratch")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["dist", "dist.backup", "dist.tmp-1-2"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_build_killed_between_its_renames_is_repaired_by_the_next() {
    let dir = scratch("repair");
    let out = dir.join("dist");
    // The previous output, moved aside by a build that was killed before the new one was in
    // place, and a new build that fails while writing: the previous output is put back.
    leftover(&dir.join("dist.old-4242-0"), "previous");
    let bad = [OutputFile::text("bad\0name.json", "{}".into())];
    assert!(write::replace_dir(&out, &bad).is_err());
    assert_eq!(
        std::fs::read_to_string(out.join("soa.json")).expect("restored"),
        "previous"
    );
    let left = std::fs::read_dir(&dir).expect("scratch").count();
    assert_eq!(left, 1, "nothing else is left");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(target_os = "linux")]
#[test]
fn the_output_folder_is_never_missing_while_it_is_replaced() {
    let dir = scratch("exchange");
    let out = dir.join("dist");
    let files: Vec<OutputFile> = (0..50)
        .map(|i| OutputFile::text(format!("f{i}.txt"), i.to_string()))
        .collect();
    write::replace_dir(&out, &files).expect("first build");
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let watched = out.clone();
    let watcher = std::thread::spawn(move || {
        let mut looks = 0u64;
        while stop_rx.try_recv().is_err() {
            assert!(
                watched.join(write::MARKER).is_file(),
                "the output was missing after {looks} looks"
            );
            looks += 1;
        }
        looks
    });
    for _ in 0..30 {
        write::replace_dir(&out, &files).expect("build");
    }
    let _ = stop_tx.send(());
    let looks = watcher.join().expect("the output was always there");
    assert!(looks > 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn import_out_replaces_its_file_atomically() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = scratch("import-out");
    let target = dir.join("framework.isms");
    std::fs::write(&target, "old\n").expect("old file");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let inode = std::fs::metadata(&target).expect("meta").ino();
    let catalog = dir.join("catalog.json");
    std::fs::write(&catalog, r#"{"catalog":{"uuid":"x","metadata":{"title":"T","version":"1"},"controls":[{"id":"c-1","title":"One"}]}}"#).expect("catalog");
    let (code, _, err) = ismsc(&[
        "import",
        "oscal-catalog",
        &path_str(&catalog),
        "--out",
        &path_str(&target),
    ]);
    assert_eq!(code, 0, "{err}");
    let meta = std::fs::metadata(&target).expect("meta");
    assert_ne!(
        meta.ino(),
        inode,
        "the file was written in place, not replaced"
    );
    assert_eq!(meta.permissions().mode() & 0o777, 0o640, "permissions kept");
    assert!(std::fs::read_to_string(&target)
        .expect("new")
        .contains("framework"));
    // A failed import leaves the file as it was, and no temporary file.
    std::fs::write(&catalog, "not json").expect("broken catalog");
    let before = std::fs::read(&target).expect("file");
    let (code, _, _) = ismsc(&[
        "import",
        "oscal-catalog",
        &path_str(&catalog),
        "--out",
        &path_str(&target),
    ]);
    assert_eq!(code, 2);
    assert_eq!(std::fs::read(&target).expect("file"), before);
    assert_eq!(
        std::fs::read_dir(&dir).expect("dir").count(),
        2,
        "a temporary file is left"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ----- 9. output that cannot attack its reader --------------------------------------------------

/// Text with every kind of hazard: an OSC title change and screen clear, BEL, NUL, an 8-bit
/// CSI, and Trojan Source's bidirectional overrides and isolates.
const HAZARDS: &str =
    "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{0}\u{9b}31m fake\u{202e}evil\u{2066}x\u{2069}";

/// The hostile project of the `publish` tests with hazards in every kind of user text.
fn trojan_project(name: &str) -> PathBuf {
    let hostile = repo().join("tests/publish/hostile");
    let text = std::fs::read_to_string(hostile.join("main.isms")).expect("hostile project");
    let h = HAZARDS;
    let mut isms = text
        .replace(
            "\"<script>alert(1)</script>\" {\n  organization",
            &format!("\"Trojan {h}\" {{\n  organization"),
        )
        .replace("\"Small control set\"", &format!("\"Small {h}\""))
        .replace("\"Strong authentication\"", &format!("\"Strong {h}\""))
        .replace(
            "\"Dana <img src=x onerror=alert(1)>\"",
            &format!("\"Dana {h} #lt;script#gt; \\\"a\\\"; b\""),
        )
        .replace("\"Phishing-resistant MFA\"", &format!("\"MFA {h}\""))
        .replace(
            "\"Deletion by mistake, or ransomware\"",
            &format!("\"Ransomware {h}\""),
        )
        .replace(
            "\"Customers ask for yearly awareness training\"",
            &format!("\"Training {h}\""),
        )
        .replace(
            "    # Access control\n",
            &format!("    # Access control {h}\n\n    Text {h} and `code {h}`.\n"),
        );
    isms.push_str(&format!("// a comment {h}\n"));
    assert_eq!(
        isms.matches("pwned").count(),
        11,
        "every replacement applied"
    );
    project(name, &[("main.isms", isms.as_bytes())])
}

#[test]
fn findings_print_no_raw_control_character() {
    let dir = trojan_project("trojan-check");
    let a = analyze(Input::from_dir(&dir), &options());
    assert!(
        a.diagnostics.iter().any(|d| d.code == Code::W0006),
        "{:?}",
        a.diagnostics
    );
    for (format, _, output) in check_all(&dir) {
        assert_no_hazard(format, &output);
        if ["human", "short", "github", "junit"].contains(&format) {
            assert!(
                output.contains('\u{241b}') || output.contains("W0006"),
                "{format}: {output}"
            );
        }
    }
    let (_, human, err) = ismsc(&["check", &path_str(&dir), "--today", TODAY]);
    let human = format!("{human}{err}");
    assert!(
        human.contains("\u{241b}]0;pwned\u{2407}\u{241b}[2J\u{2400}<U+009B>31m"),
        "{human}"
    );
    assert!(human.contains("<U+202E>evil"), "{human}");
    remove(&dir);
}

#[test]
fn every_output_shows_hazards_visibly() {
    let dir = trojan_project("trojan-build");
    let out = dir.parent().expect("scratch").join("dist");
    let (code, _, err) = ismsc_within(
        120,
        &[
            "build",
            &path_str(&dir),
            "--out",
            &path_str(&out),
            "--today",
            TODAY,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_no_hazard("build messages", &err);
    let files = tree(&out);
    let mut seen = 0;
    for (name, bytes) in &files {
        if let Ok(text) = std::str::from_utf8(bytes) {
            assert_no_hazard(name, text);
            seen += 1;
        }
    }
    assert!(seen > 20, "{seen} text files");
    let mmd = String::from_utf8(files["graph.mmd"].clone()).expect("mermaid");
    assert!(
        mmd.contains("#35;lt#59;script#35;gt#59; #quot;a#quot;#59; b"),
        "{mmd}"
    );
    let html = String::from_utf8(files["site/controls.html"].clone()).expect("html");
    assert!(
        html.contains("MFA \u{241b}]0;pwned"),
        "the site shows the stand-ins"
    );
    assert!(html.contains("&lt;U+202E&gt;evil"), "{html}");
    // The workbook's cells.
    use calamine::{Data, Reader, Xlsx};
    let mut wb = Xlsx::new(std::io::Cursor::new(files["soa.xlsx"].clone())).expect("workbook");
    for sheet in wb.sheet_names() {
        for (_, _, cell) in wb.worksheet_range(&sheet).expect("sheet").used_cells() {
            if let Data::String(s) = cell {
                assert_no_hazard(&sheet, s);
            }
        }
    }
    // The PDF's text.
    let pdf = pdf_extract::extract_text_from_mem(&files["pdf/access-control.pdf"]).expect("text");
    assert_no_hazard("pdf/access-control.pdf", &pdf);
    assert!(pdf.contains("U+202E"), "{pdf}");
    // And what goes to the terminal.
    for args in [
        vec!["graph", "--format", "dot"],
        vec!["graph", "--format", "mermaid"],
        vec!["soa"],
        vec!["soa", "--format", "csv"],
        vec!["soa", "--format", "json"],
    ] {
        let project = path_str(&dir);
        let mut argv = vec![args[0], project.as_str()];
        argv.extend(&args[1..]);
        let (_, out, err) = ismsc(&argv);
        assert_no_hazard(&args.join(" "), &format!("{out}{err}"));
    }
    remove(&dir);
}
