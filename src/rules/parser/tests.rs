//! Parser unit tests: one or more per statement form, and the syntax errors.

use super::*;

fn ok(text: &str) -> Vec<Statement<'_>> {
    let (file, errors) = parse(text);
    assert!(errors.is_empty(), "unexpected errors: {errors:#?}");
    file.statements
}

fn errors(text: &str) -> Vec<SyntaxError> {
    let (_, errors) = parse(text);
    assert!(!errors.is_empty(), "expected a syntax error in {text:?}");
    errors
}

fn s(text: &str) -> StrLit<'_> {
    Spanned::new(std::borrow::Cow::Borrowed(text), Span::default())
}

fn date(text: &str) -> Spanned<FactDate> {
    Spanned::new(FactDate::parse(text).unwrap(), Span::default())
}

fn clause<'a>(relation: &'a str, value: Value<'a>) -> FactClause<'a> {
    FactClause {
        negated: false,
        relation: s(relation),
        value: Spanned::new(value, Span::default()),
        validity: ValiditySyntax::default(),
        span: Span::default(),
    }
}

#[test]
fn use_statement() {
    let st = ok("use \"places.rules\"  # imports\n");
    assert_eq!(
        st,
        vec![Statement::Use(UseDecl {
            path: s("places.rules"),
            span: Span::default()
        })]
    );
}

#[test]
fn kind_with_and_without_parent() {
    let st = ok("kind person\nkind city is place\n");
    assert_eq!(
        st,
        vec![
            Statement::Kind(KindDecl {
                name: s("person"),
                parent: None,
                span: Span::default()
            }),
            Statement::Kind(KindDecl {
                name: s("city"),
                parent: Some(s("place")),
                span: Span::default()
            }),
        ]
    );
}

#[test]
fn relation_with_every_modifier() {
    let st = ok(concat!(
        "relation in: place -> place  transitive\n",
        "relation population: country -> number one tolerance 5% severity warning\n",
        "relation holds: person->title one at a time\n",
        "relation annexed_by: place -> country cue \"annexed by\", \"annexation by\"\n",
        "relation size: country -> number tolerance 12.5\n",
    ));
    let modifiers: Vec<Vec<RelationModifier>> = st
        .iter()
        .map(|s| match s {
            Statement::Relation(r) => r.modifiers.iter().map(|m| m.node.clone()).collect(),
            other => panic!("not a relation: {other:?}"),
        })
        .collect();
    assert_eq!(modifiers[0], vec![RelationModifier::Transitive]);
    assert_eq!(
        modifiers[1],
        vec![
            RelationModifier::One,
            RelationModifier::Tolerance {
                amount: 5.0,
                percent: true
            },
            RelationModifier::Severity(SeverityName::Warning)
        ]
    );
    assert_eq!(modifiers[2], vec![RelationModifier::OneAtATime]);
    assert_eq!(
        modifiers[3],
        vec![RelationModifier::Cue(vec![
            s("annexed by"),
            s("annexation by")
        ])]
    );
    assert_eq!(
        modifiers[4],
        vec![RelationModifier::Tolerance {
            amount: 12.5,
            percent: false
        }]
    );
    let Statement::Relation(r) = &st[2] else {
        unreachable!()
    };
    assert_eq!((&*r.subject.node, &*r.value.node), ("person", "title"));
}

#[test]
fn relation_modifiers_on_continuation_lines() {
    let st = ok(
        "relation member_of: country -> org\n  cue \"member of\", \"joined\"\n  severity note\n",
    );
    let Statement::Relation(r) = &st[0] else {
        panic!()
    };
    assert_eq!(r.modifiers.len(), 2);
}

#[test]
fn entity_with_aliases_inline_fact_and_continuations() {
    let st = ok(concat!(
        "person \"Sergey Lavrov\" aka \"Sergei Lavrov\", \"Lavrov\"\n",
        "  holds \"Russian Foreign Minister\" from 2004-03-09\n",
        "  aka \"S. Lavrov\"\n",
        "city \"Riyadh\" in \"Saudi Arabia\"\n",
        "title \"US Secretary of State\"\n",
        "\tone holder at a time\n",
    ));
    let Statement::Entity(lavrov) = &st[0] else {
        panic!()
    };
    assert_eq!(lavrov.kind.node, "person");
    assert_eq!(lavrov.name.node, "Sergey Lavrov");
    assert_eq!(
        lavrov.aliases,
        vec![s("Sergei Lavrov"), s("Lavrov"), s("S. Lavrov")]
    );
    let mut expected = clause("holds", Value::Str("Russian Foreign Minister".into()));
    expected.validity.from = Some(date("2004-03-09"));
    assert_eq!(lavrov.clauses, vec![expected]);
    let Statement::Entity(riyadh) = &st[1] else {
        panic!()
    };
    assert_eq!(
        riyadh.clauses,
        vec![clause("in", Value::Str("Saudi Arabia".into()))]
    );
    let Statement::Entity(title) = &st[2] else {
        panic!()
    };
    assert!(title.one_holder_at_a_time.is_some());
}

#[test]
fn validity_forms_and_precisions() {
    let st = ok(concat!(
        "person \"Marco Rubio\"\n",
        "  holds \"US Senator\" from 2011-01-03 until 2025-01-20\n",
        "  holds \"Governor\" until 2014\n",
        "  holds \"Adviser\" from 2025-05\n",
        "event \"Riyadh talks\"\n",
        "  on 2025-02-18\n",
        "region \"Crimea\"\n",
        "  annexed_by \"Russia\" on 2014-03-18\n",
    ));
    let Statement::Entity(rubio) = &st[0] else {
        panic!()
    };
    let v = &rubio.clauses[0].validity;
    assert_eq!(v.from, Some(date("2011-01-03")));
    assert_eq!(v.until, Some(date("2025-01-20")));
    assert_eq!(
        rubio.clauses[1]
            .validity
            .until
            .as_ref()
            .unwrap()
            .node
            .precision(),
        crate::kb::time::Precision::Year
    );
    assert_eq!(
        rubio.clauses[2]
            .validity
            .from
            .as_ref()
            .unwrap()
            .node
            .precision(),
        crate::kb::time::Precision::Month
    );
    let Statement::Entity(talks) = &st[1] else {
        panic!()
    };
    // `on DATE` as the first word is the `on` relation with a date value
    assert_eq!(
        talks.clauses,
        vec![clause(
            "on",
            Value::Date(FactDate::parse("2025-02-18").unwrap())
        )]
    );
    let Statement::Entity(crimea) = &st[2] else {
        panic!()
    };
    assert_eq!(crimea.clauses[0].validity.on, Some(date("2014-03-18")));
}

#[test]
fn standalone_and_negated_facts() {
    let st = ok(concat!(
        "\"Marco Rubio\" holds \"US National Security Adviser\" from 2025-05-01\n",
        "not \"Ukraine\" member_of \"NATO\"\n",
    ));
    let Statement::Fact(fact) = &st[0] else {
        panic!()
    };
    assert_eq!(fact.subject.node, "Marco Rubio");
    assert!(!fact.clause.negated);
    let Statement::Fact(denied) = &st[1] else {
        panic!()
    };
    assert!(denied.clause.negated);
    assert_eq!(denied.clause.relation.node, "member_of");
}

#[test]
fn quote_declarations() {
    let st = ok(concat!(
        "quote \"We cannot recognize any agreements about us without us\"\n",
        "  by \"Volodymyr Zelenskyy\" on 2025-02-18\n",
        "quote \"Say \\\"hello\\\"\" by \"Someone\"\n",
    ));
    let Statement::Entity(q) = &st[0] else {
        panic!()
    };
    assert_eq!(q.kind.node, "quote");
    assert_eq!(q.clauses[0].relation.node, "by");
    assert_eq!(q.clauses[0].validity.on, Some(date("2025-02-18")));
    let Statement::Entity(escaped) = &st[1] else {
        panic!()
    };
    assert_eq!(escaped.name.node, "Say \"hello\"");
}

#[test]
fn numbers_and_years_as_values() {
    let st = ok("country \"X\"\n  population 38000000\n  founded 1991\n  area 603.5\n");
    let Statement::Entity(x) = &st[0] else {
        panic!()
    };
    assert_eq!(x.clauses[0].value.node, Value::Number(38_000_000.0));
    assert_eq!(
        x.clauses[1].value.node,
        Value::Date(FactDate::parse("1991").unwrap())
    );
    assert_eq!(x.clauses[2].value.node, Value::Number(603.5));
}

#[test]
fn comments_blank_lines_crlf_and_bom_are_tolerated() {
    let st = ok(
        "\u{feff}# a comment\r\n\r\nkind person # trailing\r\nperson \"A # not a comment\"\r\n  aka \"B\"\r\n",
    );
    assert_eq!(st.len(), 2);
    let Statement::Entity(a) = &st[1] else {
        panic!()
    };
    assert_eq!(a.name.node, "A # not a comment");
    assert_eq!(a.aliases, vec![s("B")]);
}

#[test]
fn spans_point_at_the_source_text() {
    let text =
        "kind person\nperson \"Marco Rubio\" aka \"Rubio\"\n  holds \"US Senator\" from 2011\n";
    let (file, _) = parse(text);
    let Statement::Entity(e) = &file.statements[1] else {
        panic!()
    };
    assert_eq!(e.name.span.slice(text), "\"Marco Rubio\"");
    assert_eq!(e.aliases[0].span.slice(text), "\"Rubio\"");
    assert_eq!(e.span.slice(text), "person \"Marco Rubio\" aka \"Rubio\"");
    assert_eq!(
        e.clauses[0].span.slice(text),
        "holds \"US Senator\" from 2011"
    );
    assert_eq!(e.clauses[0].relation.span.slice(text), "holds");
    assert_eq!(
        e.clauses[0]
            .validity
            .from
            .as_ref()
            .unwrap()
            .span
            .slice(text),
        "2011"
    );
}

#[test]
fn unterminated_string_points_at_the_opening_quote() {
    let text = "person \"Marco Rubio\" aka \"Rubio\nkind x\n";
    let errs = errors(text);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].message, "unterminated string");
    assert_eq!(errs[0].span.slice(text), "\"Rubio");
}

#[test]
fn impossible_date_is_a_syntax_error() {
    let text = "person \"A\"\n  holds \"T\" from 2025-02-30\n";
    let errs = errors(text);
    assert!(
        errs[0].message.contains("February 2025 has 28 days"),
        "{}",
        errs[0].message
    );
    assert_eq!(errs[0].span.slice(text), "2025-02-30");
}

#[test]
fn unknown_keyword_suggests_the_nearest() {
    let errs = errors("relaton holds: person -> title\n");
    assert_eq!(errs[0].message, "unknown keyword `relaton`");
    assert!(
        errs[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `relation`?")
    );
}

#[test]
fn every_bad_line_is_reported_and_good_lines_still_parse() {
    let text = "kind person\nperson \"A\nperson \"B\" aka\nkind\nperson \"C\"\n  holds \"T\" from 2025-13-01\n  holds \"T\"\n";
    let (file, errs) = parse(text);
    assert_eq!(errs.len(), 4, "{errs:#?}");
    // kind person, person "C" (with its one good clause)
    assert_eq!(file.statements.len(), 2);
    let Statement::Entity(c) = &file.statements[1] else {
        panic!()
    };
    assert_eq!(c.clauses.len(), 1);
}

#[test]
fn continuation_without_a_parent_is_an_error() {
    let errs = errors("kind person\n  holds \"T\"\n");
    assert!(
        errs[0]
            .message
            .contains("must continue an entity or relation")
    );
}

#[test]
fn misplaced_not_and_repeated_validity_are_explained() {
    assert!(
        errors("\"Ukraine\" not member_of \"NATO\"\n")[0]
            .message
            .contains("`not` goes before the subject")
    );
    assert!(
        errors("person \"A\"\n  holds \"T\" from 2020 from 2021\n")[0]
            .message
            .contains("given twice")
    );
    assert!(
        errors("person \"A\"\n  holds \"T\" on 2020 from 2021\n")[0]
            .message
            .contains("cannot be combined")
    );
}

#[test]
fn expected_token_errors_name_what_was_found() {
    let errs = errors("relation holds person -> title\n");
    assert_eq!(
        errs[0].message,
        "expected `:` after the relation name, found `person`"
    );
    let errs = errors("person \"A\" \"B\"\n");
    assert!(
        errs[0]
            .message
            .starts_with("expected `aka`, a relation or the end of the line"),
        "{}",
        errs[0].message
    );
}

#[test]
fn lines_under_a_failed_statement_report_only_their_own_errors() {
    // the relation line fails; its modifier lines are not misread as entity facts
    let errs = errors(
        "relaton hosted_by: event -> country\n  one\n  tolerance 5%%\n  holds \"T\" from 2025-02-30\n",
    );
    let messages: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[1].starts_with("invalid date"));
}

#[test]
fn past_the_cap_errors_are_counted_not_kept() {
    let text = "person\n".repeat(10);
    let (_, kept, omitted) = super::parse_counted(&text, 3);
    assert_eq!((kept.len(), omitted), (3, 7));
    // the kept ones are the first, in order
    assert_eq!(kept[2].span.start, 14);
    let (_, all, none) = super::parse_counted(&text, usize::MAX);
    assert_eq!((all.len(), none), (10, 0));
}

#[test]
fn imports_are_use_lines_after_any_line_end() {
    let text = "\u{feff}use \"a.rules\"\nkind x\r\nuse \"b.rules\"\ruse\t\"c.rules\"\n  use \"no.rules\"\nuser \"no\"\nsay use \"no\"\nuse \"d.rules\"";
    let found: Vec<(String, &str)> = super::imports(text)
        .into_iter()
        .map(|(path, span)| (path, &text[span.start as usize..span.end as usize]))
        .collect();
    assert_eq!(
        found,
        [
            ("a.rules".to_string(), "use \"a.rules\""),
            ("b.rules".to_string(), "use \"b.rules\""),
            ("c.rules".to_string(), "use\t\"c.rules\""),
            ("d.rules".to_string(), "use \"d.rules\""),
        ]
    );
}

/// The simple form of `literal_text`: nom's `take_while1` over characters.
fn literal_text_reference(i: &str) -> R<'_, &str> {
    take_while1(|c: char| c.is_ascii_digit() || c == '-' || c == '.').parse(i)
}

proptest::proptest! {
    #[test]
    fn literal_texts_are_cut_as_take_while1_cuts_them(i in "[0-9.\\-a-zé \"]{0,12}") {
        let fast = literal_text(&i).map_err(|e| format!("{e:?}"));
        let reference = literal_text_reference(&i).map_err(|e| format!("{e:?}"));
        proptest::prop_assert_eq!(fast, reference);
    }
}

/// The simple form of `word`: nom's combinators over characters.
fn word_reference(i: &str) -> R<'_, &str> {
    recognize((
        take_while1(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))
    .parse(i)
    .map_err(|e: nom::Err<PError<'_>>| e.map(|e| PError::from_error_kind(e.at, ErrorKind::Alpha)))
}

/// Pieces of rule lines, right and wrong, for comparing the parser with and without its
/// fast paths.
const PIECES: [&str; 44] = [
    "person",
    "\"Anna Lee\"",
    "\"Drésyn\"",
    "\"Envoy of the Pact\"",
    "\"a\\\"b\"",
    "\"open",
    "\"\"",
    "holds",
    "in",
    "on",
    "from",
    "until",
    "not",
    "aka",
    "one",
    "holder",
    "at",
    "a",
    "time",
    "nothing",
    "fromage",
    "2014",
    "2014-03",
    "2014-03-18",
    "2016-02-29",
    "2015-02-29",
    "0000",
    "2014-13",
    "2014-00",
    "2014-03-00",
    "2014-3-18",
    "12",
    "-3",
    "2.5",
    "20140",
    "2014-03-18.5",
    "#c",
    ",",
    "_x1",
    "é",
    "kind",
    "relation",
    "use",
    "1999",
];
const GAPS: [&str; 5] = [" ", " ", "  ", "\t", ""];

proptest::proptest! {
    #[test]
    fn words_are_cut_as_the_combinators_cut_them(i in "[a-zA-Z0-9_é .\"-]{0,10}") {
        let fast = word(&i).map_err(|e| format!("{e:?}"));
        let reference = word_reference(&i).map_err(|e| format!("{e:?}"));
        proptest::prop_assert_eq!(fast, reference);
    }

    #[test]
    fn fast_paths_parse_as_the_general_parser(
        lines in proptest::collection::vec(
            (
                0usize..3,
                proptest::collection::vec((0usize..PIECES.len(), 0usize..GAPS.len()), 0..9),
            ),
            1..6,
        ),
    ) {
        // an entity (or nothing) to continue, then generated lines, indented or not
        let mut text = String::from("person \"Head\"\n");
        for (indent, pieces) in &lines {
            text.push_str(["", "  ", "\t"][*indent]);
            for &(piece, gap) in pieces {
                text.push_str(PIECES[piece]);
                text.push_str(GAPS[gap]);
            }
            text.push('\n');
        }
        let fast = format!("{:?}", parse_chunk_with(&text, &text, usize::MAX, true));
        let reference = format!("{:?}", parse_chunk_with(&text, &text, usize::MAX, false));
        proptest::prop_assert_eq!(fast, reference);
    }
}

#[test]
fn fast_paths_take_the_common_lines() {
    let text = "person \"A\" aka \"B\", \"C\"\n  holds \"T\" from 2014-03 until 2015 # c\n  on 2014-03-18\n\"A\" in \"B\"\n";
    let p = P {
        base: text,
        fast: true,
    };
    let line = |n: usize| text.lines().nth(n).unwrap_or_default().trim_start();
    assert!(p.fast_clause(line(1)).is_some());
    assert!(p.fast_clause(line(2)).is_some());
    assert!(p.fast_clause(&line(3)[4..]).is_some());
    let entity = "person \"A\" aka \"B\",\"C\" , \"D\"\tholds \"T\" on 2014 # c";
    let p = P {
        base: entity,
        fast: true,
    };
    assert!(p.fast_entity(entity, &entity[..6], &entity[7..]).is_some());
    assert!(
        p.fast_entity(&entity[..10], &entity[..6], &entity[7..10])
            .is_some()
    );
    assert_eq!(
        format!("{:?}", parse_chunk_with(text, text, usize::MAX, true)),
        format!("{:?}", parse_chunk_with(text, text, usize::MAX, false))
    );
}
