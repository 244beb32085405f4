"""The desktop bench's applications captured by an older checkout (issue 22's "before"), for
bench/desktop_table.py to judge with today's measures:

    git worktree add /work/wt-dskbefore 74f06af   # and its own .venv (README)
    .venv/bin/python bench/desktop_before.py --code /work/wt-dskbefore --keep /tmp/before [--apps all]
        [--max-states 12]
    .venv/bin/python bench/desktop_table.py /tmp/before --peaks /tmp/before/peaks.json --out ...

The project is this bench's (bench/desktop.py: the same applications, files and max states) with the old
checkout's params.yaml, run by the old checkout's `groundmill run`. The old code logs no memory per
application, so each session's processes (those with the session marker and an old-style HOME,
`<temp>/groundmill-desktop-XXXX`) are sampled every 0.5 s and their peak is named after the application
its command lines show; written to FOLDER/peaks.json, the run's output to FOLDER/run.log.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from desktop import chosen, project, rss_mb  # noqa: E402

MARKER = b"GROUNDMILL_DESKTOP_SESSION="
# What in a session's command lines names its application (the first that matches, in this order).
NEEDLES = (("writer", "--writer"), ("calc", "--calc"), ("gnome-calculator", "gnome-calculator"))


def old_sessions() -> dict[bytes, list[int]]:
    """Processes of old-style desktop sessions, by session token."""
    home = f"HOME={tempfile.gettempdir()}/groundmill-desktop-".encode()
    found: dict[bytes, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if MARKER in environ and home in environ:
            token = environ.split(MARKER, 1)[1].split(b"\0", 1)[0]
            found.setdefault(token, []).append(int(entry.name))
    return found


def app_of(pids: list[int], apps: list[str]) -> str | None:
    """The application a session runs, from its processes' command lines."""
    lines = []
    for pid in pids:
        try:
            lines.append(
                Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            )
        except OSError:
            continue
    text = " ".join(lines)
    for app, needle in NEEDLES:
        if app in apps and needle in text:
            return app
    return next((a for a in apps if re.search(rf"(^|[/ ]){re.escape(a)}\b", text)), None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, required=True, help="the old checkout, with its .venv")
    parser.add_argument("--keep", type=Path, required=True, help="the project folder to make and keep")
    parser.add_argument("--apps", default="all")
    parser.add_argument("--max-states", type=int, default=12)
    args = parser.parse_args()
    entries = chosen(args.apps)
    apps = [re.search(r"name: ([\w-]+)", e).group(1) for e in entries]
    folder = args.keep
    project(folder, entries, args.max_states)
    params = (args.code / "params.yaml").read_text()
    (folder / "params.yaml").write_text(
        re.sub(r"server_start_timeout_s: \d+", "server_start_timeout_s: 600", params)
    )
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GROUNDMILL_", "VIRTUAL_ENV"))
    }
    env |= {"PREFECT_HOME": str(folder / ".prefect"), "GROUNDMILL_PROGRESS": "off"}
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"
    env["PATH"] = f"{args.code / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    peaks: dict[str, float] = {}
    names: dict[bytes, str] = {}
    t0 = time.monotonic()
    with open(folder / "run.log", "w") as log:
        proc = subprocess.Popen(
            ["groundmill", "run"], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT
        )

        def sample() -> None:
            while proc.poll() is None:
                for token, pids in old_sessions().items():
                    names[token] = names.get(token) or app_of(pids, apps) or ""
                    if names[token]:
                        peaks[names[token]] = max(peaks.get(names[token], 0.0), rss_mb(pids))
                time.sleep(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        proc.wait()
        sampler.join()
    seconds = time.monotonic() - t0
    (folder / "peaks.json").write_text(json.dumps({a: round(p, 1) for a, p in sorted(peaks.items())}) + "\n")
    print(f"groundmill run (old code {args.code}) exited {proc.returncode} in {seconds / 60:.1f} min")
    print(f"peaks (MiB): {json.dumps(peaks)}")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
