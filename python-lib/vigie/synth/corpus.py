"""The synthetic claims corpus: pages, forgeries, benign edits, inconsistencies and degradations, as a benchmark folder.

Each page is a pure function of (corpus options, page index): its own seed is derived from the corpus seed and
its index and recorded in the labels, so any page can be regenerated alone and workers can share the work.
Folder layout (DESIGN.md benchmark contract): `images/<id>.<ext>`, `masks/<id>.png` (forged pages, white is
tampered), `sources/<id>.png` (copy-move sources), `annotations/<id>.json` (fields with boxes, forgery and
degradation records), `labels.csv` (one row per page).
"""

from __future__ import annotations

import io
import json
import os
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from typing import Callable, Iterator, Optional

import numpy as np
import pandas as pd
from PIL import Image

from vigie.runtime.context import Folder
from vigie.synth import benign, degrade, forgeries, other_documents, templates
from vigie.synth.page import FieldValue, RenderedPage, Word

DPI_CHOICES = (150, 200, 300)
SPLITS = ("train", "calibration", "test")
SPLICING_DONOR_ATTEMPTS = 3
OTHER_STREAM = 0x07E4  # key of the draw that turns a page into an "other" page, apart from the page's own stream
LABEL_COLUMNS = [
    "id", "doc_type", "template", "forged", "operation", "field", "field_name", "dpi", "jpeg_quality",
    "n_compressions", "resize_factor", "rotation_deg", "split", "seed", "inconsistency", "benign_edits",
    "width", "height", "tampered_fraction", "image", "mask", "source_mask", "status", "error", "care_type",
    "beneficiary_role",
]


@dataclass(frozen=True)
class CorpusOptions:
    """What to generate; the same options and seed give the same corpus, pixel for pixel."""

    n_documents: int
    seed: int = 0
    doc_types: tuple[str, ...] = templates.DOC_TYPES
    dpi: str = "mixed"  # "mixed", "150", "200" or "300"
    forged_fraction: float = 0.5
    inconsistent_fraction: float = 0.1
    benign_fraction: float = 0.3
    degrade: bool = True
    calibration_fraction: float = 0.2
    other_fraction: float = 0.08  # share of non-claim pages (doc_type "other"), drawn apart from the claim pages


@dataclass
class GeneratedPage:
    """One page's files and label row, ready to be written."""

    doc_id: str
    label: dict
    files: dict[str, bytes] = field(default_factory=dict)  # folder path -> content


def page_seed(corpus_seed: int, index: int) -> int:
    """The seed of page `index`: independent streams per page, stable across runs and workers."""
    return int(np.random.SeedSequence([corpus_seed, index]).generate_state(1)[0])


def _png(mask: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(mask.astype(np.uint8) * 255, mode="L").save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _choose_dpi(options: CorpusOptions, rng: np.random.Generator) -> int:
    return int(rng.choice(DPI_CHOICES)) if options.dpi == "mixed" else int(options.dpi)


def _scan(page: RenderedPage, options: CorpusOptions, rng: np.random.Generator):
    """Benign-free scan of a rendered page: plan, scanned + first-saved image, page mapped to scan coordinates."""
    plan = degrade.sample_plan(rng) if options.degrade else degrade.identity_plan()
    scanned, affine = degrade.scan(page.image, plan, rng)
    scanned = degrade.first_save(scanned, plan)
    return plan, degrade.transform_page(page, affine, scanned), affine


def _donor(options: CorpusOptions, doc_type: str, rng: np.random.Generator) -> tuple[np.ndarray, RenderedPage]:
    """Another document, with its own content, template and scan history, to splice from."""
    others = [t for t in templates.DOC_TYPES if t != doc_type]
    donor_type = str(rng.choice(others))
    donor_template = str(rng.choice(templates.TEMPLATES[donor_type]))
    donor = templates.render(donor_type, donor_template, _choose_dpi(options, rng), rng)
    _plan, scanned, _affine = _scan(donor, options, rng)
    return scanned.image, scanned


def _forge(page: RenderedPage, options: CorpusOptions, doc_type: str,
           rng: np.random.Generator) -> Optional[forgeries.Forgery]:
    """A forgery of one of the page's fields: an operation drawn at random, then a field kind it can change here.

    Splicing tries a few donors, since a donor must hold a word that fits the target field.
    """
    for choice in rng.permutation(len(forgeries.FORGERY_OPERATIONS)):
        operation = forgeries.FORGERY_OPERATIONS[int(choice)]
        kinds = forgeries.forgeable_kinds(page, operation)
        if not kinds:
            continue
        kind = str(rng.choice(kinds))
        for _attempt in range(SPLICING_DONOR_ATTEMPTS if operation == "splicing" else 1):
            donor = _donor(options, doc_type, rng) if operation == "splicing" else None
            try:
                return forgeries.apply_forgery(page.image, page, operation, kind, rng, donor=donor)
            except forgeries.ForgeryError:
                continue
    return None


def is_other_page(options: CorpusOptions, index: int) -> bool:
    """Whether page `index` is a non-claim page: a draw from its own stream, so the claim pages that remain are
    the same, pixel for pixel, whatever other_fraction is."""
    if options.other_fraction <= 0:
        return False
    stream = np.random.default_rng(np.random.SeedSequence([options.seed, index, OTHER_STREAM]))
    return bool(stream.random() < options.other_fraction)


def page_doc_type(options: CorpusOptions, index: int) -> str:
    """The document type of page `index`: "other" or the claim type its index cycles to."""
    return "other" if is_other_page(options, index) else options.doc_types[index % len(options.doc_types)]


def _templates_of(doc_type: str) -> tuple[str, ...]:
    return other_documents.TEMPLATES if doc_type == "other" else templates.TEMPLATES[doc_type]


def _render(doc_type: str, template: str, dpi: int, rng: np.random.Generator,
            inconsistency: Optional[str]) -> RenderedPage:
    if doc_type == "other":
        return other_documents.render(template, dpi, rng)
    return templates.render(doc_type, template, dpi, rng, inconsistency=inconsistency)


def _split(template: str, doc_type: str, options: CorpusOptions, rng: np.random.Generator) -> str:
    if template == _templates_of(doc_type)[-1]:
        return "test"  # held-out template: the test split is template-disjoint from train and calibration
    return "calibration" if rng.random() < options.calibration_fraction else "train"


def generate_page(options: CorpusOptions, index: int) -> GeneratedPage:
    """Render, edit, forge and degrade page `index` of the corpus."""
    seed = page_seed(options.seed, index)
    rng = np.random.default_rng(seed)
    doc_type = page_doc_type(options, index)
    other = doc_type == "other"
    doc_id = f"{doc_type}-{options.seed}-{index:06d}"
    template = str(rng.choice(_templates_of(doc_type)))
    split = _split(template, doc_type, options, rng)
    dpi = _choose_dpi(options, rng)
    supported = templates.INCONSISTENCIES.get(doc_type, ())
    inconsistency = str(rng.choice(supported)) if supported and rng.random() < options.inconsistent_fraction else None
    wants_forgery = rng.random() < options.forged_fraction and not other
    benign_kinds = list(rng.choice(benign.BENIGN_EDITS, size=int(rng.integers(1, 3)), replace=False)) \
        if rng.random() < options.benign_fraction else []
    benign_kinds = [] if other else benign_kinds  # non-claim pages come as received: no stamp, note or forgery

    page = _render(doc_type, template, dpi, rng, inconsistency)
    benign_records = []
    for kind in benign_kinds:
        image, record = benign.apply_benign_edit(page.image, page, str(kind), rng)
        page = replace(page, image=image)
        benign_records.append(record)

    plan, scanned, scan_affine = _scan(page, options, rng)
    image, mask, source_mask, forgery_record = scanned.image, None, None, None
    if wants_forgery:
        forgery = _forge(scanned, options, doc_type, rng)
        if forgery is not None:
            image, mask, source_mask, forgery_record = (forgery.image, forgery.mask, forgery.source_mask,
                                                        forgery.record)

    data, final, (mask, source_mask), save_affine = degrade.resave(image, plan, [mask, source_mask])
    final_page = degrade.transform_page(scanned, save_affine, final)
    if forgery_record:
        forgery_record = _map_record_boxes(forgery_record, save_affine, final.shape[:2])
    ext = "jpg" if data[:2] == b"\xff\xd8" else "png"
    files = {f"images/{doc_id}.{ext}": data}
    forged = mask is not None
    if forged:
        files[f"masks/{doc_id}.png"] = _png(mask)
    if source_mask is not None:
        files[f"sources/{doc_id}.png"] = _png(source_mask)

    height, width = final.shape[:2]
    degradation = plan.to_record()
    annotation = {
        "id": doc_id, "doc_type": doc_type, "template": template, "dpi": dpi, "seed": seed, "index": index,
        "split": split, "width": width, "height": height,
        "fields": [_field_json(f) for f in final_page.fields],
        "words": [_word_json(w) for w in final_page.words],
        "content": page.content, "inconsistencies": page.inconsistencies,
        "benign_edits": [_map_record_boxes(r, degrade.compose(save_affine, scan_affine), final.shape[:2])
                         for r in benign_records],
        "forgery": forgery_record, "degradation": degradation,
    }
    files[f"annotations/{doc_id}.json"] = json.dumps(annotation, ensure_ascii=False, default=_json_default).encode()
    qualities = degradation.get("jpeg_qualities") or []
    label = {
        "id": doc_id, "doc_type": doc_type, "template": template, "forged": forged,
        "operation": forgery_record["operation"] if forged else "",
        "field": forgery_record["field_kind"] if forged else "",
        "field_name": forgery_record.get("field", "") if forged else "",
        "dpi": dpi, "jpeg_quality": int(qualities[-1]) if qualities else 0, "n_compressions": len(qualities),
        "resize_factor": float(degradation.get("resize_factor", 1.0)),
        "rotation_deg": float(degradation.get("rotation_deg", 0.0)),
        "split": split, "seed": seed, "inconsistency": inconsistency or "",
        "benign_edits": ",".join(r["kind"] for r in benign_records), "width": width, "height": height,
        "tampered_fraction": float(mask.mean()) if forged else 0.0,
        "image": f"images/{doc_id}.{ext}", "mask": f"masks/{doc_id}.png" if forged else "",
        "source_mask": f"sources/{doc_id}.png" if source_mask is not None else "",
        "status": "ok", "error": "", "care_type": page.content.get("care_type") or "",
        "beneficiary_role": page.content.get("beneficiary_role") or "",
    }
    return GeneratedPage(doc_id, label, files)


def _map_record_boxes(record: dict, affine: np.ndarray, shape: tuple[int, int], in_donor: bool = False) -> dict:
    """A copy of an edit record with its `*box` entries, nested ones included, mapped into final image coordinates.

    Boxes that lie on a splicing donor (`donor_*` keys, the source boxes of spliced units) keep donor coordinates.
    """
    mapped = dict(record)
    for key, value in record.items():
        if key.startswith("donor") or (in_donor and key == "source_box"):
            continue
        if key.endswith("box") and isinstance(value, (list, tuple)) and len(value) == 4:
            mapped[key] = list(degrade.transform_box(tuple(int(v) for v in value), affine, shape))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            spliced = in_donor or record.get("operation") == "splicing"
            mapped[key] = [_map_record_boxes(v, affine, shape, spliced) for v in value]
    return mapped


def _field_json(f: FieldValue) -> dict:
    return {"name": f.name, "kind": f.kind, "value": f.value, "box": list(f.box),
            "font": os.path.basename(f.font_path), "size_px": f.size_px}


def _word_json(w: Word) -> dict:
    return {"text": w.text, "box": list(w.box), "field": w.field}


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def _safe_generate(args: tuple[CorpusOptions, int]) -> GeneratedPage:
    """generate_page, with a failure turned into an error row so the batch goes on."""
    options, index = args
    try:
        return generate_page(options, index)
    except Exception as exc:  # a page that cannot be made must not lose the others
        doc_type = page_doc_type(options, index)
        doc_id = f"{doc_type}-{options.seed}-{index:06d}"
        label = {c: "" for c in LABEL_COLUMNS}
        label.update(id=doc_id, doc_type=doc_type, forged=False, seed=page_seed(options.seed, index),
                     status="error", error=f"{type(exc).__name__}: {exc}",
                     dpi=0, jpeg_quality=0, n_compressions=0, resize_factor=1.0, rotation_deg=0.0, width=0, height=0,
                     tampered_fraction=0.0)
        label["traceback"] = traceback.format_exc(limit=3)
        return GeneratedPage(doc_id, label)


def iter_pages(options: CorpusOptions, workers: int = 1) -> Iterator[GeneratedPage]:
    """The corpus pages in index order, generated by `workers` processes (0: one per core)."""
    workers = workers or os.cpu_count() or 1
    jobs = ((options, i) for i in range(options.n_documents))
    if workers <= 1 or options.n_documents < 4:
        yield from map(_safe_generate, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_safe_generate, jobs, chunksize=2)


def labels_frame(rows: list[dict]) -> pd.DataFrame:
    """The labels table with its fixed columns and types."""
    frame = pd.DataFrame([{c: r.get(c, "") for c in LABEL_COLUMNS} for r in rows], columns=LABEL_COLUMNS)
    for column in ("dpi", "jpeg_quality", "n_compressions", "width", "height"):
        frame[column] = frame[column].astype("int64")
    frame["seed"] = frame["seed"].astype("int64")
    frame["forged"] = frame["forged"].astype(bool)
    for column in ("resize_factor", "rotation_deg", "tampered_fraction"):
        frame[column] = frame[column].astype("float64")
    return frame


def generate_corpus(folder: Folder, options: CorpusOptions, workers: int = 1,
                    on_page: Optional[Callable[[GeneratedPage], None]] = None) -> pd.DataFrame:
    """Empty `folder`, fill it with the corpus and its labels.csv; returns the labels table."""
    folder.clear()
    rows = []
    for generated in iter_pages(options, workers):
        for path, content in generated.files.items():
            folder.write_bytes(path, content)
        rows.append(generated.label)
        if on_page:
            on_page(generated)
    labels = labels_frame(rows)
    if options.n_documents and (labels["status"] == "error").all():
        first = rows[0].get("traceback") or rows[0]["error"]
        raise RuntimeError(f"no page could be generated; first error:\n{first}")
    folder.write_bytes("labels.csv", labels.to_csv(index=False).encode())
    folder.write_bytes("corpus.json", json.dumps({"options": asdict(options), "pages": len(labels),
                                                  "label_columns": LABEL_COLUMNS}, indent=2).encode())
    return labels
