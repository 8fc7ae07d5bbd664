//! Events: a trigger word (seized, arrested, dismantled, incautó, detuvo, ...)
//! makes a sentence state an event; what it acted on decides the type when the
//! verb alone does not ("destroyed 12 labs" is a lab dismantled, "destroyed 12
//! airstrips" a destruction). Each event takes the amounts, places and actors of
//! its sentence, and a date from the sentence or, when the sentence continues
//! the previous one ("Additionally, they ..."), from that sentence.

use std::sync::LazyLock;

use crimefacts_model::{Amount, CompactString, DateMention, DocRows, Event, Mention, format_compact, static_cell};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::sentence_run;

/// Verbs and nouns that state an event of one type whatever their object.
const TRIGGERS: &[(&str, &str)] = &[
    ("seized", "seizure"),
    ("seize", "seizure"),
    ("seizes", "seizure"),
    ("seizing", "seizure"),
    ("confiscated", "seizure"),
    ("impounded", "seizure"),
    ("intercepted", "seizure"),
    ("incautó", "seizure"),
    ("incautaron", "seizure"),
    ("incautan", "seizure"),
    ("incautado", "seizure"),
    ("incautados", "seizure"),
    ("incautada", "seizure"),
    ("incautadas", "seizure"),
    ("decomisado", "seizure"),
    ("decomisados", "seizure"),
    ("decomisada", "seizure"),
    ("decomisadas", "seizure"),
    ("apreendido", "seizure"),
    ("apreendida", "seizure"),
    ("capturados", "arrest"),
    ("capturadas", "arrest"),
    ("detenidos", "arrest"),
    ("detenidas", "arrest"),
    ("presos", "arrest"),
    ("presas", "arrest"),
    ("desmantelado", "lab_dismantled"),
    ("desmantelados", "lab_dismantled"),
    ("decomisó", "seizure"),
    ("decomisaron", "seizure"),
    ("apreendeu", "seizure"),
    ("apreenderam", "seizure"),
    ("apreendidos", "seizure"),
    ("apreendidas", "seizure"),
    ("arrested", "arrest"),
    ("detained", "arrest"),
    ("apprehended", "arrest"),
    ("detuvo", "arrest"),
    ("detuvieron", "arrest"),
    ("capturó", "arrest"),
    ("capturaron", "arrest"),
    ("arrestó", "arrest"),
    ("arrestaron", "arrest"),
    ("aprehendió", "arrest"),
    ("aprehendieron", "arrest"),
    ("prendeu", "arrest"),
    ("prenderam", "arrest"),
    ("dismantled", "lab_dismantled"),
    ("desmanteló", "lab_dismantled"),
    ("desmantelaron", "lab_dismantled"),
    ("eradicated", "eradication"),
    ("eradication", "eradication"),
    ("erradicó", "eradication"),
    ("erradicaron", "eradication"),
    ("erradicación", "eradication"),
    ("erradicação", "eradication"),
    ("extradited", "extradition"),
    ("extradition", "extradition"),
    ("extraditado", "extradition"),
    ("extraditada", "extradition"),
    ("extradición", "extradition"),
    ("extraditó", "extradition"),
    ("killed", "killing"),
    ("murdered", "killing"),
    ("assassinated", "killing"),
    ("asesinado", "killing"),
    ("asesinados", "killing"),
    ("asesinó", "killing"),
    ("assassinado", "killing"),
    ("agreed", "agreement"),
    ("signed", "agreement"),
    ("acordaron", "agreement"),
    ("firmaron", "agreement"),
    ("assinaram", "agreement"),
    ("pactaron", "agreement"),
];

/// Verbs and nouns whose type depends on what they act on.
const OBJECT_TRIGGERS: &[&str] = &[
    "destroyed",
    "destroy",
    "destroys",
    "destruction",
    "destruyó",
    "destruyeron",
    "destrucción",
    "destruiu",
    "destruíram",
    "discovered",
    "discovery",
    "discoveries",
    "uncovered",
    "found",
    "raided",
    "descubrió",
    "descubrieron",
    "hallaron",
    "halló",
    "encontraron",
    "descobriu",
    "descobriram",
    "neutralized",
    "inutilizó",
];

/// Every trigger word with its type, `None` for the object triggers: one lookup
/// per word of every sentence instead of a scan of both lists. A word in both
/// lists keeps its trigger type, as the trigger list is read first.
struct TriggerWords {
    by_word: FxHashMap<&'static str, Option<&'static str>>,
    /// Bit `n` (at most 31) of entry `b`: a trigger word opens with byte `b`
    /// and is `n` bytes long. Most words of a sentence are ruled out by it
    /// without hashing them.
    shapes: [u32; 256],
}

impl TriggerWords {
    fn new() -> Self {
        let mut by_word: FxHashMap<&'static str, Option<&'static str>> = FxHashMap::default();
        for (word, kind) in TRIGGERS {
            by_word.entry(word).or_insert(Some(kind));
        }
        for word in OBJECT_TRIGGERS {
            by_word.entry(word).or_insert(None);
        }
        let mut shapes = [0u32; 256];
        for word in by_word.keys() {
            shapes[usize::from(word.as_bytes()[0])] |= shape_bit(word);
        }
        Self { by_word, shapes }
    }

    fn get(&self, word: &str) -> Option<Option<&'static str>> {
        let &first = word.as_bytes().first()?;
        if self.shapes[usize::from(first)] & shape_bit(word) == 0 {
            return None;
        }
        self.by_word.get(word).copied()
    }
}

fn shape_bit(word: &str) -> u32 {
    1 << word.len().min(31)
}

static TRIGGER_WORDS: LazyLock<TriggerWords> = LazyLock::new(TriggerWords::new);

const LAB_WORDS: &[&str] = &[
    "laboratory",
    "laboratories",
    "lab",
    "labs",
    "factory",
    "factories",
    "laboratorio",
    "laboratorios",
    "fábrica",
    "fábricas",
    "laboratório",
    "laboratórios",
    "cocina",
    "cocinas",
    "cristalizadero",
    "cristalizaderos",
];
const DESTRUCTION_WORDS: &[&str] = &[
    "airstrip",
    "airstrips",
    "strips",
    "plane",
    "planes",
    "aircraft",
    "boat",
    "boats",
    "vessels",
    "crops",
    "plantations",
    "pista",
    "pistas",
    "avioneta",
    "avionetas",
    "aeronaves",
    "embarcaciones",
    "cultivos",
    "plantaciones",
    "submarine",
    "semi-submersible",
];
/// Words that open a sentence which goes on with the previous one.
const CONTINUATIONS: &[&str] = &[
    "additionally",
    "also",
    "there",
    "then",
    "furthermore",
    "moreover",
    "in addition",
    "además",
    "asimismo",
    "también",
    "allí",
    "ahí",
    "além disso",
    "também",
    "lá",
];

/// The words of a lowercased sentence: runs of letters, digits and hyphens.
/// Every sentence is split, so an ASCII one (most) is split byte by byte
/// without decoding characters.
fn words(lower: &str) -> Vec<&str> {
    if !lower.is_ascii() {
        return words_of_any(lower);
    }
    let mut words = Vec::new();
    let mut start = None;
    for (at, &b) in lower.as_bytes().iter().enumerate() {
        match (b.is_ascii_alphanumeric() || b == b'-', start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                words.push(&lower[from..at]);
                start = None;
            }
            _ => {}
        }
    }
    words.extend(start.map(|from| &lower[from..]));
    words
}

fn words_of_any(lower: &str) -> Vec<&str> {
    lower.split(|c: char| !c.is_alphanumeric() && c != '-').filter(|w| !w.is_empty()).collect()
}

/// Events of a document, one per (type, sentence). Never inlined:
/// `just bench-instructions` counts each part of extract by its function.
#[inline(never)]
pub(crate) fn find_events(
    doc: &DocRows,
    mentions: &[Mention],
    amounts: &[Amount],
    dates: &[DateMention],
) -> Vec<Event> {
    let mut events = Vec::new();
    let mut previous_date: Option<&DateMention> = None;
    for sentence in &doc.sentences {
        let lower = crimefacts_model::lowercase(&sentence.text);
        let tokens = words(&lower);
        let mut types: Vec<&'static str> = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            let Some(trigger) = TRIGGER_WORDS.get(token) else { continue };
            if let Some(kind) = trigger {
                types.push(kind);
            } else {
                let window = &tokens[i + 1..(i + 9).min(tokens.len())];
                if window.iter().any(|w| LAB_WORDS.contains(w)) {
                    types.push("lab_dismantled");
                } else if window.iter().any(|w| DESTRUCTION_WORDS.contains(w)) {
                    types.push("destruction");
                }
            }
        }
        // "signed" and "agreed" state an agreement only about one ("signed a
        // decree" does not); "agreed to" does.
        if types.contains(&"agreement") {
            let about_agreement =
                ["agreement", "accord", "deal", "treaty", "acuerdo", "convenio", "acordo", "memorandum", "agreed"]
                    .iter()
                    .any(|w| tokens.iter().any(|t| t.starts_with(w)));
            if !about_agreement {
                types.retain(|t| *t != "agreement");
            }
        }
        let own_date = sentence_run(dates, sentence.sentence, |d| d.sentence).first();
        let first_word = tokens.first().copied().unwrap_or("");
        let continues = CONTINUATIONS.contains(&first_word)
            || CONTINUATIONS.iter().any(|c| c.contains(' ') && lower.starts_with(c));
        let date = own_date.or(if continues { previous_date } else { None });
        if own_date.is_some() {
            previous_date = own_date;
        } else if !continues {
            previous_date = None;
        }

        let mut seen = FxHashSet::default();
        for kind in types {
            if !seen.insert(kind) {
                continue;
            }
            let ids = |types: &[&str]| -> Vec<CompactString> {
                let mut seen = FxHashSet::default();
                sentence_run(mentions, sentence.sentence, |m| m.sentence)
                    .iter()
                    .filter(|m| types.contains(&m.entity_type.as_str()))
                    .filter(|m| seen.insert(&m.entity_id))
                    .map(|m| m.entity_id.clone())
                    .collect()
            };
            let period = date.is_some_and(|d| d.grain == "period" || d.grain == "year");
            events.push(Event {
                event_id: format_compact!("{}:e{}", doc.document.doc_id, events.len()),
                doc_id: doc.document.doc_id.clone(),
                sentence: sentence.sentence,
                event_type: static_cell(kind),
                scope: static_cell(if period { "period_total" } else { "incident" }),
                date_start: date.and_then(|d| d.date_start),
                date_end: date.and_then(|d| d.date_end),
                actors: ids(&["agency", "criminal_group", "person", "organization"]),
                places: ids(&["location", "country"]),
                amounts: sentence_run(amounts, sentence.sentence, |a| a.sentence)
                    .iter()
                    .map(|a| a.amount_id.clone())
                    .collect(),
                source: None,
                text: sentence.text.clone(),
            });
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use crimefacts_model::{Document, Sentence};

    use super::*;

    fn doc(sentences: &[&str]) -> DocRows {
        let mut doc = DocRows {
            document: Document {
                doc_id: "d".into(),
                published: NaiveDate::from_ymd_opt(2015, 7, 22),
                ..Document::default()
            },
            ..DocRows::default()
        };
        for (i, s) in sentences.iter().enumerate() {
            doc.sentences.push(Sentence {
                doc_id: "d".into(),
                sentence: i as i64,
                start: 0,
                end: 0,
                text: CompactString::new(s),
            });
        }
        doc
    }

    fn date(sentence: i64, start: &str, end: &str, grain: &str) -> DateMention {
        DateMention {
            doc_id: "d".into(),
            sentence,
            start: 0,
            end: 0,
            text: Default::default(),
            date_start: NaiveDate::parse_from_str(start, "%Y-%m-%d").ok(),
            date_end: NaiveDate::parse_from_str(end, "%Y-%m-%d").ok(),
            grain: grain.into(),
        }
    }

    /// Splitting byte by byte gives the words the general split gives.
    #[test]
    fn ascii_sentences_split_as_any_other() {
        let pieces = ["seized", "narco-sub", "2", "-", "--", " ", ",", ".", "'", "(", "_", "\t", "é", "ñandú", "x"];
        for text in crimefacts_model::draw::Draw::new(0x5eed_0003).texts(&pieces, 20_000, 12) {
            assert_eq!(super::words(&text), super::words_of_any(&text), "{text:?}");
        }
    }

    /// The shape filter never hides a trigger word: the lookup answers as
    /// the map does for every trigger word, its prefixes and drawn words.
    #[test]
    fn trigger_lookup_answers_as_the_map() {
        let mut words: Vec<String> = TRIGGER_WORDS.by_word.keys().map(|w| w.to_string()).collect();
        let prefixes: Vec<String> =
            words.iter().flat_map(|w| w.char_indices().map(|(i, _)| w[..i].to_string())).collect();
        words.extend(prefixes);
        let pieces = ["seiz", "ed", "arrest", "s", "dismantl", "é", "ñ", "lab", "captur", "-", "x", "destruyó"];
        words.extend(crimefacts_model::draw::Draw::new(0x5eed_0004).texts(&pieces, 20_000, 4));
        for word in &words {
            assert_eq!(TRIGGER_WORDS.get(word), TRIGGER_WORDS.by_word.get(word.as_str()).copied(), "{word:?}");
        }
        assert!(words.len() > 20_000);
    }

    #[test]
    fn every_trigger_word_keeps_the_type_its_list_gives_first() {
        for word in OBJECT_TRIGGERS {
            let listed = TRIGGERS.iter().find(|(w, _)| w == word).map(|(_, kind)| *kind);
            assert_eq!(TRIGGER_WORDS.by_word[word], listed, "{word}");
        }
        for (word, _) in TRIGGERS {
            let first = TRIGGERS.iter().find(|(w, _)| w == word).map(|(_, kind)| *kind);
            assert_eq!(TRIGGER_WORDS.by_word[word], first, "{word}");
        }
        assert_eq!(TRIGGER_WORDS.by_word.len(), {
            let mut all: Vec<&str> = TRIGGERS.iter().map(|(w, _)| *w).chain(OBJECT_TRIGGERS.iter().copied()).collect();
            all.sort_unstable();
            all.dedup();
            all.len()
        });
    }

    #[test]
    fn a_sentence_with_two_events_and_a_carried_date() {
        let d = doc(&[
            "Police seized 53 tons of marijuana between January 1 and June 30 of this year.",
            "Additionally, they dismantled 1,581 cocaine laboratories and arrested 1,823 suspects.",
            "The minister praised the work.",
        ]);
        let dates = [date(0, "2015-01-01", "2015-06-30", "period")];
        let events = find_events(&d, &[], &[], &dates);
        let summary: Vec<(i64, &str, &str, Option<String>)> = events
            .iter()
            .map(|e| (e.sentence, e.event_type.as_str(), e.scope.as_str(), e.date_end.map(|x| x.to_string())))
            .collect();
        assert_eq!(
            summary,
            [
                (0, "seizure", "period_total", Some("2015-06-30".into())),
                (1, "lab_dismantled", "period_total", Some("2015-06-30".into())),
                (1, "arrest", "period_total", Some("2015-06-30".into())),
            ]
        );
    }

    #[test]
    fn the_object_decides_between_a_lab_and_a_destruction() {
        let d = doc(&[
            "Soldiers destroyed 12 cocaine labs in the jungle.",
            "They also destroyed 50 clandestine airstrips.",
            "The storm destroyed several homes.",
            "La policía desmanteló un laboratorio y detuvo a tres personas.",
            "En lo que va del año, las autoridades han incautado más de 50 toneladas.",
        ]);
        let events = find_events(&d, &[], &[], &[]);
        let types: Vec<(i64, &str)> = events.iter().map(|e| (e.sentence, e.event_type.as_str())).collect();
        assert_eq!(
            types,
            [(0, "lab_dismantled"), (1, "destruction"), (3, "lab_dismantled"), (3, "arrest"), (4, "seizure")]
        );
    }

    #[test]
    fn signing_something_else_is_no_agreement() {
        let d = doc(&["The president signed a decree.", "Both countries signed a trilateral agreement in 2013."]);
        let events = find_events(&d, &[], &[], &[]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].sentence, 1);
    }
}
