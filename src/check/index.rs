//! Indexes the checks need for every article, built once per knowledge base (on first use,
//! shared by every thread) so that a check's cost per article does not grow with the
//! knowledge base: known quotes by their words, and people's surnames by first name,
//! initial and length.

use rustc_hash::FxHashMap;

use crate::kb::{EntityId, KnowledgeBase, KnownQuote, PersonNames};

/// The checks' indexes over one knowledge base.
#[derive(Debug, Default)]
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
#[derive(Debug, Default)]
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

impl QuoteIndex {
    fn new(known: &[KnownQuote]) -> QuoteIndex {
        let mut index = QuoteIndex::default();
        for (i, k) in known.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            index.exact.entry(k.key.as_str().into()).or_insert(i);
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
