"""Screenshots hold still what moves by itself: animations made by script and those of a page's frames,
which the freeze style sheet does not reach (render.py takes the screenshot straight from the browser and
read_page.js / still.js hold the frames still for it)."""

from __future__ import annotations

import io

from PIL import Image

from schemas.config import CaptureParams
from tests.conftest import FIXTURES
from tests.transforms.capture.test_stage import capture

STILL = FIXTURES / "still"
TWO_SLICES = CaptureParams(page_timeout_s=5, max_slices=2)


def _pixel(png: bytes, x: int, y: int) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGB").getpixel((x, y))


def test_moving_parts_are_shot_at_their_start_or_end_the_same_in_every_capture():
    first, second = (capture(STILL, ["moving.html"], TWO_SLICES)["screenshots"] for _ in range(2))
    assert first["part_index"].to_list() == [0, 1]  # the page is two viewports high
    shots = first.sort("part_index")["png"].to_list()
    assert shots == second.sort("part_index")["png"].to_list()
    top = shots[0]
    assert _pixel(top, 40, 80) == (200, 0, 0)  # the endless slide is at its start
    assert _pixel(top, 500, 80) == (255, 255, 255)  # and nowhere along its way
    assert _pixel(top, 40, 200) == (0, 0, 200)  # the ten-minute fade is at its end
    assert _pixel(top, 30, 330) == (200, 0, 200)  # the frame's endless CSS animation is at its start
    assert _pixel(top, 330, 330) == (255, 255, 255)
