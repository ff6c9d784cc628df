"""Development scoring of one detector on an existing benchmark folder, no project needed: figures per operation.

For tuning, score on a split other than the held-out test one: `--score-split train` takes the figures on the train
split (thresholds still fixed on calibration). Outputs are cached under --cache so only changed versions rerun.
Run: .venv/bin/python benchmarks/dev_score_detector.py --corpus /tmp/vigie-dev/folders/corpus --detector copy_move
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from vigie.evaluation.datasets import dataset_items
from vigie.evaluation.plan import OutputCache, evaluate, score_dataset
from vigie.forensics.registry import get_detector
from vigie.runtime.local import LocalFolder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", required=True, help="benchmark folder (labels.csv, images/, masks/)")
    parser.add_argument("--detector", required=True)
    parser.add_argument("--score-split", default="test", help="split the figures are taken on (default: test)")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N pages (0: all)")
    parser.add_argument("--cache", default="", help="cache folder (default: none)")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    folder = LocalFolder(corpus, corpus.name)
    items = dataset_items(folder)
    if args.score_split != "test":
        items = [dataclasses.replace(i, split={"test": "unused", args.score_split: "test"}.get(i.split, i.split))
                 for i in items]
    items = [i for i in items if i.split in ("test", "calibration")]
    if args.limit:
        items = items[:args.limit]
    cache = OutputCache(LocalFolder(Path(args.cache), 'cache') if args.cache else None)
    detector = get_detector(args.detector)
    scored = score_dataset(detector, folder, items, cache)
    for operation in (*detector.operations, None):
        figures = evaluate(scored, operation=operation)
        shown = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in figures.items()}
        print(json.dumps({"forgeries": operation or "all", **shown}))


if __name__ == "__main__":
    main()
