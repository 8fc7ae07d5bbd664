#!/usr/bin/env python3
"""Worst-case documents: one document of about 1 MB (the default
limits.max_document_bytes) per shape that has made a rule quadratic before,
most of them a single sentence, since sentence-wide rules run once per
figure or name. Runs the release `crimefacts` on each alone at 1 thread and
prints wall seconds, peak RSS and rejects. A shape that takes more than
--max-seconds makes the script exit with 1.

Usage: bench_hostile.py [--binary target/release/crimefacts] [--max-seconds 10]
                        [--shapes amounts,flows,...] [--mb 1]

--mb 2 (or more) builds documents that size and raises the document limit
for the run: the time should grow with the size, not with its square.

The documents are generated in bench/hostile/ (gitignored) from fixed
phrases and a fixed seed, so every run sees the same bytes.
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each shape: the phrases one sentence is built from, and the separator.
SHAPES: dict[str, tuple[list[str], str]] = {
    "amounts": (["412 kilograms of cocaine at $12,000 per kilo in Bolivia and", "37 tons of marijuana worth $3 million and"], " "),
    "names": (['Juan Perez said that', 'Maria Lopez met', 'Carlos Gomez, alias "El Gordo", and',
               "the Sinaloa Cartel and", "President Gustavo Petro told", "PCC and"], ", "),
    "acronyms": (["the Zona Roja Brigade (ZRB) and", "the Primeiro Comando da Capital (PCC) with",
                  "Fuerzas Armadas Revolucionarias de Colombia (FARC) and", "DEA agents and"], " "),
    "countries": (["Bolivian police and", "Peru's army and", "Colombian navy,", "Mexico's government and"], " "),
    "places": (["in Lima,", "in Bogota,", "in the department of Antioquia,", "in Santa Cruz,", "near Cali,"], " "),
    "flows": (["cocaine shipped from Colombia to Spain via Brazil and",
               "marijuana smuggled from Paraguay into Argentina, and", "paste moved from Peru to Bolivia and"], " "),
    "dates": (["on January 5, 2015 and", "between March and June 2016 and", "in 2019, and", "last year and",
               "el 3 de mayo de 2018 y"], " "),
    "attributions": (["according to El Tiempo, police said", "InSight Crime reported that officials told",
                      "La Nación informó que"], " "),
    "events": (["police seized 5 tons of cocaine and arrested 12 people and",
                "authorities dismantled 3 labs and eradicated 500 hectares and"], " "),
    "sentences": (["Police seized 5 tons of cocaine in Lima on May 3, 2018.",
                   "The Sinaloa Cartel moved it from Colombia to Spain, officials said."], " "),
}


def generate(folder: Path, size: int) -> dict[str, Path]:
    rng = random.Random(7)
    paths = {}
    for name, (phrases, separator) in SHAPES.items():
        path = folder / name / f"{name}.txt"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            parts, written = [], 0
            while written < size:
                phrase = rng.choice(phrases)
                parts.append(phrase)
                written += len(phrase.encode()) + len(separator)
            path.write_text(separator.join(parts).encode()[:size].decode(errors="ignore"))
        paths[name] = path.parent
    # 18,000 nested <div><p> elements: the HTML parser and the content finder
    # walk the open-element stack.
    html = folder / "html" / "deep.html"
    if not html.exists():
        html.parent.mkdir(parents=True, exist_ok=True)
        depth = 18 * size // 1_000_000 * 1000
        html.write_text("<html><body>" + "<div><p>Police seized cocaine in Lima. " * depth + "</p></div>" * depth + "</body></html>")
    paths["html"] = html.parent
    return paths


def run(binary: str, pipeline: Path, folder: Path) -> tuple[float, float, int, int]:
    """Wall seconds, peak RSS (MB), documents and rejects of one run."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [binary, "run", str(pipeline), "--input", str(folder), "--output", out,
               "--threads", "1", "--quiet"]
        started = time.perf_counter()
        with tempfile.TemporaryFile("w+") as err:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
            err.seek(0)
            summary = err.read()
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{' '.join(cmd)} failed: {summary}")
    # The summary line: "crimefacts: N documents, amounts=... rejects=R ...".
    documents = re.search(r"(\d+) documents", summary)
    rejects = re.search(r"rejects=(\d+)", summary)
    if not (documents and rejects):
        sys.exit(f"no summary line in the output of {' '.join(cmd)}: {summary}")
    return seconds, usage.ru_maxrss / 1024, int(documents.group(1)), int(rejects.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / "target/release/crimefacts"))
    parser.add_argument("--max-seconds", type=float, default=10.0)
    parser.add_argument("--shapes", help="comma-separated subset of the shapes")
    parser.add_argument("--mb", type=int, default=1, help="size of each document in MB")
    args = parser.parse_args()
    size = args.mb * 1_000_000
    folder = ROOT / "bench" / ("hostile" if args.mb == 1 else f"hostile-{args.mb}mb")
    paths = generate(folder, size)
    # The default pipeline, with a document limit that lets these documents in.
    pipeline = folder / "pipeline.toml"
    default = (ROOT / "pipelines/default.toml").read_text()
    limit = max(1 << 20, 2 * size)
    pipeline.write_text(re.sub(r"(?m)^max_document_bytes = \d+", f"max_document_bytes = {limit}", default))
    wanted = args.shapes.split(",") if args.shapes else list(paths)
    print(f"{'shape':14} {'seconds':>8} {'peak MB':>8} {'docs':>5} {'rejects':>7}")
    slow = []
    for name in wanted:
        seconds, peak, docs, rejects = run(args.binary, pipeline, paths[name])
        print(f"{name:14} {seconds:8.2f} {peak:8.0f} {docs:5} {rejects:7}")
        if seconds > args.max_seconds:
            slow.append(name)
    if slow:
        sys.exit(f"slower than {args.max_seconds} s: {', '.join(slow)}")


if __name__ == "__main__":
    main()
