//! Amounts: drug masses, money, areas and percentages, with normalized values.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use crimefacts_model::{Amount, DocRows};
use regex::Regex;

use crate::lexicon::{
    AREA_UNITS, CURRENCY_SYMBOLS, CURRENCY_WORDS, DRUGS, MASS_UNITS, PER_UNITS, PERCENT_UNITS, QUALIFIERS,
};
use crate::numbers::{parse_number, scale_factor};
use crate::{TextView, is_word};

const NUMBER: &str = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?";
const SCALE_WORDS: &str =
    r"mil millones|millions|million|millones|millón|millon|milhões|milhão|billions|billion|bilhões|bilhão|thousand|mil";

/// Compiled patterns; built once per run.
pub struct AmountFinder {
    /// number [scale] unit, for mass, area and percent.
    measured: Regex,
    /// currency symbol, number, [scale].
    money_prefixed: Regex,
    /// number [scale] currency word.
    money_suffixed: Regex,
    /// "per kilo", "a flight", "por año" right after a money amount.
    per_after: Regex,
    /// "a kilo", "the kilo", "el kilo" anywhere in the sentence: prices in it are per kg.
    kilo_in_sentence: Regex,
    /// One automaton over every drug name (matched whole-word).
    drugs: AhoCorasick,
}

fn alternation<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let mut words: Vec<&str> = words.into_iter().collect();
    // Longest first, so "metric tons" wins over "tons" and "kilograms" over "kilo".
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|")
}

impl Default for AmountFinder {
    fn default() -> Self {
        Self::new()
    }
}

impl AmountFinder {
    pub fn new() -> Self {
        let units = alternation(
            MASS_UNITS.iter().map(|u| u.0).chain(AREA_UNITS.iter().copied()).chain(PERCENT_UNITS.iter().copied()),
        );
        let compile = |pattern: String| Regex::new(&pattern).expect("static amount pattern");
        Self {
            measured: compile(format!(
                r"(?i)(?P<num>{NUMBER})(?:\s+(?P<scale>{SCALE_WORDS}))?\s*-?\s*(?P<unit>{units})"
            )),
            money_prefixed: compile(format!(
                r"(?i)(?P<cur>{})\s?(?P<num>{NUMBER})(?:\s*(?P<scale>{SCALE_WORDS}|bn|mn|m)(?-u:\b))?",
                alternation(CURRENCY_SYMBOLS.iter().map(|c| c.0))
            )),
            money_suffixed: compile(format!(
                r"(?i)(?P<num>{NUMBER})(?:\s+(?P<scale>{SCALE_WORDS}))?\s+(?:de\s+)?(?P<cur>{})",
                alternation(CURRENCY_WORDS.iter().map(|c| c.0))
            )),
            per_after: compile(format!(
                r"(?i)^\s*(?:per|a|an|each|/|por|el|la|o|cada)\s*(?:metric\s+)?(?P<per>{})s?(?-u:\b)",
                alternation(PER_UNITS.iter().map(|p| p.0))
            )),
            kilo_in_sentence: compile(
                r"(?i)(?-u:\b)(?:a|the|one|per|each|el|un|por|o|um|cada)\s+(?:kilo|kilogram|kilogramo|quilo|quilograma)(?-u:\b)"
                    .into(),
            ),
            drugs: AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(DRUGS.iter().map(|d| d.0))
                .expect("static drug names"),
        }
    }

    pub(crate) fn find(&self, doc: &DocRows, view: &TextView<'_>) -> Vec<Amount> {
        let text = view.text;
        let mut found: Vec<Found> = Vec::new();
        for c in self.measured.captures_iter(text) {
            let whole = c.get(0).expect("match");
            let unit_text = c["unit"].to_lowercase();
            if unit_text != "%" && !is_word(text, whole.start(), whole.end()) {
                continue;
            }
            // One- and two-letter symbols are lowercase: "3G" is a network, "5 HA" a shout.
            if unit_text.len() <= 2 && c["unit"] != unit_text && unit_text != "kg" {
                continue;
            }
            let Some(value) = scaled(&c["num"], c.name("scale").map(|m| m.as_str())) else { continue };
            let (kind, unit, value_norm, unit_norm) = match MASS_UNITS.iter().find(|u| u.0 == unit_text) {
                Some(&(_, unit, kg)) => ("mass", unit, value * kg, "kg"),
                None if AREA_UNITS.contains(&unit_text.as_str()) => ("area", "ha", value, "ha"),
                None => ("percent", "%", value, "%"),
            };
            let (start, end, value_norm) = (whole.start(), whole.end(), Some(value_norm));
            found.push(Found { start, end, kind, value, unit, value_norm, unit_norm });
        }
        for c in self.money_prefixed.captures_iter(text).chain(self.money_suffixed.captures_iter(text)) {
            let whole = c.get(0).expect("match");
            if !is_word(text, whole.start(), whole.end()) {
                continue;
            }
            let Some(value) = scaled(&c["num"], c.name("scale").map(|m| m.as_str())) else { continue };
            let written = c["cur"].to_lowercase();
            let code = CURRENCY_SYMBOLS
                .iter()
                .chain(CURRENCY_WORDS)
                .find(|(w, _)| w.to_lowercase() == written)
                .map_or("USD", |(_, code)| *code);
            // Only dollars are normalized for now: other currencies need a
            // committed table of exchange rates (see README).
            let usd = (code == "USD").then_some(value);
            let (start, end) = (whole.start(), whole.end());
            found.push(Found { start, end, kind: "money", value, unit: code, value_norm: usd, unit_norm: "USD" });
        }

        // Overlaps (a money pattern and a measure over one number): keep the
        // earliest, then the longest.
        found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
        let mut kept: Vec<Found> = Vec::with_capacity(found.len());
        for f in found {
            if kept.last().is_none_or(|k| f.start >= k.end) {
                kept.push(f);
            }
        }

        let drugs: Vec<(usize, usize, &str)> = self
            .drugs
            .find_iter(text)
            .filter(|m| is_word(text, m.start(), m.end()))
            .map(|m| (m.start(), m.end(), DRUGS[m.pattern().as_usize()].1))
            .collect();

        kept.into_iter()
            .enumerate()
            .map(|(n, f)| {
                let char_start = view.chars(f.start);
                let sentence_index = doc.sentence_at(char_start);
                let (s_start, s_end) = sentence_bytes(doc, view, sentence_index);
                let per = if f.kind == "money" { self.per(text, f.end, s_start, s_end) } else { None };
                let drug = match f.kind {
                    "mass" | "money" => drug_of(text, &drugs, f.end, s_start, s_end, f.kind == "mass"),
                    _ => drug_following(text, &drugs, f.end),
                };
                Amount {
                    amount_id: format!("{}:a{n}", doc.document.doc_id),
                    doc_id: doc.document.doc_id.clone(),
                    sentence: sentence_index,
                    start: char_start,
                    end: view.chars(f.end),
                    text: text[f.start..f.end].to_string(),
                    kind: f.kind.into(),
                    value: f.value,
                    value_max: None,
                    unit: f.unit.into(),
                    value_norm: f.value_norm,
                    unit_norm: f.unit_norm.into(),
                    per,
                    qualifier: qualifier(&text[s_start.min(f.start)..f.start]).into(),
                    drug: drug.map(str::to_string),
                    object: None,
                }
            })
            .collect()
    }

    fn per(&self, text: &str, end: usize, s_start: usize, s_end: usize) -> Option<String> {
        if let Some(c) = self.per_after.captures(&text[end..s_end.max(end)]) {
            let written = c["per"].to_lowercase();
            return PER_UNITS.iter().find(|p| p.0 == written).map(|p| p.1.to_string());
        }
        self.kilo_in_sentence.is_match(&text[s_start..s_end]).then(|| "kg".to_string())
    }
}

struct Found {
    start: usize,
    end: usize,
    kind: &'static str,
    value: f64,
    unit: &'static str,
    value_norm: Option<f64>,
    unit_norm: &'static str,
}

fn scaled(number: &str, scale: Option<&str>) -> Option<f64> {
    let factor = match scale {
        Some(word) => scale_factor(word)?,
        None => 1.0,
    };
    Some(parse_number(number)? * factor)
}

fn sentence_bytes(doc: &DocRows, view: &TextView<'_>, index: i64) -> (usize, usize) {
    match doc.sentences.get(index as usize) {
        Some(s) => (view.byte(s.start), view.byte(s.end)),
        None => (0, view.text.len()),
    }
}

/// The qualifier that the words right before an amount give it.
fn qualifier(before: &str) -> &'static str {
    let before = before.trim_end().to_lowercase();
    for (phrase, qualifier) in QUALIFIERS {
        if let Some(head) = before.strip_suffix(phrase)
            && !head.chars().next_back().is_some_and(char::is_alphanumeric)
        {
            return qualifier;
        }
    }
    "exact"
}

/// "... tons of cocaine": a drug named right after the amount, joined by of/de.
fn drug_following<'d>(text: &str, drugs: &[(usize, usize, &'d str)], end: usize) -> Option<&'d str> {
    let (start, _, drug) = drugs.iter().find(|d| d.0 >= end && d.0 <= end + 48)?;
    let between = text[end..*start].to_lowercase();
    let joined = ["of ", "de ", "da ", "do ", "of the ", "de la "].iter().any(|j| between.trim_start().starts_with(j));
    let short = between.split_whitespace().count() <= 3;
    (joined && short).then_some(*drug)
}

/// The drug an amount is about: the one right after it, else the nearest drug
/// named in the same sentence.
fn drug_of<'d>(
    text: &str,
    drugs: &[(usize, usize, &'d str)],
    end: usize,
    s_start: usize,
    s_end: usize,
    prefer_following: bool,
) -> Option<&'d str> {
    if prefer_following && let Some(drug) = drug_following(text, drugs, end) {
        return Some(drug);
    }
    drugs
        .iter()
        .filter(|d| d.0 >= s_start && d.1 <= s_end)
        .min_by_key(|d| if d.0 >= end { d.0 - end } else { end - d.1 })
        .map(|d| d.2)
}

#[cfg(test)]
mod tests {
    use crimefacts_model::Document;

    use super::*;

    fn amounts(text: &str) -> Vec<Amount> {
        let mut doc = DocRows {
            document: Document { doc_id: "d".into(), text: text.into(), ..Document::default() },
            ..DocRows::default()
        };
        doc.sentences = vec![crimefacts_model::Sentence {
            doc_id: "d".into(),
            sentence: 0,
            start: 0,
            end: text.chars().count() as i64,
            text: text.into(),
        }];
        AmountFinder::new().find(&doc, &TextView::new(text))
    }

    fn one(text: &str) -> Amount {
        let mut found = amounts(text);
        assert_eq!(found.len(), 1, "{text:?}: {found:?}");
        found.remove(0)
    }

    #[test]
    fn masses_normalize_to_kg() {
        let cases = [
            ("seized 3.5 tons of cocaine", 3500.0, "ton", Some("cocaine")),
            ("1,500 kilos de cocaína", 1500.0, "kg", Some("cocaine")),
            ("incautaron 1.500 kilos", 1500.0, "kg", None),
            ("3,5 toneladas de marihuana", 3500.0, "ton", Some("marijuana")),
            ("200 grams of heroin", 0.2, "g", Some("heroin")),
            ("10 pounds of fentanyl", 4.535_923_7, "lb", Some("fentanyl")),
            ("2 short tons of coca leaf", 1_814.369_48, "short_ton", Some("coca leaf")),
            ("1.2 million tons", 1.2e9, "ton", None),
        ];
        for (text, kg, unit, drug) in cases {
            let a = one(text);
            assert_eq!(a.kind, "mass", "{text}");
            assert!((a.value_norm.unwrap() - kg).abs() < 1e-6, "{text}: {:?}", a.value_norm);
            assert_eq!(a.unit, unit, "{text}");
            assert_eq!(a.unit_norm, "kg");
            assert_eq!(a.drug.as_deref(), drug, "{text}");
        }
    }

    #[test]
    fn money_areas_and_percentages() {
        let a = one("a pilot can make up to $25,000 per flight");
        assert_eq!(
            (a.kind.as_str(), a.value_norm, a.per.as_deref(), a.qualifier.as_str()),
            ("money", Some(25000.0), Some("flight"), "at_most")
        );
        let a = one("the kilo is worth $10,000 on the Brazilian market");
        assert_eq!((a.value_norm, a.per.as_deref()), (Some(10000.0), Some("kg")));
        let a = one("a budget of US$3.5 million");
        assert_eq!((a.unit.as_str(), a.value_norm), ("USD", Some(3.5e6)));
        let a = one("costó 20.000 euros");
        assert_eq!((a.unit.as_str(), a.value, a.value_norm), ("EUR", 20000.0, None));
        let a = one("coca grew on 42,900 hectares");
        assert_eq!((a.kind.as_str(), a.value_norm, a.unit_norm.as_str()), ("area", Some(42900.0), "ha"));
        let a = one("50 percent of flights");
        assert_eq!((a.kind.as_str(), a.value_norm), ("percent", Some(50.0)));
        assert_eq!(one("un 95% del total").value_norm, Some(95.0));
    }

    #[test]
    fn qualifiers_come_from_the_words_before() {
        assert_eq!(one("seized over 1.5 tons of cocaine").qualifier, "at_least");
        assert_eq!(one("worth around $1,000").qualifier, "approx");
        assert_eq!(one("más de 300 kilos").qualifier, "at_least");
        assert_eq!(one("hasta 3 toneladas").qualifier, "at_most");
        assert_eq!(one("seized 3 tons").qualifier, "exact");
        assert_eq!(one("the clover 3 tons").qualifier, "exact", "'over' inside a word is no qualifier");
    }

    #[test]
    fn bare_numbers_years_and_codes_are_not_amounts() {
        assert!(amounts("In 2014, 20 clans and 3G phones; decree 1500; A4 paper").is_empty());
        assert!(amounts("a 5kgb file").is_empty());
    }

    #[test]
    fn offsets_and_ids() {
        let text = "Perú: 2 kilos y $5";
        let found = amounts(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].amount_id, "d:a0");
        for a in found {
            let span: String = text.chars().skip(a.start as usize).take((a.end - a.start) as usize).collect();
            assert_eq!(span, a.text);
        }
    }
}
