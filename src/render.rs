//! Rendering diagnostics for people: the miette graphical handler, configured once for
//! colour and width, so that every command draws reports the same way.

use std::fmt;
use std::io::IsTerminal;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::span::{LineIndex, Span};

/// `--color auto|always|never`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour output going to stdout.
    pub fn use_color_for_stdout(self) -> bool {
        self.resolve(
            std::io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR"),
        )
    }

    /// The decision, given whether the output is a terminal and the value of `NO_COLOR`.
    /// Following no-color.org, `NO_COLOR` counts when it is set and not empty.
    pub fn resolve(self, is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

/// The width reports are wrapped at: the terminal's, else 100 columns.
pub fn report_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100)
}

/// A graphical handler with a fixed theme and width; no hyperlinks, so output is stable.
pub fn handler(color: bool, width: usize) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
}

/// Renders one diagnostic to a string.
pub fn render(handler: &GraphicalReportHandler, diagnostic: &dyn Diagnostic) -> String {
    let mut out = String::new();
    if handler.render_report(&mut out, diagnostic).is_err() {
        // The handler only fails when writing to the String fails, which it cannot; keep
        // the message at least.
        out = diagnostic.to_string();
    }
    out
}

/// A named text for miette that finds lines through a [`LineIndex`].
///
/// miette's own sources scan the text from its start for every span they are asked for, and
/// show whole lines. Both are quadratic in the worst case: 100,000 findings in a 4 MB file
/// scan 100,000 × 2 MB on average, and a finding on a 5 MB line prints the 5 MB line. Here a
/// look-up is a binary search, and a snippet whose lines are longer than
/// [`MAX_SNIPPET_BYTES`] shows only the text around the span instead.
#[derive(Clone, Debug)]
pub struct IndexedSource {
    name: String,
    text: Arc<str>,
    lines: Arc<LineIndex>,
}

/// Snippets longer than this show a window of their line around the span.
pub const MAX_SNIPPET_BYTES: usize = 2048;

/// Bytes shown either side of a span in a window.
const WINDOW_BYTES: usize = 200;

impl IndexedSource {
    pub fn new(name: impl Into<String>, text: Arc<str>, lines: Arc<LineIndex>) -> IndexedSource {
        IndexedSource {
            name: name.into(),
            text,
            lines,
        }
    }

    /// The 0-based line that contains byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.lines.line_of(offset as u32)
    }

    /// Where 0-based `line` starts; past the last line, the end of the text.
    fn line_start(&self, line: usize) -> usize {
        self.lines
            .line_start(line + 1)
            .map_or(self.text.len(), |s| s as usize)
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

impl SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &str = &self.text;
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_of(start);
        let last = self.line_of(end.saturating_sub(1).max(start));
        // as miette counts: line breaks before the end of the data
        let line_count = |data_end: usize| self.line_of(data_end);
        if context_lines_before == 0 && context_lines_after == 0 {
            // the location of a label: its line and its column in bytes, as miette gives it
            let column = start - self.line_start(first);
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                &text.as_bytes()[start..end],
                *span,
                first,
                column,
                line_count(end),
            )));
        }
        let top = first.saturating_sub(context_lines_before);
        let bottom = last + context_lines_after;
        let mut data_start = self.line_start(top);
        let mut data_end = self.line_start(bottom + 1);
        let mut line = top;
        if data_end - data_start > MAX_SNIPPET_BYTES + span.len() {
            // long lines: the span's own lines only, cut to a window around it
            line = first;
            data_start = ceil_boundary(
                text,
                self.line_start(first)
                    .max(start.saturating_sub(WINDOW_BYTES)),
            );
            let line_end = text[..self.line_start(last + 1)].trim_end_matches(['\n', '\r']);
            data_end = floor_boundary(text, line_end.len().min(end + WINDOW_BYTES)).max(end);
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            line,
            0,
            line_count(data_end),
        )))
    }
}

/// A span of another file shown under a report as its own snippet, with a message: a rule
/// line that is evidence for a finding, or the first declaration of a duplicate.
#[derive(Debug)]
pub struct Snippet {
    pub message: String,
    pub source: IndexedSource,
    pub span: Span,
}

impl fmt::Display for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Snippet {}

impl Diagnostic for Snippet {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, self.span),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::ColorChoice;

    #[test]
    fn auto_colour_needs_a_terminal_and_no_no_color() {
        assert!(ColorChoice::Auto.resolve(true, None));
        assert!(!ColorChoice::Auto.resolve(false, None));
        assert!(!ColorChoice::Auto.resolve(true, Some("1".into())));
        assert!(ColorChoice::Auto.resolve(true, Some("".into())));
        assert!(ColorChoice::Always.resolve(false, Some("1".into())));
        assert!(!ColorChoice::Never.resolve(true, None));
    }
}
