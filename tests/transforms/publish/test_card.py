"""The data card: its plots are PNGs a person can read (the optional ones only where their data is),
the same data gives the same bytes, and the mix is reported before and after."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from PIL import Image

from schemas.config import MixParams
from transforms.publish import plots
from transforms.publish.card import write_card

VERSION = {
    "version": "v1",
    "published_at": datetime(2026, 1, 1, tzinfo=UTC),
    "content_sha256": "0" * 64,
    "sources": ["web", "desk"],
    "row_counts": '{"grounding": 60}',
}


def screenshot() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(out, "PNG")
    return out.getvalue()


def grounding(n: int = 60) -> pl.DataFrame:
    """Rows on one 400x300 screenshot: boxes of growing size, three tiers, one refusal in ten."""
    refusal = [i % 10 == 9 for i in range(n)]
    box = [None if r else float(i) for i, r in enumerate(refusal)]
    return pl.DataFrame(
        {
            "grounding_id": [f"{i:032x}" for i in range(n)],
            "source_id": ["web" if i % 3 else "desk" for i in range(n)],
            "screenshot_id": ["s0"] * n,
            "element_id": [None if r else f"e{i}" for i, r in enumerate(refusal)],
            "perspective": [
                "refusal" if r else ["text", "spatial", "intent"][i % 3] for i, r in enumerate(refusal)
            ],
            "gt_type": ["negative" if r else "positive" for r in refusal],
            "expression": [f"the button {i}" for i in range(n)],
            "role": ["textbox" if i % 4 == 0 else "button" for i in range(n)],
            "is_icon": [i % 5 == 0 for i in range(n)],
            "tier": [None if r else ["easy", "medium", "hard"][i % 3] for i, r in enumerate(refusal)],
            "x1": box,
            "y1": box,
            "x2": [None if b is None else b + 5 + b for b in box],
            "y2": [None if b is None else b + 3 + b / 2 for b in box],
            "click_x": [None if b is None else b + 1 for b in box],
            "click_y": [None if b is None else b + 1 for b in box],
            "image_width": [400] * n,
            "image_height": [300] * n,
        }
    )


def instructions() -> pl.DataFrame:
    g = grounding().filter(pl.col("gt_type") == "positive").drop("is_icon", "tier")
    return g.with_columns(instruction_id=pl.col("grounding_id"), action_type=pl.lit("click")).drop(
        "grounding_id"
    )


def png_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        assert image.format == "PNG"
        return image.size


def test_the_card_plots_what_the_version_has_and_says_what_it_has_not(tmp_path):
    shots = pl.DataFrame({"screenshot_id": ["s0"], "png": [screenshot()]})
    card = write_card(tmp_path, VERSION, grounding(), shots, instructions=instructions())
    folder = card.parent
    for name in ("tiers.png", "perspectives.png", "target-sizes.png"):
        width, height = png_size(folder / name)
        assert width >= 500 and height >= 120, name
    assert not (folder / "languages.png").exists() and not (folder / "contamination.png").exists()
    assert not (folder / "mix.png").exists()
    text = card.read_text()
    assert "no `language` column" in text and "The mix (`params.yaml` `mix`) is not set" in text
    assert "![tiers per source](tiers.png)" in text and list(folder.glob("sample-*.png"))


def test_languages_contamination_and_the_mix_before_and_after(tmp_path):
    shots = pl.DataFrame({"screenshot_id": ["s0"], "png": [screenshot()]})
    rows = grounding().with_columns(
        language=pl.when(pl.col("source_id") == "web").then(pl.lit("en")).otherwise(pl.lit("de"))
    )
    contaminated = pl.DataFrame(
        {
            "source_id": ["web", "web", "desk"],
            "table": ["grounding"] * 3,
            "row_id": ["a", "b", "c"],
            "match": ["same_bytes", "near_screen", "near_screen"],
        }
    )
    mix = MixParams(per_source={"web": 20})
    card = write_card(
        tmp_path, VERSION, rows, shots, instructions=instructions(), contaminated=contaminated, mix_params=mix
    )
    folder = card.parent
    for name in ("languages.png", "contamination.png", "mix.png"):
        png_size(folder / name)
    text = card.read_text()
    assert "3 rows match a benchmark source" in text
    web = [line for line in text.splitlines() if line.startswith("| source | web |")]
    assert web == ["| source | web | 40 | 20 |"]  # 40 web rows published, capped at 20
    assert "| grounding | 60 |" in text and "per_source 20" in text


def test_the_same_rows_give_the_same_png_bytes():
    rows = grounding()
    assert plots.tiers_per_source(rows) == plots.tiers_per_source(rows.clone())
    assert plots.languages({"grounding": rows}) is None and plots.contamination(None) is None
