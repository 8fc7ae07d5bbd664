//! The pipeline crate owns running: it reads pipeline files, knows every stage
//! (the registry is the only place that does), streams documents through the
//! per-document stages in parallel batches, writes each table as Parquet, then
//! computes the aggregates. The `crimefacts` binary is a thin CLI over it.
//!
//! It may depend on every workspace crate; no workspace crate may depend on it.
//! It holds no extraction logic: a rule about text belongs in a stage crate.

pub mod allocator;
pub mod config;
pub mod document_index;
mod input;
pub mod registry;
pub mod runner;
pub mod shards;
pub mod sink;
pub mod stitch;

pub use config::PipelineConfig;
pub use runner::{RunOptions, RunSummary, aggregate, run};
