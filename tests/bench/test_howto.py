from __future__ import annotations

from pathlib import Path

from tests.bench.conftest import REPO, number

HOWTO = REPO / "tests" / "fixtures" / "howto"


def test_a_help_page_and_its_app_mined_checked_and_grounded(bench):
    done = bench(
        "howto.py",
        "--corpus",
        f"fixture={HOWTO}",
        "--capture",
        "2",
        "--checked",
        str(HOWTO / "checked.json"),
        timeout=180,
    )
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert number(r"fixture +2 +1 +([\d.]+)", out) == 50.0  # procedures per 100 pages
    assert number(r"fixture +2 +1 +[\d.]+ +([\d.]+)", out) == 5.0  # steps per procedure
    assert number(r"UI steps with a parsed action ([\d.]+) %", out) == 100.0
    assert "hand-checked: 1 procedures, right 1, wrong 0, changed since checked 0" in out
    assert "not judged (stated for 50 checked procedures)" in out
    assert number(r"grounding on (\d+) captured pages", out) == 2
    assert number(r"grounded (\d+) \(", out) == 3  # File, Name, Save; Delete is ambiguous, Publish absent
    assert number(r"ambiguous (\d+)", out) == 1


def test_a_folder_without_procedures_fails(bench, tmp_path: Path):
    (tmp_path / "page.html").write_text("<h1>News</h1><p>Nothing to do here.</p>")
    done = bench("howto.py", "--corpus", f"empty={tmp_path}", "--capture", "0", "--checked", "none")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("FAIL: empty: procedures found: 0 > 0")
