//! Extraction, as a specification: what the extractors find in articles written in the
//! styles of different outlets, with the default rules.

use claimcheck::article::{Article, Format};
use claimcheck::extract::claim::{Attribution, ClaimBody, DateForm, Qualifier, TitleForm};
use claimcheck::extract::{Extraction, Extractor};
use claimcheck::kb::KnowledgeBase;
use claimcheck::kb::time::FactDate;
use claimcheck::rules::{RuleSelection, load};

fn kb() -> KnowledgeBase {
    load(&RuleSelection::defaults()).unwrap_or_else(|e| panic!("{e}"))
}

fn extract(
    kb: &KnowledgeBase,
    format: Format,
    text: &str,
    date: Option<&str>,
) -> (Article, Extraction) {
    let article = Article::parse("test", format, text.to_string());
    let x = Extractor::new(kb).extract(&article, date.map(|d| FactDate::parse(d).unwrap()));
    (article, x)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("fixtures/articles/{name}")).unwrap()
}

/// (person, title as written, known titles it resolves to, qualifier)
fn titles(x: &Extraction) -> Vec<(String, String, Vec<String>, Option<Qualifier>)> {
    x.claims
        .iter()
        .filter_map(|c| match &c.body {
            ClaimBody::Title(t) => Some((
                t.person.entities.join("|"),
                t.title.text.clone(),
                t.title.entities.clone(),
                t.qualifier,
            )),
            _ => None,
        })
        .collect()
}

/// (quoted words, speaker, attribution, partial)
fn quotes(x: &Extraction) -> Vec<(String, Option<String>, Attribution, bool)> {
    x.claims
        .iter()
        .filter_map(|c| match &c.body {
            ClaimBody::Quote(q) => Some((
                q.quote.text.clone(),
                q.speaker.as_ref().map(|s| s.entities.join("|")),
                q.attribution,
                q.partial,
            )),
            _ => None,
        })
        .collect()
}

fn title_of<'a>(
    all: &'a [(String, String, Vec<String>, Option<Qualifier>)],
    person: &str,
) -> &'a (String, String, Vec<String>, Option<Qualifier>) {
    all.iter()
        .find(|t| t.0 == person)
        .unwrap_or_else(|| panic!("no title for {person}: {all:#?}"))
}

#[test]
fn wire_report_titles_of_every_official() {
    let kb = kb();
    let (_, x) = extract(
        &kb,
        Format::Text,
        &fixture("riyadh-talks-wire.txt"),
        Some("2025-02-18"),
    );
    let all = titles(&x);
    for (person, written, known) in [
        (
            "Marco Rubio",
            "US Secretary of State",
            "US Secretary of State",
        ),
        (
            "Michael Waltz",
            "US National Security Adviser",
            "US National Security Adviser",
        ),
        ("Donald Trump", "US President", "US President"),
        ("Vladimir Putin", "Russian President", "Russian President"),
        ("Yuri Ushakov", "Putin's aide", "Russian presidential aide"),
        (
            "Volodymyr Zelenskyy",
            "Ukrainian President",
            "Ukrainian President",
        ),
        (
            "Sergey Lavrov",
            "Russian Foreign Minister",
            "Russian Foreign Minister",
        ),
        (
            "Kirill Dmitriev",
            "head of the Russian Direct Investment Fund",
            "CEO of the Russian Direct Investment Fund",
        ),
    ] {
        let t = title_of(&all, person);
        assert_eq!(
            (t.1.as_str(), t.2.as_slice()),
            (written, &[known.to_string()][..]),
            "{person}"
        );
    }
    let dmitriev = x.claims.iter().find_map(|c| match &c.body {
        ClaimBody::Title(t) if t.person.text == "Kirill Dmitriev" => Some(t.form),
        _ => None,
    });
    assert_eq!(dmitriev, Some(TitleForm::Apposition));
}

#[test]
fn wire_report_quotes_and_their_speakers() {
    let kb = kb();
    let (_, x) = extract(
        &kb,
        Format::Text,
        &fixture("riyadh-talks-wire.txt"),
        Some("2025-02-18"),
    );
    let q = quotes(&x);
    let speaker = |words: &str| {
        q.iter()
            .find(|(text, ..)| text.starts_with(words))
            .unwrap_or_else(|| panic!("no quote {words}: {q:#?}"))
    };
    assert_eq!(speaker("a first step").1.as_deref(), Some("Marco Rubio"));
    // the second Rubio quote is attributed through "he"
    assert_eq!(speaker("prejudging").1.as_deref(), Some("Marco Rubio"));
    assert_eq!(speaker("prejudging").2, Attribution::Pronoun);
    assert_eq!(speaker("end").1.as_deref(), Some("Michael Waltz"));
    assert_eq!(speaker("every day").1.as_deref(), Some("Michael Waltz"));
    assert_eq!(speaker("quite useful").1.as_deref(), Some("Yuri Ushakov"));
    assert_eq!(
        speaker("We cannot recognize").1.as_deref(),
        Some("Volodymyr Zelenskyy")
    );
    assert_eq!(speaker("nothing to do").1.as_deref(), Some("Sergey Lavrov"));
    assert_eq!(
        speaker("Only by working together").1.as_deref(),
        Some("Kirill Dmitriev")
    );
    // scare quotes in the headline and the first paragraph have no named speaker
    let scare: Vec<_> = q
        .iter()
        .filter(|(t, ..)| t.eq_ignore_ascii_case("reset"))
        .collect();
    assert_eq!(scare.len(), 2);
    assert!(
        scare
            .iter()
            .all(|(_, s, _, partial)| s.is_none() && *partial)
    );
    assert!(
        !speaker("We cannot recognize").3,
        "a full sentence is not partial"
    );
}

#[test]
fn wire_report_places_and_dates() {
    let kb = kb();
    let (_, x) = extract(
        &kb,
        Format::Text,
        &fixture("riyadh-talks-wire.txt"),
        Some("2025-02-18"),
    );
    let places: Vec<(String, Vec<String>)> = x
        .claims
        .iter()
        .filter_map(|c| match &c.body {
            ClaimBody::Place(p) if !c.headline => {
                Some((p.event.text.to_lowercase(), p.place.entities.clone()))
            }
            _ => None,
        })
        .collect();
    assert!(
        places.contains(&("met".into(), vec!["Saudi Arabia".into()])),
        "{places:?}"
    );
    assert!(
        places.contains(&("the meeting".into(), vec!["Riyadh".into()])),
        "{places:?}"
    );

    let dates: Vec<(String, Option<String>, DateForm)> = x
        .claims
        .iter()
        .filter_map(|c| match &c.body {
            ClaimBody::Date(d) => Some((
                d.expression.text.clone(),
                d.subject.as_ref().map(|s| s.text.clone()),
                d.form,
            )),
            _ => None,
        })
        .collect();
    let tied = |expr: &str| {
        dates
            .iter()
            .find(|d| d.0 == expr)
            .unwrap_or_else(|| panic!("no {expr}: {dates:#?}"))
    };
    assert_eq!(tied("on Tuesday").1.as_deref(), Some("met"));
    assert_eq!(tied("last Wednesday").1.as_deref(), Some("phone call"));
    assert_eq!(
        tied("nearly three years ago").1.as_deref(),
        Some("full-scale invasion")
    );
    assert_eq!(tied("nearly three years ago").2, DateForm::Relative);
    assert_eq!(tied("in 2014").1.as_deref(), Some("annexed"));

    // `annexed by` is a cue of `annexed_by`: Crimea, Russia, 2014
    let annexation = x.claims.iter().find_map(|c| match &c.body {
        ClaimBody::Relation(r) if r.relation == "annexed_by" => Some(r),
        _ => None,
    });
    let annexation = annexation.expect("annexation claim");
    assert_eq!(annexation.subject.entities, ["Crimea"]);
    assert_eq!(annexation.value.entities, ["Russia"]);
    assert_eq!(
        annexation.date.map(|d| d.to_string()).as_deref(),
        Some("2014")
    );
}

#[test]
fn relative_times_resolve_against_the_article_date() {
    let kb = kb();
    let (_, x) = extract(
        &kb,
        Format::Text,
        &fixture("riyadh-talks-wire.txt"),
        Some("2025-02-18"),
    );
    let resolved = |expr: &str| {
        x.claims
            .iter()
            .find_map(|c| match &c.body {
                ClaimBody::Date(d) if d.expression.text == expr => d.resolved,
                _ => None,
            })
            .unwrap_or_else(|| panic!("{expr} not resolved"))
    };
    let invasion: jiff::civil::Date = "2022-02-24".parse().unwrap();
    let r = resolved("nearly three years ago");
    assert!(r.first <= invasion && invasion <= r.last, "{r:?}");
    let call: jiff::civil::Date = "2025-02-12".parse().unwrap();
    let r = resolved("last Wednesday");
    assert!(r.first <= call && call <= r.last, "{r:?}");
}

#[test]
fn ap_style_us_and_lowercase_titles() {
    let kb = kb();
    let (_, x) = extract(&kb, Format::Markdown, &fixture("ap-style-summit.md"), None);
    // the dateline gives the article date
    assert_eq!(x.date.map(|d| d.to_string()).as_deref(), Some("2025-02-18"));
    let all = titles(&x);
    assert_eq!(
        title_of(&all, "Michael Waltz").2,
        ["US National Security Adviser"]
    );
    assert_eq!(title_of(&all, "Marco Rubio").2, ["US Secretary of State"]);
    let biden = title_of(&all, "Joe Biden");
    assert_eq!(
        (biden.1.as_str(), biden.3),
        ("President", Some(Qualifier::Former))
    );
}

#[test]
fn bbc_style_mr_and_reverse_appositions() {
    let kb = kb();
    let (_, x) = extract(
        &kb,
        Format::Markdown,
        &fixture("lavrov-broadsheet.md"),
        None,
    );
    assert_eq!(x.date.map(|d| d.to_string()).as_deref(), Some("2025-02-18"));
    let all = titles(&x);
    // "Sergei" is an alias of Sergey Lavrov
    assert_eq!(
        title_of(&all, "Sergey Lavrov").2,
        ["Russian Foreign Minister"]
    );
    assert_eq!(
        title_of(&all, "Michael Waltz").2,
        ["US National Security Adviser"]
    );
    let q = quotes(&x);
    assert!(
        q.iter()
            .any(|(t, s, ..)| t.starts_with("Europe will be part")
                && s.as_deref() == Some("Michael Waltz")),
        "{q:#?}"
    );
    assert!(
        q.iter()
            .any(|(t, s, ..)| t.starts_with("We agreed") && s.as_deref() == Some("Sergey Lavrov")),
        "{q:#?}"
    );
}

#[test]
fn adviser_and_advisor_spellings_name_one_title() {
    let kb = kb();
    for text in [
        "National Security Adviser Michael Waltz spoke.",
        "National Security Advisor Michael Waltz spoke.",
        "national security adviser Mike Waltz spoke.",
    ] {
        let (_, x) = extract(&kb, Format::Text, &format!("Headline\n\n{text}\n"), None);
        assert_eq!(titles(&x)[0].2, ["US National Security Adviser"], "{text}");
    }
}

#[test]
fn former_ex_and_then_qualifiers() {
    let kb = kb();
    let cases = [
        (
            "Former Secretary of State Antony Blinken spoke.",
            Some(Qualifier::Former),
        ),
        (
            "Ex-Secretary of State Antony Blinken spoke.",
            Some(Qualifier::Former),
        ),
        (
            "Then-Secretary of State Antony Blinken spoke.",
            Some(Qualifier::Then),
        ),
        ("Secretary of State Antony Blinken spoke.", None),
    ];
    for (text, qualifier) in cases {
        let (_, x) = extract(&kb, Format::Text, &format!("Headline\n\n{text}\n"), None);
        let t = titles(&x);
        assert_eq!(t.len(), 1, "{text}: {t:?}");
        assert_eq!(
            (t[0].2.as_slice(), t[0].3),
            (&["US Secretary of State".to_string()][..], qualifier),
            "{text}"
        );
    }
}

#[test]
fn names_are_case_sensitive_but_titles_are_not() {
    let kb = kb();
    // "trump" the verb is not Donald Trump; "us" the pronoun is not the United States
    let (_, x) = extract(
        &kb,
        Format::Text,
        "Headline\n\nFacts trump opinion, he told us.\n",
        None,
    );
    assert!(x.mentions.is_empty(), "{:?}", x.mentions);
    let (_, x) = extract(
        &kb,
        Format::Text,
        "Headline\n\nThe U.S. delegation met Rubio.\n",
        None,
    );
    let names: Vec<_> = x
        .mentions
        .iter()
        .flat_map(|m| m.entities.iter().map(|&e| kb.entity(e).name.to_string()))
        .collect();
    assert_eq!(names, ["United States", "Marco Rubio"]);
}

#[test]
fn quotes_without_a_speech_verb_take_the_paragraphs_only_speaker() {
    let kb = kb();
    let text = "Headline\n\nZelenskyy spoke in Kyiv. \"We will not give up our land.\" He said it twice, \"and we will not be silent about it either.\"\n";
    let (_, x) = extract(&kb, Format::Text, text, None);
    let q = quotes(&x);
    assert_eq!(q[0].1.as_deref(), Some("Volodymyr Zelenskyy"));
    assert_eq!(q[0].2, Attribution::Paragraph);
}

#[test]
fn code_and_urls_are_not_prose() {
    let kb = kb();
    let text = "# Notes\n\n`Rubio` in code and https://example.com/Rubio are not claims, but Lavrov is.\n\n```\nSecretary of State Marco Rubio\n```\n";
    let (_, x) = extract(&kb, Format::Markdown, text, None);
    assert_eq!(x.mentions.len(), 1);
    assert!(titles(&x).is_empty());
}
