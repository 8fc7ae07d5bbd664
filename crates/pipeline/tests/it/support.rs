//! Shared helpers: paths of the workspace and a runner into a temp folder.

use std::fs::File;
use std::path::{Path, PathBuf};

use crimefacts_pipeline::{PipelineConfig, RunOptions, RunSummary, run};
use polars::prelude::{DataFrame, ParquetReader, SerReader};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

pub fn seeds_dir() -> PathBuf {
    workspace_root().join("seeds")
}

/// The seed articles as (file name, text), in file-name order.
pub fn seed_texts() -> Vec<(String, String)> {
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(seeds_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    seeds.sort();
    let name = |p: &Path| p.file_name().unwrap().to_str().unwrap().to_string();
    seeds.iter().map(|p| (name(p), std::fs::read_to_string(p).unwrap())).collect()
}

pub fn default_config() -> PipelineConfig {
    PipelineConfig::load(&workspace_root().join("pipelines/default.toml")).unwrap()
}

/// The default pipeline, reading `input` and writing `output`.
pub fn config_between(input: &Path, output: &Path) -> PipelineConfig {
    let mut config = default_config();
    config.input = input.to_str().unwrap().to_string();
    config.output = output.to_str().unwrap().to_string();
    config
}

/// Runs the default pipeline on `input` into `output`.
pub fn run_into(input: &Path, output: &Path, threads: usize) -> RunSummary {
    let config = config_between(input, output);
    run(&RunOptions { config, threads: Some(threads), progress: false, shard: None }).unwrap()
}

/// Every contract table of two output folders is the same file, byte for byte.
pub fn assert_same_tables(left: &Path, right: &Path, what: &str) {
    for table in crimefacts_model::all_tables() {
        let name = format!("{}.parquet", table.name);
        let (a, b) = (std::fs::read(left.join(&name)).unwrap(), std::fs::read(right.join(&name)).unwrap());
        assert!(a == b, "{name} differs {what}");
    }
}

pub fn read_table(dir: &Path, table: &str) -> DataFrame {
    let path = dir.join(format!("{table}.parquet"));
    ParquetReader::new(File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).finish().unwrap()
}

/// The string cells of one column.
pub fn strings(frame: &DataFrame, column: &str) -> Vec<String> {
    frame.column(column).unwrap().str().unwrap().iter().map(|v| v.unwrap_or("").to_string()).collect()
}

pub fn ints(frame: &DataFrame, column: &str) -> Vec<i64> {
    frame.column(column).unwrap().i64().unwrap().iter().map(|v| v.unwrap()).collect()
}

/// Runs one shard of the default pipeline on `input` into `output`.
pub fn run_shard_into(input: &Path, output: &Path, shard: crimefacts_ingest::Shard) -> RunSummary {
    let config = config_between(input, output);
    run(&RunOptions { config, threads: Some(2), progress: false, shard: Some(shard) }).unwrap()
}
