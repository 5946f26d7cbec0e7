//! The one registry of diagnostic codes.
//!
//! Codes are stable: once published a code is never renumbered or reused. `E` codes default
//! to errors and `W` codes to warnings, except the few marked `Allow`: warnings that are
//! silent until a project turns them on (`warn` or `deny` in `[lints]`). A project may change
//! the severity per code (or slug) in `isms.toml`. Ranges: `00xx` syntax, literals, the
//! manifest and reading files, `01xx` items and names, `02xx` fields and values, `03xx` graph
//! structure, `04xx` Annex A coverage, `05xx` risk, `06xx` findings that time brings, `07xx`
//! documented information, `08xx` check and act: monitoring, audits, reviews, corrective
//! action. Every code has a page `docs/diagnostics/CODE.md`, compiled into the binary for
//! `ismsc explain`.

use super::Severity;

macro_rules! codes {
    ($($code:ident $slug:literal $sev:ident $summary:literal;)*) => {
        /// A registered diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(
                #[doc = $summary]
                $code,
            )*
        }

        impl Code {
            /// Every registered code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$code),*];

            /// `"E0102"`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$code => stringify!($code),)* }
            }

            /// Kebab-case name, usable in `isms.toml` instead of the code.
            pub fn slug(self) -> &'static str {
                match self { $(Code::$code => $slug,)* }
            }

            /// One-line summary.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$code => $summary,)* }
            }

            /// Severity unless the project configures another.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$code => severity!($sev),)* }
            }

            /// Whether the finding is silent unless `[lints]` turns it on (`warn` or
            /// `deny`): a check some projects want and most do not.
            pub fn allowed_by_default(self) -> bool {
                match self { $(Code::$code => allowed!($sev),)* }
            }

            /// The documentation page (`ismsc explain`).
            pub fn page(self) -> &'static str {
                match self {
                    $(Code::$code => include_str!(concat!("../../../../docs/diagnostics/", stringify!($code), ".md")),)*
                }
            }
        }
    };
}

/// The severity of a registry entry: `Allow` entries are warnings when turned on.
macro_rules! severity {
    (Allow) => {
        Severity::Warning
    };
    ($sev:ident) => {
        Severity::$sev
    };
}

/// Whether a registry entry is silent by default.
macro_rules! allowed {
    (Allow) => {
        true
    };
    ($sev:ident) => {
        false
    };
}

codes! {
    E0001 "syntax-error"            Error "the text does not follow the grammar";
    E0002 "nesting-too-deep"        Error "brackets or braces are nested too deeply";
    E0003 "invalid-date"            Error "a date that does not exist in the calendar";
    E0004 "invalid-literal"         Error "a number, duration or date that is malformed";
    E0005 "invalid-escape"          Error "an unknown escape sequence in a string";
    W0006 "text-direction-codepoint" Warning "a bidirectional control character that makes text look different from what is read";
    E0010 "invalid-manifest"        Error "the `isms.toml` manifest is missing, malformed or incomplete";
    E0011 "unreadable-file"         Error "a file or folder of the project that cannot be read";
    E0012 "invalid-utf8"            Error "a file that is not UTF-8 text";
    E0013 "file-too-large"          Error "a file larger than its size limit";
    E0014 "link-outside-project"    Error "a link in the project that leads outside it";
    E0015 "invalid-publish-file"    Error "a logo, font or template named in `[publish]` that is missing, unreadable, not of its kind, or a template that fails to typeset";
    E0016 "invalid-color"           Error "a colour in `[publish]` that is not a hex colour such as \"#0b5fff\"";
    W0020 "invalid-suppression"     Warning "an `ismsc-allow` comment that cannot silence anything: no reason, an unknown code or a mistake of the language";
    W0021 "unused-suppression"      Warning "an `ismsc-allow` comment that silences nothing";
    E0101 "duplicate-id"            Error "two definitions share one id";
    E0102 "unknown-reference"       Error "a reference to an id that is not defined";
    E0103 "wrong-kind"              Error "a reference to an item of the wrong kind";
    E0104 "unknown-requirement"     Error "a requirement id that the framework does not define";
    E0105 "unknown-framework"       Error "a framework that is not declared";
    E0106 "duplicate-singleton"     Error "an item that may appear once appears twice";
    E0107 "unknown-item"            Error "an item keyword the language does not know";
    E0108 "invalid-header"          Error "an item header without the id or title its kind needs";
    E0109 "missing-isms"            Error "the project declares no `isms` block";
    E0201 "unknown-field"           Error "a field the item does not have";
    E0202 "missing-field"           Error "a required field is missing";
    E0203 "wrong-type"              Error "a value of the wrong type";
    E0204 "invalid-value"           Error "a value outside the field's vocabulary";
    E0205 "duplicate-field"         Error "a field given twice in one item";
    E0206 "file-not-found"          Error "a `file(...)` that does not exist";
    E0207 "file-outside-project"    Error "a `file(...)` that points outside the project";
    E0208 "invalid-statement"       Error "a statement that the block does not accept";
    E0301 "cycle"                   Error "a hierarchy that must be acyclic has a cycle";
    E0401 "annex-a-undecided"       Error "an Annex A control with no decision in the SoA";
    E0402 "exclusion-unjustified"   Error "an Annex A exclusion without a justification";
    E0403 "excluded-and-satisfied"  Error "an Annex A control both excluded and satisfied by a control";
    E0404 "exclusion-needed-by-risk" Error "an excluded Annex A control that a risk's treatment needs";
    E0405 "inclusion-unjustified"   Error "an applicable Annex A control without a reason for inclusion";
    W0406 "included-not-implemented" Warning "an Annex A control declared included that no control satisfies";
    W0407 "exclusion-contradicted"  Warning "an Annex A exclusion that the asset inventory contradicts";
    W0409 "vacuous-justification"   Warning "an exclusion justified by words that say nothing (`n/a`, `not applicable`, a few characters)";
    E0408 "decided-twice"           Error "an Annex A control with two decisions";
    E0410 "coverage-below-minimum"  Error "a requirement of an opted-in framework covered less than `[coverage]` in `isms.toml` requires";
    E0501 "risk-without-owner"      Error "a risk without an owner";
    E0502 "mitigation-without-controls" Error "a risk to mitigate that names no controls";
    E0503 "residual-not-accepted"   Error "a residual risk above the acceptance threshold that nobody accepted";
    E0504 "residual-above-inherent" Error "a residual risk higher than the inherent risk";
    E0505 "risk-not-rated"          Error "a risk without likelihood or impact";
    E0506 "risk-without-treatment"  Error "a risk without a treatment decision";
    W0507 "acceptance-not-by-owner" Warning "a residual risk accepted by someone other than the risk owner";
    W0508 "acceptable-only-when-implemented" Warning "a risk counted acceptable only through treating controls not implemented yet";
    W0601 "policy-review-overdue"   Warning "a policy past its review date";
    W0602 "policy-not-approved"     Warning "a policy without approval";
    W0603 "evidence-stale"          Warning "evidence older than its collection interval";
    W0604 "control-overdue"         Warning "a planned or partial control past its due date";
    W0605 "acceptance-expired"      Warning "a risk acceptance past its `until` date";
    E0701 "documented-information-missing" Error "documented information that a clause requires is missing";
    W0702 "climate-change-undetermined" Warning "no determination on climate change (ISO/IEC 27001:2022/Amd 1:2024)";
    W0703 "implemented-without-evidence" Allow "an implemented control that records no evidence (silent unless turned on in `[lints]`)";
    W0704 "policy-identification-incomplete" Warning "a policy without a version, a classification or an effective date";
    W0705 "document-review-overdue" Warning "a controlled document (SoA, risk register, treatment plan) past its review date";
    E0801 "audit-programme-incomplete" Error "a clause or an applicable Annex A control that no audit of the current audit cycle covers";
    E0802 "auditor-not-independent"  Error "an auditor who audits their own work";
    E0803 "audit-without-report"    Error "a performed audit without a report";
    E0804 "nonconformity-not-analysed" Error "a nonconformity without a root cause or a corrective action";
    E0805 "closed-without-verification" Error "a closed nonconformity whose effectiveness nobody verified";
    E0806 "review-incomplete"       Error "a management review without an input of clause 9.3.2 or without decisions";
    E0807 "competence-without-evidence" Error "a person who holds a role without evidence of a competence it requires";
    W0808 "audit-overdue"           Warning "a planned audit past its date and not performed";
    W0809 "action-overdue"          Warning "a corrective or review action past its due date";
    W0810 "review-overdue"          Warning "a last management review older than the review interval";
    W0811 "objective-without-result" Warning "an objective past its due date without a measurement result";
    W0812 "objective-not-met"       Warning "an objective past its due date whose latest result misses its target";
    W0813 "competence-expired"      Warning "evidence of a required competence that has expired";
}

impl Code {
    /// Whether a project may lower the severity of this code or silence it. Errors in the
    /// language itself (syntax, names, fields: `E0001`–`E0299`) are not configurable, since
    /// later stages rely on them; `deny` works for every code.
    pub fn configurable(self) -> bool {
        let s = self.as_str();
        s.starts_with('W')
            || s.get(1..)
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| n >= 300)
    }

    /// Whether the code reports a file that could not be read (E0011–E0014): the command line
    /// exits with 2, an I/O failure, whenever one is reported.
    pub fn is_io(self) -> bool {
        matches!(self, Code::E0011 | Code::E0012 | Code::E0013 | Code::E0014)
    }

    /// Whether this is a mistake of the language itself (`E0001`–`E0299`: syntax, names,
    /// fields and values), as opposed to a finding about the ISMS.
    pub fn is_language(self) -> bool {
        self.as_str()
            .get(1..)
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n < 300)
            && self.as_str().starts_with('E')
    }

    /// Looks a code up by its code (`E0102`, any case) or slug (`unknown-reference`).
    pub fn parse(s: &str) -> Option<Code> {
        let upper = s.to_ascii_uppercase();
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == upper || c.slug() == s)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
