"""The experiment plan's HTML report: leaderboard, ROC curves, margins over peers and example overlays.

One self-contained file (inline SVG charts, base64 PNG thumbnails, inline CSS, no script and no network), drawn from
a `PlanResult` without scoring anything again: the leaderboard rows, the page scores behind each ROC curve and the
downscaled heatmaps that the plan keeps. Only the few example pages are read again from their dataset folders, to
draw the page under its heatmap with the true mask's outline.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Optional

import numpy as np
from PIL import Image
from sklearn.metrics import roc_curve

from vigie.core.pages import load_pages
from vigie.evaluation import metrics
from vigie.evaluation.datasets import truth_mask
from vigie.evaluation.plan import HEATMAP_LEVELS, DetectorRun, PageRecord, PlanResult, judged, thumbnail_shape
from vigie.runtime.context import Folder

REPORT_FILE = "report.html"
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
           "#bcbd22")

# (row key, column header, format) of the leaderboard table, in the order of the metric protocol
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("image_auc", "Image AUC", "3"),
    ("average_precision", "AP", "3"),
    ("tpr_at_1pct_fpr", "TPR @ 1 % FPR", "3"),
    ("tpr_at_5pct_fpr", "TPR @ 5 % FPR", "3"),
    ("pixel_f1", "Pixel F1 (fixed threshold)", "3"),
    ("pixel_iou", "Pixel IoU (fixed threshold)", "3"),
    ("oracle_pixel_f1", "Oracle pixel F1 (upper bound)", "3"),
    ("false_alerts_per_100_authentic", "False alerts / 100 authentic", "1"),
    ("false_positive_area", "False-positive area", "pct"),
    ("field_recall", "Recall per field", "fields"),
    ("seconds_per_megapixel", "s / MP", "2"),
    ("net_value_eur", "Net value (EUR)", "eur"),
)

CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ccc; }
h3 { font-size: 15px; margin-bottom: 6px; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: right; vertical-align: top; }
th { background: #f3f3f3; text-align: center; }
td.text { text-align: left; }
th.bound, td.bound { color: #777; font-style: italic; background: #fafafa; }
tr.peer td { background: #f6f8ff; }
.tag { font-size: 10px; padding: 0 4px; border-radius: 3px; background: #dde4ff; color: #334; }
.note { font-size: 12px; color: #555; max-width: 1100px; }
.charts, .examples { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; font-size: 11px; max-width: 380px; }
figure img { border: 1px solid #ccc; display: block; }
.ver { font-size: 10px; color: #888; }
.good { color: #1a7f37; } .bad { color: #b42318; }
"""


def _fmt(value, kind: str) -> str:
    if kind == "fields":
        if not value:
            return "&ndash;"
        return "<br>".join(f"{html.escape(str(k))}&nbsp;{_fmt(v, '2')}" for k, v in sorted(dict(value).items()))
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "&ndash;"
    if kind == "pct":
        return f"{100 * float(value):.2f}&nbsp;%"
    if kind == "eur":
        return f"{float(value):,.0f}".replace(",", "&nbsp;")
    if kind == "int":
        return str(int(value))
    return f"{float(value):.{int(kind)}f}"


def leaderboard_table(rows: Sequence[dict]) -> str:
    """One table row (class "entry") per leaderboard row; oracle F1 set apart as an upper bound, peers tagged."""
    head = ["<th>Detector</th><th>Dataset</th><th>Forgeries judged</th><th>Test pages (forged)</th><th>Errors</th>"]
    for key, label, _kind in COLUMNS:
        css = ' class="bound"' if key == "oracle_pixel_f1" else ""
        head.append(f"<th{css}>{html.escape(label)}</th>")
    body = []
    for row in rows:
        peer = bool(row.get("peer", False))
        tag = ' <span class="tag">peer</span>' if peer else ""
        version = f' <span class="ver">v{html.escape(str(row["version"]))}</span>' if "version" in row else ""
        cells = [f'<td class="text">{html.escape(str(row["detector"]))}{version}{tag}</td>',
                 f'<td class="text">{html.escape(str(row["dataset"]))}</td>',
                 f'<td class="text">{html.escape(str(row["forgeries"]))}</td>',
                 f"<td>{int(row.get('pages_test', 0))} ({int(row.get('forged_test', 0))})</td>",
                 f"<td>{int(row.get('errors', 0))}</td>"]
        for key, _label, kind in COLUMNS:
            css = ' class="bound"' if key == "oracle_pixel_f1" else ""
            cells.append(f"<td{css}>{_fmt(row.get(key), kind)}</td>")
        body.append(f'<tr class="entry{" peer" if peer else ""}">{"".join(cells)}</tr>')
    return f"<table><thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(body)}</tbody></table>"


# ---------------------------------------------------------------------------------------------------- ROC curves

def roc_points(forged: Sequence[bool], scores: Sequence[float]) -> Optional[tuple[np.ndarray, np.ndarray]]:
    """(FPR, TPR) of a ranking; None when the pages hold only one class."""
    forged = np.asarray(forged, bool)
    if forged.all() or not forged.any():
        return None
    fpr, tpr, _ = roc_curve(forged, np.asarray(scores, float))
    return fpr, tpr


def roc_svg(title: str, curves: Sequence[tuple[str, np.ndarray, np.ndarray, bool]], width: int = 380) -> str:
    """An inline SVG ROC chart: (label, fpr, tpr, dashed) per curve, the chance line, 1 % and 5 % FPR marks."""
    left, top, size = 40, 24, width - 60
    height = top + size + 36 + 14 * len(curves)

    def x(v: float) -> float:
        return left + v * size

    def y(v: float) -> float:
        return top + (1 - v) * size

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="roc" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="10">',
             f'<title>{html.escape(title)}</title>',
             f'<text x="{left}" y="14" font-size="12" font-weight="bold">{html.escape(title)}</text>',
             f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="white" stroke="#888"/>']
    for tick in np.linspace(0, 1, 6):
        parts.append(f'<line x1="{x(tick):.1f}" y1="{y(0):.1f}" x2="{x(tick):.1f}" y2="{y(0) + 4:.1f}" stroke="#888"/>'
                     f'<text x="{x(tick):.1f}" y="{y(0) + 14:.1f}" text-anchor="middle">{tick:.1f}</text>'
                     f'<line x1="{x(0) - 4:.1f}" y1="{y(tick):.1f}" x2="{x(0):.1f}" y2="{y(tick):.1f}" stroke="#888"/>'
                     f'<text x="{x(0) - 6:.1f}" y="{y(tick) + 3:.1f}" text-anchor="end">{tick:.1f}</text>')
    for mark in (0.01, 0.05):
        parts.append(f'<line x1="{x(mark):.1f}" y1="{y(0):.1f}" x2="{x(mark):.1f}" y2="{y(1):.1f}" '
                     f'stroke="#bbb" stroke-dasharray="2,2"/>')
    parts.append(f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(1):.1f}" y2="{y(1):.1f}" stroke="#ccc"/>')
    parts.append(f'<text x="{left + size / 2:.1f}" y="{y(0) + 26:.1f}" text-anchor="middle">false-positive rate '
                 f'(dotted: 1 % and 5 %)</text>')
    parts.append(f'<text transform="translate(11,{top + size / 2:.1f}) rotate(-90)" text-anchor="middle">'
                 f'true-positive rate</text>')
    for i, (label, fpr, tpr, dashed) in enumerate(curves):
        colour = PALETTE[i % len(PALETTE)]
        points = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in zip(fpr, tpr))
        dash = ' stroke-dasharray="5,3"' if dashed else ""
        parts.append(f'<polyline class="curve" points="{points}" fill="none" stroke="{colour}" stroke-width="1.6"'
                     f'{dash}/>')
        ly = top + size + 40 + 14 * i
        parts.append(f'<line x1="{left}" y1="{ly - 3}" x2="{left + 18}" y2="{ly - 3}" stroke="{colour}" '
                     f'stroke-width="2"{dash}/><text x="{left + 24}" y="{ly}">{html.escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _operations(runs: Sequence[DetectorRun]) -> list[str]:
    """'all', then every forgery operation found on the runs' judged test pages."""
    found = {p.item.operation for r in runs for p in judged(r.pages) if p.item.forged and p.item.operation}
    return ["all", *sorted(found)]


def roc_section(plan: PlanResult) -> str:
    """One chart per dataset and operation (and all forgeries), one curve per detector, peers dashed."""
    out = []
    for dataset in dict.fromkeys(r.dataset_name for r in plan.runs):
        runs = [r for r in plan.runs if r.dataset_name == dataset]
        charts = []
        for operation in _operations(runs):
            curves = []
            for run in runs:
                forged, scores = run.scores(None if operation == "all" else operation)
                points = roc_points(forged, scores)
                if points is None:
                    continue
                auc = metrics.image_auc(forged, scores)
                label = f"{run.detector}{' (peer)' if run.peer else ''}: AUC {auc:.3f}, {sum(forged)} forged / " \
                        f"{len(forged) - sum(forged)} authentic"
                curves.append((label, points[0], points[1], run.peer))
            if curves:
                title = f"{dataset}: {'all forgeries' if operation == 'all' else operation} vs authentic (test)"
                charts.append(f'<figure class="chart" data-dataset="{html.escape(dataset)}" '
                              f'data-operation="{html.escape(operation)}">{roc_svg(title, curves)}</figure>')
        if charts:
            out.append(f"<h3>{html.escape(dataset)}</h3><div class=\"charts\">{''.join(charts)}</div>")
    return "".join(out) or '<p class="note">No test split with both forged and authentic pages: no ROC curve.</p>'


# ------------------------------------------------------------------------------------------- margins over peers

def auc_margins(plan: PlanResult) -> list[dict]:
    """For each of our detectors and each family it is judged on: its AUC minus the best peer's, on the same pages.

    The pages are the judged test pages that every compared detector scored without error, so the figures may
    differ slightly from the leaderboard's when a detector failed on some page.
    """
    margins = []
    for run in plan.runs:
        if run.peer:
            continue
        peers = [p for p in plan.runs if p.peer and p.dataset_name == run.dataset_name]
        if not peers:
            continue
        for operation in (*run.operations, None):
            ids = {p.item.id for p in judged(run.pages, operation)}
            for peer in peers:
                ids &= {p.item.id for p in judged(peer.pages, operation)}
            ours = metrics.image_auc(*run.scores(operation, ids))
            theirs = {peer.detector: metrics.image_auc(*peer.scores(operation, ids)) for peer in peers}
            valid = {k: v for k, v in theirs.items() if not math.isnan(v)}
            best = max(valid, key=valid.get) if valid else None
            forged, _ = run.scores(operation, ids)
            margins.append({"detector": run.detector, "dataset": run.dataset_name, "forgeries": operation or "all",
                            "pages": len(ids), "forged": int(sum(forged)), "image_auc": ours,
                            "best_peer": best, "best_peer_auc": valid[best] if best else float("nan"),
                            "auc_margin": ours - valid[best] if best else float("nan"),
                            "peer_aucs": theirs})
    return margins


def margins_table(margins: Sequence[dict]) -> str:
    head = ("<tr><th>Detector</th><th>Dataset</th><th>Forgeries judged</th><th>Common test pages (forged)</th>"
            "<th>Its AUC</th><th>Best peer</th><th>Peer AUC</th><th>AUC margin</th></tr>")
    body = []
    for m in margins:
        margin = m["auc_margin"]
        css = "" if math.isnan(margin) else (' class="good"' if margin > 0 else ' class="bad"')
        sign = "&ndash;" if math.isnan(margin) else f"{margin:+.3f}"
        body.append(f'<tr class="margin"><td class="text">{html.escape(m["detector"])}</td>'
                    f'<td class="text">{html.escape(m["dataset"])}</td><td class="text">{html.escape(m["forgeries"])}'
                    f'</td><td>{m["pages"]} ({m["forged"]})</td><td>{_fmt(m["image_auc"], "3")}</td>'
                    f'<td class="text">{html.escape(m["best_peer"] or "")}</td><td>{_fmt(m["best_peer_auc"], "3")}'
                    f"</td><td{css}>{sign}</td></tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


# ------------------------------------------------------------------------------------------------------ overlays

def example_pages(run: DetectorRun) -> list[tuple[str, PageRecord]]:
    """A few test pages worth looking at: the highest-scoring forged, a missed forged, the highest-scoring authentic.

    Forged pages are taken among the operations the detector is meant for when the dataset has some.
    """
    test = judged(run.pages)
    forged = [p for p in test if p.item.forged]
    meant = [p for p in forged if p.item.operation in run.operations]
    forged = meant or forged
    authentic = [p for p in test if not p.item.forged]
    threshold = run.image_thresholds.get("all", 0.5)
    examples = []
    if forged:
        top = max(forged, key=lambda p: p.score)
        examples.append(("highest-scoring forged", top))
        rest = [p for p in forged if p is not top]
        missed = [p for p in rest if p.score < threshold]
        if missed:
            examples.append(("missed forged (below the threshold)", min(missed, key=lambda p: p.score)))
        elif rest:
            examples.append(("lowest-scoring forged (none missed at the threshold)", min(rest, key=lambda p: p.score)))
    if authentic:
        examples.append(("highest-scoring authentic", max(authentic, key=lambda p: p.score)))
    return examples


def _outline(mask: np.ndarray) -> np.ndarray:
    """The boundary of a boolean mask, two pixels wide."""
    padded = np.pad(mask, 1, constant_values=False)
    inner = padded[1:-1, 1:-1] & padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    edge = mask & ~inner
    grown = np.pad(edge, 1, constant_values=False)
    return edge | grown[:-2, 1:-1] | grown[2:, 1:-1] | grown[1:-1, :-2] | grown[1:-1, 2:]


def overlay_image(page: np.ndarray, heatmap: Optional[np.ndarray], truth: Optional[np.ndarray]) -> np.ndarray:
    """The page in grey, the heatmap in red (opacity grows with the map), the true mask outlined in green."""
    grey = page.astype(np.float32).mean(axis=2, keepdims=True)
    rgb = np.repeat(0.8 * grey + 40.0, 3, axis=2)
    if heatmap is not None:
        alpha = 0.8 * (heatmap.astype(np.float32) / HEATMAP_LEVELS)[..., None]
        rgb = (1 - alpha) * rgb + alpha * np.array([230.0, 20.0, 20.0])
    out = np.clip(rgb, 0, 255).astype(np.uint8)
    if truth is not None and truth.any():
        out[_outline(truth)] = (0, 170, 60)
    return out


def png_data_uri(image: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _example_figure(run: DetectorRun, caption: str, record: PageRecord) -> str:
    item = record.item
    try:
        page = load_pages(run.dataset.read_bytes(item.image), item.image)[0].image
    except Exception as exc:  # a page that no longer reads is described, not drawn
        return f'<figure class="example"><p>{html.escape(item.id)}: cannot draw ({html.escape(str(exc))})</p></figure>'
    heatmap = record.heatmap
    shape = heatmap.shape[:2] if heatmap is not None else thumbnail_shape(page.shape[:2])
    thumb = np.asarray(Image.fromarray(page).resize((shape[1], shape[0]), Image.BOX))
    truth = None
    if item.forged:
        truth = truth_mask(run.dataset, item, shape)
    threshold = run.image_thresholds.get("all", float("nan"))
    verdict = "alert" if record.score >= threshold else "no alert"
    label = f"forged: {item.operation or '?'}" + (f", field {item.field}" if item.field else "") if item.forged \
        else "authentic"
    note = "" if heatmap is not None else " (no heatmap: score only)"
    return (f'<figure class="example"><img alt="{html.escape(item.id)}" width="{shape[1]}" height="{shape[0]}" '
            f'src="{png_data_uri(overlay_image(thumb, heatmap, truth))}"><figcaption><b>{html.escape(caption)}</b>'
            f"<br>{html.escape(item.id)} ({html.escape(label)})<br>score {record.score:.3f} vs threshold "
            f"{threshold:.3f}: {verdict}{note}</figcaption></figure>")


def examples_section(plan: PlanResult) -> str:
    out = []
    for run in plan.runs:
        figures = [_example_figure(run, caption, record) for caption, record in example_pages(run)]
        if figures:
            tag = ' <span class="tag">peer</span>' if run.peer else ""
            out.append(f"<h3>{html.escape(run.detector)}{tag} on {html.escape(run.dataset_name)}</h3>"
                       f"<div class=\"examples\">{''.join(figures)}</div>")
    return "".join(out) or '<p class="note">No test page to show.</p>'


# -------------------------------------------------------------------------------------------------------- report

def render_report(plan: PlanResult, title: str = "Vigie experiment plan: forgery detectors",
                  generated: Optional[datetime] = None) -> str:
    """The whole report as one HTML document."""
    generated = generated or datetime.now(timezone.utc)
    detectors = list(dict.fromkeys(r.detector for r in plan.runs))
    datasets = list(dict.fromkeys(r.dataset_name for r in plan.runs))
    pages = {r.dataset_name: len(r.pages) for r in plan.runs}
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="note">Generated {generated:%Y-%m-%d %H:%M} UTC. Detectors: {html.escape(", ".join(detectors))}'
        f"{' (peers: ' + html.escape(', '.join(plan.peers)) + ')' if plan.peers else ''}. Datasets: "
        f"{html.escape(', '.join(f'{d} ({pages[d]} pages scored)' for d in datasets))}.</p>",
        '<h2 id="leaderboard">Leaderboard</h2>',
        '<p class="note">Figures on the test split. The image threshold allows at most the configured false-alert '
        "rate on the calibration split's authentic pages; the pixel threshold maximises pooled F1 on its forged pages; "
        "both are applied unchanged to the test split. <i>Oracle pixel F1</i> uses the best threshold of each image: "
        "it is an <b>upper bound</b>, never a result. A detector meant for some operations is judged on each of them "
        "against authentic pages, and on all forgeries. Net value: 8,000 EUR per abuse found minus 300 EUR per review "
        "at the image threshold.</p>",
        leaderboard_table(plan.rows),
    ]
    if plan.peers:
        sections += ['<h2 id="margins">Margin over the best peer</h2>',
                     '<p class="note">Image AUC of each of our detectors minus that of the best peer, on the same '
                     "test pages (those every compared detector scored without error).</p>",
                     margins_table(auc_margins(plan))]
    sections += ['<h2 id="roc">ROC curves</h2>',
                 '<p class="note">Test split, per dataset and forgery operation against authentic pages; one curve '
                 "per detector (peers dashed).</p>", roc_section(plan),
                 '<h2 id="examples">Examples</h2>',
                 '<p class="note">Per detector: the highest-scoring forged page, a missed forged page and the '
                 "highest-scoring authentic page of the test split. Red: the detector's heatmap (or mask); green "
                 "outline: the true tampered area.</p>", examples_section(plan)]
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{CSS}</style></head><body>{''.join(sections)}</body></html>\n")


def write_report(folder: Folder, plan: PlanResult, path: str = REPORT_FILE, **kwargs) -> str:
    """Write the report into a folder (by stream); returns its path in the folder."""
    folder.write_bytes(path, render_report(plan, **kwargs).encode("utf-8"))
    return path
