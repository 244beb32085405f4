"""Hostile pages on real Chromium: each ends as a captures row with a status and a reason, and the benign
page captured after it in the same tab comes out whole, pixel for pixel."""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from schemas.config import CaptureParams, Source
from tests.conftest import FIXTURES, REPO
from tests.transforms.capture.test_stage import capture
from transforms.capture.scratch import PREFIX, remove_stale
from transforms.capture.stage import capture_shard, capture_stage

HOSTILE = FIXTURES / "hostile"
# page -> the statuses it may end with (a dialog storm is slow on a busy machine) and what its
# message says. One tab does them all, in order, each followed by a copy of benign.html.
EXPECTED = {
    "alert-loop.html": ({"ok", "timeout"}, "JavaScript dialogs dismissed"),
    "confirm-loop.html": ({"ok", "timeout"}, "JavaScript dialogs dismissed"),
    "prompt-loop.html": ({"timeout"}, "JavaScript dialogs dismissed"),
    "infinite-loop.html": ({"timeout"}, "page took longer than its 3 s budget"),
    "reload-loop.html": ({"error"}, "page navigated away or reloaded itself during capture"),
    "navigate-loop.html": ({"error"}, "page navigated away or reloaded itself during capture"),
    "popup-storm.html": ({"ok"}, ""),
    "memory-bomb.html": ({"error"}, "page crashed"),
    "recursive-iframes.html": ({"ok", "timeout"}, ""),
    "tall.html": ({"ok"}, ""),
    "empty.html": ({"refused"}, "the file is empty"),  # refused before the browser opens it
}
# The budget ends before the navigation timeout: every hang is stopped by the page budget.
PARAMS = CaptureParams(page_timeout_s=10, page_budget_s=3, pages_in_flight=1, max_slices=2, max_js_heap_mb=64)


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> tuple[dict[str, pl.DataFrame], list[str], pl.DataFrame]:
    folder = tmp_path_factory.mktemp("hostile")
    for page in [*EXPECTED, "benign.html"]:
        shutil.copy(HOSTILE / page, folder / page)
    keys = ["benign.html"]
    for page in EXPECTED:
        shutil.copy(HOSTILE / "benign.html", folder / f"after-{page}")
        keys += [page, f"after-{page}"]
    source = Source(id="hostile", kind="html_dir", location=folder, license="CC0-1.0")
    shard = capture_shard(source, keys, PARAMS, lambda _: None)
    output = capture_stage("hostile", [shard], "", PARAMS.devices[0])
    return output.tables, keys, output.ledger("capture", "hostile")  # raises if it does not balance


def rows(tables: dict[str, pl.DataFrame]) -> dict[str, dict]:
    return {r["page_path"]: r for r in tables["captures"].iter_rows(named=True)}


def test_every_hostile_page_ends_as_a_row_with_a_status_and_a_reason(suite):
    tables, keys, ledger = suite
    found = rows(tables)
    assert sorted(found) == sorted(keys)
    ending = {page: (found[page]["status"], found[page]["message"]) for page in EXPECTED}
    for page, (statuses, says) in EXPECTED.items():
        status, message = ending[page]
        assert status in statuses and says in message, (page, status, message)
        assert status == "ok" or message, (page, status)
    book = ledger.row(0, named=True)
    assert book["rows_in"] == len(keys) == book["rows_out"] + book["skipped"]


def test_the_benign_page_after_each_hostile_one_is_captured_whole(suite):
    tables, _, _ = suite
    found = rows(tables)
    shots = dict(tables["screenshots"].select("capture_id", "screenshot_id").iter_rows())
    reference = found["benign.html"]
    assert reference["status"] == "ok" and reference["n_elements"] == 6
    for page in EXPECTED:
        after = found[f"after-{page}"]
        assert (after["status"], after["message"]) == ("ok", ""), page
        assert after["n_elements"] == reference["n_elements"], page
        assert shots[after["capture_id"]] == shots[reference["capture_id"]], page


def test_pages_stopped_by_the_page_budget_keep_the_time_they_started(suite):
    tables, _, _ = suite
    stopped = tables["captures"].filter(pl.col("message").str.contains("budget"))
    assert stopped.height >= 2
    now = datetime.now(UTC)
    timings = tables["capture_timings"]  # the run log: wall-clock values stay out of the captures table
    logged = stopped.join(timings, on="capture_id")
    assert logged.height == stopped.height
    for started in logged.get_column("started_at"):
        assert now - timedelta(minutes=30) < started <= now


def test_a_page_of_100000_controls_is_captured_within_its_budget_capped_at_max_elements():
    """About 40,000 of the 100,000 buttons are on the first screen: 100 are kept, the rest counted."""
    params = CaptureParams(page_timeout_s=20, page_budget_s=30, max_elements=100, max_slices=1)
    tables = capture(HOSTILE, ["huge.html"], params)
    row = tables["captures"].row(0, named=True)
    assert row["status"] == "ok", row["message"]
    assert row["n_elements"] == 100 and row["excluded_over_cap"] > 30_000
    assert row["excluded_off_screen"] > 50_000 and tables["excluded_elements"].height == 100


KILLED = """
import sys
from schemas.config import CaptureParams, Source
from transforms.capture.browser import capture_pages
from transforms.capture.opening import open_source
source = Source(id="k", kind="html_dir", location=sys.argv[1], license="CC0-1.0")
with open_source(source, ["benign.html", "infinite-loop.html"]) as opened:
    capture_pages(opened.targets, CaptureParams(pages_in_flight=1, page_budget_s=120), opened.policy,
                  on_page=lambda r: print("captured", r.page_key, flush=True))
"""


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A temporary folder short enough for Chromium's socket path (pytest's tmp_path is not)."""
    folder = Path(tempfile.mkdtemp(prefix="gm-test-", dir="/tmp"))
    yield folder
    _wait_for_exit(_processes_using(folder))  # a browser still writing there would defeat rmtree
    shutil.rmtree(folder, ignore_errors=True)


def test_a_capture_killed_mid_page_leaves_nothing_once_the_next_one_starts(scratch):
    """kill -9 of the whole process group (driver and browser too) while a page spins: its browser folder
    (profile, driver and Chromium scratch files) stays behind until the next capture starts."""
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": str(REPO)}
    killed = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(HOSTILE)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert killed.stdout.readline().strip() == "captured benign.html"  # the next page now spins
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()
    left = sorted(scratch.iterdir())
    assert [p.name.startswith(f"{PREFIX}{killed.pid}-") for p in left] == [True]
    _wait_for_exit(_processes_using(left[0]))  # Chromium has its own process group: it outlives the kill
    assert remove_stale(scratch) == left and list(scratch.iterdir()) == []


def _processes_using(folder: Path) -> list[int]:
    """Processes whose command line names `folder` (the browser started with a profile inside it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(folder).encode() in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def _wait_for_exit(pids: list[int], timeout_s: float = 30) -> None:
    """Block until each process has ended (a pidfd becomes readable when its process exits)."""
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            assert select.select([fd], [], [], timeout_s)[0], f"process {pid} still running"
        finally:
            os.close(fd)


def test_a_capture_removes_its_browser_folder_when_it_ends(suite):
    assert list(Path(tempfile.gettempdir()).glob(f"{PREFIX}{os.getpid()}-*")) == []
