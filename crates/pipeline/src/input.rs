//! The units of a run as the main pass takes them: read and parsed, or kept
//! from the corpus pass. The corpus pass reads and parses every file; within
//! a byte budget it keeps what it parsed, so a small corpus is read from disk
//! and parsed once, and the main pass reads only the files after the kept
//! ones. Kept units are those the corpus pass learned from, so the two passes
//! also agree on a file that changes between them.

use std::time::{Duration, Instant};

use crimefacts_ingest::{InputFile, RawUnit, parse_unit};
use crimefacts_model::{DocRows, Reject};

/// One unit of input and how far it has come.
pub(crate) struct Input {
    /// Bytes read for it (0 for a file that could not be read).
    pub bytes: u64,
    pub state: InputState,
}

pub(crate) enum InputState {
    Read(RawUnit),
    Parsed(Box<ParsedUnit>),
    Rejected(Reject),
}

/// A parsed document with where it came from and what parsing it cost, which
/// counts against its time budget in the main pass.
pub(crate) struct ParsedUnit {
    pub source: String,
    pub line: Option<i64>,
    pub parse_time: Duration,
    pub doc: DocRows,
}

impl Input {
    /// A unit as the reader gave it.
    pub fn read(unit: Result<RawUnit, Reject>) -> Self {
        match unit {
            Ok(unit) => Self { bytes: unit.bytes.len() as u64, state: InputState::Read(unit) },
            Err(reject) => Self { bytes: 0, state: InputState::Rejected(reject) },
        }
    }

    /// The unit parsed, if it was read and not parsed yet.
    pub fn parsed(self) -> Self {
        let InputState::Read(unit) = self.state else { return self };
        let state = match parse(unit) {
            Ok(parsed) => InputState::Parsed(parsed),
            Err(reject) => InputState::Rejected(reject),
        };
        Self { bytes: self.bytes, state }
    }

    pub fn document(&self) -> Option<&DocRows> {
        match &self.state {
            InputState::Parsed(parsed) => Some(&parsed.doc),
            _ => None,
        }
    }

    /// The input file it came from.
    pub fn source(&self) -> &str {
        match &self.state {
            InputState::Read(unit) => &unit.source,
            InputState::Parsed(parsed) => &parsed.source,
            InputState::Rejected(reject) => &reject.source,
        }
    }
}

/// Parses a unit into a document, timing it.
pub(crate) fn parse(unit: RawUnit) -> Result<Box<ParsedUnit>, Reject> {
    let started = Instant::now();
    let document = parse_unit(&unit)?;
    let doc = DocRows::from_raw(document);
    Ok(Box::new(ParsedUnit { source: unit.source, line: unit.line, parse_time: started.elapsed(), doc }))
}

/// What the corpus pass keeps for the main pass: whole files, in input order,
/// until their bytes would pass the budget.
pub(crate) struct KeptInput {
    inputs: Vec<Input>,
    bytes: u64,
    budget: u64,
    /// The file whose units went over the budget: the main pass reads from it on.
    first_unkept: Option<String>,
}

impl KeptInput {
    pub fn new(budget: u64) -> Self {
        Self { inputs: Vec::new(), bytes: 0, budget, first_unkept: None }
    }

    /// Keeps the next inputs of the corpus pass, in input order, while they
    /// fit. The first that does not fit stops the keeping, and the units
    /// already kept from its file are dropped: a file is kept whole or read
    /// again.
    pub fn keep(&mut self, inputs: Vec<Input>) {
        for input in inputs {
            if self.first_unkept.is_some() {
                return;
            }
            if self.budget == 0 || self.bytes + input.bytes > self.budget {
                let source = input.source().to_string();
                while self.inputs.last().is_some_and(|kept| kept.source() == source) {
                    let dropped = self.inputs.pop().expect("a last input");
                    self.bytes -= dropped.bytes;
                }
                self.first_unkept = Some(source);
                return;
            }
            self.bytes += input.bytes;
            self.inputs.push(input);
        }
    }

    /// The kept inputs and the files still to read, in input order. `files`
    /// are the files the corpus pass read.
    pub fn finish(self, mut files: Vec<InputFile>) -> (Vec<Input>, Vec<InputFile>) {
        let Some(source) = &self.first_unkept else { return (self.inputs, Vec::new()) };
        match files.iter().position(|f| &f.source == source) {
            Some(first_unread) => {
                let unread = files.split_off(first_unread);
                (self.inputs, unread)
            }
            // Not a file the pass read: nothing is kept rather than a unit read twice.
            None => (Vec::new(), files),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crimefacts_ingest::InputFormat;

    use super::*;

    fn unit(source: &str, line: i64, text: &str) -> Input {
        Input::read(Ok(RawUnit {
            source: source.into(),
            line: Some(line),
            format: InputFormat::Text,
            bytes: text.as_bytes().to_vec(),
        }))
    }

    fn file(source: &str) -> InputFile {
        InputFile { path: PathBuf::from(source), source: source.into(), format: InputFormat::JsonLines, gzip: false }
    }

    fn sources(inputs: &[Input]) -> Vec<String> {
        inputs.iter().map(|i| format!("{}:{}", i.source(), i.bytes)).collect()
    }

    #[test]
    fn units_are_kept_by_whole_files_until_the_budget_and_reading_resumes_at_the_first_file_not_kept() {
        let mut kept = KeptInput::new(10);
        kept.keep(vec![unit("a", 1, "aaa"), unit("b", 1, "bbb")]);
        // b's second unit goes over the budget: b is read again, whole.
        kept.keep(vec![unit("b", 2, "bbbbb"), unit("c", 1, "c")]);
        kept.keep(vec![unit("d", 1, "d")]);
        let (inputs, unread) = kept.finish(vec![file("a"), file("b"), file("c"), file("d")]);
        assert_eq!(sources(&inputs), ["a:3"]);
        assert_eq!(unread.iter().map(|f| f.source.as_str()).collect::<Vec<_>>(), ["b", "c", "d"]);
    }

    #[test]
    fn a_corpus_within_the_budget_is_kept_whole_with_its_rejects_and_no_file_is_read_again() {
        let mut kept = KeptInput::new(100);
        let unreadable = Input::read(Err(Reject {
            source: "b".into(),
            line: None,
            stage: "ingest".into(),
            reason: "cannot open file".into(),
        }));
        kept.keep(vec![unit("a", 1, "some text"), unreadable, unit("c", 1, "more text").parsed()]);
        let (inputs, unread) = kept.finish(vec![file("a"), file("b"), file("c")]);
        assert_eq!(sources(&inputs), ["a:9", "b:0", "c:9"]);
        assert!(matches!(inputs[1].state, InputState::Rejected(_)));
        assert_eq!(inputs[2].document().map(|d| d.raw_text.as_str()), Some("more text"));
        assert!(unread.is_empty());
    }

    #[test]
    fn a_unit_from_a_file_not_in_the_list_keeps_nothing_so_no_unit_is_read_twice() {
        let mut kept = KeptInput::new(4);
        kept.keep(vec![unit("a", 1, "aaa"), unit("elsewhere", 1, "bbb")]);
        let (inputs, unread) = kept.finish(vec![file("a"), file("b")]);
        assert!(inputs.is_empty());
        assert_eq!(unread.len(), 2);
    }

    #[test]
    fn a_budget_of_zero_keeps_nothing() {
        let mut kept = KeptInput::new(0);
        kept.keep(vec![unit("a", 1, "x")]);
        let (inputs, unread) = kept.finish(vec![file("a")]);
        assert!(inputs.is_empty());
        assert_eq!(unread.len(), 1);
    }
}
