//! Arbitrary bytes through parse -> normalize -> extract: the first byte picks
//! the format (txt, jsonl, html), the rest is the unit. A panic, or a row whose
//! offsets break `crimefacts_robustness::check`, is a crash, saved under
//! `fuzz/artifacts/pipeline_path/`. Replay it with `cargo fuzz run pipeline_path
//! <file>`, and keep it as a fixed case in `robustness/tests/robustness.rs`
//! (through `split_format`, as here).

#![no_main]

use crimefacts_robustness::{run_one_and_check, source_name, split_format, unit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (format, bytes) = split_format(data);
    if let Err(broken) = run_one_and_check(&unit(&source_name(format, 0), format, bytes)) {
        panic!("{broken}");
    }
});
