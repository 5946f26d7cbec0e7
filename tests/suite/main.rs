//! The test suite of ismsc: one binary, driven by fixture files.
//!
//! - `ui`: every fixture under `tests/ui/` is checked and its findings pinned in a snapshot.
//! - `codes`: every registered code has a page, an example that fires, a fixture and an
//!   emitter.
//! - `stdlib`: the embedded catalogues compile clean and match the reference data.
//! - `examples`: every bundled example project checks clean.
//! - `cli`: the command line's exit codes and machine-readable formats.
//! - `init`: the starter project checks to exactly the undecided controls and is laid out
//!   canonically; a second `init` changes nothing.
//! - `ci`: paths relative to the repository root in every format, SARIF against its schema,
//!   GitHub and JUnit output, and the command lines of action.yml, the hooks and docs/ci.md.
//! - `catalog`: `ismsc catalog` and the filters of `ismsc soa`.
//! - `emit`: `soa.json` against its schema, CSV snapshots and the injection guard, `ismsc soa`
//!   and `ismsc build` (determinism, atomic replacement of the output folder).
//! - `site`: the HTML site: links resolve, one page per policy, user text escaped, byte-identical.
//! - `oscal`: `oscal/` against NIST's OSCAL 1.2.1 schemas, the SSP's 93 requirements, consistency,
//!   byte-identical builds; `ismsc import oscal-catalog` on NIST's catalogs and the round trip.
//! - `fmt`: the formatter: a snapshot per layout rule and comment position, every `.isms`
//!   file through its four checks, the repository kept formatted, scrambled whitespace and
//!   comments anywhere formatting to the same bytes, `ismsc fmt` as a user runs it.
//! - `props`: no generated input panics the parser or the checker; positions convert both ways
//!   with every line end and encoding.
//! - `lsp`: `ismsc lsp` driven in-process as an editor drives it, every feature over the
//!   examples.
//! - `diff`: `ismsc diff`: one change of each class, a project against itself, the reports,
//!   `--fail-on`, `--since` on a git repository built in the test.
//! - `migrate`: `ismsc migrate` from 2013 to 2022: the transition example and the merges,
//!   splits and dropped exclusions of a fixture.
//! - `history`: the revision tables of the documents from a git repository built in the test.
//! - `publish`: a full `ismsc build` of acme has every output, byte-identical; a hostile
//!   project is harmless in every output.
//! - `auditor`: what an auditor checks in the outputs: a drafted project published as drafts,
//!   reasons per Annex A control, the treatment plan, the register's criteria, links, labels.
//! - `brand`: `[publish]` on the fixture `tests/publish/branded`: the project's font embedded
//!   and its logo in the PDFs, the workbook and the site, the colour in the CSS, the project's
//!   policy, SoA and register templates, their errors, confinement, determinism.
//! - `xlsx`: `soa.xlsx` read back: rows in Annex A order, the risk register, no formulas,
//!   byte-identical.

mod architecture;
mod auditor;
mod brand;
mod catalog;
mod ci;
mod cli;
mod codes;
mod coverage;
mod diff;
mod docx;
mod editors;
mod emit;
mod examples;
mod fmt;
mod frameworks;
mod fuzz;
mod grammar;
mod harness;
mod history;
mod hostile;
mod init;
mod lsp;
mod migrate;
mod oscal;
mod pdf;
mod positions;
mod props;
mod publish;
mod records;
mod recovery;
mod site;
mod stdlib;
mod ui;
mod xlsx;
