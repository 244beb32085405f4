"""The accessibility-tree reader: a child process that speaks JSON lines on stdin/stdout.

It runs apart from the capture so that a hung application (every AT-SPI call then waits for its
timeout) or a stuck call can be cut off by killing this process: the parent holds a wall-clock
watchdog on each request. Requests and answers are one JSON object per line:

    {"op": "walk", "pids": [123], "max_nodes": 5000, "max_children": 400}
        -> {"ok": true, "apps": [...], "nodes": [...]}

Each node: path (role[index] from the application down), parent (index into nodes or -1), role, name,
description, states, actions, box [x, y, w, h] in screen coordinates as the toolkit reports them,
children (how many the node claims), value (the text of an editable field, else null) and, for a
table, its visible cells only. Only PyGObject (the Atspi typelib) and the standard library: started as
`python -m transforms.capture.desktop.walker`.
"""

from __future__ import annotations

import json
import sys

# A table claiming more children than this (LibreOffice Calc's sheet claims 2^31) is read through the
# Table interface: the cells whose boxes lie inside the table's own box.
TABLE_CHILDREN = 2000
# A menu is open when one of its first items is showing: a tear-off item, separators and a scroll arrow
# (never showing) may come before the first real item.
OPEN_MENU_PROBE = 8


def _atspi():
    import gi

    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi, GLib

    globals()["GLib"] = GLib
    Atspi.init()
    Atspi.set_timeout(2000, 15000)
    return Atspi


Atspi = None
GLib = None


def _states(acc) -> list[str]:
    state_set = acc.get_state_set()
    return sorted(s.value_nick for s in state_set.get_states())


def _actions(acc) -> list[str]:
    try:
        return [acc.get_action_name(i) for i in range(acc.get_n_actions())]
    except Exception:  # noqa: BLE001 - no Action interface: nothing to act with
        return []


def _node(acc, path: str, parent: int) -> dict:
    """One node. A node that is neither showing nor visible is read shallowly (role, name, states):
    its box, actions and description cannot matter, and its children are not read at all."""
    states = _states(acc)
    seen = "showing" in states or "visible" in states
    box = [0, 0, 0, 0]
    if seen:
        try:
            rect = acc.get_extents(Atspi.CoordType.SCREEN)
            box = [rect.x, rect.y, rect.width, rect.height]
        except Exception:  # noqa: BLE001 - an object without the Component interface (the application)
            pass
    return {
        "path": path,
        "parent": parent,
        "role": acc.get_role_name() or "unknown",
        "name": acc.get_name() or "",
        "description": (acc.get_description() or "") if seen else "",
        "states": states,
        "actions": _actions(acc) if seen else [],
        "box": box,
        "children": acc.get_child_count() if seen or acc.get_role_name() == "application" else 0,
        "value": _value(acc) if seen and "editable" in states else None,
    }


def _value(acc) -> str | None:
    """The text an editable field holds (a typed value reads back here), at most 200 characters."""
    try:
        text = acc.get_text_iface()
        return text.get_text(0, min(text.get_character_count(), 200)) if text is not None else None
    except Exception:  # noqa: BLE001 - a field without the Text interface, or closing under the walk
        return None


def _table_cells(acc, node: dict) -> list:
    """The cells of a huge table that lie inside its own box, row by row, column by column."""
    table = acc.get_table_iface() if hasattr(acc, "get_table_iface") else None
    if table is None:
        return []
    x, y, w, h = node["box"]
    cells = []
    for point in ((x + 1, y + 1), (x + w - 2, y + h - 2)):
        cell = acc.get_accessible_at_point(point[0], point[1], Atspi.CoordType.SCREEN)
        cells.append(cell)
    if None in cells:
        return []
    ranges = []
    for cell in cells:
        index = cell.get_index_in_parent()
        ranges.append((table.get_row_at_index(index), table.get_column_at_index(index)))
    (r0, c0), (r1, c1) = ranges
    return [
        table.get_accessible_at(r, c)
        for r in range(r0, min(r1, r0 + 200) + 1)
        for c in range(c0, min(c1, c0 + 60) + 1)
    ]


def _closed_menu(acc, node: dict, nodes: list[dict], quirks: dict) -> bool:
    """A menu whose items are not on the screen: not walked further (its items would all be hidden,
    and in LibreOffice or GIMP they are most of the tree). GTK4 never sets SHOWING: nothing is
    pruned there. A menu that is not showing is shut. A menu bar's menu (or a submenu) is showing
    while shut: it is open when one of its first items is showing, whatever comes first (a hidden
    tear-off item, a separator, a scroll arrow). GTK2 never sets SHOWING on an open menu's items:
    there the showing menus are always walked, and a submenu (never SHOWING either) is open when its
    first visible item has a box on the screen (a shut one's items are unmapped: boxes at -2^31)."""
    if quirks["gtk4"] or node["role"] not in ("menu", "popup menu"):
        return False
    if "showing" not in node["states"]:
        return not (quirks["gtk2"] and "visible" in node["states"] and _gtk2_open(acc, node))
    if quirks["gtk2"] or node["children"] == 0 or node["role"] == "popup menu":
        return False
    try:
        for k in range(min(node["children"], OPEN_MENU_PROBE)):
            item = acc.get_child_at_index(k)
            if item is not None and "showing" in _states(item):
                return False
        return True
    except Exception:  # noqa: BLE001 - a menu closing under the walk: nothing of it to read
        return True


def _gtk2_open(acc, node: dict) -> bool:
    """Whether a GTK2 submenu is open: its first visible item is mapped (a box on the screen)."""
    try:
        for k in range(min(node["children"], OPEN_MENU_PROBE)):
            item = acc.get_child_at_index(k)
            if item is None or "visible" not in _states(item):
                continue
            rect = item.get_extents(Atspi.CoordType.SCREEN)
            return rect.x > -(2**30) and rect.width > 1
        return False
    except Exception:  # noqa: BLE001 - a menu closing under the walk: shut
        return False


def walk(pids: list[int], max_nodes: int, max_children: int) -> dict:
    context = GLib.MainContext.default()
    while context.pending():  # apply the events that keep the client's cache current
        context.iteration(False)
    desktop = Atspi.get_desktop(0)
    desktop.clear_cache()
    apps, nodes = [], []
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is None or app.get_process_id() not in pids:
            continue
        app.clear_cache()
        apps.append(
            {
                "pid": app.get_process_id(),
                "name": app.get_name() or "",
                "toolkit": app.get_toolkit_name() or "",
                "version": app.get_toolkit_version() or "",
            }
        )
        kit = apps[-1]["toolkit"].upper()
        quirks = {"gtk2": kit == "GAIL", "gtk4": kit == "GTK" and apps[-1]["version"].startswith("4")}
        stack = [(app, f"application[{i}]", -1)]
        while stack and len(nodes) < max_nodes:
            acc, path, parent = stack.pop()
            try:
                node = _node(acc, path, parent)
            except Exception:  # noqa: BLE001 - a node that vanished mid-walk (a menu closing) is skipped
                continue
            nodes.append(node)
            index = len(nodes) - 1
            if node["children"] > TABLE_CHILDREN and node["role"] in ("table", "tree table"):
                kids = _table_cells(acc, node)
            elif node["children"] > max_children or _closed_menu(acc, node, nodes, quirks):
                continue
            else:
                kids = [acc.get_child_at_index(k) for k in range(node["children"])]
            for k in range(len(kids) - 1, -1, -1):
                if kids[k] is not None:
                    role = (kids[k].get_role_name() or "unknown").replace(" ", "_")
                    stack.append((kids[k], f"{path}/{role}[{k}]", index))
    _window_boxes(nodes)
    return {"ok": True, "apps": apps, "nodes": nodes, "truncated": bool(stack) if apps else False}


def _window_boxes(nodes: list[dict]) -> None:
    """A top-level window without a box of its own takes its first child's: Java's ATK bridge reports a
    Swing frame's extents as (-1, -1, -1, -1) and its root pane's right (jEdit's window was never taken
    for one, and its start ended in `no_atspi`)."""
    apps = {i for i, n in enumerate(nodes) if n["role"] == "application"}
    for i, n in enumerate(nodes):
        if n["parent"] in apps and (n["box"][2] <= 0 or n["box"][3] <= 0) and "showing" in n["states"]:
            child = next((c for c in nodes[i + 1 :] if c["parent"] == i and c["box"][2] > 0), None)
            if child is not None:
                n["box"] = list(child["box"])


def serve() -> None:
    global Atspi
    Atspi = _atspi()
    out = sys.stdout
    out.write(json.dumps({"ok": True, "ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["op"] == "walk":
                answer = walk(request["pids"], request["max_nodes"], request["max_children"])
            else:
                answer = {"ok": False, "error": f"unknown op {request['op']!r}"}
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the parent as an answer
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    serve()
