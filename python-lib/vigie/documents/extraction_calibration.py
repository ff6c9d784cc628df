"""Fit the confidence of extracted fields as a calibrated probability that the value is right: a logistic
regression of each value's features (OCR word confidences, label match, distance to label, key validity, kind,
how it was found) on the train pages of a labelled corpus, checked on its calibration pages.

    python -m vigie.documents.extraction_calibration --corpus DIR --ocr DIR [--out resource/models/...json]

The result is a small JSON file (features, coefficients, intercept, scores) that extraction applies itself.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

from vigie.documents import extraction
from vigie.documents.ocr import OcrPage
from vigie.runtime.plugin import resource_path

FIT_SPLIT, CHECK_SPLIT = "train", "calibration"


def _page_ocr(ocr_dir: Path, doc_id: str) -> OcrPage:
    """A page's stored OCR: `<dir>/<id>.json` (an OcrPage) or the ocr_store layout `images/<id>/page-1.json`."""
    flat = ocr_dir / f"{doc_id}.json"
    if flat.exists():
        return OcrPage.from_json(json.loads(flat.read_text()))
    return OcrPage.from_json(json.loads((ocr_dir / "images" / doc_id / "page-1.json").read_text())["ocr"])


def labelled_values(corpus: Path, ocr_dir: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Features of every value extracted from the pages of a split and whether it equals the printed truth (a
    forged page's tampered field is left out: the page no longer shows its truth)."""
    rows, right = [], []
    for label in csv.DictReader((corpus / "labels.csv").open()):
        if label["split"] != split:
            continue
        try:
            page = _page_ocr(ocr_dir, label["id"])
        except FileNotFoundError:
            continue
        printed = json.loads((corpus / "annotations" / f"{label['id']}.json").read_text())["content"]["printed"]
        forged = label.get("field_name") if label.get("forged") == "True" else None
        for found in extraction.extract(page, label["doc_type"]):
            if found.name != forged:
                rows.append(found.features)
                right.append(str(printed.get(found.name)) == found.value)
    return np.array(rows, dtype=float).reshape(-1, len(extraction.CONFIDENCE_FEATURES)), np.array(right, dtype=int)


def fit(features: np.ndarray, right: np.ndarray) -> LogisticRegression:
    """A logistic regression of rightness on the features, regularised so that a few hundred values suffice."""
    return LogisticRegression(C=1.0, max_iter=2000).fit(features, right)


def scores(probability: np.ndarray, right: np.ndarray) -> dict:
    """Brier score, ROC AUC and, per confidence decile band, the mean confidence against the share right."""
    bands = {}
    for low in np.arange(0.0, 1.0, 0.2):
        inside = (probability >= low) & (probability < low + 0.2 + (1e-9 if low >= 0.8 else 0))
        if inside.any():
            bands[f"{low:.1f}-{low + 0.2:.1f}"] = {"n": int(inside.sum()), "confidence": round(float(
                probability[inside].mean()), 3), "right": round(float(right[inside].mean()), 3)}
    auc = roc_auc_score(right, probability) if 0 < right.sum() < len(right) else None
    return {"n": int(len(right)), "brier": round(float(brier_score_loss(right, probability)), 4),
            "auc": None if auc is None else round(float(auc), 4), "bands": bands}


def main() -> None:
    """Fit on the train split, report on the calibration split, write the JSON the extraction loads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--ocr", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=resource_path("models", extraction.CONFIDENCE_MODEL))
    args = parser.parse_args()
    train_x, train_y = labelled_values(args.corpus, args.ocr, FIT_SPLIT)
    check_x, check_y = labelled_values(args.corpus, args.ocr, CHECK_SPLIT)
    model = fit(train_x, train_y)
    heuristic = np.array([_heuristic(row) for row in check_x])
    report = {"features": list(extraction.CONFIDENCE_FEATURES), "coef": [round(float(c), 6) for c in model.coef_[0]],
              "intercept": round(float(model.intercept_[0]), 6),
              "fitted_on": {"corpus": str(args.corpus), "split": FIT_SPLIT, "values": int(len(train_y))},
              "calibration_split": scores(model.predict_proba(check_x)[:, 1], check_y),
              "heuristic_on_calibration_split": scores(heuristic, check_y)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: report[k] for k in ("fitted_on", "calibration_split", "heuristic_on_calibration_split")},
                     indent=2))


def _heuristic(row: np.ndarray) -> float:
    """The uncalibrated product score, for comparison: OCR mean x label similarity (1 without a label)."""
    names = extraction.CONFIDENCE_FEATURES
    value = dict(zip(names, row))
    label = value["label_similarity"] if value["from_label"] else 1.0
    return float(value["ocr_mean"] * label / (1.0 + 0.15 * value["placement_cost"]))


if __name__ == "__main__":
    main()
