"""The same page gives the same PNG bytes in every run, so screenshot ids (and every id downstream) hold."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from hashlib import sha256
from pathlib import Path

import polars as pl
from playwright.async_api import async_playwright

from schemas.config import CaptureParams, Source
from tests.conftest import FIXTURES, REPO
from tests.transforms.capture.test_stage import capture, element
from transforms.capture.browser import CHROMIUM_ARGS, capture_pages, chromium_executable
from transforms.capture.opening import open_source
from transforms.capture.render import FREEZE_CSS, SCROLL_JS
from transforms.capture.server import serve_directory, stable_ports
from transforms.sources import list_pages

SAMPLE = REPO / "data" / "sources" / "sample"
SHOTS = """
import json, sys
from pathlib import Path
from tests.transforms.capture.test_reproducible import sample_shots
json.dump(sample_shots(), sys.stdout)
"""


def sample_shots() -> dict[str, str]:
    """The sample source captured with two tabs at work: page#slice -> the screenshot's sha256."""
    source = Source(id="sample", kind="html_dir", location=SAMPLE, license="Apache-2.0")
    with open_source(source, list_pages(source)) as opened:
        results = capture_pages(opened.targets, CaptureParams(pages_in_flight=2), opened.policy)
    return {f"{r.page_key}#{s.part_index}": sha256(s.png).hexdigest() for r in results for s in r.slices}


def test_the_sample_source_captured_in_two_processes_gives_identical_png_bytes():
    other = subprocess.Popen(
        [sys.executable, "-c", SHOTS],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    here = sample_shots()  # at the same time as the other process: both under the same load
    there = json.loads(other.communicate(timeout=300)[0])
    assert len(here) == 21
    assert {k for k in here if here[k] != there.get(k)} == set()


async def _twice(url: str) -> tuple[bytes, bytes]:
    """The page restyled before its first paint, and restyled after it had been painted once."""
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        shots = []
        for paint_first in (False, True):
            page = await context.new_page()
            await page.goto(url, wait_until="load")
            if paint_first:
                await page.screenshot()
            await page.add_style_tag(content=FREEZE_CSS)
            await page.evaluate(SCROLL_JS, 0)  # and the next two frames
            shots.append(await page.screenshot(animations="disabled", caret="hide"))
        await browser.close()
    return shots[0], shots[1]


def test_pixels_do_not_depend_on_what_was_painted_before():
    """Whether the capture's restyle lands before or after the first paint is a matter of timing; with
    partial raster the rounded corners of the inputs came out a level apart."""
    with serve_directory(SAMPLE) as base:
        fresh, repainted = asyncio.run(_twice(base + "signin.html"))
    assert fresh == repainted


def test_pages_see_the_fixed_clock(tmp_path: Path):
    """A saved page that printed the current time differed on every run (herald-sun-1 in the
    readability corpus)."""
    page = '<p id="now"></p><script>now.textContent = new Date(Date.now()).toISOString();</script>'
    (tmp_path / "clock.html").write_text(page)
    tables = capture(tmp_path, ["clock.html"], CaptureParams(max_slices=1))
    assert element(tables, "now")["text"] == "2025-01-01T00:00:00.000Z"


TIMED_PAGE = """<p id="soon"></p><p id="late"></p><script>
setTimeout(() => { soon.textContent = new Date().toISOString(); }, 900);
setTimeout(() => { late.textContent = "a minute later"; }, 60000);
setTimeout(() => { googletag.cmd.push(1); }, 100);  // throws, as ehow-2's ad timer does
</script>"""


def test_page_timers_run_on_the_paused_clock_the_same_span_in_every_page(tmp_path: Path):
    """A timer's work was in the capture or not depending on how fast the machine loaded the page (a
    web-font loader's 3 s timeout in medium-2's HTML, loaded machine). On the paused clock the timers due in
    the settle span run, and only they, at the same virtual time, in every page of a tab."""
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text(TIMED_PAGE)
    tables = capture(tmp_path, ["a.html", "b.html"], CaptureParams(max_slices=1, pages_in_flight=1))
    soon = tables["elements"].filter(pl.col("dom_id") == "soon")["text"].to_list()
    assert soon == ["2025-01-01T00:00:00.900Z"] * 2  # the second page's clock started over
    assert tables["elements"].filter(pl.col("dom_id") == "late").is_empty()  # never fired: no text
    assert tables["captures"]["status"].to_list() == ["ok", "ok"]  # a timer that throws is a script error
    assert tables["captures"]["message"].str.contains("googletag is not defined").all()


def test_a_folder_is_served_at_the_same_address_in_every_run_and_by_every_shard(tmp_path: Path):
    """Saved pages write their own address into their HTML (liberation-1's ad URL holds location.href):
    with a random port it differed on every run."""
    with serve_directory(tmp_path) as first:
        with serve_directory(tmp_path) as shard:  # a second shard of the same source, at the same time
            assert shard == first
    with serve_directory(tmp_path) as again:
        assert again == first
    assert again.split(":")[-1].rstrip("/") in {str(p) for p in stable_ports(tmp_path.name)}


RANDOM_PAGE = """<p id="drawn"></p><script>
const words = new Uint32Array(2);
drawn.textContent = [Math.random(), crypto.randomUUID(), crypto.getRandomValues(words)].join(" ");
document.write('<img alt="ad" src="http://ads.invalid/pixel?ord=' + Math.random() + '">');
</script>"""


def test_pages_draw_the_same_random_numbers_in_every_load(tmp_path: Path):
    """Saved pages write Math.random() cache-busters into their HTML (medicalnewstoday in the readability
    corpus): the captured HTML and text differed on every run."""
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text(RANDOM_PAGE)
    tables = capture(tmp_path, ["a.html", "b.html"], CaptureParams(max_slices=1, pages_in_flight=1))
    drawn = tables["elements"].filter(pl.col("dom_id") == "drawn")["text"].to_list()
    assert len(drawn) == 2 and drawn[0] == drawn[1]
    assert tables["captures"]["html"].n_unique() == 1


def test_a_page_that_keeps_opening_dialogs_gets_the_same_captures_row_every_time(tmp_path: Path):
    """How many dialogs a looping page opens before its capture ends is a matter of timing (39 against
    30 over the hostile suite in two runs): the row says that dialogs were dismissed, not how many."""
    names = [f"{k}.html" for k in range(3)]
    for name in names:
        shutil.copy(FIXTURES / "hostile" / "alert-loop.html", tmp_path / name)
    tables = capture(tmp_path, names, CaptureParams(max_slices=1, pages_in_flight=1))
    messages = tables["captures"].drop("capture_id", "page_path", "html")
    assert messages.n_unique() == 1, messages["message"].to_list()
    assert messages["message"][0] == "JavaScript dialogs dismissed"
