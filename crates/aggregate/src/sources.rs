//! Where a finished run's per-document tables are: one file per table
//! (`<dir>/<table>.parquet`) or, for a sharded run, a hive-style folder of part
//! files (`<dir>/<table>/shard=<i>/part.parquet`); and how to read them one
//! partition of documents at a time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crimefacts_model::TableSchema;
use polars::prelude::*;

/// Documents per partition of a partitioned aggregate: enough that the
/// per-partition work is efficient, few enough that its memory stays small.
pub const DOCUMENTS_PER_PARTITION: usize = 10_000;

/// Where each table's rows for every `step`-th document begin. A run writes
/// every document's rows in the same order in every table, so the rows of
/// documents `[i * step, j * step)` are one run of rows in each table. With it,
/// a partition reads only its own rows (a slice of row groups) instead of
/// every row of every table, filtered: memory and I/O follow the partition,
/// not the corpus.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocumentIndex {
    pub step: usize,
    pub documents: usize,
    /// Per table: the first row of documents 0, step, 2 * step, ..., then the
    /// table's row count.
    pub rows: BTreeMap<String, Vec<u64>>,
}

impl DocumentIndex {
    fn steps(&self) -> usize {
        self.documents.div_ceil(self.step.max(1))
    }

    /// Whether every indexed table is one file whose row count matches: an
    /// index left next to tables it does not describe must not be used.
    fn describes(&self, dir: &Path) -> PolarsResult<bool> {
        let by_document = crimefacts_model::PER_DOCUMENT_TABLES.iter().filter(|t| t.column("doc_id").is_some());
        if by_document.clone().any(|t| !self.rows.contains_key(t.name)) {
            return Ok(false);
        }
        for (table, offsets) in &self.rows {
            let file = dir.join(format!("{table}.parquet"));
            if offsets.len() != self.steps() + 1 || !file.is_file() {
                return Ok(false);
            }
            let rows = ParquetReader::new(std::fs::File::open(&file)?).num_rows()?;
            if offsets.last().copied() != Some(rows as u64) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// The per-document tables of a finished run, or one partition of their
/// documents.
#[derive(Clone, Debug)]
pub struct TableSources {
    dir: PathBuf,
    /// (k, n): only the k-th of n partitions of the documents.
    partition: Option<(usize, usize)>,
    /// Present when the run's index describes the tables: partitions are then
    /// ranges of documents in output order, read as slices of rows; otherwise
    /// ranges of document ids, read by filtering every row.
    index: Option<Arc<DocumentIndex>>,
    /// Lookups over the whole corpus (`inputs::entities`), computed on first
    /// use and shared by every partition view, so that no partition and no
    /// combine scans all mentions again.
    lookups: Arc<Lookups>,
}

/// Corpus-wide lookups of a set of tables, each computed at most once.
#[derive(Debug, Default)]
pub(crate) struct Lookups {
    /// An error is kept as its message: every aggregate that needs the
    /// lookup reports it, and none computes it again.
    pub(crate) entities: OnceLock<Result<DataFrame, String>>,
}

impl TableSources {
    pub fn new(dir: &Path) -> Self {
        Self { dir: dir.to_path_buf(), partition: None, index: None, lookups: Arc::default() }
    }

    /// The tables in `dir` read through `index`, if it describes them (same
    /// tables, single files, same row counts); as [`TableSources::new`] if not.
    pub fn with_index(dir: &Path, index: DocumentIndex) -> PolarsResult<Self> {
        let index = index.describes(dir)?.then(|| Arc::new(index));
        Ok(Self { index, ..Self::new(dir) })
    }

    /// Whether partitions are read as slices of rows (see [`DocumentIndex`]).
    pub fn is_indexed(&self) -> bool {
        self.index.is_some()
    }

    /// How many partitions the partitioned aggregates use: one per
    /// [`DOCUMENTS_PER_PARTITION`] documents, at most 256 (ids split 256 ways
    /// when there is no index).
    pub fn partitions(&self) -> PolarsResult<usize> {
        let documents = match &self.index {
            Some(index) => index.documents,
            // The ids alone: polars' row-count shortcut fails on this plan.
            None => self.scan(&crimefacts_model::DOCUMENTS)?.select([col("doc_id")]).collect()?.height(),
        };
        Ok(documents.div_ceil(DOCUMENTS_PER_PARTITION).clamp(1, 256))
    }

    /// The same tables seen through partition `k` of `n` of the documents: a
    /// range of documents in output order with an index, a range of ids
    /// without. A document is in exactly one partition.
    pub fn partition(&self, k: usize, n: usize) -> Self {
        Self { partition: (n > 1).then_some((k, n)), ..self.clone() }
    }

    /// The same tables over every document, whatever partition this is.
    pub(crate) fn whole(&self) -> Self {
        Self { partition: None, ..self.clone() }
    }

    pub(crate) fn lookups(&self) -> &Lookups {
        &self.lookups
    }

    /// The rows of partition (k, n) of an indexed table: the index's steps
    /// shared evenly by the n partitions.
    fn partition_rows(&self, table: &str) -> Option<(u64, u64)> {
        let (k, n) = self.partition?;
        let index = self.index.as_deref()?;
        let offsets = index.rows.get(table)?;
        let steps = index.steps();
        let (first, end) = (offsets[k * steps / n], offsets[(k + 1) * steps / n]);
        Some((first, end - first))
    }

    /// The rows of partition (k, n) without an index: ids are hex, so the
    /// first two digits split them into 256 even ranges, which n partitions
    /// share.
    fn in_partition(&self) -> Option<Expr> {
        let (k, n) = self.partition?;
        let bound = |i: usize| lit(format!("{:02x}", 256 * i / n));
        let above = (k > 0).then(|| col("doc_id").gt_eq(bound(k)));
        let below = (k + 1 < n).then(|| col("doc_id").lt(bound(k + 1)));
        match (above, below) {
            (Some(a), Some(b)) => Some(a.and(b)),
            (a, b) => a.or(b),
        }
    }

    /// A lazy scan of one table, from its single file or from all its part
    /// files in shard order.
    pub fn scan(&self, table: &TableSchema) -> PolarsResult<LazyFrame> {
        let single = self.dir.join(format!("{}.parquet", table.name));
        let folder = self.dir.join(table.name);
        let files = match (single.is_file(), folder.is_dir()) {
            (true, false) => vec![single],
            (false, true) => part_files(&folder)?,
            (true, true) => polars_bail!(ComputeError:
                "{} holds both {} and the part folder {}: a single run and a sharded run were written to one \
                 output folder; write them to separate folders",
                self.dir.display(), single.display(), folder.display()),
            (false, false) => polars_bail!(ComputeError:
                "table {} not found in {}: expected {} or part files under {}",
                table.name, self.dir.display(), single.display(), folder.display()),
        };
        // Only the contract's columns: a hive reader's `shard` column is not data.
        let columns: Vec<Expr> = table.columns.iter().map(|c| col(c.name)).collect();
        if self.index.is_some() && self.partition.is_some() && table.column("doc_id").is_some() {
            let (Some((first, rows)), [file]) = (self.partition_rows(table.name), files.as_slice()) else {
                polars_bail!(ComputeError: "table {} is not in the document index of {}", table.name, self.dir.display())
            };
            // Sliced on the scan itself, so that it reads only the row groups
            // holding these rows (a slice above a union is not pushed into it).
            return Ok(scan_file(file.clone())?.slice(first as i64, rows as IdxSize).select(columns));
        }
        let scans = files.into_iter().map(scan_file).collect::<PolarsResult<Vec<_>>>()?;
        let scan = concat(scans, UnionArgs::default())?.select(columns);
        Ok(match self.in_partition().filter(|_| table.column("doc_id").is_some()) {
            Some(keep) => scan.filter(keep),
            None => scan,
        })
    }
}

/// A lazy scan of one Parquet file.
pub fn scan_file(file: PathBuf) -> PolarsResult<LazyFrame> {
    LazyFrame::scan_parquet(PlRefPath::try_from_pathbuf(file)?, ScanArgsParquet::default())
}

/// A frame copied into buffers of its own. A polars result shares the string
/// buffers of the scans it came from, so the few rows kept from a scan (a
/// partition's partial result, the corpus-wide entity lookup) would keep
/// megabytes of it alive for as long as they are kept (a route summary grew by
/// 10 MB per partition, to 1.3 GB at a million documents). A round trip
/// through Parquet in memory copies just the rows.
pub fn detached(mut frame: DataFrame) -> PolarsResult<DataFrame> {
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).with_compression(ParquetCompression::Uncompressed).finish(&mut frame)?;
    ParquetReader::new(std::io::Cursor::new(bytes)).finish()
}

/// The part files of a hive-style table folder (`shard=<i>/part.parquet`), in
/// shard order.
pub fn part_files(folder: &Path) -> PolarsResult<Vec<PathBuf>> {
    let mut parts: Vec<(usize, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        let shard = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_prefix("shard="));
        if let Some(index) = shard.and_then(|s| s.parse::<usize>().ok()) {
            let part = path.join("part.parquet");
            if part.is_file() {
                parts.push((index, part));
            }
        }
    }
    if parts.is_empty() {
        polars_bail!(ComputeError: "{} holds no shard=<i>/part.parquet files", folder.display());
    }
    parts.sort();
    Ok(parts.into_iter().map(|(_, path)| path).collect())
}
