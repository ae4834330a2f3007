//! Claim extraction, driven by the knowledge base: mentions of known names first, then one
//! extractor per claim kind over each sentence. Extractors never judge; they only say what
//! the article asserts, with the spans of its words.

pub mod claim;
pub mod cues;
pub mod cursor;
pub mod dates;
pub mod mentions;
pub mod places;
pub mod quotes;
pub mod titles;
pub mod unknown;
pub mod words;

use jiff::civil::Date;

use crate::article::Article;
use crate::kb::time::{FactDate, Precision};
use crate::kb::{EntityId, KindId, KnowledgeBase};
use crate::span::Span;
use claim::{Claim, ClaimBody, Ref};
use mentions::{Mention, MentionIndex};

/// What one article says, as found by the extractors.
#[derive(Debug)]
pub struct Extraction {
    pub mentions: Vec<Mention>,
    pub claims: Vec<Claim>,
    /// Capitalized names the knowledge base does not know.
    pub unknown: Vec<unknown::UnknownName>,
    /// The date claims are judged at: `--date`, else front matter, else dateline.
    pub date: Option<FactDate>,
}

/// The extractors for one knowledge base; build once, use for every article (it is `Sync`).
pub struct Extractor<'kb> {
    pub kb: &'kb KnowledgeBase,
    mentions: MentionIndex,
    cues: cues::CueIndex,
    kinds: Kinds,
}

/// The prelude kinds the extractors care about.
#[derive(Clone, Copy)]
pub(crate) struct Kinds {
    pub person: Option<KindId>,
    pub place: Option<KindId>,
    pub event: Option<KindId>,
    pub title: Option<KindId>,
}

impl<'kb> Extractor<'kb> {
    pub fn new(kb: &'kb KnowledgeBase) -> Self {
        Self::with_mentions(kb, MentionIndex::new(kb))
    }

    /// [`Extractor::new`] for `kb`, the knowledge base cached under `key` in `cache`, with
    /// its mention index from the cache too (or built and cached there):
    /// see [`MentionIndex::cached`].
    pub fn cached(
        kb: &'kb KnowledgeBase,
        cache: &crate::kb::cache::KbCache,
        key: u128,
    ) -> (Self, crate::kb::cache::CacheOutcome) {
        let (mentions, outcome) = MentionIndex::cached(kb, cache, key);
        (Self::with_mentions(kb, mentions), outcome)
    }

    fn with_mentions(kb: &'kb KnowledgeBase, mentions: MentionIndex) -> Self {
        Extractor {
            kb,
            mentions,
            cues: cues::CueIndex::new(kb),
            kinds: Kinds {
                person: kb.kind_by_name("person"),
                place: kb.kind_by_name("place"),
                event: kb.kind_by_name("event"),
                title: kb.kind_by_name("title"),
            },
        }
    }

    /// The extractor's own indexes, which borrow nothing: a process about to exit can free
    /// them on another thread (for a large knowledge base, hundreds of thousands of names).
    pub fn into_indexes(self) -> impl Send + 'static {
        (self.mentions, self.cues)
    }

    pub(crate) fn is_kind(&self, entity: EntityId, kind: Option<KindId>) -> bool {
        kind.is_some_and(|k| self.kb.is_a(self.kb.entity(entity).kind, k))
    }

    /// Whether any of a mention's entities is of `kind`.
    pub(crate) fn mention_is(&self, mention: &Mention, kind: Option<KindId>) -> bool {
        mention.entities.iter().any(|&e| self.is_kind(e, kind))
    }

    /// A reference to the words of a mention, naming those of its entities that are `kind`.
    pub(crate) fn mention_ref(
        &self,
        article: &Article,
        mention: &Mention,
        kind: Option<KindId>,
    ) -> Ref {
        let ids: Vec<EntityId> = mention
            .entities
            .iter()
            .copied()
            .filter(|&e| kind.is_none() || self.is_kind(e, kind))
            .collect();
        Ref {
            text: article.slice(mention.span).to_string(),
            span: mention.span,
            entities: ids
                .iter()
                .map(|&e| self.kb.entity(e).name.to_string())
                .collect(),
            ids,
        }
    }

    /// A reference to words that name no known entity (or those `lookup` finds, of `kind`).
    pub(crate) fn words_ref(&self, article: &Article, span: Span, kind: Option<KindId>) -> Ref {
        let text = article.slice(span).to_string();
        let ids: Vec<EntityId> = match kind {
            Some(_) => self
                .kb
                .lookup(&text)
                .iter()
                .copied()
                .filter(|&e| self.is_kind(e, kind))
                .collect(),
            None => Vec::new(),
        };
        Ref {
            entities: ids
                .iter()
                .map(|&e| self.kb.entity(e).name.to_string())
                .collect(),
            ids,
            text,
            span,
        }
    }

    /// Extracts every claim the article makes. `date` overrides the article's own date.
    pub fn extract(&self, article: &Article, date: Option<FactDate>) -> Extraction {
        let mentions = self.mentions.find(article);
        let date = date.or(article.date.map(|d| d.date));
        let today: Option<Date> = date
            .filter(|d| d.precision() == Precision::Day)
            .map(FactDate::first_day);
        // about one claim for every other sentence: room for one per sentence, so that the
        // vector of large claims is seldom moved as it grows
        let mut claims = Vec::with_capacity(article.sentences.len());
        let events: Vec<(Span, Ref)> = mentions
            .iter()
            .filter(|m| self.mention_is(m, self.kinds.event))
            .map(|m| (m.span, self.mention_ref(article, m, self.kinds.event)))
            .collect();
        let mut window = MentionWindow::default();
        for sentence in &article.sentences {
            let headline = article.blocks[sentence.block as usize].headline;
            let in_sentence = window.within(&mentions, sentence.span);
            let span = sentence.span;
            append(
                &mut claims,
                titles::claims_in(self, article, span, in_sentence),
                ClaimBody::Title,
                span,
                headline,
            );
            append(
                &mut claims,
                places::claims_in(self, article, span, in_sentence),
                ClaimBody::Place,
                span,
                headline,
            );
            append(
                &mut claims,
                dates::claims_in(article, span, today, &events),
                ClaimBody::Date,
                span,
                headline,
            );
            append(
                &mut claims,
                self.cues.claims_in(self, article, span, in_sentence, date),
                ClaimBody::Relation,
                span,
                headline,
            );
        }
        for (claim, sentence) in quotes::claims(self, article, &mentions) {
            let headline = article
                .sentence_at(sentence.start)
                .is_some_and(|s| article.blocks[s.block as usize].headline);
            claims.push(Claim {
                body: ClaimBody::Quote(claim),
                sentence,
                headline,
            });
        }
        claims.sort_by_key(|c| (c.span().start, c.span().end));
        let unknown = unknown::find(article, &mentions);
        Extraction {
            mentions,
            claims,
            unknown,
            date,
        }
    }
}

/// Appends the claims one extractor found in a sentence, each wrapped by `body`, in order.
/// Most extractors find nothing in most sentences: an empty vector is passed over without
/// an iterator to drop.
fn append<T>(
    claims: &mut Vec<Claim>,
    found: Vec<T>,
    body: impl Fn(T) -> ClaimBody,
    sentence: Span,
    headline: bool,
) {
    if found.is_empty() {
        return;
    }
    claims.extend(found.into_iter().map(|c| Claim {
        body: body(c),
        sentence,
        headline,
    }));
}

/// `mentions_within` for spans taken in order of their start: the bounds move forward
/// from the last span's, and a span that starts before the last one falls back to the binary
/// search.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct MentionWindow {
    /// The first mention that starts at or after the last span's start.
    start: usize,
}

impl MentionWindow {
    /// The mentions inside `span`, as `mentions_within` gives them.
    pub(crate) fn within<'m>(&mut self, mentions: &'m [Mention], span: Span) -> &'m [Mention] {
        if self
            .start
            .checked_sub(1)
            .and_then(|i| mentions.get(i))
            .is_some_and(|m| m.span.start >= span.start)
        {
            self.start = mentions.partition_point(|m| m.span.start < span.start);
        }
        while mentions
            .get(self.start)
            .is_some_and(|m| m.span.start < span.start)
        {
            self.start += 1;
        }
        let mut end = self.start;
        while mentions.get(end).is_some_and(|m| m.span.start < span.end) {
            end += 1;
        }
        mentions.get(self.start..end).unwrap_or_default()
    }
}

/// The mentions inside `span` (mentions are sorted and do not overlap): two binary searches,
/// the reference [`MentionWindow`] is tested against.
#[cfg(test)]
pub(crate) fn mentions_within(mentions: &[Mention], span: Span) -> &[Mention] {
    let start = mentions.partition_point(|m| m.span.start < span.start);
    let end = mentions.partition_point(|m| m.span.start < span.end);
    &mentions[start..end.max(start)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// In any order of spans, the forward window gives what the binary searches give.
        #[test]
        fn window_equals_mentions_within(
            starts in proptest::collection::vec((0usize..8, 1usize..6), 0..20),
            spans in proptest::collection::vec((0usize..120, 0usize..40), 0..12),
            sorted in any::<bool>(),
        ) {
            // sorted, disjoint mentions
            let mut mentions = Vec::new();
            let mut at = 0;
            for (gap, len) in starts {
                at += gap;
                mentions.push(Mention {
                    span: Span::new(at, at + len),
                    entities: Vec::new(),
                    is_title: false,
                });
                at += len;
            }
            let mut spans: Vec<Span> = spans.into_iter().map(|(s, l)| Span::new(s, s + l)).collect();
            if sorted {
                spans.sort_by_key(|s| s.start);
            }
            let mut window = MentionWindow::default();
            for span in spans {
                prop_assert_eq!(window.within(&mentions, span), mentions_within(&mentions, span));
            }
        }
    }
}
