"""The browser's temporary folders: one folder per capture holds the profile, the crash handler's
database and every scratch file of Playwright's driver and Chromium, and is removed when the capture
ends, with every process still naming it (a browser that would not close, Chromium's crash handlers,
which leave the browser's process tree at start). A capture that was killed cannot clean up after
itself: the next capture ends the processes and removes the folders of captures whose process is gone."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import psutil

PREFIX = "groundmill-browser-"
_ENV_LOCK = threading.Lock()  # TMPDIR is process-wide: one capture at a time sets it
# Chromium makes a Unix socket in a folder under its temporary folder, and a socket path holds at most
# 107 bytes: under a long temporary folder (a test's, say) the browser folder goes in /tmp instead.
_SOCKET_PATH_MAX = 107
_SOCKET_ROOM = len(f"/{PREFIX}4194304-abcdefgh/org.chromium.Chromium.abcdef/SingletonSocket")


def _owner_alive(folder: Path) -> bool:
    """Is the process whose id the folder's name carries still running?"""
    try:
        pid = int(folder.name.removeprefix(PREFIX).split("-")[0])
        os.kill(pid, 0)
    except ValueError:
        return True  # not a name this module gave: leave it alone
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, someone else's
    return True


def reap(folder: Path) -> int:
    """End the processes whose command line names `folder` (terminate, then kill after 5 s); how many."""
    mark, found = str(folder), []
    for proc in psutil.process_iter(["cmdline"]):
        if proc.pid != os.getpid() and any(mark in arg for arg in proc.info["cmdline"] or ()):
            found.append(proc)
    for proc in found:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    for proc in psutil.wait_procs(found, timeout=5)[1]:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    return len(found)


def remove_stale(parent: Path) -> list[Path]:
    """Remove the browser folders under `parent` left by captures whose process is gone, and end the
    processes that still name them."""
    removed = []
    for folder in sorted(parent.glob(PREFIX + "*")):
        if folder.is_dir() and not _owner_alive(folder):
            reap(folder)
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextlib.contextmanager
def browser_scratch(parent: Path | None = None) -> Iterator[Path]:
    """A fresh folder for one capture's browser, removed on the way out (stale ones first)."""
    parent = parent or Path(tempfile.gettempdir())  # also fixes Python's own temp folder before TMPDIR moves
    if len(str(parent).encode()) + _SOCKET_ROOM > _SOCKET_PATH_MAX and Path("/tmp").is_dir():
        parent = Path("/tmp")
    remove_stale(parent)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))
    try:
        yield folder
    finally:
        reap(folder)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def temp_dir_for_children(folder: Path) -> Iterator[None]:
    """Child processes started inside (Playwright's driver, and through it Chromium) take `folder` as
    their temporary folder, where the driver makes the browser's profile, and as their configuration
    folder, where Chromium keeps its crash handler's database: so the handlers name `folder` too."""
    names = ("TMPDIR", "XDG_CONFIG_HOME")
    with _ENV_LOCK:
        before = {name: os.environ.get(name) for name in names}
        os.environ.update(dict.fromkeys(names, str(folder)))
        try:
            yield
        finally:
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
