//! The SARIF 2.1.0 log of `--format sarif`, for code-scanning dashboards.
//!
//! Artifact URIs are relative to `%SRCROOT%`: the file names of the source map, which the
//! command line makes relative to the repository root (or `--path-base`); the run's
//! `originalUriBaseIds` says where `%SRCROOT%` is. Each result carries a
//! `partialFingerprints` entry computed from its rule, file and message (not its line), so a
//! dashboard keeps tracking a finding when the lines around it move.

use serde_json::{json, Value};

use super::position;
use crate::diag::{Code, Diagnostic, Label, Severity};
use crate::source::{Origin, SourceMap};

/// Where the artifact URIs of a SARIF log are relative to.
#[derive(Clone, Debug, Default)]
pub struct SrcRoot {
    /// The folder as an absolute `file:` URI ending in `/`, if known.
    pub uri: Option<String>,
    /// What the folder is, e.g. "the root of the git work tree".
    pub description: String,
}

impl SrcRoot {
    /// The root at `path`, an absolute folder.
    pub fn at(path: &std::path::Path, description: impl Into<String>) -> SrcRoot {
        SrcRoot {
            uri: Some(file_uri(path)),
            description: description.into(),
        }
    }
}

/// The docs page of a code on the web, for `helpUri`.
const DOCS: &str = "https://github.com/ismsc/ismsc/blob/main/docs/diagnostics/";

/// The key of ismsc's fingerprint in `partialFingerprints`; the version changes when the
/// way it is computed does.
const FINGERPRINT: &str = "ismsc/v1";

/// The SARIF 2.1.0 log of `--format sarif`.
pub fn sarif(diags: &[Diagnostic], sources: &SourceMap, root: &SrcRoot) -> String {
    let mut used: Vec<Code> = diags.iter().map(|d| d.code).collect();
    used.sort();
    used.dedup();
    let rules: Vec<Value> = used
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": c.slug(),
                "shortDescription": { "text": c.summary() },
                "fullDescription": { "text": c.summary() },
                "helpUri": format!("{DOCS}{}.md", c.as_str()),
                "help": {
                    "text": format!("Run `ismsc explain {}` for the full description.", c.as_str()),
                    "markdown": c.page(),
                },
                "defaultConfiguration": { "level": level(c.default_severity()) },
            })
        })
        .collect();
    let location = |l: &Label| -> Option<Value> {
        let file = sources.get(l.span.file)?;
        if file.origin == Origin::Stdlib {
            return None;
        }
        let (name, line, column, end_line, end_column) = position(sources, l);
        let mut loc = json!({
            "physicalLocation": {
                "artifactLocation": { "uri": uri_reference(&name), "uriBaseId": "%SRCROOT%" },
                "region": {
                    "startLine": line, "startColumn": column,
                    "endLine": end_line, "endColumn": end_column.max(if end_line == line { column + 1 } else { 1 }),
                },
            },
        });
        if let Some(m) = &l.message {
            loc["message"] = json!({ "text": m });
        }
        Some(loc)
    };
    // How often each (code, file, message) was seen so far: repeated findings get distinct
    // fingerprints, in order.
    let mut seen: std::collections::HashMap<(Code, String, &str), u32> =
        std::collections::HashMap::new();
    let results: Vec<Value> = diags
        .iter()
        .filter_map(|d| {
            let primary = location(&d.primary)?;
            let related: Vec<Value> = d
                .secondary
                .iter()
                .filter_map(location)
                .enumerate()
                .map(|(i, mut v)| {
                    v["id"] = json!(i);
                    v
                })
                .collect();
            let mut text = d.message.clone();
            text.push_str(&format!("\nhelp: {}", d.help));
            for n in &d.notes {
                text.push_str(&format!("\nnote: {n}"));
            }
            let file = sources.name(d.primary.span.file).to_string();
            let count = seen
                .entry((d.code, file.clone(), d.message.as_str()))
                .or_insert(0);
            let fingerprint =
                fingerprint(&[d.code.as_str(), &file, &d.message, &count.to_string()]);
            *count += 1;
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": used.iter().position(|c| *c == d.code),
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [primary],
                "relatedLocations": related,
                "partialFingerprints": { FINGERPRINT: fingerprint },
            });
            // A finding silenced in the source stays in the log, marked as such, so a
            // dashboard shows it as accepted rather than losing it.
            if let (Some(s), Some(obj)) = (&d.suppressed, result.as_object_mut()) {
                obj.insert(
                    "suppressions".into(),
                    json!([{ "kind": "inSource", "status": "accepted", "justification": s.reason }]),
                );
            }
            Some(result)
        })
        .collect();
    let mut base = json!({ "description": { "text": root.description } });
    if let Some(uri) = &root.uri {
        base["uri"] = json!(uri);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ismsc",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/ismsc/ismsc",
                "rules": rules,
            }},
            "originalUriBaseIds": { "%SRCROOT%": base },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    crate::emit::json::to_json(&doc)
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// FNV-1a (64 bits) over the parts, each followed by a zero byte, as 16 hex digits: stable
/// across platforms and releases, which is all a fingerprint needs.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Percent-encodes everything but the unreserved characters and `/` (RFC 3986), so a
/// relative path is a valid URI reference.
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `file:///abs/path/` of an absolute folder, percent-encoded, ending in `/`.
fn file_uri(path: &std::path::Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(uri_reference(&s.to_string_lossy())),
            std::path::Component::Prefix(p) => {
                Some(p.as_os_str().to_string_lossy().replace('\\', "/"))
            }
            _ => None,
        })
        .collect();
    let mut uri = String::from("file:///");
    for p in parts {
        uri.push_str(&p);
        uri.push('/');
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri_reference("a b/ü.isms"), "a%20b/%C3%BC.isms");
        assert_eq!(
            file_uri(std::path::Path::new("/srv/my repo")),
            "file:///srv/my%20repo/"
        );
        assert_eq!(file_uri(std::path::Path::new("/")), "file:///");
    }

    #[test]
    fn fingerprints_separate_their_parts() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["x"]).len(), 16);
    }
}
