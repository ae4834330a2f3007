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
/// A line ends at `\n`, at `\r\n`, or at a lone `\r`.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line_starts.push(to_u32(i + 1));
            }
        }
        LineIndex { line_starts }
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
        let column = text
            .get(line_start..)
            .unwrap_or("")
            .char_indices()
            .take_while(|(i, _)| line_start + i < offset as usize)
            .count();
        Position {
            line: to_u32(line + 1),
            column: to_u32(column + 1),
        }
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
    fn span_of_subslice() {
        let base = "hello world";
        assert_eq!(Span::of(base, &base[6..]), Span::new(6, 11));
        assert_eq!(Span::new(6, 11).slice(base), "world");
        assert_eq!(Span::new(6, 99).slice(base), "");
    }
}
