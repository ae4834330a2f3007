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
    // Most names are plain words with single spaces and nothing to drop or replace: their
    // key is the name lowercased, done in bulk.
    if is_plain(name.as_bytes()) {
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
        // Latin-1 letters (U+00C0 to U+00FF, lead byte 0xC3), the accented letters of most
        // names: lowercase ones and `×` `÷` are kept, capitals (all but `×`) are lowercased
        // by adding 0x20 to the second byte; `char::to_lowercase` gives the same.
        if b == 0xC3
            && let Some(&second) = bytes.get(i + 1)
            && (0x80..0xC0).contains(&second)
        {
            i += 2;
            if pending_space {
                key.push(' ');
                pending_space = false;
            }
            let lower = if second < 0x9F && second != 0x97 {
                second + 0x20
            } else {
                second
            };
            key.push(char::from_u32(0xC0 + u32::from(lower - 0x80)).unwrap_or(' '));
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

/// ASCII with no `.` or `` ` ``, and no white space but single spaces between words, or
/// lowercase Latin-1 letters (and `×`, `÷`: U+00DF to U+00FF, U+00D7), which a key keeps
/// as they are: the name's key is the name with its ASCII letters lowercased.
fn is_plain(bytes: &[u8]) -> bool {
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut after_space = false;
    let mut i = 0;
    while i < bytes.len() {
        match PLAIN[usize::from(bytes[i])] {
            KEEP => {
                after_space = false;
                i += 1;
            }
            SPACE if !after_space => {
                after_space = true;
                i += 1;
            }
            // two bytes: 0xC3, then 0x9F to 0xBF or 0x97
            LATIN1
                if bytes
                    .get(i + 1)
                    .is_some_and(|&c| (0x9F..0xC0).contains(&c) || c == 0x97) =>
            {
                after_space = false;
                i += 2;
            }
            _ => return false,
        }
    }
    true
}

/// What [`is_plain`] makes of each byte: [`KEEP`] (ASCII but `.`, `` ` `` and white space),
/// [`SPACE`], [`LATIN1`] (0xC3, which starts U+00C0 to U+00FF), or [`OTHER`].
static PLAIN: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 0x80 {
        let c = b as u8;
        table[b] = if c == b' ' {
            SPACE
        } else if c == b'.' || c == b'`' || c.is_ascii_whitespace() {
            OTHER
        } else {
            KEEP
        };
        b += 1;
    }
    table[0xC3] = LATIN1;
    table
};
const KEEP: u8 = 0;
const SPACE: u8 = 1;
const LATIN1: u8 = 2;
const OTHER: u8 = 3;

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
    use super::{name_key, name_key_into};
    use proptest::prelude::*;

    /// The character-by-character form of [`name_key_into`], before its Latin-1 fast paths.
    fn name_key_reference_into(name: &str, key: &mut String) {
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

    proptest! {
        #[test]
        fn name_keys_are_the_reference_keys(
            name in "[ a-zA-Z.`\u{2019}\u{2013}\u{a0}\u{80}-\u{17f}\u{3a3}\t]{0,12}",
        ) {
            let mut fast = String::from("left over");
            name_key_into(&name, &mut fast);
            let mut reference = String::new();
            name_key_reference_into(&name, &mut reference);
            prop_assert_eq!(fast, reference);
        }

        #[test]
        fn latin1_name_keys_are_the_reference_keys(name in "[a-zA-Z .\u{e4}\u{f6}\u{fc}\u{e9}\u{c9}\u{d6}\u{d7}\u{f7}\u{df}\u{ff}\u{de}\u{fe}]{0,12}") {
            let mut fast = String::new();
            name_key_into(&name, &mut fast);
            let mut reference = String::new();
            name_key_reference_into(&name, &mut reference);
            prop_assert_eq!(fast, reference);
        }
    }

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
