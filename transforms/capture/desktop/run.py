"""Exploring applications from the capture stage: each (application, screen) in a worker process of its
own (worker.py), with an overall deadline; whatever happens, every process of its session is gone
before the next starts."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from schemas.config import DesktopApp, DesktopParams, Source
from transforms.capture.desktop.explore import AppRun, Limits, State
from transforms.capture.desktop.session import marked
from transforms.capture.desktop.worker import sweep

GRACE_S = 90.0  # past the app budget and start timeout: start-up, tear-down, the result's pickling


def app_files(source: Source, app: DesktopApp) -> list[Path]:
    folder = source.path if source.path.is_dir() else source.path.parent
    return [Path(f) if Path(f).is_absolute() else folder / f for f in app.files]


def app_sha256(app: DesktopApp, files: list[Path]) -> str:
    """What the application was given: its command and the bytes of its files."""
    digest = hashlib.sha256(json.dumps(app.command).encode())
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes() if f.is_file() else b"")
    return digest.hexdigest()


def session_scope(source: Source) -> str:
    """The folder under the sessions' folder that a source's sessions use: the same for every run of one
    project's source (the path drawn in title bars stays, and screenshots with it), another for another
    project's, so two projects capturing the same application at once do not share a HOME."""
    where = hashlib.sha256(f"{source.path.resolve()}|{source.id}".encode()).hexdigest()[:12]
    return f"{source.id}-{where}"  # a source id is a safe file name (schemas/config.py)


def limits_for(source: Source, app: DesktopApp, params: DesktopParams) -> Limits:
    return Limits(
        max_states=app.max_states or source.max_states,
        start_timeout_s=params.start_timeout_s,
        walk_timeout_s=params.walk_timeout_s,
        settle_s=params.settle_s,
        dialog_timeout_s=params.dialog_timeout_s,
        budget_s=params.app_budget_s,
        phash_radius=params.phash_radius,
        max_tabs=params.max_tabs,
        max_startup=params.max_startup,
        item_wait_s=params.item_wait_s,
        max_items=params.max_items,
        max_pages=params.max_pages,
        max_dropdowns=params.max_dropdowns,
    )


def _failed(app: str, size: tuple[int, int], status: str, message: str) -> AppRun:
    return AppRun(app, *size, states=[State(["stop"], status, message, time.time())])


def run_app(
    app: DesktopApp,
    files: list[Path],
    size: tuple[int, int],
    limits: Limits,
    clock: datetime | None = None,
    scope: str = "",
    plan: tuple[str, object] | None = None,
) -> AppRun:
    """Explore one application on one screen size in a worker process; its wall clock stands at `clock`
    (None: the real clock); its session's folder is under `scope` (session_scope). `plan`:
    ("module:function", JSON arguments) run instead of the exploration, as function(explorer, arguments);
    what it returns is the run's `extra`."""
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        return _failed(app.name, size, "no_start", f"file not found: {', '.join(missing)}")
    token = uuid.uuid4().hex
    with tempfile.TemporaryDirectory(prefix="groundmill-app-") as tmp:
        out = Path(tmp) / "run.pickle"
        request = {
            "app": app.name,
            "command": list(app.command),
            "files": [str(f) for f in files],
            "width": size[0],
            "height": size[1],
            "token": token,
            "limits": asdict(limits),
            "out": str(out),
            "clock": clock.isoformat() if clock else None,
            "scope": scope,
            "plan": plan[0] if plan else None,
            "plan_args": plan[1] if plan else None,
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "transforms.capture.desktop.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = limits.budget_s + limits.start_timeout_s + GRACE_S
        try:
            _, err = proc.communicate(json.dumps(request).encode(), timeout=deadline)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            sweep(token)
            return _failed(app.name, size, "hang", f"the exploration overran its {deadline:g} s deadline")
        finally:
            sweep(token)
        if not out.exists():
            tail = err.decode(errors="replace").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
            return _failed(app.name, size, "error", f"the exploration worker failed: {tail[0][:300]}")
        run = pickle.loads(out.read_bytes())
    run.left_behind = len(marked(token))
    return run
