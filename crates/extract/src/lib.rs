//! Extract owns the fact rows of one document: `mentions` (countries, places with
//! GeoNames ids, criminal groups, agencies, media and people), `amounts` (drug
//! masses, money, counts, areas and percentages normalized to kg, USD, ha and %),
//! `dates`, `events`, `flows` and `attributions`.
//!
//! It reads only the normalized body and sentences that `normalize` wrote, and
//! depends on `model` only. Its data files are compiled into the binary
//! (`include_str!`, or, for the places and organizations, tables `build.rs`
//! makes from them): extraction never touches the filesystem or the network.

mod amounts;
mod attributions;
mod countries;
mod dates;
mod entities;
mod events;
mod flows;
mod gazetteer;
mod lexicon;
mod numbers;
mod persons;
mod scan;
mod windows;

pub(crate) use crimefacts_model::is_whole_word as is_word;
use crimefacts_model::{Batch, CompactString, DocRows, DocumentStage, StageError, static_cell};

pub use amounts::AmountFinder;
pub use countries::CountryGazetteer;
pub use entities::EntityFinder;
use entities::{Found, Search};

/// The `extract` stage.
pub struct Extract {
    entities: EntityFinder,
    amounts: AmountFinder,
}

impl Extract {
    /// Loads the gazetteers and compiles the patterns (once per run), in two
    /// halves of about equal cost (instructions counted with callgrind), for
    /// two workers of the pool this runs in when both are free. Compiling
    /// the regular expressions is most of it now that the gazetteer comes
    /// compiled (`build.rs`).
    pub fn new() -> Result<Self, StageError> {
        let (entities, amounts) = rayon::join(
            || {
                entities::warm_up();
                EntityFinder::load()
            },
            || {
                attributions::warm_up();
                dates::warm_up();
                flows::warm_up();
                persons::warm_up();
                AmountFinder::new()
            },
        );
        Ok(Self { entities: entities.map_err(StageError)?, amounts })
    }
}

impl DocumentStage for Extract {
    fn name(&self) -> &'static str {
        "extract"
    }

    fn describe(&self) -> &'static str {
        "people, groups, agencies, media, places (GeoNames), countries; amounts; dates; events; flows"
    }

    fn process(&self, doc: &mut DocRows) -> Result<(), StageError> {
        Batch::run_one(doc, |batch| self.process_batch(batch))
    }

    /// Each finder runs over every document of the batch before the next
    /// finder starts: a finder's automata and tables stay in the CPU's caches
    /// across documents instead of being pushed out by every other finder's at
    /// each document (20 MB at one thread: 21% less CPU time with 128
    /// documents per batch than with one). A document's rows never depend on
    /// the other documents in its batch.
    fn process_batch(&self, batch: &mut Batch<'_>) {
        // Offsets are kept in 32 bits, as `CharIndex` keeps them; the default
        // document size limit is 1 MB, but the limit is the user's to raise.
        let fits = |doc: &DocRows| u32::try_from(doc.document.text.len()).is_ok();
        batch.step(|_, doc| {
            if fits(doc) {
                Ok(())
            } else {
                Err(StageError("the body is 4 GiB or more, beyond extraction's 32-bit offsets".into()))
            }
        });
        // The finders read a body through its view while the steps write the
        // document's rows: the views borrow copies of the bodies.
        let bodies: Vec<String> =
            batch.docs().iter().map(|d| if fits(d) { d.document.text.clone() } else { String::new() }).collect();
        let views: Vec<TextView<'_>> = bodies.iter().map(|body| TextView::new(body)).collect();
        let mut found: Vec<Found<'_>> = views.iter().map(|_| Found::default()).collect();
        for search in Search::ALL {
            batch.step(|i, _| {
                self.entities.search(search, views[i].text, &mut found[i]);
                Ok(())
            });
        }
        batch.step(|i, doc| {
            doc.mentions = self.entities.mentions(doc, &views[i], std::mem::take(&mut found[i]));
            Ok(())
        });
        batch.step(|i, doc| {
            doc.amounts = self.amounts.find(doc, &views[i]);
            Ok(())
        });
        batch.step(|i, doc| {
            let text = &views[i];
            doc.dates = dates::find_dates(text.text, doc.document.published)
                .into_iter()
                .map(|d| {
                    let start = text.chars(d.start);
                    crimefacts_model::DateMention {
                        doc_id: doc.document.doc_id.clone(),
                        sentence: doc.sentence_at(start),
                        start,
                        end: text.chars(d.end),
                        text: CompactString::new(&text.text[d.start..d.end]),
                        date_start: d.date_start,
                        date_end: d.date_end,
                        grain: static_cell(d.grain),
                    }
                })
                .collect();
            Ok(())
        });
        batch.step(|i, doc| {
            doc.attributions = attributions::find_attributions(doc, &views[i], &doc.mentions);
            Ok(())
        });
        batch.step(|_, doc| {
            doc.events = events::find_events(doc, &doc.mentions, &doc.amounts, &doc.dates);
            for event in &mut doc.events {
                // Who reported it: the sentence's speaker, else the outlet it came through.
                event.source = sentence_run(&doc.attributions, event.sentence, |a| a.sentence)
                    .first()
                    .and_then(|a| a.speaker.clone().or_else(|| a.via.clone()));
            }
            Ok(())
        });
        batch.step(|i, doc| {
            doc.flows = flows::find_flows(doc, &views[i], &doc.mentions, &doc.amounts);
            Ok(())
        });
    }
}

/// The run of `rows` (in text order, so sorted by sentence) that belongs to
/// `sentence`. Rules that look at one sentence's rows take this run instead of
/// filtering every row of the document, which would be quadratic in long
/// documents.
pub(crate) fn sentence_run<T>(rows: &[T], sentence: i64, sentence_of: impl Fn(&T) -> i64) -> &[T] {
    let first = rows.partition_point(|r| sentence_of(r) < sentence);
    let len = rows[first..].partition_point(|r| sentence_of(r) == sentence);
    &rows[first..first + len]
}

/// The body with its byte <-> code-point maps: patterns work in bytes, the
/// contract speaks code points.
pub(crate) struct TextView<'a> {
    pub text: &'a str,
    offsets: crimefacts_model::CharIndex,
}

impl<'a> TextView<'a> {
    pub fn new(text: &'a str) -> Self {
        Self { text, offsets: crimefacts_model::CharIndex::new(text) }
    }

    pub fn chars(&self, byte: usize) -> i64 {
        self.offsets.chars(byte)
    }

    pub fn byte(&self, char_offset: i64) -> usize {
        self.offsets.byte(char_offset)
    }
}

/// Test support shared by the extract modules.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::LazyLock;

    use crimefacts_model::{DocRows, Document, DocumentStage, Sentence};

    use crate::Extract;

    /// A document whose body is `sentences` joined by spaces, one sentence each.
    pub fn doc_with_sentences(sentences: &[&str]) -> DocRows {
        let text = sentences.join(" ");
        let mut doc =
            DocRows { document: Document { doc_id: "d".into(), text, ..Document::default() }, ..DocRows::default() };
        let mut start = 0;
        for (i, s) in sentences.iter().enumerate() {
            let len = s.chars().count() as i64;
            doc.sentences.push(Sentence {
                doc_id: "d".into(),
                sentence: i as i64,
                start,
                end: start + len,
                text: crimefacts_model::CompactString::new(s),
            });
            start += len + 1;
        }
        doc
    }

    /// The whole extract stage run on such a document (gazetteers loaded once).
    pub static EXTRACT: LazyLock<Extract> = LazyLock::new(|| Extract::new().unwrap());

    pub fn extracted(sentences: &[&str]) -> DocRows {
        let mut doc = doc_with_sentences(sentences);
        EXTRACT.process(&mut doc).unwrap();
        doc
    }
}

#[cfg(test)]
mod tests {
    use crimefacts_model::{Batch, DocumentStage, Progress};

    use super::TextView;
    use crate::testing::{EXTRACT, doc_with_sentences};

    #[test]
    fn documents_extracted_together_get_the_rows_they_get_alone() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
        let mut texts: Vec<String> = std::fs::read_dir(seeds)
            .unwrap()
            .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
            .collect();
        texts.sort();
        // Short documents too, and one with nothing to find.
        texts.extend(
            ["Police seized 2 tons of cocaine in Peru on Monday.", "nothing here", "Juan Pérez said."]
                .map(String::from),
        );
        let docs: Vec<_> =
            texts.iter().map(|t| doc_with_sentences(&t.split_inclusive(". ").collect::<Vec<_>>())).collect();
        let alone: Vec<_> = docs
            .iter()
            .map(|d| {
                let mut d = d.clone();
                EXTRACT.process(&mut d).unwrap();
                d
            })
            .collect();
        let mut together = docs.clone();
        let mut progress: Vec<Progress> = docs.iter().map(|_| Progress::default()).collect();
        EXTRACT.process_batch(&mut Batch::new(&mut together, &mut progress, std::time::Duration::MAX));
        assert!(progress.iter().all(|p| p.failure.is_none()));
        assert!(alone.iter().all(|d| !d.mentions.is_empty() || d.document.text == "nothing here"));
        for (alone, together) in alone.iter().zip(&together) {
            assert_eq!(alone, together, "{}", alone.document.text);
        }
    }

    #[test]
    fn a_text_view_maps_bytes_and_code_points_both_ways() {
        for text in ["", "plain", "Perú — 1,5 t “x” 😀 end", "ñ"] {
            let view = TextView::new(text);
            let starts: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
            for (char_offset, &byte) in starts.iter().enumerate() {
                assert_eq!(view.chars(byte), char_offset as i64, "{text:?} byte {byte}");
                assert_eq!(view.byte(char_offset as i64), byte, "{text:?} char {char_offset}");
            }
        }
    }
}
