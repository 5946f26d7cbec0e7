//! `ismsc`, the command line: parses arguments, runs the core's analysis and the publishing
//! crate's build, and prints. The only crate that talks to the terminal.
#![deny(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod cli;
pub mod lsp;
