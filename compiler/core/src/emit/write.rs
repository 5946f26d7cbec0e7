//! Writing files so that no data is ever lost.
//!
//! Two writers, and every file ismsc writes goes through one of them:
//!
//! - [`write_atomic`] replaces one file (`ismsc fmt`, `import --out`, the lines `init` adds):
//!   the bytes go to a temporary file in the same folder, are flushed to disk (fsync), and
//!   the temporary file is renamed over the target, so a reader (or a kill, or a crash) sees
//!   the old file or the new one, never a part; [`create_file_atomic`] makes a new file the
//!   same way, never over an existing one (`ismsc init`);
//! - [`replace_dir`] replaces the output folder of `ismsc build`. The new output is written
//!   into a sibling folder `DIR.tmp-PID-N`, flushed, and swapped with `DIR` in one step by
//!   `renameat2(RENAME_EXCHANGE)` (Linux; `renamex_np(RENAME_SWAP)` on macOS; rustix calls
//!   it, a crate already in the dependency graph), so `DIR` always holds the old output or
//!   the new one. Where the exchange is not available, `DIR` is renamed aside to
//!   `DIR.old-PID-N` and the new folder into place; the next build puts such an old folder
//!   back if it was killed between the two renames.
//!
//! An output folder is ismsc's only when it holds the marker file [`MARKER`], written into
//! every output. An existing folder without it (a user's folder given as `--out`) is never
//! replaced, nor anything in it deleted; an empty folder is taken. Builds into one parent
//! folder hold a lock on it (`flock`), so two builds do not interleave, and leftovers of
//! builds that were killed (`DIR.tmp-*`, `DIR.old-*` holding the marker) are removed.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::OutputFile;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The marker file at the root of every output folder of `ismsc build`.
pub const MARKER: &str = ".ismsc-build";

/// What the marker file says.
const MARKER_TEXT: &str = "This folder was written by `ismsc build`. The next build replaces it as a whole, so\nfiles put here by hand are lost then. Delete this file to keep ismsc from replacing the folder.\n";

/// Why the output could not be written; the message is ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteError(pub String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn io_error(what: &str, path: &Path, e: io::Error) -> WriteError {
    WriteError(format!(
        "cannot {what} `{}`: {}",
        path.display(),
        crate::driver::reason(&e)
    ))
}

/// A name unique to this process and call, for temporary files and folders.
fn tag() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The folder of `path` (`.` for a bare file name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Flushes a folder's entries to disk (where folders can be opened; best effort).
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn write_file(path: &Path, content: &[u8]) -> Result<(), WriteError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| io_error("create", path, e))?;
    f.write_all(content)
        .and_then(|_| f.sync_all())
        .map_err(|e| io_error("write", path, e))
}

/// Whether `dir` is a real folder (not a link) holding the marker as a regular file.
fn is_marked(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// Whether `dir` may be replaced: `Ok(false)` when it does not exist, `Ok(true)` when it is
/// an output of ismsc or an empty folder; refused otherwise, before anything is touched.
fn check_existing(dir: &Path) -> Result<bool, WriteError> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(io_error("read", dir, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(WriteError(format!(
            "`{}` is a link, so it is not replaced; name the output folder itself with `--out`",
            dir.display()
        )));
    }
    if !meta.is_dir() {
        return Err(WriteError(format!(
            "`{}` exists and is not a folder; choose another output folder with `--out`",
            dir.display()
        )));
    }
    if is_marked(dir) {
        return Ok(true);
    }
    let mut entries = fs::read_dir(dir).map_err(|e| io_error("read", dir, e))?;
    if entries.next().is_none() {
        return Ok(true);
    }
    Err(WriteError(format!(
        "`{}` was not written by ismsc (it has no `{MARKER}` file), so nothing in it is replaced; choose an empty or new folder with `--out`, or remove it",
        dir.display()
    )))
}

/// Swaps two paths in one step, where the system can.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// A lock on the folder that holds the output, so builds into it do not interleave;
/// `None` where folders cannot be locked (the leftovers of killed builds are then left).
fn lock(parent: &Path) -> Option<fs::File> {
    let dir = fs::File::open(parent).ok()?;
    dir.lock().ok()?;
    Some(dir)
}

/// The leftovers of killed builds of `name` in `parent`: `NAME.tmp-P-N` and `NAME.old-P-N`
/// folders holding the marker, with their kind (`"tmp"` or `"old"`).
fn leftovers(parent: &Path, name: &str) -> Vec<(PathBuf, &'static str)> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(name)) else {
            continue;
        };
        let (kind, tag) = if let Some(t) = rest.strip_prefix(".tmp-") {
            ("tmp", t)
        } else if let Some(t) = rest.strip_prefix(".old-") {
            ("old", t)
        } else {
            continue;
        };
        let is_tag = tag.split_once('-').is_some_and(|(p, n)| {
            [p, n]
                .iter()
                .all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        });
        if is_tag && is_marked(&entry.path()) {
            found.push((entry.path(), kind));
        }
    }
    found.sort();
    found
}

/// Replaces the folder `dir` by a folder holding exactly `files` and the marker, so that
/// `dir` always holds either the previous output or the new one (see the module's doc).
pub fn replace_dir(dir: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(WriteError(format!(
            "`{}` cannot be an output folder: name a folder, e.g. `--out dist`",
            dir.display()
        )));
    };
    let parent = parent_of(dir);
    fs::create_dir_all(&parent).map_err(|e| io_error("create", &parent, e))?;
    let locked = lock(&parent);
    if locked.is_some() {
        // With the lock held, every leftover is of a build that is gone.
        if fs::symlink_metadata(dir).is_err() {
            // A build killed between its two renames left the previous output aside: put
            // it back.
            let newest = leftovers(&parent, &name)
                .into_iter()
                .filter(|(_, kind)| *kind == "old")
                .max_by_key(|(p, _)| fs::metadata(p).and_then(|m| m.modified()).ok());
            if let Some((old, _)) = newest {
                let _ = fs::rename(old, dir);
            }
        }
        for (leftover, _) in leftovers(&parent, &name) {
            let _ = fs::remove_dir_all(leftover);
        }
    }
    let exists = check_existing(dir)?;
    let tag = tag();
    let tmp = parent.join(format!("{name}.tmp-{tag}"));
    fs::create_dir(&tmp).map_err(|e| io_error("create", &tmp, e))?;
    let written = write_file(&tmp.join(MARKER), MARKER_TEXT.as_bytes()).and_then(|_| {
        files
            .iter()
            .try_for_each(|f| write_file(&tmp.join(&f.name), &f.content))
    });
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    sync_dir(&tmp);
    let placed = if !exists {
        fs::rename(&tmp, dir).map_err(|e| {
            let _ = fs::remove_dir_all(&tmp);
            io_error("create", dir, e)
        })
    } else if exchange(&tmp, dir).is_ok() {
        // `tmp` holds the previous output now.
        let _ = fs::remove_dir_all(&tmp);
        Ok(())
    } else {
        let old = parent.join(format!("{name}.old-{tag}"));
        match fs::rename(dir, &old) {
            Err(e) => {
                let _ = fs::remove_dir_all(&tmp);
                Err(io_error("replace", dir, e))
            }
            Ok(()) => match fs::rename(&tmp, dir) {
                Err(e) => {
                    // Put the previous output back.
                    let _ = fs::rename(&old, dir);
                    let _ = fs::remove_dir_all(&tmp);
                    Err(io_error("replace", dir, e))
                }
                Ok(()) => {
                    let _ = fs::remove_dir_all(&old);
                    Ok(())
                }
            },
        }
    };
    sync_dir(&parent);
    drop(locked);
    placed
}

/// Creates the file `path`, which must not exist, with `bytes` atomically: a temporary file
/// in the same folder is written, flushed and linked to `path` (a hard link is never made
/// over an existing file), so `path` is complete or absent.
pub fn create_file_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let Some(name) = path.file_name() else {
        return Err(WriteError(format!(
            "`{}` is not a file name",
            path.display()
        )));
    };
    let parent = parent_of(path);
    let tmp = parent.join(format!(".{}.tmp-{}", name.to_string_lossy(), tag()));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| io_error("create", &tmp, e))?;
        file.write_all(bytes)
            .and_then(|_| file.sync_all())
            .map_err(|e| io_error("write", &tmp, e))?;
        match fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(io_error("create", path, e)),
            // A file system without hard links: check, then rename.
            Err(_) if fs::symlink_metadata(path).is_err() => {
                fs::rename(&tmp, path).map_err(|e| io_error("create", path, e))
            }
            Err(e) => Err(io_error("create", path, e)),
        }
    })();
    let _ = fs::remove_file(&tmp);
    if result.is_ok() {
        sync_dir(&parent);
    }
    result
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
            create_file_atomic(path, content.as_bytes())?;
            made_files.push(path.clone());
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
            write_atomic(path, new.as_bytes())?;
        }
        Ok(())
    })();
    if result.is_err() {
        for (path, old) in restore.into_iter().rev() {
            let _ = match old {
                Some(bytes) => write_atomic(&path, &bytes),
                None => fs::remove_file(&path).map_err(|e| io_error("remove", &path, e)),
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
