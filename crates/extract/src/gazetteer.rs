//! Places (GeoNames cities and first-level divisions, curated regions) and
//! organizations (criminal groups, agencies, organizations, media) from the
//! committed data files, in one hash index of surfaces: a name is looked up
//! only where a capitalized word starts, so matching costs a few lookups per
//! capitalized word whatever the number of names.

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

const PLACES_TSV: &str = include_str!("../data/places.tsv");
const REGIONS_TSV: &str = include_str!("../data/regions.tsv");
const ORGANIZATIONS_TSV: &str = include_str!("../data/organizations.tsv");

/// One entry of the gazetteer.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: &'static str,
    pub entity_type: &'static str,
    pub canonical: &'static str,
    pub country: Option<&'static str>,
    pub admin1: bool,
    pub region: bool,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub population: u64,
    /// Match only with this exact case (acronyms, names that are also words).
    pub case_sensitive: bool,
    /// Needs context: the entry's country named in the document, or another
    /// of its names present.
    pub ambiguous: bool,
}

/// A surface form and the entries it may name.
struct Surface {
    text: Cow<'static, str>,
    entries: Vec<u32>,
}

pub struct Gazetteer {
    pub entries: Vec<Entry>,
    /// First-level division (department, state) of each GeoNames place, by id;
    /// a division is its own.
    admin1_names: FxHashMap<&'static str, &'static str>,
    surfaces: Vec<Surface>,
    index: NameIndex,
}

/// A surface found in a text, with its candidate entries.
pub struct Hit<'g> {
    pub start: usize,
    pub end: usize,
    pub entries: &'g [u32],
    /// The text has the surface's exact case (required by case-sensitive entries).
    pub exact: bool,
}

/// The name without diacritics, so that "Apurimac" in a text finds "Apurímac".
pub(crate) fn without_accents(name: &str) -> String {
    name.chars().map(without_accent).collect()
}

/// Whether two names are one, ignoring accents and ASCII case, without
/// building either.
pub(crate) fn same_name_without_accents(a: &str, b: &str) -> bool {
    let plain = |c: char| without_accent(c).to_ascii_lowercase();
    a.chars().map(plain).eq(b.chars().map(plain))
}

fn without_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
        'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'A',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'É' | 'È' | 'Ê' => 'E',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'Í' | 'Î' => 'I',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
        'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'Ú' | 'Ü' => 'U',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ç' => 'c',
        'Ç' => 'C',
        c => c,
    }
}

/// The names, then those of them written without accents where that differs.
fn with_accentless(names: Vec<Cow<'static, str>>) -> Vec<Cow<'static, str>> {
    let mut out = names.clone();
    for name in names {
        let plain = without_accents(&name);
        if plain != name && !out.iter().any(|n| *n == plain) {
            out.push(Cow::Owned(plain));
        }
    }
    out
}

/// A place with its point; kind-specific fields are set by the caller.
fn location(id: &'static str, name: &'static str, country: &'static str, lat: &str, lon: &str) -> Entry {
    Entry {
        id,
        entity_type: "location",
        canonical: name,
        country: non_empty(country),
        admin1: false,
        region: false,
        lat: lat.parse().ok(),
        lon: lon.parse().ok(),
        population: 0,
        case_sensitive: false,
        ambiguous: false,
    }
}

/// A name and its `|`-separated alternatives.
fn names_of(name: &'static str, alts: &'static str) -> Vec<Cow<'static, str>> {
    std::iter::once(name).chain(alts.split('|').filter_map(non_empty)).map(Cow::Borrowed).collect()
}

fn non_empty(s: &'static str) -> Option<&'static str> {
    (!s.trim().is_empty()).then(|| s.trim())
}

/// One line of `places.tsv`, parsed.
struct Place {
    entry: Entry,
    names: Vec<Cow<'static, str>>,
    /// The first-level division the place names or lies in.
    division: Option<&'static str>,
}

impl Place {
    fn parse(line_number: usize, line: &'static str) -> Result<Self, String> {
        let f: Vec<&'static str> = line.split('\t').collect();
        let [id, kind, name, country, admin1, lat, lon, population, alts] = f[..] else {
            return Err(format!("places.tsv line {line_number}: expected 9 fields"));
        };
        let division = if kind == "admin1" { name } else { admin1 };
        let entry = Entry {
            admin1: kind == "admin1",
            population: population.parse().unwrap_or(0),
            ..location(id, name, country, lat, lon)
        };
        Ok(Self {
            entry,
            names: with_accentless(names_of(name, alts)),
            division: (!division.is_empty()).then_some(division),
        })
    }
}

impl Gazetteer {
    pub fn load() -> Result<Self, String> {
        // Sized from the committed files: rehashing as they grew showed in
        // profiles of start-up, which every run pays.
        let mut entries: Vec<Entry> = Vec::with_capacity(PLACES_TSV.len() / 64);
        let mut by_text: FxHashMap<Cow<'static, str>, Vec<u32>> =
            FxHashMap::with_capacity_and_hasher(PLACES_TSV.len() / 32, Default::default());
        let mut admin1_names: FxHashMap<&'static str, &'static str> =
            FxHashMap::with_capacity_and_hasher(PLACES_TSV.len() / 64, Default::default());
        let mut add = |entries: &mut Vec<Entry>, entry: Entry, names: Vec<Cow<'static, str>>| {
            let index = entries.len() as u32;
            entries.push(entry);
            for name in names {
                if name.chars().count() >= 2 {
                    let list = by_text.entry(name).or_default();
                    if !list.contains(&index) {
                        list.push(index);
                    }
                }
            }
        };

        // Parsing a place (fields, numbers, accent-free names) is most of
        // start-up: it runs on every worker; adding to the maps stays in order.
        let lines: Vec<&'static str> = PLACES_TSV.lines().collect();
        let places: Vec<Result<Place, String>> =
            lines.par_iter().enumerate().skip(1).map(|(n, line)| Place::parse(n + 1, line)).collect();
        for place in places {
            let Place { entry, names, division } = place?;
            if let Some(division) = division {
                admin1_names.insert(entry.id, division);
            }
            add(&mut entries, entry, names);
        }
        for (n, line) in REGIONS_TSV.lines().enumerate().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            let [id, name, country, lat, lon, alts] = f[..] else {
                return Err(format!("regions.tsv line {}: expected 6 fields", n + 1));
            };
            let entry = Entry { region: true, ..location(id, name, country, lat, lon) };
            add(&mut entries, entry, with_accentless(names_of(name, alts)));
        }
        for (n, line) in ORGANIZATIONS_TSV.lines().enumerate().skip(1) {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let [id, kind, canonical, country, aliases, flags] = f[..] else {
                return Err(format!("organizations.tsv line {}: expected 6 fields", n + 1));
            };
            let entity_type = match kind {
                "criminal_group" => "criminal_group",
                "agency" => "agency",
                "media" => "media",
                _ => "organization",
            };
            let mut names: Vec<Cow<'static, str>> =
                aliases.split('|').filter_map(non_empty).map(Cow::Borrowed).collect();
            if !names.iter().any(|a| a == canonical) && canonical.split_whitespace().count() > 1 {
                names.push(Cow::Borrowed(canonical));
            }
            // "Los Mendoza" is also "the Mendozas" and "the Mendoza family".
            if entity_type == "criminal_group" {
                let extra: Vec<Cow<'static, str>> = names
                    .iter()
                    .filter_map(|a| a.strip_prefix("Los "))
                    .filter(|rest| !rest.contains(' ') && !rest.ends_with('s'))
                    .flat_map(|rest| [format!("{rest}s"), format!("{rest} family"), format!("{rest} clan")])
                    .map(Cow::Owned)
                    .collect();
                names.extend(extra);
            }
            let entry = Entry {
                id,
                entity_type,
                canonical,
                country: non_empty(country),
                admin1: false,
                region: false,
                lat: None,
                lon: None,
                population: 0,
                case_sensitive: flags.split(',').any(|f| f == "cs"),
                ambiguous: flags.split(',').any(|f| f == "amb"),
            };
            add(&mut entries, entry, names);
        }

        let mut surfaces: Vec<Surface> = by_text.into_iter().map(|(text, entries)| Surface { text, entries }).collect();
        // Surface numbers in text order, whatever the map's order: which of two
        // surfaces that differ only in case is tried first must not change.
        surfaces.par_sort_unstable_by(|a, b| a.text.cmp(&b.text));
        let index = NameIndex::new(&surfaces.iter().map(|s| &*s.text).collect::<Vec<_>>());
        Ok(Self { entries, admin1_names, surfaces, index })
    }

    /// The first-level division a place lies in (itself for a division).
    pub fn admin1_of(&self, id: &str) -> Option<&str> {
        self.admin1_names.get(id).copied()
    }

    /// Whole-word matches whose case fits: proper names start with a capital;
    /// case-sensitive entries match exactly. At each capitalized word the
    /// longest surface that fits wins, and the search goes on after it.
    pub fn find<'g>(&'g self, text: &str) -> Vec<Hit<'g>> {
        let fits = |surface: u32, found: &str| {
            let surface = &self.surfaces[surface as usize];
            found == surface.text || surface.entries.iter().any(|&e| !self.entries[e as usize].case_sensitive)
        };
        self.index
            .find(text, |surface| &self.surfaces[surface as usize].text, fits)
            .into_iter()
            .map(|(start, end, surface)| {
                let surface = &self.surfaces[surface as usize];
                Hit { start, end, entries: &surface.entries, exact: text[start..end] == surface.text }
            })
            .collect()
    }

    pub fn entry(&self, index: u32) -> &Entry {
        &self.entries[index as usize]
    }
}

/// Surfaces by a hash of their ASCII-lowercased bytes (the case rule of the old
/// automaton: ASCII letters fold, other characters must match exactly). Keys
/// are hashes, not folded copies, so that neither loading nor matching
/// allocates a key; a hit is confirmed by comparing the text.
struct NameIndex {
    surfaces_by_key: FxHashMap<u64, Vec<u32>>,
    /// The longest surface (bytes) starting with each first word: most
    /// capitalized words start no name, and one lookup says so. A collision
    /// of two first words only widens the window searched.
    longest_by_first_word: FxHashMap<u64, usize>,
}

/// The end of the word that starts at `start`: the first character that is
/// not alphanumeric.
fn word_end(text: &str, start: usize) -> usize {
    text[start..].char_indices().find(|(_, c)| !c.is_alphanumeric()).map_or(text.len(), |(i, _)| start + i)
}

/// A hash of `bytes` as if ASCII-lowercased.
fn folded_key(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3))
}

impl NameIndex {
    /// The two maps are independent: each is built on its own worker.
    fn new(surfaces: &[&str]) -> Self {
        let (surfaces_by_key, longest_by_first_word) = rayon::join(
            || {
                let mut by_key: FxHashMap<u64, Vec<u32>> =
                    FxHashMap::with_capacity_and_hasher(surfaces.len(), Default::default());
                for (index, surface) in surfaces.iter().enumerate() {
                    by_key.entry(folded_key(surface.as_bytes())).or_default().push(index as u32);
                }
                by_key
            },
            || {
                let mut longest_by_first_word: FxHashMap<u64, usize> =
                    FxHashMap::with_capacity_and_hasher(surfaces.len() / 2, Default::default());
                for surface in surfaces {
                    let first_word = &surface[..word_end(surface, 0)];
                    let longest = longest_by_first_word.entry(folded_key(first_word.as_bytes())).or_default();
                    *longest = (*longest).max(surface.len());
                }
                longest_by_first_word
            },
        );
        Self { surfaces_by_key, longest_by_first_word }
    }

    /// Non-overlapping `(start, end, surface)` matches that start a capitalized
    /// word and end a word, the longest one `fits` accepts at each start.
    /// `surface_text` gives a surface's text by number.
    fn find<'s>(
        &self,
        text: &str,
        surface_text: impl Fn(u32) -> &'s str,
        fits: impl Fn(u32, &str) -> bool,
    ) -> Vec<(usize, usize, u32)> {
        let mut out = Vec::new();
        let mut at = 0;
        let mut previous_is_alphanumeric = false;
        while let Some(c) = text[at..].chars().next() {
            let start = at;
            at += c.len_utf8();
            let starts_word = !previous_is_alphanumeric;
            previous_is_alphanumeric = c.is_alphanumeric();
            if !(starts_word && c.is_uppercase()) {
                continue;
            }
            let first_end = word_end(text, start);
            // Whatever happens, the next name starts after this word or name.
            at = first_end;
            let Some(&longest) = self.longest_by_first_word.get(&folded_key(&text.as_bytes()[start..first_end])) else {
                continue;
            };
            let window_end = (start + longest).min(text.len());
            let found = (first_end..=window_end).rev().find_map(|end| {
                let ends_word = text.is_char_boundary(end) && !text[end..].starts_with(char::is_alphanumeric);
                if !ends_word {
                    return None;
                }
                let found = &text[start..end];
                let surfaces = self.surfaces_by_key.get(&folded_key(found.as_bytes()))?;
                surfaces
                    .iter()
                    .find(|&&s| surface_text(s).as_bytes().eq_ignore_ascii_case(found.as_bytes()) && fits(s, found))
                    .map(|&s| (end, s))
            });
            if let Some((end, surface)) = found {
                out.push((start, end, surface));
                at = end;
            }
        }
        out
    }
}
