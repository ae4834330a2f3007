//! Places of events: `met in X`, `talks in X`, `the meeting in X`, `held in X`, `at X in Y`.
//! The event is a known event named in the sentence, else the words that name it.

use super::Extractor;
use super::claim::PlaceClaim;
use super::mentions::Mention;
use super::words::{WordList, in_list};
use crate::article::Article;
use crate::span::Span;

/// Words that, followed by `in` or `at` and a place, place an event.
static TRIGGERS: WordList = WordList::new(&[
    "met",
    "meet",
    "meets",
    "meeting",
    "meetings",
    "talks",
    "summit",
    "held",
    "gathered",
    "negotiations",
    "conference",
    "convened",
    "hosted",
    "signed",
]);

/// ` in ` and ` at `: a sentence without either places nothing.
static IN: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(" in "));
static AT: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(" at "));

/// Prepositions that start another phrase between a trigger and its place.
const OTHER_PREPOSITIONS: &[&str] = &[
    "on", "of", "about", "over", "for", "to", "into", "against", "from",
];

/// The mention that starts at byte `at` (mentions are sorted and do not overlap): a binary
/// search, so a sentence with many triggers and names stays linear.
fn mention_at(mentions: &[Mention], at: usize) -> Option<&Mention> {
    mentions
        .get(mentions.partition_point(|m| (m.span.start as usize) < at))
        .filter(|m| m.span.start as usize == at)
}

/// Whether a place named at byte `p` could be the one a trigger's `in`/`at` points to: the
/// preposition's word ends one byte before it (`in Riyadh`), or one byte before `the ` and
/// it (`in the Kremlin`). Only the bytes are compared: a filter, looser than the words.
fn after_preposition(bytes: &[u8], p: usize) -> bool {
    let prep = |end: usize| {
        end.checked_sub(2)
            .and_then(|start| bytes.get(start..end))
            .is_some_and(|w| w == b"in" || w == b"at")
    };
    p.checked_sub(1).is_some_and(prep)
        || p.checked_sub(4)
            .and_then(|s| bytes.get(s..p))
            .is_some_and(|w| w == b"the ")
            && p.checked_sub(5).is_some_and(prep)
}

pub fn claims_in(
    x: &Extractor<'_>,
    article: &Article,
    sentence: Span,
    mentions: &[Mention],
) -> Vec<PlaceClaim> {
    // A claim needs a place named right after `in`/`at` (and a byte), or after `in the `/
    // `at the `: most sentences have no such mention, and are skipped before any search.
    let bytes = article.prose.as_bytes();
    if !mentions
        .iter()
        .any(|m| after_preposition(bytes, m.span.start as usize) && x.mention_is(m, x.kinds.place))
    {
        return Vec::new();
    }
    search(x, article, sentence, mentions)
}

/// The place the preposition `prep` points to: the word is `in` or `at`, and a place
/// mention starts one byte after it, or after `the ` there.
#[inline]
fn place_after<'m>(
    x: &Extractor<'_>,
    text: &str,
    mentions: &'m [Mention],
    prep: Span,
) -> Option<&'m Mention> {
    let (ps, pe) = (prep.start as usize, prep.end as usize);
    let word = text.as_bytes().get(ps..pe)?;
    if word != b"in" && word != b"at" {
        return None;
    }
    let mut place_start = pe + 1;
    // (`get`: the byte after the word may be inside a character, such as a no-break space)
    if text
        .get(place_start..)
        .is_some_and(|rest| rest.starts_with("the "))
    {
        place_start += 4;
    }
    mention_at(mentions, place_start).filter(|m| x.mention_is(m, x.kinds.place))
}

/// [`claims_in`] without its mention filter: the search of the sentence's words for a
/// trigger and `in`/`at` before a place.
///
/// A trigger places something only through the first `in`/`at` among the six words after
/// it, and only when that word points to a place ([`place_after`]). So the prepositions that
/// point to a place are found first (the length of each word, and the bytes of two-byte
/// ones), and only the six words before each are looked up in [`TRIGGERS`]; a sentence with
/// none is done. The rest is the search of
/// every word (kept in the tests as the reference), in the same order.
fn search(
    x: &Extractor<'_>,
    article: &Article,
    sentence: Span,
    mentions: &[Mention],
) -> Vec<PlaceClaim> {
    let text = &article.prose;
    let mut out = Vec::new();
    let s = sentence.slice(text);
    // most sentences place nothing: skip them before splitting words
    if IN.find(s.as_bytes()).is_none() && AT.find(s.as_bytes()).is_none() {
        return out;
    }
    let words = article.words_in(sentence);
    let mut may_trigger = vec![false; words.len()];
    let mut any = false;
    for (j, &prep) in words.iter().enumerate() {
        // (`in` and `at` are two bytes: the length rules out nearly every word)
        if prep.end.wrapping_sub(prep.start) == 2 && place_after(x, text, mentions, prep).is_some()
        {
            may_trigger[j.saturating_sub(6)..j].fill(true);
            any = true;
        }
    }
    if !any {
        return out;
    }
    let event = mentions.iter().find(|m| x.mention_is(m, x.kinds.event));
    for (i, word) in words.iter().enumerate() {
        let (ws, we) = (word.start as usize, word.end as usize);
        if !may_trigger[i] || !TRIGGERS.contains(&text[ws..we]) {
            continue;
        }
        // the trigger, an optional short complement (`met Lavrov`), then `in`/`at`
        for &prep_span in words.iter().skip(i + 1).take(6) {
            let (ps, pe) = (prep_span.start as usize, prep_span.end as usize);
            let prep = &text[ps..pe];
            if prep != "in" && prep != "at" {
                continue;
            }
            // no clause break and no other preposition between the trigger and this one:
            // `met with Lavrov in Riyadh`, but not `talks on the war in Ukraine`
            let between = &text[we..ps];
            if between.contains([',', ';', '(', ')'])
                || between.split_whitespace().count() > 3
                || between
                    .split_whitespace()
                    .any(|w| in_list(w, OTHER_PREPOSITIONS))
            {
                break;
            }
            if let Some(place) = place_after(x, text, mentions, prep_span) {
                push_claims(
                    x,
                    article,
                    sentence,
                    mentions,
                    event,
                    (ws, we),
                    ps,
                    place,
                    &mut out,
                );
            }
            break;
        }
    }
    out
}

/// The claims of a trigger at `ws..we` whose preposition at `ps` points to `place`: the
/// event placed there, and the outer place of `at X in Y` too.
#[allow(
    clippy::too_many_arguments,
    reason = "the search's state at a trigger, passed on rather than bundled for one call"
)]
fn push_claims(
    x: &Extractor<'_>,
    article: &Article,
    sentence: Span,
    mentions: &[Mention],
    event: Option<&Mention>,
    (ws, we): (usize, usize),
    ps: usize,
    place: &Mention,
    out: &mut Vec<PlaceClaim>,
) {
    let text = &article.prose;
    // a known event names the happening only when the trigger is part of its name
    // or the name stands right before the preposition (`the Riyadh talks in ...`)
    let named = event.filter(|e| {
        let (es, ee) = (e.span.start as usize, e.span.end as usize);
        (es <= ws && we <= ee) || (ee <= ps && text[ee..ps].trim().is_empty())
    });
    let event_ref = match named {
        Some(e) => x.mention_ref(article, e, x.kinds.event),
        None => {
            // `the meeting`: include a determiner before the trigger
            let before = &text[sentence.start as usize..ws];
            let det_start = before
                .trim_end()
                .strip_suffix("the")
                .or_else(|| before.trim_end().strip_suffix("The"))
                .filter(|s| s.is_empty() || s.ends_with(' '))
                .map_or(ws, |s| sentence.start as usize + s.len());
            x.words_ref(article, Span::new(det_start, we), None)
        }
    };
    out.push(PlaceClaim {
        event: event_ref,
        place: x.mention_ref(article, place, x.kinds.place),
    });
    // `at X in Y`: Y too
    let after = place.span.end as usize;
    if text[after..].starts_with(" in ")
        && let Some(outer) =
            mention_at(mentions, after + 4).filter(|m| x.mention_is(m, x.kinds.place))
        && let Some(event_ref) = out.last().map(|c| c.event.clone())
    {
        out.push(PlaceClaim {
            event: event_ref,
            place: x.mention_ref(article, outer, x.kinds.place),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Format;
    use proptest::prelude::*;

    /// The extractor before the mention filter and the preposition pass: every word of the
    /// sentence is looked up in `TRIGGERS`. Kept to check them against.
    pub(super) fn claims_in_old(
        x: &Extractor<'_>,
        article: &Article,
        sentence: Span,
        mentions: &[Mention],
    ) -> Vec<PlaceClaim> {
        let text = &article.prose;
        let mut out = Vec::new();
        let s = sentence.slice(text);
        // most sentences place nothing: skip them before splitting words
        if IN.find(s.as_bytes()).is_none() && AT.find(s.as_bytes()).is_none() {
            return out;
        }
        let event = mentions.iter().find(|m| x.mention_is(m, x.kinds.event));
        let words = article.words_in(sentence);
        for (i, word) in words.iter().enumerate() {
            let (ws, we) = (word.start as usize, word.end as usize);
            if !TRIGGERS.contains(&text[ws..we]) {
                continue;
            }
            // the trigger, an optional short complement (`met Lavrov`), then `in`/`at`
            for prep in words.iter().skip(i + 1).take(6) {
                let (ps, pe) = (prep.start as usize, prep.end as usize);
                let prep = &text[ps..pe];
                if prep != "in" && prep != "at" {
                    continue;
                }
                // no clause break and no other preposition between the trigger and this one:
                // `met with Lavrov in Riyadh`, but not `talks on the war in Ukraine`
                let between = &text[we..ps];
                if between.contains([',', ';', '(', ')'])
                    || between.split_whitespace().count() > 3
                    || between
                        .split_whitespace()
                        .any(|w| in_list(w, OTHER_PREPOSITIONS))
                {
                    break;
                }
                let mut place_start = pe + 1;
                if text[place_start.min(text.len())..].starts_with("the ") {
                    place_start += 4;
                }
                let place =
                    mention_at(mentions, place_start).filter(|m| x.mention_is(m, x.kinds.place));
                if let Some(place) = place {
                    // a known event names the happening only when the trigger is part of its name
                    // or the name stands right before the preposition (`the Riyadh talks in ...`)
                    let named = event.filter(|e| {
                        let (es, ee) = (e.span.start as usize, e.span.end as usize);
                        (es <= ws && we <= ee) || (ee <= ps && text[ee..ps].trim().is_empty())
                    });
                    let event_ref = match named {
                        Some(e) => x.mention_ref(article, e, x.kinds.event),
                        None => {
                            // `the meeting`: include a determiner before the trigger
                            let before = &text[sentence.start as usize..ws];
                            let det_start = before
                                .trim_end()
                                .strip_suffix("the")
                                .or_else(|| before.trim_end().strip_suffix("The"))
                                .filter(|s| s.is_empty() || s.ends_with(' '))
                                .map_or(ws, |s| sentence.start as usize + s.len());
                            x.words_ref(article, Span::new(det_start, we), None)
                        }
                    };
                    out.push(PlaceClaim {
                        event: event_ref,
                        place: x.mention_ref(article, place, x.kinds.place),
                    });
                    // `at X in Y`: Y too
                    let after = place.span.end as usize;
                    if text[after..].starts_with(" in ")
                        && let Some(outer) = mention_at(mentions, after + 4)
                            .filter(|m| x.mention_is(m, x.kinds.place))
                        && let Some(event_ref) = out.last().map(|c| c.event.clone())
                    {
                        out.push(PlaceClaim {
                            event: event_ref,
                            place: x.mention_ref(article, outer, x.kinds.place),
                        });
                    }
                }
                break;
            }
        }
        out
    }

    const PIECES: &[&str] = &[
        "The",
        "the",
        "leaders",
        "met",
        "Met",
        "meeting",
        "talks",
        "summit",
        "held",
        "signed",
        "with",
        "Lavrov",
        "Putin",
        "in",
        "at",
        "In",
        "on",
        "of",
        "for",
        "Moscow",
        "Riyadh",
        "Geneva",
        "Kremlin",
        "Riyadh talks",
        "Geneva summit",
        "the Kremlin",
        "Saudi Arabia",
        "war",
        "Ukraine",
        "later",
        ",",
        ";",
        "(",
        ")",
        ".",
        ". ",
        " ",
        " ",
        " ",
        " ",
        "  ",
        "\n",
        "\n\n",
        "-",
        "\u{e9}",
        "\u{201c}",
        "in the",
        "at the",
        "within",
        "cat",
    ];

    /// A preposition followed by a character of more than one byte (a no-break space) points
    /// to no place, and the sentence's other prepositions are still read.
    #[test]
    fn a_preposition_before_a_wide_character_is_no_panic() {
        let kb = crate::rules::load_str("t.rules", "city \"Moscow\"\ncity \"Geneva\"\n").unwrap();
        let x = Extractor::new(&kb);
        let text = "Leaders met in\u{a0}Moscow and later met in Geneva.";
        let article = Article::from_bytes("t.txt", Format::Text, text.into()).unwrap();
        let mentions = x.mentions.find(&article);
        let places: Vec<String> = article
            .sentences
            .iter()
            .flat_map(|s| {
                let in_sentence = super::super::mentions_within(&mentions, s.span);
                claims_in(&x, &article, s.span, in_sentence)
            })
            .map(|c| c.place.text)
            .collect();
        assert_eq!(places, ["Geneva"]);
    }

    proptest! {
        /// The filtered extractor finds what the old one found, sentence by sentence.
        #[test]
        fn claims_equal_old(
            parts in proptest::collection::vec(proptest::sample::select(PIECES), 0..60),
        ) {
            static KB: std::sync::LazyLock<crate::kb::KnowledgeBase> = std::sync::LazyLock::new(|| {
                crate::rules::load_str(
                    "t.rules",
                    "city \"Moscow\"\ncity \"Riyadh\"\ncity \"Geneva\"\nplace \"Kremlin\"\n\
                     country \"Saudi Arabia\"\ncountry \"Ukraine\"\n\
                     event \"Riyadh talks\"\nevent \"Geneva summit\"\n\
                     person \"Sergey Lavrov\" aka \"Lavrov\"\nperson \"Vladimir Putin\" aka \"Putin\"\n",
                )
                .unwrap()
            });
            let text = parts.join(" ");
            let Ok(article) = Article::from_bytes("t.txt", Format::Text, text.into_bytes()) else {
                return Ok(());
            };
            let x = Extractor::new(&KB);
            let mentions = x.mentions.find(&article);
            for sentence in &article.sentences {
                let in_sentence = super::super::mentions_within(&mentions, sentence.span);
                prop_assert_eq!(
                    claims_in(&x, &article, sentence.span, in_sentence),
                    claims_in_old(&x, &article, sentence.span, in_sentence)
                );
            }
        }
    }
}
