#![doc = include_str!("../../../ARCHITECTURE.md")]
#![deny(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod brand;
pub mod check;
pub mod diag;
pub mod diff;
pub mod driver;
pub mod emit;
pub mod facts;
pub mod fmt;
pub mod git;
pub mod history;
pub mod import;
pub mod init;
pub mod manifest;
pub mod migrate;
pub mod model;
pub mod par;
pub mod source;
pub mod stdlib;
pub mod suggest;
pub mod syntax;
pub mod text;

pub use driver::{analyze, Analysis, Input, Options};
