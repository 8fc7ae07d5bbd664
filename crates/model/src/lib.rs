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

/// Code-point offsets of byte offsets and back, for stages that convert many
/// offsets (a linear scan per offset would make extraction quadratic). Per
/// 64 bytes of text it keeps the code points before them and a bit for each
/// byte that starts a code point: 12 bytes per 64 instead of a `u32` per
/// byte, written as the text is read 64 bytes at a time.
pub struct CharIndex {
    /// One per 64 bytes of text, and one past the end holding the total.
    blocks: Vec<CharBlock>,
    len: usize,
}

#[derive(Clone, Copy)]
struct CharBlock {
    /// Code points in the text before the block.
    chars_before: u32,
    /// Bit `i` is set when byte `i` of the block starts a code point.
    starts: u64,
}

impl CharIndex {
    /// The text must be shorter than 4 GiB (offsets are kept in 32 bits).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut blocks = Vec::with_capacity(bytes.len() / 64 + 1);
        let mut chars_before = 0u32;
        let mut push = |starts: u64| {
            blocks.push(CharBlock { chars_before, starts });
            chars_before += starts.count_ones();
        };
        let mut full = bytes.chunks_exact(64);
        for block in &mut full {
            push(block_starts(block.try_into().expect("64 bytes")));
        }
        let rest = full.remainder();
        if !rest.is_empty() {
            // Padded with zero bytes, which start code points: masked off.
            let mut padded = [0u8; 64];
            padded[..rest.len()].copy_from_slice(rest);
            push(block_starts(&padded) & (u64::MAX >> (64 - rest.len())));
        }
        push(0);
        Self { blocks, len: bytes.len() }
    }

    /// Code-point offset of a byte offset that lies on a char boundary.
    pub fn chars(&self, byte_offset: usize) -> i64 {
        let block = self.blocks[byte_offset / 64];
        let below = (1u64 << (byte_offset % 64)) - 1;
        i64::from(block.chars_before + (block.starts & below).count_ones())
    }

    /// Byte offset of a code-point offset (at most the text's code points;
    /// beyond them it panics, as indexing would).
    pub fn byte(&self, char_offset: i64) -> usize {
        let target = u32::try_from(char_offset).expect("a code-point offset within the text");
        // A block holds at most 64 code points, so the one holding the offset
        // is at or after `target / 64`; text that is mostly ASCII puts it there
        // or a block or two further.
        let mut at = (target as usize / 64).min(self.blocks.len() - 1);
        while self.blocks.get(at + 1).is_some_and(|next| next.chars_before <= target) {
            at += 1;
        }
        let block = self.blocks[at];
        match nth_set_bit(block.starts, target - block.chars_before) {
            Some(bit) => at * 64 + bit,
            // Only the block past the end holds no code point: the offset is
            // the text's end, or past it, which is a caller's bug.
            None => {
                assert_eq!(target, block.chars_before, "a code-point offset past the end of the text");
                self.len
            }
        }
    }
}

/// Bit `i` set when byte `i` of the block starts a code point.
fn block_starts(block: &[u8; 64]) -> u64 {
    block.chunks_exact(8).enumerate().fold(0, |starts, (k, eight)| {
        starts | swar::code_point_starts(u64::from_le_bytes(eight.try_into().expect("8 bytes"))) << (8 * k)
    })
}

/// Position of the `n`th set bit of `bits` (from 0, lowest first). The
/// bytes' running bit counts, eight at a time, pick the byte that holds it;
/// a few steps within that byte find the bit.
fn nth_set_bit(bits: u64, n: u32) -> Option<usize> {
    if n >= bits.count_ones() {
        return None;
    }
    let pairs = bits - ((bits >> 1) & 0x5555_5555_5555_5555);
    let nibbles = (pairs & 0x3333_3333_3333_3333) + ((pairs >> 2) & 0x3333_3333_3333_3333);
    let per_byte = (nibbles + (nibbles >> 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    // Byte i: set bits in bytes 0..=i (at most 64, so no byte overflows).
    let running = per_byte.wrapping_mul(swar::ONES);
    // High bit of each byte whose running count passes n (no borrow crosses a
    // byte: each is at least 0x80 before n + 1 <= 64 is taken away).
    let past = ((running | swar::HIGH) - u64::from(n + 1) * swar::ONES) & swar::HIGH;
    let byte = past.trailing_zeros() as usize / 8;
    let before = if byte == 0 { 0 } else { (running >> (8 * (byte - 1))) as u32 & 0xff };
    let mut within = (bits >> (8 * byte)) & 0xff;
    for _ in 0..n - before {
        within &= within - 1;
    }
    Some(8 * byte + within.trailing_zeros() as usize)
}

/// Code-point offsets of byte offsets asked for in order, as a sentence
/// splitter asks for each sentence's ends: it counts the code points between
/// one offset and the next, so it builds no index of the whole text as
/// [`CharIndex`] does. Asked out of order, it counts back.
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
            self.chars += count_code_points(&self.bytes[self.byte..byte_offset]);
        } else {
            self.chars -= count_code_points(&self.bytes[byte_offset..self.byte]);
        }
        self.byte = byte_offset;
        self.chars
    }
}

/// The bytes that start a code point (all but UTF-8's continuation bytes).
fn count_code_points(bytes: &[u8]) -> i64 {
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

    /// Both directions answer as counting from the start of the text does,
    /// at every boundary of drawn texts whose lengths cross the 64-byte blocks.
    #[test]
    fn a_char_index_answers_as_counting_from_the_start() {
        let pieces = ["a", "Perú", " ", "—", "ñ", "😀", "“x”", "ΟΔΟΣ", "1,5", "\n"];
        let mut texts = draw::Draw::new(0x5eed_0006).texts(&pieces, 3_000, 90);
        texts.extend(["", "x", &"a".repeat(63), &"a".repeat(64), &"é".repeat(64), &"😀".repeat(40)].map(String::from));
        for text in texts {
            let index = CharIndex::new(&text);
            let boundaries = text.char_indices().map(|(b, _)| b).chain([text.len()]);
            for (chars, byte) in boundaries.enumerate() {
                assert_eq!(index.chars(byte), chars as i64, "{text:?} byte {byte}");
                assert_eq!(index.byte(chars as i64), byte, "{text:?} char {chars}");
            }
        }
    }

    #[test]
    #[should_panic(expected = "past the end")]
    fn a_code_point_offset_past_the_end_is_refused() {
        CharIndex::new("Perú").byte(5);
    }

    #[test]
    fn nth_set_bits_are_found_as_bit_by_bit() {
        let mut draw = draw::Draw::new(0x5eed_0007);
        let mut word = || (0..4).fold(0u64, |word, _| word << 16 | draw.below(1 << 16) as u64);
        let words: Vec<u64> = (0..2_000).map(|_| word() & word()).chain([0, 1, u64::MAX, 1 << 63]).collect();
        for bits in words {
            let positions: Vec<usize> = (0..64).filter(|i| bits >> i & 1 == 1).collect();
            for n in 0..=positions.len() as u32 {
                assert_eq!(nth_set_bit(bits, n), positions.get(n as usize).copied(), "{bits:#x} n {n}");
            }
        }
    }

    #[test]
    fn nth_set_bits_are_found_lowest_first() {
        let bits = 0b1011_0000_0000_0001u64 | (1 << 63);
        let found: Vec<Option<usize>> = (0..6).map(|n| nth_set_bit(bits, n)).collect();
        assert_eq!(found, [Some(0), Some(12), Some(13), Some(15), Some(63), None]);
        assert_eq!(nth_set_bit(0, 0), None);
        assert_eq!(nth_set_bit(u64::MAX, 63), Some(63));
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
