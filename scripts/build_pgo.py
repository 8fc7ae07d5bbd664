#!/usr/bin/env python3
"""Profile-guided release build of `crimefacts` (`just build-pgo`).

Three steps; the two builds have target directories of their own, so the
plain release build in target/release keeps its flags and its incremental
state:

1. an instrumented release build (`-Cprofile-generate`) in target/pgo-instrumented;
2. that binary runs the default pipeline on a training corpus at one thread
   and at two, then the aggregates alone; each process writes a raw profile.
   The corpus holds every input format, so that no reader is laid out as cold
   code: seeds/ cycled to --train-mb megabytes as text files (as `just bench`
   builds its corpora), and articles generated from the seeds' paragraphs (as
   `just bench-scale` makes them) as a gzipped jsonl file and as HTML pages
   with site chrome;
3. the raw profiles are merged with the toolchain's llvm-profdata, and a
   second release build uses them (`-Cprofile-use`) in target/pgo.

The result is target/pgo/release/crimefacts. The profile only moves code
(which branch falls through, what is inlined and where hot code lies): the
output of the binary is the same as the plain release build's, which the
script checks on the training corpus (every table byte for byte) before it
reports success.

llvm-profdata must come from the LLVM that rustc is built on; it ships as the
rustup component `llvm-tools`, which the script installs when it is missing
(the only step that needs the network, as `cargo` fetching crates does).

Usage: build_pgo.py [--train-mb 4] [--generated 400] [--remove-instrumented] [--corpus-only DIR]
"""
import argparse
import gzip
import hashlib
import html
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, build_corpus  # noqa: E402
from bench_scale import article, seed_paragraphs  # noqa: E402

INSTRUMENTED = ROOT / "target/pgo-instrumented"
OPTIMIZED = ROOT / "target/pgo"
PROFILE = OPTIMIZED / "crimefacts.profdata"
PIPELINE = ROOT / "pipelines/default.toml"


def say(message: str) -> None:
    print(f"build-pgo: {message}", flush=True)


def run(cmd: list, env: dict | None = None) -> None:
    result = subprocess.run([str(c) for c in cmd], env=env)
    if result.returncode != 0:
        sys.exit(f"build-pgo: {' '.join(map(str, cmd))} failed with exit code {result.returncode}")


def llvm_profdata() -> Path:
    """The llvm-profdata of rustc's own LLVM: a raw profile's format changes
    between LLVM versions, so a system llvm-profdata may not read it."""
    sysroot = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True, check=True).stdout.strip()
    host = next(
        line.split(":", 1)[1].strip()
        for line in subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("host:")
    )
    tool = Path(sysroot) / "lib/rustlib" / host / "bin/llvm-profdata"
    if not tool.exists():
        say("installing the rustup component llvm-tools (for llvm-profdata)")
        run(["rustup", "component", "add", "llvm-tools"])
    if not tool.exists():
        sys.exit(f"build-pgo: {tool} not found after `rustup component add llvm-tools`")
    return tool


def cargo_build(target_dir: Path, rustflags: str) -> Path:
    env = dict(os.environ)
    # The flags replace any the caller set: a stray RUSTFLAGS would make the
    # two builds differ and the profile miss.
    env["RUSTFLAGS"] = rustflags
    env["CARGO_TARGET_DIR"] = str(target_dir)
    run(["cargo", "build", "--release", "--locked", "-p", "crimefacts-pipeline"], env=env)
    return target_dir / "release/crimefacts"


def training_corpus(folder: Path, train_mb: int, generated: int) -> int:
    """Text files, a gzipped jsonl file and HTML pages in `folder`; returns
    the number of documents."""
    shutil.rmtree(folder, ignore_errors=True)
    text, docs, _ = build_corpus(train_mb)
    shutil.copytree(text, folder / "txt")
    rng = random.Random(8)
    paragraphs = seed_paragraphs()
    records = [article(n, paragraphs, rng) for n in range(2 * generated)]
    with gzip.open(folder / "generated.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records[:generated])
    pages = folder / "html"
    pages.mkdir()
    for n, r in enumerate(records[generated:]):
        title, publisher = html.escape(r["title"]), html.escape(r["publisher"])
        body = "".join(f"<p>{html.escape(p)}</p>" for p in r["text"].split("\n\n"))
        (pages / f"{n:05d}.html").write_text(
            f'<!doctype html><html><head><title>{title} | {publisher}</title>'
            f'<meta property="og:site_name" content="{publisher}">'
            f'<meta property="article:published_time" content="{r["published"]}T09:00:00Z"></head>'
            f'<body><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/about">About</a></nav>'
            f"<main><article><h1>{title}</h1>{body}</article></main>"
            f"<footer>&copy; {publisher}. All rights reserved.</footer></body></html>",
            encoding="utf-8",
        )
    return docs + 2 * generated


def train(binary: Path, corpus: Path, raw: Path) -> None:
    """The pipeline at one thread and at two (the pool's and the writer's
    paths differ), then the aggregates alone, as `crimefacts aggregate`."""
    env = dict(os.environ)
    env["LLVM_PROFILE_FILE"] = str(raw / "crimefacts-%p-%m.profraw")
    with tempfile.TemporaryDirectory() as out:
        for threads in ("1", "2"):
            shutil.rmtree(out, ignore_errors=True)
            run([binary, "run", PIPELINE, "--input", corpus, "--output", out, "--threads", threads, "--quiet"], env=env)
        run([binary, "aggregate", PIPELINE, "--input", out, "--threads", "1"], env=env)


def same_tables(plain: Path, optimized: Path, corpus: Path) -> None:
    """Both binaries on the training corpus give byte-identical tables."""
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        for binary, out in ((plain, a), (optimized, b)):
            run([binary, "run", PIPELINE, "--input", corpus, "--output", out, "--threads", "1", "--quiet"])
        tables = sorted(p.name for p in Path(a).glob("*.parquet"))
        differ = [t for t in tables if (Path(a) / t).read_bytes() != (Path(b) / t).read_bytes()]
        if not tables or differ:
            sys.exit(f"build-pgo: the optimized binary's tables differ from the plain build's: {differ or 'none written'}")
        say(f"{len(tables)} tables byte-identical to the plain release build's")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train-mb", type=int, default=4, help="megabytes of text files cycled from seeds/")
    ap.add_argument("--generated", type=int, default=400, help="generated articles as jsonl, and as many as HTML")
    ap.add_argument(
        "--remove-instrumented",
        action="store_true",
        help="remove target/pgo-instrumented afterwards (kept by default: the next instrumented build then compiles only what changed)",
    )
    ap.add_argument(
        "--corpus-only",
        type=Path,
        metavar="DIR",
        help="write the training corpus to DIR, print its document count and stop (CI checks it reads without rejects)",
    )
    args = ap.parse_args()
    if args.corpus_only:
        print(training_corpus(args.corpus_only, args.train_mb, args.generated))
        return

    profdata = llvm_profdata()
    corpus = OPTIMIZED / "training"
    docs = training_corpus(corpus, args.train_mb, args.generated)
    raw = OPTIMIZED / "profiles"
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)

    say("1/3 instrumented release build")
    instrumented = cargo_build(INSTRUMENTED, f"-Cprofile-generate={raw}")
    # rustc tracks the profile file, so a new profile rebuilds every crate;
    # an unchanged instrumented binary would give the same profile, and the
    # one from last time is kept, so the profiled build is up to date.
    trained_on = OPTIMIZED / "instrumented.sha256"
    digest = hashlib.sha256(instrumented.read_bytes()).hexdigest()
    if PROFILE.exists() and trained_on.exists() and trained_on.read_text() == digest:
        say("2/3 the instrumented binary is unchanged: the profile is kept")
    else:
        say(f"2/3 training on {docs} documents: seeds/ cycled, generated jsonl and HTML")
        train(instrumented, corpus, raw)
        run([profdata, "merge", "-o", PROFILE, raw])
        trained_on.write_text(digest)
    say("3/3 release build with the profile")
    optimized = cargo_build(OPTIMIZED, f"-Cprofile-use={PROFILE}")
    if args.remove_instrumented:
        shutil.rmtree(INSTRUMENTED, ignore_errors=True)

    say("plain release build, for the check")
    run(["cargo", "build", "--release", "--locked", "-p", "crimefacts-pipeline"])
    same_tables(ROOT / "target/release/crimefacts", optimized, corpus)
    say(f"done: {optimized.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
