//! Country mentions from `data/countries.tsv` (see `data/README.md`).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};
use crimefacts_model::{CompactString, StageError, format_compact};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::entities::Candidate;
use crate::is_word;
use crate::scan::{PrefixFilter, word_starts};

const COUNTRIES_TSV: &str = include_str!("../data/countries.tsv");
const COUNTRY_POINTS_TSV: &str = include_str!("../data/country_points.tsv");

/// Phrases that contain a country name or alias but name something else; they
/// are matched (leftmost-longest) so that the shorter country name inside them
/// is not. "Latin America" is not the United States.
const NOT_A_COUNTRY: &[&str] = &[
    "Latin America",
    "South America",
    "Central America",
    "North America",
    "Americas",
    "América Latina",
    "Latinoamérica",
    "América del Sur",
    "América do Sul",
    "América Central",
    "América del Norte",
    "Sudamérica",
    "Suramérica",
    "Centroamérica",
    "Norteamérica",
    "New Mexico",
    "Nuevo México",
    "Novo México",
    "Guinea pig",
    "Turkey Point",
    "Jordan River",
    "Panama City",
    "Mexico City",
    "Ciudad de México",
    "Cidade do México",
    "Guatemala City",
    "Ciudad de Guatemala",
    "Kuwait City",
    "Vatican City",
    "Indian Ocean",
    "Océano Índico",
];

#[derive(Clone, Debug)]
struct Surface {
    iso2: CompactString,
    canonical: CompactString,
    kind: SurfaceKind,
    case_sensitive: bool,
    ambiguous: bool,
    text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SurfaceKind {
    /// A proper name or alias: capitalized in running text.
    Name,
    /// English demonym: capitalized ("Peruvian").
    DemonymCapitalized,
    /// Spanish or Portuguese demonym: usually lowercase ("peruano").
    DemonymAnyCase,
    Blocker,
}

/// Every ISO 3166-1 country by its names, aliases and demonyms in en/es/pt.
pub struct CountryGazetteer {
    /// Candidates per pattern: one surface can name several countries.
    patterns: Vec<Vec<Surface>>,
    matcher: AhoCorasick,
    /// What every surface opens with: few words of a text do.
    openings: PrefixFilter,
    /// Representative point of each country (GeoNames-derived).
    points: FxHashMap<String, (f64, f64)>,
}

impl CountryGazetteer {
    pub fn load() -> Result<Self, StageError> {
        let mut by_text: std::collections::BTreeMap<String, Vec<Surface>> = Default::default();
        for (n, line) in COUNTRIES_TSV.lines().enumerate().skip(1) {
            let fields: Vec<&str> = line.split('\t').collect();
            let [iso2, canonical, lang, kind, text, flags] = fields[..] else {
                return Err(StageError(format!("countries.tsv line {}: expected 6 tab-separated fields", n + 1)));
            };
            let kind = match (kind, lang) {
                ("demonym", "en") => SurfaceKind::DemonymCapitalized,
                ("demonym", _) => SurfaceKind::DemonymAnyCase,
                _ => SurfaceKind::Name,
            };
            let surface = Surface {
                iso2: iso2.into(),
                canonical: canonical.into(),
                kind,
                case_sensitive: flags.split(',').any(|f| f == "cs"),
                ambiguous: flags.split(',').any(|f| f == "amb"),
                text: text.to_string(),
            };
            let candidates = by_text.entry(text.to_string()).or_default();
            if !candidates.iter().any(|c| c.iso2 == surface.iso2) {
                candidates.push(surface);
            }
        }
        for blocker in NOT_A_COUNTRY {
            by_text.insert(
                blocker.to_string(),
                vec![Surface {
                    iso2: CompactString::default(),
                    canonical: CompactString::default(),
                    kind: SurfaceKind::Blocker,
                    case_sensitive: false,
                    ambiguous: false,
                    text: blocker.to_string(),
                }],
            );
        }
        let texts: Vec<&String> = by_text.keys().collect();
        // Matches are only tried where a word starts (see `candidates`).
        if let Some(odd) = texts.iter().find(|t| !t.starts_with(char::is_alphanumeric)) {
            return Err(StageError(format!("countries.tsv: {odd:?} does not start with a letter or digit")));
        }
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .ascii_case_insensitive(true)
            .build(&texts)
            .map_err(|e| StageError(format!("cannot build the country matcher: {e}")))?;
        let points = COUNTRY_POINTS_TSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let f: Vec<&str> = line.split('\t').collect();
                Some((f.first()?.to_string(), (f.get(2)?.parse().ok()?, f.get(3)?.parse().ok()?)))
            })
            .collect();
        let openings = PrefixFilter::new(texts.iter().map(|t| t.as_str()));
        Ok(Self { patterns: by_text.into_values().collect(), matcher, openings, points })
    }

    /// Whether a word is a country's name or demonym ("Mexican", "Bolivia").
    pub(crate) fn names_a_country(&self, word: &str) -> bool {
        self.matcher.find(Input::new(word).anchored(Anchored::Yes)).is_some_and(|m| m.end() == word.len())
    }

    /// Country mentions in `text`, as entity candidates (byte offsets).
    pub(crate) fn candidates(&self, text: &str) -> Vec<Candidate> {
        // (byte start, byte end, candidates), after case and word-boundary checks.
        let mut hits: Vec<(usize, usize, &[Surface])> = Vec::new();
        // Every surface starts with a letter or digit, so a match can only
        // start where a word does: the longest surface there is the one
        // leftmost-longest matching would report, and an accepted one hides the
        // word starts it covers. Anchored searches at word starts skip the
        // matches inside words that an unanchored scan would find and reject.
        // Most word starts open no surface: a filter of the surfaces' first
        // bytes turns nine in ten of them away before the automaton is run.
        let mut covered_until = 0;
        for start in word_starts(text) {
            if start < covered_until || !self.openings.may_start(text.as_bytes(), start) {
                continue;
            }
            let Some(m) = self.matcher.find(Input::new(text).span(start..text.len()).anchored(Anchored::Yes)) else {
                continue;
            };
            let (start, end) = (m.start(), m.end());
            let candidates = &self.patterns[m.pattern().as_usize()];
            if !is_word(text, start, end) || !case_fits(&candidates[0], &text[start..end]) {
                continue;
            }
            covered_until = end;
            if candidates[0].kind != SurfaceKind::Blocker {
                hits.push((start, end, candidates));
            }
        }
        // An ambiguous surface counts only for a country the document names
        // unambiguously elsewhere ("America" with "United States" nearby).
        let certain: FxHashSet<&str> = hits
            .iter()
            .filter(|(_, _, c)| c.len() == 1 && !c[0].ambiguous)
            .map(|(_, _, c)| c[0].iso2.as_str())
            .collect();
        let mut mentions = Vec::new();
        for (start, end, candidates) in hits {
            let chosen = if candidates.len() == 1 && !candidates[0].ambiguous {
                &candidates[0]
            } else {
                match candidates.iter().find(|c| certain.contains(c.iso2.as_str())) {
                    Some(c) => c,
                    None => continue,
                }
            };
            let confidence = match (chosen.ambiguous || candidates.len() > 1, chosen.kind) {
                (true, _) => 0.6,
                (false, SurfaceKind::Name) => 0.95,
                (false, _) => 0.9,
            };
            let point = self.points.get(chosen.iso2.as_str());
            mentions.push(Candidate {
                start,
                end,
                entity_type: "country",
                entity_id: format_compact!("iso:{}", chosen.iso2),
                canonical: chosen.canonical.clone(),
                country: Some(chosen.iso2.clone()),
                lat: point.map(|p| p.0),
                lon: point.map(|p| p.1),
                // A demonym often names people or goods, not a place.
                method: if chosen.kind == SurfaceKind::Name { "gazetteer" } else { "demonym" },
                confidence,
                priority: 3,
                nests_countries: false,
            });
        }
        mentions
    }
}

/// Case rules: flagged surfaces match exactly; names and English demonyms must
/// start with a capital (so "china" the porcelain and "chile" the pepper do not
/// match); Spanish and Portuguese demonyms may be lowercase.
fn case_fits(surface: &Surface, found: &str) -> bool {
    if surface.case_sensitive {
        return found == surface.text;
    }
    match surface.kind {
        SurfaceKind::Name | SurfaceKind::DemonymCapitalized => found.chars().next().is_some_and(char::is_uppercase),
        SurfaceKind::DemonymAnyCase | SurfaceKind::Blocker => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn countries(text: &str) -> Vec<(String, String)> {
        let gazetteer = CountryGazetteer::load().unwrap();
        gazetteer.candidates(text).into_iter().map(|m| (text[m.start..m.end].to_string(), m.entity_id.into())).collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn finds_names_demonyms_and_aliases_in_three_languages() {
        assert_eq!(
            countries("Bolivian police and the U.S. met in Perú; los peruanos y EE.UU. también, e o Brasil."),
            pairs(&[
                ("Bolivian", "iso:BO"),
                ("U.S.", "iso:US"),
                ("Perú", "iso:PE"),
                ("peruanos", "iso:PE"),
                ("EE.UU.", "iso:US"),
                ("Brasil", "iso:BR")
            ])
        );
    }

    #[test]
    fn respects_case_and_word_boundaries() {
        assert!(countries("a china cup with chile sauce, turkey for us").is_empty());
        assert!(countries("Perusing the Bolivianos").iter().all(|(t, _)| t != "Peru"));
    }

    #[test]
    fn a_country_starts_a_word_even_right_after_a_rejected_one() {
        assert_eq!(countries("Afro-Colombian"), pairs(&[("Colombian", "iso:CO")]));
        assert_eq!(countries("Perusing Bolivia"), pairs(&[("Bolivia", "iso:BO")]));
        assert!(countries("Peruvianos PeruBolivia xPeru").is_empty());
    }

    #[test]
    fn regions_named_after_a_country_are_not_that_country() {
        assert!(countries("drugs flow to Latin America and Central America").is_empty());
        assert_eq!(countries("America and Latin America"), vec![]);
        assert_eq!(
            countries("The United States said America will help."),
            pairs(&[("United States", "iso:US"), ("America", "iso:US")])
        );
    }

    #[test]
    fn countries_carry_a_representative_point() {
        let gazetteer = CountryGazetteer::load().unwrap();
        let found = gazetteer.candidates("Bolivia");
        assert!(found[0].lat.is_some() && found[0].lon.is_some());
    }

    #[test]
    fn the_opening_filter_passes_every_place_a_surface_matches() {
        let gazetteer = CountryGazetteer::load().unwrap();
        let mut pieces: Vec<String> = vec![" ".into(), "x".into(), "-".into(), "\n".into()];
        for surfaces in gazetteer.patterns.iter().step_by(5) {
            let text = &surfaces[0].text;
            pieces.extend([text.clone(), text.to_uppercase(), text.to_lowercase()]);
        }
        let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
        let mut matched = 0;
        for text in crimefacts_model::draw::Draw::new(0x5eed_0031).texts(&pieces, 500, 30) {
            for (at, _) in text.char_indices() {
                if gazetteer.matcher.find(Input::new(&text).span(at..text.len()).anchored(Anchored::Yes)).is_some() {
                    assert!(gazetteer.openings.may_start(text.as_bytes(), at), "{:?}", &text[at..]);
                    matched += 1;
                }
            }
        }
        assert!(matched > 5000, "only {matched} matches drawn");
    }
}
