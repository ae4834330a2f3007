//! `claimcheck check`: read articles, extract their claims, run the checks, report.

use std::io::{self, Write};
use std::path::PathBuf;

use rayon::prelude::*;

use super::{Exit, RuleArgs};
use crate::check::{CheckSettings, Context, find_check, run_checks};
use crate::extract::Extractor;
use crate::files::{self, FileError};
use crate::kb::KnowledgeBase;
use crate::kb::time::FactDate;
use crate::report::{FileReport, Github, Human, Json, Renderer, RunReport, Sarif, Short, Totals};
use crate::severity::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Rich reports with the article line and the rule lines that say otherwise.
    Human,
    /// One line per finding: `path:line:col: severity[check]: message`.
    Short,
    /// The JSON report (version 1; see docs/output.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other tools.
    Sarif,
    /// GitHub Actions workflow-command annotations.
    Github,
}

/// `--fail-on`: the lowest severity that makes the exit code 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    /// Exit 0 whatever is found (unreadable files and rule errors still exit 2).
    Never,
}

pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub rules: RuleArgs,
    pub format: CheckFormat,
    pub fail_on: FailOn,
    pub date: Option<FactDate>,
    pub checks: Vec<(&'static str, Option<Severity>)>,
    pub max_file_size: u64,
    /// Include and exclude globs from claimcheck.toml, relative to its directory.
    pub filter: Option<PathFilter>,
    /// Claims read from a JSON file instead of extracted.
    pub claims: Option<PathBuf>,
    /// Check only this part of the sorted file list.
    pub shard: Option<crate::files::Shard>,
    /// Read JSON lines from stdin, write JSON lines (`crate::stream`).
    pub stdin_jsonl: bool,
}

/// Which walked files to check, from claimcheck.toml's `include` and `exclude`.
pub struct PathFilter {
    root: PathBuf,
    include: Option<globset::GlobSet>,
    exclude: globset::GlobSet,
}

impl PathFilter {
    fn new(root: PathBuf, include: &[String], exclude: &[String]) -> Result<PathFilter, String> {
        let set = |globs: &[String]| -> Result<globset::GlobSet, String> {
            let mut b = globset::GlobSetBuilder::new();
            for g in globs {
                b.add(
                    globset::Glob::new(g)
                        .map_err(|e| format!("claimcheck.toml: bad glob `{g}`: {e}"))?,
                );
            }
            b.build().map_err(|e| e.to_string())
        };
        let include = if include.is_empty() {
            None
        } else {
            Some(set(include)?)
        };
        Ok(PathFilter {
            root: std::fs::canonicalize(&root).unwrap_or(root),
            include,
            exclude: set(exclude)?,
        })
    }

    fn keeps(&self, path: &std::path::Path) -> bool {
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let Ok(relative) = absolute.strip_prefix(&self.root) else {
            return true;
        };
        self.include.as_ref().is_none_or(|i| i.is_match(relative))
            && !self.exclude.is_match(relative)
    }
}

impl CheckOptions {
    /// Merges the command line with claimcheck.toml (the command line wins).
    #[allow(clippy::too_many_arguments)]
    pub fn resolve(
        paths: Vec<PathBuf>,
        mut rules: RuleArgs,
        format: CheckFormat,
        fail_on: Option<FailOn>,
        config: Option<PathBuf>,
        no_config: bool,
        date: Option<FactDate>,
        checks: Vec<(&'static str, Option<Severity>)>,
        max_file_size: u64,
    ) -> Result<CheckOptions, String> {
        let path = if no_config {
            None
        } else {
            config.or_else(|| {
                std::env::current_dir()
                    .ok()
                    .and_then(|d| crate::config::find(&d))
            })
        };
        let Some(path) = path else {
            return Ok(CheckOptions {
                paths,
                rules,
                format,
                fail_on: fail_on.unwrap_or(FailOn::Error),
                date,
                checks,
                max_file_size,
                filter: None,
                claims: None,
                shard: None,
                stdin_jsonl: false,
            });
        };
        let c = crate::config::load(&path)?;
        if rules.rules.is_empty() {
            rules.rules = c.rules.clone();
        }
        if !rules.no_default_rules {
            rules.no_default_rules = c.default_rules == Some(false);
        }
        let fail_on = fail_on.unwrap_or(match c.fail_on.as_deref() {
            Some("warning") => FailOn::Warning,
            Some("note") => FailOn::Note,
            Some("never") => FailOn::Never,
            _ => FailOn::Error,
        });
        let mut all_checks = c.checks.clone();
        all_checks.extend(checks);
        let paths = if paths.is_empty() {
            vec![c.root.clone()]
        } else {
            paths
        };
        let filter = if c.include.is_empty() && c.exclude.is_empty() {
            None
        } else {
            Some(PathFilter::new(c.root.clone(), &c.include, &c.exclude)?)
        };
        Ok(CheckOptions {
            paths,
            rules,
            format,
            fail_on,
            date: date.or(c.date),
            checks: all_checks,
            max_file_size,
            filter,
            claims: None,
            shard: None,
            stdin_jsonl: false,
        })
    }
}

/// Checks claims read from a JSON file (`--claims`): each article's text is read from its
/// path, entity names are resolved again, and claims whose spans do not fit the text are an
/// error for that file.
fn read_claims(
    path: &std::path::Path,
    kb: &crate::kb::KnowledgeBase,
    settings: &CheckSettings,
    opts: &CheckOptions,
) -> Result<(Vec<FileReport>, Vec<FileError>), String> {
    use crate::extract::claim::ClaimsDocument;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: ClaimsDocument = serde_json::from_str(&text)
        .map_err(|e| format!("{}:{}:{}: {e}", path.display(), e.line(), e.column()))?;
    if doc.version != 1 {
        return Err(format!(
            "{}: claims version {} is not supported (1 is)",
            path.display(),
            doc.version
        ));
    }
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for mut entry in doc.articles {
        let article =
            match files::read_article(std::path::Path::new(&entry.path), opts.max_file_size) {
                Ok(a) => a,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
        if let Some(n) = entry
            .claims
            .iter_mut()
            .position(|c| !c.spans_fit(&article.text))
        {
            errors.push(FileError {
                path: entry.path.clone(),
                message: format!("claim {n}: a span does not fit the article's text"),
            });
            continue;
        }
        for c in &mut entry.claims {
            c.resolve(kb);
        }
        let date = opts.date.or(entry.date).or(article.date.map(|d| d.date));
        let extraction = crate::extract::Extraction {
            mentions: Vec::new(),
            claims: entry.claims,
            unknown: Vec::new(),
            date,
        };
        let cx = Context {
            kb,
            article: &article,
            extraction: &extraction,
        };
        let findings = run_checks(&cx, settings);
        reports.push(FileReport { article, findings });
    }
    Ok((reports, errors))
}

/// Parses `--check NAME=LEVEL` (LEVEL: error, warning, note or off).
pub fn parse_check_setting(text: &str) -> Result<(&'static str, Option<Severity>), String> {
    let (name, level) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: write NAME=LEVEL, e.g. title-conflict=warning"))?;
    let check = find_check(name.trim()).ok_or_else(|| {
        let names = crate::check::CHECKS.iter().map(|c| c.name);
        match crate::rules::suggest::closest(name.trim(), names) {
            Some(s) => format!("unknown check `{name}`; did you mean `{s}`?"),
            None => format!("unknown check `{name}`; `claimcheck checks` lists them"),
        }
    })?;
    let level = match level.trim() {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "note" => Some(Severity::Note),
        "off" => None,
        other => {
            return Err(format!(
                "unknown level `{other}`: use error, warning, note or off"
            ));
        }
    };
    Ok((check.name, level))
}

pub fn run(
    opts: CheckOptions,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Exit> {
    // the paths are walked while the rules load: the walk reads git's configuration and the
    // directories, the load mostly the cache, and neither needs the other
    let walks = !opts.stdin_jsonl && opts.claims.is_none();
    let (loaded, walked) = rayon::join(
        || opts.rules.load_keyed(),
        || walks.then(|| files::collect(&opts.paths)),
    );
    let (kb, cache) = match loaded {
        Ok(loaded) => loaded,
        Err(errors) => return super::report_rule_errors(&errors, color, err),
    };
    let exit = check_with(&kb, cache.as_ref(), walked, opts, color, out, err);
    drop_in_background(kb);
    exit
}

/// Drops `value` on a thread of its own: freeing a large knowledge base (hundreds of
/// thousands of names) takes milliseconds that a process about to exit need not wait for.
/// Where no thread can be started, it is dropped here.
fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}

/// The files found by [`files::collect`] and the paths that could not be walked.
type Walked = (Vec<PathBuf>, Vec<FileError>);

fn check_with(
    kb: &KnowledgeBase,
    cache: Option<&super::IndexCache>,
    walked: Option<Walked>,
    opts: CheckOptions,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Exit> {
    // the checks' indexes are built beside the mention index: both take a while for a large
    // knowledge base (both are read from the cache when they are there), and every article
    // needs both
    let (extractor, _) = rayon::join(
        || super::extractor(kb, cache),
        || super::check_index(kb, cache),
    );
    let exit = check_with_extractor(kb, &extractor, walked, opts, color, out, err);
    drop_in_background(extractor.into_indexes());
    exit
}

fn check_with_extractor(
    kb: &KnowledgeBase,
    extractor: &Extractor<'_>,
    walked: Option<Walked>,
    opts: CheckOptions,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Exit> {
    let settings = CheckSettings {
        overrides: opts.checks.clone(),
    };
    if opts.stdin_jsonl {
        let stream_opts = crate::stream::StreamOptions {
            date: opts.date,
            max_article_size: opts.max_file_size,
            ..Default::default()
        };
        let stdin = io::stdin();
        let summary =
            crate::stream::check_jsonl(&mut stdin.lock(), out, extractor, &settings, &stream_opts)?;
        return Ok(if summary.failed > 0 {
            Exit::Error
        } else if threshold(opts.fail_on).is_some_and(|t| summary.has_findings_at(t)) {
            Exit::Findings
        } else {
            Exit::Success
        });
    }
    if let Some(claims) = &opts.claims {
        let (reports, errors) = match read_claims(claims, kb, &settings, &opts) {
            Ok(found) => found,
            Err(message) => {
                writeln!(err, "error: {message}")?;
                return Ok(Exit::Error);
            }
        };
        let run = RunReport {
            kb,
            files: reports,
            errors,
        };
        renderer(opts.format, color).render(&run, out)?;
        return finish(run.totals(), &run.errors, &opts, err);
    }
    let (mut paths, mut errors) = walked.unwrap_or_else(|| files::collect(&opts.paths));
    if let Some(filter) = &opts.filter {
        // files named on the command line are always checked
        paths.retain(|p| opts.paths.contains(p) || filter.keeps(p));
    }
    if let Some(shard) = opts.shard {
        paths = shard.select(paths);
    }
    let renderer = renderer(opts.format, color);
    let sources = kb.sources();
    // stdout's line buffering made a `write` call (or more) per file; the parts go through a
    // buffer instead, flushed when it fills or has held bytes for a while
    let mut out = Paced::new(out);
    let mut writer = renderer.begin(&mut out)?;
    let mut totals = Totals::default();
    // Files are checked in parallel a chunk at a time; collecting keeps path order whatever
    // the thread count. Each file's part of the output is rendered on the thread that checked
    // it, and its article dropped there, so memory holds a chunk of rendered parts, not the
    // corpus. Parts are written before the next chunk is checked.
    let chunk = rayon::current_num_threads().max(1) * FILES_PER_THREAD;
    let mut unreadable = Vec::new();
    for paths in paths.chunks(chunk) {
        let parts: Vec<Result<(Vec<u8>, Totals), FileError>> = paths
            .par_iter()
            .map(|path| {
                let article = files::read_article(path, opts.max_file_size)?;
                let extraction = extractor.extract(&article, opts.date);
                let cx = Context {
                    kb,
                    article: &article,
                    extraction: &extraction,
                };
                let findings = run_checks(&cx, &settings);
                drop(extraction);
                let file = FileReport { article, findings };
                Ok((renderer.file(sources, &file), Totals::of(&file.findings)))
            })
            .collect();
        for part in parts {
            match part {
                Ok((part, counts)) => {
                    totals.merge(&counts);
                    writer.part(part)?;
                }
                Err(e) => unreadable.push(e),
            }
        }
    }
    // walk errors first, then read errors, each in path order, as one sorted list
    errors.extend(unreadable);
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    writer.end(&totals, &errors)?;
    // every byte of stdout before stderr's lines, as before
    out.flush()?;
    drop(out);
    finish(totals, &errors, &opts, err)
}

/// Files checked per thread before their parts are written: enough that threads rarely wait
/// for the slowest file of a chunk, few enough that the rendered parts stay small.
const FILES_PER_THREAD: usize = 64;

/// The buffer between the renderer and the output stream.
const OUTPUT_BUFFER: usize = 64 * 1024;

/// A buffered output that is flushed when it has held bytes for [`PACE`]: fewer `write` calls
/// than stdout's line buffering (one or more per file), while the output of a long run still
/// appears as it is checked.
struct Paced<'w> {
    out: io::BufWriter<&'w mut dyn Write>,
    since: Option<std::time::Instant>,
}

/// How long [`Paced`] holds written bytes at most, while writes keep coming.
const PACE: std::time::Duration = std::time::Duration::from_millis(100);

impl<'w> Paced<'w> {
    fn new(out: &'w mut dyn Write) -> Paced<'w> {
        Paced {
            out: io::BufWriter::with_capacity(OUTPUT_BUFFER, out),
            since: None,
        }
    }
}

impl Write for Paced<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = self.out.write(bytes)?;
        match self.since {
            None => self.since = Some(std::time::Instant::now()),
            Some(since) if since.elapsed() >= PACE => self.flush()?,
            Some(_) => {}
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.since = None;
        self.out.flush()
    }
}

/// The renderer of a format.
fn renderer(format: CheckFormat, color: bool) -> Box<dyn Renderer> {
    match format {
        CheckFormat::Human => Box::new(Human {
            color,
            width: crate::render::report_width(),
        }),
        CheckFormat::Short => Box::new(Short),
        CheckFormat::Json => Box::new(Json),
        CheckFormat::Sarif => Box::new(Sarif),
        CheckFormat::Github => Box::new(Github),
    }
}

/// Prints unreadable files and the summary (line formats) and decides the exit code.
fn finish(
    totals: Totals,
    errors: &[FileError],
    opts: &CheckOptions,
    err: &mut dyn Write,
) -> io::Result<Exit> {
    if matches!(
        opts.format,
        CheckFormat::Human | CheckFormat::Short | CheckFormat::Github
    ) {
        super::extract::print_file_errors(errors, err)?;
        writeln!(err, "{}", totals.summary(errors.len()))?;
    }
    let failed = threshold(opts.fail_on).is_some_and(|t| totals.reaches(t));
    Ok(if !errors.is_empty() {
        Exit::Error
    } else if failed {
        Exit::Findings
    } else {
        Exit::Success
    })
}

/// The lowest severity that fails the run.
fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Paced;
    use std::io::Write;

    /// What goes through `Paced` comes out whole and in order, from pieces of any size (some
    /// larger than its buffer), whether it flushed on the way or not.
    #[test]
    fn paced_output_keeps_every_byte() {
        let mut expected = Vec::new();
        let mut sink = Vec::new();
        {
            let mut paced = Paced::new(&mut sink);
            for i in 0..3000usize {
                let piece: Vec<u8> = (0..(i * 37) % 700 + (i % 500 == 7) as usize * 100_000)
                    .map(|k| (k * 31 + i) as u8)
                    .collect();
                paced.write_all(&piece).unwrap();
                expected.extend_from_slice(&piece);
                if i == 1234 {
                    std::thread::sleep(super::PACE);
                }
            }
            paced.flush().unwrap();
        }
        assert_eq!(sink, expected);
    }
}
