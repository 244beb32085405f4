"""A run stopped while its browser renders a page, by Ctrl-C (SIGINT) or by SIGKILL of its main process
only (as the OOM killer does): it ends at once, and every process it started ends with it."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from flows.watchdog import marked, start_ticks
from tests.conftest import cli_env
from tests.processes import start_groundmill, still_running


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_a_stopped_run_ends_at_once_and_leaves_no_process(project, sig):
    env = cli_env(project) | {"GROUNDMILL_PAUSE_AT": "capture.page"}
    run = start_groundmill(project, env, "capture")
    try:
        said = []
        for line in run.stderr:  # until a page is rendered, its browser still open
            said.append(line)
            if "paused at capture.page" in line:
                break
        else:
            raise AssertionError("".join(said)[-3000:])
        started = marked(f"{run.pid}.{start_ticks(run.pid)}")
        commands = {Path(f"/proc/{pid}/cmdline").read_bytes() for pid in started}
        assert any(b"chrom" in c.lower() for c in commands), commands  # the browser carries the mark
        signalled = time.monotonic()
        os.kill(run.pid, sig)
        code = run.wait(timeout=30)
        assert time.monotonic() - signalled < 10
        rest = run.stderr.read()
        if sig == signal.SIGINT:
            assert code == 130 and "groundmill: stopped by SIGINT" in rest, rest[-3000:]
            assert "Traceback" not in rest, rest[-3000:]
        else:
            assert code == -signal.SIGKILL
        assert still_running(sorted(started), within_s=15) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()
