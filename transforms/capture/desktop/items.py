"""What can be acted on in a walked tree, and whether an action's result names it: pure functions on
the walker's nodes (after the toolkit corrections), used by the exploration (follow.py, drive.py).

- the items of a popup just opened: the item nodes showing now that were not showing before (a menu, a
  submenu, a tool-bar drop-down, a context menu, a popover drawn inside its window alike);
- how an item is followed: a submenu opens a popup, a radio or check item switches a mode, any other
  item may open a dialog (found by the windows after the click, never by "…" in its label);
- the openers of the main window: tool-bar drop-downs (a button with a popup), combo boxes, and the
  widgets a context menu is asked of (document, text, list and tree views);
- the page list of a settings dialog (rows chosen from a list or tree at its left);
- `confirms`: what appeared after a click shares a word with the item's label.
"""

from __future__ import annotations

import re

ITEM_ROLES = ("menu item", "check menu item", "radio menu item", "menu")
MODE_ROLES = ("check menu item", "radio menu item")
# Items never clicked: they end the application or its window, or the session.
SKIP_WORDS = {"quit", "exit", "close", "logout", "restart", "shutdown", "reboot"}
STOP_WORDS = {"the", "and", "for", "with", "from", "into"}
# A settings window goes by any of these names: qterminal's Preferences… opens "Terminal settings".
SAME_WORDS = {"prefe": "setti", "optio": "setti", "confi": "setti"}
DROPDOWN_ROLES = ("push button", "toggle button", "menu button", "split button")
CONTEXT_ROLES = (
    "text",
    "document text",
    "document frame",
    "document spreadsheet",
    "terminal",
    "table",
    "tree table",
    "tree",
    "list",
    "list box",
    "canvas",
    "drawing area",
)
PAGE_LISTS = ("list", "list box", "tree", "tree table", "table")
PAGE_ROWS = ("list item", "tree item", "table cell", "label")


def showing(node: dict) -> bool:
    return "showing" in node["states"] and node["box"][2] > 0 and node["box"][3] > 0


def enabled(node: dict) -> bool:
    return "enabled" in node["states"] or "sensitive" in node["states"]


def centre(node: dict) -> tuple[float, float]:
    x, y, w, h = node["box"]
    return x + w / 2, y + h / 2


def words(text: str) -> set[str]:
    """The words of a label (3+ letters, lower case, their first 5 letters: 'Templates' is 'Template'),
    the names of a settings window as one (SAME_WORDS)."""
    found = {w[:5] for w in re.findall(r"[^\W\d_]{3,}", text.lower())} - STOP_WORDS
    return {SAME_WORDS.get(w, w) for w in found}


def confirms(item: str, before: list[str], after: list[str], focused: str) -> bool:
    """Whether what appeared after clicking `item` corresponds to it: the title of a window that was
    not there before, or the focused element's name, shares a word with the item's label."""
    new = [t for t in after if t not in before]
    return bool(words(item) & (set().union(*map(words, new)) | words(focused)))


def in_area(box: list, area: tuple) -> bool:
    x, y, w, h = box
    return area[0] - 1 <= x and area[1] - 1 <= y and x + w <= area[2] + 1 and y + h <= area[3] + 1


def kind(node: dict) -> str:
    """How an item is followed: submenu, radio, check or item."""
    if node["role"] == "menu":
        return "submenu"
    if node["role"] == "radio menu item":
        return "radio"
    if node["role"] == "check menu item":
        return "check"
    return "item"


def label(node: dict) -> str:
    return " ".join(node["name"].split())


def skipped(name: str) -> bool:
    return bool({w.lower() for w in re.findall(r"[^\W\d_]+", name)} & SKIP_WORDS)


def popup_items(nodes: list[dict], before: set[str], popup: tuple | None) -> list[dict]:
    """The items of the popup just opened: showing, enabled item nodes with a name, not showing in
    the walk `before` (paths), inside the popup window `popup` (x1, y1, x2, y2) when one opened; top to
    bottom, then left to right. Items that would end the application are left out."""
    found = [
        n
        for n in nodes
        if n["role"] in ITEM_ROLES
        and showing(n)
        and enabled(n)
        and label(n)
        and n["path"] not in before
        and (popup is None or in_area(n["box"], popup))
        and not skipped(label(n))
    ]
    return sorted(found, key=lambda n: (n["box"][1], n["box"][0]))


def find_item(items: list[dict], name: str, role: str) -> dict | None:
    return next((n for n in items if label(n) == name and n["role"] == role), None)


def refind(nodes: list[dict], old: dict) -> dict | None:
    """The node of a fresh walk that is `old` (a menu, a drop-down, a view asked for its context menu),
    where it is now: showing, of the same role and label, the nearest to where it was. The window it
    was found in may have been replaced since (Poedit's New… replaces its welcome window with the
    editor's, whose File menu lies elsewhere); None when nothing of the kind shows. A node without a
    name is matched by its description too (GTK4's menu buttons are nameless: gnome-calculator's
    "Primary menu" moved when a mode switch resized the window, and the nearest nameless button was
    another)."""
    same = [
        n
        for n in nodes
        if showing(n)
        and n["role"] == old["role"]
        and label(n) == label(old)
        and (label(old) or n.get("description", "") == old.get("description", ""))
    ]
    x, y = centre(old)
    return min(same, key=lambda n: (centre(n)[0] - x) ** 2 + (centre(n)[1] - y) ** 2, default=None)


def shown_paths(nodes: list[dict]) -> set[str]:
    return {n["path"] for n in nodes if showing(n)}


def _inside(nodes: list[dict], i: int, roles: tuple[str, ...]) -> bool:
    p = nodes[i]["parent"]
    while p >= 0:
        if nodes[p]["role"] in roles:
            return True
        p = nodes[p]["parent"]
    return False


def dropdowns(nodes: list[dict]) -> list[dict]:
    """The tool-bar drop-downs and combo boxes of a window: buttons that say they have a popup, toggle
    buttons (GTK3's menu button is one, and says nothing more), and combo boxes, showing and enabled,
    outside menus and dialogs' own lists; left to right, top to bottom."""
    found = [
        n
        for i, n in enumerate(nodes)
        if showing(n)
        and enabled(n)
        and (
            n["role"] in ("combo box", "toggle button")
            or (n["role"] in DROPDOWN_ROLES and "has-popup" in n["states"])
        )
        and not _inside(nodes, i, ("menu bar", "menu", "popup menu"))
    ]
    return sorted(found, key=lambda n: (n["box"][1], n["box"][0]))


def context_targets(nodes: list[dict], most: int = 2) -> list[dict]:
    """The main widgets a context menu is asked of: the largest showing document, text, list or tree
    view of each role, largest first, at most `most`."""
    best: dict[str, dict] = {}
    for n in nodes:
        if n["role"] in CONTEXT_ROLES and showing(n) and n["box"][2] >= 40 and n["box"][3] >= 40:
            area = n["box"][2] * n["box"][3]
            if n["role"] not in best or area > best[n["role"]]["box"][2] * best[n["role"]]["box"][3]:
                best[n["role"]] = n
    return sorted(best.values(), key=lambda n: -n["box"][2] * n["box"][3])[:most]


def row_name(nodes: list[dict], i: int) -> str:
    """A row's name: its own, else that of its first named descendant (a list box row holds a label)."""
    if label(nodes[i]):
        return label(nodes[i])
    prefix = nodes[i]["path"] + "/"
    return next((label(n) for n in nodes if n["path"].startswith(prefix) and label(n)), "")


def page_rows(nodes: list[dict], window: int, unselected: bool = True) -> list[tuple[str, dict]]:
    """The rows of a settings dialog's page list: a list or tree in the left part of the window
    `window` (index of its top-level node), at least a third of its height, with 2+ named rows (those
    not selected yet, unless `unselected` is false): (name, row), top to bottom; empty when the dialog
    has no such list."""
    wx, wy, ww, wh = nodes[window]["box"]
    prefix = nodes[window]["path"] + "/"
    for i, n in enumerate(nodes):
        x, y, w, h = n["box"]
        if not (n["role"] in PAGE_LISTS and showing(n) and n["path"].startswith(prefix)):
            continue
        if x + w > wx + ww * 0.5 or h < wh / 3:
            continue
        rows = [
            (row_name(nodes, j), r)
            for j, r in enumerate(nodes)
            if r["parent"] == i and r["role"] in PAGE_ROWS and showing(r)
        ]
        rows = [(name, r) for name, r in rows if name]
        if len(rows) >= 2:
            return [(name, r) for name, r in rows if not unselected or "selected" not in r["states"]]
    return []


def page_content(nodes: list[dict], window: int) -> set[tuple[str, str]]:
    """What the window `window` (index of its top-level node) shows: (role, name) of its showing named
    nodes. A page row whose click leaves it as it was opened no page: jEdit's file browser (a dialog, no
    file chooser) lists folders in a tree at its left, and a click only selects one."""
    prefix = nodes[window]["path"] + "/"
    return {(n["role"], label(n)) for n in nodes if n["path"].startswith(prefix) and showing(n) and label(n)}
