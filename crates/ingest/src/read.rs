//! Streaming input files as raw units: one per `.txt`/`.html` file, one per
//! non-blank `.jsonl` line. Only one file is open at a time and a `.jsonl` file
//! is read line by line, so memory does not grow with the corpus; [`Limits`]
//! bound what one unit and one compressed file may hold.

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

/// How much one input may hold. Past a limit the unit becomes a reject that
/// names the limit, and reading goes on with the next line or file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one document: a `.txt`/`.html` file after decompression, or
    /// one `.jsonl` line.
    pub max_document_bytes: u64,
    /// Bytes one gzip file may decompress to (a gzip bomb stops here).
    pub max_decompressed_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        // News articles are kilobytes. Some per-document rules grow faster
        // than linearly on very long documents and sentences (a 1 MB article
        // takes seconds, 2 MB tens of seconds), so a megabyte is the default
        // ceiling; whole archives fit in one jsonl.gz.
        Self { max_document_bytes: 1 << 20, max_decompressed_bytes: 4 << 30 }
    }
}

/// Iterator over the raw units of a list of files, in file order then line order.
pub struct UnitReader {
    files: std::vec::IntoIter<InputFile>,
    open_lines: Option<OpenLines>,
    limits: Limits,
}

struct OpenLines {
    source: String,
    reader: Box<dyn BufRead + Send>,
    line: i64,
}

/// What reading one line gave.
enum Line {
    End,
    Bytes(Vec<u8>),
    /// The line was longer than the limit; it was skipped up to its newline.
    TooLong,
}

impl UnitReader {
    pub fn new(files: Vec<InputFile>) -> Self {
        Self::with_limits(files, Limits::default())
    }

    pub fn with_limits(files: Vec<InputFile>, limits: Limits) -> Self {
        Self { files: files.into_iter(), open_lines: None, limits }
    }

    fn next_line(&mut self) -> Option<Result<RawUnit, Reject>> {
        let max = self.limits.max_document_bytes;
        let open = self.open_lines.as_mut()?;
        loop {
            open.line += 1;
            match read_line(&mut open.reader, max) {
                Ok(Line::End) => {
                    self.open_lines = None;
                    return None;
                }
                Ok(Line::TooLong) => {
                    return Some(Err(reject(&open.source, Some(open.line), too_large(max))));
                }
                Ok(Line::Bytes(buf)) => {
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

/// One line of at most `max` bytes; a longer one is consumed without being kept.
fn read_line(reader: &mut dyn BufRead, max: u64) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (&available[..=at], true),
            None => (available, false),
        };
        let used = chunk.len();
        if !too_long {
            if (line.len() + used) as u64 > max.saturating_add(1) {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        reader.consume(used);
        if done {
            break;
        }
    }
    Ok(match (too_long, line.is_empty()) {
        (true, _) => Line::TooLong,
        (false, true) => Line::End,
        (false, false) => Line::Bytes(line),
    })
}

fn too_large(max: u64) -> String {
    format!("document larger than limits.max_document_bytes ({max} bytes); raise it in the pipeline file to keep it")
}

impl Iterator for UnitReader {
    type Item = Result<RawUnit, Reject>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(unit) = self.next_line() {
                return Some(unit);
            }
            let file = self.files.next()?;
            let (reader, size) = match open(&file, self.limits.max_decompressed_bytes) {
                Ok(opened) => opened,
                Err(e) => return Some(Err(reject(&file.source, None, format!("cannot open file: {e}")))),
            };
            match file.format {
                InputFormat::JsonLines => {
                    self.open_lines =
                        Some(OpenLines { source: file.source, reader: Box::new(BufReader::new(reader)), line: 0 });
                }
                InputFormat::Text | InputFormat::Html => {
                    let max = self.limits.max_document_bytes;
                    // Sized up front: grown from empty, a 4 KB file took ten reads.
                    let mut bytes = Vec::with_capacity(size.unwrap_or(0).min(max.saturating_add(1)) as usize);
                    // One byte past the limit tells a file at the limit from a larger one.
                    return Some(match reader.take(max.saturating_add(1)).read_to_end(&mut bytes) {
                        Ok(_) if bytes.len() as u64 > max => Err(reject(&file.source, None, too_large(max))),
                        Ok(_) => Ok(RawUnit { source: file.source, line: None, format: file.format, bytes }),
                        Err(e) => Err(reject(&file.source, None, read_error(&e))),
                    });
                }
            }
        }
    }
}

/// The file's reader, and for an uncompressed file its size on disk.
fn open(file: &InputFile, max_decompressed: u64) -> std::io::Result<(Box<dyn Read + Send>, Option<u64>)> {
    let handle = File::open(&file.path)?;
    Ok(if file.gzip {
        (Box::new(Capped { inner: MultiGzDecoder::new(handle), left: max_decompressed, max: max_decompressed }), None)
    } else {
        let size = handle.metadata().ok().map(|m| m.len());
        (Box::new(handle), size)
    })
}

/// A decompressing reader that fails once it has produced `max` bytes, so a
/// gzip bomb costs at most that much work and never that much memory.
struct Capped<R> {
    inner: R,
    left: u64,
    max: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // Only an error if the stream really goes on.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, GzipTooLarge(self.max))),
            };
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[derive(Debug)]
struct GzipTooLarge(u64);

impl std::fmt::Display for GzipTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "gzip data decompresses to more than limits.max_decompressed_bytes ({} bytes); a gzip bomb, or raise \
             the limit in the pipeline file",
            self.0
        )
    }
}

impl std::error::Error for GzipTooLarge {}

fn read_error(e: &std::io::Error) -> String {
    if let Some(too_large) = e.get_ref().and_then(|inner| inner.downcast_ref::<GzipTooLarge>()) {
        return too_large.to_string();
    }
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
    fn a_document_past_the_limit_is_a_reject_and_the_next_lines_and_files_land() {
        let dir = tempfile::tempdir().unwrap();
        let long = format!("{{\"text\":\"{}\"}}\n", "x".repeat(100));
        let lines = format!("{{\"text\":\"a\"}}\n{long}{{\"text\":\"b\"}}\n");
        let files = vec![
            file(dir.path(), "big.txt", &[b'y'; 65], InputFormat::Text, false),
            file(dir.path(), "exact.txt", &[b'y'; 64], InputFormat::Text, false),
            file(dir.path(), "feed.jsonl", lines.as_bytes(), InputFormat::JsonLines, false),
        ];
        let limits = Limits { max_document_bytes: 64, ..Limits::default() };
        let units: Vec<_> = UnitReader::with_limits(files, limits).collect();
        let outcome: Vec<(String, Option<i64>, bool)> = units
            .iter()
            .map(|u| match u {
                Ok(u) => (u.source.clone(), u.line, true),
                Err(r) => (r.source.clone(), r.line, false),
            })
            .collect();
        let expected = [
            ("big.txt", None, false),
            ("exact.txt", None, true),
            ("feed.jsonl", Some(1), true),
            ("feed.jsonl", Some(2), false),
            ("feed.jsonl", Some(3), true),
        ];
        let expected: Vec<(String, Option<i64>, bool)> =
            expected.iter().map(|(s, l, ok)| (s.to_string(), *l, *ok)).collect();
        assert_eq!(outcome, expected);
        let reason = &units[0].as_ref().unwrap_err().reason;
        assert!(reason.contains("limits.max_document_bytes (64 bytes)"), "{reason}");
        assert_eq!(units[4].as_ref().unwrap().bytes, b"{\"text\":\"b\"}\n");
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_decompression_limit_keeping_what_came_before() {
        let dir = tempfile::tempdir().unwrap();
        // 64 MiB of zeros in about 64 KiB, behind two good lines.
        let mut content = b"{\"text\":\"one\"}\n{\"text\":\"two\"}\n".to_vec();
        content.extend(std::iter::repeat_n(b'0', 64 << 20));
        let bomb = gzip(&content);
        assert!(bomb.len() < 1 << 20);
        let files = vec![
            file(dir.path(), "bomb.jsonl.gz", &bomb, InputFormat::JsonLines, true),
            file(dir.path(), "after.txt", b"still read", InputFormat::Text, false),
        ];
        let limits = Limits { max_decompressed_bytes: 1 << 20, max_document_bytes: 2 << 20 };
        let units: Vec<_> = UnitReader::with_limits(files, limits).collect();
        assert_eq!(units.len(), 4, "{units:?}");
        assert_eq!(units[0].as_ref().unwrap().bytes, b"{\"text\":\"one\"}\n");
        assert_eq!(units[1].as_ref().unwrap().line, Some(2));
        let reason = &units[2].as_ref().unwrap_err().reason;
        assert!(reason.contains("limits.max_decompressed_bytes") && reason.contains("gzip bomb"), "{reason}");
        assert_eq!(units[3].as_ref().unwrap().bytes, b"still read");
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
