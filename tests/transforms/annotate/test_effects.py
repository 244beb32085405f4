"""Function and intent phrases from the effects exploration saw (the dialog an item opened, the captured
page a link leads to), and names kept in the spelling the link draws them in."""

from __future__ import annotations

import polars as pl

from schemas.config import AnnotateParams
from schemas.registry import schema
from tests.transforms.elements import annotated, el, frames
from transforms.annotate.effects import observed_effects, page_name
from transforms.annotate.tables import annotate_tables
from transforms.annotate.template import TemplateAnnotator


def _phrases(out, element: int) -> dict[str, str]:
    rows = out.grounding.filter(pl.col("element_id") == f"{element:032x}")
    assert all(not f for f in rows["quality_flags"].to_list()), rows
    return dict(rows.select("perspective", "expression").iter_rows())


def test_a_link_named_by_its_address_keeps_the_spelling_it_is_drawn_in():
    out = annotated(
        el(1, "a", "link", text="q&more Artikel", href="/q-more-artikel/", box=(100, 100, 300, 120)),
        el(
            2,
            "a",
            "link",
            text="Marktübersicht NIR-Spektrometer",
            href="/nir-spektrometer",
            box=(100, 200, 400, 220),
        ),
        el(3, "a", "link", text="Neoliberalismus", href="/wiki/neoliberalismus", box=(100, 300, 300, 320)),
        # The address's words drawn in another order: no phrase from the address (the drawn text names
        # no page either: it starts with an action)
        el(4, "a", "link", text="Read the Artikel q", href="/q-artikel", box=(100, 400, 300, 420)),
    )
    assert _phrases(out, 1)["function"] == "the link to the q&more Artikel page"
    assert _phrases(out, 1)["intent"] == "Go to the q&more Artikel page"
    assert _phrases(out, 2)["function"] == "the link to the NIR-Spektrometer page"
    assert _phrases(out, 3)["intent"] == "Go to the Neoliberalismus page"
    assert "function" not in _phrases(out, 4)


def _page(n: int, path: str, title: str | None) -> tuple[dict, dict]:
    capture_id, shot = f"{n:032x}", f"{n:064x}"
    capture = {c: None for c in schema("captures")}
    capture |= {
        "capture_id": capture_id,
        "source_id": "t",
        "page_path": path,
        "platform": "web",
        "status": "ok",
        "title": title,
    }
    return capture, {"capture_id": capture_id, "screenshot_id": shot}


def _annotate(captures: list[dict], shots: list[dict], *rows: dict):
    elements, screenshots = frames(*rows)
    capture_of = {s["screenshot_id"]: s["capture_id"] for s in shots}
    elements = elements.with_columns(pl.col("screenshot_id").replace_strict(capture_of).alias("capture_id"))
    screenshots = screenshots.with_columns(
        pl.col("screenshot_id").replace_strict(capture_of).alias("capture_id")
    )
    captures = pl.DataFrame(captures, schema=schema("captures"))
    out = annotate_tables(elements, screenshots, TemplateAnnotator(AnnotateParams()), 0, captures)
    return out, observed_effects(captures, screenshots, elements)


def test_a_link_to_a_captured_page_is_described_by_that_page_s_heading_or_title():
    (home, home_shot), (contact, contact_shot), (team, team_shot) = (
        _page(1, "site/index.html", "ACME"),
        _page(2, "site/contact.html", "Reach us | ACME"),
        _page(3, "site/about/team.html", "Our team – ACME"),
    )
    on = {"screenshot": home_shot["screenshot_id"]}
    out, effects = _annotate(
        [home, contact, team],
        [home_shot, contact_shot, team_shot],
        el(1, "a", "link", text="Read more", href="contact.html#form", box=(100, 100, 200, 120), **on),
        el(2, "a", "link", text="Team", href="about/team.html", box=(100, 200, 200, 220), **on),
        el(3, "a", "link", text="Home", href="index.html", box=(100, 300, 200, 320), **on),  # this page
        el(4, "a", "link", text="Jobs", href="jobs.html", box=(100, 400, 200, 420), **on),  # not captured
        el(5, "h1", "heading", text="Contact", interactive=False, screenshot=contact_shot["screenshot_id"]),
    )
    assert effects == {f"{1:032x}": ("page", "Contact"), f"{2:032x}": ("page", "Our team")}
    # A generic link text ("Read more") gets a purpose from the page it was seen to lead to.
    assert _phrases(out, 1)["function"] == 'the link to the "Contact" page'
    assert _phrases(out, 1)["intent"] == "Go to the Contact page"
    assert _phrases(out, 2)["function"] == 'the link to the "Our team" page'
    assert _phrases(out, 4)["function"] == "the link to the Jobs page"  # its own words, as drawn


def _state(n: int, path: list[str], title: str, status: str = "ok") -> tuple[dict, dict]:
    capture, shot = _page(n, "pad/" + "/".join(path), title)
    return capture | {"platform": "desktop", "app": "pad", "action_path": path, "status": status}, shot


def test_a_desktop_item_that_opened_a_new_window_is_described_by_that_window():
    states = [
        _state(1, ["start"], "Welcome to Pad"),  # a start-up window, dismissed: the main window is next
        _state(6, ["start", "dismiss:Close"], "notes.txt - Pad"),
        _state(2, ["start", "menu:File"], "notes.txt - Pad"),
        _state(3, ["start", "menu:File", "item:Page Setup…"], "Page Setup"),
        _state(4, ["start", "menu:File", "item:Reload"], "notes.txt - Pad"),  # no new window
        _state(5, ["start", "menu:File", "item:Print…"], "Print", status="unverified"),
    ]
    menu = {"screenshot": states[2][1]["screenshot_id"], "states": ["enabled"]}
    start = {"screenshot": states[1][1]["screenshot_id"], "states": ["enabled"]}
    out, effects = _annotate(
        [c for c, _ in states],
        [s for _, s in states],
        el(5, "menuitem", "menuitem", text="File", box=(0, 0, 40, 20), **start),
        el(1, "menuitem", "menuitem", text="File", box=(0, 0, 40, 20), **menu),
        el(2, "menuitem", "menuitem", text="Page Setup…", box=(0, 30, 200, 50), **menu),
        el(3, "menuitem", "menuitem", text="Reload", box=(0, 60, 200, 80), **menu),
        el(4, "menuitem", "menuitem", text="Print…", box=(0, 90, 200, 110), **menu),
    )
    assert effects == {f"{2:032x}": ("dialog", "Page Setup"), f"{5:032x}": ("menu", "File")}
    assert _phrases(out, 5)["function"] == 'the menu item that opens the "File" menu'
    assert _phrases(out, 5)["intent"] == "Open the File menu"
    assert _phrases(out, 2)["function"] == 'the menu item that opens the "Page Setup" dialog'
    assert _phrases(out, 2)["intent"] == "Open the Page Setup dialog"
    assert "function" not in _phrases(out, 3)  # "Reload": no effect seen, no purpose in its name
    instructions = out.instructions.filter(pl.col("element_id") == f"{2:032x}")
    said = instructions["instruction"].to_list()
    assert 'To open the Page Setup dialog, open the "Page Setup…" menu item' in said
    assert 'Open the menu item that opens the "Page Setup" dialog' in said


def test_a_page_is_named_by_its_one_main_heading_else_its_title_before_the_site():
    assert page_name("Prices | ACME", ["Plans and prices"]) == "Plans and prices"
    assert page_name("Prices | ACME", ["One", "Two"]) == "Prices"
    assert page_name('Say "hi" - ACME', []) is None
    assert page_name(None, []) is None
