//! Writing the build output atomically, and replacing one file atomically
//! ([`write_atomic`]).
//!
//! Everything is written into a fresh sibling folder (`DIR.tmp-PID-N`), which then replaces
//! `DIR` by renames; the previous output is removed only once the new one is in place. A
//! build that fails part-way leaves the previous output as it was.
//!
//! An existing `DIR` is replaced only if it holds nothing but what a build writes (the
//! top-level names of the files being written), so `--out` pointing at a folder of other
//! files (the project, a home folder) is refused instead of wiped.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::OutputFile;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Why the output could not be written; the message is ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError(pub String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn io_error(what: &str, path: &Path, e: io::Error) -> WriteError {
    WriteError(format!("cannot {what} `{}`: {e}", path.display()))
}

/// Refuses a `dir` that is not a folder, or that holds anything a build does not write.
fn check_existing(dir: &Path, ours: &[&str]) -> Result<bool, WriteError> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_error("read", dir, e)),
    };
    if !meta.is_dir() {
        return Err(WriteError(format!(
            "`{}` exists and is not a folder; choose another output folder with `--out`",
            dir.display()
        )));
    }
    let mut foreign = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io_error("read", dir, e))? {
        let entry = entry.map_err(|e| io_error("read", dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_link = entry.file_type().map(|t| t.is_symlink()).unwrap_or(true);
        if is_link || !ours.contains(&name.as_str()) {
            foreign.push(name);
        }
    }
    if !foreign.is_empty() {
        foreign.sort();
        return Err(WriteError(format!(
            "`{}` holds files that ismsc did not write (`{}`), so it is not replaced; choose an empty or new folder with `--out`, or remove it",
            dir.display(),
            foreign.join("`, `")
        )));
    }
    Ok(true)
}

fn write_file(path: &Path, content: &[u8]) -> Result<(), WriteError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
    }
    let mut f = fs::File::create(path).map_err(|e| io_error("create", path, e))?;
    f.write_all(content)
        .and_then(|_| f.sync_all())
        .map_err(|e| io_error("write", path, e))
}

/// Replaces the folder `dir` by a folder holding exactly `files`, atomically. `known` are
/// the other top-level names any build writes (an existing folder holding only those and the
/// names of `files` may be replaced).
pub fn replace_dir(dir: &Path, files: &[OutputFile], known: &[&str]) -> Result<(), WriteError> {
    let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(WriteError(format!(
            "`{}` cannot be an output folder: name a folder, e.g. `--out dist`",
            dir.display()
        )));
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // What any build writes may be replaced, whatever `--format` chose this time.
    let mut ours: Vec<&str> = files
        .iter()
        .filter_map(|f| f.name.split('/').next())
        .collect();
    ours.extend_from_slice(known);
    ours.sort_unstable();
    ours.dedup();
    let exists = check_existing(dir, &ours)?;
    fs::create_dir_all(&parent).map_err(|e| io_error("create", &parent, e))?;
    let tag = format!(
        "{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let tmp = parent.join(format!("{name}.tmp-{tag}"));
    if fs::symlink_metadata(&tmp).is_ok() {
        fs::remove_dir_all(&tmp).map_err(|e| io_error("remove", &tmp, e))?;
    }
    fs::create_dir(&tmp).map_err(|e| io_error("create", &tmp, e))?;
    let written = files
        .iter()
        .try_for_each(|f| write_file(&tmp.join(&f.name), &f.content));
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if !exists {
        return fs::rename(&tmp, dir).map_err(|e| {
            let _ = fs::remove_dir_all(&tmp);
            io_error("create", dir, e)
        });
    }
    let old = parent.join(format!("{name}.old-{tag}"));
    if let Err(e) = fs::rename(dir, &old) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(io_error("replace", dir, e));
    }
    if let Err(e) = fs::rename(&tmp, dir) {
        // Put the previous output back.
        let _ = fs::rename(&old, dir);
        let _ = fs::remove_dir_all(&tmp);
        return Err(io_error("replace", dir, e));
    }
    // The new output is in place; a leftover old folder is only untidy.
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Replaces the content of one file atomically (`ismsc fmt`, `ismsc import --out`): the
/// content is written to a temporary file in the same folder (`.NAME.tmp-PID-N`), flushed to
/// disk, given the permissions of the file it replaces, and renamed over it, so a reader sees
/// the old content or the new, never a part. A link is followed: the file it points to is
/// replaced and the link kept. When a step fails, the temporary file is removed and the file
/// is as it was.
pub fn write_atomic(path: &Path, content: &[u8]) -> Result<(), WriteError> {
    let target = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            path.canonicalize().map_err(|e| io_error("read", path, e))?
        }
        _ => path.to_path_buf(),
    };
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(WriteError(format!(
            "`{}` is not a file name",
            path.display()
        )));
    };
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let permissions = fs::metadata(&target).ok().map(|m| m.permissions());
    let tmp = folder.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| io_error("create", &tmp, e))?;
        f.write_all(content)
            .and_then(|_| f.sync_all())
            .map_err(|e| io_error("write", &tmp, e))?;
        if let Some(p) = permissions {
            fs::set_permissions(&tmp, p).map_err(|e| io_error("write", &tmp, e))?;
        }
        fs::rename(&tmp, &target).map_err(|e| io_error("replace", path, e))
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written?;
    // The rename is durable once the folder is flushed; not every platform can open one.
    if let Ok(dir) = fs::File::open(&folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Creates new files (`ismsc init`): each `(path, content)` of `create` must not exist yet
/// (it is created with `create_new`, so nothing is ever overwritten), missing folders are
/// made, and each `(path, line)` of `append` gets `line` added at its end unless it already
/// holds it (the file is created if missing). When any step fails, the files and folders
/// created so far are removed again and the appended files restored, so a failed scaffold
/// leaves things as they were.
pub fn scaffold(
    create: &[(PathBuf, String)],
    append: &[(PathBuf, String)],
) -> Result<(), WriteError> {
    let mut made_files: Vec<PathBuf> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let mut restore: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    let result = (|| {
        for (path, content) in create {
            make_parents(path, &mut made_dirs)?;
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| io_error("create", path, e))?;
            made_files.push(path.clone());
            file.write_all(content.as_bytes())
                .and_then(|_| file.sync_all())
                .map_err(|e| io_error("write", path, e))?;
        }
        for (path, line) in append {
            let old = match fs::read(path) {
                Ok(bytes) => Some(bytes),
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(e) => return Err(io_error("read", path, e)),
            };
            let text = old
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            if text.lines().any(|l| l.trim() == line.trim()) {
                continue;
            }
            let mut new = text.into_owned();
            if !new.is_empty() && !new.ends_with('\n') {
                new.push('\n');
            }
            new.push_str(line);
            new.push('\n');
            make_parents(path, &mut made_dirs)?;
            restore.push((path.clone(), old));
            fs::write(path, new).map_err(|e| io_error("write", path, e))?;
        }
        Ok(())
    })();
    if result.is_err() {
        for (path, old) in restore.into_iter().rev() {
            let _ = match old {
                Some(bytes) => fs::write(&path, bytes),
                None => fs::remove_file(&path),
            };
        }
        for path in made_files.iter().rev() {
            let _ = fs::remove_file(path);
        }
        for dir in made_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
    result
}

/// Makes the missing folders above `path`, recording each one made.
fn make_parents(path: &Path, made: &mut Vec<PathBuf>) -> Result<(), WriteError> {
    let Some(parent) = path.parent() else {
        return Ok(());
    };
    let mut missing: Vec<&Path> = parent
        .ancestors()
        .take_while(|p| !p.as_os_str().is_empty() && !p.exists())
        .collect();
    missing.reverse();
    for dir in missing {
        fs::create_dir(dir).map_err(|e| io_error("create", dir, e))?;
        made.push(dir.to_path_buf());
    }
    Ok(())
}
