"""Exact deduplication: keep the first row per key, record each removed row and the row it duplicates."""

from __future__ import annotations

import polars as pl

from schemas.registry import schema


def normalised_text(column: str) -> pl.Expr:
    """Case, punctuation and spacing removed: 'Click  the "Save" button.' ~ 'click the save button'."""
    return (
        pl.col(column)
        .str.to_lowercase()
        .str.replace_all(r"[^\p{L}\p{N}\s]", "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def dedup_exact(
    frame: pl.DataFrame, key: pl.Expr, row_id: str, table: str, order_by: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(kept rows, duplicates): within each key the first row by `order_by` is kept."""
    keyed = (
        frame.with_columns(_key=key.cast(pl.String)).sort(order_by, maintain_order=True).with_row_index("_n")
    )
    keyed = keyed.with_columns(
        _first=pl.col("_n").first().over("_key"), _first_id=pl.col(row_id).first().over("_key")
    )
    removed = keyed.filter(pl.col("_n") != pl.col("_first"))
    duplicates = removed.select(
        "source_id",
        pl.lit(table).alias("table"),
        pl.col(row_id).alias("row_id"),
        pl.col("_first_id").alias("dedup_of"),
        pl.col("_key").alias("key"),
    )
    kept = keyed.filter(pl.col("_n") == pl.col("_first")).drop("_key", "_n", "_first", "_first_id")
    return kept, duplicates.cast(schema("duplicates"))
