"""Recipe `ocr-pages`: read every page of a folder of page files, in parallel, cached per page.

Each file is decoded and its pages read (turned upright, straightened, recognised) in a pool of worker processes,
each with its own Tesseract engines. The OCR folder doubles as a cache: a page whose stored key (pixels, languages,
engine and reader version) matches is not read again. Every page yields a row, a blank page status "empty", a file
or page that cannot be read status "error" with the reason, so a batch never stops on a bad page.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Optional

import pandas as pd

from vigie.core.errors import VigieError
from vigie.core.page_files import document_id, page_files
from vigie.core.pages import PageError, decode_pages
from vigie.documents.ocr import DEFAULT_LANGUAGES, OcrPage, check_languages, guess_language, page_key, read_page
from vigie.documents.ocr_store import read_ocr, stored_key, stored_pages, write_ocr
from vigie.runtime.context import Folder, RecipeContext

PAGES_COLUMNS = {
    "document_id": "string", "file": "string", "page": "bigint", "width": "bigint", "height": "bigint",
    "rotation": "bigint", "skew_deg": "double", "n_words": "bigint", "mean_confidence": "double",
    "language": "string", "text": "string", "seconds": "double", "cached": "boolean", "status": "string",
    "error": "string",
}
PAGES_SCHEMA = [{"name": name, "type": kind} for name, kind in PAGES_COLUMNS.items()]
FILES_IN_FLIGHT_PER_WORKER = 2  # files read ahead per worker: keeps workers busy without holding the folder in memory


@dataclass(frozen=True)
class PageReading:
    """A worker's answer for one page: its OCR, or None when the stored reading has the same key, or an error."""

    page: int  # 1-based; 0 when the whole file could not be read
    key: str = ""
    ocr: Optional[OcrPage] = None
    seconds: float = 0.0
    error: str = ""


def read_file(path: str, data: bytes, languages: str, stored_keys: dict[int, str]) -> list[PageReading]:
    """Decode one file and read each page whose key is not among `stored_keys` (page -> key); runs in a worker."""
    try:
        decoded = decode_pages(data, path)
    except PageError as exc:
        return [PageReading(0, error=str(exc))]
    except Exception as exc:  # a decoder crash on one file must not stop the batch
        return [PageReading(0, error=f"{path}: cannot read ({type(exc).__name__}: {exc})")]
    readings = []
    for item in decoded:
        if isinstance(item, PageError):
            readings.append(PageReading(item.page_number or 0, error=str(item)))
            continue
        started = time.perf_counter()
        try:
            key = page_key(item.image, languages)
            if stored_keys.get(item.page_number) == key:
                readings.append(PageReading(item.page_number, key))
                continue
            ocr = read_page(item.image, languages)
            readings.append(PageReading(item.page_number, key, ocr, time.perf_counter() - started))
        except Exception as exc:  # an OCR failure on one page is that page's error
            readings.append(PageReading(item.page_number, error=f"{path} page {item.page_number}: OCR failed "
                                                               f"({type(exc).__name__}: {exc})"))
    return readings


Task = tuple[str, bytes, str, dict[int, str]]  # read_file's arguments


def _finished(pending: dict[Future, str], block_until: int) -> Iterator[tuple[str, list[PageReading]]]:
    """Results of finished tasks, waiting until at most `block_until` remain pending."""
    while len(pending) > block_until:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            path = pending.pop(future)
            try:
                yield path, future.result()
            except Exception as exc:  # the worker process died (e.g. killed for memory)
                yield path, [PageReading(0, error=f"{path}: OCR worker failed ({type(exc).__name__}: {exc})")]


def read_files(tasks: Iterable[Task], workers: int) -> Iterator[tuple[str, list[PageReading]]]:
    """`read_file` over tasks, in `workers` processes (1: in this process); results in completion order."""
    if workers <= 1:
        for task in tasks:
            yield task[0], read_file(*task)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: dict[Future, str] = {}
        for task in tasks:
            pending[pool.submit(read_file, *task)] = task[0]
            yield from _finished(pending, block_until=FILES_IN_FLIGHT_PER_WORKER * workers - 1)
        yield from _finished(pending, block_until=0)


def page_row(path: str, page: int, ocr: Optional[OcrPage] = None, seconds: float = 0.0, cached: bool = False,
             error: str = "") -> dict:
    """One row of the pages dataset: a page read (status ok, or empty when no text was found) or an error."""
    row = {"document_id": document_id(path), "file": path, "page": page, "width": None, "height": None,
           "rotation": None, "skew_deg": None, "n_words": 0, "mean_confidence": None, "language": "",
           "text": "", "seconds": round(seconds, 4), "cached": cached, "status": "error", "error": error}
    if ocr is not None:
        row.update(width=ocr.width, height=ocr.height, rotation=ocr.rotation, skew_deg=round(ocr.skew_deg, 3),
                   n_words=len(ocr.words), mean_confidence=round(ocr.mean_confidence, 4),
                   language=guess_language(ocr), text=ocr.text, status="ok" if ocr.has_text else "empty", error="")
    return row


def ocr_folder(pages: Folder, paths: list[str], output: Folder, languages: str = DEFAULT_LANGUAGES,
               workers: int = 1, on_file: Optional[Callable[[str], None]] = None) -> list[dict]:
    """Read every page of `paths` into the OCR folder `output`, skipping pages already stored with the same key;
    one row per page (or per unreadable file), in file and page order."""
    check_languages(languages)
    stored = stored_pages(output)
    rows: dict[str, list[dict]] = {}

    def tasks() -> Iterator[Task]:
        for path in paths:
            try:
                data = pages.read_bytes(path)
            except Exception as exc:  # storage failure on one file: its error row, and the batch goes on
                rows[path] = [page_row(path, 0, error=f"{path}: cannot read from folder {pages.name} ({exc})")]
                if on_file:
                    on_file(path)
                continue
            doc = document_id(path)
            yield path, data, languages, {page: stored_key(output, doc, page) or "" for page in stored.get(doc, [])}

    for path, readings in read_files(tasks(), workers):
        doc = document_id(path)
        rows[path] = []
        for reading in readings:
            if reading.error:
                rows[path].append(page_row(path, reading.page, error=reading.error))
            elif reading.ocr is None:
                rows[path].append(page_row(path, reading.page, read_ocr(output, doc, reading.page), cached=True))
            else:
                write_ocr(output, doc, reading.page, reading.ocr, reading.key)
                rows[path].append(page_row(path, reading.page, reading.ocr, reading.seconds))
        if on_file:
            on_file(path)
    return [row for path in paths for row in sorted(rows[path], key=lambda r: r["page"])]


def ocr_pages_recipe(ctx: RecipeContext) -> None:
    """Recipe: OCR of every page file of a folder; words to the `ocr` folder, one row per page to `pages`."""
    source = ctx.input_folder("pages")
    paths = page_files(source, ctx.config["files"] or "*")
    if not paths:
        raise VigieError(f"{ctx.recipe_id}: no file in folder {source.name} matches {ctx.config['files']!r}")
    languages = ctx.config["languages"] or DEFAULT_LANGUAGES
    workers = min(int(ctx.config["workers"] or 0) or os.cpu_count() or 1, len(paths))
    with ctx.progress(len(paths), "files read") as bar:
        rows = ocr_folder(source, paths, ctx.output_folder("ocr"), languages, workers,
                          on_file=lambda _path: bar.update(1))
    frame = pd.DataFrame(rows, columns=list(PAGES_COLUMNS))
    ctx.output_dataset("pages").write(frame, schema=PAGES_SCHEMA)
    counts = frame["status"].value_counts().to_dict()
    read = frame[(frame["status"] != "error") & ~frame["cached"].astype(bool)]
    median = f", median {read['seconds'].median():.2f} s per page read" if len(read) else ""
    ctx.log.info(f"ocr-pages: {len(frame)} pages ({counts.get('ok', 0)} ok, {counts.get('empty', 0)} empty, "
                 f"{counts.get('error', 0)} errors), {len(read)} read and {int(frame['cached'].sum())} from the "
                 f"cache with {workers} workers{median}")
    if counts.get("error", 0) == len(frame):
        raise VigieError(f"{ctx.recipe_id}: no page could be read ({len(frame)} errors; first: {frame['error'][0]})")
