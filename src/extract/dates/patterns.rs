//! The date pattern's alternatives as text. This file is compiled twice: into the library
//! (as `dates::patterns`) and into `build.rs`, which compiles the alternatives into the dense
//! DFA the library embeds (`dates::DATE_DFA`). It uses nothing but `std`.

pub const MONTH: &str = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)";
pub const WEEKDAY: &str = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
pub const NUMBER: &str = r"(?P<number>\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|a few|a couple of|several|half an?)";
pub const HEDGE: &str = r"(?P<hedge>nearly|almost|just under|just over|about|around|roughly|approximately|some|more than|over|less than|under|fewer than|at least)";

/// The date pattern's alternatives, a named one per form; the first that matches at a
/// position wins.
pub fn date_alternatives() -> [String; 8] {
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
}
