"""Grounding: one referring expression per unambiguous on-screen element, with its box and click point."""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transforms.annotate.labels import mark_ambiguous, on_image, role_noun, with_labels
from transforms.ids import content_id

GROUNDING_COLUMNS = [
    "grounding_id", "source_id", "screenshot_id", "element_id", "expression", "label", "role", "tag",
    "is_icon", "x1", "y1", "x2", "y2", "click_x", "click_y", "image_width", "image_height",
]
SKIP_COLUMNS = ["source_id", "table", "element_id", "screenshot_id", "reason"]


@dataclass(frozen=True)
class AnnotateParams:
    max_text_chars: int = 80


def skip_reason(params: AnnotateParams) -> pl.Expr:
    """Why an element cannot be a target, or null when it can."""
    return (
        pl.when(pl.col("label_key") == "").then(pl.lit("no visible text or accessible name"))
        .when(~pl.col("center_hit")).then(pl.lit("centre point is covered by another element"))
        .when(pl.col("label").str.len_chars() > params.max_text_chars)
        .then(pl.lit(f"text longer than {params.max_text_chars} characters"))
        .when(pl.col("label_count") > 1).then(pl.lit("ambiguous: text shared with another element on screen"))
        .otherwise(None)
    )


def expression(frame: pl.DataFrame) -> pl.Series:
    """The referring expression: 'the "Sign in" button', 'the heading "Orders"', 'the text "…"'."""
    noun = role_noun(pl.col("role"))
    quoted = pl.lit('"') + pl.col("label") + pl.lit('"')
    return frame.select(
        pl.when(noun == "heading").then(pl.lit("the heading ") + quoted)
        .when(noun == "element").then(pl.lit("the text ") + quoted)
        .otherwise(pl.lit("the ") + quoted + pl.lit(" ") + noun)
    ).to_series()


def ground_elements(elements: pl.DataFrame, screenshots: pl.DataFrame,
                    params: AnnotateParams) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Elements and screenshot sizes in; (grounding rows, skipped elements with the reason)."""
    labelled = mark_ambiguous(with_labels(elements)).with_columns(reason=skip_reason(params))
    skipped = labelled.filter(pl.col("reason").is_not_null()).select(
        "source_id", pl.lit("grounding").alias("table"), "element_id", "screenshot_id", "reason")
    targets = labelled.filter(pl.col("reason").is_null())
    targets = on_image(targets.with_columns(expression=expression(targets)), screenshots)
    grounding = targets.with_columns(
        grounding_id=pl.struct("element_id", "expression").map_elements(
            lambda r: content_id("grounding", r["element_id"], r["expression"]), return_dtype=pl.String),
    ).select(GROUNDING_COLUMNS)
    return grounding, skipped.select(SKIP_COLUMNS)
