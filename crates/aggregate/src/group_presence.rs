use crimefacts_model::GROUP_PRESENCE;
use polars::prelude::*;

use crate::inputs::{doc_ids, entities_as, inner_join, kept_documents, kept_mentions, left_join, sorted};
use crate::{TableSources, contract_columns};

/// Where criminal groups are reported: every group named in the same sentence
/// as a place (a location or a country), per publication year, with how many
/// documents and sentences say so and when they were published.
pub fn group_presence(tables: &TableSources) -> PolarsResult<LazyFrame> {
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
    let together = left_join(together, entities_as(tables, "group")?, &["group_id"]);
    let together = left_join(together, entities_as(tables, "place")?, &["place_id"]);

    let presence = together
        .group_by([
            col("group_id"),
            col("group_name"),
            col("place_id"),
            col("place_name"),
            col("place_admin1").alias("admin1"),
            col("place_country").alias("country"),
            col("year"),
        ])
        .agg([
            col("doc_id").n_unique().alias("documents"),
            len().alias("sentences"),
            col("published").min().alias("first_seen"),
            col("published").max().alias("last_seen"),
            doc_ids(),
        ]);
    Ok(sorted(presence, &[("group_id", false), ("documents", true), ("place_id", false), ("year", false)])
        .select(contract_columns(&GROUP_PRESENCE)))
}
