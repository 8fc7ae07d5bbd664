# crimefacts recipes. Each is a thin wrapper over cargo or a committed script,
# so CI (.ci/run) can call the same commands without `just`.

set shell := ["bash", "-euo", "pipefail", "-c"]

# The venv that holds pyarrow, polars and duckdb for checks and scoring.
venv := ".venv"
python := venv / "bin/python"

# The venv of the spaCy reference for `just bench` (scripts/requirements-bench.txt), kept
# apart so that .venv and CI never install spaCy.
spacy_venv := "bench/venv-spacy"
spacy_python := spacy_venv / "bin/python"

_default:
    @just --list -u

# Run the default pipeline (seeds/ -> out/) with a release build.
pipeline *ARGS:
    cargo run --release --locked -p crimefacts-pipeline -- run pipelines/default.toml {{ARGS}}

# Run any crimefacts command with a release build, e.g. `just run stages`.
run *ARGS:
    cargo run --release --locked -p crimefacts-pipeline -- {{ARGS}}

# Run every test of the workspace (unit, snapshot, end to end).
test *ARGS:
    cargo test --workspace --locked {{ARGS}}

# Rewrite snapshots that changed, then show the diff: read all of it before committing.
snapshots:
    INSTA_UPDATE=always cargo test --workspace --locked || true
    git status --short snapshots/
    git diff --stat snapshots/

# The corpus has MB megabytes made by cycling seeds/; crimefacts runs on all of it at 1 and
# at 2 threads, spaCy's en_core_web_sm (tok2vec + ner, batch 64, 1 process) on its first
# SPACY_MB megabytes. crimefacts alone at any thread count: `just bench-crimefacts MB THREADS`.
# crimefacts runs REPEAT alternated pairs (1 thread, 2 threads); the table keeps the fastest of each and the
# speedup is also the median over the pairs: this machine's noise is larger than a round's gains.
# Throughput against spaCy's NER: MB/s, docs/s, peak RSS, 2-vs-1 thread speedup, ratio (release build).
bench MB="20" SPACY_MB="2" REPEAT="3": _venv-spacy
    cargo build --release --locked -p crimefacts-pipeline
    python3 scripts/bench.py --compare --mb {{MB}} --spacy-mb {{SPACY_MB}} --spacy-python {{spacy_python}} --repeat {{REPEAT}}

# `just bench` on the profile-guided build of `just build-pgo` (target/pgo/release/crimefacts).
bench-pgo MB="20" SPACY_MB="2" REPEAT="3": _venv-spacy build-pgo
    python3 scripts/bench.py --compare --mb {{MB}} --spacy-mb {{SPACY_MB}} --spacy-python {{spacy_python}} --repeat {{REPEAT}} --binary target/pgo/release/crimefacts

# An instrumented build runs the pipeline on text, jsonl and HTML made from seeds/; a second build
# uses its profile and must write the same tables as the plain one. About twice a clean release
# build the first time and after any change to the code (a new profile recompiles every crate).
# Profile-guided release build, target/pgo/release/crimefacts: about 8% faster, the same tables.
build-pgo:
    python3 scripts/build_pgo.py

# Throughput of crimefacts alone on MB megabytes cycled from seeds/, THREADS 0 = all cores (release build).
bench-crimefacts MB="20" THREADS="0":
    cargo build --release --locked -p crimefacts-pipeline
    python3 scripts/bench.py --mb {{MB}} --threads {{THREADS}}

# Generated corpora of 10k, 100k and 1M articles (about 4 KB each, in bench/, never committed).
# Peak RSS at each size, aggregates included: memory must stay flat as the corpus grows (release build).
bench-scale SIZES="10000,100000,1000000":
    cargo build --release --locked -p crimefacts-pipeline
    python3 scripts/bench_scale.py --sizes {{SIZES}}

# The release binary under valgrind's callgrind on MB megabytes cycled from seeds/, at one thread:
# the same binary and input give the same counts on a busy machine, so two builds compare by them.
# Instructions in all and per part; `--baseline OTHER_BINARY` counts another beside (release build).
bench-instructions MB="2" *ARGS:
    cargo build --release --locked -p crimefacts-pipeline
    python3 scripts/bench_instructions.py --mb {{MB}} {{ARGS}}

# One 1 MB document per shape that has made a rule quadratic before (a sentence full of
# figures, places, names, routes; 18,000 nested HTML elements): seconds and peak RSS of
# each, failing above MAX_SECONDS (release build).
bench-hostile MAX_SECONDS="10":
    cargo build --release --locked -p crimefacts-pipeline
    python3 scripts/bench_hostile.py --max-seconds {{MAX_SECONDS}}

# Score out/ against the gold annotations of the seeds.
eval: _venv
    {{python}} ../shared/gold/score.py out ../shared/gold/seeds

# Check with pyarrow that every table in DIR reads back with the contract's types.
check-tables DIR="out": _venv
    cargo run --release --locked -q -p crimefacts-pipeline -- schema --json > target/contract.json
    {{python}} scripts/check_tables.py {{DIR}} target/contract.json

# Open notebooks/explore.ipynb in Jupyter (tables from out/, or from $CRIMEFACTS_OUT).
# ARGS go to Jupyter, e.g. `just notebook --no-browser --allow-root` in a container.
notebook *ARGS: _venv-notebook
    {{venv}}/bin/jupyter notebook notebooks/explore.ipynb {{ARGS}}

# Execute notebooks/explore.ipynb headless on out/ and save its charts to notebooks/figures/.
notebook-render: _venv
    {{python}} scripts/run_notebook.py notebooks/explore.ipynb --out out --figures notebooks/figures

# Seeds run plain and as 2 shards + aggregate; pyarrow, DuckDB and polars must read both alike.
interop: _venv
    cargo run --release --locked -p crimefacts-pipeline -- run --quiet --output target/out-single
    rm -rf target/out-sharded
    cargo run --release --locked -p crimefacts-pipeline -- run --quiet --shard 0/2 --output target/out-sharded
    cargo run --release --locked -p crimefacts-pipeline -- run --quiet --shard 1/2 --output target/out-sharded
    cargo run --release --locked -p crimefacts-pipeline -- aggregate --input target/out-sharded
    cargo run --release --locked -q -p crimefacts-pipeline -- schema --json > target/contract.json
    {{python}} scripts/check_interop.py --single target/out-single --hive target/out-sharded --contract target/contract.json

# What CI runs: formatting, lints with warnings denied, every test.
ready:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --locked -- -D warnings
    python3 -m py_compile scripts/*.py
    cargo test --workspace --locked

# Fuzz parse -> normalize -> extract for SECONDS (libFuzzer, nightly or RUSTC_BOOTSTRAP); crashes in fuzz/artifacts/.
fuzz SECONDS="60" *ARGS:
    bash scripts/fuzz.sh {{SECONDS}} {{ARGS}}

# Format the workspace.
fmt:
    cargo fmt --all

# Scaffold a per-document stage crate and register it: `just new-stage NAME`.
new-stage NAME:
    bash scripts/new-stage.sh {{NAME}}

# Rebuild crates/extract/data/countries.tsv from its pinned source package.
data-countries:
    python3 scripts/build_countries.py

# Rebuild the GeoNames places, regions and country points (crates/extract/data).
data-places:
    python3 scripts/build_places.py

# Rebuild crates/extract/data/given_names.txt.
data-names:
    python3 scripts/build_given_names.py

_venv:
    test -x {{python}} || python3 -m venv {{venv}}
    {{python}} -c 'import pyarrow, polars, duckdb, matplotlib, nbclient, nbformat, ipykernel' 2>/dev/null || {{python}} -m pip install -q -r scripts/requirements.txt

_venv-notebook: _venv
    {{python}} -c 'import notebook' 2>/dev/null || {{python}} -m pip install -q -r scripts/requirements-notebook.txt

_venv-spacy:
    test -x {{spacy_python}} || python3 -m venv {{spacy_venv}}
    {{spacy_python}} -m pip install -q --disable-pip-version-check -r scripts/requirements-bench.txt
