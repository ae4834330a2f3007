use rustc_hash::FxHashSet;

use super::{Context, Finding, Label, declare_check};
use crate::extract::dates::NUMBER_WORDS;
use crate::extract::words::word_spans;
use crate::severity::Severity;
use crate::span::Span;

declare_check! {
    /// ## What it finds
    ///
    /// A headline that names something the body never mentions: a known entity (a person,
    /// place, organisation, event or title, under any of its names) or a number. The
    /// headline is the front-matter title, else the first heading or line, and any headings
    /// right after it.
    ///
    /// ## Why
    ///
    /// A headline the story does not support misleads the many readers who only read the
    /// headline, and it is how a correct story gets a wrong claim attached to it.
    ///
    /// ## Example
    ///
    /// ```text
    /// U.S. troops to leave countries that joined NATO after 1990
    ///
    /// US and Russian officials met in Saudi Arabia on Tuesday ...
    /// ```
    ///
    /// with no mention of NATO or 1990 anywhere in the body.
    ///
    /// ## How to silence it
    ///
    /// Support the headline in the body, or change the headline. Spelled-out numbers in the
    /// body (`three`) count for digits in the headline (`3`). A headline with no body is not
    /// checked. A capital and its country stand for each other (`Washington` in the headline
    /// is supported by `the United States` in the body), and so do a title and the people who
    /// hold or held it (`North Korean leader` is supported by `Kim Jong Un`).
    pub struct HeadlineUnsupported;
}

/// How many missing names the message lists before it counts the rest.
const MAX_LISTED: usize = 6;

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let article = cx.article;
    let headline: Vec<Span> = article
        .blocks
        .iter()
        .filter(|b| b.headline)
        .map(|b| b.span)
        .collect();
    let body: Vec<Span> = article
        .blocks
        .iter()
        .filter(|b| !b.headline)
        .map(|b| b.span)
        .collect();
    if headline.is_empty() || body.is_empty() {
        return;
    }
    // Every look-up below is a binary search or a hash, so that an article with thousands
    // of headings (all headline when no paragraph comes between them) stays linear.
    let mut headline_sorted = headline.clone();
    headline_sorted.sort_by_key(|h| h.start);
    let in_headline = |s: Span| {
        let i = headline_sorted.partition_point(|h| h.start <= s.start);
        i > 0 && s.end <= headline_sorted[i - 1].end
    };
    let mentions = &cx.extraction.mentions;
    let body_entities: FxHashSet<_> = mentions
        .iter()
        .filter(|m| !in_headline(m.span))
        .flat_map(|m| m.entities.iter().copied())
        .collect();
    let mut missing: Vec<(Span, String)> = Vec::new();
    let mut missing_names: FxHashSet<String> = FxHashSet::default();
    // A capital stands for its country and back (`Washington` for the United States), and a
    // title for its holders and back (`North Korean leader` for Kim Jong Un): either one in
    // the body supports the other in the headline.
    let stands_in = ["capital_of", "holds"].map(|r| cx.kb.relation_by_name(r));
    let stands_for = |e: crate::kb::EntityId| -> Vec<crate::kb::EntityId> {
        let mut all = vec![e];
        for rel in stands_in.into_iter().flatten() {
            all.extend(cx.kb.facts(e, rel).iter().filter_map(|f| match f.value {
                crate::kb::FactValue::Entity(other) => Some(other),
                _ => None,
            }));
            all.extend(cx.kb.facts_with_value(rel, e).map(|f| f.subject));
        }
        all
    };
    for m in mentions.iter().filter(|m| in_headline(m.span)) {
        if !m
            .entities
            .iter()
            .any(|&e| stands_for(e).iter().any(|x| body_entities.contains(x)))
        {
            let name = cx.kb.entity(m.entities[0]).name.to_string();
            if missing_names.insert(name.clone()) {
                missing.push((m.span, name));
            }
        }
    }
    // numbers: digits in the headline that the body never writes (in digits or words);
    // the body's numbers are gathered only when a headline number needs them
    let mut body_numbers: Option<FxHashSet<String>> = None;
    // numbers inside dates are for the date checks: the extracted absolute dates
    let mut dates: Vec<Span> = cx
        .extraction
        .claims
        .iter()
        .filter_map(|c| match &c.body {
            crate::extract::claim::ClaimBody::Date(d)
                if d.form == crate::extract::claim::DateForm::Absolute =>
            {
                Some(d.expression.span)
            }
            _ => None,
        })
        .collect();
    dates.sort_by_key(|d| d.start);
    // the longest date reach so far, for "is this word inside a date" by binary search
    let mut reach = Vec::with_capacity(dates.len());
    let mut furthest = 0;
    for d in &dates {
        furthest = furthest.max(d.end);
        reach.push(furthest);
    }
    let in_a_date = |s: usize, e: usize| {
        let i = dates.partition_point(|d| d.start as usize <= s);
        i > 0 && e <= reach[i - 1] as usize
    };
    for span in &headline {
        for (s, e) in word_spans(article.prose_of(*span), span.start as usize) {
            let w = &article.prose[s..e];
            if !w.bytes().all(|b| b.is_ascii_digit() || b == b',')
                || !w.bytes().any(|b| b.is_ascii_digit())
            {
                continue;
            }
            // prices, decimals, times and ordinals (`$1.61`, `11:30`) are not counted
            let before = article.prose[..s].chars().next_back().unwrap_or(' ');
            let after = article.prose[e..].chars().next().unwrap_or(' ');
            let digit_after_separator = matches!(after, '.' | ':' | '/')
                && article.prose[e + 1..].starts_with(|c: char| c.is_ascii_digit());
            if matches!(before, '$' | '.' | ':' | '/' | '\u{a3}' | '\u{20ac}')
                || after == '%'
                || digit_after_separator
            {
                continue;
            }
            if in_a_date(s, e) {
                continue;
            }
            let n = w.replace(',', "");
            let body_numbers = body_numbers.get_or_insert_with(|| numbers_in(article, &body));
            if !body_numbers.contains(&n) && missing_names.insert(n.clone()) {
                missing.push((Span::new(s, e), n));
            }
        }
    }
    if missing.is_empty() {
        return;
    }
    missing.sort_by_key(|(span, _)| span.start);
    let names: Vec<&str> = missing.iter().map(|(_, n)| n.as_str()).collect();
    let listed = match names.as_slice() {
        [one] => one.to_string(),
        // a message stays one readable line: the rest are counted (each has its label)
        [first @ .., _] if names.len() > MAX_LISTED => format!(
            "{} and {} more",
            first[..MAX_LISTED - 1].join(", "),
            names.len() - (MAX_LISTED - 1)
        ),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => return,
    };
    out.push(Finding {
        check: "headline-unsupported",
        severity: Severity::Warning,
        message: format!("the headline names {listed}, which the body never mentions"),
        span: missing[0].0,
        labels: missing[1..]
            .iter()
            .map(|(span, n)| Label {
                span: *span,
                message: format!("{n}: not in the body"),
            })
            .collect(),
        evidence: Vec::new(),
        help: Some("support the headline in the body, or change the headline".into()),
        claim: None,
    });
}

/// The numbers written in `body`: each number as written without commas and without a
/// suffix (`5th` gives `5th` and `5`), and number words as digits.
fn numbers_in(article: &crate::article::Article, body: &[Span]) -> FxHashSet<String> {
    let mut body_numbers: FxHashSet<String> = FxHashSet::default();
    for span in body {
        for (s, e) in word_spans(article.prose_of(*span), span.start as usize) {
            let w = &article.prose[s..e];
            if w.bytes().any(|b| b.is_ascii_digit()) {
                let n = w.replace(',', "");
                body_numbers.insert(
                    n.trim_end_matches(|c: char| !c.is_ascii_digit())
                        .to_string(),
                );
                body_numbers.insert(n);
            } else if let Some(n) = NUMBER_WORDS.iter().position(|n| n.eq_ignore_ascii_case(w)) {
                body_numbers.insert(n.to_string());
            }
        }
    }
    body_numbers
}
