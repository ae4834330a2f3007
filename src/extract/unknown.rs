//! Unknown names: capitalized word sequences in body prose that match no entity, so that a
//! rule author can see what the knowledge base is missing (`extract --unknown`).

use serde::Serialize;

use super::cursor::WordCursor;
use super::mentions::Mention;
use crate::article::Article;
use crate::span::Span;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnknownName {
    pub text: String,
    pub span: Span,
}

/// Capitalized words that start sentences, or are too common to be names. A `match` on
/// the string compiles to a switch on its length and a few compares: cheaper than hashing it.
fn is_stopword(word: &str) -> bool {
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
    if covered || candidate.len() <= 8 && candidate.chars().count() < 3 {
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
    let name = candidate
        .strip_suffix("'s")
        .or_else(|| candidate.strip_suffix("\u{2019}s"))
        .unwrap_or(candidate);
    let name = name.trim_end_matches(['\'', '\u{2019}']);
    out.push(UnknownName {
        text: name.to_string(),
        span,
    });
}

pub fn find(article: &Article, mentions: &[Mention]) -> Vec<UnknownName> {
    let text = &article.prose;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // sentences come in order, so their words are found by walking the word table once
    let mut cursor = WordCursor::default();
    // the mention cursor of `flush`
    let mut fm = 0;
    for sentence in &article.sentences {
        let block = &article.blocks[sentence.block as usize];
        // title case in headings makes every word look like a name
        if block.headline
            || block.kind != crate::article::BlockKind::Paragraph
                && block.kind != crate::article::BlockKind::ListItem
        {
            continue;
        }
        let words = cursor.words_in(article, sentence.span);
        // mentions before this sentence's words are passed once: `m` only moves forward
        let mut m = mentions.partition_point(|m| m.span.end <= sentence.span.start);
        // start, end, first in the sentence, one word (the words hold no spaces, so a run is
        // one word if no space separates its words)
        let mut run: Option<(usize, usize, bool, bool)> = None;
        for (i, word) in words.iter().enumerate() {
            let (ws, we) = (word.start as usize, word.end as usize);
            // Only a word whose first character is a capital starts or extends a run, and
            // that character is an ASCII capital or not ASCII. Any other word (most are lower
            // case) ends the open run, whether or not a mention covers it.
            let lead = bytes[ws];
            if lead < 0x80 && !lead.is_ascii_uppercase() {
                if let Some(r) = run.take() {
                    flush(text, mentions, &mut fm, r, &mut out);
                }
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
                if let Some(r) = run.take() {
                    flush(text, mentions, &mut fm, r, &mut out);
                }
                continue;
            }
            let capital = lead < 0x80 || w.chars().next().is_some_and(char::is_uppercase);
            let name_word = capital && !is_stopword(w);
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
                        run = Some((ws, we, i == 0, true));
                    }
                }
            }
        }
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
    use proptest::prelude::*;

    /// The implementation before the fast path, kept to check it against.
    pub(super) fn find_old(article: &Article, mentions: &[Mention]) -> Vec<UnknownName> {
        let text = &article.prose;
        let mut out = Vec::new();
        // sentences come in order, so their words are found by walking the word table once
        let mut cursor = WordCursor::default();
        for sentence in &article.sentences {
            let block = &article.blocks[sentence.block as usize];
            // title case in headings makes every word look like a name
            if block.headline
                || block.kind != crate::article::BlockKind::Paragraph
                    && block.kind != crate::article::BlockKind::ListItem
            {
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
                if covered || candidate.chars().count() < 3 || is_stopword(candidate) {
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
                let stop = capital && is_stopword(w);
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
