//! "Did you mean …?" suggestions.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = word.chars().count();
    // One edit in three characters, and none for ids too short to tell a typo apart.
    let limit = if len < 3 { 0 } else { (len / 3).max(1) };
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != word)
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
