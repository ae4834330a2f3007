//! Snapshot tests of rule diagnostics: every fixture in `fixtures/rules/invalid/` must fail
//! to load with the errors listed in [`EXPECTED`], and its rendered report must match the
//! stored snapshot. The valid fixtures in `fixtures/rules/valid/` must load, and a few facts
//! in them are checked through the knowledge-base API.
//!
//! Fixtures are found by listing the directory, so a new fixture is picked up automatically
//! (and fails until it is added to [`EXPECTED`]). Only the top level is listed: files in
//! subdirectories (such as `import-cycle/partner.rules`) are partners that a fixture imports.
//!
//! Tests run with the crate root as the working directory; fixtures are loaded by relative
//! path so that the paths in the rendered reports are the same on every machine.
//!
//! To update the snapshots after an intended change:
//! `INSTA_UPDATE=always cargo test --test rule_diagnostics`, then review the diff.

use std::path::{Path, PathBuf};

use claimcheck::kb::time::FactDate;
use claimcheck::kb::{Cardinality, FactValue, KnowledgeBase, ValueType};
use claimcheck::rules::{self, RuleErrors, RuleSelection};

const INVALID_DIR: &str = "fixtures/rules/invalid";
const VALID_DIR: &str = "fixtures/rules/valid";

/// For each invalid fixture (by file stem): the errors it must produce, in report order, as
/// (code, text under the primary label).
const EXPECTED: &[(&str, &[(&str, &str)])] = &[
    ("bad-date", &[("rules::syntax", "2025-02-30")]),
    (
        "conflicting-values",
        &[("rules::conflicting-values", "on 2025-02-19")],
    ),
    ("containment-cycle", &[("rules::cycle", "in \"Crimea\"")]),
    (
        "denied-and-asserted",
        &[("rules::contradiction", "member_of \"NATO\"")],
    ),
    (
        "duplicate-alias",
        &[("rules::duplicate-alias", "\"Rubio\"")],
    ),
    (
        "duplicate-entity",
        &[("rules::duplicate-entity", "\"Marco Rubio\"")],
    ),
    (
        "import-cycle",
        &[("rules::import-cycle", "use \"../import-cycle.rules\"")],
    ),
    (
        "inverted-interval",
        &[("rules::inverted-interval", "2011-01-03")],
    ),
    ("kind-mismatch", &[("rules::kind-mismatch", "holds")]),
    (
        "many-errors",
        &[
            ("rules::syntax", "2025-02-30"),
            ("rules::unknown-kind", "persn"),
            ("rules::unknown-entity", "\"Saudi Arabai\""),
            ("rules::unknown-relation", "hold"),
            ("rules::kind-mismatch", "holds"),
        ],
    ),
    (
        "missing-import",
        &[("rules::missing-import", "use \"world/middle-east.rules\"")],
    ),
    (
        "overlapping-holders",
        &[(
            "rules::conflicting-holders",
            "holds \"US Secretary of State\" from 2025-01-21",
        )],
    ),
    (
        "unknown-entity",
        &[("rules::unknown-entity", "\"Saudi Arabi\"")],
    ),
    ("unknown-keyword", &[("rules::syntax", "relaton")]),
    ("unknown-kind", &[("rules::unknown-kind", "persn")]),
    ("unknown-relation", &[("rules::unknown-relation", "hold")]),
    ("unterminated-string", &[("rules::syntax", "\"Rubio")]),
];

/// The `.rules` files directly in `dir`, sorted by name.
fn rule_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {dir}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "rules"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> &str {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("UTF-8 file name")
}

fn expected(stem: &str) -> Option<&'static [(&'static str, &'static str)]> {
    EXPECTED.iter().find(|(s, _)| *s == stem).map(|(_, e)| *e)
}

fn load_err(path: &Path) -> RuleErrors {
    match rules::load(&RuleSelection::paths([path])) {
        Ok(_) => panic!("{} loaded without errors", path.display()),
        Err(errors) => errors,
    }
}

/// Every report, rendered without colour at 100 columns, separated by blank lines.
fn render_all(errors: &RuleErrors) -> String {
    let handler = claimcheck::render::handler(false, 100);
    errors
        .reports()
        .map(|report| claimcheck::render::render(&handler, &report))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text under each diagnostic's primary label, with its code.
fn codes_and_tokens(errors: &RuleErrors) -> Vec<(&'static str, String)> {
    errors
        .diagnostics
        .iter()
        .map(|d| {
            let token = d
                .primary
                .map(|loc| errors.sources.text(loc).to_string())
                .unwrap_or_default();
            (d.code, token)
        })
        .collect()
}

#[test]
fn every_invalid_fixture_reports_its_errors() {
    let fixtures = rule_files(INVALID_DIR);
    assert!(
        fixtures.len() >= 14,
        "expected at least 14 invalid fixtures, found {}",
        fixtures.len()
    );
    let mut failures = Vec::new();
    for path in &fixtures {
        let name = stem(path).to_string();
        let result = std::panic::catch_unwind(|| {
            let Some(want) = expected(&name) else {
                panic!("{name}: no entry in EXPECTED; add the codes this fixture must produce");
            };
            let errors = load_err(path);
            let got = codes_and_tokens(&errors);
            let want: Vec<(&str, String)> = want.iter().map(|(c, t)| (*c, t.to_string())).collect();
            assert_eq!(got, want, "{name}: codes and labelled text");
            insta::assert_snapshot!(name.as_str(), render_all(&errors));
        });
        if result.is_err() {
            failures.push(name);
        }
    }
    assert!(failures.is_empty(), "failing fixtures: {failures:?}");
}

#[test]
fn every_expected_entry_has_a_fixture() {
    let stems: Vec<String> = rule_files(INVALID_DIR)
        .iter()
        .map(|p| stem(p).to_string())
        .collect();
    for (name, _) in EXPECTED {
        assert!(
            stems.iter().any(|s| s == name),
            "EXPECTED names {name}, but {INVALID_DIR}/{name}.rules does not exist"
        );
    }
}

#[test]
fn every_fixture_starts_with_a_comment_naming_what_it_demonstrates() {
    for path in rule_files(INVALID_DIR)
        .into_iter()
        .chain(rule_files(VALID_DIR))
    {
        let text = std::fs::read_to_string(&path).expect("readable fixture");
        assert!(
            text.starts_with("# "),
            "{} must begin with a comment line",
            path.display()
        );
    }
}

#[test]
fn unknown_entity_suggests_the_near_miss() {
    let errors = load_err(Path::new("fixtures/rules/invalid/unknown-entity.rules"));
    assert_eq!(
        errors.diagnostics[0].help.as_deref(),
        Some("did you mean \"Saudi Arabia\"?")
    );
}

#[test]
fn unknown_keyword_and_kind_suggest_the_near_miss() {
    let keyword = load_err(Path::new("fixtures/rules/invalid/unknown-keyword.rules"));
    let help = keyword.diagnostics[0].help.as_deref().unwrap_or_default();
    assert!(help.starts_with("did you mean `relation`?"), "{help}");
    let kind = load_err(Path::new("fixtures/rules/invalid/unknown-kind.rules"));
    assert_eq!(
        kind.diagnostics[0].help.as_deref(),
        Some("did you mean `person`?")
    );
}

#[test]
fn overlapping_holders_label_both_terms() {
    let errors = load_err(Path::new(
        "fixtures/rules/invalid/overlapping-holders.rules",
    ));
    let d = &errors.diagnostics[0];
    let primary = d.primary.expect("located");
    assert_eq!(d.label, "Marco Rubio from 2025-01-21");
    assert_eq!(d.secondary.len(), 1);
    let (other, label) = &d.secondary[0];
    assert_eq!(other.file, primary.file);
    assert_eq!(
        errors.sources.text(*other),
        "holds \"US Secretary of State\" from 2021-01-26 until 2025-06-30"
    );
    assert_eq!(label, "Antony Blinken from 2021-01-26 until 2025-06-30");
}

#[test]
fn import_cycle_names_both_files() {
    let errors = load_err(Path::new("fixtures/rules/invalid/import-cycle.rules"));
    assert_eq!(errors.diagnostics.len(), 1);
    let d = &errors.diagnostics[0];
    assert_eq!(
        d.message,
        "import cycle: fixtures/rules/invalid/import-cycle.rules → \
         fixtures/rules/invalid/import-cycle/partner.rules → \
         fixtures/rules/invalid/import-cycle.rules"
    );
    let at = d.primary.expect("located at the `use` line");
    assert_eq!(
        errors.sources.get(at.file).name(),
        "fixtures/rules/invalid/import-cycle/partner.rules"
    );
}

#[test]
fn short_lines_give_path_line_and_column() {
    let errors = load_err(Path::new("fixtures/rules/invalid/bad-date.rules"));
    assert_eq!(
        errors.short_lines(),
        vec![
            "fixtures/rules/invalid/bad-date.rules:4:6: error[rules::syntax]: invalid date \
             `2025-02-30`: February 2025 has 28 days, so day 30 does not exist"
                .to_string()
        ]
    );
}

#[test]
fn loading_all_invalid_fixtures_at_once_reports_every_file() {
    let errors = match rules::load(&RuleSelection::paths([INVALID_DIR])) {
        Ok(_) => panic!("the invalid fixtures loaded"),
        Err(errors) => errors,
    };
    let mut files: Vec<&str> = errors
        .diagnostics
        .iter()
        .filter_map(|d| d.primary)
        .map(|loc| errors.sources.get(loc.file).name())
        .collect();
    files.sort();
    files.dedup();
    // Every fixture has at least one error of its own. The import cycle is reported in
    // whichever of its two files is loaded second, so only its code is checked.
    for path in rule_files(INVALID_DIR) {
        if stem(&path) == "import-cycle" {
            continue;
        }
        let name = path.display().to_string();
        assert!(
            files.contains(&name.as_str()),
            "{name} not reported: {files:?}"
        );
    }
    assert!(
        errors
            .diagnostics
            .iter()
            .any(|d| d.code == "rules::import-cycle"),
        "no import cycle reported"
    );
}

// ---- valid fixtures ----

fn load_ok(paths: &[&str]) -> KnowledgeBase {
    match rules::load(&RuleSelection::paths(paths.iter().copied())) {
        Ok(kb) => kb,
        Err(errors) => panic!("{paths:?} did not load:\n{errors}"),
    }
}

fn entity(kb: &KnowledgeBase, name: &str) -> claimcheck::kb::EntityId {
    match kb.lookup(name) {
        [one] => *one,
        other => panic!("{name:?} names {} entities", other.len()),
    }
}

fn date(text: &str) -> FactDate {
    FactDate::parse(text).expect("valid date")
}

#[test]
fn every_valid_fixture_loads() {
    let fixtures = rule_files(VALID_DIR);
    assert!(fixtures.len() >= 2, "{fixtures:?}");
    for path in fixtures {
        if let Err(errors) = rules::load(&RuleSelection::paths([&path])) {
            panic!("{} did not load:\n{errors}", path.display());
        }
    }
    // The whole directory at once too: world.rules imports places.rules, loaded only once.
    let kb = load_ok(&[VALID_DIR]);
    let names: Vec<&str> = kb.sources().iter().map(|(_, f)| f.name()).collect();
    assert_eq!(
        names,
        [
            "<builtin>/std.rules",
            "fixtures/rules/valid/places.rules",
            "fixtures/rules/valid/world.rules"
        ]
    );
}

#[test]
fn valid_fixture_names_and_aliases_resolve() {
    let kb = load_ok(&["fixtures/rules/valid/world.rules"]);
    let rubio = entity(&kb, "Marco Rubio");
    assert_eq!(kb.lookup("rubio"), [rubio]);
    assert_eq!(kb.lookup("  MARCO   rubio "), [rubio]);
    // `aka` on an indented line adds to the aliases of the first line.
    let faisal = entity(&kb, "Faisal bin Bandar Al Saud");
    assert_eq!(kb.lookup("Prince Faisal bin Bandar"), [faisal]);
    // `U.S.` and `US` are one name.
    let state = entity(&kb, "top US diplomat");
    assert_eq!(&*kb.entity(state).name, "US Secretary of State");
    assert!(kb.entity(state).one_holder_at_a_time);
    assert!(!kb.entity(entity(&kb, "US Senator")).one_holder_at_a_time);
    assert!(kb.lookup("Marco Rubioo").is_empty());
}

#[test]
fn valid_fixture_kinds_and_relations_compile() {
    let kb = load_ok(&["fixtures/rules/valid/world.rules"]);
    let province = kb.kind_by_name("province").expect("declared");
    let region = kb.kind_by_name("region").expect("prelude");
    let place = kb.kind_by_name("place").expect("prelude");
    assert!(kb.is_a(province, region));
    assert!(kb.is_a(province, place));
    assert!(!kb.is_a(place, province));
    let alliance = kb.kind_by_name("alliance").expect("declared");
    assert_eq!(kb.kind(alliance).parent, kb.kind_by_name("org"));

    let population = kb.relation(kb.relation_by_name("population").expect("declared"));
    assert_eq!(population.cardinality, Cardinality::One);
    assert_eq!(population.value, ValueType::Number);
    let tolerance = population.tolerance.expect("tolerance 2%");
    assert!(tolerance.percent);
    assert_eq!(tolerance.amount, 2.0);

    let area = kb.relation(kb.relation_by_name("area_km2").expect("declared"));
    let tolerance = area.tolerance.expect("tolerance 1000");
    assert!(!tolerance.percent);
    assert_eq!(tolerance.amount, 1000.0);
    assert_eq!(area.severity, Some(claimcheck::severity::Severity::Note));

    let governor = kb.relation(kb.relation_by_name("governor_of").expect("declared"));
    assert_eq!(governor.cardinality, Cardinality::OneAtATime);
    assert_eq!(
        governor.severity,
        Some(claimcheck::severity::Severity::Warning)
    );
    let cues: Vec<&str> = governor.cues.iter().map(|c| &**c).collect();
    assert_eq!(cues, ["governor of", "governor of the"]);

    let hosted = kb.relation(kb.relation_by_name("hosted_by").expect("declared"));
    let cues: Vec<&str> = hosted.cues.iter().map(|c| &**c).collect();
    assert_eq!(cues, ["hosted by", "host country"]);

    let part_of = kb.relation(kb.relation_by_name("part_of").expect("declared"));
    assert!(part_of.transitive);
    assert_eq!(
        part_of.severity,
        Some(claimcheck::severity::Severity::Error)
    );
}

#[test]
fn valid_fixture_facts_keep_their_dates() {
    let kb = load_ok(&["fixtures/rules/valid/world.rules"]);
    let holds = kb.relation_by_name("holds").expect("prelude");
    let rubio = entity(&kb, "Marco Rubio");
    let titles: Vec<(&str, String)> = kb
        .facts(rubio, holds)
        .iter()
        .map(|f| match f.value {
            FactValue::Entity(t) => (&*kb.entity(t).name, f.validity.to_string()),
            ref other => panic!("holds a {other:?}"),
        })
        .collect();
    assert_eq!(
        titles,
        [
            ("US Secretary of State", "from 2025-01-21".to_string()),
            ("US Senator", "from 2011-01-03 until 2025-01-20".to_string()),
        ]
    );

    // A fact on the same line as the declaration.
    let blinken = entity(&kb, "Tony Blinken");
    assert_eq!(kb.facts(blinken, holds).len(), 1);

    // Year, month and day precision.
    let dmitriev = entity(&kb, "Kirill Dmitriev");
    let from = kb.facts(dmitriev, holds)[0].validity.from.expect("from");
    assert_eq!(from.precision(), claimcheck::kb::time::Precision::Year);
    let governor_of = kb.relation_by_name("governor_of").expect("declared");
    let faisal = entity(&kb, "Faisal bin Bandar");
    let from = kb.facts(faisal, governor_of)[0]
        .validity
        .from
        .expect("from");
    assert_eq!(from.precision(), claimcheck::kb::time::Precision::Month);
    assert_eq!(from, date("2013-02"));

    let on = kb.relation_by_name("on").expect("prelude");
    let talks = entity(&kb, "Riyadh talks");
    assert_eq!(
        kb.facts(talks, on)[0].value,
        FactValue::Date(date("2025-02-18"))
    );
    let annexation = entity(&kb, "Russian annexation of Crimea");
    assert_eq!(
        kb.facts(annexation, on)[0].value,
        FactValue::Date(date("2014-03"))
    );

    // Everyone who holds the one-holder title, in rule-file order.
    let state = entity(&kb, "US Secretary of State");
    let holders: Vec<&str> = kb
        .facts_with_value(holds, state)
        .map(|f| &*kb.entity(f.subject).name)
        .collect();
    assert_eq!(holders, ["Marco Rubio", "Antony Blinken"]);

    // Two `population` values within the 2% tolerance do not conflict.
    let population = kb.relation_by_name("population").expect("declared");
    let saudi = entity(&kb, "KSA");
    assert_eq!(kb.facts(saudi, population).len(), 2);
}

#[test]
fn valid_fixture_quotes_are_attributed() {
    let kb = load_ok(&["fixtures/rules/valid/world.rules"]);
    let by = kb.relation_by_name("by").expect("prelude");
    let quote = entity(
        &kb,
        "We cannot recognize any agreements about us without us",
    );
    assert_eq!(&*kb.kind(kb.entity(quote).kind).name, "quote");
    let facts = kb.facts(quote, by);
    assert_eq!(facts.len(), 1);
    assert_eq!(
        facts[0].value,
        FactValue::Entity(entity(&kb, "Volodymyr Zelenskyy"))
    );
    assert_eq!(facts[0].validity.on, Some(date("2025-02-18")));
}

#[test]
fn valid_fixture_containment_is_transitive() {
    let kb = load_ok(&["fixtures/rules/valid/world.rules"]);
    let r#in = kb.relation_by_name("in").expect("prelude");
    let riyadh = entity(&kb, "Riyadh");
    let province = entity(&kb, "Ar Riyad");
    let saudi = entity(&kb, "Saudi Arabia");
    assert!(kb.within(r#in, riyadh, province));
    assert!(kb.within(r#in, riyadh, saudi));
    assert!(!kb.within(r#in, saudi, riyadh));
    assert!(!kb.within(r#in, riyadh, riyadh));
    assert_eq!(kb.reachable(r#in, riyadh), [province, saudi]);

    let part_of = kb.relation_by_name("part_of").expect("declared");
    let committee = entity(&kb, "NATO Science and Technology Committee");
    let nato = entity(&kb, "the alliance");
    assert!(kb.within(part_of, committee, nato));
}

#[test]
fn valid_fixture_denials_are_known_false() {
    let kb = load_ok(&["fixtures/rules/valid/world.rules"]);
    let denied: Vec<String> = kb
        .known_false()
        .iter()
        .map(|f| {
            let value = match &f.value {
                FactValue::Entity(e) => kb.entity(*e).name.to_string(),
                other => format!("{other:?}"),
            };
            format!(
                "{} {} {value}",
                kb.entity(f.subject).name,
                kb.relation(f.relation).name
            )
        })
        .collect();
    // Known-false facts are grouped by subject, not kept in rule-file order.
    let mut denied = denied;
    denied.sort();
    assert_eq!(
        denied,
        ["Riyadh capital_of Russia", "Ukraine member_of NATO"]
    );
    assert!(kb.known_false().iter().all(|f| f.negated));
    // A `not` fact is not a positive fact.
    let member_of = kb.relation_by_name("member_of").expect("prelude");
    assert!(kb.facts(entity(&kb, "Ukraine"), member_of).is_empty());
}
