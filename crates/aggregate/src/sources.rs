//! Where a finished run's per-document tables are: one file per table
//! (`<dir>/<table>.parquet`) or, for a sharded run, a hive-style folder of part
//! files (`<dir>/<table>/shard=<i>/part.parquet`).

use std::path::{Path, PathBuf};

use crimefacts_model::TableSchema;
use polars::prelude::*;

/// The per-document tables of a finished run.
#[derive(Clone, Debug)]
pub struct TableSources {
    dir: PathBuf,
}

impl TableSources {
    pub fn new(dir: &Path) -> Self {
        Self { dir: dir.to_path_buf() }
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
        Ok(concat(scans, UnionArgs::default())?.select(columns))
    }
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
