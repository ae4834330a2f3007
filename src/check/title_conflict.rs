use super::{ClaimSummary, Context, Evidence, Finding, declare_check};
use crate::extract::claim::{ClaimBody, Qualifier, TitleClaim};
use crate::kb::time::Truth;
use crate::kb::{EntityId, Fact, FactValue};
use crate::severity::Severity;
use crate::text::name_key;

declare_check! {
    /// ## What it finds
    ///
    /// A person given a title they do not hold at the article's date. The title as written is
    /// resolved to every known title it may name (`Defense Secretary` is `US Secretary of
    /// Defense`; `top U.S. diplomat` is `US Secretary of State`). It is a conflict when the
    /// person holds none of them at the date. `former X` and `ex-X` conflict when the person
    /// still holds X at the date or never held it; `then-X` conflicts when they never held X
    /// before the date.
    ///
    /// Without an article date, a title conflicts only if the person never held it at all.
    ///
    /// ## Why
    ///
    /// Wrong titles are among the most common corrections newsrooms publish, and the easiest
    /// to catch: office holders and their terms are public record.
    ///
    /// ## Example
    ///
    /// In an article dated 2025-02-18:
    ///
    /// ```text
    /// Defense Secretary Marco Rubio described the meeting as a first step.
    /// ```
    ///
    /// The rules say Marco Rubio was US Secretary of State from 2025-01-21.
    ///
    /// ## How to silence it
    ///
    /// Correct the title. If the article is right and the rules are incomplete, add the term
    /// to the rules (`"Marco Rubio" holds "US Secretary of Defense" from 2025-...`). The check
    /// stays silent about people whose titles the rules do not record at all (the open world:
    /// no rule, no finding), and about dates too coarse to tell. To silence one line, put
    /// `<!-- claimcheck-disable-next-line title-conflict -->` above it.
    pub struct TitleConflict;
}

/// Why a title does not fit.
enum Verdict {
    /// Not held at the date (the titles held then, if any).
    NotAtDate,
    /// `former X` for a title held at the date.
    StillInOffice,
    /// `former X` / `then-X` for a title never held.
    Never,
}

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(holds) = cx.kb.relation_by_name("holds") else {
        return;
    };
    for claim in &cx.extraction.claims {
        let ClaimBody::Title(t) = &claim.body else {
            continue;
        };
        if t.person.ids.len() != 1 {
            continue;
        }
        let person = t.person.ids[0];
        let facts = cx.kb.facts(person, holds);
        // the rules record none of this person's titles: the open world says nothing
        if facts.is_empty() {
            continue;
        }
        // A title the rules do not know as written may still be one of the person's own,
        // shortened: `Former President Donald Trump` names `US President`.
        let title_ids: Vec<EntityId> = if t.title.ids.is_empty() {
            shortened_titles(cx, facts, &t.title.text)
        } else {
            t.title.ids.clone()
        };
        if title_ids.is_empty() {
            continue;
        }
        let matching: Vec<&Fact> = facts
            .iter()
            .filter(|f| matches!(f.value, FactValue::Entity(v) if title_ids.contains(&v)))
            .collect();
        let Some(verdict) = judge(cx, t, &matching) else {
            continue;
        };
        out.push(finding(
            cx,
            t,
            &title_ids,
            facts,
            &matching,
            verdict,
            claim.span(),
        ));
    }
}

/// The titles among a person's own whose name or an alias ends with the written words
/// (`President` for `US President`).
fn shortened_titles(cx: &Context<'_>, facts: &[Fact], written: &str) -> Vec<EntityId> {
    let wanted = name_key(written);
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut ids: Vec<EntityId> = Vec::new();
    for f in facts {
        let FactValue::Entity(title) = f.value else {
            continue;
        };
        let fits = cx.kb.entity(title).names().any(|n| {
            let key = name_key(n);
            key == wanted || key.ends_with(&format!(" {wanted}"))
        });
        if fits && !ids.contains(&title) {
            ids.push(title);
        }
    }
    ids
}

fn judge(cx: &Context<'_>, t: &TitleClaim, matching: &[&Fact]) -> Option<Verdict> {
    let never = matching.is_empty();
    match (t.qualifier, cx.date()) {
        (None, None) => never.then_some(Verdict::NotAtDate),
        (None, Some(date)) => matching
            .iter()
            .all(|f| f.validity.holds_at(date) == Truth::No)
            .then_some(Verdict::NotAtDate),
        (Some(_), None) => never.then_some(Verdict::Never),
        (Some(Qualifier::Former), Some(date)) => {
            if matching
                .iter()
                .any(|f| f.validity.holds_at(date) == Truth::Yes)
            {
                Some(Verdict::StillInOffice)
            } else if matching
                .iter()
                .all(|f| f.validity.held_before(date) == Truth::No)
            {
                Some(Verdict::Never)
            } else {
                None
            }
        }
        (Some(Qualifier::Then), Some(date)) => matching
            .iter()
            .all(|f| f.validity.held_before(date) == Truth::No)
            .then_some(Verdict::Never),
    }
}

fn finding(
    cx: &Context<'_>,
    t: &TitleClaim,
    title_ids: &[EntityId],
    facts: &[Fact],
    matching: &[&Fact],
    verdict: Verdict,
    span: crate::span::Span,
) -> Finding {
    let kb = cx.kb;
    let person = &kb.entity(t.person.ids[0]).name;
    let written = &t.title.text;
    let title_name = |f: &Fact| match f.value {
        FactValue::Entity(v) => kb.entity(v).name.to_string(),
        _ => String::new(),
    };
    let held_then: Vec<&Fact> = match cx.date() {
        Some(date) => facts
            .iter()
            .filter(|f| f.validity.holds_at(date) == Truth::Yes)
            .collect(),
        None => Vec::new(),
    };
    let at = cx.date().map(|d| d.to_string());
    let message = match (&verdict, &at) {
        (Verdict::NotAtDate, Some(d)) if !held_then.is_empty() => {
            let titles: Vec<String> = held_then.iter().map(|f| title_name(f)).collect();
            format!(
                "{person} was {} on {d}, not {written}",
                titles.join(" and ")
            )
        }
        (Verdict::NotAtDate, Some(d)) => match matching.first() {
            Some(f) => format!(
                "{person} did not hold {written} on {d}: the rules give {} {}",
                title_name(f),
                f.validity
            ),
            None => format!("{person} did not hold {written} on {d}"),
        },
        (Verdict::NotAtDate, None) => format!(
            "{person} never held {written}, by the rules (no article date: compared at any time)"
        ),
        (Verdict::StillInOffice, Some(d)) => {
            format!("{person} still held {written} on {d}: it is not a former title")
        }
        (Verdict::StillInOffice, None) => format!("{person} still holds {written}"),
        (Verdict::Never, Some(d)) => {
            format!("{person} never held {written} before {d}, by the rules")
        }
        (Verdict::Never, None) => format!("{person} never held {written}, by the rules"),
    };
    let mut evidence: Vec<Evidence> = Vec::new();
    for f in held_then.iter().take(2) {
        evidence.push(Evidence {
            loc: f.loc,
            message: format!("{person} held {} then", title_name(f)),
        });
    }
    // for a `former` title still held, the running term is the evidence; older terms are not
    let still = matches!(verdict, Verdict::StillInOffice);
    for f in matching.iter().filter(|_| !still).take(2) {
        if !evidence.iter().any(|e| e.loc == f.loc) {
            evidence.push(Evidence {
                loc: f.loc,
                message: format!("the rules' term for {}", title_name(f)),
            });
        }
    }
    if evidence.is_empty() {
        for f in facts.iter().take(2) {
            evidence.push(Evidence {
                loc: f.loc,
                message: format!("the titles the rules give {person}"),
            });
        }
    }
    let example = kb.entity(title_ids[0]).name.to_string();
    Finding {
        check: "title-conflict",
        severity: Severity::Error,
        message,
        span,
        labels: Vec::new(),
        evidence,
        help: Some(match verdict {
            Verdict::StillInOffice => {
                "drop `former`: by the rules the term is still running; if it has ended, give it an `until` date in the rules".to_string()
            }
            _ => format!(
                "correct the title; if the article is right, add the term to the rules: `\"{person}\" holds \"{example}\" from YYYY-MM-DD`"
            ),
        }),
        claim: Some(ClaimSummary { kind: "title", subject: t.person.text.clone(), value: written.clone() }),
    }
}
