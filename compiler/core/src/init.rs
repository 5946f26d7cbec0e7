//! `ismsc init`: the starter project, as text.
//!
//! The starter is a set of templates (`init/*`, compiled in) with a few values filled in, and
//! one generated file: `applicability.isms`, which lists every control of the chosen standard
//! as a commented line with its id, title and theme, read from the embedded catalogue through
//! the model (so, like the checks, this code names no control). The templates are written in
//! the canonical layout of the formatter (`crate::fmt`): the tests hold every starter file to
//! `fmt::format` giving it back unchanged. Checked on its own, the starter reports exactly the
//! controls still to decide (E0401) and nothing else; the tests hold it to that too.
//!
//! Pure: [`starter`] returns the files; the command line decides where they go and
//! `emit::write::scaffold` writes them.

use crate::driver::{analyze, Input, Options};
use crate::syntax::ast::{Date, Duration, DurationUnit};

/// What the starter is made for.
#[derive(Clone, Debug)]
pub struct StarterOptions {
    /// The organisation's name, as it appears in the documents.
    pub organization: String,
    /// The project's name for `isms.toml`.
    pub name: String,
    /// The standard's framework key, e.g. `iso27001:2022`.
    pub standard: String,
    /// The date written as the approval, effective and identification date.
    pub today: Date,
    /// The project folder relative to the repository root (`.` when it is the root), for
    /// the CI workflow and the pre-commit hook.
    pub project_path: String,
}

/// One file of the starter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StarterFile {
    /// Its path, relative to the project folder or the repository root, with `/`.
    pub path: String,
    /// Its content.
    pub content: String,
}

/// The starter project.
#[derive(Clone, Debug)]
pub struct Starter {
    /// The files of the project folder.
    pub project: Vec<StarterFile>,
    /// The files that belong at the root of the repository: the GitHub workflow and the
    /// pre-commit configuration.
    pub repository: Vec<StarterFile>,
    /// The line of `.gitattributes` (in the project folder) that makes GitHub highlight
    /// `.isms` files.
    pub gitattributes: &'static str,
}

/// The `.gitattributes` line; see docs/editors.md.
pub const GITATTRIBUTES: &str = "*.isms linguist-language=HCL";

/// Templates of the project folder: `(path, text)`.
const PROJECT_TEMPLATES: &[(&str, &str)] = &[
    ("isms.isms", include_str!("init/isms.isms")),
    ("people.isms", include_str!("init/people.isms")),
    ("assets.isms", include_str!("init/assets.isms")),
    ("risks.isms", include_str!("init/risks.isms")),
    ("controls.isms", include_str!("init/controls.isms")),
    ("policies.isms", include_str!("init/policies.isms")),
    ("objectives.isms", include_str!("init/objectives.isms")),
    (
        "policies/information-security.md",
        include_str!("init/information-security.md"),
    ),
];

/// Templates of the repository root.
const REPOSITORY_TEMPLATES: &[(&str, &str)] = &[
    (".github/workflows/isms.yml", include_str!("init/isms.yml")),
    (
        ".pre-commit-config.yaml",
        include_str!("init/pre-commit-config.yaml"),
    ),
];

/// The file that lists the controls to decide.
pub const APPLICABILITY: &str = "applicability.isms";

/// How long after `today` the example control and the objectives are due.
const DUE_IN: Duration = Duration {
    amount: 3,
    unit: DurationUnit::Months,
};

/// The starter project, or why it cannot be made (an unknown standard, an organisation name
/// that cannot be written as a string of the language).
pub fn starter(options: &StarterOptions) -> Result<Starter, String> {
    let organization = options.organization.trim();
    if organization.is_empty() {
        return Err("the organization's name is empty".into());
    }
    if let Some(c) = organization.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the organization's name contains the control character {:?}",
            c
        ));
    }
    let applicability = applicability(&options.standard)?;
    let values: [(&str, String); 7] = [
        ("@@organization@@", escape(organization)),
        ("@@organization_text@@", organization.to_string()),
        ("@@standard@@", options.standard.clone()),
        ("@@today@@", options.today.to_string()),
        ("@@due@@", options.today.plus(DUE_IN).to_string()),
        ("@@project_yaml@@", yaml_string(&options.project_path)),
        ("@@name@@", toml_string(&options.name)),
    ];
    // One pass, so a value that looks like a placeholder stays as it is.
    let fill = |text: &str| {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("@@") {
            let value = values
                .iter()
                .find(|(key, _)| rest.get(start..).is_some_and(|tail| tail.starts_with(key)));
            let (head, tail) = rest.split_at(start);
            out.push_str(head);
            match value {
                Some((key, value)) => {
                    out.push_str(value);
                    rest = tail.get(key.len()..).unwrap_or("");
                }
                None => {
                    out.push_str("@@");
                    rest = tail.get(2..).unwrap_or("");
                }
            }
        }
        out.push_str(rest);
        out
    };
    let mut project = vec![StarterFile {
        path: "isms.toml".into(),
        content: fill("[project]\nname = @@name@@\n"),
    }];
    project.extend(PROJECT_TEMPLATES.iter().map(|(path, text)| StarterFile {
        path: (*path).into(),
        content: fill(text),
    }));
    project.push(StarterFile {
        path: APPLICABILITY.into(),
        content: applicability,
    });
    project.sort_by(|a, b| a.path.cmp(&b.path));
    let repository = REPOSITORY_TEMPLATES
        .iter()
        .map(|(path, text)| StarterFile {
            path: (*path).into(),
            content: fill(text),
        })
        .collect();
    Ok(Starter {
        project,
        repository,
        gitattributes: GITATTRIBUTES,
    })
}

/// `applicability.isms`: an `applicability` block with every control of `standard` as a
/// commented line (`// A.5.1  Policies for information security  [organizational]`),
/// grouped by theme, each group under a comment with the theme's title and count.
fn applicability(standard: &str) -> Result<String, String> {
    let analysis = analyze(
        Input::from_memory(Vec::new()),
        &Options {
            today: Date {
                year: 2000,
                month: 1,
                day: 1,
            },
            deny_warnings: false,
        },
    );
    let model = &analysis.model;
    let Some(fw) = model
        .framework_index(standard)
        .and_then(|i| model.frameworks.get(i))
    else {
        let known: Vec<&str> = model.frameworks.iter().map(|f| f.key.as_str()).collect();
        return Err(format!(
            "no standard `{standard}` in the catalogue; it has: {}",
            known.join(", ")
        ));
    };
    let requirements: Vec<_> = model.requirements_of(standard).map(|(_, r)| r).collect();
    let Some(first) = requirements.first() else {
        return Err(format!("the standard `{standard}` has no controls"));
    };
    let width = requirements
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(0);
    let mut themes: Vec<(String, String, Vec<String>)> = Vec::new();
    for r in &requirements {
        let (theme, theme_title) = r.groups.first().cloned().unwrap_or_default();
        let pad = " ".repeat(width.saturating_sub(r.id.chars().count()));
        let line = format!("  // {}{pad}  {}  [{theme}]", r.id, r.title);
        match themes.last_mut() {
            Some((t, _, lines)) if *t == theme => lines.push(line),
            _ => themes.push((theme, theme_title, vec![line])),
        }
    }
    let title = fw.title.as_deref().unwrap_or(&fw.key);
    let example = &first.id;
    let mut out = format!(
        "// The decisions of the Statement of Applicability (clause 6.1.3 d). Below, every control
// of {title} ({n}) is listed as a comment, with its title and theme.
// Decide each one, then delete its line:
// - a control of this project implements it: add its id to that control's `satisfies`
//   (e.g. `satisfies = [{example}]` in controls.isms);
// - it is needed, but nothing implements it yet: `{example} included \"why it is needed\"`;
// - it is not needed: `{example} excluded \"why not\"`.
// `ismsc check` and `ismsc soa --undecided` list the controls still undecided.

applicability {{
",
        n = requirements.len()
    );
    for (i, (_, theme_title, lines)) in themes.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("  // {theme_title} ({})\n", lines.len()));
        for line in lines {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("}\n");
    Ok(out)
}

/// The content of a string literal of the language (`"` and `\` escaped).
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// A YAML scalar in single quotes (a quote doubled).
fn yaml_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A TOML basic string, escaped by the TOML writer.
fn toml_string(s: &str) -> String {
    toml_edit::Value::from(s).to_string()
}
