"""`groundmill export` and `groundmill gallery` on the session's published run (flows/cli_export.py)."""

from __future__ import annotations

import shutil

import polars as pl

from tests.conftest import groundmill, refused_in_one_line


def test_gallery_writes_the_published_screenshots_with_their_boxes(ran):
    root, _ = ran
    done = groundmill(root, "gallery", "--per-source", "2")
    page = root / "data" / "reports" / "gallery" / "index.html"
    assert "gallery: 4 screenshots with their boxes" in done.stdout and str(page) in done.stdout
    html = page.read_text()
    assert html.count('<section class="shot"') == 4 and html.count('class="target"') > 0
    assert "http://" not in html and "https://" not in html
    assert len(list(page.parent.glob("img/*.png"))) == 4


def test_an_export_applies_the_mix_and_says_what_it_left_out(ran, tmp_path):
    root, _ = ran
    copy = tmp_path / "project"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".prefect", "reports", "exports"))
    params = copy / "params.yaml"
    params.write_text(params.read_text().replace("per_screenshot: null", "per_screenshot: 5"))
    done = groundmill(copy, "export", "chat")
    per_screen = pl.read_parquet(copy / "data/processed/grounding/*/*.parquet")[
        "screenshot_id"
    ].value_counts()
    over = int((per_screen["count"].cast(pl.Int64) - 5).clip(0, None).sum())
    assert over > 0
    line = next(x for x in done.stdout.splitlines() if "mixed out (params.yaml mix)" in x)
    assert line.strip() == f"mixed out (params.yaml mix): {over} (per_screenshot {over})"
    assert "does nothing" not in done.stderr  # published rows carry their `language`


def test_export_rl_reports_its_size_per_row_and_howto_is_for_hf_only(ran, tmp_path):
    import pyarrow.parquet as pq

    root, _ = ran
    done = groundmill(root, "export", "rl", "--coords", "relative", "--out", str(tmp_path / "rl"))
    rows = sum(pq.read_metadata(p).num_rows for p in (tmp_path / "rl").glob("*.parquet"))
    size = sum(p.stat().st_size for p in (tmp_path / "rl").rglob("*") if p.is_file())
    published = pl.scan_parquet(root / "data" / "processed" / "grounding" / "*" / "*.parquet")
    assert rows == published.select(pl.len()).collect().item() > 0
    assert f"  {size:,} bytes, {size / rows:,.0f} bytes per row" in done.stdout
    line = refused_in_one_line(root, "export", "chat", "--table", "howto", "--out", str(tmp_path / "c"))
    assert line == "groundmill: export: --table howto is for the hf export only, not chat"
