//! The OSCAL 1.2.1 JSON shapes `ismsc` writes: the subset of the NIST models it fills.
//!
//! These are output types like those of [`ismsc_core::emit::dto`]: plain data, serialised with
//! kebab-case keys in the order of the NIST JSON schemas. OSCAL arrays must not be empty
//! (`minItems: 1`), so every list is skipped when empty and every optional value when absent.

use serde::Serialize;

/// `true` for an empty list: OSCAL forbids `[]`.
fn empty<T>(v: &[T]) -> bool {
    v.is_empty()
}

/// `metadata` of every document.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Metadata {
    /// The document's title.
    pub title: String,
    /// When the document was last changed (fixed, see `emit::oscal`).
    pub last_modified: String,
    /// The document's version.
    pub version: String,
    /// Always [`super::OSCAL_VERSION`].
    pub oscal_version: &'static str,
    /// Properties.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// Roles the document refers to.
    #[serde(skip_serializing_if = "empty")]
    pub roles: Vec<Role>,
    /// People, teams and the organisation.
    #[serde(skip_serializing_if = "empty")]
    pub parties: Vec<Party>,
    /// Who holds which role for the whole document.
    #[serde(skip_serializing_if = "empty")]
    pub responsible_parties: Vec<ResponsibleParty>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// `prop`: a name/value pair, in the OSCAL namespace unless `ns` is set.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Prop {
    /// The name (a token).
    pub name: String,
    /// The namespace of the name, e.g. [`super::NS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns: Option<&'static str>,
    /// The value (no leading or trailing blanks, one line).
    pub value: String,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// `link`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Link {
    /// A URI reference: `#uuid` for a back-matter resource.
    pub href: String,
    /// The relation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rel: Option<String>,
    /// The text to show.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// `role`.
#[derive(Clone, Debug, Serialize)]
pub struct Role {
    /// Its id (a token).
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it is.
    pub description: String,
}

/// `party`: a person or an organisation (the organisation itself, or a team).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Party {
    /// Its UUID.
    pub uuid: String,
    /// `person` or `organization`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The name.
    pub name: String,
    /// The id in the project.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// Properties (`job-title`).
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// E-mail addresses.
    #[serde(skip_serializing_if = "empty")]
    pub email_addresses: Vec<String>,
    /// The organisation and the teams it belongs to.
    #[serde(skip_serializing_if = "empty")]
    pub member_of_organizations: Vec<String>,
}

/// `responsible-party`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ResponsibleParty {
    /// The role.
    pub role_id: String,
    /// Who holds it.
    pub party_uuids: Vec<String>,
}

/// `responsible-role`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ResponsibleRole {
    /// The role.
    pub role_id: String,
    /// Who holds it.
    #[serde(skip_serializing_if = "empty")]
    pub party_uuids: Vec<String>,
}

/// `back-matter`.
#[derive(Clone, Debug, Serialize)]
pub struct BackMatter {
    /// The resources.
    pub resources: Vec<Resource>,
}

/// One back-matter `resource`.
#[derive(Clone, Debug, Serialize)]
pub struct Resource {
    /// Its UUID (what `#uuid` links point to).
    pub uuid: String,
    /// Its title.
    pub title: String,
    /// What it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Properties.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// Where to find it.
    #[serde(skip_serializing_if = "empty")]
    pub rlinks: Vec<Rlink>,
}

/// A resource's `rlink`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Rlink {
    /// A URI reference, relative to the document.
    pub href: String,
    /// The media type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<&'static str>,
}

// ----- catalog --------------------------------------------------------------------------

/// `catalog.json`.
#[derive(Clone, Debug, Serialize)]
pub struct CatalogDoc {
    /// The catalog.
    pub catalog: Catalog,
}

/// `catalog`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Catalog {
    /// Its UUID.
    pub uuid: String,
    /// Its metadata.
    pub metadata: Metadata,
    /// Controls outside any group.
    #[serde(skip_serializing_if = "empty")]
    pub controls: Vec<Control>,
    /// The groups.
    #[serde(skip_serializing_if = "empty")]
    pub groups: Vec<Group>,
}

/// `group`. The schema allows either `groups` or `controls` in one group, not both.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    /// Its id (a token).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Properties (`label`).
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// Nested groups.
    #[serde(skip_serializing_if = "empty")]
    pub groups: Vec<Group>,
    /// Controls.
    #[serde(skip_serializing_if = "empty")]
    pub controls: Vec<Control>,
}

/// `control`: an id and a title, with the catalogue's attributes as properties.
#[derive(Clone, Debug, Serialize)]
pub struct Control {
    /// Its id (a token).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Properties (`label`, attributes).
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
}

// ----- profile --------------------------------------------------------------------------

/// `profile.json`.
#[derive(Clone, Debug, Serialize)]
pub struct ProfileDoc {
    /// The profile.
    pub profile: Profile,
}

/// `profile`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Profile {
    /// Its UUID.
    pub uuid: String,
    /// Its metadata.
    pub metadata: Metadata,
    /// The imported catalog and the selection.
    pub imports: Vec<Import>,
    /// How to structure the resolved catalog.
    pub merge: Merge,
    /// The catalog as a resource.
    pub back_matter: BackMatter,
}

/// `import` of a profile.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Import {
    /// The catalog: `#uuid` of a back-matter resource.
    pub href: String,
    /// Every control (only when nothing is selected by id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_all: Option<IncludeAll>,
    /// The selected controls.
    #[serde(skip_serializing_if = "empty")]
    pub include_controls: Vec<SelectControls>,
    /// Controls left out of `include-all`.
    #[serde(skip_serializing_if = "empty")]
    pub exclude_controls: Vec<SelectControls>,
}

/// `include-all`: an empty object.
#[derive(Clone, Debug, Serialize)]
pub struct IncludeAll {}

/// `select-control-by-id`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SelectControls {
    /// Control ids.
    pub with_ids: Vec<String>,
}

/// `merge`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Merge {
    /// Keep the catalog's groups.
    pub as_is: bool,
}

// ----- system security plan -------------------------------------------------------------

/// `ssp.json`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SspDoc {
    /// The plan.
    pub system_security_plan: Ssp,
}

/// `system-security-plan`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Ssp {
    /// Its UUID.
    pub uuid: String,
    /// Its metadata.
    pub metadata: Metadata,
    /// The profile it implements.
    pub import_profile: Href,
    /// The system: the ISMS and its scope.
    pub system_characteristics: SystemCharacteristics,
    /// Users, components and inventory.
    pub system_implementation: SystemImplementation,
    /// One implemented requirement per control of the standard.
    pub control_implementation: ControlImplementation,
    /// Policies and obligations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_matter: Option<BackMatter>,
}

/// `import-profile`, `import-ssp`.
#[derive(Clone, Debug, Serialize)]
pub struct Href {
    /// The document.
    pub href: String,
}

/// `system-characteristics`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SystemCharacteristics {
    /// The system's ids.
    pub system_ids: Vec<SystemId>,
    /// The ISMS title.
    pub system_name: String,
    /// The project name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_name_short: Option<String>,
    /// The ISMS description.
    pub description: String,
    /// Properties.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// The highest classification level of the assets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_sensitivity_level: Option<String>,
    /// The information assets.
    pub system_information: SystemInformation,
    /// Operational or under development.
    pub status: Status,
    /// The ISMS scope.
    pub authorization_boundary: Described,
}

/// `system-id`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SystemId {
    /// The identifier scheme.
    pub identifier_type: &'static str,
    /// The id.
    pub id: String,
}

/// `system-information`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SystemInformation {
    /// At least one information type.
    pub information_types: Vec<InformationType>,
}

/// `information-type`.
#[derive(Clone, Debug, Serialize)]
pub struct InformationType {
    /// Its UUID.
    pub uuid: String,
    /// Its title.
    pub title: String,
    /// What it is.
    pub description: String,
    /// Properties.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
}

/// `status` and `implementation-status`: a state with remarks.
#[derive(Clone, Debug, Serialize)]
pub struct Status {
    /// The state.
    pub state: &'static str,
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// `authorization-boundary`.
#[derive(Clone, Debug, Serialize)]
pub struct Described {
    /// The description.
    pub description: String,
}

/// `system-implementation`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SystemImplementation {
    /// People and teams as users of the ISMS.
    #[serde(skip_serializing_if = "empty")]
    pub users: Vec<User>,
    /// The `this-system` component.
    pub components: Vec<Component>,
    /// The assets.
    #[serde(skip_serializing_if = "empty")]
    pub inventory_items: Vec<InventoryItem>,
}

/// `user`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct User {
    /// Its UUID.
    pub uuid: String,
    /// Its title.
    pub title: String,
    /// The id in the project.
    pub short_name: String,
    /// Properties.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// The roles it holds.
    #[serde(skip_serializing_if = "empty")]
    pub role_ids: Vec<String>,
}

/// `component`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Component {
    /// Its UUID.
    pub uuid: String,
    /// `this-system`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its title.
    pub title: String,
    /// What it is.
    pub description: String,
    /// Properties.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// Its status.
    pub status: Status,
    /// Who is responsible.
    #[serde(skip_serializing_if = "empty")]
    pub responsible_roles: Vec<ResponsibleRole>,
}

/// `inventory-item`: an asset.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct InventoryItem {
    /// Its UUID.
    pub uuid: String,
    /// What it is.
    pub description: String,
    /// Properties.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// Its owner.
    #[serde(skip_serializing_if = "empty")]
    pub responsible_parties: Vec<ResponsibleParty>,
}

/// `control-implementation`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ControlImplementation {
    /// What it is.
    pub description: String,
    /// One per control of the standard.
    pub implemented_requirements: Vec<ImplementedRequirement>,
}

/// `implemented-requirement`: one row of the SoA.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ImplementedRequirement {
    /// Its UUID.
    pub uuid: String,
    /// The control id in the catalog.
    pub control_id: String,
    /// Properties in the ismsc namespace.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// Policies and obligations.
    #[serde(skip_serializing_if = "empty")]
    pub links: Vec<Link>,
    /// The owners of the implementing controls.
    #[serde(skip_serializing_if = "empty")]
    pub responsible_roles: Vec<ResponsibleRole>,
    /// Applicability and status, on the `this-system` component.
    pub by_components: Vec<ByComponent>,
}

/// `by-component`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ByComponent {
    /// The component.
    pub component_uuid: String,
    /// Its UUID.
    pub uuid: String,
    /// How the requirement is met.
    pub description: String,
    /// The implementation status.
    pub implementation_status: Status,
    /// The SoA justification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

// ----- plan of action and milestones ----------------------------------------------------

/// `risks.json`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PoamDoc {
    /// The plan.
    pub plan_of_action_and_milestones: Poam,
}

/// `plan-of-action-and-milestones`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Poam {
    /// Its UUID.
    pub uuid: String,
    /// Its metadata.
    pub metadata: Metadata,
    /// The SSP.
    pub import_ssp: Href,
    /// The system of the SSP.
    pub system_id: SystemId,
    /// The risks.
    pub risks: Vec<Risk>,
    /// One item per risk.
    pub poam_items: Vec<PoamItem>,
}

/// `risk`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Risk {
    /// Its UUID.
    pub uuid: String,
    /// Its title.
    pub title: String,
    /// What it is.
    pub description: String,
    /// Threat, vulnerability and assets.
    pub statement: String,
    /// Properties in the ismsc namespace.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// `open`, `remediating`, `deviation-approved` or `closed`.
    pub status: &'static str,
    /// Inherent (`initial`) and residual (`adjusted`) rating.
    #[serde(skip_serializing_if = "empty")]
    pub characterizations: Vec<Characterization>,
    /// The latest due date of the treating controls not yet implemented.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// The treating controls.
    #[serde(skip_serializing_if = "empty")]
    pub remediations: Vec<Response>,
    /// The acceptance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_log: Option<RiskLog>,
}

/// `characterization`.
#[derive(Clone, Debug, Serialize)]
pub struct Characterization {
    /// Who rated it.
    pub origin: Origin,
    /// Likelihood, impact, score.
    pub facets: Vec<Facet>,
}

/// `origin`.
#[derive(Clone, Debug, Serialize)]
pub struct Origin {
    /// The actors.
    pub actors: Vec<Actor>,
}

/// `origin-actor`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Actor {
    /// `party`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The party.
    pub actor_uuid: String,
    /// The role the party acted in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_id: Option<String>,
}

/// `facet`.
#[derive(Clone, Debug, Serialize)]
pub struct Facet {
    /// `likelihood`, `impact` or `score`.
    pub name: &'static str,
    /// [`super::NS`].
    pub system: &'static str,
    /// The level or the score.
    pub value: String,
    /// `state`: `initial` or `adjusted`.
    pub props: Vec<Prop>,
}

/// `response` (a remediation).
#[derive(Clone, Debug, Serialize)]
pub struct Response {
    /// Its UUID.
    pub uuid: String,
    /// `planned` or `completed`.
    pub lifecycle: &'static str,
    /// The control's title.
    pub title: String,
    /// The control's description.
    pub description: String,
    /// Properties in the ismsc namespace.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
}

/// `risk-log`.
#[derive(Clone, Debug, Serialize)]
pub struct RiskLog {
    /// The entries.
    pub entries: Vec<LogEntry>,
}

/// A risk-log entry.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LogEntry {
    /// Its UUID.
    pub uuid: String,
    /// Its title.
    pub title: String,
    /// What happened.
    pub description: String,
    /// When.
    pub start: String,
    /// Until when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Who.
    #[serde(skip_serializing_if = "empty")]
    pub logged_by: Vec<LoggedBy>,
    /// The status it led to.
    pub status_change: &'static str,
}

/// `logged-by`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LoggedBy {
    /// The party.
    pub party_uuid: String,
}

/// `poam-item`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PoamItem {
    /// Its UUID.
    pub uuid: String,
    /// Its title.
    pub title: String,
    /// The treatment.
    pub description: String,
    /// Properties in the ismsc namespace.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// The risk.
    pub related_risks: Vec<RiskRef>,
}

/// `associated-risk`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RiskRef {
    /// The risk.
    pub risk_uuid: String,
}

// ----- mapping --------------------------------------------------------------------------

/// `mapping.json`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct MappingDoc {
    /// The collection.
    pub mapping_collection: MappingCollection,
}

/// `mapping-collection`.
#[derive(Clone, Debug, Serialize)]
pub struct MappingCollection {
    /// Its UUID.
    pub uuid: String,
    /// Its metadata.
    pub metadata: Metadata,
    /// How the mappings were made.
    pub provenance: Provenance,
    /// One mapping per `mapping` item.
    pub mappings: Vec<Mapping>,
}

/// `provenance`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Provenance {
    /// `human`.
    pub method: &'static str,
    /// `semantic`.
    pub matching_rationale: &'static str,
    /// `complete`.
    pub status: &'static str,
    /// What the mappings are.
    pub mapping_description: String,
}

/// `mapping`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Mapping {
    /// Its UUID.
    pub uuid: String,
    /// The left framework's catalog.
    pub source_resource: ResourceRef,
    /// The right framework's catalog.
    pub target_resource: ResourceRef,
    /// One map per line of the mapping.
    pub maps: Vec<Map>,
    /// Properties.
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// What it maps.
    pub mapping_description: String,
    /// Target controls that no line reaches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_gap_summary: Option<GapSummary>,
}

/// `mapping-resource-reference`.
#[derive(Clone, Debug, Serialize)]
pub struct ResourceRef {
    /// `catalog`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The catalog file, relative to the mapping.
    pub href: String,
}

/// `map`.
#[derive(Clone, Debug, Serialize)]
pub struct Map {
    /// Its UUID.
    pub uuid: String,
    /// `equivalent-to`, `subset-of`, `superset-of` or `intersects-with`.
    pub relationship: &'static str,
    /// The left control.
    pub sources: Vec<MapItem>,
    /// The right control.
    pub targets: Vec<MapItem>,
}

/// `mapping-item`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct MapItem {
    /// `control`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The control id in its catalog.
    pub id_ref: String,
}

/// `gap-summary`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct GapSummary {
    /// Its UUID.
    pub uuid: String,
    /// The controls.
    pub unmapped_controls: Vec<SelectControls>,
}

// ----- assessment plan and results ------------------------------------------------------

/// `assessment-plan.json`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AssessmentPlanDoc {
    /// The plan.
    pub assessment_plan: AssessmentPlan,
}

/// `assessment-plan`: the audit programme.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AssessmentPlan {
    /// Its UUID.
    pub uuid: String,
    /// Metadata.
    pub metadata: Metadata,
    /// The SSP the plan is about.
    pub import_ssp: Href,
    /// The controls the programme covers.
    pub reviewed_controls: ReviewedControls,
    /// One task per audit.
    #[serde(skip_serializing_if = "empty")]
    pub tasks: Vec<Task>,
}

/// `reviewed-controls`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ReviewedControls {
    /// What was reviewed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The selections (at least one).
    pub control_selections: Vec<ControlSelection>,
}

/// One `control-selections` entry: either `include-all` (less `exclude-controls`) or
/// `include-controls`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ControlSelection {
    /// What is selected, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Properties (the clauses covered).
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// Every control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_all: Option<IncludeAll>,
    /// The selected controls.
    #[serde(skip_serializing_if = "empty")]
    pub include_controls: Vec<ControlById>,
    /// The controls left out of `include-all`.
    #[serde(skip_serializing_if = "empty")]
    pub exclude_controls: Vec<ControlById>,
}

/// `select-control-by-id` of the assessment models.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ControlById {
    /// The control id of the catalog.
    pub control_id: String,
}

/// `task`: one audit of the programme.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Task {
    /// Its UUID.
    pub uuid: String,
    /// `action`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its title.
    pub title: String,
    /// What it covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Properties (id, status, lead auditor).
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// When.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
}

/// `timing` of a task.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Timing {
    /// The date.
    pub on_date: OnDate,
}

/// `on-date`.
#[derive(Clone, Debug, Serialize)]
pub struct OnDate {
    /// A date-time with time zone.
    pub date: String,
}

/// `assessment-results.json`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AssessmentResultsDoc {
    /// The results.
    pub assessment_results: AssessmentResults,
}

/// `assessment-results`: the audits performed and their findings.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AssessmentResults {
    /// Its UUID.
    pub uuid: String,
    /// Metadata.
    pub metadata: Metadata,
    /// The plan the results are of.
    pub import_ap: Href,
    /// One result per audit performed (at least one).
    pub results: Vec<AuditResult>,
}

/// `result`: one audit performed.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct AuditResult {
    /// Its UUID.
    pub uuid: String,
    /// The audit's title.
    pub title: String,
    /// Its report, or what it covered.
    pub description: String,
    /// When it was performed.
    pub start: String,
    /// Properties (id, lead auditor, clauses).
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// The controls it covered.
    pub reviewed_controls: ReviewedControls,
    /// Its findings.
    #[serde(skip_serializing_if = "empty")]
    pub findings: Vec<Finding>,
}

/// `finding`: a nonconformity found in an audit.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Finding {
    /// Its UUID.
    pub uuid: String,
    /// Its title.
    pub title: String,
    /// What was found.
    pub description: String,
    /// Properties (id, severity, status, raised).
    #[serde(skip_serializing_if = "empty")]
    pub props: Vec<Prop>,
    /// What it is about.
    pub target: FindingTarget,
    /// Free text: root cause, correction, actions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// `target` of a finding.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FindingTarget {
    /// `objective-id`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The control id (or a token of the clause or item).
    pub target_id: String,
    /// Satisfied or not.
    pub status: ObjectiveStatus,
}

/// `status` of a finding target.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectiveStatus {
    /// `satisfied` or `not-satisfied`.
    pub state: &'static str,
    /// `fail` or `other`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}
