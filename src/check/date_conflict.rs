use super::{ClaimSummary, Context, Evidence, Finding, declare_check, known_date};
use crate::extract::claim::{ClaimBody, DateForm};
use crate::kb::FactValue;
use crate::severity::Severity;

declare_check! {
    /// ## What it finds
    ///
    /// A dated fact that differs from the rules: an event given another date than its `on`
    /// fact (`the Riyadh talks on Feb. 19, 2025`), or a relation announced by a cue with a
    /// date that differs from the fact's (`annexed by Russia in 2016`, when the rules say
    /// `annexed_by "Russia" on 2014-03-18`). Dates are compared at the coarser precision of
    /// the two: `in 2014` agrees with `2014-03-18`.
    ///
    /// ## Why
    ///
    /// Wrong years and days are easy to make and hard for a reader to check; they spread
    /// when copied.
    ///
    /// ## Example
    ///
    /// ```text
    /// Crimea, annexed by Russia in 2016, ...
    /// ```
    ///
    /// ## How to silence it
    ///
    /// Correct the date. A fact the rules do not date is never judged.
    pub struct DateConflict;
}

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let kb = cx.kb;
    for claim in &cx.extraction.claims {
        match &claim.body {
            // `annexed by Russia in 2016`
            ClaimBody::Relation(r) => {
                let (Some(date), Some(date_span)) = (r.date, r.date_span) else {
                    continue;
                };
                let (Some(relation), [subject], [value]) = (
                    kb.relation_by_name(&r.relation),
                    &r.subject.ids[..],
                    &r.value.ids[..],
                ) else {
                    continue;
                };
                let facts: Vec<_> = kb
                    .facts(*subject, relation)
                    .iter()
                    .filter(|f| f.value == FactValue::Entity(*value))
                    .filter_map(|f| f.validity.on.or(f.validity.from).map(|d| (d, f)))
                    .collect();
                if facts.is_empty() || facts.iter().any(|(d, _)| d.agrees_with(date)) {
                    continue;
                }
                let (known, fact) = facts[0];
                out.push(Finding {
                    check: "date-conflict",
                    severity: Severity::Error,
                    message: format!(
                        "the rules date {} {} {} on {known}, not {date}",
                        kb.entity(*subject).name,
                        r.relation,
                        kb.entity(*value).name
                    ),
                    span: date_span,
                    labels: Vec::new(),
                    evidence: vec![Evidence {
                        loc: fact.loc,
                        message: format!("dated {known}"),
                    }],
                    help: Some("correct the date".into()),
                    claim: Some(ClaimSummary {
                        kind: "relation",
                        subject: r.subject.text.clone(),
                        value: format!("{} {}", r.cue.text, r.value.text),
                    }),
                });
            }
            // `the Riyadh talks on Feb. 19, 2025`
            ClaimBody::Date(d) if d.form == DateForm::Absolute => {
                let (Some(date), Some(subject)) = (d.date, &d.subject) else {
                    continue;
                };
                let [event] = subject.ids[..] else { continue };
                let Some((known, loc)) = known_date(kb, event) else {
                    continue;
                };
                if known.agrees_with(date) {
                    continue;
                }
                let name = &kb.entity(event).name;
                out.push(super::event_date_finding(
                    "date-conflict",
                    format!("{name} took place on {known}, not {date}"),
                    &d.expression,
                    subject,
                    (loc, name),
                    "correct the date, or the event it is given to",
                ));
            }
            _ => {}
        }
    }
}
