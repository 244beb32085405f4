"""An accessibility tree as element rows: toolkit corrections, clipping, occlusion, exclusions.

Pure: takes the walker's nodes, the toolkit of the application, the X windows (bottom to top) and
the screen size, and returns the elements and excluded elements of one screenshot. Each toolkit
correction is a named function; the names of those that changed something are reported with the
counts, so a capture says which corrections its boxes went through.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

Box = tuple[float, float, float, float]  # x1, y1, x2, y2

# AT-SPI roles as the web's ARIA roles, so annotation's nouns ("button", "menu item"...) apply.
ROLE_AS_ARIA = {
    "push button": "button",
    "toggle button": "button",
    "button": "button",
    "menu item": "menuitem",
    "check menu item": "menuitem",
    "radio menu item": "menuitem",
    "menu": "menuitem",
    "check box": "checkbox",
    "radio button": "radio",
    "combo box": "combobox",
    "text": "textbox",
    "entry": "textbox",
    "password text": "textbox",
    "spin button": "textbox",
    "page tab": "tab",
    "link": "link",
    "label": "text",
    "static": "text",
    "heading": "heading",
    "image": "img",
    "icon": "img",
    "list item": "listitem",
    "tree item": "treeitem",
    "table cell": "cell",
    "slider": "slider",
    "switch": "switch",
    "tool bar": "toolbar",
    "status bar": "status",
}
INTERACTIVE_ROLES = {
    "button",
    "menuitem",
    "checkbox",
    "radio",
    "combobox",
    "textbox",
    "tab",
    "link",
    "slider",
    "switch",
    "listitem",
    "treeitem",
    "cell",
}
# Roles that only hold other things: never elements themselves, unless they have an action.
CONTAINERS = {
    "application",
    "frame",
    "window",
    "dialog",
    "file chooser",
    "alert",
    "filler",
    "panel",
    "scroll pane",
    "viewport",
    "layered pane",
    "root pane",
    "split pane",
    "glass pane",
    "option pane",
    "internal frame",
    "redundant object",
    "unknown",
    "invalid",
    "section",
    "grouping",
    "menu bar",
    "popup menu",
    "page tab list",
    "tool bar",
    "status bar",
    "separator",
    "scroll bar",
    "table",
    "tree table",
    "tree",
    "list",
    "list box",
    "document frame",
    "document text",
    "document spreadsheet",
    "form",
}
CLIPPERS = {"scroll pane", "viewport", "table", "tree table", "list", "list box", "tree"}
GTK_CLASS_NAME = re.compile(r"^(Gtk|Adw|Gdk)[A-Z]\w*$")


@dataclass
class Tree:
    nodes: list[dict]
    toolkit: str  # e.g. "GTK 3.24.38", "Qt 5.15.8", "VCL", as the application reports it
    windows: list  # xdisplay.Window, bottom to top
    size: tuple[int, int]
    origins: dict = field(default_factory=dict)  # window title -> client areas [x, y, w, h]
    app: str = ""  # the application's accessible name (soffice for LibreOffice)
    corrections: dict[str, int] = field(default_factory=dict)

    def box(self, i: int) -> Box | None:
        x, y, w, h = self.nodes[i]["box"]
        return None if w <= 0 or h <= 0 else (x, y, x + w, y + h)

    def ancestors(self, i: int):
        p = self.nodes[i]["parent"]
        while p >= 0:
            yield p
            p = self.nodes[p]["parent"]

    def showing(self, i: int) -> bool:
        return "showing" in self.nodes[i]["states"]


# --- toolkit corrections (each named; the count of nodes it changed is reported) -------------------


def gtk4_window_origin(tree: Tree) -> int:
    """GTK4 reports boxes relative to the toplevel and never sets SHOWING: shift every node by the X
    window's origin (the toplevel centred in its X window, whose margin holds the shadow), and read
    VISIBLE (with the toplevel SHOWING) as showing."""
    changed, shift = 0, {}
    for i, node in enumerate(tree.nodes):
        if node["parent"] >= 0 and tree.nodes[node["parent"]]["role"] == "application":
            areas = tree.origins.get(node["name"]) or []
            _, _, fw, fh = node["box"]
            fit = min(areas, key=lambda a: abs(a[2] - fw) + abs(a[3] - fh), default=None)
            if fit is not None:
                shift[i] = (fit[0] + (fit[2] - fw) / 2, fit[1] + (fit[3] - fh) / 2)
        top = i if i in shift else next((a for a in tree.ancestors(i) if a in shift), None)
        if top is None:
            continue
        dx, dy = shift[top]
        x, y, w, h = node["box"]
        node["box"] = [x + dx, y + dy, w, h]
        if "visible" in node["states"] and "showing" in tree.nodes[top]["states"]:
            node["states"] = sorted({*node["states"], "showing"})
        if GTK_CLASS_NAME.match(node["name"]):  # an unlabelled widget is named after its class
            node["name"] = ""
        changed += 1
    return changed


def gtk4_doubled_names(tree: Tree) -> int:
    """GTK4 names a button after its label child twice ("mod mod", "7 7", "Undo Undo"): the screen
    shows it once, so the button takes its child's name."""
    changed = 0
    for node in tree.nodes:
        if node["parent"] < 0 or not node["name"]:
            continue
        parent = tree.nodes[node["parent"]]
        if parent["name"] == f"{node['name']} {node['name']}":
            parent["name"] = node["name"]
            changed += 1
    return changed


def gtk4_menu_buttons(tree: Tree) -> int:
    """GTK 4.8 says nothing of a menu button's popup: it is a push button with no action of its own
    holding the push button that is clicked (named after its class, GtkMenuButton, when it has no
    label; gnome-text-editor's "View" and "Menu" are named), with no HAS_POPUP. The outer one is a
    drop-down: it gets HAS_POPUP (before gtk4_window_origin clears class names)."""
    clicked = {
        n["parent"] for n in tree.nodes if n["role"] == "push button" and n["actions"] and n["parent"] >= 0
    }
    changed = 0
    for i, node in enumerate(tree.nodes):
        if node["role"] == "push button" and not node["actions"] and i in clicked:
            node["states"] = sorted({*node["states"], "has-popup"})
            changed += 1
    return changed


def gtk4_popover_origin(tree: Tree) -> int:
    """A GTK4 popover (a menu button's menu) is reported at its menu button's origin, not where its own
    surface is: a showing menu whose size is that of an open popup window (override-redirect) is moved,
    with everything in it, to that window (the nearest of that size)."""
    popups = [w.box for w in tree.windows if w.popup]
    changed = 0
    for i, node in enumerate(tree.nodes):
        x, y, w, h = node["box"]
        if node["role"] not in ("menu", "popup menu") or "showing" not in node["states"] or w <= 0:
            continue
        fits = [p for p in popups if abs(p[2] - p[0] - w) <= 1 and abs(p[3] - p[1] - h) <= 1]
        fit = min(fits, key=lambda p: abs(p[0] - x) + abs(p[1] - y), default=None)
        if fit is None or (fit[0], fit[1]) == (x, y):
            continue
        dx, dy = fit[0] - x, fit[1] - y
        for j, other in enumerate(tree.nodes):
            if j == i or i in tree.ancestors(j):
                ox, oy, ow, oh = other["box"]
                other["box"] = [ox + dx, oy + dy, ow, oh]
                changed += 1
    return changed


POPUP_ROLES = ("popup menu", "menu", "list", "list box")


def holds(popup: Box, box: Box) -> bool:
    """Whether a popup window holds a row: the row's left edge, top and bottom inside it. Its right end
    may pass the window's: Qt 6 reports an open combo list's rows wider than the popup that draws them
    (qt6ct's Style list: rows 167 px wide in a 102-px popup); the part outside is clipped away."""
    p = popup
    return p[0] - 1 <= box[0] < p[2] and p[1] - 1 <= box[1] and box[3] <= p[3] + 1


def _in_popup_window(tree: Tree, i: int) -> bool:
    box = tree.box(i)
    return box is not None and any(holds(w.box, box) for w in tree.windows if w.popup)


def closed_popup_rows(tree: Tree) -> int:
    """A node inside a popup or list that is not showing is not on the screen, wherever it claims to
    be; nor is a node of a combo box's list or menu that lies in no open popup window (Qt reports a
    shut combo-box list, and its rows, as showing: at (0, 0) and in 15-px strips below, over the window
    and its tool bar). Such a node is hidden. Every toolkit, after its own corrections."""
    changed = 0
    for i, node in enumerate(tree.nodes):
        if "showing" not in node["states"]:
            continue
        popups = [a for a in tree.ancestors(i) if tree.nodes[a]["role"] in POPUP_ROLES]
        shut = any(not tree.showing(a) for a in popups)
        combo = any(
            tree.nodes[a]["parent"] >= 0 and tree.nodes[tree.nodes[a]["parent"]]["role"] == "combo box"
            for a in popups
        )
        if shut or (combo and not _in_popup_window(tree, i)):
            node["states"] = [s for s in node["states"] if s != "showing"]
            changed += 1
    return changed


def lightweight_popups(nodes: list[dict], windows: list) -> list[int]:
    """The open popup menus drawn inside their own window, with no X window of their own (Swing's
    lightweight popups, in its frame's layered pane): showing `popup menu` nodes with a box and a showing
    child, held by no override-redirect window. Other toolkits' open popups are X windows: none here."""
    popups = [w.box for w in windows if w.popup]
    found = []
    for i, node in enumerate(nodes):
        x, y, w, h = node["box"]
        if node["role"] != "popup menu" or "showing" not in node["states"] or w <= 0 or h <= 0:
            continue
        if any(p[0] - 1 <= x and p[1] - 1 <= y and x + w <= p[2] + 1 and y + h <= p[3] + 1 for p in popups):
            continue
        if any(n["parent"] == i and "showing" in n["states"] and n["box"][3] > 0 for n in nodes):
            found.append(i)
    return found


def _axis_shift(lo: float, hi: float, first: float, last: float) -> float:
    """How far a column of items spanning [first, last] moves to lie centred in [lo, hi]: 0 when it
    already lies inside, or does not fit (a scrolled menu's rows pass its ends)."""
    if last - first > hi - lo or (lo - 1 <= first and last <= hi + 1):
        return 0
    return round((lo + hi) / 2 - (first + last) / 2)


def popup_items_inside(tree: Tree) -> int:
    """Java's ATK bridge reports the items of a lightweight popup menu (drawn in its frame, no X window
    of its own: jEdit's menus) 17-19 px above where they are drawn, while the popup menu's own box is
    right: the items, which fit in it, are moved with everything in them so that they lie centred in the
    popup menu's box; so are the same items reached through their menu (a Swing menu lists its popup's
    items as its own children: same role, name and box). Any toolkit: items that lie inside their popup
    are left alone."""
    changed, moved, done = 0, {}, set()
    for i in lightweight_popups(tree.nodes, tree.windows):
        items = [j for j, n in enumerate(tree.nodes) if n["parent"] == i and tree.showing(j) and tree.box(j)]
        if not items:
            continue
        px1, py1, px2, py2 = tree.box(i)
        boxes = [tree.box(j) for j in items]
        dx = _axis_shift(px1, px2, min(b[0] for b in boxes), max(b[2] for b in boxes))
        dy = _axis_shift(py1, py2, min(b[1] for b in boxes), max(b[3] for b in boxes))
        if not dx and not dy:
            continue
        for j, node in enumerate(tree.nodes):
            if i in tree.ancestors(j):
                moved[(node["role"], node["name"], tuple(node["box"]))] = (dx, dy)
                node["box"] = [node["box"][0] + dx, node["box"][1] + dy, *node["box"][2:]]
                done.add(j)
                changed += 1
    for j, node in enumerate(tree.nodes):
        shift = moved.get((node["role"], node["name"], tuple(node["box"])))
        if shift is not None and j not in done and "showing" in node["states"]:
            node["box"] = [node["box"][0] + shift[0], node["box"][1] + shift[1], *node["box"][2:]]
            changed += 1
    return changed


def gtk2_popup_showing(tree: Tree) -> int:
    """GTK2 (GIMP) never sets SHOWING on the items of an open popup menu: a VISIBLE menu item whose
    box lies inside an open override-redirect window (the popup) is showing."""
    popups = [w.box for w in tree.windows if w.popup and w.box[2] - w.box[0] > 1]
    changed = 0
    for i, node in enumerate(tree.nodes):
        box = tree.box(i)
        if "showing" in node["states"] or "visible" not in node["states"] or box is None:
            continue
        if not node["role"].endswith("menu item") and node["role"] not in ("menu", "separator"):
            continue
        if any(p[0] <= box[0] and p[1] <= box[1] and box[2] <= p[2] and box[3] <= p[3] for p in popups):
            node["states"] = sorted({*node["states"], "showing"})
            changed += 1
    return changed


def vcl_ghost_menubar(tree: Tree) -> int:
    """LibreOffice with its GTK3 plugin draws GTK's native menu bar and still reports VCL's own (in its
    root pane), never drawn, as showing, at boxes that are not the drawn ones (one menu bar lower, or
    narrower than the drawn labels): of menu bars listing the same menus, the ones in a root pane are
    hidden, with everything in them, when another one is left (else all but the topmost)."""
    bars: dict[tuple, list[int]] = {}
    for i, node in enumerate(tree.nodes):
        if node["role"] == "menu bar":
            names = tuple(n["name"] for n in tree.nodes if n["parent"] == i and n["name"])
            bars.setdefault(names, []).append(i)
    changed = 0
    for names, same in bars.items():
        if len(same) < 2 or not names:
            continue
        native = [i for i in same if not any(tree.nodes[a]["role"] == "root pane" for a in tree.ancestors(i))]
        keep = native[:1] or sorted(same, key=lambda i: tree.nodes[i]["box"][1])[:1]
        for ghost in (i for i in same if i not in keep):
            for j, node in enumerate(tree.nodes):
                if (j == ghost or ghost in tree.ancestors(j)) and "showing" in node["states"]:
                    node["states"] = [s for s in node["states"] if s != "showing"]
                    changed += 1
    return changed


def corrections_for(toolkit: str, app: str = "") -> list[Callable[[Tree], int]]:
    """The corrections a toolkit (as the application reports it) and application need."""
    kit = toolkit.lower()
    fixes = []
    if kit.startswith(("gtk 4", "gtk4")):
        fixes += [gtk4_menu_buttons, gtk4_window_origin, gtk4_popover_origin, gtk4_doubled_names]
    if kit.startswith("vcl") or app.lower() in ("soffice", "libreoffice"):
        fixes.append(vcl_ghost_menubar)
    if kit.startswith(("gail", "gtk 2")):
        from transforms.capture.desktop.gail import gail_expander_cells  # it builds on this module

        fixes += [gtk2_popup_showing, gail_expander_cells]
    return [*fixes, popup_items_inside, closed_popup_rows]


def correct(tree: Tree) -> None:
    for fix in corrections_for(tree.toolkit, tree.app):
        n = fix(tree)
        if n:
            tree.corrections[fix.__name__] = n
