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
    (
        "<stdlib>/nist-csf-2.0/csf.isms",
        include_str!("../../../stdlib/nist-csf-2.0/csf.isms"),
    ),
    (
        "<stdlib>/nis2-2022/nis2.isms",
        include_str!("../../../stdlib/nis2-2022/nis2.isms"),
    ),
    (
        "<stdlib>/iso27701-2019/annex-a-b.isms",
        include_str!("../../../stdlib/iso27701-2019/annex-a-b.isms"),
    ),
    (
        "<stdlib>/iso27017-2015/cld.isms",
        include_str!("../../../stdlib/iso27017-2015/cld.isms"),
    ),
    (
        "<stdlib>/soc2-2017/tsc.isms",
        include_str!("../../../stdlib/soc2-2017/tsc.isms"),
    ),
    (
        "<stdlib>/mappings/nist-csf-2.0-to-iso27001-2022.isms",
        include_str!("../../../stdlib/mappings/nist-csf-2.0-to-iso27001-2022.isms"),
    ),
    (
        "<stdlib>/mappings/nis2-2022-to-iso27001-2022.isms",
        include_str!("../../../stdlib/mappings/nis2-2022-to-iso27001-2022.isms"),
    ),
];
