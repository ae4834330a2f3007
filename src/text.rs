//! Text normalization shared by the rule compiler and the extractors, so that a name written
//! one way in a rule file matches the same name written another way in an article.

/// The key under which a name is looked up: lowercase, `U.S.` = `US` (periods dropped),
/// curly quotes and apostrophes made straight, en and em dashes made hyphens, and runs of
/// white space folded to one space.
pub fn name_key(name: &str) -> String {
    // Fast path, by far the most common: ASCII with no periods and single inner spaces.
    let bytes = name.as_bytes();
    let simple = bytes.iter().all(|&b| {
        b.is_ascii() && b != b'.' && b != b'`' && (b == b' ' || !b.is_ascii_whitespace())
    }) && !name.contains("  ")
        && !name.starts_with(' ')
        && !name.ends_with(' ');
    if simple {
        return name.to_ascii_lowercase();
    }
    let mut key = String::with_capacity(name.len());
    let mut pending_space = false;
    for c in name.chars() {
        let c = match c {
            '.' => continue,
            '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2010}'..='\u{2015}' => '-',
            c if c.is_whitespace() => {
                pending_space = !key.is_empty();
                continue;
            }
            c => c,
        };
        if pending_space {
            key.push(' ');
            pending_space = false;
        }
        key.extend(c.to_lowercase());
    }
    key
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn spellings_of_one_name_share_a_key() {
        assert_eq!(
            name_key("U.S. Secretary of State"),
            name_key("US secretary of  state")
        );
        assert_eq!(
            name_key("Russia\u{2019}s foreign minister"),
            name_key("Russia's Foreign Minister")
        );
        assert_eq!(name_key("US\u{2013}Russia talks"), "us-russia talks");
        assert_ne!(name_key("Sergey Lavrov"), name_key("Sergei Lavrov"));
        assert_eq!(name_key(" Marco  Rubio "), "marco rubio");
        assert_eq!(name_key("Türkiye"), "türkiye");
    }
}
