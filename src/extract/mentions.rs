//! Mentions: where the article names an entity the knowledge base knows, found by looking
//! up each word of the article in an index of every name and alias by text, built once per
//! knowledge base.
//!
//! Article prose and patterns are normalized the same way first ([`normalize`]): curly
//! quotes made straight, dashes made hyphens, and the periods of `U.S.`-style initialisms
//! dropped, with a map back to original offsets. Titles match case-insensitively; other
//! names match with their case (or in all capitals, as headlines are sometimes written), on
//! word boundaries.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rustc_hash::FxHashMap;

use crate::article::Article;
use crate::kb::{EntityId, KnowledgeBase};
use crate::span::Span;

/// A name found in the article.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// Original byte span.
    pub span: Span,
    /// Every entity with this name (usually one).
    pub entities: Vec<EntityId>,
    /// All the entities are titles (matched case-insensitively).
    pub is_title: bool,
}

struct Pattern {
    entities: Vec<EntityId>,
    /// The normalized pattern text, for the case check.
    text: String,
    is_title: bool,
}

/// What an ASCII-lowercased text is to the index.
#[derive(Default)]
struct Entry {
    /// Patterns with this text (ascending).
    patterns: Vec<u32>,
    /// The byte length of the longest pattern whose first word this text is (0: none).
    longest: u32,
}

/// Every name in a knowledge base, by text. Matching looks up each word of the article:
/// a word that begins no name costs one hash look-up, so the cost per article does not grow
/// with the knowledge base, and building is one insert per name (an automaton over 200,000
/// names took seconds to build).
pub struct MentionIndex {
    patterns: Vec<Pattern>,
    by_text: FxHashMap<Box<str>, Entry>,
    /// Names that do not begin with a word character (`"Weird Al"`, `$`...): rare, so they
    /// are found with a small automaton.
    odd: Option<(AhoCorasick, Vec<u32>)>,
}

/// Whether `c` is part of a word (as for the boundaries of a mention).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The character at byte `at` of `text` and its length.
fn char_at(text: &str, at: usize) -> (char, usize) {
    let b = text.as_bytes()[at];
    if b < 0x80 {
        return (b as char, 1);
    }
    let c = text[at..].chars().next().unwrap_or(' ');
    (c, c.len_utf8())
}

impl MentionIndex {
    pub fn new(kb: &KnowledgeBase) -> MentionIndex {
        let title = kb.kind_by_name("title");
        let quote = kb.kind_by_name("quote");
        let mut by_key: FxHashMap<String, usize> = FxHashMap::default();
        let mut patterns: Vec<Pattern> = Vec::new();
        for (id, entity) in kb.entities() {
            // Quotes are found by the quote extractor, not as names.
            if quote.is_some_and(|q| kb.is_a(entity.kind, q)) {
                continue;
            }
            let is_title = title.is_some_and(|t| kb.is_a(entity.kind, t));
            for name in entity.names() {
                let text = normalize_text(name);
                if text.trim().is_empty() {
                    continue;
                }
                // Case-insensitive patterns share one entry per lowercase text.
                let key = if is_title {
                    text.to_lowercase()
                } else {
                    text.clone()
                };
                match by_key.get(&key) {
                    Some(&p) if patterns[p].is_title == is_title => {
                        if !patterns[p].entities.contains(&id) {
                            patterns[p].entities.push(id);
                        }
                    }
                    _ => {
                        by_key.insert(key, patterns.len());
                        patterns.push(Pattern {
                            entities: vec![id],
                            text,
                            is_title,
                        });
                    }
                }
            }
        }
        drop(by_key);
        let mut by_text: FxHashMap<Box<str>, Entry> = FxHashMap::default();
        by_text.reserve(patterns.len());
        let mut odd = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let lower = p.text.to_ascii_lowercase();
            let first_len = lower
                .char_indices()
                .find(|&(_, c)| !is_word_char(c))
                .map_or(lower.len(), |(at, _)| at);
            if first_len == 0 {
                odd.push(i as u32);
                continue;
            }
            if first_len < lower.len() {
                let first = by_text.entry(lower[..first_len].into()).or_default();
                first.longest = first.longest.max(lower.len() as u32);
            }
            let entry = by_text.entry(lower.into_boxed_str()).or_default();
            entry.patterns.push(i as u32);
            entry.longest = entry.longest.max(first_len as u32);
        }
        let odd = (!odd.is_empty()).then(|| {
            #[allow(
                clippy::expect_used,
                reason = "names are rule text, capped at MAX_RULE_BYTES by the loader: far below \
                          aho-corasick's state limit, its only build error"
            )]
            let automaton = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(odd.iter().map(|&p| patterns[p as usize].text.as_str()))
                .expect("automaton over rule names builds");
            (automaton, odd)
        });
        MentionIndex {
            patterns,
            by_text,
            odd,
        }
    }

    /// Every mention in the article's prose, leftmost-longest, not overlapping.
    pub fn find(&self, article: &Article) -> Vec<Mention> {
        let (norm, map) = normalize(&article.prose);
        self.find_normalized(&norm, &map)
    }

    /// Every occurrence of a name on word boundaries: (start, end, pattern).
    fn candidates(&self, norm: &str) -> Vec<(usize, usize, usize)> {
        let bytes = norm.as_bytes();
        let mut found = Vec::new();
        let mut key = String::new();
        let mut at = 0;
        let mut prev_word = false;
        while at < bytes.len() {
            let (c, len) = char_at(norm, at);
            let word = is_word_char(c);
            if !word || prev_word {
                prev_word = word;
                at += len;
                continue;
            }
            // a word starts at `at`
            let start = at;
            let mut end = at + len;
            while end < bytes.len() {
                let (c, l) = char_at(norm, end);
                if !is_word_char(c) {
                    break;
                }
                end += l;
            }
            key.clear();
            key.push_str(&norm[start..end]);
            key.make_ascii_lowercase();
            if let Some(first) = self.by_text.get(key.as_str())
                && first.longest > 0
            {
                let limit = (start + first.longest as usize).min(bytes.len());
                let mut e = end;
                loop {
                    // `e` ends a candidate when the character after it is not a word's
                    let boundary = e == bytes.len() || !is_word_char(char_at(norm, e).0);
                    if boundary && let Some(entry) = self.by_text.get(key.as_str()) {
                        found.extend(entry.patterns.iter().map(|&p| (start, e, p as usize)));
                    }
                    if e >= limit {
                        break;
                    }
                    let (_, l) = char_at(norm, e);
                    let from = key.len();
                    key.push_str(&norm[e..e + l]);
                    key[from..].make_ascii_lowercase();
                    e += l;
                }
            }
            prev_word = true;
            at = end;
        }
        if let Some((automaton, odd)) = &self.odd {
            for m in automaton.find_overlapping_iter(norm) {
                let (start, end) = (m.start(), m.end());
                let before_ok = start == 0 || !is_word_byte(norm, start, true);
                let after_ok = end == bytes.len() || !is_word_byte(norm, end, false);
                if before_ok && after_ok {
                    found.push((start, end, odd[m.pattern().as_usize()] as usize));
                }
            }
        }
        found
    }

    pub(crate) fn find_normalized(&self, norm: &str, map: &[u32]) -> Vec<Mention> {
        let mut found = self.candidates(norm);
        found.retain(|&(start, end, p)| {
            let pattern = &self.patterns[p];
            let matched = &norm[start..end];
            pattern.is_title
                || matched == pattern.text
                || (matched.chars().any(char::is_alphabetic)
                    && matched == matched.to_uppercase()
                    && pattern.text.chars().filter(|c| c.is_alphabetic()).count() > 3)
        });
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut mentions = Vec::new();
        let mut last_end = 0;
        for (start, end, p) in found {
            if start < last_end {
                continue;
            }
            last_end = end;
            let pattern = &self.patterns[p];
            mentions.push(Mention {
                // `map[end]` is where the next character starts, so a dropped initialism period
                // (`U.S.`) stays inside the mention.
                span: Span {
                    start: map[start],
                    end: map[end],
                },
                entities: pattern.entities.clone(),
                is_title: pattern.is_title,
            });
        }
        mentions
    }
}

/// Whether the character touching `at` (before it when `before`) is part of a word.
fn is_word_byte(text: &str, at: usize, before: bool) -> bool {
    let c = if before {
        text[..at].chars().next_back()
    } else {
        text[at..].chars().next()
    };
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Normalizes text for matching and returns it with a map from each normalized byte to the
/// original offset of its character (plus one trailing entry: the original length).
pub fn normalize(text: &str) -> (String, Vec<u32>) {
    let mut map: Vec<u32> = Vec::with_capacity(text.len() + 1);
    let out = normalize_with(text, Some(&mut map));
    (out, map)
}

/// [`normalize`] without the offset map (for names, whose offsets are never needed).
fn normalize_text(text: &str) -> String {
    normalize_with(text, None)
}

fn normalize_with(text: &str, mut map: Option<&mut Vec<u32>>) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut mark = |at: usize, n: usize| {
        if let Some(m) = map.as_deref_mut() {
            m.extend(std::iter::repeat_n(at as u32, n));
        }
    };
    // the two characters before, for the initialism rule
    let mut prev: [char; 2] = [' ', ' '];
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII: no decoding
            if b.is_ascii_whitespace() {
                // runs of white space (line breaks, masked markup) match one space
                if out.last() != Some(&b' ') {
                    out.push(b' ');
                    mark(i, 1);
                }
                prev = [prev[1], ' '];
            } else if b == b'.' && prev[1].is_ascii_uppercase() && !prev[0].is_alphabetic() {
                // the period of an initialism: U.S. → US
                prev = [prev[1], '.'];
            } else {
                out.push(b);
                mark(i, 1);
                prev = [prev[1], b as char];
            }
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        let ascii = match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => Some(b'\''),
            '\u{201c}' | '\u{201d}' => Some(b'"'),
            '\u{2010}'..='\u{2015}' | '\u{2212}' => Some(b'-'),
            c if c.is_whitespace() => (out.last() != Some(&b' ')).then_some(b' ').or(Some(0)),
            _ => None,
        };
        match ascii {
            Some(0) => {}
            Some(a) => {
                out.push(a);
                mark(i, 1);
            }
            None => {
                out.extend_from_slice(&bytes[i..i + len]);
                mark(i, len);
            }
        }
        prev = [prev[1], if c.is_whitespace() { ' ' } else { c }];
        i += len;
    }
    mark(text.len(), 1);
    // whole characters were copied or replaced by ASCII, so this is valid UTF-8
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_maps_back_to_original_offsets() {
        let text = "The U.S. envoy\u{2019}s \u{201c}deal\u{201d} \u{2014} ok";
        let (norm, map) = normalize(text);
        assert_eq!(norm, "The US envoy's \"deal\" - ok");
        assert_eq!(map.len(), norm.len() + 1);
        let us = norm.find("US").unwrap();
        assert_eq!(&text[map[us] as usize..], &text[4..]);
        let quote = norm.find('"').unwrap();
        assert_eq!(
            &text[map[quote] as usize..map[quote] as usize + 3],
            "\u{201c}"
        );
    }

    #[test]
    fn the_period_after_a_word_is_kept() {
        assert_eq!(
            normalize("Gen. Smith met Mr. Jones. A. B.").0,
            "Gen. Smith met Mr. Jones. A B"
        );
        assert_eq!(normalize("Marco  \n Rubio").0, "Marco Rubio");
    }
}
