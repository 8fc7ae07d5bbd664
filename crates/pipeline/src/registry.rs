//! The one place that knows every stage. Adding a per-document stage is a new
//! crate and one line in [`DOCUMENT_STAGES`] (`just new-stage NAME` writes both).

use anyhow::bail;
use crimefacts_aggregate::{Aggregate, aggregates};
use crimefacts_model::{DocumentStage, StageOptions};

type BuildStage = fn(&StageOptions) -> anyhow::Result<Box<dyn DocumentStage>>;

/// A per-document stage that pipeline files can name.
pub struct StageEntry {
    pub name: &'static str,
    pub build: BuildStage,
}

pub const DOCUMENT_STAGES: &[StageEntry] = &[
    StageEntry { name: "normalize", build: |options| Ok(Box::new(crimefacts_normalize::Normalize::new(options)?)) },
    StageEntry { name: "extract", build: |_| Ok(Box::new(crimefacts_extract::Extract::new()?)) },
    // new-stage: entries are added above this line
];

/// Builds the named per-document stages, in the given order.
pub fn build_stages(names: &[String], options: &StageOptions) -> anyhow::Result<Vec<Box<dyn DocumentStage>>> {
    names
        .iter()
        .map(|name| match DOCUMENT_STAGES.iter().find(|s| s.name == name) {
            Some(entry) => (entry.build)(options),
            None => bail!("unknown stage {name:?}: available stages are {}", stage_names()),
        })
        .collect()
}

/// The named aggregates, in the given order.
pub fn select_aggregates(names: &[String]) -> anyhow::Result<Vec<Aggregate>> {
    let mut all = aggregates();
    names
        .iter()
        .map(|name| match all.iter().position(|a| a.schema.name == name) {
            Some(i) => Ok(all.swap_remove(i)),
            None => bail!(
                "unknown aggregate {name:?}: available aggregates are {}",
                aggregates().iter().map(|a| a.schema.name).collect::<Vec<_>>().join(", ")
            ),
        })
        .collect()
}

fn stage_names() -> String {
    DOCUMENT_STAGES.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}
