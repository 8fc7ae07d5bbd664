//! The per-document stage interface.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;

use crate::rows::DocRows;

/// What a stage learned from one document during the corpus pass (see
/// [`DocumentStage::summarize`]); only the stage that made it reads it back.
pub type CorpusSummary = Option<Box<dyn Any + Send>>;

/// Options of a pipeline file (`[options]`), as strings, for stage constructors.
pub type StageOptions = BTreeMap<String, String>;

/// A per-document stage: a pure function of one document and the rows earlier
/// stages produced for it. The runner calls [`process`](Self::process) from many
/// threads at once, in any order across documents, so it must not keep state
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

/// Why a stage gave up on one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageError(pub String);

impl fmt::Display for StageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StageError {}
