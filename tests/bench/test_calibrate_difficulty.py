"""bench/calibrate_difficulty.py judges ScreenSpot-Pro, ScreenSpot-v2 and web rows against their targets,
reports the baseline grounder per tier, and fails on a missed target or on no rows."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from tests.bench.conftest import REPO, number
from tests.transforms.elements import annotated, el, frames

BUNDLED = REPO / "tests" / "fixtures" / "formats"
WEB_TABLES = ("grounding", "elements", "screenshots")


def web_cache(tmp_path: Path) -> Path:
    """Web tables as the bench caches them after its `groundmill run`, here annotated from hand-made
    elements (a real run of 60 pages takes minutes): links, a repeated label, an icon."""
    rows = (
        el(1, "a", "link", text="Home", box=(20, 10, 80, 30)),
        el(2, "a", "link", text="Pricing", box=(100, 10, 170, 30)),
        el(3, "a", "link", text="Read more", box=(20, 200, 110, 220)),
        el(4, "a", "link", text="Read more", box=(20, 400, 110, 420)),
        el(5, "button", "button", text="Subscribe to the newsletter", box=(400, 300, 800, 380)),
        el(6, "button", "button", text="", name="", aria_label="Search", box=(1240, 10, 1264, 34)),
    )
    elements, screenshots = frames(*rows)
    tables = {"grounding": annotated(*rows).grounding, "elements": elements, "screenshots": screenshots}
    cache = tmp_path / "cache"
    cache.mkdir()
    for table in WEB_TABLES:
        tables[table].write_parquet(cache / f"{table}.parquet")
    return cache


def test_three_datasets_are_scored_against_their_targets_with_the_baseline_per_tier(bench, tmp_path):
    cache = web_cache(tmp_path)
    done = bench("calibrate_difficulty.py", "--formats", str(BUNDLED), "--cache", str(cache))
    out = done.stdout
    positive = pl.read_parquet(cache / "grounding.parquet").filter(pl.col("x1").is_not_null()).height
    assert number(r"ScreenSpot-Pro\s+(\d+)", out) == 1581  # bench/data/screenspot_pro_geometry.json
    assert number(r"ScreenSpot-v2\s+(\d+)", out) == 24
    assert number(r"web 1280x800\s+(\d+)", out) == positive > 0
    # The Pro geometry is fixed data: its target is met whatever the site's rows give.
    assert number(r"ScreenSpot-Pro\s+\d+\s+[\d.]+%\s+[\d.]+%\s+([\d.]+)%", out) >= 80
    assert "ScreenSpot-Pro hard >= 80%: ok" in out
    for tier in ("easy", "medium", "hard"):
        assert f"{tier} " in out.split("baseline grounder accuracy on web rows:")[1].splitlines()[0]
    assert "Qwen2.5-VL-7B accuracy on ScreenSpot-Pro rows" in out
    assert done.returncode == (1 if ": FAIL" in out else 0), out + done.stderr


def test_a_missed_target_fails(bench, tmp_path):
    # ScreenSpot-v2's made-up rows given as ScreenSpot-Pro: mostly large targets, far from 80 % hard.
    cache = web_cache(tmp_path)
    done = bench(
        "calibrate_difficulty.py", "--formats", str(BUNDLED), "--pro", str(BUNDLED), "--cache", str(cache)
    )
    assert done.returncode == 1
    assert "ScreenSpot-Pro hard >= 80%: FAIL" in done.stdout
    assert "ScreenSpot-Pro hard >= 80%" in done.stderr.strip().splitlines()[-1]


def test_no_rows_fails(bench, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "screenspot_none_v2_convert.json").write_text(json.dumps([]))
    args = ["--formats", str(empty), "--pro", str(empty), "--web", str(empty), "--cache", str(tmp_path / "c")]
    done = bench("calibrate_difficulty.py", *args)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("FAIL: ") and "ScreenSpot-Pro rows scored: 0 > 0" in last
    assert "ScreenSpot-v2 rows scored: 0 > 0" in last and "web 1280x800 rows scored: 0 > 0" in last
