//! Compiles `data/places.tsv`, `data/regions.tsv` and `data/organizations.tsv`
//! into the gazetteer's tables (layout in `src/gazetteer/format.rs`): parsing
//! 54,000 places and their accent-free names at every start was a tenth of
//! a run's instructions on a few megabytes.

use std::collections::{BTreeMap, HashMap};

use super::format::{
    ADMIN1, AMBIGUOUS, CASE_SENSITIVE, ENTITY_TYPES, FILTER_BYTES, HAS_LATITUDE, HAS_LONGITUDE, MAGIC, RECORD_BYTES,
    REGION, filter_probes, home_slot,
};
use super::names::{folded_key, without_accents, word_end};

/// One entry as the data files give it, with every name it goes by.
struct SourceEntry<'a> {
    id: &'a str,
    entity_type: &'static str,
    canonical: &'a str,
    country: &'a str,
    division: &'a str,
    flags: u32,
    population: u64,
    latitude: f64,
    longitude: f64,
    names: Vec<String>,
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.trim().is_empty()).then(|| s.trim())
}

/// A name and its `|`-separated alternatives.
fn names_of(name: &str, alternatives: &str) -> Vec<String> {
    std::iter::once(name).chain(alternatives.split('|').filter_map(non_empty)).map(str::to_string).collect()
}

/// The names, then those of them written without accents where that differs.
fn with_accentless(names: Vec<String>) -> Vec<String> {
    let mut out = names.clone();
    for name in names {
        let plain = without_accents(&name);
        if plain != name && !out.contains(&plain) {
            out.push(plain);
        }
    }
    out
}

/// A place with its point; kind-specific fields are set by the caller.
fn location<'a>(id: &'a str, name: &'a str, country: &'a str, latitude: &str, longitude: &str) -> SourceEntry<'a> {
    let (latitude, longitude) = (latitude.parse::<f64>().ok(), longitude.parse::<f64>().ok());
    let flags = if latitude.is_some() { HAS_LATITUDE } else { 0 } | if longitude.is_some() { HAS_LONGITUDE } else { 0 };
    SourceEntry {
        id,
        entity_type: "location",
        canonical: name,
        country: country.trim(),
        division: "",
        flags,
        population: 0,
        latitude: latitude.unwrap_or(0.0),
        longitude: longitude.unwrap_or(0.0),
        names: Vec::new(),
    }
}

/// The data lines of a file (after its header line; blank lines and `#`
/// comments skipped), each cut into exactly `N` tab-separated fields.
fn rows<'a, const N: usize>(tsv: &'a str, file: &str) -> Result<Vec<[&'a str; N]>, String> {
    tsv.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty())
        .map(|(n, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            fields.try_into().map_err(|_| format!("{file} line {}: expected {N} fields", n + 1))
        })
        .collect()
}

fn places(tsv: &str) -> Result<Vec<SourceEntry<'_>>, String> {
    let mut out = Vec::new();
    for [id, kind, name, country, admin1, latitude, longitude, population, alternatives] in rows(tsv, "places.tsv")? {
        let mut entry = location(id, name, country, latitude, longitude);
        if kind == "admin1" {
            entry.flags |= ADMIN1;
        }
        // A division is its own.
        entry.division = if kind == "admin1" { name } else { admin1 };
        entry.population = population.parse().unwrap_or(0);
        entry.names = with_accentless(names_of(name, alternatives));
        out.push(entry);
    }
    Ok(out)
}

fn regions(tsv: &str) -> Result<Vec<SourceEntry<'_>>, String> {
    let mut out = Vec::new();
    for [id, name, country, latitude, longitude, alternatives] in rows(tsv, "regions.tsv")? {
        let mut entry = location(id, name, country, latitude, longitude);
        entry.flags |= REGION;
        entry.names = with_accentless(names_of(name, alternatives));
        out.push(entry);
    }
    Ok(out)
}

fn organizations(tsv: &str) -> Result<Vec<SourceEntry<'_>>, String> {
    let mut out = Vec::new();
    for [id, kind, canonical, country, aliases, flags] in rows(tsv, "organizations.tsv")? {
        let entity_type = match kind {
            "criminal_group" => "criminal_group",
            "agency" => "agency",
            "media" => "media",
            _ => "organization",
        };
        let mut names: Vec<String> = aliases.split('|').filter_map(non_empty).map(str::to_string).collect();
        if !names.iter().any(|a| a == canonical) && canonical.split_whitespace().count() > 1 {
            names.push(canonical.to_string());
        }
        // "Los Mendoza" is also "the Mendozas" and "the Mendoza family".
        if entity_type == "criminal_group" {
            let extra: Vec<String> = names
                .iter()
                .filter_map(|a| a.strip_prefix("Los "))
                .filter(|rest| !rest.contains(' ') && !rest.ends_with('s'))
                .flat_map(|rest| [format!("{rest}s"), format!("{rest} family"), format!("{rest} clan")])
                .collect();
            names.extend(extra);
        }
        let has = |flag: &str| flags.split(',').any(|f| f == flag);
        out.push(SourceEntry {
            id,
            entity_type,
            canonical,
            country: country.trim(),
            division: "",
            flags: if has("cs") { CASE_SENSITIVE } else { 0 } | if has("amb") { AMBIGUOUS } else { 0 },
            population: 0,
            latitude: 0.0,
            longitude: 0.0,
            names,
        });
    }
    Ok(out)
}

/// Every string once, addressed by byte offset and length.
#[derive(Default)]
struct Strings {
    text: String,
    offsets: HashMap<String, u32>,
}

impl Strings {
    fn put(&mut self, out: &mut Vec<u8>, s: &str) {
        let offset = match self.offsets.get(s) {
            Some(&offset) => offset,
            None => {
                let offset = u32::try_from(self.text.len()).expect("strings under 4 GB");
                self.text.push_str(s);
                self.offsets.insert(s.to_string(), offset);
                offset
            }
        };
        put_u32(out, offset);
        put_u32(out, u32::try_from(s.len()).expect("short strings"));
    }
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn count(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 4 billion records")
}

/// The strings file and the tables file of the gazetteer.
pub fn compile(places_tsv: &str, regions_tsv: &str, organizations_tsv: &str) -> Result<(String, Vec<u8>), String> {
    let entries: Vec<SourceEntry> =
        places(places_tsv)?.into_iter().chain(regions(regions_tsv)?).chain(organizations(organizations_tsv)?).collect();

    // Surfaces in text order, each with the entries it names, in entry order.
    let mut by_text: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        for name in &entry.names {
            if name.chars().count() >= 2 {
                let list = by_text.entry(name).or_default();
                if !list.contains(&count(index)) {
                    list.push(count(index));
                }
            }
        }
    }
    let surfaces: Vec<(&str, Vec<u32>)> = by_text.into_iter().collect();

    let mut by_key: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
    let mut longest_by_first_word: BTreeMap<u64, u64> = BTreeMap::new();
    for (index, (text, _)) in surfaces.iter().enumerate() {
        by_key.entry(folded_key(text.as_bytes())).or_default().push(count(index));
        let first_word = &text[..word_end(text, 0)];
        let longest = longest_by_first_word.entry(folded_key(first_word.as_bytes())).or_default();
        *longest = (*longest).max(text.len() as u64);
    }

    // Entries are written first, so every string is placed before the
    // header that gives the strings' length is written in front of them.
    let mut strings = Strings::default();
    let mut records = Vec::new();
    for entry in &entries {
        for s in [entry.id, entry.canonical, entry.country, entry.division] {
            strings.put(&mut records, s);
        }
        let type_code = ENTITY_TYPES.iter().position(|t| *t == entry.entity_type).expect("known entity type");
        put_u32(&mut records, count(type_code));
        put_u32(&mut records, entry.flags);
        put_u64(&mut records, entry.population);
        put_u64(&mut records, entry.latitude.to_bits());
        put_u64(&mut records, entry.longitude.to_bits());
    }
    let mut first = 0;
    for (text, list) in &surfaces {
        strings.put(&mut records, text);
        put_u32(&mut records, count(first));
        put_u32(&mut records, count(list.len()));
        first += list.len();
    }
    surfaces.iter().flat_map(|(_, list)| list).for_each(|&e| put_u32(&mut records, e));

    // Keys in key order, each with its range of key surfaces, in slots.
    let mut key_slots = vec![(0u64, 0u32, 0u32); slots_for(by_key.len())];
    let mut first = 0;
    for (&key, list) in &by_key {
        *free_slot(&mut key_slots, key, |slot| slot.2 == 0) = (key, count(first), count(list.len()));
        first += list.len();
    }
    for &(key, first, n) in &key_slots {
        put_u64(&mut records, key);
        put_u32(&mut records, first);
        put_u32(&mut records, n);
    }
    by_key.values().flatten().for_each(|&s| put_u32(&mut records, s));
    let mut first_word_slots = vec![(0u64, 0u64); slots_for(longest_by_first_word.len())];
    for (&key, &longest) in &longest_by_first_word {
        *free_slot(&mut first_word_slots, key, |slot| slot.1 == 0) = (key, longest);
    }
    for &(key, longest) in &first_word_slots {
        put_u64(&mut records, key);
        put_u64(&mut records, longest);
    }
    let divided: Vec<usize> = (0..entries.len()).filter(|&i| !entries[i].division.is_empty()).collect();
    // Extraction asks the division of places only.
    assert!(divided.iter().all(|&i| entries[i].entity_type == "location"), "only places lie in a division");
    let mut division_slots = vec![0u32; slots_for(divided.len())];
    for &i in &divided {
        *free_slot(&mut division_slots, folded_key(entries[i].id.as_bytes()), |slot| *slot == 0) = count(i + 1);
    }
    division_slots.iter().for_each(|&slot| put_u32(&mut records, slot));
    for keys in [by_key.keys().copied().collect::<Vec<_>>(), longest_by_first_word.keys().copied().collect()] {
        let mut filter = vec![0u8; FILTER_BYTES];
        for bit in keys.into_iter().flat_map(filter_probes) {
            filter[bit / 8] |= 1 << (bit % 8);
        }
        records.extend_from_slice(&filter);
    }

    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    let surface_entries: usize = surfaces.iter().map(|(_, list)| list.len()).sum();
    let key_surfaces: usize = by_key.values().map(Vec::len).sum();
    let counts = [
        entries.len(),
        surfaces.len(),
        surface_entries,
        key_slots.len(),
        key_surfaces,
        first_word_slots.len(),
        division_slots.len(),
    ];
    put_u32(&mut out, count(strings.text.len()));
    for n in counts {
        put_u32(&mut out, count(n));
    }
    let expected: usize = counts.iter().zip(RECORD_BYTES).map(|(n, bytes)| n * bytes).sum::<usize>() + 2 * FILTER_BYTES;
    assert_eq!(records.len(), expected, "the tables follow format.rs");
    out.extend_from_slice(&records);
    Ok((strings.text, out))
}

/// Slots for `keys` keys: a power of two, at most two-thirds full, so that a
/// search meets an empty slot soon.
fn slots_for(keys: usize) -> usize {
    (keys + keys / 2 + 1).next_power_of_two()
}

/// The slot of an open-addressing table (see `format.rs`) where `key` goes:
/// the first one `is_empty` from its home slot on.
fn free_slot<T>(slots: &mut [T], key: u64, is_empty: impl Fn(&T) -> bool) -> &mut T {
    let mut at = home_slot(key, slots.len());
    while !is_empty(&slots[at]) {
        at = (at + 1) % slots.len();
    }
    &mut slots[at]
}
