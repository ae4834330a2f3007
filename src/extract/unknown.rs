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

pub fn find(article: &Article, mentions: &[Mention]) -> Vec<UnknownName> {
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
