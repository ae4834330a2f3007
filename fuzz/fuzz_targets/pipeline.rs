//! Fuzzes the whole pipeline: an arbitrary article (Markdown or plain text, chosen by the
//! first byte) against a small fixed knowledge base (`fixtures/rules/valid/`), through
//! extraction, every check and suppression, and every output format.
//!
//! Besides "does not panic": the article, the extraction and the findings keep their span
//! invariants (tests/support/invariants.rs: char boundaries, inside the file, line and column
//! matching the byte offset); the JSON report parses back and has one finding per finding;
//! the SARIF report parses and follows the SARIF 2.1.0 rules checked in
//! `invariants::check_sarif`; the human, short and GitHub renderers write something.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run pipeline -- -max_len=8192` (docs/fuzzing.md).

#![no_main]

use std::sync::OnceLock;

use claimcheck::article::{Article, Format};
use claimcheck::check::{CheckSettings, Context, run_checks};
use claimcheck::extract::Extractor;
use claimcheck::kb::KnowledgeBase;
use claimcheck::kb::time::FactDate;
use claimcheck::report::{FileReport, Github, Human, Json, Renderer, RunReport, Sarif, Short};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/invariants.rs"]
mod invariants;

const PLACES: &str = include_str!("../../fixtures/rules/valid/places.rules");
const WORLD: &str = include_str!("../../fixtures/rules/valid/world.rules");

fn kb() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        // load_str does not follow imports: put the imported file first.
        let text = format!("{PLACES}\n{}", WORLD.replace("use \"places.rules\"", ""));
        match claimcheck::rules::load_str("fuzz-kb.rules", &text) {
            Ok(kb) => kb,
            Err(e) => panic!("the fuzz knowledge base does not compile: {:?}", e.short_lines()),
        }
    })
}

fn extractor() -> &'static Extractor<'static> {
    static X: OnceLock<Extractor<'static>> = OnceLock::new();
    X.get_or_init(|| Extractor::new(kb()))
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let (format, path) = if choice & 1 == 0 {
        (Format::Markdown, "fuzz article.md")
    } else {
        (Format::Text, "fuzz article.txt")
    };
    // Half the inputs are judged at a fixed date, half at the article's own (if any).
    let date = (choice & 2 == 0).then(|| FactDate::parse("2025-02-20").ok()).flatten();
    let Ok(article) = Article::from_bytes(path, format, bytes.to_vec()) else {
        return;
    };
    invariants::check_article(&article);
    let kb = kb();
    let extraction = extractor().extract(&article, date);
    invariants::check_extraction(&article, &extraction);
    let cx = Context {
        kb,
        article: &article,
        extraction: &extraction,
    };
    let findings = run_checks(&cx, &CheckSettings::default());
    invariants::check_findings(&article, kb, &findings);
    let count = findings.len();
    let run = RunReport {
        kb,
        files: vec![FileReport { article, findings }],
        errors: Vec::new(),
    };

    let mut json = Vec::new();
    Json.render(&run, &mut json).expect("JSON renders into a Vec");
    let doc: serde_json::Value = serde_json::from_slice(&json).expect("the JSON report parses back");
    assert_eq!(doc["version"], 1);
    assert_eq!(
        doc["findings"].as_array().map(Vec::len),
        Some(count),
        "one JSON finding per finding"
    );

    let mut sarif = Vec::new();
    Sarif.render(&run, &mut sarif).expect("SARIF renders into a Vec");
    let doc: serde_json::Value = serde_json::from_slice(&sarif).expect("the SARIF report parses");
    invariants::check_sarif(&doc);
    assert_eq!(
        doc["runs"][0]["results"].as_array().map(Vec::len),
        Some(count),
        "one SARIF result per finding"
    );

    for (name, renderer) in [
        ("human", &Human { color: false, width: 80 } as &dyn Renderer),
        ("short", &Short),
        ("github", &Github),
    ] {
        let mut out = Vec::new();
        renderer.render(&run, &mut out).expect("renders into a Vec");
        assert!(count == 0 || !out.is_empty(), "{name}: findings rendered as nothing");
    }
});
