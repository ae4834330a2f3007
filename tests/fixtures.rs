//! Every annotated fixture article under `fixtures/` passes `claimcheck test`, and every check
//! has a true positive among them (the near-misses are the `ok:` annotations and the clean
//! articles).

use std::path::PathBuf;

use claimcheck::check::CHECKS;
use claimcheck::cli::test::run_fixtures;

#[test]
fn every_fixture_passes() {
    let run = run_fixtures(&[PathBuf::from("fixtures/articles")]);
    assert!(run.errors.is_empty(), "{:#?}", run.errors);
    assert!(
        run.failed.is_empty(),
        "failing fixtures:\n{:#?}",
        run.failed
    );
    assert!(run.fixtures >= 30, "only {} fixtures", run.fixtures);
}

#[test]
fn every_check_has_a_true_positive_fixture() {
    let run = run_fixtures(&[PathBuf::from("fixtures/articles")]);
    for check in CHECKS {
        let tp = run.tallies.get(check.name).map_or(0, |t| t.true_positives);
        assert!(tp > 0, "no fixture expects {}", check.name);
    }
}

#[test]
fn a_fixture_that_misses_or_adds_a_finding_fails() {
    let dir = tempfile::tempdir().unwrap();
    // an expected finding that does not happen, and a finding nobody expected
    std::fs::write(
        dir.path().join("wrong.md"),
        "<!-- claimcheck-test date=\"2025-02-18\" -->\n# Talks\n\n<!-- expect: title-conflict -->\nSecretary of State Marco Rubio spoke.\n\nDefense Secretary Marco Rubio left.\n",
    )
    .unwrap();
    let run = run_fixtures(&[dir.path().to_path_buf()]);
    let (_, failures) = &run.failed[0];
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(failures[0].contains("expected title-conflict"));
    assert!(failures[1].contains("unexpected title-conflict"));
    let t = run.tallies["title-conflict"];
    assert_eq!(
        (t.true_positives, t.false_positives, t.false_negatives),
        (0, 1, 1)
    );
}
