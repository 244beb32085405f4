"""Controls that draw nothing: a button (named or not) whose whole box on the screenshot is one flat colour.

The tree says a control is showing; the screen may still show nothing of it. lximage-qt's tool bar
(Qt 5) asks the icon theme for its icons; the session's Qt finds none, so its 13 tool buttons are
blank squares of the tool bar's grey, published with names ("Rotate Clockwise", "Zoom In") that a
label would send a person to click on empty space. A control always draws something where it is:
its label, its icon, its frame or its check box; one whose box has no ink at all is excluded as
`transparent`, as the web's invisible elements are. So is a named label or panel with no ink: its
name is not drawn (LibreOffice's "[placeholder for message]" slot of the Find tool bar). Text boxes and
cells are not judged: an empty entry or cell is drawn blank and is still there. Only the part of the
box that no window above covers is read: an open menu's edge drawn over a blank tool button is the
menu's ink, not the button's. A button with no name is judged too (gnome-calculator's empty indicator
boxes of its menu rows).
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageStat

# Roles (as ARIA) whose control draws its label, icon or box, and named labels and panels: a blank box is
# one not drawn.
DRAWN_ROLES = {
    "button",
    "checkbox",
    "radio",
    "menuitem",
    "tab",
    "link",
    "switch",
    "combobox",
    "text",
    "panel",
}
MAX_SPREAD = 8  # grey levels between the darkest and the lightest pixel of a box that draws nothing
MIN_SIDE_PX = 5  # a smaller box is too small to judge (Calc's 16×6 px empty message slot is judged)


def is_blank(image: Image.Image, element: dict, covers: list[tuple] = ()) -> bool:
    """Whether a control's box (on a greyscale screenshot) is one flat colour where no window of
    `covers` (boxes of the windows above its own) lies over it."""
    if element.get("role") not in DRAWN_ROLES:
        return False
    x1, y1, x2, y2 = (int(round(element[k])) for k in ("x1", "y1", "x2", "y2"))
    if x2 - x1 < MIN_SIDE_PX or y2 - y1 < MIN_SIDE_PX:
        return False
    mask = Image.new("L", (x2 - x1, y2 - y1), 255)
    pen = ImageDraw.Draw(mask)
    for cover in covers:
        left, top, right, bottom = (int(round(v)) for v in cover)
        if left < right and top < bottom:  # PIL's rectangle takes in its far edge: one pixel less
            pen.rectangle((left - x1, top - y1, right - x1 - 1, bottom - y1 - 1), fill=0)
    if mask.histogram()[255] < MIN_SIDE_PX * MIN_SIDE_PX:
        return False  # too little of it shows to judge
    (low, high), *_ = ImageStat.Stat(image.crop((x1, y1, x2, y2)), mask).extrema
    return high - low <= MAX_SPREAD


def without_blank(
    png: bytes,
    elements: list[dict],
    excluded: list[dict],
    counts: dict[str, int],
    covers: list[list[tuple]] | None = None,
) -> tuple[list[dict], list[dict], dict[str, int]]:
    """A state's (elements, excluded elements, counts per reason) with the named controls that draw
    nothing moved to the excluded ones, reason `transparent`; `covers`, per element, the boxes of the
    windows above its own over it (elements.extract_with_covers)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    kept, blank = [], []
    for element, over in zip(elements, covers or [[]] * len(elements), strict=True):
        (blank if is_blank(image, element, over) else kept).append(element)
    if not blank:
        return elements, excluded, counts
    moved = [
        {k: e[k] for k in ("tag", "role", "name", "css_path", "x1", "y1", "x2", "y2")}
        | {"reason": "transparent"}
        for e in blank
    ]
    return kept, excluded + moved, counts | {"transparent": counts.get("transparent", 0) + len(blank)}
