//! The grammar of record as an oracle: `grammar.pest` must accept exactly what the parser
//! accepts without a syntax error, and describe the same tree.
//!
//! Both sides are written out as the same small S-expressions (items, fields, statements,
//! values with their spans, and the comments), built independently: from pest's pairs here,
//! and from the parser's tree.

use ismsc_core::source::FileId;
use ismsc_core::syntax::ast::Date;
use ismsc_core::syntax::ast::{self, Body, Entry, HeadName, Item, Value, ValueKind};
use pest::iterators::Pair;
use pest::Parser as _;
use proptest::prelude::*;

#[derive(pest_derive::Parser)]
#[grammar = "../compiler/core/src/syntax/grammar.pest"]
struct Grammar;

// ----- the parser's side ------------------------------------------------------------------

fn span(s: ismsc_core::source::Span) -> String {
    format!("{}..{}", s.start, s.end)
}

fn ours_item(i: &Item, out: &mut String) {
    out.push_str(&format!(
        "(item {}@{}",
        i.keyword.text,
        span(i.keyword.span)
    ));
    match &i.name {
        Some(HeadName::Id(n)) => out.push_str(&format!(" id:{}@{}", n.text, span(n.span))),
        Some(HeadName::Framework(f)) => out.push_str(&format!(" fw:{}@{}", f.key, span(f.span))),
        Some(HeadName::Mapping(a, b)) => out.push_str(&format!(
            " map:{}@{}->{}@{}",
            a.key,
            span(a.span),
            b.key,
            span(b.span)
        )),
        None => {}
    }
    if let Some(t) = &i.title {
        out.push_str(&format!(
            " title:{:?}/{}@{}",
            t.value,
            t.block,
            span(t.span)
        ));
    }
    out.push(' ');
    ours_body(&i.body, out);
    out.push_str(&format!(" {})", span(i.span)));
}

fn ours_body(b: &Body, out: &mut String) {
    out.push_str(&format!("(body {}", span(b.span)));
    for e in &b.entries {
        out.push(' ');
        match e {
            Entry::Field(f) => {
                out.push_str(&format!("(field {}@{} ", f.name.text, span(f.name.span)));
                ours_value(&f.value, out);
                out.push_str(&format!(" {})", span(f.span)));
            }
            Entry::Block(b) => ours_item(b, out),
            Entry::Statement(s) => {
                out.push_str("(stmt ");
                if let Some(f) = &s.framework {
                    out.push_str(&format!("{}@{}/", f.key, span(f.span)));
                }
                out.push_str(&format!(
                    "{}@{} {}@{}",
                    s.subject.text,
                    span(s.subject.span),
                    s.verb.text,
                    span(s.verb.span)
                ));
                if let Some(a) = &s.arg {
                    out.push(' ');
                    ours_value(a, out);
                }
                out.push_str(&format!(" {})", span(s.span)));
            }
            Entry::Error(e) => out.push_str(&format!("(error {})", span(e.span))),
        }
    }
    out.push(')');
}

fn ours_value(v: &Value, out: &mut String) {
    let s = span(v.span);
    match &v.kind {
        ValueKind::Str(x) => out.push_str(&format!("(str {:?}/{} {s})", x.value, x.block)),
        ValueKind::Date(d) => out.push_str(&format!("(date {d} {s})")),
        ValueKind::Duration(d) => out.push_str(&format!("(dur {d} {s})")),
        ValueKind::Int(n) => out.push_str(&format!("(int {n} {s})")),
        ValueKind::Bool(b) => out.push_str(&format!("(bool {b} {s})")),
        ValueKind::Ref(n) => out.push_str(&format!("(ref {} {s})", n.text)),
        ValueKind::Qualified(q) => out.push_str(&format!(
            "(qual {}@{} {}@{} {s})",
            q.framework.key,
            span(q.framework.span),
            q.id.text,
            span(q.id.span)
        )),
        ValueKind::Framework(f) => out.push_str(&format!("(fw {} {s})", f.key)),
        ValueKind::List(items) => {
            out.push_str("(list");
            for i in items {
                out.push(' ');
                ours_value(i, out);
            }
            out.push_str(&format!(" {s})"));
        }
        ValueKind::Pair(p) => out.push_str(&format!(
            "(pair {}@{} {:?}/{}@{} {s})",
            p.key.text,
            span(p.key.span),
            p.value.value,
            p.value.block,
            span(p.value.span)
        )),
        ValueKind::SignOff(so) => out.push_str(&format!(
            "(signoff {}@{} {} {:?} {s})",
            so.who.text,
            span(so.who.span),
            so.date,
            so.until.map(|u| u.to_string())
        )),
        ValueKind::File(p) => out.push_str(&format!("(file {:?}@{} {s})", p.value, span(p.span))),
        ValueKind::Scale(b) => {
            out.push_str("(scale ");
            ours_body(b, out);
            out.push_str(&format!(" {s})"));
        }
        ValueKind::Invalid => out.push_str(&format!("(invalid {s})")),
    }
}

fn ours(file: &ast::File) -> String {
    let mut out = String::new();
    for i in &file.items {
        ours_item(i, &mut out);
        out.push('\n');
    }
    for c in &file.comments {
        out.push_str(&format!("(comment {:?} {})\n", c.text, span(c.span)));
    }
    out
}

// ----- pest's side ------------------------------------------------------------------------

type P<'a> = Pair<'a, Rule>;

fn ps(p: &P) -> String {
    format!("{}..{}", p.as_span().start(), p.as_span().end())
}

fn kids<'a>(p: &P<'a>) -> Vec<P<'a>> {
    p.clone()
        .into_inner()
        .filter(|c| c.as_rule() != Rule::COMMENT)
        .collect()
}

fn first<'a>(p: &P<'a>) -> P<'a> {
    kids(p).into_iter().next().expect("an inner pair")
}

fn start(p: &P) -> usize {
    p.as_span().start()
}

fn end(p: &P) -> usize {
    p.as_span().end()
}

/// The value of a `str` pair: `(value, block)`.
fn pest_str(p: &P) -> (String, bool) {
    let inner = if matches!(p.as_rule(), Rule::str) {
        first(p)
    } else {
        p.clone()
    };
    let raw = inner.as_str();
    if inner.as_rule() == Rule::text_block {
        return (ismsc_core::syntax::dedent(&raw[3..raw.len() - 3]), true);
    }
    let body = &raw[1..raw.len() - 1];
    let mut v = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            v.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => v.push('\n'),
            Some('t') => v.push('\t'),
            Some(o) => v.push(o),
            None => v.push('\\'),
        }
    }
    (v, false)
}

fn pest_item(p: &P, out: &mut String) {
    let parts = kids(p);
    let kw = parts
        .iter()
        .find(|c| c.as_rule() == Rule::keyword)
        .expect("keyword");
    out.push_str(&format!("(item {}@{}", kw.as_str(), ps(kw)));
    if let Some(h) = parts.iter().find(|c| c.as_rule() == Rule::head_name) {
        let hk = kids(h);
        let fws: Vec<&P> = hk
            .iter()
            .filter(|c| c.as_rule() == Rule::framework_ref)
            .collect();
        match fws.as_slice() {
            [a, b] => out.push_str(&format!(
                " map:{}@{}->{}@{}",
                a.as_str(),
                ps(a),
                b.as_str(),
                ps(b)
            )),
            [a] => out.push_str(&format!(" fw:{}@{}", a.as_str(), ps(a))),
            _ => {
                let id = &hk[0];
                out.push_str(&format!(" id:{}@{}", id.as_str(), ps(id)));
            }
        }
    }
    if let Some(t) = parts.iter().find(|c| c.as_rule() == Rule::title) {
        let s = first(t);
        let (v, block) = pest_str(&s);
        out.push_str(&format!(" title:{v:?}/{block}@{}", ps(&s)));
    }
    let body = parts
        .iter()
        .find(|c| c.as_rule() == Rule::body)
        .expect("body");
    out.push(' ');
    pest_body(body, out);
    out.push_str(&format!(" {}..{})", start(kw), end(body)));
}

fn pest_body(p: &P, out: &mut String) {
    out.push_str(&format!("(body {}", ps(p)));
    for e in kids(p).into_iter().filter(|c| c.as_rule() == Rule::entry) {
        let e = first(&e);
        out.push(' ');
        match e.as_rule() {
            Rule::field => {
                let parts = kids(&e);
                let name = &parts[0];
                out.push_str(&format!("(field {}@{} ", name.as_str(), ps(name)));
                let value = parts
                    .iter()
                    .find(|c| c.as_rule() == Rule::value)
                    .expect("value");
                let (text, vend) = pest_value(&first(value));
                out.push_str(&text);
                out.push_str(&format!(" {}..{})", start(name), vend.max(end(name))));
            }
            Rule::block => pest_item(&e, out),
            Rule::statement => {
                let parts = kids(&e);
                let subject = first(&first(&parts[0]));
                out.push_str("(stmt ");
                if subject.as_rule() == Rule::qualified_ref {
                    let t = subject.as_str();
                    let slash = t.find('/').expect("a slash");
                    let s0 = start(&subject);
                    out.push_str(&format!(
                        "{}@{}..{}/{}@{}..{}",
                        &t[..slash],
                        s0,
                        s0 + slash,
                        &t[slash + 1..],
                        s0 + slash + 1,
                        end(&subject)
                    ));
                } else {
                    out.push_str(&format!("{}@{}", subject.as_str(), ps(&subject)));
                }
                let verb = &parts[1];
                out.push_str(&format!(" {}@{}", verb.as_str(), ps(verb)));
                let mut stop = end(verb);
                if let Some(arg) = parts.get(2) {
                    let a = first(arg);
                    let a = if a.as_rule() == Rule::req_ref {
                        first(&a)
                    } else {
                        a
                    };
                    let (text, aend) = match a.as_rule() {
                        Rule::str => {
                            let s = first(&a);
                            let (v, block) = pest_str(&s);
                            (format!("(str {v:?}/{block} {})", ps(&s)), end(&s))
                        }
                        _ => pest_value(&a),
                    };
                    out.push(' ');
                    out.push_str(&text);
                    stop = aend;
                }
                out.push_str(&format!(" {}..{})", start(&parts[0]), stop));
            }
            r => panic!("unexpected entry {r:?}"),
        }
    }
    out.push(')');
}

/// A value's S-expression and where it ends.
fn pest_value(p: &P) -> (String, usize) {
    let s = ps(p);
    let text = p.as_str();
    let out = match p.as_rule() {
        Rule::value | Rule::list_value => return pest_value(&first(p)),
        Rule::str => {
            let (v, block) = pest_str(p);
            format!("(str {v:?}/{block} {s})")
        }
        Rule::date => match Date::parse(text) {
            Some(d) => format!("(date {d} {s})"),
            None => format!("(invalid {s})"),
        },
        Rule::duration => {
            let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            match digits.parse::<u32>() {
                Ok(n) if n <= 100_000 => format!("(dur {n}{} {s})", &text[digits.len()..]),
                _ => format!("(invalid {s})"),
            }
        }
        Rule::integer => match text.parse::<u32>() {
            Ok(n) => format!("(int {n} {s})"),
            Err(_) => format!("(invalid {s})"),
        },
        Rule::malformed => format!("(invalid {s})"),
        Rule::boolean => format!("(bool {text} {s})"),
        Rule::path | Rule::req_id => format!("(ref {text} {s})"),
        Rule::framework_ref => format!("(fw {text} {s})"),
        Rule::qualified_ref => {
            let slash = text.find('/').expect("a slash");
            let s0 = start(p);
            format!(
                "(qual {}@{}..{} {}@{}..{} {s})",
                &text[..slash],
                s0,
                s0 + slash,
                &text[slash + 1..],
                s0 + slash + 1,
                end(p)
            )
        }
        Rule::list => {
            let mut o = String::from("(list");
            for e in kids(p)
                .into_iter()
                .filter(|c| c.as_rule() == Rule::list_elem)
            {
                o.push(' ');
                o.push_str(&pest_value(&first(&e)).0);
            }
            o.push_str(&format!(" {s})"));
            o
        }
        Rule::pair => {
            let parts = kids(p);
            let key = &parts[0];
            let st = parts
                .iter()
                .find(|c| c.as_rule() == Rule::str)
                .expect("str");
            let (v, block) = pest_str(st);
            let inner = first(st);
            return (
                format!(
                    "(pair {}@{} {v:?}/{block}@{} {}..{})",
                    key.as_str(),
                    ps(key),
                    ps(&inner),
                    start(key),
                    end(st)
                ),
                end(st),
            );
        }
        Rule::sign_off => {
            let parts = kids(p);
            let who = &parts[0];
            let dates: Vec<&P> = parts.iter().filter(|c| c.as_rule() == Rule::date).collect();
            let last = end(dates.last().expect("a date"));
            let parsed: Vec<Option<Date>> = dates.iter().map(|d| Date::parse(d.as_str())).collect();
            let span = format!("{}..{}", start(who), last);
            return (
                match parsed.as_slice() {
                    [Some(d)] => format!("(signoff {}@{} {d} None {span})", who.as_str(), ps(who)),
                    [Some(d), Some(u)] => format!(
                        "(signoff {}@{} {d} {:?} {span})",
                        who.as_str(),
                        ps(who),
                        Some(u.to_string())
                    ),
                    _ => format!("(invalid {span})"),
                },
                last,
            );
        }
        Rule::file_call => {
            let st = kids(p)
                .into_iter()
                .find(|c| c.as_rule() == Rule::str)
                .expect("str");
            let (v, _) = pest_str(&st);
            format!("(file {v:?}@{} {s})", ps(&first(&st)))
        }
        Rule::scale => {
            let body = kids(p)
                .into_iter()
                .find(|c| c.as_rule() == Rule::body)
                .expect("body");
            let mut o = String::from("(scale ");
            pest_body(&body, &mut o);
            o.push_str(&format!(" {s})"));
            o
        }
        r => panic!("unexpected value {r:?}"),
    };
    (out, end(p))
}

fn comments(p: P, out: &mut Vec<(usize, String)>) {
    if p.as_rule() == Rule::COMMENT {
        let text = p.as_str().trim_end();
        out.push((
            start(&p),
            format!(
                "(comment {:?} {}..{})\n",
                text,
                start(&p),
                start(&p) + text.len()
            ),
        ));
        return;
    }
    for c in p.into_inner() {
        comments(c, out);
    }
}

/// pest's view of `text`: the tree, or `None` when the grammar refuses it.
fn pest(text: &str) -> Option<String> {
    let file = Grammar::parse(Rule::file, text).ok()?.next()?;
    let mut out = String::new();
    for item in kids(&file)
        .into_iter()
        .filter(|c| c.as_rule() == Rule::item)
    {
        pest_item(&item, &mut out);
        out.push('\n');
    }
    let mut cs = Vec::new();
    comments(file, &mut cs);
    cs.sort_by_key(|c| c.0);
    for (_, c) in cs {
        out.push_str(&c);
    }
    Some(out)
}

/// Checks the parser against the grammar on `text`; returns whether both accept it.
pub fn agrees(name: &str, text: &str) -> bool {
    let (tree, diags) = ismsc_core::syntax::parse_text(FileId::default(), text);
    // The nesting limit (E0002) is the implementation's, not the grammar's.
    if diags.iter().any(|d| d.code.as_str() == "E0002") {
        return false;
    }
    let syntax_errors: Vec<String> = diags
        .iter()
        .filter(|d| d.code.as_str() == "E0001")
        .map(|d| format!("{} {}", d.code.as_str(), d.message))
        .collect();
    let oracle = pest(text);
    match (&oracle, syntax_errors.is_empty()) {
        (Some(expected), true) => {
            assert_eq!(&ours(&tree), expected, "{name}: the trees differ\n--- text\n{text}");
            true
        }
        (None, false) => false,
        (Some(_), false) => panic!("{name}: the grammar accepts what the parser reports: {syntax_errors:?}\n--- text\n{text}"),
        (None, true) => panic!("{name}: the parser accepts what the grammar refuses\n--- text\n{text}\n--- tree\n{}", ours(&tree)),
    }
}

/// Every `.isms` file below `dir`.
pub fn isms_files(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            if e.file_name() != "dist" && e.file_name() != "node_modules" {
                isms_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "isms") {
            if let Ok(text) = std::fs::read_to_string(&p) {
                out.push((p.display().to_string(), text));
            }
        }
    }
}

#[test]
fn the_parser_agrees_with_the_grammar_on_every_file_of_the_repository() {
    let root = crate::harness::repo();
    let mut valid: Vec<(String, String)> = ismsc_core::stdlib::FILES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    isms_files(&root.join("stdlib"), &mut valid);
    isms_files(&root.join("examples"), &mut valid);
    isms_files(&root.join("tests/ui/pass"), &mut valid);
    isms_files(&root.join("tests/emit"), &mut valid);
    assert!(valid.len() > 20, "{}", valid.len());
    for (name, text) in &valid {
        assert!(agrees(name, text), "{name} has a syntax error");
    }
    assert!(
        agrees("every shape", EVERY_SHAPE),
        "every shape has a syntax error"
    );
    let mut fixtures = Vec::new();
    isms_files(&root.join("tests/ui/fail"), &mut fixtures);
    isms_files(&root.join("tests/recovery"), &mut fixtures);
    assert!(fixtures.len() > 50, "{}", fixtures.len());
    for (name, text) in &fixtures {
        agrees(name, text);
    }
}

/// Every kind of value, statement and header, with comments in awkward places.
pub const EVERY_SHAPE: &str = r#"
// leading
framework own:1 "Own" { group g "G" { requirement R.1 "R" { control_type = [preventive] } } }
mapping own:1 -> iso27001:2022 { R.1 equal A.5.1 /* c */ R.1 subset A.5.2; 21.2.a intersects A.5.3 }
clause 6.1.3 "Clause" { }
control c "T" {
  a = ciso
  b = ciso @ 2026-01-01 // after a sign-off
  c = ciso @ 2026-01-01 until 2027-02-28
  d = [x, k: "reason", 2026-01-01, 3, true, iso27001:2022, iso27001:2013/A.9.4.2, y @ 2026-01-02,]
  e = scale { low = 1, high = 3 }
  f = file("x.md")
  g = """
      line one
        indented
      """
  h = 12mo, i = 90d; j = 2w k = 1y
  l = "esc \" \\ \n \t end" m = false n = 4294967295
  o = nis2:2022/21.2.a p = [q: """block
  reason"""]
  residual { likelihood = low impact = high }
  evidence "E" { at = "https://x" }
  A.5.1 excluded "why"
  A.5.2 included
  A.5.3 equal A.5.4
  A.5.5 satisfied
  iso27001:2013/A.9.4.2 excluded """a text
     block"""
  21.2.b included "digits first"
}
/* trailing */
"#;

/// Pieces of the language, well formed and not, for comparing the two.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("control".to_string()),
        Just("risk".to_string()),
        Just("residual".to_string()),
        Just("scale".to_string()),
        Just("file".to_string()),
        Just("until".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        Just("excluded".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("=".to_string()),
        Just(",".to_string()),
        Just(";".to_string()),
        Just(":".to_string()),
        Just("@".to_string()),
        Just("->".to_string()),
        Just("/".to_string()),
        Just(".".to_string()),
        Just("\"\"\"".to_string()),
        Just("\"\"\"\n  text\n\"\"\"".to_string()),
        Just("// c\n".to_string()),
        Just("/* c */".to_string()),
        Just("\n".to_string()),
        Just("\r".to_string()),
        Just("\u{FEFF}".to_string()),
        Just("A.5.17".to_string()),
        Just("6.1.3".to_string()),
        Just("21.2.a".to_string()),
        Just("iso27001:2022".to_string()),
        Just("iso27001:2013/A.9.4.2".to_string()),
        Just("nis2:2022/21.2.a".to_string()),
        Just("2026-02-28".to_string()),
        Just("2026-02-30".to_string()),
        Just("90d".to_string()),
        Just("12mo".to_string()),
        Just("12mox".to_string()),
        Just("12:30".to_string()),
        Just("4294967296".to_string()),
        Just("7".to_string()),
        Just("1.5".to_string()),
        Just("_x".to_string()),
        "[a-z][a-z0-9_.:-]{0,5}",
        "\"[^\"\\\\\n]{0,6}\"",
        Just("\"a\\\"b\\\\c\\nd\\te\"".to_string()),
        Just("\"bad \\q escape\"".to_string()),
        Just("\"open".to_string()),
    ]
}

/// A well-formed item with generated values, so that accepted texts come often.
fn item() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("ciso".to_string()),
        Just("ciso @ 2026-01-01".to_string()),
        Just("ciso @ 2026-01-01 until 2027-01-01 // c".to_string()),
        Just("[a, b: \"r\", 2026-01-01, 3, true, iso27001:2022, ]".to_string()),
        Just("scale { low = 1, high = 3 }".to_string()),
        Just("file(\"x.md\")".to_string()),
        Just("\"\"\"\n    a\n      b\n    \"\"\"".to_string()),
        Just("12mo".to_string()),
        Just("iso27001:2013/A.5.1".to_string()),
        fragment(),
    ];
    (
        "[a-z]{1,6}",
        prop::collection::vec(("[a-z]{1,5}", value), 0..5),
        prop::collection::vec(fragment(), 0..3),
    )
        .prop_map(|(id, fields, extra)| {
            let mut s = format!("control {id} \"T\" {{\n");
            for (name, value) in fields {
                s.push_str(&format!("  {name} = {value}\n"));
            }
            s.push_str("  A.5.1 excluded \"r\"\n  A.5.2 included\n");
            s.push_str(&extra.join(" "));
            s.push_str("\n}\n");
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn the_parser_agrees_with_the_grammar_on_token_soup(tokens in prop::collection::vec(fragment(), 0..40)) {
        agrees("soup", &tokens.join(" "));
    }

    #[test]
    fn the_parser_agrees_with_the_grammar_on_items(items in prop::collection::vec(item(), 1..4)) {
        agrees("items", &items.concat());
    }
}
