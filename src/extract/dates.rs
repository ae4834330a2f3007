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

/// The date pattern's alternatives, a named one per form; the first that matches at a
/// position wins.
static DATE_ALTERNATIVES: LazyLock<[String; 8]> = LazyLock::new(|| {
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
    // ASCII word boundaries keep the regex on its fast DFA path; Unicode `\b` forces a
    // backtracker on every non-ASCII byte (measured: 60 % of extraction time).
    // Likewise ASCII `\s` and `\d`: every literal in the pattern is ASCII anyway.
    [
        month_day,
        day_month,
        month_year,
        iso.to_string(),
        in_year.to_string(),
        format!("(?i:{relative})"),
        weekday,
        week.to_string(),
    ]
    .map(|alternative| format!("(?-u:{})", alternative.replace(r"\b", r"(?-u:\b)")))
});

/// The date pattern anchored where a search starts: `at_start` for a match at the start of
/// the text, `after_char` for one right after the first character of the haystack it is
/// given, which is the character before the candidate position (so `\b` sees it, as it
/// would in the whole text).
struct Anchored {
    at_start: Regex,
    after_char: Regex,
}

impl Anchored {
    fn new(pattern: &str) -> Anchored {
        #[allow(
            clippy::expect_used,
            reason = "a constant pattern, compiled by every test"
        )]
        let compile = |prefix: &str| {
            Regex::new(&format!("{prefix}(?:{pattern})")).expect("date regex compiles")
        };
        Anchored {
            at_start: compile("^"),
            after_char: compile("^(?s:.)"),
        }
    }

    /// The regex for a candidate at byte `at` of the text.
    fn get(&self, at: usize) -> &Regex {
        if at == 0 {
            &self.at_start
        } else {
            &self.after_char
        }
    }
}

/// The whole pattern (to tell where a match is) and each alternative with its capture
/// groups (to read the first that matches: leftmost-first, that is the whole pattern's
/// match, and a small regex's captures cost much less).
struct DateRegex {
    any: Anchored,
    alternatives: Vec<(Anchored, Groups)>,
}

/// Capture group indices of one alternative (`usize::MAX` for a group it does not have).
struct Groups {
    m1: usize,
    m2: usize,
    m3: usize,
    d1: usize,
    d2: usize,
    y1: usize,
    y2: usize,
    y3: usize,
    y4: usize,
    wd1: usize,
    wd2: usize,
    wd3: usize,
    iso: usize,
    prep: usize,
    notunit: usize,
    unit: usize,
    number: usize,
    hedge: usize,
    direction: usize,
    rel: usize,
    wunit: usize,
    wrel: usize,
    yday: usize,
}

static DATE_REGEX: LazyLock<DateRegex> = LazyLock::new(|| {
    let any = Anchored::new(&DATE_ALTERNATIVES.join("|"));
    let alternatives = DATE_ALTERNATIVES
        .iter()
        .map(|pattern| {
            let anchored = Anchored::new(pattern);
            let groups = Groups::of(&anchored.at_start);
            (anchored, groups)
        })
        .collect();
    DateRegex { any, alternatives }
});

impl Groups {
    fn of(regex: &Regex) -> Groups {
        // a missing name reads as an unset group
        let index = |name: &str| {
            regex
                .capture_names()
                .position(|n| n == Some(name))
                .unwrap_or(usize::MAX)
        };
        Groups {
            m1: index("m1"),
            m2: index("m2"),
            m3: index("m3"),
            d1: index("d1"),
            d2: index("d2"),
            y1: index("y1"),
            y2: index("y2"),
            y3: index("y3"),
            y4: index("y4"),
            wd1: index("wd1"),
            wd2: index("wd2"),
            wd3: index("wd3"),
            iso: index("iso"),
            prep: index("prep"),
            notunit: index("notunit"),
            unit: index("unit"),
            number: index("number"),
            hedge: index("hedge"),
            direction: index("direction"),
            rel: index("rel"),
            wunit: index("wunit"),
            wrel: index("wrel"),
            yday: index("yday"),
        }
    }
}

/// Words without one of which (or a digit) no date expression can match: every alternative
/// of the pattern holds one (see [`ANCHOR_WORDS`]). Months and weekdays are matched in any
/// case, which only finds more anchors than needed.
static ANCHORS: LazyLock<Regex> = LazyLock::new(|| {
    let words: Vec<String> = ANCHOR_WORDS
        .iter()
        .map(|(word, _)| regex::escape(word))
        .collect();
    // a lazy DFA scans this faster than an Aho-Corasick automaton; leftmost-first like it
    #[allow(clippy::expect_used, reason = "constant words, built by every test")]
    // a run of digits is one anchor: each of its digits would be tried as a start anyway
    // (the search below tries every position up to an anchor's end), and one match per
    // number instead of per digit saves a search restart each
    Regex::new(&format!("(?i-u:[0-9]+|{})", words.join("|"))).expect("anchor regex compiles")
});

/// How many tokens may come before an anchor the anchor regex found.
fn reach_of(anchor: &str) -> usize {
    ANCHOR_WORDS
        .iter()
        .find(|(word, _)| word.eq_ignore_ascii_case(anchor))
        .map_or(TOKENS_BEFORE_ANY, |(_, reach)| *reach)
}

/// The anchors, each with the most whitespace-separated tokens a date expression has before
/// it when it is the expression's first anchor: a two-word hedge and a three-word number
/// before a unit (`just under a couple of years`), a hedge before a number (`more than 3
/// years`) or a preposition before a year (`since 2014`), a word before a weekday (`last
/// Monday`); months and `yesterday` start theirs. No word of a hedge, number, preposition or
/// `last`/`next` holds an anchor, so the first anchor found at or after the start of an
/// expression is its own; and where two anchors start at one place the first listed is found,
/// so `decade` comes before `dec`.
const ANCHOR_WORDS: [(&str, usize); 40] = [
    ("decade", 5),
    ("year", 5),
    ("month", 5),
    ("week", 5),
    ("day", 5),
    ("centur", 5),
    ("hour", 5),
    ("minute", 5),
    ("jan", 0),
    ("feb", 0),
    ("mar", 0),
    ("apr", 0),
    ("may", 0),
    ("jun", 0),
    ("jul", 0),
    ("aug", 0),
    ("sep", 0),
    ("oct", 0),
    ("nov", 0),
    ("dec", 0),
    ("monday", 1),
    ("tuesday", 1),
    ("wednesday", 1),
    ("thursday", 1),
    ("friday", 1),
    ("saturday", 1),
    ("sunday", 1),
    ("yesterday", 0),
    ("today", 0),
    ("tomorrow", 0),
    ("0", 2),
    ("1", 2),
    ("2", 2),
    ("3", 2),
    ("4", 2),
    ("5", 2),
    ("6", 2),
    ("7", 2),
    ("8", 2),
    ("9", 2),
];

/// ASCII whitespace, the pattern's `\s`.
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// The start of the `n`th whitespace-separated token before `at` (or of the token `at` is
/// in): no date expression whose first anchor starts at `at` starts before it.
fn tokens_back(bytes: &[u8], at: usize, n: usize) -> usize {
    let mut i = at;
    for _ in 0..n {
        while i > 0 && is_space(bytes[i - 1]) {
            i -= 1;
        }
        while i > 0 && !is_space(bytes[i - 1]) {
            i -= 1;
        }
    }
    i
}

/// Whether a date expression can start at byte `i`: every alternative starts with an ASCII
/// letter or digit, and only those starting with a capitalized month or weekday or a digit
/// may follow a word character (the others start with `\b`).
fn may_start_at(bytes: &[u8], i: usize) -> bool {
    let b = bytes[i];
    b.is_ascii_digit()
        || b.is_ascii_uppercase()
        || (b.is_ascii_lowercase()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')))
}

/// Every match of the date pattern in `text`, leftmost-first and not overlapping, as
/// `captures_iter` of the unanchored pattern would find them: the pattern is tried,
/// anchored, only at the positions a match can start at, near an anchor. `found` gets the
/// capture locations and the offset to add to them.
fn each_match(
    text: &str,
    mut found: impl FnMut(&regex::CaptureLocations, &Groups, usize, usize, usize),
) {
    let bytes = text.as_bytes();
    let re = &*DATE_REGEX;
    let mut locs: Vec<Option<regex::CaptureLocations>> = Vec::new();
    // the next position to try: past the last match and every position tried
    let mut next = 0;
    for anchor in ANCHORS.find_iter(text) {
        let reach = match anchor.as_str().as_bytes() {
            [b, ..] if b.is_ascii_digit() => 2,
            _ => reach_of(anchor.as_str()),
        };
        let mut i = next.max(tokens_back(bytes, anchor.start(), reach));
        // a match starts at or before its first anchor (or inside the one found)
        while i < anchor.end() {
            if !may_start_at(bytes, i) {
                i += 1;
                continue;
            }
            let from = if i == 0 {
                0
            } else {
                // the character before `i` (candidates are ASCII, so `i` is a boundary)
                let mut from = i - 1;
                while !text.is_char_boundary(from) {
                    from -= 1;
                }
                from
            };
            let hay = text.get(from..).unwrap_or_default();
            if !re.any.get(i).is_match(hay) {
                i += 1;
                continue;
            }
            // the first alternative that matches here is the match
            let mut end = None;
            for (k, (alternative, groups)) in re.alternatives.iter().enumerate() {
                if locs.len() <= k {
                    locs.resize_with(k + 1, || None);
                }
                let Some(slot) = locs.get_mut(k) else {
                    continue;
                };
                let l = slot.get_or_insert_with(|| alternative.at_start.capture_locations());
                if let Some(m) = alternative.get(i).captures_read(l, hay) {
                    let e = from + m.end();
                    // matches are never empty
                    if e > i {
                        found(l, groups, from, i, e);
                        end = Some(e);
                    }
                    break;
                }
            }
            i = end.unwrap_or(i + 1);
        }
        next = next.max(i);
    }
}

/// The most tokens before any anchor (for an anchor the automaton has no entry for).
const TOKENS_BEFORE_ANY: usize = 5;

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
    each_match(text, |locs, groups, from, start, end| {
        let c = Caps {
            text,
            locs,
            from,
            start,
            end,
        };
        if let Some(e) = expression(&c, groups, base, article_year) {
            out.push(e);
        }
    });
    merge_weekday_dates(text, base, out)
}

/// One match of the date pattern: its capture locations, relative to `from` in `text`, and
/// the span of the whole expression.
struct Caps<'t> {
    text: &'t str,
    locs: &'t regex::CaptureLocations,
    from: usize,
    start: usize,
    end: usize,
}

impl<'t> Caps<'t> {
    fn range(&self, group: usize) -> Option<(usize, usize)> {
        let (s, e) = self.locs.get(group)?;
        Some((self.from + s, self.from + e))
    }

    fn str(&self, group: usize) -> Option<&'t str> {
        let (s, e) = self.range(group)?;
        self.text.get(s..e)
    }
}

/// The date expression a match makes, if it makes one.
fn expression(
    c: &Caps<'_>,
    g: &Groups,
    base: usize,
    article_year: Option<i16>,
) -> Option<DateExpression> {
    let mut span = Span::new(base + c.start, base + c.end);
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
    if let Some(m) = c.str(g.m1).or(c.str(g.m2)) {
        let day: i8 = c
            .str(g.d1)
            .or(c.str(g.d2))
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        let year = c
            .str(g.y1)
            .or(c.str(g.y2))
            .and_then(|y| y.parse().ok())
            .or(article_year);
        e.weekday = c.str(g.wd1).or(c.str(g.wd2)).and_then(weekday_of);
        e.date = match (year, month_number(m)) {
            (Some(y), Some(mo)) => FactDate::day(y, mo, day).ok(),
            _ => None,
        };
        // `May 5` is a date, but `may 5` and a bare "May" alone are too ambiguous
        if m == "May"
            && c.str(g.y1).or(c.str(g.y2)).is_none()
            && c.str(g.d2).is_none()
            && e.date.is_none()
        {
            return None;
        }
    } else if let Some(m) = c.str(g.m3) {
        e.date = match (c.str(g.y3).and_then(|y| y.parse().ok()), month_number(m)) {
            (Some(y), Some(mo)) => FactDate::month(y, mo).ok(),
            _ => None,
        };
    } else if let Some(iso) = c.str(g.iso) {
        e.date = Some(FactDate::parse(iso).ok()?);
    } else if let Some(y) = c.str(g.y4) {
        if c.str(g.notunit).is_some() {
            return None;
        }
        e.date = y.parse().ok().and_then(|y| FactDate::year(y).ok());
        // the span is the year and its preposition, without a unit word
        // the pattern puts `prep` before every `y4`
        if let (Some(prep), Some(year)) = (c.range(g.prep), c.range(g.y4)) {
            span = Span::new(base + prep.0, base + year.1);
            e.span = span;
        }
    } else if let Some(unit) = c.str(g.unit) {
        let amount = c.str(g.number).and_then(number_value);
        e.unit = Some(unit_name(unit));
        e.amount = amount;
        e.hedge = c.str(g.hedge).map(hedge_of);
        e.direction = c
            .str(g.direction)
            .map(|d| match d.to_ascii_lowercase().as_str() {
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
        amount?;
    } else if let Some(wd) = c.str(g.wd3) {
        e.form = DateForm::Weekday;
        e.weekday = weekday_of(wd);
        e.relative_to_now = c.str(g.rel).map(|r| match r {
            "last" | "past" => "last",
            "next" | "coming" => "next",
            "this" => "this",
            _ => "on",
        });
    } else if let Some(unit) = c.str(g.wunit) {
        e.form = DateForm::Weekday;
        e.unit = Some(unit_name(unit));
        e.relative_to_now = c.str(g.wrel).map(|r| match r {
            "last" => "last",
            "next" => "next",
            _ => "this",
        });
    } else if let Some(day) = c.str(g.yday) {
        e.form = DateForm::Weekday;
        e.relative_to_now = Some(match day {
            "yesterday" => "yesterday",
            "tomorrow" => "tomorrow",
            _ => "today",
        });
    }
    Some(e)
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
    event_words_in(text, sentence, at, clause_around(text, sentence, at))
}

/// [`event_words_near`] with the clause around `at` already found.
fn event_words_in(text: &str, sentence: Span, at: Span, clause: Span) -> Option<Span> {
    let s = sentence.slice(text);
    let base = sentence.start as usize;
    let rel_start = (at.start - sentence.start) as usize;
    let rel_end = (at.end - sentence.start) as usize;
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
        // later words start later still: none is nearer
        if ws >= rel_end {
            break;
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
    if !may_hold_a_day(head.as_bytes()) {
        return None;
    }
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

/// Whether `head` may hold an absolute date at day precision, the only kind of dateline:
/// those are `month_day`, `day_month` (a capitalized month and a digit) and `iso` (digits
/// and `-`) matches, or a weekday merged with one. Every other alternative makes a year, a
/// month, or no absolute date at all.
fn may_hold_a_day(head: &[u8]) -> bool {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    head.iter().any(u8::is_ascii_digit)
        && (head.contains(&b'-')
            || head
                .windows(3)
                .any(|w| w[0].is_ascii_uppercase() && MONTHS.iter().any(|m| m[..] == *w)))
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
        let words = event_words_in(&article.prose, sentence, e.span, clause);
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
    // ASCII bytes: found by byte, they are the characters `rfind` and `find` would find
    let bytes = s.as_bytes();
    let start = bytes
        .get(floor..rel_start)
        .and_then(|b| memchr::memrchr2(b';', b'(', b))
        .map_or(floor, |p| floor + p + 1);
    let end = bytes
        .get(rel_end..ceiling)
        .and_then(|b| memchr::memchr2(b';', b')', b))
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

    /// Every match and capture `find` reads, as the unanchored pattern's `captures_iter`
    /// finds them, over random text made of date words, numbers, other words and spacing.
    #[test]
    fn anchored_search_matches_captures_iter() {
        let whole = Regex::new(&DATE_ALTERNATIVES.join("|")).unwrap();
        let names: Vec<&str> = whole.capture_names().flatten().collect();
        let vocabulary = [
            "Jan.",
            "January",
            "Feb",
            "March",
            "Mar.",
            "May",
            "may",
            "Sept.",
            "Sep",
            "Dec.",
            "December",
            "Monday",
            "Thursday,",
            "friday",
            "Sunday",
            "year",
            "years",
            "Years",
            "months",
            "weeks",
            "day",
            "days",
            "decade",
            "decades",
            "century",
            "centuries",
            "hours",
            "minutes",
            "yesterday",
            "today",
            "Today",
            "tomorrow",
            "ago",
            "later",
            "earlier",
            "after",
            "before",
            "in",
            "since",
            "by",
            "until",
            "of",
            "from",
            "during",
            "early",
            "late",
            "mid-",
            "mid-2014",
            "last",
            "next",
            "this",
            "on",
            "past",
            "coming",
            "week",
            "month",
            "nearly",
            "almost",
            "just",
            "under",
            "over",
            "about",
            "around",
            "some",
            "more",
            "than",
            "less",
            "fewer",
            "at",
            "least",
            "a",
            "an",
            "A",
            "one",
            "Two",
            "three",
            "twenty",
            "few",
            "couple",
            "several",
            "half",
            "1",
            "2",
            "18",
            "18th",
            "2014",
            "2025",
            "1999",
            "2025-02-18",
            "3.5",
            "12",
            "2014-13-99",
            "people",
            "troops",
            "dollars",
            "Omar",
            "market",
            "decided",
            "Sunday's",
            "x2014",
            "_3",
            "the",
            "said",
            "(",
            ")",
            ",",
            ";",
            ".",
            "—",
            "é",
            "naïve",
            "“",
            "’s",
            "Ünter",
        ];
        let spaces = [" ", " ", " ", "  ", "\n", "\t", "", "\u{a0}", ", "];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(14) {
                text.push_str(vocabulary[next(vocabulary.len())]);
                text.push_str(spaces[next(spaces.len())]);
            }
            let mut expected = Vec::new();
            for caps in whole.captures_iter(&text) {
                let groups: Vec<_> = names
                    .iter()
                    .map(|n| caps.name(n).map(|m| m.range()))
                    .collect();
                expected.push((caps.get(0).unwrap().range(), groups));
            }
            let mut got = Vec::new();
            each_match(&text, |locs, groups, from, start, end| {
                let c = Caps {
                    text: &text,
                    locs,
                    from,
                    start,
                    end,
                };
                let index = |name: &str| match name {
                    "m1" => groups.m1,
                    "m2" => groups.m2,
                    "m3" => groups.m3,
                    "d1" => groups.d1,
                    "d2" => groups.d2,
                    "y1" => groups.y1,
                    "y2" => groups.y2,
                    "y3" => groups.y3,
                    "y4" => groups.y4,
                    "wd1" => groups.wd1,
                    "wd2" => groups.wd2,
                    "wd3" => groups.wd3,
                    "iso" => groups.iso,
                    "prep" => groups.prep,
                    "notunit" => groups.notunit,
                    "unit" => groups.unit,
                    "number" => groups.number,
                    "hedge" => groups.hedge,
                    "direction" => groups.direction,
                    "rel" => groups.rel,
                    "wunit" => groups.wunit,
                    "wrel" => groups.wrel,
                    "yday" => groups.yday,
                    other => panic!("group {other} is not read"),
                };
                let groups: Vec<_> = names
                    .iter()
                    .map(|n| c.range(index(n)).map(|(s, e)| s..e))
                    .collect();
                got.push((start..end, groups));
            });
            assert_eq!(got, expected, "{text:?}");
        }
    }

    #[test]
    fn bounds_by_hedge() {
        assert_eq!(elapsed_bounds(3.0, None), (2.5, 3.5));
        let (lo, hi) = elapsed_bounds(3.0, Some(Hedge::About));
        assert!((lo - 2.5).abs() < 1e-9 && (hi - 3.5).abs() < 1e-9);
        assert!(elapsed_bounds(10.0, Some(Hedge::Over)).0 > 9.0);
    }
}
