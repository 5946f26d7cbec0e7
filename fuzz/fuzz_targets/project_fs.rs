//! A project folder made from the bytes (files, links, named pipes, sockets, devices, sparse
//! files, odd encodings and names) is loaded and checked without panic or hang, and nothing
//! outside it reaches an output (`isms_fuzz::project_fs`).
#![no_main]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use libfuzzer_sys::fuzz_target;

static RUN: AtomicU64 = AtomicU64::new(0);

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("isms-fuzz-fs-{}", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let base = scratch();
    let dir = base.join(format!("p{}", RUN.fetch_add(1, Ordering::Relaxed)));
    let outside = base.join("outside");
    let _ = std::fs::remove_dir_all(&dir);
    if std::fs::create_dir_all(&dir).is_ok() {
        isms_fuzz::project_fs(data, &dir, &outside);
    }
    let _ = std::fs::remove_dir_all(&dir);
});
