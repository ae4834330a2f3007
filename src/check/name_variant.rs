use super::{Context, Finding, Label, declare_check};
use crate::severity::Severity;
use crate::text::name_key;

declare_check! {
    /// ## What it finds
    ///
    /// One person spelled two ways in one article: `Zelensky` beside `Zelenskyy`, `Sergei
    /// Lavrov` beside `Sergey Lavrov`. Both spellings are known aliases of the same person, so
    /// neither is wrong, but the article should pick one. A shorter form that is part of the
    /// longer (`Lavrov` after `Sergey Lavrov`) is not a variant.
    ///
    /// ## Why
    ///
    /// Mixed transliterations look careless and make readers wonder whether two people are
    /// meant. Style guides pick one spelling for a reason.
    ///
    /// ## Example
    ///
    /// ```text
    /// President Volodymyr Zelenskyy ... Zelensky said on Tuesday.
    /// ```
    ///
    /// ## How to silence it
    ///
    /// Use one spelling throughout. If the article quotes a source that spells the name
    /// differently, disable the check for that line.
    pub struct NameVariant;
}

/// Whether every word of `short` appears in `long` (same person, shorter form).
fn part_of(short: &str, long: &str) -> bool {
    let long_words: Vec<&str> = long.split(' ').collect();
    short.split(' ').all(|w| long_words.contains(&w))
}

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let kb = cx.kb;
    let Some(person) = kb.kind_by_name("person") else {
        return;
    };
    // every spelling seen so far; a new one is a variant of an earlier one when neither is
    // part of the other
    let mut spellings: Vec<(crate::kb::EntityId, String, crate::span::Span)> = Vec::new();
    let mut reported: Vec<(crate::kb::EntityId, String)> = Vec::new();
    for m in &cx.extraction.mentions {
        let [id] = m.entities[..] else { continue };
        if !kb.is_a(kb.entity(id).kind, person) {
            continue;
        }
        let written = cx.article.slice(m.span);
        let key = name_key(written.trim_end_matches("'s").trim_end_matches("\u{2019}s"));
        let clash = spellings
            .iter()
            .find(|(e, k, _)| *e == id && !part_of(&key, k) && !part_of(k, &key))
            .cloned();
        if !spellings.iter().any(|(e, k, _)| *e == id && *k == key) {
            spellings.push((id, key.clone(), m.span));
        }
        let Some((_, _, first_span)) = clash else {
            continue;
        };
        if reported.iter().any(|(e, k)| *e == id && *k == key) {
            continue;
        }
        reported.push((id, key.clone()));
        out.push(Finding {
            check: "name-variant",
            severity: Severity::Warning,
            message: format!(
                "{} is spelled `{}` here and `{}` earlier",
                kb.entity(id).name,
                written,
                cx.article.slice(first_span)
            ),
            span: m.span,
            labels: vec![Label {
                span: first_span,
                message: "the other spelling".into(),
            }],
            evidence: Vec::new(),
            help: Some("use one spelling of the name throughout the article".into()),
            claim: None,
        });
    }
}
