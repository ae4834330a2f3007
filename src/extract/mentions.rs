//! Mentions: where the article names an entity the knowledge base knows, found by looking
//! up each word of the article in an index of every name and alias by text, built once per
//! knowledge base.
//!
//! Article prose and patterns match as if normalized the same way ([`normalize_sparse`]):
//! curly quotes made straight, dashes made hyphens, runs of white space one space, and the
//! periods of `U.S.`-style initialisms dropped. Patterns are normalized when the index is
//! built; the prose is read as it is, and only the text after a word that begins some name
//! is normalized, a character at a time, with its original offsets. Titles match
//! case-insensitively; other names match with their case (or in all capitals, as headlines
//! are sometimes written), on word boundaries.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rustc_hash::FxHashMap;

use crate::article::Article;
use crate::extract::words::{CHUNK, chunk_at, for_each_run_classified, pack};
use crate::kb::cache::{CacheOutcome, KbCache, Out, Reader, load_or_build, u64s};
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

/// The names of the index (its patterns), as columns, with no allocation per name: pattern
/// `p`'s normalized text (for the case check) is `text[text_at[p]..text_at[p + 1]]`, its
/// entities (usually one) `entities[entity_at[p]..entity_at[p + 1]]`, in the order the
/// knowledge base gave them.
#[derive(Default)]
struct Patterns {
    text: String,
    text_at: Vec<u32>,
    entities: Vec<EntityId>,
    entity_at: Vec<u32>,
    /// Whether the pattern is a title's (matched case-insensitively).
    is_title: Vec<bool>,
}

impl Patterns {
    fn len(&self) -> usize {
        self.is_title.len()
    }

    /// The bytes of `text[at[p]..at[p + 1]]` (empty when out of range).
    #[inline]
    fn run<'a, T>(items: &'a [T], at: &[u32], p: usize) -> &'a [T] {
        match (at.get(p), at.get(p + 1)) {
            (Some(&start), Some(&end)) => items.get(start as usize..end as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Pattern `p`'s normalized text, as bytes.
    #[inline]
    fn bytes(&self, p: usize) -> &[u8] {
        Self::run(self.text.as_bytes(), &self.text_at, p)
    }

    /// Pattern `p`'s normalized text.
    fn text(&self, p: usize) -> &str {
        std::str::from_utf8(self.bytes(p)).unwrap_or("")
    }

    /// Pattern `p`'s entities.
    fn entities(&self, p: usize) -> &[EntityId] {
        Self::run(&self.entities, &self.entity_at, p)
    }

    fn is_title(&self, p: usize) -> bool {
        self.is_title.get(p).copied().unwrap_or(false)
    }
}

/// What an ASCII-lowercased text is to the index.
#[derive(Default)]
struct Entry {
    /// The text, to tell apart two texts with the same hash: `len` bytes from `start` of the
    /// patterns' text (a prefix of a pattern's, in any ASCII case; no string of its own).
    start: u32,
    len: u32,
    /// Patterns with this text (ascending): `MentionIndex::flat[first..first + count]`.
    first: u32,
    count: u32,
    /// The byte length of the longest pattern whose first word this text is (0: none).
    longest: u32,
    /// The bytes that follow this text and a space in longer patterns (each ASCII-lowercased,
    /// bit `b & 31`): a clear bit says no name goes on past the text over that space and byte
    /// ([`Entry::may_go_on`]).
    next: u32,
    /// The [`TextHash`] of the text: the key of [`MentionIndex::by_hash`], and carried on by
    /// the matcher past a first word found through [`MentionIndex::words`] (which does not
    /// hash it).
    hash: u64,
}

impl Entry {
    /// The bit of [`Entry::next`] for the byte `b`.
    #[inline]
    fn next_bit(b: u8) -> u32 {
        1 << (b.to_ascii_lowercase() & 31)
    }

    /// Whether a longer name may go on from this entry's text, found followed by the kept
    /// byte at `at` of `bytes`: false when the text goes on with a space and a printable
    /// ASCII byte (both kept as they are by the normalization) that no longer name has there.
    #[inline]
    fn may_go_on(&self, bytes: &[u8], at: usize) -> bool {
        match (bytes.get(at), bytes.get(at + 1)) {
            (Some(b' '), Some(&b)) if (0x21..0x7f).contains(&b) => {
                self.next & Self::next_bit(b) != 0
            }
            _ => true,
        }
    }

    /// The entry's text, in `text` (the patterns' text).
    #[inline]
    fn text<'t>(&self, text: &'t str) -> &'t [u8] {
        let start = self.start as usize;
        text.as_bytes()
            .get(start..start + self.len as usize)
            .unwrap_or(&[])
    }
}

/// Every name in a knowledge base, by text. Matching looks up each word of the article:
/// a word that begins no name costs one hash of its bytes and one look-up, so the cost per
/// article does not grow with the knowledge base, and building is one insert per name (an
/// automaton over 200,000 names took seconds to build).
///
/// Texts are keyed by [`TextHash`] of their ASCII-lowercased bytes, which the matcher computes
/// while it scans (extending a key by a word is hashing that word's bytes), so no key string
/// is ever built per word; the entry's text is compared on a hit.
///
/// Everything is a handful of flat arrays (no string or allocation per name), the same
/// whether built ([`MentionIndex::new`]) or read from the cache ([`MentionIndex::cached`]),
/// so that reading and freeing the index of a large knowledge base are a few copies.
pub struct MentionIndex {
    patterns: Patterns,
    entries: Vec<Entry>,
    /// The patterns of every entry, entry after entry (see [`Entry::first`]).
    flat: Vec<u32>,
    /// The entries by [`Entry::hash`]: entry number + 1 in each slot (0: empty), open
    /// addressing from [`table_slot`] with linear probing, at most half full. Made from the
    /// entries' hashes ([`hash_table`]), also when the index is read from the cache.
    by_hash: Vec<u32>,
    /// One bit per hash value modulo its length (a power of two): most words begin no name,
    /// and a clear bit says so before the table is probed.
    seen: Vec<u64>,
    /// The entries of single words (texts of word characters only), by [`word_key`]: entry
    /// number + 1 in each slot (0: empty), open addressing with linear probing, at most half
    /// full. A word of the article is looked up here with the key its filter bit was read
    /// with ([`Self::words_seen`]), so it is never hashed unless a longer name may follow.
    words: Vec<u32>,
    /// The same for single words, by [`word_key`]: a word's key costs two multiplies
    /// whatever its length, so the scan looks up only the few words that pass.
    words_seen: Vec<u64>,
    /// A second filter for a word that passed [`Self::words_seen`] and is followed by a space
    /// and a printable ASCII byte, keyed by its [`word_key`] and that byte ([`pair_bit`]):
    /// the bits of each single word's entry for the bytes of [`Entry::next`], and for
    /// [`ANY_NEXT`] if the word is a name itself. A clear bit says the word is no name and
    /// begins none that goes on over that space and byte, so the scan skips it: most words
    /// that begin names (`the`, `in`, `for`) are never looked up ([`Self::may_begin`]).
    pairs: Vec<u64>,
    /// A third filter, for a word that passed the second by the bit of its next byte (not
    /// [`ANY_NEXT`]'s): keyed by the [`word_key`]s of a first word and of the word after it
    /// over a space ([`second_bit`]), with a bit for each name that goes on so. A clear bit
    /// says no name goes on from the first word over the space and that whole word.
    seconds: Vec<u64>,
    /// Names that do not begin with a word character (`"Weird Al"`, `$`...): rare, so they
    /// are found with a small automaton.
    odd: Option<(AhoCorasick, Vec<u32>)>,
}

/// The first slot of [`MentionIndex::by_hash`] (before masking) for hash `h`: its high bits
/// after a multiply, which mixes the FNV hash's low bits in.
#[inline]
fn table_slot(h: u64) -> usize {
    (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize
}

/// The value of [`pair_bit`] that stands for any byte: set for the words that are names.
const ANY_NEXT: u32 = 32;

/// The bit of [`MentionIndex::pairs`] (of `bits`, a power of two) for a word of
/// [`word_key`] `key` (44 bits) followed by a space and a byte `b` of bit `next`
/// ([`Entry::next_bit`] is `1 << next`), or by anything ([`ANY_NEXT`]).
#[inline]
fn pair_bit(key: u64, next: u32, bits: usize) -> usize {
    // `next` in the low bits, which a multiply carries up into the bits kept
    (((key << 6) | u64::from(next)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & (bits - 1)
}

/// The bit of [`MentionIndex::seconds`] (of `bits`, a power of two) for a first word of
/// [`word_key`] `first` followed by a space and a word of key `second`.
#[inline]
fn second_bit(first: u64, second: u64, bits: usize) -> usize {
    ((first.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ second).wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40)
        as usize
        & (bits - 1)
}

/// The [`word_key`] of the ASCII word that begins at `from` when it ends before an ASCII
/// byte other than `.` (or at the end of the text): then the normalized text has that word
/// there, whole, as it is. `None` for no such word, or one that may go on or join another
/// (a byte of 0x80 or above, or a `.` that may be dropped).
#[inline]
fn clean_word_key(bytes: &[u8], from: usize) -> Option<u64> {
    let mut end = from;
    while let Some(&b) = bytes.get(end)
        && ASCII_WORD[b as usize]
    {
        end += 1;
    }
    match bytes.get(end) {
        _ if end == from => None,
        Some(&b) if b >= 0x80 || b == b'.' => None,
        _ => Some(word_key_in(bytes, from, end)),
    }
}

/// [`MentionIndex::by_hash`] and [`MentionIndex::seen`] for `entries`: a table of twice as
/// many slots as entries or more (a power of two), filled in entry order, and sixteen
/// filter bits an entry or more.
fn hash_table(entries: &[Entry]) -> (Vec<u32>, Vec<u64>) {
    let mut table = vec![0u32; (entries.len() * 2).next_power_of_two().max(16)];
    let mask = table.len() - 1;
    let bits = (entries.len() * 16).next_power_of_two().max(1 << 12);
    let mut seen = vec![0u64; bits / 64];
    for (e, entry) in entries.iter().enumerate() {
        let bit = (entry.hash as usize) & (bits - 1);
        seen[bit / 64] |= 1 << (bit % 64);
        let mut slot = table_slot(entry.hash) & mask;
        while table[slot] != 0 {
            slot = (slot + 1) & mask;
        }
        table[slot] = e as u32 + 1;
    }
    (table, seen)
}

/// The hash of a pattern's key while the index is built (FxHash of its bytes).
fn key_hash(key: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(key.as_bytes());
    h.finish()
}

/// FNV-1a over ASCII-lowercased bytes: one xor and one multiply a byte, and incremental, so
/// the hash of `New York` is the hash of `New` carried on over ` York`.
#[derive(Clone, Copy)]
struct TextHash(u64);

impl TextHash {
    const START: TextHash = TextHash(0xcbf2_9ce4_8422_2325);

    #[inline]
    fn push(self, b: u8) -> TextHash {
        TextHash((self.0 ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3))
    }

    fn of(bytes: &[u8]) -> TextHash {
        bytes.iter().fold(TextHash::START, |h, &b| h.push(b))
    }
}

/// A cheap key of a word for [`MentionIndex::words_seen`]: its length and first eight bytes,
/// ASCII letters folded to lower case (`| 0x20` also changes other bytes, but the same way in
/// the index and in the text, so equal words, in any ASCII case, get equal keys).
#[inline]
fn word_key(word: &[u8]) -> u64 {
    word_key_in(word, 0, word.len())
}

/// [`word_key`] of `bytes[start..end]`, read with one 8-byte load when the buffer has eight
/// bytes from `start` (the bytes past the word masked off), which avoids copying a short word
/// into a buffer and reading it back.
#[inline]
fn word_key_in(bytes: &[u8], start: usize, end: usize) -> u64 {
    let len = end - start;
    let x = match bytes.get(start..start + 8) {
        Some(eight) => {
            let mut x = u64::from_le_bytes(eight.try_into().unwrap_or([0; 8]));
            if len < 8 {
                x &= (1u64 << (8 * len)) - 1;
            }
            x
        }
        None => {
            let mut buf = [0u8; 8];
            let n = len.min(8);
            buf[..n].copy_from_slice(&bytes[start..start + n]);
            u64::from_le_bytes(buf)
        }
    } | 0x2020_2020_2020_2020;
    (x ^ (len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0x2545_F491_4F6C_DD1D) >> 20
}

/// Bytes that are part of a word on their own: ASCII letters, digits, `_`. Bytes of 0x80 and
/// above start or continue a multi-byte character, which is decoded.
static ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    t
};

/// Whether `c` is part of a word (as for the boundaries of a mention): alphanumeric, or `_`.
/// The Latin letters of names (Latin-1 and Latin Extended-A and -B, all letters but `×` and
/// `÷`) are answered without the Unicode tables (a test checks every character).
#[inline]
fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | '_' => true,
        '\u{c0}'..='\u{24f}' => c != '\u{d7}' && c != '\u{f7}',
        c if c.is_ascii() => false,
        c => c.is_alphanumeric(),
    }
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
        // the latest pattern by the hash of its key (the text; lowercased for titles), and for
        // each pattern the one before it with the same hash: no key string per name
        let mut by_key: FxHashMap<u64, u32> = FxHashMap::default();
        let mut same_hash: Vec<u32> = Vec::new();
        let mut patterns = Patterns {
            text_at: vec![0],
            ..Patterns::default()
        };
        // each pattern's first entity, and the others of the rare names several share
        let mut first_entity: Vec<EntityId> = Vec::new();
        let mut more: FxHashMap<u32, Vec<EntityId>> = FxHashMap::default();
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
                let lower = is_title.then(|| text.to_lowercase());
                let key = lower.as_deref().unwrap_or(&text);
                let h = key_hash(key);
                // the latest pattern with this key
                let mut latest = None;
                let mut q = by_key.get(&h).copied().unwrap_or(u32::MAX);
                while (q as usize) < patterns.len() {
                    let p = q as usize;
                    let same = if patterns.is_title(p) {
                        patterns.text(p).to_lowercase() == key
                    } else {
                        patterns.text(p) == key
                    };
                    if same {
                        latest = Some(p);
                        break;
                    }
                    q = same_hash.get(p).copied().unwrap_or(u32::MAX);
                }
                match latest {
                    Some(p) if patterns.is_title(p) == is_title => {
                        let also = more.entry(p as u32).or_default();
                        if first_entity[p] != id && !also.contains(&id) {
                            also.push(id);
                        }
                    }
                    _ => {
                        let before = by_key.insert(h, patterns.len() as u32);
                        same_hash.push(before.unwrap_or(u32::MAX));
                        patterns.text.push_str(&text);
                        patterns.text_at.push(patterns.text.len() as u32);
                        patterns.is_title.push(is_title);
                        first_entity.push(id);
                    }
                }
            }
        }
        drop(by_key);
        drop(same_hash);
        patterns.entity_at.reserve(first_entity.len() + 1);
        patterns.entity_at.push(0);
        patterns.entities.reserve(first_entity.len());
        for (p, &id) in first_entity.iter().enumerate() {
            patterns.entities.push(id);
            if let Some(also) = more.get(&(p as u32)) {
                patterns.entities.extend_from_slice(also);
            }
            patterns.entity_at.push(patterns.entities.len() as u32);
        }
        drop(more);
        // first words and prefixes of longer names add entries to the patterns' own
        let n = patterns.len();
        let mut entries: Vec<Entry> = Vec::with_capacity(n + n / 2);
        let mut by_hash: FxHashMap<u64, u32> = FxHashMap::default();
        by_hash.reserve(n + n / 2);
        // the entry of the first `len` bytes of pattern `i`'s text (in any ASCII case), made on
        // first use; texts whose hashes collide get one entry each, the second behind a probe
        // of the next hash values
        let mut entry_of = |i: usize, len: usize, h: TextHash, entries: &mut Vec<Entry>| -> usize {
            let text = &patterns.bytes(i)[..len];
            let hash = h;
            let mut h = h.0;
            loop {
                match by_hash.get(&h) {
                    Some(&e)
                        if entries[e as usize]
                            .text(&patterns.text)
                            .eq_ignore_ascii_case(text) =>
                    {
                        return e as usize;
                    }
                    Some(_) => h = h.wrapping_add(1),
                    None => {
                        by_hash.insert(h, entries.len() as u32);
                        entries.push(Entry {
                            start: patterns.text_at[i],
                            len: len as u32,
                            hash: hash.0,
                            ..Entry::default()
                        });
                        return entries.len() - 1;
                    }
                }
            }
        };
        let mut odd = Vec::new();
        // the keys of each name's first and second words, over a space
        let mut second_words: Vec<(u64, u64)> = Vec::new();
        // the entry of each pattern's whole text (u32::MAX: odd), made into `flat` below
        let mut owner: Vec<u32> = Vec::with_capacity(n);
        for i in 0..n {
            let text = patterns.text(i);
            // lowercasing keeps byte offsets, and the hash and comparisons ignore ASCII case
            let len = text.len();
            let first_len = text
                .char_indices()
                .find(|&(_, c)| !is_word_char(c))
                .map_or(len, |(at, _)| at);
            if first_len == 0 {
                odd.push(i as u32);
                owner.push(u32::MAX);
                continue;
            }
            // the hash of each prefix is carried on from the one before (as the matcher does)
            let bytes = text.as_bytes();
            let mut h = TextHash::of(&bytes[..first_len]);
            let mut hashed = first_len;
            let mut hash_to = |end: usize, h: &mut TextHash| {
                for &b in &bytes[hashed..end] {
                    *h = h.push(b);
                }
                hashed = end;
            };
            // what follows a prefix over a space, for the matcher's test of the next byte
            let next = |end: usize| match bytes.get(end..end + 2) {
                Some(&[b' ', b]) => Entry::next_bit(b),
                _ => 0,
            };
            if first_len < len {
                if bytes[first_len] == b' ' {
                    let rest = &text[first_len + 1..];
                    let second = rest
                        .char_indices()
                        .find(|&(_, c)| !is_word_char(c))
                        .map_or(rest.len(), |(at, _)| at);
                    if second > 0 {
                        second_words.push((
                            word_key(&bytes[..first_len]),
                            word_key(&rest.as_bytes()[..second]),
                        ));
                    }
                }
                let first = entry_of(i, first_len, h, &mut entries);
                entries[first].longest = entries[first].longest.max(len as u32);
                entries[first].next |= next(first_len);
                // every longer prefix the matcher looks up (ending before a character that is
                // not part of a word), with no patterns of its own: the matcher stops carrying
                // a name on at the first prefix the index does not know
                for (at, c) in text[first_len..].char_indices().skip(1) {
                    if !is_word_char(c) {
                        hash_to(first_len + at, &mut h);
                        let prefix = entry_of(i, first_len + at, h, &mut entries);
                        entries[prefix].next |= next(first_len + at);
                    }
                }
            }
            hash_to(len, &mut h);
            let entry = entry_of(i, len, h, &mut entries);
            owner.push(entry as u32);
            entries[entry].longest = entries[entry].longest.max(first_len as u32);
        }
        drop(by_hash);
        // the patterns of each entry in one array, in pattern order (a counting sort)
        for &e in &owner {
            if let Some(entry) = entries.get_mut(e as usize) {
                entry.count += 1;
            }
        }
        let mut next = 0u32;
        for entry in &mut entries {
            entry.first = next;
            next += entry.count;
        }
        let mut flat = vec![0u32; next as usize];
        let mut fill: Vec<u32> = entries.iter().map(|e| e.first).collect();
        for (i, &e) in owner.iter().enumerate() {
            if let Some(at) = fill.get_mut(e as usize) {
                flat[*at as usize] = i as u32;
                *at += 1;
            }
        }
        drop(fill);
        let odd = (!odd.is_empty()).then(|| {
            #[allow(
                clippy::expect_used,
                reason = "names are rule text, capped at MAX_RULE_BYTES by the loader: far below \
                          aho-corasick's state limit, its only build error"
            )]
            let automaton = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(odd.iter().map(|&p| patterns.text(p as usize)))
                .expect("automaton over rule names builds");
            (automaton, odd)
        });
        let (by_hash, seen) = hash_table(&entries);
        let single: Vec<(u32, u64)> = entries
            .iter()
            .enumerate()
            .map(|(e, entry)| (e, entry.text(&patterns.text)))
            .filter(|(_, text)| {
                std::str::from_utf8(text).is_ok_and(|text| text.chars().all(is_word_char))
            })
            .map(|(e, text)| (e as u32, word_key(text)))
            .collect();
        let bits = (single.len() * 32).next_power_of_two().max(1 << 12);
        let mut words_seen = vec![0u64; bits / 64];
        let mut words = vec![0u32; (single.len() * 2).next_power_of_two().max(16)];
        let mask = words.len() - 1;
        // a pair bit for each byte that may follow a prefix word, or one for any byte
        let pair_count: u32 = single
            .iter()
            .map(|&(e, _)| {
                let entry = &entries[e as usize];
                if entry.count > 0 {
                    1
                } else {
                    entry.next.count_ones()
                }
            })
            .sum();
        let pair_bits = (pair_count as usize * 16).next_power_of_two().max(1 << 12);
        let mut pairs = vec![0u64; pair_bits / 64];
        for (e, key) in single {
            let bit = key as usize & (bits - 1);
            words_seen[bit / 64] |= 1 << (bit % 64);
            let entry = &entries[e as usize];
            let mut set = |next: u32| {
                let bit = pair_bit(key, next, pair_bits);
                pairs[bit / 64] |= 1 << (bit % 64);
            };
            if entry.count > 0 {
                set(ANY_NEXT);
            } else {
                for next in 0..32 {
                    if entry.next & (1 << next) != 0 {
                        set(next);
                    }
                }
            }
            let mut slot = key as usize & mask;
            while words[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            words[slot] = e + 1;
        }
        let second_bits = (second_words.len() * 16).next_power_of_two().max(1 << 12);
        let mut seconds = vec![0u64; second_bits / 64];
        for (first, second) in second_words {
            let bit = second_bit(first, second, second_bits);
            seconds[bit / 64] |= 1 << (bit % 64);
        }
        MentionIndex {
            patterns,
            entries,
            flat,
            by_hash,
            seen,
            words,
            words_seen,
            pairs,
            seconds,
            odd,
        }
    }

    /// Every mention in the article's prose, leftmost-longest, not overlapping.
    pub fn find(&self, article: &Article) -> Vec<Mention> {
        self.find_in(&article.prose)
    }

    /// Every mention in `text`, leftmost-longest, not overlapping, as if found in its
    /// normalization ([`normalize_sparse`]) and mapped back: the words are read in `text`
    /// itself and only the bytes after a word that begins some name are normalized, a
    /// character at a time ([`names_from`](Self::names_from)), so most of a text is never
    /// copied.
    pub(crate) fn find_in(&self, text: &str) -> Vec<Mention> {
        let mut found = Vec::new();
        self.candidates(text, &mut found);
        if self.odd.is_some() {
            // names that do not begin with a word character: searched in the normalized text
            let (norm, map) = normalize_sparse(text);
            let mut odd = Vec::new();
            self.odd_candidates(&norm, &mut odd);
            found.extend(
                odd.into_iter()
                    .filter(|&(start, end, p)| self.case_matches(&norm[start..end], p))
                    .map(|(start, end, p)| (map.get(start) as usize, map.get(end) as usize, p)),
            );
        }
        self.select(found)
    }

    /// The patterns of an entry.
    #[inline]
    fn patterns_of(&self, entry: &Entry) -> &[u32] {
        let first = entry.first as usize;
        self.flat
            .get(first..first + entry.count as usize)
            .unwrap_or(&[])
    }

    /// The entry of the (normalized) text `key`, whose hash is `h`, if the index has it.
    #[inline]
    fn entry(&self, key: &[u8], h: TextHash) -> Option<&Entry> {
        let h = h.0;
        let bit = (h as usize) & (self.seen.len() * 64 - 1);
        if self.seen[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        let mask = self.by_hash.len() - 1;
        let mut slot = table_slot(h) & mask;
        loop {
            let e = *self.by_hash.get(slot)?;
            let entry = self.entries.get(e.checked_sub(1)? as usize)?;
            if entry.hash == h
                && entry.len as usize == key.len()
                && entry.text(&self.patterns.text).eq_ignore_ascii_case(key)
            {
                return Some(entry);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The entry of the single word `word`, whose [`word_key`] is `key`, if the index has it.
    #[inline]
    fn word_entry(&self, word: &[u8], key: u64) -> Option<&Entry> {
        let mask = self.words.len() - 1;
        let mut slot = key as usize & mask;
        loop {
            let e = *self.words.get(slot)?;
            let entry = self.entries.get(e.checked_sub(1)? as usize)?;
            if entry.len as usize == word.len() {
                // most words are written as their name is
                let text = entry.text(&self.patterns.text);
                if text == word || text.eq_ignore_ascii_case(word) {
                    return Some(entry);
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Whether the character at byte `at` of `text` is part of a word (false at the end).
    #[inline]
    fn word_at(text: &str, at: usize) -> bool {
        match text.as_bytes().get(at) {
            None => false,
            Some(&b) if b < 0x80 => ASCII_WORD[b as usize],
            Some(_) => is_word_char(char_at(text, at).0),
        }
    }

    /// Whether pattern `p` may match the normalized text `matched` (equal to it but for ASCII
    /// case): titles in any case, other names with their own case or in all capitals.
    fn case_matches(&self, matched: &str, p: usize) -> bool {
        self.patterns.is_title(p)
            || matched.as_bytes() == self.patterns.bytes(p)
            || (matched.chars().any(char::is_alphabetic)
                && matched == matched.to_uppercase()
                && self
                    .patterns
                    .text(p)
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .count()
                    > 3)
    }

    /// Every occurrence of a name that begins with a word character, on word boundaries, with
    /// its case checked: (original start, original end, pattern), the end being where the
    /// next character of the normalized text came from (so a dropped initialism period stays
    /// inside the mention).
    ///
    /// The words of the normalized text are the words of `text` (as [`for_each_word`] finds
    /// them), except that a dropped initialism period joins the words around it (`U.S.A`
    /// is one word, `USA`): such words are put together in a buffer. Each word passes
    /// [`Self::words_seen`] before it is looked up.
    fn candidates(&self, text: &str, found: &mut Vec<(usize, usize, usize)>) {
        let bytes = text.as_bytes();
        let words_mask = self.words_seen.len() * 64 - 1;
        // the normalized text of a candidate, when it is not a slice of `text`
        let mut scratch = String::new();
        // the end of the last joined word: the words inside it were read with it
        let mut joined_to = 0;
        for_each_word(text, |start, end| {
            if start < joined_to {
                return;
            }
            if bytes.get(end) == Some(&b'.') && joins_next(text, end) {
                joined_to = self.joined_names_from(text, start, end, &mut scratch, found);
                return;
            }
            // most words begin no name: turned away by one bit, inline, and most of the
            // others by a second one for the byte after them (out of line)
            let key = word_key_in(bytes, start, end);
            let bit = key as usize & words_mask;
            if self.words_seen[bit / 64] & (1 << (bit % 64)) != 0 {
                self.names_after_filter(text, start, end, key, &mut scratch, found);
            }
        });
    }

    /// Whether [`Self::names_from`] may find a name at the word of [`word_key`] `key` that
    /// ends at `end` (a word that does not go on past a dropped period): false only when a
    /// space and a printable ASCII byte follow it, [`Self::pairs`] does not have
    /// [`ANY_NEXT`]'s bit for the key, and either it does not have that byte's bit either, or
    /// the byte begins a whole ASCII word ([`clean_word_key`]) whose bit after this one
    /// [`Self::seconds`] does not have. Then the word's entry, if any, has no patterns of its
    /// own, and no longer name goes on over that space and byte ([`Entry::may_go_on`]: the
    /// space is kept, as it follows a word character) or over that space and word (no
    /// prefix of a name is the two words), so `names_from` would find nothing.
    #[inline]
    fn may_begin(&self, bytes: &[u8], end: usize, key: u64) -> bool {
        match (bytes.get(end), bytes.get(end + 1)) {
            (Some(b' '), Some(&b)) if (0x21..0x7f).contains(&b) => {
                let bits = self.pairs.len() * 64;
                let seen = |next: u32| {
                    let bit = pair_bit(key, next, bits);
                    self.pairs[bit / 64] & (1 << (bit % 64)) != 0
                };
                if seen(ANY_NEXT) {
                    return true;
                }
                if !seen(u32::from(b.to_ascii_lowercase() & 31)) {
                    return false;
                }
                match clean_word_key(bytes, end + 1) {
                    Some(second) => {
                        let bit = second_bit(key, second, self.seconds.len() * 64);
                        self.seconds[bit / 64] & (1 << (bit % 64)) != 0
                    }
                    None => true,
                }
            }
            _ => true,
        }
    }

    /// [`Self::names_from`] for a word that does not go on past a dropped period, if
    /// [`Self::may_begin`] says it may find something. Out of line, so that the scan's
    /// per-word closure stays small enough to be inlined into the word loop.
    #[inline(never)]
    fn names_after_filter(
        &self,
        text: &str,
        start: usize,
        end: usize,
        key: u64,
        scratch: &mut String,
        found: &mut Vec<(usize, usize, usize)>,
    ) {
        if self.may_begin(text.as_bytes(), end, key) {
            self.names_from(text, start, end, key, false, scratch, found);
        }
    }

    /// [`Self::names_from`] for a word that goes on past the dropped period at `end`
    /// ([`joins_next`]); returns the original end of the whole word.
    #[cold]
    #[inline(never)]
    fn joined_names_from(
        &self,
        text: &str,
        start: usize,
        end: usize,
        scratch: &mut String,
        found: &mut Vec<(usize, usize, usize)>,
    ) -> usize {
        let joined_to = join_words(text, end, scratch, start);
        let key = word_key(scratch.as_bytes());
        let bit = key as usize & (self.words_seen.len() * 64 - 1);
        if self.words_seen[bit / 64] & (1 << (bit % 64)) != 0 {
            self.names_from(text, start, joined_to, key, true, scratch, found);
        }
        joined_to
    }

    /// The names that begin with the word at `text[start..end]` (its normalized text in
    /// `scratch` when `joined`, else the bytes themselves): the word looked up in
    /// [`Self::words`] by its [`word_key`] `key`, then, after a word that begins some name,
    /// the text after it normalized a character at a time
    /// ([`next_kept`], [`normal_char`]), its hash carried on and looked up at each later end
    /// of a word, until a prefix no name has, a space and a byte that no name has after the
    /// prefix found ([`Entry::may_go_on`]: most first words go no further), or the longest
    /// name's length.
    #[allow(
        clippy::too_many_arguments,
        reason = "the word, and the scan's buffers"
    )]
    #[inline(never)]
    fn names_from(
        &self,
        text: &str,
        start: usize,
        end: usize,
        key: u64,
        joined: bool,
        scratch: &mut String,
        found: &mut Vec<(usize, usize, usize)>,
    ) {
        let bytes = text.as_bytes();
        // the normalized text from `start` is `text[start..start + n]` until a character is
        // dropped or replaced, then `scratch`
        let mut clean = !joined;
        let word = if clean {
            &bytes[start..end]
        } else {
            scratch.as_bytes()
        };
        let mut n = word.len();
        let Some(first) = self.word_entry(word, key) else {
            return;
        };
        if first.longest == 0 {
            return;
        }
        // the word's hash is its entry's (the same text but for ASCII case)
        let mut h = TextHash(first.hash);
        let longest = first.longest as usize;
        let mut at = next_kept(text, end);
        if at != end && clean {
            clean = false;
            scratch.clear();
            scratch.push_str(&text[start..end]);
        }
        self.push_found(first, start, at, n, clean, text, scratch.as_str(), found);
        if !first.may_go_on(bytes, at) {
            return;
        }
        // longer names: normalize and hash on a character at a time, looking up at word ends
        while n < longest && at < bytes.len() {
            let b = bytes[at];
            if b < 0x80 {
                // ASCII (never dropped here: `at` is kept): white space is a space
                let c = if b.is_ascii_whitespace() { b' ' } else { b };
                if clean && c != b {
                    clean = false;
                    scratch.clear();
                    scratch.push_str(&text[start..at]);
                }
                h = h.push(c);
                if !clean {
                    scratch.push(c as char);
                }
                n += 1;
                at += 1;
                // the rest of an ASCII word, kept as it is, with no look-up inside it
                if ASCII_WORD[b as usize] {
                    let from = at;
                    while n < longest
                        && let Some(&b) = bytes.get(at)
                        && ASCII_WORD[b as usize]
                    {
                        h = h.push(b);
                        n += 1;
                        at += 1;
                    }
                    if !clean {
                        scratch.push_str(&text[from..at]);
                    }
                }
            } else {
                let (c, len, replaced) = normal_char(text, at);
                if clean && replaced {
                    clean = false;
                    scratch.clear();
                    scratch.push_str(&text[start..at]);
                }
                let mut buf = [0u8; 4];
                for &b in c.encode_utf8(&mut buf).as_bytes() {
                    h = h.push(b);
                }
                if !clean {
                    scratch.push(c);
                }
                n += c.len_utf8();
                at += len;
                if n > longest {
                    break;
                }
            }
            // a word goes on: no look-up (a word character is never dropped)
            if bytes
                .get(at)
                .is_some_and(|&b| b < 0x80 && ASCII_WORD[b as usize])
            {
                continue;
            }
            let kept = next_kept(text, at);
            if kept != at && clean {
                clean = false;
                scratch.clear();
                scratch.push_str(&text[start..at]);
            }
            at = kept;
            if Self::word_at(text, at) {
                continue;
            }
            let key = if clean {
                &bytes[start..start + n]
            } else {
                scratch.as_bytes()
            };
            match self.entry(key, h) {
                Some(entry) => {
                    self.push_found(entry, start, at, n, clean, text, scratch.as_str(), found);
                    if !entry.may_go_on(bytes, at) {
                        break;
                    }
                }
                // no name goes on from here
                None => break,
            }
        }
    }

    /// Pushes the patterns of `entry` whose case matches the normalized text of `n` bytes
    /// from original offset `start` (`text[start..start + n]` when `clean`, else `scratch`),
    /// as found at `start..end`.
    #[allow(clippy::too_many_arguments, reason = "the state of names_from's walk")]
    #[inline]
    fn push_found(
        &self,
        entry: &Entry,
        start: usize,
        end: usize,
        n: usize,
        clean: bool,
        text: &str,
        scratch: &str,
        found: &mut Vec<(usize, usize, usize)>,
    ) {
        let matched = if clean {
            &text[start..start + n]
        } else {
            scratch
        };
        for &p in self.patterns_of(entry) {
            if self.case_matches(matched, p as usize) {
                found.push((start, end, p as usize));
            }
        }
    }

    /// The occurrences of names that do not begin with a word character, on word boundaries.
    fn odd_candidates(&self, norm: &str, found: &mut Vec<(usize, usize, usize)>) {
        if let Some((automaton, odd)) = &self.odd {
            for m in automaton.find_overlapping_iter(norm) {
                let (start, end) = (m.start(), m.end());
                let before_ok = start == 0 || !is_word_byte(norm, start, true);
                let after_ok = end == norm.len() || !is_word_byte(norm, end, false);
                if before_ok && after_ok {
                    found.push((start, end, odd[m.pattern().as_usize()] as usize));
                }
            }
        }
    }

    /// The mentions among the candidates (original offsets, case checked): leftmost-longest,
    /// not overlapping.
    fn select(&self, mut found: Vec<(usize, usize, usize)>) -> Vec<Mention> {
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut mentions = Vec::new();
        let mut last_end = 0;
        for (start, end, p) in found {
            if start < last_end {
                continue;
            }
            last_end = end;
            mentions.push(Mention {
                span: Span {
                    start: start as u32,
                    end: end as u32,
                },
                entities: self.patterns.entities(p).to_vec(),
                is_title: self.patterns.is_title(p),
            });
        }
        mentions
    }
}

/// Whether a character is white space to the normalization: ASCII white space
/// (`is_ascii_whitespace`: not the vertical tab) or any other Unicode white space.
#[inline]
fn is_normal_space(c: char) -> bool {
    if c.is_ascii() {
        (c as u8).is_ascii_whitespace()
    } else {
        c.is_whitespace()
    }
}

/// Whether the normalization drops the character at byte `at` of `text` (a character
/// boundary): white space after white space (a run matches one space), or the period of an
/// initialism (`.` after an ASCII capital that does not follow a letter: `U.S.` is `US`).
/// Both depend on the characters before only, so any offset can be asked about.
#[inline]
fn dropped_at(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let b = bytes[at];
    if (0x21..0x7f).contains(&b) && b != b'.' {
        return false;
    }
    if b == b'.' {
        return period_dropped(text, at);
    }
    let c = char_at(text, at).0;
    is_normal_space(c) && text[..at].chars().next_back().is_some_and(is_normal_space)
}

/// Whether the byte at `at`, a `.`, is an initialism period the normalization drops.
#[inline]
fn period_dropped(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    at >= 1
        && bytes[at - 1].is_ascii_uppercase()
        && !text[..at - 1]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic)
}

/// The first offset from `at` whose character the normalization keeps (or the length): `at`
/// itself, told inline, unless the byte there is white space, a `.` or not ASCII.
#[inline(always)]
fn next_kept(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(at) {
        None => at,
        Some(&b) if (0x21..0x7f).contains(&b) && b != b'.' => at,
        // a space after a printable ASCII byte
        Some(b' ') if at > 0 && (0x21..0x7f).contains(&bytes[at - 1]) => at,
        _ => next_kept_slow(text, at),
    }
}

/// [`next_kept`] a character at a time.
#[inline(never)]
fn next_kept_slow(text: &str, mut at: usize) -> usize {
    while at < text.len() && dropped_at(text, at) {
        at += char_at(text, at).1;
    }
    at
}

/// The character the normalization makes of the kept character at byte `at`, the length of
/// the original one, and whether they differ: curly quotes made straight, dashes hyphens,
/// white space a space.
#[inline]
fn normal_char(text: &str, at: usize) -> (char, usize, bool) {
    let b = text.as_bytes()[at];
    if b < 0x80 {
        if b != b' ' && b.is_ascii_whitespace() {
            return (' ', 1, true);
        }
        return (b as char, 1, false);
    }
    let (c, len) = char_at(text, at);
    let normal = match c {
        '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
        '\u{201c}' | '\u{201d}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        c if c.is_whitespace() => ' ',
        c => c,
    };
    (normal, len, normal != c)
}

/// Whether the word that ends at `end`, before a `.`, goes on past it in the normalized
/// text: the period is dropped and a word character follows.
#[cold]
fn joins_next(text: &str, end: usize) -> bool {
    period_dropped(text, end) && MentionIndex::word_at(text, end + 1)
}

/// The normalized text of the word that begins at `start` and goes on past the dropped
/// period at `end` ([`joins_next`]), put together in `scratch`; returns its original end.
#[cold]
fn join_words(text: &str, mut end: usize, scratch: &mut String, start: usize) -> usize {
    scratch.clear();
    scratch.push_str(&text[start..end]);
    while text.as_bytes().get(end) == Some(&b'.') && joins_next(text, end) {
        let from = end + 1;
        end = from;
        while MentionIndex::word_at(text, end) {
            end += char_at(text, end).1;
        }
        scratch.push_str(&text[from..end]);
    }
    end
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

/// Whether an ASCII byte is part of a word (as [`ASCII_WORD`]), as arithmetic that compiles to
/// SIMD compares; false for bytes of 0x80 and above.
#[inline(always)]
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
fn is_ascii_word_byte(b: u8) -> bool {
    ((b | 0x20).wrapping_sub(b'a') < 26) | (b.wrapping_sub(b'0') < 10) | (b == b'_')
}

/// Calls `f(start, end)` for each word of `text`, in order: each maximal run of characters
/// that are part of a word ([`is_word_char`]: letters, digits, `_`).
///
/// The text is read [`CHUNK`] bytes at a time (as `extract::words` does): each chunk is
/// classified into a bit mask of word bytes and one of bytes of 0x80 and above at once
/// ([`word_and_high`]: AVX2 or SSE2 compares on x86_64), and words start and end where the mask
/// changes. Only the rare chunks with bytes of 0x80 and above decode characters.
#[inline]
fn for_each_word(text: &str, f: impl FnMut(usize, usize)) {
    for_each_run_classified(
        text,
        word_and_high,
        |i, chunk, carry| non_ascii_words(text, i, chunk, carry),
        f,
    );
}

/// [`for_each_word`] with each byte classified on its own ([`is_ascii_word_byte`]): the
/// tests' reference.
#[cfg(test)]
fn for_each_word_reference(text: &str, f: impl FnMut(usize, usize)) {
    crate::extract::words::for_each_run(
        text,
        is_ascii_word_byte,
        |i, chunk, carry| non_ascii_words(text, i, chunk, carry),
        f,
    );
}

/// The bytes of `chunk` that are part of a word on their own ([`is_ascii_word_byte`]: ASCII
/// letters, digits, `_`), and its bytes of 0x80 and above (AVX2 or SSE2 compares on x86_64).
#[inline(always)]
fn word_and_high(chunk: &[u8; CHUNK]) -> (u32, u32) {
    crate::article::bits::alnum_and_high::<b'_', b'_'>(chunk)
}

/// [`word_and_high`] a byte at a time, by [`is_ascii_word_byte`].
#[cfg(test)]
fn word_and_high_reference(chunk: &[u8; CHUNK]) -> (u32, u32) {
    let mut word = 0u32;
    let mut high = 0u32;
    for (k, &b) in chunk.iter().enumerate() {
        word |= u32::from(is_ascii_word_byte(b)) << k;
        high |= u32::from(b >= 0x80) << k;
    }
    (word, high)
}

/// The word bits of the non-ASCII bytes of the chunk at `i`: every byte of a character that
/// is part of a word. `carry` has the bits of the first bytes of this chunk, when a word
/// character started in the chunk before, and is set for the next chunk. Only the first bytes
/// of characters (0xC0 and above, found as a bit mask) are looked at; general punctuation
/// (`U+2000..U+203F`: curly quotes, dashes, spaces, none a word character) and Latin-1
/// letters are told by their bytes, other characters decoded.
#[cold]
fn non_ascii_words(text: &str, i: usize, chunk: &[u8; CHUNK], carry: &mut u32) -> u32 {
    let mut word = *carry;
    *carry = 0;
    let mut leads = crate::extract::words::lead_bytes(chunk);
    let bytes = text.as_bytes();
    while leads != 0 {
        let j = leads.trailing_zeros() as usize;
        leads &= leads - 1;
        let at = i + j;
        let (is_word, len) = match (bytes.get(at), bytes.get(at + 1)) {
            (Some(0xE2), Some(0x80)) => (false, 3),
            (Some(0xC3), Some(&b)) => (b != 0x97 && b != 0xB7, 2),
            _ => match text.get(at..).and_then(|rest| rest.chars().next()) {
                Some(c) => (is_word_char(c), c.len_utf8()),
                None => (false, 1),
            },
        };
        if is_word {
            let bits = ((1u64 << len) - 1) << j;
            word |= bits as u32;
            *carry = (bits >> CHUNK) as u32;
        }
    }
    word
}

/// Where offsets in a normalized text came from in the original: the offset of the character
/// each character of the normalized text was made from (and of the end, the original length).
///
/// Normalized and original offsets move on together except where characters were dropped or
/// shortened, so only those places are kept: (normalized offset, original offset) from which
/// the difference holds, in order (before the first, offsets are equal). Offsets are mapped
/// at character boundaries of the normalized text only.
#[derive(Debug, Default)]
pub(crate) struct OffsetMap {
    breaks: Vec<(u32, u32)>,
}

impl OffsetMap {
    /// The original offset of normalized offset `o` (a character boundary).
    pub(crate) fn get(&self, o: usize) -> u32 {
        let k = self.breaks.partition_point(|&(n, _)| n as usize <= o);
        match k.checked_sub(1).and_then(|k| self.breaks.get(k)) {
            Some(&(n, i)) => i + (o as u32 - n),
            None => o as u32,
        }
    }

    /// Notes that normalized offset `o` came from original offset `i`.
    #[inline]
    fn note(&mut self, delta: &mut usize, o: usize, i: usize) {
        if i - o != *delta {
            *delta = i - o;
            self.breaks.push((o as u32, i as u32));
        }
    }
}

/// [`normalize_sparse`] with its map written out for every normalized byte (plus one trailing
/// entry: the original length), as the normalization once returned it: the tests' form.
#[cfg(test)]
fn normalize(text: &str) -> (String, Vec<u32>) {
    let (norm, offsets) = normalize_sparse(text);
    let mut map: Vec<u32> = Vec::with_capacity(norm.len() + 1);
    let mut at = 0;
    for o in 0..=norm.len() {
        // a byte inside a character maps where the character does
        if norm.is_char_boundary(o) {
            at = offsets.get(o);
        }
        map.push(at);
    }
    (norm, map)
}

/// [`normalize_sparse`] without the offset map (for names, whose offsets are never needed).
fn normalize_text(text: &str) -> String {
    if stays_normal(text.as_bytes()) {
        return text.to_string();
    }
    normalize_sparse(text).0
}

/// Whether normalizing leaves `bytes` as they are (most names): no `.`, no white space but
/// single spaces, no control characters, and no character that could be a curly quote, a
/// dash or white space: every one of those begins with one of the lead bytes 0xC2 (U+0085,
/// U+00A0), 0xCA (U+02BC), 0xE1 (U+1680), 0xE2 (U+2000..U+206F, U+2212) or 0xE3 (U+3000).
/// Accented Latin letters (0xC3..) pass.
fn stays_normal(bytes: &[u8]) -> bool {
    let mut before = 0u8;
    for &b in bytes {
        let kept = match b {
            b'.' => false,
            b' ' => before != b' ',
            0x21..=0x7e => true,
            0xc2 | 0xca | 0xe1 | 0xe2 | 0xe3 => false,
            0x80..=0xff => true,
            _ => false,
        };
        if !kept {
            return false;
        }
        before = b;
    }
    true
}

/// Bytes that [`normalize_sparse`] copies as they are: every byte below 0x80 but control
/// characters and `.`, and a space unless the byte before (`before`) is a space too.
#[inline(always)]
fn stops_plain(b: u8, before: u8) -> bool {
    (b.wrapping_sub(0x20) >= 0x60) | (b == b'.') | ((b == b' ') & (before == b' '))
}

/// How many bytes from `i` are copied as they are ([`stops_plain`]), `last` being the byte
/// written before them (0: none): [`CHUNK`] bytes classified at once, with the bytes
/// before them shifted in for the double-space test.
#[inline]
fn plain_run(bytes: &[u8], i: usize, last: u8) -> usize {
    let mut at = i;
    let mut last = last;
    loop {
        // past the end the padding is NUL bytes, which stop the run
        let chunk = chunk_at(bytes, at);
        let mut before = [0u8; CHUNK];
        before[0] = last;
        before[1..].copy_from_slice(&chunk[..CHUNK - 1]);
        let mut flags = [0u8; CHUNK];
        for ((flag, &b), &p) in flags.iter_mut().zip(&chunk).zip(&before) {
            *flag = stops_plain(b, p) as u8;
        }
        let stop = pack(&flags);
        if stop != 0 {
            return at - i + stop.trailing_zeros() as usize;
        }
        last = chunk[CHUNK - 1];
        at += CHUNK;
    }
}

/// Normalizes text for matching, with the sparse map of [`OffsetMap`] back to the original:
/// runs of bytes that stay as they are (most of a text) are found a chunk at a time and
/// copied whole; the bytes between them, a character at a time.
pub(crate) fn normalize_sparse(text: &str) -> (String, OffsetMap) {
    let bytes = text.as_bytes();
    // written a str at a time (runs are ASCII, characters whole), so never validated again
    let mut out = String::with_capacity(bytes.len());
    let mut map = OffsetMap::default();
    // original minus normalized offset since the last break
    let mut delta = 0;
    // the two characters before, for the initialism rule
    let mut prev: [char; 2] = [' ', ' '];
    let mut i = 0;
    while i < bytes.len() {
        let run = plain_run(bytes, i, out.as_bytes().last().copied().unwrap_or(0));
        if run > 0 {
            map.note(&mut delta, out.len(), i);
            out.push_str(&text[i..i + run]);
            prev = if run >= 2 {
                [bytes[i + run - 2] as char, bytes[i + run - 1] as char]
            } else {
                [prev[1], bytes[i] as char]
            };
            i += run;
            if i >= bytes.len() {
                break;
            }
        }
        // the careful path, one character
        let b = bytes[i];
        if b < 0x80 {
            // ASCII: no decoding
            if b.is_ascii_whitespace() {
                // runs of white space (line breaks, masked markup) match one space
                if !out.ends_with(' ') {
                    map.note(&mut delta, out.len(), i);
                    out.push(' ');
                }
                prev = [prev[1], ' '];
            } else if b == b'.' && prev[1].is_ascii_uppercase() && !prev[0].is_alphabetic() {
                // the period of an initialism: U.S. → US
                prev = [prev[1], '.'];
            } else {
                map.note(&mut delta, out.len(), i);
                out.push(b as char);
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
            c if c.is_whitespace() => (!out.ends_with(' ')).then_some(b' ').or(Some(0)),
            _ => None,
        };
        match ascii {
            Some(0) => {}
            Some(a) => {
                map.note(&mut delta, out.len(), i);
                out.push(a as char);
            }
            None => {
                map.note(&mut delta, out.len(), i);
                out.push(c);
            }
        }
        prev = [prev[1], if c.is_whitespace() { ' ' } else { c }];
        i += len;
    }
    // the end maps to the end
    map.note(&mut delta, out.len(), bytes.len());
    (out, map)
}

// ---- the cached index ------------------------------------------------------------------
//
// Building the index of a large knowledge base (normalizing and hashing every name, and
// every prefix of the longer ones) takes longer than loading the knowledge base from its
// cache, so the built index is cached too, beside the knowledge base's file and under the
// same key ([`KbCache::mentions_path`]), with the same header ([`framed`]). The payload is
// the index's own arrays as little-endian columns, each preceded by its length; decoding is
// a copy of each (no allocation per name), with every id, offset and length checked, and
// the table of texts by hash made again from the entries' hashes ([`hash_table`]: one
// insert an entry, fewer instructions than storing, checksumming, copying and checking it).

/// The magic string of a cached mention index.
const CACHE_MAGIC: &[u8; 16] = b"claimcheck-mx\0\0\x01";
/// Bump when the payload layout changes.
const CACHE_FORMAT: u32 = 4;

impl MentionIndex {
    /// The mention index of `kb`, the knowledge base cached under `key` in `cache`: read
    /// from the cache when it holds a valid one, else built ([`MentionIndex::new`]) and
    /// written there (a cache that cannot be written is not an error). Never trusted: a
    /// file that is short, from another build, for another key, fails its checksum or holds
    /// an id out of range is ignored and rewritten.
    pub fn cached(kb: &KnowledgeBase, cache: &KbCache, key: u128) -> (MentionIndex, CacheOutcome) {
        load_or_build(
            cache,
            &cache.mentions_path(key),
            CACHE_MAGIC,
            CACHE_FORMAT,
            key,
            |payload| MentionIndex::decode(payload, kb),
            || MentionIndex::new(kb),
            MentionIndex::encode,
        )
    }

    /// The index as columns ([`MentionIndex::decode`] reads them back); `None` when a
    /// length does not fit in 32 bits.
    fn encode(&self) -> Option<Vec<u8>> {
        let p = &self.patterns;
        u32::try_from(p.text.len()).ok()?;
        u32::try_from(p.entities.len()).ok()?;
        u32::try_from(self.flat.len()).ok()?;
        let mut out = Out::default();
        out.u32s(&p.text_at);
        out.u32s(&p.entity_at);
        out.u32s(&p.entities.iter().map(|e| e.0).collect::<Vec<_>>());
        out.bytes(&p.is_title.iter().map(|&t| u8::from(t)).collect::<Vec<_>>());
        out.bytes(p.text.as_bytes());
        let column = |f: fn(&Entry) -> u32| -> Vec<u32> { self.entries.iter().map(f).collect() };
        out.u32s(&column(|e| e.start));
        out.u32s(&column(|e| e.len));
        out.u32s(&column(|e| e.count));
        out.u32s(&column(|e| e.longest));
        out.u32s(&column(|e| e.next));
        out.u64s(&self.entries.iter().map(|e| e.hash).collect::<Vec<_>>());
        out.u32s(&self.flat);
        out.u32s(&self.words);
        out.u64s(&self.words_seen);
        out.u64s(&self.pairs);
        out.u64s(&self.seconds);
        let odd: &[u32] = self.odd.as_ref().map_or(&[], |(_, odd)| odd);
        out.u32s(odd);
        Some(out.0)
    }

    /// The index [`MentionIndex::encode`] wrote, for `kb`. Every id is checked against what
    /// it indexes (entities of `kb`, patterns, entries, the flat list, the text), every
    /// offset against its array, every table against the shape the matcher relies on (a
    /// power-of-two length, an empty slot to end a probe), so that no content can make
    /// matching panic or loop; the table of texts by hash is made again from the entries.
    fn decode(payload: &[u8], kb: &KnowledgeBase) -> Result<MentionIndex, String> {
        let mut r = Reader::new(payload);
        let known = kb.entities().len();
        let text_at = r.u32s()?.to_vec();
        let entity_at = r.u32s()?.to_vec();
        let entities = r.u32s()?.to_vec();
        let titles = r.bytes()?;
        let text = simdutf8::basic::from_utf8(r.bytes()?).map_err(|_| "names not UTF-8")?;
        let n = titles.len();
        // offsets from 0 to the end of their array, each pattern with a name (the build skips
        // blank ones; an empty one would match inside characters) and an entity
        let offsets_ok = |at: &[u32], total: usize| {
            at.len() == n + 1
                && at.first() == Some(&0)
                && at.last().map(|&e| e as usize) == Some(total)
                && at.windows(2).all(|w| w[0] < w[1])
        };
        if !offsets_ok(&text_at, text.len()) || !offsets_ok(&entity_at, entities.len()) {
            return Err("a name or its entities out of range".into());
        }
        if !text_at.iter().all(|&e| text.is_char_boundary(e as usize)) {
            return Err("a name out of range".into());
        }
        if let Some(&e) = entities.iter().find(|&&e| e as usize >= known) {
            return Err(format!("entity {e} out of range"));
        }
        if titles.iter().any(|&t| t > 1) {
            return Err("a bad title flag".into());
        }
        let patterns = Patterns {
            text: text.to_string(),
            text_at,
            entities: entities.into_iter().map(EntityId).collect(),
            entity_at,
            is_title: titles.iter().map(|&t| t == 1).collect(),
        };
        // the entries are made straight from the columns, with no copy of each
        let start = r.u32s()?.items();
        let len = r.u32s()?.items();
        let count = r.u32s()?.items();
        let longest = r.u32s()?.items();
        let next = r.u32s()?.items();
        let hash: &[[u8; 8]] = r.u64_bytes()?.as_chunks().0;
        let m = start.len();
        if [
            len.len(),
            count.len(),
            longest.len(),
            next.len(),
            hash.len(),
        ] != [m; 5]
        {
            return Err("entry columns of different lengths".into());
        }
        let flat = r.u32s()?.to_vec();
        let mut entries = Vec::with_capacity(m);
        let mut first = 0u64;
        let mut bad = false;
        let (len, count, longest, next, hash) = (
            &len[..m],
            &count[..m],
            &longest[..m],
            &next[..m],
            &hash[..m],
        );
        for (i, &start) in start.iter().enumerate() {
            let entry = Entry {
                start: u32::from_le_bytes(start),
                len: u32::from_le_bytes(len[i]),
                first: first as u32,
                count: u32::from_le_bytes(count[i]),
                longest: u32::from_le_bytes(longest[i]),
                next: u32::from_le_bytes(next[i]),
                hash: u64::from_le_bytes(hash[i]),
            };
            first += u64::from(entry.count);
            bad |= u64::from(entry.start) + u64::from(entry.len) > text.len() as u64;
            entries.push(entry);
        }
        if bad || first != flat.len() as u64 {
            return Err("an entry out of range".into());
        }
        if flat.iter().any(|&p| p as usize >= n) {
            return Err("a pattern out of range".into());
        }
        // the table of texts is made from the entries beside the rest of the decode
        let ((by_hash, seen), rest) = rayon::join(
            || hash_table(&entries),
            || -> Result<_, String> {
                let words = r.u32s()?.to_vec();
                let words_seen = u64s(r.u64_bytes()?);
                let pairs = u64s(r.u64_bytes()?);
                let seconds = u64s(r.u64_bytes()?);
                // tables of entry numbers + 1 (0: empty) with an empty slot to end every probe
                let table_ok = |table: &[u32]| {
                    let (mut empty, mut over) = (false, false);
                    for &e in table {
                        empty |= e == 0;
                        over |= e as usize > m;
                    }
                    table.len().is_power_of_two() && empty && !over
                };
                if !words_seen.len().is_power_of_two()
                    || !pairs.len().is_power_of_two()
                    || !seconds.len().is_power_of_two()
                    || !table_ok(&words)
                {
                    return Err("a bad table".into());
                }
                let odd = r.u32s()?.to_vec();
                r.end("index")?;
                let odd = if odd.is_empty() {
                    None
                } else {
                    if odd.iter().any(|&p| p as usize >= n) {
                        return Err("an odd name out of range".into());
                    }
                    let automaton = AhoCorasickBuilder::new()
                        .ascii_case_insensitive(true)
                        .match_kind(MatchKind::Standard)
                        .build(odd.iter().map(|&p| patterns.text(p as usize)))
                        .map_err(|e| e.to_string())?;
                    Some((automaton, odd))
                };
                Ok((words, words_seen, pairs, seconds, odd))
            },
        );
        let (words, words_seen, pairs, seconds, odd) = rest?;
        Ok(MentionIndex {
            patterns,
            entries,
            flat,
            by_hash,
            seen,
            words,
            words_seen,
            pairs,
            seconds,
            odd,
        })
    }
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
    /// The normalization, a character at a time, as it was before chunks: the reference the
    /// chunked version must agree with.
    fn reference(text: &str) -> (String, Vec<u32>) {
        let mut out = String::new();
        let mut map = Vec::new();
        let mut prev = [' ', ' '];
        for (i, c) in text.char_indices() {
            let push = |out: &mut String, map: &mut Vec<u32>, s: &str| {
                out.push_str(s);
                map.extend(std::iter::repeat_n(i as u32, s.len()));
            };
            match c {
                c if c.is_whitespace() => {
                    if !out.ends_with(' ') {
                        push(&mut out, &mut map, " ");
                    }
                }
                '.' if prev[1].is_ascii_uppercase() && !prev[0].is_alphabetic() => {}
                '\u{2018}' | '\u{2019}' | '\u{02bc}' => push(&mut out, &mut map, "'"),
                '\u{201c}' | '\u{201d}' => push(&mut out, &mut map, "\""),
                '\u{2010}'..='\u{2015}' | '\u{2212}' => push(&mut out, &mut map, "-"),
                c => push(&mut out, &mut map, c.encode_utf8(&mut [0; 4])),
            }
            prev = [prev[1], if c.is_whitespace() { ' ' } else { c }];
        }
        map.push(text.len() as u32);
        (out, map)
    }

    #[test]
    fn chunked_normalization_agrees_with_the_reference() {
        use proptest::prelude::*;
        let pieces = prop::collection::vec(
            prop::sample::select(vec![
                "U.S.",
                " ",
                "  ",
                "\n",
                "\r\n",
                "\t",
                ".",
                "a",
                "Word",
                "\u{2019}",
                "\u{201c}",
                "\u{2014}",
                "\u{a0}",
                "é",
                "A. B.",
                "Mr. ",
                "0123456789",
                "abcdefghijklmnop",
            ]),
            0..40,
        );
        proptest!(|(parts in pieces)| {
            let text: String = parts.concat();
            prop_assert_eq!(normalize(&text), reference(&text));
        });
    }
    /// The chunked normalization as it was before the sparse offset map (a `u32` per byte,
    /// 16-byte plain chunks): the reference [`normalize_sparse`] must agree with.
    fn dense_reference(text: &str) -> (String, Vec<u32>) {
        const CHUNK: usize = 16;
        fn plain_chunk(c: &[u8; CHUNK]) -> bool {
            let special = c.iter().fold(false, |acc, &b| {
                acc | !(0x20..0x80).contains(&b) | (b == b'.')
            });
            let double_space = c
                .windows(2)
                .fold(false, |acc, w| acc | ((w[0] == b' ') & (w[1] == b' ')));
            !special && !double_space
        }
        let bytes = text.as_bytes();
        let mut out: Vec<u8> = vec![0; bytes.len()];
        let mut map = vec![0u32; bytes.len() + 1];
        let mut o = 0;
        let mut prev: [char; 2] = [' ', ' '];
        let mut i = 0;
        while i < bytes.len() {
            if let Some(chunk) = bytes[i..].first_chunk::<CHUNK>()
                && plain_chunk(chunk)
                && !(chunk[0] == b' ' && o > 0 && out[o - 1] == b' ')
            {
                out[o..o + CHUNK].copy_from_slice(chunk);
                for (k, m) in map[o..o + CHUNK].iter_mut().enumerate() {
                    *m = (i + k) as u32;
                }
                prev = [chunk[CHUNK - 2] as char, chunk[CHUNK - 1] as char];
                o += CHUNK;
                i += CHUNK;
                continue;
            }
            let stop = (i + CHUNK).min(bytes.len());
            while i < stop {
                let b = bytes[i];
                if b < 0x80 {
                    if b.is_ascii_whitespace() {
                        if o == 0 || out[o - 1] != b' ' {
                            out[o] = b' ';
                            map[o] = i as u32;
                            o += 1;
                        }
                        prev = [prev[1], ' '];
                    } else if b == b'.' && prev[1].is_ascii_uppercase() && !prev[0].is_alphabetic()
                    {
                        prev = [prev[1], '.'];
                    } else {
                        out[o] = b;
                        map[o] = i as u32;
                        o += 1;
                        prev = [prev[1], b as char];
                    }
                    i += 1;
                    continue;
                }
                let c = text[i..].chars().next().unwrap();
                let len = c.len_utf8();
                let ascii = match c {
                    '\u{2018}' | '\u{2019}' | '\u{02bc}' => Some(b'\''),
                    '\u{201c}' | '\u{201d}' => Some(b'"'),
                    '\u{2010}'..='\u{2015}' | '\u{2212}' => Some(b'-'),
                    c if c.is_whitespace() => {
                        (o == 0 || out[o - 1] != b' ').then_some(b' ').or(Some(0))
                    }
                    _ => None,
                };
                match ascii {
                    Some(0) => {}
                    Some(a) => {
                        out[o] = a;
                        map[o] = i as u32;
                        o += 1;
                    }
                    None => {
                        out[o..o + len].copy_from_slice(&bytes[i..i + len]);
                        map[o..o + len].fill(i as u32);
                        o += len;
                    }
                }
                prev = [prev[1], if c.is_whitespace() { ' ' } else { c }];
                i += len;
            }
        }
        out.truncate(o);
        map[o] = text.len() as u32;
        map.truncate(o + 1);
        (String::from_utf8(out).unwrap(), map)
    }

    /// Pieces of text for the property tests: name-like words (some of the test index's
    /// names, in several cases), initialisms, curly quotes, dashes, runs of white space,
    /// control characters and non-ASCII letters.
    fn pieces() -> impl proptest::strategy::Strategy<Value = Vec<&'static str>> {
        use proptest::prelude::*;
        prop::collection::vec(
            prop::sample::select(vec![
                "New",
                "York",
                "Times",
                "City",
                "new",
                "NEW YORK",
                "the",
                "The",
                "of",
                "U.S.",
                "US",
                "Army",
                "A. B.",
                "Mr. ",
                "Al",
                "-",
                "Qaeda",
                "Prime",
                "Minister",
                "Britain",
                "\u{2019}s",
                "'s",
                "Jos\u{e9}",
                "Rodr\u{ed}guez",
                "Zapatero",
                "\u{c9}lys\u{e9}e",
                "AT&T",
                "$100",
                "Club",
                "Delhi",
                "_",
                "x1",
                " ",
                " ",
                " ",
                "  ",
                "\n",
                "\r\n",
                "\t",
                "\u{b}",
                "\u{7f}",
                ".",
                ",",
                "\u{201c}",
                "\u{201d}",
                "\u{2014}",
                "\u{a0}",
                "\u{2003}",
                "\u{43c}\u{438}\u{440}",
                "\u{1f600}",
                "abcdefghijklmnopqrstuvwxyz",
                "0123456789",
                "A.",
                "S.A",
                "X",
                "3M.",
                "Today",
                "\u{85}",
            ]),
            0..80,
        )
    }

    #[test]
    fn sparse_normalization_agrees_with_the_dense_one() {
        use proptest::prelude::*;
        proptest!(|(parts in pieces())| {
            let text: String = parts.concat();
            let (norm, map) = dense_reference(&text);
            let (sparse_norm, sparse) = normalize_sparse(&text);
            prop_assert_eq!(&sparse_norm, &norm);
            for (o, &m) in map.iter().enumerate() {
                if norm.is_char_boundary(o) {
                    prop_assert_eq!(sparse.get(o), m, "offset {}", o);
                }
            }
            prop_assert_eq!(normalize(&text), (norm, map));
        });
    }

    #[test]
    fn sparse_map_of_drops_and_replacements() {
        let text = "  A.  B. \u{201c}x\u{201d}\u{2014}y. \u{e9}\u{2019}  end  ";
        let (norm, map) = dense_reference(text);
        let (sparse_norm, sparse) = normalize_sparse(text);
        assert_eq!(sparse_norm, norm);
        for (o, &m) in map.iter().enumerate() {
            if norm.is_char_boundary(o) {
                assert_eq!(sparse.get(o), m, "offset {o}");
            }
        }
        assert_eq!(normalize_sparse("").1.get(0), 0);
    }

    /// An index over a few names that share first words, with initialisms, hyphens, titles,
    /// non-ASCII letters and names that do not begin with a word character.
    fn test_index() -> MentionIndex {
        let kb = crate::rules::load_str(
            "t.rules",
            "place \"New York\" aka \"New York City\", \"NYC\"\n\
             org \"New York Times\" aka \"The New York Times\", \"The Times\"\n\
             place \"New Delhi\"\n\
             org \"Al-Qaeda\" aka \"Al Qaeda\"\n\
             org \"U.S. Army\" aka \"US Army of the Potomac\"\n\
             org \"AT&T\"\n\
             org \"U.S.A. Today\"\n\
             org \"$100 Club\"\n\
             person \"Jos\u{e9} Rodr\u{ed}guez Zapatero\" aka \"Zapatero\"\n\
             place \"\u{c9}lys\u{e9}e\"\n\
             title \"Prime Minister\" aka \"Prime Minister of Britain\", \"Britain\u{2019}s prime minister\"\n",
        )
        .unwrap();
        MentionIndex::new(&kb)
    }

    /// The scan of candidates as it was before chunked words and prefix entries: every word
    /// found a byte at a time, and the hash carried on to the longest name's length.
    fn candidates_reference(index: &MentionIndex, norm: &str) -> Vec<(usize, usize, usize)> {
        let bytes = norm.as_bytes();
        let mut found = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at..]
                .iter()
                .position(|&b| b >= 0x80 || ASCII_WORD[b as usize])
            {
                Some(skip) => at += skip,
                None => break,
            }
            if bytes[at] >= 0x80 && !MentionIndex::word_at(norm, at) {
                at += char_at(norm, at).1;
                continue;
            }
            let start = at;
            let mut end = at;
            loop {
                end += bytes[end..]
                    .iter()
                    .position(|&b| !ASCII_WORD[b as usize])
                    .unwrap_or(bytes.len() - end);
                if end < bytes.len() && bytes[end] >= 0x80 && MentionIndex::word_at(norm, end) {
                    end += char_at(norm, end).1;
                    continue;
                }
                break;
            }
            at = end;
            let bit = word_key_in(bytes, start, end) as usize & (index.words_seen.len() * 64 - 1);
            if index.words_seen[bit / 64] & (1 << (bit % 64)) == 0 {
                continue;
            }
            let mut h = TextHash::of(&bytes[start..end]);
            if let Some(first) = index.entry(&bytes[start..end], h)
                && first.longest > 0
            {
                found.extend(
                    index
                        .patterns_of(first)
                        .iter()
                        .map(|&p| (start, end, p as usize)),
                );
                let limit = (start + first.longest as usize).min(bytes.len());
                let mut e = end;
                while e < limit {
                    h = h.push(bytes[e]);
                    e += 1;
                    if !norm.is_char_boundary(e) || MentionIndex::word_at(norm, e) {
                        continue;
                    }
                    if let Some(entry) = index.entry(&bytes[start..e], h) {
                        found.extend(
                            index
                                .patterns_of(entry)
                                .iter()
                                .map(|&p| (start, e, p as usize)),
                        );
                    }
                }
            }
        }
        index.odd_candidates(norm, &mut found);
        found
    }

    fn words_reference(text: &str) -> Vec<(usize, usize)> {
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (is_word_char(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    words.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            words.push((s, text.len()));
        }
        words
    }

    /// The selection as it was before the scan moved to the original text: candidates in the
    /// normalized text, case checked there, spans mapped back by `map`, then leftmost-longest.
    fn select_reference(
        index: &MentionIndex,
        norm: &str,
        mut found: Vec<(usize, usize, usize)>,
        map: &[u32],
    ) -> Vec<Mention> {
        found.retain(|&(start, end, p)| {
            let (is_title, text) = (index.patterns.is_title(p), index.patterns.text(p));
            let matched = &norm[start..end];
            is_title
                || matched == text
                || (matched.chars().any(char::is_alphabetic)
                    && matched == matched.to_uppercase()
                    && text.chars().filter(|c| c.is_alphabetic()).count() > 3)
        });
        // normalization only drops characters, so `map` is strictly increasing and the
        // leftmost-longest choice is the same before and after mapping
        let found = found
            .into_iter()
            .map(|(start, end, p)| (map[start] as usize, map[end] as usize, p))
            .collect();
        index.select(found)
    }

    /// The mentions of `text` found the reference way: the whole text normalized (the dense
    /// reference), every word of it looked up, then [`select_reference`].
    fn find_reference(index: &MentionIndex, text: &str) -> Vec<Mention> {
        let (norm, map) = dense_reference(text);
        let found = candidates_reference(index, &norm);
        select_reference(index, &norm, found, &map)
    }

    /// The scan of the original text ([`MentionIndex::candidates`]) against the reference scan
    /// of the normalized text, case checked and mapped back (the names that begin with no
    /// word character left out: they are searched in the normalized text as before), and the
    /// mentions found.
    fn assert_scan_agrees(
        index: &MentionIndex,
        text: &str,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let (norm, map) = dense_reference(text);
        let odd: Vec<usize> = index
            .odd
            .as_ref()
            .map(|(_, odd)| odd.iter().map(|&p| p as usize).collect())
            .unwrap_or_default();
        let slow: Vec<(usize, usize, usize)> = candidates_reference(index, &norm)
            .into_iter()
            .filter(|&(start, end, p)| {
                !odd.contains(&p) && index.case_matches(&norm[start..end], p)
            })
            .map(|(start, end, p)| (map[start] as usize, map[end] as usize, p))
            .collect();
        let mut fast = Vec::new();
        index.candidates(text, &mut fast);
        proptest::prop_assert_eq!(&fast, &slow, "{:?}", text);
        proptest::prop_assert_eq!(
            index.find_in(text),
            find_reference(index, text),
            "{:?}",
            text
        );
        Ok(())
    }

    #[test]
    fn fast_candidates_agree_with_the_reference() {
        use proptest::prelude::*;
        let index = test_index();
        proptest!(|(parts in pieces())| {
            let text: String = parts.concat();
            let mut words = Vec::new();
            for_each_word(&text, |s, e| words.push((s, e)));
            prop_assert_eq!(words, words_reference(&text));
            assert_scan_agrees(&index, &text)?;
        });
        proptest!(|(text in "\\PC{0,60}")| {
            assert_scan_agrees(&index, &text)?;
        });
    }

    #[test]
    fn chunk_classes_agree_with_the_byte_at_a_time_form() {
        use proptest::prelude::*;
        for b in 0..=255u8 {
            for at in [0, 7, 8, 15, 16, 17, 31] {
                let mut chunk = [b'x'; CHUNK];
                chunk[at] = b;
                assert_eq!(
                    word_and_high(&chunk),
                    word_and_high_reference(&chunk),
                    "{b}"
                );
                let mut chunk = [b; CHUNK];
                chunk[at] = b' ';
                assert_eq!(
                    word_and_high(&chunk),
                    word_and_high_reference(&chunk),
                    "{b}"
                );
            }
        }
        proptest!(|(chunk in proptest::array::uniform32(0u8..))| {
            prop_assert_eq!(word_and_high(&chunk), word_and_high_reference(&chunk));
        });
        proptest!(|(parts in pieces(), text in "\\PC{0,80}")| {
            for text in [parts.concat(), text] {
                let mut fast = Vec::new();
                for_each_word(&text, |s, e| fast.push((s, e)));
                let mut slow = Vec::new();
                for_each_word_reference(&text, |s, e| slow.push((s, e)));
                prop_assert_eq!(fast, slow, "{:?}", text);
            }
        });
    }

    #[test]
    fn names_are_found_past_prefixes_and_initialisms() {
        let index = test_index();
        let text = "The New York Times said the U.S. Army of the Potomac and New York City \
                    met the new york times, \u{c9}lys\u{e9}e, AT&T and $100 Club; NEW YORK TIMES. \
                    Britain\u{2019}s Prime Minister, Prime Minister of Britain, in New Delhi; \
                    the U.S.A.  Today and New \n\n  York\u{a0}City.";
        let found: Vec<&str> = index
            .find_in(text)
            .iter()
            .map(|m| &text[m.span.start as usize..m.span.end as usize])
            .collect();
        assert_eq!(
            found,
            [
                "The New York Times",
                "U.S. Army of the Potomac",
                "New York City",
                "\u{c9}lys\u{e9}e",
                "AT&T",
                "$100 Club",
                "NEW YORK TIMES",
                "Britain\u{2019}s Prime Minister",
                "Prime Minister of Britain",
                "New Delhi",
                "U.S.A.  Today",
                "New \n\n  York\u{a0}City",
            ]
        );
        assert_eq!(index.find_in(text), find_reference(&index, text));
    }

    #[test]
    fn names_that_stay_normal_are_their_normalization() {
        use proptest::prelude::*;
        proptest!(|(parts in pieces(), any in "\\PC{0,40}")| {
            for text in [parts.concat(), any] {
                prop_assert_eq!(normalize_text(&text), normalize_sparse(&text).0);
            }
        });
        for name in [
            "Dr\u{e9}syn",
            "Vi\u{1ec7}t Nam",
            "O\u{2019}Brien",
            "A\u{a0}B",
            "x  y",
            "U.S.",
        ] {
            assert_eq!(normalize_text(name), normalize_sparse(name).0, "{name}");
        }
        assert!(stays_normal("Republic of Dr\u{e9}syn".as_bytes()));
    }

    const TEST_RULES: &str = "place \"New York\" aka \"New York City\", \"NYC\"\n\
         org \"New York Times\" aka \"The New York Times\", \"The Times\"\n\
         place \"New Delhi\"\n\
         org \"Al-Qaeda\" aka \"Al Qaeda\"\n\
         org \"U.S. Army\" aka \"US Army of the Potomac\"\n\
         org \"AT&T\"\n\
         org \"$100 Club\"\n\
         person \"Jos\u{e9} Rodr\u{ed}guez Zapatero\" aka \"Zapatero\"\n\
         org \"Zapatero\"\n\
         title \"Prime Minister\" aka \"Prime Minister of Britain\"\n";

    #[test]
    fn words_the_pair_filter_skips_begin_no_name() {
        use proptest::prelude::*;
        let index = test_index();
        proptest!(|(parts in pieces(), any in "\\PC{0,20}")| {
            let text = parts.concat() + &any;
            let bytes = text.as_bytes();
            let mut skipped = Vec::new();
            for_each_word(&text, |start, end| {
                let key = word_key_in(bytes, start, end);
                if !index.may_begin(bytes, end, key) {
                    let mut found = Vec::new();
                    index.names_from(&text, start, end, key, false, &mut String::new(), &mut found);
                    skipped.push((start, end, found));
                }
            });
            for (start, end, found) in skipped {
                prop_assert!(found.is_empty(), "{:?} at {}..{}: {:?}", text, start, end, found);
            }
        });
        // it does skip a word that begins names, before a byte none has after it, or before
        // a word none has after it
        let text = b"the cat";
        assert!(!index.may_begin(text, 3, word_key(b"the")));
        assert!(index.may_begin(b"the times", 3, word_key(b"the")));
        assert!(index.may_begin(b"The New York", 3, word_key(b"The")));
        assert!(!index.may_begin(b"the nice plan", 3, word_key(b"the")));
        assert!(index.may_begin(b"the new plan", 3, word_key(b"the")));
        assert!(index.may_begin(b"the new. plan", 3, word_key(b"the")));
        assert!(index.may_begin(b"NYC today", 3, word_key(b"NYC")));
    }

    const TEST_TEXTS: [&str; 4] = [
        "The New York Times said the U.S. Army of the Potomac and New York City met.",
        "NEW YORK TIMES: Zapatero, prime minister, in New Delhi; AT&T and $100 Club.",
        "Al Qaeda, Al-Qaeda, the Times, The Times, NYC, nyc, Jos\u{e9} Rodr\u{ed}guez Zapatero",
        "Prime Minister of Britain \u{2018}New York\u{2019} U.S.  Army",
    ];

    #[test]
    fn a_decoded_index_is_the_built_one() {
        let kb = crate::rules::load_str("t.rules", TEST_RULES).unwrap();
        let built = MentionIndex::new(&kb);
        let payload = built.encode().unwrap();
        let decoded = MentionIndex::decode(&payload, &kb).unwrap();
        // every column the same, and the same mentions
        assert_eq!(decoded.encode().unwrap(), payload);
        for text in TEST_TEXTS {
            assert_eq!(decoded.find_in(text), built.find_in(text), "{text}");
            assert!(!built.find_in(text).is_empty());
        }
        // the index of another knowledge base's entities is out of range here
        let small = crate::rules::load_str("s.rules", "place \"Paris\"\n").unwrap();
        assert!(MentionIndex::decode(&payload, &small).is_err());
    }

    #[test]
    fn damaged_payloads_are_rejected_or_harmless() {
        // with a valid checksum, any byte changed: decoding never panics, and an index that
        // passes its checks never panics while matching
        let kb = crate::rules::load_str("t.rules", TEST_RULES).unwrap();
        let payload = MentionIndex::new(&kb).encode().unwrap();
        for at in 0..payload.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bad = payload.clone();
                bad[at] ^= flip;
                if let Ok(index) = MentionIndex::decode(&bad, &kb) {
                    for text in TEST_TEXTS {
                        index.find_in(text);
                    }
                }
            }
        }
        for len in 0..payload.len() {
            assert!(MentionIndex::decode(&payload[..len], &kb).is_err(), "{len}");
        }
    }

    #[test]
    fn cached_indexes_are_read_back_and_damaged_files_rebuilt() {
        let kb = crate::rules::load_str("t.rules", TEST_RULES).unwrap();
        let built = MentionIndex::new(&kb);
        let dir = tempfile::tempdir().unwrap();
        let cache = KbCache::new(dir.path());
        let key = 42;
        let path = cache.mentions_path(key);
        let check = |expected: &str| {
            let (index, outcome) = MentionIndex::cached(&kb, &cache, key);
            for text in TEST_TEXTS {
                assert_eq!(index.find_in(text), built.find_in(text), "{expected}");
            }
            let outcome = match outcome {
                CacheOutcome::Hit => "hit".to_string(),
                CacheOutcome::Miss => "miss".to_string(),
                CacheOutcome::Invalid(why) => why,
            };
            assert!(outcome.contains(expected), "{outcome} is not {expected}");
        };
        check("miss");
        let good = std::fs::read(&path).unwrap();
        check("hit");
        let damage = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
        };
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 1;
        damage(&flipped);
        check("checksum");
        assert_eq!(std::fs::read(&path).unwrap(), good, "rewritten");
        damage(&good[..good.len() - 3]);
        check("truncated");
        damage(&good[..10]);
        check("truncated");
        damage(b"hello");
        check("not a claimcheck cache");
        check("hit");
        // the file of another key is not read for this one
        std::fs::copy(&path, cache.mentions_path(7)).unwrap();
        let (_, outcome) = MentionIndex::cached(&kb, &cache, 7);
        assert_eq!(
            outcome,
            CacheOutcome::Invalid("written for other rules".into())
        );
        // a knowledge-base file is not a mention index
        std::fs::write(
            &path,
            crate::kb::cache::framed(b"claimcheck-kb\0\0\x01", CACHE_FORMAT, key, b""),
        )
        .unwrap();
        check("not a claimcheck cache");
    }

    #[test]
    fn word_characters_are_the_alphanumeric_ones_and_underscore() {
        for c in (0..=0x10_ffff).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric() || c == '_', "{c:?}");
        }
    }

    #[test]
    fn word_keys_read_in_place_equal_keys_of_the_word_alone() {
        let text = b"a Putin MACRON zelenskyy x Sergey-Lavrov 2025 end";
        for start in 0..text.len() {
            for end in start + 1..=text.len().min(start + 12) {
                assert_eq!(
                    word_key_in(text, start, end),
                    word_key(&text[start..end]),
                    "{start}..{end}"
                );
            }
        }
        assert_eq!(word_key(b"Putin"), word_key(b"PUTIN"));
        assert_ne!(word_key(b"Putin"), word_key(b"Putinx"));
    }
}
