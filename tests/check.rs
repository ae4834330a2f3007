//! The checks, as specifications: true positives and clean near-misses over short articles,
//! with the default rules.

use claimcheck::article::{Article, Format};
use claimcheck::check::{CheckSettings, Context, Finding, run_checks};
use claimcheck::extract::Extractor;
use claimcheck::kb::KnowledgeBase;
use claimcheck::kb::time::FactDate;
use claimcheck::rules::{RuleSelection, load, load_str};

fn kb() -> KnowledgeBase {
    load(&RuleSelection::defaults()).unwrap_or_else(|e| panic!("{e}"))
}

fn check_with(kb: &KnowledgeBase, text: &str, date: Option<&str>) -> Vec<Finding> {
    let article = Article::parse("test.md", Format::Markdown, text.to_string());
    let x = Extractor::new(kb).extract(&article, date.map(|d| FactDate::parse(d).unwrap()));
    let cx = Context {
        kb,
        article: &article,
        extraction: &x,
    };
    run_checks(&cx, &CheckSettings::default())
}

/// (check, the article's words) of every finding.
fn found(text: &str, date: Option<&str>) -> Vec<(&'static str, String)> {
    let kb = kb();
    let article_text = text.to_string();
    check_with(&kb, text, date)
        .into_iter()
        .map(|f| (f.check, f.span.slice(&article_text).to_string()))
        .collect()
}

fn titles_found(text: &str, date: &str) -> Vec<String> {
    found(text, Some(date))
        .into_iter()
        .filter(|(c, _)| *c == "title-conflict")
        .map(|(_, t)| t)
        .collect()
}

#[test]
fn a_title_the_person_does_not_hold_is_a_conflict() {
    assert_eq!(
        titles_found(
            "Defense Secretary Marco Rubio described the meeting as a first step.\n",
            "2025-02-18"
        ),
        ["Defense Secretary Marco Rubio"]
    );
}

#[test]
fn the_title_the_person_holds_is_clean() {
    for text in [
        "Secretary of State Marco Rubio described the meeting.\n",
        "US Secretary of State Marco Rubio described the meeting.\n",
        "Rubio, the top U.S. diplomat, described the meeting.\n",
        "Marco Rubio, Secretary of State, described the meeting.\n",
    ] {
        assert_eq!(
            titles_found(text, "2025-02-18"),
            Vec::<String>::new(),
            "{text}"
        );
    }
}

#[test]
fn a_title_held_before_the_date_is_a_conflict_and_clean_within_the_term() {
    let text = "Secretary of State Antony Blinken spoke.\n";
    assert_eq!(
        titles_found(text, "2025-02-18"),
        ["Secretary of State Antony Blinken"]
    );
    assert_eq!(titles_found(text, "2024-06-01"), Vec::<String>::new());
}

#[test]
fn hand_over_days_are_not_judged() {
    // Rubio's Senate term ends on 2025-01-20: that day may be described either way
    assert_eq!(
        titles_found("Senator Marco Rubio spoke.\n", "2025-01-20"),
        Vec::<String>::new()
    );
    assert_eq!(
        titles_found("Senator Marco Rubio spoke.\n", "2025-02-18"),
        ["Senator Marco Rubio"]
    );
}

#[test]
fn former_for_a_title_still_held_is_a_conflict() {
    assert_eq!(
        titles_found("Former President Donald Trump spoke.\n", "2025-02-18"),
        ["President Donald Trump"]
    );
    // in 2023 Trump was a former president
    assert_eq!(
        titles_found("Former President Donald Trump spoke.\n", "2023-06-01"),
        Vec::<String>::new()
    );
    // Rubio left the Senate in January 2025
    assert_eq!(
        titles_found(
            "Former senator Marco Rubio now leads the State Department.\n",
            "2025-02-18"
        ),
        Vec::<String>::new()
    );
}

#[test]
fn then_for_a_title_never_held_is_a_conflict() {
    assert_eq!(
        titles_found(
            "Then-Secretary of State Antony Blinken spoke.\n",
            "2025-02-18"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        titles_found(
            "Then-Defense Secretary Antony Blinken spoke.\n",
            "2025-02-18"
        ),
        ["Defense Secretary Antony Blinken"]
    );
}

#[test]
fn without_a_date_only_never_held_titles_conflict() {
    let f = found(
        "Senator Marco Rubio spoke. Defense Secretary Marco Rubio left.\n",
        None,
    );
    assert_eq!(
        f,
        [
            ("missing-date", "S".to_string()),
            (
                "title-conflict",
                "Defense Secretary Marco Rubio".to_string()
            )
        ]
    );
}

#[test]
fn people_whose_titles_the_rules_do_not_record_are_not_judged() {
    let kb = load_str(
        "test.rules",
        "person \"Jane Roe\"\ntitle \"US Secretary of Defense\" aka \"Defense Secretary\"\n",
    )
    .unwrap();
    let f = check_with(
        &kb,
        "---\ndate: 2025-02-18\n---\nDefense Secretary Jane Roe spoke.\n",
        None,
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn missing_date_is_one_note_and_absent_with_a_date() {
    let f = found("# Talks\n\nRubio met Lavrov.\n\nThey talked.\n", None);
    assert_eq!(f.iter().filter(|(c, _)| *c == "missing-date").count(), 1);
    assert!(found("---\ndate: 2025-02-18\n---\nRubio met Lavrov.\n", None).is_empty());
}

#[test]
fn findings_carry_evidence_from_the_rules_and_name_the_date() {
    let kb = kb();
    let f = check_with(
        &kb,
        "Defense Secretary Marco Rubio spoke.\n",
        Some("2025-02-18"),
    );
    let f = f.iter().find(|f| f.check == "title-conflict").unwrap();
    assert_eq!(
        f.message,
        "Marco Rubio was US Secretary of State on 2025-02-18, not Defense Secretary"
    );
    let evidence: Vec<&str> = f.evidence.iter().map(|e| kb.rule_text(e.loc)).collect();
    assert_eq!(
        evidence,
        ["holds \"US Secretary of State\" from 2025-01-21"]
    );
    assert!(
        f.help
            .as_deref()
            .unwrap()
            .contains("holds \"US Secretary of Defense\"")
    );
}

#[test]
fn settings_change_severity_or_turn_checks_off() {
    let kb = kb();
    let article = Article::parse(
        "t.md",
        Format::Markdown,
        "Defense Secretary Marco Rubio spoke.\n".into(),
    );
    let x = Extractor::new(&kb).extract(&article, None);
    let cx = Context {
        kb: &kb,
        article: &article,
        extraction: &x,
    };
    let off = CheckSettings {
        overrides: vec![("title-conflict", None), ("missing-date", None)],
    };
    assert!(run_checks(&cx, &off).is_empty());
    let warn = CheckSettings {
        overrides: vec![(
            "title-conflict",
            Some(claimcheck::severity::Severity::Warning),
        )],
    };
    let f = run_checks(&cx, &warn);
    assert!(
        f.iter().any(|f| f.check == "title-conflict"
            && f.severity == claimcheck::severity::Severity::Warning)
    );
}

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!("fixtures/articles/{path}")).unwrap()
}

fn found_text(text: &str, date: Option<&str>) -> Vec<(&'static str, String)> {
    let kb = kb();
    let article = Article::parse("test.txt", Format::Text, text.to_string());
    let x = Extractor::new(&kb).extract(&article, date.map(|d| FactDate::parse(d).unwrap()));
    let cx = Context {
        kb: &kb,
        article: &article,
        extraction: &x,
    };
    run_checks(&cx, &CheckSettings::default())
        .into_iter()
        .map(|f| (f.check, f.message))
        .collect()
}

#[test]
fn a_headline_naming_what_the_body_never_mentions_is_unsupported() {
    // the seed's case, in our own words: NATO and 1990 appear only in the headline
    let f = found_text(&fixture("headline-unsupported/nato-troops.txt"), None);
    assert_eq!(
        f,
        [(
            "headline-unsupported",
            "the headline names NATO and 1990, which the body never mentions".to_string()
        )]
    );
}

#[test]
fn a_headline_the_body_supports_is_clean() {
    // Washington stands for the United States, Moscow for Russia
    assert!(found_text(&fixture("headline-unsupported/supported.txt"), None).is_empty());
    assert!(found_text(&fixture("riyadh-talks-wire.txt"), Some("2025-02-18")).is_empty());
}

#[test]
fn headline_numbers_in_dates_prices_and_words_are_not_unsupported() {
    let text = "Talks End on Feb. 18, 2025 With $1.5 Billion Deal and 3 Agreements\n\nThe officials signed three agreements in Riyadh.\n";
    assert!(
        found_text(text, None)
            .iter()
            .all(|(c, _)| *c != "headline-unsupported"),
        "{:?}",
        found_text(text, None)
    );
}

#[test]
fn a_first_line_that_is_body_text_is_not_a_headline() {
    // plain-text exports that start with the first paragraph
    let text = "According to several reports, NATO troops met in Riyadh in 1990 and again later that year:\n\nThe meeting was short.\n";
    assert!(
        found_text(text, None)
            .iter()
            .all(|(c, _)| *c != "headline-unsupported")
    );
}

const DATED: &str = "---\ndate: 2025-02-18\n---\n";

/// The (check, article words) findings of a dated Markdown article, for one check.
fn findings_of(check: &str, body: &str) -> Vec<String> {
    found(&format!("{DATED}{body}"), None)
        .into_iter()
        .filter(|(c, _)| *c == check)
        .map(|(_, t)| t)
        .collect()
}

#[test]
fn a_meeting_placed_in_two_unrelated_places_is_a_place_conflict() {
    let tp = "US and Russian officials met in Saudi Arabia on Tuesday. The meeting in Istanbul lasted four hours.\n";
    assert_eq!(findings_of("place-conflict", tp), ["Istanbul"]);
    // Riyadh lies in Saudi Arabia
    let ok = "US and Russian officials met in Saudi Arabia on Tuesday. The meeting in Riyadh lasted four hours.\n";
    assert!(findings_of("place-conflict", ok).is_empty());
}

#[test]
fn a_known_event_in_another_place_is_a_place_conflict() {
    assert_eq!(
        findings_of(
            "place-conflict",
            "The Riyadh talks in Istanbul were short.\n"
        ),
        ["Istanbul"]
    );
    assert!(
        findings_of(
            "place-conflict",
            "The Riyadh talks in Saudi Arabia were short.\n"
        )
        .is_empty()
    );
}

#[test]
fn a_wrong_year_for_a_dated_fact_is_a_date_conflict() {
    assert_eq!(
        findings_of(
            "date-conflict",
            "Crimea (annexed by Russia in 2016) was discussed.\n"
        ),
        ["in 2016"]
    );
    assert!(
        findings_of(
            "date-conflict",
            "Crimea (annexed by Russia in 2014) was discussed.\n"
        )
        .is_empty()
    );
    assert_eq!(
        findings_of(
            "date-conflict",
            "The Riyadh talks on Feb. 19, 2025 were short.\n"
        ),
        ["Feb. 19, 2025"]
    );
    assert!(
        findings_of(
            "date-conflict",
            "The Riyadh talks on Feb. 18, 2025 were short.\n"
        )
        .is_empty()
    );
}

#[test]
fn a_weekday_that_does_not_fit_is_a_weekday_conflict() {
    assert_eq!(
        findings_of(
            "weekday-conflict",
            "The talks began on Thursday, Feb. 18, 2025.\n"
        ),
        ["on Thursday, Feb. 18, 2025"]
    );
    assert!(
        findings_of(
            "weekday-conflict",
            "The talks began on Tuesday, Feb. 18, 2025.\n"
        )
        .is_empty()
    );
    // the call was on Wednesday 2025-02-12
    assert_eq!(
        findings_of(
            "weekday-conflict",
            "It followed the Feb. 12 Trump-Putin call last Thursday.\n"
        ),
        ["last Thursday"]
    );
    assert!(
        findings_of(
            "weekday-conflict",
            "It followed the Feb. 12 Trump-Putin call last Wednesday.\n"
        )
        .is_empty()
    );
}

#[test]
fn an_elapsed_time_that_does_not_fit_is_a_conflict() {
    let tp = "It was the first meeting since the full-scale invasion nearly five years ago.\n";
    assert_eq!(
        findings_of("elapsed-time-conflict", tp),
        ["nearly five years ago"]
    );
    let ok = "It was the first meeting since the full-scale invasion nearly three years ago.\n";
    assert!(findings_of("elapsed-time-conflict", ok).is_empty());
    // without a date, nothing is judged
    assert!(
        found(tp, None)
            .iter()
            .all(|(c, _)| *c != "elapsed-time-conflict")
    );
}

#[test]
fn a_known_quote_given_to_another_speaker_is_misattributed() {
    let tp = "\"We cannot recognize any agreements about us without us,\" Lavrov said.\n";
    assert_eq!(
        findings_of("quote-misattributed", tp),
        ["We cannot recognize any agreements about us without us,"]
    );
    let ok = "\"We cannot recognize any agreements about us without us,\" Zelenskyy said.\n";
    assert!(findings_of("quote-misattributed", ok).is_empty());
}

#[test]
fn one_quote_given_to_two_speakers_is_misattributed() {
    let tp = "\"This is the first step of a long journey,\" Rubio said.\n\n\"This is the first step of a long journey,\" Waltz said.\n";
    assert_eq!(
        findings_of("quote-misattributed", tp),
        ["This is the first step of a long journey,"]
    );
    let ok = "\"This is the first step of a long journey,\" Rubio said.\n\n\"This is the first step,\" Waltz said.\n";
    assert!(findings_of("quote-misattributed", ok).is_empty());
}

#[test]
fn a_claim_the_rules_deny_is_known_false() {
    assert_eq!(
        findings_of(
            "known-false",
            "Ukraine joined NATO in 2008, one official claimed.\n"
        ),
        ["Ukraine joined NATO"]
    );
    assert!(findings_of("known-false", "Ukraine has not joined NATO.\n").is_empty());
    assert!(findings_of("known-false", "Turkey joined NATO in 1952.\n").is_empty());
}

#[test]
fn a_near_miss_of_a_known_surname_is_misspelled() {
    assert_eq!(
        findings_of(
            "name-misspelled",
            "Russian Foreign Minister Sergey Lavrof said talks would go on.\n"
        ),
        ["Lavrof"]
    );
    // a different person with a similar name, in an article that never names Rubio
    assert!(
        findings_of(
            "name-misspelled",
            "Analyst Robert Rubin said talks would go on.\n"
        )
        .is_empty()
    );
}

#[test]
fn two_spellings_of_one_person_are_a_name_variant() {
    let tp = "President Volodymyr Zelenskyy spoke. Zelensky said Kyiv would not give in.\n";
    assert_eq!(findings_of("name-variant", tp), ["Zelensky"]);
    let sergei = "Sergey Lavrov answered, and Sergei Lavrov laughed.\n";
    assert_eq!(findings_of("name-variant", sergei), ["Sergei Lavrov"]);
    let ok = "President Volodymyr Zelenskyy spoke. Zelenskyy said Kyiv would not give in.\n";
    assert!(findings_of("name-variant", ok).is_empty());
}

#[test]
fn two_titles_never_held_together_are_inconsistent_in_an_undated_article() {
    let tp = "Secretary of State Marco Rubio spoke first. Later, Senator Rubio took questions.\n";
    assert_eq!(
        found(tp, None)
            .into_iter()
            .filter(|(c, _)| *c == "title-inconsistent")
            .map(|(_, t)| t)
            .collect::<Vec<_>>(),
        ["Senator Rubio"]
    );
    let ok =
        "Secretary of State Marco Rubio spoke first. Later, former Senator Rubio took questions.\n";
    assert!(
        found(ok, None)
            .iter()
            .all(|(c, _)| *c != "title-inconsistent")
    );
}

#[test]
fn suppression_comments_silence_findings_and_stale_ones_are_noted() {
    let text = format!(
        "{DATED}<!-- claimcheck-disable-next-line title-conflict -->\nDefense Secretary Marco Rubio spoke.\n\n\
         <!-- claimcheck-disable-next-line title-conflict -->\nSecretary of State Marco Rubio spoke.\n\n\
         <!-- claimcheck-disable name-variant -->\nZelenskyy and Zelensky.\n<!-- claimcheck-enable name-variant -->\n\n\
         Defense Secretary Marco Rubio left.\n"
    );
    let f = found(&text, None);
    let checks: Vec<&str> = f.iter().map(|(c, _)| *c).collect();
    // the first finding is silenced, the second comment silences nothing, the region holds
    // the variant, and the last line is reported
    assert_eq!(checks, ["unused-suppression", "title-conflict"], "{f:?}");
    assert_eq!(f[1].1, "Defense Secretary Marco Rubio");
}
