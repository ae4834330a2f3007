//! `claimcheck extract`: JSON snapshots of the claims in the fixture articles, and the
//! command's behaviour on unreadable input.

use assert_cmd::Command;

fn claimcheck() -> Command {
    let mut cmd = Command::cargo_bin("claimcheck").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("COLUMNS");
    cmd
}

fn json_text(args: &[&str]) -> String {
    let out = claimcheck()
        .arg("extract")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&json_text(args)).unwrap()
}

#[test]
fn extract_json_wire_report() {
    insta::assert_snapshot!(json_text(&[
        "fixtures/articles/riyadh-talks-wire.txt",
        "--date",
        "2025-02-18"
    ]));
}

#[test]
fn extract_json_broadsheet() {
    insta::assert_snapshot!(json_text(&["fixtures/articles/lavrov-broadsheet.md"]));
}

#[test]
fn extract_json_ap_style() {
    insta::assert_snapshot!(json_text(&["fixtures/articles/ap-style-summit.md"]));
}

#[test]
fn unknown_names_are_counted() {
    let v = json(&[
        "fixtures/articles/riyadh-talks-wire.txt",
        "fixtures/articles/lavrov-broadsheet.md",
        "fixtures/articles/ap-style-summit.md",
        "--unknown",
    ]);
    let unknown = v["unknown"].as_array().unwrap();
    let palace = unknown
        .iter()
        .find(|u| u["name"] == "Diriyah Palace")
        .expect("Diriyah Palace is not in the default rules");
    assert_eq!(palace["count"], 1);
    assert_eq!(palace["files"], 1);
    // known names are not unknown
    assert!(!unknown.iter().any(|u| u["name"] == "Steve Witkoff"));
    assert_eq!(v["articles"].as_array().unwrap().len(), 3);
}

#[test]
fn unreadable_files_are_reported_and_the_others_still_extracted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("good.txt"),
        "Headline\n\nSecretary of State Marco Rubio spoke.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("binary.txt"), b"PNG\x00\x01\x02").unwrap();
    std::fs::write(dir.path().join("latin1.txt"), b"Caf\xe9 talks\n").unwrap();
    std::fs::write(dir.path().join("empty.md"), "").unwrap();
    let out = claimcheck()
        .arg("extract")
        .arg(dir.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["articles"].as_array().unwrap().len(), 1);
    let errors: Vec<String> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("NUL byte")));
    assert!(errors.iter().any(|e| e.contains("invalid UTF-8 at byte 3")));
    assert!(errors.iter().any(|e| e.contains("empty")));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("3 files could not be read"), "{stderr}");
}
