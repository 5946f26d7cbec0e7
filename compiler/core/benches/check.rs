//! Throughput of the compiler's core on generated projects. Run with
//! `cargo bench -p ismsc-core` (or `-- parse`, `-- analyze`, `-- outputs` for one group).
//!
//! Two shapes of project, both deterministic:
//! - the *realistic* shape: the 93 Annex A controls and `n` entities (persons, assets,
//!   policies, controls and risks in the proportions of a real ISMS), every control decided;
//! - the *workload*: one framework of `n` requirements, `n/2` risks, `n/5` assets, `n/10`
//!   policies, controls satisfying 90% of the requirements, justified exclusions of 9% and
//!   1% undecided (each a finding to render).
//!
//! Groups: `parse` (text to trees, well-formed and broken), `analyze` (parse, lower, resolve,
//! facts and every check), `outputs` (the machine-readable files from a finished analysis).

// The binary's allocator, so the figures are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ismsc_core::source::{Origin, SourceMap};
use ismsc_core::syntax::ast::Date;
use ismsc_core::{analyze, Input, Options};

fn options() -> Options {
    Options {
        today: Date {
            year: 2026,
            month: 11,
            day: 22,
        },
        deny_warnings: false,
    }
}

const MANIFEST: &str = "[project]\nname = \"generated\"\n";

/// The realistic shape: `n` entities against the 93 Annex A controls.
pub fn realistic(n: usize) -> Vec<(String, String)> {
    let mut s = String::from(
        "isms \"Generated\" { organization = \"Gen\" standard = iso27001:2022 owner = p0 }\n\
         scope { description = \"all\" }\n\
         context { climate_change = \"not relevant\" }\n\
         risk_method {\n  likelihood = scale { low = 1, high = 3 }\n  impact = scale { low = 1, high = 3 }\n  accept_at_or_below = 4\n}\n\
         objective o \"Objective\" { owner = p0 }\n",
    );
    let groups = n / 5;
    let annex: Vec<String> = (1..=37)
        .map(|i| format!("A.5.{i}"))
        .chain((1..=8).map(|i| format!("A.6.{i}")))
        .chain((1..=14).map(|i| format!("A.7.{i}")))
        .chain((1..=34).map(|i| format!("A.8.{i}")))
        .collect();
    for i in 0..groups.max(1) {
        let req = &annex[i % annex.len()];
        s.push_str(&format!(
            "person p{i} \"Person {i}\" {{ role = \"Engineer\" }}\n\
             asset a{i} \"Asset {i}\" {{ type = information owner = p{i} classification = internal }}\n\
             policy pol{i} \"Policy {i}\" {{ owner = p{i} approved = p0 @ 2026-06-01 review = 12mo covers = [{req}] version = \"1.0\" classification = internal effective = 2026-06-01 }}\n\
             control c{i} \"Control {i}\" {{ satisfies = [{req}] owner = p{i} status = implemented policy = pol{i} }}\n\
             risk r{i} \"Risk {i}\" {{ owner = p{i} assets = [a{i}] likelihood = high impact = high treatment = mitigate controls = [c{i}]\n  residual {{ likelihood = low impact = high }} }}\n"
        ));
    }
    vec![
        ("isms.toml".into(), MANIFEST.into()),
        ("main.isms".into(), s),
    ]
}

/// The workload: one framework of `n` requirements and `n/2` risks, `n/5` assets, `n/10`
/// policies; every 100th requirement undecided.
pub fn workload(n: usize) -> Vec<(String, String)> {
    let mut fw = String::from("framework gen:1 \"Generated framework\" {\n");
    for g in 0..n.div_ceil(100) {
        fw.push_str(&format!("  group g{g} \"Group {g}\" {{\n"));
        for r in g * 100..((g + 1) * 100).min(n) {
            fw.push_str(&format!("    requirement R.{r} \"Requirement {r}\" {{}}\n"));
        }
        fw.push_str("  }\n");
    }
    fw.push_str("}\n");
    let mut s = String::from(
        "isms \"Generated\" { organization = \"Gen\" standard = gen:1 owner = p0 }\n\
         scope { description = \"all\" }\n\
         context { climate_change = \"not relevant\" }\n\
         risk_method {\n  likelihood = scale { low = 1, high = 3 }\n  impact = scale { low = 1, high = 3 }\n  accept_at_or_below = 4\n}\n\
         objective o \"Objective\" { owner = p0 }\n",
    );
    let people = (n / 20).max(1);
    for p in 0..people {
        s.push_str(&format!(
            "person p{p} \"Person {p}\" {{ role = \"Engineer\" }}\n"
        ));
    }
    for a in 0..n / 5 {
        s.push_str(&format!(
            "asset a{a} \"Asset {a}\" {{ type = information owner = p{} classification = internal }}\n",
            a % people
        ));
    }
    for p in 0..n / 10 {
        s.push_str(&format!(
            "policy pol{p} \"Policy {p}\" {{ owner = p{} approved = p0 @ 2026-06-01 review = 12mo covers = [R.{}] version = \"1.0\" classification = internal effective = 2026-06-01 }}\n",
            p % people,
            p * 10
        ));
    }
    // Requirement r: undecided when r % 100 == 99, excluded when r % 10 == 9 (and not
    // undecided), else satisfied by control c(r / 2) (two requirements per control).
    let mut applicability = String::from("applicability {\n");
    for c in 0..n.div_ceil(2) {
        let reqs: Vec<String> = [2 * c, 2 * c + 1]
            .into_iter()
            .filter(|r| *r < n && r % 10 != 9)
            .map(|r| format!("R.{r}"))
            .collect();
        if reqs.is_empty() {
            continue;
        }
        s.push_str(&format!(
            "control c{c} \"Control {c}\" {{ satisfies = [{}] owner = p{} status = implemented policy = pol{} }}\n",
            reqs.join(", "),
            c % people,
            c % (n / 10).max(1)
        ));
    }
    for r in (0..n).filter(|r| r % 10 == 9 && r % 100 != 99) {
        applicability.push_str(&format!(
            "  R.{r} excluded \"Not relevant: the organisation has no such activity\"\n"
        ));
    }
    applicability.push_str("}\n");
    // Each risk names the requirements of its control in `requires`, so that they are
    // justified by it (a risk justifies only what it needs).
    for k in 0..n / 2 {
        let c = k % n.div_ceil(2);
        let needs: Vec<String> = [2 * c, 2 * c + 1]
            .into_iter()
            .filter(|r| *r < n && r % 10 != 9)
            .map(|r| format!("R.{r}"))
            .collect();
        s.push_str(&format!(
            "risk rk{k} \"Risk {k}\" {{ owner = p{} assets = [a{}] likelihood = high impact = high treatment = mitigate controls = [c{c}] requires = [{}]\n  residual {{ likelihood = low impact = high }} }}\n",
            k % people,
            k % (n / 5).max(1),
            needs.join(", ")
        ));
    }
    vec![
        ("isms.toml".into(), MANIFEST.into()),
        ("framework.isms".into(), fw),
        ("applicability.isms".into(), applicability),
        ("main.isms".into(), s),
    ]
}

/// `n` broken items in one file: each control misses its closing brace.
pub fn broken(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "control c{i} \"Control {i}\" {{\n  owner = p{i}\n  status = implemented\n\n"
        ));
    }
    s
}

fn bytes(files: &[(String, String)]) -> u64 {
    files.iter().map(|(_, t)| t.len() as u64).sum()
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    let mut cases: Vec<(String, Vec<(String, String)>)> = [1_000usize, 10_000, 100_000]
        .into_iter()
        .map(|n| (format!("realistic-{n}"), realistic(n)))
        .collect();
    cases.push((
        "broken-80000".into(),
        vec![("broken.isms".into(), broken(80_000))],
    ));
    for (name, files) in cases {
        let mut sources = SourceMap::new();
        let ids: Vec<_> = files
            .iter()
            .filter(|(n, _)| n.ends_with(".isms"))
            .map(|(n, t)| sources.add(n.clone(), t.clone(), Origin::Project))
            .collect();
        group.throughput(Throughput::Bytes(bytes(&files)));
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| ismsc_core::syntax::parse_files(&sources, &ids).len())
        });
    }
    group.finish();
}

fn analyze_group(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    let mut cases: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for n in [1_000usize, 10_000, 100_000] {
        cases.push((format!("realistic-{n}"), realistic(n)));
    }
    for n in [1_000usize, 10_000, 100_000] {
        cases.push((format!("workload-{n}"), workload(n)));
    }
    for (name, files) in cases {
        group.throughput(Throughput::Bytes(bytes(&files)));
        group.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| {
                analyze(Input::from_memory(files.clone()), &options())
                    .diagnostics
                    .len()
            })
        });
    }
    group.finish();
}

fn outputs(c: &mut Criterion) {
    let mut group = c.benchmark_group("outputs");
    group.sample_size(10);
    for n in [1_000usize, 10_000, 100_000] {
        let analysis = analyze(Input::from_memory(workload(n)), &options());
        group.bench_function(BenchmarkId::from_parameter(format!("workload-{n}")), |b| {
            b.iter(|| {
                let docs = ismsc_core::emit::Docs::new(&analysis);
                let files = ismsc_core::emit::data(&analysis, &docs).unwrap_or_default();
                let human = ismsc_core::diag::render::human(
                    &analysis.diagnostics,
                    &analysis.sources,
                    ismsc_core::diag::render::HumanStyle {
                        color: false,
                        width: 100,
                    },
                );
                let json = ismsc_core::diag::render::json(&analysis.diagnostics, &analysis.sources);
                files.len() + human.len() + json.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse, analyze_group, outputs);
criterion_main!(benches);
