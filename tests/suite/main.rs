//! The test suite of ismsc: one binary, driven by fixture files.
//!
//! - `ui`: every fixture under `tests/ui/` is checked and its findings pinned in a snapshot.
//! - `codes`: every registered code has a page, an example that fires, a fixture and an
//!   emitter.
//! - `stdlib`: the embedded catalogues compile clean and match the reference data.
//! - `examples`: every bundled example project checks clean.
//! - `cli`: the command line's exit codes and machine-readable formats.
//! - `emit`: `soa.json` against its schema, CSV snapshots and the injection guard, `ismsc soa`
//!   and `ismsc build` (determinism, atomic replacement of the output folder).
//! - `props`: no generated input panics the parser or the checker.

mod cli;
mod codes;
mod coverage;
mod emit;
mod examples;
mod harness;
mod props;
mod stdlib;
mod ui;
