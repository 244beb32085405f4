"""Procedures written as sentences: goals from "To …" / "If you want to …" and goal headings, steps typed
in order, remarks and descriptions left out."""

from __future__ import annotations

from schemas.config import HowtoParams
from transforms.howto.html import mine_procedures
from transforms.howto.prose import sentences
from transforms.howto.steps import parse_step

PAGE = """<html><head><title>Editor manual</title></head><body>
<h1>Editor manual</h1>
<p>The editor keeps a backup of every file, e.g. notes.txt becomes notes.txt~. It was written in 1999.</p>
<h2>Turning on autosave</h2>
<p>The editor can save your work for you. Open <b>Utilities &gt; Global Options</b>. The Options dialog
opens. Just click the <b>Autosave</b> checkbox, and set the interval in the <b>Interval</b> field.</p>
<p>Autosaved files end in a hash sign. Older versions did not have them.</p>
<h2>Printing</h2>
<p>To print a page, choose File &gt; Print, then click the <b>Page Setup</b> tab and press Enter.
The page comes out of the printer.
If you want to change the font, select Configuration/Preferences… and type 12 in the Size box.</p>
<h2>History</h2>
<p>Printing was added in version 2. Its dialog has a <b>Cancel</b> button.</p>
<h2>Sorting lines</h2>
<ol><li>Select the lines.</li><li>Choose Edit &gt; Sort.</li><li>Click OK.</li><li>Press Enter.</li></ol>
</body></html>"""


def _typed(procedure) -> list[tuple]:
    return [
        (s.text, t.action, t.target, t.value, t.menu_path)
        for s, t in ((s, parse_step(s.text, s.marks)) for s in procedure.steps)
    ]


def test_sentences_become_procedures_with_typed_steps_in_order():
    found = [p for p in mine_procedures(PAGE) if p.method == "prose"]
    assert [p.goal for p in found] == ["Turning on autosave", "To print a page", "To change the font"]
    autosave, printing, font = (_typed(p) for p in found)
    assert autosave == [
        ("Open Utilities > Global Options.", "menu", "Global Options", None, ["Utilities", "Global Options"]),
        ("Just click the Autosave checkbox", "click", "Autosave", None, []),
        ("set the interval in the Interval field.", "select", "Interval", None, []),
    ]  # the remark between them ("The Options dialog opens.") is not a step
    assert printing == [
        ("choose File > Print", "menu", "Print", None, ["File", "Print"]),
        ("click the Page Setup tab", "click", "Page Setup", None, []),
        ("press Enter.", "key", None, "Enter", []),
    ]
    assert font == [
        (
            "select Configuration/Preferences…",
            "menu",
            "Preferences…",
            None,
            ["Configuration", "Preferences…"],
        ),
        ("type 12 in the Size box.", "type", "Size", "12", []),
    ]


def test_descriptions_and_lists_are_not_prose_procedures():
    found = mine_procedures(PAGE)
    assert [(p.method, p.goal) for p in found if p.method != "prose"] == [("list", "Sorting lines")]
    steps = [s.text for p in found for s in p.steps]
    assert not any("1999" in s or "Cancel" in s or "hash" in s for s in steps)
    assert mine_procedures(PAGE) == found  # the same page, the same procedures


def test_a_sentence_ends_at_a_full_stop_before_a_capital_but_not_after_an_abbreviation():
    text = "Keep a copy, e.g. Notes. Click OK. Then press Enter! Done"
    assert [text[a:b] for a, b in sentences(text)] == [
        "Keep a copy, e.g. Notes.",
        "Click OK.",
        "Then press Enter!",
        "Done",
    ]


def test_the_filters_want_prose_min_steps_of_a_prose_procedure():
    from transforms.howto.filters import rejection

    one = "<html><body><p>To save a file, click the <b>Save</b> button.</p></body></html>"
    (procedure,) = mine_procedures(one)
    typed = [parse_step(s.text, s.marks) for s in procedure.steps]
    assert rejection(procedure, typed, HowtoParams()) == "few_steps: 1 < 2"
    assert rejection(procedure, typed, HowtoParams(prose_min_steps=1)) is None


def test_a_comma_before_a_verb_splits_steps_and_options_and_alternatives_are_not_steps():
    html = (
        "<html><body><p>To add a favorite, navigate to the folder, click the <b>Favorites</b> button and "
        "select <b>Add</b>. You can also sort them. Either press <kbd>Enter</kbd> or wait.</p>"
        "<p>To open a new, floating, instance of a window, click the menu button and select New.</p>"
        "<h2>Key bindings</h2><ul><li>Go to the next error.</li><li>Show the <b>Build</b> dialog.</li></ul>"
        "</body></html>"
    )
    (found,) = mine_procedures(html)
    assert found.goal == "To add a favorite"
    assert [s.text for s in found.steps] == [
        "navigate to the folder",
        "click the Favorites button",
        "select Add.",
    ]
