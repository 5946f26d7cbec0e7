//! The command line: argument parsing and the subcommands.
//!
//! [`run`] takes the arguments and the output streams, so tests drive the real command line
//! without spawning a process; `main.rs` only wires it to the process.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::render::{self, HumanStyle};
use crate::diag::Code;
use crate::syntax::ast::Date;
use crate::{analyze, Analysis, Input, Options};
use clap::{Parser, Subcommand, ValueEnum};

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
    /// Explain a diagnostic code, e.g. `ismsc explain E0102`.
    Explain {
        /// A code such as `E0102`, or its slug such as `unknown-reference`.
        code: String,
    },
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
        } => check(&project, &common, format, io),
        Command::Graph {
            project,
            common,
            format,
        } => graph(&project, &common, format, io),
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

fn check(project: &Path, common: &Common, format: Format, io: &mut Io<'_>) -> Result<u8, u8> {
    let analysis = load(project, common, io)?;
    let diags = &analysis.diagnostics;
    match format {
        Format::Human => {
            let style = io.style();
            io.eprint(&render::human(diags, &analysis.sources, style));
        }
        Format::Short => io.print(&render::short(diags, &analysis.sources))?,
        Format::Json => io.print(&render::json(diags, &analysis.sources))?,
        Format::Sarif => io.print(&render::sarif(diags, &analysis.sources))?,
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
