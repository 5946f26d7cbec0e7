//! `oscal/`: the ISMS as an OSCAL 1.2.1 JSON document set.
//!
//! | file | OSCAL model | what |
//! | --- | --- | --- |
//! | `catalog.json` | catalog | the project's standard: groups and controls, ids and titles only, with the catalogue's attributes as properties |
//! | `catalog-KEY.json` | catalog | another framework the project uses that a `mapping` names (an edition of the standard such as `catalog-iso27001-2013.json`, or a framework of `frameworks = [...]`) |
//! | `profile.json` | profile | the applicable controls of `catalog.json` |
//! | `ssp.json` | system-security-plan | the Statement of Applicability: one `implemented-requirement` per control of the standard |
//! | `risks.json` | plan-of-action-and-milestones | the risk register (when there are risks) |
//! | `mapping.json` | mapping-collection | the `mapping` items, e.g. ISO/IEC 27001:2013 → 2022 (when there are mappings) |
//! | `assessment-plan.json` | assessment-plan | the internal audit programme: one task per audit (when there are audits) |
//! | `assessment-results.json` | assessment-results | the audits performed and the nonconformities found in them (when an audit was performed) |
//!
//! **Identifiers.** OSCAL ids are tokens: a requirement id is lower-cased (`A.5.1` → `a.5.1`)
//! and keeps its original spelling as a `label` property; every document uses the same
//! [`ControlIds`]. Every UUID is a name-based UUID (version 5) in the [`NAMESPACE`] of
//! ismsc, computed from `"<project>/<kind>/<id>"`, so the same project gives the same UUIDs on
//! every build and the documents point at each other by UUID (a party is the same party in
//! the SSP and the POA&M).
//!
//! **Time.** `last-modified` is the `isms` block's `effective` date at midnight UTC (or the
//! `--timestamp`, when it is a date or an RFC 3339 date-time), never the clock: two builds
//! of the same sources give byte-identical files.
//!
//! ismsc-specific data (reasons for inclusion, owners, the ISO/IEC 27002 attributes, risk
//! levels) is written as properties or facets in the namespace [`NS`].

mod assessment;
mod poam;
mod ssp;
pub mod types;

use std::collections::{BTreeSet, HashMap};

use uuid::Uuid;

use self::types::*;
use crate::{BuildOptions, Output};
use ismsc_core::driver::Analysis;
use ismsc_core::emit::dto::SoaDoc;
use ismsc_core::emit::{json, Docs, OutputFile};
use ismsc_core::model::{Model, Relation};
use ismsc_core::syntax::ast::Date;

/// The folder of the OSCAL files in the output.
pub const DIR: &str = "oscal";

pub use ismsc_core::import::oscal::{NS, WRAPPER_PROP};

/// The OSCAL version of every document.
pub const OSCAL_VERSION: &str = "1.2.1";

/// The UUID namespace of ismsc: the version 5 UUID of the URL [`NS`] in the URL namespace of
/// RFC 4122 (`27a088f3-9d53-54f8-9ab6-7ac8887fa03c`).
pub const NAMESPACE: Uuid = Uuid::from_u128(0x27a0_88f3_9d53_54f8_9ab6_7ac8_887f_a03c);

/// `last-modified` when the project gives no date.
pub const FALLBACK_LAST_MODIFIED: &str = "1970-01-01T00:00:00Z";

/// The name-based UUID of `name` in [`NAMESPACE`].
pub fn uuid(name: &str) -> String {
    Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

/// The files of `oscal/`, in the order of the table above; empty when the project has no
/// known standard.
pub fn files(analysis: &Analysis, docs: &Docs, options: &BuildOptions) -> Vec<OutputFile> {
    let model = &analysis.model;
    let Some(soa) = &docs.soa else {
        return Vec::new();
    };
    let Some(std_fw) = model.framework_index(&soa.standard) else {
        return Vec::new();
    };
    let project = analysis
        .manifest
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "project".into());
    let mut ctx = Ctx {
        model,
        project,
        last_modified: last_modified(model, options.timestamp.as_deref()),
        version: model
            .isms
            .as_ref()
            .and_then(|i| i.version.as_deref())
            .and_then(line)
            .unwrap_or_else(|| "1".into()),
        site: options.outputs.contains(&Output::Site),
        catalogs: Vec::new(),
    };
    // The standard first, then every other framework a mapping between frameworks the project
    // uses names (the standard's other editions, the frameworks it opts into), in declaration
    // order.
    let mut needed = vec![std_fw];
    for m in &model.mappings {
        let used = |key: &str| model.framework_index(key).is_some_and(|i| model.in_use(i));
        if !used(&m.from) || !used(&m.to) {
            continue;
        }
        for key in [&m.from, &m.to] {
            if let Some(i) = model.framework_index(key) {
                if !needed.contains(&i) {
                    needed.push(i);
                }
            }
        }
    }
    needed[1..].sort_unstable();
    for (n, fw) in needed.into_iter().enumerate() {
        let file = if n == 0 {
            "catalog.json".to_string()
        } else {
            format!("catalog-{}.json", file_slug(&model.frameworks[fw].key))
        };
        ctx.catalogs.push(CatalogOut::new(model, fw, file));
    }

    let mut out = Vec::new();
    let mut push =
        |name: &str, text: String| out.push(OutputFile::text(format!("{DIR}/{name}"), text));
    for c in &ctx.catalogs {
        push(&c.file, json::to_json(&catalog(&ctx, c)));
    }
    push("profile.json", json::to_json(&profile(&ctx, soa)));
    push("ssp.json", json::to_json(&ssp::ssp(&ctx, soa)));
    let risks = &docs.register;
    if !risks.risks.is_empty() {
        push("risks.json", json::to_json(&poam::poam(&ctx, risks)));
    }
    if let Some(doc) = mapping(&ctx) {
        push("mapping.json", json::to_json(&doc));
    }
    if let Some(doc) = assessment::plan(&ctx, soa, &docs.programme) {
        push("assessment-plan.json", json::to_json(&doc));
    }
    if let Some(doc) = assessment::results(&ctx, soa, &docs.programme, &docs.nonconformities) {
        push("assessment-results.json", json::to_json(&doc));
    }
    out
}

/// What every document of one build shares.
pub(crate) struct Ctx<'a> {
    pub(crate) model: &'a Model,
    /// The project name, the first part of every UUID name.
    pub(crate) project: String,
    pub(crate) last_modified: String,
    /// The ISMS version, the version of the SSP and the POA&M.
    pub(crate) version: String,
    /// Whether the build writes `site/` too (policies then link to their pages).
    pub(crate) site: bool,
    /// The catalogs written, the standard's first.
    pub(crate) catalogs: Vec<CatalogOut>,
}

impl Ctx<'_> {
    /// The UUID of `"<project>/<kind>/<id>"`.
    pub(crate) fn uuid(&self, kind: &str, id: &str) -> String {
        uuid(&format!("{}/{kind}/{id}", self.project))
    }

    /// The catalog of the project's standard.
    pub(crate) fn standard(&self) -> &CatalogOut {
        &self.catalogs[0]
    }

    fn catalog_of(&self, key: &str) -> Option<&CatalogOut> {
        self.catalogs
            .iter()
            .find(|c| self.model.frameworks[c.framework].key == key)
    }

    /// Metadata with the fixed date.
    pub(crate) fn metadata(&self, title: String, version: String) -> Metadata {
        Metadata {
            title,
            last_modified: self.last_modified.clone(),
            version,
            oscal_version: OSCAL_VERSION,
            props: Vec::new(),
            roles: Vec::new(),
            parties: Vec::new(),
            responsible_parties: Vec::new(),
            remarks: None,
        }
    }

    /// The ISMS title, else the organisation, else the project name.
    pub(crate) fn system_name(&self) -> String {
        let isms = self.model.isms.as_ref();
        isms.and_then(|i| i.title.as_deref())
            .and_then(line)
            .or_else(|| isms.and_then(|i| i.organization.as_deref()).and_then(line))
            .unwrap_or_else(|| self.project.clone())
    }
}

/// `last-modified`: a usable `--timestamp`, else the `isms` block's `effective` date.
fn last_modified(model: &Model, timestamp: Option<&str>) -> String {
    if let Some(t) = timestamp.and_then(date_time) {
        return t;
    }
    model
        .isms
        .as_ref()
        .and_then(|i| i.effective)
        .and_then(midnight)
        .unwrap_or_else(|| FALLBACK_LAST_MODIFIED.into())
}

/// `YYYY-MM-DDT00:00:00Z`, for the years the OSCAL schema accepts (1900–2999).
pub(crate) fn midnight(d: Date) -> Option<String> {
    (1900..=2999)
        .contains(&d.year)
        .then(|| format!("{d}T00:00:00Z"))
}

/// A date (`2026-01-01`) or an RFC 3339 date-time with `Z` or a whole-hour offset, as OSCAL
/// accepts it; `None` for anything else.
fn date_time(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(d) = Date::parse(s) {
        return midnight(d);
    }
    let date = Date::parse(s.get(..10)?)?;
    midnight(date)?;
    let rest = s.get(10..)?.strip_prefix('T')?;
    let b = rest.as_bytes();
    let two = |i: usize, max: u8| -> Option<()> {
        let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
        (x.is_ascii_digit() && y.is_ascii_digit() && (x - b'0') * 10 + (y - b'0') <= max)
            .then_some(())
    };
    two(0, 23)?;
    (b.get(2) == Some(&b':')).then_some(())?;
    two(3, 59)?;
    (b.get(5) == Some(&b':')).then_some(())?;
    two(6, 59)?;
    let mut i = 8;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > start).then_some(())?;
    }
    let zone = rest.get(i..)?;
    let ok = zone == "Z"
        || (zone.len() == 6
            && (zone.starts_with('+') || zone.starts_with('-'))
            && zone.ends_with(":00")
            && two(i + 1, if zone.starts_with('+') { 14 } else { 12 }).is_some());
    ok.then(|| s.to_string())
}

/// One line of text as OSCAL strings want it: blanks collapsed, no leading or trailing
/// blanks; `None` when nothing is left.
pub(crate) fn line(s: &str) -> Option<String> {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// Multi-line text (markup-multiline), trimmed; `None` when empty.
pub(crate) fn text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A property in the ismsc namespace; `None` when the value is blank.
pub(crate) fn prop(name: &str, value: &str) -> Option<Prop> {
    Some(Prop {
        name: name.into(),
        ns: Some(NS),
        value: line(value)?,
        remarks: None,
    })
}

/// A property in the OSCAL namespace.
pub(crate) fn core_prop(name: &str, value: &str) -> Option<Prop> {
    Some(Prop {
        name: name.into(),
        ns: None,
        value: line(value)?,
        remarks: None,
    })
}

/// `iso27001:2013` → `iso27001-2013`.
fn file_slug(key: &str) -> String {
    ismsc_core::syntax::id_chars(key, '-')
}

/// A token for an OSCAL id: ASCII letters and digits lower-cased, `.`, `-` and `_` kept,
/// anything else `-`; prefixed with `id-` when it would not start with a letter.
pub fn token(s: &str) -> String {
    let mut out = ismsc_core::syntax::id_chars(s, '-').to_ascii_lowercase();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert_str(0, "id-");
    }
    out
}

/// The ids of one catalog: requirement id → OSCAL control id, and group path → group id.
#[derive(Debug, Default)]
pub struct ControlIds {
    used: BTreeSet<String>,
    reqs: HashMap<String, String>,
}

impl ControlIds {
    /// A fresh unique token from `base`.
    fn take(&mut self, base: &str) -> String {
        let base = token(base);
        let mut id = base.clone();
        let mut n = 2;
        while self.used.contains(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(id.clone());
        id
    }

    /// The control id of a requirement.
    pub fn control(&self, req: &str) -> Option<&str> {
        self.reqs.get(req).map(String::as_str)
    }
}

/// A node of a framework's tree, in catalogue order.
#[derive(Debug)]
enum Node {
    /// A requirement: its index in `Model::requirements`.
    Req(usize),
    /// A group.
    Group(GroupNode),
}

#[derive(Debug)]
struct GroupNode {
    id: String,
    title: String,
    items: Vec<Node>,
}

/// The tree of one framework with its OSCAL ids.
pub(crate) struct CatalogOut {
    /// Index in `Model::frameworks`.
    pub(crate) framework: usize,
    /// The file name in `oscal/`.
    pub(crate) file: String,
    /// The ids.
    pub(crate) ids: ControlIds,
    items: Vec<Node>,
}

impl CatalogOut {
    fn new(model: &Model, framework: usize, file: String) -> CatalogOut {
        let mut items: Vec<Node> = Vec::new();
        for (i, req) in model.requirements.iter().enumerate() {
            if req.framework != framework {
                continue;
            }
            let mut level = &mut items;
            for (gid, gtitle) in &req.groups {
                let pos = match level
                    .iter()
                    .position(|n| matches!(n, Node::Group(g) if g.id == *gid))
                {
                    Some(p) => p,
                    None => {
                        level.push(Node::Group(GroupNode {
                            id: gid.clone(),
                            title: gtitle.clone(),
                            items: Vec::new(),
                        }));
                        level.len() - 1
                    }
                };
                let here = level;
                level = match here.get_mut(pos) {
                    Some(Node::Group(g)) => &mut g.items,
                    // `pos` is the position of a group: this arm is never taken.
                    _ => return CatalogOut::empty(framework, file),
                };
            }
            level.push(Node::Req(i));
        }
        let mut out = CatalogOut {
            framework,
            file,
            ids: ControlIds::default(),
            items,
        };
        // Requirement ids first, so that a requirement keeps the plain token of its id even
        // when a group has the same one.
        let mut reqs = Vec::new();
        collect_reqs(&out.items, &mut reqs);
        for i in reqs {
            let id = &model.requirements[i].id;
            let token = out.ids.take(id);
            out.ids.reqs.insert(id.clone(), token);
        }
        out
    }

    fn empty(framework: usize, file: String) -> CatalogOut {
        CatalogOut {
            framework,
            file,
            ids: ControlIds::default(),
            items: Vec::new(),
        }
    }
}

fn collect_reqs(items: &[Node], out: &mut Vec<usize>) {
    for n in items {
        match n {
            Node::Req(i) => out.push(*i),
            Node::Group(g) => collect_reqs(&g.items, out),
        }
    }
}

/// `catalog.json` and `catalog-KEY.json`.
fn catalog(ctx: &Ctx<'_>, c: &CatalogOut) -> CatalogDoc {
    let fw = &ctx.model.frameworks[c.framework];
    let mut ids = ControlIds {
        used: c.ids.used.clone(),
        reqs: HashMap::new(),
    };
    let (controls, groups) = level(ctx.model, &c.ids, &mut ids, &c.items, "");
    let mut metadata = ctx.metadata(
        fw.title
            .as_deref()
            .and_then(line)
            .unwrap_or_else(|| fw.key.clone()),
        fw.key
            .split_once(':')
            .and_then(|(_, v)| line(v))
            .unwrap_or_else(|| fw.key.clone()),
    );
    metadata.props.extend(prop("framework", &fw.key));
    metadata.remarks = Some(
        "Written by ismsc from the framework's catalogue: control ids, short titles and attributes only, no text of the standard. The original id of each group and control is its `label` property."
            .into(),
    );
    CatalogDoc {
        catalog: Catalog {
            uuid: ctx.uuid("catalog", &fw.key),
            metadata,
            controls,
            groups,
        },
    }
}

/// The controls and groups of one level. An OSCAL group holds either groups or controls, so
/// a level that mixes both wraps each run of requirements in a group marked
/// [`WRAPPER_PROP`].
fn level(
    model: &Model,
    reqs: &ControlIds,
    groups_ids: &mut ControlIds,
    items: &[Node],
    parent: &str,
) -> (Vec<Control>, Vec<Group>) {
    let mixed = items.iter().any(|n| matches!(n, Node::Req(_)))
        && items.iter().any(|n| matches!(n, Node::Group(_)));
    let mut controls = Vec::new();
    let mut groups = Vec::new();
    let mut run: Vec<Control> = Vec::new();
    let flush = |run: &mut Vec<Control>, groups: &mut Vec<Group>, ids: &mut ControlIds| {
        if run.is_empty() {
            return;
        }
        let base = if parent.is_empty() {
            "controls".to_string()
        } else {
            format!("{parent}-controls")
        };
        groups.push(Group {
            id: ids.take(&base),
            title: if parent.is_empty() {
                "Controls".into()
            } else {
                parent.into()
            },
            props: prop(WRAPPER_PROP, "true").into_iter().collect(),
            groups: Vec::new(),
            controls: std::mem::take(run),
        });
    };
    for n in items {
        match n {
            Node::Req(i) => {
                let c = control(model, reqs, *i);
                if mixed {
                    run.push(c);
                } else {
                    controls.push(c);
                }
            }
            Node::Group(g) => {
                flush(&mut run, &mut groups, groups_ids);
                let (sub_controls, sub_groups) = level(model, reqs, groups_ids, &g.items, &g.id);
                groups.push(Group {
                    id: groups_ids.take(&g.id),
                    title: line(&g.title).unwrap_or_else(|| g.id.clone()),
                    props: core_prop("label", &g.id).into_iter().collect(),
                    groups: sub_groups,
                    controls: sub_controls,
                });
            }
        }
    }
    flush(&mut run, &mut groups, groups_ids);
    (controls, groups)
}

fn control(model: &Model, ids: &ControlIds, i: usize) -> Control {
    let req = &model.requirements[i];
    let mut props: Vec<Prop> = core_prop("label", &req.id).into_iter().collect();
    for (name, values) in &req.attributes {
        props.extend(values.iter().filter_map(|v| prop(name, v)));
    }
    Control {
        id: ids
            .control(&req.id)
            .map(str::to_string)
            .unwrap_or_else(|| token(&req.id)),
        title: line(&req.title).unwrap_or_else(|| req.id.clone()),
        props,
    }
}

/// `profile.json`: the applicable controls of the standard's catalog.
fn profile(ctx: &Ctx<'_>, soa: &SoaDoc) -> ProfileDoc {
    let std = ctx.standard();
    let fw = &ctx.model.frameworks[std.framework];
    let applicable: Vec<String> = soa
        .controls
        .iter()
        .filter(|c| c.applicable)
        .filter_map(|c| std.ids.control(&c.id).map(str::to_string))
        .collect();
    let resource = ctx.uuid("resource/catalog", &fw.key);
    let import = if applicable.is_empty() {
        // Nothing applicable: every control, less every control (`with-ids` cannot be empty).
        let all: Vec<String> = soa
            .controls
            .iter()
            .filter_map(|c| std.ids.control(&c.id).map(str::to_string))
            .collect();
        Import {
            href: format!("#{resource}"),
            include_all: Some(IncludeAll {}),
            include_controls: Vec::new(),
            exclude_controls: if all.is_empty() {
                Vec::new()
            } else {
                vec![SelectControls { with_ids: all }]
            },
        }
    } else {
        Import {
            href: format!("#{resource}"),
            include_all: None,
            include_controls: vec![SelectControls {
                with_ids: applicable,
            }],
            exclude_controls: Vec::new(),
        }
    };
    let standard_title = fw
        .title
        .as_deref()
        .and_then(line)
        .unwrap_or_else(|| fw.key.clone());
    let mut metadata = ctx.metadata(
        format!(
            "{}: applicable controls of {standard_title}",
            ctx.system_name()
        ),
        ctx.version.clone(),
    );
    metadata.props.extend(prop("framework", &fw.key));
    ProfileDoc {
        profile: Profile {
            uuid: ctx.uuid("profile", &fw.key),
            metadata,
            imports: vec![import],
            merge: Merge { as_is: true },
            back_matter: BackMatter {
                resources: vec![Resource {
                    uuid: resource,
                    title: standard_title,
                    description: None,
                    props: Vec::new(),
                    rlinks: vec![Rlink {
                        href: std.file.clone(),
                        media_type: Some("application/oscal.catalog+json"),
                    }],
                }],
            },
        },
    }
}

/// `equal` → `equivalent-to`, and so on.
fn relationship(r: Relation) -> &'static str {
    match r {
        Relation::Equal => "equivalent-to",
        Relation::Subset => "subset-of",
        Relation::Superset => "superset-of",
        Relation::Intersects => "intersects-with",
    }
}

/// `mapping.json`; `None` when no mapping has a line between two known frameworks.
fn mapping(ctx: &Ctx<'_>) -> Option<MappingDoc> {
    let model = ctx.model;
    let mut mappings = Vec::new();
    for m in &model.mappings {
        let (Some(from), Some(to)) = (ctx.catalog_of(&m.from), ctx.catalog_of(&m.to)) else {
            continue;
        };
        let name = format!("{}->{}", m.from, m.to);
        let mut maps = Vec::new();
        let mut reached = BTreeSet::new();
        for l in &m.links {
            let (Some(f), Some(t)) = (l.from.target, l.to.target) else {
                continue;
            };
            let (Some(fr), Some(tr)) = (
                model.requirement(f).and_then(|r| from.ids.control(&r.id)),
                model.requirement(t).and_then(|r| to.ids.control(&r.id)),
            ) else {
                continue;
            };
            reached.insert(tr.to_string());
            maps.push(Map {
                uuid: ctx.uuid(
                    "map",
                    &format!("{name}/{}/{}/{}", l.from.id, l.relation.keyword(), l.to.id),
                ),
                relationship: relationship(l.relation),
                sources: vec![MapItem {
                    kind: "control",
                    id_ref: fr.to_string(),
                }],
                targets: vec![MapItem {
                    kind: "control",
                    id_ref: tr.to_string(),
                }],
            });
        }
        if maps.is_empty() {
            continue;
        }
        let unmapped: Vec<String> = model
            .requirements_of(&m.to)
            .filter_map(|(_, r)| to.ids.control(&r.id))
            .filter(|id| !reached.contains(*id))
            .map(str::to_string)
            .collect();
        mappings.push(Mapping {
            uuid: ctx.uuid("mapping", &name),
            source_resource: ResourceRef {
                kind: "catalog",
                href: from.file.clone(),
            },
            target_resource: ResourceRef {
                kind: "catalog",
                href: to.file.clone(),
            },
            maps,
            props: [prop("source", &m.from), prop("target", &m.to)]
                .into_iter()
                .flatten()
                .collect(),
            mapping_description: format!(
                "The `mapping {} -> {}` of the project: one map per line, `equal` as `equivalent-to`, `subset` as `subset-of`, `superset` as `superset-of`, `intersects` as `intersects-with`.",
                m.from, m.to
            ),
            target_gap_summary: (!unmapped.is_empty()).then(|| GapSummary {
                uuid: ctx.uuid("gap-summary", &name),
                unmapped_controls: vec![SelectControls {
                    with_ids: unmapped,
                }],
            }),
        });
    }
    if mappings.is_empty() {
        return None;
    }
    let metadata = ctx.metadata(
        format!("{}: framework mappings", ctx.system_name()),
        ctx.version.clone(),
    );
    Some(MappingDoc {
        mapping_collection: MappingCollection {
            uuid: ctx.uuid("mapping-collection", "mappings"),
            metadata,
            provenance: Provenance {
                method: "human",
                matching_rationale: "semantic",
                status: "complete",
                mapping_description: "The `mapping` items the project compiles with, including ismsc's standard library (ISO/IEC 27001:2013 to 2022, after the correspondence of ISO/IEC 27002:2022 Annex B). Each map relates one control to one control.".into(),
            },
            mappings,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_is_the_v5_uuid_of_the_ns_url() {
        assert_eq!(NAMESPACE, Uuid::new_v5(&Uuid::NAMESPACE_URL, NS.as_bytes()));
    }

    #[test]
    fn tokens() {
        assert_eq!(token("A.5.1"), "a.5.1");
        assert_eq!(token("6.1.3"), "id-6.1.3");
        assert_eq!(token("a b/c"), "a-b-c");
        let mut ids = ControlIds::default();
        assert_eq!(ids.take("A.1"), "a.1");
        assert_eq!(ids.take("a.1"), "a.1-2");
    }

    #[test]
    fn date_times() {
        assert_eq!(
            date_time("2026-01-01").as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
        assert_eq!(
            date_time("2026-01-01T10:20:30Z").as_deref(),
            Some("2026-01-01T10:20:30Z")
        );
        assert_eq!(
            date_time("2026-01-01T10:20:30.5+02:00").as_deref(),
            Some("2026-01-01T10:20:30.5+02:00")
        );
        assert_eq!(date_time("2026-01-01T24:00:00Z"), None);
        assert_eq!(date_time("yesterday"), None);
        assert_eq!(date_time("2026-01-01T10:20:30+02:30"), None);
    }
}
