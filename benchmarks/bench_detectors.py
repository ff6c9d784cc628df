"""The experiment plan as a benchmark: our registered detectors and published peers on one fresh synthetic corpus.

Every registered detector (or those named with --detector) and the peer detectors of benchmarks/peers/ (pyIFD's
classic ELA and NOI1 maps) are scored on the same pages in the same run, through the benchmark-detectors recipe,
with one metric protocol (thresholds fixed on the calibration split, figures on the test split). Prints the
leaderboard side by side (peers marked '*') and, for each of our detectors, its image-AUC margin over the best peer
on the same pages. Writes benchmarks/results/detectors.json and the HTML report
benchmarks/results/detectors_report.html (leaderboard, margins, ROC curves, example overlays).

Peers need the benchmark requirements, installed once into the project's virtualenv (pyIFD's declared dependencies
would pull a second OpenCV, so they are installed without dependency resolution; the file lists what is needed):
    .venv/bin/pip install --no-deps -r benchmarks/requirements.txt
Run:
    .venv/bin/python benchmarks/bench_detectors.py [--documents 300] [--seed 0] [--detector NAME ...] [--no-peers]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
from pathlib import Path

from vigie.evaluation.bench import format_leaderboard, run_plan_bench
from vigie.evaluation.report import auc_margins

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers.pyifd_detectors import pyifd_peers  # noqa: E402  (benchmarks/ is not a package)

RESULTS = Path(__file__).resolve().parent / "results"


def _clean(value):
    """JSON-safe figures: NaN as null, nested dicts cleaned."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def format_margins(margins: list[dict]) -> str:
    lines = [f"{'detector':16s} {'dataset':14s} {'forgeries':12s} {'pages':>6s} {'AUC':>6s} {'best peer':12s} "
             f"{'peer AUC':>8s} {'margin':>7s}"]
    for m in margins:
        if m["best_peer"] is None or math.isnan(m["image_auc"]):  # one class only on these pages: no AUC
            lines.append(f"{m['detector']:16s} {m['dataset']:14s} {m['forgeries']:12s} {m['pages']:6d} "
                         f"{'-':>6s} {'-':12s} {'-':>8s} {'-':>7s}  ({m['forged']} forged: AUC undefined)")
            continue
        lines.append(f"{m['detector']:16s} {m['dataset']:14s} {m['forgeries']:12s} {m['pages']:6d} "
                     f"{m['image_auc']:6.3f} {m['best_peer']:12s} {m['best_peer_auc']:8.3f} "
                     f"{m['auc_margin']:+7.3f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--detector", action="append", default=None, help="only these registered detectors")
    parser.add_argument("--no-peers", action="store_true", help="leave the pyIFD peers out")
    parser.add_argument("--project", default="", help="keep the corpus and output cache in this project directory "
                        "(a re-run then only scores changed detector versions); default: a temporary one")
    args = parser.parse_args()
    peers = [] if args.no_peers else pyifd_peers()
    RESULTS.mkdir(exist_ok=True)
    report = RESULTS / "detectors_report.html"
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(args.project) if args.project else Path(tmp) / "project"
        result = run_plan_bench(project, args.documents, args.seed, detectors=args.detector, peers=peers)
        shutil.copyfile(result.report_path, report)
    margins = auc_margins(result.plan)
    print(format_leaderboard(result.leaderboard))
    if margins:
        print("\nImage-AUC margin over the best peer, on the same test pages:")
        print(format_margins(margins))
    payload = {"benchmark": "detectors", "documents": args.documents, "seed": args.seed,
               "peers": [p.name for p in peers],
               "leaderboard": json.loads(result.leaderboard.to_json(orient="records")),
               "auc_margin_over_best_peer": [_clean(m) for m in margins]}
    (RESULTS / "detectors.json").write_text(json.dumps(payload, indent=2))
    print(f"\nwrote {RESULTS / 'detectors.json'} and {report}")


if __name__ == "__main__":
    main()
