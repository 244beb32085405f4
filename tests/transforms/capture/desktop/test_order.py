"""The order of exploration (order.py): each menu followed at once by one item that opens a dialog, so
that a budget smaller than the menus still reaches dialogs, the same steps on every run; and
follow.py's bookkeeping of the items already followed."""

from __future__ import annotations

from transforms.capture.desktop.follow import Route, item_key
from transforms.capture.desktop.order import (
    DIALOGS,
    FIRST,
    FOLLOW,
    OPEN,
    OPENERS,
    REST,
    says_dialog,
    schedule,
)


def _item(name: str, role: str = "menu item") -> dict:
    return {"name": name, "role": role, "states": ["enabled", "showing"], "box": [0, 0, 10, 10]}


def test_each_menu_is_followed_by_one_dialog_before_the_next_menu_opens():
    steps = schedule(3, 2)
    assert steps[:6] == [(OPEN, 0), (FIRST, 0), (OPEN, 1), (FIRST, 1), (OPEN, 2), (FIRST, 2)]
    assert steps[6:] == [
        (DIALOGS, 0),
        (DIALOGS, 1),
        (DIALOGS, 2),
        (OPENERS, -1),
        *[(REST, k) for k in range(5)],  # the three menus, then the two openers
    ]
    assert schedule(3, 2) == steps  # the same order on every run


def test_eleven_menus_in_twelve_states_reach_dialogs():
    # LibreOffice's and GIMP's menu bars: breadth first spent the whole budget of 12 (the start state and
    # 11 menus); now the first state past the start that opens a dialog is the third.
    steps = schedule(11, 0)
    first_follow = next(i for i, s in enumerate(steps) if s.what == FIRST)
    assert first_follow == 1 and steps[first_follow].popup == 0
    # 12 states: start + 5 menus with a dialog each + 1 more menu, at one state per step
    assert sum(s.what == FIRST for s in steps[:11]) == 5


def test_the_first_pass_follows_dialog_items_only_and_stops_at_one_window():
    which, most = FOLLOW[FIRST]
    assert most == 1
    items = [
        _item("New", "menu"),  # a submenu
        _item("Open..."),
        _item("Save As…"),
        _item("Full Screen"),
        _item("Wrap…", "check menu item"),  # a mode, whatever its label
    ]
    assert [i["name"] for i in items if which(i)] == ["Open...", "Save As…"]
    assert FOLLOW[DIALOGS] == (says_dialog, None) and FOLLOW[REST] == (None, None)


def test_an_item_followed_once_is_known_again_by_its_route_label_and_role():
    route = Route(["menu:File"], lambda: None)
    sub = Route(["menu:File", "submenu:Recent"], lambda: None, [("Recent", "menu")])
    a = item_key(route, _item("Open…"))
    assert a == item_key(route, {**_item("Open…"), "box": [5, 50, 80, 20]})  # where it is does not matter
    assert a != item_key(sub, _item("Open…"))  # the same label in a submenu is another item
    assert a != item_key(route, _item("Open…", "check menu item"))
