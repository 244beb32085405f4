"""Exploration follows every popup of a small GTK3 application (tests/fixtures/desktop/fixture_app.py):
a submenu, an item without "…" that opens a settings dialog and the pages of its list, radio and check
items switched and switched back, a tool-bar drop-down, a context menu, and a mislabelled item whose
window names something else (unverified: published nowhere)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polars as pl
import pytest

from schemas.config import CaptureParams, OcrParams, parse_source
from tests.conftest import FIXTURES
from tests.transforms.capture.desktop.test_session import QUICK, READY
from transforms.capture.desktop.reader import SYSTEM_PYTHON
from transforms.capture.stage import desktop_stage

APP = FIXTURES / "desktop" / "fixture_app.py"
GTK = (
    READY
    and subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('Gtk', '3.0')"], capture_output=True
    ).returncode
    == 0
)
pytestmark = pytest.mark.skipif(not GTK, reason="the session's programs or the Gtk typelib are not installed")


@pytest.fixture(scope="module")
def fixture_run():
    # (test_session.py checks that sessions leave no process; this run is about what is explored)
    params = QUICK.model_copy(
        update={"item_wait_s": 0.5, "settle_s": 1.0, "max_tabs": 0, "app_budget_s": 240}
    )
    app = {"name": "fx", "command": [SYSTEM_PYTHON, str(APP)]}
    source = parse_source(
        {
            "id": "desk",
            "kind": "desktop",
            "location": str(FIXTURES / "desktop"),
            "max_states": 40,
            "apps": [app],
        },
        Path("."),
    )
    return desktop_stage(source, CaptureParams(desktop=params, ocr=OcrParams(check_screenshots=0)))


def _names(out, page_path: str) -> set[str]:
    capture = out.tables["captures"].filter(pl.col("page_path") == f"fx/{page_path}")["capture_id"]
    assert capture.len() == 1, page_path
    return set(out.tables["elements"].filter(pl.col("capture_id") == capture[0])["name"].drop_nulls())


def test_every_kind_of_popup_and_item_is_reached_and_checked(fixture_run):
    captures = fixture_run.tables["captures"]
    status = dict(zip(captures["page_path"], captures["status"]))
    for path in (
        "menu:File/submenu:Recent",  # a submenu opened item by item
        "menu:Edit/item:Preferences",  # no "…": found by the window it opened
        "menu:Edit/item:Preferences/page:Keys",  # a page chosen from a list at the dialog's left
        "menu:View/mode:Scientific Mode",  # a radio item, confirmed checked
        "menu:View/mode:Show Ruler",  # a check item
        "dropdown:Insert",  # a tool-bar menu button
        "context:text",  # a right-click on the text view
        "context:text/item:Word Count…",
        "menu:File/item:Open…",
        "menu:Edit/item:Palette",  # no button, Escape does nothing: closed by the window manager
    ):
        assert status.get(f"fx/{path}") == "ok", path
    # Each menu's first dialog is followed before the next menu is opened (order.py).
    timings = fixture_run.tables["capture_timings"]
    started = dict(zip(timings["page_path"], timings["started_at"]))
    assert (
        started["fx/menu:File/item:Open…"] < started["fx/menu:Edit"] < started["fx/menu:File/submenu:Recent"]
    )
    assert "Recent" in _names(fixture_run, "menu:File") and "First Note" in _names(
        fixture_run, "menu:File/submenu:Recent"
    )
    assert "Mode: Scientific" in _names(fixture_run, "menu:View/mode:Scientific Mode")
    # Each mode was switched back: the states after them show the basic mode and no ruler.
    later = _names(fixture_run, "context:text/item:Word Count…")
    assert "Mode: Basic" in later and not any(n.startswith("RULER") for n in later)
    # Quit is never clicked: the application lived to the end.
    assert not set(captures["status"]) & {"crash", "left_open", "hang"}


def test_an_item_whose_window_names_something_else_is_unverified_and_publishes_nothing(fixture_run):
    captures = fixture_run.tables["captures"]
    row = captures.filter(pl.col("page_path") == "fx/menu:Edit/item:Statistics").row(0, named=True)
    assert row["status"] == "unverified" and "Zebra Crossing" in row["message"]
    assert row["n_parts"] == 0
    assert fixture_run.tables["elements"].filter(pl.col("capture_id") == row["capture_id"]).is_empty()
    shots = fixture_run.tables["screenshots"]
    assert shots.filter(pl.col("capture_id") == row["capture_id"]).is_empty()


def test_the_items_seen_opening_a_dialog_are_described_by_it(fixture_run):
    from transforms.annotate.effects import observed_effects
    from transforms.annotate.features import build_items

    tables = fixture_run.tables
    effects = observed_effects(tables["captures"], tables["screenshots"], tables["elements"])
    screens = build_items(tables["elements"], tables["screenshots"], effects)
    said = {i.label: (i.function, i.goal) for items in screens.values() for i in items if i.effect}
    assert said["Preferences"] == (
        'the menu item that opens the "Preferences" dialog',
        "open the Preferences dialog",
    )
    assert said["Word Count…"] == (
        'the menu item that opens the "Word Count" dialog',
        "open the Word Count dialog",
    )
    assert "Statistics" not in said  # its window named something else: unverified, no effect
    assert said["Edit"] == ('the menu item that opens the "Edit" menu', "open the Edit menu")
