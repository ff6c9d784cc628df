"""Which files of a folder are pages, and the document id each is reported under: shared by every per-page recipe
(forgery detectors, OCR, watchlist) so their rows join on one key."""

from __future__ import annotations

import fnmatch
import posixpath

from vigie.runtime.context import Folder


def page_files(folder: Folder, pattern: str = "*") -> list[str]:
    """The folder's files matching a glob on their relative path (`*` crosses folders), in a stable order."""
    return [p for p in folder.list_paths() if fnmatch.fnmatch(p, pattern)]


def document_id(path: str) -> str:
    """A document's id: its relative path without the extension (unique within the folder)."""
    return posixpath.splitext(path)[0]
