"""Empirical difficulty, optional and off by default (`difficulty.empirical.enabled`): a grounding model
behind the OpenAI-compatible backend is shown each positive grounding row's screenshot and expression
`samples` times (sampled, one seed each), and the share of its points that miss the box refines the
formula's score: difficulty = (1 - blend) * formula + blend * miss rate, tiers drawn again.

The formula stays the default because no model runs offline; the baseline grounder (baseline.py) is the
stand-in the calibration checks the tiers against.
"""

from __future__ import annotations

import polars as pl

from schemas.config import DifficultyParams, EmpiricalParams
from transforms.annotate.chat import ChatClient, ModelError
from transforms.annotate.ground import grounding_messages, read_point
from transforms.curate.difficulty import tier


def model_success(
    grounding: pl.DataFrame, screenshots: pl.DataFrame, client: ChatClient, params: EmpiricalParams
) -> pl.DataFrame:
    """Positive grounding rows and their screenshots in; grounding_id and `model_success` (share of the
    `samples` points inside the box; a failed request or an unreadable reply is a miss) out."""
    rows = grounding.filter(pl.col("x1").is_not_null()).join(
        screenshots.select("screenshot_id", "png"), on="screenshot_id", how="inner"
    )
    jobs, seeds, owners = [], [], []
    for r in rows.iter_rows(named=True):
        messages = grounding_messages(r["png"], r["expression"], r["image_width"], r["image_height"])
        for seed in range(params.samples):
            jobs.append(messages)
            seeds.append(seed)
            owners.append(r)
    replies = client.complete_all(jobs, params.temperature, seeds) if jobs else []
    hits: dict[str, int] = {}
    for r, reply in zip(owners, replies, strict=True):
        point = (
            None
            if isinstance(reply, ModelError)
            else read_point(reply, r["image_width"], r["image_height"], params.scale)
        )
        inside = point is not None and r["x1"] <= point[0] <= r["x2"] and r["y1"] <= point[1] <= r["y2"]
        hits[r["grounding_id"]] = hits.get(r["grounding_id"], 0) + inside
    return pl.DataFrame(
        {"grounding_id": list(hits), "model_success": [n / params.samples for n in hits.values()]},
        schema={"grounding_id": pl.String, "model_success": pl.Float64},
    )


def refine(graded: pl.DataFrame, success: pl.DataFrame, params: DifficultyParams) -> pl.DataFrame:
    """Graded grounding rows and model_success in; the same rows with difficulty blended with the miss
    rate and tier drawn again (rows the model was not asked about keep the formula's score)."""
    blend = params.empirical.blend
    joined = graded.join(success, on="grounding_id", how="left")
    refined = joined.with_columns(
        difficulty=pl.when(pl.col("model_success").is_null() | pl.col("difficulty").is_null())
        .then(pl.col("difficulty"))
        .otherwise(((1 - blend) * pl.col("difficulty") + blend * (1 - pl.col("model_success"))).round(4))
    )
    return refined.with_columns(tier=tier(params)).drop("model_success")
