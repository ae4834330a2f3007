//! The texts that spans point into: rule files (on disk or embedded) and, later, articles.
//! A `Loc` names a file and a span in it, so evidence can travel far from where it was read.

use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::span::{LineIndex, Position, Span};

/// An index into a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

/// A span in a named file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
}

/// One source text with its display name (a path as the user gave it, or `<builtin>/...`).
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: Arc<str>,
    /// Built on first use: most files are never asked for a line number.
    lines: OnceLock<Arc<LineIndex>>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            lines: OnceLock::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text, shared (no copy).
    pub fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    pub fn position(&self, offset: u32) -> Position {
        self.line_index().position(&self.text, offset)
    }

    fn line_index(&self) -> &Arc<LineIndex> {
        self.lines
            .get_or_init(|| Arc::new(LineIndex::new(&self.text)))
    }

    /// A miette source for rendering this file; cheap, the text and line index are shared.
    pub fn named_source(&self) -> crate::render::IndexedSource {
        crate::render::IndexedSource::new(
            &self.name,
            Arc::clone(&self.text),
            Arc::clone(self.line_index()),
        )
    }
}

/// Every file read in one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    #[allow(
        clippy::expect_used,
        reason = "each file is at least one read; 2^32 of them cannot be held in memory"
    )]
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(u32::try_from(self.files.len() - 1).expect("fewer than 2^32 source files"))
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The text at `loc`.
    pub fn text(&self, loc: Loc) -> &str {
        loc.span.slice(self.get(loc.file).text())
    }
}
