//! `claimcheck test`: runs annotated fixture articles (see [`crate::testing`]).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::check::{CheckSettings, Context, run_checks};
use crate::extract::Extractor;
use crate::files;
use crate::kb::KnowledgeBase;
use crate::kb::time::FactDate;
use crate::rules::{self, RuleSelection};
use crate::testing::{Tally, annotations, compare};

use super::Exit;

/// The outcome of a fixture run, for tests and the command.
#[derive(Debug, Default)]
pub struct TestRun {
    pub fixtures: usize,
    pub failed: Vec<(String, Vec<String>)>,
    pub tallies: BTreeMap<String, Tally>,
    /// Files or rule sets that could not be loaded.
    pub errors: Vec<String>,
}

/// Runs every fixture under `paths`.
pub fn run_fixtures(paths: &[PathBuf]) -> TestRun {
    let mut result = TestRun::default();
    let (found, walk_errors) = files::collect(paths);
    result.errors.extend(
        walk_errors
            .into_iter()
            .map(|e| format!("{}: {}", e.path, e.message)),
    );
    // one knowledge base per rule path named in headers (None: the defaults)
    let mut kbs: BTreeMap<Option<PathBuf>, Option<KnowledgeBase>> = BTreeMap::new();
    for path in found {
        let article = match files::read_article(&path, files::DEFAULT_MAX_FILE_SIZE) {
            Ok(a) => a,
            Err(e) => {
                result.errors.push(format!("{}: {}", e.path, e.message));
                continue;
            }
        };
        let (header, expectations) = annotations(&article);
        let rules_path = header
            .rules
            .as_ref()
            .map(|r| path.parent().unwrap_or(Path::new(".")).join(r));
        let kb = kbs.entry(rules_path.clone()).or_insert_with(|| {
            let selection = match &rules_path {
                Some(p) => RuleSelection::paths([p.clone()]),
                None => RuleSelection::defaults(),
            };
            rules::load(&selection).ok()
        });
        let Some(kb) = kb.as_ref() else {
            result.errors.push(format!(
                "{}: the rules in its header do not load (run `claimcheck rules check`)",
                path.display()
            ));
            continue;
        };
        let date = match header.date.as_deref().map(FactDate::parse) {
            Some(Ok(d)) => Some(d),
            Some(Err(e)) => {
                result
                    .errors
                    .push(format!("{}: header date: {}", path.display(), e.message));
                continue;
            }
            None => None,
        };
        let extraction = Extractor::new(kb).extract(&article, date);
        let cx = Context {
            kb,
            article: &article,
            extraction: &extraction,
        };
        let findings = run_checks(&cx, &CheckSettings::default());
        let outcome = compare(&article, &findings, &expectations);
        for (check, t) in outcome.tallies {
            let total = result.tallies.entry(check).or_default();
            total.true_positives += t.true_positives;
            total.false_positives += t.false_positives;
            total.false_negatives += t.false_negatives;
            total.todo += t.todo;
        }
        result.fixtures += 1;
        if !outcome.failures.is_empty() {
            result.failed.push((article.path.clone(), outcome.failures));
        }
    }
    result
}

pub fn run(
    paths: &[PathBuf],
    verbose: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Exit> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("fixtures")]
    } else {
        paths.to_vec()
    };
    let result = run_fixtures(&paths);
    for (path, failures) in &result.failed {
        writeln!(out, "FAIL {path}")?;
        let shown = if verbose {
            failures.len()
        } else {
            failures.len().min(5)
        };
        for f in &failures[..shown] {
            writeln!(out, "  {f}")?;
        }
        if shown < failures.len() {
            writeln!(
                out,
                "  ... {} more (--verbose shows all)",
                failures.len() - shown
            )?;
        }
    }
    writeln!(
        out,
        "{:<24} {:>4} {:>4} {:>4} {:>5}",
        "check", "tp", "fp", "fn", "todo"
    )?;
    for (check, t) in &result.tallies {
        writeln!(
            out,
            "{check:<24} {:>4} {:>4} {:>4} {:>5}",
            t.true_positives, t.false_positives, t.false_negatives, t.todo
        )?;
    }
    for e in &result.errors {
        writeln!(err, "error: {e}")?;
    }
    writeln!(
        err,
        "test: {} fixtures, {} passed, {} failed",
        result.fixtures,
        result.fixtures - result.failed.len(),
        result.failed.len()
    )?;
    Ok(if !result.errors.is_empty() {
        Exit::Error
    } else if result.failed.is_empty() {
        Exit::Success
    } else {
        Exit::Findings
    })
}
