use crimefacts_model::COOCCURRENCE;
use polars::prelude::*;

use crate::inputs::{entities_as, inner_join, kept_documents, kept_mentions, left_join, sorted};
use crate::{TableSources, contract_columns};

/// Per partition of documents, three kinds of rows in one frame: pairs
/// (`entity_a` < `entity_b`, documents and sentences naming both), entities
/// (`entity_b` null, documents naming it) and the corpus (both null, documents
/// in the partition). All are sums over documents, so partitions add up.
pub(crate) fn part(tables: &TableSources) -> PolarsResult<LazyFrame> {
    let mentions = kept_mentions(tables)?;
    let in_documents =
        mentions.clone().select([col("doc_id"), col("entity_id")]).unique_stable(None, UniqueKeepStrategy::First);
    let in_sentences = mentions
        .select([col("doc_id"), col("sentence"), col("entity_id")])
        .unique_stable(None, UniqueKeepStrategy::First);

    let count = |name: &str| len().cast(DataType::Int64).alias(name);
    let document_pairs =
        pairs(in_documents.clone(), &["doc_id"]).group_by([col("entity_a"), col("entity_b")]).agg([count("documents")]);
    let sentence_pairs = pairs(in_sentences, &["doc_id", "sentence"])
        .group_by([col("entity_a"), col("entity_b")])
        .agg([count("sentences")]);
    let pair_rows = left_join(document_pairs, sentence_pairs, &["entity_a", "entity_b"])
        .with_columns([col("sentences").fill_null(lit(0i64))]);
    let entity_rows = in_documents.group_by([col("entity_id")]).agg([count("documents")]).select([
        col("entity_id").alias("entity_a"),
        lit(NULL).cast(DataType::String).alias("entity_b"),
        col("documents"),
        lit(0i64).cast(DataType::Int64).alias("sentences"),
    ]);
    let corpus_row = kept_documents(tables)?.select([
        lit(NULL).cast(DataType::String).alias("entity_a"),
        lit(NULL).cast(DataType::String).alias("entity_b"),
        count("documents"),
        lit(0i64).cast(DataType::Int64).alias("sentences"),
    ]);
    concat([pair_rows, entity_rows, corpus_row], UnionArgs::default())
}

/// Pairs of entities named in the same document, for network analysis: in how
/// many documents and sentences they appear together, and how much more often
/// than chance (lift, and its log2, PMI, over documents).
pub(crate) fn combine(parts: LazyFrame, tables: &TableSources) -> PolarsResult<LazyFrame> {
    let totals =
        parts.group_by([col("entity_a"), col("entity_b")]).agg([col("documents").sum(), col("sentences").sum()]);
    let pairs = totals.clone().filter(col("entity_b").is_not_null());
    let frequency = totals.clone().filter(col("entity_a").is_not_null().and(col("entity_b").is_null()));
    let corpus = totals
        .filter(col("entity_a").is_null())
        .select([col("documents").cast(DataType::Float64).alias("corpus_documents"), lit(true).alias("corpus_key")]);
    let frequency_of = |side: &str| {
        frequency.clone().select([
            col("entity_a").alias(format!("entity_{side}")),
            col("documents").alias(format!("documents_{side}")),
        ])
    };
    let pairs = left_join(pairs, frequency_of("a"), &["entity_a"]);
    let pairs = left_join(pairs, frequency_of("b"), &["entity_b"]);
    // A one-row frame joins onto every pair through a constant key.
    let pairs = inner_join(pairs.with_columns([lit(true).alias("corpus_key")]), corpus, &["corpus_key"])
        .with_columns([(col("documents").cast(DataType::Float64) * col("corpus_documents")
            / (col("documents_a").cast(DataType::Float64) * col("documents_b").cast(DataType::Float64)))
        .alias("lift")])
        .with_columns([col("lift")
            .map(
                |lift| Ok(lift.f64()?.apply_values(f64::log2).into_column()),
                |_, field| Ok(Field::new(field.name().clone(), DataType::Float64)),
            )
            .alias("pmi")]);
    let pairs = left_join(pairs, entity_columns(tables, "a")?, &["entity_a"]);
    let pairs = left_join(pairs, entity_columns(tables, "b")?, &["entity_b"]);
    Ok(sorted(pairs, &[("documents", true), ("sentences", true), ("entity_a", false), ("entity_b", false)])
        .select(contract_columns(&COOCCURRENCE)))
}

/// Every ordered pair (a < b) of entities sharing the `within` keys.
fn pairs(entities: LazyFrame, within: &[&str]) -> LazyFrame {
    let mut left: Vec<Expr> = within.iter().map(|k| col(*k)).collect();
    let mut right = left.clone();
    left.push(col("entity_id").alias("entity_a"));
    right.push(col("entity_id").alias("entity_b"));
    inner_join(entities.clone().select(left), entities.select(right), within)
        .filter(col("entity_a").lt(col("entity_b")))
}

/// entity_<side>, type_<side>, name_<side> for joining onto a pair.
fn entity_columns(tables: &TableSources, side: &str) -> PolarsResult<LazyFrame> {
    Ok(entities_as(tables, "entity")?.select([
        col("entity_id").alias(format!("entity_{side}")),
        col("entity_type").alias(format!("type_{side}")),
        col("entity_name").alias(format!("name_{side}")),
    ]))
}
