"""Which desktop names are drawn (issue 22, point 7), on a real screenshot: featherpad's main window
(tests/fixtures/desktop/alignment), whose menu bar and tab show their names and whose tool bar is icons.
The annotator then quotes only drawn names; an icon's accessible name serves unquoted in the function
and intent perspectives, and a widget-type name never serves."""

from __future__ import annotations

import polars as pl
import pytest

from schemas.config import OcrParams
from schemas.registry import schema
from tests.conftest import FIXTURES
from tests.transforms.elements import annotated, el
from transforms.capture import ocr
from transforms.capture.desktop.drawn import drawn_flags, with_drawn_text

FOLDER = FIXTURES / "desktop" / "alignment"
needs_tesseract = pytest.mark.skipif(not ocr.available(), reason="tesseract is not installed")
SHOT = "f" * 64


def featherpad() -> pl.DataFrame:
    """featherpad's published elements, their accessible names in `name` (as capture writes them)."""
    rows = pl.read_csv(FOLDER / "elements.csv").filter(pl.col("screen") == "featherpad-start")
    extra = [
        {"tag": "push button", "role": "button", "text": "7", "x1": 600.0, "y1": 300.0, "x2": 640.0,
         "y2": 330.0},
        {"tag": "combo box", "role": "combobox", "text": "Combo Box", "x1": 2.0, "y1": 749.0, "x2": 1137.0,
         "y2": 772.0},
        {"tag": "menu", "role": "menuitem", "text": "Edit\nChange the text", "x1": 41.0, "y1": 19.0,
         "x2": 73.0, "y2": 39.0},
    ]  # fmt: skip
    out = pl.concat(
        [rows.select("tag", "role", "text", "x1", "y1", "x2", "y2"), pl.DataFrame(extra)],
        how="vertical_relaxed",
    )
    return out.rename({"text": "name"}).with_columns(screenshot_id=pl.lit(SHOT))


@needs_tesseract
def test_menu_and_tab_names_are_drawn_tool_bar_icons_and_widget_types_are_not():
    elements = featherpad()
    flags = dict(zip(elements["name"].fill_null("").to_list(), drawn_flags(elements, {SHOT: png()})))
    assert all(flags[n] for n in ("File", "Edit", "Options", "Search", "Help", "Untitled")), flags
    icons = ("New", "Open", "Save", "Undo", "Redo", "Reload", "Find", "Replace", "Side-Pane")
    assert not any(flags[n] for n in icons), flags
    assert flags["7"] is True  # too short for OCR: a button draws its name
    assert flags["Combo Box"] is False and flags[""] is False


@needs_tesseract
def test_capture_keeps_text_only_where_drawn_and_the_name_always():
    names = featherpad().with_columns(name=pl.col("name").fill_null(""))
    rows = [
        dict.fromkeys(schema("elements")) | r | {"text": r["name"] or None, "name": r["name"] or None}
        for r in names.to_dicts()
    ]
    elements = pl.DataFrame(rows, schema=schema("elements"))
    shots = pl.DataFrame({"screenshot_id": [SHOT], "png": [png()]})
    out = with_drawn_text({"elements": elements, "screenshots": shots}, OcrParams())["elements"]
    by_name = {r["name"]: r["text"] for r in out.iter_rows(named=True)}
    assert by_name["Redo"] is None and by_name["File"] == "File" and by_name["Combo Box"] is None
    # A name of two lines (Poedit's welcome buttons): the first, where drawn, is what a label quotes.
    assert by_name["Edit\nChange the text"] == "Edit"
    assert out.height == elements.height


def png() -> bytes:
    return (FOLDER / "featherpad-start.png").read_bytes()


def test_icons_are_named_unquoted_by_function_and_intent_and_widget_types_never():
    states = ["enabled", "showing"]
    out = annotated(
        el(1, "push button", "button", text=None, name="Redo", box=(143, 43, 175, 74), states=states),
        el(2, "push button", "button", text="Open", box=(400, 43, 480, 74), states=states),
        el(3, "combo box", "combobox", text=None, name="Combo Box", box=(600, 43, 700, 74), states=states),
        el(4, "push button", "button", text=None, name="Bold", box=(200, 43, 232, 74), states=states),
        el(5, "label", "text", text="Find", interactive=False, box=(100, 200, 140, 220), states=states),
        el(6, "text", "textbox", text=None, name="Find", box=(150, 195, 400, 225), states=states),
        el(7, "text", "textbox", text=None, name="Replace with", box=(150, 245, 400, 275), states=states),
    )
    rows = out.grounding.filter(pl.col("gt_type") == "positive")
    quoted = [e for e in rows["expression"].to_list() if '"' in e]
    # Quoted: the drawn button, and a field by the label drawn beside it; not a field whose label is not.
    assert quoted and all('"Open"' in e or '"Find"' in e for e in quoted), quoted
    assert 'the "Find" field' in quoted and not any("Replace" in e for e in quoted)
    assert not any("combo box" in e.lower() for e in rows["expression"].to_list())
    mine = {(r["perspective"], r["expression"]): r["quality_flags"] for r in rows.iter_rows(named=True)}
    assert mine[("function", "the redo button")] == []
    assert mine[("intent", "Redo")] == []
    assert ("function", "the bold button") in mine and not any(e == "Bold" for _, e in mine)
