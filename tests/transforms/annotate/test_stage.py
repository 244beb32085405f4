"""Template annotation: five perspectives, refusal and scroll rows, every element accounted for."""

from __future__ import annotations

import json

import polars as pl

from schemas.bookkeeping import Skipped
from schemas.datasets import Grounding, Instructions
from tests.transforms.elements import annotated, el, png
from transforms.annotate.sample_values import sample_value

BLUE, GREEN = (37, 99, 235), (22, 163, 74)


def rows_of(frame: pl.DataFrame, column: str) -> dict[tuple[str, str], dict]:
    """(label, perspective) -> row, for the positive rows of a grounding or instruction frame."""
    return {
        (r["label"], r["perspective"]): r
        for r in frame.filter(pl.col("gt_type") == "positive").iter_rows(named=True)
    }


def test_every_element_gets_a_row_or_a_skip_per_perspective_and_the_books_balance():
    out = annotated(
        el(1, "button", "button", text="Sign in", box=(100, 100, 200, 140)),
        el(2, "p", "paragraph", text="Details", interactive=False, box=(100, 300, 160, 320)),
        el(3, "p", "paragraph", text="details ", interactive=False, box=(400, 300, 460, 320)),
        el(4, "button", "button", text="🔔", name="Notifications", box=(1200, 10, 1230, 40)),
        el(5, "div", "generic", text="🎧", name="🎧", interactive=False, box=(600, 600, 630, 630)),
        el(6, "h2", "heading", text="Orders", interactive=False, center_hit=False, box=(100, 400, 200, 430)),
        el(7, "p", "paragraph", text="x" * 41, interactive=False, box=(100, 500, 500, 520)),
        max_text_chars=40,
    )
    Grounding.validate(out.grounding, lazy=True)
    Instructions.validate(out.instructions, lazy=True)
    Skipped.validate(out.skipped, lazy=True)
    text = {
        r["label"]: r for r in out.grounding.filter(pl.col("perspective") == "text").iter_rows(named=True)
    }
    assert text["Sign in"]["expression"] == 'the "Sign in" button'
    assert (text["Sign in"]["click_x"], text["Sign in"]["click_y"]) == (150.0, 120.0)
    assert text["Sign in"]["quality_flags"] == [] and text["Sign in"]["n_matches"] == 1
    # An icon's accessible name is not on screen: no text phrase names it by that.
    assert "Notifications" not in text
    # Twins: "the text "Details"" fits two elements, so the phrase adds the screen region, which fits one.
    assert text["Details"]["expression"] == 'the text "Details" in the left of the screen'
    assert text["Details"]["quality_flags"] == [] and text["Details"]["n_matches"] == 1
    reasons = {(r["element_id"], r["perspective"]): r["reason"] for r in out.skipped.iter_rows(named=True)}
    assert reasons[(f"{4:032x}", "text")].startswith("not_visible")
    assert reasons[(f"{5:032x}", "text")] == "no_name"
    assert reasons[(f"{6:032x}", "spatial")].startswith("centre_not_hit")
    assert reasons[(f"{7:032x}", "text")] == "too_long: text longer than 40 characters"
    for book in out.books:
        assert book["rows_in"] == book["rows_out"] + book["skipped"], book
    grounding_text = next(b for b in out.books if b["table"] == "grounding.text")
    assert grounding_text["rows_in"] == 7


def test_appearance_names_the_colour_read_from_the_pixels_and_only_what_tells_it_apart():
    image = png(
        fills=[((100, 100, 200, 140), BLUE), ((300, 100, 400, 140), GREEN), ((500, 100, 600, 140), GREEN)]
    )
    out = annotated(
        el(1, "button", "button", text="Save", box=(100, 100, 200, 140)),
        el(2, "button", "button", text="Send", box=(300, 100, 400, 140), radius_ratio=0.5),
        el(3, "button", "button", text="Share", box=(500, 100, 600, 140)),
        image=image,
    )
    rows = rows_of(out.grounding, "expression")
    assert rows[("Save", "appearance")]["expression"] == "the blue button"
    # Two green buttons: the rounded one needs its shape as well.
    assert rows[("Send", "appearance")]["expression"] == "the green pill-shaped button"
    # Share looks like Save's green twin in every way: its look alone does not pick it out, its look
    # with the name it shows does.
    assert rows[("Share", "appearance")]["expression"] == 'the green "Share" button'
    assert rows[("Share", "appearance")]["quality_flags"] == []
    instructions = rows_of(out.instructions, "instruction")
    assert instructions[("Save", "appearance")]["instruction"] == "Click the blue button"


def test_function_phrases_come_from_type_href_and_form_context_where_their_words_are_shown():
    out = annotated(
        el(1, "input", "textbox", name="E-mail address", input_type="email", box=(100, 100, 400, 130)),
        el(2, "a", "link", text="Pricing", href="/pricing.html", box=(100, 200, 160, 220)),
        el(
            3,
            "button",
            "button",
            text="Go",
            input_type="submit",
            form_name="Book a trip",
            box=(100, 300, 160, 330),
        ),
        el(4, "input", "checkbox", name="Flexible dates", input_type="checkbox", box=(100, 400, 120, 420)),
        el(5, "a", "link", text="User comments", href="#user-comments", box=(300, 200, 400, 220)),
        # The words the page shows: the field's label, the form's heading, the checkbox's label.
        el(6, "label", "generic", text="E-mail address", interactive=False, box=(100, 80, 200, 98)),
        el(7, "h2", "heading", text="Book a trip", interactive=False, box=(100, 250, 300, 280)),
        el(8, "label", "generic", text="Flexible dates", interactive=False, box=(130, 400, 240, 420)),
        # Words only in the URL are never used: the link's purpose is read from the words it shows.
        el(9, "a", "link", text="Bundesliga", href="/fussball/tabelle.html", box=(600, 200, 700, 220)),
        # Text that names no page ("Read more", a footnote mark, small words, a piece of a sentence): no
        # function or intent.
        el(10, "a", "link", text="Read more", href="/fussball/news-17.html", box=(600, 300, 700, 320)),
        el(11, "a", "link", text="[n 2]", href="#cite-2", box=(600, 400, 640, 420)),
        el(12, "a", "link", text="and", href="/and-more.html", box=(600, 500, 640, 520)),
        el(13, "a", "link", text="of two leftist politicians", href="/x/1.html", box=(600, 600, 800, 620)),
        el(14, "a", "link", text="filed", href="/x/2.html", box=(600, 700, 640, 720)),
        el(15, "a", "link", text="Le Monde.fr", href="https://lemonde.fr/", box=(800, 100, 900, 120)),
        # A section number is no part of the name (a table of contents: "5.4. Zoom").
        el(16, "a", "link", text="5.4. Zoom", href="gimp-tool-zoom.html", box=(800, 300, 900, 320)),
        el(17, "a", "link", text="Select", href="key-reference-select.html", box=(800, 500, 900, 520)),
        # Links that lead to no page: a script's "#", an e-mail address.
        el(18, "a", "link", text="Flights", href="#", box=(800, 600, 900, 620)),
        el(19, "a", "link", text="Email us", href="mailto:team@example.org", box=(800, 700, 900, 720)),
    )
    rows = rows_of(out.grounding, "expression")
    assert rows[("E-mail address", "function")]["expression"] == "the field for the e-mail address"
    assert rows[("Pricing", "function")]["expression"] == "the link to the Pricing page"
    assert rows[("Go", "function")]["expression"] == 'the button that submits the "Book a trip" form'
    assert rows[("Flexible dates", "function")]["expression"] == "the checkbox for flexible dates"
    assert rows[("User comments", "function")]["expression"] == "the link to the User comments section"
    assert rows[("Bundesliga", "function")]["expression"] == "the link to the Bundesliga page"
    assert rows[("Bundesliga", "intent")]["expression"] == "Go to the Bundesliga page"
    assert not any("fussball" in e for e in out.grounding["expression"].to_list())
    assert rows[("5.4. Zoom", "function")]["expression"] == "the link to the Zoom page"
    # An action alone says no goal ("Select": select what?); no page's name either.
    assert ("Select", "intent") not in rows and ("Select", "function") not in rows
    for k in (10, 11, 12, 13, 14, 15, 18, 19):
        hidden = out.skipped.filter((pl.col("element_id") == f"{k:032x}") & (pl.col("table") == "grounding"))
        reasons = dict(hidden.select("perspective", "reason").iter_rows())
        assert reasons["function"] == "not_visible", k
        assert k == 10 or reasons["intent"] == "not_visible", k  # "Read more" is a goal in itself
    instructions = rows_of(out.instructions, "instruction")
    assert (
        instructions[("E-mail address", "function")]["instruction"]
        == 'Type "alex.morgan@example.com" into the field for the e-mail address'
    )


def test_spatial_phrases_use_the_nearest_named_landmark_then_rows_then_regions():
    out = annotated(
        el(
            1,
            "input",
            "searchbox",
            name="Search everything",
            placeholder="Search everything",
            input_type="search",
            box=(100, 100, 420, 136),
        ),
        el(2, "button", "button", text="⌕", name="", box=(430, 100, 466, 136)),  # unnamed icon
        el(3, "button", "button", text="⌕", name="", box=(1200, 700, 1236, 736)),  # its twin, far away
        el(4, "div", "tab", text="Day", box=(100, 300, 180, 330), interactive=True),
        el(5, "div", "tab", text="Week", box=(190, 300, 270, 330), interactive=True),
    )
    spatial = {
        r["element_id"]: r["expression"]
        for r in out.grounding.filter(pl.col("perspective") == "spatial").iter_rows(named=True)
    }
    assert spatial[f"{2:032x}"] == 'the icon right of the "Search everything" search field'
    assert spatial[f"{3:032x}"] == "the icon in the bottom right of the screen"
    assert spatial[f"{5:032x}"] == 'the tab right of the "Day" tab'
    assert all(
        not r["quality_flags"]
        for r in out.grounding.filter(pl.col("perspective") == "spatial").iter_rows(named=True)
    )


def test_intent_rows_are_explicit_and_implicit_with_action_arguments():
    out = annotated(
        el(1, "button", "button", text="Sign in", box=(100, 100, 200, 140)),
        el(2, "input", "textbox", name="E-mail address", input_type="email", box=(100, 200, 400, 230)),
        el(
            3,
            "select",
            "combobox",
            name="Cabin class",
            options=["Economy", "Business", "First"],
            box=(100, 300, 300, 330),
        ),
        el(4, "a", "link", text="Pricing", href="/pricing", box=(100, 400, 160, 420)),
        el(5, "label", "generic", text="E-mail address", interactive=False, box=(100, 180, 200, 198)),
        el(6, "label", "generic", text="Cabin class", interactive=False, box=(100, 280, 200, 298)),
    )
    grounding = rows_of(out.grounding, "expression")
    assert grounding[("Sign in", "intent")]["expression"] == "Sign in"
    assert grounding[("Pricing", "intent")]["expression"] == "Go to the Pricing page"
    rows = {
        (r["label"], r["explicit"]): r
        for r in out.instructions.filter(pl.col("perspective") == "intent").iter_rows(named=True)
    }
    assert rows[("Sign in", True)]["instruction"] == 'To sign in, click the "Sign in" button'
    assert rows[("Sign in", False)]["instruction"] == "Sign in"
    email = rows[("E-mail address", False)]["instruction"]
    assert email == 'Enter "alex.morgan@example.com" as your e-mail address'
    assert rows[("Cabin class", False)]["instruction"] == 'Choose "Business" as the cabin class'
    assert json.loads(rows[("Cabin class", False)]["action_args"]) == {"option": "Business"}
    assert all(not r["quality_flags"] for r in rows.values())


def test_instructions_click_type_select_and_hover_with_arguments():
    out = annotated(
        el(1, "button", "button", text="Search trips", box=(100, 100, 220, 140)),
        el(
            2,
            "input",
            "textbox",
            name="Destination",
            input_type="text",
            input_name="destination",
            box=(100, 200, 300, 230),
        ),
        el(3, "input", "checkbox", name="Flexible dates", input_type="checkbox", box=(100, 300, 120, 320)),
        el(4, "button", "button", text="Products", has_popup=True, box=(400, 10, 500, 40)),
        el(5, "input", "slider", name="Budget", input_type="range", box=(100, 400, 300, 420)),
        el(6, "label", "generic", text="Destination", interactive=False, box=(100, 180, 200, 198)),
        el(7, "label", "generic", text="Flexible dates", interactive=False, box=(130, 300, 240, 320)),
    )
    rows = rows_of(out.instructions, "instruction")
    assert rows[("Search trips", "text")]["instruction"] == 'Click the "Search trips" button'
    assert rows[("Destination", "text")]["instruction"] == 'Type "Paris" into the "Destination" field'
    assert json.loads(rows[("Destination", "text")]["action_args"]) == {"text": "Paris"}
    assert rows[("Flexible dates", "text")]["instruction"] == 'Tick the "Flexible dates" checkbox'
    hovers = out.instructions.filter(pl.col("action_type") == "hover")
    assert hovers.get_column("instruction").to_list() == ['Hover over the "Products" button']
    reasons = set(out.skipped.filter(pl.col("element_id") == f"{5:032x}").get_column("reason"))
    assert "no_action: no action template for role 'slider'" in reasons


def test_refusal_rows_borrow_phrases_from_other_pages_that_match_nothing_here():
    out = annotated(
        el(1, "a", "link", text="Pricing", box=(10, 10, 80, 30), capture_id="a" * 32, screenshot="a" * 64),
        el(2, "a", "link", text="Home", box=(100, 10, 160, 30), capture_id="a" * 32, screenshot="a" * 64),
        el(3, "a", "link", text="Home", box=(100, 10, 160, 30), capture_id="b" * 32, screenshot="b" * 64),
        el(
            4,
            "button",
            "button",
            text="Checkout",
            box=(10, 100, 120, 140),
            capture_id="b" * 32,
            screenshot="b" * 64,
        ),
        refusals=2,
    )
    negatives = out.grounding.filter(pl.col("gt_type") == "negative")
    Grounding.validate(out.grounding, lazy=True)
    on_b = negatives.filter(pl.col("screenshot_id") == "b" * 64).get_column("expression").sort().to_list()
    assert on_b == ['the "Pricing" link']  # "Home" is on page b too, so it is no refusal there
    assert negatives.filter(pl.col("screenshot_id") == "a" * 64).get_column("expression").to_list() == [
        'the "Checkout" button'
    ]
    assert negatives.select(pl.col("x1").is_null().all(), pl.col("element_id").is_null().all()).row(0) == (
        True,
        True,
    )
    assert set(negatives.get_column("perspective")) == {"refusal"}
    refusal_book = next(b for b in out.books if b["table"] == "grounding.refusal")
    assert refusal_book == {"table": "grounding.refusal", "rows_in": 4, "rows_out": 2, "skipped": 2}
    Instructions.validate(out.instructions, lazy=True)
    assert (
        'Click the "Pricing" link'
        in out.instructions.filter(pl.col("gt_type") == "negative")["instruction"].to_list()
    )


def test_a_long_page_gets_scroll_instructions_to_what_the_next_slice_shows():
    out = annotated(
        el(1, "h1", "heading", text="Bread", interactive=False, box=(10, 10, 200, 40), part_index=0),
        el(
            2,
            "h2",
            "heading",
            text="Method",
            interactive=False,
            box=(10, 10, 200, 40),
            part_index=1,
            screenshot="d" * 64,
        ),
    )
    scrolls = out.instructions.filter(pl.col("action_type") == "scroll")
    row = scrolls.row(0, named=True)
    assert scrolls.height == 1 and row["screenshot_id"] == "a" * 64
    assert row["instruction"] == 'Scroll down to the heading "Method"' and row["quality_flags"] == []
    assert json.loads(row["action_args"]) == {"direction": "down", "to": "Method"}
    assert (row["x1"], row["y1"], row["x2"], row["y2"]) == (0.0, 0.0, 1280.0, 800.0)


def test_sample_values_follow_the_field_hints():
    assert sample_value("password", None, "Choose a password") == "Tr0ub4dor&3-horse"
    assert sample_value("text", "q", "Search mail") == "noise cancelling headphones"
    assert sample_value("text", None, "Type the project name to confirm") == "Alex Morgan"
    assert sample_value(None, None, "Anything else") == "hello world"


def test_a_colour_on_the_border_of_two_names_is_not_named():
    """Coral (hue 11: red to some, orange to others) and cyan-blue (hue 199) get no colour name; a clear
    red and a clear blue do."""
    import numpy as np

    from transforms.annotate.pixels import box_colour

    image = np.full((100, 400, 3), 255, dtype=np.uint8)
    for k, rgb in enumerate([(229, 90, 60), (40, 160, 214), (220, 30, 30), (37, 99, 235)]):
        image[40:60, 20 + 100 * k : 80 + 100 * k] = rgb
    names = [box_colour(image, (10 + 100 * k, 30, 90 + 100 * k, 70)) for k in range(4)]
    assert names == [None, None, "red", "blue"]


def test_twins_apart_in_region_and_row_are_told_apart_by_the_label_they_sit_by():
    """Two "Reply" links in one column under two comments: the region and the order in a row cannot tell
    them apart, the nearest named element can."""
    out = annotated(
        el(1, "p", "paragraph", text="Alice wrote", interactive=False, box=(100, 100, 300, 120)),
        el(2, "a", "link", text="Reply", box=(100, 130, 150, 150)),
        el(3, "p", "paragraph", text="Bob wrote", interactive=False, box=(100, 200, 300, 220)),
        el(4, "a", "link", text="Reply", box=(100, 230, 150, 250)),
    )
    text = {
        r["element_id"]: r
        for r in out.grounding.filter(pl.col("perspective") == "text").iter_rows(named=True)
    }
    assert text[f"{2:032x}"]["expression"] == 'the "Reply" link below the text "Alice wrote"'
    assert text[f"{4:032x}"]["expression"] == 'the "Reply" link below the text "Bob wrote"'
    assert all(r["quality_flags"] == [] and r["n_matches"] == 1 for r in text.values())
