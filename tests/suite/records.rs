//! The check and act records of acme (clauses 7.2, 9 and 10): the project checks clean, and
//! each way a record can fall short gives exactly one finding with its own code.

use crate::harness::repo;
use crate::recovery::{analyze_files, findings, project_files};

/// acme with `find` replaced by `with` in every file that holds it (at least one).
fn acme_with(edits: &[(&str, &str, &str)]) -> Vec<String> {
    let mut files = project_files(&repo().join("examples/acme"));
    for (file, find, with) in edits {
        let (_, text) = files
            .iter_mut()
            .find(|(n, _)| n == file)
            .unwrap_or_else(|| panic!("no {file}"));
        assert!(text.contains(find), "`{find}` not in {file}");
        *text = text.replace(find, with);
    }
    findings(&analyze_files(files))
}

#[test]
fn acme_records_check_clean() {
    assert_eq!(acme_with(&[]), Vec::<String>::new());
}

#[test]
fn a_review_without_an_input_is_one_finding() {
    let got = acme_with(&[(
        "reviews.isms",
        "    monitoring       = \"Phishing-resistant MFA",
        "    // monitoring = \"Phishing-resistant MFA",
    )]);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].starts_with("E0806 reviews.isms:"), "{got:#?}");
    assert!(got[0].contains("no input `monitoring`"), "{got:#?}");
}

#[test]
fn a_corrective_action_past_its_due_date_is_one_finding() {
    let got = acme_with(&[(
        "improvement.isms",
        "    owner = ciso\n    due   = 2027-01-31\n  }",
        "    owner = ciso\n    due   = 2026-11-01\n  }",
    )]);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].starts_with("W0809 improvement.isms:"), "{got:#?}");
}

#[test]
fn a_nonconformity_closed_without_verification_is_one_finding() {
    let got = acme_with(&[(
        "improvement.isms",
        "  verified      = ext-auditor @ 2026-10-27\n",
        "",
    )]);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].starts_with("E0805 improvement.isms:"), "{got:#?}");
}

#[test]
fn a_programme_without_clause_8_is_one_finding() {
    let got = acme_with(&[
        (
            "audits.isms",
            "covers    = [4, 5, 6, 7, 8, 9, 10]",
            "covers    = [4, 5, 6, 7, 9, 10]",
        ),
        (
            "audits.isms",
            "covers   = [4, 5, 6, 7, 8, 9, 10]",
            "covers   = [4, 5, 6, 7, 9, 10]",
        ),
    ]);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].starts_with("E0801 audits.isms:"), "{got:#?}");
    assert!(got[0].contains("clause 8 "), "{got:#?}");
}
