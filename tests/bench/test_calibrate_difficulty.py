from __future__ import annotations

import json
from pathlib import Path

from tests.bench.conftest import REPO, number

BUNDLED = REPO / "tests" / "fixtures" / "formats"


def test_bundled_rows_are_scored_into_tiers(bench):
    done = bench("calibrate_difficulty.py", "--formats", str(BUNDLED))
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert number(r"(\d+) rows", out) == 24
    assert number(r"easy or medium ([\d.]+)%", out) > 50
    tiny = number(r"under 0.1% of the screen: (\d+)", out)
    assert tiny > 0 and number(r"scored hard: (\d+)", out) == tiny


def test_no_rows_fails(bench, tmp_path: Path):
    done = bench("calibrate_difficulty.py", "--formats", str(tmp_path))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == f"FAIL: rows in {tmp_path}"


def test_a_tiny_target_scored_easy_fails(bench, tmp_path: Path):
    # Only small targets on a small screen: they cannot be mostly easy or medium.
    rows = json.loads((BUNDLED / "screenspot_example_v2_convert.json").read_text())
    tiny = [r for r in rows if r["ui_type"] == "icon"]
    (tmp_path / "screenspot_tiny_v2_convert.json").write_text(json.dumps(tiny))
    done = bench("calibrate_difficulty.py", "--formats", str(tmp_path))
    assert done.returncode == 1
    assert "easy or medium 0.0% > 50%: FAIL" in done.stdout
