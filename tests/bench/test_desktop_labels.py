"""The desktop bench's label check (bench/desktop_labels.py) on a real screenshot: qterminal's Actions
menu, half its items greyed out (tests/fixtures/desktop/alignment). Pure apart from tesseract."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from transforms.capture import ocr

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from desktop_labels import screen_lines, undrawn_counts  # noqa: E402


@pytest.mark.skipif(not ocr.available(), reason="tesseract is not installed")
def test_greyed_out_names_are_found_and_a_name_not_on_the_screen_is_not():
    png = (FIXTURES / "desktop" / "alignment" / "qterminal-actions.png").read_bytes()
    lines = screen_lines({"s": png})
    rows = [
        ("qterminal", "s", 'the "Move Tab Right" menu item'),  # greyed out: read with a threshold per tile
        ("qterminal", "s", 'the menu item below the "Clear Active Terminal" menu item'),
        ("qterminal", "s", 'the "Handle history" menu item'),
        ("qterminal", "s", 'the "Rename Session" menu item'),  # not on the screen
        ("qterminal", "s", 'the "Go" menu item'),  # too short to judge: counted apart
    ]
    assert undrawn_counts(rows, lines) == {"qterminal": (4, 1, 1)}
