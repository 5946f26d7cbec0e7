//! Checks over the resolved model: what an auditor would find. Order-independent and never
//! failing; each submodule owns a range of codes.
//!
//! | module | codes |
//! | --- | --- |
//! | `structure` | E0301 cycles |
//! | `coverage` | E0401–E0408, W0406, W0407: the Annex A decisions |
//! | `risks` | E0501–E0505: owners, treatments, residual risk |
//! | `time` | W0601–W0605: what the passing of time brings |
//! | `documents` | E0701, W0702: documented information of clauses 4–10 |
//! | `frameworks` | E0410: the coverage `[coverage]` requires of opted-in frameworks |
//! | `records` | E0801–W0813: audits, nonconformities, reviews, results, competence |

mod coverage;
mod documents;
pub(crate) mod frameworks;
mod records;
mod risks;
mod structure;
mod time;

pub use documents::readiness;

use crate::diag::Diagnostics;
use crate::facts::Facts;
use crate::model::Model;
use crate::source::SourceMap;
use crate::syntax::ast::Date;

/// Runs every check, judging dates against `today`.
pub fn run(
    sources: &SourceMap,
    model: &Model,
    facts: &Facts,
    today: Date,
    diags: &mut Diagnostics,
) {
    structure::check(model, facts, diags);
    coverage::check(sources, model, facts, diags);
    risks::check(model, facts, diags);
    time::check(model, today, diags);
    documents::check(sources, model, diags);
    records::check(model, facts, diags);
}
