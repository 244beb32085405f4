"""Element rows of one desktop screenshot from its corrected accessibility tree.

An element's own window is the X window of its top-level node in the accessibility tree (the frame,
dialog or window it belongs to, matched by title and box; a menu's items live in their popup window).
Its box is clipped to the screen, to that window and to the scrolling containers around it, then what
the windows stacked above its own window cover is taken away: `visible_ratio` is the share of the box
left to see, and `center_hit` says whether the centre is still on top. Left out, each with its reason:
not showing (`hidden`, which takes in the rows of a shut popup or list, see tree.closed_popup_rows), no
area (`zero_size`), outside the screen or its own window (`off_screen`), and nothing of it left to see
or its centre under a window above (`covered`: a click on its centre reaches that window, and what shows
of it is a part cut off).
"""

from __future__ import annotations

from transforms.capture.desktop.tree import (
    CLIPPERS,
    CONTAINERS,
    INTERACTIVE_ROLES,
    ROLE_AS_ARIA,
    Box,
    Tree,
    holds,
    lightweight_popups,
)

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
    "tool tip",
}


def _popped(tree: Tree, j: int) -> bool:
    """A node that lives in a popup window: a menu's, a tooltip, or a combo box's list (not the combo
    box itself, nor its entry: they are drawn in the window)."""
    node = tree.nodes[j]
    if node["role"] in MENU_ROLES:
        return True
    parent = node["parent"]
    return node["role"] in ("list", "list box") and parent >= 0 and tree.nodes[parent]["role"] == "combo box"


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


def top_level(tree: Tree, i: int) -> int | None:
    """The node's top-level window in the accessibility tree: the ancestor (or itself) that is a child
    of the application (a frame, a dialog, a window)."""
    for j in (i, *tree.ancestors(i)):
        parent = tree.nodes[j]["parent"]
        if parent >= 0 and tree.nodes[parent]["role"] == "application":
            return j
    return None


def _x_window_of(tree: Tree, top: int) -> int | None:
    """The stacking index of the X window that shows a top-level node: of the windows whose box is the
    node's (within a frame's slack), the topmost with the node's name as its title, else the topmost."""
    box = tree.box(top)
    if box is None:
        return None
    name = tree.nodes[top]["name"].strip()
    fits = []
    for k, w in enumerate(tree.windows):
        x1, y1, x2, y2 = w.box
        slack = (x2 - x1) - (box[2] - box[0]) <= WINDOW_SLACK and (y2 - y1) - (
            box[3] - box[1]
        ) <= WINDOW_SLACK
        if _inside(box, w.box) and slack:
            fits.append(k)
    titled = [k for k in fits if name and tree.windows[k].title.strip() == name]
    return (titled or fits or [None])[-1]


def _owner(tree: Tree, i: int, box: Box, cache: dict) -> tuple[int | None, int | None]:
    """(the stacking index of the element's own window, the node that is that window). A menu's items
    live in the popup window that holds them (GTK3 and Qt put them under the menu bar's item); every
    other node lives in the X window of its top-level node in the accessibility tree (its frame, dialog
    or window), found by title and box; failing that, of its nearest ancestor whose box is a window."""
    chain = (i, *tree.ancestors(i))
    if any(_popped(tree, j) for j in chain):
        popups = [k for k, w in enumerate(tree.windows) if w.popup and _inside(box, w.box)] or [
            k for k, w in enumerate(tree.windows) if w.popup and holds(w.box, box)
        ]
        if popups:
            return popups[-1], None
    top = top_level(tree, i)
    if top is not None:
        if ("top", top) not in cache:
            cache[("top", top)] = _x_window_of(tree, top)
        if cache[("top", top)] is not None:
            return cache[("top", top)], top
    for j in chain:
        if j not in cache:
            own = tree.box(j)
            cache[j] = _window_of(tree, own) if own else None
        if cache[j] is not None:
            return cache[j], j
    return None, None


def _clip(tree: Tree, i: int, box: Box, owner: int | None, owner_node: int | None) -> Box | None:
    """The box inside the screen, its own window and every scrolling container between it and its
    window. What lies outside its window is not drawn (Qt's shut popups report rows over other windows).
    A filler (a plain widget) clips too: Qt's scroll area is a filler as its viewport, and a settings
    page's rows below it are reported where the dialog's buttons are drawn."""
    clipped = _intersect(box, (0, 0, *tree.size))
    if clipped is not None and owner is not None:
        clipped = _intersect(clipped, tree.windows[owner].box)
    for a in tree.ancestors(i):
        if clipped is None or a == owner_node or _popped(tree, a):
            break  # a menu's items are in its popup, not inside the menu bar's scrolled container
        if tree.nodes[a]["role"] in (*CLIPPERS, "filler") and tree.box(a):
            clipped = _intersect(clipped, tree.box(a))
    return clipped


def is_candidate(node: dict) -> bool:
    """A node that could be an element: something to act on, or something with a name to read."""
    if node["role"] in CONTAINERS and not (node["actions"] and node["name"]):
        return False
    aria = ROLE_AS_ARIA.get(node["role"], "")
    if aria == "cell" and not node["name"].strip():
        return False  # a row's or an icon's cell with no name: its row, or its named cell, is the target
    if node["role"] == "menu" and not node["name"].strip():
        return (
            False  # a popup menu itself (GTK 4's popover, its shadow margin included): its items are targets
        )
    return bool(node["name"].strip()) or aria in INTERACTIVE_ROLES


def _record(tree: Tree, i: int, box: Box, ratio: float, center_hit: bool) -> dict:
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
        "center_hit": center_hit,
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
    return extract_with_covers(tree)[:3]


def extract_with_covers(tree: Tree) -> tuple[list[dict], list[dict], dict[str, int], list[list[Box]]]:
    """As extract, with, for each element, the boxes of the windows above its own that overlap it (what
    the screenshot shows there is not the element's)."""
    elements, excluded, cache, covers = [], [], {}, []
    counts = {"hidden": 0, "zero_size": 0, "off_screen": 0, "covered": 0}
    # An open popup drawn inside its window (no X window of its own) covers the rest of that window.
    inner = [(top_level(tree, p), tree.box(p)) for p in lightweight_popups(tree.nodes, tree.windows)]
    for i, node in enumerate(tree.nodes):
        if not is_candidate(node):
            continue
        box = tree.box(i)
        reason, ratio, clipped, hit, above = None, 0.0, None, False, []
        if not tree.showing(i):
            reason = "hidden"
        elif box is None:
            reason = "zero_size"
        else:
            owner, owner_node = _owner(tree, i, box, cache)
            clipped = _clip(tree, i, box, owner, owner_node)
            if clipped is None:
                reason = "off_screen"
            else:
                above = [w.box for w in tree.windows[owner + 1 :]] if owner is not None else []
                if inner and not any(_popped(tree, j) for j in (i, *tree.ancestors(i))):
                    above += [b for top, b in inner if top == top_level(tree, i)]
                ratio = (_area(clipped) - covered_area(clipped, above)) / _area(box)
                cx, cy = (clipped[0] + clipped[2]) / 2, (clipped[1] + clipped[3]) / 2
                hit = not any(r[0] <= cx < r[2] and r[1] <= cy < r[3] for r in above)
                if ratio <= 0 or not hit:
                    reason = "covered"
        if reason:
            counts[reason] += 1
            excluded.append(_excluded(node, reason, box))
        else:
            elements.append(_record(tree, i, clipped, ratio, hit))
            covers.append([r for r in above if _intersect(clipped, r)])
    return elements, excluded, counts, covers
