//! Raw unit -> document, or a reject saying why not.

use chrono::NaiveDate;
use crimefacts_model::{CompactString, Document, Reject};
use serde_json::Value;

use crate::discover::InputFormat;
use crate::html::parse_html;
use crate::read::RawUnit;
use crate::reject;

/// Stable document id: the first 16 hex digits of BLAKE3 over the source path,
/// the line and the raw bytes. The same input gives the same id on any machine;
/// two copies of one article under different names get different ids (finding
/// them is near-duplicate detection's job, not the key's).
pub fn doc_id(source: &str, line: Option<i64>, bytes: &[u8]) -> CompactString {
    let mut hasher = blake3::Hasher::new();
    hasher.update(source.as_bytes());
    hasher.update(&[0]);
    hasher.update(line.unwrap_or(0).to_le_bytes().as_slice());
    hasher.update(bytes);
    CompactString::new(&hasher.finalize().to_hex()[..16])
}

/// Parses one raw unit. `document.text` holds the raw article text.
pub fn parse_unit(unit: &RawUnit) -> Result<Document, Reject> {
    let fail = |reason: String| reject(&unit.source, unit.line, reason);
    if unit.bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(fail("empty input: no text".into()));
    }
    if looks_binary(&unit.bytes) {
        return Err(fail("binary data, not text: holds NUL or control bytes".into()));
    }
    let text = std::str::from_utf8(&unit.bytes)
        .map_err(|e| fail(format!("invalid UTF-8 at byte {}: re-encode the file as UTF-8", e.valid_up_to())))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut doc = match unit.format {
        InputFormat::Text => Document { text: text.to_string(), ..Document::default() },
        InputFormat::JsonLines => parse_json_line(text).map_err(fail)?,
        InputFormat::Html => parse_html(text),
    };
    if doc.text.trim().is_empty() {
        return Err(fail("no article text found".into()));
    }
    doc.doc_id = doc_id(&unit.source, unit.line, &unit.bytes);
    doc.source = unit.source.clone();
    doc.line = unit.line;
    doc.raw_chars = doc.text.chars().count() as i64;
    Ok(doc)
}

/// NUL bytes, or many C0 control bytes, do not occur in text files.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    sample.contains(&0) || controls * 100 > sample.len()
}

const TEXT_FIELDS: [&str; 3] = ["text", "body", "content"];

fn parse_json_line(line: &str) -> Result<Document, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("malformed JSON: {e}"))?;
    let Value::Object(fields) = value else {
        return Err("JSON line is not an object".into());
    };
    let string_field = |names: &[&str]| -> Result<Option<String>, String> {
        for name in names {
            match fields.get(*name) {
                None | Some(Value::Null) => continue,
                Some(Value::String(s)) if s.trim().is_empty() => continue,
                Some(Value::String(s)) => return Ok(Some(s.trim().to_string())),
                Some(other) => return Err(format!("field {name:?} must be a string, found {}", json_type(other))),
            }
        }
        Ok(None)
    };
    let text = string_field(&TEXT_FIELDS)?
        .ok_or_else(|| "no text: expected a \"text\", \"body\" or \"content\" field".to_string())?;
    let published = string_field(&["published", "date"])?;
    Ok(Document {
        text,
        title: string_field(&["title"])?,
        url: string_field(&["url"])?,
        author: string_field(&["author"])?,
        publisher: string_field(&["publisher"])?,
        published: published.as_deref().and_then(parse_date),
        ..Document::default()
    })
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Machine-written dates as metadata fields carry them: ISO dates and RFC 3339
/// timestamps. Prose dates ("12 AUG 2014") are normalize's business.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let head = s.get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok().or_else(|| NaiveDate::parse_from_str(head, "%Y/%m/%d").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(format: InputFormat, bytes: &[u8]) -> RawUnit {
        RawUnit { source: "x".into(), line: Some(7), format, bytes: bytes.to_vec() }
    }

    fn reason(format: InputFormat, bytes: &[u8]) -> String {
        parse_unit(&unit(format, bytes)).unwrap_err().reason
    }

    #[test]
    fn jsonl_takes_known_fields_and_ignores_unknown_ones() {
        let line = r#"{"body":"Police seized 2 tons.","title":"T","url":"https://a.org/x","date":"2015-07-22T10:00:00Z","author":"A B","publisher":"P","extra":[1]}"#;
        let doc = parse_unit(&unit(InputFormat::JsonLines, line.as_bytes())).unwrap();
        assert_eq!(doc.text, "Police seized 2 tons.");
        assert_eq!(doc.title.as_deref(), Some("T"));
        assert_eq!(doc.published, NaiveDate::from_ymd_opt(2015, 7, 22));
        assert_eq!(doc.publisher.as_deref(), Some("P"));
        assert_eq!(doc.line, Some(7));
        assert_eq!(doc.raw_chars, 21);
    }

    #[test]
    fn bad_units_are_rejected_with_a_reason() {
        assert!(reason(InputFormat::JsonLines, b"{\"text\": ").contains("malformed JSON"));
        assert!(reason(InputFormat::JsonLines, b"[1,2]").contains("not an object"));
        assert!(reason(InputFormat::JsonLines, b"{\"title\":\"x\"}").contains("no text"));
        assert!(reason(InputFormat::JsonLines, b"{\"text\":5}").contains("must be a string"));
        assert!(reason(InputFormat::Text, b"caf\xe9").contains("invalid UTF-8 at byte 3"));
        assert!(reason(InputFormat::Text, b"\x00\x01\x02binary").contains("binary"));
        assert!(reason(InputFormat::Text, b"  \n ").contains("empty"));
    }

    #[test]
    fn doc_id_is_stable_and_depends_on_source_line_and_bytes() {
        let a = doc_id("a.txt", None, b"x");
        assert_eq!(a, doc_id("a.txt", None, b"x"));
        assert_eq!(a.len(), 16);
        // Every row of the document copies it: inline, never allocated.
        assert!(!a.is_heap_allocated());
        assert_ne!(a, doc_id("b.txt", None, b"x"));
        assert_ne!(a, doc_id("a.txt", Some(1), b"x"));
        assert_ne!(a, doc_id("a.txt", None, b"y"));
        // Pinned: a change here silently re-keys every table a user has stored.
        assert_eq!(doc_id("seeds/a.txt", None, b"hello"), "114439c62e36f7c5");
    }

    #[test]
    fn strips_a_utf8_byte_order_mark() {
        let doc = parse_unit(&unit(InputFormat::Text, "\u{feff}Hola".as_bytes())).unwrap();
        assert_eq!(doc.text, "Hola");
    }
}
