"""OCR in place of an absent accessibility tree: the start state's words and lines as its elements,
without a session (a constructed run, OCR's boxes given)."""

from __future__ import annotations

import io

import polars as pl
import pytest
from PIL import Image

from schemas.config import OcrParams
from schemas.registry import TABLES
from transforms.capture import ocr
from transforms.capture.desktop.explore import AppRun, State
from transforms.capture.desktop.ocr_start import NO_TREE, with_ocr_elements
from transforms.capture.desktop.records import desktop_tables


def _png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 32), colour).save(out, "PNG")
    return out.getvalue()


def _tables(*colours: str):
    runs = []
    for k, colour in enumerate(colours):
        stop = "the application never appeared on the accessibility bus in 60 s"
        start = State(["start"], "ok", f"{NO_TREE} ({stop})", 1.7e9, png=_png(colour), title="qt6ct")
        run = AppRun(f"app{k}", 64, 32, states=[start, State(["stop"], "no_atspi", stop, 1.7e9 + 60)])
        runs.append((run, "0" * 64))
    return desktop_tables("desk", runs)


WORDS = [
    ocr.OcrBox("word", "Appearance", 91.0, (4, 2, 40, 12)),
    ocr.OcrBox("word", "Fonts", 88.0, (44, 2, 60, 12)),
    ocr.OcrBox("word", "~=|", 12.0, (4, 20, 10, 28)),
]


def test_the_start_state_of_an_app_without_a_tree_gets_ocr_elements():
    tables = _tables("white")
    assert tables["captures"]["status"].to_list() == ["ok", "no_atspi"]  # kept for OCR, not `empty`
    out = with_ocr_elements(tables, OcrParams(min_confidence=50), read=lambda png, params: WORDS)
    for name in ("captures", "screenshots", "elements", "excluded_elements"):
        TABLES[name].model.validate(out[name])
    captures = out["captures"]
    assert captures["status"].to_list() == ["ok", "no_atspi"]
    assert captures["message"][0].startswith(NO_TREE)  # says the tree was absent and OCR stood in
    assert captures["n_elements"].to_list() == [2, 0]
    assert captures["excluded_low_confidence"][0] == 1
    elements = out["elements"]
    assert elements["text"].to_list() == ["Appearance", "Fonts"]
    assert elements["tag"].to_list() == ["ocr_word", "ocr_word"]
    assert elements["name"].to_list() == [None, None]  # no accessible name: outside the alignment figure
    assert elements["capture_id"].to_list() == [captures["capture_id"][0]] * 2
    assert out["excluded_elements"]["reason"].to_list() == ["low_confidence"]


@pytest.mark.parametrize(
    ("read", "status", "note"),
    [
        (lambda png, params: [], "empty", "OCR read no text"),
        (
            lambda png, params: (_ for _ in ()).throw(ocr.OcrError("tesseract is not installed")),
            "error",
            "tesseract",
        ),
    ],
)
def test_a_start_screen_ocr_cannot_read_publishes_nothing(read, status, note):
    out = with_ocr_elements(_tables("white", "black"), OcrParams(), read=read)
    TABLES["captures"].model.validate(out["captures"])
    assert out["captures"]["status"].to_list() == [status, "no_atspi", status, "no_atspi"]
    assert note in out["captures"]["message"][0]
    assert out["screenshots"].is_empty() and out["elements"].is_empty()


def test_states_with_a_tree_are_left_alone():
    tables = _tables("white")
    tables["captures"] = tables["captures"].with_columns(message=pl.lit(None, pl.String))
    out = with_ocr_elements(tables, OcrParams(), read=lambda png, params: WORDS)
    assert out["elements"].is_empty() and out["captures"]["n_elements"][0] == 0
