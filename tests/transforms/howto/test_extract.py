"""How-to extraction from the forms real pages write procedures in, the filters, typed steps and topics."""

from __future__ import annotations

import json

import pytest

from schemas.config import HowtoParams
from transforms.howto.filters import is_ui_procedure, rejection, repeated_share, topic_of
from transforms.howto.html import Procedure, RawStep, mine_procedures
from transforms.howto.menu import menu_paths
from transforms.howto.steps import parse_step


def found(html: str) -> list[tuple[str, str, list[str]]]:
    return [(p.goal, p.method, p.texts) for p in mine_procedures(html)]


def test_a_how_to_heading_and_its_ordered_list():
    html = (
        "<h1>Docs</h1><h2>How to export a report</h2><p>Intro</p><ol><li>Open the report.</li>"
        "<li>Click <b>Export</b>.</li></ol><h2>FAQ</h2><ol><li>a</li><li>b</li></ol>"
    )
    assert found(html) == [("How to export a report", "list", ["Open the report.", "Click Export."])]


@pytest.mark.parametrize(
    "heading, goal",
    [
        ("To insert a table:", "To insert a table"),
        ("Creating a layer", "Creating a layer"),
        ("4.2. Install the CLI", "Install the CLI"),
        ("Step-by-step: how to crop", "Step-by-step: how to crop"),
    ],
)
def test_goal_headings_are_not_only_how_to(heading, goal):
    assert found(f"<h2>{heading}</h2><ol><li>One</li><li>Two</li></ol>") == [(goal, "list", ["One", "Two"])]


def test_a_heading_that_only_announces_steps_hands_the_goal_to_the_heading_above():
    html = (
        "<h1>Backing up your phone</h1><p>x</p><h2>Steps</h2><ol><li>Open Settings.</li><li>Tap "
        "Backup.</li></ol>"
    )
    assert found(html) == [("Backing up your phone", "list", ["Open Settings.", "Tap Backup."])]


def test_lists_under_headings_that_are_no_goal_are_not_procedures():
    assert found("<h2>Ingredients</h2><ol><li>Flour</li><li>Water</li></ol>") == []
    assert found("<h2>Image Window</h2><ol><li>Title bar</li><li>Menu</li></ol>") == []
    assert found("") == [] and found("   ") == []


def test_the_title_is_the_goal_when_no_heading_comes_before_the_list():
    html = (
        "<html><head><title>How to bake bread · Crumb</title></head><body><ol><li>Mix</li><li>Bake</li></ol>"
    )
    assert found(html) == [("How to bake bread", "list", ["Mix", "Bake"])]


def test_an_xml_declaration_does_not_stop_the_parse():
    html = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html><body><h2>Using layers</h2><ol><li>A</li><li>B</li>'
        "</ol>"
    )
    assert found(html) == [("Using layers", "list", ["A", "B"])]


def test_step_headings_and_step_paragraphs():
    headings = (
        "<h1>How to install the CLI</h1><h2>Step 1: Download it</h2><p>x</p>"
        "<h2>Step 2: Run the installer</h2><h2>Step 3</h2><p>Log in with your account.</p>"
    )
    assert found(headings) == [
        (
            "How to install the CLI",
            "step_headings",
            ["Download it", "Run the installer", "Log in with your account."],
        )
    ]
    paragraphs = "<h2>Pairing</h2><p><strong>Step 1.</strong> Turn it on.</p><p>Step 2 - Hold the button.</p>"
    assert found(paragraphs) == [("Pairing", "step_headings", ["Turn it on.", "Hold the button."])]


def test_numbered_paragraphs_in_order_only():
    html = "<h2>Reset the router</h2><p>1. Unplug it.</p><p>2) Wait ten seconds.</p><p>3. Plug it in.</p>"
    assert found(html) == [
        ("Reset the router", "numbered_paragraphs", ["Unplug it.", "Wait ten seconds.", "Plug it in."])
    ]
    assert found("<h2>Prices</h2><p>1. Cheap</p><p>3. Dear</p>") == []


def test_json_ld_howto_and_recipe_and_no_second_copy_of_visible_steps():
    howto = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "HowTo",
                "name": "Change a tyre",
                "step": [
                    {
                        "@type": "HowToSection",
                        "name": "Prepare",
                        "itemListElement": [{"@type": "HowToStep", "text": "Loosen the nuts."}],
                    },
                    {"@type": "HowToStep", "name": "Lift", "text": "Jack the car <b>up</b>."},
                ],
            }
        ],
    }
    recipe = {"@type": ["Recipe"], "name": "Tea", "recipeInstructions": "Boil water.\nSteep the leaves."}
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(d)}</script>' for d in (howto, recipe))
    broken = '<script type="application/ld+json">{not json</script>'
    assert found(f"<html><head>{scripts}{broken}</head><body></body></html>") == [
        ("Change a tyre", "json_ld", ["Loosen the nuts.", "Jack the car up."]),
        ("Tea", "json_ld", ["Boil water.", "Steep the leaves."]),
    ]
    shown = (
        f"<head>{scripts}</head><h2>Making tea</h2><ol><li>Boil water.</li><li>Steep the leaves.</li></ol>"
    )
    assert [m for _, m, _ in found(shown)] == ["list", "json_ld"]  # the tyre only: tea is on the page


def test_microdata_howto_steps_and_hidden_variants():
    html = (
        '<div itemscope itemtype="https://schema.org/HowTo"><h1 itemprop="name">Plant a tree</h1>'
        '<div itemprop="author" itemscope itemtype="https://schema.org/Person"><span '
        'itemprop="name">Ann</span></div>'
        '<div itemprop="step" itemscope itemtype="https://schema.org/HowToStep"><p itemprop="text">Dig a '
        "hole.</p></div>"
        '<div itemprop="step" itemscope itemtype="https://schema.org/HowToStep"><p itemprop="text">Water '
        "it.</p></div>"
        "</div>"
        '<h2>To insert a slide</h2><ol itemscope itemtype="http://schema.org/HowToSection">'
        '<li itemtype="http://schema.org/HowToStep">Choose <span class="emph"><span class="switchinline">'
        '<span hidden="true" id="IMPRESS1">Slide - New Slide</span><span hidden="true" id="default1">Page - '
        "New Page</span>"
        "</span></span>.</li><li>Click OK.</li></ol>"
    )
    assert found(html) == [
        ("Plant a tree", "microdata", ["Dig a hole.", "Water it."]),
        ("To insert a slide", "microdata", ["Choose Page - New Page.", "Click OK."]),
    ]


def test_docbook_procedure_titles_and_figures_left_out():
    html = (
        '<h2 class="title">6. Web images</h2><div class="procedure"><p class="title"><strong>Procedure 6.1. '
        'Creating an Image with Transparent Areas</strong></p><ol class="procedure"><li class="step">'
        "<p>Open it.</p>"
        '<div class="figure"><p class="title">Figure 6.11. Wilber</p></div></li><li class="step"><p>Export '
        "it.</p></li>"
        "</ol></div>"
        '<h3>2.8.2. Directions for use</h3><div class="procedure"><ol><li>Select.</li><li>Press Enter.</li>'
        "</ol></div>"
    )
    assert found(html) == [
        ("Creating an Image with Transparent Areas", "procedure", ["Open it.", "Export it."]),
        ("Web images", "procedure", ["Select.", "Press Enter."]),
    ]


def test_nested_lists_become_sub_steps_and_a_colon_step_takes_the_list_after_it():
    html = (
        "<h2>To share a file</h2><ol><li>Open the file.<ol><li>Pick a folder.</li><li>Pick the file.</li>"
        "</ol></li>"
        "<li>Do one of the following:</li></ol><ul><li>Click Share.</li><li>Press Ctrl+S.</li></ul>"
    )
    (procedure,) = mine_procedures(html)
    assert [(s.text, s.depth, s.parent) for s in procedure.steps] == [
        ("Open the file.", 0, None),
        ("Pick a folder.", 1, 0),
        ("Pick the file.", 1, 0),
        ("Do one of the following:", 0, None),
        ("Click Share.", 1, 3),
        ("Press Ctrl+S.", 1, 3),
    ]


@pytest.mark.parametrize(
    "text, paths",
    [
        ("Choose Format - Character.", [["Format", "Character"]]),
        ("Choose Insert - Frame and click OK.", [["Insert", "Frame"]]),
        (
            "Choose Insert - Table of Contents and Index - Bibliography Entry.",
            [["Insert", "Table of Contents and Index", "Bibliography Entry"]],
        ),
        ("Use Image → Scale Image to open the dialog.", [["Image", "Scale Image"]]),
        ("Click Edit ▸ Preferences", [["Edit", "Preferences"]]),
        ("File → Save As…", [["File", "Save As…"]]),
        (
            "add one from Layer+Transparency → Add Alpha Channel.",
            [["Layer", "Transparency", "Add Alpha Channel"]],
        ),
        ("Select “Image/Color Management/Convert” to", [["Image", "Color Management", "Convert"]]),
        ("Menus/Layer/Crop to content.", [["Menus", "Layer", "Crop to content"]]),
        ("a well-known trade-off - nothing else", []),
        ("use the Ctrl+Alt+Key sequence", []),
        ("and use TCP/IP", []),
        ("Pages 1 - 3 are blank", []),
    ],
)
def test_inline_menu_paths(text, paths):
    assert [p.items for p in menu_paths(text)] == paths


@pytest.mark.parametrize(
    "text, marks, action, target, value, menu",
    [
        ("Choose Format - Character.", [], "menu", "Character", None, ["Format", "Character"]),
        ("Click the Save button.", [], "click", "Save", None, []),
        ('In the Filter box, select "Text CSV".', [], "select", "Text CSV", None, []),
        ("In the Name box, type Alpha.", [(7, 11, "ui"), (22, 27, "input")], "type", "Name", "Alpha", []),
        ("Enter >3 as a criterion.", [], "type", None, ">3", []),
        ("Press Ctrl+Shift+Z to redo.", [], "key", None, "Ctrl+Shift+Z", []),
        ("Press the OK button.", [], "click", "OK", None, []),
        (
            "If the toolbar is hidden, choose View - Toolbars.",
            [],
            "menu",
            "Toolbars",
            None,
            ["View", "Toolbars"],
        ),
        ("Then drag the handle to the right.", [], "drag", "handle", None, []),
        ("Go to Data - Sort. The dialog opens.", [], "menu", "Sort", None, ["Data", "Sort"]),
        ("You can also open the Styles window.", [], "open", "Styles", None, []),
        ("The expression matches one character.", [], "other", None, None, []),
        ('In the Categories list box select "User-defined".', [], "select", "User-defined", None, []),
        ("Now, in front of Scroll Up is display tools-paint.", [], "other", None, None, []),
        # LibreOffice's help marks one path in two pieces (its macOS twin hidden beside the first)
        (
            "choose Tools - Options - LibreOffice Writer - General",
            [(7, 22, "ui"), (23, 53, "ui")],
            "menu",
            "General",
            None,
            ["Tools", "Options", "LibreOffice Writer", "General"],
        ),
        # ... or the first piece ends with the separator and a link holds the rest
        (
            "choose Tools - Options - LibreOffice - Paths",
            [(7, 24, "ui"), (25, 44, "link"), (25, 44, "ui")],
            "menu",
            "Paths",
            None,
            ["Tools", "Options", "LibreOffice", "Paths"],
        ),
    ],
)
def test_typed_steps_with_spans(text, marks, action, target, value, menu):
    step = parse_step(text, marks)
    assert (step.action, step.target, step.value, step.menu_path) == (action, target, value, menu)
    for part, span in ((step.target, step.target_span), (step.value, step.value_span)):
        assert (span is None) == (part is None) and (part is None or text[span[0] : span[1]] == part)
    if step.action != "other" and step.action_span:
        assert text[step.action_span[0] : step.action_span[1]].lower() in text.lower()
    if menu:
        assert text[step.menu_span[0] : step.menu_span[1]].startswith(menu[0])


def test_ui_steps_and_instructions():
    assert parse_step("Click OK.").ui and parse_step("Choose File - Open.").ui
    assert not parse_step("Stir the yeast into the water.").ui
    assert parse_step("Stir the yeast into the water.").instruction
    assert not parse_step("The regular expression for one character is a period.").instruction
    assert not parse_step("Depending on the image, results vary.").instruction


def procedure(texts: list[str], links: bool = False) -> tuple[Procedure, list]:
    steps = [RawStep(t, marks=[(0, len(t), "link")] if links else []) for t in texts]
    return Procedure("How to test", "list", steps), [parse_step(t) for t in texts]


def test_each_filter_rejects_with_its_reason_and_params_change_the_outcome():
    params = HowtoParams()
    good = ["Open the app.", "Click Settings.", "Choose the Privacy tab.", "Turn off tracking and click OK."]
    cases = {
        "few_steps": good[:3],
        "many_steps": [f"Click button number {i} now." for i in range(16)],
        "short_step": [*good[:3], "Go"],
        "long_step": [*good[:3], "Click " + "very " * 160 + "long."],
        "link_list": ["Pricing plans", "About the company", "Careers at Acme", "Press and media"],
        "repeated_4gram": ["Click the next button.", "Click the next button.", "Open it.", "Close it."],
        "not_instructions": ["The report is blue.", "A chart has axes.", "Fonts are tiny.", "Click OK."],
    }
    assert rejection(*procedure(good), params) is None
    for reason, texts in cases.items():
        got = rejection(*procedure(texts, links=reason == "link_list"), params)
        assert got is not None and got.startswith(reason), (reason, got)
    assert rejection(*procedure(good[:3]), HowtoParams(min_steps=3)) is None
    pairs = ["Click the red one.", "Click the blue one.", "Pick the red cup.", "Pick the blue cup."]
    assert rejection(*procedure(pairs), params) is None
    assert rejection(*procedure(pairs), HowtoParams(max_repeat_2gram=0.2)).startswith("repeated_2gram")
    assert repeated_share(["a b a b"], 2) == pytest.approx(1 / 3)


def test_ui_procedure_and_topic():
    ui = [parse_step(t) for t in ("Click Layers.", "Choose Edit - Copy.", "Stir well.")]
    assert is_ui_procedure(ui, HowtoParams()) and not is_ui_procedure(ui, HowtoParams(ui_share=0.9))
    assert topic_of("Inserting Tables", ["Click a cell."]) == "tables"
    assert topic_of("Feeding the cat", ["Open the tin."]) == "other"
    assert topic_of("Changing the brush size", ["In the left column", "Pick a column"]) == "graphics"


def test_goal_from_the_sentence_before_the_steps_or_a_higher_heading():
    lead = (
        "<h2>Printing Sheet Details</h2><p>To choose the details proceed as follows:</p><ol><li>A</li>"
        "<li>B</li></ol>"
    )
    assert found(lead)[0][0] == "To choose the details"
    climbed = (
        '<h1>Creating a mask</h1><h2>Quick Mask</h2><div class="procedure"><ol><li>Open it.</li>'
        "<li>Paint.</li>"
        "</ol></div>"
    )
    assert found(climbed)[0][0] == "Creating a mask"
    example = "<h3>Example 1 – Creating a Business Letter</h3><ol><li>Open Writer.</li><li>Type.</li></ol>"
    assert found(example)[0][0] == "Creating a Business Letter"


def test_a_list_numbering_on_continues_the_procedure_with_the_details_between_as_sub_steps():
    html = (
        "<h2>To add a filter</h2><ol><li>Open it.</li><li>Click New.</li></ol><ul><li>Enter a name.</li></ul>"
        '<ol start="3"><li>Click OK.</li></ol><ol><li>Unrelated.</li></ol>'
    )
    (procedure,) = mine_procedures(html)
    assert [(s.text, s.depth, s.parent) for s in procedure.steps] == [
        ("Open it.", 0, None),
        ("Click New.", 0, None),
        ("Enter a name.", 1, 1),
        ("Click OK.", 0, None),
    ]


def test_hidden_variants_show_the_default_else_the_first():
    html = (
        '<h2>To insert an image</h2><ol><li><span><span hidden id="WRITER1">Select the frame.</span>'
        '<span hidden id="CALC1">Select the anchor.</span></span></li><li>Click OK.<div hidden>popup</div>'
        "</li></ol>"
    )
    assert found(html)[0][2] == ["Select the frame.", "Click OK."]


def test_a_goal_that_names_a_thing_is_rejected_unless_allowed_or_named_by_markup():
    texts = ["Open the app.", "Click Settings.", "Choose the Privacy tab.", "Click OK."]
    steps = [RawStep(t) for t in texts]
    typed = [parse_step(t) for t in texts]
    assert rejection(Procedure("Quick Mask", "procedure", steps), typed, HowtoParams()).startswith(
        "noun_goal"
    )
    assert rejection(Procedure("Quick Mask", "procedure", steps), typed, HowtoParams(noun_goals=True)) is None
    assert rejection(Procedure("Tea", "json_ld", steps, named=True), typed, HowtoParams()) is None
