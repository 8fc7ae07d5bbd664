//! Frames several aggregates start from.

use crimefacts_model::{ATTRIBUTIONS, DOCUMENTS, MENTIONS};
use polars::prelude::*;

use crate::{TableSources, detached};

/// Documents that are not near-duplicates: doc_id, published, year, publisher.
pub(crate) fn kept_documents(tables: &TableSources) -> PolarsResult<LazyFrame> {
    Ok(tables.scan(&DOCUMENTS)?.filter(col("duplicate_of").is_null()).select([
        col("doc_id"),
        col("published"),
        col("published").dt().year().cast(DataType::Int64).alias("year"),
        col("publisher"),
    ]))
}

/// Mentions of kept documents only.
pub(crate) fn kept_mentions(tables: &TableSources) -> PolarsResult<LazyFrame> {
    let kept = kept_documents(tables)?.select([col("doc_id")]);
    Ok(tables.scan(&MENTIONS)?.join(kept, [col("doc_id")], [col("doc_id")], JoinArgs::new(JoinType::Inner)))
}

/// One row per entity id of the whole corpus (every partition sees all of
/// them): type, name, country and first-level division. The gazetteer fixes
/// them per id; `min` keeps them deterministic should two mentions ever
/// disagree. It reads every mention, so it runs once per set of tables, one
/// partition at a time (the minimum of the partitions' minima is the
/// minimum), and its result (one row per entity, a few hundred) is kept in
/// buffers of its own: it would otherwise keep the mentions scans alive
/// through every aggregate. Aggregates computed side by side wait for the
/// first one's lookup instead of each reading the mentions again (at two
/// threads, two of them did, now and then).
pub(crate) fn entities(tables: &TableSources) -> PolarsResult<LazyFrame> {
    let kept = tables.lookups().entities.get_or_init(|| entities_of_corpus(tables).map_err(|e| e.to_string()));
    match kept {
        Ok(entities) => Ok(entities.clone().lazy()),
        Err(message) => Err(PolarsError::ComputeError(format!("entity lookup: {message}").into())),
    }
}

fn entities_of_corpus(tables: &TableSources) -> PolarsResult<DataFrame> {
    let attributes =
        || [col("entity_type").min(), col("canonical_name").min(), col("country").min(), col("admin1").min()];
    let whole = tables.whole();
    let partitions = whole.partitions()?;
    let parts = (0..partitions)
        .map(|k| {
            let part = whole.partition(k, partitions).scan(&MENTIONS)?.group_by([col("entity_id")]).agg(attributes());
            detached(part.collect_with_engine(Engine::Streaming)?.unwrap_single()).map(DataFrame::lazy)
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    let entities = concat(parts, UnionArgs::default())?
        .group_by([col("entity_id")])
        .agg(attributes())
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    detached(entities)
}

/// The same entities with their columns renamed `<prefix>_id`, `<prefix>_name`,
/// ..., for joining onto a column of entity ids.
pub(crate) fn entities_as(tables: &TableSources, prefix: &str) -> PolarsResult<LazyFrame> {
    Ok(entities(tables)?.select([
        col("entity_id").alias(format!("{prefix}_id")),
        col("entity_type").alias(format!("{prefix}_type")),
        col("canonical_name").alias(format!("{prefix}_name")),
        col("country").alias(format!("{prefix}_country")),
        col("admin1").alias(format!("{prefix}_admin1")),
    ]))
}

/// Who stated each of the sentences in `sentences` (columns doc_id,
/// sentence): the speaker, else the outlet it came through. Columns: doc_id,
/// sentence, said_by. Only those sentences' attributions are grouped, so the
/// cost follows the sentences asked about, not the corpus.
pub(crate) fn sentence_speakers(tables: &TableSources, sentences: LazyFrame) -> PolarsResult<LazyFrame> {
    let wanted = sentences.select([col("doc_id"), col("sentence")]).unique(None, UniqueKeepStrategy::Any);
    let attributions = tables.scan(&ATTRIBUTIONS)?.select([col("doc_id"), col("sentence"), col("speaker"), col("via")]);
    Ok(inner_join(attributions, wanted, &["doc_id", "sentence"])
        .group_by([col("doc_id"), col("sentence")])
        .agg([coalesce(&[col("speaker"), col("via")]).min().alias("said_by")]))
}

/// The sorted, distinct documents of a group, as a list.
pub(crate) fn doc_ids() -> Expr {
    col("doc_id").unique().sort(SortOptions::default()).alias("doc_ids")
}

/// The elements of the lists in column `lists` of a group, one value each.
pub(crate) fn explode_lists(lists: &str) -> Expr {
    col(lists).explode(ExplodeOptions { empty_as_null: false, keep_nulls: false })
}

/// The lists of `doc_ids` of partial results merged into one sorted list
/// (partitions hold disjoint documents, so nothing repeats).
pub(crate) fn merged_doc_ids() -> Expr {
    explode_lists("doc_ids").sort(SortOptions::default()).alias("doc_ids")
}

/// Document ids merged in one step of [`grouped_in_buckets`]: about what a
/// corpus of 100,000 articles merges for its largest aggregate at once.
const IDS_MERGED_AT_ONCE: i64 = 250_000;

/// `aggregate` (a group_by on `keys` that merges lists of document ids) run
/// over buckets of keys, each holding at most [`IDS_MERGED_AT_ONCE`] ids by
/// the `ids` column (a count of them per row of `parts`), and the results
/// concatenated. A key is never split across buckets, so the rows are those
/// of one step over everything; only their order differs, which the caller's
/// sort fixes. A million articles merge millions of ids in `group_presence`
/// alone: in one step, the exploded and sorted lists were the run's peak.
pub(crate) fn grouped_in_buckets(
    parts: LazyFrame,
    keys: &[&str],
    ids: &str,
    aggregate: impl Fn(LazyFrame) -> PolarsResult<LazyFrame>,
) -> PolarsResult<LazyFrame> {
    grouped_in_buckets_of(parts, keys, ids, IDS_MERGED_AT_ONCE, aggregate)
}

/// [`grouped_in_buckets`] with buckets of at most `ids_at_once` by the `ids`
/// column, which may count anything that sizes the work: rows, claims.
pub(crate) fn grouped_in_buckets_of(
    parts: LazyFrame,
    keys: &[&str],
    ids: &str,
    ids_at_once: i64,
    aggregate: impl Fn(LazyFrame) -> PolarsResult<LazyFrame>,
) -> PolarsResult<LazyFrame> {
    let key_columns = || keys.iter().map(|k| col(*k)).collect::<Vec<_>>();
    let sizes = parts
        .clone()
        .group_by(key_columns())
        .agg([col(ids).sum().cast(DataType::Int64).alias("ids")])
        .sort_by_exprs(key_columns(), SortMultipleOptions::default().with_nulls_last(true))
        .collect()?;
    let mut bucket_of_row = Vec::with_capacity(sizes.height());
    let (mut bucket, mut filled) = (0u32, 0i64);
    for n in sizes.column("ids")?.i64()?.iter().map(Option::unwrap_or_default) {
        if filled > 0 && filled + n > ids_at_once {
            bucket += 1;
            filled = 0;
        }
        filled += n;
        bucket_of_row.push(bucket);
    }
    if bucket == 0 {
        return aggregate(parts);
    }
    let sizes = sizes.lazy().with_column(Series::new("bucket".into(), bucket_of_row).lit());
    let mut results = Vec::new();
    for b in 0..=bucket {
        let wanted = sizes.clone().filter(col("bucket").eq(lit(b))).select(key_columns()).collect()?;
        let rows = parts.clone().join(
            wanted.lazy(),
            key_columns(),
            key_columns(),
            JoinArgs { nulls_equal: true, ..JoinArgs::new(JoinType::Inner) },
        );
        let result = aggregate(rows)?.collect_with_engine(Engine::Streaming)?.unwrap_single();
        results.push(detached(result)?.lazy());
    }
    concat(results, UnionArgs::default())
}

/// A left join on equal key columns.
pub(crate) fn left_join(left: LazyFrame, right: LazyFrame, on: &[&str]) -> LazyFrame {
    let keys: Vec<Expr> = on.iter().map(|k| col(*k)).collect();
    left.join(right, keys.clone(), keys, JoinArgs::new(JoinType::Left))
}

/// An inner join on equal key columns.
pub(crate) fn inner_join(left: LazyFrame, right: LazyFrame, on: &[&str]) -> LazyFrame {
    let keys: Vec<Expr> = on.iter().map(|k| col(*k)).collect();
    left.join(right, keys.clone(), keys, JoinArgs::new(JoinType::Inner))
}

/// Sorts by the given columns (descending where flagged), nulls last, so that
/// every aggregate file is deterministic.
pub(crate) fn sorted(frame: LazyFrame, by: &[(&str, bool)]) -> LazyFrame {
    let exprs: Vec<Expr> = by.iter().map(|(c, _)| col(*c)).collect();
    let descending: Vec<bool> = by.iter().map(|(_, d)| *d).collect();
    frame.sort_by_exprs(
        exprs,
        SortMultipleOptions::default().with_order_descending_multi(descending).with_nulls_last(true),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entity_lookup_that_fails_fails_alike_for_every_aggregate() {
        // No tables here: the lookup's scan fails, once, and every caller
        // gets that failure instead of scanning again.
        let tables = TableSources::new(std::path::Path::new("/nonexistent/crimefacts-tables"));
        let first = entities(&tables).map(|_| ()).unwrap_err().to_string();
        let again = std::thread::scope(|s| s.spawn(|| entities(&tables).map(|_| ()).unwrap_err().to_string()).join());
        assert!(first.contains("entity lookup"), "{first}");
        assert_eq!(again.unwrap(), first);
        assert!(tables.lookups().entities.get().is_some_and(Result::is_err));
    }

    #[test]
    fn merging_in_buckets_gives_the_rows_of_one_step() {
        let doc_list = |ids: &[&str]| Series::new("".into(), ids);
        let parts = df!(
            "group_id" => ["a", "a", "b", "b", "c", "c"],
            "year" => [Some(2020i64), Some(2020), None, None, Some(2021), Some(2022)],
            "documents" => [2i64, 1, 1, 2, 3, 1],
            "doc_ids" => [
                doc_list(&["d2", "d1"]), doc_list(&["d3"]), doc_list(&["d9"]),
                doc_list(&["d5", "d4"]), doc_list(&["d8", "d6", "d7"]), doc_list(&["d0"]),
            ],
        )
        .unwrap();
        let merge = |parts: LazyFrame| {
            Ok(parts.group_by([col("group_id"), col("year")]).agg([col("documents").sum(), merged_doc_ids()]))
        };
        let in_order = |frame: LazyFrame| sorted(frame, &[("group_id", false), ("year", false)]).collect().unwrap();
        let one_step = in_order(merge(parts.clone().lazy()).unwrap());
        for ids_at_once in [1, 3, 4, 100] {
            let buckets =
                grouped_in_buckets_of(parts.clone().lazy(), &["group_id", "year"], "documents", ids_at_once, merge);
            assert!(in_order(buckets.unwrap()).equals_missing(&one_step), "{ids_at_once} ids at once");
        }
        assert_eq!(one_step.height(), 4, "the null year is one key");
    }
}
