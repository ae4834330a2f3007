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
    pub(crate) by_subject: FxHashMap<(EntityId, RelationId), (u32, u32)>,
    /// Positive entity-valued facts sorted by (relation, value): indexes into `facts`.
    pub(crate) by_value_order: Vec<FactId>,
    pub(crate) by_value: FxHashMap<(RelationId, EntityId), (u32, u32)>,
    /// For each transitive relation and entity: every entity reachable from it.
    pub(crate) closure: FxHashMap<(RelationId, EntityId), Box<[EntityId]>>,
    /// Derived indexes, built on first use and shared by every article of a run.
    pub(crate) known_quotes: std::sync::OnceLock<Vec<KnownQuote>>,
    pub(crate) person_names: std::sync::OnceLock<PersonNames>,
    pub(crate) check_index: std::sync::OnceLock<crate::check::CheckIndex>,
}

/// A quote the rules attribute (`quote "..." by "X"`), keyed for matching.
#[derive(Debug)]
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
#[derive(Debug, Default)]
pub struct PersonNames {
    pub surnames: Vec<(String, EntityId)>,
    pub first_names: Vec<(String, EntityId)>,
    surname_set: rustc_hash::FxHashSet<String>,
    /// Indexes into `surnames`, by person.
    surnames_by_person: rustc_hash::FxHashMap<EntityId, Vec<usize>>,
    /// The people with each first name.
    by_first_name: rustc_hash::FxHashMap<String, Vec<EntityId>>,
}

impl PersonNames {
    /// Whether `word` is some person's surname.
    pub fn is_surname(&self, word: &str) -> bool {
        self.surname_set.contains(word)
    }

    /// A person's surnames (of every name and alias).
    pub fn surnames_of(&self, person: EntityId) -> impl Iterator<Item = &str> {
        self.surnames_by_person
            .get(&person)
            .into_iter()
            .flatten()
            .map(|&i| self.surnames[i].0.as_str())
    }

    /// The people one of whose names starts with `first`.
    pub fn with_first_name(&self, first: &str) -> &[EntityId] {
        self.by_first_name.get(first).map_or(&[], Vec::as_slice)
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
        match self.by_subject.get(&(subject, relation)) {
            Some(&(start, end)) => &self.facts[start as usize..end as usize],
            None => &[],
        }
    }

    /// The positive facts `_ relation value`, in rule-file order (`_ holds "US President"`).
    pub fn facts_with_value(
        &self,
        relation: RelationId,
        value: EntityId,
    ) -> impl Iterator<Item = &Fact> + '_ {
        let ids = match self.by_value.get(&(relation, value)) {
            Some(&(start, end)) => &self.by_value_order[start as usize..end as usize],
            None => &[],
        };
        ids.iter().map(|&id| self.fact(id))
    }

    /// The claims the rules mark `not`.
    pub fn known_false(&self) -> &[Fact] {
        &self.facts[self.positive_count..]
    }

    /// Whether `inner` reaches `outer` through the transitive relation (`"Riyadh" in
    /// "Saudi Arabia"`), directly or through any chain. An entity is not within itself.
    pub fn within(&self, relation: RelationId, inner: EntityId, outer: EntityId) -> bool {
        self.closure
            .get(&(relation, inner))
            .is_some_and(|up| up.contains(&outer))
    }

    /// Everything `inner` reaches through the transitive relation, nearest first.
    pub fn reachable(&self, relation: RelationId, inner: EntityId) -> &[EntityId] {
        self.closure
            .get(&(relation, inner))
            .map_or(&[], |up| &up[..])
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
        self.person_names.get_or_init(|| {
            let mut names = PersonNames::default();
            let Some(person) = self.kind_by_name("person") else {
                return names;
            };
            for (id, entity) in self.entities() {
                if !self.is_a(entity.kind, person) {
                    continue;
                }
                for name in entity.names() {
                    let words: Vec<&str> = name.split_whitespace().collect();
                    if let Some(last) = words.last().filter(|w| w.chars().count() >= 5) {
                        names.surnames.push((last.to_string(), id));
                    }
                    if words.len() > 1 {
                        names.first_names.push((words[0].to_string(), id));
                    }
                }
            }
            for (i, (surname, id)) in names.surnames.iter().enumerate() {
                names.surname_set.insert(surname.clone());
                names.surnames_by_person.entry(*id).or_default().push(i);
            }
            // each person once per first name, in order (a set: a common first name has
            // thousands of people in a large knowledge base)
            let mut seen = rustc_hash::FxHashSet::default();
            for (first, id) in &names.first_names {
                if seen.insert((first.as_str(), *id)) {
                    names
                        .by_first_name
                        .entry(first.clone())
                        .or_default()
                        .push(*id);
                }
            }
            names
        })
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

/// Normalized name → entities. Most names name one entity; the few that name several
/// (a country and a US state called Georgia) spill into a second map, which keeps one
/// allocation per name off the common path.
#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    single: FxHashMap<Box<str>, EntityId>,
    shared: FxHashMap<Box<str>, Vec<EntityId>>,
}

impl NameIndex {
    pub(crate) fn get(&self, key: &str) -> &[EntityId] {
        // a key lives in exactly one of the maps; `shared` is small and often empty
        if let Some(one) = self.single.get(key) {
            return std::slice::from_ref(one);
        }
        if self.shared.is_empty() {
            return &[];
        }
        self.shared.get(key).map_or(&[], |many| many)
    }

    pub(crate) fn reserve(&mut self, additional: usize) {
        self.single.reserve(additional);
    }

    /// Adds `entity` under `key`, unless it is there already.
    pub(crate) fn insert(&mut self, key: String, entity: EntityId) {
        if !self.shared.is_empty()
            && let Some(many) = self.shared.get_mut(key.as_str())
        {
            if !many.contains(&entity) {
                many.push(entity);
            }
            return;
        }
        match self.single.get(key.as_str()) {
            None => {
                self.single.insert(key.into_boxed_str(), entity);
            }
            Some(&existing) if existing == entity => {}
            Some(&existing) => {
                self.single.remove(key.as_str());
                self.shared
                    .insert(key.into_boxed_str(), vec![existing, entity]);
            }
        }
    }
}
