//! The project manifest, `isms.toml`, and the per-code severities it configures.

use std::collections::BTreeMap;

use crate::diag::{Code, Diagnostic, Diagnostics, Severity};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::{Duration, DurationUnit};

/// The audit cycle when `[audit] cycle` does not set one: three years, the certification cycle.
pub const DEFAULT_AUDIT_CYCLE: Duration = Duration {
    amount: 3,
    unit: DurationUnit::Years,
};

/// The management review interval when `[management_review] interval` does not set one.
pub const DEFAULT_REVIEW_INTERVAL: Duration = Duration {
    amount: 12,
    unit: DurationUnit::Months,
};

/// What a project sets for a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Report as an error.
    Deny,
    /// Report as a warning.
    Warn,
    /// Do not report.
    Allow,
}

/// The manifest.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// `[project] name`.
    pub name: Option<String>,
    /// `[lints]`.
    pub lints: BTreeMap<Code, Level>,
    /// `[coverage]`: per framework key, the least coverage every requirement must have, and
    /// where it is written.
    pub coverage: BTreeMap<String, (Minimum, Span)>,
    /// `[audit] cycle`: within how long the audit programme covers every clause and every
    /// applicable Annex A control.
    pub audit_cycle: Option<Duration>,
    /// `[management_review] interval`: how often top management reviews the ISMS.
    pub review_interval: Option<Duration>,
}

/// The least coverage a framework's requirements must have (`[coverage]` in `isms.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Minimum {
    /// No requirement without any coverage (`"partial"`).
    Partial,
    /// Every requirement fully covered or excluded (`"full"`).
    Full,
}

/// Reads the manifest; problems become E0010 findings.
pub fn read(sources: &SourceMap, file: Option<FileId>, diags: &mut Diagnostics) -> Manifest {
    let mut m = Manifest::default();
    let Some(file) = file else {
        // The driver reports a missing manifest.
        return m;
    };
    let text = sources.get(file).map(|f| f.text.as_str()).unwrap_or("");
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            diags.push(
                Diagnostic::new(
                    Code::E0010,
                    Span::new(file, span.start, span.end),
                    format!("`isms.toml` is not valid TOML: {}", e.message()),
                )
                .primary_label("here")
                .help("fix the TOML syntax; see docs/language.md for the manifest's keys"),
            );
            return m;
        }
    };
    let find = |needle: &str| -> Span {
        let at = text.find(needle).unwrap_or(0);
        Span::new(
            file,
            at,
            at + needle.len().min(text.len().saturating_sub(at)),
        )
    };
    for (key, _) in table.iter().filter(|(k, _)| {
        !matches!(
            k.as_str(),
            "project" | "lints" | "coverage" | "audit" | "management_review"
        )
    }) {
        diags.push(
            Diagnostic::new(
                Code::E0010,
                find(key),
                format!("`isms.toml` has no section `{key}`"),
            )
            .primary_label("unknown section")
            .help("the manifest has the sections `[project]`, `[lints]`, `[coverage]`, `[audit]` and `[management_review]`"),
        );
    }
    match table.get("project").and_then(|p| p.as_table()) {
        None => diags.push(
            Diagnostic::new(
                Code::E0010,
                Span::new(file, 0, 0),
                "`isms.toml` has no `[project]` section",
            )
            .primary_label("in this manifest")
            .help("add `[project]` with `name = \"…\"`"),
        ),
        Some(project) => {
            for (key, _) in project
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "name" | "description" | "version"))
            {
                diags.push(
                    Diagnostic::new(
                        Code::E0010,
                        find(key),
                        format!("`[project]` has no key `{key}`"),
                    )
                    .primary_label("unknown key")
                    .help("`[project]` takes `name`, `description` and `version`"),
                );
            }
            match project.get("name") {
                Some(toml::Value::String(name)) => m.name = Some(name.clone()),
                Some(_) => diags.push(
                    Diagnostic::new(
                        Code::E0010,
                        find("name"),
                        "`name` in `[project]` must be a string",
                    )
                    .primary_label("not a string")
                    .help("write `name = \"my-isms\"`"),
                ),
                None => diags.push(
                    Diagnostic::new(Code::E0010, find("[project]"), "`[project]` has no `name`")
                        .primary_label("missing `name`")
                        .help("add `name = \"…\"` under `[project]`"),
                ),
            }
        }
    }
    if let Some(coverage) = table.get("coverage").and_then(|c| c.as_table()) {
        for (key, value) in coverage {
            let minimum = match value.as_str() {
                Some("partial") => Minimum::Partial,
                Some("full") => Minimum::Full,
                _ => {
                    diags.push(
                        Diagnostic::new(
                            Code::E0010,
                            find(key),
                            format!("the coverage of `{key}` must be \"partial\" or \"full\""),
                        )
                        .primary_label("invalid minimum")
                        .help("`\"partial\"`: no requirement without coverage; `\"full\"`: every requirement fully covered or excluded, e.g. `\"nist-csf:2.0\" = \"partial\"`"),
                    );
                    continue;
                }
            };
            m.coverage.insert(key.clone(), (minimum, find(key)));
        }
    }
    m.audit_cycle = period(&table, "audit", "cycle", &find, diags);
    m.review_interval = period(&table, "management_review", "interval", &find, diags);
    if let Some(lints) = table.get("lints").and_then(|l| l.as_table()) {
        for (key, value) in lints {
            let Some(code) = Code::parse(key) else {
                let names = Code::ALL.iter().flat_map(|c| [c.as_str(), c.slug()]);
                let help = match crate::suggest::did_you_mean(key, names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "name a code such as `W0601` or its slug; `ismsc explain CODE` describes each".into(),
                };
                diags.push(
                    Diagnostic::new(
                        Code::E0010,
                        find(key),
                        format!("`{key}` is not a diagnostic code"),
                    )
                    .primary_label("unknown code")
                    .help(help),
                );
                continue;
            };
            let level = match value.as_str() {
                Some("deny") => Level::Deny,
                Some("warn") => Level::Warn,
                Some("allow") => Level::Allow,
                _ => {
                    diags.push(
                        Diagnostic::new(
                            Code::E0010,
                            find(key),
                            format!("`{key}` must be \"deny\", \"warn\" or \"allow\""),
                        )
                        .primary_label("invalid level")
                        .help("write `W0601 = \"deny\"`"),
                    );
                    continue;
                }
            };
            if level != Level::Deny && !code.configurable() {
                diags.push(
                    Diagnostic::new(Code::E0010, find(key), format!("`{key}` cannot be lowered to \"{}\"", if level == Level::Warn { "warn" } else { "allow" }))
                        .primary_label("has no effect")
                        .help("errors in the language itself (E0001 to E0299) stay errors: later checks rely on them; only `deny` is accepted for them"),
                );
                continue;
            }
            m.lints.insert(code, level);
        }
    }
    m
}

/// A duration of a section with one key (`[audit] cycle = "3y"`); a wrong key or value is
/// E0010.
fn period(
    table: &toml::Table,
    section: &str,
    key: &str,
    find: &dyn Fn(&str) -> Span,
    diags: &mut Diagnostics,
) -> Option<Duration> {
    let t = table.get(section)?;
    let Some(t) = t.as_table() else {
        diags.push(
            Diagnostic::new(
                Code::E0010,
                find(section),
                format!("`{section}` must be a section"),
            )
            .primary_label("not a section")
            .help(format!("write `[{section}]` and `{key} = \"…\"` below it")),
        );
        return None;
    };
    for (k, _) in t.iter().filter(|(k, _)| *k != key) {
        diags.push(
            Diagnostic::new(
                Code::E0010,
                find(k),
                format!("`[{section}]` has no key `{k}`"),
            )
            .primary_label("unknown key")
            .help(format!("`[{section}]` takes `{key}`")),
        );
    }
    let value = t.get(key)?;
    match value.as_str().and_then(Duration::parse) {
        Some(d) if d.amount > 0 => Some(d),
        _ => {
            diags.push(
                Diagnostic::new(
                    Code::E0010,
                    find(key),
                    format!("`{key}` in `[{section}]` must be a duration such as \"3y\" or \"12mo\""),
                )
                .primary_label("not a duration")
                .help("write a positive number and a unit as a string: `\"90d\"`, `\"2w\"`, `\"12mo\"`, `\"3y\"`"),
            );
            None
        }
    }
}

impl Manifest {
    /// The audit cycle: `[audit] cycle`, three years by default.
    pub fn audit_cycle(&self) -> Duration {
        self.audit_cycle.unwrap_or(DEFAULT_AUDIT_CYCLE)
    }

    /// The management review interval: `[management_review] interval`, twelve months by
    /// default.
    pub fn review_interval(&self) -> Duration {
        self.review_interval.unwrap_or(DEFAULT_REVIEW_INTERVAL)
    }

    /// Applies `[lints]` and `--deny-warnings` to the findings.
    pub fn apply_lints(&self, diags: &mut Diagnostics, deny_warnings: bool) {
        for d in diags.iter_mut() {
            match self.lints.get(&d.code) {
                Some(Level::Deny) => d.severity = Severity::Error,
                Some(Level::Warn) if d.code.configurable() => d.severity = Severity::Warning,
                _ => {}
            }
            if deny_warnings && d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
        diags.retain(|d| self.lints.get(&d.code) != Some(&Level::Allow) || !d.code.configurable());
    }
}
