//! Dates and times: absolute dates at their precision, weekdays, and relative times and
//! durations with hedges, each resolved against the article date into a range of days and
//! tied to the event or entity its clause speaks of.

use std::cell::RefCell;
use std::sync::LazyLock;

use jiff::civil::{Date, Weekday};
use regex_automata::dfa::{Automaton, dense};
use regex_automata::nfa::thompson::NFA;
use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::util::captures::{Captures, GroupInfo};
use regex_automata::{Anchored, Input, PatternID};

use super::claim::{DateClaim, DateForm, DayRange, Hedge, Ref};
use crate::article::{Article, ArticleDate, BlockKind, DateSource};
use crate::kb::time::FactDate;
use crate::span::Span;

mod patterns;

/// The date pattern's alternatives, a named one per form; the first that matches at a
/// position wins.
#[cfg(test)]
static DATE_ALTERNATIVES: LazyLock<[String; 8]> = LazyLock::new(patterns::date_alternatives);

/// The date pattern's alternatives compiled once, at build time (`build.rs`), into one
/// anchored dense DFA embedded in the binary: it tells, anchored at a position, whether any
/// alternative matches there, which one (the first that does: leftmost-first, like the
/// alternation of them all) and where it ends; then the captures are read from the text
/// ([`DateRegex::read_captures`]). The NFA engines (a bounded backtracker reading only that
/// alternative's captures over only its match, a PikeVM for a match too long for it) are the
/// fallback, compiled from the pattern the first time one is needed.
struct DateRegex {
    dfa: dense::DFA<&'static [u32]>,
    /// each alternative's capture groups (the embedded names, as the NFA numbers them)
    info: GroupInfo,
    /// each alternative's capture groups, by pattern
    groups: Vec<Groups>,
    fallback: LazyLock<Fallback>,
}

/// The NFA engines behind [`DateRegex`]'s fallback.
struct Fallback {
    backtracker: BoundedBacktracker,
    /// for a match too long for the backtracker's visited set
    pikevm: PikeVM,
}

/// The search state of [`DateRegex`] for one thread.
struct Caches {
    /// made when first needed, like the engines
    backtracker: Option<backtrack::Cache>,
    /// made when first needed: it is large, and rarely used
    pikevm: Option<pikevm::Cache>,
    captures: Captures,
}

impl DateRegex {
    fn caches(&self) -> Caches {
        Caches {
            backtracker: None,
            pikevm: None,
            captures: Captures::all(self.info.clone()),
        }
    }

    /// The first alternative matching at `at` in `text` and its end, if one does, with its
    /// captures in `caches.captures`.
    fn captures_at(&self, caches: &mut Caches, text: &[u8], at: usize) -> Option<(usize, usize)> {
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        let input = match self.dfa.try_search_fwd(&input) {
            Ok(None) => return None,
            Ok(Some(m))
                if self.read_captures(&mut caches.captures, m.pattern(), text, at..m.offset()) =>
            {
                return Some((m.pattern().as_usize(), m.offset()));
            }
            // only that alternative, over only its match (look-around still sees past it)
            Ok(Some(m)) => Input::new(text)
                .range(at..m.offset())
                .anchored(Anchored::Pattern(m.pattern())),
            // the DFA gave up (it has no quit bytes, so it should not): the NFA engines find
            // the same match
            Err(_) => input,
        };
        let fallback = &*self.fallback;
        let backtracker = caches
            .backtracker
            .get_or_insert_with(|| fallback.backtracker.create_cache());
        if fallback
            .backtracker
            .try_captures(backtracker, input.clone(), &mut caches.captures)
            .is_err()
        {
            let cache = caches
                .pikevm
                .get_or_insert_with(|| fallback.pikevm.create_cache());
            fallback.pikevm.captures(cache, input, &mut caches.captures);
        }
        let m = caches.captures.get_match()?;
        Some((m.pattern().as_usize(), m.end()))
    }
}

impl DateRegex {
    /// Sets `caps` to the captures of `pattern`'s match over `range` of `text` (which the
    /// lazy DFA found), read from the text without the backtracker, and says whether it
    /// did: every alternative has one way only to split a match into its groups (a month is
    /// a run of letters and its `.`, a day or year a run of digits, the words around them
    /// are separated by `\s` and `,`; no number word starts with a hedge). Checked against
    /// the backtracker in the tests.
    fn read_captures(
        &self,
        caps: &mut Captures,
        pattern: PatternID,
        text: &[u8],
        range: std::ops::Range<usize>,
    ) -> bool {
        let Some(g) = self.groups.get(pattern.as_usize()) else {
            return false;
        };
        let (start, end) = (range.start, range.end);
        let Some(m) = text.get(start..end) else {
            return false;
        };
        // offsets into `m`
        let letters = |p: usize| {
            p + m.get(p..).map_or(0, |r| {
                r.iter().take_while(|b| b.is_ascii_alphabetic()).count()
            })
        };
        let digits = |p: usize| {
            p + m
                .get(p..)
                .map_or(0, |r| r.iter().take_while(|b| b.is_ascii_digit()).count())
        };
        let spaces = |p: usize| {
            p + m
                .get(p..)
                .map_or(0, |r| r.iter().take_while(|b| is_space(**b)).count())
        };
        let letters_back = |p: usize| {
            p - m[..p]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_alphabetic())
                .count()
        };
        // a month: its letters and a `.` after them
        let month = |p: usize| {
            let e = letters(p);
            if m.get(e) == Some(&b'.') { e + 1 } else { e }
        };
        // a weekday before a date and the `,` and `\s` after it
        let weekday = |p: usize| {
            let e = letters(p);
            let name = &m[p..e];
            if !matches!(
                name,
                b"Monday"
                    | b"Tuesday"
                    | b"Wednesday"
                    | b"Thursday"
                    | b"Friday"
                    | b"Saturday"
                    | b"Sunday"
            ) {
                return (None, p);
            }
            let after = if m.get(e) == Some(&b',') { e + 1 } else { e };
            (Some((p, e)), spaces(after))
        };
        let len = m.len();
        let year_at_end = len >= 4 && m[len - 1].is_ascii_digit();
        let mut set: [(usize, Option<(usize, usize)>); 5] = [(usize::MAX, None); 5];
        match pattern.as_usize() {
            // month_day
            0 => {
                let (wd, p) = weekday(0);
                let month_end = month(p);
                let day = spaces(month_end);
                let day_end = digits(day);
                if day_end == day || day_end - day > 2 {
                    return false;
                }
                let year = (year_at_end && len > day_end).then_some((len - 4, len));
                set = [
                    (g.wd1, wd),
                    (g.m1, Some((p, month_end))),
                    (g.d1, Some((day, day_end))),
                    (g.y1, year),
                    (usize::MAX, None),
                ];
            }
            // day_month
            1 => {
                let (wd, day) = weekday(0);
                let day_end = digits(day);
                if day_end == day || day_end - day > 2 {
                    return false;
                }
                let mut p = day_end;
                if matches!(m.get(p..p + 2), Some(b"st" | b"nd" | b"rd" | b"th")) {
                    p += 2;
                }
                p = spaces(p);
                if m.get(p..p + 2) == Some(b"of") && m.get(p + 2).is_some_and(|b| is_space(*b)) {
                    p = spaces(p + 2);
                }
                let (month_end, year) = if year_at_end {
                    let mut e = len - 4;
                    while e > p && is_space(m[e - 1]) {
                        e -= 1;
                    }
                    if e > p && m[e - 1] == b',' {
                        e -= 1;
                    }
                    (e, Some((len - 4, len)))
                } else {
                    (len, None)
                };
                set = [
                    (g.wd2, wd),
                    (g.d2, Some((day, day_end))),
                    (g.m2, Some((p, month_end))),
                    (g.y2, year),
                    (usize::MAX, None),
                ];
            }
            // month_year
            2 => {
                if len < 4 {
                    return false;
                }
                set[0] = (g.m3, Some((0, month(0))));
                set[1] = (g.y3, Some((len - 4, len)));
            }
            // iso
            3 => set[0] = (g.iso, Some((0, len))),
            // in_year
            4 => {
                let prep_end = if m.starts_with(b"mid-") {
                    4
                } else {
                    letters(0)
                };
                let year = spaces(prep_end);
                if year + 4 > len {
                    return false;
                }
                set[0] = (g.prep, Some((0, prep_end)));
                set[1] = (g.y4, Some((year, year + 4)));
                set[2] = (g.notunit, (year + 4 < len).then_some((year + 4, len)));
            }
            // weekday
            6 => {
                let wd = letters_back(len);
                set[0] = (g.wd3, Some((wd, len)));
                set[1] = (g.rel, (wd > 0).then(|| (0, letters(0))));
            }
            // week
            7 => {
                if m.first() == Some(&b'y') || m.get(1) == Some(&b'o') {
                    set[0] = (g.yday, Some((0, len)));
                } else {
                    set[0] = (g.wrel, Some((0, letters(0))));
                    set[1] = (g.wunit, Some((letters_back(len), len)));
                }
            }
            // relative: the last word is a direction or the unit; what is before the unit
            // is a number, or a hedge and a number (no number starts with a hedge)
            5 => {
                let spaces_back =
                    |p: usize| p - m[..p].iter().rev().take_while(|b| is_space(**b)).count();
                let last = letters_back(len);
                let direction = [&b"ago"[..], b"after", b"before", b"later", b"earlier"]
                    .iter()
                    .any(|d| m[last..].eq_ignore_ascii_case(d));
                let unit_end = if direction { spaces_back(last) } else { len };
                let unit = letters_back(unit_end);
                let number_end = spaces_back(unit);
                let words = &m[..number_end];
                let hedge = HEDGES.iter().find_map(|h| {
                    let rest = words.get(h.len()..)?;
                    let number = spaces(h.len());
                    (words[..h.len()].eq_ignore_ascii_case(h)
                        && rest.first().is_some_and(|b| is_space(*b))
                        && is_number(&words[number..]))
                    .then_some((h.len(), number))
                });
                let number = match hedge {
                    Some((_, number)) => number,
                    None if is_number(words) => 0,
                    None => return false,
                };
                set = [
                    (g.hedge, hedge.map(|(end, _)| (0, end))),
                    (g.number, Some((number, number_end))),
                    (g.unit, Some((unit, unit_end))),
                    (g.direction, direction.then_some((last, len))),
                    (usize::MAX, None),
                ];
            }
            _ => return false,
        }
        let info = &self.info;
        let slots = caps.slots_mut();
        let offset = |p: usize| regex_automata::util::primitives::NonMaxUsize::new(start + p);
        for group in 0..info.group_len(pattern) {
            if let Some((s, e)) = info.slots(pattern, group) {
                let span = if group == 0 {
                    Some((0, len))
                } else {
                    set.iter()
                        .find(|(index, _)| *index == group)
                        .and_then(|(_, span)| *span)
                };
                let (a, b) = span.map_or((None, None), |(a, b)| (offset(a), offset(b)));
                if let Some(slot) = slots.get_mut(s) {
                    *slot = a;
                }
                if let Some(slot) = slots.get_mut(e) {
                    *slot = b;
                }
            }
        }
        caps.set_pattern(Some(pattern));
        true
    }
}

/// The hedges of [`patterns::HEDGE`], in its order.
const HEDGES: [&[u8]; 15] = [
    b"nearly",
    b"almost",
    b"just under",
    b"just over",
    b"about",
    b"around",
    b"roughly",
    b"approximately",
    b"some",
    b"more than",
    b"over",
    b"less than",
    b"under",
    b"fewer than",
    b"at least",
];

/// Whether a lowercased word is one of the number words of a relative time (`a`, `one` to
/// `twenty`, the tens to `fifty`).
fn is_number_word(word: &[u8]) -> bool {
    matches!(
        word,
        b"a" | b"an"
            | b"one"
            | b"two"
            | b"three"
            | b"four"
            | b"five"
            | b"six"
            | b"seven"
            | b"eight"
            | b"nine"
            | b"ten"
            | b"eleven"
            | b"twelve"
            | b"thirteen"
            | b"fourteen"
            | b"fifteen"
            | b"sixteen"
            | b"seventeen"
            | b"eighteen"
            | b"nineteen"
            | b"twenty"
            | b"thirty"
            | b"forty"
            | b"fifty"
    )
}

/// Whether `word` is, in any ASCII case, the whole of one of [`patterns::NUMBER`]'s alternatives.
fn is_number(word: &[u8]) -> bool {
    if word.first().is_some_and(u8::is_ascii_digit) {
        let int = word.iter().take_while(|b| b.is_ascii_digit()).count();
        return match word.get(int..) {
            Some([]) => true,
            Some([b'.', fraction @ ..]) => {
                !fraction.is_empty() && fraction.iter().all(u8::is_ascii_digit)
            }
            _ => false,
        };
    }
    let mut lower = [0u8; 12];
    let Some(head) = lower.get_mut(..word.len()) else {
        return false;
    };
    head.copy_from_slice(word);
    head.make_ascii_lowercase();
    is_number_word(head)
        || matches!(
            &*head,
            b"a few" | b"a couple of" | b"several" | b"half a" | b"half an"
        )
}

/// Capture group indices of one alternative (`usize::MAX` for a group it does not have).
struct Groups {
    m1: usize,
    m2: usize,
    m3: usize,
    d1: usize,
    d2: usize,
    y1: usize,
    y2: usize,
    y3: usize,
    y4: usize,
    wd1: usize,
    wd2: usize,
    wd3: usize,
    iso: usize,
    prep: usize,
    notunit: usize,
    unit: usize,
    number: usize,
    hedge: usize,
    direction: usize,
    rel: usize,
    wunit: usize,
    wrel: usize,
    yday: usize,
}

/// The serialized DFA, aligned as [`dense::DFA::from_bytes`] needs.
#[repr(C)]
struct Aligned<B: ?Sized> {
    _align: [u32; 0],
    bytes: B,
}

static DATE_DFA_BYTES: &Aligned<[u8]> = &Aligned {
    _align: [],
    bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/date_dfa.bin")),
};

include!(concat!(env!("OUT_DIR"), "/date_groups.rs"));

static DATE_REGEX: LazyLock<DateRegex> = LazyLock::new(|| {
    #[allow(
        clippy::expect_used,
        reason = "written by build.rs for this target; read (and checked) by every test"
    )]
    let (dfa, _) = dense::DFA::from_bytes(&DATE_DFA_BYTES.bytes).expect("the embedded date DFA");
    #[allow(
        clippy::expect_used,
        reason = "written by build.rs from the NFA; checked against it by a test"
    )]
    let info = GroupInfo::new(DATE_GROUP_NAMES.iter().map(|names| names.iter().copied()))
        .expect("the embedded date capture groups");
    let groups = (0..info.pattern_len())
        .filter_map(|pattern| PatternID::new(pattern).ok())
        .map(|pattern| Groups::of(&info, pattern))
        .collect();
    DateRegex {
        dfa,
        info,
        groups,
        fallback: LazyLock::new(|| {
            let alternatives = patterns::date_alternatives();
            #[allow(
                clippy::expect_used,
                reason = "constant patterns, compiled by every test"
            )]
            let nfa = NFA::new_many(&alternatives).expect("date regex compiles");
            #[allow(clippy::expect_used, reason = "built by every test")]
            let backtracker = BoundedBacktracker::builder()
                .build_from_nfa(nfa.clone())
                .expect("date backtracker builds");
            #[allow(clippy::expect_used, reason = "built by every test")]
            let pikevm = PikeVM::builder()
                .build_from_nfa(nfa)
                .expect("date PikeVM builds");
            Fallback {
                backtracker,
                pikevm,
            }
        }),
    }
});

thread_local! {
    /// Each thread's [`Caches`], made on its first search.
    static CACHES: RefCell<Option<Caches>> = const { RefCell::new(None) };
}

impl Groups {
    fn of(info: &GroupInfo, pattern: PatternID) -> Groups {
        // a missing name reads as an unset group
        let index = |name: &str| info.to_index(pattern, name).unwrap_or(usize::MAX);
        Groups {
            m1: index("m1"),
            m2: index("m2"),
            m3: index("m3"),
            d1: index("d1"),
            d2: index("d2"),
            y1: index("y1"),
            y2: index("y2"),
            y3: index("y3"),
            y4: index("y4"),
            wd1: index("wd1"),
            wd2: index("wd2"),
            wd3: index("wd3"),
            iso: index("iso"),
            prep: index("prep"),
            notunit: index("notunit"),
            unit: index("unit"),
            number: index("number"),
            hedge: index("hedge"),
            direction: index("direction"),
            rel: index("rel"),
            wunit: index("wunit"),
            wrel: index("wrel"),
            yday: index("yday"),
        }
    }
}

/// Calls `f` with the start, end and reach (see [`ANCHOR_WORDS`]) of every anchor in
/// `bytes`, in order: a run of digits, or one of the words, in any ASCII case, that does not
/// start with a lowercase letter inside a word (after an ASCII letter, digit or `_`). Months
/// and weekdays are matched in any case, which only finds more anchors than needed. Anchors
/// do not overlap, and where several words start at one place the first listed is found
/// (leftmost-first, as a regex of the alternation of them would, tried at each position
/// that is not a lowercase letter inside a word).
///
/// A run of digits is one anchor: each of its digits would be tried as a start anyway (the
/// search tries every position up to an anchor's end), and one anchor per number instead of
/// per digit saves a search restart each.
///
/// The text is read [`ANCHOR_CHUNK`] bytes at a time: three bit masks of a chunk (letters
/// and digits, lowercase letters, `_`; [`anchor_classes`]) give the positions to look at,
/// every ASCII letter or digit that is not a lowercase letter after a word character, and
/// only those are looked up (about one byte in six of prose: word starts, capitals and
/// digits), skipping those inside the last anchor found. These are the positions the
/// byte-by-byte scan of the tests (`tests::anchors_bytewise`) stops at, which the proof
/// below speaks of. A letter is then looked up only if its first three bytes are those of
/// an anchor word in some case ([`ANCHOR_TRIPLES`]; the byte-by-byte scan tests the first
/// two, [`ANCHOR_PAIRS`]): the words they begin are the same, so are the anchors.
///
/// Why lowercase letters inside a word can be passed over (most of the bytes of prose). Take
/// a match starting at `s`. Every alternative of the pattern holds an anchor that starts at
/// a digit, at a capital (a month or weekday, matched case-sensitively) or at a word's first
/// letter (a unit or `week`/`month`/`year` after whitespace, `yesterday` after `\b`); none
/// of them starts at a lowercase letter inside a word. Let `q` be the first position at or
/// after `s` that is not a lowercase letter inside a word and where an anchor (digits, or
/// the first listed word) begins: `q` is at or before that anchor's start, and the words
/// of the match before it (a hedge, number, preposition or `last`/`next`/...) hold no
/// anchor at all, so `tokens_back(q, reach)` with the reach of the anchor at `q` is at or
/// before `s` (as the reaches of [`ANCHOR_WORDS`] are chosen). Now take the first anchor
/// this scan reports that ends after `s`: it exists, since the scan either reaches `q` and
/// reports the anchor there or passes `q` inside an anchor. If it starts at or before `s`,
/// the search tries `s` from it (it tries from at most its start to its end). Otherwise
/// the scan looked at every position from `s` to its start and reported nothing, so it
/// starts at `q`, and its reach takes the search back to `s`. Either way `s` is tried, so
/// `each_match` finds every match, as `captures_iter` does (its tests check it against the
/// unanchored pattern).
///
/// Where the processor has AVX2 (checked once per call, as `memchr` does), the loop is
/// compiled for it, with one 32-byte compare per class of a chunk
/// ([`anchor_classes_avx2`]) for the two 16-byte SSE2 ones, and a fourth mask
/// ([`anchor_starts_avx2`]) passes over the letters that begin no anchor word (`b`, `e`,
/// `i`, `p`, `r` ...) and those whose next two letters are the second and third of none
/// (`the`, `that`, `was`, `and`): nor does the three-byte test below let them through, so
/// the anchors are the same.
fn each_anchor(bytes: &[u8], f: impl FnMut(usize, usize, usize)) {
    #[cfg(target_arch = "x86_64")]
    if crate::article::bits::has_avx2() {
        // SAFETY: the processor has AVX2, checked just before: all that the function's
        // `target_feature` requires.
        return unsafe { each_anchor_avx2(bytes, f) };
    }
    each_anchor_classified(
        bytes,
        |bytes, i| {
            let (alnum, lower, underscore) = anchor_classes(&chunk_of(bytes, i));
            (alnum, lower, underscore, u32::MAX)
        },
        f,
    );
}

/// [`each_anchor`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn each_anchor_avx2(bytes: &[u8], f: impl FnMut(usize, usize, usize)) {
    each_anchor_classified(
        bytes,
        |bytes, i| {
            // the bytes of the three chunks at `i`, `i + 1` and `i + 2`: in place, or one
            // padded copy of the rest of `bytes` near its end (the same chunks)
            let tail;
            let window = match bytes.get(i..i + ANCHOR_CHUNK + 2) {
                Some(window) => window,
                None => {
                    tail = padded_tail(bytes, i);
                    &tail[..]
                }
            };
            let chunk = chunk_of(window, 0);
            let (alnum, lower, underscore) = anchor_classes_avx2(&chunk);
            let starts = anchor_starts_avx2(&chunk, &chunk_of(window, 1), &chunk_of(window, 2));
            (alnum, lower, underscore, starts)
        },
        f,
    );
}

/// The loop of [`each_anchor`], with `classes` giving the masks of [`anchor_classes`] of the
/// chunk of `bytes` at `i` and a fourth that holds at least the bytes that can begin an
/// anchor ([`anchor_starts_avx2`]).
#[inline(always)]
fn each_anchor_classified(
    bytes: &[u8],
    classes: impl Fn(&[u8], usize) -> (u32, u32, u32, u32),
    mut f: impl FnMut(usize, usize, usize),
) {
    // the end of the last anchor reported: positions before it are inside it
    let mut covered = 0usize;
    // whether the byte before the chunk is a word character
    let mut carry = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        let (alnum, lower, underscore, starts) = classes(bytes, i);
        let word = alnum | underscore;
        // the positions the scan looks at: every ASCII letter or digit but a lowercase letter
        // after a word character (the NUL bytes past the end are neither)
        let mut candidates = alnum & !(lower & ((word << 1) | carry)) & starts;
        carry = word >> 31;
        // none inside the last anchor found
        candidates &= from_offset(covered.saturating_sub(i));
        while candidates != 0 {
            let p = i + candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let Some(&b) = bytes.get(p) else {
                break;
            };
            let (len, reach) = if b.is_ascii_digit() {
                let run = bytes.get(p + 1..).map_or(0, |rest| {
                    rest.iter().take_while(|b| b.is_ascii_digit()).count()
                });
                (1 + run, 2)
            } else {
                // the three bytes here must begin an anchor word (in any case)
                let byte = |k: usize| bytes.get(k).copied().unwrap_or(0);
                let code = triple_code(b, byte(p + 1), byte(p + 2));
                if (ANCHOR_TRIPLES[code >> 6] >> (code & 63)) & 1 == 0 {
                    continue;
                }
                match anchor_word_at(bytes, p) {
                    Some(found) => found,
                    None => continue,
                }
            };
            covered = p + len;
            f(p, covered, reach);
            candidates &= from_offset(covered - i);
        }
        i += ANCHOR_CHUNK;
    }
}

/// The bits of a chunk's mask from bit `k` on (none when `k` is 32 or more).
#[inline(always)]
fn from_offset(k: usize) -> u32 {
    u32::try_from(k)
        .ok()
        .and_then(|k| u32::MAX.checked_shl(k))
        .unwrap_or(0)
}

/// Bytes [`each_anchor`] classifies at once.
const ANCHOR_CHUNK: usize = 32;

/// The [`ANCHOR_CHUNK`] bytes of `bytes` from `i`, padded past the end with NUL bytes.
#[inline(always)]
fn chunk_of(bytes: &[u8], i: usize) -> [u8; ANCHOR_CHUNK] {
    match bytes
        .get(i..)
        .and_then(|rest| rest.first_chunk::<ANCHOR_CHUNK>())
    {
        Some(chunk) => *chunk,
        None => {
            let mut chunk = [0u8; ANCHOR_CHUNK];
            let rest = bytes.get(i..).unwrap_or_default();
            if let Some(head) = chunk.get_mut(..rest.len()) {
                head.copy_from_slice(rest);
            }
            chunk
        }
    }
}

/// The bytes of `bytes` from `i` (fewer than `ANCHOR_CHUNK + 2` of them), padded with NUL
/// bytes: [`chunk_of`] of it at 0, 1 and 2 is `chunk_of(bytes, i)`, at `i + 1` and `i + 2`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn padded_tail(bytes: &[u8], i: usize) -> [u8; ANCHOR_CHUNK + 2] {
    let mut tail = [0u8; ANCHOR_CHUNK + 2];
    let rest = bytes.get(i..).unwrap_or_default();
    if let Some(head) = tail.get_mut(..rest.len()) {
        head.copy_from_slice(rest);
    }
    tail
}

/// Three bit masks of `chunk` (bit `k` for byte `k`): its ASCII letters and digits, its ASCII
/// lowercase letters, and its `_`s. SSE2 compares on x86_64.
#[inline(always)]
fn anchor_classes(chunk: &[u8; ANCHOR_CHUNK]) -> (u32, u32, u32) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of the x86_64 baseline, enabled on every x86_64 target, so the
        // function's `target_feature` holds wherever this runs; it reads only `chunk`.
        unsafe { anchor_classes_sse2(chunk) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        anchor_classes_reference(chunk)
    }
}

/// [`anchor_classes`] byte by byte.
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
fn anchor_classes_reference(chunk: &[u8; ANCHOR_CHUNK]) -> (u32, u32, u32) {
    let mut masks = (0u32, 0u32, 0u32);
    for (k, &b) in chunk.iter().enumerate() {
        masks.0 |= u32::from(b.is_ascii_alphanumeric()) << k;
        masks.1 |= u32::from(b.is_ascii_lowercase()) << k;
        masks.2 |= u32::from(b == b'_') << k;
    }
    masks
}

/// [`anchor_classes`] 16 bytes at a time: a byte is in `lo..=lo + span` when `x - lo`
/// (wrapping) is at most `span`, and `movemask` gathers the compares' bits.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "sse2")]
fn anchor_classes_sse2(chunk: &[u8; ANCHOR_CHUNK]) -> (u32, u32, u32) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x,
        _mm_set1_epi8, _mm_sub_epi8,
    };
    #[inline]
    #[target_feature(enable = "sse2")]
    fn within(x: __m128i, lo: u8, span: u8) -> __m128i {
        let d = _mm_sub_epi8(x, _mm_set1_epi8(lo as i8));
        _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(span as i8)), d)
    }
    let (mut alnum, mut lower, mut underscore) = (0u32, 0u32, 0u32);
    for (half, bytes) in chunk.chunks_exact(16).enumerate() {
        let mut lo = [0u8; 8];
        let mut hi = [0u8; 8];
        lo.copy_from_slice(&bytes[..8]);
        hi.copy_from_slice(&bytes[8..]);
        let x = _mm_set_epi64x(i64::from_le_bytes(hi), i64::from_le_bytes(lo));
        let lowercase = within(x, b'a', 25);
        // a letter: lowered by setting 0x20 (no byte of 0x80 and above lands on one)
        let letter = within(_mm_or_si128(x, _mm_set1_epi8(0x20)), b'a', 25);
        let digit = within(x, b'0', 9);
        let shift = 16 * half;
        alnum |= (_mm_movemask_epi8(_mm_or_si128(letter, digit)) as u32) << shift;
        lower |= (_mm_movemask_epi8(lowercase) as u32) << shift;
        underscore |=
            (_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(b'_' as i8))) as u32) << shift;
    }
    (alnum, lower, underscore)
}

/// [`anchor_classes`] 32 bytes at a time, with AVX2 (the same compares as
/// [`anchor_classes_sse2`]).
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
fn anchor_classes_avx2(chunk: &[u8; ANCHOR_CHUNK]) -> (u32, u32, u32) {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_min_epu8, _mm256_movemask_epi8,
        _mm256_or_si256, _mm256_set1_epi8, _mm256_sub_epi8,
    };
    #[inline]
    #[target_feature(enable = "avx2")]
    fn within(x: __m256i, lo: u8, span: u8) -> __m256i {
        let d = _mm256_sub_epi8(x, _mm256_set1_epi8(lo as i8));
        _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(span as i8)), d)
    }
    // SAFETY: `chunk` has 32 readable bytes, all that an unaligned 32-byte load reads.
    let x = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()) };
    let lowercase = within(x, b'a', 25);
    // a letter: lowered by setting 0x20 (no byte of 0x80 and above lands on one)
    let letter = within(_mm256_or_si256(x, _mm256_set1_epi8(0x20)), b'a', 25);
    let digit = within(x, b'0', 9);
    let underscore = _mm256_cmpeq_epi8(x, _mm256_set1_epi8(b'_' as i8));
    (
        _mm256_movemask_epi8(_mm256_or_si256(letter, digit)) as u32,
        _mm256_movemask_epi8(lowercase) as u32,
        _mm256_movemask_epi8(underscore) as u32,
    )
}

/// The bytes of `chunk` that can begin an anchor: digits and, in either case, the first
/// letters of the anchor words followed (in `next` and `after`, the chunks one and two bytes
/// on) by a second and third letter that some anchor word has there. The letters are looked
/// up by their low four bits (`vpshufb` of a table of those of `a` to `o`, and one of `p` to
/// `z`), lowered by `| 0x20`: no byte that is no letter lands on one of them (0x60 and 0x7B
/// to 0x7F are in no table). A second letter's table gives its bit ([`second_bit`]), a third
/// letter's the bits of the second letters it follows in some anchor word: the two share a
/// bit where some anchor word has them (or shares the bit of its second letter, as `r` and
/// `h` do), which only lets more through. [`anchor_word_at`] compares the three bytes
/// lowercased by `| 0x20` with the letters of a word, so whatever it finds passes.
#[cfg(target_arch = "x86_64")]
#[inline]
#[target_feature(enable = "avx2")]
fn anchor_starts_avx2(
    chunk: &[u8; ANCHOR_CHUNK],
    next: &[u8; ANCHOR_CHUNK],
    after: &[u8; ANCHOR_CHUNK],
) -> u32 {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_andnot_si256, _mm256_cmpeq_epi8, _mm256_loadu_si256,
        _mm256_min_epu8, _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
        _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_sub_epi8,
    };
    /// The entries of `tables` for the letters of `x` (by `| 0x20`), 0 for other bytes.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn letters(x: &[u8; ANCHOR_CHUNK], tables: &[[u8; 32]; 2]) -> __m256i {
        // SAFETY: `x` and each table have 32 readable bytes, all that an unaligned 32-byte
        // load reads.
        let (x, low_letters, high_letters) = unsafe {
            (
                _mm256_loadu_si256(x.as_ptr().cast::<__m256i>()),
                _mm256_loadu_si256(tables[0].as_ptr().cast::<__m256i>()),
                _mm256_loadu_si256(tables[1].as_ptr().cast::<__m256i>()),
            )
        };
        let lowered = _mm256_or_si256(x, _mm256_set1_epi8(0x20));
        let high = _mm256_and_si256(lowered, _mm256_set1_epi8(0xF0u8 as i8));
        let low = _mm256_and_si256(lowered, _mm256_set1_epi8(0x0F));
        let in6 = _mm256_and_si256(
            _mm256_cmpeq_epi8(high, _mm256_set1_epi8(0x60)),
            _mm256_shuffle_epi8(low_letters, low),
        );
        let in7 = _mm256_and_si256(
            _mm256_cmpeq_epi8(high, _mm256_set1_epi8(0x70)),
            _mm256_shuffle_epi8(high_letters, low),
        );
        _mm256_or_si256(in6, in7)
    }
    let first = letters(chunk, &FIRST_LETTERS);
    let seconds = letters(next, &SECOND_LETTERS);
    let thirds = letters(after, &THIRD_LETTERS);
    let unpaired = _mm256_cmpeq_epi8(_mm256_and_si256(seconds, thirds), _mm256_setzero_si256());
    // SAFETY: as above.
    let x = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast::<__m256i>()) };
    let d = _mm256_sub_epi8(x, _mm256_set1_epi8(b'0' as i8));
    let digit = _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d);
    _mm256_movemask_epi8(_mm256_or_si256(_mm256_andnot_si256(unpaired, first), digit)) as u32
}

/// The first letters of the anchor words by their low four bits, 0xFF where one is: of the
/// lowercase letters 0x60 to 0x6F, then of 0x70 to 0x7F, each twice (one for each 16-byte
/// lane of `vpshufb`).
#[cfg(target_arch = "x86_64")]
static FIRST_LETTERS: [[u8; 32]; 2] = letter_table(0);

/// The second letters of the anchor words, as [`FIRST_LETTERS`], each with its
/// [`second_bit`].
#[cfg(target_arch = "x86_64")]
static SECOND_LETTERS: [[u8; 32]; 2] = letter_table(1);

/// The third letters of the anchor words, as [`FIRST_LETTERS`], each with the
/// [`second_bit`]s of the second letters before it in some anchor word.
#[cfg(target_arch = "x86_64")]
static THIRD_LETTERS: [[u8; 32]; 2] = letter_table(2);

/// The table of the letters at `at` (0, 1 or 2) of the anchor words: see [`FIRST_LETTERS`],
/// [`SECOND_LETTERS`], [`THIRD_LETTERS`].
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
const fn letter_table(at: usize) -> [[u8; 32]; 2] {
    let mut table = [[0u8; 32]; 2];
    let mut i = 0;
    while i < ANCHOR_WORDS.len() {
        let word = ANCHOR_WORDS[i].0.as_bytes();
        // the words, not the digits
        if word[0].is_ascii_lowercase() {
            assert!(word.len() >= 3);
            let letter = word[at];
            assert!(letter.is_ascii_lowercase());
            let second = second_bit(word[1]);
            assert!(second != 0);
            let value = match at {
                0 => 0xFF,
                _ => second,
            };
            let half = ((letter >> 4) - 6) as usize;
            let low = (letter & 15) as usize;
            table[half][low] |= value;
            table[half][16 + low] |= value;
        }
        i += 1;
    }
    table
}

/// A bit for each second letter of the anchor words (`r` and `h` share one), 0 for other
/// bytes (the build of [`letter_table`] fails if an anchor word's second letter has none).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
const fn second_bit(letter: u8) -> u8 {
    match letter {
        b'e' => 1,
        b'o' => 2,
        b'a' => 4,
        b'i' => 8,
        b'u' => 16,
        b'p' => 32,
        b'c' => 64,
        b'r' | b'h' => 128,
        _ => 0,
    }
}

/// The first position from `p` on that is not an ASCII lowercase letter, eight bytes at a
/// time.
fn past_lowercase(bytes: &[u8], mut p: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x80 * ONES;
    while let Some(chunk) = bytes.get(p..).and_then(|rest| rest.first_chunk::<8>()) {
        let x = u64::from_le_bytes(*chunk);
        // each byte without its high bit plus a constant sets the high bit where it is at
        // least `a` (or `{`), with no carry into the next byte (0x7F + 0x1F < 0x100)
        let low = x & !HIGH;
        let from_a = low + u64::from(0x80 - b'a') * ONES;
        let from_brace = low + u64::from(0x80 - b'{') * ONES;
        let lowercase = from_a & !from_brace & !x & HIGH;
        let other = !lowercase & HIGH;
        if other != 0 {
            // little-endian: the lowest set bit is the first such byte
            return p + (other.trailing_zeros() / 8) as usize;
        }
        p += 8;
    }
    p + bytes.get(p..).map_or(0, |rest| {
        rest.iter().take_while(|b| b.is_ascii_lowercase()).count()
    })
}

/// The first three letters of each anchor word (bit [`triple_code`] of them; the digits
/// have none): a letter where no bit is set starts no anchor word, in any ASCII case, since
/// [`anchor_word_at`] reads three bytes lowercased by `| 0x20`, and those the same bits. Bytes
/// that are no letters may share a letter's bits, which only lets more through.
static ANCHOR_TRIPLES: [u64; 512] = {
    let mut table = [0u64; 512];
    let mut i = 0;
    while i < ANCHOR_WORDS.len() {
        let word = ANCHOR_WORDS[i].0.as_bytes();
        if word.len() >= 3 {
            let code = triple_code(word[0], word[1], word[2]);
            table[code >> 6] |= 1 << (code & 63);
        }
        i += 1;
    }
    table
};

/// Fifteen bits of three bytes: the low five bits of each, lowercased by `| 0x20`.
#[inline(always)]
const fn triple_code(a: u8, b: u8, c: u8) -> usize {
    const fn five(x: u8) -> usize {
        ((x | 0x20) & 31) as usize
    }
    (five(a) << 10) | (five(b) << 5) | five(c)
}

/// The pairs of bytes (bit `first << 8 | second`) that begin an anchor word, in any ASCII
/// case, or a digit (with any byte after it): the filter of the byte-by-byte scan of the
/// tests ([`each_anchor`] tests three bytes, [`ANCHOR_TRIPLES`]).
#[cfg_attr(not(test), allow(dead_code))]
static ANCHOR_PAIRS: [u64; 1024] = {
    const fn set(mut table: [u64; 1024], first: u8, second: u8) -> [u64; 1024] {
        let pair = ((first as usize) << 8) | second as usize;
        table[pair >> 6] |= 1 << (pair & 63);
        table
    }
    let mut table = [0u64; 1024];
    let mut d = b'0';
    while d <= b'9' {
        // all 256 bits of the pairs that start with the digit
        let at = (d as usize) << 2;
        table[at] = u64::MAX;
        table[at + 1] = u64::MAX;
        table[at + 2] = u64::MAX;
        table[at + 3] = u64::MAX;
        d += 1;
    }
    let mut i = 0;
    while i < ANCHOR_WORDS.len() {
        let word = ANCHOR_WORDS[i].0.as_bytes();
        if word.len() >= 2 && word[0].is_ascii_lowercase() {
            let (a, b) = (word[0], word[1]);
            let (upper_a, upper_b) = (a.to_ascii_uppercase(), b.to_ascii_uppercase());
            table = set(table, a, b);
            table = set(table, upper_a, b);
            table = set(table, a, upper_b);
            table = set(table, upper_a, upper_b);
        }
        i += 1;
    }
    table
};

/// The length and reach of the first anchor word (in [`ANCHOR_WORDS`] order) at byte `p`,
/// in any ASCII case: the words that begin with the three letters there, in that order.
fn anchor_word_at(bytes: &[u8], p: usize) -> Option<(usize, usize)> {
    let rest = bytes.get(p..)?;
    let &[a, b, c, ..] = rest else {
        return None;
    };
    // `| 0x20` lowercases a letter and makes no other byte a lowercase letter
    let words: &[(&[u8], usize)] = match [a | 0x20, b | 0x20, c | 0x20] {
        [b'd', b'e', b'c'] => &[(b"decade", 5), (b"dec", 0)],
        [b'y', b'e', b'a'] => &[(b"year", 5)],
        [b'm', b'o', b'n'] => &[(b"month", 5), (b"monday", 1)],
        [b'w', b'e', b'e'] => &[(b"week", 5)],
        [b'd', b'a', b'y'] => &[(b"day", 5)],
        [b'c', b'e', b'n'] => &[(b"centur", 5)],
        [b'h', b'o', b'u'] => &[(b"hour", 5)],
        [b'm', b'i', b'n'] => &[(b"minute", 5)],
        [b'j', b'a', b'n'] => &[(b"jan", 0)],
        [b'f', b'e', b'b'] => &[(b"feb", 0)],
        [b'm', b'a', b'r'] => &[(b"mar", 0)],
        [b'a', b'p', b'r'] => &[(b"apr", 0)],
        [b'm', b'a', b'y'] => &[(b"may", 0)],
        [b'j', b'u', b'n'] => &[(b"jun", 0)],
        [b'j', b'u', b'l'] => &[(b"jul", 0)],
        [b'a', b'u', b'g'] => &[(b"aug", 0)],
        [b's', b'e', b'p'] => &[(b"sep", 0)],
        [b'o', b'c', b't'] => &[(b"oct", 0)],
        [b'n', b'o', b'v'] => &[(b"nov", 0)],
        [b't', b'u', b'e'] => &[(b"tuesday", 1)],
        [b'w', b'e', b'd'] => &[(b"wednesday", 1)],
        [b't', b'h', b'u'] => &[(b"thursday", 1)],
        [b'f', b'r', b'i'] => &[(b"friday", 1)],
        [b's', b'a', b't'] => &[(b"saturday", 1)],
        [b's', b'u', b'n'] => &[(b"sunday", 1)],
        [b'y', b'e', b's'] => &[(b"yesterday", 0)],
        [b't', b'o', b'd'] => &[(b"today", 0)],
        [b't', b'o', b'm'] => &[(b"tomorrow", 0)],
        _ => return None,
    };
    words
        .iter()
        .find(|(word, _)| {
            rest.get(3..word.len())
                .is_some_and(|tail| tail.eq_ignore_ascii_case(word.get(3..).unwrap_or_default()))
        })
        .map(|(word, reach)| (word.len(), *reach))
}

/// The anchors, each with the most whitespace-separated tokens a date expression has before
/// it when it is the expression's first anchor: a two-word hedge and a three-word number
/// before a unit (`just under a couple of years`), a hedge before a number (`more than 3
/// years`) or a preposition before a year (`since 2014`), a word before a weekday (`last
/// Monday`); months and `yesterday` start theirs. No word of a hedge, number, preposition or
/// `last`/`next` holds an anchor, so the first anchor found at or after the start of an
/// expression is its own; and where two anchors start at one place the first listed is found,
/// so `decade` comes before `dec`.
const ANCHOR_WORDS: [(&str, usize); 40] = [
    ("decade", 5),
    ("year", 5),
    ("month", 5),
    ("week", 5),
    ("day", 5),
    ("centur", 5),
    ("hour", 5),
    ("minute", 5),
    ("jan", 0),
    ("feb", 0),
    ("mar", 0),
    ("apr", 0),
    ("may", 0),
    ("jun", 0),
    ("jul", 0),
    ("aug", 0),
    ("sep", 0),
    ("oct", 0),
    ("nov", 0),
    ("dec", 0),
    ("monday", 1),
    ("tuesday", 1),
    ("wednesday", 1),
    ("thursday", 1),
    ("friday", 1),
    ("saturday", 1),
    ("sunday", 1),
    ("yesterday", 0),
    ("today", 0),
    ("tomorrow", 0),
    ("0", 2),
    ("1", 2),
    ("2", 2),
    ("3", 2),
    ("4", 2),
    ("5", 2),
    ("6", 2),
    ("7", 2),
    ("8", 2),
    ("9", 2),
];

/// ASCII whitespace, the pattern's `\s`.
fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

/// The start of the `n`th whitespace-separated token before `at` (or of the token `at` is
/// in), or `floor` if that is later: no date expression whose first anchor starts at `at`
/// starts before the token. The walk back stops at `floor`.
fn tokens_back(bytes: &[u8], at: usize, n: usize, floor: usize) -> usize {
    let mut i = at;
    for _ in 0..n {
        while i > floor && is_space(bytes[i - 1]) {
            i -= 1;
        }
        while i > floor && !is_space(bytes[i - 1]) {
            i -= 1;
        }
    }
    i.max(floor)
}

/// Whether a date expression can start at byte `i`: every alternative starts with an ASCII
/// letter or digit, and only those starting with a capitalized month or weekday or a digit
/// may follow a word character (the others start with `\b`). Nor does any start with a
/// letter none of its first words begin with (see [`MATCH_START`]).
fn may_start_at(bytes: &[u8], i: usize) -> bool {
    let b = bytes[i];
    MATCH_START[usize::from(b)]
        && (!b.is_ascii_lowercase()
            || i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'))
}

/// Whether the pattern may match at byte `i` (where [`may_start_at`] holds), by a look at
/// the first token only, so that most positions near an anchor are ruled out without running
/// the automaton. A digit must start what `day_month` (one or two digits, maybe a suffix,
/// `\s+`, and a capital or the `o` of `of`; the only alternative that may start after a word
/// character), `iso` (four digits and `-`) or a relative time (digits, maybe `.` and digits,
/// `\s+`, and the first letter of a unit in any case) can start with. A letter must
/// start a run of ASCII letters (the whole run: every first word of the pattern is followed
/// by a byte that is not an ASCII letter) that is, in any ASCII case, a month or its
/// abbreviation, a weekday, a preposition before a year, the first word of a hedge or of a
/// number word, `last`/`next`/`this`/`on`/`past`/`coming`, or `yesterday`, `today` or
/// `tomorrow`, and [`rest_may_match`] must let what follows it through. Checked against the
/// lazy DFA in the tests.
fn first_word_may_match(bytes: &[u8], i: usize) -> bool {
    let Some(rest) = bytes.get(i..) else {
        return false;
    };
    let Some(&b) = rest.first() else {
        return false;
    };
    if b.is_ascii_digit() {
        let run = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let after = rest.get(run..).unwrap_or_default();
        let after_spaces = |at: &[u8]| {
            let spaces = at.iter().take_while(|b| is_space(**b)).count();
            at.get(spaces).copied().filter(|_| spaces > 0)
        };
        // a day, then a month (`18 May`, `1st of March`)
        let day = run <= 2 && {
            let suffix = matches!(after.get(..2), Some(b"st" | b"nd" | b"rd" | b"th"));
            let month = after.get(if suffix { 2 } else { 0 }..).unwrap_or_default();
            matches!(
                after_spaces(month),
                Some(b'J' | b'F' | b'M' | b'A' | b'S' | b'O' | b'N' | b'D' | b'o')
            )
        };
        let iso = run == 4 && after.first() == Some(&b'-');
        // a number, then a unit (`3 years`, `2.5 hours`)
        let relative = {
            let fraction = match after {
                [b'.', digit, ..] if digit.is_ascii_digit() => {
                    1 + after[1..].iter().take_while(|b| b.is_ascii_digit()).count()
                }
                _ => 0,
            };
            let unit = after_spaces(after.get(fraction..).unwrap_or_default()).map(|b| b | 0x20);
            matches!(unit, Some(b'y' | b'm' | b'w' | b'd' | b'c' | b'h'))
        };
        let after_word = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        return day || (!after_word && (iso || relative));
    }
    let mut word = [0u8; 16];
    let mut len = 0;
    for &c in rest {
        if !c.is_ascii_alphabetic() {
            break;
        }
        if len == 13 {
            // longer than `approximately`, the longest first word
            return false;
        }
        word[len] = c | 0x20;
        len += 1;
    }
    rest_may_match(&word[..len], &rest[..len], &rest[len..])
}

/// Whether a match may start with the first word `word` (a run of ASCII letters, lowercased;
/// `written` as the text spells it) followed by `after`: whether the word is one of those
/// [`first_word_may_match`] lists, and a look at its spelling and at the byte after the
/// whitespace that follows. Only the alternatives of
/// a relative time ignore case: a preposition before a year, `last`/`next`/`this`/`on`/
/// `past`/`coming`, `yesterday`/`today`/`tomorrow` must be written in lowercase, and a
/// month or weekday capitalized, as the pattern spells them. Then a preposition is followed
/// by `\s*` and a year (`1` or `2`; `mid` by `-` first); `on`/`past`/`coming` by `\s+` and a
/// weekday, `last`/`next`/`this` by `\s+` and a weekday or `week`/`month`/`year`; a month by
/// its `.`, a `,`, `\s+` and a digit (a day or a year); a number word by `\s+` and a unit
/// (`a` by `few` or `couple of` too, `half` by `a`/`an`); a hedge by `\s+` and a number
/// (`more`/`less`/`fewer` by `than`, `just` by `under`/`over`, `at` by `least`). A weekday
/// alone is a match. Checked against the lazy DFA in the tests, with [`first_word_may_match`].
fn rest_may_match(word: &[u8], written: &[u8], after: &[u8]) -> bool {
    let spaces = || after.iter().take_while(|b| is_space(**b)).count();
    // the byte after `\s+`, lowercased for the words of a relative time
    let next = || {
        let spaces = spaces();
        after.get(spaces).copied().filter(|_| spaces > 0)
    };
    let next_lower = || next().map(|b| b | 0x20);
    let lowercase = || written == word;
    let capitalized =
        || written.first().is_some_and(u8::is_ascii_uppercase) && written.get(1..) == word.get(1..);
    let unit = |b: Option<u8>| matches!(b, Some(b'y' | b'm' | b'w' | b'd' | b'c' | b'h'));
    match word {
        _ if is_year_preposition(word) => {
            lowercase() && matches!(after.get(spaces()), Some(b'1' | b'2'))
        }
        b"mid" => {
            let year = after.get(1..).unwrap_or_default();
            let spaces = year.iter().take_while(|b| is_space(**b)).count();
            lowercase()
                && after.first() == Some(&b'-')
                && matches!(year.get(spaces), Some(b'1' | b'2'))
        }
        b"on" | b"past" | b"coming" => {
            lowercase() && matches!(next(), Some(b'M' | b'T' | b'W' | b'F' | b'S'))
        }
        b"last" | b"next" | b"this" => {
            lowercase()
                && matches!(
                    next(),
                    Some(b'M' | b'T' | b'W' | b'F' | b'S' | b'w' | b'm' | b'y')
                )
        }
        b"yesterday" | b"today" | b"tomorrow" => lowercase(),
        b"monday" | b"tuesday" | b"wednesday" | b"thursday" | b"friday" | b"saturday"
        | b"sunday" => capitalized(),
        b"january" | b"february" | b"march" | b"april" | b"may" | b"june" | b"july" | b"august"
        | b"september" | b"october" | b"november" | b"december" | b"jan" | b"feb" | b"mar"
        | b"apr" | b"jun" | b"jul" | b"aug" | b"sep" | b"sept" | b"oct" | b"nov" | b"dec" => {
            let mut rest = after;
            for mark in [b'.', b','] {
                if rest.first() == Some(&mark) {
                    rest = &rest[1..];
                }
            }
            let spaces = rest.iter().take_while(|b| is_space(**b)).count();
            capitalized() && spaces > 0 && rest.get(spaces).is_some_and(u8::is_ascii_digit)
        }
        b"a" => unit(next_lower()) || matches!(next_lower(), Some(b'f')),
        b"half" => next_lower() == Some(b'a'),
        b"more" | b"less" | b"fewer" => next_lower() == Some(b't'),
        b"just" => matches!(next_lower(), Some(b'u' | b'o')),
        b"at" => next_lower() == Some(b'l'),
        b"nearly" | b"almost" | b"about" | b"around" | b"roughly" | b"approximately" | b"some"
        | b"over" | b"under" => {
            next().is_some_and(|b| b.is_ascii_digit())
                || matches!(
                    next_lower(),
                    Some(b'a' | b'o' | b't' | b'f' | b's' | b'e' | b'n' | b'h')
                )
        }
        b"an" | b"one" | b"two" | b"three" | b"four" | b"five" | b"six" | b"seven" | b"eight"
        | b"nine" | b"ten" | b"eleven" | b"twelve" | b"thirteen" | b"fourteen" | b"fifteen"
        | b"sixteen" | b"seventeen" | b"eighteen" | b"nineteen" | b"twenty" | b"thirty"
        | b"forty" | b"fifty" | b"several" => unit(next_lower()),
        // no first word of the pattern
        _ => false,
    }
}

/// The bytes a match can start with: digits; the capitals of months and weekdays
/// (case-sensitive) and of the hedges and numbers of a relative time (in any case); and the
/// lowercase letters of those hedges and numbers, of the prepositions before a year and of
/// `last`/`next`/`this`/`on`/`past`/`coming`, `yesterday`, `today` and `tomorrow`. Not
/// `g k q v w x z`, nor `B C G I K P Q V X Y Z` (checked against the lazy DFA in the tests).
static MATCH_START: [bool; 256] = {
    let lowercase = b"abcdefhijlmnoprstuy";
    let uppercase = b"ADEFHJLMNORSTUW";
    let mut table = [false; 256];
    let mut d = b'0';
    while d <= b'9' {
        table[d as usize] = true;
        d += 1;
    }
    let mut i = 0;
    while i < lowercase.len() {
        table[lowercase[i] as usize] = true;
        i += 1;
    }
    let mut i = 0;
    while i < uppercase.len() {
        table[uppercase[i] as usize] = true;
        i += 1;
    }
    table
};

/// Every match of the date pattern in `text`, leftmost-first and not overlapping, as
/// `captures_iter` of the unanchored pattern would find them: the pattern is tried,
/// anchored, only at the positions a match can start at, near an anchor. `found` gets the
/// captures (offsets into `text`), the groups of the alternative that matched, and the
/// match's start and end.
fn each_match(text: &str, mut found: impl FnMut(&Captures, &Groups, usize, usize)) {
    let re = &*DATE_REGEX;
    let mut search = |caches: &mut Caches| each_match_with(re, caches, text, &mut found);
    // a thread's caches, unless they are in use already (a search from inside `found`)
    let reused = CACHES.with(|cell| {
        let Ok(mut slot) = cell.try_borrow_mut() else {
            return false;
        };
        search(slot.get_or_insert_with(|| re.caches()));
        true
    });
    if !reused {
        search(&mut re.caches());
    }
}

fn each_match_with(
    re: &DateRegex,
    caches: &mut Caches,
    text: &str,
    found: &mut impl FnMut(&Captures, &Groups, usize, usize),
) {
    let bytes = text.as_bytes();
    // the next position to try: past the last match and every position tried
    let mut next = 0;
    each_anchor(bytes, |start, end, reach| {
        if !anchor_may_match(bytes, start, end, reach) {
            return;
        }
        let mut i = tokens_back(bytes, start, reach, next);
        // a match starts at or before its first anchor (or inside the one found)
        while let Some(&b) = bytes.get(i).filter(|_| i < end) {
            // the first alternative that matches here is the match
            let mut matched = None;
            if may_start_at(bytes, i)
                && first_word_may_match(bytes, i)
                && let Some((pattern, e)) = re.captures_at(caches, bytes, i)
                // matches are never empty
                && e > i
                && let Some(groups) = re.groups.get(pattern)
            {
                found(&caches.captures, groups, i, e);
                matched = Some(e);
            }
            i = match matched {
                Some(e) => e,
                // no match starts at a lowercase letter after a word character
                None if b.is_ascii_alphanumeric() || b == b'_' => past_lowercase(bytes, i + 1),
                None => i + 1,
            };
        }
        next = next.max(i);
    });
}

/// Whether the search around the anchor at `start..end` (with its reach) may find a match:
/// false only where no match has the anchor as its first (or starts inside it), which is
/// all that the search around it can find. Every position that search tries before the
/// anchor is at or after the end of the anchors found before it (they end before `next`),
/// so a match found there holds no anchor before this one: a position that begins an anchor
/// word or a digit and is not reported lies inside a reported anchor.
///
/// - Digits, as the first anchor: a `day_month` from some digit of the run (the run, maybe
///   `st`/`nd`/`rd`/`th`, `\s+`, and `o` or a month's capital), an `iso` (the run and `-`),
///   a relative time with the number in digits (the run, maybe `.` and digits, `\s+` and a
///   unit's first letter in any case; a hedge before it starts no anchor), or a year of four
///   digits from `18`, `19` or `20` after a preposition and `\s*` (or `mid-`). A month or
///   weekday before the digits would be an anchor of its own.
/// - A unit (`year`, `week` ..., the anchor words of reach 5), as the first anchor: a
///   relative time with the number in words, or `last`/`next`/`this` and `week`/`month`/
///   `year`: the run of ASCII letters before the `\s+` before the unit is a number word or
///   the last word of one (`a`, `an`, `few`, `of`, `several`, `one` ... `fifty`) or `last`/
///   `next`/`this`, in any case. A number in digits before it is its own anchor. No
///   alternative starts with a unit, and none inside it when the rest of its letters are
///   lowercase (the search passes over a lowercase letter after a word character); else it
///   is searched.
///
/// - A month's first letters in lowercase (`may`, `market`): the search around it tries
///   only its first byte (of reach 0, unless a capital follows), where no match starts.
///
/// Anchors of other words (capitalized months, weekdays, `today` ...) are always searched.
/// Checked in the tests with the whole search, against the regex.
#[inline(always)]
fn anchor_may_match(bytes: &[u8], start: usize, end: usize, reach: usize) -> bool {
    let Some(&first) = bytes.get(start) else {
        return true;
    };
    if first.is_ascii_digit() {
        digits_may_match(bytes, start, end)
    } else if reach == 5 {
        unit_may_match(bytes, start, end)
    } else if reach == 0 && first.is_ascii_lowercase() && !matches!(first, b'y' | b't') {
        // a month's first letters (the other anchor words of reach 0 are `yesterday`,
        // `today` and `tomorrow`) in lowercase (`may`, `market`, `decided`): months are
        // capitalized in the pattern, and no other first word begins with them, so only
        // a capital inside the anchor could start a match
        !bytes
            .get(start + 1..end)
            .is_some_and(|rest| rest.iter().all(u8::is_ascii_lowercase))
    } else {
        true
    }
}

/// [`anchor_may_match`] for the run of digits at `start..end`: the first token's test
/// ([`first_word_may_match`]) at the run's start (an `iso` or a relative time, which start
/// after no word character) and at its last two digits (a `day_month`, which may start
/// inside the run; the test reads the same bytes after the run from either of them), or a
/// year after a preposition (whose match starts before the run, at no anchor).
fn digits_may_match(bytes: &[u8], start: usize, end: usize) -> bool {
    let run_end = start
        + bytes
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
    if first_word_may_match(bytes, start)
        || (run_end - start > 2 && first_word_may_match(bytes, run_end - 2))
    {
        return true;
    }
    // a year after a preposition
    if end - start != 4 || !matches!(bytes.get(start..start + 2), Some(b"18" | b"19" | b"20")) {
        return false;
    }
    let before = bytes.get(..start).unwrap_or_default();
    let before =
        &before[..before.len() - before.iter().rev().take_while(|b| is_space(**b)).count()];
    before.ends_with(b"mid-") || is_year_preposition(letters_before(before))
}

/// Whether `word` is one of the prepositions the pattern takes before a year (`in 2014`),
/// as it spells them (in lowercase), but `mid-`.
fn is_year_preposition(word: &[u8]) -> bool {
    matches!(
        word,
        b"in" | b"since" | b"by" | b"until" | b"of" | b"from" | b"during" | b"early" | b"late"
    )
}

/// The run of ASCII letters that `before` ends with.
fn letters_before(before: &[u8]) -> &[u8] {
    let letters = before
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    &before[before.len() - letters..]
}

/// [`anchor_may_match`] for the unit at `start..end`.
fn unit_may_match(bytes: &[u8], start: usize, end: usize) -> bool {
    if !bytes
        .get(start + 1..end)
        .is_some_and(|rest| rest.iter().all(u8::is_ascii_lowercase))
    {
        return true;
    }
    let before = bytes.get(..start).unwrap_or_default();
    let spaces = before.iter().rev().take_while(|b| is_space(**b)).count();
    if spaces == 0 {
        return false;
    }
    let word = letters_before(&before[..before.len() - spaces]);
    let mut lower = [0u8; 16];
    let Some(head) = lower.get_mut(..word.len()) else {
        // longer than any of the words
        return false;
    };
    for (l, &b) in head.iter_mut().zip(word) {
        *l = b | 0x20;
    }
    is_number_word(head)
        || matches!(
            &*head,
            b"few" | b"of" | b"several" | b"last" | b"next" | b"this"
        )
}

/// Event nouns and verbs, found in one pass (word boundaries checked by the caller).
static EVENT_WORDS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    #[allow(clippy::expect_used, reason = "constant words, built by every test")]
    aho_corasick::AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(EVENT_NOUNS.iter().chain(EVENT_VERBS))
        .expect("event word automaton builds")
});

/// A date expression found in text, before it is tied to a subject.
#[derive(Clone, Debug, PartialEq)]
pub struct DateExpression {
    pub span: Span,
    pub form: DateForm,
    pub date: Option<FactDate>,
    pub weekday: Option<Weekday>,
    pub hedge: Option<Hedge>,
    pub amount: Option<f64>,
    pub unit: Option<&'static str>,
    pub direction: Option<&'static str>,
    /// `last`, `next`, `this`, `on` before a weekday, or `last week` style.
    pub relative_to_now: Option<&'static str>,
}

fn month_number(m: &str) -> Option<i8> {
    let m = m.trim_end_matches('.').to_ascii_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|p| m.starts_with(p))
        .map(|i| i as i8 + 1)
}

fn weekday_of(name: &str) -> Option<Weekday> {
    Some(match &name.to_ascii_lowercase()[..] {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// Number words zero to twenty, by value.
pub const NUMBER_WORDS: [&str; 21] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

fn number_value(text: &str) -> Option<f64> {
    let t = text.to_ascii_lowercase();
    if let Some(i) = NUMBER_WORDS.iter().position(|w| *w == t) {
        return Some(i as f64);
    }
    match t.as_str() {
        "a" | "an" => Some(1.0),
        "thirty" => Some(30.0),
        "forty" => Some(40.0),
        "fifty" => Some(50.0),
        "a few" | "several" => Some(3.0),
        "a couple of" => Some(2.0),
        "half a" | "half an" => Some(0.5),
        _ => t.parse().ok(),
    }
}

fn unit_name(unit: &str) -> &'static str {
    let u = unit.to_ascii_lowercase();
    match u.trim_end_matches('s') {
        "year" => "year",
        "month" => "month",
        "week" => "week",
        "day" => "day",
        "decade" => "decade",
        "hour" => "hour",
        "minute" => "minute",
        _ if u.starts_with("centur") => "century",
        _ => "day",
    }
}

/// Days in one unit, for relative arithmetic.
fn unit_days(unit: &str) -> Option<f64> {
    Some(match unit {
        "year" => 365.2425,
        "month" => 30.436875,
        "week" => 7.0,
        "day" => 1.0,
        "decade" => 3652.425,
        "century" => 36524.25,
        _ => return None,
    })
}

fn hedge_of(text: &str) -> Hedge {
    match text.to_ascii_lowercase().as_str() {
        "nearly" | "almost" | "just under" => Hedge::Under,
        "more than" | "over" | "just over" | "at least" => Hedge::Over,
        "less than" | "under" | "fewer than" => Hedge::LessThan,
        _ => Hedge::About,
    }
}

/// Every date expression in `text` (a sentence's prose), with spans offset by `base`.
/// `article_year` fills in `February 18` without a year.
pub fn find(text: &str, base: usize, article_year: Option<i16>) -> Vec<DateExpression> {
    let mut out = Vec::new();
    each_match(text, |caps, groups, start, end| {
        let c = Caps {
            text,
            caps,
            start,
            end,
        };
        if let Some(e) = expression(&c, groups, base, article_year) {
            out.push(e);
        }
    });
    merge_weekday_dates(text, base, out)
}

/// One match of the date pattern: its captures in `text`, and the span of the whole
/// expression.
struct Caps<'t> {
    text: &'t str,
    caps: &'t Captures,
    start: usize,
    end: usize,
}

impl<'t> Caps<'t> {
    fn range(&self, group: usize) -> Option<(usize, usize)> {
        let span = self.caps.get_group(group)?;
        Some((span.start, span.end))
    }

    fn str(&self, group: usize) -> Option<&'t str> {
        let (s, e) = self.range(group)?;
        self.text.get(s..e)
    }
}

/// The date expression a match makes, if it makes one.
fn expression(
    c: &Caps<'_>,
    g: &Groups,
    base: usize,
    article_year: Option<i16>,
) -> Option<DateExpression> {
    let mut span = Span::new(base + c.start, base + c.end);
    let mut e = DateExpression {
        span,
        form: DateForm::Absolute,
        date: None,
        weekday: None,
        hedge: None,
        amount: None,
        unit: None,
        direction: None,
        relative_to_now: None,
    };
    if let Some(m) = c.str(g.m1).or_else(|| c.str(g.m2)) {
        let day: i8 = c
            .str(g.d1)
            .or_else(|| c.str(g.d2))
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        let year = c
            .str(g.y1)
            .or_else(|| c.str(g.y2))
            .and_then(|y| y.parse().ok())
            .or(article_year);
        e.weekday = c.str(g.wd1).or_else(|| c.str(g.wd2)).and_then(weekday_of);
        e.date = match (year, month_number(m)) {
            (Some(y), Some(mo)) => FactDate::day(y, mo, day).ok(),
            _ => None,
        };
        // `May 5` is a date, but `may 5` and a bare "May" alone are too ambiguous
        if m == "May"
            && c.str(g.y1).or_else(|| c.str(g.y2)).is_none()
            && c.str(g.d2).is_none()
            && e.date.is_none()
        {
            return None;
        }
    } else if let Some(m) = c.str(g.m3) {
        e.date = match (c.str(g.y3).and_then(|y| y.parse().ok()), month_number(m)) {
            (Some(y), Some(mo)) => FactDate::month(y, mo).ok(),
            _ => None,
        };
    } else if let Some(iso) = c.str(g.iso) {
        e.date = Some(FactDate::parse(iso).ok()?);
    } else if let Some(y) = c.str(g.y4) {
        if c.str(g.notunit).is_some() {
            return None;
        }
        e.date = y.parse().ok().and_then(|y| FactDate::year(y).ok());
        // the span is the year and its preposition, without a unit word
        // the pattern puts `prep` before every `y4`
        if let (Some(prep), Some(year)) = (c.range(g.prep), c.range(g.y4)) {
            span = Span::new(base + prep.0, base + year.1);
            e.span = span;
        }
    } else if let Some(unit) = c.str(g.unit) {
        let amount = c.str(g.number).and_then(number_value);
        e.unit = Some(unit_name(unit));
        e.amount = amount;
        e.hedge = c.str(g.hedge).map(hedge_of);
        e.direction = c
            .str(g.direction)
            .map(|d| match d.to_ascii_lowercase().as_str() {
                "ago" => "ago",
                "after" => "after",
                "before" => "before",
                "later" => "later",
                _ => "earlier",
            });
        e.form = if e.direction.is_some() {
            DateForm::Relative
        } else {
            DateForm::Duration
        };
        // "some" and "over" without a number word are common prose; require an amount
        amount?;
    } else if let Some(wd) = c.str(g.wd3) {
        e.form = DateForm::Weekday;
        e.weekday = weekday_of(wd);
        e.relative_to_now = c.str(g.rel).map(|r| match r {
            "last" | "past" => "last",
            "next" | "coming" => "next",
            "this" => "this",
            _ => "on",
        });
    } else if let Some(unit) = c.str(g.wunit) {
        e.form = DateForm::Weekday;
        e.unit = Some(unit_name(unit));
        e.relative_to_now = c.str(g.wrel).map(|r| match r {
            "last" => "last",
            "next" => "next",
            _ => "this",
        });
    } else if let Some(day) = c.str(g.yday) {
        e.form = DateForm::Weekday;
        e.relative_to_now = Some(match day {
            "yesterday" => "yesterday",
            "tomorrow" => "tomorrow",
            _ => "today",
        });
    }
    Some(e)
}

/// `on Thursday, Feb. 18, 2025` is one expression: a date with the weekday it falls on.
fn merge_weekday_dates(text: &str, base: usize, found: Vec<DateExpression>) -> Vec<DateExpression> {
    let mut out: Vec<DateExpression> = Vec::with_capacity(found.len());
    for e in found {
        if let Some(prev) = out.last_mut()
            && prev.form == DateForm::Weekday
            && prev.weekday.is_some()
            && e.form == DateForm::Absolute
            && e.weekday.is_none()
            && text[(prev.span.end as usize - base)..(e.span.start as usize - base)]
                .trim_matches([',', ' '])
                .is_empty()
        {
            let weekday = prev.weekday;
            *prev = DateExpression {
                span: prev.span.to(e.span),
                weekday,
                ..e
            };
            continue;
        }
        out.push(e);
    }
    out
}

fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(jiff::Span::new().days(days)).ok()
}

/// The days an expression can mean, given the article date (a day).
pub fn resolve(e: &DateExpression, today: Option<Date>) -> Option<DayRange> {
    if e.form == DateForm::Absolute {
        let d = e.date?;
        return Some(DayRange {
            first: d.first_day(),
            last: d.last_day(),
        });
    }
    let today = today?;
    match e.form {
        DateForm::Weekday => {
            if let Some(w) = e
                .relative_to_now
                .filter(|_| e.weekday.is_none() && e.unit.is_none())
            {
                let d = match w {
                    "yesterday" => add_days(today, -1)?,
                    "tomorrow" => add_days(today, 1)?,
                    _ => today,
                };
                return Some(DayRange { first: d, last: d });
            }
            if let Some(unit) = e.unit {
                // last/next/this week, month or year: a generous window
                let (back, forward) = match (unit, e.relative_to_now) {
                    ("week", Some("last")) => (-13, -1),
                    ("week", Some("next")) => (1, 13),
                    ("week", _) => (-6, 6),
                    ("month", Some("last")) => (-62, -1),
                    ("month", Some("next")) => (1, 62),
                    ("month", _) => (-31, 31),
                    ("year", Some("last")) => (-730, -1),
                    ("year", Some("next")) => (1, 730),
                    _ => (-366, 366),
                };
                return Some(DayRange {
                    first: add_days(today, back)?,
                    last: add_days(today, forward)?,
                });
            }
            // A weekday: the window it can fall in. `last Wednesday` is 1 to 13 days back
            // (yesterday's or last week's), `next Monday` 1 to 13 ahead, a bare or `on`
            // weekday within six days either way.
            let (back, forward) = match e.relative_to_now {
                Some("last") => (-13, -1),
                Some("next") => (1, 13),
                _ => (-6, 6),
            };
            Some(DayRange {
                first: add_days(today, back)?,
                last: add_days(today, forward)?,
            })
        }
        DateForm::Relative if e.direction == Some("ago") => {
            let days = unit_days(e.unit?)?;
            let n = e.amount?;
            let (lo, hi) = elapsed_bounds(n, e.hedge);
            Some(DayRange {
                first: add_days(today, -((hi * days).ceil() as i64))?,
                last: add_days(today, -((lo * days).floor() as i64))?,
            })
        }
        _ => None,
    }
}

/// The elapsed amount, in units, that an expression allows: `three years` means 2.5 to 3.5;
/// `nearly three` a little under three; `about three` ±10 % (at least half a unit); `more
/// than three` above three.
pub fn elapsed_bounds(n: f64, hedge: Option<Hedge>) -> (f64, f64) {
    let slack = (0.1 * n).max(0.5);
    match hedge {
        None => ((n - 0.5).max(0.0), n + 0.5),
        Some(Hedge::Under) => ((n - (0.15 * n).max(0.5)).max(0.0), n * 1.02),
        Some(Hedge::About) => ((n - slack).max(0.0), n + slack),
        Some(Hedge::Over) => (n * 0.98, n * 100.0 + 100.0),
        Some(Hedge::LessThan) => (0.0, n * 1.02),
    }
}

/// Words that name events, for tying a date to what its clause speaks of.
pub const EVENT_NOUNS: &[&str] = &[
    "phone call",
    "call",
    "meeting",
    "talks",
    "summit",
    "conversation",
    "visit",
    "invasion",
    "annexation",
    "attack",
    "offensive",
    "election",
    "referendum",
    "ceasefire",
    "truce",
    "agreement",
    "deal",
    "accord",
    "treaty",
    "conference",
    "speech",
    "address",
    "interview",
    "negotiations",
    "war",
    "session",
    "trip",
    "strike",
    "vote",
    "announcement",
    "inauguration",
];

/// Verbs that make an event of their clause (`met`, `launched`).
pub const EVENT_VERBS: &[&str] = &[
    "met",
    "meet",
    "meets",
    "spoke",
    "speak",
    "called",
    "signed",
    "launched",
    "annexed",
    "invaded",
    "visited",
    "held",
    "announced",
    "attacked",
    "talked",
    "agreed",
    "began",
    "started",
];

/// Finds the event a date speaks of, in the clause around `at` within `sentence`:
/// the nearest event words before it, else after it.
pub fn event_words_near(text: &str, sentence: Span, at: Span) -> Option<Span> {
    event_words_in(text, sentence, at, clause_around(text, sentence, at))
}

/// [`event_words_near`] with the clause around `at` already found: from the clause's runs
/// of ASCII letters and digits ([`event_words_by_runs`]), or, where a `phone ` comes before
/// an event word there, with the automaton ([`event_words_by_automaton`]).
fn event_words_in(text: &str, sentence: Span, at: Span, clause: Span) -> Option<Span> {
    let s = sentence.slice(text);
    let base = sentence.start as usize;
    let rel = (
        (at.start - sentence.start) as usize,
        (at.end - sentence.start) as usize,
    );
    let within = (
        (clause.start - sentence.start) as usize,
        (clause.end - sentence.start) as usize,
    );
    match event_words_by_runs(s, rel, within) {
        Some(found) => found.map(|(ws, end)| Span::new(base + ws, base + end)),
        None => event_words_by_automaton(text, sentence, at, clause),
    }
}

/// The event words ([`EVENT_NOUNS`] and [`EVENT_VERBS`]) in one list, for
/// [`EVENT_WORD_INDEX`].
const EVENT_WORD_LIST: [&str; EVENT_NOUNS.len() + EVENT_VERBS.len()] = {
    let mut list = [""; EVENT_NOUNS.len() + EVENT_VERBS.len()];
    let mut i = 0;
    while i < EVENT_NOUNS.len() {
        list[i] = EVENT_NOUNS[i];
        i += 1;
    }
    while i < list.len() {
        list[i] = EVENT_VERBS[i - EVENT_NOUNS.len()];
        i += 1;
    }
    list
};

/// The longest event word made of letters only.
const EVENT_WORD_MAX: usize = 12;

/// For each first letter (`a` to `z`) and length (to [`EVENT_WORD_MAX`]), the event words
/// of [`EVENT_WORD_LIST`] that are letters only and begin with it and have it (bit `k`:
/// word `k`). `phone call` is not in it: its `call` is.
static EVENT_WORD_INDEX: [[u64; EVENT_WORD_MAX + 1]; 26] = {
    assert!(EVENT_WORD_LIST.len() <= 64);
    let mut index = [[0u64; EVENT_WORD_MAX + 1]; 26];
    let mut k = 0;
    while k < EVENT_WORD_LIST.len() {
        let word = EVENT_WORD_LIST[k].as_bytes();
        let mut letters = true;
        let mut j = 0;
        while j < word.len() {
            letters &= word[j].is_ascii_lowercase();
            j += 1;
        }
        if letters {
            assert!(!word.is_empty() && word.len() <= EVENT_WORD_MAX);
            index[(word[0] - b'a') as usize][word.len()] |= 1 << k;
        }
        k += 1;
    }
    index
};

/// The first eight bytes of each word of [`EVENT_WORD_LIST`] and its last eight (or 0 when
/// it is not longer than eight), little-endian: as [`run_key`] reads a run that spells it.
static EVENT_WORD_KEYS: [(u64, u64); EVENT_WORD_LIST.len()] = {
    let mut keys = [(0u64, 0u64); EVENT_WORD_LIST.len()];
    let mut k = 0;
    while k < EVENT_WORD_LIST.len() {
        let word = EVENT_WORD_LIST[k].as_bytes();
        let (mut lo, mut hi) = (0u64, 0u64);
        let mut j = 0;
        while j < word.len() && j < 8 {
            lo |= (word[j] as u64) << (8 * j);
            j += 1;
        }
        if word.len() > 8 {
            let mut j = 0;
            while j < 8 {
                hi |= (word[word.len() - 8 + j] as u64) << (8 * j);
                j += 1;
            }
        }
        keys[k] = (lo, hi);
        k += 1;
    }
    keys
};

/// The key of [`EVENT_WORD_KEYS`] of the run of ASCII letters and digits `hay[ws..end]`
/// (at most [`EVENT_WORD_MAX`] bytes), lowercased by `| 0x20` (which leaves digits as they
/// are), if `hay` has eight bytes from `ws` (and from `end - 8` when it is longer than eight):
/// the bytes past the run are masked off.
#[inline(always)]
fn run_key(hay: &[u8], ws: usize, end: usize) -> Option<(u64, u64)> {
    const LOWER: u64 = 0x2020_2020_2020_2020;
    let len = end - ws;
    let at = |p: usize| {
        hay.get(p..)
            .and_then(|rest| rest.first_chunk::<8>())
            .map(|b| u64::from_le_bytes(*b) | LOWER)
    };
    let lo = at(ws)?;
    if len >= 8 {
        let hi = if len > 8 { at(end - 8)? } else { 0 };
        Some((lo, hi))
    } else {
        Some((lo & ((1u64 << (8 * len)) - 1), 0))
    }
}

/// [`event_words_by_automaton`] found from the runs of ASCII letters and digits of the clause
/// (`within`, offsets into the sentence `s`; the date at `rel`), read from bit masks of
/// [`ANCHOR_CHUNK`] bytes ([`anchor_classes`]) and each looked up in [`EVENT_WORD_INDEX`] by
/// its first letter and length; `None` (the automaton decides) when a run that spells an event
/// word comes after `phone `.
///
/// The same answer: every event word but `phone call` is ASCII letters, so a match of one
/// that is bounded (no alphanumeric character either side) is a whole run, and the runs are
/// all looked at, in order. Nor can the automaton's leftmost-longest search pass over one: a
/// longer word at its start would go on into a letter and so not be bounded, and a match that
/// starts earlier and overlaps it holds the character before it, which is no letter: only
/// `phone call` holds one, the space before `call`, which is where this gives up. The matches
/// the automaton finds and this does not are not bounded, and are passed over there too.
fn event_words_by_runs(
    s: &str,
    rel: (usize, usize),
    (clause_start, clause_end): (usize, usize),
) -> Option<Option<(usize, usize)>> {
    use std::ops::ControlFlow::Break;
    let hay = s.as_bytes().get(..clause_end)?;
    // the nearest bounded match so far: its distance from the date, start and end
    let mut best: Option<(usize, usize, usize)> = None;
    // where the run that goes on into the next chunk started
    let mut open: Option<usize> = None;
    let mut i = clause_start;
    loop {
        let (alnum, last) = if i < clause_end {
            (anchor_classes(&chunk_of(hay, i)).0, false)
        } else if open.is_some() {
            // the run still open ends with the clause (`i` is its end: the byte before it
            // is a letter or digit, not the padding)
            (0, true)
        } else {
            break;
        };
        let carry = u32::from(open.is_some());
        // the run from the chunk before ends at the first byte that is no letter or digit
        if let Some(ws) = open {
            let len = (!alnum).trailing_zeros() as usize;
            if len < ANCHOR_CHUNK {
                open = None;
                if let Break(found) = event_run(s, ws, i + len, rel, &mut best) {
                    return found;
                }
            }
        }
        let starts = alnum & !((alnum << 1) | carry);
        // only runs of three bytes or more can spell an event word: the starts followed by
        // two more letters or digits, and those too near the chunk's end to tell
        let mut long = starts & (((alnum >> 1) & (alnum >> 2)) | (0b11 << (ANCHOR_CHUNK - 2)));
        while long != 0 {
            let k = long.trailing_zeros() as usize;
            long &= long - 1;
            // the run's length in the chunk: up to the first byte that is no letter or digit
            let len = (!(alnum >> k)).trailing_zeros() as usize;
            if k + len >= ANCHOR_CHUNK {
                // the run goes on into the next chunk (it is the chunk's last)
                open = Some(i + k);
                break;
            }
            if let Break(found) = event_run(s, i + k, i + k + len, rel, &mut best) {
                return found;
            }
        }
        if last {
            break;
        }
        i += ANCHOR_CHUNK;
    }
    Some(best.map(|(_, ws, end)| (ws, end)))
}

/// One run of [`event_words_by_runs`], `s[ws..end]`, with the date at `rel`: `Break` with the
/// answer when the run ends the search, or with `None` when it spells an event word after
/// `phone `; else `best` updated as the automaton's loop updates it.
#[inline(always)]
fn event_run(
    s: &str,
    ws: usize,
    end: usize,
    rel: (usize, usize),
    best: &mut Option<(usize, usize, usize)>,
) -> std::ops::ControlFlow<Option<Option<(usize, usize)>>> {
    use std::ops::ControlFlow::{Break, Continue};
    let bytes = s.as_bytes();
    let Some(&candidates) = bytes.get(ws).and_then(|&first| {
        let letter = usize::from((first | 0x20).wrapping_sub(b'a'));
        EVENT_WORD_INDEX.get(letter)?.get(end.wrapping_sub(ws))
    }) else {
        return Continue(());
    };
    if candidates == 0 {
        return Continue(());
    }
    let key = run_key(bytes, ws, end);
    let mut candidates = candidates;
    let mut spelled = false;
    while candidates != 0 {
        let k = candidates.trailing_zeros() as usize;
        candidates &= candidates - 1;
        spelled |= match key {
            Some(key) => EVENT_WORD_KEYS.get(k) == Some(&key),
            None => bytes
                .get(ws..end)
                .is_some_and(|word| EVENT_WORD_LIST[k].as_bytes().eq_ignore_ascii_case(word)),
        };
    }
    if !spelled {
        return Continue(());
    }
    if ws >= 6 && bytes[ws - 6..ws].eq_ignore_ascii_case(b"phone ") {
        return Break(None);
    }
    if weigh_event_word(s, ws, end, rel, best) {
        return Break(Some(best.map(|(_, ws, end)| (ws, end))));
    }
    Continue(())
}

/// An event word found at `s[ws..end]`, weighed against `best` (its distance from the date
/// at `rel`, start and end): a bounded word outside the date is kept if it is nearer, words
/// before the date nearest first, then after it. True when no later word can be nearer (the
/// search stops). The one step of [`event_words_by_automaton`] and [`event_words_by_runs`].
#[inline(always)]
fn weigh_event_word(
    s: &str,
    ws: usize,
    end: usize,
    (rel_start, rel_end): (usize, usize),
    best: &mut Option<(usize, usize, usize)>,
) -> bool {
    let bounded = !s[..ws].ends_with(|c: char| c.is_alphanumeric())
        && !s[end..].starts_with(|c: char| c.is_alphanumeric());
    if !bounded || (ws >= rel_start && ws < rel_end) {
        return false;
    }
    let distance = if end <= rel_start {
        rel_start - end
    } else {
        10_000 + ws - rel_end
    };
    if best.is_none_or(|(d, _, _)| distance < d) {
        *best = Some((distance, ws, end));
    }
    // later words start later still: none is nearer
    ws >= rel_end
}

/// [`event_words_in`] with the automaton of the event words over the clause: the nearest
/// bounded match before the date, else the first after it.
fn event_words_by_automaton(text: &str, sentence: Span, at: Span, clause: Span) -> Option<Span> {
    let s = sentence.slice(text);
    let base = sentence.start as usize;
    let rel_start = (at.start - sentence.start) as usize;
    let rel_end = (at.end - sentence.start) as usize;
    let (clause_start, clause_end) = (
        (clause.start - sentence.start) as usize,
        (clause.end - sentence.start) as usize,
    );
    let mut best = None;
    for m in EVENT_WORDS.find_iter(&s[clause_start..clause_end]) {
        let (ws, end) = (clause_start + m.start(), clause_start + m.end());
        if weigh_event_word(s, ws, end, (rel_start, rel_end), &mut best) {
            break;
        }
    }
    best.map(|(_, ws, end)| Span::new(base + ws, base + end))
}

pub use super::words::word_spans;

/// The article's dateline, if its first body block starts with one (`Feb. 18, 2025 —`,
/// `RIYADH, Saudi Arabia, Feb. 18, 2025 (AP) —`) or is a date alone.
pub fn dateline(article: &Article) -> Option<ArticleDate> {
    // the first paragraph, which is the headline too when a Markdown article has no heading
    let block = article
        .blocks
        .iter()
        .filter(|b| b.kind != BlockKind::Title)
        .take(2)
        .find(|b| b.kind == BlockKind::Paragraph || !b.headline)?;
    let text = article.prose_of(block.span);
    let mut cut = text.len().min(120);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    if !may_hold_a_day(head.as_bytes()) {
        return None;
    }
    for e in find(head, block.span.start as usize, None) {
        if e.form != DateForm::Absolute
            || e.date
                .is_none_or(|d| d.precision() != crate::kb::time::Precision::Day)
        {
            continue;
        }
        let rel_start = (e.span.start - block.span.start) as usize;
        let rel_end = (e.span.end - block.span.start) as usize;
        let before = &text[..rel_start];
        let after = text[rel_end..].trim_start();
        let after = match after.strip_prefix('(') {
            Some(rest) => rest.split_once(')').map_or(after, |(_, r)| r.trim_start()),
            None => after,
        };
        let prefix_ok = !before.contains('.') && before.split_whitespace().count() <= 6;
        let dash = after.starts_with(['\u{2014}', '\u{2013}', '-']) || after.is_empty();
        if prefix_ok && dash {
            return Some(ArticleDate {
                date: e.date?,
                span: e.span,
                source: DateSource::Dateline,
            });
        }
    }
    None
}

/// Whether `head` may hold an absolute date at day precision, the only kind of dateline:
/// those are `month_day`, `day_month` (a capitalized month and a digit) and `iso` (digits
/// and `-`) matches, or a weekday merged with one. Every other alternative makes a year, a
/// month, or no absolute date at all.
fn may_hold_a_day(head: &[u8]) -> bool {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    head.iter().any(u8::is_ascii_digit)
        && (head.contains(&b'-')
            || head
                .windows(3)
                .any(|w| w[0].is_ascii_uppercase() && MONTHS.iter().any(|m| m[..] == *w)))
}

/// Date claims for one sentence.
pub fn claims_in(
    article: &Article,
    sentence: Span,
    today: Option<Date>,
    events: &[(Span, Ref)],
) -> Vec<DateClaim> {
    let year = article.date.map(|d| d.date.year_number());
    let text = article.prose_of(sentence);
    let mut out = Vec::new();
    for e in find(text, sentence.start as usize, year) {
        let resolved = resolve(&e, today);
        // a KB event mention in the same clause wins; else the nearest event words
        let clause = clause_around(&article.prose, sentence, e.span);
        let words = event_words_in(&article.prose, sentence, e.span, clause);
        let known = nearest_event(events, clause, e.span).filter(|known| {
            // `The Riyadh meeting followed a phone call ... on Feb. 12`: other event words
            // between the known event and the date speak of another event; and `the
            // anniversary of the invasion on Monday` is not the invasion's date
            let between = words.is_some_and(|w| {
                known.span.end <= w.start
                    && w.end <= e.span.start
                    && EVENT_NOUNS
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(w.slice(&article.prose)))
            });
            !between && !tells_of_anniversary(clause.slice(&article.prose))
        });
        let subject = known.cloned().or_else(|| {
            words.map(|span| Ref {
                text: article.slice(span).to_string(),
                span,
                entities: Vec::new(),
                ids: Vec::new(),
            })
        });
        out.push(DateClaim {
            subject,
            expression: Ref {
                text: article.slice(e.span).to_string(),
                span: e.span,
                entities: Vec::new(),
                ids: Vec::new(),
            },
            form: e.form,
            date: e.date,
            weekday: e.weekday.map(|w| weekday_name(w).to_string()),
            hedge: e.hedge,
            amount: e.amount,
            unit: e.unit.map(str::to_string),
            direction: e.direction.map(str::to_string),
            resolved,
        });
    }
    out
}

/// Whether `text` has `anniversary` or ` years since` in it, ignoring ASCII case, without
/// lowercasing it into a new string: the same as looking in `text.to_lowercase()`, since no
/// other character lowercases to ASCII but `İ` (to `i` and a combining dot, never followed by
/// `v` or `n`) and the Kelvin sign (to `k`, in neither phrase).
fn tells_of_anniversary(text: &str) -> bool {
    let b = text.as_bytes();
    let has = |phrase: &[u8]| {
        b.windows(phrase.len())
            .any(|w| w.eq_ignore_ascii_case(phrase))
    };
    has(b"anniversary") || has(b" years since")
}

/// The clause around `at` in `sentence`: from the last `;` or `(` before it to the next `;`
/// or `)` after it. A parenthesis speaks of its own subject.
fn clause_around(text: &str, sentence: Span, at: Span) -> Span {
    let s = sentence.slice(text);
    let base = sentence.start as usize;
    let rel_start = (at.start - sentence.start) as usize;
    let rel_end = (at.end - sentence.start) as usize;
    // A clause reaches at most CLAUSE_REACH bytes either side of the date: the work per
    // date stays constant, so a sentence with thousands of dates costs linear time.
    let mut floor = rel_start.saturating_sub(CLAUSE_REACH);
    while !s.is_char_boundary(floor) {
        floor += 1;
    }
    let mut ceiling = (rel_end + CLAUSE_REACH).min(s.len());
    while !s.is_char_boundary(ceiling) {
        ceiling -= 1;
    }
    // ASCII bytes: found by byte, they are the characters `rfind` and `find` would find
    let bytes = s.as_bytes();
    let start = bytes
        .get(floor..rel_start)
        .and_then(|b| memchr::memrchr2(b';', b'(', b))
        .map_or(floor, |p| floor + p + 1);
    let end = bytes
        .get(rel_end..ceiling)
        .and_then(|b| memchr::memchr2(b';', b')', b))
        .map_or(ceiling, |p| rel_end + p);
    Span::new(base + start, base + end)
}

/// How far a date's clause reaches before and after it, in bytes.
const CLAUSE_REACH: usize = 300;

/// The event mentioned nearest to `at` inside `clause`: before it first, else after it.
/// `events` are sorted by position and do not overlap.
fn nearest_event(events: &[(Span, Ref)], clause: Span, at: Span) -> Option<&Ref> {
    let from = events.partition_point(|(span, _)| span.start < clause.start);
    let to = events.partition_point(|(span, _)| span.start < clause.end);
    events[from..to.max(from)]
        .iter()
        .filter(|(span, _)| span.end <= clause.end)
        .min_by_key(|(span, _)| {
            if span.end <= at.start {
                at.start - span.end
            } else {
                10_000 + span.start.saturating_sub(at.end)
            }
        })
        .map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use regex::Regex;

    use super::*;

    fn one(text: &str) -> DateExpression {
        let found = find(text, 0, Some(2025));
        assert_eq!(found.len(), 1, "{text}: {found:#?}");
        found.into_iter().next().unwrap()
    }

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn absolute_dates_at_their_precision() {
        assert_eq!(
            one("on Feb. 18, 2025 in Riyadh").date.unwrap().to_string(),
            "2025-02-18"
        );
        assert_eq!(
            one("on 18 February 2025").date.unwrap().to_string(),
            "2025-02-18"
        );
        assert_eq!(
            one("on February 18").date.unwrap().to_string(),
            "2025-02-18"
        );
        assert_eq!(one("in February 2025").date.unwrap().to_string(), "2025-02");
        assert_eq!(one("annexed in 2014").date.unwrap().to_string(), "2014");
        assert_eq!(
            one("dated 2025-02-18.").date.unwrap().to_string(),
            "2025-02-18"
        );
        let thursday = one("on Thursday, Feb. 18, 2025");
        assert_eq!(thursday.weekday, Some(Weekday::Thursday));
        assert_eq!(thursday.date.unwrap().to_string(), "2025-02-18");
    }

    #[test]
    fn years_of_things_are_not_dates() {
        assert!(find("sent 2014 troops", 0, None).is_empty());
        assert!(
            find("in 2014 dollars", 0, None)
                .iter()
                .all(|e| e.form != DateForm::Absolute)
        );
    }

    #[test]
    fn weekdays_and_relative_days() {
        let e = one("met on Tuesday");
        assert_eq!(
            (e.form, e.weekday, e.relative_to_now),
            (DateForm::Weekday, Some(Weekday::Tuesday), Some("on"))
        );
        let e = one("last Wednesday");
        let r = resolve(&e, Some(d("2025-02-18"))).unwrap();
        assert_eq!((r.first, r.last), (d("2025-02-05"), d("2025-02-17")));
        assert_eq!(one("next week").relative_to_now, Some("next"));
    }

    #[test]
    fn hedged_relative_times_resolve_to_ranges() {
        let e = one("nearly three years ago");
        assert_eq!(
            (e.hedge, e.amount, e.unit, e.direction),
            (Some(Hedge::Under), Some(3.0), Some("year"), Some("ago"))
        );
        let r = resolve(&e, Some(d("2025-02-18"))).unwrap();
        // the invasion of 2022-02-24 is nearly three years before 2025-02-18
        assert!(
            r.first <= d("2022-02-24") && d("2022-02-24") <= r.last,
            "{r:?}"
        );
        let five = resolve(&one("nearly five years ago"), Some(d("2025-02-18"))).unwrap();
        assert!(d("2022-02-24") > five.last);
        let e = one("more than a decade");
        assert_eq!(
            (e.form, e.hedge, e.amount),
            (DateForm::Duration, Some(Hedge::Over), Some(1.0))
        );
        assert_eq!(one("about five hours").unit, Some("hour"));
    }

    /// The anchors as a regex finds them, anchored, at each position that is not a lowercase
    /// letter inside a word (past the end of each one found): the reference for
    /// [`each_anchor`].
    static ANCHOR_AT: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
        let words: Vec<String> = ANCHOR_WORDS
            .iter()
            .map(|(word, _)| regex::escape(word))
            .collect();
        regex::bytes::Regex::new(&format!("^(?i-u:[0-9]+|{})", words.join("|"))).unwrap()
    });

    type Anchors = Vec<(usize, usize, usize)>;

    fn anchors_reference(text: &str) -> Anchors {
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        let mut p = 0;
        while p < bytes.len() {
            let inside_word = p > 0
                && bytes[p].is_ascii_lowercase()
                && (bytes[p - 1].is_ascii_alphanumeric() || bytes[p - 1] == b'_');
            if !inside_word && let Some(a) = ANCHOR_AT.find(&bytes[p..]) {
                let reach = match a.as_bytes() {
                    [b, ..] if b.is_ascii_digit() => 2,
                    word => ANCHOR_WORDS
                        .iter()
                        .find(|(w, _)| w.as_bytes().eq_ignore_ascii_case(word))
                        .map_or(5, |(_, reach)| *reach),
                };
                found.push((p, p + a.end(), reach));
                p += a.end();
            } else {
                p += 1;
            }
        }
        found
    }

    /// No match starts with a byte [`MATCH_START`] leaves out, after a word character or not:
    /// the DFA of the pattern, anchored, dies on it (and, after no word character, on no
    /// other byte).
    #[test]
    fn match_start_holds_every_first_byte() {
        let dfa = &DATE_REGEX.dfa;
        // `None`: at the start of the text
        let befores = [None, Some(b' '), Some(b'\n'), Some(b'('), Some(0xE2)];
        let words = [Some(b'x'), Some(b'Q'), Some(b'5'), Some(b'_')];
        for before in befores.into_iter().chain(words) {
            for b in 0..=255u8 {
                let text = [before.unwrap_or(b' '), b, b' '];
                let (hay, from) = match before {
                    Some(_) => (&text[..], 1),
                    None => (&text[1..], 0),
                };
                let input = Input::new(hay).range(from..).anchored(Anchored::Yes);
                let start = dfa.start_state_forward(&input).unwrap();
                assert!(!dfa.is_match_state(start) && !dfa.is_dead_state(start));
                let next = dfa.next_state(start, b);
                // exactly the first bytes after no word character; a superset of them after one
                if !words.contains(&before) {
                    assert_eq!(MATCH_START[usize::from(b)], !dfa.is_dead_state(next), "{b}");
                } else {
                    assert!(
                        MATCH_START[usize::from(b)] || dfa.is_dead_state(next),
                        "{b}"
                    );
                }
            }
        }
    }

    /// The embedded DFA is the one the pattern compiles to (so `build.rs` and this file agree),
    /// and the embedded group names are the NFA's.
    #[test]
    fn embedded_dfa_and_groups_are_the_patterns() {
        use regex_automata::MatchKind;
        use regex_automata::dfa::StartKind;
        let built = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .start_kind(StartKind::Anchored)
                    .match_kind(MatchKind::LeftmostFirst)
                    .minimize(true),
            )
            .build_many(&*DATE_ALTERNATIVES)
            .unwrap();
        let (bytes, pad) = built.to_bytes_native_endian();
        assert!(bytes[pad..] == DATE_DFA_BYTES.bytes);
        let nfa = NFA::new_many(&*DATE_ALTERNATIVES).unwrap();
        let info = nfa.group_info();
        assert_eq!(info.pattern_len(), DATE_REGEX.info.pattern_len());
        for pattern in nfa.patterns() {
            assert_eq!(
                info.pattern_names(pattern).collect::<Vec<_>>(),
                DATE_REGEX.info.pattern_names(pattern).collect::<Vec<_>>()
            );
            assert_eq!(
                info.slot_len(),
                DATE_REGEX.info.slot_len(),
                "the same slots, so the engines can fill the same captures"
            );
        }
    }

    /// Every anchor word, in any ASCII case, passes the three-byte filter of [`each_anchor`].
    #[test]
    fn anchor_triples_hold_every_anchor_word() {
        for (word, _) in ANCHOR_WORDS.iter().filter(|(w, _)| w.len() >= 3) {
            let w = word.as_bytes();
            for case in 0..8u8 {
                let at = |k: usize| {
                    if case >> k & 1 == 1 {
                        w[k].to_ascii_uppercase()
                    } else {
                        w[k]
                    }
                };
                let code = triple_code(at(0), at(1), at(2));
                assert_eq!((ANCHOR_TRIPLES[code >> 6] >> (code & 63)) & 1, 1, "{word}");
            }
        }
    }

    #[test]
    fn lowercase_letters_inside_words_start_no_anchor() {
        assert_eq!(anchors("birthday"), vec![]);
        assert_eq!(anchors("xmONDAY 5"), vec![(4, 7, 5), (8, 9, 2)]);
        assert_eq!(anchors("amonthursday"), vec![]);
        assert_eq!(anchors("deCENTURY"), vec![(0, 3, 0)]);
        assert_eq!(
            anchors("x18 hMay 2014"),
            vec![(1, 3, 2), (5, 8, 0), (9, 13, 2)]
        );
        assert_eq!(anchors("(days) _day 3days"), vec![(1, 4, 5), (12, 13, 2)]);
    }

    /// [`ANCHOR_CLASS`] of a byte that starts no anchor and is no word character (`\b` is
    /// between it and a letter after it).
    const NO_ANCHOR: u8 = 0;
    /// [`ANCHOR_CLASS`] of a word character (ASCII letter, digit or `_`) that starts no anchor.
    const WORD: u8 = 1;
    /// [`ANCHOR_CLASS`] of a byte that can start an anchor (all of them word characters).
    const START: u8 = 2;

    /// Each byte's class: [`NO_ANCHOR`], [`WORD`] or [`START`].
    static ANCHOR_CLASS: [u8; 256] = {
        let mut table = [NO_ANCHOR; 256];
        let mut b = 0;
        while b < 256 {
            let byte = b as u8;
            if ANCHOR_START[b] {
                table[b] = START;
            } else if byte.is_ascii_alphanumeric() || byte == b'_' {
                table[b] = WORD;
            }
            b += 1;
        }
        table
    };

    /// The bytes that can start an anchor: digits and the first letters of the words, in
    /// either case.
    static ANCHOR_START: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            let pairs = ANCHOR_PAIRS[b * 4]
                | ANCHOR_PAIRS[b * 4 + 1]
                | ANCHOR_PAIRS[b * 4 + 2]
                | ANCHOR_PAIRS[b * 4 + 3];
            table[b] = pairs != 0;
            b += 1;
        }
        table
    };

    /// [`anchor_starts_avx2`] byte by byte, from the anchor words: bit `k` for a digit at
    /// `k`, or a letter that begins an anchor word with a letter after it that is some
    /// word's second letter, then a third letter that follows, in some word, a second
    /// letter of the same [`second_bit`] (`bytes` holds the 32 bytes and two more).
    fn anchor_starts_reference(bytes: &[u8]) -> u32 {
        let lower = |b: u8| b.is_ascii_alphabetic().then_some(b.to_ascii_lowercase());
        let mut mask = 0u32;
        for k in 0..ANCHOR_CHUNK {
            let passes = bytes[k].is_ascii_digit()
                || (ANCHOR_START[usize::from(bytes[k])]
                    && ANCHOR_WORDS.iter().any(|(w, _)| {
                        ANCHOR_WORDS.iter().any(|(v, _)| {
                            let (w, v) = (w.as_bytes(), v.as_bytes());
                            w.len() >= 3
                                && v.len() >= 3
                                && lower(bytes[k + 1]) == Some(w[1])
                                && lower(bytes[k + 2]) == Some(v[2])
                                && second_bit(w[1]) == second_bit(v[1])
                        })
                    }));
            mask |= u32::from(passes) << k;
        }
        mask
    }

    #[test]
    fn every_anchor_word_passes_the_start_mask() {
        #[cfg(target_arch = "x86_64")]
        if crate::article::bits::has_avx2() {
            for (word, _) in ANCHOR_WORDS {
                for case in 0..8u32 {
                    let mut chunk = [b' '; ANCHOR_CHUNK + 2];
                    for (k, &b) in word.as_bytes().iter().take(3).enumerate() {
                        let upper = (case >> k) & 1 == 1;
                        chunk[5 + k] = if upper { b.to_ascii_uppercase() } else { b };
                    }
                    let at = |k: usize| {
                        let mut c = [0u8; ANCHOR_CHUNK];
                        c.copy_from_slice(&chunk[k..k + ANCHOR_CHUNK]);
                        c
                    };
                    // SAFETY: the processor has AVX2, checked just before.
                    let starts = unsafe { anchor_starts_avx2(&at(0), &at(1), &at(2)) };
                    assert_eq!((starts >> 5) & 1, 1, "{word} case {case}");
                }
            }
        }
    }

    /// The anchor scan as it was before [`each_anchor`] read chunk masks: a byte at a time,
    /// a table look-up each, skipping lowercase letters after a word character eight at a
    /// time. The reference of the chunked scan.
    fn anchors_bytewise(text: &str) -> Anchors {
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        let mut f = |start, end, reach| found.push((start, end, reach));
        let mut p = 0;
        while let Some(&b) = bytes.get(p) {
            // one table look-up: most bytes start no anchor
            let after_word = match ANCHOR_CLASS[usize::from(b)] {
                NO_ANCHOR => {
                    p += 1;
                    false
                }
                WORD => {
                    p += 1;
                    true
                }
                _ if b.is_ascii_digit() => {
                    let run = bytes.get(p + 1..).map_or(0, |rest| {
                        rest.iter().take_while(|b| b.is_ascii_digit()).count()
                    });
                    f(p, p + 1 + run, 2);
                    p += 1 + run;
                    true
                }
                _ => {
                    // the two bytes here must begin some anchor word
                    let pair =
                        (usize::from(b) << 8) | usize::from(bytes.get(p + 1).copied().unwrap_or(0));
                    let word = if (ANCHOR_PAIRS[pair >> 6] >> (pair & 63)) & 1 == 1 {
                        anchor_word_at(bytes, p)
                    } else {
                        None
                    };
                    match word {
                        Some((len, reach)) => {
                            f(p, p + len, reach);
                            p += len;
                        }
                        None => p += 1,
                    }
                    // an anchor word ends with a letter, and `b` is one
                    true
                }
            };
            if after_word {
                p = past_lowercase(bytes, p);
            }
        }
        found
    }

    fn anchors(text: &str) -> Anchors {
        let mut found = Vec::new();
        each_anchor(text.as_bytes(), |start, end, reach| {
            found.push((start, end, reach))
        });
        found
    }

    /// The whole pattern, unanchored, with the `regex` crate: the reference for
    /// [`each_match`].
    static WHOLE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&DATE_ALTERNATIVES.join("|")).unwrap());

    /// Each match's range and the ranges of every named group, in the order of
    /// [`WHOLE`]'s names.
    type Found = Vec<(Range<usize>, Vec<Option<Range<usize>>>)>;

    fn group_names() -> Vec<&'static str> {
        WHOLE.capture_names().flatten().collect()
    }

    fn matches_reference(text: &str) -> Found {
        let names = group_names();
        WHOLE
            .captures_iter(text)
            .map(|caps| {
                let groups = names
                    .iter()
                    .map(|n| caps.name(n).map(|m| m.range()))
                    .collect();
                (caps.get(0).unwrap().range(), groups)
            })
            .collect()
    }

    fn matches(text: &str) -> Found {
        let names = group_names();
        let mut got = Vec::new();
        each_match(text, |caps, groups, start, end| {
            let c = Caps {
                text,
                caps,
                start,
                end,
            };
            let index = |name: &str| match name {
                "m1" => groups.m1,
                "m2" => groups.m2,
                "m3" => groups.m3,
                "d1" => groups.d1,
                "d2" => groups.d2,
                "y1" => groups.y1,
                "y2" => groups.y2,
                "y3" => groups.y3,
                "y4" => groups.y4,
                "wd1" => groups.wd1,
                "wd2" => groups.wd2,
                "wd3" => groups.wd3,
                "iso" => groups.iso,
                "prep" => groups.prep,
                "notunit" => groups.notunit,
                "unit" => groups.unit,
                "number" => groups.number,
                "hedge" => groups.hedge,
                "direction" => groups.direction,
                "rel" => groups.rel,
                "wunit" => groups.wunit,
                "wrel" => groups.wrel,
                "yday" => groups.yday,
                other => panic!("group {other} is not read"),
            };
            let groups: Vec<_> = names
                .iter()
                .map(|n| c.range(index(n)).map(|(s, e)| s..e))
                .collect();
            got.push((start..end, groups));
        });
        got
    }

    /// Date words, numbers, hedges, units, other words, punctuation and non-ASCII.
    const VOCABULARY: &[&str] = &[
        "Jan.",
        "January",
        "Jan,",
        "In",
        "On",
        "This",
        "About",
        "HALF",
        "Feb",
        "March",
        "Mar.",
        "May",
        "may",
        "MAY",
        "Sept.",
        "Sep",
        "Dec.",
        "December",
        "Monday",
        "Thursday,",
        "friday",
        "Sunday",
        "SUNDAY",
        "Mondays",
        "year",
        "years",
        "Years",
        "months",
        "weeks",
        "day",
        "days",
        "decade",
        "decades",
        "Decade",
        "century",
        "centuries",
        "CENTURY",
        "hour",
        "hours",
        "minutes",
        "yesterday",
        "today",
        "Today",
        "todays",
        "tomorrow",
        "ago",
        "later",
        "earlier",
        "after",
        "before",
        "in",
        "since",
        "since2014",
        "by",
        "until",
        "of",
        "from",
        "during",
        "early",
        "late",
        "mid-",
        "mid-2014",
        "mid-1990s",
        "last",
        "next",
        "this",
        "on",
        "past",
        "coming",
        "week",
        "month",
        "nearly",
        "almost",
        "just",
        "under",
        "over",
        "about",
        "around",
        "roughly",
        "approximately",
        "some",
        "more",
        "than",
        "less",
        "fewer",
        "at",
        "least",
        "a",
        "an",
        "A",
        "one",
        "Two",
        "three",
        "twenty",
        "few",
        "couple",
        "several",
        "half",
        "1",
        "2",
        "18",
        "18th",
        "1st",
        "x18",
        "XJanuary",
        "Trojan",
        "birthday",
        "Birthdays",
        "xmONDAY",
        "deCENTURY",
        "amonthursday",
        "Tuesdays",
        "mayday",
        "hMay",
        "todayMay",
        "x3",
        "_year",
        "2014",
        "2025",
        "1999",
        "2025-02-18",
        "3.5",
        "12",
        "2014-13-99",
        "people",
        "troops",
        "dollars",
        "Omar",
        "market",
        "decided",
        "Sunday's",
        "x2014",
        "_3",
        "1850",
        "IN",
        "Mid-",
        "x-two",
        "fifteen",
        "seventeen",
        "Several",
        "LAST",
        "2014-",
        "3.",
        "of2014",
        "the",
        "said",
        "(",
        ")",
        ",",
        ";",
        ".",
        "-",
        "—",
        "é",
        "naïve",
        "“",
        "’s",
        "Ünter",
        "日本",
    ];

    const SPACES: &[&str] = &[" ", " ", " ", "  ", "\n", "\t", "", "\u{a0}", ", "];

    /// Every match and capture `find` reads, as the unanchored pattern's `captures_iter`
    /// finds them, and every anchor, as the anchor regex finds them, over random text made
    /// of date words, numbers, other words and spacing.
    #[test]
    fn anchored_search_matches_captures_iter() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(14) {
                text.push_str(VOCABULARY[next(VOCABULARY.len())]);
                text.push_str(SPACES[next(SPACES.len())]);
            }
            assert_eq!(matches(&text), matches_reference(&text), "{text:?}");
            assert_eq!(anchors(&text), anchors_reference(&text), "{text:?}");
            assert_eq!(first_words_ruled_out_wrongly(&text), None, "{text:?}");
            assert_eq!(captures_read_wrongly(&text), None, "{text:?}");
        }
    }

    /// A match whose captures [`DateRegex::read_captures`] reads otherwise than the
    /// backtracker, if there is one: there must be none.
    fn captures_read_wrongly(text: &str) -> Option<String> {
        let bytes = text.as_bytes();
        let re = &*DATE_REGEX;
        let mut caches = re.caches();
        let mut read = Captures::all(re.info.clone());
        let fallback = &*re.fallback;
        let mut backtracker = fallback.backtracker.create_cache();
        for i in 0..bytes.len() {
            let input = Input::new(bytes).range(i..).anchored(Anchored::Yes);
            let Some(m) = re.dfa.try_search_fwd(&input).unwrap() else {
                continue;
            };
            if !re.read_captures(&mut read, m.pattern(), bytes, i..m.offset()) {
                continue;
            }
            let input = Input::new(bytes)
                .range(i..m.offset())
                .anchored(Anchored::Pattern(m.pattern()));
            fallback
                .backtracker
                .try_captures(&mut backtracker, input, &mut caches.captures)
                .unwrap();
            let groups = re.info.group_len(m.pattern());
            let spans =
                |caps: &Captures| (0..groups).map(|g| caps.get_group(g)).collect::<Vec<_>>();
            if read.pattern() != caches.captures.pattern()
                || spans(&read) != spans(&caches.captures)
            {
                return Some(format!(
                    "at {i}: {:?} {:?} != {:?} {:?}",
                    read.pattern(),
                    spans(&read),
                    caches.captures.pattern(),
                    spans(&caches.captures)
                ));
            }
        }
        None
    }

    /// A position [`first_word_may_match`] rules out where the automaton finds a match, if
    /// there is one: there must be none.
    fn first_words_ruled_out_wrongly(text: &str) -> Option<usize> {
        let bytes = text.as_bytes();
        let re = &*DATE_REGEX;
        let mut caches = re.caches();
        (0..bytes.len()).find(|&i| {
            !first_word_may_match(bytes, i) && re.captures_at(&mut caches, bytes, i).is_some()
        })
    }

    fn date_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        proptest::collection::vec(
            (
                proptest::sample::select(VOCABULARY),
                proptest::sample::select(SPACES),
            ),
            0..16,
        )
        .prop_map(|parts| parts.into_iter().flat_map(|(w, s)| [w, s]).collect())
    }

    /// The words around the anchors that [`anchor_may_match`] looks at: number words, the
    /// last words of the others, `last`/`next`/`this`, prepositions, units, digits and what
    /// follows them in the alternatives, in several cases.
    const ANCHOR_CONTEXT: &[&str] = &[
        "a",
        "A",
        "an",
        "one",
        "Two",
        "seventeen",
        "nineteen",
        "fifty",
        "few",
        "a few",
        "couple",
        "of",
        "Of",
        "several",
        "half",
        "last",
        "Next",
        "this",
        "THIS",
        "in",
        "since",
        "mid-",
        "Mid-",
        "early",
        "by",
        "about",
        "more than",
        "year",
        "years",
        "Years",
        "YEARS",
        "month",
        "week",
        "day",
        "days",
        "decade",
        "century",
        "hours",
        "minutes",
        "2014",
        "1850",
        "1999",
        "3",
        "18",
        "3.5",
        "12th",
        "1st",
        "x",
        "-",
        "May",
        "March",
        "June",
        "Sept.",
        "ago",
        "the",
        ",",
        "(",
        ".",
        "2014-02-18",
        "may",
        "mAy",
        "market",
        "decided",
        "sept",
        "jun",
    ];

    fn anchor_context_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        proptest::collection::vec(
            (
                proptest::sample::select(ANCHOR_CONTEXT),
                proptest::sample::select(&[" ", " ", " ", "  ", "\n", ""][..]),
            ),
            0..10,
        )
        .prop_map(|parts| parts.into_iter().flat_map(|(w, s)| [w, s]).collect())
    }

    proptest::proptest! {
        /// The anchors [`anchor_may_match`] passes over take no match with them.
        #[test]
        fn matches_agree_with_captures_iter_around_anchors(text in anchor_context_text()) {
            proptest::prop_assert_eq!(matches(&text), matches_reference(&text));
        }

        #[test]
        fn matches_agree_with_captures_iter(text in date_text()) {
            proptest::prop_assert_eq!(matches(&text), matches_reference(&text));
        }

        #[test]
        fn anchors_agree_with_the_regex(text in date_text()) {
            proptest::prop_assert_eq!(anchors(&text), anchors_reference(&text));
        }

        #[test]
        fn chunked_anchors_agree_with_the_bytewise_scan(
            text in "([a-zA-Z0-9 _,.'\\-\u{e9}\u{2014}\n]|Dec|decade|[Mm]onday|[Yy]esterday|days?|1[0-9]{3}|May){0,120}"
        ) {
            proptest::prop_assert_eq!(anchors(&text), anchors_bytewise(&text));
            proptest::prop_assert_eq!(anchors(&text), anchors_reference(&text));
        }

        #[test]
        fn anchor_classes_agree_with_the_reference(chunk in proptest::array::uniform32(0u8..)) {
            proptest::prop_assert_eq!(anchor_classes(&chunk), anchor_classes_reference(&chunk));
            #[cfg(target_arch = "x86_64")]
            if crate::article::bits::has_avx2() {
                // SAFETY: the processor has AVX2, checked just before.
                let avx2 = unsafe { anchor_classes_avx2(&chunk) };
                proptest::prop_assert_eq!(avx2, anchor_classes_reference(&chunk));
            }
        }

        #[test]
        fn anchor_starts_agree_with_the_reference(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"adcfhjmnostwyeiuprlgbvEOAUHRTD019 .".to_vec()),
                    0u8..,
                ],
                34,
            ),
        ) {
            #[cfg(target_arch = "x86_64")]
            if crate::article::bits::has_avx2() {
                let at = |k: usize| {
                    let mut chunk = [0u8; ANCHOR_CHUNK];
                    chunk.copy_from_slice(&bytes[k..k + ANCHOR_CHUNK]);
                    chunk
                };
                // SAFETY: the processor has AVX2, checked just before.
                let starts = unsafe { anchor_starts_avx2(&at(0), &at(1), &at(2)) };
                proptest::prop_assert_eq!(starts, anchor_starts_reference(&bytes));
            }
        }

        #[test]
        fn chunked_anchors_agree_without_avx2(
            text in "([a-zA-Z0-9 _,.'\\-\u{e9}\u{2014}\n]|Dec|decade|[Mm]onday|[Yy]esterday|days?|1[0-9]{3}|May){0,120}"
        ) {
            #[cfg(target_arch = "x86_64")]
            let sse2 = crate::article::bits::without_avx2(|| anchors(&text));
            #[cfg(not(target_arch = "x86_64"))]
            let sse2 = anchors(&text);
            proptest::prop_assert_eq!(sse2, anchors_bytewise(&text));
        }

        #[test]
        fn first_words_rule_out_no_match(text in date_text()) {
            proptest::prop_assert_eq!(first_words_ruled_out_wrongly(&text), None);
        }

        #[test]
        fn captures_are_read_as_the_backtracker_reads_them(text in date_text()) {
            proptest::prop_assert_eq!(captures_read_wrongly(&text), None);
        }

        #[test]
        fn matches_and_anchors_agree_on_any_text(
            text in "[a-zA-Z0-9 ,.\\-\u{e9}\u{2014}\u{a0}\n]{0,80}|\\PC{0,80}"
        ) {
            proptest::prop_assert_eq!(matches(&text), matches_reference(&text));
            proptest::prop_assert_eq!(anchors(&text), anchors_reference(&text));
            proptest::prop_assert_eq!(first_words_ruled_out_wrongly(&text), None);
            proptest::prop_assert_eq!(captures_read_wrongly(&text), None);
        }
    }

    #[test]
    fn bounds_by_hedge() {
        assert_eq!(elapsed_bounds(3.0, None), (2.5, 3.5));
        let (lo, hi) = elapsed_bounds(3.0, Some(Hedge::About));
        assert!((lo - 2.5).abs() < 1e-9 && (hi - 3.5).abs() < 1e-9);
        assert!(elapsed_bounds(10.0, Some(Hedge::Over)).0 > 9.0);
    }

    /// The reference form of [`tells_of_anniversary`].
    fn tells_of_anniversary_reference(text: &str) -> bool {
        let lower = text.to_lowercase();
        lower.contains("anniversary") || lower.contains(" years since")
    }

    #[test]
    fn only_two_characters_lowercase_to_ascii() {
        for c in (0x80..=0x10FFFFu32).filter_map(char::from_u32) {
            let ascii: String = c.to_lowercase().filter(char::is_ascii).collect();
            match c {
                '\u{130}' => assert_eq!(ascii, "i"),
                '\u{212a}' => assert_eq!(ascii, "k"),
                _ => assert_eq!(ascii, "", "{c:?}"),
            }
        }
        // `İ` lowercases to `i` and a combining dot
        assert_eq!("\u{130}".to_lowercase(), "i\u{307}");
        assert!(tells_of_anniversary("the ANNIVERSARY of"));
        assert!(!tells_of_anniversary("the ANN\u{130}VERSARY of"));
        assert!(tells_of_anniversary("two Years Since"));
        assert!(!tells_of_anniversary("two years\u{a0}since"));
    }

    /// Pieces of clauses for the anniversary test: the phrases and near misses in any case,
    /// and the characters that lowercase to ASCII or to more than one character.
    const ANNIVERSARY_PIECES: &[&str] = &[
        "anniversary",
        "ANNIVERSARY",
        "Anniversar",
        "ANN\u{130}VERSARY",
        "annİversary",
        "years since",
        " YEARS SINCE",
        " Years Since",
        "years",
        " since",
        "\u{130}",
        "\u{212a}",
        "\u{df}",
        "\u{1e9e}",
        "\u{3a3}",
        "\u{e9}",
        "y",
        "a",
        " ",
        ";",
        "Feb. 12",
    ];

    /// Pieces of sentences for the event words: the words in several cases, inside other
    /// words, after `phone `, next to separators and characters of several bytes.
    const EVENT_PIECES: &[&str] = &[
        "call",
        "Call",
        "CALL",
        "calls",
        "called",
        "phone call",
        "Phone Call",
        "xphone call",
        "triphone call",
        "phone called",
        "phone",
        "meeting",
        "meetings",
        "Meeting",
        "talks",
        "talk",
        "war",
        "award",
        "towards",
        "warship",
        "re-election",
        "election",
        "met",
        "meet",
        "meets",
        "metre",
        "annexation",
        "annexed",
        "signed",
        "summit",
        "deal",
        "ideal",
        "announcement",
        "inauguration",
        "negotiations",
        "conversation",
        " ",
        " ",
        " ",
        "  ",
        "\n",
        ";",
        "(",
        ")",
        ",",
        "'",
        "-",
        "’",
        "\u{e9}",
        "\u{2014}",
        "\u{130}",
        "_",
        "2014",
        "a",
        "the",
        "in",
        "on Feb. 12",
        "Monday",
        "x",
    ];

    proptest::proptest! {
        #[test]
        fn event_words_by_runs_agree_with_the_automaton(
            parts in proptest::collection::vec(proptest::sample::select(EVENT_PIECES), 0..40),
            lead in proptest::sample::select(&["", "x ", "\u{e9}"][..]),
            at in (0usize..400, 1usize..12),
        ) {
            let body: String = parts.concat();
            let text = format!("{lead}{body}");
            let sentence = Span::new(lead.len(), text.len());
            let s = sentence.slice(&text);
            if s.is_empty() {
                return Ok(());
            }
            let mut start = at.0 % s.len();
            while !s.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + at.1).min(s.len());
            while !s.is_char_boundary(end) {
                end += 1;
            }
            if end <= start {
                return Ok(());
            }
            let date = Span::new(lead.len() + start, lead.len() + end);
            let clause = clause_around(&text, sentence, date);
            proptest::prop_assert_eq!(
                event_words_in(&text, sentence, date, clause),
                event_words_by_automaton(&text, sentence, date, clause)
            );
        }

        #[test]
        fn anniversaries_agree_with_the_lowercase_search(
            parts in proptest::collection::vec(proptest::sample::select(ANNIVERSARY_PIECES), 0..12),
            t in "[aAnNiIvVeErRsSyYcC \u{130}\u{212a}\u{df}\u{3a3}]{0,30}|\\PC{0,40}",
        ) {
            let s: String = parts.concat();
            proptest::prop_assert_eq!(tells_of_anniversary(&s), tells_of_anniversary_reference(&s));
            proptest::prop_assert_eq!(tells_of_anniversary(&t), tells_of_anniversary_reference(&t));
        }
    }
}
