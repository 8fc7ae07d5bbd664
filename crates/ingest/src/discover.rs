//! Finding input files and naming them relative to the input root.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use crimefacts_model::Reject;

use crate::reject;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    Text,
    JsonLines,
    Html,
}

/// One file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    /// Path relative to the input root, with `/` separators: `documents.source`.
    pub source: String,
    pub format: InputFormat,
    pub gzip: bool,
}

/// Lists the input files under `input` (a file, a folder searched recursively, or a
/// glob pattern), sorted by `source` so that every run reads them in one order.
///
/// Files whose extension is not supported become rejects rather than silent skips;
/// hidden files and folders (`.name`) are ignored. Fails only when the input itself
/// does not exist or the pattern is invalid: that is a usage error, not bad data.
pub fn discover(input: &str) -> anyhow::Result<(Vec<InputFile>, Vec<Reject>)> {
    let mut files = Vec::new();
    let mut rejects = Vec::new();
    let mut accept = |path: PathBuf, root: &Path| {
        let source = relative_source(&path, root);
        match classify(&path) {
            Some((format, gzip)) => files.push(InputFile { path, source, format, gzip }),
            None => rejects.push(reject(
                &source,
                None,
                "unsupported file type: expected .txt, .jsonl, .ndjson, .html or .htm, optionally .gz",
            )),
        }
    };

    if input.contains(['*', '?', '[']) {
        let root = glob_root(input);
        let paths = glob::glob(input).with_context(|| format!("invalid glob pattern {input:?}"))?;
        for entry in paths {
            let path = entry.with_context(|| format!("cannot read a path matched by {input:?}"))?;
            if path.is_file() && !is_hidden(&path, &root) {
                accept(path, &root);
            }
        }
    } else {
        let path = Path::new(input);
        if path.is_file() {
            let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
            accept(path.to_path_buf(), &root);
        } else if path.is_dir() {
            let walker = walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name();
            for entry in walker.into_iter().filter_entry(|e| e.depth() == 0 || !hidden_name(e.file_name())) {
                let entry = entry.with_context(|| format!("cannot walk input folder {input:?}"))?;
                if entry.file_type().is_file() {
                    accept(entry.into_path(), path);
                }
            }
        } else {
            bail!("input {input:?} does not exist: give a file, a folder or a glob such as 'articles/**/*.jsonl'");
        }
    }
    files.sort_by(|a, b| a.source.cmp(&b.source));
    rejects.sort_by(|a, b| a.source.cmp(&b.source));
    Ok((files, rejects))
}

fn classify(path: &Path) -> Option<(InputFormat, bool)> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (name, gzip) = match name.strip_suffix(".gz") {
        Some(inner) => (inner.to_string(), true),
        None => (name, false),
    };
    let format = match name.rsplit_once('.')?.1 {
        "txt" => InputFormat::Text,
        "jsonl" | "ndjson" => InputFormat::JsonLines,
        "html" | "htm" => InputFormat::Html,
        _ => return None,
    };
    Some((format, gzip))
}

fn relative_source(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}

/// The folder a glob is relative to: its components before the first wildcard.
fn glob_root(pattern: &str) -> PathBuf {
    let mut root = PathBuf::new();
    for component in Path::new(pattern).components() {
        if component.as_os_str().to_string_lossy().contains(['*', '?', '[']) {
            break;
        }
        root.push(component);
    }
    root
}

fn hidden_name(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn is_hidden(path: &Path, root: &Path) -> bool {
    path.strip_prefix(root).unwrap_or(path).components().any(|c| hidden_name(c.as_os_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_extension_with_optional_gzip() {
        assert_eq!(classify(Path::new("a/b.txt")), Some((InputFormat::Text, false)));
        assert_eq!(classify(Path::new("b.JSONL.gz")), Some((InputFormat::JsonLines, true)));
        assert_eq!(classify(Path::new("b.ndjson")), Some((InputFormat::JsonLines, false)));
        assert_eq!(classify(Path::new("page.htm.gz")), Some((InputFormat::Html, true)));
        assert_eq!(classify(Path::new("notes.md")), None);
        assert_eq!(classify(Path::new("noext")), None);
    }

    #[test]
    fn glob_root_stops_at_first_wildcard() {
        assert_eq!(glob_root("data/news/**/*.txt"), PathBuf::from("data/news"));
        assert_eq!(glob_root("*.txt"), PathBuf::new());
    }

    #[test]
    fn walks_folders_recursively_in_name_order_and_rejects_unknown_types() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        for name in ["z.txt", "b/c/a.jsonl", "a.html.gz", "b/readme.md", ".hidden.txt", ".git/x.txt"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let (files, rejects) = discover(dir.path().to_str().unwrap()).unwrap();
        let sources: Vec<_> = files.iter().map(|f| f.source.as_str()).collect();
        assert_eq!(sources, ["a.html.gz", "b/c/a.jsonl", "z.txt"]);
        assert_eq!(rejects.len(), 1);
        assert_eq!(rejects[0].source, "b/readme.md");

        let pattern = format!("{}/**/*.jsonl", dir.path().display());
        let (files, _) = discover(&pattern).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].source, "b/c/a.jsonl");
    }

    #[test]
    fn missing_input_is_a_usage_error_naming_the_path() {
        let err = discover("/no/such/place").unwrap_err().to_string();
        assert!(err.contains("/no/such/place"), "{err}");
    }
}
