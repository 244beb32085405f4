"""Phrases and the annotator interface: what an annotator produces for the elements of one screenshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from schemas.datasets import PHRASED_PERSPECTIVES
from schemas.registry import BOX_COLUMNS
from transforms.annotate.features import Item
from transforms.annotate.match import Screen
from transforms.annotate.sample_values import sample_value

PERSPECTIVES = tuple(PHRASED_PERSPECTIVES)
# Each element gets at most one phrase per variant, or one skip saying why not: the ledger's unit.
VARIANTS = {
    "grounding": PERSPECTIVES,
    "instructions": (
        "text",
        "appearance",
        "function",
        "spatial",
        "intent/explicit",
        "intent/implicit",
        "hover",
    ),
}
TYPING_ROLES = {"textbox", "searchbox", "spinbutton"}
CLICK_VERBS = {"checkbox": "Tick", "switch": "Toggle", "radio": "Choose", "tab": "Open", "menuitem": "Open"}


@dataclass(frozen=True)
class Phrase:
    """A referring expression (table grounding) or an instruction (table instructions) for one item."""

    item: Item
    table: str
    variant: str
    text: str
    action_type: str | None = None
    action_args: dict = field(default_factory=dict)
    flags: tuple[str, ...] = ()  # quality flags the annotator itself raised (e.g. a model's own "no")

    @property
    def perspective(self) -> str:
        return self.variant.split("/")[0] if self.variant != "hover" else "text"

    @property
    def explicit(self) -> bool | None:
        return {"intent/explicit": True, "intent/implicit": False}.get(self.variant)


@dataclass(frozen=True)
class Skip:
    item: Item
    table: str
    variant: str
    reason: str


class Annotator(Protocol):
    """Turns the items of one screenshot into phrases, with one phrase or one skip per item and variant
    (grounding variants for every item, instruction variants for interactive items)."""

    name: str

    def annotate(self, screen: Screen, png: bytes | None) -> tuple[list[Phrase], list[Skip]]: ...

    def usage(self, source_id: str) -> dict: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Action:
    verb: str
    action_type: str
    args: dict

    def instruct(self, np: str) -> str:
        if self.action_type == "type":
            return f'Type "{self.args["text"]}" into {np}'
        if self.action_type == "select":
            return f'Select "{self.args["option"]}" in {np}'
        return f"{self.verb} {np}"


def action_of(item: Item) -> Action | None:
    """The action an instruction asks for on this control, with its arguments, or None."""
    row, role = item.row, item.role
    if role in TYPING_ROLES or item.tag == "textarea":
        value = sample_value(row.get("input_type"), row.get("input_name"), item.label, row.get("placeholder"))
        return Action("Type", "type", {"text": value})
    if role in ("combobox", "listbox") and item.tag == "select":
        options = row.get("options") or []
        if not options:
            return None
        return Action("Select", "select", {"option": options[1] if len(options) > 1 else options[0]})
    if role in ("button", "link") or role in CLICK_VERBS:
        return Action(CLICK_VERBS.get(role, "Click"), "click", {})
    return None


def implicit_instruction(item: Item, action: Action) -> str:
    """The goal as an instruction that does not name the control ('Enter "…" as your e-mail address')."""
    if action.action_type == "type":
        return f'Enter "{action.args["text"]}" as your {item.thing}'
    if action.action_type == "select":
        return f'Choose "{action.args["option"]}" as the {item.goal.removeprefix("choose the ")}'
    return item.goal[:1].upper() + item.goal[1:]


def text_np(item: Item) -> str:
    if item.noun == "heading":
        return f'the heading "{item.label}"'
    if item.noun == "text":
        return f'the text "{item.label}"'
    return f'the "{item.label}" {item.noun}'


def box_fields(item: Item | None, box: tuple[float, float, float, float] | None = None) -> dict:
    """Box, click point (the box centre) and image size; all empty for a refusal."""
    if item is None:
        return dict.fromkeys(BOX_COLUMNS)
    x1, y1, x2, y2 = box or item.box
    return {
        "x1": x1,
        "y1": y1,
        "x2": x2,
        "y2": y2,
        "click_x": round((x1 + x2) / 2, 2),
        "click_y": round((y1 + y2) / 2, 2),
        "image_width": item.image[0],
        "image_height": item.image[1],
    }
