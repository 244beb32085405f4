"""Swing's lightweight popups (drawn in the frame's layered pane, no X window of their own), pure, on
walks built from jEdit's (Java's ATK bridge): the items of a menu bar's menu are reported 18 px above
where they are drawn while the popup's own box is right; the popup covers what lies under it in the
frame; a popup that is an X window (GTK, Qt, Swing's heavyweight ones) is left as it is."""

from __future__ import annotations

from tests.transforms.capture.desktop.test_tree import node
from transforms.capture.desktop.acting import menu_opener
from transforms.capture.desktop.elements import extract
from transforms.capture.desktop.tree import Tree, correct, lightweight_popups
from transforms.capture.desktop.xdisplay import Window

FRAME = Window(1, (0, 0, 1280, 800), "jEdit - notes.txt", False)


def jedit_file_menu(popup=(0, 38, 270, 405), first_item_y=22) -> list[dict]:
    """jEdit's File menu open (its probe's walk, trimmed): the popup at its drawn box, its items where
    the bridge reports them; the same items again under the menu bar's File; two tool-bar buttons,
    one under the popup."""
    x, y, w, _ = popup
    p = "app/frame[0]/root_pane[0]/layered_pane[0]"
    return [
        node("app", -1, "application", "jEdit - notes.txt"),
        node("app/frame[0]", 0, "frame", "jEdit - notes.txt", (0, 19, 1280, 781)),
        node("app/frame[0]/root_pane[0]", 1, "root pane", "", (0, 19, 1280, 781)),
        node(p, 2, "layered pane", "", (0, 19, 1280, 781)),
        node(f"{p}/panel[0]", 3, "panel", "", popup),
        node(f"{p}/panel[0]/popup_menu[0]", 4, "popup menu", "", popup),
        node(
            f"{p}/panel[0]/popup_menu[0]/menu_item[0]",
            5,
            "menu item",
            "New",
            (x + 1, first_item_y, w - 2, 21),
        ),
        node(
            f"{p}/panel[0]/popup_menu[0]/menu_item[1]",
            5,
            "menu item",
            "Open...",
            (x + 1, first_item_y + 21, w - 2, 21),
        ),
        node(
            f"{p}/panel[0]/popup_menu[0]/menu_item[2]",
            5,
            "menu item",
            "Exit",
            (x + 1, first_item_y + 379, w - 2, 21),
        ),
        node(f"{p}/menu_bar[1]", 3, "menu bar", "", (0, 19, 1280, 19)),
        node(f"{p}/menu_bar[1]/menu[0]", 9, "menu", "File", (0, 19, 33, 19), actions=["click"]),
        node(
            f"{p}/menu_bar[1]/menu[0]/menu_item[0]", 10, "menu item", "New", (x + 1, first_item_y, w - 2, 21)
        ),
        node(f"{p}/panel[1]/tool_bar[0]", 3, "tool bar", "", (0, 41, 1280, 32)),
        node(
            f"{p}/panel[1]/tool_bar[0]/push_button[3]",
            12,
            "push button",
            "Under",
            (98, 41, 32, 32),
            actions=["click"],
        ),
        node(
            f"{p}/panel[1]/tool_bar[0]/push_button[9]",
            12,
            "push button",
            "Beside",
            (370, 41, 32, 32),
            actions=["click"],
        ),
    ]


def boxes(elements: list[dict]) -> dict[str, tuple]:
    return {e["text"] or e["name"]: (e["x1"], e["y1"], e["x2"], e["y2"]) for e in elements if e.get("name")}


def test_items_of_a_lightweight_popup_are_moved_into_it_and_it_covers_the_frame_below():
    tree = Tree(jedit_file_menu(), "J2SE-access-bridge 1.0", [FRAME], (1280, 800))
    assert lightweight_popups(tree.nodes, tree.windows) == [5]
    correct(tree)
    # the items' column (22..422) centred in the popup (38..443): 18 px down, the first one drawn at 40
    assert tree.nodes[6]["box"] == [1, 40, 268, 21]
    assert tree.nodes[8]["box"] == [1, 419, 268, 21]
    assert tree.nodes[11]["box"] == [1, 40, 268, 21]  # the same item under the menu bar's File
    assert tree.nodes[10]["box"] == [0, 19, 33, 19]  # the menu bar's own items stay
    assert tree.corrections["popup_items_inside"] == 4
    elements, excluded, counts = extract(tree)
    names = [e["name"] for e in elements]
    assert "Beside" in names and "Under" not in names and "Open..." in names
    assert [x["name"] for x in excluded if x["reason"] == "covered"] == ["Under"]


def test_popups_that_are_x_windows_and_items_inside_their_popup_are_left_alone():
    # a heavyweight Swing popup (jEdit's context menu at the screen's bottom): an override-redirect window
    heavy = Tree(jedit_file_menu((571, 0, 312, 313), 3), "J2SE-access-bridge 1.0", [FRAME], (1280, 800))
    heavy.windows = [FRAME, Window(2, (571, 0, 883, 313), "win0", True)]
    # a lightweight one whose items are reported inside it (jEdit's context menu in the frame)
    inside = Tree(jedit_file_menu((968, 399, 312, 413), 402), "J2SE-access-bridge 1.0", [FRAME], (1280, 800))
    for tree in (heavy, inside):
        before = [list(n["box"]) for n in tree.nodes]
        correct(tree)
        assert [n["box"] for n in tree.nodes] == before
        assert "popup_items_inside" not in tree.corrections
    assert lightweight_popups(heavy.nodes, heavy.windows) == []
    names = [e["name"] for e in extract(heavy)[0]]
    assert "Under" in names  # an X popup covers by its window only: the button lies outside it


def test_the_menu_that_opened_a_lightweight_popup_is_the_selected_menu_of_the_bar():
    # what back_to clicks when Escape left the popup open (Escape reaches only the focused window)
    nodes = jedit_file_menu()
    assert menu_opener(nodes) is None  # nothing selected: nothing to click
    nodes[10]["states"] = [*nodes[10]["states"], "selected"]
    assert menu_opener(nodes)["name"] == "File"
    nodes[9]["role"] = "panel"  # a selected menu outside a menu bar (a submenu) is not the opener
    assert menu_opener(nodes) is None
