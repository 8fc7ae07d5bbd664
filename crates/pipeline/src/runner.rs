//! The streaming run: files -> raw units -> (parallel) parse and per-document
//! stages -> Parquet row groups, batch by batch; then the aggregates.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use crimefacts_aggregate::{Aggregate, Build, Combine, DocumentIndex, Plan, TableSources, detached, scan_file};
use crimefacts_ingest::{InputFile, RawUnit, Shard, UnitReader, discover};
use crimefacts_model::{
    AMOUNTS, ATTRIBUTIONS, BOILERPLATE, Batch, DATES, DOCUMENTS, DocRows, DocumentStage, EVENTS, FLOWS, Failure,
    MENTIONS, Progress, REJECTS, Reject, SENTENCES, TableSchema,
};
use indicatif::{ProgressBar, ProgressStyle};
use polars::io::parquet::write::BatchedWriter;
use polars::prelude::{DataFrame, Engine, IntoLazy, LazyFrame, ParquetCompression, ParquetWriter, PolarsResult};
use rayon::prelude::*;

use crate::allocator::{Purge, purge_freed_memory};
use crate::config::PipelineConfig;
use crate::document_index::{self, IndexBuilder};
use crate::input::{Input, InputState, KeptInput, ParsedUnit, parse};
use crate::registry::{select_aggregates, stage_entries};
use crate::shards::ShardManifest;
use crate::sink::{Destination, FileMetadata, ParquetFile, TableWriter, create_parquet_file, write_frame};

/// What to run, after the CLI has applied its overrides to the pipeline file.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub config: PipelineConfig,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
    pub progress: bool,
    /// Process only this shard's files and write part files; aggregates wait
    /// for `crimefacts aggregate` over all shards.
    pub shard: Option<Shard>,
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
    /// Units (documents and rejects) the main pass took as the corpus pass
    /// kept them, without reading them again.
    pub kept_units: usize,
    pub seconds: f64,
    /// CPU seconds per phase (`ingest`, each stage, `corpus pass`, `write`,
    /// `aggregate`), summed over threads, in the order phases first ran.
    pub phase_seconds: Vec<(String, f64)>,
}

impl RunSummary {
    pub fn rejects(&self) -> usize {
        self.rejects_by_stage.values().sum()
    }

    /// Each phase's share of the CPU time, e.g. "ingest 9%, normalize 31%, ...".
    pub fn phase_shares(&self) -> String {
        let total: f64 = self.phase_seconds.iter().map(|(_, s)| s).sum();
        let shares: Vec<String> = self
            .phase_seconds
            .iter()
            .map(|(name, seconds)| format!("{name} {:.0}%", 100.0 * seconds / total.max(1e-9)))
            .collect();
        shares.join(", ")
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
            "crimefacts: {} documents, {}; {}; {:.2} s, {:.2} MB/s ({}) -> {}",
            self.documents,
            tables.join(" "),
            rejects,
            self.seconds,
            mb / self.seconds.max(1e-9),
            self.phase_shares(),
            self.output.display()
        )
    }
}

/// The outcome of one raw unit after parsing and every stage.
enum Outcome {
    Document(Box<DocRows>),
    Rejected(Reject),
}

/// What the main thread tells the writer thread.
enum ToWriter {
    /// The outcomes of chunk `n` (numbered from 0 in input order).
    Chunk(usize, Vec<Outcome>),
    /// Every chunk has been handed out: this many.
    End(usize),
}

/// Puts chunks that finish in any order back in input order.
#[derive(Default)]
struct InOrder<T> {
    /// Chunks finished ahead of an earlier one.
    waiting: BTreeMap<usize, T>,
    next: usize,
    expected: Option<usize>,
}

impl<T> InOrder<T> {
    /// Takes chunk `number`; gives back every chunk now next in order.
    fn add(&mut self, number: usize, chunk: T) -> Vec<T> {
        self.waiting.insert(number, chunk);
        let mut ready = Vec::new();
        while let Some(chunk) = self.waiting.remove(&self.next) {
            ready.push(chunk);
            self.next += 1;
        }
        ready
    }

    fn expect(&mut self, chunks: usize) {
        self.expected = Some(chunks);
    }

    /// Whether every chunk handed out came back, and the end was announced.
    fn check_complete(&self) -> anyhow::Result<()> {
        match self.expected {
            Some(expected) if expected == self.next && self.waiting.is_empty() => Ok(()),
            Some(expected) => anyhow::bail!("only {} of {expected} chunks of documents came back", self.next),
            None => anyhow::bail!("the run stopped before every document was handed out"),
        }
    }
}

/// What the writer thread counted.
#[derive(Default)]
struct Tally {
    documents: usize,
    rows: BTreeMap<&'static str, usize>,
    rejects_by_stage: BTreeMap<String, usize>,
    index: DocumentIndex,
}

/// The per-document tables being written, and what went into them.
struct BatchSink<'a> {
    writers: Writers,
    tally: Tally,
    clock: &'a PhaseClock,
    pool: &'a rayon::ThreadPool,
}

impl BatchSink<'_> {
    fn reject(&mut self, reject: &Reject) -> anyhow::Result<()> {
        *self.tally.rejects_by_stage.entry(reject.stage.clone()).or_default() += 1;
        self.writers.rejects.push(reject)
    }

    /// Appends one batch's rows, in input order.
    fn write(&mut self, outcomes: Vec<Outcome>) -> anyhow::Result<()> {
        let writing = Instant::now();
        for outcome in outcomes {
            match outcome {
                Outcome::Document(doc) => {
                    self.tally.documents += 1;
                    self.writers.write(&doc)?;
                }
                Outcome::Rejected(reject) => self.reject(&reject)?,
            }
        }
        self.clock.add(self.clock.write, writing);
        Ok(())
    }

    /// Closes every table (each appears under its final name only now).
    fn finish(mut self) -> anyhow::Result<Tally> {
        self.tally.index = self.writers.finish(&mut self.tally.rows, self.pool, self.clock)?;
        Ok(self.tally)
    }
}

struct Writers {
    documents: TableWriter,
    sentences: TableWriter,
    mentions: TableWriter,
    amounts: TableWriter,
    events: TableWriter,
    flows: TableWriter,
    rejects: TableWriter,
    boilerplate: TableWriter,
    dates: TableWriter,
    attributions: TableWriter,
    index: IndexBuilder,
}

impl Writers {
    fn create(dir: &Path, meta: &FileMetadata, shard: Option<Shard>) -> anyhow::Result<Self> {
        let open = |table: &'static TableSchema| {
            let destination = match shard {
                Some(shard) => Destination::part(dir, table.name, shard.index),
                None => Destination::single(dir, table.name),
            };
            TableWriter::create(destination, table, meta)
        };
        Ok(Self {
            documents: open(&DOCUMENTS)?,
            sentences: open(&SENTENCES)?,
            mentions: open(&MENTIONS)?,
            amounts: open(&AMOUNTS)?,
            events: open(&EVENTS)?,
            flows: open(&FLOWS)?,
            rejects: open(&REJECTS)?,
            boilerplate: open(&BOILERPLATE)?,
            dates: open(&DATES)?,
            attributions: open(&ATTRIBUTIONS)?,
            index: IndexBuilder::default(),
        })
    }

    /// Rows so far of each table whose rows belong to documents.
    fn document_rows(&self) -> [(&'static str, usize); 9] {
        [
            (DOCUMENTS.name, self.documents.rows()),
            (SENTENCES.name, self.sentences.rows()),
            (MENTIONS.name, self.mentions.rows()),
            (AMOUNTS.name, self.amounts.rows()),
            (EVENTS.name, self.events.rows()),
            (FLOWS.name, self.flows.rows()),
            (BOILERPLATE.name, self.boilerplate.rows()),
            (DATES.name, self.dates.rows()),
            (ATTRIBUTIONS.name, self.attributions.rows()),
        ]
    }

    fn write(&mut self, doc: &DocRows) -> anyhow::Result<()> {
        if self.index.records_next_document() {
            let rows = self.document_rows();
            self.index.record(rows);
        }
        self.index.count_document();
        self.documents.push(&doc.document)?;
        doc.sentences.iter().try_for_each(|r| self.sentences.push(r))?;
        doc.mentions.iter().try_for_each(|r| self.mentions.push(r))?;
        doc.amounts.iter().try_for_each(|r| self.amounts.push(r))?;
        doc.events.iter().try_for_each(|r| self.events.push(r))?;
        doc.flows.iter().try_for_each(|r| self.flows.push(r))?;
        doc.boilerplate.iter().try_for_each(|r| self.boilerplate.push(r))?;
        doc.dates.iter().try_for_each(|r| self.dates.push(r))?;
        doc.attributions.iter().try_for_each(|r| self.attributions.push(r))?;
        Ok(())
    }

    /// Closes every table; returns where each document's rows begin. The
    /// tables' last row groups are encoded on the pool's workers at once: this
    /// is the pass's tail, when nothing else is left to run.
    fn finish(
        self,
        rows: &mut BTreeMap<&'static str, usize>,
        pool: &rayon::ThreadPool,
        clock: &PhaseClock,
    ) -> anyhow::Result<DocumentIndex> {
        let rows_at_end = self.document_rows();
        let index = self.index.finish(rows_at_end);
        let tables = vec![
            (&DOCUMENTS, self.documents),
            (&SENTENCES, self.sentences),
            (&MENTIONS, self.mentions),
            (&AMOUNTS, self.amounts),
            (&EVENTS, self.events),
            (&FLOWS, self.flows),
            (&REJECTS, self.rejects),
            (&BOILERPLATE, self.boilerplate),
            (&DATES, self.dates),
            (&ATTRIBUTIONS, self.attributions),
        ];
        let finished: Vec<(&'static str, usize)> = pool.install(|| {
            let finish = |(table, writer): (&TableSchema, TableWriter)| {
                let finishing = Instant::now();
                let written = writer.finish()?;
                clock.add(clock.write, finishing);
                Ok((table.name, written))
            };
            tables.into_par_iter().map(finish).collect::<anyhow::Result<_>>()
        })?;
        rows.extend(finished);
        Ok(index)
    }
}

/// Runs a pipeline end to end. Bad inputs become `rejects` rows; only problems
/// with the run itself (no input, output not writable, unknown stage) are errors.
///
/// A sharded run reads every input file in the corpus pass, so that what
/// stages learn across documents (boilerplate lines, near-duplicates) is the
/// same in every shard, then processes and writes only its own files: the
/// union of all shards' rows is exactly the single run's.
pub fn run(options: &RunOptions) -> anyhow::Result<RunSummary> {
    let config = &options.config;
    let started = Instant::now();
    // The pool first: a stage may load its data on several of its workers.
    let pool = thread_pool(options.threads)?;
    let entries = stage_entries(&config.stages)?;
    let aggregates = select_aggregates(&config.aggregates)?;
    let output = PathBuf::from(&config.output);
    // Checked before the corpus pass, which can take minutes; what an earlier
    // run left there is only removed once every stage has been built.
    std::fs::create_dir_all(&output)
        .with_context(|| format!("cannot create output folder {}: check the path and permissions", output.display()))?;

    // The input is found, the stages that learn from the corpus are built and
    // make the corpus pass while the others load: loading the gazetteer is
    // most of the start-up, and it kept one of two workers busy and the other
    // idle (20 MB at 2 threads: stages built after 73 ms, the regular
    // expressions after 38); finding 4,672 files took another 12-20 ms before
    // either side started. With one thread, join runs the two sides one after
    // the other.
    let stage_options = config.options.stage_options();
    // Each stage with its place in the pipeline file's order.
    type Built = Vec<(usize, Box<dyn DocumentStage>)>;
    let build = |learning: bool| -> anyhow::Result<Built> {
        let entries = entries.iter().enumerate().filter(|(_, e)| e.learns_from_corpus == learning);
        entries.map(|(i, entry)| Ok((i, (entry.build)(&stage_options)?))).collect()
    };
    let mut corpus_time = Duration::ZERO;
    // Set only when the corpus pass runs: without it every file is read in the main pass.
    let mut kept = None;
    let (learners, others) = pool.install(|| {
        rayon::join(
            || -> anyhow::Result<(Vec<InputFile>, Vec<Reject>, Built)> {
                let (files, discovery_rejects) = discover(&config.input)?;
                tracing::info!(files = files.len(), unsupported = discovery_rejects.len(), input = %config.input, "discovered input");
                let (order, mut learners): (Vec<usize>, Vec<_>) = build(true)?.into_iter().unzip();
                if !learners.is_empty() {
                    let started = Instant::now();
                    let units = UnitReader::with_limits(files.clone(), config.limits.read_limits());
                    let keeping = kept.insert(KeptInput::new(config.options.kept_input_bytes));
                    learn_from_corpus(&mut learners, units, batch_size(config), &pool, keeping);
                    corpus_time = started.elapsed();
                    tracing::info!(seconds = corpus_time.as_secs_f64(), "corpus pass done");
                }
                Ok((files, discovery_rejects, order.into_iter().zip(learners).collect()))
            },
            || build(false),
        )
    });
    let (files, mut discovery_rejects, mut stages) = learners?;
    stages.extend(others?);
    stages.sort_by_key(|(i, _)| *i);
    let stages: Vec<Box<dyn DocumentStage>> = stages.into_iter().map(|(_, s)| s).collect();
    let clock = PhaseClock::new(&stages);
    clock.add_duration(clock.corpus, corpus_time);
    if let Some(shard) = options.shard {
        // Until this shard has finished, nothing may take its old parts for complete.
        ShardManifest::remove(&output, shard)?;
    }
    document_index::remove(&output)?;

    let (mut kept, mut unread) = match kept {
        Some(kept) => kept.finish(files),
        None => (Vec::new(), files),
    };
    tracing::debug!(kept = kept.len(), unread_files = unread.len(), "input kept from the corpus pass");
    if let Some(shard) = options.shard {
        kept.retain(|input| shard.contains(input.source()));
        unread.retain(|f| shard.contains(&f.source));
        discovery_rejects.retain(|r| shard.contains(&r.source));
        tracing::info!(kept = kept.len(), unread_files = unread.len(), %shard, "input of this shard");
    }
    // The sizes are asked of the file system again only for a bar that is shown.
    let progress = progress_bar(options.progress, || {
        let unread_bytes: u64 = unread.iter().filter_map(|f| std::fs::metadata(&f.path).ok()).map(|m| m.len()).sum();
        kept.iter().map(|input| input.bytes).sum::<u64>() + unread_bytes
    });

    let meta = FileMetadata { pipeline: config.name.clone(), shard: options.shard.map(|s| s.to_string()) };
    let writers = Writers::create(&output, &meta, options.shard)?;
    let mut summary = RunSummary { output: output.clone(), kept_units: kept.len(), ..RunSummary::default() };
    let mut units =
        kept.into_iter().chain(UnitReader::with_limits(unread, config.limits.read_limits()).map(Input::read));
    let budget = Duration::from_millis(config.limits.document_time_budget_ms);

    let mut sink = BatchSink { writers, tally: Tally::default(), clock: &clock, pool: &pool };
    for reject in &discovery_rejects {
        sink.reject(reject)?;
    }
    let mut next_batch = || -> Option<(Vec<Input>, u64)> {
        let batch: Vec<Input> = units.by_ref().take(batch_size(config)).collect();
        let bytes = batch.iter().map(|input| input.bytes).sum();
        (!batch.is_empty()).then_some((batch, bytes))
    };
    let chunk = chunk_size(batch_size(config), pool.current_num_threads());
    let tally = if pool.current_num_threads() == 1 {
        // One thread means one: chunks are processed, then written.
        while let Some((batch, bytes)) = next_batch() {
            for units in chunks_of(batch, chunk) {
                sink.write(pool.install(|| process_chunk(units, &stages, &clock, budget)))?;
            }
            summary.input_bytes += bytes;
            progress.inc(bytes);
        }
        sink.finish()?
    } else {
        // The pool works on chunks as they are read, never waiting at the end
        // of a batch for a worker's last chunk, and a writer thread appends
        // their rows in input order while the pool works on the next ones, so
        // encoding Parquet does not leave the workers idle. A reader thread
        // reads the batch after the current one. A chunk takes a ticket before
        // it goes to the pool and the writer gives it back once the chunk is
        // written: memory holds a bounded number of chunks.
        let in_flight = 3 * pool.current_num_threads();
        let (tickets_back, tickets) = std::sync::mpsc::sync_channel::<()>(in_flight);
        for _ in 0..in_flight {
            tickets_back.send(()).expect("room for every ticket");
        }
        let (processed, finished) = std::sync::mpsc::channel::<ToWriter>();
        let (read_ahead, read) = std::sync::mpsc::sync_channel(1);
        std::thread::scope(|scope| -> anyhow::Result<Tally> {
            let writer = scope.spawn(move || -> anyhow::Result<Tally> {
                let mut chunks = InOrder::default();
                for message in finished {
                    match message {
                        ToWriter::Chunk(number, outcomes) => {
                            for outcomes in chunks.add(number, outcomes) {
                                sink.write(outcomes)?;
                                // Fails only once every chunk has been handed out.
                                let _ = tickets_back.send(());
                            }
                        }
                        ToWriter::End(handed_out) => chunks.expect(handed_out),
                    }
                }
                // Without every chunk, the tables stay under their temporary
                // names, as after a kill.
                chunks.check_complete()?;
                sink.finish()
            });
            scope.spawn(move || {
                // A closed channel means the run stopped; nothing more is wanted.
                while let Some(batch) = next_batch() {
                    if read_ahead.send(batch).is_err() {
                        break;
                    }
                }
            });
            let (stages, clock) = (&stages, &clock);
            let mut handed_out = 0;
            pool.in_place_scope(|chunks| {
                for (batch, bytes) in read {
                    for units in chunks_of(batch, chunk) {
                        // No ticket comes back once the writer has failed; its
                        // error is the one to report.
                        if tickets.recv().is_err() {
                            return;
                        }
                        let (number, processed) = (handed_out, processed.clone());
                        handed_out += 1;
                        chunks.spawn(move |_| {
                            let outcomes = process_chunk(units, stages, clock, budget);
                            let _ = processed.send(ToWriter::Chunk(number, outcomes));
                        });
                    }
                    summary.input_bytes += bytes;
                    progress.inc(bytes);
                }
            });
            // Not reached if the loop above panicked: the writer then ends
            // without finishing the tables.
            let _ = processed.send(ToWriter::End(handed_out));
            drop(processed);
            writer.join().map_err(|_| anyhow::anyhow!("the table writer panicked"))?
        })?
    };
    summary.documents = tally.documents;
    summary.rows = tally.rows;
    summary.rejects_by_stage = tally.rejects_by_stage;
    progress.finish_and_clear();

    match options.shard {
        Some(shard) => ShardManifest::from_run(shard, &summary).write(&output)?,
        None => {
            document_index::write(&output, &tally.index)?;
            // Gazetteers and corpus statistics are no longer needed: free them
            // before the aggregates need memory. The workers go too: the
            // allocator returns a thread's freed pages to the system when the
            // thread ends, not while it idles (this run's aggregates peaked
            // 100 MB higher at 100k articles on the old workers).
            drop(stages);
            drop(pool);
            purge_freed_memory(Purge::AtOnce);
            let pool = thread_pool(options.threads)?;
            let aggregating = Instant::now();
            write_aggregates(&output, aggregates, &meta, &pool, &mut summary.rows)?;
            clock.add(clock.aggregate, aggregating);
        }
    }
    summary.phase_seconds = clock.seconds();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Computes the pipeline's aggregates over the per-document tables already in
/// `dir`, single files or the part files of every shard (`crimefacts
/// aggregate`). A sharded folder must hold every shard of one run.
pub fn aggregate(
    config: &PipelineConfig,
    dir: &Path,
    threads: Option<usize>,
) -> anyhow::Result<BTreeMap<&'static str, usize>> {
    let aggregates = select_aggregates(&config.aggregates)?;
    crate::shards::check_complete(dir)?;
    purge_freed_memory(Purge::AtOnce);
    let pool = thread_pool(threads)?;
    let meta = FileMetadata { pipeline: config.name.clone(), shard: None };
    let mut rows = BTreeMap::new();
    write_aggregates(dir, aggregates, &meta, &pool, &mut rows)?;
    Ok(rows)
}

fn write_aggregates(
    dir: &Path,
    aggregates: Vec<Aggregate>,
    meta: &FileMetadata,
    pool: &rayon::ThreadPool,
    rows: &mut BTreeMap<&'static str, usize>,
) -> anyhow::Result<()> {
    let tables = match document_index::read(dir) {
        Some(index) => TableSources::with_index(dir, index)?,
        None => TableSources::new(dir),
    };
    let partitions = tables.partitions()?;
    tracing::info!(partitions, indexed = tables.is_indexed(), "aggregating");
    let compute_one = |aggregate: &Aggregate| {
        let name = aggregate.schema.name;
        compute(aggregate, &tables, partitions, &dir.join(format!(".{name}.parts.tmp")))
            .with_context(|| format!("cannot compute aggregate {name}"))
    };
    let mut write = |aggregate: &Aggregate, frame: anyhow::Result<DataFrame>| -> anyhow::Result<()> {
        let name = aggregate.schema.name;
        let written = write_frame(&Destination::single(dir, name), aggregate.schema, &mut frame?, meta)?;
        tracing::info!(table = name, rows = written, partitions, "aggregate written");
        rows.insert(name, written);
        Ok(())
    };
    if partitions <= 1 {
        // A corpus of one partition is small enough for its aggregates to be
        // computed side by side, which keeps every worker busy: each is a few
        // small scans that polars does not spread over threads (20 MB: 0.13 s
        // at one thread and at two, one after the other). Plain threads, one
        // per worker, each taking the next aggregate: a pool's worker waiting
        // for polars would start another aggregate inside the first one's
        // wait, and one of them could then wait forever for a corpus-wide
        // lookup that the other is computing on that same thread.
        let workers = pool.current_num_threads().clamp(1, aggregates.len().max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut computed: Vec<(usize, anyhow::Result<DataFrame>)> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let index = next.fetch_add(1, Ordering::Relaxed);
                            let Some(aggregate) = aggregates.get(index) else { return done };
                            done.push((index, compute_one(aggregate)));
                        }
                    })
                })
                .collect();
            // A thread that panicked passes its panic on, as the pool did.
            threads.into_iter().flat_map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
        });
        computed.sort_by_key(|(index, _)| *index);
        let frames = computed.into_iter().map(|(_, frame)| frame);
        for (aggregate, frame) in aggregates.iter().zip(frames) {
            write(aggregate, frame)?;
        }
    } else {
        // One at a time, each written before the next: memory holds one
        // aggregate's state.
        for aggregate in &aggregates {
            write(aggregate, pool.install(|| compute_one(aggregate)))?;
        }
    }
    Ok(())
}

/// One aggregate, with polars' streaming engine so that scans do not load
/// whole tables. A partitioned aggregate runs one partition of documents at a
/// time and writes each partial result to `spill`, a Parquet file removed
/// afterwards, which the combining step scans: the partial results of a
/// million articles (a million seizure claims) are never all in memory. A
/// corpus of one partition is combined in memory, without the spill.
pub fn compute(
    aggregate: &Aggregate,
    tables: &TableSources,
    partitions: usize,
    spill: &Path,
) -> anyhow::Result<DataFrame> {
    match aggregate.plan {
        Plan::Whole(build) => Ok(collect_streaming(build(tables)?)?),
        // One partial result is the whole one: it is combined where it is,
        // without a round trip through the spill file.
        Plan::Partitioned { part, combine } if partitions <= 1 => {
            let frame = collect_streaming(part(tables)?)?;
            Ok(collect_streaming(combine(frame.lazy(), tables)?).and_then(detached)?)
        }
        Plan::Partitioned { part, combine } => {
            let combined = spill_and_combine(part, combine, tables, partitions, spill);
            // The spill is scratch whether or not the aggregate succeeded.
            let _ = std::fs::remove_file(spill);
            combined
        }
    }
}

fn spill_and_combine(
    part: Build,
    combine: Combine,
    tables: &TableSources,
    partitions: usize,
    spill: &Path,
) -> anyhow::Result<DataFrame> {
    let mut writer: Option<BatchedWriter<ParquetFile>> = None;
    for k in 0..partitions {
        let mut frame = collect_streaming(part(&tables.partition(k, partitions))?)?;
        // The writer takes a frame's chunks as they are; a result can hold
        // columns cut into different chunks.
        frame.rechunk_mut();
        let writer = match &mut writer {
            Some(writer) => writer,
            None => {
                let started = ParquetWriter::new(create_parquet_file(spill)?)
                    .with_compression(ParquetCompression::Zstd(None))
                    .batched(frame.schema())?;
                writer.insert(started)
            }
        };
        writer.write_batch(&frame)?;
    }
    writer.context("no partition to combine")?.finish()?;
    Ok(collect_streaming(combine(scan_file(spill.to_owned())?, tables)?).and_then(detached)?)
}

fn collect_streaming(lazy: LazyFrame) -> PolarsResult<DataFrame> {
    lazy.collect_with_engine(Engine::Streaming).map(|r| r.unwrap_single())
}

fn thread_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads {
        pool = pool.num_threads(threads);
    }
    pool.build().context("cannot start worker threads")
}

fn batch_size(config: &PipelineConfig) -> usize {
    config.options.batch_size.max(1)
}

/// The corpus pass: documents are parsed and summarized in parallel, batch by
/// batch, and each summary is absorbed in input order, so that what a stage
/// learns does not depend on the thread count. Inputs that cannot be read or
/// parsed teach nothing; the main pass records them as rejects.
pub fn corpus_pass(
    stages: &mut [Box<dyn DocumentStage>],
    units: UnitReader,
    batch_size: usize,
    pool: &rayon::ThreadPool,
) {
    learn_from_corpus(stages, units, batch_size, pool, &mut KeptInput::new(0));
}

/// [`corpus_pass`], keeping what it parsed in `kept` for the main pass.
fn learn_from_corpus(
    stages: &mut [Box<dyn DocumentStage>],
    mut units: UnitReader,
    batch_size: usize,
    pool: &rayon::ThreadPool,
    kept: &mut KeptInput,
) {
    let learning: Vec<usize> = (0..stages.len()).filter(|&i| stages[i].needs_corpus_pass()).collect();
    let mut learn_from = |batch: Vec<Result<RawUnit, Reject>>| {
        let inputs: Vec<Input> =
            pool.install(|| batch.into_par_iter().map(|unit| Input::read(unit).parsed()).collect());
        for &i in &learning {
            let stage = &stages[i];
            let summaries: Vec<_> = pool.install(|| {
                inputs
                    .par_iter()
                    .map(|input| {
                        let doc = input.document()?;
                        catch_unwind(AssertUnwindSafe(|| stage.summarize(doc))).ok().flatten()
                    })
                    .collect()
            });
            let stage = &mut stages[i];
            for (input, summary) in inputs.iter().zip(summaries) {
                if let Some(doc) = input.document() {
                    stage.absorb(doc, summary);
                }
            }
        }
        kept.keep(inputs);
    };
    let mut next_batch = move || Some(units.by_ref().take(batch_size).collect::<Vec<_>>()).filter(|b| !b.is_empty());
    if pool.current_num_threads() == 1 {
        while let Some(batch) = next_batch() {
            learn_from(batch);
        }
    } else {
        // As in the main pass, a reader thread reads the next batch meanwhile.
        let (read_ahead, read) = std::sync::mpsc::sync_channel(1);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                while let Some(batch) = next_batch() {
                    if read_ahead.send(batch).is_err() {
                        break;
                    }
                }
            });
            for batch in read {
                learn_from(batch);
            }
        });
    }
    for &i in &learning {
        stages[i].corpus_pass_done();
    }
}

/// CPU time per phase, added from many threads.
struct PhaseClock {
    names: Vec<String>,
    nanos: Vec<AtomicU64>,
    ingest: usize,
    corpus: usize,
    write: usize,
    aggregate: usize,
}

impl PhaseClock {
    /// Phases: ingest, corpus pass, one per stage, write, aggregate.
    fn new(stages: &[Box<dyn DocumentStage>]) -> Self {
        let mut names = vec!["ingest".to_string(), "corpus pass".to_string()];
        names.extend(stages.iter().map(|s| s.name().to_string()));
        names.extend(["write".to_string(), "aggregate".to_string()]);
        let n = names.len();
        Self {
            names,
            nanos: (0..n).map(|_| AtomicU64::new(0)).collect(),
            ingest: 0,
            corpus: 1,
            write: n - 2,
            aggregate: n - 1,
        }
    }

    fn stage(&self, index: usize) -> usize {
        2 + index
    }

    fn add(&self, phase: usize, since: Instant) {
        self.add_duration(phase, since.elapsed());
    }

    fn add_duration(&self, phase: usize, time: Duration) {
        self.nanos[phase].fetch_add(time.as_nanos() as u64, Ordering::Relaxed);
    }

    fn seconds(&self) -> Vec<(String, f64)> {
        self.names
            .iter()
            .zip(&self.nanos)
            .map(|(n, t)| (n.clone(), t.load(Ordering::Relaxed) as f64 / 1e9))
            .filter(|(_, s)| *s > 0.0)
            .collect()
    }
}

/// Documents per [`Batch`] a worker takes through the stages: a stage's steps
/// keep their tables in the CPU's caches across a chunk's documents (20 MB at
/// one thread: 3.49 s of CPU with one document at a time, 2.92 s with 64,
/// 2.75 s with 128). Two chunks per worker per batch: at two threads 32, 64
/// and 128 documents measured the same (1.44-1.52 s), and smaller chunks
/// leave less to wait for at the end of the run.
fn chunk_size(batch: usize, threads: usize) -> usize {
    const MOST: usize = 128;
    const PER_WORKER: usize = 2;
    batch.div_ceil(threads * PER_WORKER).clamp(1, MOST)
}

/// `items` in runs of `size`, in order.
fn chunks_of<T>(items: Vec<T>, size: usize) -> impl Iterator<Item = Vec<T>> {
    let mut items = items.into_iter().peekable();
    std::iter::from_fn(move || {
        items.peek()?;
        Some(items.by_ref().take(size).collect())
    })
}

/// Parses a chunk of units and takes the documents through every stage as
/// one [`Batch`]. A stage error or panic, or a document past its time budget
/// after a step, rejects that document (with the stage's name) instead of
/// stopping the run. Outcomes are in the units' order.
fn process_chunk(
    units: Vec<Input>,
    stages: &[Box<dyn DocumentStage>],
    clock: &PhaseClock,
    budget: Duration,
) -> Vec<Outcome> {
    let mut outcomes: Vec<Option<Outcome>> = Vec::with_capacity(units.len());
    // The parsed documents, with their slot in `outcomes` and where they came from.
    let mut docs = Vec::new();
    let mut origins = Vec::new();
    let mut progress = Vec::new();
    for input in units {
        let parsed = match input.state {
            InputState::Read(unit) => {
                let parsing = Instant::now();
                let parsed = parse(unit);
                clock.add(clock.ingest, parsing);
                parsed
            }
            InputState::Parsed(parsed) => Ok(parsed),
            InputState::Rejected(reject) => Err(reject),
        };
        match parsed {
            Ok(parsed) => {
                let ParsedUnit { source, line, parse_time, doc } = *parsed;
                docs.push(doc);
                origins.push((outcomes.len(), source, line));
                progress.push(Progress { spent: parse_time, failure: None });
                outcomes.push(None);
            }
            Err(reject) => outcomes.push(Some(Outcome::Rejected(reject))),
        }
    }
    for (index, stage) in stages.iter().enumerate() {
        let started = Instant::now();
        stage.process_batch(&mut Batch::new(&mut docs, &mut progress, budget));
        clock.add(clock.stage(index), started);
        // A document that failed stays in the chunk with its failure, which
        // the later stages' steps skip; it is rejected by the stage it failed in.
        for ((slot, source, line), progress) in origins.iter_mut().zip(&progress) {
            let Some(failure) = &progress.failure else { continue };
            if outcomes[*slot].is_some() {
                continue;
            }
            let reason = match failure {
                Failure::Error(e) => e.to_string(),
                Failure::Panic(message) => format!("internal error (please report it): {message}"),
                Failure::OverBudget => format!(
                    "over the time budget: {:.1} s after this stage, limits.document_time_budget_ms is {} ms",
                    progress.spent.as_secs_f64(),
                    budget.as_millis()
                ),
            };
            let source = std::mem::take(source);
            outcomes[*slot] =
                Some(Outcome::Rejected(Reject { source, line: *line, stage: stage.name().to_string(), reason }));
        }
    }
    for ((doc, (slot, _, _)), progress) in docs.into_iter().zip(origins).zip(progress) {
        if progress.failure.is_none() {
            outcomes[slot] = Some(Outcome::Document(Box::new(doc)));
        }
    }
    outcomes.into_iter().map(|o| o.expect("every unit has an outcome")).collect()
}

fn progress_bar(wanted: bool, total_bytes: impl FnOnce() -> u64) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total_bytes());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .expect("static template"),
    );
    bar
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crimefacts_ingest::{InputFormat, RawUnit};
    use crimefacts_model::{DocRows, DocumentStage, Reject, StageError};

    use super::{InOrder, Outcome, PhaseClock, chunk_size, chunks_of, process_chunk};
    use crate::input::Input;

    /// Appends its name to the text; fails on "error <name>" and panics on
    /// "panic <name>".
    struct Marking(&'static str);

    impl DocumentStage for Marking {
        fn name(&self) -> &'static str {
            self.0
        }

        fn describe(&self) -> &'static str {
            "marks"
        }

        fn process(&self, doc: &mut DocRows) -> Result<(), StageError> {
            if doc.raw_text == format!("error {}", self.0) {
                return Err(StageError(format!("{} says no", self.0)));
            }
            if doc.raw_text == format!("panic {}", self.0) {
                panic!("{} fell over", self.0);
            }
            doc.document.text.push_str(self.0);
            Ok(())
        }
    }

    #[test]
    fn a_chunk_keeps_its_order_and_rejects_only_the_documents_that_fail() {
        let unit = |text: &str| {
            Ok(RawUnit { source: format!("s/{text}"), line: None, format: InputFormat::Text, bytes: text.into() })
        };
        let unreadable =
            Reject { source: "s/x".into(), line: None, stage: "ingest".into(), reason: "unreadable".into() };
        // "b" and "error two" come parsed, as the corpus pass keeps them.
        let units = vec![
            Input::read(unit("a")),
            Input::read(unit("error one")),
            Input::read(Err(unreadable.clone())),
            Input::read(unit("panic two")),
            Input::read(unit("  ")),
            Input::read(unit("b")).parsed(),
            Input::read(unit("error two")).parsed(),
        ];
        let stages: Vec<Box<dyn DocumentStage>> = vec![Box::new(Marking("one")), Box::new(Marking("two"))];
        let clock = PhaseClock::new(&stages);
        let outcomes = process_chunk(units, &stages, &clock, Duration::from_secs(60));
        let summary: Vec<String> = outcomes
            .iter()
            .map(|o| match o {
                Outcome::Document(doc) => format!("doc {}", doc.document.text),
                Outcome::Rejected(r) => format!("{} by {}: {}", r.source, r.stage, r.reason),
            })
            .collect();
        assert_eq!(
            summary,
            [
                "doc aonetwo",
                "s/error one by one: one says no",
                "s/x by ingest: unreadable",
                "s/panic two by two: internal error (please report it): two fell over",
                "s/   by ingest: empty input: no text",
                "doc bonetwo",
                "s/error two by two: two says no",
            ]
        );
    }

    #[test]
    fn chunks_come_back_in_order_and_a_missing_one_is_an_error() {
        let mut chunks = InOrder::default();
        assert_eq!(chunks.add(1, 'b'), Vec::<char>::new());
        assert_eq!(chunks.add(2, 'c'), Vec::<char>::new());
        assert_eq!(chunks.add(0, 'a'), ['a', 'b', 'c']);
        assert_eq!(chunks.add(3, 'd'), ['d']);
        assert!(chunks.check_complete().is_err(), "no end announced");
        chunks.expect(4);
        assert!(chunks.check_complete().is_ok());
        chunks.expect(5);
        assert!(chunks.check_complete().unwrap_err().to_string().contains("only 4 of 5"));

        let mut gap = InOrder::default();
        assert!(gap.add(1, 'b').is_empty());
        gap.expect(2);
        assert!(gap.check_complete().is_err(), "chunk 0 never came back");
    }

    #[test]
    fn chunks_split_a_batch_a_few_ways_per_worker_and_stay_small() {
        assert_eq!(chunk_size(256, 1), 128);
        assert_eq!(chunk_size(256, 2), 64);
        assert_eq!(chunk_size(5, 2), 2);
        assert_eq!(chunk_size(1, 8), 1);
        assert_eq!(chunk_size(100_000, 1), 128);
        let chunks: Vec<Vec<u8>> = chunks_of(vec![1, 2, 3, 4, 5], 2).collect();
        assert_eq!(chunks, [vec![1, 2], vec![3, 4], vec![5]]);
        assert_eq!(chunks_of(Vec::<u8>::new(), 2).count(), 0);
    }
}
