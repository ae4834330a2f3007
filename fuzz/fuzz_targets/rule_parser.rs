//! Fuzzes rule loading end to end: arbitrary bytes → `rules::load_str` (the `std.rules`
//! prelude, then the input) → on errors, every diagnostic rendered through miette.
//!
//! Besides "does not panic", it checks the invariant that rendering relies on: every span a
//! diagnostic points at (primary and secondary labels) is ordered, lies within its file's
//! text and starts and ends on char boundaries. miette slices the source by these spans, so a
//! span that breaks this either panics while rendering or draws the wrong text.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run rule_parser -- -max_len=4096` (see docs/fuzzing.md).

#![no_main]

use claimcheck::render::{handler, render};
use claimcheck::rules::{RuleErrors, load_str};
use claimcheck::source::Loc;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match load_str("fuzz.rules", &text) {
        Ok(kb) => {
            // Touch the evidence the knowledge base keeps: every fact's rule line.
            for (_, fact) in kb.all_facts() {
                let _ = kb.rule_text(fact.loc);
            }
        }
        Err(errors) => {
            check_spans(&errors);
            let h = handler(false, 80);
            for report in errors.reports() {
                let out = render(&h, &report);
                assert!(!out.is_empty(), "a diagnostic rendered as nothing");
            }
            let _ = errors.short_lines();
        }
    }
});

fn check_spans(errors: &RuleErrors) {
    for d in &errors.diagnostics {
        let locs = d
            .primary
            .iter()
            .map(|l| (l, "primary"))
            .chain(d.secondary.iter().map(|(l, _)| (l, "secondary")));
        for (loc, which) in locs {
            check_loc(errors, loc, which, d.code, &d.message);
        }
    }
}

fn check_loc(errors: &RuleErrors, loc: &Loc, which: &str, code: &str, message: &str) {
    assert!(
        (loc.file.0 as usize) < errors.sources.len(),
        "{which} span of [{code}] {message:?} names file {} of {}",
        loc.file.0,
        errors.sources.len()
    );
    let file = errors.sources.get(loc.file);
    let text = file.text();
    let (start, end) = (loc.span.start as usize, loc.span.end as usize);
    assert!(
        start <= end,
        "{which} span {start}..{end} of [{code}] {message:?} in {} is reversed",
        file.name()
    );
    assert!(
        end <= text.len(),
        "{which} span {start}..{end} of [{code}] {message:?} in {} ends past the text ({} bytes)",
        file.name(),
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{which} span {start}..{end} of [{code}] {message:?} in {} splits a character",
        file.name()
    );
}
