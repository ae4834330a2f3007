//! The compiled knowledge base: what the rules say, indexed for the questions checks ask.
//!
//! It is built once by [`crate::rules::load`] and then only read, from many threads at once.
//! The API is deliberately small:
//!
//! - names: [`KnowledgeBase::lookup`] (any alias, normalized), [`KnowledgeBase::entity`];
//! - kinds: [`KnowledgeBase::kind_by_name`], [`KnowledgeBase::is_a`];
//! - relations: [`KnowledgeBase::relation_by_name`], [`KnowledgeBase::relation`];
//! - facts: [`KnowledgeBase::facts`] (by subject and relation),
//!   [`KnowledgeBase::facts_with_value`] (by relation and value),
//!   [`KnowledgeBase::known_false`];
//! - containment: [`KnowledgeBase::within`] (the transitive closure of `in` and any other
//!   transitive relation);
//! - evidence: [`KnowledgeBase::sources`] and every item's `loc`, to show rule lines.

pub mod cache;
pub mod dump;
pub mod time;

use rustc_hash::FxHashMap;

use crate::severity::Severity;
use crate::source::{Loc, SourceMap};
use crate::text::name_key;
use time::{FactDate, Validity};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// An entity: a person, place, title, event, quote ...
    EntityId
);
id_type!(
    /// A kind: `person`, `city`, ...
    KindId
);
id_type!(
    /// A relation: `holds`, `in`, ...
    RelationId
);
id_type!(
    /// A fact: one subject-relation-value triple with its validity.
    FactId
);

#[derive(Debug)]
pub struct Kind {
    pub name: Box<str>,
    /// The kind this one refines (`kind city is place`).
    pub parent: Option<KindId>,
    pub loc: Loc,
}

/// What a relation's values are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    Entity(KindId),
    Date,
    Number,
    Text,
}

/// How many values a subject may have for a relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cardinality {
    Many,
    /// One value, ever (`one`).
    One,
    /// One value at any instant (`one at a time`).
    OneAtATime,
}

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Tolerance {
    pub amount: f64,
    pub percent: bool,
}

impl Tolerance {
    /// Whether `claimed` is within tolerance of `known`.
    pub fn accepts(self, known: f64, claimed: f64) -> bool {
        let allowed = if self.percent {
            known.abs() * self.amount / 100.0
        } else {
            self.amount
        };
        (known - claimed).abs() <= allowed
    }
}

#[derive(Debug)]
pub struct Relation {
    pub name: Box<str>,
    pub subject: KindId,
    pub value: ValueType,
    pub cardinality: Cardinality,
    pub transitive: bool,
    /// Phrases that announce this relation in prose (`annexed by`).
    pub cues: Vec<Box<str>>,
    pub tolerance: Option<Tolerance>,
    /// Overrides the severity of findings about this relation.
    pub severity: Option<Severity>,
    pub loc: Loc,
}

#[derive(Debug)]
pub struct Alias {
    pub text: Box<str>,
    pub loc: Loc,
}

#[derive(Debug)]
pub struct Entity {
    /// The canonical name, as declared.
    pub name: Box<str>,
    pub kind: KindId,
    /// Other names, as declared (the canonical name is not repeated here).
    pub aliases: Vec<Alias>,
    /// At most one subject holds this entity at any instant (a title with one holder).
    pub one_holder_at_a_time: bool,
    /// The declaration's first line.
    pub loc: Loc,
    /// The canonical name in the declaration.
    pub name_loc: Loc,
}

impl Entity {
    /// The canonical name followed by every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(&*self.name).chain(self.aliases.iter().map(|a| &*a.text))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum FactValue {
    Entity(EntityId),
    Date(FactDate),
    Number(f64),
    Text(Box<str>),
}

#[derive(Debug)]
pub struct Fact {
    pub subject: EntityId,
    pub relation: RelationId,
    pub value: FactValue,
    pub validity: Validity,
    /// A `not` fact: a claim known to be false.
    pub negated: bool,
    /// The rule line that states it.
    pub loc: Loc,
}

/// The compiled rules. Built by [`crate::rules::load`]; see the module docs for the API.
///
/// The indexes are flat arrays, not maps of boxed keys, so that building them is a few
/// passes over the facts and loading them from the cache ([`cache`]) is a copy:
///
/// - facts are sorted by (subject, relation); `subject_starts` gives each subject's range
///   and a binary search finds the relation within it;
/// - `by_value_order` lists the entity-valued facts sorted by (relation, value), searched
///   by binary search;
/// - the closure of each transitive relation is one array of reached entities with an
///   offset per entity;
/// - the name index is an open-addressing hash table over one string of keys.
#[derive(Debug)]
pub struct KnowledgeBase {
    pub(crate) sources: SourceMap,
    pub(crate) kinds: Vec<Kind>,
    pub(crate) kind_index: FxHashMap<Box<str>, KindId>,
    pub(crate) relations: Vec<Relation>,
    pub(crate) relation_index: FxHashMap<Box<str>, RelationId>,
    pub(crate) entities: Vec<Entity>,
    pub(crate) names: NameIndex,
    /// Positive facts sorted by (subject, relation), then negated facts.
    pub(crate) facts: Vec<Fact>,
    pub(crate) positive_count: usize,
    /// `subject_starts[s]..subject_starts[s + 1]` are the positive facts of entity `s`
    /// (one more item than there are entities; the last is `positive_count`).
    pub(crate) subject_starts: Vec<u32>,
    /// Positive entity-valued facts sorted by (relation, value), then rule-file position.
    pub(crate) by_value_order: Vec<FactId>,
    /// The closure of each transitive relation, in relation order.
    pub(crate) closures: Vec<Closure>,
    /// Derived indexes, built on first use and shared by every article of a run.
    pub(crate) known_quotes: std::sync::OnceLock<Vec<KnownQuote>>,
    pub(crate) person_names: std::sync::OnceLock<PersonNames>,
    pub(crate) check_index: std::sync::OnceLock<crate::check::CheckIndex>,
}

/// Everything each entity reaches through one transitive relation, nearest first.
#[derive(Debug)]
pub(crate) struct Closure {
    pub(crate) relation: RelationId,
    /// `starts[e]..starts[e + 1]` index `reached` (one more item than there are entities).
    pub(crate) starts: Vec<u32>,
    pub(crate) reached: Vec<EntityId>,
}

impl Closure {
    fn of(&self, entity: EntityId) -> &[EntityId] {
        let i = entity.index();
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => self.reached.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// A quote the rules attribute (`quote "..." by "X"`), keyed for matching.
#[derive(Debug, PartialEq)]
pub struct KnownQuote {
    /// The words, normalized with [`crate::text::quote_key`].
    pub key: String,
    pub quote: EntityId,
    pub speaker: EntityId,
    /// The `by` rule line.
    pub loc: Loc,
}

/// The words of known people's names: surnames (the last word of each name, five letters or
/// more) and first names (the first word of each name of two words or more).
///
/// Built once per knowledge base, so it is flat: the words are cut from one string, a
/// person's surnames are one run of `surnames` (people are visited in order), and the sets
/// are a hash table of indexes and sorted arrays, with no allocation per name.
#[derive(Debug, Default)]
pub struct PersonNames {
    /// Every word, end to end.
    text: String,
    /// Surnames as (start, end) in `text` and their person, in entity order, each once per
    /// person.
    surnames: Vec<(u32, u32, EntityId)>,
    /// First names as (start, end) in `text` and their person, in entity order.
    first_names: Vec<(u32, u32, EntityId)>,
    /// One index into `surnames` per distinct surname, by the surname's hash.
    surname_set: hashbrown::HashTable<u32>,
    /// (person, start, end): the person's run of `surnames`, ascending by person.
    surnames_by_person: Vec<(EntityId, u32, u32)>,
    /// (first name number << 32 | person), sorted, one per pair: the people of each first
    /// name, ascending.
    by_first_name: Vec<u64>,
    /// For each first name number, the index in `first_names` of one name with it.
    first_name_text: Vec<u32>,
}

fn hash_str(text: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(text)
}

/// `items` sorted stably by `key`, a small integer (the largest one sizes the counts).
pub(crate) fn counting_sort<T: Copy + Default>(items: Vec<T>, key: impl Fn(&T) -> usize) -> Vec<T> {
    let Some(largest) = items.iter().map(&key).max() else {
        return items;
    };
    let mut starts = vec![0usize; largest + 2];
    for item in &items {
        starts[key(item) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut sorted = vec![T::default(); items.len()];
    for item in &items {
        let at = &mut starts[key(item)];
        sorted[*at] = *item;
        *at += 1;
    }
    sorted
}

/// One index into `surnames` per distinct surname, by the surname's hash (the first of
/// each); every span of `surnames` must be a range of `text` on char boundaries.
pub(crate) fn surname_set(
    text: &str,
    surnames: &[(u32, u32, EntityId)],
) -> hashbrown::HashTable<u32> {
    let word = |&(s, e, _): &(u32, u32, EntityId)| text.get(s as usize..e as usize).unwrap_or("");
    // sized for every surname at once (only look-ups read it), so it never grows by rehashing
    let mut set = hashbrown::HashTable::with_capacity(surnames.len());
    for (i, surname) in surnames.iter().enumerate() {
        let key = word(surname);
        let hash = hash_str(key);
        let found = set.find(hash, |&j: &u32| word(&surnames[j as usize]) == key);
        if found.is_none() {
            set.insert_unique(hash, i as u32, |&j| hash_str(word(&surnames[j as usize])));
        }
    }
    set
}

/// Equal when every field is: the surname sets hold the same indexes.
impl PartialEq for PersonNames {
    fn eq(&self, other: &PersonNames) -> bool {
        let same_set = self.surname_set.len() == other.surname_set.len()
            && self.surname_set.iter().all(|&i| {
                let key = self.surname(i as usize).map_or("", |(t, _)| t);
                other.surname_set.find(hash_str(key), |&j| j == i).is_some()
            });
        same_set
            && self.text == other.text
            && self.surnames == other.surnames
            && self.first_names == other.first_names
            && self.surnames_by_person == other.surnames_by_person
            && self.by_first_name == other.by_first_name
            && self.first_name_text == other.first_name_text
    }
}

impl PersonNames {
    fn build(kb: &KnowledgeBase) -> PersonNames {
        let mut names = PersonNames::default();
        let Some(person) = kb.kind_by_name("person") else {
            return names;
        };
        let push = |text: &mut String, word: &str| {
            let start = text.len() as u32;
            text.push_str(word);
            (start, text.len() as u32)
        };
        for (id, entity) in kb.entities() {
            if !kb.is_a(entity.kind, person) {
                continue;
            }
            let from = names.surnames.len() as u32;
            for name in entity.names() {
                let mut words = name.split_whitespace();
                let Some(first) = words.next() else { continue };
                let last = words.next_back();
                let surname = last.unwrap_or(first);
                // a person's aliases often share a surname: it is kept once per person
                let run = &names.surnames[from as usize..];
                let known = run
                    .iter()
                    .any(|&(s, e, _)| &names.text[s as usize..e as usize] == surname);
                if !known && surname.chars().count() >= 5 {
                    let (s, e) = push(&mut names.text, surname);
                    names.surnames.push((s, e, id));
                }
                if last.is_some() {
                    let (s, e) = push(&mut names.text, first);
                    names.first_names.push((s, e, id));
                }
            }
            let to = names.surnames.len() as u32;
            if to > from {
                names.surnames_by_person.push((id, from, to));
            }
        }
        names.surname_set = surname_set(&names.text, &names.surnames);
        let text = &names.text;
        let word = |&(s, e, _): &(u32, u32, EntityId)| &text[s as usize..e as usize];
        // first names numbered in order of appearance (by their hash), then (number, person)
        // pairs sorted as packed integers: each person once per first name, ascending
        let mut numbers: hashbrown::HashTable<(u32, u32)> = hashbrown::HashTable::new();
        let mut pairs: Vec<u64> = Vec::with_capacity(names.first_names.len());
        for (i, first) in names.first_names.iter().enumerate() {
            let key = word(first);
            let hash = hash_str(key);
            let next = numbers.len() as u32;
            let entry = numbers.entry(
                hash,
                |&(_, j)| word(&names.first_names[j as usize]) == key,
                |&(_, j)| hash_str(word(&names.first_names[j as usize])),
            );
            let number = entry.or_insert((next, i as u32)).get().0;
            pairs.push((u64::from(number) << 32) | u64::from(first.2.0));
        }
        // people ascend in `pairs` (entities are visited in order), so a stable sort by
        // number alone sorts the pairs: a counting sort, the numbers being dense
        let mut pairs = counting_sort(pairs, |&p| (p >> 32) as usize);
        pairs.dedup();
        let mut representative = vec![0u32; numbers.len()];
        for &(number, i) in &numbers {
            representative[number as usize] = i;
        }
        names.first_name_text = representative;
        names.by_first_name = pairs;
        names
    }

    fn word(&self, (start, end): (u32, u32)) -> &str {
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    /// Surname `index` and its person.
    pub fn surname(&self, index: usize) -> Option<(&str, EntityId)> {
        let &(s, e, id) = self.surnames.get(index)?;
        Some((self.word((s, e)), id))
    }

    /// Whether `word` is some person's surname.
    pub fn is_surname(&self, word: &str) -> bool {
        self.surname_set
            .find(hash_str(word), |&j| {
                self.surname(j as usize).is_some_and(|(t, _)| t == word)
            })
            .is_some()
    }

    /// The indexes (for [`PersonNames::surname`]) of a person's surnames (of every name
    /// and alias).
    pub fn surname_indexes(&self, person: EntityId) -> std::ops::Range<usize> {
        let i = self
            .surnames_by_person
            .partition_point(|&(p, _, _)| p < person);
        match self.surnames_by_person.get(i) {
            Some(&(p, from, to)) if p == person => from as usize..to as usize,
            _ => 0..0,
        }
    }

    /// A person's surnames (of every name and alias, each once).
    pub fn surnames_of(&self, person: EntityId) -> impl Iterator<Item = &str> {
        self.surname_indexes(person)
            .filter_map(|i| self.surname(i).map(|(t, _)| t))
    }

    /// Every first name with the people one of whose names starts with it (each once,
    /// ascending).
    pub fn first_name_groups(&self) -> impl Iterator<Item = (&str, Vec<EntityId>)> {
        self.by_first_name
            .chunk_by(|a, b| a >> 32 == b >> 32)
            .filter_map(|group| {
                let number = usize::try_from(group.first()? >> 32).ok()?;
                let &(s, e, _) = self
                    .first_names
                    .get(*self.first_name_text.get(number)? as usize)?;
                let people = group.iter().map(|&p| EntityId(p as u32)).collect();
                Some((self.word((s, e)), people))
            })
    }
}

impl KnowledgeBase {
    /// The rule files the knowledge base was compiled from, for showing evidence.
    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    pub fn entity(&self, id: EntityId) -> &Entity {
        &self.entities[id.index()]
    }

    pub fn entities(&self) -> impl ExactSizeIterator<Item = (EntityId, &Entity)> {
        self.entities
            .iter()
            .enumerate()
            .map(|(i, e)| (EntityId(i as u32), e))
    }

    /// Every entity with this name or alias, compared after [`name_key`] normalization.
    pub fn lookup(&self, name: &str) -> &[EntityId] {
        self.names.get(&name_key(name))
    }

    /// The entity with this name or alias whose kind is `kind` or refines it, if exactly one.
    pub fn lookup_kind(&self, name: &str, kind: KindId) -> Option<EntityId> {
        let mut found = self
            .lookup(name)
            .iter()
            .filter(|&&e| self.is_a(self.entity(e).kind, kind));
        let first = *found.next()?;
        found.next().is_none().then_some(first)
    }

    pub fn kind(&self, id: KindId) -> &Kind {
        &self.kinds[id.index()]
    }

    pub fn kinds(&self) -> impl ExactSizeIterator<Item = (KindId, &Kind)> {
        self.kinds
            .iter()
            .enumerate()
            .map(|(i, k)| (KindId(i as u32), k))
    }

    pub fn kind_by_name(&self, name: &str) -> Option<KindId> {
        self.kind_index.get(name).copied()
    }

    /// Whether `kind` is `ancestor` or refines it (`city` is a `place`).
    pub fn is_a(&self, kind: KindId, ancestor: KindId) -> bool {
        is_a(&self.kinds, kind, ancestor)
    }

    pub fn relation(&self, id: RelationId) -> &Relation {
        &self.relations[id.index()]
    }

    pub fn relations(&self) -> impl ExactSizeIterator<Item = (RelationId, &Relation)> {
        self.relations
            .iter()
            .enumerate()
            .map(|(i, r)| (RelationId(i as u32), r))
    }

    pub fn relation_by_name(&self, name: &str) -> Option<RelationId> {
        self.relation_index.get(name).copied()
    }

    pub fn fact(&self, id: FactId) -> &Fact {
        &self.facts[id.index()]
    }

    /// Every fact (positive first, then `not` facts).
    pub fn all_facts(&self) -> impl ExactSizeIterator<Item = (FactId, &Fact)> {
        self.facts
            .iter()
            .enumerate()
            .map(|(i, f)| (FactId(i as u32), f))
    }

    /// The positive facts `subject relation _`, in rule-file order.
    pub fn facts(&self, subject: EntityId, relation: RelationId) -> &[Fact] {
        let s = subject.index();
        let group = match (self.subject_starts.get(s), self.subject_starts.get(s + 1)) {
            (Some(&a), Some(&b)) => self.facts.get(a as usize..b as usize).unwrap_or(&[]),
            _ => return &[],
        };
        // a subject has few facts, sorted by relation
        let start = group.partition_point(|f| f.relation < relation);
        let rest = &group[start..];
        &rest[..rest.partition_point(|f| f.relation == relation)]
    }

    /// The (relation, value) a fact of `by_value_order` is sorted by.
    fn value_key(&self, id: FactId) -> (RelationId, EntityId) {
        match self.facts.get(id.index()) {
            Some(Fact {
                relation,
                value: FactValue::Entity(v),
                ..
            }) => (*relation, *v),
            // never in the index (checked when it is built or loaded)
            _ => (RelationId(u32::MAX), EntityId(u32::MAX)),
        }
    }

    /// The positive facts `_ relation value`, in rule-file order (`_ holds "US President"`).
    pub fn facts_with_value(
        &self,
        relation: RelationId,
        value: EntityId,
    ) -> impl Iterator<Item = &Fact> + '_ {
        let key = (relation, value);
        let order = &self.by_value_order;
        let start = order.partition_point(|&id| self.value_key(id) < key);
        let rest = &order[start..];
        let ids = &rest[..rest.partition_point(|&id| self.value_key(id) == key)];
        ids.iter().map(|&id| self.fact(id))
    }

    /// The claims the rules mark `not`.
    pub fn known_false(&self) -> &[Fact] {
        &self.facts[self.positive_count..]
    }

    fn closure(&self, relation: RelationId) -> Option<&Closure> {
        self.closures.iter().find(|c| c.relation == relation)
    }

    /// Whether `inner` reaches `outer` through the transitive relation (`"Riyadh" in
    /// "Saudi Arabia"`), directly or through any chain. An entity is not within itself.
    pub fn within(&self, relation: RelationId, inner: EntityId, outer: EntityId) -> bool {
        self.reachable(relation, inner).contains(&outer)
    }

    /// Everything `inner` reaches through the transitive relation, nearest first.
    pub fn reachable(&self, relation: RelationId, inner: EntityId) -> &[EntityId] {
        self.closure(relation).map_or(&[], |c| c.of(inner))
    }

    /// Every attributed quote, for matching quoted words in articles.
    pub fn known_quotes(&self) -> &[KnownQuote] {
        self.known_quotes.get_or_init(|| {
            let mut out = Vec::new();
            let (Some(kind), Some(by)) = (self.kind_by_name("quote"), self.relation_by_name("by"))
            else {
                return out;
            };
            for (id, entity) in self.entities() {
                if !self.is_a(entity.kind, kind) {
                    continue;
                }
                for f in self.facts(id, by) {
                    if let FactValue::Entity(speaker) = f.value {
                        for name in entity.names() {
                            out.push(KnownQuote {
                                key: crate::text::quote_key(name),
                                quote: id,
                                speaker,
                                loc: f.loc,
                            });
                        }
                    }
                }
            }
            out
        })
    }

    /// The words of known people's names, for near-miss spelling checks.
    pub fn person_names(&self) -> &PersonNames {
        self.person_names.get_or_init(|| PersonNames::build(self))
    }

    /// The text of a rule line, for evidence.
    pub fn rule_text(&self, loc: Loc) -> &str {
        self.sources.text(loc)
    }
}

pub(crate) fn is_a(kinds: &[Kind], mut kind: KindId, ancestor: KindId) -> bool {
    // Bounded by the number of kinds, so a cycle (reported at compile time) cannot hang.
    for _ in 0..=kinds.len() {
        if kind == ancestor {
            return true;
        }
        match kinds[kind.index()].parent {
            Some(parent) => kind = parent,
            None => return false,
        }
    }
    false
}

/// Normalized name → entities, as one flat hash table: the keys are cut from one string
/// (`text`, ending at `ends`), each key's entity is in `first`, and the few keys that name
/// several entities (a country and a US state called Georgia) have them all in `shared`.
/// `slots` is an open-addressing table (linear probing, at most half full) of key numbers
/// with 32 bits of each key's hash (xxh3, the same on every build). Building costs no
/// allocation per name, and the cache stores the keys and `slots` as they are (checked for
/// their shape when read: [`NameIndex::from_parts`]).
#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    text: String,
    ends: Vec<u32>,
    first: Vec<EntityId>,
    shared: FxHashMap<u32, Vec<EntityId>>,
    /// (key number, hash tag); `EMPTY` in the key number when free.
    slots: Vec<(u32, u32)>,
}

const EMPTY: u32 = u32::MAX;

/// What the cache stores of a [`NameIndex`]: the key text, the key ends, each key's first
/// entity, the shared keys with all their entities, and the hash table.
pub(crate) type NameParts<'a> = (
    &'a str,
    &'a [u32],
    &'a [EntityId],
    Vec<(u32, &'a [EntityId])>,
    &'a [(u32, u32)],
);

/// Where a key is in the slots, or the free slot where it would go.
enum Probe {
    Found(u32),
    Vacant(usize),
    /// No free slot (only an empty table).
    Full,
}

fn name_hash(key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(key.as_bytes())
}

impl NameIndex {
    /// The number of distinct keys.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Key number `i`.
    pub(crate) fn key(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(before) => self.ends.get(before).map_or(0, |&e| e as usize),
            None => 0,
        };
        let end = self.ends.get(i).map_or(0, |&e| e as usize);
        self.text.get(start..end).unwrap_or("")
    }

    fn probe(&self, key: &str, hash: u64) -> Probe {
        let len = self.slots.len();
        if len == 0 {
            return Probe::Full;
        }
        let mask = len - 1;
        let tag = (hash >> 32) as u32;
        let mut at = hash as usize & mask;
        for _ in 0..len {
            let (k, t) = self.slots[at];
            if k == EMPTY {
                return Probe::Vacant(at);
            }
            if t == tag && self.key(k as usize) == key {
                return Probe::Found(k);
            }
            at = (at + 1) & mask;
        }
        Probe::Full
    }

    pub(crate) fn get(&self, key: &str) -> &[EntityId] {
        self.get_hashed(key, name_hash(key))
    }

    /// The hash of `key` that [`NameIndex::get_hashed`] and [`NameIndex::insert_hashed`]
    /// take.
    pub(crate) fn hash(key: &str) -> u64 {
        name_hash(key)
    }

    /// [`NameIndex::get`] with the key's hash already computed ([`NameIndex::hash`]).
    pub(crate) fn get_hashed(&self, key: &str, hash: u64) -> &[EntityId] {
        match self.probe(key, hash) {
            Probe::Found(k) => {
                if !self.shared.is_empty()
                    && let Some(many) = self.shared.get(&k)
                {
                    return many;
                }
                self.first.get(k as usize).map_or(&[], std::slice::from_ref)
            }
            _ => &[],
        }
    }

    /// Makes room for `additional` more keys (about `bytes` more bytes of them).
    pub(crate) fn reserve(&mut self, additional: usize, bytes: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(additional);
        self.first.reserve(additional);
        let wanted = ((self.len() + additional) * 2).next_power_of_two().max(16);
        if wanted > self.slots.len() {
            self.rebuild_slots(wanted);
        }
    }

    /// Fills a table of `capacity` slots (a power of two) with every key.
    fn rebuild_slots(&mut self, capacity: usize) {
        self.slots.clear();
        self.slots.resize(capacity, (EMPTY, 0));
        let mask = capacity - 1;
        for i in 0..self.len() {
            let hash = name_hash(self.key(i));
            let mut at = hash as usize & mask;
            while self.slots[at].0 != EMPTY {
                at = (at + 1) & mask;
            }
            self.slots[at] = (i as u32, (hash >> 32) as u32);
        }
    }

    /// Adds `entity` under `key`, whose hash is `hash` ([`NameIndex::hash`]), unless it is
    /// there already.
    pub(crate) fn insert_hashed(&mut self, key: &str, hash: u64, entity: EntityId) {
        if (self.len() + 1) * 2 > self.slots.len() {
            self.reserve(self.len().max(8), key.len());
        }
        match self.probe(key, hash) {
            Probe::Found(k) => {
                if let Some(many) = self.shared.get_mut(&k) {
                    if !many.contains(&entity) {
                        many.push(entity);
                    }
                } else if let Some(&existing) = self.first.get(k as usize)
                    && existing != entity
                {
                    self.shared.insert(k, vec![existing, entity]);
                }
            }
            Probe::Vacant(at) => {
                let k = self.len() as u32;
                self.text.push_str(key);
                self.ends.push(self.text.len() as u32);
                self.first.push(entity);
                self.slots[at] = (k, (hash >> 32) as u32);
            }
            // `reserve` above keeps the table at most half full
            Probe::Full => {}
        }
    }

    /// The parts the cache stores: the key text, the key ends, each key's first entity,
    /// the shared keys (sorted by key number) and the hash table.
    pub(crate) fn parts(&self) -> NameParts<'_> {
        let mut shared: Vec<(u32, &[EntityId])> = self
            .shared
            .iter()
            .map(|(&k, v)| (k, v.as_slice()))
            .collect();
        shared.sort_unstable_by_key(|s| s.0);
        (&self.text, &self.ends, &self.first, shared, &self.slots)
    }

    /// The inverse of [`NameIndex::parts`]; `None` when they do not fit together.
    ///
    /// The hash table is taken as stored, checked for its shape only: a power of two of
    /// slots, at most half full, each key number in range and in one slot. Its hash tags
    /// and places are not checked against the keys (that would hash every key, which is
    /// what storing it saves): a table whose keys are not where their hashes lead makes
    /// look-ups miss, as a file with other names would, and never panics (probes are
    /// bounded and every access is checked). Damage is caught by the file's checksum.
    /// Why no rehash: the table gets the trust every other value of the file gets (the
    /// names, the facts are taken as stored too). A file whose key and checksum match was
    /// written by this build from these rules; the decode's checks keep a damaged or
    /// crafted file from panicking or looping, not from meaning other rules, which a
    /// crafted file could as well say with other names or facts. Rehashing the keys would
    /// prove only what the checksum already does, at one xxh3 per name.
    pub(crate) fn from_parts(
        text: String,
        ends: Vec<u32>,
        first: Vec<EntityId>,
        shared: FxHashMap<u32, Vec<EntityId>>,
        slots: Vec<(u32, u32)>,
    ) -> Option<NameIndex> {
        if ends.len() != first.len()
            || ends.len() >= EMPTY as usize
            || shared.keys().any(|&k| k as usize >= ends.len())
        {
            return None;
        }
        let mut previous = 0;
        for &end in &ends {
            if end < previous || !text.is_char_boundary(end as usize) {
                return None;
            }
            previous = end;
        }
        if previous as usize != text.len() || !slots_fit(&slots, ends.len()) {
            return None;
        }
        Some(NameIndex {
            text,
            ends,
            first,
            shared,
            slots,
        })
    }
}

/// Whether `slots` can be the hash table of `keys` keys: none for no keys, else a power of
/// two of them, at least 16 and twice the keys, and each key number below `keys` in exactly
/// one slot.
fn slots_fit(slots: &[(u32, u32)], keys: usize) -> bool {
    if slots.is_empty() {
        return keys == 0;
    }
    if !slots.len().is_power_of_two() || slots.len() < 16 || slots.len() / 2 < keys {
        return false;
    }
    let mut seen = vec![false; keys];
    let mut found = 0usize;
    for &(k, _) in slots {
        if k == EMPTY {
            continue;
        }
        match seen.get_mut(k as usize) {
            Some(s) if !*s => *s = true,
            _ => return false,
        }
        found += 1;
    }
    found == keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stored_name_tables_are_checked_for_their_shape() {
        let mut index = NameIndex::default();
        for (i, key) in ["ann lee", "lyon", "georgia"].iter().enumerate() {
            index.insert_hashed(key, NameIndex::hash(key), EntityId(i as u32));
        }
        let (text, ends, first, _, slots) = index.parts();
        let rebuilt = |slots: Vec<(u32, u32)>| {
            NameIndex::from_parts(
                text.to_string(),
                ends.to_vec(),
                first.to_vec(),
                FxHashMap::default(),
                slots,
            )
        };
        let stored = rebuilt(slots.to_vec()).unwrap();
        for key in ["ann lee", "lyon", "georgia", "paris"] {
            assert_eq!(stored.get(key), index.get(key));
        }
        let occupied = slots.iter().position(|s| s.0 != EMPTY).unwrap();
        let free = slots.iter().position(|s| s.0 == EMPTY).unwrap();
        let mut twice = slots.to_vec();
        twice[free] = twice[occupied];
        let mut out_of_range = slots.to_vec();
        out_of_range[occupied].0 = 3;
        let mut lost = slots.to_vec();
        lost[occupied].0 = EMPTY;
        for bad in [
            twice,
            out_of_range,
            lost,
            slots[..slots.len() / 2].to_vec(),
            slots[..slots.len() - 1].to_vec(),
            Vec::new(),
            vec![(0, 0), (1, 0), (2, 0), (EMPTY, 0)],
        ] {
            assert!(rebuilt(bad).is_none());
        }
        // a table of keys that are not where their hashes lead only misses
        let mut moved = slots.to_vec();
        moved.rotate_left(1);
        let moved = rebuilt(moved).unwrap();
        for key in ["ann lee", "lyon", "georgia", "paris"] {
            assert!(moved.get(key).len() <= 1);
        }
    }

    proptest! {
        #[test]
        fn the_counting_sort_sorts_pairs_pushed_with_ascending_people(
            numbers in prop::collection::vec(0u64..6, 0..200),
            steps in prop::collection::vec(0u64..3, 200),
        ) {
            let mut person = 0;
            let pairs: Vec<u64> = numbers
                .iter()
                .zip(&steps)
                .map(|(&n, &step)| {
                    person += step;
                    (n << 32) | person
                })
                .collect();
            // the simple form: a comparison sort of the packed pairs
            let mut reference = pairs.clone();
            reference.sort_unstable();
            prop_assert_eq!(counting_sort(pairs, |&p| (p >> 32) as usize), reference);
        }
    }
}
