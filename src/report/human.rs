//! Rich terminal reports through miette: the article line with the claim underlined and
//! labelled, and each rule line that says otherwise, with its own snippet.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, SourceCode};

use super::{FileReport, Joined, Renderer, RunWriter};
use crate::check::Finding;
use crate::render::{self, IndexedSource, Snippet};
use crate::severity::Severity;
use crate::source::SourceMap;

/// Labels drawn under one finding; miette's layout is quadratic in their number, and a
/// snippet with more is unreadable anyway. The JSON and SARIF reports keep them all.
const MAX_LABELS: usize = 12;

pub struct Human {
    pub color: bool,
    pub width: usize,
}

impl Renderer for Human {
    fn file(&self, sources: &SourceMap, file: &FileReport) -> Vec<u8> {
        if file.findings.is_empty() {
            return Vec::new();
        }
        let handler = render::handler(self.color, self.width);
        let article = IndexedSource::new(
            &file.article.path,
            Arc::clone(&file.article.text),
            Arc::new(file.article.lines.clone()),
        );
        let mut out = String::new();
        for (i, f) in file.findings.iter().enumerate() {
            let hidden = f.labels.len().saturating_sub(MAX_LABELS);
            let help = match (&f.help, hidden) {
                (help, 0) => help.clone(),
                (Some(help), n) => Some(format!(
                    "{help}\n({n} more places not shown here; --format json lists them all)"
                )),
                (None, n) => Some(format!(
                    "{n} more places not shown here; --format json lists them all"
                )),
            };
            let report = FindingReport {
                finding: f,
                help,
                source: article.clone(),
                evidence: f
                    .evidence
                    .iter()
                    .map(|e| Snippet {
                        message: format!("the rules: {}", e.message),
                        source: sources.get(e.loc.file).named_source(),
                        span: e.loc.span,
                    })
                    .collect(),
            };
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&render::render(&handler, &report));
        }
        out.into_bytes()
    }

    /// Findings are separated by a blank line, across files too.
    fn begin<'w>(&self, out: &'w mut dyn Write) -> io::Result<Box<dyn RunWriter + 'w>> {
        Ok(Box::new(Joined::new(out, b"\n", None)))
    }
}

#[derive(Debug)]
struct FindingReport<'a> {
    finding: &'a Finding,
    help: Option<String>,
    source: IndexedSource,
    evidence: Vec<Snippet>,
}

impl fmt::Display for FindingReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingReport<'_> {}

impl Diagnostic for FindingReport<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.check))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.finding.claim.as_ref().map_or_else(
                || "here".to_string(),
                |c| format!("the article's {}", c.kind),
            )),
            self.finding.span,
        );
        let others = self
            .finding
            .labels
            .iter()
            .take(MAX_LABELS)
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), l.span));
        Some(Box::new(std::iter::once(primary).chain(others)))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.evidence.is_empty() {
            return None;
        }
        Some(Box::new(self.evidence.iter().map(|e| e as &dyn Diagnostic)))
    }
}
