//! Publishing: the documents `ismsc build` writes beyond the machine-readable files of the
//! core — the auditor's workbook, the HTML site, the PDFs and the OSCAL document set.
//!
//! - [`xlsx`]: `soa.xlsx`, the SoA and the risk register as an Excel workbook;
//! - [`site`]: `site/`, the static HTML site (policies, controls, risk heat map, SoA);
//! - [`pdf`]: `pdf/`, the policies, the SoA and the risk register as PDF, typeset in-process;
//! - [`docx`]: `docx/`, the policies, procedures, standards and guidelines as Word files;
//! - [`oscal`]: `oscal/`, the OSCAL 1.2.1 document set (catalog, profile, SSP, POA&M, mapping).
//!
//! **Architecture Invariant:** this crate reads the core's analysis and DTOs and never the
//! syntax tree; the core knows nothing of it (the crate wall enforces that).
#![deny(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod docx;
pub mod oscal;
pub mod pdf;
pub mod site;
pub mod xlsx;

use ismsc_core::driver::Analysis;
use ismsc_core::emit::{data, Docs, OutputFile, BUILD_FILES};

/// An evidence address that may be a link in a published document: an `http`, `https` or
/// `mailto` address without blanks or control characters inside; anything else stays text.
pub(crate) fn web_link(at: &str) -> Option<&str> {
    let at = at.trim();
    if at.is_empty() || at.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = at.split_once(':')?;
    let ok = match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" => rest.starts_with("//") && rest.len() > 2,
        "mailto" => !rest.is_empty(),
        _ => false,
    };
    ok.then_some(at)
}

/// Every top-level name a build may write into the output folder (files and folders), so a
/// later build with other `--format`s may still replace the folder.
pub fn output_names() -> impl Iterator<Item = &'static str> {
    BUILD_FILES.iter().copied().chain([
        ismsc_core::emit::COVERAGE_DIR,
        xlsx::FILE,
        site::DIR,
        pdf::DIR,
        docx::DIR,
        oscal::DIR,
    ])
}

/// The kinds of output `ismsc build --format` chooses from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Output {
    /// `soa.json`, `soa.csv`, `risk-register.json`/`.csv`, `risk-treatment-plan.json`/`.csv`,
    /// `graph.dot`, `graph.mmd`.
    Data,
    /// `soa.xlsx`: the auditor's workbook.
    Xlsx,
    /// `site/`: the static HTML site.
    Site,
    /// `pdf/`: the policies, the SoA and the risk register as PDF.
    Pdf,
    /// `oscal/`: the OSCAL document set.
    Oscal,
    /// `docx/`: the policies, procedures, standards and guidelines as Word documents (only
    /// when asked for).
    Docx,
}

impl Output {
    /// Every kind, in build order.
    pub const ALL: [Output; 6] = [
        Output::Data,
        Output::Xlsx,
        Output::Site,
        Output::Pdf,
        Output::Oscal,
        Output::Docx,
    ];

    /// What a build writes when no `--format` is given: all but the Word documents, which
    /// are for those who edit there and are asked for with `--format docx`.
    pub const DEFAULT: [Output; 5] = [
        Output::Data,
        Output::Xlsx,
        Output::Site,
        Output::Pdf,
        Output::Oscal,
    ];
}

/// Settings of one build.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Which outputs to produce.
    pub outputs: Vec<Output>,
    /// A time stamp to print in the documents (`--timestamp`); `None` keeps builds
    /// byte-identical.
    pub timestamp: Option<String>,
    /// The revisions of the documents from git, for their revision tables (`None`: no
    /// tables, as outside a git work tree or with `--no-history`).
    pub history: Option<ismsc_core::history::History>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            outputs: Output::DEFAULT.to_vec(),
            timestamp: None,
            history: None,
        }
    }
}

/// Told of each step of a build as it finishes, so the command line can draw a progress bar.
/// Steps may finish on other threads (PDFs are typeset in parallel).
pub trait Progress: Sync {
    /// The build has `total` steps: one per output kind, and one per PDF.
    fn start(&self, total: usize) {
        let _ = total;
    }
    /// One step finished; `what` names it (`soa.xlsx`, `site/`, `pdf/soa.pdf`).
    fn step(&self, what: &str) {
        let _ = what;
    }
}

/// No progress report.
impl Progress for () {}

/// What a build made.
#[derive(Debug)]
pub struct Built {
    /// Every file, in the order of `Output::ALL`.
    pub files: Vec<OutputFile>,
    /// The PDFs the typesetter could not make (left out of `files`): a bug of ismsc, never of
    /// the input, reported by the command line.
    pub failed: Vec<pdf::PdfError>,
    /// What is wrong with the project's branding or templates (E0015): a font the typesetter
    /// cannot read, a template that fails. Nothing should be written when there is any.
    pub diagnostics: Vec<ismsc_core::diag::Diagnostic>,
}

/// Every file of `ismsc build` for the chosen outputs; `None` when the project has no known
/// standard (and so no SoA).
pub fn build(analysis: &Analysis, options: &BuildOptions) -> Option<Vec<OutputFile>> {
    build_with_progress(analysis, options, &()).map(|b| b.files)
}

/// [`build`], telling `progress` of each step, and saying which PDFs failed.
pub fn build_with_progress(
    analysis: &Analysis,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Option<Built> {
    let wants = |o: Output| options.outputs.contains(&o);
    // The documents are made once, from the analysis's facts, for every output.
    let docs = Docs::new(analysis);
    let (look, mut diagnostics) = if wants(Output::Pdf) {
        pdf::brand::Look::new(&analysis.manifest.publish.brand)
    } else {
        (None, Vec::new())
    };
    let pdfs = if wants(Output::Pdf) {
        pdf::sources(analysis, &docs, options, look.as_ref())
    } else {
        Vec::new()
    };
    let kinds = [
        Output::Data,
        Output::Xlsx,
        Output::Site,
        Output::Oscal,
        Output::Docx,
    ];
    progress.start(kinds.iter().filter(|o| wants(**o)).count() + pdfs.len());
    let mut files = Vec::new();
    // Each output adds its files here, in the order of `Output::ALL`.
    if wants(Output::Data) {
        files.extend(data(analysis, &docs)?);
        progress.step("data");
    }
    if wants(Output::Xlsx) {
        files.extend(xlsx::branded_files(
            &analysis.model,
            &docs,
            options,
            &analysis.manifest.publish.brand,
        ));
        progress.step("soa.xlsx");
    }
    if wants(Output::Site) {
        files.extend(site::files(analysis, &docs, options));
        progress.step("site/");
    }
    let mut failed = Vec::new();
    for result in pdf::render(&pdfs, look.as_ref(), progress) {
        match result {
            Ok(file) => files.push(file),
            Err(pdf::Failed::Bug(e)) => failed.push(e),
            // A template's error is the same in each document: shown once.
            Err(pdf::Failed::Template(d)) => {
                if !diagnostics
                    .iter()
                    .any(|e: &ismsc_core::diag::Diagnostic| e.primary.span == d.primary.span)
                {
                    diagnostics.push(*d)
                }
            }
        }
    }
    if wants(Output::Oscal) {
        files.extend(oscal::files(analysis, &docs, options));
        progress.step("oscal/");
    }
    if wants(Output::Docx) {
        files.extend(docx::files(analysis, options));
        progress.step("docx/");
    }
    Some(Built {
        files,
        failed,
        diagnostics,
    })
}
