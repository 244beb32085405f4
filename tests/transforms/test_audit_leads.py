"""The audit reads a claim about another screen (the page a link leads to, the dialog an item opens)
against the source's captures, not as the control's own name."""

from __future__ import annotations

import io

import polars as pl
from PIL import Image, ImageDraw

from tests.transforms.elements import el, frames, png
from transforms.audit import screens_of
from transforms.audit.check import audit_row
from transforms.audit.leads import LEAD_COLUMNS, claim, without_name

HERE, THERE, OTHER = "a" * 64, "b" * 64, "e" * 64
PAGE, CONTACT = "c" * 32, "d" * 32
WEB = (
    el(1, "a", "link", text="Read more", href="contact.html#form", box=(100, 100, 200, 120)),
    el(2, "a", "link", text="About", href="about.html", box=(300, 100, 360, 120)),  # not captured
    el(3, "a", "link", text="Home", href="index.html", box=(500, 100, 560, 120)),  # this page itself
    el(7, "a", "link", text="Top", href="#top", box=(700, 100, 760, 120)),  # a fragment: goes nowhere
    el(4, "h1", "heading", text="Contact", interactive=False, screenshot=THERE, capture_id=CONTACT),
)
DESKTOP = (
    el(5, "menu", "menuitem", text="Properties…", box=(100, 200, 220, 220), screenshot=OTHER),
    el(6, "menu", "menuitem", text="Print…", box=(100, 230, 220, 250), screenshot=OTHER),
)


def capture(capture_id, page_path, title, platform="web", action_path=None) -> dict:
    values = (capture_id, "t", page_path, platform, "ok", title, "editor", action_path)
    return dict(zip(LEAD_COLUMNS, values))


CAPTURES = pl.DataFrame(
    [
        capture(PAGE, "index.html", "Home | ACME"),
        capture(CONTACT, "contact.html", "Get in touch | ACME"),
        capture("1" * 32, "editor", "Untitled - Editor", "desktop", ["start"]),
        capture("2" * 32, "editor", "Untitled - Editor", "desktop", ["menu:File"]),
        capture("3" * 32, "editor", "Document Properties", "desktop", ["menu:File", "item:Properties…"]),
        capture("4" * 32, "editor", "Untitled - Editor", "desktop", ["menu:File", "item:Print…"]),
    ]
)


def painted(rows) -> bytes:
    image = Image.open(io.BytesIO(png()))
    draw = ImageDraw.Draw(image)
    for r in rows:
        draw.text((r["x1"] + 2, r["y1"] + 2), r["text"], fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def screens(captures=CAPTURES):
    rows = (*WEB, *DESKTOP)
    elements, shots = frames(*rows)
    shots = shots.with_columns(
        capture_id=pl.col("screenshot_id").replace_strict({HERE: PAGE, THERE: CONTACT, OTHER: "2" * 32}),
        png=pl.lit(painted(rows), dtype=pl.Binary),
    )
    # The OCR reads what this screen shows: not "Contact" nor "Document Properties".
    said = [{"text": w, "conf": 90.0, "box": [0, 0, 1, 1]} for w in "Read more About Home Top Print".split()]
    return screens_of(elements, shots, lambda sid, _png: said, 0.0, captures)


def verdict(expression: str, element: int, by_id: dict, gt_type: str = "positive") -> dict:
    e = next(r for r in (*WEB, *DESKTOP) if r["element_id"] == f"{element:032x}")
    box = (e["x1"], e["y1"], e["x2"], e["y2"])
    row = {
        "screenshot_id": e["screenshot_id"],
        "element_id": e["element_id"],
        "expression": expression,
        "gt_type": gt_type,
        **dict(zip(("x1", "y1", "x2", "y2"), box)),
        "click_x": (box[0] + box[2]) / 2,
        "click_y": (box[1] + box[3]) / 2,
        "image_width": 1280,
        "image_height": 800,
    }
    return audit_row(row, by_id[e["screenshot_id"]])


def test_the_effect_grammar_is_read_as_a_claim_about_another_screen():
    assert claim('the link to the "Contact" page')[:2] == ("page", "contact")
    assert claim('the menu item that opens the "Page Setup…" dialog')[:2] == ("dialog", "page setup")
    assert claim("Go to the q&more Artikel page")[:2] == ("page", "q&more artikel")
    assert claim("Open the File menu")[:2] == ("menu", "file")
    assert claim('the "Contact" link') is None and claim("the blue button") is None
    assert without_name('the link to the "Contact" page') == 'the link to the "" page'


def test_a_link_said_to_lead_to_a_captured_page_fits_by_where_it_leads():
    by_id = screens()

    def reasons(expression, element, **more):
        return verdict(expression, element, by_id, **more)["audit_reasons"]

    # "Read more" leads to contact.html, whose heading is "Contact" (and title "Get in touch | ACME").
    assert reasons('the link to the "Contact" page', 1) == []
    assert reasons("Go to the Contact page", 1) == []
    assert reasons('the link to the "Get in touch" page', 1) == []
    # A wrong destination, or the wrong kind of control, does not fit.
    assert reasons('the link to the "Pricing" page', 1) == ["no_fit"]
    assert reasons("Go to the Pricing page", 1) == ["not_visible", "no_fit"]
    assert reasons('the button that opens the "Contact" dialog', 1) == ["no_fit"]
    # A link to the page it is on leads nowhere else.
    assert reasons('the link to the "Home" page', 3) == []  # it shows the name itself; "Top" goes nowhere
    assert reasons('the link to the "Contact" page', 3) == ["no_fit"]
    # A quoted control name that is not on the screen is still flagged.
    assert reasons('the "Contact" link', 1) == ["not_visible", "no_fit"]
    # A refusal of a page no link here leads to holds; one that a link here leads to does not.
    assert reasons('the link to the "Pricing" page', 1, gt_type="negative") == []
    assert reasons('the link to the "Contact" page', 1, gt_type="negative") == ["present_on_screen"]


def test_a_claim_the_captures_cannot_check_is_counted_apart_not_flagged():
    by_id = screens()
    about = verdict('the link to the "Team" page', 2, by_id)  # about.html was not captured
    assert about["audit_reasons"] == [] and about["effect_unchecked"]
    assert verdict('the button that opens the "Team" dialog', 2, by_id)["audit_reasons"] == ["no_fit"]
    # An unquoted goal is read from the control's own words, as before, where nothing is known of it.
    assert verdict("Go to the Team page", 2, by_id)["audit_reasons"] == ["not_visible", "no_fit"]
    # Without the captures, nothing is known of where "Read more" leads.
    bare = verdict('the link to the "Contact" page', 1, screens(CAPTURES.clear()))
    assert bare["audit_reasons"] == [] and bare["effect_unchecked"]
    assert not verdict('the link to the "Contact" page', 1, by_id)["effect_unchecked"]


def test_a_desktop_item_fits_by_the_dialog_exploration_saw_it_open():
    by_id = screens()

    def reasons(expression, element):
        return verdict(expression, element, by_id)["audit_reasons"]

    assert reasons('the menu item that opens the "Document Properties" dialog', 5) == []
    assert reasons("Open the Document Properties dialog", 5) == []
    assert reasons('the menu item that opens the "Print" dialog', 5) == ["no_fit"]
    # Print… led back to the editor's own window: it opened no dialog the captures show.
    assert reasons('the menu item that opens the "Untitled - Editor" dialog', 6) == ["no_fit"]
