"""Processes a run starts die with it, even when the run is killed with SIGKILL (as the OOM killer does).

`guard(pid)` starts a small watchdog process that holds the read end of a pipe whose write end only the
run holds. However the run ends, its end of the pipe closes; the watchdog then reads end-of-file and
ends the guarded process (SIGTERM, then SIGKILL after a grace period), unless it is gone already. The
process is recognised by its start time, so a process id used again by another process is never touched.

`guard_run()` does the same for every process the run starts, directly or not (the temporary Prefect
server, Chromium and its Playwright driver, Xvfb, dbus and desktop applications, Dask workers): each
inherits the run's mark in its environment (GROUNDMILL_RUN, `pid.ticks` of every run it descends from),
so once the run has ended the watchdog finds them in /proc, even those that were re-parented or
started their own session, and ends them.

Run as `python -m flows.watchdog PID START_TICKS GRACE_S` (one process) or
`python -m flows.watchdog --run MARK GRACE_S` (a run's processes), with the pipe as standard input.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

RUN_MARK = "GROUNDMILL_RUN"
_WATCHDOGS: list[subprocess.Popen] = []  # kept open for the life of the run: their pipes are the signal


def start_ticks(pid: int) -> str | None:
    """The process's start time (clock ticks since boot, /proc/<pid>/stat field 22), None when gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def guard(pid: int, grace_s: float = 5.0) -> None:
    """End process `pid` when this process ends, in whatever way (see the module's docstring)."""
    ticks = start_ticks(pid)
    if ticks is None or not Path("/proc").is_dir():
        return
    _WATCHDOGS.append(
        subprocess.Popen(
            [sys.executable, "-m", "flows.watchdog", str(pid), ticks, str(grace_s)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parent.parent,
        )
    )


def guard_run(grace_s: float = 5.0) -> None:
    """Mark this process's environment, so that everything it starts carries the mark, and start the
    watchdog that ends every marked process once this one has ended (see the module's docstring)."""
    ticks = start_ticks(os.getpid())
    if ticks is None:
        return
    mark = f"{os.getpid()}.{ticks}"
    env = dict(os.environ)  # the watchdog itself carries no mark of this run
    _WATCHDOGS.append(
        subprocess.Popen(
            [sys.executable, "-m", "flows.watchdog", "--run", mark, str(grace_s)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parent.parent,
            env=env,
            start_new_session=True,  # a Ctrl-C to the terminal's group does not end it before the run
        )
    )
    os.environ[RUN_MARK] = ":".join(filter(None, (os.environ.get(RUN_MARK), mark)))


def marked(mark: str) -> dict[int, str]:
    """pid -> start ticks of every process whose environment carries `mark` in GROUNDMILL_RUN."""
    found = {}
    wanted = RUN_MARK.encode() + b"="
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            entries = environ.read_bytes().split(b"\0")
        except OSError:
            continue  # ended meanwhile, or not ours to read
        for entry in entries:
            if entry.startswith(wanted) and mark in entry[len(wanted) :].decode(errors="replace").split(":"):
                ticks = start_ticks(int(environ.parent.name))
                if ticks is not None:
                    found[int(environ.parent.name)] = ticks
    return found


def _end_marked(mark: str, grace_s: float) -> None:
    """SIGTERM to every marked process, SIGKILL to those still there after `grace_s`; again for any a
    dying one started meanwhile (a browser's helpers), a few times at most."""
    for _ in range(3):
        handles = []
        for pid, ticks in marked(mark).items():
            try:
                handle = os.pidfd_open(pid)
            except OSError:
                continue
            if start_ticks(pid) != ticks:
                os.close(handle)
                continue
            handles.append(handle)
            signal.pidfd_send_signal(handle, signal.SIGTERM)
        if not handles:
            return
        deadline = time.monotonic() + grace_s  # one grace period for them all
        for handle in handles:
            with os.fdopen(handle) as ended:
                if not select.select([ended], [], [], max(0.0, deadline - time.monotonic()))[0]:
                    signal.pidfd_send_signal(handle, signal.SIGKILL)


def _watch(pid: int, ticks: str, grace_s: float) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the run's group: the run decides
    sys.stdin.buffer.read()  # returns once the run has closed the pipe, that is, once it has ended
    try:
        handle = os.pidfd_open(pid)  # readable once the process has ended
    except OSError:
        return  # gone already
    with os.fdopen(handle) as ended:
        if start_ticks(pid) != ticks:
            return  # the id belongs to another process now
        for sig in (signal.SIGTERM, signal.SIGKILL):
            signal.pidfd_send_signal(handle, sig)
            if select.select([ended], [], [], grace_s)[0]:
                return


if __name__ == "__main__":
    if sys.argv[1] == "--run":
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.stdin.buffer.read()  # returns once the run has ended (see the module's docstring)
        _end_marked(sys.argv[2], float(sys.argv[3]))
    else:
        _watch(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]))
