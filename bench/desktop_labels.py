"""The desktop bench's label check (issue 22, point 7): of the grounding rows that quote a name, those
whose quoted name OCR does not find on their screenshot. Refusal rows (`gt_type` negative) quote on purpose
a name that is not on their screen, so they are not counted.

Independent of capture's own decision (transforms/capture/desktop/drawn.py reads each element's crop):
here tesseract reads the whole screenshot, twice its size, and a quoted name counts as found when the
screen's words read as it anywhere (ocr.reads_as on every line, then on all words together; a spatial
phrase quotes a neighbour, which may lie anywhere). Names of fewer than 3 letters or digits ("7", "+")
are counted apart: OCR of a whole screen misses single characters, so it cannot judge them.

Light text on a dark or highlighted background (an open menu's title drawn white on its highlight in
qterminal and featherpad) is not read on the whole screen: the dark areas of the screen (light_regions:
filled areas, not the strokes of dark text) are read once more, each alone, inverted and stretched as
the alignment check's crops are (ocr.stitch). Only what is drawn there is read, so a name that is not
on the screen is still not found.
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image
from scipy import ndimage

from transforms.capture import ocr

QUOTED = re.compile(r'"([^"]+)"')
MIN_CHARS = 3
DARK = 128  # a grey level under this is a dark background (qterminal's highlight blue is 119)
STROKE_PX = 3  # dark areas thinner than this are strokes of dark text, not a background
MIN_REGION_PX = 12  # a dark area narrower or lower than this holds no line of text

ROWS = """
select c.app, g.screenshot_id, g.expression from grounding g
join screenshots s using (screenshot_id) join captures c on c.capture_id = s.capture_id
where c.app is not null and g.expression like '%"%"%' and g.gt_type <> 'negative'
"""


def light_regions(grey: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The boxes [x1, y1, x2, y2] of a screen's dark areas (a highlight, a terminal, a dark title bar),
    where text is drawn light: the dark pixels that survive an opening by a STROKE_PX square (the
    strokes of dark text on a light background do not), grouped into connected areas."""
    filled = ndimage.binary_opening(grey < DARK, structure=np.ones((STROKE_PX, STROKE_PX), bool))
    labels, _ = ndimage.label(filled)
    return [
        (cols.start, rows.start, cols.stop, rows.stop)
        for rows, cols in ndimage.find_objects(labels)
        if cols.stop - cols.start >= MIN_REGION_PX and rows.stop - rows.start >= MIN_REGION_PX
    ]


def _light_lines(image: Image.Image) -> list[str]:
    """The lines OCR reads in the screen's dark areas, each area alone, made dark on white (ocr.stitch),
    and each area's words as one line more."""
    boxes = light_regions(np.asarray(image.convert("L")))
    if not boxes:
        return []
    page, rows = ocr.stitch(image, boxes)
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    read = ocr.read_text(buffer.getvalue(), timeout=120)
    words: list[list[str]] = [[] for _ in rows]
    for b in read:
        centre = (b.box[1] + b.box[3]) / 2
        k = next((k for k, (top, bottom) in enumerate(rows) if top <= centre < bottom), None)
        if b.level == "word" and b.text and k is not None:
            words[k].append(b.text)
    return [b.text for b in read if b.level == "line" and b.text] + [" ".join(w) for w in words if w]


def _screen_lines(png: bytes) -> list[str]:
    """The lines of text OCR reads on a screenshot (twice its size), and all its words as one more: read
    twice, with one threshold for the page and with one per tile (greyed-out, disabled items are read
    only so); then the light text of its dark areas (_light_lines)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.resize((image.width * 2, image.height * 2), Image.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    out = []
    for adaptive in (False, True):
        boxes = ocr.read_text(buffer.getvalue(), timeout=120, adaptive=adaptive)
        words = [b.text for b in boxes if b.level == "word" and b.text]
        out += [*(b.text for b in boxes if b.level == "line" and b.text), " ".join(words)]
    return out + _light_lines(Image.open(io.BytesIO(png)).convert("RGB"))


def _found(name: str, lines: list[str]) -> bool:
    return any(ocr.reads_as(name, line, elided=False) for line in lines)  # the whole name, as quoted


def screen_lines(pngs: dict[str, bytes]) -> dict[str, list[str]]:
    """Per screenshot id: what OCR reads on it (two tesseract runs at a time)."""
    shots = sorted(pngs)
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(shots, pool.map(lambda s: _screen_lines(pngs[s]), shots)))


def undrawn_counts(rows, lines: dict[str, list[str]]) -> dict[str, tuple[int, int, int]]:
    """Per application, of (app, screenshot id, expression) rows: (rows quoting a name of 3+ characters,
    those with a quoted name OCR does not find on the screenshot, rows quoting only shorter names)."""
    out: dict[str, list[int]] = {}
    for app, sid, expression in rows:
        names = QUOTED.findall(expression)
        if not names:
            continue
        judged = [n for n in names if sum(c.isalnum() for c in n) >= MIN_CHARS]
        counts = out.setdefault(app, [0, 0, 0])
        if not judged:
            counts[2] += 1
            continue
        counts[0] += 1
        counts[1] += any(not _found(n, lines[sid]) for n in judged)
    return {app: tuple(c) for app, c in out.items()}


def undrawn_per_app(con) -> dict[str, tuple[int, int, int]]:
    """undrawn_counts of a catalog's published grounding rows."""
    rows = con.execute(ROWS).fetchall()
    shots = sorted({sid for _, sid, _ in rows})
    pngs = dict(
        con.execute(
            "select screenshot_id, png from screenshots where screenshot_id in (select unnest(?))", [shots]
        ).fetchall()
    )
    return undrawn_counts(rows, screen_lines(pngs))
