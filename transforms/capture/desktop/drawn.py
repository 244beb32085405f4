"""Which desktop elements show their accessible name as drawn text (issue 22, point 7).

A desktop element's `name` is what the accessibility tree says; its `text`, as on the web, is the text
drawn on the screen, so the annotator quotes only that (transforms/annotate/labels.py). Capture decides
it here, once, from the screenshot it took: the element's crop is read by OCR (every crop of a
screenshot stitched on pages, one tesseract run per page, ocr.crop_reads) and `text` keeps the name only
when the crop reads as the whole of it (a list row drawn "Manicha…" does not show "Manichaean"). An
icon-only control (`Redo`, `Combo Box`) gets `text` null: the annotator may say its name unquoted in
the function and intent perspectives, and uses its look and place in the others.

Names OCR cannot judge are decided by what the toolkit draws: a name of one or two characters ("7", "+",
"C") on a control whose role draws its name (ocr.NAMED_ROLES) is kept; a name that is only a widget
type or a placeholder ("Button", "Combo Box", "SpinButton") never is. Without tesseract, `text` keeps the
name where ocr.shows_name says the box can hold it as text (not an icon-shaped button).

Why at capture: the screenshot and the boxes are at hand, the decision is recorded in the elements table
for anyone to check, and annotation stays pure (no OCR run per phrase).
"""

from __future__ import annotations

import hashlib
import io
from concurrent.futures import ThreadPoolExecutor

import polars as pl
from PIL import Image

from schemas.config import OcrParams
from transforms.capture import ocr
from transforms.placeholders import placeholder

MIN_CHARS = 3  # a shorter name is judged by its role: OCR misses single characters
MAX_TEXT_HEIGHT = 80  # px: a taller box (a panel, a document) does not draw its name as its text
MAX_LABEL_HEIGHT = 400  # px: a label or paragraph may wrap over several lines
LABEL_TAGS = {"label", "static", "text", "heading", "paragraph", "caption"}
PAGE_CROPS = 60  # crops stitched on one OCR page


def first_line(name: str | None) -> str | None:
    """What a label may quote of a name: its first line (Poedit's welcome buttons are named with their
    title and, on a second line, a sentence about it; a quote of both lines is no phrase a person says)."""
    lines = [line.strip() for line in (name or "").splitlines() if line.strip()]
    return lines[0] if lines else name


def _judged(row: dict) -> str:
    """How a row's name is decided: "none" (no name, or a placeholder), "role" (too short for OCR: its
    role says), "never" (a box that does not draw its name) or "ocr"."""
    name = (row["name"] or "").strip()
    if placeholder(name):
        return "none"
    if sum(c.isalnum() for c in name) < MIN_CHARS:
        return "role"
    height = row["y2"] - row["y1"]
    limit = MAX_LABEL_HEIGHT if row["tag"] in LABEL_TAGS else MAX_TEXT_HEIGHT
    return "never" if height > limit or height < ocr.MIN_HEIGHT_PX - 4 else "ocr"


def _crop_key(image: Image.Image, name: str, box: tuple) -> str:
    x1, y1, x2, y2 = (int(v) for v in box)
    crop = image.crop((x1, y1, x2, y2))
    return hashlib.sha256(crop.tobytes() + f"{crop.size}|{name}".encode()).hexdigest()


def _read_pages(pages: list[tuple[bytes, list]], timeout: float) -> list[list[bool]]:
    def one(page):
        png, texts = page
        try:
            return ocr.crop_reads(png, texts, timeout, whole=True)
        except ocr.OcrError:  # a page tesseract failed on: nothing on it counts as drawn
            return [False] * len(texts)

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(one, pages))


def drawn_flags(elements: pl.DataFrame, pngs: dict[str, bytes], timeout: float = 60.0) -> list[bool]:
    """For each element row (name, tag, role, box, screenshot_id): whether its name is drawn as text.
    Crops that look the same with the same name (a menu bar on every state) are read once."""
    rows = elements.select("screenshot_id", "name", "tag", "role", "x1", "y1", "x2", "y2").to_dicts()
    rows = [{**row, "name": first_line(row["name"])} for row in rows]
    flags: list[bool | None] = [None] * len(rows)
    pending: dict[str, list[int]] = {}  # crop key -> rows that share it
    pages: list[tuple[bytes, list]] = []
    per_shot: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        how = _judged(row)
        if how == "ocr":
            per_shot.setdefault(row["screenshot_id"], []).append(i)
        else:
            flags[i] = how == "role" and row["role"] in ocr.NAMED_ROLES
    if not ocr.available():
        for ids in per_shot.values():
            for i in ids:
                flags[i] = ocr.shows_name({**rows[i], "text": rows[i]["name"]}) == "text"
        return flags
    keys: list[str] = []
    for sid, ids in per_shot.items():
        png = pngs.get(sid)
        if png is None:
            continue
        image = Image.open(io.BytesIO(png)).convert("RGB")
        fresh = []
        for i in ids:
            box = (rows[i]["x1"], rows[i]["y1"], rows[i]["x2"], rows[i]["y2"])
            key = _crop_key(image, rows[i]["name"], box)
            if key not in pending:
                fresh.append((key, rows[i]["name"], box))
            pending.setdefault(key, []).append(i)
        for start in range(0, len(fresh), PAGE_CROPS):
            chunk = fresh[start : start + PAGE_CROPS]
            pages.append((png, [(name, box) for _, name, box in chunk]))
            keys += [key for key, _, _ in chunk]
    results = [r for page in _read_pages(pages, timeout) for r in page]
    for key, found in zip(keys, results):
        for i in pending[key]:
            flags[i] = found
    return [bool(f) for f in flags]


def with_drawn_text(tables: dict[str, pl.DataFrame], params: OcrParams) -> dict[str, pl.DataFrame]:
    """The tables with each desktop element's `text` set to its name (its first line) where the name is
    drawn, else null."""
    elements = tables["elements"]
    if elements.is_empty():
        return tables
    pngs = dict(
        tables["screenshots"]
        .filter(pl.col("screenshot_id").is_in(elements["screenshot_id"].unique().implode()))
        .select("screenshot_id", "png")
        .iter_rows()
    )
    flags = drawn_flags(elements, pngs, params.timeout_s)
    drawn = pl.Series("_drawn", flags, dtype=pl.Boolean)
    elements = (
        elements.with_columns(drawn)
        .with_columns(
            text=pl.when("_drawn")
            .then(pl.col("name").map_elements(first_line, return_dtype=pl.String))
            .otherwise(None)
        )
        .drop("_drawn")
    )
    return {**tables, "elements": elements}
