use super::{Context, Finding, declare_check};
use rustc_hash::FxHashMap;

use crate::kb::{EntityId, PersonNames};
use crate::severity::Severity;

declare_check! {
    /// ## What it finds
    ///
    /// A capitalized name the rules do not know that is one letter away (two for long names)
    /// from a known person's surname: `Lavrof` for `Lavrov`, `Zelenskky` for `Zelenskyy`.
    /// Only names of at least five letters are compared, a candidate that is itself a known
    /// name is never reported, and the near miss must be about that person: it follows one of
    /// the person's first names (`Sergey Lavrof`), or the article names the person elsewhere.
    /// A candidate must stand where a surname stands, last in its name and not before a
    /// particle (`Osama bin Laden`, `Osama al-Nujeifi` are not `Obama`), and is not reported when it differs only in
    /// case, hyphens or apostrophes (`Jong-Un`) or is a family's plural (`the Obamas`).
    ///
    /// ## Why
    ///
    /// Misspelled names are the most visible error in a story, and a spell checker does
    /// not know them.
    ///
    /// ## Example
    ///
    /// ```text
    /// Russian Foreign Minister Sergey Lavrof said ...
    /// ```
    ///
    /// ## How to silence it
    ///
    /// Correct the spelling. If the name is a different, real person, add them to the
    /// rules (`person "..."`): known names are never reported.
    pub struct NameMisspelled;
}

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let kb = cx.kb;
    let names = kb.person_names();
    let index = super::CheckIndex::get(kb);
    // the surnames of the people the article names (a near miss must be about one of them,
    // or follow one of the person's first names), with the initial and length the search
    // tests before it measures a distance
    let mut people: Vec<EntityId> = cx
        .extraction
        .mentions
        .iter()
        .flat_map(|m| m.entities.iter().copied())
        .collect();
    people.sort_unstable();
    people.dedup();
    let mut named: Vec<Known<'_>> = people
        .iter()
        .flat_map(|&id| names.surnames_of(id).map(move |t| (t, id)))
        .filter_map(|(t, id)| Some((t.chars().next()?, t.chars().count(), t, id)))
        .collect();
    // by initial and length, so that the surnames a word could be near are one slice
    // (`nearest` takes the minimum, so their order does not change its answer)
    named.sort_unstable_by_key(|&(initial, chars, _, _)| (initial, chars));
    let mut near_named: FxHashMap<&str, Option<(usize, EntityId, &str)>> = FxHashMap::default();
    for unknown in &cx.extraction.unknown {
        // a misspelled surname stands last in its name, and not before a particle: `Osama`
        // in `Osama bin Laden` or `Osama Smith` is a first name
        // the last word, its offset, and the word before it (if any)
        let (offset, word, previous) = last_words(&unknown.text);
        // the cheap tests first: most unknown names are short, have no surname of their
        // initial and near their length to be near (tested without hashing the word), or
        // are known surnames
        // (a word of fewer than five bytes has fewer than five characters)
        if word.len() < 5 {
            continue;
        }
        let len = char_count(word);
        let Some(initial) = word.chars().next().filter(|_| len >= 5) else {
            continue;
        };
        let limit = if len >= 8 { 2 } else { 1 };
        let lengths = len.saturating_sub(limit)..=len + limit;
        let named_near = of_shape(&named, initial, &lengths);
        let after_first_name = match previous {
            None => &[][..],
            Some(previous) => index.surnames_after(previous, initial, lengths),
        };
        if named_near.is_empty() && after_first_name.is_empty() || names.is_surname(word) {
            continue;
        }
        // the nearest surname, then the first entity, for a stable answer; the people the
        // article names are searched once per distinct word, so an article that repeats a
        // misspelling costs no more per occurrence than its first
        let from_named = if named_near.is_empty() {
            None
        } else {
            *near_named
                .entry(word)
                .or_insert_with(|| nearest(named_near, word))
        };
        let near = from_named
            .into_iter()
            .chain(nearest_of(names, after_first_name, word))
            .min()
            .map(|(_, id, t)| (t, id));
        let Some((target, id)) = near else { continue };
        // a word the rules know (as any kind of name) or one before a particle is not a
        // misspelling; tested after the search, which rejects nearly every word sooner
        let after = &cx.article.prose[unknown.span.end as usize..];
        let particle = after
            .strip_prefix(' ')
            .and_then(|rest| rest.split(' ').next())
            .is_some_and(|w| {
                let head = w.split('-').next().unwrap_or(w);
                crate::extract::words::in_list(head, NAME_PARTICLES)
            });
        if particle || !kb.lookup(word).is_empty() {
            continue;
        }
        // not misspellings: another way of writing the same name (`Jong-Un`, `Abdul-Aziz`)
        // or a family (`the Obamas`)
        if fold(word) == fold(target)
            || [format!("{target}s"), format!("{target}es")].contains(&word.to_string())
        {
            continue;
        }
        let start = unknown.span.start as usize + offset;
        out.push(Finding {
            check: "name-misspelled",
            severity: Severity::Warning,
            message: format!(
                "`{word}` is not a name the rules know; did you mean `{target}` ({})?",
                kb.entity(id).name
            ),
            span: crate::span::Span::new(start, start + word.len()),
            labels: Vec::new(),
            evidence: vec![super::Evidence {
                loc: kb.entity(id).name_loc,
                message: format!("the rules spell it `{target}`"),
            }],
            help: Some(format!(
                "write `{target}`; if this is another person, add them to the rules"
            )),
            claim: None,
        });
    }
}

/// The last word of a name (after its last space), its byte offset, and the word before it
/// (if any): as `rsplit_once(' ')` and then `rsplit(' ').next()` of the head, by a byte
/// search from the end (names are short: a `memrchr` set-up per name cost more than the
/// search).
fn last_words(name: &str) -> (usize, &str, Option<&str>) {
    let bytes = name.as_bytes();
    match bytes.iter().rposition(|&b| b == b' ') {
        Some(space) => {
            let from = bytes[..space]
                .iter()
                .rposition(|&b| b == b' ')
                .map_or(0, |s| s + 1);
            // both cuts are next to an ASCII space, so on character boundaries
            (
                space + 1,
                name.get(space + 1..).unwrap_or(""),
                name.get(from..space),
            )
        }
        None => (0, name, None),
    }
}

/// The number of characters of `word`, as `chars().count()`: its bytes that do not continue
/// a character, counted inline (the library's count is a call with a set-up for long texts,
/// and these are single words).
fn char_count(word: &str) -> usize {
    word.bytes().filter(|&b| (b as i8) >= -0x40).count()
}

/// Lowercase words that join the parts of a name: after a first name, they show it is one.
const NAME_PARTICLES: &[&str] = &[
    "bin", "ibn", "al", "el", "de", "da", "van", "von", "der", "la", "le",
];

/// A name without case, hyphens and apostrophes.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '\'' | '\u{2019}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A surname of a person the article names: (initial, length in chars, surname, person).
type Known<'a> = (char, usize, &'a str, EntityId);

/// The surnames in `named` (sorted by initial and length) with initial `initial` and a
/// length in chars within `lengths`: those [`nearest`] may pick.
fn of_shape<'n, 'a>(
    named: &'n [Known<'a>],
    initial: char,
    lengths: &std::ops::RangeInclusive<usize>,
) -> &'n [Known<'a>] {
    let from = named.partition_point(|&(i, chars, _, _)| (i, chars) < (initial, *lengths.start()));
    let to = named.partition_point(|&(i, chars, _, _)| (i, chars) <= (initial, *lengths.end()));
    named.get(from..to.max(from)).unwrap_or(&[])
}

/// The surname in `named` nearest to `word` by edit distance, within one edit (two for words
/// of eight letters or more), with the same initial: (distance, person, surname).
fn nearest<'a>(named: &[Known<'a>], word: &str) -> Option<(usize, EntityId, &'a str)> {
    let len = word.chars().count();
    let limit = if len >= 8 { 2 } else { 1 };
    let first = word.chars().next()?;
    named
        .iter()
        .filter(|&&(initial, chars, _, _)| initial == first && chars.abs_diff(len) <= limit)
        .map(|&(_, _, t, id)| (strsim::levenshtein(t, word), id, t))
        .filter(|&(d, _, _)| d <= limit)
        .min()
}

/// [`nearest`] over surnames from the index (already of the word's initial and near its
/// length): the same answer as over their people's surnames.
fn nearest_of<'a>(
    names: &'a PersonNames,
    surnames: &[super::index::Surname],
    word: &str,
) -> Option<(usize, EntityId, &'a str)> {
    let len = word.chars().count();
    let limit = if len >= 8 { 2 } else { 1 };
    surnames
        .iter()
        .filter_map(|s| Some((names.surname(s.index)?.0, s.person)))
        .map(|(t, id)| (strsim::levenshtein(t, word), id, t))
        .filter(|&(d, _, _)| d <= limit)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`last_words`] as it was written: by `rsplit_once` and `rsplit`.
    fn last_words_reference(name: &str) -> (usize, &str, Option<&str>) {
        match name.rsplit_once(' ') {
            Some((head, last)) => (head.len() + 1, last, head.rsplit(' ').next()),
            None => (0, name, None),
        }
    }

    proptest! {
        /// The inline count of characters is `chars().count()`.
        #[test]
        fn char_count_as_chars(word in "\\PC{0,12}") {
            prop_assert_eq!(char_count(&word), word.chars().count());
        }

        /// The byte search finds the words `rsplit` finds.
        #[test]
        fn last_words_as_rsplit(name in "[ Aaé\u{2019}-]{0,12}") {
            prop_assert_eq!(last_words(&name), last_words_reference(&name));
        }

        /// The surnames of a word's shape, from the sorted list, give what the whole list in
        /// any order gives, and none means no answer at all.
        #[test]
        fn of_shape_keeps_nearest(
            surnames in proptest::collection::vec("[ABÉ][a-cé]{0,9}", 0..12),
            word in "[ABÉ][a-cé]{2,9}",
        ) {
            let named: Vec<Known<'_>> = surnames
                .iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    Some((t.chars().next()?, t.chars().count(), t.as_str(), EntityId(i as u32 % 5)))
                })
                .collect();
            let mut sorted = named.clone();
            sorted.sort_unstable_by_key(|&(initial, chars, _, _)| (initial, chars));
            let len = word.chars().count();
            let limit = if len >= 8 { 2 } else { 1 };
            let initial = word.chars().next().unwrap_or(' ');
            let shape = of_shape(&sorted, initial, &(len.saturating_sub(limit)..=len + limit));
            prop_assert_eq!(nearest(shape, &word), nearest(&named, &word));
            if shape.is_empty() {
                prop_assert_eq!(nearest(&named, &word), None);
            }
        }
    }
}
