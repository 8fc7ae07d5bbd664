//! Character-level cleaning, and splitting a raw text into lines that remember
//! where they came from.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// One line of the raw text, cleaned, with its code-point span in the raw text.
#[derive(Clone, Debug, PartialEq)]
pub struct Line<'raw> {
    /// Cleaned text: NFC, one space between words, no invisible characters.
    /// Borrowed from the raw text when that is already clean (most lines):
    /// both passes split every page, and a copy of each line was a tenth of it.
    pub text: Cow<'raw, str>,
    /// Code-point offsets of the line's content in the raw text.
    pub raw_start: i64,
    pub raw_end: i64,
    /// A blank line (a paragraph break) precedes this line.
    pub after_blank: bool,
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{0085}' | '\u{000b}' | '\u{000c}')
}

/// Splits `raw` into its non-blank lines. `\r\n`, `\r`, `\n`, U+2028 and U+2029
/// all end a line.
pub fn split_lines(raw: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut after_blank = false;
    let mut chars_seen: i64 = 0;
    let mut rest = raw;
    while !rest.is_empty() {
        let end = rest
            .bytes()
            .position(|b| matches!(b, b'\n' | b'\r' | 0x0b | 0x0c | 0xc2 | 0xe2))
            .and_then(|candidate| rest[candidate..].find(is_line_break).map(|i| candidate + i))
            .unwrap_or(rest.len());
        let content = &rest[..end];
        let content_chars = count_chars(content);
        let text = clean_line(content);
        if text.is_empty() {
            after_blank = !lines.is_empty();
        } else {
            lines.push(Line { text, raw_start: chars_seen, raw_end: chars_seen + content_chars, after_blank });
            after_blank = false;
        }
        chars_seen += content_chars;
        rest = &rest[end..];
        // One break, counting "\r\n" as one.
        let mut breaks = rest.chars();
        match breaks.next() {
            Some('\r') if rest[1..].starts_with('\n') => {
                rest = &rest[2..];
                chars_seen += 2;
            }
            Some(c) => {
                rest = &rest[c.len_utf8()..];
                chars_seen += 1;
            }
            None => {}
        }
    }
    lines
}

/// Lowercase, with a fast path for ASCII (most lines of most pages).
pub fn lowercase(text: &str) -> String {
    crimefacts_model::lowercase(text)
}

/// Code points in `text`: bytes that do not continue a UTF-8 sequence.
fn count_chars(text: &str) -> i64 {
    text.bytes().filter(|&b| (b as i8) >= -0x40).count() as i64
}

/// NFC; every space character becomes one ASCII space; zero-width characters and
/// soft hyphens go; the ends are trimmed.
pub fn clean_line(line: &str) -> Cow<'_, str> {
    // Fast path: printable ASCII with single inner spaces is already clean.
    let bytes = line.as_bytes();
    let plain = bytes.iter().all(|b| (0x20..0x7f).contains(b))
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && !bytes.windows(2).any(|w| w == b"  ");
    if plain {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    // Most lines are already NFC; composing them again is the costly part.
    let chars: Box<dyn Iterator<Item = char>> =
        if is_nfc_quick(line.chars()) == IsNormalized::Yes { Box::new(line.chars()) } else { Box::new(line.nfc()) };
    for c in chars {
        match c {
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' => {}
            c if c.is_whitespace() || c.is_control() => pending_space = !out.is_empty(),
            c => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(c);
            }
        }
    }
    Cow::Owned(out)
}

/// Joins kept lines into a body: a blank line between paragraphs, a single line
/// break inside a block of consecutive lines.
pub fn join_lines<'a>(lines: impl IntoIterator<Item = (&'a Line<'a>, bool)>) -> String {
    let mut body = String::new();
    for (line, paragraph_break) in lines {
        if !body.is_empty() {
            body.push_str(if paragraph_break { "\n\n" } else { "\n" });
        }
        body.push_str(&line.text);
    }
    body
}

/// The whole text cleaned, with every line kept: what normalization produces
/// when there is nothing to remove.
pub fn normalize_text(raw: &str) -> String {
    let lines = split_lines(raw);
    join_lines(lines.iter().map(|l| (l, l.after_blank)))
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
        let body = normalize_text("Pe\u{0301}rez Bogota\u{0301}");
        assert_eq!(body, "Pérez Bogotá");
        assert_eq!(body.chars().count(), 12);
    }

    #[test]
    fn lines_know_their_raw_code_point_spans() {
        let raw = "Título\r\n\r\n  Perú — sí \nfin";
        let lines = split_lines(raw);
        let chars: Vec<char> = raw.chars().collect();
        let texts: Vec<&str> = lines.iter().map(|l| &*l.text).collect();
        assert_eq!(texts, ["Título", "Perú — sí", "fin"]);
        assert_eq!(lines.iter().map(|l| l.after_blank).collect::<Vec<_>>(), [false, true, false]);
        for line in &lines {
            let span: String = chars[line.raw_start as usize..line.raw_end as usize].iter().collect();
            assert_eq!(span.trim(), line.text);
        }
    }
}
