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

const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "telling",
    "added",
    "adds",
    "adding",
    "stated",
    "states",
    "insisted",
    "insists",
    "cautioned",
    "cautions",
    "stressed",
    "stresses",
    "admitted",
    "admits",
    "described",
    "describes",
    "noted",
    "notes",
    "wrote",
    "writes",
    "declared",
    "declares",
    "warned",
    "warns",
    "argued",
    "argues",
    "claimed",
    "claims",
    "explained",
    "explains",
    "remarked",
    "asked",
    "asks",
    "replied",
    "replies",
    "emphasized",
    "emphasised",
    "emphasizing",
    "acknowledged",
    "announced",
    "urged",
    "vowed",
    "reaffirmed",
    "confirmed",
    "called",
    "calls",
    "tweeted",
    "posted",
    "insisting",
    "stressing",
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

pub(crate) fn is_speech_verb(word: &str) -> bool {
    super::words::in_list(word, SPEECH_VERBS)
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

/// Pairs quotation marks in one block of prose. A straight `"` opens after a space, a
/// bracket or a dash and closes otherwise; curly marks say which they are.
///
/// Only the marks are visited: memchr finds the straight mark and the last byte of the
/// curly ones (`\u{201c}` is E2 80 9C, `\u{201d}` is E2 80 9D; other characters ending
/// in 9C or 9D are told apart by their first two bytes), and the character before a
/// straight mark is decoded only there.
fn pair_marks(prose: &str, span: Span) -> Vec<Quotation> {
    let base = span.start as usize;
    let text = span.slice(prose);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // (mark, content start) of the open quotation
    let mut open: Option<(usize, usize)> = None;
    for hit in memchr::memchr3_iter(b'"', 0x9c, 0x9d, bytes) {
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
    out
}

/// Every quote in the article with its speaker, and the sentence it starts in.
pub fn claims(
    x: &Extractor<'_>,
    article: &Article,
    mentions: &[Mention],
) -> Vec<(QuoteClaim, Span)> {
    let prose = &article.prose;
    let mut persons: Vec<&Mention> = mentions
        .iter()
        .filter(|m| !m.is_title && x.mention_is(m, x.kinds.person))
        .collect();
    // sorted by position, so that every look-up below is a binary search
    persons.sort_by_key(|m| (m.span.start, m.span.end));
    let mut out = Vec::new();
    for block in &article.blocks {
        let mut speakers_in_block: Vec<Ref> = Vec::new();
        let mut pending: Vec<usize> = Vec::new();
        for q in pair_marks(prose, block.span) {
            let content = &prose[q.open..q.close];
            let lead = content.len() - content.trim_start().len();
            let trimmed = content.trim();
            if trimmed.is_empty() {
                continue;
            }
            let span = Span::new(q.open + lead, q.open + lead + trimmed.len());
            // only whether there are fewer than five words matters
            let words = trimmed.split_whitespace().take(5).count();
            let partial = words < 5
                && !trimmed
                    .trim_end_matches([',', '.'])
                    .contains(['.', '!', '?']);
            let sentence = article
                .sentence_at(span.start)
                .map_or(block.span, |s| s.span);
            let end_sentence = article
                .sentence_at(q.close as u32)
                .map_or(sentence, |s| s.span);
            let found = speaker_after(x, article, &persons, q.after, end_sentence)
                .or_else(|| speaker_before(x, article, &persons, q.mark, sentence, block.span));
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
            for i in pending {
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

/// Words in `text[from..to]` with their offsets.
fn words(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    super::words::word_spans(&text[from..to], from)
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
    let ws = words(text, start, end);
    let first = ws.first()?;
    // only punctuation between the closing mark and the attribution
    if !text[start..first.0]
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, ',' | '\u{2014}' | '-' | '\u{201d}' | '"'))
    {
        return None;
    }
    let word = |i: usize| ws.get(i).map(|&(s, e)| &text[s..e]);
    let person_at = |pos: usize| {
        persons_from(persons, pos)
            .first()
            .filter(|m| m.span.start as usize == pos)
    };
    // `said Zelenskyy`
    if word(0).is_some_and(is_speech_verb)
        && let Some(&(s, _)) = ws.get(1)
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
            ws.get(1).map_or(first.0, |w| w.0)
        }
        _ => first.0,
    };
    if let Some(m) = person_at(name_start) {
        let after = words(text, m.span.end as usize, end);
        if after.first().is_some_and(|&(s, e)| {
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

/// The last speech verb before the quote in its sentence, and its subject.
fn speaker_before(
    x: &Extractor<'_>,
    article: &Article,
    persons: &[&Mention],
    open: usize,
    sentence: Span,
    block: Span,
) -> Option<(Ref, Attribution)> {
    let text = &article.prose;
    let open = open.max(sentence.start as usize);
    // the words of the sentence before the quote, at most the attribution window of them
    let start = floor_boundary(
        text,
        (sentence.start as usize).max(open.saturating_sub(ATTRIBUTION_WINDOW)),
    );
    let ws = words(text, start, open);
    // the words as text, compared without regard to ASCII case
    let lower: Vec<&str> = ws.iter().map(|&(s, e)| &text[s..e]).collect();
    let is = |w: &str, word: &str| w.eq_ignore_ascii_case(word);
    // `according to X`
    if let Some(i) = lower
        .windows(2)
        .rposition(|w| is(w[0], "according") && is(w[1], "to"))
    {
        let after = ws[i + 1].1;
        if let Some(m) = persons_from(persons, after)
            .first()
            .filter(|m| (m.span.end as usize) <= open)
        {
            return Some((x.mention_ref(article, m, x.kinds.person), Attribution::Verb));
        }
    }
    let verb = (0..ws.len()).rev().find(|&i| is_speech_verb(lower[i]))?;
    // a quote after another quote's closing mark in the same sentence belongs to a new clause
    let (verb_start, _) = ws[verb];
    if text[verb_start..open].contains(['"', '\u{201d}']) {
        return None;
    }
    if is(lower[verb], "described") || is(lower[verb], "describes") {
        // `described X as "..."`
        if !lower[verb..].iter().any(|w| is(w, "as")) {
            return None;
        }
    }
    // the subject: a pronoun just before the verb, or the nearest person before it
    let near = verb.saturating_sub(3);
    if let Some(p) = (near..verb)
        .rev()
        .find(|&i| super::words::in_list(lower[i], PRONOUNS))
    {
        let nearer_person = persons_from(persons, ws[p].1 + 1)
            .first()
            .is_some_and(|m| (m.span.end as usize) <= verb_start);
        if !nearer_person {
            return last_person_before(x, article, persons, ws[p].0)
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
