//! Markdown articles, read with pulldown-cmark's offset iterator. Text events become prose;
//! code, images, HTML and link destinations stay masked. HTML comments are collected.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Block, BlockKind, Comment, Mask};
use crate::span::Span;

pub(crate) fn read(
    text: &str,
    body_start: usize,
    prose: &mut Mask,
    blocks: &mut Vec<Block>,
    comments: &mut Vec<Comment>,
) {
    let body = &text[body_start..];
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    // Open leaf blocks, innermost last, each with the span of its prose so far.
    let mut open: Vec<(BlockKind, Option<Span>)> = Vec::new();
    let mut quote_depth = 0usize;
    let mut code_depth = 0usize;
    let mut image_depth = 0usize;
    let flush = |kind: BlockKind, span: Option<Span>, quoted: bool, blocks: &mut Vec<Block>| {
        if let Some(span) = span {
            blocks.push(Block {
                kind,
                span,
                headline: false,
                quoted,
            });
        }
    };
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let span = Span::new(body_start + range.start, body_start + range.end);
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::TableCell => {
                    // Text of an outer block after a nested one is a new run: close the
                    // current run so that blocks never overlap.
                    if let Some((kind, run)) = open.last_mut() {
                        flush(*kind, run.take(), quote_depth > 0, blocks);
                    }
                    let kind = match tag {
                        Tag::Heading { .. } => BlockKind::Heading,
                        Tag::Item => BlockKind::ListItem,
                        _ => BlockKind::Paragraph,
                    };
                    open.push((kind, None));
                }
                Tag::BlockQuote(_) => quote_depth += 1,
                Tag::CodeBlock(_) => code_depth += 1,
                Tag::Image { .. } => image_depth += 1,
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell => {
                    if let Some((kind, run)) = open.pop() {
                        flush(kind, run, quote_depth > 0, blocks);
                    }
                }
                TagEnd::BlockQuote(_) => quote_depth = quote_depth.saturating_sub(1),
                TagEnd::CodeBlock => code_depth = code_depth.saturating_sub(1),
                TagEnd::Image => image_depth = image_depth.saturating_sub(1),
                _ => {}
            },
            Event::Text(_) if code_depth == 0 && image_depth == 0 => {
                prose.show(text, span);
                match open.last_mut() {
                    Some((_, run)) => *run = Some(run.map_or(span, |r| r.to(span))),
                    None => blocks.push(Block {
                        kind: BlockKind::Paragraph,
                        span,
                        headline: false,
                        quoted: quote_depth > 0,
                    }),
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => collect_comments(text, span, comments),
            _ => {}
        }
    }
    while let Some((kind, run)) = open.pop() {
        flush(kind, run, quote_depth > 0, blocks);
    }
    blocks.sort_by_key(|b| b.span.start);
}

/// Every `<!-- ... -->` inside `span`.
fn collect_comments(text: &str, span: Span, comments: &mut Vec<Comment>) {
    let html = span.slice(text);
    let mut from = 0;
    while let Some(open) = html[from..].find("<!--") {
        let start = from + open;
        let Some(close) = html[start + 4..].find("-->") else {
            break;
        };
        let end = start + 4 + close + 3;
        comments.push(Comment {
            span: Span::new(span.start as usize + start, span.start as usize + end),
            body: html[start + 4..end - 3].trim().to_string(),
        });
        from = end;
    }
}

#[cfg(test)]
mod tests {
    use crate::article::{Article, BlockKind, Format};

    fn read(text: &str) -> Article {
        Article::parse("t.md", Format::Markdown, text.to_string())
    }

    #[test]
    fn prose_is_text_only_and_keeps_offsets() {
        let text = "# Rubio in *Riyadh*\n\nSee [the readout](https://state.gov/x) and `code`.\n\n```\nRubio = 1\n```\n";
        let a = read(text);
        assert_eq!(a.prose.len(), text.len());
        assert!(a.prose.contains("Rubio in  Riyadh"));
        assert!(!a.prose.contains("state.gov"));
        assert!(!a.prose.contains("code"));
        assert!(!a.prose.contains("Rubio = 1"));
        let kinds: Vec<_> = a.blocks.iter().map(|b| (b.kind, b.headline)).collect();
        assert_eq!(
            kinds,
            [(BlockKind::Heading, true), (BlockKind::Paragraph, false)]
        );
    }

    #[test]
    fn html_comments_are_collected_not_prose() {
        let text = "Para one.\n<!-- expect: title-conflict \"x\" -->\nPara two <!-- inline -->.\n";
        let a = read(text);
        let bodies: Vec<_> = a.comments.iter().map(|c| c.body.as_str()).collect();
        assert_eq!(bodies, ["expect: title-conflict \"x\"", "inline"]);
        assert!(!a.prose.contains("expect"));
        assert_eq!(
            a.comments[0].span.slice(text),
            "<!-- expect: title-conflict \"x\" -->"
        );
    }

    #[test]
    fn lists_and_quotes_are_blocks() {
        let text = "Intro.\n\n- first item\n- second item\n\n> quoted words\n";
        let a = read(text);
        let kinds: Vec<_> = a
            .blocks
            .iter()
            .map(|b| (b.kind, b.quoted, a.slice(b.span)))
            .collect();
        assert_eq!(
            kinds,
            [
                (BlockKind::Paragraph, false, "Intro."),
                (BlockKind::ListItem, false, "first item"),
                (BlockKind::ListItem, false, "second item"),
                (BlockKind::Paragraph, true, "quoted words"),
            ]
        );
    }

    #[test]
    fn front_matter_title_is_the_headline() {
        let text =
            "---\ntitle: Talks in Riyadh\ndate: 2025-02-18\n---\n# Not the headline\n\nBody.\n";
        let a = read(text);
        let headline: Vec<_> = a.headline().map(|b| a.slice(b.span)).collect();
        assert_eq!(headline, ["Talks in Riyadh"]);
        assert_eq!(a.date.unwrap().date.to_string(), "2025-02-18");
        assert!(!a.prose.contains("date"));
    }
}
