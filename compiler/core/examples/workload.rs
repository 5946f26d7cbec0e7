//! Writes a generated project to a folder, for timing whole commands (`ismsc check`) on the
//! shapes the criterion benchmark uses:
//!
//! `cargo run --release -p ismsc-core --example workload -- (workload|realistic) N OUT`

#[path = "../benches/check.rs"]
#[allow(dead_code)]
mod bench;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(shape), Some(n), Some(out)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: workload (workload|realistic) N OUT");
        return ExitCode::from(2);
    };
    let files = match shape.as_str() {
        "workload" => bench::workload(n),
        "realistic" => bench::realistic(n),
        _ => {
            eprintln!("unknown shape `{shape}`: workload or realistic");
            return ExitCode::from(2);
        }
    };
    let out = std::path::Path::new(out);
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("{}: {e}", out.display());
        return ExitCode::from(2);
    }
    for (name, text) in files {
        if let Err(e) = std::fs::write(out.join(&name), text) {
            eprintln!("{name}: {e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
