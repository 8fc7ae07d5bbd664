//! Integration tests of the whole workspace, in one binary so polars links once.

mod aggregates;
mod cli;
mod crash;
mod end_to_end;
mod rejects;
mod render;
mod scaffold;
mod shards;
mod snapshots;
mod support;
mod tidy;
