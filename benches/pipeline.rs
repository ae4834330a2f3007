//! Micro-benchmarks of each stage (divan): rule loading cold and from the cache for 1k, 10k
//! and 100k generated entities, and reading, extracting and checking one article with the
//! default rules. `cargo bench --bench pipeline`; `scripts/bench` runs the end-to-end
//! figures. No test depends on these numbers.

#[path = "../examples/common/rulegen.rs"]
mod rulegen;

use claimcheck::article::{Article, Format};
use claimcheck::check::{CheckSettings, Context, run_checks};
use claimcheck::extract::Extractor;
use claimcheck::kb::cache::KbCache;
use claimcheck::rules::{RuleSelection, load, load_cached, load_str};
use divan::Bencher;
use divan::counter::BytesCount;

/// The allocator of the `claimcheck` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Parse and compile generated rules (facts = 3 x entities), in memory.
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn rules_cold(bencher: Bencher, entities: usize) {
    let text = rulegen::generate(entities, entities * 3, 1).text;
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| load_str("generated.rules", &text).expect("rules load"));
}

/// The same rules from the compiled cache: read and hash the rule file, read and decode the
/// cache file.
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn rules_from_cache(bencher: Bencher, entities: usize) {
    let text = rulegen::generate(entities, entities * 3, 1).text;
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("generated.rules");
    std::fs::write(&file, &text).expect("write rules");
    let cache = KbCache::new(dir.path().join("cache"));
    let selection = RuleSelection::paths([&file]);
    load_cached(&selection, &cache).expect("rules load");
    bencher.bench(|| load_cached(&selection, &cache).expect("rules load"));
}

fn article_text() -> String {
    std::fs::read_to_string("fixtures/articles/riyadh-talks-wire.txt").expect("fixture article")
}

#[divan::bench]
fn article_read(bencher: Bencher) {
    let text = article_text();
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| Article::parse("a.txt", Format::Text, text.clone()));
}

#[divan::bench]
fn article_extract(bencher: Bencher) {
    let text = article_text();
    let kb = load(&RuleSelection::defaults()).expect("default rules");
    let extractor = Extractor::new(&kb);
    let article = Article::parse("a.txt", Format::Text, text.clone());
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| extractor.extract(&article, None));
}

#[divan::bench]
fn article_read_extract_check(bencher: Bencher) {
    let text = article_text();
    let kb = load(&RuleSelection::defaults()).expect("default rules");
    let extractor = Extractor::new(&kb);
    let settings = CheckSettings::default();
    bencher.counter(BytesCount::new(text.len())).bench(|| {
        let article = Article::parse("a.txt", Format::Text, text.clone());
        let extraction = extractor.extract(&article, None);
        let cx = Context {
            kb: &kb,
            article: &article,
            extraction: &extraction,
        };
        run_checks(&cx, &settings).len()
    });
}
