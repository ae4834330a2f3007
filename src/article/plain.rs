//! Plain-text articles: the first line is the headline, short title-like lines standing alone
//! are headings, `•`, `-` and `*` lines are list items, and other runs of lines are paragraphs.

use super::{Block, BlockKind, Comment, Mask, trim_range};
use crate::span::Span;

/// Reads the body from `body_start`; `line_starts` are the text's (as
/// [`crate::span::LineIndex`] has them), so the lines are not searched for again.
pub(crate) fn read(
    text: &str,
    body_start: usize,
    line_starts: &[u32],
    prose: &mut Mask,
    blocks: &mut Vec<Block>,
    comments: &mut Vec<Comment>,
) {
    let lines: Vec<(usize, &str)> = match u32::try_from(body_start)
        .ok()
        .and_then(|start| line_starts.binary_search(&start).ok())
    {
        Some(first) => {
            let starts = &line_starts[first..];
            let mut lines = Vec::with_capacity(starts.len());
            lines.extend(lines_at(text, starts));
            lines
        }
        // the body does not start a line (front matter that ends the text): search
        None => lines(text, body_start).collect(),
    };
    // the trimmed range of the next line, when the look-ahead for a standalone line has
    // computed it
    let mut next_trimmed: Option<std::ops::Range<usize>> = None;
    let mut paragraph: Option<Span> = None;
    let mut first = true;
    let push = |kind: BlockKind, span: Span, blocks: &mut Vec<Block>| {
        blocks.push(Block {
            kind,
            span,
            headline: false,
            quoted: false,
        });
    };
    for (i, &(offset, line)) in lines.iter().enumerate() {
        let trimmed = next_trimmed.take().unwrap_or_else(|| trim_range(line));
        let lead = trimmed.start;
        let content = line.get(trimmed).unwrap_or("");
        if content.is_empty() {
            if let Some(p) = paragraph.take() {
                push(BlockKind::Paragraph, p, blocks);
            }
            continue;
        }
        let span = Span::new(offset + lead, offset + lead + content.len());
        // a line that is an HTML comment (suppressions, test annotations) is not prose
        // (`<!--->` is not one: its marks overlap)
        if let Some(body) = content
            .strip_prefix("<!--")
            .and_then(|rest| rest.strip_suffix("-->"))
        {
            if let Some(p) = paragraph.take() {
                push(BlockKind::Paragraph, p, blocks);
            }
            comments.push(Comment {
                span,
                body: body.trim().to_string(),
            });
            continue;
        }
        if let Some(item) = list_item(content) {
            if let Some(p) = paragraph.take() {
                push(BlockKind::Paragraph, p, blocks);
            }
            let item_span = Span::new(span.end as usize - item.len(), span.end as usize);
            prose.show(text, item_span);
            push(BlockKind::ListItem, item_span, blocks);
            first = false;
            continue;
        }
        prose.show(text, span);
        let standalone = paragraph.is_none() && {
            let next = lines.get(i + 1).map(|(_, l)| trim_range(l));
            let blank = next.as_ref().is_none_or(|r| r.is_empty());
            next_trimmed = next;
            blank
        };
        // The first line is the headline, unless it reads like body text: a long line that
        // ends with a period (a plain-text export that starts with the first paragraph).
        let headline = first && looks_like_a_headline(content);
        first = false;
        if headline || (standalone && is_title_like(content)) {
            if let Some(p) = paragraph.take() {
                push(BlockKind::Paragraph, p, blocks);
            }
            push(BlockKind::Heading, span, blocks);
            continue;
        }
        paragraph = Some(paragraph.map_or(span, |p| p.to(span)));
    }
    if let Some(p) = paragraph {
        push(BlockKind::Paragraph, p, blocks);
    }
}

/// Whether a first line can be a headline: not a long line that ends like a sentence, not a
/// line that introduces what follows (`... :`), and not more than a headline's length.
/// Plain-text exports often start with the first paragraph instead.
fn looks_like_a_headline(line: &str) -> bool {
    let end = line.trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')']);
    // a line that introduces what follows is body text whatever its length
    if end.ends_with(':') {
        return false;
    }
    // past 6 words a line that ends with a period is body text, and past 25 words any line:
    // the words are counted only that far (a first line may be a whole article)
    let cap = if end.ends_with('.') { 7 } else { 26 };
    if words_to(line, cap) >= cap {
        return false;
    }
    // at least two real words: share counters and bylines are not headlines (25 words or
    // fewer here, so all are counted)
    let (_, real_words) = headline_word_counts(line);
    real_words >= 2 && !is_byline_or_credit(line) && !is_place_dateline(line)
}

/// The words of `line` (split at white space, as `str::split_whitespace`), counted to `cap`
/// only: ASCII bytes without decoding.
fn words_to(line: &str, cap: usize) -> usize {
    let bytes = line.as_bytes();
    let mut words = 0usize;
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let space = if b < 0x80 {
            i += 1;
            // the ASCII characters of `char::is_whitespace`
            matches!(b, b'\t'..=b'\r' | b' ')
        } else {
            let c = line
                .get(i..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or(' ');
            i += c.len_utf8();
            c.is_whitespace()
        };
        if space {
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
            if words >= cap {
                break;
            }
        }
    }
    words
}

/// For [`looks_like_a_headline`], in one pass over the characters (ASCII without decoding):
/// the words of `line` (split at white space) counted to 26, and the real words among them
/// (three letters or more, no ASCII digit), which are all counted when there are 25 words or
/// fewer.
fn headline_word_counts(line: &str) -> (usize, usize) {
    let mut words = 0usize;
    let mut real = 0usize;
    let mut in_word = false;
    let mut letters = 0usize;
    let mut digit = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        let c = match bytes.get(i) {
            None => ' ',
            Some(&b) if b < 0x80 => b as char,
            Some(_) => line
                .get(i..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or(' '),
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            if in_word && letters >= 3 && !digit {
                real += 1;
            }
            in_word = false;
            continue;
        }
        if !in_word {
            in_word = true;
            words += 1;
            if words > 25 {
                return (26, real);
            }
            letters = 0;
            digit = false;
        }
        letters += usize::from(c.is_alphabetic());
        digit |= c.is_ascii_digit();
    }
    (words, real)
}

/// `By: Press Trust of India | New Delhi`, `John Moore / Getty Images`: a byline or a photo
/// credit, where a plain-text export may start.
fn is_byline_or_credit(line: &str) -> bool {
    if line.is_ascii() {
        // ASCII text lowercases byte for byte: the same tests without the lowercase copy
        let b = line.as_bytes();
        let starts = |p: &[u8]| b.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
        return starts(b"by ")
            || starts(b"by:")
            || (0..b.len()).any(|j| {
                // one pass: each credit tested only where its first letter is
                let at = |p: &[u8]| {
                    b.get(j..j + p.len())
                        .is_some_and(|s| s.eq_ignore_ascii_case(p))
                };
                match b[j] | 0x20 {
                    b'g' => at(b"getty images"),
                    b'a' => at(b"ap photo"),
                    b'p' => at(b"photo:") || at(b"photograph:"),
                    b'i' => at(b"image:"),
                    _ => false,
                }
            });
    }
    let lower = line.to_lowercase();
    lower.starts_with("by ")
        || lower.starts_with("by:")
        || [
            "getty images",
            "ap photo",
            "photo:",
            "photograph:",
            "image:",
        ]
        .iter()
        .any(|credit| lower.contains(credit))
}

/// A wire dateline without a date, at the start of the text: `BAGHDAD -`, `NORTH HOLLYWOOD,
/// California -`, `Abuja (AFP) -`. The place is in capitals, or an agency follows it.
static PLACE_DATELINE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    #[allow(clippy::expect_used, reason = "a constant pattern, compiled by every test")]
    regex::Regex::new(
        r"^(?:[A-Z]{2}[A-Z.'\- ]*[A-Z.]|[A-Z][\w.'\-]*(?: [A-Z][\w.'\-]*)* \([A-Za-z. ]{2,25}\))(?:, [A-Z][\w.']*(?: [A-Z][\w.']*)*)? ?[-\u{2013}\u{2014}]+(?:\s|$)",
    )
    .expect("a valid pattern")
});

/// Whether [`PLACE_DATELINE`] matches `line`, by hand so that the pattern (whose Unicode `\w`
/// is costly to compile) is built only for a line the hand matcher cannot decide: one with a
/// character of 0x80 or above that [`non_ascii_word`] does not know where `\w` is tested.
fn is_place_dateline(line: &str) -> bool {
    place_dateline_ascii(line).unwrap_or_else(|| PLACE_DATELINE.is_match(line))
}

/// [`PLACE_DATELINE`] matched by hand: `None` when a character of 0x80 or above has to be
/// classified that [`non_ascii_word`] does not know. Every part of the pattern after its place
/// alternatives is deterministic (a word of `[\w.']` ends only where a space or a dash can
/// follow, that is at the end of its run), so each end of the place is tried in turn.
fn place_dateline_ascii(line: &str) -> Option<bool> {
    let b = line.as_bytes();
    let upper = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
    if !upper(0) {
        return Some(false);
    }
    // the ends of `[A-Z]{2}[A-Z.'\- ]*[A-Z.]`
    if upper(1) {
        let mut k = 2;
        while k < b.len() && matches!(b[k], b'A'..=b'Z' | b'.' | b'\'' | b'-' | b' ') {
            k += 1;
            if matches!(b[k - 1], b'A'..=b'Z' | b'.') && after_place(line, k)? {
                return Some(true);
            }
        }
    }
    // the end of `[A-Z][\w.'\-]*(?: [A-Z][\w.'\-]*)* \([A-Za-z. ]{2,25}\)`
    let mut i = 0;
    loop {
        // a word that starts with a capital (checked)
        i += 1;
        while let Some(&c) = b.get(i) {
            if c >= 0x80 {
                match non_ascii_word(line, i)? {
                    Some(len) => {
                        i += len;
                        continue;
                    }
                    None => break,
                }
            }
            if !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'\'' | b'-')) {
                break;
            }
            i += 1;
        }
        if b.get(i) != Some(&b' ') {
            return Some(false);
        }
        i += 1;
        if upper(i) {
            continue;
        }
        if b.get(i) != Some(&b'(') {
            return Some(false);
        }
        let start = i + 1;
        let mut k = start;
        while k < b.len() && matches!(b[k], b'A'..=b'Z' | b'a'..=b'z' | b'.' | b' ') {
            k += 1;
        }
        if !(2..=25).contains(&(k - start)) || b.get(k) != Some(&b')') {
            return Some(false);
        }
        return after_place(line, k + 1);
    }
}

/// For [`place_dateline_ascii`]: whether `(?:, [A-Z][\w.']*(?: [A-Z][\w.']*)*)? ?[-\u{2013}\u{2014}]+(?:\s|$)`
/// matches at byte `i` of `line`; `None` as for [`place_dateline_ascii`].
fn after_place(line: &str, mut i: usize) -> Option<bool> {
    let b = line.as_bytes();
    let upper = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
    if b.get(i) == Some(&b',') {
        // the optional region: `, ` and words that start with a capital, one space apart
        if b.get(i + 1) != Some(&b' ') || !upper(i + 2) {
            return Some(false);
        }
        i += 2;
        loop {
            i += 1;
            while let Some(&c) = b.get(i) {
                if c >= 0x80 {
                    match non_ascii_word(line, i)? {
                        Some(len) => {
                            i += len;
                            continue;
                        }
                        None => break,
                    }
                }
                if !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'\'')) {
                    break;
                }
                i += 1;
            }
            if b.get(i) == Some(&b' ') && upper(i + 1) {
                i += 1;
                continue;
            }
            break;
        }
    }
    if b.get(i) == Some(&b' ') {
        i += 1;
    }
    // one dash or more: `-`, en dash (E2 80 93) and em dash (E2 80 94)
    let dashes = i;
    loop {
        match b.get(i..) {
            Some([b'-', ..]) => i += 1,
            Some([0xe2, 0x80, 0x93 | 0x94, ..]) => i += 3,
            _ => break,
        }
    }
    if i == dashes {
        return Some(false);
    }
    match b.get(i) {
        None => Some(true),
        Some(&c) if c < 0x80 => Some(matches!(c, b'\t'..=b'\r' | b' ')),
        // Unicode White_Space, as the pattern's `\s`
        Some(_) => Some(line.get(i..)?.chars().next()?.is_whitespace()),
    }
}

/// For [`place_dateline_ascii`]: whether the character at byte `i` of `line` (0x80 or above)
/// is in the pattern's `\w`, with its length when it is: `Some(Some(len))` for a Latin, Greek
/// or Cyrillic letter (Alphabetic is part of `\w`), `Some(None)` for the Latin-1 signs and the general
/// punctuation (curly quotes, dashes, ellipsis; no word character among them), `None` for a
/// character it does not know.
fn non_ascii_word(line: &str, i: usize) -> Option<Option<usize>> {
    let c = line.get(i..)?.chars().next()?;
    // letters of Latin, Greek and Cyrillic only: their letters are in every Unicode version the
    // pattern's tables and `char` may differ by
    if c <= '\u{52f}' && c.is_alphabetic() {
        Some(Some(c.len_utf8()))
    } else if matches!(c, '\u{a0}'..='\u{bf}' | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{203e}') {
        Some(None)
    } else {
        None
    }
}

/// The text of a list item line after its marker.
fn list_item(line: &str) -> Option<&str> {
    for marker in ["•", "-", "*", "–", "◦", "▪"] {
        if let Some(rest) = line.strip_prefix(marker)
            && rest.starts_with([' ', '\t'])
        {
            let item = rest.trim_start();
            return (!item.is_empty()).then_some(item);
        }
    }
    None
}

/// A short line in title case that does not end like a sentence: a heading.
pub(crate) fn is_title_like(line: &str) -> bool {
    // the cheap tests first: most lines are paragraphs, long or ending like a sentence
    if line.len() > 120 * 4 {
        return false;
    }
    if ends_like_a_sentence(line) {
        return false;
    }
    if !title_case(line)
        || (line.len() > 120 && line.chars().count() > 120)
        || is_byline_or_credit(line)
        || is_place_dateline(line)
    {
        return false;
    }
    true
}

/// For [`is_title_like`]: whether `line` ends with `.`, `,`, `;`, `:`, `!` or `?` before any
/// closing quotes and brackets (`"`, `'`, `”`, `’`, `)`), as [`ends_like_a_sentence_reference`],
/// reading bytes backwards: the closing marks are ASCII or the three bytes of `”` (E2 80 9D)
/// and `’` (E2 80 99), and the stops ASCII.
fn ends_like_a_sentence(line: &str) -> bool {
    let mut b = line.as_bytes();
    loop {
        match b {
            [rest @ .., b'"' | b'\'' | b')'] => b = rest,
            [rest @ .., 0xE2, 0x80, 0x9D | 0x99] => b = rest,
            [.., last] => return matches!(last, b'.' | b',' | b';' | b':' | b'!' | b'?'),
            [] => return false,
        }
    }
}

/// [`ends_like_a_sentence`] with `str`'s trimming: the reference of the tests.
#[cfg(test)]
fn ends_like_a_sentence_reference(line: &str) -> bool {
    line.trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')'])
        .ends_with(['.', ',', ';', ':', '!', '?'])
}

/// For [`is_title_like`]: whether `line` has one to 16 words (split at white space), some of
/// them of four letters or more, and at least three quarters of those with a capital first
/// letter. One pass over the characters, ASCII without decoding, that stops as soon as the
/// answer is no: past 16 words, or when so many long words are in lower case that the words
/// left (to 16) could not make up for them, which the first words of most paragraphs tell.
fn title_case(line: &str) -> bool {
    let mut words = 0usize;
    let mut long = 0usize;
    let mut capitalized = 0usize;
    let mut in_word = false;
    let mut letters = 0usize;
    let mut first_upper = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        let class = match bytes.get(i) {
            None => {
                i += 1;
                SPACE
            }
            Some(&b) if b < 0x80 => {
                i += 1;
                ASCII_CLASS[b as usize]
            }
            Some(_) => {
                let c = line
                    .get(i..)
                    .and_then(|rest| rest.chars().next())
                    .unwrap_or(' ');
                i += c.len_utf8();
                char_class(c)
            }
        };
        if class == SPACE {
            if in_word && letters >= 4 {
                long += 1;
                capitalized += usize::from(first_upper);
                // at best the words left are all long and capitalized: `left` more of each
                let left = 16 - words;
                if (capitalized + left) * 4 < (long + left) * 3 {
                    return false;
                }
            }
            in_word = false;
            continue;
        }
        if !in_word {
            in_word = true;
            words += 1;
            if words > 16 {
                return false;
            }
            letters = 0;
        }
        if class >= LOWER {
            if letters == 0 {
                first_upper = class == UPPER;
            }
            letters += 1;
        }
    }
    words > 0 && long > 0 && capitalized * 4 >= long * 3
}

/// The classes of characters for [`title_case`]: white space, other, and letters (lower
/// case, which is every letter that is not upper case, and upper case).
const OTHER: u8 = 0;
const SPACE: u8 = 1;
const LOWER: u8 = 2;
const UPPER: u8 = 3;

/// [`char_class`] of every ASCII character.
static ASCII_CLASS: [u8; 128] = {
    let mut t = [OTHER; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b'\t'..=b'\r' | b' ' => SPACE,
            b'a'..=b'z' => LOWER,
            b'A'..=b'Z' => UPPER,
            _ => OTHER,
        };
        b += 1;
    }
    t
};

/// The class of `c` for [`title_case`]. Dashes, curly quotes, bullets and the ellipsis
/// (`U+2010..=U+2027`) are told without the Unicode tables (a test compares every character
/// with [`char_class_reference`]).
fn char_class(c: char) -> u8 {
    if ('\u{2010}'..='\u{2027}').contains(&c) {
        return OTHER;
    }
    char_class_reference(c)
}

/// [`char_class`] from the Unicode tables alone.
fn char_class_reference(c: char) -> u8 {
    if c.is_whitespace() {
        SPACE
    } else if !c.is_alphabetic() {
        OTHER
    } else if c.is_uppercase() {
        UPPER
    } else {
        LOWER
    }
}

/// The word counts of [`is_title_like`] the simple way: words, words of four letters or more,
/// and those of them whose first letter is a capital; `None` past 16 words.
#[cfg(test)]
fn title_counts_reference(line: &str) -> Option<(usize, usize, usize)> {
    let mut words = 0usize;
    let mut long = 0usize;
    let mut capitalized = 0usize;
    for w in line.split_whitespace() {
        words += 1;
        if words > 16 {
            return None;
        }
        if w.chars().filter(|c| c.is_alphabetic()).count() >= 4 {
            long += 1;
            if w.chars()
                .find(|c| c.is_alphabetic())
                .is_some_and(char::is_uppercase)
            {
                capitalized += 1;
            }
        }
    }
    Some((words, long, capitalized))
}

/// [`title_case`] from the counts of [`title_counts_reference`].
#[cfg(test)]
fn title_case_reference(line: &str) -> bool {
    title_counts_reference(line).is_some_and(|(words, long, capitalized)| {
        words > 0 && long > 0 && capitalized * 4 >= long * 3
    })
}

/// The lines that start at `starts` (line starts of `text`, in order, as
/// [`crate::span::LineIndex`] has them), with their offsets, without line endings: what
/// [`lines`] finds from the first of them, without searching. A start at the end of the text
/// (after a final line break) is no line.
fn lines_at<'t>(text: &'t str, starts: &'t [u32]) -> impl Iterator<Item = (usize, &'t str)> + 't {
    let bytes = text.as_bytes();
    // the starts are in order: those before the end of the text are a prefix (and a range of
    // known length extends a vector without a check per line)
    let count = starts.partition_point(|&s| (s as usize) < text.len());
    starts[..count].iter().enumerate().map(move |(k, &s)| {
        let s = s as usize;
        let end = match starts.get(k + 1) {
            // the line break before the next line: `\n`, `\r\n` or a lone `\r`
            Some(&next) => {
                let next = next as usize;
                if next >= s + 2 && bytes.get(next - 2..next) == Some(b"\r\n") {
                    next - 2
                } else {
                    next.saturating_sub(1).max(s)
                }
            }
            None => text.len(),
        };
        (s, text.get(s..end).unwrap_or(""))
    })
}

/// Lines from `start`, with their offsets, without line endings (`\n`, `\r\n`, lone `\r`).
fn lines(text: &str, start: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let rest = &text[pos..];
        let len = memchr::memchr2(b'\n', b'\r', rest.as_bytes()).unwrap_or(rest.len());
        let line = (pos, &rest[..len]);
        pos += len;
        if text[pos..].starts_with("\r\n") {
            pos += 2;
        } else if pos < text.len() {
            pos += 1;
        }
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    use super::{
        headline_word_counts, is_title_like, lines, lines_at, looks_like_a_headline, title_case,
        title_case_reference,
    };
    use crate::span::LineIndex;

    /// The counts of [`headline_word_counts`] the simple way: words (to 26) and real words.
    fn headline_word_counts_reference(line: &str) -> (usize, usize) {
        let words = line.split_whitespace().take(26).count();
        let real_words = line
            .split_whitespace()
            .filter(|w| {
                w.chars().filter(|c| c.is_alphabetic()).count() >= 3
                    && !w.chars().any(|c| c.is_ascii_digit())
            })
            .count();
        (words, real_words)
    }

    fn headline_counts_agree(line: &str) {
        assert_eq!(
            super::words_to(line, 26),
            line.split_whitespace().take(26).count(),
            "{line:?}"
        );
        let (words, real) = headline_word_counts(line);
        let (ref_words, ref_real) = headline_word_counts_reference(line);
        assert_eq!(words, ref_words, "{line:?}");
        if words <= 25 {
            assert_eq!(real, ref_real, "{line:?}");
        }
    }

    /// Every line of `text` from each line start, found with the line index and by search.
    fn lines_agree(text: &str) {
        let index = LineIndex::new(text);
        let starts = index.line_starts();
        for k in 0..starts.len() {
            let fast: Vec<_> = lines_at(text, &starts[k..]).collect();
            let slow: Vec<_> = lines(text, starts[k] as usize).collect();
            assert_eq!(fast, slow, "{text:?} from {}", starts[k]);
        }
    }

    #[test]
    fn ascii_classes_are_char_classes() {
        for b in 0..128u8 {
            assert_eq!(
                super::ASCII_CLASS[b as usize],
                super::char_class(b as char),
                "{b}"
            );
        }
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(
                super::char_class(c),
                super::char_class_reference(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn headline_counts_and_lines_examples() {
        for line in [
            "",
            " ",
            "Kim Jong Un dead?",
            "3 shares 12 comments",
            "a\u{a0}b\u{2003}cde fgh2 \u{e9}t\u{e9} \u{201c}Yes\u{201d}",
            &"word ".repeat(30),
            &"ab ".repeat(25),
        ] {
            headline_counts_agree(line);
        }
        for text in ["", "\n", "a", "a\n", "a\r\nb\rc\n\nd", "\r\r\n\n\r", "x\r"] {
            lines_agree(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn headline_counts_agree_with_the_reference(
            line in "[a-zA-Z0-9 \t.,'\u{e9}\u{a0}\u{2003}\u{201c}\u{3b1}]{0,200}"
        ) {
            headline_counts_agree(&line);
        }

        #[test]
        fn headline_counts_agree_on_any_text(line in "\\PC{0,60}") {
            headline_counts_agree(&line);
        }

        #[test]
        fn lines_from_the_index_agree_with_searching(text in "[ab \u{e9}\n\r]{0,60}") {
            lines_agree(&text);
        }

        #[test]
        fn plain_articles_read_the_same_from_any_body_start(
            text in "(---\n(title: [a-z]{1,5}\n)?---(\n|\r\n|\r)?)?([A-Za-z .\u{2022}\\-]{0,20}(\n|\r\n|\r)){0,8}"
        ) {
            // through the front matter too; compared with a read over searched lines below
            let a = crate::article::Article::parse("t.txt", crate::article::Format::Text, text.clone());
            let b = read_reference(&text);
            proptest::prop_assert_eq!(a.blocks.len(), b.0);
            proptest::prop_assert_eq!(a.prose, b.1);
        }
    }

    /// The blocks' count and the prose of `text` read over lines found by searching.
    fn read_reference(text: &str) -> (usize, String) {
        let front = crate::article::frontmatter::parse(text);
        let body_start = front.as_ref().map_or(0, |f| f.end);
        let mut prose = crate::article::Mask::new(text);
        let mut blocks = Vec::new();
        if let Some(title) = front.as_ref().and_then(|f| f.title) {
            prose.show(text, title);
            blocks.push(());
        }
        let mut b = Vec::new();
        let mut comments = Vec::new();
        // no line starts: every body start is searched
        super::read(text, body_start, &[], &mut prose, &mut b, &mut comments);
        prose.hide_urls();
        (blocks.len() + b.len(), prose.into_string())
    }

    /// [`super::is_byline_or_credit`] as it was: on a lowercase copy of every line.
    fn is_byline_or_credit_reference(line: &str) -> bool {
        let lower = line.to_lowercase();
        lower.starts_with("by ")
            || lower.starts_with("by:")
            || [
                "getty images",
                "ap photo",
                "photo:",
                "photograph:",
                "image:",
            ]
            .iter()
            .any(|credit| lower.contains(credit))
    }

    proptest::proptest! {
        #[test]
        fn bylines_and_credits_agree_with_the_reference(
            line in "(By|bY|by|AP|Getty|Photo|photograph|IMAGE|images|\\u{212a}|[ :a-z]|\\PC){0,8}"
        ) {
            proptest::prop_assert_eq!(
                super::is_byline_or_credit(&line),
                is_byline_or_credit_reference(&line)
            );
        }

        #[test]
        fn place_datelines_agree_with_the_pattern(
            line in "([A-Z]{1,3}|[a-z]{1,2}|[ .'_,()\\-]|\u{2013}|\u{2014}|\u{e9}|\u{c9}|\u{a0}|\u{85}|\u{300}|\t|1|\\PC){0,14}"
        ) {
            proptest::prop_assert_eq!(
                super::is_place_dateline(&line),
                super::PLACE_DATELINE.is_match(&line)
            );
        }

        #[test]
        fn place_datelines_agree_on_dateline_like_text(
            line in "((NORTH|HOLLYWOOD|Abuja|N.Y|O'Neil|St.|Al-Ali|BAGHDAD)( |, | \\(AFP\\) | \\(Reuters\\)| \\([a-z]{0,30}\\))?){1,4} ?(-|--|\u{2013}|\u{2014}){0,2}( |\t|\u{a0}|x|-)?[a-z ]{0,3}"
        ) {
            proptest::prop_assert_eq!(
                super::is_place_dateline(&line),
                super::PLACE_DATELINE.is_match(&line)
            );
        }

        #[test]
        fn title_case_agrees_with_the_reference(
            line in "[a-zA-Z0-9 \t.,'\u{e9}\u{c9}\u{a0}\u{2003}\u{201c}\u{3b1}\u{391}]{0,120}"
        ) {
            proptest::prop_assert_eq!(title_case(&line), title_case_reference(&line));
        }

        #[test]
        fn title_case_agrees_on_title_like_text(
            line in "((Ab|Abcd|abcd|Abcdef|abcdef|12|\u{c9}t\u{e9}s|\u{e9}t\u{e9}s|\u{201c}Word)[ \t]{1,2}){0,20}"
        ) {
            proptest::prop_assert_eq!(title_case(&line), title_case_reference(&line));
        }

        #[test]
        fn sentence_ends_agree_with_the_reference(
            line in "(a|\u{e9}|[.,;:!?\"')\u{201d}\u{2019}\u{201c}\u{2018}\u{2014}]|\\PC){0,8}"
        ) {
            proptest::prop_assert_eq!(
                super::ends_like_a_sentence(&line),
                super::ends_like_a_sentence_reference(&line)
            );
        }

        #[test]
        fn title_case_agrees_on_any_text(line in "\\PC{0,60}") {
            proptest::prop_assert_eq!(title_case(&line), title_case_reference(&line));
        }
    }
    use crate::article::{Article, BlockKind, Format};

    #[test]
    fn headline_headings_list_items_and_paragraphs() {
        let text = "Talks Begin in Riyadh\n\nUS and Russia Agree to \"Normalize\" Relations\n\nUS and Russian officials met on Tuesday.\nThey talked.\n\nKey Issues: Territory and Guarantees\n\nKyiv wants:\n\n  • Crimea (annexed by Russia in 2014)\n  - Donetsk\n";
        let a = Article::parse("t.txt", Format::Text, text.to_string());
        let blocks: Vec<_> = a
            .blocks
            .iter()
            .map(|b| (b.kind, b.headline, a.slice(b.span)))
            .collect();
        assert_eq!(
            blocks,
            [
                (BlockKind::Heading, true, "Talks Begin in Riyadh"),
                (
                    BlockKind::Heading,
                    true,
                    "US and Russia Agree to \"Normalize\" Relations"
                ),
                (
                    BlockKind::Paragraph,
                    false,
                    "US and Russian officials met on Tuesday.\nThey talked."
                ),
                (
                    BlockKind::Heading,
                    false,
                    "Key Issues: Territory and Guarantees"
                ),
                (BlockKind::Paragraph, false, "Kyiv wants:"),
                (
                    BlockKind::ListItem,
                    false,
                    "Crimea (annexed by Russia in 2014)"
                ),
                (BlockKind::ListItem, false, "Donetsk"),
            ]
        );
        assert!(!a.prose.contains('•'));
    }

    #[test]
    fn title_like_lines() {
        assert!(is_title_like(
            "Ukraine Pushes Back: \"No Agreement About Us Without Us\""
        ));
        assert!(is_title_like(
            "Russia: \"US-Russia Relations Are Key to Global Stability\""
        ));
        assert!(!is_title_like("The meeting was held in Riyadh."));
        assert!(!is_title_like("NORTH HOLLYWOOD, California -"));
        assert!(!is_title_like("By Jane Roe"));
        assert!(!is_title_like(
            "Kyiv, meanwhile, has made it clear that any peace agreement must include"
        ));
    }

    /// [`looks_like_a_headline`] with every line's words counted to 26, as it was.
    fn looks_like_a_headline_reference(line: &str) -> bool {
        let end = line.trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')']);
        let words = line.split_whitespace().take(26).count();
        let body_text = end.ends_with(':') || words > 25 || (end.ends_with('.') && words > 6);
        if body_text {
            return false;
        }
        let (_, real_words) = headline_word_counts(line);
        real_words >= 2
            && !super::is_byline_or_credit(line)
            && !super::PLACE_DATELINE.is_match(line)
    }

    proptest::proptest! {
        #[test]
        fn headlines_agree_with_the_reference(
            line in "((Word|word|ab|Kyiv|12|\u{e9}t\u{e9})[ \t]{1,2}){0,30}[.:?\"\u{201d}]{0,2}"
        ) {
            proptest::prop_assert_eq!(
                looks_like_a_headline(&line),
                looks_like_a_headline_reference(&line)
            );
        }
    }

    #[test]
    fn first_lines_that_are_not_headlines() {
        for line in [
            "BAGHDAD - morning Tariq al-Ali revealed health information",
            "NORTH HOLLYWOOD, California -",
            "Abuja (AFP) - Nigeria on Friday claimed to have reached a deal",
            "MOSCOW \u{2014} Russia said on Tuesday",
            "By: Press Trust of India | New Delhi | Posted: January 8, 2015 2:10 pm",
            "By Jane Roe and John Doe",
            "A soldier scans the border in Havana, Texas.  John Moore / Getty Images",
            "They must be the nattiest rats in all of New York City.",
            "Kyiv wants:",
        ] {
            assert!(!looks_like_a_headline(line), "{line}");
        }
        for line in [
            "Talks Begin in Riyadh",
            "US, Russia agree to keep talking - but not about Crimea",
            "Kim Jong Un dead?",
            "Putin meets Trump in Alaska as Kyiv watches",
        ] {
            assert!(looks_like_a_headline(line), "{line}");
        }
    }
}
