"""An element's crop made ready for OCR (transforms/capture/ocr.py's crop figure): grey, dark text on a
white background, its frame painted out.

- Frame lines: a crop of a GTK 2 toggle button holds its frame's dark edge, and tesseract takes text
  inside a drawn frame for a picture and reads none of it. Walking inwards from each edge, rows and
  columns that are one grey (every pixel but a few at their ends within FRAME_LEVELS of their median)
  are painted the background's grey where they are of another grey, until the first that is not one
  grey. A row through text is not.
- Which way round: the ink is the side of the background (the median grey, after the frame is painted
  out) that the pixels off it by more than FLAT_LEVELS lie on, weighed by how far they lie: ink lighter
  than the background (white text on a selected row, mid-grey or dark) is inverted.
- Contrast: the background is made white and the darkest 0.5 % black, so greyed-out (disabled) text,
  drawn a few levels from its background, is read as well as the rest.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

FRAME_LEVELS = 16  # a frame line's pixels lie this close to its median grey
FRAME_END_PX = 6  # ... but its ends: a rounded corner, the frame's lines that cross it
FLAT_LEVELS = 8  # a pixel this close to the background is background; a crop with none farther is flat


def _one_grey(line: np.ndarray) -> bool:
    """Every pixel of the line but its ends (a rounded corner, the crossing lines of the frame) within
    FRAME_LEVELS of its median: a row through a word is not one grey."""
    end = min(FRAME_END_PX, len(line) // 10)
    middle = line[end : len(line) - end]
    return middle.size > 0 and float(np.abs(middle - np.median(middle)).max()) <= FRAME_LEVELS


def paint_out_frame(grey: np.ndarray) -> np.ndarray:
    """The crop with its frame's lines painted its background's grey (the median): walking inwards from
    each edge, at most a third of the way, over rows (then columns) that are one grey, those of
    another grey than the background are painted. A row through text is not one grey; one that is,
    but the background's, is passed over (a margin outside the frame, a letter's ascender at its end)."""
    grey = grey.copy()
    background = float(np.median(grey))
    height, width = grey.shape

    def walk(lines, count: int) -> int:
        """How many lines from the edge hold the frame: those up to the last one painted."""
        done = painted = 0
        while done < count // 3 and _one_grey(lines(done)):
            line = lines(done)
            if abs(float(np.median(line)) - background) > FLAT_LEVELS:
                line[:] = background
                painted = done + 1
            done += 1
        return painted

    top = walk(lambda k: grey[k, :], height)
    bottom = height - walk(lambda k: grey[height - 1 - k, :], height)
    walk(lambda k: grey[top:bottom, k], width)  # the side lines between the top and bottom ones
    walk(lambda k: grey[top:bottom, width - 1 - k], width)
    return grey


def ink_is_lighter(grey: np.ndarray, background: float) -> bool:
    """Whether the pixels off the background lie above it rather than below it, weighed by how far."""
    off = grey - background
    lighter = float(off[off > FLAT_LEVELS].sum())
    darker = float(-off[off < -FLAT_LEVELS].sum())
    if lighter == darker:  # a flat crop: the old rule, a dark background is inverted
        return background < 128
    return lighter > darker


def dark_on_white(crop: Image.Image) -> Image.Image:
    """A crop in grey, its frame painted out, its background (the median grey) white and its darkest
    pixels black: ink lighter than the background is inverted first."""
    grey = paint_out_frame(np.asarray(crop.convert("L"), dtype=np.float32))
    background = float(np.median(grey))
    if ink_is_lighter(grey, background):
        grey, background = 255 - grey, 255 - background
    ink = float(np.percentile(grey, 0.5))
    if background - ink > FLAT_LEVELS:  # else a flat crop: nothing drawn to stretch
        grey = np.clip((grey - ink) / (background - ink) * 255, 0, 255)
    return Image.fromarray(grey.astype(np.uint8))
