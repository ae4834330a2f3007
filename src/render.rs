//! Rendering diagnostics for people: the miette graphical handler, configured once for
//! colour and width, so that every command draws reports the same way.

use std::io::IsTerminal;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

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
