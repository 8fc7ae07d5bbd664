//! Routes: origin -> destination pairs of place or country mentions, from
//! route language in a sentence ("leaving Peru ... destined for Bolivia",
//! "coming from the VRAEM ... employing Bolivia as a transshipment point",
//! "Brazil is the destination for 80 percent of Bolivian-produced cocaine",
//! "From there, the drugs are trafficked to the Brazilian and Argentine
//! markets"), with the drug, the mode and the share when the sentence gives them.

use std::cell::OnceCell;
use std::sync::LazyLock;

use crimefacts_model::{Amount, CompactString, DocRows, Flow, Mention, static_cell};
use regex::Regex;
use rustc_hash::FxHashSet;

use crate::lexicon::DRUGS;
use crate::{TextView, sentence_run};

// The cue patterns below are only asked whether they match, so a word
// boundary is written as the start or end of the text or a character that is
// not a word character, consumed: Unicode `\b` makes the lazy DFA give up at the
// first non-ASCII byte and the search fall back to the far slower PikeVM,
// while `\W` is a plain class. A test holds each to its `\b` form.

/// Words right before a mention that make it the origin.
static ORIGIN_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|\W)(?:from|leaving|out of|coming from|originating in|produced in|desde|procedente de|proveniente de|procedentes de|provenientes de|saliendo de|oriundo de|oriunda de|vinda de|vindo de)\s+(?:the\s+|el\s+|la\s+|los\s+|o\s+|a\s+)?$")
        .expect("static")
});
/// Words right before a mention that make it the destination when the
/// sentence speaks of moving drugs.
static DESTINATION_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|\W)(?:to|into|destined for|bound for|headed for|heading to|destination:|con destino a|con destino al|rumbo a|rumbo al|hacia|com destino a|para o|para a|onto)\s+(?:the\s+|el\s+|la\s+|los\s+|o\s+|a\s+)?(?:(?:large|major|main|lucrative|domestic|local|growing|consumer)\s+)*$")
        .expect("static")
});
/// Words right after a mention that make it the destination.
static DESTINATION_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\s+(?:is|was|has become|remains)\s+the\s+(?:main\s+|primary\s+|final\s+|principal\s+|top\s+)?destination|\s+as\s+(?:a\s+|the\s+)?(?:transshipment|trans-shipment|transit)\s+(?:point|hub|country)|\s+es\s+el\s+(?:principal\s+)?destino|\s+é\s+o\s+(?:principal\s+)?destino)")
        .expect("static")
});
/// "Bolivian-produced cocaine": a demonym joined to a production word.
/// Destination phrases that name a shipment's end explicitly.
static EXPLICIT_DESTINATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:destined for|bound for|headed for|con destino a|con destino al|rumbo a|rumbo al|com destino a)\s+(?:the\s+|el\s+|la\s+|o\s+|a\s+)?$").expect("static")
});
static PRODUCED_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^-(?:produced|made|grown|manufactured|refined)").expect("static"));
static LIST_JOIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:,|and|y|e|or|o|as well as on to|as well as to|and on to)\s*(?:the\s+)?$").expect("static")
});
static ANAPHORIC_ORIGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|\W)(?:from there|desde allí|desde ahí|de allí|a partir de ahí|de lá)(?:$|\W)")
        .expect("static")
});

const MOVEMENT_WORDS: &[&str] = &[
    "traffic",
    "trafficked",
    "trafficking",
    "smuggle",
    "smuggled",
    "smuggling",
    "ship",
    "shipped",
    "shipping",
    "shipment",
    "shipments",
    "export",
    "exported",
    "exports",
    "send",
    "sent",
    "flown",
    "fly",
    "flights",
    "flight",
    "transport",
    "transported",
    "moved",
    "move",
    "moving",
    "carried",
    "destined",
    "bound",
    "route",
    "routes",
    "bridge",
    "leaving",
    "leave",
    "transshipment",
    "destination",
    "trasladada",
    "trasladado",
    "enviada",
    "enviado",
    "enviados",
    "exportada",
    "exportado",
    "traficada",
    "traficado",
    "contrabandeada",
    "destino",
    "transportada",
    "transportado",
    "levada",
    "levado",
    "rota",
    "ruta",
    "rutas",
    "puente",
    "envío",
    "envíos",
];

/// [`MOVEMENT_WORDS`] as a set: every word of a sentence is looked up when one
/// of its places has a destination cue before it.
static MOVING_WORDS: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| MOVEMENT_WORDS.iter().copied().collect());

fn mode_of(lower: &str) -> Option<&'static str> {
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&[
        "by air",
        "air bridge",
        "flights",
        "aerial",
        "aircraft",
        "planes",
        "puente aéreo",
        "avioneta",
        "vía aérea",
        "ponte aérea",
    ]) {
        Some("air")
    } else if has(&["container"]) || has(&["contenedor", "contêiner"]) {
        Some("container")
    } else if has(&[
        "by sea",
        "maritime",
        "vessel",
        "boat",
        "ship",
        "port of",
        "vía marítima",
        "marítim",
        "barco",
        "lancha",
    ]) {
        Some("maritime")
    } else if has(&["river", "fluvial", "río ", "rio "]) {
        Some("river")
    } else if has(&["by land", "overland", "truck", "terrestre", "por tierra", "camión"]) {
        Some("land")
    } else {
        None
    }
}

fn drug_of(lower: &str) -> Option<&'static str> {
    DRUGS.iter().filter(|(w, _)| lower.contains(w)).max_by_key(|(w, _)| w.len()).map(|(_, d)| *d)
}

/// How far around a mention route cues are looked for (bytes); the longest
/// cue with its article and adjectives is well under it.
const CUE_REACH: usize = 160;

/// The last `CUE_REACH` bytes of `before`, cut after a space so that no word
/// is split (a cut word could pass for a whole one).
fn near_end(before: &str) -> &str {
    if before.len() <= CUE_REACH {
        return before;
    }
    let mut cut = before.len() - CUE_REACH;
    while !before.is_char_boundary(cut) {
        cut += 1;
    }
    before[cut..].find(char::is_whitespace).map_or("", |i| &before[cut + i..])
}

/// The first `CUE_REACH` bytes of `after`, cut before a space.
fn near_start(after: &str) -> &str {
    if after.len() <= CUE_REACH {
        return after;
    }
    let mut cut = CUE_REACH;
    while !after.is_char_boundary(cut) {
        cut -= 1;
    }
    after[..cut].rfind(char::is_whitespace).map_or("", |i| &after[..i])
}

/// Flows of a document.
pub(crate) fn find_flows(doc: &DocRows, view: &TextView<'_>, mentions: &[Mention], amounts: &[Amount]) -> Vec<Flow> {
    let text = view.text;
    let mut flows: Vec<Flow> = Vec::new();
    let mut previous_place: Option<CompactString> = None;
    // Mentions and amounts come in text order, so each sentence's are one run:
    // walking both lists once keeps long documents linear.
    let all_places: Vec<&Mention> =
        mentions.iter().filter(|m| matches!(m.entity_type.as_str(), "location" | "country")).collect();
    for sentence in &doc.sentences {
        let places = sentence_run(&all_places, sentence.sentence, |m| m.sentence);
        if places.is_empty() {
            continue;
        }
        let shares: Vec<&Amount> =
            sentence_run(amounts, sentence.sentence, |a| a.sentence).iter().filter(|a| a.kind == "percent").collect();
        let (s_start, s_end) = (view.byte(sentence.start), view.byte(sentence.end));
        // The lowercased sentence is needed only for a place with a
        // destination cue before it (are its words about movement?) and for
        // the routes found: it is worked out once, on first need.
        let lower = OnceCell::new();
        let lower = || lower.get_or_init(|| crimefacts_model::lowercase(&sentence.text)).as_str();
        let moving = OnceCell::new();
        let moving = || {
            *moving.get_or_init(|| {
                lower()
                    .split(|c: char| !c.is_alphanumeric() && c != '-')
                    .any(|w| MOVING_WORDS.contains(w) || w.ends_with("-produced"))
            })
        };
        let mut origins: Vec<&Mention> = Vec::new();
        let mut destinations: Vec<&Mention> = Vec::new();
        for m in places {
            let (start, end) = (view.byte(m.start), view.byte(m.end));
            // Cue phrases are short: looking only near the mention keeps a long
            // sentence full of places linear.
            let before = near_end(&text[s_start..start]);
            let after = near_start(&text[end..s_end]);
            if ORIGIN_BEFORE.is_match(before) || PRODUCED_AFTER.is_match(after) {
                origins.push(m);
            } else if DESTINATION_AFTER.is_match(after) || (DESTINATION_BEFORE.is_match(before) && moving()) {
                destinations.push(m);
            } else if let Some(last) = destinations.last() {
                // "to the Brazilian and Argentine markets": a list goes on; but
                // "Antwerp, Belgium" only says where Antwerp is.
                let between = &text[view.byte(last.end)..start];
                let apposition = m.entity_type == "country" && m.country.is_some() && m.country == last.country;
                if LIST_JOIN.is_match(between) && !apposition {
                    destinations.push(m);
                }
            }
        }
        let mut origin_ids: Vec<CompactString> = origins.iter().map(|m| m.entity_id.clone()).collect();
        if origin_ids.is_empty() && ANAPHORIC_ORIGIN.is_match(&sentence.text) {
            origin_ids.extend(previous_place.clone());
        }
        // "seized in Guayaquil in a container bound for Antwerp": with an
        // explicit destination phrase and no origin, the place the shipment
        // was found in is where it left from.
        if origin_ids.is_empty()
            && let Some(first_destination) = destinations.first()
            && EXPLICIT_DESTINATION.is_match(&text[s_start..view.byte(first_destination.start)])
            && let Some(place) =
                places.iter().find(|m| m.start < first_destination.start && m.entity_type == "location")
        {
            origin_ids.push(place.entity_id.clone());
        }
        // One route per origin and destination: a place named twice in the
        // sentence counts at its first mention (and pairs stay few).
        let mut seen: FxHashSet<CompactString> = FxHashSet::default();
        origin_ids.retain(|id| seen.insert(id.clone()));
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        destinations.retain(|m| seen.insert(&m.entity_id));
        // The sentence's drug and mode are the same for each of its routes.
        let drug_and_mode = OnceCell::new();
        for destination in &destinations {
            // The share closest to the destination ("95 percent is destined for").
            let share = shares.iter().min_by_key(|a| (a.start - destination.start).abs()).and_then(|a| a.value_norm);
            for origin in origin_ids.iter().filter(|&origin| *origin != destination.entity_id) {
                let (drug, mode) = *drug_and_mode.get_or_init(|| (drug_of(lower()), mode_of(lower())));
                flows.push(Flow {
                    doc_id: doc.document.doc_id.clone(),
                    sentence: sentence.sentence,
                    origin: origin.clone(),
                    destination: destination.entity_id.clone(),
                    drug: drug.map(static_cell),
                    mode: mode.map(static_cell),
                    share_percent: share,
                });
            }
        }
        if let Some(last) = places.last() {
            previous_place = Some(last.entity_id.clone());
        }
    }
    flows
}

/// Compiles this module's patterns now, so that the first document does not
/// wait for them (see `Extract::new`).
pub(crate) fn warm_up() {
    LazyLock::force(&ORIGIN_BEFORE);
    LazyLock::force(&DESTINATION_BEFORE);
    LazyLock::force(&DESTINATION_AFTER);
    LazyLock::force(&EXPLICIT_DESTINATION);
    LazyLock::force(&PRODUCED_AFTER);
    LazyLock::force(&LIST_JOIN);
    LazyLock::force(&ANAPHORIC_ORIGIN);
}

#[cfg(test)]
mod tests {
    fn flows(sentences: &[&str]) -> Vec<(String, String, Option<String>, Option<f64>)> {
        crate::testing::extracted(sentences)
            .flows
            .into_iter()
            .map(|f| (f.origin.into(), f.destination.into(), f.mode.map(Into::into), f.share_percent))
            .collect()
    }

    fn pair(o: &str, d: &str) -> (String, String) {
        (o.to_string(), d.to_string())
    }

    /// Each cue pattern written without `\b` answers as its `\b` form does, on
    /// drawn texts of cue words, articles, accented and other word characters
    /// (a combining accent, an underscore, digits) and punctuation around them.
    #[test]
    fn cue_patterns_answer_as_their_word_boundary_forms() {
        use super::{ANAPHORIC_ORIGIN, DESTINATION_BEFORE, ORIGIN_BEFORE};
        let with_boundaries = [
            (
                &*ORIGIN_BEFORE,
                r"(?i)(?:\bfrom|\bleaving|\bout of|\bcoming from|\boriginating in|\bproduced in|\bdesde|\bprocedente de|\bproveniente de|\bprocedentes de|\bprovenientes de|\bsaliendo de|\boriundo de|\boriunda de|\bvinda de|\bvindo de)\s+(?:the\s+|el\s+|la\s+|los\s+|o\s+|a\s+)?$",
            ),
            (
                &*DESTINATION_BEFORE,
                r"(?i)(?:\bto|\binto|\bdestined for|\bbound for|\bheaded for|\bheading to|\bdestination:|\bcon destino a|\bcon destino al|\brumbo a|\brumbo al|\bhacia|\bcom destino a|\bpara o|\bpara a|\bonto)\s+(?:the\s+|el\s+|la\s+|los\s+|o\s+|a\s+)?(?:(?:large|major|main|lucrative|domestic|local|growing|consumer)\s+)*$",
            ),
            (&*ANAPHORIC_ORIGIN, r"(?i)\b(?:from there|desde allí|desde ahí|de allí|a partir de ahí|de lá)\b"),
        ];
        #[rustfmt::skip]
        let pieces = [
            "from", "FROM", "desde", "de allí", "de lá", "from there", "to", "into", "hacia", "rumbo a",
            "destination:", "the", "el", " ", "  ", "\n", "main", "x", "é", "ñ", "_", "1", "\u{301}", ",", ".", "-",
            "’",
        ];
        let texts = crimefacts_model::draw::Draw::new(0x5eed_0001).texts(&pieces, 30_000, 9);
        for (pattern, plain) in with_boundaries {
            let plain = regex::Regex::new(plain).expect("the plain form compiles");
            let mut matched = 0;
            for text in &texts {
                assert_eq!(pattern.is_match(text), plain.is_match(text), "{:?} on {text:?}", plain.as_str());
                matched += usize::from(plain.is_match(text));
            }
            assert!(matched > 100, "{:?} matched only {matched} texts", plain.as_str());
        }
    }
    #[test]
    fn a_route_named_twice_in_a_sentence_is_one_flow_at_its_first_destination() {
        let found = flows(&[
            "Cocaine is smuggled from Peru to Bolivia, 40 percent of it, and from Peru to Bolivia again by air.",
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0.as_str(), found[0].1.as_str()), ("iso:PE", "iso:BO"), "{found:?}");
    }

    #[test]
    fn route_language_gives_origin_destination_mode_and_share() {
        let found =
            flows(&["Half of the cocaine leaving Peru is flown by air, and 90 percent is destined for Bolivia."]);
        assert_eq!(found, [("iso:PE".into(), "iso:BO".into(), Some("air".into()), Some(90.0))]);
        let found = flows(&["Brazil is the destination for an estimated 80 percent of Bolivian-produced cocaine."]);
        assert_eq!(found.iter().map(|f| pair(&f.0, &f.1)).collect::<Vec<_>>(), [pair("iso:BO", "iso:BR")]);
        assert_eq!(found[0].3, Some(80.0));
    }

    #[test]
    fn from_there_takes_the_previous_place_and_lists_go_on() {
        let found = flows(&[
            "The air bridge now has a new destination: Paraguay.",
            "From there, the drugs are trafficked to the Brazilian and Argentine markets.",
        ]);
        let pairs: Vec<(String, String)> = found.iter().map(|f| pair(&f.0, &f.1)).collect();
        assert!(pairs.contains(&pair("iso:PY", "iso:BR")) && pairs.contains(&pair("iso:PY", "iso:AR")), "{pairs:?}");
    }

    #[test]
    fn a_destination_cue_before_a_place_needs_a_word_of_movement() {
        let pairs =
            |sentence: &str| -> Vec<(String, String)> { flows(&[sentence]).iter().map(|f| pair(&f.0, &f.1)).collect() };
        assert!(pairs("Envoys from Peru spoke to Bolivia about the border.").is_empty());
        assert_eq!(pairs("Envoys from Peru smuggled cocaine to Bolivia."), [pair("iso:PE", "iso:BO")]);
        // The movement word may come after the place it makes a destination.
        assert_eq!(pairs("From Peru to Bolivia the cocaine is flown."), [pair("iso:PE", "iso:BO")]);
    }

    #[test]
    fn spanish_routes_and_non_routes() {
        let found = flows(&["La droga salió desde Colombia con destino a México en lanchas rápidas."]);
        assert_eq!(found.iter().map(|f| pair(&f.0, &f.1)).collect::<Vec<_>>(), [pair("iso:CO", "iso:MX")]);
        assert_eq!(found[0].2.as_deref(), Some("maritime"));
        assert!(flows(&["Bolivia has turned to Venezuela for aid since its break with the United States."]).is_empty());
        let found = flows(&[
            "La policía decomisó en Guayaquil 2 toneladas de cocaína en un contenedor con destino a Amberes, Bélgica.",
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.starts_with("geonames:") && found[0].1.starts_with("geonames:"), "{found:?}");
    }
}
