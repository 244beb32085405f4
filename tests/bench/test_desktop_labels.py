"""The desktop bench's label check (bench/desktop_labels.py) on a real screenshot: qterminal's Actions
menu, half its items greyed out (tests/fixtures/desktop/alignment). Pure apart from tesseract."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.conftest import FIXTURES
from transforms.capture import ocr

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from desktop_labels import light_regions, screen_lines, undrawn_counts  # noqa: E402


@pytest.mark.skipif(not ocr.available(), reason="tesseract is not installed")
def test_greyed_out_names_are_found_and_a_name_not_on_the_screen_is_not():
    png = (FIXTURES / "desktop" / "alignment" / "qterminal-actions.png").read_bytes()
    lines = screen_lines({"s": png})
    rows = [
        ("qterminal", "s", 'the "Move Tab Right" menu item'),  # greyed out: read with a threshold per tile
        ("qterminal", "s", 'the menu item below the "Clear Active Terminal" menu item'),
        ("qterminal", "s", 'the "Handle history" menu item'),
        ("qterminal", "s", 'the menu item right of the "Actions" menu item'),  # white on the highlight
        ("qterminal", "s", 'the "Rename Session" menu item'),  # not on the screen
        ("qterminal", "s", 'the menu item left of the "Sessions" menu item'),  # not on the screen either
        ("qterminal", "s", 'the "Go" menu item'),  # too short to judge: counted apart
    ]
    assert undrawn_counts(rows, lines) == {"qterminal": (6, 2, 1)}


def test_dark_areas_are_found_and_dark_text_on_light_is_not_one():
    image = Image.new("L", (200, 60), 240)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 10, 79, 31), fill=119)  # a highlight (qterminal's blue in grey)
    draw.text((26, 14), "Actions", fill=255)  # light text on it
    draw.text((100, 14), "Edit View Help", fill=0)  # dark text on the light bar
    draw.line((100, 40, 190, 40), fill=0, width=2)  # a dark 2-px rule
    assert light_regions(np.asarray(image)) == [(20, 10, 80, 32)]
