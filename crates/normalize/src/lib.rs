//! Normalize owns `documents.text` and what is read off the page around it: it
//! turns the raw text that ingest read into the article body (Unicode NFC, one
//! kind of line ending and space, site chrome removed and recorded in the
//! `boilerplate` table), reads the metadata (title, author, date, dateline,
//! publisher), detects the language, marks near-duplicates, and splits the body
//! into sentences with code-point offsets.
//!
//! Every later offset points into the body this crate writes. It depends on
//! `model` only. What needs the whole corpus (lines that recur across a site's
//! pages, earlier copies of a story) it learns in the runner's corpus pass, with
//! memory bounded by the number of distinct lines kept and of originals indexed.

mod boilerplate;
mod dates;
mod dedup;
mod features;
mod language;
mod metadata;
mod sentences;
mod text;

use std::sync::Arc;

pub(crate) use crimefacts_model::is_whole_word as is_word;
use crimefacts_model::{
    Batch, Boilerplate, CompactString, CorpusSummary, DocRows, DocumentStage, StageError, StageOptions, static_cell,
    swar,
};
use rustc_hash::FxHashMap;

pub use dates::find_date;
pub use dedup::{DuplicateIndex, THRESHOLD as DUPLICATE_THRESHOLD, fingerprint, fingerprint_lines};
pub use sentences::split_sentences;
pub use text::normalize_text;

use crate::boilerplate::{Verdict, classify};
use crate::dedup::{EightByteHasher, Fingerprint, stable_hash};
use crate::features::LineFeatures;
use crate::metadata::Publishers;
use crate::text::{Line, join_lines, split_lines};

/// Distinct (site, line) counts kept before rare lines are pruned.
const MAX_COUNTED_LINES: usize = 500_000;

/// The `normalize` stage.
pub struct Normalize {
    publishers: Publishers,
    default_publisher: Option<String>,
    line_counts: LineCounts,
    duplicates: DuplicateIndex,
    /// Copies found by the corpus pass, by [`stable_hash`] of their id, each
    /// sharing its original's id: about 25 bytes a copy where two id strings
    /// took about 130 (a million generated articles hold 347,000 copies). Two
    /// ids sharing a 64-bit hash at that size: about 1 in 50 million.
    duplicate_of: FxHashMap<u64, Arc<str>>,
}

impl Normalize {
    /// Options: `publisher`, the publisher of documents that name none.
    pub fn new(options: &StageOptions) -> Result<Self, StageError> {
        Ok(Self {
            publishers: Publishers::load(),
            default_publisher: options.get("publisher").cloned().filter(|p| !p.trim().is_empty()),
            line_counts: LineCounts::default(),
            duplicates: DuplicateIndex::default(),
            duplicate_of: FxHashMap::default(),
        })
    }
}

/// What one document contributes to the corpus pass.
struct Summary {
    line_keys: Vec<u64>,
    fingerprint: Fingerprint,
}

/// Lines are counted per site: the publisher when ingest knows it, else the
/// folder the file is in.
fn site_of(doc: &DocRows) -> String {
    match &doc.document.publisher {
        Some(p) => p.to_lowercase(),
        None => doc.document.source.rsplit_once('/').map_or(String::new(), |(dir, _)| dir.to_string()),
    }
}

/// The hash of the site, a NUL and the lowercased line: every line of every
/// page in the corpus pass (and the few whose count can decide their verdict
/// in the main pass), so lines are lowercased as they are hashed, ASCII eight
/// bytes at a time.
fn line_key(site: &str, line: &str) -> u64 {
    let mut key = EightByteHasher::new();
    key.write(site.as_bytes());
    key.write_u8(0);
    if line.contains('Σ') {
        // The final-sigma rule reads the letters around it: the standard library's.
        key.write(line.to_lowercase().as_bytes());
        return key.finish();
    }
    let mut utf8 = [0u8; 4];
    let mut rest = line;
    while !rest.is_empty() {
        let ascii = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        let mut eights = rest.as_bytes()[..ascii].chunks_exact(8);
        for eight in &mut eights {
            key.write_eight(swar::ascii_lowercase(u64::from_le_bytes(eight.try_into().expect("eight bytes"))));
        }
        eights.remainder().iter().for_each(|b| key.write_u8(b.to_ascii_lowercase()));
        rest = &rest[ascii..];
        if let Some(c) = rest.chars().next() {
            c.to_lowercase().for_each(|lower| key.write(lower.encode_utf8(&mut utf8).as_bytes()));
            rest = &rest[c.len_utf8()..];
        }
    }
    key.finish()
}

/// The lines duplicate detection compares: those that read like sentences
/// (a cheaper test than the full line features: the corpus pass reads every
/// page), so that two copies with different chrome or headlines still match;
/// all of them if none does.
fn comparable_lines<'a>(lines: &'a [Line]) -> Vec<&'a str> {
    let prose: Vec<&str> = lines
        .iter()
        .filter(|l| l.text.split_whitespace().nth(5).is_some() && l.text.ends_with(['.', '!', '?', '"', '”']))
        .map(|l| &*l.text)
        .collect();
    if prose.is_empty() { lines.iter().map(|l| &*l.text).collect() } else { prose }
}

impl DocumentStage for Normalize {
    fn name(&self) -> &'static str {
        "normalize"
    }

    fn describe(&self) -> &'static str {
        "NFC and whitespace, site chrome removed (boilerplate), metadata, language, near-duplicates, sentences"
    }

    fn needs_corpus_pass(&self) -> bool {
        true
    }

    fn summarize(&self, doc: &DocRows) -> CorpusSummary {
        let lines = split_lines(&doc.raw_text);
        let site = site_of(doc);
        let mut line_keys: Vec<u64> = lines.iter().map(|l| line_key(&site, &l.text)).collect();
        line_keys.sort_unstable();
        line_keys.dedup();
        Some(Box::new(Summary { line_keys, fingerprint: fingerprint_lines(comparable_lines(&lines)) }))
    }

    fn absorb(&mut self, doc: &DocRows, summary: CorpusSummary) {
        let Some(summary) = summary.and_then(|s| s.downcast::<Summary>().ok()) else { return };
        match self.duplicates.check_and_insert(&doc.document.doc_id, &summary.fingerprint) {
            // A copy's lines would make its own paragraphs look like site chrome.
            Some(original) => {
                self.duplicate_of.insert(stable_hash(doc.document.doc_id.as_bytes()), original);
            }
            None => self.line_counts.add(&summary.line_keys),
        }
    }

    fn corpus_pass_done(&mut self) {
        // The originals' index only finds copies; what the main pass needs of
        // it is in `duplicate_of` (at a million articles the index is a window
        // of 50,000 originals and their band keys, about 40 MB).
        self.duplicates = DuplicateIndex::default();
    }

    fn process(&self, doc: &mut DocRows) -> Result<(), StageError> {
        Batch::run_one(doc, |batch| self.process_batch(batch))
    }

    /// In three steps, each over every document of the batch before the next
    /// (see `Extract::process_batch`): reading the page (line counts,
    /// publishers), detecting the language (its profiles), and the rest.
    fn process_batch(&self, batch: &mut Batch<'_>) {
        // The lines borrow the raw texts while the steps write the documents.
        let raws: Vec<String> = batch.docs().iter().map(|d| d.raw_text.clone()).collect();
        let mut pages: Vec<Option<Page<'_>>> = raws.iter().map(|_| None).collect();
        batch.step(|i, doc| {
            pages[i] = Some(self.read_page(doc, &raws[i])?);
            Ok(())
        });
        batch.step(|i, doc| {
            let page = pages[i].as_ref().expect("a page read in the step before");
            if let Some((code, confidence)) = language::detect(&page.body) {
                doc.document.language = Some(code.to_string());
                doc.document.language_confidence = Some(confidence);
            }
            Ok(())
        });
        batch.step(|i, doc| {
            self.finish(doc, pages[i].take().expect("a page read in the first step"));
            Ok(())
        });
    }
}

/// A page's lines and what was decided about them, and its body.
struct Page<'raw> {
    lines: Vec<Line<'raw>>,
    features: Vec<LineFeatures>,
    verdicts: Vec<Verdict>,
    body: String,
}

impl Normalize {
    /// Splits the raw text into lines, removes the chrome and reads the
    /// metadata off the page.
    fn read_page<'raw>(&self, doc: &mut DocRows, raw: &'raw str) -> Result<Page<'raw>, StageError> {
        let lines = split_lines(raw);
        let features: Vec<LineFeatures> = lines.iter().map(|l| LineFeatures::of(&l.text, None)).collect();
        let site = site_of(doc);
        let verdicts = classify(&features, |i| self.line_counts.get(line_key(&site, &lines[i].text)));

        let body = join_lines(lines.iter().enumerate().filter(|(i, _)| verdicts[*i].is_none()).scan(
            None::<usize>,
            |previous, (i, line)| {
                // A removed line between two kept ones separates paragraphs.
                let paragraph = line.after_blank || previous.is_some_and(|p| p + 1 != i);
                *previous = Some(i);
                Some((line, paragraph))
            },
        ));
        if body.is_empty() {
            return Err(StageError("no text left after normalization".into()));
        }

        let meta = metadata::extract(&lines, &features, &verdicts, &self.publishers);
        let d = &mut doc.document;
        d.title = d.title.take().or(meta.title);
        d.author = d.author.take().or(meta.author);
        d.published = d.published.or(meta.published);
        d.dateline = d.dateline.take().or(meta.dateline);
        let from_url = d.url.as_deref().and_then(|u| self.publishers.publisher_of_url(u));
        d.publisher = d.publisher.take().or(from_url).or(meta.publisher).or_else(|| self.default_publisher.clone());
        Ok(Page { lines, features, verdicts, body })
    }

    /// What needs the language: a day-first date in the page's head; then the
    /// duplicate mark, the boilerplate rows and the sentences.
    fn finish(&self, doc: &mut DocRows, page: Page<'_>) {
        let Page { lines, features, verdicts, body } = page;
        let d = &mut doc.document;
        // "12/05/2021" could be May or December; in Spanish and Portuguese pages
        // the day comes first.
        if d.published.is_none() && matches!(d.language.as_deref(), Some("es" | "pt")) {
            let start = verdicts.iter().position(Option::is_none).unwrap_or(lines.len());
            d.published = (0..start)
                .filter(|&i| features[i].words <= 8 && !features[i].prose)
                .find_map(|i| find_date(&lines[i].text, Some(true)).map(|f| f.date));
        }
        d.duplicate_of = self.duplicate_of.get(&stable_hash(d.doc_id.as_bytes())).map(|id| id.to_string());
        d.body_chars = body.chars().count() as i64;
        doc.boilerplate = boilerplate_rows(&d.doc_id, &doc.raw_text, &lines, &verdicts);
        doc.sentences = split_sentences(&d.doc_id, &body);
        d.text = body;
    }
}

/// One row per run of consecutive removed lines with the same reason, with its
/// code-point span in the raw text.
fn boilerplate_rows(doc_id: &str, raw: &str, lines: &[Line], verdicts: &[Verdict]) -> Vec<Boilerplate> {
    // Each row with its byte span in the raw text, for its text once it is complete.
    let mut rows: Vec<(Boilerplate, std::ops::Range<usize>)> = Vec::new();
    let mut previous_removed = false;
    for (line, verdict) in lines.iter().zip(verdicts) {
        let Some(reason) = verdict else {
            previous_removed = false;
            continue;
        };
        match rows.last_mut() {
            Some((last, span)) if previous_removed && last.reason == *reason => {
                last.end = line.raw_end;
                span.end = line.raw_bytes.end;
            }
            _ => {
                let row = Boilerplate {
                    doc_id: CompactString::new(doc_id),
                    start: line.raw_start,
                    end: line.raw_end,
                    text: CompactString::default(),
                    reason: static_cell(reason),
                };
                rows.push((row, line.raw_bytes.clone()));
            }
        }
        previous_removed = true;
    }
    rows.into_iter().map(|(row, span)| Boilerplate { text: CompactString::new(&raw[span]), ..row }).collect()
}

/// How many documents of a site hold each line. Bounded: when the table grows
/// past its limit, lines seen once are forgotten (lossy counting); chrome recurs
/// on most pages of a site, so it survives, and a forgotten line can only be
/// kept in a body, never wrongly removed.
#[derive(Default)]
struct LineCounts {
    counts: FxHashMap<u64, u32>,
}

impl LineCounts {
    fn add(&mut self, keys: &[u64]) {
        for &key in keys {
            *self.counts.entry(key).or_default() += 1;
        }
        if self.counts.len() > MAX_COUNTED_LINES {
            let mut floor = 1;
            while self.counts.len() > MAX_COUNTED_LINES / 2 {
                self.counts.retain(|_, c| *c > floor);
                floor += 1;
            }
        }
    }

    /// Documents holding the line; 1 when the corpus pass did not see it.
    fn get(&self, key: u64) -> u32 {
        self.counts.get(&key).copied().unwrap_or(1).max(1)
    }
}

#[cfg(test)]
mod tests {
    use crimefacts_model::{Document, Failure, Progress};

    use super::*;

    fn stage() -> Normalize {
        Normalize::new(&StageOptions::new()).unwrap()
    }

    fn doc(id: &str, source: &str, raw: &str) -> DocRows {
        DocRows::from_raw(Document {
            doc_id: id.into(),
            source: source.into(),
            text: raw.into(),
            ..Document::default()
        })
    }

    #[test]
    fn documents_normalized_together_get_what_they_get_alone() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
        let mut raws: Vec<String> =
            std::fs::read_dir(seeds).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
        raws.sort();
        // One with no text left fails alone; a Spanish one takes the day-first date.
        raws.insert(2, "\u{200b} \n".to_string());
        raws.push("12/05/2021\n\nLa policía incautó dos toneladas de cocaína en el puerto, dijo el fiscal.".into());
        let docs: Vec<DocRows> =
            raws.iter().enumerate().map(|(i, raw)| doc(&format!("d{i}"), &format!("s{i}.txt"), raw)).collect();
        let mut stage = stage();
        corpus_pass(&mut stage, &docs);
        let alone: Vec<_> = docs
            .iter()
            .map(|d| {
                let mut d = d.clone();
                stage.process(&mut d).map(|()| d)
            })
            .collect();
        assert!(alone[2].is_err() && alone.iter().filter(|r| r.is_ok()).count() == docs.len() - 1);
        assert_eq!(alone.last().unwrap().as_ref().unwrap().document.published.unwrap().to_string(), "2021-05-12");
        let mut together = docs.clone();
        let mut progress: Vec<Progress> = docs.iter().map(|_| Progress::default()).collect();
        stage.process_batch(&mut Batch::new(&mut together, &mut progress, std::time::Duration::MAX));
        for ((alone, together), progress) in alone.iter().zip(&together).zip(&progress) {
            match (alone, &progress.failure) {
                (Ok(alone), None) => assert_eq!(alone, together),
                (Err(e), Some(Failure::Error(f))) => assert_eq!(e, f),
                _ => panic!("{alone:?} alone, {:?} together", progress.failure),
            }
        }
    }

    #[test]
    fn a_line_key_is_the_hash_of_site_nul_and_lowercased_line() {
        for line in ["Share This Article", "COMPARTIR ESTA NOTA Ñ", "Σ ΟΔΟΣ", "İSTANBUL’S “NEWS” ẞ"] {
            let written = format!("site\u{0}{}", line.to_lowercase());
            let mut hash = EightByteHasher::new();
            hash.write(written.as_bytes());
            assert_eq!(line_key("site", line), hash.finish(), "{line}");
        }
        assert_ne!(line_key("site", "a"), line_key("sit", "ea"));
        // Lowercased eight bytes at a time where ASCII, wherever the eight fall.
        let pieces = ["Share", " THIS ", "article", "Ñ", "é", "’", "İ", "ẞ", "Σ", "x", "0123456789"];
        let mut draw = crimefacts_model::draw::Draw::new(0xbb67_ae85_84ca_a73b);
        for _ in 0..20_000 {
            let (site, line) = (draw.text(&["a", "Site", "é"], 6), draw.text(&pieces, 12));
            let mut hash = EightByteHasher::new();
            hash.write(format!("{site}\u{0}{}", line.to_lowercase()).as_bytes());
            assert_eq!(line_key(&site, &line), hash.finish(), "{site:?} {line:?}");
        }
    }

    #[test]
    fn stage_rewrites_text_and_adds_sentences() {
        let raw = "Police seized 7.4 tons in   Perú.\r\n\r\n\r\nIt was a record, the police said.\r\nNo one was arrested.\r\n";
        let mut d = doc("d", "a.txt", raw);
        stage().process(&mut d).unwrap();
        assert_eq!(
            d.document.text,
            "Police seized 7.4 tons in Perú.\n\nIt was a record, the police said.\nNo one was arrested."
        );
        assert_eq!(d.raw_text, raw);
        assert_eq!(d.document.body_chars, 87);
        let texts: Vec<_> = d.sentences.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Police seized 7.4 tons in Perú.", "It was a record, the police said.", "No one was arrested."]
        );
    }

    #[test]
    fn whitespace_only_text_is_an_error() {
        let mut d = doc("d", "a.txt", "\u{200b} \n");
        assert!(stage().process(&mut d).is_err());
    }

    const PAGE: &str = "Andes Ledger › World › Smugglers Shift Routes Through the Pacific Coast\n\nSmugglers Shift Routes Through the Pacific Coast\n\nBy Tomás Ferreira\n3 March 2021\n\nFacebook Twitter WhatsApp Email\n\nFishing boats have replaced small planes as the favorite way to move cocaine out of the region, according to navy officials who spoke on Tuesday.\n\nThe navy said it had intercepted 14 vessels since January, most of them carrying fuel for semi-submersibles.\n\nAnalysts say the shift follows a crackdown on clandestine airstrips, which pushed traffickers to the sea.\n\nShare this article\n\nRelated stories\n\nPeru's Coca Crop Hits Record High\n\nSupport the Andes Ledger today.";

    #[test]
    fn removed_chrome_is_auditable_against_the_raw_text() {
        let mut d = doc("d", "site/a.txt", PAGE);
        let normalize = stage();
        normalize.process(&mut d).unwrap();
        assert!(d.document.text.starts_with("Fishing boats have replaced"));
        assert!(d.document.text.ends_with("pushed traffickers to the sea."));
        assert_eq!(d.document.title.as_deref(), Some("Smugglers Shift Routes Through the Pacific Coast"));
        assert_eq!(d.document.author.as_deref(), Some("Tomás Ferreira"));
        assert_eq!(d.document.published.map(|p| p.to_string()).as_deref(), Some("2021-03-03"));
        assert_eq!(d.document.language.as_deref(), Some("en"));
        let raw: Vec<char> = PAGE.chars().collect();
        for row in &d.boilerplate {
            let span: String = raw[row.start as usize..row.end as usize].iter().collect();
            assert_eq!(span, row.text);
        }
        let reasons: Vec<&str> = d.boilerplate.iter().map(|b| b.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "page header before the article",
                "byline",
                "date line",
                "share widget",
                "share widget: end of article",
                "after the end of the article"
            ]
        );
    }

    #[test]
    fn a_spanish_page_from_an_unseen_site() {
        let page = "Portada | Nacionales | Sucesos\n\nCapturan en Cochabamba a presunto jefe de un clan narco\n\nPor Ana Mamani Quispe\n14 de marzo de 2019\n\nCompartir: Facebook Twitter WhatsApp\n\nCOCHABAMBA (ABI) — La Fuerza Especial de Lucha Contra el Narcotráfico capturó este jueves al presunto jefe de un clan familiar dedicado al acopio de pasta base.\n\nSegún el informe policial, el detenido tenía en su poder 120 kilos de cocaína y dos armas de fuego.\n\nLa investigación continúa.\n\nNoticias relacionadas\n\nIncautan 300 kilos de marihuana en el Chapare\n\nDestruyen fábrica de cocaína en Santa Cruz";
        let mut d = doc("d", "site/a.txt", page);
        stage().process(&mut d).unwrap();
        let m = &d.document;
        assert!(m.text.starts_with("COCHABAMBA (ABI) — La Fuerza Especial"), "{}", m.text);
        assert!(m.text.ends_with("La investigación continúa."), "{}", m.text);
        assert_eq!(m.title.as_deref(), Some("Capturan en Cochabamba a presunto jefe de un clan narco"));
        assert_eq!(m.author.as_deref(), Some("Ana Mamani Quispe"));
        assert_eq!(m.published.map(|p| p.to_string()).as_deref(), Some("2019-03-14"));
        assert_eq!(m.dateline.as_deref(), Some("COCHABAMBA (ABI)"));
        assert_eq!(m.language.as_deref(), Some("es"));
    }

    #[test]
    fn a_portuguese_page_from_an_unseen_site() {
        let page = "Início › Brasil › Segurança\n\nPF apreende duas toneladas de cocaína no porto de Santos\n\nPor João Carvalho\n22/07/2015 10h30\n\nA Polícia Federal apreendeu nesta terça-feira duas toneladas de cocaína escondidas em um carregamento de açúcar com destino à Europa.\n\nLeia também: PCC amplia rotas pelo Paraguai\n\nSegundo os investigadores, a droga pertencia a uma facção criminosa que atua no porto há anos.\n\nCompartilhe\n\nNotícias relacionadas\n\nPolícia prende suspeito de lavar dinheiro do tráfico";
        let mut d = doc("d", "site/b.txt", page);
        stage().process(&mut d).unwrap();
        let m = &d.document;
        assert!(m.text.starts_with("A Polícia Federal apreendeu"), "{}", m.text);
        assert!(m.text.ends_with("atua no porto há anos."), "{}", m.text);
        assert!(!m.text.contains("Leia também"));
        assert_eq!(m.title.as_deref(), Some("PF apreende duas toneladas de cocaína no porto de Santos"));
        assert_eq!(m.author.as_deref(), Some("João Carvalho"));
        assert_eq!(m.published.map(|p| p.to_string()).as_deref(), Some("2015-07-22"));
        assert_eq!(m.language.as_deref(), Some("pt"));

        let ambiguous = page.replace("22/07/2015", "12/05/2021");
        let mut d = doc("d", "site/c.txt", &ambiguous);
        stage().process(&mut d).unwrap();
        assert_eq!(
            d.document.published.map(|p| p.to_string()).as_deref(),
            Some("2021-05-12"),
            "day first in Portuguese"
        );
    }

    /// As the runner does it: summaries absorbed in order, then the end of the
    /// pass, which drops the index of originals (copies must still be known).
    fn corpus_pass(stage: &mut Normalize, docs: &[DocRows]) {
        for d in docs {
            let summary = stage.summarize(d);
            stage.absorb(d, summary);
        }
        stage.corpus_pass_done();
    }

    #[test]
    fn the_corpus_pass_finds_site_chrome_and_republished_copies() {
        let story = |title: &str, body: &str| {
            format!(
                "{title}\n\nDonate to keep our reporting free.\n\n{body}\n\nOur newsroom\n\nA second paragraph that is long enough, with the usual function words in it, about {title}.\n\nOur newsroom"
            )
        };
        let a = story(
            "Navy Seizes Boats",
            "The navy seized four boats carrying cocaine near the coast of Ecuador, officials said.",
        );
        let b = story(
            "Police Find Lab",
            "Police found a cocaine laboratory in the jungle near the border with Brazil, officials said.",
        );
        let c = story(
            "Army Burns Coca",
            "The army burned ten hectares of coca crops in the valley over the weekend, officials said.",
        );
        let republished = format!("NEW HEADLINE FOR THE SAME STORY\n\n{a}\n\nShare this");
        let docs = [
            doc("a", "site/a.txt", &a),
            doc("b", "site/b.txt", &b),
            doc("c", "site/c.txt", &c),
            doc("r", "site/r.txt", &republished),
        ];
        let mut normalize = stage();
        corpus_pass(&mut normalize, &docs);
        let mut out = docs[1].clone();
        normalize.process(&mut out).unwrap();
        assert!(!out.document.text.contains("Our newsroom"), "{}", out.document.text);
        assert!(out.document.text.contains("Police found a cocaine laboratory"));
        assert_eq!(out.document.duplicate_of, None);
        let mut copy = docs[3].clone();
        normalize.process(&mut copy).unwrap();
        assert_eq!(copy.document.duplicate_of.as_deref(), Some("a"));
    }

    /// Long lines are counted too: a long tag list that every page repeats
    /// goes, a long paragraph every page repeats stays.
    #[test]
    fn a_long_repeated_line_goes_unless_it_is_prose() {
        let tags = "Tags Bolivia Peru Colombia Ecuador Brazil Venezuela Mexico Honduras Guatemala Panama Cocaine \
                    Coca Marijuana Fentanyl Heroin Cartels Gangs Prisons Elites Extortion Homicides Migration Ports \
                    Airstrips Laboratories Submarines Clans Militias Navy Army";
        let shared = "The same long paragraph, which every page of this site happens to carry in its body, \
                      is kept because a paragraph of more than twenty-five words is content rather than chrome.";
        let stories = [
            "The navy seized four boats carrying cocaine near the coast of Ecuador, officials said on Monday, after \
             a chase that lasted most of the night and ended with eleven arrests in the port of Manta.",
            "Police found a cocaine laboratory in the jungle near the border with Brazil, where chemists had built \
             drying ovens under the trees and stored barrels of gasoline and acid for the paste they bought upriver.",
            "The army burned ten hectares of coca crops in the valley over the weekend, and farmers who depend on \
             the leaf blocked the only road out of the region for two days to demand compensation from the state.",
            "Prosecutors charged a former mayor with laundering money for a gang that extorts bus companies, saying \
             he bought cattle ranches and a hotel with cash that drivers had paid to keep their routes running.",
        ];
        let page = |n: usize| {
            format!(
                "Story Number {n}\n\n{}\n\n{shared}\n\n{tags}\n\nThe last paragraph of story {n}, with the usual \
                 function words in it, closes it.",
                stories[n - 1]
            )
        };
        let docs: Vec<DocRows> = (1..=4).map(|n| doc(&format!("p{n}"), &format!("site/p{n}.txt"), &page(n))).collect();
        let mut normalize = stage();
        corpus_pass(&mut normalize, &docs);
        let mut out = docs[1].clone();
        normalize.process(&mut out).unwrap();
        assert!(!out.document.text.contains("Tags Bolivia"), "{}", out.document.text);
        assert!(out.document.text.contains(shared), "{}", out.document.text);
        assert!(out.document.text.contains("The last paragraph"), "{}", out.document.text);
        assert!(out.boilerplate.iter().any(|b| b.reason == "repeated across pages of the same site"));
    }

    #[test]
    fn publisher_comes_from_the_url_then_the_page_then_the_default() {
        let mut options = StageOptions::new();
        options.insert("publisher".into(), "Default Daily".into());
        let normalize = Normalize::new(&options).unwrap();
        let mut d = doc("d", "a.jsonl", "Police seized two tons of cocaine in the port on Monday, officials said.");
        d.document.url = Some("https://www.eltiempo.com/justicia/x".into());
        normalize.process(&mut d).unwrap();
        assert_eq!(d.document.publisher.as_deref(), Some("El Tiempo"));
        let mut d = doc("d", "a.txt", "Police seized two tons of cocaine in the port on Monday, officials said.");
        normalize.process(&mut d).unwrap();
        assert_eq!(d.document.publisher.as_deref(), Some("Default Daily"));
    }
}
