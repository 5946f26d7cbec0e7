//! Checks over the resolved model: order-independent, never failing.

use crate::diag::Diagnostics;
use crate::driver::Options;
use crate::model::graph::IsmsGraph;
use crate::model::Model;
use crate::source::SourceMap;

/// Runs every check.
pub fn run(
    _sources: &SourceMap,
    _model: &Model,
    _graph: &IsmsGraph,
    _options: &Options,
    _diags: &mut Diagnostics,
) {
}
