"""The capture's side of the tree reader (walker.py): started in the session as the session's user,
asked for walks, killed and restarted when a walk overruns its wall-clock watchdog.

The reader runs as the applications' user because GTK3's accessibility bridge answers over a private
peer-to-peer socket that accepts only its own user; it runs on Debian's Python with python3-gi (the
Atspi typelib), whatever Python the capture itself runs on.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

from transforms.capture.desktop.session import Session

SYSTEM_PYTHON = "/usr/bin/python3"
WALKER = Path(__file__).with_name("walker.py")


class WalkTimeout(RuntimeError):
    """A walk did not answer within its watchdog: the application (or the bus) hangs."""


class ReaderError(RuntimeError):
    """The tree reader could not start (no python3-gi, no Atspi typelib)."""


class Reader:
    def __init__(self, session: Session, start_timeout: float = 20.0):
        self.session = session
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self.buffer = b""

    def start(self) -> None:
        script = self.session.root / "walker.py"
        shutil.copyfile(WALKER, script)
        if self.session.user:
            os.chown(script, self.session.user.pw_uid, self.session.user.pw_gid)
        user = self.session.user
        self.proc = subprocess.Popen(
            [SYSTEM_PYTHON, "-u", "-W", "ignore", str(script)],
            env=self.session.env,
            cwd=str(self.session.root),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(self.session.root / "walker.log", "ab"),  # noqa: SIM115
            start_new_session=True,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
        )
        self.session.procs.append(self.proc)
        self.buffer = b""
        try:
            ready = self._answer(self.start_timeout)
        except WalkTimeout as exc:
            raise ReaderError(f"the tree reader did not start: {exc}") from exc
        if not ready.get("ready"):
            raise ReaderError(f"the tree reader did not start: {ready.get('error')}")

    def _answer(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WalkTimeout(f"no answer within {timeout:g} s")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    log = (self.session.root / "walker.log").read_text(errors="replace")[-300:]
                    raise ReaderError(f"the tree reader exited: {log.strip()}")
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line)

    def walk(self, pids: list[int], timeout: float, max_nodes: int = 6000, max_children: int = 400) -> dict:
        """The nodes of the applications with these pids. A walk that overruns `timeout` kills the
        reader (a new one is started for the next walk) and raises WalkTimeout."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        request = {"op": "walk", "pids": pids, "max_nodes": max_nodes, "max_children": max_children}
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        self.proc.stdin.flush()
        try:
            return self._answer(timeout)
        except WalkTimeout:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            self.proc = None
