//! `claimcheck extract`: the claims articles make, as found by the extractors.

use std::io::{self, Write};
use std::path::PathBuf;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{Exit, RuleArgs};
use crate::article::Article;
use crate::extract::Extraction;
use crate::extract::claim::{Attribution, Claim, ClaimBody};
use crate::extract::unknown::UnknownName;
use crate::files::{self, FileError};
use crate::kb::time::FactDate;
use crate::span::Position;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExtractFormat {
    /// One line per claim, grouped by file.
    Human,
    /// The claims JSON (version 1; see docs/claims.md).
    Json,
}

pub struct ExtractOptions {
    pub paths: Vec<PathBuf>,
    pub rules: RuleArgs,
    pub format: ExtractFormat,
    pub unknown: bool,
    pub date: Option<FactDate>,
    pub max_file_size: u64,
}

/// One article's claims in the JSON form.
#[derive(Serialize)]
pub struct ArticleClaims<'a> {
    pub path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<FactDate>,
    pub headline: Vec<&'a str>,
    pub claims: &'a [Claim],
}

#[derive(Serialize)]
struct ExtractJson<'a> {
    version: u32,
    articles: Vec<ArticleClaims<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unknown: Vec<UnknownCount<'a>>,
    errors: Vec<ErrorJson<'a>>,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct UnknownCount<'a> {
    name: &'a str,
    count: usize,
    files: usize,
}

pub fn run(
    opts: ExtractOptions,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<Exit> {
    let (kb, cache) = match opts.rules.load_keyed() {
        Ok(loaded) => loaded,
        Err(errors) => return super::report_rule_errors(&errors, color, err),
    };
    let extractor = super::extractor(&kb, cache.as_ref());
    let (paths, mut errors) = files::collect(&opts.paths);
    let mut done: Vec<(Article, Extraction)> = Vec::new();
    for path in &paths {
        match files::read_article(path, opts.max_file_size) {
            Ok(article) => {
                let extraction = extractor.extract(&article, opts.date);
                done.push((article, extraction));
            }
            Err(e) => errors.push(e),
        }
    }
    let unknown = if opts.unknown {
        count_unknown(done.iter().map(|(_, x)| &x.unknown[..]))
    } else {
        Vec::new()
    };
    match opts.format {
        ExtractFormat::Json => {
            let json = ExtractJson {
                version: 1,
                articles: done
                    .iter()
                    .map(|(a, x)| ArticleClaims {
                        path: &a.path,
                        date: x.date,
                        headline: a.headline().map(|b| a.slice(b.span)).collect(),
                        claims: &x.claims,
                    })
                    .collect(),
                unknown: unknown
                    .iter()
                    .map(|(name, count, files)| UnknownCount {
                        name,
                        count: *count,
                        files: *files,
                    })
                    .collect(),
                errors: errors
                    .iter()
                    .map(|e| ErrorJson {
                        path: &e.path,
                        message: &e.message,
                    })
                    .collect(),
            };
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json).map_err(io::Error::other)?
            )?;
        }
        ExtractFormat::Human => {
            for (article, extraction) in &done {
                print_human(article, extraction, out)?;
            }
            if opts.unknown {
                writeln!(out, "unknown names (name, mentions, files):")?;
                for (name, count, files) in &unknown {
                    writeln!(out, "  {name}\t{count}\t{files}")?;
                }
            }
        }
    }
    print_file_errors(&errors, err)?;
    let claims: usize = done.iter().map(|(_, x)| x.claims.len()).sum();
    writeln!(
        err,
        "extract: {} claims in {} files{}",
        claims,
        done.len(),
        error_suffix(&errors)
    )?;
    Ok(if errors.is_empty() {
        Exit::Success
    } else {
        Exit::Error
    })
}

pub(crate) fn error_suffix(errors: &[FileError]) -> String {
    match errors.len() {
        0 => String::new(),
        1 => ", 1 file could not be read".into(),
        n => format!(", {n} files could not be read"),
    }
}

pub(crate) fn print_file_errors(errors: &[FileError], err: &mut dyn Write) -> io::Result<()> {
    for e in errors {
        writeln!(err, "error: {}: {}", e.path, e.message)?;
    }
    Ok(())
}

/// Unknown names with their mention and file counts, most mentioned first.
pub fn count_unknown<'a>(
    per_file: impl Iterator<Item = &'a [UnknownName]>,
) -> Vec<(&'a str, usize, usize)> {
    let mut counts: FxHashMap<&str, (usize, usize)> = FxHashMap::default();
    for names in per_file {
        let mut seen: Vec<&str> = Vec::new();
        for n in names {
            let entry = counts.entry(&n.text).or_default();
            entry.0 += 1;
            if !seen.contains(&n.text.as_str()) {
                seen.push(&n.text);
                entry.1 += 1;
            }
        }
    }
    let mut list: Vec<_> = counts.into_iter().map(|(n, (c, f))| (n, c, f)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    list
}

fn print_human(article: &Article, x: &Extraction, out: &mut dyn Write) -> io::Result<()> {
    let date = x
        .date
        .map_or_else(|| "no date".to_string(), |d| d.to_string());
    writeln!(out, "{} ({date}, {} claims)", article.path, x.claims.len())?;
    for claim in &x.claims {
        let Position { line, column } = article.position(claim.span().start);
        writeln!(
            out,
            "  {line}:{column}: {:<8} {}",
            claim.kind(),
            describe(claim)
        )?;
    }
    Ok(())
}

fn names(entities: &[String]) -> String {
    if entities.is_empty() {
        "(unknown)".into()
    } else {
        entities.join(" | ")
    }
}

/// A one-line summary of a claim.
pub fn describe(claim: &Claim) -> String {
    match &claim.body {
        ClaimBody::Title(t) => {
            let q = match t.qualifier {
                Some(crate::extract::claim::Qualifier::Former) => "former ",
                Some(crate::extract::claim::Qualifier::Then) => "then-",
                None => "",
            };
            format!(
                "{} is {q}\"{}\" → {}",
                t.person.text,
                t.title.text,
                names(&t.title.entities)
            )
        }
        ClaimBody::Quote(q) => {
            let speaker = q
                .speaker
                .as_ref()
                .map_or("no speaker".to_string(), |s| names(&s.entities));
            let text: String = q.quote.text.chars().take(60).collect();
            let more = if q.quote.text.chars().count() > 60 {
                "..."
            } else {
                ""
            };
            let how = match q.attribution {
                Attribution::Verb => "by a speech verb",
                Attribution::Pronoun => "through a pronoun",
                Attribution::Paragraph => "the paragraph's speaker",
                Attribution::None => "unattributed",
            };
            let partial = if q.partial { ", partial" } else { "" };
            format!("\"{text}{more}\" — {speaker} ({how}{partial})")
        }
        ClaimBody::Place(p) => format!("{} in {}", p.event.text, names(&p.place.entities)),
        ClaimBody::Date(d) => {
            let subject = d
                .subject
                .as_ref()
                .map_or("?".to_string(), |s| s.text.clone());
            let resolved = d
                .resolved
                .map_or(String::new(), |r| format!(" = {}..{}", r.first, r.last));
            format!("\"{}\" → {subject}{resolved}", d.expression.text)
        }
        ClaimBody::Relation(r) => {
            let date = r.date.map_or(String::new(), |d| format!(" in {d}"));
            format!(
                "{} {} {}{date}",
                names(&r.subject.entities),
                r.relation,
                names(&r.value.entities)
            )
        }
    }
}
