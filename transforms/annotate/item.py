"""One element on one screenshot, with everything the phrases can refer to (`features.build_items`
fills it; `purpose` reads it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.annotate.labels import DESKTOP_FIELD_ROLES
from transforms.mojibake import mojibake

MIN_SIDE = 8  # pixels: a box less high than this shows nothing a person could read
MIN_VISIBLE = 0.95  # share of the box not clipped or covered
# An icon's accessible name said as words: letters, at most 4 words, no path, number or file name.
SPOKEN = re.compile(r"[^\W\d_]+(?:[ '-][^\W\d_]+){0,3}")
SPOKEN_CHARS = 30


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
    effect: tuple[str, str] | None = None  # what exploration saw it do: ("dialog" | "page", its name)
    blank: bool = False  # its box shows nothing (one flat colour)
    seen: frozenset[str] = frozenset()  # every word shown on its screenshot (its elements' rendered text)
    function_skip: str = "no_function"  # why there is no function phrase, when there is none
    goal_skip: str = "no_goal"
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
    def whole(self) -> bool:
        """Wholly in view and big enough to see: not cut by the bottom of the screenshot (or by its top,
        on a slice further down the page), at least MIN_SIDE pixels high, its visible share near 1, and
        its box not one flat colour."""
        height = self.image[1]
        cut = self.y2 >= height - 1 or (self.part_index > 0 and self.y1 <= 1)
        small = self.y2 - self.y1 < MIN_SIDE or self.x2 - self.x1 < MIN_SIDE / 2
        shown = (self.row.get("visible_ratio") or 1.0) >= MIN_VISIBLE and not self.blank
        return not cut and not small and shown

    @property
    def shown(self) -> bool:
        """Its label is on the screen: its own text, or (a form field) a name whose words are shown."""
        if not self.key or mojibake(self.label):
            return False
        if self.is_icon:
            return False
        field = self.tag in ("input", "select", "textarea") or (
            self.row.get("states") is not None and self.role in DESKTOP_FIELD_ROLES
        )
        return not field or on_screen(self, self.label)

    @property
    def spoken(self) -> bool:
        """An icon-only desktop control whose accessible name is a name (not drawn, so never quoted): it
        may serve, unquoted, in the function and intent perspectives ('the redo button', 'Redo')."""
        desktop = self.row.get("states") is not None  # AT-SPI elements carry their states
        return (
            desktop
            and self.is_icon
            and self.interactive
            and self.noun in ("button", "menu item")
            and bool(SPOKEN.fullmatch(self.label))
            and len(self.label) <= SPOKEN_CHARS
            and not mojibake(self.label)
        )

    @property
    def kind(self) -> str:
        """The word for it when its look matters: an interactive element without text is an icon."""
        return (
            "icon"
            if self.is_icon and self.interactive and self.noun in ("button", "link", "element")
            else self.noun
        )


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def on_screen(item: Item, text: str | None) -> bool:
    """Every word of `text` is shown somewhere on the item's screenshot."""
    words = words_of(text or "")
    return bool(words) and all(w in item.seen for w in words)
