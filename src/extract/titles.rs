//! Titles given to people: pre-modifiers (`Russian Foreign Minister Sergey Lavrov`),
//! appositions (`Kirill Dmitriev, head of the Russian Direct Investment Fund,`),
//! possessives (`Putin's aide Yuri Ushakov`), with `former`, `ex-` and `then-`.
//!
//! A title is either a known title's name or alias (found as a mention), or a run of words
//! ending in a title noun (`spokesman`, `minister` ...): such unknown titles are still
//! claims, with no entities, so that `rules suggest` can propose them.

use super::Extractor;
use super::claim::{Qualifier, Ref, TitleClaim, TitleForm};
use super::mentions::Mention;
use super::words::in_list;
use crate::article::Article;
use crate::span::Span;

/// Nouns that end a title phrase.
const TITLE_NOUNS: &[&str] = &[
    "minister",
    "secretary",
    "president",
    "adviser",
    "advisor",
    "aide",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chancellor",
    "ambassador",
    "envoy",
    "director",
    "chief",
    "head",
    "senator",
    "governor",
    "king",
    "prince",
    "premier",
    "general",
    "commander",
    "ceo",
    "chairman",
    "chairwoman",
    "chair",
    "leader",
    "mayor",
    "diplomat",
    "representative",
    "congressman",
    "congresswoman",
    "lawmaker",
    "deputy",
    "negotiator",
    "prosecutor",
    "judge",
    "admiral",
    "officer",
    "sergeant",
    "colonel",
    "emir",
    "sultan",
    "secretary-general",
    "vice-president",
    "counsellor",
    "counselor",
    "strongman",
    "dictator",
    "monarch",
    "pope",
    "sen",
    "rep",
    "gov",
    "gen",
    "lt",
    "col",
];

/// Words that may stand inside a title phrase without being capitalized.
const TITLE_GLUE: &[&str] = &["of", "for", "the", "and", "on", "to", "de"];

pub(crate) fn is_title_noun(word: &str) -> bool {
    super::words::in_list(word.trim_end_matches('.'), TITLE_NOUNS)
}

/// Title claims in one sentence, given its mentions.
pub fn claims_in(
    x: &Extractor<'_>,
    article: &Article,
    sentence: Span,
    mentions: &[Mention],
) -> Vec<TitleClaim> {
    let mut out = Vec::new();
    for (i, m) in mentions.iter().enumerate() {
        if !x.mention_is(m, x.kinds.person) || m.is_title {
            continue;
        }
        // (the person's reference is built by each claim found: most names have no title)
        if let Some(claim) = premodifier(x, article, sentence, &mentions[..i], m) {
            out.push(claim);
        }
        if let Some(claim) = apposition(x, article, sentence, &mentions[i + 1..], m) {
            out.push(claim);
        }
    }
    out
}

/// How far from a name a title phrase is looked for, in bytes. Titles are a few words; the
/// bound keeps the work per name constant, so a sentence naming thousands of people (a
/// run-on line, a list with no periods) costs linear time.
const WINDOW: usize = 400;

/// The start of the window of text that ends at `end`, inside the sentence.
fn window_start(text: &str, sentence: Span, end: usize) -> usize {
    let mut start = (sentence.start as usize).max(end.saturating_sub(WINDOW));
    while !text.is_char_boundary(start) {
        start += 1;
    }
    start
}

/// Whether `text` starts with `prefix`, ignoring ASCII case.
fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// The words just before `end` inside the sentence, nearest last: (start, end) offsets.
fn words_before(text: &str, sentence: Span, end: usize, max: usize) -> Vec<(usize, usize)> {
    let start = window_start(text, sentence, end);
    let piece = &text[start..end];
    let mut words = super::words::word_spans(piece, start);
    if words.len() > max {
        words.drain(..words.len() - max);
    }
    words
}

/// Whether only spaces separate `a` and `b`.
fn adjacent(text: &str, a: usize, b: usize) -> bool {
    a <= b
        && text[a..b]
            .chars()
            .all(|c| c == ' ' || c == '\t' || c == '\n')
}

/// `former`, `ex-`, `then-` right before a title starting at `start`.
fn qualifier_before(text: &str, sentence: Span, start: usize) -> Option<Qualifier> {
    let from = window_start(text, sentence, start);
    let before = &text[from..start];
    let lower = before.to_ascii_lowercase();
    for (suffix, q) in [("ex-", Qualifier::Former), ("then-", Qualifier::Then)] {
        if lower.ends_with(suffix) {
            return Some(q);
        }
    }
    let trimmed = lower.trim_end();
    for (word, q) in [
        ("former", Qualifier::Former),
        ("then", Qualifier::Then),
        ("erstwhile", Qualifier::Former),
    ] {
        if trimmed.ends_with(word) {
            let word_start = from + trimmed.len() - word.len();
            let boundary = word_start == sentence.start as usize
                || !text[..word_start].ends_with(|c: char| c.is_alphanumeric());
            if boundary && trimmed.len() < lower.len() {
                return Some(q);
            }
        }
    }
    None
}

fn premodifier(
    x: &Extractor<'_>,
    article: &Article,
    sentence: Span,
    before: &[Mention],
    person: &Mention,
) -> Option<TitleClaim> {
    let text = &article.prose;
    let (title_span, title_ref) = title_before(
        x,
        article,
        sentence,
        before,
        person.span.start as usize,
        person.span.end as usize,
    )?;
    // `Putin's aide`: a possessor before the title
    let mut of = None;
    let mut form = super::claim::TitleForm::PreModifier;
    let title_start = title_span.start as usize;
    let from = window_start(text, sentence, title_start);
    let before_title = &text[from..title_start];
    let trimmed = before_title.trim_end();
    if let Some(possessor_end) = trimmed
        .strip_suffix("'s")
        .or_else(|| trimmed.strip_suffix("\u{2019}s"))
        .map(|s| from + s.len())
        // mentions are sorted and do not overlap: the owner is the last to end by then
        && let Some(owner) = before
            [..before.partition_point(|m| m.span.end as usize <= possessor_end)]
            .last()
            .filter(|m| m.span.end as usize == possessor_end)
        && !owner.is_title
    {
        of = Some(x.mention_ref(article, owner, None));
        form = TitleForm::Possessive;
    }
    let qualifier = qualifier_before(text, sentence, title_start);
    Some(TitleClaim {
        person: x.mention_ref(article, person, x.kinds.person),
        title: title_ref,
        qualifier,
        form,
        of,
    })
}

/// The title written right before a name that spans `p_start..p_end`: a known title
/// mention (also across a comma: `Russia's foreign minister, Sergei Lavrov,`), or a run of
/// words ending in a title noun (`Kremlin spokesman`), widened to a longer known title when
/// one fits (`Russian` + `Foreign Minister`). `before` are the sentence's mentions that end
/// before the name. `rules suggest` uses it for names the knowledge base lacks.
pub(crate) fn title_before(
    x: &Extractor<'_>,
    article: &Article,
    sentence: Span,
    before: &[Mention],
    p_start: usize,
    p_end: usize,
) -> Option<(Span, Ref)> {
    let text = &article.prose;
    // `before` are the sentence's mentions, but the words before one are read defensively
    let lead = |t: &Mention| {
        let from = window_start(text, sentence, t.span.start as usize);
        text.get(from..t.span.start as usize)
            .unwrap_or("")
            .trim_end()
            .to_ascii_lowercase()
    };
    // `Aide to the President of the Russian Federation Yuri Ushakov`: the known title is part
    // of a longer one, which is not the one the rules know
    if let Some(t) = before.last().filter(|t| t.is_title)
        && (lead(t).ends_with(" to the") || lead(t).ends_with(" of the"))
    {
        return None;
    }
    // a known title right before the name
    let (mut title_span, mut title_ref) = match before.last() {
        Some(t) if t.is_title && adjacent(text, t.span.end as usize, p_start) => {
            (t.span, x.mention_ref(article, t, x.kinds.title))
        }
        // `Russia's foreign minister, Sergei Lavrov, said`: the title, a comma, the name and
        // a closing comma; but in `Giorgia Meloni, the Italian prime minister, Alexander
        // Stubb, ...` the title belongs to the name before it
        Some(t)
            if t.is_title
                && text[t.span.end as usize..p_start].trim_end() == ","
                && text[p_end..].starts_with(',')
                && !lead(t)
                    .trim_end_matches("the")
                    .trim_end_matches(" a")
                    .trim_end()
                    .ends_with(',') =>
        {
            (t.span, x.mention_ref(article, t, x.kinds.title))
        }
        _ => {
            // an unknown title: a run of words ending in a title noun
            let words = words_before(text, sentence, p_start, 6);
            let &(last_start, last_end) = words.last()?;
            if !adjacent(text, last_end, p_start) || !is_title_noun(&text[last_start..last_end]) {
                return None;
            }
            let mut first = words.len() - 1;
            while first > 0 {
                let (ws, we) = words[first - 1];
                let w = &text[ws..we];
                let glue = in_list(w, TITLE_GLUE);
                let capital = w.chars().next().is_some_and(char::is_uppercase);
                let separated = !adjacent(text, we, words[first].0);
                // `former`, `ex-` and `then-` qualify the title; they are not part of it
                let qualifier = in_list(w, &["former", "then", "erstwhile"])
                    || w.to_ascii_lowercase().starts_with("ex-")
                    || w.to_ascii_lowercase().starts_with("then-");
                if separated
                    || qualifier
                    || !(capital || glue || is_title_noun(w))
                    || w.ends_with("'s")
                    || w.ends_with("\u{2019}s")
                {
                    break;
                }
                first -= 1;
            }
            // do not start on glue words or on the sentence's first word when it is common
            while first < words.len() - 1
                && in_list(&text[words[first].0..words[first].1], TITLE_GLUE)
            {
                first += 1;
            }
            let span = Span::new(words[first].0, last_end);
            (span, x.words_ref(article, span, x.kinds.title))
        }
    };
    // `Russian` + `Foreign Minister`: prefer a longer phrase that names a known title
    let mut edge = title_span.start as usize;
    for &(ws, we) in words_before(text, sentence, edge, 2).iter().rev() {
        if !adjacent(text, we, edge) {
            break;
        }
        edge = ws;
        let longer = Span::new(ws, title_span.end as usize);
        let candidate = x.words_ref(article, longer, x.kinds.title);
        if !candidate.ids.is_empty() {
            title_span = longer;
            title_ref = candidate;
        }
    }
    Some((title_span, title_ref))
}

fn apposition(
    x: &Extractor<'_>,
    article: &Article,
    sentence: Span,
    after: &[Mention],
    person: &Mention,
) -> Option<TitleClaim> {
    let text = &article.prose;
    let end = sentence.end as usize;
    let mut pos = person.span.end as usize;
    let rest = &text[pos..end];
    let comma = rest.strip_prefix(',')?;
    pos += 1 + (comma.len() - comma.trim_start().len());
    let mut qualifier = None;
    for (det, q) in [
        ("the ", None),
        ("a ", None),
        ("an ", None),
        ("now ", None),
        ("former ", Some(Qualifier::Former)),
        ("then-", Some(Qualifier::Then)),
        ("ex-", Some(Qualifier::Former)),
    ] {
        if starts_with_ignore_case(&text[pos..end], det) {
            pos += det.len();
            qualifier = q.or(qualifier);
            if q.is_none() && starts_with_ignore_case(&text[pos..end], "former ") {
                pos += "former ".len();
                qualifier = Some(Qualifier::Former);
            }
            break;
        }
    }
    // a known title starting here, or a phrase starting with a title noun
    let next = after.get(after.partition_point(|m| (m.span.start as usize) < pos));
    let (_, title) = match next {
        Some(t)
            if t.is_title
                && t.span.start as usize == pos
                && ends_apposition(&text[t.span.end as usize..end]) =>
        {
            (t.span, x.mention_ref(article, t, x.kinds.title))
        }
        _ => {
            // a title phrase is at most ten words: look for its end within the window
            let mut window_end = end.min(pos + WINDOW);
            while !text.is_char_boundary(window_end) {
                window_end -= 1;
            }
            let phrase_end = text[pos..window_end]
                .find([',', ';', ')', '('])
                .map(|p| pos + p);
            let phrase_end = match phrase_end {
                Some(p) => p,
                None if window_end < end => return None,
                // at the end of the sentence, drop the final period
                None => {
                    pos + text[pos..end]
                        .trim_end_matches(['.', '!', '?'])
                        .trim_end()
                        .len()
                }
            };
            let words = super::words::word_spans(&text[pos..phrase_end], pos);
            let &(first_start, first_end) = words.first()?;
            if words.len() > 10 || !is_title_noun(&text[first_start..first_end]) {
                return None;
            }
            let span = Span::new(first_start, words.last()?.1);
            (span, x.words_ref(article, span, x.kinds.title))
        }
    };
    Some(TitleClaim {
        person: x.mention_ref(article, person, x.kinds.person),
        title,
        qualifier,
        form: TitleForm::Apposition,
        of: None,
    })
}

/// Whether the text after a title closes an apposition: a comma, a closing bracket or the
/// end of the sentence.
fn ends_apposition(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.is_empty() || rest.starts_with([',', ';', ')', '.', '!', '?'])
}
