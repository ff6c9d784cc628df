"""Font catalogue for synthetic documents: printed families, monospace and handwriting, found on the system.

Fonts come from Debian packages installed by `make setup` (fonts-liberation, fonts-dejavu-core, fonts-freefont-ttf,
fonts-linuxlibertine, fonts-crosextra-*, handwriting fonts). A family that is missing falls back to the next one,
and ultimately to Pillow's bundled scalable font, so generation never fails for lack of a font.
"""

from __future__ import annotations

import functools
import os
from typing import Optional

from PIL import ImageFont

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.local/share/fonts"))

# family -> {style: file name}; the order of PRINTED_FAMILIES is the fallback order.
FONT_FILES: dict[str, dict[str, str]] = {
    "liberation-sans": {"regular": "LiberationSans-Regular.ttf", "bold": "LiberationSans-Bold.ttf",
                        "italic": "LiberationSans-Italic.ttf"},
    "liberation-serif": {"regular": "LiberationSerif-Regular.ttf", "bold": "LiberationSerif-Bold.ttf",
                         "italic": "LiberationSerif-Italic.ttf"},
    "liberation-narrow": {"regular": "LiberationSansNarrow-Regular.ttf", "bold": "LiberationSansNarrow-Bold.ttf",
                          "italic": "LiberationSansNarrow-Italic.ttf"},
    "dejavu-sans": {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "italic": "DejaVuSans-Oblique.ttf"},
    "dejavu-serif": {"regular": "DejaVuSerif.ttf", "bold": "DejaVuSerif-Bold.ttf", "italic": "DejaVuSerif-Italic.ttf"},
    "dejavu-condensed": {"regular": "DejaVuSansCondensed.ttf", "bold": "DejaVuSansCondensed-Bold.ttf",
                         "italic": "DejaVuSansCondensed-Oblique.ttf"},
    "free-sans": {"regular": "FreeSans.ttf", "bold": "FreeSansBold.ttf", "italic": "FreeSansOblique.ttf"},
    "free-serif": {"regular": "FreeSerif.ttf", "bold": "FreeSerifBold.ttf", "italic": "FreeSerifItalic.ttf"},
    "carlito": {"regular": "Carlito-Regular.ttf", "bold": "Carlito-Bold.ttf", "italic": "Carlito-Italic.ttf"},
    "caladea": {"regular": "Caladea-Regular.ttf", "bold": "Caladea-Bold.ttf", "italic": "Caladea-Italic.ttf"},
    "libertine": {"regular": "LinLibertine_R.otf", "bold": "LinLibertine_RB.otf", "italic": "LinLibertine_RI.otf"},
    "biolinum": {"regular": "LinBiolinum_R.otf", "bold": "LinBiolinum_RB.otf", "italic": "LinBiolinum_RI.otf"},
    "liberation-mono": {"regular": "LiberationMono-Regular.ttf", "bold": "LiberationMono-Bold.ttf",
                        "italic": "LiberationMono-Italic.ttf"},
    "dejavu-mono": {"regular": "DejaVuSansMono.ttf", "bold": "DejaVuSansMono-Bold.ttf",
                    "italic": "DejaVuSansMono-Oblique.ttf"},
    "free-mono": {"regular": "FreeMono.ttf", "bold": "FreeMonoBold.ttf", "italic": "FreeMonoOblique.ttf"},
    "ecolier": {"regular": "Ecolier-court.ttf"},
    "dkg-handwriting": {"regular": "dkg.ttf", "bold": "dkgBd.ttf", "italic": "dkgIt.ttf"},
    "dancing-script": {"regular": "DancingScript-Regular.otf", "bold": "DancingScript-Bold.otf"},
    "kaushan-script": {"regular": "KaushanScript-Regular.otf"},
}

PRINTED_FAMILIES = ("liberation-sans", "dejavu-sans", "liberation-serif", "dejavu-serif", "free-sans", "free-serif",
                    "carlito", "caladea", "libertine", "biolinum", "liberation-narrow", "dejavu-condensed")
MONO_FAMILIES = ("liberation-mono", "dejavu-mono", "free-mono")
HANDWRITING_FAMILIES = ("ecolier", "dkg-handwriting", "dancing-script", "kaushan-script")

# Pairs of printed families that look alike at a glance: the "near-matched font" of an erase-and-retype forgery.
LOOKALIKE: dict[str, str] = {
    "liberation-sans": "free-sans", "free-sans": "liberation-sans", "dejavu-sans": "dejavu-condensed",
    "dejavu-condensed": "dejavu-sans", "liberation-serif": "free-serif", "free-serif": "liberation-serif",
    "dejavu-serif": "caladea", "caladea": "dejavu-serif", "carlito": "liberation-sans", "libertine": "liberation-serif",
    "biolinum": "carlito", "liberation-narrow": "liberation-sans",
    "liberation-mono": "free-mono", "free-mono": "liberation-mono", "dejavu-mono": "liberation-mono",
}

BUNDLED = "<pillow-default>"


@functools.lru_cache(maxsize=None)
def _index_font_files() -> dict[str, str]:
    """Map every font file name found under the font directories to its path."""
    found: dict[str, str] = {}
    for root_dir in FONT_DIRS:
        for root, _dirs, files in os.walk(root_dir):
            for name in files:
                found.setdefault(name, os.path.join(root, name))
    return found


def font_path(family: str, style: str = "regular") -> Optional[str]:
    """Path of a family's style on this machine, or None when it is not installed."""
    files = FONT_FILES.get(family, {})
    name = files.get(style) or files.get("regular")
    return _index_font_files().get(name) if name else None


def available_families(candidates: tuple[str, ...] = PRINTED_FAMILIES) -> list[str]:
    """The families of `candidates` that are installed, in their given order."""
    return [f for f in candidates if font_path(f) is not None]


def resolve(family: str, style: str = "regular") -> str:
    """Path of the family if installed, else of the first installed printed family, else the bundled font."""
    path = font_path(family, style)
    if path:
        return path
    for fallback in PRINTED_FAMILIES:
        path = font_path(fallback, style)
        if path:
            return path
    return BUNDLED


@functools.lru_cache(maxsize=512)
def load(path: str, size_px: int) -> ImageFont.FreeTypeFont:
    """A Pillow font for a path from `resolve`, cached, at a pixel size."""
    if path == BUNDLED:
        return ImageFont.load_default(size=size_px)
    return ImageFont.truetype(path, size=size_px)
