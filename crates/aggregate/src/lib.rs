//! Aggregate owns the cross-document tables: it reads the finished per-document
//! Parquet tables with polars' lazy API and derives corpus-wide answers from them
//! (today `entity_stats`). Each aggregate is a function from table scans to a lazy
//! frame whose columns match its schema in `model`.
//!
//! It depends on `model` (schemas) and polars only; it never sees a document
//! while the per-document stages run, and never writes files: the runner does.

use std::path::{Path, PathBuf};

use crimefacts_model::{DOCUMENTS, ENTITY_STATS, MENTIONS, TableSchema};
use polars::prelude::*;

/// Where the per-document tables of a finished run are.
#[derive(Clone, Debug)]
pub struct TableSources {
    dir: PathBuf,
}

impl TableSources {
    pub fn new(dir: &Path) -> Self {
        Self { dir: dir.to_path_buf() }
    }

    /// A lazy scan of one per-document table.
    pub fn scan(&self, table: &TableSchema) -> PolarsResult<LazyFrame> {
        let path = self.dir.join(format!("{}.parquet", table.name));
        let path = PlRefPath::try_from_pathbuf(path)?;
        LazyFrame::scan_parquet(path, ScanArgsParquet::default())
    }
}

/// A cross-document table: its schema and how to compute it.
pub struct Aggregate {
    pub schema: &'static TableSchema,
    pub describe: &'static str,
    pub build: fn(&TableSources) -> PolarsResult<LazyFrame>,
}

/// Every aggregate, in the order they are computed. A new aggregate is a function
/// and one line here.
pub fn aggregates() -> Vec<Aggregate> {
    vec![Aggregate {
        schema: &ENTITY_STATS,
        describe: "documents, mentions and first/last publication date per entity",
        build: entity_stats,
    }]
}

/// One row per entity: in how many documents and mentions it appears, and the
/// publication dates of the first and last of those documents. Sorted by mentions
/// (descending) then entity id, so the file is deterministic.
pub fn entity_stats(tables: &TableSources) -> PolarsResult<LazyFrame> {
    let published = tables.scan(&DOCUMENTS)?.select([col("doc_id"), col("published")]);
    let stats = tables
        .scan(&MENTIONS)?
        .join(published, [col("doc_id")], [col("doc_id")], JoinArgs::new(JoinType::Left))
        .group_by([col("entity_id")])
        .agg([
            // Type and name are fixed by the id; `min` keeps the value deterministic
            // should a stage ever disagree with itself.
            col("entity_type").min().alias("entity_type"),
            col("canonical_name").min().alias("canonical_name"),
            col("doc_id").n_unique().cast(DataType::Int64).alias("documents"),
            len().cast(DataType::Int64).alias("mentions"),
            col("published").min().alias("first_published"),
            col("published").max().alias("last_published"),
        ])
        .select([
            col("entity_id"),
            col("entity_type"),
            col("canonical_name"),
            col("documents"),
            col("mentions"),
            col("first_published"),
            col("last_published"),
        ])
        .sort_by_exprs(
            [col("mentions"), col("entity_id")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        );
    Ok(stats)
}
