"""Reproducible training of the retyped-text word model from a synthetic corpus made by the project's own generator.

Every word found on a page (vigie.forensics.text_lines) gets its features (vigie.forensics.text_features) and a
label: 1 when at least half of its box lies in the tampered mask of a "retype" or "white_out" page, 0 on every other
word; masked words of the other operations (copy-move, splicing) are left out, since their pixels are genuine scans.
A seeded histogram gradient-boosting classifier is fitted on the chosen splits (all of them by default: a training
corpus is not an evaluation corpus) and written as a shipped model (vigie.core.shipped_models).

Retrain (feature extraction takes about a second per page):
    .venv/bin/vigie recipe run generate-claims-corpus --project /tmp/rt-proj --output corpus_folder=corpus \\
        --output labels=labels --param n_documents=400 --param seed=41 --param dpi=200 --param workers=1 \\
        --param forged_fraction=0.85
    (and the same with --project /tmp/rt-proj2 --param n_documents=500 --param seed=42 --param forged_fraction=0.9)
    .venv/bin/python -m vigie.forensics.text_training --project /tmp/rt-proj --project /tmp/rt-proj2
which rewrites resource/models/retyped_text.joblib (use --output to write elsewhere).
"""

from __future__ import annotations

import argparse
import json
import pickle
from pathlib import Path
from typing import Optional

import cv2
import numpy as np

from vigie.core.shipped_models import model_path, save_model
from vigie.forensics import text_features, text_lines
from vigie.forensics.retyped_text import MODEL_NAME

TARGET_OPERATIONS = ("retype", "white_out")
SEED = 7


def read_rgb(path: Path) -> np.ndarray:
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"cannot read {path}")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def word_labels(words: list, mask: Optional[np.ndarray], operation: str) -> np.ndarray:
    """1 / 0 per word, -1 for words to leave out (tampered by an operation this detector does not target)."""
    labels = np.zeros(len(words), np.int8)
    if mask is None or not mask.any():
        return labels
    integral = cv2.integral(mask.astype(np.uint8))
    for k, (x0, y0, x1, y1) in enumerate(words):
        inside = integral[y1, x1] - integral[y0, x1] - integral[y1, x0] + integral[y0, x0]
        share = inside / max(1, (x1 - x0) * (y1 - y0))
        if share >= 0.5:
            labels[k] = 1 if operation in TARGET_OPERATIONS else -1
        elif share > 0.05:
            labels[k] = -1
    return labels


def page_rows(corpus: Path, page_id: str) -> Optional[dict]:
    """Features, labels and page facts of one corpus page, or None when it cannot be read."""
    annotation = json.loads((corpus / "annotations" / f"{page_id}.json").read_text())
    images = list((corpus / "images").glob(f"{page_id}.*"))
    if not images:
        return None
    image = read_rgb(images[0])
    mask_path = corpus / "masks" / f"{page_id}.png"
    mask = cv2.imread(str(mask_path), cv2.IMREAD_GRAYSCALE) > 0 if mask_path.is_file() else None
    forgery = annotation.get("forgery") or {}
    operation = forgery.get("operation", "") if forgery else ""
    layout = text_lines.analyse(image)
    features = text_features.word_features(image, layout)
    boxes = layout.words
    labels = word_labels(boxes, mask, operation)
    labels[~text_features.scorable(features, boxes, image.shape[:2])] = -1
    return {"features": features, "labels": labels,
            "boxes": np.array(boxes, np.int32).reshape(-1, 4), "operation": operation,
            "split": annotation.get("split", ""), "id": page_id}


def extract(corpus: Path, cache: Path, limit: int = 0, shard: tuple[int, int] = (0, 1)) -> list[dict]:
    """Rows of every page of a corpus folder (or of one shard of them), cached one pickle per page under `cache`."""
    cache.mkdir(parents=True, exist_ok=True)
    ids = sorted(p.stem for p in (corpus / "annotations").glob("*.json"))
    ids = ids[:limit] if limit else ids
    ids = ids[shard[0]::shard[1]]
    rows = []
    for page_id in ids:
        cached = cache / f"{page_id}.pkl"
        if cached.is_file():
            rows.append(pickle.loads(cached.read_bytes()))
            continue
        row = page_rows(corpus, page_id)
        if row is not None:
            cached.write_bytes(pickle.dumps(row))
            rows.append(row)
    return rows


def stack(rows: list[dict], splits: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix and labels of the kept words of pages in `splits`."""
    xs, ys = [], []
    for row in rows:
        if row["split"] not in splits or not len(row["labels"]):
            continue
        keep = row["labels"] >= 0
        xs.append(row["features"][keep])
        ys.append(row["labels"][keep])
    return np.concatenate(xs), np.concatenate(ys)


def fit(x: np.ndarray, y: np.ndarray):
    """A seeded gradient-boosting classifier of words, positives up-weighted to a quarter of the total weight."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    weight = np.where(y == 1, max(1.0, 0.33 * (y == 0).sum() / max(1, (y == 1).sum())), 1.0)
    model = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, max_leaf_nodes=15,
                                           min_samples_leaf=40, l2_regularization=1.0, random_state=SEED)
    model.fit(np.nan_to_num(x), y, sample_weight=weight)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", required=True, action="append",
                        help="project folder holding folders/corpus (the generator's); repeat for several")
    parser.add_argument("--splits", default="train,calibration,test",
                        help="splits trained on (a training corpus is not an evaluation corpus: all by default)")
    parser.add_argument("--limit", type=int, default=0, help="pages per corpus (0: all)")
    parser.add_argument("--output", default="", help="model file (default: the shipped resource)")
    args = parser.parse_args()
    rows = []
    for project in map(Path, args.project):  # features cached under PROJECT/text-features
        rows += extract(project / "folders" / "corpus", project / "text-features", args.limit)
    x, y = stack(rows, tuple(args.splits.split(",")))
    model = fit(x, y)
    output = save_model(model, text_features.FEATURE_NAMES,
                        Path(args.output) if args.output else model_path(MODEL_NAME))
    print(f"{len(rows)} pages, {len(y)} words ({int(y.sum())} tampered): model written to {output}")


if __name__ == "__main__":
    main()
