//! Generic relation cues: for every relation declared with `cue "phrase"`, a cue in the text
//! links the nearest entity of the subject kind before it to the first entity of the value
//! kind after it, with a date in the same clause if there is one (`Crimea (annexed by Russia
//! in 2014)`).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::Extractor;
use super::claim::{Ref, RelationClaim};
use super::mentions::Mention;
use crate::article::Article;
use crate::kb::time::FactDate;
use crate::kb::{KnowledgeBase, RelationId, ValueType};
use crate::span::Span;

/// How far from a cue its subject and value are looked for, in bytes.
const REACH: usize = 200;

/// Words allowed between a subject and its cue (`Ukraine has formally joined`).
const BRIDGE: &[&str] = &[
    "has",
    "have",
    "had",
    "was",
    "is",
    "were",
    "formally",
    "officially",
    "also",
    "finally",
    "been",
    "already",
];

pub struct CueIndex {
    automaton: Option<AhoCorasick>,
    relations: Vec<RelationId>,
    /// The bytes some cue phrase holds, in either ASCII case (as the automaton matches them):
    /// no match holds any other.
    in_cues: [bool; 256],
}

/// How the cue automaton is built: ASCII case folded, leftmost-longest, and a DFA without
/// prefilter (cue phrases start with common letters, and a prefilter stopping at each of them
/// costs twice the DFA's plain scan).
fn automaton_builder() -> AhoCorasickBuilder {
    let mut builder = AhoCorasickBuilder::new();
    builder
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .prefilter(false);
    builder
}

/// The bytes `phrases` hold, in either ASCII case.
fn bytes_of(phrases: &[String]) -> [bool; 256] {
    let mut table = [false; 256];
    for &b in phrases.iter().flat_map(|p| p.as_bytes()) {
        table[usize::from(b.to_ascii_lowercase())] = true;
        table[usize::from(b.to_ascii_uppercase())] = true;
    }
    table
}

/// Where a scan for matches that start at or after `from` may begin: just past the last byte
/// before `from` that no cue holds (`in_cues`), or 0. No match of the whole of `hay` holds that
/// byte, so none goes over the place, and the leftmost-longest matches of `hay` from there on
/// are those of the scan that begins there.
fn scan_start(hay: &[u8], from: usize, in_cues: &[bool; 256]) -> usize {
    hay.get(..from)
        .and_then(|before| before.iter().rposition(|&b| !in_cues[usize::from(b)]))
        .map_or(0, |p| p + 1)
}

/// The cue matches (leftmost-longest, as `find_iter` over all of `hay` gives them) that start
/// at or before `last_start`, as (pattern, start, end).
///
/// Only the first `last_start + max_pattern_len` bytes are scanned: every match starting at
/// or before `last_start` lies wholly inside them, and so does every other match that could
/// start at or before it, so leftmost-longest picks the same matches there as over all of
/// `hay`; the scan stops at the first match starting after `last_start`.
fn matches_up_to(
    automaton: &AhoCorasick,
    hay: &[u8],
    last_start: usize,
) -> impl Iterator<Item = (usize, usize, usize)> {
    let end = hay
        .len()
        .min(last_start.saturating_add(automaton.max_pattern_len()));
    automaton
        .find_iter(&hay[..end])
        .take_while(move |m| m.start() <= last_start)
        .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
}

impl CueIndex {
    pub fn new(kb: &KnowledgeBase) -> CueIndex {
        let mut phrases = Vec::new();
        let mut relations = Vec::new();
        for (id, relation) in kb.relations() {
            for cue in &relation.cues {
                phrases.push(cue.to_string());
                relations.push(id);
            }
        }
        #[allow(
            clippy::expect_used,
            reason = "cue phrases are rule text, capped at MAX_RULE_BYTES by the loader: far \
                      below aho-corasick's state limit, its only build error"
        )]
        let automaton = (!phrases.is_empty()).then(|| {
            automaton_builder()
                .build(&phrases)
                .expect("cue automaton builds")
        });
        CueIndex {
            automaton,
            relations,
            in_cues: bytes_of(&phrases),
        }
    }

    /// Relation claims in one sentence, given its mentions (sorted, not overlapping).
    pub fn claims_in(
        &self,
        x: &Extractor<'_>,
        article: &Article,
        sentence: Span,
        mentions: &[Mention],
        article_date: Option<FactDate>,
    ) -> Vec<RelationClaim> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        // a claim needs a subject mention before its cue and a value mention after it
        if mentions.len() < 2 {
            return Vec::new();
        }
        let text = &article.prose;
        let base = sentence.start as usize;
        let s = sentence.slice(text);
        // a cue starts at or after the first mention's end and ends at or before the last
        // mention's start; matches starting later cannot yield a claim
        let (first_end, last_start) = match (mentions.first(), mentions.last()) {
            (Some(f), Some(l)) => (f.span.end as usize, l.span.start as usize),
            _ => return Vec::new(),
        };
        let mut out = Vec::new();
        // matches that start before the first mention's end are passed over: the scan begins
        // at the last place before it that no match can go over
        let from = scan_start(
            s.as_bytes(),
            first_end.saturating_sub(base).min(s.len()),
            &self.in_cues,
        );
        for (pattern, ms, me) in matches_up_to(
            automaton,
            s.as_bytes().get(from..).unwrap_or_default(),
            last_start.saturating_sub(base + from),
        ) {
            let (cs, ce) = (base + from + ms, base + from + me);
            if cs < first_end || ce > last_start {
                continue;
            }
            let word_boundary = !text[..cs].ends_with(char::is_alphanumeric)
                && !text[ce..].starts_with(char::is_alphanumeric);
            if !word_boundary {
                continue;
            }
            let relation_id = self.relations[pattern];
            let relation = x.kb.relation(relation_id);
            let ValueType::Entity(value_kind) = relation.value else {
                continue;
            };
            // subject: the nearest fitting mention ending just before the cue. Only bridge
            // words may come between, so it is looked for within REACH bytes: the work per
            // cue stays constant however many names the sentence has.
            let before = &mentions[..mentions.partition_point(|m| (m.span.end as usize) <= cs)];
            let Some(subject) = before
                .iter()
                .rev()
                .take_while(|m| m.span.end as usize + REACH >= cs)
                .find(|m| {
                    m.entities
                        .iter()
                        .any(|&e| x.kb.is_a(x.kb.entity(e).kind, relation.subject))
                })
            else {
                continue;
            };
            let between = &text[subject.span.end as usize..cs];
            let bridge_ok = between
                .split(|c: char| c.is_whitespace() || c == '(')
                .filter(|w| !w.is_empty())
                .all(|w| BRIDGE.contains(&w.to_ascii_lowercase().as_str()));
            if !bridge_ok {
                continue;
            }
            // value: the first fitting mention after the cue, within a few words
            let after = &mentions[mentions.partition_point(|m| (m.span.start as usize) < ce)..];
            let Some(value) = after
                .iter()
                .take_while(|m| (m.span.start as usize) <= ce + REACH)
                .find(|m| {
                    m.entities
                        .iter()
                        .any(|&e| x.kb.is_a(x.kb.entity(e).kind, value_kind))
                })
            else {
                continue;
            };
            if text[ce..value.span.start as usize]
                .split_whitespace()
                .count()
                > 2
                || text[ce..value.span.start as usize].contains([',', ';', '(', ')'])
            {
                continue;
            }
            // a date in the rest of the clause (at most REACH bytes of it)
            let mut limit = (sentence.end as usize).min(value.span.end as usize + REACH);
            while !text.is_char_boundary(limit) {
                limit -= 1;
            }
            let clause_end = text[value.span.end as usize..limit]
                .find([',', ';', ')'])
                .map_or(limit, |p| value.span.end as usize + p);
            let year = article_date.map(|d| d.year_number());
            let date = super::dates::find(
                &text[value.span.end as usize..clause_end],
                value.span.end as usize,
                year,
            )
            .into_iter()
            .find(|e| e.date.is_some());
            let subject_ref = x.mention_ref(article, subject, Some(relation.subject));
            let value_ref = x.mention_ref(article, value, Some(value_kind));
            out.push(RelationClaim {
                relation: relation.name.to_string(),
                subject: subject_ref,
                value: value_ref,
                cue: Ref {
                    text: article.slice(Span::new(cs, ce)).to_string(),
                    span: Span::new(cs, ce),
                    entities: Vec::new(),
                    ids: Vec::new(),
                },
                date: date.as_ref().and_then(|e| e.date),
                date_span: date.map(|e| e.span),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An automaton built as [`CueIndex::new`] builds it.
    fn test_automaton(patterns: &[String]) -> AhoCorasick {
        automaton_builder().build(patterns).unwrap()
    }

    /// The simple form: every match over the whole haystack, kept if it starts by `last`.
    fn reference(a: &AhoCorasick, hay: &[u8], last: usize) -> Vec<(usize, usize, usize)> {
        a.find_iter(hay)
            .filter(|m| m.start() <= last)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect()
    }

    proptest! {
        #[test]
        fn truncated_scan_matches_full_scan(
            patterns in proptest::collection::vec("[abA ]{1,6}", 1..6),
            hay in "[abAB ]{0,60}",
            last in 0usize..70,
        ) {
            let a = test_automaton(&patterns);
            let fast: Vec<_> = matches_up_to(&a, hay.as_bytes(), last).collect();
            prop_assert_eq!(fast, reference(&a, hay.as_bytes(), last));
        }

        /// From the scan start on, the scan finds the matches of the whole haystack that start
        /// there or later.
        #[test]
        fn scan_from_its_start_matches_full_scan(
            patterns in proptest::collection::vec("[abA ]{1,6}", 1..6),
            hay in "[abABc ,]{0,60}",
            from in 0usize..70,
            last in 0usize..70,
        ) {
            let a = test_automaton(&patterns);
            let hay = hay.as_bytes();
            let from = from.min(hay.len());
            let start = scan_start(hay, from, &bytes_of(&patterns));
            prop_assert!(start <= from);
            let last = last.max(start);
            let fast: Vec<_> = matches_up_to(&a, &hay[start..], last - start)
                .map(|(p, s, e)| (p, start + s, start + e))
                .collect();
            let full: Vec<_> = reference(&a, hay, last)
                .into_iter()
                .filter(|&(_, s, _)| s >= start)
                .collect();
            prop_assert_eq!(fast, full);
        }
    }
}
