//! Crash safety: a run killed with SIGKILL leaves no partial table under a
//! final name, and a rerun gives the same bytes as a run never interrupted.
//! Output never leaves the output folder, whatever the data says.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{seeds_dir, workspace_root};

/// Files under `dir`, recursively, by path relative to it.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                found.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

fn crimefacts(input: &Path, output: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crimefacts"));
    command
        .args(["run", "--quiet", "--threads", "2", "--input"])
        .arg(input)
        .arg("--output")
        .arg(output)
        .current_dir(workspace_root());
    command
}

#[test]
fn a_run_killed_mid_way_leaves_no_partial_table_and_a_rerun_gives_the_same_bytes() {
    // Enough copies of the seeds that the debug binary takes a few seconds.
    let input = tempfile::tempdir().unwrap();
    let seeds: Vec<_> = std::fs::read_dir(seeds_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    for copy in 0..80 {
        for seed in &seeds {
            let name = format!("{copy:03}_{}", seed.file_name().unwrap().to_string_lossy());
            std::fs::copy(seed, input.path().join(name)).unwrap();
        }
    }
    let killed = tempfile::tempdir().unwrap();
    let mut child = crimefacts(input.path(), killed.path()).spawn().unwrap();
    // Kill once the tables are being written, well before the run can end.
    let started = Instant::now();
    while !files(killed.path()).keys().any(|name| name.ends_with(".tmp")) {
        assert!(started.elapsed() < Duration::from_secs(60), "the run never started writing");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap(); // SIGKILL: no destructor, no flush, no cleanup.
    let status = child.wait().unwrap();
    assert!(!status.success(), "the run ended before it was killed; make the corpus larger");

    let after_kill = files(killed.path());
    let finished: Vec<&String> = after_kill.keys().filter(|n| n.ends_with(".parquet")).collect();
    assert!(finished.is_empty(), "tables under their final name after a kill mid-run: {finished:?}");
    assert!(after_kill.keys().any(|n| n.ends_with(".tmp")), "the kill left its temporary files");

    assert!(crimefacts(input.path(), killed.path()).status().unwrap().success());
    let clean = tempfile::tempdir().unwrap();
    assert!(crimefacts(input.path(), clean.path()).status().unwrap().success());
    let (rerun, uninterrupted) = (files(killed.path()), files(clean.path()));
    assert_eq!(rerun.keys().collect::<Vec<_>>(), uninterrupted.keys().collect::<Vec<_>>(), "stale files remain");
    for (name, bytes) in &uninterrupted {
        assert!(rerun[name] == *bytes, "{name} differs after the rerun");
    }
}

#[test]
fn paths_in_the_data_are_only_data() {
    let root = tempfile::tempdir().unwrap();
    let input = root.path().join("in");
    let output = root.path().join("out");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(
        input.join("feed.jsonl"),
        concat!(
            r#"{"text": "Police in Peru seized two tons of cocaine.", "source": "../../etc/x", "#,
            r#""url": "file:///etc/passwd", "title": "../../../tmp/evil", "publisher": "/etc"}"#,
            "\n"
        ),
    )
    .unwrap();
    let status = crimefacts(&input, &output).status().unwrap();
    assert!(status.success());
    let beside: Vec<String> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut beside = beside;
    beside.sort();
    assert_eq!(beside, ["in", "out"], "nothing written beside the output folder");
    for name in files(&output).keys().filter(|name| *name != "_document_index.json") {
        let table = name.trim_end_matches(".parquet");
        assert!(crimefacts_model::all_tables().iter().any(|t| t.name == table), "unexpected file {name}");
    }
    let documents = crate::support::read_table(&output, "documents");
    assert_eq!(crate::support::strings(&documents, "source"), ["feed.jsonl"], "source is the input path, not data");
}
