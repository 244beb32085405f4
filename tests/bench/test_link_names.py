"""bench/link_names.py on a capture folder written by hand: it counts names not as drawn, and FAILs on
pages without a link-purpose phrase."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from schemas.registry import schema
from tests.bench.conftest import number
from tests.transforms.elements import el, frames


def _capture(folder: Path, *rows: dict) -> Path:
    elements, screenshots = frames(*rows)
    capture = {c: None for c in schema("captures")}
    capture |= {"capture_id": "c" * 32, "source_id": "t", "page_path": "a.html", "platform": "web"}
    folder.mkdir()
    pl.DataFrame([capture | {"status": "ok"}], schema=schema("captures")).write_parquet(
        folder / "captures.parquet"
    )
    screenshots.with_columns(part_index=pl.lit(0)).write_parquet(folder / "screenshots.parquet")
    elements.write_parquet(folder / "elements.parquet")
    return folder


def test_names_are_counted_as_drawn_and_pages_without_links_fail(bench, tmp_path):
    folder = _capture(
        tmp_path / "links",
        el(1, "a", "link", text="q&more Artikel", href="/q-more-artikel/", box=(10, 10, 200, 30)),
        el(2, "a", "link", text="Bundesliga", href="/fussball.html", box=(10, 100, 200, 120)),
    )
    done = bench("link_names.py", "--capture", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert number(r"link-purpose phrases: (\d+)", done.stdout) == 4  # a function and a goal each
    assert number(r"name not as drawn: (\d+)", done.stdout) == 0
    empty = _capture(tmp_path / "none", el(1, "button", "button", text="Save"))
    done = bench("link_names.py", "--capture", str(empty))
    assert done.returncode == 1 and "FAIL: link-purpose phrases found" in done.stderr
