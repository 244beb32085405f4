"""Deterministic exploration of one application: the main window, each top-level menu, each dialog
that a menu item ending in "…" opens, and the tabs of a tabbed dialog, reached with real input.

Each step acts (an XTEST click at an element's centre, or Escape), waits for its post-condition (the
screen changed; a new window for a dialog), waits for a settled frame, walks the tree (again if the
frame changed during the walk), and records the state unless an identical or near-identical screenshot
(same bytes, or pHash within the radius) was recorded already. Failures end the application's
exploration as a state row with a status: no_start, no_atspi, hang (a walk overran its watchdog),
crash (the process died), left_open (a dialog that neither Escape nor Cancel closed).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

import numpy as np

from transforms.capture.desktop.blank import without_blank
from transforms.capture.desktop.elements import extract_with_covers
from transforms.capture.desktop.reader import Reader, WalkTimeout
from transforms.capture.desktop.session import Session
from transforms.capture.desktop.tree import Tree, correct
from transforms.capture.desktop.xdisplay import Screen
from transforms.curate.phash import hamming, phashes

# A window of the application is a child of it in one of these roles; a Qt top-level widget that is no
# QMainWindow or QDialog (qt6ct's main window, a plain QWidget) is a filler there.
TOP_ROLES = ("frame", "window", "dialog", "file chooser", "alert", "filler")
DIALOG_SUFFIXES = ("…", "...")
CLOSERS = ("Cancel", "_Cancel", "Close", "_Close", "OK", "_OK")


START_QUIET_S = 1.0  # how long an application's windows stay the same before its start is taken


class Stop(Exception):
    """Exploration of this application ends here; `status` and `message` say why."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class State:
    path: list[str]
    status: str = "ok"
    message: str = ""
    started_at: float = 0.0
    png: bytes | None = None
    title: str = ""
    elements: list[dict] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    corrections: dict[str, int] = field(default_factory=dict)
    settle_ms: float = 0.0
    walk_ms: float = 0.0
    png_ms: float = 0.0
    seconds: float = 0.0
    nodes: int = 0
    peak_rss_mb: float = 0.0  # the session's processes together, largest sampled up to this state


@dataclass
class AppRun:
    """What exploring one application on one screen gave."""

    app: str
    width: int
    height: int
    toolkit: str = ""
    app_name: str = ""
    states: list[State] = field(default_factory=list)
    duplicates: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    left_behind: int = 0  # processes of the session still alive after tear-down (must be 0)
    # (the actions before, the address, when it was seen) of each web address the application asked for
    urls: list[tuple[list[str], str, float]] = field(default_factory=list)
    extra: object = None  # what a plan other than exploration returned (the how-to replays)


@dataclass
class Limits:
    """One application's exploration limits, from `capture.desktop` and the source (run.limits_for): the
    defaults live in schemas/config.py only."""

    max_states: int
    start_timeout_s: float
    walk_timeout_s: float
    settle_s: float
    dialog_timeout_s: float
    budget_s: float
    phash_radius: int | None
    max_tabs: int
    max_startup: int
    item_wait_s: float
    max_items: int
    max_pages: int
    max_dropdowns: int


class Explorer:
    def __init__(self, session: Session, app, reader: Reader, screen: Screen, limits: Limits):
        self.session, self.app, self.reader, self.screen, self.limits = session, app, reader, screen, limits
        self.states: list[State] = []
        self.toolkit = ""
        self.app_name = ""
        self.seen_sha: set[str] = set()
        self.seen_phash: list[int] = []
        self.duplicates = 0
        self.popups = 0  # override-redirect windows showing in the main state (tooltips, splash)
        self.started = time.monotonic()
        self.launch = None  # (old process) -> new process: kills the application and starts it again
        self.restarts = 0
        self.on_state = lambda: None  # called after each recorded state (the worker samples memory)
        self.urls: list[tuple[list[str], str, float]] = []  # web addresses the application asked to open

    def note_urls(self, path: list[str]) -> None:
        """Record the web addresses the browser stub received since the last look, after `path`."""
        now = time.time()
        self.urls += [(list(path), url, now) for url in self.session.opened_urls(len(self.urls))]

    # --- processes ---------------------------------------------------------------------------------

    def pids(self) -> list[int]:
        """The application's process and its descendants (LibreOffice works in soffice.bin)."""
        family = [self.app.pid]
        parents = {}
        for pid in self.session.marked_pids():
            try:
                stat = open(f"/proc/{pid}/stat").read()  # noqa: SIM115
                parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
        grew = True
        while grew:
            grew = False
            for pid, parent in parents.items():
                if parent in family and pid not in family:
                    family.append(pid)
                    grew = True
        return family

    def alive(self) -> bool:
        return self.app.poll() is None or len(self.pids()) > 1

    def ok_ok(self) -> bool:
        ok = [s for s in self.states if s.status == "ok"]
        return len(ok) < self.limits.max_states and time.monotonic() - self.started < self.limits.budget_s

    # --- reading -----------------------------------------------------------------------------------

    def walk(self) -> dict:
        try:
            answer = self.reader.walk(self.pids(), self.limits.walk_timeout_s)
        except WalkTimeout as exc:
            if not self.alive():
                raise Stop("crash", f"the application exited (code {self.app.poll()})") from exc
            raise Stop("hang", f"a tree walk overran its {self.limits.walk_timeout_s:g} s watchdog") from exc
        if not answer.get("ok"):
            raise Stop("hang", f"the tree reader failed: {answer.get('error')}")
        if answer["apps"]:
            app = answer["apps"][0]
            self.app_name = app["name"] or self.app_name
            self.toolkit = f"{app['toolkit']} {app['version']}".strip() or self.toolkit
        return answer

    def top_windows(self, nodes: list[dict]) -> list[int]:
        """Indexes of the application's showing top-level windows with a box."""
        apps = {i for i, n in enumerate(nodes) if n["role"] == "application"}
        return [
            i
            for i, n in enumerate(nodes)
            if n["parent"] in apps
            and n["role"] in TOP_ROLES
            and n["box"][2] > 0
            and n["box"][3] > 0
            and ("showing" in n["states"] or "visible" in n["states"])
        ]

    def check(self) -> None:
        """Raise Stop when the application is gone or no longer answers a walk within the watchdog."""
        if not self.alive():
            raise Stop("crash", f"the application exited (code {self.app.poll()})")
        self.walk()

    def on_screen(self) -> bool:
        """Whether a titled window (not a popup) is on the screen: the application's, in its session."""
        return any(not w.popup and w.title for w in self.screen.windows())

    def wait_ready(self) -> dict:
        """The first walk that shows a window of the application."""
        start = time.monotonic()
        deadline, registered, retried = start + self.limits.start_timeout_s, False, False
        while time.monotonic() < deadline:
            if not self.alive():
                raise Stop("no_start", f"the application exited at start (code {self.app.poll()})")
            answer = self.walk()
            registered = registered or bool(answer["apps"])
            if self.top_windows(answer["nodes"]):
                return self.walk() if self.windows_quiet() else answer
            waited = time.monotonic() - start
            if (
                not registered
                and self.launch is not None
                and not retried
                and waited > self.limits.start_timeout_s / 4
                and self.on_screen()
            ):
                # Once: an application whose bridge never registered may on a second start. Only
                # once its window is up: one still starting (jEdit's JVM at load 12 took more than a
                # quarter of the timeout) is not killed and started again.
                self.app, retried, start = self.launch(self.app), True, time.monotonic()
                self.restarts += 1
            time.sleep(0.5)
        if registered:
            raise Stop(
                "no_atspi",
                f"the application showed no window in its tree within {self.limits.start_timeout_s:g} s",
            )
        raise Stop(
            "no_atspi",
            f"the application never appeared on the accessibility bus in {self.limits.start_timeout_s:g} s",
        )

    def windows_quiet(self, quiet_s: float = START_QUIET_S) -> bool:
        """Wait until the application's windows (their X windows and titles, and which has the focus)
        have stayed the same for `quiet_s`, at most `settle_s` more; whether any changed meanwhile. jEdit
        shows its Help window 0.2 s after its main window (later under load), retitles the main window
        and moves the focus: a start state taken in between differed from run to run, as did whether the
        Help window's dismissal was a state of its own."""

        def shown() -> tuple[int, list[tuple[int, str]]]:
            return self.screen.active(), [(w.wid, w.title) for w in self.screen.windows() if not w.popup]

        last, since, changed = shown(), time.monotonic(), False
        deadline = since + quiet_s + self.limits.settle_s
        while time.monotonic() - since < quiet_s and time.monotonic() < deadline:
            time.sleep(0.1)
            now = shown()
            if now != last:
                last, since, changed = now, time.monotonic(), True
        # Which window has the focus then still depended on the order the application did two things in
        # (jEdit: its Help window shown, its file loaded): the window on top gets it, as a click would.
        top = self.screen.focus_top()
        if top:
            deadline = time.monotonic() + 1.0
            while self.screen.active() != top and time.monotonic() < deadline:
                time.sleep(0.05)
            changed = True
        return changed

    # --- states ------------------------------------------------------------------------------------

    def observe(self, path: list[str]) -> tuple[State, dict]:
        """Settle, walk (twice if the frame moved meanwhile), and record the state unless seen."""
        state = State(path=path, started_at=time.time())
        t0 = time.monotonic()
        self.session.redate()
        rgb, _ = self.screen.stable(self.limits.settle_s)
        state.settle_ms = (time.monotonic() - t0) * 1000
        for _ in range(2):
            t1 = time.monotonic()
            answer = self.walk()
            state.walk_ms = (time.monotonic() - t1) * 1000
            after = self.screen.grab()
            if after == rgb:
                break
            rgb, _ = self.screen.stable(self.limits.settle_s)
        if not self.alive():
            raise Stop("crash", f"the application exited (code {self.app.poll()})")
        self.note_urls(path)
        t2 = time.monotonic()
        png = self.screen.png(rgb)
        state.png_ms = (time.monotonic() - t2) * 1000
        sha = hashlib.sha256(png).hexdigest()
        ph = int(phashes([png], workers=1)[0])
        near = self.seen_phash and hamming(np.array(self.seen_phash, dtype=np.uint64), np.uint64(ph)).min()
        radius = self.limits.phash_radius
        if sha in self.seen_sha or (self.seen_phash and radius is not None and near <= radius):
            self.duplicates += 1
            return state, answer
        self.seen_sha.add(sha)
        self.seen_phash.append(ph)
        tree = Tree(
            answer["nodes"], self.toolkit, self.screen.windows(), (self.screen.width, self.screen.height)
        )
        tree.origins, tree.app = self.screen.client_origins(), self.app_name
        correct(tree)
        state.elements, state.excluded, state.counts = without_blank(png, *extract_with_covers(tree))
        state.corrections, state.png, state.nodes = tree.corrections, png, len(answer["nodes"])
        tops = self.top_windows(answer["nodes"])
        state.title = answer["nodes"][tops[-1]]["name"] if tops else ""
        state.seconds = time.monotonic() - t0
        self.states.append(state)
        self.on_state()
        return state, answer
