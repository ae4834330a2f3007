//! GitHub Actions workflow commands: one `::error file=...,line=...::message` annotation per
//! finding, escaped as the runner expects.

use std::io::{self, Write};

use super::{Renderer, RunReport};
use crate::severity::Severity;

pub struct Github;

/// Escapes a command's message (`%`, CR and LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (as data, plus `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Renderer for Github {
    fn render(&self, run: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        for file in &run.files {
            let a = &file.article;
            for f in &file.findings {
                let command = match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Note => "notice",
                };
                let (start, end) = (a.position(f.span.start), a.position(f.span.end));
                writeln!(
                    out,
                    "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                    escape_property(&a.path),
                    start.line,
                    start.column,
                    end.line,
                    end.column,
                    escape_property(&format!("claimcheck {}", f.check)),
                    escape_data(&f.message)
                )?;
            }
        }
        for e in &run.errors {
            writeln!(
                out,
                "::error file={},title=claimcheck::{}",
                escape_property(&e.path),
                escape_data(&e.message)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
