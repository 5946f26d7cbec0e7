//! Risk scoring: a rating's score under the project's risk method.

use crate::model::{Rating, RiskMethod};

/// The score of a rating: the declared matrix's cell, or likelihood × impact. `None` when
/// the rating is incomplete or names levels the method does not have.
pub fn score(method: &RiskMethod, rating: &Rating) -> Option<u32> {
    let l = rating.likelihood.as_ref()?;
    let i = rating.impact.as_ref()?;
    let lv = method.likelihood.value(&l.text)?;
    let iv = method.impact.value(&i.text)?;
    if let Some(matrix) = &method.matrix {
        let col = method
            .impact
            .levels
            .iter()
            .position(|(w, _)| w.text == i.text)?;
        let (_, row) = matrix.iter().find(|(w, _)| w.text == l.text)?;
        return row.get(col).copied();
    }
    Some(lv.saturating_mul(iv))
}

/// Whether a score is at or below the acceptance threshold.
pub fn acceptable(method: &RiskMethod, score: u32) -> bool {
    method.accept_at_or_below.is_some_and(|t| score <= t)
}
