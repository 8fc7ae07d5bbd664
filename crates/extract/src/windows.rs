//! Searching a pattern only where it can match.
//!
//! Most patterns of extraction start with a name or a number, which leaves
//! the regex engine no literal to skip ahead to: each scans every byte of the
//! body. Many still hold one of a few words in every match (a month name,
//! "said", a quotation mark) and never hold some ASCII punctuation. A
//! [`Segmenter`] splits a text at that punctuation into segments and notes
//! which of the words each segment holds, in one pass for several patterns;
//! each pattern is then searched only in the segments that hold what it needs
//! ([`captures_in`]). The matches are those a search of the whole text finds:
//! none crosses the end of a segment, and each search sees the text around
//! its window (the tests of every pattern that is searched this way compare
//! the two). A [`Segmenter`] pays only when its words are rare: most
//! sentences hold no date. A pattern whose matches each hold one of a few
//! words as written ("said", "cartel") is searched in [`WordWindows`]
//! instead: one vectorized search for the words, then only the segments
//! around them, which pays even for words as common as "said".

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Captures, Regex};

use crate::scan::{holds_case_variants_of_ascii_letters, letters_and_spaces_only};

/// Bits saying what a segment holds; each [`Segmenter`] gives them meanings.
pub(crate) type Holds = u32;

/// Splits texts into segments for a family of case-insensitive patterns.
pub(crate) struct Segmenter {
    ends_segment: [bool; 256],
    words: AhoCorasick,
    /// The bits each of `words` sets.
    kinds: Vec<Holds>,
    /// The bit set by a digit of any script.
    digit: Holds,
    /// The bit set by four digits in a row (a year).
    four_digits: Holds,
}

/// A stretch of text between two bytes that no match holds.
#[derive(Debug)]
pub(crate) struct Segment {
    pub bytes: Range<usize>,
    pub holds: Holds,
}

impl Segmenter {
    /// - `inside`: the ASCII punctuation a match may hold; any other ends a
    ///   segment, except `_` (see [`segment_ends`]).
    /// - `words`: the words a match holds, each with its bit. A word may not
    ///   start another of a different bit (checked here): the search finds one
    ///   word per place.
    /// - `digit`: the bit that a digit of any script sets (`\d` is Unicode's).
    /// - `four_digits`: the bit that four such digits in a row set.
    ///
    /// The patterns are case-insensitive, so the words match in any case,
    /// given at most one non-ASCII letter each.
    pub fn new(inside: &[u8], words: &[(&str, Holds)], digit: Holds, four_digits: Holds) -> Self {
        let ends_segment = segment_ends(inside);
        let mut entries: Vec<(String, Holds)> = Vec::new();
        for &(word, kind) in words {
            // The automaton folds ASCII letters only: "MARÇO" needs its own entry.
            entries.push((word.to_string(), kind));
            if !word.is_ascii() {
                assert!(word.chars().filter(|c| !c.is_ascii()).count() == 1, "{word:?}: one non-ASCII letter at most");
                entries.push((word.to_uppercase(), kind));
            }
        }
        for (word, kind) in &entries {
            for (other, other_kind) in &entries {
                let starts = other.to_lowercase().starts_with(&word.to_lowercase());
                assert!(kind == other_kind || !starts, "{word:?} starts {other:?}, of another kind");
            }
        }
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(entries.iter().map(|e| &e.0))
            .expect("static words");
        let kinds = entries.into_iter().map(|e| e.1).collect();
        Self { ends_segment, words: automaton, kinds, digit, four_digits }
    }

    /// The segments of `text`, with what each holds.
    pub fn segments(&self, text: &str) -> Vec<Segment> {
        let bytes = text.as_bytes();
        let mut segments = Vec::new();
        let (mut start, mut holds, mut digits_in_a_row) = (0, 0, 0);
        let mut i = 0;
        while i < bytes.len() {
            // Most of a text is letters and spaces, passed over eight bytes at a time.
            if let Some(eight) = bytes.get(i..i + 8)
                && letters_and_spaces_only(u64::from_le_bytes(eight.try_into().expect("eight bytes")))
            {
                (i, digits_in_a_row) = (i + 8, 0);
                continue;
            }
            let b = bytes[i];
            if self.ends_segment[usize::from(b)] {
                segments.push(Segment { bytes: start..i, holds });
                (start, holds, digits_in_a_row) = (i + 1, 0, 0);
            } else if b.is_ascii_digit() || (b >= 0xc0 && text[i..].chars().next().is_some_and(char::is_numeric)) {
                // `is_numeric` holds every character `\d` does.
                holds |= self.digit;
                digits_in_a_row += 1;
                if digits_in_a_row >= 4 {
                    holds |= self.four_digits;
                }
            } else if b & 0xc0 != 0x80 {
                // Not the rest of a digit outside ASCII.
                digits_in_a_row = 0;
            }
            i += 1;
        }
        segments.push(Segment { bytes: start..bytes.len(), holds });
        // Unicode's case folding makes "ſ" an "s" and the Kelvin sign a "k",
        // which the automaton does not: a text with either is searched whole.
        if holds_case_variants_of_ascii_letters(bytes) {
            segments.iter_mut().for_each(|s| s.holds = Holds::MAX);
            return segments;
        }
        // Every place a word starts, as words may overlap ("anoctubre"): a
        // leftmost search again from the byte after each find.
        let mut from = 0;
        while let Some(found) = self.words.find(aho_corasick::Input::new(text).span(from..text.len())) {
            let at = segments.partition_point(|s| s.bytes.end < found.start());
            segments[at].holds |= self.kinds[found.pattern().as_usize()];
            from = found.start() + 1;
        }
        segments
    }
}

/// The bytes that end a segment: ASCII punctuation but `inside` and `_`,
/// which word boundaries count as a letter (a window ending there would see
/// a boundary the text does not have).
fn segment_ends(inside: &[u8]) -> [bool; 256] {
    std::array::from_fn(|b| {
        let byte = b as u8;
        byte.is_ascii_punctuation() && byte != b'_' && !inside.contains(&byte)
    })
}

/// Windows a few bytes apart are searched as one: a search has a fixed cost of its own.
const GAP: usize = 64;

fn add_window(windows: &mut Vec<Range<usize>>, segment: Range<usize>) {
    match windows.last_mut() {
        Some(last) if segment.start <= last.end + GAP => last.end = last.end.max(segment.end),
        _ => windows.push(segment),
    }
}

/// The stretches of text to search for one pattern: the segments that hold
/// what it needs, with those a few bytes apart searched as one.
pub(crate) fn windows(segments: &[Segment], needs: impl Fn(Holds) -> bool) -> Vec<Range<usize>> {
    let mut windows: Vec<Range<usize>> = Vec::new();
    for segment in segments.iter().filter(|s| needs(s.holds)) {
        add_window(&mut windows, segment.bytes.clone());
    }
    windows
}

/// Windows for a case-sensitive pattern every match of which holds one of a
/// few words as written ("said", "cartel"): the segments that hold one. The
/// words are found by one search of the text, which the automaton
/// vectorizes (case-sensitive and few), where the pattern's own search,
/// opening with a name, looks at every byte: "X said" and "the Y cartel"
/// cost a third as much searched so.
pub(crate) struct WordWindows {
    words: AhoCorasick,
    ends_segment: [bool; 256],
}

impl WordWindows {
    /// - `inside`: the ASCII punctuation a match may hold, as for [`Segmenter::new`].
    /// - `words`: one of them is in every match, as written; none holds a
    ///   byte that ends a segment.
    pub fn new(inside: &[u8], words: &[&str]) -> Self {
        let ends_segment = segment_ends(inside);
        for word in words {
            assert!(!word.bytes().any(|b| ends_segment[usize::from(b)]), "{word:?} would span two segments");
        }
        // Leftmost-first, for the vectorized search (the automaton has none
        // for its standard semantics); a word that overlaps one found is in
        // the same segment, so finding one per place is enough.
        let words = AhoCorasick::builder().match_kind(MatchKind::LeftmostFirst).build(words).expect("static words");
        Self { words, ends_segment }
    }

    /// The windows of `text` for [`captures_in`] and [`matches_in`].
    pub fn windows(&self, text: &str) -> Vec<Range<usize>> {
        let bytes = text.as_bytes();
        let ends = |b: &u8| self.ends_segment[usize::from(*b)];
        let mut windows: Vec<Range<usize>> = Vec::new();
        for found in self.words.find_iter(text) {
            if windows.last().is_some_and(|w| found.start() < w.end) {
                continue;
            }
            let start = bytes[..found.start()].iter().rposition(ends).map_or(0, |at| at + 1);
            let end = bytes[found.end()..].iter().position(ends).map_or(bytes.len(), |at| found.end() + at);
            add_window(&mut windows, start..end);
        }
        windows
    }
}

/// The matches of `re` in `text` that a search of the whole text finds, found
/// by searching only `windows` (from [`windows`] or [`WordWindows`]).
pub(crate) fn captures_in<'t>(
    text: &'t str,
    windows: Vec<Range<usize>>,
    re: &'t Regex,
) -> impl Iterator<Item = Captures<'t>> {
    search_in(text, windows, |haystack, start| {
        re.captures_at(haystack, start).map(|c| {
            let end = c.get(0).expect("match").end();
            (c, end)
        })
    })
}

/// [`captures_in`] without the groups.
pub(crate) fn matches_in<'t>(
    text: &'t str,
    windows: Vec<Range<usize>>,
    re: &'t Regex,
) -> impl Iterator<Item = regex::Match<'t>> {
    search_in(text, windows, |haystack, start| re.find_at(haystack, start).map(|m| (m, m.end())))
}

fn search_in<'t, T>(
    text: &'t str,
    windows: Vec<Range<usize>>,
    search_at: impl Fn(&'t str, usize) -> Option<(T, usize)> + Copy + 't,
) -> impl Iterator<Item = T> + 't {
    windows.into_iter().flat_map(move |window| {
        // The text up to the window's end, searched from its start: a
        // look-behind still sees the byte before it, and the byte after it
        // ends a segment, which a word boundary sees as the end of a text.
        let haystack = &text[..window.end];
        let mut from = Some(window.start);
        std::iter::from_fn(move || {
            let start = from?;
            let (found, end) = search_at(haystack, start)?;
            // None of the patterns matches nothing; were one to, the search moves on.
            from = Some(end.max(start + 1)).filter(|&f| f <= haystack.len());
            Some(found)
        })
    })
}

/// Test support: every group span of every match.
#[cfg(test)]
pub(crate) fn spans<'t>(matches: impl Iterator<Item = Captures<'t>>) -> Vec<Vec<Option<(usize, usize)>>> {
    matches.map(|c| c.iter().map(|g| g.map(|g| (g.start(), g.end()))).collect()).collect()
}
