"""The browser's temporary folders: one folder per capture holds the profile and every scratch file of
Playwright's driver and Chromium, and is removed when the capture ends. A capture that was killed
cannot remove its own: the next capture removes the folders whose process is gone."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

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


def remove_stale(parent: Path) -> list[Path]:
    """Remove the browser folders under `parent` left by captures whose process is gone."""
    removed = []
    for folder in sorted(parent.glob(PREFIX + "*")):
        if folder.is_dir() and not _owner_alive(folder):
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
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def temp_dir_for_children(folder: Path) -> Iterator[None]:
    """Child processes started inside (Playwright's driver, and through it Chromium) take `folder` as
    their temporary folder: that is where the driver makes the browser's profile."""
    with _ENV_LOCK:
        before = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = str(folder)
        try:
            yield
        finally:
            if before is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = before
