use crimefacts_model::{FLOWS, FLOWS_SUMMARY};
use polars::prelude::*;

use crate::inputs::{
    doc_ids, entities_as, grouped_in_buckets, inner_join, kept_documents, left_join, merged_doc_ids, sorted,
};
use crate::{TableSources, contract_columns};

const ROUTE: [&str; 4] = ["origin", "destination", "drug", "mode"];

fn route() -> Vec<Expr> {
    ROUTE.iter().map(|c| col(*c)).collect()
}

/// Per partition of documents: each route's documents, statements and shares.
pub(crate) fn part(tables: &TableSources) -> PolarsResult<LazyFrame> {
    let flows = inner_join(tables.scan(&FLOWS)?, kept_documents(tables)?, &["doc_id"]);
    Ok(flows.group_by(route()).agg([
        col("doc_id").n_unique().cast(DataType::Int64).alias("documents"),
        len().cast(DataType::Int64).alias("statements"),
        col("share_percent").min().alias("share_percent_min"),
        col("share_percent").max().alias("share_percent_max"),
        doc_ids(),
    ]))
}

/// Routes across the corpus: one row per origin, destination, drug and mode,
/// with how many documents state it and the range of traffic shares given.
pub(crate) fn combine(parts: LazyFrame, tables: &TableSources) -> PolarsResult<LazyFrame> {
    let routes = grouped_in_buckets(parts, &ROUTE, "documents", |parts| {
        Ok(parts.group_by(route()).agg([
            col("documents").sum(),
            col("statements").sum(),
            col("share_percent_min").min(),
            col("share_percent_max").max(),
            merged_doc_ids(),
        ]))
    })?;
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
