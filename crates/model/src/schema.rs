//! Each table's schema, in one place, and the visitor that turns a row into cells.
//!
//! The writer in `crates/pipeline` and the tests read these constants; the
//! `crimefacts schema` command prints them. A column added to a row struct must be
//! added here in the same position (a test checks that both agree).

use std::fmt;

use chrono::NaiveDate;
use compact_str::CompactString;

use crate::rows::{Amount, Attribution, Boilerplate, DateMention, Document, Event, Flow, Mention, Reject, Sentence};

/// Arrow/Parquet logical type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Utf8,
    Int64,
    Float64,
    Boolean,
    /// Days since 1970-01-01.
    Date32,
    ListUtf8,
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ColumnType::Utf8 => "Utf8",
            ColumnType::Int64 => "Int64",
            ColumnType::Float64 => "Float64",
            ColumnType::Boolean => "Boolean",
            ColumnType::Date32 => "Date32",
            ColumnType::ListUtf8 => "List<Utf8>",
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnSchema {
    pub name: &'static str,
    pub column_type: ColumnType,
    pub nullable: bool,
    pub doc: &'static str,
}

/// Name, meaning and columns of one table.
#[derive(Debug, PartialEq, Eq)]
pub struct TableSchema {
    pub name: &'static str,
    /// What one row is.
    pub row: &'static str,
    pub columns: &'static [ColumnSchema],
}

impl TableSchema {
    pub fn column(&self, name: &str) -> Option<&ColumnSchema> {
        self.columns.iter().find(|c| c.name == name)
    }
}

impl fmt::Display for TableSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.name, self.row)?;
        for c in self.columns {
            let null = if c.nullable { "null" } else { "not null" };
            writeln!(f, "  {:<16} {:<11} {:<9} {}", c.name, c.column_type.to_string(), null, c.doc)?;
        }
        Ok(())
    }
}

const fn col(name: &'static str, column_type: ColumnType, doc: &'static str) -> ColumnSchema {
    ColumnSchema { name, column_type, nullable: false, doc }
}

const fn opt(name: &'static str, column_type: ColumnType, doc: &'static str) -> ColumnSchema {
    ColumnSchema { name, column_type, nullable: true, doc }
}

use ColumnType::*;

pub static DOCUMENTS: TableSchema = TableSchema {
    name: "documents",
    row: "one article, with its metadata and normalized body",
    columns: &[
        col("doc_id", Utf8, "stable id: hash of source, line and raw content"),
        col("source", Utf8, "input path relative to the input root"),
        opt("publisher", Utf8, "who published the article"),
        opt("title", Utf8, "headline"),
        opt("author", Utf8, "byline"),
        opt("published", Date32, "publication date"),
        opt("dateline", Utf8, "place line such as 'LIMA, Peru'"),
        opt("language", Utf8, "ISO 639-1 code"),
        col("text", Utf8, "normalized body; all offsets point into it"),
        col("raw_chars", Int64, "code points of the raw input text"),
        col("body_chars", Int64, "code points of text"),
        opt("duplicate_of", Utf8, "doc_id of the first copy of a near-duplicate"),
        opt("language_confidence", Float64, "confidence of the language detector, 0..1"),
        opt("line", Int64, "1-based line in the source file (jsonl)"),
        opt("url", Utf8, "article URL when the input gives one"),
    ],
};

pub static SENTENCES: TableSchema = TableSchema {
    name: "sentences",
    row: "one sentence of a document body",
    columns: &[
        col("doc_id", Utf8, "document"),
        col("sentence", Int64, "0-based index within the document"),
        col("start", Int64, "code-point offset into documents.text"),
        col("end", Int64, "code-point offset, exclusive"),
        col("text", Utf8, "documents.text[start:end]"),
    ],
};

pub static MENTIONS: TableSchema = TableSchema {
    name: "mentions",
    row: "one span of the body that names an entity",
    columns: &[
        col("doc_id", Utf8, "document"),
        col("sentence", Int64, "sentence index"),
        col("start", Int64, "code-point offset into documents.text"),
        col("end", Int64, "code-point offset, exclusive"),
        col("text", Utf8, "surface text"),
        col("entity_type", Utf8, "person, criminal_group, agency, organization, media, location, country"),
        col("entity_id", Utf8, "stable cross-document id, e.g. iso:BO, geonames:3904906"),
        col("canonical_name", Utf8, "preferred name of the entity"),
        opt("country", Utf8, "ISO 3166-1 alpha-2"),
        opt("latitude", Float64, "WGS84 latitude of a place"),
        opt("longitude", Float64, "WGS84 longitude of a place"),
        col("method", Utf8, "gazetteer, demonym, pattern, acronym, alias, ..."),
        col("confidence", Float64, "0..1"),
        opt("admin1", Utf8, "first-level division (department, state) of a GeoNames place"),
    ],
};

pub static AMOUNTS: TableSchema = TableSchema {
    name: "amounts",
    row: "one quantity stated in the body",
    columns: &[
        col("amount_id", Utf8, "doc_id:a<n>"),
        col("doc_id", Utf8, "document"),
        col("sentence", Int64, "sentence index"),
        col("start", Int64, "code-point offset into documents.text"),
        col("end", Int64, "code-point offset, exclusive"),
        col("text", Utf8, "surface text"),
        col("kind", Utf8, "mass, money, count, percent, area"),
        col("value", Float64, "number as written, scaled (3.5 million -> 3500000)"),
        opt("value_max", Float64, "upper end of a range"),
        col("unit", Utf8, "unit as written, normalized spelling (ton, kg, USD, ...)"),
        opt("value_norm", Float64, "value in unit_norm"),
        col("unit_norm", Utf8, "kg, USD, ha, 1 or %"),
        opt("per", Utf8, "rate denominator: kg, flight, year, ..."),
        col("qualifier", Utf8, "exact, approx, at_least, at_most"),
        opt("drug", Utf8, "drug the amount is of"),
        opt("object", Utf8, "singular lemma of what is counted"),
        opt("place", Utf8, "for a price: entity id of the market it holds in"),
        opt("level", Utf8, "for a price: wholesale or retail, when stated"),
    ],
};

pub static EVENTS: TableSchema = TableSchema {
    name: "events",
    row: "one event stated in a sentence",
    columns: &[
        col("event_id", Utf8, "doc_id:e<n>"),
        col("doc_id", Utf8, "document"),
        col("sentence", Int64, "sentence index"),
        col("event_type", Utf8, "seizure, arrest, lab_dismantled, destruction, eradication, ..."),
        col("scope", Utf8, "incident or period_total"),
        opt("date_start", Date32, "first day, resolved against documents.published"),
        opt("date_end", Date32, "last day"),
        col("actors", ListUtf8, "entity ids of who acted"),
        col("places", ListUtf8, "entity ids of where"),
        col("amounts", ListUtf8, "amount ids"),
        opt("source", Utf8, "entity id of who reported it"),
        col("text", Utf8, "clause or sentence that states it"),
    ],
};

pub static FLOWS: TableSchema = TableSchema {
    name: "flows",
    row: "one origin -> destination route stated in a sentence",
    columns: &[
        col("doc_id", Utf8, "document"),
        col("sentence", Int64, "sentence index"),
        col("origin", Utf8, "entity id"),
        col("destination", Utf8, "entity id"),
        opt("drug", Utf8, "drug moved"),
        opt("mode", Utf8, "air, maritime, river, land, container, ..."),
        opt("share_percent", Float64, "share of the flow taking this route"),
    ],
};

pub static REJECTS: TableSchema = TableSchema {
    name: "rejects",
    row: "one input (file or line) that could not be processed, and why",
    columns: &[
        col("source", Utf8, "input path relative to the input root"),
        opt("line", Int64, "1-based line of a jsonl file"),
        col("stage", Utf8, "stage that rejected it"),
        col("reason", Utf8, "what was wrong"),
    ],
};

pub static BOILERPLATE: TableSchema = TableSchema {
    name: "boilerplate",
    row: "one span of the raw text left out of the body (site chrome), and why",
    columns: &[
        col("doc_id", Utf8, "document"),
        col("start", Int64, "code-point offset into the raw input text"),
        col("end", Int64, "code-point offset, exclusive"),
        col("text", Utf8, "the removed text"),
        col("reason", Utf8, "why it is not article text"),
    ],
};

pub static DATES: TableSchema = TableSchema {
    name: "dates",
    row: "one date expression of a body, resolved against documents.published",
    columns: &[
        col("doc_id", Utf8, "document"),
        col("sentence", Int64, "sentence index"),
        col("start", Int64, "code-point offset into documents.text"),
        col("end", Int64, "code-point offset, exclusive"),
        col("text", Utf8, "surface text"),
        opt("date_start", Date32, "first day; null when it cannot be resolved"),
        opt("date_end", Date32, "last day"),
        col("grain", Utf8, "day, month, year or period"),
    ],
};

pub static ATTRIBUTIONS: TableSchema = TableSchema {
    name: "attributions",
    row: "who a sentence's statement comes from, and through whom",
    columns: &[
        col("doc_id", Utf8, "document"),
        col("sentence", Int64, "sentence index"),
        opt("speaker", Utf8, "entity id of who said it"),
        opt("via", Utf8, "entity id of the outlet or body that relayed it"),
        col("cue", Utf8, "the words that attribute it: said, according to, reported, ..."),
    ],
};

pub static ENTITY_STATS: TableSchema = TableSchema {
    name: "entity_stats",
    row: "one entity across the corpus",
    columns: &[
        col("entity_id", Utf8, "stable entity id"),
        col("entity_type", Utf8, "entity type"),
        col("canonical_name", Utf8, "preferred name"),
        col("documents", Int64, "distinct documents mentioning it"),
        col("mentions", Int64, "mentions in all documents"),
        opt("first_published", Date32, "earliest publication date of those documents"),
        opt("last_published", Date32, "latest publication date"),
    ],
};

pub static PRICE_LADDER: TableSchema = TableSchema {
    name: "price_ladder",
    row: "one rung of a price ladder: a drug form's price at a place in a year, per unit",
    columns: &[
        opt("drug", Utf8, "drug and form as stated (cocaine paste and cocaine are separate rungs)"),
        col("per", Utf8, "kg for every price per mass (per g, t and lb converted), else the stated rate (flight, ...)"),
        opt("place_id", Utf8, "entity id of the market the price holds in"),
        opt("place_name", Utf8, "canonical name of that place"),
        opt("country", Utf8, "ISO 3166-1 alpha-2 of that place"),
        opt("year", Int64, "publication year of the articles"),
        opt("level", Utf8, "wholesale or retail, when stated"),
        col("price_usd_min", Float64, "lowest price, USD per `per`"),
        col("price_usd_median", Float64, "median of the stated prices (a range counts by its midpoint)"),
        col("price_usd_max", Float64, "highest price (upper ends of ranges included)"),
        col("mentions", Int64, "price statements"),
        col("sources", Int64, "distinct sources: who said it, else the publisher"),
        col("doc_ids", ListUtf8, "documents stating it, sorted"),
    ],
};

pub static SEIZURE_TOTALS: TableSchema = TableSchema {
    name: "seizure_totals",
    row: "kilograms seized in a country in a year, per drug form",
    columns: &[
        opt("country", Utf8, "ISO 3166-1 alpha-2 of the first place of the seizure"),
        opt("year", Int64, "year the seizure (or its period) starts, else the publication year"),
        opt("drug", Utf8, "drug and form as stated"),
        col("kg_incidents", Float64, "kilograms from single operations"),
        col("incidents", Int64, "distinct single operations"),
        col("kg_period_totals", Float64, "kilograms from figures for a period; never add to kg_incidents"),
        col("period_totals", Int64, "distinct period figures"),
        col("repeats", Int64, "claims left out as repeats (same source, period and figure within 1%)"),
        col("sources", Int64, "distinct sources: who reported it, else the publisher"),
        col("doc_ids", ListUtf8, "documents stating them, sorted"),
    ],
};

pub static GROUP_PRESENCE: TableSchema = TableSchema {
    name: "group_presence",
    row: "a criminal group named in the same sentence as a place, per year",
    columns: &[
        col("group_id", Utf8, "entity id of the criminal group"),
        col("group_name", Utf8, "its canonical name"),
        col("place_id", Utf8, "entity id of the place (location or country)"),
        col("place_name", Utf8, "its canonical name"),
        opt("admin1", Utf8, "first-level division of the place"),
        opt("country", Utf8, "ISO 3166-1 alpha-2 of the place"),
        opt("year", Int64, "publication year"),
        col("documents", Int64, "distinct documents"),
        col("sentences", Int64, "sentences naming both"),
        opt("first_seen", Date32, "earliest publication date"),
        opt("last_seen", Date32, "latest publication date"),
        col("doc_ids", ListUtf8, "documents, sorted"),
    ],
};

pub static COOCCURRENCE: TableSchema = TableSchema {
    name: "cooccurrence",
    row: "a pair of entities named in the same document (entity_a < entity_b)",
    columns: &[
        col("entity_a", Utf8, "entity id, the smaller of the pair"),
        col("entity_b", Utf8, "entity id, the larger of the pair"),
        col("type_a", Utf8, "entity type of entity_a"),
        col("type_b", Utf8, "entity type of entity_b"),
        col("name_a", Utf8, "canonical name of entity_a"),
        col("name_b", Utf8, "canonical name of entity_b"),
        col("documents", Int64, "documents naming both"),
        col("sentences", Int64, "sentences naming both"),
        col("lift", Float64, "documents * N / (documents_a * documents_b); 1 means independent"),
        col("pmi", Float64, "log2(lift), pointwise mutual information over documents"),
    ],
};

pub static FLOWS_SUMMARY: TableSchema = TableSchema {
    name: "flows_summary",
    row: "one route: origin, destination, drug and mode across documents",
    columns: &[
        col("origin", Utf8, "entity id of the origin"),
        col("origin_name", Utf8, "its canonical name"),
        col("destination", Utf8, "entity id of the destination"),
        col("destination_name", Utf8, "its canonical name"),
        opt("drug", Utf8, "drug carried, when stated"),
        opt("mode", Utf8, "air, maritime, river, land, container, ..."),
        col("documents", Int64, "distinct documents stating the route"),
        col("statements", Int64, "flow rows"),
        opt("share_percent_min", Float64, "lowest share of the traffic stated"),
        opt("share_percent_max", Float64, "highest share stated"),
        col("doc_ids", ListUtf8, "documents, sorted"),
    ],
};

/// The per-document tables, in the order the runner writes them.
pub static PER_DOCUMENT_TABLES: [&TableSchema; 10] =
    [&DOCUMENTS, &SENTENCES, &MENTIONS, &AMOUNTS, &EVENTS, &FLOWS, &REJECTS, &BOILERPLATE, &DATES, &ATTRIBUTIONS];

/// The cross-document tables, in the order the aggregate step writes them.
pub static AGGREGATE_TABLES: [&TableSchema; 6] =
    [&ENTITY_STATS, &PRICE_LADDER, &SEIZURE_TOTALS, &GROUP_PRESENCE, &COOCCURRENCE, &FLOWS_SUMMARY];

/// Every table of the contract, per-document ones first.
pub fn all_tables() -> Vec<&'static TableSchema> {
    let mut tables = PER_DOCUMENT_TABLES.to_vec();
    tables.extend(AGGREGATE_TABLES);
    tables
}

/// Receives a row's cells in column order; implemented by table writers.
pub trait RowVisitor {
    fn utf8(&mut self, value: Option<&str>);
    fn int64(&mut self, value: Option<i64>);
    fn float64(&mut self, value: Option<f64>);
    fn boolean(&mut self, value: Option<bool>);
    fn date32(&mut self, value: Option<NaiveDate>);
    fn list_utf8(&mut self, value: &[CompactString]);
}

/// A row of a contract table.
pub trait Row {
    const SCHEMA: &'static TableSchema;
    /// Hands every cell to `visitor`, in the order of `SCHEMA.columns`.
    fn visit(&self, visitor: &mut dyn RowVisitor);
}

impl Row for Document {
    const SCHEMA: &'static TableSchema = &DOCUMENTS;
    fn visit(&self, v: &mut dyn RowVisitor) {
        v.utf8(Some(&self.doc_id));
        v.utf8(Some(&self.source));
        v.utf8(self.publisher.as_deref());
        v.utf8(self.title.as_deref());
        v.utf8(self.author.as_deref());
        v.date32(self.published);
        v.utf8(self.dateline.as_deref());
        v.utf8(self.language.as_deref());
        v.utf8(Some(&self.text));
        v.int64(Some(self.raw_chars));
        v.int64(Some(self.body_chars));
        v.utf8(self.duplicate_of.as_deref());
        v.float64(self.language_confidence);
        v.int64(self.line);
        v.utf8(self.url.as_deref());
    }
}

impl Row for Sentence {
    const SCHEMA: &'static TableSchema = &SENTENCES;
    fn visit(&self, v: &mut dyn RowVisitor) {
        v.utf8(Some(&self.doc_id));
        v.int64(Some(self.sentence));
        v.int64(Some(self.start));
        v.int64(Some(self.end));
        v.utf8(Some(&self.text));
    }
}

impl Row for Mention {
    const SCHEMA: &'static TableSchema = &MENTIONS;
    fn visit(&self, v: &mut dyn RowVisitor) {
        v.utf8(Some(&self.doc_id));
        v.int64(Some(self.sentence));
        v.int64(Some(self.start));
        v.int64(Some(self.end));
        v.utf8(Some(&self.text));
        v.utf8(Some(&self.entity_type));
        v.utf8(Some(&self.entity_id));
        v.utf8(Some(&self.canonical_name));
        v.utf8(self.country.as_deref());
        v.float64(self.latitude);
        v.float64(self.longitude);
        v.utf8(Some(&self.method));
        v.float64(Some(self.confidence));
        v.utf8(self.admin1.as_deref());
    }
}

impl Row for Amount {
    const SCHEMA: &'static TableSchema = &AMOUNTS;
    fn visit(&self, v: &mut dyn RowVisitor) {
        v.utf8(Some(&self.amount_id));
        v.utf8(Some(&self.doc_id));
        v.int64(Some(self.sentence));
        v.int64(Some(self.start));
        v.int64(Some(self.end));
        v.utf8(Some(&self.text));
        v.utf8(Some(&self.kind));
        v.float64(Some(self.value));
        v.float64(self.value_max);
        v.utf8(Some(&self.unit));
        v.float64(self.value_norm);
        v.utf8(Some(&self.unit_norm));
        v.utf8(self.per.as_deref());
        v.utf8(Some(&self.qualifier));
        v.utf8(self.drug.as_deref());
        v.utf8(self.object.as_deref());
        v.utf8(self.place.as_deref());
        v.utf8(self.level.as_deref());
    }
}

impl Row for Event {
    const SCHEMA: &'static TableSchema = &EVENTS;
    fn visit(&self, v: &mut dyn RowVisitor) {
        v.utf8(Some(&self.event_id));
        v.utf8(Some(&self.doc_id));
        v.int64(Some(self.sentence));
        v.utf8(Some(&self.event_type));
        v.utf8(Some(&self.scope));
        v.date32(self.date_start);
        v.date32(self.date_end);
        v.list_utf8(&self.actors);
        v.list_utf8(&self.places);
        v.list_utf8(&self.amounts);
        v.utf8(self.source.as_deref());
        v.utf8(Some(&self.text));
    }
}

impl Row for Flow {
    const SCHEMA: &'static TableSchema = &FLOWS;
    fn visit(&self, v: &mut dyn RowVisitor) {
        v.utf8(Some(&self.doc_id));
        v.int64(Some(self.sentence));
        v.utf8(Some(&self.origin));
        v.utf8(Some(&self.destination));
        v.utf8(self.drug.as_deref());
        v.utf8(self.mode.as_deref());
        v.float64(self.share_percent);
    }
}

impl Row for Boilerplate {
    const SCHEMA: &'static TableSchema = &BOILERPLATE;
    fn visit(&self, v: &mut dyn RowVisitor) {
        v.utf8(Some(&self.doc_id));
        v.int64(Some(self.start));
        v.int64(Some(self.end));
        v.utf8(Some(&self.text));
        v.utf8(Some(&self.reason));
    }
}

impl Row for DateMention {
    const SCHEMA: &'static TableSchema = &DATES;
    fn visit(&self, v: &mut dyn RowVisitor) {
        v.utf8(Some(&self.doc_id));
        v.int64(Some(self.sentence));
        v.int64(Some(self.start));
        v.int64(Some(self.end));
        v.utf8(Some(&self.text));
        v.date32(self.date_start);
        v.date32(self.date_end);
        v.utf8(Some(&self.grain));
    }
}

impl Row for Attribution {
    const SCHEMA: &'static TableSchema = &ATTRIBUTIONS;
    fn visit(&self, v: &mut dyn RowVisitor) {
        v.utf8(Some(&self.doc_id));
        v.int64(Some(self.sentence));
        v.utf8(self.speaker.as_deref());
        v.utf8(self.via.as_deref());
        v.utf8(Some(&self.cue));
    }
}

impl Row for Reject {
    const SCHEMA: &'static TableSchema = &REJECTS;
    fn visit(&self, v: &mut dyn RowVisitor) {
        v.utf8(Some(&self.source));
        v.int64(self.line);
        v.utf8(Some(&self.stage));
        v.utf8(Some(&self.reason));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the type and nullness of each visited cell.
    struct Recorder(Vec<(ColumnType, bool)>);

    impl RowVisitor for Recorder {
        fn utf8(&mut self, v: Option<&str>) {
            self.0.push((Utf8, v.is_none()));
        }
        fn int64(&mut self, v: Option<i64>) {
            self.0.push((Int64, v.is_none()));
        }
        fn float64(&mut self, v: Option<f64>) {
            self.0.push((Float64, v.is_none()));
        }
        fn boolean(&mut self, v: Option<bool>) {
            self.0.push((Boolean, v.is_none()));
        }
        fn date32(&mut self, v: Option<NaiveDate>) {
            self.0.push((Date32, v.is_none()));
        }
        fn list_utf8(&mut self, _: &[CompactString]) {
            self.0.push((ListUtf8, false));
        }
    }

    fn check_row<R: Row>(row: &R) {
        let mut rec = Recorder(Vec::new());
        row.visit(&mut rec);
        let schema = R::SCHEMA;
        assert_eq!(rec.0.len(), schema.columns.len(), "{}: cell count", schema.name);
        for ((ty, null), col) in rec.0.iter().zip(schema.columns) {
            assert_eq!(*ty, col.column_type, "{}.{}: type", schema.name, col.name);
            assert!(!null || col.nullable, "{}.{}: null in a non-null column", schema.name, col.name);
        }
    }

    #[test]
    fn every_row_visits_cells_matching_its_schema() {
        check_row(&Document::default());
        check_row(&Sentence { doc_id: Default::default(), sentence: 0, start: 0, end: 0, text: Default::default() });
        check_row(&Mention {
            doc_id: Default::default(),
            sentence: 0,
            start: 0,
            end: 0,
            text: Default::default(),
            entity_type: Default::default(),
            entity_id: Default::default(),
            canonical_name: Default::default(),
            country: None,
            latitude: None,
            longitude: None,
            method: Default::default(),
            confidence: 1.0,
            admin1: None,
        });
        check_row(&Amount {
            amount_id: Default::default(),
            doc_id: Default::default(),
            sentence: 0,
            start: 0,
            end: 0,
            text: Default::default(),
            kind: Default::default(),
            value: 0.0,
            value_max: None,
            unit: Default::default(),
            value_norm: None,
            unit_norm: Default::default(),
            per: None,
            qualifier: Default::default(),
            drug: None,
            object: None,
            place: None,
            level: None,
        });
        check_row(&Event {
            event_id: Default::default(),
            doc_id: Default::default(),
            sentence: 0,
            event_type: Default::default(),
            scope: Default::default(),
            date_start: None,
            date_end: None,
            actors: vec![],
            places: vec![],
            amounts: vec![],
            source: None,
            text: Default::default(),
        });
        check_row(&Flow {
            doc_id: Default::default(),
            sentence: 0,
            origin: Default::default(),
            destination: Default::default(),
            drug: None,
            mode: None,
            share_percent: None,
        });
        check_row(&Reject {
            source: Default::default(),
            line: None,
            stage: Default::default(),
            reason: Default::default(),
        });
        check_row(&Boilerplate {
            doc_id: Default::default(),
            start: 0,
            end: 0,
            text: Default::default(),
            reason: Default::default(),
        });
        check_row(&Attribution {
            doc_id: Default::default(),
            sentence: 0,
            speaker: None,
            via: None,
            cue: Default::default(),
        });
        check_row(&DateMention {
            doc_id: Default::default(),
            sentence: 0,
            start: 0,
            end: 0,
            text: Default::default(),
            date_start: None,
            date_end: None,
            grain: Default::default(),
        });
    }

    #[test]
    fn contract_columns_from_design_md_are_present() {
        let required: &[(&TableSchema, &[&str])] = &[
            (
                &DOCUMENTS,
                &[
                    "doc_id",
                    "source",
                    "publisher",
                    "title",
                    "author",
                    "published",
                    "dateline",
                    "language",
                    "text",
                    "raw_chars",
                    "body_chars",
                    "duplicate_of",
                ],
            ),
            (&SENTENCES, &["doc_id", "sentence", "start", "end", "text"]),
            (
                &MENTIONS,
                &[
                    "doc_id",
                    "sentence",
                    "start",
                    "end",
                    "text",
                    "entity_type",
                    "entity_id",
                    "canonical_name",
                    "country",
                    "latitude",
                    "longitude",
                    "method",
                    "confidence",
                ],
            ),
            (
                &AMOUNTS,
                &[
                    "amount_id",
                    "doc_id",
                    "sentence",
                    "start",
                    "end",
                    "text",
                    "kind",
                    "value",
                    "value_max",
                    "unit",
                    "value_norm",
                    "unit_norm",
                    "per",
                    "qualifier",
                    "drug",
                    "object",
                ],
            ),
            (
                &EVENTS,
                &[
                    "event_id",
                    "doc_id",
                    "sentence",
                    "event_type",
                    "scope",
                    "date_start",
                    "date_end",
                    "actors",
                    "places",
                    "amounts",
                    "source",
                    "text",
                ],
            ),
            (&FLOWS, &["doc_id", "sentence", "origin", "destination", "drug", "mode", "share_percent"]),
            (&REJECTS, &["source", "line", "stage", "reason"]),
            (&BOILERPLATE, &["doc_id", "start", "end", "text", "reason"]),
            (&DATES, &["doc_id", "sentence", "start", "end", "text", "date_start", "date_end", "grain"]),
            (&ATTRIBUTIONS, &["doc_id", "sentence", "speaker", "via", "cue"]),
            (
                &ENTITY_STATS,
                &[
                    "entity_id",
                    "entity_type",
                    "canonical_name",
                    "documents",
                    "mentions",
                    "first_published",
                    "last_published",
                ],
            ),
        ];
        for (table, columns) in required {
            for name in *columns {
                assert!(table.column(name).is_some(), "{}.{} missing", table.name, name);
            }
        }
        assert_eq!(DOCUMENTS.column("published").unwrap().column_type, Date32);
        assert_eq!(EVENTS.column("actors").unwrap().column_type, ListUtf8);
    }
}
