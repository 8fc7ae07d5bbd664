#!/usr/bin/env python3
"""Instructions, not seconds: runs the release `crimefacts` under valgrind's
callgrind on the corpus of MB megabytes that `bench.py` builds by cycling
`seeds/`, at one thread (polars' pool too), and prints the total and the
inclusive count of each part of the run.

The counts repeat exactly for the same binary and input whatever else the
machine is doing, where wall time on a shared two-core machine moves by 10-40%
within the hour; they compare two binaries (`--baseline`) to a fraction of a
percent. They are not time: a cache miss and an add count alone, and the
AVX-512 MinHash loop is not what valgrind runs (it runs the portable one, so
`fingerprint` weighs more here than it does in `perf`). A part counts what the
pool ran inside it: extract's start-up runs beside the corpus pass, and a
worker waiting in it may take corpus-pass work, so those two parts can trade a
few million instructions between builds while the total does not.

Usage: bench_instructions.py [--mb 2] [--binary target/release/crimefacts]
                             [--baseline OTHER_BINARY] [--keep DIR]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, build_corpus  # noqa: E402

# (label, depth, functions whose inclusive counts add up to the part). A
# function is matched by its full name as callgrind_annotate prints it. Names
# of older binaries stay listed, so that a baseline from before a rename is
# still split (a binary runs only one of each pair).
PARTS = [
    ("start-up of extract", 0, ["crimefacts_extract::Extract::new"]),
    ("corpus pass", 0, ["crimefacts_pipeline::runner::corpus_pass", "crimefacts_pipeline::runner::learn_from_corpus"]),
    ("normalize", 0, [
        "<crimefacts_normalize::Normalize as crimefacts_model::stage::DocumentStage>::process_batch",
        "<crimefacts_normalize::Normalize as crimefacts_model::stage::DocumentStage>::process",
    ]),
    ("extract", 0, [
        "<crimefacts_extract::Extract as crimefacts_model::stage::DocumentStage>::process_batch",
        "<crimefacts_extract::Extract as crimefacts_model::stage::DocumentStage>::process",
    ]),
    ("entities", 1, [
        "crimefacts_extract::entities::EntityFinder::search",
        "crimefacts_extract::entities::EntityFinder::mentions",
        "crimefacts_extract::entities::EntityFinder::find",
    ]),
    ("people", 2, ["crimefacts_extract::persons::PersonFinder::find_by", "crimefacts_extract::persons::PersonFinder::find"]),
    ("countries", 2, ["crimefacts_extract::countries::CountryGazetteer::candidates"]),
    ("gazetteer", 2, ["crimefacts_extract::gazetteer::Gazetteer::find"]),
    ("amounts", 1, ["crimefacts_extract::amounts::AmountFinder::find"]),
    ("dates", 1, ["crimefacts_extract::dates::find_dates"]),
    ("events", 1, ["crimefacts_extract::events::find_events"]),
    ("attributions", 1, ["crimefacts_extract::attributions::find_attributions"]),
    ("write", 0, ["crimefacts_pipeline::runner::BatchSink::write", "crimefacts_pipeline::sink::TableWriter::finish"]),
    ("aggregates", 0, ["crimefacts_pipeline::runner::compute"]),
]

LINE = re.compile(r"^\s*([\d,]+) \([\s\d.]+%\)\s+(?:\S*?:)?(.+?)(?: \[[^\]]*\])?$")


def count(binary: str, corpus: Path, keep: Path | None) -> tuple[int, dict[str, int]]:
    """Total instructions of one run, and the inclusive count of every function."""
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as scratch:
        profile = Path(scratch) / "callgrind.out"
        cmd = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}",
            binary, "run", str(ROOT / "pipelines/default.toml"), "--quiet", "--threads", "1",
            "--input", str(corpus), "--output", str(Path(scratch) / "out"),
        ]
        env = dict(os.environ, POLARS_MAX_THREADS="1")
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"crimefacts under callgrind failed:\n{done.stderr[-2000:]}")
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(profile, keep / f"callgrind.{Path(binary).name}.out")
        annotated = subprocess.run(
            ["callgrind_annotate", "--inclusive=yes", str(profile)], capture_output=True, text=True, check=True
        ).stdout
    total = 0
    functions: dict[str, int] = {}
    for line in annotated.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        n, name = int(m.group(1).replace(",", "")), m.group(2).strip()
        if name == "PROGRAM TOTALS":
            total = n
        # Code inlined from other files repeats a function under their names;
        # its own line is the largest.
        functions[name] = max(n, functions.get(name, 0))
    if not total:
        sys.exit("callgrind_annotate printed no total")
    return total, functions


def part_counts(functions: dict[str, int]) -> list[int | None]:
    out = []
    for _, _, names in PARTS:
        found = [functions[n] for n in names if n in functions]
        out.append(sum(found) if found else None)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=int, default=2)
    ap.add_argument("--binary", default=str(ROOT / "target/release/crimefacts"))
    ap.add_argument("--baseline", help="another binary, counted on the same corpus, shown beside")
    ap.add_argument("--keep", type=Path, help="copy the callgrind profiles here (for callgrind_annotate)")
    args = ap.parse_args()

    corpus, docs, size = build_corpus(args.mb)
    runs = [("baseline", args.baseline)] if args.baseline else []
    runs.append(("binary", args.binary))
    results = [(label, *count(binary, corpus, args.keep)) for label, binary in runs]

    print(f"corpus  {size / 1e6:.1f} MB, {docs} documents (seeds cycled), 1 thread, valgrind --tool=callgrind")
    header = f"{'part':<26}" + "".join(f"{label:>18}" for label, _, _ in results)
    if len(results) == 2:
        header += f"{'change':>10}"
    print(header)
    rows = [("total", 0, [total for _, total, _ in results])]
    columns = [part_counts(functions) for _, _, functions in results]
    rows += [(label, depth, [c[i] for c in columns]) for i, (label, depth, _) in enumerate(PARTS)]
    for label, depth, counts in rows:
        line = f"{'  ' * depth + label:<26}" + "".join(f"{c:>18,}" if c is not None else f"{'-':>18}" for c in counts)
        if len(counts) == 2 and None not in counts and counts[0]:
            line += f"{100 * (counts[1] - counts[0]) / counts[0]:>+9.1f}%"
        print(line)
    print(f"per MB  {results[-1][1] / (size / 1e6) / 1e6:,.0f} M instructions")


if __name__ == "__main__":
    main()
