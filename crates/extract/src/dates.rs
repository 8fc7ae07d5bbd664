//! Date expressions in a body, resolved against the publication date into
//! intervals with a grain: "June 23" (day), "in July" (month), "in 2013"
//! (year), "so far this year", "between January 1 and June 30 of this year"
//! (period). Without a publication date, only fully written dates resolve.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use crate::windows::{Holds, Segmenter, captures_in, windows};

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
    /// What each stretch of a text holds that date expressions are made of.
    /// Every form needs some of it (see [`Form::needs`]) and holds no ASCII
    /// punctuation but the comma: most sentences of an article hold no date,
    /// and fifteen scans of every whole body were a tenth of extraction.
    segmenter: Segmenter,
}

const MONTH: Holds = 1;
const DIGIT: Holds = 2;
/// "year", "año", "ano".
const YEAR_WORD: Holds = 4;
/// "month", "mes", "mês".
const MONTH_WORD: Holds = 8;
/// Four digits in a row: a year.
const FOUR_DIGITS: Holds = 16;

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
    let unit_words = [("year", YEAR_WORD), ("año", YEAR_WORD), ("ano", YEAR_WORD)].into_iter().chain([
        ("month", MONTH_WORD),
        ("mes", MONTH_WORD),
        ("mês", MONTH_WORD),
    ]);
    let words: Vec<(&str, Holds)> = MONTHS.iter().map(|m| (m.0, MONTH)).chain(unit_words).collect();
    DatePatterns { forms, segmenter: Segmenter::new(b",", &words, DIGIT, FOUR_DIGITS) }
});

impl Form {
    /// Whether a segment holds what an expression of this form is made of.
    fn needs(self, has: Holds) -> bool {
        let (month, digit, year) = (has & MONTH != 0, has & DIGIT != 0, has & FOUR_DIGITS != 0);
        match self {
            Form::Between | Form::MonthDay => month && digit,
            // Their years are written in four digits; "between" may leave the year out.
            Form::FullDate | Form::MonthYear => month && year,
            Form::MonthRange | Form::Month => month,
            Form::YearRange | Form::Since | Form::Year => year,
            Form::SoFar => year || has & YEAR_WORD != 0,
            Form::ThisYear | Form::LastYear => has & YEAR_WORD != 0,
            Form::ThisMonth | Form::LastMonth => has & MONTH_WORD != 0,
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

/// Every date expression in `text`, without overlaps, in text order.
pub fn find_dates(text: &str, published: Option<NaiveDate>) -> Vec<FoundDate> {
    let mut found: Vec<FoundDate> = Vec::new();
    // Spans taken so far (start -> end), never overlapping one another: only
    // the one starting last before a match's end can overlap it.
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let segments = PATTERNS.segmenter.segments(text);
    for (form, re) in &PATTERNS.forms {
        for c in captures_in(text, windows(&segments, |has| form.needs(has)), re) {
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
    use crate::windows::spans;

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
            "anoctubre", "_", "_x", "201", "1", "٣",
        ];
        // Every ASCII punctuation character too, each next to date words.
        let punctuation: Vec<String> =
            (b'!'..=b'~').filter(u8::is_ascii_punctuation).map(|b| char::from(b).to_string()).collect();
        let pieces: Vec<&str> = pieces.into_iter().chain(punctuation.iter().map(String::as_str)).collect();
        let mut draw = crimefacts_model::draw::Draw::new(0x2545_f491_4f6c_dd1d);
        let mut matched = 0;
        for _ in 0..20_000 {
            let text = draw.text(&pieces, 24);
            let segments = PATTERNS.segmenter.segments(&text);
            for (form, re) in &PATTERNS.forms {
                let whole = spans(re.captures_iter(&text));
                matched += whole.len();
                let windowed = spans(captures_in(&text, windows(&segments, |has| form.needs(has)), re));
                assert_eq!(windowed, whole, "{form:?} in {text:?}");
            }
        }
        assert!(matched > 9_000, "the draw should hold dates ({matched})");
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
