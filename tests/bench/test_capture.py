from __future__ import annotations

from pathlib import Path

from tests.bench.conftest import REPO, number

SITE = REPO / "tests" / "fixtures" / "site"


def test_three_pages_captured_by_groundmill_and_both_baselines(bench):
    done = bench("capture.py", str(SITE), "--pages", "3", "--unreachable", "refuse", timeout=120)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    for name in (
        "groundmill capture",
        r"\(a\) chromium --screenshot loop",
        r"\(b\) playwright, fresh browser",
    ):
        assert number(rf"{name} +(\d+) ", out) == 3
    assert number(r"groundmill capture +\d+ +[\d.]+ +[\d.]+ +(\d+)", out) > 0  # elements/s
    assert "not judged (stated for 12 pages)" in out


def test_a_folder_without_pages_fails(bench, tmp_path: Path):
    done = bench("capture.py", str(tmp_path), "--unreachable", "refuse")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("FAIL: pages found in")
