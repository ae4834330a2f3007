use super::{ClaimSummary, Context, Evidence, Finding, Label, declare_check};
use crate::extract::claim::{ClaimBody, PlaceClaim};
use crate::kb::{EntityId, FactValue};
use crate::severity::Severity;

declare_check! {
    /// ## What it finds
    ///
    /// An event placed somewhere incompatible with the rules (`at` facts) or with the article
    /// itself. Two places are compatible when one lies within the other (`Riyadh` is in
    /// `Saudi Arabia`). A known event is compared with its `at` facts. The article's own
    /// unnamed meeting (`met in`, `the meeting in`, `talks in`) is compared with itself only
    /// where the article refers back to it: `the meeting in X` is compared with the place
    /// given last before it; `met in X`, `a meeting in X` and `gathered in X` may be other
    /// meetings and start afresh.
    ///
    /// ## Why
    ///
    /// A meeting placed in two cities, or in the wrong one, is a factual error readers spot
    /// and remember.
    ///
    /// ## Example
    ///
    /// ```text
    /// US and Russian officials met in Saudi Arabia on Tuesday. ... The meeting in Istanbul
    /// lasted four hours.
    /// ```
    ///
    /// ## How to silence it
    ///
    /// Correct the place. If both places are right, make the containment known to the rules
    /// (`city "Riyadh" in "Saudi Arabia"`). A place the rules do not know is never judged.
    pub struct PlaceConflict;
}

/// Words that name the article's own meeting. (`meetings` is not one: several meetings may
/// well be in several places.)
const MEETING_WORDS: &[&str] = &[
    "met",
    "meet",
    "meets",
    "meeting",
    "talks",
    "summit",
    "negotiations",
    "held",
    "gathered",
    "convened",
];

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let kb = cx.kb;
    let Some(within) = kb.relation_by_name("in") else {
        return;
    };
    let compatible =
        |a: EntityId, b: EntityId| a == b || kb.within(within, a, b) || kb.within(within, b, a);
    let at = kb.relation_by_name("at");
    let mut earlier: Vec<(&PlaceClaim, EntityId)> = Vec::new();
    for claim in &cx.extraction.claims {
        let ClaimBody::Place(p) = &claim.body else {
            continue;
        };
        let [place] = p.place.ids[..] else { continue };
        // a known event: its `at` facts
        if let ([event], Some(at)) = (&p.event.ids[..], at) {
            let known: Vec<_> = kb.facts(*event, at).iter().collect();
            let places: Vec<EntityId> = known
                .iter()
                .filter_map(|f| match f.value {
                    FactValue::Entity(e) => Some(e),
                    _ => None,
                })
                .collect();
            if !places.is_empty() && !places.iter().any(|&k| compatible(k, place)) {
                let event_name = &kb.entity(*event).name;
                let names: Vec<&str> = places.iter().map(|&k| &*kb.entity(k).name).collect();
                out.push(Finding {
                    check: "place-conflict",
                    severity: Severity::Error,
                    message: format!(
                        "{event_name} took place in {}, not {}",
                        names.join(" and "),
                        p.place.text
                    ),
                    span: p.place.span,
                    labels: Vec::new(),
                    evidence: known
                        .iter()
                        .map(|f| Evidence {
                            loc: f.loc,
                            message: format!("where {event_name} took place"),
                        })
                        .collect(),
                    help: Some("correct the place, or the event it is given to".into()),
                    claim: Some(ClaimSummary {
                        kind: "place",
                        subject: p.event.text.clone(),
                        value: p.place.text.clone(),
                    }),
                });
            }
            continue;
        }
        // the article's own meeting: every place given to it must be compatible
        let meeting = p
            .event
            .text
            .split_whitespace()
            .last()
            .is_some_and(|w| crate::extract::words::in_list(w, MEETING_WORDS));
        if !meeting || claim.headline {
            continue;
        }
        // Only `the meeting in X` refers back, to the meeting placed last: `met in X`,
        // `a meeting in X` and `gathered in X` may well be other meetings.
        let before = cx.article.prose[..p.event.span.start as usize].trim_end();
        let the = |w: &str| w.eq_ignore_ascii_case("the");
        let definite = p.event.text.split_whitespace().next().is_some_and(the)
            || before
                .rsplit(|c: char| !c.is_alphabetic())
                .next()
                .is_some_and(the);
        let last = earlier
            .last()
            .filter(|(_, e)| definite && !compatible(*e, place));
        if let Some((first, first_place)) = last {
            out.push(Finding {
                check: "place-conflict",
                severity: Severity::Error,
                message: format!(
                    "the article places the meeting in {} and, earlier, in {}: neither lies within the other",
                    kb.entity(place).name,
                    kb.entity(*first_place).name
                ),
                span: p.place.span,
                labels: vec![Label { span: first.place.span, message: "placed here first".into() }],
                evidence: Vec::new(),
                help: Some("correct one of the places; if both are right, tell the rules that one lies within the other".into()),
                claim: Some(ClaimSummary { kind: "place", subject: p.event.text.clone(), value: p.place.text.clone() }),
            });
        } else {
            earlier.push((p, place));
        }
    }
}
