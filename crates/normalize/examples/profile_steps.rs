//! Times normalize's steps on the seeds: `cargo run --release -p crimefacts-normalize --example profile_steps`.
use std::time::Instant;

use crimefacts_model::{DocRows, Document, DocumentStage, StageOptions};
use crimefacts_normalize::{Normalize, fingerprint, normalize_text, split_sentences};

fn main() {
    let seeds: Vec<String> =
        std::fs::read_dir("seeds").unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect();
    let rounds = 400;
    let time = |name: &str, f: &mut dyn FnMut(&str)| {
        let started = Instant::now();
        for _ in 0..rounds {
            for s in &seeds {
                f(s);
            }
        }
        let per_doc = started.elapsed().as_secs_f64() * 1e6 / (rounds * seeds.len()) as f64;
        println!("{name:<16} {per_doc:8.1} µs/doc");
    };
    let normalize = Normalize::new(&StageOptions::new()).unwrap();
    time("process", &mut |s| {
        let mut d = DocRows::from_raw(Document {
            doc_id: "d".into(),
            source: "a.txt".into(),
            text: s.into(),
            ..Document::default()
        });
        normalize.process(&mut d).unwrap();
    });
    time("summarize", &mut |s| {
        let d = DocRows::from_raw(Document {
            doc_id: "d".into(),
            source: "a.txt".into(),
            text: s.into(),
            ..Document::default()
        });
        normalize.summarize(&d);
    });
    time("normalize_text", &mut |s| {
        normalize_text(s);
    });
    time("fingerprint", &mut |s| {
        fingerprint(s);
    });
    time("sentences", &mut |s| {
        split_sentences("d", s);
    });
}
