"""Image bytes for tests: encode a Pillow image or an array in any format Pillow writes."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def png(array: np.ndarray) -> bytes:
    return encode(Image.fromarray(array), "PNG")
