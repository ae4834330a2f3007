//! Suppression comments in Markdown, and the `unused-suppression` note for the ones that
//! silence nothing.

use super::{CheckSettings, Finding, declare_check, find_check};
use crate::article::Article;
use crate::span::Span;

declare_check! {
    /// ## What it finds
    ///
    /// A suppression comment that silences nothing: `<!-- claimcheck-disable-next-line
    /// title-conflict -->` above a line with no such finding, or a
    /// `claimcheck-disable`/`claimcheck-enable` region with none inside. It is reported by
    /// the suppression pass that runs after the checks, as a note.
    ///
    /// Suppressions, in Markdown articles:
    ///
    /// - `<!-- claimcheck-disable-next-line CHECK[, CHECK] -->` silences the line after the
    ///   comment;
    /// - `<!-- claimcheck-disable CHECK -->` ... `<!-- claimcheck-enable CHECK -->` silences
    ///   a region (to the end of the file if it is never enabled again).
    ///
    /// With no CHECK, every check is silenced.
    ///
    /// ## Why
    ///
    /// Stale suppressions hide the next real finding on that line; reporting them keeps
    /// them few and deliberate.
    ///
    /// ## Example
    ///
    /// ```text
    /// <!-- claimcheck-disable-next-line title-conflict -->
    /// Secretary of State Marco Rubio spoke.
    /// ```
    ///
    /// when the title is right and nothing is reported on that line.
    ///
    /// ## How to silence it
    ///
    /// Remove the comment, or turn the note off with `--check unused-suppression=off`.
    pub struct UnusedSuppression;
}

/// This check's findings come from [`apply`], which needs the other checks' findings;
/// the catalogue entry's own pass has nothing to add.
pub fn run(_: &super::Context<'_>, _: &mut Vec<Finding>) {}

/// One suppression comment.
struct Directive {
    span: Span,
    /// Checks silenced (empty: every check).
    checks: Vec<String>,
    /// First and last line silenced (1-based, inclusive).
    lines: (u32, u32),
    used: bool,
}

fn parse_checks(rest: &str) -> Vec<String> {
    rest.split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

fn directives(article: &Article) -> Vec<Directive> {
    let mut out: Vec<Directive> = Vec::new();
    let last_line = article.lines.line_count() as u32;
    for c in &article.comments {
        let line_of = |offset: u32| article.position(offset).line;
        if let Some(rest) = c.body.strip_prefix("claimcheck-disable-next-line") {
            let next = line_of(c.span.end) + 1;
            out.push(Directive {
                span: c.span,
                checks: parse_checks(rest),
                lines: (next, next),
                used: false,
            });
        } else if let Some(rest) = c.body.strip_prefix("claimcheck-disable") {
            let from = line_of(c.span.start);
            out.push(Directive {
                span: c.span,
                checks: parse_checks(rest),
                lines: (from, last_line),
                used: false,
            });
        } else if let Some(rest) = c.body.strip_prefix("claimcheck-enable") {
            let until = line_of(c.span.start);
            let checks = parse_checks(rest);
            // close the open regions of these checks
            for d in out.iter_mut().rev() {
                if d.lines.1 == last_line
                    && d.lines.0 <= until
                    && (checks.is_empty() || d.checks == checks)
                {
                    d.lines.1 = until;
                }
            }
        }
    }
    out
}

/// Drops the findings that suppression comments silence, and adds an `unused-suppression`
/// note for each comment that silences nothing.
pub fn apply(article: &Article, findings: Vec<Finding>, settings: &CheckSettings) -> Vec<Finding> {
    let mut directives = directives(article);
    if directives.is_empty() {
        return findings;
    }
    let mut kept = Vec::with_capacity(findings.len());
    for f in findings {
        let line = article.position(f.span.start).line;
        let silenced = directives.iter_mut().find(|d| {
            d.lines.0 <= line
                && line <= d.lines.1
                && (d.checks.is_empty() || d.checks.iter().any(|c| c == f.check))
        });
        match silenced {
            Some(d) => d.used = true,
            None => kept.push(f),
        }
    }
    let severity = find_check("unused-suppression").and_then(|c| settings.severity(c));
    if let Some(severity) = severity {
        for d in directives.iter().filter(|d| !d.used) {
            kept.push(Finding {
                check: "unused-suppression",
                severity,
                message: "this suppression silences nothing".into(),
                span: d.span,
                labels: Vec::new(),
                evidence: Vec::new(),
                help: Some("remove the comment; it would hide the next real finding here".into()),
                claim: None,
            });
        }
        kept.sort_by(|a, b| {
            (a.span.start, a.span.end, a.check).cmp(&(b.span.start, b.span.end, b.check))
        });
    }
    kept
}

#[cfg(test)]
mod tests {
    use crate::article::{Article, Format};

    #[test]
    fn directives_cover_the_next_line_or_a_region() {
        let text = "a\n<!-- claimcheck-disable-next-line title-conflict, place-conflict -->\nb\n<!-- claimcheck-disable -->\nc\n<!-- claimcheck-enable -->\nd\n";
        let article = Article::parse("t.md", Format::Markdown, text.to_string());
        let d = super::directives(&article);
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[0].lines, d[0].checks.clone()),
            (
                (3, 3),
                vec!["title-conflict".to_string(), "place-conflict".to_string()]
            )
        );
        assert_eq!((d[1].lines, d[1].checks.len()), ((4, 6), 0));
    }
}
