//! Architecture invariants that `cargo test` enforces (see ARCHITECTURE.md).

use std::path::Path;

use crate::support::workspace_root;

fn crates() -> Vec<(String, std::path::PathBuf)> {
    let mut found: Vec<_> = std::fs::read_dir(workspace_root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Cargo.toml").exists())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    found.sort();
    found
}

/// Architecture invariant: every crate opens with a `//!` paragraph saying what
/// it owns and what it must not depend on.
#[test]
fn every_crate_says_what_it_owns() {
    for (name, dir) in crates() {
        for root in ["src/lib.rs", "src/main.rs"] {
            let path = dir.join(root);
            if path.exists() {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(text.starts_with("//!"), "crates/{name}/{root} must open with a //! doc comment");
            }
        }
    }
}

fn workspace_dependencies(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let mut deps = Vec::new();
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(table) = doc.get(section).and_then(|t| t.as_table()) {
            deps.extend(table.keys().filter(|k| k.starts_with("crimefacts-")).cloned());
        }
    }
    deps
}

/// Architecture invariant: a stage crate depends on `model` and on no other
/// workspace crate; only `pipeline` knows every stage; nothing depends on
/// `pipeline`; `model` depends on no workspace crate.
#[test]
fn stage_crates_depend_on_model_only() {
    for (name, dir) in crates() {
        let deps = workspace_dependencies(&dir.join("Cargo.toml"));
        match name.as_str() {
            "pipeline" => {}
            "model" => assert!(deps.is_empty(), "model depends on {deps:?}"),
            _ => assert!(
                deps.iter().all(|d| d == "crimefacts-model"),
                "crates/{name} depends on {deps:?}: a stage crate may depend on crimefacts-model only"
            ),
        }
    }
}

/// Architecture invariant: polars stays out of the per-document path; only the
/// cross-document crate and the runner link it (it dominates build time).
#[test]
fn polars_only_where_whole_tables_are_handled() {
    for (name, dir) in crates() {
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        let uses_polars = text.lines().any(|l| l.trim_start().starts_with("polars"));
        assert_eq!(uses_polars, matches!(name.as_str(), "aggregate" | "pipeline"), "crates/{name}");
    }
}
