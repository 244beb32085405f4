"""Annotators: grounding skips ambiguous text, instructions pick an action, how-to mining finds steps."""
from __future__ import annotations

import json

import polars as pl

from schemas import Grounding, Instructions
from tests.transforms.elements import el, frames
from transforms.annotate.grounding import AnnotateParams, ground_elements
from transforms.annotate.howto import mine_procedures
from transforms.annotate.instructions import instruct_elements
from transforms.annotate.sample_values import sample_value

PARAMS = AnnotateParams(max_text_chars=40)


def test_grounding_one_expression_per_unambiguous_element_and_every_skip_counted():
    elements, shots = frames(
        el(1, "button", "button", text="Sign in", box=(100, 100, 200, 140)),
        el(2, "p", "paragraph", text="Details", interactive=False),
        el(3, "p", "paragraph", text="details ", interactive=False),       # same text, other case
        el(4, "button", "button", text="🔔", name="Notifications", box=(1200, 10, 1230, 40)),
        el(5, "div", "generic", text="🎧", name="🎧", interactive=False),   # a glyph with no name
        el(6, "h2", "heading", text="Orders", interactive=False, center_hit=False),
        el(7, "p", "paragraph", text="x" * 41, interactive=False),
    )
    grounding, skipped = ground_elements(elements, shots, PARAMS)
    Grounding.validate(grounding, lazy=True)
    by_label = {r["label"]: r for r in grounding.iter_rows(named=True)}
    assert set(by_label) == {"Sign in", "Notifications"}
    assert by_label["Sign in"]["expression"] == 'the "Sign in" button'
    assert (by_label["Sign in"]["click_x"], by_label["Sign in"]["click_y"]) == (150.0, 120.0)
    assert by_label["Notifications"]["is_icon"] is True and by_label["Sign in"]["is_icon"] is False
    reasons = dict(skipped.select("element_id", "reason").iter_rows())
    assert len(grounding) + len(skipped) == len(elements)
    assert reasons[f"{2:032x}"].startswith("ambiguous") and reasons[f"{3:032x}"].startswith("ambiguous")
    assert reasons[f"{5:032x}"] == "no visible text or accessible name"
    assert reasons[f"{6:032x}"].startswith("centre point is covered")
    assert reasons[f"{7:032x}"] == "text longer than 40 characters"


def test_same_text_on_different_screenshots_is_not_ambiguous():
    elements, shots = frames(el(1, "a", "link", text="Home"), el(2, "a", "link", text="Home", screenshot="b" * 64))
    grounding, skipped = ground_elements(elements, shots, PARAMS)
    assert len(grounding) == 2 and len(skipped) == 0


def test_instructions_click_type_and_select_with_arguments():
    elements, shots = frames(
        el(1, "button", "button", text="Search trips"),
        el(2, "input", "textbox", name="Destination", input_type="text", input_name="destination"),
        el(3, "input", "textbox", name="Email", input_type="email"),
        el(4, "select", "combobox", name="Cabin class", options=["Economy", "Business", "First"]),
        el(5, "input", "checkbox", name="Flexible dates", input_type="checkbox"),
        el(6, "p", "paragraph", text="Not a control", interactive=False),
        el(7, "input", "slider", name="Budget", input_type="range"),
    )
    instructions, skipped = instruct_elements(elements, shots, PARAMS)
    Instructions.validate(instructions, lazy=True)
    rows = {r["label"]: r for r in instructions.iter_rows(named=True)}
    assert rows["Search trips"]["instruction"] == 'Click the "Search trips" button'
    assert rows["Destination"]["instruction"] == 'Type "Paris" into the "Destination" field'
    assert json.loads(rows["Destination"]["action_args"]) == {"text": "Paris"}
    assert json.loads(rows["Email"]["action_args"]) == {"text": "alex.morgan@example.com"}
    assert rows["Cabin class"]["action_type"] == "select"
    assert json.loads(rows["Cabin class"]["action_args"]) == {"option": "Business"}
    assert rows["Flexible dates"]["instruction"] == 'Tick the "Flexible dates" checkbox'
    assert "Not a control" not in rows
    assert skipped.get_column("reason").to_list() == ["no action template for role 'slider'"]


def test_sample_values_follow_the_field_hints():
    assert sample_value("password", None, "Choose a password") == "Tr0ub4dor&3-horse"
    assert sample_value("text", "q", "Search mail") == "noise cancelling headphones"
    assert sample_value("text", None, "Type the project name to confirm") == "Alex Morgan"
    assert sample_value(None, None, "Anything else") == "hello world"


def test_howto_from_a_heading_and_its_ordered_list():
    html = ("<h1>Docs</h1><h2>How to export a report</h2><p>Intro</p><ol><li>Open the report.</li>"
            "<li>Click <b>Export</b>.</li></ol><h2>FAQ</h2><ol><li>a</li><li>b</li></ol>")
    assert mine_procedures(html) == [("How to export a report", ["Open the report.", "Click Export."])]


def test_howto_from_numbered_step_headings():
    html = ("<h1>How to install the CLI</h1><h2>Step 1: Download it</h2><p>x</p>"
            "<h2>Step 2: Run the installer</h2><h2>Step 3: Log in</h2>")
    assert mine_procedures(html) == [("How to install the CLI", ["Download it", "Run the installer", "Log in"])]


def test_howto_from_the_title_and_nothing_without_a_goal():
    titled = "<html><head><title>How to bake bread · Crumb</title></head><body><ol><li>Mix</li><li>Bake</li></ol>"
    assert mine_procedures(titled) == [("How to bake bread", ["Mix", "Bake"])]
    assert mine_procedures("<h2>Ingredients</h2><ol><li>Flour</li><li>Water</li></ol>") == []
    assert mine_procedures("<h2>How to give up</h2><ol><li>Only one step</li></ol>") == []
    assert mine_procedures("") == []
