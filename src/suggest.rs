//! Rule-file stubs for the people and titles that articles name and the knowledge base
//! lacks (`claimcheck rules suggest`).
//!
//! The extractors already keep capitalized names that match no entity. This module decides
//! which of them are people, and gathers what the articles say of them:
//!
//! - a name preceded by a title (`Kremlin spokesman Dmitry Peskov`, `Defense Secretary Pete
//!   Hegseth`) or an honorific (`Mr`, `Mrs`, `Ms`, `Dr`) is a person, and the title is
//!   recorded, known or not;
//! - otherwise a name of two or more words is a person when its last word stands alone in
//!   the same article before a speech verb, as a surname does (`Jane Roe ... Roe said`).
//!
//! Organizations speak too (`the White House said`), but are rarely called by their last
//! word alone, and they take a determiner (`the Daily Mail`): a name written after `the`
//! or `a` in more than a quarter of its mentions is left out. Names of peoples used as adjectives (`North Korean leader`) and sentence
//! openers (`Although Apple`) are left out.
//!
//! The output is a list of stubs: comments with the counts and the titles seen, ready to be
//! checked against the public record and filled in. Nothing in them is a fact: no dates, no
//! sources are invented.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::article::Article;
use crate::extract::titles::title_before;
use crate::extract::words::{in_list, word_spans};
use crate::extract::{Extraction, Extractor};
use crate::span::Span;

/// Capitalized words that open sentences and clauses: not the start of a name.
const OPENERS: &[&str] = &[
    "Although",
    "Though",
    "Because",
    "Since",
    "Unlike",
    "Despite",
    "During",
    "Under",
    "Over",
    "Until",
    "Unless",
    "Whether",
    "According",
    "Earlier",
    "Later",
    "Last",
    "Next",
    "Today",
    "Yesterday",
    "Tomorrow",
    "Now",
    "Still",
    "Yet",
    "Even",
    "Just",
    "Instead",
    "Indeed",
    "Thus",
    "Perhaps",
    "Maybe",
    "Many",
    "Most",
    "Several",
    "Such",
    "Other",
    "Another",
    "Did",
    "Does",
    "Is",
    "Are",
    "Was",
    "Were",
    "Will",
    "Would",
    "Could",
    "Should",
    "Can",
    "Has",
    "Have",
    "Had",
    "Let",
    "Please",
    "Like",
    "Unlike",
    "Without",
    "Within",
    "Among",
    "Against",
    "Between",
    "Through",
    "Throughout",
    "Once",
    "Whilst",
    "Upon",
    "Into",
    "About",
    "Dear",
];

/// `Korean`, `Russian`, `Chinese`, `British`: names of peoples, used as adjectives.
const DEMONYM_ENDINGS: &[&str] = &["ean", "ian", "ese", "ish", "an"];

/// Words said before a name to introduce it as a person.
const HONORIFICS: &[&str] = &["mr", "mrs", "ms", "dr", "miss", "sir", "dame"];

/// What one article shows of the names the knowledge base lacks.
#[derive(Debug, Default)]
pub struct ArticleSightings {
    names: Vec<Sighting>,
}

#[derive(Debug)]
struct Sighting {
    name: String,
    line: u32,
    column: u32,
    title: Option<TitleSeen>,
    person: bool,
    /// `the Daily Mail`: a name after a determiner is rarely a person's.
    determiner: bool,
    /// How often the name's last word stands alone in the article.
    surname_alone: usize,
}

#[derive(Clone, Debug)]
struct TitleSeen {
    text: String,
    /// The canonical names of the known titles these words name; empty for a new title.
    known: Vec<String>,
    line: u32,
    column: u32,
}

/// Looks at one article's unknown names.
pub fn sightings(
    x: &Extractor<'_>,
    article: &Article,
    extraction: &Extraction,
) -> ArticleSightings {
    let text = &article.prose;
    let mentions = &extraction.mentions;
    let mut names = Vec::new();
    for unknown in &extraction.unknown {
        let Some((span, title_words)) = split_title(text, unknown.span) else {
            continue;
        };
        let span = drop_opener(text, span);
        let name = text[span.start as usize..span.end as usize]
            .trim_end_matches("'s")
            .trim_end_matches("\u{2019}s")
            .to_string();
        let words: Vec<&str> = name.split(' ').collect();
        if !(2..=4).contains(&words.len()) || !words.iter().all(|w| looks_like_name_word(w)) {
            continue;
        }
        // `North Korean leader`: a demonym before a lowercase word is an adjective
        let next_lower = text[span.end as usize..]
            .trim_start()
            .starts_with(char::is_lowercase);
        if next_lower && DEMONYM_ENDINGS.iter().any(|e| name.ends_with(e)) {
            continue;
        }
        let Some(sentence) = article.sentence_at(span.start) else {
            continue;
        };
        // the sentence's mentions that end before the name
        let first_after = mentions.partition_point(|m| m.span.end <= span.start);
        let first_in = mentions.partition_point(|m| m.span.start < sentence.span.start);
        let before = &mentions[first_in.min(first_after)..first_after];
        let title = title_before(
            x,
            article,
            sentence.span,
            before,
            span.start as usize,
            span.end as usize,
        )
        .filter(|(t, _)| t.start >= sentence.span.start)
        .map(|(t, r)| {
            let p = article.position(t.start);
            TitleSeen {
                text: r.text.split_whitespace().collect::<Vec<_>>().join(" "),
                known: r.entities,
                line: p.line,
                column: p.column,
            }
        });
        let determiner = word_before(text, sentence.span, span.start as usize)
            .is_some_and(|w| in_list(w, &["the", "a", "an"]));
        let honorific = title_words.is_none()
            && word_before(text, sentence.span, span.start as usize)
                .is_some_and(|w| in_list(w.trim_end_matches('.'), HONORIFICS));
        let surname = words[words.len() - 1];
        let surname_alone = count_word(text, surname).saturating_sub(count_phrase(text, &name));
        // an organization speaks too (`the White House said`), but only a person is then
        // called by the last word of the name alone (`Roe said`)
        let person = title.is_some() || honorific || surname_speaks(text, &name, surname);
        let p = article.position(span.start);
        names.push(Sighting {
            name,
            line: p.line,
            column: p.column,
            title,
            person,
            determiner,
            surname_alone,
        });
    }
    ArticleSightings { names }
}

/// `Deputy Prime Minister Jane Roe` is one run of capitalized words: the name is what
/// follows the last title noun. Returns the name's span and whether title words were cut.
fn split_title(text: &str, span: Span) -> Option<(Span, Option<Span>)> {
    let words = word_spans(
        &text[span.start as usize..span.end as usize],
        span.start as usize,
    );
    let last_title = words
        .iter()
        .rposition(|&(s, e)| crate::extract::titles::is_title_noun(&text[s..e]));
    match last_title {
        None => Some((span, None)),
        Some(k) if k + 1 < words.len() => Some((
            Span::new(words[k + 1].0, span.end as usize),
            Some(Span::new(span.start as usize, words[k].1)),
        )),
        Some(_) => None,
    }
}

/// A run that starts with a sentence opener (`Although Apple`) without it.
fn drop_opener(text: &str, span: Span) -> Span {
    let run = &text[span.start as usize..span.end as usize];
    match run.split_once(' ') {
        Some((first, _)) if in_list(first, OPENERS) => {
            Span::new(span.start as usize + first.len() + 1, span.end as usize)
        }
        _ => span,
    }
}

/// A word of a personal name: a capital, then letters (with `-`, `'` or `.` for initials).
fn looks_like_name_word(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && word.chars().any(char::is_lowercase)
        && chars.all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '\u{2019}' | '.'))
        && !crate::extract::titles::is_title_noun(word)
        && !word.ends_with("-born")
}

fn word_before(text: &str, sentence: Span, at: usize) -> Option<&str> {
    let words = word_spans(&text[sentence.start as usize..at], sentence.start as usize);
    let &(s, e) = words.last()?;
    text[e..at].trim().is_empty().then(|| &text[s..e])
}

/// Whether the last word of `name`, standing alone (not inside the full name), is followed
/// by a speech verb somewhere in the text (`Roe said`, `Roe, who ..., said` is not counted).
fn surname_speaks(text: &str, name: &str, surname: &str) -> bool {
    let given = name[..name.len() - surname.len()].trim_end();
    word_positions(text, surname).any(|end| {
        let start = end - surname.len();
        if text[..start].trim_end().ends_with(given) {
            return false;
        }
        let next = text[end..]
            .trim_start_matches([',', ' '])
            .split(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        crate::extract::quotes::is_speech_verb(next)
    })
}

/// Ends of the whole-word occurrences of `word` in `text`.
fn word_positions<'a>(text: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    memchr::memmem::find_iter(text.as_bytes(), word.as_bytes()).filter_map(move |start| {
        let end = start + word.len();
        let before_ok = !text[..start].ends_with(|c: char| c.is_alphanumeric());
        let after_ok = !text[end..].starts_with(|c: char| c.is_alphanumeric());
        (before_ok && after_ok).then_some(end)
    })
}

fn count_word(text: &str, word: &str) -> usize {
    word_positions(text, word).count()
}

fn count_phrase(text: &str, phrase: &str) -> usize {
    word_positions(text, phrase).count()
}

/// Where a stub was first seen.
#[derive(Clone, Debug, Serialize)]
pub struct Location {
    pub path: String,
    pub line: u32,
    pub column: u32,
}

/// A title given to a person, with how often.
#[derive(Clone, Debug, Serialize)]
pub struct TitleCount {
    pub title: String,
    pub count: usize,
    /// The known titles these words name; empty when the title is new.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<String>,
}

/// A person the knowledge base lacks.
#[derive(Clone, Debug, Serialize)]
pub struct PersonStub {
    pub name: String,
    /// Mentions of the full name.
    pub mentions: usize,
    pub files: usize,
    /// Mentions of the last word alone, in the files that name the person.
    pub surname_mentions: usize,
    pub first: Location,
    pub titles: Vec<TitleCount>,
}

/// A title the knowledge base lacks, given to a person in an article.
#[derive(Clone, Debug, Serialize)]
pub struct TitleStub {
    pub title: String,
    pub mentions: usize,
    pub files: usize,
    pub first: Location,
    /// Who it was given to, most often first.
    pub given_to: Vec<(String, usize)>,
}

#[derive(Default)]
struct PersonAcc {
    mentions: usize,
    files: usize,
    surname_mentions: usize,
    person: bool,
    after_determiner: usize,
    first: Option<Location>,
    /// By title key: the count, the known titles, the words first written.
    titles: BTreeMap<String, (usize, Vec<String>, String)>,
}

#[derive(Default)]
struct TitleAcc {
    text: String,
    mentions: usize,
    files: usize,
    first: Option<Location>,
    given_to: BTreeMap<String, usize>,
}

/// Stubs gathered over many articles. Add articles in a fixed order for a deterministic
/// result (the first locations depend on it; the counts do not).
#[derive(Default)]
pub struct Suggestions {
    articles: usize,
    people: BTreeMap<String, PersonAcc>,
    titles: BTreeMap<String, TitleAcc>,
}

impl Suggestions {
    pub fn add(&mut self, path: &str, seen: ArticleSightings) {
        self.articles += 1;
        let mut in_file: BTreeMap<&str, usize> = BTreeMap::new();
        let mut titles_in_file: BTreeMap<String, ()> = BTreeMap::new();
        for s in &seen.names {
            let acc = self.people.entry(s.name.clone()).or_default();
            acc.mentions += 1;
            acc.person |= s.person;
            acc.after_determiner += usize::from(s.determiner);
            if acc.first.is_none() {
                acc.first = Some(Location {
                    path: path.to_string(),
                    line: s.line,
                    column: s.column,
                });
            }
            if !in_file.contains_key(s.name.as_str()) {
                acc.files += 1;
                acc.surname_mentions += s.surname_alone;
            }
            *in_file.entry(&s.name).or_default() += 1;
            let Some(title) = &s.title else { continue };
            let key = crate::text::name_key(&title.text);
            let entry = acc
                .titles
                .entry(key.clone())
                .or_insert_with(|| (0, title.known.clone(), title.text.clone()));
            entry.0 += 1;
            if title.known.is_empty() {
                let t = self.titles.entry(key.clone()).or_default();
                if t.first.is_none() {
                    t.text = title.text.clone();
                    t.first = Some(Location {
                        path: path.to_string(),
                        line: title.line,
                        column: title.column,
                    });
                }
                t.mentions += 1;
                if titles_in_file.insert(key, ()).is_none() {
                    t.files += 1;
                }
                *t.given_to.entry(s.name.clone()).or_default() += 1;
            }
        }
    }

    pub fn articles(&self) -> usize {
        self.articles
    }

    /// The people, most mentioned first, seen at least `min_mentions` times.
    pub fn people(&self, min_mentions: usize) -> Vec<PersonStub> {
        let mut out: Vec<PersonStub> = self
            .people
            .iter()
            .filter(|(_, a)| {
                a.person && a.mentions >= min_mentions && a.after_determiner * 4 <= a.mentions
            })
            .filter_map(|(name, a)| {
                let mut titles: Vec<TitleCount> = a
                    .titles
                    .values()
                    .map(|(count, known, text)| TitleCount {
                        title: text.clone(),
                        count: *count,
                        known: known.clone(),
                    })
                    .collect();
                titles.sort_by(|x, y| y.count.cmp(&x.count).then(x.title.cmp(&y.title)));
                Some(PersonStub {
                    name: name.clone(),
                    mentions: a.mentions,
                    files: a.files,
                    surname_mentions: a.surname_mentions,
                    first: a.first.clone()?,
                    titles,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            (b.mentions + b.surname_mentions)
                .cmp(&(a.mentions + a.surname_mentions))
                .then(b.files.cmp(&a.files))
                .then(a.name.cmp(&b.name))
        });
        out
    }

    /// The new titles, most mentioned first, seen at least `min_mentions` times.
    pub fn titles(&self, min_mentions: usize) -> Vec<TitleStub> {
        let mut out: Vec<TitleStub> = self
            .titles
            .values()
            .filter(|t| t.mentions >= min_mentions)
            .filter_map(|t| {
                let mut given_to: Vec<(String, usize)> =
                    t.given_to.iter().map(|(n, c)| (n.clone(), *c)).collect();
                given_to.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                Some(TitleStub {
                    title: t.text.clone(),
                    mentions: t.mentions,
                    files: t.files,
                    first: t.first.clone()?,
                    given_to,
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.mentions
                .cmp(&a.mentions)
                .then(b.files.cmp(&a.files))
                .then(a.title.cmp(&b.title))
        });
        out
    }
}

/// Writes the stubs as rule-file comments.
pub fn write_rules(
    people: &[PersonStub],
    titles: &[TitleStub],
    articles: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "# claimcheck rules suggest: {} {} and {} {} that the knowledge base lacks, from {} {}.",
        people.len(),
        plural(people.len(), "person", "people"),
        titles.len(),
        plural(titles.len(), "title", "titles"),
        articles,
        plural(articles, "article", "articles"),
    )?;
    writeln!(
        out,
        "# These are stubs, not facts. Look each one up in the public record, fill in the dates\n\
         # and the source, and remove the leading `# ` from the lines you keep."
    )?;
    for p in people {
        writeln!(out)?;
        let surname = p.name.rsplit(' ').next().unwrap_or(&p.name);
        write!(
            out,
            "# {}: {} {} in {} {} (first at {}:{}:{})",
            p.name,
            p.mentions,
            plural(p.mentions, "mention", "mentions"),
            p.files,
            plural(p.files, "file", "files"),
            p.first.path,
            p.first.line,
            p.first.column
        )?;
        if p.surname_mentions > 0 {
            write!(
                out,
                "; \"{surname}\" alone {} {}",
                p.surname_mentions,
                plural(p.surname_mentions, "time", "times")
            )?;
        }
        writeln!(out)?;
        if !p.titles.is_empty() {
            let list: Vec<String> = p
                .titles
                .iter()
                .map(|t| {
                    let known = if t.known.is_empty() {
                        " (new title)".to_string()
                    } else {
                        format!(" (= {})", t.known.join(" | "))
                    };
                    format!("\"{}\" ×{}{known}", t.title, t.count)
                })
                .collect();
            writeln!(out, "#   titles given: {}", list.join(", "))?;
        }
        writeln!(out, "# # source:")?;
        if p.surname_mentions > 0 {
            writeln!(out, "# person {:?} aka {:?}", p.name, surname)?;
        } else {
            writeln!(out, "# person {:?}", p.name)?;
        }
        for t in &p.titles {
            let title = t.known.first().unwrap_or(&t.title);
            writeln!(out, "#   holds {title:?} from YYYY-MM-DD")?;
        }
    }
    for t in titles {
        writeln!(out)?;
        let given: Vec<String> = t
            .given_to
            .iter()
            .map(|(name, count)| format!("{name} ×{count}"))
            .collect();
        writeln!(
            out,
            "# \"{}\": {} {} in {} {} (first at {}:{}:{}); given to {}",
            t.title,
            t.mentions,
            plural(t.mentions, "mention", "mentions"),
            t.files,
            plural(t.files, "file", "files"),
            t.first.path,
            t.first.line,
            t.first.column,
            given.join(", ")
        )?;
        writeln!(out, "# # source:")?;
        writeln!(out, "# title {:?}", t.title)?;
        writeln!(
            out,
            "#   one holder at a time    # if it has one holder at a time"
        )?;
    }
    Ok(())
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
