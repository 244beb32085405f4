"""Difficulty v3: a documented multi-factor score per grounding row, and tiers.

Each factor is in [0, 1]; the score combines them as a noisy OR, 1 - prod(1 - weight * factor), so one
strong factor makes a row hard by itself and every factor can only raise the score. The weights, the
area anchors and the perspective factors are in params.yaml (`difficulty`), calibrated by
bench/calibrate_difficulty.py on ScreenSpot-Pro, ScreenSpot-v2 and real web pages (docs/curation.md
has the table). Factors:

- area: -log10(target area / screen area), 0 at `area_easy` (1 %) and 1 at `area_hard` (0.01 %): small
  targets are what models miss (ScreenSpot-Pro's median target is 0.035 % of its screen);
- resolution: log2(screen pixels / 1280x800) / 3, so 1280x800 scores 0 and 4K (8x) 1: a large screen
  is shrunk before a model sees it, and its targets with it;
- distractors: other elements on the screen with the target's label, capped at `distractor_cap`: the
  words of the instruction cannot tell them apart (a baseline grounder hits 95 % of web rows without
  one, 35 % of those with one);
- clutter: all elements in the 3 x 3 block of grid cells around the target (cells a tenth of the
  screen), capped: the target's crowd;
- icon: the target shows no text of its own;
- perspective: the factor params.yaml gives the phrasing's perspective (spatial 1: the row names
  another element and a relation to it);
- implicit: an implicit intent (the instruction does not name the target).

Factors that a row cannot know (no elements for an imported benchmark row) count as 0. Refusal rows
have no box: their difficulty and tier are null.
"""

from __future__ import annotations

import math

import polars as pl

from schemas.config import DifficultyParams
from schemas.registry import schema
from transforms.annotate.labels import normalise, with_labels

FACTORS = ("area", "resolution", "distractors", "clutter", "icon", "perspective", "implicit")
GRID = 10  # cells per screen side for the neighbourhood of distractors and clutter


def _cell(x: str, y: str, w: str, h: str) -> list[pl.Expr]:
    return [
        (pl.col(x) / pl.col(w) * GRID).floor().clip(0, GRID - 1).cast(pl.Int32).alias("_cx"),
        (pl.col(y) / pl.col(h) * GRID).floor().clip(0, GRID - 1).cast(pl.Int32).alias("_cy"),
    ]


def neighbourhood(targets: pl.DataFrame, elements: pl.DataFrame, screenshots: pl.DataFrame) -> pl.DataFrame:
    """targets (screenshot_id, label, click_x, click_y, image_width, image_height) with `distractors`
    (other elements of the screenshot with the target's label) and `clutter` (elements in the 3 x 3 grid
    cells around the target, the target not counted) from the screenshot's elements, without a pairwise
    join."""
    sizes = screenshots.select("screenshot_id", pl.col("width").alias("_w"), pl.col("height").alias("_h"))
    centres = (
        with_labels(elements)
        .select(
            "screenshot_id",
            "label_key",
            _x=(pl.col("x1") + pl.col("x2")) / 2,
            _y=(pl.col("y1") + pl.col("y2")) / 2,
        )
        .join(sizes, on="screenshot_id")
        .with_columns(_cell("_x", "_y", "_w", "_h"))
    )
    per_cell = centres.group_by("screenshot_id", "_cx", "_cy").agg(n=pl.len())
    per_text = (
        centres.filter(pl.col("label_key") != "").group_by("screenshot_id", "label_key").agg(n_text=pl.len())
    )
    keyed = targets.with_row_index("_t").with_columns(
        _cell("click_x", "click_y", "image_width", "image_height"), label_key=normalise(pl.col("label"))
    )
    blocks = pl.DataFrame(
        {"_dx": [dx for dx in (-1, 0, 1) for _ in range(3)], "_dy": [-1, 0, 1] * 3},
        schema={"_dx": pl.Int32, "_dy": pl.Int32},
    )
    around = (
        keyed.select("_t", "screenshot_id", "_cx", "_cy")
        .join(blocks, how="cross")
        .with_columns(_cx=pl.col("_cx") + pl.col("_dx"), _cy=pl.col("_cy") + pl.col("_dy"))
    )
    crowd = (
        around.join(per_cell, on=["screenshot_id", "_cx", "_cy"]).group_by("_t").agg(crowd=pl.col("n").sum())
    )
    counted = keyed.join(crowd, on="_t", how="left").join(
        per_text, on=["screenshot_id", "label_key"], how="left"
    )
    return (
        counted.sort("_t")
        .with_columns(
            clutter=(pl.col("crowd").fill_null(1) - 1).clip(0).cast(pl.Int32),
            distractors=(pl.col("n_text").fill_null(1) - 1).clip(0).cast(pl.Int32),
        )
        .drop("_t", "_cx", "_cy", "label_key", "crowd", "n_text")
    )


def factors(frame: pl.DataFrame, params: DifficultyParams) -> pl.DataFrame:
    """Adds area_ratio and one f_<factor> column per factor (nulls where a row cannot know it are 0)."""
    area = (
        (pl.col("x2") - pl.col("x1"))
        * (pl.col("y2") - pl.col("y1"))
        / (pl.col("image_width") * pl.col("image_height"))
    ).clip(1e-9, 1.0)
    pixels = (pl.col("image_width") * pl.col("image_height")).cast(pl.Float64) / (1280 * 800)
    known = {**schema("graded_grounding"), **schema("instructions")}  # columns a frame may lack

    def col(name: str) -> pl.Expr:
        return pl.col(name) if name in frame.columns else pl.lit(None, dtype=known[name])

    easy, hard = math.log10(params.area_easy), math.log10(params.area_hard)
    return frame.with_columns(area_ratio=area).with_columns(
        f_area=((easy - pl.col("area_ratio").log10()) / (easy - hard)).clip(0, 1),
        f_resolution=(pixels.log(2) / 3).clip(0, 1),
        f_distractors=(col("distractors").cast(pl.Float64) / params.distractor_cap).clip(0, 1).fill_null(0),
        f_clutter=(col("clutter").cast(pl.Float64) / params.clutter_cap).clip(0, 1).fill_null(0),
        f_icon=col("is_icon").cast(pl.Float64).fill_null(0),
        f_perspective=col("perspective")
        .replace_strict(params.perspective.model_dump(), default=0.0, return_dtype=pl.Float64)
        .fill_null(0),
        f_implicit=(col("explicit") == pl.lit(False)).cast(pl.Float64).fill_null(0),
    )


def score(frame: pl.DataFrame, params: DifficultyParams) -> pl.DataFrame:
    """Adds difficulty (noisy OR of the weighted factors) and tier; drops the f_ columns."""
    keep = 1.0
    for name in FACTORS:
        keep = keep * (1 - getattr(params, f"weight_{name}") * pl.col(f"f_{name}"))
    graded = frame.with_columns(difficulty=(1 - keep).round(4))
    return graded.with_columns(tier=tier(params)).drop([f"f_{n}" for n in FACTORS])


def tier(params: DifficultyParams) -> pl.Expr:
    """The tier of the `difficulty` column at the params' thresholds: easy, medium, hard (null stays null)."""
    return (
        pl.when(pl.col("difficulty").is_null())
        .then(None)
        .when(pl.col("difficulty") >= params.tier_hard)
        .then(pl.lit("hard"))
        .when(pl.col("difficulty") >= params.tier_medium)
        .then(pl.lit("medium"))
        .otherwise(pl.lit("easy"))
    )


def grade_difficulty(
    grounding: pl.DataFrame, elements: pl.DataFrame, screenshots: pl.DataFrame, params: DifficultyParams
) -> pl.DataFrame:
    """Grounding rows in; the same rows with area_ratio, distractors, clutter, difficulty and tier."""
    counted = neighbourhood(grounding, elements, screenshots)
    return score(factors(counted, params), params)
