//! Aggregate owns the cross-document tables: it reads the finished per-document
//! Parquet tables with polars' lazy API and derives corpus-wide answers from
//! them (entity statistics, price ladders, seizure totals, group presence,
//! co-occurrence networks, route summaries). Each aggregate is a function from
//! table scans to a lazy frame whose columns match its schema in `model`.
//!
//! Every aggregate leaves out documents that are near-duplicates of an earlier
//! one (`documents.duplicate_of` set), so a syndicated story counts once.
//!
//! It depends on `model` (schemas) and polars only; it never sees a document
//! while the per-document stages run, and never writes files: the runner does.

mod cooccurrence;
mod entity_stats;
mod flows_summary;
mod group_presence;
mod inputs;
mod price_ladder;
mod seizure_totals;
mod sources;

use crimefacts_model::{
    COOCCURRENCE, ColumnType, ENTITY_STATS, FLOWS_SUMMARY, GROUP_PRESENCE, PRICE_LADDER, SEIZURE_TOTALS, TableSchema,
};
use polars::prelude::{DataType, Expr, LazyFrame, PolarsResult, col};

pub use sources::{DOCUMENTS_PER_PARTITION, DocumentIndex, TableSources, detached, part_files, scan_file};

/// A cross-document table: its schema and how to compute it.
pub struct Aggregate {
    pub schema: &'static TableSchema,
    pub describe: &'static str,
    pub plan: Plan,
}

pub type Build = fn(&TableSources) -> PolarsResult<LazyFrame>;
pub type Combine = fn(LazyFrame, &TableSources) -> PolarsResult<LazyFrame>;

/// How an aggregate is computed.
pub enum Plan {
    /// Over all documents at once, in one streaming query.
    Whole(Build),
    /// Partition by partition of the documents (`TableSources::partition`),
    /// then `combine` over the concatenated partial results. No document spans
    /// two partitions, so this is exact when each partial result carries what
    /// the figures are made of: counts, sums, minima and maxima, lists of
    /// documents, of values (for a median) or of distinct values (for a count
    /// of them). Memory is that of one partition plus the partial results.
    Partitioned { part: Build, combine: Combine },
}

/// Every aggregate, in the order they are computed. A new aggregate is a
/// module with one function and one line here.
pub fn aggregates() -> Vec<Aggregate> {
    vec![
        Aggregate {
            schema: &ENTITY_STATS,
            describe: "documents, mentions and first/last publication date per entity",
            plan: Plan::Partitioned { part: entity_stats::part, combine: entity_stats::combine },
        },
        Aggregate {
            schema: &PRICE_LADDER,
            describe: "price per kg (USD) by drug form, place, year and level",
            plan: Plan::Partitioned { part: price_ladder::part, combine: price_ladder::combine },
        },
        Aggregate {
            schema: &SEIZURE_TOTALS,
            describe: "kg seized by country, year and drug form; incidents apart from period totals",
            plan: Plan::Partitioned { part: seizure_totals::part, combine: seizure_totals::combine },
        },
        Aggregate {
            schema: &GROUP_PRESENCE,
            describe: "criminal groups named with places, by year",
            plan: Plan::Partitioned { part: group_presence::part, combine: group_presence::combine },
        },
        Aggregate {
            schema: &COOCCURRENCE,
            describe: "entity pairs named together, with lift and PMI",
            plan: Plan::Partitioned { part: cooccurrence::part, combine: cooccurrence::combine },
        },
        Aggregate {
            schema: &FLOWS_SUMMARY,
            describe: "routes: origin, destination, drug, mode across documents",
            plan: Plan::Partitioned { part: flows_summary::part, combine: flows_summary::combine },
        },
    ]
}

/// The polars type a contract column is stored as.
pub fn polars_type(column_type: ColumnType) -> DataType {
    match column_type {
        ColumnType::Utf8 => DataType::String,
        ColumnType::Int64 => DataType::Int64,
        ColumnType::Float64 => DataType::Float64,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Date32 => DataType::Date,
        ColumnType::ListUtf8 => DataType::List(Box::new(DataType::String)),
    }
}

/// The contract's columns of `table`, in order and cast to its types: counts
/// come out of polars as unsigned indices, years as Int32.
fn contract_columns(table: &TableSchema) -> Vec<Expr> {
    table.columns.iter().map(|c| col(c.name).cast(polars_type(c.column_type))).collect()
}
