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
    /// What the built stage's `needs_corpus_pass` answers, known before it is
    /// built: the runner builds these stages first and runs the corpus pass
    /// while the others load (a test checks that both answers agree).
    pub learns_from_corpus: bool,
}

pub const DOCUMENT_STAGES: &[StageEntry] = &[
    StageEntry {
        name: "normalize",
        build: |options| Ok(Box::new(crimefacts_normalize::Normalize::new(options)?)),
        learns_from_corpus: true,
    },
    StageEntry {
        name: "extract",
        build: |_| Ok(Box::new(crimefacts_extract::Extract::new()?)),
        learns_from_corpus: false,
    },
    // new-stage: entries are added above this line
];

/// The entries of the named per-document stages, in the given order.
pub fn stage_entries(names: &[String]) -> anyhow::Result<Vec<&'static StageEntry>> {
    names
        .iter()
        .map(|name| match DOCUMENT_STAGES.iter().find(|s| s.name == name) {
            Some(entry) => Ok(entry),
            None => bail!("unknown stage {name:?}: available stages are {}", stage_names()),
        })
        .collect()
}

/// Builds the named per-document stages, in the given order.
pub fn build_stages(names: &[String], options: &StageOptions) -> anyhow::Result<Vec<Box<dyn DocumentStage>>> {
    stage_entries(names)?.into_iter().map(|entry| (entry.build)(options)).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_entry_knows_whether_its_stage_learns_from_the_corpus() {
        for entry in DOCUMENT_STAGES {
            let stage = (entry.build)(&StageOptions::new()).unwrap();
            assert_eq!(entry.learns_from_corpus, stage.needs_corpus_pass(), "{}", entry.name);
        }
    }

    #[test]
    fn an_unknown_stage_is_named_in_the_error() {
        let error = stage_entries(&["normalize".into(), "translate".into()]).err().unwrap().to_string();
        assert!(error.contains("\"translate\"") && error.contains("normalize, extract"), "{error}");
    }
}
