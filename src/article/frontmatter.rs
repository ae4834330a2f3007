//! Front matter: a `---` (YAML-style) or `+++` (TOML-style) block at the top of an article.
//! Only the scalar keys `title` and `date` are read; everything else is ignored.

use crate::kb::time::FactDate;
use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrontMatter {
    /// The byte offset just past the closing fence line: where the body starts.
    pub end: usize,
    /// The title's value, without quotes.
    pub title: Option<Span>,
    pub date: Option<(FactDate, Span)>,
}

/// Reads front matter at the start of `text`, if there is a complete block.
pub fn parse(text: &str) -> Option<FrontMatter> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter { text, pos: start };
    let (_, first) = lines.next()?;
    let (fence, separator) = match first.trim_end() {
        "---" => ("---", ':'),
        "+++" => ("+++", '='),
        _ => return None,
    };
    let mut front = FrontMatter {
        end: 0,
        title: None,
        date: None,
    };
    for (offset, line) in lines.by_ref() {
        if line.trim_end() == fence {
            let after = offset + line.len();
            let rest = &text[after..];
            front.end = after
                + if rest.starts_with("\r\n") {
                    2
                } else {
                    usize::from(rest.starts_with(['\n', '\r']))
                };
            return Some(front);
        }
        // only top-level scalars: `key: value` / `key = value`
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((key, value)) = line.split_once(separator) else {
            continue;
        };
        let value_offset = offset + key.len() + 1;
        let Some(value_span) = scalar(text, value_offset, value) else {
            continue;
        };
        match key.trim() {
            "title" => front.title = Some(value_span),
            "date" => {
                let v = value_span.slice(text);
                let date_part = v.get(..10).filter(|d| d.len() == 10).unwrap_or(v);
                let date_part = date_part.split(['T', ' ']).next().unwrap_or(date_part);
                if let Ok(date) = FactDate::parse(date_part) {
                    front.date = Some((date, value_span));
                }
            }
            _ => {}
        }
    }
    None
}

/// The span of a scalar value: trimmed, quotes removed, trailing comment dropped.
fn scalar(text: &str, offset: usize, value: &str) -> Option<Span> {
    let lead = value.len() - value.trim_start().len();
    let v = value.trim();
    let (start, len) = if let Some(rest) = v.strip_prefix('"') {
        (lead + 1, rest.find('"')?)
    } else if let Some(rest) = v.strip_prefix('\'') {
        (lead + 1, rest.find('\'')?)
    } else {
        let v = v.split(" #").next().unwrap_or(v).trim_end();
        (lead, v.len())
    };
    if len == 0 {
        return None;
    }
    let span = Span::new(offset + start, offset + start + len);
    text.get(span.range()).map(|_| span)
}

/// Lines with their byte offsets, without line endings (`\n`, `\r\n` or a lone `\r`, as
/// everywhere else).
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.pos..];
        let len = memchr::memchr2(b'\n', b'\r', rest.as_bytes()).unwrap_or(rest.len());
        let start = self.pos;
        self.pos += len
            + if rest[len..].starts_with("\r\n") {
                2
            } else {
                1
            };
        Some((start, &rest[..len]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter_title_and_date() {
        let text = "---\ntitle: \"Rubio meets Lavrov\"\ndate: 2025-02-18T09:00:00Z\ntags: [a, b]\n---\nBody.\n";
        let front = parse(text).unwrap();
        assert_eq!(front.title.unwrap().slice(text), "Rubio meets Lavrov");
        assert_eq!(
            front.date.unwrap().0,
            FactDate::parse("2025-02-18").unwrap()
        );
        assert_eq!(&text[front.end..], "Body.\n");
    }

    #[test]
    fn toml_front_matter() {
        let text = "+++\ntitle = 'Talks in Riyadh'\ndate = 2025-02\n+++\r\nBody";
        let front = parse(text).unwrap();
        assert_eq!(front.title.unwrap().slice(text), "Talks in Riyadh");
        assert_eq!(front.date.unwrap().0.to_string(), "2025-02");
        assert_eq!(&text[front.end..], "Body");
    }

    #[test]
    fn lone_cr_line_ends() {
        let text = "---\rtitle: Talks\rdate: 2025-02-18\r---\rBody\r";
        let front = parse(text).unwrap();
        assert_eq!(front.title.unwrap().slice(text), "Talks");
        assert_eq!(front.date.unwrap().0.to_string(), "2025-02-18");
        assert_eq!(&text[front.end..], "Body\r");
    }

    #[test]
    fn unclosed_or_absent_front_matter_is_none() {
        assert_eq!(parse("---\ntitle: x\nno closing fence\n"), None);
        assert_eq!(parse("Headline\n---\n"), None);
    }
}
