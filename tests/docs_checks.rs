//! `docs/checks.md` is generated from the checks' doc comments. This test keeps it in sync:
//! it fails when the file is stale, and rewrites it when run with `UPDATE_DOCS=1`.

use claimcheck::check::{CHECKS, documentation};

fn generated() -> String {
    let mut out = String::from(
        "# Checks\n\n<!-- Generated from the doc comments in src/check/ by tests/docs_checks.rs. \
         Do not edit by hand: run `UPDATE_DOCS=1 cargo test --test docs_checks`. -->\n\n",
    );
    out.push_str("| check | default |\n|---|---|\n");
    for check in CHECKS {
        out.push_str(&format!(
            "| [`{0}`](#{0}) | {1} |\n",
            check.name, check.default_severity
        ));
    }
    for check in CHECKS {
        out.push_str(&format!(
            "\n## {}\n\nDefault severity: {}.\n\n",
            check.name, check.default_severity
        ));
        // the doc's own headings move down two levels under the check's heading
        for line in documentation(check).lines() {
            if line.starts_with("## ") {
                out.push_str(&format!("##{line}\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn docs_checks_md_is_generated_from_the_doc_comments() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/checks.md");
    let want = generated();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/checks.md is stale: run `UPDATE_DOCS=1 cargo test --test docs_checks`"
    );
}

#[test]
fn every_check_documents_the_four_sections() {
    for check in CHECKS {
        let doc = documentation(check);
        for section in [
            "## What it finds",
            "## Why",
            "## Example",
            "## How to silence it",
        ] {
            assert!(doc.contains(section), "{} lacks {section}", check.name);
        }
    }
}
