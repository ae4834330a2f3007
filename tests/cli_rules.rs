//! End-to-end tests of `claimcheck rules check` and `claimcheck rules dump`: exit codes,
//! output formats and colour handling, run against the built binary.

use std::process::Output;

use assert_cmd::Command;

const MANY_ERRORS: &str = "fixtures/rules/invalid/many-errors.rules";
const BAD_DATE: &str = "fixtures/rules/invalid/bad-date.rules";

/// The binary, run from the crate root (fixture paths are relative to it) with a fixed width
/// and no colour preferences inherited from the environment.
fn claimcheck() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("claimcheck");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("COLUMNS", "100")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR");
    cmd
}

fn run(cmd: &mut Command, args: &[&str]) -> Output {
    cmd.args(args).output().expect("claimcheck runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}

fn has_ansi(text: &str) -> bool {
    text.contains("\u{1b}[")
}

#[test]
fn check_with_no_paths_accepts_the_embedded_rules() {
    let output = run(&mut claimcheck(), &["rules", "check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    assert!(
        stderr(&output).starts_with("rules: ok: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_accepts_the_rules_directory_with_its_prelude_on_disk() {
    // `rules/std.rules` is among the paths: it is the prelude, not a second copy of it
    let out = run(&mut claimcheck(), &["rules", "check", "rules/"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("rules: ok"), "{}", stderr(&out));
    // the same prelude given twice is loaded once
    let out = run(
        &mut claimcheck(),
        &[
            "rules",
            "check",
            "rules/std.rules",
            "rules/std.rules",
            "fixtures/rules/valid",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "the same file is loaded once");
}

#[test]
fn check_accepts_the_valid_fixtures() {
    let output = run(
        &mut claimcheck(),
        &["rules", "check", "fixtures/rules/valid"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stderr(&output).starts_with("rules: ok: 3 files, "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn check_rejects_an_invalid_file_with_exit_2_and_its_location() {
    let output = run(
        &mut claimcheck(),
        &["--color", "never", "rules", "check", BAD_DATE],
    );
    assert_eq!(output.status.code(), Some(2));
    let out = stdout(&output);
    assert!(
        out.contains("fixtures/rules/invalid/bad-date.rules:4:6"),
        "{out}"
    );
    assert!(out.contains("rules::syntax"), "{out}");
    assert_eq!(stderr(&output), "rules: 1 error in 1 file\n");
}

#[test]
fn check_reports_every_file_at_once() {
    let output = run(
        &mut claimcheck(),
        &[
            "--color",
            "never",
            "rules",
            "check",
            "fixtures/rules/valid/places.rules",
            "fixtures/rules/invalid/unterminated-string.rules",
            "fixtures/rules/invalid/does-not-exist.rules",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let out = stdout(&output);
    assert!(
        out.contains("fixtures/rules/invalid/unterminated-string.rules:2:26"),
        "{out}"
    );
    assert!(out.contains("unterminated string"), "{out}");
    assert!(
        out.contains("cannot read fixtures/rules/invalid/does-not-exist.rules: no such file"),
        "{out}"
    );
    assert!(out.contains("rules::io"), "{out}");
    assert!(
        stderr(&output).starts_with("rules: 2 errors in "),
        "{}",
        stderr(&output)
    );

    // The same in short form: one line per error, the unreadable path first.
    let output = run(
        &mut claimcheck(),
        &[
            "rules",
            "check",
            "--format",
            "short",
            "fixtures/rules/valid/places.rules",
            "fixtures/rules/invalid/unterminated-string.rules",
            "fixtures/rules/invalid/does-not-exist.rules",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stdout(&output),
        "error[rules::io]: cannot read fixtures/rules/invalid/does-not-exist.rules: no such file\n\
         fixtures/rules/invalid/unterminated-string.rules:2:26: error[rules::syntax]: \
         unterminated string\n"
    );
}

#[test]
fn check_of_a_directory_reports_errors_in_every_file() {
    let output = run(
        &mut claimcheck(),
        &[
            "rules",
            "check",
            "--format",
            "short",
            "fixtures/rules/invalid",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let out = stdout(&output);
    for stem in [
        "bad-date",
        "many-errors",
        "missing-import",
        "unknown-keyword",
        "unterminated-string",
    ] {
        let path = format!("fixtures/rules/invalid/{stem}.rules:");
        assert!(out.lines().any(|l| l.starts_with(&path)), "{stem}: {out}");
    }
}

/// `path:line:col: error[code]: message`, split into its parts.
fn parse_short_line(line: &str) -> (&str, u32, u32, &str, &str) {
    let (location, rest) = line
        .split_once(": error[")
        .unwrap_or_else(|| panic!("no `: error[` in {line:?}"));
    let (code, message) = rest
        .split_once("]: ")
        .unwrap_or_else(|| panic!("no `]: ` in {line:?}"));
    let mut parts = location.rsplitn(3, ':');
    let column = parts.next().and_then(|c| c.parse().ok()).expect("column");
    let line_no = parts.next().and_then(|l| l.parse().ok()).expect("line");
    let path = parts.next().expect("path");
    (path, line_no, column, code, message)
}

#[test]
fn short_format_gives_one_line_per_error() {
    let output = run(
        &mut claimcheck(),
        &["rules", "check", "--format", "short", MANY_ERRORS],
    );
    assert_eq!(output.status.code(), Some(2));
    let out = stdout(&output);
    assert!(!has_ansi(&out));
    let parsed: Vec<_> = out.lines().map(parse_short_line).collect();
    let summary: Vec<(u32, u32, &str)> = parsed.iter().map(|p| (p.1, p.2, p.3)).collect();
    assert_eq!(
        summary,
        [
            (7, 38, "rules::syntax"),
            (9, 1, "rules::unknown-kind"),
            (11, 18, "rules::unknown-entity"),
            (14, 3, "rules::unknown-relation"),
            (16, 10, "rules::kind-mismatch"),
        ]
    );
    assert!(parsed.iter().all(|p| p.0 == MANY_ERRORS));
    assert!(parsed.iter().all(|p| !p.4.is_empty()));
    assert_eq!(stderr(&output), "rules: 5 errors in 1 file\n");
    insta::assert_snapshot!("check_short_many_errors", out);
}

#[test]
fn human_format_snapshot() {
    let output = run(
        &mut claimcheck(),
        &["--color", "never", "rules", "check", MANY_ERRORS],
    );
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("check_human_many_errors", stdout(&output));
}

#[test]
fn too_many_errors_are_counted_not_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sixty.rules");
    let text: String = (0..60).map(|n| format!("persn \"Person {n}\"\n")).collect();
    std::fs::write(&path, text).expect("write");
    let path = path.to_str().expect("UTF-8 temp path");
    let output = run(
        &mut claimcheck(),
        &["rules", "check", "--format", "short", path],
    );
    assert_eq!(output.status.code(), Some(2));
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 51, "{out}");
    assert_eq!(lines[50], "... and 10 more errors not shown");
    assert_eq!(stderr(&output), "rules: 60 errors in 1 file\n");
}

#[test]
fn dump_prints_the_knowledge_base_as_json() {
    let output = run(&mut claimcheck(), &["rules", "dump", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("dump is valid JSON");
    assert_eq!(json["version"], 1);
    let entities = json["entities"].as_array().expect("entities array");
    let rubio = entities
        .iter()
        .find(|e| e["name"] == "Marco Rubio")
        .expect("Marco Rubio in the dump");
    assert_eq!(rubio["kind"], "person");
    assert!(
        rubio["aliases"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "Rubio"))
    );
    let holds: Vec<&str> = rubio["facts"]
        .as_array()
        .expect("facts")
        .iter()
        .filter(|f| f["relation"] == "holds")
        .filter_map(|f| f["value"].as_str())
        .collect();
    assert!(holds.contains(&"US Secretary of State"), "{holds:?}");
}

#[test]
fn dump_of_the_valid_fixtures_keeps_dates_and_denials() {
    let output = run(
        &mut claimcheck(),
        &["rules", "dump", "fixtures/rules/valid/world.rules"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        json["files"],
        serde_json::json!([
            "<builtin>/std.rules",
            "fixtures/rules/valid/world.rules",
            "fixtures/rules/valid/places.rules"
        ])
    );
    let entities = json["entities"].as_array().expect("entities");
    let dmitriev = entities
        .iter()
        .find(|e| e["name"] == "Kirill Dmitriev")
        .expect("Dmitriev");
    assert_eq!(dmitriev["facts"][0]["from"], "2011");
    let known_false = json["known_false"].as_array().expect("known_false");
    assert!(known_false.iter().any(|f| f["subject"] == "Ukraine"
        && f["relation"] == "member_of"
        && f["value"] == "NATO"));
}

#[test]
fn dump_of_invalid_rules_reports_on_stderr_and_exits_2() {
    let output = run(
        &mut claimcheck(),
        &["--color", "never", "rules", "dump", BAD_DATE],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let err = stderr(&output);
    assert!(
        err.contains("fixtures/rules/invalid/bad-date.rules:4:6"),
        "{err}"
    );
    assert!(err.ends_with("rules: 1 error in 1 file\n"), "{err}");
}

#[test]
fn color_never_has_no_escapes_and_always_has_them() {
    let never = run(
        &mut claimcheck(),
        &["--color", "never", "rules", "check", BAD_DATE],
    );
    assert!(!has_ansi(&stdout(&never)), "{}", stdout(&never));
    let always = run(
        &mut claimcheck(),
        &["--color", "always", "rules", "check", BAD_DATE],
    );
    assert!(has_ansi(&stdout(&always)), "{}", stdout(&always));
    // `always` wins over NO_COLOR.
    let forced = run(
        claimcheck().env("NO_COLOR", "1"),
        &["--color", "always", "rules", "check", BAD_DATE],
    );
    assert!(has_ansi(&stdout(&forced)));
}

#[test]
fn no_color_with_auto_has_no_escapes() {
    let output = run(
        claimcheck().env("NO_COLOR", "1"),
        &["--color", "auto", "rules", "check", BAD_DATE],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(!has_ansi(&stdout(&output)));
    assert!(!has_ansi(&stderr(&output)));
    // `auto` is the default; stdout is a pipe here, so no colour either way.
    let output = run(&mut claimcheck(), &["rules", "check", BAD_DATE]);
    assert!(!has_ansi(&stdout(&output)));
}

#[test]
fn check_help_mentions_exit_codes() {
    let output = run(&mut claimcheck(), &["rules", "check", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    assert!(help.contains("Exits 0"), "{help}");
    assert!(help.contains("2 when any file has an error"), "{help}");
    assert!(help.contains("--format"), "{help}");
}

#[test]
fn usage_errors_exit_2() {
    let output = run(
        &mut claimcheck(),
        &["rules", "check", "--format", "bogus", BAD_DATE],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--format"), "{}", stderr(&output));
}
