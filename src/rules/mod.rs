//! The rule language: syntax tree, parser, compiler, loader and diagnostics.
//!
//! `load` is the entry point: it reads the prelude and the selected rule files, follows
//! imports, and compiles everything into a [`crate::kb::KnowledgeBase`], or returns every
//! problem found as [`RuleErrors`].

pub mod ast;
mod compile;
pub mod diagnostic;
pub mod load;
pub mod parser;
pub mod suggest;

pub use diagnostic::{RuleDiagnostic, RuleErrors};
pub use load::{RuleSelection, load, load_cached, load_str};
