//! SARIF 2.1.0 for GitHub code scanning and other tools: rule metadata for every check,
//! regions with lines and columns (Unicode code points), evidence as `relatedLocations`, and
//! a `partialFingerprints` entry that does not depend on line numbers, so a finding keeps
//! its identity when lines move.

use std::hash::Hasher;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Renderer, RunReport};
use crate::check::{CHECKS, documentation};
use crate::severity::Severity;
use crate::source::SourceFile;
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

impl Renderer for Sarif {
    fn render(&self, run: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        let sources = run.kb.sources();
        let rules: Vec<Value> = CHECKS
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
            .collect();
        let mut results = Vec::new();
        for file in &run.files {
            let a = &file.article;
            for f in &file.findings {
                let related: Vec<Value> = f
                    .labels
                    .iter()
                    .map(|l| (uri(&a.path), region(|o| a.position(o), &a.text, l.span), l.message.clone()))
                    .chain(f.evidence.iter().map(|e| {
                        let source: &SourceFile = sources.get(e.loc.file);
                        (uri(source.name()), region(|o| source.position(o), source.text(), e.loc.span), e.message.clone())
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
                results.push(json!({
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
                }));
            }
        }
        let notifications: Vec<Value> = run
            .errors
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
                    "rules": rules,
                }},
                "columnKind": "unicodeCodePoints",
                "invocations": [{
                    "executionSuccessful": run.errors.is_empty(),
                    "toolExecutionNotifications": notifications,
                }],
                "results": results,
            }],
        });
        // `From` keeps an I/O error's kind (a broken pipe stays one, and exits quietly)
        serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::from)?;
        writeln!(out)
    }
}
