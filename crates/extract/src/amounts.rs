//! Amounts: drug masses, money, areas and percentages, with normalized values.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use crimefacts_model::{Amount, CompactString, DocRows, Mention, format_compact, static_cell};
use regex::Regex;
use regex_automata::meta;
use regex_automata::util::captures::Captures;

use crate::lexicon::{
    AREA_UNITS, COUNT_NOUNS, CURRENCY_SYMBOLS, CURRENCY_WORDS, DRUGS, MASS_UNITS, PER_UNITS, PERCENT_UNITS, PRICE_CUES,
    PRICE_LEVELS, QUALIFIERS, STOP_MODIFIERS,
};
use crate::numbers::{NumberStarts, number_words_pattern, parse_amount_number, scale_factor};
use crate::scan::{captures_at_starts, holds_case_variants_of_ascii_letters};
use crate::{TextView, is_word, sentence_run};

/// Rates that are a mass: a price per one of them is a price of the drug.
const MASS_RATES: [&str; 4] = ["kg", "g", "ton", "lb"];

/// ASCII digits only: `parse_number` reads no others, so a number written in
/// other digits could never be kept.
const DIGITS: &str = r"[0-9]{1,3}(?:[.,][0-9]{3})+(?:[.,][0-9]+)?|[0-9]+(?:[.,][0-9]+)?";
const SCALE_WORDS: &str =
    r"mil millones|millions|million|millones|millón|millon|milhões|milhão|billions|billion|bilhões|bilhão|thousand|mil";

/// Compiled patterns; built once per run. Those that open with a number or a
/// currency symbol (a class of characters the engine cannot skip ahead to)
/// are tried only where one opens ([`NumberStarts`], [`money_starts`]).
pub struct AmountFinder {
    /// number [scale] unit, for mass, area and percent.
    measured: meta::Regex,
    /// currency symbol, number, [scale].
    money_prefixed: meta::Regex,
    /// number [scale] currency word.
    money_suffixed: meta::Regex,
    /// number, a few modifiers, a countable noun ("1,581 cocaine laboratories").
    counted: meta::Regex,
    /// "between 3 and 5 tons", "entre 3 y 5 toneladas".
    between: meta::Regex,
    number_starts: NumberStarts,
    /// "per kilo", "a flight", "por año" right after a money amount.
    per_after: Regex,
    /// "a kilo", "the kilo", "un gramo" anywhere in the sentence: prices in it are per that unit.
    unit_in_sentence: Regex,
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

/// The sources of the patterns that find amounts.
struct AmountPatterns {
    measured: String,
    between: String,
    counted: String,
    money_prefixed: String,
    money_suffixed: String,
}

impl AmountPatterns {
    /// The patterns, with `leading_number` for the number that opens
    /// `measured`, `counted` and `money_suffixed`: the finder gives the plain
    /// number pattern and tries it only at [`NumberStarts`]; the tests give
    /// one that says where number words may open, for a search of the whole text.
    fn new(leading_number: &str) -> Self {
        let units = alternation(
            MASS_UNITS.iter().map(|u| u.0).chain(AREA_UNITS.iter().copied()).chain(PERCENT_UNITS.iter().copied()),
        );
        let number = number_pattern(false);
        let nouns = alternation(COUNT_NOUNS.iter().map(|n| n.0));
        Self {
            measured: format!(
                r"(?i)(?P<num>{leading_number})(?:\s*(?:-|–|to)\s*(?P<max>{number}))?(?:\s+(?P<scale>{SCALE_WORDS}))?\s*-?\s*(?P<unit>{units})"
            ),
            between: format!(
                r"(?i)(?:between|entre)\s+(?P<num>{number})\s+(?:and|y|e)\s+(?P<max>{number})(?:\s+(?P<scale>{SCALE_WORDS}))?\s*(?P<unit>{units})"
            ),
            counted: format!(
                r"(?i)(?P<num>{leading_number})\s+(?P<mods>(?:[\p{{L}}-]+\s+){{0,2}}?)(?P<noun>{nouns})(?-u:\b)"
            ),
            money_prefixed: format!(
                r"(?i)(?P<cur>{})\s?(?P<num>{DIGITS})(?:\s*(?P<scale>{SCALE_WORDS}|bn|mn|m)(?-u:\b))?",
                alternation(CURRENCY_SYMBOLS.iter().map(|c| c.0))
            ),
            money_suffixed: format!(
                r"(?i)(?P<num>{leading_number})(?:\s+(?P<scale>{SCALE_WORDS}))?\s+(?:de\s+)?(?P<cur>{})",
                alternation(CURRENCY_WORDS.iter().map(|c| c.0))
            ),
        }
    }
}

/// Digits or number words; with `words_open_words`, a number word only where
/// a word opens (`\b{start-half}`), as [`NumberStarts`] has it.
fn number_pattern(words_open_words: bool) -> String {
    let opening = if words_open_words { r"\b{start-half}" } else { "" };
    format!("(?:{DIGITS}|{opening}(?:{}))", number_words_pattern())
}

impl AmountFinder {
    pub fn new() -> Self {
        let compile = |pattern: &str| meta::Regex::new(pattern).expect("static amount pattern");
        let patterns = AmountPatterns::new(&number_pattern(false));
        Self {
            measured: compile(&patterns.measured),
            between: compile(&patterns.between),
            counted: compile(&patterns.counted),
            money_prefixed: compile(&patterns.money_prefixed),
            money_suffixed: compile(&patterns.money_suffixed),
            number_starts: NumberStarts::new(),
            per_after: Regex::new(&format!(
                r"(?i)^\s*(?:per|a|an|each|/|por|el|la|o|cada)\s*(?:metric\s+)?(?P<per>{})s?(?-u:\b)",
                alternation(PER_UNITS.iter().map(|p| p.0))
            ))
            .expect("static amount pattern"),
            unit_in_sentence: Regex::new(&format!(
                r"(?i)(?-u:\b)(?:a|the|one|per|each|el|un|por|o|um|cada)\s+(?P<per>{})(?-u:\b)",
                alternation(PER_UNITS.iter().filter(|p| MASS_RATES.contains(&p.1)).map(|p| p.0))
            ))
            .expect("static amount pattern"),
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
        let number_starts = self.number_starts.in_text(text);
        let measured = captures_at_starts(&self.measured, text, number_starts.iter().copied());
        let between: Vec<Captures> = self.between.captures_iter(text).collect();
        for c in measured.iter().chain(&between).map(|c| Groups { text, captures: c }) {
            let whole = c.whole();
            let unit = c.named("unit");
            let unit_text = unit.to_lowercase();
            if unit_text != "%" && !is_word(text, whole.start, whole.end) {
                continue;
            }
            // One- and two-letter symbols are lowercase: "3G" is a network, "5 HA" a shout.
            if unit_text.len() <= 2 && unit != unit_text && unit_text != "kg" {
                continue;
            }
            let scale = c.get("scale");
            let Some(value) = scaled(c.named("num"), scale) else { continue };
            let value_max = c.get("max").and_then(|max| scaled(max, scale)).filter(|max| *max > value);
            let (kind, unit, factor, unit_norm) = match MASS_UNITS.iter().find(|u| u.0 == unit_text) {
                Some(&(_, unit, kg)) => ("mass", unit, kg, "kg"),
                None if AREA_UNITS.contains(&unit_text.as_str()) => ("area", "ha", 1.0, "ha"),
                None => ("percent", "%", 1.0, "%"),
            };
            let (start, end, value_norm) = (whole.start, whole.end, Some(value * factor));
            found.push(Found { start, end, kind, value, value_max, unit, value_norm, unit_norm, object: None });
        }
        let prefixed = captures_at_starts(&self.money_prefixed, text, money_starts(text, &number_starts));
        let suffixed = captures_at_starts(&self.money_suffixed, text, number_starts.iter().copied());
        for c in prefixed.iter().chain(&suffixed).map(|c| Groups { text, captures: c }) {
            let whole = c.whole();
            if !is_word(text, whole.start, whole.end) {
                continue;
            }
            let Some(value) = scaled(c.named("num"), c.get("scale")) else { continue };
            let written = c.named("cur").to_lowercase();
            let code = CURRENCY_SYMBOLS
                .iter()
                .chain(CURRENCY_WORDS)
                .find(|(w, _)| w.to_lowercase() == written)
                .map_or("USD", |(_, code)| *code);
            // Only dollars are normalized for now: other currencies need a
            // committed table of exchange rates (see README).
            let usd = (code == "USD").then_some(value);
            let (start, end) = (whole.start, whole.end);
            found.push(Found {
                start,
                end,
                kind: "money",
                value,
                value_max: None,
                unit: code,
                value_norm: usd,
                unit_norm: "USD",
                object: None,
            });
        }
        for c in captures_at_starts(&self.counted, text, number_starts).iter().map(|c| Groups { text, captures: c }) {
            let whole = c.whole();
            let num = c.named("num");
            if !is_word(text, whole.start, whole.end) || looks_like_year(num) {
                continue;
            }
            // Modifiers are adjectives and nouns, never a verb or a clause break.
            if c.named("mods").split_whitespace().any(|w| STOP_MODIFIERS.contains(&w.to_lowercase().as_str())) {
                continue;
            }
            let Some(value) = parse_amount_number(num) else { continue };
            let noun = c.named("noun").to_lowercase();
            let lemma = COUNT_NOUNS.iter().find(|n| n.0 == noun).map_or("item", |n| n.1);
            let (start, end) = (whole.start, whole.end);
            found.push(Found {
                start,
                end,
                kind: "count",
                value,
                value_max: None,
                unit: "1",
                value_norm: Some(value),
                unit_norm: "1",
                object: Some(lemma),
            });
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

        if kept.is_empty() {
            return Vec::new();
        }
        let drugs: Vec<(usize, usize, &str)> = self
            .drugs
            .find_iter(text)
            .filter(|m| is_word(text, m.start(), m.end()))
            .map(|m| (m.start(), m.end(), DRUGS[m.pattern().as_usize()].1))
            .collect();

        // Each amount's clause, for place and level lookups: from the previous
        // amount to the next one.
        let previous_ends: Vec<usize> = std::iter::once(0).chain(kept.iter().map(|f| f.end)).collect();
        let next_starts: Vec<usize> = kept.iter().skip(1).map(|f| f.start).chain(std::iter::once(text.len())).collect();
        // The rate and drug of the last price, carried to a following sentence
        // that continues it ("a kilo ... costs $1,500. In Europe it sells for $50,000").
        let mut last_price: Option<(i64, &'static str, Option<&str>)> = None;
        // Sentence-wide answers are computed once per sentence, not once per
        // amount: a long sentence full of figures would make them quadratic.
        let mut price_cue_in: HashMap<i64, bool> = HashMap::new();
        let mut rate_in: HashMap<i64, Option<&'static str>> = HashMap::new();
        // Places and countries in text order: each sentence's are one run.
        let places: Vec<&Mention> =
            doc.mentions.iter().filter(|m| matches!(m.entity_type.as_str(), "location" | "country")).collect();
        kept.into_iter()
            .zip(previous_ends.into_iter().zip(next_starts))
            .enumerate()
            .map(|(n, (f, (previous_end, next_start)))| {
                let char_start = view.chars(f.start);
                let sentence_index = doc.sentence_at(char_start);
                let (s_start, s_end) = sentence_bytes(doc, view, sentence_index);
                let mut drug = match f.kind {
                    "mass" | "money" => drug_of(text, &drugs, f.end, s_start, s_end, f.kind == "mass"),
                    "count" => drugs.iter().find(|d| d.0 >= f.start && d.1 <= f.end).map(|d| d.2),
                    _ => drug_following(text, &drugs, f.end),
                };
                let mut per = if f.kind == "money" {
                    self.rate_after(text, f.end, s_end).or_else(|| {
                        *rate_in.entry(sentence_index).or_insert_with(|| self.rate_in_sentence(&text[s_start..s_end]))
                    })
                } else {
                    None
                };
                let (mut place, mut level) = (None, None);
                if f.kind == "money" {
                    let continues_last = last_price.as_ref().filter(|(price_sentence, _, _)| {
                        sentence_index - price_sentence <= 1
                            && *price_cue_in
                                .entry(sentence_index)
                                .or_insert_with(|| has_price_cue(&text[s_start..s_end]))
                    });
                    if let Some((_, rate, last_drug)) = continues_last {
                        per = per.or(Some(*rate));
                        // The same kilo further down the route may have changed
                        // form ("converted into powder"): keep only the family.
                        if drug.is_none() && per == Some(*rate) {
                            drug = last_drug.map(drug_family);
                        }
                    }
                    if let Some(p) = &per {
                        last_price = Some((sentence_index, p, drug));
                        let clause = previous_end.max(s_start)..next_start.min(s_end);
                        place = price_place(&places, view, sentence_index, f.end, clause.end);
                        level = price_level(text, clause, f.start, f.end);
                    }
                }
                Amount {
                    amount_id: format_compact!("{}:a{n}", doc.document.doc_id),
                    doc_id: doc.document.doc_id.clone(),
                    sentence: sentence_index,
                    start: char_start,
                    end: view.chars(f.end),
                    text: CompactString::new(&text[f.start..f.end]),
                    kind: static_cell(f.kind),
                    value: f.value,
                    value_max: f.value_max,
                    unit: static_cell(f.unit),
                    value_norm: f.value_norm,
                    unit_norm: static_cell(f.unit_norm),
                    per: per.map(static_cell),
                    qualifier: static_cell(qualifier(&text[s_start.min(f.start)..f.start])),
                    drug: drug.map(CompactString::new),
                    object: f.object.map(static_cell),
                    place,
                    level: level.map(CompactString::new),
                }
            })
            .collect()
    }

    /// The rate written right after a price ("$1,500 per kilo").
    fn rate_after(&self, text: &str, end: usize, s_end: usize) -> Option<&'static str> {
        let c = self.per_after.captures(&text[end..s_end.max(end)])?;
        let written = c["per"].to_lowercase();
        PER_UNITS.iter().find(|p| p.0 == written).map(|p| p.1)
    }

    /// The rate a sentence names anywhere ("a kilo costs ... $1,500").
    fn rate_in_sentence(&self, sentence: &str) -> Option<&'static str> {
        let c = self.unit_in_sentence.captures(sentence)?;
        let written = c["per"].to_lowercase();
        PER_UNITS.iter().find(|p| p.0 == written).map(|p| p.1)
    }
}

/// A match of one of the amount patterns, read by group name.
struct Groups<'t, 'c> {
    text: &'t str,
    captures: &'c Captures,
}

impl<'t> Groups<'t, '_> {
    fn whole(&self) -> Range<usize> {
        self.captures.get_match().expect("a match").range()
    }

    fn get(&self, name: &str) -> Option<&'t str> {
        self.captures.get_group_by_name(name).map(|span| &self.text[span.range()])
    }

    /// A group that every match of its pattern holds.
    fn named(&self, name: &str) -> &'t str {
        self.get(name).expect("a group of every match")
    }
}

/// Every offset a prefixed money amount can open at, in order (and some
/// where none does): a currency symbol, at most one whitespace character,
/// then the first digit of a run, since no symbol ends in a digit.
/// `number_starts` holds every ASCII digit ([`NumberStarts::in_text`]).
fn money_starts(text: &str, number_starts: &[usize]) -> Vec<usize> {
    let bytes = text.as_bytes();
    if holds_case_variants_of_ascii_letters(bytes) {
        // "ſ/." is a sol: every character is tried.
        return text.char_indices().map(|(at, _)| at).collect();
    }
    let mut starts = Vec::new();
    let run_starts =
        number_starts.iter().filter(|&&at| bytes[at].is_ascii_digit() && (at == 0 || !bytes[at - 1].is_ascii_digit()));
    for &digits in run_starts {
        let space = text[..digits].chars().next_back().filter(|c| c.is_whitespace()).map_or(0, char::len_utf8);
        let symbol_ends = [digits, digits - space];
        for symbol_end in symbol_ends.iter().take(if space == 0 { 1 } else { 2 }) {
            for (symbol, _) in CURRENCY_SYMBOLS {
                if let Some(start) = symbol_end.checked_sub(symbol.len())
                    && bytes[start..*symbol_end].eq_ignore_ascii_case(symbol.as_bytes())
                {
                    starts.push(start);
                }
            }
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

struct Found {
    start: usize,
    end: usize,
    kind: &'static str,
    value: f64,
    value_max: Option<f64>,
    unit: &'static str,
    value_norm: Option<f64>,
    unit_norm: &'static str,
    object: Option<&'static str>,
}

/// The family of a drug form: cocaine paste, base, hydrochloride and crack are
/// all cocaine.
fn drug_family(drug: &str) -> &str {
    if drug.starts_with("cocaine") || drug == "crack" { "cocaine" } else { drug }
}

/// The market a price holds in: the first place named after it in its clause
/// ("$1,500 in Santa Cruz"), preferring a city or region right behind a
/// country ("in the Bolivian city of Santa Cruz", "in Peru's VRAEM"); else the
/// nearest place (not a demonym) named before it in the sentence ("In Colombia
/// a kilo costs ...").
fn price_place(
    places: &[&Mention],
    view: &TextView<'_>,
    sentence: i64,
    amount_end: usize,
    clause_end: usize,
) -> Option<CompactString> {
    let (amount_end, clause_end) = (view.chars(amount_end), view.chars(clause_end));
    let places = sentence_run(places, sentence, |m| m.sentence);
    let split = places.partition_point(|m| m.start < amount_end);
    let mut after = places[split..].iter().filter(|m| m.start < clause_end);
    if let Some(first) = after.next() {
        let narrower = after.next().filter(|next| {
            first.entity_type == "country"
                && next.entity_type == "location"
                && next.country == first.country
                && next.start - first.end <= 24
        });
        return Some(narrower.unwrap_or(first).entity_id.clone());
    }
    // Before the price, a demonym is usually who sells or buys ("sell to
    // Mexican groups for $1,500"), not where.
    places[..split].iter().rev().find(|m| m.end <= amount_end && m.method != "demonym").map(|m| m.entity_id.clone())
}

/// Wholesale or retail, from a level word in the price's clause: right after
/// it ("$60 retail"), else the nearest before it ("wholesale, a kilo costs
/// $30,000"), else any after it.
fn price_level(
    text: &str,
    clause: std::ops::Range<usize>,
    price_start: usize,
    price_end: usize,
) -> Option<&'static str> {
    // ASCII lowering keeps byte offsets; every level phrase is ASCII.
    let lower = text[clause.clone()].to_ascii_lowercase();
    let words: Vec<(usize, &'static str)> = PRICE_LEVELS
        .iter()
        .flat_map(|(phrase, level)| {
            lower
                .match_indices(phrase)
                .filter(|(at, _)| is_word(&lower, *at, at + phrase.len()))
                .map(|(at, _)| (clause.start + at, *level))
        })
        .collect();
    let right_after = words
        .iter()
        .filter(|(at, _)| {
            let between = text.get(price_end..*at).unwrap_or(",");
            *at >= price_end
                && !between.contains([',', ';'])
                && between.split_whitespace().count() <= 2
                && !between.split_whitespace().any(|w| matches!(w, "and" | "y" | "e"))
        })
        .min();
    let before = words.iter().filter(|(at, _)| *at < price_start).max();
    let after = words.iter().filter(|(at, _)| *at >= price_end).min();
    right_after.or(before).or(after).map(|(_, level)| *level)
}

/// Words of price statements: a money amount next to them is a price.
fn has_price_cue(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    PRICE_CUES.iter().any(|cue| lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == *cue))
}

/// Four plain digits from 1900 to 2099 are a year, not a count.
fn looks_like_year(number: &str) -> bool {
    number.len() == 4
        && number.bytes().all(|b| b.is_ascii_digit())
        && (1900..=2099).contains(&number.parse::<u32>().unwrap_or(0))
}

fn scaled(number: &str, scale: Option<&str>) -> Option<f64> {
    let factor = match scale {
        Some(word) => scale_factor(word)?,
        None => 1.0,
    };
    Some(parse_amount_number(number)? * factor)
}

fn sentence_bytes(doc: &DocRows, view: &TextView<'_>, index: i64) -> (usize, usize) {
    match doc.sentences.get(index as usize) {
        Some(s) => (view.byte(s.start), view.byte(s.end)),
        None => (0, view.text.len()),
    }
}

/// The qualifier that the words right before an amount give it.
fn qualifier(before: &str) -> &'static str {
    // Only the end of a long sentence can hold the phrase (and the character
    // before it); lowercasing all of it per amount would be quadratic.
    let before = before.trim_end();
    let longest = QUALIFIERS.iter().map(|(phrase, _)| phrase.len()).max().unwrap_or(0);
    let mut cut = before.len().saturating_sub(longest + 8);
    while !before.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = before[cut..].to_lowercase();
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
    let next = drugs.partition_point(|d| d.0 < end);
    let (start, _, drug) = drugs.get(next).filter(|d| d.0 <= end + 48)?;
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
    // Drugs are sorted and do not overlap: the nearest one before `end` is one
    // of the last two that start before it (the last may contain `end`), the
    // nearest after is the first that starts at or after it.
    let next = drugs.partition_point(|d| d.0 < end);
    drugs[next.saturating_sub(2)..(next + 1).min(drugs.len())]
        .iter()
        .filter(|d| d.0 >= s_start && d.1 <= s_end)
        .min_by_key(|d| if d.0 >= end { d.0 - end } else { end.checked_sub(d.1).unwrap_or(usize::MAX) })
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
        let found =
            amounts("In 2014, 20 clans and 3G phones; decree 1500; A4 paper; the 1st Bilateral Cabinet; aged 42.");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].text.as_str(), found[0].object.as_deref()), ("20 clans", Some("clan")));
        assert!(amounts("a 5kgb file").is_empty());
    }

    #[test]
    fn counts_name_what_they_count_as_a_singular_lemma() {
        let cases = [
            ("they dismantled 1,581 cocaine laboratories", 1581.0, "laboratory", Some("cocaine")),
            ("seized over 1.5 tons on six Bolivian planes", 6.0, "plane", None),
            ("destroyed 50 clandestine landing strips", 50.0, "landing strip", None),
            ("hosts up to 3,000 Colombian drug traffickers", 3000.0, "trafficker", None),
            ("detuvieron a 12 sospechosos", 12.0, "suspect", None),
            ("a dozen boats", 12.0, "boat", None),
        ];
        for (text, value, object, drug) in cases {
            let found = amounts(text);
            let count = found.iter().find(|a| a.kind == "count").unwrap_or_else(|| panic!("{text}: {found:?}"));
            assert_eq!(
                (count.value, count.object.as_deref(), count.drug.as_deref()),
                (value, Some(object), drug),
                "{text}"
            );
        }
        assert_eq!(one("hosts up to 3,000 Colombian drug traffickers").qualifier, "at_most");
    }

    #[test]
    fn number_words_ranges_and_ton_kinds() {
        assert_eq!(one("Ninety percent of this").value_norm, Some(90.0));
        assert_eq!(one("dos toneladas de cocaína").value_norm, Some(2000.0));
        let range = one("between 3 and 5 tons of cocaine");
        assert_eq!((range.value, range.value_max, range.value_norm), (3.0, Some(5.0), Some(3000.0)));
        let range = one("entre 2 y 4 toneladas");
        assert_eq!((range.value, range.value_max), (2.0, Some(4.0)));
        assert_eq!(one("3-5 kilos").value_max, Some(5.0));
        assert_eq!(one("2 tonnes").value_norm, Some(2000.0));
        assert_eq!(one("2 metric tons").value_norm, Some(2000.0));
        assert!((one("2 short tons").value_norm.unwrap() - 1814.37).abs() < 0.01);
    }

    fn amounts_in_sentences(sentences: &[&str]) -> Vec<Amount> {
        let doc = crate::testing::doc_with_sentences(sentences);
        AmountFinder::new().find(&doc, &TextView::new(&doc.document.text))
    }

    #[test]
    fn a_rate_carries_to_the_next_sentence_that_continues_the_price() {
        let found = amounts_in_sentences(&[
            "A kilo of cocaine paste costs $1,500 in Santa Cruz.",
            "In Europe it sells for $50,000, the police said.",
            "The government spent $3 million on the operation.",
        ]);
        let per: Vec<Option<&str>> = found.iter().map(|a| a.per.as_deref()).collect();
        assert_eq!(per, [Some("kg"), Some("kg"), None], "money that is not a price has no rate");
    }

    #[test]
    fn a_price_holds_in_the_place_named_in_its_clause() {
        let doc = crate::testing::extracted(&[
            "A kilo of cocaine paste is worth around $1,000 in Peru's VRAEM and costs $1,500 in the Bolivian city of Santa Cruz.",
            "Converted into powder, the kilo is worth $10,000 on the Brazilian market and up to $50,000 in Europe.",
            "In Colombia, a gram sells for $5 on the street.",
        ]);
        type Price<'a> = (f64, Option<&'a str>, Option<&'a str>, Option<&'a str>);
        let prices: Vec<Price> = doc
            .amounts
            .iter()
            .filter(|a| a.kind == "money")
            .map(|a| (a.value, a.drug.as_deref(), a.place.as_deref(), a.level.as_deref()))
            .collect();
        assert_eq!(
            prices,
            [
                (1000.0, Some("cocaine paste"), Some("region:vraem"), None),
                (1500.0, Some("cocaine paste"), Some("geonames:3904906"), None),
                // The powder is no longer paste: only the family carries over.
                (10000.0, Some("cocaine"), Some("iso:BR"), None),
                (50000.0, Some("cocaine"), Some("region:europe"), None),
                (5.0, None, Some("iso:CO"), Some("retail")),
            ]
        );
        let per: Vec<&str> = doc.amounts.iter().filter_map(|a| a.per.as_deref()).collect();
        assert_eq!(per, ["kg", "kg", "kg", "kg", "g"], "'a gram' makes a price per gram, not the carried kilo");
    }

    #[test]
    fn buyers_named_before_a_price_are_not_its_market() {
        let doc = crate::testing::extracted(&[
            "The clans sell the drug to Mexican and Brazilian groups for as much as $1,500 per kilogram.",
            "The pilots are Bolivian, and a pilot can make up to $25,000 per flight.",
        ]);
        let places: Vec<Option<&str>> = doc.amounts.iter().map(|a| a.place.as_deref()).collect();
        assert_eq!(places, [None, None]);
    }

    #[test]
    fn money_that_is_no_price_has_no_place_or_level() {
        let doc = crate::testing::extracted(&["The government of Peru spent $3 million on wholesale reforms in Lima."]);
        let money = doc.amounts.iter().find(|a| a.kind == "money").unwrap();
        assert_eq!((money.per.as_deref(), money.place.as_deref(), money.level.as_deref()), (None, None, None));
    }

    #[test]
    fn each_price_takes_the_level_word_of_its_own_clause() {
        let levels = |sentence: &str| -> Vec<Option<String>> {
            let doc = crate::testing::extracted(&[sentence]);
            doc.amounts
                .iter()
                .filter(|a| a.kind == "money")
                .map(|a| a.level.as_ref().map(ToString::to_string))
                .collect()
        };
        let (wholesale, retail) = (Some("wholesale".to_string()), Some("retail".to_string()));
        assert_eq!(
            levels("Wholesale, a kilo of cocaine fetches $30,000 in Madrid, and retail a gram costs $60."),
            [wholesale.clone(), retail.clone()]
        );
        assert_eq!(levels("A kilo of cocaine costs $30,000 wholesale and a gram $60 retail."), [wholesale, retail]);
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

    /// Every group's span of every match.
    fn spans(found: &[Captures]) -> Vec<Vec<Option<(usize, usize)>>> {
        found.iter().map(|c| (0..c.group_len()).map(|i| c.get_group(i).map(|g| (g.start, g.end))).collect()).collect()
    }

    #[rustfmt::skip]
    const AMOUNT_PIECES: [&str; 47] = [
        // A match may open inside a run of digits: "1234,567,890%" does at "234".
        "3", "12", "1,500", "1234,567,890", "2.5", "0", ".", ",", " ", " ", "\u{a0}", "\n", "-", " to ", "kg", " tons", "%",
        " hectares", "one", "Two", "TEN", "someone", "_", "x", "é", "’", "a dozen", "a hundred", "três", "TRÊS",
        "uma dúzia", "UMA DÚZIA", "$", "US$", "usd", "€", "S/.", "s/", "R$", " million", " dollars", " de pesos",
        " laboratories", " labs", " planes", " new", "٣",
    ];

    #[test]
    fn number_led_patterns_tried_at_number_starts_match_a_whole_text_search() {
        let finder = AmountFinder::new();
        let whole_text = AmountPatterns::new(&number_pattern(true));
        let compile = |pattern: &str| meta::Regex::new(pattern).expect("pattern");
        let pairs = [
            (&finder.measured, compile(&whole_text.measured)),
            (&finder.counted, compile(&whole_text.counted)),
            (&finder.money_suffixed, compile(&whole_text.money_suffixed)),
        ];
        let mut with_variants = AMOUNT_PIECES.to_vec();
        with_variants.extend(["ſix", "\u{212a}g", "ſ"]);
        let mut draw = crimefacts_model::draw::Draw::new(0x5eed_0021);
        let texts = draw.texts(&AMOUNT_PIECES, 3000, 40).into_iter().chain(draw.texts(&with_variants, 300, 40));
        let mut matched = [0; 3];
        for text in texts {
            let starts = finder.number_starts.in_text(&text);
            for ((at_starts, whole_text), matched) in pairs.iter().zip(&mut matched) {
                let expected: Vec<Captures> = whole_text.captures_iter(&text).collect();
                let found = captures_at_starts(at_starts, &text, starts.iter().copied());
                assert_eq!(spans(&found), spans(&expected), "{text:?}");
                *matched += expected.len();
            }
        }
        assert!(matched.iter().all(|&m| m > 300), "too few matches drawn: {matched:?}");
    }

    #[test]
    fn prefixed_money_tried_at_its_starts_matches_a_whole_text_search() {
        let finder = AmountFinder::new();
        let mut with_variants = AMOUNT_PIECES.to_vec();
        with_variants.extend(["ſ/.", "uſ$", "\u{212a}"]);
        let mut draw = crimefacts_model::draw::Draw::new(0x5eed_0022);
        let texts = draw.texts(&AMOUNT_PIECES, 3000, 40).into_iter().chain(draw.texts(&with_variants, 300, 40));
        let mut matched = 0;
        for text in texts {
            let expected: Vec<Captures> = finder.money_prefixed.captures_iter(&text).collect();
            let starts = money_starts(&text, &finder.number_starts.in_text(&text));
            assert_eq!(spans(&captures_at_starts(&finder.money_prefixed, &text, starts)), spans(&expected), "{text:?}");
            matched += expected.len();
        }
        assert!(matched > 1000, "only {matched} matches drawn");
    }

    #[test]
    fn a_number_word_inside_a_word_opens_no_amount() {
        // "one" of "someone" used to be a match that swallowed the count after it.
        let found = amounts("Someone reported two laboratories, and anyone%.");
        assert_eq!(found.iter().map(|a| (a.text.as_str(), a.value)).collect::<Vec<_>>(), [("two laboratories", 2.0)]);
    }
}
