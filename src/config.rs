//! `claimcheck.toml`: project settings, found by searching upward from the working directory.
//! Command-line flags override them.
//!
//! ```toml
//! rules = ["rules/beat"]          # rule files or directories, relative to this file
//! default-rules = true            # also load the embedded default rules
//! include = ["articles/**"]       # globs of articles to check (relative to this file)
//! exclude = ["articles/drafts/**"]
//! fail-on = "warning"
//! date = "2025-02-18"
//!
//! [checks]
//! name-variant = "off"
//! headline-unsupported = "error"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::kb::time::FactDate;
use crate::severity::Severity;

pub const FILE_NAME: &str = "claimcheck.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    rules: Vec<PathBuf>,
    default_rules: Option<bool>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    fail_on: Option<String>,
    date: Option<String>,
    #[serde(default)]
    checks: std::collections::BTreeMap<String, String>,
}

/// Loaded settings, with paths made absolute against the file's directory.
#[derive(Debug, Default)]
pub struct Config {
    /// The file they came from.
    pub path: Option<PathBuf>,
    pub rules: Vec<PathBuf>,
    pub default_rules: Option<bool>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// `error`, `warning`, `note` or `never`.
    pub fail_on: Option<String>,
    pub date: Option<FactDate>,
    pub checks: Vec<(&'static str, Option<Severity>)>,
    /// The directory globs are relative to.
    pub root: PathBuf,
}

/// Searches `start` and its ancestors for `claimcheck.toml`.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Reads and validates a config file. Errors name the file and, for TOML errors, the line.
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let raw: RawConfig = toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!(":{line}")
            })
            .unwrap_or_default();
        format!("{}{at}: {}", path.display(), e.message())
    })?;
    let root = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let date = match raw.date {
        Some(d) => Some(
            FactDate::parse(&d).map_err(|e| format!("{}: date: {}", path.display(), e.message))?,
        ),
        None => None,
    };
    if let Some(f) = &raw.fail_on
        && !["error", "warning", "note", "never"].contains(&f.as_str())
    {
        return Err(format!(
            "{}: fail-on: `{f}` is not error, warning, note or never",
            path.display()
        ));
    }
    let mut checks = Vec::new();
    for (name, level) in &raw.checks {
        let setting = crate::cli::check::parse_check_setting(&format!("{name}={level}"))
            .map_err(|e| format!("{}: [checks]: {e}", path.display()))?;
        checks.push(setting);
    }
    Ok(Config {
        path: Some(path.to_path_buf()),
        rules: raw.rules.iter().map(|r| root.join(r)).collect(),
        default_rules: raw.default_rules,
        include: raw.include,
        exclude: raw.exclude,
        fail_on: raw.fail_on,
        date,
        checks,
        root,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_file_is_read_and_errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "rules = [\"beat\"]\nfail-on = \"warning\"\ndate = \"2025-02-18\"\n[checks]\nname-variant = \"off\"\n").unwrap();
        let c = load(&path).unwrap();
        assert_eq!(c.rules, [dir.path().join("beat")]);
        assert_eq!(c.fail_on.as_deref(), Some("warning"));
        assert_eq!(c.date.unwrap().to_string(), "2025-02-18");
        assert_eq!(c.checks, [("name-variant", None)]);
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        assert_eq!(find(&nested), Some(path.clone()));
        std::fs::write(&path, "rules = [\"beat\"]\nfail_on = 3\n").unwrap();
        let err = load(&path).unwrap_err();
        assert!(err.contains("claimcheck.toml:2"), "{err}");
        std::fs::write(&path, "[checks]\ntitle-conflit = \"off\"\n").unwrap();
        assert!(
            load(&path)
                .unwrap_err()
                .contains("did you mean `title-conflict`?")
        );
    }
}
