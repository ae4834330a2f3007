//! Finding, reading and parsing rule files, following `use` imports, then compiling.
//!
//! The embedded prelude `std.rules` is always loaded first, unless the paths given include a
//! file named `std.rules`: that file is then the prelude (so that `rules check rules/` in this
//! repository checks the prelude on disk instead of reporting every kind twice). Rule files
//! come from paths given
//! by the user (files, or directories walked for `*.rules`) or, by default, from the rule set
//! embedded in the binary. An import is resolved relative to the file that makes it; each
//! file is loaded once however often it is imported; a cycle, a missing file or an import
//! chain deeper than [`MAX_IMPORT_DEPTH`] is an error at the `use` line.

use std::path::{Component, Path, PathBuf};

use rustc_hash::FxHashMap;

use crate::kb::KnowledgeBase;
use crate::kb::cache::{
    CacheOutcome, CacheReport, KbCache, SPLIT_READ_BYTES, joined_digest, read_split, text_digest,
};
use crate::span::Span;
use std::sync::Arc;

use crate::rules::ast::RuleFile;
use crate::rules::compile::compile;
use crate::rules::diagnostic::{RuleDiagnostic, RuleErrors};
use crate::rules::parser::{MAX_KEPT_ERRORS, parse_counted};
use crate::source::{FileId, Loc, SourceFile, SourceMap};

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// How deep `use` chains may go before loading stops with an error.
pub const MAX_IMPORT_DEPTH: usize = 64;

/// The most rule text one load reads, all files together: 1 GiB. Spans are 32-bit, and
/// the name automaton stays far below its size limit. The largest generated benchmark
/// (100k entities, 300k facts) is 23 MB.
pub const MAX_RULE_BYTES: usize = 1 << 30;

/// The display prefix of embedded rule files.
pub const BUILTIN_PREFIX: &str = "<builtin>/";

/// Which rules to load.
#[derive(Clone, Debug, Default)]
pub struct RuleSelection {
    /// Files or directories of `*.rules`.
    pub paths: Vec<PathBuf>,
    /// Also load the embedded default knowledge base (`rules/world/`).
    pub default_rules: bool,
}

impl RuleSelection {
    /// The embedded defaults only.
    pub fn defaults() -> Self {
        RuleSelection {
            paths: Vec::new(),
            default_rules: true,
        }
    }

    pub fn paths(paths: impl IntoIterator<Item = impl Into<PathBuf>>) -> Self {
        RuleSelection {
            paths: paths.into_iter().map(Into::into).collect(),
            default_rules: false,
        }
    }
}

/// Loads and compiles rules: the prelude, then the selection. Every problem in every file is
/// collected; any problem means no knowledge base.
pub fn load(selection: &RuleSelection) -> Result<KnowledgeBase, RuleErrors> {
    Loader::discover(selection).parse_and_compile()
}

/// Loads like [`load`], through a cache of compiled knowledge bases (see
/// [`crate::kb::cache`]): the rule files are read (to compute the key) but parsed and
/// compiled only when the cache has no valid entry for them; a compiled knowledge base is
/// then written to the cache. Rules with errors are never cached.
pub fn load_cached(
    selection: &RuleSelection,
    cache: &KbCache,
) -> Result<(KnowledgeBase, CacheReport), RuleErrors> {
    let loader = Loader::discover_with(selection, true);
    if !loader.diagnostics.is_empty() {
        // a missing file or import: compiling reports it with everything else
        return loader.parse_and_compile().map(|kb| {
            let report = CacheReport {
                outcome: CacheOutcome::Miss,
                path: cache.dir().to_path_buf(),
                key: None,
                write_error: None,
            };
            (kb, report)
        });
    }
    // the digests were computed as the files were read (one per file, by file id)
    let key = if loader.digests.len() == loader.sources.len() {
        KbCache::key_of(&loader.sources, &loader.order, &loader.digests)
    } else {
        KbCache::key(&loader.sources, &loader.order)
    };
    let path = cache.path(key);
    let outcome = match cache.read(key, &loader.sources) {
        Ok(Some(mut kb)) => {
            kb.sources = loader.sources;
            let report = CacheReport {
                outcome: CacheOutcome::Hit,
                path,
                key: Some(key),
                write_error: None,
            };
            return Ok((kb, report));
        }
        Ok(None) => CacheOutcome::Miss,
        Err(reason) => CacheOutcome::Invalid(reason),
    };
    let kb = loader.parse_and_compile()?;
    let write_error = cache.write(key, &kb).err();
    Ok((
        kb,
        CacheReport {
            outcome,
            path,
            key: Some(key),
            write_error,
        },
    ))
}

impl Loader {
    /// Reads the prelude and the selected files, following imports.
    fn discover(selection: &RuleSelection) -> Loader {
        Loader::discover_with(selection, false)
    }

    /// [`Loader::discover`], with each file's digest ([`text_digest`]) (for the cache's key) in
    /// `digests` when `digests` is set.
    fn discover_with(selection: &RuleSelection, digests: bool) -> Loader {
        let mut loader = Loader {
            want_digests: digests,
            ..Loader::default()
        };
        let roots: Vec<PathBuf> = selection
            .paths
            .iter()
            .flat_map(|path| loader.expand_root(path))
            .collect();
        let (prelude, rest): (Vec<_>, Vec<_>) = roots
            .into_iter()
            .partition(|p| p.file_name().is_some_and(|n| n == "std.rules"));
        match prelude.first() {
            Some(path) => loader.load_disk(path, None, 0),
            None => loader.load_embedded("std.rules", None, 0),
        }
        if selection.default_rules {
            for (name, _) in EMBEDDED_RULES.iter().filter(|(n, _)| *n != "std.rules") {
                loader.load_embedded(name, None, 0);
            }
        }
        // A second `std.rules` is loaded as an ordinary file, and its duplicates are reported.
        for path in prelude.iter().skip(1).chain(&rest) {
            loader.load_disk(path, None, 0);
        }
        loader
    }
}

/// Compiles rule text given in memory (after the prelude). Imports in it are not followed.
pub fn load_str(name: &str, text: &str) -> Result<KnowledgeBase, RuleErrors> {
    let mut loader = Loader::default();
    loader.load_embedded("std.rules", None, 0);
    if !loader.within_budget(text.len(), name, None) {
        return loader.parse_and_compile();
    }
    let file = loader.sources.add(SourceFile::new(name, text));
    loader.order.push(file);
    loader.parse_and_compile()
}

/// Where a rule file lives, which decides how its imports resolve.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Origin {
    Embedded(String),
    Disk(PathBuf),
}

#[derive(Default)]
struct Loader {
    sources: SourceMap,
    /// Files in load order (imports before the files that import them).
    order: Vec<FileId>,
    diagnostics: Vec<RuleDiagnostic>,
    loaded: FxHashMap<Origin, FileId>,
    /// The chain of files being loaded, for cycle reports.
    stack: Vec<Origin>,
    /// Bytes of rule text read so far.
    total_bytes: usize,
    /// Whether to compute `digests`.
    want_digests: bool,
    /// The digest ([`text_digest`]) of each file's text, by file id (when `want_digests`).
    digests: Vec<u128>,
}

impl Loader {
    /// The rule files a root path names: itself, or the `*.rules` under a directory, sorted.
    fn expand_root(&mut self, path: &Path) -> Vec<PathBuf> {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .filter_map(|entry| match entry {
                    Ok(e) => Some(e),
                    Err(err) => {
                        self.diagnostics.push(RuleDiagnostic::without_location(
                            "rules::io",
                            format!(
                                "cannot read {}: {err}",
                                err.path().unwrap_or(path).display()
                            ),
                        ));
                        None
                    }
                })
                .filter(|e| {
                    e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rules")
                })
                .map(|e| e.into_path())
                .collect();
            found.sort();
            if found.is_empty() {
                self.diagnostics.push(
                    RuleDiagnostic::without_location(
                        "rules::no-rules",
                        format!("no `.rules` files under {}", path.display()),
                    )
                    .with_help("point at a rule file or a directory that contains `.rules` files"),
                );
            }
            found
        } else {
            vec![path.to_path_buf()]
        }
    }

    fn load_embedded(&mut self, name: &str, importer: Option<Loc>, depth: usize) {
        let origin = Origin::Embedded(name.to_string());
        let Some(&(_, text)) = EMBEDDED_RULES.iter().find(|(n, _)| *n == name) else {
            self.report_missing(
                importer,
                &format!("{BUILTIN_PREFIX}{name}"),
                "no such embedded rule file",
            );
            return;
        };
        self.load(
            origin,
            format!("{BUILTIN_PREFIX}{name}"),
            &|digest| {
                Ok((
                    Arc::from(text),
                    digest.then(|| text_digest(text.as_bytes())),
                    None,
                ))
            },
            importer,
            depth,
        );
    }

    fn load_disk(&mut self, path: &Path, importer: Option<Loc>, depth: usize) {
        let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let display = path.display().to_string();
        self.load(
            Origin::Disk(identity),
            display,
            &|digest| read_rule_file(path, digest),
            importer,
            depth,
        );
    }

    fn load(
        &mut self,
        origin: Origin,
        display: String,
        read: &dyn Fn(bool) -> Result<RuleText, String>,
        importer: Option<Loc>,
        depth: usize,
    ) {
        if let Some(pos) = self.stack.iter().position(|o| *o == origin) {
            let chain: Vec<String> = self.stack[pos..]
                .iter()
                .chain(std::iter::once(&origin))
                .map(|o| self.display_name(o))
                .collect();
            let d = match importer {
                Some(at) => RuleDiagnostic::new(
                    "rules::import-cycle",
                    format!("import cycle: {}", chain.join(" → ")),
                    at,
                    "this import closes the cycle",
                ),
                None => RuleDiagnostic::without_location(
                    "rules::import-cycle",
                    format!("import cycle: {}", chain.join(" → ")),
                ),
            };
            self.diagnostics.push(d.with_help("remove one of the `use` lines in the cycle; a file may be imported by many others, but never by itself"));
            return;
        }
        if self.loaded.contains_key(&origin) {
            return;
        }
        if depth > MAX_IMPORT_DEPTH {
            if let Some(at) = importer {
                self.diagnostics.push(
                    RuleDiagnostic::new(
                        "rules::import-depth",
                        format!("imports are nested more than {MAX_IMPORT_DEPTH} deep"),
                        at,
                        "too deep",
                    )
                    .with_help("flatten the rule set: import the files from one top-level file"),
                );
            }
            return;
        }
        let (text, digest, imports) = match read(self.want_digests) {
            Ok(read) => read,
            Err(reason) => {
                self.report_missing(importer, &display, &reason);
                return;
            }
        };
        if !self.within_budget(text.len(), &display, importer) {
            return;
        }
        let file = self.sources.add(SourceFile::new(display, text));
        if let Some(digest) = digest {
            self.digests.push(digest);
        }
        self.loaded.insert(origin.clone(), file);
        self.stack.push(origin.clone());
        let imports: Vec<(String, Loc)> = imports
            .unwrap_or_else(|| crate::rules::parser::imports(self.sources.get(file).text()))
            .into_iter()
            .map(|(path, span)| (path, Loc { file, span }))
            .collect();
        for (path, at) in imports {
            match &origin {
                Origin::Embedded(name) => {
                    let target = join_virtual(name, &path);
                    self.load_embedded(&target, Some(at), depth + 1);
                }
                Origin::Disk(from) => {
                    let base = from.parent().unwrap_or(Path::new("."));
                    let shown_base = Path::new(self.sources.get(file).name())
                        .parent()
                        .unwrap_or(Path::new(""))
                        .to_path_buf();
                    let target = base.join(&path);
                    let identity = std::fs::canonicalize(&target).unwrap_or(target.clone());
                    let display = tidy(&shown_base.join(&path));
                    self.load(
                        Origin::Disk(identity),
                        display,
                        &|digest| read_rule_file(&target, digest),
                        Some(at),
                        depth + 1,
                    );
                }
            }
        }
        self.stack.pop();
        self.order.push(file);
    }

    /// Parses every loaded file and compiles them together. The syntax trees borrow the
    /// texts (shared `Arc<str>`s), so a rule file is never copied into owned strings.
    fn parse_and_compile(self) -> Result<KnowledgeBase, RuleErrors> {
        let Loader {
            sources,
            order,
            mut diagnostics,
            ..
        } = self;
        let texts: Vec<(FileId, Arc<str>)> = order
            .iter()
            .map(|&f| (f, sources.get(f).shared_text()))
            .collect();
        let mut files: Vec<(FileId, RuleFile<'_>)> = Vec::with_capacity(texts.len());
        let mut omitted = 0;
        for (file, text) in &texts {
            let (ast, errors, not_kept) = parse_counted(text, MAX_KEPT_ERRORS);
            omitted += not_kept;
            for e in errors {
                let mut d = RuleDiagnostic::new(
                    "rules::syntax",
                    e.message,
                    Loc {
                        file: *file,
                        span: e.span,
                    },
                    e.label,
                );
                d.help = e.help;
                diagnostics.push(d);
            }
            files.push((*file, ast));
        }
        compile(sources, files, diagnostics).map_err(|mut e| {
            e.omitted += omitted;
            e
        })
    }

    /// Counts `len` more bytes of rule text; past [`MAX_RULE_BYTES`], reports the file and
    /// says no.
    fn within_budget(&mut self, len: usize, display: &str, importer: Option<Loc>) -> bool {
        self.total_bytes = self.total_bytes.saturating_add(len);
        if self.total_bytes <= MAX_RULE_BYTES {
            return true;
        }
        let message = format!(
            "cannot load {display}: the rule files add up to more than {MAX_RULE_BYTES} bytes"
        );
        let d = match importer {
            Some(at) => RuleDiagnostic::new("rules::too-large", message, at, "imported here"),
            None => RuleDiagnostic::without_location("rules::too-large", message),
        };
        self.diagnostics
            .push(d.with_help("split the knowledge base, or load only the files a run needs"));
        false
    }

    fn display_name(&self, origin: &Origin) -> String {
        match self.loaded.get(origin) {
            Some(&id) => self.sources.get(id).name().to_string(),
            None => match origin {
                Origin::Embedded(n) => format!("{BUILTIN_PREFIX}{n}"),
                Origin::Disk(p) => p.display().to_string(),
            },
        }
    }

    fn report_missing(&mut self, importer: Option<Loc>, name: &str, reason: &str) {
        let d = match importer {
            Some(at) => RuleDiagnostic::new(
                "rules::missing-import",
                format!("cannot import {name}: {reason}"),
                at,
                "imported here",
            )
            .with_help("paths in `use` are relative to the file that contains the `use` line"),
            None => RuleDiagnostic::without_location(
                "rules::io",
                format!("cannot read {name}: {reason}"),
            ),
        };
        self.diagnostics.push(d);
    }
}

/// A rule file's text, its digest when asked for, and its `use` lines when they were found
/// as it was read ([`crate::rules::parser::imports`]; else the loader finds them).
type RuleText = (Arc<str>, Option<u128>, Option<Vec<(String, Span)>>);

/// The text of a rule file, and its digest ([`text_digest`]) if `digest` (computed beside
/// the UTF-8 check, on rayon's pool: the cache's key needs only the bytes).
fn read_rule_file(path: &Path, digest: bool) -> Result<RuleText, String> {
    use std::io::{Read, Seek};
    let mut file = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
    let meta = file.metadata().map_err(|e| io_reason(&e))?;
    if meta.is_dir() {
        return Err("is a directory, not a rule file".into());
    }
    let too_large = || format!("the file is over the limit of {MAX_RULE_BYTES} bytes");
    if meta.len() > MAX_RULE_BYTES as u64 {
        return Err(too_large());
    }
    if meta.is_file() && meta.len() >= SPLIT_READ_BYTES as u64 {
        if let Some(read) = read_shared(&file, meta.len() as usize, digest) {
            return read;
        }
        // not the length its metadata gave, or it failed: read it again as below (which
        // gives the error, if there is one)
        file.rewind().map_err(|e| io_reason(&e))?;
    }
    // never more than the limit, whatever size the file system reported
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_RULE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_reason(&e))?;
    if bytes.len() > MAX_RULE_BYTES {
        return Err(too_large());
    }
    // simdutf8 checks the text several times faster than std; on failure std finds the
    // position for the message. The one copy into the shared text is needed anyway.
    let utf8 = || match simdutf8::basic::from_utf8(&bytes) {
        Ok(text) => Ok(text),
        Err(_) => std::str::from_utf8(&bytes).map_err(utf8_error),
    };
    let (text, digest) = if digest {
        let (text, digest) = rayon::join(utf8, || text_digest(&bytes));
        (text?, Some(digest))
    } else {
        (utf8()?, None)
    };
    Ok((Arc::from(text), digest, None))
}

fn utf8_error(e: std::str::Utf8Error) -> String {
    format!("not valid UTF-8 (at byte {})", e.valid_up_to())
}

/// [`read_rule_file`] for a regular file of `len` bytes (its metadata's length), read
/// straight into the shared text that is kept, instead of into a buffer that is then
/// copied: the copy, and the first touch of a second buffer as long as the file, cost more
/// than the read (23 MB: ~17 ms of page faults alone). The text is zeroed memory from the
/// allocator (which does not write fresh pages), read in two halves side by side
/// ([`read_split`]); then each half is checked for UTF-8 and searched for `use` lines
/// ([`crate::rules::parser::imports`]) and hashed ([`text_digest`]'s halves) on its own
/// thread. `None` when the read fails or the file is not `len` bytes long (it changed under
/// us): the caller reads it again.
fn read_shared(file: &std::fs::File, len: usize, digest: bool) -> Option<Result<RuleText, String>> {
    // SAFETY: zeroed bytes are valid `u8`s.
    let mut bytes: Arc<[u8]> = unsafe { Arc::new_zeroed_slice(len).assume_init() };
    if !read_split(file, Arc::get_mut(&mut bytes)?).unwrap_or(false) {
        return None;
    }
    let (checked, digest) = checked_halves(&bytes, digest);
    let imports = match checked {
        Ok(imports) => imports,
        Err(()) => {
            // std finds the position for the message
            let error = std::str::from_utf8(&bytes).err();
            return Some(Err(
                error.map_or_else(|| "not valid UTF-8".into(), utf8_error)
            ));
        }
    };
    // SAFETY: the bytes are valid UTF-8 (both halves were checked just above, and they are
    // cut after a line feed, so a character cannot straddle the cut) and no longer change
    // (the `Arc` is shared from here on), and `str` has the layout of `[u8]`: the pointer
    // is one to a `str` of the same length, in the same allocation.
    let text: Arc<str> = unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) };
    Some(Ok((text, digest, imports)))
}

/// The checks of [`read_shared`] on a text of [`SPLIT_READ_BYTES`] or more, in two halves
/// side by side: `bytes` cut at [`crate::span::middle_line_cut`] (a line feed is a
/// character of its own, so the text is UTF-8 exactly when both halves are, and no line,
/// `use` or `\r` straddles the cut), each half checked for UTF-8, searched for `use` lines
/// and hashed for [`text_digest`], which cuts there too. `Err`
/// when a half is not UTF-8; the imports are `None` (found by the loader) when the second
/// half begins with a byte-order mark, which `imports` would skip at the start of a text.
#[allow(clippy::type_complexity, reason = "the two results of one pass")]
fn checked_halves(
    bytes: &[u8],
    digest: bool,
) -> (Result<Option<Vec<(String, Span)>>, ()>, Option<u128>) {
    let cut = crate::span::middle_line_cut(bytes).unwrap_or(bytes.len());
    let (low, high) = bytes.split_at(cut);
    let half = |part: &[u8], offset: usize| {
        let found = match simdutf8::basic::from_utf8(part) {
            Ok(text) if offset > 0 && text.starts_with('\u{feff}') => Ok(None),
            Ok(text) => Ok(Some(shifted(crate::rules::parser::imports(text), offset))),
            Err(_) => Err(()),
        };
        (found, digest.then(|| xxhash_rust::xxh3::xxh3_128(part)))
    };
    let ((a, sum_a), (b, sum_b)) = rayon::join(|| half(low, 0), || half(high, cut));
    let imports = match (a, b) {
        (Ok(Some(mut a)), Ok(Some(b))) => {
            a.extend(b);
            Ok(Some(a))
        }
        (Ok(_), Ok(_)) => Ok(None),
        _ => Err(()),
    };
    let digest = sum_a.zip(sum_b).map(|(a, b)| joined_digest(a, b));
    (imports, digest)
}

/// `imports` of a part of a text that starts `offset` bytes into it, with spans in the text.
fn shifted(imports: Vec<(String, Span)>, offset: usize) -> Vec<(String, Span)> {
    let offset = offset as u32;
    imports
        .into_iter()
        .map(|(path, span)| {
            (
                path,
                Span {
                    start: span.start + offset,
                    end: span.end + offset,
                },
            )
        })
        .collect()
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a directory, not a rule file".into(),
        _ => e.to_string(),
    }
}

/// A path for display with `dir/../` pairs folded away (`a/b/../c.rules` → `a/c.rules`).
fn tidy(path: &Path) -> String {
    let mut parts: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            Component::CurDir => {}
            c => parts.push(c),
        }
    }
    parts.iter().collect::<PathBuf>().display().to_string()
}

/// `world/people.rules` + `../std.rules` → `std.rules`.
fn join_virtual(from: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for component in Path::new(relative).components() {
        match component {
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(p) => parts.push(p.to_str().unwrap_or("")),
            _ => {}
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::join_virtual;

    #[test]
    fn virtual_paths_resolve_relative_to_the_importer() {
        assert_eq!(
            join_virtual("world/people.rules", "places.rules"),
            "world/places.rules"
        );
        assert_eq!(
            join_virtual("world/people.rules", "../std.rules"),
            "std.rules"
        );
        assert_eq!(join_virtual("std.rules", "world/a.rules"), "world/a.rules");
        assert_eq!(
            super::tidy(std::path::Path::new("a/b/../c.rules")),
            "a/c.rules"
        );
        assert_eq!(
            super::tidy(std::path::Path::new("../x/./y.rules")),
            "../x/y.rules"
        );
    }

    #[test]
    fn the_digests_read_with_the_files_give_the_key_of_the_texts() {
        use crate::kb::cache::KbCache;
        let dir = tempfile::tempdir().unwrap();
        let main = dir.path().join("main.rules");
        std::fs::write(&main, "use \"places.rules\"\nperson \"Ann Lee\"\n").unwrap();
        std::fs::write(dir.path().join("places.rules"), "city \"Lyon\"\n").unwrap();
        let selection = super::RuleSelection {
            paths: vec![main],
            default_rules: true,
        };
        let loader = super::Loader::discover_with(&selection, true);
        assert!(loader.diagnostics.is_empty());
        assert_eq!(loader.digests.len(), loader.sources.len());
        assert_eq!(
            KbCache::key_of(&loader.sources, &loader.order, &loader.digests),
            KbCache::key(&loader.sources, &loader.order)
        );
        assert!(super::Loader::discover(&selection).digests.is_empty());
    }

    #[test]
    fn large_rule_files_read_into_the_shared_text_as_small_ones_are_read() {
        use crate::kb::cache::SPLIT_READ_BYTES;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.rules");
        let line = "person \"Ann L\u{e9}e\" # \u{201c}quoted\u{201d}\n";
        for len in [
            SPLIT_READ_BYTES - 1,
            SPLIT_READ_BYTES,
            SPLIT_READ_BYTES + 1,
            3 * SPLIT_READ_BYTES + 7,
        ] {
            let mut text = line.repeat(len / line.len() + 1);
            while text.len() > len {
                text.pop();
            }
            std::fs::write(&path, &text).unwrap();
            for digest in [true, false] {
                let (read, sum, imports) = super::read_rule_file(&path, digest).unwrap();
                assert_eq!(&*read, text.as_str());
                assert_eq!(sum, digest.then(|| super::text_digest(text.as_bytes())));
                if let Some(imports) = imports {
                    assert_eq!(imports, crate::rules::parser::imports(&text));
                }
            }
            // not UTF-8: the same message from either read
            let mut bytes = text.clone().into_bytes();
            let at = len - len / 3;
            bytes[at] = 0xff;
            std::fs::write(&path, &bytes).unwrap();
            let valid = std::str::from_utf8(&bytes).unwrap_err().valid_up_to();
            let expected = format!("not valid UTF-8 (at byte {valid})");
            assert_eq!(super::read_rule_file(&path, true).unwrap_err(), expected);
            assert_eq!(super::read_rule_file(&path, false).unwrap_err(), expected);
        }
    }

    #[test]
    fn a_large_file_whose_length_is_not_its_metadatas_is_read_again() {
        use crate::kb::cache::SPLIT_READ_BYTES;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.rules");
        let text = "city \"Lyon\"\n".repeat(SPLIT_READ_BYTES / 8);
        std::fs::write(&path, &text).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        // as if it had grown or shrunk after its metadata was read
        assert!(super::read_shared(&file, text.len() - 1, true).is_none());
        assert!(super::read_shared(&file, text.len() + 1, true).is_none());
        let (read, _, _) = super::read_shared(&file, text.len(), true)
            .unwrap()
            .unwrap();
        assert_eq!(&*read, text.as_str());
    }

    /// Texts of lines around the cut of [`super::checked_halves`]: `use` lines (good and
    /// bad), other lines, `\r` and `\r\n` ends, byte-order marks and non-ASCII text.
    fn rule_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let line = prop_oneof![
            Just("use \"a.rules\"".to_string()),
            Just("use  \"b/c.rules\" # x".to_string()),
            Just("use\t\"d.rules\"".to_string()),
            Just("used \"e.rules\"".to_string()),
            Just("use".to_string()),
            Just("person \"Ann L\u{e9}e\" # use \"f.rules\"".to_string()),
            Just("\u{feff}use \"g.rules\"".to_string()),
            Just(String::new()),
            "[a-z \"\u{e9}\u{201c}]{0,12}",
        ];
        let end = prop_oneof![Just("\n"), Just("\r\n"), Just("\r")];
        prop::collection::vec((line, end), 0..40)
            .prop_map(|lines| lines.into_iter().map(|(l, e)| l + e).collect::<String>())
    }

    proptest::proptest! {
        /// The halves' imports, UTF-8 check and digest are those of the whole text, wherever
        /// the cut falls (the padding moves it).
        #[test]
        fn the_checks_in_halves_are_the_checks_of_the_whole(
            text in rule_text(),
            pad in 0usize..64,
            bad in proptest::option::of(0usize..4096),
        ) {
            let mut bytes = format!("{}{text}", "x".repeat(pad)).into_bytes();
            bytes.extend_from_slice(text.as_bytes());
            if let Some(at) = bad.filter(|_| !bytes.is_empty()) {
                let at = at % bytes.len();
                bytes[at] = 0xff;
            }
            let (imports, digest) = super::checked_halves(&bytes, true);
            match std::str::from_utf8(&bytes) {
                Ok(whole) => {
                    let imports = imports.unwrap();
                    if let Some(imports) = imports {
                        proptest::prop_assert_eq!(imports, crate::rules::parser::imports(whole));
                    } else {
                        let cut = crate::span::middle_line_cut(&bytes).unwrap_or(bytes.len());
                        let bom = whole[cut..].starts_with('\u{feff}');
                        proptest::prop_assert!(bom);
                    }
                }
                Err(_) => proptest::prop_assert!(imports.is_err()),
            }
            let cut = crate::span::middle_line_cut(&bytes).unwrap_or(bytes.len());
            let (low, high) = bytes.split_at(cut);
            proptest::prop_assert_eq!(
                digest,
                Some(super::joined_digest(
                    xxhash_rust::xxh3::xxh3_128(low),
                    xxhash_rust::xxh3::xxh3_128(high)
                ))
            );
        }
    }
}
