//! The bookkeeping of sharded runs. Each shard writes, after all its part
//! files are in place, a manifest `<output>/_shards/shard=<i>.json`; aggregating
//! a sharded folder first checks that the manifests of one run's shards are all
//! there and that no table holds a part from elsewhere. A shard that crashed,
//! is still running, or was never started is a clear error, never a silently
//! smaller total.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use crimefacts_ingest::Shard;
use crimefacts_model::PER_DOCUMENT_TABLES;
use serde::{Deserialize, Serialize};

use crate::RunSummary;

/// What one finished shard wrote. `_` keeps the folder out of readers' globs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardManifest {
    pub shard: usize,
    pub shards: usize,
    pub documents: usize,
    pub rows: BTreeMap<String, usize>,
    pub crimefacts_version: String,
}

impl ShardManifest {
    pub fn from_run(shard: Shard, summary: &RunSummary) -> Self {
        Self {
            shard: shard.index,
            shards: shard.count,
            documents: summary.documents,
            rows: summary.rows.iter().map(|(table, n)| (table.to_string(), *n)).collect(),
            crimefacts_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    fn path(dir: &Path, index: usize) -> PathBuf {
        dir.join("_shards").join(format!("shard={index}.json"))
    }

    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        let path = Self::path(dir, self.shard);
        std::fs::create_dir_all(path.parent().expect("has a parent"))?;
        let temp = path.with_extension("json.tmp");
        std::fs::write(&temp, serde_json::to_string_pretty(self)?)
            .with_context(|| format!("cannot write {}", temp.display()))?;
        std::fs::rename(&temp, &path).with_context(|| format!("cannot move {} into place", path.display()))
    }

    pub fn remove(dir: &Path, shard: Shard) -> anyhow::Result<()> {
        let path = Self::path(dir, shard.index);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("cannot remove {}", path.display()))
            }
            _ => Ok(()),
        }
    }

    /// Every manifest in `dir`, by shard index.
    pub fn read_all(dir: &Path) -> anyhow::Result<BTreeMap<usize, ShardManifest>> {
        let folder = dir.join("_shards");
        let mut manifests = BTreeMap::new();
        if !folder.is_dir() {
            return Ok(manifests);
        }
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path)?;
                let manifest: ShardManifest = serde_json::from_str(&text)
                    .with_context(|| format!("invalid shard manifest {}", path.display()))?;
                manifests.insert(manifest.shard, manifest);
            }
        }
        Ok(manifests)
    }
}

/// Checks that a folder of part files holds every shard of one run, and
/// nothing else; a folder of single-file tables passes as it is.
pub fn check_complete(dir: &Path) -> anyhow::Result<()> {
    let sharded: Vec<&str> =
        PER_DOCUMENT_TABLES.iter().map(|t| t.name).filter(|name| dir.join(name).is_dir()).collect();
    if sharded.is_empty() {
        return Ok(());
    }
    let manifests = ShardManifest::read_all(dir)?;
    let Some(count) = manifests.values().map(|m| m.shards).max() else {
        bail!(
            "{} holds part files but no finished shard (no _shards/shard=<i>.json): wait for the shard runs to \
             finish, or rerun them",
            dir.display()
        );
    };
    if let Some(other) = manifests.values().find(|m| m.shards != count) {
        bail!(
            "{} mixes runs split {} ways and {count} ways (shard {}): write each split to its own output folder",
            dir.display(),
            other.shards,
            other.shard
        );
    }
    let missing: Vec<String> =
        (0..count).filter(|i| !manifests.contains_key(i)).map(|i| format!("{i}/{count}")).collect();
    if !missing.is_empty() {
        bail!(
            "{}: shards {} have not finished (no manifest in _shards/); run `crimefacts run --shard I/{count}` for \
             them before aggregating",
            dir.display(),
            missing.join(", ")
        );
    }
    for table in sharded {
        let parts: BTreeSet<usize> = crimefacts_aggregate::part_files(&dir.join(table))?
            .iter()
            .filter_map(|p| p.parent()?.file_name()?.to_str()?.strip_prefix("shard=")?.parse().ok())
            .collect();
        let expected: BTreeSet<usize> = (0..count).collect();
        if parts != expected {
            bail!(
                "{}/{table} holds parts of shards {parts:?}, but the finished run has shards {expected:?}: remove \
                 the stale parts or use a fresh output folder",
                dir.display()
            );
        }
    }
    Ok(())
}
