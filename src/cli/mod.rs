//! The command line: argument definitions (clap derive) and the commands they run.
//!
//! `main.rs` parses a [`Cli`] and calls [`run`]; everything else happens here, writing to
//! the streams it is given, so tests can run commands without spawning a process.
//!
//! Exit codes: 0 success; 1 findings at or above `--fail-on` (for `check`, later); 2 a usage
//! error, an unreadable file or an error in the rules.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::kb::KnowledgeBase;
use crate::kb::time::FactDate;
use crate::render::{self, ColorChoice};
use crate::rules::{self, RuleErrors, RuleSelection};

pub mod check;
pub mod extract;
pub mod suggest;
pub mod test;

/// claimcheck: a linter for the facts in news articles.
///
/// Rules written in a small language say what is true: who holds which title and since when,
/// which place lies in which, when events happened, who said what. claimcheck checks the
/// claims articles make against them.
#[derive(Debug, Parser)]
#[command(name = "claimcheck", version, max_term_width = 100)]
pub struct Cli {
    /// When to colour output: `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check articles against the rules and report every contradiction.
    ///
    /// PATHS are article files or directories (walked for *.md, *.markdown and *.txt,
    /// respecting .gitignore). Exit codes: 0 when no finding reaches --fail-on; 1 when one
    /// does; 2 on a usage error, an error in the rules, or an unreadable article (the other
    /// files are still checked and reported).
    Check {
        /// Article files or directories.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        rules: RuleArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = check::CheckFormat::Human)]
        format: check::CheckFormat,
        /// The lowest severity that makes the exit code 1 [default: error, or claimcheck.toml's].
        #[arg(long, value_enum)]
        fail_on: Option<check::FailOn>,
        /// Use this claimcheck.toml instead of searching upward from the working directory.
        #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
        config: Option<PathBuf>,
        /// Ignore claimcheck.toml files.
        #[arg(long)]
        no_config: bool,
        /// Judge claims at this date (YYYY-MM-DD) instead of the article's own date.
        #[arg(long, value_parser = parse_date)]
        date: Option<FactDate>,
        /// Set a check's severity: NAME=error|warning|note|off (repeatable).
        #[arg(long = "check", value_name = "NAME=LEVEL", value_parser = check::parse_check_setting)]
        checks: Vec<(&'static str, Option<crate::severity::Severity>)>,
        /// Skip (with an error) articles larger than this many bytes (at most 4294967294).
        #[arg(long, default_value_t = crate::files::DEFAULT_MAX_FILE_SIZE)]
        max_file_size: u64,
        /// Check claims extracted elsewhere (the JSON of `extract --format json`; see
        /// docs/claims.md) instead of extracting them. Each article's file is read for its
        /// text; checks that need the article's names (headline-unsupported, name-variant,
        /// name-misspelled) have none to see.
        #[arg(long, value_name = "FILE.json")]
        claims: Option<PathBuf>,
        /// Check only shard I of N (1 <= I <= N) of the sorted file list: files at positions
        /// I-1, I-1+N, I-1+2N ... For CI matrices: N jobs with --shard 1/N ... N/N check every
        /// file exactly once. Errors about paths that do not exist are reported by every shard.
        #[arg(long, value_name = "I/N", conflicts_with_all = ["claims", "stdin_jsonl"])]
        shard: Option<crate::files::Shard>,
        /// Read articles from stdin as JSON lines, {"path": ..., "text": ..., "date": ...},
        /// and write findings as JSON lines, in bounded memory; a malformed line gives an
        /// error record with its line number and the stream goes on (see docs/scale.md).
        #[arg(long, conflicts_with_all = ["paths", "claims", "format"])]
        stdin_jsonl: bool,
    },
    /// Show the claimcheck.toml that applies here (searched upward from the working
    /// directory) and the settings it gives.
    Config,
    /// Run annotated fixture articles and report true and false positives and negatives.
    ///
    /// A fixture says what it must produce in HTML comments: `<!-- expect: CHECK "text" -->`
    /// covers the next line, `expect^:` the line above, `ok: CHECK` says the next line has no
    /// such finding, `todo-expect:` records a known miss. A header `<!-- claimcheck-test
    /// date="YYYY-MM-DD" rules="path" -->` sets the date and the rules. With no PATHS,
    /// `fixtures/` is run. Exits 1 when a fixture fails, 2 when one cannot be read.
    Test {
        /// Fixture files or directories.
        paths: Vec<PathBuf>,
        /// Show every difference between the expected and the actual findings.
        #[arg(long)]
        verbose: bool,
    },
    /// Print the documentation of a check.
    Explain {
        /// The check's name, as `claimcheck checks` lists it.
        name: String,
    },
    /// List the checks with their default severities.
    Checks,
    /// List the claims articles make: titles, quotes, places, dates, relations.
    ///
    /// PATHS are article files or directories (walked for *.md, *.markdown and *.txt,
    /// respecting .gitignore). Exits 0, or 2 when a file cannot be read or the rules have
    /// errors (the other files are still processed).
    Extract {
        /// Article files or directories.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        rules: RuleArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = extract::ExtractFormat::Human)]
        format: extract::ExtractFormat,
        /// Also list capitalized names the knowledge base does not know, with counts.
        #[arg(long)]
        unknown: bool,
        /// Judge claims at this date (YYYY-MM-DD) instead of the article's own date.
        #[arg(long, value_parser = parse_date)]
        date: Option<FactDate>,
        /// Skip (with an error) articles larger than this many bytes (at most 4294967294).
        #[arg(long, default_value_t = crate::files::DEFAULT_MAX_FILE_SIZE)]
        max_file_size: u64,
    },
    /// Work with rule files: check them, or dump the compiled knowledge base.
    #[command(subcommand)]
    Rules(RulesCommand),
}

/// Which rules to load, for commands that read articles.
#[derive(Debug, Clone, clap::Args)]
pub struct RuleArgs {
    /// Rule files or directories to load, in addition to the embedded default rules.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Do not load the embedded default rules (the prelude std.rules is always loaded).
    #[arg(long)]
    pub no_default_rules: bool,
    /// Keep compiled knowledge bases in DIR, keyed by the rule files' contents and the
    /// claimcheck build [default: $CLAIMCHECK_CACHE_DIR, else the user's cache directory,
    /// e.g. ~/.cache/claimcheck].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the compiled knowledge-base cache.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
}

impl RuleArgs {
    pub fn selection(&self) -> RuleSelection {
        RuleSelection {
            paths: self.rules.clone(),
            default_rules: !self.no_default_rules,
        }
    }

    /// The cache to use, if any.
    pub fn cache(&self) -> Option<crate::kb::cache::KbCache> {
        if self.no_cache {
            return None;
        }
        self.cache_dir
            .clone()
            .or_else(crate::kb::cache::KbCache::default_dir)
            .map(crate::kb::cache::KbCache::new)
    }

    /// Loads the rules, through the cache unless it is off. A cache that cannot be
    /// written is not an error: the rules are compiled every time instead.
    pub fn load(&self) -> Result<KnowledgeBase, RuleErrors> {
        self.load_keyed().map(|(kb, _)| kb)
    }

    /// [`Self::load`], and where indexes derived from the knowledge base are cached: the
    /// cache and the rules' key (none when the cache is off).
    pub fn load_keyed(&self) -> Result<(KnowledgeBase, Option<IndexCache>), RuleErrors> {
        match self.cache() {
            Some(cache) => rules::load_cached(&self.selection(), &cache)
                .map(|(kb, report)| (kb, report.key.map(|key| IndexCache { cache, key }))),
            None => rules::load(&self.selection()).map(|kb| (kb, None)),
        }
    }
}

/// Where the indexes derived from a cached knowledge base are cached.
#[derive(Clone, Debug)]
pub struct IndexCache {
    pub cache: crate::kb::cache::KbCache,
    /// The key of the knowledge base's rules.
    pub key: u128,
}

/// The extractor for `kb`, with its mention index from `cache` (or built and cached there)
/// when there is one.
pub(crate) fn extractor<'kb>(
    kb: &'kb KnowledgeBase,
    cache: Option<&IndexCache>,
) -> crate::extract::Extractor<'kb> {
    match cache {
        Some(c) => crate::extract::Extractor::cached(kb, &c.cache, c.key).0,
        None => crate::extract::Extractor::new(kb),
    }
}

/// The checks' indexes for `kb`, read from `cache` (or built and cached there) when there
/// is one.
pub(crate) fn check_index<'kb>(
    kb: &'kb KnowledgeBase,
    cache: Option<&IndexCache>,
) -> &'kb crate::check::CheckIndex {
    if let Some(c) = cache {
        crate::check::CheckIndex::cached(kb, &c.cache, c.key);
    }
    crate::check::CheckIndex::get(kb)
}

fn parse_date(text: &str) -> Result<FactDate, String> {
    FactDate::parse(text).map_err(|e| e.message)
}

/// Prints rule errors (to `err`: they are not the command's output) and returns exit 2.
pub(crate) fn report_rule_errors(
    errors: &RuleErrors,
    color: bool,
    err: &mut dyn Write,
) -> io::Result<Exit> {
    print_rule_errors(errors, RulesFormat::Human, color, err)?;
    writeln!(err, "{}", rule_error_summary(errors))?;
    Ok(Exit::Error)
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check rule files and report every error in every file at once.
    ///
    /// PATHS are `.rules` files or directories (searched for `*.rules`). With no PATHS, the
    /// default rule set embedded in claimcheck is checked. The prelude `std.rules` is always
    /// loaded first. Exits 0 when the rules are valid and 2 when any file has an error.
    Check {
        /// Rule files or directories.
        paths: Vec<PathBuf>,
        /// Output format for the errors.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Print the compiled knowledge base: kinds, relations, entities and their facts.
    ///
    /// PATHS as for `rules check`; with none, the embedded default rules are dumped.
    Dump {
        /// Rule files or directories.
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DumpFormat::Json)]
        format: DumpFormat,
    },
    /// Print rule-file stubs for the people and titles that articles name and the rules lack.
    ///
    /// PATHS are article files or directories, as for `check`. A capitalized name the
    /// knowledge base does not know is taken for a person when a title or an honorific stands
    /// before it (`Defense Secretary Pete Hegseth`, `Mr Roe`), or when a speech verb stands
    /// next to it and its last word is also used alone (`Jane Roe said ... Roe added`). Each
    /// stub is a comment giving the mentions, the files, the first place seen and the titles
    /// the articles gave; nothing in it is a fact until you check it and fill it in. Exits 0,
    /// or 2 when a file cannot be read (the others are still read) or the rules have errors.
    Suggest {
        /// Article files or directories.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        rules: RuleArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = suggest::SuggestFormat::Rules)]
        format: suggest::SuggestFormat,
        /// Leave out names and titles seen fewer times than this.
        #[arg(long, default_value_t = 1, value_name = "N")]
        min_mentions: usize,
        /// Print at most this many people and this many titles.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Skip (with an error) articles larger than this many bytes (at most 4294967294).
        #[arg(long, default_value_t = crate::files::DEFAULT_MAX_FILE_SIZE)]
        max_file_size: u64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// Rich reports with the rule lines, labels and help.
    Human,
    /// One line per error: `path:line:col: error[code]: message`.
    Short,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DumpFormat {
    /// Pretty-printed JSON (version 1).
    Json,
}

/// Process exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    Success = 0,
    Findings = 1,
    Error = 2,
}

/// Runs a parsed command line against stdout and stderr.
pub fn run(cli: Cli) -> Exit {
    let color = cli.color.use_color_for_stdout();
    let stdout = io::stdout();
    let stderr = io::stderr();
    let mut out = stdout.lock();
    let mut err = stderr.lock();
    run_with(cli, color, &mut out, &mut err)
}

/// Runs a parsed command line, writing reports to `out` and summaries to `err`.
pub fn run_with(cli: Cli, color: bool, out: &mut dyn Write, err: &mut dyn Write) -> Exit {
    let result = match cli.command {
        Command::Check {
            paths,
            rules,
            format,
            fail_on,
            config,
            no_config,
            date,
            checks,
            max_file_size,
            claims,
            shard,
            stdin_jsonl,
        } => {
            match check::CheckOptions::resolve(
                paths,
                rules,
                format,
                fail_on,
                config,
                no_config,
                date,
                checks,
                max_file_size,
            ) {
                Ok(opts) => check::run(
                    check::CheckOptions {
                        claims,
                        shard,
                        stdin_jsonl,
                        ..opts
                    },
                    color,
                    out,
                    err,
                ),
                Err(message) => writeln!(err, "error: {message}").map(|_| Exit::Error),
            }
        }
        Command::Config => show_config(out, err),
        Command::Test { paths, verbose } => test::run(&paths, verbose, out, err),
        Command::Explain { name } => explain(&name, out, err),
        Command::Checks => list_checks(out),
        Command::Extract {
            paths,
            rules,
            format,
            unknown,
            date,
            max_file_size,
        } => extract::run(
            extract::ExtractOptions {
                paths,
                rules,
                format,
                unknown,
                date,
                max_file_size,
            },
            color,
            out,
            err,
        ),
        Command::Rules(RulesCommand::Check { paths, format }) => {
            rules_check(&paths, format, color, out, err)
        }
        Command::Rules(RulesCommand::Dump {
            paths,
            format: DumpFormat::Json,
        }) => rules_dump(&paths, color, out, err),
        Command::Rules(RulesCommand::Suggest {
            paths,
            rules,
            format,
            min_mentions,
            limit,
            max_file_size,
        }) => suggest::run(
            suggest::SuggestOptions {
                paths,
                rules,
                format,
                min_mentions,
                limit,
                max_file_size,
            },
            color,
            out,
            err,
        ),
    };
    match result {
        Ok(exit) => exit,
        // The reader went away (`claimcheck ... | head`): stop quietly.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Exit::Success,
        Err(e) => {
            let _ = writeln!(err, "error: cannot write output: {e}");
            Exit::Error
        }
    }
}

fn show_config(out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Exit> {
    let cwd = std::env::current_dir()?;
    let Some(path) = crate::config::find(&cwd) else {
        writeln!(
            out,
            "no {} in {} or above: built-in defaults apply",
            crate::config::FILE_NAME,
            cwd.display()
        )?;
        return Ok(Exit::Success);
    };
    match crate::config::load(&path) {
        Ok(c) => {
            writeln!(out, "config: {}", path.display())?;
            writeln!(out, "rules: {:?}", c.rules)?;
            writeln!(out, "default-rules: {}", c.default_rules.unwrap_or(true))?;
            writeln!(out, "include: {:?}", c.include)?;
            writeln!(out, "exclude: {:?}", c.exclude)?;
            writeln!(out, "fail-on: {}", c.fail_on.as_deref().unwrap_or("error"))?;
            writeln!(
                out,
                "date: {}",
                c.date
                    .map_or("(the article's)".to_string(), |d| d.to_string())
            )?;
            for (name, level) in &c.checks {
                writeln!(
                    out,
                    "checks.{name}: {}",
                    level.map_or("off", |l| l.as_str())
                )?;
            }
            Ok(Exit::Success)
        }
        Err(message) => {
            writeln!(err, "error: {message}")?;
            Ok(Exit::Error)
        }
    }
}

fn explain(name: &str, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<Exit> {
    match crate::check::find_check(name) {
        Some(check) => {
            writeln!(
                out,
                "# {} ({} by default)\n",
                check.name, check.default_severity
            )?;
            writeln!(out, "{}", crate::check::documentation(check))?;
            Ok(Exit::Success)
        }
        None => {
            let suggestion =
                crate::rules::suggest::closest(name, crate::check::CHECKS.iter().map(|c| c.name))
                    .map_or(String::new(), |s| format!("; did you mean `{s}`?"));
            writeln!(
                err,
                "error: unknown check `{name}`{suggestion} (`claimcheck checks` lists them)"
            )?;
            Ok(Exit::Error)
        }
    }
}

fn list_checks(out: &mut dyn Write) -> io::Result<Exit> {
    for check in crate::check::CHECKS {
        let summary = crate::check::documentation(check)
            .lines()
            .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
            .take_while(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        // the first sentence is the summary; `explain` has the rest
        let first = crate::article::sentences::split_text(&summary)
            .first()
            .map_or(summary.as_str(), |&(s, e)| &summary[s..e]);
        writeln!(
            out,
            "{:<22} {:<8} {first}",
            check.name,
            check.default_severity.as_str()
        )?;
    }
    Ok(Exit::Success)
}

fn selection(paths: &[PathBuf]) -> RuleSelection {
    if paths.is_empty() {
        RuleSelection::defaults()
    } else {
        RuleSelection::paths(paths.iter().cloned())
    }
}

/// How many rule errors are rendered before the rest are only counted.
const MAX_RENDERED_ERRORS: usize = 50;

fn print_rule_errors(
    errors: &RuleErrors,
    format: RulesFormat,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        RulesFormat::Human => {
            let handler = render::handler(color, render::report_width());
            for (i, report) in errors.reports().take(MAX_RENDERED_ERRORS).enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write!(out, "{}", render::render(&handler, &report))?;
            }
        }
        RulesFormat::Short => {
            for line in errors.short_lines().into_iter().take(MAX_RENDERED_ERRORS) {
                writeln!(out, "{line}")?;
            }
        }
    }
    let hidden = errors.count().saturating_sub(MAX_RENDERED_ERRORS);
    if hidden > 0 {
        writeln!(out, "... and {hidden} more errors not shown")?;
    }
    Ok(())
}

fn rule_error_summary(errors: &RuleErrors) -> String {
    let mut files: Vec<_> = errors
        .diagnostics
        .iter()
        .filter_map(|d| d.primary.map(|p| p.file))
        .collect();
    files.sort();
    files.dedup();
    let n = errors.count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match files.len() {
        0 => format!("rules: {n} error{}", plural(n)),
        f => format!("rules: {n} error{} in {f} file{}", plural(n), plural(f)),
    }
}

fn rules_check(
    paths: &[PathBuf],
    format: RulesFormat,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Exit> {
    match rules::load(&selection(paths)) {
        Ok(kb) => {
            let facts = kb.all_facts().len();
            writeln!(
                err,
                "rules: ok: {} files, {} entities, {} facts, {} relations",
                kb.sources().len(),
                kb.entities().len(),
                facts,
                kb.relations().len()
            )?;
            Ok(Exit::Success)
        }
        Err(errors) => {
            print_rule_errors(&errors, format, color, out)?;
            writeln!(err, "{}", rule_error_summary(&errors))?;
            Ok(Exit::Error)
        }
    }
}

fn rules_dump(
    paths: &[PathBuf],
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Exit> {
    match rules::load(&selection(paths)) {
        Ok(kb) => {
            let json = serde_json::to_string_pretty(&kb.dump()).map_err(io::Error::other)?;
            writeln!(out, "{json}")?;
            Ok(Exit::Success)
        }
        Err(errors) => report_rule_errors(&errors, color, err),
    }
}
