//! `ismsc`: wires the command line to the process.

use std::io::IsTerminal;
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // The process ends right after the command: its analysis is not freed item by item.
    ismsc::cli::leak_at_exit();
    // Not locked for the whole run either: `ismsc lsp` writes from a thread of its own.
    let mut out = std::io::stdout();
    // Not locked for the whole run: the progress bar of `ismsc build` draws on standard error
    // from the threads that typeset PDFs.
    let mut err = std::io::stderr();
    let mut input = std::io::stdin().lock();
    let mut io = ismsc::cli::Io {
        input: &mut input,
        err_is_terminal: std::io::stderr().is_terminal(),
        out: &mut out,
        err: &mut err,
    };
    ExitCode::from(ismsc::cli::run(std::env::args_os().collect(), &mut io))
}
