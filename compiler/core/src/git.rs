//! The one place that runs the `git` binary: a project as committed at a revision
//! (`ismsc diff --since`), and the commits behind a document's sources (`history`).
//!
//! Git is called as a process, read-only (`rev-parse`, `ls-tree`, `cat-file`, `log`), with the
//! variables a hook may set (`GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`) removed, so that the
//! repository is always the one around the folder named. Output that depends on the user's
//! configuration is pinned (no colour, no signatures, no mailmap, full commit ids), so the same
//! commit gives the same answers on every machine.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Why git could not answer; the message is ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitError(pub String);

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GitError {}

/// A `git` command run in `dir`.
fn command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .args([
            "-c",
            "core.quotepath=off",
            "-c",
            "log.showSignature=false",
            "-c",
            "color.ui=false",
        ])
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_NAMESPACE")
        .env("LC_ALL", "C");
    cmd
}

/// Runs `git -C dir ARGS` with `input` on standard input; its standard output, or its message.
fn run(dir: &Path, args: &[&str], input: Option<Vec<u8>>) -> Result<Vec<u8>, GitError> {
    let mut cmd = command(dir);
    cmd.args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| {
        GitError(if e.kind() == std::io::ErrorKind::NotFound {
            "`git` is not installed (or not on the PATH)".to_string()
        } else {
            format!("cannot run `git`: {e}")
        })
    })?;
    // Standard input is written on its own thread, so a large answer never blocks the writer.
    let writer = match (input, child.stdin.take()) {
        (Some(bytes), Some(mut stdin)) => Some(std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        })),
        _ => None,
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_end(&mut out);
    }
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_end(&mut err);
    }
    if let Some(w) = writer {
        let _ = w.join();
    }
    let status = child
        .wait()
        .map_err(|e| GitError(format!("cannot run `git`: {e}")))?;
    if status.success() {
        Ok(out)
    } else {
        let msg = String::from_utf8_lossy(&err);
        let msg = msg
            .lines()
            .map(|l| l.trim_start_matches("fatal: ").trim())
            .find(|l| !l.is_empty())
            .unwrap_or("git failed")
            .to_string();
        Err(GitError(msg))
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim_end().to_string()
}

/// Where a folder is in its git work tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The root of the work tree.
    pub root: std::path::PathBuf,
    /// The folder's path from the root, with `/` separators and a final `/` (empty at the
    /// root).
    pub prefix: String,
}

/// Where `dir` is in the git work tree that holds it; an error outside a work tree or
/// without git.
pub fn place(dir: &Path) -> Result<Place, GitError> {
    let root = text(run(dir, &["rev-parse", "--show-toplevel"], None)?);
    let prefix = text(run(dir, &["rev-parse", "--show-prefix"], None)?);
    Ok(Place {
        root: std::path::PathBuf::from(root),
        prefix,
    })
}

/// The full id of the commit `rev` names (a branch, a tag, `HEAD~1`, an id).
pub fn commit(dir: &Path, rev: &str) -> Result<String, GitError> {
    if rev.starts_with('-') || rev.is_empty() {
        return Err(GitError(format!("`{rev}` is not a revision")));
    }
    run(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
        None,
    )
    .map(text)
    .ok()
    .filter(|id| !id.is_empty())
    .ok_or_else(|| {
        GitError(format!(
            "`{rev}` is not a commit of the repository that holds `{}`",
            dir.display()
        ))
    })
}

/// Reads blobs by name (`COMMIT:path`, or an object id) through one `git cat-file --batch`;
/// `None` for a name that does not exist.
pub fn blobs(dir: &Path, names: &[String]) -> Result<Vec<Option<Vec<u8>>>, GitError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut input = Vec::new();
    for n in names {
        input.extend_from_slice(n.as_bytes());
        input.push(b'\n');
    }
    let out = run(dir, &["cat-file", "--batch"], Some(input))?;
    let mut result = Vec::with_capacity(names.len());
    let mut rest: &[u8] = &out;
    for _ in names {
        let Some(nl) = rest.iter().position(|b| *b == b'\n') else {
            return Err(GitError("unexpected answer of `git cat-file`".into()));
        };
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        rest = &rest[nl + 1..];
        if header.ends_with(" missing") || header.ends_with(" ambiguous") {
            result.push(None);
            continue;
        }
        let mut parts = header.split(' ');
        let (_, kind, size) = (parts.next(), parts.next(), parts.next());
        let size: usize = size
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| GitError(format!("unexpected answer of `git cat-file`: {header}")))?;
        let Some(content) = rest.get(..size) else {
            return Err(GitError("unexpected end of `git cat-file`'s answer".into()));
        };
        result.push((kind == Some("blob")).then(|| content.to_vec()));
        rest = rest.get(size + 1..).unwrap_or(&[]);
    }
    Ok(result)
}

/// The files of the project folder `project` as committed at `rev`, relative to the folder
/// with `/` separators, skipping what `Input::from_dir` skips (hidden files and folders,
/// `dist/` and `target/` at the top) and files that are not UTF-8 text: what
/// `Input::from_memory` takes.
pub fn project_at(project: &Path, rev: &str) -> Result<Vec<(String, String)>, GitError> {
    let place = place(project)?;
    let id = commit(project, rev)?;
    let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", id.as_str()];
    let prefix = place.prefix.trim_end_matches('/').to_string();
    if !prefix.is_empty() {
        args.push("--");
        args.push(&prefix);
    }
    let listing = run(&place.root, &args, None)?;
    let mut wanted: Vec<(String, String)> = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (mode, kind, oid) = (meta.next(), meta.next(), meta.next());
        if kind != Some("blob") || mode == Some("120000") {
            continue;
        }
        let Some(rel) = path.strip_prefix(place.prefix.as_str()) else {
            continue;
        };
        let parts: Vec<&str> = rel.split('/').collect();
        if parts.iter().any(|p| p.starts_with('.'))
            || (parts.len() > 1 && matches!(parts.first(), Some(&"dist") | Some(&"target")))
        {
            continue;
        }
        if let Some(oid) = oid {
            wanted.push((rel.to_string(), oid.to_string()));
        }
    }
    if wanted.is_empty() {
        return Err(GitError(format!(
            "`{}` holds no files at `{rev}`",
            project.display()
        )));
    }
    let contents = blobs(
        &place.root,
        &wanted
            .iter()
            .map(|(_, oid)| oid.clone())
            .collect::<Vec<_>>(),
    )?;
    let mut files = Vec::new();
    for ((rel, _), content) in wanted.into_iter().zip(contents) {
        match content.map(String::from_utf8) {
            Some(Ok(text)) => files.push((rel, text)),
            Some(Err(_)) if rel.ends_with(".isms") || rel == "isms.toml" => {
                return Err(GitError(format!("`{rel}` at `{rev}` is not UTF-8 text")));
            }
            _ => {}
        }
    }
    files.sort();
    Ok(files)
}

/// One commit of a `git log`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    /// The full id.
    pub id: String,
    /// The author date, `YYYY-MM-DD` (in the author's time zone, as recorded).
    pub date: String,
    /// The author's name, as recorded (no mailmap).
    pub author: String,
    /// The subject line.
    pub subject: String,
    /// The paths it changed among those asked for, from the root of the work tree.
    pub paths: Vec<String>,
}

/// The commits of `HEAD` that changed any of `paths` (from the root of the work tree), newest
/// first, at most `limit`, with the paths each changed. Merges are left out (what they bring
/// is in the commits they merge).
pub fn log(root: &Path, paths: &[String], limit: usize) -> Result<Vec<Commit>, GitError> {
    if paths.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let max = format!("--max-count={limit}");
    let mut args = vec![
        "log",
        "--no-merges",
        "--no-renames",
        "--no-mailmap",
        max.as_str(),
        "--date=short",
        "--format=%x1e%H%x1f%ad%x1f%an%x1f%s",
        "--name-only",
        "-z",
        "HEAD",
        "--",
    ];
    args.extend(paths.iter().map(String::as_str));
    let out = match run(root, &args, None) {
        Ok(out) => out,
        // A repository without commits has no history.
        Err(e)
            if e.0.contains("does not have any commits")
                || e.0.contains("bad revision")
                || e.0.contains("unknown revision") =>
        {
            return Ok(Vec::new())
        }
        Err(e) => return Err(e),
    };
    let out = String::from_utf8_lossy(&out);
    let mut commits = Vec::new();
    for record in out.split('\u{1e}').filter(|r| !r.trim().is_empty()) {
        let (head, names) = record.split_once('\n').unwrap_or((record, ""));
        let mut fields = head.split('\u{1f}');
        let (Some(id), Some(date), Some(author), Some(subject)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let mut changed: Vec<String> = names
            .split('\0')
            .map(|n| n.trim_matches('\n'))
            .filter(|n| !n.is_empty())
            .map(String::from)
            .collect();
        changed.sort();
        changed.dedup();
        commits.push(Commit {
            id: id.trim().to_string(),
            date: date.to_string(),
            author: author.to_string(),
            subject: subject.trim_end_matches('\0').to_string(),
            paths: changed,
        });
    }
    Ok(commits)
}
