//! Invariants of a read article, an extraction, findings and the SARIF report, shared by the
//! property tests (`tests/properties.rs`) and the fuzz targets (`fuzz/fuzz_targets/*.rs`
//! include this file by path). Each check panics with a message naming what broke.

#![allow(dead_code)]

use claimcheck::article::Article;
use claimcheck::check::Finding;
use claimcheck::extract::Extraction;
use claimcheck::kb::KnowledgeBase;
use claimcheck::span::{Position, Span};
use serde_json::Value;

/// The line and column of byte `offset`, computed the slow, obvious way: lines end at `\n`,
/// `\r\n` or a lone `\r`; columns count characters from the line start, 1-based; a
/// byte-order mark at the start of the text takes no column.
pub fn naive_position(text: &str, offset: usize) -> Position {
    let bytes = text.as_bytes();
    let mut line = 1;
    let mut line_start = 0;
    for i in 0..offset.min(bytes.len()) {
        let ends_line =
            bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends_line {
            line += 1;
            line_start = i + 1;
        }
    }
    if line == 1 && text.starts_with('\u{feff}') && offset >= 3 {
        line_start = 3;
    }
    let column = text[line_start..offset].chars().count();
    Position {
        line,
        column: column as u32 + 1,
    }
}

/// A span lies inside `text`, is ordered and starts and ends on character boundaries.
pub fn check_span(text: &str, span: Span, what: &str) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(s <= e, "{what}: span {s}..{e} is reversed");
    assert!(
        e <= text.len(),
        "{what}: span {s}..{e} ends past the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what}: span {s}..{e} splits a character"
    );
}

/// `check_span`, and both ends' positions agree with [`naive_position`].
pub fn check_span_position(article: &Article, span: Span, what: &str) {
    let text = &*article.text;
    check_span(text, span, what);
    for offset in [span.start, span.end] {
        assert_eq!(
            article.position(offset),
            naive_position(text, offset as usize),
            "{what}: line and column of byte {offset}"
        );
    }
}

/// The prose mask, blocks, sentences, comments and date of a read article.
pub fn check_article(a: &Article) {
    let text = a.text.as_bytes();
    let prose = a.prose.as_bytes();
    assert_eq!(
        prose.len(),
        text.len(),
        "the prose mask has the text's length"
    );
    for (i, (&p, &t)) in prose.iter().zip(text).enumerate() {
        assert!(
            p == t || p == b' ',
            "prose byte {i} is {p:#x}, neither the text's {t:#x} nor a space"
        );
        if t == b'\n' || t == b'\r' {
            assert_eq!(p, t, "line break at byte {i} is kept in the prose mask");
        }
    }
    let mut previous_start = 0;
    for (i, b) in a.blocks.iter().enumerate() {
        check_span_position(a, b.span, &format!("block {i}"));
        assert!(b.span.start >= previous_start, "blocks are sorted by start");
        previous_start = b.span.start;
    }
    let mut previous_end = 0;
    for (i, s) in a.sentences.iter().enumerate() {
        check_span_position(a, s.span, &format!("sentence {i}"));
        let block = a.blocks.get(s.block as usize).unwrap_or_else(|| {
            panic!("sentence {i} names block {} of {}", s.block, a.blocks.len())
        });
        assert!(
            block.span.start <= s.span.start && s.span.end <= block.span.end,
            "sentence {i} {:?} lies inside its block {:?}",
            s.span,
            block.span
        );
        assert!(
            s.span.start >= previous_end,
            "sentence {i} overlaps the one before"
        );
        previous_end = s.span.end;
    }
    for (i, c) in a.comments.iter().enumerate() {
        check_span_position(a, c.span, &format!("comment {i}"));
    }
    if let Some(d) = &a.date {
        check_span_position(a, d.span, "article date");
    }
}

/// Every span an extraction reports lies in the article's text.
pub fn check_extraction(a: &Article, x: &Extraction) {
    for (i, m) in x.mentions.iter().enumerate() {
        check_span_position(a, m.span, &format!("mention {i}"));
    }
    for (i, c) in x.claims.iter().enumerate() {
        check_span_position(a, c.sentence, &format!("claim {i} sentence"));
        let mut c = c.clone();
        for r in c.refs_mut() {
            check_span_position(a, r.span, &format!("claim {i} reference {:?}", r.text));
        }
    }
    for (i, u) in x.unknown.iter().enumerate() {
        check_span_position(a, u.span, &format!("unknown name {i}"));
    }
}

/// Every finding's span and labels lie in the article, its evidence in a rule file.
pub fn check_findings(a: &Article, kb: &KnowledgeBase, findings: &[Finding]) {
    for (i, f) in findings.iter().enumerate() {
        let what = format!("finding {i} [{}] {:?}", f.check, f.message);
        check_span_position(a, f.span, &what);
        for l in &f.labels {
            check_span_position(a, l.span, &format!("{what}, label {:?}", l.message));
        }
        for e in &f.evidence {
            let sources = kb.sources();
            assert!(
                (e.loc.file.0 as usize) < sources.len(),
                "{what}: evidence names file {} of {}",
                e.loc.file.0,
                sources.len()
            );
            check_span(
                sources.get(e.loc.file).text(),
                e.loc.span,
                &format!("{what}, evidence"),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// SARIF 2.1.0: the structural rules of the schema that apply to what claimcheck writes
// (required properties, enums, minimums, types), plus the spec's region rules. CI also
// validates against the real schema (scripts/validate_sarif.py).

fn field<'a>(v: &'a Value, key: &str, at: &str) -> &'a Value {
    v.get(key)
        .unwrap_or_else(|| panic!("SARIF {at}: `{key}` is required"))
}

fn array<'a>(v: &'a Value, at: &str) -> &'a Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("SARIF {at}: must be an array"))
}

fn opt_array<'a>(v: &'a Value, key: &str, at: &str) -> &'a [Value] {
    match v.get(key) {
        None => &[],
        Some(x) => array(x, &format!("{at}.{key}")),
    }
}

fn string<'a>(v: &'a Value, at: &str) -> &'a str {
    v.as_str()
        .unwrap_or_else(|| panic!("SARIF {at}: must be a string"))
}

fn integer_at_least(v: &Value, key: &str, min: i64, at: &str) -> Option<i64> {
    let x = v.get(key)?;
    let n = x
        .as_i64()
        .unwrap_or_else(|| panic!("SARIF {at}.{key}: must be an integer, is {x}"));
    assert!(n >= min, "SARIF {at}.{key}: {n} is below the minimum {min}");
    Some(n)
}

fn one_of(v: &Value, key: &str, allowed: &[&str], at: &str) {
    if let Some(x) = v.get(key) {
        let s = string(x, &format!("{at}.{key}"));
        assert!(
            allowed.contains(&s),
            "SARIF {at}.{key}: `{s}` is not one of {allowed:?}"
        );
    }
}

fn unique(items: &[Value], at: &str) {
    for (i, a) in items.iter().enumerate() {
        for b in &items[i + 1..] {
            assert!(a != b, "SARIF {at}: items must be unique, {a} repeats");
        }
    }
}

fn message(v: &Value, at: &str) {
    assert!(
        v.get("text").is_some_and(Value::is_string) || v.get("id").is_some_and(Value::is_string),
        "SARIF {at}: a message needs `text` or `id`"
    );
}

fn multiformat(v: &Value, at: &str) {
    string(field(v, "text", at), &format!("{at}.text"));
}

/// A URI reference (RFC 3986): no spaces, control characters or characters outside ASCII
/// that are not percent-encoded, and `%` only as part of an escape.
fn uri_reference(s: &str, at: &str) {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        assert!(
            c.is_ascii_graphic()
                && !matches!(
                    c,
                    b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
                ),
            "SARIF {at}: `{s}` is not a URI reference (byte {i})"
        );
        if c == b'%' {
            assert!(
                b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit),
                "SARIF {at}: `{s}` has a bare %"
            );
        }
    }
}

fn location(v: &Value, at: &str) {
    integer_at_least(v, "id", -1, at);
    let Some(p) = v.get("physicalLocation") else {
        return;
    };
    let at = format!("{at}.physicalLocation");
    let artifact = field(p, "artifactLocation", &at);
    uri_reference(
        string(field(artifact, "uri", &at), &at),
        &format!("{at}.artifactLocation.uri"),
    );
    if let Some(r) = p.get("region") {
        let at = format!("{at}.region");
        let start_line = integer_at_least(r, "startLine", 1, &at);
        let start_col = integer_at_least(r, "startColumn", 1, &at);
        let end_line = integer_at_least(r, "endLine", 1, &at);
        let end_col = integer_at_least(r, "endColumn", 1, &at);
        if let (Some(sl), Some(el)) = (start_line, end_line) {
            assert!(el >= sl, "SARIF {at}: endLine {el} before startLine {sl}");
            if el == sl
                && let (Some(sc), Some(ec)) = (start_col, end_col)
            {
                assert!(
                    ec >= sc,
                    "SARIF {at}: endColumn {ec} before startColumn {sc}"
                );
            }
        }
        if let Some(s) = r.get("snippet") {
            string(field(s, "text", &at), &format!("{at}.snippet.text"));
        }
    }
}

/// Panics unless `doc` follows the SARIF 2.1.0 rules that apply to claimcheck's report.
pub fn check_sarif(doc: &Value) {
    if let Some(s) = doc.get("$schema") {
        string(s, "$schema");
    }
    assert_eq!(field(doc, "version", "log"), "2.1.0", "SARIF version");
    for (r, run) in array(field(doc, "runs", "log"), "runs").iter().enumerate() {
        let at = format!("runs[{r}]");
        let driver = field(field(run, "tool", &at), "driver", &at);
        string(
            field(driver, "name", &at),
            &format!("{at}.tool.driver.name"),
        );
        let rules = opt_array(driver, "rules", &at);
        unique(rules, &format!("{at}.tool.driver.rules"));
        for (i, rule) in rules.iter().enumerate() {
            let at = format!("{at}.tool.driver.rules[{i}]");
            string(field(rule, "id", &at), &at);
            for key in ["shortDescription", "fullDescription", "help"] {
                if let Some(m) = rule.get(key) {
                    multiformat(m, &format!("{at}.{key}"));
                }
            }
            if let Some(c) = rule.get("defaultConfiguration") {
                one_of(c, "level", &["none", "note", "warning", "error"], &at);
            }
        }
        one_of(
            run,
            "columnKind",
            &["utf16CodeUnits", "unicodeCodePoints"],
            &at,
        );
        for (i, inv) in opt_array(run, "invocations", &at).iter().enumerate() {
            let at = format!("{at}.invocations[{i}]");
            assert!(
                field(inv, "executionSuccessful", &at).is_boolean(),
                "SARIF {at}.executionSuccessful: must be a boolean"
            );
            for (j, n) in opt_array(inv, "toolExecutionNotifications", &at)
                .iter()
                .enumerate()
            {
                let at = format!("{at}.toolExecutionNotifications[{j}]");
                message(field(n, "message", &at), &at);
                one_of(n, "level", &["none", "note", "warning", "error"], &at);
                let locations = opt_array(n, "locations", &at);
                unique(locations, &format!("{at}.locations"));
                for (k, l) in locations.iter().enumerate() {
                    location(l, &format!("{at}.locations[{k}]"));
                }
            }
        }
        for (i, result) in opt_array(run, "results", &at).iter().enumerate() {
            let at = format!("{at}.results[{i}]");
            message(field(result, "message", &at), &at);
            if let Some(id) = result.get("ruleId") {
                string(id, &format!("{at}.ruleId"));
            }
            if let Some(index) = integer_at_least(result, "ruleIndex", -1, &at) {
                assert!(
                    index < rules.len() as i64,
                    "SARIF {at}.ruleIndex: {index} but {} rules",
                    rules.len()
                );
                if index >= 0
                    && let Some(id) = result.get("ruleId")
                {
                    assert_eq!(
                        &rules[index as usize]["id"], id,
                        "SARIF {at}: ruleIndex and ruleId name the same rule"
                    );
                }
            }
            one_of(result, "level", &["none", "note", "warning", "error"], &at);
            for (j, l) in opt_array(result, "locations", &at).iter().enumerate() {
                location(l, &format!("{at}.locations[{j}]"));
            }
            let related = opt_array(result, "relatedLocations", &at);
            unique(related, &format!("{at}.relatedLocations"));
            for (j, l) in related.iter().enumerate() {
                location(l, &format!("{at}.relatedLocations[{j}]"));
            }
            if let Some(fp) = result.get("partialFingerprints") {
                let fp = fp
                    .as_object()
                    .unwrap_or_else(|| panic!("SARIF {at}.partialFingerprints: must be an object"));
                for (k, v) in fp {
                    string(v, &format!("{at}.partialFingerprints.{k}"));
                }
            }
        }
    }
}
