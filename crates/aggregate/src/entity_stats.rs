use crimefacts_model::ENTITY_STATS;
use polars::prelude::*;

use crate::inputs::{kept_documents, kept_mentions, left_join, sorted};
use crate::{TableSources, contract_columns};

/// Per partition of documents: for each entity, its documents and mentions
/// there, and the first and last publication dates.
pub(crate) fn part(tables: &TableSources) -> PolarsResult<LazyFrame> {
    let published = kept_documents(tables)?.select([col("doc_id"), col("published")]);
    Ok(left_join(kept_mentions(tables)?, published, &["doc_id"]).group_by([col("entity_id")]).agg([
        // Type and name are fixed by the id; `min` keeps them deterministic.
        col("entity_type").min(),
        col("canonical_name").min(),
        col("doc_id").n_unique().cast(DataType::Int64).alias("documents"),
        len().cast(DataType::Int64).alias("mentions"),
        col("published").min().alias("first_published"),
        col("published").max().alias("last_published"),
    ]))
}

/// One row per entity: in how many documents and mentions it appears, and the
/// publication dates of the first and last of those documents. Sorted by
/// mentions (descending) then entity id.
pub(crate) fn combine(parts: LazyFrame, _: &TableSources) -> PolarsResult<LazyFrame> {
    let stats = parts.group_by([col("entity_id")]).agg([
        col("entity_type").min(),
        col("canonical_name").min(),
        col("documents").sum(),
        col("mentions").sum(),
        col("first_published").min(),
        col("last_published").max(),
    ]);
    Ok(sorted(stats, &[("mentions", true), ("entity_id", false)]).select(contract_columns(&ENTITY_STATS)))
}
