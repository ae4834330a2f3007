//! SARIF 2.1.0 for GitHub code scanning and other tools: rule metadata for every check,
//! regions with lines and columns (Unicode code points), evidence as `relatedLocations`, and
//! a `partialFingerprints` entry that does not depend on line numbers, so a finding keeps
//! its identity when lines move.

use std::hash::Hasher;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{FileReport, Renderer, RunWriter, Totals, pretty_at};
use crate::check::{CHECKS, documentation};
use crate::files::FileError;
use crate::severity::Severity;
use crate::source::{SourceFile, SourceMap};
use crate::span::Span;

pub struct Sarif;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A URI reference for a path: forward slashes; embedded rule files get a `claimcheck:`
/// scheme, since they are not on disk.
fn uri(path: &str) -> String {
    match path.strip_prefix(crate::rules::load::BUILTIN_PREFIX) {
        Some(rest) => format!("claimcheck:rules/{rest}"),
        None => path.replace('\\', "/").replace(' ', "%20"),
    }
}

fn region(position: impl Fn(u32) -> crate::span::Position, text: &str, span: Span) -> Value {
    let start = position(span.start);
    let end = position(span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
        "snippet": {"text": span.slice(text)},
    })
}

/// A stable hash of what a finding is about, without its position.
fn fingerprint(check: &str, path: &str, text: &str, message: &str) -> String {
    let mut h = fnv::FnvHasher::default();
    for part in [check, path, text, message] {
        h.write(part.as_bytes());
        h.write_u8(0);
    }
    format!("{:016x}", h.finish())
}

/// The `rules` of the tool's driver: every check with its documentation.
fn rules() -> Vec<Value> {
    CHECKS
        .iter()
        .map(|c| {
            let doc = documentation(c);
            let summary = doc
                .lines()
                .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
                .take_while(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            json!({
                "id": c.name,
                "name": c.name,
                "shortDescription": {"text": summary},
                "fullDescription": {"text": summary},
                "help": {"text": doc, "markdown": doc},
                "defaultConfiguration": {"level": level(c.default_severity)},
            })
        })
        .collect()
}

/// Where a run's `results` go: `invocations` comes before them (keys are sorted) and tells
/// whether every file was read, so the results are kept until the end.
const RESULTS: &str = "\"results\": []";

impl Renderer for Sarif {
    /// The file's results, compact, one a line (compact JSON has no newline).
    fn file(&self, sources: &SourceMap, file: &FileReport) -> Vec<u8> {
        let a = &file.article;
        let mut out = Vec::new();
        for f in &file.findings {
            let related: Vec<Value> = f
                .labels
                .iter()
                .map(|l| {
                    (
                        uri(&a.path),
                        region(|o| a.position(o), &a.text, l.span),
                        l.message.clone(),
                    )
                })
                .chain(f.evidence.iter().map(|e| {
                    let source: &SourceFile = sources.get(e.loc.file);
                    (
                        uri(source.name()),
                        region(|o| source.position(o), source.text(), e.loc.span),
                        e.message.clone(),
                    )
                }))
                .enumerate()
                .map(|(i, (uri, region, message))| {
                    json!({
                        "id": i + 1,
                        "physicalLocation": {"artifactLocation": {"uri": uri}, "region": region},
                        "message": {"text": message},
                    })
                })
                .collect();
            let rule_index = CHECKS.iter().position(|c| c.name == f.check).unwrap_or(0);
            let result = json!({
                "ruleId": f.check,
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&a.path)},
                        "region": region(|o| a.position(o), &a.text, f.span),
                    }
                }],
                "relatedLocations": related,
                "partialFingerprints": {
                    "claimcheckFinding/v1": fingerprint(f.check, &a.path, a.slice(f.span), &f.message),
                },
            });
            if !out.is_empty() {
                out.push(b'\n');
            }
            // a Value into a Vec cannot fail
            let _ = serde_json::to_writer(&mut out, &result);
        }
        out
    }

    fn begin<'w>(&self, out: &'w mut dyn Write) -> io::Result<Box<dyn RunWriter + 'w>> {
        Ok(Box::new(SarifWriter {
            out,
            results: Vec::new(),
        }))
    }
}

struct SarifWriter<'w> {
    out: &'w mut dyn Write,
    /// The parts so far, compact.
    results: Vec<Vec<u8>>,
}

impl RunWriter for SarifWriter<'_> {
    fn part(&mut self, part: Vec<u8>) -> io::Result<()> {
        if !part.is_empty() {
            self.results.push(part);
        }
        Ok(())
    }

    fn end(self: Box<Self>, _totals: &Totals, errors: &[FileError]) -> io::Result<()> {
        let notifications: Vec<Value> = errors
            .iter()
            .map(|e| {
                json!({
                    "level": "error",
                    "message": {"text": format!("{}: {}", e.path, e.message)},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&e.path)}}}],
                })
            })
            .collect();
        let document = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "claimcheck",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/claimcheck/claimcheck",
                    "rules": rules(),
                }},
                "columnKind": "unicodeCodePoints",
                "invocations": [{
                    "executionSuccessful": errors.is_empty(),
                    "toolExecutionNotifications": notifications,
                }],
                "results": [],
            }],
        });
        let text = serde_json::to_string_pretty(&document).map_err(io::Error::from)?;
        // The key `"results"` is written once, unescaped, by the structure; a string that
        // contains it is escaped (`\"results\"`).
        let (before, after) = text.split_once(RESULTS).unwrap_or((&text, ""));
        let mut head = before.as_bytes().to_vec();
        head.extend_from_slice(b"\"results\": [");
        // an I/O error keeps its kind (a broken pipe stays one, and exits quietly)
        self.out.write_all(&head)?;
        let mut first = true;
        let mut element = Vec::new();
        for part in &self.results {
            for line in part.split(|&b| b == b'\n') {
                let value: Value = serde_json::from_slice(line).map_err(io::Error::from)?;
                element.clear();
                element.extend_from_slice(if first { b"\n        " } else { b",\n        " });
                first = false;
                pretty_at(&value, 4, &mut element)?;
                self.out.write_all(&element)?;
            }
        }
        self.out
            .write_all(if first { b"]" } else { b"\n      ]" })?;
        self.out.write_all(after.as_bytes())?;
        writeln!(self.out)
    }
}
