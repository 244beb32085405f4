"""What the tree reader corrects in what a toolkit reports, on constructed nodes."""

from __future__ import annotations

from transforms.capture.desktop.walker import _window_boxes


def test_a_window_without_a_box_takes_its_first_childs():
    """Java's ATK bridge reports a Swing frame's extents as -1: the frame takes its root pane's box."""

    def n(parent, role, box, states=("showing", "visible")):
        return {"parent": parent, "role": role, "box": list(box), "states": list(states)}

    nodes = [
        n(-1, "application", (0, 0, 0, 0), ()),
        n(0, "frame", (-1, -1, -1, -1)),
        n(1, "panel", (0, 0, 0, 0), ()),
        n(1, "root pane", (0, 19, 1280, 781)),
        n(0, "frame", (-1, -1, -1, -1), ()),  # not showing: left alone
        n(0, "dialog", (100, 100, 300, 200)),
    ]
    _window_boxes(nodes)
    assert [x["box"] for x in nodes[1::4]] == [[0, 19, 1280, 781], [100, 100, 300, 200]]
    assert nodes[4]["box"] == [-1, -1, -1, -1]
