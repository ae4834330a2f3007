//! Finding article files: paths are walked (respecting `.gitignore`) for `*.md`,
//! `*.markdown` and `*.txt`, in a deterministic order. Problems are reported per path and
//! never stop the walk.

use std::path::{Path, PathBuf};

use crate::article::{Article, Format, ReadError};

/// The default limit on one article's size.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// A path that could not be walked or read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

const EXTENSIONS: &[&str] = &["md", "markdown", "txt"];

/// The article files under `paths`, sorted and deduplicated. A file named explicitly is
/// taken whatever its extension.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if let Err(e) = std::fs::metadata(path) {
            let message = if std::fs::symlink_metadata(path).is_ok() {
                // the link itself is there: its target is missing, or it points at itself
                match e.kind() {
                    std::io::ErrorKind::NotFound => {
                        "cannot read through a symbolic link: its target does not exist".into()
                    }
                    _ => format!("cannot read through a symbolic link: {e}"),
                }
            } else {
                match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file or directory".into(),
                    _ => io_message(&e),
                }
            };
            errors.push(FileError {
                path: path.display().to_string(),
                message,
            });
            continue;
        }
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        if !path.is_dir() {
            // a pipe, socket or device named on the command line: say so rather than skip it
            errors.push(FileError {
                path: path.display().to_string(),
                message: NOT_A_FILE.into(),
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .follow_links(true)
            // .gitignore counts even outside a git checkout (an exported archive, a CI cache)
            .require_git(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let p = e.path();
                    if e.file_type().is_some_and(|t| t.is_file()) && has_article_extension(p) {
                        files.push(p.to_path_buf());
                    }
                }
                Err(err) => errors.push(FileError {
                    path: path.display().to_string(),
                    message: walk_message(&err),
                }),
            }
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

/// One part of a deterministic split of the file list, for CI matrices: `--shard I/N`
/// keeps the files at positions I-1, I-1+N, I-1+2N ... of the sorted list (round robin, so
/// shard sizes differ by at most one and a directory of large files is spread over shards).
/// I runs from 1 to N.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Whether the item at `position` (0-based) of the sorted list belongs to this shard.
    pub fn keeps(&self, position: usize) -> bool {
        position % self.count == self.index - 1
    }

    /// The items of this shard, in their order.
    pub fn select<T>(&self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .enumerate()
            .filter(|(i, _)| self.keeps(*i))
            .map(|(_, item)| item)
            .collect()
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}`: write I/N with 1 <= I <= N, e.g. --shard 2/8");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

fn walk_message(err: &ignore::Error) -> String {
    let text = err.to_string();
    if text.contains("File system loop") {
        format!("symlink loop: {text}")
    } else {
        text
    }
}

fn has_article_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Reads one article file, with a size limit.
///
/// The limit holds even when the size the file system reports is wrong (a file growing
/// while it is read, `/proc` files): no more than `max_size + 1` bytes are ever read. Spans
/// are 32-bit, so the limit is at most 4 GiB − 1 whatever `max_size` says.
pub fn read_article(path: &Path, max_size: u64) -> Result<Article, FileError> {
    use std::io::Read;
    let max_size = max_size.min(MAX_FILE_SIZE_CAP);
    let display = path.display().to_string();
    let fail = |message: String| FileError {
        path: display.clone(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| fail(io_message(&e)))?;
    let meta = file.metadata().map_err(|e| fail(io_message(&e)))?;
    if meta.is_dir() {
        return Err(fail("is a directory".into()));
    }
    if !meta.is_file() {
        return Err(fail(NOT_A_FILE.into()));
    }
    if meta.len() > max_size {
        return Err(fail(
            ReadError::TooLarge {
                size: meta.len(),
                limit: max_size,
            }
            .to_string(),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(io_message(&e)))?;
    if bytes.len() as u64 > max_size {
        return Err(fail(format!(
            "the file grew past the limit of {max_size} bytes while it was read (see --max-file-size)"
        )));
    }
    Article::from_bytes(&display, Format::from_path(path), bytes).map_err(|e| fail(e.to_string()))
}

/// The largest `--max-file-size` that takes effect: spans are `u32` byte offsets.
pub const MAX_FILE_SIZE_CAP: u64 = u32::MAX as u64 - 1;

const NOT_A_FILE: &str =
    "not a regular file (a pipe, socket or device); articles are read from files";

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a directory".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::Shard;

    #[test]
    fn shards_partition_the_list_in_order() {
        let items: Vec<usize> = (0..10).collect();
        let shards: Vec<Shard> = (1..=3).map(|i| format!("{i}/3").parse().unwrap()).collect();
        let parts: Vec<Vec<usize>> = shards.iter().map(|s| s.select(items.clone())).collect();
        assert_eq!(parts[0], [0, 3, 6, 9]);
        assert_eq!(parts[1], [1, 4, 7]);
        assert_eq!(parts[2], [2, 5, 8]);
        let mut all: Vec<usize> = parts.concat();
        all.sort();
        assert_eq!(all, items);
        assert_eq!("1/1".parse::<Shard>().unwrap().select(items.clone()), items);
    }

    #[test]
    fn bad_shards_are_rejected() {
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "1/3/4", ""] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("I/N"), "{bad}: {e}");
        }
    }
}
