//! `ismsc import oscal-catalog`: an OSCAL catalog (JSON, any 1.x version) as a `framework`.
//!
//! - Groups become `group` blocks (nested as in the catalog, at most [`MAX_GROUP_DEPTH`]
//!   deep); controls become `requirement` blocks. Nested controls (such as NIST SP 800-53
//!   enhancements) follow their parent in the same group, with the attribute
//!   `parent = PARENT-ID`.
//! - **Ids.** If every control has a `label` property that is a valid id of the language
//!   (a letter, then letters, digits, `.`, `-`, `_`) and no two are the same, the labels are
//!   the requirement ids (so a catalog written by `ismsc build` gives back `A.5.1`);
//!   otherwise the controls' OSCAL ids are, made valid (any other character becomes `_`, an
//!   `x` is put in front of an id that does not start with a letter, a repeated id gets
//!   `-2`, `-3`, …), and the labels are kept as the attribute `label`. Groups follow the
//!   same rule among themselves.
//! - **Attributes.** Every other property of a control becomes an attribute named after
//!   it (`name` or `name_class`, made a valid field name), its values in order of
//!   appearance, without repeats. Prose (`parts`), parameters and links are not imported.
//! - **Key.** `--framework KEY`, else the `framework` property of a catalog written by ismsc,
//!   else the catalog's title and version (`sample-security-catalog-demonstration-testing:1.1`).
//! - Titles are written as one-line strings, escaped.
//! - The text is laid out by the formatter (`crate::fmt`), as every `.isms` text ismsc writes.
//!
//! Groups that ismsc's exporter adds only because an OSCAL group cannot hold both groups
//! and controls (property [`WRAPPER_PROP`] in [`NS`]) are dissolved into their parent.

use serde_json::{Map, Value};

use super::ImportError;

/// The namespace of ismsc's OSCAL properties and facet system (the exporter writes it too).
pub const NS: &str = "https://ismsc.dev/ns/oscal";

/// The property marking a group that exists only because an OSCAL group cannot hold both
/// groups and controls; the exporter adds it and the importer dissolves it.
pub const WRAPPER_PROP: &str = "wrapper";

/// The deepest nesting of groups written; deeper groups are merged into their ancestor at
/// this depth (the parser refuses nesting past `syntax::MAX_DEPTH`).
pub const MAX_GROUP_DEPTH: usize = 24;

/// The OSCAL namespace: a property without `ns` is in it.
const OSCAL_NS: &str = "http://csrc.nist.gov/ns/oscal";

/// The result of an import.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The framework key.
    pub key: String,
    /// The `.isms` text.
    pub text: String,
    /// Requirements written.
    pub requirements: usize,
    /// Groups written.
    pub groups: usize,
    /// Whether the requirement ids are the controls' labels (else their OSCAL ids).
    pub ids_from_labels: bool,
}

/// Options of an import.
#[derive(Clone, Debug, Default)]
pub struct CatalogOptions {
    /// The framework key; `None` derives one from the catalog.
    pub framework: Option<String>,
    /// The name of the source file, for the header comment and messages.
    pub source: String,
}

/// Whether `key` is a framework key of the language: `name:version`, the name a letter then
/// letters, digits, `-`, `_`; the version letters, digits, `.`, `-`, `_`.
pub fn valid_key(key: &str) -> bool {
    let Some((name, version)) = key.split_once(':') else {
        return false;
    };
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        && !version.is_empty()
        && version.chars().all(crate::syntax::is_id_char)
}

/// Whether `s` is an id the language accepts in a reference (`A.5.1`, `ac-2.1`).
pub fn valid_id(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic()) && s.chars().all(crate::syntax::is_id_char)
}

/// Whether `s` can be the id of a `requirement` or `group` header as written: id characters,
/// starting with a letter or a digit (`1.1`, as NIS 2 numbers its points).
fn valid_header_id(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphanumeric()) && s.chars().all(crate::syntax::is_id_char)
}

/// `s` made a valid id: other characters become `_`, and an `x` goes in front when it does
/// not start with a letter.
fn make_id(s: &str) -> String {
    let mut out = crate::syntax::id_chars(s, '_');
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'x');
    }
    out
}

/// `s` made a valid field name (no `.`).
fn make_name(s: &str) -> String {
    make_id(s).replace('.', "_")
}

/// One line, blanks collapsed, control characters dropped, bidirectional formatting
/// characters written as their code points (`<U+202E>`), so the `.isms` text shows what it
/// holds.
fn one_line(s: &str) -> String {
    let line: String = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    crate::text::visible(&line).into_owned()
}

/// A string literal of the language.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in one_line(s).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value: bare when it is an id, else a string.
fn value(s: &str) -> String {
    if valid_id(s) {
        s.to_string()
    } else {
        quote(s)
    }
}

#[derive(Debug)]
struct Prop {
    name: String,
    ns: Option<String>,
    class: Option<String>,
    value: String,
}

impl Prop {
    fn is_ours(&self, name: &str) -> bool {
        self.ns.as_deref() == Some(NS) && self.name == name
    }

    fn is_label(&self) -> bool {
        self.name == "label"
            && self.class.is_none()
            && self.ns.as_deref().is_none_or(|n| n == OSCAL_NS)
    }
}

#[derive(Debug)]
struct RawControl {
    id: Option<String>,
    title: Option<String>,
    props: Vec<Prop>,
    children: Vec<RawControl>,
}

impl RawControl {
    fn label(&self) -> Option<&str> {
        self.props
            .iter()
            .find(|p| p.is_label())
            .map(|p| p.value.trim())
    }
}

#[derive(Debug)]
struct RawGroup {
    id: Option<String>,
    title: Option<String>,
    label: Option<String>,
    wrapper: bool,
    items: Vec<RawItem>,
}

#[derive(Debug)]
enum RawItem {
    Control(RawControl),
    Group(RawGroup),
}

fn string(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn objects<'v>(
    obj: &'v Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = &'v Map<String, Value>> {
    obj.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

fn props(obj: &Map<String, Value>) -> Vec<Prop> {
    objects(obj, "props")
        .filter_map(|p| {
            Some(Prop {
                name: string(p, "name")?,
                ns: string(p, "ns"),
                class: string(p, "class"),
                value: string(p, "value")?,
            })
        })
        .collect()
}

fn raw_control(obj: &Map<String, Value>) -> RawControl {
    RawControl {
        id: string(obj, "id"),
        title: string(obj, "title"),
        props: props(obj),
        children: objects(obj, "controls").map(raw_control).collect(),
    }
}

/// The controls, then the groups, of a catalog or a group.
fn raw_items(obj: &Map<String, Value>) -> Vec<RawItem> {
    let mut items: Vec<RawItem> = objects(obj, "controls")
        .map(|c| RawItem::Control(raw_control(c)))
        .collect();
    items.extend(objects(obj, "groups").map(|g| {
        let props = props(g);
        RawItem::Group(RawGroup {
            id: string(g, "id"),
            title: string(g, "title"),
            label: props.iter().find(|p| p.is_label()).map(|p| p.value.clone()),
            wrapper: props
                .iter()
                .any(|p| p.is_ours(WRAPPER_PROP) && p.value == "true"),
            items: raw_items(g),
        })
    }));
    items
}

/// Dissolves the wrapper groups into their parents.
fn unwrap(items: Vec<RawItem>) -> Vec<RawItem> {
    let mut out = Vec::new();
    for item in items {
        match item {
            RawItem::Group(g) if g.wrapper => out.extend(unwrap(g.items)),
            RawItem::Group(mut g) => {
                g.items = unwrap(std::mem::take(&mut g.items));
                out.push(RawItem::Group(g));
            }
            c => out.push(c),
        }
    }
    out
}

fn all_controls<'a>(items: &'a [RawItem], out: &mut Vec<&'a RawControl>) {
    fn walk<'a>(c: &'a RawControl, out: &mut Vec<&'a RawControl>) {
        out.push(c);
        for k in &c.children {
            walk(k, out);
        }
    }
    for item in items {
        match item {
            RawItem::Control(c) => walk(c, out),
            RawItem::Group(g) => all_controls(&g.items, out),
        }
    }
}

fn all_groups<'a>(items: &'a [RawItem], out: &mut Vec<&'a RawGroup>) {
    for item in items {
        if let RawItem::Group(g) = item {
            out.push(g);
            all_groups(&g.items, out);
        }
    }
}

/// Whether every label is present, a valid id and unique.
fn labels_usable<'a>(labels: impl Iterator<Item = Option<&'a str>>) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut any = false;
    for l in labels {
        match l {
            Some(l) if valid_header_id(l) && seen.insert(l) => any = true,
            _ => return false,
        }
    }
    any
}

/// Gives out unique ids.
#[derive(Default)]
struct Ids(std::collections::HashSet<String>);

impl Ids {
    fn take(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 2;
        while !self.0.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

struct Writer {
    out: String,
    controls_from_labels: bool,
    groups_from_labels: bool,
    control_ids: Ids,
    group_ids: Ids,
    requirements: usize,
    groups: usize,
    untitled: usize,
}

impl Writer {
    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
    }

    fn items(&mut self, items: &[RawItem], depth: usize, group_depth: usize) {
        for item in items {
            match item {
                RawItem::Control(c) => self.control(c, None, depth),
                RawItem::Group(g) if group_depth >= MAX_GROUP_DEPTH => {
                    self.items(&g.items, depth, group_depth);
                }
                RawItem::Group(g) => {
                    let base = if self.groups_from_labels {
                        g.label.clone()
                    } else {
                        None
                    };
                    let base = base
                        .or_else(|| g.id.as_deref().map(make_id))
                        .unwrap_or_else(|| {
                            self.untitled += 1;
                            format!("group-{}", self.untitled)
                        });
                    let id = self.group_ids.take(&base);
                    let title = g.title.clone().unwrap_or_else(|| id.clone());
                    self.indent(depth);
                    self.out
                        .push_str(&format!("group {id} {} {{\n", quote(&title)));
                    self.groups += 1;
                    self.items(&g.items, depth + 1, group_depth + 1);
                    self.indent(depth);
                    self.out.push_str("}\n");
                }
            }
        }
    }

    fn control(&mut self, c: &RawControl, parent: Option<&str>, depth: usize) {
        let base = if self.controls_from_labels {
            c.label().map(str::to_string)
        } else {
            None
        };
        let base = base
            .or_else(|| c.id.as_deref().map(make_id))
            .unwrap_or_else(|| {
                self.untitled += 1;
                format!("control-{}", self.untitled)
            });
        let id = self.control_ids.take(&base);
        let title = c.title.clone().unwrap_or_else(|| id.clone());
        // attribute name → values, in order of appearance
        let mut attrs: Vec<(String, Vec<String>)> = Vec::new();
        let mut add = |name: String, v: &str| {
            let v = one_line(v);
            if v.is_empty() {
                return;
            }
            match attrs.iter_mut().find(|(n, _)| *n == name) {
                Some((_, vs)) => {
                    if !vs.contains(&v) {
                        vs.push(v);
                    }
                }
                None => attrs.push((name, vec![v])),
            }
        };
        for p in &c.props {
            if p.is_label() && self.controls_from_labels {
                continue;
            }
            let name = match &p.class {
                Some(class) => make_name(&format!("{}_{class}", p.name)),
                None => make_name(&p.name),
            };
            add(name, &p.value);
        }
        if let Some(parent) = parent {
            add("parent".into(), parent);
        }
        self.indent(depth);
        self.out
            .push_str(&format!("requirement {id} {}", quote(&title)));
        if attrs.is_empty() {
            self.out.push_str(" {}\n");
        } else {
            self.out.push_str(" {\n");
            for (name, values) in &attrs {
                self.indent(depth + 1);
                let rendered: Vec<String> = values.iter().map(|v| value(v)).collect();
                if rendered.len() == 1 {
                    self.out.push_str(&format!("{name} = {}\n", rendered[0]));
                } else {
                    self.out
                        .push_str(&format!("{name} = [{}]\n", rendered.join(", ")));
                }
            }
            self.indent(depth);
            self.out.push_str("}\n");
        }
        self.requirements += 1;
        for k in &c.children {
            self.control(k, Some(&id), depth);
        }
    }
}

/// Words left out of a key made from a title.
const STOP_WORDS: [&str; 10] = ["a", "an", "and", "for", "in", "of", "on", "or", "the", "to"];

/// `sample-security-catalog-demonstration-testing` from a title: its words in lower case
/// without [`STOP_WORDS`], joined by `-`, at most `max` characters.
fn slug(title: &str, max: usize) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect();
    let mut out = String::new();
    for w in words {
        if !out.is_empty() && out.len() + 1 + w.len() > max {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&w);
    }
    if out.is_empty() {
        out.push_str("catalog");
    } else if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "catalog-");
    }
    out
}

/// Turns the text of an OSCAL catalog (JSON) into a `.isms` file with one `framework`.
pub fn catalog(json: &str, options: &CatalogOptions) -> Result<Imported, ImportError> {
    let source = one_line(&options.source);
    if let Some(k) = options.framework.as_deref().filter(|k| !valid_key(k)) {
        return Err(ImportError(format!(
            "`{k}` is not a framework key: write `name:version`, e.g. `nist-800-53:5` (a letter, then letters, digits, `-`, `_`; the version letters, digits, `.`, `-`, `_`)"
        )));
    }
    let doc: Value = serde_json::from_str(json)
        .map_err(|e| ImportError(format!("`{source}` is not valid JSON: {e}")))?;
    let Some(catalog) = doc.get("catalog").and_then(Value::as_object) else {
        let other = doc.as_object().and_then(|o| {
            [
                "profile",
                "system-security-plan",
                "component-definition",
                "plan-of-action-and-milestones",
                "assessment-plan",
                "assessment-results",
                "mapping-collection",
            ]
            .into_iter()
            .find(|k| o.contains_key(*k))
        });
        return Err(ImportError(match other {
            Some(model) => format!(
                "`{source}` is an OSCAL {model}, not a catalog: import the catalog it is based on"
            ),
            None => {
                format!("`{source}` is not an OSCAL catalog: it has no top-level `catalog` object")
            }
        }));
    };
    let metadata = catalog.get("metadata").and_then(Value::as_object);
    let title = metadata
        .and_then(|m| string(m, "title"))
        .map(|t| one_line(&t))
        .filter(|t| !t.is_empty());
    let version = metadata.and_then(|m| string(m, "version"));
    let oscal_version = metadata.and_then(|m| string(m, "oscal-version"));
    let key = match &options.framework {
        Some(k) => k.clone(),
        None => metadata
            .map(props)
            .unwrap_or_default()
            .into_iter()
            .find(|p| p.is_ours("framework") && valid_key(&p.value))
            .map(|p| p.value)
            .unwrap_or_else(|| {
                let v = crate::syntax::id_chars(version.as_deref().unwrap_or("1"), '-');
                let v = v.trim_matches('-');
                let v = if v.is_empty() { "1" } else { v };
                format!("{}:{v}", slug(title.as_deref().unwrap_or("catalog"), 48))
            }),
    };

    let items = unwrap(raw_items(catalog));
    let mut controls = Vec::new();
    all_controls(&items, &mut controls);
    let mut groups = Vec::new();
    all_groups(&items, &mut groups);
    let controls_from_labels = labels_usable(controls.iter().map(|c| c.label()));
    let groups_from_labels = labels_usable(groups.iter().map(|g| g.label.as_deref()));

    let mut w = Writer {
        out: String::new(),
        controls_from_labels,
        groups_from_labels,
        control_ids: Ids::default(),
        group_ids: Ids::default(),
        requirements: 0,
        groups: 0,
        untitled: 0,
    };
    w.out.push_str(&format!(
        "// Imported by `ismsc import oscal-catalog` from {source}\n"
    ));
    let mut about = vec![format!(
        "// {}",
        title.as_deref().unwrap_or("(a catalog without a title)")
    )];
    if let Some(v) = &version {
        about.push(format!("version {}", one_line(v)));
    }
    if let Some(v) = &oscal_version {
        about.push(format!("OSCAL {}", one_line(v)));
    }
    w.out.push_str(&about.join(", "));
    w.out.push('\n');
    w.out.push_str(if controls_from_labels {
        "// Requirement ids are the controls' labels.\n\n"
    } else {
        "// Requirement ids are the controls' OSCAL ids; their labels are kept as `label`.\n\n"
    });
    let framework_title = title.clone().unwrap_or_else(|| key.clone());
    w.out
        .push_str(&format!("framework {key} {} {{\n", quote(&framework_title)));
    w.items(&items, 1, 0);
    w.out.push_str("}\n");
    // Laid out by the formatter, like every `.isms` text ismsc writes.
    let text = crate::fmt::format(&w.out).map_err(|e| match e {
        crate::fmt::FmtError::Internal(e) => ImportError(e.to_string()),
        crate::fmt::FmtError::Syntax(d) => ImportError(format!(
            "internal error: the imported text does not parse ({}); this is a bug of ismsc: please report it, with the catalog",
            d.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; ")
        )),
    })?;
    Ok(Imported {
        key,
        text,
        requirements: w.requirements,
        groups: w.groups,
        ids_from_labels: controls_from_labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(json: &str) -> Result<Imported, ImportError> {
        catalog(
            json,
            &CatalogOptions {
                framework: None,
                source: "test.json".into(),
            },
        )
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(import("{").is_err());
        assert!(import("[]").is_err());
        assert!(import("{\"profile\": {}}")
            .unwrap_err()
            .0
            .contains("profile"));
        assert!(import("{\"catalog\": 3}").is_err());
    }

    #[test]
    fn odd_catalogs_do_not_panic() {
        for json in [
            r#"{"catalog": {}}"#,
            r#"{"catalog": {"groups": [{}], "controls": [{}, {"id": 3}]}}"#,
            r#"{"catalog": {"metadata": {"title": ""}, "controls": [{"id": "1", "title": "\"q\"\n\\"}]}}"#,
        ] {
            let out = import(json).expect("imports");
            assert!(out.text.contains("framework "));
        }
    }

    #[test]
    fn ids_titles_and_attributes() {
        let out = import(
            r#"{"catalog": {"metadata": {"title": "T \"x\"", "version": "2.0 beta"},
                "groups": [{"id": "g1", "title": "G", "controls": [
                  {"id": "c-1", "title": "One", "props": [
                    {"name": "label", "value": "C 1"},
                    {"name": "label", "class": "alt", "value": "C-01"},
                    {"name": "level", "value": "low"},
                    {"name": "level", "value": "moderate"}],
                   "controls": [{"id": "c-1.1", "title": "Sub"}]}]}]}}"#,
        )
        .expect("imports");
        assert_eq!(out.key, "t-x:2.0-beta");
        assert!(!out.ids_from_labels);
        assert!(out
            .text
            .contains("framework t-x:2.0-beta \"T \\\"x\\\"\" {"));
        assert!(out.text.contains("requirement c-1 \"One\" {"));
        // Laid out by the formatter: `=` aligned.
        assert!(out.text.contains("label     = \"C 1\""));
        assert!(out.text.contains("label_alt = C-01"));
        assert!(out.text.contains("level     = [low, moderate]"));
        assert!(out
            .text
            .contains("requirement c-1.1 \"Sub\" {\n      parent = c-1\n"));
        assert_eq!(out.requirements, 2);
    }

    #[test]
    fn deep_nesting_is_capped_or_refused() {
        let nest = |n: usize| {
            let mut json = String::from(r#"{"catalog": {"groups": ["#);
            for i in 0..n {
                json.push_str(&format!(r#"{{"id": "g{i}", "title": "G", "groups": ["#));
            }
            json.push_str(
                r#"{"id": "last", "title": "L", "controls": [{"id": "c", "title": "C"}]}"#,
            );
            for _ in 0..n {
                json.push_str("]}");
            }
            json.push_str("]}}");
            json
        };
        let out = import(&nest(40)).expect("imports");
        assert_eq!(out.groups, MAX_GROUP_DEPTH);
        assert!(out.text.contains("requirement c \"C\" {}"));
        // past serde_json's recursion limit: an error, not a stack overflow
        assert!(import(&nest(200)).is_err());
    }

    #[test]
    fn keys() {
        assert!(valid_key("iso27001:2022"));
        assert!(valid_key("nist-800-53:5.1"));
        assert!(!valid_key("800-53:5"));
        assert!(!valid_key("nist"));
        assert!(!valid_key("nist:"));
        assert!(!valid_key("a b:1"));
    }
}
