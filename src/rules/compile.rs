//! The compiler: parsed rule files in, an indexed [`KnowledgeBase`] out.
//!
//! It runs in passes over every file at once, so that order does not matter: a city may be
//! declared `in` a country declared further down or in another file. Each pass records its
//! problems and goes on, so one run reports everything that is wrong.
//!
//! 1. kinds, then relations;
//! 2. entities and their names (duplicates, aliases claimed twice);
//! 3. facts (unknown names with "did you mean", kind mismatches, value types);
//! 4. contradictions within the rules (two holders of a one-holder title at once, two values
//!    of a `one` relation, a fact both asserted and denied);
//! 5. the transitive closure of every transitive relation (`in`), with cycle detection.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::kb::time::Validity;
use crate::kb::{
    Alias, Cardinality, Closure, Entity, EntityId, Fact, FactId, FactValue, Kind, KindId,
    KnowledgeBase, NameIndex, Relation, RelationId, Tolerance, ValueType, is_a,
};
use crate::rules::ast::{self, RelationModifier, SeverityName, Statement, Value};
use crate::rules::diagnostic::{RuleDiagnostic, RuleErrors};
use crate::rules::suggest::closest;
use crate::severity::Severity;
use crate::source::{FileId, Loc, SourceMap};
use crate::span::Span;
use crate::text::name_key;

/// Compiles parsed files (in load order) into a knowledge base. `diagnostics` holds the
/// problems already found while reading and parsing; compiling goes on regardless, so the
/// result reports them all together.
pub(crate) fn compile(
    sources: SourceMap,
    files: Vec<(FileId, ast::RuleFile<'_>)>,
    diagnostics: Vec<RuleDiagnostic>,
) -> Result<KnowledgeBase, RuleErrors> {
    let mut c = Compiler {
        diagnostics,
        kinds: Vec::new(),
        kind_index: FxHashMap::default(),
        relations: Vec::new(),
        relation_index: FxHashMap::default(),
        entities: Vec::new(),
        names: NameIndex::default(),
        poisoned: FxHashSet::default(),
        failed_relations: FxHashSet::default(),
        facts: Vec::new(),
    };
    c.declare_kinds(&files);
    c.declare_relations(&files);
    c.declare_entities(&files);
    c.add_facts(&files);
    // The syntax trees are not needed any more. For a large rule set they are freed on
    // rayon's pool while the contradictions and the closures, which only read the facts,
    // are computed beside each other; their diagnostics are added in the same order as one
    // after the other.
    let (found, (closures, cycles)) = if c.facts.len() < PARALLEL_FACTS {
        drop(files);
        (c.contradictions(), c.close_transitive_relations())
    } else {
        let c = &c;
        rayon::join(
            || c.contradictions(),
            || {
                drop(files);
                c.close_transitive_relations()
            },
        )
    };
    c.diagnostics.extend(found);
    c.diagnostics.extend(cycles);
    if !c.diagnostics.is_empty() {
        let mut diagnostics = c.diagnostics;
        // File by file, top to bottom; problems without a place (unreadable paths) first.
        diagnostics.sort_by_key(|d| d.primary.map(|p| (p.file, p.span.start)));
        return Err(RuleErrors {
            sources,
            diagnostics,
            omitted: 0,
        });
    }
    Ok(c.finish(sources, closures))
}

struct Compiler {
    diagnostics: Vec<RuleDiagnostic>,
    kinds: Vec<Kind>,
    kind_index: FxHashMap<Box<str>, KindId>,
    relations: Vec<Relation>,
    relation_index: FxHashMap<Box<str>, RelationId>,
    entities: Vec<Entity>,
    names: NameIndex,
    /// Names of entities whose declaration failed: references to them are not reported again.
    poisoned: FxHashSet<String>,
    /// Relations whose declaration failed, likewise.
    failed_relations: FxHashSet<String>,
    facts: Vec<Fact>,
}

/// The name keys of an entity declaration: its name, then its aliases.
fn entity_keys<'d>(e: &'d ast::EntityDecl<'_>) -> impl Iterator<Item = String> + 'd {
    std::iter::once(&e.name)
        .chain(&e.aliases)
        .map(|n| name_key(&n.node))
}

/// Rule sets with more facts (or entities) than this are compiled on several threads.
const PARALLEL_FACTS: usize = 20_000;

/// The subject of a fact to add: declared by its entity block, or named in a standalone fact.
#[derive(Clone, Copy)]
enum Subject<'a> {
    Declared(EntityId),
    Named(&'a str),
}

/// What resolving facts produces, per thread: the facts, the errors, a reusable buffer, and
/// the names resolved so far.
#[derive(Default)]
struct Sink<'a> {
    facts: Vec<Fact>,
    errors: Vec<RuleDiagnostic>,
    buffer: String,
    /// Names resolved without a problem, with the kind they were resolved for: a large rule
    /// set names the same entities (titles, countries, cities) thousands of times, and a
    /// resolution costs the name's key ([`crate::text::name_key`], hundreds of instructions
    /// for a name with accented letters) and a look-up in the name index. Resolving depends
    /// only on the name, the kind and the declared entities, which do not change while facts
    /// are added, so a remembered entity is what resolving again would give. The names are
    /// borrowed from the syntax trees.
    resolved: FxHashMap<(&'a str, Option<KindId>), EntityId>,
}

fn loc(file: FileId, span: Span) -> Loc {
    Loc { file, span }
}

const VALUE_TYPES: [&str; 3] = ["date", "number", "string"];

impl Compiler {
    fn error(&mut self, diagnostic: RuleDiagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn kind_names(&self) -> impl Iterator<Item = &str> {
        self.kinds.iter().map(|k| &*k.name)
    }

    fn resolve_kind(&mut self, file: FileId, name: &ast::Ident, role: &str) -> Option<KindId> {
        if let Some(&id) = self.kind_index.get(&*name.node) {
            return Some(id);
        }
        let suggestion = closest(&name.node, self.kind_names()).map(str::to_owned);
        let mut d = RuleDiagnostic::new(
            "rules::unknown-kind",
            format!("unknown kind `{}`", name.node),
            loc(file, name.span),
            format!("not a declared kind ({role})"),
        );
        d = match suggestion {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(format!(
                "declare it with `kind {}` (or `kind {} is PARENT`); the known kinds are: {}",
                name.node,
                name.node,
                self.kind_names().collect::<Vec<_>>().join(", ")
            )),
        };
        self.error(d);
        None
    }

    fn declare_kinds(&mut self, files: &[(FileId, ast::RuleFile<'_>)]) {
        let mut parents = Vec::new();
        for (file, rf) in files {
            for st in &rf.statements {
                let Statement::Kind(k) = st else { continue };
                if let Some(&existing) = self.kind_index.get(&*k.name.node) {
                    let first = self.kinds[existing.index()].loc;
                    self.error(
                        RuleDiagnostic::new(
                            "rules::duplicate-kind",
                            format!("kind `{}` is declared twice", k.name.node),
                            loc(*file, k.name.span),
                            "declared again here",
                        )
                        .with_label(first, "first declared here")
                        .with_help("remove one of the two declarations"),
                    );
                    continue;
                }
                if VALUE_TYPES.contains(&&*k.name.node) {
                    self.error(
                        RuleDiagnostic::new(
                            "rules::reserved-name",
                            format!("`{}` is a value type and cannot be a kind", k.name.node),
                            loc(*file, k.name.span),
                            "reserved",
                        )
                        .with_help("choose another name"),
                    );
                    continue;
                }
                let id = KindId(self.kinds.len() as u32);
                self.kinds.push(Kind {
                    name: (&*k.name.node).into(),
                    parent: None,
                    loc: loc(*file, k.span),
                });
                self.kind_index.insert((&*k.name.node).into(), id);
                if let Some(parent) = &k.parent {
                    parents.push((id, *file, parent.clone()));
                }
            }
        }
        for (id, file, parent) in parents {
            if let Some(p) = self.resolve_kind(file, &parent, "the parent kind") {
                self.kinds[id.index()].parent = Some(p);
                if is_a(&self.kinds, p, id) {
                    self.kinds[id.index()].parent = None;
                    self.error(
                        RuleDiagnostic::new(
                            "rules::kind-cycle",
                            format!(
                                "kind `{}` ends up refining itself",
                                self.kinds[id.index()].name
                            ),
                            loc(file, parent.span),
                            "this makes a cycle",
                        )
                        .with_help("a kind's `is` chain must end at a kind with no parent"),
                    );
                }
            }
        }
    }

    fn declare_relations(&mut self, files: &[(FileId, ast::RuleFile<'_>)]) {
        for (file, rf) in files {
            for st in &rf.statements {
                let Statement::Relation(r) = st else { continue };
                let file = *file;
                if let Some(&existing) = self.relation_index.get(&*r.name.node) {
                    let first = self.relations[existing.index()].loc;
                    self.error(
                        RuleDiagnostic::new(
                            "rules::duplicate-relation",
                            format!("relation `{}` is declared twice", r.name.node),
                            loc(file, r.name.span),
                            "declared again here",
                        )
                        .with_label(first, "first declared here")
                        .with_help("remove one of the two declarations"),
                    );
                    continue;
                }
                let subject = self.resolve_kind(file, &r.subject, "the subject kind");
                let value = match &*r.value.node {
                    "date" => Some(ValueType::Date),
                    "number" => Some(ValueType::Number),
                    "string" => Some(ValueType::Text),
                    _ => self
                        .resolve_kind(file, &r.value, "the value type")
                        .map(ValueType::Entity),
                };
                let mut relation = Relation {
                    name: (&*r.name.node).into(),
                    subject: subject.unwrap_or(KindId(0)),
                    value: value.unwrap_or(ValueType::Text),
                    cardinality: Cardinality::Many,
                    transitive: false,
                    cues: Vec::new(),
                    tolerance: None,
                    severity: None,
                    loc: loc(file, r.span),
                };
                for m in &r.modifiers {
                    let clash = |this: &str, other: &str| {
                        RuleDiagnostic::new(
                            "rules::relation-modifier",
                            format!(
                                "`{this}` contradicts `{other}` on relation `{}`",
                                r.name.node
                            ),
                            loc(file, m.span),
                            "contradicting modifier",
                        )
                        .with_help("keep one of `one` and `one at a time`")
                    };
                    match &m.node {
                        RelationModifier::One => {
                            if relation.cardinality == Cardinality::OneAtATime {
                                self.error(clash("one", "one at a time"));
                            }
                            relation.cardinality = Cardinality::One;
                        }
                        RelationModifier::OneAtATime => {
                            if relation.cardinality == Cardinality::One {
                                self.error(clash("one at a time", "one"));
                            }
                            relation.cardinality = Cardinality::OneAtATime;
                        }
                        RelationModifier::Transitive => {
                            let fits = matches!((subject, relation.value), (Some(s), ValueType::Entity(v)) if is_a(&self.kinds, s, v) || is_a(&self.kinds, v, s));
                            if !fits && subject.is_some() && value.is_some() {
                                self.error(
                                    RuleDiagnostic::new(
                                        "rules::relation-modifier",
                                        format!("relation `{}` cannot be transitive", r.name.node),
                                        loc(file, m.span),
                                        "not possible here",
                                    )
                                    .with_help("a transitive relation links entities of one kind family, like `in: place -> place`"),
                                );
                            }
                            relation.transitive = true;
                        }
                        RelationModifier::Cue(cues) => {
                            relation.cues.extend(cues.iter().map(|c| (&*c.node).into()));
                        }
                        RelationModifier::Tolerance { amount, percent } => {
                            if relation.value != ValueType::Number && value.is_some() {
                                self.error(
                                    RuleDiagnostic::new(
                                        "rules::relation-modifier",
                                        format!("`tolerance` needs a number relation, and `{}` takes {}", r.name.node, r.value.node),
                                        loc(file, m.span),
                                        "only for `number` values",
                                    )
                                    .with_help("remove `tolerance`, or declare the relation `-> number`"),
                                );
                            }
                            relation.tolerance = Some(Tolerance {
                                amount: *amount,
                                percent: *percent,
                            });
                        }
                        RelationModifier::Severity(s) => {
                            relation.severity = Some(match s {
                                SeverityName::Error => Severity::Error,
                                SeverityName::Warning => Severity::Warning,
                                SeverityName::Note => Severity::Note,
                            });
                        }
                    }
                }
                if subject.is_none() || value.is_none() {
                    self.failed_relations.insert(r.name.node.to_string());
                    continue;
                }
                let id = RelationId(self.relations.len() as u32);
                self.relation_index.insert(relation.name.clone(), id);
                self.relations.push(relation);
            }
        }
    }

    fn declare_entities(&mut self, files: &[(FileId, ast::RuleFile<'_>)]) {
        let decls: Vec<(FileId, &ast::EntityDecl<'_>)> = files
            .iter()
            .flat_map(|(file, rf)| {
                rf.statements.iter().filter_map(move |st| match st {
                    Statement::Entity(e) => Some((*file, e)),
                    _ => None,
                })
            })
            .collect();
        // Room for every entity and name up front (no rehashing), and the name keys of
        // every declaration computed in parallel (rayon): a flat list, each declaration's
        // name then its aliases.
        let names: usize = decls.iter().map(|(_, e)| 1 + e.aliases.len()).sum();
        self.entities.reserve(decls.len());
        let bytes: usize = decls
            .iter()
            .map(|(_, e)| e.name.node.len() + e.aliases.iter().map(|a| a.node.len()).sum::<usize>())
            .sum();
        self.names.reserve(names, bytes);
        let keys: Vec<String> = if decls.len() < PARALLEL_FACTS {
            decls.iter().flat_map(|(_, e)| entity_keys(e)).collect()
        } else {
            decls
                .par_iter()
                .flat_map_iter(|(_, e)| entity_keys(e))
                .collect()
        };
        let mut keys = keys.into_iter();
        // the kind of the declaration before, which most declarations repeat
        let mut last_kind: Option<(&str, KindId)> = None;
        for (file, e) in decls {
            let key = keys.next().unwrap_or_default();
            let mut alias_keys: Vec<String> = keys.by_ref().take(e.aliases.len()).collect();
            {
                let kind = match last_kind {
                    Some((name, kind)) if name == &*e.kind.node => Some(kind),
                    _ => self.resolve_kind(file, &e.kind, "an entity kind"),
                };
                let Some(kind) = kind else {
                    self.poisoned.insert(key);
                    continue;
                };
                last_kind = Some((&e.kind.node, kind));
                if e.name.node.trim().is_empty() {
                    self.error(
                        RuleDiagnostic::new(
                            "rules::empty-name",
                            "an entity needs a name",
                            loc(file, e.name.span),
                            "empty name",
                        )
                        .with_help("write the name between the quotes"),
                    );
                    continue;
                }
                // one hash of the key for the look-up and the insertion
                let hash = NameIndex::hash(&key);
                if let Some((first_entity, first)) = self.owner(&key, hash, kind) {
                    let was_alias = name_key(&self.entities[first_entity.index()].name) != key;
                    let (message, help) = if was_alias {
                        (
                            format!(
                                "\"{}\" is already an alias of another {}",
                                e.name.node, e.kind.node
                            ),
                            "one name cannot be two entities of the same kind: drop the alias or rename one entity",
                        )
                    } else {
                        (
                            format!("{} \"{}\" is declared twice", e.kind.node, e.name.node),
                            "declare an entity once, and add facts to it with indented lines or `\"Name\" RELATION ...` lines",
                        )
                    };
                    self.error(
                        RuleDiagnostic::new(
                            "rules::duplicate-entity",
                            message,
                            loc(file, e.name.span),
                            "declared again here",
                        )
                        .with_label(first, "first declared here")
                        .with_help(help),
                    );
                    self.poisoned.insert(key);
                    continue;
                }
                let id = EntityId(self.entities.len() as u32);
                self.names.insert_hashed(&key, hash, id);
                self.entities.push(Entity {
                    name: (&*e.name.node).into(),
                    kind,
                    aliases: Vec::with_capacity(e.aliases.len()),
                    one_holder_at_a_time: e.one_holder_at_a_time.is_some(),
                    loc: loc(file, e.span),
                    name_loc: loc(file, e.name.span),
                });
                for (alias, alias_key) in e.aliases.iter().zip(alias_keys.drain(..)) {
                    let hash = NameIndex::hash(&alias_key);
                    if let Some((owner, first)) = self.owner(&alias_key, hash, kind) {
                        if owner != id {
                            self.error(
                                RuleDiagnostic::new(
                                    "rules::duplicate-alias",
                                    format!(
                                        "alias \"{}\" of \"{}\" is already a name of \"{}\", another {}",
                                        alias.node, e.name.node, self.entities[owner.index()].name, e.kind.node
                                    ),
                                    loc(file, alias.span),
                                    "claimed again here",
                                )
                                .with_label(first, "first claimed here")
                                .with_help("a name may belong to one entity of each kind: remove the alias from one of them"),
                            );
                        }
                        continue;
                    }
                    self.names.insert_hashed(&alias_key, hash, id);
                    self.entities[id.index()].aliases.push(Alias {
                        text: (&*alias.node).into(),
                        loc: loc(file, alias.span),
                    });
                }
            }
        }
    }

    /// The entity of exactly `kind` that already has the name `key`, and where it got it.
    fn owner(&self, key: &str, hash: u64, kind: KindId) -> Option<(EntityId, Loc)> {
        let id = *self
            .names
            .get_hashed(key, hash)
            .iter()
            .find(|e| self.entities[e.index()].kind == kind)?;
        let entity = &self.entities[id.index()];
        // the written name that has this key (only computed when there is a clash)
        let at = std::iter::once((&*entity.name, entity.name_loc))
            .chain(entity.aliases.iter().map(|a| (&*a.text, a.loc)))
            .find(|(text, _)| name_key(text) == key)
            .map_or(entity.name_loc, |(_, at)| at);
        Some((id, at))
    }

    /// Resolves a name written in a rule to an entity, preferring entities of `kind`.
    /// Reports unknown and ambiguous names; returns `None` after reporting (or silently, for
    /// a name whose own declaration already failed).
    fn resolve_entity<'a>(
        &self,
        sink: &mut Sink<'a>,
        file: FileId,
        name: &'a str,
        span: Span,
        kind: Option<KindId>,
        role: &str,
    ) -> Option<EntityId> {
        if let Some(&id) = sink.resolved.get(&(name, kind)) {
            return Some(id);
        }
        // the common case, one entity of a fitting kind, without allocating
        let mut buffer = std::mem::take(&mut sink.buffer);
        crate::text::name_key_into(name, &mut buffer);
        let found = self.names.get(&buffer);
        let key = if let [one] = found
            && kind.is_none_or(|k| is_a(&self.kinds, self.entities[one.index()].kind, k))
        {
            let one = *one;
            sink.buffer = buffer;
            sink.resolved.insert((name, kind), one);
            return Some(one);
        } else {
            buffer
        };
        let found = self.names.get(&key);
        let fitting: Vec<EntityId> = match kind {
            Some(k) => found
                .iter()
                .copied()
                .filter(|&e| is_a(&self.kinds, self.entities[e.index()].kind, k))
                .collect(),
            None => found.to_vec(),
        };
        match (fitting.as_slice(), found) {
            ([one], _) => Some(*one),
            // No entity of the wanted kind, but one of another kind: the caller's kind check
            // reports the mismatch with both kinds named.
            ([], [one]) => Some(*one),
            ([], []) => {
                if self.poisoned.contains(&key) {
                    return None;
                }
                let suggestion = self.suggest_entity(name, kind);
                let declare = kind.map_or_else(
                    || "KIND".to_string(),
                    |k| self.kinds[k.index()].name.to_string(),
                );
                let help = match suggestion {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None => format!("declare it first, for example `{declare} \"{name}\"`"),
                };
                sink.errors.push(
                    RuleDiagnostic::new(
                        "rules::unknown-entity",
                        format!("unknown entity \"{name}\""),
                        loc(file, span),
                        format!("not declared ({role})"),
                    )
                    .with_help(help),
                );
                None
            }
            (many, _) => {
                let options = if many.is_empty() { found } else { many };
                let described: Vec<String> = options
                    .iter()
                    .map(|&e| {
                        let ent = &self.entities[e.index()];
                        format!("\"{}\" ({})", ent.name, self.kinds[ent.kind.index()].name)
                    })
                    .collect();
                sink.errors.push(
                    RuleDiagnostic::new(
                        "rules::ambiguous-name",
                        format!("\"{name}\" could mean {}", described.join(" or ")),
                        loc(file, span),
                        "ambiguous name",
                    )
                    .with_help("use the canonical name of the entity you mean"),
                );
                None
            }
        }
    }

    fn suggest_entity(&self, name: &str, kind: Option<KindId>) -> Option<String> {
        let candidates = self
            .entities
            .iter()
            .filter(|e| kind.is_none_or(|k| is_a(&self.kinds, e.kind, k)))
            .flat_map(|e| e.names());
        closest(name, candidates).map(str::to_owned)
    }

    fn add_facts(&mut self, files: &[(FileId, ast::RuleFile<'_>)]) {
        // The work: (file, subject (declared, or a name to resolve), subject span, clause),
        // in rule-file order. Entity ids follow declaration order, skipping failed
        // declarations: walk them in step.
        let mut work: Vec<(FileId, Subject<'_>, Span, &ast::FactClause)> = Vec::new();
        let mut next_entity = 0usize;
        for (file, rf) in files {
            let file = *file;
            for st in &rf.statements {
                match st {
                    Statement::Entity(e) => {
                        let declared = self
                            .entities
                            .get(next_entity)
                            .is_some_and(|ent| ent.loc == loc(file, e.span));
                        if !declared {
                            continue;
                        }
                        let subject = EntityId(next_entity as u32);
                        next_entity += 1;
                        for clause in &e.clauses {
                            work.push((file, Subject::Declared(subject), e.name.span, clause));
                        }
                    }
                    Statement::Fact(f) => work.push((
                        file,
                        Subject::Named(&f.subject.node),
                        f.subject.span,
                        &f.clause,
                    )),
                    _ => {}
                }
            }
        }
        // Facts resolve independently: large rule sets are resolved on rayon's pool, in
        // contiguous chunks whose results are collected in order.
        let resolve = |part: &[(FileId, Subject<'_>, Span, &ast::FactClause<'_>)]| {
            let mut sink = Sink {
                facts: Vec::with_capacity(part.len()),
                ..Sink::default()
            };
            for &(file, subject, span, clause) in part {
                self.add_fact_from(&mut sink, file, subject, span, clause);
            }
            (sink.facts, sink.errors)
        };
        let parts: Vec<(Vec<Fact>, Vec<RuleDiagnostic>)> = if work.len() < PARALLEL_FACTS {
            vec![resolve(&work)]
        } else {
            let chunk = work.len().div_ceil(rayon::current_num_threads()).max(1);
            work.par_chunks(chunk).map(resolve).collect()
        };
        self.facts
            .reserve(parts.iter().map(|(facts, _)| facts.len()).sum());
        for (facts, errors) in parts {
            self.facts.extend(facts);
            self.diagnostics.extend(errors);
        }
    }

    fn add_fact_from<'a>(
        &self,
        sink: &mut Sink<'a>,
        file: FileId,
        subject: Subject<'a>,
        span: Span,
        clause: &'a ast::FactClause<'_>,
    ) {
        let subject = match subject {
            Subject::Declared(id) => id,
            Subject::Named(name) => {
                // the relation's subject kind picks among entities that share the name
                let wanted = self
                    .relation_index
                    .get(&*clause.relation.node)
                    .map(|&r| self.relations[r.index()].subject);
                match self.resolve_entity(sink, file, name, span, wanted, "the subject") {
                    Some(id) => id,
                    None => return,
                }
            }
        };
        self.add_fact(sink, file, subject, span, clause);
    }

    fn add_fact<'a>(
        &self,
        sink: &mut Sink<'a>,
        file: FileId,
        subject: EntityId,
        subject_span: Span,
        clause: &'a ast::FactClause<'_>,
    ) {
        let Some(&relation_id) = self.relation_index.get(&*clause.relation.node) else {
            if self.failed_relations.contains(&*clause.relation.node) {
                return;
            }
            let suggestion = closest(
                &clause.relation.node,
                self.relations.iter().map(|r| &*r.name),
            )
            .map(str::to_owned);
            let help = match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "declare it with `relation {}: KIND -> TYPE`; known relations: {}",
                    clause.relation.node,
                    self.relations
                        .iter()
                        .map(|r| &*r.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            sink.errors.push(
                RuleDiagnostic::new(
                    "rules::unknown-relation",
                    format!("unknown relation `{}`", clause.relation.node),
                    loc(file, clause.relation.span),
                    "not a declared relation",
                )
                .with_help(help),
            );
            return;
        };
        let relation = &self.relations[relation_id.index()];
        let subject_entity = &self.entities[subject.index()];
        if !is_a(&self.kinds, subject_entity.kind, relation.subject) {
            let wanted = self.kinds[relation.subject.index()].name.clone();
            let actual = self.kinds[subject_entity.kind.index()].name.clone();
            let message = format!(
                "`{}` needs a {wanted} as its subject, but \"{}\" is a {actual}",
                relation.name, subject_entity.name
            );
            let signature = self.signature(relation_id);
            sink.errors.push(
                RuleDiagnostic::new("rules::kind-mismatch", message, loc(file, clause.relation.span), format!("wants a {wanted}"))
                    .with_label(loc(file, subject_span), format!("this is a {actual}"))
                    .with_help(format!("the relation is declared `{signature}`: give it a {wanted}, or use another relation")),
            );
            return;
        }
        let value = match self.fact_value(sink, file, relation_id, &clause.value) {
            Some(v) => v,
            None => return,
        };
        if matches!(self.relations[relation_id.index()].value, ValueType::Date)
            && let Some(on) = &clause.validity.on
        {
            sink.errors.push(
                RuleDiagnostic::new(
                    "rules::value-type",
                    format!(
                        "`{}` already takes a date; a second date with `on` is ambiguous",
                        clause.relation.node
                    ),
                    loc(file, on.span),
                    "second date",
                )
                .with_help("give the date once, as the value"),
            );
            return;
        }
        let validity = Validity {
            from: clause.validity.from.as_ref().map(|d| d.node),
            until: clause.validity.until.as_ref().map(|d| d.node),
            on: clause.validity.on.as_ref().map(|d| d.node),
        };
        if validity.is_inverted() {
            let from = clause
                .validity
                .from
                .as_ref()
                .map_or(clause.span, |d| d.span);
            let until = clause
                .validity
                .until
                .as_ref()
                .map_or(clause.span, |d| d.span);
            sink.errors.push(
                RuleDiagnostic::new(
                    "rules::inverted-interval",
                    "this fact ends before it starts",
                    loc(file, until),
                    "`until` is before `from`",
                )
                .with_label(loc(file, from), "`from` is here")
                .with_help("swap the dates, or correct one of them"),
            );
            return;
        }
        sink.facts.push(Fact {
            subject,
            relation: relation_id,
            value,
            validity,
            negated: clause.negated,
            loc: loc(file, clause.span),
        });
    }

    /// `holds: person -> title`, as a relation was declared.
    fn signature(&self, relation: RelationId) -> String {
        let r = &self.relations[relation.index()];
        let value = match r.value {
            ValueType::Entity(k) => &*self.kinds[k.index()].name,
            ValueType::Date => "date",
            ValueType::Number => "number",
            ValueType::Text => "string",
        };
        format!(
            "{}: {} -> {value}",
            r.name,
            self.kinds[r.subject.index()].name
        )
    }

    fn fact_value<'a>(
        &self,
        sink: &mut Sink<'a>,
        file: FileId,
        relation_id: RelationId,
        value: &'a ast::Spanned<Value<'_>>,
    ) -> Option<FactValue> {
        let relation = &self.relations[relation_id.index()];
        let value_type = relation.value;
        // the name is only needed for error messages: borrowed lazily
        let relations = &self.relations;
        let type_error = |wanted: &str, example: &str| {
            let name = &relations[relation_id.index()].name;
            RuleDiagnostic::new(
                "rules::value-type",
                format!("`{name}` takes {wanted}"),
                loc(file, value.span),
                format!("expected {wanted}"),
            )
            .with_help(format!("for example `{name} {example}`"))
        };
        match (value_type, &value.node) {
            (ValueType::Entity(kind), Value::Str(s)) => {
                let id = self.resolve_entity(sink, file, s, value.span, Some(kind), "the value")?;
                let actual = self.entities[id.index()].kind;
                if !is_a(&self.kinds, actual, kind) {
                    let wanted = &self.kinds[kind.index()].name;
                    let actual_name = &self.kinds[actual.index()].name;
                    let name = &self.relations[relation_id.index()].name;
                    let d = RuleDiagnostic::new(
                        "rules::kind-mismatch",
                        format!(
                            "`{name}` needs a {wanted} as its value, but \"{s}\" is a {actual_name}"
                        ),
                        loc(file, value.span),
                        format!("this is a {actual_name}"),
                    )
                    .with_label(self.entities[id.index()].loc, "declared here")
                    .with_help(format!("name a {wanted} here"));
                    sink.errors.push(d);
                    return None;
                }
                Some(FactValue::Entity(id))
            }
            (ValueType::Entity(kind), _) => {
                let wanted = format!("a {} (a quoted name)", self.kinds[kind.index()].name);
                sink.errors.push(type_error(&wanted, "\"Name\""));
                None
            }
            (ValueType::Date, Value::Date(d)) => Some(FactValue::Date(*d)),
            (ValueType::Date, _) => {
                sink.errors.push(type_error("a date", "2025-02-18"));
                None
            }
            (ValueType::Number, Value::Number(n)) => Some(FactValue::Number(*n)),
            (ValueType::Number, Value::Date(d))
                if d.precision() == crate::kb::time::Precision::Year =>
            {
                Some(FactValue::Number(f64::from(d.year_number())))
            }
            (ValueType::Number, _) => {
                sink.errors.push(type_error("a number", "42"));
                None
            }
            (ValueType::Text, Value::Str(s)) => Some(FactValue::Text((&**s).into())),
            (ValueType::Text, _) => {
                sink.errors.push(type_error("a quoted string", "\"text\""));
                None
            }
        }
    }

    /// The contradictions among the facts: two holders of a `one holder at a time` entity
    /// at once, two values of a `one` (or `one at a time`) relation, a fact both asserted
    /// and denied.
    fn contradictions(&self) -> Vec<RuleDiagnostic> {
        let mut found = Vec::new();
        // One holder at a time: the facts whose value is such an entity, by value.
        // Keys packed into integers (value << 32 | fact; subject << 64 | relation << 32 |
        // fact), sorted, then cut into groups: no map, no allocation per key.
        let mut holders: Vec<u64> = Vec::new();
        // `one` / `one at a time` relations: the facts by subject and relation.
        let mut per_subject: Vec<u128> = Vec::new();
        for (i, f) in self.facts.iter().enumerate() {
            if f.negated {
                continue;
            }
            if let FactValue::Entity(v) = f.value
                && self.entities[v.index()].one_holder_at_a_time
            {
                holders.push((u64::from(v.0) << 32) | i as u64);
            }
            if self.relations[f.relation.index()].cardinality != Cardinality::Many {
                per_subject.push(
                    (u128::from(f.subject.0) << 64) | (u128::from(f.relation.0) << 32) | i as u128,
                );
            }
        }
        holders.sort_unstable();
        per_subject.sort_unstable();
        let fact_of = |k: u64| (k & u64::from(u32::MAX)) as usize;
        let holder_groups = holders.chunk_by(|a, b| a >> 32 == b >> 32).map(|g| {
            (
                EntityId((g[0] >> 32) as u32),
                g.iter().map(|&k| fact_of(k)).collect::<Vec<usize>>(),
            )
        });
        for (title, facts) in holder_groups {
            // Sweep by start: each term is compared with the earlier term that reaches
            // furthest, so a title with thousands of holders costs n log n, not n².
            let mut terms: Vec<(jiff::civil::Date, jiff::civil::Date, usize)> = facts
                .iter()
                .filter_map(|&i| {
                    self.facts[i]
                        .validity
                        .certain_days()
                        .map(|(first, last)| (first, last, i))
                })
                .collect();
            terms.sort();
            let mut reach: Option<(jiff::civil::Date, usize)> = None;
            for (first, last, b) in terms {
                if let Some((reach_last, a)) = reach
                    && first <= reach_last
                    && self.facts[a].subject != self.facts[b].subject
                {
                    let (fa, fb) = (&self.facts[a], &self.facts[b]);
                    let title_name = &self.entities[title.index()].name;
                    found.push(
                        RuleDiagnostic::new(
                            "rules::conflicting-holders",
                            format!(
                                "\"{title_name}\" has one holder at a time, but \"{}\" and \"{}\" hold it over overlapping periods",
                                self.entities[fa.subject.index()].name,
                                self.entities[fb.subject.index()].name
                            ),
                            fb.loc,
                            format!("{} {}", self.entities[fb.subject.index()].name, describe_validity(&fb.validity)),
                        )
                        .with_label(fa.loc, format!("{} {}", self.entities[fa.subject.index()].name, describe_validity(&fa.validity)))
                        .with_help("correct the dates so that one term ends (`until`) when the next begins (`from`)"),
                    );
                }
                if reach.is_none_or(|(reach_last, _)| last > reach_last) {
                    reach = Some((last, b));
                }
            }
        }
        let subject_groups = per_subject
            .chunk_by(|a, b| a >> 32 == b >> 32)
            .filter(|g| g.len() > 1)
            .map(|g| {
                let (subject, relation) = ((g[0] >> 64) as u32, (g[0] >> 32) as u32);
                (
                    (EntityId(subject), RelationId(relation)),
                    g.iter()
                        .map(|&k| (k & u128::from(u32::MAX)) as usize)
                        .collect::<Vec<usize>>(),
                )
            });
        for ((subject, relation), facts) in subject_groups {
            let rel = &self.relations[relation.index()];
            for (n, &a) in facts.iter().enumerate() {
                for &b in &facts[n + 1..] {
                    let (fa, fb) = (&self.facts[a], &self.facts[b]);
                    if values_agree(rel, &fa.value, &fb.value) {
                        continue;
                    }
                    let overlapping = rel.cardinality == Cardinality::One
                        || fa.validity.certainly_overlaps(&fb.validity);
                    if overlapping {
                        let how = if rel.cardinality == Cardinality::One {
                            "one value"
                        } else {
                            "one value at a time"
                        };
                        found.push(
                            RuleDiagnostic::new(
                                "rules::conflicting-values",
                                format!(
                                    "`{}` has {how}, but \"{}\" is given two",
                                    rel.name,
                                    self.entities[subject.index()].name
                                ),
                                fb.loc,
                                "this value",
                            )
                            .with_label(fa.loc, "contradicts this one")
                            .with_help("keep the value the public record supports"),
                        );
                    }
                }
            }
        }
        // A fact both asserted and denied. `not` facts are few: index them, scan the rest.
        let denied: FxHashMap<(EntityId, RelationId, ValueKey), Loc> = self
            .facts
            .iter()
            .filter(|f| f.negated)
            .map(|f| ((f.subject, f.relation, value_key(&f.value)), f.loc))
            .collect();
        if !denied.is_empty() {
            // Only a fact whose subject and relation some `not` fact has can be denied: that
            // test is cheap, the value's key (a name key for a text) is not.
            let pairs: FxHashSet<(EntityId, RelationId)> =
                denied.keys().map(|(s, r, _)| (*s, *r)).collect();
            let mut relations = vec![false; self.relations.len()];
            for (_, r) in &pairs {
                if let Some(flag) = relations.get_mut(r.index()) {
                    *flag = true;
                }
            }
            let may_be_denied = |f: &Fact| {
                !f.negated
                    && relations.get(f.relation.index()) == Some(&true)
                    && pairs.contains(&(f.subject, f.relation))
            };
            for f in self.facts.iter().filter(|f| may_be_denied(f)) {
                if let Some(&denied_at) = denied.get(&(f.subject, f.relation, value_key(&f.value)))
                {
                    found.push(
                        RuleDiagnostic::new(
                            "rules::contradiction",
                            "the rules both deny and assert this fact",
                            denied_at,
                            "denied here",
                        )
                        .with_label(f.loc, "asserted here")
                        .with_help("remove the `not` line or the fact it denies"),
                    );
                }
            }
        }
        found
    }

    /// For each transitive relation, every entity reachable from each subject, and the
    /// diagnostics of the cycles found.
    fn close_transitive_relations(&self) -> (Vec<Closure>, Vec<RuleDiagnostic>) {
        let mut closures = Vec::new();
        let mut cycles = Vec::new();
        let entities = self.entities.len();
        for (r, relation) in self.relations.iter().enumerate() {
            if !relation.transitive {
                continue;
            }
            let relation_id = RelationId(r as u32);
            // the edges, grouped by subject in fact order (a counting sort)
            let mut edge_starts = vec![0u32; entities + 1];
            let is_edge = |f: &Fact| f.relation == relation_id && !f.negated;
            for f in &self.facts {
                if is_edge(f) && matches!(f.value, FactValue::Entity(_)) {
                    edge_starts[f.subject.index() + 1] += 1;
                }
            }
            for i in 1..edge_starts.len() {
                edge_starts[i] += edge_starts[i - 1];
            }
            let mut next = edge_starts.clone();
            let mut edges = vec![(EntityId(0), 0usize); edge_starts[entities] as usize];
            for (i, f) in self.facts.iter().enumerate() {
                if is_edge(f)
                    && let FactValue::Entity(v) = f.value
                {
                    let at = &mut next[f.subject.index()];
                    edges[*at as usize] = (v, i);
                    *at += 1;
                }
            }
            let edges_of = |e: EntityId| {
                let i = e.index();
                &edges[edge_starts[i] as usize..edge_starts[i + 1] as usize]
            };
            let mut closure = Closure {
                relation: relation_id,
                starts: Vec::with_capacity(entities + 1),
                reached: Vec::new(),
            };
            closure.starts.push(0);
            // entities already shown in a reported cycle: each cycle is reported once
            let mut in_reported_cycle: FxHashSet<EntityId> = FxHashSet::default();
            // Breadth-first from each subject, nearest first; `parent` remembers how each
            // entity was reached (the fact and the entity before it), to show a cycle. The
            // reached entities are appended to the closure, which is the queue.
            let mut parent: FxHashMap<EntityId, (EntityId, usize)> = FxHashMap::default();
            for s in 0..entities {
                let start = EntityId(s as u32);
                let first = closure.reached.len();
                if edges_of(start).is_empty() {
                    closure.starts.push(first as u32);
                    continue;
                }
                parent.clear();
                let mut cycle: Option<(EntityId, usize)> = None;
                let mut at = first;
                let mut node = start;
                loop {
                    for &(next, fact) in edges_of(node) {
                        if next == start {
                            cycle.get_or_insert((node, fact));
                            continue;
                        }
                        if let std::collections::hash_map::Entry::Vacant(slot) = parent.entry(next)
                        {
                            slot.insert((node, fact));
                            closure.reached.push(next);
                        }
                    }
                    let Some(&queued) = closure.reached.get(at) else {
                        break;
                    };
                    node = queued;
                    at += 1;
                }
                closure.starts.push(closure.reached.len() as u32);
                if let Some((last, closing)) = cycle
                    && !in_reported_cycle.contains(&start)
                {
                    // walk back from the closing edge to `start`
                    let mut path = vec![closing];
                    let mut members = vec![start, last];
                    let mut at = last;
                    while at != start {
                        let Some(&(prev, fact)) = parent.get(&at) else {
                            break;
                        };
                        path.push(fact);
                        members.push(prev);
                        at = prev;
                    }
                    in_reported_cycle.extend(members);
                    let name = &self.entities[start.index()].name;
                    let mut d = RuleDiagnostic::new(
                        "rules::cycle",
                        format!("`{}` leads from \"{name}\" back to itself", relation.name),
                        self.facts[closing].loc,
                        "this closes the cycle",
                    )
                    .with_help(format!(
                        "a transitive relation such as `{}` cannot loop: remove one of the facts in the cycle",
                        relation.name
                    ));
                    for &fact in path.iter().skip(1).rev() {
                        d = d.with_label(self.facts[fact].loc, "part of the cycle");
                    }
                    cycles.push(d);
                }
            }
            closures.push(closure);
        }
        (closures, cycles)
    }

    fn finish(self, sources: SourceMap, closures: Vec<Closure>) -> KnowledgeBase {
        // Facts grouped by subject with a counting sort over indices (subjects are dense
        // ids), then by relation within each subject, `not` facts last; all stable, so
        // facts about one subject and relation keep their rule-file order. The facts
        // themselves move once, by an in-place permutation.
        let mut facts = self.facts;
        let group = |f: &Fact| {
            if f.negated {
                self.entities.len()
            } else {
                f.subject.index()
            }
        };
        let mut next = vec![0u32; self.entities.len() + 2];
        for f in &facts {
            next[group(f) + 1] += 1;
        }
        for i in 1..next.len() {
            next[i] += next[i - 1];
        }
        let starts = next.clone();
        let mut order = vec![0u32; facts.len()];
        for (old, f) in facts.iter().enumerate() {
            let at = &mut next[group(f)];
            order[*at as usize] = old as u32;
            *at += 1;
        }
        for w in starts.windows(2) {
            let range = w[0] as usize..w[1] as usize;
            if range.len() > 1 {
                order[range].sort_by_key(|&old| {
                    let f = &facts[old as usize];
                    (f.subject, f.relation)
                });
            }
        }
        permute(&mut facts, order);
        let positive_count = facts.iter().take_while(|f| !f.negated).count();
        // group `entities` holds the `not` facts, so the first `entities + 1` group starts
        // are each subject's range of positive facts
        let mut subject_starts = starts;
        subject_starts.truncate(self.entities.len() + 1);
        // (relation, value) → facts, in rule-file order; the keys are computed once
        // packed into two integers, which compare faster than nested tuples: (relation,
        // value, file, start) and (end, fact)
        let keyed: Vec<(u128, u64)> = facts[..positive_count]
            .iter()
            .enumerate()
            .filter_map(|(i, f)| match f.value {
                FactValue::Entity(v) => Some((
                    (u128::from(f.relation.0) << 96)
                        | (u128::from(v.0) << 64)
                        | (u128::from(f.loc.file.0) << 32)
                        | u128::from(f.loc.span.start),
                    (u64::from(f.loc.span.end) << 32) | i as u64,
                )),
                _ => None,
            })
            .collect();
        let keyed = sort_value_keys(keyed);
        let by_value_order: Vec<FactId> =
            keyed.into_iter().map(|(_, id)| FactId(id as u32)).collect();
        KnowledgeBase {
            sources,
            kinds: self.kinds,
            kind_index: self.kind_index,
            relations: self.relations,
            relation_index: self.relation_index,
            entities: self.entities,
            names: self.names,
            facts,
            positive_count,
            subject_starts,
            by_value_order,
            closures,
            known_quotes: std::sync::OnceLock::new(),
            person_names: std::sync::OnceLock::new(),
            check_index: std::sync::OnceLock::new(),
        }
    }
}

fn values_agree(relation: &Relation, a: &FactValue, b: &FactValue) -> bool {
    match (a, b) {
        (FactValue::Date(x), FactValue::Date(y)) => x.agrees_with(*y),
        (FactValue::Number(x), FactValue::Number(y)) => match relation.tolerance {
            Some(t) => t.accepts(*x, *y),
            None => x == y,
        },
        _ => a == b,
    }
}

/// A fact's value as a hashable key, for matching `not` facts against asserted ones.
#[derive(PartialEq, Eq, Hash)]
enum ValueKey {
    Entity(EntityId),
    Date(crate::kb::time::FactDate),
    Number(u64),
    Text(String),
}

fn value_key(value: &FactValue) -> ValueKey {
    match value {
        FactValue::Entity(e) => ValueKey::Entity(*e),
        FactValue::Date(d) => ValueKey::Date(*d),
        FactValue::Number(n) => ValueKey::Number(n.to_bits()),
        FactValue::Text(t) => ValueKey::Text(name_key(t)),
    }
}

fn describe_validity(validity: &Validity) -> String {
    if validity.is_always() {
        "with no dates".into()
    } else {
        validity.to_string()
    }
}

/// `keyed` (as `finish` packs them: relation in the top 32 bits of the first integer, value
/// in the next 32, then the fact's position; all keys distinct) sorted, as `sort_unstable`
/// would: two stable counting sorts (by value, then by relation) group the keys by
/// (relation, value), and only each group, a few facts, is sorted by the whole key. A
/// comparison sort of the 200,000 entity-valued facts of a large rule set takes hundreds of
/// instructions per fact.
fn sort_value_keys(keyed: Vec<(u128, u64)>) -> Vec<(u128, u64)> {
    let relation = |k: &(u128, u64)| (k.0 >> 96) as usize;
    let value = |k: &(u128, u64)| (k.0 >> 64) as u32 as usize;
    let by_value = crate::kb::counting_sort(keyed, value);
    let mut grouped = crate::kb::counting_sort(by_value, relation);
    for group in grouped.chunk_by_mut(|a, b| a.0 >> 64 == b.0 >> 64) {
        group.sort_unstable();
    }
    grouped
}

/// Reorders `items` so that position `i` holds what was at `order[i]`, in place: each cycle
/// of the permutation is followed once, so every item moves once.
fn permute<T>(items: &mut [T], mut order: Vec<u32>) {
    const DONE: u32 = u32::MAX;
    for start in 0..items.len() {
        if order[start] == DONE {
            continue;
        }
        let mut current = start;
        loop {
            let source = order[current] as usize;
            order[current] = DONE;
            if source == start {
                break;
            }
            items.swap(current, source);
            current = source;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{permute, sort_value_keys};
    use crate::kb::{EntityId, FactValue, KindId, RelationId};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn value_keys_sort_as_by_a_comparison_sort(
            keys in prop::collection::btree_set(
                (0u128..4, 0u128..6, any::<u32>(), any::<u64>()),
                0..300,
            ),
        ) {
            let mut keyed: Vec<(u128, u64)> = keys
                .into_iter()
                .map(|(r, v, pos, end)| ((r << 96) | (v << 64) | u128::from(pos), end))
                .collect();
            // shuffled by a fixed rule (the set came sorted)
            keyed.reverse();
            let half = keyed.len() / 2;
            keyed.rotate_left(half);
            let mut reference = keyed.clone();
            reference.sort_unstable();
            prop_assert_eq!(sort_value_keys(keyed), reference);
        }

        #[test]
        fn remembered_names_resolve_as_the_name_index_resolves_them(
            // few names, each written in several ways and named again and again; a city and
            // a country share each name, so the wanted kind decides
            picks in prop::collection::vec((0usize..5, 0usize..3, any::<bool>()), 1..60),
        ) {
            let names = ["Österreich", "Brésil", "Dré Syn", "Plain", "Lyon"];
            let spell = |n: usize, way: usize| match way {
                0 => names[n].to_string(),
                1 => names[n].to_lowercase(),
                _ => names[n].to_uppercase(),
            };
            let mut text = String::new();
            for name in names {
                text.push_str(&format!("country \"{name}\"\ncity \"{name}\"\n"));
            }
            for (i, &(n, way, as_subject)) in picks.iter().enumerate() {
                let name = spell(n, way);
                if as_subject {
                    text.push_str(&format!("org \"Org{i}\"\n\"{name}\" member_of \"Org{i}\"\n"));
                } else {
                    text.push_str(&format!("city \"C{i}\" capital_of \"{name}\"\n"));
                }
            }
            let kb = crate::rules::load_str("test.rules", &text)
                .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let id = |what: &str| {
                let kind = kb.kind_by_name(what);
                let relation = kb.relation_by_name(what);
                kind.map(|k| k.0).or(relation.map(|r| r.0)).unwrap_or(u32::MAX)
            };
            let (country, city, org) = (KindId(id("country")), KindId(id("city")), KindId(id("org")));
            let (member_of, capital_of) = (RelationId(id("member_of")), RelationId(id("capital_of")));
            for (i, &(n, way, as_subject)) in picks.iter().enumerate() {
                // the simple form: the written name looked up in the name index
                let expected = kb.lookup_kind(&spell(n, way), country);
                prop_assert!(expected.is_some());
                let values = |subject: Option<EntityId>, relation| -> Vec<FactValue> {
                    subject.map_or_else(Vec::new, |s| {
                        kb.facts(s, relation).iter().map(|f| f.value.clone()).collect()
                    })
                };
                if as_subject {
                    let org = kb.lookup_kind(&format!("Org{i}"), org);
                    let of_country = values(expected, member_of);
                    prop_assert!(org.is_some_and(|o| of_country.contains(&FactValue::Entity(o))));
                } else {
                    let capital = kb.lookup_kind(&format!("C{i}"), city);
                    let of_capital = values(capital, capital_of);
                    prop_assert_eq!(of_capital, expected.map(FactValue::Entity).into_iter().collect::<Vec<_>>());
                }
            }
        }
    }

    #[test]
    fn permute_moves_each_item_to_its_place() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e'];
        // new[i] = old[order[i]]
        permute(&mut items, vec![3, 0, 4, 1, 2]);
        assert_eq!(items, ['d', 'a', 'e', 'b', 'c']);
        let mut same = vec![1, 2, 3];
        permute(&mut same, vec![0, 1, 2]);
        assert_eq!(same, [1, 2, 3]);
    }
}
