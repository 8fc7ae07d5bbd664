//! People: a capitalized name that starts with a known given name, a name after
//! a title or role ("Minister of Defense Reymi Ferreira", "el fiscal Juan
//! Pérez"), a name next to a speech verb ("said Theo Roncken", "según Ana
//! Soto"), and nicknames ("alias 'Otoniel'", `Joaquín "El Chapo" Guzmán`).

use std::sync::LazyLock;

use regex::Regex;
use regex_automata::meta;
use rustc_hash::FxHashSet;

use crate::scan::{capital_or_non_ascii, captures_at_starts, matches_at_starts, uppercase_starts};
use crate::windows::{WordWindows, captures_in};

const GIVEN_NAMES: &str = include_str!("../data/given_names.txt");

/// A capitalized name of one to four words, with Spanish/Portuguese particles.
/// Its words are apart by spaces and at most one line break: a name may wrap
/// to the next line but never runs into the next paragraph ("Tomás
/// Ferreira\n\nBy ..." is two things).
const NAME: &str = r"\p{Lu}[\p{Ll}'’-]+(?:(?:[^\S\n]+\n?|\n)[^\S\n]*(?:(?:de|del|da|das|do|dos|la|van|von|y|e)(?:[^\S\n]+\n?|\n)[^\S\n]*)?\p{Lu}[\p{Ll}'’-]+){0,3}";

static TITLED: LazyLock<Regex> = LazyLock::new(|| {
    let titles = [
        "President",
        "Vice President",
        "former President",
        "Minister",
        "Vice Minister",
        "Deputy Minister",
        "Interior Minister",
        "Defense Minister",
        "Security Minister",
        "Senator",
        "Congressman",
        "Congresswoman",
        "Governor",
        "Mayor",
        "General",
        "Gen\\.",
        "Colonel",
        "Col\\.",
        "Lieutenant",
        "Lt\\.",
        "Major",
        "Captain",
        "Capt\\.",
        "Commander",
        "Admiral",
        "Sergeant",
        "Judge",
        "judge",
        "Prosecutor",
        "prosecutor",
        "Attorney General",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "director",
        "Director",
        "analyst",
        "expert",
        "specialist",
        "researcher",
        "investigator",
        "journalist",
        "coordinator",
        "commander",
        "Presidente",
        "presidente",
        "expresidente",
        "Ministro",
        "ministro",
        "Ministra",
        "ministra",
        "Viceministro",
        "viceministro",
        "Viceministra",
        "viceministra",
        "general",
        "Coronel",
        "coronel",
        "Teniente",
        "teniente",
        "Capitán",
        "capitán",
        "Comandante",
        "comandante",
        "Almirante",
        "Fiscal",
        "fiscal",
        "Juez",
        "juez",
        "vocero",
        "vocera",
        "portavoz",
        "directora",
        "analista",
        "experto",
        "experta",
        "especialista",
        "investigador",
        "investigadora",
        "periodista",
        "alcalde",
        "alcaldesa",
        "gobernador",
        "gobernadora",
        "senador",
        "senadora",
        "diputado",
        "diputada",
        "delegado",
        "Dr\\.",
        "Dra\\.",
        "Sr\\.",
        "Sra\\.",
        "Mr\\.",
        "Ms\\.",
        "Mrs\\.",
        "delegado",
        "procurador",
        "procuradora",
        "deputado",
        "deputada",
        "prefeito",
        "prefeita",
        "governador",
        "delegada",
    ];
    let titles = titles.join("|");
    Regex::new(&format!(
        r"(?:{titles})(?:\s+(?:of|de|del|da|do|for|para)\s+(?:the\s+|la\s+|el\s+)?\p{{Lu}}\p{{L}}+(?:\s+(?:and|y|e|of|de)?\s*\p{{Lu}}\p{{L}}+)*?)?,?\s+({NAME})"
    ))
    .expect("static")
});

static SPEAKER_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?:(?-u:\b)said|(?-u:\b)says|(?-u:\b)according to|(?-u:\b)según|(?-u:\b)segun|(?-u:\b)dijo|(?-u:\b)de acuerdo con|(?-u:\b)segundo|(?-u:\b)disse|(?-u:\b)told)\s+({NAME})"
    ))
    .expect("static")
});

/// The verbs of "X said", each match of [`SPEAKER_BEFORE`] ending with one.
const SPEECH_VERBS_AFTER_NAME: &[&str] = &[
    "said",
    "says",
    "told",
    "stated",
    "explained",
    "added",
    "warned",
    "dijo",
    "afirmó",
    "señaló",
    "explicó",
    "declaró",
    "aseguró",
    "disse",
    "afirmou",
    "declarou",
];

static SPEAKER_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    let verbs = SPEECH_VERBS_AFTER_NAME.join("|");
    Regex::new(&format!(r"({NAME}),?\s+(?:{verbs})(?-u:\b)")).expect("static")
});

/// Where "X said" can match: the segments that hold a speech verb. A match
/// holds letters, spaces, and of ASCII punctuation only `'`, `-` (in names)
/// and `,`.
static SPEAKER_BEFORE_WINDOWS: LazyLock<WordWindows> =
    LazyLock::new(|| WordWindows::new(b"',-", SPEECH_VERBS_AFTER_NAME));

/// First "Nick" Last: the full name and the nickname are one person. Only
/// tried where [`nickname_starts`] says a match can start.
const NICKNAMED: &str =
    r#"(\p{Lu}\p{Ll}+)\s+["“'‘]((?:El|La|Los)\s+)?(\p{Lu}\p{L}+)["”'’]\s+(\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)?)"#;
static NICKNAMED_RE: LazyLock<meta::Regex> = LazyLock::new(|| meta::Regex::new(NICKNAMED).expect("static"));

/// Every offset a [`NICKNAMED`] match can start at, in order: it opens with
/// the capitalized word right before the spaces before an opening quote, so
/// the candidates are the capitals (and non-ASCII characters) of the word
/// before each quote that follows a space. Quotes are few among a text's
/// bytes, and `memchr` passes over the rest many bytes at a time.
fn nickname_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    for quote in memchr::memchr3_iter(b'"', b'\'', 0xe2, bytes) {
        if bytes[quote] == 0xe2 && !text[quote..].starts_with(['“', '‘']) {
            continue;
        }
        let word_end = text[..quote].trim_end_matches(char::is_whitespace).len();
        if word_end == quote {
            continue;
        }
        let word_start = text[..word_end]
            .rfind(char::is_whitespace)
            .map_or(0, |space| space + text[space..].chars().next().map_or(1, char::len_utf8));
        let first_new = starts.last().map_or(word_start, |&last: &usize| word_start.max(last + 1));
        starts.extend((first_new..word_end).filter(|&at| capital_or_non_ascii(bytes[at]) && text.is_char_boundary(at)));
    }
    starts
}

static ALIAS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:(?-u:\b)alias|(?-u:\b)known as|(?-u:\b)conocido como|(?-u:\b)apodado|(?-u:\b)vulgo|(?-u:\b)a\.k\.a\.)\s+["“'‘]?((?:El|La)\s+)?\p{Lu}\p{L}+["”'’]?"#)
        .expect("static")
});

/// Capitalized words that end a name: what follows a title is an office or
/// a place as often as a person.
const NOT_NAME_WORDS: &[&str] = &[
    "Police",
    "Ministry",
    "Army",
    "Navy",
    "Force",
    "Forces",
    "Office",
    "Department",
    "Directorate",
    "Agency",
    "Cartel",
    "Policía",
    "Ministerio",
    "Ejército",
    "Armada",
    "Fuerza",
    "Fuerzas",
    "Fiscalía",
    "Polícia",
    "Government",
    "Gobierno",
    "Governo",
    "Congress",
    "Congreso",
    "Senate",
    "Senado",
    "Court",
    "Corte",
    "Tribunal",
    "National",
    "Nacional",
    "General",
    "State",
    "Estado",
    "United",
    "Unidos",
    "Republic",
    "República",
    "Administration",
    "Analysis",
    "Crime",
    "News",
    "The",
    "This",
    "That",
    "In",
    "On",
    "At",
];

pub struct PersonFinder {
    given: FxHashSet<String>,
}

/// A person found in a text: the span, the name to use as canonical, and a
/// nickname that names the same person.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundPerson {
    pub start: usize,
    pub end: usize,
    pub name: String,
    pub method: &'static str,
    pub confidence: f64,
}

impl PersonFinder {
    pub fn load() -> Self {
        let given = GIVEN_NAMES.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_lowercase).collect();
        Self { given }
    }

    /// Asked of every capitalized word run in a text.
    fn is_given(&self, word: &str) -> bool {
        crimefacts_model::with_lowercase(word, |lower| self.given.contains(lower))
    }

    #[cfg(test)]
    pub fn find(&self, text: &str) -> Vec<FoundPerson> {
        let mut found = Vec::new();
        for part in Cue::ALL {
            self.find_by(part, text, &mut found);
        }
        found
    }

    /// Appends the people one kind of cue finds in `text`. [`find`](Self::find)
    /// is every cue in the order of [`Cue::ALL`]; a batch runs each cue over
    /// all its documents in turn.
    pub(crate) fn find_by(&self, cue: Cue, text: &str, found: &mut Vec<FoundPerson>) {
        let mut push = |start: usize, end: usize, method: &'static str, confidence: f64| {
            if let Some((s, e, name)) = trim_name(text, start, end) {
                found.push(FoundPerson { start: s, end: e, name, method, confidence });
            }
        };
        match cue {
            // Full names written around a quoted nickname keep their whole span.
            Cue::Nickname => {
                for c in captures_at_starts(&NICKNAMED_RE, text, nickname_starts(text)) {
                    let whole = c.get_match().expect("a match");
                    let group = |i| &text[c.get_group(i).expect("a group of every match").range()];
                    let name = format!("{} {}", group(1), group(4));
                    found.push(FoundPerson {
                        start: whole.start(),
                        end: whole.end(),
                        name,
                        method: "nickname",
                        confidence: 0.85,
                    });
                }
            }
            Cue::Title => {
                for c in TITLED.captures_iter(text) {
                    let m = c.get(1).expect("group");
                    push(m.start(), m.end(), "title", 0.85);
                }
            }
            Cue::Speech => {
                let speaker_before = captures_in(text, SPEAKER_BEFORE_WINDOWS.windows(text), &SPEAKER_BEFORE);
                for c in SPEAKER_AFTER.captures_iter(text).chain(speaker_before) {
                    let m = c.get(1).expect("group");
                    push(m.start(), m.end(), "speech cue", 0.75);
                }
            }
            // A name opens with an uppercase letter: only those are tried.
            Cue::GivenName => {
                for name in matches_at_starts(&NAME_RE, text, uppercase_starts(text)) {
                    let first = text[name.clone()].split_whitespace().next().unwrap_or("");
                    if self.is_given(first) {
                        push(name.start, name.end, "given name", 0.8);
                    }
                }
            }
            Cue::Alias => {
                for c in ALIAS.captures_iter(text) {
                    let m = c.get(0).expect("match");
                    let Some(first_capital) = m.as_str().find(|ch: char| ch.is_uppercase()) else { continue };
                    let nick =
                        text[m.start() + first_capital..m.end()].trim_end_matches(|ch: char| !ch.is_alphanumeric());
                    let start = m.start() + first_capital;
                    found.push(FoundPerson {
                        start,
                        end: start + nick.len(),
                        name: nick.to_string(),
                        method: "nickname",
                        confidence: 0.8,
                    });
                }
            }
        }
    }
}

/// What tells the people finder that a name is a person's, each with its own
/// patterns.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Cue {
    /// First "Nick" Last.
    Nickname,
    /// "General Juan Pérez".
    Title,
    /// "said Juan Pérez", "Juan Pérez said".
    Speech,
    /// A capitalized run opening with a given name.
    GivenName,
    /// "alias El Gordo".
    Alias,
}

impl Cue {
    pub(crate) const ALL: [Cue; 5] = [Cue::Nickname, Cue::Title, Cue::Speech, Cue::GivenName, Cue::Alias];
}

static NAME_RE: LazyLock<meta::Regex> = LazyLock::new(|| meta::Regex::new(NAME).expect("static"));

const PARTICLES: &[&str] = &["de", "del", "da", "das", "do", "dos", "la", "y", "e", "van", "von"];

/// Capitalized words that start sentences or name offices, never a name's first word.
const NOT_FIRST_WORDS: &[&str] = &[
    "Later",
    "But",
    "However",
    "Then",
    "Also",
    "Meanwhile",
    "According",
    "After",
    "Before",
    "While",
    "When",
    "Since",
    "Although",
    "Both",
    "Its",
    "Their",
    "His",
    "Her",
    "Our",
    "Former",
    "Then-President",
    "Defense",
    "Defence",
    "Social",
    "Security",
    "Interior",
    "Justice",
    "Foreign",
    "Affairs",
    "Public",
    "Economy",
    "Finance",
    "Health",
    "Education",
    "Defensa",
    "Seguridad",
    "Justicia",
    "Relaciones",
    "Exteriores",
    "Pero",
    "Sin",
    "Embargo",
    "Luego",
    "Además",
    "Según",
    "Mientras",
    "Cuando",
    "Desde",
    "Aunque",
    "Também",
    "Mas",
    "Depois",
    "Segundo",
    "Enquanto",
    "Quando",
    "Bolivian",
    "Peruvian",
    "Colombian",
    "Mexican",
    "Brazilian",
    "El",
    "La",
    "Los",
    "Las",
    "The",
    "O",
    "A",
    "Os",
    "As",
    // titles and offices
    "Vice",
    "Minister",
    "Ministers",
    "President",
    "Director",
    "Governor",
    "Mayor",
    "Senator",
    "Colonel",
    "Commander",
    "Chief",
    "Secretary",
    "Deputy",
    "Ministro",
    "Ministra",
    "Viceministro",
    "Viceministra",
    "Presidente",
    "Directora",
    "Gobernador",
    "Alcalde",
    "Coronel",
    "Comandante",
    "Secretario",
    "Jefe",
];

/// Cuts a candidate at the first word that cannot be part of a name, and drops
/// particles left at its end ("Juan de"). Names need two words.
fn trim_name(text: &str, start: usize, end: usize) -> Option<(usize, usize, String)> {
    let span = &text[start..end];
    let mut words: Vec<(usize, &str)> = Vec::new();
    for word in span.split_whitespace() {
        if words.is_empty() && (NOT_FIRST_WORDS.contains(&word) || NOT_NAME_WORDS.contains(&word)) {
            continue;
        }
        // "Attorney General's Office": a possessive ends a name and means an office.
        if NOT_NAME_WORDS.contains(&word) || word.ends_with("'s") || word.ends_with("’s") {
            return None;
        }
        words.push((word.as_ptr() as usize - span.as_ptr() as usize, word));
    }
    while words.last().is_some_and(|(_, w)| PARTICLES.contains(w)) {
        words.pop();
    }
    let &(first_offset, _) = words.first()?;
    let &(offset, last) = words.last()?;
    if words.len() < 2 {
        return None;
    }
    let name = words.iter().map(|(_, w)| *w).collect::<Vec<_>>().join(" ");
    Some((start + first_offset, start + offset + last.len(), name))
}

/// Compiles this module's patterns now, so that the first document does not
/// wait for them (see `Extract::new`).
pub(crate) fn warm_up() {
    LazyLock::force(&TITLED);
    LazyLock::force(&SPEAKER_AFTER);
    LazyLock::force(&SPEAKER_BEFORE);
    LazyLock::force(&SPEAKER_BEFORE_WINDOWS);
    LazyLock::force(&NICKNAMED_RE);
    LazyLock::force(&ALIAS);
    LazyLock::force(&NAME_RE);
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;

    fn people(text: &str) -> Vec<(String, &'static str)> {
        PersonFinder::load().find(text).into_iter().map(|p| (p.name, p.method)).collect()
    }

    /// Trying the nickname pattern only where `nickname_starts` points finds
    /// every match, with every group, that a search of the whole text finds:
    /// on drawn texts of names, particles, every quote the pattern knows,
    /// other three-byte punctuation, and ASCII and Unicode spaces.
    #[test]
    fn nicknames_tried_at_their_starts_are_those_of_a_whole_search() {
        let whole_search = Regex::new(NICKNAMED).expect("the pattern compiles");
        #[rustfmt::skip]
        let pieces = [
            "Dairo", "Úsuga", "ÉL", "otoniel", "Los", "El", "La", "x", "A", " ", " ", "  ", "\t", "\n", "\u{a0}",
            "\u{2003}", "\"", "'", "“", "”", "‘", "’", "—", "…", ",", "Mc",
            // Whole matches, for the drawn texts to hold many.
            "Dairo “Otoniel” Úsuga", "Juan 'El Chapo' Guzmán Loera", "Ana \u{a0}‘La Reina’\nSoto", "Luis \"Lucho\" ",
            "Óscar ‘Gordo’ Pérez",
        ];
        let mut matched = 0;
        for text in crimefacts_model::draw::Draw::new(0x5eed_0001).texts(&pieces, 20_000, 25) {
            let expected: Vec<Vec<Option<(usize, usize)>>> = whole_search
                .captures_iter(&text)
                .map(|c| c.iter().map(|g| g.map(|g| (g.start(), g.end()))).collect())
                .collect();
            let found: Vec<Vec<Option<(usize, usize)>>> =
                captures_at_starts(&NICKNAMED_RE, &text, nickname_starts(&text))
                    .iter()
                    .map(|c| (0..c.group_len()).map(|i| c.get_group(i).map(|g| (g.start, g.end))).collect())
                    .collect();
            assert_eq!(found, expected, "{text:?}");
            matched += expected.len();
        }
        assert!(matched > 200, "only {matched} matches were drawn");
    }

    /// Trying the name pattern only at uppercase letters finds the names a
    /// search of the whole text finds, on drawn texts of names, particles,
    /// apostrophes, hyphens, accented and other uppercase letters, and ASCII
    /// and Unicode spaces and line breaks.
    #[test]
    fn names_tried_at_uppercase_letters_are_those_of_a_whole_search() {
        let whole_search = Regex::new(NAME).expect("the pattern compiles");
        #[rustfmt::skip]
        let pieces = [
            "Ana", "Soto", "José", "Úsuga", "McDonald", "O'Brien", "D’Alessio", "Ñ", "Σ", "ǅ", "Ⅷ", "de", "del",
            "la", "van", "y", "e", "x", "ana", "-", "’", " ", " ", "  ", "\t", "\n", "\n\n", "\r", "\u{a0}",
            "\u{2003}", ".", ",",
        ];
        let mut matched = 0;
        for text in crimefacts_model::draw::Draw::new(0x5eed_0004).texts(&pieces, 20_000, 16) {
            let expected: Vec<Range<usize>> = whole_search.find_iter(&text).map(|m| m.range()).collect();
            assert_eq!(matches_at_starts(&NAME_RE, &text, uppercase_starts(&text)), expected, "{text:?}");
            matched += expected.len();
        }
        assert!(matched > 20_000, "only {matched} names were drawn");
    }

    /// "X said" searched only in the segments that hold a speech verb finds
    /// what a search of the whole text finds, on drawn texts of names, the
    /// verbs, the punctuation a match may hold and the punctuation that ends
    /// a segment, `_`, and spaces and line breaks.
    #[test]
    fn speakers_before_a_verb_searched_in_windows_are_those_of_a_whole_search() {
        #[rustfmt::skip]
        let pieces = [
            "Ana", "Soto", "José", "O'Brien", "D’Alessio", "de", "la", "x", "said", "says", "dijo", "afirmó", "Said",
            "saida", "told", " ", "  ", "\n", "\n\n", "\u{a0}", ",", ".", "-", "'", "_", "(", ";", "é",
            "Ana Soto said", "Juan Carlos Pérez, dijo", "María-José Díaz afirmó",
        ];
        let mut matched = 0;
        for text in crimefacts_model::draw::Draw::new(0x5eed_0006).texts(&pieces, 20_000, 16) {
            let expected: Vec<Range<usize>> =
                SPEAKER_BEFORE.captures_iter(&text).map(|c| c.get(1).expect("group").range()).collect();
            let found: Vec<Range<usize>> = captures_in(&text, SPEAKER_BEFORE_WINDOWS.windows(&text), &SPEAKER_BEFORE)
                .map(|c| c.get(1).expect("group").range())
                .collect();
            assert_eq!(found, expected, "{text:?}");
            matched += expected.len();
        }
        assert!(matched > 5_000, "only {matched} speakers were drawn");
    }

    #[test]
    fn titles_speech_cues_given_names_and_nicknames() {
        let found = people("Bolivian Minister of Defense Reymi Ferreira said the talks went well.");
        assert!(found.contains(&("Reymi Ferreira".into(), "title")), "{found:?}");
        let found = people("The truce will hold, said Ana Soto, a researcher.");
        assert!(found.iter().any(|(n, _)| n == "Ana Soto"), "{found:?}");
        let found = people("El fiscal Juan Carlos Pérez dijo que la red operaba en Santa Cruz.");
        assert!(found.iter().any(|(n, _)| n == "Juan Carlos Pérez"), "{found:?}");
        let found = people("drug kingpin Joaquin “El Chapo” Guzman was at one point");
        assert!(found.iter().any(|(n, m)| n == "Joaquin Guzman" && *m == "nickname"), "{found:?}");
        let found = people("capturaron a Dairo Antonio Úsuga, alias 'Otoniel', en Antioquia.");
        assert!(found.iter().any(|(n, _)| n == "Otoniel"), "{found:?}");
    }

    #[test]
    fn a_name_wraps_to_the_next_line_but_not_into_the_next_paragraph() {
        let found = people("The truce will hold, said Ana Soto\n\nMore Tomás Ferreira");
        assert!(!found.is_empty() && found.iter().all(|(n, _)| n == "Ana Soto"), "{found:?}");
        let found = people("The truce will hold, said Ana\nSoto, a researcher.");
        assert!(found.iter().any(|(n, _)| n == "Ana Soto"), "{found:?}");
    }

    #[test]
    fn offices_after_titles_are_not_people() {
        let found = people("The Attorney General Office said the National Police would act.");
        assert!(found.is_empty(), "{found:?}");
        let found = people("He was extradited, the Attorney General's Office said.");
        assert!(found.is_empty(), "{found:?}");
    }
}
