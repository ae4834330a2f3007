//! Word-level helpers shared by the extractors, written to allocate nothing on the hot path.

/// Whether `word` is in `list`, ignoring ASCII case.
pub fn in_list(word: &str, list: &[&str]) -> bool {
    list.iter()
        .any(|w| w.len() == word.len() && w.eq_ignore_ascii_case(word))
}

/// Byte ranges of words (letters, digits, apostrophes, hyphens) in `text`, offset by `base`.
pub fn word_spans(text: &str, base: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 5);
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (word_char, len) = if b < 0x80 {
            (b.is_ascii_alphanumeric() || b == b'\'' || b == b'-', 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric() || c == '\u{2019}', c.len_utf8())
        };
        match (word_char, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((base + s, base + i));
                start = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(s) = start {
        out.push((base + s, base + text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_lists() {
        let text = "Putin's aide, ex-minister 2025.";
        let words: Vec<&str> = word_spans(text, 0)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(words, ["Putin's", "aide", "ex-minister", "2025"]);
        assert!(in_list("SAID", &["said", "told"]));
        assert!(!in_list("sai", &["said"]));
    }
}
