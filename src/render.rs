//! Rendering diagnostics for people: the miette graphical handler, configured once for
//! colour and width, so that every command draws reports the same way.

use std::fmt;
use std::io::IsTerminal;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use crate::span::Span;

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

/// A span of another file shown under a report as its own snippet, with a message: a rule
/// line that is evidence for a finding, or the first declaration of a duplicate.
#[derive(Debug)]
pub struct Snippet {
    pub message: String,
    pub source: NamedSource<Arc<str>>,
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
