//! `claimcheck rules suggest`: rule-file stubs for the people and titles articles name and
//! the knowledge base lacks. The work is in [`crate::suggest`]; this reads the files.

use std::io::{self, Write};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use super::extract::{error_suffix, print_file_errors};
use super::{Exit, RuleArgs};
use crate::files;
use crate::suggest::{self as stubs, PersonStub, Suggestions, TitleStub};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SuggestFormat {
    /// Rule-file stubs, as comments ready to be filled in.
    Rules,
    /// The same stubs as JSON (version 1), for tools.
    Json,
}

pub struct SuggestOptions {
    pub paths: Vec<PathBuf>,
    pub rules: RuleArgs,
    pub format: SuggestFormat,
    pub min_mentions: usize,
    pub limit: Option<usize>,
    pub max_file_size: u64,
}

#[derive(Serialize)]
struct SuggestJson<'a> {
    version: u32,
    articles: usize,
    people: &'a [PersonStub],
    titles: &'a [TitleStub],
}

pub fn run(
    opts: SuggestOptions,
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
    // read and look in parallel, gather in the sorted file order
    let seen: Vec<_> = paths
        .par_iter()
        .map(|path| {
            files::read_article(path, opts.max_file_size).map(|article| {
                let extraction = extractor.extract(&article, None);
                let seen = stubs::sightings(&extractor, &article, &extraction);
                (article.path, seen)
            })
        })
        .collect();
    let mut suggestions = Suggestions::default();
    for result in seen {
        match result {
            Ok((path, seen)) => suggestions.add(&path, seen),
            Err(e) => errors.push(e),
        }
    }
    let limit = opts.limit.unwrap_or(usize::MAX);
    let mut people = suggestions.people(opts.min_mentions);
    let mut titles = suggestions.titles(opts.min_mentions);
    people.truncate(limit);
    titles.truncate(limit);
    match opts.format {
        SuggestFormat::Rules => {
            stubs::write_rules(&people, &titles, suggestions.articles(), out)?;
        }
        SuggestFormat::Json => {
            let json = SuggestJson {
                version: 1,
                articles: suggestions.articles(),
                people: &people,
                titles: &titles,
            };
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json).map_err(io::Error::other)?
            )?;
        }
    }
    print_file_errors(&errors, err)?;
    writeln!(
        err,
        "suggest: {} people and {} titles from {} files{}",
        people.len(),
        titles.len(),
        suggestions.articles(),
        error_suffix(&errors)
    )?;
    Ok(if errors.is_empty() {
        Exit::Success
    } else {
        Exit::Error
    })
}
