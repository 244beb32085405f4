"""Curation: contracts and cross-table checks quarantine with reasons, every row is accounted for, exact
and near duplicates are removed with what they duplicate, output is deterministic, difficulty is ordered."""

from __future__ import annotations

import io
import math
import random

import numpy as np
import polars as pl
import pytest

from schemas.bookkeeping import Ledger
from schemas.config import CurateParams, DifficultyParams
from schemas.datasets import Grounding
from tests.transforms.elements import annotated, el, frames, png, source_tables
from transforms.curate.dedup import dedup_exact, normalised_text
from transforms.curate.difficulty import factors, grade_difficulty, score
from transforms.curate.phash import phashes
from transforms.curate.stage import TABLES, curate_stage
from transforms.curate.validate import split_valid
from transforms.ledger import ledger

NAV = [
    el(1, "button", "button", text="Save", box=(10, 10, 110, 50)),
    el(2, "a", "link", text="Help", box=(200, 10, 260, 30)),
    el(3, "a", "link", text="Docs", box=(300, 10, 360, 30)),
    el(4, "a", "link", text="Blog", box=(400, 10, 460, 30)),
]


def grounding_rows() -> pl.DataFrame:
    return annotated(*NAV).grounding.filter(pl.col("perspective") == "text").sort("label")


def balanced(books: list[dict]) -> bool:
    return all(
        b["rows_in"] == b["rows_out"] + b["quarantined"] + b["deduplicated"] + b["rejected"] for b in books
    )


def test_rows_failing_the_contract_are_quarantined_with_the_failed_check_and_value():
    rows = grounding_rows()  # Blog, Docs, Help, Save
    broken = rows.with_columns(
        x2=pl.when(pl.col("label") == "Blog").then(pl.lit(-5.0)).otherwise(pl.col("x2")),  # box inverted
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


def small_source() -> dict[str, pl.DataFrame]:
    return source_tables(
        {
            "a" * 32: (png(fills=[((10, 10, 110, 50), (37, 99, 235))]), NAV),
            "b" * 32: (
                png(fills=[((500, 500, 700, 600), (22, 163, 74))]),
                [el(9, "a", "link", text="Pricing", box=(500, 500, 700, 600))],
            ),
        },
        refusals=1,
    )


def test_cross_table_and_content_hash_checks_quarantine_with_their_reason():
    tables = small_source()
    g = tables["grounding"]
    first, second, third, fourth = g["grounding_id"][:4]
    tables["grounding"] = g.with_columns(
        grounding_id=pl.when(pl.col("grounding_id") == first)
        .then(pl.lit("0" * 32))
        .otherwise("grounding_id"),
        screenshot_id=pl.when(pl.col("grounding_id") == second)
        .then(pl.lit("f" * 64))
        .otherwise("screenshot_id"),
        image_width=pl.when(pl.col("grounding_id") == third)
        .then(pl.lit(999, pl.Int32))
        .otherwise("image_width"),
    )
    tables["grounding"] = tables["grounding"].with_columns(  # keep its id right, so only the element is wrong
        element_id=pl.when(pl.col("grounding_id") == fourth).then(pl.lit("e" * 32)).otherwise("element_id")
    )
    shots = tables["screenshots"]
    tables["screenshots"] = pl.concat(
        [shots, shots.head(1).with_columns(screenshot_id=pl.lit("c" * 64), capture_id=pl.lit("c" * 32))]
    )
    curated = curate_stage(tables, "t", CurateParams())
    q = curated.tables["quarantine"]
    checks = dict(q.select("row_id", "check").iter_rows())
    assert checks["0" * 32] == "id_is_content_hash"
    assert checks["c" * 32] == "id_is_content_hash"  # a screenshot whose id is not its sha256
    assert checks[third] == "id_is_content_hash" or checks[third] == "image_size_matches"
    assert checks[fourth] == "id_is_content_hash"  # the id no longer matches the changed element
    assert checks[second] == "id_is_content_hash"
    assert balanced(curated.books)


def test_references_are_checked_when_ids_are_right():
    from transforms.ids import content_ids

    tables = small_source()
    g = tables["grounding"].with_row_index("_i")
    g = g.with_columns(
        screenshot_id=pl.when(pl.col("_i") == 0).then(pl.lit("f" * 64)).otherwise("screenshot_id"),
        element_id=pl.when(pl.col("_i") == 1).then(pl.lit("e" * 32)).otherwise("element_id"),
        image_width=pl.when(pl.col("_i") == 2).then(pl.lit(999, pl.Int32)).otherwise("image_width"),
    ).drop("_i")
    tables["grounding"] = g.with_columns(content_ids(g, "grounding"))  # ids re-made: they are right
    e = tables["elements"].with_row_index("_i")
    e = e.with_columns(x2=pl.when(pl.col("_i") == 0).then(pl.lit(5000.0)).otherwise("x2")).drop("_i")
    tables["elements"] = e.with_columns(content_ids(e, "elements"))
    curated = curate_stage(tables, "t", CurateParams())
    reasons = dict(
        curated.tables["quarantine"]
        .filter(pl.col("table") != "instructions")
        .group_by("check")
        .len()
        .iter_rows()
    )
    assert reasons.pop("box_inside_screenshot") == 1
    # The grounding rows of the element that went are quarantined with it (element_exists), plus the three.
    assert (
        reasons["screenshot_exists"] == 1
        and reasons["image_size_matches"] == 1
        and reasons["element_exists"] >= 2
    )
    assert balanced(curated.books)


def test_an_unreadable_file_is_reported_and_the_rest_is_curated():
    tables = small_source()
    inputs = {**tables, "instructions": "data/interim/annotate/t/instructions.parquet: not a Parquet file"}
    curated = curate_stage(inputs, "t", CurateParams())
    row = curated.tables["quarantine"].filter(pl.col("check") == "file_readable").row(0, named=True)
    assert row["table"] == "instructions" and "instructions.parquet" in row["reason"]
    assert curated.tables["grounding"].height > 0 and curated.usable_rows > 0
    assert balanced(curated.books)
    nothing = curate_stage({t: "gone" for t in TABLES}, "t", CurateParams())
    assert nothing.usable_rows == 0


def test_curation_is_deterministic_in_any_row_order():
    tables = small_source()
    shuffled = {t: f.sample(fraction=1.0, shuffle=True, seed=7) for t, f in tables.items()}

    def bytes_of(curated) -> dict[str, bytes]:
        out = {}
        for name, frame in curated.tables.items():
            buffer = io.BytesIO()
            frame.write_parquet(buffer)
            out[name] = buffer.getvalue()
        return out

    assert bytes_of(curate_stage(tables, "t", CurateParams())) == bytes_of(
        curate_stage(shuffled, "t", CurateParams())
    )


def test_exact_duplicates_keep_the_first_row_and_record_what_they_duplicate():
    frame = pl.DataFrame(
        {
            "source_id": ["t"] * 4,
            "row": ["r1", "r2", "r3", "r4"],
            "text": ['Click the "Save" button', "click the save button.", "Open Help", "open  help"],
        }
    )
    kept, dupes = dedup_exact(frame, normalised_text("text"), "row", "instructions", ["row"])
    assert kept.get_column("row").to_list() == ["r1", "r3"]
    assert dict(dupes.select("row_id", "dedup_of").iter_rows()) == {"r2": "r1", "r4": "r3"}


def page_variant(seed: int, template: int, nudge: int = 0) -> bytes:
    """A page of a template (layout) with content varying by seed: a header and columns of text blocks;
    `nudge` widens one block by that many pixels (the same page, re-rendered slightly differently)."""
    rng = random.Random(seed)
    fills = [((0, 0, 1280, 80), (15, 23, 42) if template == 0 else (180, 30, 30))]
    for col in range(3 if template == 0 else 2):
        for row in range(6):
            x = 60 + col * (400 if template == 0 else 600)
            y = 120 + row * 100 + (0 if template == 0 else 40)
            w = rng.randint(200, 340) + (nudge if (col, row) == (0, 0) else 0)
            fills.append(((x, y, x + w, y + 40), (rng.randint(60, 120),) * 3))
    return png(fills=fills)


def test_near_duplicate_screenshots_cluster_and_their_rows_dedup_by_expression_and_box():
    same, nudged, other = page_variant(1, 0), page_variant(1, 0, nudge=6), page_variant(2, 1)
    assert same != nudged
    tables = source_tables(
        {
            "a" * 32: (same, NAV),
            "b" * 32: (nudged, NAV),
            "c" * 32: (other, [el(1, "button", "button", text="Save", box=(10, 10, 110, 50))]),
        }
    )
    curated = curate_stage(tables, "t", CurateParams())
    cluster = dict(curated.tables["screenshots"].select("capture_id", "cluster_id").iter_rows())
    assert cluster["a" * 32] == cluster["b" * 32] != cluster["c" * 32]
    dupes = curated.tables["duplicates"].filter(pl.col("table") == "grounding")
    assert dupes.height > 0 and dupes["key"].str.starts_with("near").all()
    kept = curated.tables["grounding"]
    assert kept.filter(pl.col("expression") == 'the "Save" button').height == 2  # once per cluster
    assert set(dupes["dedup_of"]) <= set(kept["grounding_id"])
    assert balanced(curated.books)


def test_carried_phashes_are_used_as_they_are_and_missing_ones_are_taken_from_the_png():
    pages = {f"{c}" * 32: (page_variant(n, n % 2), NAV) for n, c in enumerate("abc")}
    hashed = curate_stage(source_tables(pages), "t", CurateParams()).tables["screenshots"]
    assert hashed["phash"].to_numpy().view(np.uint64).tolist() == phashes(hashed["png"].to_list()).tolist()
    tables = source_tables(pages)
    first = tables["screenshots"]["screenshot_id"][0]
    tables["screenshots"] = tables["screenshots"].with_columns(
        phash=pl.when(pl.col("screenshot_id") == first).then(pl.lit(7, dtype=pl.Int64)).otherwise(None)
    )
    carried = curate_stage(tables, "t", CurateParams()).tables["screenshots"]
    expected = dict(hashed.select("screenshot_id", "phash").iter_rows()) | {first: 7}
    assert dict(carried.select("screenshot_id", "phash").iter_rows()) == expected  # 7: not decoded again
    tables["screenshots"] = tables["screenshots"].drop("phash")  # captured before capture took it
    older = curate_stage(tables, "t", CurateParams())
    assert older.tables["screenshots"].sort("screenshot_id").equals(hashed.sort("screenshot_id"))
    assert older.tables["quarantine"].is_empty()


def test_phash_is_identical_to_imagehash():
    imagehash = pytest.importorskip("imagehash")
    from PIL import Image

    images = [page_variant(s, s % 2) for s in range(6)]
    ours = phashes(images)
    theirs = [int(str(imagehash.phash(Image.open(io.BytesIO(p)))), 16) for p in images]
    assert [int(h) for h in ours] == theirs


def test_difficulty_grows_with_smaller_targets_crowds_icons_and_harder_perspectives():
    rows = (
        el(1, "button", "button", text="Big", box=(0, 0, 640, 400)),  # a quarter of the screen
        el(2, "button", "button", text="Small", box=(700, 500, 740, 520)),
        el(3, "button", "button", text="⚙", name="Settings", box=(800, 500, 840, 520)),  # same size, an icon
        el(4, "a", "link", text="Tiny", box=(1000, 100, 1010, 110)),
    )
    elements, shots = frames(*rows)
    grounding = annotated(*rows).grounding
    graded = grade_difficulty(grounding, elements, shots, DifficultyParams())
    text = graded.filter(pl.col("perspective") == "text")
    score_of = dict(text.select("label", "difficulty").iter_rows())
    # the icon's name is not on screen, so it has no text row (issue 14): its appearance row instead
    icon = graded.filter((pl.col("label") == "Settings") & (pl.col("perspective") == "appearance"))
    score_of["Settings"] = icon["difficulty"].item()
    assert score_of["Big"] < score_of["Small"] < score_of["Settings"] < score_of["Tiny"]
    assert dict(text.select("label", "tier").iter_rows())["Big"] == "easy"
    spatial = dict(
        graded.filter(pl.col("perspective") == "spatial").select("label", "difficulty").iter_rows()
    )
    assert spatial["Small"] > score_of["Small"]
    crowded = frames(
        *rows,
        *[
            el(10 + k, "button", "button", text=f"B{k}", box=(705 + 8 * k, 530, 712 + 8 * k, 540))
            for k in range(8)
        ],
    )
    recount = grade_difficulty(grounding, crowded[0], crowded[1], DifficultyParams())
    small = recount.filter((pl.col("label") == "Small") & (pl.col("perspective") == "text")).row(
        0, named=True
    )
    # Eight more buttons around it: a crowd, but none says "Small", so none is a distractor (difficulty v3:
    # a distractor is an element the instruction's words cannot tell from the target).
    assert small["clutter"] == 9 and small["distractors"] == 0 and small["difficulty"] > score_of["Small"]
    repeated = frames(*rows, el(20, "button", "button", text="small", box=(100, 700, 140, 720)))
    again = grade_difficulty(grounding, *repeated, DifficultyParams())
    twin = again.filter((pl.col("label") == "Small") & (pl.col("perspective") == "text")).row(0, named=True)
    assert twin["distractors"] == 1 and twin["clutter"] == small["clutter"] - 8
    assert twin["difficulty"] > score_of["Small"]


def test_calibration_small_targets_are_hard_and_a_large_screen_makes_them_harder():
    params = DifficultyParams()
    rows = pl.DataFrame(
        {
            "x1": [0.0] * 5,
            "y1": [0.0] * 5,
            "x2": [60.0, 500.0, 1200.0, 40.0, 30.0],
            "y2": [40.0, 60.0, 500.0, 30.0, 15.0],
            "image_width": [2560] * 3 + [1280] * 2,
            "image_height": [1440] * 3 + [800] * 2,
            "is_icon": [True, False, False, False, False],
        }
    )
    graded = score(factors(rows, params), params)
    # 0.07 % icon on 2560x1440: hard; 0.8 % and 16 % there: easy (a large screen alone is not hard);
    # 0.12 % text on 1280x800: medium; 0.044 % there (under 0.047 %, hard by area alone): hard.
    assert graded["tier"].to_list() == ["hard", "easy", "easy", "medium", "hard"]
    assert graded["difficulty"][3] < graded["difficulty"][0]
    decades = math.log10(params.area_easy / params.area_hard)
    alone = params.area_easy * 10 ** (-params.tier_hard / params.weight_area * decades)
    assert 0.0004 < alone < 0.0005  # the area under which a target is hard on any screen: 0.047 %


def test_the_ledger_refuses_rows_that_do_not_balance():
    good = ledger(
        [
            {
                "stage": "curate",
                "source_id": "t",
                "table": "g",
                "rows_in": 5,
                "rows_out": 3,
                "quarantined": 1,
                "deduplicated": 1,
            }
        ]
    )
    Ledger.validate(good, lazy=True)
    with pytest.raises(AssertionError, match="does not balance"):
        ledger([{"stage": "curate", "source_id": "t", "table": "g", "rows_in": 5, "rows_out": 3}])
