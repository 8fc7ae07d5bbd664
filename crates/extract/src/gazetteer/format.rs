//! The layout of the compiled gazetteer: `build.rs` writes it from the
//! committed data files, [`super::Gazetteer::load`] reads it. Shared by both,
//! so it depends on the standard library alone.
//!
//! The compiled form is two files, whose paths `build.rs` passes in
//! `CRIMEFACTS_GAZETTEER_STRINGS` and `CRIMEFACTS_GAZETTEER_TABLES`: the
//! strings, every name and id once, and the tables, little-endian records
//! that point into the strings by byte offset and length. A run reads the
//! records where they lie, in the binary: loading them is checking the
//! header, not decoding 54,000 entries and filling hash maps (a tenth of a
//! small run). The tables are [`MAGIC`], then a header of `u32`s (the
//! strings' length in bytes, then the number of records of each section, in
//! the order below), then the sections:
//!
//! | section | record |
//! | --- | --- |
//! | entries | id, canonical, country, division (strings), entity type (`u32`, an index into [`ENTITY_TYPES`]), flags (`u32`), population (`u64`), latitude, longitude (`f64`) |
//! | surfaces, in text order | text (string), first and count of its entries (`u32`, into *surface entries*) |
//! | surface entries | entry number (`u32`) |
//! | key slots | folded key (`u64`), first and count of its surfaces (`u32`, into *key surfaces*); count 0 is an empty slot |
//! | key surfaces | surface number (`u32`) |
//! | first-word slots | folded key of a first word (`u64`), the longest surface starting with it (`u64`, bytes); 0 is an empty slot |
//! | division slots | 1 + the number of an entry with a division (`u32`), by the folded key of its id; 0 is an empty slot |
//! | name filter | [`FILTER_BYTES`] bytes: a Bloom filter of the key slots' keys |
//! | first-word filter | [`FILTER_BYTES`] bytes: the same of the first-word slots' keys |
//!
//! A string is its offset and length (`u32` each). An empty country or
//! division is none. Slot sections are open-addressing hash tables, a power
//! of two of slots at most two-thirds full: a key's search starts at
//! [`home_slot`] and goes on slot by slot until the key or an empty slot.
//! A filter's bit `b` is bit `b % 8` of byte `b / 8`, set at
//! [`filter_probes`] of each key.

/// Changes whenever the layout does, so that a stale file fails loudly.
pub(crate) const MAGIC: &[u8; 8] = b"cfgaz\0\0\x02";

/// The sections with a count in the header, in order, and their record sizes.
pub(crate) const RECORD_BYTES: [usize; 7] = [ENTRY_BYTES, 16, 4, 16, 4, 16, 4];
pub(crate) const ENTRY_BYTES: usize = 4 * 8 + 4 + 4 + 8 + 8 + 8;
/// Where an entry's flags are in its record.
pub(crate) const ENTRY_FLAGS_AT: usize = 4 * 8 + 4;

pub(crate) const ENTITY_TYPES: [&str; 5] = ["location", "criminal_group", "agency", "media", "organization"];

pub(crate) const ADMIN1: u32 = 1;
pub(crate) const REGION: u32 = 1 << 1;
pub(crate) const CASE_SENSITIVE: u32 = 1 << 2;
pub(crate) const AMBIGUOUS: u32 = 1 << 3;
pub(crate) const HAS_LATITUDE: u32 = 1 << 4;
pub(crate) const HAS_LONGITUDE: u32 = 1 << 5;

/// The slot where the search for `key` starts among `slots` (a power of two).
/// FNV's low bits alone are weak: the key is remixed first.
pub(crate) fn home_slot(key: u64, slots: usize) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & (slots - 1)
}

/// 2^21 bits (256 KB) per filter, for the gazetteer's 74,000 name keys or its
/// 45,000 first words: about one key in two hundred that was not put in
/// passes.
pub(crate) const FILTER_BITS_LOG2: u32 = 21;
pub(crate) const FILTER_BYTES: usize = 1 << (FILTER_BITS_LOG2 - 3);

/// The two bits of a filter that a key sets, and that a key must find set.
pub(crate) fn filter_probes(key: u64) -> [usize; 2] {
    let mixed = key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mask = (1 << FILTER_BITS_LOG2) - 1;
    [(mixed >> (64 - FILTER_BITS_LOG2)) as usize, (mixed >> 20) as usize & mask]
}
