//! Compiles the gazetteer's data files into tables the crate embeds (see
//! `src/gazetteer/format.rs`), so that no run parses them.

#[allow(dead_code)]
#[path = "src/gazetteer/format.rs"]
mod format;
#[path = "build/gazetteer.rs"]
mod gazetteer;
#[allow(dead_code)]
#[path = "src/gazetteer/names.rs"]
mod names;

use std::path::PathBuf;

fn main() {
    let data = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo")).join("data");
    let read = |name: &str| {
        let path = data.join(name);
        println!("cargo::rerun-if-changed={}", path.display());
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let (places, regions, organizations) = (read("places.tsv"), read("regions.tsv"), read("organizations.tsv"));
    let (strings, tables) =
        gazetteer::compile(&places, &regions, &organizations).unwrap_or_else(|e| panic!("gazetteer data: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    for (variable, file, bytes) in [
        ("CRIMEFACTS_GAZETTEER_STRINGS", "gazetteer_strings.txt", strings.as_bytes()),
        ("CRIMEFACTS_GAZETTEER_TABLES", "gazetteer_tables.bin", &tables),
    ] {
        let path = out.join(file);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        println!("cargo::rustc-env={variable}={}", path.display());
    }
}
