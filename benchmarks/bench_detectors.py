"""The experiment plan as a benchmark: every registered detector on a fresh synthetic corpus, one protocol.

Prints the leaderboard and writes it to benchmarks/results/detectors.json.
Run: .venv/bin/python benchmarks/bench_detectors.py [--documents 300] [--seed 0] [--detector NAME ...]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from vigie.evaluation.bench import format_leaderboard, run_bench

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--detector", action="append", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        board = run_bench(Path(tmp) / "project", args.documents, args.seed, detectors=args.detector)
    print(format_leaderboard(board))
    RESULTS.mkdir(exist_ok=True)
    payload = {"benchmark": "detectors", "documents": args.documents, "seed": args.seed,
               "leaderboard": json.loads(board.to_json(orient="records"))}
    (RESULTS / "detectors.json").write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
