//! The compiled knowledge base as JSON (`claimcheck rules dump --format json`), so that rule
//! authors and other tools can see exactly what the rules say after compilation.

use serde::Serialize;

use crate::kb::time::Validity;
use crate::kb::{Cardinality, FactValue, KnowledgeBase, ValueType};
use crate::source::Loc;
use crate::span::Position;

/// Version 1 of the dump format. Fields may be added, never renamed.
#[derive(Serialize)]
pub struct Dump<'a> {
    pub version: u32,
    pub files: Vec<&'a str>,
    pub kinds: Vec<KindDump<'a>>,
    pub relations: Vec<RelationDump<'a>>,
    pub entities: Vec<EntityDump<'a>>,
    pub known_false: Vec<FactDump<'a>>,
}

#[derive(Serialize)]
pub struct KindDump<'a> {
    pub name: &'a str,
    pub parent: Option<&'a str>,
}

#[derive(Serialize)]
pub struct RelationDump<'a> {
    pub name: &'a str,
    pub subject: &'a str,
    pub value: &'a str,
    pub cardinality: Cardinality,
    pub transitive: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<crate::kb::Tolerance>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<crate::severity::Severity>,
    pub source: SourceRef<'a>,
}

#[derive(Serialize)]
pub struct EntityDump<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub one_holder_at_a_time: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<FactDump<'a>>,
    pub source: SourceRef<'a>,
}

#[derive(Serialize)]
pub struct FactDump<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<&'a str>,
    pub relation: &'a str,
    pub value: serde_json::Value,
    #[serde(flatten)]
    pub validity: Validity,
    pub source: SourceRef<'a>,
}

#[derive(Serialize)]
pub struct SourceRef<'a> {
    pub path: &'a str,
    #[serde(flatten)]
    pub start: Position,
}

impl KnowledgeBase {
    /// The whole knowledge base in dump form, in declaration order.
    pub fn dump(&self) -> Dump<'_> {
        let source = |loc: Loc| {
            let file = self.sources.get(loc.file);
            SourceRef {
                path: file.name(),
                start: file.position(loc.span.start),
            }
        };
        let value = |v: &FactValue| match v {
            FactValue::Entity(e) => serde_json::Value::from(&*self.entity(*e).name),
            FactValue::Date(d) => serde_json::Value::from(d.to_string()),
            FactValue::Number(n) => serde_json::json!(n),
            FactValue::Text(t) => serde_json::Value::from(&**t),
        };
        let mut facts_by_subject: Vec<Vec<FactDump<'_>>> =
            (0..self.entities.len()).map(|_| Vec::new()).collect();
        let mut ordered: Vec<_> = self.facts[..self.positive_count].iter().collect();
        ordered.sort_by_key(|f| f.loc);
        for f in ordered {
            facts_by_subject[f.subject.index()].push(FactDump {
                subject: None,
                relation: &self.relation(f.relation).name,
                value: value(&f.value),
                validity: f.validity,
                source: source(f.loc),
            });
        }
        Dump {
            version: 1,
            files: self.sources.iter().map(|(_, f)| f.name()).collect(),
            kinds: self
                .kinds
                .iter()
                .map(|k| KindDump {
                    name: &k.name,
                    parent: k.parent.map(|p| &*self.kind(p).name),
                })
                .collect(),
            relations: self
                .relations
                .iter()
                .map(|r| RelationDump {
                    name: &r.name,
                    subject: &self.kind(r.subject).name,
                    value: match r.value {
                        ValueType::Entity(k) => &self.kind(k).name,
                        ValueType::Date => "date",
                        ValueType::Number => "number",
                        ValueType::Text => "string",
                    },
                    cardinality: r.cardinality,
                    transitive: r.transitive,
                    cues: r.cues.iter().map(|c| &**c).collect(),
                    tolerance: r.tolerance,
                    severity: r.severity,
                    source: source(r.loc),
                })
                .collect(),
            entities: self
                .entities
                .iter()
                .zip(facts_by_subject)
                .map(|(e, facts)| EntityDump {
                    name: &e.name,
                    kind: &self.kind(e.kind).name,
                    aliases: e.aliases.iter().map(|a| &*a.text).collect(),
                    one_holder_at_a_time: e.one_holder_at_a_time,
                    facts,
                    source: source(e.loc),
                })
                .collect(),
            known_false: self
                .known_false()
                .iter()
                .map(|f| FactDump {
                    subject: Some(&self.entity(f.subject).name),
                    relation: &self.relation(f.relation).name,
                    value: value(&f.value),
                    validity: f.validity,
                    source: source(f.loc),
                })
                .collect(),
        }
    }
}
