//! The compiled knowledge-base cache: a CI run that has not changed its rules loads the
//! compiled knowledge base from a file instead of parsing and compiling them again.
//!
//! - **Key.** A 128-bit xxh3 hash of the cache format, the build (`CLAIMCHECK_BUILD_ID`,
//!   a hash of the crate's sources and `Cargo.lock` made by `build.rs`, plus the version), and
//!   every rule file that was loaded, in load order: its display name, its length and the
//!   digest of its text ([`text_digest`]: the 128-bit xxh3 of the text, or for a text of
//!   [`SPLIT_READ_BYTES`] or more of its two parts' digests, cut after a line feed past the
//!   middle; computed as it is read, beside
//!   its UTF-8 check), imports and the embedded defaults included. Any change to any of them
//!   is a new key.
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
//!   evidence points into them). The extractor's mention index is cached beside the
//!   knowledge base, in its own file under the same key and header
//!   ([`KbCache::mentions_path`], [`crate::extract::mentions::MentionIndex::cached`]), and
//!   so are the checks' lazily derived indexes (known quotes, `PersonNames`, `CheckIndex`:
//!   [`KbCache::checks_path`], `CheckIndex::cached`, which pre-fills the knowledge base's
//!   `OnceLock`s); both are pruned with it, and a derived file whose knowledge base has
//!   gone (removed by hand, or pruned by an older build) is removed at the next prune.
//!
//! The payload is five sections decoded in parallel: the small tables (kinds, relations,
//! postcard), then entities, the name index, facts, and the fact indexes with the closures,
//! each as flat columns of fixed-width integers and one text per section that strings are
//! cut from. Decoding is a bounds-checked copy; the name index's hash table is stored
//! (checked for its shape: every key in one slot, at most half full), and the fact indexes
//! are checked against the facts' columns, beside the decode of the facts.

use std::io::Write;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::time::{FactDate, Validity};
use super::{
    Alias, Cardinality, Closure, Entity, EntityId, Fact, FactId, FactValue, Kind, KindId,
    KnowledgeBase, NameIndex, Relation, RelationId, Tolerance, ValueType,
};
use crate::severity::Severity;
use crate::source::{FileId, Loc, SourceMap};
use crate::span::Span;

const MAGIC: &[u8; 16] = b"claimcheck-kb\0\0\x01";
/// Bump when the payload layout changes.
const FORMAT: u32 = 3;
/// Identifies the build: a cache written by another build is not read.
pub const BUILD_ID: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("CLAIMCHECK_BUILD_ID"));
/// How many cache files are kept in the directory (the newest).
pub const KEEP: usize = 8;
const SECTIONS: usize = 5;

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
    /// The key of the rules (`None` when they could not all be read): indexes derived from
    /// the knowledge base are cached under it too.
    pub key: Option<u128>,
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
        let digests: Vec<u128> = sources
            .iter()
            .map(|(_, f)| text_digest(f.text().as_bytes()))
            .collect();
        KbCache::key_of(sources, order, &digests)
    }

    /// [`KbCache::key`] with the digest of each file's text ([`text_digest`]) already
    /// computed, by file id (the loader computes them beside the UTF-8 check of each file).
    pub(crate) fn key_of(sources: &SourceMap, order: &[FileId], digests: &[u128]) -> u128 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(MAGIC);
        h.update(&FORMAT.to_le_bytes());
        h.update(BUILD_ID.as_bytes());
        h.update(&(sources.len() as u64).to_le_bytes());
        h.update(&(digests.len() as u64).to_le_bytes());
        for ((_, file), digest) in sources.iter().zip(digests) {
            h.update(&(file.name().len() as u64).to_le_bytes());
            h.update(file.name().as_bytes());
            h.update(&(file.text().len() as u64).to_le_bytes());
            h.update(&digest.to_le_bytes());
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
        read_framed(&self.path(key), true, MAGIC, FORMAT, key, |payload| {
            decode(payload, sources)
        })
    }

    /// Writes `kb` under `key` (atomically), then removes all but the newest [`KEEP`] files.
    pub(crate) fn write(&self, key: u128, kb: &KnowledgeBase) -> Result<(), String> {
        self.write_file(&self.path(key), &framed(MAGIC, FORMAT, key, &encode(kb)))?;
        self.prune(&self.path(key));
        Ok(())
    }

    /// Where the extractor's mention index for the knowledge base cached under `key` is kept
    /// (see [`crate::extract::mentions::MentionIndex::cached`]): beside the knowledge base's
    /// file, and removed with it.
    pub fn mentions_path(&self, key: u128) -> PathBuf {
        self.dir.join(format!("{MENTIONS_PREFIX}{key:032x}.bin"))
    }

    /// Writes `bytes` to `path` in the cache directory, atomically: to a temporary file,
    /// then renamed.
    pub(crate) fn write_file(&self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        let fail =
            |e: std::io::Error| format!("cannot write the cache in {}: {e}", self.dir.display());
        std::fs::create_dir_all(&self.dir).map_err(fail)?;
        let mut tmp = tempfile::NamedTempFile::with_prefix_in(".kb-", &self.dir).map_err(fail)?;
        tmp.write_all(bytes).map_err(fail)?;
        tmp.persist(path).map_err(|e| fail(e.error))?;
        Ok(())
    }

    /// Keeps the newest [`KEEP`] cache files; errors are ignored (another process may be
    /// pruning too).
    fn prune(&self, keep: &Path) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
        // derived indexes whose knowledge base has gone (removed by hand, or pruned by a
        // build that did not know them) are removed too
        for e in &entries {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let key = [MENTIONS_PREFIX, CHECKS_PREFIX]
                .iter()
                .find_map(|prefix| name.strip_prefix(prefix)?.strip_suffix(".bin"));
            if let Some(key) = key
                && !self.dir.join(format!("kb-{key}.bin")).exists()
            {
                let _ = std::fs::remove_file(e.path());
            }
        }
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
            .iter()
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
            // the indexes derived from that knowledge base go with it
            if let Some(key) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_prefix("kb-")?.strip_suffix(".bin"))
            {
                let _ = std::fs::remove_file(self.dir.join(format!("{MENTIONS_PREFIX}{key}.bin")));
                let _ = std::fs::remove_file(self.dir.join(format!("{CHECKS_PREFIX}{key}.bin")));
            }
        }
    }
}

/// The file name prefix of cached mention indexes ([`KbCache::mentions_path`]).
const MENTIONS_PREFIX: &str = "mentions-";

/// The bytes of the file `path`: `Ok(None)` when there is none. Read in two halves
/// ([`read_whole`]) if `split`: for the knowledge base's file, read while rayon's pool is
/// idle; the derived indexes' files are read side by side already, and the buffer of a
/// split read is zeroed memory, which the allocator clears when it reuses memory (the
/// knowledge base's freed buffer).
pub(crate) fn read_file(path: &Path, split: bool) -> Result<Option<Vec<u8>>, String> {
    let read = if split {
        read_whole(path)
    } else {
        std::fs::read(path)
    };
    match read {
        Ok(b) => Ok(Some(b)),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(format!("cannot read: {e}")),
    }
}

/// Files at least this long are read in two halves side by side ([`read_split`]).
pub(crate) const SPLIT_READ_BYTES: usize = 1 << 20;

/// The digest of a rule file's text in the cache key: the 128-bit xxh3 of `bytes`, or, for
/// [`SPLIT_READ_BYTES`] or more, [`joined_digest`] of the xxh3 of the two parts that
/// [`crate::span::middle_line_cut`] gives (the whole and nothing without a line feed past
/// the middle), hashed side by side on rayon's pool (one xxh3 pass over a 23 MB text was
/// the longest task between reading the rule files and reading the cache). The loader's
/// checks of a large rule text cut there too, and hash each part as they check it.
pub(crate) fn text_digest(bytes: &[u8]) -> u128 {
    use xxhash_rust::xxh3::xxh3_128;
    if bytes.len() < SPLIT_READ_BYTES {
        return xxh3_128(bytes);
    }
    let cut = crate::span::middle_line_cut(bytes).unwrap_or(bytes.len());
    let (low, high) = bytes.split_at(cut);
    let (low, high) = rayon::join(|| xxh3_128(low), || xxh3_128(high));
    joined_digest(low, high)
}

/// The digest of a text of [`SPLIT_READ_BYTES`] or more from the xxh3 digests of its halves
/// ([`text_digest`]).
pub(crate) fn joined_digest(low: u128, high: u128) -> u128 {
    let mut both = [0u8; 32];
    both[..16].copy_from_slice(&low.to_le_bytes());
    both[16..].copy_from_slice(&high.to_le_bytes());
    xxhash_rust::xxh3::xxh3_128(&both)
}

/// Reads `buf.len()` bytes of `file` from its start into `buf`, and tells whether the file
/// ends there. On Unix a buffer of at least [`SPLIT_READ_BYTES`] is read as two halves
/// side by side on rayon's pool, by positional reads (the file's cursor is not used): most
/// of the cost of reading a large file is the kernel's first touch of the fresh pages it is
/// read into, and so each thread pays for half of them. Elsewhere, or for a small buffer,
/// one read from the cursor, which must be at the start. An error, or a file shorter than
/// `buf` (an `UnexpectedEof` error), leaves `buf` partly filled.
pub(crate) fn read_split(file: &std::fs::File, buf: &mut [u8]) -> std::io::Result<bool> {
    let mut probe = [0u8; 1];
    #[cfg(unix)]
    if buf.len() >= SPLIT_READ_BYTES {
        use std::os::unix::fs::FileExt;
        let len = buf.len();
        let (low, high) = buf.split_at_mut(len / 2);
        let (a, b) = rayon::join(
            || file.read_exact_at(low, 0),
            || file.read_exact_at(high, (len / 2) as u64),
        );
        a?;
        b?;
        return Ok(file.read_at(&mut probe, len as u64)? == 0);
    }
    use std::io::Read;
    let mut file = file;
    file.read_exact(buf)?;
    Ok(file.read(&mut probe)? == 0)
}

/// The whole file `path`, as [`std::fs::read`] reads it (with its errors): a regular file of
/// [`SPLIT_READ_BYTES`] or more, up to 1 GiB, is read once into a buffer of its length
/// ([`read_split`]; zeroed memory straight from the allocator, which does not touch it),
/// and only a file that is not as long as its metadata said when read (it changed under
/// us) or that fails to read is read again by [`std::fs::read`].
fn read_whole(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if meta.is_file() && (SPLIT_READ_BYTES..=1 << 30).contains(&len) {
        let mut bytes = vec![0u8; len];
        if read_split(&file, &mut bytes).unwrap_or(false) {
            return Ok(bytes);
        }
    }
    drop(file);
    std::fs::read(path)
}

/// The value cached in the file `path` ([`framed`] with `magic`, `format` and `key`), decoded
/// by `decode` (read in two halves if `split`: [`read_file`]): `Ok(None)` when there is no
/// such file, `Err` when there is one that cannot be trusted. The checksum is computed
/// beside the decode (which must check every length, id and span, so damaged bytes cannot
/// make it fail badly); a mismatch discards the result.
pub(crate) fn read_framed<T: Send>(
    path: &Path,
    split: bool,
    magic: &[u8; 16],
    format: u32,
    key: u128,
    decode: impl FnOnce(&[u8]) -> Result<T, String> + Send,
) -> Result<Option<T>, String> {
    let Some(bytes) = read_file(path, split)? else {
        return Ok(None);
    };
    let (payload, checksum) = check_header(&bytes, magic, format, key)?;
    let (sum, decoded) = rayon::join(|| xxhash_rust::xxh3::xxh3_128(payload), || decode(payload));
    if sum != checksum {
        return Err("checksum mismatch".into());
    }
    decoded.map(Some)
}

/// An index derived from a knowledge base, cached at `path` under `key`: decoded from the
/// file ([`read_framed`]) when it can be trusted, else built with `build` and the file
/// (re)written with what `encode` gives (a cache that cannot be written is not an error).
#[allow(
    clippy::too_many_arguments,
    reason = "the file's identity, then the three steps"
)]
pub(crate) fn load_or_build<T: Send>(
    cache: &KbCache,
    path: &Path,
    magic: &[u8; 16],
    format: u32,
    key: u128,
    decode: impl FnOnce(&[u8]) -> Result<T, String> + Send,
    build: impl FnOnce() -> T,
    encode: impl FnOnce(&T) -> Option<Vec<u8>>,
) -> (T, CacheOutcome) {
    let outcome = match read_framed(path, false, magic, format, key, decode) {
        Ok(Some(value)) => return (value, CacheOutcome::Hit),
        Ok(None) => CacheOutcome::Miss,
        Err(reason) => CacheOutcome::Invalid(reason),
    };
    let value = build();
    if let Some(payload) = encode(&value) {
        let _ = cache.write_file(path, &framed(magic, format, key, &payload));
    }
    (value, outcome)
}

/// A cache file: `magic`, the format version, the build id, the key, the payload's length
/// and checksum, then the payload (read back by [`check_header`]).
pub(crate) fn framed(magic: &[u8; 16], format: u32, key: u128, payload: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(payload.len() + 128);
    bytes.extend_from_slice(magic);
    bytes.extend_from_slice(&format.to_le_bytes());
    bytes.extend_from_slice(&(BUILD_ID.len() as u32).to_le_bytes());
    bytes.extend_from_slice(BUILD_ID.as_bytes());
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(payload).to_le_bytes());
    bytes.extend_from_slice(payload);
    bytes
}

/// The payload of a cache file ([`framed`]) and its checksum, if its header has `magic`
/// and `expected` format and is for this build and key, and the payload has the length the
/// header says.
pub(crate) fn check_header<'a>(
    bytes: &'a [u8],
    magic: &[u8; 16],
    expected: u32,
    key: u128,
) -> Result<(&'a [u8], u128), String> {
    let prefix = &bytes[..bytes.len().min(magic.len())];
    if !magic.starts_with(prefix) {
        return Err("not a claimcheck cache file".into());
    }
    let mut r = Reader { bytes, at: 0 };
    r.take(magic.len())?;
    let format = u32::from_le_bytes(r.array()?);
    if format != expected {
        return Err(format!("cache format {format}, not {expected}"));
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
    Ok((payload, checksum))
}

/// Columns being read: each a little-endian `u64` length, then its items ([`Out`] writes
/// them).
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or("truncated")?;
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
//
// The small tables (kinds, relations) are postcard. The big sections are columns: arrays
// of little-endian `u32`s (or bytes), each preceded by its length, and strings cut from
// one UTF-8 text at stored end offsets, so that decoding is a validated copy with no
// varint or per-field dispatch, and one UTF-8 check per section instead of one per name.

/// (file, start, end)
type LocRaw = (u32, u32, u32);

#[derive(Serialize, Deserialize)]
struct Head<S> {
    kinds: Vec<(S, Option<u32>, LocRaw)>,
    kind_index: Vec<(S, u32)>,
    relations: Vec<RelationRaw<S>>,
    relation_index: Vec<(S, u32)>,
    entities: u32,
    facts: u32,
    positive_count: u32,
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

fn loc_raw(l: Loc) -> LocRaw {
    (l.file.0, l.span.start, l.span.end)
}

fn sorted<K: Ord, V>(mut v: Vec<(K, V)>) -> Vec<(K, V)> {
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    v
}

fn postcard<T: Serialize>(value: &T) -> Vec<u8> {
    // serializing plain data into a Vec cannot fail
    postcard::to_allocvec(value).unwrap_or_default()
}

/// A date as one `u32` (year << 16 | month << 8 | day); 0, which is no valid date, for none.
fn pack_date(d: Option<FactDate>) -> u32 {
    d.map_or(0, |d| {
        let (year, month, day) = d.raw();
        (u32::from(year as u16) << 16) | (u32::from(month as u8) << 8) | u32::from(day as u8)
    })
}

// The checks below run for every fact and entity of a load: they are inlined, and the
// building of their error messages is kept out of line (`#[cold]`).

/// The packed date `p` (none for 0); an invalid one is none and sets `bad`.
#[inline(always)]
fn date_or_flag(p: u32, bad: &mut bool) -> Option<FactDate> {
    if p == 0 {
        return None;
    }
    let d = FactDate::from_raw(raw_date(p));
    *bad |= d.is_none();
    d
}

/// The (year, month, day) of a packed date.
#[inline(always)]
fn raw_date(p: u32) -> (i16, i8, i8) {
    ((p >> 16) as u16 as i16, (p >> 8) as u8 as i8, p as u8 as i8)
}

#[cold]
fn invalid_date() -> String {
    "an invalid date".to_string()
}

/// Value tags of facts; bit 2 marks a `not` fact.
const VALUE_ENTITY: u8 = 0;
const VALUE_DATE: u8 = 1;
const VALUE_NUMBER: u8 = 2;
const VALUE_TEXT: u8 = 3;
const NEGATED: u8 = 4;

/// A section being written.
#[derive(Default)]
pub(crate) struct Out(pub(crate) Vec<u8>);

impl Out {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn len(&mut self, n: usize) {
        self.0.extend_from_slice(&(n as u64).to_le_bytes());
    }

    pub(crate) fn u32s(&mut self, values: &[u32]) {
        self.len(values.len());
        self.0.reserve(values.len() * 4);
        for v in values {
            self.u32(*v);
        }
    }

    pub(crate) fn u64s(&mut self, values: &[u64]) {
        self.len(values.len());
        self.0.reserve(values.len() * 8);
        for v in values {
            self.0.extend_from_slice(&v.to_le_bytes());
        }
    }

    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        self.len(bytes.len());
        self.0.extend_from_slice(bytes);
    }
}

/// A column of little-endian `u32`s.
#[derive(Clone, Copy)]
pub(crate) struct U32s<'a>(&'a [u8]);

impl<'a> U32s<'a> {
    pub(crate) fn len(self) -> usize {
        self.0.len() / 4
    }

    pub(crate) fn iter(self) -> impl ExactSizeIterator<Item = u32> + 'a {
        self.items().iter().map(|&c| u32::from_le_bytes(c))
    }

    /// The items as arrays of their four bytes (a trailing partial item left out).
    pub(crate) fn items(self) -> &'a [[u8; 4]] {
        self.0.as_chunks().0
    }

    pub(crate) fn to_vec(self) -> Vec<u32> {
        self.iter().collect()
    }

    fn get(self, i: usize) -> Option<u32> {
        let c = self.0.get(4 * i..4 * i + 4)?;
        Some(u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }
}

impl<'a> Reader<'a> {
    fn len(&mut self, item: usize) -> R<usize> {
        let n = u64::from_le_bytes(self.array()?);
        usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(item))
            .ok_or_else(|| "a section length is out of range".to_string())
    }

    fn u32(&mut self) -> R<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub(crate) fn u32s(&mut self) -> R<U32s<'a>> {
        let n = self.len(4)?;
        Ok(U32s(self.take(n)?))
    }

    /// A column of little-endian `u64`s, as bytes.
    pub(crate) fn u64_bytes(&mut self) -> R<&'a [u8]> {
        let n = self.len(8)?;
        self.take(n)
    }

    pub(crate) fn bytes(&mut self) -> R<&'a [u8]> {
        let n = self.len(1)?;
        self.take(n)
    }

    fn str(&mut self) -> R<&'a str> {
        simdutf8::basic::from_utf8(self.bytes()?).map_err(|_| "a string is not UTF-8".to_string())
    }

    pub(crate) fn end(&self, what: &str) -> R<()> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(format!("trailing bytes in the {what}"))
        }
    }
}

/// Strings cut from one text at increasing end offsets.
struct Cuts<'a> {
    text: &'a str,
    ends: U32s<'a>,
    next: usize,
    at: usize,
}

impl<'a> Cuts<'a> {
    fn new(text: &'a str, ends: U32s<'a>) -> Cuts<'a> {
        Cuts {
            text,
            ends,
            next: 0,
            at: 0,
        }
    }

    fn next(&mut self) -> R<&'a str> {
        let end = self.ends.get(self.next).ok_or("too few strings")? as usize;
        self.next += 1;
        let s = self
            .text
            .get(self.at..end)
            .ok_or("a string offset is out of range")?;
        self.at = end;
        Ok(s)
    }

    fn done(&self) -> R<()> {
        if self.next == self.ends.len() && self.at == self.text.len() {
            Ok(())
        } else {
            Err("strings left over".into())
        }
    }
}

fn encode_entities(kb: &KnowledgeBase) -> Vec<u8> {
    let mut text = String::new();
    let mut ends = Vec::with_capacity(kb.entities.len() * 3);
    let (mut kinds, mut flags, mut alias_counts) = (Vec::new(), Vec::new(), Vec::new());
    let mut locs = Vec::with_capacity(kb.entities.len() * 6);
    let mut alias_locs = Vec::new();
    for e in &kb.entities {
        text.push_str(&e.name);
        ends.push(text.len() as u32);
        for a in &e.aliases {
            text.push_str(&a.text);
            ends.push(text.len() as u32);
            let (f, s, t) = loc_raw(a.loc);
            alias_locs.extend([f, s, t]);
        }
        kinds.push(e.kind.0);
        flags.push(u8::from(e.one_holder_at_a_time));
        alias_counts.push(e.aliases.len() as u32);
        let ((f, s, t), (nf, ns, nt)) = (loc_raw(e.loc), loc_raw(e.name_loc));
        locs.extend([f, s, t, nf, ns, nt]);
    }
    let mut out = Out::default();
    out.bytes(text.as_bytes());
    out.u32s(&ends);
    out.u32s(&kinds);
    out.bytes(&flags);
    out.u32s(&alias_counts);
    out.u32s(&locs);
    out.u32s(&alias_locs);
    out.0
}

fn encode_names(kb: &KnowledgeBase) -> Vec<u8> {
    let (text, ends, first, shared, slots) = kb.names.parts();
    let mut out = Out::default();
    out.bytes(text.as_bytes());
    out.u32s(ends);
    out.u32s(&first.iter().map(|e| e.0).collect::<Vec<_>>());
    out.len(shared.len());
    for (key, ids) in shared {
        out.u32(key);
        out.u32s(&ids.iter().map(|e| e.0).collect::<Vec<_>>());
    }
    out.u32s(
        &slots
            .iter()
            .flat_map(|&(k, tag)| [k, tag])
            .collect::<Vec<_>>(),
    );
    out.0
}

fn encode_facts(kb: &KnowledgeBase) -> Vec<u8> {
    let n = kb.facts.len();
    let (mut subjects, mut relations) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut tags, mut values) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut dates, mut locs) = (Vec::with_capacity(n * 3), Vec::with_capacity(n * 3));
    let mut text = String::new();
    for f in &kb.facts {
        subjects.push(f.subject.0);
        relations.push(f.relation.0);
        let (tag, value) = match &f.value {
            FactValue::Entity(e) => (VALUE_ENTITY, u64::from(e.0)),
            FactValue::Date(d) => (VALUE_DATE, u64::from(pack_date(Some(*d)))),
            FactValue::Number(x) => (VALUE_NUMBER, x.to_bits()),
            FactValue::Text(t) => {
                text.push_str(t);
                (VALUE_TEXT, text.len() as u64)
            }
        };
        tags.push(tag | if f.negated { NEGATED } else { 0 });
        values.push(value);
        let v = f.validity;
        dates.extend([pack_date(v.from), pack_date(v.until), pack_date(v.on)]);
        let (file, start, end) = loc_raw(f.loc);
        locs.extend([file, start, end]);
    }
    let mut out = Out::default();
    out.u32s(&subjects);
    out.u32s(&relations);
    out.bytes(&tags);
    out.u64s(&values);
    out.u32s(&dates);
    out.u32s(&locs);
    out.bytes(text.as_bytes());
    out.0
}

fn encode_indexes(kb: &KnowledgeBase) -> Vec<u8> {
    let mut out = Out::default();
    out.u32s(&kb.subject_starts);
    out.u32s(&kb.by_value_order.iter().map(|f| f.0).collect::<Vec<_>>());
    out.len(kb.closures.len());
    for c in &kb.closures {
        out.u32(c.relation.0);
        out.u32s(&c.starts);
        out.u32s(&c.reached.iter().map(|e| e.0).collect::<Vec<_>>());
    }
    out.0
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
    };
    let sections: [Vec<u8>; SECTIONS] = [
        postcard(&head),
        encode_entities(kb),
        encode_names(kb),
        encode_facts(kb),
        encode_indexes(kb),
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
struct Bounds {
    /// The length of each rule file's text, by file id.
    file_lens: Vec<usize>,
    kinds: u32,
    relations: u32,
    entities: u32,
    facts: u32,
}

type R<T> = Result<T, String>;

impl Bounds {
    #[inline]
    fn loc(&self, (file, start, end): LocRaw) -> R<Loc> {
        if start <= end
            && self
                .file_lens
                .get(file as usize)
                .is_some_and(|&len| end as usize <= len)
        {
            Ok(Loc {
                file: FileId(file),
                span: Span { start, end },
            })
        } else {
            Err(Self::span_out_of_range())
        }
    }

    #[cold]
    fn span_out_of_range() -> String {
        "a rule-file span is out of range".into()
    }

    #[inline]
    fn id(what: &str, id: u32, len: u32) -> R<u32> {
        if id < len {
            Ok(id)
        } else {
            Err(Self::out_of_range(what, id))
        }
    }

    #[cold]
    fn out_of_range(what: &str, id: u32) -> String {
        format!("{what} id {id} out of range")
    }

    #[inline]
    fn kind(&self, id: u32) -> R<KindId> {
        Self::id("kind", id, self.kinds).map(KindId)
    }

    #[inline]
    fn relation(&self, id: u32) -> R<RelationId> {
        Self::id("relation", id, self.relations).map(RelationId)
    }

    #[inline]
    fn entity(&self, id: u32) -> R<EntityId> {
        Self::id("entity", id, self.entities).map(EntityId)
    }

    /// The entity ids of a column: copied, then checked in one pass (no early exit, so
    /// both loops are plain and the check vectorizes).
    fn entities(&self, ids: U32s<'_>) -> R<Vec<EntityId>> {
        let ids: Vec<EntityId> = ids.iter().map(EntityId).collect();
        Self::ids_below(&ids, |e| e.0, "entity", self.entities)?;
        Ok(ids)
    }

    /// Whether every id of `ids` is below `len`.
    fn ids_below<T>(ids: &[T], id: impl Fn(&T) -> u32, what: &str, len: u32) -> R<()> {
        let largest = ids.iter().map(id).fold(0, u32::max);
        if ids.is_empty() || largest < len {
            Ok(())
        } else {
            Err(Self::out_of_range(what, largest))
        }
    }

    /// Offsets from 0 to `last`, never decreasing, one per entity and one more.
    fn starts(&self, starts: U32s<'_>, last: usize) -> R<Vec<u32>> {
        let starts = starts.to_vec();
        let ok = starts.len() == self.entities as usize + 1
            && starts.first() == Some(&0)
            && starts.last().is_some_and(|&l| l as usize == last)
            && starts.windows(2).all(|w| w[0] <= w[1]);
        if ok {
            Ok(starts)
        } else {
            Err("an index range is out of range".into())
        }
    }
}

fn section<'de, T: Deserialize<'de>>(bytes: &'de [u8], what: &str) -> R<T> {
    postcard::from_bytes(bytes).map_err(|e| format!("cannot decode the {what}: {e}"))
}

/// The columns of the entities section, their lengths checked against `entities`.
struct EntityColumns<'a> {
    /// Every name and alias, one after the other, cut at `ends`.
    text: &'a str,
    ends: U32s<'a>,
    kinds: &'a [u8],
    flags: &'a [u8],
    alias_counts: &'a [u8],
    locs: &'a [u8],
    alias_locs: &'a [u8],
}

fn entity_columns(bytes: &[u8], entities: u32) -> R<EntityColumns<'_>> {
    let mut r = Reader { bytes, at: 0 };
    let text = r.str()?;
    let ends = r.u32s()?;
    let kinds = r.u32s()?;
    let flags = r.bytes()?;
    let alias_counts = r.u32s()?;
    let locs = r.u32s()?;
    let alias_locs = r.u32s()?;
    r.end("entities")?;
    let n = entities as usize;
    if kinds.len() != n || flags.len() != n || alias_counts.len() != n || locs.len() != 6 * n {
        return Err("wrong number of entities".into());
    }
    // the columns are read in place, one entity at a time, with no copy of them
    Ok(EntityColumns {
        text,
        ends,
        kinds: kinds.0,
        flags,
        alias_counts: alias_counts.0,
        locs: locs.0,
        alias_locs: alias_locs.0,
    })
}

/// Where an entity's names start in the entities section: the number of its name among
/// all the names (the canonical names and aliases, in order), of its first alias among
/// the aliases, and the offset of its name's text.
#[derive(Clone, Copy, Debug, PartialEq)]
struct NamesAt {
    name: usize,
    alias: usize,
    text: usize,
}

impl EntityColumns<'_> {
    /// Where the names of entity `i` start (of the end, for `i` = the number of entities),
    /// from the alias counts before it; `text` is `usize::MAX` when the ends are too few.
    fn names_at(&self, i: usize) -> NamesAt {
        let before = &self.alias_counts[..(4 * i).min(self.alias_counts.len())];
        let alias = before
            .chunks_exact(4)
            .fold(0usize, |sum, c| sum.saturating_add(le_u32(c, 0) as usize));
        let name = i.saturating_add(alias);
        let text = match name.checked_sub(1) {
            None => 0,
            Some(j) => self.ends.get(j).map_or(usize::MAX, |e| e as usize),
        };
        NamesAt { name, alias, text }
    }

    /// The next name at `at`, which moves past it.
    #[inline(always)]
    fn name(&self, at: &mut NamesAt) -> R<&str> {
        let end = self.ends.get(at.name).ok_or("too few strings")? as usize;
        at.name += 1;
        let s = self
            .text
            .get(at.text..end)
            .ok_or("a string offset is out of range")?;
        at.text = end;
        Ok(s)
    }

    /// Entity `i`, whose names start at `at`, which moves past them.
    #[inline(always)]
    fn entity(&self, i: usize, at: &mut NamesAt, b: &Bounds) -> R<Entity> {
        let name = self.name(at)?;
        let count = le_u32(self.alias_counts, 4 * i) as usize;
        let mut aliases = Vec::with_capacity(count.min(1024));
        for _ in 0..count {
            let text = self.name(at)?;
            let loc = self.alias_locs.get(12 * at.alias..12 * at.alias + 12);
            aliases.push(Alias {
                text: text.into(),
                loc: b.loc(loc_at(loc.ok_or("too few spans")?, 0))?,
            });
            at.alias += 1;
        }
        Ok(Entity {
            name: name.into(),
            kind: b.kind(le_u32(self.kinds, 4 * i))?,
            aliases,
            one_holder_at_a_time: self.flags[i] != 0,
            loc: b.loc(loc_at(self.locs, 24 * i))?,
            name_loc: b.loc(loc_at(self.locs, 24 * i + 12))?,
        })
    }

    /// Whether `at`, past the last entity, used every name, all the text and every alias span.
    fn all_used(&self, at: NamesAt) -> R<()> {
        if at.name != self.ends.len() || at.text != self.text.len() {
            return Err("strings left over".into());
        }
        if at.alias.checked_mul(12) != Some(self.alias_locs.len()) {
            return Err("too many alias spans".into());
        }
        Ok(())
    }
}

/// The entities of the entities section, decoded by index on rayon's pool ([`decode_runs`]),
/// as the facts are ([`decode_facts`]): each entity depends on the ones before it
/// only through where its names start, which a run of entities carries on and a run that
/// starts elsewhere finds from the alias counts before it ([`EntityColumns::names_at`]).
/// When any entity fails, or the names are not all used, the serial decode
/// ([`decode_entities_serial`]) gives the same error the serial decode always gave.
fn decode_entities(bytes: &[u8], b: &Bounds) -> R<Vec<Entity>> {
    let c = entity_columns(bytes, b.entities)?;
    let n = b.entities as usize;
    let placeholder = || Entity {
        name: Box::default(),
        kind: KindId(0),
        aliases: Vec::new(),
        one_holder_at_a_time: false,
        loc: Loc {
            file: FileId(0),
            span: Span { start: 0, end: 0 },
        },
        name_loc: Loc {
            file: FileId(0),
            span: Span { start: 0, end: 0 },
        },
    };
    let entities = decode_runs(
        n,
        ENTITIES_PER_JOB,
        |i| c.names_at(i),
        |i, at| c.entity(i, at, b),
        placeholder,
    );
    match entities {
        Some(entities) if c.all_used(c.names_at(n)).is_ok() => Ok(entities),
        _ => decode_entities_serial(&c, b),
    }
}

/// The fewest entities a job of [`decode_entities`] decodes: a few jobs per thread (a few
/// entities in the tests, so that their small inputs are split too).
const ENTITIES_PER_JOB: usize = if cfg!(test) { 3 } else { 8 * 1024 };

/// The entities decoded one after the other: the first error stops the decode.
fn decode_entities_serial(c: &EntityColumns<'_>, b: &Bounds) -> R<Vec<Entity>> {
    let n = c.flags.len();
    let mut at = NamesAt {
        name: 0,
        alias: 0,
        text: 0,
    };
    let mut entities = Vec::with_capacity(n);
    for i in 0..n {
        entities.push(c.entity(i, &mut at, b)?);
    }
    c.all_used(at)?;
    Ok(entities)
}

/// The `N` bytes at `at` (a column's length was checked before it is read).
#[inline(always)]
fn le_bytes<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&bytes[at..at + N]);
    a
}

/// The little-endian `u32` at `at`.
#[inline(always)]
fn le_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(le_bytes(bytes, at))
}

/// The span at `at` (three little-endian `u32`s).
#[inline(always)]
fn loc_at(bytes: &[u8], at: usize) -> LocRaw {
    (
        le_u32(bytes, at),
        le_u32(bytes, at + 4),
        le_u32(bytes, at + 8),
    )
}

fn decode_names(bytes: &[u8], b: &Bounds) -> R<NameIndex> {
    let mut r = Reader { bytes, at: 0 };
    let text = r.str()?;
    let ends = r.u32s()?.to_vec();
    let first = b.entities(r.u32s()?)?;
    let count = r.len(1)?;
    let mut shared = FxHashMap::default();
    for _ in 0..count {
        let key = r.u32()?;
        let ids = b.entities(r.u32s()?)?;
        if ids.len() < 2 || shared.insert(key, ids).is_some() {
            return Err("a shared name is not shared".into());
        }
    }
    let slots = r.u32s()?.0;
    r.end("name index")?;
    if slots.len() % 8 != 0 {
        return Err("the name index does not fit together".into());
    }
    let slots = slots
        .chunks_exact(8)
        .map(|c| (le_u32(c, 0), le_u32(c, 4)))
        .collect();
    NameIndex::from_parts(text.to_string(), ends, first, shared, slots)
        .ok_or_else(|| "the name index does not fit together".to_string())
}

/// The columns of the facts section, their lengths checked against `facts`.
struct FactColumns<'a> {
    subjects: &'a [u8],
    relations: &'a [u8],
    tags: &'a [u8],
    values: &'a [u8],
    dates: &'a [u8],
    locs: &'a [u8],
    /// Checked as UTF-8 only when asked (the decode needs it, the index checks do not).
    text: &'a str,
}

/// The facts section's columns; `text` is left empty unless `with_text`.
fn fact_columns(bytes: &[u8], facts: u32, with_text: bool) -> R<FactColumns<'_>> {
    let mut r = Reader { bytes, at: 0 };
    let subjects = r.u32s()?;
    let relations = r.u32s()?;
    let tags = r.bytes()?;
    let values = r.u64_bytes()?;
    let dates = r.u32s()?;
    let locs = r.u32s()?;
    let text = if with_text {
        r.str()?
    } else {
        r.bytes().map(|_| "")?
    };
    r.end("facts")?;
    let n = facts as usize;
    if subjects.len() != n
        || relations.len() != n
        || tags.len() != n
        || values.len() != 8 * n
        || dates.len() != 3 * n
        || locs.len() != 3 * n
    {
        return Err("wrong number of facts".into());
    }
    Ok(FactColumns {
        subjects: subjects.0,
        relations: relations.0,
        tags,
        values,
        dates: dates.0,
        locs: locs.0,
        text,
    })
}

/// The facts of the facts section, decoded by index on rayon's pool ([`decode_runs`]). Each fact
/// depends on the ones before it only through the start of its text, the end of the
/// previous text fact: a run of facts carries it on, and a run that starts elsewhere finds
/// it by a backward scan of the tags. When any fact fails, the serial decode
/// ([`decode_facts_serial`]) gives the same error the serial decode always gave.
fn decode_facts(bytes: &[u8], b: &Bounds) -> R<Vec<Fact>> {
    let c = fact_columns(bytes, b.facts, true)?;
    let n = b.facts as usize;
    let placeholder = || Fact {
        subject: EntityId(0),
        relation: RelationId(0),
        value: FactValue::Number(0.0),
        validity: Validity::default(),
        negated: false,
        loc: Loc {
            file: FileId(0),
            span: Span { start: 0, end: 0 },
        },
    };
    let Some(facts) = decode_runs(
        n,
        FACTS_PER_JOB,
        |i| c.text_start(i),
        |i, text_at| c.fact(i, text_at, b),
        placeholder,
    ) else {
        return decode_facts_serial(&c, b);
    };
    if c.text_start(n) != c.text.len() {
        return Err("strings left over".into());
    }
    Ok(facts)
}

/// Items `0..n` decoded by index on rayon's pool, in place in one vector (`par_extend` of
/// an indexed iterator writes each item at its place), at least `per_job` to a job. Item
/// `i` depends on the ones before it only through a state (where its strings start): a run
/// of items carries it on from `item`, and a run that starts at `i` finds it by `start(i)`.
/// `None` when any item fails (the caller's serial decode then gives the first error), the
/// failed items' places holding `placeholder()` meanwhile.
fn decode_runs<T: Send, S>(
    n: usize,
    per_job: usize,
    start: impl Fn(usize) -> S + Sync + Send,
    item: impl Fn(usize, &mut S) -> R<T> + Sync + Send,
    placeholder: impl Fn() -> T + Sync + Send,
) -> Option<Vec<T>> {
    use rayon::prelude::*;
    let failed = std::sync::atomic::AtomicBool::new(false);
    let mut items = Vec::with_capacity(n);
    items.par_extend(
        (0..n)
            .into_par_iter()
            .with_min_len(per_job)
            // (the next item's index, its state) of the run this job is in
            .map_init(
                || (usize::MAX, None),
                |(next, state), i| {
                    if *next != i {
                        *state = Some(start(i));
                    }
                    *next = i + 1;
                    let decoded = state.as_mut().map(|s| item(i, s));
                    match decoded {
                        Some(Ok(x)) => x,
                        _ => {
                            failed.store(true, std::sync::atomic::Ordering::Relaxed);
                            placeholder()
                        }
                    }
                },
            ),
    );
    (!failed.into_inner()).then_some(items)
}

/// The fewest facts a job of [`decode_facts`] decodes: a few jobs per thread (a few facts
/// in the tests, so that their small inputs are split too).
const FACTS_PER_JOB: usize = if cfg!(test) { 3 } else { 16 * 1024 };

impl FactColumns<'_> {
    /// Where the text of a text fact at `i` or after starts: the end of the last text
    /// fact before `i` (0 when there is none).
    fn text_start(&self, i: usize) -> usize {
        let tags = &self.tags[..i.min(self.tags.len())];
        match tags.iter().rposition(|&t| t & !NEGATED == VALUE_TEXT) {
            Some(j) => usize::try_from(u64::from_le_bytes(le_bytes(self.values, 8 * j)))
                .unwrap_or(usize::MAX),
            None => 0,
        }
    }

    /// Fact `i`, whose text (if it has one) starts at `text_at`, which moves to its end.
    #[inline(always)]
    fn fact(&self, i: usize, text_at: &mut usize, b: &Bounds) -> R<Fact> {
        let tag = self.tags[i];
        // The dates of a fact are unpacked without a `Result` each (three or four per
        // fact): an invalid one sets `bad_date`, tested once where the first date error
        // would have returned.
        let mut bad_date = false;
        let value = u64::from_le_bytes(le_bytes(self.values, 8 * i));
        let small = u32::try_from(value).unwrap_or(u32::MAX);
        let value = match tag & !NEGATED {
            VALUE_ENTITY => FactValue::Entity(b.entity(small)?),
            VALUE_DATE => {
                FactValue::Date(date_or_flag(small, &mut bad_date).ok_or_else(invalid_date)?)
            }
            VALUE_NUMBER => FactValue::Number(f64::from_bits(value)),
            VALUE_TEXT => {
                let end = usize::try_from(value).unwrap_or(usize::MAX);
                let t = self
                    .text
                    .get(*text_at..end)
                    .ok_or("a string offset is out of range")?;
                *text_at = end;
                FactValue::Text(t.into())
            }
            _ => return Err("an unknown value type".into()),
        };
        let subject = b.entity(le_u32(self.subjects, 4 * i))?;
        let relation = b.relation(le_u32(self.relations, 4 * i))?;
        let validity = Validity {
            from: date_or_flag(le_u32(self.dates, 12 * i), &mut bad_date),
            until: date_or_flag(le_u32(self.dates, 12 * i + 4), &mut bad_date),
            on: date_or_flag(le_u32(self.dates, 12 * i + 8), &mut bad_date),
        };
        if bad_date {
            return Err(invalid_date());
        }
        Ok(Fact {
            subject,
            relation,
            value,
            validity,
            negated: tag & NEGATED != 0,
            loc: b.loc(loc_at(self.locs, 12 * i))?,
        })
    }
}

/// The facts decoded one after the other: the first error stops the decode.
fn decode_facts_serial(c: &FactColumns<'_>, b: &Bounds) -> R<Vec<Fact>> {
    let mut text_at = 0usize;
    let mut facts = Vec::with_capacity(c.tags.len());
    for i in 0..c.tags.len() {
        facts.push(c.fact(i, &mut text_at, b)?);
    }
    if text_at != c.text.len() {
        return Err("strings left over".into());
    }
    Ok(facts)
}

type Indexes = (Vec<u32>, Vec<FactId>, Vec<Closure>);

fn decode_indexes(bytes: &[u8], b: &Bounds, positive_count: usize) -> R<Indexes> {
    let mut r = Reader { bytes, at: 0 };
    let subject_starts = b.starts(r.u32s()?, positive_count)?;
    let order: Vec<FactId> = r.u32s()?.iter().map(FactId).collect();
    Bounds::ids_below(&order, |f| f.0, "fact", b.facts)?;
    let count = r.len(1)?;
    let mut closures: Vec<Closure> = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let relation = b.relation(r.u32()?)?;
        if closures.last().is_some_and(|c| c.relation >= relation) {
            return Err("the closures are out of order".into());
        }
        let starts = r.u32s()?;
        let reached = b.entities(r.u32s()?)?;
        let starts = b.starts(starts, reached.len())?;
        closures.push(Closure {
            relation,
            starts,
            reached,
        });
    }
    r.end("indexes")?;
    Ok((subject_starts, order, closures))
}

/// Checks the fact indexes against the facts, read from the facts section's columns (so
/// that it runs beside the decode of the facts, not after it): each subject's range holds
/// its facts sorted by relation, and the value index lists positive entity-valued facts in
/// key order. Called only when the facts decode, so their columns are as the decode found.
fn check_indexes(facts: &[u8], b: &Bounds, positive_count: usize, ix: &Indexes) -> R<()> {
    let c = fact_columns(facts, b.facts, false)?;
    let (subject_starts, by_value_order, _) = ix;
    check_subjects(&c, positive_count, subject_starts).and(check_values(
        &c,
        positive_count,
        by_value_order,
    ))
}

/// The subject index: positive facts first, each subject's range holds its facts sorted by
/// relation.
fn check_subjects(c: &FactColumns<'_>, positive_count: usize, starts: &[u32]) -> R<()> {
    let (positive, negated) = c.tags.split_at(positive_count.min(c.tags.len()));
    if positive.iter().any(|&t| t & NEGATED != 0) || negated.iter().any(|&t| t & NEGATED == 0) {
        return Err("a `not` fact among the positive ones".into());
    }
    for (s, w) in starts.windows(2).enumerate() {
        let (from, to) = (w[0] as usize, w[1] as usize);
        let (Some(subjects), Some(relations)) = (
            c.subjects.get(4 * from..4 * to),
            c.relations.get(4 * from..4 * to),
        ) else {
            return Err(INDEXES_DO_NOT_MATCH.into());
        };
        let mut previous = 0;
        for (subject, relation) in subjects.chunks_exact(4).zip(relations.chunks_exact(4)) {
            let relation = le_u32(relation, 0);
            if le_u32(subject, 0) as usize != s || relation < previous {
                return Err(INDEXES_DO_NOT_MATCH.into());
            }
            previous = relation;
        }
    }
    Ok(())
}

const INDEXES_DO_NOT_MATCH: &str = "the fact indexes do not match the facts";

/// The value index: the positive entity-valued facts, each once, in key order.
fn check_values(c: &FactColumns<'_>, positive_count: usize, order: &[FactId]) -> R<()> {
    let bad = || Err(INDEXES_DO_NOT_MATCH.to_string());
    let mut previous = None;
    for &id in order {
        let i = id.index();
        // a positive fact (not negated) with an entity value
        if i >= positive_count || c.tags.get(i) != Some(&VALUE_ENTITY) {
            return bad();
        }
        let value = u64::from_le_bytes(le_bytes(c.values, 8 * i));
        let key = (
            le_u32(c.relations, 4 * i),
            u32::try_from(value).unwrap_or(u32::MAX),
        );
        if previous.is_some_and(|p| p > key) {
            return bad();
        }
        previous = Some(key);
    }
    let positive = &c.tags[..positive_count.min(c.tags.len())];
    let wanted = positive
        .iter()
        .filter(|&&t| t & !NEGATED == VALUE_ENTITY)
        .count();
    if wanted != order.len() {
        return bad();
    }
    Ok(())
}

/// Decodes and checks a payload; `sources` are the rule texts the spans point into.
fn decode(payload: &[u8], sources: &SourceMap) -> R<KnowledgeBase> {
    decode_with(payload, sources, true)
}

/// [`decode`], with the fact indexes checked against the facts' columns or not (the tests
/// check them the simple way instead, on the decoded facts).
fn decode_with(payload: &[u8], sources: &SourceMap, check: bool) -> R<KnowledgeBase> {
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
        file_lens: sources.iter().map(|(_, f)| f.text().len()).collect(),
        kinds: head.kinds.len() as u32,
        relations: head.relations.len() as u32,
        entities: head.entities,
        facts: head.facts,
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
    let positive_count = head.positive_count as usize;

    // the big sections, on rayon's pool
    // the fact indexes are checked against the facts' columns beside the decode of the
    // facts; a failed check is reported only if everything decodes
    let ((entities, names), (facts, (indexes, checked))) = rayon::join(
        || {
            rayon::join(
                || decode_entities(parts[1], &b),
                || decode_names(parts[2], &b),
            )
        },
        || {
            rayon::join(
                || decode_facts(parts[3], &b),
                || {
                    let indexes = decode_indexes(parts[4], &b, positive_count);
                    let checked = match &indexes {
                        Ok(ix) if check => check_indexes(parts[3], &b, positive_count, ix),
                        _ => Ok(()),
                    };
                    (indexes, checked)
                },
            )
        },
    );
    let (subject_starts, by_value_order, closures) = indexes?;
    let kb = KnowledgeBase {
        sources: SourceMap::default(),
        kinds,
        kind_index,
        relations,
        relation_index,
        entities: entities?,
        names: names?,
        facts: facts?,
        positive_count,
        subject_starts,
        by_value_order,
        closures,
        known_quotes: std::sync::OnceLock::new(),
        person_names: std::sync::OnceLock::new(),
        check_index: std::sync::OnceLock::new(),
    };
    checked?;
    Ok(kb)
}

/// The cache's own encoding of a knowledge base, for tests: equal knowledge bases give
/// equal bytes.
#[doc(hidden)]
pub fn encoded(kb: &KnowledgeBase) -> Vec<u8> {
    encode(kb)
}

// ---- the checks' indexes --------------------------------------------------------------
//
// The indexes the checks derive from a knowledge base (its known quotes, `PersonNames`,
// the checks' `CheckIndex`) are cached beside it, in their own file under the same key
// and header: known quotes, person names, then the check index, as columns.

const CHECKS_MAGIC: &[u8; 16] = b"claimcheck-ck\0\0\x01";
/// Bump when the layout of the checks' file changes.
const CHECKS_FORMAT: u32 = 1;
/// The file name prefix of cached check indexes ([`KbCache::checks_path`]).
const CHECKS_PREFIX: &str = "checks-";

impl KbCache {
    /// Where the checks' indexes for the knowledge base cached under `key` are kept (see
    /// [`crate::check::CheckIndex`]): beside the knowledge base's file, and removed with it.
    pub fn checks_path(&self, key: u128) -> PathBuf {
        self.dir.join(format!("{CHECKS_PREFIX}{key:032x}.bin"))
    }
}

type CheckIndexes = (
    Vec<super::KnownQuote>,
    super::PersonNames,
    crate::check::CheckIndex,
);

/// Fills `kb`'s derived indexes (known quotes, person names, the check index) from the file
/// under `key` when it can be trusted; else builds them with `build` and (re)writes it.
pub(crate) fn cached_check_indexes(
    kb: &KnowledgeBase,
    cache: &KbCache,
    key: u128,
    build: fn(&KnowledgeBase) -> &crate::check::CheckIndex,
) -> CacheOutcome {
    // decoded: the three indexes, for the knowledge base's locks; built: the locks are
    // filled already
    let (decoded, outcome) = load_or_build(
        cache,
        &cache.checks_path(key),
        CHECKS_MAGIC,
        CHECKS_FORMAT,
        key,
        |payload| decode_checks(payload, kb).map(Some),
        || {
            build(kb);
            None
        },
        |_| encode_checks(kb.known_quotes(), kb.person_names(), build(kb)),
    );
    if let Some((quotes, names, index)) = decoded {
        // a lock another thread filled first holds an equal value
        let _ = kb.known_quotes.set(quotes);
        let _ = kb.person_names.set(names);
        let _ = kb.check_index.set(index);
    }
    outcome
}

/// (start, end, person) triples as one column.
fn triples(items: impl Iterator<Item = (u32, u32, u32)>) -> Vec<u32> {
    items.flat_map(|(a, b, c)| [a, b, c]).collect()
}

fn encode_checks(
    known: &[super::KnownQuote],
    names: &super::PersonNames,
    index: &crate::check::CheckIndex,
) -> Option<Vec<u8>> {
    let mut out = Out::default();
    let mut text = String::new();
    let mut ends = Vec::with_capacity(known.len());
    let mut locs = Vec::with_capacity(3 * known.len());
    for k in known {
        text.push_str(&k.key);
        ends.push(u32::try_from(text.len()).ok()?);
        let (f, s, e) = loc_raw(k.loc);
        locs.extend([f, s, e]);
    }
    out.bytes(text.as_bytes());
    out.u32s(&ends);
    out.u32s(&known.iter().map(|k| k.quote.0).collect::<Vec<_>>());
    out.u32s(&known.iter().map(|k| k.speaker.0).collect::<Vec<_>>());
    out.u32s(&locs);

    u32::try_from(names.text.len()).ok()?;
    out.bytes(names.text.as_bytes());
    out.u32s(&triples(
        names.surnames.iter().map(|&(s, e, p)| (s, e, p.0)),
    ));
    out.u32s(&triples(
        names.first_names.iter().map(|&(s, e, p)| (s, e, p.0)),
    ));
    out.u32s(&triples(
        names
            .surnames_by_person
            .iter()
            .map(|&(p, f, t)| (p.0, f, t)),
    ));
    out.u64s(&names.by_first_name);
    out.u32s(&names.first_name_text);

    let c = index.columns()?;
    out.bytes(c.keys.as_bytes());
    out.u32s(&c.key_ends);
    out.u32s(&c.group_ends);
    out.u32s(&c.surnames);
    out.u64s(&c.grams);
    out.u64s(&c.prefixes);
    out.u32s(&c.prefix_quotes);
    Some(out.0)
}

/// The items of `iter` in a vector of its exact length, or its first error: `collect` into
/// a `Result` cannot see the length, so its vector grows by doubling (a copy of every item
/// and fresh memory at each size).
pub(crate) fn try_collect<T, E>(
    iter: impl ExactSizeIterator<Item = Result<T, E>>,
) -> Result<Vec<T>, E> {
    let mut out = Vec::with_capacity(iter.len());
    for item in iter {
        out.push(item?);
    }
    Ok(out)
}

/// A column of little-endian `u64`s.
pub(crate) fn u64s(bytes: &[u8]) -> Vec<u64> {
    bytes
        .as_chunks()
        .0
        .iter()
        .map(|&c| u64::from_le_bytes(c))
        .collect()
}

fn decode_checks(payload: &[u8], kb: &KnowledgeBase) -> R<CheckIndexes> {
    let b = Bounds {
        file_lens: kb.sources.iter().map(|(_, f)| f.text().len()).collect(),
        kinds: 0,
        relations: 0,
        entities: u32::try_from(kb.entities.len()).map_err(|e| e.to_string())?,
        facts: 0,
    };
    let mut r = Reader {
        bytes: payload,
        at: 0,
    };

    // known quotes
    let text = r.str()?;
    let ends = r.u32s()?;
    let quotes = r.u32s()?;
    let speakers = r.u32s()?;
    let locs = r.u32s()?;
    let n = ends.len();
    if quotes.len() != n || speakers.len() != n || locs.len() != 3 * n {
        return Err("wrong number of known quotes".into());
    }
    let mut keys = Cuts::new(text, ends);
    let mut known = Vec::with_capacity(n);
    for ((quote, speaker), loc) in quotes
        .iter()
        .zip(speakers.iter())
        .zip(locs.0.chunks_exact(12))
    {
        known.push(super::KnownQuote {
            key: keys.next()?.to_string(),
            quote: b.entity(quote)?,
            speaker: b.entity(speaker)?,
            loc: b.loc(loc_at(loc, 0))?,
        });
    }
    keys.done()?;

    // person names: every span a range of the text on char boundaries, every id in range,
    // the per-person runs and the first-name pairs ascending
    let text = r.str()?;
    let spans = |col: U32s<'_>| -> R<Vec<(u32, u32, EntityId)>> {
        if !col.len().is_multiple_of(3) {
            return Err("wrong number of names".into());
        }
        try_collect(col.0.chunks_exact(12).map(|c| {
            let (s, e, p) = loc_at(c, 0);
            if s <= e && text.is_char_boundary(s as usize) && text.is_char_boundary(e as usize) {
                Ok((s, e, b.entity(p)?))
            } else {
                Err("a name offset is out of range".to_string())
            }
        }))
    };
    let surnames = spans(r.u32s()?)?;
    let first_names = spans(r.u32s()?)?;
    let by_person = r.u32s()?;
    if by_person.len() % 3 != 0 {
        return Err("wrong number of surname runs".into());
    }
    let surnames_by_person = try_collect(by_person.0.chunks_exact(12).map(|c| {
        let (p, from, to) = loc_at(c, 0);
        if from <= to && to as usize <= surnames.len() {
            Ok((b.entity(p)?, from, to))
        } else {
            Err("a surname run is out of range".to_string())
        }
    }))?;
    let by_first_name = u64s(r.u64_bytes()?);
    let first_name_text = r.u32s()?.to_vec();
    if surnames_by_person.windows(2).any(|w| w[0].0 >= w[1].0)
        || by_first_name.windows(2).any(|w| w[0] >= w[1])
        || by_first_name
            .iter()
            .any(|&p| (p >> 32) as usize >= first_name_text.len() || p as u32 >= b.entities)
        || first_name_text
            .iter()
            .any(|&i| i as usize >= first_names.len())
    {
        return Err("the person names do not fit together".into());
    }
    // the surname set is made beside the check index (which needs only the count)
    let (surname_set, index) = rayon::join(
        || super::surname_set(text, &surnames),
        || -> R<crate::check::CheckIndex> {
            let mut c = crate::check::CheckIndex::empty_columns();
            c.keys = r.str()?.to_string();
            c.key_ends = r.u32s()?.to_vec();
            c.group_ends = r.u32s()?.to_vec();
            c.surnames = r.u32s()?.to_vec();
            c.grams = u64s(r.u64_bytes()?);
            c.prefixes = u64s(r.u64_bytes()?);
            c.prefix_quotes = r.u32s()?.to_vec();
            r.end("check indexes")?;
            crate::check::CheckIndex::from_columns(c, &known, kb.entities.len(), surnames.len())
        },
    );
    let index = index?;
    let names = super::PersonNames {
        surname_set,
        text: text.to_string(),
        surnames,
        first_names,
        surnames_by_person,
        by_first_name,
        first_name_text,
    };
    Ok((known, names, index))
}

#[cfg(test)]
mod kb_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn files_read_in_halves_are_read_as_std_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        for len in [
            0,
            1,
            4097,
            SPLIT_READ_BYTES - 1,
            SPLIT_READ_BYTES,
            SPLIT_READ_BYTES + 1,
            3 * SPLIT_READ_BYTES + 7,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            for split in [true, false] {
                assert_eq!(read_file(&path, split).unwrap(), Some(bytes.clone()));
            }
            // a buffer shorter than the file: not its end; longer: an error
            let file = std::fs::File::open(&path).unwrap();
            if len > 0 {
                let mut short = vec![0; len - 1];
                assert!(!read_split(&file, &mut short).unwrap());
                assert_eq!(short, bytes[..len - 1]);
            }
            let file = std::fs::File::open(&path).unwrap();
            assert!(read_split(&file, &mut vec![0; len + 1]).is_err());
        }
        for split in [true, false] {
            assert_eq!(read_file(&dir.path().join("none"), split).unwrap(), None);
            assert_eq!(
                read_file(dir.path(), split).unwrap_err(),
                format!("cannot read: {}", std::fs::read(dir.path()).unwrap_err())
            );
        }
    }

    const RULES: &str = "person \"Tony Blair\" aka \"Blair\"\n\
        title \"Prime Minister\"\n\
        title \"Envoy\"\n\
        person \"David Cameron\" aka \"Cameron\"\n\
        \"Tony Blair\" holds \"Prime Minister\" from 1997-05-02 until 2007-06-27\n\
        \"Tony Blair\" holds \"Envoy\" from 2007\n\
        \"David Cameron\" holds \"Prime Minister\" from 2010-05-11 until 2016-07-13\n\
        city \"Riyadh\" in \"Saudi Arabia\"\n\
        country \"Saudi Arabia\"\n\
        event \"The Summit\" at \"Riyadh\" on 2019-03\n\
        not \"David Cameron\" holds \"Envoy\"\n";

    /// The simple form of the fact-index checks, on the decoded facts.
    fn reference_check_indexes(kb: &KnowledgeBase) -> R<()> {
        let positive = &kb.facts[..kb.positive_count];
        let subjects = if positive.iter().any(|f| f.negated)
            || kb.facts[kb.positive_count..].iter().any(|f| !f.negated)
        {
            Err("a `not` fact among the positive ones".to_string())
        } else {
            let bad = kb.subject_starts.windows(2).enumerate().any(|(s, w)| {
                let group = &positive[w[0] as usize..w[1] as usize];
                group.iter().any(|f| f.subject.index() != s)
                    || group.windows(2).any(|p| p[0].relation > p[1].relation)
            });
            if bad {
                Err(INDEXES_DO_NOT_MATCH.to_string())
            } else {
                Ok(())
            }
        };
        let mut previous = None;
        let mut values = Ok(());
        for &id in &kb.by_value_order {
            let Some(Fact {
                relation,
                value: FactValue::Entity(v),
                negated: false,
                ..
            }) = positive.get(id.index())
            else {
                values = Err(INDEXES_DO_NOT_MATCH.to_string());
                break;
            };
            if previous.is_some_and(|p| p > (*relation, *v)) {
                values = Err(INDEXES_DO_NOT_MATCH.to_string());
                break;
            }
            previous = Some((*relation, *v));
        }
        let wanted = positive
            .iter()
            .filter(|f| matches!(f.value, FactValue::Entity(_)))
            .count();
        if values.is_ok() && wanted != kb.by_value_order.len() {
            values = Err(INDEXES_DO_NOT_MATCH.to_string());
        }
        subjects.and(values)
    }

    #[test]
    fn the_column_checks_of_the_fact_indexes_agree_with_the_simple_ones() {
        let kb = crate::rules::load_str("t.rules", RULES).unwrap();
        let payload = encode(&kb);
        let sources = &kb.sources;
        assert!(decode(&payload, sources).is_ok());
        // every byte changed three ways (a valid checksum is not needed here): the
        // decode with the column checks accepts exactly what the decode without them and
        // the simple checks accept, with the same reason
        for at in 0..payload.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bad = payload.clone();
                bad[at] ^= flip;
                // a name table that passes its checks never panics when used
                let fast = decode(&bad, sources).map(|kb| {
                    for name in ["tony blair", "blair", "riyadh", "nobody"] {
                        kb.names.get(name);
                    }
                });
                let simple =
                    decode_with(&bad, sources, false).and_then(|kb| reference_check_indexes(&kb));
                assert_eq!(fast, simple, "byte {at} ^ {flip:#x}");
            }
        }
    }

    /// A facts section from raw columns, as [`encode_facts`] writes it.
    fn facts_section(facts: &[(u32, u32, u8, u64, [u32; 3])], text: &str) -> Vec<u8> {
        let mut out = Out::default();
        out.u32s(&facts.iter().map(|f| f.0).collect::<Vec<_>>());
        out.u32s(&facts.iter().map(|f| f.1).collect::<Vec<_>>());
        out.bytes(&facts.iter().map(|f| f.2).collect::<Vec<_>>());
        out.u64s(&facts.iter().map(|f| f.3).collect::<Vec<_>>());
        out.u32s(&facts.iter().flat_map(|f| f.4).collect::<Vec<_>>());
        out.u32s(&facts.iter().flat_map(|_| [0, 1, 2]).collect::<Vec<_>>());
        out.bytes(text.as_bytes());
        out.0
    }

    proptest! {
        #[test]
        fn facts_decoded_in_parallel_are_the_serial_ones(
            facts in proptest::collection::vec(
                (
                    0u32..5,
                    0u32..4,
                    prop_oneof![0u8..8, Just(VALUE_TEXT), Just(VALUE_TEXT | NEGATED)],
                    prop_oneof![0u64..12, Just(2024 << 16 | 2 << 8 | 29), Just(1 << 40)],
                    prop_oneof![
                        Just([0, 0, 0]),
                        Just([2023 << 16 | 2 << 8 | 29, 0, 1999 << 16]),
                        Just([2024 << 16 | 13 << 8, 0, 0]),
                    ],
                ),
                0..40,
            ),
            text in "[aé]{0,12}",
            sorted_ends: bool,
        ) {
            let mut facts = facts;
            if sorted_ends {
                // text ends that mostly fit: the running end of each text fact
                let mut end = 0;
                for f in &mut facts {
                    if f.2 & !NEGATED == VALUE_TEXT {
                        end = (end + f.3 as usize % 3).min(text.len());
                        f.3 = end as u64;
                    }
                }
            }
            let bytes = facts_section(&facts, &text);
            let b = Bounds {
                file_lens: vec![10],
                kinds: 2,
                relations: 3,
                entities: 4,
                facts: facts.len() as u32,
            };
            let parallel = decode_facts(&bytes, &b).map(|f| format!("{f:?}"));
            let serial = fact_columns(&bytes, b.facts, true)
                .and_then(|c| decode_facts_serial(&c, &b))
                .map(|f| format!("{f:?}"));
            prop_assert_eq!(parallel, serial);
        }

        #[test]
        fn entities_decoded_in_parallel_are_the_serial_ones(
            entities in proptest::collection::vec(
                (0u32..3, 0u8..2, prop_oneof![4 => 0u32..3, 1 => Just(u32::MAX)], 0u32..6),
                0..40,
            ),
            text in "[aé]{0,30}",
            cuts in proptest::collection::vec(0u32..4, 0..120),
            fitting: bool,
            alias_spans_more in 0usize..2,
        ) {
            let names: usize = entities.len()
                + entities.iter().map(|e| e.2 as usize).sum::<usize>();
            // ends that mostly fit (one per name, ending at the text's end), or raw ones
            let ends: Vec<u32> = if fitting {
                let mut end = 0;
                let mut ends: Vec<u32> = (0..names.min(200))
                    .map(|i| {
                        end = (end + cuts.get(i).copied().unwrap_or(1)).min(text.len() as u32);
                        end
                    })
                    .collect();
                if let Some(last) = ends.last_mut() {
                    *last = text.len() as u32;
                }
                ends
            } else {
                cuts.iter().map(|&c| c * 2).collect()
            };
            let aliases = entities.iter().map(|e| e.2 as usize).sum::<usize>().min(200);
            let bytes = entities_section(&entities, &text, &ends, aliases + alias_spans_more);
            let b = Bounds {
                file_lens: vec![10],
                kinds: 2,
                relations: 3,
                entities: entities.len() as u32,
                facts: 0,
            };
            let parallel = decode_entities(&bytes, &b).map(|e| format!("{e:?}"));
            let serial = entity_columns(&bytes, b.entities)
                .and_then(|c| decode_entities_serial(&c, &b))
                .map(|e| format!("{e:?}"));
            prop_assert_eq!(parallel, serial);
        }
    }

    /// An entities section from raw columns, as [`encode_entities`] writes it: per
    /// entity (kind, flag, alias count, span start).
    fn entities_section(
        entities: &[(u32, u8, u32, u32)],
        text: &str,
        ends: &[u32],
        alias_spans: usize,
    ) -> Vec<u8> {
        let mut out = Out::default();
        out.bytes(text.as_bytes());
        out.u32s(ends);
        out.u32s(&entities.iter().map(|e| e.0).collect::<Vec<_>>());
        out.bytes(&entities.iter().map(|e| e.1).collect::<Vec<_>>());
        out.u32s(&entities.iter().map(|e| e.2).collect::<Vec<_>>());
        out.u32s(
            &entities
                .iter()
                .flat_map(|e| [0, e.3, 4, 0, 1, 2])
                .collect::<Vec<_>>(),
        );
        out.u32s(
            &(0..alias_spans as u32)
                .flat_map(|i| [0, i % 12, 9])
                .collect::<Vec<_>>(),
        );
        out.0
    }

    #[test]
    fn truncated_payloads_are_rejected() {
        let kb = crate::rules::load_str("t.rules", RULES).unwrap();
        let payload = encode(&kb);
        for len in 0..payload.len() {
            assert!(decode(&payload[..len], &kb.sources).is_err(), "{len}");
        }
    }

    #[test]
    fn the_stored_name_table_gives_the_same_look_ups() {
        let kb = crate::rules::load_str("t.rules", RULES).unwrap();
        let decoded = decode(&encode(&kb), &kb.sources).unwrap();
        for name in [
            "tony blair",
            "blair",
            "cameron",
            "riyadh",
            "saudi arabia",
            "nobody",
        ] {
            assert_eq!(decoded.names.get(name), kb.names.get(name), "{name}");
        }
    }
}

#[cfg(test)]
mod check_index_tests {
    use super::*;
    use crate::check::CheckIndex;

    const RULES: &str = "person \"Tony Blair\" aka \"Blair\"\n\
        person \"David Cameron\" aka \"Cameron\", \"Lord Cameron\"\n\
        person \"David Lammy\"\n\
        person \"Émile Zolaé\" aka \"Zolaé\"\n\
        quote \"We cannot recognize any agreements about us without us\" by \"Tony Blair\"\n\
        quote \"the collapse of the union was a major disaster\" by \"David Cameron\"\n\
        quote \"the collapse of the union\" by \"Émile Zolaé\"\n";

    fn load() -> KnowledgeBase {
        crate::rules::load_str("t.rules", RULES).unwrap()
    }

    fn payload(kb: &KnowledgeBase) -> Vec<u8> {
        encode_checks(kb.known_quotes(), kb.person_names(), CheckIndex::get(kb)).unwrap()
    }

    #[test]
    fn the_checks_indexes_decode_to_the_built_ones() {
        let kb = load();
        assert_eq!(kb.known_quotes().len(), 3);
        assert!(kb.person_names().is_surname("Cameron"));
        let (quotes, names, index) = decode_checks(&payload(&kb), &kb).unwrap();
        assert_eq!(quotes, kb.known_quotes());
        assert!(names == *kb.person_names());
        assert_eq!(&index, CheckIndex::get(&kb));
        for word in ["Cameron", "Lammy", "Zolaé", "Blair", "David", "Tony"] {
            assert_eq!(names.is_surname(word), kb.person_names().is_surname(word));
        }
        // the indexes of another knowledge base's entities are out of range here
        let small = crate::rules::load_str("s.rules", "person \"Ann Lee\"\n").unwrap();
        assert!(decode_checks(&payload(&kb), &small).is_err());
    }

    #[test]
    fn damaged_check_payloads_are_rejected_or_harmless() {
        // with a valid checksum, any byte changed: decoding never panics, and indexes that
        // pass their checks never panic when used
        let kb = load();
        let payload = payload(&kb);
        for at in 0..payload.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bad = payload.clone();
                bad[at] ^= flip;
                if let Ok((quotes, names, index)) = decode_checks(&bad, &kb) {
                    for word in ["Cameron", "Lammy", "Zolaé", "x"] {
                        names.is_surname(word);
                        index.surnames_after(word, 'C', 0..=9);
                        index.matching_quote(&quotes, word, true);
                        index.matching_quote(&quotes, word, false);
                    }
                    for (_, people) in names.first_name_groups() {
                        for p in people {
                            names.surnames_of(p).count();
                        }
                    }
                }
            }
        }
        for len in 0..payload.len() {
            assert!(decode_checks(&payload[..len], &kb).is_err(), "{len}");
        }
    }

    #[test]
    fn cached_check_indexes_are_read_back_and_damaged_files_rebuilt() {
        let built = load();
        let dir = tempfile::tempdir().unwrap();
        let cache = KbCache::new(dir.path());
        let key = 42;
        let path = cache.checks_path(key);
        let check = |key: u128, expected: &str| {
            let kb = load();
            let outcome = cached_check_indexes(&kb, &cache, key, CheckIndex::get);
            assert_eq!(kb.known_quotes(), built.known_quotes());
            assert!(kb.person_names() == built.person_names());
            assert_eq!(CheckIndex::get(&kb), CheckIndex::get(&built));
            let outcome = match outcome {
                CacheOutcome::Hit => "hit".to_string(),
                CacheOutcome::Miss => "miss".to_string(),
                CacheOutcome::Invalid(why) => why,
            };
            assert!(outcome.contains(expected), "{outcome} is not {expected}");
        };
        check(key, "miss");
        let good = std::fs::read(&path).unwrap();
        check(key, "hit");
        let damage = |bytes: &[u8]| std::fs::write(&path, bytes).unwrap();
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 1;
        damage(&flipped);
        check(key, "checksum");
        assert_eq!(std::fs::read(&path).unwrap(), good, "rewritten");
        damage(&good[..good.len() - 3]);
        check(key, "truncated");
        damage(b"hello");
        check(key, "not a claimcheck cache");
        check(key, "hit");
        // the file of another key is not read for this one
        std::fs::copy(&path, cache.checks_path(7)).unwrap();
        check(7, "written for other rules");
        // a knowledge-base file is not the checks' indexes
        damage(&framed(MAGIC, CHECKS_FORMAT, key, b""));
        check(key, "not a claimcheck cache");
    }
}
