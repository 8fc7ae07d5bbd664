//! Publication dates as pages write them: "12 AUG 2014", "July 22, 2015",
//! "22/07/2015", "22 de julio de 2015", "2015-07-22".

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

/// Month names and abbreviations in English, Spanish and Portuguese.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("enero", 1),
    ("ene", 1),
    ("janeiro", 1),
    ("february", 2),
    ("feb", 2),
    ("febrero", 2),
    ("fevereiro", 2),
    ("fev", 2),
    ("march", 3),
    ("mar", 3),
    ("marzo", 3),
    ("março", 3),
    ("marco", 3),
    ("april", 4),
    ("apr", 4),
    ("abril", 4),
    ("abr", 4),
    ("may", 5),
    ("mayo", 5),
    ("maio", 5),
    ("mai", 5),
    ("june", 6),
    ("jun", 6),
    ("junio", 6),
    ("junho", 6),
    ("july", 7),
    ("jul", 7),
    ("julio", 7),
    ("julho", 7),
    ("august", 8),
    ("aug", 8),
    ("agosto", 8),
    ("ago", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("setembro", 9),
    ("set", 9),
    ("october", 10),
    ("oct", 10),
    ("octubre", 10),
    ("outubro", 10),
    ("out", 10),
    ("november", 11),
    ("nov", 11),
    ("noviembre", 11),
    ("novembro", 11),
    ("december", 12),
    ("dec", 12),
    ("diciembre", 12),
    ("dic", 12),
    ("dezembro", 12),
    ("dez", 12),
];

fn month_alternation() -> String {
    let mut names: Vec<&str> = MONTHS.iter().map(|m| m.0).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.join("|")
}

static ISO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})").expect("static"));
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    let months = month_alternation();
    Regex::new(&format!(
        r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th|º)?\s+(?:de\s+)?({months})\.?,?\s+(?:de\s+|del\s+)?(\d{{4}})\b"
    ))
    .expect("static")
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    let months = month_alternation();
    Regex::new(&format!(r"(?i)\b({months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")).expect("static")
});
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b").expect("static"));

fn month_number(name: &str) -> Option<u32> {
    let name = name.to_lowercase();
    MONTHS.iter().find(|m| m.0 == name).map(|m| m.1)
}

/// A date found in a line, and its byte span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundDate {
    pub date: NaiveDate,
    pub start: usize,
    pub end: usize,
}

/// The first full date (day, month and year) in `text`. A numeric date whose
/// day and month could be swapped ("03/04/2015") is read day-first only when
/// `day_first` says so; with `None` it is left alone rather than guessed.
pub fn find_date(text: &str, day_first: Option<bool>) -> Option<FoundDate> {
    // Every pattern's year is four digits, which become a date only if they
    // parse as an integer, as ASCII digits alone do: a text without four in
    // a row holds no date, and most lines with a figure have none.
    if !has_four_ascii_digits_in_a_row(text) {
        return None;
    }
    read_date(text, day_first)
}

fn has_four_ascii_digits_in_a_row(text: &str) -> bool {
    let mut run = 0;
    text.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run == 4
    })
}

/// [`find_date`] without its shortcut.
fn read_date(text: &str, day_first: Option<bool>) -> Option<FoundDate> {
    let mut found: Vec<FoundDate> = Vec::new();
    let mut push = |y: &str, m: u32, d: &str, start: usize, end: usize| {
        if let (Ok(y), Ok(d)) = (y.parse(), d.parse())
            && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
        {
            found.push(FoundDate { date, start, end });
        }
    };
    for c in ISO.captures_iter(text) {
        let m = c.get(0).expect("match");
        if let Ok(month) = c[2].parse() {
            push(&c[1], month, &c[3], m.start(), m.end());
        }
    }
    for c in DAY_MONTH_YEAR.captures_iter(text) {
        let m = c.get(0).expect("match");
        if let Some(month) = month_number(&c[2]) {
            push(&c[3], month, &c[1], m.start(), m.end());
        }
    }
    for c in MONTH_DAY_YEAR.captures_iter(text) {
        let m = c.get(0).expect("match");
        if let Some(month) = month_number(&c[1]) {
            push(&c[3], month, &c[2], m.start(), m.end());
        }
    }
    for c in NUMERIC.captures_iter(text) {
        let m = c.get(0).expect("match");
        let (a, b): (u32, u32) = (c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0));
        let day_first = match (a > 12, b > 12) {
            (true, false) => true,
            (false, true) => false,
            _ if a == b => true,
            _ => match day_first {
                Some(day_first) => day_first,
                None => continue,
            },
        };
        let (day, month) = if day_first { (&c[1], b) } else { (&c[2], a) };
        push(&c[3], month, day, m.start(), m.end());
    }
    found.into_iter().min_by_key(|f| f.start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Option<String> {
        find_date(text, None).map(|f| f.date.to_string())
    }

    /// The shortcut never hides a date: drawn texts of figures (ASCII and
    /// other digits), months and separators read the same with and without it.
    #[test]
    fn texts_without_four_digits_in_a_row_hold_no_date() {
        let pieces = [
            "2015",
            "201",
            "5",
            "15",
            "3",
            "٢٠١٥",
            "-07-",
            "/07/",
            ".4.",
            " ",
            "July ",
            "22 de agosto de ",
            "12th ",
            ", ",
            "x",
        ];
        let mut dates = 0;
        for text in crimefacts_model::draw::Draw::new(0x5eed_0006).texts(&pieces, 20_000, 10) {
            for day_first in [None, Some(true), Some(false)] {
                let read = read_date(&text, day_first);
                assert_eq!(find_date(&text, day_first), read, "{text:?}");
                dates += usize::from(read.is_some());
            }
        }
        assert!(dates > 300, "the draw should hold dates ({dates})");
    }

    #[test]
    fn reads_the_forms_news_pages_use() {
        let cases = [
            ("BOLIVIA / 12 AUG 2014 BY MARGUERITE CAWLEY EN", "2014-08-12"),
            ("July 22, 2015", "2015-07-22"),
            ("Aug. 3, 2019", "2019-08-03"),
            ("22 de julio de 2015", "2015-07-22"),
            ("22 de julho de 2015", "2015-07-22"),
            ("1º de março de 2020", "2020-03-01"),
            ("Publicado el 5 de septiembre del 2018", "2018-09-05"),
            ("2015-07-22T10:00", "2015-07-22"),
            ("22/07/2015", "2015-07-22"),
            ("07/22/2015", "2015-07-22"),
            ("3 December 2013", "2013-12-03"),
        ];
        for (text, want) in cases {
            assert_eq!(date(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn ambiguous_or_impossible_dates_are_not_guessed() {
        assert_eq!(date("03/04/2015"), None);
        assert_eq!(find_date("03/04/2015", Some(true)).unwrap().date.to_string(), "2015-04-03");
        assert_eq!(date("31 February 2015"), None);
        assert_eq!(date("in 2014 and May"), None);
        assert_eq!(date("the mar 12 2014"), Some("2014-03-12".into()));
    }

    #[test]
    fn the_first_date_wins_and_its_span_is_returned() {
        let found = find_date("Updated 2 Jan 2020, first published 1 Dec 2019", None).unwrap();
        assert_eq!(found.date.to_string(), "2020-01-02");
        assert_eq!(found.start, 8);
    }
}
