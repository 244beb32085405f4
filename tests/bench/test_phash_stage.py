"""bench/phash_stage.py, run in this process (its imports are the suite's own: no interpreter to start)."""

from __future__ import annotations

import sys

import pytest

from tests.bench.conftest import REPO, number

sys.path.insert(0, str(REPO / "bench"))

import phash_stage  # noqa: E402


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["phash_stage.py", *args])
    code = phash_stage.main()
    out = capsys.readouterr()
    return code, out.out, out.err


def test_carried_phashes_make_the_stage_faster_and_equal_to_curates_own(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "--screenshots", "6", "--rounds", "1", "--workers", "1")
    assert code == 0, out + err
    assert "carried hashes and clusters identical to curate's own (decoding the PNGs): ok" in out
    assert number(r"HEADLINE pHash stage, carried / decoding, 1 thread\(s\) both: ([\d.]+)x", out) > 1


def test_a_run_that_hashed_nothing_fails(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "--screenshots", "0", "--rounds", "1")
    assert code == 1
    assert "FAIL: screenshots hashed: 0 of 0 > 0" in err
