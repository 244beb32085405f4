"""Grounding rows of an imported dataset: one per imported record, its instruction as the expression, its
box from its element, and the original record in `origin` (perspective `imported`, annotator `import`);
a `skipped` row, with the reason, for each record the import refused."""

from __future__ import annotations

import polars as pl

from schemas.registry import schema
from transforms.ids import content_ids


def imported_grounding(
    records: pl.DataFrame, elements: pl.DataFrame, screenshots: pl.DataFrame
) -> pl.DataFrame:
    boxes = elements.select("element_id", "role", "x1", "y1", "x2", "y2").unique("element_id")
    # one size per screenshot: a screenshot listed twice must not multiply the records
    sizes = screenshots.select("screenshot_id", image_width="width", image_height="height").unique(
        "screenshot_id"
    )
    rows = (
        records.filter(pl.col("refused").is_null())
        .join(boxes, on="element_id", how="left")
        .join(sizes, on="screenshot_id", how="left")
        .with_columns(
            perspective=pl.lit("imported"),
            expression=pl.col("instruction"),
            label=pl.col("instruction"),
            role=pl.col("role").fill_null("target"),
            tag=pl.lit("target"),
            annotator=pl.lit("import"),
            n_matches=pl.when(pl.col("element_id").is_null()).then(0).otherwise(1).cast(pl.Int32),
            quality_flags=pl.lit([], dtype=pl.List(pl.String)),
            click_x=((pl.col("x1") + pl.col("x2")) / 2).round(2),
            click_y=((pl.col("y1") + pl.col("y2")) / 2).round(2),
            gt_type=pl.when(pl.col("element_id").is_null())
            .then(pl.lit("negative"))
            .otherwise(pl.col("gt_type")),
        )
    )
    rows = rows.with_columns(grounding_id=pl.lit(""))
    rows = rows.select(list(schema("grounding"))).cast(schema("grounding"))
    return rows.with_columns(content_ids(rows, "grounding"))


def refused_records(records: pl.DataFrame) -> pl.DataFrame:
    """A `skipped` row for each record the import refused: its reason and where it was read."""
    return (
        records.filter(pl.col("refused").is_not_null())
        .select(
            "source_id",
            table=pl.lit("grounding"),
            perspective=pl.lit("imported"),
            element_id=pl.lit(None, pl.String),
            screenshot_id=pl.lit(None, pl.String),
            reason=pl.concat_str("refused", pl.lit(": "), "message"),
        )
        .cast(schema("skipped"))
    )
