//! The compiled knowledge-base cache: a CI run that has not changed its rules loads the
//! compiled knowledge base from a file instead of parsing and compiling them again.
//!
//! - **Key.** A 128-bit xxh3 hash of the cache format, the build (`CLAIMCHECK_BUILD_ID`,
//!   a hash of the crate's sources and `Cargo.lock` made by `build.rs`, plus the version), and
//!   every rule file that was loaded, in load order: its display name and its whole text,
//!   imports and the embedded defaults included. Any change to any of them is a new key.
//! - **Where.** `DIR/kb-KEY.bin`, with DIR from `--cache-dir`, else `CLAIMCHECK_CACHE_DIR`,
//!   else the user's cache directory (`$XDG_CACHE_HOME/claimcheck` or `~/.cache/claimcheck`
//!   on Linux). The newest [`KEEP`] files are kept.
//! - **Never trusted.** A file starts with a magic string, the format version, the build id,
//!   the key, the payload length and an xxh3 checksum of the payload; a file that is short,
//!   from another build, for another key or fails its checksum is ignored and rewritten. The
//!   decoded knowledge base is then checked: every id and every rule-file span must be in
//!   range, else the cache is ignored too. Files are written to a temporary name and renamed,
//!   so a reader never sees half a file.
//! - **Not cached.** The rule texts themselves (they were just read to compute the key, and
//!   evidence points into them) and the lazily derived indexes.
//!
//! The payload is six postcard sections decoded in parallel: the small tables (kinds,
//! relations), entities, the name index, facts, the fact indexes, and the closure.

use std::io::Write;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::time::{FactDate, Validity};
use super::{
    Alias, Cardinality, Entity, EntityId, Fact, FactId, FactValue, Kind, KindId, KnowledgeBase,
    NameIndex, Relation, RelationId, Tolerance, ValueType,
};
use crate::severity::Severity;
use crate::source::{FileId, Loc, SourceMap};
use crate::span::Span;

const MAGIC: &[u8; 16] = b"claimcheck-kb\0\0\x01";
/// Bump when the payload layout changes.
const FORMAT: u32 = 1;
/// Identifies the build: a cache written by another build is not read.
pub const BUILD_ID: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("CLAIMCHECK_BUILD_ID"));
/// How many cache files are kept in the directory (the newest).
pub const KEEP: usize = 8;
const SECTIONS: usize = 6;

/// A cache directory.
#[derive(Clone, Debug)]
pub struct KbCache {
    dir: PathBuf,
}

/// What the cache did for one load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Loaded from the cache.
    Hit,
    /// Nothing cached for these rules: compiled (and written, unless `write_error`).
    Miss,
    /// A cache file was there but not usable, for this reason: compiled and rewritten.
    Invalid(String),
}

/// The outcome of a cached load, and where the file is.
#[derive(Clone, Debug)]
pub struct CacheReport {
    pub outcome: CacheOutcome,
    pub path: PathBuf,
    /// Why the compiled knowledge base could not be written (a read-only directory ...).
    pub write_error: Option<String>,
}

impl KbCache {
    pub fn new(dir: impl Into<PathBuf>) -> KbCache {
        KbCache { dir: dir.into() }
    }

    /// `CLAIMCHECK_CACHE_DIR`, else the user's cache directory + `claimcheck`.
    pub fn default_dir() -> Option<PathBuf> {
        match std::env::var_os("CLAIMCHECK_CACHE_DIR") {
            Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
            _ => dirs::cache_dir().map(|d| d.join("claimcheck")),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of a set of rule files, in load order.
    pub fn key(sources: &SourceMap, order: &[FileId]) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(MAGIC);
        h.update(&FORMAT.to_le_bytes());
        h.update(BUILD_ID.as_bytes());
        h.update(&(sources.len() as u64).to_le_bytes());
        for (_, file) in sources.iter() {
            for part in [file.name(), file.text()] {
                h.update(&(part.len() as u64).to_le_bytes());
                h.update(part.as_bytes());
            }
        }
        for f in order {
            h.update(&f.0.to_le_bytes());
        }
        h.digest128()
    }

    pub fn path(&self, key: u128) -> PathBuf {
        self.dir.join(format!("kb-{key:032x}.bin"))
    }

    /// The knowledge base cached under `key`, with `sources` as its rule texts. `Ok(None)`
    /// when there is no such file; `Err` when there is one that cannot be trusted.
    pub(crate) fn read(
        &self,
        key: u128,
        sources: &SourceMap,
    ) -> Result<Option<KnowledgeBase>, String> {
        let bytes = match std::fs::read(self.path(key)) {
            Ok(b) => b,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(format!("cannot read: {e}")),
        };
        let payload = check_header(&bytes, key)?;
        decode(payload, sources).map(Some)
    }

    /// Writes `kb` under `key` (atomically), then removes all but the newest [`KEEP`] files.
    pub(crate) fn write(&self, key: u128, kb: &KnowledgeBase) -> Result<(), String> {
        let payload = encode(kb);
        let mut bytes = Vec::with_capacity(payload.len() + 128);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT.to_le_bytes());
        bytes.extend_from_slice(&(BUILD_ID.len() as u32).to_le_bytes());
        bytes.extend_from_slice(BUILD_ID.as_bytes());
        bytes.extend_from_slice(&key.to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        let fail =
            |e: std::io::Error| format!("cannot write the cache in {}: {e}", self.dir.display());
        std::fs::create_dir_all(&self.dir).map_err(fail)?;
        let mut tmp = tempfile::NamedTempFile::with_prefix_in(".kb-", &self.dir).map_err(fail)?;
        tmp.write_all(&bytes).map_err(fail)?;
        tmp.persist(self.path(key)).map_err(|e| fail(e.error))?;
        self.prune(&self.path(key));
        Ok(())
    }

    /// Keeps the newest [`KEEP`] cache files; errors are ignored (another process may be
    /// pruning too).
    fn prune(&self, keep: &Path) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
            .flatten()
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("kb-") && name.ends_with(".bin") && e.path() != keep
            })
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        if files.len() < KEEP {
            return;
        }
        files.sort_by_key(|f| std::cmp::Reverse(f.0));
        for (_, path) in &files[KEEP - 1..] {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The payload of a cache file, if its header is for this build and key and the checksum
/// holds.
fn check_header(bytes: &[u8], key: u128) -> Result<&[u8], String> {
    let prefix = &bytes[..bytes.len().min(MAGIC.len())];
    if !MAGIC.starts_with(prefix) {
        return Err("not a claimcheck cache file".into());
    }
    let mut r = Reader { bytes, at: 0 };
    r.take(MAGIC.len())?;
    let format = u32::from_le_bytes(r.array()?);
    if format != FORMAT {
        return Err(format!("cache format {format}, not {FORMAT}"));
    }
    let len = u32::from_le_bytes(r.array()?) as usize;
    if r.take(len)? != BUILD_ID.as_bytes() {
        return Err("written by another build of claimcheck".into());
    }
    if u128::from_le_bytes(r.array()?) != key {
        return Err("written for other rules".into());
    }
    let len = u64::from_le_bytes(r.array()?);
    let checksum = u128::from_le_bytes(r.array()?);
    let payload = &bytes[r.at..];
    if payload.len() as u64 != len {
        return Err(format!(
            "truncated: {} bytes of payload, {len} expected",
            payload.len()
        ));
    }
    if xxhash_rust::xxh3::xxh3_128(payload) != checksum {
        return Err("checksum mismatch".into());
    }
    Ok(payload)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or("truncated header")?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
}

// ---- the payload ----------------------------------------------------------------------

/// (file, start, end)
type LocRaw = (u32, u32, u32);
type DateRaw = (i16, i8, i8);

#[derive(Serialize, Deserialize)]
struct Head<S> {
    kinds: Vec<(S, Option<u32>, LocRaw)>,
    kind_index: Vec<(S, u32)>,
    relations: Vec<RelationRaw<S>>,
    relation_index: Vec<(S, u32)>,
    entities: u32,
    facts: u32,
    positive_count: u32,
    by_value_order: u32,
}

#[derive(Serialize, Deserialize)]
struct RelationRaw<S> {
    name: S,
    subject: u32,
    /// 0 entity (of kind `value_kind`), 1 date, 2 number, 3 text
    value: u8,
    value_kind: u32,
    /// 0 many, 1 one, 2 one at a time
    cardinality: u8,
    transitive: bool,
    cues: Vec<S>,
    tolerance: Option<(f64, bool)>,
    /// 0 note, 1 warning, 2 error
    severity: Option<u8>,
    loc: LocRaw,
}

#[derive(Serialize, Deserialize)]
struct EntityRaw<S> {
    name: S,
    kind: u32,
    aliases: Vec<(S, LocRaw)>,
    one_holder_at_a_time: bool,
    loc: LocRaw,
    name_loc: LocRaw,
}

#[derive(Serialize, Deserialize)]
enum ValueRaw<S> {
    Entity(u32),
    Date(DateRaw),
    Number(f64),
    Text(S),
}

#[derive(Serialize, Deserialize)]
struct FactRaw<S> {
    subject: u32,
    relation: u32,
    value: ValueRaw<S>,
    from: Option<DateRaw>,
    until: Option<DateRaw>,
    on: Option<DateRaw>,
    negated: bool,
    loc: LocRaw,
}

type NamesRaw<S> = (Vec<(S, u32)>, Vec<(S, Vec<u32>)>);
/// (relation or subject, entity or relation, start, end)
type RangesRaw = Vec<(u32, u32, u32, u32)>;
type ClosureRaw = Vec<(u32, u32, Vec<u32>)>;

fn loc_raw(l: Loc) -> LocRaw {
    (l.file.0, l.span.start, l.span.end)
}

fn date_raw(d: Option<FactDate>) -> Option<DateRaw> {
    d.map(FactDate::raw)
}

fn sorted<K: Ord, V>(mut v: Vec<(K, V)>) -> Vec<(K, V)> {
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    v
}

fn postcard<T: Serialize>(value: &T) -> Vec<u8> {
    // serializing plain data into a Vec cannot fail
    postcard::to_allocvec(value).unwrap_or_default()
}

/// The payload: a count, the section lengths, the sections. Maps are written sorted, so
/// the same knowledge base always gives the same bytes.
fn encode(kb: &KnowledgeBase) -> Vec<u8> {
    let head = Head::<&str> {
        kinds: kb
            .kinds
            .iter()
            .map(|k| (&*k.name, k.parent.map(|p| p.0), loc_raw(k.loc)))
            .collect(),
        kind_index: sorted(kb.kind_index.iter().map(|(k, v)| (&**k, v.0)).collect()),
        relations: kb
            .relations
            .iter()
            .map(|r| {
                let (value, value_kind) = match r.value {
                    ValueType::Entity(k) => (0, k.0),
                    ValueType::Date => (1, 0),
                    ValueType::Number => (2, 0),
                    ValueType::Text => (3, 0),
                };
                RelationRaw {
                    name: &*r.name,
                    subject: r.subject.0,
                    value,
                    value_kind,
                    cardinality: match r.cardinality {
                        Cardinality::Many => 0,
                        Cardinality::One => 1,
                        Cardinality::OneAtATime => 2,
                    },
                    transitive: r.transitive,
                    cues: r.cues.iter().map(|c| &**c).collect(),
                    tolerance: r.tolerance.map(|t| (t.amount, t.percent)),
                    severity: r.severity.map(|s| match s {
                        Severity::Note => 0,
                        Severity::Warning => 1,
                        Severity::Error => 2,
                    }),
                    loc: loc_raw(r.loc),
                }
            })
            .collect(),
        relation_index: sorted(kb.relation_index.iter().map(|(k, v)| (&**k, v.0)).collect()),
        entities: kb.entities.len() as u32,
        facts: kb.facts.len() as u32,
        positive_count: kb.positive_count as u32,
        by_value_order: kb.by_value_order.len() as u32,
    };
    let entities: Vec<EntityRaw<&str>> = kb
        .entities
        .iter()
        .map(|e| EntityRaw {
            name: &*e.name,
            kind: e.kind.0,
            aliases: e
                .aliases
                .iter()
                .map(|a| (&*a.text, loc_raw(a.loc)))
                .collect(),
            one_holder_at_a_time: e.one_holder_at_a_time,
            loc: loc_raw(e.loc),
            name_loc: loc_raw(e.name_loc),
        })
        .collect();
    let names: NamesRaw<&str> = (
        sorted(kb.names.single.iter().map(|(k, v)| (&**k, v.0)).collect()),
        sorted(
            kb.names
                .shared
                .iter()
                .map(|(k, v)| (&**k, v.iter().map(|e| e.0).collect()))
                .collect(),
        ),
    );
    let facts: Vec<FactRaw<&str>> = kb
        .facts
        .iter()
        .map(|f| FactRaw {
            subject: f.subject.0,
            relation: f.relation.0,
            value: match &f.value {
                FactValue::Entity(e) => ValueRaw::Entity(e.0),
                FactValue::Date(d) => ValueRaw::Date(d.raw()),
                FactValue::Number(n) => ValueRaw::Number(*n),
                FactValue::Text(t) => ValueRaw::Text(&**t),
            },
            from: date_raw(f.validity.from),
            until: date_raw(f.validity.until),
            on: date_raw(f.validity.on),
            negated: f.negated,
            loc: loc_raw(f.loc),
        })
        .collect();
    let ranges = |m: &FxHashMap<(u32, u32), (u32, u32)>| -> RangesRaw {
        let mut v: RangesRaw = m.iter().map(|(k, r)| (k.0, k.1, r.0, r.1)).collect();
        v.sort_unstable();
        v
    };
    let by_subject: FxHashMap<(u32, u32), (u32, u32)> = kb
        .by_subject
        .iter()
        .map(|(k, r)| ((k.0.0, k.1.0), *r))
        .collect();
    let by_value: FxHashMap<(u32, u32), (u32, u32)> = kb
        .by_value
        .iter()
        .map(|(k, r)| ((k.0.0, k.1.0), *r))
        .collect();
    let indexes: (RangesRaw, Vec<u32>, RangesRaw) = (
        ranges(&by_subject),
        kb.by_value_order.iter().map(|f| f.0).collect(),
        ranges(&by_value),
    );
    let mut closure: ClosureRaw = kb
        .closure
        .iter()
        .map(|(k, v)| (k.0.0, k.1.0, v.iter().map(|e| e.0).collect()))
        .collect();
    closure.sort_unstable_by_key(|c| (c.0, c.1));
    let sections: [Vec<u8>; SECTIONS] = [
        postcard(&head),
        postcard(&entities),
        postcard(&names),
        postcard(&facts),
        postcard(&indexes),
        postcard(&closure),
    ];
    let mut out = Vec::with_capacity(sections.iter().map(Vec::len).sum::<usize>() + 64);
    out.extend_from_slice(&(SECTIONS as u32).to_le_bytes());
    for s in &sections {
        out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    }
    for s in &sections {
        out.extend_from_slice(s);
    }
    out
}

/// What decoded ids and spans must fit.
struct Bounds<'a> {
    sources: &'a SourceMap,
    kinds: u32,
    relations: u32,
    entities: u32,
    facts: u32,
    by_value_order: u32,
}

type R<T> = Result<T, String>;

impl Bounds<'_> {
    fn loc(&self, (file, start, end): LocRaw) -> R<Loc> {
        if (file as usize) < self.sources.len()
            && start <= end
            && end as usize <= self.sources.get(FileId(file)).text().len()
        {
            Ok(Loc {
                file: FileId(file),
                span: Span { start, end },
            })
        } else {
            Err("a rule-file span is out of range".into())
        }
    }

    fn id(what: &str, id: u32, len: u32) -> R<u32> {
        if id < len {
            Ok(id)
        } else {
            Err(format!("{what} id {id} out of range"))
        }
    }

    fn kind(&self, id: u32) -> R<KindId> {
        Self::id("kind", id, self.kinds).map(KindId)
    }

    fn relation(&self, id: u32) -> R<RelationId> {
        Self::id("relation", id, self.relations).map(RelationId)
    }

    fn entity(&self, id: u32) -> R<EntityId> {
        Self::id("entity", id, self.entities).map(EntityId)
    }

    fn range(&self, start: u32, end: u32, len: u32) -> R<(u32, u32)> {
        if start <= end && end <= len {
            Ok((start, end))
        } else {
            Err("an index range is out of range".into())
        }
    }
}

fn date(d: Option<DateRaw>) -> R<Option<FactDate>> {
    d.map(|d| FactDate::from_raw(d).ok_or_else(|| "an invalid date".to_string()))
        .transpose()
}

fn section<'de, T: Deserialize<'de>>(bytes: &'de [u8], what: &str) -> R<T> {
    postcard::from_bytes(bytes).map_err(|e| format!("cannot decode the {what}: {e}"))
}

/// Decodes and checks a payload; `sources` are the rule texts the spans point into.
fn decode(payload: &[u8], sources: &SourceMap) -> R<KnowledgeBase> {
    let mut r = Reader {
        bytes: payload,
        at: 0,
    };
    if u32::from_le_bytes(r.array()?) as usize != SECTIONS {
        return Err("wrong number of sections".into());
    }
    let mut lens = [0usize; SECTIONS];
    for len in &mut lens {
        *len = usize::try_from(u64::from_le_bytes(r.array()?)).map_err(|e| e.to_string())?;
    }
    let mut parts: Vec<&[u8]> = Vec::with_capacity(SECTIONS);
    for len in lens {
        parts.push(r.take(len)?);
    }
    if r.at != payload.len() {
        return Err("trailing bytes".into());
    }

    let head: Head<Box<str>> = section(parts[0], "tables")?;
    let b = Bounds {
        sources,
        kinds: head.kinds.len() as u32,
        relations: head.relations.len() as u32,
        entities: head.entities,
        facts: head.facts,
        by_value_order: head.by_value_order,
    };
    if head.positive_count > head.facts {
        return Err("more positive facts than facts".into());
    }
    let kinds = head
        .kinds
        .into_iter()
        .map(|(name, parent, loc)| {
            Ok(Kind {
                name,
                parent: parent.map(|p| b.kind(p)).transpose()?,
                loc: b.loc(loc)?,
            })
        })
        .collect::<R<Vec<Kind>>>()?;
    let kind_index = head
        .kind_index
        .into_iter()
        .map(|(n, k)| Ok((n, b.kind(k)?)))
        .collect::<R<FxHashMap<_, _>>>()?;
    let relations = head
        .relations
        .into_iter()
        .map(|r| {
            Ok(Relation {
                name: r.name,
                subject: b.kind(r.subject)?,
                value: match r.value {
                    0 => ValueType::Entity(b.kind(r.value_kind)?),
                    1 => ValueType::Date,
                    2 => ValueType::Number,
                    3 => ValueType::Text,
                    _ => return Err("an unknown value type".to_string()),
                },
                cardinality: match r.cardinality {
                    0 => Cardinality::Many,
                    1 => Cardinality::One,
                    2 => Cardinality::OneAtATime,
                    _ => return Err("an unknown cardinality".to_string()),
                },
                transitive: r.transitive,
                cues: r.cues,
                tolerance: r
                    .tolerance
                    .map(|(amount, percent)| Tolerance { amount, percent }),
                severity: match r.severity {
                    None => None,
                    Some(0) => Some(Severity::Note),
                    Some(1) => Some(Severity::Warning),
                    Some(2) => Some(Severity::Error),
                    Some(_) => return Err("an unknown severity".to_string()),
                },
                loc: b.loc(r.loc)?,
            })
        })
        .collect::<R<Vec<Relation>>>()?;
    let relation_index = head
        .relation_index
        .into_iter()
        .map(|(n, r)| Ok((n, b.relation(r)?)))
        .collect::<R<FxHashMap<_, _>>>()?;

    // the big sections, on rayon's pool
    let entities = || -> R<Vec<Entity>> {
        let raw: Vec<EntityRaw<Box<str>>> = section(parts[1], "entities")?;
        if raw.len() != b.entities as usize {
            return Err("wrong number of entities".into());
        }
        raw.into_iter()
            .map(|e| {
                Ok(Entity {
                    name: e.name,
                    kind: b.kind(e.kind)?,
                    aliases: e
                        .aliases
                        .into_iter()
                        .map(|(text, loc)| {
                            Ok(Alias {
                                text,
                                loc: b.loc(loc)?,
                            })
                        })
                        .collect::<R<Vec<Alias>>>()?,
                    one_holder_at_a_time: e.one_holder_at_a_time,
                    loc: b.loc(e.loc)?,
                    name_loc: b.loc(e.name_loc)?,
                })
            })
            .collect()
    };
    let names = || -> R<NameIndex> {
        let (single, shared): NamesRaw<Box<str>> = section(parts[2], "name index")?;
        let mut index = NameIndex::default();
        index.single.reserve(single.len());
        for (k, e) in single {
            index.single.insert(k, b.entity(e)?);
        }
        for (k, es) in shared {
            let es = es.into_iter().map(|e| b.entity(e)).collect::<R<Vec<_>>>()?;
            index.shared.insert(k, es);
        }
        Ok(index)
    };
    let facts = || -> R<Vec<Fact>> {
        let raw: Vec<FactRaw<Box<str>>> = section(parts[3], "facts")?;
        if raw.len() != b.facts as usize {
            return Err("wrong number of facts".into());
        }
        raw.into_iter()
            .map(|f| {
                Ok(Fact {
                    subject: b.entity(f.subject)?,
                    relation: b.relation(f.relation)?,
                    value: match f.value {
                        ValueRaw::Entity(e) => FactValue::Entity(b.entity(e)?),
                        ValueRaw::Date(d) => {
                            FactValue::Date(date(Some(d))?.ok_or("an invalid date")?)
                        }
                        ValueRaw::Number(n) => FactValue::Number(n),
                        ValueRaw::Text(t) => FactValue::Text(t),
                    },
                    validity: Validity {
                        from: date(f.from)?,
                        until: date(f.until)?,
                        on: date(f.on)?,
                    },
                    negated: f.negated,
                    loc: b.loc(f.loc)?,
                })
            })
            .collect()
    };
    type Ranges<K> = FxHashMap<K, (u32, u32)>;
    type Indexes = (
        Ranges<(EntityId, RelationId)>,
        Vec<FactId>,
        Ranges<(RelationId, EntityId)>,
    );
    let indexes = || -> R<Indexes> {
        let (by_subject, order, by_value): (RangesRaw, Vec<u32>, RangesRaw) =
            section(parts[4], "fact indexes")?;
        if order.len() != b.by_value_order as usize {
            return Err("wrong length of the value index".into());
        }
        let mut subjects = Ranges::default();
        subjects.reserve(by_subject.len());
        for (s, r, start, end) in by_subject {
            subjects.insert(
                (b.entity(s)?, b.relation(r)?),
                b.range(start, end, b.facts)?,
            );
        }
        let order = order
            .into_iter()
            .map(|f| Bounds::id("fact", f, b.facts).map(FactId))
            .collect::<R<Vec<_>>>()?;
        let mut values = Ranges::default();
        values.reserve(by_value.len());
        for (r, v, start, end) in by_value {
            values.insert(
                (b.relation(r)?, b.entity(v)?),
                b.range(start, end, b.by_value_order)?,
            );
        }
        Ok((subjects, order, values))
    };
    type Closure = FxHashMap<(RelationId, EntityId), Box<[EntityId]>>;
    let closure = || -> R<Closure> {
        let raw: ClosureRaw = section(parts[5], "closure")?;
        let mut out = Closure::default();
        out.reserve(raw.len());
        for (r, e, up) in raw {
            let up = up
                .into_iter()
                .map(|x| b.entity(x))
                .collect::<R<Box<[_]>>>()?;
            out.insert((b.relation(r)?, b.entity(e)?), up);
        }
        Ok(out)
    };
    let ((entities, names), (facts, (indexes, closure))) = rayon::join(
        || rayon::join(entities, names),
        || rayon::join(facts, || rayon::join(indexes, closure)),
    );
    let (by_subject, by_value_order, by_value) = indexes?;
    let facts = facts?;
    if facts[..head.positive_count as usize]
        .iter()
        .any(|f| f.negated)
    {
        return Err("a `not` fact among the positive ones".into());
    }
    Ok(KnowledgeBase {
        sources: SourceMap::default(),
        kinds,
        kind_index,
        relations,
        relation_index,
        entities: entities?,
        names: names?,
        facts,
        positive_count: head.positive_count as usize,
        by_subject,
        by_value_order,
        by_value,
        closure: closure?,
        known_quotes: std::sync::OnceLock::new(),
        person_names: std::sync::OnceLock::new(),
        check_index: std::sync::OnceLock::new(),
    })
}

/// The cache's own encoding of a knowledge base, for tests: equal knowledge bases give
/// equal bytes.
#[doc(hidden)]
pub fn encoded(kb: &KnowledgeBase) -> Vec<u8> {
    encode(kb)
}
