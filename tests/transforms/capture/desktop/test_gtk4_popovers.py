"""GTK 4 menu buttons and their popovers, pure, on a constructed walk of gnome-calculator's header bar
(with a named menu button, as gnome-text-editor has): the menu button is a drop-down, its popover's items
are moved to where the popover's window is, a nameless opener is found again by its description, and a
second main window is closed with its own Close button, not the first one of the tree."""

from __future__ import annotations

from tests.transforms.capture.desktop.test_tree import node
from transforms.capture.desktop.acting import closers
from transforms.capture.desktop.items import dropdowns, popup_items, refind
from transforms.capture.desktop.tree import Tree, correct
from transforms.capture.desktop.xdisplay import Window

VISIBLE = ["focusable", "sensitive", "visible"]
FRAME = "app/frame[0]"
BUTTON = f"{FRAME}/push_button[1]"


def _described(n: dict, text: str) -> dict:
    return {**n, "description": text}


def calculator(popover_open: bool) -> list[dict]:
    """As GTK 4.8 reports it: boxes relative to the window; a menu button a push button with no action
    holding the one clicked (named after its class when it has no label); the open popover at the menu
    button's origin, 285x418."""
    click = {"actions": ["click"]}
    nodes = [
        node("app", -1, "application", "gnome-calculator"),
        node(FRAME, 0, "frame", "Calculator", (0, 0, 355, 498), ["active", "showing", "visible"]),
        _described(
            node(BUTTON, 1, "push button", "GtkMenuButton", (201, 6, 34, 34), VISIBLE), "Primary menu"
        ),
        {
            **_described(
                node(
                    f"{BUTTON}/push_button[0]", 2, "push button", "GtkMenuButton", (206, 11, 24, 24), VISIBLE
                ),
                "Primary menu",
            ),
            **click,
        },
        _described(
            node(f"{FRAME}/push_button[2]", 1, "push button", "GtkMenuButton", (105, 6, 78, 34), VISIBLE),
            "Mode selection",
        ),
        {
            **node(
                f"{FRAME}/push_button[2]/push_button[0]",
                4,
                "push button",
                "Basic",
                (114, 11, 60, 24),
                VISIBLE,
            ),
            **click,
        },
        {**node(f"{FRAME}/push_button[3]", 1, "push button", "Close", (320, 11, 24, 24), VISIBLE), **click},
        node(
            f"{FRAME}/push_button[4]", 1, "push button", "View", (240, 6, 34, 34), VISIBLE
        ),  # named (gedit 4)
        {
            **node(
                f"{FRAME}/push_button[4]/push_button[0]", 7, "push button", "View", (245, 11, 24, 24), VISIBLE
            ),
            **click,
        },
    ]
    if popover_open:
        menu = f"{BUTTON}/menu[1]"
        nodes += [
            node(menu, 2, "menu", "", (201, 6, 285, 418), VISIBLE),
            node(f"{menu}/menu_item[0]", 9, "menu item", "Preferences", (243, 270, 201, 32), VISIBLE),
            node(f"{menu}/radio_menu_item[1]", 9, "radio menu item", "Fixed", (243, 155, 201, 32), VISIBLE),
        ]
    return nodes


MAIN = Window(1, (457, 164, 822, 660), "Calculator", False)  # the frame, its client area at (462, 169)
POPOVER = Window(2, (538, 188, 823, 606), "gnome-calculator", True)
TOOLTIP = Window(3, (623, 213, 737, 243), "gnome-calculator", True)


def _corrected(nodes: list[dict], windows: list[Window]) -> Tree:
    tree = Tree(nodes, "GTK 4.8.3", windows, (1280, 800))
    tree.origins = {"Calculator": [(462, 169, 355, 498)]}
    correct(tree)
    return tree


def test_a_gtk4_menu_button_is_a_drop_down_found_again_by_its_description():
    tree = _corrected(calculator(False), [MAIN])
    found = dropdowns(tree.nodes)
    assert [(n["name"], n["description"], n["box"][:2]) for n in found] == [
        ("", "Mode selection", [567, 175]),
        ("", "Primary menu", [663, 175]),  # the outer button only, not the one inside it
        ("View", "", [702, 175]),
    ]
    assert tree.corrections["gtk4_menu_buttons"] == 3
    moved = _corrected(calculator(False), [MAIN])  # the window elsewhere, as after a mode switch
    for n in moved.nodes[1:]:
        n["box"] = [n["box"][0] + 100, *n["box"][1:]]
    again = refind(moved.nodes, found[1])
    assert again is not None and again["description"] == "Primary menu" and again["box"][:2] == [763, 175]


def test_a_gtk4_popovers_items_are_where_its_window_is():
    tree = _corrected(calculator(True), [MAIN, POPOVER, TOOLTIP])
    menu = next(n for n in tree.nodes if n["role"] == "menu")
    assert menu["box"] == [538, 188, 285, 418]  # at its window, not at the menu button (663, 175)
    items = popup_items(tree.nodes, set(), POPOVER.box)
    assert [(n["name"], n["box"][:2]) for n in items] == [("Fixed", [580, 337]), ("Preferences", [580, 452])]
    shut = _corrected(calculator(True), [MAIN])  # no window of its size: left where it says
    assert next(n for n in shut.nodes if n["role"] == "menu")["box"][:2] == [663, 175]


def test_a_second_window_is_closed_with_its_own_close_button():
    nodes = [
        node("app", -1, "application", "gnome-calculator"),
        node("app/frame[0]", 0, "frame", "Calculator", (462, 169, 355, 498)),
        node("app/frame[0]/push_button[0]", 1, "push button", "Close", (782, 180, 24, 24)),
        node("app/frame[1]", 0, "frame", "Calculator", (40, 40, 355, 498)),
        node("app/frame[1]/push_button[0]", 3, "push button", "Close", (360, 51, 24, 24)),
    ]
    second = Window(4, (35, 35, 400, 543), "Calculator", False)
    assert [n["box"] for n in closers(nodes, [MAIN, second, TOOLTIP])] == [[360, 51, 24, 24]]
    assert [n["box"] for n in closers(nodes, [second, MAIN])] == [[782, 180, 24, 24]]
