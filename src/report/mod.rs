//! Rendering findings: one renderer per output format behind one trait, as in typos and
//! ripgrep. Findings are data; nothing here decides what is a finding.

mod github;
mod human;
pub(crate) mod json;
mod sarif;
mod short;

use std::io::{self, Write};

pub use github::Github;
pub use human::Human;
pub use json::Json;
pub use sarif::Sarif;
pub use short::Short;

use crate::article::Article;
use crate::check::Finding;
use crate::files::FileError;
use crate::kb::KnowledgeBase;
use crate::severity::Severity;

/// One article's findings.
pub struct FileReport {
    pub article: Article,
    pub findings: Vec<Finding>,
}

/// Everything one run found, in path order.
pub struct RunReport<'a> {
    pub kb: &'a KnowledgeBase,
    pub files: Vec<FileReport>,
    pub errors: Vec<FileError>,
}

impl RunReport<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.findings)
            .filter(|f| f.severity == severity)
            .count()
    }

    /// `check: 2 errors, 1 warning, 0 notes in 3 files`, plus unreadable files.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut line = format!(
            "check: {}, {}, {} in {}",
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
            plural(self.count(Severity::Note), "note"),
            plural(self.files.len(), "file"),
        );
        if !self.errors.is_empty() {
            line.push_str(&format!(
                "; {} could not be read",
                plural(self.errors.len(), "file")
            ));
        }
        line
    }
}

/// An output format.
pub trait Renderer {
    fn render(&self, run: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()>;
}
