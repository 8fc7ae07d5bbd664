//! The `crimefacts` binary: exit codes, messages and the schema listing.

use std::process::Command;

use crate::support::workspace_root;

fn crimefacts(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_crimefacts")).args(args).current_dir(workspace_root()).output().unwrap()
}

#[test]
fn schema_prints_every_table_and_column() {
    let out = crimefacts(&["schema"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for table in crimefacts_model::all_tables() {
        assert!(text.contains(&format!("{}: ", table.name)), "{}", table.name);
        for column in table.columns {
            assert!(text.contains(column.name));
        }
    }
    assert!(text.contains("published        Date32"));

    let json: serde_json::Value = serde_json::from_slice(&crimefacts(&["schema", "--json"]).stdout).unwrap();
    let documents = &json["tables"][0];
    assert_eq!(documents["name"], "documents");
    assert_eq!(documents["columns"][0], serde_json::json!({"name": "doc_id", "type": "Utf8", "nullable": false}));
}

#[test]
fn stages_lists_the_registry() {
    let text = String::from_utf8(crimefacts(&["stages"]).stdout).unwrap();
    for name in ["ingest", "normalize", "extract", "entity_stats"] {
        assert!(text.contains(name), "{text}");
    }
}

#[test]
fn strict_exits_2_on_rejects_and_the_summary_counts_them() {
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("a.txt"), "Peru seized 2 tons.").unwrap();
    std::fs::write(input.path().join("b.txt"), b"\xff\xfe bad").unwrap();
    let out = tempfile::tempdir().unwrap();
    let (i, o) = (input.path().to_str().unwrap(), out.path().to_str().unwrap());
    let lenient = crimefacts(&["run", "--input", i, "--output", o, "--quiet"]);
    assert!(lenient.status.success());
    let summary = String::from_utf8(lenient.stderr).unwrap();
    assert!(summary.contains("1 documents") && summary.contains("1 rejects (ingest: 1)"), "{summary}");
    let strict = crimefacts(&["run", "--input", i, "--output", o, "--strict", "--quiet"]);
    assert_eq!(strict.status.code(), Some(2));
}

#[test]
fn usage_errors_name_the_problem_and_the_fix() {
    let out = crimefacts(&["run", "--input", "/no/such/folder", "--output", "/tmp/never", "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("/no/such/folder") && err.contains("give a file, a folder or a glob"), "{err}");

    let out = crimefacts(&["run", "no-such-pipeline.toml"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no-such-pipeline.toml") && err.contains("pipelines/default.toml"), "{err}");
}

#[test]
fn a_split_run_through_the_cli_ends_with_crimefacts_aggregate() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let bad = crimefacts(&["run", "--output", o, "--quiet", "--shard", "2/2"]);
    assert_eq!(bad.status.code(), Some(2), "clap rejects the value");
    assert!(String::from_utf8(bad.stderr).unwrap().contains("0 <= I < N"));

    for shard in ["0/2", "1/2"] {
        let run = crimefacts(&["run", "--output", o, "--quiet", "--shard", shard]);
        assert!(run.status.success());
        let message = String::from_utf8(run.stderr).unwrap();
        assert!(message.contains("crimefacts aggregate --input"), "{message}");
    }
    assert!(out.path().join("mentions/shard=1/part.parquet").is_file());
    assert!(!out.path().join("price_ladder.parquet").exists(), "a shard never writes aggregates");
    let aggregate = crimefacts(&["aggregate", "--input", o]);
    assert!(aggregate.status.success(), "{}", String::from_utf8_lossy(&aggregate.stderr));
    assert!(out.path().join("price_ladder.parquet").is_file());
}

/// `--threads 1` bounds the aggregates too: polars sizes its own pool when first
/// used, names its workers `polars-N`, and keeps them until the process ends,
/// so watching the process's threads shows how many it started.
#[cfg(target_os = "linux")]
#[test]
fn threads_bounds_the_workers_of_the_aggregates_too() {
    use std::collections::BTreeSet;
    use std::process::Stdio;

    let out = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_crimefacts"))
        .args(["run", "--quiet", "--threads", "1", "--output", out.path().to_str().unwrap()])
        .env_remove("POLARS_MAX_THREADS")
        .current_dir(workspace_root())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let tasks = format!("/proc/{}/task", child.id());
    let mut polars_workers = BTreeSet::new();
    while child.try_wait().unwrap().is_none() {
        for task in std::fs::read_dir(&tasks).into_iter().flatten().flatten() {
            if let Ok(name) = std::fs::read_to_string(task.path().join("comm"))
                && name.starts_with("polars-")
            {
                polars_workers.insert(name.trim().to_string());
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert!(child.wait().unwrap().success());
    assert!(out.path().join("price_ladder.parquet").is_file());
    assert_eq!(polars_workers, BTreeSet::from(["polars-0".to_string()]));
}
