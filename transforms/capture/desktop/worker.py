"""One application explored in a process of its own: `python -m transforms.capture.desktop.worker`.

The worker makes itself a child subreaper, so every process the session leaves behind (daemons that
double-fork, children of a killed launcher) is reparented to it and reaped here, not left as a zombie
for PID 1. The request comes as JSON on stdin; the result is pickled to the file the request names.
The caller (run_app) kills the worker's process group and sweeps the session's marker if the worker
itself overruns.

Before anything starts, the worker moves into a network namespace of its own (isolation.py): the whole
session, and every process it starts, reaches loopback only, and not the machine's.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from transforms.capture.desktop.drive import explore
from transforms.capture.desktop.explore import AppRun, Explorer, Limits, State
from transforms.capture.desktop.isolation import IsolationError, enter_network_namespace
from transforms.capture.desktop.reader import Reader, ReaderError
from transforms.capture.desktop.session import Session, SessionError, marked
from transforms.capture.desktop.xdisplay import Screen

PR_SET_CHILD_SUBREAPER = 36


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total / 1024


def _launch(session: Session, command: list[str], files: list[str]) -> subprocess.Popen:
    home = Path(session.env["HOME"])
    opened = []
    for f in files:
        target = home / Path(f).name
        shutil.copyfile(f, target)
        session.own(target)
        opened.append(str(target))
    return session.launch([*command, *opened])


def _relaunch(session: Session, old: subprocess.Popen, request: dict) -> subprocess.Popen:
    try:
        os.killpg(old.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    old.wait()
    return _launch(session, request["command"], request.get("files", []))


def _sample(run: AppRun, state: State, session: Session) -> None:
    """The session's memory now: the run's peak so far, kept with the state just recorded."""
    run.peak_rss_mb = max(run.peak_rss_mb, rss_mb(session.marked_pids()))
    state.peak_rss_mb = run.peak_rss_mb


def _explore(request: dict, run: AppRun, session: Session) -> None:
    try:
        app = _launch(session, request["command"], request.get("files", []))
    except (FileNotFoundError, PermissionError) as exc:
        run.states.append(State(["stop"], "no_start", f"{type(exc).__name__}: {exc}", time.time()))
        return
    reader, screen = Reader(session), Screen(session.display)
    try:
        reader.start()
        ex = Explorer(session, app, reader, screen, Limits(**request["limits"]))
        ex.launch = lambda old: _relaunch(session, old, request)
        ex.on_state = lambda: _sample(run, ex.states[-1], session)
        if request.get("plan"):  # another plan than exploration (how-to replay): module:function
            module, _, name = request["plan"].partition(":")
            run.extra = getattr(importlib.import_module(module), name)(ex, request.get("plan_args"))
        else:
            explore(ex)
        ex.note_urls(["end"])  # asked for after the last state
        run.states, run.duplicates, run.toolkit, run.app_name, run.urls = (
            ex.states,
            ex.duplicates,
            ex.toolkit,
            ex.app_name,
            ex.urls,
        )
        if session.clock_note and run.states:
            first = run.states[0]
            first.message = "; ".join(filter(None, [first.message, session.clock_note]))
    except ReaderError as exc:
        run.states.append(State(["stop"], "no_atspi", str(exc), time.time()))
    finally:
        screen.close()
        reader.stop()


def work(request: dict) -> AppRun:
    run = AppRun(request["app"], request["width"], request["height"])
    t0 = time.monotonic()
    clock = datetime.fromisoformat(request["clock"]) if request.get("clock") else None
    session = Session(request["width"], request["height"], request["app"], request["token"], clock)
    session.scope = request.get("scope", "")
    try:
        enter_network_namespace()
    except IsolationError as exc:
        message = f"no network namespace for the session: {exc}"
        run.states.append(State(["stop"], "error", message, time.time()))
        return run
    try:
        with session:
            _explore(request, run, session)
    except SessionError as exc:
        run.states.append(State(["stop"], "error", f"session: {exc}", time.time()))
    _reap()
    run.left_behind = len(session.marked_pids())
    run.seconds = time.monotonic() - t0
    return run


def main() -> None:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    request = json.loads(sys.stdin.read())
    run = work(request)
    Path(request["out"]).write_bytes(pickle.dumps(run))


def sweep(token: str) -> int:
    """Kill every process that carries a session's marker (the worker itself was killed); how many."""
    killed = 0
    for _ in range(20):
        found = marked(token)
        if not found:
            return killed
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        time.sleep(0.05)
    return killed


if __name__ == "__main__":
    main()


__all__ = ["AppRun", "asdict", "sweep", "work"]
