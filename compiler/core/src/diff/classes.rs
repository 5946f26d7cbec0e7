//! The one table of change classes: what `ismsc diff` calls each change, which clause of
//! ISO/IEC 27001 it concerns and how much review it asks for.
//!
//! Like the lints of cargo-semver-checks, each class is a row of data: an id (what `--fail-on`
//! and the JSON name), a title (what people read), a short name for the one-line summary, the
//! clause, and a [`Level`]. Adding a class
//! is adding a row here and the rule that gives it in `diff::compare`.

/// How much review a change asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Worth a look when convenient.
    Info,
    /// Should be reviewed before it is merged.
    Notice,
    /// Weakens the ISMS as an auditor sees it (a new exclusion, a regression, a higher
    /// residual risk): shown in the warning block of the pull-request comment.
    Warning,
}

impl Level {
    /// `info`, `notice` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Notice => "notice",
            Level::Warning => "warning",
        }
    }

    /// Every level, lowest first.
    pub const ALL: [Level; 3] = [Level::Info, Level::Notice, Level::Warning];
}

/// One class of change.
#[derive(Debug, PartialEq, Eq)]
pub struct Class {
    /// Its id, e.g. `newly-excluded`.
    pub id: &'static str,
    /// Its title for people, e.g. "newly excluded".
    pub title: &'static str,
    /// Its name in the one-line summary, after the section: "Risks: 1 residual down".
    pub short: &'static str,
    /// The clause of ISO/IEC 27001 it concerns, e.g. `6.1.3 d)`.
    pub clause: &'static str,
    /// How much review it asks for.
    pub level: Level,
}

macro_rules! classes {
    ($($name:ident $id:literal $title:literal $short:literal $clause:literal $level:ident;)*) => {
        $(
            #[doc = concat!("`", $id, "`: ", $title, " (", $clause, ").")]
            pub const $name: Class = Class {
                id: $id,
                title: $title,
                short: $short,
                clause: $clause,
                level: Level::$level,
            };
        )*

        /// Every class, in the order reports list them.
        pub const ALL: &[&Class] = &[$(&$name),*];
    };
}

classes! {
    // The Statement of Applicability, row by row (6.1.3 c and d).
    NEWLY_EXCLUDED         "newly-excluded"           "newly excluded"                   "newly excluded"          "6.1.3 d)"    Warning;
    APPLICABILITY_FLIPPED  "applicability-flipped"    "applicability flipped"            "flipped"                 "6.1.3 d)"    Notice;
    JUSTIFICATION_CHANGED  "justification-changed"    "justification changed"            "justification changed"   "6.1.3 d)"    Notice;
    STATUS_REGRESSED       "status-regressed"         "implementation status regressed"  "regressed"               "6.1.3 d)"    Warning;
    STATUS_ADVANCED        "status-advanced"          "implementation status advanced"   "advanced"                "6.1.3 d)"    Info;
    IMPLEMENTATION_REMOVED "implementation-removed"   "implementing control removed"     "control removed"         "6.1.3 c)"    Notice;
    IMPLEMENTATION_ADDED   "implementation-added"     "implementing control added"       "control added"           "6.1.3 c)"    Info;
    REASON_LOST            "reason-lost"              "inclusion reason lost"            "reason lost"             "6.1.3 d)"    Notice;
    REASON_GAINED          "reason-gained"            "inclusion reason gained"          "reason gained"           "6.1.3 d)"    Info;
    SOA_ROW_CHANGED        "soa-row-changed"          "SoA row changed"                  "other"                   "6.1.3 d)"    Info;
    // The risk register (6.1.2, 6.1.3, 8.2) and the treatment plan (6.1.3 e).
    RISK_ADDED             "risk-added"               "risk added"                       "added"                   "8.2"         Notice;
    RISK_REMOVED           "risk-removed"             "risk removed"                     "removed"                 "8.2"         Warning;
    INHERENT_UP            "inherent-up"              "inherent score up"                "inherent up"             "6.1.2 d)"    Notice;
    INHERENT_DOWN          "inherent-down"            "inherent score down"              "inherent down"           "6.1.2 d)"    Info;
    RESIDUAL_UP            "residual-up"              "residual score up"                "residual up"             "6.1.3 f)"    Warning;
    RESIDUAL_DOWN          "residual-down"            "residual score down"              "residual down"           "6.1.3 f)"    Info;
    TREATMENT_CHANGED      "treatment-changed"        "treatment changed"                "treatment changed"       "6.1.3 a)"    Notice;
    RISK_OWNER_CHANGED     "risk-owner-changed"       "risk owner changed"               "owner changed"           "6.1.2 c) 2)" Notice;
    ACCEPTANCE_ADDED       "acceptance-added"         "acceptance added"                 "acceptance added"        "6.1.3 f)"    Notice;
    ACCEPTANCE_REMOVED     "acceptance-removed"       "acceptance removed"               "acceptance removed"      "6.1.3 f)"    Notice;
    ACCEPTANCE_EXPIRING    "acceptance-expiring"      "acceptance expiring"              "acceptance expiring"     "6.1.3 f)"    Warning;
    RISK_CHANGED           "risk-changed"             "risk changed"                     "changed"                 "8.2"         Info;
    ACTION_ADDED           "action-added"             "treatment action added"           "added"                   "6.1.3 e)"    Info;
    ACTION_REMOVED         "action-removed"           "treatment action removed"         "removed"                 "6.1.3 e)"    Notice;
    ACTION_CHANGED         "action-changed"           "treatment action changed"         "changed"                 "6.1.3 e)"    Info;
    // Controls (8.1, 8.3).
    CONTROL_REGRESSED      "control-regressed"        "control status regressed"         "regressed"               "8.3"         Warning;
    CONTROL_ADVANCED       "control-advanced"         "control status advanced"          "advanced"                "8.3"         Info;
    // Policies (5.2, 7.5).
    POLICY_VERSION         "policy-version-changed"   "policy version changed"           "new version"             "7.5.2"       Info;
    POLICY_APPROVAL        "policy-approval-changed"  "policy approval changed"          "approval changed"        "5.2"         Notice;
    POLICY_REVIEW          "policy-review-changed"    "policy review changed"            "review changed"          "7.5.2"       Info;
    POLICY_TEXT            "policy-text-changed"      "policy text changed"              "text changed"            "7.5.2"       Notice;
    // Every entity (7.5.2, 5.3) and the ISMS itself (4.3).
    ENTITY_ADDED           "entity-added"             "added"                            "added"                   "7.5.2"       Info;
    ENTITY_REMOVED         "entity-removed"           "removed"                          "removed"                 "7.5.2"       Notice;
    ENTITY_RENAMED         "entity-renamed"           "renamed"                          "renamed"                 "7.5.2"       Notice;
    ENTITY_RETITLED        "entity-retitled"          "retitled"                         "retitled"                "7.5.2"       Info;
    OWNER_CHANGED          "owner-changed"            "owner changed"                    "owner changed"           "5.3"         Info;
    ENTITY_CHANGED         "entity-changed"           "changed"                          "changed"                 "7.5.2"       Info;
    ISMS_CHANGED           "isms-changed"             "ISMS changed"                     "changed"                 "4.3"         Notice;
}

/// The class with this id.
pub fn by_id(id: &str) -> Option<&'static Class> {
    ALL.iter().copied().find(|c| c.id == id)
}

/// The position of a class in [`ALL`], for sorting.
pub fn rank(class: &Class) -> usize {
    ALL.iter()
        .position(|c| std::ptr::eq(*c, class) || c.id == class.id)
        .unwrap_or(ALL.len())
}
