//! The command line: argument parsing and the subcommands.
//!
//! [`run`] takes the arguments and the output streams, so tests drive the real command line
//! without spawning a process; `main.rs` only wires it to the process.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use ismsc_core::diag::render::{self, HumanStyle};
use ismsc_core::diag::Code;
use ismsc_core::emit;
use ismsc_core::syntax::ast::Date;
use ismsc_core::{analyze, Analysis, Input, Options};
use ismsc_publish as publish;

/// A compiler for an ISO/IEC 27001 information security management system written as code.
#[derive(Parser)]
#[command(name = "ismsc", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a project and report every problem.
    Check {
        /// The project folder (with `isms.toml`).
        #[arg(default_value = ".")]
        project: PathBuf,
        #[command(flatten)]
        common: Common,
        /// How to print the findings.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Also list the documented information of clauses 4-10 that the language does not
        /// hold yet (audit programme, management review, competence, ...), for audit readiness.
        #[arg(long)]
        readiness: bool,
    },
    /// Print the resolved graph of the ISMS.
    Graph {
        /// The project folder (with `isms.toml`).
        #[arg(default_value = ".")]
        project: PathBuf,
        #[command(flatten)]
        common: Common,
        /// Graph notation.
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// Print the Statement of Applicability of a project.
    Soa {
        /// The project folder (with `isms.toml`).
        #[arg(default_value = ".")]
        project: PathBuf,
        #[command(flatten)]
        common: Common,
        /// How to print the SoA.
        #[arg(long, value_enum, default_value_t = SoaFormat::Table)]
        format: SoaFormat,
    },
    /// Check a project and write its documents (SoA, risk register, graph) into a folder.
    Build {
        /// The project folder (with `isms.toml`).
        #[arg(default_value = ".")]
        project: PathBuf,
        #[command(flatten)]
        common: Common,
        /// The output folder, replaced as a whole (default: `PROJECT/dist`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Which outputs to write (default: all), e.g. `--format data,site`.
        #[arg(long, value_enum, value_delimiter = ',')]
        format: Vec<BuildFormat>,
        /// Print this time stamp in the documents (default: none, so builds are byte-identical).
        #[arg(long)]
        timestamp: Option<String>,
    },
    /// Explain a diagnostic code, e.g. `ismsc explain E0102`.
    Explain {
        /// A code such as `E0102`, or its slug such as `unknown-reference`.
        code: String,
    },
    /// Turn a document of another tool into `.isms` text.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// An OSCAL catalog (JSON) as a `framework`, e.g. `ismsc import oscal-catalog nist.json`.
    OscalCatalog {
        /// The catalog file.
        file: PathBuf,
        /// The framework key (default: from the catalog's title and version).
        #[arg(long)]
        framework: Option<String>,
        /// Write the `.isms` file here (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Outputs of `ismsc build`.
#[derive(Clone, Copy, ValueEnum)]
enum BuildFormat {
    /// soa.json, soa.csv, risk-register.json and .csv, graph.dot and graph.mmd.
    Data,
    /// soa.xlsx, the auditor's workbook.
    Xlsx,
    /// site/, the static HTML site.
    Site,
    /// pdf/, the policies, the SoA and the risk register.
    Pdf,
    /// oscal/, the OSCAL document set.
    Oscal,
}

impl From<BuildFormat> for publish::Output {
    fn from(f: BuildFormat) -> Self {
        match f {
            BuildFormat::Data => publish::Output::Data,
            BuildFormat::Xlsx => publish::Output::Xlsx,
            BuildFormat::Site => publish::Output::Site,
            BuildFormat::Pdf => publish::Output::Pdf,
            BuildFormat::Oscal => publish::Output::Oscal,
        }
    }
}

#[derive(clap::Args)]
struct Common {
    /// The date that date-based checks judge against (YYYY-MM-DD; default: today).
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Rendered for people, with source snippets.
    Human,
    /// One line per finding.
    Short,
    /// One JSON object with a `diagnostics` array.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
}

#[derive(Clone, Copy, ValueEnum)]
enum SoaFormat {
    /// A table for the terminal.
    Table,
    /// The JSON of `soa.json`.
    Json,
    /// The CSV of `soa.csv`.
    Csv,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date of the form YYYY-MM-DD"))
}

fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let epoch = Date {
        year: 1970,
        month: 1,
        day: 1,
    };
    Date::from_day_number(epoch.day_number() + (secs / 86_400) as i64)
}

/// Where the command writes, and whether its streams are terminals.
pub struct Io<'a> {
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error.
    pub err: &'a mut dyn Write,
    /// Whether standard error is a terminal (for colours).
    pub err_is_terminal: bool,
}

impl Io<'_> {
    fn style(&self) -> HumanStyle {
        HumanStyle {
            color: self.err_is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            width: 100,
        }
    }

    /// Writes to standard output; a closed pipe is not an error.
    fn print(&mut self, text: &str) -> Result<(), u8> {
        match self
            .out
            .write_all(text.as_bytes())
            .and_then(|_| self.out.flush())
        {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(_) => Err(2),
        }
    }

    fn eprint(&mut self, text: &str) {
        let _ = self.err.write_all(text.as_bytes());
    }
}

fn load(project: &Path, common: &Common, io: &mut Io<'_>) -> Result<Analysis, u8> {
    let input = match Input::from_dir(project) {
        Ok(i) => i,
        Err(e) => {
            io.eprint(&format!(
                "error: cannot read the project `{}`: {e}\n",
                project.display()
            ));
            return Err(2);
        }
    };
    let options = Options {
        today: common.today.unwrap_or_else(today),
        deny_warnings: common.deny_warnings,
    };
    Ok(analyze(input, &options))
}

/// Runs the command line with `args` (the first is the program name) and returns the exit
/// code: 0 clean, 1 errors found, 2 usage or I/O failure.
pub fn run(args: Vec<OsString>, io: &mut Io<'_>) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            if e.use_stderr() {
                io.eprint(&text);
                return 2;
            }
            return io.print(&text).err().unwrap_or(0);
        }
    };
    let result = match cli.command {
        Command::Check {
            project,
            common,
            format,
            readiness,
        } => check(&project, &common, format, readiness, io),
        Command::Graph {
            project,
            common,
            format,
        } => graph(&project, &common, format, io),
        Command::Soa {
            project,
            common,
            format,
        } => soa(&project, &common, format, io),
        Command::Build {
            project,
            common,
            out,
            format,
            timestamp,
        } => {
            let mut outputs: Vec<publish::Output> = format.into_iter().map(Into::into).collect();
            if outputs.is_empty() {
                outputs = publish::Output::ALL.to_vec();
            }
            outputs.sort();
            outputs.dedup();
            let options = publish::BuildOptions { outputs, timestamp };
            build(&project, &common, out, &options, io)
        }
        Command::Import {
            what:
                ImportCommand::OscalCatalog {
                    file,
                    framework,
                    out,
                },
        } => import_oscal_catalog(&file, framework, out.as_deref(), io),
        Command::Explain { code } => match Code::parse(&code) {
            Some(c) => io.print(c.page()).map(|_| 0),
            None => {
                io.eprint(&format!(
                    "error: `{code}` is not a diagnostic code of ismsc (codes look like `E0102` or `W0601`)\n"
                ));
                Err(2)
            }
        },
    };
    result.unwrap_or_else(|code| code)
}

fn check(
    project: &Path,
    common: &Common,
    format: Format,
    readiness: bool,
    io: &mut Io<'_>,
) -> Result<u8, u8> {
    let analysis = load(project, common, io)?;
    let diags = &analysis.diagnostics;
    let records = ismsc_core::check::readiness(&analysis.model);
    match format {
        Format::Human => {
            let style = io.style();
            io.eprint(&render::human(diags, &analysis.sources, style));
        }
        Format::Short => io.print(&render::short(diags, &analysis.sources))?,
        Format::Json if readiness => {
            let mut doc: serde_json::Value =
                serde_json::from_str(&render::json(diags, &analysis.sources)).unwrap_or_default();
            doc["readiness"] = records
                .iter()
                .map(|(clause, name)| serde_json::json!({ "clause": clause, "name": name }))
                .collect();
            let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            text.push('\n');
            io.print(&text)?;
        }
        Format::Json => io.print(&render::json(diags, &analysis.sources))?,
        Format::Sarif => io.print(&render::sarif(diags, &analysis.sources))?,
    }
    if readiness && matches!(format, Format::Human | Format::Short) {
        let mut text = String::from(
            "Readiness: documented information that clauses 4-10 require and that the .isms files do not hold; have it ready for the auditor:\n",
        );
        for (clause, name) in &records {
            text.push_str(&format!("  - {clause}: {name}\n"));
        }
        io.print(&text)?;
    }
    Ok(u8::from(analysis.has_errors()))
}

fn graph(project: &Path, common: &Common, format: GraphFormat, io: &mut Io<'_>) -> Result<u8, u8> {
    let analysis = load(project, common, io)?;
    if analysis.has_errors() {
        let style = io.style();
        io.eprint(&render::human(
            &analysis.diagnostics,
            &analysis.sources,
            style,
        ));
        return Ok(1);
    }
    let text = match format {
        GraphFormat::Dot => analysis.graph.to_dot(&analysis.model),
        GraphFormat::Mermaid => analysis.graph.to_mermaid(&analysis.model),
    };
    io.print(&text)?;
    Ok(0)
}

/// Prints the findings for people on standard error, if there are any.
fn report(analysis: &Analysis, io: &mut Io<'_>) {
    if analysis.diagnostics.is_empty() {
        return;
    }
    let style = io.style();
    io.eprint(&render::human(
        &analysis.diagnostics,
        &analysis.sources,
        style,
    ));
}

fn no_standard(io: &mut Io<'_>) -> u8 {
    io.eprint("error: the project has no Statement of Applicability: its `isms` block names no known `standard` (e.g. `standard = iso27001:2022`)\n");
    1
}

fn soa(project: &Path, common: &Common, format: SoaFormat, io: &mut Io<'_>) -> Result<u8, u8> {
    let analysis = load(project, common, io)?;
    if analysis.has_errors() {
        report(&analysis, io);
        return Ok(1);
    }
    let Some(doc) = emit::dto::SoaDoc::from_model(&analysis.model) else {
        return Ok(no_standard(io));
    };
    let text = match format {
        SoaFormat::Table => emit::table::soa_doc_table(&doc),
        SoaFormat::Json => emit::json::to_json(&doc),
        SoaFormat::Csv => emit::csv::soa_doc_csv(&doc),
    };
    io.print(&text)?;
    Ok(0)
}

fn build(
    project: &Path,
    common: &Common,
    out: Option<PathBuf>,
    options: &publish::BuildOptions,
    io: &mut Io<'_>,
) -> Result<u8, u8> {
    let analysis = load(project, common, io)?;
    // Warnings are shown but do not stop the build; errors do, before anything is written.
    report(&analysis, io);
    if analysis.has_errors() {
        return Ok(1);
    }
    let progress = TerminalProgress::new(io.err_is_terminal);
    let built = publish::build_with_progress(&analysis, options, &progress);
    progress.finish();
    let Some(publish::Built { files, failed }) = built else {
        return Ok(no_standard(io));
    };
    let out = out.unwrap_or_else(|| project.join("dist"));
    if let Err(e) =
        emit::write::replace_dir(&out, &files, &publish::output_names().collect::<Vec<_>>())
    {
        io.eprint(&format!("error: {e}\n"));
        return Err(2);
    }
    let mut names: Vec<&str> = files
        .iter()
        .filter_map(|f| f.name.split('/').next())
        .collect();
    names.dedup();
    io.eprint(&format!(
        "wrote {} files to `{}`: {}\n",
        files.len(),
        out.display(),
        names.join(", ")
    ));
    // A document the typesetter could not make is left out of the build and reported here.
    for e in &failed {
        io.eprint(&format!("error: {e}\n"));
    }
    Ok(if failed.is_empty() { 0 } else { 2 })
}

/// The progress bar of `ismsc build`: drawn on standard error only when it is a terminal, and
/// only once the build has taken more than [`TerminalProgress::QUIET`], so a quick build
/// prints nothing but its summary line.
struct TerminalProgress {
    enabled: bool,
    started: std::time::Instant,
    state: std::sync::Mutex<ProgressState>,
}

#[derive(Default)]
struct ProgressState {
    total: u64,
    done: u64,
    bar: Option<indicatif::ProgressBar>,
}

impl TerminalProgress {
    /// How long a build runs before its progress bar appears.
    const QUIET: std::time::Duration = std::time::Duration::from_millis(300);

    fn new(enabled: bool) -> Self {
        TerminalProgress {
            enabled,
            started: std::time::Instant::now(),
            state: std::sync::Mutex::new(ProgressState::default()),
        }
    }

    /// Clears the bar, if one was drawn.
    fn finish(&self) {
        if let Ok(mut state) = self.state.lock() {
            if let Some(bar) = state.bar.take() {
                bar.finish_and_clear();
            }
        }
    }
}

impl publish::Progress for TerminalProgress {
    fn start(&self, total: usize) {
        if let Ok(mut state) = self.state.lock() {
            state.total = u64::try_from(total).unwrap_or(u64::MAX);
        }
    }

    fn step(&self, what: &str) {
        if !self.enabled {
            return;
        }
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        state.done += 1;
        if state.bar.is_none() && self.started.elapsed() >= Self::QUIET {
            let bar = indicatif::ProgressBar::new(state.total);
            let style = indicatif::ProgressStyle::with_template(
                "{prefix:>9.bold} [{bar:30}] {pos}/{len} {wide_msg}",
            )
            .map(|s| s.progress_chars("=> "));
            if let Ok(style) = style {
                bar.set_style(style);
            }
            bar.set_prefix("Building");
            state.bar = Some(bar);
        }
        if let Some(bar) = &state.bar {
            bar.set_position(state.done);
            bar.set_message(what.to_string());
        }
    }
}

fn import_oscal_catalog(
    file: &Path,
    framework: Option<String>,
    out: Option<&Path>,
    io: &mut Io<'_>,
) -> Result<u8, u8> {
    let json = std::fs::read_to_string(file).map_err(|e| {
        io.eprint(&format!("error: cannot read `{}`: {e}\n", file.display()));
        2
    })?;
    let options = ismsc_core::import::oscal::CatalogOptions {
        framework,
        source: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.display().to_string()),
    };
    let imported = ismsc_core::import::oscal::catalog(&json, &options).map_err(|e| {
        io.eprint(&format!("error: {e}\n"));
        2
    })?;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let summary = format!(
        "imported framework `{}`: {} in {} (ids from the controls' {})",
        imported.key,
        plural(imported.requirements, "requirement"),
        plural(imported.groups, "group"),
        if imported.ids_from_labels {
            "labels"
        } else {
            "OSCAL ids"
        }
    );
    match out {
        Some(path) => {
            std::fs::write(path, &imported.text).map_err(|e| {
                io.eprint(&format!("error: cannot write `{}`: {e}\n", path.display()));
                2
            })?;
            io.eprint(&format!("{summary} into `{}`\n", path.display()));
        }
        None => {
            io.print(&imported.text)?;
            io.eprint(&format!("{summary}\n"));
        }
    }
    Ok(0)
}
