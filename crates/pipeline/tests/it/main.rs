//! Integration tests of the whole workspace, in one binary so polars links once.

mod cli;
mod end_to_end;
mod rejects;
mod render;
mod scaffold;
mod snapshots;
mod support;
mod tidy;
