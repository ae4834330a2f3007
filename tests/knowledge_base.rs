//! Semantic tests of the compiled knowledge base: names, kinds, validity intervals at their
//! precision, containment, and the contradictions the compiler refuses.

use claimcheck::kb::time::{FactDate, Truth};
use claimcheck::kb::{FactValue, KnowledgeBase};
use claimcheck::rules::{RuleSelection, load, load_str};

fn kb(text: &str) -> KnowledgeBase {
    match load_str("test.rules", text) {
        Ok(kb) => kb,
        Err(errors) => panic!("rules did not compile:\n{errors}"),
    }
}

fn codes(text: &str) -> Vec<&'static str> {
    match load_str("test.rules", text) {
        Ok(_) => panic!("expected rule errors"),
        Err(errors) => errors.diagnostics.iter().map(|d| d.code).collect(),
    }
}

fn date(text: &str) -> FactDate {
    FactDate::parse(text).unwrap()
}

/// Whether `person` holds `title` on `when`, by the rules.
fn holds(kb: &KnowledgeBase, person: &str, title: &str, when: &str) -> Truth {
    let holds = kb.relation_by_name("holds").unwrap();
    let person = kb.lookup(person)[0];
    let title = kb.lookup(title)[0];
    let mut answer = Truth::No;
    for fact in kb.facts(person, holds) {
        if fact.value == FactValue::Entity(title) {
            match fact.validity.holds_at(date(when)) {
                Truth::Yes => return Truth::Yes,
                Truth::Unknown => answer = Truth::Unknown,
                Truth::No => {}
            }
        }
    }
    answer
}

const RUBIO: &str = r#"
person "Marco Rubio" aka "Rubio"
  holds "US Secretary of State" from 2025-01-21
  holds "US Senator" from 2011-01-03 until 2025-01-20
title "US Secretary of State" aka "Secretary of State", "top U.S. diplomat"
  one holder at a time
title "US Senator" aka "Senator"
person "Dmitry Medvedev"
  holds "Russian President" from 2008 until 2012
title "Russian President"
"#;

#[test]
fn names_resolve_through_aliases_and_normalization() {
    let kb = kb(RUBIO);
    let rubio = kb.lookup("Marco Rubio")[0];
    assert_eq!(kb.lookup("Rubio"), &[rubio]);
    assert_eq!(kb.lookup("rubio"), &[rubio]);
    let title = kb.lookup("US Secretary of State")[0];
    assert_eq!(kb.lookup("top US diplomat"), &[title]);
    assert_eq!(kb.lookup("Top U.S. Diplomat"), &[title]);
    assert!(kb.lookup("Sergey Lavrov").is_empty());
    assert_eq!(&*kb.entity(rubio).name, "Marco Rubio");
}

#[test]
fn titles_hold_on_half_open_day_intervals() {
    let kb = kb(RUBIO);
    assert_eq!(
        holds(&kb, "Rubio", "Secretary of State", "2025-02-18"),
        Truth::Yes
    );
    assert_eq!(
        holds(&kb, "Rubio", "Secretary of State", "2025-01-20"),
        Truth::No
    );
    assert_eq!(holds(&kb, "Rubio", "Senator", "2024-06-01"), Truth::Yes);
    assert_eq!(holds(&kb, "Rubio", "Senator", "2025-02-18"), Truth::No);
    // the last day of a term is the hand-over day: not a contradiction either way
    assert_eq!(holds(&kb, "Rubio", "Senator", "2025-01-20"), Truth::Unknown);
}

#[test]
fn year_precision_facts_are_compared_at_year_precision() {
    let kb = kb(RUBIO);
    assert_eq!(
        holds(&kb, "Dmitry Medvedev", "Russian President", "2010-05-01"),
        Truth::Yes
    );
    assert_eq!(
        holds(&kb, "Dmitry Medvedev", "Russian President", "2008-03-01"),
        Truth::Unknown
    );
    assert_eq!(
        holds(&kb, "Dmitry Medvedev", "Russian President", "2012-06-01"),
        Truth::Unknown
    );
    assert_eq!(
        holds(&kb, "Dmitry Medvedev", "Russian President", "2013-01-01"),
        Truth::No
    );
    assert_eq!(
        holds(&kb, "Dmitry Medvedev", "Russian President", "2007"),
        Truth::No
    );
}

#[test]
fn containment_is_transitive_and_directed() {
    let kb = kb(r#"
country "Saudi Arabia"
region "Riyadh Province" in "Saudi Arabia"
city "Riyadh" in "Riyadh Province"
city "Jeddah" in "Saudi Arabia"
"#);
    let within = kb.relation_by_name("in").unwrap();
    let riyadh = kb.lookup("Riyadh")[0];
    let saudi = kb.lookup("Saudi Arabia")[0];
    let province = kb.lookup("Riyadh Province")[0];
    let jeddah = kb.lookup("Jeddah")[0];
    assert!(kb.within(within, riyadh, province));
    assert!(kb.within(within, riyadh, saudi));
    assert!(!kb.within(within, saudi, riyadh));
    assert!(!kb.within(within, riyadh, jeddah));
    assert!(!kb.within(within, riyadh, riyadh));
    assert_eq!(kb.reachable(within, riyadh), &[province, saudi]);
}

#[test]
fn kinds_refine_their_parents() {
    let kb = kb("city \"Riyadh\"\n");
    let city = kb.kind_by_name("city").unwrap();
    let place = kb.kind_by_name("place").unwrap();
    let person = kb.kind_by_name("person").unwrap();
    assert!(kb.is_a(city, place));
    assert!(!kb.is_a(place, city));
    assert!(!kb.is_a(city, person));
    let riyadh = kb.lookup("Riyadh")[0];
    assert_eq!(kb.lookup_kind("Riyadh", place), Some(riyadh));
    assert_eq!(kb.lookup_kind("Riyadh", person), None);
}

#[test]
fn facts_by_value_and_known_false_claims() {
    let kb = kb(r#"
person "Joe Biden"
  holds "US President" from 2021-01-20 until 2025-01-20
person "Donald Trump"
  holds "US President" from 2017-01-20 until 2021-01-20
  holds "US President" from 2025-01-20
title "US President"
  one holder at a time
country "Ukraine"
org "NATO"
not "Ukraine" member_of "NATO"
"#);
    let holds = kb.relation_by_name("holds").unwrap();
    let president = kb.lookup("US President")[0];
    let holders: Vec<&str> = kb
        .facts_with_value(holds, president)
        .map(|f| &*kb.entity(f.subject).name)
        .collect();
    assert_eq!(holders, ["Joe Biden", "Donald Trump", "Donald Trump"]);
    let denied = kb.known_false();
    assert_eq!(denied.len(), 1);
    assert_eq!(&*kb.entity(denied[0].subject).name, "Ukraine");
    assert_eq!(kb.rule_text(denied[0].loc), "member_of \"NATO\"");
}

#[test]
fn evidence_locations_point_at_rule_lines() {
    let kb = kb(RUBIO);
    let holds = kb.relation_by_name("holds").unwrap();
    let rubio = kb.lookup("Rubio")[0];
    let fact = &kb.facts(rubio, holds)[0];
    assert_eq!(
        kb.rule_text(fact.loc),
        "holds \"US Secretary of State\" from 2025-01-21"
    );
    let file = kb.sources().get(fact.loc.file);
    assert_eq!(file.name(), "test.rules");
    assert_eq!(file.position(fact.loc.span.start).line, 3);
    assert_eq!(file.position(fact.loc.span.start).column, 3);
}

#[test]
fn overlapping_holders_of_a_one_holder_title_are_rejected() {
    let text = r#"
title "US Secretary of State"
  one holder at a time
person "Antony Blinken"
  holds "US Secretary of State" from 2021-01-26 until 2025-02-01
person "Marco Rubio"
  holds "US Secretary of State" from 2025-01-21
"#;
    assert_eq!(codes(text), ["rules::conflicting-holders"]);
    let errors = load_str("test.rules", text).unwrap_err();
    // both lines are labelled
    let d = &errors.diagnostics[0];
    assert_eq!(
        errors.sources.text(d.primary.unwrap()),
        "holds \"US Secretary of State\" from 2025-01-21"
    );
    assert_eq!(
        errors.sources.text(d.secondary[0].0),
        "holds \"US Secretary of State\" from 2021-01-26 until 2025-02-01"
    );
    // consecutive terms are fine
    kb(&text.replace("2025-02-01", "2025-01-21"));
}

#[test]
fn one_valued_relations_reject_a_second_value() {
    let text = "event \"Riyadh talks\"\n  on 2025-02-18\n  on 2025-02-19\n";
    assert_eq!(codes(text), ["rules::conflicting-values"]);
    // the same date at a coarser precision agrees
    kb("event \"Riyadh talks\"\n  on 2025-02-18\n  on 2025-02\n");
}

#[test]
fn semantic_errors_are_all_reported_together() {
    let text = r#"
person "Marco Rubio"
  holds "Secretary of Stat"
"Riyadh" holds "US Senator"
city "Riyadh"
"Marco Rubio" hold "US Senator"
title "US Senator"
person "Marco Rubio"
"#;
    assert_eq!(
        codes(text),
        [
            "rules::unknown-entity",
            "rules::kind-mismatch",
            "rules::unknown-relation",
            "rules::duplicate-entity"
        ]
    );
}

#[test]
fn the_embedded_default_rules_compile() {
    let kb = load(&RuleSelection::defaults()).unwrap_or_else(|e| panic!("{e}"));
    assert!(kb.entities().len() > 20);
    assert!(!kb.lookup("Sergei Lavrov").is_empty());
    let crimea = kb.lookup("Crimea")[0];
    let ukraine = kb.lookup("Ukraine")[0];
    assert!(kb.within(kb.relation_by_name("in").unwrap(), crimea, ukraine));
}

#[test]
fn a_standalone_fact_picks_the_subject_by_the_relations_kind() {
    let kb = kb(
        "country \"Georgia\"\nstate \"Georgia\"\norg \"NATO\"\n\"Georgia\" member_of \"NATO\"\n",
    );
    let member_of = kb.relation_by_name("member_of").unwrap();
    let country = kb
        .lookup_kind("Georgia", kb.kind_by_name("country").unwrap())
        .unwrap();
    assert_eq!(kb.facts(country, member_of).len(), 1);
}

#[test]
fn a_failed_relation_declaration_is_reported_once() {
    let text = "relation hosted_by: evnt -> country\ncountry \"Saudi Arabia\"\nevent \"Riyadh talks\" hosted_by \"Saudi Arabia\"\n";
    assert_eq!(codes(text), ["rules::unknown-kind"]);
}

#[test]
fn every_cycle_is_reported_once_with_all_its_edges() {
    let text = "region \"Crimea\" in \"Ukraine\"\ncountry \"Ukraine\" in \"Crimea\"\ncity \"A\" in \"B\"\ncity \"B\" in \"C\"\ncity \"C\" in \"A\"\n";
    let errors = load_str("test.rules", text).unwrap_err();
    let cycles: Vec<_> = errors
        .diagnostics
        .iter()
        .filter(|d| d.code == "rules::cycle")
        .collect();
    assert_eq!(cycles.len(), 2, "{errors}");
    // the three-city cycle labels its closing edge and the two others
    assert_eq!(cycles[1].secondary.len(), 2);
}

#[test]
fn negative_numbers_are_numbers() {
    let kb = kb("relation temperature: city -> number\ncity \"Riyadh\" temperature -3.5\n");
    let riyadh = kb.lookup("Riyadh")[0];
    let fact = &kb.facts(riyadh, kb.relation_by_name("temperature").unwrap())[0];
    assert_eq!(fact.value, FactValue::Number(-3.5));
}

#[test]
fn a_date_valued_fact_cannot_take_a_second_date() {
    assert_eq!(
        codes("event \"Y\" on 2025 on 2026\n"),
        ["rules::value-type"]
    );
}
