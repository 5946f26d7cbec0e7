//! The model: the project after lowering and name resolution.
//!
//! Lowering (`model::lower`) turns syntax trees into typed items and reports unknown items,
//! fields and values; resolution (`model::resolve`) fills every [`Link`] and [`ReqLink`] with
//! its target; `model::graph` builds the petgraph view. Later stages (checks, emitters, the
//! language server) read this model and never the syntax tree.
//!
//! **Architecture Invariant:** the model is built whatever the input; a reference that could
//! not be resolved has `target: None` and has been reported once, so later stages skip it
//! silently instead of reporting a cascade.

pub mod lower;
pub mod resolve;

use rustc_hash::FxHashMap;

use crate::source::{Origin, Span};
use crate::syntax::ast::{Date, Duration};

/// Index of a named item in [`Model::entities`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityId(pub u32);

/// Index of a requirement in [`Model::requirements`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReqId(pub u32);

/// The kinds of named item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `person`
    Person,
    /// `team`
    Team,
    /// `party`
    Party,
    /// `asset`
    Asset,
    /// `risk`
    Risk,
    /// `control`
    Control,
    /// `policy`
    Policy,
    /// `obligation`
    Obligation,
    /// `objective`
    Objective,
    /// `audit`: an internal audit of the programme (clause 9.2).
    Audit,
    /// `nonconformity`: a nonconformity or another finding (clause 10.2).
    Nonconformity,
    /// `review`: a management review (clause 9.3).
    Review,
    /// `role`: a role and the competences it requires (clause 7.2).
    Role,
    /// `competence`: a competence a role requires (clause 7.2).
    Competence,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 14] = [
        Kind::Person,
        Kind::Team,
        Kind::Party,
        Kind::Asset,
        Kind::Risk,
        Kind::Control,
        Kind::Policy,
        Kind::Obligation,
        Kind::Objective,
        Kind::Audit,
        Kind::Nonconformity,
        Kind::Review,
        Kind::Role,
        Kind::Competence,
    ];

    /// The keyword, which is also how messages name the kind.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Team => "team",
            Kind::Party => "party",
            Kind::Asset => "asset",
            Kind::Risk => "risk",
            Kind::Control => "control",
            Kind::Policy => "policy",
            Kind::Obligation => "obligation",
            Kind::Objective => "objective",
            Kind::Audit => "audit",
            Kind::Nonconformity => "nonconformity",
            Kind::Review => "review",
            Kind::Role => "role",
            Kind::Competence => "competence",
        }
    }

    /// The kind for a keyword.
    pub fn from_keyword(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.keyword() == s)
    }

    /// The kind of the items an item keyword declares: [`Kind::from_keyword`], and
    /// [`Kind::Policy`] for `procedure`, `standard` and `guideline`.
    pub fn of_item_keyword(s: &str) -> Option<Kind> {
        Kind::from_keyword(s).or_else(|| WrittenKind::parse(s).map(|_| Kind::Policy))
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }

    /// "a person", "an asset", "an obligation", "an objective".
    pub fn with_article(self) -> String {
        let k = self.keyword();
        if k.starts_with(['a', 'e', 'i', 'o', 'u']) {
            format!("an {k}")
        } else {
            format!("a {k}")
        }
    }
}

/// A set of kinds a reference accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindSet(u32);

impl KindSet {
    /// The set of the given kinds.
    pub const fn of(kinds: &[Kind]) -> KindSet {
        let mut bits = 0;
        let mut i = 0;
        while i < kinds.len() {
            bits |= 1 << (kinds[i] as u32);
            i += 1;
        }
        KindSet(bits)
    }

    /// Whether the set holds `k`.
    pub fn contains(self, k: Kind) -> bool {
        self.0 & k.bit() != 0
    }

    /// "a person or team", "an asset, team or party".
    pub fn describe(self) -> String {
        let kinds: Vec<Kind> = Kind::ALL
            .into_iter()
            .filter(|k| self.contains(*k))
            .collect();
        let Some(first) = kinds.first() else {
            return "nothing".into();
        };
        let mut s = first.with_article();
        for (i, k) in kinds.iter().enumerate().skip(1) {
            s.push_str(if i + 1 == kinds.len() { " or " } else { ", " });
            s.push_str(k.keyword());
        }
        s
    }
}

/// Who can own something.
pub const OWNER: KindSet = KindSet::of(&[Kind::Person, Kind::Team]);

/// A reference to a named item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The id as written.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// The kinds the field accepts.
    pub expects: KindSet,
    /// Filled by resolution when the id exists and has an accepted kind.
    pub target: Option<EntityId>,
}

/// A reference to a requirement of a framework (`A.5.17`, `iso27001:2013/A.9.4.2`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReqLink {
    /// `Some("iso27001:2013")` when written qualified; `None` means the project's standard.
    pub framework: Option<String>,
    /// The requirement id.
    pub id: String,
    /// Where it is written.
    pub span: Span,
    /// Filled by resolution.
    pub target: Option<ReqId>,
}

impl ReqLink {
    /// The reference as written.
    pub fn written(&self) -> String {
        match &self.framework {
            Some(f) => format!("{f}/{}", self.id),
            None => self.id.clone(),
        }
    }
}

/// A word from a closed vocabulary or a scale, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word.
    pub text: String,
    /// Where it is.
    pub span: Span,
}

/// A value with the span where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub span: Span,
}

/// Declares a closed vocabulary: an enum with its words, read once at lowering.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every word, in the order the language documents them.
            pub const WORDS: &'static [&'static str] = &[$($word),*];

            /// The word as written in the language and in the outputs.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)*
                }
            }

            /// The value for a word.
            pub fn parse(word: &str) -> Option<$name> {
                match word {
                    $($word => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

vocabulary! {
    /// An objective's `status` (clause 6.2): where it stands, as its owner judges it.
    ObjectiveStatus {
        /// `open`: being worked on.
        Open = "open",
        /// `achieved`: the target is met.
        Achieved = "achieved",
        /// `missed`: the due date passed without meeting the target.
        Missed = "missed",
        /// `withdrawn`: no longer pursued, by a decision of management.
        Withdrawn = "withdrawn",
    }
}

vocabulary! {
    /// A control's `status`.
    ControlStatus {
        /// `planned`
        Planned = "planned",
        /// `partial`
        Partial = "partial",
        /// `implemented`
        Implemented = "implemented",
    }
}

vocabulary! {
    /// A risk's `treatment` (ISO/IEC 27001 6.1.3 a).
    Treatment {
        /// `mitigate`
        Mitigate = "mitigate",
        /// `accept`
        Accept = "accept",
        /// `avoid`
        Avoid = "avoid",
        /// `transfer`
        Transfer = "transfer",
    }
}

vocabulary! {
    /// An obligation's `kind`.
    ObligationKind {
        /// `legal`
        Legal = "legal",
        /// `regulatory`
        Regulatory = "regulatory",
        /// `contractual`
        Contractual = "contractual",
    }
}

vocabulary! {
    /// The documents `ismsc` writes that a `document` item puts under document control.
    DocKind {
        /// `document soa`: the Statement of Applicability (6.1.3 d).
        Soa = "soa",
        /// `document risk-register`: the risk assessment results (8.2).
        RiskRegister = "risk-register",
        /// `document treatment-plan`: the risk treatment plan (6.1.3 e, 8.3).
        TreatmentPlan = "treatment-plan",
    }
}

impl DocKind {
    /// Every kind, in the order the outputs list them.
    pub const ALL: [DocKind; 3] = [DocKind::Soa, DocKind::RiskRegister, DocKind::TreatmentPlan];

    /// The document's usual title, when its `document` item gives none.
    pub fn default_title(self) -> &'static str {
        match self {
            DocKind::Soa => "Statement of Applicability",
            DocKind::RiskRegister => "Risk register",
            DocKind::TreatmentPlan => "Risk treatment plan",
        }
    }
}

vocabulary! {
    /// Which written document a policy-like item is (clause 7.5): the four are one kind of
    /// item, [`Kind::Policy`], under the same document control, told apart by their keyword.
    WrittenKind {
        /// `policy`
        Policy = "policy",
        /// `procedure`: how a task is carried out.
        Procedure = "procedure",
        /// `standard`: mandatory rules or settings that implement a policy.
        Standard = "standard",
        /// `guideline`: recommended practice.
        Guideline = "guideline",
    }
}

impl WrittenKind {
    /// "Policy", "Procedure" …: the label the outputs print.
    pub fn label(self) -> &'static str {
        match self {
            WrittenKind::Policy => "Policy",
            WrittenKind::Procedure => "Procedure",
            WrittenKind::Standard => "Standard",
            WrittenKind::Guideline => "Guideline",
        }
    }
}

// The vocabulary macro derives no `Default`; a policy is what an item is unless it says.
#[allow(clippy::derivable_impls)]
impl Default for WrittenKind {
    fn default() -> Self {
        WrittenKind::Policy
    }
}

vocabulary! {
    /// An asset's `type`.
    AssetType {
        /// `information`
        Information = "information",
        /// `software`
        Software = "software",
        /// `hardware`
        Hardware = "hardware",
        /// `service`
        Service = "service",
        /// `people`
        People = "people",
        /// `site`
        Site = "site",
        /// `supplier`
        Supplier = "supplier",
    }
}

vocabulary! {
    /// A nonconformity's `severity`: the grade of an audit finding (ISO 19011), from a major
    /// nonconformity to an opportunity for improvement.
    FindingSeverity {
        /// `major`: a nonconformity that puts the ISMS's results in doubt.
        Major = "major",
        /// `minor`: a nonconformity of limited effect.
        Minor = "minor",
        /// `observation`: not a nonconformity yet, a weakness worth watching.
        Observation = "observation",
        /// `opportunity`: an opportunity for improvement.
        Opportunity = "opportunity",
    }
}

impl FindingSeverity {
    /// Whether the finding is a nonconformity (major or minor), which clause 10.2 asks to
    /// analyse, correct and verify; observations and opportunities are not.
    pub fn is_nonconformity(self) -> bool {
        matches!(self, FindingSeverity::Major | FindingSeverity::Minor)
    }
}

vocabulary! {
    /// A nonconformity's `status`.
    FindingStatus {
        /// `open`
        Open = "open",
        /// `closed`
        Closed = "closed",
    }
}

vocabulary! {
    /// Where a nonconformity was found, when not in an audit or a management review of the
    /// project (which `source` names by id).
    SourceKind {
        /// `certification`: an audit by the certification body.
        Certification = "certification",
        /// `incident`: an information security incident.
        Incident = "incident",
        /// `complaint`: a complaint of a customer or another interested party.
        Complaint = "complaint",
        /// `monitoring`: monitoring and measurement (clause 9.1).
        Monitoring = "monitoring",
        /// `other`
        Other = "other",
    }
}

vocabulary! {
    /// The `kind` of a person's evidence of competence.
    EvidenceKind {
        /// `education`
        Education = "education",
        /// `training`
        Training = "training",
        /// `certification`
        Certification = "certification",
        /// `experience`
        Experience = "experience",
    }
}

/// `who @ date until date`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignOff {
    /// Who signed.
    pub who: Link,
    /// When.
    pub date: Date,
    /// Until when it holds.
    pub until: Option<Date>,
    /// The whole sign-off.
    pub span: Span,
}

/// A text given inline or through `file(...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The content (empty when the file could not be read).
    pub content: String,
    /// The project-relative path for `file(...)`.
    pub path: Option<String>,
    /// Where the value is written.
    pub span: Span,
}

/// One named item.
#[derive(Clone, Debug)]
pub struct Entity {
    /// Its kind.
    pub kind: Kind,
    /// Its id.
    pub id: String,
    /// Its title, if written.
    pub title: Option<String>,
    /// The id as written in the header.
    pub id_span: Span,
    /// The whole item.
    pub span: Span,
    /// Kind-specific fields.
    pub data: Data,
    /// Whether a mistake in the item was reported (a syntax error, an unknown field, a value
    /// of the wrong type …): what it lacks may be what could not be read, so checks do not
    /// report its absence.
    pub recovered: bool,
}

impl Entity {
    /// The title, or the id when there is none.
    pub fn display(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.id)
    }

    /// How messages name it: its kind's keyword, or for a written document the keyword it
    /// was written with (`procedure`, `standard`, `guideline`).
    pub fn noun(&self) -> &'static str {
        match &self.data {
            Data::Policy(p) => p.written.as_str(),
            _ => self.kind.keyword(),
        }
    }
}

/// Kind-specific fields of an entity.
#[derive(Clone, Debug)]
pub enum Data {
    /// A person.
    Person(Person),
    /// A team.
    Team(Team),
    /// An interested party.
    Party(Party),
    /// An asset.
    Asset(Asset),
    /// A risk.
    Risk(Box<Risk>),
    /// A control.
    Control(Box<Control>),
    /// A policy.
    Policy(Box<Policy>),
    /// An obligation.
    Obligation(Obligation),
    /// An objective.
    Objective(Objective),
    /// An internal audit.
    Audit(Box<Audit>),
    /// A nonconformity.
    Nonconformity(Box<Nonconformity>),
    /// A management review.
    Review(Box<Review>),
    /// A role.
    Role(Role),
    /// A competence.
    Competence(Competence),
}

/// `person`.
#[derive(Clone, Debug, Default)]
pub struct Person {
    /// Role.
    pub role: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Evidence of competence (clause 7.2 d), in written order.
    pub evidence: Vec<Qualification>,
}

/// `evidence COMPETENCE "Title" { … }` in a person: evidence of one competence.
#[derive(Clone, Debug)]
pub struct Qualification {
    /// The competence it proves.
    pub competence: Link,
    /// What it is: "PECB Certified ISO/IEC 27005 Risk Manager".
    pub title: Option<String>,
    /// `education`, `training`, `certification`, `experience`.
    pub kind: Option<Spanned<EvidenceKind>>,
    /// When it was obtained.
    pub obtained: Option<Date>,
    /// When it expires (a certificate's end of validity).
    pub expires: Option<Date>,
    /// Where the record is kept.
    pub at: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The block.
    pub span: Span,
}

/// `result "Title" { … }` in an objective or a control: one measurement (clause 9.1).
#[derive(Clone, Debug)]
pub struct Measurement {
    /// Its title ("Q3 2026"), if written.
    pub title: Option<String>,
    /// When it was measured.
    pub measured: Option<Date>,
    /// The value measured.
    pub value: Option<String>,
    /// Whether it meets the target.
    pub met: Option<bool>,
    /// Who measured it.
    pub by: Option<Link>,
    /// Description.
    pub description: Option<String>,
    /// The block.
    pub span: Span,
}

/// The latest of some measurements: the last with the latest date (results without a date
/// do not count).
pub fn latest(results: &[Measurement]) -> Option<&Measurement> {
    results
        .iter()
        .filter(|r| r.measured.is_some())
        .max_by_key(|r| r.measured)
}

/// `team`.
#[derive(Clone, Debug, Default)]
pub struct Team {
    /// Lead.
    pub lead: Option<Link>,
    /// Members.
    pub members: Vec<Link>,
    /// Parent team.
    pub parent: Option<Link>,
}

/// `party`.
#[derive(Clone, Debug, Default)]
pub struct Party {
    /// Needs and expectations.
    pub needs: Vec<String>,
    /// Description.
    pub description: Option<String>,
}

/// `asset`.
#[derive(Clone, Debug)]
pub struct Asset {
    /// `information`, `software`, …
    pub asset_type: Option<Spanned<AssetType>>,
    /// Owner.
    pub owner: Option<Link>,
    /// Classification level.
    pub classification: Option<Word>,
    /// Description.
    pub description: Option<String>,
    /// Assets it depends on.
    pub depends_on: Vec<Link>,
}

/// Likelihood and impact levels.
#[derive(Clone, Debug, Default)]
pub struct Rating {
    /// Likelihood level.
    pub likelihood: Option<Word>,
    /// Impact level.
    pub impact: Option<Word>,
    /// Where the rating is written (the `residual` block, or the risk).
    pub span: Span,
}

/// `risk`.
#[derive(Clone, Debug, Default)]
pub struct Risk {
    /// Owner.
    pub owner: Option<Link>,
    /// Assets at risk.
    pub assets: Vec<Link>,
    /// Threat.
    pub threat: Option<String>,
    /// Vulnerability.
    pub vulnerability: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Inherent rating.
    pub inherent: Rating,
    /// `mitigate`, `accept`, `avoid`, `transfer`.
    pub treatment: Option<Spanned<Treatment>>,
    /// Treating controls.
    pub controls: Vec<Link>,
    /// Annex A controls the treatment needs, named directly (6.1.3 b, c).
    pub requires: Vec<ReqLink>,
    /// Residual rating: the target, once every treating control is implemented.
    pub residual: Option<Rating>,
    /// The rating today, with the controls implemented so far (`current { … }`).
    pub current: Option<Rating>,
    /// Acceptance of the residual risk.
    pub accepted: Option<SignOff>,
    /// When it was identified.
    pub identified: Option<Date>,
}

/// `evidence "…" { … }`.
#[derive(Clone, Debug)]
pub struct Evidence {
    /// Title.
    pub title: String,
    /// Where it is kept.
    pub at: Option<String>,
    /// When it was last collected.
    pub collected: Option<Date>,
    /// How often it must be collected.
    pub every: Option<Duration>,
    /// Description.
    pub description: Option<String>,
    /// The block.
    pub span: Span,
}

/// `control`.
#[derive(Clone, Debug, Default)]
pub struct Control {
    /// Requirements it satisfies.
    pub satisfies: Vec<ReqLink>,
    /// Owner.
    pub owner: Option<Link>,
    /// `planned`, `partial`, `implemented`.
    pub status: Option<Spanned<ControlStatus>>,
    /// Due date.
    pub due: Option<Date>,
    /// Policies.
    pub policies: Vec<Link>,
    /// Description.
    pub description: Option<String>,
    /// Evidence.
    pub evidence: Vec<Evidence>,
    /// What is measured of it (clause 9.1).
    pub measure: Option<String>,
    /// The target of the measure.
    pub target: Option<String>,
    /// Measurement results, in written order.
    pub results: Vec<Measurement>,
}

/// `policy`.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// `policy`, `procedure`, `standard` or `guideline`: the keyword it was written with.
    pub written: WrittenKind,
    /// Owner.
    pub owner: Option<Link>,
    /// Approval.
    pub approved: Option<SignOff>,
    /// Version.
    pub version: Option<String>,
    /// Classification level.
    pub classification: Option<Word>,
    /// Review interval.
    pub review: Option<Duration>,
    /// Requirements it covers.
    pub covers: Vec<ReqLink>,
    /// The policy text.
    pub text: Option<Text>,
    /// Parent policy.
    pub parent: Option<Link>,
    /// Effective date.
    pub effective: Option<Date>,
}

/// `obligation`.
#[derive(Clone, Debug, Default)]
pub struct Obligation {
    /// `legal`, `regulatory`, `contractual`.
    pub kind: Option<Spanned<ObligationKind>>,
    /// Controls it calls for.
    pub controls: Vec<Link>,
    /// Description.
    pub description: Option<String>,
    /// Reference (article, URL).
    pub reference: Option<String>,
}

/// `objective`.
#[derive(Clone, Debug, Default)]
pub struct Objective {
    /// Owner.
    pub owner: Option<Link>,
    /// What is measured.
    pub measure: Option<String>,
    /// Target.
    pub target: Option<String>,
    /// Due date.
    pub due: Option<Date>,
    /// Controls that serve it.
    pub controls: Vec<Link>,
    /// Where it stands (`status = achieved`).
    pub status: Option<Spanned<ObjectiveStatus>>,
    /// Measurement results, in written order (clause 9.1).
    pub results: Vec<Measurement>,
}

/// What an audit covers or a nonconformity is against: a clause of the standard, a
/// requirement (an Annex A control) or an item of the project.
#[derive(Clone, Debug)]
pub enum Subject {
    /// A clause, written as a number or a string (`8`, `"9.2"`).
    Clause(ClauseLink),
    /// A requirement, written with a `.` (`A.5.17`) or qualified.
    Requirement(ReqLink),
    /// An item of the project (a control, a policy, an objective).
    Entity(Link),
}

impl Subject {
    /// Where it is written.
    pub fn span(&self) -> Span {
        match self {
            Subject::Clause(c) => c.span,
            Subject::Requirement(r) => r.span,
            Subject::Entity(l) => l.span,
        }
    }

    /// As written (`9.2`, `A.5.17`, `mfa`).
    pub fn written(&self) -> String {
        match self {
            Subject::Clause(c) => c.id.clone(),
            Subject::Requirement(r) => r.written(),
            Subject::Entity(l) => l.name.clone(),
        }
    }
}

/// Index of a clause in [`Model::clauses`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClauseId(pub u32);

/// A reference to a clause of the standard's management-system clauses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClauseLink {
    /// The clause number as written (`9.2`).
    pub id: String,
    /// Where it is written.
    pub span: Span,
    /// Filled by resolution.
    pub target: Option<ClauseId>,
}

/// `audit`: an internal audit, planned or performed (clause 9.2).
#[derive(Clone, Debug, Default)]
pub struct Audit {
    /// When it is planned.
    pub planned: Option<Date>,
    /// When it was performed; `None` while it is only planned.
    pub performed: Option<Date>,
    /// The lead auditor.
    pub lead: Option<Link>,
    /// Further auditors.
    pub auditors: Vec<Link>,
    /// What it covers: clauses, requirements, controls.
    pub covers: Vec<Subject>,
    /// The audit criteria.
    pub criteria: Option<String>,
    /// The audit report.
    pub report: Option<Text>,
    /// Description.
    pub description: Option<String>,
}

impl Audit {
    /// The date it stands at in the programme: performed, else planned.
    pub fn date(&self) -> Option<Date> {
        self.performed.or(self.planned)
    }
}

/// Where a nonconformity was found.
#[derive(Clone, Debug)]
pub enum Source {
    /// An audit or a management review of the project.
    Record(Link),
    /// Elsewhere: `certification`, `incident`, `complaint`, `monitoring`, `other`.
    Kind(Spanned<SourceKind>),
}

/// `action "Title" { … }`: an action of a nonconformity (a corrective action, clause 10.2 c)
/// or of a management review (clause 9.3.3).
#[derive(Clone, Debug)]
pub struct Action {
    /// What is to be done.
    pub title: String,
    /// Who does it.
    pub owner: Option<Link>,
    /// By when.
    pub due: Option<Date>,
    /// When it was done; `None` while open.
    pub done: Option<Date>,
    /// Description.
    pub description: Option<String>,
    /// The block.
    pub span: Span,
}

/// `nonconformity`: a nonconformity or another audit finding, and what is done about it
/// (clause 10.2).
#[derive(Clone, Debug, Default)]
pub struct Nonconformity {
    /// Where it was found.
    pub source: Option<Source>,
    /// When it was raised.
    pub raised: Option<Date>,
    /// `major`, `minor`, `observation`, `opportunity`.
    pub severity: Option<Spanned<FindingSeverity>>,
    /// What it is against: clauses, requirements, controls, policies, objectives.
    pub against: Vec<Subject>,
    /// Who is responsible for it.
    pub owner: Option<Link>,
    /// What was found.
    pub description: Option<String>,
    /// The correction: what was done at once to control and correct it (10.2 a).
    pub correction: Option<String>,
    /// Its root cause (10.2 b).
    pub root_cause: Option<String>,
    /// The corrective actions (10.2 c).
    pub actions: Vec<Action>,
    /// `open` or `closed`.
    pub status: Option<Spanned<FindingStatus>>,
    /// Who verified the effectiveness of the actions, and when (10.2 d).
    pub verified: Option<SignOff>,
    /// How effectiveness was verified, and the result (10.2 g).
    pub effectiveness: Option<String>,
}

/// The inputs of a management review (clause 9.3.2 a–g), each what was presented.
#[derive(Clone, Debug, Default)]
pub struct ReviewInputs {
    /// The inputs given, by field name, in written order.
    pub given: Vec<(&'static str, Text)>,
    /// The `inputs` block.
    pub span: Span,
}

/// `review`: a management review (clause 9.3).
#[derive(Clone, Debug, Default)]
pub struct Review {
    /// When it was held (or is planned).
    pub held: Option<Date>,
    /// Who chaired it.
    pub chair: Option<Link>,
    /// Who attended.
    pub attendees: Vec<Link>,
    /// Its inputs; `None` without an `inputs` block.
    pub inputs: Option<ReviewInputs>,
    /// Its decisions (clause 9.3.3).
    pub decisions: Vec<String>,
    /// Its actions.
    pub actions: Vec<Action>,
    /// The minutes.
    pub minutes: Option<Text>,
    /// Description.
    pub description: Option<String>,
}

/// `role`: a role and the competences it requires (clause 7.2 a).
#[derive(Clone, Debug, Default)]
pub struct Role {
    /// The people (or teams, each member) who hold it.
    pub holders: Vec<Link>,
    /// The competences it requires.
    pub requires: Vec<Link>,
    /// Description.
    pub description: Option<String>,
}

/// `competence`: a competence a role requires.
#[derive(Clone, Debug, Default)]
pub struct Competence {
    /// Description.
    pub description: Option<String>,
}

/// `document KIND "Title" { … }`: the document control of a document `ismsc` writes (the
/// SoA, the risk register, the treatment plan), as a policy has its own.
#[derive(Clone, Debug)]
pub struct Document {
    /// Which document.
    pub kind: DocKind,
    /// Its title, if written.
    pub title: Option<String>,
    /// Owner.
    pub owner: Option<Link>,
    /// Approvals, in written order (one or several sign-offs).
    pub approved: Vec<SignOff>,
    /// Version.
    pub version: Option<String>,
    /// Classification level.
    pub classification: Option<Word>,
    /// Review interval.
    pub review: Option<Duration>,
    /// Effective date.
    pub effective: Option<Date>,
    /// The kind as written in the header.
    pub key_span: Span,
    /// The whole item.
    pub span: Span,
}

impl Document {
    /// The title, or the document's usual one.
    pub fn display(&self) -> &str {
        self.title
            .as_deref()
            .unwrap_or_else(|| self.kind.default_title())
    }
}

/// The `isms` block.
#[derive(Clone, Debug)]
pub struct Isms {
    /// Title.
    pub title: Option<String>,
    /// Organisation.
    pub organization: Option<String>,
    /// The framework the SoA is made against.
    pub standard: Option<(String, Span)>,
    /// Further frameworks the project reports its coverage of (`frameworks = [...]`).
    pub frameworks: Vec<(String, Span)>,
    /// Owner.
    pub owner: Option<Link>,
    /// Effective date.
    pub effective: Option<Date>,
    /// Version.
    pub version: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// The block.
    pub span: Span,
}

/// The `scope` block.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Description.
    pub description: Option<String>,
    /// What is in scope.
    pub includes: Vec<Link>,
    /// What is out of scope, with the reason.
    pub excludes: Vec<(Link, String)>,
    /// Interfaces and dependencies.
    pub interfaces: Vec<String>,
    /// The block.
    pub span: Span,
}

/// A scale of `risk_method`.
#[derive(Clone, Debug, Default)]
pub struct Scale {
    /// Levels with their values, in written order.
    pub levels: Vec<(Word, u32)>,
}

impl Scale {
    /// The value of a level.
    pub fn value(&self, level: &str) -> Option<u32> {
        self.levels
            .iter()
            .find(|(w, _)| w.text == level)
            .map(|(_, v)| *v)
    }
}

/// The `risk_method` block.
#[derive(Clone, Debug)]
pub struct RiskMethod {
    /// Likelihood scale.
    pub likelihood: Scale,
    /// Impact scale.
    pub impact: Scale,
    /// Acceptance threshold on the score.
    pub accept_at_or_below: Option<u32>,
    /// Where the threshold is written (the block when it is not).
    pub threshold_span: Span,
    /// A declared score matrix: one row per likelihood level (by name), one score per impact
    /// level in scale order. Without it a score is likelihood × impact.
    pub matrix: Option<Vec<(Word, Vec<u32>)>>,
    /// Description.
    pub description: Option<String>,
    /// The block.
    pub span: Span,
    /// Whether a mistake in the block was reported: its scales or threshold may lack what
    /// could not be read, so nothing is judged against them.
    pub recovered: bool,
}

/// The `context` block.
#[derive(Clone, Debug)]
pub struct Context {
    /// Issues.
    pub issues: Vec<String>,
    /// Internal issues.
    pub internal: Vec<String>,
    /// External issues.
    pub external: Vec<String>,
    /// The climate-change determination (Amd 1:2024).
    pub climate_change: Option<String>,
    /// The block.
    pub span: Span,
}

/// Included or excluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// `included`
    Included,
    /// `excluded`
    Excluded,
}

/// `A.7.12 excluded "…"`.
#[derive(Clone, Debug)]
pub struct Decision {
    /// The requirement.
    pub req: ReqLink,
    /// Included or excluded.
    pub verdict: Verdict,
    /// The justification.
    pub reason: Option<String>,
    /// The statement.
    pub span: Span,
}

/// A declared framework.
#[derive(Clone, Debug)]
pub struct Framework {
    /// `iso27001:2022`.
    pub key: String,
    /// Title.
    pub title: Option<String>,
    /// The key as written in the header.
    pub key_span: Span,
    /// Where it comes from.
    pub origin: Origin,
    /// Whose data it is and under which licence (`attribution = "…"`).
    pub attribution: Option<String>,
    /// The attributes of its requirements that the SoA publishes for people (the columns of
    /// `soa.csv`), from `published = [...]`; `None` publishes all of them.
    pub published: Option<Vec<String>>,
}

/// A requirement of a framework.
#[derive(Clone, Debug)]
pub struct Requirement {
    /// Index in [`Model::frameworks`].
    pub framework: usize,
    /// `A.5.1`.
    pub id: String,
    /// Title.
    pub title: String,
    /// The enclosing groups, outermost first: `(id, title)`.
    pub groups: Vec<(String, String)>,
    /// Attributes, in written order.
    pub attributes: Vec<(String, Vec<String>)>,
    /// The id as written in the header.
    pub span: Span,
}

impl Requirement {
    /// The values of an attribute.
    pub fn attribute(&self, name: &str) -> &[String] {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }
}

/// How two requirements relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    /// Same intent.
    Equal,
    /// Left is part of right.
    Subset,
    /// Left contains right.
    Superset,
    /// They overlap.
    Intersects,
}

impl Relation {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Relation::Equal => "equal",
            Relation::Subset => "subset",
            Relation::Superset => "superset",
            Relation::Intersects => "intersects",
        }
    }
}

/// One line of a `mapping`.
#[derive(Clone, Debug)]
pub struct MappingLink {
    /// Left requirement (of the mapping's source framework).
    pub from: ReqLink,
    /// Relation.
    pub relation: Relation,
    /// Right requirement (of the target framework).
    pub to: ReqLink,
    /// The statement.
    pub span: Span,
}

/// A `mapping` item.
#[derive(Clone, Debug)]
pub struct Mapping {
    /// Source framework key.
    pub from: String,
    /// Target framework key.
    pub to: String,
    /// The links.
    pub links: Vec<MappingLink>,
    /// Whose data it is and under which licence (`attribution = "…"`).
    pub attribution: Option<String>,
    /// The header.
    pub span: Span,
}

/// A clause of a management-system standard.
#[derive(Clone, Debug)]
pub struct Clause {
    /// Framework key.
    pub framework: String,
    /// `6.1.3`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Parent clause id.
    pub parent: Option<String>,
    /// The top-level clause it belongs to (itself for a top-level clause), in
    /// [`Model::clauses`].
    pub top: ClauseId,
    /// The id as written in the header.
    pub span: Span,
}

/// The inputs of a management review (clause 9.3.2): the field of the `inputs` block, its
/// item of the clause and what it stands for.
pub const REVIEW_INPUTS: &[(&str, &str, &str)] = &[
    (
        "previous_actions",
        "a)",
        "the status of actions from previous management reviews",
    ),
    (
        "issues",
        "b)",
        "changes in external and internal issues relevant to the ISMS",
    ),
    (
        "party_needs",
        "c)",
        "changes in needs and expectations of interested parties relevant to the ISMS",
    ),
    (
        "nonconformities",
        "d) 1)",
        "nonconformities and corrective actions",
    ),
    ("monitoring", "d) 2)", "monitoring and measurement results"),
    ("audits", "d) 3)", "audit results"),
    (
        "objectives",
        "d) 4)",
        "the fulfilment of information security objectives",
    ),
    ("party_feedback", "e)", "feedback from interested parties"),
    (
        "risks",
        "f)",
        "the results of risk assessment and the status of the risk treatment plan",
    ),
    (
        "improvement",
        "g)",
        "opportunities for continual improvement",
    ),
];

/// Documented information a clause mandates.
#[derive(Clone, Debug)]
pub struct Documented {
    /// Framework key.
    pub framework: String,
    /// `isms_scope`.
    pub key: String,
    /// Name.
    pub title: String,
    /// `6.1.3 d)`.
    pub clause: String,
    /// `available`, `retain`, `produce`, `determined`.
    pub form: String,
    /// The item kind that expresses it in the language, if any.
    pub expressed_by: Option<String>,
    /// The record of the language that holds it (`audit`, `review`, `result`, …), when it is a
    /// record the project keeps once its ISMS runs: its absence is listed by
    /// `check --readiness` rather than reported.
    pub recorded_by: Option<String>,
    /// The declaration.
    pub span: Span,
}

/// Classification scheme.
#[derive(Clone, Debug)]
pub struct Classification {
    /// Levels in rising order.
    pub levels: Vec<Word>,
    /// The block, if declared.
    pub span: Option<Span>,
    /// Whether a mistake in the block was reported: its levels may be incomplete, so no
    /// level is reported unknown against them.
    pub recovered: bool,
}

impl Default for Classification {
    fn default() -> Self {
        Classification {
            levels: ["public", "internal", "confidential", "restricted"]
                .into_iter()
                .map(|t| Word {
                    text: t.into(),
                    span: Span::default(),
                })
                .collect(),
            span: None,
            recovered: false,
        }
    }
}

/// Requirements by framework key and id, looked up without building a key.
#[derive(Debug, Default)]
pub struct ReqIndex {
    by_framework: FxHashMap<String, FxHashMap<String, ReqId>>,
}

impl ReqIndex {
    /// The requirement `id` of framework `key`.
    pub fn get(&self, key: &str, id: &str) -> Option<ReqId> {
        self.by_framework.get(key)?.get(id).copied()
    }

    /// Records a requirement; returns the one recorded before under the same key and id.
    pub fn insert(&mut self, key: &str, id: &str, req: ReqId) -> Option<ReqId> {
        if let Some(ids) = self.by_framework.get_mut(key) {
            return ids.insert(id.to_string(), req);
        }
        let mut ids = FxHashMap::default();
        ids.insert(id.to_string(), req);
        self.by_framework.insert(key.to_string(), ids);
        None
    }
}

/// The whole project, lowered and resolved.
#[derive(Debug, Default)]
pub struct Model {
    /// Named items in load order (stdlib first, then files by name, then source order).
    pub entities: Vec<Entity>,
    /// Id → entity.
    pub index: FxHashMap<String, EntityId>,
    /// The `isms` block.
    pub isms: Option<Isms>,
    /// The `scope` block.
    pub scope: Option<Scope>,
    /// The `risk_method` block.
    pub risk_method: Option<RiskMethod>,
    /// The `context` block.
    pub context: Option<Context>,
    /// The classification scheme.
    pub classification: Classification,
    /// Annex A decisions from `applicability` blocks.
    pub decisions: Vec<Decision>,
    /// Spans of the `applicability` blocks.
    pub applicability_spans: Vec<Span>,
    /// Requirement ids written where they could not be read (inside a broken entry or an
    /// unknown field): resolved silently, and never reported as undecided, because the
    /// mistake that hides them is reported already.
    pub shadowed: Vec<ReqLink>,
    /// The entities named in such places: what they would have linked them to is not reported
    /// as missing (a control whose treating risk could not be read is not unjustified).
    pub shadowed_entities: Vec<EntityId>,
    /// Declared frameworks.
    pub frameworks: Vec<Framework>,
    /// Requirements of all frameworks, in catalogue order.
    pub requirements: Vec<Requirement>,
    /// `(framework key, requirement id)` → requirement.
    pub req_index: ReqIndex,
    /// Mappings between frameworks.
    pub mappings: Vec<Mapping>,
    /// The `document` items, at most one per kind, in load order.
    pub documents: Vec<Document>,
    /// Management-system clauses.
    pub clauses: Vec<Clause>,
    /// Documented information the clauses mandate.
    pub documented: Vec<Documented>,
}

impl Model {
    /// The entity with this id.
    pub fn entity(&self, id: EntityId) -> Option<&Entity> {
        self.entities.get(id.0 as usize)
    }

    /// The entity a link points to.
    pub fn target(&self, link: &Link) -> Option<&Entity> {
        link.target.and_then(|t| self.entity(t))
    }

    /// The requirement with this id.
    pub fn requirement(&self, id: ReqId) -> Option<&Requirement> {
        self.requirements.get(id.0 as usize)
    }

    /// The clause with this id.
    pub fn clause(&self, id: ClauseId) -> Option<&Clause> {
        self.clauses.get(id.0 as usize)
    }

    /// The key of the management-system clauses that apply to the project: its standard's,
    /// or the first declared (the 2022 edition's) when the standard declares none.
    pub fn clauses_key(&self) -> Option<&str> {
        let standard = self.standard().unwrap_or("");
        if self.clauses.iter().any(|c| c.framework == standard) {
            return Some(standard);
        }
        self.clauses.first().map(|c| c.framework.as_str())
    }

    /// The clauses that apply to the project (see [`Model::clauses_key`]), in catalogue order.
    pub fn clauses_in_use(&self) -> impl Iterator<Item = (ClauseId, &Clause)> + '_ {
        let key = self.clauses_key().unwrap_or("");
        self.clauses
            .iter()
            .enumerate()
            .filter(move |(_, c)| c.framework == key)
            .map(|(i, c)| (ClauseId(i as u32), c))
    }

    /// The project's standard (`iso27001:2022`), if declared and known.
    pub fn standard(&self) -> Option<&str> {
        let (key, _) = self.isms.as_ref()?.standard.as_ref()?;
        self.frameworks
            .iter()
            .any(|f| &f.key == key)
            .then_some(key.as_str())
    }

    /// The frameworks the project reports its coverage of: those of `frameworks = [...]` that
    /// are declared, each once, in the order written (the standard left out).
    pub fn opted_in(&self) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let standard = self.standard().and_then(|s| self.framework_index(s));
        for (key, _) in self.isms.iter().flat_map(|i| &i.frameworks) {
            if let Some(i) = self.framework_index(key) {
                if Some(i) != standard && !out.contains(&i) {
                    out.push(i);
                }
            }
        }
        out
    }

    /// Whether a framework takes part in the project: its standard, the other editions of the
    /// standard (the same name before `:`, as `iso27001:2013` for `iso27001:2022`), and the
    /// frameworks it opts into. Only the mappings between such frameworks are published.
    pub fn in_use(&self, framework: usize) -> bool {
        let Some(std_key) = self.standard() else {
            return false;
        };
        let Some(f) = self.frameworks.get(framework) else {
            return false;
        };
        let family = |k: &str| k.split(':').next().unwrap_or("").to_string();
        f.key == std_key
            || family(&f.key) == family(std_key)
            || self.opted_in().contains(&framework)
    }

    /// Index of a framework by key.
    pub fn framework_index(&self, key: &str) -> Option<usize> {
        self.frameworks.iter().position(|f| f.key == key)
    }

    /// The requirements of one framework, in catalogue order.
    pub fn requirements_of<'a>(
        &'a self,
        key: &'a str,
    ) -> impl Iterator<Item = (ReqId, &'a Requirement)> + 'a {
        let fw = self.framework_index(key);
        self.requirements
            .iter()
            .enumerate()
            .filter(move |(_, r)| Some(r.framework) == fw)
            .map(|(i, r)| (ReqId(i as u32), r))
    }

    /// Whether the person `who` speaks for `owner`: the owner itself, or the lead or a member
    /// of the owning team (who accepts a risk or approves a plan on its behalf).
    pub fn speaks_for(&self, who: EntityId, owner: EntityId) -> bool {
        if who == owner {
            return true;
        }
        match self.entity(owner).map(|e| &e.data) {
            Some(Data::Team(t)) => {
                t.lead.as_ref().and_then(|l| l.target) == Some(who)
                    || t.members.iter().any(|m| m.target == Some(who))
            }
            _ => false,
        }
    }

    /// The `document` item of a kind, if declared.
    pub fn document(&self, kind: DocKind) -> Option<&Document> {
        self.documents.iter().find(|d| d.kind == kind)
    }

    /// Entities of one kind, in load order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (EntityId, &Entity)> + '_ {
        self.entities
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.kind == kind)
            .map(|(i, e)| (EntityId(i as u32), e))
    }
}
