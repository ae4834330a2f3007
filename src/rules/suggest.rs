//! "Did you mean ...?": the closest known name to a misspelt one.

/// The candidate closest to `wanted` by edit distance (case-insensitive), if it is close
/// enough to be a plausible typo: at most a third of the word's length, and at most 3 edits.
pub fn closest<'c>(wanted: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let wanted_lower = wanted.to_lowercase();
    let wanted_len = wanted.chars().count();
    let limit = (wanted_len / 3).clamp(1, 3);
    candidates
        .into_iter()
        .filter(|c| !c.is_empty())
        .filter_map(|c| {
            // cheap length filter first: edit distance is at least the length difference
            let diff = c.chars().count().abs_diff(wanted_len);
            if diff > limit {
                return None;
            }
            let distance = strsim::levenshtein(&wanted_lower, &c.to_lowercase());
            (distance <= limit).then_some((distance, c))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_misses_only() {
        let names = ["Sergey Lavrov", "Marco Rubio", "Riyadh"];
        assert_eq!(closest("Sergey Lavrof", names), Some("Sergey Lavrov"));
        assert_eq!(closest("marco rubio", names), Some("Marco Rubio"));
        // two edits in a four-letter word is too far to guess
        assert_eq!(closest("Riad", names), None);
        assert_eq!(closest("Washington", names), None);
        assert_eq!(closest("Kln", ["Köln"]), Some("Köln"));
        assert_eq!(
            closest("relaton", ["use", "kind", "relation", "not"]),
            Some("relation")
        );
    }
}
