"""Curation: contract failures quarantined with reasons, exact duplicates recorded, difficulty ordered."""
from __future__ import annotations

import polars as pl

from schemas import Grounding, Ledger
from tests.transforms.elements import annotated, el, frames
from transforms.curate.dedup import dedup_exact, normalised_text
from transforms.curate.difficulty import DifficultyParams, grade_difficulty
from transforms.curate.validate import split_valid
from transforms.ledger import ledger


def grounding_rows() -> pl.DataFrame:
    out = annotated(el(1, "button", "button", text="Save", box=(10, 10, 110, 50)),
                    el(2, "a", "link", text="Help", box=(200, 10, 260, 30)),
                    el(3, "a", "link", text="Docs", box=(300, 10, 360, 30)),
                    el(4, "a", "link", text="Blog", box=(400, 10, 460, 30)))
    return out.grounding.filter(pl.col("perspective") == "text").sort("label")


def test_rows_failing_the_contract_are_quarantined_with_the_failed_check_and_value():
    rows = grounding_rows()  # Blog, Docs, Help, Save
    broken = rows.with_columns(
        x2=pl.when(pl.col("label") == "Blog").then(pl.lit(-5.0)).otherwise(pl.col("x2")),   # box inverted
        click_x=pl.when(pl.col("label") == "Docs").then(pl.lit(999.0)).otherwise(pl.col("click_x")),
        expression=pl.when(pl.col("label") == "Help").then(pl.lit("")).otherwise(pl.col("expression")),
    )
    valid, quarantine = split_valid(broken, Grounding, "grounding", "grounding_id", "t")
    assert valid.get_column("label").to_list() == ["Save"]
    assert len(valid) + quarantine.get_column("row_id").n_unique() == len(broken)
    checks = {(r["row_id"], r["check"]) for r in quarantine.iter_rows(named=True)}
    ids = dict(rows.select("label", "grounding_id").iter_rows())
    assert (ids["Blog"], "box_ordered") in checks
    assert (ids["Docs"], "click_inside_box") in checks
    help_row = quarantine.filter(pl.col("row_id") == ids["Help"]).row(0, named=True)
    assert help_row["column"] == "expression" and "str_length" in help_row["check"]
    assert all(quarantine.get_column("reason").str.starts_with("grounding: "))


def test_a_table_of_the_wrong_shape_is_quarantined_whole_with_the_reason():
    rows = grounding_rows().drop("is_icon").with_columns(pl.col("x1").cast(pl.String))
    valid, quarantine = split_valid(rows, Grounding, "grounding", "grounding_id", "t")
    assert valid.height == 0 and quarantine.height == rows.height
    reason = quarantine.get_column("reason")[0]
    assert "is_icon" in reason and "x1" in reason


def test_exact_duplicates_keep_the_first_row_and_record_what_they_duplicate():
    frame = pl.DataFrame({"source_id": ["t"] * 4, "row": ["r1", "r2", "r3", "r4"],
                          "text": ['Click the "Save" button', "click the save button.", "Open Help", "open  help"]})
    kept, dupes = dedup_exact(frame, normalised_text("text"), "row", "instructions", ["row"])
    assert kept.get_column("row").to_list() == ["r1", "r3"]
    assert dict(dupes.select("row_id", "dedup_of").iter_rows()) == {"r2": "r1", "r4": "r3"}
    assert dupes.get_column("table").unique().to_list() == ["instructions"]


def test_difficulty_grows_with_smaller_targets_distractors_and_icons():
    rows = (
        el(1, "button", "button", text="Big", box=(0, 0, 640, 400)),                 # a quarter of the screen
        el(2, "button", "button", text="Small", box=(0, 0, 40, 20)),
        el(3, "button", "button", text="⚙", name="Settings", box=(0, 0, 40, 20)),     # same size, an icon
        el(4, "a", "link", text="Tiny", box=(0, 0, 10, 10)),
    )
    elements, _ = frames(*rows)
    grounding = annotated(*rows).grounding.filter(pl.col("perspective") == "text")
    graded = grade_difficulty(grounding, elements, DifficultyParams())
    score = dict(graded.select("label", "difficulty").iter_rows())
    tier = dict(graded.select("label", "tier").iter_rows())
    assert score["Big"] < score["Small"] < score["Settings"]
    assert score["Tiny"] > score["Big"]   # smaller, though it has no look-alikes
    assert tier["Big"] == "easy"
    distractors = dict(graded.select("label", "distractors").iter_rows())
    assert distractors == {"Big": 2, "Small": 2, "Settings": 2, "Tiny": 0}
    assert graded.get_column("area_ratio").max() == 0.25


def test_the_ledger_refuses_rows_that_do_not_balance():
    good = ledger([{"stage": "curate", "source_id": "t", "table": "g", "rows_in": 5, "rows_out": 3,
                    "quarantined": 1, "deduplicated": 1}])
    Ledger.validate(good, lazy=True)
    try:
        ledger([{"stage": "curate", "source_id": "t", "table": "g", "rows_in": 5, "rows_out": 3}])
    except AssertionError as exc:
        assert "does not balance" in str(exc)
    else:
        raise AssertionError("an unbalanced ledger row was accepted")
