"""Which on-screen elements does a phrase refer to? Read from the phrase's own words, not its generator.

`parse` turns a referring expression or an instruction into claims (quoted name, kind, colour, shape,
size, weight, symbol, screen region, a landmark and a relation, an ordinal, a function or a goal); `matches`
keeps the items of a screenshot that satisfy every claim. Phrases from any annotator go through the
same reading: template phrases follow the grammar below exactly, and free text from a model is read
for whatever claims it makes in the same vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.annotate.features import REGIONS, Item
from transforms.annotate.labels import ROLE_NOUN
from transforms.annotate.pixels import COLOUR_NAMES

NOUNS = sorted({*ROLE_NOUN.values(), "icon", "text", "element"}, key=len, reverse=True)
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
RELATIONS = ("right of", "left of", "above", "below")
_N = "|".join(map(re.escape, NOUNS))
_COLOURS = "|".join(COLOUR_NAMES)
_REGIONS = "|".join(sorted(REGIONS, key=len, reverse=True))
_NAMED = (
    rf'(?:"(?P<{{0}}>[^"]+)" (?P<{{0}}_noun>{_N})|heading "(?P<{{0}}_h>[^"]+)"|text "(?P<{{0}}_t>[^"]+)")'
)

TEXT = re.compile(rf"^the {_NAMED.format('label')}$")
# A name shared on screen, told apart by the screen region or the order in its row.
NAMED_REGION = re.compile(rf"^the {_NAMED.format('label')} in the (?P<region>{_REGIONS}) of the screen$")
NAMED_ORDINAL = re.compile(rf"^the (?P<ord>{'|'.join(ORDINALS)}) {_NAMED.format('label')} from the left$")
RELATION = re.compile(
    rf'^the (?:"(?P<name>[^"]+)" )?(?P<noun>{_N}) (?P<rel>{"|".join(RELATIONS)}) the {_NAMED.format("mark")}$'
)
ORDINAL = re.compile(rf"^the (?P<ord>{'|'.join(ORDINALS)}) (?P<noun>{_N}) from the left$")
REGION = re.compile(rf"^the (?P<noun>{_N}) in the (?P<region>{_REGIONS}) of the screen$")
FUNCTION = re.compile(
    r"^the (?:field for the |drop-down for choosing the |(?:checkbox|switch|option) for "
    r"|link to |button that submits |(?:button|menu item) that opens ).+$"
)
APPEARANCE = re.compile(
    rf"^the (?:(?P<size>large|small) )?(?:(?P<weight>bold) )?(?:(?P<colour>{_COLOURS}) )?"
    rf"(?:(?P<shape>round|pill-shaped) )?(?:\"(?P<label>[^\"]+)\" )?"
    rf"(?P<noun>{_N})(?: with an? (?P<glyph>.+) symbol)?$"
)
# An icon-only desktop control's purpose by its accessible name, unquoted: "the redo button" (buttons and
# menu items only: "Open the day tab" is a goal).
SPOKEN_FUNCTION = re.compile(r"^the [^\W\d_]+(?:[ '-][^\W\d_]+){0,3} (?:button|menu item)$")
# Instructions: an action verb before a referring expression, an intent before an instruction, or a goal.
EXPLICIT = re.compile(r"^To (?P<goal>[^,]+), (?P<rest>.+)$")
TYPED = re.compile(r'^Type "(?P<value>[^"]*)" into (?P<np>the .+)$')
SELECTED = re.compile(r'^Select "(?P<value>[^"]*)" in (?P<np>the .+)$')
SCROLL = re.compile(r"^Scroll (?:down|up) to (?P<np>the .+)$")
VERB = re.compile(r"^(?:Click|Tick|Toggle|Choose|Open|Hover over) (?P<np>the .+)$")
# Instructions that start so name their target; a goal ("Choose the country", "Open the help tab") does not.
NOT_GOALS = ("Click ", "Tick ", "Toggle ", "Hover over ", "Type ", 'Select "', "Scroll ")
ENTER = re.compile(r'^Enter "(?P<value>[^"]*)" as your (?P<thing>.+)$')
CHOOSE = re.compile(r'^Choose "(?P<value>[^"]*)" as the (?P<what>.+)$')


def norm(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Claims:
    """What a phrase says about its target; None means the phrase says nothing about that."""

    label: str | None = None
    noun: str | None = None
    colour: str | None = None
    shape: str | None = None
    size: str | None = None
    weight: str | None = None
    glyph: str | None = None
    region: str | None = None
    relation: str | None = None
    landmark: Claims | None = None
    ordinal: int | None = None
    function: str | None = None
    goal: str | None = None
    strict: bool = True  # the phrase followed the grammar exactly

    @property
    def empty(self) -> bool:
        return all(
            getattr(self, f) is None for f in self.__dataclass_fields__ if f not in ("strict", "landmark")
        )

    def __and__(self, other: Claims) -> Claims:
        merged = {
            f: getattr(self, f) if getattr(self, f) is not None else getattr(other, f)
            for f in self.__dataclass_fields__
            if f != "strict"
        }
        return Claims(**merged, strict=self.strict and other.strict)


def _named(m: re.Match, group: str) -> Claims:
    if m.group(f"{group}_h"):
        return Claims(label=norm(m.group(f"{group}_h")), noun="heading")
    if m.group(f"{group}_t"):
        return Claims(label=norm(m.group(f"{group}_t")), noun="text")
    return Claims(label=norm(m.group(group)), noun=m.group(f"{group}_noun"))


def parse_expression(text: str) -> Claims | None:
    """Claims of a referring expression in the template grammar, or None when it does not follow it."""
    text = " ".join(text.split())
    if m := RELATION.match(text):
        name = norm(m["name"]) if m["name"] else None
        return Claims(label=name, noun=m["noun"], relation=m["rel"], landmark=_named(m, "mark"))
    if m := TEXT.match(text):
        return _named(m, "label")
    if m := NAMED_REGION.match(text):
        return _named(m, "label") & Claims(region=m["region"])
    if m := NAMED_ORDINAL.match(text):
        return _named(m, "label") & Claims(ordinal=ORDINALS.index(m["ord"]) + 1)
    if m := ORDINAL.match(text):
        return Claims(noun=m["noun"], ordinal=ORDINALS.index(m["ord"]) + 1)
    if m := REGION.match(text):
        return Claims(noun=m["noun"], region=m["region"])
    if FUNCTION.match(text):
        return Claims(function=norm(text))
    if (m := APPEARANCE.match(text)) is None and SPOKEN_FUNCTION.match(text):
        return Claims(function=norm(text))
    if m:
        return Claims(
            label=norm(m["label"]) if m["label"] else None,
            noun=m["noun"],
            colour=m["colour"],
            shape=m["shape"],
            size=m["size"],
            glyph=m["glyph"],
            weight=m["weight"],
        )
    return None


def _loose(text: str) -> Claims:
    """Claims read from free text: quoted names, kind words, colours and regions it mentions."""
    lower = norm(text)
    quoted = re.findall(r'["“]([^"”]+)["”]', text)
    words = set(re.findall(r"[a-z\-]+", lower))
    noun = next((n for n in NOUNS if re.search(rf"\b{re.escape(n)}\b", lower)), None)
    region = next(
        (
            r
            for r in sorted(REGIONS, key=len, reverse=True)
            if f"{r} of the screen" in lower or f"{r} corner" in lower
        ),
        None,
    )
    return Claims(
        label=norm(quoted[-1]) if quoted else None,
        noun=noun,
        colour=next((c for c in COLOUR_NAMES if c in words), None),
        region=region,
        strict=False,
    )


def parse(text: str) -> Claims:
    """Claims of a referring expression or an instruction, strict where it follows the grammar."""
    text = " ".join(text.split())
    if m := EXPLICIT.match(text):
        rest = m["rest"][:1].upper() + m["rest"][1:]
        return Claims(goal=norm(m["goal"])) & parse(rest)
    acted = next((m for pattern in (TYPED, SELECTED, SCROLL, VERB) if (m := pattern.match(text))), None)
    if acted and (claims := parse_expression(acted["np"])) is not None:
        return claims
    if claims := parse_expression(text):
        return claims
    if m := ENTER.match(text):
        return Claims(goal=f"enter your {norm(m['thing'])}")
    if m := CHOOSE.match(text):
        return Claims(goal=f"choose the {norm(m['what'])}")
    goal_like = re.fullmatch(r"[A-Z][^\"“”,]*", text) and len(text.split()) <= 12
    if goal_like and not text.startswith(NOT_GOALS):
        return Claims(goal=norm(text).rstrip("."))
    return _loose(text)


class Screen:
    """The items of one screenshot, indexed by what phrases name them by."""

    def __init__(self, items: list[Item]):
        self.items = items
        self.by_key: dict[str, list[Item]] = {}
        self.by_word: dict[str, list[Item]] = {}
        for item in items:
            self.by_key.setdefault(item.key, []).append(item)
            self.by_word.setdefault(item.noun, []).append(item)
            if item.kind == "icon":
                self.by_word.setdefault("icon", []).append(item)

    def candidates(self, c: Claims) -> list[Item]:
        if c.label is not None:
            return self.by_key.get(c.label, [])
        if c.noun is not None:
            return self.by_word.get(c.noun, [])
        return self.items


def _is(item: Item, noun: str) -> bool:
    return item.kind == "icon" if noun == "icon" else item.noun == noun


def _simple(item: Item, c: Claims) -> bool:
    return (
        (c.label is None or item.key == c.label)
        and (c.noun is None or _is(item, c.noun))
        and (c.colour is None or item.colour == c.colour)
        and (c.shape is None or item.shape == c.shape)
        and (c.size is None or item.size == c.size)
        and (c.weight is None or item.weight == c.weight)
        and (c.glyph is None or item.glyph == c.glyph)
        and (c.region is None or item.region == c.region)
        and (c.function is None or (item.function is not None and norm(item.function) == c.function))
        and (c.goal is None or (item.goal is not None and norm(item.goal) == c.goal))
    )


def _overlap(a1: float, a2: float, b1: float, b2: float) -> float:
    return min(a2, b2) - max(a1, b1)


def gap(item: Item, mark: Item, relation: str) -> float | None:
    """How far `item` lies from `mark` in `relation`, or None when it does not lie that way (it must
    share a line with the mark: rows for left/right, columns for above/below)."""
    if relation in ("right of", "left of"):
        if _overlap(item.y1, item.y2, mark.y1, mark.y2) < 0.3 * min(item.y2 - item.y1, mark.y2 - mark.y1):
            return None
        d = item.x1 - mark.x2 if relation == "right of" else mark.x1 - item.x2
    else:
        if _overlap(item.x1, item.x2, mark.x1, mark.x2) < 0.3 * min(item.x2 - item.x1, mark.x2 - mark.x1):
            return None
        d = item.y1 - mark.y2 if relation == "below" else mark.y1 - item.y2
    return d if d >= -1 else None


def rows_of(items: list[Item]) -> list[list[Item]]:
    """Items grouped into rows by their vertical centre, each row left to right. Items with the box of
    an earlier item are left out (a duplicate, which curation removes, must not shift the ordinals)."""
    rows: list[list[Item]] = []
    seen: set[tuple[float, float, float, float]] = set()
    for item in sorted(items, key=lambda i: (i.yc, i.x1, i.row.get("element_index") or 0)):
        if item.box in seen:
            continue
        seen.add(item.box)
        if rows and abs(item.yc - rows[-1][0].yc) <= max(4.0, 0.5 * (rows[-1][0].y2 - rows[-1][0].y1)):
            rows[-1].append(item)
        else:
            rows.append([item])
    return [sorted(r, key=lambda i: i.x1) for r in rows]


def matches(claims: Claims, screen: Screen) -> list[Item]:
    """The items of one screenshot that satisfy every claim (the nearest ones for a relation)."""
    found = [i for i in screen.candidates(claims) if _simple(i, claims)]
    if claims.relation and claims.landmark:
        marks = [i for i in screen.candidates(claims.landmark) if _simple(i, claims.landmark)]
        if len(marks) != 1:
            return found if marks else []
        mark = marks[0]
        near = [(d, i) for i in found if i is not mark and (d := gap(i, mark, claims.relation)) is not None]
        if not near:
            return []
        best = min(d for d, _ in near)
        return [i for d, i in near if d <= best + 1]
    if claims.ordinal:
        return [row[claims.ordinal - 1] for row in rows_of(found) if len(row) >= max(2, claims.ordinal)]
    return found
