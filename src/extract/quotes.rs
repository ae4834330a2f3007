//! Quotes and their speakers. Quotations are paired within a block (straight or curly marks,
//! across sentences). The speaker comes from a speech verb after the quote (`," Zelenskyy
//! said`, `," said Zelenskyy`, `," he said`) or before it in its sentence (`Rubio described
//! the meeting as "..."`, `he cautioned against "..."`, `according to X`); a pronoun is the
//! last person named before it in the paragraph. Failing that, the paragraph's only named
//! speaker, if there is exactly one. Quotes of a few words are marked partial.

use super::Extractor;
use super::claim::{Attribution, QuoteClaim, Ref};
use super::mentions::Mention;
use crate::article::Article;
use crate::span::Span;

/// Sorted (a test checks it), so that a word is looked up by binary search.
const SPEECH_VERBS: &[&str] = &[
    "acknowledged",
    "added",
    "adding",
    "adds",
    "admits",
    "admitted",
    "announced",
    "argued",
    "argues",
    "asked",
    "asks",
    "called",
    "calls",
    "cautioned",
    "cautions",
    "claimed",
    "claims",
    "confirmed",
    "declared",
    "declares",
    "described",
    "describes",
    "emphasised",
    "emphasized",
    "emphasizing",
    "explained",
    "explains",
    "insisted",
    "insisting",
    "insists",
    "noted",
    "notes",
    "posted",
    "reaffirmed",
    "remarked",
    "replied",
    "replies",
    "said",
    "say",
    "saying",
    "says",
    "stated",
    "states",
    "stressed",
    "stresses",
    "stressing",
    "telling",
    "tells",
    "told",
    "tweeted",
    "urged",
    "vowed",
    "warned",
    "warns",
    "writes",
    "wrote",
];

const PRONOUNS: &[&str] = &["he", "she"];

/// Words before a name that are not part of it.
const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "minister",
];

/// For each first letter `a` to `z`, a bit for each length (below 16) of the speech verbs
/// that start with it: most words are ruled out by one look-up before the list is read.
const SPEECH_VERB_SHAPES: [u16; 26] = {
    let mut shapes = [0u16; 26];
    let mut i = 0;
    while i < SPEECH_VERBS.len() {
        let verb = SPEECH_VERBS[i].as_bytes();
        // the verbs are lowercase ASCII and shorter than 16 bytes (a test checks it)
        if !verb.is_empty() && verb.len() < 16 && verb[0].is_ascii_lowercase() {
            shapes[(verb[0] - b'a') as usize] |= 1 << verb.len();
        }
        i += 1;
    }
    shapes
};

pub(crate) fn is_speech_verb(word: &str) -> bool {
    let bytes = word.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    let first = first.to_ascii_lowercase();
    // the list is lowercase ASCII, so a word that fails the shape test cannot be in it
    if !first.is_ascii_lowercase()
        || bytes.len() >= 16
        || SPEECH_VERB_SHAPES[(first - b'a') as usize] & (1 << bytes.len()) == 0
    {
        return false;
    }
    let mut buffer = [0u8; 16];
    let Some(lower) = buffer.get_mut(..bytes.len()) else {
        return false;
    };
    lower.copy_from_slice(bytes);
    lower.make_ascii_lowercase();
    // `SPEECH_VERBS` as a `match` (a test checks that they agree): it compiles to a switch
    // on the length and a few compares, cheaper than the binary search of the list
    matches!(
        &*lower,
        b"acknowledged"
            | b"added"
            | b"adding"
            | b"adds"
            | b"admits"
            | b"admitted"
            | b"announced"
            | b"argued"
            | b"argues"
            | b"asked"
            | b"asks"
            | b"called"
            | b"calls"
            | b"cautioned"
            | b"cautions"
            | b"claimed"
            | b"claims"
            | b"confirmed"
            | b"declared"
            | b"declares"
            | b"described"
            | b"describes"
            | b"emphasised"
            | b"emphasized"
            | b"emphasizing"
            | b"explained"
            | b"explains"
            | b"insisted"
            | b"insisting"
            | b"insists"
            | b"noted"
            | b"notes"
            | b"posted"
            | b"reaffirmed"
            | b"remarked"
            | b"replied"
            | b"replies"
            | b"said"
            | b"say"
            | b"saying"
            | b"says"
            | b"stated"
            | b"states"
            | b"stressed"
            | b"stresses"
            | b"stressing"
            | b"telling"
            | b"tells"
            | b"told"
            | b"tweeted"
            | b"urged"
            | b"vowed"
            | b"warned"
            | b"warns"
            | b"writes"
            | b"wrote"
    )
}

/// The number of whitespace-separated words in `text` (as `split_whitespace` counts them),
/// but no more than `max`: the scan stops there.
///
/// ASCII text is read eight bytes at a time: a word starts at each byte that is not a space
/// after one that is, and those bytes are counted together. From the first eight bytes with
/// one of 0x80 or above on, characters are read one at a time.
fn count_words(text: &str, max: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut in_word = false;
    let mut i = 0;
    while count < max
        && let Some(chunk) = bytes.get(i..i + 8)
    {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let w = u64::from_le_bytes(eight);
        if w & HIGH != 0 {
            break;
        }
        // every byte is below 0x80, so no sum below carries into the next byte.
        // The high bit of each byte: set where the byte is not `' '` ...
        let t = w ^ (ONES * 0x20);
        let not_blank = (((t & LOW) + LOW) | t) & HIGH;
        // ... and where it is one of 0x09..=0x0d (\t \n \x0b \x0c \r)
        let control = (w + ONES * (0x80 - 0x09)) & !(w + ONES * (0x80 - 0x0e)) & HIGH;
        let space = (!not_blank & HIGH) | control;
        let word = !space & HIGH;
        // a space before the first byte when no word is open
        let before = (space << 8) | u64::from(!in_word) << 7;
        count += (word & before).count_ones() as usize;
        in_word = word >> 63 != 0;
        i += 8;
    }
    if count >= max {
        return max;
    }
    while i < bytes.len() && count < max {
        let b = bytes[i];
        let (space, len) = if b < 0x80 {
            // the ASCII characters `char::is_whitespace` accepts
            (matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'), 1)
        } else {
            let c = text.get(i..).and_then(|s| s.chars().next()).unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if !space && !in_word {
            count += 1;
        }
        in_word = !space;
        i += len;
    }
    count
}

/// Whether `c` is part of a word as `words::word_spans` reads them: letters, digits,
/// apostrophes (straight and curly) and hyphens.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '\'' || c == '-'
    } else {
        c.is_alphanumeric() || c == '\u{2019}'
    }
}

/// [`is_word_char`] of each ASCII byte, looked up instead of computed: the attribution
/// window is read a byte at a time.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b as u8 == b'\'' || b as u8 == b'-';
        b += 1;
    }
    table
};

/// The words of `text[lo..hi]`, the same spans `words::word_spans` finds, read lazily from
/// either end: attribution needs the first words after a quote and the last ones before it,
/// so neither the window nor a list of its words is built.
struct Words<'t> {
    text: &'t str,
    lo: usize,
    hi: usize,
}

impl<'t> Words<'t> {
    /// `lo` and `hi` must be character boundaries of `text` (they are clamped to it).
    fn new(text: &'t str, lo: usize, hi: usize) -> Words<'t> {
        let hi = hi.min(text.len());
        Words {
            text,
            lo: lo.min(hi),
            hi,
        }
    }

    /// Whether the character at `i` (in `lo..hi`) is a word character, and its length.
    fn class_at(&self, i: usize) -> (bool, usize) {
        match self.text.as_bytes().get(i) {
            Some(&b) if b < 0x80 => (ASCII_WORD[usize::from(b)], 1),
            _ => {
                let c = self
                    .text
                    .get(i..self.hi)
                    .and_then(|s| s.chars().next())
                    .unwrap_or(' ');
                (is_word_char(c), c.len_utf8())
            }
        }
    }

    /// Whether the character that ends at `i` (in `lo..hi`) is a word character, and its
    /// length.
    fn class_before(&self, i: usize) -> (bool, usize) {
        match self.text.as_bytes().get(i.wrapping_sub(1)) {
            Some(&b) if b < 0x80 => (ASCII_WORD[usize::from(b)], 1),
            _ => {
                let c = self
                    .text
                    .get(self.lo..i)
                    .and_then(|s| s.chars().next_back())
                    .unwrap_or(' ');
                (is_word_char(c), c.len_utf8())
            }
        }
    }
}

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        // skip to the next word character, then to the end of the word
        while self.lo < self.hi {
            let (word, len) = self.class_at(self.lo);
            if word {
                let start = self.lo;
                self.lo += len;
                while self.lo < self.hi {
                    let (word, len) = self.class_at(self.lo);
                    if !word {
                        break;
                    }
                    self.lo += len;
                }
                return Some((start, self.lo));
            }
            self.lo += len;
        }
        None
    }
}

impl DoubleEndedIterator for Words<'_> {
    fn next_back(&mut self) -> Option<(usize, usize)> {
        while self.lo < self.hi {
            let (word, len) = self.class_before(self.hi);
            if word {
                let end = self.hi;
                self.hi -= len;
                while self.lo < self.hi {
                    let (word, len) = self.class_before(self.hi);
                    if !word {
                        break;
                    }
                    self.hi -= len;
                }
                return Some((self.hi, end));
            }
            self.hi -= len;
        }
        None
    }
}

/// A pair of quotation marks: offsets of the opening mark, the content and the closing mark.
struct Quotation {
    /// The opening mark.
    mark: usize,
    /// Just past the opening mark: the content starts here.
    open: usize,
    /// The closing mark: the content ends here.
    close: usize,
    /// Just past the closing mark.
    after: usize,
}

/// The offsets of the bytes [`pair_marks`] stops at in the whole prose: `"` and the last
/// bytes of curly marks (`9C`, `9D`), found by one memchr pass per article instead of one
/// per block.
fn mark_bytes(prose: &str) -> Vec<u32> {
    memchr::memchr3_iter(b'"', 0x9c, 0x9d, prose.as_bytes())
        .map(|i| i as u32)
        .collect()
}

/// Pairs quotation marks in one block of prose, into `out` (cleared first). A straight `"`
/// opens after a space, a bracket or a dash and closes otherwise; curly marks say which
/// they are.
///
/// Only the marks are visited: `marks` are the offsets of the article's `"` and of the last
/// byte of its curly marks ([`mark_bytes`]; `\u{201c}` is E2 80 9C, `\u{201d}` is E2 80 9D;
/// other characters ending in 9C or 9D are told apart by their first two bytes), and the
/// character before a straight mark is decoded only there.
fn pair_marks(prose: &str, span: Span, marks: &[u32], out: &mut Vec<Quotation>) {
    let base = span.start as usize;
    let from = marks.partition_point(|&m| m < span.start);
    let to = marks.partition_point(|&m| m < span.end);
    let hits = marks[from..to.max(from)].iter().map(|&m| m as usize - base);
    pair_hits(prose, span, hits, out);
}

/// [`pair_marks`] over `hits`: the offsets in the block of its `"` and of the last bytes of
/// its curly marks, in order.
fn pair_hits(prose: &str, span: Span, hits: impl Iterator<Item = usize>, out: &mut Vec<Quotation>) {
    out.clear();
    let base = span.start as usize;
    let text = span.slice(prose);
    let bytes = text.as_bytes();
    // (mark, content start) of the open quotation
    let mut open: Option<(usize, usize)> = None;
    for hit in hits {
        let b = bytes[hit];
        if b != b'"' {
            // the end of a curly mark?
            if hit < 2 || bytes[hit - 2] != 0xe2 || bytes[hit - 1] != 0x80 {
                continue;
            }
            let (at, past) = (base + hit - 2, base + hit + 1);
            if b == 0x9c {
                open = Some((at, past));
            } else if let Some((mark, content)) = open {
                out.push(Quotation {
                    mark,
                    open: content,
                    close: at,
                    after: past,
                });
                open = None;
            }
            continue;
        }
        let (at, past) = (base + hit, base + hit + 1);
        // the character before the mark (a space at the start of the block)
        let prev = text
            .get(..hit)
            .and_then(|before| before.chars().next_back())
            .unwrap_or(' ');
        let opens_here =
            prev.is_whitespace() || matches!(prev, '(' | '[' | '-' | '\u{2014}' | '\u{2013}' | ':');
        match open {
            Some((mark, content)) if !opens_here => {
                out.push(Quotation {
                    mark,
                    open: content,
                    close: at,
                    after: past,
                });
                open = None;
            }
            // a straight mark that opens (again: an earlier one was never closed)
            _ if opens_here => open = Some((at, past)),
            _ => {}
        }
    }
}

/// Every quote in the article with its speaker, and the sentence it starts in.
pub fn claims(
    x: &Extractor<'_>,
    article: &Article,
    mentions: &[Mention],
) -> Vec<(QuoteClaim, Span)> {
    let prose = &article.prose;
    let mut out = Vec::new();
    let marks = mark_bytes(prose);
    // most articles quote no one: no persons to list
    if marks.is_empty() {
        return out;
    }
    // The article's words are the words `Words` reads inside a block when the blocks come in
    // order and do not overlap (then the table is each block tokenized in turn; see
    // `Article::words`).
    let mut end = 0;
    let table = article
        .blocks
        .iter()
        .all(|b| {
            let ok = end <= b.span.start && b.span.start <= b.span.end;
            end = b.span.end;
            ok
        })
        .then_some(article.words.as_slice());
    let mut persons: Vec<&Mention> = mentions
        .iter()
        .filter(|m| !m.is_title && x.mention_is(m, x.kinds.person))
        .collect();
    // sorted by position, so that every look-up below is a binary search
    persons.sort_by_key(|m| (m.span.start, m.span.end));
    // one buffer of each kind for every block, cleared in turn
    let mut quotations = Vec::new();
    let mut speakers_in_block: Vec<Ref> = Vec::new();
    let mut pending: Vec<usize> = Vec::new();
    // the quotes come in order within a block, and so do the blocks unless they overlap
    let mut sentences = super::cursor::SentenceCursor::default();
    for block in &article.blocks {
        speakers_in_block.clear();
        pending.clear();
        pair_marks(prose, block.span, &marks, &mut quotations);
        for q in &quotations {
            let content = &prose[q.open..q.close];
            let lead = content.len() - content.trim_start().len();
            let trimmed = content.trim();
            if trimmed.is_empty() {
                continue;
            }
            let span = Span::new(q.open + lead, q.open + lead + trimmed.len());
            // only whether there are fewer than five words matters
            let words = count_words(trimmed, 5);
            let partial = words < 5
                && !trimmed
                    .trim_end_matches([',', '.'])
                    .contains(['.', '!', '?']);
            let sentence = sentences
                .sentence_at(article, span.start)
                .map_or(block.span, |s| s.span);
            let end_sentence = sentences
                .sentence_at(article, q.close as u32)
                .map_or(sentence, |s| s.span);
            let found = speaker_after(x, article, &persons, q.after, end_sentence).or_else(|| {
                speaker_before(x, article, &persons, q.mark, sentence, block.span, table)
            });
            let (speaker, attribution) = match found {
                Some((r, a)) => (Some(r), a),
                None => (None, Attribution::None),
            };
            if let Some(s) = &speaker {
                if !speakers_in_block.iter().any(|k| k.ids == s.ids) {
                    speakers_in_block.push(s.clone());
                }
            } else if !block.headline {
                pending.push(out.len());
            }
            let quote = Ref {
                text: article.slice(span).to_string(),
                span,
                entities: Vec::new(),
                ids: Vec::new(),
            };
            out.push((
                QuoteClaim {
                    quote,
                    speaker,
                    attribution,
                    partial,
                },
                sentence,
            ));
        }
        // The paragraph's only named speaker, for quotes with none of their own; never for
        // scare quotes (partial), which are the writer's words more often than a speaker's.
        if let [only] = speakers_in_block.as_slice() {
            for &i in &pending {
                let (claim, _) = &mut out[i];
                if !claim.partial {
                    claim.speaker = Some(only.clone());
                    claim.attribution = Attribution::Paragraph;
                }
            }
        }
    }
    out
}

/// How far around a quotation its attribution is looked for, in bytes: a speech verb and
/// a name sit next to the quote. Bounding the window keeps the work per quotation constant,
/// so that a block with thousands of quotations costs linear time.
const ATTRIBUTION_WINDOW: usize = 400;

/// The persons whose mention starts at or after `at`.
fn persons_from<'m, 'a>(persons: &'m [&'a Mention], at: usize) -> &'m [&'a Mention] {
    &persons[persons.partition_point(|m| (m.span.start as usize) < at)..]
}

/// The persons whose mention ends at or before `at` (mentions do not overlap, so these
/// are a prefix of the list sorted by start).
fn persons_before<'m, 'a>(persons: &'m [&'a Mention], at: usize) -> &'m [&'a Mention] {
    &persons[..persons.partition_point(|m| (m.span.end as usize) <= at)]
}

/// `at` moved down to a character boundary of `text`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `," Zelenskyy said`, `," said Zelenskyy`, `," he said`.
fn speaker_after(
    x: &Extractor<'_>,
    article: &Article,
    persons: &[&Mention],
    start: usize,
    sentence: Span,
) -> Option<(Ref, Attribution)> {
    let text = &article.prose;
    let end = (sentence.end as usize).max(start).min(text.len());
    let end = floor_boundary(text, end.min(start + ATTRIBUTION_WINDOW));
    if start >= end {
        return None;
    }
    // only the first two words after the quote matter
    let mut after_quote = Words::new(text, start, end);
    let first = after_quote.next()?;
    let second = after_quote.next();
    let ws = [Some(first), second];
    // only punctuation between the closing mark and the attribution
    if !text[start..first.0]
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, ',' | '\u{2014}' | '-' | '\u{201d}' | '"'))
    {
        return None;
    }
    let word = |i: usize| ws.get(i).copied().flatten().map(|(s, e)| &text[s..e]);
    let person_at = |pos: usize| {
        persons_from(persons, pos)
            .first()
            .filter(|m| m.span.start as usize == pos)
    };
    // `said Zelenskyy`
    if word(0).is_some_and(is_speech_verb)
        && let Some((s, _)) = second
    {
        if let Some(m) = person_at(s) {
            return Some((x.mention_ref(article, m, x.kinds.person), Attribution::Verb));
        }
        // `said Russian Foreign Minister Sergey Lavrov`: a person within a few words
        if let Some(m) = persons_from(persons, s + 1)
            .first()
            .filter(|m| (m.span.start as usize) < s + 60)
        {
            let between = &text[s..m.span.start as usize];
            if !between.contains([',', '.', ';']) {
                return Some((x.mention_ref(article, m, x.kinds.person), Attribution::Verb));
            }
        }
    }
    // `Zelenskyy said`, `Mr Lavrov said`
    let name_start = match word(0) {
        Some(w) if super::words::in_list(w.trim_end_matches('.'), HONORIFICS) => {
            second.map_or(first.0, |w| w.0)
        }
        _ => first.0,
    };
    if let Some(m) = person_at(name_start) {
        let mut after = Words::new(text, m.span.end as usize, end);
        if after.next().is_some_and(|(s, e)| {
            is_speech_verb(&text[s..e]) && text[m.span.end as usize..s].trim().is_empty()
        }) {
            return Some((x.mention_ref(article, m, x.kinds.person), Attribution::Verb));
        }
    }
    // `he said`
    if word(0).is_some_and(|w| super::words::in_list(w, PRONOUNS))
        && word(1).is_some_and(is_speech_verb)
    {
        return last_person_before(x, article, persons, first.0).map(|r| (r, Attribution::Pronoun));
    }
    None
}

/// The last pair of words `according to` (any case) among the words of `text[start..end]`
/// (as [`Words`] reads them, the first word cut at `start`): the spans of both. Instead of
/// reading every word from the end, memchr jumps between the `g`s and `G`s that may end an
/// `according`, and only those are checked.
fn last_according_to(
    text: &str,
    start: usize,
    end: usize,
) -> Option<((usize, usize), (usize, usize))> {
    let bytes = text.as_bytes();
    let end = end.min(text.len());
    let words = Words::new(text, start, end);
    let mut hi = end;
    while let Some(g) = memchr::memrchr2(b'g', b'G', bytes.get(start..hi)?).map(|i| start + i) {
        hi = g;
        // `according` takes the nine bytes up to this one; an earlier `g` has even fewer
        let a = (g + 1).checked_sub(9).filter(|&a| a >= start)?;
        if !bytes[a..=g].eq_ignore_ascii_case(b"according") {
            continue;
        }
        // a whole word: no word character touches it inside the window
        if (a > start && words.class_before(a).0) || (g + 1 < end && words.class_at(g + 1).0) {
            continue;
        }
        if let Some(to) = Words::new(text, g + 1, end).next()
            && text[to.0..to.1].eq_ignore_ascii_case("to")
        {
            return Some(((a, g + 1), to));
        }
    }
    None
}

/// The words of `text[start..end]` last first, as `Words::new(text, start, end).rev()` reads
/// them (the first cut at `start`, the last at `end`), from `table`: the article's words,
/// when `start..end` lies inside one block and the blocks do not overlap. Two binary searches
/// and one step per word instead of a test per character.
fn table_words_rev(
    table: &[Span],
    start: usize,
    end: usize,
) -> impl Iterator<Item = (usize, usize)> + '_ {
    let lo = table.partition_point(|w| (w.end as usize) <= start);
    let hi = table.partition_point(|w| (w.start as usize) < end);
    table
        .get(lo..hi)
        .unwrap_or_default()
        .iter()
        .rev()
        .map(move |w| ((w.start as usize).max(start), (w.end as usize).min(end)))
        .filter(|(s, e)| s < e)
}

/// The last speech verb before the quote in its sentence, and its subject.
fn speaker_before(
    x: &Extractor<'_>,
    article: &Article,
    persons: &[&Mention],
    open: usize,
    sentence: Span,
    block: Span,
    table: Option<&[Span]>,
) -> Option<(Ref, Attribution)> {
    let text = &article.prose;
    let open = open.max(sentence.start as usize);
    // the words of the sentence before the quote, at most the attribution window of them
    let start = floor_boundary(
        text,
        (sentence.start as usize).max(open.saturating_sub(ATTRIBUTION_WINDOW)),
    );
    let is = |(s, e): (usize, usize), word: &str| text[s..e].eq_ignore_ascii_case(word);
    // `according to X`: the last such pair before the quote
    if let Some((_, to)) = last_according_to(text, start, open)
        && let Some(m) = persons_from(persons, to.1)
            .first()
            .filter(|m| (m.span.end as usize) <= open)
    {
        return Some((x.mention_ref(article, m, x.kinds.person), Attribution::Verb));
    }
    // One pass over the words from the quote backwards finds the last speech verb, whether
    // an `as` follows it, and the three words before it; it stops once all are known.
    // the last speech verb and whether it or a word after it is `as`
    let mut verb: Option<(usize, usize)> = None;
    let mut as_from_verb = false;
    let mut as_seen = false;
    // the (up to three) words before the verb, nearest first
    let mut before_verb: [Option<(usize, usize)>; 3] = [None; 3];
    let mut before_count = 0;
    let mut step = |w: (usize, usize)| {
        if verb.is_some() {
            if before_count < before_verb.len() {
                before_verb[before_count] = Some(w);
                before_count += 1;
            }
        } else {
            as_seen |= is(w, "as");
            if is_speech_verb(&text[w.0..w.1]) {
                verb = Some(w);
                as_from_verb = as_seen;
            }
        }
        verb.is_some() && before_count == before_verb.len()
    };
    // the article's word table when it reads as `Words` (see `table_words_rev`), else the
    // window a character at a time
    match table {
        Some(table) => {
            for w in table_words_rev(table, start, open) {
                if step(w) {
                    break;
                }
            }
        }
        None => {
            for w in Words::new(text, start, open).rev() {
                if step(w) {
                    break;
                }
            }
        }
    }
    let verb = verb?;
    // a quote after another quote's closing mark in the same sentence belongs to a new clause
    let (verb_start, _) = verb;
    if text[verb_start..open].contains(['"', '\u{201d}']) {
        return None;
    }
    if is(verb, "described") || is(verb, "describes") {
        // `described X as "..."`
        if !as_from_verb {
            return None;
        }
    }
    // the subject: a pronoun just before the verb, or the nearest person before it
    if let Some(p) = before_verb
        .iter()
        .flatten()
        .find(|&&(s, e)| super::words::in_list(&text[s..e], PRONOUNS))
    {
        let nearer_person = persons_from(persons, p.1 + 1)
            .first()
            .is_some_and(|m| (m.span.end as usize) <= verb_start);
        if !nearer_person {
            return last_person_before(x, article, persons, p.0)
                .filter(|r| r.span.start >= block.start)
                .map(|r| (r, Attribution::Pronoun));
        }
    }
    let subject = persons_before(persons, verb_start)
        .last()
        .filter(|m| m.span.start >= sentence.start)?;
    Some((
        x.mention_ref(article, subject, x.kinds.person),
        Attribution::Verb,
    ))
}

/// The last person named before `at`.
fn last_person_before(
    x: &Extractor<'_>,
    article: &Article,
    persons: &[&Mention],
    at: usize,
) -> Option<Ref> {
    persons_before(persons, at)
        .last()
        .map(|m| x.mention_ref(article, m, x.kinds.person))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window `a..b` of `text`, in order, widened to character boundaries.
    fn char_window(text: &str, a: usize, b: usize) -> (usize, usize) {
        let (mut a, mut b) = (a.min(b), a.max(b));
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        while !text.is_char_boundary(b) {
            b += 1;
        }
        (a, b)
    }

    /// The pairing before the marks were found once per article, kept to check it against:
    /// each block searched for its marks.
    fn pair_marks_old(prose: &str, span: Span) -> Vec<Quotation> {
        let mut out = Vec::new();
        let hits = memchr::memchr3_iter(b'"', 0x9c, 0x9d, span.slice(prose).as_bytes());
        pair_hits(prose, span, hits, &mut out);
        out
    }

    /// `according to` found by reading every word from the end, as `speaker_before` did.
    fn last_according_to_old(
        text: &str,
        start: usize,
        end: usize,
    ) -> Option<((usize, usize), (usize, usize))> {
        let is = |(s, e): (usize, usize), word: &str| text[s..e].eq_ignore_ascii_case(word);
        let mut later: Option<(usize, usize)> = None;
        for w in Words::new(text, start, end).rev() {
            if let Some(to) = later
                && is(w, "according")
                && is(to, "to")
            {
                return Some((w, to));
            }
            later = Some(w);
        }
        None
    }

    proptest::proptest! {
        /// Inside a sentence, the word table read backwards gives the words `Words` reads
        /// backwards, in windows that cut words and characters anywhere.
        #[test]
        fn table_words_equal_lazy_words(
            parts in proptest::collection::vec(proptest::sample::select(&[
                "said", "According", "to", "Lavrov", "as", "he", " ", " ", "  ", ", ", ". ",
                "\n", "\n\n", "# ", "- ", "\"", "\u{201c}", "\u{201d}", "\u{e9}t\u{e9}",
                "\u{2019}s", "'", "-", "x2", "\u{a0}", "(", "\u{6771}",
            ][..]), 0..50),
            cuts in proptest::collection::vec((0usize..400, 0usize..400), 1..6),
            markdown in proptest::bool::ANY,
        ) {
            let text: String = parts.concat();
            let format = if markdown {
                crate::article::Format::Markdown
            } else {
                crate::article::Format::Text
            };
            let Ok(article) = Article::from_bytes("t", format, text.into_bytes()) else {
                return Ok(());
            };
            let prose = &article.prose;
            for sentence in &article.sentences {
                let (s, e) = (sentence.span.start as usize, sentence.span.end as usize);
                for &(a, b) in &cuts {
                    let (a, b) = char_window(prose, s + a % (e - s + 1), s + b % (e - s + 1));
                    let table: Vec<_> = table_words_rev(&article.words, a, b).collect();
                    let lazy: Vec<_> = Words::new(prose, a, b).rev().collect();
                    proptest::prop_assert_eq!(table, lazy, "{}..{}", a, b);
                }
            }
        }
    }

    proptest::proptest! {
        /// The jump between `g`s finds the pair the word-by-word reading found, in windows
        /// that cut words and characters.
        #[test]
        fn according_to_equals_old(
            parts in proptest::collection::vec(proptest::sample::select(&[
                "according", "According", "ACCORDING", "accordin", "caccording", "accordingly",
                "to", "To", "too", "g", "G", " ", " ", "  ", ",", "\"", "\u{201c}", "\u{e9}",
                "\u{2019}", "-", "'", "said", "he", "Lavrov", "x",
            ][..]), 0..30),
            cuts in proptest::collection::vec((0usize..300, 0usize..300), 1..6),
        ) {
            let text: String = parts.concat();
            let n = text.len();
            for (a, b) in cuts {
                let (a, b) = char_window(&text, a.min(n), b.min(n));
                proptest::prop_assert_eq!(
                    last_according_to(&text, a, b),
                    last_according_to_old(&text, a, b)
                );
            }
        }
    }

    proptest::proptest! {
        /// Pairing from the article's mark offsets finds what the per-block memchr found,
        /// in every block and in spans that cut marks and characters.
        #[test]
        fn pairing_from_marks_equals_old(
            parts in proptest::collection::vec(proptest::sample::select(&[
                "\"", "\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}", "\u{2014}", "\u{2013}",
                "\u{9c}", "\u{1c}", "\u{71c}", "\u{f71d}", "(", "[", ":", "-", " ", " ", "\n",
                "a", "word", "said", "\u{e9}",
            ][..]), 0..40),
            cuts in proptest::collection::vec((0usize..200, 0usize..200), 1..6),
        ) {
            let prose: String = parts.concat();
            let marks = mark_bytes(&prose);
            let n = prose.len();
            for (a, b) in cuts {
                let (a, b) = char_window(&prose, a.min(n), b.min(n));
                let span = Span::new(a, b);
                let key = |q: &Quotation| (q.mark, q.open, q.close, q.after);
                let mut found = Vec::new();
                pair_marks(&prose, span, &marks, &mut found);
                let new: Vec<_> = found.iter().map(key).collect();
                let old: Vec<_> = pair_marks_old(&prose, span).iter().map(key).collect();
                proptest::prop_assert_eq!(new, old);
            }
        }
    }

    #[test]
    fn speech_verbs_are_sorted_lowercase_and_short() {
        assert!(SPEECH_VERBS.windows(2).all(|w| w[0] < w[1]));
        for verb in SPEECH_VERBS {
            assert!(!verb.is_empty() && verb.len() < 16, "{verb}");
            assert!(verb.bytes().all(|b| b.is_ascii_lowercase()), "{verb}");
        }
    }

    #[test]
    fn speech_verb_look_up_agrees_with_the_list() {
        let words = [
            "said",
            "SAID",
            "Said",
            "sai",
            "saidx",
            "according",
            "tweeted",
            "Tweeted",
            "",
            "s",
            "ţold",
            "told\u{2019}",
            "emphasizing",
            "emphasizinga",
            "He",
            "adds",
            "Adding",
        ];
        for word in words.iter().copied().chain(SPEECH_VERBS.iter().copied()) {
            assert_eq!(
                is_speech_verb(word),
                super::super::words::in_list(word, SPEECH_VERBS),
                "{word}"
            );
        }
    }

    /// The speech verb look-up before the `match`, kept to check it against.
    fn is_speech_verb_old(word: &str) -> bool {
        let lower = word.to_ascii_lowercase();
        SPEECH_VERBS
            .binary_search_by(|verb| verb.cmp(&lower.as_str()))
            .is_ok()
    }

    proptest::proptest! {
        /// The `match` accepts exactly the listed verbs, in any case.
        #[test]
        fn speech_verb_match_equals_the_list(
            verb in proptest::sample::select(SPEECH_VERBS),
            cut in 0usize..16,
            extra in "[a-zA-Z\u{e9}\u{2019}']{0,3}",
            upper in proptest::collection::vec(proptest::bool::ANY, 16),
            other in "[a-zA-Z\u{e9}]{0,16}",
        ) {
            let mut word: String = verb
                .chars()
                .zip(&upper)
                .map(|(c, &u)| if u { c.to_ascii_uppercase() } else { c })
                .collect();
            word.truncate(cut.min(word.len()));
            word.push_str(&extra);
            for w in [word.as_str(), verb, other.as_str()] {
                proptest::prop_assert_eq!(is_speech_verb(w), is_speech_verb_old(w), "{}", w);
            }
        }
    }

    #[test]
    fn lazy_words_match_word_spans() {
        let texts = [
            "",
            "   ",
            "Putin's aide, ex-minister 2025.",
            "\u{201c}Kyiv\u{201d} \u{2014} Zelenskyy\u{2019}s ré\u{ad}sumé, naïve \"quote\" end",
            "a",
            "word",
            " trailing-word",
            "Ünïcödé wörds ñ 東京 text,",
        ];
        for text in texts {
            for lo in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                for hi in (lo..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let expected = super::super::words::word_spans(&text[lo..hi], lo);
                    let forward: Vec<_> = Words::new(text, lo, hi).collect();
                    let mut backward: Vec<_> = Words::new(text, lo, hi).rev().collect();
                    backward.reverse();
                    assert_eq!(forward, expected, "{text:?} {lo}..{hi}");
                    assert_eq!(backward, expected, "{text:?} {lo}..{hi}");
                }
            }
        }
    }

    #[test]
    fn ascii_word_table_matches_is_word_char() {
        for b in 0u8..128 {
            assert_eq!(
                ASCII_WORD[usize::from(b)],
                is_word_char(char::from(b)),
                "{b}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn bounded_word_count_matches_split_whitespace_on_any_text(
            text in "[ab \t\n\r\u{b}\u{c}\u{1c}\u{1f}\u{7f}\u{a0}\u{e9}\u{2003}]{0,40}",
            max in 0usize..12,
        ) {
            proptest::prop_assert_eq!(count_words(&text, max), text.split_whitespace().take(max).count());
        }
    }

    #[test]
    fn bounded_word_count_matches_split_whitespace() {
        let texts = [
            "",
            "  ",
            "one",
            " one two ",
            "a\u{a0}b\u{2003}c\u{b}d\u{c}e\rf\ng",
            "we will  win, he said, again and again",
            "é è\u{3000}ü",
        ];
        for text in texts {
            for max in 0..8 {
                assert_eq!(
                    count_words(text, max),
                    text.split_whitespace().take(max).count(),
                    "{text:?} {max}"
                );
            }
        }
    }
}
