"""Processes a run starts die with it, even when the run is killed with SIGKILL (as the OOM killer does).

`guard(pid)` starts a small watchdog process that holds the read end of a pipe whose write end only the
run holds. However the run ends, its end of the pipe closes; the watchdog then reads end-of-file and
ends the guarded process (SIGTERM, then SIGKILL after a grace period), unless it is gone already. The
process is recognised by its start time, so a process id used again by another process is never touched.

Run as `python -m flows.watchdog PID START_TICKS GRACE_S`, with the pipe as standard input.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

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
    _watch(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]))
