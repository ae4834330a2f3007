use super::{Context, Finding, declare_check};
use crate::severity::Severity;

declare_check! {
    /// ## What it finds
    ///
    /// A capitalized name the rules do not know that is one letter away (two for long names)
    /// from a known person's surname: `Lavrof` for `Lavrov`, `Zelenskky` for `Zelenskyy`.
    /// Only names of at least five letters are compared, a candidate that is itself a known
    /// name is never reported, and the near miss must be about that person: it follows one of
    /// the person's first names (`Sergey Lavrof`), or the article names the person elsewhere.
    ///
    /// ## Why
    ///
    /// Misspelled names are the most visible error in a story, and a spell checker does
    /// not know them.
    ///
    /// ## Example
    ///
    /// ```text
    /// Russian Foreign Minister Sergey Lavrof said ...
    /// ```
    ///
    /// ## How to silence it
    ///
    /// Correct the spelling. If the name is a different, real person, add them to the
    /// rules (`person "..."`): known names are never reported.
    pub struct NameMisspelled;
}

pub fn run(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let kb = cx.kb;
    let crate::kb::PersonNames {
        surnames,
        first_names,
    } = kb.person_names();
    let named_in_article = |id: crate::kb::EntityId| {
        cx.extraction
            .mentions
            .iter()
            .any(|m| m.entities.contains(&id))
    };
    for unknown in &cx.extraction.unknown {
        let words: Vec<(usize, &str)> = words_with_offsets(&unknown.text).collect();
        for (n, &(offset, word)) in words.iter().enumerate() {
            let len = word.chars().count();
            if len < 5 || !kb.lookup(word).is_empty() || surnames.iter().any(|(t, _)| t == word) {
                continue;
            }
            let limit = if len >= 8 { 2 } else { 1 };
            let near = surnames.iter().find(|(t, id)| {
                t.chars().count().abs_diff(len) <= limit
                    && t.chars().next() == word.chars().next()
                    && strsim::levenshtein(t, word) <= limit
                    // about this person: after one of their first names, or named elsewhere
                    && ((n > 0 && first_names.iter().any(|(f, fid)| fid == id && f == words[n - 1].1)) || named_in_article(*id))
            });
            let Some((target, id)) = near else { continue };
            let start = unknown.span.start as usize + offset;
            out.push(Finding {
                check: "name-misspelled",
                severity: Severity::Warning,
                message: format!(
                    "`{word}` is not a name the rules know; did you mean `{target}` ({})?",
                    kb.entity(*id).name
                ),
                span: crate::span::Span::new(start, start + word.len()),
                labels: Vec::new(),
                evidence: vec![super::Evidence {
                    loc: kb.entity(*id).name_loc,
                    message: format!("the rules spell it `{target}`"),
                }],
                help: Some(format!(
                    "write `{target}`; if this is another person, add them to the rules"
                )),
                claim: None,
            });
        }
    }
}

fn words_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(' ').scan(0usize, |offset, w| {
        let here = *offset;
        *offset += w.len() + 1;
        Some((here, w))
    })
}
