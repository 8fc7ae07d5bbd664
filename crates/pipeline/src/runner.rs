//! The streaming run: files -> raw units -> (parallel) parse and per-document
//! stages -> Parquet row groups, batch by batch; then the aggregates.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use crimefacts_aggregate::TableSources;
use crimefacts_ingest::{RawUnit, UnitReader, discover, parse_unit};
use crimefacts_model::{
    AMOUNTS, DOCUMENTS, DocRows, DocumentStage, EVENTS, FLOWS, MENTIONS, REJECTS, Reject, SENTENCES, TableSchema,
};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::config::PipelineConfig;
use crate::registry::{build_stages, select_aggregates};
use crate::sink::{FileMetadata, TableWriter, remove_stale_temp_files, write_frame};

/// What to run, after the CLI has applied its overrides to the pipeline file.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub config: PipelineConfig,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
    pub progress: bool,
}

/// What a run did, for the summary line and for tests.
#[derive(Clone, Debug, Default)]
pub struct RunSummary {
    pub output: PathBuf,
    pub documents: usize,
    /// Rows written per table, per-document tables and aggregates alike.
    pub rows: BTreeMap<&'static str, usize>,
    /// Rejects per stage.
    pub rejects_by_stage: BTreeMap<String, usize>,
    pub input_bytes: u64,
    pub seconds: f64,
}

impl RunSummary {
    pub fn rejects(&self) -> usize {
        self.rejects_by_stage.values().sum()
    }

    /// One line: documents, rows per table, rejects, time and throughput.
    pub fn line(&self) -> String {
        let tables: Vec<String> = self.rows.iter().map(|(t, n)| format!("{t}={n}")).collect();
        let rejects = if self.rejects() == 0 {
            "0 rejects".to_string()
        } else {
            let by: Vec<String> = self.rejects_by_stage.iter().map(|(s, n)| format!("{s}: {n}")).collect();
            format!("{} rejects ({})", self.rejects(), by.join(", "))
        };
        let mb = self.input_bytes as f64 / 1e6;
        format!(
            "crimefacts: {} documents, {}; {}; {:.2} s, {:.2} MB/s -> {}",
            self.documents,
            tables.join(" "),
            rejects,
            self.seconds,
            mb / self.seconds.max(1e-9),
            self.output.display()
        )
    }
}

/// The outcome of one raw unit after parsing and every stage.
enum Outcome {
    Document(Box<DocRows>),
    Rejected(Reject),
}

struct Writers {
    documents: TableWriter,
    sentences: TableWriter,
    mentions: TableWriter,
    amounts: TableWriter,
    events: TableWriter,
    flows: TableWriter,
    rejects: TableWriter,
}

impl Writers {
    fn create(dir: &Path, meta: &FileMetadata) -> anyhow::Result<Self> {
        let open = |table: &'static TableSchema| TableWriter::create(dir, table, meta);
        Ok(Self {
            documents: open(&DOCUMENTS)?,
            sentences: open(&SENTENCES)?,
            mentions: open(&MENTIONS)?,
            amounts: open(&AMOUNTS)?,
            events: open(&EVENTS)?,
            flows: open(&FLOWS)?,
            rejects: open(&REJECTS)?,
        })
    }

    fn write(&mut self, doc: &DocRows) -> anyhow::Result<()> {
        self.documents.push(&doc.document)?;
        doc.sentences.iter().try_for_each(|r| self.sentences.push(r))?;
        doc.mentions.iter().try_for_each(|r| self.mentions.push(r))?;
        doc.amounts.iter().try_for_each(|r| self.amounts.push(r))?;
        doc.events.iter().try_for_each(|r| self.events.push(r))?;
        doc.flows.iter().try_for_each(|r| self.flows.push(r))?;
        Ok(())
    }

    fn finish(self, rows: &mut BTreeMap<&'static str, usize>) -> anyhow::Result<()> {
        for (table, writer) in [
            (&DOCUMENTS, self.documents),
            (&SENTENCES, self.sentences),
            (&MENTIONS, self.mentions),
            (&AMOUNTS, self.amounts),
            (&EVENTS, self.events),
            (&FLOWS, self.flows),
            (&REJECTS, self.rejects),
        ] {
            rows.insert(table.name, writer.finish()?);
        }
        Ok(())
    }
}

/// Runs a pipeline end to end. Bad inputs become `rejects` rows; only problems
/// with the run itself (no input, output not writable, unknown stage) are errors.
pub fn run(options: &RunOptions) -> anyhow::Result<RunSummary> {
    let config = &options.config;
    let started = Instant::now();
    let stages = build_stages(&config.stages)?;
    let aggregates = select_aggregates(&config.aggregates)?;
    let output = PathBuf::from(&config.output);
    std::fs::create_dir_all(&output)
        .with_context(|| format!("cannot create output folder {}: check the path and permissions", output.display()))?;
    remove_stale_temp_files(&output)?;

    let (files, discovery_rejects) = discover(&config.input)?;
    tracing::info!(files = files.len(), unsupported = discovery_rejects.len(), input = %config.input, "discovered input");
    let total_bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(&f.path).ok()).map(|m| m.len()).sum();
    let progress = progress_bar(options.progress, total_bytes);

    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = options.threads {
        pool = pool.num_threads(threads);
    }
    let pool = pool.build().context("cannot start worker threads")?;

    let meta = FileMetadata { pipeline: config.name.clone() };
    let mut writers = Writers::create(&output, &meta)?;
    let mut summary = RunSummary { output: output.clone(), ..RunSummary::default() };
    let record_reject = |writers: &mut Writers, summary: &mut RunSummary, reject: &Reject| {
        *summary.rejects_by_stage.entry(reject.stage.clone()).or_default() += 1;
        writers.rejects.push(reject)
    };
    for reject in &discovery_rejects {
        record_reject(&mut writers, &mut summary, reject)?;
    }

    let mut units = UnitReader::new(files);
    let batch_size = config.options.batch_size;
    loop {
        let batch: Vec<Result<RawUnit, Reject>> = units.by_ref().take(batch_size).collect();
        if batch.is_empty() {
            break;
        }
        let batch_bytes: u64 = batch.iter().flatten().map(|u| u.bytes.len() as u64).sum();
        let outcomes: Vec<Outcome> =
            pool.install(|| batch.into_par_iter().map(|unit| process_unit(unit, &stages)).collect());
        for outcome in outcomes {
            match outcome {
                Outcome::Document(doc) => {
                    summary.documents += 1;
                    writers.write(&doc)?;
                }
                Outcome::Rejected(reject) => record_reject(&mut writers, &mut summary, &reject)?,
            }
        }
        summary.input_bytes += batch_bytes;
        tracing::debug!(documents = summary.documents, bytes = summary.input_bytes, "batch written");
        progress.inc(batch_bytes);
    }
    writers.finish(&mut summary.rows)?;
    progress.finish_and_clear();

    let tables = TableSources::new(&output);
    for aggregate in aggregates {
        let name = aggregate.schema.name;
        let mut frame = pool
            .install(|| (aggregate.build)(&tables).and_then(|lazy| lazy.collect()))
            .with_context(|| format!("cannot compute aggregate {name}"))?;
        let rows = write_frame(&output, aggregate.schema, &mut frame, &meta)?;
        tracing::info!(table = name, rows, "aggregate written");
        summary.rows.insert(name, rows);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Parses one unit and runs every stage on it. A stage error or panic rejects the
/// document (with the stage's name) instead of stopping the run.
fn process_unit(unit: Result<RawUnit, Reject>, stages: &[Box<dyn DocumentStage>]) -> Outcome {
    let unit = match unit {
        Ok(unit) => unit,
        Err(reject) => return Outcome::Rejected(reject),
    };
    let document = match parse_unit(&unit) {
        Ok(document) => document,
        Err(reject) => return Outcome::Rejected(reject),
    };
    let mut doc = DocRows::from_raw(document);
    for stage in stages {
        let result = catch_unwind(AssertUnwindSafe(|| stage.process(&mut doc)));
        let reason = match result {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => e.to_string(),
            Err(panic) => format!("internal error (please report it): {}", panic_message(&panic)),
        };
        return Outcome::Rejected(Reject {
            source: unit.source,
            line: unit.line,
            stage: stage.name().to_string(),
            reason,
        });
    }
    Outcome::Document(Box::new(doc))
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

fn progress_bar(wanted: bool, total_bytes: u64) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total_bytes);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .expect("static template"),
    );
    bar
}
