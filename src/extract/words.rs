//! Word-level helpers shared by the extractors, written to allocate nothing on the hot path.

use crate::span::Span;

/// Whether `word` is in `list`, ignoring ASCII case.
pub fn in_list(word: &str, list: &[&str]) -> bool {
    list.iter()
        .any(|w| w.len() == word.len() && w.eq_ignore_ascii_case(word))
}

/// A list of lower-case ASCII words, with a quick rejection by first letter and length
/// together before the list is compared (most words of a text are in no list).
pub struct WordList {
    words: &'static [&'static str],
    /// For each letter, bit `n`: some word of `n` bytes starts with it (words are shorter
    /// than 32 bytes; a longer one is never found).
    shapes: [u32; 26],
}

impl WordList {
    pub const fn new(words: &'static [&'static str]) -> WordList {
        let mut shapes = [0u32; 26];
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_bytes();
            if !w.is_empty() && w[0].is_ascii_lowercase() && w.len() < 32 {
                shapes[(w[0] - b'a') as usize] |= 1 << w.len();
            }
            i += 1;
        }
        WordList { words, shapes }
    }

    /// Whether `word` is in the list, ignoring ASCII case.
    #[inline]
    pub fn contains(&self, word: &str) -> bool {
        let b = word.as_bytes();
        let Some(&first) = b.first() else {
            return false;
        };
        let first = first.to_ascii_lowercase();
        first.is_ascii_lowercase()
            && b.len() < 32
            && self.shapes[(first - b'a') as usize] & (1 << b.len()) != 0
            && in_list(word, self.words)
    }
}

/// ASCII bytes that are part of a word: letters, digits, `'` and `-`. Bytes of 0x80 and above
/// start or continue a multi-byte character, which is decoded. The table of the reference
/// tokenizer, against which the chunked one is tested.
#[cfg(test)]
static WORD_BYTE: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'\'' || c == b'-';
        b += 1;
    }
    t
};

/// Byte ranges of words (letters, digits, apostrophes, hyphens) in `text`, offset by `base`.
pub fn word_spans(text: &str, base: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(text.len() / 5);
    for_each_word(text, |s, e| out.push((base + s, base + e)));
    out
}

/// Words read from bit masks of word bytes, a chunk at a time: where the mask changes, a word
/// starts or ends (read by [`for_each_run`]).
#[derive(Debug, Default)]
struct WordRuns {
    /// Whether the byte before the next chunk is part of a word.
    in_word: bool,
    /// Where that word started.
    start: usize,
}

impl WordRuns {
    /// Reads the word mask of the 32-byte chunk at byte `i` (bit `k` set: byte `i + k` is
    /// part of a word) and calls `f(start, end)` for each word that ends in it.
    #[inline]
    fn chunk(&mut self, word: u32, i: usize, f: &mut impl FnMut(usize, usize)) {
        // a set bit where the mask changes: a word starts or ends there, in turn
        let mut changes = word ^ ((word << 1) | self.in_word as u32);
        if self.in_word && changes != 0 {
            f(self.start, i + changes.trailing_zeros() as usize);
            changes &= changes - 1;
            self.in_word = false;
        }
        while changes != 0 {
            let at = i + changes.trailing_zeros() as usize;
            changes &= changes - 1;
            if changes == 0 {
                // the word goes on into the next chunk
                self.start = at;
                self.in_word = true;
                break;
            }
            f(at, i + changes.trailing_zeros() as usize);
            changes &= changes - 1;
        }
    }

    /// Ends the text at byte `len`: a word still open ends there.
    #[inline]
    fn finish(self, len: usize, f: &mut impl FnMut(usize, usize)) {
        if self.in_word {
            f(self.start, len);
        }
    }
}

/// Calls `f(start, end)` for each word of `text` (as [`word_spans`]), in order.
///
/// The text is read [`CHUNK`] bytes at a time: each chunk is classified into a bit mask of
/// word bytes and one of bytes of 0x80 and above at once
/// ([`crate::article::bits::word_and_high`]: AVX2 or SSE2 compares on x86_64), and words
/// start and end where the mask changes. Only the rare chunks with bytes of 0x80 and above decode
/// characters. The loop of [`for_each_run_classified`], with that classifier; where the
/// processor has AVX2 (checked once per call, as `memchr` does), the loop is compiled for it,
/// with the AVX2 classifier inlined.
#[inline]
pub fn for_each_word(text: &str, f: impl FnMut(usize, usize)) {
    #[cfg(target_arch = "x86_64")]
    if crate::article::bits::has_avx2() {
        // SAFETY: the processor has AVX2, checked just before: all that the function's
        // `target_feature` requires.
        return unsafe { for_each_word_avx2(text, f) };
    }
    for_each_run_classified(
        text,
        crate::article::bits::word_and_high,
        |i, chunk, carry| non_ascii_words(text, i, chunk, carry),
        f,
    );
}

/// [`for_each_word`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn for_each_word_avx2(text: &str, f: impl FnMut(usize, usize)) {
    for_each_run_classified(
        text,
        |chunk| crate::article::bits::avx2::alnum_and_high::<b'\'', b'-'>(chunk),
        |i, chunk, carry| non_ascii_words(text, i, chunk, carry),
        f,
    );
}

/// [`for_each_word`], which also appends to `stops` the sentence stops of each [`CHUNK`]-byte
/// chunk of `text` (element `n`: the bits of bytes `32n..32n + 32`, as
/// [`crate::article::bits::sentence_stops`] gives them), classified with the word bytes from
/// the same loads ([`crate::article::bits::word_high_and_stops`]): the one walk over a
/// block's text for the word table and the sentence splitter. As in [`for_each_word`], AVX2
/// is checked once per call.
#[inline]
pub(crate) fn for_each_word_and_stops(
    text: &str,
    stops: &mut Vec<u32>,
    f: impl FnMut(usize, usize),
) {
    stops.reserve(text.len().div_ceil(CHUNK));
    #[cfg(target_arch = "x86_64")]
    if crate::article::bits::has_avx2() {
        // SAFETY: the processor has AVX2, checked just before: all that the function's
        // `target_feature` requires.
        return unsafe { for_each_word_and_stops_avx2(text, stops, f) };
    }
    for_each_run_classified(
        text,
        |chunk| {
            let (word, high, stop) = crate::article::bits::word_high_and_stops(chunk);
            stops.push(stop);
            (word, high)
        },
        |i, chunk, carry| non_ascii_words(text, i, chunk, carry),
        f,
    );
}

/// [`for_each_word_and_stops`] compiled for AVX2 (`stops` reserved).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn for_each_word_and_stops_avx2(text: &str, stops: &mut Vec<u32>, f: impl FnMut(usize, usize)) {
    for_each_run_classified(
        text,
        |chunk| {
            let (word, high, stop) = crate::article::bits::avx2::word_high_and_stops(chunk);
            stops.push(stop);
            (word, high)
        },
        |i, chunk, carry| non_ascii_words(text, i, chunk, carry),
        f,
    );
}

/// Words kept on the stack of [`WordTable`] before they are copied to its vector: a power of
/// two, so that an index modulo it needs no bounds check.
const WORD_BUFFER: usize = 256;

/// Words that can end in one chunk: a word starts or ends at each change of its mask (32 at
/// most), in turn, so 16 (one more end when a word goes on from the chunk before takes one
/// start away).
const WORDS_PER_CHUNK: usize = CHUNK / 2;

/// The word table of an article while it is read ([`block_words_and_stops`]): the words go
/// to an array first, with no capacity check per word, and are copied to the vector a few
/// hundred at a time.
pub(crate) struct WordTable {
    words: Vec<Span>,
    buffer: [Span; WORD_BUFFER],
    /// Words in `buffer`: at most `WORD_BUFFER - WORDS_PER_CHUNK - 1` between chunks.
    buffered: usize,
}

impl WordTable {
    pub(crate) fn with_capacity(capacity: usize) -> WordTable {
        WordTable {
            words: Vec::with_capacity(capacity),
            buffer: [Span::default(); WORD_BUFFER],
            buffered: 0,
        }
    }

    /// Copies the buffered words to the vector.
    #[inline]
    fn flush(&mut self) {
        self.words
            .extend_from_slice(self.buffer.get(..self.buffered).unwrap_or(&[]));
        self.buffered = 0;
    }

    /// Appends one word.
    pub(crate) fn push(&mut self, word: Span) {
        if self.buffered >= WORD_BUFFER - WORDS_PER_CHUNK - 1 {
            self.flush();
        }
        self.buffer[self.buffered % WORD_BUFFER] = word;
        self.buffered += 1;
    }

    /// The words, in the order they were appended.
    pub(crate) fn into_vec(mut self) -> Vec<Span> {
        self.flush();
        self.words
    }
}

/// The words of one block of the prose, appended to `words` as spans offset by `start` (the
/// block's offset; `start + text.len()` must fit a `u32`), and the sentence stops of each
/// [`CHUNK`]-byte chunk of `text` appended to `stops`: the words and stops of
/// [`for_each_word_and_stops`], for the word table of [`crate::article::Article`]. Whole
/// chunks are read in place (the last one padded), `stops` is grown once and filled in place,
/// and as in [`for_each_word`], AVX2 is checked once per call.
#[inline]
pub(crate) fn block_words_and_stops(
    text: &str,
    start: u32,
    words: &mut WordTable,
    stops: &mut Vec<u32>,
) {
    #[cfg(target_arch = "x86_64")]
    if crate::article::bits::has_avx2() {
        // SAFETY: the processor has AVX2, checked just before: all that the function's
        // `target_feature` requires.
        return unsafe { block_words_and_stops_avx2(text, start, words, stops) };
    }
    block_walk(
        text,
        start,
        words,
        stops,
        crate::article::bits::word_high_and_stops,
    );
}

/// [`block_words_and_stops`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn block_words_and_stops_avx2(text: &str, start: u32, words: &mut WordTable, stops: &mut Vec<u32>) {
    block_walk(text, start, words, stops, |chunk| {
        crate::article::bits::avx2::word_high_and_stops(chunk)
    });
}

/// The words and stops of a block's chunks, read as [`WordRuns`] reads them.
struct BlockWalk<'w> {
    /// Whether the byte before the next chunk is part of a word, and where that word started.
    in_word: bool,
    open: u32,
    /// As in [`non_ascii_words`].
    carry: u32,
    buffer: &'w mut [Span; WORD_BUFFER],
    /// Words in `buffer`.
    n: usize,
    words: &'w mut Vec<Span>,
}

impl BlockWalk<'_> {
    /// Reads the chunk at byte `i` of `text` (`base`: its offset in the prose): buffers the
    /// words that end in it and returns its sentence stops.
    #[inline(always)]
    fn chunk(
        &mut self,
        text: &str,
        i: usize,
        base: u32,
        chunk: &[u8; CHUNK],
        classify: &impl Fn(&[u8; CHUNK]) -> (u32, u32, u32),
    ) -> u32 {
        let (mut word, high, stops) = classify(chunk);
        if high != 0 {
            word |= non_ascii_words(text, i, chunk, &mut self.carry);
        } else {
            self.carry = 0;
        }
        // a set bit where the mask changes: a word starts or ends there, in turn
        let mut changes = word ^ ((word << 1) | self.in_word as u32);
        if self.in_word && changes != 0 {
            self.buffer[self.n % WORD_BUFFER] = Span {
                start: self.open,
                end: base.wrapping_add(changes.trailing_zeros()),
            };
            self.n += 1;
            changes &= changes - 1;
            self.in_word = false;
        }
        while changes != 0 {
            let at = base.wrapping_add(changes.trailing_zeros());
            changes &= changes - 1;
            if changes == 0 {
                // the word goes on into the next chunk
                self.open = at;
                self.in_word = true;
                break;
            }
            self.buffer[self.n % WORD_BUFFER] = Span {
                start: at,
                end: base.wrapping_add(changes.trailing_zeros()),
            };
            self.n += 1;
            changes &= changes - 1;
        }
        if self.n >= WORD_BUFFER - WORDS_PER_CHUNK - 1 {
            self.words
                .extend_from_slice(self.buffer.get(..self.n).unwrap_or(&[]));
            self.n = 0;
        }
        stops
    }
}

/// The loop of [`block_words_and_stops`], with the chunk classifier `classify` (as
/// [`crate::article::bits::word_high_and_stops`]).
#[inline(always)]
fn block_walk(
    text: &str,
    start: u32,
    table: &mut WordTable,
    stops: &mut Vec<u32>,
    classify: impl Fn(&[u8; CHUNK]) -> (u32, u32, u32),
) {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let first = stops.len();
    stops.resize(first + len.div_ceil(CHUNK), 0);
    let mut stops = stops.get_mut(first..).unwrap_or(&mut []).iter_mut();
    let mut walk = BlockWalk {
        in_word: false,
        open: 0,
        carry: 0,
        buffer: &mut table.buffer,
        n: table.buffered,
        words: &mut table.words,
    };
    let mut chunks = bytes.chunks_exact(CHUNK);
    let mut i = 0;
    for (chunk, stop) in (&mut chunks).zip(&mut stops) {
        let Some(chunk) = chunk.first_chunk::<CHUNK>() else {
            break;
        };
        *stop = walk.chunk(text, i, start.wrapping_add(i as u32), chunk, &classify);
        i += CHUNK;
    }
    if let Some(stop) = stops.next() {
        // the rest of the text, padded with NUL bytes (not word bytes): a word open at its
        // end ends there
        let chunk = chunk_at(bytes, i);
        *stop = walk.chunk(text, i, start.wrapping_add(i as u32), &chunk, &classify);
    }
    if walk.in_word {
        // a word that ends the text (only when its length is a multiple of the chunk's); the
        // last chunk left room for it
        walk.buffer[walk.n % WORD_BUFFER] = Span {
            start: walk.open,
            end: start.wrapping_add(len as u32),
        };
        walk.n += 1;
    }
    table.buffered = walk.n;
}

/// Calls `f(start, end)` for each maximal run of word characters of `text`, in order, where
/// `ascii_word` tells the ASCII bytes that are part of a word and `non_ascii(i, chunk, carry)`
/// gives the word bits of the non-ASCII bytes of the chunk at `i` (`carry`: the bits of the
/// first bytes of the next chunk, for a character that straddles two). The mention scan's
/// tests read words with it, a byte at a time, as the reference of its chunked scan
/// ([`for_each_run_classified`]).
#[inline(always)]
#[cfg_attr(
    not(test),
    allow(dead_code, reason = "the mention scan's reference form")
)]
pub(crate) fn for_each_run(
    text: &str,
    ascii_word: impl Fn(u8) -> bool,
    non_ascii: impl FnMut(usize, &[u8; CHUNK], &mut u32) -> u32,
    f: impl FnMut(usize, usize),
) {
    for_each_run_classified(
        text,
        |chunk| {
            let mut flags = [0u8; CHUNK];
            for (flag, &b) in flags.iter_mut().zip(chunk) {
                *flag = ascii_word(b) as u8;
            }
            let any = chunk
                .chunks_exact(8)
                .fold(0u64, |acc, group| acc | u64_of(group));
            (pack(&flags), u32::from(any & 0x8080_8080_8080_8080 != 0))
        },
        non_ascii,
        f,
    );
}

/// Bytes [`for_each_word`] classifies at once.
pub(crate) const CHUNK: usize = 32;

/// Eight bytes as a little-endian `u64` (`group` has eight).
#[inline(always)]
fn u64_of(group: &[u8]) -> u64 {
    let mut eight = [0u8; 8];
    eight.copy_from_slice(group);
    u64::from_le_bytes(eight)
}

/// Bit `j` set when byte `j` of the chunk is 1 (every byte 0 or 1): eight bytes at a time
/// gathered into one by a multiplication.
#[inline(always)]
pub(crate) fn pack(v: &[u8; CHUNK]) -> u32 {
    let mut m = 0u32;
    for (k, group) in v.chunks_exact(8).enumerate() {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(group);
        let x = u64::from_le_bytes(eight);
        m |= ((x.wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32) << (8 * k);
    }
    m
}

/// The chunk of `bytes` at `i`, padded past the end with NUL bytes (not word bytes).
#[inline(always)]
pub(crate) fn chunk_at(bytes: &[u8], i: usize) -> [u8; CHUNK] {
    match bytes.get(i..).and_then(|rest| rest.first_chunk::<CHUNK>()) {
        Some(c) => *c,
        None => {
            let mut c = [0u8; CHUNK];
            let rest = bytes.get(i..).unwrap_or(&[]);
            c[..rest.len()].copy_from_slice(rest);
            c
        }
    }
}

/// The word bits of the non-ASCII bytes of the chunk at `i`: every byte of a letter, digit or
/// `’`. `carry` has the bits of the first bytes of this chunk, when a word character started
/// in the chunk before, and is set for the next chunk. Only the first bytes of characters
/// (0xC0 and above, found as a bit mask) are looked at, by [`non_ascii_word_char`].
#[cold]
fn non_ascii_words(text: &str, i: usize, chunk: &[u8; CHUNK], carry: &mut u32) -> u32 {
    let mut word = *carry;
    *carry = 0;
    let mut leads = lead_bytes(chunk);
    let bytes = text.as_bytes();
    while leads != 0 {
        let j = leads.trailing_zeros() as usize;
        leads &= leads - 1;
        let (is_word, len) = non_ascii_word_char(text, bytes, i + j);
        if is_word {
            let bits = ((1u64 << len) - 1) << j;
            word |= bits as u32;
            *carry = (bits >> CHUNK) as u32;
        }
    }
    word
}

/// The bits of the bytes of `chunk` that start a multi-byte character (0xC0 and above: bits 7
/// and 6 set), eight bytes at a time.
#[inline]
pub(crate) fn lead_bytes(chunk: &[u8; CHUNK]) -> u32 {
    let mut leads = 0u32;
    for (k, group) in chunk.chunks_exact(8).enumerate() {
        let x = u64_of(group);
        let ones = (x & (x << 1) & 0x8080_8080_8080_8080) >> 7;
        leads |= ((ones.wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32) << (8 * k);
    }
    leads
}

/// Whether the character that starts at byte `at` (a first byte, 0xC0 and above) is a word
/// character ([`is_word_char`]), and its length. The common ones are told by their bytes:
/// general punctuation `U+2000..U+203F` (curly quotes, dashes, bullets; only `’` is a word
/// character) and Latin-1 letters `U+00C0..U+00FF` (all but `×` and `÷`); others are decoded.
/// A test compares it with [`is_word_char`] on every character.
#[inline]
fn non_ascii_word_char(text: &str, bytes: &[u8], at: usize) -> (bool, usize) {
    match (bytes.get(at), bytes.get(at + 1)) {
        (Some(0xE2), Some(0x80)) => (bytes.get(at + 2) == Some(&0x99), 3),
        (Some(0xC3), Some(&b)) => (b != 0x97 && b != 0xB7, 2),
        _ => match text.get(at..).and_then(|rest| rest.chars().next()) {
            Some(c) => (is_word_char(c), c.len_utf8()),
            None => (false, 1),
        },
    }
}

/// Characters that are part of a word, besides ASCII word bytes.
#[inline]
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\u{2019}'
}

/// [`for_each_word`] a byte or character at a time: the reference of the property test.
#[cfg(test)]
fn for_each_word_reference(text: &str, mut f: impl FnMut(usize, usize)) {
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word = if c.is_ascii() {
            WORD_BYTE[c as usize]
        } else {
            is_word_char(c)
        };
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                f(s, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        f(s, text.len());
    }
}

/// Calls `f(start, end)` for each maximal run of word characters of `text`, in order, with
/// each chunk classified at once by `classify(chunk)`: (the word bits of its ASCII bytes,
/// the bits of its bytes of 0x80 and above; only whether there are any counts), as SIMD
/// compares give both; `non_ascii` as in [`for_each_run`]. The loop of the word table and of
/// the mention scan.
#[inline(always)]
pub(crate) fn for_each_run_classified(
    text: &str,
    mut classify: impl FnMut(&[u8; CHUNK]) -> (u32, u32),
    mut non_ascii: impl FnMut(usize, &[u8; CHUNK], &mut u32) -> u32,
    mut f: impl FnMut(usize, usize),
) {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut runs = WordRuns::default();
    let mut carry = 0u32;
    let mut i = 0;
    while i < len {
        let chunk = chunk_at(bytes, i);
        let (mut word, high) = classify(&chunk);
        if high != 0 {
            word |= non_ascii(i, &chunk, &mut carry);
        } else {
            carry = 0;
        }
        runs.chunk(word, i, &mut f);
        i += CHUNK;
    }
    runs.finish(len, &mut f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_lists() {
        let text = "Putin's aide, ex-minister 2025.";
        let words: Vec<&str> = word_spans(text, 0)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(words, ["Putin's", "aide", "ex-minister", "2025"]);
        assert!(in_list("SAID", &["said", "told"]));
        assert!(!in_list("sai", &["said"]));
    }

    #[test]
    fn words_across_chunks_and_non_ascii() {
        let text = "A caf\u{e9} na\u{ef}ve 2,000-strong \u{201c}Kyiv\u{2019}s\u{201d} \u{2014} \u{c9}lys\u{e9}e\u{2019}s \u{1f600} \u{43c}\u{438}\u{440} end";
        for pad in 0..40 {
            let padded = format!("{}{text}", " ".repeat(pad));
            let mut fast = Vec::new();
            for_each_word(&padded, |s, e| fast.push((s, e)));
            let mut slow = Vec::new();
            for_each_word_reference(&padded, |s, e| slow.push((s, e)));
            assert_eq!(fast, slow, "{pad}");
        }
    }

    #[test]
    fn non_ascii_word_chars_are_is_word_char() {
        let mut buf = [0u8; 4];
        for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
            let s: &str = c.encode_utf8(&mut buf);
            assert_eq!(
                non_ascii_word_char(s, s.as_bytes(), 0),
                (is_word_char(c), c.len_utf8()),
                "{c:?}"
            );
        }
    }

    /// The words and stops of [`block_words_and_stops`] (with the AVX2 loop where the
    /// processor has it, and without) are the reference's words, offset by the block's start,
    /// and [`for_each_word_and_stops`]'s stops, appended after what the vectors held.
    fn block_walk_agrees(text: &str, start: u32) {
        // the block twice, the second time further on, into the same table
        let again = start + text.len() as u32 + 1;
        let before = Span { start: 1, end: 2 };
        let mut expected = vec![before];
        let mut expected_stops = vec![7];
        for at in [start, again] {
            for_each_word_reference(text, |s, e| {
                expected.push(Span::new(at as usize + s, at as usize + e));
            });
            for_each_word_and_stops(text, &mut expected_stops, |_, _| {});
        }
        let walk = || {
            let mut words = WordTable::with_capacity(0);
            words.push(before);
            let mut stops = vec![7];
            block_words_and_stops(text, start, &mut words, &mut stops);
            block_words_and_stops(text, again, &mut words, &mut stops);
            (words.into_vec(), stops)
        };
        let (words, stops) = walk();
        assert_eq!(words, expected, "{text:?}");
        assert_eq!(stops, expected_stops, "{text:?}");
        #[cfg(target_arch = "x86_64")]
        {
            let (words, stops) = crate::article::bits::without_avx2(walk);
            assert_eq!(words, expected, "{text:?}");
            assert_eq!(stops, expected_stops, "{text:?}");
        }
    }

    #[test]
    fn block_walk_examples() {
        let many = "a ".repeat(600);
        let long = format!("{}\u{e9}{} x.", "b".repeat(31), "c-".repeat(100));
        for text in [
            "",
            "a",
            &"a".repeat(32),
            &"a".repeat(64),
            &many,
            &long,
            "caf\u{e9} \u{201c}Kyiv\u{2019}s\u{201d}. He said! \u{1f600}",
        ] {
            for start in [0, 5, 1 << 20] {
                block_walk_agrees(text, start);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn block_walk_agrees_with_the_reference(
            text in "([a-z]{1,3}|[A-Z0-9'\\-]|[ \n.!?\"]{1,2}|\u{e9}|\u{2019}|\u{201c}|\u{a0}|\u{1f600}){0,200}",
            start in 0u32..100_000,
        ) {
            block_walk_agrees(&text, start);
        }

        #[test]
        fn chunked_words_agree_with_the_reference(
            text in "[a-zA-Z0-9 '\\-.,\u{e9}\u{c7}\u{d7}\u{f7}\u{2018}\u{2019}\u{201c}\u{201d}\u{2013}\u{2014}\u{2022}\u{2026}\u{2071}\u{b2}\u{1f600}\u{43c}\u{a0}\n]{0,120}"
        ) {
            let mut fast = Vec::new();
            for_each_word(&text, |s, e| fast.push((s, e)));
            let mut slow = Vec::new();
            for_each_word_reference(&text, |s, e| slow.push((s, e)));
            proptest::prop_assert_eq!(fast, slow);
        }

        /// The SSE2 loops, which a processor with AVX2 never takes otherwise.
        #[cfg(target_arch = "x86_64")]
        #[test]
        fn chunked_words_agree_without_avx2(
            text in "[a-zA-Z0-9 '\\-.,!?\"\u{e9}\u{2019}\u{201c}\u{201d}\u{2014}\u{1f600}\u{a0}\n]{0,120}"
        ) {
            let mut slow = Vec::new();
            for_each_word_reference(&text, |s, e| slow.push((s, e)));
            let (fast, with_stops, stops) = crate::article::bits::without_avx2(|| {
                let mut fast = Vec::new();
                for_each_word(&text, |s, e| fast.push((s, e)));
                let mut with_stops = Vec::new();
                let mut stops = Vec::new();
                for_each_word_and_stops(&text, &mut stops, |s, e| with_stops.push((s, e)));
                (fast, with_stops, stops)
            });
            let mut avx_stops = Vec::new();
            for_each_word_and_stops(&text, &mut avx_stops, |_, _| {});
            proptest::prop_assert_eq!(&fast, &slow);
            proptest::prop_assert_eq!(&with_stops, &slow);
            proptest::prop_assert_eq!(stops, avx_stops);
        }

        #[test]
        fn chunked_words_agree_on_any_text(text in "\\PC{0,80}") {
            let mut fast = Vec::new();
            for_each_word(&text, |s, e| fast.push((s, e)));
            let mut slow = Vec::new();
            for_each_word_reference(&text, |s, e| slow.push((s, e)));
            proptest::prop_assert_eq!(fast, slow);
        }
    }
}
