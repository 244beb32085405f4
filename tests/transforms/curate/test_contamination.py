"""Benchmark contamination: a benchmark and a training source that share screens and instructions; the
shared rows are found with the benchmark row they match, withheld from the export, the others kept, and
the benchmark's rows exported to test only."""

from __future__ import annotations

import io

import numpy as np
import polars as pl
import pytest
from PIL import Image

from schemas.bookkeeping import Contaminated
from schemas.config import ExportParams, NearDupParams
from schemas.registry import TABLES
from transforms.curate.contamination import checked_rows, contamination, screen_matches
from transforms.curate.phash import hamming, phashes
from transforms.ids import sha256_hex
from transforms.ledger import ledger
from transforms.publish.stage import count_contaminated
from transforms.publish.withhold import export_rows, withheld_text


def picture(seed: int, nudge: int = 0) -> bytes:
    """A small PNG of random grey blocks (pHashes of two seeds lie far apart); `nudge` inverts a corner
    of that many pixels, so the bytes differ and the pHash stays near (12: 2 bits)."""
    rng = np.random.default_rng(seed)
    grey = np.kron(rng.integers(0, 256, (6, 8)), np.ones((16, 16))).astype(np.uint8)
    grey[:nudge, :nudge] = 255 - grey[:nudge, :nudge]
    out = io.BytesIO()
    Image.fromarray(grey, "L").save(out, "PNG")
    return out.getvalue()


BENCH_A, BENCH_B = picture(1), picture(2)
NEAR_B, OTHER = picture(2, nudge=12), picture(3)
SHOT = {name: sha256_hex(png) for name, png in [("a", BENCH_A), ("b", BENCH_B), ("b2", NEAR_B), ("c", OTHER)]}


def _screens() -> pl.DataFrame:
    pngs = {"a": BENCH_A, "b": BENCH_B, "b2": NEAR_B, "c": OTHER}
    rows = [("bench", "a"), ("bench", "b"), ("train", "a"), ("train", "b2"), ("train", "c")]
    hashes = phashes([pngs[s] for _, s in rows], workers=1).view(np.int64)
    return pl.DataFrame(
        {"source_id": [r[0] for r in rows], "screenshot_id": [SHOT[s] for _, s in rows], "phash": hashes}
    )


# (source, id, screen, text): the benchmark's rows, then the training source's
GROUNDING = [
    ("bench", "gb1", "a", "click the blue banner"),
    ("bench", "gb2", "b", "open the settings menu"),
    ("train", "g1", "a", "click the blue banner"),  # same screen, same words
    ("train", "g2", "a", "the help link"),  # same screen, other words
    ("train", "g3", "b2", "open the settings menu now"),  # near screen, near words (J = 0.75)
    ("train", "g4", "b2", "scroll to the footer"),  # near screen, other words
    ("train", "g5", "c", "click the blue banner"),  # same words on another screen: clean
    ("train", "g6", "c", "the search box"),  # clean
]
EXPECTED = {
    "g1": ("near_instruction", "grounding", "gb1"),
    "g2": ("same_bytes", "screenshots", SHOT["a"]),
    "g3": ("near_instruction", "grounding", "gb2"),
    "g4": ("near_screen", "screenshots", SHOT["b"]),
}


def _tables() -> dict[str, pl.DataFrame]:
    grounding = pl.DataFrame(
        [
            {"source_id": s, "grounding_id": i, "screenshot_id": SHOT[k], "expression": t}
            for s, i, k, t in GROUNDING
        ]
    )
    instructions = pl.DataFrame(
        [
            {
                "source_id": "train",
                "instruction_id": "i1",
                "screenshot_id": SHOT["a"],
                "instruction": "Click the blue banner.",
            }
        ]
    )
    howto = pl.DataFrame(
        [
            {"source_id": "train", "howto_id": "h1", "screenshot_id": SHOT["c"]},
            {"source_id": "train", "howto_id": "h2", "screenshot_id": None},
        ],
        schema={"source_id": pl.String, "howto_id": pl.String, "screenshot_id": pl.String},
    )
    return {"screenshots": _screens(), "grounding": grounding, "instructions": instructions, "howto": howto}


@pytest.fixture(scope="module")
def found() -> pl.DataFrame:
    return contamination(checked_rows(_tables()), _screens(), {"bench"}, NearDupParams())


def test_the_pictures_are_what_the_checks_need():
    ha, hb, hb2, hc = phashes([BENCH_A, BENCH_B, NEAR_B, OTHER], workers=1)
    assert SHOT["b"] != SHOT["b2"] and hamming(hb, hb2) <= NearDupParams().phash_radius
    far = [hamming(x, y) for x, y in [(ha, hb), (ha, hc), (hb, hc)]]
    assert min(far) > NearDupParams().phash_radius, far


def test_shared_screens_and_instructions_are_found_with_the_benchmark_row_they_match(found):
    Contaminated.validate(found)
    grounding = found.filter(pl.col("table") == "grounding")
    got = {
        r["row_id"]: (r["match"], r["benchmark_table"], r["benchmark_row_id"])
        for r in grounding.iter_rows(named=True)
    }
    assert got == EXPECTED  # g5 (the benchmark's words on another screen) and g6 are clean
    assert set(grounding["benchmark_source_id"]) == {"bench"}
    g3 = grounding.filter(pl.col("row_id") == "g3").row(0, named=True)
    assert g3["text_similarity"] == pytest.approx(0.75) and g3["phash_distance"] > 0
    assert grounding.filter(pl.col("row_id") == "g1")["text_similarity"].item() == 1.0
    # punctuation and case do not hide a same instruction; a screenshot row is flagged by its bytes
    (instruction,) = found.filter(pl.col("table") == "instructions").iter_rows(named=True)
    assert (instruction["match"], instruction["benchmark_row_id"]) == ("near_instruction", "gb1")
    screens = found.filter(pl.col("table") == "screenshots").select("row_id", "match").sort("match").rows()
    assert screens == [(SHOT["b2"], "near_screen"), (SHOT["a"], "same_bytes")]
    assert found.filter(pl.col("table") == "howto").is_empty()  # on a clean screen, or on none
    assert set(found["source_id"]) == {"train"}  # the benchmark is not checked against itself


def test_without_a_benchmark_nothing_is_contaminated_and_the_radius_decides_near_screens():
    tables = _tables()
    assert contamination(checked_rows(tables), _screens(), set(), NearDupParams()).is_empty()
    exact = screen_matches(_screens(), {"bench"}, radius=0)
    assert exact.select("screenshot_id", "phash_distance").rows() == [(SHOT["a"], 0)]


def test_the_ledger_counts_contaminated_rows_among_those_published(found):
    books = ledger(
        [
            {"stage": s, "source_id": "train", "table": "grounding", "rows_in": 6, "rows_out": 6}
            for s in ("curate", "publish")
        ]
    )
    counted = count_contaminated(books.drop("contaminated"), found.filter(pl.col("source_id") == "train"))
    assert counted.select("stage", "contaminated").rows() == [("curate", 0), ("publish", 4)]
    assert counted.schema == TABLES["ledger"].schema


def _published() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Grounding rows and screenshots in the published shape (boxes and sizes made up)."""
    box = {"x1": 1.0, "y1": 1.0, "x2": 11.0, "y2": 11.0, "click_x": 6.0, "click_y": 6.0}
    rows = [
        {
            "grounding_id": i,
            "source_id": s,
            "screenshot_id": SHOT[k],
            "expression": t,
            "perspective": "imported",
            "gt_type": "positive",
            **box,
        }
        for s, i, k, t in GROUNDING
    ]
    grounding = TABLES["graded_grounding"].conform(pl.DataFrame(rows))
    shots = _screens().with_columns(
        platform=pl.lit("web"), cluster_id=pl.col("screenshot_id"), width=128, height=96, png=pl.lit(b"")
    )
    return grounding.with_columns(image_width=128, image_height=96), shots


def test_the_export_withholds_the_shared_rows_keeps_the_others_and_puts_the_benchmark_in_test(found):
    grounding, shots = _published()
    rows, record = export_rows(grounding, shots, "grounding", ExportParams(), {"bench"}, found)
    split = dict(rows.select("id", "split").iter_rows())
    assert set(split) == {"gb1", "gb2", "g5", "g6"}  # g1..g4 withheld
    assert split["gb1"] == split["gb2"] == "test"
    assert record["withheld"] == 4 and record["benchmark_rows_test_only"] == {"bench": 2}
    assert record["withheld_by_match"] == {"near_instruction": 2, "same_bytes": 1, "near_screen": 1}
    assert "withheld 4 row(s)" in withheld_text(record)
    # named alone, the benchmark is exported whole, as test
    alone, record = export_rows(
        grounding.filter(pl.col("source_id") == "bench"), shots, "grounding", ExportParams(), {"bench"}, found
    )
    assert set(alone["split"]) == {"test"} and alone.height == 2 and record["withheld"] == 0
    # with no benchmark declared, every row is exported, split by cluster as before
    every, _ = export_rows(grounding, shots, "grounding", ExportParams(), set(), found.clear())
    assert every.height == len(GROUNDING)
