//! The syntax tree of one rule file. Every node carries the byte span it was parsed from;
//! spans are ignored by equality, so tests can compare trees without counting bytes.

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

/// A bare word: a keyword, a kind or a relation name.
pub type Ident = Spanned<String>;
/// A double-quoted string, unescaped.
pub type StrLit = Spanned<String>;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleFile {
    pub statements: Vec<Statement>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// `use "other.rules"`
    Use(UseDecl),
    /// `kind city is place`
    Kind(KindDecl),
    /// `relation in: place -> place transitive`
    Relation(RelationDecl),
    /// `person "Marco Rubio" aka "Rubio"` with its indented lines
    Entity(EntityDecl),
    /// `"Marco Rubio" holds "US National Security Adviser" from 2025-05-01`, or with `not`
    Fact(FactStmt),
}

impl Statement {
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
pub struct UseDecl {
    pub path: StrLit,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct KindDecl {
    pub name: Ident,
    pub parent: Option<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RelationDecl {
    pub name: Ident,
    pub subject: Ident,
    /// A kind name, or `date`, `number` or `string`.
    pub value: Ident,
    pub modifiers: Vec<Spanned<RelationModifier>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RelationModifier {
    /// One value per subject, ever.
    One,
    /// One value per subject at any instant.
    OneAtATime,
    Transitive,
    /// Phrases that announce the relation in prose.
    Cue(Vec<StrLit>),
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
pub struct EntityDecl {
    pub kind: Ident,
    pub name: StrLit,
    pub aliases: Vec<StrLit>,
    /// `one holder at a time`: at most one subject holds this entity at any instant.
    pub one_holder_at_a_time: Option<Spanned<()>>,
    pub clauses: Vec<FactClause>,
    /// The first line of the declaration.
    pub span: Span,
}

/// `[not] RELATION VALUE [from D] [until D] [on D]`
#[derive(Clone, Debug)]
pub struct FactClause {
    pub negated: bool,
    pub relation: Ident,
    pub value: Spanned<Value>,
    pub validity: ValiditySyntax,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FactStmt {
    pub subject: StrLit,
    pub clause: FactClause,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
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
        $(impl PartialEq for $ty {
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
