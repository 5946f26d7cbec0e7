//! The command line: argument parsing and the subcommands.
//!
//! [`run`] takes the arguments and the output streams, so tests drive the real command line
//! without spawning a process; `main.rs` only wires it to the process.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use ismsc_core::diag::render::{self, HumanStyle};
use ismsc_core::diag::{Code, Severity};
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
    /// Start an ISMS project: a starter project that checks, a CI workflow and a pre-commit
    /// hook.
    Init {
        /// The project folder, made if missing (default: the current folder).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The organisation's name (default: the folder's name).
        #[arg(long, value_name = "NAME")]
        organization: Option<String>,
        /// The edition of ISO/IEC 27001 the Statement of Applicability is made against.
        #[arg(long, value_enum, default_value_t = Standard::Iso27001_2022)]
        standard: Standard,
        /// The date written into the starter as the approval and effective date
        /// (YYYY-MM-DD; default: today).
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
    },
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
    /// Print the coverage of a framework (e.g. NIST CSF 2.0, NIS 2) the project's controls
    /// give through its Statement of Applicability and the catalogue's mappings.
    Coverage {
        /// The project folder (with `isms.toml`).
        #[arg(default_value = ".")]
        project: PathBuf,
        #[command(flatten)]
        common: Common,
        /// The framework, e.g. `nist-csf:2.0` (default: the one framework of `frameworks =
        /// [...]`; with several, the table format prints one line per framework).
        #[arg(long)]
        framework: Option<String>,
        /// How to print the coverage.
        #[arg(long, value_enum, default_value_t = SoaFormat::Table)]
        format: SoaFormat,
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
        /// Only the controls without a decision yet (the same as `--status undecided`).
        #[arg(long)]
        undecided: bool,
        /// Only the controls of these themes (the outermost groups of the catalogue, e.g.
        /// `technological`, or `A.9` for 2013); repeatable or comma-separated.
        #[arg(long, value_delimiter = ',', value_name = "THEME")]
        theme: Vec<String>,
        /// Only the controls with these statuses; repeatable or comma-separated.
        #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS")]
        status: Vec<SoaStatus>,
    },
    /// List the requirements of a framework of the catalogue, e.g. the Annex A controls.
    Catalog {
        /// The framework's key (default: `iso27001:2022`; `--list` shows them all).
        framework: Option<String>,
        /// Read the frameworks of this project too (its own `framework` items).
        #[arg(long, value_name = "PROJECT")]
        project: Option<PathBuf>,
        /// List the frameworks instead of requirements.
        #[arg(long)]
        list: bool,
        /// Only the requirements in these groups (a theme such as `technological`, or any
        /// group id such as `A.9.4`); repeatable or comma-separated, any of them matches.
        #[arg(long, alias = "group", value_delimiter = ',', value_name = "GROUP")]
        theme: Vec<String>,
        /// Only the requirements with this attribute value, e.g. `concepts=protect`;
        /// repeatable, all of them must match.
        #[arg(long, value_parser = parse_attribute, value_name = "NAME=VALUE")]
        attribute: Vec<(String, String)>,
        /// How to print the catalogue.
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
        /// Which outputs to write (default: all but docx), e.g. `--format data,site` or `--format docx`.
        #[arg(long, value_enum, value_delimiter = ',')]
        format: Vec<BuildFormat>,
        /// Print this time stamp in the documents (default: none, so builds are byte-identical).
        #[arg(long)]
        timestamp: Option<String>,
        /// Leave out the revision tables that the policies, the SoA and the risk register get
        /// from git when the project is in a git work tree.
        #[arg(long)]
        no_history: bool,
        /// At most this many revisions in each revision table.
        #[arg(long, value_name = "N", default_value_t = ismsc_core::history::DEFAULT_LIMIT)]
        history_limit: usize,
    },
    /// Show what changed between two versions of a project: the rows of the Statement of
    /// Applicability, the risk register and treatment plan, controls, policies and the rest,
    /// compared as derived, never as text.
    Diff {
        /// The old and the new project folders; with `--since`, the one project folder
        /// (default: the current folder).
        #[arg(value_name = "PROJECT")]
        projects: Vec<PathBuf>,
        /// Compare the project as committed at this git revision (a branch, a tag such as
        /// `audit-2026`, `HEAD~1`) with its working tree.
        #[arg(long, value_name = "REV")]
        since: Option<String>,
        /// How to print the changes.
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
        /// Exit with 1 when a change of one of these classes (e.g. `newly-excluded`) or levels
        /// (`warning`, `notice`, `info`) is present; repeatable or comma-separated.
        #[arg(long, value_delimiter = ',', value_name = "CLASS")]
        fail_on: Vec<String>,
        /// The date that decides which risk acceptances are expiring (YYYY-MM-DD; default:
        /// today).
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
    },
    /// Move a project to another edition of its standard (ISO/IEC 27001:2013 to 2022) through
    /// the catalogue's mapping: prints the changes and every decision, or writes them.
    Migrate {
        /// The project folder (with `isms.toml`).
        #[arg(default_value = ".")]
        project: PathBuf,
        /// The edition to move to.
        #[arg(long, value_name = "STANDARD", default_value = "iso27001:2022")]
        to: String,
        /// Change the files in place (atomically, keeping every comment); without it nothing
        /// is written and the changes are printed as a unified diff.
        #[arg(long)]
        write: bool,
        /// The date the check after the migration judges against (YYYY-MM-DD; default: today).
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
    },
    /// Format `.isms` files in the canonical layout (docs/language.md, "Layout"), keeping
    /// every comment; only files that change are written.
    Fmt {
        /// Files, folders (every `.isms` file below) or projects to format, or `-` for
        /// standard input (default: the project around the current folder).
        paths: Vec<PathBuf>,
        /// Write nothing: list the files that would change and exit with 1 if there are any.
        #[arg(long)]
        check: bool,
        /// Write nothing: print a unified diff of each file that would change (implies
        /// `--check`).
        #[arg(long)]
        diff: bool,
        /// Format standard input to standard output (the same as the path `-`).
        #[arg(long)]
        stdin: bool,
        /// The file name standard input stands for, in messages.
        #[arg(long, value_name = "PATH")]
        stdin_filepath: Option<PathBuf>,
    },
    /// The built-in document templates, to start a project's own from (docs/templates.md).
    Template {
        #[command(subcommand)]
        action: TemplateAction,
    },
    /// Explain a diagnostic code, e.g. `ismsc explain E0102`.
    Explain {
        /// A code such as `E0102`, or its slug such as `unknown-reference`.
        code: String,
    },
    /// Run the language server over standard input and output (for editors; see
    /// docs/editors.md).
    Lsp {
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Tools for looking inside the compiler.
    Debug {
        #[command(subcommand)]
        what: DebugCommand,
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
    /// docx/, the policies, procedures, standards and guidelines as Word files (not in the default set).
    Docx,
}

impl From<BuildFormat> for publish::Output {
    fn from(f: BuildFormat) -> Self {
        match f {
            BuildFormat::Data => publish::Output::Data,
            BuildFormat::Xlsx => publish::Output::Xlsx,
            BuildFormat::Site => publish::Output::Site,
            BuildFormat::Pdf => publish::Output::Pdf,
            BuildFormat::Oscal => publish::Output::Oscal,
            BuildFormat::Docx => publish::Output::Docx,
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
    /// Print the paths of findings relative to this folder (default: the root of the git work
    /// tree that holds the project, or else the project folder).
    #[arg(long, value_name = "DIR")]
    path_base: Option<PathBuf>,
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
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// A JUnit XML report, for the test reports of GitLab and Jenkins.
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    /// Terraform-plan style `+ ~ -` lines and a one-line summary.
    Human,
    /// A pull-request comment: summary, warnings, one table per section.
    Markdown,
    /// One JSON object with a sorted `changes` array.
    Json,
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

/// The standards `ismsc init` starts from.
#[derive(Clone, Copy, ValueEnum)]
enum Standard {
    /// ISO/IEC 27001:2022 (93 Annex A controls).
    #[value(name = "iso27001:2022")]
    Iso27001_2022,
    /// ISO/IEC 27001:2013 (114 Annex A controls; withdrawn, for a transition).
    #[value(name = "iso27001:2013")]
    Iso27001_2013,
}

impl Standard {
    fn key(self) -> &'static str {
        match self {
            Standard::Iso27001_2022 => "iso27001:2022",
            Standard::Iso27001_2013 => "iso27001:2013",
        }
    }
}

/// A status of a row of the SoA, for `ismsc soa --status`.
#[derive(Clone, Copy, ValueEnum)]
enum SoaStatus {
    /// Every implementing control is implemented.
    Implemented,
    /// Some implementation exists.
    Partial,
    /// Every implementing control is planned.
    Planned,
    /// Applicable, but no control implements it.
    NotImplemented,
    /// Excluded.
    NotApplicable,
    /// No decision yet.
    Undecided,
}

impl SoaStatus {
    fn as_str(self) -> &'static str {
        match self {
            SoaStatus::Implemented => "implemented",
            SoaStatus::Partial => "partial",
            SoaStatus::Planned => "planned",
            SoaStatus::NotImplemented => "not-implemented",
            SoaStatus::NotApplicable => "not-applicable",
            SoaStatus::Undecided => "undecided",
        }
    }
}

fn parse_attribute(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!(
            "`{s}` is not of the form NAME=VALUE, e.g. `concepts=protect`"
        )),
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date of the form YYYY-MM-DD"))
}

pub(crate) fn today() -> Date {
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

/// Where the command reads and writes, and whether its streams are terminals.
pub struct Io<'a> {
    /// Standard input (`ismsc fmt -`).
    pub input: &'a mut dyn std::io::Read,
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

    /// Writes a message to standard error, control and bidirectional characters shown by
    /// their stand-ins: messages quote paths and text of the project, which a pull request
    /// controls.
    fn eprint(&mut self, text: &str) {
        let _ = self
            .err
            .write_all(ismsc_core::text::visible(text).as_bytes());
    }

    /// Writes findings rendered for people (escaped by the renderer, perhaps coloured) to
    /// standard error.
    fn eprint_rendered(&mut self, text: &str) {
        let _ = self.err.write_all(text.as_bytes());
    }
}

/// Where the paths of findings are relative to.
struct PathBase {
    /// What to put before a project-relative file name (`compliance/isms/`, or empty).
    prefix: String,
    /// The folder itself, for SARIF's `%SRCROOT%`.
    root: render::SrcRoot,
}

/// The path base of a project: `--path-base`, else the git work tree around the project,
/// else the project folder.
fn path_base(project: &Path, common: &Common, io: &mut Io<'_>) -> Result<PathBase, u8> {
    // A project folder that cannot be read is reported as a finding; its path still places it.
    let project_abs = project
        .canonicalize()
        .or_else(|_| std::path::absolute(project))
        .unwrap_or_else(|_| project.to_path_buf());
    let (base, description) = match &common.path_base {
        Some(dir) => {
            let abs = dir.canonicalize().map_err(|e| {
                io.eprint(&format!(
                    "error: cannot read the `--path-base` folder `{}`: {e}\n",
                    dir.display()
                ));
                2u8
            })?;
            (abs, "the folder given with --path-base")
        }
        None => match ismsc_core::driver::repository_root(&project_abs) {
            Some(root) => (root, "the root of the git work tree"),
            None => (project_abs.clone(), "the project folder"),
        },
    };
    let Ok(rel) = project_abs.strip_prefix(&base) else {
        io.eprint(&format!(
            "error: the project `{}` is not inside the `--path-base` folder `{}`\n",
            project.display(),
            base.display()
        ));
        return Err(2);
    };
    let mut prefix: String = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    if !prefix.is_empty() {
        prefix.push('/');
    }
    Ok(PathBase {
        prefix,
        root: render::SrcRoot::at(&base, description),
    })
}

/// Runs `f` with the project's file names relative to the path base, then restores them (the
/// published documents keep project-relative names).
fn rebased<R>(
    sources: &mut ismsc_core::source::SourceMap,
    base: &PathBase,
    f: impl FnOnce(&ismsc_core::source::SourceMap) -> R,
) -> R {
    if base.prefix.is_empty() {
        return f(sources);
    }
    let renamed: Vec<(ismsc_core::source::FileId, String)> = sources
        .iter()
        .filter(|(_, file)| file.origin == ismsc_core::source::Origin::Project)
        .map(|(id, file)| (id, file.name.clone()))
        .collect();
    for (id, name) in &renamed {
        sources.rename(*id, format!("{}{name}", base.prefix));
    }
    let result = f(sources);
    for (id, name) in renamed {
        sources.rename(id, name);
    }
    result
}

/// Loads and checks a project. What cannot be read is among the findings (E0010 to E0014),
/// so that it shows in every output format; [`failure`] gives the exit code.
fn load(project: &Path, common: &Common) -> Analysis {
    let options = Options {
        today: common.today.unwrap_or_else(today),
        deny_warnings: common.deny_warnings,
    };
    analyze(Input::from_dir(project), &options)
}

/// The exit code of a run that found errors: 2 when a file could not be read (an I/O
/// failure), else 1.
fn failure(analysis: &Analysis) -> u8 {
    if analysis.io_failed() {
        2
    } else {
        1
    }
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
        Command::Init {
            dir,
            organization,
            standard,
            today: date,
        } => init(&dir, organization, standard, date.unwrap_or_else(today), io),
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
        Command::Coverage {
            project,
            common,
            framework,
            format,
        } => coverage(&project, &common, framework.as_deref(), format, io),
        Command::Soa {
            project,
            common,
            format,
            undecided,
            theme,
            mut status,
        } => {
            if undecided {
                status.push(SoaStatus::Undecided);
            }
            let filter = SoaFilter { theme, status };
            soa(&project, &common, format, &filter, io)
        }
        Command::Catalog {
            framework,
            project,
            list,
            theme,
            attribute,
            format,
        } => {
            let filter = emit::dto::CatalogFilter {
                groups: theme,
                attributes: attribute,
            };
            catalog(
                framework.as_deref(),
                project.as_deref(),
                list,
                &filter,
                format,
                io,
            )
        }
        Command::Build {
            project,
            common,
            out,
            format,
            timestamp,
            no_history,
            history_limit,
        } => {
            let mut outputs: Vec<publish::Output> = format.into_iter().map(Into::into).collect();
            if outputs.is_empty() {
                outputs = publish::Output::DEFAULT.to_vec();
            }
            outputs.sort();
            outputs.dedup();
            let options = publish::BuildOptions {
                outputs,
                timestamp,
                history: None,
            };
            let history =
                (!no_history && history_limit > 0).then_some(ismsc_core::history::Options {
                    limit: history_limit,
                });
            build(&project, &common, out, options, history, io)
        }
        Command::Import {
            what:
                ImportCommand::OscalCatalog {
                    file,
                    framework,
                    out,
                },
        } => import_oscal_catalog(&file, framework, out.as_deref(), io),
        Command::Diff {
            projects,
            since,
            format,
            fail_on,
            today: date,
        } => diff(
            &projects,
            since.as_deref(),
            format,
            &fail_on,
            date.unwrap_or_else(today),
            io,
        ),
        Command::Migrate {
            project,
            to,
            write,
            today: date,
        } => migrate(&project, &to, write, date.unwrap_or_else(today), io),
        Command::Fmt {
            paths,
            check,
            diff,
            stdin,
            stdin_filepath,
        } => {
            let mode = FmtMode {
                check: check || diff,
                diff,
            };
            fmt(paths, stdin, stdin_filepath, mode, io)
        }
        Command::Debug {
            what: DebugCommand::Ast { file },
        } => debug_ast(&file, io),
        Command::Lsp { stdio: _ } => Ok(crate::lsp::run_stdio()),
        Command::Template {
            action: TemplateAction::Export { kind, out },
        } => template_export(kind, out.as_deref(), io),
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
    let mut analysis = load(project, common);
    let base = path_base(project, common, io)?;
    let records = ismsc_core::check::readiness(&analysis.model);
    let suite = format!(
        "ismsc check {}",
        analysis.manifest.name.clone().unwrap_or_else(|| {
            let trimmed = base.prefix.trim_end_matches('/');
            if trimmed.is_empty() { "." } else { trimmed }.to_string()
        })
    );
    let style = io.style();
    // JSON and SARIF also list the findings silenced in the source, with their reasons.
    let with_suppressed: Vec<_> = analysis
        .diagnostics
        .iter()
        .chain(&analysis.suppressed)
        .cloned()
        .collect();
    let text = rebased(&mut analysis.sources, &base, |sources| {
        let diags = &analysis.diagnostics;
        match format {
            Format::Human => render::human(diags, sources, style),
            Format::Short => render::short(diags, sources),
            Format::Json => render::json(&with_suppressed, sources),
            Format::Sarif => render::sarif(&with_suppressed, sources, &base.root),
            Format::Github => render::github(diags, sources),
            Format::Junit => render::junit(diags, sources, &suite),
        }
    });
    match format {
        Format::Human => io.eprint_rendered(&text),
        Format::Json if readiness => {
            let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            doc["readiness"] = records
                .iter()
                .map(|(clause, name)| serde_json::json!({ "clause": clause, "name": name }))
                .collect();
            io.print(&emit::json::to_json(&doc))?;
        }
        _ => io.print(&text)?,
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
    let code = if analysis.has_errors() {
        failure(&analysis)
    } else {
        0
    };
    release(analysis);
    Ok(code)
}

/// Whether the process ends when the command returns (set by `main`; tests run commands
/// in-process and keep freeing what they made).
static LEAK_AT_EXIT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Called by `main`: the analysis of the command is not freed when the command returns,
/// because the process ends then; freeing a large project item by item costs a fifth of a
/// check of 100,000 items.
pub fn leak_at_exit() {
    LEAK_AT_EXIT.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn release(analysis: Analysis) {
    if LEAK_AT_EXIT.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(analysis);
    }
}

fn graph(project: &Path, common: &Common, format: GraphFormat, io: &mut Io<'_>) -> Result<u8, u8> {
    let mut analysis = load(project, common);
    if analysis.has_errors() {
        report(&mut analysis, project, common, io)?;
        return Ok(failure(&analysis));
    }
    let text = match format {
        GraphFormat::Dot => analysis.facts.index.to_dot(&analysis.model),
        GraphFormat::Mermaid => analysis.facts.index.to_mermaid(&analysis.model),
    };
    io.print(&text)?;
    Ok(0)
}

/// Prints the findings for people on standard error, if there are any, with paths relative
/// to the path base.
fn report(
    analysis: &mut Analysis,
    project: &Path,
    common: &Common,
    io: &mut Io<'_>,
) -> Result<(), u8> {
    if analysis.diagnostics.is_empty() {
        return Ok(());
    }
    let base = path_base(project, common, io)?;
    let style = io.style();
    let diags = &analysis.diagnostics;
    let text = rebased(&mut analysis.sources, &base, |sources| {
        render::human(diags, sources, style)
    });
    io.eprint_rendered(&text);
    Ok(())
}

/// What `ismsc template` does.
#[derive(Subcommand)]
enum TemplateAction {
    /// Print a built-in template (or write it with `--out`), e.g.
    /// `ismsc template export policy --out templates/policy.typ`.
    Export {
        /// Which template.
        kind: TemplateKind,
        /// Write it to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// The templates a project may replace.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum TemplateKind {
    /// The policy PDFs (`[publish] policy_template`).
    Policy,
}

fn template_export(kind: TemplateKind, out: Option<&Path>, io: &mut Io<'_>) -> Result<u8, u8> {
    let text = match kind {
        TemplateKind::Policy => publish::pdf::template::POLICY,
    };
    match out {
        None => io.print(text).map(|_| 0),
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => {
                io.eprint(&format!("wrote `{}`\n", path.display()));
                Ok(0)
            }
            Err(e) => {
                io.eprint(&format!("error: cannot write `{}`: {e}\n", path.display()));
                Err(2)
            }
        },
    }
}

fn no_standard(io: &mut Io<'_>) -> u8 {
    io.eprint("error: the project has no Statement of Applicability: its `isms` block names no known `standard` (e.g. `standard = iso27001:2022`)\n");
    1
}

/// What `ismsc soa` keeps of the rows.
struct SoaFilter {
    theme: Vec<String>,
    status: Vec<SoaStatus>,
}

/// Prints the SoA, also of a project still being written: undecided rows show as
/// `undecided`. It refuses (exit 1) only when the files have errors of the language itself
/// (E0001-E0299), since the SoA would then be made of a partial model; other errors are
/// counted in a note on standard error, and `ismsc check` lists them.
fn coverage(
    project: &Path,
    common: &Common,
    framework: Option<&str>,
    format: SoaFormat,
    io: &mut Io<'_>,
) -> Result<u8, u8> {
    let mut analysis = load(project, common);
    let language_errors = analysis
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error && !d.code.configurable());
    if language_errors {
        report(&mut analysis, project, common, io)?;
        return Ok(failure(&analysis));
    }
    let model = &analysis.model;
    let opted: Vec<&str> = model
        .opted_in()
        .into_iter()
        .filter_map(|i| model.frameworks.get(i).map(|f| f.key.as_str()))
        .collect();
    let key = match (framework, opted.as_slice()) {
        (Some(k), _) => k,
        (None, [one]) => one,
        (None, [_, _, ..]) if matches!(format, SoaFormat::Table) => {
            // An overview of every framework the project opts into, one line each.
            let docs: Vec<emit::dto::CoverageDoc> = analysis
                .facts
                .coverage
                .iter()
                .map(|c| emit::dto::CoverageDoc::new(model, c))
                .collect();
            io.print(&coverage_overview(&docs))?;
            return Ok(0);
        }
        (None, _) => {
            io.eprint(&format!(
                "error: name the framework with `--framework KEY`; the project opts into: {}\n",
                if opted.is_empty() {
                    "none (add `frameworks = [...]` to the `isms` block)".to_string()
                } else {
                    opted.join(", ")
                }
            ));
            return Err(2);
        }
    };
    let Some(fw) = model.framework_index(key) else {
        let known: Vec<&str> = model.frameworks.iter().map(|f| f.key.as_str()).collect();
        let hint = match ismsc_core::suggest::did_you_mean(key, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("the frameworks are: {}", known.join(", ")),
        };
        io.eprint(&format!("error: there is no framework `{key}`; {hint}\n"));
        return Err(2);
    };
    if Some(key) == model.standard() {
        io.eprint(&format!(
            "error: `{key}` is the project's standard: its Statement of Applicability is `ismsc soa`\n"
        ));
        return Err(2);
    }
    let computed;
    let coverage = match analysis.facts.coverage.iter().find(|c| c.framework == fw) {
        Some(c) => c,
        None => {
            io.eprint(&format!(
                "note: the project does not opt into `{key}`; add it to `frameworks = [...]` in the `isms` block to publish its coverage\n"
            ));
            let Some(c) = ismsc_core::facts::coverage::of_framework(
                model,
                &analysis.facts.index,
                analysis.facts.soa.as_ref(),
                fw,
            ) else {
                return Ok(no_standard(io));
            };
            computed = c;
            &computed
        }
    };
    let doc = emit::dto::CoverageDoc::new(model, coverage);
    let text = match format {
        SoaFormat::Table => emit::table::coverage_doc_table(&doc),
        SoaFormat::Json => emit::json::to_json(&doc),
        SoaFormat::Csv => emit::csv::coverage_doc_csv(&doc),
    };
    io.print(&text)?;
    Ok(0)
}

/// `ismsc coverage` without `--framework` for a project opting into several: one line per
/// framework with its counts, and how to see one.
fn coverage_overview(docs: &[emit::dto::CoverageDoc]) -> String {
    let width = docs
        .iter()
        .map(|d| d.framework.chars().count())
        .max()
        .unwrap_or(0)
        .max("framework".len());
    let mut out = format!(
        "{:<width$}  {:>5}  {:>5}  {:>7}  {:>5}  {:>14}\n",
        "framework", "total", "full", "partial", "none", "not applicable"
    );
    for d in docs {
        let s = &d.summary;
        out.push_str(&format!(
            "{:<width$}  {:>5}  {:>5}  {:>7}  {:>5}  {:>14}\n",
            d.framework, s.total, s.full, s.partial, s.none, s.not_applicable
        ));
    }
    out.push_str("\nOne framework's requirements: ismsc coverage --framework KEY\n");
    out
}

fn soa(
    project: &Path,
    common: &Common,
    format: SoaFormat,
    filter: &SoaFilter,
    io: &mut Io<'_>,
) -> Result<u8, u8> {
    let mut analysis = load(project, common);
    let language_errors = analysis
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error && !d.code.configurable());
    if language_errors {
        report(&mut analysis, project, common, io)?;
        return Ok(failure(&analysis));
    }
    let Some(mut doc) = emit::dto::SoaDoc::new(&analysis.model, &analysis.facts) else {
        return Ok(no_standard(io));
    };
    let mut themes: Vec<&str> = Vec::new();
    for c in &doc.controls {
        if !themes.contains(&c.theme.as_str()) {
            themes.push(&c.theme);
        }
    }
    if let Some(unknown) = filter
        .theme
        .iter()
        .find(|t| !themes.iter().any(|k| k.eq_ignore_ascii_case(t)))
    {
        io.eprint(&format!(
            "error: `{}` has no theme `{unknown}`; its themes are: {}\n",
            doc.standard,
            themes.join(", ")
        ));
        return Err(2);
    }
    let errors = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        io.eprint(&format!(
            "note: the project has {} (`ismsc check` lists them); the SoA shows {} undecided\n",
            render::summary(&analysis.diagnostics),
            plural(doc.summary.undecided, "control")
        ));
    }
    doc.retain(|c| {
        (filter.theme.is_empty() || filter.theme.iter().any(|t| c.theme.eq_ignore_ascii_case(t)))
            && (filter.status.is_empty() || filter.status.iter().any(|s| s.as_str() == c.status))
    });
    let text = match format {
        SoaFormat::Table => emit::table::soa_doc_table(&doc),
        SoaFormat::Json => emit::json::to_json(&doc),
        SoaFormat::Csv => emit::csv::soa_doc_csv(&doc),
    };
    io.print(&text)?;
    Ok(0)
}

/// `ismsc init`: writes the starter project into `dir`, and the CI workflow and pre-commit
/// configuration at the root of the git work tree around it (into `dir` when there is none).
/// Refuses, changing nothing, a folder that already is a project or lies inside one, and a
/// folder holding a file of the starter; leaves an existing workflow or pre-commit
/// configuration as it is, saying so.
fn init(
    dir: &Path,
    organization: Option<String>,
    standard: Standard,
    today: Date,
    io: &mut Io<'_>,
) -> Result<u8, u8> {
    let fail = |io: &mut Io<'_>, message: String| {
        io.eprint(&format!("error: {message}\n"));
        2u8
    };
    let abs = if dir.exists() {
        if !dir.is_dir() {
            return Err(fail(io, format!("`{}` is not a folder", dir.display())));
        }
        dir.canonicalize()
            .map_err(|e| fail(io, format!("cannot read `{}`: {e}", dir.display())))?
    } else {
        let cwd = std::env::current_dir()
            .map_err(|e| fail(io, format!("cannot read the current folder: {e}")))?;
        normalize(&cwd.join(dir))
    };
    if abs.join("isms.toml").exists() {
        return Err(fail(
            io,
            format!(
                "`{}` already has an `isms.toml`: it is an ISMS project, and `ismsc init` changes nothing in it",
                dir.display()
            ),
        ));
    }
    if let Some(outer) = abs
        .ancestors()
        .skip(1)
        .find(|a| a.join("isms.toml").is_file())
    {
        return Err(fail(
            io,
            format!(
                "`{}` is inside the ISMS project `{}`, whose checks would read the new files too; choose a folder outside it",
                dir.display(),
                outer.display()
            ),
        ));
    }
    let root = ismsc_core::driver::repository_root(&abs);
    let repo_dir = root.clone().unwrap_or_else(|| abs.clone());
    let project_path = match abs.strip_prefix(&repo_dir) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => ".".to_string(),
    };
    let folder_name = abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "isms".to_string());
    let options = ismsc_core::init::StarterOptions {
        organization: organization.unwrap_or_else(|| folder_name.clone()),
        name: folder_name,
        standard: standard.key().to_string(),
        today,
        project_path,
    };
    let starter = ismsc_core::init::starter(&options).map_err(|e| fail(io, e))?;
    let existing: Vec<&str> = starter
        .project
        .iter()
        .filter(|f| abs.join(&f.path).exists())
        .map(|f| f.path.as_str())
        .collect();
    if !existing.is_empty() {
        return Err(fail(
            io,
            format!(
                "`{}` already has {}; `ismsc init` overwrites nothing, so it changed nothing",
                dir.display(),
                existing
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let mut create: Vec<(PathBuf, String)> = starter
        .project
        .iter()
        .map(|f| (abs.join(&f.path), f.content.clone()))
        .collect();
    let mut kept = Vec::new();
    for f in &starter.repository {
        let path = repo_dir.join(&f.path);
        if path.exists() {
            kept.push(path);
        } else {
            create.push((path, f.content.clone()));
        }
    }
    let append = vec![(
        abs.join(".gitattributes"),
        starter.gitattributes.to_string(),
    )];
    emit::write::scaffold(&create, &append).map_err(|e| fail(io, e.to_string()))?;
    let shown = |p: &Path| -> String {
        p.strip_prefix(&repo_dir)
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| p.display().to_string())
    };
    let mut text = format!(
        "created the ISMS project `{}` ({}), with {}:\n",
        dir.display(),
        standard.key(),
        plural(create.len(), "file")
    );
    for (path, _) in &create {
        text.push_str(&format!("  {}\n", shown(path)));
    }
    text.push_str("  .gitattributes (the line `*.isms linguist-language=HCL`)\n");
    for path in &kept {
        text.push_str(&format!(
            "left `{}` as it was; see docs/ci.md of ismsc for what to add to it\n",
            shown(path)
        ));
    }
    if root.is_none() {
        text.push_str("the CI workflow and the pre-commit configuration take effect once the folder is a git repository (`git init`)\n");
    }
    text.push_str(&format!(
        "next: decide the controls listed in `{}`; `ismsc check {}` lists those still undecided\n",
        shown(&abs.join(ismsc_core::init::APPLICABILITY)),
        dir.display()
    ));
    io.eprint(&text);
    Ok(0)
}

/// `path` without `.` and `..` components (for a folder that does not exist yet).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The framework `ismsc catalog` lists when none is named.
const DEFAULT_FRAMEWORK: &str = "iso27001:2022";

fn catalog(
    framework: Option<&str>,
    project: Option<&Path>,
    list: bool,
    filter: &emit::dto::CatalogFilter,
    format: SoaFormat,
    io: &mut Io<'_>,
) -> Result<u8, u8> {
    let input = match project {
        Some(p) => Input::from_dir(p),
        None => Input::from_memory(Vec::new()),
    };
    let options = Options {
        today: today(),
        deny_warnings: false,
    };
    let mut analysis = analyze(input, &options);
    if analysis.io_failed() {
        let common = Common {
            today: None,
            deny_warnings: false,
            path_base: None,
        };
        let project = project.unwrap_or(Path::new("."));
        report(&mut analysis, project, &common, io)?;
        return Err(2);
    }
    let model = &analysis.model;
    if list {
        let mut text = String::new();
        for f in &model.frameworks {
            let n = model.requirements_of(&f.key).count();
            text.push_str(&format!(
                "{:<16}  {:>4}  {}\n",
                f.key,
                n,
                ismsc_core::text::visible_line(f.title.as_deref().unwrap_or(""))
            ));
        }
        io.print(&text)?;
        return Ok(0);
    }
    let key = framework.unwrap_or(DEFAULT_FRAMEWORK);
    let Some(mut doc) = emit::dto::CatalogDoc::from_model(model, key) else {
        let known: Vec<&str> = model.frameworks.iter().map(|f| f.key.as_str()).collect();
        io.eprint(&format!(
            "error: no framework `{key}`; the catalogue has: {}\n",
            known.join(", ")
        ));
        return Err(2);
    };
    if let Err(e) = doc.filter(filter) {
        io.eprint(&format!("error: {e}\n"));
        return Err(2);
    }
    let text = match format {
        SoaFormat::Table => emit::table::catalog_doc_table(&doc),
        SoaFormat::Json => emit::json::to_json(&doc),
        SoaFormat::Csv => emit::csv::catalog_doc_csv(&doc),
    };
    io.print(&text)?;
    Ok(0)
}

fn build(
    project: &Path,
    common: &Common,
    out: Option<PathBuf>,
    mut options: publish::BuildOptions,
    history: Option<ismsc_core::history::Options>,
    io: &mut Io<'_>,
) -> Result<u8, u8> {
    let mut analysis = load(project, common);
    // Warnings are shown but do not stop the build; errors do, before anything is written.
    report(&mut analysis, project, common, io)?;
    if analysis.has_errors() {
        return Ok(failure(&analysis));
    }
    // The revision tables of the site and the PDFs, from git; none outside a work tree.
    let documents = options
        .outputs
        .iter()
        .any(|o| matches!(o, publish::Output::Site | publish::Output::Pdf));
    if let (Some(h), true) = (history, documents) {
        options.history = ismsc_core::history::of_project(project, &analysis, h);
    }
    let progress = TerminalProgress::new(io.err_is_terminal);
    let built = publish::build_with_progress(&analysis, &options, &progress);
    progress.finish();
    let Some(publish::Built {
        files,
        failed,
        diagnostics,
    }) = built
    else {
        return Ok(no_standard(io));
    };
    // A font the typesetter cannot read, a template that fails: errors of the project,
    // shown like the others, and nothing is written.
    if !diagnostics.is_empty() {
        analysis.diagnostics = diagnostics;
        report(&mut analysis, project, common, io)?;
        return Ok(1);
    }
    let out = out.unwrap_or_else(|| project.join("dist"));
    if let Err(e) = emit::write::replace_dir(&out, &files) {
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
    let json = ismsc_core::driver::read_text_file(file, ismsc_core::manifest::Limits::IMPORT)
        .map_err(|why| {
            io.eprint(&format!("error: cannot read `{}`: {why}\n", file.display()));
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
            emit::write::write_atomic(path, imported.text.as_bytes()).map_err(|e| {
                io.eprint(&format!("error: {e}\n"));
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

/// A project folder as the input of a diff side.
fn read_project(p: &Path) -> Result<Input, String> {
    Ok(Input::from_dir(p))
}

/// One side of a diff: analysed, with the name it goes by in the report.
fn diff_side(
    input: Result<Input, String>,
    label: &str,
    today: Date,
    io: &mut Io<'_>,
) -> Result<Analysis, u8> {
    let input = input.map_err(|e| {
        io.eprint(&format!("error: {e}\n"));
        2u8
    })?;
    let options = Options {
        today,
        deny_warnings: false,
    };
    let analysis = analyze(input, &options);
    // What could not be read is an I/O failure (exit 2), told with the files and reasons.
    let code = if analysis.io_failed() { 2 } else { 1 };
    let language: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && !d.code.configurable())
        .cloned()
        .collect();
    if !language.is_empty() {
        let style = io.style();
        io.eprint(&render::human(&language, &analysis.sources, style));
        io.eprint(&format!(
            "error: {label} has errors in its `.isms` files, so it cannot be compared; `ismsc check` lists them\n"
        ));
        return Err(code);
    }
    Ok(analysis)
}

/// `ismsc diff OLD NEW` and `ismsc diff --since REV [PROJECT]`: both versions analysed the
/// same way and their derived documents compared. Exit 0, or 1 when a `--fail-on` class is
/// present (or a version has errors of the language), 2 on usage or I/O failure.
fn diff(
    projects: &[PathBuf],
    since: Option<&str>,
    format: DiffFormat,
    fail_on: &[String],
    today: Date,
    io: &mut Io<'_>,
) -> Result<u8, u8> {
    use ismsc_core::diff::{self as d, classes};
    for f in fail_on {
        let level = classes::Level::ALL.iter().any(|l| l.as_str() == f);
        if classes::by_id(f).is_none() && !level {
            let ids: Vec<&str> = classes::ALL.iter().map(|c| c.id).collect();
            io.eprint(&format!(
                "error: `--fail-on {f}`: there is no such class of change; the classes are {}, and the levels `info`, `notice`, `warning`\n",
                ids.join(", ")
            ));
            return Err(2);
        }
    }
    // Each side is read and analysed in turn, so a bad revision fails before the work tree
    // is read.
    let (old, new, old_label, new_label) = match (since, projects) {
        (Some(rev), [] | [_]) => {
            let project = projects
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from("."));
            let old_label = rev.to_string();
            let old = ismsc_core::git::project_at(&project, rev)
                .map(Input::from_memory)
                .map_err(|e| format!("cannot read `{}` at `{rev}`: {e}", project.display()));
            let old = diff_side(old, &format!("the old version (`{rev}`)"), today, io)?;
            let new = diff_side(read_project(&project), "the working tree", today, io)?;
            (old, new, old_label, "working tree".to_string())
        }
        (Some(_), _) => {
            io.eprint("error: with `--since REV`, name one project folder (the new version is its working tree)\n");
            return Err(2);
        }
        (None, [old_dir, new_dir]) => {
            let (old_label, new_label) =
                (old_dir.display().to_string(), new_dir.display().to_string());
            let old = diff_side(
                read_project(old_dir),
                &format!("the old version (`{old_label}`)"),
                today,
                io,
            )?;
            let new = diff_side(
                read_project(new_dir),
                &format!("the new version (`{new_label}`)"),
                today,
                io,
            )?;
            (old, new, old_label, new_label)
        }
        (None, _) => {
            io.eprint("error: name the old and the new project folders (`ismsc diff OLD NEW`), or a git revision to compare the working tree with (`ismsc diff --since REV [PROJECT]`)\n");
            return Err(2);
        }
    };
    let changes = d::Diff::new(&old, &new, today);
    let text = match format {
        DiffFormat::Human => d::render::human(&changes, &old_label, &new_label),
        DiffFormat::Markdown => d::render::markdown(
            &changes,
            &old_label,
            &new_label,
            d::render::GITHUB_COMMENT_LIMIT,
        ),
        DiffFormat::Json => d::render::json(&changes, &old_label, &new_label),
    };
    io.print(&text)?;
    release(old);
    release(new);
    let hit = changes.changes.iter().any(|c| {
        fail_on
            .iter()
            .any(|f| f == c.class.id || f == c.class.level.as_str())
    });
    Ok(u8::from(hit))
}

/// `ismsc migrate`: the project moved to another edition. Without `--write`, a unified diff on
/// standard output and the decisions on standard error; with it, the files written in place.
/// Exit 0, 1 when the project has errors of the language, 2 on usage or I/O failure.
fn migrate(project: &Path, to: &str, write: bool, today: Date, io: &mut Io<'_>) -> Result<u8, u8> {
    let common = Common {
        today: Some(today),
        deny_warnings: false,
        path_base: None,
    };
    let mut analysis = load(project, &common);
    let language_errors = analysis
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error && !d.code.configurable());
    if language_errors {
        report(&mut analysis, project, &common, io)?;
        if analysis.io_failed() {
            return Ok(failure(&analysis));
        }
        io.eprint("error: the project has errors in its `.isms` files; fix them before migrating (`ismsc check` lists them)\n");
        return Ok(1);
    }
    let options = Options {
        today,
        deny_warnings: false,
    };
    let plan = match ismsc_core::migrate::migrate(&analysis, to, &options) {
        Ok(plan) => plan,
        Err(e) => {
            io.eprint(&format!("error: {e}\n"));
            return Err(2);
        }
    };
    let mut text = format!(
        "Migration of `{}` from {} to {}:\n",
        project.display(),
        plan.from,
        plan.to
    );
    for n in &plan.notes {
        if n.line > 0 {
            text.push_str(&format!("  {}:{}: {}\n", n.file, n.line, n.text));
        } else {
            text.push_str(&format!("  {}: {}\n", n.file, n.text));
        }
    }
    let after: Vec<String> = plan
        .findings_after
        .iter()
        .map(|(code, n)| format!("{n} × {code}"))
        .collect();
    text.push_str(&format!(
        "After the migration, `ismsc check` reports {}.\n",
        if after.is_empty() {
            "no problems".to_string()
        } else {
            after.join(", ")
        }
    ));
    if write {
        for f in &plan.files {
            let path = project.join(&f.name);
            if let Err(e) = emit::write::write_atomic(&path, f.new.as_bytes()) {
                io.eprint(&text);
                io.eprint(&format!("error: {e}\n"));
                return Err(2);
            }
        }
        text.push_str(&format!(
            "Wrote {} of `{}`.\n",
            plural(plan.files.len(), "file"),
            project.display()
        ));
        io.eprint(&text);
    } else {
        for f in &plan.files {
            io.print(&unified_diff(&f.name, &f.old, &f.new))?;
        }
        text.push_str(&format!(
            "Nothing was written: `ismsc migrate {} --write` changes {}.\n",
            project.display(),
            plural(plan.files.len(), "file")
        ));
        io.eprint(&text);
    }
    release(analysis);
    Ok(0)
}

/// What `ismsc fmt` does with a file that would change.
#[derive(Clone, Copy)]
struct FmtMode {
    /// Write nothing; list it (exit 1).
    check: bool,
    /// Print a unified diff of it.
    diff: bool,
}

/// How one file came out of the formatter.
enum Formatted {
    /// Already in the canonical layout.
    Same,
    /// This is its canonical layout.
    Changed(String),
    /// Not formatted: syntax errors (reported) or an internal error (reported); the exit code.
    Failed(u8),
}

/// Formats one text named `name`, reporting its syntax errors as `ismsc check` does and an
/// internal error as a bug.
fn format_one(name: &str, text: &str, io: &mut Io<'_>) -> Formatted {
    let mut sources = ismsc_core::source::SourceMap::new();
    let file = sources.add(name, text, ismsc_core::source::Origin::Project);
    match ismsc_core::fmt::format_source(file, text) {
        Ok(out) if out == text => Formatted::Same,
        Ok(out) => Formatted::Changed(out),
        Err(ismsc_core::fmt::FmtError::Syntax(mut diags)) => {
            diags.sort(&sources);
            let diags: Vec<_> = diags.into_vec();
            let style = io.style();
            io.eprint_rendered(&render::human(&diags, &sources, style));
            io.eprint(&format!(
                "error: `{name}` has syntax errors, so it was not formatted\n"
            ));
            Formatted::Failed(1)
        }
        Err(ismsc_core::fmt::FmtError::Internal(e)) => {
            io.eprint(&format!("error: `{name}`: {e}\n"));
            Formatted::Failed(2)
        }
    }
}

/// A unified diff from `old` to `new` of the file `name`, for people: control and
/// bidirectional characters are shown by their stand-ins (so a diff of a file that holds
/// them does not apply as a patch).
fn unified_diff(name: &str, old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    ismsc_core::text::visible(&diff).into_owned()
}

/// The files `ismsc fmt` formats: each path a file, or a folder whose `.isms` files (as a
/// project loads them) are formatted; by default the project around the current folder (the
/// nearest folder upwards with an `isms.toml`, named relative to the current folder), and
/// without one a usage error rather than a walk of whatever folder it was started in. Each
/// file once, in the order given, a folder's files sorted.
fn fmt_files(paths: Vec<PathBuf>, io: &mut Io<'_>) -> Result<Vec<PathBuf>, u8> {
    let paths = if paths.is_empty() {
        let cwd = std::env::current_dir().map_err(|e| {
            io.eprint(&format!("error: cannot read the current folder: {e}\n"));
            2u8
        })?;
        let Some(up) = cwd.ancestors().position(|a| a.join("isms.toml").is_file()) else {
            io.eprint("error: no ISMS project here (no `isms.toml` in this folder or above it): name the files or folders to format, e.g. `ismsc fmt compliance/isms`\n");
            return Err(2);
        };
        let project: PathBuf = if up == 0 {
            PathBuf::from(".")
        } else {
            std::iter::repeat_n("..", up).collect()
        };
        vec![project]
    } else {
        paths
    };
    let mut files = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for path in paths {
        let meta = std::fs::metadata(&path).map_err(|e| {
            io.eprint(&format!("error: cannot read `{}`: {e}\n", path.display()));
            2u8
        })?;
        let found = if meta.is_dir() {
            ismsc_core::driver::isms_files(&path)
                .map_err(|e| {
                    io.eprint(&format!("error: cannot read `{}`: {e}\n", path.display()));
                    2u8
                })?
                .into_iter()
                .map(|rel| {
                    if path == Path::new(".") {
                        PathBuf::from(rel)
                    } else {
                        path.join(rel)
                    }
                })
                .collect()
        } else {
            vec![path]
        };
        for f in found {
            let key = f.canonicalize().unwrap_or_else(|_| f.clone());
            if seen.insert(key) {
                files.push(f);
            }
        }
    }
    Ok(files)
}

/// `ismsc fmt`: formats files in place (only those that change, each atomically), or with
/// `--check` lists those that would change, or formats standard input to standard output.
/// Exit 0 when every file is formatted (or, with `--check`, already was), 1 when a file has
/// syntax errors or would change under `--check`, 2 on usage, I/O or internal errors.
fn fmt(
    paths: Vec<PathBuf>,
    stdin: bool,
    stdin_filepath: Option<PathBuf>,
    mode: FmtMode,
    io: &mut Io<'_>,
) -> Result<u8, u8> {
    let dash = paths.iter().any(|p| p.as_os_str() == "-");
    if stdin || dash {
        if paths.iter().any(|p| p.as_os_str() != "-") {
            io.eprint("error: `ismsc fmt` formats standard input or files, not both\n");
            return Err(2);
        }
        return fmt_stdin(stdin_filepath, mode, io);
    }
    if stdin_filepath.is_some() {
        io.eprint("error: `--stdin-filepath` names standard input: use it with `--stdin` or `-`\n");
        return Err(2);
    }
    let files = fmt_files(paths, io)?;
    let mut code = 0u8;
    let mut would_change = Vec::new();
    let mut written = 0usize;
    for path in &files {
        let name = path.to_string_lossy().replace('\\', "/");
        // A regular file within the limit of `.isms` files only: a pipe would block.
        let limit = ismsc_core::manifest::Limits::default().isms;
        let text = match ismsc_core::driver::read_text_file(path, limit) {
            Ok(t) => t,
            Err(why) => {
                io.eprint(&format!("error: cannot read `{name}`: {why}\n"));
                code = 2;
                continue;
            }
        };
        match format_one(&name, &text, io) {
            Formatted::Same => {}
            Formatted::Failed(c) => code = code.max(c),
            Formatted::Changed(out) if mode.check => {
                if mode.diff {
                    io.print(&unified_diff(&name, &text, &out))?;
                } else {
                    io.print(&format!("{name}\n"))?;
                }
                would_change.push(name);
            }
            Formatted::Changed(out) => match emit::write::write_atomic(path, out.as_bytes()) {
                Ok(()) => written += 1,
                Err(e) => {
                    io.eprint(&format!("error: {e}\n"));
                    code = 2;
                }
            },
        }
    }
    if mode.check && !would_change.is_empty() {
        io.eprint(&format!(
            "{} of {} not in the canonical layout; `ismsc fmt` formats {}\n",
            plural(would_change.len(), "file"),
            files.len(),
            if would_change.len() == 1 {
                "it"
            } else {
                "them"
            }
        ));
        code = code.max(1);
    } else if written > 0 {
        io.eprint(&format!(
            "formatted {} of {}\n",
            plural(written, "file"),
            files.len()
        ));
    }
    Ok(code)
}

/// `ismsc fmt -`: standard input formatted to standard output (with `--check`, nothing but the
/// exit code and, with `--diff`, the diff). Nothing is printed on standard output when the
/// text cannot be formatted.
fn fmt_stdin(name: Option<PathBuf>, mode: FmtMode, io: &mut Io<'_>) -> Result<u8, u8> {
    let name = name
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|| "<stdin>".to_string());
    let mut bytes = Vec::new();
    if let Err(e) = io.input.read_to_end(&mut bytes) {
        io.eprint(&format!("error: cannot read standard input: {e}\n"));
        return Err(2);
    }
    let Ok(text) = String::from_utf8(bytes) else {
        io.eprint("error: standard input is not UTF-8 text\n");
        return Err(2);
    };
    match format_one(&name, &text, io) {
        Formatted::Failed(c) => Ok(c),
        Formatted::Same if mode.check => Ok(0),
        Formatted::Same => io.print(&text).map(|_| 0),
        Formatted::Changed(out) if mode.check => {
            if mode.diff {
                io.print(&unified_diff(&name, &text, &out))?;
            } else {
                io.print(&format!("{name}\n"))?;
            }
            Ok(1)
        }
        Formatted::Changed(out) => io.print(&out).map(|_| 0),
    }
}

/// What `ismsc debug` shows.
#[derive(Subcommand, Debug)]
pub enum DebugCommand {
    /// Print the syntax tree of one `.isms` file, with its comments, blank lines and error
    /// nodes, and the syntax errors found in it.
    Ast {
        /// The `.isms` file.
        file: PathBuf,
    },
}

fn debug_ast(file: &Path, io: &mut Io<'_>) -> Result<u8, u8> {
    let limit = ismsc_core::manifest::Limits::default().isms;
    let text = ismsc_core::driver::read_text_file(file, limit).map_err(|why| {
        io.eprint(&format!("error: cannot read `{}`: {why}\n", file.display()));
        2
    })?;
    let mut sources = ismsc_core::source::SourceMap::new();
    let name = file.display().to_string();
    let id = sources.add(name, text.clone(), ismsc_core::source::Origin::Project);
    let mut diags = ismsc_core::diag::Diagnostics::new();
    let tree = ismsc_core::syntax::parse_file(&sources, id, &mut diags);
    io.print(&ismsc_core::text::visible(&ismsc_core::syntax::dump(
        &tree, &text,
    )))?;
    let diags = diags.into_vec();
    if !diags.is_empty() {
        io.eprint(&render::short(&diags, &sources));
    }
    Ok(u8::from(!diags.is_empty()))
}
