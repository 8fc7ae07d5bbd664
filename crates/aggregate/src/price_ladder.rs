use crimefacts_model::{AMOUNTS, PRICE_LADDER};
use polars::prelude::*;

use crate::inputs::{doc_ids, entities_as, inner_join, kept_documents, left_join, sentence_speakers, sorted};
use crate::{TableSources, contract_columns};

/// Prices per unit of mass, converted to per kg: how many of the stated unit
/// make a kilogram.
const PER_KG: [(&str, f64); 4] = [("kg", 1.0), ("g", 1000.0), ("ton", 0.001), ("lb", 2.204_622_62)];

/// One rung per drug form, rate, place, year and level: the stated prices
/// (USD), how often and by how many sources. Prices per g, t and lb become per
/// kg; any other rate (per flight, per month) stays a rung of its own, so units
/// never mix. A range ("$1,000 to $1,500") counts by its midpoint for the
/// median and by its ends for min and max.
pub fn price_ladder(tables: &TableSources) -> PolarsResult<LazyFrame> {
    let prices = tables
        .scan(&AMOUNTS)?
        .filter(col("kind").eq(lit("money")).and(col("per").is_not_null()).and(col("value_norm").is_not_null()))
        .select(["doc_id", "sentence", "value", "value_max", "value_norm", "per", "drug", "place", "level"].map(col));
    let prices = inner_join(prices, kept_documents(tables)?, &["doc_id"]);
    let speakers = sentence_speakers(tables, prices.clone())?;
    let prices = left_join(prices, speakers, &["doc_id", "sentence"]);

    let to_kg = PER_KG.iter().rev().fold(lit(NULL).cast(DataType::Float64), |otherwise, (unit, per_kg)| {
        when(col("per").eq(lit(*unit))).then(lit(*per_kg)).otherwise(otherwise)
    });
    let prices = prices
        .with_columns([
            to_kg.alias("to_kg"),
            coalesce(&[col("value_max") / col("value"), lit(1.0)]).alias("range_ratio"),
            coalesce(&[col("said_by"), col("publisher")]).alias("source"),
        ])
        .with_columns([
            (col("value_norm") * coalesce(&[col("to_kg"), lit(1.0)])).alias("low"),
            when(col("to_kg").is_not_null()).then(lit("kg")).otherwise(col("per")).alias("per"),
        ])
        .with_columns([(col("low") * col("range_ratio")).alias("high")])
        .with_columns([((col("low") + col("high")) / lit(2.0)).alias("mid")]);
    let prices =
        left_join(prices.with_columns([col("place").alias("place_id")]), entities_as(tables, "place")?, &["place_id"]);

    let ladder = prices
        .group_by([
            col("drug"),
            col("per"),
            col("place_id"),
            col("place_name"),
            col("place_country").alias("country"),
            col("year"),
            col("level"),
        ])
        .agg([
            col("low").min().alias("price_usd_min"),
            col("mid").median().alias("price_usd_median"),
            col("high").max().alias("price_usd_max"),
            len().alias("mentions"),
            col("source").n_unique().alias("sources"),
            doc_ids(),
        ]);
    Ok(sorted(
        ladder,
        &[
            ("per", false),
            ("drug", false),
            ("price_usd_median", false),
            ("place_id", false),
            ("year", false),
            ("level", false),
        ],
    )
    .select(contract_columns(&PRICE_LADDER)))
}
