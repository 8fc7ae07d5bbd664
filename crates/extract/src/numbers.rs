//! Numbers as news text writes them, in English and Spanish/Portuguese
//! conventions: "1,500", "1.500", "7.4", "3,5", "1.234.567,89".

/// Parses digits with `,`/`.` separators. A separator followed by exactly three
/// digits groups thousands ("1,500" and "1.500" are 1500) unless the integer part
/// is 0; otherwise it is the decimal mark ("7.4", "3,5"). When both marks occur,
/// the last one is the decimal mark.
pub fn parse_number(s: &str) -> Option<f64> {
    let last_comma = s.rfind(',');
    let last_dot = s.rfind('.');
    let decimal = match (last_comma, last_dot) {
        (None, None) => None,
        (Some(c), Some(d)) => Some(c.max(d)),
        (Some(p), None) | (None, Some(p)) => {
            let mark = s.as_bytes()[p] as char;
            let repeated = s.matches(mark).count() > 1;
            let digits_after = s.len() - p - 1;
            let integer_part = &s[..p];
            let groups_thousands = repeated || (digits_after == 3 && !integer_part.trim_start_matches('0').is_empty());
            (!groups_thousands).then_some(p)
        }
    };
    let mut plain = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '0'..='9' => plain.push(c),
            ',' | '.' if Some(i) == decimal => plain.push('.'),
            ',' | '.' => {}
            _ => return None,
        }
    }
    plain.parse().ok()
}

/// Number words of English, Spanish and Portuguese. "un"/"una"/"um" are left
/// out: as articles they would make every "un laboratorio" a count.
pub const NUMBER_WORDS: &[(&str, f64)] = &[
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("hundred", 100.0),
    ("a hundred", 100.0),
    ("a dozen", 12.0),
    ("dozen", 12.0),
    ("dos", 2.0),
    ("tres", 3.0),
    ("cuatro", 4.0),
    ("cinco", 5.0),
    ("seis", 6.0),
    ("siete", 7.0),
    ("ocho", 8.0),
    ("nueve", 9.0),
    ("diez", 10.0),
    ("once", 11.0),
    ("doce", 12.0),
    ("trece", 13.0),
    ("catorce", 14.0),
    ("quince", 15.0),
    ("veinte", 20.0),
    ("treinta", 30.0),
    ("cuarenta", 40.0),
    ("cincuenta", 50.0),
    ("sesenta", 60.0),
    ("setenta", 70.0),
    ("ochenta", 80.0),
    ("noventa", 90.0),
    ("cien", 100.0),
    ("una docena", 12.0),
    ("dois", 2.0),
    ("duas", 2.0),
    ("três", 3.0),
    ("quatro", 4.0),
    ("sete", 7.0),
    ("oito", 8.0),
    ("nove", 9.0),
    ("dez", 10.0),
    ("onze", 11.0),
    ("doze", 12.0),
    ("treze", 13.0),
    ("quinze", 15.0),
    ("vinte", 20.0),
    ("trinta", 30.0),
    ("quarenta", 40.0),
    ("cinquenta", 50.0),
    ("sessenta", 60.0),
    ("oitenta", 80.0),
    ("cem", 100.0),
    ("uma dúzia", 12.0),
];

/// A number as digits ("1,500") or words ("six", "twenty-five", "a dozen").
pub fn parse_amount_number(s: &str) -> Option<f64> {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return parse_number(s);
    }
    let lower = s.to_lowercase();
    if let Some((_, v)) = NUMBER_WORDS.iter().find(|(w, _)| *w == lower) {
        return Some(*v);
    }
    // "twenty-five", "ninety-nine"
    let (tens, unit) = lower.split_once('-')?;
    let tens = NUMBER_WORDS.iter().find(|(w, v)| *w == tens && *v >= 20.0 && *v < 100.0)?.1;
    let unit = NUMBER_WORDS.iter().find(|(w, v)| *w == unit && *v < 10.0)?.1;
    Some(tens + unit)
}

/// Regex alternation of the number words, longest first, with hyphenated tens.
pub fn number_words_pattern() -> String {
    let mut words: Vec<&str> = NUMBER_WORDS.iter().map(|w| w.0).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety";
    let units = "one|two|three|four|five|six|seven|eight|nine";
    format!("(?:{tens})-(?:{units})|{}", words.join("|"))
}

/// Where a number can open in a text: at every ASCII digit, and at every word
/// start (no word character, as `\b` counts them, right before it) that
/// opens with a number word. A number word inside a word ("someone",
/// "often") opens no number: only whole-word amounts are kept, and a match
/// from inside a word would hide an amount right after it.
pub struct NumberStarts {
    /// The number words' ASCII beginnings (up to their first non-ASCII
    /// character, whose case the text may change), by [`first_two`].
    by_first_two: Vec<Vec<&'static [u8]>>,
}

const FIRST_TWO: usize = 26 * 27;

/// The slot of a word by its first two bytes, ASCII lowercased: 26 for the
/// first (a letter, or no slot), times 27 for the second (a letter, or any
/// other byte).
fn first_two(bytes: &[u8]) -> Option<usize> {
    let first = bytes.first()?.to_ascii_lowercase().checked_sub(b'a').filter(|&l| l < 26)?;
    let second = bytes.get(1).map_or(26, |b| b.to_ascii_lowercase().wrapping_sub(b'a').min(26));
    Some(usize::from(first) * 27 + usize::from(second))
}

impl Default for NumberStarts {
    fn default() -> Self {
        Self::new()
    }
}

impl NumberStarts {
    pub fn new() -> Self {
        let mut by_first_two = vec![Vec::new(); FIRST_TWO];
        for (word, _) in NUMBER_WORDS {
            let ascii = &word.as_bytes()[..word.find(|c: char| !c.is_ascii()).unwrap_or(word.len())];
            let slot = first_two(ascii).expect("number words open with two ASCII bytes, the first a letter");
            by_first_two[slot].push(ascii);
        }
        Self { by_first_two }
    }

    /// Every offset of `text` a number can open at, in order (and some where
    /// none does, which cost only time).
    pub fn in_text(&self, text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        if crate::scan::holds_case_variants_of_ascii_letters(bytes) {
            // A number word may open with "ſ" here: every word start is tried.
            return text
                .char_indices()
                .filter(|&(at, c)| c.is_ascii_digit() || !word_character_before(text, at))
                .map(|(at, _)| at)
                .collect();
        }
        crate::scan::digits_and_word_opening_letters(bytes)
            .filter(|&at| {
                bytes[at].is_ascii_digit()
                    || (self.opens_number_word(&bytes[at..])
                        && !(at > 0 && !bytes[at - 1].is_ascii() && word_character_before(text, at)))
            })
            .collect()
    }

    fn opens_number_word(&self, bytes: &[u8]) -> bool {
        let Some(slot) = first_two(bytes) else { return false };
        self.by_first_two[slot].iter().any(|word| bytes.get(..word.len()).is_some_and(|b| b.eq_ignore_ascii_case(word)))
    }
}

fn word_character_before(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_some_and(regex_syntax::is_word_character)
}

/// Multiplier of a scale word after a number ("3.5 million").
pub fn scale_factor(word: &str) -> Option<f64> {
    let word = word.trim().to_lowercase();
    Some(match word.as_str() {
        "thousand" | "mil" => 1e3,
        "million" | "millions" | "millón" | "millon" | "millones" | "milhão" | "milhao" | "milhões" | "milhoes"
        | "m" | "mn" => 1e6,
        "billion" | "billions" | "bn" | "mil millones" | "bilhão" | "bilhao" | "bilhões" | "bilhoes" => 1e9,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_decimal_conventions() {
        let cases = [
            ("1,500", 1500.0),
            ("1.500", 1500.0),
            ("7.4", 7.4),
            ("3,5", 3.5),
            ("450", 450.0),
            ("1,234,567", 1234567.0),
            ("1.234.567,89", 1234567.89),
            ("1,234.5", 1234.5),
            ("0.500", 0.5),
            ("12.25", 12.25),
        ];
        for (s, want) in cases {
            assert_eq!(parse_number(s), Some(want), "{s}");
        }
        assert_eq!(parse_number("1a"), None);
    }

    #[test]
    fn number_words() {
        let cases = [
            ("six", 6.0),
            ("Ninety", 90.0),
            ("twenty-five", 25.0),
            ("a dozen", 12.0),
            ("dos", 2.0),
            ("três", 3.0),
            ("1,581", 1581.0),
        ];
        for (s, want) in cases {
            assert_eq!(parse_amount_number(s), Some(want), "{s}");
        }
        assert_eq!(parse_amount_number("seventy-ten"), None);
    }

    #[test]
    fn scales() {
        assert_eq!(scale_factor("million"), Some(1e6));
        assert_eq!(scale_factor("Millones"), Some(1e6));
        assert_eq!(scale_factor("mil millones"), Some(1e9));
        assert_eq!(scale_factor("tons"), None);
    }
}
