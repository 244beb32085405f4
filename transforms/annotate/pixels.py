"""Colours as a person names them, read from a screenshot's pixels."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image

# Index order of the names `name_pixels` returns.
COLOUR_NAMES = (
    "black",
    "white",
    "gray",
    "red",
    "orange",
    "yellow",
    "green",
    "teal",
    "blue",
    "purple",
    "pink",
    "brown",
)
_HUES = (  # (upper hue bound in degrees, name index) for saturated, not-dark pixels
    (15, 3),
    (40, 4),
    (68, 5),
    (160, 6),
    (195, 7),
    (255, 8),
    (290, 9),
    (340, 10),
    (360, 3),
)
MAX_SAMPLES = 4096  # pixels read per box: enough for a stable histogram, cheap for big boxes
MIN_SHARE = 0.08  # a colour must cover this share of the box (outside its surroundings) to name it
RING = 3  # pixels of surroundings read around the box
RING_SHARE = 0.25  # a colour covering this share of the surroundings is background
HUE_MARGIN = 10.0  # degrees: a pixel's colour is named only if this turn of its hue keeps the name


def decode_png(png: bytes) -> np.ndarray:
    """PNG bytes to an H x W x 3 uint8 array."""
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"))


def name_pixels(rgb: np.ndarray) -> np.ndarray:
    """N x 3 uint8 pixels to indices into COLOUR_NAMES."""
    return _named(*_hsv(rgb))


def _hsv(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Hue (degrees), brightness (the top channel), chroma and saturation of N x 3 uint8 pixels."""
    rgb = rgb.reshape(-1, 3).astype(np.float32) / 255
    top, low = rgb.max(axis=1), rgb.min(axis=1)
    chroma = top - low
    sat = np.where(top > 0, chroma / np.maximum(top, 1e-6), 0)
    r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
    safe = np.maximum(chroma, 1e-6)
    hue = np.select([top == r, top == g], [((g - b) / safe) % 6, (b - r) / safe + 2], (r - g) / safe + 4) * 60
    return hue, top, chroma, sat


def _named(hue: np.ndarray, top: np.ndarray, chroma: np.ndarray, sat: np.ndarray) -> np.ndarray:
    names = np.full(len(hue), 2, dtype=np.int8)  # gray
    for bound, index in reversed(_HUES):
        names = np.where(hue < bound, index, names)
    chromatic = (sat >= 0.25) & (chroma >= 0.12)
    names = np.where(chromatic, names, np.where(top >= 0.86, 1, 2))  # white / gray
    brownish = chromatic & np.isin(names, (3, 4)) & (top < 0.62)
    names = np.where(brownish, 11, names)
    return np.where(top < 0.18, 0, names).astype(np.int8)  # black


def _sure_names(pixels: np.ndarray) -> np.ndarray:
    """Names of the pixels whose name holds when their hue is turned HUE_MARGIN degrees either way; a
    hue near the border of two names (coral between red and orange, cyan between teal and blue) is one
    people name either way, so it counts for neither (left out)."""
    hue, *rest = _hsv(pixels)
    names = _named(hue, *rest)
    turned = [_named((hue + turn) % 360, *rest) for turn in (HUE_MARGIN, -HUE_MARGIN)]
    return names[(names == turned[0]) & (names == turned[1])]


def _sample(region: np.ndarray) -> np.ndarray:
    pixels = region.reshape(-1, 3)
    step = max(1, len(pixels) // MAX_SAMPLES)
    return pixels[::step]


def box_colour(image: np.ndarray, box: Sequence[float]) -> str | None:
    """The colour a person would name for the element in `box` (x1, y1, x2, y2 in pixels): the most
    common colour inside the box that is not a colour of its surroundings. None when nothing stands out."""
    height, width = image.shape[:2]
    x1, y1 = max(0, int(box[0])), max(0, int(box[1]))
    x2, y2 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
    if x2 - x1 < 1 or y2 - y1 < 1:
        return None
    inside = np.bincount(_sure_names(_sample(image[y1:y2, x1:x2])), minlength=len(COLOUR_NAMES))
    ox1, oy1, ox2, oy2 = max(0, x1 - RING), max(0, y1 - RING), min(width, x2 + RING), min(height, y2 + RING)
    ring = np.concatenate(
        [
            image[oy1:y1, ox1:ox2].reshape(-1, 3),
            image[y2:oy2, ox1:ox2].reshape(-1, 3),
            image[y1:y2, ox1:x1].reshape(-1, 3),
            image[y1:y2, x2:ox2].reshape(-1, 3),
        ]
    )
    if len(ring):  # colours that make up a good part of the surroundings do not set the element apart
        around = np.bincount(name_pixels(_sample(ring)), minlength=len(COLOUR_NAMES))
        inside[around >= RING_SHARE * around.sum()] = 0
    best = int(inside.argmax())
    return (
        COLOUR_NAMES[best] if inside[best] >= MIN_SHARE * max(1, _sampled_count(x2 - x1, y2 - y1)) else None
    )


def _sampled_count(w: int, h: int) -> int:
    n = w * h
    return len(range(0, n, max(1, n // MAX_SAMPLES)))


FLAT = 10  # a box whose pixels differ by no more than this (of 255, in any channel) shows nothing


def shows_nothing(image: np.ndarray, box: Sequence[float]) -> bool:
    """The box is one flat colour: the element paints nothing there, or is painted over."""
    height, width = image.shape[:2]
    x1, y1 = max(0, int(box[0])), max(0, int(box[1]))
    x2, y2 = min(width, int(np.ceil(box[2]))), min(height, int(np.ceil(box[3])))
    region = image[y1:y2, x1:x2].reshape(-1, 3)
    return len(region) == 0 or int(np.ptp(region, axis=0).max()) <= FLAT


def box_colours(png: bytes, boxes: Sequence[Sequence[float]]) -> list[tuple[str | None, bool]]:
    """(box_colour, shows_nothing) for many boxes on one screenshot, decoding it once; (None, False) for
    every box if the image cannot be decoded."""
    try:
        image = decode_png(png)
    except (OSError, ValueError):
        return [(None, False)] * len(boxes)
    return [(box_colour(image, box), shows_nothing(image, box)) for box in boxes]
