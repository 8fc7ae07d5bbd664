//! Places (GeoNames cities and first-level divisions, curated regions) and
//! organizations (criminal groups, agencies, organizations, media) from the
//! committed data files, in one hash index of surfaces: a name is looked up
//! only where a capitalized word starts, so matching costs a few lookups per
//! capitalized word whatever the number of names. `build.rs` compiles the
//! data files into tables when the crate is built (`format.rs`); a run only
//! reads them.

#[cfg(test)]
#[path = "../../build/gazetteer.rs"]
mod compile;
mod format;
mod names;

use rustc_hash::FxHashMap;

use crate::scan::capitalized_word_starts;
use names::{folded_key, folded_key_continued, word_end};
pub(crate) use names::{same_name_without_accents, without_accents};

/// Every string of the tables below, once.
const STRINGS: &str = include_str!(env!("CRIMEFACTS_GAZETTEER_STRINGS"));
/// The records `build.rs` compiled from the data files (layout in `format.rs`).
const TABLES: &[u8] = include_bytes!(env!("CRIMEFACTS_GAZETTEER_TABLES"));

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

/// A surface form and the entries it may name (a range of `surface_entries`).
struct Surface {
    text: &'static str,
    first_entry: u32,
    entry_count: u32,
}

pub struct Gazetteer {
    pub entries: Vec<Entry>,
    /// First-level division (department, state) of each GeoNames place, by id;
    /// a division is its own.
    admin1_names: FxHashMap<&'static str, &'static str>,
    surfaces: Vec<Surface>,
    surface_entries: Vec<u32>,
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

/// Reads the compiled tables record by record.
struct Records {
    strings: &'static str,
    bytes: &'static [u8],
}

impl Records {
    fn take(&mut self, n: usize) -> &'static [u8] {
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        head
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().expect("4 bytes"))
    }

    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take(8).try_into().expect("8 bytes"))
    }

    fn string(&mut self) -> Result<&'static str, String> {
        let (offset, len) = (self.u32() as usize, self.u32() as usize);
        self.strings.get(offset..offset + len).ok_or_else(|| "the compiled gazetteer points past its strings".into())
    }

    fn index(&mut self) -> usize {
        self.u32() as usize
    }
}

impl Gazetteer {
    /// The tables `build.rs` compiled.
    pub fn load() -> Result<Self, String> {
        Self::from_tables(STRINGS, TABLES)
    }

    /// Tables of another layout, or cut short, fail here.
    fn from_tables(strings: &'static str, tables: &'static [u8]) -> Result<Self, String> {
        let mut records = Records { strings, bytes: tables };
        if !records.bytes.starts_with(format::MAGIC) {
            return Err("the compiled gazetteer has another layout: rebuild the crate".into());
        }
        records.take(format::MAGIC.len());
        if records.bytes.len() < 4 * format::RECORD_BYTES.len() {
            return Err("the compiled gazetteer is cut short".into());
        }
        let counts: [usize; 6] = std::array::from_fn(|_| records.index());
        let expected: usize = counts.iter().zip(format::RECORD_BYTES).map(|(n, bytes)| n * bytes).sum();
        if records.bytes.len() != expected {
            return Err(format!(
                "the compiled gazetteer holds {} bytes of records, not {expected}",
                records.bytes.len()
            ));
        }
        let [entry_count, surface_count, surface_entry_count, key_count, key_surface_count, first_word_count] = counts;

        let mut entries = Vec::with_capacity(entry_count);
        let mut admin1_names = FxHashMap::with_capacity_and_hasher(entry_count, Default::default());
        for _ in 0..entry_count {
            let (id, canonical, country, division) =
                (records.string()?, records.string()?, records.string()?, records.string()?);
            let entity_type = *format::ENTITY_TYPES
                .get(records.index())
                .ok_or("the compiled gazetteer names an unknown entity type")?;
            let flags = records.u32();
            let population = records.u64();
            let (lat, lon) = (f64::from_bits(records.u64()), f64::from_bits(records.u64()));
            if !division.is_empty() {
                admin1_names.insert(id, division);
            }
            entries.push(Entry {
                id,
                entity_type,
                canonical,
                country: (!country.is_empty()).then_some(country),
                admin1: flags & format::ADMIN1 != 0,
                region: flags & format::REGION != 0,
                lat: (flags & format::HAS_LATITUDE != 0).then_some(lat),
                lon: (flags & format::HAS_LONGITUDE != 0).then_some(lon),
                population,
                case_sensitive: flags & format::CASE_SENSITIVE != 0,
                ambiguous: flags & format::AMBIGUOUS != 0,
            });
        }
        let surfaces = (0..surface_count)
            .map(|_| Ok(Surface { text: records.string()?, first_entry: records.u32(), entry_count: records.u32() }))
            .collect::<Result<_, String>>()?;
        let surface_entries = (0..surface_entry_count).map(|_| records.u32()).collect();
        let mut surfaces_by_key = FxHashMap::with_capacity_and_hasher(key_count, Default::default());
        for _ in 0..key_count {
            let key = records.u64();
            surfaces_by_key.insert(key, (records.index(), records.index()));
        }
        let key_surfaces = (0..key_surface_count).map(|_| records.u32()).collect();
        let mut longest_by_first_word = FxHashMap::with_capacity_and_hasher(first_word_count, Default::default());
        for _ in 0..first_word_count {
            let key = records.u64();
            longest_by_first_word.insert(key, records.u64() as usize);
        }
        let index = NameIndex {
            may_be_a_name: KeyFilter::of(surfaces_by_key.keys()),
            may_start_a_name: KeyFilter::of(longest_by_first_word.keys()),
            surfaces_by_key,
            key_surfaces,
            longest_by_first_word,
        };
        Ok(Self { entries, admin1_names, surfaces, surface_entries, index })
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
            found == surface.text || self.entries_of(surface).iter().any(|&e| !self.entries[e as usize].case_sensitive)
        };
        self.index
            .find(text, |surface| self.surfaces[surface as usize].text, fits)
            .into_iter()
            .map(|(start, end, surface)| {
                let surface = &self.surfaces[surface as usize];
                Hit { start, end, entries: self.entries_of(surface), exact: text[start..end] == *surface.text }
            })
            .collect()
    }

    fn entries_of(&self, surface: &Surface) -> &[u32] {
        let first = surface.first_entry as usize;
        &self.surface_entries[first..first + surface.entry_count as usize]
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
    /// The numbers of the surfaces with each key, as a range of `key_surfaces`.
    surfaces_by_key: FxHashMap<u64, (usize, usize)>,
    key_surfaces: Vec<u32>,
    /// The longest surface (bytes) starting with each first word: most
    /// capitalized words start no name, and one lookup says so. A collision
    /// of two first words only widens the window searched.
    longest_by_first_word: FxHashMap<u64, usize>,
    /// Keys of `surfaces_by_key` and of `longest_by_first_word`, in filters
    /// small enough to stay in cache: most words a text holds start no name
    /// and end none, and the filters say so without a miss in the maps.
    may_be_a_name: KeyFilter,
    may_start_a_name: KeyFilter,
}

/// A Bloom filter of keys with two probes: a key it was built with always
/// passes; about one key in two hundred that it was not passes too (a test
/// measures it on the surface keys).
struct KeyFilter {
    bits: Vec<u64>,
}

impl KeyFilter {
    /// 2^21 bits: 256 KB, for the gazetteer's 74,000 name keys or its
    /// 45,000 first words.
    const BITS_LOG2: u32 = 21;

    fn of<'k>(keys: impl Iterator<Item = &'k u64>) -> Self {
        let mut filter = Self { bits: vec![0; 1 << (Self::BITS_LOG2 - 6)] };
        for &key in keys {
            for bit in Self::probes(key) {
                filter.bits[bit / 64] |= 1 << (bit % 64);
            }
        }
        filter
    }

    fn may_hold(&self, key: u64) -> bool {
        Self::probes(key).iter().all(|&bit| self.bits[bit / 64] & (1 << (bit % 64)) != 0)
    }

    /// Two bit numbers from the key, remixed: FNV's low bits alone are weak.
    fn probes(key: u64) -> [usize; 2] {
        let mixed = key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mask = (1 << Self::BITS_LOG2) - 1;
        [(mixed >> (64 - Self::BITS_LOG2)) as usize, (mixed >> 20) as usize & mask]
    }
}

impl NameIndex {
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
        // The word ends of one window, each with the key of the name up to it.
        let mut ends: Vec<(usize, u64)> = Vec::new();
        for start in capitalized_word_starts(text) {
            if start < at {
                continue;
            }
            let first_end = word_end(text, start);
            // Whatever happens, the next name starts after this word or name.
            at = first_end;
            let first_key = folded_key(&text.as_bytes()[start..first_end]);
            if !self.may_start_a_name.may_hold(first_key) {
                continue;
            }
            let Some(&longest) = self.longest_by_first_word.get(&first_key) else {
                continue;
            };
            let window_end = (start + longest).min(text.len());
            // Every character boundary of the window that is not followed by
            // a letter or digit ends a word; one running hash keys them all.
            ends.clear();
            let (mut end, mut key) = (first_end, first_key);
            while end <= window_end {
                let next = text[end..].chars().next();
                if !next.is_some_and(char::is_alphanumeric) {
                    ends.push((end, key));
                }
                let Some(next) = next else { break };
                key = folded_key_continued(key, &text.as_bytes()[end..end + next.len_utf8()]);
                end += next.len_utf8();
            }
            // The longest name that fits wins.
            let found = ends.iter().rev().find_map(|&(end, key)| {
                if !self.may_be_a_name.may_hold(key) {
                    return None;
                }
                let found = &text[start..end];
                let &(first, count) = self.surfaces_by_key.get(&key)?;
                self.key_surfaces[first..first + count]
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

#[cfg(test)]
mod tests {
    use super::*;

    const PLACES: &str = "id\tkind\tname\tcountry\tadmin1\tlat\tlon\tpopulation\talt_names
geonames:1\tadmin1\tApurímac\tPE\t\t-14.0\t-73.0\t0\t
geonames:2\tcity\tAbancay\tPE\tApurímac\t-13.6\t-72.9\t55000\tAbankay|A
";
    const REGIONS: &str = "id\tname\tcountry\tlat\tlon\talt_names\nregion:vraem\tVRAEM\tPE\t\t\tValle de los Ríos
";
    const ORGANIZATIONS: &str = "id\tkind\tcanonical\tcountry\taliases\tflags
# a comment
group:mendoza\tcriminal_group\tLos Mendoza\tPE\tLos Mendoza\t
agency:dea\tagency\tDrug Enforcement Administration\tUS\tDEA\tcs
";

    fn compiled(places: &str, regions: &str, organizations: &str) -> Result<Gazetteer, String> {
        let (strings, tables) = compile::compile(places, regions, organizations)?;
        Gazetteer::from_tables(Box::leak(strings.into_boxed_str()), Box::leak(tables.into_boxed_slice()))
    }

    fn found(gazetteer: &Gazetteer, text: &str) -> Vec<(String, Vec<&'static str>)> {
        gazetteer
            .find(text)
            .iter()
            .map(|hit| {
                (text[hit.start..hit.end].to_string(), hit.entries.iter().map(|&e| gazetteer.entry(e).id).collect())
            })
            .collect()
    }

    /// Every key the filters were built with passes them (they must never
    /// hide a name), and few others do; a running key is the key of the
    /// whole name.
    #[test]
    fn key_filters_pass_their_keys_and_few_others() {
        let gazetteer = Gazetteer::load().expect("the compiled gazetteer loads");
        let index = &gazetteer.index;
        assert!(index.surfaces_by_key.keys().all(|&k| index.may_be_a_name.may_hold(k)));
        assert!(index.longest_by_first_word.keys().all(|&k| index.may_start_a_name.may_hold(k)));
        let strangers = (0..100_000u64).map(|n| folded_key(format!("no such name {n}").as_bytes()));
        let passing = strangers.filter(|&k| index.may_be_a_name.may_hold(k)).count();
        assert!(passing < 1_500, "{passing} of 100,000 other keys pass");
        assert_eq!(folded_key_continued(folded_key(b"San "), "José".as_bytes()), folded_key("SAN José".as_bytes()));
    }

    #[test]
    fn compiled_tables_keep_every_field_name_and_rule() {
        let g = compiled(PLACES, REGIONS, ORGANIZATIONS).unwrap();
        let abancay = g.entries.iter().find(|e| e.id == "geonames:2").unwrap();
        assert_eq!((abancay.canonical, abancay.country, abancay.population), ("Abancay", Some("PE"), 55_000));
        assert_eq!((abancay.lat, abancay.lon, abancay.admin1), (Some(-13.6), Some(-72.9), false));
        assert_eq!(g.admin1_of("geonames:2"), Some("Apurímac"));
        assert_eq!(g.admin1_of("geonames:1"), Some("Apurímac"), "a division is its own");
        let vraem = g.entries.iter().find(|e| e.id == "region:vraem").unwrap();
        assert!(vraem.region && vraem.lat.is_none() && vraem.country == Some("PE"));
        let dea = g.entries.iter().find(|e| e.id == "agency:dea").unwrap();
        assert!(dea.case_sensitive && !dea.ambiguous && dea.entity_type == "agency");

        assert_eq!(
            found(&g, "From Apurimac to Abankay, the Mendozas and the Mendoza clan met the DEA, not the Dea."),
            [
                ("Apurimac".to_string(), vec!["geonames:1"]),
                ("Abankay".to_string(), vec!["geonames:2"]),
                ("Mendozas".to_string(), vec!["group:mendoza"]),
                ("Mendoza clan".to_string(), vec!["group:mendoza"]),
                ("DEA".to_string(), vec!["agency:dea"]),
            ],
            "accent-free names, alternatives, a group's plural and clan, exact case for flagged names"
        );
        assert_eq!(
            found(&g, "A, the VALLE DE LOS RIOS"),
            [("VALLE DE LOS RIOS".to_string(), vec!["region:vraem"])],
            "names of one letter are dropped; ASCII letters match in any case"
        );
    }

    #[test]
    fn a_malformed_line_names_its_file_and_line() {
        let places = "header\ngeonames:1\tcity\tLima\n";
        assert_eq!(compiled(places, REGIONS, ORGANIZATIONS).err().unwrap(), "places.tsv line 2: expected 9 fields");
    }

    #[test]
    fn tables_of_another_layout_or_cut_short_are_refused() {
        let (strings, tables) = compile::compile(PLACES, REGIONS, ORGANIZATIONS).unwrap();
        let strings: &'static str = Box::leak(strings.into_boxed_str());
        let mut other = tables.clone();
        other[7] ^= 1;
        assert!(Gazetteer::from_tables(strings, Box::leak(other.into_boxed_slice())).err().unwrap().contains("layout"));
        let short = &tables[..tables.len() - 1];
        assert!(Gazetteer::from_tables(strings, Box::leak(short.to_vec().into_boxed_slice())).is_err());
        assert!(Gazetteer::from_tables(strings, &tables.clone().leak()[..10]).is_err());
        let half = (0..=strings.len() / 2).rev().find(|&i| strings.is_char_boundary(i)).expect("a boundary");
        assert!(Gazetteer::from_tables(&strings[..half], tables.leak()).err().unwrap().contains("strings"));
    }
}
