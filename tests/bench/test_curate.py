from __future__ import annotations

import sys

import pytest

from tests.bench.conftest import REPO, number

sys.path.insert(0, str(REPO / "bench"))

from synthetic import conform, generate  # noqa: E402

from schemas import registry  # noqa: E402
from schemas.capture import Elements  # noqa: E402
from schemas.datasets import Grounding  # noqa: E402

SMALL = ["--rows", "20000", "--big", "40000", "--chunk", "20000", "--texts", "2000"]
SMALL += ["--baseline-texts", "500", "--images", "4"]


def test_synthetic_tables_meet_their_contracts():
    data = generate(2000, seed=4)
    Grounding.validate(data["grounding"])
    Elements.validate(data["elements"])
    assert data["grounding"].schema == registry.schema("grounding")
    assert set(data["planted"]["kind"]) == {"exact", "near"}


def test_a_required_column_synthetic_does_not_make_stops_generation():
    with pytest.raises(ValueError, match="requires column 'grounding_id'"):
        conform(generate(200)["grounding"].drop("grounding_id"), "grounding")


def test_small_run_curates_and_finds_the_planted_duplicates(bench):
    done = bench("curate.py", *SMALL)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    kept, rows_in = number(r"kept ([\d,]+) of", out), number(r"kept [\d,]+ of ([\d,]+)", out)
    assert 0.8 * rows_in < kept < rows_in  # about 15 % planted copies go, nothing else
    assert number(r"quarantined ([\d,]+);", out) == 0
    assert number(r"planted near duplicates found ([\d,]+) of", out) == number(
        r"planted near duplicates found [\d,]+ of ([\d,]+)", out
    )
    assert number(r"rows in [\d,]+: kept ([\d,]+)", out) > 0  # the streamed part
    assert number(r"texts/s .*recall ([\d.]+)", out) >= 0.95
    assert "hashes identical to imagehash's 4/4: ok" in out
    assert "not judged (stated for 1M rows)" in out


def test_rows_behind_the_contract_make_the_run_fail(bench):
    # The bug this benchmark once hid: rows lacking a contract column are all quarantined.
    done = bench(
        "curate.py",
        "--rows",
        "5000",
        "--big",
        "0",
        "--texts",
        "200",
        "--images",
        "2",
        "--omit-column",
        "origin",
    )
    assert done.returncode == 1
    assert "rows kept 0 > 0: FAIL" in done.stdout
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("FAIL: rows kept 0 > 0; quarantined 100.00% of rows")
