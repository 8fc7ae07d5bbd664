//! Pipeline files (`pipelines/*.toml`).

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

/// A named pipeline: where to read, which stages to run, where to write.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PipelineConfig {
    pub name: String,
    pub input: String,
    pub output: String,
    pub stages: Vec<String>,
    #[serde(default)]
    pub aggregates: Vec<String>,
    #[serde(default)]
    pub options: Options,
    #[serde(default)]
    pub limits: Limits,
}

/// What one input may cost; past a limit it becomes a `rejects` row naming the
/// limit, and the run goes on.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Bytes of one document: a txt/html file after decompression, or one jsonl line.
    pub max_document_bytes: u64,
    /// Bytes one gzip file may decompress to.
    pub max_decompressed_bytes: u64,
    /// Budget of one document's time in parsing and the stages (the steps
    /// that ran on it), checked after each step: a document over budget is
    /// rejected, its rows dropped.
    pub document_time_budget_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        let read = crimefacts_ingest::Limits::default();
        Self {
            max_document_bytes: read.max_document_bytes,
            max_decompressed_bytes: read.max_decompressed_bytes,
            document_time_budget_ms: 10_000,
        }
    }
}

impl Limits {
    pub fn read_limits(&self) -> crimefacts_ingest::Limits {
        crimefacts_ingest::Limits {
            max_document_bytes: self.max_document_bytes,
            max_decompressed_bytes: self.max_decompressed_bytes,
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    /// Documents per parallel batch; bounds memory, never changes output.
    pub batch_size: usize,
    /// Publisher of documents whose page, URL or metadata names none.
    pub publisher: Option<String>,
    /// Input bytes the corpus pass keeps, parsed, for the main pass (memory
    /// holds about twice this): a corpus this small is read and parsed once,
    /// a larger one from the first file that did not fit. 0 keeps nothing.
    pub kept_input_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self { batch_size: 256, publisher: None, kept_input_bytes: 32 << 20 }
    }
}

impl Options {
    /// The options stage constructors see, as strings.
    pub fn stage_options(&self) -> crimefacts_model::StageOptions {
        let mut options = crimefacts_model::StageOptions::new();
        options.insert("batch_size".into(), self.batch_size.to_string());
        if let Some(publisher) = &self.publisher {
            options.insert("publisher".into(), publisher.clone());
        }
        options
    }
}

impl PipelineConfig {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!(
                "cannot read pipeline file {}: pass an existing .toml such as pipelines/default.toml",
                path.display()
            )
        })?;
        Self::parse(&text).with_context(|| format!("invalid pipeline file {}", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let config: Self = toml::from_str(text)?;
        anyhow::ensure!(config.options.batch_size > 0, "options.batch_size must be at least 1");
        anyhow::ensure!(config.limits.max_document_bytes > 0, "limits.max_document_bytes must be at least 1");
        anyhow::ensure!(config.limits.document_time_budget_ms > 0, "limits.document_time_budget_ms must be at least 1");
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_pipeline_file_parses() {
        let text = include_str!("../../../pipelines/default.toml");
        let config = PipelineConfig::parse(text).unwrap();
        assert_eq!(config.name, "default");
        assert_eq!(config.input, "seeds");
        assert_eq!(config.stages, ["normalize", "extract"]);
    }

    #[test]
    fn limits_come_from_the_pipeline_file_with_defaults_for_the_rest() {
        let config =
            PipelineConfig::parse("name='x'\ninput='a'\noutput='b'\nstages=[]\n[limits]\nmax_document_bytes=1000")
                .unwrap();
        assert_eq!(config.limits.max_document_bytes, 1000);
        assert_eq!(config.limits.max_decompressed_bytes, crimefacts_ingest::Limits::default().max_decompressed_bytes);
        assert_eq!(config.limits.document_time_budget_ms, 10_000);
    }

    #[test]
    fn the_corpus_pass_keeps_32_mib_unless_the_pipeline_file_says_otherwise() {
        let base = "name='x'\ninput='a'\noutput='b'\nstages=[]\n";
        assert_eq!(PipelineConfig::parse(base).unwrap().options.kept_input_bytes, 32 << 20);
        let none = PipelineConfig::parse(&format!("{base}[options]\nkept_input_bytes=0")).unwrap();
        assert_eq!(none.options.kept_input_bytes, 0);
        assert_eq!(none.options.batch_size, 256);
    }

    #[test]
    fn unknown_keys_are_errors_not_silently_ignored() {
        let err = PipelineConfig::parse("name='x'\ninput='a'\noutput='b'\nstages=[]\nstagse=['x']").unwrap_err();
        assert!(format!("{err:#}").contains("stagse"), "{err:#}");
    }
}
