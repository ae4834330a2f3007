//! `claimcheck check`, `explain` and `checks` through the binary: exit codes, formats and
//! snapshots of the rendered reports.

use assert_cmd::Command;

fn claimcheck() -> Command {
    let mut cmd = Command::cargo_bin("claimcheck").unwrap();
    cmd.env("NO_COLOR", "1").env("COLUMNS", "100");
    cmd
}

const CONFLICT: &str = "fixtures/articles/title-conflict/defense-secretary.md";
const CLEAN: &str = "fixtures/articles/title-conflict/secretary-of-state.md";

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = claimcheck().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn exit_1_on_errors_and_0_when_clean() {
    assert_eq!(run(&["check", CONFLICT]).0, Some(1));
    assert_eq!(run(&["check", CLEAN]).0, Some(0));
}

#[test]
fn fail_on_sets_the_threshold() {
    assert_eq!(run(&["check", CONFLICT, "--fail-on", "never"]).0, Some(0));
    // the seed-style article without a date has one note: it fails only at --fail-on note
    let undated = "fixtures/articles/riyadh-talks-wire.txt";
    assert_eq!(run(&["check", undated]).0, Some(0));
    assert_eq!(run(&["check", undated, "--fail-on", "note"]).0, Some(1));
}

#[test]
fn check_settings_turn_checks_off_and_reject_unknown_names() {
    assert_eq!(
        run(&["check", CONFLICT, "--check", "title-conflict=off"]).0,
        Some(0)
    );
    let (code, _, err) = run(&["check", CONFLICT, "--check", "title-conflit=off"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("did you mean `title-conflict`?"), "{err}");
}

#[test]
fn short_format_lines() {
    let (_, out, err) = run(&["check", CONFLICT, "--format", "short"]);
    insta::assert_snapshot!(out);
    assert!(
        err.contains("check: 2 errors, 0 warnings, 0 notes in 1 file"),
        "{err}"
    );
}

#[test]
fn human_format_shows_the_article_and_the_rule_lines() {
    let (_, out, _) = run(&["check", CONFLICT, "--color", "never"]);
    insta::assert_snapshot!(out);
}

#[test]
fn json_format_follows_the_contract() {
    let (_, out, _) = run(&["check", CONFLICT, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    let f = &v["findings"][0];
    assert_eq!(f["check"], "title-conflict");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["text"], "Defense Secretary Marco Rubio");
    assert_eq!(f["start"]["line"], 8);
    assert_eq!(f["start"]["column"], 1);
    assert_eq!(f["claim"]["kind"], "title");
    assert_eq!(f["evidence"][0]["path"], "<builtin>/world/us.rules");
    assert_eq!(
        f["evidence"][0]["text"],
        "holds \"US Secretary of State\" from 2025-01-21"
    );
    assert_eq!(v["summary"]["errors"], 2);
    insta::assert_snapshot!(out);
}

#[test]
fn an_unreadable_file_exits_2_and_the_others_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(CONFLICT, dir.path().join("a.md")).unwrap();
    std::fs::write(dir.path().join("b.md"), b"\xff\xfe\x00binary").unwrap();
    let (code, out, err) = run(&["check", dir.path().to_str().unwrap(), "--format", "short"]);
    assert_eq!(code, Some(2));
    assert!(out.contains("a.md:8:1: error[title-conflict]"), "{out}");
    assert!(err.contains("b.md: the file is UTF-16"), "{err}");
    assert!(err.contains("1 file could not be read"), "{err}");
}

#[test]
fn a_broken_rule_file_exits_2() {
    let (code, _, err) = run(&[
        "check",
        CLEAN,
        "--no-default-rules",
        "--rules",
        "fixtures/rules/invalid/unknown-entity.rules",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown entity \"Saudi Arabi\""), "{err}");
}

#[test]
fn explain_prints_the_doc_comment_and_checks_lists_the_catalogue() {
    let (code, out, _) = run(&["explain", "title-conflict"]);
    assert_eq!(code, Some(0));
    for section in [
        "## What it finds",
        "## Why",
        "## Example",
        "## How to silence it",
    ] {
        assert!(out.contains(section), "{section} missing:\n{out}");
    }
    let (code, _, err) = run(&["explain", "title-confict"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("did you mean `title-conflict`?"));
    let (_, out, _) = run(&["checks"]);
    assert!(
        out.lines()
            .any(|l| l.starts_with("title-conflict") && l.contains("error"))
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("missing-date") && l.contains("note"))
    );
}

#[test]
fn sarif_format_has_rules_regions_related_locations_and_fingerprints() {
    let (_, out, _) = run(&["check", CONFLICT, "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run0 = &v["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), claimcheck::check::CHECKS.len());
    let result = &run0["results"][0];
    assert_eq!(result["ruleId"], "title-conflict");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        8
    );
    assert_eq!(
        result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "claimcheck:rules/world/us.rules"
    );
    // the fingerprint does not depend on the line: the same file with two lines added
    // above the finding keeps it
    let sarif_in = |text: &str| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("article.md"), text).unwrap();
        let out = claimcheck()
            .current_dir(dir.path())
            .args(["check", "article.md", "--format", "sarif"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["runs"][0]["results"][0].clone()
    };
    let original = std::fs::read_to_string(CONFLICT).unwrap();
    let before = sarif_in(&original);
    let after = sarif_in(&original.replace("# Rubio", "\n\n# Rubio"));
    assert_eq!(
        before["locations"][0]["physicalLocation"]["region"]["startLine"],
        8
    );
    assert_eq!(
        after["locations"][0]["physicalLocation"]["region"]["startLine"],
        10
    );
    assert!(before["partialFingerprints"]["claimcheckFinding/v1"].is_string());
    assert_eq!(before["partialFingerprints"], after["partialFingerprints"]);
}

#[test]
fn github_format_annotations() {
    let (_, out, _) = run(&["check", CONFLICT, "--format", "github"]);
    insta::assert_snapshot!(out);
}

#[test]
fn claimcheck_toml_is_found_upward_and_the_command_line_wins() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir_all(articles.join("drafts")).unwrap();
    std::fs::copy(CONFLICT, articles.join("conflict.md")).unwrap();
    std::fs::copy(CONFLICT, articles.join("drafts/draft.md")).unwrap();
    std::fs::write(
        dir.path().join("claimcheck.toml"),
        "exclude = [\"articles/drafts/**\"]\nfail-on = \"never\"\n[checks]\nheadline-unsupported = \"off\"\n",
    )
    .unwrap();
    let nested = articles.join("drafts");
    let out = claimcheck()
        .current_dir(&nested)
        .args(["check", "--format", "short"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    // fail-on = never from the file; the draft is excluded
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout.contains("conflict.md:8:1: error[title-conflict]"),
        "{stdout}"
    );
    assert!(!stdout.contains("draft.md"), "{stdout}");
    // the command line wins over the file
    let out = claimcheck()
        .current_dir(&nested)
        .args(["check", "--format", "short", "--fail-on", "error"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // `claimcheck config` shows what was loaded
    let out = claimcheck()
        .current_dir(&nested)
        .arg("config")
        .output()
        .unwrap();
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(
        shown.contains("claimcheck.toml")
            && shown.contains("fail-on: never")
            && shown.contains("checks.headline-unsupported: off"),
        "{shown}"
    );
    // a broken config is a clear error with the line
    std::fs::write(
        dir.path().join("claimcheck.toml"),
        "fail-on = \"sometimes\"\n",
    )
    .unwrap();
    let out = claimcheck()
        .current_dir(&nested)
        .args(["check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("fail-on: `sometimes` is not error, warning, note or never")
    );
}

#[test]
fn claims_extracted_elsewhere_are_checked_from_json() {
    let dir = tempfile::tempdir().unwrap();
    // the same findings from claimcheck's own extraction, read back
    let extracted = claimcheck()
        .args(["extract", CONFLICT, "--format", "json"])
        .output()
        .unwrap();
    let claims = dir.path().join("claims.json");
    std::fs::write(&claims, &extracted.stdout).unwrap();
    let (code, out, _) = run(&[
        "check",
        "--claims",
        claims.to_str().unwrap(),
        "--format",
        "short",
    ]);
    assert_eq!(code, Some(1));
    let (_, direct, _) = run(&["check", CONFLICT, "--format", "short"]);
    assert_eq!(out, direct);
    // a claim written by another tool: names only, no ids
    let text = std::fs::read_to_string(CONFLICT).unwrap();
    let start = text.find("Defense Secretary").unwrap();
    let doc = serde_json::json!({
        "version": 1,
        "articles": [{
            "path": CONFLICT,
            "date": "2025-02-18",
            "claims": [{
                "kind": "title",
                "person": {"text": "Marco Rubio", "span": {"start": start + 18, "end": start + 29}, "entities": ["Marco Rubio"]},
                "title": {"text": "Defense Secretary", "span": {"start": start, "end": start + 17}, "entities": ["US Secretary of Defense"]},
                "form": "pre-modifier",
                "sentence": {"start": start, "end": start + 29}
            }]
        }]
    });
    std::fs::write(&claims, doc.to_string()).unwrap();
    let (code, out, _) = run(&[
        "check",
        "--claims",
        claims.to_str().unwrap(),
        "--format",
        "short",
    ]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            ":8:1: error[title-conflict]: Marco Rubio was US Secretary of State on 2025-02-18"
        ),
        "{out}"
    );
    // a span outside the article is an error for that file; a bad document is an error
    let mut bad = doc.clone();
    bad["articles"][0]["claims"][0]["title"]["span"]["end"] = serde_json::json!(100_000);
    std::fs::write(&claims, bad.to_string()).unwrap();
    let (code, _, err) = run(&["check", "--claims", claims.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("claim 0: a span does not fit"), "{err}");
    std::fs::write(&claims, "{\"version\": 1, \"articles\": [{\"path\": 3}]}").unwrap();
    let (code, _, err) = run(&["check", "--claims", claims.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(err.contains("claims.json:1:"), "{err}");
}

#[test]
fn sarif_snapshot() {
    let (_, out, _) = run(&["check", CONFLICT, "--format", "sarif"]);
    // the rules' help text is long and covered by docs_checks; keep the results in the snapshot
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&v["runs"][0]["results"]).unwrap());
}

#[test]
fn directories_are_walked_in_order_respecting_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    std::fs::copy(CONFLICT, dir.path().join("b/second.md")).unwrap();
    std::fs::copy(CONFLICT, dir.path().join("a.md")).unwrap();
    std::fs::copy(CONFLICT, dir.path().join("ignored.md")).unwrap();
    std::fs::copy(CONFLICT, dir.path().join("notes.rst")).unwrap();
    std::fs::write(dir.path().join(".gitignore"), "ignored.md\n").unwrap();
    let out = claimcheck()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "short"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let files: Vec<&str> = stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        files,
        ["./a.md", "./a.md", "./b/second.md", "./b/second.md"],
        "{stdout}"
    );
}
