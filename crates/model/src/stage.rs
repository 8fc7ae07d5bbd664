//! The per-document stage interface.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use crate::rows::DocRows;

/// What a stage learned from one document during the corpus pass (see
/// [`DocumentStage::summarize`]); only the stage that made it reads it back.
pub type CorpusSummary = Option<Box<dyn Any + Send>>;

/// Options of a pipeline file (`[options]`), as strings, for stage constructors.
pub type StageOptions = BTreeMap<String, String>;

/// A per-document stage: a pure function of one document and the rows earlier
/// stages produced for it. The runner calls [`process_batch`](Self::process_batch)
/// from many threads at once, in any order across documents, so it must not keep state
/// between calls beyond what it loaded when it was built and what it learned in
/// the corpus pass.
///
/// Some decisions need the whole corpus: a line that recurs in many pages of one
/// site is chrome; an article seen before is a duplicate. A stage that needs this
/// answers `true` to [`needs_corpus_pass`](Self::needs_corpus_pass): the runner
/// then reads the input once before processing, calls `summarize` on every
/// document in parallel (the per-document work) and `absorb` on each summary
/// sequentially, in input order (the whole-stream work), so that what the stage
/// learns is deterministic. State kept by `absorb` must stay bounded as the
/// corpus grows.
pub trait DocumentStage: Send + Sync {
    /// Name used in pipeline files, `crimefacts stages` and rejects rows.
    fn name(&self) -> &'static str;

    /// One line on what the stage adds.
    fn describe(&self) -> &'static str;

    /// Reads and appends rows of `doc`. An error rejects this document only: the
    /// runner records it in `rejects` with the stage name and goes on.
    fn process(&self, doc: &mut DocRows) -> Result<(), StageError>;

    /// Processes every document of `batch` as [`process`](Self::process)
    /// would, each apart from the others. The runner calls this, on a few
    /// dozen documents at a time. A stage made of several steps, each with
    /// its own large tables (automata, gazetteers), does better to run each
    /// step over every document before the next step, so that those tables
    /// stay in the CPU's caches: see [`Batch::step`].
    fn process_batch(&self, batch: &mut Batch<'_>) {
        batch.step(|_, doc| self.process(doc));
    }

    /// Whether the stage learns from the whole corpus before `process`.
    fn needs_corpus_pass(&self) -> bool {
        false
    }

    /// Corpus pass, parallel part: what this document contributes. `doc` is the
    /// document as ingest made it (raw text, no rows yet).
    fn summarize(&self, _doc: &DocRows) -> CorpusSummary {
        None
    }

    /// Corpus pass, sequential part: folds one summary into the stage's state.
    fn absorb(&mut self, _doc: &DocRows, _summary: CorpusSummary) {}

    /// The corpus pass has ended: drop what only it needed, before `process`.
    fn corpus_pass_done(&mut self) {}
}

/// Documents going through one stage together, with what each has cost so
/// far and, once it has stopped, why. Every step runs on each document that
/// is still going, in order; a document that fails a step (an error, a panic,
/// or its time spent past the budget) is left out of the steps after it, and
/// the others go on.
pub struct Batch<'a> {
    docs: &'a mut [DocRows],
    progress: &'a mut [Progress],
    budget: Duration,
}

/// One document's account in a [`Batch`].
#[derive(Debug, Default)]
pub struct Progress {
    /// Time spent on the document by every step that ran on it, in every stage.
    pub spent: Duration,
    /// Why the document stopped, if it did.
    pub failure: Option<Failure>,
}

/// Why a document stopped in a stage.
#[derive(Debug)]
pub enum Failure {
    /// The stage said why.
    Error(StageError),
    /// A step panicked: a bug, reported with the panic's message.
    Panic(String),
    /// The document had spent more than the budget when a step ended.
    OverBudget,
}

impl<'a> Batch<'a> {
    /// `progress[i]` is the account of `docs[i]`; documents that have already
    /// failed are not touched.
    pub fn new(docs: &'a mut [DocRows], progress: &'a mut [Progress], budget: Duration) -> Self {
        assert_eq!(docs.len(), progress.len(), "one account per document");
        Self { docs, progress, budget }
    }

    /// The documents, to read before the steps (a step writes through
    /// [`step`](Self::step) only).
    pub fn docs(&self) -> &[DocRows] {
        self.docs
    }

    /// Runs `work(i, doc)` on every document still going, timing each call and
    /// catching its panic.
    pub fn step(&mut self, mut work: impl FnMut(usize, &mut DocRows) -> Result<(), StageError>) {
        for (i, (doc, progress)) in self.docs.iter_mut().zip(self.progress.iter_mut()).enumerate() {
            if progress.failure.is_some() {
                continue;
            }
            let started = Instant::now();
            let result = catch_unwind(AssertUnwindSafe(|| work(i, doc)));
            progress.spent += started.elapsed();
            progress.failure = match result {
                Ok(Ok(())) if progress.spent > self.budget => Some(Failure::OverBudget),
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(Failure::Error(e)),
                Err(panic) => Some(Failure::Panic(panic_message(panic.as_ref()))),
            };
        }
    }

    /// Runs `process_batch` on one document, for callers of `process`: an
    /// error comes back as it is and a panic goes on unwinding.
    pub fn run_one(doc: &mut DocRows, process_batch: impl FnOnce(&mut Batch<'_>)) -> Result<(), StageError> {
        let mut progress = [Progress::default()];
        process_batch(&mut Batch::new(std::slice::from_mut(doc), &mut progress, Duration::MAX));
        match progress[0].failure.take() {
            None | Some(Failure::OverBudget) => Ok(()),
            Some(Failure::Error(e)) => Err(e),
            Some(Failure::Panic(message)) => std::panic::resume_unwind(Box::new(message)),
        }
    }
}

/// The text a panic was raised with.
fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// Why a stage gave up on one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageError(pub String);

impl fmt::Display for StageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StageError {}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Batch, Failure, Progress, StageError};
    use crate::rows::{DocRows, Document};

    fn docs(texts: &[&str]) -> Vec<DocRows> {
        texts.iter().map(|t| DocRows::from_raw(Document { text: t.to_string(), ..Document::default() })).collect()
    }

    /// A step that fails on "error", panics on "panic" and sleeps on "slow",
    /// and otherwise appends `mark` to the text.
    fn step_marking(mark: char) -> impl FnMut(usize, &mut DocRows) -> Result<(), StageError> {
        move |_, doc| {
            match doc.raw_text.as_str() {
                "error" => return Err(StageError("no good".into())),
                "panic" => panic!("step {mark} fell over"),
                "slow" => std::thread::sleep(Duration::from_millis(30)),
                _ => {}
            }
            doc.document.text.push(mark);
            Ok(())
        }
    }

    #[test]
    fn a_document_that_fails_a_step_skips_the_later_steps_and_the_others_go_on() {
        let mut docs = docs(&["a", "error", "panic", "slow", "b"]);
        let mut progress: Vec<Progress> = (0..docs.len()).map(|_| Progress::default()).collect();
        // A document that had failed before this stage is not touched.
        progress[4].failure = Some(Failure::Error(StageError("earlier".into())));
        let mut batch = Batch::new(&mut docs, &mut progress, Duration::from_millis(20));
        batch.step(step_marking('1'));
        batch.step(step_marking('2'));
        let texts: Vec<&str> = docs.iter().map(|d| d.document.text.as_str()).collect();
        assert_eq!(texts, ["a12", "error", "panic", "slow1", "b"]);
        assert!(progress[0].failure.is_none());
        assert!(matches!(&progress[1].failure, Some(Failure::Error(e)) if e.0 == "no good"));
        assert!(matches!(&progress[2].failure, Some(Failure::Panic(m)) if m == "step 1 fell over"));
        assert!(matches!(&progress[3].failure, Some(Failure::OverBudget)));
        assert!(progress[3].spent >= Duration::from_millis(30));
        assert!(matches!(&progress[4].failure, Some(Failure::Error(e)) if e.0 == "earlier"));
    }

    #[test]
    fn one_document_run_as_a_batch_gives_back_its_error_or_its_panic() {
        let run = |text: &str| {
            let mut doc = docs(&[text]).remove(0);
            let result = Batch::run_one(&mut doc, |batch| batch.step(step_marking('x')));
            (result, doc.document.text)
        };
        assert_eq!(run("a"), (Ok(()), "ax".to_string()));
        assert_eq!(run("error"), (Err(StageError("no good".into())), "error".to_string()));
        // No budget for a single call: slow is only slow.
        assert_eq!(run("slow"), (Ok(()), "slowx".to_string()));
        let panic = std::panic::catch_unwind(|| run("panic")).expect_err("the panic goes on");
        assert_eq!(super::panic_message(panic.as_ref()), "step x fell over");
    }
}
