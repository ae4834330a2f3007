//! Dates at year, month or day precision, and the validity intervals of facts.
//!
//! A date written `2014` means "some day in 2014", so a fact's start and end are ranges of
//! days, not points. A question such as "was this fact in force on that date?" therefore has
//! three answers: certainly, certainly not, or cannot tell at this precision. Checks report
//! only the first two; "cannot tell" is never a finding.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How much of a date was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A calendar date at the precision it was written in: `2014`, `2014-03` or `2014-03-18`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FactDate {
    year: i16,
    /// 0 when only the year is known.
    month: i8,
    /// 0 when only the year or month is known.
    day: i8,
}

/// Why a written date is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError {
    pub message: String,
}

fn is_leap(year: i16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

impl FactDate {
    pub fn year(year: i16) -> Result<FactDate, DateError> {
        if !(1..=9999).contains(&year) {
            return Err(DateError {
                message: format!("year {year} is outside 1 to 9999"),
            });
        }
        Ok(FactDate {
            year,
            month: 0,
            day: 0,
        })
    }

    pub fn month(year: i16, month: i8) -> Result<FactDate, DateError> {
        FactDate::year(year)?;
        if !(1..=12).contains(&month) {
            return Err(DateError {
                message: format!("month {month} is outside 1 to 12"),
            });
        }
        Ok(FactDate {
            year,
            month,
            day: 0,
        })
    }

    pub fn day(year: i16, month: i8, day: i8) -> Result<FactDate, DateError> {
        FactDate::month(year, month)?;
        // the common case, an existing day, checked by arithmetic (as `Date::new` checks it)
        if day >= 1
            && let Some(date) = FactDate::from_raw((year, month, day))
        {
            return Ok(date);
        }
        match Date::new(year, month, day) {
            Ok(_) => Ok(FactDate { year, month, day }),
            Err(_) => {
                let days = Date::new(year, month, 1)
                    .map(|d| d.days_in_month())
                    .unwrap_or(31);
                Err(DateError {
                    message: format!(
                        "{} {year} has {days} days, so day {day} does not exist",
                        MONTH_NAMES[(month - 1) as usize]
                    ),
                })
            }
        }
    }

    /// A whole civil date, at day precision.
    pub fn from_civil(date: Date) -> FactDate {
        FactDate {
            year: date.year(),
            month: date.month(),
            day: date.day(),
        }
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<FactDate, DateError> {
        let bad = || DateError {
            message: format!("`{text}` is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"),
        };
        let b = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| -> Option<i32> {
            b.get(range)?.iter().try_fold(0i32, |n, &d| {
                d.is_ascii_digit().then(|| n * 10 + i32::from(d - b'0'))
            })
        };
        let year = digits(0..4).ok_or_else(bad)? as i16;
        match b.len() {
            4 => FactDate::year(year),
            7 if b[4] == b'-' => FactDate::month(year, digits(5..7).ok_or_else(bad)? as i8),
            10 if b[4] == b'-' && b[7] == b'-' => FactDate::day(
                year,
                digits(5..7).ok_or_else(bad)? as i8,
                digits(8..10).ok_or_else(bad)? as i8,
            ),
            _ => Err(bad()),
        }
    }

    /// (year, month, day) with 0 for parts not written: the compact form of the cache.
    pub(crate) fn raw(self) -> (i16, i8, i8) {
        (self.year, self.month, self.day)
    }

    /// The inverse of [`FactDate::raw`], validated like a written date.
    /// Checked by arithmetic (no messages, no calendar library): the cache decodes
    /// hundreds of thousands of dates.
    #[inline]
    pub(crate) fn from_raw((year, month, day): (i16, i8, i8)) -> Option<FactDate> {
        // days in each month of a leap year (index 0: no month); February 29 needs a leap year
        const DAYS: [u8; 13] = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let (m, d) = (month as u8, day as u8);
        let valid = (1..=9999).contains(&year)
            && m <= 12
            && (d == 0
                || (m != 0 && d <= DAYS[usize::from(m)] && (m != 2 || d != 29 || is_leap(year))));
        valid.then_some(FactDate { year, month, day })
    }

    pub fn precision(self) -> Precision {
        match (self.month, self.day) {
            (0, _) => Precision::Year,
            (_, 0) => Precision::Month,
            _ => Precision::Day,
        }
    }

    pub fn year_number(self) -> i16 {
        self.year
    }

    /// The first day this date can mean.
    #[allow(
        clippy::expect_used,
        reason = "every constructor (year, month, day, parse, from_civil) validates the date"
    )]
    pub fn first_day(self) -> Date {
        let month = if self.month == 0 { 1 } else { self.month };
        let day = if self.day == 0 { 1 } else { self.day };
        Date::new(self.year, month, day).expect("validated on construction")
    }

    /// The last day this date can mean.
    #[allow(
        clippy::expect_used,
        reason = "December 31 exists in every year a FactDate can hold"
    )]
    pub fn last_day(self) -> Date {
        match self.precision() {
            Precision::Year => Date::new(self.year, 12, 31).expect("valid"),
            Precision::Month => self.first_day().last_of_month(),
            Precision::Day => self.first_day(),
        }
    }

    /// This date cut down to `precision` (never made finer).
    pub fn truncate(self, precision: Precision) -> FactDate {
        match precision.min(self.precision()) {
            Precision::Year => FactDate {
                year: self.year,
                month: 0,
                day: 0,
            },
            Precision::Month => FactDate {
                year: self.year,
                month: self.month,
                day: 0,
            },
            Precision::Day => self,
        }
    }

    /// Whether two dates can name the same day, compared at the coarser precision of the two.
    pub fn agrees_with(self, other: FactDate) -> bool {
        let precision = self.precision().min(other.precision());
        self.truncate(precision) == other.truncate(precision)
    }
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl fmt::Display for FactDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision() {
            Precision::Year => write!(f, "{:04}", self.year),
            Precision::Month => write!(f, "{:04}-{:02}", self.year, self.month),
            Precision::Day => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day),
        }
    }
}

impl Serialize for FactDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FactDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        FactDate::parse(&text).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// The answer to "does this hold then?" when dates have limited precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    Yes,
    No,
    /// The dates are too coarse to tell.
    Unknown,
}

/// When a fact is in force: `from` (inclusive), `until` (exclusive), or `on` one date.
///
/// `until D` ends the fact at the start of `D`, so `until 2025-01-20` and `from 2025-01-20`
/// do not overlap. The day itself stays "cannot tell" for the fact that ends: hand-overs
/// happen during the day, and an article written on it may use either title.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Validity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<FactDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<FactDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<FactDate>,
}

/// An inclusive range of days; empty when `first > last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Days {
    first: Date,
    last: Date,
}

impl Days {
    fn is_empty(self) -> bool {
        self.first > self.last
    }

    fn intersects(self, other: Days) -> bool {
        !self.is_empty()
            && !other.is_empty()
            && self.first.max(other.first) <= self.last.min(other.last)
    }
}

impl Validity {
    pub const ALWAYS: Validity = Validity {
        from: None,
        until: None,
        on: None,
    };

    pub fn is_always(&self) -> bool {
        *self == Validity::ALWAYS
    }

    /// The days on which the fact may hold, at the most generous reading of the dates.
    fn possible(&self) -> Days {
        if let Some(on) = self.on {
            return Days {
                first: on.first_day(),
                last: on.last_day(),
            };
        }
        Days {
            first: self.from.map_or(Date::MIN, FactDate::first_day),
            last: self.until.map_or(Date::MAX, FactDate::last_day),
        }
    }

    /// The days on which the fact holds whatever the exact dates turn out to be.
    fn certain(&self) -> Days {
        if let Some(on) = self.on {
            return Days {
                first: on.last_day(),
                last: on.first_day(),
            };
        }
        Days {
            first: self.from.map_or(Date::MIN, FactDate::last_day),
            last: self.until.map_or(Date::MAX, |u| {
                u.first_day().yesterday().unwrap_or(Date::MIN)
            }),
        }
    }

    /// Whether the fact holds on `when` (itself at some precision: a day, a month, a year).
    pub fn holds_at(&self, when: FactDate) -> Truth {
        let (first, last) = (when.first_day(), when.last_day());
        let certain = self.certain();
        if !certain.is_empty() && certain.first <= first && last <= certain.last {
            return Truth::Yes;
        }
        let possible = self.possible();
        if last < possible.first || first > possible.last {
            return Truth::No;
        }
        Truth::Unknown
    }

    /// Whether the fact held at some time before `when` (for `then-X` and `former X`).
    pub fn held_before(&self, when: FactDate) -> Truth {
        let certain = self.certain();
        if !certain.is_empty() && certain.first < when.first_day() {
            return Truth::Yes;
        }
        if self.possible().first >= when.last_day() {
            return Truth::No;
        }
        Truth::Unknown
    }

    /// The first and last day on which the fact certainly holds, if there are any.
    pub fn certain_days(&self) -> Option<(Date, Date)> {
        let days = self.certain();
        (!days.is_empty()).then_some((days.first, days.last))
    }

    /// Whether both facts certainly hold on some common day.
    pub fn certainly_overlaps(&self, other: &Validity) -> bool {
        self.certain().intersects(other.certain())
    }

    /// Whether `from` comes after `until`, so the fact can never hold.
    pub fn is_inverted(&self) -> bool {
        matches!((self.from, self.until), (Some(f), Some(u)) if f.first_day() > u.last_day())
    }
}

impl fmt::Display for Validity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(d) = self.from {
            parts.push(format!("from {d}"));
        }
        if let Some(d) = self.until {
            parts.push(format!("until {d}"));
        }
        if let Some(d) = self.on {
            parts.push(format!("on {d}"));
        }
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The simple form of [`FactDate::from_raw`]: the rules of a written date.
    fn from_raw_reference((year, month, day): (i16, i8, i8)) -> Option<FactDate> {
        let valid = (1..=9999).contains(&year)
            && match (month, day) {
                (0, 0) => true,
                (1..=12, 0) => true,
                (1..=12, 1..=31) => {
                    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
                    let days = match month {
                        2 if leap => 29,
                        2 => 28,
                        4 | 6 | 9 | 11 => 30,
                        _ => 31,
                    };
                    day <= days
                }
                _ => false,
            };
        valid.then_some(FactDate { year, month, day })
    }

    #[test]
    fn raw_dates_are_checked_as_the_reference_does_for_every_nearby_value() {
        for year in -2..=10_001i16 {
            for month in -2..=14i8 {
                for day in -2..=33i8 {
                    let raw = (year, month, day);
                    assert_eq!(FactDate::from_raw(raw), from_raw_reference(raw), "{raw:?}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn days_are_accepted_as_jiff_accepts_them(year in -5i16..10_005, month in -1i8..14, day in -1i8..33) {
            // the simple form: a month, then the day checked by jiff
            let reference = FactDate::month(year, month).ok().and_then(|_| {
                Date::new(year, month, day).ok().map(|_| FactDate { year, month, day })
            });
            prop_assert_eq!(FactDate::day(year, month, day).ok(), reference);
        }

        #[test]
        fn raw_dates_are_checked_as_the_reference_does(year: i16, month: i8, day: i8) {
            let raw = (year, month, day);
            prop_assert_eq!(FactDate::from_raw(raw), from_raw_reference(raw));
        }
    }

    fn d(text: &str) -> FactDate {
        FactDate::parse(text).unwrap()
    }

    fn validity(from: Option<&str>, until: Option<&str>) -> Validity {
        Validity {
            from: from.map(d),
            until: until.map(d),
            on: None,
        }
    }

    #[test]
    fn dates_keep_their_precision() {
        assert_eq!(d("2014").precision(), Precision::Year);
        assert_eq!(d("2014-03").precision(), Precision::Month);
        assert_eq!(d("2014-03-18").precision(), Precision::Day);
        assert_eq!(d("2014-03").to_string(), "2014-03");
        assert_eq!(d("2024-02").last_day(), Date::new(2024, 2, 29).unwrap());
    }

    #[test]
    fn impossible_dates_are_rejected_with_a_reason() {
        let err = FactDate::parse("2025-02-30").unwrap_err();
        assert!(
            err.message.contains("February 2025 has 28 days"),
            "{}",
            err.message
        );
        assert!(FactDate::parse("2025-13").is_err());
        assert!(FactDate::parse("25-01-01").is_err());
        assert!(FactDate::parse("2025-1-01").is_err());
        assert!(FactDate::parse("2024-02-29").is_ok());
    }

    #[test]
    fn dates_compare_at_the_coarser_precision() {
        assert!(d("2014").agrees_with(d("2014-03-18")));
        assert!(d("2014-03").agrees_with(d("2014-03-18")));
        assert!(!d("2014-04").agrees_with(d("2014-03-18")));
        assert!(!d("2016").agrees_with(d("2014-03-18")));
    }

    #[test]
    fn day_precision_interval_is_half_open() {
        let senator = validity(Some("2011-01-03"), Some("2025-01-20"));
        assert_eq!(senator.holds_at(d("2011-01-03")), Truth::Yes);
        assert_eq!(senator.holds_at(d("2025-01-19")), Truth::Yes);
        // the hand-over day: cannot tell
        assert_eq!(senator.holds_at(d("2025-01-20")), Truth::Unknown);
        assert_eq!(senator.holds_at(d("2025-01-21")), Truth::No);
        assert_eq!(senator.holds_at(d("2011-01-02")), Truth::No);
    }

    #[test]
    fn year_precision_bounds_are_uncertain_within_the_year() {
        let term = validity(Some("2004"), Some("2014"));
        assert_eq!(term.holds_at(d("2004-06-01")), Truth::Unknown);
        assert_eq!(term.holds_at(d("2005-06-01")), Truth::Yes);
        assert_eq!(term.holds_at(d("2014-06-01")), Truth::Unknown);
        assert_eq!(term.holds_at(d("2015-01-01")), Truth::No);
        assert_eq!(term.holds_at(d("2003")), Truth::No);
        // an article dated only by year is compared at year precision
        assert_eq!(term.holds_at(d("2010")), Truth::Yes);
        assert_eq!(term.holds_at(d("2004")), Truth::Unknown);
    }

    #[test]
    fn open_ends_hold_forever() {
        let open = validity(Some("2025-01-21"), None);
        assert_eq!(open.holds_at(d("2999-01-01")), Truth::Yes);
        assert_eq!(Validity::ALWAYS.holds_at(d("1900")), Truth::Yes);
    }

    #[test]
    fn consecutive_terms_do_not_overlap_but_shared_days_do() {
        let biden = validity(Some("2021-01-20"), Some("2025-01-20"));
        let trump = validity(Some("2025-01-20"), None);
        assert!(!biden.certainly_overlaps(&trump));
        let overlapping = validity(Some("2024-06-01"), None);
        assert!(biden.certainly_overlaps(&overlapping));
        // coarse dates overlap only where both certainly hold
        assert!(
            !validity(Some("2004"), Some("2014")).certainly_overlaps(&validity(Some("2014"), None))
        );
    }

    #[test]
    fn held_before_is_for_former_titles() {
        let term = validity(Some("2017-01-20"), Some("2021-01-20"));
        assert_eq!(term.held_before(d("2025-02-18")), Truth::Yes);
        assert_eq!(term.held_before(d("2016-05-01")), Truth::No);
    }

    #[test]
    fn on_is_a_single_date() {
        let annexed = Validity {
            on: Some(d("2014-03-18")),
            ..Validity::ALWAYS
        };
        assert_eq!(annexed.holds_at(d("2014-03-18")), Truth::Yes);
        assert_eq!(annexed.holds_at(d("2014")), Truth::Unknown);
        assert_eq!(annexed.holds_at(d("2016")), Truth::No);
        assert!(validity(Some("2020"), Some("2019")).is_inverted());
    }
}
