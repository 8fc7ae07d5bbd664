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
    fn scales() {
        assert_eq!(scale_factor("million"), Some(1e6));
        assert_eq!(scale_factor("Millones"), Some(1e6));
        assert_eq!(scale_factor("mil millones"), Some(1e9));
        assert_eq!(scale_factor("tons"), None);
    }
}
