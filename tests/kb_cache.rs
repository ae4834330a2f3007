//! The compiled knowledge-base cache: hits give the same knowledge base, any change to any
//! rule file (imports included) misses, and a damaged file is rebuilt, never trusted.

use std::path::{Path, PathBuf};

use claimcheck::kb::KnowledgeBase;
use claimcheck::kb::cache::{CacheOutcome, CacheReport, KbCache, encoded};
use claimcheck::rules::{RuleSelection, load, load_cached};

const MAIN: &str = r#"use "places.rules"

person "Ada Lovelace" aka "Ada", "Countess of Lovelace"
  holds "Analyst" from 1842 until 1843
"#;

const PLACES: &str = r#"country "Freedonia" aka "FD"
city "Fredville" in "Freedonia"
title "Analyst"
  one holder at a time
"#;

fn write_rules(dir: &Path, places: &str) -> PathBuf {
    std::fs::write(dir.join("places.rules"), places).unwrap();
    let main = dir.join("main.rules");
    std::fs::write(&main, MAIN).unwrap();
    main
}

fn cached(main: &Path, cache: &KbCache) -> (KnowledgeBase, CacheReport) {
    let selection = RuleSelection {
        paths: vec![main.to_path_buf()],
        default_rules: true,
    };
    load_cached(&selection, cache).unwrap_or_else(|e| panic!("{e}"))
}

fn uncached(main: &Path) -> KnowledgeBase {
    load(&RuleSelection {
        paths: vec![main.to_path_buf()],
        default_rules: true,
    })
    .unwrap()
}

fn same(a: &KnowledgeBase, b: &KnowledgeBase) {
    // the dump covers what users see; the cache encoding covers every index
    assert_eq!(
        serde_json::to_string(&a.dump()).unwrap(),
        serde_json::to_string(&b.dump()).unwrap()
    );
    assert!(encoded(a) == encoded(b), "the knowledge bases differ");
}

#[test]
fn a_second_load_is_a_hit_and_gives_the_same_knowledge_base() {
    let rules = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = KbCache::new(dir.path().join("cache"));
    let main = write_rules(rules.path(), PLACES);

    let (first, report) = cached(&main, &cache);
    assert_eq!(report.outcome, CacheOutcome::Miss);
    assert_eq!(report.write_error, None);
    assert!(report.path.is_file());

    let (second, report) = cached(&main, &cache);
    assert_eq!(report.outcome, CacheOutcome::Hit);
    same(&first, &second);
    same(&second, &uncached(&main));

    // the knowledge base from the cache answers questions like the compiled one
    let town = second.lookup("Fredville")[0];
    let country = second.lookup("FD")[0];
    let within = second.relation_by_name("in").unwrap();
    assert!(second.within(within, town, country));
    let ada = second.lookup("Countess of Lovelace")[0];
    assert_eq!(second.entity(ada).name.as_ref(), "Ada Lovelace");
    let holds = second.relation_by_name("holds").unwrap();
    let fact = &second.facts(ada, holds)[0];
    // evidence points into the rule texts read for the key
    assert_eq!(
        second.rule_text(fact.loc).trim(),
        "holds \"Analyst\" from 1842 until 1843"
    );
}

#[test]
fn a_change_to_any_rule_file_misses() {
    let rules = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = KbCache::new(dir.path());
    let main = write_rules(rules.path(), PLACES);
    let (_, first) = cached(&main, &cache);

    // an imported file changes: a new key, a new knowledge base
    let changed = PLACES.replace("city \"Fredville\"", "city \"Fredville\" aka \"Fredburg\"");
    write_rules(rules.path(), &changed);
    let (kb, report) = cached(&main, &cache);
    assert_eq!(report.outcome, CacheOutcome::Miss);
    assert_ne!(report.path, first.path);
    assert_eq!(kb.lookup("Fredburg").len(), 1);
    same(&kb, &uncached(&main));

    // back to the first text: the first file is still there
    write_rules(rules.path(), PLACES);
    let (kb, report) = cached(&main, &cache);
    assert_eq!(report.outcome, CacheOutcome::Hit);
    assert_eq!(report.path, first.path);
    assert!(kb.lookup("Fredburg").is_empty());

    // without the default rules, another key
    let (_, report) = load_cached(&RuleSelection::paths([&main]), &cache).unwrap();
    assert_eq!(report.outcome, CacheOutcome::Miss);
}

#[test]
fn damaged_cache_files_are_rebuilt_never_trusted() {
    let rules = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = KbCache::new(dir.path());
    let main = write_rules(rules.path(), PLACES);
    let (reference, report) = cached(&main, &cache);
    let path = report.path;
    let good = std::fs::read(&path).unwrap();

    let mut flipped = good.clone();
    let at = flipped.len() - 10;
    flipped[at] ^= 0x40;
    let mut header = good.clone();
    header[16] ^= 1; // the format version
    let damaged: [(&str, Vec<u8>, &str); 5] = [
        ("a flipped payload byte", flipped, "checksum"),
        (
            "a truncated payload",
            good[..good.len() / 2].to_vec(),
            "truncated",
        ),
        ("a truncated header", good[..30].to_vec(), "truncated"),
        ("another file", b"hello".to_vec(), "not a claimcheck cache"),
        ("another format", header, "format"),
    ];
    for (what, bytes, reason) in damaged {
        std::fs::write(&path, &bytes).unwrap();
        let (kb, report) = cached(&main, &cache);
        match &report.outcome {
            CacheOutcome::Invalid(why) => assert!(why.contains(reason), "{what}: {why}"),
            other => panic!("{what}: {other:?}"),
        }
        same(&kb, &reference);
        // rewritten: the next load is a hit
        assert_eq!(std::fs::read(&path).unwrap(), good, "{what}");
        assert_eq!(cached(&main, &cache).1.outcome, CacheOutcome::Hit, "{what}");
    }
}

#[test]
fn rules_with_errors_are_not_cached_and_an_unwritable_cache_is_not_an_error() {
    let rules = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = KbCache::new(dir.path().join("c"));
    let main = write_rules(rules.path(), "city \"Fredville\"\n  in \"Atlantis\"\n");
    let selection = RuleSelection::paths([&main]);
    assert!(load_cached(&selection, &cache).is_err());
    assert!(!dir.path().join("c").exists());

    // a cache "directory" that is a file
    let main = write_rules(rules.path(), PLACES);
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let (kb, report) = load_cached(&RuleSelection::paths([&main]), &KbCache::new(&file)).unwrap();
    assert_eq!(report.outcome, CacheOutcome::Miss);
    assert!(report.write_error.is_some());
    assert_eq!(kb.lookup("Fredville").len(), 1);
}

#[test]
fn old_cache_files_are_pruned() {
    let rules = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = KbCache::new(dir.path());
    for i in 0..claimcheck::kb::cache::KEEP + 3 {
        let main = write_rules(rules.path(), &format!("{PLACES}city \"Town {i}\"\n"));
        let (_, report) = load_cached(&RuleSelection::paths([&main]), &cache).unwrap();
        assert_eq!(report.outcome, CacheOutcome::Miss);
    }
    let files = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(files, claimcheck::kb::cache::KEEP);
}

#[test]
fn derived_indexes_without_their_knowledge_base_are_pruned() {
    let rules = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = KbCache::new(dir.path());
    // indexes left behind by a knowledge base that is gone, and one whose knowledge base is
    // still there
    let gone = "0".repeat(32);
    let kept = "1".repeat(32);
    for name in [
        format!("mentions-{gone}.bin"),
        format!("checks-{gone}.bin"),
        format!("kb-{kept}.bin"),
        format!("mentions-{kept}.bin"),
    ] {
        std::fs::write(dir.path().join(name), b"x").unwrap();
    }
    let main = write_rules(rules.path(), PLACES);
    let (_, report) = load_cached(&RuleSelection::paths([&main]), &cache).unwrap();
    assert_eq!(report.outcome, CacheOutcome::Miss);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let written = report
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let mut expected = vec![
        format!("kb-{kept}.bin"),
        format!("mentions-{kept}.bin"),
        written,
    ];
    expected.sort();
    assert_eq!(names, expected);
}
