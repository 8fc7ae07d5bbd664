//! One struct per per-document table of the contract. Field order is column order.
//! String cells are `CompactString`s: most are ids, labels and short names,
//! which it holds inline, so making, copying and freeing a row allocates
//! only for its long texts (sentences, event statements).

use chrono::NaiveDate;
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// One article: its metadata and its normalized body (`text`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Copied into every row of the document: inline, not allocated.
    pub doc_id: CompactString,
    /// Path relative to the input root, `/`-separated; `#L<n>` is not added: see `line`.
    pub source: String,
    pub publisher: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
    pub dateline: Option<String>,
    /// ISO 639-1 code; null until a language stage sets it.
    pub language: Option<String>,
    /// The normalized article body; every offset of every table points into it.
    pub text: String,
    /// Code points of the text as it came from the file.
    pub raw_chars: i64,
    /// Code points of `text`.
    pub body_chars: i64,
    pub duplicate_of: Option<String>,
    /// How sure the language detector is of `language`, 0..1.
    pub language_confidence: Option<f64>,
    /// Line of the source file for line-oriented formats (jsonl), 1-based.
    pub line: Option<i64>,
    pub url: Option<String>,
}

/// A sentence of `documents.text`; `start`/`end` are code points, end exclusive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub doc_id: CompactString,
    pub sentence: i64,
    pub start: i64,
    pub end: i64,
    pub text: CompactString,
}

/// A span of the body that names an entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub doc_id: CompactString,
    pub sentence: i64,
    pub start: i64,
    pub end: i64,
    pub text: CompactString,
    pub entity_type: CompactString,
    pub entity_id: CompactString,
    pub canonical_name: CompactString,
    pub country: Option<CompactString>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub method: CompactString,
    pub confidence: f64,
    pub admin1: Option<CompactString>,
}

/// A quantity stated in the body, with its normalized value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    pub amount_id: CompactString,
    pub doc_id: CompactString,
    pub sentence: i64,
    pub start: i64,
    pub end: i64,
    pub text: CompactString,
    pub kind: CompactString,
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: CompactString,
    pub value_norm: Option<f64>,
    pub unit_norm: CompactString,
    pub per: Option<CompactString>,
    pub qualifier: CompactString,
    pub drug: Option<CompactString>,
    pub object: Option<CompactString>,
    pub place: Option<CompactString>,
    pub level: Option<CompactString>,
}

/// Something that happened (a seizure, an arrest, ...), as one statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub event_id: CompactString,
    pub doc_id: CompactString,
    pub sentence: i64,
    pub event_type: CompactString,
    pub scope: CompactString,
    pub date_start: Option<NaiveDate>,
    pub date_end: Option<NaiveDate>,
    pub actors: Vec<CompactString>,
    pub places: Vec<CompactString>,
    pub amounts: Vec<CompactString>,
    pub source: Option<CompactString>,
    pub text: CompactString,
}

/// A route: drugs moving from `origin` to `destination` (entity ids).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    pub doc_id: CompactString,
    pub sentence: i64,
    pub origin: CompactString,
    pub destination: CompactString,
    pub drug: Option<CompactString>,
    pub mode: Option<CompactString>,
    pub share_percent: Option<f64>,
}

/// An input, or part of one, that could not be turned into a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reject {
    pub source: String,
    pub line: Option<i64>,
    pub stage: String,
    pub reason: String,
}

/// Who a sentence's statement comes from: the speaker, and the outlet or body
/// it came through ("..., Rojas said, reported El Deber").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    pub doc_id: CompactString,
    pub sentence: i64,
    pub speaker: Option<CompactString>,
    pub via: Option<CompactString>,
    pub cue: CompactString,
}

/// A date expression in the body, resolved to an interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DateMention {
    pub doc_id: CompactString,
    pub sentence: i64,
    pub start: i64,
    pub end: i64,
    pub text: CompactString,
    pub date_start: Option<NaiveDate>,
    pub date_end: Option<NaiveDate>,
    /// day, month, year, or period (an interval given by its two ends).
    pub grain: CompactString,
}

/// A span of the raw text that normalization left out of the body, and why.
/// `start`/`end` are code points into the raw text as read from the input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Boilerplate {
    pub doc_id: CompactString,
    pub start: i64,
    pub end: i64,
    pub text: CompactString,
    pub reason: CompactString,
}

/// Everything known about one document while it moves through the per-document
/// stages. A stage reads what earlier stages wrote and appends its own rows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DocRows {
    pub document: Document,
    /// The text as read from the file, before normalization (not a table column:
    /// audit tables such as `boilerplate` point into it).
    pub raw_text: String,
    pub sentences: Vec<Sentence>,
    pub mentions: Vec<Mention>,
    pub amounts: Vec<Amount>,
    pub events: Vec<Event>,
    pub flows: Vec<Flow>,
    pub boilerplate: Vec<Boilerplate>,
    pub dates: Vec<DateMention>,
    pub attributions: Vec<Attribution>,
}

impl DocRows {
    /// A document as ingest hands it over: `text` still holds the raw text.
    pub fn from_raw(document: Document) -> Self {
        let raw_text = document.text.clone();
        Self { document, raw_text, ..Self::default() }
    }

    /// Index of the sentence that contains code-point offset `start`, or the last
    /// sentence starting before it (offsets in whitespace between sentences).
    pub fn sentence_at(&self, start: i64) -> i64 {
        let after = self.sentences.partition_point(|s| s.start <= start);
        after.saturating_sub(1) as i64
    }
}
