//! Ingest owns the border between files and documents: it finds input files (a
//! file, a folder walked recursively, or a glob), reads them as a stream of raw
//! units (a whole `.txt`/`.html` file, or one line of a `.jsonl`), optionally
//! through gzip, and parses each unit into a [`Document`] whose `text` is the raw
//! article text. Anything unreadable becomes a [`Reject`] with a reason; nothing
//! here aborts a run because of one bad input.
//!
//! Ingest depends on `model` only. It never normalizes or interprets text: that
//! belongs to the per-document stages.

mod discover;
mod html;
mod parse;
mod read;
mod shard;

pub use discover::{InputFile, InputFormat, discover};
pub use parse::{doc_id, parse_unit};
pub use read::{Limits, RawUnit, UnitReader};
pub use shard::{Shard, shard_of};

use crimefacts_model::Reject;

/// Name of this stage in `rejects.stage`.
pub const STAGE: &str = "ingest";

/// One line for `crimefacts stages`.
pub const DESCRIPTION: &str =
    "txt, jsonl/ndjson and html files, optionally .gz -> documents; unreadable input -> rejects";

pub(crate) fn reject(source: &str, line: Option<i64>, reason: impl Into<String>) -> Reject {
    Reject { source: source.to_string(), line, stage: STAGE.to_string(), reason: reason.into() }
}
