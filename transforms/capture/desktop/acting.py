"""Acting on the screen and reading what it did: real input followed by its post-condition, the
application's windows and popups counted on the X display, a walk with the toolkit corrections, and
closing what an action opened."""

from __future__ import annotations

import time

from transforms.capture.desktop.explore import CLOSERS, Explorer, Stop
from transforms.capture.desktop.items import centre, showing
from transforms.capture.desktop.tree import Tree, correct, lightweight_popups


def windows(ex: Explorer) -> int:
    return sum(1 for w in ex.screen.windows() if not w.popup)


def popup_windows(ex: Explorer) -> list:
    return [w for w in ex.screen.windows() if w.popup and w.box[2] > w.box[0] and w.box[3] > w.box[1]]


def popups(ex: Explorer) -> int:
    return len(popup_windows(ex))


def act(ex: Explorer, do, timeout: float = 3.0) -> bool:
    """Act, then wait for the screen to change (the event's post-condition). When it does not, the
    application is checked: gone (crash) or not answering its tree within the watchdog (hang)."""
    before = ex.screen.grab()
    do()
    if ex.screen.changed(before, timeout):
        return True
    ex.check()
    return False


def read(ex: Explorer) -> list[dict]:
    """A walk of the application's tree with the toolkit corrections applied (boxes on the screen,
    SHOWING as drawn): what is acted on next is taken from it."""
    answer = ex.walk()
    tree = Tree(answer["nodes"], ex.toolkit, ex.screen.windows(), (ex.screen.width, ex.screen.height))
    tree.origins, tree.app = ex.screen.client_origins(), ex.app_name
    correct(tree)
    return tree.nodes


def titles(ex: Explorer, nodes: list[dict]) -> list[str]:
    return [nodes[i]["name"] for i in ex.top_windows(nodes)]


def focused(nodes: list[dict]) -> str:
    return next((n["name"] for n in nodes if "focused" in n["states"] and n["name"].strip()), "")


def closers(nodes: list[dict], shown: list) -> list[dict]:
    """The Cancel or Close buttons of the window on top (the last of `shown`, the X windows bottom to
    top, that is no popup): a second main window (gnome-calculator's New Window) has a Close button
    of its own, and the first one of the tree was the main window's."""
    top = next((w.box for w in reversed(shown) if not w.popup), None)
    return [
        n
        for n in nodes
        if n["role"] == "push button"
        and n["name"] in CLOSERS
        and showing(n)
        and (top is None or _inside(n["box"], top))
    ]


def _inside(box: list, area: tuple) -> bool:
    x, y, w, h = box
    return area[0] <= x and area[1] <= y and x + w <= area[2] and y + h <= area[3]


def menu_opener(nodes: list[dict]) -> dict | None:
    """The menu of a menu bar that is selected (its popup open): clicking it again shuts the popup."""
    return next(
        (
            n
            for n in nodes
            if n["role"] == "menu"
            and "selected" in n["states"]
            and showing(n)
            and n["parent"] >= 0
            and nodes[n["parent"]]["role"] == "menu bar"
        ),
        None,
    )


def shut_inner_popups(ex: Explorer, nodes: list[dict], tries: int = 3) -> None:
    """Shut the popups that the walk `nodes` shows open inside their window (tree.lightweight_popups:
    Swing's, no X window to count): Escape, read again, until none is left; the last try clicks the
    menu-bar menu that opened it (Escape reaches only a window that has the keyboard focus)."""
    for attempt in range(tries):
        if not lightweight_popups(nodes, ex.screen.windows()):
            return
        opener = menu_opener(nodes)
        if attempt == tries - 1 and opener is not None:
            act(ex, lambda o=opener: ex.screen.click(*centre(o)), timeout=1.0)
        else:
            act(ex, lambda: ex.screen.key("Escape"), timeout=1.0)
        nodes = read(ex)


def back_to(ex: Explorer, count: int, tree: dict | None, shown: list[dict] | None = None) -> None:
    """Close what is open until only `count` application windows (and the popups of the main state)
    are left: Escape, then a Cancel or Close button of the tree, or else the window manager's close of
    the window on top (a window with neither, such as Poedit's Catalogs Manager), then Escape again;
    else it is left open. A popup drawn inside its window (Swing's) is no X window to count: those the
    walk `shown` has open are shut first (shut_inner_popups; left open, the next click on its menu shut
    it, and the item to follow was not found)."""
    shut_inner_popups(ex, shown or [])
    for attempt in range(4):
        if windows(ex) <= count and popups(ex) <= ex.popups:
            return
        if attempt == 1 and tree is not None:
            closer = next((n for n in closers(tree["nodes"], ex.screen.windows())), None)
            if closer is not None:
                act(ex, lambda c=closer: ex.screen.click(*centre(c)))
                continue
        top = next((w for w in reversed(ex.screen.windows()) if not w.popup), None)
        if attempt == 1 and windows(ex) > count and top is not None:
            act(ex, lambda w=top: ex.screen.close_window(w.wid), timeout=ex.limits.dialog_timeout_s)
        else:
            act(ex, lambda: ex.screen.key("Escape"), timeout=1.0)
        deadline = time.monotonic() + 2.0
        while windows(ex) > count and time.monotonic() < deadline:
            time.sleep(0.1)
    if windows(ex) > count:
        raise Stop("left_open", "a dialog stayed open after Escape, Cancel and the window manager's close")
