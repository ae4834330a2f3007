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
        Extractor {
            kb,
            mentions: MentionIndex::new(kb),
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
        let mut claims = Vec::new();
        let events: Vec<(Span, Ref)> = mentions
            .iter()
            .filter(|m| self.mention_is(m, self.kinds.event))
            .map(|m| (m.span, self.mention_ref(article, m, self.kinds.event)))
            .collect();
        for sentence in &article.sentences {
            let headline = article.blocks[sentence.block as usize].headline;
            let in_sentence = mentions_within(&mentions, sentence.span);
            let mut push = |body: ClaimBody| {
                claims.push(Claim {
                    body,
                    sentence: sentence.span,
                    headline,
                })
            };
            for c in titles::claims_in(self, article, sentence.span, in_sentence) {
                push(ClaimBody::Title(c));
            }
            for c in places::claims_in(self, article, sentence.span, in_sentence) {
                push(ClaimBody::Place(c));
            }
            for c in dates::claims_in(article, sentence.span, today, &events) {
                push(ClaimBody::Date(c));
            }
            for c in self
                .cues
                .claims_in(self, article, sentence.span, in_sentence, date)
            {
                push(ClaimBody::Relation(c));
            }
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

/// The mentions inside `span` (mentions are sorted and do not overlap).
pub(crate) fn mentions_within(mentions: &[Mention], span: Span) -> &[Mention] {
    let start = mentions.partition_point(|m| m.span.start < span.start);
    let end = mentions.partition_point(|m| m.span.start < span.end);
    &mentions[start..end.max(start)]
}
