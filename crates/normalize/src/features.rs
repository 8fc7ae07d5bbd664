//! What a single line looks like: prose or headline, share widget, date line,
//! byline, cross-reference, end-of-article marker. Language-general signals
//! (length, punctuation, case, function words) plus short word lists in
//! English, Spanish and Portuguese; no site's strings.

use std::sync::LazyLock;

use chrono::NaiveDate;
use crimefacts_model::swar;
use regex::Regex;

use crate::dates::find_date;

/// Function words of running text in en/es/pt: prose has many, headlines,
/// menus and widgets few.
const FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "an", "is", "are", "was", "were", "that", "for", "on", "with", "as", "by",
    "at", "from", "it", "its", "has", "have", "had", "be", "been", "this", "which", "who", "their", "they", "he",
    "she", "but", "or", "not", "said", "de", "la", "el", "en", "y", "que", "los", "las", "del", "se", "por", "un",
    "una", "para", "con", "su", "sus", "al", "es", "lo", "como", "más", "o", "fue", "ha", "han", "dijo", "do", "da",
    "em", "os", "as", "e", "no", "na", "um", "uma", "dos", "das", "ao", "com", "foi", "são", "pelo", "pela", "nos",
    "nas", "mais", "seu", "sua",
];

/// Words of share bars and page widgets.
const WIDGET_WORDS: &[&str] = &[
    "share",
    "shares",
    "icon",
    "icons",
    "compartir",
    "comparte",
    "compartilhe",
    "compartilhar",
    "tweet",
    "twitter",
    "x",
    "facebook",
    "whatsapp",
    "linkedin",
    "telegram",
    "pinterest",
    "reddit",
    "messenger",
    "email",
    "e-mail",
    "mail",
    "print",
    "imprimir",
    "copy",
    "copiar",
    "link",
    "enlace",
    "save",
    "guardar",
    "salvar",
    "bluesky",
    "threads",
    "instagram",
    "youtube",
    "tiktok",
    "rss",
    "feed",
];

/// "Share this article", "Compartir esta nota".
const SHARE_VERBS: &[&str] = &["share", "compartir", "comparte", "compartilhe", "compartilhar", "partager"];

/// Standalone lines after which a page stops being the article (compared
/// lowercase, without punctuation).
const END_MARKERS: &[&str] = &[
    "about",
    "related",
    "related content",
    "related articles",
    "related stories",
    "related posts",
    "related news",
    "related coverage",
    "read more",
    "read next",
    "more news",
    "more stories",
    "more from",
    "you may also like",
    "you might also like",
    "recommended",
    "recommended for you",
    "most read",
    "most popular",
    "trending",
    "newsletter",
    "sign up for our newsletter",
    "subscribe",
    "comments",
    "leave a comment",
    "leave a reply",
    "join the conversation",
    "about the author",
    "about us",
    "tags",
    "topics",
    "was this content helpful",
    "was this article helpful",
    "did you like this article",
    "noticias relacionadas",
    "artículos relacionados",
    "relacionado",
    "relacionados",
    "relacionadas",
    "contenido relacionado",
    "te puede interesar",
    "también te puede interesar",
    "te recomendamos",
    "lo más leído",
    "más leídas",
    "más noticias",
    "lea también",
    "lee también",
    "comentarios",
    "deja un comentario",
    "suscríbete",
    "etiquetas",
    "temas",
    "sobre el autor",
    "leia também",
    "veja também",
    "leia mais",
    "notícias relacionadas",
    "conteúdo relacionado",
    "mais lidas",
    "comentários",
    "deixe um comentário",
    "assine",
    "sobre o autor",
    "tópicos",
];

/// Labels that introduce a link to another article ("SEE ALSO: ...").
static CROSS_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:see also|read also|read more|related|more on|lea también|lee también|ver también|véase también|relacionado|leia também|veja também|leia mais|saiba mais)\s*[:|»>-]",
    )
    .expect("static")
});

/// A short all-caps label followed by a colon ("SEE ALSO:", "LEA TAMBIÉN:").
static CAPS_LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\p{Lu}][\p{Lu} ]{2,28}:\s*\S").expect("static"));

/// "By Jane Doe", "Por Juan Pérez", "Written by ...", "Texto: ...".
static BYLINE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i:by|por|written by|escrito por|reporting by|texto de|texto|reportaje de|reportagem de)\s*:?\s+(\S.*)$",
    )
    .expect("static")
});

/// "... BY JANE DOE" inside a kicker line that carries a date.
static BYLINE_CAPS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:BY|POR)\s+(\p{Lu}[\p{Lu}'’.-]+(?:\s+(?:(?:DE|DA|DEL|DOS|Y|E|AND)\b|\p{Lu}[\p{Lu}'’.-]+)){0,5})")
        .expect("static")
});

/// "Jane Doe | Publisher".
static BYLINE_PIPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\p{Lu}[\p{L}'’.-]+(?:\s+\p{Lu}[\p{L}'’.-]+){1,3})\s*\|\s*(\S.{1,40})$").expect("static")
});

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineFeatures {
    pub words: usize,
    /// Running text: enough words, function words, sentence-final punctuation.
    pub prose: bool,
    /// A short sentence ("No one was arrested."): not enough to anchor the
    /// article on, but text, not chrome, when it closes one.
    pub sentence: bool,
    /// A share bar or widget row.
    pub widget: bool,
    /// A breadcrumb or menu: short segments between separators ("Home › World › Americas").
    pub menu: bool,
    /// A link to another article ("SEE ALSO: ...").
    pub cross_reference: bool,
    /// A standalone "Related content" / "Comments" style line.
    pub end_marker: bool,
    /// A short line that is mostly a date ("12 AUG 2014", "PERU / 14 JUN 2011").
    pub date_line: bool,
    pub date: Option<NaiveDate>,
    /// The author named by a byline in this line.
    pub byline: Option<String>,
    /// The publisher named after a pipe in "Author | Publisher".
    pub byline_publisher: Option<String>,
}

/// Both word lists in one table keyed by a cheap hash: every word of every line
/// is looked up, so SipHash or a binary search of string compares shows in profiles.
/// A word is keyed by its bytes, zero-padded to 16 (no listed word holds a NUL
/// or is longer), so a lookup hashes two words and compares two, with no loop
/// over its bytes.
struct WordKinds {
    /// Open addressing: each slot a key and its kind bits; an empty slot is
    /// the all-zero key, the key of no word but the empty one (kind 0).
    slots: Vec<(WordKey, u8)>,
}

type WordKey = [u64; 2];

/// Bytes of the longest word in either list: a longer word is neither.
const LONGEST_LISTED_WORD: usize = 16;
const SLOTS: usize = 1024;

const FUNCTION: u8 = 1;
const WIDGET: u8 = 2;

impl WordKinds {
    fn new() -> Self {
        assert!(2 * (FUNCTION_WORDS.len() + WIDGET_WORDS.len()) <= SLOTS, "the word table is too full");
        let mut table = Self { slots: vec![([0, 0], 0); SLOTS] };
        for (words, kind) in [(FUNCTION_WORDS, FUNCTION), (WIDGET_WORDS, WIDGET)] {
            for &word in words {
                assert!(!word.is_empty() && !word.contains('\0'), "{word:?} cannot be keyed");
                let key = Self::key(word.as_bytes()).expect("a listed word fits the key");
                let mut i = Self::slot(key);
                while table.slots[i].0 != key && table.slots[i].0 != [0, 0] {
                    i = (i + 1) % SLOTS;
                }
                table.slots[i].0 = key;
                table.slots[i].1 |= kind;
            }
        }
        table
    }

    /// The word's bytes, zero-padded, as two little-endian words; `None` for
    /// a word longer than any listed one.
    fn key(word: &[u8]) -> Option<WordKey> {
        if word.contains(&0) {
            return None;
        }
        let mut padded = [0u8; LONGEST_LISTED_WORD];
        padded.get_mut(..word.len())?.copy_from_slice(word);
        let half = |at: usize| u64::from_le_bytes(padded[at..at + 8].try_into().expect("eight bytes"));
        Some([half(0), half(8)])
    }

    fn slot(key: WordKey) -> usize {
        let mixed = (key[0] ^ key[1].rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (mixed >> (64 - SLOTS.trailing_zeros())) as usize
    }

    /// The kind of a word as written: lowercased and without surrounding
    /// punctuation. ASCII words (most words of most lines) are folded on the
    /// stack instead of into a new string.
    fn kind_of_written(&self, word: &str) -> u8 {
        if !word.is_ascii() {
            return self.kind(bare(&word.to_lowercase()));
        }
        self.kind_of_ascii(word.as_bytes())
    }

    fn kind(&self, word: &str) -> u8 {
        Self::key(word.as_bytes()).map_or(0, |key| self.kind_of_key(key))
    }

    fn kind_of_key(&self, key: WordKey) -> u8 {
        let mut i = Self::slot(key);
        loop {
            let (k, bits) = self.slots[i];
            if k == key || k == [0, 0] {
                return if k == key { bits } else { 0 };
            }
            i = (i + 1) % SLOTS;
        }
    }

    /// [`Self::kind_of_written`] of an ASCII word: its bare part keyed, then
    /// lowercased eight bytes at a time.
    fn kind_of_ascii(&self, word: &[u8]) -> u8 {
        let keep = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-';
        let Some(first) = word.iter().position(keep) else { return 0 };
        let last = word.iter().rposition(keep).expect("a kept byte exists");
        let Some(key) = Self::key(&word[first..=last]) else { return 0 };
        self.kind_of_key(key.map(swar::ascii_lowercase))
    }
}

/// What `LineFeatures::of` counts over the words of a line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct WordCounts {
    words: usize,
    function_words: usize,
    widget_words: usize,
    capitalized: usize,
    lowercase_initial: usize,
    letters: usize,
    any_lowercase: bool,
}

impl WordCounts {
    /// Every line's words are counted, so ASCII words (most words of most
    /// lines, also in Spanish) are classified byte by byte, and the others
    /// character by character as [`Self::of_any`] does for all of them (a
    /// test compares the two). With `enough_function_words`, words are no
    /// longer looked up in the word lists once that many function words were
    /// counted: then `function_words` and `widget_words` fall short, the
    /// other counts do not, unless [`Self::stopped_at`] says counting stopped
    /// there, which it does once a lowercase letter was also seen (all a long
    /// line needs to be prose).
    fn of(text: &str, enough_function_words: Option<usize>) -> Self {
        let enough = enough_function_words.unwrap_or(usize::MAX);
        if text.is_ascii() {
            return Self::of_ascii(text.as_bytes(), enough);
        }
        let mut counts = Self::default();
        for (word, ascii) in words(text) {
            if ascii {
                counts.add_ascii(word.as_bytes(), enough);
            } else {
                counts.add_any(word, enough);
            }
            if counts.stopped_at(enough) {
                break;
            }
        }
        counts
    }

    /// Whether counting stopped early with `enough` function words: they
    /// were reached (more than none) and a lowercase letter was seen. Then
    /// only these two counts can be relied on.
    fn stopped_at(&self, enough: usize) -> bool {
        enough > 0 && self.function_words >= enough && self.any_lowercase
    }

    /// The general path alone, which the tests hold the fast one to.
    #[cfg(test)]
    fn of_any(text: &str) -> Self {
        let mut counts = Self::default();
        text.split_whitespace().for_each(|word| counts.add_any(word, usize::MAX));
        counts
    }

    fn add_kind(&mut self, kind: impl FnOnce() -> u8, enough: usize) {
        if self.function_words < enough {
            let kind = kind();
            self.function_words += usize::from(kind & FUNCTION != 0);
            self.widget_words += usize::from(kind & WIDGET != 0);
        }
    }

    // Whitespace is neither a letter nor lowercase, so counting letters word
    // by word counts those of the line.
    fn add_any(&mut self, word: &str, enough: usize) {
        self.words += 1;
        self.add_kind(|| WORD_KINDS.kind_of_written(word), enough);
        let first = word.chars().next().expect("a word has a character");
        self.capitalized += usize::from(first.is_uppercase());
        self.lowercase_initial += usize::from(first.is_lowercase());
        self.letters += word.chars().filter(|c| c.is_alphabetic()).count();
        self.any_lowercase |= word.chars().any(char::is_lowercase);
    }

    /// An all-ASCII line (most lines): letters and lowercase are counted over
    /// the whole line in loops the compiler vectorizes (spaces are neither),
    /// and only the words' first bytes and kinds word by word. A line that
    /// may stop early looks for lowercase word by word instead, until it does.
    fn of_ascii(line: &[u8], enough: usize) -> Self {
        let mut counts = Self::default();
        let mut words = line.split(|&b| is_ascii_space(b)).filter(|word| !word.is_empty());
        if enough > 0 && enough != usize::MAX {
            for word in words.by_ref() {
                counts.add_ascii_word(word, enough);
                counts.any_lowercase |= word.iter().any(u8::is_ascii_lowercase);
                if counts.stopped_at(enough) {
                    return counts;
                }
            }
        }
        for word in words {
            counts.add_ascii_word(word, enough);
        }
        counts.letters = line.iter().filter(|b| b.is_ascii_alphabetic()).count();
        counts.any_lowercase = line.iter().any(u8::is_ascii_lowercase);
        counts
    }

    fn add_ascii(&mut self, word: &[u8], enough: usize) {
        self.add_ascii_word(word, enough);
        for &b in word {
            self.letters += usize::from(b.is_ascii_alphabetic());
            self.any_lowercase |= b.is_ascii_lowercase();
        }
    }

    /// What an ASCII word adds but its letters.
    fn add_ascii_word(&mut self, word: &[u8], enough: usize) {
        self.words += 1;
        self.add_kind(|| WORD_KINDS.kind_of_ascii(word), enough);
        self.capitalized += usize::from(word[0].is_ascii_uppercase());
        self.lowercase_initial += usize::from(word[0].is_ascii_lowercase());
    }
}

/// The words of `text` as `split_whitespace` finds them, each with whether it
/// is ASCII. Only non-ASCII characters are decoded.
fn words(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let bytes = text.as_bytes();
    // Whether a space starts at `i`, and the length of the character there.
    let space_at = move |i: usize| -> (bool, usize) {
        match bytes[i] {
            b if is_ascii_space(b) => (true, 1),
            b if b < 0x80 => (false, 1),
            _ => {
                let c = text[i..].chars().next().expect("a character starts here");
                (c.is_whitespace(), c.len_utf8())
            }
        }
    };
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let (space, len) = space_at(at);
            if !space {
                break;
            }
            at += len;
        }
        let start = at;
        let mut ascii = true;
        while at < bytes.len() {
            let (space, len) = space_at(at);
            if space {
                break;
            }
            ascii &= len == 1;
            at += len;
        }
        (at > start).then(|| (&text[start..at], ascii))
    })
}

/// The number of words of a line, as `split_whitespace` counts them.
fn word_count(text: &str) -> usize {
    if !text.is_ascii() && holds_space_outside_ascii(text) {
        return words(text).count();
    }
    // Eight bytes at a time: a word opens at each byte that is no space
    // after one that is (or after the start). Bytes outside ASCII are no
    // space here: the text holds no space character outside ASCII.
    let mut space_before = swar::HIGH;
    let mut count = 0;
    for piece in text.as_bytes().chunks(8) {
        let mut eight = [b' '; 8];
        eight[..piece.len()].copy_from_slice(piece);
        let eight = u64::from_le_bytes(eight);
        let seven_bits = eight & swar::LOW;
        let spaces =
            (swar::bytes_in_range(seven_bits, b'\t', b'\r') | swar::bytes_in_range(seven_bits, b' ', b' ')) & !eight;
        let after_space = (spaces << 8) | (space_before >> 56);
        space_before = spaces;
        count += (!spaces & after_space & swar::HIGH).count_ones() as usize;
    }
    count
}

/// Whether `text` holds a space character outside ASCII. Their UTF-8 forms
/// (U+0085, U+00A0, U+1680, U+2000 to U+200A, U+2028, U+2029, U+202F,
/// U+205F, U+3000) all open with 0xC2, 0xE1, 0xE2 or 0xE3 (a test checks
/// every character), so only characters opening so are decoded. Lines
/// [`crate::text::split_lines`] cleaned hold none.
fn holds_space_outside_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .filter(|&i| matches!(bytes[i], 0xc2 | 0xe1 | 0xe2 | 0xe3))
        .any(|i| text[i..].chars().next().is_some_and(char::is_whitespace))
}

/// The function words that make a line of `words` words prose, if it is
/// long enough never to be a headline or widget (more than 15 words): the
/// fewest whose share passes the prose threshold, which is 0.1 for a line
/// that ends a sentence and 0.15 for one of 25 words or more that does not;
/// zero if no share makes it prose (fewer than 25 words and no sentence
/// end). None for a short line: every word is looked up.
fn function_words_for_prose(words: usize, ends_a_sentence: bool) -> Option<usize> {
    if words <= 15 {
        return None;
    }
    let share = if ends_a_sentence {
        0.1
    } else if words >= 25 {
        0.15
    } else {
        // Never prose: no word needs looking up.
        return Some(0);
    };
    (0..=words).find(|&k| k as f64 / words as f64 >= share)
}

/// The ASCII characters that `char::is_whitespace` holds (with U+000B).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

static WORD_KINDS: LazyLock<WordKinds> = LazyLock::new(WordKinds::new);

/// A word without surrounding punctuation.
fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
}

fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '*']);
    trimmed.ends_with(['.', '!', '?', '…', ':', ';'])
}

/// A line's words, counted for its features.
struct CountedLine {
    words: usize,
    /// See [`function_words_for_prose`].
    enough_function_words: Option<usize>,
    /// Possibly stopped early (see [`WordCounts::of`]).
    counts: WordCounts,
}

impl CountedLine {
    /// A long line (most of an article's) is prose once enough of its words
    /// are function words and one holds a lowercase letter: the rest are not
    /// looked up, nor counted.
    fn of(text: &str) -> Self {
        let words = word_count(text);
        let enough_function_words = function_words_for_prose(words, ends_sentence(text));
        Self { words, enough_function_words, counts: WordCounts::of(text, enough_function_words) }
    }

    fn share(&self, count: usize) -> f64 {
        count as f64 / self.words.max(1) as f64
    }

    fn all_caps(&self) -> bool {
        self.counts.letters >= 4 && !self.counts.any_lowercase
    }

    /// Headlines are title-cased and short even when they end in "?".
    fn headline(&self, text: &str) -> bool {
        self.words <= 15 && self.share(self.counts.capitalized) >= 0.7 && !text.ends_with('.')
    }

    /// Whether the function words make the line prose (unless it is in
    /// capitals or a headline). Counts that stopped early do, and a long
    /// line's other counts are read only if it is not prose.
    fn function_words_make_prose(&self, text: &str) -> bool {
        let (n, function_share) = (self.words, self.share(self.counts.function_words));
        match self.enough_function_words {
            Some(enough) => enough > 0 && self.counts.function_words >= enough,
            None => (n >= 6 && ends_sentence(text) && function_share >= 0.1) || (n >= 25 && function_share >= 0.15),
        }
    }
}

impl LineFeatures {
    pub fn of(text: &str, day_first: Option<bool>) -> Self {
        Self::counted(text, day_first, &CountedLine::of(text))
    }

    fn counted(text: &str, day_first: Option<bool>, counted: &CountedLine) -> Self {
        let n = counted.words;
        let widget_share = counted.share(counted.counts.widget_words);
        let all_caps = counted.all_caps();
        let headline = counted.headline(text);
        let prose = !all_caps && !headline && counted.function_words_make_prose(text);
        let lowercase_initial_share = counted.share(counted.counts.lowercase_initial);

        // Dates matter only on short non-prose lines (date lines, bylines); the
        // digit check skips the date patterns on most lines.
        let date = if !prose && n <= 20 && text.bytes().any(|b| b.is_ascii_digit()) {
            find_date(text, day_first)
        } else {
            None
        };
        let date_words = date.map_or(0, |d| text[d.start..d.end].split_whitespace().count());
        let date_line = date.is_some() && !prose && n <= date_words + 6;

        // Short lines only: the words lowercased and bare, as the lists hold them.
        let lowered = if n <= 6 { crimefacts_model::lowercase(text) } else { String::new() };
        let lower: Vec<&str> = lowered.split_whitespace().map(bare).collect();
        let end_marker = n <= 6 && !text.ends_with('.') && {
            let folded = lower.join(" ");
            END_MARKERS
                .iter()
                .any(|m| folded == *m || folded.strip_prefix(m).is_some_and(|r| r.starts_with(' ') && n <= 4))
        };
        let cross_reference =
            n <= 16 && !ends_sentence(text) && (CROSS_REFERENCE.is_match(text) || CAPS_LABEL.is_match(text));

        let mut byline = None;
        let mut byline_publisher = None;
        if n <= 12 && !prose {
            if let Some(c) = BYLINE_PREFIX.captures(text) {
                byline = Some(clean_name(&c[1]));
                byline_publisher = c[1]
                    .rsplit_once('|')
                    .map(|(_, site)| site.trim())
                    .filter(|site| !site.is_empty() && find_date(site, None).is_none())
                    .map(str::to_string);
            } else if date.is_some()
                && let Some(c) = BYLINE_CAPS.captures(text)
            {
                byline = Some(clean_name(&c[1]));
            } else if let Some(c) = BYLINE_PIPE.captures(text) {
                byline = Some(clean_name(&c[1]));
                byline_publisher = Some(c[2].trim().to_string());
            }
        }
        // Prose, most lines of an article, needs neither of the next two.
        let sentence =
            prose || (n >= 3 && !headline && !all_caps && ends_sentence(text) && lowercase_initial_share >= 0.4);
        let menu = !prose && {
            let segments: Vec<&str> =
                text.split(['|', '›', '»', '>', '·', '•', '/']).map(str::trim).filter(|s| !s.is_empty()).collect();
            segments.len() >= 3 && segments.iter().all(|s| s.split_whitespace().count() <= 4)
        };
        Self {
            words: n,
            prose,
            menu,
            sentence,
            widget: n <= 10
                && (widget_share >= 0.5 || (n <= 4 && lower.first().is_some_and(|w| SHARE_VERBS.contains(w)))),
            cross_reference,
            end_marker,
            date_line,
            date: date.map(|d| d.date),
            byline: byline.filter(|b| !b.is_empty()),
            byline_publisher,
        }
    }
}

/// Tidies the name a byline gives: drops a trailing date, language tag or
/// "| Site", and title-cases names written in capitals.
fn clean_name(raw: &str) -> String {
    let mut name = raw.split(['|', '—', '–']).next().unwrap_or("").trim().to_string();
    if let Some(d) = find_date(&name, None) {
        name.truncate(d.start);
    }
    let mut tokens: Vec<&str> = name.split_whitespace().collect();
    // A two-letter capital tag at the end is a language switch ("EN", "ES").
    while tokens.last().is_some_and(|t| t.len() == 2 && t.chars().all(|c| c.is_ascii_uppercase())) {
        tokens.pop();
    }
    while tokens.last().is_some_and(|t| matches!(t.to_lowercase().as_str(), "on" | "el" | "em" | "-" | ",")) {
        tokens.pop();
    }
    let name = tokens.join(" ").trim_end_matches([',', '.', ';', ':']).to_string();
    if name.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase()) { title_case(&name) } else { name }
}

fn title_case(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let lower = word.to_lowercase();
            if matches!(lower.as_str(), "de" | "da" | "del" | "dos" | "y" | "e" | "and") {
                return lower;
            }
            let mut chars = lower.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(text: &str) -> LineFeatures {
        LineFeatures::of(text, None)
    }

    /// The table gives every listed word its lists, in any case and wrapped
    /// in punctuation, and no other word any: drawn words against a search
    /// of the lists themselves.
    #[test]
    fn word_kinds_are_the_lists() {
        let oracle = |word: &str| {
            let lower = word.to_lowercase();
            let bare = bare(&lower);
            (u8::from(FUNCTION_WORDS.contains(&bare)) * FUNCTION) | (u8::from(WIDGET_WORDS.contains(&bare)) * WIDGET)
        };
        for &word in FUNCTION_WORDS.iter().chain(WIDGET_WORDS) {
            for written in [word.to_string(), word.to_uppercase(), format!("({word}),"), format!("«{word}»")] {
                assert_eq!(WORD_KINDS.kind_of_written(&written), oracle(word), "{written:?}");
                assert_ne!(oracle(word), 0);
            }
        }
        let pieces =
            ["the", "of", "a", "de", "más", "share", "e", "x", "-", "q", "AB", "\0", "é", "\u{301}", "z", "tweet"];
        for word in crimefacts_model::draw::Draw::new(0x5eed_0005).texts(&pieces, 20_000, 5) {
            assert_eq!(WORD_KINDS.kind_of_written(&word), oracle(&word), "{word:?}");
        }
    }

    /// The word-by-word fast path counts what the general one does: every
    /// listed word in several cases and wrappings, and 20,000 drawn lines
    /// (fixed seed) of ASCII and other words, ASCII and Unicode spaces.
    #[test]
    fn word_counts_are_the_general_ones() {
        let listed = FUNCTION_WORDS
            .iter()
            .chain(WIDGET_WORDS)
            .flat_map(|w| [w.to_string(), w.to_uppercase(), format!("({w}),"), format!("--{w}--"), format!("\"{w}\"")]);
        for line in listed {
            assert_eq!(WordCounts::of(&line, None), WordCounts::of_any(&line), "{line:?}");
        }
        #[rustfmt::skip]
        let pieces = [
            "the", "The", "of", "DE", "share", "Tweet", "email", "-", "--", "a-b", "(", ")", ".", ",", "'",
            "x", "Z9", "1", " ", "  ", "\t", "\u{b}", "\u{c}", "\r", "\n", "verylongwordbeyondsixteen",
            "print", "|", "’", "é", "Perú", "más", "ÉL", "\u{a0}", "\u{2003}", "\u{85}", "\u{3000}", "ǅ", "İ",
            "—", "😀",
        ];
        let mut draw = crimefacts_model::draw::Draw::new(0x853c_49e6_748f_ea9b);
        let (mut listed_words, mut stopped_early) = (0, 0);
        for _ in 0..20_000 {
            let line = draw.text(&pieces, 16);
            let counts = WordCounts::of(&line, None);
            assert_eq!(counts, WordCounts::of_any(&line), "{line:?}");
            assert_eq!(word_count(&line), counts.words, "{line:?}");
            listed_words += counts.function_words + counts.widget_words;
            // Stopped early, the lists' counts reach the number asked for
            // exactly when the full counts do, and the others stay whole
            // unless counting stopped, which needs a lowercase letter.
            for enough in [0, 1, 2, 5] {
                let stopped = WordCounts::of(&line, Some(enough));
                assert_eq!(stopped.function_words >= enough, counts.function_words >= enough, "{line:?}");
                if stopped.stopped_at(enough) {
                    assert!(counts.any_lowercase, "{line:?}");
                    stopped_early += 1;
                    continue;
                }
                let whole = WordCounts { function_words: 0, widget_words: 0, ..counts };
                assert_eq!(WordCounts { function_words: 0, widget_words: 0, ..stopped }, whole, "{line:?}");
            }
        }
        assert!(listed_words > 5_000, "the draw should hold listed words ({listed_words})");
        assert!(stopped_early > 2_000, "the draw should stop early often ({stopped_early})");
    }

    /// The prose decision of a long line, from the fewest function words its
    /// share needs, is the one the shares give.
    #[test]
    fn enough_function_words_decide_prose_as_the_shares_do() {
        for words in 0..400 {
            for ends_a_sentence in [false, true] {
                let Some(enough) = function_words_for_prose(words, ends_a_sentence) else {
                    assert!(words <= 15);
                    continue;
                };
                for function_words in 0..=words {
                    let share = function_words as f64 / words as f64;
                    let by_share = (words >= 6 && ends_a_sentence && share >= 0.1) || (words >= 25 && share >= 0.15);
                    assert_eq!(enough > 0 && function_words >= enough, by_share, "{words} {function_words}");
                }
            }
        }
    }

    /// Counting that stops early gives every line the features full counts
    /// give it: 20,000 drawn lines (fixed seed) of up to 60 pieces, many of
    /// them long prose, in capitals or not, with and without a sentence end.
    /// (An empty line, which cleaned pages never hold, once made it panic.)
    #[test]
    fn features_from_early_stopped_counts_are_those_of_full_counts() {
        #[rustfmt::skip]
        let pieces = [
            "the ", "of ", "de ", "la ", "que ", "THE ", "Police ", "police ", "Perú ", "más ", "ÉL ", "said ",
            "cocaine ", "Santa Cruz ", "2014 ", "12 ", "share ", "Twitter ", "| ", "— ", "’s ", ", ", ". ",
            "\u{a0}", "\u{3000}", "x", "A ", "É",
        ];
        let mut draw = crimefacts_model::draw::Draw::new(0x2545_f491_4f6c_dd1d);
        let mut prose = 0;
        for size in (0..20_000).map(|i| 10 + i % 51) {
            let mut line = draw.text(&pieces, size);
            if size % 2 == 0 {
                line.push('.');
            }
            let stopped = CountedLine::of(&line);
            let full = CountedLine { counts: WordCounts::of(&line, None), ..stopped };
            let features = LineFeatures::of(&line, None);
            assert_eq!(features, LineFeatures::counted(&line, None, &full), "{line:?}");
            prose += usize::from(features.prose);
        }
        assert!(prose > 5_000, "the draw should hold prose ({prose})");
    }

    /// Every character outside ASCII that is a space opens with one of the
    /// bytes [`holds_space_outside_ascii`] decodes at.
    #[test]
    fn spaces_outside_ascii_are_found() {
        for c in (0x80..=0x10_ffff).filter_map(char::from_u32) {
            assert_eq!(holds_space_outside_ascii(&format!("ab{c}d")), c.is_whitespace(), "{c:?}");
        }
        assert!(!holds_space_outside_ascii("Perú’s “cartel” — 5 €"));
    }

    #[test]
    fn long_lines_are_prose_by_their_function_words_alone() {
        // More than 15 words: the word lists are read only until the share is reached.
        let prose = "Police in the city of Santa Cruz said on Monday that they had found a laboratory and two tons of \
                     cocaine paste in a house near the airport";
        assert!(f(prose).prose, "no sentence end, 30 words, many function words");
        assert!(f(&format!("{prose}.")).prose);
        let names = "Santa Cruz Cochabamba Beni Pando Tarija Oruro Potosí Sucre Chuquisaca La Paz El Alto Yacuiba Riberalta \
                     Trinidad Cobija Montero Quillacollo Sacaba.";
        assert!(!f(names).prose, "a long list of names ends a sentence but holds no function word");
        let short_of_25 =
            "Police in the city of Santa Cruz said on Monday that they had found a laboratory and two tons";
        assert!(!f(short_of_25).prose, "20 words without a sentence end are never prose");
        assert!(!f(&prose.to_uppercase()).prose, "capitals are no prose");
    }

    #[test]
    fn prose_versus_headlines_and_menus() {
        assert!(f("Bolivia is now reportedly home to at least 20 drug clans from Peru, officials said.").prose);
        assert!(f("La policía incautó 3,5 toneladas de cocaína en el puerto de Callao.").prose);
        assert!(f("A polícia apreendeu duas toneladas de cocaína no porto de Santos.").prose);
        assert!(!f("Peru Cocaine Clans Expanding in Bolivia: Police").prose);
        assert!(!f("Is Bolivia the New Cocaine Hub?").prose, "a title-cased question is a headline");
        assert!(!f("Home News Brief Investigations").prose);
        assert!(!f("THE ORGANIZATION").prose);
        assert!(f("No one was arrested.").sentence);
        assert!(!f("Peru Cocaine Clans Expanding in Bolivia: Police").sentence);
    }

    #[test]
    fn words_count_for_their_kind_in_any_case_and_punctuation() {
        // Capitals, quotes and accents do not hide a function or widget word.
        assert!(f("The Police Said That The Gang Was In The Port, And That It Had Fled.").prose);
        assert!(f("(Compartir) «Twitter» FACEBOOK, WhatsApp!").widget);
        assert!(f("Más de la mitad de los detenidos eran menores, según la fiscalía.").prose);
        assert!(!f("Ünïcödé Wörds Without Any Listed Word Here Today Again.").prose);
    }

    #[test]
    fn widgets_markers_and_cross_references() {
        assert!(f("share icon icon icon").widget);
        assert!(f("Compartir icon icon icon").widget);
        assert!(f("Facebook Twitter WhatsApp Email").widget);
        assert!(!f("Facebook said it removed the accounts of the cartel.").widget);
        assert!(!f("About 20 people died.").end_marker);
        for marker in [
            "About InSight Crime",
            "Related Content",
            "Noticias relacionadas",
            "Leia também",
            "Comments",
            "Was this content helpful?",
        ] {
            assert!(f(marker).end_marker, "{marker}");
        }
        assert!(!f("Related investigations showed that the network moved cocaine through Peru.").end_marker);
        assert!(f("SEE ALSO: Coverage of Criminal Migration").cross_reference);
        assert!(f("Portada | Nacionales | Sucesos").menu);
        assert!(f("Início › Brasil › Segurança").menu);
        assert!(!f("BOLIVIA / 12 AUG 2014 BY MARGUERITE CAWLEY EN").menu);
        assert!(f("Lea también: Capturan a alias Otoniel").cross_reference);
        assert!(!f("See also the report, which shows 20 clans.").cross_reference);
    }

    #[test]
    fn dates_and_bylines() {
        let kicker = f("BOLIVIA / 12 AUG 2014 BY MARGUERITE CAWLEY EN");
        assert!(kicker.date_line);
        assert_eq!(kicker.byline.as_deref(), Some("Marguerite Cawley"));
        assert_eq!(f("By Dialogo").byline.as_deref(), Some("Dialogo"));
        assert_eq!(f("Por Juan Pérez y María Gómez").byline.as_deref(), Some("Juan Pérez y María Gómez"));
        assert_eq!(f("Written by Jane Doe | 3 May 2019").byline.as_deref(), Some("Jane Doe"));
        let piped = f("Jeremy McDermott | Lima Post");
        assert_eq!(piped.byline.as_deref(), Some("Jeremy McDermott"));
        assert_eq!(piped.byline_publisher.as_deref(), Some("Lima Post"));
        assert!(f("July 22, 2015").date_line);
        assert!(f("By the end of 2014, police had seized 20 tons of cocaine in the region.").byline.is_none());
        assert!(!f("Police said on July 22, 2015 that they had seized 20 tons of cocaine.").date_line);
    }
}
