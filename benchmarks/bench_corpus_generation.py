"""Corpus generation speed: pages per second at 200 dpi, one worker and one worker per core.

Prints the figures and writes them to benchmarks/results/corpus_generation.json. Quote medians: machines are shared.
Run: .venv/bin/python benchmarks/bench_corpus_generation.py [--pages 40]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from vigie.runtime.local import LocalFolder
from vigie.synth.corpus import CorpusOptions, generate_corpus, generate_page

RESULTS = Path(__file__).resolve().parent / "results"


def per_page_seconds(options: CorpusOptions) -> list[float]:
    times = []
    for index in range(options.n_documents):
        started = time.perf_counter()
        generate_page(options, index)
        times.append(time.perf_counter() - started)
    return times


def throughput(options: CorpusOptions, workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        generate_corpus(LocalFolder(Path(tmp) / "corpus", "corpus"), options, workers=workers)
        return options.n_documents / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    options = CorpusOptions(n_documents=args.pages, seed=args.seed, dpi="200")
    times = per_page_seconds(options)
    cores = os.cpu_count() or 1
    result = {
        "benchmark": "corpus_generation", "dpi": 200, "pages": args.pages, "seed": args.seed,
        "median_seconds_per_page_1_worker": round(statistics.median(times), 4),
        "p90_seconds_per_page_1_worker": round(sorted(times)[int(0.9 * (len(times) - 1))], 4),
        "pages_per_second_1_worker": round(throughput(options, 1), 3),
        f"pages_per_second_{cores}_workers": round(throughput(options, cores), 3),
        "cores": cores, "python": platform.python_version(), "machine": platform.machine(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "corpus_generation.json").write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:40s} {value}")


if __name__ == "__main__":
    main()
