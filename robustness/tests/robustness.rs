//! Generated hostile input through the whole per-document path (parse ->
//! normalize -> extract, after a corpus pass): no panic, and every offset of
//! every row valid (see `crimefacts_robustness::check`).
//!
//! Each `proptest!` block states its case count; together they run more than
//! 100,000 generated inputs (`GENERATED_INPUTS`). A failure prints the shrunk
//! input and is saved in `robustness.proptest-regressions` beside this file,
//! which is committed so that the case is tried first from then on.
//! `PROPTEST_RNG_SEED=N` replays one run's inputs; `PROPTEST_CASES=N` sets
//! every property's case count.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use crimefacts_ingest::{InputFile, InputFormat, Limits, RawUnit, UnitReader};
use crimefacts_robustness::{Outcome, run_and_check, run_one_and_check, source_name, split_format, unit};
use proptest::prelude::*;
use proptest::test_runner::Config;

// Case counts, set so that the suite takes about two minutes in a debug build
// on a 2-core machine; one generated case may hold several documents.
const BYTES_CASES: u32 = 30_000;
const FUZZ_LIKE_CASES: u32 = 15_000;
/// For each of `arbitrary_unicode` and `text_with_invalid_utf8`.
const UNICODE_CASES: u32 = 12_000;
const MIXED_CASES: u32 = 10_000;
const NUMBER_CASES: u32 = 8_000;
const HTML_CASES: u32 = 8_000;
const JSONL_CASES: u32 = 12_000;
const CORPUS_CASES: u32 = 1_500;
/// Not counted in `GENERATED_INPUTS`: these inputs do not go through the stages.
const LOWERCASE_CASES: u32 = 5_000;

/// Generated inputs per run, counting a corpus case as its smallest size (2).
const GENERATED_INPUTS: u32 = BYTES_CASES
    + FUZZ_LIKE_CASES
    + 2 * UNICODE_CASES
    + MIXED_CASES
    + NUMBER_CASES
    + HTML_CASES
    + JSONL_CASES
    + 2 * CORPUS_CASES;

// The issue asks for at least 100,000 generated inputs per run.
const _: () = assert!(GENERATED_INPUTS >= 100_000);

/// `cases` per property, unless `PROPTEST_CASES` says otherwise (for a quick
/// local run, or a longer one).
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(cases);
    // A failure is shrunk for at most a minute: each try runs every stage.
    Config { cases, max_shrink_time: 60_000, ..Config::default() }
}

const FORMATS: [InputFormat; 3] = [InputFormat::Text, InputFormat::JsonLines, InputFormat::Html];

fn format() -> impl Strategy<Value = InputFormat> {
    prop::sample::select(&FORMATS[..])
}

/// Runs one unit and fails the case on a broken invariant (a panic fails it too).
fn check_one(format: InputFormat, bytes: impl Into<Vec<u8>>) -> Result<(), TestCaseError> {
    run_one_and_check(&unit(&source_name(format, 0), format, bytes)).map_err(TestCaseError::fail)?;
    Ok(())
}

fn check_units(units: &[RawUnit]) -> Result<(), TestCaseError> {
    run_and_check(units).map_err(TestCaseError::fail)?;
    Ok(())
}

// --- text material ---------------------------------------------------------

/// Sentences and fragments of the kind the stages look for.
const PROSE: &[&str] = &[
    "Police seized 2.5 tons of cocaine in Callao, Peru, on Tuesday.",
    "La policía incautó 1,5 toneladas de cocaína en Santa Cruz, Bolivia, el 3 de marzo de 2021.",
    "A polícia apreendeu 300 kg de maconha no Paraná, segundo a Polícia Federal.",
    "The Sinaloa Cartel moves cocaine from Colombia to Mexico and on to the United States, officials said.",
    "A kilo costs $1,500 in Lima and US$30,000 in Miami.",
    "Coca cultivation rose 13% to 204,000 hectares in 2021, the UNODC said.",
    "\"We will not negotiate,\" said President Gustavo Petro.",
    "“No vamos a negociar”, dijo el ministro Jorge Rojas, según El Deber.",
    "By Tomás Ferreira",
    "12 AUG 2014",
    "Share this article",
    "Facebook Twitter WhatsApp Email",
    "Home › World › Americas",
    "Related stories",
    "Dr. J. R. Smith arrived at 3 p.m. with Sgt. Pérez.",
    "¿Dónde está el dinero? ¡Nadie sabe!",
    "Joaquín \"El Chapo\" Guzmán",
    "the Revolutionary Armed Forces of Colombia (FARC)",
    "the FARC and the ELN",
    "between January 1 and June 30 of this year",
    "from November to February",
    "so far this year",
    "last year",
    "next month",
    "yesterday",
    "in March",
    "12/05/2021",
    "2021-03-03",
    "from 3 to 5 tons",
    "between 10 and 20 kilos",
    "about half of the cocaine",
    "Rotterdam",
    "Antwerp",
    "La Paz",
    "Guayaquil",
    "Ecuadorian",
    "Latin America",
    "Primeiro Comando da Capital (PCC)",
    "Tren de Aragua",
    "the Gulf Clan",
    "Mr.",
    "U.S.",
    "No. 5",
];

/// Characters and tokens that break naive text handling.
const ADVERSARIAL: &[&str] = &[
    "\0",
    "\u{1}",
    "\u{7f}",
    "\u{200B}",
    "\u{200C}",
    "\u{200D}",
    "\u{2060}",
    "\u{FEFF}",
    "\u{00AD}",
    "\u{202A}",
    "\u{202B}",
    "\u{202C}",
    "\u{202D}",
    "\u{202E}",
    "\u{2066}",
    "\u{2067}",
    "\u{2068}",
    "\u{2069}",
    "\u{200E}",
    "\u{200F}",
    "\u{0301}",
    "e\u{0301}",
    "\u{0308}\u{0308}\u{0308}\u{0308}",
    "\u{1100}\u{1161}\u{11A8}",
    "🇨🇴",
    "👨\u{200D}👩\u{200D}👧",
    "💊",
    "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}",
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    "\n\n\n\n",
    "\t",
    "\u{000B}",
    "\u{000C}",
    "\u{00A0}",
    "\u{2007}",
    "\u{3000}",
    "\u{2028}",
    "\u{2029}",
    "\u{0085}",
    "İ",
    "ß",
    "ẞ",
    "ﬃ",
    "Ǆ",
    "ΐ",
    "\u{10FFFF}",
    "\u{FFFD}",
    "\u{FFFF}",
    "\u{E000}",
    "ｆｕｌｌ",
    "١٢٣",
    "۱۲۳",
    "१२३",
    "Ⅻ",
    "½",
    "²",
    "…",
    "—",
    "«",
    "»",
    "“",
    "”",
    "'",
    "\"",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    "&amp;",
    "&#0;",
    "&#x202E;",
    ".",
    "..",
    "...",
    "?",
    "!",
    "¿",
    ",",
    ";",
    ":",
    "-",
    "/",
    "\\",
    "$",
    "%",
    "#",
    "@",
    "A",
    "AB",
    "É",
];

/// Numbers, units and currencies, well and badly formed.
const NUMBERS: &[&str] = &[
    "10^400",
    "1,,,000",
    "1.2.3.4",
    "99999999999999999999999",
    "-0",
    "1e309",
    "1e-400",
    "$",
    "US$",
    "%",
    "tons",
    "0",
    "00000000000000000000000001",
    "1,5",
    "1.500,75",
    "1.000.000",
    "3/4",
    "½",
    "NaN",
    "inf",
    "-1",
    "+7",
    "9.999.999.999.999,99",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "1_000",
    ",5",
    "5,",
    "0.",
    ".0",
    "1.",
    "٣",
    "１２３",
    "two",
    "dozens",
    "millions",
    "a billion",
    "1 million",
    "1.5 billion",
    "mil millones",
    "1 trillion trillion",
    "kg",
    "kilos",
    "grams",
    "g",
    "t",
    "tonnes",
    "toneladas",
    "hectares",
    "ha",
    "USD",
    "€",
    "£",
    "R$",
    "S/",
    "Bs",
    "pesos",
    "soles",
    "reais",
    "per kilo",
    "a gram",
    "cocaine",
    "cocaína",
    "marijuana",
    "fentanyl",
    "heroin",
    "pills",
    "rifles",
    "between",
    "and",
    "to",
    "-",
    "–",
    "about",
    "more than",
    "at least",
    "up to",
    "nearly",
    "19999",
    "year 0",
    "1 January 0000",
    "31 February 2020",
    "29 February 2100",
    "2021-13-45",
    "9999-12-31",
    "99999-01-01",
    "in 1",
    "in 999999999",
    "in 2147483648",
    "the 1990s",
    "1st",
    "21st century",
    "0 kg",
    "0%",
    "1000000000000 tons",
    "$0.0000001",
];

/// Byte runs that are not UTF-8 (stray continuation, truncated sequences, an
/// encoded surrogate, past U+10FFFF, overlong NUL), and NUL.
const INVALID_UTF8: &[&[u8]] =
    &[b"\xff", b"\x80", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\x80", b"\0"];

/// A short run of arbitrary printable characters.
fn random_text() -> impl Strategy<Value = String> {
    "\\PC{0,16}"
}

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(PROSE).prop_map(str::to_string),
        4 => prop::sample::select(ADVERSARIAL).prop_map(str::to_string),
        4 => prop::sample::select(NUMBERS).prop_map(str::to_string),
        1 => random_text(),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&[" ", " ", " ", "", "\n", "\r\n", "\n\n", ". ", ", ", "\t", "\u{00A0}", "  "][..])
}

/// Prose fragments, adversarial tokens and numbers, joined by assorted separators.
fn mixed_text(max_tokens: usize) -> impl Strategy<Value = String> {
    prop::collection::vec((token(), separator()), 0..max_tokens).prop_map(|parts| {
        let mut out = String::new();
        for (token, sep) in parts {
            out.push_str(&token);
            out.push_str(sep);
        }
        out
    })
}

/// Numbers next to units, currencies and drugs, in sentence-like order.
fn number_soup() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        6 => prop::sample::select(NUMBERS).prop_map(str::to_string),
        1 => prop::sample::select(PROSE).prop_map(str::to_string),
        1 => "[0-9.,]{1,30}",
        1 => "[0-9]{1,3}([.,][0-9]{3}){0,8}([.,][0-9]{1,3})?",
    ];
    prop::collection::vec((word, prop::sample::select(&[" ", "", " ", "-", "\n", ". "][..])), 1..30).prop_map(|parts| {
        let mut out = String::from("Police seized ");
        for (word, sep) in parts {
            out.push_str(&word);
            out.push_str(sep);
        }
        out
    })
}

// --- HTML ------------------------------------------------------------------

const TAGS: &[&str] = &[
    "div",
    "p",
    "article",
    "main",
    "section",
    "nav",
    "aside",
    "footer",
    "header",
    "script",
    "style",
    "template",
    "table",
    "tr",
    "td",
    "li",
    "ul",
    "span",
    "b",
    "i",
    "a",
    "h1",
    "h2",
    "svg",
    "math",
    "iframe",
    "noscript",
    "select",
    "option",
    "form",
    "button",
    "head",
    "body",
    "html",
    "title",
    "pre",
    "textarea",
    "plaintext",
    "xmp",
    "frameset",
    "br",
    "hr",
    "img",
    "meta",
    "time",
    "blockquote",
    "figcaption",
    "font",
    "nobr",
    "marquee",
];

const HTML_BITS: &[&str] = &[
    "<!doctype html>",
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\">",
    "<br>",
    "<br/>",
    "</br>",
    "<hr>",
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "<!-- comment -->",
    "<![CDATA[ x ]]>",
    "<?xml version=\"1.0\"?>",
    "&amp;",
    "&nbsp;",
    "&#0;",
    "&#x0;",
    "&#xD800;",
    "&#x110000;",
    "&#99999999999;",
    "&#x202E;",
    "&zwj;",
    "&notanentity;",
    "&",
    "<",
    ">",
    "</",
    "<a href='",
    "\"",
    "<meta property=\"article:published_time\" content=\"9999-12-31T23:59:59Z\">",
    "<meta property=\"article:published_time\" content=\"0000-01-01\">",
    "<meta name=\"date\" content=\"-999-01-01\">",
    "<meta name=\"date\" content=\"2021-02-30\">",
    "<time datetime=\"2014-08-12\">12 AUG 2014</time>",
    "<meta property=\"og:title\" content=\"\u{202E}title\">",
    "<meta property=\"og:url\" content=\"https://\">",
    "<meta property=\"og:url\" content=\"://..\">",
    "<link rel=\"canonical\" href=\"https://www.insightcrime.org/news/x\">",
    "<meta property=\"og:site_name\" content=\"\">",
    "<meta name=\"author\" content=\"  \">",
    "<title></title>",
    "<script>var s = '</div>';</script>",
    "<style>p{}</style>",
    "<table><td>cell",
    "<li>item",
    "<select><option>x",
];

fn html_leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => mixed_text(12),
        3 => prop::sample::select(HTML_BITS).prop_map(str::to_string),
        1 => prop::sample::select(TAGS).prop_map(|t| format!("<{t}>")),
        1 => prop::sample::select(TAGS).prop_map(|t| format!("</{t}>")),
        1 => (prop::sample::select(TAGS), "[a-z:-]{0,8}", "[^>]{0,12}")
            .prop_map(|(t, name, value)| format!("<{t} {name}=\"{value}\">")),
        1 => "[<>/!&;a-z=\"' ]{0,20}",
    ]
}

/// Nested elements, balanced or not, with text, entities, comments and metadata.
fn html_page() -> impl Strategy<Value = String> {
    let node = html_leaf().prop_recursive(5, 96, 8, |inner| {
        (prop::sample::select(TAGS), prop::collection::vec(inner, 0..8), any::<bool>()).prop_map(
            |(tag, children, close)| {
                let mut out = format!("<{tag}>");
                out.extend(children);
                if close {
                    let _ = write!(out, "</{tag}>");
                }
                out
            },
        )
    });
    (any::<bool>(), prop::collection::vec(node, 0..6)).prop_map(|(wrap, nodes)| {
        let body = nodes.concat();
        if wrap {
            format!("<!doctype html><html><head><title>T</title></head><body>{body}</body></html>")
        } else {
            body
        }
    })
}

// --- JSON lines --------------------------------------------------------------

const FIELDS: &[&str] =
    &["text", "body", "content", "title", "published", "date", "url", "author", "publisher", "extra", "", "TEXT"];

/// JSON string literals: mostly well formed (escaped NUL, bidi and zero-width
/// characters, a surrogate pair, dates and URLs of any shape), a few not
/// (lone surrogates, unknown escapes, unterminated).
fn json_string() -> impl Strategy<Value = String> {
    const WELL_FORMED: &[&str] = &[
        "\"\\u0000 police seized 2 tons\"",
        "\"\\ud83d\\ude00 cocaine\"",
        "\"\\u202e\\u200b\\ufeff\"",
        "\"9999-12-31\"",
        "\"0000-01-01\"",
        "\"-999-01-01\"",
        "\"2021-02-30\"",
        "\"2015-07-22T10:00:00Z\"",
        "\"2021/03/03\"",
        "\"\"",
        "\"   \"",
        "\"https://www.insightcrime.org/a\"",
        "\"https://\"",
    ];
    const MALFORMED: &[&str] = &["\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\x41\"", "\"unterminated", "\"\\"];
    prop_oneof![
        16 => mixed_text(20).prop_map(|s| quote(&s)),
        3 => prop::sample::select(WELL_FORMED).prop_map(str::to_string),
        1 => prop::sample::select(MALFORMED).prop_map(str::to_string),
    ]
}

fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        6 => json_string(),
        1 => prop::sample::select(
            &["0", "-0", "1e400", "-1e400", "99999999999999999999999", "1.5", "true", "false", "null", "NaN",
              "Infinity", "01", "1.", ".5", "+1", "0x10"][..],
        )
        .prop_map(str::to_string),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((prop::sample::select(FIELDS), inner), 0..4).prop_map(|fields| {
                let fields: Vec<String> = fields.iter().map(|(k, v)| format!("{}:{v}", quote(k))).collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    })
}

/// One jsonl line: usually an object with the known fields holding strings,
/// or values of any type; sometimes not an object, or not JSON at all.
fn json_line() -> impl Strategy<Value = String> {
    let object = prop::collection::vec((prop::sample::select(FIELDS), json_value()), 0..8).prop_map(|fields| {
        let fields: Vec<String> = fields.iter().map(|(k, v)| format!("{}:{v}", quote(k))).collect();
        format!("{{{}}}", fields.join(","))
    });
    let text_object = (json_string(), prop::collection::vec((prop::sample::select(FIELDS), json_value()), 0..4))
        .prop_map(|(text, fields)| {
            let mut out = format!("{{\"text\":{text}");
            for (k, v) in fields {
                let _ = write!(out, ",{}:{v}", quote(k));
            }
            out.push('}');
            out
        });
    let string_object = (
        prop::sample::select(&["text", "body", "content"][..]),
        json_string(),
        prop::collection::vec((prop::sample::select(FIELDS), json_string()), 0..5),
    )
        .prop_map(|(key, text, fields)| {
            let mut out = format!("{{{}:{text}", quote(key));
            for (k, v) in fields {
                let _ = write!(out, ",{}:{v}", quote(k));
            }
            out.push('}');
            out
        });
    prop_oneof![
        6 => string_object,
        4 => text_object,
        4 => object,
        1 => json_value(),
        1 => (json_value(), "[\\[\\]{}:,\"\\\\ ]{0,8}").prop_map(|(v, junk)| format!("{v}{junk}")),
        1 => (1usize..400).prop_map(|depth| format!("{{\"text\":{}1{}}}", "[".repeat(depth), "]".repeat(depth))),
    ]
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// --- properties --------------------------------------------------------------

proptest! {
    #![proptest_config(config(BYTES_CASES))]

    /// Any bytes at all, read as each format.
    #[test]
    fn arbitrary_bytes(format in format(), bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_one(format, bytes)?;
    }
}

proptest! {
    #![proptest_config(config(UNICODE_CASES))]

    /// Any Unicode text (every code point, controls included).
    #[test]
    fn arbitrary_unicode(format in format(), text in any::<String>()) {
        check_one(format, text)?;
    }

    /// Printable text with a few invalid UTF-8 bytes or NULs spliced in.
    #[test]
    fn text_with_invalid_utf8(
        format in format(),
        text in mixed_text(30),
        splices in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(INVALID_UTF8)), 0..3),
    ) {
        let mut bytes = text.into_bytes();
        for (at, splice) in splices {
            let at = at.index(bytes.len() + 1);
            bytes.splice(at..at, splice.iter().copied());
        }
        check_one(format, bytes)?;
    }
}

proptest! {
    #![proptest_config(config(MIXED_CASES))]

    /// Prose mixed with zero-width, bidi and combining characters, emoji, odd
    /// line breaks and malformed numbers.
    #[test]
    fn prose_with_adversarial_tokens(format in format(), text in mixed_text(60)) {
        check_one(format, text)?;
    }
}

proptest! {
    #![proptest_config(config(LOWERCASE_CASES))]

    /// The stages' fast lowercase is the standard library's, on any text and on
    /// prose with accents, quotes and capital sigmas.
    #[test]
    fn lowercase_is_the_standard_librarys(text in any::<String>(), prose in mixed_text(30)) {
        prop_assert_eq!(crimefacts_model::lowercase(&text), text.to_lowercase());
        let greek = format!("{prose} ΟΔΟΣ Σ{prose}");
        prop_assert_eq!(crimefacts_model::lowercase(&prose), prose.to_lowercase());
        prop_assert_eq!(crimefacts_model::lowercase(&greek), greek.to_lowercase());
    }
}

proptest! {
    #![proptest_config(config(NUMBER_CASES))]

    /// Numbers such as "10^400", "1,,,000", "1e309" next to units and currencies.
    #[test]
    fn number_soup_as_text(text in number_soup()) {
        check_one(InputFormat::Text, text)?;
    }
}

proptest! {
    #![proptest_config(config(HTML_CASES))]

    /// Nested, unbalanced and malformed HTML with metadata of any shape.
    #[test]
    fn html_pages(page in html_page()) {
        check_one(InputFormat::Html, page)?;
    }
}

proptest! {
    #![proptest_config(config(JSONL_CASES))]

    /// jsonl lines whose fields have wrong types, odd escapes or no text.
    #[test]
    fn jsonl_lines(line in json_line()) {
        check_one(InputFormat::JsonLines, line)?;
    }
}

proptest! {
    #![proptest_config(config(CORPUS_CASES))]

    /// Pages of one site that share chrome lines, with copies of one story: the
    /// corpus pass then marks lines as boilerplate and documents as duplicates.
    #[test]
    fn corpus_with_shared_chrome_and_copies(
        chrome in prop::collection::vec(mixed_text(6), 1..5),
        bodies in prop::collection::vec(mixed_text(30), 1..4),
        copies in prop::collection::vec(any::<prop::sample::Index>(), 1..3),
    ) {
        let page = |body: &str| format!("{}\n\n{body}\n\n{}", chrome.join("\n"), chrome.join("\n"));
        let mut pages: Vec<String> = bodies.iter().map(|b| page(b)).collect();
        for copy in copies {
            let original = pages[copy.index(pages.len())].clone();
            pages.push(original);
        }
        let units: Vec<RawUnit> = pages
            .into_iter()
            .enumerate()
            .map(|(i, p)| unit(&source_name(InputFormat::Text, i), InputFormat::Text, p))
            .collect();
        check_units(&units)?;
    }
}

proptest! {
    #![proptest_config(config(FUZZ_LIKE_CASES))]

    /// The fuzz target's own decoding (first byte picks the format), so that a
    /// crash the fuzzer saves can be replayed here.
    #[test]
    fn fuzz_target_decoding(data in prop::collection::vec(any::<u8>(), 0..256)) {
        let (format, rest) = split_format(&data);
        check_one(format, rest)?;
    }
}

// --- fixed cases ---------------------------------------------------------------

fn expect_document(outcome: &Outcome) -> &crimefacts_model::DocRows {
    match outcome {
        Outcome::Document(doc) => doc,
        other => panic!("expected a document, got {other:?}"),
    }
}

/// 10,000 nested elements (the HTML parser keeps them all; the text walk must
/// not overflow the stack).
#[test]
fn html_nested_10_000_deep() {
    for (open, close) in [("<div>", "</div>"), ("<b>", "</b>"), ("<span>", "")] {
        let page = format!("{}Police seized 2 tons of cocaine in Peru.{}", open.repeat(10_000), close.repeat(10_000));
        let started = Instant::now();
        let outcome = run_one_and_check(&unit("site/deep.html", InputFormat::Html, page)).unwrap();
        let doc = expect_document(&outcome);
        assert!(doc.document.text.contains("2 tons"), "{open}: {:?}", doc.document.text);
        eprintln!("{open} x 10,000: {:.2?}", started.elapsed());
    }
}

/// A NUL past the 8 KiB that ingest samples for binary data reaches the stages.
#[test]
fn nul_past_the_binary_sample() {
    let text = format!("{}\0 and 2 tons\u{0}of cocaine.\n", "Police seized 7 tons in Peru. ".repeat(400));
    for format in FORMATS {
        let bytes = match format {
            InputFormat::JsonLines => format!("{{\"text\":{}}}", quote(&text)),
            _ => text.clone(),
        };
        run_and_check(&[unit(&source_name(format, 0), format, bytes)]).unwrap();
    }
}

/// A jsonl text field that is only an escaped NUL, or only invisible characters.
#[test]
fn jsonl_text_of_invisible_characters() {
    for line in [r#"{"text":"\u0000"}"#, r#"{"text":"\u200b\u200d\ufeff\u202e"}"#, r#"{"text":"\u0000\u0000 2 kg"}"#] {
        run_and_check(&[unit("site/a.jsonl", InputFormat::JsonLines, line)]).unwrap();
    }
}

/// Found by `corpus_with_shared_chrome_and_copies`: a person name that runs on
/// into the next paragraph ("Tomás Ferreira\n\nBy Tomás") made extract's
/// attributions slice backwards and panic.
#[test]
fn a_name_running_into_the_next_paragraph() {
    let page = "By Tomás Ferreira \n\nBy Tomás Ferreira \n\nBy Tomás Ferreira ";
    let units: Vec<RawUnit> =
        (0..2).map(|i| unit(&source_name(InputFormat::Text, i), InputFormat::Text, page)).collect();
    run_and_check(&units).unwrap();
}

/// A 50 MB line, as a `.txt` file and as a `.jsonl` line, through the reader
/// with its default limits: each is one reject naming the limit, read in
/// bounded time, and the next file is still read.
#[test]
fn a_50_mb_single_line_is_rejected_by_the_default_limits() {
    let dir = tempfile::tempdir().unwrap();
    let line = big_line(50_000_000);
    let files = vec![
        input_file(dir.path(), "big.txt", InputFormat::Text, false, line.as_bytes()),
        input_file(
            dir.path(),
            "big.jsonl",
            InputFormat::JsonLines,
            false,
            format!("{{\"text\":\"{line}\"}}\n").as_bytes(),
        ),
        input_file(dir.path(), "small.txt", InputFormat::Text, false, b"Police seized 2 tons of cocaine in Peru."),
    ];
    let started = Instant::now();
    let units: Vec<_> = UnitReader::with_limits(files, Limits::default()).collect();
    eprintln!("50 MB line through the reader: {:.2?}", started.elapsed());
    assert_eq!(units.len(), 3, "{:?}", units.iter().map(|u| u.as_ref().map(|u| u.source.clone())).collect::<Vec<_>>());
    for rejected in &units[..2] {
        let reason = &rejected.as_ref().unwrap_err().reason;
        assert!(reason.contains("max_document_bytes"), "{reason}");
    }
    run_one_and_check(units[2].as_ref().unwrap()).unwrap();
}

/// The same 50 MB line straight into the stages, past the reader's limit: it
/// must not panic, but the stages are quadratic in the length of a sentence
/// (extract's `per` and attribution cues search the whole sentence for each
/// amount and mention; entity resolution compares each candidate with every
/// one kept), so it does not finish: 0.1 MB takes 6 s in a debug build, 0.4 MB
/// 94 s. `CRIMEFACTS_BIG_LINE_MB` sets the size.
#[test]
#[ignore = "does not finish until extract is linear in the length of a sentence"]
fn a_50_mb_single_line_through_the_stages() {
    let mb: f64 = std::env::var("CRIMEFACTS_BIG_LINE_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(50.0);
    let text = big_line((mb * 1e6) as usize);
    let started = Instant::now();
    let outcome = run_one_and_check(&unit("site/big.txt", InputFormat::Text, text)).unwrap();
    eprintln!("{mb} MB line through the stages: {:.2?}, {}", started.elapsed(), summary(&outcome));
}

/// One line of at least `bytes` bytes of prose, numbers and invisible characters.
fn big_line(bytes: usize) -> String {
    let sentence =
        "Police seized 2.5 tons of cocaine worth US$ 75 million in Callao, Peru; 1,,,000 10^400 \u{200B}\u{202E} ";
    let line = sentence.repeat(bytes / sentence.len() + 1);
    assert!(line.len() >= bytes && !line.contains('\n'));
    line
}

fn input_file(dir: &Path, name: &str, format: InputFormat, gzip: bool, bytes: &[u8]) -> InputFile {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    InputFile { path, source: name.to_string(), format, gzip }
}

fn summary(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Document(doc) => format!(
            "document: {} chars, {} sentences, {} mentions, {} amounts",
            doc.document.body_chars,
            doc.sentences.len(),
            doc.mentions.len(),
            doc.amounts.len()
        ),
        other => format!("{other:?}"),
    }
}

/// A gzip bomb: `copies` gzip members of `member` bytes each, concatenated (a
/// multi-member stream, as `gzip` writes for appended files), so a few MB on
/// disk decompress to gigabytes.
fn gzip_bomb(member: &[u8], copies: usize) -> Vec<u8> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(member).unwrap();
    encoder.finish().unwrap().repeat(copies)
}

/// Gzip bombs through the reader: a `.txt.gz` that decompresses to 5 GiB
/// stops at the document limit, a `.jsonl.gz` of 1 GiB of short lines at the
/// decompression limit; each ends in one reject naming the limit, the lines
/// before it are units like any others, and the next file is still read.
#[test]
fn gzip_bombs_stop_at_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let text_bomb = gzip_bomb(&b"a ".repeat(512 << 10), 5 << 10);
    let line = format!("{{\"text\":\"Police seized {} tons of cocaine.\"}}\n", "9".repeat(980));
    let jsonl_bomb = gzip_bomb(line.repeat((1 << 20) / line.len()).as_bytes(), 1 << 10);
    assert!(text_bomb.len() < 16 << 20 && jsonl_bomb.len() < 16 << 20);
    let files = vec![
        input_file(dir.path(), "bomb.txt.gz", InputFormat::Text, true, &text_bomb),
        input_file(dir.path(), "bomb.jsonl.gz", InputFormat::JsonLines, true, &jsonl_bomb),
        input_file(dir.path(), "small.txt", InputFormat::Text, false, b"Police seized 2 tons of cocaine in Peru."),
    ];
    // Limits low enough for a debug build to reach quickly.
    let limits = Limits { max_document_bytes: 4 << 20, max_decompressed_bytes: 8 << 20 };
    let started = Instant::now();
    let units: Vec<_> = UnitReader::with_limits(files, limits).collect();
    eprintln!("gzip bombs through the reader: {:.2?}, {} units", started.elapsed(), units.len());

    let reason = |i: usize| units[i].as_ref().unwrap_err().reason.clone();
    assert!(reason(0).contains("max_document_bytes"), "{}", reason(0));
    let lines: Vec<&RawUnit> = units[1..units.len() - 2].iter().map(|u| u.as_ref().unwrap()).collect();
    let decompressed: usize = lines.iter().map(|u| u.bytes.len()).sum();
    assert!(decompressed <= 8 << 20 && decompressed > 7 << 20, "{decompressed} bytes of lines");
    let last = reason(units.len() - 2);
    assert!(last.contains("max_decompressed_bytes") && last.contains("gzip bomb"), "{last}");
    for unit in lines.iter().take(3).chain(lines.last()) {
        run_one_and_check(unit).unwrap();
    }
    assert_eq!(units.last().unwrap().as_ref().unwrap().source, "small.txt");
}

/// The generated inputs are not all thrown out at ingest: enough of each kind
/// become documents that normalize and extract see them (and a corpus finds
/// its copies and chrome). Deterministic, so it cannot flake.
#[test]
fn generated_inputs_reach_the_stages() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let mut documents = |strategy: BoxedStrategy<String>, format: InputFormat| -> usize {
        (0..200)
            .filter(|_| {
                let input = strategy.new_tree(&mut runner).unwrap().current();
                matches!(run_one_and_check(&unit("site/0", format, input)).unwrap(), Outcome::Document(_))
            })
            .count()
    };
    let reached = [
        ("unicode", documents(any::<String>().boxed(), InputFormat::Text), 100),
        ("prose", documents(mixed_text(60).boxed(), InputFormat::Text), 150),
        ("numbers", documents(number_soup().boxed(), InputFormat::Text), 190),
        ("html", documents(html_page().boxed(), InputFormat::Html), 40),
        ("jsonl", documents(json_line().boxed(), InputFormat::JsonLines), 50),
    ];
    for (kind, got, least) in reached {
        assert!(got >= least, "{kind}: {got} of 200 inputs became documents, expected at least {least}");
    }

    let (mut copies, mut chrome) = (0, 0);
    for _ in 0..50 {
        let page = (prop::collection::vec(mixed_text(6), 1..5), mixed_text(30))
            .prop_map(|(chrome, body)| format!("{}\n\n{body}\n\n{}", chrome.join("\n"), chrome.join("\n")))
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let units: Vec<RawUnit> =
            (0..3).map(|i| unit(&source_name(InputFormat::Text, i), InputFormat::Text, page.clone())).collect();
        for outcome in run_and_check(&units).unwrap() {
            if let Outcome::Document(doc) = outcome {
                copies += usize::from(doc.document.duplicate_of.is_some());
                chrome += usize::from(!doc.boilerplate.is_empty());
            }
        }
    }
    assert!(copies >= 50 && chrome >= 25, "{copies} copies found, {chrome} documents with chrome removed");
}
