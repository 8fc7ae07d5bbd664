//! The per-document stage interface.

use std::fmt;

use crate::rows::DocRows;

/// A per-document stage: a pure function of one document and the rows earlier
/// stages produced for it. The runner calls it from many threads at once, in any
/// order across documents, so it must not keep state between calls beyond what
/// it loaded when it was built (gazetteers, compiled patterns).
pub trait DocumentStage: Send + Sync {
    /// Name used in pipeline files, `crimefacts stages` and rejects rows.
    fn name(&self) -> &'static str;

    /// One line on what the stage adds.
    fn describe(&self) -> &'static str;

    /// Reads and appends rows of `doc`. An error rejects this document only: the
    /// runner records it in `rejects` with the stage name and goes on.
    fn process(&self, doc: &mut DocRows) -> Result<(), StageError>;
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
