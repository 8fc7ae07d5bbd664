#!/usr/bin/env python3
"""Memory at scale: generates corpora of 10k, 100k and 1M articles of about
4 KB each (never committed: bench/scale-<N>/, gitignored), runs the release
`crimefacts run` on each, aggregates included, and prints documents, MB,
seconds, MB/s and peak RSS, then how far the peak RSS figures are apart.

The articles are made from the seed articles' paragraphs, shuffled and
recombined, with their numbers, years and a few words changed, under unique
titles, dates and URLs: mostly distinct texts, as in a real archive, with about
2% republished copies (which near-duplicate detection must find without
comparing all pairs). Each corpus is a folder of gzipped jsonl files of 10,000
articles.

Usage: bench_scale.py [--sizes 10000,100000,1000000] [--threads N] [--binary PATH]
"""
import argparse
import gzip
import json
import os
import random
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, timed  # noqa: E402

PER_FILE = 10_000
TARGET_BYTES = 4_000
COPY_SHARE = 0.02
PUBLISHERS = ["InSight Crime", "Diálogo", "El Deber", "La Razón", "El Comercio", "Reuters", "EFE"]
SWAPS = [("Bolivia", "Peru"), ("Santa Cruz", "Cochabamba"), ("FELCN", "DIRANDRO"), ("Brazil", "Argentina"),
         ("cocaine", "cocaine paste"), ("marijuana", "cocaine"), ("Colombia", "Ecuador"), ("Mexico", "Guatemala")]


def seed_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            block = " ".join(block.split())
            # Prose only: the seeds' headers, bylines and link lists are not.
            if len(block) > 200 and block.count(". ") >= 1:
                paragraphs.append(block)
    return paragraphs


def vary(paragraph: str, rng: random.Random) -> str:
    def number(match: re.Match) -> str:
        text = match.group(0)
        if len(text) == 4 and text.startswith(("19", "20")):
            return str(rng.randint(2005, 2024))
        return "".join(rng.choice("123456789") if c.isdigit() else c for c in text)

    paragraph = re.sub(r"\d[\d,.]*\d|\d", number, paragraph)
    for a, b in SWAPS:
        if rng.random() < 0.3:
            paragraph = paragraph.replace(a, b)
    return paragraph


def article(n: int, paragraphs: list[str], rng: random.Random) -> dict:
    body, size = [], 0
    while size < TARGET_BYTES:
        p = vary(rng.choice(paragraphs), rng)
        body.append(p)
        size += len(p.encode()) + 2
    year = rng.randint(2008, 2024)
    return {
        "title": f"Report {n}: {rng.choice(['Seizure', 'Arrests', 'Routes', 'Prices', 'Labs'])} in "
                 f"{rng.choice(['Bolivia', 'Peru', 'Colombia', 'Brazil', 'Ecuador', 'Mexico'])}",
        "published": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "publisher": rng.choice(PUBLISHERS),
        "url": f"https://news.example/{year}/{n}",
        "text": "\n\n".join(body),
    }


def build(docs: int) -> tuple[Path, int]:
    corpus = ROOT / "bench" / f"scale-{docs}"
    stamp = corpus / ".complete"
    if stamp.exists():
        return corpus, int(stamp.read_text())
    corpus.mkdir(parents=True, exist_ok=True)
    rng = random.Random(docs)
    paragraphs = seed_paragraphs()
    total, recent = 0, []
    for first in range(0, docs, PER_FILE):
        raw = bytearray()
        for n in range(first, min(first + PER_FILE, docs)):
            if recent and rng.random() < COPY_SHARE:
                # A republished story: same text, another outlet, title and URL.
                record = dict(rng.choice(recent), publisher=rng.choice(PUBLISHERS), url=f"https://mirror.example/{n}")
                record["title"] = f"{record['title']} (republished)"
            else:
                record = article(n, paragraphs, rng)
                recent = (recent + [record])[-1000:]
            line = json.dumps(record, ensure_ascii=False).encode() + b"\n"
            raw += line
            total += len(line)
        with gzip.open(corpus / f"part-{first // PER_FILE:05d}.jsonl.gz", "wb", compresslevel=1) as f:
            f.write(raw)
        print(f"\rgenerating {docs:,} articles: {min(first + PER_FILE, docs):,}", end="", file=sys.stderr)
    print(file=sys.stderr)
    stamp.write_text(str(total))
    return corpus, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--threads", type=int, default=0, help="0 = all cores")
    ap.add_argument("--binary", default=str(ROOT / "target/release/crimefacts"))
    args = ap.parse_args()
    rows = []
    for docs in [int(s) for s in args.sizes.split(",")]:
        corpus, total = build(docs)
        with tempfile.TemporaryDirectory(dir=ROOT / "bench") as out:
            cmd = [args.binary, "run", str(ROOT / "pipelines/default.toml"), "--input", str(corpus),
                   "--output", out, "--quiet"]
            if args.threads:
                cmd += ["--threads", str(args.threads)]
            seconds, cpu, peak_mb, code, _, stderr = timed(cmd)
        if code != 0:
            sys.exit(f"crimefacts failed on {docs:,} articles:\n{stderr}")
        summary = stderr.strip().splitlines()[-1]
        rows.append((docs, total / 1e6, seconds, total / 1e6 / seconds, peak_mb))
        print(f"{docs:>9,} articles  {total / 1e6:8.0f} MB  {seconds:7.1f} s  {total / 1e6 / seconds:5.2f} MB/s  "
              f"peak RSS {peak_mb:5.0f} MB", flush=True)
        print(f"          {summary[:300]}", flush=True)
    peaks = [r[4] for r in rows]
    print(f"\npeak RSS from {min(peaks):.0f} MB to {max(peaks):.0f} MB: {max(peaks) / min(peaks):.2f}x "
          f"(target: within 1.3x and under 500 MB)")


if __name__ == "__main__":
    main()
