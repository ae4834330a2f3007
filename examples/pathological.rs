//! Times read + extract + check (+ the human and short reports) on generated pathological
//! articles at two sizes, to show that the work grows linearly: the ratio of the times
//! should be close to the ratio of the sizes (2), not its square (4).
//!
//! `cargo run --release --example pathological [-- --runs 5]`
//!
//! Uses the fixture rules (`fixtures/rules/valid/`), so it needs nothing outside the
//! repository. Prints the median of `--runs` runs per input and size.

use std::time::Instant;

use claimcheck::article::{Article, Format};
use claimcheck::check::{CheckSettings, Context, run_checks};
use claimcheck::extract::Extractor;
use claimcheck::kb::time::FactDate;
use claimcheck::report::{FileReport, Human, Renderer, RunReport, Short};

const PLACES: &str = include_str!("../fixtures/rules/valid/places.rules");
const WORLD: &str = include_str!("../fixtures/rules/valid/world.rules");
const FRONT: &str = "---\ndate: 2025-02-18\n---\n";

/// (name, format, generator of an article of about `n` units)
type Case = (&'static str, Format, fn(usize) -> String);

fn cases() -> Vec<Case> {
    vec![
        (
            "one long line of prose (n sentences)",
            Format::Markdown,
            |n| {
                format!(
                    "{FRONT}{}Secretary of State Antony Blinken left.\n",
                    "The talks went on for hours and nobody said much. ".repeat(n)
                )
            },
        ),
        ("n findings on one line", Format::Markdown, |n| {
            format!(
                "{FRONT}{}\n",
                "Secretary of State Antony Blinken left. ".repeat(n)
            )
        }),
        ("n findings, one per paragraph", Format::Markdown, |n| {
            format!(
                "{FRONT}{}",
                "Secretary of State Antony Blinken left.\n\n".repeat(n)
            )
        }),
        ("n straight quotation marks", Format::Markdown, |n| {
            format!("# Quotes\n\n{}\n", "\"".repeat(n))
        }),
        ("n quoted words in one sentence", Format::Text, |n| {
            format!(
                "Quotes Everywhere Today\n\n{}\n",
                "Lavrov said \u{201c}no\u{201d} and ".repeat(n)
            )
        }),
        ("n levels of block quotes", Format::Markdown, |n| {
            format!("{}Antony Blinken spoke.\n", "> ".repeat(n))
        }),
        ("n levels of nested lists", Format::Markdown, |n| {
            (0..n)
                .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
                .collect()
        }),
        ("n headings", Format::Markdown, |n| {
            let mut t = FRONT.to_string();
            for i in 0..n {
                t.push_str(&format!("# Heading number {i}\n\n"));
            }
            t + "Secretary of State Antony Blinken left.\n"
        }),
        ("n misspelled names", Format::Markdown, |n| {
            format!(
                "{FRONT}Sergey Lavrov spoke. {}\n",
                "Then Sergey Lavrof spoke. ".repeat(n)
            )
        }),
        ("n appositions in one sentence", Format::Markdown, |n| {
            format!(
                "{FRONT}Talks\n\n{}x.\n",
                "Sergey Lavrov, the foreign minister, and Secretary of State Marco Rubio and "
                    .repeat(n)
            )
        }),
        ("n dates and cues in one sentence", Format::Markdown, |n| {
            format!("{FRONT}Talks\n\n{}x.\n", "the Riyadh talks hosted by Saudi Arabia on Feb. 18, 2025 in Riyadh, according to Lavrov, and ".repeat(n))
        }),
    ]
}

/// The size parameter for each case at the smaller of the two sizes.
fn base_size(name: &str) -> usize {
    match name {
        n if n.contains("levels") => 500,
        n if n.contains("headings") => 5_000,
        n if n.contains("marks") => 50_000,
        n if n.contains("findings") => 20_000,
        _ => 20_000,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(5usize);
    let rules = format!("{PLACES}\n{}", WORLD.replace("use \"places.rules\"", ""));
    let kb = match claimcheck::rules::load_str("fixture.rules", &rules) {
        Ok(kb) => kb,
        Err(e) => {
            eprintln!("the fixture rules do not load:\n{e}");
            std::process::exit(2);
        }
    };
    let extractor = Extractor::new(&kb);
    let date = FactDate::parse("2025-02-20").ok();
    println!(
        "{:<40} {:>10} {:>9} {:>10} {:>9} {:>7}",
        "input", "bytes", "ms", "bytes x2", "ms", "ratio"
    );
    for (name, format, make) in cases() {
        let mut row = Vec::new();
        for scale in [1, 2] {
            let text = make(base_size(name) * scale);
            let bytes = text.len();
            let times: Vec<f64> = (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    let article = Article::parse("a", format, text.clone());
                    let extraction = extractor.extract(&article, date);
                    let cx = Context {
                        kb: &kb,
                        article: &article,
                        extraction: &extraction,
                    };
                    let findings = run_checks(&cx, &CheckSettings::default());
                    let run = RunReport {
                        kb: &kb,
                        files: vec![FileReport { article, findings }],
                        errors: Vec::new(),
                    };
                    let mut sink = std::io::sink();
                    let _ = Short.render(&run, &mut sink);
                    let _ = Human {
                        color: false,
                        width: 100,
                    }
                    .render(&run, &mut sink);
                    start.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            row.push((bytes, median(times)));
        }
        let ratio = row[1].1 / row[0].1.max(1e-9);
        println!(
            "{name:<40} {:>10} {:>9.1} {:>10} {:>9.1} {ratio:>7.2}",
            row[0].0, row[0].1, row[1].0, row[1].1
        );
    }
}
