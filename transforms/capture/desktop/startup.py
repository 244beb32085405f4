"""The windows an application shows over (or before) its main window at start: template pickers, tips,
welcome and recovery dialogs, a chat client's network list. They are dismissed one after another, each
dismissal a state whose message says what was dismissed and how, until the main window is left.

A start-up window is a second window of the application, a dialog or alert as its only one, or a window
that asks the window manager to be treated as a dialog whatever its accessible role (HexChat's Network
List is a frame). It is dismissed with Escape, else with one of its buttons (STARTUP_WAYS, in order), else
with the window manager's close of the X window of its title (as its title bar's close button: jEdit's
Help window, shown at its first start, has no button and ignores Escape).
A way that ends the application with the window (HexChat's Close quits: the list is all there is until a
network is chosen) is not taken again: the application is started afresh and the next way is tried.
"""

from __future__ import annotations

import time

from transforms.capture.desktop.acting import act
from transforms.capture.desktop.explore import CLOSERS, Explorer, Stop
from transforms.capture.desktop.items import centre

ESCAPE = "Escape"
WM_CLOSE = "close"  # the window manager's close (its title bar's button): jEdit's Help window has no other
# The buttons that dismiss a start-up window when Escape does not: its closers, the ways out of a
# template picker or a first-run page, then the ways on into the application (HexChat's Connect, which
# in the session's network namespace reaches nothing and leaves the main window up).
STARTUP_WAYS = (
    *CLOSERS,
    *("Skip", "_Skip", "Not Now", "Not now", "Later", "Continue", "Start", "Done", "Connect", "_Connect"),
)
STARTUP_ROLES = ("dialog", "alert", "file chooser")


def over_main(nodes: list[dict], tops: list[int], dialogs: set[str]) -> bool:
    """Whether a start-up window is up, from a walk's nodes, its showing top-level windows `tops` and the
    titles of the windows typed as dialogs on the X display: a second window of the application, or as
    its only one a dialog, an alert, or a window the window manager was asked to treat as a dialog."""
    alone = (nodes[i]["role"] in STARTUP_ROLES or nodes[i]["name"] in dialogs for i in tops)
    return len(tops) > 1 or any(alone)


def ways_out(buttons: list[dict], ended: set[str]) -> list[str]:
    """The ways to try on a start-up window, in order: Escape, then the STARTUP_WAYS among its showing
    push buttons (their names); those in `ended` (they ended the application before) left out."""
    names = {b["name"] for b in buttons if b["role"] == "push button" and "showing" in b["states"]}
    return [w for w in (ESCAPE, *(n for n in STARTUP_WAYS if n in names)) if w not in ended]


def _under(nodes: list[dict], i: int) -> list[dict]:
    prefix = nodes[i]["path"] + "/"
    return [n for n in nodes if n["path"].startswith(prefix)]


def _top_title(ex: Explorer, answer: dict) -> str:
    tops = ex.top_windows(answer["nodes"])
    return answer["nodes"][tops[-1]]["name"].strip() if tops else ""


def _shown(ex: Explorer) -> set[int]:
    return {w.wid for w in ex.screen.windows() if not w.popup}


def _closed(ex: Explorer, before: set[int], wait: float) -> bool:
    """A window that was up is gone (the next start-up window may already replace it)."""
    deadline = time.monotonic() + wait
    while before <= _shown(ex) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not before <= _shown(ex)


def _goes_on(ex: Explorer) -> bool:
    """After a start-up window closed: whether the application goes on (a titled window of it shows
    again) rather than ending with it."""
    deadline = time.monotonic() + ex.limits.dialog_timeout_s
    while time.monotonic() < deadline:
        if not ex.alive():
            return False
        if ex.on_screen():
            return True
        time.sleep(0.1)
    return ex.alive()


def dismiss(ex: Explorer, answer: dict, ended: set[str]) -> str:
    """Close the window on top of the application's, the first of `ways_out` that closes it; the way
    taken. Stop (left_open) when none does."""
    title = _top_title(ex, answer) or "untitled"
    nodes = answer["nodes"]
    tops = ex.top_windows(nodes)
    for way in ways_out(_under(nodes, tops[-1]) if tops else [], ended):
        before = _shown(ex)
        if way == ESCAPE:
            act(ex, lambda: ex.screen.key("Escape"), timeout=1.0)
            if _closed(ex, before, 2.0):
                return way
            continue
        fresh = ex.walk()["nodes"]  # the button where it is now
        now = ex.top_windows(fresh)
        inside = _under(fresh, now[-1]) if now else []
        button = next((n for n in inside if n["role"] == "push button" and n["name"] == way), None)
        if button is not None and "showing" in button["states"]:
            act(ex, lambda b=button: ex.screen.click(*centre(b)))
            if _closed(ex, before, ex.limits.dialog_timeout_s):
                return way
    # The X window of that title: the main window may be stacked above it (jEdit's is), and closing
    # it ends the application.
    top = next((w for w in reversed(ex.screen.windows()) if not w.popup and w.title == title), None)
    if top is not None and WM_CLOSE not in ended:
        before = _shown(ex)
        act(ex, lambda: ex.screen.close_window(top.wid), timeout=ex.limits.dialog_timeout_s)
        if _closed(ex, before, ex.limits.dialog_timeout_s):
            return WM_CLOSE
    raise Stop("left_open", f"the start-up window {title!r} stayed open after Escape, buttons and a close")


def _over(ex: Explorer, answer: dict) -> bool:
    nodes = answer["nodes"]
    return over_main(nodes, ex.top_windows(nodes), ex.screen.dialog_titles())


def _explored_as_main(ex: Explorer, answer: dict) -> bool:
    """Whether a start-up window that could not be dismissed is explored as the main window: the
    application's only window, a frame or window typed as a dialog (a small utility whose one window is
    a dialog), not a real dialog or alert (an error shown before the main window stops the run)."""
    nodes = answer["nodes"]
    tops = ex.top_windows(nodes)
    return len(tops) == 1 and nodes[tops[0]]["role"] not in STARTUP_ROLES


def startup(ex: Explorer, answer: dict) -> dict:
    """Dismiss the windows over the main window one after another, at most `max_startup` of them (a
    start afresh after a way that ended the application counts as one); each dismissal is a state. The
    last walk."""
    path, ended, notes = ["start"], set(), []
    for _ in range(ex.limits.max_startup):
        if not _over(ex, answer):
            break
        title = _top_title(ex, answer) or "untitled"
        try:
            way = dismiss(ex, answer, ended)
        except Stop:
            if _explored_as_main(ex, answer):
                return answer
            raise
        named = {ESCAPE: "Escape", WM_CLOSE: "the window manager's close"}
        how = named.get(way, f"its {way.strip('_')!r} button")
        if not _goes_on(ex):
            # The application ended with its start-up window: started afresh, that way left out.
            ended.add(way)
            notes.append(f"{how} on start-up window {title!r} ended the application: started again")
            if ex.launch is None:
                raise Stop("crash", f"the application ended with its start-up window {title!r}")
            ex.app = ex.launch(ex.app)
            ex.restarts += 1
            answer = ex.wait_ready()
            ex.screen.park_pointer()
            ex.screen.stable(ex.limits.settle_s)
            continue
        ex.screen.park_pointer()
        path = [*path, f"dismiss:{title}"]
        state, answer = ex.observe(path)
        done = f"start-up window {title!r} dismissed with {how}"
        state.message = "; ".join(filter(None, [*notes, done, state.message]))
        notes = []
    if _over(ex, answer) and not _explored_as_main(ex, answer):
        title = _top_title(ex, answer)
        most = ex.limits.max_startup
        raise Stop("left_open", f"still a start-up window ({title!r}) after {most} were dismissed")
    return answer
