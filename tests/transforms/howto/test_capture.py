"""A help page and the app it documents, in real Chromium: the help steps ground on the app."""

from __future__ import annotations

from pathlib import Path

from schemas.config import CaptureParams, HowtoParams, Source
from tests.conftest import FIXTURES
from transforms.capture.browser import capture_pages
from transforms.capture.opening import open_source
from transforms.capture.records import to_tables
from transforms.howto.mine import mine_howto

HOWTO = FIXTURES / "howto"


def test_a_captured_help_page_grounds_its_steps_on_the_captured_app():
    source = Source(id="fixture", kind="html_dir", location=Path(HOWTO), license="CC0-1.0")
    with open_source(source, ["app.html", "help.html"]) as opened:
        results = capture_pages(opened.targets, CaptureParams(page_timeout_s=10, max_slices=1), opened.policy)
    tables = to_tables("fixture", results, opened.page_sha256)
    mined = mine_howto(tables["captures"], tables["screenshots"], tables["elements"], HowtoParams())
    (row,) = mined.howto.iter_rows(named=True)
    app_shots = set(
        tables["screenshots"].join(tables["captures"].filter(page_path="app.html"), on="capture_id")[
            "screenshot_id"
        ]
    )
    states = [(s["action"], s["grounding"], s["screenshot_id"] in app_shots) for s in row["typed_steps"]]
    assert states == [
        ("menu", "grounded", True),
        ("type", "grounded", True),
        ("click", "grounded", True),
        ("click", "ambiguous", False),
        ("click", "absent", False),
    ]
    boxes = mined.instructions.select("label", "role", "x1", "y1", "x2", "y2").sort("label").rows()
    assert [(label, role) for label, role, *_ in boxes] == [
        ("File", "button"),
        ("Name", "textbox"),
        ("Save", "button"),
    ]
    assert all(x2 > x1 and y2 > y1 for *_, x1, y1, x2, y2 in boxes)
