//! Embeds every file under `rules/` in the binary, so that `claimcheck` works with nothing
//! configured. The list is generated, so a new rule file cannot be forgotten.
//!
//! Compiles the date pattern (`src/extract/dates/patterns.rs`) into a dense DFA, serialized
//! for the target's byte order, with its capture groups' names: the library embeds both, so a
//! process neither compiles the pattern nor builds DFA states as it searches.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "src/extract/dates/patterns.rs"]
mod date_patterns;

fn main() {
    build_id();
    date_dfa();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut out =
        String::from("/// Rule files embedded from `rules/`: (path relative to `rules/`, text).\n");
    out.push_str("pub static EMBEDDED_RULES: &[(&str, &str)] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let relative = file.strip_prefix(&root).expect("under rules/");
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .expect("write to string");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("embedded_rules.rs");
    std::fs::write(dest, out).expect("write embedded_rules.rs");
}

/// `CLAIMCHECK_BUILD_ID`: a hash of the crate's sources and lock file. The
/// compiled knowledge-base cache is keyed by it, so a build with other compiler code never
/// reads a cache written by this one, even at the same version number.
fn build_id() {
    use std::hash::Hasher;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![manifest.join("Cargo.lock"), manifest.join("build.rs")];
    collect_sources(&manifest.join("src"), &mut files);
    files.sort();
    // SipHash with fixed keys: stable for one toolchain, which is all a build id needs
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        h.write(
            file.strip_prefix(manifest)
                .unwrap_or(file)
                .to_string_lossy()
                .as_bytes(),
        );
        h.write(&std::fs::read(file).unwrap_or_default());
    }
    println!("cargo:rustc-env=CLAIMCHECK_BUILD_ID={:016x}", h.finish());
}

fn collect_sources(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    println!("cargo:rerun-if-changed={}", dir.display());
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_sources(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rules") {
            files.push(path);
        }
    }
}

/// Writes `date_dfa.bin`, the date pattern's alternatives as one anchored, leftmost-first,
/// minimized dense DFA (the match's pattern is the alternative that matched), and
/// `date_groups.rs`, each alternative's capture group names in order.
fn date_dfa() {
    use regex_automata::MatchKind;
    use regex_automata::dfa::{StartKind, dense};
    use regex_automata::nfa::thompson::NFA;
    let alternatives = date_patterns::date_alternatives();
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .match_kind(MatchKind::LeftmostFirst)
                .minimize(true),
        )
        .build_many(&alternatives)
        .expect("the date pattern compiles to a dense DFA");
    let (bytes, pad) = match std::env::var("CARGO_CFG_TARGET_ENDIAN").as_deref() {
        Ok("big") => dfa.to_bytes_big_endian(),
        _ => dfa.to_bytes_little_endian(),
    };
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("date_dfa.bin"), &bytes[pad..]).expect("write date_dfa.bin");
    let nfa = NFA::new_many(&alternatives).expect("the date pattern compiles");
    let info = nfa.group_info();
    let mut groups = String::from(
        "/// Each date alternative's capture group names, by group index (written by build.rs).\n\
         pub static DATE_GROUP_NAMES: &[&[Option<&str>]] = &[\n",
    );
    for pattern in nfa.patterns() {
        let names: Vec<String> = info
            .pattern_names(pattern)
            .map(|name| format!("{name:?}"))
            .collect();
        writeln!(groups, "    &[{}],", names.join(", ")).expect("write to string");
    }
    groups.push_str("];\n");
    std::fs::write(out.join("date_groups.rs"), groups).expect("write date_groups.rs");
}
