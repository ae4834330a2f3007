use super::{Context, Finding, declare_check};
use crate::severity::Severity;
use crate::span::Span;

declare_check! {
    /// ## What it finds
    ///
    /// An article with no date: no `date:` in its front matter, no dateline, and no `--date`.
    /// Reported once per article, as a note.
    ///
    /// ## Why
    ///
    /// Titles, weekdays and relative times ("nearly three years ago") can only be judged at a
    /// date. Without one, temporal checks compare against any time, so they find less.
    ///
    /// ## Example
    ///
    /// ```text
    /// Secretary of State Marco Rubio met Sergey Lavrov on Tuesday.
    /// ```
    ///
    /// with no front matter and no dateline.
    ///
    /// ## How to silence it
    ///
    /// Give the article a date: front matter `date: 2025-02-18`, a dateline
    /// (`Feb. 18, 2025 —`), or `claimcheck check --date 2025-02-18`. Or turn the note off with
    /// `--check missing-date=off`.
    pub struct MissingDate;
}

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if cx.date().is_some() {
        return;
    }
    // point at the start of the article's first block
    let at = cx
        .article
        .blocks
        .first()
        .map_or(0, |b| b.span.start as usize);
    let end = cx.article.text[at..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8());
    out.push(Finding {
        check: "missing-date",
        severity: Severity::Note,
        message: "the article has no date: temporal checks compare against any time".into(),
        span: Span::new(at, end),
        labels: Vec::new(),
        evidence: Vec::new(),
        help: Some(
            "add `date: YYYY-MM-DD` to the front matter, a dateline, or pass `--date`".into(),
        ),
        claim: None,
    });
}
