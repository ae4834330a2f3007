//! The JSON report, version 1 (`docs/output.md`). Field names are a contract: fields may be
//! added, never renamed, within a version.

use std::io::{self, Write};

use serde::Serialize;

use super::{Renderer, RunReport};
use crate::article::Article;
use crate::check::{ClaimSummary, Finding};
use crate::severity::Severity;
use crate::source::SourceMap;
use crate::span::{Position, Span};

pub struct Json;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<FindingJson<'a>>,
    errors: Vec<ErrorJson<'a>>,
    summary: Summary,
}

/// One finding as the JSON report writes it (also a record of `check --stdin-jsonl`).
#[derive(Serialize)]
pub(crate) struct FindingJson<'a> {
    check: &'a str,
    severity: Severity,
    message: &'a str,
    path: &'a str,
    span: Span,
    start: Position,
    end: Position,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<&'a ClaimSummary>,
    labels: Vec<Located<'a>>,
    evidence: Vec<Located<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct Located<'a> {
    path: &'a str,
    start: Position,
    end: Position,
    text: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
}

/// A finding with its positions, words and evidence resolved for output.
pub(crate) fn finding_json<'a>(
    sources: &'a SourceMap,
    a: &'a Article,
    f: &'a Finding,
) -> FindingJson<'a> {
    FindingJson {
        check: f.check,
        severity: f.severity,
        message: &f.message,
        path: &a.path,
        span: f.span,
        start: a.position(f.span.start),
        end: a.position(f.span.end),
        text: a.slice(f.span),
        claim: f.claim.as_ref(),
        labels: f
            .labels
            .iter()
            .map(|l| Located {
                path: &a.path,
                start: a.position(l.span.start),
                end: a.position(l.span.end),
                text: a.slice(l.span),
                message: &l.message,
            })
            .collect(),
        evidence: f
            .evidence
            .iter()
            .map(|e| {
                let source = sources.get(e.loc.file);
                Located {
                    path: source.name(),
                    start: source.position(e.loc.span.start),
                    end: source.position(e.loc.span.end),
                    text: sources.text(e.loc),
                    message: &e.message,
                }
            })
            .collect(),
        help: f.help.as_deref(),
    }
}

impl Renderer for Json {
    fn render(&self, run: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        let sources = run.kb.sources();
        let mut findings = Vec::new();
        for file in &run.files {
            for f in &file.findings {
                findings.push(finding_json(sources, &file.article, f));
            }
        }
        let document = Document {
            version: 1,
            findings,
            errors: run
                .errors
                .iter()
                .map(|e| ErrorJson {
                    path: &e.path,
                    message: &e.message,
                })
                .collect(),
            summary: Summary {
                files: run.files.len(),
                errors: run.count(Severity::Error),
                warnings: run.count(Severity::Warning),
                notes: run.count(Severity::Note),
            },
        };
        // `From` keeps an I/O error's kind (a broken pipe stays one, and exits quietly)
        serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::from)?;
        writeln!(out)
    }
}
