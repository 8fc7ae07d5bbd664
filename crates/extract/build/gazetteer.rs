//! Compiles `data/places.tsv`, `data/regions.tsv` and `data/organizations.tsv`
//! into the gazetteer's tables (layout in `src/gazetteer/format.rs`): parsing
//! 54,000 places and their accent-free names at every start was a tenth of
//! a run's instructions on a few megabytes.

use std::collections::{BTreeMap, HashMap};

use super::format::{
    ADMIN1, AMBIGUOUS, CASE_SENSITIVE, ENTITY_TYPES, HAS_LATITUDE, HAS_LONGITUDE, MAGIC, RECORD_BYTES, REGION,
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

    let mut strings = Strings::default();
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    let surface_entries: usize = surfaces.iter().map(|(_, list)| list.len()).sum();
    let key_surfaces: usize = by_key.values().map(Vec::len).sum();
    let counts =
        [entries.len(), surfaces.len(), surface_entries, by_key.len(), key_surfaces, longest_by_first_word.len()];
    for n in counts {
        put_u32(&mut out, count(n));
    }
    let start = out.len();
    for entry in &entries {
        for s in [entry.id, entry.canonical, entry.country, entry.division] {
            strings.put(&mut out, s);
        }
        let type_code = ENTITY_TYPES.iter().position(|t| *t == entry.entity_type).expect("known entity type");
        put_u32(&mut out, count(type_code));
        put_u32(&mut out, entry.flags);
        put_u64(&mut out, entry.population);
        put_u64(&mut out, entry.latitude.to_bits());
        put_u64(&mut out, entry.longitude.to_bits());
    }
    let mut first = 0;
    for (text, list) in &surfaces {
        strings.put(&mut out, text);
        put_u32(&mut out, count(first));
        put_u32(&mut out, count(list.len()));
        first += list.len();
    }
    surfaces.iter().flat_map(|(_, list)| list).for_each(|&e| put_u32(&mut out, e));
    let mut first = 0;
    for (&key, list) in &by_key {
        put_u64(&mut out, key);
        put_u32(&mut out, count(first));
        put_u32(&mut out, count(list.len()));
        first += list.len();
    }
    by_key.values().flatten().for_each(|&s| put_u32(&mut out, s));
    for (&key, &longest) in &longest_by_first_word {
        put_u64(&mut out, key);
        put_u64(&mut out, longest);
    }
    let expected: usize = counts.iter().zip(RECORD_BYTES).map(|(n, bytes)| n * bytes).sum();
    assert_eq!(out.len() - start, expected, "the tables follow format.rs");
    Ok((strings.text, out))
}
