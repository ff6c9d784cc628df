"""Reproducible training of the splicing detector's word scorer (the model shipped under resource/models/).

The scorer is a small gradient-boosted tree ensemble over per-word features (see `vigie.forensics.splicing`). Its
training data is a synthetic claims corpus generated here, in which every forged page is a splicing, so it holds
many more positive words than an ordinary mixed corpus; words are labelled spliced when the ground-truth mask
covers most of their box. Everything is seeded: the same command gives the same model.

    .venv/bin/python -m vigie.forensics.splicing_training --project /tmp/sp-train \\
        --corpus /tmp/vigie-dev/folders/corpus

generates two 200-dpi corpora whose forged pages are all splicings (seed 31: 400 documents, seed 32: 247) in the
project folder (about 6 minutes), extracts the character features of their splicing pages and of their first 70
and 45 authentic pages (about 8 minutes), and writes resource/models/splicing_words.joblib (about 1.5 minutes).
`--corpus DIR` (repeatable) adds a benchmark folder's train split; the shipped model uses none, so that the dev
corpus stays out of sample.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from vigie.core.pages import load_pages
from vigie.core.shipped_models import model_path, save_model
from vigie.forensics import splicing
from vigie.runtime.local import LocalFolder

LABEL_COVER = 0.5  # a word is a positive when the mask covers at least this share of its box
IGNORE_COVER = 0.1  # words partly covered (between this and LABEL_COVER) are left out of training


def generate_splicing_corpus(output: Path, documents: int, seed: int, dpi: str = "200", workers: int = 1,
                             forged_fraction: float = 0.5) -> pd.DataFrame:
    """A claims corpus in `output` whose forged pages are all splicings (the synth chain otherwise unchanged)."""
    from vigie.synth import corpus, forgeries

    saved = forgeries.FORGERY_OPERATIONS
    forgeries.FORGERY_OPERATIONS = ("splicing",)
    try:
        options = corpus.CorpusOptions(n_documents=documents, seed=seed, dpi=dpi, forged_fraction=forged_fraction)
        output.mkdir(parents=True, exist_ok=True)
        return corpus.generate_corpus(LocalFolder(output, output.name), options, workers=workers)
    finally:
        forgeries.FORGERY_OPERATIONS = saved


def _word_labels(boxes: np.ndarray, mask: Optional[np.ndarray]) -> np.ndarray:
    """1 spliced, 0 genuine, -1 ambiguous (partly covered) for each word box."""
    labels = np.zeros(len(boxes), dtype=np.int8)
    if mask is None or not mask.any():
        return labels
    h, w = mask.shape
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        cover = float(mask[y0:y1, x0:x1].mean()) if x1 > x0 and y1 > y0 else 0.0
        labels[i] = 1 if cover >= LABEL_COVER else (-1 if cover >= IGNORE_COVER else 0)
    return labels


def corpus_rows(folder: Path, splits: Optional[tuple[str, ...]] = None, authentic: int = 1000) -> pd.DataFrame:
    """Per-character feature rows of a benchmark folder's splicing pages and its first `authentic` authentic pages
    (within `splits`, all when None): features, label, page id, word index, page label and patch box."""
    from PIL import Image

    labels = pd.read_csv(folder / "labels.csv", keep_default_na=False)
    labels = labels[labels["status"] == "ok"]
    if splits:
        labels = labels[labels["split"].isin(splits)]
    chosen = pd.concat([labels[labels["operation"] == "splicing"], labels[labels["operation"] == ""].head(authentic)])
    frames = []
    for row in chosen.itertuples():
        page = load_pages((folder / row.image).read_bytes(), row.image)[0]
        mask = np.asarray(Image.open(folder / row.mask).convert("L")) > 127 if row.mask else None
        features, boxes, word_of = splicing.analyse(page)
        if len(boxes) == 0:
            continue
        frame = pd.DataFrame(features, columns=splicing.FEATURE_NAMES)
        frame["label"] = _word_labels(boxes, mask)
        frame["page"] = row.id
        frame["word"] = word_of
        frame["forged"] = bool(row.forged)
        for j, name in enumerate(("x0", "y0", "x1", "y1")):
            frame[name] = boxes[:, j]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def train_model(rows: pd.DataFrame, seed: int = 0):
    """Gradient-boosted trees on the unambiguous word rows; returns the fitted classifier."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    usable = rows[rows["label"] >= 0].sort_values("page", kind="stable")  # independent of extraction order
    x = usable[splicing.FEATURE_NAMES].to_numpy(np.float32)
    y = usable["label"].to_numpy()
    positives = max(int(y.sum()), 1)
    weight = np.where(y == 1, min(50.0, (len(y) - positives) / positives / 4.0), 1.0)
    model = HistGradientBoostingClassifier(max_iter=250, learning_rate=0.06, max_leaf_nodes=15, min_samples_leaf=30,
                                           l2_regularization=1.0, early_stopping=True, random_state=seed)
    model.fit(x, y, sample_weight=weight)
    return model


GENERATED = ((31, 400, 70), (32, 247, 45))  # (seed, documents, authentic pages used) of the generated corpora


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", required=True, help="working folder: generated corpora and feature tables")
    parser.add_argument("--corpus", action="append", default=[], help="extra benchmark folder (train split used)")
    parser.add_argument("--output", default=str(model_path(splicing.MODEL_NAME)), help="model file to write")
    parser.add_argument("--seed", type=int, default=0, help="seed of the tree ensemble")
    parser.add_argument("--skip-generation", action="store_true", help="reuse the corpora already in --project")
    args = parser.parse_args(argv)
    project = Path(args.project)
    frames = []
    for seed, documents, authentic in GENERATED:
        folder = project / f"splicing-corpus-{seed}"
        if not args.skip_generation:
            generate_splicing_corpus(folder, documents, seed)
        frames.append(corpus_rows(folder, authentic=authentic))
    frames += [corpus_rows(Path(extra), splits=("train",)) for extra in args.corpus]
    rows = pd.concat(frames, ignore_index=True)
    rows.to_parquet(project / "splicing-chars.parquet")
    model = train_model(rows, seed=args.seed)
    save_model(model, tuple(splicing.FEATURE_NAMES), Path(args.output))
    print(json.dumps({"characters": len(rows), "positives": int((rows["label"] == 1).sum()),
                      "pages": int(rows["page"].nunique()), "model": args.output}))


if __name__ == "__main__":
    main()
