"""Where OCR results live in a folder: `<document id>/page-<n>.json`, one OcrPage each, with the key it was made for.

The key (`ocr.page_key`: a digest of the page pixels, the languages, the engine and reader versions) makes the folder
a cache: a page whose stored key matches is not read again.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from typing import Optional

from vigie.documents.ocr import OcrPage
from vigie.runtime.context import Folder

_PAGE_FILE = re.compile(r"^(?P<doc>.+)/page-(?P<page>\d+)\.json$")


def ocr_path(document_id: str, page: int) -> str:
    """Where a page's OCR lives in the folder: `<document id>/page-<n>.json`."""
    return f"{document_id}/page-{page}.json"


def write_ocr(folder: Folder, document_id: str, page: int, ocr: OcrPage, key: str = "") -> str:
    """Store one page's OCR under its document id and page number; returns the path written."""
    path = ocr_path(document_id, page)
    folder.write_bytes(path, json.dumps({"key": key, "ocr": ocr.to_json()}, ensure_ascii=False).encode())
    return path


def stored_key(folder: Folder, document_id: str, page: int) -> Optional[str]:
    """The key a stored page was made for, or None when the page is not stored or unreadable."""
    try:
        return str(json.loads(folder.read_bytes(ocr_path(document_id, page)))["key"])
    except Exception:  # absent or damaged: recompute
        return None


def read_ocr(folder: Folder, document_id: str, page: int) -> OcrPage:
    """The stored OCR of one page (raises when it is not stored)."""
    return OcrPage.from_json(json.loads(folder.read_bytes(ocr_path(document_id, page)))["ocr"])


def iter_ocr(folder: Folder) -> Iterator[tuple[str, int, OcrPage]]:
    """Every stored page as (document id, page number, OcrPage), in path order."""
    for path in sorted(folder.list_paths()):
        match = _PAGE_FILE.match(path)
        if match:
            yield match["doc"], int(match["page"]), OcrPage.from_json(json.loads(folder.read_bytes(path))["ocr"])


def corpus_id(document_id: str) -> str:
    """The corpus id of a document (labels' `id`): its file name without folders, e.g. images/x-1 -> x-1."""
    return posixpath.basename(document_id)


def stored_pages(folder: Folder) -> dict[str, list[int]]:
    """The page numbers stored for each document id, from the folder's listing alone."""
    found: dict[str, list[int]] = {}
    for path in folder.list_paths():
        match = _PAGE_FILE.match(path)
        if match:
            found.setdefault(match["doc"], []).append(int(match["page"]))
    return {doc: sorted(pages) for doc, pages in found.items()}
