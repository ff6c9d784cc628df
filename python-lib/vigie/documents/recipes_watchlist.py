"""Recipe handler of `scan-watchlist`: every page against watchlisted identifiers and names, and known fraud documents.

Pages come from the `pages` folder, their OCR from the `ocr` folder that `ocr-pages` wrote (a page without stored
OCR is read now). Known fraudulent documents (optional `known_documents` folder) are signed once: an index saved in
that folder (`near-duplicates.json` / `.npz`) is loaded, and every page file not yet in it is read, OCRed and added.
One row per page: its hits as evidence, the best hit's score; an unreadable file or failing page is an error row.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Optional

import numpy as np
import pandas as pd

from vigie.core.errors import VigieError
from vigie.core.page_files import document_id, page_files
from vigie.core.pages import Page, PageError, load_pages
from vigie.core.results import Evidence
from vigie.documents.near_duplicates import NearDuplicateIndex, NearDuplicateMatch, page_signature
from vigie.documents.ocr import OcrPage, read_page
from vigie.documents.ocr_store import read_ocr
from vigie.documents.watchlist import Watchlist, entries_from_frame, scan_page
from vigie.runtime.context import Folder, RecipeContext

HITS_COLUMNS = {"document_id": "string", "page": "bigint", "n_hits": "bigint", "score": "double",
                "evidence": "string", "status": "string", "error": "string"}
HITS_SCHEMA = [{"name": name, "type": kind} for name, kind in HITS_COLUMNS.items()]
INDEX_PREFIX = "near-duplicates"


def upright(image: np.ndarray, ocr: Optional[OcrPage]) -> np.ndarray:
    """The page turned the way its OCR read it (OcrPage.rotation degrees clockwise), so hashes compare upright."""
    turns = (ocr.rotation // 90) % 4 if ocr is not None else 0
    return np.ascontiguousarray(np.rot90(image, k=-turns)) if turns else image


def page_key(doc: str, page: int) -> str:
    """The index key of a known page: `<document id>#<page>`."""
    return f"{doc}#{page}"


def known_index(folder: Folder, languages: str, max_hamming: int, min_text_similarity: float,
                log: logging.Logger) -> tuple[NearDuplicateIndex, list[str]]:
    """The index of the known documents' pages (a saved index plus any file not in it); files that failed, with why."""
    paths = folder.list_paths()
    index = NearDuplicateIndex(max_hamming, min_text_similarity)
    if f"{INDEX_PREFIX}.json" in paths:
        try:
            index = NearDuplicateIndex.load(folder, INDEX_PREFIX)
            index.max_hamming, index.min_text_similarity = max_hamming, min_text_similarity
        except ValueError as exc:  # an index of an older version: sign the documents again
            log.warning(f"saved index not used: {exc}")
    indexed = {key.rsplit("#", 1)[0] for key in index.keys}
    failures = []
    for path in paths:
        if path.startswith(f"{INDEX_PREFIX}.") or document_id(path) in indexed:
            continue
        try:
            for page in load_pages(folder.read_bytes(path), path):
                ocr = read_page(page.image, languages)
                index.add(page_key(document_id(path), page.page_number), page_signature(upright(page.image, ocr), ocr))
        except Exception as exc:  # one unreadable known document must not stop the scan
            failures.append(str(exc) if path in str(exc) else f"{path}: {type(exc).__name__}: {exc}")
    log.info(f"known documents: {len(index)} pages indexed, {len(failures)} files refused")
    return index, failures


def near_duplicate_evidence(match: NearDuplicateMatch, page: Page) -> Evidence:
    """A near-duplicate match as evidence over the whole page."""
    text = (f", text similarity {match.text_similarity:.2f}" if match.text_similarity is not None
            else ", no text to compare")
    height, width = page.image.shape[:2]
    return Evidence(kind="near_duplicate", score=match.score, box=(0, 0, width, height),
                    message=f"near duplicate of known document {match.key} (image hash {match.hamming} bits "
                            f"apart{text})")


def page_ocr(ocr_folder: Folder, doc: str, page: Page, languages: str) -> OcrPage:
    """The stored OCR of a page, or the page read now when `ocr-pages` did not store it."""
    try:
        return read_ocr(ocr_folder, doc, page.page_number)
    except Exception:  # absent or damaged: read the page rather than lose it
        return read_page(page.image, languages)


def scan_page_row(doc: str, page: Page, ocr: OcrPage, watchlist: Watchlist,
                  index: Optional[NearDuplicateIndex]) -> dict:
    """The hits row of one page: watchlist evidence, then near-duplicate evidence."""
    evidence = scan_page(watchlist, ocr)
    image = upright(page.image, ocr)
    if index is not None and len(index):
        signature = page_signature(image, ocr)
        evidence += [near_duplicate_evidence(m, page) for m in index.query(signature)]
    return {"document_id": doc, "page": page.page_number, "n_hits": len(evidence),
            "score": max((e.score for e in evidence), default=0.0),
            "evidence": json.dumps([e.to_json() for e in evidence], ensure_ascii=False), "status": "ok", "error": ""}


def error_row(doc: str, page: int, message: str) -> dict:
    return {"document_id": doc, "page": page, "n_hits": 0, "score": None, "evidence": "[]", "status": "error",
            "error": message}


def scan_file_rows(pages_folder: Folder, ocr_folder: Folder, path: str, watchlist: Watchlist,
                   index: Optional[NearDuplicateIndex], languages: str) -> list[dict]:
    """Rows for every page of one file; an unreadable file or a failing page becomes an error row."""
    doc = document_id(path)
    try:
        pages = load_pages(pages_folder.read_bytes(path), path)
    except PageError as exc:
        return [error_row(doc, 0, str(exc))]
    except Exception as exc:  # a decoder crash on one file must not stop the batch
        return [error_row(doc, 0, f"{path}: cannot read ({type(exc).__name__}: {exc})")]
    rows = []
    for page in pages:
        try:
            rows.append(scan_page_row(doc, page, page_ocr(ocr_folder, doc, page, languages), watchlist, index))
        except Exception as exc:  # one failing page is that page's error
            rows.append(error_row(doc, page.page_number, f"watchlist scan failed: {type(exc).__name__}: {exc}"))
    return rows


def scan_watchlist_recipe(ctx: RecipeContext) -> None:
    """Recipe: watchlist scan of every page (identifiers, names, near duplicates of known fraudulent documents)."""
    config = ctx.config
    entries, refused = entries_from_frame(ctx.input_dataset("watchlist").read())
    for message in refused:
        ctx.log.warning(message)
    watchlist = Watchlist(entries, name_threshold=float(config["name_threshold"]))
    index = None
    if ctx.has_input("known_documents"):
        index, failures = known_index(ctx.input_folder("known_documents"), config["languages"],
                                      int(config["max_hamming"]), float(config["min_text_similarity"]), ctx.log)
        for failure in failures:
            ctx.log.warning(f"known document refused: {failure}")
    if not len(watchlist) and not (index is not None and len(index)):
        raise VigieError(f"{ctx.recipe_id}: nothing to scan for: the watchlist has no valid entry "
                         f"({len(refused)} refused) and no known document was indexed")
    pages_folder, ocr_folder = ctx.input_folder("pages"), ctx.input_folder("ocr")
    paths = page_files(pages_folder, config["files"] or "*")
    if not paths:
        raise VigieError(f"{ctx.recipe_id}: no file in folder {pages_folder.name} matches {config['files']!r}")
    started, rows = time.perf_counter(), []
    with ctx.progress(len(paths), "files scanned") as bar:
        for path in paths:
            rows += scan_file_rows(pages_folder, ocr_folder, path, watchlist, index, config["languages"])
            bar.update(1)
    frame = pd.DataFrame(rows, columns=list(HITS_COLUMNS))
    ctx.output_dataset("hits").write(frame, schema=HITS_SCHEMA)
    failed = int((frame["status"] == "error").sum())
    ctx.log.info(f"scan-watchlist: {len(frame)} pages, {int((frame['n_hits'] > 0).sum())} with hits, {failed} errors,"
                 f" {time.perf_counter() - started:.1f} s")
    if failed == len(frame):
        raise VigieError(f"{ctx.recipe_id}: no page could be processed ({failed} errors; first: {frame['error'][0]})")
