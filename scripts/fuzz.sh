#!/usr/bin/env bash
# Fuzzes the per-document path (fuzz/fuzz_targets/pipeline_path.rs) for SECONDS
# (default 60): installs cargo-fuzz if missing, seeds the corpus from seeds/ and
# runs libFuzzer. Usage: scripts/fuzz.sh [SECONDS] [libFuzzer flags...]
# Crashes land in fuzz/artifacts/pipeline_path/; the corpus (fuzz/corpus/) grows
# from run to run and is not committed.
set -euo pipefail
seconds=${1:-60}
shift || true
cd "$(dirname "$0")/.."
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz

# The first byte of an input picks the format: 0 txt, 1 jsonl, 2 html.
corpus=fuzz/corpus/pipeline_path
mkdir -p "$corpus"
for seed in seeds/*.txt; do
  name=$(basename "$seed" .txt)
  { printf '\x00'; cat "$seed"; } > "$corpus/seed-$name-txt"
  { printf '\x02<html><body><article><p>'; sed 's|$|</p><p>|' "$seed"; printf '</article></body></html>'; } > "$corpus/seed-$name-html"
done
printf '\x01{"text":"Police seized 2.5 tons of cocaine in Callao, Peru, on Tuesday, said Ana Ruiz.","published":"2021-03-03","title":"T","url":"https://www.insightcrime.org/news/x"}' > "$corpus/seed-jsonl"

# cargo-fuzz needs nightly flags (-Z sanitizer); without a nightly toolchain,
# RUSTC_BOOTSTRAP lets the stable one accept them.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  cargo=(cargo +nightly)
else
  export RUSTC_BOOTSTRAP=1
  cargo=(cargo)
fi
"${cargo[@]}" fuzz run --fuzz-dir fuzz pipeline_path "$corpus" -- -max_total_time="$seconds" "$@"
