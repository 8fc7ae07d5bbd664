use crimefacts_model::{AMOUNTS, EVENTS, SEIZURE_TOTALS};
use polars::prelude::*;

use crate::inputs::{doc_ids, entities_as, grouped_in_buckets_of, inner_join, kept_documents, merged_doc_ids, sorted};
use crate::{TableSources, contract_columns};

/// Two claims within this ratio are one figure reported twice.
const SAME_FIGURE: f64 = 1.01;

/// Claim rows (a claim key with its figures) compared in one query.
const CLAIMS_AT_ONCE: i64 = 100_000;

/// What decides whether a claim repeats another (with `kg`), and its year.
const CLAIM_KEY: [&str; 7] = ["scope", "country", "drug", "source", "date_start", "date_end", "year"];

/// Per partition of documents, two kinds of rows in one frame. Claims (a seizure
/// and a mass stated for it), one row per `CLAIM_KEY` with the lists of their
/// `kgs` and `event_ids`. Documents (`kgs` null): per country, year and drug
/// form, the list of documents with claims, for the totals. Claims are
/// compared across documents, so they cannot be summed here; as lists they
/// take a third of the memory of one row each (a million articles make a
/// million claims).
pub(crate) fn part(tables: &TableSources) -> PolarsResult<LazyFrame> {
    let seizures = tables
        .scan(&EVENTS)?
        .filter(col("event_type").eq(lit("seizure")))
        .select(["event_id", "doc_id", "scope", "date_start", "date_end", "source", "amounts", "places"].map(col));
    let seizures = inner_join(seizures, kept_documents(tables)?, &["doc_id"]);
    let countries = event_countries(tables, seizures.clone())?;
    let masses = tables
        .scan(&AMOUNTS)?
        .filter(col("kind").eq(lit("mass")).and(col("value_norm").is_not_null()))
        .select([col("amount_id"), col("value_norm").alias("kg"), col("drug")]);
    let claims = seizures
        .select([
            col("event_id"),
            col("doc_id"),
            col("scope"),
            col("date_start"),
            col("date_end"),
            coalesce(&[col("date_start").dt().year().cast(DataType::Int64), col("year")]).alias("year"),
            coalesce(&[col("source"), col("publisher")]).alias("source"),
            col("amounts").alias("amount_id"),
        ])
        .explode(by_name(["amount_id"], true, false), ExplodeOptions { empty_as_null: false, keep_nulls: false });
    let claims = inner_join(claims, masses, &["amount_id"]);
    let claims = crate::inputs::left_join(claims, countries, &["event_id"]);
    let keyed =
        claims.clone().group_by(CLAIM_KEY.map(col)).agg([col("kg").alias("kgs"), col("event_id").alias("event_ids")]);
    let documents = claims.group_by([col("country"), col("year"), col("drug")]).agg([doc_ids()]);
    let list_of = |inner: DataType| DataType::List(Box::new(inner));
    let keyed = keyed.with_columns([lit(NULL).cast(list_of(DataType::String)).alias("doc_ids")]);
    let documents = documents.with_columns([
        lit(NULL).cast(DataType::String).alias("scope"),
        lit(NULL).cast(DataType::String).alias("source"),
        lit(NULL).cast(DataType::Date).alias("date_start"),
        lit(NULL).cast(DataType::Date).alias("date_end"),
        lit(NULL).cast(list_of(DataType::Float64)).alias("kgs"),
        lit(NULL).cast(list_of(DataType::String)).alias("event_ids"),
    ]);
    let columns: Vec<Expr> = CLAIM_KEY.iter().chain(&["kgs", "event_ids", "doc_ids"]).map(|c| col(*c)).collect();
    concat([keyed.select(columns.clone()), documents.select(columns)], UnionArgs::default())
}

/// Kilograms seized per country, year and drug form, with single operations
/// and figures for a period in separate columns (a half-year national total
/// already contains the operations reported on their own).
///
/// The country is that of the first place of the seizure that has one; the year
/// is the year its date (or period) starts, else the publication year. A claim
/// repeated by several articles - same scope, country, drug, source and dated
/// period, with a figure within 1% of the next smaller claim - counts once;
/// undated claims never merge, since nothing says they are the same.
pub(crate) fn combine(parts: LazyFrame, _tables: &TableSources) -> PolarsResult<LazyFrame> {
    // Every figure is per country and drug form, so claims are compared a
    // few (country, drug) pairs at a time, in buckets of at most
    // CLAIMS_AT_ONCE claim rows: sorting the million claims of a million
    // articles at once took more memory (490 MB) than holding them, and one
    // country can hold most of them (590,000 in the generated corpus), so it
    // gets a bucket of its own. A corpus with fewer claims is one bucket, one
    // query, where a query per pair cost a few milliseconds each.
    totals_in_buckets(parts, CLAIMS_AT_ONCE)
}

fn totals_in_buckets(parts: LazyFrame, claims_at_once: i64) -> PolarsResult<LazyFrame> {
    let weighted = parts.with_column(lit(1i64).alias("claim_rows"));
    let totals = grouped_in_buckets_of(weighted, &["country", "drug"], "claim_rows", claims_at_once, totals_of)?;
    Ok(sorted(totals, &[("country", false), ("year", false), ("drug", false)])
        .select(contract_columns(&SEIZURE_TOTALS)))
}

/// The totals of a set of claims and document rows (see [`part`]).
fn totals_of(parts: LazyFrame) -> PolarsResult<LazyFrame> {
    let same_claim = [col("scope"), col("country"), col("drug"), col("source"), col("date_start"), col("date_end")];
    let claims = parts
        .clone()
        .filter(col("kgs").is_not_null())
        .explode(by_name(["kgs", "event_ids"], true, false), ExplodeOptions { empty_as_null: false, keep_nulls: false })
        .rename(["kgs", "event_ids"], ["kg", "event_id"], true)
        .sort_by_exprs(
            [
                col("scope"),
                col("country"),
                col("drug"),
                col("source"),
                col("date_start"),
                col("date_end"),
                col("kg"),
                col("event_id"),
            ],
            SortMultipleOptions::default(),
        )
        .with_columns([col("kg").shift(lit(1)).over(same_claim)?.alias("smaller_kg")])
        .with_columns([col("date_start")
            .is_not_null()
            .and(col("smaller_kg").is_not_null())
            .and(col("kg").lt_eq(col("smaller_kg") * lit(SAME_FIGURE)))
            .alias("repeat")])
        .with_columns([
            col("scope").eq(lit("incident")).and(col("repeat").not()).alias("counted_incident"),
            col("scope").eq(lit("period_total")).and(col("repeat").not()).alias("counted_period"),
        ]);

    let keys = || [col("country"), col("year"), col("drug")];
    let totals = claims.group_by(keys()).agg([
        col("kg").filter(col("counted_incident")).sum().alias("kg_incidents"),
        col("event_id").filter(col("counted_incident")).n_unique().alias("incidents"),
        col("kg").filter(col("counted_period")).sum().alias("kg_period_totals"),
        col("event_id").filter(col("counted_period")).n_unique().alias("period_totals"),
        col("repeat").sum().alias("repeats"),
        col("source").n_unique().alias("sources"),
    ]);
    let documents = parts.filter(col("kgs").is_null()).group_by(keys()).agg([merged_doc_ids()]);
    // Country, year and drug may be null, and a null key is a group too.
    Ok(totals.join(documents, keys(), keys(), JoinArgs { nulls_equal: true, ..JoinArgs::new(JoinType::Left) }))
}

/// event_id -> country of the first of its places that lies in a country.
fn event_countries(tables: &TableSources, events: LazyFrame) -> PolarsResult<LazyFrame> {
    let places = events
        .select([col("event_id"), col("places").alias("place_id")])
        .explode(by_name(["place_id"], true, false), ExplodeOptions { empty_as_null: false, keep_nulls: false })
        .with_row_index("order", None);
    Ok(inner_join(places, entities_as(tables, "place")?, &["place_id"])
        .filter(col("place_country").is_not_null())
        .sort_by_exprs([col("order")], SortMultipleOptions::default())
        .group_by([col("event_id")])
        .agg([col("place_country").first().alias("country")]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Claims of three (country, drug) pairs, one with no country, and the
    /// document rows that go with them, as [`part`] makes them.
    fn parts() -> LazyFrame {
        let texts = |values: &[&str]| Series::new("".into(), values);
        let kgs = |values: &[f64]| Series::new("".into(), values);
        let claims = df!(
            "scope" => ["incident", "period_total", "period_total", "incident", "incident"],
            "country" => [Some("BO"), Some("BO"), Some("BO"), Some("PE"), None],
            "drug" => ["cocaine", "cocaine", "cocaine", "cocaine", "marijuana"],
            "source" => ["FELCN", "FELCN", "FELCN", "DEVIDA", "police"],
            "date_start" => [Some(16_500i32), Some(16_436), Some(16_436), None, Some(16_600)],
            "date_end" => [Some(16_500i32), Some(16_617), Some(16_617), None, Some(16_600)],
            "year" => [2015i64, 2015, 2015, 2016, 2015],
            "kgs" => [kgs(&[500.0]), kgs(&[7_400.0]), kgs(&[7_450.0]), kgs(&[12.5, 3.0]), kgs(&[40.0])],
            "event_ids" => [texts(&["e1"]), texts(&["e2"]), texts(&["e3"]), texts(&["e4", "e5"]), texts(&["e6"])],
        )
        .unwrap()
        .lazy()
        .with_columns([
            col("date_start").cast(DataType::Date),
            col("date_end").cast(DataType::Date),
            lit(NULL).cast(DataType::List(Box::new(DataType::String))).alias("doc_ids"),
        ]);
        let documents = df!(
            "country" => [Some("BO"), Some("PE"), None],
            "year" => [2015i64, 2016, 2015],
            "drug" => ["cocaine", "cocaine", "marijuana"],
            "doc_ids" => [texts(&["d2", "d1"]), texts(&["d3"]), texts(&["d4"])],
        )
        .unwrap()
        .lazy()
        .with_columns([
            lit(NULL).cast(DataType::String).alias("scope"),
            lit(NULL).cast(DataType::String).alias("source"),
            lit(NULL).cast(DataType::Date).alias("date_start"),
            lit(NULL).cast(DataType::Date).alias("date_end"),
            lit(NULL).cast(DataType::List(Box::new(DataType::Float64))).alias("kgs"),
            lit(NULL).cast(DataType::List(Box::new(DataType::String))).alias("event_ids"),
        ]);
        let columns: Vec<Expr> = CLAIM_KEY.iter().chain(&["kgs", "event_ids", "doc_ids"]).map(|c| col(*c)).collect();
        concat([claims.select(columns.clone()), documents.select(columns)], UnionArgs::default()).unwrap()
    }

    #[test]
    fn claims_compared_pair_by_pair_give_the_totals_of_one_query() {
        let one_query = totals_in_buckets(parts(), CLAIMS_AT_ONCE).unwrap().collect().unwrap();
        assert_eq!(one_query.height(), 3, "{one_query}");
        let kg = |frame: &DataFrame, column: &str| frame.column(column).unwrap().f64().unwrap().to_vec();
        // BO: the two half-year figures are one claim; PE: both seizures count.
        assert_eq!(kg(&one_query, "kg_period_totals"), [Some(7_400.0), Some(0.0), Some(0.0)]);
        assert_eq!(kg(&one_query, "kg_incidents"), [Some(500.0), Some(15.5), Some(40.0)]);
        for claims_at_once in [1, 2, 5] {
            let buckets = totals_in_buckets(parts(), claims_at_once).unwrap().collect().unwrap();
            assert!(buckets.equals_missing(&one_query), "{claims_at_once} claim rows at once:\n{buckets}");
        }
    }
}
