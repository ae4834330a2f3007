//! Word-level helpers shared by the extractors, written to allocate nothing on the hot path.

/// Whether `word` is in `list`, ignoring ASCII case.
pub fn in_list(word: &str, list: &[&str]) -> bool {
    list.iter()
        .any(|w| w.len() == word.len() && w.eq_ignore_ascii_case(word))
}

/// A list of lower-case ASCII words, with a quick rejection by length and first letter before
/// the list is compared (most words of a text are in no list).
pub struct WordList {
    words: &'static [&'static str],
    /// Bit `n`: some word starts with the `n`th letter.
    letters: u32,
    min: usize,
    max: usize,
}

impl WordList {
    pub const fn new(words: &'static [&'static str]) -> WordList {
        let mut letters = 0u32;
        let mut min = usize::MAX;
        let mut max = 0;
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_bytes();
            if !w.is_empty() && w[0].is_ascii_lowercase() {
                letters |= 1 << (w[0] - b'a');
            }
            if w.len() < min {
                min = w.len();
            }
            if w.len() > max {
                max = w.len();
            }
            i += 1;
        }
        WordList {
            words,
            letters,
            min,
            max,
        }
    }

    /// Whether `word` is in the list, ignoring ASCII case.
    #[inline]
    pub fn contains(&self, word: &str) -> bool {
        let b = word.as_bytes();
        if b.len() < self.min || b.len() > self.max {
            return false;
        }
        let first = b[0].to_ascii_lowercase();
        first.is_ascii_lowercase()
            && self.letters & (1 << (first - b'a')) != 0
            && in_list(word, self.words)
    }
}

/// ASCII bytes that are part of a word: letters, digits, `'` and `-`. Bytes of 0x80 and above
/// start or continue a multi-byte character, which is decoded.
static WORD_BYTE: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'\'' || c == b'-';
        b += 1;
    }
    t
};

/// Byte ranges of words (letters, digits, apostrophes, hyphens) in `text`, offset by `base`.
pub fn word_spans(text: &str, base: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(text.len() / 5);
    for_each_word(text, |s, e| out.push((base + s, base + e)));
    out
}

/// Calls `f(start, end)` for each word of `text` (as [`word_spans`]), in order.
#[inline]
pub fn for_each_word(text: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let is_word = |c: char| c.is_alphanumeric() || c == '\u{2019}';
    let mut i = 0;
    while i < bytes.len() {
        // to the next word character: ASCII bytes by table, others decoded
        match bytes[i..]
            .iter()
            .position(|&b| b >= 0x80 || WORD_BYTE[b as usize])
        {
            Some(skip) => i += skip,
            None => break,
        }
        if bytes[i] >= 0x80 {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !is_word(c) {
                i += c.len_utf8();
                continue;
            }
        }
        // a word starts at `i`: to its end
        let start = i;
        loop {
            i += bytes[i..]
                .iter()
                .position(|&b| b >= 0x80 || !WORD_BYTE[b as usize])
                .unwrap_or(bytes.len() - i);
            match text[i..].chars().next() {
                Some(c) if c as u32 >= 0x80 && is_word(c) => i += c.len_utf8(),
                _ => break,
            }
        }
        f(start, i);
    }
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
