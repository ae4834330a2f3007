//! Annotated fixture articles (`claimcheck test`): HTML comments in an article say which
//! findings it must produce, so that rule sets and checks have tests.
//!
//! ```text
//! <!-- claimcheck-test date="2025-02-18" rules="../rules/world" -->
//! <!-- expect: title-conflict "Defense Secretary Marco Rubio" -->
//! Defense Secretary Marco Rubio described the meeting as a first step.
//! <!-- ok: title-conflict -->
//! Former senator Marco Rubio now leads the State Department.
//! Secretary of State Marco Rubio spoke.
//! <!-- expect^: name-variant -->
//! <!-- todo-expect: place-conflict -->
//! ```
//!
//! `expect` covers the next line, `expect^` the line above it, `ok` says the next line has
//! no finding of that check, and `todo-expect` records a known miss without failing. The
//! quoted text, when given, must be contained in the finding's text. A finding on a line
//! with no `expect` for its check fails the fixture, and so does an `expect` with no finding.
//! The header's `rules` (relative to the fixture) replace the default rules; `date` sets
//! the article date.

use std::collections::BTreeMap;

use crate::article::Article;
use crate::check::Finding;

/// One expectation from a comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    pub kind: ExpectKind,
    pub check: String,
    pub text: Option<String>,
    /// The line the expectation covers (1-based).
    pub line: u32,
    /// The comment's own line, for messages.
    pub at: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectKind {
    Expect,
    Ok,
    Todo,
}

/// The fixture header: `<!-- claimcheck-test date="..." rules="..." -->`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Header {
    pub date: Option<String>,
    pub rules: Option<String>,
}

fn attribute(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("{name}=\""))? + name.len() + 2;
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_string())
}

/// The header and expectations of an article.
pub fn annotations(article: &Article) -> (Header, Vec<Expectation>) {
    let mut header = Header::default();
    let mut expectations = Vec::new();
    for c in &article.comments {
        let body = c.body.as_str();
        if let Some(rest) = body.strip_prefix("claimcheck-test") {
            header = Header {
                date: attribute(rest, "date"),
                rules: attribute(rest, "rules"),
            };
            continue;
        }
        let (kind, rest, above) = if let Some(r) = body.strip_prefix("expect^:") {
            (ExpectKind::Expect, r, true)
        } else if let Some(r) = body.strip_prefix("expect:") {
            (ExpectKind::Expect, r, false)
        } else if let Some(r) = body.strip_prefix("ok:") {
            (ExpectKind::Ok, r, false)
        } else if let Some(r) = body.strip_prefix("todo-expect:") {
            (ExpectKind::Todo, r, false)
        } else {
            continue;
        };
        let rest = rest.trim();
        let (check, text) = match rest.split_once(char::is_whitespace) {
            Some((check, quoted)) => {
                let q = quoted.trim();
                (
                    check,
                    q.strip_prefix('"')
                        .and_then(|q| q.strip_suffix('"'))
                        .map(str::to_string),
                )
            }
            None => (rest, None),
        };
        let at = article.position(c.span.start).line;
        let end_line = article.position(c.span.end).line;
        let line = if above {
            at.saturating_sub(1)
        } else {
            end_line + 1
        };
        expectations.push(Expectation {
            kind,
            check: check.to_string(),
            text,
            line,
            at,
        });
    }
    (header, expectations)
}

/// Per-check counts of a fixture run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub todo: usize,
}

/// The outcome of one fixture.
#[derive(Debug, Default)]
pub struct FixtureResult {
    pub tallies: BTreeMap<String, Tally>,
    /// What went wrong, one line each (empty: the fixture passes).
    pub failures: Vec<String>,
}

/// Compares findings with expectations.
pub fn compare(
    article: &Article,
    findings: &[Finding],
    expectations: &[Expectation],
) -> FixtureResult {
    let mut result = FixtureResult::default();
    let mut matched = vec![false; findings.len()];
    let line_of = |f: &Finding| article.position(f.span.start).line;
    for e in expectations {
        let tally = result.tallies.entry(e.check.clone()).or_default();
        let hits: Vec<usize> = findings
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.check == e.check
                    && line_of(f) == e.line
                    && e.text.as_ref().is_none_or(|t| {
                        article.slice(f.span).contains(t.as_str()) || f.message.contains(t.as_str())
                    })
            })
            .map(|(i, _)| i)
            .collect();
        match e.kind {
            ExpectKind::Expect if hits.is_empty() => {
                tally.false_negatives += 1;
                result.failures.push(format!(
                    "line {}: expected {}{} (annotation on line {}), found none",
                    e.line,
                    e.check,
                    e.text
                        .as_ref()
                        .map_or(String::new(), |t| format!(" \"{t}\"")),
                    e.at
                ));
            }
            ExpectKind::Expect => {
                tally.true_positives += 1;
                for i in hits {
                    matched[i] = true;
                }
            }
            ExpectKind::Ok => {
                if !hits.is_empty() {
                    tally.false_positives += hits.len();
                    for &i in &hits {
                        matched[i] = true;
                        result.failures.push(format!(
                            "line {}: `ok: {}` but found: {}",
                            e.line, e.check, findings[i].message
                        ));
                    }
                }
            }
            ExpectKind::Todo => {
                tally.todo += 1;
                for i in hits {
                    matched[i] = true;
                }
            }
        }
    }
    for (i, f) in findings.iter().enumerate() {
        if !matched[i] {
            result
                .tallies
                .entry(f.check.to_string())
                .or_default()
                .false_positives += 1;
            result.failures.push(format!(
                "line {}: unexpected {}: {} ({})",
                line_of(f),
                f.check,
                f.message,
                article.slice(f.span)
            ));
        }
    }
    result
}
