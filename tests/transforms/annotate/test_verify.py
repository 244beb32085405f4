"""Verification reads the phrase itself: claims parsed from the words, matched against the screen."""

from __future__ import annotations

from tests.transforms.elements import el, png, screen_of
from transforms.annotate.match import matches, parse
from transforms.annotate.verify import verify

BLUE = (37, 99, 235)


def screen():
    image = png(fills=[((100, 100, 200, 140), BLUE)])
    return screen_of(
        el(1, "button", "button", text="Save", box=(100, 100, 200, 140)),
        el(2, "button", "button", text="Cancel", box=(220, 100, 320, 140)),
        el(3, "a", "link", text="Help", href="/help", box=(1100, 10, 1160, 30)),
        el(4, "div", "tab", text="Day", box=(100, 300, 180, 330)),
        el(5, "div", "tab", text="Week", box=(190, 300, 270, 330)),
        el(6, "div", "tab", text="Month", box=(280, 300, 360, 330)),
        el(
            7, "p", "paragraph", text="Covered", interactive=False, center_hit=False, box=(100, 500, 200, 520)
        ),
        image=image,
    )


def ids(found) -> list[int]:
    return [int(i.element_id, 16) for i in found]


def test_each_template_form_is_read_back_to_the_element_it_names():
    s = screen()
    assert ids(matches(parse('the "Save" button'), s)) == [1]
    assert ids(matches(parse("the blue button"), s)) == [1]
    assert ids(matches(parse("the link to the help page"), s)) == [3]
    assert ids(matches(parse('the button right of the "Save" button'), s)) == [2]
    assert ids(matches(parse("the second tab from the left"), s)) == [5]
    assert ids(matches(parse("the link in the top right of the screen"), s)) == [3]
    assert ids(matches(parse('To save, click the "Save" button'), s)) == [1]
    assert ids(matches(parse('Type "x" into the "Save" button'), s)) == [1]
    assert ids(matches(parse("Open the day tab"), s)) == [4]  # a goal, though it starts like a command


def test_flags_for_ambiguous_wrong_missing_and_unreadable_phrases():
    s = screen()
    save, cancel, covered = s.by_key["save"][0], s.by_key["cancel"][0], s.by_key["covered"][0]
    assert verify('the "Save" button', save, s) == (1, [])
    assert verify("the button", save, s) == (2, ["ambiguous"])
    assert verify('the "Cancel" button', save, s) == (1, ["wrong_target"])
    assert verify('the "Delete" button', save, s) == (0, ["no_match"])
    assert verify("zzz qqq", save, s) == (0, ["unverifiable"])
    assert verify('the text "Covered"', covered, s) == (1, ["centre_not_hit"])
    # A refusal must match nothing here.
    assert verify('the "Delete" button', None, s) == (0, [])
    assert verify('the "Cancel" button', None, s) == (1, ["present_on_screen"])
    assert cancel.colour is None and save.colour == "blue"


def test_free_text_from_a_model_is_read_for_the_claims_it_makes():
    s = screen()
    assert ids(matches(parse("Click the blue button"), s)) == [1]
    loose = parse("Press the “Help” link up in the corner")
    assert not loose.strict and loose.label == "help" and loose.noun == "link"
    assert ids(matches(loose, s)) == [3]
    assert ids(matches(parse("the blue button in the top left corner"), s)) == [1]


def test_a_relation_to_an_ambiguous_landmark_is_ambiguous():
    s = screen_of(
        el(1, "a", "link", text="Edit", box=(100, 100, 140, 120)),
        el(2, "button", "button", text="⋮", name="", box=(150, 100, 170, 120)),
        el(3, "a", "link", text="Edit", box=(100, 200, 140, 220)),
        el(4, "button", "button", text="⋮", name="", box=(150, 200, 170, 220)),
    )
    target = s.items[1]
    n, flags = verify('the icon right of the "Edit" link', target, s)
    assert flags == ["ambiguous"] and n == 2
