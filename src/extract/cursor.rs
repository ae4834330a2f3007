//! The words of each sentence in turn, found by walking the article's word table once
//! instead of two binary searches per sentence ([`Article::words_in`]).

use crate::article::Article;
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
    }
}
