"""What a person can say about each element on a screenshot: its name, kind, look, place and purpose.

Everything the phrase generator writes and the verifier checks is computed here, from the element rows
and the screenshot's pixels, so both sides reason about the same facts.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import polars as pl

from transforms.annotate.item import Item
from transforms.annotate.labels import ROLE_NOUN, with_labels
from transforms.annotate.pixels import box_colours
from transforms.annotate.purpose import _thing, function_of, goal_of, words_of

REGIONS = ("top left", "top", "top right", "left", "centre", "right", "bottom left", "bottom", "bottom right")
SMALL_AREA, LARGE_AREA = 0.0015, 0.03  # share of the screenshot: below is "small", above "large"
ROUND_RATIO = 0.4  # corner radius / shorter side at which a box reads as round
GLYPH_NAMES = {
    "×": "cross",
    "✕": "cross",
    "✖": "cross",
    "☰": "menu",
    "≡": "menu",
    "›": "arrow",
    "»": "arrow",
    "‹": "arrow",
    "«": "arrow",
    "→": "arrow",
    "←": "arrow",
    "+": "plus",
    "−": "minus",
    "⋮": "more",
    "⋯": "more",
    "…": "more",
    "★": "star",
    "☆": "star",
    "♥": "heart",
    "❤": "heart",
    "🔍": "magnifying glass",
    "🔎": "magnifying glass",
    "🔔": "bell",
    "🛒": "shopping cart",
    "⚙": "gear",
    "✓": "check mark",
    "✔": "check mark",
}


def noun_of(role: str, interactive: bool) -> str:
    return ROLE_NOUN.get(role) or ("element" if interactive else "text")


def region_of(box: tuple[float, float, float, float], image: tuple[int, int]) -> str:
    """The cell of a 3 x 3 grid over the screenshot that holds the box centre."""
    col = min(2, int(3 * ((box[0] + box[2]) / 2) / max(image[0], 1)))
    row = min(2, int(3 * ((box[1] + box[3]) / 2) / max(image[1], 1)))
    return REGIONS[3 * max(row, 0) + max(col, 0)]


def shape_of(radius_ratio: float | None, box: tuple[float, float, float, float]) -> str | None:
    if not radius_ratio or radius_ratio < ROUND_RATIO:
        return None
    aspect = (box[2] - box[0]) / max(box[3] - box[1], 1e-6)
    if 0.77 <= aspect <= 1.3:
        return "round"
    return "pill-shaped" if aspect >= 1.6 else None


def size_of(box: tuple[float, float, float, float], image: tuple[int, int]) -> str | None:
    share = (box[2] - box[0]) * (box[3] - box[1]) / max(image[0] * image[1], 1)
    return "small" if share < SMALL_AREA else "large" if share > LARGE_AREA else None


def glyph_of(text: str | None) -> str | None:
    """A name for the symbol an icon shows ("🔔" -> "bell"), from its visible text: only the symbols of
    GLYPH_NAMES, whose names a person uses."""
    for ch in (text or "").strip():
        if ch.isspace() or unicodedata.category(ch) in ("Mn", "Cf"):
            continue
        return GLYPH_NAMES.get(ch)
    return None


def shown_words(row: dict) -> list[str]:
    """The words an element shows: its rendered text; a button input's value; an empty field's
    placeholder."""
    words = words_of(row.get("text") or "")
    if row["tag"] == "input" and row.get("input_type") in ("submit", "button", "reset"):
        words += words_of(row.get("name") or "")
    if row.get("placeholder"):
        words += words_of(row["placeholder"])
    return words


def clear_centre(items: list[Item]) -> None:
    """A centre that also lies on another control (one that is not the element's ancestor) is not a
    clean hit: a click there may go to that control."""
    controls = [i for i in items if i.interactive]
    if not controls:
        return
    boxes = np.array([c.box for c in controls], dtype=np.float64)
    for item in items:
        if not item.center_hit:
            continue
        cx, cy = (item.x1 + item.x2) / 2, (item.y1 + item.y2) / 2
        under = np.nonzero(
            (boxes[:, 0] <= cx) & (boxes[:, 2] >= cx) & (boxes[:, 1] <= cy) & (boxes[:, 3] >= cy)
        )[0]
        path = item.row.get("css_path") or ""
        for k in under:
            other = controls[k]
            if other is not item and not path.startswith((other.row.get("css_path") or "") + ">"):
                item.center_hit = False
                break


def build_items(
    elements: pl.DataFrame, screenshots: pl.DataFrame, effects: dict | None = None
) -> dict[str, list[Item]]:
    """Items per screenshot id, in element order. `screenshots` needs screenshot_id, width, height and,
    for colours, png; `effects` ({element id: (kind, name)}, `effects.observed_effects`) what exploration
    saw controls do, which their function and goal then say."""
    labelled = with_labels(elements).sort("screenshot_id", "element_index")
    shots = {r["screenshot_id"]: r for r in screenshots.iter_rows(named=True)}
    screens: dict[str, list[Item]] = {}
    for row in labelled.iter_rows(named=True):
        shot = shots.get(row["screenshot_id"])
        if shot is None:
            continue
        box = (row["x1"], row["y1"], row["x2"], row["y2"])
        image = (shot["width"], shot["height"])
        item = Item(
            element_id=row["element_id"],
            screenshot_id=row["screenshot_id"],
            capture_id=row["capture_id"],
            source_id=row["source_id"],
            part_index=row["part_index"] or 0,
            role=row["role"],
            tag=row["tag"],
            label=row["label"],
            key=row["label_key"],
            noun=noun_of(row["role"], row["interactive"]),
            is_icon=row["is_icon"],
            interactive=row["interactive"],
            center_hit=row["center_hit"],
            box=box,
            image=image,
            shape=shape_of(row.get("radius_ratio"), box),
            size=size_of(box, image),
            weight="bold" if (row.get("font_weight") or 400) >= 600 else None,
            glyph=glyph_of(row["text"]) if row["is_icon"] else None,
            region=region_of(box, image),
            effect=(effects or {}).get(row["element_id"]),
            row=row,
        )
        screens.setdefault(item.screenshot_id, []).append(item)
    for items in screens.values():
        seen = frozenset(w for i in items for w in shown_words(i.row))
        clear_centre(items)
        for item in items:
            item.seen = seen
            item.thing = _thing(item)
            item.function, item.goal = function_of(item), goal_of(item)
    for screenshot_id, items in screens.items():
        png = shots[screenshot_id].get("png")
        if png:
            for item, (colour, blank) in zip(items, box_colours(png, [i.box for i in items])):
                item.colour, item.blank = colour, blank
    return screens
