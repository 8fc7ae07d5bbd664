use crimefacts_model::{AMOUNTS, PRICE_LADDER};
use polars::prelude::*;

use crate::inputs::{
    doc_ids, entities_as, explode_lists, grouped_in_buckets, inner_join, kept_documents, left_join, merged_doc_ids,
    sentence_speakers, sorted,
};
use crate::{TableSources, contract_columns};

/// Prices per unit of mass, converted to per kg: how many of the stated unit
/// make a kilogram.
const PER_KG: [(&str, f64); 4] = [("kg", 1.0), ("g", 1000.0), ("ton", 0.001), ("lb", 2.204_622_62)];

/// What makes a rung. The place's name and country follow from its id, so
/// they are looked up once the rungs are combined.
const RUNG: [&str; 5] = ["drug", "per", "place_id", "year", "level"];

fn rung() -> Vec<Expr> {
    RUNG.iter().map(|c| col(*c)).collect()
}

/// Per partition of documents: each rung's lowest and highest price, its
/// mentions, and as lists its midpoints and distinct sources. A median and a
/// count of distinct sources do not add up over partitions, but over the
/// merged lists they come out as over the whole corpus; the lists hold one
/// float per price and a few sources, so they stay small.
pub(crate) fn part(tables: &TableSources) -> PolarsResult<LazyFrame> {
    Ok(prices(tables)?.group_by(rung()).agg([
        col("low").min().alias("price_usd_min"),
        col("high").max().alias("price_usd_max"),
        col("mid").alias("mids"),
        len().cast(DataType::Int64).alias("mentions"),
        col("source").unique().alias("sources"),
        doc_ids(),
    ]))
}

/// One rung per drug form, rate, place, year and level: the stated prices
/// (USD), how often and by how many sources. Prices per g, t and lb become per
/// kg; any other rate (per flight, per month) stays a rung of its own, so units
/// never mix. A range ("$1,000 to $1,500") counts by its midpoint for the
/// median and by its ends for min and max.
pub(crate) fn combine(parts: LazyFrame, tables: &TableSources) -> PolarsResult<LazyFrame> {
    // A rung's documents are at most its mentions.
    let ladder = grouped_in_buckets(parts, &RUNG, "mentions", |parts| {
        Ok(parts.group_by(rung()).agg([
            col("price_usd_min").min(),
            explode_lists("mids").median().alias("price_usd_median"),
            col("price_usd_max").max(),
            col("mentions").sum(),
            explode_lists("sources").n_unique().alias("sources"),
            merged_doc_ids(),
        ]))
    })?;
    let places = entities_as(tables, "place")?.select([
        col("place_id"),
        col("place_name"),
        col("place_country").alias("country"),
    ]);
    Ok(sorted(
        left_join(ladder, places, &["place_id"]),
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

/// Every price of a kept document, one row each: drug, per (kg for prices of
/// a mass), place_id, year, level, its low, mid and high in USD, its source
/// (the speaker, else the publisher) and doc_id.
fn prices(tables: &TableSources) -> PolarsResult<LazyFrame> {
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
    Ok(prices
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
        .with_columns([((col("low") + col("high")) / lit(2.0)).alias("mid")])
        .select([
            col("drug"),
            col("per"),
            col("place").alias("place_id"),
            col("year"),
            col("level"),
            col("low"),
            col("mid"),
            col("high"),
            col("source"),
            col("doc_id"),
        ]))
}
