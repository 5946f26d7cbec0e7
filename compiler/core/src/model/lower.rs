//! Lowering: syntax trees to the model's items, checking item kinds, headers, fields and
//! closed vocabularies (E0101, E0106–E0108, E0201–E0208).
//!
//! Each item kind has a field table (`FieldSpec`); one reader (`read_fields`) checks every
//! body against its table, so unknown, duplicate, missing and mistyped fields are reported
//! the same way everywhere. References are recorded unresolved; `model::resolve` fills them.

use std::collections::{HashMap, HashSet};

use super::{
    Action, Asset, AssetType, Audit, Classification, Clause, ClauseId, ClauseLink, Competence,
    Context, Control, ControlStatus, Data, Decision, DocKind, Document, Documented, Entity,
    EntityId, Evidence, EvidenceKind, FindingSeverity, FindingStatus, Framework, Isms, Kind,
    KindSet, Link, Mapping, MappingLink, Measurement, Model, Nonconformity, Objective,
    ObjectiveStatus, Obligation, ObligationKind, Party, Person, Policy, Qualification, Rating,
    Relation, ReqId, ReqLink, Requirement, Review, ReviewInputs, Risk, RiskMethod, Role, Scale,
    Scope, SignOff, Source, SourceKind, Spanned, Subject, Team, Text, Treatment, Verdict, Word,
    WrittenKind, OWNER, REVIEW_INPUTS,
};
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::source::{Origin, SourceMap, Span};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, Entry, ErrorEntry, HeadName, Item, Value, ValueKind};

/// Files that `file(...)` values name, as found by the loader.
#[derive(Debug, Default)]
pub struct AuxFiles {
    /// Project-relative path → the file in the source map.
    pub loaded: HashMap<String, crate::source::FileId>,
    /// Project-relative paths that resolve outside the project (through a link).
    pub outside: HashSet<String>,
    /// Project-relative paths that exist but could not be read, with why.
    pub failed: HashMap<String, AuxError>,
}

/// Why a file named by `file(...)` that exists was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuxError {
    /// Not a readable regular file (a folder, a pipe, no permission, …): the reason (E0011).
    Unreadable(String),
    /// Larger than the limit, in bytes (E0013).
    TooLarge {
        /// The limit.
        limit: u64,
    },
    /// Not UTF-8: where the first invalid byte is (E0012).
    NotUtf8 {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
}

/// Why a `file(...)` path is refused before the file system is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathError {
    /// `/etc/passwd`, `C:\…`.
    Absolute,
    /// `../secret.md` climbing above the project root.
    Escapes,
    /// An empty path.
    Empty,
}

/// Resolves `raw` relative to the folder of the project file `from` (both with `/`
/// separators) to a project-relative path, without touching the file system.
pub fn normalize(from: &str, raw: &str) -> Result<String, PathError> {
    let raw = raw.replace('\\', "/");
    if raw.trim().is_empty() {
        return Err(PathError::Empty);
    }
    let b = raw.as_bytes();
    if raw.starts_with('/') || (b.len() >= 2 && b[1] == b':') {
        return Err(PathError::Absolute);
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for c in raw.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(PathError::Escapes);
                }
            }
            c => parts.push(c),
        }
    }
    Ok(parts.join("/"))
}

/// What a field takes, as the field reader checks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A string.
    Str,
    /// A list of strings.
    Strs,
    /// A date.
    Date,
    /// A duration.
    Duration,
    /// An integer.
    Int,
    /// An id of one of these kinds.
    Ref(KindSet),
    /// A list of ids of these kinds.
    Refs(KindSet),
    /// A list of requirement ids.
    Reqs,
    /// A framework key.
    Framework,
    /// A list of framework keys.
    Frameworks,
    /// A word of a closed vocabulary.
    Enum(&'static [&'static str]),
    /// A level of a scale of the project (classification, likelihood, impact).
    Level,
    /// A sign-off `who @ date`.
    SignOff,
    /// A sign-off, or a list of sign-offs.
    SignOffs,
    /// A string, a text block or `file("…")`.
    Text,
    /// A `scale { … }`.
    Scale,
    /// A list of `id: "reason"` pairs with ids of these kinds.
    Pairs(KindSet),
    /// A list of names.
    Words,
    /// `true` or `false`.
    Bool,
    /// Clauses, requirements and items of these kinds, in one list (what an audit covers).
    Subjects(KindSet),
    /// Where a nonconformity was found: an audit or a review, or a [`SourceKind`] word.
    Source,
}

/// What an audit or a nonconformity's `source` may name.
const SOURCE_RECORD: KindSet = KindSet::of(&[Kind::Audit, Kind::Review]);

impl Ty {
    /// What it takes, in words ("a person or team id", "one of `planned`, …").
    pub fn describe(self) -> String {
        match self {
            Ty::Str => "a string".into(),
            Ty::Strs => "a list of strings".into(),
            Ty::Date => "a date such as `2026-02-01`".into(),
            Ty::Duration => "a duration such as `90d`, `12mo` or `1y`".into(),
            Ty::Int => "an integer".into(),
            Ty::Ref(k) => format!("{} id", k.describe()),
            Ty::Refs(k) => format!(
                "a list of ids of {}",
                k.describe()
                    .trim_start_matches("a ")
                    .trim_start_matches("an ")
            ),
            Ty::Reqs => "a list of requirement ids such as `[A.5.15, A.8.5]`".into(),
            Ty::Framework => "a framework such as `iso27001:2022`".into(),
            Ty::Frameworks => "a list of frameworks such as `[nist-csf:2.0, soc2:2017]`".into(),
            Ty::Enum(words) => format!(
                "one of {}",
                words
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Ty::Level => "a level name".into(),
            Ty::SignOff => "a sign-off such as `ceo @ 2026-02-01`".into(),
            Ty::SignOffs => "a sign-off such as `ceo @ 2026-02-01`, or a list of sign-offs".into(),
            Ty::Text => "a string, a `\"\"\"` text block or `file(\"…\")`".into(),
            Ty::Scale => "a scale such as `scale { low = 1, high = 2 }`".into(),
            Ty::Pairs(_) => "a list of `id: \"reason\"` pairs".into(),
            Ty::Words => "a list of names".into(),
            Ty::Bool => "`true` or `false`".into(),
            Ty::Subjects(k) => format!(
                "a list of clauses (`8`, `\"9.2\"`), requirements (`A.5.17`) and ids of {}",
                k.describe()
                    .trim_start_matches("a ")
                    .trim_start_matches("an ")
            ),
            Ty::Source => format!(
                "the id of an audit or a review, or one of {}",
                SourceKind::WORDS
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// One field of a body: its name, what it takes and whether it is required.
#[derive(Debug)]
pub struct FieldSpec {
    name: &'static str,
    ty: Ty,
    required: bool,
}

impl FieldSpec {
    /// The field's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// What it takes.
    pub fn ty(&self) -> Ty {
        self.ty
    }

    /// Whether a body without it is reported (E0202).
    pub fn required(&self) -> bool {
        self.required
    }
}

/// The fields and the nested blocks of a body: `path` is the item keyword followed by the
/// keywords of the nested blocks down to the body (`["risk"]`, `["risk", "residual"]`,
/// `["control", "evidence"]`). `None` for a body the language does not know.
pub fn body_fields(path: &[&str]) -> Option<(&'static [FieldSpec], &'static [&'static str])> {
    let table: (&'static [FieldSpec], &'static [&'static str]) = match path {
        ["isms"] => (ISMS_FIELDS, &[]),
        ["person"] => (PERSON_FIELDS, PERSON_BLOCKS),
        ["person", "evidence"] => (QUALIFICATION_FIELDS, &[]),
        ["team"] => (TEAM_FIELDS, &[]),
        ["party"] => (PARTY_FIELDS, &[]),
        ["asset"] => (ASSET_FIELDS, &[]),
        ["scope"] => (SCOPE_FIELDS, &[]),
        ["classification"] => (CLASSIFICATION_FIELDS, &[]),
        ["risk_method"] => (RISK_METHOD_FIELDS, RISK_METHOD_BLOCKS),
        ["risk"] => (RISK_FIELDS, RISK_BLOCKS),
        ["risk", "residual"] | ["risk", "current"] => (RESIDUAL_FIELDS, &[]),
        ["control"] => (CONTROL_FIELDS, CONTROL_BLOCKS),
        ["control", "evidence"] => (EVIDENCE_FIELDS, &[]),
        ["control", "result"] | ["objective", "result"] => (RESULT_FIELDS, &[]),
        ["policy"] | ["procedure"] | ["standard"] | ["guideline"] => (POLICY_FIELDS, &[]),
        ["obligation"] => (OBLIGATION_FIELDS, &[]),
        ["context"] => (CONTEXT_FIELDS, &[]),
        ["objective"] => (OBJECTIVE_FIELDS, OBJECTIVE_BLOCKS),
        ["audit"] => (AUDIT_FIELDS, &[]),
        ["nonconformity"] => (NONCONFORMITY_FIELDS, NONCONFORMITY_BLOCKS),
        ["nonconformity", "action"] | ["review", "action"] => (ACTION_FIELDS, &[]),
        ["review"] => (REVIEW_FIELDS, REVIEW_BLOCKS),
        ["review", "inputs"] => (INPUT_FIELDS, &[]),
        ["role"] => (ROLE_FIELDS, &[]),
        ["competence"] => (COMPETENCE_FIELDS, &[]),
        ["document"] => (DOCUMENT_FIELDS, &[]),
        _ => return None,
    };
    Some(table)
}

/// What a field means, in one line, for the language server's hover and completion: `path`
/// as in [`body_fields`]. Empty for a field the language does not know.
pub fn field_doc(path: &[&str], field: &str) -> &'static str {
    let item = match path.first().copied().unwrap_or("") {
        // The written documents share the policy's fields.
        "procedure" | "standard" | "guideline" => "policy",
        other => other,
    };
    let block = path.get(1).copied();
    match (item, block, field) {
        ("isms", _, "organization") => "The organisation whose ISMS this is.",
        ("isms", _, "standard") => "The edition of ISO/IEC 27001 the Statement of Applicability is made against.",
        ("isms", _, "frameworks") => "Other frameworks whose coverage the project reports (`ismsc coverage`).",
        ("isms", _, "owner") => "Who is accountable for the ISMS (top management's delegate).",
        (_, _, "owner") => "Who is accountable for it.",
        (_, _, "effective") => "The date from which it applies.",
        (_, _, "version") => "Its version, as the document control shows it.",
        (_, _, "description") => "What it is, in prose.",
        ("person", _, "role") => "The person's role in the organisation.",
        ("person", _, "email") => "The person's e-mail address.",
        ("team", _, "lead") => "The person who leads the team.",
        ("team", _, "members") => "The people in the team.",
        ("team", _, "parent") => "The team this team belongs to (the hierarchy must be acyclic).",
        ("policy", _, "parent") => "The policy (or other document) this document belongs to (the hierarchy must be acyclic).",
        ("party", _, "needs") => "The party's needs and expectations (clause 4.2).",
        ("asset", _, "type") => "What kind of asset it is; `supplier`, `site`, `people` … make some exclusions suspicious (W0407).",
        (_, _, "levels") => "The levels of the classification scheme, lowest first.",
        (_, _, "classification") => "A level of the project's classification scheme.",
        ("asset", _, "depends_on") => "The assets this asset depends on.",
        ("scope", _, "includes") => "What is in the scope of the ISMS: assets, teams, parties (clause 4.3).",
        ("scope", _, "excludes") => "What is outside the scope, each with the reason: `id: \"reason\"`.",
        ("scope", _, "interfaces") => "Interfaces and dependencies with what is outside the scope.",
        ("risk_method", _, "likelihood") => "The likelihood scale: levels with their values.",
        ("risk_method", _, "impact") => "The impact scale: levels with their values.",
        ("risk_method", _, "accept_at_or_below") => "The highest score a risk may keep without being accepted by its owner.",
        ("risk", None, "likelihood") => "The inherent likelihood, a level of the method's likelihood scale.",
        ("risk", None, "impact") => "The inherent impact, a level of the method's impact scale.",
        ("risk", Some("current"), "likelihood") => "The likelihood today, with the controls implemented so far.",
        ("risk", Some("current"), "impact") => "The impact today, with the controls implemented so far.",
        ("risk", Some(_), "likelihood") => "The likelihood after treatment.",
        ("risk", Some(_), "impact") => "The impact after treatment.",
        ("risk", _, "assets") => "The assets at risk.",
        ("risk", _, "threat") => "The threat.",
        ("risk", _, "vulnerability") => "The vulnerability the threat exploits.",
        ("risk", _, "treatment") => "The treatment decision (6.1.3 a): `mitigate` needs controls, `accept` an acceptance.",
        ("risk", _, "controls") => "The controls that treat the risk; their Annex A controls get it as a reason for inclusion.",
        ("risk", _, "requires") => "Annex A controls the treatment needs, named directly; excluding one is an error (E0404).",
        ("risk", _, "accepted") => "Who accepted what remains of the risk, when, and until when.",
        ("risk", _, "identified") => "When the risk was identified.",
        ("objective", None, "status") => "Where the objective stands: open, achieved, missed or withdrawn (a withdrawn one is not checked for results).",
        ("document", _, "approved") => "Who approved the document and when: one sign-off, or a list (the risk owners approving the treatment plan).",
        ("document", _, "review") => "How often the document is reviewed (W0705 when overdue).",
        ("control", None, "satisfies") => "The Annex A controls (or other requirements) it implements.",
        ("control", None, "status") => "How far it is implemented.",
        ("control", None, "due") => "When a planned or partial control is to be implemented (W0604 after it).",
        ("control", None, "policy") => "The policies that govern it.",
        ("control", Some(_), "at") => "Where the evidence is kept (a URL or a place).",
        ("control", Some(_), "collected") => "When the evidence was last collected.",
        ("control", Some(_), "every") => "How often it must be collected (W0603 when older).",
        (_, Some("result"), "measured") => "When the result was measured (clause 9.1).",
        (_, Some("result"), "value") => "The value measured.",
        (_, Some("result"), "met") => "Whether the target was met.",
        (_, Some("result"), "by") => "Who measured or evaluated it.",
        ("person", Some(_), "kind") => "What the evidence of competence is: education, training, experience …",
        ("person", Some(_), "obtained") => "When the competence was obtained.",
        ("person", Some(_), "expires") => "When it expires (a certificate, a training to renew).",
        ("person", Some(_), "at") => "Where the evidence is kept.",
        ("audit", _, "planned") => "When the audit is planned (clause 9.2.2).",
        ("audit", _, "performed") => "When it was performed; an audit without it is planned.",
        ("audit", _, "lead") => "The lead auditor.",
        ("audit", _, "auditors") => "The other auditors.",
        ("audit", _, "covers") => "The clauses, Annex A controls and project items the audit covers.",
        ("audit", _, "criteria") => "The audit criteria.",
        ("audit", _, "report") => "The audit report: a string, a text block or `file(\"…\")`.",
        ("nonconformity", None, "source") => "Where the finding comes from: an audit or review by id, or certification, incident …",
        ("nonconformity", None, "raised") => "When it was raised.",
        ("nonconformity", None, "severity") => "How severe it is: major, minor, observation or opportunity.",
        ("nonconformity", None, "against") => "What it was raised against: clauses, controls, project items.",
        ("nonconformity", None, "correction") => "The correction: what was done about the nonconformity itself (10.2 a).",
        ("nonconformity", None, "root_cause") => "Its cause, as evaluated (10.2 b).",
        ("nonconformity", None, "status") => "Where it stands: open or closed.",
        ("nonconformity", None, "verified") => "Who verified the effectiveness of the corrective action, and when (10.2 d).",
        ("nonconformity", None, "effectiveness") => "What the verification found.",
        (_, Some("action"), "due") => "When the action is due (overdue actions are reported).",
        (_, Some("action"), "done") => "When it was done.",
        ("review", None, "held") => "When the management review was held (clause 9.3).",
        ("review", None, "chair") => "Who chaired it (top management).",
        ("review", None, "attendees") => "Who attended.",
        ("review", None, "decisions") => "Its decisions (9.3.3).",
        ("review", None, "minutes") => "The minutes: a string, a text block or `file(\"…\")`.",
        ("review", Some(_), _) => "What the review considered on this input of clause 9.3.2.",
        ("role", _, "holders") => "The people and teams who hold the role.",
        ("role", _, "requires") => "The competences the role requires (clause 7.2).",
        ("policy", _, "approved") => "Who approved the document, and when.",
        ("policy", _, "review") => "The review interval, counted from the approval (W0601 when overdue).",
        ("policy", _, "covers") => "The requirements the document covers.",
        ("policy", _, "text") => "The document's text: a string, a text block or `file(\"…\")`.",
        ("obligation", _, "kind") => "Legal, regulatory or contractual: the kind of reason it gives for inclusion.",
        ("obligation", _, "controls") => "The controls it calls for; their Annex A controls get it as a reason for inclusion.",
        ("obligation", _, "reference") => "Where it comes from: an article, a contract clause, a URL.",
        ("objective", _, "measure") => "How achievement is measured (clause 6.2).",
        ("objective", _, "target") => "The target value.",
        ("objective", _, "due") => "When it is to be achieved.",
        ("objective", _, "controls") => "The controls that serve the objective.",
        ("context", _, "issues") => "Issues relevant to the ISMS (clause 4.1).",
        ("context", _, "internal") => "Internal issues (clause 4.1).",
        ("context", _, "external") => "External issues (clause 4.1).",
        ("context", _, "climate_change") => "Whether climate change is a relevant issue (Amd 1:2024; W0702 without it).",
        _ => "",
    }
}

/// Nested blocks of a risk.
const RISK_BLOCKS: &[&str] = &["residual", "current"];
/// Nested blocks of a control.
const CONTROL_BLOCKS: &[&str] = &["evidence", "result"];
/// Nested blocks of a person: evidence of competence.
const PERSON_BLOCKS: &[&str] = &["evidence"];
/// Nested blocks of an objective: its measurement results.
const OBJECTIVE_BLOCKS: &[&str] = &["result"];
/// Nested blocks of a nonconformity: its corrective actions.
const NONCONFORMITY_BLOCKS: &[&str] = &["action"];
/// Nested blocks of a management review: the inputs of 9.3.2 and the actions decided.
const REVIEW_BLOCKS: &[&str] = &["inputs", "action"];
/// Nested blocks of the risk method.
const RISK_METHOD_BLOCKS: &[&str] = &["matrix"];

const fn f(name: &'static str, ty: Ty) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: false,
    }
}

const fn req(name: &'static str, ty: Ty) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: true,
    }
}

const PERSON: KindSet = KindSet::of(&[Kind::Person]);
const TEAM: KindSet = KindSet::of(&[Kind::Team]);
const ASSET: KindSet = KindSet::of(&[Kind::Asset]);
const CONTROL: KindSet = KindSet::of(&[Kind::Control]);
const POLICY: KindSet = KindSet::of(&[Kind::Policy]);
const SCOPE_MEMBER: KindSet = KindSet::of(&[Kind::Team, Kind::Party, Kind::Asset]);
const COMPETENCE: KindSet = KindSet::of(&[Kind::Competence]);
/// What an audit covers besides clauses and requirements.
const AUDITED: KindSet = KindSet::of(&[Kind::Control, Kind::Policy]);
/// What a nonconformity may be against besides clauses and requirements.
const AGAINST: KindSet = KindSet::of(&[Kind::Control, Kind::Policy, Kind::Objective]);

/// Asset types.
const FORMS: &[&str] = &["available", "retain", "produce", "determined"];

const ISMS_FIELDS: &[FieldSpec] = &[
    req("organization", Ty::Str),
    req("standard", Ty::Framework),
    f("frameworks", Ty::Frameworks),
    req("owner", Ty::Ref(OWNER)),
    f("effective", Ty::Date),
    f("version", Ty::Str),
    f("description", Ty::Str),
];
const PERSON_FIELDS: &[FieldSpec] = &[f("role", Ty::Str), f("email", Ty::Str)];
const TEAM_FIELDS: &[FieldSpec] = &[
    f("lead", Ty::Ref(PERSON)),
    f("members", Ty::Refs(PERSON)),
    f("parent", Ty::Ref(TEAM)),
];
const PARTY_FIELDS: &[FieldSpec] = &[f("needs", Ty::Strs), f("description", Ty::Str)];
const ASSET_FIELDS: &[FieldSpec] = &[
    req("type", Ty::Enum(AssetType::WORDS)),
    req("owner", Ty::Ref(OWNER)),
    f("classification", Ty::Level),
    f("description", Ty::Str),
    f("depends_on", Ty::Refs(ASSET)),
];
const SCOPE_FIELDS: &[FieldSpec] = &[
    f("description", Ty::Str),
    f("includes", Ty::Refs(SCOPE_MEMBER)),
    f("excludes", Ty::Pairs(SCOPE_MEMBER)),
    f("interfaces", Ty::Strs),
];
const CLASSIFICATION_FIELDS: &[FieldSpec] = &[req("levels", Ty::Words)];
const RISK_METHOD_FIELDS: &[FieldSpec] = &[
    req("likelihood", Ty::Scale),
    req("impact", Ty::Scale),
    req("accept_at_or_below", Ty::Int),
    f("description", Ty::Str),
];
const RISK_FIELDS: &[FieldSpec] = &[
    f("owner", Ty::Ref(OWNER)),
    f("assets", Ty::Refs(ASSET)),
    f("threat", Ty::Str),
    f("vulnerability", Ty::Str),
    f("description", Ty::Str),
    f("likelihood", Ty::Level),
    f("impact", Ty::Level),
    f("treatment", Ty::Enum(Treatment::WORDS)),
    f("controls", Ty::Refs(CONTROL)),
    f("requires", Ty::Reqs),
    f("accepted", Ty::SignOff),
    f("identified", Ty::Date),
];
const RESIDUAL_FIELDS: &[FieldSpec] = &[req("likelihood", Ty::Level), req("impact", Ty::Level)];
const CONTROL_FIELDS: &[FieldSpec] = &[
    f("satisfies", Ty::Reqs),
    req("owner", Ty::Ref(OWNER)),
    req("status", Ty::Enum(ControlStatus::WORDS)),
    f("due", Ty::Date),
    f("policy", Ty::Refs(POLICY)),
    f("description", Ty::Str),
    f("measure", Ty::Str),
    f("target", Ty::Str),
];
const RESULT_FIELDS: &[FieldSpec] = &[
    req("measured", Ty::Date),
    req("value", Ty::Str),
    req("met", Ty::Bool),
    f("by", Ty::Ref(OWNER)),
    f("description", Ty::Str),
];
const QUALIFICATION_FIELDS: &[FieldSpec] = &[
    f("kind", Ty::Enum(EvidenceKind::WORDS)),
    f("obtained", Ty::Date),
    f("expires", Ty::Date),
    f("at", Ty::Str),
    f("description", Ty::Str),
];
const AUDIT_FIELDS: &[FieldSpec] = &[
    f("planned", Ty::Date),
    f("performed", Ty::Date),
    req("lead", Ty::Ref(PERSON)),
    f("auditors", Ty::Refs(PERSON)),
    f("covers", Ty::Subjects(AUDITED)),
    f("criteria", Ty::Str),
    f("report", Ty::Text),
    f("description", Ty::Str),
];
const NONCONFORMITY_FIELDS: &[FieldSpec] = &[
    req("source", Ty::Source),
    req("raised", Ty::Date),
    req("severity", Ty::Enum(FindingSeverity::WORDS)),
    f("against", Ty::Subjects(AGAINST)),
    req("owner", Ty::Ref(OWNER)),
    f("description", Ty::Str),
    f("correction", Ty::Str),
    f("root_cause", Ty::Str),
    req("status", Ty::Enum(FindingStatus::WORDS)),
    f("verified", Ty::SignOff),
    f("effectiveness", Ty::Str),
];
const ACTION_FIELDS: &[FieldSpec] = &[
    req("owner", Ty::Ref(OWNER)),
    req("due", Ty::Date),
    f("done", Ty::Date),
    f("description", Ty::Str),
];
const REVIEW_FIELDS: &[FieldSpec] = &[
    req("held", Ty::Date),
    req("chair", Ty::Ref(PERSON)),
    f("attendees", Ty::Refs(PERSON)),
    f("decisions", Ty::Strs),
    f("minutes", Ty::Text),
    f("description", Ty::Str),
];
/// One field per input of [`REVIEW_INPUTS`], in its order.
const INPUT_FIELDS: &[FieldSpec] = &[
    f("previous_actions", Ty::Text),
    f("issues", Ty::Text),
    f("party_needs", Ty::Text),
    f("nonconformities", Ty::Text),
    f("monitoring", Ty::Text),
    f("audits", Ty::Text),
    f("objectives", Ty::Text),
    f("party_feedback", Ty::Text),
    f("risks", Ty::Text),
    f("improvement", Ty::Text),
];
const ROLE_FIELDS: &[FieldSpec] = &[
    f("holders", Ty::Refs(OWNER)),
    f("requires", Ty::Refs(COMPETENCE)),
    f("description", Ty::Str),
];
const COMPETENCE_FIELDS: &[FieldSpec] = &[f("description", Ty::Str)];
const EVIDENCE_FIELDS: &[FieldSpec] = &[
    f("at", Ty::Str),
    f("collected", Ty::Date),
    f("every", Ty::Duration),
    f("description", Ty::Str),
];
const POLICY_FIELDS: &[FieldSpec] = &[
    req("owner", Ty::Ref(OWNER)),
    f("approved", Ty::SignOff),
    f("version", Ty::Str),
    f("classification", Ty::Level),
    f("review", Ty::Duration),
    f("covers", Ty::Reqs),
    f("text", Ty::Text),
    f("parent", Ty::Ref(POLICY)),
    f("effective", Ty::Date),
];
const DOCUMENT_FIELDS: &[FieldSpec] = &[
    req("owner", Ty::Ref(OWNER)),
    f("approved", Ty::SignOffs),
    f("version", Ty::Str),
    f("classification", Ty::Level),
    f("review", Ty::Duration),
    f("effective", Ty::Date),
];
const OBLIGATION_FIELDS: &[FieldSpec] = &[
    req("kind", Ty::Enum(ObligationKind::WORDS)),
    f("controls", Ty::Refs(CONTROL)),
    f("description", Ty::Str),
    f("reference", Ty::Str),
];
const CONTEXT_FIELDS: &[FieldSpec] = &[
    f("issues", Ty::Strs),
    f("internal", Ty::Strs),
    f("external", Ty::Strs),
    f("climate_change", Ty::Str),
];
const OBJECTIVE_FIELDS: &[FieldSpec] = &[
    f("owner", Ty::Ref(OWNER)),
    f("measure", Ty::Str),
    f("target", Ty::Str),
    f("due", Ty::Date),
    f("controls", Ty::Refs(CONTROL)),
    f("status", Ty::Enum(ObjectiveStatus::WORDS)),
];
const DOCUMENTED_FIELDS: &[FieldSpec] = &[
    f("clause", Ty::Str),
    req("form", Ty::Enum(FORMS)),
    f("expressed_by", Ty::Words),
    f("recorded_by", Ty::Words),
];

/// Item keywords that are not named entities.
const BLOCK_KEYWORDS: &[&str] = &[
    "procedure",
    "standard",
    "guideline",
    "isms",
    "scope",
    "classification",
    "risk_method",
    "context",
    "applicability",
    "framework",
    "mapping",
    "clauses",
    "document",
];

/// A field value after type checking.
enum FV {
    Str(String),
    Strs(Vec<String>),
    Date(ast::Date),
    Duration(ast::Duration),
    Int(u32),
    Link(Link),
    Links(Vec<Link>),
    Reqs(Vec<ReqLink>),
    Framework(String, Span),
    Frameworks(Vec<(String, Span)>),
    Word(Word),
    SignOff(SignOff),
    SignOffs(Vec<SignOff>),
    Text(Text),
    Scale(Scale),
    Pairs(Vec<(Link, String)>),
    Words(Vec<Word>),
    Bool(bool),
    Subjects(Vec<Subject>),
    Source(Source),
}

/// The checked fields of one body.
struct Fields {
    values: Vec<(&'static str, FV)>,
}

macro_rules! take {
    ($fn:ident, $variant:ident, $t:ty) => {
        fn $fn(&mut self, name: &str) -> Option<$t> {
            match self.take(name)? {
                FV::$variant(v) => Some(v),
                _ => None,
            }
        }
    };
}

impl Fields {
    fn take(&mut self, name: &str) -> Option<FV> {
        let i = self.values.iter().position(|(n, _)| *n == name)?;
        Some(self.values.swap_remove(i).1)
    }
    take!(str, Str, String);
    take!(strs, Strs, Vec<String>);
    take!(date, Date, ast::Date);
    take!(duration, Duration, ast::Duration);
    take!(int, Int, u32);
    take!(link, Link, Link);
    take!(links, Links, Vec<Link>);
    take!(reqs, Reqs, Vec<ReqLink>);
    take!(word, Word, Word);
    take!(sign_off, SignOff, SignOff);
    take!(sign_offs, SignOffs, Vec<SignOff>);
    take!(text, Text, Text);
    take!(scale, Scale, Scale);
    take!(pairs, Pairs, Vec<(Link, String)>);
    take!(words, Words, Vec<Word>);
    take!(boolean, Bool, bool);
    take!(subjects, Subjects, Vec<Subject>);
    take!(source, Source, Source);
    fn frameworks(&mut self, name: &str) -> Option<Vec<(String, Span)>> {
        match self.take(name)? {
            FV::Frameworks(v) => Some(v),
            _ => None,
        }
    }
    fn framework(&mut self, name: &str) -> Option<(String, Span)> {
        match self.take(name)? {
            FV::Framework(k, s) => Some((k, s)),
            _ => None,
        }
    }
}

/// Lowers all parsed files into a model (unresolved). Files must come in load order.
pub fn lower(
    sources: &SourceMap,
    files: &[std::sync::Arc<ast::File>],
    aux: &AuxFiles,
    diags: &mut Diagnostics,
) -> Model {
    let mut cx = Lower {
        sources,
        aux,
        diags,
        model: Model::default(),
        singletons: HashMap::new(),
        classification_seen: false,
    };
    for file in files {
        for item in &file.items {
            cx.item(item);
        }
    }
    cx.model
}

/// [`lower`], consuming the trees: each item is freed once it is lowered, so the trees and the
/// model never take their full size together (the batch commands' path).
pub fn lower_owned(
    sources: &SourceMap,
    files: Vec<std::sync::Arc<ast::File>>,
    aux: &AuxFiles,
    diags: &mut Diagnostics,
) -> Model {
    let mut cx = Lower {
        sources,
        aux,
        diags,
        model: Model::default(),
        singletons: HashMap::new(),
        classification_seen: false,
    };
    for file in files {
        match std::sync::Arc::try_unwrap(file) {
            Ok(file) => {
                for item in file.items {
                    cx.item(&item);
                }
            }
            Err(shared) => {
                for item in &shared.items {
                    cx.item(item);
                }
            }
        }
    }
    cx.model
}

struct Lower<'a> {
    sources: &'a SourceMap,
    aux: &'a AuxFiles,
    diags: &'a mut Diagnostics,
    model: Model,
    singletons: HashMap<&'static str, Span>,
    classification_seen: bool,
}

impl Lower<'_> {
    fn item(&mut self, item: &Item) {
        let kw = item.keyword.text.as_str();
        if self.dispatch(kw, item) {
            return;
        }
        let mut known: Vec<&str> = Kind::ALL.iter().map(|k| k.keyword()).collect();
        known.extend_from_slice(BLOCK_KEYWORDS);
        let mut d = Diagnostic::new(
            Code::E0107,
            item.keyword.span,
            format!("unknown item `{kw}`"),
        )
        .primary_label("not an item keyword");
        let suggestion = did_you_mean(kw, known.iter().copied());
        d = match suggestion {
            Some(s) => d.help(format!("did you mean `{s}`?")).note(format!(
                "read as `{s}` until it is fixed, so that its id and fields still count"
            )),
            None => d.help(format!("items are {}", known.join(", "))),
        };
        self.diags.push(d);
        // Read it as what it most likely is, so that references to it do not fail too.
        if let Some(s) = suggestion {
            let before = self.model.entities.len();
            self.dispatch(s, item);
            for e in self.model.entities.iter_mut().skip(before) {
                e.recovered = true;
            }
        }
    }

    /// Lowers `item` as the item `kw`; `false` for an unknown keyword.
    fn dispatch(&mut self, kw: &str, item: &Item) -> bool {
        if let Some(kind) = Kind::from_keyword(kw) {
            self.entity(kind, item);
            return true;
        }
        if WrittenKind::parse(kw).is_some() {
            // `procedure`, `standard`, `guideline`: policies in all but their keyword.
            self.entity(Kind::Policy, item);
            return true;
        }
        match kw {
            "isms" => self.isms(item),
            "scope" => self.scope(item),
            "classification" => self.classification(item),
            "risk_method" => self.risk_method(item),
            "context" => self.context(item),
            "applicability" => self.applicability(item),
            "framework" => self.framework(item),
            "mapping" => self.mapping(item),
            "clauses" => self.clauses(item),
            "document" => self.document(item),
            _ => return false,
        }
        true
    }

    // ----- headers -------------------------------------------------------------------------

    /// Checks that an item has no id and no title; returns false if it has an id.
    fn header_bare(&mut self, item: &Item, title_ok: bool) {
        let kw = &item.keyword.text;
        if let Some(name) = &item.name {
            self.diags.push(
                Diagnostic::new(Code::E0108, name.span(), format!("`{kw}` takes no id"))
                    .primary_label("unexpected id")
                    .help(format!(
                        "write `{kw} {{ … }}`{}",
                        if title_ok {
                            " or `… \"Title\" { … }`"
                        } else {
                            ""
                        }
                    )),
            );
        }
        if !title_ok {
            if let Some(t) = &item.title {
                self.diags.push(
                    Diagnostic::new(Code::E0108, t.span, format!("`{kw}` takes no title"))
                        .primary_label("unexpected title")
                        .help(format!("write `{kw} {{ … }}`")),
                );
            }
        }
    }

    /// A singleton block: reports the second one.
    fn singleton(&mut self, item: &Item, name: &'static str) -> bool {
        if let Some(first) = self.singletons.get(name) {
            self.diags.push(
                Diagnostic::new(
                    Code::E0106,
                    item.keyword.span,
                    format!("`{name}` is declared more than once"),
                )
                .primary_label("second declaration")
                .label(*first, "first declared here")
                .help(format!("a project has one `{name}` block: merge the two")),
            );
            return false;
        }
        self.singletons.insert(name, item.keyword.span);
        true
    }

    // ----- the field reader ----------------------------------------------------------------

    /// Checks a body against its field table. `blocks` lists the nested block keywords the
    /// body accepts; those are returned for the caller to lower.
    fn read_fields<'i>(
        &mut self,
        item: &'i Item,
        specs: &'static [FieldSpec],
        blocks: &[&str],
    ) -> (Fields, Vec<&'i Item>) {
        let mut fields = Fields { values: Vec::new() };
        // The few fields of one item: a list is faster than a map.
        let mut seen: Vec<(&str, Span)> = Vec::new();
        let mut nested = Vec::new();
        let what = || describe_item(item);
        for entry in &item.body.entries {
            // A statement whose subject is a field name is that field with its `=` missing
            // (`owner ciso`): reported as such and read as the field, so nothing follows from it.
            let repaired;
            let field = match entry {
                Entry::Error(e) => {
                    self.shadow(e);
                    continue;
                }
                Entry::Field(field) => field,
                Entry::Statement(s)
                    if s.framework.is_none() && specs.iter().any(|f| f.name == s.subject.text) =>
                {
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0001,
                            Span {
                                start: s.subject.span.end,
                                ..s.subject.span
                            },
                            format!("expected `=` after the field name `{}`", s.subject.text),
                        )
                        .primary_label("expected `=` here")
                        .help(format!("fields are written `{} = value`", s.subject.text)),
                    );
                    let value = match &s.arg {
                        None => Value {
                            kind: ValueKind::Ref(s.verb.clone()),
                            span: s.verb.span,
                        },
                        Some(_) => Value {
                            kind: ValueKind::Invalid,
                            span: s.verb.span,
                        },
                    };
                    repaired = ast::Field {
                        name: s.subject.clone(),
                        value,
                        span: s.span,
                        trivia: ast::Trivia::default(),
                    };
                    &repaired
                }
                Entry::Statement(s) => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0208,
                            s.span,
                            format!("{} does not take statements such as `{} {}`", what(), s.subject.text, s.verb.text),
                        )
                        .primary_label("statement here")
                        .help("fields are written `name = value`; decisions such as `A.7.12 excluded \"…\"` go in an `applicability` block"),
                    );
                    continue;
                }
                Entry::Block(b) => {
                    if blocks.contains(&b.keyword.text.as_str()) {
                        nested.push(&**b);
                    } else {
                        self.unknown_field(&b.keyword, None, &what(), specs, blocks);
                    }
                    continue;
                }
            };
            let name = field.name.text.as_str();
            let Some(spec) = specs.iter().find(|s| s.name == name) else {
                self.unknown_field(&field.name, Some(&field.value), &what(), specs, blocks);
                continue;
            };
            if let Some(&(_, first)) = seen.iter().find(|(n, _)| *n == spec.name) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0205,
                        field.name.span,
                        format!("field `{name}` is given twice in {}", what()),
                    )
                    .primary_label("given again here")
                    .label(first, "first given here")
                    .help("remove one of them; a list field takes all its values in one list"),
                );
                continue;
            }
            seen.push((spec.name, field.name.span));
            if let Some(v) = self.value(&field.value, spec) {
                fields.values.push((spec.name, v));
            }
        }
        // A broken item may have lost the field in what could not be read: only a whole item
        // is judged for what it lacks.
        if !item.recovered {
            for spec in specs.iter().filter(|s| s.required) {
                if !seen.iter().any(|(n, _)| *n == spec.name) {
                    let at = item
                        .name
                        .as_ref()
                        .map(|n| n.span())
                        .unwrap_or(item.keyword.span);
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0202,
                            at,
                            format!("{} has no `{}`", what(), spec.name),
                        )
                        .primary_label(format!("`{}` is required", spec.name))
                        .help(format!(
                            "add `{} = …` with {}",
                            spec.name,
                            spec.ty.describe()
                        )),
                    );
                }
            }
        }
        (fields, nested)
    }

    /// Records the requirement ids written where they could not be read (a broken entry, an
    /// unknown field), so that what they would have decided is not reported as undecided.
    fn shadow(&mut self, e: &ErrorEntry) {
        for n in &e.names {
            self.shadow_name(n);
        }
    }

    fn shadow_name(&mut self, n: &ast::Name) {
        let (framework, id) = match n.text.split_once('/') {
            Some((f, id)) if f.contains(':') => (Some(f.to_string()), id.to_string()),
            _ => (None, n.text.to_string()),
        };
        self.model.shadowed.push(ReqLink {
            framework,
            id,
            span: n.span,
            target: None,
        });
    }

    /// The requirement-like references of a value (in a field that could not be read).
    fn shadow_value(&mut self, v: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let mut one = |this: &mut Self, v: &Value| match &v.kind {
            ValueKind::Ref(n) => {
                this.shadow_name(n);
                out.push(n.text.to_string());
            }
            ValueKind::Qualified(q) => {
                let (framework, id) = (&q.framework, &q.id);
                this.model.shadowed.push(ReqLink {
                    framework: Some(framework.key.clone()),
                    id: id.text.to_string(),
                    span: v.span,
                    target: None,
                });
                out.push(format!("{}/{}", framework.key, id.text));
            }
            _ => {}
        };
        match &v.kind {
            ValueKind::List(items) => {
                for i in items {
                    one(self, i);
                }
            }
            _ => one(self, v),
        }
        out
    }

    fn unknown_field(
        &mut self,
        name: &ast::Name,
        value: Option<&Value>,
        what: &str,
        specs: &[FieldSpec],
        blocks: &[&str],
    ) {
        let mut known: Vec<&str> = specs.iter().map(|s| s.name).collect();
        known.extend_from_slice(blocks);
        let mut d = Diagnostic::new(
            Code::E0201,
            name.span,
            format!("{what} has no field `{}`", name.text),
        )
        .primary_label("unknown field");
        let suggestion = did_you_mean(&name.text, known.iter().copied());
        d = match suggestion {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None if known.is_empty() => d.help("this block takes no fields"),
            None => d.help(format!(
                "the fields are {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        // What the field names is not lost: a requirement it would have decided is not
        // reported as undecided.
        if let Some(v) = value {
            let named = self.shadow_value(v);
            let decides = suggestion
                .and_then(|s| specs.iter().find(|f| f.name == s))
                .is_some_and(|f| matches!(f.ty, Ty::Reqs));
            if decides && !named.is_empty() {
                d = d.note(format!(
                    "as `{}`, it would decide {}; they are not reported as undecided until it is fixed",
                    suggestion.unwrap_or_default(),
                    named
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        self.diags.push(d);
    }

    fn wrong_type(&mut self, v: &Value, expected: &str) {
        if v.kind == ValueKind::Invalid {
            return;
        }
        self.diags.push(
            Diagnostic::new(
                Code::E0203,
                v.span,
                format!("expected {expected}, found {}", v.kind.describe()),
            )
            .primary_label(format!("expected {expected}"))
            .help(format!("write {expected} here")),
        );
    }

    fn value(&mut self, v: &Value, spec: &FieldSpec) -> Option<FV> {
        let as_list = |v: &Value| -> Vec<Value> {
            match &v.kind {
                ValueKind::List(items) => items.clone(),
                _ => vec![v.clone()],
            }
        };
        let out = match (spec.ty, &v.kind) {
            (_, ValueKind::Invalid) => return None,
            (Ty::Str, ValueKind::Str(s)) => FV::Str(s.value.clone()),
            (Ty::Strs, _) => {
                let mut out = Vec::new();
                for e in as_list(v) {
                    match &e.kind {
                        ValueKind::Str(s) => out.push(s.value.clone()),
                        _ => self.wrong_type(&e, "a string"),
                    }
                }
                FV::Strs(out)
            }
            (Ty::Date, ValueKind::Date(d)) => FV::Date(*d),
            (Ty::Duration, ValueKind::Duration(d)) => FV::Duration(*d),
            (Ty::Int, ValueKind::Int(n)) => FV::Int(*n),
            (Ty::Ref(k), ValueKind::Ref(n)) => FV::Link(link(n, k)),
            (Ty::Refs(k), _) => {
                let mut out = Vec::new();
                for e in as_list(v) {
                    match &e.kind {
                        ValueKind::Ref(n) => out.push(link(n, k)),
                        _ => self.wrong_type(&e, &format!("{} id", k.describe())),
                    }
                }
                FV::Links(out)
            }
            (Ty::Reqs, _) => {
                let mut out = Vec::new();
                for e in as_list(v) {
                    match &e.kind {
                        ValueKind::Ref(n) => out.push(ReqLink {
                            framework: None,
                            id: n.text.to_string(),
                            span: n.span,
                            target: None,
                        }),
                        ValueKind::Qualified(q) => out.push(ReqLink {
                            framework: Some(q.framework.key.clone()),
                            id: q.id.text.to_string(),
                            span: e.span,
                            target: None,
                        }),
                        _ => self.wrong_type(&e, "a requirement id such as `A.5.15`"),
                    }
                }
                FV::Reqs(out)
            }
            (Ty::Framework, ValueKind::Framework(fw)) => FV::Framework(fw.key.clone(), fw.span),
            (Ty::Frameworks, _) => {
                let mut out = Vec::new();
                for e in as_list(v) {
                    match &e.kind {
                        ValueKind::Framework(fw) => out.push((fw.key.clone(), fw.span)),
                        _ => self.wrong_type(&e, "a framework such as `nist-csf:2.0`"),
                    }
                }
                FV::Frameworks(out)
            }
            (Ty::Enum(words), ValueKind::Ref(n)) => {
                if !words.contains(&n.text.as_str()) {
                    let expected = spec.ty.describe();
                    let mut d = Diagnostic::new(
                        Code::E0204,
                        n.span,
                        format!("`{}` is not a valid `{}`", n.text, spec.name),
                    )
                    .primary_label(format!("expected {expected}"));
                    d = match did_you_mean(&n.text, words.iter().copied()) {
                        Some(s) => {
                            d.help(format!("did you mean `{s}`? `{}` is {expected}", spec.name))
                        }
                        None => d.help(format!("`{}` is {expected}", spec.name)),
                    };
                    self.diags.push(d);
                    return None;
                }
                FV::Word(word(n))
            }
            (Ty::Level, ValueKind::Ref(n)) => FV::Word(word(n)),
            (Ty::SignOff, ValueKind::SignOff(s)) => FV::SignOff(SignOff {
                who: link(&s.who, PERSON),
                date: s.date,
                until: s.until,
                span: v.span,
            }),
            (Ty::SignOffs, _) => {
                let mut out = Vec::new();
                for e in as_list(v) {
                    match &e.kind {
                        ValueKind::SignOff(s) => out.push(SignOff {
                            who: link(&s.who, PERSON),
                            date: s.date,
                            until: s.until,
                            span: e.span,
                        }),
                        _ => self.wrong_type(&e, "a sign-off such as `ceo @ 2026-02-01`"),
                    }
                }
                FV::SignOffs(out)
            }
            (Ty::Text, ValueKind::Str(s)) => FV::Text(Text {
                content: s.value.clone(),
                path: None,
                span: v.span,
            }),
            (Ty::Text, ValueKind::File(path)) => FV::Text(self.file_text(path, v.span)?),
            (Ty::Scale, ValueKind::Scale(body)) => FV::Scale(self.scale(body)),
            (Ty::Pairs(k), _) => {
                let mut out = Vec::new();
                for e in as_list(v) {
                    match &e.kind {
                        ValueKind::Pair(pair) => {
                            out.push((link(&pair.key, k), pair.value.value.clone()))
                        }
                        _ => self.wrong_type(&e, "an `id: \"reason\"` pair"),
                    }
                }
                FV::Pairs(out)
            }
            (Ty::Words, _) => {
                let mut out = Vec::new();
                for e in as_list(v) {
                    match &e.kind {
                        ValueKind::Ref(n) => out.push(word(n)),
                        _ => self.wrong_type(&e, "a name"),
                    }
                }
                FV::Words(out)
            }
            (Ty::Bool, ValueKind::Bool(b)) => FV::Bool(*b),
            (Ty::Subjects(k), _) => {
                let mut out = Vec::new();
                for e in as_list(v) {
                    match &e.kind {
                        ValueKind::Int(n) => out.push(Subject::Clause(ClauseLink {
                            id: n.to_string(),
                            span: e.span,
                            target: None,
                        })),
                        ValueKind::Str(s) if !s.block => out.push(Subject::Clause(ClauseLink {
                            id: s.value.trim().to_string(),
                            span: e.span,
                            target: None,
                        })),
                        // Ids of items never hold a `.`; requirement ids of the standard do.
                        ValueKind::Ref(n) if n.text.contains('.') => {
                            out.push(Subject::Requirement(ReqLink {
                                framework: None,
                                id: n.text.to_string(),
                                span: n.span,
                                target: None,
                            }))
                        }
                        ValueKind::Ref(n) => out.push(Subject::Entity(link(n, k))),
                        ValueKind::Qualified(q) => out.push(Subject::Requirement(ReqLink {
                            framework: Some(q.framework.key.clone()),
                            id: q.id.text.to_string(),
                            span: e.span,
                            target: None,
                        })),
                        _ => self.wrong_type(
                            &e,
                            &format!(
                                "a clause (`8`, `\"9.2\"`), a requirement (`A.5.17`) or {} id",
                                k.describe()
                            ),
                        ),
                    }
                }
                FV::Subjects(out)
            }
            (Ty::Source, ValueKind::Ref(n)) => match SourceKind::parse(&n.text) {
                Some(kind) => FV::Source(Source::Kind(Spanned {
                    value: kind,
                    span: n.span,
                })),
                None => FV::Source(Source::Record(link(n, SOURCE_RECORD))),
            },
            _ => {
                self.wrong_type(v, &spec.ty.describe());
                return None;
            }
        };
        Some(out)
    }

    fn scale(&mut self, body: &ast::Body) -> Scale {
        let mut scale = Scale::default();
        let mut seen: HashMap<String, Span> = HashMap::new();
        for entry in &body.entries {
            if let Entry::Error(e) = entry {
                self.shadow(e);
                continue;
            }
            let Entry::Field(field) = entry else {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0208,
                        entry.span(),
                        "a scale holds only `level = number` entries",
                    )
                    .primary_label("not a level")
                    .help("write levels as `rare = 1, likely = 4`"),
                );
                continue;
            };
            if let Some(first) = seen.get(field.name.text.as_str()) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0205,
                        field.name.span,
                        format!("level `{}` is given twice in the scale", field.name.text),
                    )
                    .primary_label("given again here")
                    .label(*first, "first given here")
                    .help("each level of a scale has one name"),
                );
                continue;
            }
            seen.insert(field.name.text.to_string(), field.name.span);
            match field.value.kind {
                ValueKind::Int(n) => scale.levels.push((word(&field.name), n)),
                _ => self.wrong_type(&field.value, "an integer"),
            }
        }
        scale
    }

    fn file_text(&mut self, path: &ast::Str, span: Span) -> Option<Text> {
        let from = self.sources.name(span.file);
        let rel = match normalize(from, &path.value) {
            Ok(p) if !self.aux.outside.contains(&p) => p,
            result => {
                let (message, label) = match result {
                    Err(PathError::Absolute) => (
                        format!("`{}` is an absolute path", path.value),
                        "outside the project",
                    ),
                    Err(PathError::Empty) => {
                        ("`file(...)` has an empty path".to_string(), "no file named")
                    }
                    _ => (
                        format!("`{}` leads outside the project", path.value),
                        "outside the project",
                    ),
                };
                self.diags.push(
                    Diagnostic::new(Code::E0207, path.span, message)
                    .primary_label(label)
                    .help("`file(...)` reads only files inside the project folder, relative to the file that names them; nothing outside was read"),
                );
                return None;
            }
        };
        if let Some(failure) = self.aux.failed.get(&rel) {
            let d = match failure {
                AuxError::Unreadable(why) => Diagnostic::new(
                    Code::E0011,
                    path.span,
                    format!("file `{rel}` cannot be read: {why}"),
                )
                .primary_label("unreadable")
                .help("`file(...)` reads regular UTF-8 text files inside the project, such as markdown"),
                AuxError::TooLarge { limit } => Diagnostic::new(
                    Code::E0013,
                    path.span,
                    format!("file `{rel}` is larger than the limit of {}", crate::manifest::size(*limit)),
                )
                .primary_label("too large")
                .help("set a higher limit with `[limits] file = \"…\"` in `isms.toml` (at most 1 GiB), or split the text"),
                AuxError::NotUtf8 { line, column } => Diagnostic::new(
                    Code::E0012,
                    path.span,
                    format!("file `{rel}` is not UTF-8 text (the first invalid byte is at line {line}, column {column})"),
                )
                .primary_label("not UTF-8")
                .help("save the file as UTF-8; `file(...)` reads text such as markdown, not documents such as PDF or Word files"),
            };
            self.diags.push(d);
            return None;
        }
        let Some(id) = self.aux.loaded.get(&rel).copied() else {
            self.diags.push(
                Diagnostic::new(
                    Code::E0206,
                    path.span,
                    format!("file `{rel}` does not exist"),
                )
                .primary_label("no such file")
                .help("the path is relative to the file that names it; check the spelling or create the file"),
            );
            return None;
        };
        Some(Text {
            content: self
                .sources
                .get(id)
                .map(|f| f.text.to_string())
                .unwrap_or_default(),
            path: Some(rel),
            span,
        })
    }

    // ----- named entities ------------------------------------------------------------------

    fn entity(&mut self, kind: Kind, item: &Item) {
        let errors_before = self.diags.len();
        let Some(HeadName::Id(id)) = &item.name else {
            let span = item
                .name
                .as_ref()
                .map(|n| n.span())
                .unwrap_or(item.keyword.span);
            self.diags.push(
                Diagnostic::new(
                    Code::E0108,
                    span,
                    match WrittenKind::parse(&item.keyword.text) {
                        // "a procedure", "a standard", "a guideline".
                        Some(w) if kind == Kind::Policy => format!("a {} needs an id", w.as_str()),
                        _ => format!("{} needs an id", kind.with_article()),
                    },
                )
                .primary_label("expected an id after the keyword")
                .help(format!(
                    "write `{} my-id \"Title\" {{ … }}`; ids start with a letter and go on with letters, digits, `-` and `_`",
                    match WrittenKind::parse(&item.keyword.text) {
                        Some(w) if kind == Kind::Policy => w.as_str(),
                        _ => kind.keyword(),
                    }
                )),
            );
            return;
        };
        if !id.text.starts_with(|c: char| c.is_ascii_alphabetic()) || id.text.contains('.') {
            self.diags.push(
                Diagnostic::new(
                    Code::E0108,
                    id.span,
                    format!("`{}` is not a valid id", id.text),
                )
                .primary_label("invalid id")
                .help("ids start with a letter and go on with letters, digits, `-` and `_`"),
            );
            return;
        }
        let data = match kind {
            Kind::Person => {
                let (mut fl, blocks) = self.read_fields(item, PERSON_FIELDS, PERSON_BLOCKS);
                let evidence = blocks
                    .into_iter()
                    .filter_map(|b| self.qualification(b))
                    .collect();
                Data::Person(Person {
                    role: fl.str("role"),
                    email: fl.str("email"),
                    evidence,
                })
            }
            Kind::Team => {
                let (mut fl, _) = self.read_fields(item, TEAM_FIELDS, &[]);
                Data::Team(Team {
                    lead: fl.link("lead"),
                    members: fl.links("members").unwrap_or_default(),
                    parent: fl.link("parent"),
                })
            }
            Kind::Party => {
                let (mut fl, _) = self.read_fields(item, PARTY_FIELDS, &[]);
                Data::Party(Party {
                    needs: fl.strs("needs").unwrap_or_default(),
                    description: fl.str("description"),
                })
            }
            Kind::Asset => {
                let (mut fl, _) = self.read_fields(item, ASSET_FIELDS, &[]);
                Data::Asset(Asset {
                    asset_type: fl.word("type").and_then(vocab(AssetType::parse)),
                    owner: fl.link("owner"),
                    classification: fl.word("classification"),
                    description: fl.str("description"),
                    depends_on: fl.links("depends_on").unwrap_or_default(),
                })
            }
            Kind::Risk => Data::Risk(Box::new(self.risk(item))),
            Kind::Control => Data::Control(Box::new(self.control(item))),
            Kind::Policy => {
                let (mut fl, _) = self.read_fields(item, POLICY_FIELDS, &[]);
                Data::Policy(Box::new(Policy {
                    written: WrittenKind::parse(&item.keyword.text).unwrap_or_default(),
                    owner: fl.link("owner"),
                    approved: fl.sign_off("approved"),
                    version: fl.str("version"),
                    classification: fl.word("classification"),
                    review: fl.duration("review"),
                    covers: fl.reqs("covers").unwrap_or_default(),
                    text: fl.text("text"),
                    parent: fl.link("parent"),
                    effective: fl.date("effective"),
                }))
            }
            Kind::Obligation => {
                let (mut fl, _) = self.read_fields(item, OBLIGATION_FIELDS, &[]);
                Data::Obligation(Obligation {
                    kind: fl.word("kind").and_then(vocab(ObligationKind::parse)),
                    controls: fl.links("controls").unwrap_or_default(),
                    description: fl.str("description"),
                    reference: fl.str("reference"),
                })
            }
            Kind::Objective => {
                let (mut fl, blocks) = self.read_fields(item, OBJECTIVE_FIELDS, OBJECTIVE_BLOCKS);
                let results = blocks.into_iter().map(|b| self.result(b)).collect();
                Data::Objective(Objective {
                    owner: fl.link("owner"),
                    measure: fl.str("measure"),
                    target: fl.str("target"),
                    due: fl.date("due"),
                    controls: fl.links("controls").unwrap_or_default(),
                    status: fl.word("status").and_then(vocab(ObjectiveStatus::parse)),
                    results,
                })
            }
            Kind::Audit => Data::Audit(Box::new(self.audit(item))),
            Kind::Nonconformity => Data::Nonconformity(Box::new(self.nonconformity(item))),
            Kind::Review => Data::Review(Box::new(self.review(item))),
            Kind::Role => {
                let (mut fl, _) = self.read_fields(item, ROLE_FIELDS, &[]);
                Data::Role(Role {
                    holders: fl.links("holders").unwrap_or_default(),
                    requires: fl.links("requires").unwrap_or_default(),
                    description: fl.str("description"),
                })
            }
            Kind::Competence => {
                let (mut fl, _) = self.read_fields(item, COMPETENCE_FIELDS, &[]);
                Data::Competence(Competence {
                    description: fl.str("description"),
                })
            }
        };
        if let Some(&first) = self.model.index.get(id.text.as_str()) {
            let prev = &self.model.entities[first.0 as usize];
            self.diags.push(
                Diagnostic::new(
                    Code::E0101,
                    id.span,
                    format!("`{}` is defined more than once", id.text),
                )
                .primary_label(format!("{} `{}` defined again here", kind.keyword(), id.text))
                .label(prev.id_span, format!("first defined here as {}", prev.kind.with_article()))
                .help("ids are unique across the whole project, whatever their kind; rename one of them"),
            );
            return;
        }
        let eid = EntityId(self.model.entities.len() as u32);
        self.model.index.insert(id.text.to_string(), eid);
        self.model.entities.push(Entity {
            kind,
            id: id.text.to_string(),
            title: item.title.as_ref().map(|t| t.value.clone()),
            id_span: id.span,
            span: item.span,
            data,
            recovered: item.recovered
                || self.diags.len() > errors_before
                || has_invalid(&item.body),
        });
    }

    fn risk(&mut self, item: &Item) -> Risk {
        let (mut fl, blocks) = self.read_fields(item, RISK_FIELDS, RISK_BLOCKS);
        let mut residual = None;
        let mut current = None;
        for b in blocks {
            self.header_bare(b, false);
            let (mut rf, _) = self.read_fields(b, RESIDUAL_FIELDS, &[]);
            let rating = Rating {
                likelihood: rf.word("likelihood"),
                impact: rf.word("impact"),
                span: b.span,
            };
            let kw = b.keyword.text.as_str();
            let slot = if kw == "current" {
                &mut current
            } else {
                &mut residual
            };
            if slot.is_some() {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0205,
                        b.keyword.span,
                        format!("`{kw}` is given twice in the risk"),
                    )
                    .primary_label("given again here")
                    .help(format!("a risk has one `{kw}` rating")),
                );
            } else {
                *slot = Some(rating);
            }
        }
        Risk {
            owner: fl.link("owner"),
            assets: fl.links("assets").unwrap_or_default(),
            threat: fl.str("threat"),
            vulnerability: fl.str("vulnerability"),
            description: fl.str("description"),
            inherent: Rating {
                likelihood: fl.word("likelihood"),
                impact: fl.word("impact"),
                span: item
                    .name
                    .as_ref()
                    .map(|n| n.span())
                    .unwrap_or(item.keyword.span),
            },
            treatment: fl.word("treatment").and_then(vocab(Treatment::parse)),
            controls: fl.links("controls").unwrap_or_default(),
            requires: fl.reqs("requires").unwrap_or_default(),
            residual,
            current,
            accepted: fl.sign_off("accepted"),
            identified: fl.date("identified"),
        }
    }

    fn control(&mut self, item: &Item) -> Control {
        let (mut fl, blocks) = self.read_fields(item, CONTROL_FIELDS, CONTROL_BLOCKS);
        let mut evidence = Vec::new();
        let mut results = Vec::new();
        for b in blocks {
            if b.keyword.text == "result" {
                results.push(self.result(b));
                continue;
            }
            if let Some(n) = &b.name {
                self.diags.push(
                    Diagnostic::new(Code::E0108, n.span(), "`evidence` takes a title, not an id")
                        .primary_label("unexpected id")
                        .help(
                            "write `evidence \"What it is\" { at = \"…\" collected = 2026-01-01 }`",
                        ),
                );
            }
            let Some(title) = &b.title else {
                self.diags.push(
                    Diagnostic::new(Code::E0108, b.keyword.span, "`evidence` needs a title")
                        .primary_label("expected a title string")
                        .help("write `evidence \"What it is\" { … }`"),
                );
                continue;
            };
            let (mut ef, _) = self.read_fields(b, EVIDENCE_FIELDS, &[]);
            evidence.push(Evidence {
                title: title.value.clone(),
                at: ef.str("at"),
                collected: ef.date("collected"),
                every: ef.duration("every"),
                description: ef.str("description"),
                span: b.span,
            });
        }
        Control {
            satisfies: fl.reqs("satisfies").unwrap_or_default(),
            owner: fl.link("owner"),
            status: fl.word("status").and_then(vocab(ControlStatus::parse)),
            due: fl.date("due"),
            policies: fl.links("policy").unwrap_or_default(),
            description: fl.str("description"),
            evidence,
            measure: fl.str("measure"),
            target: fl.str("target"),
            results,
        }
    }

    /// A block that takes an optional title and no id (`result "Q3 2026" { … }`): reports an
    /// id, and a missing title when `title_required`.
    fn titled_block(&mut self, b: &Item, title_required: bool, example: &str) -> Option<String> {
        let kw = &b.keyword.text;
        if let Some(n) = &b.name {
            self.diags.push(
                Diagnostic::new(
                    Code::E0108,
                    n.span(),
                    format!("`{kw}` takes a title, not an id"),
                )
                .primary_label("unexpected id")
                .help(format!("write `{example}`")),
            );
        }
        let title = b.title.as_ref().map(|t| t.value.clone());
        if title.is_none() && title_required {
            self.diags.push(
                Diagnostic::new(Code::E0108, b.keyword.span, format!("`{kw}` needs a title"))
                    .primary_label("expected a title string")
                    .help(format!("write `{example}`")),
            );
        }
        title
    }

    /// `result "Title"? { measured = … value = … met = … }` (clause 9.1).
    fn result(&mut self, b: &Item) -> Measurement {
        let title = self.titled_block(
            b,
            false,
            "result \"Q3 2026\" { measured = 2026-09-30  value = \"97%\"  met = true }",
        );
        let (mut fl, _) = self.read_fields(b, RESULT_FIELDS, &[]);
        Measurement {
            title,
            measured: fl.date("measured"),
            value: fl.str("value"),
            met: fl.boolean("met"),
            by: fl.link("by"),
            description: fl.str("description"),
            span: b.span,
        }
    }

    /// `action "Title" { owner = … due = … done = … }`.
    fn action(&mut self, b: &Item) -> Option<Action> {
        let title = self.titled_block(
            b,
            true,
            "action \"What is to be done\" { owner = ciso  due = 2026-06-30 }",
        )?;
        let (mut fl, _) = self.read_fields(b, ACTION_FIELDS, &[]);
        Some(Action {
            title,
            owner: fl.link("owner"),
            due: fl.date("due"),
            done: fl.date("done"),
            description: fl.str("description"),
            span: b.span,
        })
    }

    /// `evidence COMPETENCE "Title"? { … }` in a person (clause 7.2 d).
    fn qualification(&mut self, b: &Item) -> Option<Qualification> {
        let Some(HeadName::Id(id)) = &b.name else {
            self.diags.push(
                Diagnostic::new(
                    Code::E0108,
                    b.name.as_ref().map(|n| n.span()).unwrap_or(b.keyword.span),
                    "a person's `evidence` names the competence it proves",
                )
                .primary_label("expected the id of a competence")
                .help("write `evidence risk-assessment \"ISO/IEC 27005 Risk Manager certificate\" { obtained = 2025-03-14 }`"),
            );
            return None;
        };
        let (mut fl, _) = self.read_fields(b, QUALIFICATION_FIELDS, &[]);
        Some(Qualification {
            competence: link(id, COMPETENCE),
            title: b.title.as_ref().map(|t| t.value.clone()),
            kind: fl.word("kind").and_then(vocab(EvidenceKind::parse)),
            obtained: fl.date("obtained"),
            expires: fl.date("expires"),
            at: fl.str("at"),
            description: fl.str("description"),
            span: b.span,
        })
    }

    fn audit(&mut self, item: &Item) -> Audit {
        let (mut fl, _) = self.read_fields(item, AUDIT_FIELDS, &[]);
        let audit = Audit {
            planned: fl.date("planned"),
            performed: fl.date("performed"),
            lead: fl.link("lead"),
            auditors: fl.links("auditors").unwrap_or_default(),
            covers: fl.subjects("covers").unwrap_or_default(),
            criteria: fl.str("criteria"),
            report: fl.text("report"),
            description: fl.str("description"),
        };
        let written = |name: &str| {
            item.body
                .entries
                .iter()
                .any(|e| matches!(e, Entry::Field(f) if f.name.text == name))
        };
        if !item.recovered && !written("planned") && !written("performed") {
            let at = item
                .name
                .as_ref()
                .map(|n| n.span())
                .unwrap_or(item.keyword.span);
            self.diags.push(
                Diagnostic::new(
                    Code::E0202,
                    at,
                    format!("{} has neither `planned` nor `performed`", describe_item(item)),
                )
                .primary_label("no date in the programme")
                .help("add `planned = 2026-03-09` for an audit of the programme, and `performed = …` once it is done"),
            );
        }
        audit
    }

    fn nonconformity(&mut self, item: &Item) -> Nonconformity {
        let (mut fl, blocks) = self.read_fields(item, NONCONFORMITY_FIELDS, NONCONFORMITY_BLOCKS);
        let actions = blocks.into_iter().filter_map(|b| self.action(b)).collect();
        Nonconformity {
            source: fl.source("source"),
            raised: fl.date("raised"),
            severity: fl.word("severity").and_then(vocab(FindingSeverity::parse)),
            against: fl.subjects("against").unwrap_or_default(),
            owner: fl.link("owner"),
            description: fl.str("description"),
            correction: fl.str("correction"),
            root_cause: fl.str("root_cause"),
            actions,
            status: fl.word("status").and_then(vocab(FindingStatus::parse)),
            verified: fl.sign_off("verified"),
            effectiveness: fl.str("effectiveness"),
        }
    }

    fn review(&mut self, item: &Item) -> Review {
        let (mut fl, blocks) = self.read_fields(item, REVIEW_FIELDS, REVIEW_BLOCKS);
        let mut inputs: Option<ReviewInputs> = None;
        let mut actions = Vec::new();
        for b in blocks {
            if b.keyword.text == "action" {
                actions.extend(self.action(b));
                continue;
            }
            self.header_bare(b, false);
            let (mut inf, _) = self.read_fields(b, INPUT_FIELDS, &[]);
            let given = REVIEW_INPUTS
                .iter()
                .filter_map(|(name, _, _)| Some((*name, inf.text(name)?)))
                .collect();
            if inputs.is_some() {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0205,
                        b.keyword.span,
                        "`inputs` is given twice in the review",
                    )
                    .primary_label("given again here")
                    .help("write every input of the review in one `inputs` block"),
                );
            } else {
                inputs = Some(ReviewInputs {
                    given,
                    span: b.keyword.span,
                });
            }
        }
        Review {
            held: fl.date("held"),
            chair: fl.link("chair"),
            attendees: fl.links("attendees").unwrap_or_default(),
            inputs,
            decisions: fl.strs("decisions").unwrap_or_default(),
            actions,
            minutes: fl.text("minutes"),
            description: fl.str("description"),
        }
    }

    // ----- singletons ----------------------------------------------------------------------

    fn isms(&mut self, item: &Item) {
        self.header_bare(item, true);
        let (mut fl, _) = self.read_fields(item, ISMS_FIELDS, &[]);
        if !self.singleton(item, "isms") {
            return;
        }
        self.model.isms = Some(Isms {
            title: item.title.as_ref().map(|t| t.value.clone()),
            organization: fl.str("organization"),
            standard: fl.framework("standard"),
            frameworks: fl.frameworks("frameworks").unwrap_or_default(),
            owner: fl.link("owner"),
            effective: fl.date("effective"),
            version: fl.str("version"),
            description: fl.str("description"),
            span: item.span,
        });
    }

    fn scope(&mut self, item: &Item) {
        self.header_bare(item, false);
        let (mut fl, _) = self.read_fields(item, SCOPE_FIELDS, &[]);
        if !self.singleton(item, "scope") {
            return;
        }
        self.model.scope = Some(Scope {
            description: fl.str("description"),
            includes: fl.links("includes").unwrap_or_default(),
            excludes: fl.pairs("excludes").unwrap_or_default(),
            interfaces: fl.strs("interfaces").unwrap_or_default(),
            span: item.span,
        });
    }

    fn classification(&mut self, item: &Item) {
        let errors_before = self.diags.len();
        self.header_bare(item, false);
        let (mut fl, _) = self.read_fields(item, CLASSIFICATION_FIELDS, &[]);
        if !self.singleton(item, "classification") {
            return;
        }
        self.classification_seen = true;
        if let Some(levels) = fl.words("levels") {
            self.model.classification = Classification {
                levels,
                span: Some(item.span),
                recovered: false,
            };
        }
        self.model.classification.recovered =
            item.recovered || self.diags.len() > errors_before || has_invalid(&item.body);
    }

    fn risk_method(&mut self, item: &Item) {
        let errors_before = self.diags.len();
        self.header_bare(item, false);
        let (mut fl, blocks) = self.read_fields(item, RISK_METHOD_FIELDS, RISK_METHOD_BLOCKS);
        if !self.singleton(item, "risk_method") {
            return;
        }
        let mut matrix = None;
        for b in blocks {
            self.header_bare(b, false);
            let mut rows = Vec::new();
            for entry in &b.body.entries {
                if let Entry::Error(e) = entry {
                    self.shadow(e);
                    continue;
                }
                let Entry::Field(field) = entry else {
                    self.diags.push(
                        Diagnostic::new(Code::E0208, entry.span(), "a matrix holds one row per likelihood level")
                            .primary_label("not a row")
                            .help("write `rare = [1, 2, 3, 4, 5]`: a score per impact level, in scale order"),
                    );
                    continue;
                };
                let items = match &field.value.kind {
                    ValueKind::List(items) => items.clone(),
                    _ => vec![field.value.clone()],
                };
                let mut scores = Vec::new();
                for v in &items {
                    match v.kind {
                        ValueKind::Int(n) => scores.push(n),
                        _ => self.wrong_type(v, "an integer score"),
                    }
                }
                rows.push((word(&field.name), scores));
            }
            matrix = Some(rows);
        }
        self.model.risk_method = Some(RiskMethod {
            likelihood: fl.scale("likelihood").unwrap_or_default(),
            impact: fl.scale("impact").unwrap_or_default(),
            accept_at_or_below: fl.int("accept_at_or_below"),
            threshold_span: item
                .body
                .entries
                .iter()
                .find_map(|e| match e {
                    Entry::Field(f) if f.name.text == "accept_at_or_below" => Some(f.span),
                    _ => None,
                })
                .unwrap_or(item.keyword.span),
            matrix,
            description: fl.str("description"),
            span: item.span,
            recovered: item.recovered
                || self.diags.len() > errors_before
                || has_invalid(&item.body),
        });
    }

    fn context(&mut self, item: &Item) {
        self.header_bare(item, false);
        let (mut fl, _) = self.read_fields(item, CONTEXT_FIELDS, &[]);
        if !self.singleton(item, "context") {
            return;
        }
        self.model.context = Some(Context {
            issues: fl.strs("issues").unwrap_or_default(),
            internal: fl.strs("internal").unwrap_or_default(),
            external: fl.strs("external").unwrap_or_default(),
            climate_change: fl.str("climate_change"),
            span: item.span,
        });
    }

    fn document(&mut self, item: &Item) {
        let words = DocKind::WORDS;
        let (kind, key_span) = match &item.name {
            Some(HeadName::Id(id)) => match DocKind::parse(&id.text) {
                Some(k) => (k, id.span),
                None => {
                    let mut d = Diagnostic::new(
                        Code::E0108,
                        id.span,
                        format!("`{}` is not a document `ismsc` writes", id.text),
                    )
                    .primary_label("unknown document");
                    d = match did_you_mean(&id.text, words.iter().copied()) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help(format!(
                            "a `document` item is one of {}",
                            words
                                .iter()
                                .map(|w| format!("`document {w}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    };
                    self.diags.push(d);
                    return;
                }
            },
            other => {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0108,
                        other.as_ref().map(|n| n.span()).unwrap_or(item.keyword.span),
                        "a `document` item needs the document it controls",
                    )
                    .primary_label("expected `soa`, `risk-register` or `treatment-plan`")
                    .help("write `document soa \"Statement of Applicability\" { owner = … approved = … @ … version = \"1.0\" }`"),
                );
                return;
            }
        };
        let (mut fl, _) = self.read_fields(item, DOCUMENT_FIELDS, &[]);
        if let Some(first) = self.model.documents.iter().find(|d| d.kind == kind) {
            self.diags.push(
                Diagnostic::new(
                    Code::E0106,
                    key_span,
                    format!("`document {}` is declared more than once", kind.as_str()),
                )
                .primary_label("second declaration")
                .label(first.key_span, "first declared here")
                .help("a project has one `document` item per document: merge the two"),
            );
            return;
        }
        self.model.documents.push(Document {
            kind,
            title: item.title.as_ref().map(|t| t.value.clone()),
            owner: fl.link("owner"),
            approved: fl.sign_offs("approved").unwrap_or_default(),
            version: fl.str("version"),
            classification: fl.word("classification"),
            review: fl.duration("review"),
            effective: fl.date("effective"),
            key_span,
            span: item.span,
        });
    }

    fn applicability(&mut self, item: &Item) {
        self.header_bare(item, false);
        self.model.applicability_spans.push(item.keyword.span);
        for entry in &item.body.entries {
            if let Entry::Error(e) = entry {
                self.shadow(e);
                continue;
            }
            let Entry::Statement(s) = entry else {
                let span = match entry {
                    Entry::Field(f) => f.name.span,
                    Entry::Block(b) => b.keyword.span,
                    Entry::Statement(s) => s.span,
                    Entry::Error(e) => e.span,
                };
                self.diags.push(
                    Diagnostic::new(Code::E0208, span, "an `applicability` block holds only decisions")
                        .primary_label("not a decision")
                        .help("write each decision as `A.7.12 excluded \"justification\"` or `A.5.7 included \"reason\"`"),
                );
                continue;
            };
            let verdict = match s.verb.text.as_str() {
                "included" => Verdict::Included,
                "excluded" => Verdict::Excluded,
                other => {
                    let mut d = Diagnostic::new(
                        Code::E0208,
                        s.verb.span,
                        format!("`{other}` is not a decision"),
                    )
                    .primary_label("expected `included` or `excluded`");
                    d = match did_you_mean(other, ["included", "excluded"]) {
                        Some(x) => d.help(format!("did you mean `{x}`?")),
                        None => {
                            d.help("a decision is `included` or `excluded`, followed by the reason")
                        }
                    };
                    self.diags.push(d);
                    continue;
                }
            };
            let reason = match &s.arg {
                None => None,
                Some(Value {
                    kind: ValueKind::Str(r),
                    ..
                }) => Some(r.value.clone()),
                Some(v) => {
                    self.wrong_type(v, "a string with the reason");
                    continue;
                }
            };
            self.model.decisions.push(Decision {
                req: ReqLink {
                    framework: s.framework.as_ref().map(|f| f.key.clone()),
                    id: s.subject.text.to_string(),
                    span: s.subject.span,
                    target: None,
                },
                verdict,
                reason,
                span: s.span,
            });
        }
    }

    // ----- frameworks ----------------------------------------------------------------------

    fn framework(&mut self, item: &Item) {
        let Some(HeadName::Framework(key)) = &item.name else {
            self.diags.push(
                Diagnostic::new(
                    Code::E0108,
                    item.name
                        .as_ref()
                        .map(|n| n.span())
                        .unwrap_or(item.keyword.span),
                    "a framework needs a key such as `acme-controls:1`",
                )
                .primary_label("expected `name:version`")
                .help("write `framework acme-controls:1 \"Title\" { requirement AC.1 \"…\" { } }`"),
            );
            return;
        };
        if let Some(prev) = self.model.frameworks.iter().find(|f| f.key == key.key) {
            self.diags.push(
                Diagnostic::new(
                    Code::E0101,
                    key.span,
                    format!("framework `{}` is declared more than once", key.key),
                )
                .primary_label("declared again here")
                .label(prev.key_span, "first declared here")
                .help("give your own framework another name or version"),
            );
            return;
        }
        let origin = self
            .sources
            .get(key.span.file)
            .map(|f| f.origin)
            .unwrap_or(Origin::Project);
        let fw = self.model.frameworks.len();
        let attribution = self.attribution(&item.body);
        let published = self.published(&item.body);
        self.model.frameworks.push(Framework {
            key: key.key.clone(),
            title: item.title.as_ref().map(|t| t.value.clone()),
            key_span: key.span,
            origin,
            attribution,
            published,
        });
        let mut groups = Vec::new();
        self.framework_body(item, fw, &key.key, &mut groups);
    }

    /// The `attribution = "…"` field of a framework or mapping: whose data it is and under
    /// which licence, shown wherever the outputs use it.
    fn attribution(&mut self, body: &ast::Body) -> Option<String> {
        let mut found = None;
        for e in &body.entries {
            let Entry::Field(f) = e else { continue };
            if f.name.text != "attribution" {
                continue;
            }
            match &f.value.kind {
                ValueKind::Str(s) if found.is_none() => found = Some(s.value.clone()),
                ValueKind::Str(_) => self.diags.push(
                    Diagnostic::new(Code::E0205, f.name.span, "`attribution` is given twice")
                        .primary_label("given again here")
                        .help("write the whole attribution in one string"),
                ),
                _ => self.wrong_type(&f.value, "a string"),
            }
        }
        found
    }

    /// The `published = [...]` field of a framework: the attributes of its requirements the
    /// SoA shows people (the others stay in `soa.json`).
    fn published(&mut self, body: &ast::Body) -> Option<Vec<String>> {
        let mut found: Option<Vec<String>> = None;
        for e in &body.entries {
            let Entry::Field(f) = e else { continue };
            if f.name.text != "published" {
                continue;
            }
            if found.is_some() {
                self.diags.push(
                    Diagnostic::new(Code::E0205, f.name.span, "`published` is given twice")
                        .primary_label("given again here")
                        .help("name every published attribute in one list"),
                );
                continue;
            }
            let items = match &f.value.kind {
                ValueKind::List(items) => items.clone(),
                _ => vec![f.value.clone()],
            };
            let mut names = Vec::new();
            for v in &items {
                match &v.kind {
                    ValueKind::Ref(n) => names.push(n.text.to_string()),
                    _ => self.wrong_type(v, "an attribute name"),
                }
            }
            found = Some(names);
        }
        found
    }

    fn framework_body(
        &mut self,
        item: &Item,
        fw: usize,
        key: &str,
        groups: &mut Vec<(String, String)>,
    ) {
        for entry in &item.body.entries {
            if let Entry::Error(e) = entry {
                self.shadow(e);
                continue;
            }
            if matches!(entry, Entry::Field(f) if f.name.text == "attribution" || f.name.text == "published")
            {
                continue;
            }
            let Entry::Block(b) = entry else {
                let span = entry.span();
                self.diags.push(
                    Diagnostic::new(Code::E0208, span, "a framework holds only `group` and `requirement` blocks, its `attribution` and `published`")
                        .primary_label("not a group or requirement")
                        .help("write `requirement ID \"Title\" { attribute = [values] }`, optionally inside `group ID \"Title\" { … }`"),
                );
                continue;
            };
            let (id, title) = match (&b.name, &b.title) {
                (Some(HeadName::Id(id)), Some(t)) => (id, t.value.clone()),
                _ => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0108,
                            b.keyword.span,
                            format!("`{}` needs an id and a title", b.keyword.text),
                        )
                        .primary_label("expected an id and a title")
                        .help(format!("write `{} ID \"Title\" {{ … }}`", b.keyword.text)),
                    );
                    continue;
                }
            };
            match b.keyword.text.as_str() {
                "group" => {
                    groups.push((id.text.to_string(), title));
                    self.framework_body(b, fw, key, groups);
                    groups.pop();
                }
                "requirement" => {
                    if let Some(prev) = self.model.req_index.get(key, &id.text) {
                        let prev = self
                            .model
                            .requirements
                            .get(prev.0 as usize)
                            .map(|r| r.span)
                            .unwrap_or(id.span);
                        self.diags.push(
                            Diagnostic::new(
                                Code::E0101,
                                id.span,
                                format!(
                                    "requirement `{}` is defined more than once in `{key}`",
                                    id.text
                                ),
                            )
                            .primary_label("defined again here")
                            .label(prev, "first defined here")
                            .help("requirement ids are unique within their framework"),
                        );
                        continue;
                    }
                    let attributes = self.attributes(b);
                    let rid = ReqId(self.model.requirements.len() as u32);
                    self.model.req_index.insert(key, &id.text, rid);
                    self.model.requirements.push(Requirement {
                        framework: fw,
                        id: id.text.to_string(),
                        title,
                        groups: groups.clone(),
                        attributes,
                        span: id.span,
                    });
                }
                other => {
                    let mut d = Diagnostic::new(
                        Code::E0201,
                        b.keyword.span,
                        format!("a framework has no `{other}` block"),
                    )
                    .primary_label("unknown block");
                    d = match did_you_mean(other, ["group", "requirement"]) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help("a framework holds `group` and `requirement` blocks"),
                    };
                    self.diags.push(d);
                }
            }
        }
    }

    fn attributes(&mut self, b: &Item) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for entry in &b.body.entries {
            if let Entry::Error(e) = entry {
                self.shadow(e);
                continue;
            }
            let Entry::Field(field) = entry else {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0208,
                        entry.span(),
                        "a requirement holds only attributes",
                    )
                    .primary_label("not an attribute")
                    .help("write attributes as `name = value` or `name = [values]`"),
                );
                continue;
            };
            if out.iter().any(|(n, _)| *n == field.name.text) {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0205,
                        field.name.span,
                        format!("attribute `{}` is given twice", field.name.text),
                    )
                    .primary_label("given again here")
                    .help("give all values of an attribute in one list"),
                );
                continue;
            }
            let items = match &field.value.kind {
                ValueKind::List(items) => items.clone(),
                _ => vec![field.value.clone()],
            };
            let mut values = Vec::new();
            for v in &items {
                match &v.kind {
                    ValueKind::Ref(n) => values.push(n.text.to_string()),
                    ValueKind::Str(s) => values.push(s.value.clone()),
                    ValueKind::Bool(x) => values.push(x.to_string()),
                    ValueKind::Int(x) => values.push(x.to_string()),
                    _ => self.wrong_type(v, "a name, a string, a boolean or an integer"),
                }
            }
            out.push((field.name.text.to_string(), values));
        }
        out
    }

    fn mapping(&mut self, item: &Item) {
        let Some(HeadName::Mapping(from, to)) = &item.name else {
            self.diags.push(
                Diagnostic::new(
                    Code::E0108,
                    item.name
                        .as_ref()
                        .map(|n| n.span())
                        .unwrap_or(item.keyword.span),
                    "a mapping needs two frameworks",
                )
                .primary_label("expected `from:version -> to:version`")
                .help("write `mapping iso27001:2013 -> iso27001:2022 { A.5.1.1 equal A.5.1 }`"),
            );
            return;
        };
        let mut links = Vec::new();
        let attribution = self.attribution(&item.body);
        for entry in &item.body.entries {
            if matches!(entry, Entry::Field(f) if f.name.text == "attribution") {
                continue;
            }
            if let Entry::Error(e) = entry {
                self.shadow(e);
                continue;
            }
            let Entry::Statement(s) = entry else {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0208,
                        entry.span(),
                        "a mapping holds only `left relation right` lines",
                    )
                    .primary_label("not a mapping line")
                    .help("write `A.5.1.1 equal A.5.1` (equal, subset, superset or intersects)"),
                );
                continue;
            };
            if let Some(f) = &s.framework {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0208,
                        f.span,
                        "a mapping line names its requirements without their framework",
                    )
                    .primary_label("framework not expected here")
                    .help(format!(
                        "the mapping's header names the frameworks: write `{} …`",
                        s.subject.text
                    )),
                );
                continue;
            }
            let relation = match s.verb.text.as_str() {
                "equal" => Relation::Equal,
                "subset" => Relation::Subset,
                "superset" => Relation::Superset,
                "intersects" => Relation::Intersects,
                other => {
                    let words = ["equal", "subset", "superset", "intersects"];
                    let mut d = Diagnostic::new(
                        Code::E0208,
                        s.verb.span,
                        format!("`{other}` is not a relation"),
                    )
                    .primary_label("expected a relation");
                    d = match did_you_mean(other, words) {
                        Some(x) => d.help(format!("did you mean `{x}`?")),
                        None => {
                            d.help("a relation is `equal`, `subset`, `superset` or `intersects`")
                        }
                    };
                    self.diags.push(d);
                    continue;
                }
            };
            let Some(Value {
                kind: ValueKind::Ref(target),
                ..
            }) = &s.arg
            else {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0208,
                        s.span,
                        "a mapping line needs a requirement on the right",
                    )
                    .primary_label("expected a requirement id after the relation")
                    .help("write `A.5.1.1 equal A.5.1`"),
                );
                continue;
            };
            links.push(MappingLink {
                from: ReqLink {
                    framework: Some(from.key.clone()),
                    id: s.subject.text.to_string(),
                    span: s.subject.span,
                    target: None,
                },
                relation,
                to: ReqLink {
                    framework: Some(to.key.clone()),
                    id: target.text.to_string(),
                    span: target.span,
                    target: None,
                },
                span: s.span,
            });
        }
        self.model.mappings.push(Mapping {
            from: from.key.clone(),
            to: to.key.clone(),
            links,
            attribution,
            span: item
                .name
                .as_ref()
                .map(|n| n.span())
                .unwrap_or(item.keyword.span),
        });
    }

    fn clauses(&mut self, item: &Item) {
        let Some(HeadName::Framework(key)) = &item.name else {
            self.diags.push(
                Diagnostic::new(
                    Code::E0108,
                    item.keyword.span,
                    "`clauses` needs a framework key",
                )
                .primary_label("expected `name:version`")
                .help("write `clauses iso27001:2022 \"Title\" { clause 4 \"…\" { } }`"),
            );
            return;
        };
        self.clause_body(item, &key.key, None);
    }

    fn clause_body(&mut self, item: &Item, key: &str, parent: Option<(&str, ClauseId)>) {
        for entry in &item.body.entries {
            if let Entry::Error(e) = entry {
                self.shadow(e);
                continue;
            }
            let Entry::Block(b) = entry else {
                if parent.is_none() || !matches!(entry, Entry::Field(_)) {
                    self.diags.push(
                        Diagnostic::new(Code::E0208, entry.span(), "`clauses` holds only `clause` and `documented` blocks")
                            .primary_label("unexpected entry")
                            .help("write `clause 4.3 \"Title\" { documented key \"Name\" { form = available } }`"),
                    );
                }
                continue;
            };
            let (Some(HeadName::Id(id)), Some(title)) = (&b.name, &b.title) else {
                self.diags.push(
                    Diagnostic::new(
                        Code::E0108,
                        b.keyword.span,
                        format!("`{}` needs an id and a title", b.keyword.text),
                    )
                    .primary_label("expected an id and a title")
                    .help(format!("write `{} ID \"Title\" {{ … }}`", b.keyword.text)),
                );
                continue;
            };
            match b.keyword.text.as_str() {
                "clause" => {
                    let this = ClauseId(self.model.clauses.len() as u32);
                    let top = parent
                        .and_then(|(_, p)| self.model.clause(p))
                        .map(|p| p.top)
                        .unwrap_or(this);
                    self.model.clauses.push(Clause {
                        framework: key.to_string(),
                        id: id.text.to_string(),
                        title: title.value.clone(),
                        parent: parent.map(|(p, _)| p.to_string()),
                        top,
                        span: id.span,
                    });
                    self.clause_body(b, key, Some((&id.text, this)));
                }
                "documented" => {
                    let (mut fl, _) = self.read_fields(b, DOCUMENTED_FIELDS, &[]);
                    self.model.documented.push(Documented {
                        framework: key.to_string(),
                        key: id.text.to_string(),
                        title: title.value.clone(),
                        clause: fl
                            .str("clause")
                            .or_else(|| parent.map(|(p, _)| p.to_string()))
                            .unwrap_or_default(),
                        form: fl.word("form").map(|w| w.text).unwrap_or_default(),
                        expressed_by: fl
                            .words("expressed_by")
                            .and_then(|w| w.into_iter().next())
                            .map(|w| w.text),
                        recorded_by: fl
                            .words("recorded_by")
                            .and_then(|w| w.into_iter().next())
                            .map(|w| w.text),
                        span: id.span,
                    });
                }
                other => {
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0201,
                            b.keyword.span,
                            format!("`clauses` has no `{other}` block"),
                        )
                        .primary_label("unknown block")
                        .help("`clauses` holds `clause` and `documented` blocks"),
                    );
                }
            }
        }
    }
}

fn link(n: &ast::Name, expects: KindSet) -> Link {
    Link {
        name: n.text.to_string(),
        span: n.span,
        expects,
        target: None,
    }
}

fn word(n: &ast::Name) -> Word {
    Word {
        text: n.text.to_string(),
        span: n.span,
    }
}

/// "control `mfa`", "the `scope` block".
fn describe_item(item: &Item) -> String {
    match (&item.name, Kind::from_keyword(&item.keyword.text)) {
        (Some(HeadName::Id(id)), Some(kind)) => format!("{} `{}`", kind.keyword(), id.text),
        (Some(HeadName::Id(id)), None) if WrittenKind::parse(&item.keyword.text).is_some() => {
            format!("{} `{}`", item.keyword.text, id.text)
        }
        (Some(HeadName::Id(id)), None) => format!("`{} {}`", item.keyword.text, id.text),
        _ => format!("the `{}` block", item.keyword.text),
    }
}

/// Whether a body holds a value reported as invalid while parsing (an impossible date, a
/// malformed number): its item lacks what could not be read.
fn has_invalid(body: &ast::Body) -> bool {
    fn value(v: &Value) -> bool {
        match &v.kind {
            ValueKind::Invalid => true,
            ValueKind::List(items) => items.iter().any(value),
            ValueKind::Scale(b) => has_invalid(b),
            _ => false,
        }
    }
    body.entries.iter().any(|e| match e {
        Entry::Field(f) => value(&f.value),
        Entry::Block(b) => has_invalid(&b.body),
        Entry::Statement(s) => s.arg.as_ref().is_some_and(value),
        Entry::Error(_) => true,
    })
}

/// A word of a closed vocabulary, already checked against it by the field reader, as its value.
fn vocab<T>(parse: fn(&str) -> Option<T>) -> impl Fn(Word) -> Option<Spanned<T>> {
    move |w| {
        Some(Spanned {
            value: parse(&w.text)?,
            span: w.span,
        })
    }
}
