"""Page orientation (quarter turns) and skew (a few degrees), found before OCR and corrected for reading.

Whether text lines run across or down the page, and the skew, come from the ink's projection profile on a reduced
binary page (the angle that makes it sharpest); which way up is left to Tesseract's orientation and script
detection (OSD), which says when it finds too little text to be sure, and to the reader, which checks the turn by
how well the page reads (OSD alone was confidently wrong by 180 degrees on 4 of 36 corpus pages).

Conventions: `rotation` is how many degrees the page is turned clockwise to stand upright (0, 90, 180, 270);
`skew_deg` is the angle the upright page's content is turned, counter-clockwise positive (OpenCV's
`getRotationMatrix2D` sign, the one the synthetic corpus records as `rotation_deg`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import cv2
import numpy as np

MAX_SKEW_DEG = 10.0
MIN_OSD_CONFIDENCE = 0.6  # below this OSD's answer is a guess (correct answers seen down to ~0.9 at 200 dpi)
OSD_MAX_SIDE = 2400  # OSD reads a page reduced to this longer side: about A4 at 200 dpi
SKEW_MAX_SIDE = 1000  # skew is measured on a page reduced to this longer side
SOLID_SIDE = 5  # ink that fills a square this wide on the reduced page is a solid area, not a stroke of text
MIN_INK_FRACTION = 0.0005  # a page with less ink than this is blank
LINE_DIRECTION_RATIO = 1.3  # text pages measured at 1.9 to 9.5 times sharper across than down
SKEW_PLATEAU = 0.002  # fine angles whose projection energy is this close to the best are averaged
SKEW_MIN_CORRECTION_DEG = 0.1  # smaller skews are left as they are: resampling would cost more than it helps
WHITE = 255


@dataclass(frozen=True)
class RotationGuess:
    """OSD's answer: the clockwise quarter turn that makes the page upright, and OSD's confidence in it."""

    rotation: int
    confidence: float


def grey(image: np.ndarray) -> np.ndarray:
    """8-bit single-channel version of an RGB or grey page."""
    if image.ndim == 2:
        return image
    return cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2GRAY)


def _reduced(image: np.ndarray, max_side: int) -> np.ndarray:
    """The page shrunk so that its longer side is at most `max_side` (never enlarged)."""
    scale = min(1.0, max_side / max(image.shape[:2]))
    if scale >= 1.0:
        return image
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def ink_mask(grey_page: np.ndarray) -> np.ndarray:
    """Dark pixels (text, rules, stamps): below Otsu's threshold, and never lighter than mid-light grey, so a
    blank scan's paper noise is not ink."""
    threshold, _ = cv2.threshold(grey_page, 0, WHITE, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return grey_page < min(float(threshold), 200.0)


def is_blank(image: np.ndarray) -> bool:
    """True when the page has (almost) no ink: nothing to orient or deskew."""
    reduced = _reduced(grey(image), SKEW_MAX_SIDE)
    return float(ink_mask(reduced).mean()) < MIN_INK_FRACTION


def turn_upright(image: np.ndarray, rotation: int) -> np.ndarray:
    """The page turned clockwise by `rotation` degrees (a multiple of 90)."""
    if rotation % 90:
        raise ValueError(f"rotation must be a multiple of 90 degrees, got {rotation}")
    return np.ascontiguousarray(np.rot90(image, k=-(rotation // 90) % 4))


_local = threading.local()


def _osd_api():
    """One OSD engine per thread (and so per worker process), created on first use."""
    api = getattr(_local, "osd", None)
    if api is None:
        import tesserocr

        from vigie.documents.ocr import OcrError, tessdata_dir  # here, not above: ocr imports this module

        path = tessdata_dir()
        if not Path(path, "osd.traineddata").exists():
            raise OcrError(f"Tesseract's orientation data osd.traineddata is missing from {path}; "
                           "install tesseract-ocr-osd")
        api = _local.osd = tesserocr.PyTessBaseAPI(path=path, lang="osd", psm=tesserocr.PSM.OSD_ONLY)
    return api


def detect_rotation(image: np.ndarray) -> Optional[RotationGuess]:
    """OSD's clockwise turn to make the page upright, or None when it finds too little text to be confident."""
    from PIL import Image

    reduced = _reduced(grey(image), OSD_MAX_SIDE)
    api = _osd_api()
    api.SetImage(Image.fromarray(reduced))
    try:
        found = api.DetectOrientationScript()
    except RuntimeError:  # Tesseract refuses pages with too few characters
        found = None
    finally:
        api.Clear()
    if not found or float(found["orient_conf"]) < MIN_OSD_CONFIDENCE:
        return None
    # OSD gives the counter-clockwise turn that rights the text; a clockwise turn is its complement
    return RotationGuess((360 - int(found["orient_deg"])) % 360, float(found["orient_conf"]))


def _projection_energy(xs: np.ndarray, ys: np.ndarray, angles_deg: np.ndarray) -> np.ndarray:
    """For each angle, the sum of squared counts of ink rows once the page is turned back by that angle: text
    lines fall into few rows, and the energy peaks, when the angle matches the skew."""
    energies = np.empty(len(angles_deg))
    for index, angle in enumerate(angles_deg):
        # a line of content turned counter-clockwise by `angle` satisfies y + x * tan(angle) = constant
        rows = np.rint(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        energies[index] = float(np.dot(counts, counts))
    return energies


def text_ink(grey_page: np.ndarray) -> np.ndarray:
    """The ink of a reduced page without its solid areas (bars, logos, photos), which are thicker than any stroke
    of text and would otherwise outweigh the text lines in a projection."""
    ink = ink_mask(grey_page).astype(np.uint8)
    solid = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((SOLID_SIDE, SOLID_SIDE), np.uint8))
    return (ink > 0) & (solid == 0)


def _ink_points(grey_page: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates (x from the centre, y) of the text ink of a reduced page, evenly subsampled to bound the cost;
    empty for a blank page."""
    ink = text_ink(grey_page)
    if ink.mean() < MIN_INK_FRACTION:
        return np.empty(0), np.empty(0)
    ys, xs = np.nonzero(ink)
    if len(xs) > 150_000:
        keep = np.linspace(0, len(xs) - 1, 150_000).astype(np.int64)
        xs, ys = xs[keep], ys[keep]
    return xs.astype(np.float64) - grey_page.shape[1] / 2.0, ys.astype(np.float64)


def line_direction(image: np.ndarray) -> Optional[int]:
    """0 when the text lines run across the page, 90 when they run down it (the page lies on its side), None for a
    blank page or one without clear lines. Lines fall into few rows across the page and spread over the columns."""
    reduced = _reduced(grey(image), SKEW_MAX_SIDE)
    angles = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, 0.5)
    xs, ys = _ink_points(reduced)
    if len(xs) == 0:
        return None
    across = _projection_energy(xs, ys, angles).max()
    down = _projection_energy(*_ink_points(np.ascontiguousarray(reduced.T)), angles).max()
    if across >= LINE_DIRECTION_RATIO * down:
        return 0
    if down >= LINE_DIRECTION_RATIO * across:
        return 90
    return None


def estimate_skew(image: np.ndarray, max_deg: float = MAX_SKEW_DEG) -> float:
    """The upright page's skew in degrees (counter-clockwise positive), 0.0 for a blank page."""
    reduced = _reduced(grey(image), SKEW_MAX_SIDE)
    xs, ys = _ink_points(reduced)
    if len(xs) == 0:
        return 0.0
    coarse = np.arange(-max_deg, max_deg + 1e-9, 0.25)
    best = float(coarse[int(np.argmax(_projection_energy(xs, ys, coarse)))])
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.025)
    energies = _projection_energy(xs, ys, fine)
    plateau = fine[energies >= energies.max() * (1.0 - SKEW_PLATEAU)]  # angles too close to tell on a small page
    return round(float(plateau.mean()), 3) + 0.0  # never -0.0


def deskew_affine(shape: tuple[int, int], skew_deg: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The 2x3 matrix that turns a page of `shape` (h, w) back by its skew, on a canvas grown to keep every corner,
    and that canvas's (width, height)."""
    height, width = shape
    matrix = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), -skew_deg, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_width, new_height = int(np.ceil(width * cos + height * sin)), int(np.ceil(width * sin + height * cos))
    matrix[0, 2] += (new_width - width) / 2.0
    matrix[1, 2] += (new_height - height) / 2.0
    return matrix, (new_width, new_height)


def deskew(image: np.ndarray, skew_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """The page turned back by its skew on a white canvas that keeps every corner, and the 2x3 matrix that maps
    the page's pixel coordinates into it."""
    matrix, size = deskew_affine(image.shape[:2], skew_deg)
    border = (WHITE,) * (image.shape[2] if image.ndim == 3 else 1)
    turned = cv2.warpAffine(image, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                            borderValue=border)
    return turned, matrix


def box_to_page(box: tuple[int, int, int, int], matrix: np.ndarray,
                page_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A box read on the deskewed canvas, placed on the skewed page: its centre mapped back through the inverse of
    `matrix`, its size kept (a word stays as tight as it was read), clipped to the page (width, height)."""
    x0, y0, x1, y1 = box
    inverse = cv2.invertAffineTransform(matrix)
    cx, cy = inverse @ np.array([(x0 + x1) / 2.0, (y0 + y1) / 2.0, 1.0])
    half_w, half_h = (x1 - x0) / 2.0, (y1 - y0) / 2.0
    width, height = page_size
    return (int(np.clip(round(cx - half_w), 0, width)), int(np.clip(round(cy - half_h), 0, height)),
            int(np.clip(round(cx + half_w), 0, width)), int(np.clip(round(cy + half_h), 0, height)))


def box_to_source(box: tuple[int, int, int, int], rotation: int,
                  upright_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A box on the upright page, placed on the page as it was stored (before the clockwise `rotation`), for
    viewers that draw on the original file. `upright_size` is the upright page's (width, height)."""
    x0, y0, x1, y1 = box
    width, height = upright_size
    if rotation % 360 == 0:
        return box
    if rotation % 360 == 180:
        return (width - x1, height - y1, width - x0, height - y0)
    if rotation % 360 == 90:  # the source was turned clockwise: upright (x, y) came from source (y, width - x)
        return (y0, width - x1, y1, width - x0)
    return (height - y1, x0, height - y0, x1)  # 270
