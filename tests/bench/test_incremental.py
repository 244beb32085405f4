from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench.conftest import REPO, number

SITE = REPO / "tests" / "fixtures" / "site"


# Three `groundmill run`s of one page each, each with its own Prefect server: 100-180 s on the shared
# 2-core machine, more than all the other bench tests together.
@pytest.mark.slow
def test_adding_a_source_publishes_it_and_leaves_the_other(bench):
    done = bench("incremental.py", "--sources", "1", "--pages", "1", str(SITE), timeout=420)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert number(r"ratio add / alone: ([\d.]+)", out) > 0
    assert number(r"published files: (\d+) added", out) > 0
    assert number(r"(\d+) of \d+ others changed", out) == 0
    assert "not judged (stated for 20 sources)" in out


def test_too_few_pages_for_two_sources_fails(bench, tmp_path: Path):
    done = bench("incremental.py", "--pages", "4", str(SITE))
    assert done.returncode == 1
    assert "FAIL:" in done.stderr and "at least 2 sources of 4" in done.stderr
