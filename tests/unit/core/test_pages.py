"""Page loading: every common input decodes to RGB pages; bad files raise a PageError that says why."""

from __future__ import annotations

import numpy as np
import pytest
from imaging import encode
from PIL import Image
from vigie.core.pages import MAX_PIXELS, PageError, load_pages


def page_image(width=120, height=80) -> Image.Image:
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def test_jpeg_keeps_its_bytes_for_dct_detectors():
    data = encode(page_image(), "JPEG", quality=90, dpi=(200, 200))
    [page] = load_pages(data, "a.jpg")
    assert page.image.shape == (80, 120, 3) and page.image.dtype == np.uint8
    assert page.format == "JPEG" and page.data == data and page.dpi == pytest.approx(200, abs=1)


@pytest.mark.parametrize("mode", ["L", "CMYK", "RGBA", "LA", "P", "1", "I;16"])
def test_every_mode_comes_out_as_8_bit_rgb(mode):
    source = page_image().convert("L" if mode in ("I;16", "1") else "RGB")
    image = source.convert(mode) if mode != "I;16" else Image.fromarray(
        (np.asarray(source, dtype=np.uint16) * 257).astype(np.uint16))
    fmt = "TIFF" if mode in ("CMYK", "I;16") else "PNG"
    [page] = load_pages(encode(image, fmt), f"x.{fmt.lower()}")
    assert page.image.shape == (80, 120, 3) and page.image.dtype == np.uint8
    if mode == "I;16":
        assert np.abs(page.image[..., 0].astype(int) - np.asarray(source, dtype=int)).max() <= 1


def test_transparent_pixels_become_white():
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    [page] = load_pages(encode(image, "PNG"), "t.png")
    assert (page.image == 255).all()


def test_multi_page_tiff_and_pdf_give_one_page_each():
    frames = [page_image(), page_image(60, 40), page_image()]
    tiff = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    assert [p.page_number for p in load_pages(tiff, "m.tif")] == [1, 2, 3]
    pdf = encode(frames[0], "PDF", save_all=True, append_images=frames[1:], resolution=100)
    pages = load_pages(pdf, "m.pdf", pdf_dpi=100)
    assert [p.page_number for p in pages] == [1, 2, 3] and pages[0].format == "PDF"
    assert abs(pages[0].image.shape[1] - 120) <= 2 and abs(pages[1].image.shape[0] - 40) <= 2


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"this is not an image", "not a readable image"),
    (b"%PDF-1.7\n garbage", "damaged PDF"),
])
def test_unreadable_files_say_why(data, message):
    with pytest.raises(PageError, match=message):
        load_pages(data, "bad")


def test_truncated_jpeg_is_a_page_error():
    data = encode(page_image(400, 300), "JPEG", quality=90)
    with pytest.raises(PageError, match="damaged image data|not a readable image"):
        load_pages(data[: len(data) // 3], "cut.jpg")


def test_decompression_bomb_is_refused_before_decoding():
    side = int(MAX_PIXELS ** 0.5) + 100
    bomb = encode(Image.new("1", (side, side), 1), "PNG", optimize=True)
    assert len(bomb) < 2_000_000
    with pytest.raises(PageError, match="decompression bomb"):
        load_pages(bomb, "bomb.png")
