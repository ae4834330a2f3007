//! Sentence splitting within blocks. A sentence ends at `.`, `!` or `?` (with any closing
//! quotes or brackets after it) followed by white space and a capital, a digit or an opening
//! quote, or by the end of the block. It does not end after an abbreviation (U.S., Feb.,
//! Mr., Gen., St., No. ...) or an initial, nor inside a quotation that is still open.
//! One pass, linear in the block's length.

use super::{Block, Sentence};
use crate::extract::words::{CHUNK, chunk_at};
use crate::span::Span;

/// Words after which a period does not end a sentence (matched by [`is_listed_abbreviation`];
/// a test keeps the two the same).
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Adm", "Cmdr",
    "Gov", "Sen", "Rep", "Rev", "Hon", "Pres", "Amb", "St", "Mt", "Ft", "No", "Nos", "Vol", "Jr",
    "Sr", "Inc", "Corp", "Co", "Ltd", "vs", "etc", "approx", "Jan", "Feb", "Mar", "Apr", "Jun",
    "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mon", "Tue", "Tues", "Wed", "Thu", "Thurs",
    "Fri", "Sat", "Sun", "Ave", "Blvd", "Dept", "Univ", "Fig", "al", "cf", "e.g", "i.e",
];

/// Bit `b` set when some word of [`ABBREVIATIONS`] starts with the (ASCII) byte `b`: most
/// words before a period (lower case) are turned away before the list is compared.
const FIRST_BYTES: u128 = {
    let mut bits = 0u128;
    let mut i = 0;
    while i < ABBREVIATIONS.len() {
        bits |= 1 << ABBREVIATIONS[i].as_bytes()[0];
        i += 1;
    }
    bits
};

pub fn split(prose: &str, blocks: &[Block]) -> Vec<Sentence> {
    // about one sentence per 100 bytes of prose in news text: one allocation, mostly
    let mut sentences = Vec::with_capacity(prose.len() / 100 + blocks.len());
    for (index, block) in blocks.iter().enumerate() {
        let start = block.span.start as usize;
        let text = block.span.slice(prose);
        split_each(text, |s, e| {
            sentences.push(Sentence {
                span: Span::new(start + s, start + e),
                block: index as u32,
            });
        });
    }
    sentences
}

fn is_opening_quote(c: char) -> bool {
    matches!(c, '\u{201c}' | '\u{2018}' | '\u{ab}')
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '\u{201d}' | '\u{2019}' | '\u{bb}' | ')' | ']'
    )
}

/// The character at byte `i` (a character boundary) and its length; ASCII without decoding.
fn char_at(text: &str, i: usize) -> (char, usize) {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => (b as char, 1),
        Some(_) => text[i..]
            .chars()
            .next()
            .map_or((' ', 1), |c| (c, c.len_utf8())),
        None => (' ', 0),
    }
}

/// The next byte at or after `from` that the splitter must look at: a terminator, a straight
/// quote, or the first byte of `“`, `”`, `…` (0xE2) or `«` (0xC2); every other byte is
/// skipped without decoding. The text is read by [`CHUNK`]-byte chunks at multiples of
/// [`CHUNK`], each a bit mask of such bytes given by `mask(i)` for the chunk at `i` (bit `k`:
/// byte `i + k`; [`super::bits::sentence_stops`], or the masks the word table's walk kept),
/// whose bits are taken in turn: cheaper than a `memchr3` search from each stop, whose
/// set-up costs as much as a chunk.
struct Skipper<M: FnMut(usize) -> u32> {
    /// Where the current chunk starts (a multiple of [`CHUNK`]; `usize::MAX` before the
    /// first call).
    base: usize,
    /// The bytes of the chunk still to be taken (bit `k`: byte `base + k`).
    bits: u32,
    mask: M,
}

impl<M: FnMut(usize) -> u32> Skipper<M> {
    /// Before the first byte: the first call reads the chunk of `from`.
    fn new(mask: M) -> Skipper<M> {
        Skipper {
            base: usize::MAX,
            bits: 0,
            mask,
        }
    }

    #[inline]
    fn next(&mut self, len: usize, from: usize) -> Option<usize> {
        let base = from - from % CHUNK;
        if base != self.base {
            // another chunk (or the first call)
            self.base = base;
            self.bits = (self.mask)(base);
        }
        self.bits &= u32::MAX << (from - base);
        loop {
            if self.bits != 0 {
                return Some(self.base + self.bits.trailing_zeros() as usize);
            }
            self.base += CHUNK;
            if self.base >= len {
                return None;
            }
            self.bits = (self.mask)(self.base);
        }
    }
}

/// The bytes of the chunk at `i` where the splitter stops (see [`Skipper`]), as a bit mask.
#[inline(always)]
fn stops(bytes: &[u8], i: usize) -> u32 {
    super::bits::sentence_stops(&chunk_at(bytes, i))
}

/// [`Skipper::next`] by a search from `from`: the reference of the property test.
#[cfg(test)]
fn next_stop_reference(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| matches!(b, b'.' | b'"' | 0xE2 | b'!' | b'?' | 0xC2))
        .map(|p| from + p)
}

/// The character that ends just before byte `i` (a character boundary), or a space.
fn char_before(text: &str, i: usize) -> char {
    match text.as_bytes()[..i].last() {
        None => ' ',
        Some(&b) if b < 0x80 => b as char,
        Some(_) => text[..i].chars().next_back().unwrap_or(' '),
    }
}

/// Byte ranges of the sentences in `text`, trimmed of white space.
pub fn split_text(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    split_each(text, |s, e| out.push((s, e)));
    out
}

/// Calls `out(start, end)` for each sentence of `text`, in order, as [`split_text`] lists
/// them: no vector of its own per block.
fn split_each(text: &str, out: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    split_each_trimming::<false>(text, |i| stops(bytes, i), out);
}

/// [`split_each`] with the stop masks of `text`'s chunks already made (element `n`: the
/// chunk at byte `n * CHUNK`, as [`crate::extract::words::for_each_word_and_stops`] keeps
/// them): the sentences of a block, from the walk that also read its words.
pub(crate) fn split_with_stops(text: &str, stops: &[u32], out: impl FnMut(usize, usize)) {
    split_each_trimming::<false>(text, |i| stops.get(i / CHUNK).copied().unwrap_or(0), out);
}

/// [`split_each`]; with `TRIM_ALL` false a sentence that follows a split is not trimmed again:
/// the splitter skipped the white space before it, and it ends with its stop (a terminator or
/// a closing quote or bracket, never white space). With `TRIM_ALL` true every sentence is
/// trimmed: the reference of the property test.
fn split_each_trimming<const TRIM_ALL: bool>(
    text: &str,
    mask: impl FnMut(usize) -> u32,
    mut out: impl FnMut(usize, usize),
) {
    let len = text.len();
    let mut sentence_start = 0usize;
    // whether `sentence_start` is past the white space before it (at a split)
    let mut trimmed = false;
    let mut in_quote = false;
    let mut i = 0;
    let mut skipper = Skipper::new(mask);
    while i < len {
        // skip to the next byte that can matter; it is always a character boundary
        match skipper.next(len, i) {
            Some(next) => i = next,
            None => break,
        }
        let (c, c_len) = char_at(text, i);
        match c {
            '"' => {
                let prev = char_before(text, i);
                in_quote = prev.is_whitespace() || matches!(prev, '(' | '[' | '-' | '\u{2014}');
            }
            '\u{201c}' | '\u{ab}' => in_quote = true,
            '\u{201d}' => in_quote = false,
            '.' | '!' | '?' | '\u{2026}' => {
                // swallow a run of terminators and closing quotes/brackets
                let mut j = i + c_len;
                let mut closed_quote = false;
                while j < len {
                    let (n, n_len) = char_at(text, j);
                    if !(matches!(n, '.' | '!' | '?') || is_closing(n)) {
                        break;
                    }
                    closed_quote |= matches!(n, '"' | '\u{201d}');
                    j += n_len;
                }
                let end = j;
                let mut k = j;
                while k < len {
                    let (n, n_len) = char_at(text, k);
                    if !n.is_whitespace() {
                        break;
                    }
                    k += n_len;
                }
                let at_block_end = k >= len;
                let spaced = k > j || at_block_end;
                let (next, _) = char_at(text, k);
                let next_starts = !at_block_end
                    && (next.is_uppercase()
                        || next.is_ascii_digit()
                        || next == '"'
                        || is_opening_quote(next));
                let quote_ok = !in_quote || closed_quote;
                if spaced
                    && (next_starts || at_block_end)
                    && quote_ok
                    && !(c == '.' && is_abbreviation(text, i))
                {
                    if TRIM_ALL || !trimmed {
                        push_trimmed(text, sentence_start, end, &mut out);
                    } else {
                        // `sentence_start` < `i` < `end`: never empty
                        out(sentence_start, end);
                    }
                    // the next sentence starts past the white space
                    sentence_start = if TRIM_ALL { end } else { k };
                    trimmed = true;
                    if closed_quote {
                        in_quote = false;
                    }
                    i = k;
                    continue;
                }
                if closed_quote {
                    in_quote = false;
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += c_len;
    }
    push_trimmed(text, sentence_start, len, &mut out);
}

#[inline]
fn push_trimmed(text: &str, start: usize, end: usize, out: &mut impl FnMut(usize, usize)) {
    let range = super::trim_range(text.get(start..end).unwrap_or(""));
    if !range.is_empty() {
        out(start + range.start, start + range.end);
    }
}

/// Whether the period at `dot` ends an abbreviation or an initial rather than a sentence (as
/// [`is_abbreviation_reference`]). An ASCII word is read backwards from the period once, its
/// start found and its dotted parts measured in the same walk; a word with a non-ASCII byte
/// goes to the reference.
fn is_abbreviation(text: &str, dot: usize) -> bool {
    let Some(before) = text.as_bytes().get(..dot) else {
        return false;
    };
    let mut k = dot;
    let mut has_dot = false;
    // the bytes of the dotted part being read, and of the longest one
    let mut part = 0usize;
    let mut longest = 0usize;
    while k > 0 {
        let b = before[k - 1];
        if b >= 0x80 {
            return is_abbreviation_reference(text, dot);
        }
        // where [`word_start`] stops
        if matches!(
            b,
            b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b'(' | b'"'
        ) {
            break;
        }
        if b == b'.' {
            has_dot = true;
            longest = longest.max(part);
            part = 0;
        } else {
            part += 1;
        }
        k -= 1;
    }
    longest = longest.max(part);
    let word = &before[k..];
    match word {
        [] => false,
        // an initial
        [b] if b.is_ascii_uppercase() => true,
        // dotted: every part of two characters or fewer ("U.S", "a.m", "D.C")
        _ if has_dot && longest <= 2 => true,
        _ => {
            (2..=6).contains(&word.len())
                && (FIRST_BYTES >> word[0]) & 1 != 0
                && text.get(k..dot).is_some_and(is_listed_abbreviation)
        }
    }
}

/// Whether the period at `dot` ends an abbreviation or an initial rather than a sentence.
fn is_abbreviation_reference(text: &str, dot: usize) -> bool {
    let before = text.get(..dot).unwrap_or("");
    let word = before.get(word_start(before)..).unwrap_or("");
    if word.is_empty() {
        return false;
    }
    // initials and dotted abbreviations: "J.", "U.S", "a.m", "D.C"
    let mut chars = word.chars();
    if let (Some(first), None) = (chars.next(), chars.next())
        && first.is_uppercase()
    {
        return true;
    }
    if word.bytes().any(|b| b == b'.') && word.split('.').all(|p| p.chars().count() <= 2) {
        return true;
    }
    // every listed abbreviation has two to six letters and an ASCII first letter in
    // FIRST_BYTES: most words are turned away before the list is compared
    (2..=6).contains(&word.len())
        && word
            .as_bytes()
            .first()
            .is_some_and(|&b| b < 128 && (FIRST_BYTES >> b) & 1 != 0)
        && is_listed_abbreviation(word)
}

/// Where the word that ends `before` starts: after the last white space, `(`, `"`, `“` or
/// `—`. ASCII bytes are read backwards without decoding; from the last non-ASCII character
/// on, as [`word_start_reference`].
#[inline]
fn word_start(before: &str) -> usize {
    let bytes = before.as_bytes();
    let mut k = bytes.len();
    while k > 0 {
        let b = bytes[k - 1];
        if b >= 0x80 {
            return word_start_reference(before.get(..k).unwrap_or(""));
        }
        // the ASCII characters of `char::is_whitespace`, and the ASCII stops
        if matches!(
            b,
            b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b'(' | b'"'
        ) {
            return k;
        }
        k -= 1;
    }
    0
}

/// [`word_start`] by decoding every character.
fn word_start_reference(before: &str) -> usize {
    before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '\u{201c}' | '\u{2014}'))
        .map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        })
}

/// Whether `word` is in [`ABBREVIATIONS`]: a `match`, which compares lengths before bytes.
fn is_listed_abbreviation(word: &str) -> bool {
    matches!(
        word,
        "Mr" | "Mrs"
            | "Ms"
            | "Dr"
            | "Prof"
            | "Gen"
            | "Lt"
            | "Col"
            | "Maj"
            | "Capt"
            | "Sgt"
            | "Adm"
            | "Cmdr"
            | "Gov"
            | "Sen"
            | "Rep"
            | "Rev"
            | "Hon"
            | "Pres"
            | "Amb"
            | "St"
            | "Mt"
            | "Ft"
            | "No"
            | "Nos"
            | "Vol"
            | "Jr"
            | "Sr"
            | "Inc"
            | "Corp"
            | "Co"
            | "Ltd"
            | "vs"
            | "etc"
            | "approx"
            | "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Sept"
            | "Oct"
            | "Nov"
            | "Dec"
            | "Mon"
            | "Tue"
            | "Tues"
            | "Wed"
            | "Thu"
            | "Thurs"
            | "Fri"
            | "Sat"
            | "Sun"
            | "Ave"
            | "Blvd"
            | "Dept"
            | "Univ"
            | "Fig"
            | "al"
            | "cf"
            | "e.g"
            | "i.e"
    )
}

#[cfg(test)]
mod tests {
    use super::split_text;

    fn sentences(text: &str) -> Vec<&str> {
        split_text(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn splits_at_sentence_ends() {
        assert_eq!(
            sentences("Rubio met Lavrov. They talked! Why? 2025 was busy."),
            [
                "Rubio met Lavrov.",
                "They talked!",
                "Why?",
                "2025 was busy."
            ]
        );
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        assert_eq!(
            sentences(
                "The U.S. team met on Feb. 18 with Mr. Lavrov and Gen. Smith at St. Regis, No. 5. Donald J. Trump called."
            ),
            [
                "The U.S. team met on Feb. 18 with Mr. Lavrov and Gen. Smith at St. Regis, No. 5.",
                "Donald J. Trump called."
            ]
        );
    }

    #[test]
    fn quotations_stay_together() {
        assert_eq!(
            sentences("\"This is one. And two,\" Rubio said. Then he left."),
            ["\"This is one. And two,\" Rubio said.", "Then he left."]
        );
        assert_eq!(
            sentences("Rubio said: \u{201c}It went well. Very well.\u{201d} Lavrov agreed."),
            [
                "Rubio said: \u{201c}It went well. Very well.\u{201d}",
                "Lavrov agreed."
            ]
        );
        assert_eq!(
            sentences("He said \"we are done.\" Then left."),
            ["He said \"we are done.\"", "Then left."]
        );
    }

    #[test]
    fn the_abbreviation_match_is_the_list() {
        for word in super::ABBREVIATIONS {
            assert!(super::is_listed_abbreviation(word), "{word}");
        }
        for word in ["M", "Mrs.", "mr", "Sept.", "Thursday", "e", "eg", ""] {
            assert!(!super::is_listed_abbreviation(word), "{word}");
        }
    }

    #[test]
    fn word_starts_agree_with_the_reference() {
        for before in [
            "",
            "U",
            "the U.S",
            "(Feb",
            "\"Mr",
            "\u{201c}Dr",
            "a\u{2014}St",
            "x\u{a0}Gen",
            "caf\u{e9} Col",
            "\u{e9}t\u{e9}",
            "a\u{2003}b",
            "\u{201c}",
            "a\u{85}",
        ] {
            assert_eq!(
                super::word_start(before),
                super::word_start_reference(before),
                "{before:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn word_start_agrees_with_the_reference(
            before in "[A-Za-z. (\"\t\n\u{a0}\u{e9}\u{201c}\u{201d}\u{2014}\u{2003}\u{85}]{0,16}"
        ) {
            proptest::prop_assert_eq!(
                super::word_start(&before),
                super::word_start_reference(&before)
            );
        }

        #[test]
        fn word_start_agrees_on_any_text(before in "\\PC{0,24}") {
            proptest::prop_assert_eq!(
                super::word_start(&before),
                super::word_start_reference(&before)
            );
        }
    }

    /// The abbreviation test on the word before a period appended to `before`.
    fn abbreviations_agree(before: &str) {
        let text = format!("{before}. Next");
        assert_eq!(
            super::is_abbreviation(&text, before.len()),
            super::is_abbreviation_reference(&text, before.len()),
            "{before:?}"
        );
    }

    #[test]
    fn abbreviation_examples_agree_with_the_reference() {
        for before in [
            "",
            ".",
            "U",
            "u",
            "the U.S",
            "a.m",
            "(Feb",
            "\"Mr",
            "Mrs",
            "abc.def",
            "J",
            "D.C",
            "x \u{e9}",
            "\u{c9}",
            "caf\u{e9} St",
            "\u{201c}Dr",
            "e.g",
            "i.e",
            "approx",
            "Thurs",
            "etc.",
            "..",
            "A.BCD",
        ] {
            abbreviations_agree(before);
        }
    }

    proptest::proptest! {
        #[test]
        fn abbreviations_agree_with_the_reference(
            before in "[A-Za-z. (\"\t\n\u{e9}\u{c9}\u{201c}\u{2014}]{0,12}(Mr|St|Feb|e.g|U.S|approx|Co)?"
        ) {
            abbreviations_agree(&before);
        }

        #[test]
        fn abbreviations_agree_on_any_text(before in "\\PC{0,16}") {
            abbreviations_agree(&before);
        }
    }

    /// The stops the skipper finds from each start, with the steps of the splitter (from
    /// each stop, the next search starts one byte or a few bytes on), are those of a search.
    fn stops_agree(text: &[u8]) {
        for first in 0..=text.len() {
            for step in [1, 2, 5, 40] {
                let mut skipper = super::Skipper::new(|i| super::stops(text, i));
                let mut from = first;
                loop {
                    let fast = skipper.next(text.len(), from);
                    assert_eq!(
                        fast,
                        super::next_stop_reference(text, from),
                        "{text:?} {from}"
                    );
                    match fast {
                        Some(at) => from = at + step,
                        None => break,
                    }
                }
            }
        }
    }

    #[test]
    fn stop_examples_agree_with_the_reference() {
        let long = format!(
            "{}.{}\u{201c}x!{}?",
            "a".repeat(31),
            " ".repeat(40),
            "b".repeat(64)
        );
        for text in [
            "",
            ".",
            "abc",
            "a.b\"c",
            "\u{ab}\u{2026}\u{e9}",
            long.as_str(),
        ] {
            stops_agree(text.as_bytes());
        }
    }

    proptest::proptest! {
        #[test]
        fn sentences_agree_with_the_trimming_reference(
            text in "([A-Za-z]{1,4}|[ \t\n]{1,2}|[.!?\"')\\]]|Dr\\.|\u{a0}|\u{2003}|\u{201c}|\u{201d}|\u{2026}|\u{ab}|\u{bb}|1|\\PC){0,30}"
        ) {
            let mut a = Vec::new();
            super::split_each(&text, |s, e| a.push((s, e)));
            let mut b = Vec::new();
            let bytes = text.as_bytes();
            super::split_each_trimming::<true>(&text, |i| super::stops(bytes, i), |s, e| b.push((s, e)));
            proptest::prop_assert_eq!(a, b);
        }

        #[test]
        fn one_walk_agrees_with_two(
            text in "([A-Za-z]{1,4}|[ \t\n]{1,2}|[.!?\"'-)\\]]|Dr\\.|\u{a0}|\u{e9}|\u{201c}|\u{201d}|\u{2019}|\u{2026}|\u{ab}|\u{bb}|1|\\PC){0,60}"
        ) {
            one_walk_agrees(&text);
        }

        #[test]
        fn stops_agree_with_the_reference(
            text in "[a .!?\"\u{201c}\u{201d}\u{ab}\u{e9}]{0,80}"
        ) {
            stops_agree(text.as_bytes());
        }
    }

    /// The words and sentences of one walk ([`crate::extract::words::for_each_word_and_stops`]
    /// and [`super::split_with_stops`]) are those of the word table's and the splitter's own
    /// walks.
    fn one_walk_agrees(text: &str) {
        let mut stops = vec![7];
        stops.clear();
        let mut words = Vec::new();
        crate::extract::words::for_each_word_and_stops(text, &mut stops, |s, e| words.push((s, e)));
        let mut sentences = Vec::new();
        super::split_with_stops(text, &stops, |s, e| sentences.push((s, e)));
        let mut alone = Vec::new();
        crate::extract::words::for_each_word(text, |s, e| alone.push((s, e)));
        assert_eq!(words, alone, "{text:?}");
        assert_eq!(sentences, split_text(text), "{text:?}");
    }

    #[test]
    fn one_walk_examples() {
        let long = format!(
            "{}. He{}\u{201c}x!{}? Dr. No\u{2026} \u{e9}t\u{e9}. \"Q.\" Z",
            "a".repeat(31),
            " ".repeat(40),
            "b".repeat(64)
        );
        for text in ["", ".", "A. B", "x\u{201d}. Y", long.as_str()] {
            one_walk_agrees(text);
        }
    }

    #[test]
    fn lowercase_after_a_period_does_not_split() {
        assert_eq!(
            sentences("It cost 3.5 billion. ok then."),
            ["It cost 3.5 billion. ok then."]
        );
    }
}
