"""`groundmill export` and `groundmill gallery` on the session's published run (flows/cli_export.py)."""

from __future__ import annotations

import json
import os
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


def test_trajectories_export_to_chat_and_hf_with_one_image_per_step(ran, tmp_path, monkeypatch, capsys):
    """Two trajectories published over the run's own screens (the site's pages do not link each other)
    go through `export chat|hf --table trajectories`: one image per step, in order. The command runs in
    this process (`flows.cli.main`, as the console script calls it): a second process costs half a minute
    on a busy machine, and exporting starts no flow."""
    from flows.cli import main
    from schemas.registry import TABLES

    root, _ = ran
    copy = tmp_path / "project"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".prefect", "reports", "exports"))
    elements = pl.read_parquet(copy / "data/processed/elements/source=site/*.parquet")
    targets = (
        elements.filter(pl.col("interactive")).unique("screenshot_id", keep="first").sort("screenshot_id")
    )
    first, second = targets.head(2).iter_rows(named=True)

    def step(n: int, e: dict) -> dict:
        box = {c: e[c] for c in ("screenshot_id", "element_id", "x1", "y1", "x2", "y2")}
        return {"step": n, "action": "click", "path_step": f"link:{n}", "target": e["text"] or "it", **box}

    trajectories = TABLES["trajectories"].frame(
        {
            "trajectory_id": tid * 32,
            "source_id": "site",
            "kind": "web",
            "capture_id": last["capture_id"],
            "screenshot_id": last["screenshot_id"],
            "goal": f"Goal {tid}",
            "path": [s["path_step"] for s in steps],
            "n_steps": len(steps),
            "steps": steps,
        }
        for tid, steps, last in (
            ("a", [step(1, first), step(2, second)], second),
            ("b", [step(1, second)], second),
        )
    )
    (published,) = (copy / "data/processed/trajectories/source=site").glob("*.parquet")
    trajectories.write_parquet(published)
    # what the command sets in the environment is undone after the test
    for name, value in (
        ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
        ("DO_NOT_TRACK", "1"),
        ("DVC_NO_ANALYTICS", "1"),
    ):
        monkeypatch.setenv(name, os.environ.get(name, value))
    monkeypatch.setenv("PREFECT_HOME", str(copy / ".prefect"))
    monkeypatch.setenv("GROUNDMILL_ROOT", str(copy))
    assert main(["export", "chat", "--table", "trajectories", "--coords", "relative"]) == 0
    assert "chat export of trajectories: train 2" in capsys.readouterr().out
    lines = [
        json.loads(x)
        for f in (copy / "data/exports/chat-trajectories").glob("*.jsonl")
        for x in f.read_text().splitlines()
    ]
    images = {r["id"][0]: r["images"] for r in lines}
    assert images == {
        "a": [f"images/{first['screenshot_id']}.png", f"images/{second['screenshot_id']}.png"],
        "b": [f"images/{second['screenshot_id']}.png"],
    }
    assert main(["export", "hf", "--table", "trajectories"]) == 0
    rows = pl.concat(
        pl.read_parquet(f) for f in (copy / "data/exports/hf-trajectories/data").glob("*.parquet")
    )
    assert sorted(rows["images"].list.len().to_list()) == [1, 2]
