//! The embedded default knowledge base (`rules/world/`): its size, and the invariants the
//! compiler only partly enforces.

use claimcheck::kb::KnowledgeBase;
use claimcheck::rules::{RuleSelection, load};

fn default_kb() -> KnowledgeBase {
    match load(&RuleSelection::defaults()) {
        Ok(kb) => kb,
        Err(errors) => panic!("the default rules do not compile:\n{errors}"),
    }
}

fn count(kb: &KnowledgeBase, kind: &str) -> usize {
    let kind = kb.kind_by_name(kind).expect("a prelude kind");
    kb.entities().filter(|(_, e)| kb.is_a(e.kind, kind)).count()
}

#[test]
fn the_default_knowledge_base_is_large_enough() {
    let kb = default_kb();
    let people = count(&kb, "person");
    let titles = count(&kb, "title");
    let places = count(&kb, "place");
    let events = count(&kb, "event");
    assert!(people >= 300, "{people} people");
    assert!(titles >= 150, "{titles} titles");
    assert!(places >= 250, "{places} places");
    assert!(events >= 40, "{events} events");
}

#[test]
fn no_one_holder_title_has_overlapping_holders() {
    let kb = default_kb();
    let holds = kb.relation_by_name("holds").unwrap();
    let mut checked = 0;
    for (title, entity) in kb.entities() {
        if !entity.one_holder_at_a_time {
            continue;
        }
        let terms: Vec<_> = kb
            .facts_with_value(holds, title)
            .filter(|f| !f.negated)
            .collect();
        for (i, a) in terms.iter().enumerate() {
            for b in &terms[i + 1..] {
                assert!(
                    a.subject == b.subject || !a.validity.certainly_overlaps(&b.validity),
                    "{}: {} and {} overlap",
                    entity.name,
                    kb.entity(a.subject).name,
                    kb.entity(b.subject).name
                );
                checked += 1;
            }
        }
    }
    // the test looked at something: many titles have several holders
    assert!(checked > 500, "{checked} pairs");
}

#[test]
fn every_nato_member_has_an_accession_date() {
    let kb = default_kb();
    let member_of = kb.relation_by_name("member_of").unwrap();
    let nato = kb.lookup("NATO")[0];
    let members: Vec<_> = kb
        .facts_with_value(member_of, nato)
        .filter(|f| !f.negated)
        .collect();
    assert_eq!(members.len(), 32);
    assert!(members.iter().all(|f| !f.validity.is_always()));
}

#[test]
fn transliterations_are_aliases_of_one_person() {
    let kb = default_kb();
    for names in [
        &["Volodymyr Zelenskyy", "Zelensky", "Zelenskiy"][..],
        &["Sergey Lavrov", "Sergei Lavrov"],
        &["Yuri Ushakov", "Yury Ushakov"],
        &["Andrii Sybiha", "Andriy Sybiha"],
    ] {
        let ids: Vec<_> = names.iter().map(|n| kb.lookup(n).to_vec()).collect();
        assert!(
            ids.iter().all(|i| i.len() == 1 && i == &ids[0]),
            "{names:?}"
        );
    }
}

#[test]
fn every_block_of_facts_names_its_source() {
    for entry in std::fs::read_dir("rules/world").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# source:"),
            "{} names no source",
            path.display()
        );
    }
}
