//! `path:line:col: severity[check]: message`, one line per finding.

use std::io::{self, Write};

use super::{Renderer, RunReport};

pub struct Short;

impl Renderer for Short {
    fn render(&self, run: &RunReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        for file in &run.files {
            for f in &file.findings {
                let pos = file.article.position(f.span.start);
                writeln!(
                    out,
                    "{}:{}:{}: {}[{}]: {}",
                    file.article.path, pos.line, pos.column, f.severity, f.check, f.message
                )?;
            }
        }
        Ok(())
    }
}
