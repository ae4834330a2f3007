//! Claims: what an article asserts, as plain serializable data with spans.
//!
//! The JSON form is a contract (see `docs/claims.md`): claims extracted elsewhere can be fed
//! to `claimcheck check --claims`. Entities are named by their canonical names; entity ids
//! are an in-memory shortcut, re-resolved when claims are read back.

use serde::{Deserialize, Serialize};

use crate::kb::EntityId;
use crate::kb::time::FactDate;
use crate::span::Span;

/// Words of the article, and the entity they name if the knowledge base knows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ref {
    pub text: String,
    pub span: Span,
    /// The canonical names of the entities these words may name (usually one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
    #[serde(skip)]
    pub ids: Vec<EntityId>,
}

impl Ref {
    pub fn first_id(&self) -> Option<EntityId> {
        self.ids.first().copied()
    }
}

/// `former`, `ex-` and `then-` before a title.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Qualifier {
    /// `former X`, `ex-X`: held before the article date, not at it.
    Former,
    /// `then-X`: held at some time before the article date.
    Then,
}

/// How a title was attached to a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TitleForm {
    /// `Russian Foreign Minister Sergey Lavrov`
    PreModifier,
    /// `Kirill Dmitriev, head of the Russian Direct Investment Fund,`
    Apposition,
    /// `Putin's aide Yuri Ushakov`
    Possessive,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TitleClaim {
    pub person: Ref,
    /// The title as written; `entities` lists every known title it may mean.
    pub title: Ref,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<Qualifier>,
    pub form: TitleForm,
    /// The possessor in `Putin's aide`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<Ref>,
}

/// How a quote's speaker was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attribution {
    /// A speech verb names the speaker: `Zelenskyy said`, `said Zelenskyy`, `according to X`.
    Verb,
    /// A pronoun with a speech verb (`he said`), resolved to the last named person.
    Pronoun,
    /// No verb: the paragraph's only named speaker.
    Paragraph,
    /// No speaker found.
    None,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuoteClaim {
    /// The quoted words, between the quotation marks.
    pub quote: Ref,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Ref>,
    pub attribution: Attribution,
    /// A fragment of a few words (`"normalize"`, `"not bad"`), not a full quotation.
    pub partial: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaceClaim {
    /// What happened: an event the knowledge base knows, or the words that name it
    /// (`met`, `the meeting`, `talks`).
    pub event: Ref,
    pub place: Ref,
}

/// How a date expression was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateForm {
    /// `Feb. 18, 2025`, `18 February 2025`, `February 18`, `in 2014`, `2025-02-18`
    Absolute,
    /// `on Tuesday`, `last Wednesday`, `next week`
    Weekday,
    /// `nearly three years ago`, `three years after`
    Relative,
    /// `about five hours`, `more than a decade`
    Duration,
}

/// `nearly`, `about`, `more than` ... before a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hedge {
    /// nearly, almost, just under: a little under N
    Under,
    /// about, around, roughly, some, approximately: N ± 10 %
    About,
    /// more than, over, just over: above N
    Over,
    /// less than, under, fewer than: below N
    LessThan,
}

/// A range of days, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRange {
    pub first: jiff::civil::Date,
    pub last: jiff::civil::Date,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DateClaim {
    /// The event or entity the date speaks of, when the clause names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Ref>,
    /// The expression as written.
    pub expression: Ref,
    pub form: DateForm,
    /// An absolute date at its precision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<FactDate>,
    /// The weekday named (`Tuesday`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hedge: Option<Hedge>,
    /// For relative expressions and durations: the amount in `unit`s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// `ago` (before the article date), `after`, `before`, `later`, `earlier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// The days the expression can mean, resolved against the article date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<DayRange>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationClaim {
    pub relation: String,
    pub subject: Ref,
    pub value: Ref,
    /// The cue phrase (`annexed by`).
    pub cue: Ref,
    /// A date in the same clause (`annexed by Russia in 2014`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<FactDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_span: Option<Span>,
}

/// One claim, with the sentence it was found in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    #[serde(flatten)]
    pub body: ClaimBody,
    /// The sentence (or heading) the claim was found in.
    pub sentence: Span,
    /// Found in the headline.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub headline: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ClaimBody {
    Title(TitleClaim),
    Quote(QuoteClaim),
    Place(PlaceClaim),
    Date(DateClaim),
    Relation(RelationClaim),
}

impl Claim {
    pub fn kind(&self) -> &'static str {
        match self.body {
            ClaimBody::Title(_) => "title",
            ClaimBody::Quote(_) => "quote",
            ClaimBody::Place(_) => "place",
            ClaimBody::Date(_) => "date",
            ClaimBody::Relation(_) => "relation",
        }
    }

    /// The span of the claim's words: from its first to its last part.
    pub fn span(&self) -> Span {
        match &self.body {
            ClaimBody::Title(t) => t.title.span.to(t.person.span),
            ClaimBody::Quote(q) => q
                .speaker
                .as_ref()
                .map_or(q.quote.span, |s| q.quote.span.to(s.span)),
            ClaimBody::Place(p) => p.event.span.to(p.place.span),
            ClaimBody::Date(d) => d.expression.span,
            ClaimBody::Relation(r) => r.subject.span.to(r.value.span),
        }
    }
}

/// Claims extracted elsewhere, in the form `claimcheck extract --format json` writes
/// (version 1; `docs/claims.md`).
#[derive(Debug, Deserialize)]
pub struct ClaimsDocument {
    pub version: u32,
    pub articles: Vec<ClaimsArticle>,
}

#[derive(Debug, Deserialize)]
pub struct ClaimsArticle {
    pub path: String,
    #[serde(default)]
    pub date: Option<FactDate>,
    pub claims: Vec<Claim>,
}

impl Claim {
    /// Every reference in the claim.
    pub fn refs_mut(&mut self) -> Vec<&mut Ref> {
        match &mut self.body {
            ClaimBody::Title(t) => {
                let mut refs = vec![&mut t.person, &mut t.title];
                refs.extend(t.of.as_mut());
                refs
            }
            ClaimBody::Quote(q) => {
                let mut refs = vec![&mut q.quote];
                refs.extend(q.speaker.as_mut());
                refs
            }
            ClaimBody::Place(p) => vec![&mut p.event, &mut p.place],
            ClaimBody::Date(d) => {
                let mut refs = vec![&mut d.expression];
                refs.extend(d.subject.as_mut());
                refs
            }
            ClaimBody::Relation(r) => vec![&mut r.subject, &mut r.value, &mut r.cue],
        }
    }

    /// Gives read-back references their entity ids again, by canonical name (or, failing
    /// that, any name). Names the rules do not know are dropped.
    pub fn resolve(&mut self, kb: &crate::kb::KnowledgeBase) {
        for r in self.refs_mut() {
            let mut ids = Vec::new();
            for name in &r.entities {
                let found = kb.lookup(name);
                let exact: Vec<EntityId> = found
                    .iter()
                    .copied()
                    .filter(|&e| *kb.entity(e).name == **name)
                    .collect();
                ids.extend(if exact.is_empty() {
                    found.to_vec()
                } else {
                    exact
                });
            }
            ids.dedup();
            r.entities = ids.iter().map(|&e| kb.entity(e).name.to_string()).collect();
            r.ids = ids;
        }
    }

    /// Whether every span of the claim lies on character boundaries inside `text`.
    pub fn spans_fit(&mut self, text: &str) -> bool {
        let sentence = self.sentence;
        let fits = |s: Span| s.start <= s.end && text.get(s.range()).is_some();
        fits(sentence) && self.refs_mut().iter().all(|r| fits(r.span))
    }
}
