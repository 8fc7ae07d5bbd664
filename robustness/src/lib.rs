//! Test support for robustness checks of the per-document path: it runs raw
//! units through ingest, normalize and extract the way a run does (a corpus
//! pass, then parse -> normalize -> extract per unit) and checks every offset of
//! every row. The property tests in `tests/` and the fuzz target in `fuzz/` both
//! call it; no run of `crimefacts` does.
//!
//! Unlike the runner, it does not catch panics: a panic in any stage is the bug
//! these tests look for, so it must reach the test (proptest then shrinks the
//! input) or the fuzzer (which saves it as a crash).
//!
//! It depends on every per-document crate, so it is not under `crates/`, where a
//! crate may depend on `model` only.

use std::sync::LazyLock;

use crimefacts_extract::Extract;
use crimefacts_ingest::{InputFormat, RawUnit, parse_unit};
use crimefacts_model::{DocRows, DocumentStage, Reject, StageOptions};
use crimefacts_normalize::Normalize;

/// What became of one raw unit.
#[derive(Debug)]
pub enum Outcome {
    /// Ingest refused it (not text, not UTF-8, no article, ...).
    Rejected(Reject),
    /// A stage returned an error: in a run, a `rejects` row naming the stage.
    Failed { stage: &'static str, reason: String },
    /// Every stage ran: the rows a run would write.
    Document(Box<DocRows>),
}

/// The extract stage, loaded once (its gazetteers take a while to build).
pub fn extract() -> &'static Extract {
    static EXTRACT: LazyLock<Extract> = LazyLock::new(|| Extract::new().expect("extract stage loads"));
    &EXTRACT
}

/// A raw unit as a reader would yield it.
pub fn unit(source: &str, format: InputFormat, bytes: impl Into<Vec<u8>>) -> RawUnit {
    let line = (format == InputFormat::JsonLines).then_some(1);
    RawUnit { source: source.to_string(), line, format, bytes: bytes.into() }
}

/// Runs `units` as one small corpus, like `crimefacts run` with the default
/// stages: normalize learns from every parsed unit in input order (the corpus
/// pass), then each unit is parsed, normalized and extracted.
pub fn run(units: &[RawUnit]) -> Vec<Outcome> {
    let mut normalize = Normalize::new(&StageOptions::new()).expect("normalize stage builds");
    for doc in units.iter().filter_map(|u| parse_unit(u).ok()).map(DocRows::from_raw) {
        let summary = normalize.summarize(&doc);
        normalize.absorb(&doc, summary);
    }
    units.iter().map(|u| process(&normalize, u)).collect()
}

/// One unit alone, as [`run`] would do it, without building a normalize stage
/// for it (a few milliseconds in a debug build): a corpus of one document
/// leaves nothing in normalize's corpus state that `process` reads (each line
/// seen once counts as unseen; a first document is no duplicate), so only
/// `summarize` is called, not `absorb`. [`run`] covers `absorb`.
pub fn run_one(unit: &RawUnit) -> Outcome {
    static NORMALIZE: LazyLock<Normalize> =
        LazyLock::new(|| Normalize::new(&StageOptions::new()).expect("normalize stage builds"));
    if let Ok(document) = parse_unit(unit) {
        let _ = NORMALIZE.summarize(&DocRows::from_raw(document));
    }
    process(&NORMALIZE, unit)
}

/// One unit through the per-document stages, after the corpus pass.
pub fn process(normalize: &Normalize, unit: &RawUnit) -> Outcome {
    let document = match parse_unit(unit) {
        Ok(document) => document,
        Err(reject) => return Outcome::Rejected(reject),
    };
    let mut doc = DocRows::from_raw(document);
    let stages: [&dyn DocumentStage; 2] = [normalize, extract()];
    for stage in stages {
        if let Err(e) = stage.process(&mut doc) {
            return Outcome::Failed { stage: stage.name(), reason: e.0 };
        }
    }
    Outcome::Document(Box::new(doc))
}

/// Runs `units` as a corpus ([`run`]) and checks every row of every document;
/// the error names the unit and the row that broke an invariant.
pub fn run_and_check(units: &[RawUnit]) -> Result<Vec<Outcome>, String> {
    let outcomes = run(units);
    for (unit, outcome) in units.iter().zip(&outcomes) {
        check_outcome(unit, outcome)?;
    }
    Ok(outcomes)
}

/// [`run_one`], then [`check`].
pub fn run_one_and_check(unit: &RawUnit) -> Result<Outcome, String> {
    let outcome = run_one(unit);
    check_outcome(unit, &outcome)?;
    Ok(outcome)
}

fn check_outcome(unit: &RawUnit, outcome: &Outcome) -> Result<(), String> {
    match outcome {
        Outcome::Document(doc) => check(doc).map_err(|e| format!("{} ({:?}): {e}", unit.source, unit.format)),
        _ => Ok(()),
    }
}

/// The invariants every finished document keeps: spans are code-point offsets
/// with `0 <= start <= end <= chars(text)` (boilerplate into the raw text, all
/// others into `documents.text`), a row's `text` is the text of its span,
/// sentences are numbered in order and do not overlap, and every `sentence`
/// column names a sentence of the document.
pub fn check(doc: &DocRows) -> Result<(), String> {
    let body: Vec<char> = doc.document.text.chars().collect();
    let raw: Vec<char> = doc.raw_text.chars().collect();
    let d = &doc.document;
    if d.body_chars != body.len() as i64 {
        return Err(format!("documents.body_chars {} but the text has {} code points", d.body_chars, body.len()));
    }
    if d.raw_chars != raw.len() as i64 {
        return Err(format!("documents.raw_chars {} but the raw text has {} code points", d.raw_chars, raw.len()));
    }
    let sentences = doc.sentences.len() as i64;
    let sentence_ok = |table: &str, i: usize, sentence: i64| {
        if (0..sentences.max(1)).contains(&sentence) {
            Ok(())
        } else {
            Err(format!("{table}[{i}].sentence = {sentence}, but the document has {sentences} sentences"))
        }
    };

    let mut previous_end = 0;
    for (i, s) in doc.sentences.iter().enumerate() {
        if s.sentence != i as i64 {
            return Err(format!("sentences[{i}].sentence = {}", s.sentence));
        }
        span("sentences", i, &body, s.start, s.end, &s.text)?;
        if s.start < previous_end {
            return Err(format!("sentences[{i}] starts at {} inside the previous one (ends {previous_end})", s.start));
        }
        previous_end = s.end;
    }
    for (i, m) in doc.mentions.iter().enumerate() {
        span("mentions", i, &body, m.start, m.end, &m.text)?;
        sentence_ok("mentions", i, m.sentence)?;
    }
    for (i, a) in doc.amounts.iter().enumerate() {
        span("amounts", i, &body, a.start, a.end, &a.text)?;
        sentence_ok("amounts", i, a.sentence)?;
    }
    for (i, date) in doc.dates.iter().enumerate() {
        span("dates", i, &body, date.start, date.end, &date.text)?;
        sentence_ok("dates", i, date.sentence)?;
    }
    for (i, b) in doc.boilerplate.iter().enumerate() {
        span("boilerplate", i, &raw, b.start, b.end, &b.text)?;
    }
    for (i, e) in doc.events.iter().enumerate() {
        sentence_ok("events", i, e.sentence)?;
    }
    for (i, f) in doc.flows.iter().enumerate() {
        sentence_ok("flows", i, f.sentence)?;
    }
    for (i, a) in doc.attributions.iter().enumerate() {
        sentence_ok("attributions", i, a.sentence)?;
    }
    Ok(())
}

/// `0 <= start <= end <= chars.len()`, and `text` is what the span holds.
fn span(table: &str, row: usize, chars: &[char], start: i64, end: i64, text: &str) -> Result<(), String> {
    if !(0 <= start && start <= end && end <= chars.len() as i64) {
        return Err(format!("{table}[{row}]: span {start}..{end} outside 0..={}", chars.len()));
    }
    let held: String = chars[start as usize..end as usize].iter().collect();
    if held != text {
        return Err(format!("{table}[{row}]: text {text:?} but span {start}..{end} holds {held:?}"));
    }
    Ok(())
}

/// The format a fuzz input is read as, from its first byte; the rest is the unit.
pub fn split_format(data: &[u8]) -> (InputFormat, &[u8]) {
    match data.split_first() {
        Some((first, rest)) => {
            let format = match first % 3 {
                0 => InputFormat::Text,
                1 => InputFormat::JsonLines,
                _ => InputFormat::Html,
            };
            (format, rest)
        }
        None => (InputFormat::Text, data),
    }
}

/// File name a unit of `format` would come from (the folder is the site for
/// normalize's repeated-line statistics).
pub fn source_name(format: InputFormat, n: usize) -> String {
    let ext = match format {
        InputFormat::Text => "txt",
        InputFormat::JsonLines => "jsonl",
        InputFormat::Html => "html",
    };
    format!("site/{n}.{ext}")
}
