//! Indexes the checks need for every article, built once per knowledge base (on first use,
//! shared by every thread) so that a check's cost per article does not grow with the
//! knowledge base: known quotes by their words, and people's surnames by first name,
//! initial and length.

use rustc_hash::FxHashMap;

use crate::kb::cache::{CacheOutcome, KbCache};
use crate::kb::{EntityId, KnowledgeBase, KnownQuote, PersonNames};

/// The checks' indexes over one knowledge base.
#[derive(Debug, Default, PartialEq)]
pub struct CheckIndex {
    quotes: QuoteIndex,
    /// For each first name, the surnames of the people with that first name, sorted by
    /// (initial, length in chars): see [`CheckIndex::surnames_after`].
    first_names: FxHashMap<String, Vec<Surname>>,
}

/// One surname of one person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Surname {
    pub initial: char,
    pub chars: usize,
    pub person: EntityId,
    /// Index into `PersonNames::surnames`.
    pub index: usize,
}

impl CheckIndex {
    pub(crate) fn get(kb: &KnowledgeBase) -> &CheckIndex {
        kb.check_index.get_or_init(|| CheckIndex::new(kb))
    }

    fn new(kb: &KnowledgeBase) -> CheckIndex {
        CheckIndex {
            quotes: QuoteIndex::new(kb.known_quotes()),
            first_names: first_names(kb.person_names()),
        }
    }

    /// Fills the knowledge base's derived indexes (known quotes, person names, these) from
    /// the cache file under `key` ([`KbCache::checks_path`]) when it can be trusted; else
    /// builds them and (re)writes the file.
    pub(crate) fn cached(kb: &KnowledgeBase, cache: &KbCache, key: u128) -> CacheOutcome {
        crate::kb::cache::cached_check_indexes(kb, cache, key, CheckIndex::get)
    }

    /// The indexes as columns, for the cache ([`CheckIndex::from_columns`] reads them
    /// back); `None` when a number does not fit in 32 bits.
    pub(crate) fn columns(&self) -> Option<Columns> {
        let mut c = Columns::default();
        for (first, surnames) in &self.first_names {
            c.keys.push_str(first);
            c.key_ends.push(u32::try_from(c.keys.len()).ok()?);
            for s in surnames {
                c.surnames.extend([
                    u32::from(s.initial),
                    u32::try_from(s.chars).ok()?,
                    s.person.0,
                    u32::try_from(s.index).ok()?,
                ]);
            }
            c.group_ends.push(u32::try_from(c.surnames.len() / 4).ok()?);
        }
        c.grams = self
            .quotes
            .grams
            .iter()
            .map(|&(g, i)| (u64::from(g) << 32) | u64::from(i))
            .collect();
        c.prefixes = self.quotes.prefixes.iter().map(|p| p.0).collect();
        c.prefix_quotes = self.quotes.prefixes.iter().map(|p| p.1).collect();
        Some(c)
    }

    /// Columns with nothing in them, to be filled by the cache's decoder.
    pub(crate) fn empty_columns() -> Columns {
        Columns::default()
    }

    /// The indexes from [`CheckIndex::columns`], checked: every id in range (`people`
    /// entities, `surnames` of [`PersonNames`], the quotes of `known`), every group sorted,
    /// each first name once; the exact quote keys are rebuilt from `known`.
    pub(crate) fn from_columns(
        c: Columns,
        known: &[KnownQuote],
        people: usize,
        surnames: usize,
    ) -> Result<CheckIndex, String> {
        // the exact keys (a hash map of every known quote) beside the checks of the columns
        let (exact, index) = rayon::join(
            || exact_keys(known),
            || Self::checked_columns(c, known.len(), people, surnames),
        );
        let mut index = index?;
        index.quotes.exact = exact;
        Ok(index)
    }

    /// [`CheckIndex::from_columns`] for `quotes` known quotes, with no exact keys.
    fn checked_columns(
        c: Columns,
        quotes: usize,
        people: usize,
        surnames: usize,
    ) -> Result<CheckIndex, String> {
        let bad = |what: &str| Err(format!("the cached check index: {what}"));
        if c.key_ends.len() != c.group_ends.len()
            || !c.surnames.len().is_multiple_of(4)
            || c.prefixes.len() != c.prefix_quotes.len()
        {
            return bad("wrong lengths");
        }
        let surname = |s: &[u32]| {
            let (person, index) = (s[2], s[3] as usize);
            if person as usize >= people || index >= surnames {
                return None;
            }
            Some(Surname {
                initial: char::from_u32(s[0])?,
                chars: s[1] as usize,
                person: EntityId(person),
                index,
            })
        };
        let all =
            crate::kb::cache::try_collect(c.surnames.chunks_exact(4).map(|s| surname(s).ok_or(())));
        let Ok(all) = all else {
            return bad("a surname is out of range");
        };
        let mut first_names =
            FxHashMap::with_capacity_and_hasher(c.key_ends.len(), Default::default());
        let (mut key_at, mut at) = (0usize, 0usize);
        for (&key_end, &end) in c.key_ends.iter().zip(&c.group_ends) {
            let (key_end, end) = (key_end as usize, end as usize);
            let (Some(key), Some(group)) = (c.keys.get(key_at..key_end), all.get(at..end)) else {
                return bad("an offset is out of range");
            };
            if !group.is_sorted()
                || first_names
                    .insert(key.to_string(), group.to_vec())
                    .is_some()
            {
                return bad("a first name is out of order");
            }
            (key_at, at) = (key_end, end);
        }
        if key_at != c.keys.len() || at != all.len() {
            return bad("items left over");
        }
        let grams: Vec<(u32, u32)> = c
            .grams
            .iter()
            .map(|&g| ((g >> 32) as u32, g as u32))
            .collect();
        let prefixes: Vec<(u64, u32)> = c.prefixes.into_iter().zip(c.prefix_quotes).collect();
        if grams.iter().any(|g| g.1 as usize >= quotes)
            || prefixes.iter().any(|p| p.1 as usize >= quotes)
            || !grams.is_sorted()
            || !prefixes.is_sorted()
        {
            return bad("a quote is out of range");
        }
        Ok(CheckIndex {
            quotes: QuoteIndex {
                exact: FxHashMap::default(),
                grams,
                prefixes,
            },
            first_names,
        })
    }

    /// The surnames of the people with first name `first`, with initial `initial` and a
    /// length in chars within `lengths`.
    pub(crate) fn surnames_after(
        &self,
        first: &str,
        initial: char,
        lengths: std::ops::RangeInclusive<usize>,
    ) -> &[Surname] {
        let Some(all) = self.first_names.get(first) else {
            return &[];
        };
        let from = all.partition_point(|s| (s.initial, s.chars) < (initial, *lengths.start()));
        let to = all.partition_point(|s| (s.initial, s.chars) <= (initial, *lengths.end()));
        all.get(from..to.max(from)).unwrap_or(&[])
    }

    /// The first known quote (by index into `KnowledgeBase::known_quotes`) that `key` matches:
    /// equal, contained in it when `partial`, or containing it (five words or more) when not.
    pub(crate) fn matching_quote(
        &self,
        known: &[KnownQuote],
        key: &str,
        partial: bool,
    ) -> Option<usize> {
        self.quotes.matching(known, key, partial)
    }
}

/// [`CheckIndex`] as columns (see [`CheckIndex::columns`]).
#[derive(Debug, Default)]
pub(crate) struct Columns {
    /// The first names, end to end, and where each ends.
    pub keys: String,
    pub key_ends: Vec<u32>,
    /// Where each first name's group of `surnames` ends (in surnames).
    pub group_ends: Vec<u32>,
    /// (initial, chars, person, index) per surname.
    pub surnames: Vec<u32>,
    /// (run << 32 | quote), the quote index's runs.
    pub grams: Vec<u64>,
    pub prefixes: Vec<u64>,
    pub prefix_quotes: Vec<u32>,
}

fn first_names(names: &PersonNames) -> FxHashMap<String, Vec<Surname>> {
    names
        .first_name_groups()
        .map(|(first, people)| {
            let mut surnames: Vec<Surname> = people
                .iter()
                .flat_map(|&person| names.surname_indexes(person))
                .filter_map(|index| {
                    let (text, person) = names.surname(index)?;
                    Some(Surname {
                        initial: text.chars().next()?,
                        chars: text.chars().count(),
                        person,
                        index,
                    })
                })
                .collect();
            surnames.sort_unstable();
            (first.to_string(), surnames)
        })
        .collect()
}

/// Known quotes, keyed three ways for `quote-misattributed`'s one question: the first known
/// quote (in the knowledge base's order) whose key equals a claim's key, contains it (a
/// partial quote) or is contained in it (a whole quote, known key of five words or more).
/// Sorted arrays rather than maps of lists: one allocation each, a few MB for 100k entities.
#[derive(Debug, Default, PartialEq)]
struct QuoteIndex {
    /// Known quotes by key (the first of each key).
    exact: FxHashMap<Box<str>, u32>,
    /// (4-byte run of a known key, quote), sorted, without duplicates.
    grams: Vec<(u32, u32)>,
    /// (first 8 bytes of a known key of five words or more, quote), sorted.
    prefixes: Vec<(u64, u32)>,
}

fn gram(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?))
}

fn prefix(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?))
}

/// `pairs` sorted by key, pairs with equal keys in their order in `pairs`: a radix sort,
/// two stable counting sorts by the key's 16-bit halves: a few instructions per pair, where
/// a comparison sort of the hundreds of thousands of runs of a large knowledge base's quotes
/// takes dozens.
fn sort_by_key_stable(pairs: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    if pairs.len() < 256 {
        let mut pairs = pairs;
        pairs.sort_by_key(|p| p.0);
        return pairs;
    }
    let by_low = crate::kb::counting_sort(pairs, |p| (p.0 & 0xFFFF) as usize);
    crate::kb::counting_sort(by_low, |p| (p.0 >> 16) as usize)
}

/// The entries listed under `key` in a sorted (key, quote) array: quotes ascending.
fn listed<K: Ord + Copy>(pairs: &[(K, u32)], key: K) -> &[(K, u32)] {
    let from = pairs.partition_point(|&(k, _)| k < key);
    let to = pairs.partition_point(|&(k, _)| k <= key);
    pairs.get(from..to.max(from)).unwrap_or(&[])
}

/// Known quotes by key: the first of each key.
fn exact_keys(known: &[KnownQuote]) -> FxHashMap<Box<str>, u32> {
    // sized for every key at once (only look-ups read it), so it never grows by rehashing
    let mut exact = FxHashMap::with_capacity_and_hasher(known.len(), Default::default());
    for (i, k) in known.iter().enumerate() {
        let Ok(i) = u32::try_from(i) else { break };
        exact.entry(k.key.as_str().into()).or_insert(i);
    }
    exact
}

impl QuoteIndex {
    fn new(known: &[KnownQuote]) -> QuoteIndex {
        let mut index = QuoteIndex {
            exact: exact_keys(known),
            ..QuoteIndex::default()
        };
        for (i, k) in known.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            let bytes = k.key.as_bytes();
            index
                .grams
                .extend((0..bytes.len()).filter_map(|s| Some((gram(&bytes[s..])?, i))));
            if k.key.split_whitespace().count() >= 5
                && let Some(p) = prefix(bytes)
            {
                index.prefixes.push((p, i));
            }
        }
        // the pairs were pushed with quotes ascending, so a stable sort by run alone sorts
        // them by (run, quote)
        index.grams = sort_by_key_stable(std::mem::take(&mut index.grams));
        index.grams.dedup();
        index.grams.shrink_to_fit();
        index.prefixes.sort_unstable();
        index
    }

    fn matching(&self, known: &[KnownQuote], key: &str, partial: bool) -> Option<usize> {
        let mut best = self.exact.get(key).map(|&i| i as usize);
        let mut consider = |i: usize| {
            if best.is_none_or(|b| i < b) {
                best = Some(i);
            }
        };
        let bytes = key.as_bytes();
        if partial {
            // a known key that contains `key` holds each of its 4-byte runs: search the
            // quotes of the rarest run (a key shorter than a run is searched for everywhere)
            let rarest = (0..bytes.len())
                .filter_map(|s| gram(&bytes[s..]))
                .map(|g| listed(&self.grams, g))
                .min_by_key(|l| l.len());
            let found = match rarest {
                Some(list) => list
                    .iter()
                    .map(|&(_, i)| i as usize)
                    .find(|&i| known.get(i).is_some_and(|k| k.key.contains(key))),
                None => known.iter().position(|k| k.key.contains(key)),
            };
            if let Some(i) = found {
                consider(i);
            }
        } else {
            // a known key of five words or more within `key` starts at some byte of it
            for s in 0..bytes.len() {
                let Some(p) = prefix(&bytes[s..]) else { break };
                let found = listed(&self.prefixes, p)
                    .iter()
                    .map(|&(_, i)| i as usize)
                    .find(|&i| {
                        known
                            .get(i)
                            .is_some_and(|k| bytes[s..].starts_with(k.key.as_bytes()))
                    });
                if let Some(i) = found {
                    consider(i);
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The simple form of the grams' sort: pairs packed into one integer each, sorted.
    fn sorted_reference(pairs: &[(u32, u32)]) -> Vec<(u32, u32)> {
        let mut packed: Vec<u64> = pairs
            .iter()
            .map(|&(g, i)| (u64::from(g) << 32) | u64::from(i))
            .collect();
        packed.sort_unstable();
        packed
            .into_iter()
            .map(|p| ((p >> 32) as u32, p as u32))
            .collect()
    }

    proptest! {
        #[test]
        fn the_radix_sort_sorts_pairs_pushed_with_ascending_quotes(
            // few distinct keys (so that many are equal) or any keys, around the size at
            // which the radix sort takes over
            keys in prop::collection::vec(
                prop_oneof![0u32..8, any::<u32>(), (0u32..4).prop_map(|k| k << 16)],
                0..700,
            ),
            steps in prop::collection::vec(0u32..3, 700),
        ) {
            let mut quote = 0;
            let pairs: Vec<(u32, u32)> = keys
                .iter()
                .zip(&steps)
                .map(|(&k, &step)| {
                    quote += step;
                    (k, quote)
                })
                .collect();
            prop_assert_eq!(sort_by_key_stable(pairs.clone()), sorted_reference(&pairs));
        }
    }
}
