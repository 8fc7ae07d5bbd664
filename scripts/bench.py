#!/usr/bin/env python3
"""Throughput benchmark: builds a corpus of about MB megabytes by cycling the
seed articles (each copy under its own name, so every document has its own id),
runs the release `crimefacts` on it, and prints MB/s, docs/s and peak RSS.

Usage: bench.py [--mb 20] [--threads N] [--binary target/release/crimefacts]
The corpus is cached in bench/corpus-<MB>mb/ (gitignored) and reused.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_corpus(mb: int) -> tuple[Path, int, int]:
    seeds = sorted(p for p in (ROOT / "seeds").iterdir() if p.suffix == ".txt")
    corpus = ROOT / "bench" / f"corpus-{mb}mb"
    stamp = corpus / ".complete"
    if not stamp.exists():
        shutil.rmtree(corpus, ignore_errors=True)
        corpus.mkdir(parents=True)
        target, total, n = mb * 1_000_000, 0, 0
        while total < target:
            seed = seeds[n % len(seeds)]
            # 1,000 files per folder keeps directory listings fast.
            folder = corpus / f"{n // 1000:04d}"
            folder.mkdir(exist_ok=True)
            shutil.copyfile(seed, folder / f"{n:07d}_{seed.name}")
            total += seed.stat().st_size
            n += 1
        stamp.write_text(f"{n} {total}\n")
    n, total = map(int, stamp.read_text().split())
    return corpus, n, total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=20)
    ap.add_argument("--threads", type=int, default=0, help="0 = all cores")
    ap.add_argument("--binary", default=str(ROOT / "target/release/crimefacts"))
    args = ap.parse_args()
    corpus, docs, total = build_corpus(args.mb)
    with tempfile.TemporaryDirectory() as out:
        cmd = [args.binary, "run", str(ROOT / "pipelines/default.toml"), "--input", str(corpus), "--output", out, "--quiet"]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        started = time.perf_counter()
        result = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            sys.exit(f"crimefacts failed:\n{result.stderr}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    threads = args.threads or os.cpu_count()
    print(f"corpus      {total / 1e6:.1f} MB, {docs} documents (seeds cycled), {threads} threads")
    print(f"wall        {seconds:.2f} s")
    print(f"throughput  {total / 1e6 / seconds:.2f} MB/s, {docs / seconds:.0f} docs/s")
    print(f"peak RSS    {peak_kb / 1024:.0f} MB")
    print(f"summary     {result.stderr.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
