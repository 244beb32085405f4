"""The desktop bench's label check (issue 22, point 7): of the grounding rows that quote a name, those
whose quoted name OCR does not find on their screenshot. Refusal rows (`gt_type` negative) quote on purpose
a name that is not on their screen, so they are not counted.

Independent of capture's own decision (transforms/capture/desktop/drawn.py reads each element's crop):
here tesseract reads the whole screenshot, twice its size, and a quoted name counts as found when the
screen's words read as it anywhere (ocr.reads_as on every line, then on all words together; a spatial
phrase quotes a neighbour, which may lie anywhere). Names of fewer than 3 letters or digits ("7", "+")
are counted apart: OCR of a whole screen misses single characters, so it cannot judge them.
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor

from transforms.capture import ocr

QUOTED = re.compile(r'"([^"]+)"')
MIN_CHARS = 3

ROWS = """
select c.app, g.screenshot_id, g.expression from grounding g
join screenshots s using (screenshot_id) join captures c on c.capture_id = s.capture_id
where c.app is not null and g.expression like '%"%"%' and g.gt_type <> 'negative'
"""


def _screen_lines(png: bytes) -> list[str]:
    """The lines of text OCR reads on a screenshot (twice its size), and all its words as one more: read
    twice, with one threshold for the page and with one per tile (greyed-out, disabled items are read
    only so)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.resize((image.width * 2, image.height * 2), Image.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    out = []
    for adaptive in (False, True):
        boxes = ocr.read_text(buffer.getvalue(), timeout=120, adaptive=adaptive)
        words = [b.text for b in boxes if b.level == "word" and b.text]
        out += [*(b.text for b in boxes if b.level == "line" and b.text), " ".join(words)]
    return out


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
