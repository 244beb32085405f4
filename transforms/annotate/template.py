"""The template annotator: deterministic phrases from five perspectives, each chosen to be unique.

For appearance and spatial phrases it adds attributes, or tries landmarks, an ordinal and the screen
region, until the phrase picks out one element (checked with the same reading the verifier uses), in
the way of the incremental algorithm for referring expressions. When nothing makes a phrase unique the
fullest one is still emitted; verification then flags it as ambiguous and curation keeps it out.
"""

from __future__ import annotations

from collections import Counter

from schemas.config import AnnotateParams
from transforms.annotate.features import Item
from transforms.annotate.match import (
    ORDINALS,
    RELATIONS,
    Claims,
    Screen,
    gap,
    matches,
    parse_expression,
    rows_of,
)
from transforms.annotate.phrases import (
    VARIANTS,
    Action,
    Phrase,
    Skip,
    action_of,
    implicit_instruction,
    text_np,
)
from transforms.mojibake import mojibake

LANDMARK_REACH = 0.25  # a landmark may lie at most this share of the screen's width (height) away
LANDMARK_CHARS = 40  # and be named in at most this many characters
# Twins are placed first by what people read before them: the heading or text above, the row's label left.
TWIN_RELATIONS = ("below", "right of", "above", "left of")
NAMED_LOOK_CHARS = 30  # a name said with a look ('the blue "Sign in" button') is at most this long


def _appearance_text(kind: str, a: dict) -> str:
    words = [a.get("size"), a.get("weight"), a.get("colour"), a.get("shape"), kind]
    np = "the " + " ".join(w for w in words if w)
    if a.get("glyph"):
        article = "an" if a["glyph"][0] in "aeiou" else "a"
        np += f" with {article} {a['glyph']} symbol"
    return np


def appearance_np(item: Item, screen: Screen) -> str:
    """Kind plus the fewest of colour, shape, symbol, weight and size that rule out the look-alikes;
    a reason instead when no combination picks it out alone."""
    kind = item.kind
    chosen: dict = {}
    left = len(matches(Claims(noun=kind), screen))
    for name in ("colour", "shape", "glyph", "weight"):
        value = getattr(item, name)
        if value is None or left <= 1:
            continue
        trial = {**chosen, name: value}
        n = len(matches(Claims(noun=kind, **trial), screen))
        if n < left:
            chosen, left = trial, n
    if left > 1:
        return _named_look(item, screen) or f"look_shared: with {left - 1} other {kind} element(s) on screen"
    if not chosen:  # the kind alone is unique: still say what it looks like
        name = next((n for n in ("colour", "shape", "glyph", "weight") if getattr(item, n)), None)
        if name is None:
            return "nothing_distinctive: no colour, shape, symbol or weight"
        chosen = {name: getattr(item, name)}
    return _appearance_text(kind, chosen)


def _named_look(item: Item, screen: Screen) -> str | None:
    """A control whose look it shares with others, by its colour and the name it shows ('the blue
    "Sign in" button'), when that picks it out alone."""
    if not (item.interactive and item.colour and item.shown and item.noun not in ("heading", "text")):
        return None
    if len(item.label) > NAMED_LOOK_CHARS or '"' in item.label:
        return None
    np = f'the {item.colour} "{item.label}" {item.noun}'
    return np if matches(parse_expression(np) or Claims(), screen) == [item] else None


class TemplateAnnotator:
    name = "template"

    def __init__(self, params: AnnotateParams):
        self.params = params

    def annotate(self, screen: Screen, png: bytes | None) -> tuple[list[Phrase], list[Skip]]:
        unique = Counter((i.key, i.noun) for i in screen.items if i.key)
        marks = [
            i
            for i in screen.items
            if i.shown and i.whole and unique[(i.key, i.noun)] == 1 and len(i.label) <= LANDMARK_CHARS
        ]
        phrases, skips = [], []
        for item in screen.items:
            made = self._item(item, screen, marks)
            tables = ("grounding", "instructions") if item.interactive else ("grounding",)
            for table in tables:
                for variant in VARIANTS[table]:
                    got = made.get((table, variant))
                    if isinstance(got, Phrase):
                        phrases.append(got)
                    else:
                        skips.append(Skip(item, table, variant, got or f"no_function: no {variant} phrase"))
        return phrases, skips

    def _item(self, item: Item, screen: Screen, marks: list[Item]) -> dict[tuple[str, str], Phrase | str]:
        """Per (table, variant): the phrase for this element, or the reason there is none."""
        if not item.center_hit or not item.whole:
            reason = (
                "not_visible: cut off, too small to read, or showing nothing"
                if item.center_hit
                else "centre_not_hit: covered, or on another control"
            )
            return {(t, v): reason for t, vs in VARIANTS.items() for v in vs}
        named = bool(item.key) and len(item.label) <= self.params.max_text_chars and item.shown
        unnamed = (
            "no_name"
            if not item.key
            else "mojibake"
            if mojibake(item.label)
            else "not_visible: its name is not shown"
            if not item.shown
            else f"too_long: text longer than {self.params.max_text_chars} characters"
        )
        nps = {
            "text": unique_text_np(item, screen, marks) if named else unnamed,
            "appearance": appearance_np(item, screen),
            "function": (item.function or item.function_skip) if named or item.spoken else unnamed,
            "spatial": spatial_np(item, screen, marks),
        }
        out: dict[tuple[str, str], Phrase | str] = {}
        for perspective, np in nps.items():
            out[("grounding", perspective)] = Phrase(item, "grounding", perspective, np) if _is_np(np) else np
        goal = item.goal if named or item.spoken else None
        out[("grounding", "intent")] = (
            Phrase(item, "grounding", "intent", goal[:1].upper() + goal[1:])
            if goal
            else item.goal_skip
            if named or item.spoken
            else unnamed
        )
        if item.interactive:
            out |= self._instructions(item, nps, goal)
        return out

    def _instructions(
        self, item: Item, nps: dict[str, str], goal: str | None
    ) -> dict[tuple[str, str], Phrase | str]:
        """The instruction variants of an interactive element, from its noun phrases and goal."""
        action = action_of(item)
        if action is None:
            reason = f"no_action: no action template for role {item.role!r}"
            return {("instructions", v): reason for v in VARIANTS["instructions"]}
        out: dict[tuple[str, str], Phrase | str] = {}
        for perspective, np in nps.items():
            out[("instructions", perspective)] = (
                self._instruct(item, perspective, action, np) if _is_np(np) else np
            )
        no_goal = item.goal_skip
        out[("instructions", "intent/explicit")] = no_goal
        if goal and "," not in goal and _is_np(nps["text"]):
            text = action.instruct(nps["text"])
            explicit = f"To {goal}, {text[:1].lower()}{text[1:]}"
            out[("instructions", "intent/explicit")] = Phrase(
                item, "instructions", "intent/explicit", explicit, action.action_type, action.args
            )
        implicit = implicit_instruction(item, action) if goal else None
        out[("instructions", "intent/implicit")] = (
            Phrase(item, "instructions", "intent/implicit", implicit, action.action_type, action.args)
            if goal
            else no_goal
        )
        tooltip = (item.row.get("title") or "").strip()
        hovers = item.row.get("has_popup") or (tooltip and tooltip.lower() != item.key)
        out[("instructions", "hover")] = (
            Phrase(item, "instructions", "hover", f"Hover over {nps['text']}", "hover", {})
            if hovers and _is_np(nps["text"])
            else "no_hover: no pop-up or tooltip"
        )
        return out

    def usage(self, source_id: str) -> dict:
        return {"source_id": source_id, "annotator": self.name}

    def close(self) -> None:
        pass

    @staticmethod
    def _instruct(item: Item, perspective: str, action: Action, np: str) -> Phrase:
        return Phrase(item, "instructions", perspective, action.instruct(np), action.action_type, action.args)


def unique_text_np(item: Item, screen: Screen, marks: list[Item]) -> str:
    """Its name and kind; where another element shows the same, also its screen region, its order in
    the row, or the nearest named element it lies by (its row's or field's label, the heading above),
    whichever picks it out alone (else the plain phrase, which verification rejects)."""
    np = text_np(item)
    if len(matches(parse_expression(np) or Claims(), screen)) <= 1:
        return np
    tries = [f"{np} in the {item.region} of the screen"]
    twins = [i for i in screen.by_key.get(item.key, []) if i.noun == item.noun]
    row = next((r for r in rows_of(twins) if item in r), [])
    if 2 <= len(row) <= len(ORDINALS):
        tries.append(f"the {ORDINALS[row.index(item)]} {np.removeprefix('the ')} from the left")
    if item.noun not in ("heading", "text"):  # the grammar names a landmark after a control's name
        others = [m for m in marks if m.key != item.key]
        near = sorted(nearest_marks(item, others), key=lambda rm: TWIN_RELATIONS.index(rm[0]))
        tries += [f"{np} {relation} {text_np(mark)}" for relation, mark in near]
    for phrase in tries:
        if matches(parse_expression(phrase) or Claims(), screen) == [item]:
            return phrase
    return np


def _is_np(text: str) -> bool:
    return text.startswith("the ")


def nearest_marks(item: Item, marks: list[Item]) -> list[tuple[str, Item]]:
    """Per relation, the nearest landmark the item lies that way of, within LANDMARK_REACH."""
    width, height = item.image
    out = []
    for relation in RELATIONS:
        reach = LANDMARK_REACH * (width if relation in ("right of", "left of") else height)
        near = [
            (d, m)
            for m in marks
            if m is not item and (d := gap(item, m, relation)) is not None and d <= reach
        ]
        if near:
            out.append((relation, min(near, key=lambda dm: dm[0])[1]))
    return out


def spatial_np(item: Item, screen: Screen, marks: list[Item]) -> str:
    """Placed by the nearest named neighbour, by its place in a row, or by its screen region: the first
    of these that picks it out alone; a reason instead when none does."""
    kind = item.kind
    tries = [f"the {kind} {relation} {text_np(mark)}" for relation, mark in nearest_marks(item, marks)]
    if kind != "text":  # where one piece of text ends and the next begins does not show: no order or place
        peers = screen.by_word.get(kind, [])
        row = next((r for r in rows_of(peers) if item in r), [])
        if 2 <= len(row) <= len(ORDINALS):
            tries.append(f"the {ORDINALS[row.index(item)]} {kind} from the left")
        tries.append(f"the {kind} in the {item.region} of the screen")
    for np in tries:
        if matches(parse_expression(np) or Claims(), screen) == [item]:
            return np
    return "no_unique_place: no landmark, row or screen region picks it out alone"
