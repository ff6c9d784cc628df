"""The scan-and-save chain of a synthetic page: print-and-scan look, the scanner's JPEG, then the forger's re-save.

Pristine and forged pages go through the same seeded chain, so double compression alone never tells them apart.
Every parameter is sampled up front into a `DegradationPlan` and recorded; every geometric step returns the 2x3
affine matrix that maps box coordinates (pixel edges, x1/y1 exclusive) from one stage to the next.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np
from PIL import Image

from vigie.synth.page import Box, RenderedPage

SUBSAMPLINGS = ("4:2:0", "4:2:2", "4:4:4")
RESIZE_INTERPOLATIONS = {"area": cv2.INTER_AREA, "linear": cv2.INTER_LINEAR, "cubic": cv2.INTER_CUBIC}
MAX_ROTATION_DEG = 1.5


@dataclass
class DegradationPlan:
    """Every parameter of one page's scan-and-save chain, sampled once from the rng so the chain is replayable."""

    print_scan: bool  # False: a born-digital page (exported PDF, screenshot) that was never printed nor scanned
    noise_sigma: float  # sensor noise, grey levels
    blur_sigma: float  # scanner optics blur, pixels
    rotation_deg: float  # skew on the platen, |rotation| <= 1.5
    shift_px: tuple[int, int]  # placement offset on the platen
    resize_factor: float  # 0.75-1.25 when the forger's software rescales the page, else 1.0
    resize_interpolation: str  # one of RESIZE_INTERPOLATIONS
    jpeg_qualities: list[int]  # 1 to 3 compressions, each 60-95; the first is the scanner's (none: lossless)
    jpeg_subsamplings: list[str]  # chroma subsampling of each compression
    grid_shifts: list[tuple[int, int]]  # (dx, dy) in 0..7: where each recompression's 8x8 grid sits on the content
    grayscale: bool  # the scanner saved a grey-level JPEG
    toner_spread: float  # print blur before the toner curve, pixels
    toner_threshold: float  # 0-1 midpoint of the toner curve: above 0.5 strokes thicken, below they thin
    black_level: int  # grey level the scanner gives solid toner
    white_level: int  # grey level the scanner gives bare paper
    gamma: float  # scanner tone curve
    paper_tint: tuple[int, int, int]  # per-channel offset of the paper from neutral
    shading_amplitude: float  # low-frequency illumination and paper unevenness, grey levels
    dust_specks: int  # small dark specks on the platen
    background_removal: bool  # the scanner's "text" mode clips the paper to pure white, wiping its grain
    bed_color: tuple[int, int, int]  # scanner lid colour shown where the rotated page leaves the frame

    def to_record(self) -> dict:
        """Plain JSON-serialisable dict of every parameter."""
        record = dataclasses.asdict(self)
        record["shift_px"] = list(self.shift_px)
        record["grid_shifts"] = [list(s) for s in self.grid_shifts]
        record["paper_tint"] = list(self.paper_tint)
        record["bed_color"] = list(self.bed_color)
        return record


def identity_plan() -> DegradationPlan:
    """The chain that changes nothing: a born-digital page kept lossless (PNG), for undegraded corpora."""
    return DegradationPlan(print_scan=False, noise_sigma=0.0, blur_sigma=0.0, rotation_deg=0.0, shift_px=(0, 0),
                           resize_factor=1.0, resize_interpolation="area", jpeg_qualities=[], jpeg_subsamplings=[],
                           grid_shifts=[], grayscale=False, toner_spread=0.0, toner_threshold=0.5, black_level=0,
                           white_level=255, gamma=1.0, paper_tint=(0, 0, 0), shading_amplitude=0.0, dust_specks=0,
                           background_removal=False, bed_color=(255, 255, 255))


def sample_plan(rng: np.random.Generator) -> DegradationPlan:
    """Draw one realistic office scan-and-save chain: mostly flatbed or feeder scans, sometimes a born-digital page."""
    print_scan = bool(rng.random() < 0.85)
    n_jpeg = int(rng.choice([1, 2, 3], p=[0.2, 0.55, 0.25]))
    saves = dict(
        jpeg_qualities=[int(q) for q in rng.integers(60, 96, size=n_jpeg)],
        jpeg_subsamplings=[str(SUBSAMPLINGS[i]) for i in rng.choice(3, size=n_jpeg, p=[0.6, 0.15, 0.25])],
        grid_shifts=[(int(dx), int(dy)) for dx, dy in rng.integers(0, 8, size=(n_jpeg - 1, 2))],
        resize_factor=round(float(rng.uniform(0.75, 1.25)), 4) if rng.random() < 0.4 else 1.0,
        resize_interpolation=str(rng.choice(list(RESIZE_INTERPOLATIONS))),
    )
    plan = dataclasses.replace(identity_plan(), **saves)
    if not print_scan:
        return plan
    tint = rng.integers(-4, 3, size=3)
    return dataclasses.replace(
        plan, print_scan=True,
        noise_sigma=round(float(rng.uniform(0.8, 4.0)), 3),
        blur_sigma=round(float(rng.uniform(0.35, 1.1)), 3),
        rotation_deg=round(float(np.clip(rng.normal(0.0, 0.5), -MAX_ROTATION_DEG, MAX_ROTATION_DEG)), 3),
        shift_px=(int(rng.integers(-6, 7)), int(rng.integers(-6, 7))),
        grayscale=bool(rng.random() < 0.25),
        toner_spread=round(float(rng.uniform(0.3, 0.9)), 3),
        toner_threshold=round(float(rng.uniform(0.4, 0.62)), 3),
        black_level=int(rng.integers(12, 60)),
        white_level=int(rng.integers(228, 253)),
        gamma=round(float(rng.uniform(0.85, 1.2)), 3),
        paper_tint=(int(tint[0]), int(tint[1]), int(tint[2])),
        shading_amplitude=round(float(rng.uniform(0.5, 4.0)), 3),
        dust_specks=int(rng.integers(0, 25)),
        background_removal=bool(rng.random() < 0.35),
        bed_color=tuple(int(v) for v in rng.integers(200, 245) + rng.integers(-3, 4, size=3)),
    )


# --------------------------------------------------------------------------------------------------- scanning

def _tone_lut(plan: DegradationPlan) -> np.ndarray:
    """RGB lookup table (1 x 256 x 3): toner curve, then the scanner's black point, white point, gamma, paper tint."""
    x = np.arange(256, dtype=np.float64) / 255.0
    toner = 1.0 / (1.0 + np.exp(-(x - plan.toner_threshold) * 9.0))
    toner = (toner - toner[0]) / (toner[-1] - toner[0])
    tone = (toner ** plan.gamma)[:, None]
    white = plan.white_level + np.array(plan.paper_tint, dtype=np.float64)[None, :]
    lut = plan.black_level + tone * (white - plan.black_level)
    return np.clip(np.rint(lut), 0, 255).astype(np.uint8)[None, :, :]


def _white_clip_lut(plan: DegradationPlan) -> np.ndarray:
    """Levels that stretch the paper (white level minus its noise) to 255: a scanner's background removal."""
    white = max(plan.black_level + 64.0, plan.white_level + min(plan.paper_tint) - 2.5 * plan.noise_sigma
                - plan.shading_amplitude - 4.0)
    x = np.arange(256, dtype=np.float64)
    return np.clip(np.rint(255.0 * x / white), 0, 255).astype(np.uint8)


def _grain(shape: tuple[int, int], plan: DegradationPlan, rng: np.random.Generator) -> np.ndarray:
    """Additive int16 field: spatially correlated sensor noise plus low-frequency shading of paper and light.

    Both are drawn at half resolution and upsampled once: the noise gets the grain of a real sensor and the
    whole field costs a single full-size resize.
    """
    h, w = shape
    half_shape = ((h + 1) // 2, (w + 1) // 2)
    half = rng.standard_normal(half_shape, dtype=np.float32)
    half *= np.float32(plan.noise_sigma / 0.62)  # bilinear upsampling of unit noise leaves a deviation near 0.62
    coarse = rng.standard_normal((6, 5), dtype=np.float32)
    half += cv2.resize(coarse, half_shape[::-1], interpolation=cv2.INTER_CUBIC) * np.float32(plan.shading_amplitude)
    return np.rint(cv2.resize(half, (w, h), interpolation=cv2.INTER_LINEAR)).astype(np.int16)


def _dust(image: np.ndarray, plan: DegradationPlan, rng: np.random.Generator) -> None:
    """Draw the platen's dust specks in place: tiny dark dots and hairs."""
    h, w = image.shape[:2]
    for _ in range(plan.dust_specks):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        shade = int(rng.integers(40, 170))
        if rng.random() < 0.8:
            cv2.circle(image, (x, y), int(rng.integers(0, 2)), (shade, shade, shade), -1, cv2.LINE_AA)
        else:
            dx, dy = (int(v) for v in rng.integers(-12, 13, size=2))
            cv2.line(image, (x, y), (x + dx, y + dy), (shade, shade, shade), 1, cv2.LINE_AA)


def scan_affine(shape: tuple[int, int], plan: DegradationPlan) -> np.ndarray:
    """2x3 matrix mapping page box coordinates to scanned ones: rotation about the page centre plus the shift."""
    h, w = shape
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), plan.rotation_deg, 1.0)
    m[:, 2] += plan.shift_px
    return m


def _edge_to_center(affine: np.ndarray) -> np.ndarray:
    """The same map expressed on pixel centres, the convention of cv2.warpAffine."""
    m = affine.astype(np.float64).copy()
    m[:, 2] += m[:, :2] @ np.array([0.5, 0.5]) - 0.5
    return m


def _blur(image: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), sigma) if sigma > 0 else image


def scan(image: np.ndarray, plan: DegradationPlan, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Print-and-scan look of a clean page; returns the scanned image (same size) and the page->scan affine."""
    identity = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    if not plan.print_scan:
        return image.copy(), identity
    h, w = image.shape[:2]
    out = _blur(image, plan.toner_spread)
    out = cv2.LUT(out, _tone_lut(plan))
    affine = scan_affine((h, w), plan)
    if not np.allclose(affine, identity):
        out = cv2.warpAffine(out, _edge_to_center(affine), (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=plan.bed_color)
    out = _blur(out, plan.blur_sigma)
    grain = _grain((h, w), plan, rng)
    out = cv2.add(out, cv2.merge([grain, grain, grain]), dtype=cv2.CV_8U)
    _dust(out, plan, rng)
    if plan.background_removal:
        out = cv2.LUT(out, _white_clip_lut(plan))
    if plan.grayscale:
        gray = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        out = cv2.merge([gray, gray, gray])
    return out, affine


# --------------------------------------------------------------------------------------------------- JPEG

def encode_jpeg(image: np.ndarray, quality: int, subsampling: str, grayscale: bool = False) -> bytes:
    """JPEG bytes as Pillow (libjpeg) writes them; a grey-level scan is saved as a one-channel JPEG."""
    pil = Image.fromarray(np.ascontiguousarray(image[:, :, 0] if grayscale else image))
    buffer = io.BytesIO()
    if grayscale:
        pil.save(buffer, "JPEG", quality=int(quality))
    else:
        pil.save(buffer, "JPEG", quality=int(quality), subsampling=subsampling)
    return buffer.getvalue()


def decode(data: bytes) -> np.ndarray:
    """Decoded RGB uint8 pixels of JPEG or PNG bytes (libjpeg-turbo, identical to Pillow's decoder)."""
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def first_save(image: np.ndarray, plan: DegradationPlan) -> np.ndarray:
    """The scanner's JPEG (quality jpeg_qualities[0]), decoded back: what the claimant's file really holds."""
    if not plan.jpeg_qualities:
        return image.copy()
    data = encode_jpeg(image, plan.jpeg_qualities[0], plan.jpeg_subsamplings[0], plan.grayscale)
    return decode(data)


def _recompress_shifted(image: np.ndarray, quality: int, subsampling: str, shift: tuple[int, int]) -> np.ndarray:
    """Pad-recompress-crop: the 8x8 grid lands on content columns = dx and rows = dy (mod 8); size is unchanged."""
    pad_x, pad_y = (-shift[0]) % 8, (-shift[1]) % 8
    padded = cv2.copyMakeBorder(image, pad_y, 0, pad_x, 0, cv2.BORDER_REPLICATE)
    decoded = decode(encode_jpeg(padded, quality, subsampling))
    return np.ascontiguousarray(decoded[pad_y:, pad_x:])


def _encode_png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def resave(image: np.ndarray, plan: DegradationPlan, masks: list[Optional[np.ndarray]]
           ) -> tuple[bytes, np.ndarray, list[Optional[np.ndarray]], np.ndarray]:
    """The forger's (or sender's) re-save: resize, then the remaining JPEG compressions each on a shifted grid.

    Intermediate compressions pad, recompress and crop; the last one crops (dx, dy) pixels off the top-left so the
    returned bytes decode exactly to the returned image. Returns (bytes, image, masks, scanned->final affine).
    """
    h, w = image.shape[:2]
    out, out_masks = image, [None if m is None else m.astype(bool) for m in masks]
    affine = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    if plan.resize_factor != 1.0:
        new_w, new_h = max(1, round(w * plan.resize_factor)), max(1, round(h * plan.resize_factor))
        out = cv2.resize(out, (new_w, new_h), interpolation=RESIZE_INTERPOLATIONS[plan.resize_interpolation])
        out_masks = [None if m is None else
                     cv2.resize(m.astype(np.uint8), (new_w, new_h), interpolation=cv2.INTER_NEAREST).astype(bool)
                     for m in out_masks]
        affine = np.array([[new_w / w, 0.0, 0.0], [0.0, new_h / h, 0.0]])
    steps = list(zip(plan.jpeg_qualities[1:], plan.jpeg_subsamplings[1:], plan.grid_shifts))
    if not steps:
        data = _encode_png(out)
        return data, out, out_masks, affine
    for quality, subsampling, shift in steps[:-1]:
        out = _recompress_shifted(out, quality, subsampling, shift)
    quality, subsampling, (dx, dy) = steps[-1]
    out = np.ascontiguousarray(out[dy:, dx:])
    out_masks = [None if m is None else np.ascontiguousarray(m[dy:, dx:]) for m in out_masks]
    affine = affine.copy()
    affine[:, 2] -= (dx, dy)
    data = encode_jpeg(out, quality, subsampling)
    return data, decode(data), out_masks, affine


# --------------------------------------------------------------------------------------------------- geometry

def compose(second: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The 2x3 affine applying `first` then `second`."""
    a = np.vstack([first, [0.0, 0.0, 1.0]])
    b = np.vstack([second, [0.0, 0.0, 1.0]])
    return (b @ a)[:2]


def transform_box(box: tuple[int, int, int, int], affine: np.ndarray, shape: tuple[int, int]
                  ) -> tuple[int, int, int, int]:
    """Bounding box of the box's mapped corners, rounded outwards and clipped to shape (H, W)."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1.0], [x1, y0, 1.0], [x0, y1, 1.0], [x1, y1, 1.0]]) @ np.asarray(affine).T
    h, w = shape
    nx0 = int(np.clip(np.floor(corners[:, 0].min() + 1e-6), 0, w))
    ny0 = int(np.clip(np.floor(corners[:, 1].min() + 1e-6), 0, h))
    nx1 = int(np.clip(np.ceil(corners[:, 0].max() - 1e-6), 0, w))
    ny1 = int(np.clip(np.ceil(corners[:, 1].max() - 1e-6), 0, h))
    return nx0, ny0, max(nx0, nx1), max(ny0, ny1)


def transform_page(page: RenderedPage, affine: np.ndarray, image: np.ndarray) -> RenderedPage:
    """A copy of the page whose word and field boxes are mapped into `image`'s geometry, holding that image."""
    shape = image.shape[:2]

    def mapped(box: Box) -> Box:
        return transform_box(box, affine, shape)

    words = [dataclasses.replace(w, box=mapped(w.box)) for w in page.words]
    fields = [dataclasses.replace(f, box=mapped(f.box)) for f in page.fields]
    return dataclasses.replace(page, image=image, words=words, fields=fields)
