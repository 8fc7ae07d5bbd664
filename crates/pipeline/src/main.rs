//! `crimefacts`: run pipelines over news articles and write Parquet tables.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use crimefacts_ingest::Shard;
use crimefacts_model::{AGGREGATE_TABLES, all_tables};
use crimefacts_pipeline::registry::DOCUMENT_STAGES;
use crimefacts_pipeline::{PipelineConfig, RunOptions, aggregate, run};

#[derive(Parser)]
#[command(name = "crimefacts", version, about = "Organized-crime news articles -> Parquet tables of facts")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a pipeline: ingest the input, run its stages, write Parquet tables.
    Run {
        /// Pipeline file naming input, stages and output.
        #[arg(default_value = "pipelines/default.toml")]
        pipeline: PathBuf,
        /// Input file, folder or glob (overrides the pipeline file).
        #[arg(long)]
        input: Option<String>,
        /// Output folder (overrides the pipeline file).
        #[arg(long)]
        output: Option<String>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Exit with status 2 when any input was rejected.
        #[arg(long)]
        strict: bool,
        /// Do not draw a progress bar.
        #[arg(long)]
        quiet: bool,
        /// Process shard I of N (I counts from 0) of the input files, chosen by a
        /// hash of each file's path, and write part files
        /// (<output>/<table>/shard=I/part.parquet); then run `crimefacts
        /// aggregate` once every shard has finished.
        #[arg(long, value_name = "I/N")]
        shard: Option<Shard>,
    },
    /// Compute the aggregate tables from a finished output folder: single-file
    /// tables, or the part files of every shard of a sharded run.
    Aggregate {
        /// Pipeline file naming the aggregates.
        #[arg(default_value = "pipelines/default.toml")]
        pipeline: PathBuf,
        /// Output folder of the run(s); the aggregates are written into it.
        #[arg(long)]
        input: Option<PathBuf>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// List the stages and aggregates pipeline files can name.
    Stages,
    /// Print the data contract: every table with its columns and types.
    Schema {
        /// Machine-readable output, for checks in other languages.
        #[arg(long)]
        json: bool,
    },
}

// glibc's allocator cost a sixth of the CPU time of a run (millions of short
// strings and row vectors per batch); mimalloc's thread-local pages cost less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    crimefacts_pipeline::allocator::purge_freed_memory(crimefacts_pipeline::allocator::Purge::Soon);
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("CRIMEFACTS_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Command::Run { threads, .. } | Command::Aggregate { threads, .. } = &cli.command {
        bound_polars_threads(*threads);
    }
    match execute(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// `--threads` bounds polars' workers too: its pool and its streaming
/// executor are sized from `POLARS_MAX_THREADS` when first used, and without it
/// the aggregates of a run at `--threads 1` ran on every core. A value the
/// user set in the environment is left as it is.
#[allow(unsafe_code)]
fn bound_polars_threads(threads: Option<usize>) {
    if let Some(threads) = threads.filter(|&n| n > 0)
        && std::env::var_os("POLARS_MAX_THREADS").is_none()
    {
        // SAFETY: called from `main` before any thread is started (neither the
        // allocator option nor the log subscriber starts one), so nothing can
        // read the environment while it changes.
        unsafe { std::env::set_var("POLARS_MAX_THREADS", threads.to_string()) };
    }
}

fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run { pipeline, input, output, threads, strict, quiet, shard } => {
            let mut config = PipelineConfig::load(&pipeline)?;
            config.input = input.unwrap_or(config.input);
            config.output = output.unwrap_or(config.output);
            let summary = run(&RunOptions { config, threads, progress: !quiet, shard })?;
            eprintln!("{}", summary.line());
            if let Some(shard) = shard {
                eprintln!(
                    "shard {shard} done; once all {} shards are, run: crimefacts aggregate --input {}",
                    shard.count,
                    summary.output.display()
                );
            }
            if strict && summary.rejects() > 0 {
                eprintln!("strict: {} inputs rejected; see rejects.parquet", summary.rejects());
                return Ok(ExitCode::from(2));
            }
        }
        Command::Aggregate { pipeline, input, threads } => {
            let config = PipelineConfig::load(&pipeline)?;
            let dir = input.unwrap_or_else(|| PathBuf::from(&config.output));
            let rows = aggregate(&config, &dir, threads)?;
            let tables: Vec<String> = rows.iter().map(|(t, n)| format!("{t}={n}")).collect();
            eprintln!("crimefacts: aggregates {} -> {}", tables.join(" "), dir.display());
        }
        Command::Stages => {
            println!("source:\n  {:<14} {}", crimefacts_ingest::STAGE, crimefacts_ingest::DESCRIPTION);
            println!("per-document stages:");
            for entry in DOCUMENT_STAGES {
                let stage = (entry.build)(&Default::default())?;
                println!("  {:<14} {}", entry.name, stage.describe());
            }
            println!("aggregates:");
            for aggregate in crimefacts_aggregate::aggregates() {
                println!("  {:<14} {}", aggregate.schema.name, aggregate.describe);
            }
        }
        Command::Schema { json: true } => {
            let tables: Vec<serde_json::Value> = all_tables()
                .into_iter()
                .map(|t| {
                    let columns: Vec<serde_json::Value> = t
                        .columns
                        .iter()
                        .map(|c| serde_json::json!({"name": c.name, "type": c.column_type.to_string(), "nullable": c.nullable}))
                        .collect();
                    let kind = if AGGREGATE_TABLES.contains(&t) { "aggregate" } else { "per_document" };
                    serde_json::json!({"name": t.name, "kind": kind, "row": t.row, "columns": columns})
                })
                .collect();
            let contract =
                serde_json::json!({"contract_version": crimefacts_model::CONTRACT_VERSION, "tables": tables});
            println!("{}", serde_json::to_string_pretty(&contract)?);
        }
        Command::Schema { json: false } => {
            println!("crimefacts data contract v{}\n", crimefacts_model::CONTRACT_VERSION);
            for table in all_tables() {
                println!("{table}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
