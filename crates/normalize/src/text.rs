//! Character-level normalization of a raw text into the body.

use unicode_normalization::UnicodeNormalization;

/// NFC; `\r\n`, `\r`, U+2028 and U+2029 become `\n`; every other space character
/// becomes one ASCII space; zero-width characters and soft hyphens are dropped;
/// lines are trimmed; runs of blank lines become one blank line (a paragraph
/// break); leading and trailing blank lines go.
pub fn normalize_text(raw: &str) -> String {
    let mut unified = String::with_capacity(raw.len());
    let mut chars = raw.nfc().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                unified.push('\n');
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{0085}' => unified.push('\n'),
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' => {}
            c if c.is_whitespace() || c.is_control() => unified.push(' '),
            c => unified.push(c),
        }
    }

    let mut body = String::with_capacity(unified.len());
    let mut pending_break = false;
    for line in unified.split('\n') {
        let mut words = line.split(' ').filter(|w| !w.is_empty()).peekable();
        if words.peek().is_none() {
            pending_break = !body.is_empty();
            continue;
        }
        if !body.is_empty() {
            body.push_str(if pending_break { "\n\n" } else { "\n" });
        }
        pending_break = false;
        let mut first = true;
        for word in words {
            if !first {
                body.push(' ');
            }
            body.push_str(word);
            first = false;
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unifies_line_endings_spaces_and_paragraphs() {
        let cases = [
            ("a\r\nb\rc", "a\nb\nc"),
            ("  a \t b\u{a0}c  ", "a b c"),
            ("\n\na\n\n\n\nb\n \n", "a\n\nb"),
            ("zero\u{200b}width soft\u{ad}hyphen", "zerowidth softhyphen"),
            ("line\u{2028}sep", "line\nsep"),
            ("ctrl\u{7}char", "ctrl char"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_text(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn composes_to_nfc() {
        let decomposed = "Pe\u{0301}rez Bogota\u{0301}";
        let body = normalize_text(decomposed);
        assert_eq!(body, "Pérez Bogotá");
        assert_eq!(body.chars().count(), 12);
    }
}
