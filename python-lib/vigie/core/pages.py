"""Safe page loading: images (JPEG, PNG, TIFF with several pages, and whatever Pillow reads) and PDF, as RGB arrays.

Every input is decoded with limits on file size, pixel count and page count, so a decompression bomb or a huge
scan is refused with a clear message instead of exhausting memory. CMYK, 16-bit, greyscale, palette and alpha
images all come out as 8-bit RGB (alpha composited on white). PDF pages are rasterised with pypdfium2, whose
wheel ships its own binary.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Optional, Union

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from vigie.core.errors import VigieError

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_PIXELS = 60_000_000  # about an A4 page at 1,000 dpi
MAX_PAGES = 200
PDF_DPI = 200
PDFIUM_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD: the document is encrypted


class PageError(VigieError):
    """A file or page that cannot be read; its message says why, for the error row of a batch. `page_number` is
    set when one page of an otherwise readable file failed."""

    def __init__(self, message: str, page_number: Optional[int] = None):
        super().__init__(message)
        self.page_number = page_number


@dataclass
class Page:
    """One decoded page and where it came from. `data` keeps the original bytes of a single-page JPEG, for
    detectors that read its DCT coefficients."""

    image: np.ndarray  # H x W x 3 uint8 RGB
    source: str
    page_number: int = 1  # 1-based
    dpi: Optional[float] = None
    format: str = ""
    data: Optional[bytes] = None

    @property
    def megapixels(self) -> float:
        return self.image.shape[0] * self.image.shape[1] / 1e6


def _to_rgb(frame: Image.Image) -> np.ndarray:
    """8-bit RGB from any mode: 16-bit and float greyscale scaled to their range, alpha over white, CMYK converted."""
    if frame.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(frame, dtype=np.float64)
        top = 65535.0 if frame.mode.startswith("I;16") or values.max() > 255 else 255.0
        grey = np.clip(values / top * 255.0, 0, 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2)
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
    return np.asarray(frame.convert("RGB"))


def _dpi(frame: Image.Image) -> Optional[float]:
    dpi = frame.info.get("dpi")
    try:
        return float(dpi[0]) if dpi and float(dpi[0]) > 1 else None
    except (TypeError, ValueError):
        return None


def _check_pixels(width: int, height: int, source: str) -> None:
    if width * height > MAX_PIXELS:
        raise PageError(f"{source}: {width} x {height} pixels exceeds the limit of {MAX_PIXELS:,} "
                        "(possible decompression bomb); refused")
    if width < 1 or height < 1:
        raise PageError(f"{source}: empty image")


def _image_pages(data: bytes, source: str) -> Iterator[Union[Page, PageError]]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PageError(f"{source}: not a readable image ({exc})") from None
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_PAGES:
            raise PageError(f"{source}: {frames} pages exceeds the limit of {MAX_PAGES}")
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            _check_pixels(frame.width, frame.height, f"{source} page {number}")
            try:
                frame.load()
                oriented = ImageOps.exif_transpose(frame) if number == 1 else frame
                rgb = _to_rgb(oriented)
            except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt data
                yield PageError(f"{source} page {number}: damaged image data ({exc})", number)
                return  # the frames after a damaged one cannot be located
            single_jpeg = image.format == "JPEG" and frames == 1
            yield Page(rgb, source, number, _dpi(frame), image.format or "", data if single_jpeg else None)


def _pdf_pages(data: bytes, source: str, dpi: int) -> Iterator[Union[Page, PageError]]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if getattr(exc, "err_code", None) == PDFIUM_PASSWORD_ERROR or "password" in message.lower():
            raise PageError(f"{source}: encrypted PDF (a password is required to open it); "
                            "decrypt it or export it without protection") from None
        raise PageError(f"{source}: damaged PDF ({message})") from None
    try:
        if len(document) > MAX_PAGES:
            raise PageError(f"{source}: {len(document)} pages exceeds the limit of {MAX_PAGES}")
        if len(document) == 0:
            raise PageError(f"{source}: the PDF has no page")
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()  # points
            scale = dpi / 72.0
            _check_pixels(int(width * scale), int(height * scale), f"{source} page {index + 1}")
            try:
                image = np.asarray(page.render(scale=scale).to_pil().convert("RGB"))
            except (pdfium.PdfiumError, ValueError, OSError) as exc:
                yield PageError(f"{source} page {index + 1}: damaged PDF page ({exc})", index + 1)
                continue
            yield Page(image, source, index + 1, float(dpi), "PDF")
    finally:
        document.close()


def decode_pages(data: bytes, source: str, pdf_dpi: int = PDF_DPI) -> list[Union[Page, PageError]]:
    """Every page of a file's bytes, decoded within limits: a page that cannot be decoded is its PageError (with
    its page number) and the readable pages are kept; a file that cannot be read at all raises PageError."""
    if not data:
        raise PageError(f"{source}: empty file (0 bytes)")
    if len(data) > MAX_FILE_BYTES:
        raise PageError(f"{source}: {len(data) / 1e6:.0f} MB exceeds the limit of {MAX_FILE_BYTES / 1e6:.0f} MB")
    if b"%PDF-" in data[:1024]:  # readers accept a header anywhere in the first kilobyte
        return list(_pdf_pages(data, source, pdf_dpi))
    return list(_image_pages(data, source))


def load_pages(data: bytes, source: str, pdf_dpi: int = PDF_DPI) -> list[Page]:
    """Every page of a file's bytes, decoded within limits; a file with any page that cannot be read raises
    PageError."""
    pages = decode_pages(data, source, pdf_dpi)
    for item in pages:
        if isinstance(item, PageError):
            raise item
    return pages
