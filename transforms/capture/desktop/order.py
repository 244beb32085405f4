"""The order in which the main window's popups and their items are explored, as a list of steps: pure,
so that every run takes the same steps in the same order.

Breadth first, menus before their items, spent a budget of 12 states on LibreOffice's and GIMP's eleven
menus and reached no dialog. So each menu, once opened and captured, is followed at once by one of its
items that say they open a dialog ("…"): the first of them that opens a window. Then the next menu.
After all menus: their other dialog items, the drop-downs, combo lists and context menus of the main
window, and last every item not followed yet (submenus, modes, items without "…"), popup by popup.
"""

from __future__ import annotations

from typing import NamedTuple

from transforms.capture.desktop.explore import DIALOG_SUFFIXES
from transforms.capture.desktop.items import kind, label

OPEN = "open"  # open the popup and capture it
FIRST = "first"  # follow its dialog items until one opens a window
DIALOGS = "dialogs"  # follow its dialog items not followed yet
OPENERS = "openers"  # open and capture the main window's drop-downs, combo lists and context menus
REST = "rest"  # follow every item of the popup not followed yet


class Step(NamedTuple):
    what: str
    popup: int  # index of the menu (or, for REST past the menus, the opener after them); -1 for OPENERS


def schedule(menus: int, openers: int) -> list[Step]:
    """The steps for `menus` menus of the menu bar and `openers` other popups, in order."""
    steps = [s for k in range(menus) for s in (Step(OPEN, k), Step(FIRST, k))]
    steps += [Step(DIALOGS, k) for k in range(menus)]
    steps.append(Step(OPENERS, -1))
    return steps + [Step(REST, k) for k in range(menus + openers)]


def says_dialog(node: dict) -> bool:
    """An item whose label says it opens a dialog: ends in "…" (or "..."), not a submenu or a mode."""
    return label(node).endswith(DIALOG_SUFFIXES) and kind(node) == "item"


# What each following step follows: (which items, how many that open a window before it stops).
FOLLOW = {FIRST: (says_dialog, 1), DIALOGS: (says_dialog, None), REST: (None, None)}
