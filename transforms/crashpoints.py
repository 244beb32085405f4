"""Named points where the crash-safety tests stop a run: a run with GROUNDMILL_CRASH_AT=<point> kills
itself with SIGKILL when it reaches <point> (as `kill -9` would, with no clean-up of any kind), and a
run with GROUNDMILL_PAUSE_AT=<point> waits there for a line on its standard input. Without these
variables (every run but the tests') a point does nothing.

The points: `<stage>.written` after a stage wrote one source's interim folder (capture, annotate,
curate), `replace.staged` / `replace.swapped` inside an atomic folder replacement, `publish.staged`
with half a version's partitions written, `publish.swapped` once the new version is in place (before
its version entry and catalog), `publish.locked` when publish holds the run lock, `release.committed`
after the release commit, `release.push` while `dvc push` runs, and `capture.page` after each page
rendered (its browser still open).
"""

from __future__ import annotations

import os
import signal
import sys

CRASH_AT = "GROUNDMILL_CRASH_AT"
PAUSE_AT = "GROUNDMILL_PAUSE_AT"


def crashpoint(point: str) -> None:
    """Die here (SIGKILL) or wait here, when a test asked for it; otherwise nothing."""
    if os.environ.get(CRASH_AT) == point:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(PAUSE_AT) == point:
        print(f"groundmill: paused at {point}", file=sys.stderr, flush=True)
        sys.stdin.readline()
