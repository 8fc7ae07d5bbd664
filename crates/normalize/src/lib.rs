//! Normalize owns `documents.text` and `sentences`: it turns the raw text that
//! ingest read into the normalized body (Unicode NFC, one kind of line ending and
//! space, no invisible characters, paragraphs separated by one blank line) and
//! splits that body into sentences with code-point offsets.
//!
//! Every later offset points into the body this crate writes, so its output is the
//! ground truth for all other stages. It depends on `model` only, and never looks
//! at other documents: corpus-level work (duplicates, repeated chrome) needs a
//! whole-stream stage.

mod sentences;
mod text;

use crimefacts_model::{DocRows, DocumentStage, StageError};

pub use sentences::split_sentences;
pub use text::normalize_text;

/// The `normalize` stage.
#[derive(Debug, Default)]
pub struct Normalize;

impl DocumentStage for Normalize {
    fn name(&self) -> &'static str {
        "normalize"
    }

    fn describe(&self) -> &'static str {
        "Unicode NFC, whitespace and line endings, sentences with code-point offsets"
    }

    fn process(&self, doc: &mut DocRows) -> Result<(), StageError> {
        let body = normalize_text(&doc.raw_text);
        if body.is_empty() {
            return Err(StageError("no text left after normalization".into()));
        }
        doc.document.body_chars = body.chars().count() as i64;
        doc.sentences = split_sentences(&doc.document.doc_id, &body);
        doc.document.text = body;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crimefacts_model::Document;

    use super::*;

    #[test]
    fn stage_rewrites_text_and_adds_sentences() {
        let raw = "Título\r\n\r\n\r\nPolice seized 7.4 tons.  It was a record.\r\n";
        let mut doc = DocRows::from_raw(Document { doc_id: "d".into(), text: raw.into(), ..Document::default() });
        Normalize.process(&mut doc).unwrap();
        assert_eq!(doc.document.text, "Título\n\nPolice seized 7.4 tons. It was a record.");
        assert_eq!(doc.raw_text, raw);
        assert_eq!(doc.document.body_chars, 48);
        let texts: Vec<_> = doc.sentences.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["Título", "Police seized 7.4 tons.", "It was a record."]);
    }

    #[test]
    fn whitespace_only_text_is_an_error() {
        let mut doc = DocRows::from_raw(Document { text: "\u{200b} \n".into(), ..Document::default() });
        assert!(Normalize.process(&mut doc).is_err());
    }
}
