//! E0410: the coverage gate of `[coverage]` in `isms.toml` — a framework the project opts into
//! whose requirements fall below the least coverage the project requires of it.

use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::facts::coverage::Grade;
use crate::facts::Facts;
use crate::manifest::{Manifest, Minimum};
use crate::model::Model;

pub(crate) fn check(manifest: &Manifest, model: &Model, facts: &Facts, diags: &mut Diagnostics) {
    for (key, (minimum, at)) in &manifest.coverage {
        let coverage = model
            .framework_index(key)
            .and_then(|fw| facts.coverage.iter().find(|c| c.framework == fw));
        let Some(coverage) = coverage else {
            diags.push(
                Diagnostic::new(
                    Code::E0010,
                    *at,
                    format!("`[coverage]` sets a minimum for `{key}`, which the project does not opt into"),
                )
                .primary_label("not in `frameworks = [...]`")
                .help(format!("add `{key}` to `frameworks = [...]` in the `isms` block, or remove this line")),
            );
            continue;
        };
        // Where the project opts into the framework: the findings point there.
        let anchor = model
            .isms
            .iter()
            .flat_map(|i| &i.frameworks)
            .find(|(k, _)| k == key)
            .map(|(_, s)| *s)
            .unwrap_or(*at);
        let (least, word) = match minimum {
            Minimum::Partial => (Grade::Partial, "partial"),
            Minimum::Full => (Grade::Full, "full"),
        };
        for row in &coverage.rows {
            if row.grade == Grade::NotApplicable || row.grade >= least {
                continue;
            }
            let Some(req) = model.requirement(row.req) else {
                continue;
            };
            let d = Diagnostic::new(
                Code::E0410,
                anchor,
                format!(
                    "`{key}/{}` ({}) {}, below the {word} coverage `[coverage]` requires",
                    req.id,
                    req.title,
                    if row.grade == Grade::None {
                        "has no coverage"
                    } else {
                        "is only partly covered"
                    }
                ),
            )
            .primary_label(format!("`{key}` requires {word} coverage"))
            .label(*at, "the minimum is set here")
            .help(format!(
                "satisfy it with a control (`satisfies = [{key}/{}]`), make an Annex A control it maps to applicable and implemented, or exclude it with a justification: `{key}/{} excluded \"…\"`",
                req.id, req.id
            ))
            .subject(format!("{key}/{}", req.id), req.title.clone());
            diags.push(d);
        }
    }
}
