"""OCR text boxes (tesseract), the screenshots source kind, and the alignment check."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from schemas.config import CaptureParams, OcrParams, Source
from schemas.registry import TABLES
from tests.conftest import FIXTURES
from transforms.capture import ocr
from transforms.capture.alignment import per_app, with_alignment
from transforms.capture.screenshots import excluded_counts, is_word, ocr_elements
from transforms.capture.stage import screenshots_stage

SHOTS = FIXTURES / "screenshots"
needs_tesseract = pytest.mark.skipif(not ocr.available(), reason="tesseract-ocr is not installed")

TSV = "\n".join(
    [
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "4\t1\t1\t1\t1\t0\t10\t10\t90\t12\t-1\t",
        "5\t1\t1\t1\t1\t1\t10\t10\t40\t12\t96.5\tSave",
        "5\t1\t1\t1\t1\t2\t55\t10\t45\t12\t91.0\tAs...",
        "5\t1\t2\t1\t1\t1\t10\t40\t30\t12\t31.0\tQuit",
    ]
)


def test_tsv_gives_words_and_lines_with_confidence():
    boxes = ocr.parse_tsv(TSV)
    assert [(b.level, b.text) for b in boxes] == [
        ("word", "Save"),
        ("word", "As..."),
        ("word", "Quit"),
        ("line", "Save As..."),
    ]
    line = boxes[-1]
    assert line.box == (10, 10, 100, 22) and line.confidence == pytest.approx(93.75)


def test_alignment_finds_aligned_text_and_misses_an_offset():
    read = ocr.parse_tsv(TSV)
    aligned = [("Save As…", (5, 6, 110, 26)), ("Quit", (10, 40, 40, 52)), ("Icon", (0, 0, 5, 5))]
    assert ocr.alignment(aligned, read) == (2, 2)  # "Icon" is not read anywhere: not checked
    shifted = [(t, (x1, y1 - 25, x2, y2 - 25)) for t, (x1, y1, x2, y2) in aligned]  # LibreOffice's VCL
    assert ocr.alignment(shifted, read) == (2, 0)


def source(tmp_path: Path) -> Source:
    folder = tmp_path / "shots"
    shutil.copytree(SHOTS, folder)
    return Source(id="shots", kind="screenshots", location=folder)


@needs_tesseract
def test_screenshots_source_reads_text_boxes_and_excludes_low_confidence(tmp_path: Path):
    out = screenshots_stage(source(tmp_path), CaptureParams(ocr=OcrParams(min_confidence=60)))
    for name, frame in out.tables.items():
        TABLES[name].model.validate(frame)
    captures = out.tables["captures"].sort("page_path")
    assert captures["status"].to_list() == ["error", "ok", "ok"]  # broken.png, menu.png, web-menu.jpg
    assert "broken.png" in captures["message"][0]
    assert captures["platform"].to_list()[1:] == ["desktop", "web"]
    elements = out.tables["elements"]
    words = set(elements.filter(pl.col("tag") == "ocr_word")["text"])
    assert {"New", "Quit", "Print..."} <= words
    lines = elements.filter(pl.col("tag") == "ocr_line")
    assert "close window" in {t.lower() for t in lines["text"]}
    assert elements["confidence"].min() >= 60
    excluded = out.tables["excluded_elements"]
    assert set(excluded["reason"]) <= {"low_confidence", "not_a_word"}
    counts = captures["excluded_low_confidence"].sum() + captures["excluded_not_a_word"].sum()
    assert excluded.height == counts
    assert out.books[0]["rows_in"] == 3 and out.books[0]["rows_out"] == 2


@needs_tesseract
def test_alignment_check_counts_per_app_and_flags(tmp_path: Path):
    tables = screenshots_stage(source(tmp_path), CaptureParams()).tables
    menu = tables["captures"].filter(pl.col("page_path") == "menu.png")["capture_id"][0]
    # The OCR elements stand in for tree text boxes: aligned with themselves; then all moved 25 px up.
    elements = tables["elements"].filter(pl.col("capture_id") == menu)
    checked = with_alignment({**tables, "elements": elements}, OcrParams(check_screenshots=1))
    row = checked["captures"].filter(pl.col("capture_id") == menu).row(0, named=True)
    assert row["ocr_text_boxes"] > 10 and row["ocr_matched"] == row["ocr_text_boxes"]
    moved = elements.with_columns(pl.col("y1") - 25, pl.col("y2") - 25).with_columns(
        pl.col("y1").clip(lower_bound=0)
    )
    shifted = with_alignment({**tables, "elements": moved}, OcrParams(check_screenshots=1))
    figure = per_app(shifted["captures"], 0.9)
    assert figure.filter(pl.col("flagged")).height == 1


def test_ocr_tokens_that_are_no_word_are_excluded_as_not_a_word():
    # jEdit's OCR start state read its tool-bar icons as `JK`, `&`, `©` (and their line), its scroll
    # bar's arrow as `aT`: phantom elements.
    def box(text: str, confidence: float = 85.0, level: str = "word") -> ocr.OcrBox:
        return ocr.OcrBox(level, text, confidence, (0, 0, 30, 12))

    words = ["File", "Edit", "v2", "42", "Save As...", "OK", "UI", "©2026", "ok", "Ok", "to"]
    phantoms = ["JK", "&", "©", "|", "a", "—", "J.K", "+-", "(1", "(x)", "aT", "JK & ©"]
    read = [box(t) for t in words + phantoms] + [box("OK", 96.0), box("Quit", 20.0)]
    where = {"source_id": "s", "capture_id": "c" * 32, "screenshot_id": "d" * 64, "part_index": 0}
    elements, excluded = ocr_elements(read, where, min_confidence=60)
    kept = [e["text"] for e in elements]
    assert kept == ["File", "Edit", "v2", "42", "Save As...", "©2026", "ok", "Ok", "to", "OK"]  # OK at 96
    reasons = {e["name"]: e["reason"] for e in excluded}
    assert reasons == {"OK": "not_a_word", "UI": "not_a_word", "Quit": "low_confidence"} | dict.fromkeys(
        phantoms, "not_a_word"
    )
    assert not is_word(box("JK", 89.9)) and is_word(box("JK", 90.0))
    assert is_word(box("JK File", 40.0, "line")) and not is_word(box("& ©", 95.0, "line"))
    assert excluded_counts(excluded) == {"excluded_low_confidence": 1, "excluded_not_a_word": 14}
    TABLES["excluded_elements"].model.validate(TABLES["excluded_elements"].frame(excluded))
