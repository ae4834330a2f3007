//! The JSON report, version 1 (`docs/output.md`). Field names are a contract: fields may be
//! added, never renamed, within a version.

use std::io::{self, Write};

use serde::Serialize;

use super::{FileReport, Renderer, RunWriter, Totals, pretty_at};
use crate::article::Article;
use crate::check::{ClaimSummary, Finding};
use crate::files::FileError;
use crate::severity::Severity;
use crate::source::SourceMap;
use crate::span::{Position, Span};

pub struct Json;

// The document, version 1, is an object with `version`, `findings`, `errors` and `summary`,
// in that order, pretty-printed; `JsonWriter` writes it a part at a time.

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
    /// The file's findings as elements of the document's `findings` array, pretty-printed at
    /// their depth and separated as serde_json separates them.
    fn file(&self, sources: &SourceMap, file: &FileReport) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, f) in file.findings.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(ELEMENT_SEPARATOR);
            }
            // a finding is plain data: serializing it into a Vec cannot fail
            let _ = pretty_at(&finding_json(sources, &file.article, f), 2, &mut out);
        }
        out
    }

    /// The document is written as `serde_json::to_writer_pretty` writes [`Document`]: the
    /// start up to `"findings": [`, then the findings as files are done, then the rest.
    fn begin<'w>(&self, out: &'w mut dyn Write) -> io::Result<Box<dyn RunWriter + 'w>> {
        out.write_all(b"{\n  \"version\": 1,\n  \"findings\": [")?;
        Ok(Box::new(JsonWriter { out, first: true }))
    }
}

/// Between two elements of the `findings` array.
const ELEMENT_SEPARATOR: &[u8] = b",\n    ";

struct JsonWriter<'w> {
    out: &'w mut dyn Write,
    first: bool,
}

impl RunWriter for JsonWriter<'_> {
    fn part(&mut self, part: Vec<u8>) -> io::Result<()> {
        if part.is_empty() {
            return Ok(());
        }
        self.out.write_all(if self.first {
            b"\n    "
        } else {
            ELEMENT_SEPARATOR
        })?;
        self.first = false;
        self.out.write_all(&part)
    }

    fn end(self: Box<Self>, totals: &Totals, errors: &[FileError]) -> io::Result<()> {
        let errors: Vec<ErrorJson<'_>> = errors
            .iter()
            .map(|e| ErrorJson {
                path: &e.path,
                message: &e.message,
            })
            .collect();
        let summary = Summary {
            files: totals.files,
            errors: totals.errors,
            warnings: totals.warnings,
            notes: totals.notes,
        };
        let mut rest = Vec::new();
        rest.extend_from_slice(if self.first { b"]" } else { b"\n  ]" });
        rest.extend_from_slice(b",\n  \"errors\": ");
        pretty_at(&errors, 1, &mut rest)?;
        rest.extend_from_slice(b",\n  \"summary\": ");
        pretty_at(&summary, 1, &mut rest)?;
        rest.extend_from_slice(b"\n}\n");
        // an I/O error keeps its kind (a broken pipe stays one, and exits quietly)
        self.out.write_all(&rest)
    }
}
