//! Text normalization shared by the rule compiler and the extractors, so that a name written
//! one way in a rule file matches the same name written another way in an article.

/// The key under which a name is looked up: lowercase, `U.S.` = `US` (periods dropped),
/// curly quotes and apostrophes made straight, en and em dashes made hyphens, and runs of
/// white space folded to one space.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    name_key_into(name, &mut key);
    key
}

/// [`name_key`] into a buffer (cleared first), so that look-ups need not allocate.
pub fn name_key_into(name: &str, key: &mut String) {
    key.clear();
    // Most names are plain ASCII words with single spaces and nothing to drop or replace:
    // their key is the name lowercased, done in bulk.
    if is_plain_ascii(name.as_bytes()) {
        key.push_str(name);
        key.make_ascii_lowercase();
        return;
    }
    let mut pending_space = false;
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII, byte by byte
        if b < 0x80 {
            i += 1;
            let c = match b {
                b'.' => continue,
                b'`' => '\'',
                b if b.is_ascii_whitespace() => {
                    pending_space = !key.is_empty();
                    continue;
                }
                b => b.to_ascii_lowercase() as char,
            };
            if pending_space {
                key.push(' ');
                pending_space = false;
            }
            key.push(c);
            continue;
        }
        let c = name[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
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
        if c.is_lowercase() || !c.is_alphabetic() {
            key.push(c);
        } else {
            key.extend(c.to_lowercase());
        }
    }
}

/// ASCII with no `.` or `` ` ``, and no white space but single spaces between words.
fn is_plain_ascii(bytes: &[u8]) -> bool {
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut after_space = false;
    for &b in bytes {
        let space = b == b' ';
        if b >= 0x80
            || b == b'.'
            || b == b'`'
            || (space && after_space)
            || (!space && b.is_ascii_whitespace())
        {
            return false;
        }
        after_space = space;
    }
    true
}

/// Quoted words compared without case, quotation marks, final punctuation or extra spaces.
pub fn quote_key(text: &str) -> String {
    name_key(text.trim_matches(|c: char| {
        c.is_ascii_punctuation()
            || c.is_whitespace()
            || matches!(c, '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}')
    }))
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
