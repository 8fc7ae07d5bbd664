//! Where a finished run's per-document tables are: one file per table
//! (`<dir>/<table>.parquet`) or, for a sharded run, a hive-style folder of part
//! files (`<dir>/<table>/shard=<i>/part.parquet`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crimefacts_model::TableSchema;
use polars::prelude::*;

/// The per-document tables of a finished run, or one partition of their
/// documents.
#[derive(Clone, Debug)]
pub struct TableSources {
    dir: PathBuf,
    /// (k, n): only documents whose id falls in the k-th of n ranges.
    partition: Option<(usize, usize)>,
    /// Lookups over the whole corpus (`inputs::entities`), computed on first
    /// use and shared by every partition view, so that no partition and no
    /// combine scans all mentions again.
    lookups: Arc<Lookups>,
}

/// Corpus-wide lookups of a set of tables, each computed at most once.
#[derive(Debug, Default)]
pub(crate) struct Lookups {
    pub(crate) entities: OnceLock<DataFrame>,
}

impl TableSources {
    pub fn new(dir: &Path) -> Self {
        Self { dir: dir.to_path_buf(), partition: None, lookups: Arc::default() }
    }

    /// The same tables seen through partition `k` of `n` of the documents:
    /// every scan keeps only rows whose `doc_id` falls in that range of ids.
    /// A document is in exactly one partition.
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

    /// The rows of partition (k, n): ids are hex, so the first two digits
    /// split them into 256 even ranges, which n partitions share.
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
        let scans = files
            .into_iter()
            .map(|file| LazyFrame::scan_parquet(PlRefPath::try_from_pathbuf(file)?, ScanArgsParquet::default()))
            .collect::<PolarsResult<Vec<_>>>()?;
        // Only the contract's columns: a hive reader's `shard` column is not data.
        let columns: Vec<Expr> = table.columns.iter().map(|c| col(c.name)).collect();
        let scan = concat(scans, UnionArgs::default())?.select(columns);
        Ok(match self.in_partition().filter(|_| table.column("doc_id").is_some()) {
            Some(keep) => scan.filter(keep),
            None => scan,
        })
    }
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
