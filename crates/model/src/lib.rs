//! The crimefacts data contract as code: the row type of every per-document table,
//! each table's schema (column names, types, nullability), and the per-document stage
//! interface.
//!
//! Notebooks and outside checks read these column names, so this crate is an API
//! boundary: a column is added here, never renamed without bumping
//! [`CONTRACT_VERSION`]. It must not depend on any other workspace crate, nor on
//! polars or any I/O: it is plain data that every stage speaks.

#[doc(hidden)]
pub mod draw;
mod rows;
mod schema;
mod stage;
pub mod swar;

/// The string of a row's cells: up to 24 bytes inline, without an allocation
/// (ids, names, labels and most mention texts).
pub use compact_str::{CompactString, format_compact};
pub use rows::{
    Amount, Attribution, Boilerplate, DateMention, DocRows, Document, Event, Flow, Mention, Reject, Sentence,
};
pub use schema::{
    AGGREGATE_TABLES, AMOUNTS, ATTRIBUTIONS, BOILERPLATE, COOCCURRENCE, ColumnSchema, ColumnType, DATES, DOCUMENTS,
    ENTITY_STATS, EVENTS, FLOWS, FLOWS_SUMMARY, GROUP_PRESENCE, MENTIONS, PER_DOCUMENT_TABLES, PRICE_LADDER, REJECTS,
    Row, RowVisitor, SEIZURE_TOTALS, SENTENCES, TableSchema, all_tables,
};
pub use stage::{Batch, CorpusSummary, DocumentStage, Failure, Progress, StageError, StageOptions};

/// A cell from a `&'static str` (a label, a gazetteer name) without an
/// allocation: short text is copied inline, longer text kept by reference.
/// (`CompactString::const_new` does the same but copies byte by byte, as a
/// `const fn` must.)
pub fn static_cell(text: &'static str) -> CompactString {
    if text.len() <= std::mem::size_of::<CompactString>() {
        CompactString::new(text)
    } else {
        CompactString::const_new(text)
    }
}

/// Version of the data contract in `DESIGN.md`; written into every Parquet file.
pub const CONTRACT_VERSION: &str = "1";

/// Converts a byte offset into `text` to a Unicode code-point offset.
///
/// Contract offsets are code points so that Python's `text[start:end]` gives the
/// surface text; Rust string slicing works in bytes, so every stage converts at
/// its border with this or with [`CharIndex`].
pub fn char_offset(text: &str, byte_offset: usize) -> usize {
    text[..byte_offset].chars().count()
}

/// Whether `text[start..end]` (byte offsets) is a whole word: no letter or digit
/// touches it on either side. Every gazetteer match needs this check.
pub fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// `text.to_lowercase()`, faster on text that is mostly ASCII with some accents
/// or curly quotes (most news text): the standard library lowercases one
/// character at a time from the first non-ASCII one on, this copies the text,
/// lowercases its ASCII letters in one pass, then visits only the other
/// characters, rewriting in place those whose lowercase differs (and has
/// the same length in UTF-8, as nearly all do). A text with a capital sigma
/// goes to the standard library, whose final-sigma rule depends on the
/// letters around it.
pub fn lowercase(text: &str) -> String {
    let mut out = text.to_owned();
    out.make_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = next_non_ascii(text.as_bytes(), at) {
        let c = text[i..].chars().next().expect("a character starts at a non-ASCII byte");
        match lowercase_of(c) {
            Lowercase::Same => {}
            Lowercase::Char(lower) if lower.len_utf8() == c.len_utf8() => {
                out.replace_range(i..i + c.len_utf8(), lower.encode_utf8(&mut [0; 4]));
            }
            // A lowercase of another length ("İ" -> "i̇") shifts everything after it.
            _ => return lowercase_from(text, out, i),
        }
        at = i + c.len_utf8();
    }
    out
}

/// The offset of the first byte from `from` on that is not ASCII, eight
/// bytes at a time.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(eight) = bytes.get(at..at + 8) {
        let high = u64::from_le_bytes(eight.try_into().expect("eight bytes")) & swar::HIGH;
        if high != 0 {
            return Some(at + high.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    bytes[at..].iter().position(|b| !b.is_ascii()).map(|offset| at + offset)
}

/// What lowercasing makes of one character.
enum Lowercase {
    Same,
    Char(char),
    Many,
}

/// The accented capitals of Latin-1 and the caseless characters around them
/// and among the general punctuation (curly quotes, dashes) are most of the
/// non-ASCII characters of news text in Latin-script languages: they skip
/// the search in Unicode's case tables.
fn lowercase_of(c: char) -> Lowercase {
    match c {
        // Its lowercase depends on the letters around it.
        'Σ' => Lowercase::Many,
        'À'..='Þ' if c != '×' => {
            Lowercase::Char(char::from_u32(u32::from(c) + 0x20).expect("a Latin-1 small letter"))
        }
        '\u{80}'..='\u{ff}' | '\u{2000}'..='\u{206f}' => Lowercase::Same,
        _ => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(one), None) if one == c => Lowercase::Same,
                (Some(one), None) => Lowercase::Char(one),
                _ => Lowercase::Many,
            }
        }
    }
}

/// `out` (the text lowercased up to byte `from`) with the rest of `text`
/// lowercased one character at a time. A capital sigma sends the whole text
/// to the standard library, whose final-sigma rule reads the letters around it.
fn lowercase_from(text: &str, mut out: String, from: usize) -> String {
    if text[from..].contains('Σ') {
        return text.to_lowercase();
    }
    out.truncate(from);
    for c in text[from..].chars() {
        match lowercase_of(c) {
            Lowercase::Same => out.push(c),
            Lowercase::Char(lower) => out.push(lower),
            Lowercase::Many => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// ASCII words up to this many bytes are lowercased on the stack by [`with_lowercase`].
const SHORT_WORD: usize = 24;

/// Calls `lookup` with `word` lowercased. Word lists are asked about every
/// word of a text, so a short ASCII word (most words of most texts) is
/// lowercased on the stack instead of into a new string.
pub fn with_lowercase<R>(word: &str, lookup: impl FnOnce(&str) -> R) -> R {
    if word.is_ascii() && word.len() <= SHORT_WORD {
        let mut buffer = [0u8; SHORT_WORD];
        let lower = &mut buffer[..word.len()];
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        return lookup(std::str::from_utf8(lower).expect("lowercased ASCII is UTF-8"));
    }
    lookup(&lowercase(word))
}

/// Byte-to-code-point offset table for one text, for stages that convert many
/// offsets (a linear scan per offset would make extraction quadratic).
pub struct CharIndex {
    /// `chars_before[b]` = code points in `text[..b]`, for every char boundary `b`.
    chars_before: Vec<u32>,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        // A running count of the bytes that start a code point: at a boundary
        // that is the code points before it (a continuation byte gets the
        // count after its code point, which no caller asks for).
        // Filled in place rather than pushed: a push per byte of every body
        // checked the capacity each time.
        let bytes = text.as_bytes();
        let mut chars_before = vec![0u32; bytes.len() + 1];
        let mut count = 0u32;
        for (slot, &byte) in chars_before.iter_mut().zip(bytes) {
            *slot = count;
            count += u32::from((byte as i8) >= -0x40);
        }
        chars_before[bytes.len()] = count;
        Self { chars_before }
    }

    /// Code-point offset of a byte offset that lies on a char boundary.
    pub fn chars(&self, byte_offset: usize) -> i64 {
        i64::from(self.chars_before[byte_offset])
    }
}

/// Code-point offsets of byte offsets asked for in order, as a sentence
/// splitter asks for each sentence's ends: it counts the code points between
/// one offset and the next, so it builds no table of four bytes per byte of
/// text as [`CharIndex`] does. Asked out of order, it counts back.
pub struct CharCounter<'a> {
    bytes: &'a [u8],
    byte: usize,
    chars: i64,
}

impl<'a> CharCounter<'a> {
    pub fn new(text: &'a str) -> Self {
        Self { bytes: text.as_bytes(), byte: 0, chars: 0 }
    }

    /// Code-point offset of a byte offset that lies on a char boundary.
    pub fn chars(&mut self, byte_offset: usize) -> i64 {
        if byte_offset >= self.byte {
            self.chars += code_point_starts(&self.bytes[self.byte..byte_offset]);
        } else {
            self.chars -= code_point_starts(&self.bytes[byte_offset..self.byte]);
        }
        self.byte = byte_offset;
        self.chars
    }
}

/// The bytes that start a code point (all but UTF-8's continuation bytes).
fn code_point_starts(bytes: &[u8]) -> i64 {
    bytes.iter().filter(|&&byte| (byte as i8) >= -0x40).count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_is_the_standard_librarys() {
        let texts = [
            "",
            "POLICE Seized 2 Tons",
            "Perú’s “Cartel” — ÁÉÍÓÚ Ñ Ç Ü",
            "İstanbul ǅemal ß ẞ Ⅻ ＡＢＣ",
            "ΟΔΟΣ ΣΟΦΟΣ Σ",
            "mixed ЖЁЛТЫЙ текст and ASCII",
            "emoji 😀 then TEXT",
        ];
        for text in texts {
            assert_eq!(lowercase(text), text.to_lowercase(), "{text}");
        }
    }

    /// Every character of the Basic Multilingual Plane, alone and between
    /// ASCII letters, lowercases as the standard library lowercases it.
    #[test]
    fn every_character_lowercases_as_the_standard_librarys() {
        for c in (0..=0xffffu32).filter_map(char::from_u32) {
            let text = format!("A{c}b{c}");
            assert_eq!(lowercase(&text), text.to_lowercase(), "U+{:04X}", u32::from(c));
        }
    }

    /// Drawn texts of many lengths, with the characters that take each path
    /// (ASCII, Latin-1 capitals, caseless punctuation, table lookups, a
    /// longer lowercase, the capital sigma) anywhere in them.
    #[test]
    fn drawn_texts_lowercase_as_the_standard_librarys() {
        let pieces = ["Police", "SEIZED", " ", "Perú", "ÉL", "ñ", "’", "—", "Ж", "İ", "Σ", "ΟΔΟΣ", "ẞ", "😀", "x"];
        for text in draw::Draw::new(0x5eed_0005).texts(&pieces, 20_000, 16) {
            assert_eq!(lowercase(&text), text.to_lowercase(), "{text:?}");
        }
    }

    /// Asked in order, out of order or twice, the counter answers as the table.
    #[test]
    fn a_char_counter_answers_as_a_char_index() {
        for text in ["", "plain", "Perú — 1,5 t “x” 😀 end", "ñ"] {
            let index = CharIndex::new(text);
            let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
            let mut counter = CharCounter::new(text);
            let mut order: Vec<usize> = starts.iter().copied().chain(starts.iter().rev().copied()).collect();
            order.extend(starts.iter().step_by(3).copied());
            for byte in order {
                assert_eq!(counter.chars(byte), index.chars(byte), "{text:?} byte {byte}");
            }
        }
    }

    #[test]
    fn char_index_counts_code_points_not_bytes() {
        let text = "Perú — 1,5 t";
        let index = CharIndex::new(text);
        for (byte, _) in text.char_indices() {
            assert_eq!(index.chars(byte) as usize, char_offset(text, byte));
        }
        assert_eq!(index.chars(text.len()) as usize, text.chars().count());
        let dash = text.find('—').unwrap();
        assert_eq!(index.chars(dash), 5);
    }

    /// Cells made from static text (labels, gazetteer names) are never
    /// allocated, however long the text.
    #[test]
    fn static_cells_hold_their_text_without_an_allocation() {
        let long = "Departamento de Santa Cruz de la Sierra";
        for text in ["", "country", "twenty-four bytes, right", long] {
            let cell = static_cell(text);
            assert_eq!(cell, text);
            assert!(!cell.is_heap_allocated(), "{text}");
        }
        assert_eq!(static_cell(long).as_static_str(), Some(long));
    }

    #[test]
    fn sentence_at_finds_the_sentence_holding_an_offset() {
        let sentence = |n: i64, start: i64, end: i64| Sentence {
            doc_id: "d".into(),
            sentence: n,
            start,
            end,
            text: CompactString::default(),
        };
        let doc = DocRows { sentences: vec![sentence(0, 0, 10), sentence(1, 12, 20)], ..DocRows::default() };
        let cases = [(0, 0), (9, 0), (11, 0), (12, 1), (19, 1), (25, 1)];
        for (offset, want) in cases {
            assert_eq!(doc.sentence_at(offset), want, "offset {offset}");
        }
        assert_eq!(DocRows::default().sentence_at(3), 0);
    }

    #[test]
    fn with_lowercase_lowercases_short_long_and_non_ascii_words() {
        let lower = |word: &str| with_lowercase(word, str::to_string);
        assert_eq!(lower("Juan"), "juan");
        assert_eq!(lower("ÁLVARO"), "álvaro");
        let long = "Supercalifragilisticexpialidocious";
        assert!(long.len() > SHORT_WORD);
        assert_eq!(lower(long), long.to_lowercase());
        assert_eq!(lower(""), "");
    }
}
