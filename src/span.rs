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

/// What [`line_feeds`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Feeds {
    /// A carriage return: the line starts must be found again (some may have been pushed).
    CarriageReturn,
    /// Every line start pushed; `long` is false only when no line (line break included) is
    /// longer than [`CHECKPOINT_STRIDE`] bytes, so that no line needs checkpoints.
    Done { long: bool },
}

/// Appends to `out` the line starts of `bytes` after its line feeds when `bytes` has no
/// carriage return (the common case, where every line feed ends a line), and says whether a
/// line may be longer than [`CHECKPOINT_STRIDE`]. With AVX2 (checked at run time) a walk over
/// 64-byte blocks that compares every byte with both; else searches.
#[inline]
fn line_feeds(bytes: &[u8], out: &mut Vec<u32>) -> Feeds {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just before), all that the function's
        // `target_feature` requires.
        return unsafe { line_feeds_avx2(bytes, out) };
    }
    line_feeds_searching(bytes, out)
}

/// [`line_feeds`] by searches: one for a carriage return, then one per line feed (about 70
/// instructions however near it); news text has paragraphs apart by blank lines, so a line
/// feed right after one is taken without a search.
fn line_feeds_searching(bytes: &[u8], out: &mut Vec<u32>) -> Feeds {
    if memchr::memchr(b'\r', bytes).is_some() {
        return Feeds::CarriageReturn;
    }
    let mut at = 0;
    while let Some(p) = bytes.get(at..).and_then(|rest| memchr::memchr(b'\n', rest)) {
        let mut i = at + p;
        out.push(to_u32(i + 1));
        while bytes.get(i + 1) == Some(&b'\n') {
            i += 1;
            out.push(to_u32(i + 1));
        }
        at = i + 1;
    }
    // the lines are measured where checkpoints are made
    Feeds::Done { long: true }
}

/// [`line_feeds`] with AVX2: each 64 bytes compared with `\r` and `\n` at once, the line
/// feeds taken from the bit mask (a few instructions for 64 bytes and for a line, where a
/// search from each line feed costs tens). [`Feeds::Done`]'s `long` from the distances
/// between the blocks with a line feed (a block's lines are shorter than the block), and from
/// the last line start to the end of the text.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn line_feeds_avx2(bytes: &[u8], out: &mut Vec<u32>) -> Feeds {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8, _mm256_testz_si256,
    };
    let cr = _mm256_set1_epi8(b'\r' as i8);
    let lf = _mm256_set1_epi8(b'\n' as i8);
    // every offset fits a `u32` (no saturating conversion per line), or `to_u32` below
    let fits = u32::try_from(bytes.len()).is_ok();
    let mut chunks = bytes.chunks_exact(64);
    let mut base = 0usize;
    // where the last block with a line feed starts, and whether a line may be longer than the
    // stride: the first line feed of a block is less than 64 + (its block's start - that
    // start) bytes after the last one, so a block with one that starts at most
    // `CHECKPOINT_STRIDE - 64` bytes after that block ends a line of the stride or less
    let mut last_base = 0usize;
    let mut long = false;
    for chunk in &mut chunks {
        // SAFETY: `chunk` has 64 readable bytes, and each unaligned 32-byte load reads 32 of
        // them.
        let (a, b) = unsafe {
            (
                _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()),
                _mm256_loadu_si256(chunk.as_ptr().add(32).cast::<__m256i>()),
            )
        };
        let crs = _mm256_or_si256(_mm256_cmpeq_epi8(a, cr), _mm256_cmpeq_epi8(b, cr));
        if _mm256_testz_si256(crs, crs) == 0 {
            return Feeds::CarriageReturn;
        }
        let mut feeds = u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, lf)) as u32)
            | (u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, lf)) as u32) << 32);
        if feeds != 0 {
            long |= base - last_base > CHECKPOINT_STRIDE - 64;
            last_base = base;
            if fits {
                while feeds != 0 {
                    out.push((base + feeds.trailing_zeros() as usize + 1) as u32);
                    feeds &= feeds - 1;
                }
            } else {
                while feeds != 0 {
                    out.push(to_u32(base + feeds.trailing_zeros() as usize + 1));
                    feeds &= feeds - 1;
                }
            }
        }
        base += 64;
    }
    for (k, &b) in chunks.remainder().iter().enumerate() {
        if b == b'\r' {
            return Feeds::CarriageReturn;
        }
        if b == b'\n' {
            long |= base - last_base > CHECKPOINT_STRIDE - 64;
            last_base = base;
            out.push(to_u32(base + k + 1));
        }
    }
    // the last line, to the end of the text
    let last = out.last().map_or(0, |&s| s as usize);
    long |= bytes.len().saturating_sub(last) > CHECKPOINT_STRIDE;
    Feeds::Done { long }
}

/// The column checkpoints of the lines of `text` longer than [`CHECKPOINT_STRIDE`] bytes
/// (`line_starts` as [`LineIndex::line_starts`] has them), appended to `out`.
fn push_checkpoints(text: &str, line_starts: &[u32], out: &mut Vec<(u32, u32)>) {
    let bytes = text.as_bytes();
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
            out.push((to_u32(at), to_u32(column)));
            from = at;
            at += CHECKPOINT_STRIDE;
        }
    }
}

/// Texts at least this long have their line feeds found in two halves side by side
/// ([`line_starts_split`]).
const SPLIT_LINES_BYTES: usize = 1 << 20;

/// Where a large text is cut in two to be worked on by two threads: after the first line
/// feed at or past its middle, so that no line (and no character: a line feed is one of
/// its own) straddles the cut; `None` when there is no line feed there. The line index,
/// the rule text's checks and its digest in the cache key all cut here.
pub(crate) fn middle_line_cut(bytes: &[u8]) -> Option<usize> {
    let half = bytes.len() / 2;
    memchr::memchr(b'\n', &bytes[half..]).map(|p| half + p + 1)
}

/// The line starts of `bytes` after its line feeds (the first is 0), as [`line_feeds`] finds
/// them.
fn line_starts_serial(bytes: &[u8]) -> (Vec<u32>, Feeds) {
    // about one line per 64 bytes of prose: one allocation, mostly
    let mut line_starts = Vec::with_capacity(bytes.len() / 64 + 1);
    line_starts.push(0);
    let feeds = line_feeds(bytes, &mut line_starts);
    (line_starts, feeds)
}

/// [`line_starts_serial`], for a text of [`SPLIT_LINES_BYTES`] or more (a rule file of a
/// large knowledge base, whose line index a report builds when it has a finding), cut at
/// [`middle_line_cut`], the second half on a thread of its own: the halves'
/// lists joined are the list of the whole, since the cut is a line start that both give
/// (the first half's last, the second's first, 0), and a line longer than the stride in
/// the whole is one in a half. A scoped thread, not rayon's pool: the index may be built
/// under a lock (`SourceFile`'s `OnceLock`) that the pool's threads could be waiting on.
/// A shorter text, one where no thread can be started, or one with no line feed after its
/// middle, takes the serial form.
fn line_starts_split(bytes: &[u8]) -> (Vec<u32>, Feeds) {
    if bytes.len() < SPLIT_LINES_BYTES || u32::try_from(bytes.len()).is_err() {
        return line_starts_serial(bytes);
    }
    let Some(cut) = middle_line_cut(bytes) else {
        return line_starts_serial(bytes);
    };
    let (low, high) = bytes.split_at(cut);
    let halves = std::thread::scope(|scope| {
        let high = std::thread::Builder::new()
            .name("lines".into())
            .spawn_scoped(scope, || line_starts_serial(high))
            .ok()?;
        let low = line_starts_serial(low);
        Some((low, high.join().ok()?))
    });
    match halves {
        Some(((mut starts, Feeds::Done { long: a }), (high, Feeds::Done { long: b }))) => {
            starts.extend(high[1..].iter().map(|&s| s + cut as u32));
            (starts, Feeds::Done { long: a || b })
        }
        Some(_) => (vec![0], Feeds::CarriageReturn),
        None => line_starts_serial(bytes),
    }
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let (mut line_starts, feeds) = line_starts_split(bytes);
        if feeds == Feeds::CarriageReturn {
            // carriage returns: a lone one ends a line too
            line_starts.truncate(1);
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                    line_starts.push(to_u32(i + 1));
                }
            }
        }
        let mut checkpoints = Vec::new();
        if bytes.len() <= CHECKPOINT_STRIDE || feeds == (Feeds::Done { long: false }) {
            // no line is longer than the stride
            return LineIndex {
                line_starts,
                checkpoints,
            };
        }
        push_checkpoints(text, &line_starts, &mut checkpoints);
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
        fn line_starts_without_carriage_returns_agree(text in "(a{1,70}|\n{1,3}| |\u{e9}|\r?)*") {
            let index = LineIndex::new(&text);
            proptest::prop_assert_eq!(index.line_starts(), line_starts_reference(&text));
            // both forms of the line feed walk, whichever this processor takes
            let expected = (!text.contains('\r')).then(|| line_starts_reference(&text));
            let mut searched = vec![0];
            let ok = line_feeds_searching(text.as_bytes(), &mut searched) != Feeds::CarriageReturn;
            proptest::prop_assert_eq!(ok.then_some(searched), expected.clone());
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                let mut walked = vec![0];
                // SAFETY: the processor has AVX2, checked just before.
                let ok = unsafe { line_feeds_avx2(text.as_bytes(), &mut walked) };
                proptest::prop_assert_eq!(
                    (ok != Feeds::CarriageReturn).then_some(walked),
                    expected
                );
            }
        }

        /// The checkpoints of an index, which skips them when the line feed walk has seen no
        /// long line, are those made from the reference's line starts, line by line.
        #[test]
        fn checkpoints_agree_with_the_reference(
            lines in proptest::collection::vec((0usize..9000, 0usize..3), 0..6),
            bom in proptest::bool::ANY,
        ) {
            let mut text = String::from(if bom { "\u{feff}" } else { "" });
            for (len, end) in lines {
                text.push_str(&"x\u{e9}".repeat(len / 3));
                text.push_str(&"y".repeat(len % 3));
                text.push_str(["\n", "", "\r\n"][end]);
            }
            let index = LineIndex::new(&text);
            let mut expected = Vec::new();
            push_checkpoints(&text, &line_starts_reference(&text), &mut expected);
            proptest::prop_assert_eq!(&index.checkpoints, &expected);
            proptest::prop_assert_eq!(index.line_starts(), line_starts_reference(&text));
        }
    }

    #[test]
    fn texts_split_in_two_give_the_line_starts_and_checkpoints_of_the_whole() {
        // texts over the split size: short and long lines (some over the stride, one
        // across the middle), a line feed right at the cut, carriage returns, a first half
        // without line feeds, a second without any, a byte-order mark
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as usize
        };
        let mut texts = Vec::new();
        for case in 0..6 {
            let mut text = String::from(if case == 5 { "\u{feff}" } else { "" });
            while text.len() < SPLIT_LINES_BYTES + 5000 {
                let len = if next(50) == 0 {
                    3000 + next(9000)
                } else {
                    next(120)
                };
                for _ in 0..len {
                    text.push(if next(9) == 0 { '\u{e9}' } else { 'a' });
                }
                text.push_str(match (case, next(3)) {
                    (1, 0) => "\r\n",
                    (2, 0) => "\r",
                    _ => "\n",
                });
            }
            if case == 3 {
                // one line feed, before the middle
                text = format!(
                    "{}\n{}",
                    "b".repeat(1000),
                    "c".repeat(SPLIT_LINES_BYTES * 2)
                );
            }
            if case == 4 {
                text.insert_str(0, &"d".repeat(SPLIT_LINES_BYTES * 2));
            }
            texts.push(text);
        }
        for text in &texts {
            let (starts, _) = line_starts_split(text.as_bytes());
            let serial = LineIndex::new(&text[..]);
            let reference = line_starts_reference(text);
            assert_eq!(serial.line_starts(), reference);
            if !text.contains('\r') {
                assert_eq!(starts, reference);
            }
            let mut expected = Vec::new();
            push_checkpoints(text, &reference, &mut expected);
            assert_eq!(serial.checkpoints, expected);
        }
    }

    #[test]
    fn long_lines_at_block_edges_have_checkpoints() {
        for len in [4094, 4095, 4096, 4097, 4160, 4161, 8192] {
            for pad in [0, 1, 63] {
                let text = format!(
                    "{}\n{}\n{}",
                    "a".repeat(pad),
                    "b".repeat(len),
                    "c".repeat(len)
                );
                let index = LineIndex::new(&text);
                let mut expected = Vec::new();
                push_checkpoints(&text, &line_starts_reference(&text), &mut expected);
                assert_eq!(index.checkpoints, expected, "{len} {pad}");
            }
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
