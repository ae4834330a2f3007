//! Articles: reading Markdown or plain text into a [`Article`] whose blocks and sentences are
//! spans into the original text.
//!
//! The central idea is the **prose mask**: [`Article::prose`] has exactly the bytes of the
//! original text, except that everything that is not prose (Markdown syntax, code, URLs,
//! HTML comments, front matter keys) is replaced by spaces, newlines kept. Extractors read
//! the mask, so every offset they find is an offset into the original file, with no mapping.

pub(crate) mod bits;
pub mod frontmatter;
pub mod markdown;
pub mod plain;
pub mod sentences;

use std::path::Path;
use std::sync::{Arc, LazyLock};

use memchr::memmem;

use serde::Serialize;

use crate::kb::time::FactDate;
use crate::span::{LineIndex, Position, Span};

/// How the article is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Markdown,
    Text,
}

impl Format {
    /// Markdown for `.md` and `.markdown`, plain text otherwise.
    pub fn from_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("md" | "markdown" | "mdown" | "mkd") => Format::Markdown,
            _ => Format::Text,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockKind {
    /// The front-matter title.
    Title,
    Heading,
    Paragraph,
    ListItem,
}

/// A block of prose: a heading, paragraph or list item.
#[derive(Clone, Debug, Serialize)]
pub struct Block {
    pub kind: BlockKind,
    /// From the first to the last prose byte of the block.
    pub span: Span,
    /// Part of the headline: the title, or the first heading or line and any headings that
    /// follow it before the first paragraph.
    pub headline: bool,
    /// Inside a block quote.
    pub quoted: bool,
}

/// A sentence, inside one block.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Sentence {
    pub span: Span,
    pub block: u32,
}

/// Where the article's date came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateSource {
    FrontMatter,
    Dateline,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct ArticleDate {
    pub date: FactDate,
    pub span: Span,
    pub source: DateSource,
}

/// An HTML comment (`<!-- ... -->`), kept for suppressions and test annotations.
#[derive(Clone, Debug, Serialize)]
pub struct Comment {
    pub span: Span,
    /// The text between `<!--` and `-->`, trimmed.
    pub body: String,
}

/// A read article. Every span is a byte range into [`Article::text`].
#[derive(Debug)]
pub struct Article {
    pub path: String,
    pub format: Format,
    pub text: Arc<str>,
    /// The prose mask: same length as `text`, non-prose bytes replaced by spaces.
    pub prose: String,
    pub lines: LineIndex,
    pub date: Option<ArticleDate>,
    pub blocks: Vec<Block>,
    pub sentences: Vec<Sentence>,
    /// The words of every block's prose (letters, digits, `'` and `-`, as
    /// [`crate::extract::words::word_spans`]), in order: tokenized once, shared by the
    /// extractors through [`Article::words_in`].
    pub words: Vec<Span>,
    pub comments: Vec<Comment>,
}

/// Why a file is not an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    Empty,
    /// Only white space.
    Blank,
    Binary {
        offset: usize,
    },
    InvalidUtf8 {
        offset: usize,
    },
    Utf16,
    TooLarge {
        size: u64,
        limit: u64,
    },
    Io(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Empty => f.write_str("the file is empty"),
            ReadError::Blank => f.write_str("the file has only white space, no text"),
            ReadError::Binary { offset } => {
                write!(f, "binary file (NUL byte at byte {offset}), not an article")
            }
            ReadError::InvalidUtf8 { offset } => write!(f, "invalid UTF-8 at byte {offset}"),
            ReadError::Utf16 => f.write_str("the file is UTF-16; convert it to UTF-8"),
            ReadError::TooLarge { size, limit } => {
                write!(
                    f,
                    "the file is {size} bytes, over the limit of {limit} bytes (see --max-file-size)"
                )
            }
            ReadError::Io(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for ReadError {}

impl Article {
    /// Decodes bytes into an article, or says why they are not one.
    pub fn from_bytes(path: &str, format: Format, bytes: Vec<u8>) -> Result<Article, ReadError> {
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Err(ReadError::Utf16);
        }
        if let Some(offset) = memchr::memchr(0, &bytes) {
            return Err(ReadError::Binary { offset });
        }
        let text = string_from_utf8(bytes).map_err(|e| ReadError::InvalidUtf8 {
            offset: e.utf8_error().valid_up_to(),
        })?;
        if text.is_empty() {
            return Err(ReadError::Empty);
        }
        if text.trim().is_empty() {
            return Err(ReadError::Blank);
        }
        Ok(Article::parse(path, format, text))
    }

    /// Reads an article from text.
    pub fn parse(path: &str, format: Format, text: String) -> Article {
        let text: Arc<str> = text.into();
        let lines = LineIndex::new(&text);
        let mut prose = Mask::with_breaks(&text, lines.line_starts());
        let front = frontmatter::parse(&text);
        let body_start = front.as_ref().map_or(0, |f| f.end);
        // at most one block per line, and about one per two lines in news text
        let mut blocks = Vec::with_capacity(lines.line_count() / 2 + 2);
        let mut comments = Vec::new();
        if let Some(title) = front.as_ref().and_then(|f| f.title) {
            prose.show(&text, title);
            blocks.push(Block {
                kind: BlockKind::Title,
                span: title,
                headline: true,
                quoted: false,
            });
        }
        match format {
            Format::Markdown => {
                markdown::read(&text, body_start, &mut prose, &mut blocks, &mut comments)
            }
            Format::Text => plain::read(
                &text,
                body_start,
                lines.line_starts(),
                &mut prose,
                &mut blocks,
                &mut comments,
            ),
        }
        prose.hide_urls();
        let prose = prose.into_string();
        mark_headline(&mut blocks, &text);
        // the words and the sentences of each block, from one walk over its chunks: the walk
        // that finds the words keeps the chunks' sentence stops for the splitter (the same
        // sentences as `sentences::split`)
        // about one sentence per 100 bytes of prose in news text: one allocation, mostly
        let mut sentences = Vec::with_capacity(prose.len() / 100 + blocks.len());
        // about one word per 6 bytes of prose: room for a little more, so that it is one
        // allocation
        let mut words = crate::extract::words::WordTable::with_capacity(prose.len() / 5 + 8);
        let mut stops = Vec::new();
        let fits_u32 = u32::try_from(prose.len()).is_ok();
        for (index, block) in blocks.iter().enumerate() {
            let start = block.span.start as usize;
            let text = block.span.slice(&prose);
            stops.clear();
            if fits_u32 {
                // every offset fits: no saturating conversion per word (as `Span::new`)
                crate::extract::words::block_words_and_stops(
                    text,
                    start as u32,
                    &mut words,
                    &mut stops,
                );
            } else {
                crate::extract::words::for_each_word_and_stops(text, &mut stops, |s, e| {
                    words.push(Span::new(start + s, start + e));
                });
            }
            sentences::split_with_stops(text, &stops, |s, e| {
                sentences.push(Sentence {
                    span: Span::new(start + s, start + e),
                    block: index as u32,
                });
            });
        }
        let mut words = words.into_vec();
        // blocks come in order and do not overlap, so the words are sorted and unique; should
        // a reader ever break that, they are sorted and deduplicated
        let mut end = 0;
        let ordered = blocks.iter().all(|b| {
            let ok = end <= b.span.start && b.span.start <= b.span.end;
            end = b.span.end;
            ok
        });
        if !ordered {
            words.sort_unstable_by_key(|w| (w.start, w.end));
            words.dedup();
        }
        let mut article = Article {
            path: path.to_string(),
            format,
            text,
            prose,
            lines,
            date: None,
            blocks,
            sentences,
            words,
            comments,
        };
        article.date = front
            .and_then(|f| f.date)
            .map(|(date, span)| ArticleDate {
                date,
                span,
                source: DateSource::FrontMatter,
            })
            .or_else(|| crate::extract::dates::dateline(&article));
        article
    }

    pub fn position(&self, offset: u32) -> Position {
        self.lines.position(&self.text, offset)
    }

    /// The original text of a span.
    pub fn slice(&self, span: Span) -> &str {
        span.slice(&self.text)
    }

    /// The prose of a span (masked bytes as spaces).
    pub fn prose_of(&self, span: Span) -> &str {
        span.slice(&self.prose)
    }

    /// The blocks of the headline.
    pub fn headline(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.headline)
    }

    /// The words inside `span` (a sentence or block): a slice of [`Article::words`].
    pub fn words_in(&self, span: Span) -> &[Span] {
        let start = self.words.partition_point(|w| w.start < span.start);
        let end = self.words.partition_point(|w| w.start < span.end);
        &self.words[start..end.max(start)]
    }

    /// The sentence containing `offset`, if any.
    pub fn sentence_at(&self, offset: u32) -> Option<&Sentence> {
        let i = self.sentences.partition_point(|s| s.span.end <= offset);
        self.sentences.get(i).filter(|s| s.span.start <= offset)
    }
}

/// The prose mask while it is built: bytes, so that showing and hiding spans is a copy in
/// place. Only whole characters are ever copied or blanked, so it stays valid UTF-8.
pub(crate) struct Mask(Vec<u8>);

impl Mask {
    /// Every byte hidden except line breaks (as [`Mask::new`]), the line breaks taken from
    /// `line_starts` (the text's, as [`LineIndex::line_starts`] has them) instead of tested
    /// byte by byte: every `\n` and `\r` of the text ends a line, so it is the byte before a
    /// line start, or the `\r` before such a `\n`.
    fn with_breaks(text: &str, line_starts: &[u32]) -> Mask {
        let bytes = text.as_bytes();
        let mut mask = vec![b' '; bytes.len()];
        for &start in line_starts.get(1..).unwrap_or(&[]) {
            let s = start as usize;
            // a line start after the first follows a line break
            if let Some(&b) = bytes.get(s.wrapping_sub(1))
                && (b == b'\n' || b == b'\r')
            {
                mask[s - 1] = b;
                if b == b'\n' && s >= 2 && bytes[s - 2] == b'\r' {
                    mask[s - 2] = b'\r';
                }
            }
        }
        Mask(mask)
    }

    /// Every byte hidden except line breaks.
    #[cfg(test)]
    fn new(text: &str) -> Mask {
        Mask(
            text.bytes()
                .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
                .collect(),
        )
    }

    /// Shows the original bytes of `span`.
    pub(crate) fn show(&mut self, text: &str, span: Span) {
        let range = span.range();
        if text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end)
            && range.end <= self.0.len()
        {
            self.0[range.clone()].copy_from_slice(&text.as_bytes()[range]);
        }
    }

    /// Hides `span` (line breaks stay). `span` must cover whole characters.
    pub(crate) fn hide(&mut self, span: Span) {
        if let Some(bytes) = self.0.get_mut(span.range()) {
            for b in bytes {
                if *b != b'\n' && *b != b'\r' {
                    *b = b' ';
                }
            }
        }
    }

    /// URLs in prose are not prose: `https://...`, `http://...`, `www....`.
    fn hide_urls(&mut self) {
        // every URL starts with `http://`, `https://` or `www.`: two substring searches, for
        // `://` (rare in prose, unlike `http`) and `www.`, each result kept until passed, so
        // the text is scanned about twice in all
        // the searcher is built once, not per search
        static SCHEME: LazyLock<memmem::Finder<'static>> =
            LazyLock::new(|| memmem::Finder::new(b"://"));
        // the first `http://` or `https://` that starts at or after `from`: its `://` is
        // four or five bytes on
        self.hide_urls_with(|from: usize, bytes: &[u8]| {
            let mut at = from;
            loop {
                let p = find_from(at, &SCHEME, bytes)?;
                let start = if p >= 5 && &bytes[p - 5..p] == b"https" {
                    Some(p - 5)
                } else if p >= 4 && &bytes[p - 4..p] == b"http" {
                    Some(p - 4)
                } else {
                    None
                };
                if let Some(start) = start.filter(|&s| s >= from) {
                    return Some(start);
                }
                at = p + 1;
            }
        });
    }

    /// [`Mask::hide_urls`] with a search for every `http`: the reference of the tests.
    #[cfg(test)]
    fn hide_urls_reference(&mut self) {
        static HTTP: LazyLock<memmem::Finder<'static>> =
            LazyLock::new(|| memmem::Finder::new(b"http"));
        self.hide_urls_with(|from: usize, bytes: &[u8]| find_from(from, &HTTP, bytes));
    }

    /// Hides the URLs that start at the candidates `next_http(from, text)` gives (the first
    /// at or after `from` that may start `http`) and at each `www.`.
    fn hide_urls_with(&mut self, next_http: impl Fn(usize, &[u8]) -> Option<usize>) {
        static WWW: LazyLock<memmem::Finder<'static>> =
            LazyLock::new(|| memmem::Finder::new(b"www."));
        let mut http = next_http(0, &self.0);
        let mut www = find_from(0, &WWW, &self.0);
        loop {
            let i = match (http, www) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => match a.or(b) {
                    Some(i) => i,
                    None => break,
                },
            };
            let rest = &self.0[i..];
            let is_url = rest.starts_with(b"http://")
                || rest.starts_with(b"https://")
                || rest.starts_with(b"www.");
            let mut after = i + 1;
            if is_url && (i == 0 || !self.0[i - 1].is_ascii_alphanumeric()) {
                let len = rest
                    .iter()
                    .position(|&b| b.is_ascii_whitespace() || matches!(b, b'<' | b'>' | b'"'))
                    .unwrap_or(rest.len());
                self.hide(Span::new(i, i + len));
                after = i + len;
            }
            if http.is_some_and(|h| h < after) {
                http = next_http(after, &self.0);
            }
            if www.is_some_and(|w| w < after) {
                www = find_from(after, &WWW, &self.0);
            }
        }
    }

    fn into_string(self) -> String {
        string_from_utf8(self.0)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// The first match of `finder` in `bytes` at or after `from`.
fn find_from(from: usize, finder: &memmem::Finder<'static>, bytes: &[u8]) -> Option<usize> {
    bytes
        .get(from..)
        .and_then(|rest| finder.find(rest))
        .map(|p| from + p)
}

/// `String::from_utf8`, checked with simdutf8 (several times fewer instructions than std's
/// check on news text); on failure std's check says where, for the message.
fn string_from_utf8(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: simdutf8 has just checked that `bytes` is valid UTF-8, which is all that
        // `from_utf8_unchecked` requires.
        return Ok(unsafe { String::from_utf8_unchecked(bytes) });
    }
    String::from_utf8(bytes)
}

/// `text` without leading and trailing white space (as [`str::trim`]), as the byte range it
/// keeps: ASCII white space is skipped byte by byte, and only a non-ASCII character at either
/// end is decoded.
#[inline]
pub(crate) fn trim_range(text: &str) -> std::ops::Range<usize> {
    // the ASCII characters that `char::is_whitespace` accepts
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() && space(bytes[start]) {
        start += 1;
    }
    let mut end = bytes.len();
    while end > start && space(bytes[end - 1]) {
        end -= 1;
    }
    if bytes.get(start).is_some_and(|&b| b >= 0x80) || (end > start && bytes[end - 1] >= 0x80) {
        // a non-ASCII character at an end, maybe white space: the careful way
        let rest = text.get(start..end).unwrap_or("");
        let trimmed_start = rest.trim_start();
        if trimmed_start.is_empty() {
            // all white space: empty at the end, as `str::trim_start`
            return text.len()..text.len();
        }
        let lead = rest.len() - trimmed_start.len();
        return start + lead..start + lead + trimmed_start.trim_end().len();
    }
    start..end
}

/// The headline is the title, else the first block (a heading, the first line of a plain
/// text, or a title-like first paragraph), and any headings that follow it before the first
/// paragraph.
fn mark_headline(blocks: &mut [Block], text: &str) {
    let Some(first) = blocks.first_mut() else {
        return;
    };
    // A Markdown article that opens with a paragraph has a headline only if that paragraph
    // reads like one; a dateline paragraph is body text.
    if first.kind == BlockKind::Paragraph && !plain::is_title_like(first.span.slice(text)) {
        return;
    }
    first.headline = true;
    if first.kind == BlockKind::Title {
        return;
    }
    for block in blocks.iter_mut().skip(1) {
        if block.kind != BlockKind::Heading {
            break;
        }
        block.headline = true;
    }
}

#[cfg(test)]
mod tests {
    use super::trim_range;

    /// What `trim_range` must return: the range of `str::trim`'s result.
    fn reference(text: &str) -> std::ops::Range<usize> {
        let lead = text.len() - text.trim_start().len();
        lead..lead + text.trim().len()
    }

    #[test]
    fn trim_range_is_trim() {
        for text in [
            "",
            " ",
            "  a b  ",
            "\t\x0B\x0Cx\r\n",
            "\u{a0}x\u{a0}",
            " \u{2003} x \u{3000}",
            "\u{201c}x\u{201d}",
            "\u{85}",
            "\x1Cx\x1F",
            " \u{e9} ",
            // found by the property test: all white space, ending in ASCII
            "\u{a0} ",
        ] {
            assert_eq!(trim_range(text), reference(text), "{text:?}");
        }
    }

    /// The mask from line starts is the mask tested byte by byte.
    fn masks_agree(text: &str) {
        let lines = crate::span::LineIndex::new(text);
        assert_eq!(
            super::Mask::with_breaks(text, lines.line_starts()).0,
            super::Mask::new(text).0,
            "{text:?}"
        );
    }

    #[test]
    fn masks_from_line_starts() {
        for text in [
            "",
            "\n",
            "\r",
            "\r\n",
            "a\r\r\nb\n\rc",
            "\u{feff}x\ny\r",
            "\u{e9}\r\n\n",
        ] {
            masks_agree(text);
        }
    }

    /// URLs hidden by searching for `://` are those hidden by searching for every `http`.
    fn urls_agree(text: &str) {
        let mut fast = super::Mask(text.as_bytes().to_vec());
        fast.hide_urls();
        let mut slow = super::Mask(text.as_bytes().to_vec());
        slow.hide_urls_reference();
        assert_eq!(fast.0, slow.0, "{text:?}");
    }

    #[test]
    fn url_examples() {
        for text in [
            "",
            "see https://a.b/c and http://x.y, www.z.org",
            "xhttp://a httphttp://b ahttps://c https//d http:/e ://f s://g",
            "\"https://a\" <http://b> www.www.c wwww.d",
            "https://a.b/http://c.d www.e/https://f",
            "http",
            "https:",
            "://",
        ] {
            urls_agree(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn urls_agree_with_the_reference(
            text in "(http|https|://|www\\.|w|s|:|/|h|tp|a|1| |\n|\"|<|\\.){0,24}"
        ) {
            urls_agree(&text);
        }

        #[test]
        fn masks_from_line_starts_agree(text in "[a \n\r\u{e9}\u{2028}\u{85}]{0,40}") {
            masks_agree(&text);
        }

        #[test]
        fn trim_range_agrees_with_trim(text in "[ \t\n\r\x0B\x0C\x1Cab.\u{a0}\u{85}\u{2003}\u{e9}\u{201d}]{0,12}") {
            proptest::prop_assert_eq!(trim_range(&text), reference(&text));
        }
    }
}
