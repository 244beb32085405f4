from __future__ import annotations

import shutil
from pathlib import Path

from tests.bench.conftest import REPO, number

SITE = REPO / "tests" / "fixtures" / "site"


def test_captured_pages_calibrate_a_radius(bench, tmp_path: Path):
    done = bench("calibrate_phash.py", "--processed", str(tmp_path), "--html", str(SITE), timeout=90)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert number(r"(\d+) screenshots", out) == 3
    assert number(r"(\d+) re-renders", out) == 9
    assert number(r"(\d+) pairs of different pages", out) == 3
    assert "a radius separates re-renders from different pages: ok" in out


def test_one_page_is_nothing_to_calibrate(bench, tmp_path: Path):
    (tmp_path / "html").mkdir()
    shutil.copy(SITE / "form.html", tmp_path / "html" / "form.html")
    done = bench("calibrate_phash.py", "--processed", str(tmp_path), "--html", str(tmp_path / "html"))
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == "FAIL: screenshots to calibrate on 0 >= 2"
