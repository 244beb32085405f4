"""The exploration plan, in order: start, the start-up windows over the main window dismissed one after
another (template pickers, tips, welcome and recovery dialogs), each top-level menu, each "…" item's
dialog (and its tabs). Everything is found in the tree by role and name, and acted on at its box's
centre."""

from __future__ import annotations

import re
import time

from transforms.capture.desktop.explore import CLOSERS, DIALOG_SUFFIXES, Explorer, State, Stop

STOP_WORDS = {"the", "and", "for", "with", "from", "into"}
# The buttons that dismiss a start-up window when Escape does not: its closers, and the ways out of a
# template picker or a first-run page.
STARTUP_CLOSERS = (*CLOSERS, "Skip", "_Skip", "Not Now", "Not now", "Later", "Continue", "Start", "Done")
STARTUP_ROLES = ("dialog", "alert", "file chooser")


def _centre(node: dict) -> tuple[float, float]:
    x, y, w, h = node["box"]
    return x + w / 2, y + h / 2


def _showing(node: dict) -> bool:
    """SHOWING after the toolkit corrections (GTK4's VISIBLE counts there): VISIBLE alone is not enough,
    LibreOffice's ghost VCL menu bar is visible."""
    return "showing" in node["states"]


def _under(nodes: list[dict], i: int) -> list[int]:
    prefix = nodes[i]["path"] + "/"
    return [j for j, n in enumerate(nodes) if n["path"].startswith(prefix)]


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


def dialog_items(nodes: list[dict], menu: dict) -> list[tuple[str, dict]]:
    """The items of an open menu whose label ends in "…" (they open a dialog), top to bottom."""
    i = next((k for k, n in enumerate(nodes) if n["path"] == menu["path"]), None)
    if i is None:
        return []
    items = [
        nodes[j]
        for j in _under(nodes, i)
        if nodes[j]["role"].endswith("menu item")
        and nodes[j]["name"].strip().endswith(DIALOG_SUFFIXES)
        and ("enabled" in nodes[j]["states"] or "sensitive" in nodes[j]["states"])
        and "showing" in nodes[j]["states"]
        and nodes[j]["box"][2] > 0
    ]
    return [(n["name"].strip(), n) for n in sorted(items, key=lambda n: n["box"][1])]


def _windows(ex: Explorer) -> int:
    return sum(1 for w in ex.screen.windows() if not w.popup)


def _popups(ex: Explorer) -> int:
    return sum(1 for w in ex.screen.windows() if w.popup and w.box[2] > 0 and w.box[3] > 0)


def _act(ex: Explorer, do, timeout: float = 3.0) -> bool:
    """Act, then wait for the screen to change (the event's post-condition). When it does not, the
    application is checked: gone (crash) or not answering its tree within the watchdog (hang)."""
    before = ex.screen.grab()
    do()
    if ex.screen.changed(before, timeout):
        return True
    ex.check()
    return False


def _back_to(ex: Explorer, windows: int, tree: dict | None) -> None:
    """Close what is open until only `windows` application windows are left: Escape, then a Cancel or
    Close button of the tree, else the dialog is left open."""
    for attempt in range(3):
        if _windows(ex) <= windows and _popups(ex) <= ex.popups:
            return
        if attempt == 1 and tree is not None:
            closer = next(
                (
                    n
                    for n in tree["nodes"]
                    if n["role"] == "push button" and n["name"] in CLOSERS and _showing(n)
                ),
                None,
            )
            if closer is not None:
                _act(ex, lambda c=closer: ex.screen.click(*_centre(c)))
                continue
        _act(ex, lambda: ex.screen.key("Escape"), timeout=1.0)
        deadline = time.monotonic() + 2.0
        while _windows(ex) > windows and time.monotonic() < deadline:
            time.sleep(0.1)
    if _windows(ex) > windows:
        raise Stop("left_open", "a dialog stayed open after Escape and Cancel")


def _tabs(ex: Explorer, path: list[str], answer: dict) -> None:
    nodes = answer["nodes"]
    tabs = [n for n in nodes if n["role"] == "page tab" and _showing(n) and "selected" not in n["states"]]
    for tab in tabs[: ex.limits.max_tabs]:
        if not ex.ok_ok():
            return
        if _act(ex, lambda t=tab: ex.screen.click(*_centre(t))):
            ex.observe([*path, f"tab:{tab['name'].strip()}"])


def _fresh(nodes: list[dict], menu: dict, name: str) -> dict | None:
    """The item of this name in the menu as the tree shows it now (a menu reopened may scroll or
    gain a row: the boxes read when it was first opened may point at another item)."""
    return next((n for _, n in dialog_items(nodes, menu) if n["name"].strip() == name), None)


def _words(text: str) -> set[str]:
    """The words of a label (3+ letters, lower case, their first 5 letters: 'Templates' is 'Template')."""
    return {w[:5] for w in re.findall(r"[^\W\d_]{3,}", text.lower())} - STOP_WORDS


def confirms(item: str, before: list[str], after: list[str], focused: str) -> bool:
    """Whether what appeared after clicking `item` corresponds to it: the title of a window that was
    not there before, or the focused element's name, shares a word with the item's label."""
    new = [t for t in after if t not in before]
    return bool(_words(item) & (set().union(*map(_words, new)) | _words(focused)))


def _titles(ex: Explorer, nodes: list[dict]) -> list[str]:
    return [nodes[i]["name"] for i in ex.top_windows(nodes)]


def _focused(nodes: list[dict]) -> str:
    return next((n["name"] for n in nodes if "focused" in n["states"] and n["name"].strip()), "")


def _dialog(ex: Explorer, menu: tuple[str, dict], item: tuple[str, dict], windows: int) -> None:
    path = [f"menu:{menu[0]}", f"item:{item[0]}"]
    if not _act(ex, lambda: ex.screen.click(*_centre(menu[1]))):
        return
    ex.screen.stable(ex.limits.settle_s)
    opened = ex.walk()["nodes"]
    fresh = _fresh(opened, menu[1], item[0])
    if fresh is None:
        ex.states.append(
            State(
                path, "unverified", "the item was not in its menu when the menu was opened again", time.time()
            )
        )
        _back_to(ex, windows, None)
        return
    before = _titles(ex, opened)
    _act(ex, lambda: ex.screen.click(*_centre(fresh)))
    deadline = time.monotonic() + ex.limits.dialog_timeout_s
    while _windows(ex) <= windows and time.monotonic() < deadline:
        time.sleep(0.1)
    state, answer = ex.observe(path)
    after = _titles(ex, answer["nodes"])
    if not confirms(item[0], before, after, _focused(answer["nodes"])):
        if state in ex.states:  # recorded: it publishes nothing, and says why
            state.status = "unverified"
            state.message = f"nothing that appeared names the item (windows: {', '.join(after)[:200]})"
            state.png, state.elements, state.excluded, state.counts = None, [], [], {}
    elif _windows(ex) > windows:
        _tabs(ex, path, answer)
    ex.screen.park_pointer()
    _back_to(ex, windows, answer)


def explore(ex: Explorer) -> None:
    """Run the plan; a Stop ends it with a failure state."""
    try:
        _plan(ex)
    except Stop as stop:
        ex.states.append(
            State(path=["stop"], status=stop.status, message=stop.message, started_at=time.time())
        )


def _top_title(ex: Explorer, answer: dict) -> str:
    tops = ex.top_windows(answer["nodes"])
    return answer["nodes"][tops[-1]]["name"].strip() if tops else ""


def _dismiss(ex: Explorer, answer: dict) -> str:
    """Close the window on top of the application's: Escape, else one of its STARTUP_CLOSERS buttons
    (from a fresh walk); how it went. Stop (left_open) when it stays."""
    title = _top_title(ex, answer) or "untitled"

    def shown() -> set[int]:
        return {w.wid for w in ex.screen.windows() if not w.popup}

    before = shown()

    def closed(wait: float) -> bool:
        """A window that was up is gone (the next start-up window may already replace it)."""
        deadline = time.monotonic() + wait
        while before <= shown() and time.monotonic() < deadline:
            time.sleep(0.1)
        return not before <= shown()

    _act(ex, lambda: ex.screen.key("Escape"), timeout=1.0)
    if closed(2.0):
        return f"start-up window {title!r} dismissed with Escape"
    nodes = ex.walk()["nodes"]
    tops = ex.top_windows(nodes)
    buttons = [
        nodes[j]
        for j in (_under(nodes, tops[-1]) if tops else [])
        if nodes[j]["role"] == "push button" and _showing(nodes[j])
    ]
    for name in STARTUP_CLOSERS:
        button = next((n for n in buttons if n["name"] == name), None)
        if button is not None:
            _act(ex, lambda b=button: ex.screen.click(*_centre(b)))
            if closed(ex.limits.dialog_timeout_s):
                return f"start-up window {title!r} dismissed with its {name.strip('_')!r} button"
    raise Stop("left_open", f"the start-up window {title!r} stayed open after Escape and its buttons")


def _over_main(ex: Explorer, answer: dict) -> bool:
    """Whether a start-up window is up: a second window of the application, or a dialog or alert as
    its only one (an error shown before the main window)."""
    nodes = answer["nodes"]
    tops = ex.top_windows(nodes)
    return len(tops) > 1 or any(nodes[i]["role"] in STARTUP_ROLES for i in tops)


def _startup(ex: Explorer, answer: dict) -> dict:
    """Dismiss the windows over the main window one after another (a template picker, then a tip of
    the day...), at most `max_startup` of them; each dismissal is a state whose message says what was
    dismissed and how. The last walk."""
    path = ["start"]
    for _ in range(ex.limits.max_startup):
        if not _over_main(ex, answer):
            break
        title = _top_title(ex, answer)
        how = _dismiss(ex, answer)
        ex.screen.park_pointer()
        path = [*path, f"dismiss:{title or 'untitled'}"]
        state, answer = ex.observe(path)
        state.message = "; ".join(filter(None, [how, state.message]))
    if _over_main(ex, answer):
        title = _top_title(ex, answer)
        most = ex.limits.max_startup
        raise Stop("left_open", f"still a start-up window ({title!r}) after {most} were dismissed")
    return answer


def _plan(ex: Explorer) -> None:
    ex.wait_ready()
    ex.screen.park_pointer()
    _, answer = ex.observe(["start"])
    ex.popups = _popups(ex)
    answer = _startup(ex, answer)
    windows, ex.popups = _windows(ex), _popups(ex)
    openers = []
    for name, node in menus(answer["nodes"]):
        if not ex.ok_ok():
            return
        if _act(ex, lambda n=node: ex.screen.click(*_centre(n))):
            _, opened = ex.observe([f"menu:{name}"])
            openers += [((name, node), item) for item in dialog_items(opened["nodes"], node)]
        _back_to(ex, windows, None)
    for menu, item in openers:
        if not ex.ok_ok():
            return
        try:
            _dialog(ex, menu, item, windows)
        except Stop as stop:
            if stop.status != "left_open" or ex.launch is None:
                raise
            # The dialog is recorded as left open; the application starts afresh for the next item.
            path = [f"menu:{menu[0]}", f"item:{item[0]}"]
            ex.states.append(
                State(path=path, status="left_open", message=stop.message, started_at=time.time())
            )
            ex.app = ex.launch(ex.app)
            ex.wait_ready()
            ex.screen.park_pointer()
            ex.screen.stable(ex.limits.settle_s)
