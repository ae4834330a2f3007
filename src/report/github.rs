//! GitHub Actions workflow commands: one `::error file=...,line=...::message` annotation per
//! finding, escaped as the runner expects.

use std::io::{self, Write};

use super::{FileReport, Joined, Renderer, RunWriter};
use crate::files::FileError;
use crate::severity::Severity;
use crate::source::SourceMap;

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
    fn file(&self, _sources: &SourceMap, file: &FileReport) -> Vec<u8> {
        let a = &file.article;
        let mut out = Vec::new();
        for f in &file.findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let (start, end) = (a.position(f.span.start), a.position(f.span.end));
            // writing to a Vec cannot fail
            let _ = writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&a.path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&format!("claimcheck {}", f.check)),
                escape_data(&f.message)
            );
        }
        out
    }

    fn begin<'w>(&self, out: &'w mut dyn Write) -> io::Result<Box<dyn RunWriter + 'w>> {
        Ok(Box::new(Joined::new(out, b"", Some(write_errors))))
    }
}

/// One annotation per unreadable file, after the findings.
fn write_errors(out: &mut dyn Write, errors: &[FileError]) -> io::Result<()> {
    for e in errors {
        writeln!(
            out,
            "::error file={},title=claimcheck::{}",
            escape_property(&e.path),
            escape_data(&e.message)
        )?;
    }
    Ok(())
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
