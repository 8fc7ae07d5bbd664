//! Places (GeoNames cities and first-level divisions, curated regions) and
//! organizations (criminal groups, agencies, organizations, media) from the
//! committed data files, in one Aho-Corasick automaton: matching is linear in
//! the text whatever the number of names.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

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
    admin1_names: HashMap<String, String>,
    surfaces: Vec<Surface>,
    matcher: AhoCorasick,
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
        let mut by_text: HashMap<String, Vec<u32>> = HashMap::new();
        let mut admin1_names: HashMap<String, String> = HashMap::new();
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
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(surfaces.iter().map(|s| s.text.as_str()))
            .map_err(|e| format!("cannot build the gazetteer automaton: {e}"))?;
        Ok(Self { entries, admin1_names, surfaces, matcher })
    }

    /// The first-level division a place lies in (itself for a division).
    pub fn admin1_of(&self, id: &str) -> Option<&str> {
        self.admin1_names.get(id).map(String::as_str)
    }

    /// Whole-word matches whose case fits: proper names start with a capital;
    /// case-sensitive entries match exactly.
    pub fn find<'g>(&'g self, text: &str) -> Vec<Hit<'g>> {
        let fits = |m: &aho_corasick::Match| {
            let (start, end) = (m.start(), m.end());
            let surface = &self.surfaces[m.pattern().as_usize()];
            let found = &text[start..end];
            crate::is_word(text, start, end)
                && found.chars().next().is_some_and(char::is_uppercase)
                && (found == surface.text || surface.entries.iter().any(|&e| !self.entries[e as usize].case_sensitive))
        };
        crate::accepted_matches(&self.matcher, text, fits)
            .into_iter()
            .map(|m| {
                let surface = &self.surfaces[m.pattern().as_usize()];
                let exact = text[m.start()..m.end()] == surface.text;
                Hit { start: m.start(), end: m.end(), entries: &surface.entries, exact }
            })
            .collect()
    }

    pub fn entry(&self, index: u32) -> &Entry {
        &self.entries[index as usize]
    }
}
