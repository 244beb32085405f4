"""Which windows at start are start-up windows, and the ways tried to dismiss them: pure, on constructed
walks (HexChat's Network List, a frame typed as a dialog on the X display, whose Close button quits)."""

from __future__ import annotations

from transforms.capture.desktop.startup import ESCAPE, over_main, ways_out


def _node(path: str, parent: int, role: str, name: str = "", states=("showing",)) -> dict:
    return {"path": path, "parent": parent, "role": role, "name": name, "states": list(states)}


APP = _node("application[0]", -1, "application", "hexchat")
NETWORK_LIST = _node("application[0]/frame[0]", 0, "frame", "Network List - HexChat")
MAIN = _node("application[0]/frame[1]", 0, "frame", "HexChat")
ERROR = _node("application[0]/alert[0]", 0, "alert", "Error")
BUTTONS = [
    _node("application[0]/frame[0]/push_button[0]", 1, "push button", "Add"),
    _node("application[0]/frame[0]/push_button[1]", 1, "push button", "Close"),
    _node("application[0]/frame[0]/push_button[2]", 1, "push button", "Connect"),
    _node("application[0]/frame[0]/push_button[3]", 1, "push button", "Cancel", states=()),  # not showing
]


def test_a_frame_typed_as_a_dialog_is_a_start_up_window_when_it_is_the_only_one():
    nodes = [APP, NETWORK_LIST]
    assert over_main(nodes, [1], {"Network List - HexChat"})
    assert not over_main(nodes, [1], set()), "a frame alone, not typed as a dialog, is the main window"
    assert not over_main([APP, MAIN], [1], {"Network List - HexChat"})


def test_a_second_window_or_a_dialog_alone_is_a_start_up_window():
    assert over_main([APP, MAIN, NETWORK_LIST], [1, 2], set())
    assert over_main([APP, ERROR], [1], set())


def test_ways_out_are_escape_then_the_closers_then_the_ways_on_and_skip_what_ended_the_application():
    assert ways_out(BUTTONS, set()) == [ESCAPE, "Close", "Connect"]  # Add is no way out; Cancel hidden
    assert ways_out(BUTTONS, {"Close"}) == [ESCAPE, "Connect"]
    assert ways_out(BUTTONS, {ESCAPE, "Close", "Connect"}) == []
