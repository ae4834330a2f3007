use super::{Context, Finding, declare_check, known_date};
use crate::extract::claim::{ClaimBody, DateForm};

declare_check! {
    /// ## What it finds
    ///
    /// A relative time (`nearly three years ago`) given to a known event that does not fit
    /// the event's date at the article's date. Hedges widen the allowance: `N years ago`
    /// means N ± half a year; `nearly N` a little under N; `about N` N ± 10 % (at least half
    /// a unit); `more than N` above N.
    ///
    /// ## Why
    ///
    /// Elapsed times are computed in the writer's head, and go stale when a story is reused.
    ///
    /// ## Example
    ///
    /// In an article dated 2025-02-18:
    ///
    /// ```text
    /// since Moscow launched its full-scale invasion of Ukraine nearly five years ago
    /// ```
    ///
    /// The invasion began on 2022-02-24, just under three years before.
    ///
    /// ## How to silence it
    ///
    /// Correct the elapsed time. Without an article date, nothing is judged.
    pub struct ElapsedTimeConflict;
}

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(today) = cx.date() else { return };
    for claim in &cx.extraction.claims {
        let ClaimBody::Date(d) = &claim.body else {
            continue;
        };
        if d.form != DateForm::Relative {
            continue;
        }
        let (Some(range), Some(subject)) = (d.resolved, &d.subject) else {
            continue;
        };
        let [event] = subject.ids[..] else { continue };
        let Some((known, loc)) = known_date(cx.kb, event) else {
            continue;
        };
        // the event's possible days must meet the expression's
        if known.last_day() >= range.first && known.first_day() <= range.last {
            continue;
        }
        let name = &cx.kb.entity(event).name;
        let years = (today.first_day() - known.first_day()).get_days() as f64 / 365.2425;
        out.push(super::event_date_finding(
            "elapsed-time-conflict",
            format!(
                "{name} took place on {known}, {years:.1} years before {today}: `{}` does not fit",
                d.expression.text
            ),
            &d.expression,
            subject,
            (loc, name),
            "correct the elapsed time, or the article's date",
        ));
    }
}
