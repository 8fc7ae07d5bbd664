//! The layout of the compiled gazetteer: `build.rs` writes it from the
//! committed data files, [`super::Gazetteer::load`] reads it. Shared by both,
//! so it depends on the standard library alone.
//!
//! The compiled form is two files, whose paths `build.rs` passes in
//! `CRIMEFACTS_GAZETTEER_STRINGS` and `CRIMEFACTS_GAZETTEER_TABLES`: the
//! strings, every name and id once, and the tables, little-endian records
//! that point into the strings by byte offset and length. The tables are
//! [`MAGIC`], then the number of
//! records of each section (`u32` each, in the order below), then the sections:
//!
//! | section | record |
//! | --- | --- |
//! | entries | id, canonical, country, division (strings), entity type (`u32`, an index into [`ENTITY_TYPES`]), flags (`u32`), population (`u64`), latitude, longitude (`f64`) |
//! | surfaces, in text order | text (string), first and count of its entries (`u32`, into *surface entries*) |
//! | surface entries | entry number (`u32`) |
//! | keys, in key order | folded key (`u64`), first and count of its surfaces (`u32`, into *key surfaces*) |
//! | key surfaces | surface number (`u32`) |
//! | first words | folded key of a first word (`u64`), the longest surface starting with it (`u64`, bytes) |
//!
//! A string is its offset and length (`u32` each). An empty country or
//! division is none.

/// Changes whenever the layout does, so that a stale file fails loudly.
pub(crate) const MAGIC: &[u8; 8] = b"cfgaz\0\0\x01";

/// The sections' record sizes in bytes, in order.
pub(crate) const RECORD_BYTES: [usize; 6] = [ENTRY_BYTES, 16, 4, 16, 4, 16];
pub(crate) const ENTRY_BYTES: usize = 4 * 8 + 4 + 4 + 8 + 8 + 8;

pub(crate) const ENTITY_TYPES: [&str; 5] = ["location", "criminal_group", "agency", "media", "organization"];

pub(crate) const ADMIN1: u32 = 1;
pub(crate) const REGION: u32 = 1 << 1;
pub(crate) const CASE_SENSITIVE: u32 = 1 << 2;
pub(crate) const AMBIGUOUS: u32 = 1 << 3;
pub(crate) const HAS_LATITUDE: u32 = 1 << 4;
pub(crate) const HAS_LONGITUDE: u32 = 1 << 5;
