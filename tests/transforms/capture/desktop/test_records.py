"""Explored states as capture rows, without a session: ids, the run log's step times and memory."""

from __future__ import annotations

import io

from PIL import Image

from schemas.registry import TABLES
from transforms.capture.desktop.explore import AppRun, State
from transforms.capture.desktop.records import desktop_tables


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


ELEMENT = {"tag": "push button", "role": "button", "name": "OK", "x1": 0.0, "y1": 0.0, "x2": 2.0, "y2": 2.0}


def test_a_dialog_left_open_has_its_own_row_and_the_run_log_its_times():
    path = ["menu:File", "item:Open…"]
    shown = State(path, started_at=1.7e9, png=_png(), elements=[ELEMENT], settle_ms=120.0, walk_ms=80.0)
    shown.png_ms, shown.peak_rss_mb = 25.0, 240.5
    left = State(path, "left_open", "a dialog stayed open after Escape and Cancel", 1.7e9 + 5)
    run = AppRun("mousepad", 1280, 800, states=[shown, left], urls=[(path, "https://example.org/", 1.7e9)])
    tables = desktop_tables("desk", [(run, "0" * 64)])
    for name in ("captures", "capture_timings"):
        TABLES[name].model.validate(tables[name])
    captures = tables["captures"]
    assert captures["page_path"].to_list() == [
        "mousepad/menu:File/item:Open…",
        "mousepad/menu:File/item:Open…/left_open",
        "mousepad/menu:File/item:Open…/url:https://example.org/",
    ]
    assert captures["status"].to_list() == ["ok", "left_open", "url_blocked"]
    assert captures["capture_id"].n_unique() == 3  # rows no longer double in joins
    timings = tables["capture_timings"]
    assert timings.row(0, named=True) | {"started_at": None} == {
        "capture_id": captures["capture_id"][0],
        "source_id": "desk",
        "page_path": "mousepad/menu:File/item:Open…",
        "device": "screen-1280x800",
        "started_at": None,
        "load_ms": 120.0,
        "extract_ms": 80.0,
        "screenshot_ms": 25.0,
        "peak_rss_mb": 240.5,
    }
    assert timings["load_ms"].to_list()[1:] == [None, None]  # failures and events have no step times
