//! `<output>/_document_index.json`: where each per-document table's rows for
//! every [`STEP`]-th document begin. A single (unsharded) run writes it after
//! its tables are in place; the aggregates read it to take one partition of
//! documents as a slice of rows of each table (see
//! [`crimefacts_aggregate::DocumentIndex`]). `_` keeps it out of readers' globs.
//!
//! It is an optimization only: without it, or when it does not match the
//! tables, the aggregates filter every row by document id instead and come
//! out the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use crimefacts_aggregate::DocumentIndex;
use serde::{Deserialize, Serialize};

/// Documents between two recorded offsets: partitions are made of whole steps.
pub const STEP: usize = 1_000;

const FILE: &str = "_document_index.json";

#[derive(Serialize, Deserialize)]
struct IndexFile {
    crimefacts_version: String,
    step: usize,
    documents: usize,
    rows: BTreeMap<String, Vec<u64>>,
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// Offsets gathered while the tables are written.
#[derive(Default)]
pub struct IndexBuilder {
    documents: usize,
    rows: BTreeMap<&'static str, Vec<u64>>,
}

impl IndexBuilder {
    /// Whether the next document starts a step, so its offsets are wanted
    /// ([`IndexBuilder::record`] before it is written).
    pub fn records_next_document(&self) -> bool {
        self.documents.is_multiple_of(STEP)
    }

    /// Every indexed table's row count before the next document.
    pub fn record(&mut self, rows: impl IntoIterator<Item = (&'static str, usize)>) {
        for (table, count) in rows {
            self.rows.entry(table).or_default().push(count as u64);
        }
    }

    /// One more document written.
    pub fn count_document(&mut self) {
        self.documents += 1;
    }

    /// The index, given each table's final row count.
    pub fn finish(mut self, rows: impl IntoIterator<Item = (&'static str, usize)>) -> DocumentIndex {
        for (table, count) in rows {
            self.rows.entry(table).or_default().push(count as u64);
        }
        DocumentIndex {
            step: STEP,
            documents: self.documents,
            rows: self.rows.into_iter().map(|(table, offsets)| (table.to_string(), offsets)).collect(),
        }
    }
}

/// Writes the index next to the tables (temporary file, then rename).
pub fn write(dir: &Path, index: &DocumentIndex) -> anyhow::Result<()> {
    let file = IndexFile {
        crimefacts_version: env!("CARGO_PKG_VERSION").to_string(),
        step: index.step,
        documents: index.documents,
        rows: index.rows.clone(),
    };
    let path = path(dir);
    let temp = path.with_extension("json.tmp");
    std::fs::write(&temp, serde_json::to_string(&file)?).with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(&temp, &path).with_context(|| format!("cannot move {} into place", path.display()))
}

/// Removes the index of an earlier run, before a run rewrites the tables.
pub fn remove(dir: &Path) -> anyhow::Result<()> {
    let path = path(dir);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// The index in `dir`, if there is one that can be read. One that cannot is
/// only a lost optimization: it is reported and ignored.
pub fn read(dir: &Path) -> Option<DocumentIndex> {
    let path = path(dir);
    let text = std::fs::read_to_string(&path).ok()?;
    match serde_json::from_str::<IndexFile>(&text) {
        Ok(file) => Some(DocumentIndex { step: file.step, documents: file.documents, rows: file.rows }),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "ignoring an unreadable document index");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_taken_every_step_and_end_with_the_row_count() {
        let mut builder = IndexBuilder::default();
        for document in 0..2 * STEP + 1 {
            if builder.records_next_document() {
                builder.record([("mentions", 3 * document)]);
            }
            builder.count_document();
        }
        let index = builder.finish([("mentions", 3 * (2 * STEP + 1))]);
        assert_eq!(index.documents, 2 * STEP + 1);
        let expected = vec![0, 3 * STEP as u64, 6 * STEP as u64, 3 * (2 * STEP as u64 + 1)];
        assert_eq!(index.rows["mentions"], expected);
    }

    #[test]
    fn written_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let index =
            DocumentIndex { step: STEP, documents: 2, rows: BTreeMap::from([("documents".into(), vec![0, 2])]) };
        write(dir.path(), &index).unwrap();
        assert_eq!(read(dir.path()), Some(index));
        remove(dir.path()).unwrap();
        assert_eq!(read(dir.path()), None);
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        assert_eq!(read(dir.path()), None);
    }
}
