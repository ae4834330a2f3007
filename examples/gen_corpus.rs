//! A deterministic corpus for benchmarks: a knowledge base of M entities in the rule language
//! (the generator of `rules_bench`) and N articles about it in several styles, with true
//! claims and injected false ones.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --out DIR [--articles 10000] [--mb 50]
//!     [--entities 100000] [--facts 300000] [--seed 1] [--jsonl] [--csv]
//! ```
//!
//! It writes, under DIR:
//!
//! - `kb.rules`: the generated rules (load them with `--rules DIR/kb.rules --no-default-rules`);
//! - `articles/NNNNNN.md|txt`: the articles, about `--mb` megabytes in all, in four styles
//!   (Markdown with front matter, a wire story with a dateline, an AP-style story with a
//!   byline, an undated plain-text story);
//! - `aliases.txt`: every name and alias of the knowledge base, one a line (the patterns of
//!   `rg -F -f aliases.txt`, the pure multi-pattern scan claimcheck is compared with);
//! - `injected.tsv`: each false claim written (file, kind, text);
//! - with `--jsonl`, `articles.jsonl` (the input of `check --stdin-jsonl`); with `--csv`,
//!   `articles.csv` in FNC-1's columns (`Body ID`, `articleBody`) for `extract_corpus`.
//!
//! Claims are about the generated entities: titles held at the article's date (true) or
//! titles the person never held (false), event dates and places (true, or a shifted date /
//! another city), and places in their countries. The rest is filler prose. Same seed, same
//! bytes.

#[path = "common/rulegen.rs"]
mod rulegen;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use claimcheck::kb::time::FactDate;
use claimcheck::kb::{FactValue, KnowledgeBase};
use rulegen::Rng;

struct Args {
    out: PathBuf,
    articles: usize,
    mb: f64,
    entities: usize,
    facts: Option<usize>,
    seed: u64,
    jsonl: bool,
    csv: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: gen_corpus --out DIR [--articles N] [--mb MB] [--entities N] [--facts N] [--seed N] [--jsonl] [--csv]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        out: PathBuf::new(),
        articles: 10_000,
        mb: 50.0,
        entities: 100_000,
        facts: None,
        seed: 1,
        jsonl: false,
        csv: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        let number = |v: String| -> f64 { v.replace('_', "").parse().unwrap_or_else(|_| usage()) };
        match arg.as_str() {
            "--out" => a.out = value().into(),
            "--articles" => a.articles = number(value()) as usize,
            "--mb" => a.mb = number(value()),
            "--entities" => a.entities = number(value()) as usize,
            "--facts" => a.facts = Some(number(value()) as usize),
            "--seed" => a.seed = number(value()) as u64,
            "--jsonl" => a.jsonl = true,
            "--csv" => a.csv = true,
            _ => usage(),
        }
    }
    if a.out.as_os_str().is_empty() || a.articles == 0 {
        usage();
    }
    a
}

/// A person's term in a title.
struct Term {
    person: String,
    title: String,
    from: FactDate,
}

struct Pools {
    terms: Vec<Term>,
    titles: Vec<String>,
    /// (city, country)
    cities: Vec<(String, String)>,
    /// (event, day, place)
    events: Vec<(String, FactDate, String)>,
}

fn pools(kb: &KnowledgeBase) -> Pools {
    let kind = |n: &str| kb.kind_by_name(n);
    let rel = |n: &str| kb.relation_by_name(n);
    let (person, title, city, country, event) = (
        kind("person"),
        kind("title"),
        kind("city"),
        kind("country"),
        kind("event"),
    );
    let (holds, inside, on, at) = (rel("holds"), rel("in"), rel("on"), rel("at"));
    let mut p = Pools {
        terms: Vec::new(),
        titles: Vec::new(),
        cities: Vec::new(),
        events: Vec::new(),
    };
    for (id, e) in kb.entities() {
        let is = |k: Option<claimcheck::kb::KindId>| k.is_some_and(|k| kb.is_a(e.kind, k));
        if is(person) {
            for f in holds.map_or(&[][..], |r| kb.facts(id, r)) {
                // one-day precision starts only, so that the article date is inside the term
                if let (FactValue::Entity(t), Some(from)) = (&f.value, f.validity.from)
                    && from.to_string().len() == 10
                {
                    p.terms.push(Term {
                        person: e.name.to_string(),
                        title: kb.entity(*t).name.to_string(),
                        from,
                    });
                }
            }
        } else if is(title) {
            p.titles.push(e.name.to_string());
        } else if is(city) {
            let up = inside.map_or(&[][..], |r| kb.reachable(r, id));
            if let Some(c) = up
                .iter()
                .find(|&&c| country.is_some_and(|k| kb.is_a(kb.entity(c).kind, k)))
            {
                p.cities
                    .push((e.name.to_string(), kb.entity(*c).name.to_string()));
            }
        } else if is(event) {
            let day = on.and_then(|r| {
                kb.facts(id, r).iter().find_map(|f| match f.value {
                    FactValue::Date(d) if d.to_string().len() == 10 => Some(d),
                    _ => None,
                })
            });
            let place = at.and_then(|r| {
                kb.facts(id, r).iter().find_map(|f| match f.value {
                    FactValue::Entity(c) => Some(kb.entity(c).name.to_string()),
                    _ => None,
                })
            });
            if let (Some(day), Some(place)) = (day, place) {
                p.events.push((e.name.to_string(), day, place));
            }
        }
    }
    p
}

const MONTHS: [&str; 12] = [
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
const FILLER: &[&str] = &[
    "Officials said the talks would continue next week.",
    "The statement did not give details of the agreement.",
    "Analysts said the decision could change the balance of the region.",
    "Critics called the plan rushed and said it ignored local concerns.",
    "The ministry declined to comment on the reports.",
    "Residents described long queues outside the offices on the first day.",
    "A spokesman said the figures would be published at the end of the month.",
    "The opposition said it would challenge the measure in court.",
    "Markets barely moved after the announcement, traders said.",
    "Several delegations left before the final session ended.",
    "The report, seen by reporters, runs to more than two hundred pages.",
    "Negotiators worked through the night to agree on the final text.",
];

/// `(year, month, day)` of a day-precision date.
fn ymd(d: FactDate) -> (i32, usize, u32) {
    let s = d.to_string();
    (
        s[..4].parse().unwrap_or(2000),
        s[5..7].parse().unwrap_or(1),
        s[8..10].parse().unwrap_or(1),
    )
}

fn long_date(d: FactDate) -> String {
    let (y, m, day) = ymd(d);
    format!("{} {day}, {y}", MONTHS[m - 1])
}

struct Writer<'a> {
    rng: Rng,
    pools: &'a Pools,
    injected: Vec<(&'static str, String)>,
}

impl Writer<'_> {
    /// One paragraph of two to five sentences, one of them a claim, a fifth of the claims
    /// false.
    fn paragraph(&mut self, out: &mut String, term: &Term) {
        let p = self.pools;
        let false_claim = self.rng.chance(20);
        let kind = self.rng.below(4);
        let sentence = match kind {
            0 if !p.titles.is_empty() => {
                let title = if false_claim {
                    let other = self.rng.pick(&p.titles).clone();
                    if other == term.title {
                        term.title.clone()
                    } else {
                        self.injected
                            .push(("title", format!("{other} {}", term.person)));
                        other
                    }
                } else {
                    term.title.clone()
                };
                format!(
                    "{title} {} told reporters that the government would press ahead.",
                    term.person
                )
            }
            1 if !p.events.is_empty() => {
                let (event, day, _) = self.rng.pick(&p.events).clone();
                let (y, m, d) = ymd(day);
                let written = if false_claim {
                    let y2 = y - 1 - self.rng.below(5) as i32;
                    self.injected.push(("date", format!("{event} on {y2}")));
                    format!("{} {d}, {y2}", MONTHS[m - 1])
                } else {
                    long_date(day)
                };
                format!("The {event} took place on {written}, according to the records.")
            }
            2 if !p.events.is_empty() && !p.cities.is_empty() => {
                let (event, _, place) = self.rng.pick(&p.events).clone();
                let place = if false_claim {
                    let (city, _) = self.rng.pick(&p.cities).clone();
                    if city != place {
                        self.injected.push(("place", format!("{event} in {city}")));
                    }
                    city
                } else {
                    place
                };
                format!("Delegates recalled the {event} in {place} as a turning point.")
            }
            _ if !p.cities.is_empty() => {
                let (city, country) = self.rng.pick(&p.cities).clone();
                format!("In {city}, {country}, crowds gathered in the main square.")
            }
            _ => String::new(),
        };
        out.push_str(&sentence);
        for _ in 0..1 + self.rng.below(4) {
            out.push(' ');
            let filler: &&str = self.rng.pick(FILLER);
            out.push_str(filler);
        }
        out.push_str("\n\n");
    }

    fn article(&mut self, n: usize, target: usize) -> (String, String) {
        let p = self.pools;
        let term = &p.terms[self.rng.below(p.terms.len())];
        // a day shortly after the term began, when the title is certainly held
        let (y, m, d) = ymd(term.from);
        let date = FactDate::day(y as i16, m as i8, d.min(28) as i8).unwrap_or(term.from);
        let (city, _) = p
            .cities
            .get(self.rng.below(p.cities.len().max(1)))
            .cloned()
            .unwrap_or_default();
        let headline = format!("{} Sets Out Plans in {city}", term.person);
        let style = n % 4;
        let mut out = String::with_capacity(target + 512);
        let ext = match style {
            0 => {
                let _ = write!(
                    out,
                    "---\ntitle: \"{headline}\"\ndate: {date}\n---\n\n# {headline}\n\n"
                );
                "md"
            }
            1 => {
                let _ = write!(
                    out,
                    "{headline}\n\n{}, {} {d} (Wire) - ",
                    city.to_uppercase(),
                    &MONTHS[m - 1][..3]
                );
                "txt"
            }
            2 => {
                let _ = write!(
                    out,
                    "# {headline}\n\nBy Staff Reporter\n\n{}, {} (AP) - ",
                    city.to_uppercase(),
                    long_date(date),
                );
                "md"
            }
            _ => {
                let _ = write!(out, "{headline}\n\n");
                "txt"
            }
        };
        while out.len() < target {
            self.paragraph(&mut out, term);
        }
        (format!("{n:06}.{ext}"), out)
    }
}

fn main() -> std::io::Result<()> {
    let args = parse_args();
    let facts = args.facts.unwrap_or(args.entities * 3);
    let t = std::time::Instant::now();
    let generated = rulegen::generate(args.entities, facts, args.seed);
    std::fs::create_dir_all(args.out.join("articles"))?;
    std::fs::write(args.out.join("kb.rules"), &generated.text)?;
    let kb = claimcheck::rules::load_str("kb.rules", &generated.text).unwrap_or_else(|e| {
        eprintln!("gen_corpus: the generated rules do not load: {e}");
        std::process::exit(1)
    });
    let mut aliases = String::new();
    for (_, e) in kb.entities() {
        for name in e.names() {
            aliases.push_str(name);
            aliases.push('\n');
        }
    }
    std::fs::write(args.out.join("aliases.txt"), aliases)?;
    let pools = pools(&kb);
    if pools.terms.is_empty() {
        eprintln!("gen_corpus: no person holds a title with a dated start: use more entities");
        std::process::exit(1)
    }
    let target = (args.mb * 1e6 / args.articles as f64) as usize;
    let mut writer = Writer {
        rng: Rng(args.seed ^ 0xA27_1C1E),
        pools: &pools,
        injected: Vec::new(),
    };
    let mut jsonl = args
        .jsonl
        .then(|| {
            std::fs::File::create(args.out.join("articles.jsonl")).map(std::io::BufWriter::new)
        })
        .transpose()?;
    let mut csv = args
        .csv
        .then(|| std::fs::File::create(args.out.join("articles.csv")).map(std::io::BufWriter::new))
        .transpose()?;
    if let Some(c) = &mut csv {
        writeln!(c, "Body ID,articleBody")?;
    }
    let mut injected = String::from("file\tkind\ttext\n");
    let mut bytes = 0usize;
    for n in 0..args.articles {
        let (name, text) = writer.article(n, target);
        bytes += text.len();
        std::fs::write(args.out.join("articles").join(&name), &text)?;
        for (kind, what) in writer.injected.drain(..) {
            let _ = writeln!(injected, "{name}\t{kind}\t{what}");
        }
        if let Some(j) = &mut jsonl {
            let line = serde_json::json!({"path": format!("articles/{name}"), "text": text});
            writeln!(j, "{line}")?;
        }
        if let Some(c) = &mut csv {
            writeln!(c, "{n},\"{}\"", text.replace('"', "\"\""))?;
        }
    }
    std::fs::write(args.out.join("injected.tsv"), &injected)?;
    if let Some(mut j) = jsonl {
        j.flush()?;
    }
    if let Some(mut c) = csv {
        c.flush()?;
    }
    println!(
        "gen_corpus: {} entities, {} facts, {} articles, {:.1} MB, {} false claims injected, in {:.1} s -> {}",
        kb.entities().len(),
        kb.all_facts().len(),
        args.articles,
        bytes as f64 / 1e6,
        injected.lines().count() - 1,
        t.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}
