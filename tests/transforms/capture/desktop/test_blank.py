"""Controls that draw nothing (desktop/blank.py): a button (named or not), a named label or panel whose
box is one flat colour is excluded as transparent; drawn controls, empty entries and tiny boxes stay.
Pure, on a constructed screenshot."""

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
    unnamed = _element("button", None, (100, 45, 130, 58))  # gnome-calculator's empty indicator boxes
    slot = _element("panel", "[placeholder for message]", (160, 45, 176, 51))  # Calc's empty message slot
    tiny = _element("button", "Close", (150, 50, 154, 54))
    elements, excluded, counts = without_blank(
        _png(), [blank, drawn, entry, unnamed, slot, tiny], [{"reason": "hidden"}], {"hidden": 1}
    )
    assert elements == [drawn, entry, tiny]
    assert [e["name"] for e in excluded[2:]] == [None, "[placeholder for message]"]
    assert excluded[1] == {
        "tag": "button", "role": "button", "name": "Rotate Clockwise", "css_path": "/Rotate Clockwise",
        "x1": 5, "y1": 10, "x2": 35, "y2": 40, "reason": "transparent",
    }  # fmt: skip
    assert counts == {"hidden": 1, "transparent": 3}


def test_a_state_without_blank_controls_is_unchanged():
    drawn = [_element("button", "Zoom In", (40, 10, 71, 41))]
    assert without_blank(_png(), drawn, [], {}) == (drawn, [], {})


def test_a_blank_tool_button_under_an_open_menus_edge_is_judged_on_its_uncovered_part():
    """lximage-qt's Edit menu opens over two icon-less tool buttons: the menu's frame and text drawn over
    them are the menu's ink, not the buttons'; a drawn button beside the menu stays."""
    from transforms.capture.desktop.elements import extract_with_covers
    from transforms.capture.desktop.tree import Tree
    from transforms.capture.desktop.xdisplay import Window

    def node(path, parent, role, name="", box=(0, 0, 0, 0)):
        states = ["enabled", "sensitive", "showing", "visible"]
        return {"path": path, "parent": parent, "role": role, "name": name, "description": "",
                "states": states, "actions": ["click"] if parent > 1 else [], "box": list(box),
                "children": 0}  # fmt: skip

    nodes = [
        node("app", -1, "application", "viewer"),
        node("app/frame[0]", 0, "frame", "Viewer", (0, 20, 600, 380)),
        node("app/frame[0]/menu_bar[0]", 1, "menu bar", "", (0, 20, 600, 20)),
        node("app/frame[0]/menu_bar[0]/menu[0]", 2, "menu", "Edit", (40, 20, 30, 19)),
        node("app/frame[0]/menu_bar[0]/menu[0]/menu_item[0]", 3, "menu item", "Rotate", (41, 40, 292, 23)),
        node("app/frame[0]/push_button[1]", 1, "push button", "Previous File", (13, 43, 32, 31)),  # left edge
        node("app/frame[0]/push_button[2]", 1, "push button", "Zoom In", (324, 43, 32, 31)),  # right edge
        node("app/frame[0]/push_button[3]", 1, "push button", "Fit", (390, 43, 32, 31)),  # drawn, beside it
    ]
    windows = [Window(1, (0, 0, 600, 400), "Viewer", False), Window(2, (41, 39, 334, 140), "", True)]
    image = Image.new("RGB", (600, 400), (239, 239, 239))
    pen = ImageDraw.Draw(image)
    pen.rectangle((41, 39, 333, 139), fill=(255, 255, 255), outline=(120, 120, 120))  # the open menu
    pen.text((60, 45), "Rotate", fill=(0, 0, 0))
    pen.text((45, 24), "Edit", fill=(0, 0, 0))
    pen.rectangle((392, 45, 420, 72), fill=(210, 210, 210), outline=(90, 90, 90))  # Fit: a drawn check box
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    tree = Tree(nodes, "Qt 5.15.8", windows, (600, 400))
    elements, excluded, counts, covers = extract_with_covers(tree)
    assert [len(c) for c in covers] == [0, 0, 1, 1, 0]  # the menu lies over the two buttons at its edges
    # Read whole, each box takes in the menu's frame: both would be kept as drawn.
    assert [e["name"] for e in without_blank(buffer.getvalue(), elements, excluded, counts)[0]] == [
        "Edit", "Rotate", "Previous File", "Zoom In", "Fit",
    ]  # fmt: skip
    kept, out, counts = without_blank(buffer.getvalue(), elements, excluded, counts, covers)
    assert [e["name"] for e in kept] == ["Edit", "Rotate", "Fit"]
    assert [(e["name"], e["reason"]) for e in out] == [
        ("Previous File", "transparent"),
        ("Zoom In", "transparent"),
    ]
    assert counts["transparent"] == 2
