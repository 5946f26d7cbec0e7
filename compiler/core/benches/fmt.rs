//! Time to format a 3,000-line file (the target is under 10 ms): `format` parses the text,
//! prints it, and runs its four safety checks (a second parse, the tree and comment
//! comparisons, a second printing). Run with `cargo bench -p ismsc-core --bench fmt`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ismsc_core::fmt::format;

/// A file of about `lines` lines in the style of a real project, its whitespace scrambled:
/// comments, aligned fields, lists that wrap, text blocks, one-line items, statements.
pub fn file(lines: usize) -> String {
    let mut s = String::from("// A generated ISMS file.\n\n");
    let mut i = 0;
    while s.lines().count() < lines {
        s.push_str(&format!(
            "// Person {i}, who owns what follows.\n\
             person p{i} \"Person {i}\" {{ role = \"Engineer\"  email = \"p{i}@example.com\" }}\n\n\
             asset a{i} \"Asset {i}\" {{\n\ttype = information\n    owner = p{i}   \n  classification = internal // default\n}}\n\n\
             control c{i} \"Control {i} with a longer title\" {{\n  satisfies = [A.5.{a}, A.8.{b}]\n  owner = p{i}\n  status = implemented\n  policy = [access-control, acceptable-use, operations-security, supplier-security, pol{i}]\n  description = \"\"\"\n      What the control does, over\n        two lines.\n      \"\"\"\n  evidence \"Export {i}\" {{ at = \"https://example.com/{i}\" collected = 2026-09-30 every = 90d }}\n}}\n\n\n\
             risk r{i} \"Risk {i}\" {{\n  owner = p{i} /* the owner */\n  assets = [a{i}]\n  likelihood = likely\n  impact = severe\n  treatment = mitigate\n  controls = [c{i}]\n  residual {{ likelihood = rare  impact = severe }}\n  accepted = p0 @ 2026-02-01 until 2027-02-01\n}}\n\n\
             applicability {{\n  A.5.{a} included \"Needed by risk {i}\"\n  A.7.{b} excluded \"No premises\" // reviewed\n}}\n\n",
            a = 1 + i % 37,
            b = 1 + i % 14,
        ));
        i += 1;
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = file(3_000);
    assert!(text.lines().count() >= 3_000);
    assert!(format(&text).is_ok());
    let mut group = c.benchmark_group("fmt");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("3000 lines", |b| b.iter(|| format(&text)));
    let formatted = format(&text).unwrap_or_default();
    group.bench_function("3000 lines, already formatted", |b| {
        b.iter(|| format(&formatted))
    });
    group.bench_function("3000 lines, parse only", |b| {
        b.iter(|| ismsc_core::syntax::parse_text(Default::default(), &text))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
