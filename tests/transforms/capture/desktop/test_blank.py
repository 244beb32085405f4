"""Controls that draw nothing (desktop/blank.py): a named button whose box is one flat colour is
excluded as transparent; drawn controls, empty entries and tiny boxes stay. Pure, on a constructed
screenshot."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from transforms.capture.desktop.blank import without_blank


def _png() -> bytes:
    image = Image.new("RGB", (200, 60), (239, 239, 239))  # a tool bar's grey
    pen = ImageDraw.Draw(image)
    pen.rectangle((40, 10, 70, 40), outline=(60, 60, 60))  # a drawn button: its frame
    pen.line((45, 25, 65, 25), fill=(0, 0, 0), width=3)  # and its icon
    image.putpixel((12, 20), (236, 236, 236))  # noise under the spread: still blank
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _element(role: str, name: str | None, box: tuple) -> dict:
    x1, y1, x2, y2 = box
    return {
        "tag": role,
        "role": role,
        "name": name,
        "css_path": f"/{name}",
        "x1": x1,
        "y1": y1,
        "x2": x2,
        "y2": y2,
    }


def test_a_named_button_with_nothing_drawn_is_excluded_as_transparent():
    blank = _element("button", "Rotate Clockwise", (5, 10, 35, 40))
    drawn = _element("button", "Zoom In", (40, 10, 71, 41))
    entry = _element("textbox", "Search", (80, 10, 190, 40))  # an empty entry is drawn blank, and is there
    unnamed = _element("button", None, (100, 45, 130, 58))
    tiny = _element("button", "Close", (150, 50, 156, 56))
    elements, excluded, counts = without_blank(
        _png(), [blank, drawn, entry, unnamed, tiny], [{"reason": "hidden"}], {"hidden": 1}
    )
    assert elements == [drawn, entry, unnamed, tiny]
    assert excluded[1] == {
        "tag": "button", "role": "button", "name": "Rotate Clockwise", "css_path": "/Rotate Clockwise",
        "x1": 5, "y1": 10, "x2": 35, "y2": 40, "reason": "transparent",
    }  # fmt: skip
    assert counts == {"hidden": 1, "transparent": 1}


def test_a_state_without_blank_controls_is_unchanged():
    drawn = [_element("button", "Zoom In", (40, 10, 71, 41))]
    assert without_blank(_png(), drawn, [], {}) == (drawn, [], {})
