//! The syntax tree of one rule file. Every node carries the byte span it was parsed from;
//! spans are ignored by equality, so tests can compare trees without counting bytes.

use std::borrow::Cow;

use crate::kb::time::FactDate;
use crate::span::Span;

/// A node with the span it came from. Equality looks at the node only.
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// A bare word: a keyword, a kind or a relation name, borrowed from the rule text.
pub type Ident<'a> = Spanned<Cow<'a, str>>;
/// A double-quoted string, unescaped: borrowed from the rule text unless it had escapes.
pub type StrLit<'a> = Spanned<Cow<'a, str>>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleFile<'a> {
    pub statements: Vec<Statement<'a>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Statement<'a> {
    /// `use "other.rules"`
    Use(UseDecl<'a>),
    /// `kind city is place`
    Kind(KindDecl<'a>),
    /// `relation in: place -> place transitive`
    Relation(RelationDecl<'a>),
    /// `person "Marco Rubio" aka "Rubio"` with its indented lines
    Entity(EntityDecl<'a>),
    /// `"Marco Rubio" holds "US National Security Adviser" from 2025-05-01`, or with `not`
    Fact(FactStmt<'a>),
}

impl Statement<'_> {
    pub fn span(&self) -> Span {
        match self {
            Statement::Use(s) => s.span,
            Statement::Kind(s) => s.span,
            Statement::Relation(s) => s.span,
            Statement::Entity(s) => s.span,
            Statement::Fact(s) => s.span,
        }
    }
}

#[derive(Clone, Debug)]
pub struct UseDecl<'a> {
    pub path: StrLit<'a>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct KindDecl<'a> {
    pub name: Ident<'a>,
    pub parent: Option<Ident<'a>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RelationDecl<'a> {
    pub name: Ident<'a>,
    pub subject: Ident<'a>,
    /// A kind name, or `date`, `number` or `string`.
    pub value: Ident<'a>,
    pub modifiers: Vec<Spanned<RelationModifier<'a>>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RelationModifier<'a> {
    /// One value per subject, ever.
    One,
    /// One value per subject at any instant.
    OneAtATime,
    Transitive,
    /// Phrases that announce the relation in prose.
    Cue(Vec<StrLit<'a>>),
    /// Allowed difference for numbers; `percent` when written `N%`.
    Tolerance {
        amount: f64,
        percent: bool,
    },
    Severity(SeverityName),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeverityName {
    Error,
    Warning,
    Note,
}

#[derive(Clone, Debug)]
pub struct EntityDecl<'a> {
    pub kind: Ident<'a>,
    pub name: StrLit<'a>,
    pub aliases: Vec<StrLit<'a>>,
    /// `one holder at a time`: at most one subject holds this entity at any instant.
    pub one_holder_at_a_time: Option<Spanned<()>>,
    pub clauses: Vec<FactClause<'a>>,
    /// The first line of the declaration.
    pub span: Span,
}

/// `[not] RELATION VALUE [from D] [until D] [on D]`
#[derive(Clone, Debug)]
pub struct FactClause<'a> {
    pub negated: bool,
    pub relation: Ident<'a>,
    pub value: Spanned<Value<'a>>,
    pub validity: ValiditySyntax,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FactStmt<'a> {
    pub subject: StrLit<'a>,
    pub clause: FactClause<'a>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Str(Cow<'a, str>),
    Date(FactDate),
    Number(f64),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValiditySyntax {
    pub from: Option<Spanned<FactDate>>,
    pub until: Option<Spanned<FactDate>>,
    pub on: Option<Spanned<FactDate>>,
}

/// Equality that skips the `span` field, like [`Spanned`]'s.
macro_rules! eq_ignoring_span {
    ($($ty:ident { $($field:ident),* })*) => {
        $(impl PartialEq for $ty<'_> {
            fn eq(&self, other: &Self) -> bool {
                true $(&& self.$field == other.$field)*
            }
        })*
    };
}

eq_ignoring_span! {
    UseDecl { path }
    KindDecl { name, parent }
    RelationDecl { name, subject, value, modifiers }
    EntityDecl { kind, name, aliases, one_holder_at_a_time, clauses }
    FactClause { negated, relation, value, validity }
    FactStmt { subject, clause }
}
