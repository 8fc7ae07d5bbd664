//! Bad inputs become one `rejects` row each, with a clear reason; good ones land.

use std::io::Write;

use crate::support::{read_table, run_into, strings};

#[test]
fn bad_inputs_are_rejected_one_row_each_and_the_run_goes_on() {
    let input = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(input.path().join(name), bytes).unwrap();
    write("binary.txt", &[0x7f, b'E', b'L', b'F', 0, 0, 1, 2, 3, 0, 0]);
    write("latin1.txt", b"Se incaut\xf3 coca\xedna en Per\xfa.");
    write("empty.txt", b"");
    write(
        "mixed.jsonl",
        b"{\"text\": \"Police in Peru seized 2 tons of cocaine.\", \"title\": \"Good\"}\n{\"text\": oops}\n",
    );
    write("corrupt.txt.gz", &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef]);
    write("good.txt", b"Bolivia seized 500 kilos of cocaine paste.");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"<html><head><title>Zipped</title></head><body><p>Colombia and Brazil.</p></body></html>").unwrap();
    write("page.html.gz", &gz.finish().unwrap());
    write("notes.md", b"not an article");

    let out = tempfile::tempdir().unwrap();
    let summary = run_into(input.path(), out.path(), 2);

    let rejects = read_table(out.path(), "rejects");
    let found: Vec<(String, String)> =
        strings(&rejects, "source").into_iter().zip(strings(&rejects, "reason")).collect();
    let reason_of = |source: &str| -> &str {
        let hits: Vec<_> = found.iter().filter(|(s, _)| s == source).collect();
        assert_eq!(hits.len(), 1, "{source}: {found:?}");
        &hits[0].1
    };
    assert!(reason_of("binary.txt").contains("binary"));
    assert!(reason_of("latin1.txt").contains("invalid UTF-8"));
    assert!(reason_of("empty.txt").contains("empty"));
    assert!(reason_of("mixed.jsonl").contains("malformed JSON"));
    assert!(reason_of("corrupt.txt.gz").contains("gzip"));
    assert!(reason_of("notes.md").contains("unsupported file type"));
    assert_eq!(found.len(), 6);
    let lines = rejects.column("line").unwrap().i64().unwrap().iter().collect::<Vec<_>>();
    let jsonl_row = found.iter().position(|(s, _)| s == "mixed.jsonl").unwrap();
    assert_eq!(lines[jsonl_row], Some(2));

    let documents = read_table(out.path(), "documents");
    let mut sources = strings(&documents, "source");
    sources.sort();
    assert_eq!(sources, ["good.txt", "mixed.jsonl", "page.html.gz"]);
    assert_eq!(summary.documents, 3);
    assert_eq!(summary.rejects(), 6);
    let titles = strings(&documents, "title");
    assert!(titles.contains(&"Zipped".to_string()) && titles.contains(&"Good".to_string()));
}

#[test]
fn limits_from_the_pipeline_file_reject_what_is_too_big_or_too_slow_and_keep_the_rest() {
    use crimefacts_pipeline::{RunOptions, run};

    let input = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(input.path().join(name), bytes).unwrap();
    write("big.txt", "Police in Peru seized cocaine. ".repeat(100).as_bytes());
    write("small.txt", b"Bolivia seized 500 kilos of cocaine paste.");
    let long_line = format!("{{\"text\": \"{}\"}}", "Peru seized cocaine. ".repeat(100));
    write("feed.jsonl", format!("{{\"text\": \"Brazil seized 2 tons.\"}}\n{long_line}\n{{\"text\": 42}}\n").as_bytes());

    let out = tempfile::tempdir().unwrap();
    let mut config = crate::support::config_between(input.path(), out.path());
    config.limits.max_document_bytes = 1000;
    let summary = run(&RunOptions { config: config.clone(), threads: Some(2), progress: false, shard: None }).unwrap();
    assert_eq!(summary.documents, 2, "small.txt and the first jsonl line");
    let rejects = read_table(out.path(), "rejects");
    let reasons: Vec<(String, String)> =
        strings(&rejects, "source").into_iter().zip(strings(&rejects, "reason")).collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons.iter().any(|(s, r)| s == "big.txt" && r.contains("limits.max_document_bytes")), "{reasons:?}");
    assert!(reasons.iter().any(|(s, r)| s == "feed.jsonl" && r.contains("limits.max_document_bytes")));
    assert!(reasons.iter().any(|(s, r)| s == "feed.jsonl" && r.contains("text")), "the wrong type: {reasons:?}");

    // A budget no document can meet rejects every one, naming the limit.
    config.limits = Default::default();
    config.limits.document_time_budget_ms = 1;
    config.input = crate::support::seeds_dir().to_str().unwrap().into();
    let summary = run(&RunOptions { config, threads: Some(2), progress: false, shard: None }).unwrap();
    let rejects = read_table(out.path(), "rejects");
    assert!(summary.rejects() >= 3, "debug builds spend more than 1 ms on most seeds");
    assert!(strings(&rejects, "reason").iter().all(|r| r.contains("limits.document_time_budget_ms")));
}
