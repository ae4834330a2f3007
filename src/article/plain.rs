//! Plain-text articles: the first line is the headline, short title-like lines standing alone
//! are headings, `•`, `-` and `*` lines are list items, and other runs of lines are paragraphs.

use super::{Block, BlockKind, Comment, Mask, trim_range};
use crate::span::Span;

pub(crate) fn read(
    text: &str,
    body_start: usize,
    prose: &mut Mask,
    blocks: &mut Vec<Block>,
    comments: &mut Vec<Comment>,
) {
    let lines: Vec<(usize, &str)> = lines(text, body_start).collect();
    let blank = |i: usize| lines.get(i).is_none_or(|(_, l)| trim_range(l).is_empty());
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
        let trimmed = trim_range(line);
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
        let standalone = paragraph.is_none() && blank(i + 1);
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
    // counted to 26 only: a first line may be a whole article, and past 25 words it is body
    // text whatever the rest
    let words = line.split_whitespace().take(26).count();
    let body_text = end.ends_with(':') || words > 25 || (end.ends_with('.') && words > 6);
    if body_text {
        return false;
    }
    // at least two real words: share counters and bylines are not headlines
    let real_words = line
        .split_whitespace()
        .filter(|w| {
            w.chars().filter(|c| c.is_alphabetic()).count() >= 3
                && !w.chars().any(|c| c.is_ascii_digit())
        })
        .count();
    real_words >= 2 && !is_byline_or_credit(line) && !PLACE_DATELINE.is_match(line)
}

/// `By: Press Trust of India | New Delhi`, `John Moore / Getty Images`: a byline or a photo
/// credit, where a plain-text export may start.
fn is_byline_or_credit(line: &str) -> bool {
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
    // the last character, unless it is a closing quote or bracket: ASCII without decoding
    let ends_like_a_sentence = match line.as_bytes().last() {
        Some(&b) if b < 0x80 && !matches!(b, b'"' | b'\'' | b')') => {
            matches!(b, b'.' | b',' | b';' | b':' | b'!' | b'?')
        }
        _ => line
            .trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')'])
            .ends_with(['.', ',', ';', ':', '!', '?']),
    };
    if ends_like_a_sentence {
        return false;
    }
    let Some((words, long, capitalized)) = title_counts(line) else {
        return false;
    };
    if words == 0
        || long == 0
        || capitalized * 4 < long * 3
        || (line.len() > 120 && line.chars().count() > 120)
        || is_byline_or_credit(line)
        || PLACE_DATELINE.is_match(line)
    {
        return false;
    }
    true
}

/// For [`is_title_like`]: the words of `line` (split at white space), those of four letters
/// or more, and those of them whose first letter is a capital; `None` past 16 words. One pass
/// over the characters, ASCII without decoding.
fn title_counts(line: &str) -> Option<(usize, usize, usize)> {
    let mut words = 0usize;
    let mut long = 0usize;
    let mut capitalized = 0usize;
    let mut in_word = false;
    let mut letters = 0usize;
    let mut first_upper = false;
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
            if in_word && letters >= 4 {
                long += 1;
                capitalized += usize::from(first_upper);
            }
            in_word = false;
            continue;
        }
        if !in_word {
            in_word = true;
            words += 1;
            if words > 16 {
                return None;
            }
            letters = 0;
        }
        if c.is_alphabetic() {
            if letters == 0 {
                first_upper = c.is_uppercase();
            }
            letters += 1;
        }
    }
    Some((words, long, capitalized))
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
    use super::{is_title_like, looks_like_a_headline, title_counts, title_counts_reference};

    proptest::proptest! {
        #[test]
        fn title_counts_agree_with_the_reference(
            line in "[a-zA-Z0-9 \t.,'\u{e9}\u{c9}\u{a0}\u{2003}\u{201c}\u{3b1}\u{391}]{0,120}"
        ) {
            proptest::prop_assert_eq!(title_counts(&line), title_counts_reference(&line));
        }

        #[test]
        fn title_counts_agree_on_any_text(line in "\\PC{0,60}") {
            proptest::prop_assert_eq!(title_counts(&line), title_counts_reference(&line));
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
