//! Fuzzes the article reader: arbitrary bytes → `Article::from_bytes` as Markdown or plain
//! text (the first byte chooses) → the invariants of a read article.
//!
//! Bytes that are not an article (NUL, invalid UTF-8, UTF-16, empty) must be refused with
//! an error, never a panic. A read article must keep its promises: the prose mask has the
//! text's length and only blanks bytes (line breaks kept); blocks are sorted; sentences lie
//! inside their blocks without overlapping; every span (blocks, sentences, comments, the
//! date) lies on character boundaries inside the text; and the line and column of every
//! span end agree with a naive count (tests/support/invariants.rs).
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run article_reader -- -max_len=8192` (docs/fuzzing.md).

#![no_main]

use claimcheck::article::{Article, Format};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let format = if choice & 1 == 0 {
        Format::Markdown
    } else {
        Format::Text
    };
    match Article::from_bytes("fuzz", format, bytes.to_vec()) {
        Ok(article) => invariants::check_article(&article),
        Err(e) => assert!(!e.to_string().is_empty(), "an empty read error"),
    }
});
