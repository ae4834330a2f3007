use super::{ClaimSummary, Context, Evidence, Finding, declare_check};
use crate::extract::claim::ClaimBody;
use crate::kb::FactValue;
use crate::severity::Severity;

declare_check! {
    /// ## What it finds
    ///
    /// A claim the rules mark as false with `not`: `not "Ukraine" member_of "NATO"` makes
    /// `Ukraine joined NATO` a finding. Claims are found through the relation's `cue`
    /// phrases (`joined`, `member of`, `annexed by` ...).
    ///
    /// ## Why
    ///
    /// Debunked claims come back. A rule written once catches every article that repeats
    /// one.
    ///
    /// ## Example
    ///
    /// ```text
    /// Ukraine joined NATO in 2008.
    /// ```
    ///
    /// ## How to silence it
    ///
    /// Correct the claim. If the rule is wrong (the fact changed), remove or date the `not`
    /// rule.
    pub struct KnownFalse;
}

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let kb = cx.kb;
    for claim in &cx.extraction.claims {
        let ClaimBody::Relation(r) = &claim.body else {
            continue;
        };
        let Some(relation) = kb.relation_by_name(&r.relation) else {
            continue;
        };
        let ([subject], [value]) = (&r.subject.ids[..], &r.value.ids[..]) else {
            continue;
        };
        let denied = kb.known_false().iter().find(|f| {
            f.subject == *subject
                && f.relation == relation
                && f.value == FactValue::Entity(*value)
                && cx.date().is_none_or(|d| {
                    f.validity.is_always() || f.validity.holds_at(d) != crate::kb::time::Truth::No
                })
        });
        let Some(fact) = denied else { continue };
        out.push(Finding {
            check: "known-false",
            severity: Severity::Error,
            message: format!(
                "the rules mark this as false: {} is not {} {}",
                kb.entity(*subject).name,
                r.relation.replace('_', " "),
                kb.entity(*value).name
            ),
            span: claim.span(),
            labels: Vec::new(),
            evidence: vec![Evidence {
                loc: fact.loc,
                message: "a claim known to be false".into(),
            }],
            help: Some(
                "correct the claim; if the facts have changed, update the `not` rule".into(),
            ),
            claim: Some(ClaimSummary {
                kind: "relation",
                subject: r.subject.text.clone(),
                value: format!("{} {}", r.cue.text, r.value.text),
            }),
        });
    }
}
