//! The deterministic rule generator shared by `rules_bench` and `gen_corpus`: a valid rule
//! file of N entities and about F facts (see `rules_bench.rs` for the mix).
#![allow(dead_code)]

use std::collections::HashSet;
use std::fmt::Write as _;

use claimcheck::text::name_key;

// ---------------------------------------------------------------------------------------------
// PRNG: splitmix64
// ---------------------------------------------------------------------------------------------

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 11) as u128 * n as u128) >> 53) as usize
    }

    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
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

pub struct Generated {
    pub text: String,
    /// Fact clauses written (each becomes one fact in the knowledge base).
    pub facts: usize,
    pub counts: Vec<(&'static str, usize)>,
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

pub fn generate(entities: usize, facts: usize, seed: u64) -> Generated {
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
