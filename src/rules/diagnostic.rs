//! Problems found in rule files, as plain data, and their rendering through miette.
//!
//! A [`RuleDiagnostic`] names its file and span through a [`Loc`]; it knows nothing about
//! terminals. [`RuleErrors`] keeps the sources beside the diagnostics so that they can be
//! rendered later: labels in the same file as the primary span are drawn in one snippet,
//! labels in other files become related diagnostics with their own snippet.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, SourceCode};

use crate::render::Snippet;
use crate::source::{Loc, SourceMap};

/// One problem in the rules.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDiagnostic {
    /// A stable code such as `rules::unknown-entity`.
    pub code: &'static str,
    pub message: String,
    /// Where it is; `None` for problems with no place in a file (a path that does not exist).
    pub primary: Option<Loc>,
    pub label: String,
    /// Other places that take part (the first declaration of a duplicate).
    pub secondary: Vec<(Loc, String)>,
    pub help: Option<String>,
}

impl RuleDiagnostic {
    pub fn new(
        code: &'static str,
        message: impl Into<String>,
        primary: Loc,
        label: impl Into<String>,
    ) -> Self {
        RuleDiagnostic {
            code,
            message: message.into(),
            primary: Some(primary),
            label: label.into(),
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn without_location(code: &'static str, message: impl Into<String>) -> Self {
        RuleDiagnostic {
            code,
            message: message.into(),
            primary: None,
            label: String::new(),
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, loc: Loc, label: impl Into<String>) -> Self {
        self.secondary.push((loc, label.into()));
        self
    }
}

/// Every problem found while loading rules, with the sources needed to show them.
#[derive(Debug)]
pub struct RuleErrors {
    pub sources: SourceMap,
    pub diagnostics: Vec<RuleDiagnostic>,
    /// Syntax errors counted but not kept (past [`crate::rules::parser::MAX_KEPT_ERRORS`]
    /// in a file).
    pub omitted: usize,
}

impl RuleErrors {
    /// Every error found, kept or only counted.
    pub fn count(&self) -> usize {
        self.diagnostics.len() + self.omitted
    }
}

impl RuleErrors {
    /// Diagnostics ready for a miette handler, in the order they were found.
    pub fn reports(&self) -> impl Iterator<Item = RuleReport<'_>> {
        self.diagnostics
            .iter()
            .map(|d| RuleReport::new(d, &self.sources))
    }

    /// `path:line:col: error[code]: message`, one line per diagnostic.
    pub fn short_lines(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .map(|d| match d.primary {
                Some(loc) => {
                    let file = self.sources.get(loc.file);
                    let pos = file.position(loc.span.start);
                    format!(
                        "{}:{}:{}: error[{}]: {}",
                        file.name(),
                        pos.line,
                        pos.column,
                        d.code,
                        d.message
                    )
                }
                None => format!("error[{}]: {}", d.code, d.message),
            })
            .collect()
    }
}

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short_lines().join("\n"))
    }
}

impl std::error::Error for RuleErrors {}

/// A [`RuleDiagnostic`] joined to its source, as a miette [`Diagnostic`].
#[derive(Debug)]
pub struct RuleReport<'a> {
    diagnostic: &'a RuleDiagnostic,
    source: Option<crate::render::IndexedSource>,
    labels: Vec<LabeledSpan>,
    related: Vec<Snippet>,
}

impl<'a> RuleReport<'a> {
    fn new(diagnostic: &'a RuleDiagnostic, sources: &SourceMap) -> Self {
        let mut labels = Vec::new();
        let mut related = Vec::new();
        if let Some(primary) = diagnostic.primary {
            labels.push(LabeledSpan::new_primary_with_span(
                Some(diagnostic.label.clone()),
                primary.span,
            ));
            for (loc, label) in &diagnostic.secondary {
                if loc.file == primary.file {
                    labels.push(LabeledSpan::new_with_span(Some(label.clone()), loc.span));
                } else {
                    related.push(Snippet {
                        message: label.clone(),
                        source: sources.get(loc.file).named_source(),
                        span: loc.span,
                    });
                }
            }
        }
        RuleReport {
            diagnostic,
            source: diagnostic
                .primary
                .map(|p| sources.get(p.file).named_source()),
            labels,
            related,
        }
    }
}

impl fmt::Display for RuleReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for RuleReport<'_> {}

impl Diagnostic for RuleReport<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code))
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}
