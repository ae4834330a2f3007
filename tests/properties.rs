//! Property tests (proptest): date and interval arithmetic, relative weekdays, spans, and
//! determinism across thread counts.

use std::sync::OnceLock;

use claimcheck::article::{Article, Format};
use claimcheck::check::{CheckSettings, Context, run_checks};
use claimcheck::extract::Extractor;
use claimcheck::extract::claim::DateForm;
use claimcheck::extract::dates::{find, resolve};
use claimcheck::kb::KnowledgeBase;
use claimcheck::kb::time::{FactDate, Precision, Truth, Validity};
use jiff::civil::{Date, Weekday};
use proptest::prelude::*;

mod support;
use support::invariants;

// ---------------------------------------------------------------------------------------
// Dates and intervals

fn day_date() -> impl Strategy<Value = FactDate> {
    (1990i16..2030, 1i8..=12, 1i8..=31)
        .prop_filter_map("a real day", |(y, m, d)| FactDate::day(y, m, d).ok())
}

/// A date at any precision.
fn fact_date() -> impl Strategy<Value = FactDate> {
    (day_date(), 0u8..3).prop_map(|(d, p)| {
        d.truncate(match p {
            0 => Precision::Year,
            1 => Precision::Month,
            _ => Precision::Day,
        })
    })
}

fn validity() -> impl Strategy<Value = Validity> {
    prop_oneof![
        (
            proptest::option::of(fact_date()),
            proptest::option::of(fact_date())
        )
            .prop_map(|(from, until)| Validity {
                from,
                until,
                on: None
            }),
        fact_date().prop_map(|on| Validity {
            from: None,
            until: None,
            on: Some(on)
        }),
    ]
}

fn days(d: FactDate) -> (Date, Date) {
    (d.first_day(), d.last_day())
}

/// Whether the fact holds on `day` when its dates mean exactly `from`, `until` and `on`
/// (chosen days inside their written ranges). `until` is exclusive.
fn holds_exactly(from: Option<Date>, until: Option<Date>, on: Option<Date>, day: Date) -> bool {
    match on {
        Some(on) => day == on,
        None => from.is_none_or(|f| f <= day) && until.is_none_or(|u| day < u),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_date_prints_and_parses_back_at_its_precision(d in fact_date()) {
        let back = FactDate::parse(&d.to_string()).expect("a printed date parses");
        prop_assert_eq!(back, d);
        prop_assert_eq!(back.precision(), d.precision());
    }

    #[test]
    fn a_date_is_the_range_of_its_days_and_contains_its_refinements(d in day_date(), p in 0u8..3) {
        let precision = [Precision::Year, Precision::Month, Precision::Day][p as usize];
        let coarse = d.truncate(precision);
        prop_assert_eq!(coarse.precision(), precision);
        let (first, last) = days(coarse);
        prop_assert!(first <= last);
        // the finer date lies inside the coarser one
        prop_assert!(first <= d.first_day() && d.last_day() <= last);
        prop_assert!(coarse.agrees_with(d) && d.agrees_with(coarse));
        // the range is the whole year, month or day
        match precision {
            Precision::Year => prop_assert_eq!((first.month(), first.day(), last.month(), last.day()), (1, 1, 12, 31)),
            Precision::Month => {
                prop_assert_eq!(first.day(), 1);
                prop_assert_eq!(last, first.last_of_month());
            }
            Precision::Day => prop_assert_eq!(first, last),
        }
    }

    #[test]
    fn agreement_is_symmetric_and_means_shared_days(a in fact_date(), b in fact_date()) {
        prop_assert_eq!(a.agrees_with(b), b.agrees_with(a));
        let (af, al) = days(a);
        let (bf, bl) = days(b);
        // two dates agree exactly when their day ranges meet
        prop_assert_eq!(a.agrees_with(b), af.max(bf) <= al.min(bl));
    }

    /// `holds_at` is three-valued and never wrong: Yes holds whatever exact days the
    /// written dates turn out to mean, No holds for none of them.
    #[test]
    fn holds_at_is_sound_at_every_precision(v in validity(), when in fact_date()) {
        let truth = v.holds_at(when);
        let (wf, wl) = days(when);
        let sample_days = [wf, wl, wf.checked_add(jiff::Span::new().days(((wl - wf).get_days() / 2) as i64)).unwrap_or(wf)];
        // the most and least generous exact readings of the validity
        let generous = (v.from.map(|d| d.first_day()), v.until.map(|d| d.last_day().tomorrow().unwrap_or(Date::MAX)));
        let strict = (v.from.map(|d| d.last_day()), v.until.map(|d| d.first_day()));
        match truth {
            Truth::Yes => {
                for day in sample_days {
                    if let Some(on) = v.on {
                        prop_assert!(holds_exactly(None, None, Some(on.first_day()), day) && holds_exactly(None, None, Some(on.last_day()), day));
                    } else {
                        prop_assert!(holds_exactly(strict.0, strict.1, None, day), "Yes, but {v} fails on {day} read strictly");
                    }
                }
            }
            Truth::No => {
                for day in sample_days {
                    if let Some(on) = v.on {
                        prop_assert!(day < on.first_day() || day > on.last_day());
                    } else {
                        prop_assert!(!holds_exactly(generous.0, generous.1, None, day), "No, but {v} holds on {day} read generously");
                    }
                }
            }
            Truth::Unknown => {}
        }
    }

    /// With every date written to the day, only the hand-over day (`until D` on D) is
    /// uncertain.
    #[test]
    fn day_precision_leaves_only_the_hand_over_day_uncertain(
        from in proptest::option::of(day_date()),
        until in proptest::option::of(day_date()),
        when in day_date(),
    ) {
        let v = Validity { from, until, on: None };
        let truth = v.holds_at(when);
        let expected = holds_exactly(from.map(FactDate::first_day), until.map(FactDate::first_day), None, when.first_day());
        if until == Some(when) && from.is_none_or(|f| f.first_day() <= when.first_day()) {
            prop_assert_eq!(truth, Truth::Unknown);
        } else {
            prop_assert_eq!(truth, if expected { Truth::Yes } else { Truth::No }, "{} at {}", v, when);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Relative weekdays

const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Monday, "Monday"),
    (Weekday::Tuesday, "Tuesday"),
    (Weekday::Wednesday, "Wednesday"),
    (Weekday::Thursday, "Thursday"),
    (Weekday::Friday, "Friday"),
    (Weekday::Saturday, "Saturday"),
    (Weekday::Sunday, "Sunday"),
];

fn add(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).expect("in range")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `last W`, `next W` and `on W` resolve to a window of days around the article's date
    /// that holds the weekday they name: the most recent W before the date, the first after
    /// it, or the nearest either way.
    #[test]
    fn relative_weekdays_resolve_around_the_article_date(today in day_date(), w in 0usize..7, form in 0usize..3) {
        let today = today.first_day();
        let (weekday, name) = WEEKDAYS[w];
        let text = match form {
            0 => format!("They met last {name}."),
            1 => format!("They meet next {name}."),
            _ => format!("They met on {name}."),
        };
        let found = find(&text, 0, Some(today.year()));
        prop_assert_eq!(found.len(), 1, "{}: {:?}", text, found);
        let e = &found[0];
        prop_assert_eq!(e.form, DateForm::Weekday);
        prop_assert_eq!(e.weekday, Some(weekday));
        prop_assert_eq!(&text[e.span.start as usize..e.span.end as usize].contains(name), &true);
        let range = resolve(e, Some(today)).expect("a weekday resolves given a day");
        prop_assert!(range.first <= range.last);
        let previous = (1..=7).map(|n| add(today, -n)).find(|d| d.weekday() == weekday).expect("within a week");
        let following = (1..=7).map(|n| add(today, n)).find(|d| d.weekday() == weekday).expect("within a week");
        let contains = |d: Date| range.first <= d && d <= range.last;
        match form {
            0 => {
                prop_assert!(range.last < today, "last {} is before the article", name);
                prop_assert!(contains(previous));
                prop_assert!(range.first >= add(today, -13));
            }
            1 => {
                prop_assert!(range.first > today, "next {} is after the article", name);
                prop_assert!(contains(following));
                prop_assert!(range.last <= add(today, 13));
            }
            _ => {
                // the weekday within six days either way, whichever it is (today too)
                let candidates: Vec<Date> = (-6..=6).map(|n| add(today, n)).filter(|d| d.weekday() == weekday).collect();
                prop_assert!(!candidates.is_empty());
                prop_assert!(candidates.iter().all(|&d| contains(d)));
                prop_assert!(range.first >= add(today, -6) && range.last <= add(today, 6));
            }
        }
    }

    /// Absolute dates resolve to exactly the days they name.
    #[test]
    fn absolute_dates_resolve_to_their_days(d in day_date(), with_day in any::<bool>()) {
        const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
        let first = d.first_day();
        let month = MONTHS[first.month() as usize - 1];
        let (text, expected) = if with_day {
            (format!("It happened on {month} {}, {}.", first.day(), first.year()), d)
        } else {
            (format!("It happened in {month} {}.", first.year()), d.truncate(Precision::Month))
        };
        let found = find(&text, 0, None);
        let e = found.iter().find(|e| e.form == DateForm::Absolute).expect("an absolute date");
        prop_assert_eq!(e.date, Some(expected), "{}", text);
        let range = resolve(e, None).expect("absolute dates need no article date");
        prop_assert_eq!((range.first, range.last), days(expected));
    }
}

// ---------------------------------------------------------------------------------------
// Spans

const PLACES: &str = include_str!("../fixtures/rules/valid/places.rules");
const WORLD: &str = include_str!("../fixtures/rules/valid/world.rules");

/// The fixture knowledge base (`load_str` does not follow imports: places first).
fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        let text = format!("{PLACES}\n{}", WORLD.replace("use \"places.rules\"", ""));
        claimcheck::rules::load_str("fixture.rules", &text).expect("the fixture rules compile")
    })
}

/// Pieces of news prose and of everything that makes it hard: names the rules know and
/// misspell, titles, dates, quotation marks of every kind, Markdown syntax, every line end,
/// multi-byte characters, HTML comments, front matter.
const FRAGMENTS: &[&str] = &[
    "Marco Rubio",
    "Rubio",
    "Secretary of State",
    "Antony Blinken",
    "Sergey Lavrov",
    "Sergey Lavrof",
    "Lavrov",
    "Zelenskyy",
    "Zelensky",
    "Riyadh",
    "Saudi Arabia",
    "Crimea",
    "Ukraine",
    "NATO",
    "Kirill Dmitriev",
    "the Riyadh talks",
    "hosted by",
    "governor of",
    "former",
    "then-",
    "Sen.",
    "U.S.",
    "Mr.",
    "said",
    "met",
    "in",
    "on",
    "Tuesday",
    "last Wednesday",
    "next Monday",
    "Feb. 18, 2025",
    "2014",
    "March 2014",
    "three years ago",
    "nearly five years",
    "We cannot recognize any agreements about us without us",
    ". ",
    ", ",
    "; ",
    ": ",
    "! ",
    "? ",
    "\"",
    "\u{201c}",
    "\u{201d}",
    "\u{2018}",
    "\u{2019}",
    "'s",
    "(",
    ")",
    " \u{2014} ",
    "-",
    " ",
    " ",
    " ",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "# ",
    "## ",
    "> ",
    "- ",
    "* ",
    "1. ",
    "`",
    "**",
    "[link](https://example.com)",
    "<!-- ",
    " -->",
    "<!-- claimcheck-disable title-conflict -->",
    "---\ndate: 2025-02-18\n---\n",
    "\u{feff}",
    "é",
    "ß",
    "😀",
    "\u{a0}",
    "\t",
    "|",
    "...",
];

fn article_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..120)
            .prop_map(|parts| parts.concat()),
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    /// Every span the reader, the extractors and the checks report lies on character
    /// boundaries inside the article, and its line and column match its byte offset
    /// (counted the slow way in `support::invariants::naive_position`).
    #[test]
    fn every_span_lies_on_char_boundaries_and_its_position_matches(text in article_text(), markdown in any::<bool>()) {
        let format = if markdown { Format::Markdown } else { Format::Text };
        let Ok(article) = Article::from_bytes("a", format, text.into_bytes()) else {
            return Ok(());
        };
        invariants::check_article(&article);
        let kb = kb();
        let extractor = Extractor::new(kb);
        let date = FactDate::parse("2025-02-20").ok();
        let extraction = extractor.extract(&article, date);
        invariants::check_extraction(&article, &extraction);
        let cx = Context { kb, article: &article, extraction: &extraction };
        let findings = run_checks(&cx, &CheckSettings::default());
        invariants::check_findings(&article, kb, &findings);
    }
}

// ---------------------------------------------------------------------------------------
// Determinism

/// Runs `check` in process on a pool of `threads` threads and returns stdout and stderr.
fn check_with_threads(args: &[String], threads: usize) -> (Vec<u8>, Vec<u8>) {
    use clap::Parser;
    let cli = claimcheck::cli::Cli::try_parse_from(args).expect("arguments parse");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    pool.install(|| claimcheck::cli::run_with(cli, false, &mut out, &mut err));
    (out, err)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The same articles give byte-identical output on one thread and on two, in every
    /// format (files are checked in parallel; results are collected in path order).
    #[test]
    fn output_is_the_same_on_one_thread_and_on_two(
        articles in proptest::collection::vec(article_text(), 2..6),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        for (i, text) in articles.iter().enumerate() {
            let ext = if i % 2 == 0 { "md" } else { "txt" };
            std::fs::write(dir.path().join(format!("a{i}.{ext}")), text).expect("write");
        }
        let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/valid/world.rules");
        for format in ["human", "short", "json", "sarif", "github"] {
            let args: Vec<String> = [
                "claimcheck", "check", "--no-config", "--no-default-rules", "--date", "2025-02-20",
                "--format", format, "--rules",
            ]
            .iter()
            .map(|s| s.to_string())
            .chain([rules.display().to_string(), dir.path().display().to_string()])
            .collect();
            let one = check_with_threads(&args, 1);
            let two = check_with_threads(&args, 2);
            prop_assert!(one == two, "{} output differs between 1 and 2 threads", format);
            if format == "sarif" {
                let doc: serde_json::Value = serde_json::from_slice(&one.0).expect("SARIF parses");
                invariants::check_sarif(&doc);
            }
        }
    }
}

/// The binary honours RAYON_NUM_THREADS (the CLI's thread count) with the same output.
#[test]
fn the_binary_gives_the_same_output_with_rayon_num_threads_1_and_2() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/articles");
    let run = |threads: &str| {
        assert_cmd::Command::cargo_bin("claimcheck")
            .expect("binary")
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "check",
                "--no-config",
                "--format",
                "json",
                "--fail-on",
                "never",
            ])
            .arg(&fixtures)
            .output()
            .expect("run")
    };
    let (one, two) = (run("1"), run("2"));
    assert_eq!(one.status.code(), Some(0));
    assert!(!one.stdout.is_empty());
    assert!(
        one.stdout == two.stdout,
        "output differs between 1 and 2 threads"
    );
}
