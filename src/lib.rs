//! claimcheck: a linter for the facts in news articles.
//!
//! Rules written in a small language ([`rules`]) compile into a [`kb::KnowledgeBase`].
//! Everything here is a library; the `claimcheck` binary only parses arguments and maps
//! results to exit codes (see [`cli`]).

// No `unwrap` or `expect` (nor `panic!` or `unreachable!`) on data from outside the
// program: articles, rules, claims JSON, claimcheck.toml and the file system give errors.
// The few left state internal invariants, each with an `#[allow]` that gives its reason;
// `cargo clippy --lib` checks it. Unit tests may unwrap.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable
    )
)]

pub mod article;
pub mod check;
pub mod cli;
pub mod config;
pub mod extract;
pub mod files;
pub mod kb;
pub mod render;
pub mod report;
pub mod rules;
pub mod severity;
pub mod source;
pub mod span;
pub mod stream;
pub mod suggest;
pub mod testing;
pub mod text;
