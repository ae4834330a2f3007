//! Unknown names: capitalized word sequences in body prose that match no entity, so that a
//! rule author can see what the knowledge base is missing (`extract --unknown`).

use serde::Serialize;

use super::mentions::Mention;
use crate::article::Article;
use crate::span::Span;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnknownName {
    pub text: String,
    pub span: Span,
}

/// Capitalized words that start sentences, or are too common to be names.
const STOPWORDS: [&str; 87] = [
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "In",
    "On",
    "At",
    "But",
    "And",
    "Or",
    "If",
    "As",
    "So",
    "For",
    "Of",
    "To",
    "By",
    "With",
    "From",
    "After",
    "Before",
    "However",
    "Meanwhile",
    "While",
    "When",
    "Where",
    "What",
    "Who",
    "Why",
    "How",
    "His",
    "Her",
    "Their",
    "Our",
    "Its",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Both",
    "All",
    "Some",
    "There",
    "Here",
    "Then",
    "Also",
    "Only",
    "Following",
    "Ahead",
    "Any",
    "Each",
    "Every",
    "One",
    "Two",
    "Three",
    "Not",
    "No",
    "Yes",
];

/// The first eight bytes of a word as a little-endian integer, zero-padded: a stop word
/// (at most nine bytes, none of them zero) is told by this key, its length and its ninth byte.
const fn stop_key(b: &[u8]) -> u64 {
    let mut key = 0u64;
    let mut i = 0;
    while i < b.len() && i < 8 {
        key |= (b[i] as u64) << (8 * i);
        i += 1;
    }
    key
}

/// The slot of a key in [`STOP_SLOTS`]: the top bits of a multiplication. The multiplier was
/// searched for so that no two stop words share a slot; the table's construction fails to
/// compile if they ever do.
const fn stop_slot(key: u64) -> usize {
    (key.wrapping_mul(0x04b8_157d_03ed_b921) >> 55) as usize
}

/// For each slot, the index of its stop word plus one, or 0.
static STOP_SLOTS: [u8; 512] = {
    let mut slots = [0u8; 512];
    let mut i = 0;
    while i < STOPWORDS.len() {
        let w = STOPWORDS[i].as_bytes();
        assert!(!w.is_empty() && w.len() <= 9);
        let slot = stop_slot(stop_key(w));
        assert!(slots[slot] == 0, "two stop words share a slot");
        slots[slot] = i as u8 + 1;
        i += 1;
    }
    slots
};

/// [`stop_key`] of each stop word.
static STOP_KEYS: [u64; STOPWORDS.len()] = {
    let mut keys = [0u64; STOPWORDS.len()];
    let mut i = 0;
    while i < STOPWORDS.len() {
        keys[i] = stop_key(STOPWORDS[i].as_bytes());
        i += 1;
    }
    keys
};

/// Whether the word `bytes[ws..we]` is a stop word: one multiplication finds the only stop
/// word it can be, and its key, length and ninth byte are compared. The key is read as one
/// 8-byte load where the text goes on that far.
#[inline]
fn is_stopword(bytes: &[u8], ws: usize, we: usize) -> bool {
    let len = we - ws;
    if len == 0 || len > 9 {
        return false;
    }
    let key = match bytes.get(ws..ws + 8) {
        Some(eight) => {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(eight);
            let all = u64::from_le_bytes(buf);
            if len >= 8 {
                all
            } else {
                all & ((1u64 << (8 * len)) - 1)
            }
        }
        None => stop_key(&bytes[ws..we]),
    };
    let index = STOP_SLOTS[stop_slot(key)];
    let Some(i) = usize::from(index).checked_sub(1) else {
        return false;
    };
    let word = STOPWORDS[i].as_bytes();
    STOP_KEYS[i] == key && word.len() == len && (len < 9 || word[8] == bytes[ws + 8])
}

const DEMONYM_ENDINGS: &[&str] = &["ian", "ean", "ese", "ish", "an"];

/// Checks a run of capitalized words, `text[start..end]`, and keeps it if it is a candidate.
/// `first` is whether the run starts the sentence, `single` whether it is one word; `fm` is
/// a forward cursor over
/// `mentions` (the first mention that ends after the last run checked).
fn flush(
    text: &str,
    mentions: &[Mention],
    fm: &mut usize,
    (start, end, first, single): (usize, usize, bool, bool),
    out: &mut Vec<UnknownName>,
) {
    let span = Span::new(start, end);
    let candidate = &text[start..end];
    if first && single {
        return;
    }
    // mentions are sorted and disjoint: the first that ends after the start decides. Runs
    // are checked in order of their start, so the cursor only moves forward (a run that
    // starts before the mention under the cursor falls back to the binary search).
    if mentions
        .get(fm.wrapping_sub(1))
        .is_some_and(|m| m.span.end > span.start)
    {
        *fm = mentions.partition_point(|m| m.span.end <= span.start);
    }
    while mentions.get(*fm).is_some_and(|m| m.span.end <= span.start) {
        *fm += 1;
    }
    let covered = mentions.get(*fm).is_some_and(|m| m.span.start < span.end);
    // fewer than three characters: a character is at most 4 bytes, so only a candidate of
    // at most 8 bytes is counted. A candidate is never a stop word: a run neither starts
    // nor goes on with one, and a run of two words has two capitals (no stop word does).
    // (an ASCII candidate has as many characters as bytes)
    if covered
        || candidate.len() < 3
        || candidate.len() <= 8 && !candidate.is_ascii() && candidate.chars().count() < 3
    {
        return;
    }
    // `Russian troops`: a demonym used as an adjective is not a name
    if single
        && DEMONYM_ENDINGS.iter().any(|e| candidate.ends_with(e))
        && text[end..]
            .trim_start()
            .starts_with(|c: char| c.is_lowercase())
    {
        return;
    }
    // a possessive or an apostrophe ends in `s`, `'` or the last byte of `\u{2019}`: most
    // names end otherwise and are kept whole
    let name = if matches!(candidate.as_bytes().last(), Some(b's' | b'\'' | 0x99)) {
        let name = candidate
            .strip_suffix("'s")
            .or_else(|| candidate.strip_suffix("\u{2019}s"))
            .unwrap_or(candidate);
        name.trim_end_matches(['\'', '\u{2019}'])
    } else {
        candidate
    };
    out.push(UnknownName {
        text: name.to_string(),
        span,
    });
}

/// For each byte, whether a word that starts with it may start or extend a run of names:
/// an ASCII capital, or the first byte of a longer character (decoded later). Any other word
/// (most are lower case) ends the open run. A table: one load per word.
static MAY_NAME: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = b >= 0x80 || (b as u8).is_ascii_uppercase();
        b += 1;
    }
    t
};

/// The index of the first word from `k` on that starts at or after `end` or may be part of
/// a name (see [`MAY_NAME`]): `words.len()` if there is none. One index and one load of the
/// first byte per word skipped.
#[inline]
fn next_candidate(words: &[Span], bytes: &[u8], mut k: usize, end: u32) -> usize {
    while let Some(w) = words.get(k) {
        if w.start >= end
            || bytes
                .get(w.start as usize)
                .is_some_and(|&b| MAY_NAME[usize::from(b)])
        {
            break;
        }
        k += 1;
    }
    k
}

/// Whether unknown names are looked for in a block: paragraphs and list items that are not
/// headline (title case in headings makes every word look like a name).
fn names_can_stand_in(block: &crate::article::Block) -> bool {
    !block.headline
        && matches!(
            block.kind,
            crate::article::BlockKind::Paragraph | crate::article::BlockKind::ListItem
        )
}

pub fn find(article: &Article, mentions: &[Mention]) -> Vec<UnknownName> {
    let text = &article.prose;
    let bytes = text.as_bytes();
    let words = &article.words;
    // about one name per sentence: room for two, so that most articles allocate once
    let mut out = Vec::with_capacity(article.sentences.len() * 2);
    // Sentences come in order, so their words are found by walking the word table once:
    // `at` is the first word not yet passed (after the last sentence read).
    let mut at = 0usize;
    // the mention cursor of `flush`, and the one of the words read
    let mut fm = 0;
    let mut m = 0usize;
    for sentence in &article.sentences {
        if !names_can_stand_in(&article.blocks[sentence.block as usize]) {
            continue;
        }
        let (s_start, s_end) = (sentence.span.start, sentence.span.end);
        // a sentence that starts before the last one's words (blocks that overlap) finds its
        // first word by binary search, as `WordCursor` does
        if at
            .checked_sub(1)
            .and_then(|i| words.get(i))
            .is_some_and(|w| w.start >= s_start)
        {
            at = words.partition_point(|w| w.start < s_start);
        }
        while words.get(at).is_some_and(|w| w.start < s_start) {
            at += 1;
        }
        let first = at;
        // `m`: the first mention that ends after the sentence starts. Sentences come in
        // order, so it moves forward; a sentence that starts before the mention under it
        // (blocks that overlap) falls back to the binary search.
        if mentions
            .get(m.wrapping_sub(1))
            .is_some_and(|x| x.span.end > s_start)
        {
            m = mentions.partition_point(|x| x.span.end <= s_start);
        }
        while mentions.get(m).is_some_and(|x| x.span.end <= s_start) {
            m += 1;
        }
        // start, end, first in the sentence, one word (the words hold no spaces, so a run is
        // one word if no space separates its words)
        let mut run: Option<(usize, usize, bool, bool)> = None;
        // the index of the word after the open run's last word: a run goes on only with it
        let mut run_next = 0;
        let mut k = first;
        loop {
            // Only a word whose first character is a capital starts or extends a run, and
            // that character is an ASCII capital or not ASCII. The other words are skipped
            // here; the first of them after a run ends it (seen below as a gap in the
            // word indexes).
            k = next_candidate(words, bytes, k, s_end);
            let Some(&word) = words.get(k).filter(|w| w.start < s_end) else {
                break;
            };
            let (ws, we) = (word.start as usize, word.end as usize);
            let lead = bytes[ws];
            k += 1;
            if k - 1 != run_next
                && let Some(r) = run.take()
            {
                flush(text, mentions, &mut fm, r, &mut out);
            }
            // a known name breaks a run: `Foreign Minister Sergey Lavrof` leaves `Sergey Lavrof`
            while mentions.get(m).is_some_and(|x| (x.span.end as usize) <= ws) {
                m += 1;
            }
            if mentions
                .get(m)
                .is_some_and(|x| (x.span.start as usize) < we)
            {
                if let Some(r) = run.take() {
                    flush(text, mentions, &mut fm, r, &mut out);
                }
                continue;
            }
            // (the word is sliced as text only when its first character must be decoded)
            let capital =
                lead < 0x80 || text[ws..we].chars().next().is_some_and(char::is_uppercase);
            let name_word = capital && !is_stopword(bytes, ws, we);
            match run {
                // only spaces between the run and this word (a space is one byte, and no
                // byte of a longer character is a space)
                Some((start, end, first, single))
                    if name_word && bytes[end..ws].iter().all(|&b| b == b' ') =>
                {
                    run = Some((start, we, first, single && end == ws));
                }
                _ => {
                    if let Some(r) = run.take() {
                        flush(text, mentions, &mut fm, r, &mut out);
                    }
                    if name_word {
                        run = Some((ws, we, k - 1 == first, true));
                    }
                }
            }
            run_next = k;
        }
        at = k;
        if let Some(r) = run {
            flush(text, mentions, &mut fm, r, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Format;
    use crate::extract::cursor::WordCursor;
    use proptest::prelude::*;

    /// The stop-word test as a `match` on the string, kept to check the hashed one against.
    fn is_stopword_match(word: &str) -> bool {
        matches!(
            word,
            "The"
                | "A"
                | "An"
                | "This"
                | "That"
                | "These"
                | "Those"
                | "He"
                | "She"
                | "It"
                | "They"
                | "We"
                | "I"
                | "You"
                | "In"
                | "On"
                | "At"
                | "But"
                | "And"
                | "Or"
                | "If"
                | "As"
                | "So"
                | "For"
                | "Of"
                | "To"
                | "By"
                | "With"
                | "From"
                | "After"
                | "Before"
                | "However"
                | "Meanwhile"
                | "While"
                | "When"
                | "Where"
                | "What"
                | "Who"
                | "Why"
                | "How"
                | "His"
                | "Her"
                | "Their"
                | "Our"
                | "Its"
                | "Mr"
                | "Mrs"
                | "Ms"
                | "Dr"
                | "Monday"
                | "Tuesday"
                | "Wednesday"
                | "Thursday"
                | "Friday"
                | "Saturday"
                | "Sunday"
                | "January"
                | "February"
                | "March"
                | "April"
                | "May"
                | "June"
                | "July"
                | "August"
                | "September"
                | "October"
                | "November"
                | "December"
                | "Both"
                | "All"
                | "Some"
                | "There"
                | "Here"
                | "Then"
                | "Also"
                | "Only"
                | "Following"
                | "Ahead"
                | "Any"
                | "Each"
                | "Every"
                | "One"
                | "Two"
                | "Three"
                | "Not"
                | "No"
                | "Yes"
        )
    }

    /// The implementation before the fast path, kept to check it against.
    pub(super) fn find_old(article: &Article, mentions: &[Mention]) -> Vec<UnknownName> {
        let text = &article.prose;
        let mut out = Vec::new();
        // sentences come in order, so their words are found by walking the word table once
        let mut cursor = WordCursor::default();
        for sentence in &article.sentences {
            if !names_can_stand_in(&article.blocks[sentence.block as usize]) {
                continue;
            }
            let words = cursor.words_in(article, sentence.span);
            // mentions before this sentence's words are passed once: `m` only moves forward
            let mut m = mentions.partition_point(|m| m.span.end <= sentence.span.start);
            let mut run: Option<(usize, usize, usize)> = None; // start, end, first word index
            let flush = |run: Option<(usize, usize, usize)>, out: &mut Vec<UnknownName>| {
                let Some((start, end, first)) = run else {
                    return;
                };
                let span = Span::new(start, end);
                let candidate = &text[start..end];
                let single = !candidate.contains(' ');
                if first == 0 && single {
                    return;
                }
                // mentions are sorted and disjoint: the first that ends after the start decides
                let first = mentions.partition_point(|m| m.span.end <= span.start);
                let covered = mentions.get(first).is_some_and(|m| m.span.start < span.end);
                if covered || candidate.chars().count() < 3 || is_stopword_match(candidate) {
                    return;
                }
                // `Russian troops`: a demonym used as an adjective is not a name
                let next_lower = text[end..]
                    .trim_start()
                    .starts_with(|c: char| c.is_lowercase());
                if single && next_lower && DEMONYM_ENDINGS.iter().any(|e| candidate.ends_with(e)) {
                    return;
                }
                let name = candidate
                    .strip_suffix("'s")
                    .or_else(|| candidate.strip_suffix("\u{2019}s"))
                    .unwrap_or(candidate);
                let name = name.trim_end_matches(['\'', '\u{2019}']);
                out.push(UnknownName {
                    text: name.to_string(),
                    span,
                });
            };
            for (i, word) in words.iter().enumerate() {
                let (ws, we) = (word.start as usize, word.end as usize);
                // most words are lower case with no run to end: nothing to do
                if run.is_none()
                    && text.as_bytes()[ws] < 0x80
                    && !text.as_bytes()[ws].is_ascii_uppercase()
                {
                    continue;
                }
                let w = &text[ws..we];
                // a known name breaks a run: `Foreign Minister Sergey Lavrof` leaves `Sergey Lavrof`
                while mentions.get(m).is_some_and(|x| (x.span.end as usize) <= ws) {
                    m += 1;
                }
                if mentions
                    .get(m)
                    .is_some_and(|x| (x.span.start as usize) < we)
                {
                    flush(run.take(), &mut out);
                    continue;
                }
                let capital = w.chars().next().is_some_and(char::is_uppercase);
                let stop = capital && is_stopword_match(w);
                match run {
                    Some((start, end, first))
                        if capital && !stop && text[end..ws].chars().all(|c| c == ' ') =>
                    {
                        let _ = start;
                        run = Some((start, we, first));
                    }
                    _ => {
                        if run.is_some() {
                            flush(run.take(), &mut out);
                        }
                        if capital && !stop {
                            run = Some((ws, we, i));
                        }
                    }
                }
            }
            flush(run, &mut out);
        }
        out
    }

    /// Mentions over some of the article's words (sorted and disjoint, as the mention
    /// finder gives them): `picks[k]` decides at the k-th word whether one starts there and
    /// how many words it covers.
    fn mentions_over(article: &Article, picks: &[u8]) -> Vec<Mention> {
        let mut out = Vec::new();
        let words = &article.words;
        let mut k = 0;
        while k < words.len() {
            let pick = picks.get(k % picks.len().max(1)).copied().unwrap_or(1);
            if pick % 4 == 0 {
                let last = (k + usize::from(pick / 4 % 3)).min(words.len() - 1);
                out.push(Mention {
                    span: Span::new(words[k].start as usize, words[last].end as usize),
                    entities: Vec::new(),
                    is_title: false,
                });
                k = last + 1;
            } else {
                k += 1;
            }
        }
        out
    }

    const PIECES: &[&str] = &[
        "The",
        "Russian",
        "troops",
        "Foreign",
        "Minister",
        "Sergey",
        "Lavrov's",
        "Putin\u{2019}s",
        "Putin\u{2019}",
        "Jones'",
        "\u{c9}lise",
        "\u{dc}nal",
        "\u{d8}rsted",
        "Xi",
        "Ab",
        "A",
        "I",
        "Mr",
        "May",
        "Chinese",
        "British",
        "Korean",
        "Japanese",
        "Indian",
        "said",
        "he",
        "of",
        "new",
        "\u{e9}t\u{e9}",
        "\u{6771}\u{4eac}",
        "Jean-Luc",
        "O'Neil",
        "2024",
        "-",
        "'s",
        "\u{2019}s",
        "\"",
        "\u{201c}",
        "\u{201d}",
        ",",
        ".",
        ". ",
        "! ",
        " ",
        " ",
        " ",
        "  ",
        "\n",
        "\n\n",
        "# ",
        "- ",
        "\u{a0}",
        "\t",
        "(",
        ")",
        "NATO",
        "UN",
        "Ed",
        "\u{3a9}m",
    ];

    proptest! {
        /// The hashed stop-word test agrees with the `match`: on every stop word, cut,
        /// extended or changed in one byte, inside longer texts and at their end.
        #[test]
        fn hashed_stopwords_equal_the_match(
            word in proptest::sample::select(&STOPWORDS[..]),
            cut in 0usize..10,
            extra in "[a-zA-Z\u{e9}]{0,2}",
            flip in 0usize..10,
            other in "[A-Za-z]{0,10}",
            before in "[a-z ]{0,3}",
            after in "[a-z ]{0,10}",
        ) {
            let mut changed = word.as_bytes().to_vec();
            if let Some(b) = changed.get_mut(flip) {
                *b ^= 0x20;
            }
            let changed = String::from_utf8(changed).unwrap_or_default();
            let cut_word = word.get(..cut.min(word.len())).unwrap_or(word);
            for w in [word.to_string(), format!("{cut_word}{extra}"), changed, other.clone()] {
                let text = format!("{before}{w}{after}");
                let (ws, we) = (before.len(), before.len() + w.len());
                prop_assert_eq!(is_stopword(text.as_bytes(), ws, we), is_stopword_match(&w), "{}", w);
                let (ws, we) = (0, w.len());
                prop_assert_eq!(is_stopword(w.as_bytes(), ws, we), is_stopword_match(&w), "{}", w);
            }
        }
    }

    proptest! {
        /// The fast path finds what the old code found, on text with capitalized runs, stop
        /// words, possessives, demonyms, non-ASCII capitals, quotes and mentions.
        #[test]
        fn find_equals_old(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..120),
            picks in proptest::collection::vec(any::<u8>(), 1..16),
            markdown in any::<bool>(),
        ) {
            let text: String = parts.concat();
            let (name, format) = if markdown {
                ("t.md", Format::Markdown)
            } else {
                ("t.txt", Format::Text)
            };
            let Ok(article) = Article::from_bytes(name, format, text.into_bytes()) else {
                return Ok(());
            };
            let mentions = mentions_over(&article, &picks);
            prop_assert_eq!(find(&article, &mentions), find_old(&article, &mentions));
            prop_assert_eq!(find(&article, &[]), find_old(&article, &[]));
        }
    }

    #[test]
    fn find_keeps_names_and_drops_demonyms() {
        let text = "Officials say Foreign Minister Sergey Lavrov's aide met Russian troops. \
                    Then \u{c9}lise Ørsted\u{2019}s Jones' plan. Xi spoke to Chinese Ab.";
        let article = Article::from_bytes("t.txt", Format::Text, text.as_bytes().to_vec())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let found = find(&article, &[]);
        assert_eq!(found, find_old(&article, &[]));
        let names: Vec<&str> = found.iter().map(|u| u.text.as_str()).collect();
        assert!(
            names.contains(&"Foreign Minister Sergey Lavrov"),
            "{names:?}"
        );
        assert!(!names.contains(&"Russian"), "{names:?}");
    }
}
