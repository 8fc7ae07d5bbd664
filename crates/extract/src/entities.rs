//! Entity mentions: candidates from every finder (countries, the places and
//! organizations gazetteer, people, patterns for names the dictionary lacks),
//! then one pass that keeps the longest non-overlapping candidates, links
//! surnames and acronyms to their entity, and writes `mentions` rows.

use std::ops::Range;
use std::sync::LazyLock;

use crimefacts_model::{CompactString, DocRows, Mention, format_compact, static_cell};
use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::TextView;
use crate::countries::CountryGazetteer;
use crate::gazetteer::{Entry, Gazetteer, Hit, same_name_without_accents, without_accents};
use crate::persons::{Cue, FoundPerson, PersonFinder};
use crate::scan::{capital_or_non_ascii, capitals_or_non_ascii_at};
use crate::windows::{WordWindows, matches_in};

/// A possible mention, before overlaps are resolved.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    pub start: usize,
    pub end: usize,
    pub entity_type: &'static str,
    pub entity_id: CompactString,
    pub canonical: CompactString,
    pub country: Option<CompactString>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub method: &'static str,
    pub confidence: f64,
    /// Breaks ties between candidates over the same span (higher wins).
    pub priority: u8,
    /// A country inside an agency phrase ("Bolivian police") is both.
    pub nests_countries: bool,
}

/// Words that make a capitalized phrase an agency.
const AGENCY_WORDS: &[&str] = &[
    "police",
    "policía",
    "polícia",
    "ministry",
    "ministerio",
    "ministério",
    "army",
    "ejército",
    "exército",
    "navy",
    "armada",
    "marinha",
    "force",
    "forces",
    "fuerza",
    "fuerzas",
    "força",
    "forças",
    "directorate",
    "dirección",
    "direção",
    "office",
    "fiscalía",
    "prosecutor",
    "agency",
    "agencia",
    "agência",
    "secretariat",
    "secretaría",
    "secretaria",
    "unit",
    "unidad",
    "unidade",
    "command",
    "comando",
    "guard",
    "guardia",
    "guarda",
    "department",
    "departamento",
    "service",
    "servicio",
    "serviço",
    "administration",
    "bureau",
    "court",
    "tribunal",
    "corte",
    "customs",
    "aduana",
    "intelligence",
    "inteligencia",
];
const GROUP_WORDS: &[&str] = &[
    "cartel", "cártel", "clan", "gang", "banda", "pandilla", "mara", "family", "familia", "família", "front", "frente",
];

/// "Long Name (LN)".
static ACRONYM_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Lu}[\p{L}'’-]+(?:\s+(?:(?:of|the|for|and|on|in|to|de|del|la|las|los|el|y|e|da|do|dos|das|contra|en|para)\s+)*\p{Lu}[\p{L}'’-]+){1,10})\s+\((\p{Lu}[\p{Lu}\p{Ll}-]{1,9})\)")
        .expect("static")
});
/// The long form and the acronym of an [`ACRONYM_AFTER`] match, its two
/// groups, without asking the pattern for them: resolving groups over a
/// pattern this large falls back to the slow PikeVM. The acronym holds no
/// parenthesis, so it is what the last "(" and the closing ")" enclose; the
/// long form ends with a letter, before the spaces before that "(". A test
/// holds this to the pattern's own groups.
fn long_and_short_around(text: &str, whole: Range<usize>) -> (Range<usize>, Range<usize>) {
    let matched = &text[whole.clone()];
    let open = matched.rfind('(').expect("an ACRONYM_AFTER match holds a parenthesis");
    let long_end = whole.start + matched[..open].trim_end().len();
    (whole.start..long_end, whole.start + open + 1..whole.end - 1)
}

/// "LN (Long Name)".
static ACRONYM_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\p{Lu}{2,9})\s+\((\p{Lu}[\p{L}'’-]+(?:\s+(?:(?:of|the|for|and|on|in|to|de|del|la|las|los|el|y|e|da|do|dos|das|contra|en|para)\s+)*\p{Lu}[\p{L}'’-]+){1,10})\)")
        .expect("static")
});
/// The words of group phrases, as written: after a name ("the Rosales
/// clan"), before one ("Clan Úsuga", "Cartel de Jalisco"), and before a
/// "Los"/"Las" name ("banda Los Pulpos").
const GROUP_WORDS_AFTER_NAME: &[&str] = &["clan", "family", "gang", "cartel", "Clan", "Cartel", "Gang"];
const GROUP_WORDS_BEFORE_NAME: &[&str] = &["Clan", "Cartel", "Cártel"];
const GANG_WORDS_BEFORE_LOS: &[&str] = &["banda", "pandilla", "gang"];

static GROUP_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    let (after, before, gang) =
        (GROUP_WORDS_AFTER_NAME.join("|"), GROUP_WORDS_BEFORE_NAME.join("|"), GANG_WORDS_BEFORE_LOS.join("|"));
    Regex::new(&format!(
        r"(?-u:\b)(?:(\p{{Lu}}\p{{Ll}}+)\s+(?:{after})(?-u:\b)|(?:{before})\s+(?:de\s+|del\s+)?(?:los\s+|las\s+|la\s+|el\s+)?\p{{Lu}}\p{{L}}+(?:\s+\p{{Lu}}\p{{L}}+)?|(?:{gang})\s+(?:de\s+)?(?:Los|Las)\s+\p{{Lu}}\p{{L}}+)"
    ))
    .expect("static")
});

/// Where group phrases can match: every match holds one of the group words
/// as written, and letters and spaces only.
static GROUP_PHRASE_WINDOWS: LazyLock<WordWindows> = LazyLock::new(|| {
    let words: Vec<&str> = [GROUP_WORDS_AFTER_NAME, GROUP_WORDS_BEFORE_NAME, GANG_WORDS_BEFORE_LOS].concat();
    WordWindows::new(b"", &words)
});
/// "the civil organization Acción Andina", "la ONG Human Rights Watch".
static ORGANIZATION_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:organization|organisation|organización|organização|NGO|ONG|foundation|fundación|fundação|institute|think tank)\s+(\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+){0,4})")
        .expect("static")
});
/// A newspaper after a reporting cue: "reported El Deber", "according to La Prensa".
static MEDIA_AFTER_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?-u:\b)reported|(?-u:\b)reports|(?-u:\b)according to|(?-u:\b)told|(?-u:\b)cited by|(?-u:\b)published by|(?-u:\b)informó|(?-u:\b)reportó|(?-u:\b)según|(?-u:\b)de acuerdo con|(?-u:\b)dijo a|(?-u:\b)segundo|(?-u:\b)informou|(?-u:\b)publicó|(?-u:\b)publicou)\s+(?:the\s+)?((?:El|La|Los|Las|O|A|The)\s+\p{Lu}\p{L}+(?:\s+\p{Lu}\p{L}+)?)")
        .expect("static")
});
/// A newspaper before a reporting verb: "La Prensa reports".
static MEDIA_BEFORE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)((?:El|La|O)\s+\p{Lu}\p{L}+(?:\s+\p{Lu}\p{L}+)?)\s+(?:reported|reports|newspaper|daily|informó|reportó|publicó|informou|publicou)(?-u:\b)")
        .expect("static")
});
/// "department of X" or "X department": the first-level division, not the city.
static ADMIN1_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:departments? of|departamentos? de|province of|provincia de|state of|estado de|region of|región de)\s*$").expect("static")
});

fn slug(text: &str) -> String {
    let folded = without_accents(text).to_lowercase();
    folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}

fn type_of_phrase(phrase: &str) -> &'static str {
    let lower = phrase.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
    if words.iter().any(|w| GROUP_WORDS.contains(w)) {
        "criminal_group"
    } else if words.iter().any(|w| AGENCY_WORDS.contains(w)) {
        "agency"
    } else {
        "organization"
    }
}

fn id_prefix(entity_type: &str) -> &'static str {
    match entity_type {
        "criminal_group" => "group",
        "agency" => "agency",
        "media" => "media",
        _ => "org",
    }
}

/// The dictionary and cue searches of [`EntityFinder`], each with its own
/// large tables: a batch runs each over all its documents in turn. (The
/// phrase patterns as a step of their own measured no faster.)
#[derive(Clone, Copy, Debug)]
pub(crate) enum Search {
    Countries,
    Gazetteer,
    People(Cue),
}

impl Search {
    /// In the order [`EntityFinder::find`] runs them.
    pub(crate) const ALL: [Search; 2 + Cue::ALL.len()] = {
        let mut all = [Search::Countries; 2 + Cue::ALL.len()];
        all[1] = Search::Gazetteer;
        let mut i = 0;
        while i < Cue::ALL.len() {
            all[2 + i] = Search::People(Cue::ALL[i]);
            i += 1;
        }
        all
    };
}

/// What the dictionary and cue searches found in one document.
#[derive(Default)]
pub(crate) struct Found<'g> {
    countries: Vec<Candidate>,
    hits: Vec<Hit<'g>>,
    people: Vec<FoundPerson>,
}

/// Finds every kind of entity in a document.
pub struct EntityFinder {
    countries: CountryGazetteer,
    gazetteer: Gazetteer,
    persons: PersonFinder,
}

impl EntityFinder {
    pub fn load() -> Result<Self, String> {
        Ok(Self {
            countries: CountryGazetteer::load().map_err(|e| e.0)?,
            gazetteer: Gazetteer::load()?,
            persons: PersonFinder::load(),
        })
    }

    #[cfg(test)]
    pub(crate) fn find(&self, doc: &DocRows, view: &TextView<'_>) -> Vec<Mention> {
        let mut found = Found::default();
        for search in Search::ALL {
            self.search(search, view.text, &mut found);
        }
        self.mentions(doc, view, found)
    }

    /// Runs one of the dictionary searches on `text`.
    pub(crate) fn search<'g>(&'g self, search: Search, text: &str, found: &mut Found<'g>) {
        match search {
            Search::Countries => found.countries = self.countries.candidates(text),
            Search::Gazetteer => found.hits = self.gazetteer.find(text),
            Search::People(cue) => self.persons.find_by(cue, text, &mut found.people),
        }
    }

    /// The mentions of a document, from what every [`Search`] found in it.
    pub(crate) fn mentions(&self, doc: &DocRows, view: &TextView<'_>, found: Found<'_>) -> Vec<Mention> {
        let text = view.text;
        let Found { countries: mut candidates, hits, people } = found;
        let mut country_counts: FxHashMap<CompactString, usize> = FxHashMap::default();
        for c in &candidates {
            *country_counts.entry(c.country.clone().unwrap_or_default()).or_default() += 1;
        }
        let doc_countries: FxHashSet<CompactString> = country_counts.keys().cloned().collect();

        // Organizations named unambiguously somewhere make their ambiguous
        // aliases ("La Prensa", "PCC") count elsewhere in the document.
        let mut certain_ids: FxHashSet<&str> = FxHashSet::default();
        let mut names_of: FxHashMap<&str, FxHashSet<&str>> = FxHashMap::default();
        for hit in &hits {
            if let [only] = hit.entries
                && let (entity_type, ambiguous) = self.gazetteer.kind(*only)
                && !ambiguous
                && entity_type != "location"
            {
                certain_ids.insert(self.gazetteer.id(*only));
            }
            for &i in hit.entries {
                if self.gazetteer.kind(i).0 != "location" {
                    names_of.entry(self.gazetteer.id(i)).or_default().insert(&text[hit.start..hit.end]);
                }
            }
        }
        // Two different names of one entity ("Primeiro Comando da Capital (PCC)")
        // settle what either would leave ambiguous.
        certain_ids.extend(names_of.iter().filter(|(_, names)| names.len() >= 2).map(|(id, _)| *id));
        for hit in &hits {
            // Entries are read from the compiled tables as they are needed:
            // a name such as "San José" has dozens, most of them small
            // places abroad that `place` drops before reading their names.
            let usable: Vec<u32> =
                hit.entries.iter().copied().filter(|&i| hit.exact || !self.gazetteer.is_case_sensitive(i)).collect();
            if let Some(c) = self.organization(hit.start, hit.end, &usable, &country_counts, &certain_ids) {
                candidates.push(c);
            } else if let Some(c) = self.place(text, hit.start, hit.end, &usable, &doc_countries) {
                candidates.push(c);
            }
        }

        for person in people {
            candidates.push(Candidate {
                start: person.start,
                end: person.end,
                entity_type: "person",
                entity_id: format_compact!("person:{}", slug(&person.name)),
                canonical: person.name.into(),
                country: None,
                lat: None,
                lon: None,
                method: person.method,
                confidence: person.confidence,
                // A name next to "said" may be an organization's.
                priority: if person.method == "speech cue" { 2 } else { 4 },
                nests_countries: false,
            });
        }
        candidates.extend(self.patterns(text));
        candidates.extend(self.country_agencies(text, &candidates));

        let mut kept = resolve(candidates);
        kept.sort_by_key(|c| (c.start, c.end));
        flag_contradicted_places(text, &mut kept);
        adopt_appositive_names(text, &mut kept);
        adopt_nicknames(text, &mut kept);
        link_aliases(text, &mut kept);
        kept.sort_by_key(|c| (c.start, c.end));
        kept.into_iter()
            .map(|c| {
                let start = view.chars(c.start);
                Mention {
                    doc_id: doc.document.doc_id.clone(),
                    sentence: doc.sentence_at(start),
                    start,
                    end: view.chars(c.end),
                    text: CompactString::new(&text[c.start..c.end]),
                    entity_type: static_cell(c.entity_type),
                    canonical_name: c.canonical,
                    country: c.country,
                    latitude: c.lat,
                    longitude: c.lon,
                    method: static_cell(c.method),
                    confidence: c.confidence,
                    // Only places lie in a division (`build.rs` holds the
                    // tables to it): other ids are not hashed and looked up.
                    admin1: (c.entity_type == "location")
                        .then(|| self.gazetteer.admin1_of(&c.entity_id).map(static_cell))
                        .flatten(),
                    entity_id: c.entity_id,
                }
            })
            .collect()
    }

    fn organization(
        &self,
        start: usize,
        end: usize,
        entries: &[u32],
        country_counts: &FxHashMap<CompactString, usize>,
        certain_ids: &FxHashSet<&str>,
    ) -> Option<Candidate> {
        let orgs: Vec<Entry> = entries
            .iter()
            .filter(|&&i| self.gazetteer.kind(i).0 != "location")
            .map(|&i| self.gazetteer.entry(i))
            .collect();
        let chosen = if let [only] = orgs[..]
            && !only.ambiguous
        {
            only
        } else {
            // Ambiguous: the one whose other names the document uses, else the
            // one from the country the document names most.
            let mentions_of = |e: &Entry| e.country.and_then(|c| country_counts.get(c)).copied().unwrap_or(0);
            if let Some(named) = orgs.iter().find(|e| certain_ids.contains(e.id)) {
                *named
            } else {
                let best = orgs.iter().map(mentions_of).max().unwrap_or(0);
                let top: Vec<&Entry> = orgs.iter().filter(|e| mentions_of(e) == best).collect();
                match top[..] {
                    [one] if best > 0 => *one,
                    _ => return None,
                }
            }
        };
        Some(Candidate {
            start,
            end,
            entity_type: chosen.entity_type,
            entity_id: static_cell(chosen.id),
            canonical: static_cell(chosen.canonical),
            country: chosen.country.map(static_cell),
            lat: None,
            lon: None,
            method: "gazetteer",
            confidence: if chosen.ambiguous { 0.7 } else { 0.9 },
            priority: 5,
            nests_countries: chosen.entity_type == "agency",
        })
    }

    /// The place a name refers to: prefer the document's own countries, then
    /// regions, the kind of place the context asks for, and population. Small
    /// places abroad are never guessed.
    fn place(
        &self,
        text: &str,
        start: usize,
        end: usize,
        entries: &[u32],
        doc_countries: &FxHashSet<CompactString>,
    ) -> Option<Candidate> {
        let mut from = start.saturating_sub(40);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let before = &text[from..start];
        let mut to = (end + 16).min(text.len());
        while !text.is_char_boundary(to) {
            to -= 1;
        }
        let after = &text[end..to];
        let found = &text[start..end];
        let one_word = !found.contains(' ');
        // Read once per name, and only if some entry needs it.
        let locative = std::cell::OnceCell::new();
        let places: Vec<(bool, Entry)> = entries
            .iter()
            .filter_map(|&i| {
                let (region, population, country) = self.gazetteer.place_facts(i)?;
                let in_doc = country.is_some_and(|c| doc_countries.contains(c));
                let big = population >= 1_000_000;
                if !(region || in_doc || big) {
                    return None;
                }
                let e = self.gazetteer.entry(i);
                // A one-word town, or a place found by a short alternative name,
                // needs a locative cue: "Since" is also a Colombian town.
                if one_word
                    && !e.region
                    && ((!e.admin1 && e.population < 100_000) || !same_name_without_accents(found, e.canonical))
                    && !*locative.get_or_init(|| locative_before(before))
                {
                    return None;
                }
                Some((in_doc, e))
            })
            .collect();
        // Whether the context asks for a first-level division is read only
        // when there are places to choose between (a few regexes per name).
        let wants_admin1 = places.len() > 1 && {
            let after = after.trim_start();
            ADMIN1_CUE.is_match(before)
                || ["department", "province", "state"]
                    .iter()
                    .any(|kind| after.get(..kind.len()).is_some_and(|head| head.eq_ignore_ascii_case(kind)))
        };
        let best = places
            .into_iter()
            .map(|(in_doc, e)| {
                let fit = if wants_admin1 == e.admin1 { 3.0 } else { 0.0 };
                let score = f64::from(u8::from(in_doc)) * 10.0
                    + if e.region { 6.0 } else { 0.0 }
                    + fit
                    + if e.admin1 { 1.0 } else { 0.0 }
                    + (e.population as f64 + 1.0).log10() / 2.0;
                (score, in_doc, e)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))?;
        let (_, in_doc, e) = best;
        Some(Candidate {
            start,
            end,
            entity_type: "location",
            entity_id: static_cell(e.id),
            canonical: static_cell(e.canonical),
            country: e.country.map(static_cell),
            lat: e.lat,
            lon: e.lon,
            method: "gazetteer",
            confidence: if in_doc || e.region { 0.85 } else { 0.6 },
            priority: 2,
            nests_countries: false,
        })
    }

    /// Names the dictionary lacks: acronym definitions, group and organization
    /// phrases, newspapers after reporting cues.
    fn patterns(&self, text: &str) -> Vec<Candidate> {
        let mut out = Vec::new();
        let mut add = |start: usize, end: usize, entity_type: &'static str, canonical: String, method: &'static str| {
            let id = format_compact!("{}:{}", id_prefix(entity_type), slug(&canonical));
            out.push(Candidate {
                start,
                end,
                entity_type,
                entity_id: id,
                canonical: canonical.into(),
                country: None,
                lat: None,
                lon: None,
                method,
                confidence: 0.7,
                // An explicit cue ("the organization X") outranks a guess from "said".
                priority: if method == "organization cue" { 5 } else { 3 },
                nests_countries: false,
            });
        };
        let after = ACRONYM_AFTER.find_iter(text).map(|m| long_and_short_around(text, m.range()));
        let before = ACRONYM_BEFORE.captures_iter(text).map(|c| {
            let group = |i| c.get(i).expect("a group of every match").range();
            (group(2), group(1))
        });
        for (long, short) in after.chain(before) {
            let (long_str, short_str) = (&text[long.clone()], &text[short.clone()]);
            // The long form starts at the word whose initial starts the acronym
            // ("Later the Zona Roja Brigade (ZRB)" -> "Zona Roja Brigade").
            let first_letter = short_str.chars().next().unwrap_or(' ');
            let Some(cut) = long_str
                .split_whitespace()
                .map(|w| w.as_ptr() as usize - long_str.as_ptr() as usize)
                .find(|&i| long_str[i..].starts_with(first_letter))
            else {
                continue;
            };
            let long_text = &long_str[cut..];
            if !acronym_fits(short_str, long_text) {
                continue;
            }
            let entity_type = type_of_phrase(long_text);
            // The acronym names the entity; the long form is the same one.
            add(short.start, short.end, entity_type, short_str.to_string(), "acronym");
            add(long.start + cut, long.end, entity_type, short_str.to_string(), "acronym");
        }
        for m in matches_in(text, GROUP_PHRASE_WINDOWS.windows(text), &GROUP_PHRASE) {
            let phrase = m.as_str();
            let first = phrase.split_whitespace().next().unwrap_or("");
            if self.countries.names_a_country(first)
                || matches!(first, "The" | "A" | "This" | "Drug" | "Crime" | "Criminal")
            {
                continue;
            }
            // "banda Los Lobos": the name is "Los Lobos", the word before only says
            // what it is (and the dictionary may know the name).
            let (start, name) = match phrase.find(" Los ").or_else(|| phrase.find(" Las ")) {
                Some(i) if first.chars().next().is_some_and(char::is_lowercase) => {
                    (m.start() + i + 1, &phrase[i + 1..])
                }
                _ => (m.start(), phrase),
            };
            add(start, m.end(), "criminal_group", name.to_string(), "pattern");
        }
        for c in ORGANIZATION_PHRASE.captures_iter(text) {
            let m = c.get(1).expect("group");
            add(m.start(), m.end(), type_of_phrase(m.as_str()), m.as_str().to_string(), "organization cue");
        }
        for re in [&*MEDIA_AFTER_CUE, &*MEDIA_BEFORE_CUE] {
            for c in re.captures_iter(text) {
                let m = c.get(1).expect("group");
                let name = m.as_str().trim_start_matches("The ").to_string();
                let start = m.end() - name.len();
                add(start, m.end(), "media", name, "media cue");
            }
        }
        out
    }

    /// "Bolivian police", "Peru's Armed Forces": an agency named by its country.
    fn country_agencies(&self, text: &str, candidates: &[Candidate]) -> Vec<Candidate> {
        const KINDS: &[(&str, &str)] = &[
            ("anti-narcotics police force", "anti-narcotics police"),
            ("anti-narcotics police", "anti-narcotics police"),
            ("anti-drug police", "anti-narcotics police"),
            ("anti-drug force", "anti-narcotics police"),
            ("anti-drug body", "anti-narcotics police"),
            ("police force", "police"),
            ("national police", "police"),
            ("police", "police"),
            ("armed forces", "armed forces"),
            ("army", "army"),
            ("navy", "navy"),
            ("air force", "air force"),
            ("military", "armed forces"),
            ("government", "government"),
            ("authorities", "authorities"),
            ("officials", "authorities"),
            ("prosecutors", "prosecutors"),
            ("customs", "customs"),
        ];
        let mut out = Vec::new();
        for c in candidates.iter().filter(|c| c.entity_type == "country") {
            let rest = &text[c.end..];
            let rest_trimmed = rest.strip_prefix("'s").or_else(|| rest.strip_prefix("’s")).unwrap_or(rest);
            let Some(after) = rest_trimmed.strip_prefix(' ') else { continue };
            // The longest kind is under 32 bytes: lowercasing the rest of the text
            // for every country would make this quadratic.
            let mut head = after.len().min(48);
            while !after.is_char_boundary(head) {
                head -= 1;
            }
            let lower = after[..head].to_lowercase();
            let Some(&(written, kind)) = KINDS
                .iter()
                .find(|(w, _)| lower.starts_with(w) && !lower[w.len()..].starts_with(|ch: char| ch.is_alphanumeric()))
            else {
                continue;
            };
            if matches!(kind, "government" | "authorities") {
                continue;
            }
            let end = text.len() - after.len() + written.len();
            let iso = c.country.clone().unwrap_or_default();
            out.push(Candidate {
                start: c.start,
                end,
                entity_type: "agency",
                entity_id: format_compact!("agency:{}-{}", slug(kind), iso.to_lowercase()),
                canonical: format_compact!("{} {}", c.canonical, kind),
                country: c.country.clone(),
                lat: None,
                lon: None,
                method: "pattern",
                confidence: 0.7,
                priority: 3,
                nests_countries: true,
            });
        }
        out
    }
}

/// Whether the words before a name place it ("in X", "en X", "near X").
fn locative_before(before: &str) -> bool {
    let last = before.split_whitespace().last().unwrap_or("").to_lowercase();
    matches!(
        last.as_str(),
        "in" | "en"
            | "em"
            | "no"
            | "na"
            | "near"
            | "from"
            | "to"
            | "at"
            | "of"
            | "de"
            | "del"
            | "da"
            | "do"
            | "a"
            | "cerca"
            | "hacia"
            | "para"
            | "desde"
    )
}

/// An acronym fits a long name when its letters appear, in order, among the
/// initials of the name's words (any language's word order is tried both ways).
fn acronym_fits(short: &str, long: &str) -> bool {
    let initials: Vec<char> =
        long.split_whitespace().filter_map(|w| w.chars().next()).filter(|c| c.is_uppercase()).collect();
    let letters: Vec<char> = short.chars().filter(|c| c.is_uppercase()).collect();
    if letters.len() < 2 {
        return false;
    }
    let shared = letters.iter().filter(|l| initials.contains(l)).count();
    letters.first() == initials.first() && shared * 2 >= letters.len()
}

/// Keeps the longest candidates that do not overlap; on an equal span, the
/// higher priority. A country inside an agency phrase stays too.
fn resolve(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by(|a, b| {
        a.start.cmp(&b.start).then((b.end - b.start).cmp(&(a.end - a.start))).then(b.priority.cmp(&a.priority))
    });
    let mut kept: Vec<Candidate> = Vec::new();
    let mut longest = 0;
    for c in candidates {
        let overlapping: Vec<&Candidate> = overlapping(&kept, longest, c.start, c.end).collect();
        let allowed = overlapping.iter().all(|k| {
            (k.nests_countries && c.entity_type == "country" && c.start >= k.start && c.end <= k.end)
                || (c.nests_countries && k.entity_type == "country" && k.start >= c.start && k.end <= c.end)
        });
        if overlapping.is_empty() || allowed {
            longest = longest.max(c.end - c.start);
            kept.push(c);
        }
    }
    kept
}

/// The candidates of `sorted` (by start; none longer than `longest` bytes)
/// that overlap `start..end`. Only those starting within `longest` bytes
/// before `end` can: checking every candidate would be quadratic in long
/// documents.
fn overlapping(sorted: &[Candidate], longest: usize, start: usize, end: usize) -> impl Iterator<Item = &Candidate> {
    let before_end = sorted.partition_point(|k| k.start < end);
    sorted[..before_end]
        .iter()
        .rev()
        .take_while(move |k| k.start + longest > start)
        .filter(move |k| start < k.end && k.start < end)
}

/// "Callao in Bolivia": when the text puts a place in another country than the
/// gazetteer does, keep the gazetteer's answer with a lower confidence.
fn flag_contradicted_places(text: &str, kept: &mut [Candidate]) {
    for i in 0..kept.len().saturating_sub(1) {
        if kept[i].entity_type != "location" {
            continue;
        }
        let Some(next) = kept[i + 1..].iter().find(|k| k.start >= kept[i].end) else { continue };
        let between = text[kept[i].end..next.start].trim();
        let joined = matches!(between, "," | "in" | "en" | "em" | "no" | "na" | "(");
        if joined
            && matches!(next.entity_type, "country" | "location")
            && next.country.is_some()
            && kept[i].country.is_some()
            && next.country != kept[i].country
        {
            kept[i].confidence = 0.5;
        }
    }
}

/// `Jose Luis Ramírez, alias "El Flaco"`: a nickname right after a person's name
/// names that person.
fn adopt_nicknames(text: &str, kept: &mut [Candidate]) {
    static ALIAS_BETWEEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"^\s*,?\s*\(?(?:alias|a\.k\.a\.|aka|known as|conocido como|apodado|vulgo)\s+["“'‘]?$"#)
            .expect("static")
    });
    for i in 1..kept.len() {
        if kept[i].entity_type != "person" || kept[i].method != "nickname" {
            continue;
        }
        let Some(j) = (0..i).rev().find(|&j| kept[j].entity_type == "person" && kept[j].end <= kept[i].start) else {
            continue;
        };
        if ALIAS_BETWEEN.is_match(&text[kept[j].end..kept[i].start]) {
            let (id, canonical) = (kept[j].entity_id.clone(), kept[j].canonical.clone());
            kept[i].entity_id = id;
            kept[i].canonical = canonical;
        }
    }
}

/// "Bolivia's anti-drug force (FELCN)": a descriptive phrase followed by a
/// known name in parentheses is that entity.
fn adopt_appositive_names(text: &str, kept: &mut [Candidate]) {
    let mut by_start: FxHashMap<usize, usize> = FxHashMap::default();
    for (i, k) in kept.iter().enumerate() {
        by_start.insert(k.start, i);
    }
    for i in 0..kept.len() {
        if kept[i].method != "pattern" || kept[i].entity_type != "agency" {
            continue;
        }
        let rest = &text[kept[i].end..];
        let Some(inside) = rest.strip_prefix(" (") else { continue };
        let named_at = kept[i].end + 2;
        let Some(&j) = by_start.get(&named_at) else { continue };
        if inside[kept[j].end - named_at..].starts_with(')') && kept[j].entity_type != "country" {
            let (id, canonical, country, entity_type) =
                (kept[j].entity_id.clone(), kept[j].canonical.clone(), kept[j].country.clone(), kept[j].entity_type);
            let phrase = &mut kept[i];
            phrase.entity_id = id;
            phrase.canonical = canonical;
            phrase.country = country;
            phrase.entity_type = entity_type;
            phrase.method = "appositive";
        }
    }
}

/// Every whole-word occurrence of every alias (overlapping ones too), with its
/// owner, in one pass over the text's bytes: a search per alias would be
/// quadratic in a page of names, and building an automaton for the handful
/// most documents hold cost more than the search it served. Only the bytes
/// that open an alias are tried, and only whole words kept.
fn whole_word_occurrences<'c>(
    text: &str,
    aliases: &'c FxHashMap<CompactString, Candidate>,
) -> Vec<(usize, usize, &'c Candidate)> {
    let mut by_first_byte: FxHashMap<u8, Vec<(&str, &Candidate)>> = FxHashMap::default();
    for (alias, owner) in aliases {
        if let Some(&first) = alias.as_bytes().first() {
            by_first_byte.entry(first).or_default().push((alias, owner));
        }
    }
    let mut opens_an_alias = [false; 256];
    by_first_byte.keys().for_each(|&b| opens_an_alias[usize::from(b)] = true);
    let mut occurrences = Vec::new();
    let try_at = |start: usize| {
        let b = text.as_bytes()[start];
        // A continuation byte never opens an alias: aliases are whole strings.
        if !opens_an_alias[usize::from(b)] {
            return;
        }
        for &(alias, owner) in &by_first_byte[&b] {
            let end = start + alias.len();
            if text[start..].starts_with(alias) && crate::is_word(text, start, end) {
                occurrences.push((start, end, owner));
            }
        }
    };
    // Aliases are surnames and acronyms: when each opens with a capital or a
    // non-ASCII character, eight bytes of lowercase prose are passed over at
    // once.
    if by_first_byte.keys().all(|&b| capital_or_non_ascii(b)) {
        capitals_or_non_ascii_at(text.as_bytes()).for_each(try_at);
    } else {
        (0..text.len()).for_each(try_at);
    }
    occurrences
}

/// Later bare surnames ("Cáceres") and acronyms name the entity whose full
/// form the document gives, wherever they appear (even before the definition).
fn link_aliases(text: &str, kept: &mut Vec<Candidate>) {
    let mut aliases: FxHashMap<CompactString, Candidate> = FxHashMap::default();
    for c in kept.iter() {
        match c.entity_type {
            "person" => {
                let words: Vec<&str> = c.canonical.split_whitespace().collect();
                if words.len() >= 2 {
                    let last = words[words.len() - 1];
                    aliases.entry(CompactString::new(last)).or_insert_with(|| c.clone());
                    if words.len() >= 3 {
                        aliases.entry(CompactString::new(words[words.len() - 2])).or_insert_with(|| c.clone());
                    }
                }
            }
            _ if c.method == "acronym" && c.canonical.chars().all(|ch| ch.is_uppercase() || ch == '-') => {
                aliases.entry(c.canonical.clone()).or_insert_with(|| c.clone());
            }
            _ => {}
        }
    }
    if aliases.is_empty() {
        return;
    }
    let occurrences = whole_word_occurrences(text, &aliases);
    // A surname beats a place of the same name ("Morales", "Cáceres").
    let spans: FxHashSet<(usize, usize)> = occurrences.iter().map(|&(start, end, _)| (start, end)).collect();
    kept.retain(|k| !(k.entity_type == "location" && spans.contains(&(k.start, k.end))));
    let longest = kept.iter().map(|k| k.end - k.start).max().unwrap_or(0);
    let found: Vec<Candidate> = occurrences
        .into_iter()
        .filter(|&(start, end, _)| overlapping(kept, longest, start, end).next().is_none())
        .map(|(start, end, owner)| Candidate { start, end, method: "alias", nests_countries: false, ..owner.clone() })
        .collect();
    kept.extend(found);
}

/// Compiles this module's patterns now, so that the first document does not
/// wait for them (see `Extract::new`).
pub(crate) fn warm_up() {
    LazyLock::force(&ACRONYM_AFTER);
    LazyLock::force(&ACRONYM_BEFORE);
    LazyLock::force(&GROUP_PHRASE);
    LazyLock::force(&GROUP_PHRASE_WINDOWS);
    LazyLock::force(&ORGANIZATION_PHRASE);
    LazyLock::force(&MEDIA_AFTER_CUE);
    LazyLock::force(&MEDIA_BEFORE_CUE);
}

#[cfg(test)]
mod tests {
    use crimefacts_model::Document;

    use super::*;

    fn finder() -> &'static EntityFinder {
        static FINDER: LazyLock<EntityFinder> = LazyLock::new(|| EntityFinder::load().unwrap());
        &FINDER
    }

    fn mentions(text: &str) -> Vec<(String, String, String)> {
        let doc = DocRows {
            document: Document { doc_id: "d".into(), text: text.into(), ..Document::default() },
            ..DocRows::default()
        };
        finder()
            .find(&doc, &TextView::new(text))
            .into_iter()
            .map(|m| (m.text.into(), m.entity_type.into(), m.entity_id.into()))
            .collect()
    }

    fn has(found: &[(String, String, String)], text: &str, entity_type: &str) -> bool {
        found.iter().any(|(t, ty, _)| t == text && ty == entity_type)
    }

    fn id_of(found: &[(String, String, String)], text: &str) -> String {
        found.iter().find(|(t, _, _)| t == text).map(|f| f.2.clone()).unwrap_or_default()
    }

    /// A name that is a department and its capital is the department when
    /// the context says so, before or after the name, and the city otherwise.
    #[test]
    fn a_department_cue_picks_the_department_over_its_capital() {
        let department = "geonames:3919966";
        let city = "geonames:3919968";
        let cases = [
            ("Police found a lab in the department of Cochabamba, Bolivia.", department),
            ("Police found a lab in Cochabamba department, Bolivia.", department),
            ("Police found a lab in the Cochabamba Department of Bolivia.", department),
            ("Police found a lab in Cochabamba, Bolivia.", city),
        ];
        for (text, want) in cases {
            assert_eq!(id_of(&mentions(text), "Cochabamba"), want, "{text}");
        }
    }

    #[test]
    fn a_place_inside_a_group_or_person_name_is_not_a_place() {
        let found = mentions("The Sinaloa Cartel fought in Culiacán, Mexico, said Victoria Pérez.");
        assert!(has(&found, "Sinaloa Cartel", "criminal_group"), "{found:?}");
        assert!(!found.iter().any(|(t, _, _)| t == "Sinaloa"), "{found:?}");
        assert!(has(&found, "Culiacán", "location"), "{found:?}");
        assert!(has(&found, "Victoria Pérez", "person"), "{found:?}");
    }

    #[test]
    fn a_demonym_before_police_is_an_agency_and_a_country() {
        let found = mentions("Bolivian police arrested two men.");
        assert!(has(&found, "Bolivian police", "agency"), "{found:?}");
        assert!(has(&found, "Bolivian", "country"), "{found:?}");
    }

    #[test]
    fn an_acronym_defined_after_its_first_use_is_linked() {
        let found = mentions("The ZRB said it would act. Later the Zona Roja Brigade (ZRB) seized arms in Peru.");
        let ids: FxHashSet<String> = found.iter().filter(|(t, _, _)| t == "ZRB").map(|f| f.2.clone()).collect();
        assert_eq!(ids.len(), 1, "{found:?}");
        assert_eq!(found.iter().filter(|(t, _, _)| t == "ZRB").count(), 2, "{found:?}");
        assert_eq!(id_of(&found, "Zona Roja Brigade"), id_of(&found, "ZRB"));
    }

    #[test]
    fn a_newspaper_named_only_after_reported_is_media() {
        let found = mentions("Police seized the drugs in Bolivia, reported El Diario Andino.");
        assert!(has(&found, "El Diario Andino", "media"), "{found:?}");
        let found = mentions("Police seized the drugs in Bolivia, reported El Deber.");
        assert_eq!(id_of(&found, "El Deber"), "media:el-deber");
    }

    #[test]
    fn a_gang_named_after_its_kind_word_keeps_the_dictionary_id() {
        let found = mentions("En Ecuador, la banda Los Lobos controla el puerto.");
        assert_eq!(id_of(&found, "Los Lobos"), "group:los-lobos", "{found:?}");
    }

    #[test]
    fn a_nickname_after_a_name_is_that_person() {
        let found = mentions("Police extradited Jose Luis Ramirez, alias \"El Flaco\", to the United States.");
        assert_eq!(id_of(&found, "El Flaco"), id_of(&found, "Jose Luis Ramirez"), "{found:?}");
    }

    #[test]
    fn two_names_of_an_ambiguous_entity_settle_it() {
        let found = mentions("A droga pertencia ao Primeiro Comando da Capital (PCC), segundo a polícia.");
        assert_eq!(id_of(&found, "PCC"), "group:pcc", "{found:?}");
        assert_eq!(id_of(&found, "Primeiro Comando da Capital"), "group:pcc", "{found:?}");
    }

    #[test]
    fn spanish_articles_and_agencies() {
        let found = mentions(
            "Según la Policía Nacional del Perú, el Cártel de Sinaloa opera en Lima con apoyo del Tren de Aragua.",
        );
        assert!(found.iter().any(|(_, ty, _)| ty == "agency"), "{found:?}");
        assert!(has(&found, "Cártel de Sinaloa", "criminal_group"), "{found:?}");
        assert!(has(&found, "Tren de Aragua", "criminal_group"), "{found:?}");
        assert!(has(&found, "Lima", "location"), "{found:?}");
    }

    #[test]
    fn aliases_are_found_whole_and_overlapping() {
        let owner = |name: &str| Candidate {
            start: 0,
            end: 0,
            entity_type: "person",
            entity_id: format_compact!("person:{name}"),
            canonical: name.into(),
            country: None,
            lat: None,
            lon: None,
            method: "given name",
            confidence: 0.8,
            priority: 4,
            nests_countries: false,
        };
        let aliases: FxHashMap<CompactString, Candidate> =
            ["Luna", "García-Luna", "Ávila", "DEA"].iter().map(|a| (CompactString::new(a), owner(a))).collect();
        let text = "García-Luna met Luna's aide; Lunares, xLuna, éLuna and ÁvilaX are none. Ávila, (DEA) DEAs.";
        let mut found: Vec<(&str, &str)> = whole_word_occurrences(text, &aliases)
            .into_iter()
            .map(|(start, end, owner)| (&text[start..end], owner.canonical.as_str()))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [("DEA", "DEA"), ("García-Luna", "García-Luna"), ("Luna", "Luna"), ("Luna", "Luna"), ("Ávila", "Ávila")]
        );
    }

    /// Eight bytes at a time finds what a search for each alias finds: on
    /// drawn texts of capitals, lowercase, digits, spaces, punctuation and
    /// accented letters, with aliases that open with a capital or an accent
    /// (the fast path) and, in every third text, one that opens lowercase.
    #[test]
    fn aliases_are_found_eight_bytes_at_a_time_as_one_by_one() {
        let owner = |name: &str| Candidate {
            start: 0,
            end: 0,
            entity_type: "organization",
            entity_id: name.into(),
            canonical: name.into(),
            country: None,
            lat: None,
            lon: None,
            method: "acronym",
            confidence: 0.8,
            priority: 4,
            nests_countries: false,
        };
        let pieces = ["A", "AB", "B", "Ab", "Z", "a", "ab", "b", " ", " ", ".", "-", "1", "É", "é", "Ñ", "\n"];
        for (round, text) in
            crimefacts_model::draw::Draw::new(0x5eed_0001).texts(&pieces, 3000, 61).into_iter().enumerate()
        {
            let mut names = vec!["AB", "Ab", "ÉA", "A", "Ñb-A", "Zb"];
            if round % 3 == 0 {
                names.push("ab");
            }
            let aliases: FxHashMap<CompactString, Candidate> =
                names.iter().map(|a| (CompactString::new(a), owner(a))).collect();
            let mut found: Vec<(usize, &str)> = whole_word_occurrences(&text, &aliases)
                .into_iter()
                .map(|(start, _, owner)| (start, owner.canonical.as_str()))
                .collect();
            found.sort();
            let mut expected: Vec<(usize, &str)> = names
                .iter()
                .flat_map(|&name| {
                    let text = &text;
                    (0..text.len())
                        .filter(move |&i| text.is_char_boundary(i) && text[i..].starts_with(name))
                        .map(move |i| (i, name))
                })
                .filter(|&(start, name)| crate::is_word(&text, start, start + name.len()))
                .collect();
            expected.sort();
            assert_eq!(found, expected, "{text:?}");
        }
    }

    /// The long form and acronym worked out around a match are the groups
    /// the pattern itself gives, on drawn texts of names, particles, spaces
    /// (a no-break one too) and parentheses.
    #[test]
    fn acronym_groups_worked_out_are_the_patterns_own() {
        #[rustfmt::skip]
        let pieces = [
            "Zona", "Roja", "Brigade", "Ávila", "de", "the", "x", " ", "  ", "\u{a0}", "\n", "(", ")", "(ZRB)",
            "ZRB", "Zr", "É", "-", "’", "Zona Roja Brigade (ZRB)", "Unidad  de\u{a0}Ávila (UdA)",
        ];
        let mut matched = 0;
        for text in crimefacts_model::draw::Draw::new(0x5eed_0002).texts(&pieces, 20_000, 13) {
            for c in ACRONYM_AFTER.captures_iter(&text) {
                let whole = c.get(0).expect("match").range();
                let groups = (c.get(1).expect("group").range(), c.get(2).expect("group").range());
                assert_eq!(long_and_short_around(&text, whole), groups, "{text:?}");
                matched += 1;
            }
        }
        assert!(matched > 200, "only {matched} matches were drawn");
    }

    #[test]
    fn surnames_and_forms_of_a_name_share_one_id() {
        let found = mentions("Vice Minister Felipe Cáceres met the press. Later Cáceres said Bolivia would act.");
        let full = id_of(&found, "Felipe Cáceres");
        assert!(full.starts_with("person:"), "{found:?}");
        assert_eq!(id_of(&found, "Cáceres"), full);
    }

    #[test]
    fn a_place_the_text_puts_in_another_country_keeps_its_gazetteer_answer_with_less_confidence() {
        let doc = DocRows::default();
        let text = "Traffickers travel to Callao in Bolivia and to Lima, Peru.";
        let mentions = finder().find(&doc, &TextView::new(text));
        let callao = mentions.iter().find(|m| m.text == "Callao").unwrap();
        assert_eq!(callao.country.as_deref(), Some("PE"));
        assert!(callao.confidence <= 0.5);
        let lima = mentions.iter().find(|m| m.text == "Lima").unwrap();
        assert!(lima.confidence > 0.5);
    }

    /// Group phrases searched only in the segments that hold one of their
    /// words find what a search of the whole text finds, on drawn texts of
    /// names, the words in other cases, punctuation, `_` and spaces.
    #[test]
    fn group_phrases_searched_in_windows_are_those_of_a_whole_search() {
        #[rustfmt::skip]
        let pieces = [
            "Rosales", "Úsuga", "Los", "Las", "de", "el", "clan", "Clan", "CLAN", "cartel", "Cártel", "gang", "banda",
            "pandilla", "family", "clans", " ", "  ", "\n", ",", ".", "-", "_", "'", "é", "the Rosales clan",
            "Clan del Golfo", "banda de Los Pulpos",
        ];
        let mut matched = 0;
        for text in crimefacts_model::draw::Draw::new(0x5eed_0007).texts(&pieces, 20_000, 12) {
            let expected: Vec<Range<usize>> = GROUP_PHRASE.find_iter(&text).map(|m| m.range()).collect();
            let found: Vec<Range<usize>> =
                matches_in(&text, GROUP_PHRASE_WINDOWS.windows(&text), &GROUP_PHRASE).map(|m| m.range()).collect();
            assert_eq!(found, expected, "{text:?}");
            matched += expected.len();
        }
        assert!(matched > 5_000, "only {matched} group phrases were drawn");
    }

    #[test]
    fn places_prefer_the_documents_country_and_skip_small_towns_abroad() {
        let found = mentions("In Bolivia, police raided a lab in Santa Cruz.");
        let santa_cruz = id_of(&found, "Santa Cruz");
        assert!(santa_cruz.starts_with("geonames:"), "{found:?}");
        let found = mentions("Police said nothing.");
        assert!(found.is_empty(), "{found:?}");
    }
}
