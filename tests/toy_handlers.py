"""Toy components with known answers, used by the runtime and evaluation tests."""

from __future__ import annotations

import numpy as np
from vigie.core.results import DetectorResult
from vigie.forensics.base import Detector


def toy_copy(ctx) -> None:
    rows = ctx.input_dataset("rows")
    with ctx.output_dataset("copy").writer() as out, ctx.progress(3, "chunks") as bar:
        for chunk in rows.iter_chunks(chunksize=4):
            chunk = chunk.copy()
            chunk["value"] = chunk["value"] * ctx.config["factor"]
            chunk["mode"] = ctx.config["mode"]
            out.write(chunk)
            bar.update(1)
    if ctx.has_output("notes"):
        ctx.output_folder("notes").write_bytes("sub/note.txt", f"flag={ctx.config['flag']}".encode())


def reads_undeclared(ctx) -> None:
    ctx.config["not_declared"]



class RedSquareDetector(Detector):
    """Flags red pixels: a stand-in whose right answers are known."""

    name, version = "red", "1"

    def __init__(self):
        self.calls = 0

    def detect(self, page):
        self.calls += 1
        image = page.image.astype(int)
        heat = np.clip((image[..., 0] - image[..., 1]) / 255.0, 0, 1).astype(np.float32)
        return DetectorResult(score=float(heat.max()), heatmap=heat)
