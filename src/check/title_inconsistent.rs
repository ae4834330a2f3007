use super::{ClaimSummary, Context, Finding, Label, declare_check};
use crate::extract::claim::ClaimBody;
use crate::kb::time::Truth;
use crate::kb::{EntityId, FactValue};
use crate::severity::Severity;

declare_check! {
    /// ## What it finds
    ///
    /// One person given two titles in one article that the rules say they never held at the
    /// same time: `Secretary of State Marco Rubio` and, later, `Senator Rubio`. Titles with
    /// `former`, `ex-` or `then-` are not compared, and neither are titles the rules do not
    /// give the person. The check runs on undated articles: with a date, `title-conflict`
    /// reports the stale title itself.
    ///
    /// ## Why
    ///
    /// An article that contradicts itself is wrong whatever the date: one of the two titles
    /// is stale.
    ///
    /// ## Example
    ///
    /// ```text
    /// Secretary of State Marco Rubio spoke first. Later, Senator Rubio took questions.
    /// ```
    ///
    /// ## How to silence it
    ///
    /// Use the title the person holds at the article's date, or mark the other as `former`.
    pub struct TitleInconsistent;
}

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let kb = cx.kb;
    let Some(holds) = kb.relation_by_name("holds") else {
        return;
    };
    if cx.date().is_some() {
        return;
    }
    // (person, title, span, claim text) of every plain title the rules give the person
    let mut seen: Vec<(EntityId, EntityId, crate::span::Span, String)> = Vec::new();
    for claim in &cx.extraction.claims {
        let ClaimBody::Title(t) = &claim.body else {
            continue;
        };
        let ([person], [title]) = (&t.person.ids[..], &t.title.ids[..]) else {
            continue;
        };
        if t.qualifier.is_some() {
            continue;
        }
        let terms = |title: EntityId| {
            kb.facts(*person, holds)
                .iter()
                .filter(move |f| f.value == FactValue::Entity(title))
        };
        if terms(*title).next().is_none() {
            continue;
        }
        let clash = seen.iter().find(|(p, other, ..)| {
            p == person
                && other != title
                // never held together: no pair of terms may overlap, even at the most generous reading
                && !terms(*other).any(|a| terms(*title).any(|b| overlaps_possibly(&a.validity, &b.validity)))
        });
        if let Some((_, other, other_span, other_text)) = clash {
            out.push(Finding {
                check: "title-inconsistent",
                severity: Severity::Error,
                message: format!(
                    "{} is called {} here and {} earlier, titles the rules say were never held at the same time",
                    kb.entity(*person).name,
                    t.title.text,
                    other_text
                ),
                span: claim.span(),
                labels: vec![Label { span: *other_span, message: "the other title".into() }],
                evidence: terms(*title).chain(terms(*other)).take(3).map(|f| super::Evidence { loc: f.loc, message: "a term in the rules".into() }).collect(),
                help: Some("use the title held at the article's date, or mark the other `former`".into()),
                claim: Some(ClaimSummary { kind: "title", subject: t.person.text.clone(), value: t.title.text.clone() }),
            });
        } else {
            seen.push((*person, *title, claim.span(), t.title.text.clone()));
        }
    }
}

/// Whether two validities may hold on a common day.
fn overlaps_possibly(a: &crate::kb::time::Validity, b: &crate::kb::time::Validity) -> bool {
    // probe a's possible days against b: b holding at a's start or a holding at b's start
    let starts = [a.from.or(a.on), b.from.or(b.on)];
    if starts.iter().all(Option::is_none) {
        return true;
    }
    starts
        .iter()
        .flatten()
        .any(|&d| a.holds_at(d) != Truth::No && b.holds_at(d) != Truth::No)
}
