"""What a person can say about each element on a screenshot: its name, kind, look, place and purpose.

Everything the phrase generator writes and the verifier checks is computed here, from the element rows
and the screenshot's pixels, so both sides reason about the same facts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import polars as pl

from transforms.annotate.labels import ROLE_NOUN, with_labels
from transforms.annotate.pixels import box_colours

REGIONS = ("top left", "top", "top right", "left", "centre", "right", "bottom left", "bottom", "bottom right")
SMALL_AREA, LARGE_AREA = 0.0015, 0.03  # share of the screenshot: below is "small", above "large"
ROUND_RATIO = 0.4  # corner radius / shorter side at which a box reads as round
FIELD_NOUNS = {"field", "search field"}
# What a typed field asks for, by its input type.
FIELD_THINGS = {
    "email": "e-mail address",
    "password": "password",
    "tel": "phone number",
    "url": "web address",
    "date": "date",
    "search": "search query",
    "number": "number",
    "time": "time",
}
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
# First words that make a control's label read as an action ("Sign in", "Add to cart").
ACTION_VERBS = frozenset(
    """
accept add apply back book buy cancel change checkout choose clear close compare confirm contact continue copy
create decline delete disable download edit enable export filter find follow get go hide import install invite
join learn load log login logout manage next open order pay play post preview print publish read register
reject remove rename reply report request reset retry save search see select send share shop show sign skip
sort start
submit subscribe try undo unsubscribe update upgrade upload verify view visit watch
""".split()
)


@dataclass
class Item:
    """One element on one screenshot, with everything the phrases can refer to."""

    element_id: str
    screenshot_id: str
    capture_id: str
    source_id: str
    part_index: int
    role: str
    tag: str
    label: str
    key: str
    noun: str
    is_icon: bool
    interactive: bool
    center_hit: bool
    box: tuple[float, float, float, float]
    image: tuple[int, int]
    colour: str | None = None
    shape: str | None = None
    size: str | None = None
    weight: str | None = None
    glyph: str | None = None
    region: str = "centre"
    function: str | None = None
    goal: str | None = None
    thing: str | None = None
    row: dict = field(default_factory=dict, repr=False)

    @property
    def x1(self) -> float:
        return self.box[0]

    @property
    def y1(self) -> float:
        return self.box[1]

    @property
    def x2(self) -> float:
        return self.box[2]

    @property
    def y2(self) -> float:
        return self.box[3]

    @property
    def yc(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    @property
    def kind(self) -> str:
        """The word for it when its look matters: an interactive element without text is an icon."""
        return (
            "icon"
            if self.is_icon and self.interactive and self.noun in ("button", "link", "element")
            else self.noun
        )


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
    """A name for the symbol an icon shows ("🔔" -> "bell"), from its visible text."""
    for ch in (text or "").strip():
        if ch.isspace() or unicodedata.category(ch) in ("Mn", "Cf"):
            continue
        if ch in GLYPH_NAMES:
            return GLYPH_NAMES[ch]
        name = unicodedata.name(ch, "").lower()
        name = re.sub(r"\b(black|white|heavy|sign|symbol|emoji|medium|small|large)\b", " ", name)
        name = " ".join(name.split())
        return name if name and len(name) <= 30 and not name.startswith(("cjk", "latin")) else None
    return None


def _plain(label: str) -> str:
    return label.strip().rstrip(":*.…").strip().lower()


def _short(text: str | None) -> bool:
    """Short enough to sit inside a phrase: at most 40 characters and 6 words."""
    return bool(text) and len(text) <= 40 and len(text.split()) <= 6


def _page_words(segment: str) -> str | None:
    words = re.sub(r"\.(html?|php|aspx?|jsp)$", "", segment, flags=re.IGNORECASE)
    words = " ".join(re.sub(r"[-_+%20]+", " ", words).split()).lower()
    if not words or len(words) > 40 or not re.fullmatch(r"[a-z][a-z ]*", words):
        return None
    return words


def link_target(href: str | None) -> str | None:
    """Where a link leads, in words: 'the pricing page', 'the comments section', 'example.org'."""
    if not href:
        return None
    if href.startswith("#"):
        words = _page_words(href[1:])
        return f"the {words} section" if words else None
    if href.startswith("mailto:"):
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    segments = [s for s in parts.path.split("/") if s]
    if segments:
        words = _page_words(segments[-1])
        return None if words in (None, "index") else f"the {words} page"
    if parts.netloc:
        return parts.netloc.lower().removeprefix("www.")
    return "the home page" if parts.path == "/" else None


def is_submit(item: Item) -> bool:
    return item.row.get("input_type") == "submit" and bool(item.row.get("form_name"))


def function_of(item: Item) -> str | None:
    """What the control is for, without its visible name where possible."""
    if not item.interactive or not _short(item.label):
        return None
    if item.noun in FIELD_NOUNS or item.tag == "textarea":
        return f"the field for the {item.thing}"
    if item.noun == "drop-down" and item.tag == "select":
        return f"the drop-down for choosing the {_plain(item.label)}"
    if item.noun in ("checkbox", "switch", "option"):
        return f"the {item.noun} for {_plain(item.label)}"
    if item.noun == "link":
        target = link_target(item.row.get("href"))
        return f"the link to {target}" if target else None
    if item.noun == "button":
        if is_submit(item) and _short(item.row["form_name"]):
            return f'the button that submits the "{item.row["form_name"]}" form'
        if item.row.get("has_popup"):
            return f'the button that opens the "{item.label}" menu'
    return None


def goal_of(item: Item) -> str | None:
    """The user goal that using the control serves, in lower case ('sign in', 'enter your e-mail address')."""
    if not item.interactive or not _short(item.label):
        return None
    plain = _plain(item.label)
    if item.noun in FIELD_NOUNS or item.tag == "textarea":
        return f"enter your {item.thing}"
    if item.noun == "drop-down" and item.tag == "select":
        return f"choose the {plain}"
    if item.noun in ("checkbox", "switch"):
        return f"turn on {plain}"
    if item.noun == "tab":
        return f"open the {plain} tab"
    first = plain.split(" ", 1)[0]
    if item.noun in ("button", "link", "menu item") and first in ACTION_VERBS and len(plain.split()) <= 6:
        return plain.rstrip(".!?…")
    target = link_target(item.row.get("href")) if item.noun == "link" else None
    if target and target.startswith("the ") and target.endswith(" page"):
        return f"go to {target}"
    if item.noun == "button" and item.row.get("has_popup"):
        return f"open the {plain} menu"
    if item.noun == "button" and is_submit(item) and _short(item.row["form_name"]):
        return f"submit the {item.row['form_name'].lower()} form"
    return None


def _thing(row: dict, label: str) -> str:
    return FIELD_THINGS.get(row.get("input_type") or "") or _plain(label) or "text"


def build_items(elements: pl.DataFrame, screenshots: pl.DataFrame) -> dict[str, list[Item]]:
    """Items per screenshot id, in element order. `screenshots` needs screenshot_id, width, height and,
    for colours, png."""
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
            row=row,
        )
        item.thing = _thing(row, item.label)
        item.function, item.goal = function_of(item), goal_of(item)
        screens.setdefault(item.screenshot_id, []).append(item)
    for screenshot_id, items in screens.items():
        png = shots[screenshot_id].get("png")
        if png:
            for item, colour in zip(items, box_colours(png, [i.box for i in items])):
                item.colour = colour
    return screens
