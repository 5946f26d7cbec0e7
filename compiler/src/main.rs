//! `ismsc`, the command line. The only place that does process and terminal I/O.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use isms_compiler::diag::render::{self, HumanStyle};
use isms_compiler::diag::Code;
use isms_compiler::syntax::ast::Date;
use isms_compiler::{analyze, Analysis, Input, Options};

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

fn color_for(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn load(project: &Path, common: &Common) -> Result<Analysis, ExitCode> {
    let input = match Input::from_dir(project) {
        Ok(i) => i,
        Err(e) => {
            eprintln!(
                "error: cannot read the project `{}`: {e}",
                project.display()
            );
            return Err(ExitCode::from(2));
        }
    };
    let options = Options {
        today: common.today.unwrap_or_else(today),
        deny_warnings: common.deny_warnings,
    };
    Ok(analyze(input, &options))
}

fn print(out: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check {
            project,
            common,
            format,
        } => {
            let analysis = match load(&project, &common) {
                Ok(a) => a,
                Err(code) => return code,
            };
            let diags = &analysis.diagnostics;
            let printed = match format {
                Format::Human => {
                    let style = HumanStyle {
                        color: color_for(std::io::stderr().is_terminal()),
                        width: 100,
                    };
                    eprint!("{}", render::human(diags, &analysis.sources, style));
                    ExitCode::SUCCESS
                }
                Format::Short => print(&render::short(diags, &analysis.sources)),
                Format::Json => print(&render::json(diags, &analysis.sources)),
                Format::Sarif => print(&render::sarif(diags, &analysis.sources)),
            };
            if printed != ExitCode::SUCCESS {
                return printed;
            }
            if analysis.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Graph {
            project,
            common,
            format,
        } => {
            let analysis = match load(&project, &common) {
                Ok(a) => a,
                Err(code) => return code,
            };
            if analysis.has_errors() {
                let style = HumanStyle {
                    color: color_for(std::io::stderr().is_terminal()),
                    width: 100,
                };
                eprint!(
                    "{}",
                    render::human(&analysis.diagnostics, &analysis.sources, style)
                );
                return ExitCode::from(1);
            }
            let text = match format {
                GraphFormat::Dot => analysis.graph.to_dot(&analysis.model),
                GraphFormat::Mermaid => analysis.graph.to_mermaid(&analysis.model),
            };
            print(&text)
        }
        Command::Explain { code } => match Code::parse(&code) {
            Some(c) => print(c.page()),
            None => {
                eprintln!("error: `{code}` is not a diagnostic code of ismsc (codes look like `E0102` or `W0601`)");
                ExitCode::from(2)
            }
        },
    }
}
