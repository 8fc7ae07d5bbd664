//! Every stage's output on every seed, pinned under the top-level `snapshots/`
//! as `<stage>@<seed stem>.snap`; each aggregate as `<aggregate>@seeds.snap`.

use crimefacts_ingest::{RawUnit, UnitReader, discover, parse_unit};
use crimefacts_model::DocRows;
use crimefacts_pipeline::registry::build_stages;
use crimefacts_pipeline::runner::corpus_pass;

use crate::render;
use crate::support::{default_config, read_table, run_into, seeds_dir};

fn settings(input: &std::path::Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(crate::support::workspace_root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(input);
    settings
}

#[test]
fn every_stage_on_every_seed() {
    let (files, rejects) = discover(seeds_dir().to_str().unwrap()).unwrap();
    assert!(rejects.is_empty());
    assert!(files.len() >= 5, "seeds/ holds the reference articles");
    let config = default_config();
    let mut stages = build_stages(&config.stages, &config.options.stage_options()).unwrap();
    // As in a run: stages learn from every seed before processing any.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    corpus_pass(&mut stages, UnitReader::new(files.clone()), 256, &pool);
    for file in files {
        let stem = file.source.split('.').next().unwrap().to_string();
        let unit = RawUnit {
            source: file.source.clone(),
            line: None,
            format: file.format,
            bytes: std::fs::read(&file.path).unwrap(),
        };
        let document = parse_unit(&unit).unwrap();
        let mut doc = DocRows::from_raw(document);
        settings(&file.path).bind(|| {
            insta::assert_snapshot!(format!("ingest@{stem}"), render::stage_output(&DocRows::default(), &doc));
        });
        for stage in &stages {
            let before = doc.clone();
            stage.process(&mut doc).unwrap();
            settings(&file.path).bind(|| {
                insta::assert_snapshot!(format!("{}@{stem}", stage.name()), render::stage_output(&before, &doc));
            });
        }
    }
}

#[test]
fn aggregates_on_the_seeds() {
    let out = tempfile::tempdir().unwrap();
    run_into(&seeds_dir(), out.path(), 2);
    for aggregate in crimefacts_aggregate::aggregates() {
        let name = aggregate.schema.name;
        let frame = read_table(out.path(), name);
        settings(&seeds_dir()).bind(|| {
            insta::assert_snapshot!(format!("{name}@seeds"), render::frame(&frame));
        });
    }
}
