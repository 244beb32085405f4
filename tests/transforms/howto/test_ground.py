"""Grounding how-to steps to the elements of a source's screens, the rows that follows, and the contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandera.errors
import polars as pl
import pytest

from schemas.config import AnnotateParams, HowtoParams
from schemas.datasets import Howto, Instructions
from schemas.registry import TABLES
from tests.transforms.elements import el
from transforms.annotate.stage import annotate_stage
from transforms.annotate.template import TemplateAnnotator
from transforms.howto.mine import mine_howto
from transforms.ledger import ledger

HELP, APP = "a" * 32, "b" * 32
HELP_SHOT, APP_SHOT = "1" * 64, "2" * 64
PROCEDURE = (
    "<h2>To rename a project</h2><ol><li>Choose <b>File - Rename</b>.</li><li>In the <b>Name</b> box, type "
    "<code>Alpha</code>.</li><li>Click <b>Cancel</b>.</li><li>Click <b>Delete</b>.</li><li>Click "
    "<b>Publish</b>."
    '</li><li>Go to the <a href="settings.html">Settings</a> page.</li></ol>'
)


def _capture(capture_id: str, page: str, html: str) -> dict:
    return {
        "capture_id": capture_id,
        "source_id": "t",
        "page_path": page,
        "page_sha256": "x",
        "device": "standard",
        "platform": "web",
        "status": "ok",
        "started_at": datetime(2026, 1, 1, tzinfo=UTC),
        "viewport_width": 1280,
        "viewport_height": 800,
        "device_scale_factor": 1.0,
        "n_parts": 1,
        "n_elements": 2,
        "script_errors": 0,
        "html": html,
    }


def _shot(shot: str, capture_id: str) -> dict:
    return {
        "screenshot_id": shot,
        "source_id": "t",
        "capture_id": capture_id,
        "device": "standard",
        "platform": "web",
        "part_index": 0,
        "scroll_y": 0.0,
        "width": 1280,
        "height": 800,
        "png": b"\x89PNG\r\n\x1a\n",
    }


@pytest.fixture
def source() -> dict[str, pl.DataFrame]:
    on_help = {"screenshot": HELP_SHOT, "capture_id": HELP}
    on_app = {"screenshot": APP_SHOT, "capture_id": APP}
    elements = [
        el(1, "button", "button", text="Cancel", box=(10, 10, 90, 40), **on_help),
        el(2, "a", "link", text="Settings", box=(10, 60, 90, 80), href="settings.html", **on_help),
        el(3, "button", "button", text="File", box=(10, 10, 60, 30), **on_app),
        el(4, "input", "textbox", name="Name", box=(10, 50, 300, 80), input_type="text", **on_app),
        el(5, "button", "button", text="Cancel", box=(10, 100, 90, 130), **on_app),
        el(6, "button", "button", text="Delete", box=(100, 100, 190, 130), **on_app),
        el(7, "button", "button", text="Delete", box=(200, 100, 290, 130), **on_app),
        el(8, "a", "link", text="Settings", box=(300, 10, 390, 30), href="settings.html", **on_app),
    ]
    return {
        "captures": TABLES["captures"].frame(
            [_capture(HELP, "help.html", PROCEDURE), _capture(APP, "app.html", "")]
        ),
        "screenshots": TABLES["screenshots"].frame([_shot(HELP_SHOT, HELP), _shot(APP_SHOT, APP)]),
        "elements": TABLES["elements"].frame(elements),
    }


def test_steps_ground_on_the_own_page_first_then_the_source_else_say_why(source):
    mined = mine_howto(source["captures"], source["screenshots"], source["elements"], HowtoParams())
    (row,) = mined.howto.iter_rows(named=True)
    Howto.validate(mined.howto)
    states = [(s["grounding"], s["n_matches"], s["screenshot_id"]) for s in row["typed_steps"]]
    assert states == [
        ("grounded", 1, APP_SHOT),  # the File menu, first item of File - Rename
        ("grounded", 1, APP_SHOT),  # the Name field
        ("grounded", 1, HELP_SHOT),  # Cancel is on the page itself, which comes first
        ("ambiguous", 2, None),
        ("absent", 0, None),
        ("no_target", 0, None),  # Settings is a link of the page's own text
    ]
    assert row["typed_steps"][1]["element_id"] == f"{4:032x}" and row["typed_steps"][1]["x2"] == 300.0
    assert row["ui_procedure"] and row["method"] == "list" and row["goal"] == "To rename a project"


def test_grounded_steps_become_instructions_and_the_rest_skipped_rows(source):
    mined = mine_howto(source["captures"], source["screenshots"], source["elements"], HowtoParams())
    Instructions.validate(mined.instructions)
    rows = mined.instructions.sort("instruction").to_dicts()
    assert [(r["instruction"], r["action_type"], r["label"], r["perspective"]) for r in rows] == [
        ("Choose File - Rename.", "click", "File", "howto"),
        ("Click Cancel.", "click", "Cancel", "howto"),
        ("In the Name box, type Alpha.", "type", "Name", "howto"),
    ]
    args = json.loads(rows[2]["action_args"])
    assert args["value"] == "Alpha" and args["step"] == 1 and args["howto_id"] == mined.howto["howto_id"][0]
    assert sorted(mined.skipped["reason"]) == [
        "absent: how-to step 5: 'Publish' on no screen of the source",
        "ambiguous: how-to step 4: 'Delete' on several elements",
    ]
    books = {b["table"]: b for b in mined.books}
    assert books["instructions.howto"] == {
        "table": "instructions.howto",
        "rows_in": 5,
        "rows_out": 3,
        "skipped": 2,
    }
    assert books["howto_pages"]["rows_out"] == 1 and books["howto_pages"]["skipped"] == 1


def test_rejected_procedures_are_skipped_with_their_reason(source):
    captures = source["captures"].with_columns(pl.lit(PROCEDURE).alias("html"))
    mined = mine_howto(captures, source["screenshots"], source["elements"], HowtoParams(max_steps=5))
    assert mined.howto.is_empty() and mined.instructions.is_empty()
    assert mined.skipped["reason"].to_list() == ["many_steps: 6 > 5"] * 2
    assert mined.skipped["table"].to_list() == ["howto"] * 2
    assert {b["table"]: b["skipped"] for b in mined.books}["howto"] == 2


def test_the_annotate_stage_adds_howto_instructions_and_its_ledger_balances(source):
    out = annotate_stage(source, "t", TemplateAnnotator(AnnotateParams()), 0, HowtoParams())
    assert out.tables["instructions"].filter(pl.col("perspective") == "howto").height == 3
    assert out.tables["howto"].height == 1
    assert not out.ledger("annotate", "t").is_empty()
    assert ledger([{"stage": "annotate", "source_id": "t", **b} for b in out.books]).height == len(out.books)


def test_the_contract_checks_the_step_structure(source):
    mined = mine_howto(source["captures"], source["screenshots"], source["elements"], HowtoParams())

    def with_step(change: dict) -> pl.DataFrame:
        row = mined.howto.to_dicts()[0]
        row["typed_steps"][0] |= change
        return TABLES["howto"].frame([row])

    for change in (
        {"action": "wave"},
        {"target_span": [0, 500]},
        {"x1": None},
        {"grounding": "grounded", "element_id": None},
    ):
        with pytest.raises(pandera.errors.SchemaError):
            Howto.validate(with_step(change))
    row = mined.howto.to_dicts()[0]
    row["steps"] = row["steps"][::-1]
    with pytest.raises(pandera.errors.SchemaError):
        Howto.validate(TABLES["howto"].frame([row]))


def test_a_lower_case_description_is_not_looked_for(source):
    html = (
        "<h2>To tidy a project</h2><ol><li>Open the settings page.</li><li>Click <b>Cancel</b>.</li>"
        "<li>Click <b>File</b>.</li><li>Press Enter.</li></ol>"
    )
    captures = source["captures"].with_columns(
        pl.when(pl.col("page_path") == "help.html").then(pl.lit(html)).otherwise(pl.col("html")).alias("html")
    )
    extra = el(
        9, "a", "link", text="settings page", box=(10, 200, 90, 220), screenshot=APP_SHOT, capture_id=APP
    )
    elements = pl.concat([source["elements"], TABLES["elements"].frame([extra])])
    mined = mine_howto(captures, source["screenshots"], elements, HowtoParams())
    (row,) = mined.howto.iter_rows(named=True)
    assert [s["grounding"] for s in row["typed_steps"]] == ["no_target", "grounded", "grounded", "no_target"]


def test_a_step_that_names_the_kind_of_control_grounds_only_on_that_kind(source):
    html = (
        "<h2>To tidy a project</h2><ol><li>Click the <b>Settings</b> button.</li><li>Click the "
        "<b>Settings</b> link."
        "</li><li>Click <b>Cancel</b>.</li><li>Click <b>File</b>.</li></ol>"
    )
    captures = source["captures"].with_columns(
        pl.when(pl.col("page_path") == "help.html").then(pl.lit(html)).otherwise(pl.col("html")).alias("html")
    )
    mined = mine_howto(captures, source["screenshots"], source["elements"], HowtoParams())
    (row,) = mined.howto.iter_rows(named=True)
    assert [s["grounding"] for s in row["typed_steps"]] == ["absent", "grounded", "grounded", "grounded"]


def test_exact_and_near_dedup_keep_working_on_typed_procedures(source):
    from schemas.config import MinHashParams
    from transforms.curate.dedup import dedup_exact
    from transforms.curate.near_dup import dedup_howto
    from transforms.curate.stage import EXACT_KEYS

    other = "c" * 32  # the same help page captured again (another device): same goal and steps
    captures = pl.concat(
        [
            source["captures"],
            source["captures"]
            .filter(page_path="help.html")
            .with_columns(capture_id=pl.lit(other), page_path=pl.lit("help-again.html")),
        ]
    )
    howto = mine_howto(captures, source["screenshots"], source["elements"], HowtoParams()).howto
    assert howto.height == 2 and howto["howto_id"].n_unique() == 2
    key, order = EXACT_KEYS["howto"]
    kept, dupes = dedup_exact(howto, key, "howto_id", "howto", order)
    assert kept.height == 1 and dupes.height == 1 and kept.schema == howto.schema
    kept, dupes = dedup_howto(howto, MinHashParams(threshold=0.6))
    assert kept.height == 1 and dupes["key"][0].startswith("near")
