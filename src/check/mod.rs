//! The evaluator: checks read an article's claims, the article and the knowledge base, and
//! return findings. Checks never print; findings are plain data rendered by `report`.
//!
//! One check per file. Each is declared with [`declare_check!`], whose doc comment is the
//! check's documentation (`claimcheck explain NAME`), and listed once in [`CHECKS`].

mod date_conflict;
mod elapsed_time_conflict;
mod headline_unsupported;
mod index;
mod known_false;
mod missing_date;
mod name_misspelled;
mod name_variant;
mod place_conflict;
mod quote_misattributed;
mod title_conflict;
mod title_inconsistent;
mod unused_suppression;
mod weekday_conflict;

use serde::Serialize;

pub use index::CheckIndex;

use crate::article::Article;
use crate::extract::Extraction;
use crate::kb::KnowledgeBase;
use crate::kb::time::FactDate;
use crate::severity::Severity;
use crate::source::Loc;
use crate::span::Span;

/// A contradiction (or a note) found in an article.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub check: &'static str,
    pub severity: Severity,
    /// What is wrong, and what the rules say instead.
    pub message: String,
    /// The article's words.
    pub span: Span,
    /// Other words of the article that take part (the other claim of a contradiction).
    pub labels: Vec<Label>,
    /// Rule lines that say otherwise.
    pub evidence: Vec<Evidence>,
    pub help: Option<String>,
    /// The claim, summarized: kind, subject and value as written.
    pub claim: Option<ClaimSummary>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    pub loc: Loc,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimSummary {
    pub kind: &'static str,
    pub subject: String,
    pub value: String,
}

/// What a check sees.
pub struct Context<'a> {
    pub kb: &'a KnowledgeBase,
    pub article: &'a Article,
    pub extraction: &'a Extraction,
}

impl Context<'_> {
    /// The date claims are judged at, if any: the extraction's (`--date`, else front matter,
    /// else dateline; for `--claims`, the claims file's).
    pub fn date(&self) -> Option<FactDate> {
        self.extraction.date
    }
}

/// A check in the catalogue.
pub struct CheckInfo {
    pub name: &'static str,
    pub default_severity: Severity,
    /// The check's doc comment: "What it finds", "Why", "Example", "How to silence it".
    pub doc: &'static str,
    pub run: fn(&Context<'_>, &mut Vec<Finding>),
}

/// Declares a check: a unit struct carrying its doc comment as `DOC`.
macro_rules! declare_check {
    ($(#[doc = $doc:literal])* pub struct $name:ident;) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            pub const DOC: &'static str = concat!($($doc, "\n"),*);
        }
    };
}
pub(crate) use declare_check;

/// The catalogue, in the order `claimcheck checks` lists it.
pub static CHECKS: &[CheckInfo] = &[
    CheckInfo {
        name: "title-conflict",
        default_severity: Severity::Error,
        doc: title_conflict::TitleConflict::DOC,
        run: title_conflict::run,
    },
    CheckInfo {
        name: "title-inconsistent",
        default_severity: Severity::Error,
        doc: title_inconsistent::TitleInconsistent::DOC,
        run: title_inconsistent::run,
    },
    CheckInfo {
        name: "place-conflict",
        default_severity: Severity::Error,
        doc: place_conflict::PlaceConflict::DOC,
        run: place_conflict::run,
    },
    CheckInfo {
        name: "date-conflict",
        default_severity: Severity::Error,
        doc: date_conflict::DateConflict::DOC,
        run: date_conflict::run,
    },
    CheckInfo {
        name: "weekday-conflict",
        default_severity: Severity::Error,
        doc: weekday_conflict::WeekdayConflict::DOC,
        run: weekday_conflict::run,
    },
    CheckInfo {
        name: "elapsed-time-conflict",
        default_severity: Severity::Error,
        doc: elapsed_time_conflict::ElapsedTimeConflict::DOC,
        run: elapsed_time_conflict::run,
    },
    CheckInfo {
        name: "quote-misattributed",
        default_severity: Severity::Error,
        doc: quote_misattributed::QuoteMisattributed::DOC,
        run: quote_misattributed::run,
    },
    CheckInfo {
        name: "known-false",
        default_severity: Severity::Error,
        doc: known_false::KnownFalse::DOC,
        run: known_false::run,
    },
    CheckInfo {
        name: "headline-unsupported",
        default_severity: Severity::Warning,
        doc: headline_unsupported::HeadlineUnsupported::DOC,
        run: headline_unsupported::run,
    },
    CheckInfo {
        name: "name-misspelled",
        default_severity: Severity::Warning,
        doc: name_misspelled::NameMisspelled::DOC,
        run: name_misspelled::run,
    },
    CheckInfo {
        name: "name-variant",
        default_severity: Severity::Warning,
        doc: name_variant::NameVariant::DOC,
        run: name_variant::run,
    },
    CheckInfo {
        name: "unused-suppression",
        default_severity: Severity::Note,
        doc: unused_suppression::UnusedSuppression::DOC,
        run: unused_suppression::run,
    },
    CheckInfo {
        name: "missing-date",
        default_severity: Severity::Note,
        doc: missing_date::MissingDate::DOC,
        run: missing_date::run,
    },
];

/// The date the rules give an event (`on`), and the rule line.
pub(crate) fn known_date(
    kb: &KnowledgeBase,
    event: crate::kb::EntityId,
) -> Option<(FactDate, Loc)> {
    let on = kb.relation_by_name("on")?;
    kb.facts(event, on).iter().find_map(|f| match f.value {
        crate::kb::FactValue::Date(d) => Some((d, f.loc)),
        _ => None,
    })
}

/// A finding about a date expression given to a known event: the expression is the primary
/// span, the event's words a label, and the event's `on` rule line the evidence.
pub(crate) fn event_date_finding(
    check: &'static str,
    message: String,
    expression: &crate::extract::claim::Ref,
    subject: &crate::extract::claim::Ref,
    (loc, event_name): (Loc, &str),
    help: &str,
) -> Finding {
    Finding {
        check,
        severity: Severity::Error,
        message,
        span: expression.span,
        labels: vec![Label {
            span: subject.span,
            message: "the event".into(),
        }],
        evidence: vec![Evidence {
            loc,
            message: format!("the date of {event_name}"),
        }],
        help: Some(help.into()),
        claim: Some(ClaimSummary {
            kind: "date",
            subject: subject.text.clone(),
            value: expression.text.clone(),
        }),
    }
}

/// The check called `name`.
pub fn find_check(name: &str) -> Option<&'static CheckInfo> {
    CHECKS.iter().find(|c| c.name == name)
}

/// A check's severity as configured: its default, changed or turned off.
#[derive(Clone, Debug, Default)]
pub struct CheckSettings {
    /// (check, level); `None` turns the check off.
    pub overrides: Vec<(&'static str, Option<Severity>)>,
}

impl CheckSettings {
    pub fn severity(&self, check: &CheckInfo) -> Option<Severity> {
        match self
            .overrides
            .iter()
            .rev()
            .find(|(name, _)| *name == check.name)
        {
            Some((_, level)) => *level,
            None => Some(check.default_severity),
        }
    }
}

/// Runs every enabled check over one article. Findings come back sorted by position, then
/// by check name, so output is deterministic.
pub fn run_checks(cx: &Context<'_>, settings: &CheckSettings) -> Vec<Finding> {
    let mut findings = Vec::new();
    for check in CHECKS {
        let Some(severity) = settings.severity(check) else {
            continue;
        };
        let start = findings.len();
        (check.run)(cx, &mut findings);
        for f in &mut findings[start..] {
            f.severity = severity;
        }
    }
    findings.sort_by(|a, b| {
        (a.span.start, a.span.end, a.check).cmp(&(b.span.start, b.span.end, b.check))
    });
    unused_suppression::apply(cx.article, findings, settings)
}

/// The documentation of a check, with its leading spaces trimmed (as `explain` prints it).
pub fn documentation(check: &CheckInfo) -> String {
    check
        .doc
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}
