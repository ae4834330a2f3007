//! The bad-input suite: every odd input gets a clear answer, never a panic or a hang, and
//! one bad file never stops the others from being checked.
//!
//! Table-driven: each case writes its input into a fresh temporary directory (nothing large
//! is committed; the 200 MB article is a sparse file), runs the binary, and states the exit
//! code and a fragment of the message. Article cases run together with `good.md`, an article
//! with one known finding, and (unless the case says otherwise) require that finding in the
//! output: the other files are still checked.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;

/// An article with exactly one finding against the fixture rules.
const GOOD: &str = "---\ndate: 2025-02-18\n---\n\nSecretary of State Antony Blinken met Sergey Lavrov in Riyadh.\n";
/// The short-format line of that finding.
const GOOD_FINDING: &str = "good.md:5:1: error[title-conflict]";

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/valid")
}

fn claimcheck() -> Command {
    let mut cmd = Command::cargo_bin("claimcheck").expect("the claimcheck binary is built");
    cmd.env_remove("NO_COLOR").env("COLUMNS", "100");
    cmd
}

/// `check` of `paths` (and good.md) against the fixture rules, in the short format.
fn check_args(dir: &Path, paths: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "check",
        "--no-config",
        "--format",
        "short",
        "--no-default-rules",
        "--rules",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(rules_dir().join("world.rules").display().to_string());
    args.extend(paths.iter().map(|p| dir.join(p).display().to_string()));
    args.push(dir.join("good.md").display().to_string());
    args
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), bytes).expect("write the input");
}

struct Case {
    name: &'static str,
    /// Writes the input into the directory and returns the command line.
    input: fn(&Path) -> Vec<String>,
    exit: i32,
    /// Found in stdout or stderr.
    message: &'static str,
    /// Whether good.md's finding must be in the output.
    others_checked: bool,
}

fn article_case(
    name: &'static str,
    input: fn(&Path) -> Vec<String>,
    exit: i32,
    message: &'static str,
) -> Case {
    Case {
        name,
        input,
        exit,
        message,
        others_checked: true,
    }
}

fn rules_case(name: &'static str, input: fn(&Path) -> Vec<String>, message: &'static str) -> Case {
    Case {
        name,
        input,
        exit: 2,
        message,
        others_checked: false,
    }
}

/// Filler prose: sentences without claims, `n` bytes or a little more, on one line.
fn filler(n: usize) -> String {
    let sentence = "The talks went on for hours and nobody said much. ";
    sentence.repeat(n / sentence.len() + 1)
}

fn cases() -> Vec<Case> {
    vec![
        // ---- byte-level damage
        article_case(
            "invalid UTF-8 in the middle",
            |d| {
                let mut bytes = b"# Talks\n\nRubio met Lavrov ".to_vec();
                bytes.extend([0xC3, 0x28, 0xFF]);
                bytes.extend(b" in Riyadh.\n");
                write(d, "bad.md", bytes);
                check_args(d, &["bad.md"])
            },
            2,
            "bad.md: invalid UTF-8 at byte 26",
        ),
        article_case(
            "UTF-16 with a byte-order mark",
            |d| {
                let mut bytes = vec![0xFF, 0xFE];
                for unit in "Rubio met Lavrov.\n".encode_utf16() {
                    bytes.extend(unit.to_le_bytes());
                }
                write(d, "utf16.md", bytes);
                check_args(d, &["utf16.md"])
            },
            2,
            "utf16.md: the file is UTF-16; convert it to UTF-8",
        ),
        article_case(
            "UTF-16 big-endian with a byte-order mark",
            |d| {
                let mut bytes = vec![0xFE, 0xFF];
                for unit in "Rubio met Lavrov.\n".encode_utf16() {
                    bytes.extend(unit.to_be_bytes());
                }
                write(d, "utf16be.txt", bytes);
                check_args(d, &["utf16be.txt"])
            },
            2,
            "utf16be.txt: the file is UTF-16",
        ),
        article_case(
            "PNG bytes",
            |d| {
                let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";
                write(d, "image.md", png);
                check_args(d, &["image.md"])
            },
            2,
            "image.md: binary file (NUL byte at byte 8), not an article",
        ),
        article_case(
            "NUL bytes in text",
            |d| {
                write(d, "nul.txt", b"Rubio met Lavrov.\0\0\0 In Riyadh.\n");
                check_args(d, &["nul.txt"])
            },
            2,
            "nul.txt: binary file (NUL byte at byte 17)",
        ),
        article_case(
            "an empty file",
            |d| {
                write(d, "empty.md", b"");
                check_args(d, &["empty.md"])
            },
            2,
            "empty.md: the file is empty",
        ),
        article_case(
            "only white space",
            |d| {
                write(d, "blank.md", " \n\t\r\n   \u{a0}\n");
                check_args(d, &["blank.md"])
            },
            2,
            "blank.md: the file has only white space",
        ),
        // ---- pathological size
        article_case(
            "a 200 MB article (sparse) over the default limit",
            |d| {
                let f = std::fs::File::create(d.join("huge.md")).expect("create");
                f.set_len(200 * 1024 * 1024).expect("set_len");
                check_args(d, &["huge.md"])
            },
            2,
            "huge.md: the file is 209715200 bytes, over the limit of 67108864 bytes (see --max-file-size)",
        ),
        article_case(
            "an article over a lowered --max-file-size",
            |d| {
                write(d, "small.md", filler(2000));
                let mut args = check_args(d, &["small.md"]);
                args.extend(["--max-file-size".into(), "1000".into()]);
                args
            },
            2,
            "over the limit of 1000 bytes",
        ),
        article_case(
            "a single 5 MB line, a finding at its end",
            |d| {
                // front matter, then one line: 5 MB of prose and a title conflict at the end
                let mut text = "---\ndate: 2025-02-18\n---\n".to_string();
                text.push_str(&filler(5 * 1024 * 1024));
                text.push_str("Secretary of State Antony Blinken left.\n");
                write(d, "long-line.md", text);
                check_args(d, &["long-line.md"])
            },
            1,
            // 4th line; the column is the filler's length in characters + 1
            "long-line.md:4:5242901: error[title-conflict]",
        ),
        article_case(
            "100,000 straight quotation marks",
            |d| {
                write(
                    d,
                    "quotes.md",
                    format!("# Quotes\n\n{}\n", "\"".repeat(100_000)),
                );
                check_args(d, &["quotes.md"])
            },
            1,
            "in 2 files",
        ),
        article_case(
            "100,000 quotation marks around words, one sentence",
            |d| {
                let text = "Lavrov said \u{201c}no\u{201d} and ".repeat(50_000);
                write(
                    d,
                    "quoted-words.txt",
                    format!("Quotes Everywhere Today\n\n{text}\n"),
                );
                check_args(d, &["quoted-words.txt"])
            },
            1,
            "in 2 files",
        ),
        article_case(
            "1,000 levels of block quotes",
            |d| {
                let text = format!("{}Antony Blinken spoke.\n", "> ".repeat(1000));
                write(d, "deep-quotes.md", text);
                check_args(d, &["deep-quotes.md"])
            },
            1,
            "in 2 files",
        ),
        article_case(
            "1,000 levels of nested lists",
            |d| {
                let text: String = (0..1000)
                    .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
                    .collect();
                write(d, "deep-lists.md", text);
                check_args(d, &["deep-lists.md"])
            },
            1,
            "in 2 files",
        ),
        article_case(
            "1,000 list markers on one line",
            |d| {
                write(d, "deep-line.md", format!("{}Lavrov\n", "- ".repeat(1000)));
                check_args(d, &["deep-line.md"])
            },
            1,
            "in 2 files",
        ),
        article_case(
            "10,000 headings, a finding under the last",
            |d| {
                let mut text = "---\ndate: 2025-02-18\n---\n".to_string();
                for i in 0..10_000 {
                    text.push_str(&format!("# Heading number {i}\n\n"));
                }
                text.push_str("Secretary of State Antony Blinken left.\n");
                write(d, "headings.md", text);
                check_args(d, &["headings.md"])
            },
            1,
            // 3 lines of front matter, 2 lines per heading
            "headings.md:20004:1: error[title-conflict]",
        ),
        // ---- found by fuzzing (fuzz/fuzz_targets/article_reader.rs)
        article_case(
            "a plain-text line `<!--->`, whose comment marks overlap (panicked)",
            |d| {
                write(d, "marks.txt", "Talks in Riyadh\n\n<!--->\nLavrov spoke.\n");
                check_args(d, &["marks.txt"])
            },
            1,
            "in 2 files",
        ),
        // ---- line endings
        article_case(
            "CRLF line endings",
            |d| {
                let text =
                    GOOD.replace('\n', "\r\n") + "\r\nSecretary of State Antony Blinken left.\r\n";
                write(d, "crlf.md", text);
                check_args(d, &["crlf.md"])
            },
            1,
            "crlf.md:7:1: error[title-conflict]",
        ),
        article_case(
            "lone CR line endings",
            |d| {
                let text =
                    GOOD.replace('\n', "\r") + "\rSo, Secretary of State Antony Blinken left.\r";
                write(d, "cr.md", text);
                check_args(d, &["cr.md"])
            },
            1,
            "cr.md:7:5: error[title-conflict]",
        ),
        // ---- filesystem trouble
        article_case(
            "a directory symlink loop",
            |d| {
                std::fs::create_dir(d.join("articles")).expect("mkdir");
                write(d, "articles/fine.md", "Lavrov spoke.\n");
                symlink(Path::new(".."), &d.join("articles/up"));
                check_args(d, &["articles"])
            },
            2,
            "symlink loop",
        ),
        article_case(
            "a symlink to itself among readable files",
            |d| {
                std::fs::create_dir(d.join("articles")).expect("mkdir");
                write(d, "articles/fine.md", "Lavrov spoke.\n");
                symlink(Path::new("self.md"), &d.join("articles/self.md"));
                check_args(d, &["articles", "articles/self.md"])
            },
            2,
            "self.md: cannot read through a symbolic link",
        ),
        article_case(
            "a dangling symlink",
            |d| {
                symlink(Path::new("gone.md"), &d.join("dangling.md"));
                check_args(d, &["dangling.md"])
            },
            2,
            "dangling.md: cannot read through a symbolic link",
        ),
        article_case(
            "a path that does not exist",
            |d| check_args(d, &["missing.md"]),
            2,
            "missing.md: no such file or directory",
        ),
        article_case(
            "a named pipe named on the command line",
            |d| {
                let fifo = d.join("pipe.md");
                let made = StdCommand::new("mkfifo").arg(&fifo).status();
                assert!(made.is_ok_and(|s| s.success()), "mkfifo");
                check_args(d, &["pipe.md"])
            },
            2,
            "pipe.md: not a regular file",
        ),
        article_case(
            "a directory named like an article",
            |d| {
                std::fs::create_dir(d.join("folder.md")).expect("mkdir");
                write(d, "folder.md/inside.md", "Lavrov spoke.\n");
                check_args(d, &["folder.md/inside.md", "folder.md"])
            },
            1,
            "in 2 files",
        ),
        // ---- broken rules
        rules_case(
            "a rule file importing itself",
            |d| {
                write(d, "self.rules", "use \"self.rules\"\nperson \"A B\"\n");
                rules_check(d, &["self.rules"])
            },
            "import cycle: ",
        ),
        rules_case(
            "an import chain 500 deep",
            |d| {
                for i in 0..500 {
                    write(
                        d,
                        &format!("r{i}.rules"),
                        format!("use \"r{}.rules\"\nperson \"Person {i}\"\n", i + 1),
                    );
                }
                write(d, "r500.rules", "person \"Last Person\"\n");
                rules_check(d, &["r0.rules"])
            },
            "imports are nested more than 64 deep",
        ),
        rules_case(
            "a 50 MB rule file with one error at its end",
            |d| {
                // 50 MiB of 64-byte comment lines that the parser must still go through
                let line = "# a comment line, as a generated knowledge base has them ......\n";
                assert_eq!(line.len(), 64);
                let mut text = line.repeat(50 * 1024 * 1024 / 64);
                text.push_str("person \"Unclosed\n");
                write(d, "big.rules", text);
                rules_check(d, &["big.rules"])
            },
            // 819,200 comment lines, then the error
            "big.rules:819201:8: error[rules::syntax]: unterminated string",
        ),
        rules_case(
            "a rule file over the 1 GiB limit (sparse)",
            |d| {
                let f = std::fs::File::create(d.join("huge.rules")).expect("create");
                f.set_len((1 << 30) + 1).expect("set_len");
                rules_check(d, &["huge.rules"])
            },
            "huge.rules: the file is over the limit of 1073741824 bytes",
        ),
        rules_case(
            "a rule file with 10,000 errors",
            |d| {
                write(d, "errors.rules", "person\n".repeat(10_000));
                rules_check(d, &["errors.rules"])
            },
            "... and 9950 more errors not shown",
        ),
    ]
}

fn symlink(target: &Path, link: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink(target, link).expect("symlink");
    #[cfg(not(unix))]
    let _ = (target, link);
}

fn rules_check(dir: &Path, files: &[&str]) -> Vec<String> {
    let mut args = vec![
        "rules".to_string(),
        "check".into(),
        "--format".into(),
        "short".into(),
    ];
    args.extend(files.iter().map(|f| dir.join(f).display().to_string()));
    args
}

#[test]
fn every_bad_input_gets_a_clear_answer() {
    let mut failures = Vec::new();
    for case in cases() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "good.md", GOOD);
        let args = (case.input)(dir.path());
        let output = claimcheck()
            .current_dir(dir.path())
            .args(&args)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .expect("run claimcheck");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let both = format!("{stdout}{stderr}");
        let mut problems = Vec::new();
        if output.status.code() != Some(case.exit) {
            problems.push(format!(
                "exit {:?}, expected {}",
                output.status.code(),
                case.exit
            ));
        }
        if !both.contains(case.message) {
            problems.push(format!("no `{}` in the output", case.message));
        }
        if case.others_checked && !stdout.contains(GOOD_FINDING) {
            problems.push("good.md was not checked".to_string());
        }
        if both.contains("panicked") || both.contains("RUST_BACKTRACE") {
            problems.push("a panic".to_string());
        }
        if !problems.is_empty() {
            let shown: String = both.chars().take(1500).collect();
            failures.push(format!(
                "{}: {}\n--- output:\n{shown}",
                case.name,
                problems.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn ten_thousand_rule_errors_show_the_first_fifty_then_a_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "errors.rules", "person\n".repeat(10_000));
    for format in ["short", "human"] {
        let output = claimcheck()
            .args(["rules", "check", "--format", format])
            .arg(dir.path().join("errors.rules"))
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(2));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stdout.matches("rules::syntax").count(),
            50,
            "{format}: 50 errors rendered"
        );
        assert!(
            stdout
                .trim_end()
                .ends_with("... and 9950 more errors not shown"),
            "{format}: then a count"
        );
        assert!(stderr.contains("rules: 10000 errors in 1 file"), "{stderr}");
    }
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_among_readable_ones() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "good.md", GOOD);
    write(dir.path(), "locked.md", "Lavrov spoke.\n");
    let locked = dir.path().join("locked.md");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let output = claimcheck()
        .args(check_args(dir.path(), &["locked.md"]))
        .output()
        .expect("run");
    if std::fs::read(&locked).is_ok() {
        // root reads a file with mode 000 (the symlink cases in the table cover unreadable
        // files for every user): then it is simply checked with the others
        assert_eq!(output.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&output.stderr).contains("in 2 files"));
        assert!(String::from_utf8_lossy(&output.stdout).contains(GOOD_FINDING));
        return;
    }
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("locked.md: permission denied"));
    assert!(String::from_utf8_lossy(&output.stdout).contains(GOOD_FINDING));
}

/// A reader that goes away (`claimcheck ... | head -1`): the run stops quietly, with no
/// error message and no panic.
#[test]
fn a_closed_stdout_exits_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    // enough findings that the output overflows any pipe buffer
    let body = "Secretary of State Antony Blinken left.\n\n".repeat(5_000);
    write(
        dir.path(),
        "many.md",
        format!("---\ndate: 2025-02-18\n---\n\n{body}"),
    );
    write(dir.path(), "good.md", GOOD);
    for format in ["short", "human", "json", "sarif", "github"] {
        let mut args = check_args(dir.path(), &["many.md"]);
        args[3] = format.to_string();
        let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("claimcheck"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // close the reading end before the child writes
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{format}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("error"),
            "{format}: quiet, got {stderr}"
        );
    }
}

/// `check --stdin-jsonl` against the fixture rules.
fn stream_args() -> Vec<String> {
    vec![
        "check".into(),
        "--no-config".into(),
        "--stdin-jsonl".into(),
        "--no-default-rules".into(),
        "--rules".into(),
        rules_dir().join("world.rules").display().to_string(),
    ]
}

fn stream_line(path: &str, text: &str) -> String {
    serde_json::json!({"path": path, "text": text, "date": "2025-02-18"}).to_string()
}

#[test]
fn stdin_jsonl_reports_malformed_lines_and_the_stream_goes_on() {
    let input = [
        stream_line("first.md", GOOD),
        "{\"path\": \"broken.md\", \"text\": ".to_string(),
        "[1, 2, 3]".to_string(),
        "\u{FFFD} not json at all".to_string(),
        stream_line("last.md", GOOD),
    ]
    .join("\n");
    let output = claimcheck()
        .args(stream_args())
        .write_stdin(input)
        .output()
        .expect("claimcheck runs");
    assert_eq!(output.status.code(), Some(2));
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every output line is a JSON record"))
        .collect();
    let of = |kind: &str| -> Vec<&serde_json::Value> {
        records.iter().filter(|r| r["type"] == kind).collect()
    };
    let error_lines: Vec<u64> = of("error")
        .iter()
        .map(|e| e["line"].as_u64().expect("an error names its line"))
        .collect();
    assert_eq!(error_lines, [2, 3, 4]);
    // the lines after the bad ones were still checked
    let finding_paths: Vec<&str> = of("finding")
        .iter()
        .map(|f| f["path"].as_str().expect("a finding names its path"))
        .collect();
    assert_eq!(finding_paths, ["first.md", "last.md"]);
    assert_eq!(of("summary").len(), 1);
}

#[test]
fn stdin_jsonl_with_a_closed_stdout_exits_quietly() {
    use std::io::Write as _;
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("claimcheck"))
        .args(stream_args())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let line = stream_line("good.md", GOOD) + "\n";
    // enough lines for several batches; the writer may see the pipe close early
    for _ in 0..3000 {
        if stdin.write_all(line.as_bytes()).is_err() {
            break;
        }
    }
    drop(stdin);
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
