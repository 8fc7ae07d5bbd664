//! The default pipeline on `seeds/`: every table lands, reads back with the
//! contract's types, offsets hold, and two runs give byte-identical files.

use crimefacts_model::all_tables;
use crimefacts_pipeline::sink::check_frame;

use crimefacts_pipeline::{RunOptions, run};

use crate::support::{assert_same_tables, config_between, ints, read_table, run_into, seed_texts, seeds_dir, strings};

#[test]
fn default_pipeline_writes_every_contract_table() {
    let out = tempfile::tempdir().unwrap();
    let summary = run_into(&seeds_dir(), out.path(), 2);
    assert_eq!(summary.documents, 5);
    assert_eq!(summary.rejects(), 0);
    for table in all_tables() {
        let frame = read_table(out.path(), table.name);
        check_frame(table, &frame).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.rows[table.name], frame.height(), "{}", table.name);
    }
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    let documents = read_table(out.path(), "documents");
    let mut sources = strings(&documents, "source");
    sources.sort();
    assert_eq!(sources[1], "001_85b97d9d77835e52.txt");

    // The contract's offset rule, checked as Python would: text[start:end].
    let texts: std::collections::HashMap<String, Vec<char>> = strings(&documents, "doc_id")
        .into_iter()
        .zip(strings(&documents, "text"))
        .map(|(id, text)| (id, text.chars().collect()))
        .collect();
    for table in ["sentences", "mentions", "amounts"] {
        let frame = read_table(out.path(), table);
        assert!(frame.height() > 0, "{table} is empty on the seeds");
        let (docs, starts, ends, spans) =
            (strings(&frame, "doc_id"), ints(&frame, "start"), ints(&frame, "end"), strings(&frame, "text"));
        for i in 0..frame.height() {
            let text = &texts[&docs[i]];
            let span: String = text[starts[i] as usize..ends[i] as usize].iter().collect();
            assert_eq!(span, spans[i], "{table} row {i}");
        }
    }
}

#[test]
fn seed_facts_that_matter_are_extracted() {
    let out = tempfile::tempdir().unwrap();
    run_into(&seeds_dir(), out.path(), 1);
    let amounts = read_table(out.path(), "amounts");
    let rows: Vec<(String, String, Option<f64>, Option<String>)> = (0..amounts.height())
        .map(|i| {
            let row = amounts.get(i).unwrap();
            let name = |c: &str| amounts.get_column_index(c).unwrap();
            (
                row[name("text")].get_str().unwrap_or("").to_string(),
                row[name("kind")].get_str().unwrap_or("").to_string(),
                row[name("value_norm")].extract::<f64>(),
                row[name("per")].get_str().map(str::to_string),
            )
        })
        .collect();
    let has = |text: &str, kind: &str, norm: f64, per: Option<&str>| {
        rows.iter().any(|r| r.0 == text && r.1 == kind && r.2 == Some(norm) && r.3.as_deref() == per)
    };
    // Seed 001: the price ladder of a kilo and the seizure.
    assert!(has("$1,500", "money", 1500.0, Some("kg")), "{rows:#?}");
    assert!(has("$50,000", "money", 50000.0, Some("kg")));
    assert!(has("$25,000", "money", 25000.0, Some("flight")));
    assert!(has("1.5 tons", "mass", 1500.0, None));
    assert!(has("450 tons", "mass", 450000.0, None));

    let mentions = read_table(out.path(), "mentions");
    let ids = strings(&mentions, "entity_id");
    for id in ["iso:BO", "iso:PE", "iso:BR", "iso:VE", "iso:US"] {
        assert!(ids.iter().any(|i| i == id), "{id} not found");
    }
}

#[test]
fn two_runs_give_byte_identical_tables_whatever_the_thread_count() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run_into(&seeds_dir(), a.path(), 1);
    run_into(&seeds_dir(), b.path(), 2);
    assert_same_tables(a.path(), b.path(), "between runs");
}

#[test]
fn many_small_chunks_on_three_workers_land_in_input_order() {
    // Batches of three documents go to the pool one document per chunk, so
    // chunks finish out of order and the writer must put them back.
    let input = tempfile::tempdir().unwrap();
    let seeds = seed_texts();
    for copy in 0..8 {
        for (name, text) in &seeds {
            std::fs::write(input.path().join(format!("{copy}_{name}")), format!("Copy {copy}\n\n{text}")).unwrap();
        }
    }
    std::fs::write(input.path().join("4_empty.txt"), " \n").unwrap();
    let run_with = |threads: usize| {
        let out = tempfile::tempdir().unwrap();
        let mut config = config_between(input.path(), out.path());
        config.options.batch_size = 3;
        let summary = run(&RunOptions { config, threads: Some(threads), progress: false, shard: None }).unwrap();
        assert_eq!((summary.documents, summary.rejects()), (40, 1));
        out
    };
    let (one, three) = (run_with(1), run_with(3));
    let sources = strings(&read_table(three.path(), "documents"), "source");
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted);
    assert_same_tables(one.path(), three.path(), "between one and three workers");
}

#[test]
fn documents_kept_from_the_corpus_pass_give_the_tables_of_documents_read_again() {
    // Text files, a jsonl file of several articles, and units that are
    // rejected when read (too large) and when parsed (invalid UTF-8): kept
    // whole, kept up to a file in the middle, or read again.
    let input = tempfile::tempdir().unwrap();
    let texts: Vec<String> = seed_texts().into_iter().map(|(_, text)| text).collect();
    for (i, text) in texts.iter().enumerate() {
        std::fs::write(input.path().join(format!("a{i}.txt")), text).unwrap();
    }
    let lines: Vec<String> = texts
        .iter()
        .map(|t| serde_json::json!({"text": format!("Copy\n\n{t}"), "publisher": "InSight Crime"}).to_string())
        .collect();
    std::fs::write(input.path().join("b.jsonl"), lines.join("\n")).unwrap();
    std::fs::write(input.path().join("c_latin1.txt"), b"Caf\xe9 con leche en Bogot\xe1").unwrap();
    std::fs::write(input.path().join("d_large.txt"), "x ".repeat(60_000)).unwrap();
    std::fs::write(input.path().join("e.txt"), &texts[0]).unwrap();
    let total: u64 = std::fs::read_dir(input.path()).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();

    let run_keeping = |kept_input_bytes: u64| {
        let out = tempfile::tempdir().unwrap();
        let mut config = config_between(input.path(), out.path());
        config.options.batch_size = 4;
        config.options.kept_input_bytes = kept_input_bytes;
        config.limits.max_document_bytes = 100_000;
        let summary = run(&RunOptions { config, threads: Some(2), progress: false, shard: None }).unwrap();
        assert_eq!((summary.documents, summary.rejects()), (2 * texts.len() + 1, 2), "keeping {kept_input_bytes}");
        (out, summary.kept_units)
    };
    let (again, none_kept) = run_keeping(0);
    assert_eq!(none_kept, 0);
    // With the text files and one line: the jsonl file's second line goes
    // over the budget, so the line already kept is dropped and from that file
    // on, files are read again. With room for everything, every unit is kept,
    // the two rejects too.
    let a_files: u64 = texts.iter().map(|t| t.len() as u64).sum();
    let budgets = [(a_files + lines[0].len() as u64 + 10, texts.len()), (10 * total, 2 * texts.len() + 3)];
    for (kept_input_bytes, units_kept) in budgets {
        let (kept, kept_units) = run_keeping(kept_input_bytes);
        assert_eq!(kept_units, units_kept, "keeping {kept_input_bytes} bytes");
        assert_same_tables(again.path(), kept.path(), &format!("between keeping {kept_input_bytes} bytes and none"));
    }
}

#[test]
fn a_republished_story_is_marked_as_a_duplicate_of_the_first_copy() {
    let story = "Police in Ecuador seized four tons of cocaine hidden in a container of bananas bound for Antwerp, the interior ministry said on Monday.\n\nThe shipment was found during a routine inspection at the port of Guayaquil, where traffickers often mix drugs with fruit exports to avoid detection.\n\nThree people were arrested, including a port worker who allegedly helped load the container, officials said.";
    let other = "Colombian authorities destroyed twelve cocaine laboratories in the department of Nariño last week, the army said in a statement on Sunday.\n\nThe laboratories could produce up to two tons of cocaine a month and belonged to a dissident faction of the former FARC guerrilla, according to the army.\n\nNo arrests were reported during the operation, which involved more than two hundred soldiers.";
    let input = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(input.path().join(name), text).unwrap();
    write("a.txt", &format!("Ecuador Seizes Four Tons of Cocaine\n\n{story}\n\nShare this article\n\nRelated stories"));
    write("b.txt", &format!("Army Destroys Labs in Nariño\n\n{other}"));
    write(
        "c.txt",
        &format!(
            "World News | Americas | Crime\n\nBig Banana Bust at Guayaquil Port\n\nBy Staff Writer\n\n{story}\n\nComments"
        ),
    );

    let out = tempfile::tempdir().unwrap();
    run_into(input.path(), out.path(), 2);
    let documents = read_table(out.path(), "documents");
    let ids = strings(&documents, "doc_id");
    let duplicate_of: Vec<Option<String>> =
        documents.column("duplicate_of").unwrap().str().unwrap().iter().map(|v| v.map(str::to_string)).collect();
    assert_eq!(duplicate_of, [None, None, Some(ids[0].clone())]);
    let titles = strings(&documents, "title");
    assert_eq!(
        titles,
        ["Ecuador Seizes Four Tons of Cocaine", "Army Destroys Labs in Nariño", "Big Banana Bust at Guayaquil Port"]
    );

    // The audit trail points into the raw files.
    let boilerplate = read_table(out.path(), "boilerplate");
    let raw_c: Vec<char> = std::fs::read_to_string(input.path().join("c.txt")).unwrap().chars().collect();
    let (docs, starts, ends, texts) = (
        strings(&boilerplate, "doc_id"),
        ints(&boilerplate, "start"),
        ints(&boilerplate, "end"),
        strings(&boilerplate, "text"),
    );
    let rows_c: Vec<usize> = (0..boilerplate.height()).filter(|&i| docs[i] == ids[2]).collect();
    assert!(rows_c.len() >= 3, "header, byline and the comments marker of c.txt");
    for i in rows_c {
        let span: String = raw_c[starts[i] as usize..ends[i] as usize].iter().collect();
        assert_eq!(span, texts[i]);
    }
}
