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
use crate::source::SourceMap;

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
        self.totals().count(severity)
    }

    /// The counts of this run.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for f in &self.files {
            totals.add(&f.findings);
        }
        totals
    }

    /// `check: 2 errors, 1 warning, 0 notes in 3 files`, plus unreadable files.
    pub fn summary(&self) -> String {
        self.totals().summary(self.errors.len())
    }
}

/// What a run's summary needs, counted file by file as reports are rendered, so that a run
/// need not keep its articles (`claimcheck check` renders each file as soon as it and the
/// files before it are checked, and drops it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Articles checked (unreadable files are not counted).
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Totals {
    /// The counts of one file's findings.
    pub fn of(findings: &[Finding]) -> Totals {
        let mut totals = Totals::default();
        totals.add(findings);
        totals
    }

    /// Counts one more file and its findings.
    pub fn add(&mut self, findings: &[Finding]) {
        self.files += 1;
        for f in findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Note => self.notes += 1,
            }
        }
    }

    /// Adds the counts of other files.
    pub fn merge(&mut self, other: &Totals) {
        self.files += other.files;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.notes += other.notes;
    }

    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Error => self.errors,
            Severity::Warning => self.warnings,
            Severity::Note => self.notes,
        }
    }

    /// Whether any finding is at or above `severity`.
    pub fn reaches(&self, severity: Severity) -> bool {
        match severity {
            Severity::Error => self.errors > 0,
            Severity::Warning => self.errors + self.warnings > 0,
            Severity::Note => self.errors + self.warnings + self.notes > 0,
        }
    }

    /// `check: 2 errors, 1 warning, 0 notes in 3 files`, plus `unreadable` files.
    pub fn summary(&self, unreadable: usize) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut line = format!(
            "check: {}, {}, {} in {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.notes, "note"),
            plural(self.files, "file"),
        );
        if unreadable > 0 {
            line.push_str(&format!(
                "; {} could not be read",
                plural(unreadable, "file")
            ));
        }
        line
    }
}

/// An output format, in two halves so that a run can be written while it is checked:
/// [`Renderer::file`] renders one file's part of the output (on any thread, in any order,
/// needing only that file), and the [`RunWriter`] from [`Renderer::begin`] writes the parts
/// in path order, then the end of the output (errors, summary) from the run's [`Totals`].
/// The output is the same bytes however the parts were rendered.
pub trait Renderer: Sync {
    /// One file's part of the output. An empty part adds nothing to the output.
    fn file(&self, sources: &SourceMap, file: &FileReport) -> Vec<u8>;

    /// Writes the start of the output; the writer takes the parts in path order.
    fn begin<'w>(&self, out: &'w mut dyn Write) -> io::Result<Box<dyn RunWriter + 'w>>;

    /// Renders a whole run at once.
    fn render(&self, run: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = self.begin(out)?;
        for file in &run.files {
            writer.part(self.file(run.kb.sources(), file))?;
        }
        writer.end(&run.totals(), &run.errors)
    }
}

/// Writes the parts of one run's output in path order (see [`Renderer`]).
pub trait RunWriter {
    /// The next file's part.
    fn part(&mut self, part: Vec<u8>) -> io::Result<()>;
    /// The end of the output, once every part is written.
    fn end(self: Box<Self>, totals: &Totals, errors: &[FileError]) -> io::Result<()>;
}

/// What a line format writes after its parts (the unreadable files).
pub(crate) type EndFn = fn(&mut dyn Write, &[FileError]) -> io::Result<()>;

/// Parts written one after the other with `separator` between non-empty ones: the writer of
/// the line formats (human, short, github), whose end is `end` (`None`: nothing).
pub(crate) struct Joined<'w> {
    out: &'w mut dyn Write,
    separator: &'static [u8],
    first: bool,
    end: Option<EndFn>,
}

impl<'w> Joined<'w> {
    pub(crate) fn new(
        out: &'w mut dyn Write,
        separator: &'static [u8],
        end: Option<EndFn>,
    ) -> Joined<'w> {
        Joined {
            out,
            separator,
            first: true,
            end,
        }
    }
}

impl RunWriter for Joined<'_> {
    fn part(&mut self, part: Vec<u8>) -> io::Result<()> {
        if part.is_empty() {
            return Ok(());
        }
        if !self.first {
            self.out.write_all(self.separator)?;
        }
        self.first = false;
        self.out.write_all(&part)
    }

    fn end(self: Box<Self>, _totals: &Totals, errors: &[FileError]) -> io::Result<()> {
        match self.end {
            Some(end) => end(self.out, errors),
            None => Ok(()),
        }
    }
}

/// `value` pretty-printed as serde_json writes it `depth` levels deep in a document: every
/// line after the first indented by two spaces a level. serde_json escapes control
/// characters in strings, so every newline of its output is one it placed between tokens.
pub(crate) fn pretty_at<T: serde::Serialize + ?Sized>(
    value: &T,
    depth: usize,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    let text = serde_json::to_vec_pretty(value).map_err(io::Error::from)?;
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
            out.resize(out.len() + 2 * depth, b' ');
        }
        out.extend_from_slice(line);
    }
    Ok(())
}
