//! Emitters: the documents `ismsc build` writes, through serialisable DTOs.
//!
//! - [`dto`]: the output types, the only `Serialize` types of the compiler, versioned by
//!   [`dto::SCHEMA_VERSION`];
//! - [`json`], [`csv`], [`table`]: pure renderers from the DTOs to text;
//! - [`xlsx`]: `soa.xlsx`, the SoA and the risk register as an Excel workbook;
//! - [`site`]: `site/`, the static HTML site (policies, controls, risk heat map, SoA);
//! - [`pdf`]: `pdf/`, the policies, the SoA and the risk register as PDF, typeset in-process;
//! - [`oscal`]: `oscal/`, the OSCAL 1.2.1 document set (catalog, profile, SSP, POA&M, mapping);
//! - [`write`]: the atomic replacement of the output folder.
//!
//! Every renderer is deterministic: the same model gives byte-identical text (no clock, no
//! hash-map order).

pub mod csv;
pub mod dto;
pub mod json;
pub mod oscal;
pub mod pdf;
pub mod site;
pub mod table;
pub mod write;
pub mod xlsx;

use crate::driver::Analysis;

pub use self::csv::{risk_register_csv, soa_csv};
pub use self::json::{risk_register_json, soa_json};
pub use self::table::soa_table;

/// One file of the build output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Its path in the output folder, with `/` separators (`soa.json`, `site/index.html`).
    pub name: String,
    /// Its content.
    pub content: Vec<u8>,
}

impl OutputFile {
    /// A text file.
    pub fn text(name: impl Into<String>, content: String) -> Self {
        OutputFile {
            name: name.into(),
            content: content.into_bytes(),
        }
    }
}

/// The names of the machine-readable files [`build`] produces (`--format data`), in the
/// order it produces them.
pub const BUILD_FILES: [&str; 8] = [
    "soa.json",
    "soa.csv",
    "risk-register.json",
    "risk-register.csv",
    "risk-treatment-plan.json",
    "risk-treatment-plan.csv",
    "graph.dot",
    "graph.mmd",
];

/// Every top-level name a build may write into the output folder (files and folders), so a
/// later build with other `--format`s may still replace the folder.
pub fn output_names() -> impl Iterator<Item = &'static str> {
    BUILD_FILES
        .iter()
        .copied()
        .chain([xlsx::FILE, site::DIR, pdf::DIR, oscal::DIR])
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
}

impl Output {
    /// Every kind, in build order.
    pub const ALL: [Output; 5] = [
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
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            outputs: Output::ALL.to_vec(),
            timestamp: None,
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
    let pdfs = if wants(Output::Pdf) {
        pdf::sources(&analysis.model, options)
    } else {
        Vec::new()
    };
    let kinds = [Output::Data, Output::Xlsx, Output::Site, Output::Oscal];
    progress.start(kinds.iter().filter(|o| wants(**o)).count() + pdfs.len());
    let mut files = Vec::new();
    // Each output adds its files here, in the order of `Output::ALL`.
    if wants(Output::Data) {
        files.extend(data(analysis)?);
        progress.step("data");
    }
    if wants(Output::Xlsx) {
        files.extend(xlsx::files(analysis, options));
        progress.step("soa.xlsx");
    }
    if wants(Output::Site) {
        files.extend(site::files(analysis, options));
        progress.step("site/");
    }
    let mut failed = Vec::new();
    for result in pdf::render(&pdfs, progress) {
        match result {
            Ok(file) => files.push(file),
            Err(e) => failed.push(e),
        }
    }
    if wants(Output::Oscal) {
        files.extend(oscal::files(analysis, options));
        progress.step("oscal/");
    }
    Some(Built { files, failed })
}

/// The machine-readable files, in the order of [`BUILD_FILES`].
fn data(analysis: &Analysis) -> Option<Vec<OutputFile>> {
    let (model, graph) = (&analysis.model, &analysis.graph);
    let soa = dto::SoaDoc::from_model(model)?;
    let risks = dto::RiskRegisterDoc::from_model(model);
    let plan = dto::TreatmentPlanDoc::from_register(model, &risks);
    let contents = [
        json::to_json(&soa),
        csv::soa_doc_csv(&soa),
        json::to_json(&risks),
        csv::risk_register_doc_csv(&risks),
        json::to_json(&plan),
        csv::treatment_plan_doc_csv(&plan),
        graph.to_dot(model),
        graph.to_mermaid(model),
    ];
    Some(
        BUILD_FILES
            .iter()
            .zip(contents)
            .map(|(name, content)| OutputFile::text(*name, content))
            .collect(),
    )
}
