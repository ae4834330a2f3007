//! Read + extract over a CSV corpus of article bodies (FNC-1's `train_bodies.csv`: columns
//! `Body ID`, `articleBody`), with the default rules or a rule file. Prints throughput on one
//! thread, claim counts per kind, and optionally a random sample of claims for hand checks.
//!
//! With `--check`, it also runs the checks (no article date, as the bodies have none) and
//! prints the count of findings per check and every warning and error, for false-positive
//! reviews.
//!
//! cargo run --release --example extract_corpus -- ../shared/corpora/fnc1/train_bodies.csv
//!     [--rules FILE] [--no-default-rules] [--runs N] [--sample N --seed S --kinds title,quote]
//!     [--check] [--threads N]
//!
//! `--threads N` also times read + extract and read + extract + check over all bodies on N
//! threads (rayon), the way `claimcheck check` runs files.
//!
//! Every figure is the median of its timed passes: `--runs N` passes (default 3), and more
//! until they add up to `--min-time SECS` (default 0, at most 1,000 passes), so that a
//! short pass on a shared machine is sampled often enough for its median to hold still.
//! The first read + extract pass and the first check pass also count the claims and the
//! findings; with `--runs 1` and no `--min-time` the run is one read pass, one read +
//! extract pass and one check pass (the shape the callgrind profiles assume).
//!
//! `--cache DIR` loads the rules through the compiled knowledge-base cache in DIR (the first
//! run fills it). `--quiet` prints no findings, only figures. The last line, `BENCH corpus
//! ...`, repeats the figures for `scripts/bench`.

use std::collections::BTreeMap;
use std::time::Instant;

use claimcheck::article::{Article, Format};
use claimcheck::extract::claim::ClaimBody;
use claimcheck::extract::{Extraction, Extractor};
use claimcheck::rules::{RuleSelection, load};

/// The allocator of the `claimcheck` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().filter(|a| !a.starts_with("--")).cloned().unwrap_or_else(|| {
        eprintln!("usage: extract_corpus CSV [--rules FILE] [--no-default-rules] [--runs N] [--sample N] [--seed S] [--kinds a,b]");
        std::process::exit(2);
    });
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let runs: usize = flag("--runs")
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let min_time: f64 = flag("--min-time")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let sample: usize = flag("--sample").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut seed: u64 = flag("--seed").and_then(|v| v.parse().ok()).unwrap_or(1);
    let kinds: Vec<String> = flag("--kinds")
        .map(|k| k.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let selection = RuleSelection {
        paths: flag("--rules").into_iter().map(Into::into).collect(),
        default_rules: !args.iter().any(|a| a == "--no-default-rules"),
    };

    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| {
        eprintln!("cannot read {path}: {e}");
        std::process::exit(2);
    });
    let bodies: Vec<(String, String)> = reader
        .records()
        .filter_map(Result::ok)
        .map(|r| {
            (
                r.get(0).unwrap_or("").to_string(),
                r.get(1).unwrap_or("").to_string(),
            )
        })
        .collect();
    let bytes: usize = bodies.iter().map(|(_, b)| b.len()).sum();

    let quiet = args.iter().any(|a| a == "--quiet");
    let t = Instant::now();
    let loaded = match flag("--cache") {
        Some(dir) => {
            claimcheck::rules::load_cached(&selection, &claimcheck::kb::cache::KbCache::new(dir))
                .map(|(kb, report)| {
                    println!("cache: {:?}", report.outcome);
                    kb
                })
        }
        None => load(&selection),
    };
    let kb = loaded.unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let load_time = t.elapsed();
    let t = Instant::now();
    let extractor = Extractor::new(&kb);
    let extractor_time = t.elapsed();
    println!(
        "corpus: {} bodies, {:.1} MB; rules: {} entities; load: {:.1} ms; extractor: {:.1} ms",
        bodies.len(),
        bytes as f64 / 1e6,
        kb.entities().len(),
        load_time.as_secs_f64() * 1e3,
        extractor_time.as_secs_f64() * 1e3
    );
    let mut bench = format!(
        "BENCH corpus bytes={bytes} articles={} entities={} load_ms={:.2} extractor_ms={:.2}",
        bodies.len(),
        kb.entities().len(),
        load_time.as_secs_f64() * 1e3,
        extractor_time.as_secs_f64() * 1e3
    );

    // reading alone: decoding, the prose mask, blocks and sentences
    let read = median_of(runs, min_time, |_| {
        let n: usize = bodies
            .iter()
            .filter_map(|(id, body)| read(id, body))
            .map(|a| a.sentences.len())
            .sum();
        std::hint::black_box(n);
    });
    println!(
        "read, 1 thread: median {:.1} ms over {} passes = {:.1} MB/s",
        read.median * 1e3,
        read.passes,
        bytes as f64 / 1e6 / read.median
    );
    bench.push_str(&format!(
        " read1_s={:.4} read1_fast_s={:.4}",
        read.median, read.fastest
    ));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut all = Vec::new();
    let extract = median_of(runs, min_time, |run| {
        let mut n = 0usize;
        for (id, body) in &bodies {
            let Some((article, x)) = read_and_extract(&extractor, id, body) else {
                continue;
            };
            n += x.claims.len();
            if run == 0 {
                for c in &x.claims {
                    *counts.entry(c.kind()).or_default() += 1;
                }
                if sample > 0 {
                    for c in x.claims {
                        if kinds.is_empty() || kinds.iter().any(|k| k == c.kind()) {
                            all.push((
                                id.clone(),
                                article.slice(c.sentence).to_string(),
                                claimcheck::cli::extract::describe(&c),
                                c,
                            ));
                        }
                    }
                }
            }
        }
        std::hint::black_box(n);
    });
    println!(
        "read + extract, 1 thread: median {:.1} ms over {} passes = {:.1} MB/s, {:.0} articles/s",
        extract.median * 1e3,
        extract.passes,
        bytes as f64 / 1e6 / extract.median,
        bodies.len() as f64 / extract.median
    );
    bench.push_str(&format!(
        " extract1_s={:.4} extract1_fast_s={:.4}",
        extract.median, extract.fastest
    ));
    println!(
        "claims per kind: {counts:?} (total {})",
        counts.values().sum::<usize>()
    );
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM"))
    {
        println!("peak memory: {}", line.trim_start_matches("VmHWM:").trim());
    }
    if args.iter().any(|a| a == "--check") {
        let settings = claimcheck::check::CheckSettings::default();
        let mut per_check: BTreeMap<&str, usize> = BTreeMap::new();
        let check = median_of(runs, min_time, |run| {
            let mut n = 0usize;
            for (id, body) in &bodies {
                let Some((article, x)) = read_and_extract(&extractor, id, body) else {
                    continue;
                };
                let cx = claimcheck::check::Context {
                    kb: &kb,
                    article: &article,
                    extraction: &x,
                };
                let findings = claimcheck::check::run_checks(&cx, &settings);
                n += findings.len();
                if run > 0 {
                    continue;
                }
                for f in findings {
                    *per_check.entry(f.check).or_default() += 1;
                    if !quiet && f.severity >= claimcheck::severity::Severity::Warning {
                        let pos = article.position(f.span.start);
                        println!(
                            "[{id}:{}:{}] {}[{}]: {}\n    text: {}",
                            pos.line,
                            pos.column,
                            f.severity,
                            f.check,
                            f.message,
                            article.slice(f.span)
                        );
                    }
                }
            }
            std::hint::black_box(n);
        });
        bench.push_str(&format!(
            " check1_s={:.4} check1_fast_s={:.4} findings={}",
            check.median,
            check.fastest,
            per_check.values().sum::<usize>()
        ));
        println!(
            "read + extract + check, 1 thread: median {:.1} ms over {} passes = {:.1} MB/s",
            check.median * 1e3,
            check.passes,
            bytes as f64 / 1e6 / check.median
        );
        println!("findings per check: {per_check:?}");
    }
    if let Some(threads) = flag("--threads").and_then(|v| v.parse::<usize>().ok()) {
        use rayon::prelude::*;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let settings = claimcheck::check::CheckSettings::default();
        let time = |with_checks: bool| {
            median_of(runs.max(3), min_time, |_| {
                let n: usize = pool.install(|| {
                    bodies
                        .par_iter()
                        .map(|(id, body)| {
                            let Some((article, x)) = read_and_extract(&extractor, id, body) else {
                                return 0;
                            };
                            if with_checks {
                                let cx = claimcheck::check::Context {
                                    kb: &kb,
                                    article: &article,
                                    extraction: &x,
                                };
                                claimcheck::check::run_checks(&cx, &settings).len()
                            } else {
                                x.claims.len()
                            }
                        })
                        .sum()
                });
                std::hint::black_box(n);
            })
        };
        let extract = time(false);
        let check = time(true);
        bench.push_str(&format!(
            " threads={threads} extractN_s={:.4} extractN_fast_s={:.4} checkN_s={:.4} checkN_fast_s={:.4}",
            extract.median, extract.fastest, check.median, check.fastest
        ));
        println!(
            "{threads} threads (medians of {} and {} passes): read + extract {:.1} MB/s; read + extract + check {:.1} MB/s ({:.0}% of extract); fastest passes {:.1} and {:.1} MB/s",
            extract.passes,
            check.passes,
            bytes as f64 / 1e6 / extract.median,
            bytes as f64 / 1e6 / check.median,
            100.0 * extract.median / check.median,
            bytes as f64 / 1e6 / extract.fastest,
            bytes as f64 / 1e6 / check.fastest
        );
    }
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM"))
    {
        let kib: f64 = line
            .trim_start_matches("VmHWM:")
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .unwrap_or(0.0);
        bench.push_str(&format!(" peak_mib={:.1}", kib / 1024.0));
    }
    println!("{bench}");
    // a deterministic random sample for hand checks
    for _ in 0..sample.min(all.len()) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let i = (seed % all.len() as u64) as usize;
        let (id, sentence, described, claim) = all.swap_remove(i);
        let kind = match claim.body {
            ClaimBody::Title(_) => "title",
            ClaimBody::Quote(_) => "quote",
            _ => claim.kind(),
        };
        println!(
            "\n[{id}] {kind}: {described}\n    in: {}",
            sentence.replace('\n', " ")
        );
    }
}

/// A body read as a plain-text article (a copy of its bytes, as a file read would give), or
/// `None` if it does not read.
fn read(id: &str, body: &str) -> Option<Article> {
    Article::from_bytes(id, Format::Text, body.as_bytes().to_vec()).ok()
}

/// A body read and its claims extracted (no article date: the bodies have none).
fn read_and_extract(extractor: &Extractor, id: &str, body: &str) -> Option<(Article, Extraction)> {
    let article = read(id, body)?;
    let x = extractor.extract(&article, None);
    Some((article, x))
}

/// The timed passes of one stage, in seconds.
struct Timing {
    /// The median pass: the figure reported.
    median: f64,
    /// The fastest pass: what the code does when nothing else on the machine gets in the
    /// way (shown beside the median, never instead of it).
    fastest: f64,
    passes: usize,
}

/// Times `pass` (given its pass number) at least `runs` times, and more until the passes add
/// up to `min_time` seconds (at most 1,000 passes).
fn median_of(runs: usize, min_time: f64, mut pass: impl FnMut(usize)) -> Timing {
    let mut times = Vec::new();
    let mut total = 0.0;
    while times.len() < runs || (total < min_time && times.len() < 1000) {
        let t = Instant::now();
        pass(times.len());
        let secs = t.elapsed().as_secs_f64();
        total += secs;
        times.push(secs);
    }
    times.sort_by(f64::total_cmp);
    Timing {
        median: times[times.len() / 2],
        fastest: times[0],
        passes: times.len(),
    }
}
