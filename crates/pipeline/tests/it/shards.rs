//! Splitting a run: the union of N shards' part files equals the single run
//! row for row, the aggregates over the parts equal the single run's, and an
//! incomplete split is refused rather than summed.

use std::fs::File;
use std::path::Path;

use crimefacts_ingest::Shard;
use crimefacts_model::{AGGREGATE_TABLES, PER_DOCUMENT_TABLES};
use polars::prelude::{DataFrame, ParquetReader, SerReader};

use crate::render;
use crate::support::{default_config, read_table, run_into, run_shard_into, seeds_dir};

/// Seeds, articles repeating a claim (one republished), an unsupported file
/// and a jsonl file with a bad line: near-duplicates and rejects may land in
/// different shards than what they refer to.
fn corpus(dir: &Path) {
    for entry in std::fs::read_dir(seeds_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::create_dir(dir.join("claims")).unwrap();
    crate::aggregates::repeated_claims_corpus(dir);
    std::fs::write(dir.join("scan.pdf"), b"%PDF-1.4").unwrap();
    std::fs::write(
        dir.join("feed.jsonl"),
        "{\"text\": \"Peruvian police seized two tons of cocaine in Callao, the interior ministry said.\"}\n{\"text\": 42}\n",
    )
    .unwrap();
}

fn read(path: &Path) -> DataFrame {
    ParquetReader::new(File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).finish().unwrap()
}

/// Every row as one line, sorted: the rows of a table as a multiset.
fn rows(frames: &[DataFrame]) -> Vec<String> {
    let mut rows: Vec<String> =
        frames.iter().flat_map(|f| render::frame(f).lines().skip(1).map(str::to_string).collect::<Vec<_>>()).collect();
    rows.sort();
    rows
}

#[test]
fn the_union_of_n_shards_is_the_single_run_row_for_row() {
    let input = tempfile::tempdir().unwrap();
    corpus(input.path());
    let single = tempfile::tempdir().unwrap();
    let whole = run_into(input.path(), single.path(), 2);
    assert!(whole.rejects() >= 2, "the pdf and the bad jsonl line");

    for count in 1..=3 {
        let sharded = tempfile::tempdir().unwrap();
        let mut documents_per_shard = Vec::new();
        for index in 0..count {
            documents_per_shard.push(run_shard_into(input.path(), sharded.path(), Shard { index, count }).documents);
        }
        assert_eq!(documents_per_shard.iter().sum::<usize>(), whole.documents);
        if count == 3 {
            assert!(documents_per_shard.iter().filter(|&&n| n > 0).count() >= 2, "{documents_per_shard:?}");
        }
        crimefacts_pipeline::aggregate(&default_config(), sharded.path(), Some(2)).unwrap();

        for table in PER_DOCUMENT_TABLES {
            let parts: Vec<DataFrame> = crimefacts_aggregate::part_files(&sharded.path().join(table.name))
                .unwrap()
                .iter()
                .map(|p| read(p))
                .collect();
            assert_eq!(parts.len(), count, "{}: one part per shard, even an empty one", table.name);
            let expected = rows(&[read_table(single.path(), table.name)]);
            assert_eq!(rows(&parts), expected, "{} split {count} ways", table.name);
        }
        for table in AGGREGATE_TABLES {
            assert_eq!(
                render::frame(&read_table(sharded.path(), table.name)),
                render::frame(&read_table(single.path(), table.name)),
                "{} split {count} ways",
                table.name
            );
        }
    }
}

#[test]
fn aggregating_refuses_an_incomplete_or_mixed_split() {
    let out = tempfile::tempdir().unwrap();
    let config = default_config();
    run_shard_into(&seeds_dir(), out.path(), Shard { index: 0, count: 2 });
    let err = format!("{:#}", crimefacts_pipeline::aggregate(&config, out.path(), Some(1)).unwrap_err());
    assert!(err.contains("1/2") && err.contains("have not finished"), "{err}");

    run_shard_into(&seeds_dir(), out.path(), Shard { index: 1, count: 2 });
    crimefacts_pipeline::aggregate(&config, out.path(), Some(1)).unwrap();

    // A part left over from an earlier split three ways.
    let stale = out.path().join("mentions/shard=2");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::copy(out.path().join("mentions/shard=0/part.parquet"), stale.join("part.parquet")).unwrap();
    let err = format!("{:#}", crimefacts_pipeline::aggregate(&config, out.path(), Some(1)).unwrap_err());
    assert!(err.contains("stale"), "{err}");
}

#[test]
fn partitioned_aggregates_equal_the_whole_corpus_at_once() {
    let input = tempfile::tempdir().unwrap();
    corpus(input.path());
    let out = tempfile::tempdir().unwrap();
    run_into(input.path(), out.path(), 2);
    let tables = crimefacts_aggregate::TableSources::new(out.path());
    let spill = out.path().join(".spill.tmp");
    for aggregate in crimefacts_aggregate::aggregates() {
        let whole = crimefacts_pipeline::runner::compute(&aggregate, &tables, 1, &spill).unwrap();
        assert!(!spill.exists(), "one partition is combined in memory, without a spill file");
        for partitions in [2, 5, 16] {
            let parts = crimefacts_pipeline::runner::compute(&aggregate, &tables, partitions, &spill).unwrap();
            assert!(!spill.exists(), "the partial results' spill file is removed");
            assert_eq!(
                render::frame(&parts),
                render::frame(&whole),
                "{} in {partitions} partitions",
                aggregate.schema.name
            );
        }
    }
}

/// The index a run would write with one step per document, worked out from
/// the tables themselves: the first row of each document, in output order.
fn index_by_document(dir: &Path) -> crimefacts_aggregate::DocumentIndex {
    let documents = crate::support::strings(&read_table(dir, "documents"), "doc_id");
    let mut rows = std::collections::BTreeMap::new();
    for table in PER_DOCUMENT_TABLES.iter().filter(|t| t.column("doc_id").is_some()) {
        let ids = crate::support::strings(&read_table(dir, table.name), "doc_id");
        let mut offsets = vec![0u64];
        let mut row = 0;
        for document in &documents {
            while ids.get(row) == Some(document) {
                row += 1;
            }
            offsets.push(row as u64);
        }
        assert_eq!(row, ids.len(), "{}: rows are grouped by document in output order", table.name);
        rows.insert(table.name.to_string(), offsets);
    }
    crimefacts_aggregate::DocumentIndex { step: 1, documents: documents.len(), rows }
}

#[test]
fn aggregates_read_through_the_document_index_equal_the_whole_corpus_at_once() {
    let input = tempfile::tempdir().unwrap();
    corpus(input.path());
    let out = tempfile::tempdir().unwrap();
    let summary = run_into(input.path(), out.path(), 2);

    let written = crimefacts_pipeline::document_index::read(out.path()).expect("a single run writes its index");
    assert_eq!(written.documents, summary.documents);
    let exact = index_by_document(out.path());
    for (table, offsets) in &written.rows {
        assert_eq!(offsets.first(), Some(&0), "{table}");
        assert_eq!(offsets.last(), exact.rows[table].last(), "{table}: ends at its row count");
    }

    let indexed = crimefacts_aggregate::TableSources::with_index(out.path(), exact.clone()).unwrap();
    assert!(indexed.is_indexed());
    // A partition is a slice of rows: the first half of the documents' mentions.
    let half = indexed.partition(0, 2).scan(&crimefacts_model::MENTIONS).unwrap().collect().unwrap().height();
    assert_eq!(half as u64, exact.rows["mentions"][exact.documents / 2]);
    let filtered = crimefacts_aggregate::TableSources::new(out.path());
    let spill = out.path().join(".spill.tmp");
    for aggregate in crimefacts_aggregate::aggregates() {
        let whole = render::frame(&crimefacts_pipeline::runner::compute(&aggregate, &filtered, 1, &spill).unwrap());
        for partitions in [2, 5, 16] {
            let sliced = crimefacts_pipeline::runner::compute(&aggregate, &indexed, partitions, &spill).unwrap();
            assert_eq!(render::frame(&sliced), whole, "{} in {partitions} slices", aggregate.schema.name);
        }
    }

    // An index that does not describe the tables is not used.
    let mut stale = exact;
    *stale.rows.get_mut("mentions").unwrap().last_mut().unwrap() += 1;
    assert!(!crimefacts_aggregate::TableSources::with_index(out.path(), stale).unwrap().is_indexed());
}
