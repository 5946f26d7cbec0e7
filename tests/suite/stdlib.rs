//! The embedded standard library: it compiles clean, the list of embedded files matches
//! `stdlib/`, and every catalogue entry matches the reference data (when the reference data
//! is beside the repository; otherwise the comparison says it was skipped).

use std::collections::BTreeMap;

use ismsc_core::model::{Model, Relation};
use ismsc_core::source::Origin;
use ismsc_core::stdlib::FILES;
use serde_json::Value;

use crate::harness::{compile_text, repo, shared};

fn model() -> Model {
    let a = compile_text(
        "main.isms",
        "isms \"x\" { organization = \"x\" standard = iso27001:2022 owner = p }\nperson p \"P\" {}\n",
    );
    // The project is nearly empty, so it has findings of its own (undecided controls, missing
    // documents); none may be in the catalogues or about the language.
    let bad: Vec<String> = a
        .diagnostics
        .iter()
        .filter(|d| {
            a.sources.get(d.primary.span.file).map(|f| f.origin) == Some(Origin::Stdlib)
                || !d.code.configurable()
        })
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(bad.is_empty(), "stdlib is not clean: {bad:?}");
    a.model
}

fn reference(name: &str) -> Option<Value> {
    let Some(dir) = shared() else {
        eprintln!("skipped: the shared reference data is not beside this checkout");
        return None;
    };
    let text = std::fs::read_to_string(dir.join("reference").join(name)).ok()?;
    serde_json::from_str(&text).ok()
}

#[test]
fn embedded_files_match_the_stdlib_folder() {
    let mut on_disk = Vec::new();
    for edition in std::fs::read_dir(repo().join("stdlib"))
        .expect("stdlib/")
        .flatten()
    {
        if edition.path().is_dir() {
            for f in std::fs::read_dir(edition.path())
                .expect("readable")
                .flatten()
            {
                let p = f.path();
                if p.extension().is_some_and(|e| e == "isms") {
                    let rel = p.strip_prefix(repo().join("stdlib")).expect("below stdlib");
                    on_disk.push(format!("<stdlib>/{}", rel.to_string_lossy()));
                }
            }
        }
    }
    on_disk.sort();
    let mut embedded: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
    embedded.sort();
    assert_eq!(embedded, on_disk);
}

#[test]
fn annex_a_2022_matches_the_reference() {
    let m = model();
    let rows: Vec<_> = m.requirements_of("iso27001:2022").collect();
    assert_eq!(rows.len(), 93);
    let mut themes: BTreeMap<String, usize> = BTreeMap::new();
    for (_, r) in &rows {
        *themes.entry(r.groups[0].0.clone()).or_default() += 1;
    }
    assert_eq!(themes["organizational"], 37);
    assert_eq!(themes["people"], 8);
    assert_eq!(themes["physical"], 14);
    assert_eq!(themes["technological"], 34);
    let Some(reference) = reference("iso27001-2022-annex-a.json") else {
        return;
    };
    let controls = reference["controls"].as_array().expect("controls");
    assert_eq!(controls.len(), rows.len());
    let set = |v: &Value| -> Vec<String> {
        let mut s: Vec<String> = v
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(String::from))
            .collect();
        s.sort();
        s
    };
    for (c, (_, r)) in controls.iter().zip(&rows) {
        assert_eq!(
            c["annex_a_id"].as_str(),
            Some(r.id.as_str()),
            "order differs at {}",
            r.id
        );
        assert_eq!(
            c["title"].as_str(),
            Some(r.title.as_str()),
            "title of {}",
            r.id
        );
        assert_eq!(
            c["theme"].as_str(),
            Some(r.groups[0].0.as_str()),
            "theme of {}",
            r.id
        );
        for (json, attr) in [
            ("control_type", "control_type"),
            ("infosec_properties", "properties"),
            ("cybersecurity_concepts", "concepts"),
            ("operational_capabilities", "capabilities"),
            ("security_domains", "domains"),
        ] {
            let mut ours = r.attribute(attr).to_vec();
            ours.sort();
            assert_eq!(set(&c[json]), ours, "{attr} of {}", r.id);
        }
        let new = c["new_in_2022"].as_bool().unwrap_or(false);
        assert_eq!(new, r.attribute("new") == ["true"], "`new` of {}", r.id);
    }
}

#[test]
fn annex_a_2013_matches_the_reference() {
    let m = model();
    let rows: Vec<_> = m.requirements_of("iso27001:2013").collect();
    assert_eq!(rows.len(), 114);
    let Some(reference) = reference("iso27001-2013-annex-a.json") else {
        return;
    };
    let controls = reference["controls"].as_array().expect("controls");
    for (c, (_, r)) in controls.iter().zip(&rows) {
        assert_eq!(c["id"].as_str(), Some(r.id.as_str()));
        assert_eq!(
            c["title"].as_str(),
            Some(r.title.as_str()),
            "title of {}",
            r.id
        );
        assert_eq!(
            c["clause"].as_str(),
            Some(r.groups[0].0.as_str()),
            "clause of {}",
            r.id
        );
        assert_eq!(c["clause_title"].as_str(), Some(r.groups[0].1.as_str()));
        assert_eq!(
            c["objective"].as_str(),
            Some(r.groups[1].0.as_str()),
            "objective of {}",
            r.id
        );
        assert_eq!(c["objective_title"].as_str(), Some(r.groups[1].1.as_str()));
    }
}

#[test]
fn mapping_2013_to_2022_matches_the_reference() {
    let m = model();
    let mapping = m
        .mappings
        .iter()
        .find(|x| x.from == "iso27001:2013" && x.to == "iso27001:2022")
        .expect("the 2013 -> 2022 mapping is embedded");
    assert_eq!(mapping.links.len(), 115);
    assert!(mapping
        .links
        .iter()
        .all(|l| l.from.target.is_some() && l.to.target.is_some()));
    let Some(reference) = reference("mapping-2013-to-2022.json") else {
        return;
    };
    let mut expected: Vec<(String, String)> = Vec::new();
    for row in reference["reverse_2013_to_2022"]
        .as_array()
        .expect("reverse")
    {
        for to in row["2022"].as_array().expect("list") {
            expected.push((
                row["2013"].as_str().unwrap_or("").to_string(),
                format!("A.{}", to.as_str().unwrap_or("")),
            ));
        }
    }
    let ours: Vec<(String, String)> = mapping
        .links
        .iter()
        .map(|l| (l.from.id.clone(), l.to.id.clone()))
        .collect();
    assert_eq!(ours, expected);
    // One 2013 control with two successors: its links intersect; the others are equal or subset.
    for l in &mapping.links {
        let fanout = mapping
            .links
            .iter()
            .filter(|x| x.from.id == l.from.id)
            .count();
        if fanout > 1 {
            assert_eq!(l.relation, Relation::Intersects, "{}", l.from.id);
        } else {
            assert!(
                matches!(l.relation, Relation::Equal | Relation::Subset),
                "{}",
                l.from.id
            );
        }
    }
}

#[test]
fn clauses_match_the_reference() {
    let m = model();
    assert_eq!(m.clauses.len(), 41);
    assert_eq!(m.documented.len(), 16);
    let Some(reference) = reference("iso27001-2022-clauses.json") else {
        return;
    };
    for (c, ours) in reference["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .zip(&m.clauses)
    {
        assert_eq!(c["id"].as_str(), Some(ours.id.as_str()));
        assert_eq!(
            c["title"].as_str(),
            Some(ours.title.as_str()),
            "title of clause {}",
            ours.id
        );
        assert_eq!(
            c["parent"].as_str(),
            ours.parent.as_deref(),
            "parent of clause {}",
            ours.id
        );
    }
    for (d, ours) in reference["documented_information"]
        .as_array()
        .expect("docs")
        .iter()
        .zip(&m.documented)
    {
        assert_eq!(d["key"].as_str(), Some(ours.key.as_str()));
        assert_eq!(d["clause"].as_str(), Some(ours.clause.as_str()));
        assert_eq!(d["form"].as_str(), Some(ours.form.as_str()));
    }
}
