//! `claimcheck rules suggest`: stubs for the people and titles articles name and the rules
//! lack. The fixtures in `fixtures/suggest/` name invented people.

use assert_cmd::Command;

fn suggest(args: &[&str]) -> (String, String, i32) {
    let out = Command::cargo_bin("claimcheck")
        .unwrap()
        .args(["rules", "suggest"])
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn stubs_as_rule_comments() {
    let (out, err, code) = suggest(&["fixtures/suggest"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
    // every line is a comment or blank: nothing is asserted as a fact
    assert!(out.lines().all(|l| l.is_empty() || l.starts_with('#')));
    assert!(err.contains("2 people and 1 titles from 2 files"), "{err}");
}

#[test]
fn stubs_as_json() {
    let (out, _, code) = suggest(&["fixtures/suggest", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["articles"], 2);
    let people = v["people"].as_array().unwrap();
    let names: Vec<&str> = people.iter().map(|p| p["name"].as_str().unwrap()).collect();
    // known people (Marco Rubio) and organizations that speak (the White House) are left out
    assert_eq!(names, ["Olena Marchuk", "Tomas Varga"]);
    let marchuk = &people[0];
    assert_eq!(marchuk["mentions"], 2);
    assert_eq!(marchuk["files"], 2);
    assert_eq!(marchuk["surname_mentions"], 2);
    assert_eq!(marchuk["titles"][0]["title"], "Deputy Prime Minister");
    assert!(marchuk["titles"][0].get("known").is_none());
    let varga = &people[1];
    assert_eq!(varga["titles"][0]["known"][0], "US Secretary of Defense");
    let titles = v["titles"].as_array().unwrap();
    assert_eq!(titles.len(), 1);
    assert_eq!(titles[0]["title"], "Deputy Prime Minister");
    assert_eq!(titles[0]["given_to"][0][0], "Olena Marchuk");
}

#[test]
fn limits_and_thresholds() {
    let (out, _, _) = suggest(&[
        "fixtures/suggest",
        "--format",
        "json",
        "--min-mentions",
        "2",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["people"].as_array().unwrap().len(), 1);
    assert_eq!(v["titles"].as_array().unwrap().len(), 0);
    let (out, _, _) = suggest(&["fixtures/suggest", "--format", "json", "--limit", "1"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["people"][0]["name"], "Olena Marchuk");
    assert_eq!(v["people"].as_array().unwrap().len(), 1);
}

#[test]
fn unreadable_files_are_reported_and_the_others_still_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "fixtures/suggest/second-day.txt",
        dir.path().join("second-day.txt"),
    )
    .unwrap();
    std::fs::write(dir.path().join("binary.txt"), b"PNG\x00\x01").unwrap();
    let (out, err, code) = suggest(&[dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 2);
    assert!(err.contains("binary.txt"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["people"][0]["name"], "Olena Marchuk");
}
