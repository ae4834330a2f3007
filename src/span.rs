//! Byte spans into source text, and the arithmetic that turns a byte offset into the
//! 1-based line and column (counted in Unicode scalar values) that people read.

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into one source text.
///
/// Offsets are `u32`: sources are capped well below 4 GiB, and half-size spans keep the
/// knowledge base and claim lists small.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span start {start} after end {end}");
        Span {
            start: to_u32(start),
            end: to_u32(end),
        }
    }

    /// The span of `part`, which must be a subslice of `base`.
    pub fn of(base: &str, part: &str) -> Span {
        let start = part.as_ptr() as usize - base.as_ptr() as usize;
        Span::new(start, start + part.len())
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The text this span covers, or `""` when it does not fit `text`.
    pub fn slice(self, text: &str) -> &str {
        text.get(self.range()).unwrap_or("")
    }
}

fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start as usize, span.len()).into()
    }
}

/// A 1-based line and column; the column counts Unicode scalar values, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// The start offset of every line of a text, for offset → position look-ups in O(log n).
///
/// A line ends at `\n`, at `\r\n`, or at a lone `\r`. Inside long lines the column is
/// recorded every [`CHECKPOINT_STRIDE`] bytes, so that finding a column never counts more
/// than that many bytes: a look-up costs the same on a 5 MB line as on a short one.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    /// (byte offset, characters between its line's start and it), increasing offsets.
    checkpoints: Vec<(u32, u32)>,
}

/// Bytes between column checkpoints inside a long line.
const CHECKPOINT_STRIDE: usize = 4096;

/// Characters that start in `bytes` (bytes that are not UTF-8 continuation bytes).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        // about one line per 64 bytes of prose: one allocation, mostly
        let mut line_starts = Vec::with_capacity(bytes.len() / 64 + 1);
        line_starts.push(0);
        if memchr::memchr(b'\r', bytes).is_none() {
            // no carriage returns (the common case): every line feed ends a line. A search
            // costs about 70 instructions however near the line feed, and news text has
            // paragraphs apart by blank lines: a line feed right after one is taken without
            // a search
            let mut at = 0;
            while let Some(p) = bytes.get(at..).and_then(|rest| memchr::memchr(b'\n', rest)) {
                let mut i = at + p;
                line_starts.push(to_u32(i + 1));
                while bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                    line_starts.push(to_u32(i + 1));
                }
                at = i + 1;
            }
        } else {
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                    line_starts.push(to_u32(i + 1));
                }
            }
        }
        let mut checkpoints = Vec::new();
        if bytes.len() <= CHECKPOINT_STRIDE {
            // no line is longer than the stride
            return LineIndex {
                line_starts,
                checkpoints,
            };
        }
        for (n, &start) in line_starts.iter().enumerate() {
            let end = line_starts.get(n + 1).map_or(bytes.len(), |&e| e as usize);
            let mut from = if n == 0 && text.starts_with('\u{feff}') {
                3
            } else {
                start as usize
            };
            if end.saturating_sub(from) <= CHECKPOINT_STRIDE {
                continue;
            }
            let mut column = 0;
            let mut at = from + CHECKPOINT_STRIDE;
            while at < end {
                column += count_chars(&bytes[from..at]);
                checkpoints.push((to_u32(at), to_u32(column)));
                from = at;
                at += CHECKPOINT_STRIDE;
            }
        }
        LineIndex {
            line_starts,
            checkpoints,
        }
    }

    /// The position of byte `offset` in `text` (the text this index was built from).
    /// An offset inside a multi-byte character counts as that character.
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let offset = offset.min(to_u32(text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts[line] as usize;
        // a byte-order mark at the start of the text takes no column
        let line_start = if line == 0 && text.starts_with('\u{feff}') && offset >= 3 {
            3
        } else {
            line_start
        };
        // start counting at the last checkpoint of this line before the offset
        let c = self.checkpoints.partition_point(|&(at, _)| at <= offset);
        let (from, before) = match c.checked_sub(1).map(|i| self.checkpoints[i]) {
            Some((at, column)) if at as usize > line_start => (at as usize, column as usize),
            _ => (line_start, 0),
        };
        let column =
            before + count_chars(text.as_bytes().get(from..offset as usize).unwrap_or(&[]));
        Position {
            line: to_u32(line + 1),
            column: to_u32(column + 1),
        }
    }

    /// The byte offset at which each line starts, in order (the first is 0).
    pub(crate) fn line_starts(&self) -> &[u32] {
        &self.line_starts
    }

    /// The 0-based line that contains byte `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The byte offset at which 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<u32> {
        self.line_starts.get(line.checked_sub(1)?).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\nçd é\r\nx\ry";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 3), Position { line: 2, column: 1 });
        // "çd " is 4 bytes, 3 characters: "é" starts at column 4.
        assert_eq!(index.position(text, 7), Position { line: 2, column: 4 });
        assert_eq!(index.position(text, 11), Position { line: 3, column: 1 });
        // a lone CR ends a line too
        assert_eq!(index.position(text, 13), Position { line: 4, column: 1 });
        assert_eq!(index.line_count(), 4);
        let bom = "\u{feff}kind x";
        assert_eq!(
            LineIndex::new(bom).position(bom, 3),
            Position { line: 1, column: 1 }
        );
    }

    #[test]
    fn columns_in_long_lines_use_checkpoints_and_agree_with_counting() {
        // lines longer than the checkpoint stride, with multi-byte characters straddling
        // the checkpoints, a BOM, and every kind of line end
        let line = "é aß€😀 x".repeat(2000);
        let text = format!("\u{feff}{line}\r\n{line}\r{line}\nend");
        let index = LineIndex::new(&text);
        assert!(!index.checkpoints.is_empty());
        let naive = |offset: usize| {
            let before = &text[..offset];
            let line_start = before.rfind(['\n', '\r']).map_or(0, |p| p + 1);
            let line_start = if line_start == 0 { 3 } else { line_start };
            let line = 1 + before.matches('\n').count() + before.matches('\r').count()
                - before.matches("\r\n").count();
            Position {
                line: line as u32,
                column: before[line_start..].chars().count() as u32 + 1,
            }
        };
        // (between the CR and the LF of a CRLF is still the first line: not compared here)
        let inside_crlf = |o: usize| text[..o].ends_with('\r') && text[o..].starts_with('\n');
        for offset in (3..text.len())
            .filter(|&o| text.is_char_boundary(o) && !inside_crlf(o))
            .step_by(97)
        {
            assert_eq!(
                index.position(&text, offset as u32),
                naive(offset),
                "byte {offset}"
            );
        }
    }

    /// The line starts the simple way: after every `\n`, and after every `\r` not followed
    /// by `\n`.
    fn line_starts_reference(text: &str) -> Vec<u32> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i as u32 + 1);
            }
        }
        starts
    }

    #[test]
    fn line_starts_with_and_without_carriage_returns() {
        for text in [
            "",
            "a",
            "\n",
            "\r",
            "\r\n",
            "a\nb\n",
            "a\r\nb\rc\n\n",
            "\n\r\r\n",
        ] {
            assert_eq!(
                LineIndex::new(text).line_starts(),
                line_starts_reference(text)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn line_starts_agree_with_the_reference(text in "[ab \u{e9}\n\r]{0,80}") {
            let index = LineIndex::new(&text);
            proptest::prop_assert_eq!(index.line_starts(), line_starts_reference(&text));
        }

        #[test]
        fn line_starts_without_carriage_returns_agree(text in "(a{1,70}|\n{1,3}| |\u{e9})*") {
            let index = LineIndex::new(&text);
            proptest::prop_assert_eq!(index.line_starts(), line_starts_reference(&text));
        }
    }

    #[test]
    fn span_of_subslice() {
        let base = "hello world";
        assert_eq!(Span::of(base, &base[6..]), Span::new(6, 11));
        assert_eq!(Span::new(6, 11).slice(base), "world");
        assert_eq!(Span::new(6, 99).slice(base), "");
    }
}
