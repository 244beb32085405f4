"""Controls that draw nothing: a named button whose whole box on the screenshot is one flat colour.

The tree says a control is showing; the screen may still show nothing of it. lximage-qt's tool bar
(Qt 5) asks the icon theme for its icons; the session's Qt finds none, so its 13 tool buttons are
blank squares of the tool bar's grey, published with names ("Rotate Clockwise", "Zoom In") that a
label would send a person to click on empty space. A control always draws something where it is:
its label, its icon, its frame or its check box; one whose box has no ink at all is excluded as
`transparent`, as the web's invisible elements are. Text boxes, cells and labels are not judged: an
empty entry or cell is drawn blank and is still there.
"""

from __future__ import annotations

import io

from PIL import Image

# Roles (as ARIA) whose control draws its label, icon or box: a blank box is a control not drawn.
DRAWN_ROLES = {"button", "checkbox", "radio", "menuitem", "tab", "link", "switch", "combobox"}
MAX_SPREAD = 8  # grey levels between the darkest and the lightest pixel of a box that draws nothing
MIN_SIDE_PX = 8  # a smaller box is too small to judge


def is_blank(image: Image.Image, element: dict) -> bool:
    """Whether a named control's box (on a greyscale screenshot) is one flat colour."""
    if element.get("role") not in DRAWN_ROLES or not element.get("name"):
        return False
    x1, y1, x2, y2 = (int(round(element[k])) for k in ("x1", "y1", "x2", "y2"))
    if x2 - x1 < MIN_SIDE_PX or y2 - y1 < MIN_SIDE_PX:
        return False
    low, high = image.crop((x1, y1, x2, y2)).getextrema()
    return high - low <= MAX_SPREAD


def without_blank(
    png: bytes, elements: list[dict], excluded: list[dict], counts: dict[str, int]
) -> tuple[list[dict], list[dict], dict[str, int]]:
    """A state's (elements, excluded elements, counts per reason) with the named controls that draw
    nothing moved to the excluded ones, reason `transparent`."""
    image = Image.open(io.BytesIO(png)).convert("L")
    kept, blank = [], []
    for element in elements:
        (blank if is_blank(image, element) else kept).append(element)
    if not blank:
        return elements, excluded, counts
    moved = [
        {k: e[k] for k in ("tag", "role", "name", "css_path", "x1", "y1", "x2", "y2")}
        | {"reason": "transparent"}
        for e in blank
    ]
    return kept, excluded + moved, counts | {"transparent": counts.get("transparent", 0) + len(blank)}
