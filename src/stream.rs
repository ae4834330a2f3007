//! Streaming checks for archives: `claimcheck check --stdin-jsonl`.
//!
//! Input is one JSON object per line, `{"path": "...", "text": "...", "date": "YYYY-MM-DD"}`
//! (`date` may be absent or null; a timestamp such as `2014-03-18T10:00:00Z` counts by its
//! day; other fields are ignored). Output is one JSON object per line: a `finding` record
//! for each finding (the fields of the JSON report's findings, plus the input `line`), an
//! `error` record for each line that is not a readable article (with its line number; the
//! stream goes on), and one `summary` record at the end. See `docs/scale.md`.
//!
//! Memory is bounded: lines are read in batches of at most [`StreamOptions::batch_lines`]
//! lines or [`StreamOptions::batch_bytes`] bytes (plus one line), each batch is checked in
//! parallel and its records written in input order before the next batch is read. A line
//! longer than the article size limit is skipped without being held in memory.

use std::io::{self, BufRead, Write};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::article::{Article, Format};
use crate::check::{CheckSettings, Context, run_checks};
use crate::extract::Extractor;
use crate::kb::time::FactDate;
use crate::report::json::{FindingJson, finding_json};
use crate::severity::Severity;

/// How a stream is read.
#[derive(Clone, Debug)]
pub struct StreamOptions {
    /// Judge every article at this date (`--date`), before the line's own `date`.
    pub date: Option<FactDate>,
    /// The largest article text accepted, in bytes.
    pub max_article_size: u64,
    /// Lines per batch.
    pub batch_lines: usize,
    /// Bytes per batch (a batch is flushed once it holds this much).
    pub batch_bytes: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            date: None,
            max_article_size: crate::files::DEFAULT_MAX_FILE_SIZE,
            batch_lines: 1024,
            batch_bytes: 16 << 20,
        }
    }
}

/// What a stream held, for the summary record and the exit code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StreamSummary {
    /// Input lines read (blank lines included).
    pub lines: u64,
    /// Articles checked.
    pub files: u64,
    /// Findings by severity.
    pub errors: u64,
    pub warnings: u64,
    pub notes: u64,
    /// Lines that were not readable articles (each has an `error` record).
    pub failed: u64,
}

impl StreamSummary {
    /// Whether any finding is at or above `severity`.
    pub fn has_findings_at(&self, severity: Severity) -> bool {
        match severity {
            Severity::Error => self.errors > 0,
            Severity::Warning => self.errors + self.warnings > 0,
            Severity::Note => self.errors + self.warnings + self.notes > 0,
        }
    }

    fn add(&mut self, other: &StreamSummary) {
        self.files += other.files;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.notes += other.notes;
        self.failed += other.failed;
    }
}

#[derive(Deserialize)]
struct Input {
    path: Option<String>,
    text: Option<String>,
    #[serde(default)]
    date: Option<String>,
}

#[derive(Serialize)]
struct FindingRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    line: u64,
    #[serde(flatten)]
    finding: FindingJson<'a>,
}

#[derive(Serialize)]
struct ErrorRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    message: &'a str,
}

#[derive(Serialize)]
struct SummaryRecord {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    summary: StreamSummary,
}

/// A line waiting in a batch.
enum Pending {
    Line(u64, Vec<u8>),
    TooLong(u64, u64),
}

/// Checks every article of a JSON-lines stream and writes JSON-lines records to `out`.
/// Returns the summary (also written as the last record). Only I/O errors on `input` or
/// `out` stop the stream.
pub fn check_jsonl(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    extractor: &Extractor<'_>,
    settings: &CheckSettings,
    opts: &StreamOptions,
) -> io::Result<StreamSummary> {
    // JSON escapes can make a line longer than its text: allow for them
    let cap = usize::try_from(opts.max_article_size)
        .unwrap_or(usize::MAX)
        .saturating_mul(2)
        .saturating_add(1 << 20);
    let mut summary = StreamSummary::default();
    let mut batch: Vec<Pending> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut buf = Vec::new();
    loop {
        let line = read_capped(input, &mut buf, cap)?;
        let done = matches!(line, Line::Eof);
        if !done {
            summary.lines += 1;
        }
        match line {
            Line::Eof => {}
            Line::Text => {
                if !buf.iter().all(u8::is_ascii_whitespace) {
                    batch_bytes += buf.len();
                    batch.push(Pending::Line(summary.lines, std::mem::take(&mut buf)));
                }
            }
            Line::TooLong(len) => batch.push(Pending::TooLong(summary.lines, len)),
        }
        if done || batch.len() >= opts.batch_lines || batch_bytes >= opts.batch_bytes {
            let results: Vec<(Vec<u8>, StreamSummary)> = batch
                .par_iter()
                .map(|p| check_line(p, extractor, settings, opts))
                .collect();
            for (bytes, counts) in &results {
                out.write_all(bytes)?;
                summary.add(counts);
            }
            batch.clear();
            batch_bytes = 0;
        }
        if done {
            break;
        }
    }
    serde_json::to_writer(
        &mut *out,
        &SummaryRecord {
            kind: "summary",
            summary,
        },
    )
    .map_err(io::Error::other)?;
    writeln!(out)?;
    out.flush()?;
    Ok(summary)
}

fn check_line(
    pending: &Pending,
    extractor: &Extractor<'_>,
    settings: &CheckSettings,
    opts: &StreamOptions,
) -> (Vec<u8>, StreamSummary) {
    let mut out = Vec::new();
    let mut counts = StreamSummary::default();
    let mut fail = |out: &mut Vec<u8>, line: u64, path: Option<&str>, message: &str| {
        counts.failed += 1;
        write_record(
            out,
            &ErrorRecord {
                kind: "error",
                line,
                path,
                message,
            },
        );
    };
    let (line, bytes) = match pending {
        Pending::Line(line, bytes) => (*line, bytes),
        Pending::TooLong(line, len) => {
            let message = format!(
                "the line is {len} bytes, over the limit for an article of {} bytes (see --max-file-size)",
                opts.max_article_size
            );
            fail(&mut out, *line, None, &message);
            return (out, counts);
        }
    };
    let input: Input = match serde_json::from_slice(bytes) {
        Ok(i) => i,
        Err(e) => {
            let message = format!("not a JSON object: {e}");
            fail(&mut out, line, None, &message);
            return (out, counts);
        }
    };
    let Some(path) = input.path else {
        fail(&mut out, line, None, "no \"path\" field");
        return (out, counts);
    };
    let Some(text) = input.text else {
        fail(&mut out, line, Some(&path), "no \"text\" field");
        return (out, counts);
    };
    let date = match input.date.as_deref().map(parse_date) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(message)) => {
            fail(&mut out, line, Some(&path), &format!("date: {message}"));
            return (out, counts);
        }
    };
    if text.len() as u64 > opts.max_article_size {
        let message = format!(
            "the text is {} bytes, over the limit of {} bytes (see --max-file-size)",
            text.len(),
            opts.max_article_size
        );
        fail(&mut out, line, Some(&path), &message);
        return (out, counts);
    }
    let format = Format::from_path(std::path::Path::new(&path));
    let article = match Article::from_bytes(&path, format, text.into_bytes()) {
        Ok(a) => a,
        Err(e) => {
            fail(&mut out, line, Some(&path), &e.to_string());
            return (out, counts);
        }
    };
    counts.files = 1;
    let extraction = extractor.extract(&article, opts.date.or(date));
    let cx = Context {
        kb: extractor.kb,
        article: &article,
        extraction: &extraction,
    };
    let sources = extractor.kb.sources();
    for f in run_checks(&cx, settings) {
        match f.severity {
            Severity::Error => counts.errors += 1,
            Severity::Warning => counts.warnings += 1,
            Severity::Note => counts.notes += 1,
        }
        write_record(
            &mut out,
            &FindingRecord {
                kind: "finding",
                line,
                finding: finding_json(sources, &article, &f),
            },
        );
    }
    (out, counts)
}

fn write_record(out: &mut Vec<u8>, record: &impl Serialize) {
    // writing to a Vec cannot fail, and every record is plain data
    if serde_json::to_writer(&mut *out, record).is_ok() {
        out.push(b'\n');
    }
}

/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a timestamp that starts with a day.
fn parse_date(text: &str) -> Result<FactDate, String> {
    let b = text.as_bytes();
    let day = if b.len() > 10 && matches!(b[10], b'T' | b't' | b' ') {
        &text[..10]
    } else {
        text
    };
    FactDate::parse(day).map_err(|e| e.message)
}

enum Line {
    Eof,
    /// A line (without its end) is in the buffer.
    Text,
    /// A line of this many bytes was skipped.
    TooLong(u64),
}

/// Reads one line into `buf` (without `\n` or `\r\n`), holding at most `cap` bytes of it.
fn read_capped(input: &mut dyn BufRead, buf: &mut Vec<u8>, cap: usize) -> io::Result<Line> {
    buf.clear();
    let mut total = 0u64;
    let mut any = false;
    loop {
        let available = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let newline = memchr::memchr(b'\n', available);
        let chunk = &available[..newline.unwrap_or(available.len())];
        if total + chunk.len() as u64 <= cap as u64 {
            buf.extend_from_slice(chunk);
        } else {
            buf.clear();
        }
        total += chunk.len() as u64;
        let used = chunk.len() + usize::from(newline.is_some());
        input.consume(used);
        if newline.is_some() {
            break;
        }
    }
    if !any {
        return Ok(Line::Eof);
    }
    if total > cap as u64 {
        buf.clear();
        return Ok(Line::TooLong(total));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Line::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], cap: usize) -> Vec<Result<String, u64>> {
        let mut reader = io::BufReader::with_capacity(4, input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            match read_capped(&mut reader, &mut buf, cap).unwrap() {
                Line::Eof => return out,
                Line::Text => out.push(Ok(String::from_utf8(buf.clone()).unwrap())),
                Line::TooLong(n) => out.push(Err(n)),
            }
        }
    }

    #[test]
    fn lines_are_read_across_buffer_ends_and_long_ones_skipped() {
        assert_eq!(
            lines(b"abc\r\ndefghij\n\nxy", 5),
            [Ok("abc".into()), Err(7), Ok(String::new()), Ok("xy".into())]
        );
        assert!(lines(b"", 5).is_empty());
    }

    #[test]
    fn dates_may_be_timestamps() {
        assert_eq!(
            parse_date("2014-03-18T10:00:00Z").unwrap(),
            FactDate::parse("2014-03-18").unwrap()
        );
        assert_eq!(
            parse_date("2014").unwrap(),
            FactDate::parse("2014").unwrap()
        );
        assert!(parse_date("18/03/2014").is_err());
    }
}
