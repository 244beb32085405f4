"""The colour a person names for an element, by the audit's own reading of the screenshot's pixels."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

# Hue (0-360) upper bounds of the chromatic names.
HUE_NAMES = (
    (12, "red"),
    (42, "orange"),
    (70, "yellow"),
    (165, "green"),
    (200, "teal"),
    (260, "blue"),
    (295, "purple"),
    (345, "pink"),
    (361, "red"),
)
RING = 3  # pixels of surroundings around a box
BACKGROUND = 0.25  # a colour covering this share of the surroundings is the background
MIN_SHARE = 0.08  # the named colour covers at least this share of the box
FLAT = 8  # saturation and brightness range (of 255) within which a box shows nothing


def _names(hsv: np.ndarray) -> np.ndarray:
    h = hsv[:, 0].astype(np.float32) * 360 / 255
    s = hsv[:, 1].astype(np.float32) / 255
    v = hsv[:, 2].astype(np.float32) / 255
    out = np.empty(len(hsv), dtype=object)
    chroma = s * v
    out[:] = np.where(v > 0.86, "white", "gray")
    for bound, name in reversed(HUE_NAMES):
        out[(chroma >= 0.12) & (s >= 0.25) & (h < bound)] = name
    out[(chroma >= 0.12) & (s >= 0.25) & np.isin(out, ["red", "orange"]) & (v < 0.62)] = "brown"
    out[v < 0.18] = "black"
    return out


class Colours:
    """The named colour of boxes on one screenshot (None where the image is missing)."""

    def __init__(self, png: bytes | None, known: dict[tuple, str | None] | None = None):
        """`known`: colours already read, by box (a regression set keeps these instead of screenshots)."""
        self.hsv = None
        if png:
            with Image.open(io.BytesIO(png)) as image:
                self.hsv = np.asarray(image.convert("RGB").convert("HSV"))
        self._memo: dict[tuple, str | None] = dict(known or {})

    def named(self, box: tuple[float, float, float, float]) -> str | None:
        if box in self._memo:
            return self._memo[box]
        self._memo[box] = name = self._name(box)
        return name

    def _name(self, box: tuple[float, float, float, float]) -> str | None:
        if self.hsv is None:
            return None
        height, width = self.hsv.shape[:2]
        x1, y1 = max(0, int(box[0])), max(0, int(box[1]))
        x2, y2 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
        if x2 <= x1 or y2 <= y1:
            return None
        inside = self.hsv[y1:y2, x1:x2].reshape(-1, 3)
        inside = inside[:: max(1, len(inside) // 4096)]
        ox1, oy1, ox2, oy2 = (
            max(0, x1 - RING),
            max(0, y1 - RING),
            min(width, x2 + RING),
            min(height, y2 + RING),
        )
        outer = self.hsv[oy1:oy2, ox1:ox2].copy()
        outer[y1 - oy1 : y2 - oy1, x1 - ox1 : x2 - ox1] = 255  # the box itself is not its surroundings
        mask = np.ones(outer.shape[:2], dtype=bool)
        mask[y1 - oy1 : y2 - oy1, x1 - ox1 : x2 - ox1] = False
        names, counts = np.unique(_names(inside), return_counts=True)
        around = _names(outer[mask])
        background = set()
        if len(around):
            ring_names, ring_counts = np.unique(around, return_counts=True)
            background = {n for n, c in zip(ring_names, ring_counts) if c >= BACKGROUND * len(around)}
        ranked = sorted(((c, n) for n, c in zip(names, counts) if n not in background), reverse=True)
        if not ranked or ranked[0][0] < MIN_SHARE * len(inside):
            return None
        return str(ranked[0][1])

    def blank(self, box: tuple[float, float, float, float]) -> bool:
        """The box shows nothing: one flat colour (an element that paints nothing, or is painted over)."""
        key = ("blank", *box)
        if key not in self._memo:
            self._memo[key] = self._blank(box)
        return bool(self._memo[key])

    def _blank(self, box: tuple[float, float, float, float]) -> bool:
        if self.hsv is None:
            return False
        height, width = self.hsv.shape[:2]
        x1, y1 = max(0, int(box[0])), max(0, int(box[1]))
        x2, y2 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
        region = self.hsv[y1:y2, x1:x2].reshape(-1, 3)
        return len(region) == 0 or max(int(np.ptp(region[:, 1])), int(np.ptp(region[:, 2]))) <= FLAT

    def shows(self, box: tuple[float, float, float, float], colour: str) -> bool:
        return self.named(box) == colour
