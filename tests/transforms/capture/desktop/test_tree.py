"""Desktop trees to element rows, pure: occlusion, the popup a menu item lives in, exclusions with their
reasons, each toolkit correction, and the exploration plan read from a tree."""

from __future__ import annotations

from transforms.capture.desktop.drive import menus
from transforms.capture.desktop.elements import covered_area, extract
from transforms.capture.desktop.items import confirms, popup_items
from transforms.capture.desktop.tree import Tree, correct
from transforms.capture.desktop.xdisplay import Window, stack_order

SHOWING = ["enabled", "sensitive", "showing", "visible"]


def node(path, parent, role, name="", box=(0, 0, 0, 0), states=SHOWING, actions=()):
    return {
        "path": path,
        "parent": parent,
        "role": role,
        "name": name,
        "description": "",
        "states": list(states),
        "actions": list(actions),
        "box": list(box),
        "children": 0,
    }


def window_tree() -> list[dict]:
    """A main window with a menu bar (File open, its items in a popup) and two buttons, one of which
    a dialog window covers; a hidden button; a zero-size one; one scrolled out of its pane."""
    return [
        node("app", -1, "application", "demo"),
        node("app/frame[0]", 0, "frame", "Demo", (100, 100, 600, 400)),
        node("app/frame[0]/menu_bar[0]", 1, "menu bar", "", (100, 100, 600, 20)),
        node("app/frame[0]/menu_bar[0]/menu[0]", 2, "menu", "File", (100, 100, 40, 20), actions=["click"]),
        node("app/frame[0]/menu_bar[0]/menu[0]/menu_item[0]", 3, "menu item", "Open…", (100, 120, 200, 25)),
        node(
            "app/frame[0]/push_button[1]", 1, "push button", "Covered", (500, 300, 80, 30), actions=["click"]
        ),
        node("app/frame[0]/push_button[2]", 1, "push button", "Half", (560, 420, 80, 30), actions=["click"]),
        node("app/frame[0]/push_button[3]", 1, "push button", "Gone", (150, 450, 80, 30), SHOWING[:2]),
        node("app/frame[0]/push_button[4]", 1, "push button", "Flat", (150, 450, 0, 30)),
        node("app/frame[0]/scroll_pane[5]", 1, "scroll pane", "", (120, 200, 200, 100)),
        node("app/frame[0]/scroll_pane[5]/label[0]", 9, "label", "Below", (120, 350, 100, 20)),
        node("app/frame[0]/label[6]", 1, "label", "Status", (110, 470, 100, 20)),
    ]


WINDOWS = [
    Window(1, (99, 80, 701, 501), "Demo", False),  # the main window's frame, title bar included
    Window(2, (100, 120, 300, 145), "", True),  # the File menu's popup
    Window(3, (450, 250, 600, 435), "Dialog", False),  # a dialog over the buttons
]


def test_covered_area_is_exact_for_overlapping_rects():
    assert covered_area((0, 0, 10, 10), [(0, 0, 5, 10), (3, 0, 8, 10)]) == 80
    assert covered_area((0, 0, 10, 10), [(20, 20, 30, 30)]) == 0


def test_elements_excluded_with_reasons_and_occlusion():
    tree = Tree(window_tree(), "gtk 3.24.38", WINDOWS, (1280, 800))
    elements, excluded, counts = extract(tree)
    kept = {e["name"]: e for e in elements}
    reasons = {e["name"]: e["reason"] for e in excluded}
    # The menu item lives in the popup above the main window: not covered by it.
    assert kept["Open…"]["role"] == "menuitem" and kept["Open…"]["visible_ratio"] == 1.0
    assert reasons["Covered"] == "covered"  # centre under the dialog
    assert 0 < kept["Half"]["visible_ratio"] < 1  # the dialog covers its top 15 px of 30
    assert reasons["Gone"] == "hidden" and reasons["Flat"] == "zero_size" and reasons["Below"] == "off_screen"
    assert kept["Status"]["interactive"] is False and kept["File"]["interactive"] is True
    assert counts == {"hidden": 1, "zero_size": 1, "off_screen": 1, "covered": 1}
    assert all(e["x1"] < e["x2"] and e["y1"] < e["y2"] for e in elements)


def test_half_covered_ratio():
    tree = Tree(window_tree(), "gtk 3.24.38", WINDOWS, (1280, 800))
    half = next(e for e in extract(tree)[0] if e["name"] == "Half")
    # Box 560..640 x 420..450; the dialog covers 560..600 x 420..435: 40 x 15 of 80 x 30.
    assert half["visible_ratio"] == round(1 - (40 * 15) / (80 * 30), 4)


def test_gtk4_boxes_are_moved_to_the_window_and_visible_counts_as_showing():
    nodes = [
        node("app", -1, "application", "calc"),
        node("app/frame[0]", 0, "frame", "Calculator", (0, 0, 355, 498), ["showing", "visible"]),
        node("app/frame[0]/push_button[0]", 1, "push button", "GtkMenuButton", (15, 11, 63, 24), ["visible"]),
    ]
    tree = Tree(nodes, "GTK 4.8.3", [], (1280, 800), origins={"Calculator": [(457, 164, 365, 508)]})
    correct(tree)
    assert tree.corrections == {"gtk4_window_origin": 2}  # the frame and its button
    assert nodes[2]["box"] == [15 + 462, 11 + 169, 63, 24] and "showing" in nodes[2]["states"]
    assert nodes[2]["name"] == ""  # a class name is no label


def test_gtk4_buttons_named_twice_after_their_label_take_the_label_once():
    nodes = [
        node("app", -1, "application", "calc"),
        node("app/frame[0]", 0, "frame", "Calculator", (0, 0, 355, 498)),
        node("app/frame[0]/push_button[0]", 1, "push button", "mod mod", (217, 240, 55, 40)),
        node("app/frame[0]/push_button[0]/label[0]", 2, "label", "mod", (217, 240, 55, 40)),
        node("app/frame[0]/push_button[1]", 1, "push button", "Bora Bora", (280, 240, 55, 40)),
        node("app/frame[0]/push_button[1]/label[0]", 4, "label", "Bora Bora", (280, 240, 55, 40)),
    ]
    tree = Tree(nodes, "GTK 4.8.3", [], (1280, 800))
    correct(tree)
    assert nodes[2]["name"] == "mod" and tree.corrections == {"gtk4_doubled_names": 1}
    assert nodes[4]["name"] == "Bora Bora"  # named once after its label: it stays
    other = [dict(n, name="mod mod") if i == 2 else dict(n) for i, n in enumerate(nodes)]
    correct(Tree(other, "GTK 3.24.38", [], (1280, 800)))
    assert other[2]["name"] == "mod mod"  # only GTK4 doubles names


def test_libreoffice_ghost_menu_bar_is_hidden_and_closed_popup_rows_are_hidden():
    nodes = [
        node("app", -1, "application", "soffice"),
        node("app/frame[0]", 0, "frame", "Writer", (0, 0, 1280, 800)),
        node("app/frame[0]/root_pane[0]", 1, "root pane", "", (0, 17, 1280, 780)),
        node("app/frame[0]/root_pane[0]/menu_bar[0]", 2, "menu bar", "", (0, 17, 1280, 19)),
        node("app/frame[0]/root_pane[0]/menu_bar[0]/menu[0]", 3, "menu", "File", (0, 17, 35, 19)),
        node("app/frame[0]/viewport[1]/menu_bar[0]", 1, "menu bar", "", (0, 17, 1280, 25)),
        node("app/frame[0]/viewport[1]/menu_bar[0]/menu[0]", 5, "menu", "File", (0, 17, 39, 25)),
    ]
    tree = Tree(nodes, "gtk 3.24.38", [], (1280, 800), app="soffice")
    correct(tree)
    assert tree.corrections == {"vcl_ghost_menubar": 2}
    assert [n["name"] for n in nodes if "showing" in n["states"] and n["role"] == "menu"] == ["File"]
    assert "showing" in nodes[6]["states"] and "showing" not in nodes[4]["states"]  # VCL's is the ghost
    qt = [
        node("app", -1, "application", "featherpad"),
        node("app/frame[0]", 0, "frame", "Untitled", (0, 0, 700, 500)),
        node("app/frame[0]/combo_box[0]", 1, "combo box", "", (10, 10, 100, 20)),
        node("app/frame[0]/combo_box[0]/list[0]", 2, "list", "", (0, 0, 0, 0), ["enabled"]),
        node("app/frame[0]/combo_box[0]/list[0]/list_item[0]", 3, "list item", "Row", (0, 0, 100, 20)),
    ]
    tree = Tree(qt, "Qt 5.15.8", [], (1280, 800))
    correct(tree)
    assert tree.corrections == {"closed_popup_rows": 1} and "showing" not in qt[4]["states"]


def test_rows_of_a_shut_list_are_hidden_wherever_they_claim_to_be():
    """Qt publishes a shut combo-box list's rows as showing, in 15-px strips over the window."""
    nodes = [
        node("app", -1, "application", "viewer"),
        node("app/frame[0]", 0, "frame", "Viewer", (0, 0, 700, 500)),
        node("app/frame[0]/combo_box[0]", 1, "combo box", "Zoom", (300, 40, 100, 24), actions=["press"]),
        node("app/frame[0]/combo_box[0]/list[0]", 2, "list", "", (300, 64, 100, 60), ["enabled"]),
    ]
    nodes += [
        node(
            f"app/frame[0]/combo_box[0]/list[0]/list_item[{k}]",
            3,
            "list item",
            label,
            (300, 20 + 15 * k, 100, 15),
        )
        for k, label in enumerate(["Page width", "Fit page", "100%"])
    ]
    tree = Tree(nodes, "Qt 5.15.8", [Window(1, (0, 0, 700, 500), "Viewer", False)], (1280, 800))
    correct(tree)
    elements, excluded, _ = extract(tree)
    assert [e["name"] for e in elements] == ["Zoom"]
    assert {e["name"]: e["reason"] for e in excluded} == dict.fromkeys(
        ["Page width", "Fit page", "100%"], "hidden"
    )
    assert tree.corrections == {"closed_popup_rows": 3}
    # Qt also reports the shut list itself as showing, its rows from (0, 0) down: no popup window holds
    # them. Open, its popup window does, and they are kept.
    for n in nodes[3:]:
        n["states"] = list(SHOWING)
        n["box"][1] -= 20
    popup = Window(2, (300, 64, 400, 124), "", True)
    for windows, kept in (([], ["Zoom"]), ([popup], ["Zoom", "Page width", "Fit page", "100%"])):
        fresh = [dict(n, states=list(n["states"]), box=list(n["box"])) for n in nodes]
        for n in fresh[4:]:
            n["box"][1] += 64 if windows else 0
        tree = Tree(fresh, "Qt 5.15.8", [Window(1, (0, 0, 700, 500), "Viewer", False), *windows], (1280, 800))
        correct(tree)
        assert [e["name"] for e in extract(tree)[0]] == kept


def same_geometry(stacking: list[int]) -> Tree:
    """A main window and a dialog of the same geometry (a maximised dialog), stacked as given."""
    nodes = [
        node("app", -1, "application", "demo"),
        node("app/frame[0]", 0, "frame", "Notes - Demo", (0, 20, 1280, 780)),
        node("app/frame[0]/push_button[0]", 1, "push button", "Save", (10, 40, 80, 30), actions=["click"]),
        node("app/frame[0]/label[1]", 1, "label", "Outside", (1300, 40, 80, 20)),
        node("app/dialog[1]", 0, "dialog", "Preferences", (0, 20, 1280, 780)),
        node(
            "app/dialog[1]/push_button[0]", 4, "push button", "Close", (1180, 760, 80, 30), actions=["click"]
        ),
    ]
    by_id = {
        1: Window(1, (0, 0, 1280, 800), "Notes - Demo", False),
        2: Window(2, (0, 0, 1280, 800), "Preferences", False),
    }
    windows = stack_order([by_id[1], by_id[2]], stacking)
    return Tree(nodes, "gtk 3.24.38", windows, (1280, 800))


def test_a_window_of_the_same_geometry_covers_the_one_below_by_title_and_stacking_order():
    elements, excluded, counts = extract(same_geometry([1, 2]))  # the dialog on top
    assert [e["name"] for e in elements] == ["Close"] and elements[0]["center_hit"] is True
    assert {e["name"]: e["reason"] for e in excluded} == {"Save": "covered", "Outside": "off_screen"}
    elements, excluded, _ = extract(same_geometry([2, 1]))  # the main window raised above it
    assert [e["name"] for e in elements] == ["Save"]
    assert {e["name"]: e["reason"] for e in excluded} == {"Outside": "off_screen", "Close": "covered"}


def test_a_centre_under_a_window_above_is_covered_though_most_of_the_box_shows():
    # A click on the centre reaches the window above, and what shows is a part cut off (the hand check
    # counted Poedit's "Extract from sources" half under its About box as covered).
    nodes = window_tree()
    nodes.append(node("app/frame[0]/push_button[7]", 1, "push button", "Wide", (300, 300, 200, 30)))
    nodes.append(node("app/frame[0]/push_button[8]", 1, "push button", "Edge", (300, 350, 100, 30)))
    windows = [
        *WINDOWS,
        Window(4, (380, 290, 420, 340), "Tip", False),
        Window(5, (370, 345, 420, 390), "Tip 2", False),
    ]
    elements, excluded, _ = extract(Tree(nodes, "gtk 3.24.38", windows, (1280, 800)))
    # Wide, 300..500: the tip covers 380..420 (its centre), the dialog 450..500; 110 of 200 px show.
    assert {e["name"]: e["reason"] for e in excluded}["Wide"] == "covered"
    # Edge, 300..400: its centre (350) shows, 70 of 100 px: kept, a hit.
    edge = next(e for e in elements if e["name"] == "Edge")
    assert edge["center_hit"] is True and edge["visible_ratio"] == 0.7


def test_gtk2_items_of_an_open_popup_are_showing():
    nodes = [
        node("app", -1, "application", "gimp"),
        node("app/frame[0]", 0, "frame", "GIMP", (0, 0, 800, 600)),
        node("app/frame[0]/menu_bar[0]/menu[0]", 1, "menu", "File", (0, 20, 30, 20)),
        node(
            "app/frame[0]/menu_bar[0]/menu[0]/menu_item[0]",
            2,
            "menu item",
            "New…",
            (2, 42, 200, 25),
            ["visible"],
        ),
        node(
            "app/frame[0]/menu_bar[0]/menu[1]/menu_item[0]",
            2,
            "menu item",
            "Undo",
            (60, 42, 200, 25),
            ["visible"],
        ),
    ]
    tree = Tree(nodes, "GAIL 2.24.33", [Window(1, (0, 40, 205, 300), "", True)], (800, 600))
    correct(tree)
    assert "showing" in nodes[3]["states"] and "showing" not in nodes[4]["states"]  # Undo's menu is shut


def test_plan_reads_menus_left_to_right_and_the_items_a_popup_opened():
    nodes = window_tree()
    nodes.insert(4, node("app/frame[0]/menu_bar[0]/menu[1]", 2, "menu", "Edit", (140, 100, 40, 20)))
    for n in nodes:  # parents after the insertion
        n["parent"] = next((j for j, m in enumerate(nodes) if n["path"].rsplit("/", 1)[0] == m["path"]), -1)
    assert [name for name, _ in menus(nodes)] == ["File", "Edit"]
    shut = {n["path"] for n in nodes if "showing" in n["states"] and n["role"] != "menu item"}
    assert [n["name"] for n in popup_items(nodes, shut, (100, 120, 300, 145))] == ["Open…"]


def test_an_action_is_confirmed_by_a_new_window_or_the_focus_that_names_the_item():
    main = ["Untitled - Notes"]
    assert confirms("Save As…", main, [*main, "Save As"], "")
    assert confirms("New using Template...", main, [*main, "Templates"], "")  # a word's first 5 letters
    assert confirms("Find…", main, main, "Find")  # no window: the focused element names it
    assert confirms(
        "Preferences...", main, [*main, "Terminal settings"], ""
    )  # qterminal: one window, two names
    # One row off: Print… opened Document Properties; a window already there confirms nothing.
    assert not confirms("Print…", main, [*main, "Document Properties"], "")
    assert not confirms("Notes…", main, main, "")


def test_a_combo_box_under_an_open_menu_is_covered_while_its_open_list_lives_in_its_popup():
    nodes = window_tree()
    nodes += [
        node("app/frame[0]/combo_box[7]", 1, "combo box", "100 %", (150, 125, 60, 15), actions=["press"]),
        node("app/frame[0]/combo_box[8]", 1, "combo box", "Zoom", (400, 150, 60, 20), actions=["press"]),
        node("app/frame[0]/combo_box[8]/list[0]", 13, "list", "", (400, 170, 60, 30)),
        node("app/frame[0]/combo_box[8]/list[0]/list_item[0]", 14, "list item", "Fit", (400, 170, 60, 15)),
    ]
    windows = [*WINDOWS[:2], Window(4, (400, 170, 460, 200), "", True)]
    elements, excluded, _ = extract(Tree(nodes, "Qt 5.15.8", windows, (1280, 800)))
    assert {e["name"]: e["reason"] for e in excluded}["100 %"] == "covered"  # under the File menu
    assert {"Zoom", "Fit"} <= {e["name"] for e in elements}


def test_an_open_qt6_combo_lists_rows_wider_than_their_popup_are_read_and_clipped_to_it():
    """qt6ct's Style list, open: Qt 6 reports its rows 167 px wide in the 102-px popup that draws them.
    They are the open list's rows (not a shut list's), published with the popup's width; a row whose
    left edge is outside every popup is still a shut list's."""
    nodes = [
        node("app", -1, "application", "qt6ct"),
        node("app/frame[0]", 0, "frame", "Qt6 Configuration Tool", (0, 0, 1280, 800)),
        node("app/frame[0]/combo_box[0]", 1, "combo box", "Fusion", (69, 65, 102, 27), actions=["press"]),
        node("app/frame[0]/combo_box[0]/list[0]", 2, "list", "", (70, 39, 167, 54)),
        node("app/frame[0]/combo_box[0]/list[0]/list_item[0]", 3, "list item", "Windows", (70, 39, 167, 27)),
        node("app/frame[0]/combo_box[0]/list[0]/list_item[1]", 3, "list item", "Fusion", (70, 66, 167, 27)),
        node("app/frame[0]/combo_box[1]", 1, "combo box", "Default", (370, 65, 88, 27), actions=["press"]),
        node("app/frame[0]/combo_box[1]/list[0]", 6, "list", "", (0, 0, 88, 27)),
        node("app/frame[0]/combo_box[1]/list[0]/list_item[0]", 7, "list item", "Default", (0, 0, 88, 27)),
    ]
    windows = [
        Window(1, (0, 0, 1280, 800), "Qt6 Configuration Tool", False),
        Window(2, (70, 39, 172, 94), "", True),
    ]
    tree = Tree(nodes, "Qt 6.4.2", windows, (1280, 800))
    correct(tree)
    elements, excluded, _ = extract(tree)
    rows = {e["name"]: (e["x1"], e["y1"], e["x2"], e["y2"]) for e in elements if e["tag"] == "list item"}
    assert rows == {"Windows": (70, 39, 172, 66), "Fusion": (70, 66, 172, 93)}
    reasons = {(e["name"], e["tag"]): e["reason"] for e in excluded}
    assert reasons[("Default", "list item")] == "hidden"  # the shut list's row at (0, 0)
    assert reasons[("Fusion", "combo box")] == "covered"  # under its own open list


def test_a_plain_widget_clips_what_lies_below_it_and_an_unnamed_cell_is_no_element():
    # qterminal's Preferences: the scroll area's viewport is a filler; the page's last rows lie below it,
    # where the dialog's buttons are drawn. hexchat's and GIMP's lists: a cell with no name is no element.
    nodes = [
        node("app", -1, "application", "term"),
        node("app/dialog[0]", 0, "dialog", "Settings", (100, 100, 400, 300)),
        node("app/dialog[0]/filler[0]", 1, "filler", "", (110, 110, 380, 240)),  # the viewport: to y 350
        node("app/dialog[0]/filler[0]/filler[0]", 2, "filler", "", (110, 110, 380, 300)),  # the page
        node("app/dialog[0]/filler[0]/filler[0]/label[0]", 3, "label", "Shown", (120, 300, 100, 20)),
        node("app/dialog[0]/filler[0]/filler[0]/label[1]", 3, "label", "Below", (120, 360, 100, 20)),
        node("app/dialog[0]/filler[0]/filler[0]/combo_box[2]", 3, "combo box", "Half", (240, 340, 100, 20)),
        node("app/dialog[0]/push_button[1]", 1, "push button", "OK", (380, 360, 80, 24), actions=["click"]),
        node("app/dialog[0]/table[2]", 1, "table", "", (110, 110, 100, 50)),
        node("app/dialog[0]/table[2]/table_cell[0]", 8, "table cell", "", (110, 110, 20, 20)),
        node("app/dialog[0]/table[2]/table_cell[1]", 8, "table cell", "home", (130, 110, 60, 20)),
    ]
    tree = Tree(nodes, "Qt 5.15.8", [Window(1, (100, 80, 500, 400), "Settings", False)], (1280, 800))
    elements, excluded, _ = extract(tree)
    assert [e["name"] for e in elements] == ["Shown", "Half", "OK", "home"]
    assert {e["name"]: e["reason"] for e in excluded} == {"Below": "off_screen"}
    half = next(e for e in elements if e["name"] == "Half")
    assert (half["y1"], half["y2"], half["visible_ratio"]) == (340, 350, 0.5)


def test_gail_cells_of_the_expander_column_move_back_to_where_they_are_drawn():
    # The walks of HexChat's channel tree (one column, no header shown) and GIMP's Layers list (two
    # toggle columns, then the expander column): GAIL reports the expander column's cells 16 px too far.
    from transforms.capture.desktop.gail import gail_expander_cells

    hexchat = [
        node("app", -1, "application", "hexchat"),
        node("app/t", 0, "tree table", "", (3, 51, 124, 745)),
        node("app/t/h", 1, "table column header", "", (-2147483648, -2147483648, 124, 27), []),
        node("app/t/c1", 1, "table cell", "", (37, 52, 88, 21)),
        node("app/t/c1/icon", 3, "table cell", "", (37, 52, 18, 21)),
        node("app/t/c1/text", 3, "table cell", "<none>", (55, 52, 88, 21)),
    ]
    tree = Tree(hexchat, "GAIL 2.24.33", [], (1280, 800))
    assert gail_expander_cells(tree) == 3
    assert [n["box"] for n in tree.nodes[3:]] == [[21, 52, 104, 21], [21, 52, 18, 21], [39, 52, 88, 21]]
    gimp = [
        node("app", -1, "application", "gimp"),
        node("app/t", 0, "tree table", "", (1076, 519, 195, 271)),
        node("app/t/eye", 1, "table cell", "", (1078, 546, 24, 26)),
        node("app/t/chain", 1, "table cell", "", (1106, 546, 24, 26)),
        node("app/t/main", 1, "table cell", "", (1168, 546, 101, 26)),
        node("app/t/main/thumb", 4, "table cell", "", (1168, 546, 38, 26)),
        node("app/t/main/name", 4, "table cell", "picture.png", (1206, 546, 79, 26)),
    ]
    tree = Tree(gimp, "GAIL 2.24.33", [], (1280, 800))
    assert gail_expander_cells(tree) == 3
    assert [n["box"][0] for n in tree.nodes[2:]] == [1078, 1106, 1152, 1152, 1190]  # thumbnail drawn at 1151
    assert gail_expander_cells(Tree(gimp[:4], "GAIL 2.24.33", [], (1280, 800))) == 0  # columns that tile


def test_a_popup_menu_with_no_name_is_no_element_and_a_menu_bar_menu_is():
    # gnome-text-editor's and gnome-calculator's popovers: an unnamed "menu" whose box takes in its
    # shadow margin, drawn black over the header bar; its items, and a menu bar's named menus, stay.
    from transforms.capture.desktop.elements import is_candidate

    popover = node("app/frame[0]/push_button[1]/menu[1]", 1, "menu", "", (717, 164, 263, 587), actions=["x"])
    file_menu = node(
        "app/frame[0]/menu_bar[0]/menu[0]", 1, "menu", "File", (0, 20, 40, 20), actions=["click"]
    )
    item = node(
        "app/frame[0]/push_button[1]/menu[1]/menu_item[0]", 2, "menu item", "Save", (759, 373, 179, 32)
    )
    assert [is_candidate(n) for n in (popover, file_menu, item)] == [False, True, True]
