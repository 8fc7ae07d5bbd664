use crimefacts_model::{FLOWS, FLOWS_SUMMARY};
use polars::prelude::*;

use crate::inputs::{doc_ids, entities_as, inner_join, kept_documents, left_join, sorted};
use crate::{TableSources, contract_columns};

/// Routes across the corpus: one row per origin, destination, drug and mode,
/// with how many documents state it and the range of traffic shares given.
pub fn flows_summary(tables: &TableSources) -> PolarsResult<LazyFrame> {
    let flows = inner_join(tables.scan(&FLOWS)?, kept_documents(tables)?, &["doc_id"]);
    let routes = flows.group_by([col("origin"), col("destination"), col("drug"), col("mode")]).agg([
        col("doc_id").n_unique().alias("documents"),
        len().alias("statements"),
        col("share_percent").min().alias("share_percent_min"),
        col("share_percent").max().alias("share_percent_max"),
        doc_ids(),
    ]);
    let names = |side: &str| -> PolarsResult<LazyFrame> {
        Ok(entities_as(tables, side)?.select([col(format!("{side}_id")).alias(side), col(format!("{side}_name"))]))
    };
    let routes = left_join(routes, names("origin")?, &["origin"]);
    let routes = left_join(routes, names("destination")?, &["destination"]);
    Ok(sorted(
        routes,
        &[("documents", true), ("origin", false), ("destination", false), ("drug", false), ("mode", false)],
    )
    .select(contract_columns(&FLOWS_SUMMARY)))
}
