from __future__ import annotations

from tests.bench.conftest import number


def test_a_small_warc_and_sitemap_are_read_by_groundmill_and_the_baseline(bench):
    done = bench("sources.py", "--responses", "120", "--body-kb", "4", "--urls", "2000", "--shards", "2")
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert number(r"listed every archived page \((\d+)\): ok", out) == 120
    assert number(r"kept every distinct URL once \(([\d,]+)\): ok", out) == 1900
    assert number(r"WARC +seconds +peak MiB\n +baseline +([\d.]+)", out) > 0
    assert "both readers keep the same URLs in the same order: ok" in out


def test_a_run_that_finds_nothing_fails(bench):
    done = bench("sources.py", "--responses", "0", "--urls", "0")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("FAIL: groundmill listed every archived page (0)")
