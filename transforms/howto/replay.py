"""Replaying a how-to procedure in its application, the pure part: a procedure's typed steps as moves,
the element of the current accessibility tree each move names, and whether its effect appeared.

A step becomes one or more moves: a menu path is opened item by item (`menu:Format`, then
`item:Paragraph…`), a control named after click, open, select or check is clicked, a field named
after type is typed into, a key is pressed; a step that names nothing to act on is passed over. A
move's target is found by its label among the showing, enabled nodes of the roles its kind allows:
top-level menus in the menu bar, items in an open popup, buttons, tabs, check boxes, list rows... in
the active window, fields by their own name or by the label beside them. Labels compare on their
words only: case, mnemonics (`_Font`, `~Font`, `&Font`), "&" for "and" and a trailing "…" or ":" do
not count. A click target the help writes in lower case ("Select the object") is what the document
holds, not a control (help capitalises control labels): such a procedure is not replayed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.capture.desktop.items import ITEM_ROLES, enabled, showing

CLICK_ROLES = (
    "push button",
    "toggle button",
    "page tab",
    "check box",
    "radio button",
    "menu item",
    "check menu item",
    "radio menu item",
    "list item",
    "tree item",
    "table cell",
    "link",
    "combo box",
    "menu button",
    "split button",
    "toggle switch",
)
FIELD_ROLES = ("text", "entry", "spin button", "password text")
# Controls a step names by the label beside them ("select the style in the Paragraph Style box")
LABELLED_ROLES = (
    "combo box",
    "toggle button",
    "list",
    "list box",
    "tree table",
    "table",
    "tree",
    *FIELD_ROLES,
)
CLICKED = {"click", "open", "select"}
TOP_ROLES = ("frame", "window", "dialog", "file chooser", "alert")
# A dialog's pages as a path names them after its menu item: its tabs, the rows of its page tree or list
PAGE_ROLES = ("page tab", "tree item", "table cell", "list item")
# Help written for both systems says "Command" (macOS) for Ctrl (the others)
MODIFIERS = {"ctrl": "Control_L", "control": "Control_L", "alt": "Alt_L", "shift": "Shift_L"}
MODIFIERS |= {"command": "Control_L", "cmd": "Control_L", "altgr": "ISO_Level3_Shift"}
KEYSYMS = {
    "enter": "Return",
    "return": "Return",
    "esc": "Escape",
    "escape": "Escape",
    "tab": "Tab",
    "space": "space",
    "spacebar": "space",
    "backspace": "BackSpace",
    "delete": "Delete",
    "del": "Delete",
    "home": "Home",
    "end": "End",
    "page up": "Prior",
    "page down": "Next",
    "pgup": "Prior",
    "pgdn": "Next",
    **{f"{d} arrow": d.title() for d in ("up", "down", "left", "right")},
    **{f"arrow {d}": d.title() for d in ("up", "down", "left", "right")},
}


@dataclass(frozen=True)
class Move:
    """One action of a replay: the procedure's step it comes from (1, 2, ...), its kind (menu, item,
    click, type, key), the label it acts on, the text typed or key pressed, and the step's own words."""

    step: int
    kind: str
    target: str | None
    value: str | None
    words: str

    @property
    def path_step(self) -> str:
        return f"{self.kind}:{self.target if self.target is not None else self.value}"


def norm(label: str | None) -> str:
    """A label's words for comparison: no mnemonic marks, no trailing "…" or ":", case folded."""
    text = re.sub(r"\s+&{1,2}\s+", " and ", (label or "").replace("_", "").replace("~", ""))
    text = re.sub(r"&(?!&)", "", text)
    text = re.sub(r"\s*(?:…|\.\.\.)\s*$", "", text.strip())
    return " ".join(text.rstrip(":").split()).casefold()


def plan(steps: list[dict]) -> tuple[list[Move], str | None]:
    """The moves of a procedure's typed steps (as `howto.typed_steps` holds them), or the moves up to
    the first step that cannot be replayed and the reason."""
    moves: list[Move] = []
    for number, step in enumerate(steps, 1):
        action, target, value, words = step["action"], step["target"], step["value"], step["text"]
        path = list(step.get("menu_path") or [])
        if len(path) >= 2:
            moves.append(Move(number, "menu", path[0], None, words))
            moves += [Move(number, "item", item, None, words) for item in path[1:]]
            # "Choose Insert - Field - More Fields and click the Functions tab": the tab the path leads to
            moves += [Move(number, "click", tab, None, words) for tab in THEN_TAB.findall(words)]
        elif action == "key" and value:
            if keys(value)[0] in MODIFIERS.values():  # "Press the Shift key to …": held for a click
                return moves, f"step {number}: {value!r} alone is held for a click the step does not name"
            if re.search(r"\buntil\b", words, re.I):  # "Press F6 until the focus is on the toolbar"
                return moves, f"step {number}: {value!r} is pressed until something shows, times unknown"
            moves.append(Move(number, "key", None, value, words))
        elif action == "type":
            if not value:
                return moves, f"step {number}: nothing to type ({words[:80]!r})"
            # "type fn" names no field: typed where the focus is (the document)
            moves.append(Move(number, "type", target, value, words))
        elif action in CLICKED and (chosen := _in_lists(words)):  # Click "Page" in the Type list
            moves += [Move(number, "click", choice, None, words) for choice in chosen]
        elif action in CLICKED and target:
            if not target[:1].isupper() and not target[:1].isdigit():
                return moves, f"step {number}: {target!r} is what the document holds, not a control"
            if RIGHT_CLICK.match(words):  # "Right-click "Heading 1" and choose Modify": its context menu
                moves.append(Move(number, "rclick", target, None, words))
                moves += [Move(number, "item", item, None, words) for item in CHOOSE.findall(words)]
            else:
                moves.append(Move(number, "click", target, None, words))
        elif action == "drag":
            return moves, f"step {number}: a drag is not replayed ({words[:80]!r})"
        elif step.get("ui") and action in CLICKED:
            return moves, f"step {number}: names no control to act on ({words[:80]!r})"
    if not moves:
        return moves, "no step names a control, a menu path or a key"
    return moves, None


LABEL = r"([A-Z][\w-]*(?: [A-Z][\w-]*){0,3})"  # a control's capitalised label, up to four words
THEN_TAB = re.compile(rf"\b(?:and|then)\s+(?:click|select|open)\s+the\s+{LABEL}\s+tab\b")
RIGHT_CLICK = re.compile(r"\s*right[- ]click\b", re.I)
CHOOSE = re.compile(rf"\b(?:and|then)\s+(?:choose|select|click)\s+[\"“']?{LABEL}")
# "Click "Input field" in the Type list", "'Page' in the Type list and 'Next page' in the Select list"
IN_LIST = re.compile(r"[\"“'‘]([^\"”'’]{1,60})[\"”'’]\s*in\s+the\s+[\w ]{1,40}?\s+(?:list|box)\b")


def _in_lists(words: str) -> list[str]:
    """The entries a step chooses in named lists, in order."""
    return [m.group(1).strip() for m in IN_LIST.finditer(words)]


def keys(value: str) -> tuple[str, list[str]]:
    """A key as written on a help page ("Ctrl+Shift+S", "Enter", "F2") as an X key name and its
    modifiers."""
    value = re.sub(r"\s+keys?$", "", value.strip(), flags=re.I)  # "the Shift key"
    parts = [p.strip() for p in re.split(r"\s*\+\s*", value) if p.strip()]
    *mods, last = parts or [value]
    name = (
        KEYSYMS.get(last.lower()) or MODIFIERS.get(last.lower()) or (last if len(last) > 1 else last.lower())
    )
    return name, list(dict.fromkeys(MODIFIERS.get(m.lower(), m) for m in mods))


def _under(nodes: list[dict], top: int) -> set[int]:
    prefix = nodes[top]["path"] + "/"
    return {j for j, n in enumerate(nodes) if n["path"].startswith(prefix)}


def active_window(nodes: list[dict]) -> set[int] | None:
    """The nodes of the application's active top-level window (a dialog once one is open), None when
    no window says it is active."""
    apps = {i for i, n in enumerate(nodes) if n["role"] == "application"}
    tops = [i for i, n in enumerate(nodes) if n["parent"] in apps and n["role"] in TOP_ROLES]
    active = [i for i in tops if "active" in nodes[i]["states"] and showing(nodes[i])]
    return _under(nodes, active[-1]) if active else None


def _named(nodes: list[dict], label: str, roles: tuple[str, ...], scope: set[int] | None) -> list[int]:
    want = norm(label)
    return [
        i
        for i, n in enumerate(nodes)
        if n["role"] in roles
        and showing(n)
        and enabled(n)
        and norm(n["name"]) == want
        and (scope is None or i in scope)
    ]


def _one(nodes: list[dict], found: list[int], roles: tuple[str, ...], label: str) -> tuple[int | None, str]:
    """The match of the highest-ranked role when it is the only one of that role."""
    if not found:
        want = norm(label)
        off = [n for n in nodes if n["role"] in roles and showing(n) and norm(n["name"]) == want]
        if off:  # there, greyed: the document holds nothing it acts on (no section, no selection)
            return None, f"{label!r} is disabled"
        return None, f"{label!r} is not on the screen"
    best = min(roles.index(nodes[i]["role"]) for i in found)
    top = [i for i in found if roles.index(nodes[i]["role"]) == best]
    if len(top) > 1:
        return None, f"{label!r} names {len(top)} {nodes[top[0]]['role']} elements"
    return top[0], ""


def _field_by_label(
    nodes: list[dict], label: str, scope: set[int] | None, roles: tuple[str, ...] = FIELD_ROLES
) -> list[int]:
    """Fields (or controls of `roles`) beside a label named `label`: the nearest showing one to its
    right on the same line, else below it."""
    found = []
    for i in _named(nodes, label, ("label", "static"), scope):
        lx, ly, lw, lh = nodes[i]["box"]
        best = None
        for j, n in enumerate(nodes):
            if n["role"] not in roles or not showing(n) or (scope is not None and j not in scope):
                continue
            x, y, w, h = n["box"]
            right = x >= lx + lw - 2 and abs((y + h / 2) - (ly + lh / 2)) < max(lh, h) / 2
            below = y >= ly + lh - 2 and abs(x - lx) < 40
            if right or below:
                gap = (x - lx - lw) if right else (y - ly - lh) + 1000
                best = min(best or (gap, j), (gap, j))
        if best is not None:
            found.append(best[1])
    return found


def popups_open(nodes: list[dict]) -> bool:
    """Whether a menu is open (a showing popup menu with items)."""
    return any(
        n["role"] in ("menu item", "check menu item", "radio menu item")
        and showing(n)
        and n["parent"] >= 0
        and nodes[n["parent"]]["role"] == "menu"
        for n in nodes
    )


def _below(nodes: list[dict], found: list[int], after: dict) -> tuple[int | None, str]:
    """Of several settings pages of one name (View under LibreOffice and under LibreOffice Writer), the
    first below the page the path opened before it."""
    y = after["box"][1]
    under = sorted((nodes[i]["box"][1], i) for i in found if nodes[i]["box"][1] > y)
    if not under:
        return None, f"{nodes[found[0]]['name']!r} names {len(found)} elements, none below {after['name']!r}"
    return under[0][1], ""


def find(nodes: list[dict], move: Move, after: dict | None = None) -> tuple[int | None, str]:
    """The index of the node `move` acts on in a corrected walk (None for a key or a value typed where
    the focus is), or None and why; `after`: the node the move before acted on (a settings page of the
    same path is looked for below it)."""
    if move.kind == "key" or (move.kind == "type" and not move.target):
        return None, ""
    scope = active_window(nodes)
    if move.kind == "menu":
        bars = {i for i, n in enumerate(nodes) if n["role"] == "menu bar" and showing(n)}
        found = [
            i for i in _named(nodes, move.target, ("menu", "menu item"), None) if nodes[i]["parent"] in bars
        ]
        return _one(nodes, found, ("menu", "menu item"), move.target)
    if move.kind == "item":
        bars = {i for i, n in enumerate(nodes) if n["role"] == "menu bar"}
        items = [i for i in _named(nodes, move.target, ITEM_ROLES, None) if nodes[i]["parent"] not in bars]
        index, why = _one(nodes, items, ITEM_ROLES, move.target)
        in_dialog = scope is not None and not any(nodes[i]["role"] == "menu bar" for i in scope)
        if index is None and in_dialog and not popups_open(nodes):
            # past the menus: "Tools - Options - LibreOffice Writer - View", "Format - Character -
            # Position" name a settings page or a tab of the dialog the path opened
            found = _named(nodes, move.target, PAGE_ROLES, scope)
            return (
                _below(nodes, found, after)
                if len(found) > 1 and after
                else _one(nodes, found, PAGE_ROLES, move.target)
            )
        return index, why
    if move.kind == "type":
        found = _named(nodes, move.target, FIELD_ROLES, scope) or _field_by_label(nodes, move.target, scope)
        return _one(nodes, found, FIELD_ROLES, move.target)
    index, why = _one(nodes, _named(nodes, move.target, CLICK_ROLES, scope), CLICK_ROLES, move.target)
    if index is None and scope is not None:  # a control of the main window while a dialog is up
        index, why = _one(nodes, _named(nodes, move.target, CLICK_ROLES, None), CLICK_ROLES, move.target)
    if index is None and "is not on the screen" in why:  # "the Paragraph Style box": a label's control
        beside = _field_by_label(nodes, move.target, scope, LABELLED_ROLES)
        if len(beside) == 1:
            return beside[0], ""
    return index, why


def effect(
    move: Move, before: dict | None, after: list[dict], next_found: bool | None, changed: bool
) -> str | None:
    """Why the move's effect did not appear (None when it did): `before` is the target node as it was,
    `after` the walk after the move, `next_found` whether the next move's target is there (None for
    the last move or a key), `changed` whether the screen changed. A check box reads toggled, a tab
    selected, a typed field its value; a menu, item or button opened what the next move needs, or at
    least changed the screen (the next move then ends the replay: its target is missing)."""
    same = next((n for n in after if n["path"] == before["path"]), None) if before else None
    if move.kind == "type" and before is None:  # typed where the focus is: it shows, or nothing did
        return None if changed else f"typing {move.value!r} changed nothing on the screen"
    if move.kind == "type":
        got = (same or {}).get("value")
        if got is None or move.value not in got:
            return f"the field did not read back {move.value!r} (read {got!r})"
        return None
    if before and before["role"] in ("check box", "check menu item", "toggle button") and same is not None:
        if ("checked" in same["states"]) == ("checked" in before["states"]):
            return f"{move.target!r} did not change its checked state"
    if before and before["role"] == "page tab" and same is not None and "selected" not in same["states"]:
        return f"the tab {move.target!r} did not read selected"
    if next_found is False and not changed:
        return "nothing changed on the screen, and what the next step acts on is not there"
    return None
