//! "Did you mean …?" suggestions.

/// The longest word (in bytes) for which a suggestion is looked for.
const MAX_WORD: usize = 128;

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // Nothing is a typo of a word this long, and comparing it with every candidate would
    // cost its length times theirs (a pull request may write a reference of megabytes).
    if word.len() > MAX_WORD {
        return None;
    }
    let len = word.chars().count();
    // One edit in three characters, and none for ids too short to tell a typo apart.
    let limit = if len < 3 { 0 } else { (len / 3).max(1) };
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        // A character's edit changes the length by at most 4 bytes.
        .filter(|c| *c != word && c.len().abs_diff(word.len()) <= 4 * limit)
        .map(|c| {
            let d = if c.to_lowercase() == lower {
                0
            } else {
                strsim::damerau_levenshtein(word, c)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// For a requirement id that ends in a number (`A.5.38`), the candidate with the same prefix
/// (`A.5.`) and the nearest number (`A.5.37`): a number off by one is a typo that spelling
/// distance ranks badly (`A.5.3` is as close to `A.5.38` as `A.5.37` is).
pub fn nearest_number<'a>(
    id: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let split = |s: &'a str| -> Option<(&'a str, u64)> {
        let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (prefix, number) = s.split_at(s.len() - digits);
        Some((prefix, number.parse().ok()?))
    };
    let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (prefix, number) = id.split_at(id.len() - digits);
    let number: u64 = number.parse().ok()?;
    if prefix.is_empty() {
        return None;
    }
    candidates
        .into_iter()
        .filter(|c| *c != id)
        .filter_map(|c| {
            let (p, n) = split(c)?;
            (p == prefix).then_some((n.abs_diff(number), n, c))
        })
        .min()
        .map(|(_, _, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_matched_by_number() {
        let ids = ["A.5.3", "A.5.36", "A.5.37", "A.6.1", "A.8.5"];
        assert_eq!(nearest_number("A.5.38", ids), Some("A.5.37"));
        assert_eq!(nearest_number("A.5.99", ids), Some("A.5.37"));
        assert_eq!(nearest_number("A.6.9", ids), Some("A.6.1"));
        assert_eq!(nearest_number("A.9.1", ids), None);
        assert_eq!(nearest_number("mfa", ids), None);
        assert_eq!(did_you_mean("A.5.38", ids), Some("A.5.3"));
    }
}
