use super::{ClaimSummary, Context, Finding, declare_check, known_date};
use crate::extract::claim::{ClaimBody, DateForm};
use crate::extract::dates::weekday_name;
use crate::kb::time::Precision;
use crate::severity::Severity;

declare_check! {
    /// ## What it finds
    ///
    /// A weekday that contradicts the date it names (`Thursday, Feb. 18, 2025`: that day was a
    /// Tuesday), or a weekday given to a known event that falls on another day, or outside
    /// the days the expression can mean at the article's date (`last Wednesday` is one to
    /// thirteen days before it; `on Tuesday` within six days either way).
    ///
    /// ## Why
    ///
    /// Weekdays are usually written from memory, and a wrong one casts doubt on the date
    /// beside it.
    ///
    /// ## Example
    ///
    /// ```text
    /// The talks began on Thursday, Feb. 18, 2025.
    /// ```
    ///
    /// ## How to silence it
    ///
    /// Correct the weekday or the date. Without an article date, relative weekdays are not
    /// judged.
    pub struct WeekdayConflict;
}

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let kb = cx.kb;
    for claim in &cx.extraction.claims {
        let ClaimBody::Date(d) = &claim.body else {
            continue;
        };
        let Some(named) = &d.weekday else { continue };
        // `Thursday, Feb. 18, 2025`
        if d.form == DateForm::Absolute {
            let Some(date) = d.date.filter(|x| x.precision() == Precision::Day) else {
                continue;
            };
            let actual = weekday_name(date.first_day().weekday());
            if actual != named {
                out.push(Finding {
                    check: "weekday-conflict",
                    severity: Severity::Error,
                    message: format!("{date} was a {actual}, not a {named}"),
                    span: d.expression.span,
                    labels: Vec::new(),
                    evidence: Vec::new(),
                    help: Some(format!("write `{actual}`, or correct the date")),
                    claim: Some(ClaimSummary {
                        kind: "date",
                        subject: d.expression.text.clone(),
                        value: named.clone(),
                    }),
                });
            }
            continue;
        }
        // `on Tuesday` for a known event
        let Some(subject) = &d.subject else { continue };
        let [event] = subject.ids[..] else { continue };
        let Some((known, loc)) = known_date(kb, event) else {
            continue;
        };
        if known.precision() != Precision::Day {
            continue;
        }
        let day = known.first_day();
        let actual = weekday_name(day.weekday());
        let outside = d.resolved.is_some_and(|r| day < r.first || day > r.last);
        if actual == named && !outside {
            continue;
        }
        let name = &kb.entity(event).name;
        let at = cx
            .date()
            .map_or(String::new(), |a| format!(" (judged at {a})"));
        let message = if actual != named {
            format!("{name} took place on {known}, a {actual}, not a {named}{at}")
        } else {
            format!(
                "{name} took place on {known}, which `{}` cannot mean{at}",
                d.expression.text
            )
        };
        out.push(super::event_date_finding(
            "weekday-conflict",
            message,
            &d.expression,
            subject,
            (loc, name),
            "correct the weekday, or the event it is given to",
        ));
    }
}
