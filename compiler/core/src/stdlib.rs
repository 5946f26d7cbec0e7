//! The standard library: framework catalogues written in the language, embedded in the
//! binary so a project needs no download.
//!
//! **Architecture Invariant:** the Rust code holds no control ids; everything about a
//! catalogue comes from these files, which go through the same pipeline as the user's.

/// `(virtual name, source)` of every embedded file, in load order.
pub const FILES: &[(&str, &str)] = &[
    (
        "<stdlib>/iso27001-2022/annex-a.isms",
        include_str!("../../../stdlib/iso27001-2022/annex-a.isms"),
    ),
    (
        "<stdlib>/iso27001-2022/clauses.isms",
        include_str!("../../../stdlib/iso27001-2022/clauses.isms"),
    ),
    (
        "<stdlib>/iso27001-2013/annex-a.isms",
        include_str!("../../../stdlib/iso27001-2013/annex-a.isms"),
    ),
    (
        "<stdlib>/mappings/iso27001-2013-to-2022.isms",
        include_str!("../../../stdlib/mappings/iso27001-2013-to-2022.isms"),
    ),
];
