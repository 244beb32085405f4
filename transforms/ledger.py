"""The ledger: per stage, source and table, where every input row went."""

from __future__ import annotations

import polars as pl

LEDGER_SCHEMA = {
    "stage": pl.String,
    "source_id": pl.String,
    "table": pl.String,
    "rows_in": pl.Int64,
    "rows_out": pl.Int64,
    "quarantined": pl.Int64,
    "deduplicated": pl.Int64,
    "skipped": pl.Int64,
    "rejected": pl.Int64,
}


def ledger(rows: list[dict]) -> pl.DataFrame:
    """Ledger rows (missing counts are 0) as a frame; raises if any row does not balance."""
    filled = [{"quarantined": 0, "deduplicated": 0, "skipped": 0, "rejected": 0, **r} for r in rows]
    frame = pl.DataFrame(filled, schema=LEDGER_SCHEMA)
    unbalanced = frame.filter(
        pl.col("rows_in")
        != pl.col("rows_out")
        + pl.col("quarantined")
        + pl.col("deduplicated")
        + pl.col("skipped")
        + pl.col("rejected")
    )
    if len(unbalanced):
        raise AssertionError(f"ledger does not balance: {unbalanced.to_dicts()}")
    return frame
