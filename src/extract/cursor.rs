//! The words of each sentence in turn, found by walking the article's word table once
//! instead of two binary searches per sentence ([`Article::words_in`]); and the sentence at
//! each of a run of offsets, found by walking the sentence table ([`Article::sentence_at`]).

use crate::article::{Article, Sentence};
use crate::span::Span;

/// Where the last sentence's words started in the word table.
#[derive(Clone, Copy, Debug, Default)]
pub struct WordCursor {
    at: usize,
}

impl WordCursor {
    /// The words of `span`, as [`Article::words_in`] gives them. Spans asked for in order
    /// of their start are found by walking forward; a span that starts before the last one
    /// falls back to the binary search.
    pub fn words_in<'a>(&mut self, article: &'a Article, span: Span) -> &'a [Span] {
        let words = &article.words;
        if self
            .at
            .checked_sub(1)
            .and_then(|i| words.get(i))
            .is_some_and(|w| w.start >= span.start)
        {
            self.at = words.partition_point(|w| w.start < span.start);
        }
        let mut start = self.at;
        while words.get(start).is_some_and(|w| w.start < span.start) {
            start += 1;
        }
        let mut end = start;
        while words.get(end).is_some_and(|w| w.start < span.end) {
            end += 1;
        }
        self.at = start;
        words.get(start..end).unwrap_or_default()
    }
}

/// Where the last sentence looked up was in the sentence table.
#[derive(Clone, Copy, Debug, Default)]
pub struct SentenceCursor {
    at: usize,
}

impl SentenceCursor {
    /// The sentence at `offset`, as [`Article::sentence_at`] gives it. Offsets asked for in
    /// ascending order are found by walking forward; an offset before the last sentence
    /// passed falls back to the binary search.
    pub fn sentence_at<'a>(&mut self, article: &'a Article, offset: u32) -> Option<&'a Sentence> {
        let sentences = &article.sentences;
        if self
            .at
            .checked_sub(1)
            .and_then(|i| sentences.get(i))
            .is_some_and(|s| s.span.end > offset)
        {
            self.at = sentences.partition_point(|s| s.span.end <= offset);
        }
        while sentences.get(self.at).is_some_and(|s| s.span.end <= offset) {
            self.at += 1;
        }
        sentences.get(self.at).filter(|s| s.span.start <= offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Format;
    use proptest::prelude::*;

    proptest! {
        /// In any order of spans, the cursor gives what the binary search gives.
        #[test]
        fn cursor_equals_words_in(
            text in "[a-zA-Z ,.\u{e9}\n]{0,200}",
            spans in proptest::collection::vec((0usize..220, 0usize..60), 0..12),
            sorted in any::<bool>(),
        ) {
            let Ok(article) = Article::from_bytes("t.txt", Format::Text, text.into_bytes()) else {
                return Ok(());
            };
            let n = article.prose.len();
            let mut spans: Vec<Span> = spans
                .into_iter()
                .map(|(s, l)| Span::new(s.min(n), (s + l).min(n)))
                .collect();
            if sorted {
                spans.sort_by_key(|s| s.start);
            }
            let mut cursor = WordCursor::default();
            for s in spans {
                prop_assert_eq!(cursor.words_in(&article, s), article.words_in(s));
            }
        }

        /// In any order of offsets, the cursor gives what the binary search gives.
        #[test]
        fn cursor_equals_sentence_at(
            text in "[a-zA-Z ,.\u{e9}\n\"]{0,200}",
            offsets in proptest::collection::vec(0u32..220, 0..12),
            sorted in any::<bool>(),
        ) {
            let Ok(article) = Article::from_bytes("t.txt", Format::Text, text.into_bytes()) else {
                return Ok(());
            };
            let mut offsets = offsets;
            if sorted {
                offsets.sort_unstable();
            }
            let mut cursor = SentenceCursor::default();
            for o in offsets {
                let fast = cursor.sentence_at(&article, o).map(|s| s.span);
                prop_assert_eq!(fast, article.sentence_at(o).map(|s| s.span));
            }
        }
    }
}
