"""The classic ELA and NOI1 maps of pyIFD (PyPI `pyIFD`, a port of the MKLab image-forensics MATLAB toolbox of
Zampoglou et al. 2017) as `Detector`s, to compare ours with on the same pages.

- `pyifd_ela`: error level analysis (Krawetz 2007), `pyIFD.ELA.ELA(path, Quality=90, Multiplier=15)`: the absolute
  difference between the page and its JPEG re-save at quality 90, times 15, averaged over the colour channels.
  Heatmap: the map divided by 255 and clipped (the toolbox's display range). Score: the 99.9th percentile `q` of the
  map squashed as q / (q + 255), monotone so it ranks pages exactly as `q` does and never saturates.
- `pyifd_noi1`: wavelet noise-level map (Mahdian & Saic 2009), `pyIFD.NOI1.GetNoiseMap(path, BlockSize=8)`: the
  median absolute deviation of the finest diagonal wavelet band per 8x8 block (one value per 16x16 page pixels).
  Heatmap: the map min-max normalised on the page, enlarged to page size. Score: how far the noisiest blocks stand
  out from the page's typical noise, r = (p99 - median) / (median + 1), squashed as r / (r + 1).

pyIFD reads images from paths, so each page is written to a private temporary directory: a JPEG page as its original
bytes (ELA depends on the file's own compression), any other page as a lossless PNG. pyIFD's ELA writes its re-save
as `tmpResave.jpg` in the working directory; the call runs inside the temporary directory under a lock.

Install (benchmark dependency only): see benchmarks/requirements.txt.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from abc import abstractmethod

import cv2
import numpy as np
from vigie.core.pages import Page
from vigie.core.results import DetectorResult
from vigie.forensics.base import Detector

_CWD_LOCK = threading.Lock()  # pyIFD's ELA writes into the working directory, which is process-wide


def _page_file(page: Page, directory: str) -> str:
    """The page as a file pyIFD can read: its original JPEG bytes when it has them, else a lossless PNG."""
    if page.data is not None and page.data[:3] == b"\xff\xd8\xff":
        path = os.path.join(directory, "page.jpg")
        with open(path, "wb") as stream:
            stream.write(page.data)
    else:
        path = os.path.join(directory, "page.png")
        cv2.imwrite(path, cv2.cvtColor(page.image, cv2.COLOR_RGB2BGR))
    return path


@contextlib.contextmanager
def _quiet_opencv():
    """Silence OpenCV's warnings while pyIFD runs (its ELA saves a float image as JPEG, warned on every page)."""
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    try:
        yield
    finally:
        cv2.utils.logging.setLogLevel(level)


def _to_page(values: np.ndarray, page: Page, interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
    height, width = page.image.shape[:2]
    if values.shape[:2] != (height, width):
        values = cv2.resize(values.astype(np.float32), (width, height), interpolation=interpolation)
    return np.clip(values, 0.0, 1.0).astype(np.float32)


class _PyIFDDetector(Detector):
    """A pyIFD map computed on a temporary copy of the page."""

    operations: tuple[str, ...] = ()  # generic maps: judged on every forgery

    @abstractmethod
    def raw_map(self, path: str) -> np.ndarray:
        """pyIFD's map for the image file at `path`."""

    def detect(self, page: Page) -> DetectorResult:
        with tempfile.TemporaryDirectory(prefix="vigie-pyifd-") as directory, _CWD_LOCK, contextlib.chdir(directory), \
                _quiet_opencv():
            raw = np.asarray(self.raw_map(_page_file(page, directory)), dtype=np.float64)
        return self.result(raw, page)

    @abstractmethod
    def result(self, raw: np.ndarray, page: Page) -> DetectorResult:
        """The page's score and heatmap from pyIFD's map."""


class PyIFDELA(_PyIFDDetector):
    name, version = "pyifd_ela", "1"
    description = "pyIFD ELA (Krawetz 2007): JPEG re-save at quality 90, residual x15; peer baseline"
    quality, multiplier, percentile = 90, 15, 99.9

    def raw_map(self, path: str) -> np.ndarray:
        from pyIFD.ELA import ELA

        return ELA(path, Quality=self.quality, Multiplier=self.multiplier)

    def result(self, raw: np.ndarray, page: Page) -> DetectorResult:
        q = float(np.percentile(raw, self.percentile)) if raw.size else 0.0
        return DetectorResult(score=q / (q + 255.0), heatmap=_to_page(raw / 255.0, page))


class PyIFDNOI1(_PyIFDDetector):
    name, version = "pyifd_noi1", "1"
    description = "pyIFD NOI1 (Mahdian & Saic 2009): wavelet noise level per 8x8 block; peer baseline"
    block_size, percentile = 8, 99.0

    def raw_map(self, path: str) -> np.ndarray:
        from pyIFD.NOI1 import GetNoiseMap

        return GetNoiseMap(path, BlockSize=self.block_size)

    def result(self, raw: np.ndarray, page: Page) -> DetectorResult:
        if raw.size == 0:
            return DetectorResult(score=0.0, heatmap=np.zeros(page.image.shape[:2], np.float32))
        median = float(np.median(raw))
        spread = max(float(np.percentile(raw, self.percentile)) - median, 0.0) / (median + 1.0)
        low, high = float(raw.min()), float(raw.max())
        normalised = (raw - low) / (high - low) if high > low else np.zeros_like(raw)
        return DetectorResult(score=spread / (spread + 1.0), heatmap=_to_page(normalised, page))


def pyifd_peers() -> list[Detector]:
    """The pyIFD peers, checking first that pyIFD (and its scikit-image and PyWavelets imports) is installed."""
    try:
        import pyIFD.ELA  # noqa: F401
        import pyIFD.NOI1  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"pyIFD peers need the benchmark requirements ({exc}); see benchmarks/requirements.txt") \
            from exc
    return [PyIFDELA(), PyIFDNOI1()]
