//! Streaming input files as raw units: one per `.txt`/`.html` file, one per
//! non-blank `.jsonl` line. Only one file is open at a time and a `.jsonl` file
//! is read line by line, so memory does not grow with the corpus.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};

use crimefacts_model::Reject;
use flate2::read::MultiGzDecoder;

use crate::discover::{InputFile, InputFormat};
use crate::reject;

/// The bytes of one article before parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawUnit {
    pub source: String,
    /// 1-based line for line-oriented formats.
    pub line: Option<i64>,
    pub format: InputFormat,
    pub bytes: Vec<u8>,
}

/// Iterator over the raw units of a list of files, in file order then line order.
pub struct UnitReader {
    files: std::vec::IntoIter<InputFile>,
    open_lines: Option<OpenLines>,
}

struct OpenLines {
    source: String,
    reader: Box<dyn BufRead + Send>,
    line: i64,
}

impl UnitReader {
    pub fn new(files: Vec<InputFile>) -> Self {
        Self { files: files.into_iter(), open_lines: None }
    }

    fn next_line(&mut self) -> Option<Result<RawUnit, Reject>> {
        let open = self.open_lines.as_mut()?;
        loop {
            let mut buf = Vec::new();
            open.line += 1;
            match open.reader.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    self.open_lines = None;
                    return None;
                }
                Ok(_) => {
                    if buf.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(Ok(RawUnit {
                        source: open.source.clone(),
                        line: Some(open.line),
                        format: InputFormat::JsonLines,
                        bytes: buf,
                    }));
                }
                Err(e) => {
                    let rejected = reject(&open.source, Some(open.line), read_error(&e));
                    self.open_lines = None;
                    return Some(Err(rejected));
                }
            }
        }
    }
}

impl Iterator for UnitReader {
    type Item = Result<RawUnit, Reject>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(unit) = self.next_line() {
                return Some(unit);
            }
            let file = self.files.next()?;
            let reader = match open(&file) {
                Ok(reader) => reader,
                Err(e) => return Some(Err(reject(&file.source, None, format!("cannot open file: {e}")))),
            };
            match file.format {
                InputFormat::JsonLines => {
                    self.open_lines =
                        Some(OpenLines { source: file.source, reader: Box::new(BufReader::new(reader)), line: 0 });
                }
                InputFormat::Text | InputFormat::Html => {
                    let mut bytes = Vec::new();
                    let mut reader = reader;
                    return Some(match reader.read_to_end(&mut bytes) {
                        Ok(_) => Ok(RawUnit { source: file.source, line: None, format: file.format, bytes }),
                        Err(e) => Err(reject(&file.source, None, read_error(&e))),
                    });
                }
            }
        }
    }
}

fn open(file: &InputFile) -> std::io::Result<Box<dyn Read + Send>> {
    let handle = File::open(&file.path)?;
    Ok(if file.gzip { Box::new(MultiGzDecoder::new(handle)) } else { Box::new(handle) })
}

fn read_error(e: &std::io::Error) -> String {
    // flate2 reports corrupt streams as InvalidInput/InvalidData; say so plainly.
    match e.kind() {
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof => {
            format!("cannot decompress gzip data: {e}")
        }
        _ => format!("cannot read file: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn file(dir: &std::path::Path, name: &str, bytes: &[u8], format: InputFormat, gzip: bool) -> InputFile {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        InputFile { path, source: name.to_string(), format, gzip }
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn yields_files_whole_and_jsonl_by_line_skipping_blank_lines() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            file(dir.path(), "a.txt", b"hello", InputFormat::Text, false),
            file(
                dir.path(),
                "b.jsonl.gz",
                &gzip(b"{\"text\":\"1\"}\n\n{\"text\":\"2\"}"),
                InputFormat::JsonLines,
                true,
            ),
        ];
        let units: Vec<_> = UnitReader::new(files).map(Result::unwrap).collect();
        assert_eq!(units.len(), 3);
        assert_eq!(units[0].bytes, b"hello");
        assert_eq!((units[1].line, units[2].line), (Some(1), Some(3)));
        assert_eq!(units[2].bytes, b"{\"text\":\"2\"}");
    }

    #[test]
    fn corrupt_gzip_is_one_reject_and_reading_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut bad = gzip(b"some long enough text to compress");
        bad.truncate(bad.len() / 2);
        let files = vec![
            file(dir.path(), "bad.txt.gz", &bad, InputFormat::Text, true),
            file(dir.path(), "good.txt", b"ok", InputFormat::Text, false),
        ];
        let units: Vec<_> = UnitReader::new(files).collect();
        assert_eq!(units.len(), 2);
        let rejected = units[0].as_ref().unwrap_err();
        assert_eq!(rejected.source, "bad.txt.gz");
        assert!(rejected.reason.contains("gzip"), "{}", rejected.reason);
        assert!(units[1].is_ok());
    }
}
