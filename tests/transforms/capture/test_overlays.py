"""Overlays that block the whole page are taken away before extraction, with a note; a page is `empty` only
when its screenshot is blank."""

from __future__ import annotations

import io

import polars as pl
import pytest
from PIL import Image

from tests.conftest import FIXTURES
from tests.transforms.capture.test_stage import capture

OVERLAYS = FIXTURES / "overlays"


@pytest.fixture(scope="module")
def pages() -> dict[str, pl.DataFrame]:
    return capture(OVERLAYS, ["backdrop.html", "consent.html", "shell.html", "drawn.html", "blank.html"])


def row(tables: dict[str, pl.DataFrame], page: str) -> dict:
    return tables["captures"].filter(pl.col("page_path") == page).row(0, named=True)


def ids(tables: dict[str, pl.DataFrame], page: str) -> set[str]:
    capture_id = row(tables, page)["capture_id"]
    return set(tables["elements"].filter(pl.col("capture_id") == capture_id)["dom_id"].drop_nulls())


def test_a_translucent_backdrop_over_the_whole_page_is_removed_with_a_note(pages):
    backdrop = row(pages, "backdrop.html")
    assert backdrop["status"] == "ok"
    assert backdrop["message"] == "removed overlays covering the page: div#backdrop.modal-backdrop"
    assert {"title", "intro", "download"} <= ids(pages, "backdrop.html")
    assert backdrop["excluded_covered"] == 0


def test_a_consent_wall_goes_with_its_dialog_and_the_page_under_it_is_captured(pages):
    consent = row(pages, "consent.html")
    assert (consent["status"], consent["message"]) == ("ok", "removed overlays covering the page: div#wall")
    found = ids(pages, "consent.html")
    assert {"title", "forecast"} <= found and "accept" not in found


def test_a_full_screen_layer_holding_the_content_stays(pages):
    shell = row(pages, "shell.html")
    assert (shell["status"], shell["message"]) == ("ok", "")
    assert {"title", "compose"} <= ids(pages, "shell.html")


def test_a_page_is_empty_only_when_its_screenshot_is_blank(pages):
    drawn = row(pages, "drawn.html")
    assert (drawn["status"], drawn["n_elements"]) == ("ok", 0)
    assert drawn["message"] == "no visible element found, but the screenshot is not blank"
    png = pages["screenshots"].filter(pl.col("capture_id") == drawn["capture_id"])["png"][0]
    assert len(Image.open(io.BytesIO(png)).getcolors(2**16)) > 1
    blank = row(pages, "blank.html")
    assert (blank["status"], blank["message"]) == ("empty", "page has no visible elements")
