"""Bounded capture: however many shards run at once, no more browsers than the pool holds, a fresh
browser every recycle_pages pages, and nothing of Chromium left running afterwards."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import psutil
import pytest

from schemas.config import CaptureParams, Source
from tests.conftest import SITE
from transforms.capture.browser import capture_pages
from transforms.capture.opening import open_source
from transforms.capture.pool import browser_pids, default_browsers
from transforms.capture.scratch import PREFIX

PAGES = ["boxes.html", "form.html", "howto.html"]


class BrowserWatch:
    """Samples this process's browsers while a capture runs: the most alive at once, and every one seen."""

    def __init__(self) -> None:
        self.most, self.seen, self._stop = 0, set(), threading.Event()

    def __enter__(self) -> BrowserWatch:
        def watch() -> None:
            while not self._stop.wait(0.02):
                pids = browser_pids()
                self.most, self.seen = max(self.most, len(pids)), self.seen | set(pids)

        self._thread = threading.Thread(target=watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def shard(keys: list[str], params: CaptureParams) -> list[str]:
    with open_source(Source(id="fixture", kind="html_dir", location=SITE, license="CC0-1.0"), keys) as opened:
        return [r.status for r in capture_pages(opened.targets, params, opened.policy)]


def ours_left() -> list[str]:
    """Processes still naming a browser folder of this process (browsers, crash handlers)."""
    mark, left = f"{PREFIX}{os.getpid()}-", []
    for proc in psutil.process_iter(["cmdline"]):
        if any(mark in arg for arg in proc.info["cmdline"] or ()):
            left.append(" ".join(proc.info["cmdline"])[:120])
    return left


def test_many_shards_at_once_never_run_more_browsers_than_the_pool():
    params = CaptureParams(page_timeout_s=10, max_slices=1, pages_in_flight=1, browsers=2)
    shards = [[page] for page in PAGES]  # three tasks started at once, as the thread runner does
    with BrowserWatch() as watch, ThreadPoolExecutor(max_workers=len(shards)) as runner:
        statuses = [s for done in runner.map(lambda keys: shard(keys, params), shards) for s in done]
    assert statuses == ["ok"] * 3
    assert 1 <= watch.most <= 2, f"{watch.most} browsers alive at once"
    assert len(watch.seen) == 3  # each shard its own browser, in turn
    assert browser_pids() == [] and ours_left() == []


def test_a_browser_is_replaced_after_recycle_pages():
    params = CaptureParams(page_timeout_s=10, max_slices=1, pages_in_flight=1, recycle_pages=1)
    with BrowserWatch() as watch:
        assert shard(PAGES[:2], params) == ["ok"] * 2
    assert watch.most == 1 and len(watch.seen) == 2  # one browser per page, one after the other
    assert ours_left() == []


@pytest.mark.parametrize("cores, gib, browsers", [(16, 4, 4), (2, 64, 2), (8, 0.5, 1), (1, 1, 1)])
def test_the_default_pool_fits_the_cores_and_the_memory(cores, gib, browsers):
    assert default_browsers(cores, int(gib * 2**30)) == browsers
