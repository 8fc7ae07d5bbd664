//! Rule-based sentence splitting for English, Spanish and Portuguese news.
//!
//! A sentence never crosses a line break: in plain-text articles a line is a
//! paragraph, a headline or a caption. Within a line a sentence ends at `.`, `!`,
//! `?` or `…` (plus closing quotes and brackets) followed by a space and a token
//! that can start a sentence, unless the period belongs to an abbreviation, an
//! initial or a dotted acronym.

use crimefacts_model::{CharCounter, CompactString, Sentence};

/// Lowercase abbreviations (without their period) that do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    // titles and ranks
    "mr", "mrs", "ms", "dr", "drs", "prof", "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt", "cpl", "pvt",
    "gov", "sen", "rep", "pres", "supt", "insp", "det", "st", "jr", "sr", "sra", "srta", "sres", "dra", "lic", "ing",
    "gral", "cnel", "tte", "sgto", "fr", "rev", "hon", // references and numbers
    "no", "nº", "nos", "núm", "num", "art", "arts", "vol", "pp", "pág", "fig", "approx", "aprox", "est", "etc", "vs",
    "inc", "corp", "ltd", "cía", "dept", "depto", "av", "avda", "ed", "eds",
    // months (English, Spanish, Portuguese)
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ene", "abr", "ago", "dic",
    "fev", "mai", "set", "out", "dez",
];

const TERMINATORS: &[char] = &['.', '!', '?', '…'];
const CLOSERS: &[char] = &['"', '\'', '”', '’', '»', ')', ']'];
const OPENERS: &[char] = &['"', '\'', '“', '‘', '«', '(', '[', '¿', '¡', '—', '-'];

/// Splits `body` (already normalized) into sentences with code-point offsets.
pub fn split_sentences(doc_id: &str, body: &str) -> Vec<Sentence> {
    let mut index = CharCounter::new(body);
    let mut sentences = Vec::new();
    let mut line_start = 0;
    for line in body.split('\n') {
        for (start, end) in split_line(line) {
            let (start, end) = (line_start + start, line_start + end);
            sentences.push(Sentence {
                doc_id: CompactString::new(doc_id),
                sentence: sentences.len() as i64,
                start: index.chars(start),
                end: index.chars(end),
                text: CompactString::new(&body[start..end]),
            });
        }
        line_start += line.len() + 1;
    }
    sentences
}

/// Byte spans of the sentences of one line, trimmed.
fn split_line(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, c, end) in terminator_runs(line) {
        let rest = &line[end..];
        let Some(after_space) = rest.strip_prefix(' ') else { continue };
        let Some(next) = after_space.chars().next() else { continue };
        let starts_sentence = next.is_uppercase() || next.is_ascii_digit() || OPENERS.contains(&next);
        if !starts_sentence || (c == '.' && period_is_not_final(&line[start..i])) {
            continue;
        }
        spans.push((start, end));
        start = end + 1;
    }
    if !line[start..].trim().is_empty() {
        spans.push((start, line.len()));
    }
    spans
}

/// Each terminator of a line with the terminators and closers that follow it:
/// its offset, the terminator, and the end of the run. Only the bytes that
/// open a terminator are looked at (`…` opens with 0xE2, as do other
/// punctuation marks, which are passed over): most of a line is neither.
fn terminator_runs(line: &str) -> impl Iterator<Item = (usize, char, usize)> + '_ {
    let bytes = line.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(found) = bytes[at..].iter().position(|&b| matches!(b, b'.' | b'!' | b'?' | 0xe2)) {
            let i = at + found;
            let c = line[i..].chars().next().expect("a terminator's first byte starts a character");
            at = i + c.len_utf8();
            if !TERMINATORS.contains(&c) {
                continue;
            }
            while let Some(next) = line[at..].chars().next().filter(|n| TERMINATORS.contains(n) || CLOSERS.contains(n))
            {
                at += next.len_utf8();
            }
            return Some((i, c, at));
        }
        None
    })
}

/// [`terminator_runs`] as the splitter found them before, character by
/// character: the oracle of the test that holds the byte scan to it.
#[cfg(test)]
fn terminator_runs_by_characters(line: &str) -> Vec<(usize, char, usize)> {
    let mut runs = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !TERMINATORS.contains(&c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, next)) = chars.peek() {
            if TERMINATORS.contains(&next) || CLOSERS.contains(&next) {
                end = j + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        runs.push((i, c, end));
    }
    runs
}

/// Whether the period after `before` belongs to the word it follows.
fn period_is_not_final(before: &str) -> bool {
    let word = before.rsplit([' ', '(', '"', '“', '\'']).next().unwrap_or("");
    if word.is_empty() {
        return false;
    }
    let mut letters = word.chars();
    let single_initial = matches!((letters.next(), letters.next()), (Some(c), None) if c.is_uppercase());
    let dotted = word.contains('.') && word.chars().any(char::is_alphabetic);
    single_initial || dotted || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan finds the terminator runs the character walk did, on
    /// drawn lines of words, abbreviations, initials, every terminator, closer
    /// and opener, other three-byte punctuation and accented capitals.
    #[test]
    fn the_byte_scan_splits_as_the_character_walk() {
        let pieces = [
            "Police", "seized", "Dr", "U.S", "J", " ", " ", ".", "!", "?", "…", "\"", "'", "”", "’", "»", ")", "]",
            "“", "‘", "«", "(", "[", "¿", "¡", "—", "-", "–", "É", "é", "1", "x", "etc",
        ];
        for line in crimefacts_model::draw::Draw::new(0x5eed_0006).texts(&pieces, 30_000, 16) {
            assert_eq!(terminator_runs(&line).collect::<Vec<_>>(), terminator_runs_by_characters(&line), "{line:?}");
        }
    }

    fn split(text: &str) -> Vec<String> {
        split_sentences("d", text).into_iter().map(|s| s.text.into()).collect()
    }

    #[test]
    fn splits_on_terminal_punctuation_followed_by_a_sentence_start() {
        let cases: &[(&str, &[&str])] = &[
            ("Police seized 7.4 tons. It was a record.", &["Police seized 7.4 tons.", "It was a record."]),
            ("Se incautaron 1.500 kilos. La policía dijo.", &["Se incautaron 1.500 kilos.", "La policía dijo."]),
            ("Gen. Rojas met Lt. Pérez in the U.S. on Friday.", &["Gen. Rojas met Lt. Pérez in the U.S. on Friday."]),
            ("The Sra. Gómez spoke. Dr. Ruiz agreed.", &["The Sra. Gómez spoke.", "Dr. Ruiz agreed."]),
            ("J. Smith said it. No. 5 was next.", &["J. Smith said it.", "No. 5 was next."]),
            ("It cost approx. $5 per kg, etc. and more.", &["It cost approx. $5 per kg, etc. and more."]),
            ("He said: \"It is over.\" Then he left.", &["He said: \"It is over.\"", "Then he left."]),
            ("¿Quién manda? ¡Nadie sabe! Fin.", &["¿Quién manda?", "¡Nadie sabe!", "Fin."]),
            ("Prices rose... and fell.", &["Prices rose... and fell."]),
            (
                "El Sr. Pérez viajó a EE.UU. con el Dr. Ruiz. Nadie lo sabía.",
                &["El Sr. Pérez viajó a EE.UU. con el Dr. Ruiz.", "Nadie lo sabía."],
            ),
            (
                "O Gen. Silva disse: “Vamos vencer.” A PF confirmou.",
                &["O Gen. Silva disse: “Vamos vencer.”", "A PF confirmou."],
            ),
            ("Col. John F. Kennedy Jr. arrived. He left.", &["Col. John F. Kennedy Jr. arrived.", "He left."]),
        ];
        for (text, want) in cases {
            assert_eq!(split(text), *want, "{text:?}");
        }
    }

    #[test]
    fn never_crosses_a_line_break() {
        assert_eq!(
            split("A headline\nBody starts here. Ends here\n\nNext"),
            ["A headline", "Body starts here.", "Ends here", "Next"]
        );
    }

    #[test]
    fn offsets_are_code_points_into_the_body() {
        let body = "Perú incautó 3,5 toneladas. “Es récord”, dijo.\n\nBogotá — ok.";
        for s in split_sentences("d", body) {
            let by_chars: String = body.chars().skip(s.start as usize).take((s.end - s.start) as usize).collect();
            assert_eq!(by_chars, s.text);
        }
    }
}
