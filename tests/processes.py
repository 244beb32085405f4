"""Waiting for processes to end, for the tests that stop or kill a run and then look for survivors."""

from __future__ import annotations

import os
import select
import subprocess
import time
from pathlib import Path


def still_running(pids: list[int], within_s: float) -> list[str]:
    """`pid command line` of each of `pids` that has not ended within `within_s` (each waited for through a
    pidfd: no polling)."""
    deadline, left = time.monotonic() + within_s, []
    for pid in pids:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            handle = os.pidfd_open(pid)
        except OSError:
            continue  # ended already
        with os.fdopen(handle) as ended:
            if not select.select([ended], [], [], max(0.0, deadline - time.monotonic()))[0]:
                left.append(f"{pid} {cmdline[:200]}")
    return left


def start_groundmill(root: Path, env: dict[str, str], *args: str) -> subprocess.Popen:
    """`groundmill *args` started in its own session in `root`: stdin a pipe (the pause points wait on it),
    stderr a text pipe to read its lines, stdout discarded."""
    return subprocess.Popen(
        ["groundmill", *args],
        cwd=root,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
