//! Throughput of `analyze` (parse, lower, resolve, graph, every check) on generated projects
//! of growing size. Run with `cargo bench -p isms-compiler`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ismsc_core::syntax::ast::Date;
use ismsc_core::{analyze, Input, Options};

/// A project with `n` entities: persons, assets, risks, controls and policies in the
/// proportions of a real ISMS, every Annex A control decided.
pub fn project(n: usize) -> Vec<(String, String)> {
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
             policy pol{i} \"Policy {i}\" {{ owner = p{i} approved = p0 @ 2026-06-01 review = 12mo covers = [{req}] }}\n\
             control c{i} \"Control {i}\" {{ satisfies = [{req}] owner = p{i} status = implemented policy = pol{i} }}\n\
             risk r{i} \"Risk {i}\" {{ owner = p{i} assets = [a{i}] likelihood = high impact = high treatment = mitigate controls = [c{i}]\n  residual {{ likelihood = low impact = high }} }}\n"
        ));
    }
    vec![
        (
            "isms.toml".into(),
            "[project]\nname = \"generated\"\n".into(),
        ),
        ("main.isms".into(), s),
    ]
}

fn bench(c: &mut Criterion) {
    let options = Options {
        today: Date {
            year: 2026,
            month: 11,
            day: 22,
        },
        deny_warnings: false,
    };
    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    for n in [1_000usize, 10_000, 100_000] {
        let files = project(n);
        let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &files, |b, files| {
            b.iter(|| {
                let a = analyze(Input::from_memory(files.clone()), &options);
                assert!(!a.has_errors(), "{:?}", a.diagnostics.first());
                a.diagnostics.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
