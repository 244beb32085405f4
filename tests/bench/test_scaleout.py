from __future__ import annotations

from pathlib import Path


# The full comparison (two capture runs, a Dask cluster, a Prefect server) is not run here: it takes
# minutes on the shared machine; its numbers are in docs/benchmarks.md.
def test_a_folder_without_pages_fails_before_anything_starts(bench, tmp_path: Path):
    (tmp_path / "notes.txt").write_text("no page here")
    done = bench("scaleout.py", str(tmp_path))
    assert done.returncode == 1
    assert "FAIL:" in done.stderr and "saved pages in" in done.stderr
