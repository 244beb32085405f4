"""Element rows of one desktop screenshot from its corrected accessibility tree.

An element's box is clipped to the screen and to the scrolling containers around it, then what the
windows stacked above its own window cover is taken away: `visible_ratio` is the share of the box left
to see. An element's own window is the nearest node, from the element up, whose box is a top-level X
window (a popup menu is its own window; a dialog's buttons live in the dialog's window). Left out, each
with its reason: not showing (`hidden`), no area (`zero_size`), outside the screen (`off_screen`), and
centre covered by another window or nothing of it left to see (`covered`).
"""

from __future__ import annotations

from transforms.capture.desktop.tree import CLIPPERS, CONTAINERS, INTERACTIVE_ROLES, ROLE_AS_ARIA, Box, Tree

WINDOW_SLACK = 40  # px: a window's frame (title bar, borders) around the box its toolkit reports


def _intersect(a: Box, b: Box) -> Box | None:
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] < box[2] and box[1] < box[3] else None


def _area(box: Box | None) -> float:
    return 0.0 if box is None else (box[2] - box[0]) * (box[3] - box[1])


def covered_area(box: Box, rects: list[Box]) -> float:
    """The area of `box` that the union of `rects` covers (exact, by coordinate compression)."""
    parts = [r for r in (_intersect(box, r) for r in rects) if r]
    if not parts:
        return 0.0
    xs = sorted({v for r in parts for v in (r[0], r[2])})
    ys = sorted({v for r in parts for v in (r[1], r[3])})
    total = 0.0
    for x1, x2 in zip(xs, xs[1:]):
        for y1, y2 in zip(ys, ys[1:]):
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            if any(r[0] <= cx < r[2] and r[1] <= cy < r[3] for r in parts):
                total += (x2 - x1) * (y2 - y1)
    return total


MENU_ROLES = {
    "menu",
    "popup menu",
    "menu item",
    "check menu item",
    "radio menu item",
    "combo box",
    "tool tip",
}


def _inside(box: Box, window: tuple, slack: float = 1) -> bool:
    x1, y1, x2, y2 = window
    return x1 - slack <= box[0] and y1 - slack <= box[1] and box[2] <= x2 + slack and box[3] <= y2 + slack


def _window_of(tree: Tree, box: Box) -> int | None:
    """The stacking index of the X window that is this box (within its frame's slack), if any."""
    best = None
    for k, w in enumerate(tree.windows):
        x1, y1, x2, y2 = w.box
        fits = (x2 - x1) - (box[2] - box[0]) <= WINDOW_SLACK and (y2 - y1) - (box[3] - box[1]) <= WINDOW_SLACK
        if _inside(box, w.box) and fits:
            best = k  # the topmost such window wins
    return best


def _owner(tree: Tree, i: int, box: Box, cache: dict[int, int | None]) -> tuple[int | None, int | None]:
    """(the stacking index of the element's own window, the node that is that window). A menu's items
    live in the popup window that holds them (GTK3 and Qt put them under the menu bar's item); every
    other node lives in the window of its nearest ancestor that is a window."""
    chain = (i, *tree.ancestors(i))
    if any(tree.nodes[j]["role"] in MENU_ROLES for j in chain):
        popups = [k for k, w in enumerate(tree.windows) if w.popup and _inside(box, w.box)]
        if popups:
            return popups[-1], None
    for j in chain:
        if j not in cache:
            own = tree.box(j)
            cache[j] = _window_of(tree, own) if own else None
        if cache[j] is not None:
            return cache[j], j
    return None, None


def _clip(tree: Tree, i: int, box: Box, owner_node: int | None) -> Box | None:
    """The box inside the screen and inside every scrolling container between it and its window."""
    clipped = _intersect(box, (0, 0, *tree.size))
    for a in tree.ancestors(i):
        if clipped is None or a == owner_node or tree.nodes[a]["role"] in MENU_ROLES:
            break  # a menu's items are in its popup, not inside the menu bar's scrolled container
        if tree.nodes[a]["role"] in CLIPPERS and tree.box(a):
            clipped = _intersect(clipped, tree.box(a))
    return clipped


def is_candidate(node: dict) -> bool:
    """A node that could be an element: something to act on, or something with a name to read."""
    if node["role"] in CONTAINERS and not (node["actions"] and node["name"]):
        return False
    aria = ROLE_AS_ARIA.get(node["role"], "")
    return bool(node["name"].strip()) or aria in INTERACTIVE_ROLES


def _record(tree: Tree, i: int, box: Box, ratio: float, element_index: int) -> dict:
    node = tree.nodes[i]
    aria = ROLE_AS_ARIA.get(node["role"], node["role"].replace(" ", "_"))
    interactive = aria in INTERACTIVE_ROLES or bool(node["actions"]) or "editable" in node["states"]
    name = node["name"].strip() or None
    return {
        "tag": node["role"],
        "role": aria,
        "text": name,
        "name": name,
        "title": node["description"].strip() or None,
        "description": node["description"].strip() or None,
        "states": node["states"],
        "actions": node["actions"],
        "has_popup": "has-popup" in node["states"] or None,
        "interactive": interactive,
        "center_hit": True,
        "visible_ratio": round(ratio, 4),
        "in_viewport": True,
        "scope": "document",
        "css_path": node["path"],
        "x1": float(box[0]),
        "y1": float(box[1]),
        "x2": float(box[2]),
        "y2": float(box[3]),
    }


def _excluded(node: dict, reason: str, box: Box | None) -> dict:
    x1, y1, x2, y2 = box if box else (None,) * 4
    name = node["name"].strip() or None
    role = ROLE_AS_ARIA.get(node["role"], node["role"].replace(" ", "_"))
    return {"tag": node["role"], "role": role, "name": name, "reason": reason, "css_path": node["path"]} | {
        "x1": x1,
        "y1": y1,
        "x2": x2,
        "y2": y2,
    }


def extract(tree: Tree) -> tuple[list[dict], list[dict], dict[str, int]]:
    """(elements, excluded elements, counts per exclusion reason) of the tree's candidates."""
    elements, excluded, cache = [], [], {}
    counts = {"hidden": 0, "zero_size": 0, "off_screen": 0, "covered": 0}
    for i, node in enumerate(tree.nodes):
        if not is_candidate(node):
            continue
        box = tree.box(i)
        reason, ratio, clipped = None, 0.0, None
        if not tree.showing(i):
            reason = "hidden"
        elif box is None:
            reason = "zero_size"
        else:
            owner, owner_node = _owner(tree, i, box, cache)
            clipped = _clip(tree, i, box, owner_node)
            if clipped is None:
                reason = "off_screen"
            else:
                above = [w.box for w in tree.windows[owner + 1 :]] if owner is not None else []
                ratio = (_area(clipped) - covered_area(clipped, above)) / _area(box)
                cx, cy = (clipped[0] + clipped[2]) / 2, (clipped[1] + clipped[3]) / 2
                if ratio <= 0 or any(r[0] <= cx < r[2] and r[1] <= cy < r[3] for r in above):
                    reason = "covered"
        if reason:
            counts[reason] += 1
            excluded.append(_excluded(node, reason, box))
        else:
            elements.append(_record(tree, i, clipped, ratio, len(elements)))
    return elements, excluded, counts
