"""The exploration plan, in order: start, the start-up windows over the main window dismissed one after
another (template pickers, tips, welcome and recovery dialogs), then the popups of the main window in
the order of order.py: each top-level menu followed at once by its first item that opens a dialog, the
menus' other dialog items, the tool-bar drop-downs, combo-box lists and context menus of the main
widgets, every other item (follow.py: submenus, dialogs and their tabs and pages, modes); and last the
main window's own tabs. Everything is found in the tree by role and name, and acted on at its box's
centre."""

from __future__ import annotations

import time

from transforms.capture.desktop.acting import act as _act
from transforms.capture.desktop.acting import back_to, read
from transforms.capture.desktop.acting import popups as _popups
from transforms.capture.desktop.acting import windows as _windows
from transforms.capture.desktop.explore import Explorer, State, Stop
from transforms.capture.desktop.follow import Route, follow, reopen, restart, tabs
from transforms.capture.desktop.items import centre as _centre
from transforms.capture.desktop.items import context_targets, dropdowns, label, refind, shown_paths
from transforms.capture.desktop.ocr_start import start_state
from transforms.capture.desktop.order import FOLLOW, OPEN, OPENERS, schedule
from transforms.capture.desktop.startup import startup as _startup


def _showing(node: dict) -> bool:
    """SHOWING after the toolkit corrections (GTK4's VISIBLE counts there): VISIBLE alone is not enough,
    LibreOffice's ghost VCL menu bar is visible."""
    return "showing" in node["states"]


def menus(nodes: list[dict]) -> list[tuple[str, dict]]:
    """The top-level menus of the menu bars, left to right: (name, node)."""
    bars = [i for i, n in enumerate(nodes) if n["role"] == "menu bar" and _showing(n) and n["box"][2] > 0]
    found = [
        (n["name"].strip(), n)
        for i, n in enumerate(nodes)
        if n["parent"] in bars
        and n["role"] in ("menu", "menu item")
        and n["name"].strip()
        and _showing(n)
        and n["box"][2] > 0
    ]
    return sorted(found, key=lambda m: (m[1]["box"][1], m[1]["box"][0]))


def explore(ex: Explorer) -> None:
    """Run the plan; a Stop ends it with a failure state."""
    try:
        _plan(ex)
    except Stop as stop:
        shown = start_state(ex, stop)  # no tree: OCR stands in for the start state's elements
        if shown is not None:
            ex.states.append(shown)
            stop.message += "; the start state's elements are OCR's"
        ex.states.append(
            State(path=["stop"], status=stop.status, message=stop.message, started_at=time.time())
        )


def _fresh_click(ex: Explorer, node: dict, button: int = 1) -> None:
    """Click an opener at its box in a walk made now (items.refind), not at the box of the walk that
    found it: the window may have changed since (a dialog's item replaced it). Nothing of it showing:
    its old box is clicked, and what opens, if anything, is judged as usual."""
    fresh = refind(read(ex), node)
    ex.screen.click(*_centre(fresh if fresh is not None else node), button)


def _guarded(ex: Explorer, path: list[str], do) -> None:
    try:
        do()
    except Stop as stop:
        restart(ex, path, stop)


def _menu_routes(ex: Explorer, nodes: list[dict]) -> list[Route]:
    """The route to each top-level menu of the menu bar, left to right."""
    return [Route([f"menu:{name}"], lambda n=node: _fresh_click(ex, n)) for name, node in menus(nodes)]


def _open_state(ex: Explorer, route: Route, count: int, base: set[str], need_items: bool = True):
    """Open a popup, capture it as a state when it opened (with items, unless `need_items` is false),
    close it; its items."""
    popups = _popups(ex)
    opened = reopen(ex, route, base)
    shown = opened is not None and (bool(opened[0]) or (not need_items and _popups(ex) > popups))
    if shown:
        ex.screen.park_pointer()
        ex.observe(route.steps)
    ex.screen.park_pointer()
    back_to(ex, count, None, opened[1] if opened else None)
    return opened[0] if shown else []


def _openers(ex: Explorer, nodes: list[dict], count: int, base: set[str]) -> list[tuple[Route, list[dict]]]:
    """The tool-bar drop-downs and combo-box lists of the main window, then the context menus of its
    main widgets (a right-click at their centre), opened and captured: (route, items to follow). A
    combo box's rows are not followed (choosing one changes a setting)."""
    found, seen = [], []

    def unique(step: str) -> str:
        """Two drop-downs of one name (geany has two "Menu" buttons): the second is "name (2)"."""
        seen.append(step)
        return step if seen.count(step) == 1 else f"{step} ({seen.count(step)})"

    for node in dropdowns(nodes)[: ex.limits.max_dropdowns]:
        if not ex.ok_ok():
            return found
        combo = node["role"] == "combo box"
        name = label(node) or " ".join(node["description"].split()) or node["role"]
        route = Route(
            [unique(f"{'combo' if combo else 'dropdown'}:{name}")],
            lambda n=node: _fresh_click(ex, n),
        )
        opened = _open_state(ex, route, count, base, need_items=not combo)
        if not opened and not combo and _popups(ex) <= ex.popups and "has-popup" not in node["states"]:
            _act(ex, lambda n=node: ex.screen.click(*_centre(n)), timeout=1.0)  # a plain toggle: undone
        found.append((route, [] if combo else opened))
    for node in context_targets(nodes):
        if not ex.ok_ok():
            return found
        route = Route(
            [unique(f"context:{label(node) or node['role']}")], lambda n=node: _fresh_click(ex, n, 3)
        )
        found.append((route, _open_state(ex, route, count, base)))
    return found


def _plan(ex: Explorer) -> None:
    ex.wait_ready()
    ex.screen.park_pointer()
    _, answer = ex.observe(["start"])
    ex.popups = _popups(ex)
    _startup(ex, answer)
    count, ex.popups = _windows(ex), _popups(ex)
    nodes = read(ex)
    routes = _menu_routes(ex, nodes)
    tried: set = set()  # the items followed so far (follow.item_key): each is followed once
    _popups_in_order(ex, nodes, routes, count, tried, with_openers=True)
    # Menus that were not there at the start: the main window was replaced by another (Poedit's New…
    # turns its welcome window, File and Help, into the editor, with Edit, View, Go and Catalog).
    if ex.ok_ok():
        nodes = read(ex)
        known = {r.steps[0] for r in routes}
        more = [r for r in _menu_routes(ex, nodes) if r.steps[0] not in known]
        _popups_in_order(ex, nodes, more, count, tried, with_openers=False)
    # Last, the main window's own tabs (qt6ct is a tabbed settings window with no menu bar): after them
    # the main window no longer shows what the popups above were found in. Not capped by `max_tabs`
    # (a dialog's tabs are): they are the application's main content and nothing is left to explore
    # after them, so only `max_states` and the budget bound them.
    if ex.ok_ok():
        _guarded(ex, ["tabs"], lambda: tabs(ex, [], {"nodes": read(ex)}, [], None))


def _popups_in_order(
    ex: Explorer, nodes: list[dict], routes: list[Route], count: int, tried: set, with_openers: bool
) -> None:
    """The menus of `routes` and (`with_openers`) the main window's other popups, opened and followed
    in the order of order.schedule; `nodes` is the main window's walk."""
    base = shown_paths(nodes)
    popups: list[tuple[Route, list[dict]]] = [(r, []) for r in routes]
    openers = len(dropdowns(nodes)[: ex.limits.max_dropdowns]) + len(context_targets(nodes))
    for what, k in schedule(len(routes), openers if with_openers else 0):
        if not ex.ok_ok():
            return
        if what == OPEN:
            popups[k] = (routes[k], _open_state(ex, routes[k], count, base))
        elif what == OPENERS:
            if with_openers:
                popups += _openers(ex, nodes, count, base)
        elif k < len(popups):
            route, items = popups[k]
            which, most = FOLLOW[what]
            _guarded(
                ex,
                route.steps,
                lambda r=route, o=items, w=which, m=most: follow(
                    ex, r, o, count, base, which=w, tried=tried, most=m
                ),
            )
