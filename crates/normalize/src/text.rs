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
    /// The same content's byte offsets in the raw text.
    pub raw_bytes: std::ops::Range<usize>,
    /// A blank line (a paragraph break) precedes this line.
    pub after_blank: bool,
}

/// Splits `raw` into its non-blank lines. `\r\n`, `\r`, `\n`, U+2028 and U+2029
/// all end a line.
pub fn split_lines(raw: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut after_blank = false;
    let mut chars_seen: i64 = 0;
    let mut rest = raw;
    while !rest.is_empty() {
        let scan = scan_line(rest);
        let content = &rest[..scan.end];
        let text = if scan.plain { Cow::Borrowed(content) } else { clean_line(content) };
        if text.is_empty() {
            after_blank = !lines.is_empty();
        } else {
            let start = raw.len() - rest.len();
            lines.push(Line {
                text,
                raw_start: chars_seen,
                raw_end: chars_seen + scan.chars,
                raw_bytes: start..start + scan.end,
                after_blank,
            });
            after_blank = false;
        }
        chars_seen += scan.chars;
        rest = &rest[scan.end..];
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

/// What one pass over a line's bytes learns.
struct LineScan {
    /// Byte offset of the line break (or the end of the text).
    end: usize,
    /// Code points before it.
    chars: i64,
    /// Already clean: printable ASCII and [`kept_as_is`] characters, with
    /// single inner spaces.
    plain: bool,
}

/// Finds the end of the first line of `text` (the rest of a page),
/// counting its code points and checking whether it is already clean, in one
/// pass: every line of every page goes through this twice (corpus and main pass).
fn scan_line(text: &str) -> LineScan {
    let bytes = text.as_bytes();
    let mut chars: i64 = 0;
    let mut plain = bytes.first() != Some(&b' ');
    let mut previous_space = false;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes of printable ASCII at a time: most of a page, none of
        // them a break, each one code point.
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            if let Some(spaces) = printable_ascii_spaces(word) {
                plain &= spaces & (spaces << 8) == 0 && !(previous_space && spaces & 0x80 != 0);
                previous_space = spaces >> 63 != 0;
                chars += 8;
                i += 8;
                continue;
            }
        }
        // Otherwise those eight bytes one by one.
        for _ in 0..8 {
            let Some(&b) = bytes.get(i) else { break };
            match b {
                b'\n' | b'\r' | 0x0b | 0x0c => return LineScan { end: i, chars, plain: plain && !previous_space },
                // U+0085 (C2 85), U+2028 and U+2029 (E2 80 A8/A9).
                0xc2 if bytes.get(i + 1) == Some(&0x85) => {
                    return LineScan { end: i, chars, plain: plain && !previous_space };
                }
                0xe2 if bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)) => {
                    return LineScan { end: i, chars, plain: plain && !previous_space };
                }
                _ => {}
            }
            chars += i64::from((b as i8) >= -0x40);
            let space = b == b' ';
            plain &= if b < 0x80 {
                (0x20..0x7f).contains(&b) && !(space && previous_space)
            } else {
                // A continuation byte was judged with its lead byte.
                b < 0xc0 || text[i..].chars().next().is_some_and(kept_as_is)
            };
            previous_space = space;
            i += 1;
        }
    }
    LineScan { end: i, chars, plain: plain && !previous_space }
}

/// For eight bytes that are all printable ASCII (0x20 to 0x7e), the high bit
/// of each byte that is a space; none for any other eight bytes.
fn printable_ascii_spaces(word: u64) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // With every high bit clear, a byte under 0x20 borrows into its own high
    // bit when 0x20 is taken from it, and no other byte does.
    let below_space = word.wrapping_sub(0x20 * ONES) & !word & HIGH;
    if word & HIGH != 0 || below_space != 0 || bytes_equal(word, 0x7f) != 0 {
        return None;
    }
    Some(bytes_equal(word, b' '))
}

/// The high bit of each byte of `word` that is `byte`, exactly: adding 0x7f
/// to the low seven bits sets the high bit of every byte but a zero one, and
/// no carry crosses into the next byte.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
    !(((x & LOW) + LOW) | x) & !LOW
}

/// Non-ASCII characters that [`clean_line`] keeps unchanged wherever they
/// stand: letters of Latin-1 and Latin Extended-A (all precomposed, so already
/// NFC), and the dashes, curly quotes, bullets and currency signs of prose.
/// Spanish and Portuguese lines, and English ones with curly quotes, are then
/// borrowed instead of rebuilt character by character. None of them is a
/// space, a control, a removed invisible, or a character that composes with
/// the one before it (checked for each by a test).
fn kept_as_is(c: char) -> bool {
    matches!(c, '\u{a1}'..='\u{ac}' | '\u{ae}'..='\u{17f}' | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205e}' | '\u{20a0}'..='\u{20c0}')
}

/// NFC; every space character becomes one ASCII space; zero-width characters and
/// soft hyphens go; the ends are trimmed. For the lines [`scan_line`] did not
/// find plain (see [`LineScan::plain`]); plain lines are kept as they are.
fn clean_line(line: &str) -> Cow<'_, str> {
    let mut cleaned = Cleaned::with_capacity(line.len());
    // Most lines are already NFC; composing them again is the costly part.
    if is_nfc_quick(line.chars()) != IsNormalized::Yes {
        line.nfc().for_each(|c| cleaned.push(c));
        return Cow::Owned(cleaned.out);
    }
    // A paragraph with one no-break space is not plain: its runs of
    // printable ASCII are copied whole, and only the other characters are
    // taken one by one (a test holds this to taking every one so).
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().position(|b| !(0x21..0x7f).contains(b)).unwrap_or(bytes.len() - i);
        if run > 0 {
            cleaned.push_printable(&line[i..i + run]);
            i += run;
        } else {
            let c = line[i..].chars().next().expect("a character starts here");
            cleaned.push(c);
            i += c.len_utf8();
        }
    }
    Cow::Owned(cleaned.out)
}

/// A cleaned line as it is built.
struct Cleaned {
    out: String,
    /// Spaces were passed since the last character kept: one goes before the next.
    pending_space: bool,
}

impl Cleaned {
    fn with_capacity(capacity: usize) -> Self {
        Self { out: String::with_capacity(capacity), pending_space: false }
    }

    fn push(&mut self, c: char) {
        match c {
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' => {}
            c if c.is_whitespace() || c.is_control() => self.pending_space = !self.out.is_empty(),
            c => {
                self.space_if_pending();
                self.out.push(c);
            }
        }
    }

    /// Printable ASCII other than the space (0x21 to 0x7e), which `push` would keep one by one.
    fn push_printable(&mut self, run: &str) {
        self.space_if_pending();
        self.out.push_str(run);
    }

    fn space_if_pending(&mut self) {
        if std::mem::take(&mut self.pending_space) {
            self.out.push(' ');
        }
    }
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
    fn every_line_break_and_only_those_ends_a_line() {
        for line_break in ["\n", "\r", "\r\n", "\u{2028}", "\u{2029}", "\u{0085}", "\u{000b}", "\u{000c}"] {
            let texts: Vec<String> =
                split_lines(&format!("a{line_break}b")).into_iter().map(|l| l.text.into()).collect();
            assert_eq!(texts, ["a", "b"], "{line_break:?}");
        }
        // Characters that share a first byte with U+0085 or U+2028.
        for other in ["\u{00a0}", "\u{00b0}", "\u{2014}", "\u{201c}", "\u{2027}", "\u{202a}", "\u{2080}"] {
            assert_eq!(split_lines(&format!("a{other}b")).len(), 1, "{other:?}");
        }
    }

    #[test]
    fn plain_lines_are_borrowed_and_others_cleaned() {
        let lines = split_lines("Plain line here\n two  spaces \nend \nPerú’s “cartel” — 5 €");
        assert!(matches!(lines[0].text, Cow::Borrowed("Plain line here")));
        assert!(matches!(lines[3].text, Cow::Borrowed("Perú’s “cartel” — 5 €")), "{:?}", lines[3].text);
        assert_eq!(lines[1].text, "two spaces");
        assert_eq!(lines[2].text, "end");
        assert_eq!((lines[2].raw_start, lines[2].raw_end), (30, 34));
    }

    #[test]
    fn characters_kept_as_is_are_what_cleaning_keeps() {
        use unicode_normalization::char::canonical_combining_class;
        let kept: Vec<char> = (0x80..0x3000).filter_map(char::from_u32).filter(|&c| kept_as_is(c)).collect();
        assert!(kept.contains(&'ñ') && kept.contains(&'’') && kept.contains(&'—') && kept.contains(&'€'));
        for c in kept {
            assert!(!c.is_whitespace() && !c.is_control() && c != '\u{ad}', "{c:?}");
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            let line = format!("a{c}b {c}");
            assert!(scan_line(&line).plain, "{c:?}");
            assert_eq!(clean_line(&line), line, "{c:?}");
        }
        // Spaces, invisibles and combining marks still send a line to cleaning.
        for other in ['\u{a0}', '\u{ad}', '\u{200b}', '\u{2060}', '\u{301}', '\u{3000}', '\u{feff}'] {
            assert!(!scan_line(&format!("a{other}b")).plain, "{other:?}");
        }
    }

    /// Whatever [`scan_line`] finds plain, cleaning leaves as it is: 20,000
    /// lines drawn from characters on both sides of that line (a fixed seed).
    #[test]
    fn plain_lines_are_the_ones_cleaning_keeps() {
        let alphabet = "aZ09 .,'’“—ñÁçü×€·\t\u{a0}\u{ad}\u{200b}\u{301}\u{2000}\u{2066}\u{feff}\u{7f}\u{85}é😀Ωж";
        let pieces: Vec<&str> = alphabet.char_indices().map(|(i, c)| &alphabet[i..i + c.len_utf8()]).collect();
        let mut draw = crimefacts_model::draw::Draw::new(0x9e37_79b9_7f4a_7c15);
        let mut plain_lines = 0;
        for _ in 0..20_000 {
            let line = draw.text(&pieces, 12);
            let scan = scan_line(&line);
            if scan.plain {
                plain_lines += 1;
                assert_eq!(clean_line(&line[..scan.end]), &line[..scan.end], "{line:?}");
            }
        }
        assert!(plain_lines > 1_000, "the draw should hold plain lines too ({plain_lines})");
    }

    /// The word-at-a-time scan agrees with a byte-at-a-time one on every
    /// suffix of 20,000 drawn texts, and on every byte value in every place of
    /// an eight-byte word.
    #[test]
    fn scanning_eight_bytes_at_a_time_changes_nothing() {
        fn bytewise(text: &str) -> (usize, i64, bool) {
            let bytes = text.as_bytes();
            let (mut chars, mut plain, mut previous_space) = (0, bytes.first() != Some(&b' '), false);
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                let rest = &text.as_bytes()[i..];
                if matches!(b, b'\n' | b'\r' | 0x0b | 0x0c)
                    || rest.starts_with("\u{85}".as_bytes())
                    || rest.starts_with("\u{2028}".as_bytes())
                    || rest.starts_with("\u{2029}".as_bytes())
                {
                    break;
                }
                chars += i64::from((b as i8) >= -0x40);
                let space = b == b' ';
                plain &= if b < 0x80 {
                    (0x20..0x7f).contains(&b) && !(space && previous_space)
                } else {
                    b < 0xc0 || text[i..].chars().next().is_some_and(kept_as_is)
                };
                previous_space = space;
                i += 1;
            }
            (i, chars, plain && !previous_space)
        }
        let check = |text: &str| {
            for (start, _) in text.char_indices() {
                let scan = scan_line(&text[start..]);
                assert_eq!((scan.end, scan.chars, scan.plain), bytewise(&text[start..]), "{:?}", &text[start..]);
            }
        };
        let alphabet = "ab  .~\u{7f}\u{1f}\t\n\r\u{b}é’\u{85}\u{2028}\u{2029}\u{a0}😀";
        let pieces: Vec<&str> = alphabet.char_indices().map(|(i, c)| &alphabet[i..i + c.len_utf8()]).collect();
        let mut draw = crimefacts_model::draw::Draw::new(0x5eed_0f8b_17e5);
        for _ in 0..20_000 {
            check(&draw.text(&pieces, 24));
        }
        for byte in 0..0x80u8 {
            for place in 0..8 {
                let mut text = *b"abcdefgh ijklmnopq";
                text[place] = byte;
                check(std::str::from_utf8(&text).expect("ASCII"));
                text[place + 8] = byte;
                check(std::str::from_utf8(&text).expect("ASCII"));
            }
        }
    }

    /// Copying runs of printable ASCII whole cleans as taking every
    /// character one by one does: 20,000 drawn lines (fixed seed) of ASCII,
    /// spaces of every kind, controls, invisibles, accents precomposed and not.
    #[test]
    fn cleaning_by_runs_is_cleaning_by_characters() {
        #[rustfmt::skip]
        let pieces = [
            "word", "Perú", " ", "  ", "\t", "\u{a0}", "\u{3000}", "\u{7}", "\u{7f}", "\u{85}", "\u{200b}", "\u{ad}",
            "\u{feff}", "e\u{301}", "\u{301}", "’", "—", "!", "~", "😀", "\u{2028}",
        ];
        let mut draw = crimefacts_model::draw::Draw::new(0xd1b5_4a32_d192_ed03);
        for _ in 0..20_000 {
            let line = draw.text(&pieces, 12);
            let mut one_by_one = Cleaned::with_capacity(0);
            line.nfc().for_each(|c| one_by_one.push(c));
            assert_eq!(clean_line(&line), one_by_one.out, "{line:?}");
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
            assert_eq!(raw[line.raw_bytes.clone()], span);
        }
    }
}
