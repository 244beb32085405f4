"""Following every item of a popup (a menu, submenu, tool-bar drop-down or context menu) as a person
would: each one is reached again from the main window just before its click (its box read from that
fresh walk, never from an earlier one), clicked, and judged by what happened.

- a submenu opens a popup: a state (`submenu:<name>`), whose items are followed in turn;
- a window that appears is a dialog (whatever the label: no "…" needed): a state (`item:<name>`) when
  its title or focused element names the item, else `unverified`; its tabs and the pages of a page
  list are states too;
- a radio or check item switches a mode: a state (`mode:<name>`) when the item reads checked (radio)
  or toggled (check) in the reopened popup, else `unverified`; the mode is then switched back;
- any other item changes nothing that is captured.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from transforms.capture.desktop.acting import act, back_to, focused, popup_windows, read, titles, windows
from transforms.capture.desktop.explore import DIALOG_SUFFIXES, Explorer, State, Stop
from transforms.capture.desktop.items import (
    centre,
    confirms,
    find_item,
    kind,
    label,
    page_content,
    page_rows,
    popup_items,
)
from transforms.capture.desktop.tree import holds

MAX_DEPTH = 2  # submenus of submenus are followed; deeper ones are captured but not followed


@dataclass
class Route:
    """How a popup is reached from the main window: the first action (a click on a menu, a button, a
    right-click), then the submenu items (name, role) opened one after another."""

    steps: list[str]
    first: Callable[[], None]
    subs: list[tuple[str, str]] = field(default_factory=list)


def _open(ex: Explorer, click: Callable[[], None], before: set[str]) -> tuple[list[dict], list[dict]] | None:
    """Act and read the popup it opened: (its items, the walk), None when nothing changed."""
    shown = {w.wid for w in popup_windows(ex)}
    if not act(ex, click):
        return None
    ex.screen.stable(ex.limits.settle_s)
    nodes = read(ex)
    items = popup_items(nodes, before, None)
    # The largest new popup that holds items is the one opened: a tooltip may have come up with it, and
    # a popup drawn inside its window (Swing's lightweight ones) is no X window at all.
    new = [w for w in popup_windows(ex) if w.wid not in shown]
    new = [w for w in new if any(holds(w.box, box_of(n)) for n in items)]
    opened = max(new, key=lambda w: (w.box[2] - w.box[0]) * (w.box[3] - w.box[1]), default=None)
    return popup_items(nodes, before, opened.box if opened else None), nodes


def box_of(node: dict) -> tuple:
    x, y, w, h = node["box"]
    return x, y, x + w, y + h


def reopen(ex: Explorer, route: Route, base: set[str]) -> tuple[list[dict], list[dict]] | None:
    """Open the route's popups afresh from the main window; the items of the deepest one and the
    walk, or None when one of them did not open or lacks the next submenu."""
    opened = _open(ex, route.first, base)
    for name, role in route.subs:
        if opened is None:
            return None
        sub = find_item(opened[0], name, role)
        if sub is None:
            return None
        before = {n["path"] for n in opened[1] if "showing" in n["states"]}
        opened = _open(ex, lambda s=sub: ex.screen.click(*centre(s)), before)
    return opened


def _unverified(ex: Explorer, path: list[str], message: str, state: State | None = None) -> None:
    """The state publishes nothing and says why (recorded if it was not yet)."""
    if state is None:
        state = State(path, started_at=time.time())
    elif state not in ex.states:
        return  # a duplicate of a captured screen: nothing was recorded
    state.status, state.message = "unverified", message
    state.png, state.elements, state.excluded, state.counts = None, [], [], {}
    if state not in ex.states:
        ex.states.append(state)


def restart(ex: Explorer, path: list[str], stop: Stop) -> None:
    """A dialog left open, or the application gone after a click: recorded after `path`, and the
    application starts afresh for the next action (a hang, or any stop without a way to restart,
    ends the exploration)."""
    if stop.status not in ("left_open", "crash") or ex.launch is None:
        raise stop
    ex.states.append(State(path=path, status=stop.status, message=stop.message, started_at=time.time()))
    if not ex.ok_ok():
        return  # out of states or time: no restart (it may take the start timeout)
    ex.app = ex.launch(ex.app)
    ex.wait_ready()
    ex.screen.park_pointer()
    ex.screen.stable(ex.limits.settle_s)


def follow(
    ex: Explorer,
    route: Route,
    items: list[dict],
    count: int,
    base: set[str],
    depth: int = 0,
    which=None,
    tried: set | None = None,
    most: int | None = None,
) -> int:
    """Follow each item of the popup the route opens (at most `max_items`; those `which` accepts, not
    in `tried`, which gets each one followed); stop once `most` of them opened a window. A dialog left
    open or a crash after an item restarts the application for the next one. How many opened one."""
    tried = set() if tried is None else tried
    opened = 0
    for node in items[: ex.limits.max_items]:
        if not ex.ok_ok() or (most is not None and opened >= most):
            break
        key = item_key(route, node)
        if (which is not None and not which(node)) or key in tried:
            continue
        tried.add(key)
        try:
            opened += _follow_one(ex, route, node, count, base, depth, tried)
        except Stop as stop:
            restart(ex, [*route.steps, f"item:{label(node)}"], stop)
            opened += stop.status == "left_open"  # a window came up, and stayed
    return opened


def item_key(route: Route, node: dict) -> tuple:
    """What names an item across walks: the steps to its popup, its label and role."""
    return (*route.steps, label(node), node["role"])


def _follow_one(
    ex: Explorer, route: Route, node: dict, count: int, base: set[str], depth: int, tried: set
) -> bool:
    """Follow one item; whether a window opened (a submenu's own items not counted)."""
    name, role = label(node), node["role"]
    if kind(node) == "submenu":
        sub = Route([*route.steps, f"submenu:{name}"], route.first, [*route.subs, (name, role)])
        opened = reopen(ex, sub, base)
        if opened is not None and opened[0]:
            ex.observe(sub.steps)
        ex.screen.park_pointer()
        back_to(ex, count, None, opened[1] if opened else None)
        if opened is not None and opened[0] and depth + 1 < MAX_DEPTH:
            follow(ex, sub, opened[0], count, base, depth + 1, tried=tried)
        return False
    return click_item(ex, route, node, count, base)


def click_item(ex: Explorer, route: Route, node: dict, count: int, base: set[str]) -> bool:
    """Click one item where a fresh walk finds it and judge what happened; whether a window opened."""
    name, role, how = label(node), node["role"], kind(node)
    if how == "radio" and "checked" in node["states"]:
        return False  # the mode already on
    path = [*route.steps, f"{'mode' if how in ('radio', 'check') else 'item'}:{name}"]
    opened = reopen(ex, route, base)
    fresh = find_item(opened[0], name, role) if opened else None
    if fresh is None:
        _unverified(ex, path, "the item was not in its popup when the popup was opened again")
        back_to(ex, count, None, opened[1] if opened else None)
        return False
    before, was_checked = titles(ex, opened[1]), "checked" in fresh["states"]
    act(ex, lambda: ex.screen.click(*centre(fresh)))
    wait = ex.limits.dialog_timeout_s if name.endswith(DIALOG_SUFFIXES) else ex.limits.item_wait_s
    deadline = time.monotonic() + wait
    while windows(ex) <= count and time.monotonic() < deadline:
        time.sleep(0.1)
    if windows(ex) > count:
        dialog(ex, path, name, before, count)
        return True
    if how in ("radio", "check"):
        mode(ex, route, fresh, path, was_checked, opened[0], count, base)
    else:
        ex.screen.park_pointer()
        back_to(ex, count, None)
    return False


def dialog(ex: Explorer, path: list[str], name: str, before: list[str], count: int) -> None:
    """A window appeared after the click: captured, and checked against the item's label."""
    ex.screen.park_pointer()
    state, answer = ex.observe(path)
    after = titles(ex, answer["nodes"])
    if not confirms(name, before, after, focused(answer["nodes"])):
        _unverified(
            ex, path, f"nothing that appeared names the item (windows: {', '.join(after)[:200]})", state
        )
    else:
        tabs(ex, path, answer, before, ex.limits.max_tabs)
        pages(ex, path, before, answer["nodes"])
    ex.screen.park_pointer()
    back_to(ex, count, answer)


def mode(ex, route, fresh, path, was_checked, items, count, base) -> None:
    """A radio or check item was clicked and no window appeared: the state it switched to, confirmed
    by the item's own state in the reopened popup, then switched back."""
    name, role = label(fresh), fresh["role"]
    back_to(ex, count, None)
    ex.screen.park_pointer()
    state, _ = ex.observe(path)
    opened = reopen(ex, route, base)
    again = find_item(opened[0], name, role) if opened else None
    now = again is not None and "checked" in again["states"]
    if now == was_checked or (role == "radio menu item" and not now):
        _unverified(ex, path, "the item's checked state did not change after its click", state)
    # Back to the mode before: the radio item that was checked, or the check item again.
    restore = None
    if again is not None and role == "check menu item" and now != was_checked:
        restore = again
    elif opened and role == "radio menu item":
        previous = [n for n in items if n["role"] == role and "checked" in n["states"]]
        restore = find_item(opened[0], label(previous[0]), role) if previous else None
    if restore is not None:
        act(ex, lambda: ex.screen.click(*centre(restore)))
    ex.screen.park_pointer()
    back_to(ex, count, None, opened[1] if opened and restore is None else None)


def tabs(ex: Explorer, path: list[str], answer: dict, before: list[str], most: int | None) -> None:
    """The tabs of the window on top: at most `most` that change the screen when clicked (a dialog's:
    `max_tabs`; the main window's own, drive.py: None, every one that `max_states` and the budget
    allow), in tree order."""
    nodes = answer["nodes"]
    window = _dialog_window(ex, nodes, before)
    prefix = nodes[window]["path"] + "/" if window is not None else ""

    def click(tab: dict) -> bool:
        if act(ex, lambda: ex.screen.click(*centre(tab))):
            ex.observe([*path, f"tab:{tab['name'].strip()}"])
            return True
        return False

    take_tabs(tab_order(nodes, prefix), most, click, ex.ok_ok)


def tab_order(nodes: list[dict], prefix: str) -> list[dict]:
    """The showing tabs under `prefix` not marked selected, in tree order (qt6ct: the two tabs of the
    palette preview inside its first page, then its six pages). Qt 6 marks no tab selected (qt6ct's
    current one is only focused), so the current tab is among them, and a click on it changes nothing."""
    return [
        n
        for n in nodes
        if n["role"] == "page tab"
        and "showing" in n["states"]
        and "selected" not in n["states"]
        and n["path"].startswith(prefix)
    ]


def take_tabs(found: list[dict], most: int | None, click, go_on) -> list[dict]:
    """Click the tabs of `found` in order (`click(tab)`: true when the screen changed and the state
    was captured) until `most` of them changed the screen (None: no cap) or `go_on()` says stop; the
    tabs taken."""
    taken = []
    for tab in found:
        if (most is not None and len(taken) >= most) or not go_on():
            break
        if click(tab):
            taken.append(tab)
    return taken


def _dialog_window(ex: Explorer, nodes: list[dict], before: list[str]) -> int | None:
    tops = ex.top_windows(nodes)
    new = [i for i in tops if nodes[i]["name"] not in before]
    return (new or tops or [None])[-1]


def pages(ex: Explorer, path: list[str], before: list[str], nodes: list[dict]) -> None:
    """The pages of a settings dialog chosen from a list or tree (found in `nodes`, the dialog's walk):
    each row not selected, at most `max_pages`, clicked at its box in a fresh walk; a page whose row
    does not read selected after its click is `unverified`. A click that left what the window shows as
    it was (items.page_content) opened no page: that state is dropped, and no other row is clicked."""
    window = _dialog_window(ex, nodes, before)
    if window is None or nodes[window]["role"] == "file chooser":
        return  # a file chooser's places are folders, not pages
    names = [name for name, _ in page_rows(nodes, window)]
    for name in names[: ex.limits.max_pages]:
        if not ex.ok_ok():
            return
        nodes = read(ex)
        window = _dialog_window(ex, nodes, before)
        row = (
            next((r for n, r in page_rows(nodes, window) if n == name), None) if window is not None else None
        )
        if row is None or not act(ex, lambda r=row: ex.screen.click(*centre(r))):
            continue
        ex.screen.park_pointer()
        content = page_content(nodes, window)
        state, answer = ex.observe([*path, f"page:{name}"])
        shown = _dialog_window(ex, answer["nodes"], before)
        if state in ex.states and shown is not None and page_content(answer["nodes"], shown) == content:
            ex.states.remove(state)  # the same window with another row selected: its rows are no pages
            return
        if state in ex.states:
            now = read(ex)
            window = _dialog_window(ex, now, before)
            rows = page_rows(now, window, unselected=False) if window is not None else []
            if not any(n == name and "selected" in r["states"] for n, r in rows):
                _unverified(ex, state.path, "the page's row did not read selected after its click", state)
