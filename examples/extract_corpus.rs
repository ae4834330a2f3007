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
//! `--cache DIR` loads the rules through the compiled knowledge-base cache in DIR (the first
//! run fills it). `--quiet` prints no findings, only figures. The last line, `BENCH corpus
//! ...`, repeats the figures for `scripts/bench`.

use std::collections::BTreeMap;
use std::time::Instant;

use claimcheck::article::{Article, Format};
use claimcheck::extract::Extractor;
use claimcheck::extract::claim::ClaimBody;
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
    let runs: usize = flag("--runs").and_then(|v| v.parse().ok()).unwrap_or(3);
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
    let mut read_times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let n: usize = bodies
            .iter()
            .filter_map(|(id, body)| {
                Article::from_bytes(id, Format::Text, body.clone().into_bytes()).ok()
            })
            .map(|a| a.sentences.len())
            .sum();
        std::hint::black_box(n);
        read_times.push(t.elapsed().as_secs_f64());
    }
    read_times.sort_by(f64::total_cmp);
    let read = read_times[read_times.len() / 2];
    println!(
        "read, 1 thread: median {:.1} ms = {:.1} MB/s",
        read * 1e3,
        bytes as f64 / 1e6 / read
    );
    bench.push_str(&format!(" read1_s={read:.4}"));
    let mut times = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut all = Vec::new();
    for run in 0..runs {
        let t = Instant::now();
        let mut n = 0usize;
        for (id, body) in &bodies {
            let Ok(article) = Article::from_bytes(id, Format::Text, body.clone().into_bytes())
            else {
                continue;
            };
            let x = extractor.extract(&article, None);
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
        let secs = t.elapsed().as_secs_f64();
        times.push(secs);
        std::hint::black_box(n);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "read + extract, 1 thread: median {:.1} ms over {runs} runs = {:.1} MB/s, {:.0} articles/s",
        median * 1e3,
        bytes as f64 / 1e6 / median,
        bodies.len() as f64 / median
    );
    bench.push_str(&format!(" extract1_s={median:.4}"));
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
        let t = Instant::now();
        for (id, body) in &bodies {
            let Ok(article) = Article::from_bytes(id, Format::Text, body.clone().into_bytes())
            else {
                continue;
            };
            let x = extractor.extract(&article, None);
            let cx = claimcheck::check::Context {
                kb: &kb,
                article: &article,
                extraction: &x,
            };
            for f in claimcheck::check::run_checks(&cx, &settings) {
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
        let secs = t.elapsed().as_secs_f64();
        bench.push_str(&format!(
            " check1_s={secs:.4} findings={}",
            per_check.values().sum::<usize>()
        ));
        println!(
            "check, 1 thread: {:.1} ms = {:.1} MB/s",
            secs * 1e3,
            bytes as f64 / 1e6 / secs
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
            let mut times = Vec::new();
            for _ in 0..runs.max(3) {
                let t = Instant::now();
                let n: usize = pool.install(|| {
                    bodies
                        .par_iter()
                        .map(|(id, body)| {
                            let Ok(article) =
                                Article::from_bytes(id, Format::Text, body.clone().into_bytes())
                            else {
                                return 0;
                            };
                            let x = extractor.extract(&article, None);
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
                times.push(t.elapsed().as_secs_f64());
            }
            times.sort_by(f64::total_cmp);
            times[times.len() / 2]
        };
        let extract = time(false);
        let check = time(true);
        bench.push_str(&format!(
            " threads={threads} extractN_s={extract:.4} checkN_s={check:.4}"
        ));
        println!(
            "{threads} threads (median of {}): read + extract {:.1} MB/s; read + extract + check {:.1} MB/s ({:.0}% of extract)",
            runs.max(3),
            bytes as f64 / 1e6 / extract,
            bytes as f64 / 1e6 / check,
            100.0 * extract / check
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
