"""Difficulty v1 for grounding rows: small targets, many look-alikes and icons are harder."""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class DifficultyParams:
    weight_area: float = 0.5
    weight_distractors: float = 0.3
    weight_icon: float = 0.2
    distractor_cap: int = 20
    tier_medium: float = 0.35
    tier_hard: float = 0.6


def grade_difficulty(grounding: pl.DataFrame, elements: pl.DataFrame, params: DifficultyParams) -> pl.DataFrame:
    """Grounding rows in; the same rows with area_ratio, distractors, difficulty and tier.

    - area: target area / screen area (ScreenSpot-Pro's notion), as -log10 scaled so that
      10% of the screen scores 0 and 0.01% scores 1;
    - distractors: other elements of the same role on the same screenshot, capped;
    - icon: the target shows no text of its own.
    Refusal rows have no box: their area, difficulty and tier are null.
    """
    same_role = elements.group_by("screenshot_id", "role").agg(n_role=pl.len().cast(pl.Int32))
    area_ratio = ((pl.col("x2") - pl.col("x1")) * (pl.col("y2") - pl.col("y1"))
                  / (pl.col("image_width") * pl.col("image_height")))
    graded = grounding.join(same_role, on=["screenshot_id", "role"], how="left").with_columns(
        area_ratio=area_ratio.clip(1e-9, 1.0),  # null for a refusal row
        distractors=(pl.col("n_role").fill_null(1) - 1).clip(0).cast(pl.Int32),
    ).drop("n_role")
    area_term = ((-pl.col("area_ratio").log10() - 1) / 3).clip(0, 1)
    distractor_term = pl.col("distractors").clip(0, params.distractor_cap) / params.distractor_cap
    score = (params.weight_area * area_term + params.weight_distractors * distractor_term
             + params.weight_icon * pl.col("is_icon").cast(pl.Float64))
    total = params.weight_area + params.weight_distractors + params.weight_icon
    graded = graded.with_columns(difficulty=(score / total).round(4))
    return graded.with_columns(
        tier=pl.when(pl.col("difficulty").is_null()).then(None)
        .when(pl.col("difficulty") >= params.tier_hard).then(pl.lit("hard"))
        .when(pl.col("difficulty") >= params.tier_medium).then(pl.lit("medium"))
        .otherwise(pl.lit("easy")))
