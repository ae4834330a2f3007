//! `check --shard I/N` and `check --stdin-jsonl` through the binary, and the stream's
//! batching through the library.

use assert_cmd::Command;
use serde_json::{Value, json};

fn claimcheck() -> Command {
    let mut cmd = Command::cargo_bin("claimcheck").unwrap();
    cmd.env("NO_COLOR", "1").env("COLUMNS", "100");
    cmd
}

const CONFLICT: &str = "fixtures/articles/title-conflict/defense-secretary.md";
const CLEAN: &str = "fixtures/articles/title-conflict/secretary-of-state.md";

fn json_check(args: &[&str]) -> (Option<i32>, Value) {
    let out = claimcheck()
        .args([
            "check",
            "--format",
            "json",
            "--no-config",
            "--fail-on",
            "never",
        ])
        .args(args)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code(), doc)
}

#[test]
fn shards_split_the_files_deterministically_and_cover_them_once() {
    let dir = "fixtures/articles";
    let (_, whole) = json_check(&[dir]);
    let total = whole["summary"]["files"].as_u64().unwrap();
    assert!(total >= 10, "{total} fixture files");
    let mut files = 0;
    let mut findings: Vec<Value> = Vec::new();
    let mut seen_paths: Vec<String> = Vec::new();
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let (code, part) = json_check(&[dir, "--shard", &shard]);
        assert_eq!(code, Some(0));
        // the same shard gives the same files and findings every time
        assert_eq!(part, json_check(&[dir, "--shard", &shard]).1);
        let n = part["summary"]["files"].as_u64().unwrap();
        // round robin: shard sizes differ by at most one
        assert!(
            n == total / 3 || n == total / 3 + 1,
            "shard {shard}: {n} of {total}"
        );
        files += n;
        for f in part["findings"].as_array().unwrap() {
            let path = f["path"].as_str().unwrap().to_string();
            // a file's findings all come from one shard
            if seen_paths.last() != Some(&path) {
                assert!(!seen_paths.contains(&path), "{path} in two shards");
                seen_paths.push(path);
            }
            findings.push(f.clone());
        }
    }
    assert_eq!(files, total);
    let key = |f: &Value| {
        (
            f["path"].as_str().unwrap().to_string(),
            f["span"]["start"].as_u64().unwrap(),
            f["check"].as_str().unwrap().to_string(),
        )
    };
    findings.sort_by_key(key);
    let mut expected = whole["findings"].as_array().unwrap().clone();
    expected.sort_by_key(key);
    assert_eq!(findings, expected);
}

#[test]
fn bad_shards_are_usage_errors() {
    for bad in ["0/2", "3/2", "x"] {
        let out = claimcheck()
            .args(["check", CLEAN, "--shard", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("I/N"), "{err}");
    }
}

fn line(path: &str, text: &str, date: Option<&str>) -> String {
    let mut v = json!({"path": path, "text": text});
    if let Some(d) = date {
        v["date"] = json!(d);
    }
    v.to_string()
}

fn stream(input: &str, args: &[&str]) -> (Option<i32>, Vec<Value>) {
    let out = claimcheck()
        .args(["check", "--stdin-jsonl", "--no-config"])
        .args(args)
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    let records = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code(), records)
}

fn of_type<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == kind).collect()
}

#[test]
fn stream_findings_match_the_json_report() {
    let text = std::fs::read_to_string(CONFLICT).unwrap();
    let (code, records) = stream(&line(CONFLICT, &text, None), &[]);
    assert_eq!(code, Some(1));
    let (_, report) = json_check(&[CONFLICT]);
    let expected = report["findings"].as_array().unwrap();
    let findings = of_type(&records, "finding");
    assert_eq!(findings.len(), expected.len());
    assert!(!findings.is_empty());
    for (got, want) in findings.iter().zip(expected) {
        let mut got = (*got).clone();
        assert_eq!(got["line"], 1);
        let map = got.as_object_mut().unwrap();
        map.remove("type");
        map.remove("line");
        assert_eq!(&got, want);
    }
    let summary = records.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["files"], 1);
    assert_eq!(summary["lines"], 1);
    assert_eq!(summary["failed"], 0);
    assert_eq!(summary["errors"].as_u64().unwrap(), expected.len() as u64);
}

#[test]
fn malformed_lines_are_error_records_and_the_stream_goes_on() {
    let conflict = std::fs::read_to_string(CONFLICT).unwrap();
    let clean = std::fs::read_to_string(CLEAN).unwrap();
    let input = [
        line("a/clean.md", &clean, None),
        "{not json".to_string(),
        String::new(),
        json!({"text": "no path"}).to_string(),
        line("b/bad-date.md", &clean, Some("18 March")),
        line("c/conflict.md", &conflict, Some("2025-02-18T09:00:00Z")),
        line("d/empty.txt", "  ", None),
    ]
    .join("\n");
    let (code, records) = stream(&input, &[]);
    assert_eq!(code, Some(2), "{records:?}");
    let errors: Vec<(u64, String)> = of_type(&records, "error")
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        errors.iter().map(|e| e.0).collect::<Vec<_>>(),
        [2, 4, 5, 7],
        "{errors:?}"
    );
    assert!(errors[0].1.starts_with("not a JSON object"), "{errors:?}");
    assert!(errors[1].1.contains("\"path\""), "{errors:?}");
    assert!(errors[2].1.starts_with("date:"), "{errors:?}");
    assert!(errors[3].1.contains("white space"), "{errors:?}");
    let findings = of_type(&records, "finding");
    assert!(!findings.is_empty());
    assert!(
        findings
            .iter()
            .all(|f| f["line"] == 6 && f["path"] == "c/conflict.md")
    );
    // records come in input order
    let lines: Vec<u64> = records.iter().filter_map(|r| r["line"].as_u64()).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
    let summary = records.last().unwrap();
    assert_eq!(summary["lines"], 7);
    assert_eq!(summary["files"], 2);
    assert_eq!(summary["failed"], 4);
}

#[test]
fn stream_exit_codes_follow_fail_on() {
    let clean = std::fs::read_to_string(CLEAN).unwrap();
    let conflict = std::fs::read_to_string(CONFLICT).unwrap();
    assert_eq!(stream(&line(CLEAN, &clean, None), &[]).0, Some(0));
    assert_eq!(stream(&line(CONFLICT, &conflict, None), &[]).0, Some(1));
    assert_eq!(
        stream(&line(CONFLICT, &conflict, None), &["--fail-on", "never"]).0,
        Some(0)
    );
    // an empty stream is a clean one, with a summary
    let (code, records) = stream("", &[]);
    assert_eq!(code, Some(0));
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["type"], "summary");
}

#[test]
fn stream_date_is_judged_like_the_article_date_and_date_flag_wins() {
    // the conflict fixture's front matter says 2025-02-18; in 2010 nobody in it held the
    // titles the rules record for 2025, so the title findings change
    let conflict = std::fs::read_to_string(CONFLICT).unwrap();
    let (_, at_2010) = stream(&line(CONFLICT, &conflict, Some("2010-01-01")), &[]);
    let (_, own) = stream(&line(CONFLICT, &conflict, None), &[]);
    assert_ne!(of_type(&at_2010, "finding"), of_type(&own, "finding"));
    let (_, flag_wins) = stream(
        &line(CONFLICT, &conflict, Some("2010-01-01")),
        &["--date", "2025-02-18"],
    );
    assert_eq!(of_type(&flag_wins, "finding"), of_type(&own, "finding"));
}

#[test]
fn stream_conflicts_with_paths() {
    let out = claimcheck()
        .args(["check", "--stdin-jsonl", CLEAN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Batches of any size give the same records in the same order.
#[test]
fn batch_size_does_not_change_the_output() {
    use claimcheck::check::CheckSettings;
    use claimcheck::extract::Extractor;
    use claimcheck::stream::{StreamOptions, check_jsonl};

    let kb = claimcheck::rules::load(&claimcheck::rules::RuleSelection::defaults()).unwrap();
    let extractor = Extractor::new(&kb);
    let mut input = String::new();
    for entry in std::fs::read_dir("fixtures/articles/title-conflict").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        input.push_str(&line(&path.display().to_string(), &text, None));
        input.push('\n');
        input.push_str("[1, 2]\n");
    }
    let run = |batch_lines: usize, batch_bytes: usize| {
        let mut out = Vec::new();
        let opts = StreamOptions {
            batch_lines,
            batch_bytes,
            ..Default::default()
        };
        let summary = check_jsonl(
            &mut input.as_bytes(),
            &mut out,
            &extractor,
            &CheckSettings::default(),
            &opts,
        )
        .unwrap();
        (String::from_utf8(out).unwrap(), summary)
    };
    let (whole, summary) = run(10_000, 1 << 30);
    assert!(summary.errors > 0 && summary.failed > 0, "{summary:?}");
    assert_eq!(run(1, 1 << 30), (whole.clone(), summary));
    assert_eq!(run(3, 1 << 30), (whole.clone(), summary));
    assert_eq!(run(10_000, 100), (whole, summary));
}

#[test]
fn check_uses_the_cache_dir_and_survives_a_damaged_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let run = |extra: &[&str]| {
        let out = claimcheck()
            .args(["check", CONFLICT, "--format", "short", "--no-config"])
            .args(extra)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    // the checks' indexes' file, the knowledge base's and the mention index's, sorted
    let cache_files = || -> Vec<std::path::PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(&cache)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files
    };
    let (code, expected) = run(&["--no-cache"]);
    assert_eq!(code, Some(1));
    assert!(cache_files().is_empty());
    assert_eq!(run(&["--cache-dir", cache_arg]), (code, expected.clone()));
    let files = cache_files();
    assert_eq!(files.len(), 3, "{files:?}");
    let name = |i: usize| files[i].file_name().unwrap().to_str().unwrap().to_string();
    assert!(name(0).starts_with("checks-") && name(1).starts_with("kb-"));
    assert!(name(2).starts_with("mentions-"));
    assert_eq!(name(1)["kb-".len()..], name(2)["mentions-".len()..]);
    assert_eq!(name(1)["kb-".len()..], name(0)["checks-".len()..]);
    let written = |i: usize| std::fs::metadata(&files[i]).unwrap().modified().unwrap();
    let first_written = (written(0), written(1), written(2));
    // from the cache, every file read and not rewritten: the same report
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(run(&["--cache-dir", cache_arg]), (code, expected.clone()));
    assert_eq!((written(0), written(1), written(2)), first_written);
    for file in &files {
        std::fs::write(file, b"claimcheck-kb garbage").unwrap();
        assert_eq!(run(&["--cache-dir", cache_arg]), (code, expected.clone()));
        assert!(std::fs::metadata(file).unwrap().len() > 100);
    }
    assert_eq!(cache_files(), files);
    // --no-cache neither reads nor writes the mention index nor the checks' indexes
    std::fs::write(&files[0], b"x").unwrap();
    std::fs::write(&files[2], b"x").unwrap();
    assert_eq!(run(&["--no-cache"]), (code, expected.clone()));
    assert_eq!(std::fs::read(&files[0]).unwrap(), b"x");
    assert_eq!(std::fs::read(&files[2]).unwrap(), b"x");
    // CLAIMCHECK_CACHE_DIR is the default directory
    let other = dir.path().join("env");
    let out = claimcheck()
        .env("CLAIMCHECK_CACHE_DIR", &other)
        .args(["check", CONFLICT, "--format", "short", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 3);
}
