"""Crops made ready for OCR (transforms/capture/crop_image.py), on crops drawn here as hexchat's GTK 2
file chooser draws them: a selected row (white text on a mid-grey highlight, median grey 150, which the
old crops neither inverted nor stretched) and the path bar's toggle buttons (a word inside a dark frame,
which tesseract took for a picture). Each of the OCR tests failed before the crops were made this way."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from transforms.capture import ocr
from transforms.capture.crop_image import dark_on_white, paint_out_frame

FONT = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 13)
needs_tesseract = pytest.mark.skipif(not ocr.available(), reason="tesseract is not installed")


def selected_row(name: str, highlight: int = 150, width: int = 120) -> Image.Image:
    image = Image.new("RGB", (width, 22), (highlight,) * 3)
    ImageDraw.Draw(image).text((6, 3), name, fill=(255, 255, 255), font=FONT)
    return image


def framed(name: str, width: int = 70) -> Image.Image:
    """A GTK 2 toggle button: a 2-px dark edge, a 1-px light one inside it, a light grey face."""
    image = Image.new("RGB", (width, 28), (220, 220, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, 27), outline=(60, 60, 60), width=2)
    draw.rectangle((2, 2, width - 3, 25), outline=(255, 255, 255), width=1)
    draw.text((10, 6), name, fill=(0, 0, 0), font=FONT)
    return image


def reads(image: Image.Image, name: str) -> bool:
    out = io.BytesIO()
    image.save(out, "PNG")
    return ocr.crop_reads(out.getvalue(), [(name, (0, 0, image.width, image.height))])[0]


def test_light_ink_on_a_mid_grey_highlight_is_inverted_to_dark_on_white():
    grey = np.asarray(dark_on_white(selected_row("bin")))
    assert np.median(grey) == 255 and grey.min() == 0  # the highlight white, the letters black
    assert (grey < 128).mean() < 0.2  # few pixels dark: the ink, not the highlight
    # Dark ink on the same grey (a button's face) stays the right way round.
    face = Image.new("RGB", (120, 22), (150,) * 3)
    ImageDraw.Draw(face).text((6, 3), "bin", fill=(0, 0, 0), font=FONT)
    assert (np.asarray(dark_on_white(face)) < 128).mean() < 0.2


def test_a_frame_is_painted_out_and_an_ascender_at_the_crop_edge_is_kept():
    grey = paint_out_frame(np.asarray(framed("addons").convert("L"), dtype=np.float32))
    assert (grey[:3, :] == 220).all() and (grey[-3:, :] == 220).all()  # the edges the face's grey
    assert (grey[:, :3] == 220).all() and (grey[:, -3:] == 220).all()
    assert grey.min() < 60  # the word is still there
    # A list row whose text begins at the crop's left edge: the rows of the h's ascender are one grey
    # but for their first pixels, and of the background's grey: passed over, not painted.
    row = Image.new("L", (124, 23), 255)
    ImageDraw.Draw(row).text((0, 4), "home", fill=0, font=FONT)
    pixels = np.asarray(row, dtype=np.float32)
    assert (paint_out_frame(pixels) == pixels).all()


@needs_tesseract
@pytest.mark.parametrize("name", ["bin", "share", "Documents"])
def test_white_text_on_a_mid_grey_selected_row_reads_as_its_name(name: str):
    assert reads(selected_row(name), name)


@needs_tesseract
@pytest.mark.parametrize("name", [".config", "addons", "Desktop"])
def test_a_word_inside_a_dark_frame_reads_as_its_name(name: str):
    assert reads(framed(name), name)


@needs_tesseract
def test_a_frame_or_a_highlight_alone_does_not_read_as_a_name():
    assert not reads(framed(""), "addons") and not reads(selected_row(""), "share")
    assert not reads(framed("addons"), ".config")
