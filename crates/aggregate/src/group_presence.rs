use crimefacts_model::GROUP_PRESENCE;
use polars::prelude::*;

use crate::inputs::{
    doc_ids, entities_as, grouped_in_buckets, inner_join, kept_documents, kept_mentions, left_join, merged_doc_ids,
    sorted,
};
use crate::{TableSources, contract_columns};

const KEYS: [&str; 3] = ["group_id", "place_id", "year"];

fn keys() -> Vec<Expr> {
    KEYS.iter().map(|c| col(*c)).collect()
}

/// Per partition of documents: every group named in the same sentence as a
/// place (a location or a country), per publication year.
pub(crate) fn part(tables: &TableSources) -> PolarsResult<LazyFrame> {
    let mentions = kept_mentions(tables)?;
    let groups = mentions
        .clone()
        .filter(col("entity_type").eq(lit("criminal_group")))
        .select([col("doc_id"), col("sentence"), col("entity_id").alias("group_id")])
        .unique_stable(None, UniqueKeepStrategy::First);
    let places = mentions
        .filter(col("entity_type").eq(lit("location")).or(col("entity_type").eq(lit("country"))))
        .select([col("doc_id"), col("sentence"), col("entity_id").alias("place_id")])
        .unique_stable(None, UniqueKeepStrategy::First);
    let together = inner_join(groups, places, &["doc_id", "sentence"]);
    let together = inner_join(together, kept_documents(tables)?, &["doc_id"]);
    Ok(together.group_by(keys()).agg([
        col("doc_id").n_unique().cast(DataType::Int64).alias("documents"),
        len().cast(DataType::Int64).alias("sentences"),
        col("published").min().alias("first_seen"),
        col("published").max().alias("last_seen"),
        doc_ids(),
    ]))
}

/// Where criminal groups are reported: each group and place per year, with
/// how many documents and sentences say so and when they were published.
pub(crate) fn combine(parts: LazyFrame, tables: &TableSources) -> PolarsResult<LazyFrame> {
    let presence = grouped_in_buckets(parts, &KEYS, "documents", |parts| {
        Ok(parts.group_by(keys()).agg([
            col("documents").sum(),
            col("sentences").sum(),
            col("first_seen").min(),
            col("last_seen").max(),
            merged_doc_ids(),
        ]))
    })?;
    let presence = left_join(presence, entities_as(tables, "group")?, &["group_id"]);
    let presence = left_join(presence, entities_as(tables, "place")?, &["place_id"])
        .with_columns([col("place_admin1").alias("admin1"), col("place_country").alias("country")]);
    Ok(sorted(presence, &[("group_id", false), ("documents", true), ("place_id", false), ("year", false)])
        .select(contract_columns(&GROUP_PRESENCE)))
}
