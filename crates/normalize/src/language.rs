//! Document language: a fast path by marker words for English, Spanish and
//! Portuguese when one of them clearly dominates, else whatlang (trigram
//! profiles of ~70 languages, no model download, tens of microseconds). lingua is more accurate on very short
//! texts (tweets, headlines), but bodies here are paragraphs long, where
//! whatlang is reliable and an order of magnitude faster.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;
use whatlang::Lang;

/// Below this many letters a guess is noise: the language stays null.
const MIN_LETTERS: usize = 20;
/// Trigram scores settle within a few paragraphs; reading more costs time only.
const SAMPLE_BYTES: usize = 640;

/// Words that mark a language, for the fast path: the extractors read English,
/// Spanish and Portuguese, and most of a news corpus is in one of them. The other
/// lists only veto the fast path when a text looks like one of its neighbours.
const MARKERS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "of", "and", "to", "is", "that", "for", "with", "was", "by", "on", "from", "has", "have", "are",
            "it", "this", "which", "were", "said", "be", "been", "had", "not", "but", "they", "their", "he", "she",
            "its", "after",
        ],
    ),
    (
        "es",
        &[
            "el", "los", "las", "del", "y", "una", "con", "su", "al", "es", "lo", "como", "más", "fue", "pero", "sus",
            "también", "según", "está", "dijo", "ha", "han", "hay", "este", "esta", "sobre", "desde", "muy", "ya",
        ],
    ),
    (
        "pt",
        &[
            "o", "os", "do", "da", "dos", "das", "em", "no", "na", "nos", "nas", "um", "uma", "com", "ao", "é", "não",
            "foi", "são", "pelo", "pela", "e", "as", "mais", "há", "disse", "segundo", "à", "também", "já", "ainda",
        ],
    ),
    (
        "fr",
        &["le", "les", "et", "des", "du", "une", "est", "pas", "dans", "sur", "qui", "au", "aux", "ce", "il", "ont"],
    ),
    ("it", &["il", "di", "che", "gli", "della", "delle", "dei", "non", "sono", "è", "nel", "alla", "anche"]),
    ("ca", &["els", "les", "amb", "per", "és", "va", "dels", "seu", "també", "aquest"]),
    ("gl", &["unha", "coa", "polo", "pola", "xa", "tamén", "moi", "dunha"]),
    ("de", &["der", "die", "und", "den", "nicht", "ist", "mit", "von", "sich", "auf"]),
    ("nl", &["het", "een", "niet", "zijn", "voor", "ook", "wordt", "naar"]),
];

const _: () = assert!(MARKERS.len() <= 16, "a list's bit must fit MARKER_BITS' u16");

/// Each marker word with the lists it is in, one bit per entry of [`MARKERS`]
/// ("les" marks both French and Catalan): one lookup per word of the sample
/// instead of a scan of every list.
static MARKER_BITS: LazyLock<FxHashMap<&'static str, u16>> = LazyLock::new(|| {
    let mut bits: FxHashMap<&'static str, u16> = FxHashMap::default();
    for (i, (_, words)) in MARKERS.iter().enumerate() {
        for word in *words {
            *bits.entry(word).or_default() |= 1 << i;
        }
    }
    bits
});

/// Marker words counted over at most this many words.
const FAST_PATH_WORDS: usize = 300;

/// English, Spanish or Portuguese when their marker words clearly dominate.
fn fast_path(body: &str) -> Option<(&'static str, f64)> {
    let mut hits = [0usize; MARKERS.len()];
    let mut end = body.len().min(FAST_PATH_WORDS * 8);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let sample = crimefacts_model::lowercase(&body[..end]);
    for word in sample.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).take(FAST_PATH_WORDS) {
        let Some(&lists) = MARKER_BITS.get(word) else { continue };
        for (i, hit) in hits.iter_mut().enumerate() {
            *hit += usize::from(lists >> i & 1 == 1);
        }
    }
    let mut order: Vec<usize> = (0..MARKERS.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(hits[i]));
    let (best, second) = (hits[order[0]], hits[order[1]]);
    let decisive = order[0] < 3 && best >= 10 && 2 * best >= 5 * second;
    decisive.then(|| (MARKERS[order[0]].0, ((best as f64 / (best + second) as f64) * 1000.0).round() / 1000.0))
}

/// ISO 639-1 code and confidence of the body's language.
pub fn detect(body: &str) -> Option<(&'static str, f64)> {
    if body.chars().filter(|c| c.is_alphabetic()).take(MIN_LETTERS).count() < MIN_LETTERS {
        return None;
    }
    if let Some(found) = fast_path(body) {
        return Some(found);
    }
    let mut end = body.len().min(SAMPLE_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&body[..end])?;
    Some((iso_639_1(info.lang()), (info.confidence() * 1000.0).round() / 1000.0))
}

fn iso_639_1(lang: Lang) -> &'static str {
    use Lang::*;
    match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Cym => "cy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_word_counts_for_every_list_it_is_in() {
        for (word, lists) in MARKER_BITS.iter() {
            for (i, (_, words)) in MARKERS.iter().enumerate() {
                assert_eq!(lists >> i & 1 == 1, words.contains(word), "{word} in list {i}");
            }
        }
        // "les" is French and Catalan, "il" French and Italian.
        assert_eq!(MARKER_BITS["les"].count_ones(), 2);
        assert_eq!(MARKER_BITS["il"].count_ones(), 2);
    }

    #[test]
    fn tells_english_spanish_portuguese_and_others_apart() {
        let cases = [
            ("Police in Bolivia seized more than two tons of cocaine paste on Tuesday, officials said.", "en"),
            (
                "La policía de Bolivia incautó más de dos toneladas de pasta base de cocaína el martes, según las autoridades.",
                "es",
            ),
            (
                "A polícia da Bolívia apreendeu mais de duas toneladas de pasta base de cocaína na terça-feira, segundo as autoridades.",
                "pt",
            ),
            ("La police bolivienne a saisi plus de deux tonnes de pâte de cocaïne mardi, selon les autorités.", "fr"),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text).map(|d| d.0), Some(want), "{text}");
        }
        assert_eq!(detect("OK 123"), None);
        let long_fr = "La police bolivienne a saisi plus de deux tonnes de pâte de cocaïne mardi dans la région du Chapare, selon les autorités. Les trafiquants ont fui vers le Brésil et les enquêteurs pensent que le réseau est lié à des groupes criminels qui opèrent dans le pays depuis des années.";
        assert_eq!(detect(long_fr).map(|d| d.0), Some("fr"), "French must not take the Spanish fast path");
        let long_es = "La policía de Bolivia incautó más de dos toneladas de pasta base de cocaína el martes en el Chapare, según las autoridades. Los narcotraficantes huyeron hacia Brasil y los investigadores creen que la red está vinculada con grupos criminales que operan en el país desde hace años, dijo el ministro.";
        assert_eq!(fast_path(long_es).map(|d| d.0), Some("es"));
        let long_pt = "A polícia da Bolívia apreendeu mais de duas toneladas de pasta base de cocaína na terça-feira no Chapare, segundo as autoridades. Os traficantes fugiram para o Brasil e os investigadores acreditam que a rede está ligada a grupos criminosos que atuam no país há anos, disse o ministro.";
        assert_eq!(fast_path(long_pt).map(|d| d.0), Some("pt"));
    }
}
