"""Replaying how-to procedures, the pure part (transforms/howto/replay.py): steps as moves, and each
move's target found in a walked tree by its label (case, mnemonics and a trailing "…" do not count)."""

from __future__ import annotations

from transforms.howto.replay import Move, effect, find, keys, norm, plan
from transforms.howto.steps import parse_step
from transforms.howto.vocabulary import collect, foreign

ON = ["enabled", "sensitive", "showing", "visible"]


def node(path, role, name, box, parent=0, states=(), value=None):
    found = {"path": path, "parent": parent, "role": role, "name": name, "box": list(box)}
    return found | {"states": sorted({*ON, *states}), "value": value}


def tree():
    """A main window with a menu bar and an open menu, and an active dialog with tabs, a check box, a
    labelled field and two OK buttons (one in the main window)."""
    return [
        {"path": "app", "parent": -1, "role": "application", "name": "x", "box": [0, 0, 0, 0], "states": []},
        node("app/f", "frame", "Main", (0, 0, 800, 600)),
        node("app/f/bar", "menu bar", "", (0, 0, 800, 25), parent=1),
        node("app/f/bar/m", "menu", "F_ormat", (40, 0, 60, 25), parent=2),
        node("app/f/bar/m/i", "menu item", "Para_graph…", (40, 25, 140, 25), parent=3),
        node("app/f/ok", "push button", "OK", (700, 560, 80, 30), parent=1),
        node("app/d", "dialog", "Paragraph", (300, 200, 400, 300), states=["active"]),
        node("app/d/t1", "page tab", "Indents & Spacing", (310, 210, 100, 30), parent=6, states=["selected"]),
        node("app/d/t2", "page tab", "Text _Flow", (420, 210, 80, 30), parent=6),
        node("app/d/c", "check box", "_Keep with next paragraph", (310, 250, 300, 20), parent=6),
        node("app/d/l", "label", "_Spacing:", (310, 300, 60, 20), parent=6),
        node("app/d/e", "text", "", (380, 296, 150, 28), parent=6, states=["editable"], value=""),
        node("app/d/ok", "push button", "_OK", (600, 460, 80, 30), parent=6),
    ]


def typed(*texts):
    """Typed steps as `howto.typed_steps` holds them (the fields a replay reads)."""
    steps = [(t, parse_step(t)) for t in texts]
    return [
        {"text": t, "action": s.action, "target": s.target, "value": s.value, "menu_path": s.menu_path}
        | {"ui": s.ui}
        for t, s in steps
    ]


def test_labels_compare_without_case_mnemonics_or_an_ellipsis():
    assert norm("Para_graph…") == norm("paragraph...") == norm("Paragraph") == "paragraph"
    assert norm("~Font:") == norm("&Font") == "font"
    assert (
        norm("Find && Replace...")
        == norm("Find & Replace")
        == norm("Find and Replace…")
        == "find and replace"
    )


def test_steps_become_moves_a_menu_path_item_by_item():
    steps = ("Choose Format - Paragraph….", "Click the Text Flow tab.", "Type 12 in the Spacing box.")
    moves, reason = plan(typed(*steps, "Press Ctrl+S."))
    assert reason is None
    assert [(m.step, m.path_step) for m in moves] == [
        (1, "menu:Format"),
        (1, "item:Paragraph…"),
        (2, "click:Text Flow"),
        (3, "type:Spacing"),
        (4, "key:Ctrl+S"),
    ]
    assert moves[3].value == "12" and moves[2].words == "Click the Text Flow tab."
    assert keys("Ctrl+Shift+S") == ("s", ["Control_L", "Shift_L"]) and keys("Enter") == ("Return", [])
    assert keys("Shift key") == ("Shift_L", [])
    # a drag is not replayed: the moves before it and the reason, with the step's number
    moves, reason = plan(typed("Click the Text Flow tab.", "Drag the ruler to the left."))
    assert len(moves) == 1 and reason.startswith("step 2: a drag")
    # a modifier alone is held for a click the step leaves out (GIMP: "Press the Shift key to move …")
    assert plan(typed("Press the Shift key to move the channel."))[1].startswith("step 1: 'Shift key' alone")
    assert "times unknown" in plan(typed("Press F6 until the focus is on the Insert toolbar."))[1]
    # what the document holds is not a control
    assert (
        plan(typed("Select the object.", "Click OK."))[1]
        == "step 1: 'object' is what the document holds, not a control"
    )


def test_targets_are_found_by_label_in_the_active_window():
    nodes = tree()
    at = {n["path"]: i for i, n in enumerate(nodes)}
    assert find(nodes, Move(1, "menu", "Format", None, ""))[0] == at["app/f/bar/m"]
    assert find(nodes, Move(1, "item", "Paragraph...", None, ""))[0] == at["app/f/bar/m/i"]
    assert find(nodes, Move(2, "click", "text flow", None, ""))[0] == at["app/d/t2"]
    assert find(nodes, Move(3, "click", "Keep with next paragraph", None, ""))[0] == at["app/d/c"]
    # the OK of the dialog (the active window), not the main window's
    assert find(nodes, Move(4, "click", "OK", None, ""))[0] == at["app/d/ok"]
    # a field by the label beside it
    assert find(nodes, Move(3, "type", "Spacing", "12", ""))[0] == at["app/d/e"]
    index, why = find(nodes, Move(2, "click", "Numbering", None, ""))
    assert index is None and why == "'Numbering' is not on the screen"


def test_effects_a_toggle_a_selected_tab_and_a_value_read_back():
    nodes = tree()
    check, tab, field = nodes[9], nodes[8], nodes[11]
    same = [dict(n) for n in nodes]
    keep, flow, spacing = (
        Move(3, "click", "Keep", None, ""),
        Move(2, "click", "Text Flow", None, ""),
        Move(3, "type", "Spacing", "12", ""),
    )
    assert "did not change its checked state" in effect(keep, check, same, None, True)
    same[9] = dict(check, states=[*check["states"], "checked"])
    assert effect(keep, check, same, None, True) is None
    assert "did not read selected" in effect(flow, tab, nodes, None, True)
    assert "did not read back '12'" in effect(spacing, field, nodes, None, True)
    same[11] = dict(field, value="12")
    assert effect(spacing, field, same, None, True) is None
    # a menu item that changed nothing while the next target is missing; one that opened something
    assert effect(Move(1, "item", "Paragraph", None, ""), nodes[4], nodes, False, False).startswith("nothing")
    assert effect(Move(1, "item", "Paragraph", None, ""), nodes[4], nodes, False, True) is None


def test_choices_in_named_lists_and_values_typed_where_the_focus_is():
    moves, reason = plan(typed("Click 'Page' in the Type list and 'Next page' in the Select list."))
    assert reason is None and [m.path_step for m in moves] == ["click:Page", "click:Next page"]
    moves, reason = plan(typed("Click “Input field” in the Type list."))
    assert [m.path_step for m in moves] == ["click:Input field"]
    moves, reason = plan(typed('Type "fn".', "Press F3."))
    assert reason is None and [(m.kind, m.target, m.value) for m in moves][0] == ("type", None, "fn")
    assert find(tree(), moves[0]) == (None, "")  # typed at the focus: no target to find
    assert effect(moves[0], None, tree(), None, False) == "typing 'fn' changed nothing on the screen"
    assert effect(moves[0], None, tree(), None, True) is None


def test_a_path_goes_on_into_the_pages_of_the_dialog_it_opened():
    """Tools - Options - LibreOffice Writer - View: past the menus, the rows of the dialog's page tree;
    of the two View rows, the one under the row the path opened before it."""
    nodes = [n for n in tree() if not n["path"].startswith("app/f/bar/m")]
    rows = [("LibreOffice", 240), ("View", 260), ("LibreOffice Writer", 280), ("View", 300)]
    for name, y in rows:
        nodes.append(node(f"app/d/tree/{name}{y}", "table cell", name, (310, y, 100, 18), parent=5))
    at = {n["name"] + str(n["box"][1]): i for i, n in enumerate(nodes) if n["role"] == "table cell"}
    writer = find(nodes, Move(1, "item", "LibreOffice Writer", None, ""))[0]
    assert writer == at["LibreOffice Writer280"]
    assert find(nodes, Move(1, "item", "View", None, ""), nodes[writer])[0] == at["View300"]
    assert "names 2" in find(nodes, Move(1, "item", "View", None, ""))[1]
    assert find(nodes, Move(1, "item", "Text Flow", None, ""))[0] is not None  # a tab of the dialog
    # an item greyed out says so
    nodes.append(node("app/f/x", "push button", "Sections…", (10, 40, 60, 20), parent=1))
    nodes[-1]["states"] = ["showing", "visible"]
    assert find(nodes, Move(1, "click", "Sections...", None, ""))[1] == "'Sections...' is disabled"


def test_a_procedure_naming_what_the_application_lacks_is_counted_apart():
    def items(*names):
        return [{"role": "menuitem", "name": n} for n in names]

    vocabulary = collect(
        [
            (["start"], items("Format", "Tools") + [{"role": "button", "name": "Bold"}]),
            (["menu:Format"], items("Format", "Tools", "Paragraph…", "Page Style…")),
            (["menu:Format", "item:Paragraph…"], [{"role": "tab", "name": "Text Flow"}, {"name": "OK"}]),
            (["menu:Format", "item:Paragraph…", "tab:Text Flow"], [{"name": "Keep with next paragraph"}]),
            (["menu:Format", "item:Page Style…"], [{"name": "Footnote"}]),
            (["context:Document"], items("Cut", "Numbering")),  # not a path the help writes
        ]
    )
    assert vocabulary["dialogs"]["Format / Paragraph…"] == ["Keep with next paragraph", "OK", "Text Flow"]
    ok = plan(typed("Choose Format - Paragraph.", "Click the Text Flow tab.", "Click OK.", "Click Bold."))[0]
    assert foreign(ok, vocabulary) is None
    old = plan(typed("Choose Format - Page.", "Click the Footnote tab."))[0]  # Page Style… since 4.x
    assert foreign(old, vocabulary) == "step 1: no item 'Page' in format"
    numbering = plan(typed("Choose Format - Paragraph.", "Click the Numbering tab."))[0]
    assert foreign(numbering, vocabulary) == "step 2: no control 'Numbering'"
    # where the walk did not reach (Tools was never opened), nothing is known: it stays in
    options = plan(typed("Choose Tools - Options - LibreOffice Writer - View.", "Click Vertical ruler."))[0]
    assert foreign(options, vocabulary) is None
    assert foreign(plan(typed("Choose Table - Insert Table."))[0], vocabulary) == "step 1: no menu 'Table'"


def test_a_tab_after_the_path_a_right_click_and_its_menu_item():
    moves, reason = plan(typed("Choose Insert - Field - More Fields and click the Functions tab."))
    assert reason is None
    assert [m.path_step for m in moves] == [
        "menu:Insert",
        "item:Field",
        "item:More Fields",
        "click:Functions",
    ]
    moves, reason = plan(typed('Right-click "Heading 1" and choose Modify.', "Click OK."))
    assert reason is None
    assert [m.path_step for m in moves] == ["rclick:Heading 1", "item:Modify", "click:OK"]
    assert [m.step for m in moves] == [1, 1, 2]


def test_an_item_is_not_a_menu_of_the_menu_bar_and_a_control_is_found_by_its_label():
    nodes = tree()
    # with the Paragraph dialog up, "View" or "Format" past the menus is a page of the dialog, never the
    # main window's top-level menu of that name
    assert find(nodes, Move(1, "item", "Format", None, ""))[0] is None
    assert find(nodes, Move(1, "menu", "Format", None, ""))[0] == 3
    # "select the style in the Paragraph Style box": the combo box beside the label "Paragraph style:"
    nodes.append(node("app/d/ps", "label", "Paragraph style:", (310, 400, 100, 20), parent=6))
    nodes.append(node("app/d/pc", "combo box", "", (420, 396, 150, 28), parent=6))
    assert find(nodes, Move(2, "click", "Paragraph Style", None, ""))[0] == len(nodes) - 1
    index, why = find(nodes, Move(2, "click", "Character Style", None, ""))
    assert index is None and why == "'Character Style' is not on the screen"


def test_a_marked_value_right_after_type_and_the_field_of_the_verbs_own_clause():
    text = (
        'In the With Condition box, type user_lastname == "Doe", where "Doe" is the last name of the user '
        "that you want to hide the text from."
    )
    step = parse_step(text, [(7, 21, "ui"), (32, 54, "ui")])
    assert (step.action, step.target, step.value) == ("type", "With Condition", 'user_lastname == "Doe"')
