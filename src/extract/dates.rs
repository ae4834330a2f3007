//! Dates and times: absolute dates at their precision, weekdays, and relative times and
//! durations with hedges, each resolved against the article date into a range of days and
//! tied to the event or entity its clause speaks of.

use std::sync::LazyLock;

use jiff::civil::{Date, Weekday};
use regex::Regex;

use super::claim::{DateClaim, DateForm, DayRange, Hedge, Ref};
use crate::article::{Article, ArticleDate, BlockKind, DateSource};
use crate::kb::time::FactDate;
use crate::span::Span;

const MONTH: &str = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)";
const WEEKDAY: &str = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const NUMBER: &str = r"(?P<number>\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|a few|a couple of|several|half an?)";
const HEDGE: &str = r"(?P<hedge>nearly|almost|just under|just over|about|around|roughly|approximately|some|more than|over|less than|under|fewer than|at least)";

/// One regex with a named alternative per form; the first that matches at a position wins.
static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let month_day = format!(
        r"(?:{WEEKDAY},?\s+)?{MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}})\b)?"
    )
    .replace("(?P<weekday>", "(?P<wd1>")
    .replace("(?P<month>", "(?P<m1>")
    .replace("(?P<day>", "(?P<d1>")
    .replace("(?P<year>", "(?P<y1>");
    let day_month = format!(r"(?:{WEEKDAY},?\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}(?:,?\s+(?P<year>\d{{4}})\b)?")
        .replace("(?P<weekday>", "(?P<wd2>")
        .replace("(?P<month>", "(?P<m2>")
        .replace("(?P<day>", "(?P<d2>")
        .replace("(?P<year>", "(?P<y2>");
    let month_year = format!(r"{MONTH},?\s+(?P<year>\d{{4}})\b")
        .replace("(?P<month>", "(?P<m3>")
        .replace("(?P<year>", "(?P<y3>");
    let iso = r"(?P<iso>\b\d{4}-\d{2}-\d{2}\b)";
    let in_year = r"\b(?P<prep>in|since|by|until|of|from|during|early|late|mid-)\s*(?P<y4>(?:1[89]|20)\d{2})\b(?P<notunit>\s+(?:years?|months?|people|troops|soldiers|dollars|euros)\b)?";
    let relative = format!(
        r"\b(?:{HEDGE}\s+)?{NUMBER}\s+(?P<unit>years?|months?|weeks?|days?|decades?|centur(?:y|ies)|hours?|minutes?)\b(?:\s+(?P<direction>ago|after|before|later|earlier))?"
    );
    let weekday = format!(r"\b(?:(?P<rel>last|next|this|on|past|coming)\s+)?{WEEKDAY}\b")
        .replace("(?P<weekday>", "(?P<wd3>");
    let week = r"\b(?P<wrel>last|next|this)\s+(?P<wunit>week|month|year)\b|\b(?P<yday>yesterday|today|tomorrow)\b";
    let pattern = format!(
        r"(?:{month_day})|(?:{day_month})|(?:{month_year})|{iso}|(?:{in_year})|(?:(?i:{relative}))|(?:{weekday})|(?:{week})"
    );
    // ASCII word boundaries keep the regex on its fast DFA path; Unicode `\b` forces a
    // backtracker on every non-ASCII byte (measured: 60 % of extraction time).
    // Likewise ASCII `\s` and `\d`: every literal in the pattern is ASCII anyway.
    let pattern = format!("(?-u){}", pattern.replace(r"\b", r"(?-u:\b)"));
    #[allow(
        clippy::expect_used,
        reason = "a constant pattern, compiled by every test"
    )]
    Regex::new(&pattern).expect("date regex compiles")
});

/// Words without which no date expression can match; sentences with none of them and no
/// digit skip the (much slower) date regex.
static ANCHORS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    let words = [
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "year",
        "month",
        "week",
        "day",
        "decade",
        "centur",
        "hour",
        "minute",
        "yesterday",
        "today",
        "tomorrow",
    ];
    #[allow(clippy::expect_used, reason = "constant words, built by every test")]
    aho_corasick::AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build(words)
        .expect("anchor automaton builds")
});

/// Whether `text` may hold a date expression.
fn may_hold_date(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit()) || ANCHORS.is_match(text)
}

/// Event nouns and verbs, found in one pass (word boundaries checked by the caller).
static EVENT_WORDS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    #[allow(clippy::expect_used, reason = "constant words, built by every test")]
    aho_corasick::AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(EVENT_NOUNS.iter().chain(EVENT_VERBS))
        .expect("event word automaton builds")
});

/// A date expression found in text, before it is tied to a subject.
#[derive(Clone, Debug, PartialEq)]
pub struct DateExpression {
    pub span: Span,
    pub form: DateForm,
    pub date: Option<FactDate>,
    pub weekday: Option<Weekday>,
    pub hedge: Option<Hedge>,
    pub amount: Option<f64>,
    pub unit: Option<&'static str>,
    pub direction: Option<&'static str>,
    /// `last`, `next`, `this`, `on` before a weekday, or `last week` style.
    pub relative_to_now: Option<&'static str>,
}

fn month_number(m: &str) -> Option<i8> {
    let m = m.trim_end_matches('.').to_ascii_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|p| m.starts_with(p))
        .map(|i| i as i8 + 1)
}

fn weekday_of(name: &str) -> Option<Weekday> {
    Some(match &name.to_ascii_lowercase()[..] {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// Number words zero to twenty, by value.
pub const NUMBER_WORDS: [&str; 21] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

fn number_value(text: &str) -> Option<f64> {
    let t = text.to_ascii_lowercase();
    if let Some(i) = NUMBER_WORDS.iter().position(|w| *w == t) {
        return Some(i as f64);
    }
    match t.as_str() {
        "a" | "an" => Some(1.0),
        "thirty" => Some(30.0),
        "forty" => Some(40.0),
        "fifty" => Some(50.0),
        "a few" | "several" => Some(3.0),
        "a couple of" => Some(2.0),
        "half a" | "half an" => Some(0.5),
        _ => t.parse().ok(),
    }
}

fn unit_name(unit: &str) -> &'static str {
    let u = unit.to_ascii_lowercase();
    match u.trim_end_matches('s') {
        "year" => "year",
        "month" => "month",
        "week" => "week",
        "day" => "day",
        "decade" => "decade",
        "hour" => "hour",
        "minute" => "minute",
        _ if u.starts_with("centur") => "century",
        _ => "day",
    }
}

/// Days in one unit, for relative arithmetic.
fn unit_days(unit: &str) -> Option<f64> {
    Some(match unit {
        "year" => 365.2425,
        "month" => 30.436875,
        "week" => 7.0,
        "day" => 1.0,
        "decade" => 3652.425,
        "century" => 36524.25,
        _ => return None,
    })
}

fn hedge_of(text: &str) -> Hedge {
    match text.to_ascii_lowercase().as_str() {
        "nearly" | "almost" | "just under" => Hedge::Under,
        "more than" | "over" | "just over" | "at least" => Hedge::Over,
        "less than" | "under" | "fewer than" => Hedge::LessThan,
        _ => Hedge::About,
    }
}

/// Every date expression in `text` (a sentence's prose), with spans offset by `base`.
/// `article_year` fills in `February 18` without a year.
pub fn find(text: &str, base: usize, article_year: Option<i16>) -> Vec<DateExpression> {
    let mut out = Vec::new();
    if !may_hold_date(text) {
        return out;
    }
    for caps in DATE_RE.captures_iter(text) {
        let Some(whole) = caps.get(0) else {
            continue;
        };
        let mut span = Span::new(base + whole.start(), base + whole.end());
        let mut e = DateExpression {
            span,
            form: DateForm::Absolute,
            date: None,
            weekday: None,
            hedge: None,
            amount: None,
            unit: None,
            direction: None,
            relative_to_now: None,
        };
        let get = |name: &str| caps.name(name).map(|m| m.as_str());
        if let Some(m) = get("m1").or(get("m2")) {
            let day: i8 = get("d1")
                .or(get("d2"))
                .and_then(|d| d.parse().ok())
                .unwrap_or(0);
            let year = get("y1")
                .or(get("y2"))
                .and_then(|y| y.parse().ok())
                .or(article_year);
            e.weekday = get("wd1").or(get("wd2")).and_then(weekday_of);
            e.date = match (year, month_number(m)) {
                (Some(y), Some(mo)) => FactDate::day(y, mo, day).ok(),
                _ => None,
            };
            // `May 5` is a date, but `may 5` and a bare "May" alone are too ambiguous
            if m == "May"
                && get("y1").or(get("y2")).is_none()
                && get("d2").is_none()
                && e.date.is_none()
            {
                continue;
            }
        } else if let Some(m) = get("m3") {
            e.date = match (get("y3").and_then(|y| y.parse().ok()), month_number(m)) {
                (Some(y), Some(mo)) => FactDate::month(y, mo).ok(),
                _ => None,
            };
        } else if let Some(iso) = get("iso") {
            e.date = FactDate::parse(iso).ok();
            if e.date.is_none() {
                continue;
            }
        } else if let Some(y) = get("y4") {
            if get("notunit").is_some() {
                continue;
            }
            e.date = y.parse().ok().and_then(|y| FactDate::year(y).ok());
            // the span is the year and its preposition, without a unit word
            // the pattern puts `prep` before every `y4`
            if let (Some(prep), Some(year)) = (caps.name("prep"), caps.name("y4")) {
                span = Span::new(base + prep.start(), base + year.end());
                e.span = span;
            }
        } else if let Some(unit) = get("unit") {
            let amount = get("number").and_then(number_value);
            e.unit = Some(unit_name(unit));
            e.amount = amount;
            e.hedge = get("hedge").map(hedge_of);
            e.direction = get("direction").map(|d| match d.to_ascii_lowercase().as_str() {
                "ago" => "ago",
                "after" => "after",
                "before" => "before",
                "later" => "later",
                _ => "earlier",
            });
            e.form = if e.direction.is_some() {
                DateForm::Relative
            } else {
                DateForm::Duration
            };
            // "some" and "over" without a number word are common prose; require an amount
            if amount.is_none() {
                continue;
            }
        } else if let Some(wd) = get("wd3") {
            e.form = DateForm::Weekday;
            e.weekday = weekday_of(wd);
            e.relative_to_now = get("rel").map(|r| match r {
                "last" | "past" => "last",
                "next" | "coming" => "next",
                "this" => "this",
                _ => "on",
            });
        } else if let Some(unit) = get("wunit") {
            e.form = DateForm::Weekday;
            e.unit = Some(unit_name(unit));
            e.relative_to_now = get("wrel").map(|r| match r {
                "last" => "last",
                "next" => "next",
                _ => "this",
            });
        } else if let Some(day) = get("yday") {
            e.form = DateForm::Weekday;
            e.relative_to_now = Some(match day {
                "yesterday" => "yesterday",
                "tomorrow" => "tomorrow",
                _ => "today",
            });
        }
        out.push(e);
    }
    merge_weekday_dates(text, base, out)
}

/// `on Thursday, Feb. 18, 2025` is one expression: a date with the weekday it falls on.
fn merge_weekday_dates(text: &str, base: usize, found: Vec<DateExpression>) -> Vec<DateExpression> {
    let mut out: Vec<DateExpression> = Vec::with_capacity(found.len());
    for e in found {
        if let Some(prev) = out.last_mut()
            && prev.form == DateForm::Weekday
            && prev.weekday.is_some()
            && e.form == DateForm::Absolute
            && e.weekday.is_none()
            && text[(prev.span.end as usize - base)..(e.span.start as usize - base)]
                .trim_matches([',', ' '])
                .is_empty()
        {
            let weekday = prev.weekday;
            *prev = DateExpression {
                span: prev.span.to(e.span),
                weekday,
                ..e
            };
            continue;
        }
        out.push(e);
    }
    out
}

fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(jiff::Span::new().days(days)).ok()
}

/// The days an expression can mean, given the article date (a day).
pub fn resolve(e: &DateExpression, today: Option<Date>) -> Option<DayRange> {
    if e.form == DateForm::Absolute {
        let d = e.date?;
        return Some(DayRange {
            first: d.first_day(),
            last: d.last_day(),
        });
    }
    let today = today?;
    match e.form {
        DateForm::Weekday => {
            if let Some(w) = e
                .relative_to_now
                .filter(|_| e.weekday.is_none() && e.unit.is_none())
            {
                let d = match w {
                    "yesterday" => add_days(today, -1)?,
                    "tomorrow" => add_days(today, 1)?,
                    _ => today,
                };
                return Some(DayRange { first: d, last: d });
            }
            if let Some(unit) = e.unit {
                // last/next/this week, month or year: a generous window
                let (back, forward) = match (unit, e.relative_to_now) {
                    ("week", Some("last")) => (-13, -1),
                    ("week", Some("next")) => (1, 13),
                    ("week", _) => (-6, 6),
                    ("month", Some("last")) => (-62, -1),
                    ("month", Some("next")) => (1, 62),
                    ("month", _) => (-31, 31),
                    ("year", Some("last")) => (-730, -1),
                    ("year", Some("next")) => (1, 730),
                    _ => (-366, 366),
                };
                return Some(DayRange {
                    first: add_days(today, back)?,
                    last: add_days(today, forward)?,
                });
            }
            // A weekday: the window it can fall in. `last Wednesday` is 1 to 13 days back
            // (yesterday's or last week's), `next Monday` 1 to 13 ahead, a bare or `on`
            // weekday within six days either way.
            let (back, forward) = match e.relative_to_now {
                Some("last") => (-13, -1),
                Some("next") => (1, 13),
                _ => (-6, 6),
            };
            Some(DayRange {
                first: add_days(today, back)?,
                last: add_days(today, forward)?,
            })
        }
        DateForm::Relative if e.direction == Some("ago") => {
            let days = unit_days(e.unit?)?;
            let n = e.amount?;
            let (lo, hi) = elapsed_bounds(n, e.hedge);
            Some(DayRange {
                first: add_days(today, -((hi * days).ceil() as i64))?,
                last: add_days(today, -((lo * days).floor() as i64))?,
            })
        }
        _ => None,
    }
}

/// The elapsed amount, in units, that an expression allows: `three years` means 2.5 to 3.5;
/// `nearly three` a little under three; `about three` ±10 % (at least half a unit); `more
/// than three` above three.
pub fn elapsed_bounds(n: f64, hedge: Option<Hedge>) -> (f64, f64) {
    let slack = (0.1 * n).max(0.5);
    match hedge {
        None => ((n - 0.5).max(0.0), n + 0.5),
        Some(Hedge::Under) => ((n - (0.15 * n).max(0.5)).max(0.0), n * 1.02),
        Some(Hedge::About) => ((n - slack).max(0.0), n + slack),
        Some(Hedge::Over) => (n * 0.98, n * 100.0 + 100.0),
        Some(Hedge::LessThan) => (0.0, n * 1.02),
    }
}

/// Words that name events, for tying a date to what its clause speaks of.
pub const EVENT_NOUNS: &[&str] = &[
    "phone call",
    "call",
    "meeting",
    "talks",
    "summit",
    "conversation",
    "visit",
    "invasion",
    "annexation",
    "attack",
    "offensive",
    "election",
    "referendum",
    "ceasefire",
    "truce",
    "agreement",
    "deal",
    "accord",
    "treaty",
    "conference",
    "speech",
    "address",
    "interview",
    "negotiations",
    "war",
    "session",
    "trip",
    "strike",
    "vote",
    "announcement",
    "inauguration",
];

/// Verbs that make an event of their clause (`met`, `launched`).
pub const EVENT_VERBS: &[&str] = &[
    "met",
    "meet",
    "meets",
    "spoke",
    "speak",
    "called",
    "signed",
    "launched",
    "annexed",
    "invaded",
    "visited",
    "held",
    "announced",
    "attacked",
    "talked",
    "agreed",
    "began",
    "started",
];

/// Finds the event a date speaks of, in the clause around `at` within `sentence`:
/// the nearest event words before it, else after it.
pub fn event_words_near(text: &str, sentence: Span, at: Span) -> Option<Span> {
    let s = sentence.slice(text);
    let base = sentence.start as usize;
    let rel_start = (at.start - sentence.start) as usize;
    let rel_end = (at.end - sentence.start) as usize;
    let clause = clause_around(text, sentence, at);
    let (clause_start, clause_end) = (
        (clause.start - sentence.start) as usize,
        (clause.end - sentence.start) as usize,
    );
    let mut best: Option<(usize, Span)> = None;
    for m in EVENT_WORDS.find_iter(&s[clause_start..clause_end]) {
        let (ws, end) = (clause_start + m.start(), clause_start + m.end());
        let bounded = !s[..ws].ends_with(|c: char| c.is_alphanumeric())
            && !s[end..].starts_with(|c: char| c.is_alphanumeric());
        if !bounded || (ws >= rel_start && ws < rel_end) {
            continue;
        }
        // prefer words before the date, nearest first; then after
        let distance = if end <= rel_start {
            rel_start - end
        } else {
            10_000 + ws - rel_end
        };
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, Span::new(base + ws, base + end)));
        }
    }
    best.map(|(_, span)| span)
}

pub use super::words::word_spans;

/// The article's dateline, if its first body block starts with one (`Feb. 18, 2025 —`,
/// `RIYADH, Saudi Arabia, Feb. 18, 2025 (AP) —`) or is a date alone.
pub fn dateline(article: &Article) -> Option<ArticleDate> {
    // the first paragraph, which is the headline too when a Markdown article has no heading
    let block = article
        .blocks
        .iter()
        .filter(|b| b.kind != BlockKind::Title)
        .take(2)
        .find(|b| b.kind == BlockKind::Paragraph || !b.headline)?;
    let text = article.prose_of(block.span);
    let mut cut = text.len().min(120);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    for e in find(head, block.span.start as usize, None) {
        if e.form != DateForm::Absolute
            || e.date
                .is_none_or(|d| d.precision() != crate::kb::time::Precision::Day)
        {
            continue;
        }
        let rel_start = (e.span.start - block.span.start) as usize;
        let rel_end = (e.span.end - block.span.start) as usize;
        let before = &text[..rel_start];
        let after = text[rel_end..].trim_start();
        let after = match after.strip_prefix('(') {
            Some(rest) => rest.split_once(')').map_or(after, |(_, r)| r.trim_start()),
            None => after,
        };
        let prefix_ok = !before.contains('.') && before.split_whitespace().count() <= 6;
        let dash = after.starts_with(['\u{2014}', '\u{2013}', '-']) || after.is_empty();
        if prefix_ok && dash {
            return Some(ArticleDate {
                date: e.date?,
                span: e.span,
                source: DateSource::Dateline,
            });
        }
    }
    None
}

/// Date claims for one sentence.
pub fn claims_in(
    article: &Article,
    sentence: Span,
    today: Option<Date>,
    events: &[(Span, Ref)],
) -> Vec<DateClaim> {
    let year = article.date.map(|d| d.date.year_number());
    let text = article.prose_of(sentence);
    let mut out = Vec::new();
    for e in find(text, sentence.start as usize, year) {
        let resolved = resolve(&e, today);
        // a KB event mention in the same clause wins; else the nearest event words
        let clause = clause_around(&article.prose, sentence, e.span);
        let words = event_words_near(&article.prose, sentence, e.span);
        let known = nearest_event(events, clause, e.span).filter(|known| {
            // `The Riyadh meeting followed a phone call ... on Feb. 12`: other event words
            // between the known event and the date speak of another event; and `the
            // anniversary of the invasion on Monday` is not the invasion's date
            let between = words.is_some_and(|w| {
                known.span.end <= w.start
                    && w.end <= e.span.start
                    && EVENT_NOUNS
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(w.slice(&article.prose)))
            });
            let lower = clause.slice(&article.prose).to_lowercase();
            !between && !lower.contains("anniversary") && !lower.contains(" years since")
        });
        let subject = known.cloned().or_else(|| {
            words.map(|span| Ref {
                text: article.slice(span).to_string(),
                span,
                entities: Vec::new(),
                ids: Vec::new(),
            })
        });
        out.push(DateClaim {
            subject,
            expression: Ref {
                text: article.slice(e.span).to_string(),
                span: e.span,
                entities: Vec::new(),
                ids: Vec::new(),
            },
            form: e.form,
            date: e.date,
            weekday: e.weekday.map(|w| weekday_name(w).to_string()),
            hedge: e.hedge,
            amount: e.amount,
            unit: e.unit.map(str::to_string),
            direction: e.direction.map(str::to_string),
            resolved,
        });
    }
    out
}

/// The clause around `at` in `sentence`: from the last `;` or `(` before it to the next `;`
/// or `)` after it. A parenthesis speaks of its own subject.
fn clause_around(text: &str, sentence: Span, at: Span) -> Span {
    let s = sentence.slice(text);
    let base = sentence.start as usize;
    let rel_start = (at.start - sentence.start) as usize;
    let rel_end = (at.end - sentence.start) as usize;
    // A clause reaches at most CLAUSE_REACH bytes either side of the date: the work per
    // date stays constant, so a sentence with thousands of dates costs linear time.
    let mut floor = rel_start.saturating_sub(CLAUSE_REACH);
    while !s.is_char_boundary(floor) {
        floor += 1;
    }
    let mut ceiling = (rel_end + CLAUSE_REACH).min(s.len());
    while !s.is_char_boundary(ceiling) {
        ceiling -= 1;
    }
    let start = s[floor..rel_start]
        .rfind([';', '('])
        .map_or(floor, |p| floor + p + 1);
    let end = s[rel_end..ceiling]
        .find([';', ')'])
        .map_or(ceiling, |p| rel_end + p);
    Span::new(base + start, base + end)
}

/// How far a date's clause reaches before and after it, in bytes.
const CLAUSE_REACH: usize = 300;

/// The event mentioned nearest to `at` inside `clause`: before it first, else after it.
/// `events` are sorted by position and do not overlap.
fn nearest_event(events: &[(Span, Ref)], clause: Span, at: Span) -> Option<&Ref> {
    let from = events.partition_point(|(span, _)| span.start < clause.start);
    let to = events.partition_point(|(span, _)| span.start < clause.end);
    events[from..to.max(from)]
        .iter()
        .filter(|(span, _)| span.end <= clause.end)
        .min_by_key(|(span, _)| {
            if span.end <= at.start {
                at.start - span.end
            } else {
                10_000 + span.start.saturating_sub(at.end)
            }
        })
        .map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> DateExpression {
        let found = find(text, 0, Some(2025));
        assert_eq!(found.len(), 1, "{text}: {found:#?}");
        found.into_iter().next().unwrap()
    }

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn absolute_dates_at_their_precision() {
        assert_eq!(
            one("on Feb. 18, 2025 in Riyadh").date.unwrap().to_string(),
            "2025-02-18"
        );
        assert_eq!(
            one("on 18 February 2025").date.unwrap().to_string(),
            "2025-02-18"
        );
        assert_eq!(
            one("on February 18").date.unwrap().to_string(),
            "2025-02-18"
        );
        assert_eq!(one("in February 2025").date.unwrap().to_string(), "2025-02");
        assert_eq!(one("annexed in 2014").date.unwrap().to_string(), "2014");
        assert_eq!(
            one("dated 2025-02-18.").date.unwrap().to_string(),
            "2025-02-18"
        );
        let thursday = one("on Thursday, Feb. 18, 2025");
        assert_eq!(thursday.weekday, Some(Weekday::Thursday));
        assert_eq!(thursday.date.unwrap().to_string(), "2025-02-18");
    }

    #[test]
    fn years_of_things_are_not_dates() {
        assert!(find("sent 2014 troops", 0, None).is_empty());
        assert!(
            find("in 2014 dollars", 0, None)
                .iter()
                .all(|e| e.form != DateForm::Absolute)
        );
    }

    #[test]
    fn weekdays_and_relative_days() {
        let e = one("met on Tuesday");
        assert_eq!(
            (e.form, e.weekday, e.relative_to_now),
            (DateForm::Weekday, Some(Weekday::Tuesday), Some("on"))
        );
        let e = one("last Wednesday");
        let r = resolve(&e, Some(d("2025-02-18"))).unwrap();
        assert_eq!((r.first, r.last), (d("2025-02-05"), d("2025-02-17")));
        assert_eq!(one("next week").relative_to_now, Some("next"));
    }

    #[test]
    fn hedged_relative_times_resolve_to_ranges() {
        let e = one("nearly three years ago");
        assert_eq!(
            (e.hedge, e.amount, e.unit, e.direction),
            (Some(Hedge::Under), Some(3.0), Some("year"), Some("ago"))
        );
        let r = resolve(&e, Some(d("2025-02-18"))).unwrap();
        // the invasion of 2022-02-24 is nearly three years before 2025-02-18
        assert!(
            r.first <= d("2022-02-24") && d("2022-02-24") <= r.last,
            "{r:?}"
        );
        let five = resolve(&one("nearly five years ago"), Some(d("2025-02-18"))).unwrap();
        assert!(d("2022-02-24") > five.last);
        let e = one("more than a decade");
        assert_eq!(
            (e.form, e.hedge, e.amount),
            (DateForm::Duration, Some(Hedge::Over), Some(1.0))
        );
        assert_eq!(one("about five hours").unit, Some("hour"));
    }

    #[test]
    fn bounds_by_hedge() {
        assert_eq!(elapsed_bounds(3.0, None), (2.5, 3.5));
        let (lo, hi) = elapsed_bounds(3.0, Some(Hedge::About));
        assert!((lo - 2.5).abs() < 1e-9 && (hi - 3.5).abs() < 1e-9);
        assert!(elapsed_bounds(10.0, Some(Hedge::Over)).0 > 9.0);
    }
}
