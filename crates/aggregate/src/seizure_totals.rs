use crimefacts_model::{AMOUNTS, EVENTS, SEIZURE_TOTALS};
use polars::prelude::*;

use crate::inputs::{doc_ids, entities_as, inner_join, kept_documents, merged_doc_ids, sorted};
use crate::{TableSources, contract_columns, detached};

/// Two claims within this ratio are one figure reported twice.
const SAME_FIGURE: f64 = 1.01;

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
    // Every figure is per country and drug form, so claims are compared one
    // (country, drug) at a time: sorting the million claims of a million
    // articles at once took more memory (490 MB) than holding them, and one
    // country can hold most of them (590,000 in the generated corpus).
    let keys = parts.clone().select([col("country"), col("drug")]).unique(None, UniqueKeepStrategy::Any).collect()?;
    let is = |column: &str, value: Option<&str>| match value {
        Some(value) => col(column).eq(lit(value.to_string())),
        None => col(column).is_null(),
    };
    let mut totals = Vec::new();
    for (country, drug) in keys.column("country")?.str()?.iter().zip(keys.column("drug")?.str()?.iter()) {
        let subset = parts.clone().filter(is("country", country).and(is("drug", drug)));
        let frame = totals_of(subset)?.collect_with_engine(Engine::Streaming)?;
        totals.push(detached(frame.unwrap_single())?.lazy());
    }
    let totals = match totals.is_empty() {
        true => totals_of(parts)?,
        false => concat(totals, UnionArgs::default())?,
    };
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
