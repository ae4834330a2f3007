//! `path:line:col: severity[check]: message`, one line per finding.

use std::io::{self, Write};

use super::{FileReport, Joined, Renderer, RunWriter};
use crate::source::SourceMap;

pub struct Short;

impl Renderer for Short {
    fn file(&self, _sources: &SourceMap, file: &FileReport) -> Vec<u8> {
        let mut out = Vec::new();
        for f in &file.findings {
            let pos = file.article.position(f.span.start);
            // writing to a Vec cannot fail
            let _ = writeln!(
                out,
                "{}:{}:{}: {}[{}]: {}",
                file.article.path, pos.line, pos.column, f.severity, f.check, f.message
            );
        }
        out
    }

    fn begin<'w>(&self, out: &'w mut dyn Write) -> io::Result<Box<dyn RunWriter + 'w>> {
        Ok(Box::new(Joined::new(out, b"", None)))
    }
}
