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

use crate::scan::capitalized_word_starts;
use names::{folded_key, folded_key_continued, word_end};
pub(crate) use names::{same_name_without_accents, without_accents};

/// Every string of the tables below, once.
const STRINGS: &str = include_str!(env!("CRIMEFACTS_GAZETTEER_STRINGS"));
/// The records `build.rs` compiled from the data files (layout in `format.rs`).
const TABLES: &[u8] = include_bytes!(env!("CRIMEFACTS_GAZETTEER_TABLES"));

/// One entry of the gazetteer.
#[derive(Clone, Copy, Debug)]
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

/// The compiled tables, read where they lie (see `format.rs`).
pub struct Gazetteer {
    strings: &'static str,
    entries: &'static [u8],
    surfaces: &'static [u8],
    surface_entries: Vec<u32>,
    division_slots: &'static [u8],
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

/// Little-endian numbers at byte offsets of a record.
fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

fn u32s(bytes: &[u8]) -> Vec<u32> {
    bytes.chunks_exact(4).map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes"))).collect()
}

impl Gazetteer {
    /// The tables `build.rs` compiled.
    pub fn load() -> Result<Self, String> {
        Self::from_tables(STRINGS, TABLES)
    }

    /// Tables of another layout, cut short, or paired with other strings fail
    /// here; every record of tables that pass points inside the strings
    /// (`build.rs` writes them so, and a test reads every one).
    fn from_tables(strings: &'static str, tables: &'static [u8]) -> Result<Self, String> {
        let Some(rest) = tables.strip_prefix(format::MAGIC) else {
            return Err("the compiled gazetteer has another layout: rebuild the crate".into());
        };
        let header_bytes = 4 * (1 + format::RECORD_BYTES.len());
        if rest.len() < header_bytes {
            return Err("the compiled gazetteer is cut short".into());
        }
        let (header, mut rest) = rest.split_at(header_bytes);
        if u32_at(header, 0) as usize != strings.len() {
            return Err("the compiled gazetteer's strings are not the ones its tables point into".into());
        }
        let counts: [usize; 7] = std::array::from_fn(|i| u32_at(header, 4 * (i + 1)) as usize);
        let expected = counts.iter().zip(format::RECORD_BYTES).map(|(n, bytes)| n * bytes).sum::<usize>()
            + 2 * format::FILTER_BYTES;
        if rest.len() != expected {
            return Err(format!("the compiled gazetteer holds {} bytes of records, not {expected}", rest.len()));
        }
        let [_, _, _, key_slots, _, first_word_slots, division_slots] = counts;
        if [key_slots, first_word_slots, division_slots].iter().any(|n| !n.is_power_of_two()) {
            return Err("the compiled gazetteer's slot tables are not powers of two".into());
        }
        let mut sections = counts.iter().zip(format::RECORD_BYTES).map(|(n, bytes)| {
            let (section, after) = rest.split_at(n * bytes);
            rest = after;
            section
        });
        let mut next = || sections.next().expect("a section per count");
        let (entries, surfaces, surface_entries) = (next(), next(), next());
        let (key_slots, key_surfaces, first_word_slots, division_slots) = (next(), next(), next(), next());
        drop(sections);
        let (names, first_words) = rest.split_at(format::FILTER_BYTES);
        let index = NameIndex {
            key_slots,
            key_surfaces: u32s(key_surfaces),
            first_word_slots,
            may_be_a_name: KeyFilter { bits: names },
            may_start_a_name: KeyFilter { bits: first_words },
        };
        Ok(Self { strings, entries, surfaces, surface_entries: u32s(surface_entries), division_slots, index })
    }

    fn string(&self, record: &[u8], at: usize) -> &'static str {
        let (offset, len) = (u32_at(record, at) as usize, u32_at(record, at + 4) as usize);
        let strings: &'static str = self.strings;
        strings.get(offset..offset + len).expect("the compiled gazetteer points inside its strings")
    }

    fn entry_record(&self, index: u32) -> &'static [u8] {
        let at = index as usize * format::ENTRY_BYTES;
        let entries: &'static [u8] = self.entries;
        &entries[at..at + format::ENTRY_BYTES]
    }

    /// Entry `index`, read from its record.
    pub fn entry(&self, index: u32) -> Entry {
        let record = self.entry_record(index);
        let non_empty = |s: &'static str| (!s.is_empty()).then_some(s);
        let flags = u32_at(record, format::ENTRY_FLAGS_AT);
        Entry {
            id: self.string(record, 0),
            canonical: self.string(record, 8),
            country: non_empty(self.string(record, 16)),
            entity_type: format::ENTITY_TYPES[u32_at(record, 32) as usize],
            admin1: flags & format::ADMIN1 != 0,
            region: flags & format::REGION != 0,
            lat: (flags & format::HAS_LATITUDE != 0).then(|| f64::from_bits(u64_at(record, 48))),
            lon: (flags & format::HAS_LONGITUDE != 0).then(|| f64::from_bits(u64_at(record, 56))),
            population: u64_at(record, 40),
            ambiguous: flags & format::AMBIGUOUS != 0,
        }
    }

    /// Entry `index`'s type and whether it is ambiguous, without reading its
    /// strings.
    pub fn kind(&self, index: u32) -> (&'static str, bool) {
        let record = self.entry_record(index);
        let flags = u32_at(record, format::ENTRY_FLAGS_AT);
        (format::ENTITY_TYPES[u32_at(record, 32) as usize], flags & format::AMBIGUOUS != 0)
    }

    /// What decides whether a place may be meant, read without its id and
    /// name: whether entry `index` is a region, its population and its
    /// country; `None` for an entry that is not a place.
    pub fn place_facts(&self, index: u32) -> Option<(bool, u64, Option<&'static str>)> {
        let record = self.entry_record(index);
        if format::ENTITY_TYPES[u32_at(record, 32) as usize] != "location" {
            return None;
        }
        let region = u32_at(record, format::ENTRY_FLAGS_AT) & format::REGION != 0;
        let country = self.string(record, 16);
        Some((region, u64_at(record, 40), (!country.is_empty()).then_some(country)))
    }

    /// Whether entry `index` matches only in its exact case.
    pub fn is_case_sensitive(&self, index: u32) -> bool {
        u32_at(self.entry_record(index), format::ENTRY_FLAGS_AT) & format::CASE_SENSITIVE != 0
    }

    /// Entry `index`'s id alone.
    pub fn id(&self, index: u32) -> &'static str {
        self.string(self.entry_record(index), 0)
    }

    /// Every entry, in order.
    #[cfg(test)]
    fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        (0..(self.entries.len() / format::ENTRY_BYTES) as u32).map(|i| self.entry(i))
    }

    fn surface(&self, index: u32) -> Surface {
        let at = index as usize * 16;
        let record = &self.surfaces[at..at + 16];
        Surface { text: self.string(record, 0), first_entry: u32_at(record, 8), entry_count: u32_at(record, 12) }
    }

    /// The first-level division a place lies in (itself for a division);
    /// none for an entry that is not a place.
    pub fn admin1_of(&self, id: &str) -> Option<&'static str> {
        let slots = self.division_slots.len() / 4;
        let mut at = format::home_slot(folded_key(id.as_bytes()), slots);
        loop {
            let entry = u32_at(self.division_slots, 4 * at).checked_sub(1)?;
            let record = self.entry_record(entry);
            if self.string(record, 0) == id {
                return Some(self.string(record, 24));
            }
            at = (at + 1) & (slots - 1);
        }
    }

    /// Whole-word matches whose case fits: proper names start with a capital;
    /// case-sensitive entries match exactly. At each capitalized word the
    /// longest surface that fits wins, and the search goes on after it.
    pub fn find<'g>(&'g self, text: &str) -> Vec<Hit<'g>> {
        // Each candidate surface is read from its record once: its text in
        // any ASCII case, then its exact case unless an entry allows any.
        let fits = |surface: u32, found: &str| {
            let surface = self.surface(surface);
            surface.text.as_bytes().eq_ignore_ascii_case(found.as_bytes())
                && (found == surface.text || self.entries_of(&surface).iter().any(|&e| !self.is_case_sensitive(e)))
        };
        self.index
            .find(text, fits)
            .into_iter()
            .map(|(start, end, surface)| {
                let surface = self.surface(surface);
                Hit { start, end, entries: self.entries_of(&surface), exact: text[start..end] == *surface.text }
            })
            .collect()
    }

    fn entries_of(&self, surface: &Surface) -> &[u32] {
        let first = surface.first_entry as usize;
        &self.surface_entries[first..first + surface.entry_count as usize]
    }
}

/// Surfaces by a hash of their ASCII-lowercased bytes (the case rule of the old
/// automaton: ASCII letters fold, other characters must match exactly). Keys
/// are hashes, not folded copies, so that neither loading nor matching
/// allocates a key; a hit is confirmed by comparing the text.
struct NameIndex {
    /// Each key with the numbers of its surfaces, as a range of `key_surfaces`.
    key_slots: &'static [u8],
    key_surfaces: Vec<u32>,
    /// Each first word with the longest surface (bytes) starting with it:
    /// most capitalized words start no name, and one lookup says so. A
    /// collision of two first words only widens the window searched.
    first_word_slots: &'static [u8],
    /// Keys of `key_slots` and of `first_word_slots`, in filters small
    /// enough to stay in cache: most words a text holds start no name and
    /// end none, and the filters say so without a miss in the slots.
    may_be_a_name: KeyFilter,
    may_start_a_name: KeyFilter,
}

/// A Bloom filter of keys with two probes (`format::filter_probes`): a key
/// it was built with always passes; about one key in two hundred that it was
/// not passes too (a test measures it on the surface keys).
struct KeyFilter {
    bits: &'static [u8],
}

impl KeyFilter {
    fn may_hold(&self, key: u64) -> bool {
        format::filter_probes(key).iter().all(|&bit| self.bits[bit / 8] & (1 << (bit % 8)) != 0)
    }
}

/// The 16-byte record of an open-addressing slot table holding `key`, if any
/// (`empty` tells an empty slot by its record).
fn slot_of(slots: &[u8], key: u64, empty: impl Fn(&[u8]) -> bool) -> Option<&[u8]> {
    let n = slots.len() / 16;
    let mut at = format::home_slot(key, n);
    loop {
        let record = &slots[16 * at..16 * at + 16];
        if empty(record) {
            return None;
        }
        if u64_at(record, 0) == key {
            return Some(record);
        }
        at = (at + 1) & (n - 1);
    }
}

impl NameIndex {
    /// The range of `key_surfaces` with `key`.
    fn surfaces_by_key(&self, key: u64) -> Option<(usize, usize)> {
        let record = slot_of(self.key_slots, key, |r| u32_at(r, 12) == 0)?;
        Some((u32_at(record, 8) as usize, u32_at(record, 12) as usize))
    }

    /// The longest surface (bytes) whose first word has `key`.
    fn longest_by_first_word(&self, key: u64) -> Option<usize> {
        slot_of(self.first_word_slots, key, |r| u64_at(r, 8) == 0).map(|r| u64_at(r, 8) as usize)
    }

    /// Every key of the slots of `slots` (16-byte records) that are not `empty`.
    #[cfg(test)]
    fn keys(slots: &[u8], empty: impl Fn(&[u8]) -> bool) -> Vec<u64> {
        slots.chunks_exact(16).filter(|r| !empty(r)).map(|r| u64_at(r, 0)).collect()
    }

    /// Non-overlapping `(start, end, surface)` matches that start a capitalized
    /// word and end a word, the longest one `fits` accepts at each start:
    /// `fits(surface, found)` says whether surface number `surface` is the
    /// text `found` (the index only knows their keys are equal).
    fn find(&self, text: &str, fits: impl Fn(u32, &str) -> bool) -> Vec<(usize, usize, u32)> {
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
            let Some(longest) = self.longest_by_first_word(first_key) else {
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
                let (first, count) = self.surfaces_by_key(key)?;
                self.key_surfaces[first..first + count].iter().find(|&&s| fits(s, found)).map(|&s| (end, s))
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
        let names = NameIndex::keys(index.key_slots, |r| u32_at(r, 12) == 0);
        let first_words = NameIndex::keys(index.first_word_slots, |r| u64_at(r, 8) == 0);
        assert!(
            names.len() > 70_000 && first_words.len() > 40_000,
            "{} names, {} first words",
            names.len(),
            first_words.len()
        );
        assert!(names.iter().all(|&k| index.may_be_a_name.may_hold(k)));
        assert!(first_words.iter().all(|&k| index.may_start_a_name.may_hold(k)));
        let strangers = (0..100_000u64).map(|n| folded_key(format!("no such name {n}").as_bytes()));
        let passing = strangers.filter(|&k| index.may_be_a_name.may_hold(k)).count();
        assert!(passing < 1_500, "{passing} of 100,000 other keys pass");
        assert_eq!(folded_key_continued(folded_key(b"San "), "José".as_bytes()), folded_key("SAN José".as_bytes()));
    }

    #[test]
    fn compiled_tables_keep_every_field_name_and_rule() {
        let g = compiled(PLACES, REGIONS, ORGANIZATIONS).unwrap();
        let abancay = g.entries().find(|e| e.id == "geonames:2").unwrap();
        assert_eq!((abancay.canonical, abancay.country, abancay.population), ("Abancay", Some("PE"), 55_000));
        assert_eq!((abancay.lat, abancay.lon, abancay.admin1), (Some(-13.6), Some(-72.9), false));
        assert_eq!(g.admin1_of("geonames:2"), Some("Apurímac"));
        assert_eq!(g.admin1_of("geonames:1"), Some("Apurímac"), "a division is its own");
        let vraem = g.entries().find(|e| e.id == "region:vraem").unwrap();
        assert!(vraem.region && vraem.lat.is_none() && vraem.country == Some("PE"));
        let dea = g.entries().position(|e| e.id == "agency:dea").unwrap() as u32;
        assert!(g.is_case_sensitive(dea) && !g.entry(dea).ambiguous && g.kind(dea) == ("agency", false));
        assert_eq!(g.place_facts(dea), None);
        let abancay_index = g.entries().position(|e| e.id == "geonames:2").unwrap() as u32;
        assert_eq!(g.place_facts(abancay_index), Some((false, 55_000, Some("PE"))));
        assert!(!g.is_case_sensitive(abancay_index));

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

    /// Every record of the compiled tables reads: strings inside the
    /// strings, entries of every surface, each key's surfaces found by its
    /// key, each division found by its entry's id, which only those entries
    /// have.
    #[test]
    fn every_record_of_the_compiled_tables_reads_and_is_found_by_its_key() {
        let g = Gazetteer::load().expect("the compiled gazetteer loads");
        let mut divisions = 0;
        for (i, entry) in g.entries().enumerate() {
            assert!(!entry.id.is_empty() && !entry.canonical.is_empty(), "entry {i}");
            let division = g.string(g.entry_record(i as u32), 24);
            assert_eq!(g.admin1_of(entry.id), (!division.is_empty()).then_some(division), "{}", entry.id);
            divisions += usize::from(!division.is_empty());
        }
        assert!(divisions > 10_000, "{divisions} entries with a division");
        assert_eq!(g.admin1_of("geonames:no-such-place"), None);
        let surfaces = g.surfaces.len() / 16;
        for s in 0..surfaces as u32 {
            let surface = g.surface(s);
            assert!(!g.entries_of(&surface).is_empty(), "{:?}", surface.text);
            let (first, count) = g.index.surfaces_by_key(folded_key(surface.text.as_bytes())).expect("its key");
            assert!(g.index.key_surfaces[first..first + count].contains(&s), "{:?}", surface.text);
            let first_word = &surface.text[..word_end(surface.text, 0)];
            let longest = g.index.longest_by_first_word(folded_key(first_word.as_bytes())).expect("its first word");
            assert!(longest >= surface.text.len(), "{:?}", surface.text);
        }
        assert_eq!(g.index.surfaces_by_key(folded_key(b"no such name at all")), None);
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
