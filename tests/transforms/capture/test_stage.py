"""Capture on real Chromium: boxes where the page put them, hidden and covered elements left out."""

from __future__ import annotations

import hashlib
import socket
import threading
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from schemas.capture import Captures, Elements, ExcludedElements, Screenshots
from schemas.config import CaptureParams, Source
from tests.conftest import BAD, FIXTURES, SITE
from transforms.capture.browser import capture_pages
from transforms.capture.moves import MOVED_TOO_OFTEN
from transforms.capture.opening import open_source
from transforms.capture.records import to_tables
from transforms.curate.phash import phashes

PARAMS = CaptureParams(page_timeout_s=3, max_slices=1)  # one viewport: off-screen stays off-screen


def capture(folder: Path, pages: list[str], params: CaptureParams = PARAMS) -> dict[str, pl.DataFrame]:
    with open_source(
        Source(id="fixture", kind="html_dir", location=folder, license="CC0-1.0"), pages
    ) as opened:
        results = capture_pages(opened.targets, params, opened.policy)
    return to_tables("fixture", results, opened.page_sha256)


@pytest.fixture(scope="module")
def site() -> dict[str, pl.DataFrame]:
    return capture(SITE, ["boxes.html", "form.html", "howto.html"])


def element(tables: dict[str, pl.DataFrame], dom_id: str) -> dict:
    rows = tables["elements"].filter(pl.col("dom_id") == dom_id).to_dicts()
    assert len(rows) == 1, f"{dom_id}: expected one element, found {len(rows)}"
    return rows[0]


@pytest.mark.parametrize(
    "dom_id, box",
    [
        ("save", (100, 120, 300, 160)),
        ("help", (400, 50, 480, 70)),
        ("query", (100, 300, 420, 336)),
        ("icon", (1200, 10, 1224, 34)),
    ],
)
def test_boxes_match_known_positions_within_one_pixel(site, dom_id, box):
    el = element(site, dom_id)
    assert [abs(a - b) <= 1 for a, b in zip((el["x1"], el["y1"], el["x2"], el["y2"]), box)] == [True] * 4
    assert el["center_hit"] is True


def test_hidden_transparent_covered_offscreen_and_empty_elements_are_left_out(site):
    ids = set(site["elements"].get_column("dom_id").drop_nulls())
    assert {"save", "help", "query", "icon", "twin-a", "twin-b"} <= ids
    assert not ids & {"display-none", "vis-hidden", "transparent", "covered", "offscreen", "zero"}
    boxes = site["captures"].filter(pl.col("page_path") == "boxes.html").row(0, named=True)
    assert (boxes["excluded_hidden"], boxes["excluded_transparent"], boxes["excluded_covered"]) == (2, 1, 1)
    assert boxes["excluded_off_screen"] == 1 and boxes["excluded_zero_size"] == 1
    reasons = dict(site["excluded_elements"].select("dom_id", "reason").iter_rows())
    assert {
        k: reasons[k] for k in ["display-none", "vis-hidden", "transparent", "covered", "offscreen", "zero"]
    } == {
        "display-none": "hidden",
        "vis-hidden": "hidden",
        "transparent": "transparent",
        "covered": "covered",
        "offscreen": "off_screen",
        "zero": "zero_size",
    }


def test_element_attributes_roles_and_names(site):
    assert element(site, "query")["name"] == "Search everything"
    assert element(site, "query")["role"] == "searchbox"
    assert element(site, "icon")["name"] == "Close panel"
    assert element(site, "help")["role"] == "link" and element(site, "help")["href"] == "#help"
    assert element(site, "cabin")["options"] == ["Economy", "Business", "First"]
    assert element(site, "dest")["name"] == "Destination"
    assert element(site, "twin-a")["interactive"] is False


def test_screenshots_are_viewport_pngs_identified_by_their_sha256(site):
    shots = site["screenshots"]
    assert shots.height == 3
    for row in shots.iter_rows(named=True):
        assert row["png"].startswith(b"\x89PNG") and (row["width"], row["height"]) == (1280, 800)
        assert (row["device"], row["platform"], row["part_index"]) == ("standard", "web", 0)
        assert row["screenshot_id"] == hashlib.sha256(row["png"]).hexdigest()


def test_screenshots_carry_the_phash_curate_would_take_from_their_pngs(site):
    shots = site["screenshots"]
    assert shots["phash"].null_count() == 0
    assert shots["phash"].to_numpy().view(np.uint64).tolist() == phashes(shots["png"].to_list()).tolist()


def test_capture_tables_meet_their_contracts(site):
    Captures.validate(site["captures"], lazy=True)
    Screenshots.validate(site["screenshots"], lazy=True)
    Elements.validate(site["elements"], lazy=True)
    ExcludedElements.validate(site["excluded_elements"], lazy=True)


def test_bad_pages_are_recorded_and_the_run_goes_on():
    tables = capture(
        BAD,
        [
            "empty.html",
            "spins.html",
            "throws.html",
            "missing.html",
            "data.json",
            "data.bin",
            "away.html",
            "refresh.html",
            "popup.html",
            "dialog.html",
        ],
    )
    status = dict(tables["captures"].select("page_path", "status").iter_rows())
    assert status == {
        "empty.html": "empty",
        "spins.html": "timeout",
        "throws.html": "ok",
        "missing.html": "error",
        "data.json": "error",
        "data.bin": "error",
        "away.html": "error",
        "refresh.html": "error",
        "popup.html": "ok",
        "dialog.html": "ok",
    }
    messages = dict(tables["captures"].select("page_path", "message").iter_rows())
    assert messages["missing.html"] == "HTTP 404 for missing.html"
    assert messages["data.json"] == "non-HTML content (application/json)"
    assert messages["data.bin"] == "page triggered a download"
    assert messages["away.html"].startswith("page navigated away to http://127.0.0.1:")
    assert messages["refresh.html"] == "page navigated away or reloaded itself during capture"
    assert "within 3 s" in messages["spins.html"]
    assert "script error" in messages["throws.html"] and "undefinedFunctionCall" in messages["throws.html"]
    assert messages["empty.html"] == "page has no visible elements"


def test_a_page_that_moves_itself_is_captured_where_it_lands():
    """A script's redirect after load, before load, or twice is followed and the page captured where it
    lands, with where that is; a page that keeps moving is an error."""
    tables = capture(
        FIXTURES / "moves", ["once.html", "early.html", "twice.html", "loop.html", "landing.html"]
    )
    rows = {r["page_path"]: r for r in tables["captures"].iter_rows(named=True)}
    assert {k: (r["status"], r["landed_page"]) for k, r in rows.items()} == {
        "once.html": ("ok", "landing.html"),
        "early.html": ("ok", "landing.html"),
        "twice.html": ("ok", "landing.html"),
        "loop.html": ("error", None),
        "landing.html": ("ok", None),
    }
    assert rows["loop.html"]["message"] == MOVED_TOO_OFTEN
    assert rows["once.html"]["message"] == "moved itself 1 time(s) after loading; captured where it landed"
    assert rows["twice.html"]["message"].startswith("moved itself 2 time(s)")
    assert {rows[k]["title"] for k in ("once.html", "early.html", "twice.html", "landing.html")} == {
        "Landing"
    }
    shots = tables["screenshots"].join(tables["captures"].select("capture_id", "page_path"), on="capture_id")
    ids = dict(shots.select("page_path", "screenshot_id").iter_rows())
    assert ids["once.html"] == ids["early.html"] == ids["twice.html"] == ids["landing.html"]  # the landing


def test_a_page_after_a_timeout_is_still_captured():
    tables = capture(BAD, ["spins.html", "throws.html"], CaptureParams(page_timeout_s=2, pages_in_flight=1))
    status = dict(tables["captures"].select("page_path", "status").iter_rows())
    assert status == {"spins.html": "timeout", "throws.html": "ok"}


def test_requests_to_other_hosts_never_leave_the_browser(tmp_path):
    """A canary listener on 127.0.0.2 must see no connection from a page that references it."""
    canary = socket.socket()
    canary.bind(("127.0.0.2", 0))
    canary.listen()
    canary.settimeout(0.2)
    port = canary.getsockname()[1]
    hits: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                conn, _ = canary.accept()
            except OSError:
                continue
            hits.append("connection")
            conn.close()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    page = (
        f'<html><head><link rel="stylesheet" href="http://127.0.0.2:{port}/s.css"></head><body>'
        f'<h1>Leaky page</h1><img src="http://127.0.0.2:{port}/p.png" alt="pixel">'
        f'<script src="http://127.0.0.2:{port}/a.js"></script></body></html>'
    )
    (tmp_path / "leaks.html").write_text(page)
    try:
        tables = capture(tmp_path, ["leaks.html"])
    finally:
        stop.set()
        watcher.join()
        canary.close()
    assert tables["captures"].get_column("status").to_list() == ["ok"]
    assert hits == []


def test_screenshots_are_identical_across_runs_with_tabs_working_at_once(site):
    """Concurrent tabs must not bleed into each other's pixels: the same page, the same sha256."""
    again = capture(
        SITE, ["boxes.html", "form.html", "howto.html"], CaptureParams(pages_in_flight=3, max_slices=1)
    )

    def ids(t):
        return dict(
            t["screenshots"]
            .join(t["captures"], on="capture_id")
            .select("page_path", "screenshot_id")
            .iter_rows()
        )

    assert ids(again) == ids(site)


def test_giant_pages_and_element_floods_are_capped():
    giant = capture(SITE, ["boxes.html"], CaptureParams(max_page_mb=0.001, max_slices=1))
    row = giant["captures"].row(0, named=True)
    assert row["status"] == "error" and "over the 0.001 MB cap" in row["message"]
    flood = capture(SITE, ["boxes.html"], CaptureParams(max_elements=2, max_slices=1))
    row = flood["captures"].row(0, named=True)
    assert row["n_elements"] == 2 and row["excluded_over_cap"] >= 4


def test_the_total_page_budget_stops_a_page_whatever_it_is_doing():
    tables = capture(
        BAD,
        ["spins.html", "throws.html"],
        CaptureParams(page_timeout_s=30, page_budget_s=3, pages_in_flight=1, max_slices=1),
    )
    rows = {r["page_path"]: r for r in tables["captures"].iter_rows(named=True)}
    assert (rows["spins.html"]["status"], rows["spins.html"]["message"]) == (
        "timeout",
        "page took longer than its 3 s budget",
    )
    assert rows["throws.html"]["status"] == "ok"


LOOK = """<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; font: 16px sans-serif; }
#round { position: absolute; left: 100px; top: 100px; width: 40px; height: 40px; border-radius: 50%;
         background: rgb(37, 99, 235); color: white; border: 0; }
#pill { position: absolute; left: 200px; top: 100px; width: 120px; height: 36px; border-radius: 18px; }
#menu { position: absolute; left: 400px; top: 100px; }
#para { position: absolute; left: 100px; top: 300px; width: 300px; margin: 0; text-align: center; }
b { font-weight: 700; }
</style></head><body>
<button id="round" aria-label="Add">+</button><button id="pill">Subscribe</button>
<button id="menu" aria-haspopup="menu">Products</button>
<p id="para">Read <a href="#terms">the terms</a> now</p>
<h2>Sign up</h2><form><input id="mail" type="email" aria-label="Email"><button id="go">Join</button></form>
</body></html>"""


def test_style_form_context_and_a_centre_that_lands_on_a_nested_link(tmp_path):
    (tmp_path / "look.html").write_text(LOOK)
    tables = capture(tmp_path, ["look.html"], CaptureParams(max_slices=1))
    round_, pill, menu = element(tables, "round"), element(tables, "pill"), element(tables, "menu")
    assert round_["radius_ratio"] == 0.5 and round_["bg_color"] == "rgb(37, 99, 235)"
    assert 0.45 <= pill["radius_ratio"] <= 0.5
    assert menu["has_popup"] is True and pill["has_popup"] is False
    go = element(tables, "go")
    assert (go["input_type"], go["form_name"]) == ("submit", "Sign up")
    assert element(tables, "mail")["form_name"] == "Sign up"
    # The paragraph's centre is on its link: a click there follows the link, so it is no target.
    para = element(tables, "para")
    assert para["center_hit"] is False and para["visible_ratio"] > 0


def test_text_straight_in_the_body_is_captured_not_empty():
    tables = capture(FIXTURES / "loose", ["loose.html"])
    assert tables["captures"]["status"].to_list() == ["ok"]
    body = tables["elements"].row(0, named=True)
    assert (body["tag"], body["text"]) == ("body", "Only words, straight in the body")
    assert body["y2"] <= 30 and 100 < body["x2"] < 640  # the box of its text, not the whole body
