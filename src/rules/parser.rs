//! The rule-language parser (nom 8, over plain `&str` with offsets taken from the file text).
//!
//! The language is line-oriented: a statement starts at column 0, and indented lines continue
//! the entity or relation declared above them. Each line is parsed on its own, so a mistake
//! costs one line: the parser records the error and carries on with the next line, and a
//! file with five mistakes reports five. The grammar is documented in `docs/rules.md`.

use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::{opt, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};

use std::borrow::Cow;

use rayon::prelude::*;

use crate::kb::time::FactDate;
use crate::rules::ast::*;
use crate::span::Span;

/// A syntax error: where, what went wrong, a label for the span, and how to fix it.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

/// The `use` lines of a rule file: (path, span of the statement). Lines that fail to parse
/// are left out; the full parse reports them.
pub fn imports(text: &str) -> Vec<(String, Span)> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let p = P {
        base: text,
        fast: true,
    };
    let bytes = body.as_bytes();
    // Only lines that start with `use` matter: look for the word, not at every line (a
    // loaded file is scanned for imports before the cache is asked for its compiled form).
    memchr::memmem::find_iter(bytes, b"use")
        .filter(|&at| at == 0 || matches!(bytes[at - 1], b'\n' | b'\r'))
        .map(|at| {
            let end = memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |n| at + n);
            &body[at..end]
        })
        .filter(|line| line[3..].starts_with([' ', '\t']))
        .filter_map(|line| match p.use_statement(line) {
            Ok((_, Statement::Use(u))) => Some((u.path.node.into_owned(), u.span)),
            _ => None,
        })
        .collect()
}

/// Files larger than this are parsed in parallel chunks.
const PARALLEL_PARSE_BYTES: usize = 1 << 20;

/// Parses a whole rule file, returning every statement that parsed and every error found.
///
/// A large file is cut at statement boundaries (lines that start at column 0) into one
/// chunk per available core, and the chunks are parsed on rayon's pool: lines are
/// independent, so the result is the same as a sequential parse.
pub fn parse(text: &str) -> (RuleFile<'_>, Vec<SyntaxError>) {
    let (file, errors, _) = parse_counted(text, usize::MAX);
    (file, errors)
}

/// Syntax errors kept per file when loading rules; past them errors are only counted, so
/// that a large file of garbage costs memory for its count, not for millions of messages.
pub const MAX_KEPT_ERRORS: usize = 1000;

/// [`parse`], keeping at most `keep` syntax errors per chunk of the file and counting the
/// others: (syntax tree, kept errors, errors not kept).
pub fn parse_counted(text: &str, keep: usize) -> (RuleFile<'_>, Vec<SyntaxError>, usize) {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if body.len() < PARALLEL_PARSE_BYTES || threads < 2 {
        return parse_chunk(text, body, keep);
    }
    let mut chunks = Vec::with_capacity(threads);
    let mut rest = body;
    for n in (1..threads).rev() {
        let target = rest.len() / (n + 1);
        // the next line that starts a statement after `target`
        let cut = rest[target..]
            .match_indices('\n')
            .map(|(i, _)| target + i + 1)
            .find(|&i| rest[i..].starts_with(|c: char| !c.is_whitespace() && c != '#'));
        match cut {
            Some(cut) => {
                chunks.push(&rest[..cut]);
                rest = &rest[cut..];
            }
            None => break,
        }
    }
    chunks.push(rest);
    // rayon keeps the order of the chunks in the collected results
    let parts: Vec<(RuleFile<'_>, Vec<SyntaxError>, usize)> = chunks
        .par_iter()
        .map(|chunk| parse_chunk(text, chunk, keep))
        .collect();
    let mut file = RuleFile::default();
    let mut errors = Vec::new();
    let mut omitted = 0;
    for (part, part_errors, part_omitted) in parts {
        file.statements.extend(part.statements);
        let room = keep.saturating_sub(errors.len()).min(part_errors.len());
        omitted += part_omitted + part_errors.len() - room;
        errors.extend(part_errors.into_iter().take(room));
    }
    (file, errors, omitted)
}

/// Syntax errors of a chunk: the first `keep`, then a count.
struct Errors {
    kept: Vec<SyntaxError>,
    omitted: usize,
    keep: usize,
}

impl Errors {
    fn push(&mut self, err: SyntaxError) {
        if self.kept.len() < self.keep {
            self.kept.push(err);
        } else {
            self.omitted += 1;
        }
    }
}

/// Parses the lines of `chunk`, a subslice of `text` (spans are offsets into `text`).
fn parse_chunk<'a>(
    text: &'a str,
    chunk: &'a str,
    keep: usize,
) -> (RuleFile<'a>, Vec<SyntaxError>, usize) {
    parse_chunk_with(text, chunk, keep, true)
}

/// [`parse_chunk`], with the fast paths of the common line shapes or (`fast` false, for
/// the tests that compare the two) without them.
fn parse_chunk_with<'a>(
    text: &'a str,
    chunk: &'a str,
    keep: usize,
    fast: bool,
) -> (RuleFile<'a>, Vec<SyntaxError>, usize) {
    // about one statement per two lines of sixty bytes: room up front, few regrowths
    let mut file = RuleFile {
        statements: Vec::with_capacity(chunk.len() / 120),
    };
    let mut errors = Errors {
        kept: Vec::new(),
        omitted: 0,
        keep,
    };
    // After a statement fails, its continuation lines are skipped rather than reported as
    // orphans: one mistake, one error.
    let mut skip_continuations = false;
    for line in lines(chunk) {
        let content = line.trim_start_matches([' ', '\t']);
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indented = content.len() != line.len();
        let p = P { base: text, fast };
        if !indented {
            match p.statement(content) {
                Ok(statement) => {
                    file.statements.push(statement);
                    skip_continuations = false;
                }
                Err(err) => {
                    errors.push(err);
                    skip_continuations = true;
                }
            }
            continue;
        }
        if skip_continuations {
            // The statement above failed; still report this line's own syntax errors.
            let mut scratch = EntityDecl {
                kind: Spanned::new(Cow::Borrowed(""), Span::default()),
                name: Spanned::new(Cow::Borrowed(""), Span::default()),
                aliases: Vec::new(),
                one_holder_at_a_time: None,
                clauses: Vec::new(),
                span: Span::default(),
            };
            // Only errors that do not depend on what the line continues: an unterminated
            // string, an impossible date, a bad escape.
            if let Err(err) = p.entity_continuation(content, &mut scratch)
                && LINE_LOCAL_ERRORS
                    .iter()
                    .any(|start| err.message.starts_with(start))
            {
                errors.push(err);
            }
            continue;
        }
        let result = match file.statements.last_mut() {
            Some(Statement::Entity(entity)) => p.entity_continuation(content, entity),
            Some(Statement::Relation(relation)) => p.relation_continuation(content, relation),
            _ => Err(SyntaxError {
                span: Span::of(text, content),
                message: "an indented line must continue an entity or relation declared above it"
                    .into(),
                label: "nothing to continue".into(),
                help: Some(
                    "start statements at column 0; indent only the lines that add facts to the \
                     entity above (or modifiers to the relation above)"
                        .into(),
                ),
            }),
        };
        if let Err(err) = result {
            errors.push(err);
        }
    }
    (file, errors.kept, errors.omitted)
}

/// Syntax errors that a line has whatever statement it belongs to.
const LINE_LOCAL_ERRORS: [&str; 3] = ["unterminated string", "invalid date", "unknown escape"];

/// The lines of `body`, without their endings (`\n`, `\r\n` or a lone `\r`), as subslices.
fn lines(body: &str) -> impl Iterator<Item = &str> {
    // one memchr2 scan finds both kinds of line end
    let bytes = body.as_bytes();
    let mut ends = memchr::memchr2_iter(b'\n', b'\r', bytes);
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        loop {
            match ends.next() {
                // the `\n` of a `\r\n` pair: its line was yielded at the `\r`
                Some(i) if bytes[i] == b'\n' && i > 0 && bytes[i - 1] == b'\r' && i == start => {
                    start = i + 1;
                    continue;
                }
                Some(i) => {
                    let line = &body[start..i];
                    start = i + 1;
                    return Some(line);
                }
                None => {
                    done = true;
                    return Some(&body[start..]);
                }
            }
        }
    })
}

/// A parse error in nom's terms: the input where it happened and what was wanted.
#[derive(Debug)]
pub struct PError<'a> {
    at: &'a str,
    kind: ErrKind,
}

#[derive(Debug)]
enum ErrKind {
    Expected(&'static str),
    Invalid {
        message: String,
        label: String,
        help: Option<String>,
        len: usize,
    },
}

impl<'a> ParseError<&'a str> for PError<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        PError {
            at: input,
            kind: ErrKind::Expected("something else"),
        }
    }

    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

type R<'a, T> = IResult<&'a str, T, PError<'a>>;

fn expected<'a, T>(at: &'a str, what: &'static str) -> R<'a, T> {
    Err(nom::Err::Error(PError {
        at,
        kind: ErrKind::Expected(what),
    }))
}

/// Turns a recoverable error into a final one that names what was expected.
fn cut_as<'a, T>(what: &'static str, result: R<'a, T>, at: &'a str) -> R<'a, T> {
    result.map_err(|e| match e {
        nom::Err::Error(_) => nom::Err::Failure(PError {
            at,
            kind: ErrKind::Expected(what),
        }),
        other => other,
    })
}

fn invalid<'a, T>(
    at: &'a str,
    len: usize,
    message: String,
    label: &str,
    help: Option<&str>,
) -> R<'a, T> {
    Err(nom::Err::Failure(PError {
        at,
        kind: ErrKind::Invalid {
            message,
            label: label.into(),
            help: help.map(Into::into),
            len,
        },
    }))
}

fn ws1(i: &str) -> R<'_, &str> {
    take_while1(|c| c == ' ' || c == '\t').parse(i)
}

fn ws0(i: &str) -> R<'_, &str> {
    take_while(|c| c == ' ' || c == '\t').parse(i)
}

/// The text of a literal: one or more digits, `-` and `.` (a date or a number). A byte
/// loop ([`run_len`]; the characters are ASCII) with the error `take_while1` gives.
fn literal_text(i: &str) -> R<'_, &str> {
    let len = run_len(i.as_bytes(), 0, LITERAL);
    if len == 0 {
        return Err(nom::Err::Error(PError::from_error_kind(
            i,
            ErrorKind::TakeWhile1,
        )));
    }
    Ok((&i[len..], &i[..len]))
}

/// A bare word: an ASCII letter or `_`, then letters, digits and `_`. Written by hand over
/// bytes ([`word_len`]): it is the parser's most called function.
fn word(i: &str) -> R<'_, &str> {
    match word_len(i.as_bytes(), 0) {
        0 => Err(nom::Err::Error(PError::from_error_kind(
            i,
            ErrorKind::Alpha,
        ))),
        len => Ok((&i[len..], &i[..len])),
    }
}

/// Byte classes of the fast paths: bits of [`CLASS`].
const WORD_START: u8 = 1;
const WORD: u8 = 2;
const BLANK: u8 = 4;
const LITERAL: u8 = 8;

/// The class bits of every byte: [`word`]'s first and later bytes, the blanks of [`ws1`], and
/// the bytes of [`literal_text`].
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphabetic() || c == b'_' {
            table[b] |= WORD_START;
        }
        if c.is_ascii_alphanumeric() || c == b'_' {
            table[b] |= WORD;
        }
        if c == b' ' || c == b'\t' {
            table[b] |= BLANK;
        }
        if c.is_ascii_digit() || c == b'-' || c == b'.' {
            table[b] |= LITERAL;
        }
        b += 1;
    }
    table
};

/// The length of the run of bytes of class `class` in `b` from `at`, which is at most
/// `b.len()`.
fn run_len(b: &[u8], mut at: usize, class: u8) -> usize {
    let start = at;
    while at < b.len() && CLASS[usize::from(b[at])] & class != 0 {
        at += 1;
    }
    at - start
}

/// The length of the word at `at` in `b` ([`word`]'s rule), 0 when there is none.
fn word_len(b: &[u8], at: usize) -> usize {
    match b.get(at) {
        Some(&c) if CLASS[usize::from(c)] & WORD_START != 0 => 1 + run_len(b, at + 1, WORD),
        _ => 0,
    }
}

/// A date at the start of `b` in its common form: the literal (the whole run of digits, `-`
/// and `.` that [`literal_text`] takes) is exactly `YYYY`, `YYYY-MM` or `YYYY-MM-DD` and names
/// an existing date, with a month and a day from 1. Returns the literal's length and the date,
/// which is what [`FactDate::parse`] gives for it; `None` for any other literal (the general
/// path then parses it, or reports it).
fn fast_date(b: &[u8]) -> Option<(usize, FactDate)> {
    let digit = |c: u8| {
        let d = c.wrapping_sub(b'0');
        (d < 10).then_some(i16::from(d))
    };
    let ends = |after: &[u8]| {
        after
            .first()
            .is_none_or(|&c| CLASS[usize::from(c)] & LITERAL == 0)
    };
    let [y1, y2, y3, y4, rest @ ..] = b else {
        return None;
    };
    let year = ((digit(*y1)? * 10 + digit(*y2)?) * 10 + digit(*y3)?) * 10 + digit(*y4)?;
    let (len, month, day) = match rest {
        [b'-', m1, m2, b'-', d1, d2, after @ ..] if ends(after) => (
            10,
            digit(*m1)? * 10 + digit(*m2)?,
            digit(*d1)? * 10 + digit(*d2)?,
        ),
        [b'-', m1, m2, after @ ..] if ends(after) => (7, digit(*m1)? * 10 + digit(*m2)?, 0),
        after if ends(after) => (4, 0, 0),
        _ => return None,
    };
    if (len > 4 && month == 0) || (len > 7 && day == 0) {
        return None;
    }
    FactDate::from_raw((year, month as i8, day as i8)).map(|date| (len, date))
}

fn keyword<'a>(kw: &'static str) -> impl FnMut(&'a str) -> R<'a, &'a str> {
    move |i| match word(i) {
        Ok((rest, w)) if w == kw => Ok((rest, w)),
        _ => expected(i, kw),
    }
}

/// The end of a line: optional spaces, then nothing or a comment.
fn eol<'a>(i: &'a str, what: &'static str) -> R<'a, ()> {
    let (rest, _) = ws0(i)?;
    if rest.is_empty() || rest.starts_with('#') {
        Ok(("", ()))
    } else {
        Err(nom::Err::Failure(PError {
            at: rest,
            kind: ErrKind::Expected(what),
        }))
    }
}

/// The length of the token at the start of `i`, for error spans.
fn token_len(i: &str) -> usize {
    if let Some(body) = i.strip_prefix('"') {
        return body.find('"').map_or(i.len(), |n| n + 2);
    }
    let w = i
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .unwrap_or(i.len());
    if w > 0 {
        w
    } else {
        i.chars().next().map_or(0, char::len_utf8)
    }
}

fn describe(i: &str) -> String {
    match token_len(i) {
        0 => "the end of the line".into(),
        n => format!("`{}`", &i[..n]),
    }
}

const STATEMENT_KEYWORDS: [&str; 4] = ["use", "kind", "relation", "not"];

/// The parser, which knows the file text so it can turn subslices into spans.
#[derive(Clone, Copy)]
struct P<'a> {
    base: &'a str,
    /// Whether to try [`P::fast_clause`] before the general parser (always, but in tests
    /// that compare the two).
    fast: bool,
}

impl<'a> P<'a> {
    fn span(self, part: &'a str) -> Span {
        Span::of(self.base, part)
    }

    /// The span from `start` up to where `rest` begins.
    fn between(self, start: &'a str, rest: &'a str) -> Span {
        let s = self.span(start);
        Span {
            start: s.start,
            end: s.end - rest.len() as u32,
        }
    }

    fn into_syntax_error(self, err: nom::Err<PError<'a>>, line: &'a str) -> SyntaxError {
        let err = match err {
            nom::Err::Error(e) | nom::Err::Failure(e) => e,
            nom::Err::Incomplete(_) => PError {
                at: line,
                kind: ErrKind::Expected("more input"),
            },
        };
        // An expected token is pointed at past the spaces before it.
        let at_token = match err.kind {
            ErrKind::Expected(_) => err.at.trim_start_matches([' ', '\t']),
            ErrKind::Invalid { .. } => err.at,
        };
        let at = self.span(at_token).start as usize;
        match err.kind {
            ErrKind::Expected(what) => SyntaxError {
                span: Span::new(at, at + token_len(at_token)),
                message: format!("expected {what}, found {}", describe(at_token)),
                label: format!("expected {what}"),
                help: None,
            },
            ErrKind::Invalid {
                message,
                label,
                help,
                len,
            } => SyntaxError {
                span: Span::new(at, at + len),
                message,
                label,
                help,
            },
        }
    }

    fn ident(self, i: &'a str, what: &'static str) -> R<'a, Ident<'a>> {
        match word(i) {
            Ok((rest, w)) => Ok((rest, Spanned::new(Cow::Borrowed(w), self.span(w)))),
            Err(_) => expected(i, what),
        }
    }

    fn string(self, i: &'a str) -> R<'a, StrLit<'a>> {
        let (body, _) = char('"').parse(i)?;
        // Fast path: no escape before the closing quote, so the value is a plain slice.
        if let Some(close) = memchr::memchr2(b'"', b'\\', body.as_bytes())
            && body.as_bytes()[close] == b'"'
        {
            let rest = &body[close + 1..];
            return Ok((
                rest,
                Spanned::new(Cow::Borrowed(&body[..close]), self.between(i, rest)),
            ));
        }
        let mut value = String::new();
        let mut chars = body.char_indices();
        while let Some((n, c)) = chars.next() {
            match c {
                '"' => {
                    let rest = &body[n + 1..];
                    return Ok((rest, Spanned::new(Cow::Owned(value), self.between(i, rest))));
                }
                '\\' => match chars.next() {
                    Some((_, c @ ('"' | '\\'))) => value.push(c),
                    Some((_, other)) => {
                        return invalid(
                            &body[n..],
                            1 + other.len_utf8(),
                            format!("unknown escape `\\{other}` in a string"),
                            "unknown escape",
                            Some(
                                "only `\\\"` and `\\\\` are escapes; write other characters as they are",
                            ),
                        );
                    }
                    None => break,
                },
                c => value.push(c),
            }
        }
        invalid(
            i,
            i.len(),
            "unterminated string".into(),
            "this string is never closed",
            Some("close it with `\"` on the same line: strings cannot span lines"),
        )
    }

    fn string_list(self, i: &'a str) -> R<'a, Vec<StrLit<'a>>> {
        let (mut rest, first) = cut_as("a quoted name", self.string(i), i)?;
        let mut items = vec![first];
        loop {
            let Ok((after_comma, _)) = (ws0, char::<_, PError<'a>>(','), ws0).parse(rest) else {
                return Ok((rest, items));
            };
            let (after, item) = cut_as(
                "a quoted name after `,`",
                self.string(after_comma),
                after_comma,
            )?;
            items.push(item);
            rest = after;
        }
    }

    /// A date or number literal: `2014`, `2014-03`, `2014-03-18`, `12`, `2.5`.
    fn literal(self, i: &'a str) -> R<'a, Spanned<Value<'a>>> {
        let (rest, text) = literal_text(i)?;
        let span = self.span(text);
        let is_year = text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit());
        // `-3` and `-2.5` are numbers; any other `-` makes a date
        let negative = text.starts_with('-') && !text[1..].contains('-');
        if (text.contains('-') && !negative) || is_year {
            return match FactDate::parse(text) {
                Ok(date) => Ok((rest, Spanned::new(Value::Date(date), span))),
                Err(e) => invalid(
                    text,
                    text.len(),
                    format!("invalid date `{text}`: {}", e.message),
                    "not a valid date",
                    Some(
                        "dates are written YYYY, YYYY-MM or YYYY-MM-DD, and must exist in the calendar",
                    ),
                ),
            };
        }
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok((rest, Spanned::new(Value::Number(n), span))),
            _ => invalid(
                text,
                text.len(),
                format!("`{text}` is not a number"),
                "not a number",
                None,
            ),
        }
    }

    fn date(self, i: &'a str) -> R<'a, Spanned<FactDate>> {
        match self.literal(i) {
            Ok((
                rest,
                Spanned {
                    node: Value::Date(d),
                    span,
                },
            )) => Ok((rest, Spanned::new(d, span))),
            Ok(_) | Err(nom::Err::Error(_)) => Err(nom::Err::Failure(PError {
                at: i,
                kind: ErrKind::Expected("a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
            })),
            Err(e) => Err(e),
        }
    }

    fn value(self, i: &'a str) -> R<'a, Spanned<Value<'a>>> {
        if i.starts_with('"') {
            let (rest, s) = self.string(i)?;
            return Ok((rest, Spanned::new(Value::Str(s.node), s.span)));
        }
        match self.literal(i) {
            Err(nom::Err::Error(_)) => Err(nom::Err::Failure(PError {
                at: i,
                kind: ErrKind::Expected("a value (a quoted name, a date or a number)"),
            })),
            other => other,
        }
    }

    /// `[from D] [until D] [on D]`, in any order, each at most once.
    fn validity(self, mut i: &'a str) -> R<'a, ValiditySyntax> {
        let mut validity = ValiditySyntax::default();
        loop {
            let Ok((after_ws, _)) = ws1(i) else {
                return Ok((i, validity));
            };
            let Ok((after_kw, kw)) = word(after_ws) else {
                return Ok((i, validity));
            };
            let slot = match kw {
                "from" => &mut validity.from,
                "until" => &mut validity.until,
                "on" => &mut validity.on,
                _ => return Ok((i, validity)),
            };
            let (after_ws2, _) = cut_as("a date", ws1(after_kw), after_kw)?;
            let (rest, date) = self.date(after_ws2)?;
            if slot.is_some() {
                return invalid(
                    after_ws,
                    kw.len(),
                    format!("`{kw}` is given twice"),
                    "second one here",
                    Some("a fact has at most one `from`, one `until` and one `on`"),
                );
            }
            *slot = Some(date);
            i = rest;
            if validity.on.is_some() && (validity.from.is_some() || validity.until.is_some()) {
                return invalid(
                    after_ws,
                    kw.len(),
                    "`on` cannot be combined with `from` or `until`".into(),
                    "conflicting validity",
                    Some("use `on D` for a single date, or `from D until D` for a period"),
                );
            }
        }
    }

    /// The common shape of a clause that ends its line, in one pass over the bytes:
    /// `RELATION "Value"` or `RELATION DATE` (a string without escapes, a date as
    /// [`fast_date`] reads it), then `from`, `until` and `on` dates each at most once and not
    /// `on` with the others, then the end of the line or a comment. Returns what [`P::clause`]
    /// returns for such a line (whose [`eol`] then succeeds); `None` for any other line,
    /// which the general parser handles, errors included. A relation named `not`, `aka` or
    /// `one` is left to it too, as those words start other forms.
    fn fast_clause(self, i: &'a str) -> Option<(&'a str, FactClause<'a>)> {
        if !self.fast {
            return None;
        }
        let b = i.as_bytes();
        let n = word_len(b, 0);
        if n == 0 || matches!(&b[..n], b"not" | b"aka" | b"one") {
            return None;
        }
        let relation = &i[..n];
        let blanks = run_len(b, n, BLANK);
        if blanks == 0 {
            return None;
        }
        let start = n + blanks;
        let (mut at, value) = if b.get(start) == Some(&b'"') {
            let body = start + 1;
            let close = body + memchr::memchr2(b'"', b'\\', &b[body..])?;
            if b[close] != b'"' {
                return None;
            }
            let end = close + 1;
            let value = Value::Str(Cow::Borrowed(&i[body..close]));
            (end, Spanned::new(value, self.span(&i[start..end])))
        } else {
            let (len, date) = fast_date(&b[start..])?;
            let end = start + len;
            (
                end,
                Spanned::new(Value::Date(date), self.span(&i[start..end])),
            )
        };
        let mut validity = ValiditySyntax::default();
        loop {
            let blanks = run_len(b, at, BLANK);
            let kw_start = at + blanks;
            let n = word_len(b, kw_start);
            if blanks == 0 || n == 0 {
                break;
            }
            let slot = match &b[kw_start..kw_start + n] {
                b"from" => &mut validity.from,
                b"until" => &mut validity.until,
                b"on" => &mut validity.on,
                _ => break,
            };
            let blanks = run_len(b, kw_start + n, BLANK);
            if blanks == 0 || slot.is_some() {
                return None;
            }
            let date_start = kw_start + n + blanks;
            let (len, date) = fast_date(&b[date_start..])?;
            at = date_start + len;
            *slot = Some(Spanned::new(date, self.span(&i[date_start..at])));
            if validity.on.is_some() && (validity.from.is_some() || validity.until.is_some()) {
                return None;
            }
        }
        // the end of the line: blanks, then nothing or a comment
        let tail = at + run_len(b, at, BLANK);
        if tail < b.len() && b[tail] != b'#' {
            return None;
        }
        let rest = &i[at..];
        Some((
            rest,
            FactClause {
                negated: false,
                relation: Spanned::new(Cow::Borrowed(relation), self.span(relation)),
                value,
                validity,
                span: self.between(i, rest),
            },
        ))
    }

    /// `[not] RELATION VALUE VALIDITY`
    fn clause(self, i: &'a str) -> R<'a, FactClause<'a>> {
        // most clauses do not start with `not`: skip reading the word twice
        let (rest, negated) = if i.starts_with("not") {
            opt((keyword("not"), ws1)).parse(i)?
        } else {
            (i, None)
        };
        let (rest, relation) = if negated.is_some() {
            cut_as(
                "a relation name after `not`",
                self.ident(rest, "a relation"),
                rest,
            )?
        } else {
            self.ident(rest, "a relation")?
        };
        let (rest, _) = cut_as("a value after the relation", ws1(rest), rest)?;
        let (rest, value) = self.value(rest)?;
        let (rest, validity) = self.validity(rest)?;
        Ok((
            rest,
            FactClause {
                negated: negated.is_some(),
                relation,
                value,
                validity,
                span: self.between(i, rest),
            },
        ))
    }

    fn statement(self, line: &'a str) -> Result<Statement<'a>, SyntaxError> {
        let result = if line.starts_with('"') {
            self.fact_statement(line, line)
        } else {
            match word(line) {
                Ok((_, "use")) => self.use_statement(line),
                Ok((_, "kind")) => self.kind_statement(line),
                Ok((_, "relation")) => self.relation_statement(line),
                Ok((rest, "not")) => self.not_statement(line, rest),
                Ok((rest, w)) => self.entity_statement(line, w, rest),
                Err(_) => invalid(
                    line,
                    token_len(line),
                    format!("a statement cannot start with {}", describe(line)),
                    "unexpected here",
                    Some(&format!("A {STATEMENT_HELP}")),
                ),
            }
        };
        result
            .map(|(_, s)| s)
            .map_err(|e| self.into_syntax_error(e, line))
    }

    fn use_statement(self, line: &'a str) -> R<'a, Statement<'a>> {
        let (rest, _) = keyword("use")(line)?;
        let (rest, _) = cut_as("a quoted path after `use`", ws1(rest), rest)?;
        let (rest, path) = cut_as("a quoted path after `use`", self.string(rest), rest)?;
        let span = self.between(line, rest);
        eol(rest, "the end of the line after the path")?;
        Ok(("", Statement::Use(UseDecl { path, span })))
    }

    fn kind_statement(self, line: &'a str) -> R<'a, Statement<'a>> {
        let (rest, _) = keyword("kind")(line)?;
        let (rest, _) = cut_as("a kind name", ws1(rest), rest)?;
        let (rest, name) = cut_as("a kind name", self.ident(rest, "a kind name"), rest)?;
        let (rest, parent) = match (ws1, keyword("is")).parse(rest) {
            Ok((after, _)) => {
                let (after, _) = cut_as("a parent kind after `is`", ws1(after), after)?;
                let (after, parent) = cut_as(
                    "a parent kind after `is`",
                    self.ident(after, "a kind"),
                    after,
                )?;
                (after, Some(parent))
            }
            Err(_) => (rest, None),
        };
        let span = self.between(line, rest);
        eol(rest, "`is PARENT` or the end of the line")?;
        Ok(("", Statement::Kind(KindDecl { name, parent, span })))
    }

    fn relation_statement(self, line: &'a str) -> R<'a, Statement<'a>> {
        let (rest, _) = keyword("relation")(line)?;
        let (rest, _) = cut_as("a relation name", ws1(rest), rest)?;
        let (rest, name) = cut_as("a relation name", self.ident(rest, "a relation name"), rest)?;
        let (rest, _) = cut_as(
            "`:` after the relation name",
            (ws0, tag(":"), ws0).parse(rest),
            rest,
        )?;
        let (rest, subject) = cut_as("the subject kind", self.ident(rest, "a kind"), rest)?;
        let (rest, _) = cut_as(
            "`->` after the subject kind",
            (ws0, tag("->"), ws0).parse(rest),
            rest,
        )?;
        let (rest, value) = cut_as(
            "the value type (a kind, `date`, `number` or `string`)",
            self.ident(rest, "a type"),
            rest,
        )?;
        let (rest, modifiers) = self.modifiers(rest)?;
        let span = self.between(line, rest);
        eol(
            rest,
            "a relation modifier (one, one at a time, transitive, cue, tolerance, severity)",
        )?;
        Ok((
            "",
            Statement::Relation(RelationDecl {
                name,
                subject,
                value,
                modifiers,
                span,
            }),
        ))
    }

    fn modifiers(self, mut i: &'a str) -> R<'a, Vec<Spanned<RelationModifier<'a>>>> {
        let mut modifiers = Vec::new();
        loop {
            let Ok((start, _)) = ws1(i) else {
                return Ok((i, modifiers));
            };
            let Ok((after, kw)) = word(start) else {
                return Ok((i, modifiers));
            };
            let (rest, modifier) = match kw {
                "one" => match (ws1, keyword("at"), ws1, keyword("a"), ws1, keyword("time"))
                    .parse(after)
                {
                    Ok((rest, _)) => (rest, RelationModifier::OneAtATime),
                    Err(_) => (after, RelationModifier::One),
                },
                "transitive" => (after, RelationModifier::Transitive),
                "cue" => {
                    let (rest, _) = cut_as("cue phrases in quotes", ws1(after), after)?;
                    let (rest, cues) = self.string_list(rest)?;
                    (rest, RelationModifier::Cue(cues))
                }
                "tolerance" => {
                    let (rest, _) = cut_as("a number after `tolerance`", ws1(after), after)?;
                    let (rest, amount) = match self.literal(rest) {
                        Ok((
                            r,
                            Spanned {
                                node: Value::Number(n),
                                ..
                            },
                        )) => (r, n),
                        Ok((
                            r,
                            Spanned {
                                node: Value::Date(d),
                                ..
                            },
                        )) if d.precision() == crate::kb::time::Precision::Year => {
                            (r, f64::from(d.year_number()))
                        }
                        Err(nom::Err::Failure(e)) => return Err(nom::Err::Failure(e)),
                        _ => return cut_as("a number after `tolerance`", expected(rest, ""), rest),
                    };
                    let (rest, percent) = opt(char('%')).parse(rest)?;
                    (
                        rest,
                        RelationModifier::Tolerance {
                            amount,
                            percent: percent.is_some(),
                        },
                    )
                }
                "severity" => {
                    let (rest, _) = cut_as("error, warning or note", ws1(after), after)?;
                    let (rest, level) = match word(rest) {
                        Ok((r, "error")) => (r, SeverityName::Error),
                        Ok((r, "warning")) => (r, SeverityName::Warning),
                        Ok((r, "note")) => (r, SeverityName::Note),
                        _ => return cut_as("error, warning or note", expected(rest, ""), rest),
                    };
                    (rest, RelationModifier::Severity(level))
                }
                _ => return Ok((i, modifiers)),
            };
            modifiers.push(Spanned::new(modifier, self.between(start, rest)));
            i = rest;
        }
    }

    fn not_statement(self, line: &'a str, after_not: &'a str) -> R<'a, Statement<'a>> {
        let (rest, _) = cut_as("a quoted subject after `not`", ws1(after_not), after_not)?;
        if !rest.starts_with('"') {
            return cut_as("a quoted subject after `not`", expected(rest, ""), rest);
        }
        #[allow(
            clippy::unreachable,
            reason = "fact_statement only ever returns Statement::Fact"
        )]
        let (_, Statement::Fact(mut fact)) = self.fact_statement(line, rest)? else {
            unreachable!("fact_statement returns facts")
        };
        fact.clause.negated = true;
        Ok(("", Statement::Fact(fact)))
    }

    fn fact_statement(self, line: &'a str, i: &'a str) -> R<'a, Statement<'a>> {
        let (rest, subject) = self.string(i)?;
        let (rest, _) = cut_as("a relation after the subject", ws1(rest), rest)?;
        if let Some((rest, clause)) = self.fast_clause(rest) {
            let span = self.between(line, rest);
            return Ok((
                "",
                Statement::Fact(FactStmt {
                    subject,
                    clause,
                    span,
                }),
            ));
        }
        if word(rest).is_ok_and(|(_, w)| w == "not") {
            return invalid(
                rest,
                3,
                "`not` goes before the subject".into(),
                "move this to the start of the line",
                Some("write `not \"Ukraine\" member_of \"NATO\"`"),
            );
        }
        let (rest, clause) = cut_as("a relation after the subject", self.clause(rest), rest)?;
        let span = self.between(line, rest);
        eol(rest, "`from`, `until`, `on` or the end of the line")?;
        Ok((
            "",
            Statement::Fact(FactStmt {
                subject,
                clause,
                span,
            }),
        ))
    }

    fn entity_statement(
        self,
        line: &'a str,
        kind_word: &'a str,
        rest: &'a str,
    ) -> R<'a, Statement<'a>> {
        let name_start = ws1(rest).map(|(r, _)| r).unwrap_or(rest);
        if !name_start.starts_with('"') {
            let suggestion =
                crate::rules::suggest::closest(kind_word, STATEMENT_KEYWORDS.iter().copied())
                    .map(|k| format!("did you mean `{k}`? A "))
                    .unwrap_or_else(|| "A ".to_string());
            return invalid(
                line,
                kind_word.len(),
                format!("unknown keyword `{kind_word}`"),
                "not a keyword",
                Some(&format!("{suggestion}{STATEMENT_HELP}")),
            );
        }
        if let Some(statement) = self.fast_entity(line, kind_word, name_start) {
            return Ok(("", statement));
        }
        let kind = Spanned::new(Cow::Borrowed(kind_word), self.span(kind_word));
        let (rest, name) = self.string(name_start)?;
        let (rest, aliases) = match (ws1, keyword("aka")).parse(rest) {
            Ok((after, _)) => {
                let (after, _) = cut_as("a quoted alias after `aka`", ws1(after), after)?;
                self.string_list(after)?
            }
            Err(_) => (rest, Vec::new()),
        };
        let (rest, clause) = match ws1(rest) {
            Ok((after, _)) if !after.is_empty() && !after.starts_with('#') => {
                let (r, c) = cut_as(
                    "`aka`, a relation or the end of the line",
                    self.clause(after),
                    after,
                )?;
                (r, Some(c))
            }
            _ => (rest, None),
        };
        let span = self.between(line, rest);
        eol(rest, "`from`, `until`, `on` or the end of the line")?;
        Ok((
            "",
            Statement::Entity(EntityDecl {
                kind,
                name,
                aliases,
                one_holder_at_a_time: None,
                clauses: clause.into_iter().collect(),
                span,
            }),
        ))
    }

    /// A string without escapes at `at` in `line` (`b` is its bytes): the end past its
    /// closing quote and the literal, as [`P::string`] gives it; `None` for anything else.
    fn fast_string(self, line: &'a str, b: &[u8], at: usize) -> Option<(usize, StrLit<'a>)> {
        if b.get(at) != Some(&b'"') {
            return None;
        }
        let body = at + 1;
        let close = body + memchr::memchr2(b'"', b'\\', &b[body..])?;
        if b[close] != b'"' {
            return None;
        }
        let end = close + 1;
        Some((
            end,
            Spanned::new(Cow::Borrowed(&line[body..close]), self.span(&line[at..end])),
        ))
    }

    /// The common shape of an entity declaration, in one pass over the bytes: `KIND "Name"`,
    /// then optionally `aka "A", "B"`, then the end of the line or a clause that
    /// [`P::fast_clause`] takes (strings without escapes). `name_start` is `line` past the
    /// kind word and the blanks after it, and starts with `"`. Returns what
    /// [`P::entity_statement`] returns for such a line; `None` for any other line, which the
    /// general parser handles, errors included.
    fn fast_entity(
        self,
        line: &'a str,
        kind_word: &'a str,
        name_start: &'a str,
    ) -> Option<Statement<'a>> {
        if !self.fast {
            return None;
        }
        let b = line.as_bytes();
        let (mut at, name) = self.fast_string(line, b, b.len() - name_start.len())?;
        let mut aliases = Vec::new();
        let blanks = run_len(b, at, BLANK);
        let word_at = at + blanks;
        if blanks > 0 && word_len(b, word_at) == 3 && &b[word_at..word_at + 3] == b"aka" {
            let list = word_at + 3 + run_len(b, word_at + 3, BLANK);
            if list == word_at + 3 {
                return None;
            }
            let (end, first) = self.fast_string(line, b, list)?;
            // as the general path allocates it: room for one, then doubling
            aliases = vec![first];
            at = end;
            loop {
                let comma = at + run_len(b, at, BLANK);
                if b.get(comma) != Some(&b',') {
                    break;
                }
                let next = comma + 1 + run_len(b, comma + 1, BLANK);
                let (end, item) = self.fast_string(line, b, next)?;
                aliases.push(item);
                at = end;
            }
        }
        let blanks = run_len(b, at, BLANK);
        let tail = at + blanks;
        let (rest, clauses) = if tail == b.len() || b[tail] == b'#' {
            (&line[at..], Vec::new())
        } else if blanks == 0 {
            return None;
        } else {
            let (rest, clause) = self.fast_clause(&line[tail..])?;
            (rest, vec![clause])
        };
        Some(Statement::Entity(EntityDecl {
            kind: Spanned::new(Cow::Borrowed(kind_word), self.span(kind_word)),
            name,
            aliases,
            one_holder_at_a_time: None,
            clauses,
            span: self.between(line, rest),
        }))
    }

    fn entity_continuation(
        self,
        line: &'a str,
        entity: &mut EntityDecl<'a>,
    ) -> Result<(), SyntaxError> {
        if let Some((_, clause)) = self.fast_clause(line) {
            entity.clauses.push(clause);
            return Ok(());
        }
        let result: R<'a, ()> = (|| {
            if let Ok((after, _)) = keyword("aka")(line) {
                let (after, _) = cut_as("a quoted alias after `aka`", ws1(after), after)?;
                let (rest, aliases) = self.string_list(after)?;
                eol(rest, "`,` or the end of the line")?;
                entity.aliases.extend(aliases);
                return Ok(("", ()));
            }
            let one_holder = (
                keyword("one"),
                ws1,
                keyword("holder"),
                ws1,
                keyword("at"),
                ws1,
                keyword("a"),
                ws1,
                keyword("time"),
            );
            if let Ok((rest, _)) = recognize(one_holder).parse(line) {
                eol(rest, "the end of the line")?;
                entity.one_holder_at_a_time = Some(Spanned::new((), self.between(line, rest)));
                return Ok(("", ()));
            }
            let (rest, clause) = match self.clause(line) {
                Err(nom::Err::Error(_)) => {
                    return invalid(
                        line,
                        token_len(line),
                        format!(
                            "expected a fact, `aka` or `one holder at a time`, found {}",
                            describe(line)
                        ),
                        "not a fact",
                        Some(
                            "an indented line adds to the entity above: `holds \"Title\" from 2025-01-21`, `aka \"Other Name\"` or `one holder at a time`",
                        ),
                    );
                }
                other => other?,
            };
            eol(rest, "`from`, `until`, `on` or the end of the line")?;
            entity.clauses.push(clause);
            Ok(("", ()))
        })();
        result
            .map(|_| ())
            .map_err(|e| self.into_syntax_error(e, line))
    }

    fn relation_continuation(
        self,
        line: &'a str,
        relation: &mut RelationDecl<'a>,
    ) -> Result<(), SyntaxError> {
        // `modifiers` expects leading white space; give it the indentation in front of the line.
        let start = self.span(line).start as usize;
        let with_indent = &self.base[..start];
        let indent = with_indent.len() - with_indent.trim_end_matches([' ', '\t']).len();
        let indented = &self.base[start - indent..start + line.len()];
        let result: R<'a, Vec<_>> = (|| {
            let (rest, modifiers) = self.modifiers(indented)?;
            if modifiers.is_empty() {
                return cut_as(
                    "a relation modifier (one, one at a time, transitive, cue, tolerance, severity)",
                    expected(line, ""),
                    line,
                );
            }
            eol(rest, "a relation modifier or the end of the line")?;
            Ok(("", modifiers))
        })();
        match result {
            Ok((_, modifiers)) => {
                relation.modifiers.extend(modifiers);
                Ok(())
            }
            Err(e) => Err(self.into_syntax_error(e, line)),
        }
    }
}

const STATEMENT_HELP: &str = "statement is `use \"file.rules\"`, `kind NAME [is PARENT]`, \
`relation NAME: KIND -> TYPE ...`, `KIND \"Name\" [aka \"Alias\", ...]`, \
`\"Subject\" RELATION VALUE ...` or `not \"Subject\" RELATION VALUE`";

#[cfg(test)]
mod tests;

#[cfg(test)]
mod line_tests {
    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let got: Vec<&str> = super::lines("a\nb\r\nc\rd\r\n\ne").collect();
        assert_eq!(got, ["a", "b", "c", "d", "", "e"]);
        let got: Vec<&str> = super::lines("x\n").collect();
        assert_eq!(got, ["x", ""]);
    }
}
