"""How many visible elements a phrase fits, read by the audit's own rules (no annotator code).

A phrase is read for the claims a person would check on the screen: a quoted name (or, unquoted, its
content words), a kind ("button", "link", "heading"...), a colour, a place on the screen, an order in
a row, or a neighbour in one direction. Every element of the screenshot that satisfies all claims fits;
elements nested in one another with the same name count as one visible thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from transforms.audit.colour import Colours
from transforms.audit.leads import claim
from transforms.audit.words import (
    ACTION_WORDS,
    ADDRESS_WORDS,
    COLOUR_WORDS,
    STOPWORDS,
    VOCABULARY,
    fold,
    tokens,
)

# Kind words and the ARIA roles they stand for (None: any role; "text": a non-interactive element).
KINDS = {
    "search field": {"searchbox"},
    "drop-down": {"combobox"},
    "menu item": {"menuitem", "menuitemcheckbox", "menuitemradio"},
    "button": {"button"},
    "link": {"link"},
    "field": {"textbox", "searchbox", "spinbutton"},
    "list": {"listbox"},
    "checkbox": {"checkbox"},
    "switch": {"switch"},
    "option": {"radio", "option"},
    "tab": {"tab"},
    "image": {"img", "image"},
    "heading": {"heading"},
    "icon": None,
    "text": None,
    "element": None,
}
_KIND = "|".join(sorted(map(re.escape, KINDS), key=len, reverse=True))
DIRECTIONS = ("right of", "left of", "above", "below")
ORDINAL_WORDS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
)
PLACES = {
    "top left": (0, 0),
    "top right": (0, 2),
    "bottom left": (2, 0),
    "bottom right": (2, 2),
    "top": (0, 1),
    "bottom": (2, 1),
    "left": (1, 0),
    "right": (1, 2),
    "centre": (1, 1),
}
# Symbols a phrase may name, and the characters that show them.
SYMBOLS = {
    "asterisk": "*",
    "number": "#",
    "right curly bracket": "}",
    "left curly bracket": "{",
    "comma": ",",
    "less-than": "<",
    "greater-than": ">",
    "quotation mark": "\"'“”",  # noqa: RUF001
    "magnifying glass": "🔍🔎",
    "shopping cart": "🛒",
    "check mark": "✓✔",
    "cross": "×✕✖",
    "menu": "☰≡",
    "arrow": "›»‹«→←",
    "plus": "+",
    "minus": "−",
    "more": "⋮⋯…",
    "star": "★☆",
    "heart": "♥❤",
    "bell": "🔔",
    "gear": "⚙",
}
_SYMBOL = re.compile(rf"with an? ({'|'.join(SYMBOLS)}) symbol")
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')  # noqa: RUF001
_FORM = re.compile(r'submits the "([^"]+)" form')
_PLACE = re.compile(
    r"\bin the (top left|top right|bottom left|bottom right|top|bottom|left|right|centre) of the screen\b"
)
_ORDER = re.compile(rf'\bthe ({"|".join(ORDINAL_WORDS)}) (?:"[^"]+" )?({_KIND})(?: "[^"]+")? from the left\b')


@dataclass
class Thing:
    """One element as the audit sees it."""

    element_id: str
    role: str
    interactive: bool
    label: str  # what a person reads on it: its text, else (for fields and icons) its accessible name
    wordless: bool
    box: tuple[float, float, float, float]
    text: str = ""
    form: str = ""  # the name of the form it belongs to, as the page names it
    bold: bool = False
    radius: float = 0.0
    leads: frozenset = frozenset()  # (kind, name) of the screens the captures show it leads to (leads.py)

    @property
    def centre(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2


def thing(row: dict, leads: frozenset = frozenset()) -> Thing:
    text = " ".join((row.get("text") or "").split())
    name = " ".join((row.get("name") or "").split())
    field = row["tag"] in ("input", "select", "textarea")
    wordless = not re.search(r"[^\W_]", text)
    label = name if field or wordless else text
    box = (row["x1"], row["y1"], row["x2"], row["y2"])
    return Thing(
        row["element_id"],
        row["role"],
        bool(row["interactive"]),
        label,
        wordless and not field,
        box,
        text=text,
        form=" ".join((row.get("form_name") or "").split()),
        bold=(row.get("font_weight") or 400) >= 600,
        radius=row.get("radius_ratio") or 0.0,
        leads=leads,
    )


@dataclass(frozen=True)
class Reading:
    name: str | None  # a quoted name, folded
    words: tuple[str, ...]  # else the content words that must all be in its label
    kind: str | None
    colour: str | None
    place: tuple[int, int] | None
    ordinal: int | None
    direction: str | None
    landmark: Reading | None
    bold: bool = False
    shape: str | None = None
    symbol: str | None = None
    form: str | None = None  # "the button that submits the "X" form": X names the form, not the button
    effect: tuple[str, str] | None = None  # ("page", "contact"): the screen it claims the control leads to


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": "'", "”": "'", '"': "'"})


def same_text(text: str) -> str:
    """Folded, spaces collapsed, every kind of quotation mark made one (a phrase quotes names in double
    quotes, so the names it quotes cannot hold them)."""
    return " ".join(fold(text).translate(_QUOTES).split())


_PURPOSE = re.compile(r"^the [\w -]+? (?:to|for|that \w+) (?P<rest>.+)$")
_FRAME = STOPWORDS | ACTION_WORDS | {"page", "section", "menu", "tab", "form"}


def _goal_words(text: str) -> tuple[str, ...]:
    """The words a goal ("Go to the pricing page") or a purpose ("the link to the pricing page") takes
    from what the control shows; none for a phrase of kind, look and place ("the blue button")."""
    plain = text.translate(_QUOTES).replace("'", " ")
    frame = _FRAME | (ADDRESS_WORDS if re.search(r"[^\W_]\.[^\W_]", plain) else frozenset())
    purpose = _PURPOSE.match(plain)
    if purpose:
        plain = purpose["rest"]
    elif plain.startswith("the "):
        return tuple(w for w in tokens(plain) if w not in STOPWORDS and w not in VOCABULARY)
    return tuple(w for w in tokens(plain) if w not in frame)


def _kind_of(text: str) -> str | None:
    outside = _QUOTED.sub(" ", text)
    found = [(m.start(), m.group(0)) for m in re.finditer(rf"\b(?:{_KIND})\b", outside)]
    return found[-1][1] if found else None


def read(phrase: str) -> Reading:
    text = " ".join(phrase.split())
    lower = text[:1].lower() + text[1:]
    if (said := claim(text)) is not None:  # a claim about another screen (leads.py): no landmark in it
        return replace(_head(lower, None, None), effect=said[:2])
    for direction in DIRECTIONS:
        at = _unquoted(lower, f" {direction} the ")
        if at is not None and lower[at:].partition(" the ")[2] != "screen":
            return _head(lower[:at], direction, read("the " + lower[at:].partition(" the ")[2]))
    return _head(lower, None, None)


def _unquoted(text: str, part: str) -> int | None:
    """Where `part` first occurs outside the names a phrase quotes ('the "Reply" link below the heading
    "Comments"'; not inside 'the "Read below the fold" link')."""
    start = 0
    while (at := text.find(part, start)) >= 0:
        before = text[:at]
        if before.count('"') % 2 == 0 and before.count("“") == before.count("”"):  # noqa: RUF001
            return at
        start = at + 1
    return None


def _head(text: str, direction: str | None, landmark: Reading | None) -> Reading:
    quoted = [a or b for a, b in _QUOTED.findall(text)]
    typed = re.match(r"(enter|type) ", text) is not None  # a goal typed into a field
    place = _PLACE.search(text)
    order = _ORDER.search(text)
    phrase = text.startswith("the ")  # a referring expression; else a goal, whose words are no claims of look
    purpose = _PURPOSE.match(text.translate(_QUOTES))
    # A purpose's object is a name ("the link to the Red Eye Removal page"): its words claim no look or kind.
    claims = text[: purpose.start("rest")] if purpose else text
    colour = (
        next((w for w in tokens(_QUOTED.sub(" ", claims)) if w in COLOUR_WORDS), None) if phrase else None
    )
    words = () if quoted else _goal_words(text)
    return Reading(
        name=same_text(quoted[-1]) if quoted else None,
        words=words,
        kind=(_kind_of(claims) if phrase else None) or ("field" if typed else None),
        colour={"grey": "gray"}.get(colour, colour),
        place=PLACES[place.group(1)] if place else None,
        ordinal=ORDINAL_WORDS.index(order.group(1)) + 1 if order else None,
        direction=direction,
        landmark=landmark,
        bold="bold" in tokens(_QUOTED.sub(" ", claims)),
        shape=next((w for w in ("round", "pill-shaped") if w in _QUOTED.sub(" ", text)), None),
        symbol=symbol.group(1) if (symbol := _SYMBOL.search(text)) else None,
        form=same_text(form.group(1)) if (form := _FORM.search(text)) else None,
    )


def _kind_fits(t: Thing, kind: str | None) -> bool:
    if kind is None:
        return True
    if kind == "element":  # a control with no role of its own
        return t.interactive and not any(t.role in roles for roles in KINDS.values() if roles)
    if kind == "icon":
        return t.interactive and t.wordless
    if kind == "text":
        return not t.interactive and t.role not in ("heading", "img", "image")
    return t.role in KINDS[kind]


def _name_fits(t: Thing, r: Reading) -> bool:
    if r.effect is not None and r.effect in t.leads:  # the captures show it leads to the screen named
        return True
    label = same_text(t.label)
    if r.form is not None:
        return same_text(t.form) == r.form
    if r.name is not None:
        return label == r.name or label.rstrip(" :*.…") == r.name
    if r.words:  # a goal or purpose in words: a control showing the same content words
        have = {w for w in tokens(t.label.translate(_QUOTES).replace("'", " ")) if w not in STOPWORDS}
        return t.interactive and set(r.words) <= have
    return True


def _shape(t: Thing) -> str | None:
    if t.radius < 0.4:
        return None
    aspect = (t.box[2] - t.box[0]) / max(t.box[3] - t.box[1], 1e-6)
    return "round" if 0.77 <= aspect <= 1.3 else "pill-shaped" if aspect >= 1.6 else None


def _looks(t: Thing, r: Reading) -> bool:
    return (
        (not r.bold or t.bold)
        and (r.shape is None or _shape(t) == r.shape)
        and (r.symbol is None or any(ch in t.text for ch in SYMBOLS[r.symbol]))
    )


def _cell(t: Thing, size: tuple[int, int]) -> tuple[int, int]:
    x, y = t.centre
    return min(2, max(0, int(3 * y / max(size[1], 1)))), min(2, max(0, int(3 * x / max(size[0], 1))))


def simple_fits(r: Reading, things: list[Thing], size: tuple[int, int], colours: Colours) -> list[Thing]:
    return [
        t
        for t in things
        if _kind_fits(t, r.kind)
        and _name_fits(t, r)
        and (r.place is None or _cell(t, size) == r.place)
        and _looks(t, r)
        and (r.colour is None or colours.shows(t.box, r.colour))
    ]


def _lines(things: list[Thing]) -> list[list[Thing]]:
    """Things in rows: a thing joins a row when its vertical centre is within half the row's height."""
    rows: list[list[Thing]] = []
    for t in sorted(things, key=lambda t: (t.centre[1], t.box[0])):
        if rows:
            ref = rows[-1][0]
            if abs(t.centre[1] - ref.centre[1]) <= max(4.0, (ref.box[3] - ref.box[1]) / 2):
                rows[-1].append(t)
                continue
        rows.append([t])
    return [sorted(row, key=lambda t: t.box[0]) for row in rows]


def _distance(t: Thing, mark: Thing, direction: str) -> float | None:
    (ax1, ay1, ax2, ay2), (bx1, by1, bx2, by2) = t.box, mark.box
    if direction in ("right of", "left of"):
        shared = min(ay2, by2) - max(ay1, by1)
        if shared < 0.3 * min(ay2 - ay1, by2 - by1):
            return None
        d = ax1 - bx2 if direction == "right of" else bx1 - ax2
    else:
        shared = min(ax2, bx2) - max(ax1, bx1)
        if shared < 0.3 * min(ax2 - ax1, bx2 - bx1):
            return None
        d = ay1 - by2 if direction == "below" else by1 - ay2
    return d if d >= -1 else None


def _distinct(found: list[Thing]) -> list[Thing]:
    """One thing per visible element: a thing inside another that carries the same name is the same."""
    kept: list[Thing] = []
    for t in sorted(found, key=lambda t: -(t.box[2] - t.box[0]) * (t.box[3] - t.box[1])):
        if not any(_inside(t.box, k.box) and fold(t.label) == fold(k.label) for k in kept):
            kept.append(t)
    return kept


def _inside(a: tuple, b: tuple, slack: float = 2.0) -> bool:
    return a[0] >= b[0] - slack and a[1] >= b[1] - slack and a[2] <= b[2] + slack and a[3] <= b[3] + slack


def _exact(r: Reading, found: list[Thing]) -> list[Thing]:
    """Of the controls whose words include a goal's, those showing just its words, where there are any:
    a person picks "View all" over "View all videos"."""
    if not r.words or any(r.effect in t.leads for t in found):  # a destination is no word it shows
        return found
    just = [
        t
        for t in found
        if {w for w in tokens(t.label.translate(_QUOTES).replace("'", " "))} - _FRAME == set(r.words)
    ]
    return just or found


def fits(r: Reading, things: list[Thing], size: tuple[int, int], colours: Colours) -> list[Thing]:
    """The distinct visible elements the reading fits."""
    found = _exact(r, _distinct(simple_fits(r, things, size, colours)))
    if r.direction and r.landmark:
        marks = fits(r.landmark, things, size, colours)
        if len(marks) != 1:
            return found if marks else []
        near = [
            (d, t)
            for t in found
            if t is not marks[0] and (d := _distance(t, marks[0], r.direction)) is not None
        ]
        best = min((d for d, _ in near), default=None)
        return [t for d, t in near if d <= best + 1] if near else []
    if r.kind == "text" and r.name is None and not r.words:
        return found  # where one piece of text ends and the next begins does not show: no order to count
    if r.ordinal:
        return [row[r.ordinal - 1] for row in _lines(found) if len(row) >= max(2, r.ordinal)]
    return found


def says_action(phrase: str) -> bool:
    first = tokens(phrase)[:1]
    return bool(first) and first[0] in ACTION_WORDS
