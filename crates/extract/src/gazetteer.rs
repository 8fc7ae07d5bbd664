//! Places (GeoNames cities and first-level divisions, curated regions) and
//! organizations (criminal groups, agencies, organizations, media) from the
//! committed data files, in one hash index of surfaces: a name is looked up
//! only where a capitalized word starts, so matching costs a few lookups per
//! capitalized word whatever the number of names.

use rustc_hash::FxHashMap;

const PLACES_TSV: &str = include_str!("../data/places.tsv");
const REGIONS_TSV: &str = include_str!("../data/regions.tsv");
const ORGANIZATIONS_TSV: &str = include_str!("../data/organizations.tsv");

/// One entry of the gazetteer.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: String,
    pub entity_type: &'static str,
    pub canonical: String,
    pub country: Option<String>,
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
    text: String,
    entries: Vec<u32>,
}

pub struct Gazetteer {
    pub entries: Vec<Entry>,
    /// First-level division (department, state) of each GeoNames place, by id;
    /// a division is its own.
    admin1_names: FxHashMap<String, String>,
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
    name.chars()
        .map(|c| match c {
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
        })
        .collect()
}

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
fn location(id: &str, name: &str, country: &str, lat: &str, lon: &str) -> Entry {
    Entry {
        id: id.to_string(),
        entity_type: "location",
        canonical: name.to_string(),
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
fn names_of(name: &str, alts: &str) -> Vec<String> {
    std::iter::once(name.to_string()).chain(alts.split('|').filter_map(non_empty)).collect()
}

fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_string())
}

impl Gazetteer {
    pub fn load() -> Result<Self, String> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut by_text: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut admin1_names: FxHashMap<String, String> = FxHashMap::default();
        let mut add = |entries: &mut Vec<Entry>, entry: Entry, names: Vec<String>| {
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

        for (n, line) in PLACES_TSV.lines().enumerate().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            let [id, kind, name, country, admin1, lat, lon, population, alts] = f[..] else {
                return Err(format!("places.tsv line {}: expected 9 fields", n + 1));
            };
            let division = if kind == "admin1" { name } else { admin1 };
            if !division.is_empty() {
                admin1_names.insert(id.to_string(), division.to_string());
            }
            let entry = Entry {
                admin1: kind == "admin1",
                population: population.parse().unwrap_or(0),
                ..location(id, name, country, lat, lon)
            };
            add(&mut entries, entry, with_accentless(names_of(name, alts)));
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
            let mut names: Vec<String> = aliases.split('|').filter_map(non_empty).collect();
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
            let entry = Entry {
                id: id.to_string(),
                entity_type,
                canonical: canonical.to_string(),
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
        surfaces.sort_by(|a, b| a.text.cmp(&b.text));
        let index = NameIndex::new(surfaces.iter().map(|s| s.text.as_str()));
        Ok(Self { entries, admin1_names, surfaces, index })
    }

    /// The first-level division a place lies in (itself for a division).
    pub fn admin1_of(&self, id: &str) -> Option<&str> {
        self.admin1_names.get(id).map(String::as_str)
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
            .find(text, fits)
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

/// Surfaces by their ASCII-lowercased bytes (the case rule of the old automaton:
/// ASCII letters fold, other characters must match exactly).
struct NameIndex {
    surfaces_by_key: FxHashMap<Box<[u8]>, Vec<u32>>,
    /// The longest surface (bytes) starting with each first word: most
    /// capitalized words start no name, and one lookup says so.
    longest_by_first_word: FxHashMap<Box<[u8]>, usize>,
}

/// The end of the word that starts at `start`: the first character that is
/// not alphanumeric.
fn word_end(text: &str, start: usize) -> usize {
    text[start..].char_indices().find(|(_, c)| !c.is_alphanumeric()).map_or(text.len(), |(i, _)| start + i)
}

fn folded(text: &str) -> Box<[u8]> {
    text.as_bytes().to_ascii_lowercase().into_boxed_slice()
}

impl NameIndex {
    fn new<'a>(surfaces: impl Iterator<Item = &'a str>) -> Self {
        let mut surfaces_by_key: FxHashMap<Box<[u8]>, Vec<u32>> = FxHashMap::default();
        let mut longest_by_first_word: FxHashMap<Box<[u8]>, usize> = FxHashMap::default();
        for (index, surface) in surfaces.enumerate() {
            surfaces_by_key.entry(folded(surface)).or_default().push(index as u32);
            let first_word = &surface[..word_end(surface, 0)];
            let longest = longest_by_first_word.entry(folded(first_word)).or_default();
            *longest = (*longest).max(surface.len());
        }
        Self { surfaces_by_key, longest_by_first_word }
    }

    /// Non-overlapping `(start, end, surface)` matches that start a capitalized
    /// word and end a word, the longest one `fits` accepts at each start.
    fn find(&self, text: &str, fits: impl Fn(u32, &str) -> bool) -> Vec<(usize, usize, u32)> {
        let mut out = Vec::new();
        let mut folded_window = Vec::new();
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
            let Some(&longest) = self.longest_by_first_word.get(&*folded(&text[start..first_end])) else {
                continue;
            };
            let window_end = (start + longest).min(text.len());
            folded_window.clear();
            folded_window.extend(text.as_bytes()[start..window_end].iter().map(u8::to_ascii_lowercase));
            let found = (first_end..=window_end).rev().find_map(|end| {
                let ends_word = text.is_char_boundary(end) && !text[end..].starts_with(char::is_alphanumeric);
                if !ends_word {
                    return None;
                }
                let surfaces = self.surfaces_by_key.get(&folded_window[..end - start])?;
                surfaces.iter().find(|&&s| fits(s, &text[start..end])).map(|&s| (end, s))
            });
            if let Some((end, surface)) = found {
                out.push((start, end, surface));
                at = end;
            }
        }
        out
    }
}
