"""Capture beyond the plain viewport: shadow DOM, iframes, partial cover, devices, long pages, crashes."""

from __future__ import annotations

import os
import signal
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import polars as pl
import pytest

from schemas.config import BUILT_IN, CaptureParams
from tests.conftest import FIXTURES
from tests.transforms.capture.test_stage import capture, element
from transforms.capture.browser import Target, capture_pages
from transforms.capture.network import SameHost
from transforms.capture.records import to_tables
from transforms.capture.server import Quiet, serve

DEEP = FIXTURES / "deep"


def near(box: tuple, expected: tuple) -> bool:
    return all(abs(a - b) <= 1 for a, b in zip(box, expected))


def box(el: dict) -> tuple:
    return el["x1"], el["y1"], el["x2"], el["y2"]


@pytest.fixture(scope="module")
def deep() -> dict[str, pl.DataFrame]:
    return capture(DEEP, ["deep.html"])


def test_elements_in_open_shadow_roots_have_page_boxes(deep):
    inner = element(deep, "inner")
    assert near(box(inner), (110, 110, 210, 150)) and inner["scope"] == "shadow"
    assert "::shadow>" in inner["css_path"] and inner["center_hit"] is True


def test_elements_in_same_origin_iframes_have_page_boxes(deep):
    framed = element(deep, "framed")
    assert near(box(framed), (420, 130, 540, 170)) and framed["scope"] == "iframe"
    assert framed["center_hit"] is True and framed["visible_ratio"] == 1.0


def test_a_partly_covered_element_has_its_visible_ratio_and_no_centre_hit(deep):
    half = element(deep, "half")
    assert half["visible_ratio"] == 0.5 and half["center_hit"] is False and half["in_viewport"] is True


def test_device_profiles_emulate_viewport_density_touch_and_agent():
    params = CaptureParams(devices=(BUILT_IN["laptop"], BUILT_IN["mobile"]))
    tables = capture(DEEP, ["probe.html"], params)
    shots = {r["device"]: r for r in tables["screenshots"].iter_rows(named=True)}
    assert (shots["laptop"]["width"], shots["laptop"]["height"], shots["laptop"]["platform"]) == (
        1366,
        768,
        "web",
    )
    # 390 x 844 CSS pixels at 3x; Chromium may round the zoomed-out height down by a pixel.
    assert shots["mobile"]["width"] == 1170 and abs(shots["mobile"]["height"] - 2532) <= 1
    assert shots["mobile"]["platform"] == "mobile"
    els = tables["elements"].join(tables["screenshots"].select("screenshot_id", "device"), on="screenshot_id")
    texts = {(r["device"], r["text"]) for r in els.iter_rows(named=True)}
    assert {("mobile", "mobile agent"), ("laptop", "desktop agent")} <= texts
    assert ("laptop", "touch points 0") in texts
    assert any(d == "mobile" and t.startswith("touch points") and t != "touch points 0" for d, t in texts)
    corner = {r["device"]: box(r) for r in els.filter(pl.col("dom_id") == "corner").iter_rows(named=True)}
    assert near(corner["laptop"], (10, 100, 110, 140))
    # No viewport meta tag: the page lays out 980 CSS px wide, shown on 1170 device pixels.
    assert near(corner["mobile"], tuple(v * 1170 / 980 for v in (10, 100, 110, 140)))


def test_long_pages_are_captured_in_viewport_slices_up_to_the_cap():
    tables = capture(DEEP, ["long.html"], CaptureParams(max_slices=4))
    parts = tables["screenshots"].sort("part_index")
    assert parts.get_column("part_index").to_list() == [0, 1, 2, 3]
    assert parts.get_column("scroll_y").to_list() == [0.0, 800.0, 1600.0, 2200.0]
    where = {r["dom_id"]: (r["part_index"], box(r)) for r in tables["elements"].iter_rows(named=True)}
    assert where["b0"][0] == 0 and near(where["b0"][1], (100, 100, 300, 140))
    assert where["b1"][0] == 1 and near(where["b1"][1], (100, 200, 300, 240))
    assert where["b2"][0] == 2 and near(where["b2"][1], (100, 300, 300, 340))
    assert tables["captures"].get_column("n_parts").to_list() == [4]
    capped = capture(DEEP, ["long.html"], CaptureParams(max_slices=2))
    assert capped["screenshots"].height == 2


def test_a_crashed_tab_is_recorded_and_the_next_page_captured():
    with _Server(DEEP) as server:
        results = capture_pages(
            [Target("crash", "chrome://crash"), Target("probe", server.url("probe.html"))],
            CaptureParams(pages_in_flight=1),
            SameHost(server.netloc),
        )
    status = {r.page_key: (r.status, r.message) for r in results}
    assert status["crash"] == ("error", "page crashed") and status["probe"][0] == "ok"


def test_a_browser_that_dies_is_restarted_and_the_page_tried_once_more():
    with _Server(DEEP, kill_browser_on="/probe.html") as server:
        results = capture_pages(
            [Target("probe", server.url("probe.html")), Target("long", server.url("long.html"))],
            CaptureParams(pages_in_flight=1),
            SameHost(server.netloc),
        )
    tables = to_tables("t", results, {})
    rows = {r["page_path"]: r for r in tables["captures"].iter_rows(named=True)}
    assert server.killed == 1
    assert rows["probe"]["status"] == "ok" and "browser crashed and was restarted" in rows["probe"]["message"]
    assert rows["long"]["status"] == "ok"


def test_a_local_dump_runs_in_few_renderer_processes():
    """A local dump's frames of other sites are refused (Chromium's error page): site isolation gave each
    page and each refused frame a renderer process of its own, at a cost in CPU on every page."""
    seen: set[int] = set()
    with _Server(DEEP) as server:
        targets = [Target(f"sites-{n}", server.url(f"sites.html?{n}")) for n in range(4)]
        results = capture_pages(
            targets,
            CaptureParams(pages_in_flight=1),
            SameHost(server.netloc),
            on_page=lambda _: seen.update(_chromium_pids(b"renderer")),
        )
    assert [r.status for r in results] == ["ok"] * 4
    assert 1 <= len(seen) <= 2, f"{len(seen)} renderer processes for 4 pages of 3 refused frames each"


class _Server:
    """A loopback server for the fixture pages that can kill this test's Chromium once, the first time
    a given path is requested: the browser dies under a page exactly as a real crash would."""

    def __init__(self, root: Path, kill_browser_on: str | None = None):
        self.root, self.kill_on, self.killed = root, kill_browser_on, 0

    def url(self, path: str) -> str:
        return f"http://{self.netloc}/{path}"

    def _maybe_kill(self, path: str) -> None:
        if path == self.kill_on and not self.killed:
            self.killed += 1
            for pid in _browser_pids():
                os.kill(pid, signal.SIGKILL)

    def __enter__(self) -> _Server:
        outer = self

        class Handler(Quiet, SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                outer._maybe_kill(self.path)
                super().do_GET()

        self.serving = serve(partial(Handler, directory=str(self.root)))
        self.netloc = self.serving.__enter__().removeprefix("http://").rstrip("/")
        return self

    def __exit__(self, *exc) -> None:
        self.serving.__exit__(*exc)


def _browser_pids() -> list[int]:
    """Chromium browser processes (not renderers or helpers) started by this test process."""
    return _chromium_pids(None)


def _chromium_pids(kind: bytes | None) -> list[int]:
    """Chromium processes started by this test process: browsers (kind None) or of `--type=kind`.
    A renderer's command line is rewritten as one string (its process title), so it is split on spaces."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").split()
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        types = [a for a in cmd if a.startswith(b"--type=")]
        wanted = types == [b"--type=" + kind] if kind else not types
        chromium = bool(cmd) and b"chrom" in cmd[0] and wanted
        if chromium and _descends_from(int(entry.name), os.getpid(), int(stat[1])):
            pids.append(int(entry.name))
    return pids


def _descends_from(pid: int, ancestor: int, parent: int) -> bool:
    while parent > 1:
        if parent == ancestor:
            return True
        try:
            parent = int(Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            return False
    return False
