//! Byte scans that several finders share: where capitalized words, any
//! words and digits may start, found eight bytes at a time over lowercase
//! prose; a filter of the words a text may begin with at an offset; and a
//! pattern's matches tried only where a cheaper scan says one can start.

use std::ops::Range;

use crimefacts_model::swar::{HIGH, LOW, ascii_lowercase, bytes_in_range};
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input, meta};

/// Whether `byte` is an ASCII capital or part of a non-ASCII character: every
/// byte a capital letter can open with.
pub(crate) fn capital_or_non_ascii(byte: u8) -> bool {
    byte.is_ascii_uppercase() || !byte.is_ascii()
}

/// The high bit of each byte of `word` for which [`capital_or_non_ascii`]
/// holds.
fn capitals_or_non_ascii(word: u64) -> u64 {
    bytes_in_range(word & LOW, b'A', b'Z') | (word & HIGH)
}

/// Whether each of the eight bytes of `word` is an ASCII letter, a space, or
/// a byte inside a character outside ASCII (0x80 to 0xbf): no digit, no
/// punctuation, no character's first byte.
pub(crate) fn letters_and_spaces_only(word: u64) -> bool {
    let (seven_bits, ascii) = (word & LOW, !word & HIGH);
    let letter = (bytes_in_range(seven_bits, b'A', b'Z') | bytes_in_range(seven_bits, b'a', b'z')) & ascii;
    let space = bytes_in_range(seven_bits, b' ', b' ') & ascii;
    let inside_a_character = bytes_in_range(seven_bits, 0, 0x3f) & !ascii;
    letter | space | inside_a_character == HIGH
}

/// The offsets of the bytes of `bytes` that `mark` flags, in order: `mark`
/// gets each word of eight bytes in turn (the last one padded with zero
/// bytes) and gives back the high bit of each byte to report, so that a word
/// without one is passed over at once.
fn marked<M: FnMut(u64) -> u64>(bytes: &[u8], mark: M) -> Marked<'_, M> {
    Marked { bytes, next: 0, base: 0, found: 0, mark }
}

struct Marked<'b, M> {
    bytes: &'b [u8],
    /// Where the next word to read starts.
    next: usize,
    /// Where the word being reported starts.
    base: usize,
    found: u64,
    mark: M,
}

impl<M: FnMut(u64) -> u64> Iterator for Marked<'_, M> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.found == 0 {
            let start = self.next;
            let word = match self.bytes.get(start..start + 8) {
                Some(eight) => u64::from_le_bytes(eight.try_into().expect("eight bytes")),
                None if start < self.bytes.len() => {
                    let mut eight = [0u8; 8];
                    eight[..self.bytes.len() - start].copy_from_slice(&self.bytes[start..]);
                    u64::from_le_bytes(eight)
                }
                None => return None,
            };
            self.found = (self.mark)(word);
            (self.base, self.next) = (start, start + 8);
        }
        let at = self.base + self.found.trailing_zeros() as usize / 8;
        self.found &= self.found - 1;
        Some(at)
    }
}

/// Every offset of `bytes` whose byte [`capital_or_non_ascii`] holds for, in
/// order.
pub(crate) fn capitals_or_non_ascii_at(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    marked(bytes, capitals_or_non_ascii)
}

/// Every offset of `bytes` holding an ASCII digit, or an ASCII letter that
/// no ASCII word character (letter, digit, `_`) comes right before, in
/// order, eight bytes at a time. A letter right after a non-ASCII character
/// is among them: whether that character is a word character is left to the
/// caller, which can decode it.
pub(crate) fn digits_and_word_opening_letters(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    // The high bit of the last byte of the word before, as the high bit of byte 0.
    let mut word_character_before = 0u64;
    marked(bytes, move |word| {
        let (seven_bits, ascii) = (word & LOW, !word & HIGH);
        let digit = bytes_in_range(seven_bits, b'0', b'9') & ascii;
        let letter = (bytes_in_range(seven_bits, b'A', b'Z') | bytes_in_range(seven_bits, b'a', b'z')) & ascii;
        let word_character = digit | letter | (bytes_in_range(seven_bits, b'_', b'_') & ascii);
        let after_word_character = (word_character << 8) | word_character_before;
        word_character_before = word_character >> 56;
        digit | (letter & !after_word_character)
    })
}

/// The byte offset of every character of `text` that is uppercase
/// (`char::is_uppercase`, which holds for every `\p{Lu}` letter), in order.
pub(crate) fn uppercase_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    capitals_or_non_ascii_at(bytes).filter(move |&at| match bytes[at] {
        b if b.is_ascii() => true,
        b if is_continuation(b) => false,
        _ => text[at..].chars().next().is_some_and(char::is_uppercase),
    })
}

/// The byte offset of every character of `text` that is uppercase
/// (`char::is_uppercase`) and starts a word: the character before it, if
/// any, is not alphanumeric.
pub(crate) fn capitalized_word_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    uppercase_starts(text).filter(move |&at| !text[..at].chars().next_back().is_some_and(char::is_alphanumeric))
}

/// The matches that iterating over every leftmost-first match of `pattern` in
/// `text` gives, found by trying the pattern only at `starts`, anchored: those
/// must hold, in ascending order, every offset a match can start at (any more
/// cost only time). As the iterators do, the search goes on after each
/// match's end. `pattern` must not match the empty string, which the
/// iterators treat apart. An anchored search needs no reverse scan for the
/// start, and a pattern that opens with a class rather than a literal gives
/// the engine nothing to skip ahead to.
pub(crate) fn matches_at_starts(
    pattern: &meta::Regex,
    text: &str,
    starts: impl IntoIterator<Item = usize>,
) -> Vec<Range<usize>> {
    first_at_each_start(starts, |start| pattern.search(&anchored_at(text, start)).map(|m| (m.range(), m.end())))
}

/// [`matches_at_starts`] with the groups of each match.
pub(crate) fn captures_at_starts(
    pattern: &meta::Regex,
    text: &str,
    starts: impl IntoIterator<Item = usize>,
) -> Vec<Captures> {
    let mut captures = pattern.create_captures();
    first_at_each_start(starts, |start| {
        pattern.search_captures(&anchored_at(text, start), &mut captures);
        captures.get_match().map(|m| (captures.clone(), m.end()))
    })
}

fn anchored_at(text: &str, start: usize) -> Input<'_> {
    Input::new(text).span(start..text.len()).anchored(Anchored::Yes)
}

/// What `try_at` finds (a match and its end) at each start that no earlier
/// match covers.
fn first_at_each_start<T>(
    starts: impl IntoIterator<Item = usize>,
    mut try_at: impl FnMut(usize) -> Option<(T, usize)>,
) -> Vec<T> {
    let mut found = Vec::new();
    let mut resume_at = 0;
    for start in starts {
        if start < resume_at {
            continue;
        }
        if let Some((matched, end)) = try_at(start) {
            debug_assert!(end > start, "the pattern matched the empty string");
            resume_at = end;
            found.push(matched);
        }
    }
    found
}

/// The byte offset of every alphanumeric character of `text` that opens a
/// word (the character before it, if any, is not alphanumeric), in order.
/// Eight bytes at a time: a byte that is an ASCII letter or digit, or opens a
/// character outside ASCII, after one that is not an ASCII letter or digit;
/// only characters outside ASCII are decoded.
pub(crate) fn word_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    // The high bit of the last byte of the word before, as the high bit of byte 0.
    let mut alphanumeric_before = 0u64;
    let opening = marked(bytes, move |word| {
        let (seven_bits, ascii) = (word & LOW, !word & HIGH);
        let letter = bytes_in_range(seven_bits, b'A', b'Z') | bytes_in_range(seven_bits, b'a', b'z');
        let alphanumeric = (bytes_in_range(seven_bits, b'0', b'9') | letter) & ascii;
        // 0xc0 and up: the first byte of a character outside ASCII.
        let non_ascii_opening = bytes_in_range(seven_bits, 0x40, 0x7f) & !ascii;
        let after = (alphanumeric << 8) | alphanumeric_before;
        alphanumeric_before = alphanumeric >> 56;
        (alphanumeric | non_ascii_opening) & !after
    });
    opening.filter(move |&at| {
        let alphanumeric = bytes[at].is_ascii() || text[at..].chars().next().is_some_and(char::is_alphanumeric);
        let after_non_ascii = at > 0 && !bytes[at - 1].is_ascii();
        alphanumeric && !(after_non_ascii && text[..at].chars().next_back().is_some_and(char::is_alphanumeric))
    })
}

/// Whether a text may, at a given offset, begin with one of a set of words,
/// compared ASCII case-insensitively as `aho_corasick`'s option does: a word
/// that does begin there always passes; of the others, those that share a
/// word's first [`PrefixFilter::PREFIX`] bytes (or all of a shorter word's)
/// and about one in a hundred more.
pub(crate) struct PrefixFilter {
    bits: Vec<u64>,
    /// The prefix lengths the words give, shortest first.
    lengths: Vec<usize>,
}

impl PrefixFilter {
    const PREFIX: usize = 5;
    const BITS: u32 = 16;

    pub fn new<'w>(words: impl IntoIterator<Item = &'w str>) -> Self {
        let mut filter = Self { bits: vec![0; 1 << (Self::BITS - 6)], lengths: Vec::new() };
        for word in words {
            let length = word.len().min(Self::PREFIX);
            if length == 0 {
                continue;
            }
            let slot = Self::slot(Self::first_eight(word.as_bytes(), 0), length);
            filter.bits[slot / 64] |= 1 << (slot % 64);
            if !filter.lengths.contains(&length) {
                filter.lengths.push(length);
            }
        }
        filter.lengths.sort_unstable();
        filter
    }

    /// Whether `bytes` may begin at `at` with one of the words.
    #[inline]
    pub fn may_start(&self, bytes: &[u8], at: usize) -> bool {
        let eight = Self::first_eight(bytes, at);
        let left = bytes.len() - at;
        for &length in &self.lengths {
            if length > left {
                break;
            }
            let slot = Self::slot(eight, length);
            if self.bits[slot / 64] & (1 << (slot % 64)) != 0 {
                return true;
            }
        }
        false
    }

    /// Up to eight bytes from `at` (zero past the end), ASCII lowercased.
    #[inline]
    fn first_eight(bytes: &[u8], at: usize) -> u64 {
        let word = match bytes.get(at..at + 8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().expect("eight bytes")),
            None => {
                let mut eight = [0u8; 8];
                eight[..bytes.len() - at].copy_from_slice(&bytes[at..]);
                u64::from_le_bytes(eight)
            }
        };
        ascii_lowercase(word)
    }

    fn slot(eight: u64, length: usize) -> usize {
        let prefix = eight & (u64::MAX >> (64 - 8 * length));
        let keyed = (prefix | ((length as u64) << 56)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (keyed >> (64 - Self::BITS)) as usize
    }
}

/// Whether `bytes` hold "ſ" (U+017F) or the Kelvin sign (U+212A): the only
/// characters outside ASCII that a case-insensitive pattern takes for an
/// ASCII letter ("s" and "k"). Without them, such a pattern's ASCII letters
/// match just what `eq_ignore_ascii_case` does.
pub(crate) fn holds_case_variants_of_ascii_letters(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, "ſ".as_bytes()).is_some()
        || memchr::memmem::find(bytes, "\u{212a}".as_bytes()).is_some()
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xc0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn_texts() -> Vec<String> {
        let pieces =
            ["A", "Z", "@", "[", "a", "z", "`", "{", " ", "\n", "1", "É", "é", "Ñ", "ǅ", "Ⅷ", "ⅷ", "’", "Σ", "-"];
        crimefacts_model::draw::Draw::new(0x5eed_0001).texts(&pieces, 5000, 41)
    }

    #[test]
    fn eight_bytes_at_a_time_finds_each_byte_one_by_one_does() {
        for text in drawn_texts() {
            let bytes = text.as_bytes();
            let one_by_one: Vec<usize> = (0..bytes.len()).filter(|&i| capital_or_non_ascii(bytes[i])).collect();
            assert_eq!(capitals_or_non_ascii_at(bytes).collect::<Vec<_>>(), one_by_one, "{text:?}");
        }
    }

    #[test]
    fn digits_and_word_opening_letters_are_those_a_byte_walk_finds() {
        let pieces = ["a", "Z", "_", "0", "9", "/", ":", "@", "[", "`", "{", " ", "é", "’", "\u{7f}"];
        for text in crimefacts_model::draw::Draw::new(0x5eed_0011).texts(&pieces, 5000, 41) {
            let bytes = text.as_bytes();
            let word_character = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            let walked: Vec<usize> = (0..bytes.len())
                .filter(|&i| {
                    bytes[i].is_ascii_digit()
                        || (bytes[i].is_ascii_alphabetic() && (i == 0 || !word_character(bytes[i - 1])))
                })
                .collect();
            assert_eq!(digits_and_word_opening_letters(bytes).collect::<Vec<_>>(), walked, "{text:?}");
        }
    }

    #[test]
    fn only_two_characters_outside_ascii_match_an_ascii_letter_case_insensitively() {
        let letter = regex::Regex::new("(?i)^[a-z]$").expect("pattern");
        let variants: Vec<char> =
            ('\u{80}'..=char::MAX).filter(|c| letter.is_match(c.encode_utf8(&mut [0; 4]))).collect();
        assert_eq!(variants, ['ſ', '\u{212a}']);
        for c in variants {
            assert!(holds_case_variants_of_ascii_letters(format!("ab{c}cd").as_bytes()));
        }
        assert!(!holds_case_variants_of_ascii_letters("Kelvin sKy, «ß» ẞ".as_bytes()));
    }

    /// The offsets of the characters `opens` holds for that no alphanumeric
    /// character comes right before, found one character at a time.
    fn walked_word_openings(text: &str, opens: impl Fn(char) -> bool) -> Vec<usize> {
        let mut previous_alphanumeric = false;
        let mut walked = Vec::new();
        for (at, c) in text.char_indices() {
            if opens(c) && !previous_alphanumeric {
                walked.push(at);
            }
            previous_alphanumeric = c.is_alphanumeric();
        }
        walked
    }

    #[test]
    fn word_starts_are_those_a_character_walk_finds() {
        let pieces = ["a", "Z", "0", "_", "-", " ", "\n", "é", "É", "’", "ǅ", "٣", "\u{a0}", "中", "\u{301}"];
        for text in crimefacts_model::draw::Draw::new(0x5eed_0012).texts(&pieces, 5000, 41) {
            let walked = walked_word_openings(&text, char::is_alphanumeric);
            assert_eq!(word_starts(&text).collect::<Vec<_>>(), walked, "{text:?}");
        }
    }

    #[test]
    fn a_prefix_filter_passes_every_word_in_any_ascii_case_and_few_others() {
        let words = ["Peru", "Perú", "UK", "Lao", "United States", "peruanos", "É"];
        let filter = PrefixFilter::new(words);
        for word in words {
            for text in
                [word.to_string(), word.to_ascii_uppercase(), word.to_ascii_lowercase(), format!("{word} and more")]
            {
                assert!(filter.may_start(format!("x {text}").as_bytes(), 2), "{text:?}");
            }
        }
        assert!(!filter.may_start(b"Pe", 0), "shorter than every word that opens so");
        let others = crimefacts_model::draw::Draw::new(0x5eed_0013).texts(&["a", "e", "r", "t", "s", " "], 20_000, 12);
        let passed = others.iter().filter(|t| !t.is_empty() && filter.may_start(t.as_bytes(), 0)).count();
        assert!(passed < 400, "{passed} of 20,000 random texts passed");
    }

    #[test]
    fn letters_and_spaces_only_as_byte_by_byte() {
        let plain = |b: u8| b.is_ascii_alphabetic() || b == b' ' || (0x80..0xc0).contains(&b);
        for byte in 0..=255u8 {
            for at in 0..8 {
                let mut eight = *b"aZ \x80\xbfqq ";
                eight[at] = byte;
                assert_eq!(letters_and_spaces_only(u64::from_le_bytes(eight)), plain(byte), "{byte:#x} at {at}");
            }
        }
    }

    #[test]
    fn uppercase_starts_are_the_uppercase_characters() {
        for text in drawn_texts() {
            let walked: Vec<usize> = text.char_indices().filter(|(_, c)| c.is_uppercase()).map(|(at, _)| at).collect();
            assert_eq!(uppercase_starts(&text).collect::<Vec<_>>(), walked, "{text:?}");
        }
    }

    #[test]
    fn capitalized_word_starts_are_those_a_character_walk_finds() {
        for text in drawn_texts() {
            let walked = walked_word_openings(&text, char::is_uppercase);
            assert_eq!(capitalized_word_starts(&text).collect::<Vec<_>>(), walked, "{text:?}");
        }
    }
}
