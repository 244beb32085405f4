"""Grounding how-to steps: the element a step's target names, on a captured screen of the same source.

A step's name to look for is its target, or for a menu step the first item of its path (the menu a
closed menu bar shows). It is looked for among the interactive elements whose centre a click hits (the
screen model of `features.py` and `match.py`: the same label key the phrases are verified with), a field
for a `type` step and of the kind the step names ("the Save button": a button), first on the screens of
the procedure's own page, then on every other screen of the source (another page, or a desktop
application's screen where the source has them). The first screen on
which exactly one element carries the name grounds the step; otherwise the step says why not: `absent`
(no element has the name), `ambiguous` (only screens where several do), or `no_target` (the step names
nothing to act on: a key, a lower-case description such as "the new image" rather than a control's
name, or a link that is part of the page's own text).
Every grounded step also becomes an `instructions` row (perspective `howto`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import polars as pl

from transforms.annotate.features import Item, build_items
from transforms.annotate.match import Claims, Screen, matches, norm
from transforms.annotate.phrases import box_fields
from transforms.annotate.verify import box_flags
from transforms.ids import row_id

GROUNDED_ACTIONS = {"click", "menu", "select", "open", "drag", "type"}
FIELD_ROLES = {"textbox", "searchbox", "spinbutton", "combobox"}
INSTRUCTION_ACTION = {"click": "click", "menu": "click", "open": "click", "select": "select", "type": "type"}
INSTRUCTION_ACTION["drag"] = "drag"


@dataclass
class SourceScreens:
    """A source's screens: per capture (in part order) and all of them (in page and part order)."""

    by_capture: dict[str, list[Screen]]
    ordered: list[Screen]


def source_screens(
    elements: pl.DataFrame, screenshots: pl.DataFrame, captures: pl.DataFrame
) -> SourceScreens:
    """The screen model of every screenshot of the source (no pixels: names and roles are enough)."""
    shots = screenshots.select("screenshot_id", "width", "height")
    items = build_items(elements, shots)
    pages = dict(captures.select("capture_id", "page_path").iter_rows())
    screens = sorted(
        (Screen(found) for found in items.values() if found),
        key=lambda s: (pages.get(s.items[0].capture_id) or "", s.items[0].capture_id, s.items[0].part_index),
    )
    by_capture: dict[str, list[Screen]] = {}
    for screen in screens:
        by_capture.setdefault(screen.items[0].capture_id, []).append(screen)
    return SourceScreens(by_capture, screens)


# The kind of control a step names after its target ("the Save button") and the roles that can be it.
ROLE_WORDS = {
    "button": {"button"},
    "tab": {"tab"},
    "link": {"link"},
    "check box": {"checkbox", "switch"},
    "checkbox": {"checkbox", "switch"},
    "option": {"radio", "option", "checkbox"},
    "field": FIELD_ROLES,
    "box": FIELD_ROLES | {"listbox", "checkbox"},
    "list": {"listbox", "combobox", "option"},
    "menu": {"menuitem", "menu", "button", "link"},
    "icon": {"button", "img"},  # or any control that shows no words (below)
    "toolbar": {"toolbar", "menubar"},
    "bar": {"toolbar", "menubar"},
    "dialog": {"dialog", "alertdialog"},
    "window": {"dialog", "alertdialog", "window"},
    "panel": {"region", "group", "tabpanel"},
    "pane": {"region", "group", "tabpanel"},
}
ROLE_WORD = re.compile(rf"\s*(?:text |list |combo |spin |drop-down )?({'|'.join(ROLE_WORDS)})\b", re.I)


def _role_word(step: dict) -> str | None:
    """The kind of control the step names right after its target, if it names one."""
    span = step["target_span"]
    found = ROLE_WORD.match(step["text"], span[1]) if span and step["action"] != "menu" else None
    return found.group(1).lower() if found else None


def _usable(item: Item, action: str, role_word: str | None) -> bool:
    if not item.interactive or not item.center_hit:
        return False
    if role_word is not None and item.role not in ROLE_WORDS[role_word]:
        if not (role_word == "icon" and item.is_icon):
            return False
    is_field = item.role in FIELD_ROLES or item.tag in ("input", "textarea")
    return is_field if action == "type" else True


def _name(step: dict, link_spans: list[tuple[int, int]]) -> str | None:
    """What to look for on screen, or None when the step names nothing to act on."""
    if step["action"] not in GROUNDED_ACTIONS:
        return None
    if step["action"] == "menu" and step["menu_path"]:
        return step["menu_path"][0]
    span, target = step["target_span"], step["target"]
    if span is None or any(s < span[1] and span[0] < e for s, e in link_spans):
        return None
    quoted = span[0] > 0 and step["text"][span[0] - 1] in "\"“'‘"
    return target if quoted or target[:1].isupper() or target[:1].isdigit() else None


def ground_step(
    step: dict, capture_id: str, screens: SourceScreens, link_spans: list
) -> tuple[dict, Item | None]:
    """The step's grounding fields (grounding, n_matches, element_id, screenshot_id, box) and its element."""
    name = _name(step, link_spans)
    empty = dict.fromkeys(("element_id", "screenshot_id", "x1", "y1", "x2", "y2"))
    if not name or not norm(name):
        return {"grounding": "no_target", "n_matches": 0, **empty}, None
    claims, role_word = Claims(label=norm(name)), _role_word(step)
    own = screens.by_capture.get(capture_id, [])
    most = 0
    for screen in [*own, *(s for s in screens.ordered if s.items[0].capture_id != capture_id)]:
        found = [i for i in matches(claims, screen) if _usable(i, step["action"], role_word)]
        most = max(most, len(found))
        if len(found) == 1:
            item = found[0]
            box = dict(zip(("x1", "y1", "x2", "y2"), item.box))
            fields = {"element_id": item.element_id, "screenshot_id": item.screenshot_id, **box}
            return {"grounding": "grounded", "n_matches": 1, **fields}, item
    return {"grounding": "ambiguous" if most > 1 else "absent", "n_matches": most, **empty}, None


def instruction_row(step: dict, index: int, item: Item, howto: dict) -> dict:
    """The `instructions` row of a grounded step: the step's own words, its element and box."""
    args = {"howto_id": howto["howto_id"], "step": index, "goal": howto["goal"]}
    if step["value"]:
        args["value"] = step["value"]
    if step["menu_path"]:
        args["menu_path"] = step["menu_path"]
    row = {
        "source_id": item.source_id,
        "screenshot_id": item.screenshot_id,
        "element_id": item.element_id,
        "perspective": "howto",
        "gt_type": "positive",
        "label": item.label,
        "role": item.role,
        **box_fields(item),
        "annotator": "howto",
        "n_matches": 1,
        "quality_flags": box_flags(item),
        "explicit": None,
        "instruction": step["text"],
        "action_type": INSTRUCTION_ACTION[step["action"]],
        "action_args": json.dumps(args, ensure_ascii=False, sort_keys=True),
    }
    return {**row, "instruction_id": row_id("instructions", row)}
