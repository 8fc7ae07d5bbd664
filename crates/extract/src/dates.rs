//! Date expressions in a body, resolved against the publication date into
//! intervals with a grain: "June 23" (day), "in July" (month), "in 2013"
//! (year), "so far this year", "between January 1 and June 30 of this year"
//! (period). Without a publication date, only fully written dates resolve.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use chrono::{Datelike, NaiveDate};
use regex::Regex;

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("enero", 1),
    ("janeiro", 1),
    ("february", 2),
    ("febrero", 2),
    ("fevereiro", 2),
    ("march", 3),
    ("marzo", 3),
    ("março", 3),
    ("april", 4),
    ("abril", 4),
    ("may", 5),
    ("mayo", 5),
    ("maio", 5),
    ("june", 6),
    ("junio", 6),
    ("junho", 6),
    ("july", 7),
    ("julio", 7),
    ("julho", 7),
    ("august", 8),
    ("agosto", 8),
    ("september", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("setembro", 9),
    ("october", 10),
    ("octubre", 10),
    ("outubro", 10),
    ("november", 11),
    ("noviembre", 11),
    ("novembro", 11),
    ("december", 12),
    ("diciembre", 12),
    ("dezembro", 12),
];

fn months() -> String {
    let mut names: Vec<&str> = MONTHS.iter().map(|m| m.0).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.join("|")
}

fn month_number(name: &str) -> Option<u32> {
    let name = name.to_lowercase();
    MONTHS.iter().find(|m| m.0 == name).map(|m| m.1)
}

/// One regex per form; the first alternative that matches at a position wins,
/// longer forms first.
struct DatePatterns {
    forms: Vec<(Form, Regex)>,
    /// The words that every date expression holds one of (see [`Anchors`]).
    anchor_words: AhoCorasick,
    /// Each of `anchor_words` with its kind.
    anchor_kinds: Vec<(String, Anchors)>,
}

/// What a stretch of text holds that date expressions are made of. Every form
/// needs some of these (see [`Form::needs`]), so a form is only searched
/// for in the stretches that have what it needs: most sentences of an
/// article hold no date, and fifteen scans of the whole body were a tenth of
/// extraction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Anchors(u8);

impl Anchors {
    const MONTH: Self = Self(1);
    const DIGIT: Self = Self(2);
    /// "year", "año", "ano".
    const YEAR_WORD: Self = Self(4);
    /// "month", "mes", "mês".
    const MONTH_WORD: Self = Self(8);
    const ALL: Self = Self(15);

    fn has(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

/// A stretch between two characters that no date expression holds.
#[derive(Debug)]
struct Segment {
    bytes: Range<usize>,
    anchors: Anchors,
}

/// What a byte is to [`DatePatterns::segments`], looked up in one table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    Other,
    /// ASCII punctuation other than the comma and the underscore. No form's
    /// pattern matches one (they are letters, digits, spaces, commas and "º"),
    /// so no date expression spans two segments, and searching each segment
    /// alone finds what searching the whole text finds. Word boundaries see
    /// the end of a window as they see such a byte; an underscore is a word
    /// character to them, so it cannot end one.
    EndsSegment,
    Digit,
    /// The first byte of a non-ASCII character, which may be a digit of
    /// another script.
    NonAsciiStart,
}

static BYTE_CLASSES: [ByteClass; 256] = {
    let mut classes = [ByteClass::Other; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        classes[b] = if byte.is_ascii_punctuation() && byte != b',' && byte != b'_' {
            ByteClass::EndsSegment
        } else if byte.is_ascii_digit() {
            ByteClass::Digit
        } else if byte >= 0xc0 {
            ByteClass::NonAsciiStart
        } else {
            ByteClass::Other
        };
        b += 1;
    }
    classes
};

static PATTERNS: LazyLock<DatePatterns> = LazyLock::new(|| {
    let m = months();
    let day = r"(?P<day>\d{1,2})(?:st|nd|rd|th|º)?";
    let dayb = r"(?P<dayb>\d{1,2})(?:st|nd|rd|th|º)?";
    let forms: Vec<(Form, String)> = vec![
        (Form::Between, format!(r"(?i)(?:between|entre)\s+(?:el\s+)?(?:(?P<m1>{m})\s+(?P<d1>\d{{1,2}})|(?P<d1b>\d{{1,2}})\s+de\s+(?P<m1b>{m}))\s+(?:and|y|e)\s+(?:el\s+)?(?:(?P<m2>{m})\s+(?P<d2>\d{{1,2}})|(?P<d2b>\d{{1,2}})\s+de\s+(?P<m2b>{m}))(?:,?\s+(?:of\s+)?(?:(?P<this>this year|este año|este ano)|(?:de\s+|of\s+)?(?P<year>\d{{4}})))?")),
        (Form::MonthRange, format!(r"(?i)(?:between|from|entre|de|desde)\s+(?P<m1>{m})\s+(?:and|to|through|until|y|a|al|e|hasta|até)\s+(?P<m2>{m})(?-u:\b)(?:,?\s+(?:of\s+|de\s+|del\s+)?(?:(?P<this>this year|este año|este ano)|(?P<year>\d{{4}})))?")),
        (Form::YearRange, r"(?i)(?:between|from|entre|de)\s+(?P<y1>(?:19|20)\d{2})\s+(?:and|to|y|e|a|al)\s+(?P<y2>(?:19|20)\d{2})(?-u:\b)".to_string()),
        (Form::SoFar, r"(?i)(?:so far this year|so far in \d{4}|en lo que va del? año|en lo que va de \d{4}|até agora este ano|neste ano até agora)".to_string()),
        (Form::Since, r"(?i)(?:since the beginning of|since the start of|desde (?:el )?(?:inicio|comienzo|principios) de|since|desde)\s+(?P<year>\d{4})".to_string()),
        (Form::ThisYear, r"(?i)(?:this year|este año|este ano|the current year)".to_string()),
        (Form::LastYear, r"(?i)(?:last year|el año pasado|o ano passado|in the past year)".to_string()),
        (Form::ThisMonth, r"(?i)(?:earlier this month|this month|este mes|este mês)".to_string()),
        (Form::LastMonth, r"(?i)(?:last month|el mes pasado|o mês passado)".to_string()),
        (Form::FullDate, format!(r"(?i)(?:(?P<m>{m})\s+{day},?\s+(?P<year>\d{{4}})|{dayb}\s+(?:de\s+)?(?P<mb>{m})(?:,?\s+(?:de\s+|del\s+)?(?P<yearb>\d{{4}})))")),
        (Form::MonthDay, format!(r"(?i)(?:(?P<m>{m})\s+{day}(?-u:\b)|{dayb}\s+de\s+(?P<mb>{m}))")),
        (Form::MonthYear, format!(r"(?i)(?P<m>{m})\s+(?:of\s+|de\s+|del\s+)?(?P<year>\d{{4}})")),
        (Form::Month, format!(r"(?i)(?:in|en|em|during|durante|since|desde)\s+(?P<m>{m})(?-u:\b)")),
        (Form::Year, r"(?i)(?:in|en|em|during|durante|for|of)\s+(?P<year>(?:19|20)\d{2})(?-u:\b)".to_string()),
    ];
    let forms = forms.into_iter().map(|(f, p)| (f, Regex::new(&p).expect("static date pattern"))).collect();
    let mut words: Vec<(String, Anchors)> = Vec::new();
    let month_names = MONTHS.iter().map(|m| (m.0, Anchors::MONTH));
    let unit_words = [("year", Anchors::YEAR_WORD), ("año", Anchors::YEAR_WORD), ("ano", Anchors::YEAR_WORD)]
        .into_iter()
        .chain([("month", Anchors::MONTH_WORD), ("mes", Anchors::MONTH_WORD), ("mês", Anchors::MONTH_WORD)]);
    for (word, kind) in month_names.chain(unit_words) {
        // The automaton folds ASCII case only: "MARÇO" needs its own entry.
        words.push((word.to_string(), kind));
        if !word.is_ascii() {
            words.push((word.to_uppercase(), kind));
        }
    }
    let anchor_words = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(words.iter().map(|w| &w.0))
        .expect("static date anchor words");
    DatePatterns { forms, anchor_words, anchor_kinds: words }
});

impl DatePatterns {
    /// The segments of `text`, with what each holds.
    fn segments(&self, text: &str) -> Vec<Segment> {
        let bytes = text.as_bytes();
        let mut segments = Vec::new();
        let mut current = Segment { bytes: 0..0, anchors: Anchors::default() };
        for (i, &b) in bytes.iter().enumerate() {
            match BYTE_CLASSES[usize::from(b)] {
                ByteClass::Other => {}
                ByteClass::EndsSegment => {
                    current.bytes.end = i;
                    let next = Segment { bytes: i + 1..i + 1, anchors: Anchors::default() };
                    segments.push(std::mem::replace(&mut current, next));
                }
                ByteClass::Digit => current.anchors.0 |= Anchors::DIGIT.0,
                // `\d` is any Unicode digit; `is_numeric` holds all of them.
                ByteClass::NonAsciiStart => {
                    if text[i..].chars().next().is_some_and(char::is_numeric) {
                        current.anchors.0 |= Anchors::DIGIT.0;
                    }
                }
            }
        }
        current.bytes.end = bytes.len();
        segments.push(current);
        // The patterns fold case by Unicode's rules, under which "ſ" is an "s"
        // and the Kelvin sign a "k": a text with either is searched whole.
        if text.contains(['\u{17f}', '\u{212a}']) {
            segments.iter_mut().for_each(|s| s.anchors = Anchors::ALL);
            return segments;
        }
        // Every place an anchor word starts: a leftmost search again from the
        // byte after each find, since words may overlap ("anoctubre"). Two
        // words of different kinds never start at the same place (a test
        // checks), so one find per start says all.
        let mut from = 0;
        while let Some(found) = self.anchor_words.find(aho_corasick::Input::new(text).span(from..text.len())) {
            let at = segments.partition_point(|s| s.bytes.end < found.start());
            segments[at].anchors.0 |= self.anchor_kinds[found.pattern().as_usize()].1.0;
            from = found.start() + 1;
        }
        segments
    }
}

/// The stretches of text to search for one form: its segments, with those a
/// few bytes apart searched as one (a search has a fixed cost of its own).
fn windows(segments: &[Segment], needs: impl Fn(Anchors) -> bool) -> Vec<Range<usize>> {
    const GAP: usize = 64;
    let mut windows: Vec<Range<usize>> = Vec::new();
    for segment in segments.iter().filter(|s| needs(s.anchors)) {
        match windows.last_mut() {
            Some(last) if segment.bytes.start <= last.end + GAP => last.end = segment.bytes.end,
            _ => windows.push(segment.bytes.clone()),
        }
    }
    windows
}

impl Form {
    /// Whether a segment holds what an expression of this form is made of.
    fn needs(self, has: Anchors) -> bool {
        let (month, digit) = (has.has(Anchors::MONTH), has.has(Anchors::DIGIT));
        match self {
            Form::Between | Form::FullDate | Form::MonthDay | Form::MonthYear => month && digit,
            Form::MonthRange | Form::Month => month,
            Form::YearRange | Form::Since | Form::Year => digit,
            Form::SoFar => digit || has.has(Anchors::YEAR_WORD),
            Form::ThisYear | Form::LastYear => has.has(Anchors::YEAR_WORD),
            Form::ThisMonth | Form::LastMonth => has.has(Anchors::MONTH_WORD),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Between,
    MonthRange,
    YearRange,
    SoFar,
    Since,
    ThisYear,
    LastYear,
    ThisMonth,
    LastMonth,
    FullDate,
    MonthDay,
    MonthYear,
    Month,
    Year,
}

/// A date expression: byte span, interval, grain, and whether it is a period
/// over which totals are reported (not one day's incident).
#[derive(Clone, Debug, PartialEq)]
pub struct FoundDate {
    pub start: usize,
    pub end: usize,
    pub date_start: Option<NaiveDate>,
    pub date_end: Option<NaiveDate>,
    pub grain: &'static str,
    pub period: bool,
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn month_end(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    ymd(ny, nm, 1)?.pred_opt()
}

/// The year of a month written without one: the publication year, or the year
/// before when the month is later than the publication month.
fn year_for(month: u32, published: Option<NaiveDate>) -> Option<i32> {
    let p = published?;
    Some(if month > p.month() { p.year() - 1 } else { p.year() })
}

/// The matches of one form's pattern in `text`: those a search of the whole
/// text finds, found by searching only the windows that can hold them.
fn form_matches<'t>(
    text: &'t str,
    segments: &[Segment],
    form: Form,
    re: &'t Regex,
) -> impl Iterator<Item = regex::Captures<'t>> {
    windows(segments, |has| form.needs(has)).into_iter().flat_map(move |window| {
        // The text up to the window's end, searched from its start: a
        // look-behind still sees the byte before it, and the byte after it
        // ends a segment, as the end of a text does.
        let haystack = &text[..window.end];
        let mut from = Some(window.start);
        std::iter::from_fn(move || {
            let start = from?;
            let c = re.captures_at(haystack, start)?;
            // No form matches nothing; were one to, the search would move on.
            from = Some(c.get(0).expect("match").end().max(start + 1)).filter(|&f| f <= haystack.len());
            Some(c)
        })
    })
}

/// Every date expression in `text`, without overlaps, in text order.
pub fn find_dates(text: &str, published: Option<NaiveDate>) -> Vec<FoundDate> {
    let mut found: Vec<FoundDate> = Vec::new();
    // Spans taken so far (start -> end), never overlapping one another: only
    // the one starting last before a match's end can overlap it.
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let segments = PATTERNS.segments(text);
    for (form, re) in &PATTERNS.forms {
        for c in form_matches(text, &segments, *form, re) {
            let whole = c.get(0).expect("match");
            if taken.range(..whole.end()).next_back().is_some_and(|(_, &end)| whole.start() < end) {
                continue;
            }
            let get = |names: &[&str]| names.iter().find_map(|n| c.name(n)).map(|m| m.as_str());
            let pub_year = published.map(|p| p.year());
            let (date_start, date_end, grain, period) = match form {
                Form::Between => {
                    let m1 = get(&["m1", "m1b"]).and_then(month_number);
                    let m2 = get(&["m2", "m2b"]).and_then(month_number);
                    let d1 = get(&["d1", "d1b"]).and_then(|d| d.parse().ok());
                    let d2 = get(&["d2", "d2b"]).and_then(|d| d.parse().ok());
                    let year = get(&["year"]).and_then(|y| y.parse().ok()).or(pub_year);
                    let start = year.zip(m1).zip(d1).and_then(|((y, m), d)| ymd(y, m, d));
                    let end = year.zip(m2).zip(d2).and_then(|((y, m), d)| ymd(y, m, d));
                    (start, end, "period", true)
                }
                Form::MonthRange => {
                    let m1 = get(&["m1"]).and_then(month_number);
                    let m2 = get(&["m2"]).and_then(month_number);
                    let written: Option<i32> = get(&["year"]).and_then(|y| y.parse().ok());
                    let end_year = written.or_else(|| m2.and_then(|m| year_for(m, published)));
                    // "from November to February" starts the year before.
                    let start_year = end_year.zip(m1.zip(m2)).map(|(y, (a, b))| if a > b { y - 1 } else { y });
                    let start = start_year.zip(m1).and_then(|(y, m)| ymd(y, m, 1));
                    let end = end_year.zip(m2).and_then(|(y, m)| month_end(y, m));
                    (start, end, "period", true)
                }
                Form::YearRange => {
                    let y1: Option<i32> = get(&["y1"]).and_then(|y| y.parse().ok());
                    let y2: Option<i32> = get(&["y2"]).and_then(|y| y.parse().ok());
                    (y1.and_then(|y| ymd(y, 1, 1)), y2.and_then(|y| ymd(y, 12, 31)), "period", true)
                }
                Form::SoFar => (pub_year.and_then(|y| ymd(y, 1, 1)), published, "period", true),
                Form::Since => {
                    let year: Option<i32> = get(&["year"]).and_then(|y| y.parse().ok());
                    (year.and_then(|y| ymd(y, 1, 1)), published, "period", true)
                }
                Form::ThisYear => (pub_year.and_then(|y| ymd(y, 1, 1)), published, "period", true),
                Form::LastYear => {
                    let y = pub_year.map(|y| y - 1);
                    (y.and_then(|y| ymd(y, 1, 1)), y.and_then(|y| ymd(y, 12, 31)), "year", true)
                }
                Form::ThisMonth => {
                    let start = published.and_then(|p| ymd(p.year(), p.month(), 1));
                    (start, published, "period", true)
                }
                Form::LastMonth => {
                    let first = published.and_then(|p| ymd(p.year(), p.month(), 1)).and_then(|d| d.pred_opt());
                    let start = first.and_then(|d| ymd(d.year(), d.month(), 1));
                    (start, first, "month", true)
                }
                Form::FullDate => {
                    let m = get(&["m", "mb"]).and_then(month_number);
                    let y: Option<i32> = get(&["year", "yearb"]).and_then(|y| y.parse().ok());
                    let d: Option<u32> = get(&["day", "dayb"]).and_then(|d| d.parse().ok());
                    let date = y.zip(m).zip(d).and_then(|((y, m), d)| ymd(y, m, d));
                    (date, date, "day", false)
                }
                Form::MonthDay => {
                    let m = get(&["m", "mb"]).and_then(month_number);
                    let d: Option<u32> = get(&["day", "dayb"]).and_then(|d| d.parse().ok());
                    let date = m
                        .and_then(|m| year_for(m, published).map(|y| (y, m)))
                        .zip(d)
                        .and_then(|((y, m), d)| ymd(y, m, d));
                    (date, date, "day", false)
                }
                Form::MonthYear => {
                    let m = get(&["m"]).and_then(month_number);
                    let y: Option<i32> = get(&["year"]).and_then(|y| y.parse().ok());
                    let start = y.zip(m).and_then(|(y, m)| ymd(y, m, 1));
                    let end = y.zip(m).and_then(|(y, m)| month_end(y, m));
                    (start, end, "month", true)
                }
                Form::Month => {
                    let m = get(&["m"]).and_then(month_number);
                    let y = m.and_then(|m| year_for(m, published));
                    let start = y.zip(m).and_then(|(y, m)| ymd(y, m, 1));
                    let end = y.zip(m).and_then(|(y, m)| month_end(y, m));
                    (start, end, "month", false)
                }
                Form::Year => {
                    let y: Option<i32> = get(&["year"]).and_then(|y| y.parse().ok());
                    (y.and_then(|y| ymd(y, 1, 1)), y.and_then(|y| ymd(y, 12, 31)), "year", true)
                }
            };
            // Keep the trigger words out of the span of "in July" and "in 2013".
            let mut start = whole.start();
            if matches!(form, Form::Month | Form::Year) {
                let inner = c.name("m").or_else(|| c.name("year")).expect("group");
                start = inner.start();
            }
            taken.insert(start, whole.end());
            found.push(FoundDate { start, end: whole.end(), date_start, date_end, grain, period });
        }
    }
    found.sort_by_key(|f| f.start);
    found
}

/// Compiles this module's patterns now, so that the first document does not
/// wait for them (see `Extract::new`).
pub(crate) fn warm_up() {
    LazyLock::force(&PATTERNS);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str, published: &str) -> Vec<(String, Option<String>, Option<String>, &'static str)> {
        let published = NaiveDate::parse_from_str(published, "%Y-%m-%d").ok();
        find_dates(text, published)
            .into_iter()
            .map(|f| {
                (
                    text[f.start..f.end].to_string(),
                    f.date_start.map(|d| d.to_string()),
                    f.date_end.map(|d| d.to_string()),
                    f.grain,
                )
            })
            .collect()
    }

    fn one(text: &str, published: &str) -> (Option<String>, Option<String>, &'static str) {
        let found = resolve(text, published);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        (found[0].1.clone(), found[0].2.clone(), found[0].3)
    }

    fn d(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn absolute_and_relative_dates() {
        let p = "2015-07-22";
        assert_eq!(one("held on June 23.", p), (d("2015-06-23"), d("2015-06-23"), "day"));
        assert_eq!(one("el 23 de junio de 2014", p), (d("2014-06-23"), d("2014-06-23"), "day"));
        assert_eq!(one("signed in 2013", p), (d("2013-01-01"), d("2013-12-31"), "year"));
        assert_eq!(one("So far this year, police", "2014-08-12"), (d("2014-01-01"), d("2014-08-12"), "period"));
        assert_eq!(
            one("seized between January 1 and June 30 of this year", p),
            (d("2015-01-01"), d("2015-06-30"), "period")
        );
        assert_eq!(one("entre el 1 de enero y el 30 de junio", p).2, "period");
        assert_eq!(one("since the beginning of 2013", p), (d("2013-01-01"), d("2015-07-22"), "period"));
        assert_eq!(one("el año pasado", p), (d("2014-01-01"), d("2014-12-31"), "year"));
        assert_eq!(one("earlier this month", p), (d("2015-07-01"), d("2015-07-22"), "period"));
        assert_eq!(one("in July", p), (d("2015-07-01"), d("2015-07-31"), "month"));
        assert_eq!(one("between 2015 and 2018", p), (d("2015-01-01"), d("2018-12-31"), "period"));
        assert_eq!(one("between January and June 2015", p), (d("2015-01-01"), d("2015-06-30"), "period"));
        assert_eq!(one("de enero a junio de 2014", p), (d("2014-01-01"), d("2014-06-30"), "period"));
        assert_eq!(one("from November to February", p), (d("2014-11-01"), d("2015-02-28"), "period"));
    }

    #[test]
    fn no_anchor_word_starts_one_of_another_kind() {
        let words = &PATTERNS.anchor_kinds;
        assert_eq!(PATTERNS.anchor_words.patterns_len(), words.len());
        for (word, kind) in words {
            for (other, other_kind) in words {
                let prefix = other.to_lowercase().starts_with(&word.to_lowercase());
                assert!(!prefix || kind == other_kind, "{word} starts {other}");
            }
        }
    }

    /// Every group span of every match, as a search of the whole text finds them.
    fn spans<'t>(matches: impl Iterator<Item = regex::Captures<'t>>) -> Vec<Vec<Option<(usize, usize)>>> {
        matches.map(|c| c.iter().map(|g| g.map(|g| (g.start(), g.end()))).collect()).collect()
    }

    /// The windows find what whole-text searches find, form by form, over
    /// 20,000 texts drawn (fixed seed) from date words, digits of several
    /// scripts, punctuation that ends a segment and letters that fold into
    /// ASCII ones.
    #[test]
    fn windows_find_what_a_whole_text_search_finds() {
        #[rustfmt::skip]
        let pieces = [
            "between ", "January ", "1 ", "and ", "June ", "30", " of ", "this year", "de ", "MARÇO", "março ",
            "2014", "from ", "to ", "so far ", "in ", "since ", "the beginning of ", "last ", "month", "mês",
            "AÑO", "año ", "el ", "pasado", "earlier ", "23rd", "º", ", ", ".", "(", ")", " ", "\n", "١٩٩٠",
            "२०१३", "Auguſt ", "K", "within ", "May", "mayo", "-", "/", "’", "x", "July 22, 2015", ", 2015",
            "anoctubre", "_", "_x",
        ];
        // Every ASCII punctuation character too, each next to date words.
        let punctuation: Vec<String> =
            (b'!'..=b'~').filter(u8::is_ascii_punctuation).map(|b| char::from(b).to_string()).collect();
        let pieces: Vec<&str> = pieces.into_iter().chain(punctuation.iter().map(String::as_str)).collect();
        let mut draw = crimefacts_model::draw::Draw::new(0x2545_f491_4f6c_dd1d);
        let mut matched = 0;
        for _ in 0..20_000 {
            let text = draw.text(&pieces, 24);
            let segments = PATTERNS.segments(&text);
            for (form, re) in &PATTERNS.forms {
                let whole = spans(re.captures_iter(&text));
                matched += whole.len();
                assert_eq!(spans(form_matches(&text, &segments, *form, re)), whole, "{form:?} in {text:?}");
            }
        }
        assert!(matched > 10_000, "the draw should hold dates ({matched})");
    }

    #[test]
    fn a_month_after_the_publication_month_is_last_year() {
        assert_eq!(one("in December", "2015-02-10"), (d("2014-12-01"), d("2014-12-31"), "month"));
        assert_eq!(one("on November 3", "2015-02-10"), (d("2014-11-03"), d("2014-11-03"), "day"));
    }

    #[test]
    fn without_a_publication_date_relative_dates_stay_null() {
        assert_eq!(resolve("this year", "")[0].1, None);
        assert_eq!(resolve("in July", "")[0].1, None);
        assert_eq!(resolve("July 22, 2015", "")[0].1, d("2015-07-22"));
    }
}
