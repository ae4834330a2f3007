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

use std::alloc::{GlobalAlloc, Layout};

/// The allocator of the `claimcheck` binary, under the counting wrapper.
use mimalloc::MiMalloc as System;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize};
use std::time::{Duration, Instant};

use claimcheck::rules::{load_str, parser};

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
    cache: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: rules_bench [--entities N] [--facts N] [--seed N] [--runs N] [--write PATH] [--scaling]\n       rules_bench --input PATH [--runs N] [--only parse|load|cache]\n\
         \n  --entities N   entities to generate (default 100000)\
         \n  --facts N      facts to generate, approximately (default 3 x entities)\
         \n  --seed N       PRNG seed (default 1)\
         \n  --runs N       timed runs; median and min are reported (default 5)\
         \n  --write PATH   also write the generated rules to PATH\
         \n  --input PATH   measure an existing rule file instead of generating one\
         \n  --only PHASE   time only `parse`, only `load`, or (with --cache) only loads from the cache (for profilers; no compile column)\
         \n  --scaling      measure 1k, 10k and 100k entities (facts = 3 x entities)\
         \n  --cache        also time loads through the compiled knowledge-base cache"
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
        cache: false,
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
                if phase != "parse" && phase != "load" && phase != "cache" {
                    eprintln!("rules_bench: --only takes `parse`, `load` or `cache`");
                    usage()
                }
                args.only = Some(phase)
            }
            "--scaling" => args.scaling = true,
            "--cache" => args.cache = true,
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

#[path = "common/rulegen.rs"]
mod rulegen;
use rulegen::generate;

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

/// Loads through the compiled knowledge-base cache (`--cache`).
struct CacheMeasured {
    /// `rules::load` from the file on disk, no cache: read + parse + compile.
    cold: Vec<Duration>,
    /// The first `load_cached`: read, hash, parse, compile and write the cache.
    miss: Duration,
    /// Later `load_cached` calls: read, hash, decode.
    hit: Vec<Duration>,
    /// VmHWM growth over VmRSS during one load from the cache.
    hit_peak: Option<u64>,
    file_bytes: u64,
}

fn measure_cache(text: &str, runs: usize) -> CacheMeasured {
    use claimcheck::kb::cache::{CacheOutcome, KbCache};
    use claimcheck::rules::{RuleSelection, load, load_cached};
    let dir = std::env::temp_dir().join(format!("rules_bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let file = dir.join("generated.rules");
    std::fs::write(&file, text).expect("write the rules");
    let cache = KbCache::new(dir.join("cache"));
    let selection = RuleSelection::paths([&file]);
    let t = Instant::now();
    let (kb, report) = load_cached(&selection, &cache).expect("rules load");
    let miss = t.elapsed();
    assert_eq!(report.outcome, CacheOutcome::Miss);
    assert_eq!(report.write_error, None);
    drop(kb);
    let file_bytes = std::fs::metadata(&report.path).map_or(0, |m| m.len());
    let rss = status_kb("VmRSS");
    let peak = if reset_peak() {
        let hit = load_cached(&selection, &cache).expect("rules load");
        let peak = status_kb("VmHWM");
        drop(hit);
        match (peak, rss) {
            (Some(p), Some(r)) => Some(p.saturating_sub(r)),
            _ => None,
        }
    } else {
        None
    };
    let (mut cold, mut hit) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        if only("load") {
            let t = Instant::now();
            let kb = load(&selection).expect("rules load");
            cold.push(t.elapsed());
            drop(kb);
        }
        let t = Instant::now();
        let (kb, report) = load_cached(&selection, &cache).expect("rules load");
        hit.push(t.elapsed());
        assert_eq!(report.outcome, CacheOutcome::Hit);
        drop(kb);
    }
    let _ = std::fs::remove_dir_all(&dir);
    CacheMeasured {
        cold,
        miss,
        hit,
        hit_peak: peak,
        file_bytes,
    }
}

fn report_cache(c: &CacheMeasured) {
    println!("| loading the file from disk                    | median      | min         |");
    println!("|-----------------------------------------------|------------:|------------:|");
    println!(
        "| no cache: read, parse, compile                | {:>8.1} ms | {:>8.1} ms |",
        ms(median(&c.cold)),
        ms(min(&c.cold))
    );
    println!(
        "| first cached load: + write the cache          | {:>8.1} ms |             |",
        ms(c.miss)
    );
    println!(
        "| from the cache: read, hash, decode            | {:>8.1} ms | {:>8.1} ms |",
        ms(median(&c.hit)),
        ms(min(&c.hit))
    );
    println!(
        "\ncache file: {:.1} MB; VmHWM growth during a load from the cache: {}\n",
        c.file_bytes as f64 / 1e6,
        mib(c.hit_peak)
    );
}

fn run_one(
    entities: usize,
    facts: usize,
    seed: u64,
    runs: usize,
    write: Option<&str>,
    cache: bool,
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
    // one line for scripts/bench
    let growth = match (m.peak_during_load, m.rss_before_load) {
        (Some(p), Some(r)) => format!("{:.1}", p.saturating_sub(r) as f64 / 1024.0),
        _ => "n/a".into(),
    };
    let mut line = format!(
        "BENCH rules entities={entities} facts={} parse_ms={:.2} compile_ms={:.2} load_ms={:.2} load_peak_mib={growth}",
        m.kb_facts,
        ms(median(&m.parse)),
        ms(median(&m.compile)),
        ms(median(&m.load)),
    );
    if cache {
        let c = measure_cache(&generated.text, runs);
        report_cache(&c);
        let _ = write!(
            line,
            " disk_ms={:.2} miss_ms={:.2} cache_ms={:.2} cache_peak_mib={} cache_file_mb={:.1}",
            ms(median(&c.cold)),
            ms(c.miss),
            ms(median(&c.hit)),
            c.hit_peak
                .map_or("n/a".into(), |k| format!("{:.1}", k as f64 / 1024.0)),
            c.file_bytes as f64 / 1e6
        );
    }
    println!("{line}");
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
            match run_one(
                entities,
                entities * 3,
                args.seed,
                args.runs,
                None,
                args.cache,
            ) {
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
        args.cache,
    ) {
        Ok(_) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
