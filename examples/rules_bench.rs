//! Benchmark for rule loading: generates a large, valid rule file in memory and measures
//! parsing (`rules::parser::parse`) and loading (`rules::load_str`, parse + compile).
//!
//! ```text
//! cargo run --release --example rules_bench -- --entities 100000 --facts 300000 [--seed N] [--runs 5]
//! cargo run --release --example rules_bench -- --scaling          # 1k, 10k, 100k entities, facts = 3 x
//! cargo run --release --example rules_bench -- --entities 1000 --write /tmp/gen.rules
//! ```
//!
//! The generator is deterministic (splitmix64, seeded by `--seed`) and produces a realistic
//! mix: persons with aliases holding titles over dated terms, titles (some `one holder at a
//! time`, whose terms never overlap), countries, regions and cities `in` them, organisations
//! with members, events with `on` dates and `at` places, quotes `by` persons, standalone
//! `"Subject" relation "Value"` lines and a few `not` facts. A benchmark on invalid rules would
//! measure the error path, so the program exits non-zero if `load_str` reports anything.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize};
use std::time::{Duration, Instant};

use claimcheck::rules::{load_str, parser};
use claimcheck::text::name_key;

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

struct Args {
    entities: usize,
    facts: Option<usize>,
    seed: u64,
    runs: usize,
    write: Option<String>,
    input: Option<String>,
    only: Option<String>,
    scaling: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: rules_bench [--entities N] [--facts N] [--seed N] [--runs N] [--write PATH] [--scaling]\n       rules_bench --input PATH [--runs N] [--only parse|load]\n\
         \n  --entities N   entities to generate (default 100000)\
         \n  --facts N      facts to generate, approximately (default 3 x entities)\
         \n  --seed N       PRNG seed (default 1)\
         \n  --runs N       timed runs; median and min are reported (default 5)\
         \n  --write PATH   also write the generated rules to PATH\
         \n  --input PATH   measure an existing rule file instead of generating one\
         \n  --only PHASE   time only `parse` or only `load` (for profilers; no compile column)\
         \n  --scaling      measure 1k, 10k and 100k entities (facts = 3 x entities)"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut args = Args {
        entities: 100_000,
        facts: None,
        seed: 1,
        runs: 5,
        write: None,
        input: None,
        only: None,
        scaling: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> String {
            it.next().unwrap_or_else(|| {
                eprintln!("rules_bench: {name} needs a value");
                usage()
            })
        };
        let number = |name: &str, v: String| -> u64 {
            v.replace('_', "").parse().unwrap_or_else(|_| {
                eprintln!("rules_bench: {name} needs a number, got `{v}`");
                usage()
            })
        };
        match arg.as_str() {
            "--entities" => args.entities = number("--entities", value("--entities")) as usize,
            "--facts" => args.facts = Some(number("--facts", value("--facts")) as usize),
            "--seed" => args.seed = number("--seed", value("--seed")),
            "--runs" => args.runs = (number("--runs", value("--runs")) as usize).max(1),
            "--write" => args.write = Some(value("--write")),
            "--input" => args.input = Some(value("--input")),
            "--only" => {
                let phase = value("--only");
                if phase != "parse" && phase != "load" {
                    eprintln!("rules_bench: --only takes `parse` or `load`");
                    usage()
                }
                args.only = Some(phase)
            }
            "--scaling" => args.scaling = true,
            // `cargo bench`-style harness flags, harmless to ignore.
            "--bench" => {}
            "-h" | "--help" => usage(),
            other => {
                eprintln!("rules_bench: unknown argument `{other}`");
                usage()
            }
        }
    }
    args
}

// ---------------------------------------------------------------------------------------------
// PRNG: splitmix64
// ---------------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as usize
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Dates: day numbers since 1970-01-01 <-> civil dates (Howard Hinnant's algorithms)
// ---------------------------------------------------------------------------------------------

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Writes a day number as a date, usually at day precision, sometimes coarser. Coarser dates
/// only make "certainly overlaps" less certain and never invert an interval, so the
/// one-holder terms generated below stay valid whatever precision is drawn.
fn write_date(out: &mut String, rng: &mut Rng, day: i64) {
    let (y, m, d) = civil_from_days(day);
    match rng.below(100) {
        0..=79 => write!(out, "{y:04}-{m:02}-{d:02}"),
        80..=91 => write!(out, "{y:04}-{m:02}"),
        _ => write!(out, "{y:04}"),
    }
    .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

const ONSETS: &[&str] = &[
    "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr",
    "st", "tr", "sh", "ch", "zh", "gr", "pl", "",
];
const VOWELS: &[&str] = &[
    "a", "e", "i", "o", "u", "a", "e", "o", "ia", "ei", "ou", "é", "ö", "ü", "y",
];
const CODAS: &[&str] = &["", "", "", "n", "r", "s", "l", "k", "m", "v", "t"];

fn syllables(rng: &mut Rng, min: usize, max: usize) -> String {
    let n = min + rng.below(max - min + 1);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(rng.pick::<&str>(ONSETS));
        s.push_str(rng.pick::<&str>(VOWELS));
        s.push_str(rng.pick::<&str>(CODAS));
    }
    capitalize(&s)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Every name and alias in the generated file, by `name_key`, so that no two entities share
/// one: a shared name is legal across kinds but makes untyped subjects ambiguous.
struct Names {
    taken: HashSet<String>,
    counter: usize,
}

impl Names {
    fn new() -> Self {
        Names {
            taken: HashSet::new(),
            counter: 0,
        }
    }

    /// Claims the first candidate that is free; `make` is called again on a clash, and after a
    /// few clashes a number is appended.
    fn claim(&mut self, rng: &mut Rng, mut make: impl FnMut(&mut Rng) -> String) -> String {
        for _ in 0..6 {
            let name = make(rng);
            if self.taken.insert(name_key(&name)) {
                return name;
            }
        }
        loop {
            self.counter += 1;
            let name = format!("{} {}", make(rng), self.counter);
            if self.taken.insert(name_key(&name)) {
                return name;
            }
        }
    }

    /// Claims `alias` if it is free; returns whether it was.
    fn try_claim(&mut self, alias: &str) -> bool {
        self.taken.insert(name_key(alias))
    }
}

const GIVEN: &[&str] = &[
    "Anna", "Boris", "Carla", "David", "Elena", "Farid", "Greta", "Hiro", "Irina", "Jonas",
    "Katya", "Luis", "Maria", "Nikolai", "Olga", "Pavel", "Quentin", "Rosa", "Sergey", "Tomás",
    "Ursula", "Viktor", "Wen", "Xavier", "Yulia", "Zoltán", "Ahmed", "Beatriz", "Chen", "Dmitri",
    "Emeka", "Fatima", "Gustavo", "Hana", "Ilya", "Jiří", "Kwame", "Leila", "Mehmet", "Nadia",
];
const PORTFOLIOS: &[&str] = &[
    "Foreign Minister",
    "Finance Minister",
    "Defence Minister",
    "Interior Minister",
    "Prime Minister",
    "President",
    "Vice President",
    "Health Minister",
    "Energy Minister",
    "Justice Minister",
    "Trade Minister",
    "Ambassador to the United Nations",
    "Central Bank Governor",
    "Chief of the General Staff",
    "Speaker of Parliament",
];
const SHARED_TITLES: &[&str] = &[
    "Senator",
    "Member of Parliament",
    "Deputy",
    "Judge",
    "Adviser",
    "Envoy",
    "Governor",
    "Mayor",
    "Spokesperson",
    "Board member",
];
const EVENT_KINDS: &[&str] = &[
    "summit",
    "talks",
    "election",
    "referendum",
    "ceasefire",
    "conference",
    "state visit",
    "treaty signing",
];
const WORDS: &[&str] = &[
    "we",
    "will",
    "never",
    "accept",
    "any",
    "agreement",
    "about",
    "us",
    "without",
    "the",
    "people",
    "must",
    "decide",
    "their",
    "future",
    "peace",
    "is",
    "possible",
    "only",
    "with",
    "security",
    "guarantees",
    "our",
    "partners",
    "have",
    "made",
    "clear",
    "that",
    "this",
    "war",
    "ends",
    "on",
    "terms",
    "history",
    "remembers",
    "who",
    "stood",
    "firm",
];
const REGION_SUFFIX: &[&str] = &["Oblast", "Province", "Region", "County", "District"];

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

struct Generated {
    text: String,
    /// Fact clauses written (each becomes one fact in the knowledge base).
    facts: usize,
    counts: Vec<(&'static str, usize)>,
}

/// A validity: from / until / on as day numbers.
#[derive(Clone, Copy, Default)]
struct Term {
    from: Option<i64>,
    until: Option<i64>,
}

fn write_term(out: &mut String, rng: &mut Rng, term: Term) {
    if let Some(f) = term.from {
        out.push_str(" from ");
        write_date(out, rng, f);
    }
    if let Some(u) = term.until {
        out.push_str(" until ");
        write_date(out, rng, u);
    }
}

fn generate(entities: usize, facts: usize, seed: u64) -> Generated {
    let mut rng = Rng(seed ^ 0x5EED_0000_C1A1_3C4E);
    let mut names = Names::new();
    let first_day = days_from_civil(1800, 1, 1);
    let last_day = days_from_civil(2030, 12, 31);

    // The mix of kinds.
    let share = |percent: usize| (entities * percent / 100).max(1);
    let countries = share(2);
    let orgs = share(1);
    let regions = share(6);
    let cities = share(20);
    let titles = share(10);
    let events = share(10);
    let quotes = share(4);
    let persons = entities
        .saturating_sub(countries + orgs + regions + cities + titles + events + quotes)
        .max(1);

    let mut out = String::with_capacity(entities * 60 + facts * 50);
    let mut fact_count = 0usize;
    writeln!(
        out,
        "# Generated by examples/rules_bench.rs: {entities} entities, about {facts} facts, seed {seed}.\n\
         # Every name is invented; every date is drawn at random.\n"
    )
    .unwrap();

    // Countries.
    out.push_str("# Countries\n");
    let mut country_names = Vec::with_capacity(countries);
    for _ in 0..countries {
        let name = names.claim(&mut rng, |r| {
            let base = syllables(r, 2, 3);
            match r.below(10) {
                0..=5 => base,
                6..=7 => format!("{base}ia"),
                _ => format!("Republic of {base}"),
            }
        });
        out.push_str("country \"");
        out.push_str(&name);
        out.push('"');
        if rng.chance(30) {
            let alias = format!("{} Federation", name.trim_start_matches("Republic of "));
            if names.try_claim(&alias) {
                write!(out, " aka \"{alias}\"").unwrap();
            }
        }
        out.push('\n');
        country_names.push(name);
    }

    // Organisations.
    out.push_str("\n# Organisations\n");
    let mut org_names = Vec::with_capacity(orgs);
    for _ in 0..orgs {
        let name = names.claim(&mut rng, |r| {
            let base = syllables(r, 2, 3);
            match r.below(4) {
                0 => format!("{base} Pact"),
                1 => format!("{base} Union"),
                2 => format!("Organisation of {base} States"),
                _ => format!("{base} Treaty Organisation"),
            }
        });
        let initials: String = name
            .split(' ')
            .filter_map(|w| w.chars().next())
            .filter(|c| c.is_uppercase())
            .collect();
        write!(out, "org \"{name}\"").unwrap();
        if initials.len() >= 2 && rng.chance(60) {
            let alias = format!("{initials} {}", rng.below(1000));
            if names.try_claim(&alias) {
                write!(out, " aka \"{alias}\"").unwrap();
            }
        }
        out.push('\n');
        org_names.push(name);
    }

    // Regions, in countries; a few annexed.
    out.push_str("\n# Regions\n");
    let mut region_names = Vec::with_capacity(regions);
    for _ in 0..regions {
        let name = names.claim(&mut rng, |r| {
            format!("{} {}", syllables(r, 2, 3), r.pick(REGION_SUFFIX))
        });
        let country = rng.below(countries);
        write!(out, "region \"{name}\"").unwrap();
        if rng.chance(25) {
            let alias = name.rsplit_once(' ').map_or(name.as_str(), |(a, _)| a);
            if names.try_claim(alias) {
                write!(out, " aka \"{alias}\"").unwrap();
            }
        }
        writeln!(out, " in \"{}\"", country_names[country]).unwrap();
        fact_count += 1;
        if countries > 1 && rng.chance(5) {
            let mut by = rng.below(countries);
            if by == country {
                by = (by + 1) % countries;
            }
            write!(out, "  annexed_by \"{}\" on ", country_names[by]).unwrap();
            let day = first_day + rng.below((last_day - first_day) as usize) as i64;
            write_date(&mut out, &mut rng, day);
            out.push('\n');
            fact_count += 1;
        }
        region_names.push(name);
    }

    // Cities, in regions (or directly in countries); one capital per country.
    out.push_str("\n# Cities\n");
    let mut city_names = Vec::with_capacity(cities);
    let mut capital_of: Vec<Option<usize>> = vec![None; cities];
    for (country, slot) in (0..countries).zip(0..cities) {
        capital_of[slot] = Some(country);
    }
    for (i, capital) in capital_of.iter().enumerate() {
        let name = names.claim(&mut rng, |r| {
            let base = syllables(r, 1, 3);
            match r.below(10) {
                0 => format!("New {base}"),
                1 => format!("{base}grad"),
                2 => format!("{base}burg"),
                3 => format!("Port {base}"),
                _ => base,
            }
        });
        write!(out, "city \"{name}\"").unwrap();
        if rng.chance(15) {
            let alias = format!("{name} City");
            if names.try_claim(&alias) {
                write!(out, " aka \"{alias}\"").unwrap();
            }
        }
        // Where it is: its capital's country, else a region (usually), else a country.
        let container = match capital {
            Some(c) => country_names[*c].clone(),
            None if rng.chance(80) => region_names[rng.below(regions)].clone(),
            None => country_names[rng.below(countries)].clone(),
        };
        if i % 7 == 0 {
            // The fact on an indented line rather than on the first line.
            write!(out, "\n  in \"{container}\"").unwrap();
        } else {
            write!(out, " in \"{container}\"").unwrap();
        }
        out.push('\n');
        fact_count += 1;
        if let Some(c) = capital {
            writeln!(out, "  capital_of \"{}\"", country_names[*c]).unwrap();
            fact_count += 1;
        }
        city_names.push(name);
    }

    // Titles. About 40 % have one holder at a time.
    out.push_str("\n# Titles\n");
    let mut title_names = Vec::with_capacity(titles);
    let mut one_holder = Vec::with_capacity(titles);
    for _ in 0..titles {
        let exclusive = rng.chance(40);
        let name = names.claim(&mut rng, |r| {
            let country = r.pick(&country_names).clone();
            if exclusive {
                format!("{country} {}", r.pick(PORTFOLIOS))
            } else {
                match r.below(3) {
                    0 => format!("{country} {}", r.pick(SHARED_TITLES)),
                    1 => format!("{} of {}", r.pick(SHARED_TITLES), r.pick(&region_names)),
                    _ => format!("{} of the {}", r.pick(SHARED_TITLES), r.pick(&org_names)),
                }
            }
        });
        write!(out, "title \"{name}\"").unwrap();
        let n_alias = rng.below(3);
        let mut first = true;
        for k in 0..n_alias {
            let alias = match k {
                0 => format!("{name} (office)"),
                _ => format!("the {name}"),
            };
            if names.try_claim(&alias) {
                out.push_str(if first { " aka \"" } else { ", \"" });
                out.push_str(&alias);
                out.push('"');
                first = false;
            }
        }
        out.push('\n');
        if exclusive {
            out.push_str("  one holder at a time\n");
        }
        title_names.push(name);
        one_holder.push(exclusive);
    }

    // Person names first, so that `holds` facts can be grouped under each person.
    let mut person_names = Vec::with_capacity(persons);
    let mut person_aliases: Vec<Vec<String>> = Vec::with_capacity(persons);
    for _ in 0..persons {
        let name = names.claim(&mut rng, |r| {
            format!("{} {}", r.pick(GIVEN), syllables(r, 2, 4))
        });
        let (given, surname) = name.split_once(' ').unwrap();
        let mut aliases = Vec::new();
        // One or two aliases: the surname alone, and an initial.
        let surname = surname.to_string();
        if names.try_claim(&surname) {
            aliases.push(surname.clone());
        }
        if rng.chance(50) || aliases.is_empty() {
            let initial = format!("{}. {surname}", given.chars().next().unwrap());
            if names.try_claim(&initial) {
                aliases.push(initial);
            }
        }
        person_names.push(name);
        person_aliases.push(aliases);
    }

    // How many facts are left for `holds` and `member_of` once the fixed ones are counted:
    // events have `on` and `at` (sometimes two), quotes `by`, a few `not` lines.
    let event_facts = events * 2 + events / 5;
    let fixed = fact_count + event_facts + quotes;
    let rest = facts.saturating_sub(fixed);
    let max_members = countries * orgs / 2;
    let members = (rest / 20).min(max_members);
    let denied = (members / 50 + 1).min(max_members - members);
    let holds = rest.saturating_sub(members + denied);

    // Distribute `holds` over titles, then draw terms title by title.
    let mut per_title = vec![0usize; titles];
    for _ in 0..holds {
        // Skewed: a quarter of the holds go to the first tenth of the titles.
        let t = if rng.chance(25) {
            rng.below(titles.div_ceil(10))
        } else {
            rng.below(titles)
        };
        per_title[t] += 1;
    }
    // (person, title, term); `holds` lines hang under persons, some are standalone lines.
    let mut person_holds: Vec<Vec<(usize, Term)>> = vec![Vec::new(); persons];
    let mut standalone_holds: Vec<(usize, usize, Term)> = Vec::new();
    let span_days = last_day - first_day;
    for (t, &k) in per_title.iter().enumerate() {
        if k == 0 {
            continue;
        }
        let mut terms: Vec<Term> = Vec::with_capacity(k);
        if one_holder[t] {
            // Consecutive terms: k+1 cut points in a window of at most 4 years a term.
            let window = ((k as i64 + 1) * 4 * 365).min(span_days);
            let start = last_day - window;
            let mut cuts: Vec<i64> = (0..=k)
                .map(|_| start + rng.below(window as usize) as i64)
                .collect();
            cuts.sort_unstable();
            // Strictly increasing, so each term ends on the day the next begins: they meet
            // but never overlap (`until` is exclusive).
            for i in 1..cuts.len() {
                if cuts[i] <= cuts[i - 1] {
                    cuts[i] = cuts[i - 1] + 1;
                }
            }
            for (i, pair) in cuts.windows(2).enumerate() {
                let last = i == k - 1;
                terms.push(Term {
                    from: Some(pair[0]),
                    // The current holder's term is often open.
                    until: if last && rng.chance(50) {
                        None
                    } else {
                        Some(pair[1])
                    },
                });
            }
        } else {
            for _ in 0..k {
                let a = first_day + rng.below(span_days as usize) as i64;
                let len = 30 + rng.below(12 * 365) as i64;
                terms.push(match rng.below(10) {
                    0..=5 => Term {
                        from: Some(a),
                        until: Some((a + len).min(last_day)),
                    },
                    6..=8 => Term {
                        from: Some(a),
                        until: None,
                    },
                    _ => Term::default(),
                });
            }
        }
        for term in terms {
            let p = rng.below(persons);
            if rng.chance(8) {
                standalone_holds.push((p, t, term));
            } else {
                person_holds[p].push((t, term));
            }
        }
    }

    // Persons.
    out.push_str("\n# People\n");
    for p in 0..persons {
        if p % 50 == 0 {
            writeln!(out, "\n# source: generated batch {}", p / 50).unwrap();
        }
        write!(out, "person \"{}\"", person_names[p]).unwrap();
        let aliases = &person_aliases[p];
        // Aliases on the first line, or (sometimes) on an indented `aka` line.
        let inline = !rng.chance(10);
        if inline && !aliases.is_empty() {
            out.push_str(" aka ");
            for (i, a) in aliases.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write!(out, "\"{a}\"").unwrap();
            }
        }
        out.push('\n');
        if !inline && !aliases.is_empty() {
            out.push_str("  aka ");
            for (i, a) in aliases.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write!(out, "\"{a}\"").unwrap();
            }
            out.push('\n');
        }
        for &(t, term) in &person_holds[p] {
            write!(out, "  holds \"{}\"", title_names[t]).unwrap();
            write_term(&mut out, &mut rng, term);
            out.push('\n');
            fact_count += 1;
        }
    }

    // Events: on a date, at one or two places.
    out.push_str("\n# Events\n");
    let places = |rng: &mut Rng| -> String {
        match rng.below(10) {
            0..=6 => city_names[rng.below(cities)].clone(),
            7..=8 => region_names[rng.below(regions)].clone(),
            _ => country_names[rng.below(countries)].clone(),
        }
    };
    for e in 0..events {
        let city = rng.pick(&city_names).clone();
        let year = 1900 + rng.below(130);
        let kind = *rng.pick(EVENT_KINDS);
        let name = names.claim(&mut rng, |r| match r.below(3) {
            0 => format!("{city} {kind} of {year}"),
            1 => format!("{year} {} {kind}", r.pick(&country_names)),
            _ => format!("{} {kind} in {city}", syllables(r, 2, 3)),
        });
        write!(out, "event \"{name}\"").unwrap();
        if rng.chance(30) {
            let alias = format!("{name} (event)");
            if names.try_claim(&alias) {
                write!(out, " aka \"{alias}\"").unwrap();
            }
        }
        let day = days_from_civil(year as i64, 1, 1) + rng.below(365) as i64;
        if e % 4 == 0 {
            out.push_str(" on ");
            write_date(&mut out, &mut rng, day);
            out.push('\n');
        } else {
            out.push_str("\n  on ");
            write_date(&mut out, &mut rng, day);
            out.push('\n');
        }
        fact_count += 1;
        let n_places = if e % 5 == 0 { 2 } else { 1 };
        for _ in 0..n_places {
            writeln!(out, "  at \"{}\"", places(&mut rng)).unwrap();
            fact_count += 1;
        }
    }

    // Quotes, by persons.
    out.push_str("\n# Quotes\n");
    for _ in 0..quotes {
        let text = names.claim(&mut rng, |r| {
            let n = 5 + r.below(10);
            let words: Vec<&str> = (0..n).map(|_| *r.pick(WORDS)).collect();
            capitalize(&words.join(" "))
        });
        writeln!(out, "quote \"{text}\"").unwrap();
        let p = rng.below(persons);
        let day = days_from_civil(1950, 1, 1) + rng.below(80 * 365) as i64;
        // By name or by an alias: the compiler resolves either.
        let by = if rng.chance(20) && !person_aliases[p].is_empty() {
            &person_aliases[p][0]
        } else {
            &person_names[p]
        };
        write!(out, "  by \"{by}\" on ").unwrap();
        write_date(&mut out, &mut rng, day);
        out.push('\n');
        fact_count += 1;
    }

    // Standalone facts: memberships, more `holds`, and a few denials.
    out.push_str("\n# Standalone facts\n");
    let mut member_pairs: HashSet<(usize, usize)> = HashSet::with_capacity(members);
    while member_pairs.len() < members {
        let pair = (rng.below(countries), rng.below(orgs));
        if member_pairs.insert(pair) {
            let (c, o) = pair;
            write!(
                out,
                "\"{}\" member_of \"{}\"",
                country_names[c], org_names[o]
            )
            .unwrap();
            if rng.chance(70) {
                let day = days_from_civil(1945, 1, 1) + rng.below(80 * 365) as i64;
                out.push_str(" from ");
                write_date(&mut out, &mut rng, day);
            }
            out.push('\n');
            fact_count += 1;
        }
    }
    for (p, t, term) in standalone_holds {
        let subject = if rng.chance(30) && !person_aliases[p].is_empty() {
            &person_aliases[p][0]
        } else {
            &person_names[p]
        };
        write!(out, "\"{subject}\" holds \"{}\"", title_names[t]).unwrap();
        write_term(&mut out, &mut rng, term);
        out.push('\n');
        fact_count += 1;
    }
    out.push_str("\n# Known to be false\n");
    let mut denied_pairs: HashSet<(usize, usize)> = HashSet::with_capacity(denied);
    while denied_pairs.len() < denied {
        let pair = (rng.below(countries), rng.below(orgs));
        if member_pairs.contains(&pair) || !denied_pairs.insert(pair) {
            continue;
        }
        writeln!(
            out,
            "not \"{}\" member_of \"{}\"",
            country_names[pair.0], org_names[pair.1]
        )
        .unwrap();
        fact_count += 1;
    }

    Generated {
        text: out,
        facts: fact_count,
        counts: vec![
            ("person", persons),
            ("title", titles),
            ("country", countries),
            ("region", regions),
            ("city", cities),
            ("org", orgs),
            ("event", events),
            ("quote", quotes),
        ],
    }
}

// ---------------------------------------------------------------------------------------------
// A counting allocator, switched on only for the untimed warm-up load, so that the timed runs
// pay nothing but one relaxed load per allocation.
// ---------------------------------------------------------------------------------------------

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by as isize, Relaxed) + by as isize;
    PEAK.fetch_max(now, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCATIONS.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCATIONS.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Relaxed) {
            LIVE.fetch_sub(layout.size() as isize, Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            ALLOCATIONS.fetch_add(1, Relaxed);
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub((layout.size() - new_size) as isize, Relaxed);
            }
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts counting heap bytes from zero.
fn count_heap() {
    LIVE.store(0, Relaxed);
    PEAK.store(0, Relaxed);
    ALLOCATIONS.store(0, Relaxed);
    COUNTING.store(true, Relaxed);
}

/// (live bytes, peak bytes, allocations) since [`count_heap`].
fn heap_counts() -> (isize, isize, usize) {
    (
        LIVE.load(Relaxed),
        PEAK.load(Relaxed),
        ALLOCATIONS.load(Relaxed),
    )
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

/// A field of /proc/self/status in kB (VmHWM, VmRSS), if readable.
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Resets VmHWM to the current RSS (Linux 4.0+: `echo 5 > /proc/self/clear_refs`).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(kb: Option<u64>) -> String {
    kb.map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(v: &[Duration]) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    let mut s = v.to_vec();
    s.sort();
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2
    }
}

fn min(v: &[Duration]) -> Duration {
    v.iter().min().copied().unwrap_or_default()
}

struct Measured {
    parse: Vec<Duration>,
    load: Vec<Duration>,
    compile: Vec<Duration>,
    hwm_after_generation: Option<u64>,
    rss_before_load: Option<u64>,
    peak_during_load: Option<u64>,
    peak_was_reset: bool,
    rss_with_kb: Option<u64>,
    /// Heap bytes: peak during the load, held by the knowledge base after it; allocations.
    heap_peak: isize,
    heap_kb: isize,
    allocations: usize,
    kb_entities: usize,
    kb_facts: usize,
}

/// Loads the text `runs` times (after one untimed warm-up that also measures memory).
/// `--only parse|load`: time one phase alone, so that a profiler sees only it.
static ONLY: OnceLock<Option<String>> = OnceLock::new();

fn only(phase: &str) -> bool {
    ONLY.get()
        .and_then(|o| o.as_deref())
        .is_none_or(|o| o == phase)
}

fn measure(text: &str, runs: usize) -> Result<Measured, ExitCode> {
    let hwm_after_generation = status_kb("VmHWM");
    let rss_before_load = status_kb("VmRSS");
    let peak_was_reset = reset_peak();

    // Warm-up load, which also validates the rules and measures memory.
    count_heap();
    let loaded = load_str("generated.rules", text);
    let (heap_kb, heap_peak, allocations) = heap_counts();
    COUNTING.store(false, Relaxed);
    let kb = match loaded {
        Ok(kb) => kb,
        Err(errors) => {
            eprintln!(
                "rules_bench: the rules do not load: {} diagnostic(s); the first ones:",
                errors.diagnostics.len()
            );
            for line in errors.short_lines().iter().take(10) {
                eprintln!("  {line}");
            }
            eprintln!(
                "a benchmark on invalid rules is meaningless (for generated rules: fix the generator)"
            );
            return Err(ExitCode::FAILURE);
        }
    };
    let peak_during_load = status_kb("VmHWM");
    let rss_with_kb = status_kb("VmRSS");
    let kb_entities = kb.entities().len();
    let kb_facts = kb.all_facts().len();
    drop(kb);

    let (mut parse, mut load, mut compile) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let mut parse_time = Duration::ZERO;
        if only("parse") {
            let t = Instant::now();
            let parsed = parser::parse(text);
            parse_time = t.elapsed();
            assert!(parsed.1.is_empty(), "syntax errors in generated rules");
            drop(parsed);
            parse.push(parse_time);
        }
        if only("load") {
            let t = Instant::now();
            let result = load_str("generated.rules", text);
            let load_time = t.elapsed();
            assert!(result.is_ok(), "load_str failed on a later run");
            drop(result);
            load.push(load_time);
            if only("parse") {
                compile.push(load_time.saturating_sub(parse_time));
            }
        }
    }
    Ok(Measured {
        parse,
        load,
        compile,
        hwm_after_generation,
        rss_before_load,
        peak_during_load,
        peak_was_reset,
        rss_with_kb,
        heap_peak,
        heap_kb,
        allocations,
        kb_entities,
        kb_facts,
    })
}

fn run_one(
    entities: usize,
    facts: usize,
    seed: u64,
    runs: usize,
    write: Option<&str>,
) -> Result<Measured, ExitCode> {
    let t = Instant::now();
    let generated = generate(entities, facts, seed);
    let gen_time = t.elapsed();
    if let Some(path) = write {
        if let Err(e) = std::fs::write(path, &generated.text) {
            eprintln!("rules_bench: cannot write {path}: {e}");
            return Err(ExitCode::FAILURE);
        }
        println!("wrote {path}");
    }
    let mb = generated.text.len() as f64 / 1e6;
    let lines = generated.text.lines().count();
    let mix: Vec<String> = generated
        .counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    println!(
        "generated {} entities ({}), {} facts, {lines} lines, {:.2} MB of text in {:.0} ms (seed {seed})",
        generated.counts.iter().map(|(_, n)| n).sum::<usize>(),
        mix.join(", "),
        generated.facts,
        mb,
        ms(gen_time)
    );
    let m = measure(&generated.text, runs)?;
    if m.kb_facts != generated.facts {
        eprintln!(
            "rules_bench: warning: generated {} fact clauses but the knowledge base has {} facts",
            generated.facts, m.kb_facts
        );
    }
    report(&m, generated.text.len(), runs);
    Ok(m)
}

fn report(m: &Measured, text_len: usize, runs: usize) {
    let mb = text_len as f64 / 1e6;
    println!(
        "knowledge base: {} entities, {} facts; {runs} timed run(s)\n",
        m.kb_entities, m.kb_facts
    );
    println!("| phase                | median     | min        | throughput (median) |");
    println!("|----------------------|-----------:|-----------:|--------------------:|");
    let row = |name: &str, v: &[Duration], throughput: bool| {
        let med = median(v);
        let tp = if throughput {
            format!("{:.1} MB/s", mb / med.as_secs_f64())
        } else {
            String::new()
        };
        println!(
            "| {name:<20} | {:>7.1} ms | {:>7.1} ms | {tp:>19} |",
            ms(med),
            ms(min(v))
        );
    };
    if !m.parse.is_empty() {
        row("parse", &m.parse, true);
    }
    if !m.compile.is_empty() {
        row("compile (load-parse)", &m.compile, false);
    }
    if !m.load.is_empty() {
        row("load_str (total)", &m.load, true);
    }
    println!();
    let bytes = |b: isize| format!("{:.1} MiB", b as f64 / 1048576.0);
    let kb_delta = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) => mib(Some(a.saturating_sub(b))),
        _ => "n/a".into(),
    };
    let peak = if m.peak_was_reset {
        "VmHWM during the first load (reset before it)"
    } else {
        "VmHWM after the first load (could not reset)"
    };
    let rows: Vec<(String, String)> = vec![
        ("rule text".into(), bytes(text_len as isize)),
        ("VmHWM after generation".into(), mib(m.hwm_after_generation)),
        ("VmRSS before loading".into(), mib(m.rss_before_load)),
        (peak.into(), mib(m.peak_during_load)),
        (
            "  growth over VmRSS before loading".into(),
            kb_delta(m.peak_during_load, m.rss_before_load),
        ),
        (
            "VmRSS growth with the knowledge base alive".into(),
            kb_delta(m.rss_with_kb, m.rss_before_load),
        ),
        (
            "heap peak during load_str (counted)".into(),
            bytes(m.heap_peak),
        ),
        (
            "heap held by the knowledge base (counted)".into(),
            bytes(m.heap_kb),
        ),
        (
            "allocations during load_str".into(),
            format!("{}", m.allocations),
        ),
    ];
    println!("| memory                                        |             |");
    println!("|-----------------------------------------------|------------:|");
    for (name, value) in rows {
        println!("| {name:<45} | {value:>11} |");
    }
    println!();
}

fn main() -> ExitCode {
    let args = parse_args();
    ONLY.set(args.only.clone()).expect("set once");
    if args.scaling {
        let mut rows = Vec::new();
        for entities in [1_000, 10_000, 100_000] {
            println!("== {entities} entities, {} facts ==", entities * 3);
            match run_one(entities, entities * 3, args.seed, args.runs, None) {
                Ok(m) => rows.push((entities, m)),
                Err(code) => return code,
            }
        }
        println!(
            "== scaling (facts = 3 x entities, {} runs, medians) ==\n",
            args.runs
        );
        println!("| entities | facts   | parse      | compile    | load_str   | load / entity |");
        println!("|---------:|--------:|-----------:|-----------:|-----------:|--------------:|");
        for (entities, m) in &rows {
            let load = median(&m.load);
            println!(
                "| {entities:>8} | {:>7} | {:>7.1} ms | {:>7.1} ms | {:>7.1} ms | {:>10.2} µs |",
                m.kb_facts,
                ms(median(&m.parse)),
                ms(median(&m.compile)),
                ms(load),
                load.as_secs_f64() * 1e6 / *entities as f64
            );
        }
        return ExitCode::SUCCESS;
    }
    if let Some(path) = &args.input {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("rules_bench: cannot read {path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("read {path}: {:.2} MB of text", text.len() as f64 / 1e6);
        return match measure(&text, args.runs) {
            Ok(m) => {
                report(&m, text.len(), args.runs);
                ExitCode::SUCCESS
            }
            Err(code) => code,
        };
    }
    let facts = args.facts.unwrap_or(args.entities * 3);
    match run_one(
        args.entities,
        facts,
        args.seed,
        args.runs,
        args.write.as_deref(),
    ) {
        Ok(_) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
