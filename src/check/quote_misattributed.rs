use super::{ClaimSummary, Context, Evidence, Finding, Label, declare_check};
use crate::extract::claim::ClaimBody;
use crate::kb::EntityId;
use crate::severity::Severity;
use crate::text::quote_key;

declare_check! {
    /// ## What it finds
    ///
    /// A quote attributed to someone other than its known speaker (a `quote ... by ...` rule
    /// whose words match the quoted words), or one quote given to two different people in
    /// the same article. Quotes are compared after normalization (case, quotation marks,
    /// dashes, spacing, final punctuation); a partial quote matches a known quote that
    /// contains it.
    ///
    /// ## Why
    ///
    /// Putting words in the wrong mouth is among the most damaging errors a story can make.
    ///
    /// ## Example
    ///
    /// ```text
    /// "We cannot recognize any agreements about us without us," Lavrov said.
    /// ```
    ///
    /// The rules say Volodymyr Zelenskyy said it.
    ///
    /// ## How to silence it
    ///
    /// Correct the speaker. If the same words really were said by someone else, the rules'
    /// quote can take an alias for the other wording, or be dropped.
    pub struct QuoteMisattributed;
}

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let kb = cx.kb;
    let known = kb.known_quotes();
    let index = super::CheckIndex::get(kb);
    let mut seen: Vec<(String, EntityId, crate::span::Span)> = Vec::new();
    for claim in &cx.extraction.claims {
        let ClaimBody::Quote(q) = &claim.body else {
            continue;
        };
        let Some(speaker_ref) = &q.speaker else {
            continue;
        };
        let [speaker] = speaker_ref.ids[..] else {
            continue;
        };
        let key = quote_key(&q.quote.text);
        if key.split_whitespace().count() < 3 {
            // a word or two is a scare quote or a common phrase, not an attributable quote
            continue;
        }
        // against the rules
        // the first known quote that is the same words, holds them (a partial quote) or is
        // held in them (five words or more), found through the index
        let matched = index
            .matching_quote(known, &key, q.partial)
            .and_then(|i| known.get(i));
        if let Some(crate::kb::KnownQuote {
            speaker: said_by,
            loc,
            ..
        }) = matched
            && *said_by != speaker
        {
            out.push(Finding {
                check: "quote-misattributed",
                severity: Severity::Error,
                message: format!(
                    "these words are {}'s, by the rules, not {}'s",
                    kb.entity(*said_by).name,
                    kb.entity(speaker).name
                ),
                span: q.quote.span,
                labels: vec![Label {
                    span: speaker_ref.span,
                    message: "attributed here".into(),
                }],
                evidence: vec![Evidence {
                    loc: *loc,
                    message: format!("said by {}", kb.entity(*said_by).name),
                }],
                help: Some(format!(
                    "attribute the quote to {}, or check the quoted words",
                    kb.entity(*said_by).name
                )),
                claim: Some(ClaimSummary {
                    kind: "quote",
                    subject: speaker_ref.text.clone(),
                    value: q.quote.text.clone(),
                }),
            });
            continue;
        }
        // within the article
        if let Some((_, other, first_span)) =
            seen.iter().find(|(k, s, _)| *k == key && *s != speaker)
        {
            out.push(Finding {
                check: "quote-misattributed",
                severity: Severity::Error,
                message: format!(
                    "the article gives these words to {} here and to {} earlier",
                    kb.entity(speaker).name,
                    kb.entity(*other).name
                ),
                span: q.quote.span,
                labels: vec![
                    Label {
                        span: speaker_ref.span,
                        message: "attributed here".into(),
                    },
                    Label {
                        span: *first_span,
                        message: "and here to someone else".into(),
                    },
                ],
                evidence: Vec::new(),
                help: Some("one quote has one speaker: correct one of the attributions".into()),
                claim: Some(ClaimSummary {
                    kind: "quote",
                    subject: speaker_ref.text.clone(),
                    value: q.quote.text.clone(),
                }),
            });
        } else {
            seen.push((key, speaker, q.quote.span));
        }
    }
}
