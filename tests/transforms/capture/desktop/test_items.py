"""What exploration acts on, read from walked nodes: a popup's items (whatever its first child), the
kinds of items, drop-downs, context-menu targets and a settings dialog's page list."""

from __future__ import annotations

from tests.transforms.capture.desktop.test_tree import SHOWING, node
from transforms.capture.desktop.items import (
    context_targets,
    dropdowns,
    kind,
    page_content,
    page_rows,
    popup_items,
    refind,
)


def test_a_popups_items_are_those_that_appeared_inside_it_quit_left_out():
    nodes = [
        node("app", -1, "application"),
        node("app/frame[0]", 0, "frame", "Main", (0, 0, 600, 400)),
        node("app/frame[0]/menu_bar[0]/menu[0]", 1, "menu", "File", (0, 0, 40, 20)),
        node("app/window[1]", 0, "window", "", (0, 20, 200, 120)),
        node("app/window[1]/menu[0]/tear_off_menu_item[0]", 3, "tear off menu item", "", (0, 20, 200, 4), []),
        node("app/window[1]/menu[0]/menu_item[1]", 3, "menu item", "Preferences", (0, 24, 200, 25)),
        node("app/window[1]/menu[0]/menu[2]", 3, "menu", "Recent", (0, 49, 200, 25)),
        node(
            "app/window[1]/menu[0]/radio_menu_item[3]", 3, "radio menu item", "Scientific", (0, 74, 200, 25)
        ),
        node("app/window[1]/menu[0]/menu_item[4]", 3, "menu item", "Quit", (0, 99, 200, 25)),
        node("app/window[1]/menu[0]/menu_item[5]", 3, "menu item", "Greyed", (0, 99, 200, 25), ["showing"]),
    ]
    base = {"app/frame[0]", "app/frame[0]/menu_bar[0]/menu[0]"}
    items = popup_items(nodes, base, (0, 20, 200, 140))
    assert [(n["name"], kind(n)) for n in items] == [
        ("Preferences", "item"),
        ("Recent", "submenu"),
        ("Scientific", "radio"),
    ]
    assert popup_items(nodes, base, (300, 20, 400, 140)) == []  # none inside another popup window


def test_dropdowns_contexts_and_a_page_list_at_a_dialogs_left():
    nodes = [
        node("app", -1, "application"),
        node("app/frame[0]", 0, "frame", "Main", (0, 0, 600, 400)),
        node("app/frame[0]/toggle_button[0]", 1, "toggle button", "Insert", (10, 30, 60, 24)),
        node("app/frame[0]/push_button[1]", 1, "push button", "Save", (80, 30, 60, 24)),
        node(
            "app/frame[0]/push_button[2]",
            1,
            "push button",
            "Open",
            (150, 30, 60, 24),
            [*SHOWING, "has-popup"],
        ),
        node("app/frame[0]/combo_box[3]", 1, "combo box", "100%", (220, 30, 60, 24)),
        node("app/frame[0]/text[4]", 1, "text", "", (0, 60, 600, 300)),
        node("app/frame[0]/text[5]", 1, "text", "", (0, 370, 600, 20)),  # too thin for a context menu
        node("app/dialog[1]", 0, "dialog", "Preferences", (100, 50, 400, 300)),
        node("app/dialog[1]/list_box[0]", 8, "list box", "", (100, 50, 120, 300)),
        node(
            "app/dialog[1]/list_box[0]/list_item[0]",
            9,
            "list item",
            "",
            (100, 50, 120, 30),
            [*SHOWING, "selected"],
        ),
        node("app/dialog[1]/list_box[0]/list_item[0]/label[0]", 10, "label", "General", (100, 50, 120, 30)),
        node("app/dialog[1]/list_box[0]/list_item[1]", 9, "list item", "", (100, 80, 120, 30)),
        node("app/dialog[1]/list_box[0]/list_item[1]/label[0]", 12, "label", "Keys", (100, 80, 120, 30)),
    ]
    assert [n["name"] for n in dropdowns(nodes)] == ["Insert", "Open", "100%"]
    assert [n["path"] for n in context_targets(nodes[:8])] == ["app/frame[0]/text[4]"]
    assert [name for name, _ in page_rows(nodes, 8)] == ["Keys"]  # the selected page is the dialog
    assert [name for name, _ in page_rows(nodes, 8, unselected=False)] == ["General", "Keys"]
    nodes[9]["box"] = [300, 50, 200, 300]  # a list at the dialog's right is its content, not its pages
    assert page_rows(nodes, 8) == []


def test_an_opener_is_found_again_where_it_is_now():
    # Poedit: the File menu was found in the welcome window; its New… replaced that window with the
    # editor's, and the menu clicked at its old box opened nothing (every later item `unverified`)
    welcome_file = node("app/frame[0]/filler[0]/menu_bar[0]/menu[0]", 2, "menu", "File", (448, 160, 39, 25))
    now = [
        node("app", -1, "application"),
        node("app/frame[1]", 0, "frame", "Poedit", (0, 19, 1280, 781)),
        node("app/frame[1]/filler[0]/menu_bar[0]", 1, "menu bar", "", (0, 19, 1280, 25)),
        node("app/frame[1]/filler[0]/menu_bar[0]/menu[0]", 2, "menu", "File", (0, 19, 39, 25)),
        node("app/frame[1]/filler[0]/menu_bar[0]/menu[1]", 2, "menu", "Edit", (39, 19, 39, 25)),
        node(
            "app/frame[1]/filler[0]/push_button[0]", 1, "push button", "File", (448, 160, 39, 25)
        ),  # a button
        node("app/frame[1]/filler[0]/menu_bar[0]/menu[2]", 2, "menu", "File", (900, 19, 39, 25), ["visible"]),
    ]
    found = refind(now, welcome_file)
    assert found is not None and found["path"] == "app/frame[1]/filler[0]/menu_bar[0]/menu[0]"
    assert refind(now[:3], welcome_file) is None  # nothing of the kind shows: the old box is clicked


def test_a_row_click_that_leaves_the_window_as_it_was_opened_no_page():
    # jEdit's file browser: a folder tree at its left, a file list at its right that a click on a folder
    # (selected, not opened) leaves as it was; a settings dialog's page row changes the page beside it
    def browser(selected: int, files: list[str]) -> list[dict]:
        nodes = [
            node("app", -1, "application", "jEdit"),
            node("app/dialog[0]", 0, "dialog", "File Browser - Open", (50, 40, 490, 420)),
            node("app/dialog[0]/tree[0]", 1, "tree", "", (64, 170, 196, 240)),
        ]
        for k, folder in enumerate(["/", "tmp", "home"]):
            states = [*SHOWING, "selected"] if k == selected else SHOWING
            box = (64, 170 + 18 * k, 196, 18)
            nodes.append(node(f"app/dialog[0]/tree[0]/label[{k}]", 2, "label", folder, box, states))
        nodes.append(node("app/dialog[0]/table[1]", 1, "table", "", (272, 170, 250, 240)))
        for k, name in enumerate(files):
            box = (273, 188 + 18 * k, 100, 18)
            nodes.append(node(f"app/dialog[0]/table[1]/label[{k}]", 6, "label", name, box))
        return nodes

    first = page_content(browser(0, ["notes.txt"]), 1)
    assert first == page_content(browser(2, ["notes.txt"]), 1)
    assert first != page_content(browser(2, ["notes.txt", "todo.txt"]), 1)
    hidden = browser(2, ["notes.txt", "todo.txt"])
    hidden[-1]["states"] = ["enabled"]  # a row that is not showing is not what the window shows
    assert first == page_content(hidden, 1)
