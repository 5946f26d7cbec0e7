//! The project manifest, `isms.toml`: the project's name, the per-code severities of
//! `[lints]`, the coverage minimums of `[coverage]` and the size limits of `[limits]`.
//!
//! The manifest is parsed once with toml_edit, which keeps the span of every key, so each
//! finding points at its own key in time linear in the manifest (looking keys up by text was
//! quadratic: 80,000 lint keys took seconds). No finding echoes more of the manifest than the
//! line it is about: a TOML error is reported with the parser's message, never with its
//! rendering of the surrounding text.

use std::collections::BTreeMap;

use toml_edit::{ImDocument, Item, Key, TableLike};

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

/// One mebibyte.
pub const MIB: u64 = 1024 * 1024;

/// The size limits of the files ismsc reads, in bytes.
///
/// A file over its limit is not read at all (E0013), so no input can make ismsc allocate
/// without bound. `[limits]` in `isms.toml` sets `isms` and `file` up to [`Limits::CEILING`];
/// the manifest's own limit is fixed, since it is read before its settings are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Each `.isms` file (default 64 MiB).
    pub isms: u64,
    /// Each file named by `file(...)` (default 16 MiB).
    pub file: u64,
}

impl Limits {
    /// `isms.toml` itself: 16 MiB.
    pub const MANIFEST: u64 = 16 * MIB;
    /// The largest limit a project may set: 1 GiB (spans are 32-bit byte offsets).
    pub const CEILING: u64 = 1024 * MIB;
    /// An OSCAL catalog read by `ismsc import oscal-catalog`: 64 MiB.
    pub const IMPORT: u64 = 64 * MIB;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            isms: 64 * MIB,
            file: 16 * MIB,
        }
    }
}

/// A size for people: `64 MiB`, `3 KiB`, `100 bytes`.
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads a size: an integer of bytes, or a string `"<n> B|KiB|MiB|GiB"`.
fn parse_size(item: &Item) -> Option<u64> {
    if let Some(n) = item.as_integer() {
        return u64::try_from(n).ok();
    }
    let s = item.as_str()?.trim();
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (num, unit) = s.split_at(digits);
    let n: u64 = num.parse().ok()?;
    let factor = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1024,
        "MiB" => MIB,
        "GiB" => 1024 * MIB,
        _ => return None,
    };
    n.checked_mul(factor)
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
    /// `[limits]`.
    pub limits: Limits,
    /// `[publish]`: the branding and templates of the published documents.
    pub publish: crate::brand::Publish,
}

/// The least coverage a framework's requirements must have (`[coverage]` in `isms.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Minimum {
    /// No requirement without any coverage (`"partial"`).
    Partial,
    /// Every requirement fully covered or excluded (`"full"`).
    Full,
}

/// The limits a manifest sets, without reporting anything (the loader needs them before the
/// findings are collected; [`read`] reports what is wrong with them).
pub fn limits(text: &str) -> Limits {
    let mut limits = Limits::default();
    let Ok(doc) = ImDocument::parse(text) else {
        return limits;
    };
    if let Some(table) = doc.get("limits").and_then(Item::as_table_like) {
        for (key, slot) in [("isms", &mut limits.isms), ("file", &mut limits.file)] {
            if let Some(n) = table.get(key).and_then(parse_size) {
                if (1..=Limits::CEILING).contains(&n) {
                    *slot = n;
                }
            }
        }
    }
    limits
}

/// The sections of a manifest and the keys of `[project]`.
const SECTIONS: [&str; 7] = [
    "project",
    "lints",
    "coverage",
    "limits",
    "audit",
    "management_review",
    "publish",
];
const PROJECT_KEYS: [&str; 3] = ["name", "description", "version"];
const LIMIT_KEYS: [&str; 2] = ["isms", "file"];

/// Reads the manifest; problems become E0010 findings.
pub fn read(sources: &SourceMap, file: Option<FileId>, diags: &mut Diagnostics) -> Manifest {
    let mut m = Manifest::default();
    let Some(file) = file else {
        // The driver reports a missing manifest.
        return m;
    };
    let text = sources.get(file).map(|f| f.text.as_str()).unwrap_or("");
    let doc = match ImDocument::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            // The parser's message only: its rendering would quote the manifest's text.
            let message = e.message().lines().next().unwrap_or("").trim().to_string();
            diags.push(
                Diagnostic::new(
                    Code::E0010,
                    Span::new(file, span.start, span.end),
                    format!("`isms.toml` is not valid TOML: {message}"),
                )
                .primary_label("here")
                .help("fix the TOML syntax; see docs/language.md for the manifest's keys"),
            );
            return m;
        }
    };
    let at = |key: &Key| -> Span {
        let range = key.span().unwrap_or(0..0);
        Span::new(file, range.start, range.end)
    };
    let root: &dyn TableLike = doc.as_table();
    let mut project = None;
    let mut lints = None;
    let mut coverage = None;
    let mut limits = None;
    let mut audit = None;
    let mut review = None;
    let mut publish = None;
    for (key, item) in entries(root) {
        match key.get() {
            "project" => project = Some((key, item)),
            "lints" => lints = item.as_table_like(),
            "coverage" => coverage = item.as_table_like(),
            "limits" => limits = Some((key, item)),
            "audit" => audit = Some((key, item)),
            "management_review" => review = Some((key, item)),
            "publish" => publish = Some((key, item)),
            name => diags.push(
                Diagnostic::new(
                    Code::E0010,
                    at(key),
                    format!("`isms.toml` has no section `{name}`"),
                )
                .primary_label("unknown section")
                .help(format!(
                    "the manifest has the sections {} and `[{}]`",
                    SECTIONS[..SECTIONS.len() - 1]
                        .iter()
                        .map(|s| format!("`[{s}]`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    SECTIONS[SECTIONS.len() - 1]
                )),
            ),
        }
    }
    match project {
        None => diags.push(
            Diagnostic::new(
                Code::E0010,
                Span::new(file, 0, 0),
                "`isms.toml` has no `[project]` section",
            )
            .primary_label("in this manifest")
            .help("add `[project]` with `name = \"…\"`"),
        ),
        Some((section, item)) => {
            let header = header_span(text, file, section);
            read_project(&mut m, header, item, &at, diags)
        }
    }
    if let Some(coverage) = coverage {
        read_coverage(&mut m, coverage, &at, diags);
    }
    if let Some(lints) = lints {
        read_lints(&mut m, lints, &at, diags);
    }
    if let Some((_, item)) = limits {
        read_limits(&mut m, item, &at, diags);
    }
    if let Some((key, item)) = audit {
        m.audit_cycle = period(
            item,
            "audit",
            "cycle",
            header_span(text, file, key),
            &at,
            diags,
        );
    }
    if let Some((key, item)) = review {
        m.review_interval = period(
            item,
            "management_review",
            "interval",
            header_span(text, file, key),
            &at,
            diags,
        );
    }
    if let Some((key, item)) = publish {
        m.publish =
            crate::brand::read_section(item, header_span(text, file, key), file, &at, diags);
    }
    m
}

/// The keys of a table with their items, in the document's order.
pub(crate) fn entries(table: &dyn TableLike) -> Vec<(&Key, &Item)> {
    table
        .iter()
        .filter_map(|(name, _)| table.get_key_value(name))
        .collect()
}

/// The span of a section's header, `[project]` with its brackets (the key's span when the
/// section is written otherwise, e.g. as an inline table).
fn header_span(text: &str, file: FileId, key: &Key) -> Span {
    let range = key.span().unwrap_or(0..0);
    let bytes = text.as_bytes();
    let mut start = range.start;
    while start > 0 && matches!(bytes.get(start - 1), Some(b' ' | b'\t')) {
        start -= 1;
    }
    let mut end = range.end;
    while matches!(bytes.get(end), Some(b' ' | b'\t')) {
        end += 1;
    }
    if start > 0 && bytes.get(start - 1) == Some(&b'[') && bytes.get(end) == Some(&b']') {
        Span::new(file, start - 1, end + 1)
    } else {
        Span::new(file, range.start, range.end)
    }
}

fn read_project(
    m: &mut Manifest,
    section: Span,
    item: &Item,
    at: &dyn Fn(&Key) -> Span,
    diags: &mut Diagnostics,
) {
    let Some(project) = item.as_table_like() else {
        diags.push(
            Diagnostic::new(Code::E0010, section, "`project` must be a section")
                .primary_label("not a section")
                .help("write `[project]` on a line of its own, with `name = \"…\"` below it"),
        );
        return;
    };
    for (key, _) in entries(project) {
        if !PROJECT_KEYS.contains(&key.get()) {
            diags.push(
                Diagnostic::new(
                    Code::E0010,
                    at(key),
                    format!("`[project]` has no key `{}`", key.get()),
                )
                .primary_label("unknown key")
                .help("`[project]` takes `name`, `description` and `version`"),
            );
        }
    }
    match project.get_key_value("name") {
        Some((_, value)) if value.is_str() => m.name = value.as_str().map(String::from),
        Some((key, _)) => diags.push(
            Diagnostic::new(
                Code::E0010,
                at(key),
                "`name` in `[project]` must be a string",
            )
            .primary_label("not a string")
            .help("write `name = \"my-isms\"`"),
        ),
        None => diags.push(
            Diagnostic::new(Code::E0010, section, "`[project]` has no `name`")
                .primary_label("missing `name`")
                .help("add `name = \"…\"` under `[project]`"),
        ),
    }
}

fn read_lints(
    m: &mut Manifest,
    lints: &dyn TableLike,
    at: &dyn Fn(&Key) -> Span,
    diags: &mut Diagnostics,
) {
    for (key, value) in entries(lints) {
        let name = key.get();
        let Some(code) = Code::parse(name) else {
            diags.push(
                Diagnostic::new(
                    Code::E0010,
                    at(key),
                    format!("`{name}` is not a diagnostic code"),
                )
                .primary_label("unknown code")
                .help(
                    "name a code such as `W0601` or its slug; `ismsc explain CODE` describes each",
                ),
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
                        at(key),
                        format!("`{name}` must be \"deny\", \"warn\" or \"allow\""),
                    )
                    .primary_label("invalid level")
                    .help("write `W0601 = \"deny\"`"),
                );
                continue;
            }
        };
        if level != Level::Deny && !code.configurable() {
            diags.push(
                Diagnostic::new(Code::E0010, at(key), format!("`{name}` cannot be lowered to \"{}\"", if level == Level::Warn { "warn" } else { "allow" }))
                    .primary_label("has no effect")
                    .help("errors in the language itself (E0001 to E0299) stay errors: later checks rely on them; only `deny` is accepted for them"),
            );
            continue;
        }
        m.lints.insert(code, level);
    }
}

fn read_coverage(
    m: &mut Manifest,
    coverage: &dyn TableLike,
    at: &dyn Fn(&Key) -> Span,
    diags: &mut Diagnostics,
) {
    for (key, value) in entries(coverage) {
        let name = key.get();
        let minimum = match value.as_str() {
            Some("partial") => Minimum::Partial,
            Some("full") => Minimum::Full,
            _ => {
                diags.push(
                    Diagnostic::new(
                        Code::E0010,
                        at(key),
                        format!("the coverage of `{name}` must be \"partial\" or \"full\""),
                    )
                    .primary_label("invalid minimum")
                    .help("`\"partial\"`: no requirement without coverage; `\"full\"`: every requirement fully covered or excluded, e.g. `\"nist-csf:2.0\" = \"partial\"`"),
                );
                continue;
            }
        };
        m.coverage.insert(name.to_string(), (minimum, at(key)));
    }
}

/// A duration of a section with one key (`[audit] cycle = "3y"`); a wrong key or value is
/// E0010.
fn period(
    item: &Item,
    section: &str,
    key: &str,
    header: Span,
    at: &dyn Fn(&Key) -> Span,
    diags: &mut Diagnostics,
) -> Option<Duration> {
    let Some(table) = item.as_table_like() else {
        diags.push(
            Diagnostic::new(
                Code::E0010,
                header,
                format!("`{section}` must be a section"),
            )
            .primary_label("not a section")
            .help(format!("write `[{section}]` and `{key} = \"…\"` below it")),
        );
        return None;
    };
    let mut found = None;
    for (k, value) in entries(table) {
        if k.get() != key {
            diags.push(
                Diagnostic::new(
                    Code::E0010,
                    at(k),
                    format!("`[{section}]` has no key `{}`", k.get()),
                )
                .primary_label("unknown key")
                .help(format!("`[{section}]` takes `{key}`")),
            );
            continue;
        }
        match value.as_str().and_then(Duration::parse) {
            Some(d) if d.amount > 0 => found = Some(d),
            _ => diags.push(
                Diagnostic::new(
                    Code::E0010,
                    at(k),
                    format!("`{key}` in `[{section}]` must be a duration such as \"3y\" or \"12mo\""),
                )
                .primary_label("not a duration")
                .help("write a positive number and a unit as a string: `\"90d\"`, `\"2w\"`, `\"12mo\"`, `\"3y\"`"),
            ),
        }
    }
    found
}

fn read_limits(m: &mut Manifest, item: &Item, at: &dyn Fn(&Key) -> Span, diags: &mut Diagnostics) {
    let Some(table) = item.as_table_like() else {
        return;
    };
    for (key, value) in entries(table) {
        let name = key.get();
        let slot = match name {
            "isms" => &mut m.limits.isms,
            "file" => &mut m.limits.file,
            _ => {
                diags.push(
                    Diagnostic::new(
                        Code::E0010,
                        at(key),
                        format!("`[limits]` has no key `{name}`"),
                    )
                    .primary_label("unknown key")
                    .help(format!(
                        "`[limits]` takes {}",
                        LIMIT_KEYS.map(|k| format!("`{k}`")).join(" and ")
                    )),
                );
                continue;
            }
        };
        match parse_size(value) {
            Some(n) if (1..=Limits::CEILING).contains(&n) => *slot = n,
            Some(_) => diags.push(
                Diagnostic::new(
                    Code::E0010,
                    at(key),
                    format!("`{name}` in `[limits]` must be between 1 byte and {}", size(Limits::CEILING)),
                )
                .primary_label("out of range")
                .help("a limit protects the machine that runs ismsc; a file of more than 1 GiB is not an ISMS source"),
            ),
            None => diags.push(
                Diagnostic::new(
                    Code::E0010,
                    at(key),
                    format!("`{name}` in `[limits]` must be a size such as \"64 MiB\""),
                )
                .primary_label("not a size")
                .help("write a number of bytes or a string with a unit: `isms = \"64 MiB\"`, `file = \"512 KiB\"` (units B, KiB, MiB, GiB)"),
            ),
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
        diags.retain(|d| match self.lints.get(&d.code) {
            Some(Level::Allow) => !d.code.configurable(),
            // Silent by default unless `[lints]` turns it on.
            None => !d.code.allowed_by_default(),
            Some(_) => true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_and_print() {
        let item = |s: &str| -> Item {
            s.parse::<toml_edit::Value>()
                .map(Item::Value)
                .unwrap_or_default()
        };
        assert_eq!(parse_size(&item("\"64 MiB\"")), Some(64 * MIB));
        assert_eq!(parse_size(&item("\"512KiB\"")), Some(512 * 1024));
        assert_eq!(parse_size(&item("1000")), Some(1000));
        assert_eq!(parse_size(&item("\"1 MB\"")), None);
        assert_eq!(parse_size(&item("-1")), None);
        assert_eq!(size(16 * MIB), "16 MiB");
        assert_eq!(size(3 * 1024), "3 KiB");
        assert_eq!(size(100), "100 bytes");
    }

    #[test]
    fn limits_are_read_leniently() {
        let l = limits("[limits]\nisms = \"1 KiB\"\nfile = \"2 GiB\"\n");
        assert_eq!(l.isms, 1024);
        assert_eq!(l.file, Limits::default().file);
        assert_eq!(limits("not toml ["), Limits::default());
    }
}
